"""One chat across platforms (issue 10 part 3): the mixed X + Mastodon + Bluesky sample, sessions
from the union of the tag's posts, each platform's share, ``--platform`` keeping one of them, and
``--people`` linking accounts (also under pseudonyms)."""

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

MIXED = ("swchat-x.jsonl", "swchat-mastodon.jsonl", "swchat-bluesky.jsonl", "people.csv", "truth-mixed.json")
PLATFORM_NAMES = {"x": "X", "mastodon": "Mastodon", "bluesky": "Bluesky"}


def shares(t: dict) -> str:
    """A session's platform shares as swchat writes them, from the truth: largest first."""
    return ", ".join(f"{round(100 * n / t['posts'])} % {PLATFORM_NAMES[name]}"
                     for name, n in sorted(t["by_platform"].items(), key=lambda kv: (-kv[1], kv[0])) if n)


@pytest.fixture(scope="module")
def mixed_truth(sample_dir: Path) -> dict:
    return json.loads((sample_dir / "truth-mixed.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def mixed_db(sample_dir: Path, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("mixed") / "mixed.db"
    with Archive(path, create=True) as archive:
        archive.ingest([sample_dir / name for name in MIXED[:3]])
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
    assert all(counts["by_platform"][k] > 0 for k in ("x", "mastodon", "bluesky"))
    assert counts["people_on_several"] == len(mixed_truth["people"]) > 0
    assert any(len(accounts) == 3 for accounts in mixed_truth["people"].values())  # the hosts, at least
    for s in mixed_truth["sessions"]:
        assert sum(s["by_platform"].values()) == s["posts"] == len(s["post_ids"])
        assert all(n > 0 for n in s["by_platform"].values())
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
        assert s.platform_shares == shares(t)
        assert s.as_dict()["platforms"] == t["by_platform"]


def test_sessions_command_shows_the_platform_shares(mixed_db, mixed_truth):
    res = CliRunner().invoke(main, ["sessions", "--archive", str(mixed_db), "--tz", "Europe/London"])
    assert res.exit_code == 0, res.output
    header, first = res.output.splitlines()[:2]
    assert "platforms" in header
    assert shares(mixed_truth["sessions"][0]) in first and first.count(" % ") == 3


def test_x_only_sessions_have_no_platforms_column(sample_archive_path):
    res = CliRunner().invoke(main, ["sessions", "--archive", str(sample_archive_path)])
    assert res.exit_code == 0 and "platforms" not in res.output.splitlines()[0]


def test_report_says_each_platforms_share(mixed_db, mixed_truth):
    t = mixed_truth["sessions"][0]
    with Archive(mixed_db, create=False) as archive:
        summary = archive.session(t["id"], tz="Europe/London").summary()
    assert any(shares(t) in line and "Platforms" in line for line in summary.methods.counted)
    assert summary.highlights is not None and f"({shares(t)})" in summary.highlights.sentences[0]


def test_network_records_the_shares_sliced_and_whole(mixed_db, mixed_truth):
    t = mixed_truth["sessions"][0]
    with Archive(mixed_db, create=False) as archive:
        G = archive.session(t["id"]).network()
        whole = archive.chat(hashtag="SWChat").network()
        sliced = archive.network(hashtag="SWChat")
    for platform in ("x", "mastodon", "bluesky"):
        assert G.graph[f"posts_{platform}"] == t["by_platform"][platform]
    assert G.graph["platform_shares"] == shares(t)
    assert {d["platform"] for _n, d in G.nodes(data=True)} == {"x", "mastodon", "bluesky"}
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


def test_a_person_on_several_platforms_is_one_node_with_all_their_accounts_edges(sample_dir, mixed_db):
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
        assert node["platform"] == ", ".join(sorted({plain.nodes[a]["platform"] for a in accounts}))
        assert node["label"] == node["handle"] == person
        assert len(node["accounts"].split(", ")) == len(accounts)
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
    assert len(host) == 3 and set(host["platform"]) == {"bluesky, mastodon, x"}


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


# --------------------------------------------------------------------------- --people with pseudonyms

SECRET = "5f0c1e2d3b4a69788796a5b4c3d2e1f0"


def test_people_under_pseudonyms_count_once_and_share_one_pseudonym(sample_dir, mixed_db, mixed_truth, tmp_path):
    """Linked accounts are found by their real handles before pseudonyms are given: a person
    is one participant and one pseudonym on every platform, in every command."""
    people = [t["people"] for t in mixed_truth["sessions"]]
    with Archive(mixed_db, create=False) as archive:
        archive.link_people(sample_dir / "people.csv")
        archive.pseudonymise(SECRET)
        listed = archive.sessions("SWChat", tz="Europe/London")
        members = archive.sessions("SWChat", tz="Europe/London", members=True)
        chats = [archive.session(t["id"], tz="Europe/London") for t in mixed_truth["sessions"]]
        community = archive.community("SWChat", tz="Europe/London")
        G = archive.chat(hashtag="SWChat").network()
    assert [s.participants for s in listed] == people
    assert [c.participants for c in chats] == people
    assert [set(s.author_ids) for s in members] == [set(c.own_posts["author_id"]) for c in chats]
    assert community.sessions["participants"].tolist() == people
    assert [c.summary().metric("participants").value for c in chats] == people
    # the hosts: one pseudonym each, the same in every session, on every platform
    assert len({tuple(s.hosts) for s in listed}) == 1 and len(listed[0].hosts) == 2
    assert all(h.startswith("participant_") for h in listed[0].hosts)
    persons = {n for n in G if str(n).startswith("person:")}
    assert persons and all(G.nodes[n]["label"].startswith("participant_") for n in persons)
    hosts_node = [n for n in persons if G.nodes[n]["label"] == listed[0].hosts[0]]
    assert len(hosts_node) == 1 and G.nodes[hosts_node[0]]["platform"] == "bluesky, mastodon, x"
    # and no one's own handle is left in the report
    out = tmp_path / "r.md"
    res = CliRunner().invoke(main, ["report", "--archive", str(mixed_db), "--session", mixed_truth["sessions"][2]["id"],
                                    "--tz", "Europe/London", "--people", str(sample_dir / "people.csv"),
                                    "--pseudonymise", "-o", str(out)], env={"SWCHAT_SECRET": SECRET})
    assert res.exit_code == 0, res.output
    text = out.read_text(encoding="utf-8").replace("\\_", "_")
    for label, accounts in mixed_truth["people"].items():
        for handle in (label, *accounts.values()):
            assert f"@{handle}" not in text, handle


def test_session_and_selection_give_an_account_the_same_pseudonym(mixed_db, mixed_truth):
    """The policy is applied once: a session's chat names each account as a selection does."""
    with Archive(mixed_db, create=False) as archive:
        archive.pseudonymise(SECRET)
        session = archive.session(mixed_truth["sessions"][0]["id"], tz="Europe/London")
        selected = archive.select("SWChat")
    assert set(session.own_posts["author_id"]) <= set(selected.own_posts["author_id"])
    assert set(session.own_posts["post_id"]) <= set(selected.own_posts["post_id"])


def test_newcomers_welcomed_by_a_linked_person_name_the_person(sample_dir, mixed_db, mixed_truth):
    t = mixed_truth["sessions"][2]
    with Archive(mixed_db, create=False) as archive:
        archive.link_people(sample_dir / "people.csv")
        summary = archive.session(t["id"], tz="Europe/London").summary()
    section = summary.newcomers
    assert section is not None and section.welcomed > 0
    assert sum(1 for p in section.people if p.welcomed_by) == section.welcomed
    labels = set(mixed_truth["people"])
    named = {w for p in section.people for w in p.welcomed_by}
    assert "SWChatHost" in named or "SWChatCoHost" in named
    assert not {w for w in named if "." in w or "@" in w} & {h for a in mixed_truth["people"].values()
                                                             for h in a.values()}
    assert named & labels


# --------------------------------------------------------------------------- --platform


def _accounts_on(archive: Archive, truth_session: dict, platform: str) -> int:
    posts = archive.posts("SWChat")
    mine = posts[posts["post_id"].isin(truth_session["post_ids"]) & (posts["platform"] == platform)]
    return mine["author_id"].nunique()


@pytest.mark.parametrize("platform", ["x", "mastodon", "bluesky"])
def test_platform_keeps_one_platforms_posts_in_every_count(mixed_db, mixed_truth, platform):
    with Archive(mixed_db, create=False) as archive:
        accounts = [_accounts_on(archive, t, platform) for t in mixed_truth["sessions"]]
        archive.only_platform(platform)
        listed = archive.sessions("SWChat", tz="Europe/London")
        community = archive.community("SWChat", tz="Europe/London")
        t = mixed_truth["sessions"][1]
        chat = archive.session(t["id"], tz="Europe/London")
        G = archive.network(hashtag="SWChat")
        summary = chat.summary()
    posts = [t["by_platform"][platform] for t in mixed_truth["sessions"]]
    assert [s.id for s in listed] == [t["id"] for t in mixed_truth["sessions"]]  # the same sessions
    assert [s.posts for s in listed] == posts
    assert [s.participants for s in listed] == accounts
    assert community.sessions["posts"].tolist() == posts
    assert community.sessions["participants"].tolist() == accounts
    assert set(chat.posts["platform"]) == {platform} and len(chat.own_posts) == t["by_platform"][platform]
    assert summary.metric("posts").value == t["by_platform"][platform]
    assert summary.metric("participants").value == accounts[1]
    assert any(line.startswith("Platform: ") for line in summary.methods.counted)
    assert {d["platform"] for _n, d in G.nodes(data=True)} == {platform}
    assert G.graph["posts"] == mixed_truth["counts"]["by_platform"][platform]


def test_platform_option_on_the_commands(mixed_db, mixed_truth, tmp_path):
    t = mixed_truth["sessions"][0]
    res = CliRunner().invoke(main, ["sessions", "--archive", str(mixed_db), "--platform", "mastodon", "--json"])
    assert res.exit_code == 0, res.output
    assert [s["posts"] for s in json.loads(res.output)] == [s["by_platform"]["mastodon"]
                                                           for s in mixed_truth["sessions"]]
    res = CliRunner().invoke(main, ["sessions", "--archive", str(mixed_db), "--platform", "mastodon"])
    assert "100 % Mastodon" in res.output.splitlines()[1]
    for command in (["questions", "--session", t["id"]], ["threads", "--session", t["id"]],
                    ["network", "--session", t["id"], "-o", str(tmp_path / "n.graphml")],
                    ["community", "--hashtag", "SWChat", "--json"]):
        res = CliRunner().invoke(main, [*command, "--archive", str(mixed_db), "--tz", "Europe/London",
                                        "--platform", "bluesky"])
        assert res.exit_code == 0, (command, res.output)
    assert "bsky.social" in (tmp_path / "n.graphml").read_text(encoding="utf-8")
    assert "mastodon.social" not in (tmp_path / "n.graphml").read_text(encoding="utf-8")
    res = CliRunner().invoke(main, ["sessions", "--archive", str(mixed_db), "--platform", "myspace"])
    assert res.exit_code == 2 and "myspace" in res.output


def test_host_handles_and_ids_come_in_pairs(sample_archive_path):
    """A session's i-th host handle is the handle of its i-th host id."""
    with Archive(sample_archive_path, create=False) as archive:
        listed = archive.sessions("SWChat", tz="Europe/London")
        posts = archive.posts("SWChat")
    handle_of = dict(zip(posts["author_id"], posts["author_handle"], strict=True))
    for s in listed:
        assert len(s.hosts) == len(s.host_ids) >= 2
        assert [handle_of[i] for i in s.host_ids] == s.hosts


def test_platform_without_posts_says_so(sample_dir, tmp_path):
    """A chat with no posts on the platform asked for: one clear line each, never an internal error."""
    db = tmp_path / "mastodon-only.db"
    with Archive(db, create=True) as archive:
        archive.ingest([sample_dir / "swchat-mastodon.jsonl"])
        first = archive.sessions("SWChat", tz="Europe/London")[0].id
    res = CliRunner().invoke(main, ["sessions", "--archive", str(db), "--platform", "x"])
    assert res.exit_code == 0 and "no sessions with X posts" in res.output
    for command in (["report", "--session", first, "-o", str(tmp_path / "r.html")], ["questions", "--session", first],
                    ["threads", "--session", first]):
        res = CliRunner().invoke(main, [*command, "--archive", str(db), "--tz", "Europe/London", "--platform", "x"])
        assert res.exit_code == 1 and f"session {first} has no X posts" in res.output, (command, res.output)
    res = CliRunner().invoke(main, ["community", "--archive", str(db), "--hashtag", "SWChat", "--platform", "bluesky"])
    assert res.exit_code == 1 and "no Bluesky posts in the sessions of #SWChat" in res.output
    assert "internal error" not in res.output
