"""Raw blocks: Zstandard since archive schema 4, and the zlib blocks of older archives still read."""

from __future__ import annotations

import zlib

import pytest

import swchat
from swchat import raw_blocks
from swchat.archive import SCHEMA_VERSION, Archive


def _blocks(path) -> list[bytes]:
    with Archive(path, read_only=True) as archive:
        return [data for (data,) in archive.db.execute("SELECT data FROM raw_blocks ORDER BY id")]


def _as_schema_3(path) -> None:
    """Make an archive look as schema 3 wrote it: zlib blocks."""
    with Archive(path) as archive:
        db = archive.db
        blocks = db.execute("SELECT id, data FROM raw_blocks").fetchall()
        db.executemany("UPDATE raw_blocks SET data = ? WHERE id = ?",
                       [(zlib.compress(raw_blocks.unpack(data), 2), bid) for bid, data in blocks])
        db.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")


@pytest.fixture
def old_archive(sample_dir, tmp_path):
    path = tmp_path / "old.db"
    with swchat.open(path, create=True) as archive:
        archive.ingest([sample_dir / "swchat-v2.jsonl"])
        post_id = archive.db.execute("SELECT post_id FROM posts WHERE raw_block IS NOT NULL LIMIT 1").fetchone()[0]
        record = archive.raw(post_id)
    _as_schema_3(path)
    assert all(data[:1] == b"\x78" for data in _blocks(path))  # zlib
    return path, post_id, record


def test_a_new_archive_writes_zstandard_blocks(sample_dir, tmp_path):
    path = tmp_path / "new.db"
    with swchat.open(path, create=True) as archive:
        archive.ingest([sample_dir / "swchat-v2.jsonl"])
        assert archive.meta_value("schema_version") == SCHEMA_VERSION == "4"
    blocks = _blocks(path)
    assert blocks and all(data[:4] == raw_blocks.ZSTD_MAGIC for data in blocks)
    records = b"\n".join(raw_blocks.unpack(data) for data in blocks).split(b"\n")
    with Archive(path, read_only=True) as archive:
        assert len(records) == archive.db.execute("SELECT count(*) FROM posts WHERE raw_block IS NOT NULL").fetchone()[0]


def test_a_schema_3_archive_reads_read_only_as_it_is(old_archive):
    path, post_id, record = old_archive
    with Archive(path, read_only=True) as archive:
        assert archive.meta_value("schema_version") == "3"
        assert archive.raw(post_id) == record


def test_a_schema_3_archive_is_brought_to_4_and_both_kinds_of_block_read(old_archive, sample_dir, tmp_path):
    path, post_id, record = old_archive
    with swchat.open(path) as archive:
        assert archive.meta_value("schema_version") == "4"
        assert archive.raw(post_id) == record
        # a new import adds Zstandard blocks beside the zlib ones; both read
        [result] = archive.ingest([sample_dir / "swchat-mastodon.jsonl"]).files
        assert result.added > 100
        status = archive.db.execute("SELECT post_id FROM posts WHERE platform = 'mastodon' AND raw_block IS NOT NULL "
                                    "LIMIT 1").fetchone()[0]
        assert archive.raw(status, platform="mastodon")["uri"] == status
        assert archive.raw(post_id) == record
    kinds = {data[:4] == raw_blocks.ZSTD_MAGIC for data in _blocks(path)}
    assert kinds == {True, False}


def test_forgetting_rewrites_a_zlib_block_as_zstandard(old_archive):
    path, post_id, _record = old_archive
    with swchat.open(path) as archive:
        author = archive.db.execute("SELECT author_handle FROM posts WHERE post_id = ?", (post_id,)).fetchone()[0]
        others = archive.db.execute(
            "SELECT post_id FROM posts WHERE raw_block = (SELECT raw_block FROM posts WHERE post_id = ?) "
            "AND author_handle != ? AND raw_block IS NOT NULL", (post_id, author)).fetchall()
        archive.forget([f"@{author}"])
        assert archive.raw(post_id) is None
        kept = [p for (p,) in others if archive.raw(p) is not None]
        assert kept  # the block kept others' records, rewritten
        block = archive.db.execute("SELECT b.data FROM posts p JOIN raw_blocks b ON b.id = p.raw_block "
                                   "WHERE p.post_id = ?", (kept[0],)).fetchone()[0]
        assert block[:4] == raw_blocks.ZSTD_MAGIC
        assert archive.raw(kept[0])["id"] == kept[0]
