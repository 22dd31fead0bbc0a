"""snscrape readers: ``snscrape --jsonl`` lines and snscrape tweets saved as CSV.

The chat below is written here three ways — as X API v2 pages (twarc2), as snscrape JSON lines
and as the CSV pandas writes from snscrape's tweets — and the readers must agree on it. The real
export in ../shared/realdata/x-snscrape is read too (skipped when absent); nothing is copied.
"""

from __future__ import annotations

import csv
import io
import json

import orjson
import pytest

from swchat import Archive
from swchat.errors import InputFormatError
from swchat.readers import detect, snscrape, snscrape_csv, xv2
from swchat.readers.base import Source

# ----------------------------------------------------------------------------- one chat, three ways

BASE = 1_700_000_000_000_000_000  # ids past 2**53: a float would change them


def tid(n: int) -> int:
    return BASE + n


PEOPLE = {
    "host": {"id": 11, "username": "SWChatHost", "displayname": "SWChat Host", "rawDescription": "Weekly chat",
             "location": "UK", "created": "2012-01-02T10:00:00+00:00", "followersCount": 2500,
             "friendsCount": 300},
    "ann": {"id": 1145936974064177152, "username": "ann_sw", "displayname": "Ann", "rawDescription": "",
            "location": "", "created": "2015-05-05T05:05:05+00:00", "followersCount": 120, "friendsCount": 80},
    "bob": {"id": 33, "username": "bob_sw", "displayname": "Bob", "rawDescription": "Tea &amp; cake",
            "location": "Leeds", "created": "2016-06-06T06:06:06+00:00", "followersCount": 50,
            "friendsCount": 60},
    "carol": {"id": 44, "username": "carol", "displayname": "Carol", "rawDescription": None, "location": None,
              "created": None, "followersCount": None, "friendsCount": None},
}

Q1 = "Q1: what helps you switch off after a hard visit? A long question that retweets cut short #SWChat https://t.co/q1"
TWEETS = [
    {"n": 1, "who": "host", "minute": 0, "text": Q1, "tags": ["SWChat"], "mentions": [],
     "links": [("https://t.co/q1", "https://example.org/q1")]},
    {"n": 2, "who": "ann", "minute": 2, "text": "@SWChatHost A1: walking the dog &amp; tea #SWChat",
     "tags": ["SWChat"], "mentions": ["host"], "reply": 1},
    {"n": 3, "who": "bob", "minute": 3, "text": "RT @SWChatHost: Q1: what helps you switch off after a hard…",
     "tags": [], "mentions": ["host"], "rt": 1},
    {"n": 4, "who": "bob", "minute": 4, "text": "So true, as @ann_sw says #SWChat", "tags": ["SWChat"],
     "mentions": ["ann"], "quote": 2},
    {"n": 5, "who": "ann", "minute": 5, "text": "@bob_sw yes! and see Q1 #SWChat", "tags": ["SWChat"],
     "mentions": ["bob"], "reply": 4, "quote": 1},
    {"n": 6, "who": "host", "minute": 6, "text": "Welcome @carol to #SWChat!", "tags": ["SWChat"],
     "mentions": ["carol"]},
]
BY_N = {t["n"]: t for t in TWEETS}


def _when(t: dict, sep: str = "T") -> str:
    return f"2026-09-02{sep}19:{t['minute']:02d}:00+00:00"


def _root(t: dict) -> int:
    while t.get("reply"):
        t = BY_N[t["reply"]]
    return t["n"]


# X API v2 (twarc2 page)

def _v2_tweet(t: dict) -> dict:
    refs = [{"type": kind, "id": str(tid(t[key]))}
            for key, kind in (("reply", "replied_to"), ("rt", "retweeted"), ("quote", "quoted")) if t.get(key)]
    tweet = {
        "id": str(tid(t["n"])), "text": t["text"], "author_id": str(PEOPLE[t["who"]]["id"]),
        "created_at": _when(t).replace("+00:00", ".000Z"), "lang": "en", "source": "Twitter Web App",
        "conversation_id": str(tid(_root(t))),
        "public_metrics": {"like_count": t["n"], "retweet_count": 2 * t["n"], "reply_count": 0, "quote_count": 1},
        "entities": {"hashtags": [{"tag": h} for h in t["tags"]],
                     "mentions": [{"username": PEOPLE[m]["username"], "id": str(PEOPLE[m]["id"])}
                                  for m in t["mentions"]],
                     "urls": [{"url": u, "expanded_url": x} for u, x in t.get("links", [])]},
    }
    if refs:
        tweet["referenced_tweets"] = refs
    if t.get("reply"):
        tweet["in_reply_to_user_id"] = str(PEOPLE[BY_N[t["reply"]]["who"]]["id"])
    return tweet


def _v2_user(who: str) -> dict:
    p = PEOPLE[who]
    user = {"id": str(p["id"]), "username": p["username"], "name": p["displayname"]}
    if p["created"]:
        user |= {"description": p["rawDescription"], "location": p["location"],
                 "created_at": p["created"].replace("+00:00", ".000Z"),
                 "public_metrics": {"followers_count": p["followersCount"], "following_count": p["friendsCount"]}}
    return user


def v2_page() -> bytes:
    page = {"data": [_v2_tweet(t) for t in TWEETS],
            "includes": {"users": [_v2_user(w) for w in PEOPLE],
                         "tweets": [_v2_tweet(BY_N[1]), _v2_tweet(BY_N[2])]}}
    return orjson.dumps(page) + b"\n"


# snscrape --jsonl

def _sns_user(who: str, full: bool = True) -> dict:
    p = PEOPLE[who]
    user = {"_type": "snscrape.modules.twitter.User", "username": p["username"], "id": p["id"],
            "displayname": p["displayname"]}
    keys = ("rawDescription", "renderedDescription", "created", "followersCount", "friendsCount", "location")
    for key in keys:
        user[key] = (p.get(key, p["rawDescription"]) if full else None)
    user["url"] = f"https://twitter.com/{p['username']}"
    return user


def sns_tweet(t: dict) -> dict:
    who = PEOPLE[t["who"]]
    v2 = _v2_tweet(t)
    return {
        "_type": "snscrape.modules.twitter.Tweet",
        "url": f"https://twitter.com/{who['username']}/status/{tid(t['n'])}",
        "date": _when(t), "rawContent": t["text"], "renderedContent": t["text"].replace("&amp;", "&"),
        "id": tid(t["n"]), "user": _sns_user(t["who"]),
        "replyCount": 0, "retweetCount": 2 * t["n"], "likeCount": t["n"], "quoteCount": 1,
        "conversationId": int(v2["conversation_id"]), "lang": "en",
        "source": '<a href="https://mobile.twitter.com" rel="nofollow">Twitter Web App</a>',
        "sourceUrl": "https://mobile.twitter.com", "sourceLabel": "Twitter Web App",
        "links": [{"_type": "snscrape.modules.twitter.TextLink", "text": x.split("//")[1], "url": x, "tcourl": u,
                   "indices": [0, 1]} for u, x in t.get("links", [])] or None,
        "media": None,
        "retweetedTweet": sns_tweet(BY_N[t["rt"]]) if t.get("rt") else None,
        "quotedTweet": sns_tweet(BY_N[t["quote"]]) if t.get("quote") else None,
        "inReplyToTweetId": tid(t["reply"]) if t.get("reply") else None,
        "inReplyToUser": _sns_user(BY_N[t["reply"]]["who"], full=False) if t.get("reply") else None,
        "mentionedUsers": [_sns_user(m, full=False) for m in t["mentions"]] or None,
        "coordinates": None, "place": None, "hashtags": t["tags"] or None, "cashtags": None, "card": None,
    }


def sns_lines(tweets=TWEETS) -> bytes:
    return b"".join(orjson.dumps(sns_tweet(t)) + b"\n" for t in tweets)


# snscrape tweets through pandas' to_csv

CSV_COLUMNS = ["url", "date", "rawContent", "renderedContent", "id", "user", "replyCount", "retweetCount",
               "likeCount", "quoteCount", "conversationId", "lang", "source", "sourceUrl", "sourceLabel",
               "links", "media", "retweetedTweet", "quotedTweet", "inReplyToTweetId", "inReplyToUser",
               "mentionedUsers", "coordinates", "place", "hashtags", "cashtags", "card"]


def _cell(value, column: str, floats: bool) -> str:
    if value is None:
        return ""
    if column == "date":
        return value.replace("T", " ")
    if column in ("inReplyToTweetId",) and floats:
        return repr(float(value))  # a column with gaps: pandas made it float64
    if isinstance(value, dict | list):
        return repr(value)  # pandas writes objects as their Python repr
    return str(value)


def csv_bytes(rows: list[list[str]], bom: bool = False, newline: str = "\n") -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator=newline).writerows(rows)
    return (b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode()


def sns_csv(tweets=TWEETS, *, floats: bool = False, bom: bool = False) -> bytes:
    rows = [["", *CSV_COLUMNS]]  # pandas writes its index first
    for i, t in enumerate(tweets):
        record = sns_tweet(t)
        rows.append([str(i), *(_cell(record[c], c, floats) for c in CSV_COLUMNS)])
    return csv_bytes(rows, bom=bom)


SHARED = ["post_id", "created_at", "author_id", "author_handle", "author_name", "kind", "is_quote",
          "reply_to_post_id", "reply_to_author_id", "reply_to_handle", "quoted_post_id", "retweeted_post_id",
          "conversation_id", "text", "hashtags", "mentions", "urls", "url", "lang", "source_app",
          "like_count", "repost_count", "quote_count"]


def _read(module, data: bytes, kit, name="input"):
    return kit.read_with(module, data, name=name)


def _ingest(tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    with Archive(tmp_path / "a.db") as archive:
        (f,) = archive.ingest([path]).files
    assert f.error is None, f.error
    assert f.read == f.added + f.duplicates + f.rejected
    return f


# ----------------------------------------------------------------------------- JSON lines


def test_jsonl_agrees_with_the_same_tweets_as_v2(kit):
    v2 = kit.sort_items(xv2.read(Source.from_bytes(v2_page())))
    sns = _read(snscrape, sns_lines(), kit)
    assert list(sns.rows()) == [str(tid(t["n"])) for t in TWEETS]
    for pid, row in v2.rows().items():
        assert {c: sns.rows()[pid][c] for c in SHARED} == {c: row[c] for c in SHARED}, pid
    assert sns.kinds() == {"original": 2, "reply": 2, "retweet": 1, "quote": 1}
    rt = sns.rows()[str(tid(3))]
    assert rt["text"] == "RT @SWChatHost: " + Q1 and rt["urls"] == ["https://example.org/q1"]
    assert sns.rows()[str(tid(2))]["text"] == "@SWChatHost A1: walking the dog & tea #SWChat"
    both = sns.rows()[str(tid(5))]
    assert (both["kind"], both["is_quote"], both["reply_to_post_id"], both["quoted_post_id"]) == (
        "reply", True, str(tid(4)), str(tid(1)))
    assert not sns.rejected and not sns.notes


def test_jsonl_nested_tweets_become_context_and_users_accounts(kit):
    sns = _read(snscrape, sns_lines(), kit)
    # T1 (retweeted by T3, quoted by T5) and T2 (quoted by T4): each line carries its own copy
    assert sorted({p.row["post_id"] for p in sns.context}) == [str(tid(1)), str(tid(2))]
    assert all(p.row["is_context"] is False and p.line in (3, 4, 5) for p in sns.context)
    assert json.loads(sns.context[0].raw)["id"] == tid(1)  # the nested object, as written
    accounts = {a.row["account_id"]: a.row for a in sns.accounts}
    assert set(accounts) == {"11", "1145936974064177152", "33"}  # authors, not the mentioned carol
    bob = accounts["33"]
    assert (bob["handle"], bob["name"], bob["followers"], bob["following"], bob["location"],
            bob["description"]) == ("bob_sw", "Bob", 50, 60, "Leeds", "Tea &amp; cake")
    assert bob["created_at"] == "2016-06-06T06:06:06.000Z"
    v2 = {a.row["account_id"]: a.row for a in kit.sort_items(xv2.read(Source.from_bytes(v2_page()))).accounts}
    for uid, row in accounts.items():
        assert {k: v for k, v in row.items() if k != "snapshot_at"} == \
               {k: v for k, v in v2[uid].items() if k != "snapshot_at"}
    # snapshots are taken at the tweet's time (snscrape records no collection time)
    first = next(a.row for a in sns.accounts if a.row["account_id"] == "11")
    assert first["snapshot_at"] == "2026-09-02T19:00:00.000Z"


def test_jsonl_older_versions_and_references_without_content(kit):
    # snscrape 0.4: content/outlinks, no _type, no mentionedUsers/hashtags (taken from the text)
    old = {"url": "https://twitter.com/ann_sw/status/7", "date": "2021-03-01T20:00:00+00:00",
           "content": "@SWChatHost A3: supervision &amp; peers #SWChat https://t.co/x", "id": 7,
           "user": {"username": "ann_sw", "id": 22, "displayname": "Ann"},
           "outlinks": ["https://example.org/peers"], "inReplyToTweetId": 6,
           "inReplyToUser": {"username": "SWChatHost", "id": 11}}
    # later versions: a TweetRef (only the id) and a Tombstone (no id) instead of the tweet
    ref = {"_type": "snscrape.modules.twitter.Tweet", "url": "https://twitter.com/bob_sw/status/8",
           "date": "2021-03-01T20:01:00+00:00", "rawContent": "this", "id": 8,
           "user": {"username": "bob_sw", "id": 33}, "mentionedUsers": None, "hashtags": None,
           "quotedTweet": {"_type": "snscrape.modules.twitter.TweetRef", "id": 5}}
    gone = {**ref, "id": 9, "url": "https://twitter.com/bob_sw/status/9",
            "quotedTweet": {"_type": "snscrape.modules.twitter.Tombstone", "text": "This Tweet is unavailable."}}
    items = _read(snscrape, b"".join(orjson.dumps(x) + b"\n" for x in (old, ref, gone)), kit)
    rows = items.rows()
    assert rows["7"]["kind"] == "reply" and rows["7"]["reply_to_handle"] == "SWChatHost"
    assert rows["7"]["hashtags"] == ["SWChat"] and rows["7"]["mentions"] == ["SWChatHost"]
    assert rows["7"]["urls"] == ["https://example.org/peers"]
    assert rows["7"]["origin"] == "inferred from text: hashtags, mentions"
    assert rows["8"]["kind"] == "quote" and rows["8"]["quoted_post_id"] == "5" and rows["8"]["origin"] is None
    assert rows["9"]["kind"] == "original" and rows["9"]["quoted_post_id"] is None
    assert not items.context and not items.rejected


def test_jsonl_bad_lines_are_rejected_with_their_line_and_the_rest_kept(tmp_path, kit):
    good = sns_lines(TWEETS[:2]).splitlines()
    no_id = orjson.dumps({**sns_tweet(TWEETS[5]), "id": None})
    bad_date = orjson.dumps({**sns_tweet(TWEETS[5]), "date": "yesterday"})
    float_id = orjson.dumps({**sns_tweet(TWEETS[5]), "id": 1.5})
    other = orjson.dumps({"_type": "snscrape.modules.twitter.Tombstone", "text": "gone"})
    data = b"\n".join([b"\xef\xbb\xbf" + good[0], b"{not json", no_id, b"", bad_date, float_id, other,
                       good[1], b'[1, "x"]', b'{"id": 1, "date"'])
    items = _read(snscrape, data, kit)
    assert list(items.rows()) == [str(tid(1)), str(tid(2))]
    assert [(r.line, r.reason.split(" (")[0].split(":")[0]) for r in items.rejected] == [
        (2, "not valid JSON"), (3, "tweet ?"), (5, f"tweet {tid(6)}"), (6, "tweet ?"),
        (7, "not an snscrape tweet"), (9, "not an snscrape tweet"), (9, "not an snscrape tweet"),
        (10, "truncated last line, not valid JSON")]
    assert items.rejected[2].reason.endswith("date is not an ISO-8601 time: 'yesterday'")
    assert items.rejected[3].reason.endswith("id is not an X id: 1.5")
    f = _ingest(tmp_path, "s.jsonl", data)
    assert (f.read, f.added, f.rejected) == (10, 2, 8)
    # a broken first line does not hide the format
    assert detect(Source.from_bytes(b'{"_type": "snscrape.mod\n' + sns_lines(TWEETS[:1]))).name == "snscrape"


def test_jsonl_with_entity_user_line_and_sniff(kit):
    user = orjson.dumps(_sns_user("host")) + b"\n"
    source = Source.from_bytes(user + sns_lines(TWEETS[:1]), name="with-entity.jsonl")
    assert detect(source).name == "snscrape"
    items = kit.sort_items(snscrape.read(source))
    assert [a.row["handle"] for a in items.accounts] == ["SWChatHost", "SWChatHost"]
    assert items.accounts[0].row["snapshot_at"] is None and len(items.posts) == 1
    toot = b'{"_type": "snscrape.modules.mastodon.Toot", "url": "https://x.y/@a/1", "id": 1}\n'
    with pytest.raises(InputFormatError, match="mastodon"):
        detect(Source.from_bytes(toot))
    # a v2 page or a v1.1 tweet is not snscrape's
    assert snscrape.sniff(Source.from_bytes(v2_page()).head()) is None
    assert detect(Source.from_bytes(v2_page())).name == "x-v2"


def test_jsonl_array_of_tweets_is_read_by_record(kit):
    data = b"[\n" + b",\n".join(orjson.dumps(sns_tweet(t)) for t in TWEETS[:3]) + b"\n]\n"
    items = _read(snscrape, data, kit)
    assert [p.line for p in items.posts] == [1, 2, 3] and items.kinds()["retweet"] == 1


@pytest.mark.realdata
def test_real_snscrape_search(realdata, tmp_path, kit):
    path = realdata("x-snscrape", "sns_search_first300.jsonl")
    source = Source.from_arg(path)
    assert detect(source).name == "snscrape"
    items = kit.sort_items(snscrape.read(source))
    lines = [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
    assert list(items.rows()) == [str(t["id"]) for t in lines]  # exact ids, in file order
    assert len(items.posts) == 300 and not items.rejected and not items.notes
    assert items.kinds() == {"reply": 212, "original": 73, "quote": 15}
    assert sum(r["is_quote"] for r in items.rows().values()) == 16  # one reply quotes
    assert len(items.context) == 16 and len(items.accounts) == 316
    first = items.rows()["1549262906256109569"]
    assert (first["author_handle"], first["author_id"], first["reply_to_post_id"], first["reply_to_author_id"],
            first["reply_to_handle"], first["conversation_id"]) == (
        "StanleyRobertsU", "1333122358966566912", "1549078095600271366", "943149059409358849",
        "Spelunking3", "1548992317071179776")
    assert first["mentions"] == ["Spelunking3", "mkarolian", "JReinerMD", "PeterHotez", "EricTopol"]
    assert (first["created_at"], first["source_app"], first["reply_count"]) == (
        "2022-07-19T05:20:35.000Z", "Twitter for iPhone", 1)
    context = {p.row["post_id"]: p.row for p in items.context}
    wes = context["1544284331547525120"]
    assert wes["author_handle"] == "WesElyMD" and wes["urls"] == ["https://bit.ly/3yjds8x"]
    assert wes["hashtags"] == ["COVID", "Omicron"] and wes["like_count"] == 3208
    assert not any("&amp;" in r["text"] for r in items.rows().values())
    f = _ingest(tmp_path, "real.jsonl", path.read_bytes())
    assert (f.read, f.added, f.rejected) == (300, 300, 0)


# ----------------------------------------------------------------------------- CSV


def test_csv_of_tweet_objects_agrees_with_v2(kit):
    v2 = kit.sort_items(xv2.read(Source.from_bytes(v2_page())))
    items = _read(snscrape_csv, sns_csv(), kit)
    assert list(items.rows()) == [str(tid(t["n"])) for t in TWEETS]
    exact = [c for c in SHARED if c not in ("text", "urls", "mentions", "hashtags")]
    for pid, row in v2.rows().items():
        mine = items.rows()[pid]
        assert {c: mine[c] for c in exact} == {c: row[c] for c in exact}, pid
        if row["kind"] != "retweet":  # the row holds the retweet's own (truncated) text and entities
            assert (mine["text"], mine["hashtags"], mine["mentions"], mine["urls"]) == (
                row["text"], row["hashtags"], row["mentions"], row["urls"]), pid
        assert mine["origin"] is None, pid  # every fact came from a column
    rt = items.rows()[str(tid(3))]
    assert rt["text"] == TWEETS[2]["text"] and rt["mentions"] == ["SWChatHost"]
    assert [a.row["account_id"] for a in items.accounts][:2] == ["11", "1145936974064177152"]
    assert items.accounts[0].row["snapshot_at"] == "2026-09-02T19:00:00.000Z"
    assert not items.rejected and not items.notes and not items.context


def test_csv_reply_ids_pandas_rounded_are_left_out_with_a_note(tmp_path, kit):
    items = _read(snscrape_csv, sns_csv(floats=True), kit)
    reply = items.rows()[str(tid(2))]
    assert reply["kind"] == "reply" and reply["reply_to_post_id"] is None
    assert (reply["reply_to_author_id"], reply["reply_to_handle"]) == ("11", "SWChatHost")
    (note,) = items.notes
    assert note.line == 3 and "inReplyToTweetId" in note.message and "rounded" in note.message
    f = _ingest(tmp_path, "tweets.csv", sns_csv(floats=True))
    assert (f.read, f.added, f.rejected) == (6, 6, 0) and any("inReplyToTweetId" in n for n in f.notes)


def test_csv_few_columns_id_only_in_url_and_facts_from_text(kit):
    rows = [["datetime", "content", "retweet_count", "like_count", "quote_count", "username", "url"]]
    for t in TWEETS:
        who = PEOPLE[t["who"]]["username"]
        rows.append([_when(t, " "), t["text"], str(2 * t["n"]), str(t["n"]), "1.0", who,
                     f"https://twitter.com/{who}/status/{tid(t['n'])}"])
    v2 = kit.sort_items(xv2.read(Source.from_bytes(v2_page()))).rows()
    items = _read(snscrape_csv, csv_bytes(rows, newline="\r\n", bom=True), kit, name="sns.csv")
    rows_ = items.rows()
    assert list(rows_) == [str(tid(t["n"])) for t in TWEETS]
    assert {pid: r["kind"] for pid, r in rows_.items()} == {
        pid: ("original" if r["kind"] == "quote" else r["kind"]) for pid, r in v2.items()}  # quotes are unknowable
    assert rows_[str(tid(2))]["reply_to_post_id"] is None  # only the account is known: from the text
    assert (rows_[str(tid(2))]["reply_to_author_id"], rows_[str(tid(2))]["reply_to_handle"]) == (
        "handle:swchathost", "SWChatHost")
    assert rows_[str(tid(3))]["retweeted_post_id"] is None and rows_[str(tid(3))]["mentions"] == ["SWChatHost"]
    assert rows_[str(tid(1))]["author_id"] == "handle:swchathost"
    assert rows_[str(tid(1))]["hashtags"] == ["SWChat"] and rows_[str(tid(1))]["urls"] == ["https://t.co/q1"]
    assert rows_[str(tid(6))]["mentions"] == ["carol"] and rows_[str(tid(1))]["quote_count"] == 1
    assert rows_[str(tid(1))]["origin"] == "inferred from text: mentions, hashtags, urls"
    assert rows_[str(tid(2))]["origin"] == "inferred from text: kind, mentions, hashtags, urls"
    assert rows_[str(tid(2))]["created_at"] == "2026-09-02T19:02:00.000Z"
    assert items.accounts[0].row["account_id"] == "handle:swchathost"


def test_csv_tutorial_layout_and_user_reprs(kit):
    # Datetime,Tweet Id,Text,Username (the usual tutorial); a user column holding str(User)
    data = csv_bytes([["Datetime", "Tweet Id", "Text", "Username"],
                      ["2022-07-19 05:20:35+00:00", "1549262906256109569", "hi #SWChat", "ann"]])
    (post,) = _read(snscrape_csv, data, kit).posts
    assert (post.row["post_id"], post.row["author_handle"], post.row["hashtags"]) == (
        "1549262906256109569", "ann", ["SWChat"])
    user_dataclass = ("User(username='bob_sw', id=33, displayname=\"Bob's\", created=datetime.datetime(2016, 6, 6, "
                      "tzinfo=datetime.timezone.utc), followersCount=50)")
    data = csv_bytes([["date", "id", "content", "user", "mentionedUsers", "quotedTweet"],
                      ["2022-07-19 05:20:35", "5", "so true", user_dataclass, "",
                       "https://twitter.com/ann_sw/status/4"],
                      ["2022-07-19 05:21:35", "6", "yes", "https://twitter.com/carol", "[]", ""]])
    items = _read(snscrape_csv, data, kit)
    five, six = items.rows()["5"], items.rows()["6"]
    assert (five["author_id"], five["author_handle"], five["author_name"]) == ("33", "bob_sw", "Bob's")
    assert (five["kind"], five["quoted_post_id"]) == ("quote", "4")
    assert (six["author_id"], six["author_handle"], six["kind"]) == ("handle:carol", "carol", "original")


def test_csv_bad_rows_are_rejected_with_their_line(tmp_path, kit):
    rows = [["datetime", "content", "username", "url", "id"],
            ["2026-09-02 19:00:00+00:00", "fine #SWChat", "ann", "https://twitter.com/ann/status/1", "1"],
            ["2026-09-02 19:01:00+00:00", "too", "few"],
            ["someday", "bad time", "ann", "https://twitter.com/ann/status/2", "2"],
            ["2026-09-02 19:02:00+00:00", "rounded id, no url", "ann", "", "1.70000000000000e+18"],
            ["2026-09-02 19:03:00+00:00", "rounded id, url kept", "ann", "https://twitter.com/ann/status/3",
             "3.0e+00"],
            ["2026-09-02 19:04:00+00:00", "multi\nline text", "ann", "https://twitter.com/ann/status/4", "4"],
            ["2026-09-02 19:05:00+00:00", "no author", "", "https://twitter.com/i/web/status/5x", "5"]]
    data = csv_bytes(rows)
    items = _read(snscrape_csv, data, kit)
    assert list(items.rows()) == ["1", "3", "4"]
    assert items.rows()["4"]["text"] == "multi\nline text"
    assert [(r.line, r.reason.split(" (")[0].split(":")[0]) for r in items.rejected] == [
        (3, "expected 5 fields, found 3"), (4, "datetime is not an ISO-8601 time"),
        (5, "id in scientific notation"), (9, "no author")]  # the record before spans two lines
    f = _ingest(tmp_path, "bad.csv", data)
    assert (f.read, f.added, f.rejected) == (7, 3, 4)


@pytest.mark.parametrize("header", [
    "id_str,from_user,text,created_at,time",  # TAGS
    "id,created_at,text,author_id,author.username",  # twarc-csv
    "status_id,created_at,screen_name,text",  # rtweet
    "Date,Screen Name,Full Name,Tweet Text,Tweet ID,Tweet URL",  # Twitter Archiver
    "date,content,likes",  # no tweet id anywhere
    "date,content,url,username\n2026-01-01,x,https://example.org/page,ann",  # a url that is not a tweet
])
def test_csv_sniff_leaves_other_sheets_alone(header):
    assert snscrape_csv.sniff(Source.from_bytes(header.encode() + b"\n").head()) is None


def test_csv_detected_from_content_not_name():
    assert detect(Source.from_bytes(sns_csv(), name="export.txt")).name == "snscrape-csv"
    assert detect(Source.from_bytes(sns_lines(), name="export.txt")).name == "snscrape"


def test_the_archive_keeps_what_the_reader_inferred_in_the_origin(tmp_path):
    """A post whose kind or mentions were read from its text says so in the archive's ``origin``,
    after where it came from (file digest, line, format)."""
    rows = [["datetime", "content", "username", "url"]]
    for t in TWEETS:
        who = PEOPLE[t["who"]]["username"]
        rows.append([_when(t, " "), t["text"], who, f"https://twitter.com/{who}/status/{tid(t['n'])}"])
    f = _ingest(tmp_path, "few.csv", csv_bytes(rows))
    with Archive(tmp_path / "a.db") as archive:
        origin = archive.db.execute("SELECT origin FROM posts WHERE post_id = ?", (str(tid(2)),)).fetchone()[0]
    assert origin.startswith(f"{f.digest}:3:snscrape-csv (inferred from text: ")
    assert "kind" in origin
