"""X API v1.1 tweet objects (format ``x-v1``), and the v1.1 converter other readers share.

Reads tweets as the v1.1 API sent them, in any of the usual containers:

- JSON lines, one tweet per line (twarc 1, tweepy ``_json`` dumps, the v1.1 stream); a line may
  also hold a whole search response or an array of tweets; stream notices (``delete``,
  ``limit``…) become :class:`~swchat.readers.base.Note` items;
- a JSON array of tweets (``statuses/retweets``, ``statuses/lookup``), pretty-printed or not;
- a search response ``{"statuses": [...], "search_metadata": {...}}``, or several of them
  concatenated (``jq`` output).

Arrays and pretty-printed documents are streamed with :mod:`ijson`, so memory does not grow with
the file. For JSON lines, :class:`~swchat.readers.base.Post` ``.line`` is the line number; for an
array or a document it is the record number (1 for the first tweet), because a streaming JSON
parser does not report lines.

The conversion of one tweet object, :func:`v1_items` (items) and :func:`v1_post` (the canonical
row alone), is reused by the X account archive (:mod:`swchat.readers.x_archive`) and the TAGS
sheet (:mod:`swchat.readers.tags`), so a tweet gives the same row from every v1.1-shaped source.

Conventions (shared by every X reader):

- ``text`` is ``full_text``, ``extended_tweet.full_text`` (streamed) or ``text``, HTML entities
  unescaped; a retweet's text is ``RT @handle: `` + the original's full text;
- ``kind`` is ``retweet`` (has ``retweeted_status``; with ``rt_from_text=True`` also a text
  starting ``RT @handle:``), ``reply`` (has ``in_reply_to_status_id``; a reply that quotes stays a
  reply with ``is_quote``), ``quote`` (has ``quoted_status_id``), else ``original``; a tweet
  with ``in_reply_to_user_id`` but no status (an old-style "@reply" that starts with a mention)
  is a reply to that account with ``reply_to_post_id=None``, as in the v2 reader;
  ``reply_to_*`` columns are only set for replies;
- a retweet takes the original's hashtags and URLs; its mentions are the retweeted handle
  followed by the original's mentions; a retweet is never a quote itself (the original is);
- ``retweeted_status`` and ``quoted_status`` objects become context posts (``context=True``,
  their raw record the nested object), and every
  ``user`` object an account snapshot taken at ``collected_at``, or else at the ``created_at`` of
  the outer tweet (the embedded profiles are at least that recent).

Examples
--------
>>> tweet = {"id_str": "2", "created_at": "Tue Mar 13 20:01:02 +0000 2012",
...          "text": "RT @ann: Q1 #SWChat", "user": {"id_str": "8", "screen_name": "bob"},
...          "retweeted_status": {"id_str": "1", "created_at": "Tue Mar 13 20:00:00 +0000 2012",
...              "text": "Q1 &amp; A1 #SWChat", "user": {"id_str": "9", "screen_name": "ann"},
...              "entities": {"hashtags": [{"text": "SWChat"}]}}}
>>> row = v1_post(tweet)
>>> row["kind"], row["text"], row["retweeted_post_id"], row["mentions"], row["hashtags"]
('retweet', 'RT @ann: Q1 & A1 #SWChat', '1', ['ann'], ['SWChat'])
>>> [type(item).__name__ for item in v1_items(tweet, line=1)]
['Post', 'Post', 'Account', 'Account']
>>> src = Source.from_bytes(b'{"statuses": [' + orjson.dumps(tweet) + b'], "search_metadata": {}}')
>>> sniff(src.head())
True
>>> [(type(i).__name__, getattr(i, "context", None)) for i in read(src)][:2]
[('Post', False), ('Post', True)]
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator
from typing import Any

import orjson

from ..schema import POST_COLUMNS, new_account, validate_account
from .base import (
    Account,
    Head,
    Item,
    Note,
    Post,
    PostValues,
    Rejected,
    Source,
    by_line,
    json_lines,
    raw_json,
)
from .common import (
    BOM,
    RECORD_ERRORS,
    canonical_row,
    first_record,
    json_records,
    lead_mention,
    post_item,
    retweet_text,
    unique,
)
from .detect import Format, register
from .xcommon import (
    RT_PREFIX,
    link_url,
    plain_text,
    source_label,
    status_url,
    v1_time,
    v2_time,
)

__all__ = [
    "FORMAT",
    "read",
    "read_lean",
    "sniff",
    "v1_account",
    "v1_items",
    "v1_post",
]


#: Exceptions that mean "this one record is malformed" (not a bug in the whole file): readers
#: turn them into :class:`~swchat.readers.base.Rejected` items and carry on.

# v1.1 stream messages that are not tweets: {"delete": …}, {"limit": …}, …
_NOTICES = {
    "delete": "a deletion notice",
    "scrub_geo": "a location-removal notice",
    "limit": "a rate-limit notice",
    "status_withheld": "a withheld-tweet notice",
    "user_withheld": "a withheld-account notice",
    "disconnect": "a disconnect message",
    "warning": "a stall warning",
    "event": "an account event",
    "friends": "a friends list preamble",
    "errors": "an API error",
}


# --------------------------------------------------------------------------- conversion


def _id(obj: dict, text_key: str, number_key: str) -> str | None:
    """An id as text from ``*_str`` or the numeric key (``None`` when absent)."""
    value = obj.get(text_key)
    if value is None or value == "":
        value = obj.get(number_key)
        if value is None or value == "" or isinstance(value, bool | float):
            return None
    return str(value)


def _time(value: Any, what: str = "created_at") -> str:
    """A v1.1 time (or, leniently, an ISO-8601 one) as canonical ISO UTC."""
    if not isinstance(value, str) or not value:
        raise ValueError(f"{what} is missing")
    converted = _cached_time(value)
    if converted is None:
        raise ValueError(f"{what} is not a time: {value!r}")
    return converted


@functools.lru_cache(maxsize=8192)
def _cached_time(value: str) -> str | None:
    # busy chats repeat the same second, and account creation times repeat per account
    try:
        return v1_time(value)
    except (ValueError, KeyError):
        try:
            return v2_time(value)
        except ValueError:
            return None


_source_label = functools.lru_cache(maxsize=1024)(source_label)  # a handful of clients


def _count(value: Any) -> int | None:
    """A count that may be a number, a string (the archive) or ``"100+"`` (early v1.1)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    try:
        return int(str(value).rstrip("+"))
    except ValueError:
        return None


def _body(tweet: dict) -> tuple[str, dict]:
    """The full text and its entities (``extended_tweet`` first, as streamed tweets carry it)."""
    ext = tweet.get("extended_tweet")
    if isinstance(ext, dict) and ext.get("full_text"):
        return ext["full_text"], ext.get("entities") or tweet.get("entities") or {}
    text = tweet.get("full_text") or tweet.get("text") or ""
    return text, tweet.get("entities") or {}


def _hashtags(entities: dict) -> list[str]:
    return unique(h.get("text") or h.get("tag") for h in entities.get("hashtags") or ())


def _mentions(entities: dict) -> list[str]:
    return unique(m.get("screen_name") or m.get("username") for m in entities.get("user_mentions") or ())


def _urls(entities: dict) -> list[str]:
    # media links live apart, in entities.media, and are left out on purpose
    return unique(link_url(u) for u in entities.get("urls") or ())


def _convert(
    tweet: dict, collected_at: str | None, rt_from_text: bool, owner: dict | None
) -> tuple[dict, dict | None]:
    """Build the validated canonical row of one tweet; return it with the author's user object."""
    values, user = _v1_values(tweet, collected_at, rt_from_text, owner)
    return canonical_row(values), user


def _v1_values(
    tweet: dict, collected_at: str | None, rt_from_text: bool, owner: dict | None
) -> tuple[tuple[Any, ...], dict | None]:
    """The values of one tweet's canonical row (the columns of ``schema.POST_COLUMNS``, in
    order), not yet validated, with the author's user object: the one conversion both the
    canonical and the lean path use."""
    post_id = _id(tweet, "id_str", "id")
    if not post_id:
        raise ValueError("tweet has no id_str")
    if not post_id.isdigit():
        raise ValueError(f"id_str is not a tweet id: {post_id!r}")
    user = tweet.get("user")
    if not isinstance(user, dict):
        user = owner
    author_id = _id(user, "id_str", "id") if user else None
    handle = user.get("screen_name") if user else None
    text, entities = _body(tweet)
    text = plain_text(text) or ""
    hashtags, mentions, urls = _hashtags(entities), _mentions(entities), _urls(entities)
    kind = "original"
    is_quote = False
    reply_to: tuple[str | None, str | None, str | None] = (None, None, None)
    quoted_id = retweeted_id = None

    original = tweet.get("retweeted_status")
    if isinstance(original, dict):
        kind = "retweet"
        retweeted_id = _id(original, "id_str", "id")
        original_user = original.get("user")
        original_handle = original_user.get("screen_name") if isinstance(original_user, dict) else None
        original_text, original_entities = _body(original)
        text = retweet_text(original_handle, plain_text(original_text) or "")
        hashtags, urls = _hashtags(original_entities), _urls(original_entities)
        mentions = lead_mention(original_handle, _mentions(original_entities))
    elif rt_from_text and text.startswith("RT @") and (match := RT_PREFIX.match(text)):
        kind = "retweet"  # the original is unknown: only the (truncated) text says so
        mentions = lead_mention(match.group(1), mentions)
    else:
        quoted = tweet.get("quoted_status")
        quoted_id = _id(tweet, "quoted_status_id_str", "quoted_status_id")
        if not quoted_id and isinstance(quoted, dict):
            quoted_id = _id(quoted, "id_str", "id")
        is_quote = quoted_id is not None
        parent = _id(tweet, "in_reply_to_status_id_str", "in_reply_to_status_id")
        parent_author = _id(tweet, "in_reply_to_user_id_str", "in_reply_to_user_id")
        if parent or parent_author:
            kind = "reply"
            reply_to = (parent, parent_author, tweet.get("in_reply_to_screen_name") or None)
        elif is_quote:
            kind = "quote"

    # the columns of schema.POST_COLUMNS, in order (a test checks it)
    values = (
        "x",  # platform
        post_id,
        status_url(handle, post_id),  # url
        _time(tweet.get("created_at")),  # created_at
        author_id,
        handle,  # author_handle
        user.get("name") if user else None,  # author_name
        text,
        kind,
        is_quote,
        reply_to[0],  # reply_to_post_id
        reply_to[1],  # reply_to_author_id
        reply_to[2],  # reply_to_handle
        quoted_id,  # quoted_post_id
        retweeted_id,  # retweeted_post_id
        None,  # conversation_id
        hashtags,
        mentions,
        urls,
        tweet.get("lang") or None,  # lang
        _source_label(tweet.get("source")),  # source_app
        _count(tweet.get("favorite_count")),  # like_count
        _count(tweet.get("retweet_count")),  # repost_count
        _count(tweet.get("reply_count")),
        _count(tweet.get("quote_count")),
        collected_at,
        False,  # is_context
        None,  # origin
    )
    return values, tweet.get("user") if isinstance(tweet.get("user"), dict) else None


_POST_ID, _CREATED_AT, _AUTHOR_ID = (POST_COLUMNS.index(c) for c in ("post_id", "created_at", "author_id"))


def _facts(item: Post | PostValues) -> tuple[str, str, Any]:
    """A post item's id, time and author id (validated: ids as text)."""
    if isinstance(item, PostValues):
        return item.values[_POST_ID], item.values[_CREATED_AT], item.values[_AUTHOR_ID]
    return item.row["post_id"], item.row["created_at"], item.row["author_id"]


def v1_post(
    tweet: dict,
    collected_at: str | None = None,
    *,
    rt_from_text: bool = False,
    owner: dict | None = None,
) -> dict:
    """Convert one v1.1 tweet object to a validated canonical post row.

    Parameters
    ----------
    tweet : dict
        A v1.1 tweet (``id_str``, ``created_at``, ``full_text``/``text``, ``user``…).
    collected_at : str, optional
        When the tweet was collected (canonical ISO UTC), if the source says.
    rt_from_text : bool
        Also take a text starting ``RT @handle:`` for a retweet (sources that never carry
        ``retweeted_status``: the account archive, TAGS). ``retweeted_post_id`` stays ``None``.
    owner : dict, optional
        A v1.1-like user object for tweets that have no ``user`` (the archive owner).

    Returns
    -------
    dict
        The canonical row (see :mod:`swchat.schema`).

    Raises
    ------
    ValueError, KeyError, TypeError, AttributeError
        The tweet cannot be used (no id, bad time, wrong shapes); see :data:`RECORD_ERRORS`.

    Examples
    --------
    >>> row = v1_post({"id_str": "5", "created_at": "Tue Mar 13 20:01:02 +0000 2012",
    ...     "full_text": "@ann A1 yes", "in_reply_to_status_id_str": "4",
    ...     "in_reply_to_user_id_str": "9", "in_reply_to_screen_name": "ann",
    ...     "entities": {"user_mentions": [{"screen_name": "ann"}]},
    ...     "user": {"id_str": "8", "screen_name": "bob"}})
    >>> row["kind"], row["reply_to_post_id"], row["mentions"], row["url"]
    ('reply', '4', ['ann'], 'https://twitter.com/bob/status/5')
    """
    return _convert(tweet, collected_at, rt_from_text, owner)[0]


def v1_account(user: dict, snapshot_at: str | None) -> dict | None:
    """Convert a v1.1 user object to a validated canonical account row (``None`` without an id).

    Examples
    --------
    >>> v1_account({"id_str": "9", "screen_name": "ann", "followers_count": 10,
    ...             "friends_count": "3", "created_at": "Tue Mar 13 20:01:02 +0000 2012"},
    ...            "2020-01-01T00:00:00.000Z")["following"]
    3
    """
    account_id = _id(user, "id_str", "id")
    if not account_id:
        return None
    try:
        created_at = _time(user.get("created_at"))
    except ValueError:
        created_at = None
    row = new_account(
        platform="x",
        account_id=account_id,
        handle=user.get("screen_name") or None,
        name=user.get("name") or None,
        description=plain_text(user.get("description")) or None,
        followers=_count(user.get("followers_count")),
        following=_count(user.get("friends_count")),
        location=user.get("location") or None,
        created_at=created_at,
        snapshot_at=snapshot_at,
    )
    return validate_account(row)


def v1_items(
    tweet: dict,
    line: int,
    *,
    raw: bytes | None = None,
    collected_at: str | None = None,
    rt_from_text: bool = False,
    owner: dict | None = None,
    lean: bool = False,
) -> list[Item]:
    """All the items one v1.1 tweet object gives: its post, context posts, accounts.

    The first item is always the tweet's own :class:`~swchat.readers.base.Post` (with ``lean``,
    a :class:`~swchat.readers.base.PostValues` when its values need no change); then come the
    posts it carries (``retweeted_status``, ``quoted_status``, and theirs) as context posts, each
    once; then one :class:`~swchat.readers.base.Account` per ``user`` object met (an ``owner``
    given for user-less tweets is not repeated here: the caller reports it once). A context post
    that cannot be read becomes a :class:`~swchat.readers.base.Note`.

    Parameters
    ----------
    tweet : dict
        A v1.1 tweet object.
    line : int
        The line (or record number) it came from.
    raw : bytes, optional
        The raw record to keep; ``orjson.dumps(tweet)`` when not given.
    collected_at, rt_from_text, owner
        As for :func:`v1_post`.
    lean : bool
        Posts (the tweet's and the context posts) whose values need no change as
        :class:`~swchat.readers.base.PostValues` (the import's lean path, no dict per post).

    Raises
    ------
    ValueError, KeyError, TypeError, AttributeError
        The tweet itself cannot be used (see :data:`RECORD_ERRORS`).

    Examples
    --------
    >>> quote = {"id_str": "7", "created_at": "Tue Mar 13 20:05:00 +0000 2012",
    ...     "text": "So true", "is_quote_status": True, "quoted_status_id_str": "1",
    ...     "user": {"id_str": "8", "screen_name": "bob"},
    ...     "quoted_status": {"id_str": "1", "created_at": "Tue Mar 13 20:00:00 +0000 2012",
    ...                       "text": "Q1", "user": {"id_str": "9", "screen_name": "ann"}}}
    >>> items = v1_items(quote, line=3)
    >>> [(i.row["post_id"], i.row["kind"], i.context) for i in items if isinstance(i, Post)]
    [('7', 'quote', False), ('1', 'original', True)]
    """
    values, user = _v1_values(tweet, collected_at, rt_from_text, owner)
    own = post_item(values, raw if raw is not None else raw_json(tweet), line, False, lean)
    post_id, created_at, author_id = _facts(own)
    snapshot = collected_at or created_at
    items: list[Item] = [own]
    users: dict[str, dict] = {}
    if user is not None:
        users[str(author_id)] = user
    seen = {post_id}
    pending = [("retweeted_status", tweet.get("retweeted_status")),
               ("quoted_status", tweet.get("quoted_status"))]
    while pending:
        where, nested = pending.pop(0)
        if not isinstance(nested, dict):
            continue
        try:
            context_values, context_user = _v1_values(nested, collected_at, False, None)
            context = post_item(context_values, raw_json(nested), line, True, lean)
        except RECORD_ERRORS as exc:
            items.append(Note(line, f"the {where} inside tweet {post_id} was left out: {exc}"))
            continue
        context_id, _time_of, context_author = _facts(context)
        if context_id in seen:
            continue
        seen.add(context_id)
        items.append(context)
        if context_user is not None:
            users.setdefault(str(context_author), context_user)
        pending.append((f"{where}.retweeted_status", nested.get("retweeted_status")))
        pending.append((f"{where}.quoted_status", nested.get("quoted_status")))
    for user_obj in users.values():
        account = v1_account(user_obj, snapshot)
        if account is not None:
            items.append(Account(account))
    return items


# --------------------------------------------------------------------------- containers


# --------------------------------------------------------------------------- sniff and read


def _looks_v1_tweet(obj: Any) -> bool:
    if not isinstance(obj, dict):
        return False
    if "id_str" not in obj and not (isinstance(obj.get("id"), int) and "user" in obj):
        return False  # (tweets from before 2010 have a numeric id only)
    if not ("user" in obj or "full_text" in obj or "text" in obj):
        return False
    created = obj.get("created_at")
    if not isinstance(created, str):
        return False
    try:
        v1_time(created)
    except (ValueError, KeyError):
        return False
    return True


def _verdict(record: Any) -> bool | str | None:
    if isinstance(record, list):
        record = record[0] if record else None
    if not isinstance(record, dict):
        return None
    if "statuses" in record:
        statuses = record["statuses"]
        if isinstance(statuses, list) and statuses:
            return True if _looks_v1_tweet(statuses[0]) else None
        return True  # an empty search page, or one too large for the head
    if _looks_v1_tweet(record):
        if "user" not in record and isinstance(record.get("favorite_count"), str):
            return None  # an account-archive tweet: numbers as strings, no user (x-archive)
        return True
    if "screen_name" in record and "followers_count" in record and not (
        "text" in record or "full_text" in record
    ):
        return "holds X user profiles, not posts"
    if "next_cursor" in record and isinstance(record.get("users"), list):
        return "holds X user profiles (a followers or friends list), not posts"
    if "next_cursor" in record and isinstance(record.get("ids"), list):
        return "holds a list of X account ids (followers or friends), not posts"
    return None


def sniff(head: Head) -> bool | str | None:
    """Tell whether ``head`` is v1.1 tweets (``True``), a known non-post v1.1 payload (a reason),
    or something else (``None``).

    v1.1 tweets are objects with ``id_str`` (or a numeric ``id`` and a ``user``), a ``user`` or a
    ``text``/``full_text``, and a ``created_at`` like ``Tue Mar 13 20:01:02 +0000 2012``; a search
    response has ``statuses``.
    In JSON lines, leading stream notices (``delete``, ``limit``) are looked past.

    Examples
    --------
    >>> sniff(Source.from_bytes(b'[{"id_str": "9", "screen_name": "ann", "followers_count": 3}]').head())
    'holds X user profiles, not posts'
    >>> sniff(Source.from_bytes(b'{"id": "1", "text": "v2", "created_at": "2021-05-18T19:24:56.000Z"}').head()) is None
    True
    """
    if head.first_char not in (b"{", b"["):
        return None
    if head.first_json is not None:
        # JSON lines: the first line that is not a stream notice decides
        for count, line in enumerate(head.data.splitlines()):
            if count > 50:
                break
            line = line.strip().lstrip(BOM)
            if not line:
                continue
            try:
                value = orjson.loads(line)
            except orjson.JSONDecodeError:
                break
            if isinstance(value, dict) and len(value) <= 2 and any(k in _NOTICES for k in value):
                continue
            return _verdict(value)
        return _verdict(head.first_json)
    return _verdict(first_record(head))


def _record_items(obj: Any, line: int, raw: bytes | None = None, lean: bool = False) -> Iterator[Item]:
    """The items of one parsed record: a tweet, a search page, an array, or a stream notice."""
    if isinstance(obj, list):
        for value in obj:
            yield from _record_items(value, line, None, lean)
        return
    if isinstance(obj, dict):
        statuses = obj.get("statuses")
        if isinstance(statuses, list):
            for value in statuses:
                yield from _record_items(value, line, None, lean)
            return
        if "id_str" in obj or "id" in obj:
            try:
                yield from v1_items(obj, line, raw=raw, lean=lean)
            except RECORD_ERRORS as exc:
                text = (raw or raw_json(obj)).decode("utf-8", "replace")
                yield Rejected(line, _reason(exc), text)
            return
        notice = next((k for k in obj if k in _NOTICES), None)
        if notice is not None:
            yield Note(line, f"{_NOTICES[notice]} ({notice}), not a post")
            return
        text = (raw or raw_json(obj)).decode("utf-8", "replace")
        yield Rejected(line, "not a tweet: the object has no id_str", text)
        return
    yield Rejected(line, f"not a tweet object but a JSON {type(obj).__name__}",
                   raw_json(obj).decode("utf-8", "replace"))


def _reason(exc: BaseException) -> str:
    """A rejection reason from a conversion error."""
    if isinstance(exc, ValueError):
        return str(exc)
    if isinstance(exc, KeyError):
        return f"missing field {exc}"
    return f"malformed tweet ({type(exc).__name__}: {exc})"


def _ijson_prefix(head: Head) -> str:
    data = head.data.lstrip(BOM + b" \t\r\n")
    if data[:1] == b"[":
        return "item"
    record = first_record(head)
    if isinstance(record, dict) and "statuses" in record:
        return "statuses.item"
    return ""


def read(source: Source) -> Iterator[Item]:
    """Yield the posts, accounts, rejections and notes of a v1.1 input.

    JSON lines are read line by line; a JSON array or a (pretty-printed) document is streamed
    with :mod:`ijson`, and then ``line`` of each item is the record number.

    Examples
    --------
    >>> lines = (b'{"id_str": "1", "created_at": "Tue Mar 13 20:01:02 +0000 2012", "text": "hi",'
    ...          b' "user": {"id_str": "9", "screen_name": "ann"}}\\n{"id_str": "2"}\\n')
    >>> [(type(i).__name__, getattr(i, "line", None)) for i in read(Source.from_bytes(lines))]
    [('Post', 1), ('Account', None), ('Rejected', 2)]
    """
    return _read(source, lean=False)


def read_lean(source: Source) -> Iterator[Item]:
    """:func:`read`, with each post whose values need no change as a
    :class:`~swchat.readers.base.PostValues` instead of a :class:`~swchat.readers.base.Post`:
    the import's path (issue 14), storing exactly what :func:`read` gives.

    Examples
    --------
    >>> line = (b'{"id_str": "1", "created_at": "Tue Mar 13 20:01:02 +0000 2012", "text": "hi",'
    ...         b' "user": {"id_str": "9", "screen_name": "ann"}}\\n')
    >>> [type(i).__name__ for i in read_lean(Source.from_bytes(line))]
    ['PostValues', 'Account']
    """
    return _read(source, lean=True)


def _read(source: Source, *, lean: bool) -> Iterator[Item]:
    head = source.head()
    if by_line(source, head):
        for lineno, parsed, raw in json_lines(source):
            if isinstance(parsed, Rejected) and raw.startswith(BOM):
                with contextlib.suppress(orjson.JSONDecodeError):
                    parsed, raw = orjson.loads(raw[len(BOM):]), raw[len(BOM):]
            if isinstance(parsed, Rejected):
                yield parsed
                continue
            yield from _record_items(parsed, lineno, raw if isinstance(parsed, dict) else None, lean)
        return
    for number, value in json_records(source, _ijson_prefix(head)):
        if isinstance(value, Rejected):
            yield value
        else:
            yield from _record_items(value, number, None, lean)


FORMAT = register(Format(name="x-v1", label="X API v1.1 tweets (JSON, JSON lines)", sniff=sniff, read=read,
                         lean=read_lean, stretches="lines"))
