"""sessions, questions, threads and transcript through the command line."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from swchat.cli import main


def run(*args, **kw):
    return CliRunner().invoke(main, [str(a) for a in args], **kw)


@pytest.fixture
def db(sample_archive):
    return sample_archive.path


def test_sessions_json(db, truth):
    res = run("sessions", "--archive", db, "--tz", truth["timezone"], "--json")
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert [s["id"] for s in out] == [t["id"] for t in truth["sessions"]]
    for s, t in zip(out, truth["sessions"], strict=True):
        assert {"id", "hashtag", "start", "end", "posts", "participants", "hosts"} <= set(s)
        assert (s["start"], s["end"], s["posts"]) == (t["start"], t["end"], t["posts"])
        assert s["participants"] == len(t["participants"]) and sorted(s["hosts"]) == sorted(t["hosts"])
    assert out[0]["schedule"]["weekday"] == "Wednesday" and out[0]["schedule"]["local_hour"] == 20


def test_sessions_table_with_schedule(db, truth):
    res = run("sessions", "--archive", db, "--hashtag", "swchat", "--tz", "Europe/London")
    assert res.exit_code == 0, res.output
    lines = res.stdout.splitlines()
    assert lines[0].split()[:3] == ["id", "start", "(Europe/London)"]
    assert len([line for line in lines if line.startswith("SWChat-")]) == len(truth["sessions"])
    assert "20:00" in lines[1] and "@SWChatHost" in res.stdout
    assert "#SWChat meets Wednesdays 20:00 Europe/London" in res.stdout


def test_sessions_options(db, truth):
    res = run("sessions", "--archive", db, "--gap", "30", "--min-posts", "100000", "--json")
    assert res.exit_code == 0 and json.loads(res.stdout) == []
    res = run("sessions", "--archive", db, "--min-posts", "100000")
    assert res.exit_code == 0 and "no sessions found" in res.stderr
    host = truth["hosts"][0]
    res = run("sessions", "--archive", db, "--hashtag", "SWChat", "--host", host, "--json")
    assert res.exit_code == 0 and all(s["hosts"] == [host] for s in json.loads(res.stdout))


def test_sessions_errors(db, tmp_path):
    res = run("sessions", "--archive", db, "--hashtag", "NoSuchChat")
    assert res.exit_code == 1 and "no #NoSuchChat posts" in res.output and "Traceback" not in res.output
    res = run("sessions", "--archive", db, "--tz", "Mars/Base")
    assert res.exit_code == 2 and "unknown time zone" in res.output
    assert run("sessions", "--archive", db, "--gap", "soon").exit_code == 2
    res = run("sessions", "--archive", tmp_path / "none.db")
    assert res.exit_code == 1 and "no archive" in res.output


def test_questions_json(db, truth):
    t = truth["sessions"][0]
    res = run("questions", "--archive", db, "--session", t["id"], "--tz", truth["timezone"], "--json")
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert [q["number"] for q in out] == [q["number"] for q in t["questions"]]
    for q, tq in zip(out, t["questions"], strict=True):
        assert {"number", "text", "time", "posts", "participants", "host", "post_id", "answers"} <= set(q)
        assert (q["post_id"], q["time"], q["host"], q["text"]) == (tq["post_id"], tq["time"], tq["host"], tq["text"])
        assert q["posts"] == tq["posts"]


def test_questions_table(db, truth):
    t = truth["sessions"][0]
    res = run("questions", "--archive", db, "--session", t["id"], "--tz", "Europe/London")
    assert res.exit_code == 0, res.output
    assert res.stdout.splitlines()[0].split()[:3] == ["Q", "time", "host"]
    assert "Q1" in res.stdout and "intro" in res.stdout and "wrap-up" in res.stdout


def test_unknown_session_is_one_clear_sentence(db, truth):
    for command in ("questions", "threads", "transcript"):
        res = run(command, "--archive", db, "--session", "SWChat-1999-01-01")
        assert res.exit_code == 1, command
        assert "no session SWChat-1999-01-01" in res.output and truth["sessions"][0]["id"] in res.output
        assert "Traceback" not in res.output
    assert run("questions", "--archive", db).exit_code == 2  # --session is required


def test_threads_json(db, truth):
    t = truth["sessions"][0]
    res = run("threads", "--archive", db, "--session", t["id"], "--top", "3", "--json")
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert {"threads", "missing_parents"} <= set(out)
    assert len(out["threads"]) == 3 and isinstance(out["missing_parents"], list)
    for th in out["threads"]:
        assert {"root", "size", "depth", "breadth", "participants", "virality", "start", "end"} <= set(th)
    sizes = [th["size"] for th in out["threads"]]
    assert sizes == sorted(sizes, reverse=True)


def test_threads_table_reports_missing_parents(archive, tmp_path):
    import orjson

    def tweet(tid, text, parent=None, minute=0, author="1"):
        t = {"id": tid, "text": text, "author_id": author, "created_at": f"2026-10-07T19:{minute:02d}:00.000Z",
             "entities": {"hashtags": [{"tag": "SWChat"}]}}
        if parent:
            t["referenced_tweets"] = [{"type": "replied_to", "id": parent}]
            t["in_reply_to_user_id"] = "9"
        return t

    data = [tweet(str(100 + i), f"A1 answer {i} #SWChat", author=str(i % 5), minute=i) for i in range(12)]
    data += [tweet("200", "@x agreed #SWChat", parent="999", minute=20, author="3"),
             tweet("201", "@x me too #SWChat", parent="999", minute=21, author="4")]
    path = tmp_path / "page.jsonl"
    path.write_bytes(orjson.dumps({"data": data, "includes": {"users": [{"id": str(i), "username": f"u{i}"}
                                                                        for i in range(5)]}}) + b"\n")
    archive.ingest([path])
    res = run("threads", "--archive", archive.path, "--session", "SWChat-2026-10-07")
    assert res.exit_code == 0, res.output
    assert "2 replies point to 1 posts not in the archive: 999" in res.stdout
    assert res.stdout.splitlines()[0].split()[:3] == ["root", "author", "size"]


def test_transcript_stdout_and_file(db, truth, tmp_path):
    t = truth["sessions"][0]
    res = run("transcript", "--archive", db, "--session", t["id"], "--tz", "Europe/London")
    assert res.exit_code == 0, res.output
    assert res.stdout.startswith(f"# {t['id']}") and "## Q1" in res.stdout
    out = tmp_path / "t.txt"
    res = run("transcript", "--archive", db, "--session", t["id"], "--format", "text", "-o", out)
    assert res.exit_code == 0 and res.stdout == "" and out.exists()
    assert "INTRO" in out.read_text()
    res = run("transcript", "--archive", db, "--session", t["id"], "-o", tmp_path / "nope" / "t.md")
    assert res.exit_code == 1 and "does not exist" in res.output
    assert run("transcript", "--archive", db, "--session", t["id"], "--format", "html").exit_code == 2
