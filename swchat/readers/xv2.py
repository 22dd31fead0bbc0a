"""X API v2 as twarc2 saves it: response pages, stream lines, flattened tweets, split layout.

Format name ``x-v2``. One reader handles every line shape twarc2 writes, line by line:

- a **search page** ``{"data": [...], "includes": {"users", "tweets", ...}, "meta", "__twarc"}``;
- a **stream line** whose ``data`` is one tweet object, plus ``matching_rules``;
- a line holding only ``errors`` (reported as a :class:`~swchat.readers.base.Note`);
- a **flattened** tweet (``twarc2 flatten``): one tweet a line with ``author``,
  ``in_reply_to_user`` and the referenced tweets merged into ``referenced_tweets[*]``.

The **split layout** of academictwitteR (``data_<id>.json``, a JSON array of tweets, beside
``users_<id>.json``, the ``includes`` object) is its own format, ``academictwitter``
(:mod:`swchat.readers.academictwitter`), which converts with :func:`v2_post` and :func:`v2_account`.

Referenced tweets that are not themselves in the export (``includes.tweets``, or the merged
``referenced_tweets`` of a flattened tweet) are yielded as context posts. A flattened file and
the pages it was flattened from give identical canonical rows.

Non-post payloads that twarc2 also writes (user lookups, tweet counts, lists, compliance
results) are refused by :func:`sniff` with a reason that says what the file is.

Examples
--------
>>> import orjson
>>> from swchat.readers.base import Source
>>> page = {"data": [{"id": "2", "text": "@ann A1: yes! #SWChat", "author_id": "8",
...          "created_at": "2026-09-02T19:05:00.000Z", "in_reply_to_user_id": "9",
...          "referenced_tweets": [{"type": "replied_to", "id": "1"}],
...          "entities": {"hashtags": [{"tag": "SWChat"}], "mentions": [{"username": "ann"}]}}],
...         "includes": {"users": [{"id": "8", "username": "bob"}, {"id": "9", "username": "ann"}],
...                      "tweets": [{"id": "1", "text": "Q1: how? #SWChat", "author_id": "9",
...                                  "created_at": "2026-09-02T19:00:00.000Z"}]}}
>>> items = list(read(Source.from_bytes(orjson.dumps(page))))
>>> posts = [i for i in items if hasattr(i, "context")]
>>> [(p.row["post_id"], p.row["kind"], p.context) for p in posts]
[('2', 'reply', False), ('1', 'original', True)]
>>> posts[0].row["reply_to_handle"], posts[0].row["mentions"]
('ann', ['ann'])
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson

from ..schema import validate_account
from .base import (
    Account,
    Head,
    Item,
    Note,
    Post,
    PostValues,
    Rejected,
    Source,
    json_lines,
    raw_json,
)
from .common import RECORD_ERRORS, canonical_row, first_value, plain_values, retweet_text, unique
from .detect import Format, register
from .xcommon import RT_PREFIX, status_url, v2_time

__all__ = ["FORMAT", "read", "read_lean", "sniff", "v2_account", "v2_post"]


def v2_account(user: dict[str, Any], snapshot_at: str | None) -> dict[str, Any]:
    """Canonical account row from an X API v2 user object."""
    metrics = user.get("public_metrics") or {}
    created = user.get("created_at")
    # the columns of schema.new_account, in order, checked by the one validation
    return validate_account({
        "platform": "x",
        "account_id": user["id"],
        "handle": user.get("username"),
        "name": user.get("name"),
        "description": user.get("description"),
        "followers": metrics.get("followers_count"),
        "following": metrics.get("following_count"),
        "location": user.get("location"),
        "created_at": v2_time(created) if created else None,
        "snapshot_at": snapshot_at,
    })


def _values(items: Any, key: str) -> list:
    """``unique(item.get(key) for item in items)``, text only (a hashtag or a handle given as a
    number is no name), with a shortcut for the usual single entity."""
    if not items:
        return []
    if items.__class__ is list and len(items) == 1:
        first = items[0]
        if first.__class__ is dict:
            value = first.get(key)
            if value.__class__ is str:
                return [value] if value else []
    return unique(value for value in (item.get(key) for item in items) if isinstance(value, str))


def _entities(tweet: dict[str, Any]) -> tuple[list[str], list[str], list[str]]:
    entities = tweet.get("entities")
    if not entities:
        return [], [], []
    hashtags = _values(entities.get("hashtags"), "tag")
    mentions = _values(entities.get("mentions"), "username")
    found = entities.get("urls")
    urls = unique(
        u.get("unwound_url") or u.get("expanded_url") or u.get("url")
        for u in found
        if "media_key" not in u
    ) if found else []
    return hashtags, mentions, urls


def _full_text(tweet: dict[str, Any]) -> str:
    note = tweet.get("note_tweet")
    text = note.get("text") if isinstance(note, dict) and note.get("text") else tweet.get("text")
    if text is None:
        raise ValueError("tweet has no text")
    if "&" in text:
        from html import unescape  # here: the CLI starts fast without it

        return unescape(text)
    return text


def v2_post(
    tweet: dict[str, Any],
    users: dict[str, dict[str, Any]],
    tweets: dict[str, dict[str, Any]],
    collected_at: str | None,
) -> dict[str, Any]:
    """Canonical post row from an X API v2 tweet object.

    Parameters
    ----------
    tweet : dict
        The tweet object.
    users, tweets : dict
        The page's ``includes`` looked up by id (authors, referenced tweets).
    collected_at : str or None
        When the page was retrieved (canonical ISO UTC).

    Raises
    ------
    ValueError, KeyError
        The tweet lacks what a post needs (reported as a rejected record).
    """
    return canonical_row(_v2_values(tweet, users, tweets, collected_at))


def _v2_values(
    tweet: dict[str, Any],
    users: dict[str, dict[str, Any]],
    tweets: dict[str, dict[str, Any]],
    collected_at: str | None,
) -> tuple[Any, ...]:
    """The values of :func:`v2_post`'s row (the columns of ``schema.POST_COLUMNS``, in order),
    not yet validated: the one conversion both the canonical and the lean path use."""
    get = tweet.get
    post_id = tweet["id"]
    author_id = get("author_id") or (get("author") or {}).get("id")
    author = users.get(author_id or "") or _EMPTY
    handle = author.get("username")
    retweeted = replied = quoted = None
    references = get("referenced_tweets")
    if references:
        refs = {r.get("type"): r.get("id") for r in references}
        retweeted = refs.get("retweeted")
        replied = refs.get("replied_to")
        quoted = refs.get("quoted")
    text = _full_text(tweet)
    hashtags, mentions, urls = _entities(tweet)
    kind = "original"
    reply_to_author = get("in_reply_to_user_id")
    if retweeted:
        kind = "retweet"
        original = tweets.get(retweeted)
        if original is not None:
            orig_author = users.get(original.get("author_id") or "") or _EMPTY
            orig_handle = orig_author.get("username")
            if not orig_handle:
                match = RT_PREFIX.match(text)
                orig_handle = match.group(1) if match else None
            text = retweet_text(orig_handle, _full_text(original))
            o_hashtags, o_mentions, o_urls = _entities(original)
            hashtags, urls = o_hashtags, o_urls
            mentions = unique([orig_handle, *o_mentions]) if orig_handle else o_mentions
    elif replied or reply_to_author:
        kind = "reply"
    elif quoted:
        kind = "quote"
    reply_to_handle = (users.get(reply_to_author) or _EMPTY).get("username") if reply_to_author else None
    metrics = get("public_metrics") or _EMPTY
    created = get("created_at")
    if not created:
        raise ValueError("tweet has no created_at")
    # the columns of schema.POST_COLUMNS, in order (a test checks it)
    return (
        "x",  # platform
        post_id,
        status_url(handle, post_id),  # url
        v2_time(created),  # created_at
        author_id,
        handle,  # author_handle
        author.get("name"),  # author_name
        text,
        kind,
        bool(quoted),  # is_quote
        replied,  # reply_to_post_id
        reply_to_author,  # reply_to_author_id
        reply_to_handle,
        quoted,  # quoted_post_id
        retweeted,  # retweeted_post_id
        get("conversation_id"),
        hashtags,
        mentions,
        urls,
        get("lang"),
        get("source"),  # source_app
        metrics.get("like_count"),
        metrics.get("retweet_count"),  # repost_count
        metrics.get("reply_count"),
        metrics.get("quote_count"),
        collected_at,
        False,  # is_context
        None,  # origin
    )


_EMPTY: dict[str, Any] = {}


def _collected(obj: dict[str, Any]) -> str | None:
    meta = obj.get("__twarc")
    if isinstance(meta, dict) and isinstance(meta.get("retrieved_at"), str) and meta["retrieved_at"]:
        try:
            return v2_time(meta["retrieved_at"])
        except ValueError:
            return None
    return None


class _Seen:
    """What a reader already yielded from this file, to skip repeats: each user's last snapshot
    (as JSON bytes) and the ids of posts.

    Bounded: the newest :data:`_REMEMBER` to twice that many of each are remembered (two
    generations; the older is dropped when the newer fills up). Forgetting only costs a repeat
    that the archive skips anyway.
    """

    __slots__ = ("old_posts", "old_users", "posts", "users")

    def __init__(self) -> None:
        self.users: dict[Any, bytes] = {}
        self.old_users: dict[Any, bytes] = {}
        self.posts: set[Any] = set()
        self.old_posts: set[Any] = set()

    def user(self, uid: Any) -> bytes | None:
        found = self.users.get(uid)
        return self.old_users.get(uid) if found is None else found

    def age(self) -> None:
        """Start a new generation of whichever memory is full."""
        if len(self.users) >= _REMEMBER:
            self.old_users, self.users = self.users, {}
        if len(self.posts) >= _REMEMBER:
            self.old_posts, self.posts = self.posts, set()


#: users and post ids remembered per file by :class:`_Seen` (a few MB at most)
_REMEMBER = 10_000


def _page_items(
    lineno: int,
    data: list[dict[str, Any]],
    includes: dict[str, Any],
    collected_at: str | None,
    seen: _Seen | None = None,
    lean: bool = False,
) -> Iterator[Item]:
    """Items of one page: its users, its tweets, then its referenced tweets as context.

    With ``lean``, posts whose rows need no change are :class:`PostValues` (see :func:`read_lean`).

    With ``seen``, a user yielded earlier in the file with the very same user object, and a
    referenced tweet already yielded (as a post or as context), are not yielded again: the
    archive would write nothing for them (the account says nothing new; the post is stored).
    """
    # objects with a usable (text) id; the test written out (a call per object costs more)
    users = {u["id"]: u for u in _listed(includes.get("users")) if isinstance(u, dict) and isinstance(u.get("id"), str)}
    tweets = {t["id"]: t for t in _listed(includes.get("tweets"))
              if isinstance(t, dict) and isinstance(t.get("id"), str)}
    # a retweeted or quoted post may be in the page's own data rather than in includes
    known = {t["id"]: t for t in data if isinstance(t, dict) and isinstance(t.get("id"), str)}
    lookup = {**known, **tweets} if known else tweets
    for uid, user in users.items():
        if seen is not None:
            snapshot = raw_json(user)
            if seen.user(uid) == snapshot:
                continue
        try:
            account = v2_account(user, collected_at)
        except (ValueError, KeyError, TypeError, AttributeError):
            continue
        if seen is not None:
            seen.users[uid] = memoryview(snapshot).tobytes()  # orjson's bytes carry spare capacity
        yield Account(account)
    in_data: set[str] = set()
    for tweet in data:
        try:
            post_id, row = _converted(tweet, users, lookup, collected_at, lean)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            tid = tweet.get("id") if isinstance(tweet, dict) else None
            yield Rejected(lineno, f"tweet {tid or '?'}: {_reason(exc)}", raw_json(tweet).decode())
            continue
        in_data.add(post_id)
        yield PostValues(row, raw_json(tweet), lineno) if row.__class__ is tuple else Post(row, raw_json(tweet), lineno)
    if seen is not None:
        seen.posts |= in_data
    for tid, tweet in tweets.items():
        if tid in in_data or (seen is not None and (tid in seen.posts or tid in seen.old_posts)):
            continue
        try:
            post_id, row = _converted(tweet, users, tweets, collected_at, lean)
        except (ValueError, KeyError, TypeError, AttributeError):
            continue  # an unusable referenced tweet is only context: nothing to reject
        if seen is not None:
            seen.posts.add(post_id)
        if row.__class__ is tuple:
            yield PostValues(row, raw_json(tweet), lineno, context=True)
        else:
            yield Post(row, raw_json(tweet), lineno, context=True)
    if seen is not None:
        seen.age()


def _listed(value: Any) -> list[Any] | tuple[()]:
    """A page's list of included objects, or none when it holds something else."""
    return value if isinstance(value, list) else ()


def _converted(tweet: dict[str, Any], users: dict[str, dict[str, Any]], tweets: dict[str, dict[str, Any]],
               collected_at: str | None, lean: bool) -> tuple[str, Any]:
    """A tweet's id and its row: the values as they are when ``lean`` and :func:`~swchat.readers.common.plain_values`, else the
    canonical dict (:func:`v2_post`). Raises what :func:`v2_post` raises."""
    values = _v2_values(tweet, users, tweets, collected_at)
    if lean and plain_values(values):
        return values[1], values
    row = canonical_row(values)
    return row["post_id"], row


def _reason(exc: BaseException) -> str:
    if isinstance(exc, KeyError):
        return f"missing field {exc.args[0]!r}"
    return str(exc) or type(exc).__name__


_FLAT_KEYS = ("author", "in_reply_to_user")


def _unflatten(tweet: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Turn a flattened tweet back into (tweet, includes)."""
    users: list[dict[str, Any]] = []
    tweets: list[dict[str, Any]] = []

    def collect(obj: dict[str, Any]) -> dict[str, Any]:
        for key in _FLAT_KEYS:
            if isinstance(obj.get(key), dict):
                users.append(obj[key])
        refs = []
        for ref in obj.get("referenced_tweets") or ():
            refs.append({"type": ref.get("type"), "id": ref.get("id")})
            if isinstance(ref, dict) and "text" in ref:
                inner = {k: v for k, v in ref.items() if k != "type"}
                tweets.append(collect(inner))
        plain = {k: v for k, v in obj.items() if k not in _FLAT_KEYS and k != "__twarc"}
        if refs:
            plain["referenced_tweets"] = refs
        return plain

    plain = collect(tweet)
    return plain, {"users": users, "tweets": tweets}


#: Keys that a Mastodon status has and an X API v2 tweet never does.
_NOT_X_V2 = ("id_str", "account", "uri")


def _is_tweet(obj: Any) -> bool:
    return (isinstance(obj, dict) and "id" in obj and "text" in obj
            and not any(key in obj for key in _NOT_X_V2))


def read(source: Source) -> Iterator[Item]:
    """Yield the items of an X API v2 JSON-lines input (pages, stream lines or flattened)."""
    return _read(source, lean=False)


def read_lean(source: Source) -> Iterator[Item]:
    """The items of :func:`read`, with the posts whose canonical rows need no change from what
    the conversion made (nearly all) as :class:`~swchat.readers.base.PostValues`: no dict per
    post. The archive imports through this; the rows stored are the same.

    Examples
    --------
    >>> import orjson
    >>> page = {"data": [{"id": "2", "text": "hi #SWChat", "author_id": "8",
    ...                   "created_at": "2026-09-02T19:05:00.000Z"}]}
    >>> [type(i).__name__ for i in read_lean(Source.from_bytes(orjson.dumps(page)))]
    ['PostValues']
    """
    return _read(source, lean=True)


def _read(source: Source, *, lean: bool) -> Iterator[Item]:
    seen = _Seen()
    for lineno, obj, raw in json_lines(source):
        if isinstance(obj, Rejected):
            yield obj
            continue
        if not isinstance(obj, dict):
            yield Rejected(lineno, "line is not a JSON object", raw.decode("utf-8", "replace"))
            continue
        try:
            yield from _line_items(lineno, obj, raw, seen, lean)
        except RECORD_ERRORS as exc:  # a line of a shape not foreseen: rejected, and the next lines read
            yield Rejected(lineno, f"not read to its end ({_reason(exc)})", raw.decode("utf-8", "replace"))


def _line_items(lineno: int, obj: dict[str, Any], raw: bytes, seen: _Seen, lean: bool) -> Iterator[Item]:
    """The items of one line: a page, a stream line or a flattened tweet."""
    collected = _collected(obj)
    data = obj.get("data")
    if data is not None:
        if isinstance(data, dict):
            data = [data]
        if not isinstance(data, list):
            yield Rejected(lineno, "'data' is neither a list nor an object", raw.decode("utf-8", "replace"))
            return
        found = obj.get("includes")
        includes: dict[str, Any] = found if isinstance(found, dict) else {}
        yield from _page_items(lineno, data, includes, collected, seen, lean)
        if obj.get("errors"):
            yield Note(lineno, _errors_note(obj["errors"]))
    elif _is_tweet(obj):
        tweet, includes = _unflatten(obj)
        first = True
        for item in _page_items(lineno, [tweet], includes, collected, seen, lean):
            if first and isinstance(item, Post | PostValues):
                item.raw = raw  # keep the flattened line as it was
                first = False
            yield item
    elif obj.get("errors"):
        yield Note(lineno, _errors_note(obj["errors"]))
    elif "meta" not in obj:  # (a page with "meta" alone: an empty results page)
        keys = ", ".join(list(obj)[:6])
        yield Rejected(lineno, f"not an X API v2 page or tweet (keys: {keys})", raw.decode("utf-8", "replace"))


def _errors_note(errors: Any) -> str:
    if not isinstance(errors, list):
        return "error(s) from the X API in this page (no detail)"
    titles = unique(e.get("title") for e in errors if isinstance(e, dict))
    return f"{len(errors)} error(s) from the X API in this page ({'; '.join(titles) or 'no detail'})"


def _refusal(first: dict[str, Any]) -> str | None:
    """Say what a known non-post X API v2 payload is."""
    if {"id", "action"} <= first.keys() and "text" not in first:
        return "this is a compliance job result (ids of deleted or protected accounts/tweets), not posts"
    if {"users"} <= first.keys() and "data" not in first and "text" not in first:
        return ("this is the users half of academictwitteR's split layout (format academictwitter); "
                "import its folder, or its data_<id>.json file, instead")
    if "username" in first and "text" not in first:
        return "this file holds X user profiles (a users lookup, followers or following), not posts"
    if "tweet_count" in first and "start" in first:
        return "this file holds tweet counts over time (twarc2 counts), not posts"
    if ("member_count" in first or "owner_id" in first or "follower_count" in first) and "text" not in first:
        return "this file holds X lists (twarc2 lists), not posts"
    return None


def sniff(head: Head) -> bool | str | None:
    """Claim X API v2 pages/stream/flattened lines; refuse v2 non-posts.

    A bare array of tweets (academictwitteR's ``data_<id>.json``) is the ``academictwitter``
    format's. A first line longer than the head (a page of many megabytes: the head is 256 KiB
    whatever the line) is judged by the first tweet of its ``data``; the reader then reads each
    line whole, up to :data:`~swchat.readers.base.LINE_LIMIT` (128 MiB).
    """
    lines = [ln for ln in head.data.splitlines()[:50] if ln.strip()]
    if head.first_json is None and head.long_first_line and head.first_char == b"{":
        first = first_value(head, "data.item")
        if isinstance(first, dict):
            return True if _is_tweet(first) else _refusal(first)
    if head.first_json is None:
        start = head.data[:4096]
        if head.first_char == b"{" and b'"users"' in start and b'"username"' in head.data and b'"data"' not in start:
            return _refusal({"users": []})
        return None
    for line in lines:
        try:
            obj = orjson.loads(line)
        except orjson.JSONDecodeError:
            continue
        if not isinstance(obj, dict):
            return None
        data = obj.get("data")
        if isinstance(data, list) and data and isinstance(data[0], dict):
            return True if _is_tweet(data[0]) else _refusal(data[0])
        if isinstance(data, dict):
            return True if _is_tweet(data) else _refusal(data)
        if _is_tweet(obj) and isinstance(obj.get("created_at"), str) and "T" in obj["created_at"]:
            return True
        if "errors" in obj or ("meta" in obj and "__twarc" in obj):
            continue  # an error-only or empty page: look at the next line
        return _refusal(obj)
    if lines and all(b'"errors"' in ln or b'"meta"' in ln for ln in lines) and head.complete:
        return True
    return None


FORMAT = register(Format(
    name="x-v2",
    label="X API v2 JSON (twarc2 pages, stream, flattened)",
    sniff=sniff,
    read=read,
    lean=read_lean,
    stretches="lines",
))
