"""The lean import paths (posts as tuples, issue 14) store exactly what the canonical path stores:
X API v2 (:func:`swchat.readers.xv2.read_lean`), v1.1 (:func:`swchat.readers.xv1.read_lean`) and
TAGS sheets (:func:`swchat.readers.tags.read_lean`); twarc-csv's (:func:`swchat.readers.twarc_csv.read_lean`,
no real export of it at hand) is checked the same way on generated files in ``tests/readers/test_twarc_csv.py``.

Each input is imported twice into fresh archives: once as usual (the format's ``lean`` reader)
and once with every lean reader switched off (every post a canonical ``Post`` dict through
:func:`~swchat.schema.validate_post`), and every column of posts, accounts, hashtags, raw
records, rejected records and the per-file counts is compared.
"""

from __future__ import annotations

import dataclasses
import json
import zlib
from pathlib import Path

import orjson
import pytest

from swchat.archive import Archive
from swchat.readers import tags, xv1, xv2
from swchat.readers.base import Post, PostValues, Source
from swchat.readers.detect import FORMATS
from swchat.schema import POST_COLUMNS

#: the readers with a lean path
LEAN = (xv2, xv1, tags)


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
            for module in LEAN:
                monkeypatch.setitem(FORMATS, module.FORMAT.name, dataclasses.replace(module.FORMAT, lean=None))
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


@pytest.mark.parametrize("module", LEAN, ids=lambda m: m.FORMAT.name)
def test_lean_readers_are_the_import_path_and_yield_the_canonical_rows(module, sample_dir):
    name = {"x-v2": "swchat-v2.jsonl", "x-v1": "swchat-v1.jsonl", "tags-csv": "swchat-tags.csv"}[module.FORMAT.name]
    items = list(module.read_lean(Source.from_arg(sample_dir / name)))
    lean = [i for i in items if isinstance(i, PostValues | Post)]
    canonical = [i for i in module.read(Source.from_arg(sample_dir / name)) if isinstance(i, Post)]
    assert module.FORMAT.lean is module.read_lean
    assert sum(isinstance(i, PostValues) for i in lean) > 0.9 * len(lean)  # the usual post needs no dict
    assert [i.row if isinstance(i, Post) else dict(zip(POST_COLUMNS, i.values, strict=True)) for i in lean] == \
        [i.row for i in canonical]
    assert [(i.raw, i.line, i.context) for i in lean] == [(i.raw, i.line, i.context) for i in canonical]


@pytest.mark.parametrize("name", ["swchat-v2.jsonl", "swchat-v1.jsonl", "swchat-tags.csv"])
def test_sample_stores_the_same_both_ways(name, sample_dir, tmp_path, monkeypatch):
    lean, canonical = _both_ways([sample_dir / name], tmp_path, monkeypatch)
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


def test_odd_v1_and_tags_values_go_the_canonical_way_and_store_the_same(tmp_path, monkeypatch):
    """Numeric ids, counts as text or "100+", a bad time, a non-text language, nested posts that
    fail: v1.1 JSON lines and a TAGS sheet store the same both ways."""
    def tweet(i: int, **extra) -> dict:
        return {"id_str": str(i), "created_at": "Tue Mar 13 20:01:02 +0000 2012", "text": f"post {i} #SWChat",
                "user": {"id_str": "9", "screen_name": "ann", "followers_count": "12"}, **extra}

    lines = [
        tweet(1),
        {**tweet(2), "id_str": None, "id": 2},
        tweet(3, favorite_count="100+", retweet_count=1 << 70),
        tweet(4, created_at="yesterday"),
        tweet(5, lang=5),
        tweet(6, in_reply_to_status_id=5, in_reply_to_user_id_str="", in_reply_to_screen_name=""),
        tweet(7, retweeted_status=tweet(1)),
        tweet(8, quoted_status={"id_str": "x", "created_at": "now"}, quoted_status_id_str="99"),
        tweet(9, user={"id": 10, "screen_name": "bob"}),
        tweet(10, text="RT @ann: post 1 #SWChat"),
    ]
    v1 = tmp_path / "odd-v1.jsonl"
    v1.write_bytes(b"".join(json.dumps(t).encode() + b"\n" for t in lines))
    lean, canonical = _both_ways([v1], tmp_path, monkeypatch)
    assert lean["rejected"] and lean == canonical
    header = ",".join(tags.COLUMNS)
    row = dict.fromkeys(tags.COLUMNS, "")
    rows = []
    for i, extra in enumerate([{}, {"user_followers_count": "lots"}, {"created_at": "never"},
                               {"in_reply_to_status_id_str": "1", "in_reply_to_user_id_str": "9"},
                               {"text": "RT @ann: post 0"}, {"entities_str": "{not json"}]):
        values = {**row, "id_str": str(100 + i), "from_user": "ann", "from_user_id_str": "9",
                  "text": f"post {i} #SWChat", "created_at": "Tue Mar 13 20:01:02 +0000 2012", **extra}
        rows.append(",".join(f'"{values[c]}"' for c in tags.COLUMNS))
    sheet = tmp_path / "odd-tags.csv"
    sheet.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    (tmp_path / "lean.db").unlink()
    (tmp_path / "canonical.db").unlink()
    lean, canonical = _both_ways([sheet], tmp_path, monkeypatch)
    assert lean["posts"] and lean["rejected"] and lean == canonical


@pytest.mark.realdata
@pytest.mark.parametrize("folder", ["x-v1-tweepy", "tags-sheet", "x-archive-legacy"])
def test_every_real_v1_and_tags_export_stores_the_same_both_ways(folder, realdata, tmp_path, monkeypatch):
    paths = sorted(p for p in realdata(folder).iterdir() if p.is_file() and p.suffix != ".md")
    lean, canonical = _both_ways(paths, tmp_path, monkeypatch)
    assert lean["posts"]
    for table in lean:
        assert lean[table] == canonical[table], table
