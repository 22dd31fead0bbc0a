"""The archive: dedup, promotion of context posts, accounts, provenance, transactions."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest

from swchat import Archive
from swchat.readers import Source


def _tweet(tid, text, author="1", when="2026-09-02T19:00:00.000Z", **extra):
    return {"id": tid, "text": text, "author_id": author, "created_at": when, **extra}


def _page(data, users=(), tweets=(), retrieved=None):
    page = {"data": list(data), "includes": {"users": list(users), "tweets": list(tweets)}}
    if retrieved:
        page["__twarc"] = {"retrieved_at": retrieved}
    return orjson.dumps(page) + b"\n"


def _write(path: Path, *pages: bytes) -> Path:
    path.write_bytes(b"".join(pages))
    return path


def _count(archive, where="1"):
    return archive.db.execute(f"SELECT count(*) FROM posts WHERE {where}").fetchone()[0]


def test_counts_identity_and_reimport_adds_nothing(archive, tmp_path):
    path = _write(tmp_path / "a.jsonl",
                  _page([_tweet("1", "a #SWChat"), _tweet("2", "b #SWChat")], [{"id": "1", "username": "u"}]),
                  _page([_tweet("2", "b #SWChat"), _tweet("3", "c")]),
                  b"{broken\n")
    first = archive.ingest([path]).files[0]
    assert (first.read, first.added, first.duplicates, first.rejected) == (5, 3, 1, 1)
    again = archive.ingest([path]).files[0]
    assert (again.read, again.added, again.duplicates, again.rejected) == (5, 0, 4, 1)
    assert _count(archive) == 3
    for f in (first, again):
        assert f.read == f.added + f.duplicates + f.rejected


def test_context_post_is_promoted_not_duplicated(archive, tmp_path):
    reply = _tweet("11", "@host yes", author="2", in_reply_to_user_id="1",
                   referenced_tweets=[{"type": "replied_to", "id": "10"}])
    parent = _tweet("10", "Q1: hello? #SWChat")
    a = _write(tmp_path / "a.jsonl", _page([reply], tweets=[parent]))
    b = _write(tmp_path / "b.jsonl", _page([parent]))
    archive.ingest([a])
    assert _count(archive, "is_context = 1") == 1
    result = archive.ingest([b]).files[0]
    assert (result.read, result.added, result.duplicates) == (1, 1, 0)
    assert _count(archive) == 2 and _count(archive, "is_context = 1") == 0
    # and a later context sighting of a real post changes nothing
    archive.ingest([_write(tmp_path / "c.jsonl", _page([_tweet("12", "x")], tweets=[parent]))])
    assert _count(archive, "is_context = 1") == 0 and _count(archive) == 3


def test_newest_account_snapshot_wins(archive, tmp_path):
    old = _page([_tweet("1", "a")], [{"id": "1", "username": "old_name", "public_metrics": {"followers_count": 5}}],
                retrieved="2026-01-01T00:00:00+00:00")
    new = _page([_tweet("2", "b")], [{"id": "1", "username": "new_name", "public_metrics": {"followers_count": 9}}],
                retrieved="2026-06-01T00:00:00+00:00")
    archive.ingest([_write(tmp_path / "new.jsonl", new)])
    archive.ingest([_write(tmp_path / "old.jsonl", old)])  # imported later, but older
    assert archive.db.execute("SELECT handle, followers FROM accounts").fetchall() == [("new_name", 9)]


def test_provenance_raw_and_hashtag_lookup(archive, tmp_path):
    path = _write(tmp_path / "a.jsonl", _page([_tweet("1", "#SwChat hi", entities={"hashtags": [{"tag": "SwChat"}]})]))
    result = archive.ingest([path]).files[0]
    origin = archive.db.execute("SELECT origin FROM posts WHERE post_id = '1'").fetchone()[0]
    assert origin == f"{result.digest}:1:x-v2"
    assert archive.raw("1")["text"] == "#SwChat hi"
    assert len(archive.posts(hashtag="#SWCHAT")) == 1
    assert archive.sources()[0]["digest"] == result.digest


def test_hashtagless_replies_and_context_in_selection(archive, tmp_path):
    q = _tweet("10", "Q1: hi #SWChat", entities={"hashtags": [{"tag": "SWChat"}]})
    r1 = _tweet("11", "@host no tag here", author="2", in_reply_to_user_id="1",
                referenced_tweets=[{"type": "replied_to", "id": "10"}], when="2026-09-02T19:01:00.000Z")
    r2 = _tweet("12", "@ann nor here", author="3", in_reply_to_user_id="2",
                referenced_tweets=[{"type": "replied_to", "id": "11"}], when="2026-09-02T19:02:00.000Z")
    other = _tweet("13", "unrelated", author="3")
    rt = _tweet("14", "RT @x: old #SWChat", author="3", referenced_tweets=[{"type": "retweeted", "id": "5"}],
                entities={"hashtags": [{"tag": "SWChat"}]})
    old = _tweet("5", "old #SWChat", author="9", when="2026-01-01T00:00:00.000Z",
                 entities={"hashtags": [{"tag": "SWChat"}]})
    archive.ingest([_write(tmp_path / "a.jsonl", _page([q, r1, r2, other, rt], tweets=[old]))])
    posts = archive.posts(hashtag="swchat")
    own = posts[~posts["is_context"]]
    assert sorted(own["post_id"]) == ["10", "11", "12", "14"]
    assert list(posts[posts["is_context"]]["post_id"]) == ["5"]
    assert sorted(archive.posts(hashtag="swchat", replies=False, context=False)["post_id"]) == ["10", "14"]


def test_failed_read_mid_file_leaves_archive_unchanged(archive, tmp_path):
    archive.ingest([_write(tmp_path / "a.jsonl", _page([_tweet("1", "a")]))])
    before = _count(archive)
    pages = b"".join(_page([_tweet(str(100 + i), "b")]) for i in range(50))

    class Exploding(Source):
        def lines(self):
            for n, line in super().lines():
                if n == 30:
                    raise OSError("disk went away")
                yield n, line

    result = archive.ingest([Exploding.from_bytes(pages, name="boom.jsonl")])
    assert result.failed and "could not be read" in result.files[0].error
    assert _count(archive) == before
    assert len(archive.sources()) == 1


def test_stdin_and_gz_in_cli(tmp_path, monkeypatch):
    import gzip

    from click.testing import CliRunner

    from swchat.cli import main

    db = tmp_path / "s.db"
    data = _page([_tweet("1", "a #SWChat")])
    res = CliRunner().invoke(main, ["ingest", "-", "--archive", str(db), "--json"], input=data)
    assert res.exit_code == 0, res.output
    assert orjson.loads(res.stdout)["total"]["added"] == 1
    gz = tmp_path / "p.jsonl.gz"
    gz.write_bytes(gzip.compress(_page([_tweet("2", "b")])))
    res = CliRunner().invoke(main, ["ingest", str(gz), "--archive", str(db), "--json"])
    assert orjson.loads(res.stdout)["files"][0]["added"] == 1


@pytest.mark.slow
def test_killed_import_leaves_archive_as_before(tmp_path):
    """Kill -9 an import part-way through a large file: the archive holds what it held before."""
    from swchat.sample import generate, write_v2_pages

    small = tmp_path / "small.jsonl"
    write_v2_pages(generate(seed=3, sessions=4), small)
    big = tmp_path / "big.jsonl"
    write_v2_pages(generate(seed=4, posts=150_000), big)
    db = tmp_path / "k.db"
    with Archive(db) as archive:
        archive.ingest([small])
        before = archive.stats()
        before_rows = archive.db.execute("SELECT post_id, is_context FROM posts ORDER BY post_id").fetchall()
    code = "import sys; from swchat import Archive; Archive(sys.argv[1]).ingest([sys.argv[2]])"
    proc = subprocess.Popen([sys.executable, "-c", code, str(db), str(big)])
    wal = Path(str(db) + "-wal")
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if wal.exists() and wal.stat().st_size > 5_000_000:
            break
        time.sleep(0.02)
    assert proc.poll() is None, "the import finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    with Archive(db) as archive:
        assert archive.stats() == before
        rows = archive.db.execute("SELECT post_id, is_context FROM posts ORDER BY post_id").fetchall()
        assert rows == before_rows
        assert archive.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_not_an_archive_is_a_clear_error(tmp_path):
    from swchat.errors import ArchiveError

    bad = tmp_path / "bad.db"
    bad.write_text("hello, this is not sqlite" * 100)
    with pytest.raises(ArchiveError, match="not a swchat archive"):
        Archive(bad)
    with pytest.raises(ArchiveError, match="no archive"):
        Archive(tmp_path / "missing.db", create=False)


def test_context_posts_promoted_later_in_the_same_file_are_not_counted_as_context(archive, tmp_path):
    reply = _tweet("11", "@host yes", author="2", in_reply_to_user_id="1",
                   referenced_tweets=[{"type": "replied_to", "id": "10"}])
    parent = _tweet("10", "Q1: hello? #SWChat")
    other = _tweet("12", "@host no", author="3", in_reply_to_user_id="1",
                   referenced_tweets=[{"type": "replied_to", "id": "9"}])
    only_context = _tweet("9", "an older post")
    path = _write(tmp_path / "a.jsonl", _page([reply, other], tweets=[parent, only_context]), _page([parent]))
    result = archive.ingest([path]).files[0]
    assert (result.read, result.added, result.context) == (3, 3, 1)
    assert archive.stats()["context_posts"] == 1


def test_a_promoted_context_post_keeps_only_its_own_hashtags(archive, tmp_path):
    """A page can carry a referenced post as it was (its text and tags since withheld or
    edited): when its own record comes, in a later file, the tags of the copy go with it."""
    def tags(post_id: str) -> list[str]:
        return [t for (t,) in archive.db.execute(
            "SELECT tag FROM post_hashtags WHERE post_id = ? ORDER BY tag", (post_id,))]

    copy = _tweet("10", "Q1: what helps? #SWChat #OldTag", entities={"hashtags": [{"tag": "SWChat"}, {"tag": "OldTag"}]})
    reply = _tweet("11", "@host this", author="2", in_reply_to_user_id="1",
                   referenced_tweets=[{"type": "replied_to", "id": "10"}])
    first = _write(tmp_path / "a.jsonl", _page([reply], tweets=[copy]))
    own = _tweet("10", "Q1: what helps? #SWChat #NewTag", entities={"hashtags": [{"tag": "SWChat"}, {"tag": "NewTag"}]})
    second = _write(tmp_path / "b.jsonl", _page([own]))
    archive.ingest([first])
    assert tags("10") == ["oldtag", "swchat"]
    archive.ingest([second])
    assert tags("10") == ["newtag", "swchat"]
    assert archive.db.execute("SELECT is_context, hashtags FROM posts WHERE post_id = '10'").fetchone() == (
        0, '["SWChat","NewTag"]')


def test_worker_process_and_single_process_give_the_same_archive(sample_dir, tmp_path, monkeypatch):
    """The parse-in-a-worker path (big files) stores exactly what the in-process path does."""
    import swchat.archive as archive_module

    def dump(db):
        with Archive(db) as archive:
            posts = archive.db.execute(
                "SELECT platform, post_id, text, kind, hashtags, mentions, is_context, origin "
                "FROM posts ORDER BY post_id").fetchall()
            raws = [archive.raw(pid) for _, pid, *_ in posts[:50]]
            return posts, raws, archive.stats(), [s["read"] for s in archive.sources()]

    files = [sample_dir / "swchat-v2.jsonl", sample_dir / "swchat-v1.jsonl"]
    monkeypatch.setattr(archive_module, "_WORKER_MIN_BYTES", None)
    with Archive(tmp_path / "single.db") as archive:
        archive.ingest(files)
    forked = []
    monkeypatch.setattr(archive_module, "_WORKER_MIN_BYTES", 0)
    monkeypatch.setattr(archive_module, "_worker_pays", lambda source: forked.append(source.name) or True)
    with Archive(tmp_path / "worker.db") as archive:
        archive.ingest(files)
    assert len(forked) == 2
    assert dump(tmp_path / "single.db") == dump(tmp_path / "worker.db")
