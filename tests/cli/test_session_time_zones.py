"""Session ids hold a local date: every command finds a session by its id in --tz, else in UTC.

The chat here meets on Wednesdays at 21:00 in New York, which is 01:00 UTC on Thursday, so each
session has two ids: ``NYChat-2026-10-07`` in America/New_York and ``NYChat-2026-10-08`` in UTC.
"""

from __future__ import annotations

import json

import orjson
import pytest
from click.testing import CliRunner

from swchat import Archive
from swchat.cli import main

NEW_YORK = "America/New_York"
# (New York id, UTC id, UTC date and hour of the start: 21:00 EDT is 01:00 UTC the next day)
SESSIONS = [("NYChat-2026-10-07", "NYChat-2026-10-08", "2026-10-08T01"),
            ("NYChat-2026-10-14", "NYChat-2026-10-15", "2026-10-15T01")]
COMMANDS = [
    ["questions"],
    ["threads"],
    ["transcript"],
    ["network", "-o", "{tmp}/net.gexf"],
    ["accounts"],
    ["communities"],
    ["ego", "host", "-o", "{tmp}/ego.json"],
    ["themes"],
    ["growth"],
    ["report", "-o", "{tmp}/report.md"],
]


def _session_tweets(n: int, hour: str) -> list[dict]:
    """A host's two questions, answers from three participants, and replies between them."""
    tag = {"hashtags": [{"start": 0, "end": 7, "tag": "NYChat"}]}
    tweets = []

    def tweet(minute: int, author: str, text: str, parent: dict | None = None) -> dict:
        t = {"id": f"{n}{len(tweets):03d}", "author_id": author, "text": text, "entities": tag,
             "created_at": f"{hour}:{minute:02d}:00.000Z"}
        if parent is not None:
            t["in_reply_to_user_id"] = parent["author_id"]
            t["referenced_tweets"] = [{"type": "replied_to", "id": parent["id"]}]
        tweets.append(t)
        return t

    tweet(0, "1", "#NYChat welcome all, introduce yourselves!")
    for q, minute in ((1, 5), (2, 20)):
        question = tweet(minute, "1", f"#NYChat Q{q}: What helps you most with casework, week {n}?")
        for i, who in enumerate("234"):
            answer = tweet(minute + 1 + i, who, f"#NYChat A{q} supervision and peer support, says {who}")
            tweet(minute + 5 + i, "1" if i else who, "#NYChat so true, thanks for sharing", answer)
        tweet(minute + 9, "2", "#NYChat @host great question", question)
    tweet(40, "1", "#NYChat thanks everyone, see you next week!")
    return tweets


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    folder = tmp_path_factory.mktemp("new-york")
    users = [{"id": "1", "username": "host"}, {"id": "2", "username": "ann"},
             {"id": "3", "username": "bob"}, {"id": "4", "username": "cy"}]
    pages = [{"data": _session_tweets(n, hour), "includes": {"users": users}}
             for n, (_, _, hour) in enumerate(SESSIONS, 1)]
    export = folder / "nychat.jsonl"
    export.write_bytes(b"".join(orjson.dumps(page) + b"\n" for page in pages))
    path = folder / "nychat.db"
    with Archive(path) as archive:
        assert not archive.ingest([export]).failed
    return path


def run(*args, **kw):
    return CliRunner().invoke(main, [str(a) for a in args], **kw)


def test_ids_depend_on_the_time_zone(db):
    listed = json.loads(run("sessions", "--archive", db, "--tz", NEW_YORK, "--json").stdout)
    assert [s["id"] for s in listed] == [ny for ny, _, _ in SESSIONS]
    listed = json.loads(run("sessions", "--archive", db, "--json").stdout)
    assert [s["id"] for s in listed] == [utc for _, utc, _ in SESSIONS]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_every_command_finds_a_session_by_its_id_in_tz_or_in_utc(db, tmp_path, command):
    args = [a.format(tmp=tmp_path) for a in command]
    ny, utc, _ = SESSIONS[1]
    for session_id, tz in ((ny, ["--tz", NEW_YORK]), (utc, []), (utc, ["--tz", NEW_YORK])):
        res = run(*args, "--archive", db, "--session", session_id, *tz)
        assert res.exit_code == 0, (session_id, tz, res.output)
    # the New York id is not a UTC id: without --tz it names no session
    res = run(*args, "--archive", db, "--session", ny)
    assert res.exit_code == 1 and f"no session {ny}" in res.output and "Traceback" not in res.output


def test_a_session_opened_by_its_utc_id_is_the_session_as_listed_in_tz(db):
    ny, utc, _ = SESSIONS[1]
    res = run("threads", "--archive", db, "--session", utc, "--tz", NEW_YORK, "--json")
    assert res.exit_code == 0 and json.loads(res.stdout)["session"] == ny
    res = run("threads", "--archive", db, "--session", utc, "--json")
    assert res.exit_code == 0 and json.loads(res.stdout)["session"] == utc


def test_report_in_new_york_compares_with_the_previous_session(db, tmp_path):
    ny, _, _ = SESSIONS[1]
    for args in (["--session", ny], ["--latest"]):
        res = run("report", "--archive", db, *args, "--tz", NEW_YORK, "-o", tmp_path / "r.md", "--json")
        assert res.exit_code == 0, res.output
        summary = json.loads(res.stdout)
        assert summary["session_id"] == ny
        assert summary["headline"][0]["previous"] is not None


def test_which_chat_when_neither_a_session_nor_a_selection_is_given(db):
    assert run("accounts", "--archive", db, "--json").exit_code == 0  # network commands: every post
    res = run("themes", "--archive", db)
    assert res.exit_code == 2 and "say which chat" in res.output
    res = run("accounts", "--archive", db, "--session", SESSIONS[0][0], "--since", "2026-10-01")
    assert res.exit_code == 2 and "not both" in res.output
    res = run("network", "--archive", db, "--session", SESSIONS[0][0], "--tz", "Mars/Olympus", "-o", "n.gexf")
    assert res.exit_code == 2 and "unknown time zone" in res.output
