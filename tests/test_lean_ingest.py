"""The lean import paths (posts as tuples, issue 14) store exactly what the canonical path stores:
X API v2 (:func:`swchat.readers.xv2.read_lean`), v1.1 (:func:`swchat.readers.xv1.read_lean`), TAGS
sheets (:func:`swchat.readers.tags.read_lean`), Mastodon (:func:`swchat.readers.mastodon.read_lean`)
and Bluesky (:func:`swchat.readers.bluesky.read_lean`); twarc-csv's (:func:`swchat.readers.twarc_csv.read_lean`,
no real export of it at hand) is checked the same way on generated files in ``tests/readers/test_twarc_csv.py``.

Each input is imported twice into fresh archives: once as usual (the format's ``lean`` reader)
and once with every lean reader switched off (every post a canonical ``Post`` dict through
:func:`~swchat.schema.validate_post`), and every column of posts, accounts, hashtags, raw
records, rejected records and the per-file counts is compared.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import orjson
import pytest

from swchat import raw_blocks
from swchat.archive import Archive
from swchat.readers import bluesky, mastodon, tags, xv1, xv2
from swchat.readers.base import Note, Post, PostValues, Rejected, Source
from swchat.readers.detect import FORMATS
from swchat.schema import POST_COLUMNS

#: the readers with a lean path
LEAN = (xv2, xv1, tags, mastodon, bluesky)
#: each one's sample file (data/sample)
SAMPLES = {"x-v2": "swchat-v2.jsonl", "x-v1": "swchat-v1.jsonl", "tags-csv": "swchat-tags.csv",
           "mastodon": "swchat-mastodon.jsonl", "bluesky": "swchat-bluesky.jsonl"}


def _dump(db: Path) -> dict[str, list]:
    """Everything an import stores, in a comparable form (no import times, raw blocks decompressed)."""
    with Archive(db) as archive:
        q = archive.db.execute
        blocks = {bid: raw_blocks.unpack(data).split(b"\n") for bid, data in q("SELECT id, data FROM raw_blocks")}
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
        dumps.append(_imported(paths, tmp_path / f"{name}.db", forgotten, before))
    return dumps[0], dumps[1]


def _imported(paths: list[Path], db: Path, forgotten: tuple[str, ...] = (), before: Path | None = None,
              **options: str) -> dict:
    """The dump of a new archive of ``paths`` (imported with ``options``); with ``before``, that
    file is imported first and then the ``forgotten`` accounts forgotten."""
    with Archive(db) as archive:
        if before is not None:
            archive.ingest([str(before)])
        if forgotten:
            archive.forget(list(forgotten))
        archive.ingest([str(p) for p in paths], **options)
    return _dump(db)


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
    name = SAMPLES[module.FORMAT.name]
    items = list(module.read_lean(Source.from_arg(sample_dir / name)))
    lean = [i for i in items if isinstance(i, PostValues | Post)]
    canonical = [i for i in module.read(Source.from_arg(sample_dir / name)) if isinstance(i, Post)]
    assert module.FORMAT.lean is module.read_lean
    assert sum(isinstance(i, PostValues) for i in lean) > 0.9 * len(lean)  # the usual post needs no dict
    assert [i.row if isinstance(i, Post) else dict(zip(POST_COLUMNS, i.values, strict=True)) for i in lean] == \
        [i.row for i in canonical]
    assert [(i.raw, i.line, i.context) for i in lean] == [(i.raw, i.line, i.context) for i in canonical]


@pytest.mark.parametrize("name", list(SAMPLES.values()))
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


# --------------------------------------------------------------------------- Mastodon and Bluesky

_ANN = {"id": "9", "acct": "ann", "username": "ann", "url": "https://a.example/@ann", "display_name": "Ann",
        "followers_count": 3}
_BOB = {"id": "5", "acct": "bob@b.example", "username": "bob", "url": "https://b.example/@bob", "display_name": "Bob"}


def _status(n: int | str, account: dict | None = None, **extra) -> dict:
    """A Mastodon API status of a.example (``n`` its local id)."""
    return {"id": str(n), "uri": f"https://a.example/users/ann/statuses/{n}", "url": f"https://a.example/@ann/{n}",
            "created_at": "2026-09-02T19:00:00.000Z", "visibility": "public", "language": "en",
            "content": f'<p>post {n} <a href="https://a.example/tags/SWChat" class="mention hashtag" rel="tag">'
                       '#<span>SWChat</span></a></p>',
            "account": account or _ANN, "mentions": [], "tags": [{"name": "swchat"}], "favourites_count": 1, **extra}


def test_mastodon_and_bluesky_values_are_in_column_order():
    """The tuples the lean paths yield name each column in the order of POST_COLUMNS: a reply that
    quotes and a boost (Mastodon), a reply that quotes and a repost (Bluesky), written out by name."""
    quoted = {"id": "3", "uri": "https://b.example/users/bob/statuses/3", "created_at": "2026-09-02T18:00:00Z",
              "content": "<p>Q0</p>", "account": _BOB}
    reply = {"id": "2", "uri": "https://a.example/users/ann/statuses/2", "url": "https://a.example/@ann/2",
             "created_at": "2026-09-02T19:00:00Z", "in_reply_to_id": "1", "in_reply_to_account_id": "5",
             "content": '<p>@bob yes <a href="https://a.example/tags/SWChat" class="mention hashtag" rel="tag">'
                        '#SWChat</a> <a href="https://x.org/a">x.org/a</a></p>',
             "account": _ANN, "language": "en", "application": {"name": "Web"},
             "mentions": [{"id": "5", "acct": "bob@b.example", "username": "bob", "url": "https://b.example/@bob"}],
             "favourites_count": 1, "reblogs_count": 2, "replies_count": 3, "quotes_count": 4,
             "quote": {"state": "accepted", "quoted_status": quoted}}
    boost = {"id": "4", "uri": "https://a.example/users/ann/statuses/4/activity", "created_at": "2026-09-02T19:05:00Z",
             "content": "", "account": _ANN, "reblog": quoted}
    root = "https://b.example/users/bob/statuses/1"
    items = mastodon.status_items(reply, 1, conversation=root, lean=True) + mastodon.status_items(boost, 2, lean=True)
    posts = [dict(zip(POST_COLUMNS, i.values, strict=True)) for i in items if isinstance(i, PostValues)]
    common = {"platform": "mastodon", "author_id": "https://a.example/@ann", "author_handle": "ann@a.example",
              "author_name": "Ann", "collected_at": None, "is_context": False, "origin": None}
    assert posts[0] == {**common, "post_id": "https://a.example/users/ann/statuses/2", "url": "https://a.example/@ann/2",
                        "created_at": "2026-09-02T19:00:00.000Z", "text": "@bob yes #SWChat x.org/a", "kind": "reply",
                        "is_quote": True, "reply_to_post_id": "https://a.example/api/v1/statuses/1",
                        "reply_to_author_id": "https://b.example/@bob", "reply_to_handle": "bob@b.example",
                        "quoted_post_id": quoted["uri"], "retweeted_post_id": None, "conversation_id": root,
                        "hashtags": ["SWChat"], "mentions": ["bob@b.example"], "urls": ["https://x.org/a"],
                        "lang": "en", "source_app": "Web", "like_count": 1, "repost_count": 2, "reply_count": 3,
                        "quote_count": 4}
    assert posts[1]["post_id"] == posts[3]["post_id"] == quoted["uri"]  # the context posts
    assert posts[2] == {**common, "post_id": boost["uri"], "url": None, "created_at": "2026-09-02T19:05:00.000Z",
                        "text": "RT @bob@b.example: Q0", "kind": "retweet", "is_quote": False,
                        "reply_to_post_id": None, "reply_to_author_id": None, "reply_to_handle": None,
                        "quoted_post_id": None, "retweeted_post_id": quoted["uri"], "conversation_id": boost["uri"],
                        "hashtags": [], "mentions": ["bob@b.example"], "urls": [], "lang": None, "source_app": None,
                        "like_count": None, "repost_count": None, "reply_count": None, "quote_count": None}

    ann = {"did": "did:plc:ann", "handle": "ann.bsky.social", "displayName": "Ann"}
    bob = {"did": "did:plc:bob", "handle": "bob.example.com", "displayName": "Bob"}
    parent, root_uri = "at://did:plc:bob/app.bsky.feed.post/3p", "at://did:plc:bob/app.bsky.feed.post/3r"
    text = "yes #SWChat"
    view = {"uri": "at://did:plc:ann/app.bsky.feed.post/3k", "author": ann, "indexedAt": "2026-09-02T19:00:01Z",
            "record": {"text": text, "createdAt": "2026-09-02T19:00:00Z", "langs": ["en"], "via": "Graysky",
                       "reply": {"parent": {"uri": parent}, "root": {"uri": root_uri}},
                       "facets": [{"index": {"byteStart": 4, "byteEnd": 11},
                                   "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": "SWChat"}]}],
                       "embed": {"$type": "app.bsky.embed.external", "external": {"uri": "https://x.org/a"}}},
            "likeCount": 1, "repostCount": 2, "replyCount": 3, "quoteCount": 4}
    view["record"]["embed"] = {"$type": "app.bsky.embed.recordWithMedia", "media": view["record"]["embed"],
                               "record": {"record": {"uri": "at://did:plc:bob/app.bsky.feed.post/3q"}}}
    feed = [{"post": view, "reply": {"parent": {"uri": parent, "author": bob, "record": {
                "text": "Q1", "createdAt": "2026-09-02T18:00:00Z"}}}},
            {"post": view, "reason": {"$type": "app.bsky.feed.defs#reasonRepost", "by": bob,
                                      "indexedAt": "2026-09-02T19:05:00Z"}}]
    items = [i for item in feed for i in bluesky.feed_item_items(item, 1, lean=True)]
    posts = [dict(zip(POST_COLUMNS, i.values, strict=True)) for i in items if isinstance(i, PostValues)]
    assert posts[0] == {"platform": "bluesky", "post_id": view["uri"], "url": "https://bsky.app/profile/ann.bsky.social/post/3k",
                        "created_at": "2026-09-02T19:00:00.000Z", "author_id": "did:plc:ann",
                        "author_handle": "ann.bsky.social", "author_name": "Ann", "text": text, "kind": "reply",
                        "is_quote": True, "reply_to_post_id": parent, "reply_to_author_id": "did:plc:bob",
                        "reply_to_handle": "bob.example.com", "quoted_post_id": "at://did:plc:bob/app.bsky.feed.post/3q",
                        "retweeted_post_id": None, "conversation_id": root_uri, "hashtags": ["SWChat"],
                        "mentions": [], "urls": ["https://x.org/a"], "lang": "en", "source_app": "Graysky",
                        "like_count": 1, "repost_count": 2, "reply_count": 3, "quote_count": 4,
                        "collected_at": None, "is_context": False, "origin": None}
    repost = posts[2]
    assert repost == {"platform": "bluesky", "post_id": f"{view['uri']}#repost-did:plc:bob", "url": None,
                      "created_at": "2026-09-02T19:05:00.000Z", "author_id": "did:plc:bob",
                      "author_handle": "bob.example.com", "author_name": "Bob", "text": f"RT @ann.bsky.social: {text}",
                      "kind": "retweet", "is_quote": False, "reply_to_post_id": None, "reply_to_author_id": None,
                      "reply_to_handle": None, "quoted_post_id": None, "retweeted_post_id": view["uri"],
                      "conversation_id": f"{view['uri']}#repost-did:plc:bob", "hashtags": ["SWChat"],
                      "mentions": ["ann.bsky.social"], "urls": ["https://x.org/a"], "lang": "en", "source_app": None,
                      "like_count": None, "repost_count": None, "reply_count": None, "quote_count": None,
                      "collected_at": None, "is_context": False, "origin": None}
    assert [i.context for i in items if isinstance(i, PostValues)] == [False, True, False, True]


def _kinds(items) -> list[str]:
    return [type(i).__name__ for i in items if isinstance(i, Post | PostValues | Rejected | Note)]


def test_odd_mastodon_values_go_the_canonical_way_and_store_the_same(tmp_path, monkeypatch):
    """Numeric ids, counts as text, numbers too big or no number at all, bad times, a hashtag or
    a name that is a number, an account or mention address that is a number, nested statuses that
    fail, direct messages; JSON lines, an array, a /context response and an outbox: stored the same
    both ways."""
    zed = {"id": "77", "acct": "zed", "username": "zed", "url": 12345}
    lines = [
        _status(1),
        _status(2, id=2, in_reply_to_id=1, in_reply_to_account_id=9),
        _status(3, favourites_count="7", reblogs_count=1 << 70, replies_count="many", quotes_count=True),
        _status(4, created_at="yesterday"),
        _status(5, created_at="2026-09-02T21:00:00.123456+02:00"),
        _status(6, tags=[{"name": 5}, {"name": "Other"}],
                content='<p><a href="https://a.example/tags/5" class="mention hashtag" rel="tag">#<span>5</span></a></p>'),
        _status(7, account={**_ANN, "display_name": 7}),
        _status(8, language=8),
        _status(9, in_reply_to_id="50", in_reply_to_account_id="77", mentions=[zed]),  # its author id is a number
        _status(10, account={**_BOB, "id": 5, "url": None, "uri": "https://b.example/users/bob"}),
        _status(11, reblog=_status(1)),
        _status(12, reblog={**_status(13), "created_at": "never"}),
        _status(14, quote={"quoted_status": {**_status(15), "account": {**_ANN, "display_name": 15}}}),
        _status(16, reblog={"id": "17", "content": "no uri", "account": _ANN}),
        _status(18, visibility="direct"),
        _status(19, url=19),
        {**_status(20), "uri": 20},
        _status(21, application={"name": 21}),
        _status(22, in_reply_to_id=None, in_reply_to_account_id="77", mentions=[{**zed, "url": ""}]),
    ]
    jsonl = tmp_path / "odd-mastodon.jsonl"
    jsonl.write_bytes(b"".join(json.dumps(s).encode() + b"\n" for s in lines) + b"{not json\n5\n"
                      + orjson.dumps({"ancestors": [_status(30)], "descendants": [_status(31, in_reply_to_id="30")]}))
    array = tmp_path / "odd-mastodon-array.json"
    array.write_bytes(orjson.dumps([_status(40, in_reply_to_id=40), _status(41, replies_count=-1)]))
    actor = "https://a.example/users/ann"
    outbox = tmp_path / "outbox.json"
    outbox.write_bytes(orjson.dumps({"type": "OrderedCollection", "id": f"{actor}/outbox", "orderedItems": [
        {"type": "Create", "actor": actor, "published": "2026-09-02T19:00:00Z", "to": ["as:Public"],
         "object": {"type": "Note", "id": f"{actor}/statuses/50", "url": "https://a.example/@ann/50",
                    "published": "2026-09-02T19:00:00Z", "content": "<p>hi</p>", "tag": [{"type": "Hashtag", "name": 5}]}},
        {"type": "Announce", "actor": actor, "id": f"{actor}/statuses/51/activity", "published": "yesterday",
         "object": f"{actor}/statuses/50"}]}))
    lean_items = list(mastodon.read_lean(Source.from_arg(jsonl)))
    assert {"PostValues", "Post", "Rejected", "Note"} <= set(_kinds(lean_items))
    assert [i.row["post_id"] for i in lean_items if isinstance(i, Post)] == ["https://a.example/users/ann/statuses/9"]
    lean, canonical = _both_ways([jsonl, array, outbox], tmp_path, monkeypatch)
    assert lean["posts"] and lean["rejected"] and lean == canonical


def _view(rkey: str, author: dict | None = None, **record) -> dict:
    author = author or {"did": "did:plc:ann", "handle": "ann.bsky.social", "displayName": "Ann"}
    return {"uri": f"at://did:plc:ann/app.bsky.feed.post/{rkey}", "cid": f"bafy{rkey}", "author": author,
            "indexedAt": "2026-09-02T19:00:01.000Z", "likeCount": 1,
            "record": {"text": f"post {rkey} #SWChat", "createdAt": "2026-09-02T19:00:00.000Z", **record}}


def test_odd_bluesky_values_go_the_canonical_way_and_store_the_same(tmp_path, monkeypatch):
    """Ids as numbers (a reply's parent and root), counts as text, bad times, hashtags and names
    that are numbers, reposts (of an odd post too), reply parents and quotes that fail, threads
    with bad posts; JSON lines and a response document: stored the same both ways."""
    bob = {"did": "did:plc:bob", "handle": "bob.example.com", "displayName": "Bob"}
    odd_reply = _view("3b", reply={"parent": {"uri": 5}, "root": {"uri": 6}})
    repost = {"$type": "app.bsky.feed.defs#reasonRepost", "by": bob, "indexedAt": "2026-09-02T19:05:00Z"}
    lines = [
        _view("3a"),
        odd_reply,
        {**_view("3c"), "likeCount": "7", "repostCount": 1 << 70, "replyCount": True},
        _view("3d", createdAt="yesterday"),
        {**_view("3e", createdAt="yesterday"), "indexedAt": "never"},
        _view("3f", facets=[{"index": {"byteStart": 0, "byteEnd": 1},
                             "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": 5}]}], tags=[7, "Seven"]),
        _view("3g", {"did": "did:plc:ann", "handle": "ann.bsky.social", "displayName": 7}),
        {**_view("3h"), "uri": 8},
        _view("3i", {"did": 9, "handle": "x"}),
        _view("3j", text=10, langs=[10]),
        {"post": _view("3k"), "reason": repost},
        {"post": odd_reply, "reason": repost},
        {"post": _view("3l"), "reason": {**repost, "indexedAt": "later"}},
        {"post": _view("3m"), "reason": {**repost, "by": {"handle": "nobody"}}},
        {"post": _view("3n"), "reply": {"parent": {**_view("3o"), "record": None}, "root": _view("3a")}},
        {**_view("3p"), "embed": {"$type": "app.bsky.embed.record#view", "record": {
            "$type": "app.bsky.embed.record#viewRecord", "uri": "at://did:plc:bob/app.bsky.feed.post/3q",
            "author": bob, "value": {"text": "q", "createdAt": "never"}}}},
        {"thread": {"post": _view("3r"), "replies": [{"post": {**_view("3s"), "uri": None}},
                                                      {"$type": "app.bsky.feed.defs#notFoundPost"}]}},
        {"post": None},
    ]
    jsonl = tmp_path / "odd-bluesky.jsonl"
    jsonl.write_bytes(b"".join(json.dumps(v).encode() + b"\n" for v in lines) + b"{not json\n")
    page = tmp_path / "odd-bluesky-feed.json"
    page.write_bytes(orjson.dumps({"feed": [{"post": _view("4a", langs=["de"])},
                                            {"post": _view("4b", reply={"parent": {"uri": 4}})}], "cursor": "x"}))
    lean_items = list(bluesky.read_lean(Source.from_arg(jsonl)))
    assert {"PostValues", "Post", "Rejected", "Note"} <= set(_kinds(lean_items))
    # the odd reply; its repost and its copy as context are made of its validated values
    assert [i.row["post_id"] for i in lean_items if isinstance(i, Post)] == [odd_reply["uri"]]
    lean, canonical = _both_ways([jsonl, page], tmp_path, monkeypatch)
    assert lean["posts"] and lean["rejected"] and lean == canonical


@pytest.mark.realdata
@pytest.mark.parametrize("folder", ["mastodon-api", "bluesky-api"])
def test_every_real_mastodon_and_bluesky_export_stores_the_same_both_ways(folder, realdata, tmp_path, monkeypatch):
    paths = sorted(p for p in realdata(folder).rglob("*") if p.is_file() and p.suffix != ".md")
    module = {"mastodon-api": mastodon, "bluesky-api": bluesky}[folder]
    for path in paths:  # every file goes the lean way, nearly every post as values
        items = [i for i in module.read_lean(Source.from_arg(path)) if isinstance(i, Post | PostValues)]
        assert sum(isinstance(i, PostValues) for i in items) > 0.9 * len(items), path
    lean, canonical = _both_ways(paths, tmp_path, monkeypatch)
    assert len(lean["posts"]) > 150 and len(lean["sources"]) == len(paths)
    for table in lean:
        assert lean[table] == canonical[table], table


def _column_values(column: str) -> tuple[list, list]:
    """Values a reader may put in a column: usual ones, and odd ones."""
    odd = [None, "", 7, 1.5, True, [], {}]
    if column == "platform":
        return ["x", "mastodon", "bluesky"], ["myspace", None, ""]
    if column == "kind":
        return ["original", "reply", "retweet", "quote"], ["poke", None]
    if column in ("created_at", "collected_at"):
        return ["2026-09-02T19:00:00.000Z", None], ["2026-09-02T25:00:00.000Z", "2026-09-02", "", 5]
    if column in ("hashtags", "mentions", "urls"):
        return [[], ["SWChat"], ["ann", "SWChat"]], [["SWChat", 3], [None], None, "SWChat", {}]
    if column in ("like_count", "repost_count", "reply_count", "quote_count"):
        return [None, 0, 12], ["7", "many", 1.5, True, 1 << 70]
    if column in ("is_context", "is_quote"):
        return [False, True], []
    if column in ("post_id", "author_id"):
        return ["1", "ann"], odd
    return [None, "1", "https://x.example/1"], odd


def test_plain_values_holds_only_when_validation_passes_a_row_unchanged():
    """The lean paths yield a post as its values when :func:`plain_values` says so: then
    ``validate_post`` must neither raise nor change a value (else the lean and canonical imports
    would store different things). Rows of usual values with up to three odd ones."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from swchat.readers.common import plain_values
    from swchat.schema import validate_post

    choices = [_column_values(c) for c in POST_COLUMNS]
    plain: list = []

    @settings(max_examples=3000, deadline=None)
    @given(st.data())
    def check(data):
        values = [data.draw(st.sampled_from(usual)) for usual, _ in choices]
        for _ in range(data.draw(st.integers(0, 3))):
            at = data.draw(st.sampled_from([i for i, (_, odd) in enumerate(choices) if odd]))
            values[at] = data.draw(st.sampled_from(choices[at][1]))
        if not plain_values(tuple(values)):
            return
        plain.append(values)
        row = dict(zip(POST_COLUMNS, values, strict=True))
        before = {k: (list(v) if isinstance(v, list) else v) for k, v in row.items()}
        assert validate_post(row) == before

    check()
    assert len(plain) > 300  # usual rows come often enough to test the rule


def _read_keys(path: Path) -> tuple[set, set]:
    """The keys the import's reading hands the writer: as context posts, and as posts."""
    from swchat.archive import _POSTS, _read_batches
    from swchat.readers.detect import detect

    source = Source.from_arg(path)
    context, posts = set(), set()
    for kind, payload in _read_batches(source, detect(source)):
        if kind == _POSTS:
            for row, is_context in zip(payload[2], payload[0], strict=True):
                key = (row[0], row[1])  # platform, post_id (POST_COLUMNS)
                (context if is_context else posts).add(key)
    return context, posts


@pytest.mark.parametrize("name", list(SAMPLES.values()))
def test_context_posts_held_back_store_the_same_archive(name, sample_dir, tmp_path, monkeypatch):
    """A context post is held back while its own record may follow (archive._HOLD): the archive
    is the same as when every context post is written at once and then promoted, and the same
    when only one is held at a time."""
    import swchat.archive as archive_module

    dumps = []
    for hold in (archive_module._HOLD, 0, 1):
        monkeypatch.setattr(archive_module, "_HOLD", hold)
        db = tmp_path / f"hold-{hold}.db"
        with Archive(db) as archive:
            archive.ingest([str(sample_dir / name)])
        dumps.append(_dump(db))
    assert dumps[0]["posts"] and dumps[0] == dumps[1] == dumps[2]


@pytest.mark.realdata
@pytest.mark.parametrize("folder", ["x-v2-twarc", "x-v1-tweepy", "mastodon-api", "bluesky-api"])
def test_context_posts_held_back_store_the_same_archive_from_real_exports(folder, realdata, tmp_path, monkeypatch):
    """Real pages fetched at different times can carry the same referenced post with other
    counts: the first copy read is kept either way."""
    import swchat.archive as archive_module

    paths = sorted(str(p) for p in realdata(folder).rglob("*") if p.is_file() and p.suffix != ".md")
    dumps = []
    for hold in (archive_module._HOLD, 0, 1):
        monkeypatch.setattr(archive_module, "_HOLD", hold)
        db = tmp_path / f"hold-{hold}.db"
        with Archive(db) as archive:
            archive.ingest(paths)
        dumps.append(_dump(db))
    assert len(dumps[0]["posts"]) > 30
    for table in dumps[0]:
        assert dumps[0][table] == dumps[1][table] == dumps[2][table], table


def test_a_context_post_whose_own_record_follows_is_written_once(sample_dir, monkeypatch):
    """In the X v2 sample, some posts come as context (in a page's includes) before their own
    record: the writer gets them twice, as context and as posts, unless the context copies are
    held back."""
    import swchat.archive as archive_module

    path = sample_dir / "swchat-v2.jsonl"
    context, posts = _read_keys(path)
    assert not context & posts
    monkeypatch.setattr(archive_module, "_HOLD", 0)
    context, posts = _read_keys(path)
    assert len(context & posts) >= 30


def test_a_reply_before_its_target_leaves_no_context(tmp_path):
    def tweet(i: int, **extra) -> dict:
        return {"id": str(i), "text": f"post {i} #SWChat", "author_id": "9",
                "created_at": f"2026-09-02T19:0{i}:00.000Z", **extra}

    target = tweet(1)
    reply = tweet(2, referenced_tweets=[{"type": "replied_to", "id": "1"}], in_reply_to_user_id="9")
    quoted_only = tweet(3)  # quoted, never in an export of its own: stays context
    quote = tweet(4, referenced_tweets=[{"type": "quoted", "id": "3"}])
    pages = [{"data": [quote, reply], "includes": {"tweets": [target, quoted_only], "users": [{"id": "9", "username": "ann"}]}},
             {"data": [target]}]
    path = tmp_path / "pages.jsonl"
    path.write_bytes(b"".join(orjson.dumps(p) + b"\n" for p in pages))
    with Archive(tmp_path / "a.db") as archive:
        [result] = archive.ingest([str(path)]).files
        assert (result.read, result.added, result.context) == (3, 3, 1)
        rows = archive.db.execute("SELECT post_id, is_context, origin FROM posts ORDER BY post_id").fetchall()
        assert [(p, c) for p, c, _ in rows] == [("1", 0), ("2", 0), ("3", 1), ("4", 0)]
        assert rows[0][2].split(":")[1] == "2"  # the target's own record, on line 2
        assert archive.raw("1") == target and archive.raw("3") == quoted_only
