"""ingest, stats and rejected through the command line."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from swchat.cli import main


def run(*args, **kw):
    return CliRunner().invoke(main, [str(a) for a in args], **kw)


def test_ingest_json_and_stats_json_on_sample(sample_dir, tmp_path, truth):
    db = tmp_path / "a.db"
    res = run("ingest", sample_dir / "swchat-v2.jsonl", "--archive", db, "--json")
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    (f,) = out["files"]
    assert set(f) >= {"path", "format", "read", "added", "duplicates", "rejected"}
    assert f["format"] == "x-v2" and f["read"] == f["added"] == truth["counts"]["posts"]
    assert out["total"]["added"] == f["added"]
    res = run("stats", "--archive", db, "--json")
    s = json.loads(res.stdout)
    assert set(s) >= {"posts", "context_posts", "accounts", "by_kind", "by_platform", "first", "last", "top_hashtags"}
    assert s["posts"] == truth["counts"]["posts"]
    assert s["top_hashtags"][0][0].lower() == "swchat"
    res = run("stats", "--archive", db)
    assert "posts" in res.output and "#" in res.output


def test_reimport_reports_duplicates(sample_dir, tmp_path):
    db = tmp_path / "a.db"
    run("ingest", sample_dir / "swchat-v2.jsonl", "--archive", db)
    res = run("ingest", sample_dir / "swchat-v2.jsonl", "--archive", db, "--json")
    total = json.loads(res.stdout)["total"]
    assert total["added"] == 0 and total["duplicates"] == total["read"] > 0


def test_archive_from_environment(sample_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("SWCHAT_ARCHIVE", str(tmp_path / "env.db"))
    assert run("ingest", sample_dir / "swchat-v2.jsonl").exit_code == 0
    assert (tmp_path / "env.db").exists()


def test_missing_archive_is_one_clear_sentence(tmp_path):
    res = run("stats", "--archive", tmp_path / "nope.db")
    assert res.exit_code == 1
    assert "no archive" in res.output and "Traceback" not in res.output


def test_missing_file_is_a_usage_error_not_a_traceback(tmp_path):
    res = run("ingest", tmp_path / "missing.jsonl", "--archive", tmp_path / "a.db")
    assert res.exit_code == 2 and "does not exist" in res.output and "Traceback" not in res.output
    assert not (tmp_path / "a.db").exists()  # refused before anything is done


@pytest.mark.realdata
def test_non_tweet_files_are_refused_with_nonzero_exit(realdata, tmp_path):
    for name in ("users.jsonl", "counts.jsonl", "lists.jsonl", "tweets_compliance.jsonl", "empty.json"):
        res = run("ingest", realdata("x-v2-twarc", name), "--archive", tmp_path / "a.db")
        assert res.exit_code == 1, name
        assert "error:" in res.output and "Traceback" not in res.output


@pytest.mark.realdata
def test_truncated_stream_line_is_rejected_and_listed(realdata, tmp_path):
    path = realdata("x-v2-twarc", "streaming_output_with_error.jsonl")
    db = tmp_path / "a.db"
    res = run("ingest", path, "--archive", db, "--json")
    assert res.exit_code == 0
    f = json.loads(res.stdout)["files"][0]
    assert (f["added"], f["rejected"]) == (7, 1)
    last_line = len(path.read_bytes().splitlines())
    res = run("rejected", "--archive", db)
    assert f"streaming_output_with_error.jsonl:{last_line}: truncated" in res.output


@pytest.mark.realdata
def test_every_realdata_x_file_is_handled_without_traceback(realdata, tmp_path):
    db = tmp_path / "all.db"
    for folder in ("x-v2-twarc", "x-v1-tweepy", "tags-sheet", "x-archive-legacy"):
        for path in sorted(realdata(folder).iterdir()):
            res = run("ingest", path, "--archive", db, "--json")
            assert res.exit_code in (0, 1), (path, res.output)
            assert res.exception is None or isinstance(res.exception, SystemExit), (path, res.exception)
            f = json.loads(res.stdout)["files"][0]
            assert f["read"] == f["added"] + f["duplicates"] + f["rejected"]


@pytest.mark.realdata
def test_same_file_twice_and_concatenated_gives_same_archive(realdata, tmp_path):
    path = realdata("x-v2-twarc", "noflat.jsonl")
    doubled = tmp_path / "doubled.jsonl"
    doubled.write_bytes(path.read_bytes() * 2)
    db1, db2 = tmp_path / "1.db", tmp_path / "2.db"
    run("ingest", path, "--archive", db1)
    run("ingest", path, "--archive", db1)
    res = run("ingest", doubled, "--archive", db2, "--json")
    f = json.loads(res.stdout)["files"][0]
    assert (f["read"], f["added"], f["duplicates"]) == (200, 100, 100)
    s1 = json.loads(run("stats", "--archive", db1, "--json").stdout)
    s2 = json.loads(run("stats", "--archive", db2, "--json").stdout)
    for key in ("posts", "context_posts", "accounts", "by_kind", "top_hashtags"):
        assert s1[key] == s2[key]
