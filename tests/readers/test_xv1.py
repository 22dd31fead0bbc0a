"""X API v1.1 reader: conversion conventions, containers, streaming, rejections, sniffing."""

from __future__ import annotations

import copy
import gzip
import html
import json

import orjson
import pytest

from swchat.errors import InputFormatError
from swchat.readers import detect, xv1
from swchat.readers.base import Source

WHEN = "Tue Sep 02 19:00:00 +0000 2025"
SOURCE = '<a href="https://mobile.twitter.com" rel="nofollow">Twitter Web App</a>'


def user(uid: str, handle: str, **extra) -> dict:
    return {"id": int(uid), "id_str": uid, "name": handle.replace("_", " ").title(),
            "screen_name": handle, "location": "Leeds, UK", "description": "Social worker &amp; host",
            "followers_count": 120, "friends_count": 80, "created_at": "Mon Jan 02 10:00:00 +0000 2012",
            **extra}


HOST = user("1", "SWChatHost")
ANN = user("2", "ann_sw", location="")
BOB = user("3", "bob_sw")


def entities(hashtags=(), mentions=(), urls=(), media=()) -> dict:
    out = {"hashtags": [{"text": h, "indices": [0, 1]} for h in hashtags], "symbols": [],
           "user_mentions": [{"screen_name": m, "name": m, "id_str": "0", "indices": [0, 1]}
                             for m in mentions],
           "urls": list(urls)}
    if media:
        out["media"] = list(media)
    return out


def tweet(tid: str, text: str, author: dict, when: str = WHEN, **extra) -> dict:
    return {"created_at": when, "id": int(tid), "id_str": tid, "full_text": text, "truncated": False,
            "display_text_range": [0, len(text)], "entities": entities(), "source": SOURCE,
            "in_reply_to_status_id": None, "in_reply_to_status_id_str": None,
            "in_reply_to_user_id": None, "in_reply_to_user_id_str": None,
            "in_reply_to_screen_name": None, "user": author, "is_quote_status": False,
            "retweet_count": 0, "favorite_count": 0, "lang": "en", **extra}


Q1_TEXT = ("Q1: What helps you switch off after a hard visit? #SWChat &amp; #selfcare "
           "https://t.co/abc https://t.co/pic")
Q1 = tweet("100", Q1_TEXT, HOST, retweet_count=4, favorite_count=9, entities=entities(
    hashtags=["SWChat", "selfcare"],
    urls=[{"url": "https://t.co/abc", "expanded_url": "https://example.org/guide",
           "unwound": {"url": "https://example.org/guide-full", "status": 200}}],
    media=[{"url": "https://t.co/pic", "expanded_url": "https://twitter.com/SWChatHost/status/100/photo/1",
            "type": "photo"}]))
REPLY = tweet("101", "@SWChatHost A1: walking the dog, no phone #SWChat", ANN,
              when="Tue Sep 02 19:03:10 +0000 2025", favorite_count=2,
              in_reply_to_status_id=100, in_reply_to_status_id_str="100",
              in_reply_to_user_id=1, in_reply_to_user_id_str="1", in_reply_to_screen_name="SWChatHost",
              display_text_range=[12, 50],
              entities=entities(hashtags=["SWChat"], mentions=["SWChatHost"]))
RETWEET = tweet("102", "RT @SWChatHost: Q1: What helps you switch off after a hard visit? #SWChat &amp; #sel…",
                BOB, when="Tue Sep 02 19:04:00 +0000 2025", retweet_count=4,
                entities=entities(hashtags=["SWChat"], mentions=["SWChatHost"]),
                retweeted_status=Q1)
QUOTE = tweet("103", "So true, as @ann_sw says #SWChat https://t.co/q", BOB,
              when="Tue Sep 02 19:05:00 +0000 2025", is_quote_status=True,
              quoted_status_id=101, quoted_status_id_str="101", quoted_status=REPLY,
              entities=entities(hashtags=["SWChat"], mentions=["ann_sw"], urls=[
                  {"url": "https://t.co/q", "expanded_url": "https://twitter.com/ann_sw/status/101"}]))
REPLY_QUOTING = tweet("104", "@bob_sw and see Q1 again #SWChat", ANN, when="Tue Sep 02 19:06:00 +0000 2025",
                      in_reply_to_status_id_str="103", in_reply_to_user_id_str="3",
                      in_reply_to_screen_name="bob_sw", is_quote_status=True,
                      quoted_status_id_str="100", quoted_status=Q1,
                      entities=entities(hashtags=["SWChat"], mentions=["bob_sw"]))
CHAT = [Q1, REPLY, RETWEET, QUOTE, REPLY_QUOTING]


def jsonl(tweets) -> bytes:
    return b"".join(orjson.dumps(t) + b"\n" for t in tweets)


def test_reply_row_is_exact(kit):
    items = kit.read_with(xv1, jsonl([REPLY]))
    assert items.posts[0].row == {
        "platform": "x", "post_id": "101", "url": "https://twitter.com/ann_sw/status/101",
        "created_at": "2025-09-02T19:03:10.000Z", "author_id": "2", "author_handle": "ann_sw",
        "author_name": "Ann Sw", "text": "@SWChatHost A1: walking the dog, no phone #SWChat",
        "kind": "reply", "is_quote": False, "reply_to_post_id": "100", "reply_to_author_id": "1",
        "reply_to_handle": "SWChatHost", "quoted_post_id": None, "retweeted_post_id": None,
        "conversation_id": None, "hashtags": ["SWChat"], "mentions": ["SWChatHost"], "urls": [],
        "lang": "en", "source_app": "Twitter Web App", "like_count": 2, "repost_count": 0,
        "reply_count": None, "quote_count": None, "collected_at": None, "is_context": False,
        "origin": None,
    }
    assert items.posts[0].raw == orjson.dumps(REPLY)
    assert items.posts[0].line == 1
    assert [a.row for a in items.accounts] == [{
        "platform": "x", "account_id": "2", "handle": "ann_sw", "name": "Ann Sw",
        "description": "Social worker & host", "followers": 120, "following": 80, "location": None,
        "created_at": "2012-01-02T10:00:00.000Z", "snapshot_at": "2025-09-02T19:03:10.000Z"}]


def test_original_text_entities_and_links(kit):
    row = kit.read_with(xv1, jsonl([Q1])).posts[0].row
    assert row["text"] == html.unescape(Q1_TEXT)
    assert "&amp;" not in row["text"]
    assert row["kind"] == "original"
    assert row["hashtags"] == ["SWChat", "selfcare"]
    assert row["urls"] == ["https://example.org/guide-full"]  # unwound > expanded; media left out
    assert (row["like_count"], row["repost_count"]) == (9, 4)


def test_chat_kinds_context_and_accounts(kit):
    items = kit.read_with(xv1, jsonl(CHAT))
    assert items.kinds() == {"original": 1, "reply": 2, "retweet": 1, "quote": 1}
    assert [p.line for p in items.posts] == [1, 2, 3, 4, 5]
    # context: Q1 from the retweet, the reply from the quote, Q1 again from the reply that quotes
    assert [(p.row["post_id"], p.line) for p in items.context] == [("100", 3), ("101", 4), ("100", 5)]
    assert all(p.raw == orjson.dumps({"100": Q1, "101": REPLY}[p.row["post_id"]]) for p in items.context)
    # one account per user object met in each record
    assert sorted((a.row["account_id"], a.row["snapshot_at"]) for a in items.accounts) == sorted([
        ("1", "2025-09-02T19:00:00.000Z"),
        ("2", "2025-09-02T19:03:10.000Z"),
        ("3", "2025-09-02T19:04:00.000Z"), ("1", "2025-09-02T19:04:00.000Z"),
        ("3", "2025-09-02T19:05:00.000Z"), ("2", "2025-09-02T19:05:00.000Z"),
        ("2", "2025-09-02T19:06:00.000Z"), ("1", "2025-09-02T19:06:00.000Z"),
    ])
    assert not items.rejected and not items.notes


def test_retweet_carries_the_full_original(kit):
    rows = kit.read_with(xv1, jsonl(CHAT)).rows()
    rt = rows["102"]
    assert rt["kind"] == "retweet"
    assert rt["text"] == "RT @SWChatHost: " + html.unescape(Q1_TEXT)  # not the truncated "…"
    assert rt["retweeted_post_id"] == "100"
    assert rt["hashtags"] == ["SWChat", "selfcare"]
    assert rt["urls"] == ["https://example.org/guide-full"]
    assert rt["mentions"] == ["SWChatHost"]
    assert (rt["is_quote"], rt["quoted_post_id"], rt["reply_to_post_id"]) == (False, None, None)


def test_quote_and_reply_that_quotes(kit):
    rows = kit.read_with(xv1, jsonl(CHAT)).rows()
    quote = rows["103"]
    assert (quote["kind"], quote["is_quote"], quote["quoted_post_id"]) == ("quote", True, "101")
    assert quote["urls"] == ["https://twitter.com/ann_sw/status/101"]
    assert quote["mentions"] == ["ann_sw"]
    reply = rows["104"]
    assert (reply["kind"], reply["is_quote"], reply["quoted_post_id"]) == ("reply", True, "100")
    assert (reply["reply_to_post_id"], reply["reply_to_author_id"], reply["reply_to_handle"]) == (
        "103", "3", "bob_sw")


def test_retweet_of_a_quote_gives_each_context_post_once(kit):
    quote_of_q1 = tweet("105", "Read this one #SWChat", ANN, is_quote_status=True,
                        quoted_status_id_str="100", quoted_status=Q1,
                        entities=entities(hashtags=["SWChat"]))
    rt = tweet("106", "RT @ann_sw: Read this one #SWChat", BOB, is_quote_status=True,
               quoted_status_id_str="100", quoted_status=Q1, retweeted_status=quote_of_q1,
               entities=entities(hashtags=["SWChat"], mentions=["ann_sw"]))
    items = kit.read_with(xv1, jsonl([rt]))
    row = items.posts[0].row
    assert (row["kind"], row["retweeted_post_id"], row["is_quote"], row["quoted_post_id"]) == (
        "retweet", "105", False, None)
    assert row["text"] == "RT @ann_sw: Read this one #SWChat"
    context = {p.row["post_id"]: p.row for p in items.context}
    assert list(context) == ["105", "100"]
    assert (context["105"]["kind"], context["105"]["quoted_post_id"]) == ("quote", "100")
    assert sorted(a.row["account_id"] for a in items.accounts) == ["1", "2", "3"]


def test_streamed_extended_tweet_gives_full_text(kit):
    long_text = "A1: " + "supervision that actually listens, " * 6 + "#SWChat #SelfCare"
    streamed = {"created_at": WHEN, "id_str": "107", "text": long_text[:120] + "… https://t.co/x",
                "truncated": True, "user": ANN, "entities": entities(urls=[
                    {"url": "https://t.co/x", "expanded_url": "https://twitter.com/i/web/status/107"}]),
                "extended_tweet": {"full_text": long_text,
                                   "entities": entities(hashtags=["SWChat", "SelfCare"])}}
    row = kit.read_with(xv1, jsonl([streamed])).posts[0].row
    assert row["text"] == long_text
    assert row["hashtags"] == ["SWChat", "SelfCare"]
    assert row["urls"] == []


def test_mention_led_tweet_is_a_reply_to_the_account(kit):
    at_reply = tweet("108", "@bob_sw see you next week", ANN, in_reply_to_user_id_str="3",
                     in_reply_to_screen_name="bob_sw", entities=entities(mentions=["bob_sw"]))
    row = kit.read_with(xv1, jsonl([at_reply])).posts[0].row
    assert (row["kind"], row["reply_to_post_id"], row["reply_to_author_id"], row["reply_to_handle"]) == (
        "reply", None, "3", "bob_sw")


def test_old_style_counts_and_ids_as_numbers(kit):
    old = {"created_at": "Tue Mar 13 20:01:02 +0000 2012", "id": 180000000000000001,
           "text": "#SWChat starts now", "retweet_count": "100+", "favorited": False,
           "user": {"id": 9, "screen_name": "ann"}}
    row = kit.read_with(xv1, jsonl([old])).posts[0].row
    assert (row["post_id"], row["author_id"], row["repost_count"]) == ("180000000000000001", "9", 100)
    assert row["hashtags"] == []  # only what the entities say


def _pretty(value) -> bytes:
    return json.dumps(value, indent=2, ensure_ascii=False).encode()


CONTAINERS = {
    "jsonl": lambda ts: jsonl(ts),
    "array-one-line": lambda ts: orjson.dumps(ts),
    "array-pretty": lambda ts: _pretty(ts),
    "search-one-line": lambda ts: orjson.dumps({"statuses": ts, "search_metadata": {"count": 15}}),
    "search-pretty": lambda ts: _pretty({"search_metadata": {"count": 15}, "statuses": ts}),
    "jq-concatenated": lambda ts: b"\n".join(_pretty(t) for t in ts),
    "search-pages-jsonl": lambda ts: orjson.dumps({"statuses": ts[:2]}) + b"\n" + orjson.dumps({"statuses": ts[2:]}),
    "gzip-jsonl": lambda ts: gzip.compress(jsonl(ts)),
    "gzip-array-pretty": lambda ts: gzip.compress(_pretty(ts)),
    "bom-array-pretty": lambda ts: b"\xef\xbb\xbf" + _pretty(ts),
    "bom-jsonl": lambda ts: b"\xef\xbb\xbf" + jsonl(ts),
}


@pytest.mark.parametrize("container", list(CONTAINERS))
def test_every_container_gives_the_same_rows(kit, container):
    expected = kit.read_with(xv1, jsonl(CHAT))
    items = kit.read_with(xv1, CONTAINERS[container](CHAT), name=f"chat.{container}")
    assert items.rows() == expected.rows()
    assert [p.row for p in items.context] == [p.row for p in expected.context]
    assert len(items.accounts) == len(expected.accounts)
    assert not items.rejected


def test_array_items_are_numbered_by_record(kit):
    items = kit.read_with(xv1, _pretty(CHAT))
    assert [p.line for p in items.posts] == [1, 2, 3, 4, 5]


def test_bad_lines_are_rejected_and_the_rest_read(kit):
    no_time = {k: v for k, v in REPLY.items() if k != "created_at"}
    bad_id = dict(QUOTE, id_str="1.2E+18", id=None)
    data = b"\n".join([
        orjson.dumps(Q1),
        b'{"id_str": "999", "created_at": ',       # line 2: broken JSON
        orjson.dumps(no_time),                     # line 3: no created_at
        b"",                                       # line 4: blank, skipped
        orjson.dumps({"delete": {"status": {"id_str": "5"}}}),  # line 5: a stream notice
        orjson.dumps(bad_id),                      # line 6: an id that is not one
        orjson.dumps({"hello": "world"}),          # line 7: not a tweet
        orjson.dumps(RETWEET),                     # line 8
        b'{"id_str": "1000", "text": "cut',        # line 9: truncated last line
    ])
    items = kit.read_with(xv1, data)
    assert [(p.row["post_id"], p.line) for p in items.posts] == [("100", 1), ("102", 8)]
    assert [(r.line, r.reason.split(" (")[0]) for r in items.rejected] == [
        (2, "not valid JSON"),
        (3, "created_at is missing"),
        (6, "id_str is not a tweet id: '1.2E+18'"),
        (7, "not a tweet: the object has no id_str"),
        (9, "truncated last line, not valid JSON"),
    ]
    assert items.rejected[1].raw == orjson.dumps(no_time).decode()
    assert [n.line for n in items.notes] == [5]


def test_bad_record_in_an_array_is_rejected_by_number(kit):
    broken = dict(REPLY, created_at="yesterday")
    items = kit.read_with(xv1, _pretty([Q1, broken, RETWEET]))
    assert [p.line for p in items.posts] == [1, 3]
    assert [(r.line, r.reason) for r in items.rejected] == [(2, "created_at is not a time: 'yesterday'")]


def test_broken_json_array_stops_with_one_rejection(kit):
    data = _pretty([Q1, REPLY, RETWEET])
    cut = data[: data.index(b'"id_str": "102"')]
    items = kit.read_with(xv1, cut)
    assert [p.row["post_id"] for p in items.posts] == ["100", "101"]
    assert len(items.rejected) == 1
    assert items.rejected[0].line == 3
    assert items.rejected[0].reason.startswith("not valid JSON after record 2")


def test_a_broken_context_post_is_left_out_with_a_note(kit):
    rt = dict(RETWEET, retweeted_status=dict(Q1, created_at=None))
    items = kit.read_with(xv1, jsonl([rt]))
    assert [p.row["post_id"] for p in items.posts] == ["102"]
    assert items.context == []
    assert "retweeted_status inside tweet 102 was left out" in items.notes[0].message


@pytest.mark.parametrize("pretty", [False, True])
def test_reading_streams(tmp_path, pretty):
    """The first item comes after reading a small part of a large file (memory stays flat)."""
    tweets = []
    for n in range(4000):
        t = copy.deepcopy(REPLY)
        t["id_str"] = str(200000 + n)
        t["id"] = 200000 + n
        tweets.append(t)
    path = tmp_path / ("big.json" if pretty else "big.jsonl")
    path.write_bytes(_pretty(tweets) if pretty else jsonl(tweets))
    source = Source.from_arg(path)
    reader = xv1.read(source)
    first = next(reader)
    assert first.row["post_id"] == "200000"
    assert source.bytes_read < path.stat().st_size / 4
    assert sum(1 for item in reader if hasattr(item, "context")) == 3999


def test_sniff_claims_v1_and_refuses_non_posts():
    def sniff(data: bytes):
        return xv1.sniff(Source.from_bytes(data).head())

    assert sniff(jsonl(CHAT)) is True
    assert sniff(_pretty(CHAT)) is True
    assert sniff(_pretty({"search_metadata": {}, "statuses": CHAT})) is True
    assert sniff(orjson.dumps({"statuses": [], "search_metadata": {}})) is True
    # a search page too big for the head: the top-level keys decide
    big = _pretty({"statuses": [dict(Q1, id_str=str(n)) for n in range(400)], "search_metadata": {}})
    assert len(big) > 1 << 18 and sniff(big) is True
    # stream notices before the first tweet are looked past
    assert sniff(orjson.dumps({"limit": {"track": 3}}) + b"\n" + jsonl(CHAT)) is True
    assert sniff(orjson.dumps([HOST, ANN])) == "holds X user profiles, not posts"
    assert sniff(jsonl([HOST, ANN])) == "holds X user profiles, not posts"
    assert sniff(orjson.dumps({"users": [HOST], "next_cursor": 0})).startswith("holds X user profiles")
    assert sniff(orjson.dumps({"ids": [1, 2], "next_cursor": 0})).startswith("holds a list of X account ids")
    # not v1.1: v2 tweets, an archive tweet (no user, numbers as strings), CSV, nothing
    assert sniff(orjson.dumps({"id": "1", "text": "hi", "author_id": "2",
                               "created_at": "2025-09-02T19:00:00.000Z"})) is None
    assert sniff(orjson.dumps([{"id_str": "1", "full_text": "hi", "created_at": WHEN,
                                "favorite_count": "0"}])) is None
    assert sniff(b"id_str,from_user,text\n") is None
    assert sniff(b"   ") is None


def test_detect_picks_x_v1_and_raises_refusals():
    assert detect(Source.from_bytes(_pretty(CHAT), name="chat.json")).name == "x-v1"
    with pytest.raises(InputFormatError, match=r"users\.json: holds X user profiles, not posts"):
        detect(Source.from_bytes(orjson.dumps([HOST, ANN]), name="users.json"))


def test_v1_post_and_v1_items_are_pure():
    original = copy.deepcopy(RETWEET)
    row = xv1.v1_post(RETWEET, "2025-09-03T08:00:00.000Z")
    assert row["collected_at"] == "2025-09-03T08:00:00.000Z"
    items = xv1.v1_items(RETWEET, 7, collected_at="2025-09-03T08:00:00.000Z")
    assert all(i.row["snapshot_at"] == "2025-09-03T08:00:00.000Z" for i in items if not hasattr(i, "context"))
    assert original == RETWEET  # the input is not changed


# --------------------------------------------------------------------------- real data


@pytest.mark.realdata
def test_real_v1_files(kit):
    for path in kit.realdata_files("x-v1-tweepy"):
        value = json.loads(path.read_text(encoding="utf-8"))
        tweets = value["statuses"] if isinstance(value, dict) else value
        top_ids = {t["id_str"] for t in tweets}
        nested_ids = {t[key]["id_str"] for t in tweets
                      for key in ("retweeted_status", "quoted_status") if key in t} - top_ids
        retweets = {t["id_str"]: t["retweeted_status"] for t in tweets if "retweeted_status" in t}

        source = Source.from_arg(path)
        assert xv1.sniff(source.head()) is True, path.name
        items = kit.sort_items(xv1.read(source))
        assert not items.rejected, path.name
        assert len(items.posts) == len(top_ids) and set(items.rows()) == top_ids, path.name
        assert {p.row["post_id"] for p in items.context} == nested_ids, path.name
        rows = items.rows()
        assert {i for i, r in rows.items() if r["kind"] == "retweet"} == set(retweets), path.name
        for tid, original in retweets.items():
            full = html.unescape(original.get("full_text") or original["text"])
            assert rows[tid]["text"] == f"RT @{original['user']['screen_name']}: {full}"
            assert rows[tid]["retweeted_post_id"] == original["id_str"]
        for tweet_ in tweets:
            row = rows[tweet_["id_str"]]
            assert row["author_id"] == tweet_["user"]["id_str"]
            if tweet_.get("in_reply_to_status_id_str"):
                assert row["kind"] == "reply"
                assert row["reply_to_post_id"] == tweet_["in_reply_to_status_id_str"]
        assert {a.row["account_id"] for a in items.accounts} >= {t["user"]["id_str"] for t in tweets}
