"""Consent in the archive: an opted-out person is in no output of any command, export or API call,
and pseudonyms reach every command that shows people.

The archive holds the sample's chats plus Olive, who posts in the SWChat-2026-11-11 session and
is replied to, mentioned, retweeted and quoted there. Once she is on the opt-out list, none of her
handle, display name, account id, post id or words may appear anywhere: stdout, JSON, GEXF,
GraphML, CSV, PNG/SVG/PDF bytes, HTML and Markdown reports, exports.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

import swchat
from swchat.cli import main

SESSION = "SWChat-2026-11-11"
TZ = "Europe/London"
OLIVE = {"id": "777000111", "username": "olive_optout", "name": "Olive Quokka-Private",
         "description": "zebra biography of a private person", "created_at": "2015-01-01T00:00:00.000Z",
         "public_metrics": {"followers_count": 10, "following_count": 5, "tweet_count": 3, "listed_count": 0}}
BOB = {"id": "555000222", "username": "bob_keeps", "name": "Bob Keeps",
       "public_metrics": {"followers_count": 3, "following_count": 5, "tweet_count": 3, "listed_count": 0}}
CAT = {"id": "555000333", "username": "cat_keeps", "name": "Cat Keeps",
       "public_metrics": {"followers_count": 4, "following_count": 5, "tweet_count": 3, "listed_count": 0}}
#: what must never be shown once Olive opted out (lower case; searched case-insensitively)
NEEDLES = ("olive_optout", "quokka-private", "777000111", "9990001", "zebra-quokka", "zebra biography")
SECRET = "a secret of at least sixteen characters"


def _tweet(tid: str, who: dict, text: str, minute: int, **extra) -> dict:
    tags = [{"start": 0, "end": 0, "tag": t} for t in re.findall(r"#(\w+)", text)]
    mentions = [{"start": 0, "end": 0, "username": u} for u in re.findall(r"@(\w+)", text)]
    return {"id": tid, "text": text, "author_id": who["id"], "created_at": f"2026-11-11T20:{minute:02d}:30.000Z",
            "conversation_id": extra.pop("conversation_id", tid), "lang": "en",
            "public_metrics": {"retweet_count": 0, "reply_count": 0, "like_count": 1, "quote_count": 0},
            "entities": {"hashtags": tags, "mentions": mentions, **extra.pop("entities", {})}, **extra}


def olive_page() -> bytes:
    """Olive's answer, and everyone else's reaction to it, as one X API v2 page."""
    original = _tweet("9990001", OLIVE, "A1 zebra-quokka-1 my private answer, Olive Quokka-Private #SWChat", 10)
    tweets = [
        original,
        _tweet("9990002", BOB, "@olive_optout great point Olive Quokka-Private #SWChat", 11,
               in_reply_to_user_id=OLIVE["id"], conversation_id="9990001",
               referenced_tweets=[{"type": "replied_to", "id": "9990001"}]),
        _tweet("9990003", CAT, "A1 agree with @olive_optout on this #SWChat", 12),
        _tweet("9990004", BOB, "RT @olive_optout: A1 zebra-quokka-1 my private answer, Olive Quokka-Private #SWChat",
               13, referenced_tweets=[{"type": "retweeted", "id": "9990001"}]),
        _tweet("9990005", CAT, "So true https://t.co/zq1 #SWChat", 14,
               referenced_tweets=[{"type": "quoted", "id": "9990001"}],
               entities={"urls": [{"start": 8, "end": 24, "url": "https://t.co/zq1",
                                   "expanded_url": "https://x.com/olive_optout/status/9990001"}]}),
        _tweet("9990006", BOB, "A1 thanks @cat_keeps, on to Q2 #SWChat", 15),
    ]
    return orjson.dumps({"data": tweets, "includes": {"users": [OLIVE, BOB, CAT]}}) + b"\n"


@pytest.fixture(scope="module")
def consent_db(sample_dir: Path, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("consent")
    (folder / "olive.jsonl").write_bytes(olive_page())
    path = folder / "chat.db"
    with swchat.open(path, create=True) as archive:
        archive.ingest([sample_dir / "swchat-v2.jsonl", folder / "olive.jsonl"])
        chat = archive.session(SESSION, tz=TZ)
        assert "olive_optout" in set(chat.own_posts["author_handle"])  # she took part, before opting out
        archive.opt_out(["https://x.com/Olive_Optout"], reason="asked by DM")
    return path


def _leaks(data: bytes | str) -> list[str]:
    text = (data.decode("utf-8", "ignore") if isinstance(data, bytes) else data).lower()
    return [n for n in NEEDLES if n in text]


def _run(args: list[str]) -> str:
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, (args, result.output)
    return result.output


def _people_commands(db: Path, out: Path) -> list[list[str]]:
    """Every command that shows people, with every output it can write."""
    a = ["--archive", str(db)]
    s = ["--session", SESSION, "--tz", TZ]
    runs = [
        ["sessions", *a, "--tz", TZ], ["sessions", *a, "--tz", TZ, "--json"],
        ["questions", *a, *s], ["questions", *a, *s, "--json"],
        ["threads", *a, *s], ["threads", *a, *s, "--json"],
        ["transcript", *a, *s], ["transcript", *a, *s, "--format", "text", "-o", str(out / "t.txt")],
        ["accounts", *a, *s], ["accounts", *a, *s, "--json", "--top", "0"], ["accounts", *a, "--hashtag", "SWChat", "--json"],
        ["communities", *a, *s], ["communities", *a, *s, "--json"],
        ["themes", *a, *s], ["themes", *a, *s, "--json"],
        ["growth", *a, *s, "--json"], ["growth", *a, *s, "-o", str(out / "g.svg")],
        ["community", *a, "--hashtag", "SWChat", "--tz", TZ, "--json"],
        ["community", *a, "--hashtag", "SWChat", "--tz", TZ, "-o", str(out / "c.svg")],
        ["ego", "bob_keeps", *a, *s, "-o", str(out / "ego.json")],
        ["ego", "bob_keeps", *a, *s, "-o", str(out / "ego.svg")],
        ["report", *a, *s, "-o", str(out / "r.html"), "--json"],
        ["report", *a, *s, "-o", str(out / "md" / "r.md")],
        ["stats", *a, "--json"],
    ]
    for suffix in (".gexf", ".graphml", ".csv", ".json", ".png", ".svg"):
        runs.append(["network", *a, *s, "-o", str(out / f"n{suffix}"), "--labels", "30"])
    runs.append(["network", *a, "--hashtag", "SWChat", "-o", str(out / "all.gexf")])
    for fmt in ("parquet", "csv", "jsonl", "ids"):
        runs.append(["export", *a, *s, "--format", fmt, "-o", str(out / f"export-{fmt}")])
    runs.append(["export", *a, "--hashtag", "SWChat", "--layout", "partitioned", "-o", str(out / "export-all")])
    runs.append(["network", *a, *s, "--kind", "hashtag", "-o", str(out / "tags.gexf")])
    return runs


def _everything_written(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_an_opted_out_person_is_in_no_output(consent_db, tmp_path, monkeypatch):
    monkeypatch.setenv("SWCHAT_NO_PROGRESS", "1")
    out = tmp_path / "out"
    out.mkdir()
    printed = {" ".join(args[:1] + args[3:]): _run(args) for args in _people_commands(consent_db, out)}
    leaks = {what: found for what, text in printed.items() if (found := _leaks(text))}
    written = _everything_written(out)
    assert len(written) >= 15
    leaks |= {name: found for name, data in written.items() if (found := _leaks(data))}
    # Parquet pages may be compressed: read every value back too
    import pyarrow.parquet as pq

    tables = [name for name in written if name.endswith(".parquet")]
    assert len(tables) >= 7
    leaks |= {name: found for name in tables
              if (found := _leaks(json.dumps(pq.read_table(out / name).to_pylist(), default=str)))}
    assert leaks == {}
    # and the people who reacted to her are still there, without her
    assert "bob_keeps" in printed[f"accounts --session {SESSION} --tz {TZ} --json --top 0"]


def test_the_python_api_leaves_her_out(consent_db):
    with swchat.open(consent_db) as archive:
        chat = archive.session(SESSION, tz=TZ)
        frames = [chat.posts, chat.profiles, chat.history.participation, chat.history.interactions]
        assert not [f for f in frames if _leaks(f.to_json(date_format="iso"))]
        assert "9990006" in set(chat.own_posts["post_id"])          # others' posts stay
        assert not ({"9990001", "9990004"} & set(chat.posts["post_id"]))  # hers, and the retweet of it, go
        assert _leaks(json.dumps([s.as_dict() if hasattr(s, "as_dict") else vars(s)
                                  for s in archive.sessions("SWChat", members=True)], default=str)) == []
        selected = archive.select("SWChat")
        assert not _leaks(selected.posts.to_json(date_format="iso"))
        network = selected.network()
        assert not _leaks(json.dumps(list(network.nodes(data=True)), default=str))
        community = archive.community("SWChat", tz=TZ)
        assert not _leaks(community.sessions.to_json(date_format="iso"))


def test_the_storage_readers_of_the_facade_leave_her_out_too(consent_db):
    from swchat.privacy import PrivacyError

    with swchat.open(consent_db) as archive:
        assert not _leaks(archive.posts("SWChat").to_json(date_format="iso"))
        assert not _leaks(archive.posts_with_ids([("x", "9990001"), ("x", "9990002")]).to_json(date_format="iso"))
        assert not _leaks(archive.accounts().to_json(date_format="iso"))
        assert "bob_keeps" in set(archive.accounts()["handle"])
        assert archive.raw("9990001") is None                      # her post
        assert archive.raw("9990006")["text"].startswith("A1 thanks")  # others' posts keep their records
        archive.pseudonymise(SECRET)
        with pytest.raises(PrivacyError, match="not available while pseudonymising"):
            archive.raw("9990006")
        assert set(archive.accounts()["handle"]) <= {h for h in archive.accounts()["handle"]
                                                      if h.startswith("participant_")}


def test_stats_leave_her_out_unless_the_archivist_asks(consent_db):
    with swchat.open(consent_db) as archive:
        kept = archive.stats()
        everyone = archive.stats(include_opted_out=True)
    assert everyone["posts"] - kept["posts"] == 1  # her one post (retweets of it are others' posts)
    assert everyone["by_kind"]["original"] - kept["by_kind"]["original"] == 1
    assert everyone["accounts"] - kept["accounts"] == 1
    assert kept["opted_out"] == everyone["opted_out"] == 1
    printed = _run(["stats", "--archive", str(consent_db)])
    assert "1 opt-out entries" in printed


def test_optout_commands_add_list_import_and_remove(sample_dir, tmp_path):
    db = tmp_path / "chat.db"
    _run(["ingest", str(sample_dir / "swchat-v2.jsonl"), "--archive", str(db)])
    with swchat.open(db) as archive:
        before = len(archive.session(SESSION, tz=TZ).own_posts)
    _run(["optout", "add", "@SWChatCoHost", "--reason", "asked by DM", "--archive", str(db)])
    listed = _run(["optout", "list", "--archive", str(db), "--json"])
    rows = json.loads(listed)["optouts"]
    assert [r["entry"] for r in rows] == ["swchatcohost"] and rows[0]["reason"] == "asked by DM"
    assert rows[0]["accounts"] == ["x:1301552871914283008"]
    with swchat.open(db) as archive:
        chat = archive.session(SESSION, tz=TZ)
        assert "SWChatCoHost" not in set(chat.own_posts["author_handle"])
        assert len(chat.own_posts) < before
        listing = archive.sessions("SWChat", tz=TZ)[-1]
        assert listing.hosts == ["SWChatHost"]
        assert all(q["host"] != "SWChatCoHost" for q in listing.questions)
    # a consent form's CSV export: one column holds the handles
    form = tmp_path / "form.csv"
    form.write_text("Name;Handle;Agreed\nA Person;@someone_else;no\nB Person;https://x.com/another_one;no\n")
    _run(["optout", "import", str(form), "--column", "Handle", "--archive", str(db)])
    entries = [r["entry"] for r in json.loads(_run(["optout", "list", "--archive", str(db), "--json"]))["optouts"]]
    assert sorted(entries) == ["another_one", "someone_else", "swchatcohost"]
    bad = CliRunner().invoke(main, ["optout", "import", str(form), "--column", "Name", "--archive", str(db)])
    assert bad.exit_code == 1 and "'a person' is not a handle" in bad.output
    _run(["optout", "remove", "@SWChatCoHost", "--archive", str(db)])
    with swchat.open(db) as archive:
        assert len(archive.session(SESSION, tz=TZ).own_posts) == before


def test_an_opt_out_follows_the_person_across_platforms(tmp_path):
    people = tmp_path / "people.csv"
    people.write_text("person,account\nann,@ann_sw\nann,https://social.coop/@ann\nann,ann.bsky.social\nbob,@bob\n")
    with swchat.open(tmp_path / "chat.db", create=True) as archive:
        assert archive.opt_out(["@Ann_SW"], people=people) == ["ann_sw", "ann.bsky.social", "ann@social.coop"]
        assert sorted(archive.optout_entries()) == ["ann.bsky.social", "ann@social.coop", "ann_sw"]


def test_pseudonyms_reach_every_command_and_are_stable(consent_db, tmp_path, monkeypatch):
    monkeypatch.setenv("SWCHAT_NO_PROGRESS", "1")
    monkeypatch.setenv("SWCHAT_SECRET", SECRET)
    keep = tmp_path / "hosts.txt"
    keep.write_text("@SWChatHost\n")
    out = tmp_path / "out"
    out.mkdir()
    with swchat.open(consent_db) as archive:
        chat = archive.session(SESSION, tz=TZ)
        real = {h.lower() for h in chat.own_posts["author_handle"].dropna()} | {"bob_keeps", "cat_keeps"}
        real.discard("swchathost")
    runs = [[*args, "--pseudonymise", "--keep-names", str(keep)] for args in _people_commands(consent_db, out)
            if args[0] not in ("stats", "ego")]
    printed = "\n".join(_run(args) for args in runs)
    everything = printed.lower() + "".join(d.decode("utf-8", "ignore").lower()
                                           for d in _everything_written(out).values())
    shown = sorted(h for h in real if re.search(rf"(?<![\w@]){re.escape(h)}(?!\w)", everything))
    assert shown == []
    assert "swchathost" in everything  # kept by --keep-names
    # the same account has the same pseudonym in every command, with the same secret
    a = json.loads(_run(["accounts", "--archive", str(consent_db), "--session", SESSION, "--tz", TZ, "--json",
                         "--pseudonymise"]))
    b = json.loads(_run(["accounts", "--archive", str(consent_db), "--session", SESSION, "--tz", TZ, "--json",
                         "--pseudonymise"]))
    names = sorted(r["handle"] for r in a)
    assert names == sorted(r["handle"] for r in b) and all(n.startswith("participant_") for n in names)
    ego_target = names[0]
    _run(["ego", ego_target, "--archive", str(consent_db), "--session", SESSION, "--tz", TZ, "--pseudonymise",
          "-o", str(out / "pego.json")])


def test_pseudonymising_needs_a_good_secret(consent_db, monkeypatch):
    monkeypatch.delenv("SWCHAT_SECRET", raising=False)
    result = CliRunner().invoke(main, ["accounts", "--archive", str(consent_db), "--session", SESSION,
                                       "--tz", TZ, "--pseudonymise"])
    assert result.exit_code == 1 and "needs a secret" in result.output
    monkeypatch.setenv("SWCHAT_SECRET", "short")
    result = CliRunner().invoke(main, ["accounts", "--archive", str(consent_db), "--session", SESSION,
                                       "--tz", TZ, "--pseudonymise"])
    assert result.exit_code == 1 and "too short" in result.output


def test_schema_2_archives_get_the_consent_tables(sample_dir, tmp_path):
    path = tmp_path / "old.db"
    with swchat.open(path, create=True) as archive:
        archive.ingest([sample_dir / "swchat-v2.jsonl"])
        archive.db.execute("DROP TABLE optouts")
        archive.db.execute("DROP TABLE forgotten")
        archive.db.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    with swchat.open(path) as archive:
        assert archive.meta_value("schema_version") == "4"
        archive.opt_out(["@SWChatHost"])
        assert [r["entry"] for r in archive.optouts()] == ["swchathost"]


@pytest.mark.parametrize("pseudonymise", [False, True])
def test_participation_table_equals_each_sessions_history(consent_db, pseudonymise):
    """All sessions' participation read at once equals what each session's chat carries (under
    the opt-out, and pseudonymised alike)."""
    import pandas as pd

    with swchat.open(consent_db) as archive:
        if pseudonymise:
            archive.pseudonymise(SECRET)
        listed = archive.sessions("SWChat", tz=TZ)
        table = archive.participation_table("SWChat", tz=TZ)
        each = []
        for s in listed:
            part = archive.session(s.id, tz=TZ).history.participation
            each.append(part[part["session"] == s.id])
    expected = pd.concat(each, ignore_index=True)
    key = ["session", "platform", "account_id"]
    pd.testing.assert_frame_equal(table.sort_values(key).reset_index(drop=True),
                                  expected.sort_values(key).reset_index(drop=True), check_dtype=False)
    assert not _leaks(table.to_json())
    assert len(table) == len(expected) > 300


def test_session_listings_do_not_count_her(consent_db):
    with swchat.open(consent_db) as archive:
        kept = {s.id: (s.posts, s.participants) for s in archive.sessions("SWChat", tz=TZ)}
        archive.remove_optouts(["olive_optout"])
        try:
            everyone = {s.id: (s.posts, s.participants) for s in archive.sessions("SWChat", tz=TZ)}
        finally:
            archive.opt_out(["olive_optout"])
    differs = {k: (everyone[k][0] - v[0], everyone[k][1] - v[1]) for k, v in kept.items() if v != everyone[k]}
    assert differs == {SESSION: (1, 1)}  # her one post, and herself
