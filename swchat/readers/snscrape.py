"""snscrape's JSON lines of X (Twitter) tweets (format ``snscrape``).

``snscrape --jsonl twitter-search "#SWChat"`` (also ``twitter-user``, ``twitter-hashtag``…)
writes one tweet object a line::

    {"_type": "snscrape.modules.twitter.Tweet", "url": "https://twitter.com/ann/status/2",
     "date": "2022-07-19T05:20:35+00:00", "rawContent": "@bob A1 &amp; more #SWChat", "id": 2,
     "user": {"_type": "snscrape.modules.twitter.User", "username": "ann", "id": 9,
              "displayname": "Ann", "followersCount": 160, "friendsCount": 497, …},
     "replyCount": 1, "retweetCount": 0, "likeCount": 0, "quoteCount": 0,
     "conversationId": 1, "lang": "en", "sourceLabel": "Twitter for iPhone",
     "links": [{"url": "https://example.org/a", "tcourl": "https://t.co/x", …}],
     "retweetedTweet": null, "quotedTweet": {…a nested tweet…}, "inReplyToTweetId": 1,
     "inReplyToUser": {"username": "bob", "id": 8, …}, "mentionedUsers": [{…}],
     "hashtags": ["SWChat"], …}

Traps handled:

- ids are JSON **numbers** (``"id": 1549262906256109569``), kept exact and turned into text;
- versions differ: ``rawContent`` (0.5+) or ``content`` (earlier, also ``renderedContent``),
  ``links`` (dicts) or ``outlinks`` (plain addresses), ``_type`` present or not;
- the text carries X's HTML entities (``&amp;``), unescaped as everywhere else;
- ``quotedTweet``/``retweetedTweet`` hold the whole referenced tweet (or, in later versions,
  a ``TweetRef`` with only its ``id``, or a ``Tombstone`` without one).

Each tweet is rewritten as the X API v2 object it stands for and converted by
:func:`swchat.readers.xv2.v2_post`, so the conventions of the X readers hold unchanged: a
retweet's text is ``RT @handle: `` + the original's full text with its hashtags and links, a
reply that quotes stays a reply with ``is_quote``, and so on. Nested quoted and retweeted tweets
become context posts (their raw record the nested object); each ``user`` object of a tweet or
of a nested one gives an account snapshot taken at the tweet's time (snscrape records no
collection time; the profile is at least that recent). A line holding a User
(``--with-entity``) gives an account snapshot.

Old versions without ``mentionedUsers`` or ``hashtags`` get them from the text
(:func:`swchat.readers.sheets.text_entities`); the row's ``origin`` then says
``inferred from text: …``. A line that cannot be used is rejected with its number and the
reason, and reading goes on; a UTF-8 BOM is skipped. Each line stands alone, so a big file
(16 MB or more) is read in stretches by the archive's two worker processes.

Examples
--------
>>> line = {"_type": "snscrape.modules.twitter.Tweet", "url": "https://twitter.com/bob/status/5",
...         "date": "2026-09-02T19:05:00+00:00", "rawContent": "@ann A1: yes &amp; no #SWChat",
...         "id": 5, "user": {"username": "bob", "id": 8, "displayname": "Bob"},
...         "inReplyToTweetId": 4, "inReplyToUser": {"username": "ann", "id": 9},
...         "mentionedUsers": [{"username": "ann", "id": 9}], "hashtags": ["SWChat"],
...         "conversationId": 4, "likeCount": 2}
>>> src = Source.from_bytes(orjson.dumps(line) + b"\\n")
>>> sniff(src.head())
True
>>> post, account = read(src)
>>> post.row["post_id"], post.row["kind"], post.row["reply_to_handle"], post.row["text"]
('5', 'reply', 'ann', '@ann A1: yes & no #SWChat')
>>> account.row["handle"], account.row["snapshot_at"]
('bob', '2026-09-02T19:05:00.000Z')
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson

from .base import Account, Head, Item, Note, Post, Rejected, Source, json_lines, raw_json
from .common import BOM, RECORD_ERRORS, first_record, iso_time, json_records, reason
from .detect import Format, register
from .sheets import text_entities
from .xcommon import plain_text, source_label
from .xv2 import v2_account, v2_post

__all__ = ["FORMAT", "INFERRED", "read", "sniff", "snscrape_items"]

#: The prefix of a row's ``origin`` when a reader had to infer some of it from the text.
INFERRED = "inferred from text: "

_TWEET_TYPES = ("snscrape.modules.twitter.Tweet",)
_USER_TYPES = ("snscrape.modules.twitter.User", "snscrape.modules.twitter.UserRef")
_TEXT_KEYS = ("rawContent", "content", "renderedContent")


def _sid(value: Any, what: str) -> str | None:
    """An X id (a JSON number or digits) as text; ``None`` when absent."""
    if value is None or value == "":
        return None
    if isinstance(value, bool | float) or not isinstance(value, int | str):
        raise ValueError(f"{what} is not an X id: {value!r}")
    text = str(value)
    if not text.isdigit():
        raise ValueError(f"{what} is not an X id: {value!r}")
    return text


def _v2_user(user: Any) -> dict[str, Any] | None:
    """An snscrape User as an X API v2 user object (``None`` without an id)."""
    if not isinstance(user, dict):
        return None
    uid = _sid(user.get("id"), "user id")
    if uid is None:
        return None
    key = next((k for k in ("rawDescription", "description", "renderedDescription") if k in user), "")
    return {  # values as given ("" stays ""), as the v2 reader keeps them
        "id": uid,
        "username": user.get("username") or None,
        "name": user.get("displayname") or None,
        "description": user.get(key),
        "location": user.get("location"),
        "created_at": user.get("created") or None,
        "public_metrics": {"followers_count": user.get("followersCount"),
                           "following_count": user.get("friendsCount")},
    }


def _is_full_tweet(obj: Any) -> bool:
    """A nested tweet with its content (not a ``TweetRef`` or a ``Tombstone``)."""
    return isinstance(obj, dict) and "date" in obj and any(k in obj for k in _TEXT_KEYS)


def _links(tweet: dict[str, Any]) -> list[dict[str, Any]] | None:
    """The URL entities of a tweet (``None`` when the version has no links field)."""
    if "links" in tweet:
        found = tweet.get("links") or []
        return [{"expanded_url": link.get("url") or link.get("tcourl")}
                for link in found if isinstance(link, dict)]
    if "outlinks" in tweet:
        return [{"expanded_url": url} for url in tweet.get("outlinks") or [] if isinstance(url, str)]
    return None


class _Converted:
    """One snscrape tweet rewritten for :func:`~swchat.readers.xv2.v2_post`, with what it carries."""

    __slots__ = ("authors", "inferred", "nested", "tweets", "users")

    def __init__(self) -> None:
        self.users: dict[str, dict[str, Any]] = {}  # every user met, for handles
        self.authors: dict[str, dict[str, Any]] = {}  # the tweets' own users: account snapshots
        self.tweets: dict[str, dict[str, Any]] = {}  # nested tweets (v2 shape) by id
        self.nested: list[tuple[str, dict[str, Any]]] = []  # (id, snscrape object) of nested tweets
        self.inferred: list[str] = []  # what the outer tweet's row took from its text


def _to_v2(tweet: dict[str, Any], out: _Converted, depth: int = 0) -> dict[str, Any]:
    """An snscrape tweet as an X API v2 tweet; its users and nested tweets go into ``out``."""
    tid = _sid(tweet.get("id"), "id")
    if tid is None:
        raise ValueError("tweet has no id")
    text = next((tweet[k] for k in _TEXT_KEYS if isinstance(tweet.get(k), str)), None)
    if text is None:
        raise ValueError("tweet has no rawContent or content")
    author = _v2_user(tweet.get("user"))
    if author is not None:
        out.users[author["id"]] = author
        out.authors.setdefault(author["id"], author)
    replied_user = _v2_user(tweet.get("inReplyToUser"))
    if replied_user is not None:
        out.users.setdefault(replied_user["id"], replied_user)
    references = []
    parent = _sid(tweet.get("inReplyToTweetId"), "inReplyToTweetId")
    if parent:
        references.append({"type": "replied_to", "id": parent})
    retweeted = tweet.get("retweetedTweet")
    # a retweet is never a quote itself: the quote, if any, is the original's
    for key, kind in (("retweetedTweet", "retweeted"), ("quotedTweet", "quoted")):
        nested = tweet.get(key)
        if not isinstance(nested, dict) or (kind == "quoted" and isinstance(retweeted, dict)):
            continue
        nid = _sid(nested.get("id"), f"{key}.id")
        if nid is None:
            continue  # a Tombstone: the referenced tweet is gone, and with it its id
        references.append({"type": kind, "id": nid})
        if _is_full_tweet(nested) and nid not in out.tweets and depth < 8:
            slot = len(out.nested)
            try:
                out.tweets[nid] = _to_v2(nested, out, depth + 1)
            except RECORD_ERRORS:
                continue  # unusable context: the reference is kept, the context post left out
            out.nested.insert(slot, (nid, nested))  # before what it carries itself
    entities: dict[str, Any] = {}
    hashtags, mentions, _ = (text_entities(plain_text(text)) if "hashtags" not in tweet
                             or "mentionedUsers" not in tweet else ([], [], []))
    if "hashtags" in tweet:
        entities["hashtags"] = [{"tag": h} for h in tweet.get("hashtags") or [] if isinstance(h, str)]
    else:
        entities["hashtags"] = [{"tag": h} for h in hashtags]
        if depth == 0:
            out.inferred.append("hashtags")
    if "mentionedUsers" in tweet:
        entities["mentions"] = [{"username": u.get("username")} for u in tweet.get("mentionedUsers") or []
                                if isinstance(u, dict)]
    else:
        entities["mentions"] = [{"username": h} for h in mentions]
        if depth == 0:
            out.inferred.append("mentions")
    links = _links(tweet)
    if links is not None:
        entities["urls"] = links
    label = tweet.get("sourceLabel")
    return {
        "id": tid,
        "text": text,
        "created_at": iso_time(tweet.get("date"), "date"),
        "author_id": author["id"] if author else None,
        "conversation_id": _sid(tweet.get("conversationId"), "conversationId"),
        "in_reply_to_user_id": replied_user["id"] if replied_user else None,
        "referenced_tweets": references,
        "entities": entities,
        "public_metrics": {"like_count": tweet.get("likeCount"), "retweet_count": tweet.get("retweetCount"),
                           "reply_count": tweet.get("replyCount"), "quote_count": tweet.get("quoteCount")},
        "lang": tweet.get("lang") or None,
        "source": label if isinstance(label, str) and label else source_label(tweet.get("source")),
    }


def snscrape_items(tweet: dict[str, Any], line: int, raw: bytes | None = None) -> list[Item]:
    """All the items of one snscrape tweet object: its post, the nested tweets as context posts
    (each once), and an account snapshot for each ``user`` met.

    Raises
    ------
    ValueError, KeyError, TypeError, AttributeError
        The tweet itself cannot be used (the line is rejected).

    Examples
    --------
    >>> quote = {"id": 7, "date": "2026-09-02T19:05:00+00:00", "rawContent": "So true",
    ...          "user": {"username": "bob", "id": 8},
    ...          "quotedTweet": {"id": 1, "date": "2026-09-02T19:00:00+00:00", "rawContent": "Q1",
    ...                          "user": {"username": "ann", "id": 9}}}
    >>> items = snscrape_items(quote, line=3)
    >>> [(i.row["post_id"], i.row["kind"], i.context) for i in items if isinstance(i, Post)]
    [('7', 'quote', False), ('1', 'original', True)]
    """
    out = _Converted()
    v2 = _to_v2(tweet, out)
    row = v2_post(v2, out.users, out.tweets, None)
    if out.inferred:
        row["origin"] = INFERRED + ", ".join(out.inferred)
    items: list[Item] = [Post(row, raw if raw is not None else raw_json(tweet), line)]
    for nid, nested in out.nested:
        if nid == row["post_id"]:
            continue
        try:
            context = v2_post(out.tweets[nid], out.users, out.tweets, None)
        except RECORD_ERRORS as exc:
            items.append(Note(line, f"a tweet nested in tweet {row['post_id']} was left out: {reason(exc, 'tweet')}"))
            continue
        items.append(Post(context, raw_json(nested), line, context=True))
    for user in out.authors.values():
        try:
            items.append(Account(v2_account(user, row["created_at"])))
        except RECORD_ERRORS:
            continue
    return items


def _kind_of(obj: Any) -> str | None:
    """``"tweet"``, ``"user"``, another snscrape ``_type``, or ``None`` for what is not snscrape's."""
    if not isinstance(obj, dict):
        return None
    kind = obj.get("_type")
    if isinstance(kind, str):
        if kind in _TWEET_TYPES:
            return "tweet"
        if kind in _USER_TYPES:
            return "user"
        return kind if kind.startswith("snscrape.") else None
    if "id" in obj and "date" in obj and any(k in obj for k in _TEXT_KEYS) and (
            isinstance(obj.get("user"), dict) or "url" in obj):
        return "tweet"
    return None


def sniff(head: Head) -> bool | str | None:
    """Claim snscrape's twitter JSON lines (or a JSON array of its tweets); refuse other
    snscrape modules' output with a reason.

    Examples
    --------
    >>> sniff(Source.from_bytes(b'{"_type": "snscrape.modules.mastodon.Toot", "id": 1}\\n').head())
    "this is snscrape's mastodon output; swchat reads snscrape's twitter modules only"
    """
    if head.first_char == b"[":
        return True if _kind_of(first_record(head)) == "tweet" else None
    if head.first_char != b"{":
        return None
    for count, line in enumerate(head.data.splitlines()):
        if count > 20:
            break
        line = line.strip().removeprefix(BOM)
        if not line:
            continue
        try:
            obj = orjson.loads(line)
        except orjson.JSONDecodeError:
            continue  # a broken line (rejected when read), or a pretty-printed document
        kind = _kind_of(obj)
        if kind == "tweet":
            return True
        if kind == "user":
            continue  # --with-entity: the user comes first
        if kind is not None:
            platform = kind.split(".")[2] if kind.count(".") >= 2 else kind
            if platform == "twitter":
                continue
            return f"this is snscrape's {platform} output; swchat reads snscrape's twitter modules only"
        return None
    return None


def _record(obj: Any, line: int, raw: bytes) -> Iterator[Item]:
    kind = _kind_of(obj)
    if kind == "tweet":
        try:
            yield from snscrape_items(obj, line, raw)
        except RECORD_ERRORS as exc:
            tid = obj.get("id")
            yield Rejected(line, f"tweet {tid if isinstance(tid, int | str) else '?'}: {reason(exc, 'tweet')}",
                           raw.decode("utf-8", "replace"))
    elif kind == "user":
        user = _v2_user(obj)
        if user is not None:
            yield Account(v2_account(user, None))
    else:
        what = (obj.get("_type") or ", ".join(list(obj)[:6])) if isinstance(obj, dict) else type(obj).__name__
        yield Rejected(line, f"not an snscrape tweet ({what})", raw.decode("utf-8", "replace"))


def read(source: Source) -> Iterator[Item]:
    """Yield the posts, context posts, accounts and rejected lines of snscrape JSON lines
    (or of a JSON array of snscrape tweets, by record number)."""
    head = source.head()
    if head.first_json is None and head.first_char == b"[":
        for number, obj in json_records(source, "item"):
            if isinstance(obj, Rejected):
                yield obj
            else:
                yield from _record(obj, number, raw_json(obj, default=str))
        return
    for lineno, obj, raw in json_lines(source):
        if isinstance(obj, Rejected):
            yield obj
            continue
        if isinstance(obj, list):  # a line holding an array of tweets
            for value in obj:
                yield from _record(value, lineno, raw_json(value, default=str))
            continue
        yield from _record(obj, lineno, raw)


FORMAT = register(Format(
    name="snscrape",
    label="snscrape twitter JSON lines (snscrape --jsonl)",
    sniff=sniff,
    read=read,
    stretches="lines",  # each line stands alone (a JSON array is read in one piece)
))
