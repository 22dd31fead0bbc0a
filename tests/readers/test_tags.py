"""TAGS Archive sheet CSV reader: NA, retweets from text, entities_str, line numbers, encodings."""

from __future__ import annotations

import csv
import gzip
import io
import json

import orjson
import pytest

from swchat.errors import InputFormatError
from swchat.readers import detect, tags, xv1
from swchat.readers.base import Source
from swchat.readers.tags import COLUMNS

SOURCE = '<a href="https://mobile.twitter.com" rel="nofollow">Twitter Web App</a>'


def tags_row(tid: str, handle: str, uid: str, text: str, when: str, *, entities: dict | None = None,
             reply: tuple[str, str, str] | None = None, followers: str = "120", friends: str = "NA",
             location: str = "NA") -> list[str]:
    """One TAGS Archive row (TAGS writes NA for every missing value)."""
    values = {
        "id_str": tid, "from_user": handle, "text": text, "created_at": when,
        # TAGS's "time" is the sheet's local time mislabelled as UTC: an hour off here
        "time": "2025-09-02T20:00:00Z", "geo_coordinates": "NA", "user_lang": "NA",
        "in_reply_to_user_id_str": reply[1] if reply else "NA",
        "in_reply_to_screen_name": reply[2] if reply else "NA",
        "from_user_id_str": uid, "in_reply_to_status_id_str": reply[0] if reply else "NA",
        "source": SOURCE, "profile_image_url": "http://pbs.twimg.com/profile_images/1/a_normal.jpg",
        "user_followers_count": followers, "user_friends_count": friends, "user_location": location,
        "status_url": f"http://twitter.com/{handle}/statuses/{tid}",
        "entities_str": json.dumps(entities, separators=(",", ":")) if entities is not None else "NA",
    }
    return [values[c] for c in COLUMNS]


def ents(hashtags=(), mentions=(), urls=(), media=()) -> dict:
    out = {"hashtags": [{"text": h, "indices": [0, 1]} for h in hashtags], "symbols": [],
           "user_mentions": [{"screen_name": m, "name": m, "id": 1.2e18, "id_str": "7", "indices": [0, 1]}
                             for m in mentions],
           "urls": [{"url": "https://t.co/x", "expanded_url": u, "display_url": u[8:30],
                     "indices": [0, 1]} for u in urls]}
    if media:
        out["media"] = [{"url": "https://t.co/m", "expanded_url": m, "type": "photo"} for m in media]
    return out


Q1 = tags_row("700", "SWChatHost", "1", "Q1: What keeps you in social work? #SWChat &amp; https://t.co/x",
              "Tue Sep 02 19:00:00 +0000 2025", followers="2500", friends="300", location="Leeds, UK",
              entities=ents(["SWChat"], urls=["https://example.org/q1"],
                            media=["https://twitter.com/SWChatHost/status/700/photo/1"]))
REPLY = tags_row("701", "ann_sw", "2", "@SWChatHost A1: the people,\nevery day #SWChat",
                 "Tue Sep 02 19:02:00 +0000 2025", reply=("700", "1", "SWChatHost"),
                 entities=ents(["SWChat"], ["SWChatHost"]))
RETWEET = tags_row("702", "bob_sw", "3", "RT @SWChatHost: Q1: What keeps you in social work? #SWChat &amp; https://t.c…",
                   "Tue Sep 02 19:03:00 +0000 2025", entities=ents(["SWChat"], ["SWChatHost"]))
ROWS = [Q1, REPLY, RETWEET]


def sheet(rows, **kwargs) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator=kwargs.get("newline", "\n")).writerows([list(COLUMNS), *rows])
    return (b"\xef\xbb\xbf" if kwargs.get("bom") else b"") + out.getvalue().encode(kwargs.get("encoding", "utf-8"))


def test_rows_kinds_and_accounts(kit):
    items = kit.read_with(tags, sheet(ROWS), name="archive.csv")
    assert items.kinds() == {"original": 1, "reply": 1, "retweet": 1}
    assert items.context == [] and items.rejected == [] and items.notes == []
    assert [a.row for a in items.accounts] == [
        {"platform": "x", "account_id": "1", "handle": "SWChatHost", "name": None, "description": None,
         "followers": 2500, "following": 300, "location": "Leeds, UK", "created_at": None,
         "snapshot_at": "2025-09-02T19:00:00.000Z"},
        {"platform": "x", "account_id": "2", "handle": "ann_sw", "name": None, "description": None,
         "followers": 120, "following": None, "location": None, "created_at": None,
         "snapshot_at": "2025-09-02T19:02:00.000Z"},
        {"platform": "x", "account_id": "3", "handle": "bob_sw", "name": None, "description": None,
         "followers": 120, "following": None, "location": None, "created_at": None,
         "snapshot_at": "2025-09-02T19:03:00.000Z"},
    ]


def test_original_row_is_exact(kit):
    post = kit.read_with(tags, sheet([Q1])).posts[0]
    assert post.row == {
        "platform": "x", "post_id": "700", "url": "https://twitter.com/SWChatHost/status/700",
        "created_at": "2025-09-02T19:00:00.000Z",  # from created_at, not from "time"
        "author_id": "1", "author_handle": "SWChatHost", "author_name": None,
        "text": "Q1: What keeps you in social work? #SWChat & https://t.co/x", "kind": "original",
        "is_quote": False, "reply_to_post_id": None, "reply_to_author_id": None,
        "reply_to_handle": None, "quoted_post_id": None, "retweeted_post_id": None,
        "conversation_id": None, "hashtags": ["SWChat"], "mentions": [],
        "urls": ["https://example.org/q1"],  # expanded; the photo link left out
        "lang": None, "source_app": "Twitter Web App", "like_count": None, "repost_count": None,
        "reply_count": None, "quote_count": None, "collected_at": None, "is_context": False,
        "origin": None,
    }
    assert orjson.loads(post.raw) == dict(zip(COLUMNS, Q1, strict=True))
    assert post.line == 2


def test_reply_and_retweet(kit):
    rows = kit.read_with(tags, sheet(ROWS)).rows()
    reply = rows["701"]
    assert (reply["kind"], reply["reply_to_post_id"], reply["reply_to_author_id"], reply["reply_to_handle"]) == (
        "reply", "700", "1", "SWChatHost")
    assert reply["text"] == "@SWChatHost A1: the people,\nevery day #SWChat"
    assert reply["mentions"] == ["SWChatHost"]
    rt = rows["702"]
    assert rt["kind"] == "retweet"
    assert rt["retweeted_post_id"] is None
    assert rt["text"] == "RT @SWChatHost: Q1: What keeps you in social work? #SWChat & https://t.c…"
    assert (rt["mentions"], rt["hashtags"]) == (["SWChatHost"], ["SWChat"])


def test_retweet_without_entities_still_names_the_retweeted(kit):
    row = tags_row("703", "cat_sw", "4", "RT @ann_sw: A1: the people", "Tue Sep 02 19:04:00 +0000 2025")
    post = kit.read_with(tags, sheet([row])).posts[0].row
    assert (post["kind"], post["mentions"], post["hashtags"]) == ("retweet", ["ann_sw"], [])


def test_manual_retweet_in_another_letter_case(kit):
    row = tags_row("704", "cat_sw", "4", "RT @swchathost: Q1 is up", "Tue Sep 02 19:04:00 +0000 2025",
                   entities=ents(mentions=["SWChatHost"]))
    assert kit.read_with(tags, sheet([row])).posts[0].row["mentions"] == ["SWChatHost"]


def test_the_same_tweet_gives_the_same_row_as_the_api(kit):
    """A reply read from the TAGS sheet and from the v1.1 API agree on every column TAGS has."""
    api = {"created_at": "Tue Sep 02 19:02:00 +0000 2025", "id_str": "701",
           "full_text": "@SWChatHost A1: the people,\nevery day #SWChat", "source": SOURCE,
           "in_reply_to_status_id_str": "700", "in_reply_to_user_id_str": "1",
           "in_reply_to_screen_name": "SWChatHost", "entities": ents(["SWChat"], ["SWChatHost"]),
           "user": {"id_str": "2", "screen_name": "ann_sw", "name": "Ann"}, "lang": "en",
           "favorite_count": 1, "retweet_count": 0}
    from_api = xv1.v1_post(api)
    from_tags = kit.read_with(tags, sheet([REPLY])).posts[0].row
    differing = {k for k in from_api if from_api[k] != from_tags[k]}
    assert differing == {"author_name", "lang", "like_count", "repost_count"}  # not in a TAGS sheet


def test_bom_crlf_multiline_and_line_numbers(kit):
    bad_date = tags_row("710", "dan_sw", "5", "hello", "yesterday")
    bad_id = tags_row("1.25195E+18", "eve_sw", "6", "hi", "Tue Sep 02 19:05:00 +0000 2025")
    no_author = tags_row("711", "fay_sw", "NA", "hi", "Tue Sep 02 19:05:00 +0000 2025")
    short = ["712", "gus_sw", "too few fields"]
    rows = [Q1, REPLY, bad_date, RETWEET, bad_id, short, no_author]
    data = sheet(rows, newline="\r\n", bom=True)
    items = kit.read_with(tags, data, name="Archive.csv")
    # line 1 header, 2 Q1, 3-4 the reply (its text spans two lines), 5 bad date, 6 retweet, ...
    assert [(p.row["post_id"], p.line) for p in items.posts] == [("700", 2), ("701", 3), ("702", 6)]
    assert [(r.line, r.reason) for r in items.rejected] == [
        (5, "created_at is not a time: 'yesterday'"),
        (7, "id_str is not a tweet id: '1.25195E+18' (a spreadsheet turned it into a number)"),
        (8, "expected 18 fields, found 3"),
        (9, "post has no author_id"),
    ]
    assert items.rejected[2].raw == "712,gus_sw,too few fields"
    assert items.posts[1].row["text"] == "@SWChatHost A1: the people,\nevery day #SWChat"


def test_crlf_inside_a_text_becomes_a_newline(kit):
    row = tags_row("730", "hal_sw", "9", "line one\r\nline two", "Tue Sep 02 19:00:00 +0000 2025")
    assert kit.read_with(tags, sheet([row], newline="\r\n")).posts[0].row["text"] == "line one\nline two"


def test_gzip_and_windows_1252(kit):
    assert kit.read_with(tags, gzip.compress(sheet(ROWS))).rows() == kit.read_with(tags, sheet(ROWS)).rows()
    accented = tags_row("720", "zoe_sw", "8", "Café chat tonight #SWChat", "Tue Sep 02 19:00:00 +0000 2025",
                        location="Besançon", entities=ents(["SWChat"]))
    items = kit.read_with(tags, sheet([accented], encoding="cp1252"))
    assert items.posts[0].row["text"] == "Café chat tonight #SWChat"
    assert items.accounts[0].row["location"] == "Besançon"


def test_columns_found_by_name(kit):
    order = list(reversed(COLUMNS))
    rows = [order] + [[dict(zip(COLUMNS, r, strict=True))[c] for c in order] for r in ROWS]
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    assert kit.read_with(tags, out.getvalue().encode()).rows() == kit.read_with(tags, sheet(ROWS)).rows()


def test_missing_required_column_is_a_format_error():
    data = b"id_str,from_user,text,entities_str\n1,ann,hi,NA\n"
    assert tags.sniff(Source.from_bytes(data).head()) is True
    with pytest.raises(InputFormatError, match="no created_at, from_user_id_str column"):
        list(tags.read(Source.from_bytes(data, name="t.csv")))


def test_sniff():
    assert tags.sniff(Source.from_bytes(sheet([])).head()) is True
    assert tags.sniff(Source.from_bytes(sheet([], bom=True, newline="\r\n")).head()) is True
    assert tags.sniff(Source.from_bytes(b"id,author.username,text\n").head()) is None
    assert tags.sniff(Source.from_bytes(b'{"id_str": "1", "entities_str": 1}').head()) is None
    assert detect(Source.from_bytes(sheet(ROWS), name="a.csv")).name == "tags-csv"


# --------------------------------------------------------------------------- real data


@pytest.mark.realdata
def test_real_tags_sheet(kit):
    for path in kit.realdata_files("tags-sheet"):
        with path.open(newline="", encoding="utf-8-sig") as handle:
            records = list(csv.DictReader(handle))
        ids = {r["id_str"] for r in records}
        rt_ids = {r["id_str"] for r in records if r["text"].startswith("RT @")}
        assert rt_ids  # the sample has retweets: they must be detected

        source = Source.from_arg(path)
        assert tags.sniff(source.head()) is True
        items = kit.sort_items(tags.read(source))
        assert not items.rejected
        rows = items.rows()
        assert len(items.posts) == len(ids) and set(rows) == ids
        assert {i for i, r in rows.items() if r["kind"] == "retweet"} == rt_ids
        for record in records:
            row = rows[record["id_str"]]
            assert row["author_handle"] == record["from_user"]
            assert row["author_id"] == record["from_user_id_str"]
            if record["id_str"] in rt_ids:
                handle = record["text"][4:].split(":", 1)[0]
                assert row["mentions"][0] == handle
        assert len(items.accounts) == len(records)
