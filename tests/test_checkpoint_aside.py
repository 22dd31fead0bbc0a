"""A big commit's write-ahead log is copied into the archive's file by a process of its own
(:meth:`swchat.database.Database.commit`), and a closed archive is one file all the same.

The threshold (:data:`swchat.database.CHECKPOINT_ASIDE_BYTES`, 32 MB) is lowered here so that the
sample's import counts as big.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

import swchat.database
from swchat.archive import Archive


@pytest.fixture
def aside(monkeypatch) -> None:
    monkeypatch.setattr(swchat.database, "CHECKPOINT_ASIDE_BYTES", 1)


def _posts_in_file_alone(db: Path, folder: Path) -> int:
    """The posts of ``db`` read from a copy of the file alone (without its ``-wal``)."""
    folder.mkdir()
    copy = folder / db.name
    shutil.copyfile(db, copy)
    with sqlite3.connect(copy) as connection:
        found = connection.execute("SELECT count(*) FROM sqlite_master WHERE name = 'posts'").fetchone()[0]
        return connection.execute("SELECT count(*) FROM posts").fetchone()[0] if found else 0


def test_a_big_import_is_copied_aside_and_the_closed_archive_is_one_file(sample_dir, tmp_path, aside):
    db = tmp_path / "a.db"
    with Archive(db) as archive:
        result = archive.ingest([sample_dir / "swchat-v2.jsonl"])
        assert archive._checkpointer is not None  # the copy was left to a process of its own
        added = result.total["added"]
        assert added > 1000
        # this process reads everything meanwhile
        assert archive.db.execute("SELECT count(*) FROM posts WHERE is_context = 0").fetchone()[0] == added
    assert not (tmp_path / "a.db-wal").exists()  # closing waited for the copy; SQLite removed the log
    assert _posts_in_file_alone(db, tmp_path / "copy") >= added


@pytest.mark.parametrize("threshold", [1, None])
def test_the_commit_itself_does_not_copy_the_log(sample_dir, tmp_path, monkeypatch, threshold):
    monkeypatch.setattr(swchat.database, "CHECKPOINT_ASIDE_BYTES", threshold)
    # a copying process that copies nothing: what reaches the file comes from elsewhere
    monkeypatch.setattr(swchat.database, "_CHECKPOINT", "pass")
    db = tmp_path / "a.db"
    with Archive(db) as archive:
        archive.db.execute("PRAGMA wal_autocheckpoint = 1")  # SQLite would copy at every commit
        added = archive.ingest([sample_dir / "swchat-v2.jsonl"]).total["added"]
        archive.settle()
        in_file = _posts_in_file_alone(db, tmp_path / "before")
        if threshold is None:  # as SQLite does by itself: the commit copied the log
            assert in_file >= added
        else:  # left to the other process (which copied nothing here): still only in the log
            assert in_file == 0
        assert archive.db.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 1  # as it was
    # the last connection's close copies it (as SQLite always does)
    assert _posts_in_file_alone(db, tmp_path / "after") >= added


def test_without_a_process_to_start_the_commit_copies_the_log_itself(sample_dir, tmp_path, aside, monkeypatch):
    monkeypatch.setattr(swchat.database.sys, "executable", str(tmp_path / "no-such-python"))
    db = tmp_path / "a.db"
    with Archive(db) as archive:
        added = archive.ingest([sample_dir / "swchat-v2.jsonl"]).total["added"]
        assert archive._checkpointer is None
        assert _posts_in_file_alone(db, tmp_path / "copy") >= added  # copied before ingest returned


def test_big_commits_one_after_another_and_forgetting_after_them(sample_dir, tmp_path, monkeypatch):
    db = tmp_path / "a.db"
    files = [sample_dir / "swchat-v2.jsonl", sample_dir / "swchat-mastodon.jsonl", sample_dir / "swchat-bluesky.jsonl"]
    with Archive(tmp_path / "plain.db") as plain:  # every commit copies the log as SQLite does
        expected = plain.ingest(files).total
        author = plain.db.execute("SELECT platform, author_id FROM posts WHERE platform = 'x' LIMIT 1").fetchone()
    monkeypatch.setattr(swchat.database, "CHECKPOINT_ASIDE_BYTES", 1)
    with Archive(db) as archive:
        assert archive.ingest(files).total == expected  # each commit waits for the copy before it
        # forgetting rewrites the file and empties the log: it waits for the copy under way
        archive.forget([author[1]])
        left = archive.db.execute("SELECT count(*) FROM posts WHERE author_id = ?", (author[1],)).fetchone()[0]
        assert left == 0
    assert not (tmp_path / "a.db-wal").exists()
