"""X account archive reader: tweets.js / tweet.js, the owner from account.js, refusals."""

from __future__ import annotations

import gzip
import json
import re

import orjson
import pytest

from swchat.errors import InputFormatError
from swchat.readers import detect, x_archive
from swchat.readers.base import Source
from swchat.readers.x_archive import UNKNOWN_OWNER


def archive_tweet(tid: str, text: str, when: str = "Tue Sep 02 19:00:00 +0000 2025", **extra) -> dict:
    """A tweet as the archive stores it: numbers as strings, no user object."""
    return {"retweeted": False, "source": '<a href="http://twitter.com" rel="nofollow">Twitter Web Client</a>',
            "entities": {"hashtags": [], "symbols": [], "user_mentions": [], "urls": []},
            "display_text_range": ["0", str(len(text))], "favorite_count": "0", "id_str": tid,
            "truncated": False, "retweet_count": "0", "id": tid, "created_at": when,
            "favorited": False, "full_text": text, "lang": "en", **extra}


def mention(handle: str, uid: str, start: int) -> dict:
    return {"name": handle, "screen_name": handle, "indices": [str(start), str(start + len(handle) + 1)],
            "id_str": uid, "id": uid}


ORIGINAL = archive_tweet(
    "500", "Q1: what does good supervision look like? #SWChat &amp; more https://t.co/a",
    favorite_count="3", retweet_count="2",
    entities={"hashtags": [{"text": "SWChat", "indices": ["43", "50"]}], "symbols": [],
              "user_mentions": [], "urls": [{"url": "https://t.co/a", "expanded_url": "https://example.org/sv",
                                              "display_url": "example.org/sv", "indices": ["62", "76"]}]})
REPLY = archive_tweet(
    "501", "@ann_sw agreed, and time to think #SWChat", when="Tue Sep 02 19:03:00 +0000 2025",
    in_reply_to_status_id_str="400", in_reply_to_status_id="400", in_reply_to_user_id="2",
    in_reply_to_user_id_str="2", in_reply_to_screen_name="ann_sw",
    entities={"hashtags": [{"text": "SWChat", "indices": ["34", "41"]}], "symbols": [],
              "user_mentions": [mention("ann_sw", "2", 0)], "urls": []})
RETWEET = archive_tweet(
    "502", "RT @bob_sw: A2: regular, protected and about the person, not the caseload numbers \u2026",
    when="Tue Sep 02 19:05:00 +0000 2025",
    entities={"hashtags": [], "symbols": [], "user_mentions": [mention("bob_sw", "3", 3)], "urls": []})
QUOTE = archive_tweet(
    "503", "This, every time https://t.co/q", when="Tue Sep 02 19:07:00 +0000 2025",
    is_quote_status=True, quoted_status_id_str="450", quoted_status_id="450",
    entities={"hashtags": [], "symbols": [], "user_mentions": [],
              "urls": [{"url": "https://t.co/q", "expanded_url": "https://twitter.com/bob_sw/status/450"}]})
TWEETS = [ORIGINAL, REPLY, RETWEET, QUOTE]


def tweets_js(tweets, name: str = "tweets", wrap: bool = True) -> bytes:
    items = [{"tweet": t} for t in tweets] if wrap else tweets
    return f"window.YTD.{name}.part0 = ".encode() + json.dumps(items, indent=2, ensure_ascii=False).encode()


ACCOUNT_JS = b"""window.YTD.account.part0 = [
  {
    "account" : {
      "email" : "host@example.org",
      "createdVia" : "web",
      "username" : "SWChatHost",
      "accountId" : "1",
      "createdAt" : "2012-01-02T10:00:00.000Z",
      "accountDisplayName" : "SWChat Host"
    }
  }
]"""
PROFILE_JS = b"""window.YTD.profile.part0 = [ { "profile" : { "description" : {
  "bio" : "Weekly chat for social workers", "website" : "https://t.co/w", "location" : "UK" } } } ]"""
MANIFEST_JS = b"""window.__THAR_CONFIG = {
  "userInfo" : { "accountId" : "1", "userName" : "SWChatHost", "displayName" : "SWChat Host" },
  "archiveInfo" : { "sizeBytes" : "1000", "generationDate" : "2025-10-01T12:00:00.000Z", "isPartialArchive" : false }
}"""


def test_without_account_js_the_owner_is_unknown(kit):
    items = kit.read_with(x_archive, tweets_js(TWEETS), name="tweets.js")
    assert items.kinds() == {"original": 1, "reply": 1, "retweet": 1, "quote": 1}
    assert len(items.notes) == 1 and "no account.js" in items.notes[0].message
    assert items.accounts == [] and items.context == [] and items.rejected == []
    rows = items.rows()
    assert {r["author_id"] for r in rows.values()} == {UNKNOWN_OWNER}
    assert {r["author_handle"] for r in rows.values()} == {None}
    assert rows["500"]["url"] == "https://twitter.com/i/web/status/500"


def test_rows_follow_the_v1_conventions(kit):
    rows = kit.read_with(x_archive, tweets_js(TWEETS), name="tweets.js").rows()
    original = rows["500"]
    assert original["text"] == "Q1: what does good supervision look like? #SWChat & more https://t.co/a"
    assert (original["hashtags"], original["urls"]) == (["SWChat"], ["https://example.org/sv"])
    assert (original["like_count"], original["repost_count"]) == (3, 2)  # numbers stored as strings
    assert original["created_at"] == "2025-09-02T19:00:00.000Z"
    assert original["source_app"] == "Twitter Web Client"
    reply = rows["501"]
    assert (reply["kind"], reply["reply_to_post_id"], reply["reply_to_author_id"], reply["reply_to_handle"]) == (
        "reply", "400", "2", "ann_sw")
    assert reply["mentions"] == ["ann_sw"]
    retweet = rows["502"]
    assert retweet["kind"] == "retweet"
    assert retweet["retweeted_post_id"] is None  # the archive does not say which tweet
    assert retweet["text"] == RETWEET["full_text"]  # the archive only has the truncated text
    assert retweet["mentions"] == ["bob_sw"]
    quote = rows["503"]
    assert (quote["kind"], quote["is_quote"], quote["quoted_post_id"]) == ("quote", True, "450")


def test_owner_from_account_profile_and_manifest(kit, tmp_path):
    (tmp_path / "tweets.js").write_bytes(tweets_js(TWEETS))
    (tmp_path / "account.js").write_bytes(ACCOUNT_JS)
    (tmp_path / "profile.js").write_bytes(PROFILE_JS)
    (tmp_path / "manifest.js").write_bytes(MANIFEST_JS)
    items = kit.sort_items(x_archive.read(Source.from_arg(tmp_path / "tweets.js")))
    assert items.notes == []
    rows = items.rows()
    assert {(r["author_id"], r["author_handle"], r["author_name"]) for r in rows.values()} == {
        ("1", "SWChatHost", "SWChat Host")}
    assert rows["500"]["url"] == "https://twitter.com/SWChatHost/status/500"
    assert {r["collected_at"] for r in rows.values()} == {"2025-10-01T12:00:00.000Z"}
    assert [a.row for a in items.accounts] == [{
        "platform": "x", "account_id": "1", "handle": "SWChatHost", "name": "SWChat Host",
        "description": "Weekly chat for social workers", "followers": None, "following": None,
        "location": "UK", "created_at": "2012-01-02T10:00:00.000Z",
        "snapshot_at": "2025-10-01T12:00:00.000Z"}]
    assert "email" not in items.accounts[0].row  # nothing private is taken from account.js


def test_owner_snapshot_at_newest_tweet_without_manifest(kit, tmp_path):
    (tmp_path / "tweet.js").write_bytes(tweets_js(TWEETS, name="tweet"))
    (tmp_path / "account.js").write_bytes(ACCOUNT_JS)
    items = kit.sort_items(x_archive.read(Source.from_arg(tmp_path / "tweet.js")))
    assert {r["collected_at"] for r in items.rows().values()} == {None}
    assert [a.row["snapshot_at"] for a in items.accounts] == ["2025-09-02T19:07:00.000Z"]


def test_account_js_as_a_companion(kit, tmp_path):
    (tmp_path / "elsewhere.js").write_bytes(ACCOUNT_JS)
    account = tmp_path / "account.js"
    account.write_bytes(ACCOUNT_JS)
    source = Source.from_bytes(tweets_js(TWEETS), name="<stdin>")
    source.companions.append(account)
    items = kit.sort_items(x_archive.read(source))
    assert {r["author_handle"] for r in items.rows().values()} == {"SWChatHost"}


def test_bad_records_are_rejected_by_number(kit):
    bad = dict(REPLY, created_at="")
    items = kit.read_with(x_archive, tweets_js([ORIGINAL, bad, "not a tweet", RETWEET]), name="tweets.js")
    assert [(p.row["post_id"], p.line) for p in items.posts] == [("500", 1), ("502", 4)]
    assert [(r.line, r.reason) for r in items.rejected] == [
        (2, "created_at is missing"), (3, "not a tweet object but a JSON str")]


def test_cut_off_file_keeps_what_came_before(kit):
    data = tweets_js(TWEETS)
    items = kit.read_with(x_archive, data[: data.index(b'"502"')], name="tweets.js")
    assert list(items.rows()) == ["500", "501"]
    assert [r.line for r in items.rejected] == [3]


def test_gzip_and_plain_json_array(kit):
    gz = kit.read_with(x_archive, gzip.compress(tweets_js(TWEETS)), name="tweets.js.gz")
    plain = kit.read_with(x_archive, json.dumps([{"tweet": t} for t in TWEETS]).encode(), name="t.json")
    bare = kit.read_with(x_archive, json.dumps(TWEETS, indent=1).encode(), name="t.json")
    assert gz.rows() == plain.rows() == bare.rows()
    assert len(gz.rows()) == 4


def test_deleted_tweets_file_is_read(kit):
    deleted = dict(ORIGINAL, deleted_at="Wed Sep 03 10:00:00 +0000 2025")
    items = kit.read_with(x_archive, tweets_js([deleted], name="deleted_tweets"), name="deleted-tweets.js")
    assert list(items.rows()) == ["500"]


def test_grailbird_archive(kit):
    tweet = {"source": "web", "entities": {"user_mentions": [], "media": [], "hashtags": [], "urls": []},
             "geo": {}, "id_str": "600", "text": "Tonight's #SWChat topic is out",
             "id": 600, "created_at": "2014-04-23 19:00:00 +0000",
             "user": {"name": "SWChat Host", "screen_name": "SWChatHost", "protected": False,
                      "id_str": "1", "profile_image_url_https": "https://x", "id": 1, "verified": False}}
    data = b"Grailbird.data.tweets_2014_04 = \n" + json.dumps([tweet], indent=1).encode()
    items = kit.read_with(x_archive, data, name="2014_04.js")
    row = items.rows()["600"]
    assert (row["author_id"], row["author_handle"], row["created_at"]) == (
        "1", "SWChatHost", "2014-04-23T19:00:00.000Z")
    assert items.notes == []


def test_sniff_and_refusals():
    def sniff(data: bytes):
        return x_archive.sniff(Source.from_bytes(data).head())

    assert sniff(tweets_js(TWEETS)) is True
    assert sniff(tweets_js(TWEETS, name="tweet")) is True
    assert sniff(b"\xef\xbb\xbf" + tweets_js(TWEETS)) is True
    assert sniff(b'window.YTD.like.part0 = [ {"like": {"tweetId": "1"}} ]') == (
        "is the X archive's like file, not its tweets (import tweets.js)")
    assert sniff(ACCOUNT_JS).startswith("is the X archive's account file")
    # v1.1 API tweets (with user, numbers as numbers) are x-v1's, not the archive's
    assert sniff(orjson.dumps([dict(ORIGINAL, user={"id_str": "1"}, favorite_count=3)])) is None
    assert sniff(b'{"id_str": "1"}') is None
    with pytest.raises(InputFormatError, match=r"like\.js: is the X archive's like file"):
        detect(Source.from_bytes(b'window.YTD.like.part0 = [ {"like": {"tweetId": "1"}} ]', name="like.js"))
    assert detect(Source.from_bytes(tweets_js(TWEETS), name="tweets.js")).name == "x-archive"


# --------------------------------------------------------------------------- real data


@pytest.mark.realdata
def test_real_archive(kit):
    for path in kit.realdata_files("x-archive-legacy"):
        text = path.read_text(encoding="utf-8")
        value = json.loads(text[text.index("["):])
        tweets = [v.get("tweet", v) for v in value]
        ids = {t["id_str"] for t in tweets}
        rt_ids = {t["id_str"] for t in tweets if re.match(r"RT @\w+:", t["full_text"])}
        reply_ids = {t["id_str"] for t in tweets
                     if t.get("in_reply_to_status_id_str") or t.get("in_reply_to_user_id_str")} - rt_ids

        source = Source.from_arg(path)
        assert x_archive.sniff(source.head()) is True
        items = kit.sort_items(x_archive.read(source))
        assert not items.rejected
        rows = items.rows()
        assert len(items.posts) == len(ids) and set(rows) == ids
        assert {i for i, r in rows.items() if r["kind"] == "retweet"} == rt_ids
        assert {i for i, r in rows.items() if r["kind"] == "reply"} == reply_ids
        for t in tweets:
            assert rows[t["id_str"]]["like_count"] == int(t["favorite_count"])
            assert rows[t["id_str"]]["repost_count"] == int(t["retweet_count"])
