"""The lean import path of X API v2 (posts as tuples, issue 14) stores exactly what the canonical path stores.

Each input is imported twice into fresh archives: once as usual (the format's ``lean`` reader,
:func:`swchat.readers.xv2.read_lean`) and once with the lean reader switched off (every post a
canonical ``Post`` dict through :func:`~swchat.schema.validate_post`), and every column of posts,
accounts, hashtags, raw records, rejected records and the per-file counts is compared.
"""

from __future__ import annotations

import dataclasses
import json
import zlib
from pathlib import Path

import orjson
import pytest

from swchat.archive import Archive
from swchat.readers import xv2
from swchat.readers.base import Post, PostValues, Source
from swchat.readers.detect import FORMATS
from swchat.schema import POST_COLUMNS


def _dump(db: Path) -> dict[str, list]:
    """Everything an import stores, in a comparable form (no import times, raw blocks decompressed)."""
    with Archive(db) as archive:
        q = archive.db.execute
        blocks = {bid: zlib.decompress(data).split(b"\n") for bid, data in q("SELECT id, data FROM raw_blocks")}
        posts = [(*row[:-2], None if row[-2] is None else blocks[row[-2]][row[-1]])
                 for row in q("SELECT * FROM posts ORDER BY platform, post_id")]
        return {
            "posts": posts,
            # snapshot_at is the import's time for an account whose export does not say when
            "accounts": q("SELECT platform, account_id, handle, name, description, followers, following, "
                          "location, created_at, CASE WHEN snapshot_at > '2026-12' THEN 'now' ELSE snapshot_at END "
                          "FROM accounts ORDER BY platform, account_id").fetchall(),
            "hashtags": q("SELECT * FROM post_hashtags ORDER BY tag, platform, post_id").fetchall(),
            "rejected": q("SELECT source_id, path, digest, line, reason, raw FROM rejected ORDER BY id").fetchall(),
            "sources": q("SELECT path, digest, format, read, added, duplicates, rejected, context, accounts, notes "
                         "FROM sources ORDER BY id").fetchall(),
        }


def _both_ways(paths: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
               forgotten: tuple[str, ...] = (), before: Path | None = None) -> tuple[dict, dict]:
    """The dumps of archives made the lean and the canonical way; with ``before``, that file is
    imported first and then the ``forgotten`` accounts forgotten."""
    dumps = []
    for name in ("lean", "canonical"):
        if name == "canonical":
            monkeypatch.setitem(FORMATS, xv2.FORMAT.name, dataclasses.replace(xv2.FORMAT, lean=None))
        db = tmp_path / f"{name}.db"
        with Archive(db) as archive:
            if before is not None:
                archive.ingest([str(before)])
            if forgotten:
                archive.forget(list(forgotten))
            archive.ingest([str(p) for p in paths])
        dumps.append(_dump(db))
    return dumps[0], dumps[1]


def test_lean_path_is_the_import_path_and_yields_tuples(sample_dir):
    items = list(xv2.read_lean(Source.from_arg(sample_dir / "swchat-v2.jsonl")))
    lean = [i for i in items if isinstance(i, PostValues)]
    canonical = [i for i in xv2.read(Source.from_arg(sample_dir / "swchat-v2.jsonl")) if isinstance(i, Post)]
    assert lean and len(lean) == len(canonical)
    assert [dict(zip(POST_COLUMNS, i.values, strict=True)) for i in lean] == [i.row for i in canonical]
    assert [(i.raw, i.line, i.context) for i in lean] == [(i.raw, i.line, i.context) for i in canonical]
    assert xv2.FORMAT.lean is xv2.read_lean


def test_sample_stores_the_same_both_ways(sample_dir, tmp_path, monkeypatch):
    lean, canonical = _both_ways([sample_dir / "swchat-v2.jsonl"], tmp_path, monkeypatch)
    assert lean["posts"] and lean == canonical


def test_odd_values_go_the_canonical_way_and_store_the_same(tmp_path, monkeypatch):
    """Ids as numbers, empty ids, counts as text or too big, no text, bad times: the lean path
    hands such rows to the canonical validation (same coercions, same rejections)."""
    def tweet(i: int, **extra) -> dict:
        return {"id": str(i), "text": f"post {i} #SWChat", "author_id": "9",
                "created_at": "2026-09-02T19:00:00.000Z", **extra}

    data = [
        tweet(1),
        tweet(2, author_id=9),
        tweet(3, conversation_id=""),
        tweet(4, public_metrics={"like_count": "7", "retweet_count": 1 << 70}),
        tweet(5, public_metrics={"like_count": "many"}),
        tweet(6, text=None),
        tweet(7, created_at="2026-09-02T19:00:00+02:00"),
        tweet(8, created_at="yesterday"),
        tweet(9, lang=5),
        tweet(10, in_reply_to_user_id="", referenced_tweets=[{"type": "replied_to", "id": 1}]),
        {**tweet(11), "id": 11},
        tweet(12, referenced_tweets=[{"type": "quoted", "id": "1"}], entities={"hashtags": [{"tag": 3}]}),
    ]
    page = {"data": data, "includes": {"users": [{"id": "9", "username": "ann"}, {"id": 10}],
                                       "tweets": [tweet(20, author_id=""), tweet(21)]},
            "__twarc": {"retrieved_at": "2026-09-03T00:00:00+00:00"}}
    path = tmp_path / "odd.jsonl"
    path.write_bytes(json.dumps(page).encode() + b"\n" + b"{not json\n" + orjson.dumps({"data": tweet(30)}) + b"\n")
    lean, canonical = _both_ways([path], tmp_path, monkeypatch)
    assert lean["rejected"] and lean == canonical


def test_forgotten_accounts_are_left_out_the_same_both_ways(sample_dir, tmp_path, monkeypatch):
    sample = sample_dir / "swchat-v2.jsonl"
    first = orjson.loads(sample.read_bytes().splitlines()[0])
    author = first["data"][0]["author_id"]
    lean, canonical = _both_ways([sample], tmp_path, monkeypatch, forgotten=(author,),
                                 before=sample_dir / "swchat-v1.jsonl")
    assert lean == canonical
    assert all(row[4] != author for row in lean["posts"])


@pytest.mark.realdata
def test_every_real_v2_export_stores_the_same_both_ways(realdata, tmp_path, monkeypatch):
    folder = realdata("x-v2-twarc")
    paths = sorted(p for p in folder.iterdir() if p.is_file())
    lean, canonical = _both_ways(paths, tmp_path, monkeypatch)
    assert len(lean["posts"]) > 1000
    for table in lean:
        assert lean[table] == canonical[table], table
