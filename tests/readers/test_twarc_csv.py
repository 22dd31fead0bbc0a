"""twarc-csv reader, on CSVs generated here the way ``twarc2 csv`` writes them (no copied data)."""

from __future__ import annotations

import csv
import gzip
import io
import json
from typing import Any

import orjson
import pytest

from swchat.errors import InputFormatError
from swchat.readers import detect, twarc_csv
from swchat.readers.base import Source

# The tweet columns of twarc-csv's DataFrameConverter (DEFAULT_TWEET_COLUMNS, DocNow/twarc-csv).
COLUMNS = [
    "id", "conversation_id", "referenced_tweets.replied_to.id",
    "referenced_tweets.retweeted.id", "referenced_tweets.quoted.id", "edit_history_tweet_ids",
    "edit_controls.edits_remaining", "edit_controls.editable_until",
    "edit_controls.is_edit_eligible", "author_id", "in_reply_to_user_id", "retweeted_user_id",
    "quoted_user_id", "created_at", "text", "lang", "source", "public_metrics.like_count",
    "public_metrics.quote_count", "public_metrics.reply_count", "public_metrics.retweet_count",
    "reply_settings", "possibly_sensitive", "withheld.scope", "withheld.copyright",
    "withheld.country_codes", "entities.annotations", "entities.cashtags", "entities.hashtags",
    "entities.mentions", "entities.urls", "context_annotations", "attachments.media",
    "attachments.media_keys", "attachments.poll.duration_minutes",
    "attachments.poll.end_datetime", "attachments.poll.id", "attachments.poll.options",
    "attachments.poll.voting_status", "attachments.poll_ids", "author.id", "author.created_at",
    "author.username", "author.name", "author.description",
    "author.entities.description.cashtags", "author.entities.description.hashtags",
    "author.entities.description.mentions", "author.entities.description.urls",
    "author.entities.url.urls", "author.location", "author.pinned_tweet_id",
    "author.profile_image_url", "author.protected", "author.public_metrics.followers_count",
    "author.public_metrics.following_count", "author.public_metrics.listed_count",
    "author.public_metrics.tweet_count", "author.url", "author.verified",
    "author.withheld.scope", "author.withheld.copyright", "author.withheld.country_codes",
    "geo.coordinates.coordinates", "geo.coordinates.type", "geo.country", "geo.country_code",
    "geo.full_name", "geo.geo.bbox", "geo.geo.type", "geo.id", "geo.name", "geo.place_id",
    "geo.place_type", "matching_rules", "__twarc.retrieved_at", "__twarc.url", "__twarc.version",
]
# Later versions add the handles of the referenced accounts.
COLUMNS_WITH_HANDLES = [*COLUMNS, "in_reply_to_username", "retweeted_username", "quoted_username"]
# twarc-csv 0.3: sorted columns, a referenced_tweets list, in_reply_to_user.*, and "type" on
# referenced tweets inlined as rows.
EARLY_COLUMNS = sorted({c for c in COLUMNS if not c.startswith("referenced_tweets.")} | {
    "referenced_tweets", "type", "in_reply_to_user.id", "in_reply_to_user.username",
    "in_reply_to_user.name", "in_reply_to_user.public_metrics.followers_count"})

RETRIEVED = "2025-09-03T08:00:00+00:00"
HOST = {"id": "1", "username": "SWChatHost", "name": "SWChat Host", "description": "Weekly chat\nfor social workers",
        "location": "UK", "created_at": "2012-01-02T10:00:00.000Z", "followers": 2500, "following": 300}
ANN = {"id": "2", "username": "ann_sw", "name": "Ann", "description": "", "location": "",
       "created_at": "2015-05-05T05:05:05.000Z", "followers": 120, "following": 80}
BOB = {"id": "3", "username": "bob_sw", "name": "Bob", "description": "", "location": "Leeds",
       "created_at": "2016-06-06T06:06:06.000Z", "followers": 50, "following": 60}


def hashtag(tag: str, start: int = 0) -> dict:
    return {"start": start, "end": start + len(tag) + 1, "tag": tag}


def mention(user: dict, start: int = 0) -> dict:
    return {"start": start, "end": start + len(user["username"]) + 1, "username": user["username"], "id": user["id"]}


def tweet(tid: str, text: str, author: dict, when: str, *, conversation: str | None = None,
          refs: dict[str, str] | None = None, hashtags=(), mentions=(), urls=(),
          metrics=(0, 0, 0, 0), **extra) -> dict[str, Any]:
    """A flattened tweet as twarc-csv's DataFrame has it, before writing (Python values)."""
    refs = refs or {}
    values: dict[str, Any] = {
        "id": tid, "conversation_id": conversation or tid, "author_id": author["id"], "created_at": when,
        "text": text, "lang": "en", "source": "Twitter Web App", "reply_settings": "everyone",
        "possibly_sensitive": False, "edit_history_tweet_ids": [tid],
        "public_metrics.like_count": metrics[0], "public_metrics.retweet_count": metrics[1],
        "public_metrics.reply_count": metrics[2], "public_metrics.quote_count": metrics[3],
        "entities.hashtags": list(hashtags) or None, "entities.mentions": list(mentions) or None,
        "entities.urls": list(urls) or None,
        "author.id": author["id"], "author.username": author["username"], "author.name": author["name"],
        "author.description": author["description"], "author.location": author["location"],
        "author.created_at": author["created_at"], "author.protected": False, "author.verified": False,
        "author.public_metrics.followers_count": author["followers"],
        "author.public_metrics.following_count": author["following"],
        "author.public_metrics.listed_count": 1, "author.public_metrics.tweet_count": 1000,
        "__twarc.retrieved_at": RETRIEVED, "__twarc.url": "https://api.twitter.com/2/tweets/search/recent",
        "__twarc.version": "2.12.0",
    }
    for kind, ref in refs.items():
        values[f"referenced_tweets.{kind}.id"] = ref
    values.update(extra)
    return values


def cell(value: Any) -> str:
    """A value as twarc-csv writes it: lists as JSON, newlines escaped, missing as empty."""
    if value is None:
        return ""
    if isinstance(value, list | dict):
        return json.dumps(value)
    if isinstance(value, str):
        return value.replace("\r", "").replace("\n", "\\n")
    return str(value)


def to_csv(tweets: list, columns: list[str] = COLUMNS, *, newline: str = "\n",
           encode=cell) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=newline)
    writer.writerow(columns)
    for values in tweets:
        if isinstance(values, list):  # a row written as it is
            writer.writerow(values)
        else:
            writer.writerow([encode(values.get(c)) for c in columns])
    return out.getvalue().encode()


Q1_TEXT = "Q1: What helps you switch off after a hard visit?\nTell us #SWChat &amp; https://t.co/a https://t.co/p"
Q1 = tweet("800", Q1_TEXT, HOST, "2025-09-02T19:00:00.000Z", metrics=(9, 4, 2, 1),
           hashtags=[hashtag("SWChat", 60)],
           urls=[{"start": 77, "end": 100, "url": "https://t.co/a", "expanded_url": "https://example.org/g",
                  "unwound_url": "https://example.org/g-full", "display_url": "example.org/g"},
                 {"start": 101, "end": 124, "url": "https://t.co/p", "media_key": "3_1",
                  "expanded_url": "https://twitter.com/SWChatHost/status/800/photo/1",
                  "display_url": "pic.twitter.com/p"}])
REPLY = tweet("801", "@SWChatHost A1: a walk with the dog, phone off #SWChat", ANN, "2025-09-02T19:03:00.000Z",
              conversation="800", refs={"replied_to": "800"}, in_reply_to_user_id="1",
              hashtags=[hashtag("SWChat", 47)], mentions=[mention(HOST)], metrics=(3, 0, 1, 0))
# a merged retweet (twarc-csv's default): the original's text, entities and metrics
RETWEET = tweet("802", Q1_TEXT, BOB, "2025-09-02T19:04:00.000Z", refs={"retweeted": "800"},
                retweeted_user_id="1", hashtags=Q1["entities.hashtags"], urls=Q1["entities.urls"],
                metrics=(9, 4, 2, 1))
QUOTE = tweet("803", "So true, @ann_sw #SWChat https://t.co/q", BOB, "2025-09-02T19:05:00.000Z",
              refs={"quoted": "801"}, quoted_user_id="2", mentions=[mention(ANN, 9)],
              hashtags=[hashtag("SWChat", 17)],
              urls=[{"start": 25, "end": 48, "url": "https://t.co/q",
                     "expanded_url": "https://twitter.com/ann_sw/status/801"}])
REPLY_QUOTING = tweet("804", "@bob_sw and Q1 again #SWChat", ANN, "2025-09-02T19:06:00.000Z",
                      conversation="800", refs={"replied_to": "803", "quoted": "800"},
                      in_reply_to_user_id="3", mentions=[mention(BOB)], hashtags=[hashtag("SWChat", 21)])
CHAT = [Q1, REPLY, RETWEET, QUOTE, REPLY_QUOTING]
Q1_PLAIN = "Q1: What helps you switch off after a hard visit?\nTell us #SWChat & https://t.co/a https://t.co/p"


def test_generated_header_is_the_plugin_s():
    assert len(COLUMNS) == len(set(COLUMNS)) == 78


def test_chat_rows(kit):
    items = kit.read_with(twarc_csv, to_csv(CHAT), name="chat.csv")
    assert items.kinds() == {"original": 1, "reply": 2, "retweet": 1, "quote": 1}
    assert items.context == [] and items.rejected == [] and items.notes == []
    assert [p.line for p in items.posts] == [2, 3, 4, 5, 6]
    rows = items.rows()
    q1 = rows["800"]
    assert q1["text"] == Q1_PLAIN  # \n restored, &amp; unescaped
    assert (q1["hashtags"], q1["urls"]) == (["SWChat"], ["https://example.org/g-full"])  # media left out
    assert (q1["like_count"], q1["repost_count"], q1["reply_count"], q1["quote_count"]) == (9, 4, 2, 1)
    assert (q1["conversation_id"], q1["collected_at"]) == ("800", "2025-09-03T08:00:00.000Z")
    reply = rows["801"]
    assert (reply["kind"], reply["reply_to_post_id"], reply["reply_to_author_id"], reply["reply_to_handle"]) == (
        "reply", "800", "1", "SWChatHost")  # the handle from the mention carrying that id
    assert (reply["mentions"], reply["conversation_id"]) == (["SWChatHost"], "800")
    quote = rows["803"]
    assert (quote["kind"], quote["is_quote"], quote["quoted_post_id"]) == ("quote", True, "801")
    assert quote["urls"] == ["https://twitter.com/ann_sw/status/801"]
    both = rows["804"]
    assert (both["kind"], both["is_quote"], both["quoted_post_id"], both["reply_to_post_id"]) == (
        "reply", True, "800", "803")
    assert both["reply_to_handle"] == "bob_sw"


def test_reply_row_is_exact(kit):
    post = kit.read_with(twarc_csv, to_csv([REPLY])).posts[0]
    assert post.row == {
        "platform": "x", "post_id": "801", "url": "https://twitter.com/ann_sw/status/801",
        "created_at": "2025-09-02T19:03:00.000Z", "author_id": "2", "author_handle": "ann_sw",
        "author_name": "Ann", "text": "@SWChatHost A1: a walk with the dog, phone off #SWChat",
        "kind": "reply", "is_quote": False, "reply_to_post_id": "800", "reply_to_author_id": "1",
        "reply_to_handle": "SWChatHost", "quoted_post_id": None, "retweeted_post_id": None,
        "conversation_id": "800", "hashtags": ["SWChat"], "mentions": ["SWChatHost"], "urls": [],
        "lang": "en", "source_app": "Twitter Web App", "like_count": 3, "repost_count": 0,
        "reply_count": 1, "quote_count": 0, "collected_at": "2025-09-03T08:00:00.000Z",
        "is_context": False, "origin": None,
    }
    raw = orjson.loads(post.raw)
    assert list(raw) == COLUMNS and raw["id"] == "801"


def test_accounts(kit):
    items = kit.read_with(twarc_csv, to_csv([Q1, REPLY]))
    assert [a.row for a in items.accounts] == [
        {"platform": "x", "account_id": "1", "handle": "SWChatHost", "name": "SWChat Host",
         "description": "Weekly chat\nfor social workers", "followers": 2500, "following": 300,
         "location": "UK", "created_at": "2012-01-02T10:00:00.000Z", "snapshot_at": "2025-09-03T08:00:00.000Z"},
        {"platform": "x", "account_id": "2", "handle": "ann_sw", "name": "Ann", "description": None,
         "followers": 120, "following": 80, "location": None, "created_at": "2015-05-05T05:05:05.000Z",
         "snapshot_at": "2025-09-03T08:00:00.000Z"},
    ]


def test_merged_retweet_gets_the_handle_seen_earlier(kit):
    rt = kit.read_with(twarc_csv, to_csv(CHAT)).rows()["802"]
    assert rt["kind"] == "retweet" and rt["retweeted_post_id"] == "800"
    assert rt["text"] == "RT @SWChatHost: " + Q1_PLAIN
    assert (rt["hashtags"], rt["urls"], rt["mentions"]) == (
        ["SWChat"], ["https://example.org/g-full"], ["SWChatHost"])
    # the merged metrics are the original's: a retweet has no likes, replies or quotes of its own
    assert (rt["like_count"], rt["repost_count"], rt["reply_count"], rt["quote_count"]) == (0, 4, 0, 0)
    assert (rt["is_quote"], rt["quoted_post_id"]) == (False, None)


def test_merged_retweet_with_retweeted_username_column(kit):
    rt = dict(RETWEET, retweeted_username="SWChatHost")
    row = kit.read_with(twarc_csv, to_csv([rt], COLUMNS_WITH_HANDLES)).posts[0].row
    assert row["text"] == "RT @SWChatHost: " + Q1_PLAIN
    assert row["mentions"] == ["SWChatHost"]


def test_merged_retweet_of_an_unknown_account_keeps_the_text(kit):
    row = kit.read_with(twarc_csv, to_csv([RETWEET])).posts[0].row
    assert (row["kind"], row["text"], row["mentions"]) == ("retweet", Q1_PLAIN, [])


def test_unmerged_retweet_keeps_its_rt_text(kit):
    rt = dict(RETWEET, text="RT @SWChatHost: Q1: What helps you switch off after a hard…",
              **{"entities.mentions": [mention(HOST, 3)], "entities.hashtags": None, "entities.urls": None,
                 "public_metrics.like_count": 0, "public_metrics.reply_count": 0,
                 "public_metrics.quote_count": 0})
    row = kit.read_with(twarc_csv, to_csv([rt])).posts[0].row
    assert row["text"] == "RT @SWChatHost: Q1: What helps you switch off after a hard…"
    assert (row["mentions"], row["hashtags"], row["retweeted_post_id"]) == (["SWChatHost"], [], "800")


def test_processed_python_and_json_encoded_variants(kit):
    expected = kit.read_with(twarc_csv, to_csv(CHAT)).rows()

    def processed(values: dict) -> dict:
        out = dict(values)
        out["entities.hashtags"] = ["#" + h["tag"] for h in values["entities.hashtags"] or ()] or None
        out["entities.mentions"] = ["@" + m["username"] for m in values["entities.mentions"] or ()] or None
        out["entities.urls"] = [u["display_url"] if "media_key" in u else u.get("unwound_url") or u["expanded_url"]
                                for u in values["entities.urls"] or ()] or None
        return out

    rows = kit.read_with(twarc_csv, to_csv([processed(t) for t in CHAT])).rows()
    assert rows == expected

    def python_lists(value):  # --no-json-encode-lists: pandas writes the Python repr
        return repr(value) if isinstance(value, list) else cell(value)

    assert kit.read_with(twarc_csv, to_csv(CHAT, encode=python_lists)).rows() == expected

    def json_all(value):  # --json-encode-all: every value JSON-encoded, newlines kept inside JSON
        return "" if value is None else json.dumps(value)

    assert kit.read_with(twarc_csv, to_csv(CHAT, encode=json_all)).rows() == expected


def test_counts_written_as_floats(kit):
    q1 = dict(Q1, **{"public_metrics.like_count": 9.0, "author.public_metrics.followers_count": 2500.0})
    items = kit.read_with(twarc_csv, to_csv([q1]))
    assert items.posts[0].row["like_count"] == 9
    assert items.accounts[0].row["followers"] == 2500


def test_early_version_with_inlined_referenced_tweets(kit):
    def early(values: dict, refs: list[dict] | None = None, **extra) -> dict:
        out = {k: v for k, v in values.items() if not k.startswith("referenced_tweets.")}
        out["referenced_tweets"] = refs
        out.update(extra)
        return out

    rows = [
        early(Q1, type="retweeted"),  # the referenced tweet, inlined before the retweet
        early(dict(RETWEET, text="RT @SWChatHost: Q1: What helps you switch off after a hard…",
                   **{"entities.mentions": [mention(HOST, 3)]}), [{"type": "retweeted", "id": "800"}]),
        early(REPLY, [{"type": "replied_to", "id": "800"}], **{
            "in_reply_to_user.id": "1", "in_reply_to_user.username": "SWChatHost",
            "in_reply_to_user.name": "SWChat Host", "in_reply_to_user.public_metrics.followers_count": 2501}),
    ]
    items = kit.read_with(twarc_csv, to_csv(rows, EARLY_COLUMNS))
    assert [(p.row["post_id"], p.row["kind"]) for p in items.context] == [("800", "original")]
    own = items.rows()
    assert (own["802"]["kind"], own["802"]["retweeted_post_id"]) == ("retweet", "800")
    assert (own["801"]["kind"], own["801"]["reply_to_post_id"], own["801"]["reply_to_handle"]) == (
        "reply", "800", "SWChatHost")
    replied_to = [a.row for a in items.accounts if a.row["account_id"] == "1"]
    assert [a["followers"] for a in replied_to] == [2500, 2501]  # the author row, then in_reply_to_user


def test_bad_rows_are_rejected_with_their_line(kit):
    bad_id = dict(REPLY, id="8.01E+17")
    bad_time = dict(QUOTE, created_at="last Tuesday")
    bad_list = dict(REPLY_QUOTING, **{"entities.hashtags": "[{broken"})
    short = ["801", "too", "few", "fields"]

    def real_newlines(value):  # a CSV saved again by another tool: newlines inside quoted fields
        return value if isinstance(value, str) else cell(value)

    data = to_csv([Q1, bad_id, short, RETWEET, bad_time, bad_list], encode=real_newlines)
    items = kit.read_with(twarc_csv, data)
    # line 1 header; 2-4 Q1 (its text and its author's bio span lines); 5 bad id; 6 too few;
    # 7-8 the retweet; 9 bad time; 10 bad list
    assert [(p.row["post_id"], p.line) for p in items.posts] == [("800", 2), ("802", 7)]
    assert items.posts[0].row["text"] == Q1_PLAIN
    assert [(r.line, r.reason) for r in items.rejected] == [
        (5, "id is not an X id: '8.01E+17'"),
        (6, f"expected {len(COLUMNS)} fields, found 4"),
        (9, "created_at is not a time: 'last Tuesday'"),
        (10, "not a list: '[{broken'"),
    ]
    assert items.rejected[1].raw == "801,too,few,fields"


def test_bom_crlf_and_gzip(kit):
    expected = kit.read_with(twarc_csv, to_csv(CHAT)).rows()
    assert kit.read_with(twarc_csv, b"\xef\xbb\xbf" + to_csv(CHAT, newline="\r\n")).rows() == expected
    assert kit.read_with(twarc_csv, gzip.compress(to_csv(CHAT))).rows() == expected


def test_sniff_refusals_and_detect():
    def sniff(data: bytes):
        return twarc_csv.sniff(Source.from_bytes(data).head())

    assert sniff(to_csv([])) is True
    assert sniff(to_csv([], EARLY_COLUMNS)) is True
    users = b"id,created_at,username,name,public_metrics.followers_count,__twarc.retrieved_at\n"
    assert sniff(users).startswith("holds X user profiles")
    assert sniff(b"start,end,tweet_count,__twarc.retrieved_at\n").startswith("holds tweet counts")
    assert sniff(b"id,action,created_at,redacted_at,reason\n").startswith("holds compliance results")
    assert sniff(b"id,owner_id,created_at,name,member_count\n") == "holds X lists, not posts"
    assert sniff(b"id_str,from_user,text,entities_str\n") is None
    assert sniff(b'{"id": "1"}') is None
    assert detect(Source.from_bytes(to_csv(CHAT), name="t.csv")).name == "twarc-csv"
    with pytest.raises(InputFormatError, match=r"users\.csv: holds X user profiles"):
        detect(Source.from_bytes(users, name="users.csv"))
    with pytest.raises(InputFormatError, match="no created_at, text column"):
        list(twarc_csv.read(Source.from_bytes(b"id,author.username\n1,ann\n", name="x.csv")))


def test_agrees_with_the_v2_reader(kit):
    """The same tweets read from twarc2's flattened JSON (x-v2) and from twarc-csv agree."""
    xv2 = pytest.importorskip("swchat.readers.xv2")

    def flattened(values: dict, author: dict, refs: list[dict]) -> dict:
        tweet = {"id": values["id"], "text": values["text"], "author_id": author["id"],
                 "created_at": values["created_at"], "conversation_id": values["conversation_id"],
                 "lang": "en", "source": "Twitter Web App",
                 "author": {"id": author["id"], "username": author["username"], "name": author["name"]},
                 "public_metrics": {"like_count": values["public_metrics.like_count"],
                                    "retweet_count": values["public_metrics.retweet_count"],
                                    "reply_count": values["public_metrics.reply_count"],
                                    "quote_count": values["public_metrics.quote_count"]},
                 "entities": {k: values[f"entities.{k}"] for k in ("hashtags", "mentions", "urls")
                              if values[f"entities.{k}"]},
                 "__twarc": {"retrieved_at": RETRIEVED}}
        if values.get("in_reply_to_user_id"):
            tweet["in_reply_to_user_id"] = values["in_reply_to_user_id"]
            tweet["in_reply_to_user"] = {"id": HOST["id"], "username": HOST["username"], "name": HOST["name"]}
        if refs:
            tweet["referenced_tweets"] = refs
        return tweet

    q1 = flattened(Q1, HOST, [])
    reply = flattened(REPLY, ANN, [{"type": "replied_to", "id": "800", **{k: v for k, v in q1.items()
                                                                          if k != "__twarc"}}])
    v2_rows = kit.sort_items(xv2.read(Source.from_bytes(orjson.dumps(q1) + b"\n" + orjson.dumps(reply)))).rows()
    csv_rows = kit.read_with(twarc_csv, to_csv([Q1, REPLY])).rows()
    assert csv_rows == v2_rows


# twarc-csv has no real export under ../shared/realdata: the generated files above stand in.


def _variants() -> dict[str, bytes]:
    """twarc-csv files of every shape above: current and early columns, JSON and Python lists,
    every value JSON-encoded, processed entities, bad rows, odd values the lean path must hand on."""
    def json_all(value):
        return "" if value is None else json.dumps(value)

    def python_lists(value):
        return repr(value) if isinstance(value, list) else cell(value)

    early = [{**{k: v for k, v in t.items() if not k.startswith("referenced_tweets.")},
              "referenced_tweets": [{"type": k, "id": v} for k, v in (("replied_to", t.get(
                  "referenced_tweets.replied_to.id")),) if v] or None} for t in CHAT]
    odd = [dict(Q1, id="900", **{"public_metrics.like_count": "7.0"}), dict(REPLY, id="901", lang=""),
           dict(QUOTE, id="902", conversation_id="12.0"), dict(REPLY, id="903", created_at="2025-09-02T21:00:00+02:00"),
           dict(RETWEET, id="904", **{"author.id": "", "author_id": "8.01E+17"}),
           dict(QUOTE, id="905", **{"author.public_metrics.followers_count": "many"})]
    return {
        "current": to_csv(CHAT * 3),  # authors repeat row after row
        "handles": to_csv([dict(t, retweeted_username="SWChatHost") for t in CHAT], COLUMNS_WITH_HANDLES),
        "early": to_csv(early, EARLY_COLUMNS),
        "json-all": to_csv(CHAT, encode=json_all),
        "python-lists": to_csv(CHAT, encode=python_lists),
        "odd": to_csv([*CHAT, *odd, ["1", "short"]]),
        # a language as a number (the canonical validation refuses it), an id not JSON-encoded
        "odd-json": to_csv([dict(Q1, lang=5), dict(REPLY, id=801), dict(QUOTE)], encode=json_all),
    }


@pytest.mark.parametrize("variant", list(_variants()))
def test_lean_reader_yields_the_canonical_items(variant):
    """read_lean (the import's path, issue 14) yields what read yields, the usual post as a tuple."""
    from swchat.readers.base import PostValues
    from swchat.schema import POST_COLUMNS

    data = _variants()[variant]

    def plain(item):
        if isinstance(item, PostValues):
            return ("post", dict(zip(POST_COLUMNS, item.values, strict=True)), item.raw, item.line, item.context)
        if hasattr(item, "context"):
            return ("post", item.row, item.raw, item.line, item.context)
        return (type(item).__name__, getattr(item, "row", None), getattr(item, "line", None),
                getattr(item, "reason", None))

    lean = list(twarc_csv.read_lean(Source.from_bytes(data)))
    assert [plain(i) for i in lean] == [plain(i) for i in twarc_csv.read(Source.from_bytes(data))]
    assert twarc_csv.FORMAT.lean is twarc_csv.read_lean
    if variant == "current":
        assert all(isinstance(i, PostValues) for i in lean if hasattr(i, "context"))
        # each author once: a row repeating an account's columns says nothing new
        assert [i.row["handle"] for i in lean if not hasattr(i, "context")] == ["SWChatHost", "ann_sw", "bob_sw"]
    if variant == "odd-json":
        assert [(type(i).__name__, getattr(i, "reason", "")[:18]) for i in lean] == [
            ("Rejected", "lang is not text: "), ("Rejected", "created_at is not "), ("PostValues", ""),
            ("Account", "")]


@pytest.mark.parametrize("variant", list(_variants()))
def test_lean_import_stores_what_the_canonical_import_stores(variant, tmp_path, monkeypatch):
    import dataclasses

    from swchat import raw_blocks
    from swchat.archive import Archive
    from swchat.readers.detect import FORMATS

    path = tmp_path / f"{variant}.csv"
    path.write_bytes(_variants()[variant])
    stored = []
    for name in ("lean", "canonical"):
        if name == "canonical":
            monkeypatch.setitem(FORMATS, "twarc-csv", dataclasses.replace(twarc_csv.FORMAT, lean=None))
        with Archive(tmp_path / f"{name}.db") as archive:
            result = archive.ingest([path]).total
            q = archive.db.execute
            blocks = {b: raw_blocks.unpack(d).split(b"\n") for b, d in q("SELECT id, data FROM raw_blocks")}
            stored.append((
                result,
                [(*r[:-2], None if r[-2] is None else blocks[r[-2]][r[-1]])
                 for r in q("SELECT * FROM posts ORDER BY post_id")],
                q("SELECT platform, account_id, handle, name, description, followers, following, location, "
                  "created_at, snapshot_at FROM accounts ORDER BY account_id").fetchall(),
                q("SELECT line, reason, raw FROM rejected ORDER BY id").fetchall(),
            ))
    lean, canonical = stored
    assert lean[1] and lean == canonical
    assert lean[0]["read"] == lean[0]["added"] + lean[0]["duplicates"] + lean[0]["rejected"]
