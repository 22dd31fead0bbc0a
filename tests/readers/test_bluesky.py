"""Bluesky reader: facets over UTF-8 bytes, times, replies, quotes, reposts, threads,
containers, rejections, sniffing, and the real exports."""

from __future__ import annotations

import gzip
import json

import orjson
import pytest
from click.testing import CliRunner

from swchat.readers import bluesky, mastodon, tags, twarc_csv, x_archive, xv1, xv2
from swchat.readers.base import Post, Source
from swchat.readers.detect import detect
from swchat.schema import POST_COLUMNS

ANN = {"did": "did:plc:ann", "handle": "ann.bsky.social", "displayName": "Ann",
       "avatar": "https://cdn.example/a.jpg", "viewer": {"muted": False}, "labels": [],
       "createdAt": "2023-08-13T15:09:13.807Z"}
BOB = {"did": "did:plc:bob", "handle": "bob.example.com", "displayName": "Bob"}
CARL = {"did": "did:plc:carl", "handle": "handle.invalid"}
LINK = "app.bsky.richtext.facet#link"
TAG = "app.bsky.richtext.facet#tag"
MENTION = "app.bsky.richtext.facet#mention"


def at(author: dict, rkey: str) -> str:
    return f"at://{author['did']}/app.bsky.feed.post/{rkey}"


def facet(text: str, piece: str, feature: dict) -> dict:
    """A facet over ``piece``: its range in UTF-8 bytes, as the lexicon says."""
    data, start = text.encode("utf-8"), text.encode("utf-8").index(piece.encode("utf-8"))
    assert data[start:start + len(piece.encode("utf-8"))].decode("utf-8") == piece
    return {"index": {"byteStart": start, "byteEnd": start + len(piece.encode("utf-8"))},
            "features": [feature]}


def view(author: dict, rkey: str, text: str, created: str, *, facets=(), reply=None, embed=None,
         embed_view=None, langs=("en",), **extra) -> dict:
    record = {"$type": "app.bsky.feed.post", "createdAt": created, "text": text, "langs": list(langs)}
    if facets:
        record["facets"] = list(facets)
    if reply:
        record["reply"] = {"root": {"uri": reply[0], "cid": "bafyroot"}, "parent": {"uri": reply[1], "cid": "bafyparent"}}
    if embed:
        record["embed"] = embed
    out = {"$type": "app.bsky.feed.defs#postView", "uri": at(author, rkey), "cid": f"bafy{rkey}",
           "author": author, "record": record, "replyCount": 0, "repostCount": 0, "likeCount": 0,
           "quoteCount": 0, "indexedAt": created[:19] + ".900Z", "viewer": {}, "labels": [], **extra}
    if embed_view:
        out["embed"] = embed_view
    return out


Q1_TEXT = "🎉 Q1 for the café crowd: what helps? #SWChat @bob.example.com example.org/gu…"
Q1 = view(ANN, "3q1", Q1_TEXT, "2026-09-02T19:00:00.123Z", facets=[
    facet(Q1_TEXT, "#SWChat", {"$type": TAG, "tag": "SWChat"}),
    facet(Q1_TEXT, "@bob.example.com", {"$type": MENTION, "did": "did:plc:bob"}),
    facet(Q1_TEXT, "example.org/gu…", {"$type": LINK, "uri": "https://example.org/guide"}),
], replyCount=2, repostCount=4, likeCount=9, quoteCount=1)
REPLY_TEXT = "A1: walks ✨ #selfcare"
REPLY = view(BOB, "3r1", REPLY_TEXT, "2026-09-02T21:01:00.123456+02:00",
             reply=(Q1["uri"], Q1["uri"]), langs=(),
             facets=[facet(REPLY_TEXT, "#selfcare", {"$type": TAG, "tag": "selfcare"})])


def rows(items) -> dict[str, dict]:
    return {i.row["post_id"]: i.row for i in items if isinstance(i, Post) and not i.context}


# --------------------------------------------------------------------------- rows


def test_post_with_facets_after_multibyte_characters_gives_this_exact_row(kit):
    items = kit.read_with(bluesky, orjson.dumps({"posts": [Q1], "cursor": "x"}))
    (post,) = items.posts
    assert post.row == {
        "platform": "bluesky",
        "post_id": "at://did:plc:ann/app.bsky.feed.post/3q1",
        "url": "https://bsky.app/profile/ann.bsky.social/post/3q1",
        "created_at": "2026-09-02T19:00:00.123Z",
        "author_id": "did:plc:ann",
        "author_handle": "ann.bsky.social",
        "author_name": "Ann",
        "text": Q1_TEXT,
        "kind": "original",
        "is_quote": False,
        "reply_to_post_id": None,
        "reply_to_author_id": None,
        "reply_to_handle": None,
        "quoted_post_id": None,
        "retweeted_post_id": None,
        "conversation_id": "at://did:plc:ann/app.bsky.feed.post/3q1",
        "hashtags": ["SWChat"],
        "mentions": ["bob.example.com"],
        "urls": ["https://example.org/guide"],
        "lang": "en",
        "source_app": None,
        "like_count": 9,
        "repost_count": 4,
        "reply_count": 2,
        "quote_count": 1,
        "collected_at": None,
        "is_context": False,
        "origin": None,
    }
    assert set(post.row) == set(POST_COLUMNS)
    (acc,) = items.accounts
    assert acc.row == {"platform": "bluesky", "account_id": "did:plc:ann", "handle": "ann.bsky.social",
                       "name": "Ann", "description": None, "followers": None, "following": None,
                       "location": None, "created_at": "2023-08-13T15:09:13.807Z",
                       "snapshot_at": "2026-09-02T19:00:00.900Z"}


def test_facet_byte_ranges_are_not_character_ranges():
    # the same facets taken as character offsets would cut the wrong text
    text = "é🎉 #Tag @carl.example.com"
    data = text.encode("utf-8")
    record = {"text": text, "facets": [
        {"index": {"byteStart": data.index(b"#"), "byteEnd": data.index(b"#") + 4},
         "features": [{"$type": TAG, "tag": "Tag"}]},
        {"index": {"byteStart": data.index(b"@"), "byteEnd": len(data)},
         "features": [{"$type": MENTION, "did": "did:plc:carl"}]}]}
    assert text.index("@") != data.index(b"@")
    assert bluesky.facet_entities(record) == (["Tag"], ["carl.example.com"], [])


def test_mention_whose_text_is_not_a_handle_falls_back_to_the_known_handle_or_the_did():
    text = "thanks @Bob!"
    record = {"text": text, "facets": [facet(text, "@Bob", {"$type": MENTION, "did": "did:plc:bob"})]}
    assert bluesky.facet_entities(record, {"did:plc:bob": "bob.example.com"})[1] == ["bob.example.com"]
    assert bluesky.facet_entities(record)[1] == ["did:plc:bob"]


def test_hashtags_from_text_when_a_client_wrote_no_tag_facets_and_from_record_tags():
    record = {"text": "Hi #SWChat, and #2024 or x#not (#no) #Care.", "tags": ["extra"]}
    assert bluesky.facet_entities(record)[0] == ["SWChat", "Care", "extra"]
    tagged = {"text": "#a #b", "facets": [facet("#a #b", "#a", {"$type": TAG, "tag": "a"})]}
    assert bluesky.facet_entities(tagged)[0] == ["a"]  # facets present: the text is not re-read


@pytest.mark.parametrize(("value", "expected"), [
    ("2026-09-02T19:01:00.123Z", "2026-09-02T19:01:00.123Z"),
    ("2026-09-02T19:01:00.123456Z", "2026-09-02T19:01:00.123Z"),
    ("2026-09-02T21:01:00.123456+02:00", "2026-09-02T19:01:00.123Z"),
    ("2026-09-02T19:01:00Z", "2026-09-02T19:01:00.000Z"),
    ("2026-09-02T19:01:00.123456789Z", "2026-09-02T19:01:00.123Z"),
    ("2026-09-02T19:01:00.5-05:30", "2026-09-03T00:31:00.500Z"),
])
def test_created_at_in_milli_micro_or_nanoseconds_with_z_or_offset(value, expected):
    assert bluesky.post_row(view(ANN, "3t", "x", value))["created_at"] == expected


def test_created_at_that_is_not_a_time_falls_back_to_indexed_at():
    bad = {**view(ANN, "3t", "x", "sometime"), "indexedAt": "2026-09-02T19:02:00Z"}
    assert bluesky.post_row(bad)["created_at"] == "2026-09-02T19:02:00.000Z"
    with pytest.raises(ValueError, match="createdAt is not an ISO-8601 time"):
        bluesky.post_row({**bad, "indexedAt": None})


def test_reply_in_a_feed_item_with_its_parent_as_context(kit):
    item = {"post": REPLY, "reply": {"root": Q1, "parent": Q1, "grandparentAuthor": CARL}}
    items = kit.read_with(bluesky, orjson.dumps({"feed": [item], "cursor": "x"}))
    (post,) = items.posts
    row = post.row
    assert (row["kind"], row["reply_to_post_id"], row["conversation_id"]) == ("reply", Q1["uri"], Q1["uri"])
    assert (row["reply_to_author_id"], row["reply_to_handle"]) == ("did:plc:ann", "ann.bsky.social")
    assert row["created_at"] == "2026-09-02T19:01:00.123Z" and row["lang"] is None
    assert row["hashtags"] == ["selfcare"]
    assert [c.row["post_id"] for c in items.context] == [Q1["uri"]]  # root and parent: once
    assert {a.row["account_id"]: a.row["handle"] for a in items.accounts} == {
        "did:plc:bob": "bob.example.com", "did:plc:ann": "ann.bsky.social", "did:plc:carl": None}
    assert orjson.loads(post.raw)["reply"]["parent"]["uri"] == Q1["uri"]  # the feed item is kept


def test_repost_is_a_retweet_with_a_stable_synthetic_id(kit):
    item = {"post": Q1, "reason": {"$type": "app.bsky.feed.defs#reasonRepost", "by": BOB,
                                   "indexedAt": "2026-09-02T19:04:00.000Z"}}
    items = kit.read_with(bluesky, orjson.dumps({"feed": [item]}))
    (post,) = items.posts
    row = post.row
    assert row["post_id"] == f"{Q1['uri']}#repost-did:plc:bob" == bluesky.repost_id(Q1["uri"], "did:plc:bob")
    assert (row["kind"], row["author_id"], row["author_handle"], row["created_at"], row["url"]) == (
        "retweet", "did:plc:bob", "bob.example.com", "2026-09-02T19:04:00.000Z", None)
    assert row["text"] == f"RT @ann.bsky.social: {Q1_TEXT}"
    assert row["retweeted_post_id"] == Q1["uri"] and row["conversation_id"] == row["post_id"]
    assert row["mentions"] == ["ann.bsky.social", "bob.example.com"]
    assert row["hashtags"] == ["SWChat"] and row["urls"] == ["https://example.org/guide"]
    (context,) = items.context
    assert context.row == bluesky.post_row(Q1)
    assert context.row["kind"] == "original" and context.row["like_count"] == 9


def embedded(quoted: dict) -> dict:
    """The ``viewRecord`` of a quoted post, as an embed view carries it."""
    return {"$type": "app.bsky.embed.record#viewRecord", "uri": quoted["uri"], "cid": quoted["cid"],
            "author": quoted["author"], "value": quoted["record"], "likeCount": 9, "replyCount": 2,
            "repostCount": 4, "quoteCount": 1, "indexedAt": quoted["indexedAt"], "embeds": []}


def test_quotes_record_and_record_with_media_and_a_reply_that_quotes(kit):
    ref = {"uri": Q1["uri"], "cid": Q1["cid"]}
    plain = view(BOB, "3qa", "So true", "2026-09-02T19:05:00Z",
                 embed={"$type": "app.bsky.embed.record", "record": ref},
                 embed_view={"$type": "app.bsky.embed.record#view", "record": embedded(Q1)})
    media = view(BOB, "3qb", "Look", "2026-09-02T19:06:00Z",
                 embed={"$type": "app.bsky.embed.recordWithMedia",
                        "media": {"$type": "app.bsky.embed.external",
                                  "external": {"uri": "https://example.org/card", "title": "t"}},
                        "record": {"$type": "app.bsky.embed.record", "record": ref}},
                 embed_view={"$type": "app.bsky.embed.recordWithMedia#view",
                             "media": {"$type": "app.bsky.embed.external#view"},
                             "record": {"record": embedded(Q1)}})
    replying = view(CARL, "3qc", "yes", "2026-09-02T19:07:00Z", reply=(Q1["uri"], Q1["uri"]),
                    embed={"$type": "app.bsky.embed.record", "record": ref},
                    embed_view={"$type": "app.bsky.embed.record#view",
                                "record": {"$type": "app.bsky.embed.record#viewNotFound",
                                           "uri": Q1["uri"], "notFound": True}})
    feed_generator = view(BOB, "3qd", "my feed", "2026-09-02T19:08:00Z",
                          embed={"$type": "app.bsky.embed.record",
                                 "record": {"uri": "at://did:plc:bob/app.bsky.feed.generator/x", "cid": "c"}})
    items = kit.read_with(bluesky, b"\n".join(orjson.dumps(v) for v in (plain, media, replying, feed_generator)))
    got = rows(items.posts)
    assert [(r["kind"], r["is_quote"], r["quoted_post_id"]) for r in got.values()] == [
        ("quote", True, Q1["uri"]), ("quote", True, Q1["uri"]), ("reply", True, Q1["uri"]),
        ("original", False, None)]
    assert got[media["uri"]]["urls"] == ["https://example.org/card"]
    carl = got[replying["uri"]]
    assert (carl["author_handle"], carl["url"]) == (None, "https://bsky.app/profile/did:plc:carl/post/3qc")
    context = [c.row for c in items.context]
    assert [c["post_id"] for c in context] == [Q1["uri"], Q1["uri"]]  # one per line that shows it
    assert context[0]["text"] == Q1_TEXT and context[0]["like_count"] == 9


def test_thread_nested_and_flat(kit):
    r2 = view(ANN, "3r2", "thanks", "2026-09-02T19:03:00Z", reply=(Q1["uri"], REPLY["uri"]))
    gone = {"$type": "app.bsky.feed.defs#notFoundPost", "uri": at(CARL, "3gone"), "notFound": True}
    nested = {"thread": {"$type": "app.bsky.feed.defs#threadViewPost", "post": REPLY,
                         "parent": {"$type": "app.bsky.feed.defs#threadViewPost", "post": Q1, "replies": []},
                         "replies": [{"$type": "app.bsky.feed.defs#threadViewPost", "post": r2, "replies": []},
                                     gone]}}
    items = kit.read_with(bluesky, json.dumps(nested, indent=2).encode())
    got = rows(items.posts)
    assert list(got) == [Q1["uri"], REPLY["uri"], r2["uri"]] and not items.context
    assert got[r2["uri"]]["reply_to_handle"] == "bob.example.com"
    assert got[r2["uri"]]["conversation_id"] == Q1["uri"]
    flat = {"thread": [{"uri": p["uri"], "depth": d, "value": {"$type": "app.bsky.unspecced.defs#threadItemPost",
                                                                  "post": p}} for d, p in enumerate((Q1, REPLY, r2))]}
    assert rows(kit.read_with(bluesky, orjson.dumps(flat)).posts) == got


def test_json_lines_of_views_feed_items_and_pages_and_malformed_lines(kit):
    lines = [orjson.dumps(Q1), b'{"uri": "at://did:plc:x/app.bsky.feed.post/1", ',
             orjson.dumps({k: v for k, v in REPLY.items() if k != "author"}),
             orjson.dumps({"post": REPLY}), orjson.dumps({"posts": [Q1, REPLY]}),
             orjson.dumps({**Q1, "uri": "https://not-at"}), b"42"]
    items = kit.read_with(bluesky, b"\n".join(lines) + b"\n")
    assert [(r.line, r.reason) for r in items.rejected] == [
        (2, items.rejected[0].reason), (3, f"post {REPLY['uri']} has no author did"),
        (6, "post has no at:// uri: 'https://not-at'"), (7, "not a Bluesky post but a JSON int")]
    assert items.rejected[0].reason.startswith("not valid JSON")
    assert [p.line for p in items.posts] == [1, 4, 5, 5]


def test_pretty_response_is_streamed_with_record_numbers_and_gzip(kit):
    bad = {k: v for k, v in REPLY.items() if k != "record"}
    doc = {"posts": [Q1, bad, REPLY], "cursor": "x"}
    items = kit.read_with(bluesky, json.dumps(doc, indent=2).encode())
    assert [(r.line, r.reason) for r in items.rejected] == [(2, f"post {REPLY['uri']} has no record")]
    assert [p.line for p in items.posts] == [1, 3]
    zipped = kit.read_with(bluesky, gzip.compress(json.dumps(doc, indent=2).encode()), "t.json.gz")
    assert rows(zipped.posts) == rows(items.posts)


def test_large_feed_is_sniffed_from_its_head_and_streamed(kit):
    feed = [{"post": {**Q1, "uri": at(ANN, f"3k{n}")}} for n in range(400)]
    data = json.dumps({"feed": feed, "cursor": "x"}, indent=2).encode()
    assert not Source.from_bytes(data).head().complete
    items = kit.read_with(bluesky, data)
    assert len(items.posts) == 400 and not items.rejected


@pytest.mark.parametrize(("payload", "words"), [
    ({**ANN, "followersCount": 3, "followsCount": 1, "description": "hi"}, "profile"),
    ({"subject": ANN, "followers": [BOB], "cursor": "x"}, "followers"),
    ({"subject": ANN, "follows": [BOB]}, "follows"),
    ({"uri": Q1["uri"], "likes": [{"actor": BOB}]}, "liked"),
    ({"uri": Q1["uri"], "repostedBy": [BOB]}, "reposted"),
    ({"profiles": [ANN]}, "profiles"),
    ({"actors": [ANN], "cursor": "x"}, "accounts"),
])
def test_non_post_payloads_are_refused_with_a_reason(payload, words):
    for data in (orjson.dumps(payload), json.dumps(payload, indent=1).encode()):
        verdict = bluesky.sniff(Source.from_bytes(data).head())
        assert isinstance(verdict, str) and words in verdict, verdict


def test_x_and_mastodon_sniffers_leave_bluesky_alone_and_the_other_way_round(sample_dir):
    for data in (orjson.dumps({"posts": [Q1]}), json.dumps({"feed": [{"post": Q1}]}, indent=1).encode(),
                 orjson.dumps(Q1) + b"\n" + orjson.dumps(REPLY), orjson.dumps({"thread": {"post": Q1}})):
        head = Source.from_bytes(data).head()
        for module in (xv2, xv1, x_archive, tags, twarc_csv, mastodon):
            assert module.sniff(head) is not True, module.__name__
        assert detect(Source.from_bytes(data)).name == "bluesky"
    for path in sorted(sample_dir.iterdir()):  # the sample's Bluesky file is Bluesky, nothing else is
        if path.suffix in (".jsonl", ".csv", ".json"):
            expected = True if "bluesky" in path.name else None
            assert bluesky.sniff(Source.from_arg(path).head()) is expected, path


# --------------------------------------------------------------------------- real exports


def _own_ids(doc) -> set[str]:
    """The ids of a response's own posts, computed without the reader."""
    if "posts" in doc:
        return {p["uri"] for p in doc["posts"]}
    if "feed" in doc:
        return {f"{i['post']['uri']}#repost-{i['reason']['by']['did']}"
                if (i.get("reason") or {}).get("$type") == "app.bsky.feed.defs#reasonRepost"
                else i["post"]["uri"] for i in doc["feed"]}
    found, pending = set(), [doc["thread"]]
    while pending:
        node = pending.pop()
        if isinstance(node, dict) and isinstance(node.get("post"), dict):
            found.add(node["post"]["uri"])
            pending.append(node.get("parent"))
            pending.extend(node.get("replies") or [])
    return found


@pytest.mark.realdata
def test_every_real_bluesky_file_is_read(kit, realdata):
    for path in sorted(realdata("bluesky-api").glob("*.json")):
        source = Source.from_arg(path)
        assert detect(source).name == "bluesky", path
        items = kit.sort_items(bluesky.read(source))
        doc = json.loads(path.read_text())
        assert set(rows(items.posts)) == _own_ids(doc), path
        assert not items.rejected, path
        for post in items.posts + items.context:
            row = post.row
            assert row["author_id"].startswith("did:") and row["created_at"].endswith("Z")


@pytest.mark.realdata
def test_real_facets_are_read_at_their_byte_ranges(kit, realdata):
    checked = 0
    for path in sorted(realdata("bluesky-api").glob("*.json")):
        items = kit.sort_items(bluesky.read(Source.from_arg(path)))
        for post in items.posts + items.context:
            raw = orjson.loads(post.raw)
            view_ = raw.get("post", raw) if "reason" not in raw else None
            if not view_ or view_.get("uri") != post.row["post_id"]:
                continue
            record = view_.get("record") or view_["value"]
            data = record["text"].encode("utf-8")
            for facet_ in record.get("facets", []):
                piece = data[facet_["index"]["byteStart"]:facet_["index"]["byteEnd"]].decode("utf-8", "replace")
                for feature in facet_["features"]:
                    if feature["$type"] == TAG:
                        assert piece.lower() == "#" + feature["tag"].lower()
                        assert feature["tag"] in post.row["hashtags"]
                        checked += 1
                    elif feature["$type"] == MENTION:
                        assert piece.startswith("@") and piece[1:] in post.row["mentions"]
                        checked += 1
    assert checked > 20


@pytest.mark.realdata
def test_real_microsecond_times_and_reposts(kit, realdata):
    timeline = kit.sort_items(bluesky.read(Source.from_arg(realdata("bluesky-api", "getTimeline.json"))))
    doc = json.loads(realdata("bluesky-api", "getTimeline.json").read_text())
    micro = [i["post"] for i in doc["feed"] if len(i["post"]["record"]["createdAt"]) == 27]
    assert micro
    got = rows(timeline.posts) | {p.row["post_id"]: p.row for p in timeline.context}
    for post in micro:
        assert got[post["uri"]]["created_at"] == post["record"]["createdAt"][:23] + "Z"
    reposts = [r for r in rows(timeline.posts).values() if r["kind"] == "retweet"]
    assert reposts and all(r["retweeted_post_id"] in got for r in reposts)


@pytest.mark.realdata
def test_swchat_ingest_reads_the_real_bluesky_folder(realdata, tmp_path):
    from swchat.cli import main

    res = CliRunner().invoke(main, ["ingest", str(realdata("bluesky-api")), "--archive",
                                    str(tmp_path / "a.db"), "--json"])
    assert res.exit_code == 0, res.output
    files = json.loads(res.stdout)["files"]
    assert len(files) == 5 and all(f["format"] == "bluesky" and not f["error"] for f in files)
    for f in files:
        assert f["read"] == f["added"] + f["duplicates"] + f["rejected"]
    assert sum(f["read"] for f in files) == 50 + 1 + 2 + 49 + 25


def test_an_author_view_met_again_is_not_converted_again_and_reads_the_same(sample_dir, monkeypatch):
    """Every post view carries its author's view: one met before in the file, byte for byte, is
    taken from the file's memory with the new snapshot time, and the items read are those of a
    fresh conversion every time."""
    from swchat.readers.common import remembered_account

    path = sample_dir / "swchat-bluesky.jsonl"
    remembered = list(bluesky.read(Source.from_arg(path)))
    authors = [orjson.loads(line)["post"]["author"] for line in path.read_bytes().splitlines()]
    assert len({orjson.dumps(a) for a in authors}) < len(authors) / 2  # the file repeats its authors
    known: dict = {}
    for i, author in enumerate(authors * 2):
        snapshot = ["2026-09-02T19:00:00.000Z", "2026-09-02T25:00:00.000Z", None][i % 3]  # no time: empty
        assert remembered_account(author, snapshot, known, bluesky._account_row) == bluesky._account_row(author, snapshot)
    assert remembered_account({"handle": "no.did"}, None, known, bluesky._account_row) is None

    monkeypatch.setattr(bluesky, "remembered_account", lambda author, snapshot, _known, convert: convert(author, snapshot))
    fresh = list(bluesky.read(Source.from_arg(path)))
    assert [type(i).__name__ for i in remembered] == [type(i).__name__ for i in fresh]
    assert [getattr(i, "row", None) for i in remembered] == [getattr(i, "row", None) for i in fresh]
    assert sum(isinstance(i, bluesky.Account) for i in fresh) > 100
