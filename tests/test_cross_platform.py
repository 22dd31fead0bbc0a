"""One chat across platforms (issue 10 part 3): the mixed Mastodon + Bluesky sample, sessions
from the union of the tag's posts, each platform's share, and ``--people`` linking accounts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from swchat.api import Archive
from swchat.cli import main
from swchat.privacy import link_people, read_persons
from swchat.sample import write_mixed_sample
from swchat.schema import account_entry

MIXED = ("swchat-mastodon.jsonl", "swchat-bluesky.jsonl", "people.csv", "truth-mixed.json")


@pytest.fixture(scope="module")
def mixed_truth(sample_dir: Path) -> dict:
    return json.loads((sample_dir / "truth-mixed.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def mixed_db(sample_dir: Path, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("mixed") / "mixed.db"
    with Archive(path, create=True) as archive:
        archive.ingest([sample_dir / "swchat-mastodon.jsonl", sample_dir / "swchat-bluesky.jsonl"])
    return path


def test_committed_mixed_sample_is_what_the_generator_makes_and_small(sample_dir, tmp_path):
    written = write_mixed_sample(tmp_path)
    assert sorted(p.name for p in written.values()) == sorted(MIXED)
    for name in MIXED:
        assert (sample_dir / name).read_bytes() == (tmp_path / name).read_bytes(), name
        assert (sample_dir / name).stat().st_size < 1_000_000, name


def test_mixed_truth_adds_up(mixed_truth):
    counts = mixed_truth["counts"]
    assert sum(counts["by_platform"].values()) == counts["posts"]
    assert counts["by_platform"]["mastodon"] and counts["by_platform"]["bluesky"]
    assert counts["people_on_both"] == len(mixed_truth["people"]) > 0
    for s in mixed_truth["sessions"]:
        assert sum(s["by_platform"].values()) == s["posts"] == len(s["post_ids"])
        assert s["people"] < s["accounts"]


def test_one_session_per_week_from_both_platforms(mixed_db, mixed_truth):
    with Archive(mixed_db, create=False) as archive:
        found = archive.sessions("SWChat", tz="Europe/London", members=True)
    assert [s.id for s in found] == [s["id"] for s in mixed_truth["sessions"]]
    for s, t in zip(found, mixed_truth["sessions"], strict=True):
        assert sorted(s.post_ids) == t["post_ids"]
        assert s.platforms == t["by_platform"]
        assert s.participants == t["accounts"]
        assert s.cross_platform
        expected = ", ".join(f"{round(100 * n / t['posts'])} % {name.capitalize().replace('Bluesky', 'Bluesky')}"
                             for name, n in sorted(t["by_platform"].items(), key=lambda kv: -kv[1]))
        assert s.platform_shares == expected
        assert s.as_dict()["platforms"] == t["by_platform"]


def test_sessions_command_shows_the_platform_shares(mixed_db, mixed_truth):
    res = CliRunner().invoke(main, ["sessions", "--archive", str(mixed_db), "--tz", "Europe/London"])
    assert res.exit_code == 0, res.output
    header, first = res.output.splitlines()[:2]
    assert "platforms" in header
    t = mixed_truth["sessions"][0]
    share = round(100 * t["by_platform"]["mastodon"] / t["posts"])
    assert f"{share} % Mastodon, {100 - share} % Bluesky" in first


def test_x_only_sessions_have_no_platforms_column(sample_archive_path):
    res = CliRunner().invoke(main, ["sessions", "--archive", str(sample_archive_path)])
    assert res.exit_code == 0 and "platforms" not in res.output.splitlines()[0]


def test_report_says_each_platforms_share(mixed_db, mixed_truth):
    t = mixed_truth["sessions"][0]
    with Archive(mixed_db, create=False) as archive:
        summary = archive.session(t["id"], tz="Europe/London").summary()
    share = round(100 * t["by_platform"]["mastodon"] / t["posts"])
    shares = f"{share} % Mastodon, {100 - share} % Bluesky"
    assert any(shares in line and "Platforms" in line for line in summary.methods.counted)
    assert summary.highlights is not None and f"({shares})" in summary.highlights.sentences[0]


def test_network_records_the_shares_sliced_and_whole(mixed_db, mixed_truth):
    t = mixed_truth["sessions"][0]
    with Archive(mixed_db, create=False) as archive:
        G = archive.session(t["id"]).network()
        whole = archive.chat(hashtag="SWChat").network()
        sliced = archive.network(hashtag="SWChat")
    assert G.graph["posts_mastodon"] == t["by_platform"]["mastodon"]
    assert G.graph["posts_bluesky"] == t["by_platform"]["bluesky"]
    assert "% Mastodon" in G.graph["platform_shares"]
    assert {d["platform"] for _n, d in G.nodes(data=True)} == {"mastodon", "bluesky"}
    assert sliced.graph["platform_shares"] == whole.graph["platform_shares"]
    assert sorted(sliced.edges(data=True)) == sorted(whole.edges(data=True))


# --------------------------------------------------------------------------- --people


def test_read_persons_and_link_people_count_a_person_once(sample_dir, mixed_db, mixed_truth):
    persons = read_persons(sample_dir / "people.csv")
    assert len(set(persons.values())) == len(mixed_truth["people"])
    t = mixed_truth["sessions"][0]
    with Archive(mixed_db, create=False) as archive:
        chat = archive.session(t["id"])
    assert chat.participants == t["accounts"]
    assert link_people(chat, persons).participants == t["people"]


def test_people_count_once_in_sessions_and_report(sample_dir, mixed_db, mixed_truth):
    with Archive(mixed_db, create=False) as archive:
        archive.link_people(sample_dir / "people.csv")
        found = archive.sessions("SWChat", tz="Europe/London")
        assert [s.participants for s in found] == [t["people"] for t in mixed_truth["sessions"]]
        summary = archive.session(found[0].id, tz="Europe/London").summary()
    assert summary.metric("participants").value == mixed_truth["sessions"][0]["people"]


def test_a_person_on_both_platforms_is_one_node_with_both_accounts_edges(sample_dir, mixed_db):
    persons = read_persons(sample_dir / "people.csv")
    with Archive(mixed_db, create=False) as archive:
        plain = archive.chat(hashtag="SWChat").network()
        archive.link_people(sample_dir / "people.csv")
        linked = archive.chat(hashtag="SWChat").network()
        assert sorted(archive.network(hashtag="SWChat").edges) == sorted(linked.edges)  # not streamed: same graph

    def merged(node: str) -> str:
        handle = plain.nodes[node].get("handle")
        person = persons.get(account_entry(str(handle))) if handle else None
        return f"person:{person}" if person else node

    assert linked.number_of_nodes() < plain.number_of_nodes()
    both = 0
    for person in sorted(set(persons.values())):
        key = f"person:{person}"
        accounts = [n for n in plain if merged(n) == key]
        if len(accounts) < 2 or key not in linked:
            continue
        both += 1
        node = linked.nodes[key]
        assert node["platform"] == "bluesky, mastodon"
        assert len(node["accounts"].split(", ")) == 2
        assert node["posts"] == sum(plain.nodes[a]["posts"] for a in accounts)
        expected = {merged(v) for a in accounts for v in plain.successors(a)} - {key}
        assert set(linked.successors(key)) == expected
    assert both >= 3


def test_people_option_on_the_commands(sample_dir, mixed_db, mixed_truth, tmp_path):
    people = str(sample_dir / "people.csv")
    res = CliRunner().invoke(main, ["sessions", "--archive", str(mixed_db), "--people", people, "--json"])
    assert res.exit_code == 0, res.output
    assert [s["participants"] for s in json.loads(res.output)] == [t["people"] for t in mixed_truth["sessions"]]
    out = tmp_path / "n.graphml"
    res = CliRunner().invoke(main, ["network", "--archive", str(mixed_db), "--hashtag", "SWChat", "--people", people,
                                    "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert "person:" in out.read_text(encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text("name,handle\nann,@ann\n", encoding="utf-8")
    res = CliRunner().invoke(main, ["sessions", "--archive", str(mixed_db), "--people", str(bad)])
    assert res.exit_code == 1 and "person and account" in res.output and "Traceback" not in res.output


def _expected_people_newcomers(archive: Archive, truth: dict) -> list[int]:
    """Newcomers per session counted by person, from the truth's post ids and people."""
    person_of = {(platform, handle.lower()): label for label, accounts in truth["people"].items()
                 for platform, handle in accounts.items()}
    posts = archive.posts("SWChat")
    author = {pid: person_of.get((p, str(h).lower()), f"{p}:{a}") for p, pid, a, h in
              zip(posts["platform"], posts["post_id"], posts["author_id"], posts["author_handle"], strict=True)}
    seen: set[str] = set()
    counts = []
    for t in truth["sessions"]:
        here = {author[pid] for pid in t["post_ids"] if pid in author}
        counts.append(len(here - seen))
        seen |= here
    return counts


def test_people_are_newcomers_once_in_community_report_and_participation(sample_dir, mixed_db, mixed_truth):
    with Archive(mixed_db, create=False) as archive:
        expected = _expected_people_newcomers(archive, mixed_truth)
        plain = archive.community("SWChat", tz="Europe/London")
        archive.link_people(sample_dir / "people.csv")
        community = archive.community("SWChat", tz="Europe/London")
        reports = [archive.session(t["id"], tz="Europe/London").summary() for t in mixed_truth["sessions"]]
        part = archive.participation_table("SWChat", tz="Europe/London")
    people = [t["people"] for t in mixed_truth["sessions"]]
    assert community.sessions["participants"].tolist() == people
    assert community.sessions["newcomers"].tolist() == expected
    assert plain.sessions["newcomers"].tolist() != expected  # per account, a person's second account was new
    assert (community.sessions["newcomers"] + community.sessions["returners"]).tolist() == people
    assert [r.metric("newcomers").value for r in reports] == expected
    assert [r.metric("participants").value for r in reports] == people
    assert part.groupby("session", sort=False).size().tolist() == people
    news = part[part["first_session"] == part["session"]].groupby("session", sort=False).size()
    assert news.tolist() == expected
    host = part[part["account_id"] == "person:SWChatHost"]
    assert len(host) == 3 and set(host["platform"]) == {"bluesky, mastodon"}


def test_people_hosts_are_listed_once(sample_dir, mixed_db):
    with Archive(mixed_db, create=False) as archive:
        plain = archive.sessions("SWChat", tz="Europe/London")
        archive.link_people(sample_dir / "people.csv")
        linked = archive.sessions("SWChat", tz="Europe/London", members=True)
        chat = archive.session(linked[0].id, tz="Europe/London")
    for s in linked:
        assert s.hosts == ["SWChatCoHost", "SWChatHost"]
        assert s.host_ids == ["person:SWChatCoHost", "person:SWChatHost"]
        assert len(s.author_ids) == len(set(s.author_ids)) == s.participants
    assert all(len(s.hosts) >= 2 for s in plain)
    assert chat.meta["hosts"] == ["person:SWChatCoHost", "person:SWChatHost"]
    assert set(chat.meta["newcomers"]) <= set(chat.posts["author_id"])


def test_people_option_on_community_and_growth(sample_dir, mixed_db, mixed_truth):
    people = str(sample_dir / "people.csv")
    res = CliRunner().invoke(main, ["community", "--archive", str(mixed_db), "--hashtag", "SWChat",
                                    "--tz", "Europe/London", "--people", people, "--json"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.output)["sessions"]
    assert [r["participants"] for r in rows] == [t["people"] for t in mixed_truth["sessions"]]
    res = CliRunner().invoke(main, ["community", "--archive", str(mixed_db), "--hashtag", "SWChat",
                                    "--tz", "Europe/London", "--people", people])
    assert res.exit_code == 0 and "a linked person once" in res.output.splitlines()[0]
    t = mixed_truth["sessions"][0]
    res = CliRunner().invoke(main, ["growth", "--archive", str(mixed_db), "--session", t["id"],
                                    "--tz", "Europe/London", "--people", people, "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["headline"]["participants"] == t["people"]
