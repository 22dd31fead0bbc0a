"""twarc-csv exports of X API v2 tweets (format ``twarc-csv``).

``twarc2 csv`` (the DocNow/twarc-csv plugin) writes one row per tweet with dotted column names
(``id``, ``created_at``, ``text``, ``author_id``, ``author.username``, ``conversation_id``,
``referenced_tweets.replied_to.id``, ``entities.hashtags``, ``public_metrics.like_count``,
``__twarc.retrieved_at``…). Columns are found by name, so every version of the plugin reads:

- current versions: ``referenced_tweets.{replied_to,retweeted,quoted}.id`` columns, optional
  ``in_reply_to_username``/``retweeted_username``/``quoted_username``; retweets are *merged*
  by default (the row's ``text``, entities and metrics are the original's);
- early versions (0.3): a ``referenced_tweets`` column holding ``[{"type": …, "id": …}]``,
  ``in_reply_to_user.*`` columns, and referenced tweets inlined as extra rows whose ``type``
  column says how they were referenced (they become context posts);
- entity columns as raw v2 JSON lists (``[{"tag": "SWChat", …}]``) or as processed lists
  (``["#SWChat"]``, ``["@ann"]``), JSON-encoded or written as Python lists; the
  ``--json-encode-text``/``--json-encode-all`` options (every value JSON-encoded) too.

Conventions (shared by every X reader, see :mod:`swchat.readers.xv1`):

- newlines, which twarc-csv writes as the two characters ``\\n``, are restored, and HTML
  entities unescaped;
- a retweet's text is ``RT @handle: `` + the original's full text: a merged row's text is
  prefixed with the retweeted handle (from ``retweeted_username``, or from an account seen
  earlier in the file as an author or a mention; when the handle is nowhere, the original's
  text is kept as it is); an unmerged row keeps its ``RT @handle: …`` text. Its mentions are the
  retweeted handle followed by the original's; a merged row's like, reply and quote counts
  (the original's) are set to 0 as the API reports them for a retweet, the repost count kept;
- ``kind`` follows the ``referenced_tweets`` columns (a row with only ``in_reply_to_user_id``
  is a reply to that account); only a file without them falls back to the ``RT @handle:``
  text; ``reply_to_*`` columns are only set for replies;
- URLs are ``unwound_url`` > ``expanded_url`` > ``url``, media links left out;
- ``collected_at`` is ``__twarc.retrieved_at``; each row's author (and, in early versions,
  the replied-to user) gives an account snapshot taken then (else at the tweet's time).

The raw record kept is the row as JSON (header → value). The import reads through
:func:`read_lean` (each usual post a tuple of values, no dict); only the columns a post and its
accounts need are looked at, and an account whose columns repeat an earlier row's exactly (an
author posting again) is not converted again: it says nothing new. A row that cannot be used (bad id,
bad time, wrong number of fields) is a :class:`~swchat.readers.base.Rejected` with the physical
line where the record starts. A big file is read in stretches by two processes: in a stretch after
the first, a post that takes a handle from a row before the stretch is yielded
:class:`~swchat.readers.base.Pending`, and the archive finishes it with :func:`resolve` and what the
stretches before it named (:class:`~swchat.readers.base.Learned`, yielded at a stretch's end).

Examples
--------
>>> header = "id,created_at,text,author_id,author.username,referenced_tweets.replied_to.id,entities.hashtags"
>>> row = '5,2021-05-18T19:24:56.000Z,A1 yes\\\\nreally #SWChat,8,bob,4,"[{""tag"": ""SWChat""}]"'
>>> src = Source.from_bytes(f"{header}\\n{row}\\n".encode())
>>> sniff(src.head())
True
>>> post, account = read(src)
>>> post.row["kind"], post.row["reply_to_post_id"], post.row["text"], post.row["hashtags"]
('reply', '4', 'A1 yes\\nreally #SWChat', ['SWChat'])
"""

from __future__ import annotations

import ast
import contextlib
import csv
import functools
import io
from collections.abc import Callable, Iterator
from operator import itemgetter
from typing import Any

import orjson

from ..errors import InputFormatError
from ..schema import new_account, validate_account
from .base import Account, Head, Item, Learned, Pending, Rejected, Source, StretchMisfit
from .common import lead_mention, plain_values, post_item, retweet_text, unique
from .detect import Format, register
from .xcommon import (
    RT_PREFIX,
    csv_encoding,
    csv_records,
    link_url,
    plain_text,
    source_label,
    status_url,
    v2_time,
)

__all__ = ["FORMAT", "read", "read_lean", "resolve", "sniff"]

_REFERENCE_TYPES = ("replied_to", "retweeted", "quoted")
_RECORD_ERRORS = (ValueError, KeyError, TypeError, AttributeError)


def _header(line: bytes) -> list[str]:
    text = line.decode("utf-8", "replace").lstrip("\ufeff")
    try:
        return next(csv.reader([text]))
    except (csv.Error, StopIteration):
        return []


def sniff(head: Head) -> bool | str | None:
    """A CSV whose header has ``id`` and ``author.username`` or
    ``referenced_tweets.replied_to.id``; other twarc-csv exports (users, counts, compliance,
    lists) are refused with a reason.

    Examples
    --------
    >>> sniff(Source.from_bytes(b"id,created_at,text,author.username\\n").head())
    True
    >>> sniff(Source.from_bytes(b"start,end,tweet_count,__twarc.retrieved_at\\n").head())
    'holds tweet counts (a twarc2 counts export), not posts'
    """
    line = head.first_line
    if b"," not in line:
        return None
    columns = set(_header(line))
    if "id" in columns and ({"author.username", "referenced_tweets.replied_to.id"} & columns):
        return True
    if {"username", "public_metrics.followers_count"} <= columns and "text" not in columns:
        return "holds X user profiles (a twarc-csv users export), not posts"
    if {"start", "end", "tweet_count"} <= columns:
        return "holds tweet counts (a twarc2 counts export), not posts"
    if {"action", "redacted_at"} <= columns:
        return "holds compliance results (deleted or changed tweets), not posts"
    if {"owner_id", "member_count"} <= columns:
        return "holds X lists, not posts"
    return None


# --------------------------------------------------------------------------- values


def _int(value: Any) -> int | None:
    """A count as written by pandas: ``5``, ``5.0`` or empty."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    try:
        return int(value)
    except ValueError:
        try:
            number = float(value)
        except ValueError:
            return None
        return int(number) if number.is_integer() else None


def _structure(value: Any) -> Any:
    """A list or object column: JSON (the default) or a Python literal (``--no-json-encode-lists``)."""
    if not isinstance(value, str):
        return value
    try:
        return orjson.loads(value)
    except orjson.JSONDecodeError:
        try:
            return ast.literal_eval(value)
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            raise ValueError(f"not a list: {value[:60]!r}") from None


def _list(value: Any) -> list:
    """A list column (``[]`` when empty; a lone non-list value becomes a one-item list)."""
    if value is None:
        return []
    if isinstance(value, str) and not value.lstrip().startswith("["):
        return [value.strip()] if value.strip() else []
    parsed = _structure(value)
    return parsed if isinstance(parsed, list) else []


def _url(entry: Any) -> str | None:
    """A link from a URL entity (v2 dict) or a processed URL string; media links are dropped."""
    if isinstance(entry, dict):
        return None if "media_key" in entry else link_url(entry)
    text = str(entry)
    return None if text.startswith("pic.twitter.com") else text


def _id(value: Any, column: str) -> str | None:
    if value is None:
        return None
    text = str(value)
    if text.endswith(".0") and text[:-2].isdigit():  # an id column pandas turned into floats
        text = text[:-2]
    if not text.isdigit():
        raise ValueError(f"{column} is not an X id: {text!r}")
    return text


def _text(value: Any, escaped: bool) -> str | None:
    if value is None:
        return None
    text = str(value)
    if escaped and "\\n" in text:
        text = text.replace("\\n", "\n")
    return plain_text(text)


#: a file's rows share a few retrieval times (one a page of the API): each is converted once
_retrieval_time = functools.lru_cache(maxsize=256)(v2_time)


def _time(value: Any, column: str) -> str:
    if not value:
        raise ValueError(f"{column} is missing")
    try:
        return v2_time(str(value))
    except ValueError:
        raise ValueError(f"{column} is not a time: {value!r}") from None


# --------------------------------------------------------------------------- conversion


class _Row:
    """One CSV row, read by column name (``None`` for empty); the values of a file written with
    ``--json-encode-text``/``--json-encode-all`` (every value JSON) are decoded as they are read.

    Only the columns a conversion asks for are looked at (a twarc-csv row has about 80)."""

    __slots__ = ("escaped", "fields", "index")

    def __init__(self, index: dict[str, int], fields: list[str], id_index: int) -> None:
        self.index = index
        self.fields = fields
        self.escaped = not fields[id_index].startswith('"')

    def get(self, *names: str) -> Any:
        """The first of these columns with a value (``None`` when none has one)."""
        index, fields = self.index, self.fields
        if self.escaped:  # the values as they are (the usual file)
            for name in names:
                at = index.get(name)
                if at is not None and (value := fields[at]):
                    return value
            return None
        for name in names:
            at = index.get(name)
            if at is None:
                continue
            value = fields[at]
            if value == "":
                continue
            if not self.escaped:
                with contextlib.suppress(orjson.JSONDecodeError):  # a plain text value
                    value = orjson.loads(value)
                if value is None or value == "":
                    continue
            return value
        return None


def _references(row: _Row) -> dict[str, str]:
    refs: dict[str, str] = {}
    for kind in _REFERENCE_TYPES:
        value = _id(row.get(f"referenced_tweets.{kind}.id"), f"referenced_tweets.{kind}.id")
        if value:
            refs[kind] = value
    listed = row.get("referenced_tweets")
    if listed is not None:
        entries = _structure(listed)
        if isinstance(entries, dict):  # {"replied_to": {"id": …}}
            entries = [{"type": k, **(v if isinstance(v, dict) else {})} for k, v in entries.items()]
        for entry in entries:
            if isinstance(entry, dict) and entry.get("type") in _REFERENCE_TYPES and entry.get("id"):
                refs.setdefault(entry["type"], _id(entry["id"], "referenced_tweets") or "")
    return {k: v for k, v in refs.items() if v}


def _account(row: _Row, prefix: str, snapshot_at: str | None) -> dict | None:
    account_id = row.get(f"{prefix}.id", "author_id" if prefix == "author" else f"{prefix}.id")
    if account_id is None:
        return None
    created = row.get(f"{prefix}.created_at")
    try:
        created_at = v2_time(str(created)) if created else None
    except ValueError:
        created_at = None
    return validate_account(new_account(
        platform="x",
        account_id=_id(account_id, f"{prefix}.id"),
        handle=row.get(f"{prefix}.username"),
        name=_text(row.get(f"{prefix}.name"), row.escaped),
        description=_text(row.get(f"{prefix}.description"), row.escaped),
        followers=_int(row.get(f"{prefix}.public_metrics.followers_count")),
        following=_int(row.get(f"{prefix}.public_metrics.following_count")),
        location=_text(row.get(f"{prefix}.location"), row.escaped),
        created_at=created_at,
        snapshot_at=snapshot_at,
    ))


def _values(row: _Row, handles: dict[str, str], has_references: bool, partial: bool = False
            ) -> tuple[tuple[Any, ...], str, str | None, tuple[tuple[Any, ...], str] | None]:
    """The values of one twarc-csv row's canonical post (the columns of ``schema.POST_COLUMNS``,
    in order, not yet validated), its time, its collection time, and — with ``partial`` (a stretch
    of the file after the first), when the handle of the account it retweets or replies to is not
    among those the stretch's rows named — the post's parts and that account's id, to finish it
    with :func:`resolve` once the handle the rows before the stretch named is known.

    ``handles`` are the handles of the accounts (by id) the rows read so far named: a merged
    retweet without ``retweeted_username``, or a reply without ``in_reply_to_username``, takes its
    account's handle from there."""
    post_id = _id(row.get("id"), "id")
    if not post_id:
        raise ValueError("id is missing")
    created_at = _time(row.get("created_at"), "created_at")
    retrieved = row.get("__twarc.retrieved_at")
    try:
        collected_at = _retrieval_time(str(retrieved)) if retrieved else None
    except ValueError:
        collected_at = None
    author_id = _id(row.get("author_id", "author.id"), "author_id")
    handle = row.get("author.username")
    if author_id and handle:
        handles[author_id] = handle
    if row.get("in_reply_to_user.id") and row.get("in_reply_to_user.username"):
        handles[str(row.get("in_reply_to_user.id"))] = row.get("in_reply_to_user.username")

    mention_entries = _list(row.get("entities.mentions"))
    mentions: list[str] = []
    for entry in mention_entries:
        if isinstance(entry, dict):
            name = str(entry.get("username") or "")
            if name and entry.get("id"):
                handles[str(entry["id"])] = name
        else:
            name = str(entry).lstrip("@")
        mentions.append(name)
    mentions = unique(mentions)
    hashtags = unique(
        (entry.get("tag") if isinstance(entry, dict) else str(entry).lstrip("#"))
        for entry in _list(row.get("entities.hashtags"))
    )
    urls = unique(_url(entry) for entry in _list(row.get("entities.urls")))
    text = _text(row.get("text"), row.escaped) or ""
    counts = (_int(row.get("public_metrics.like_count")), _int(row.get("public_metrics.retweet_count")),
              _int(row.get("public_metrics.reply_count")), _int(row.get("public_metrics.quote_count")))

    refs = _references(row)
    parent_author = _id(row.get("in_reply_to_user_id", "in_reply_to_user.id"), "in_reply_to_user_id")
    kind = "original"
    rt_match = RT_PREFIX.match(text) if text.startswith("RT @") else None
    named = lookup = None  # the handle the row gives of the account retweeted or replied to; else its id
    if "retweeted" in refs or (not has_references and rt_match):
        kind = "retweet"
        rt_user = row.get("retweeted_user_id")
        named = row.get("retweeted_username") or None
        lookup = str(rt_user) if named is None and rt_user else None
    elif "replied_to" in refs or parent_author:
        kind = "reply"
        named = row.get("in_reply_to_username", "in_reply_to_user.username")
        lookup = parent_author if named is None and parent_author else None
    elif "quoted" in refs:
        kind = "quote"
    parts = (kind, post_id, created_at, author_id, handle, _text(row.get("author.name"), row.escaped), text,
             rt_match.group(1) if rt_match else None, refs, parent_author, _id(row.get("conversation_id"),
             "conversation_id"), hashtags, mentions, urls, row.get("lang"), source_label(row.get("source")),
             counts, collected_at)
    if lookup is not None:
        named = handles.get(lookup)
        if named is None and partial:
            return resolve(parts, None), created_at, collected_at, (parts, lookup)
    return resolve(parts, named), created_at, collected_at, None


def resolve(parts: tuple[Any, ...], named: Any) -> tuple[Any, ...]:
    """The values of a post (the columns of ``schema.POST_COLUMNS``, in order) from the parts
    :func:`_values` found in its row and ``named``, the handle of the account it retweets or
    replies to (``None``: not known). The archive calls it for a
    :class:`~swchat.readers.base.Pending` post, with the handle the rows before its stretch named.

    Examples
    --------
    >>> parts = ("retweet", "5", "2021-05-18T19:24:56.000Z", "8", "bob", None, "yes #SWChat", None,
    ...          {"retweeted": "4"}, None, None, ["SWChat"], [], [], None, None, (3, 2, 1, 0), None)
    >>> resolve(parts, "ann")[7], resolve(parts, None)[7]
    ('RT @ann: yes #SWChat', 'yes #SWChat')
    """
    (kind, post_id, created_at, author_id, handle, author_name, text, rt_from_text, refs, parent_author,
     conversation_id, hashtags, mentions, urls, lang, source_app, counts, collected_at) = parts
    likes, reposts, replies, quotes = counts
    reply_to: tuple[str | None, str | None, str | None] = (None, None, None)
    if kind == "retweet":
        rt_handle = named
        if rt_from_text and (rt_handle is None or rt_from_text.lower() == rt_handle.lower()):
            # an unmerged retweet: the (truncated) text and entities are the retweet's own
            rt_handle = rt_from_text
        else:  # merged: text, entities and metrics are the original's
            if rt_handle:
                text = retweet_text(rt_handle, text)
            likes = replies = quotes = 0
        mentions = lead_mention(rt_handle, mentions)
    elif kind == "reply":
        reply_to = (refs.get("replied_to"), parent_author, named)

    # the columns of schema.POST_COLUMNS, in order (the lean-path tests check it)
    return (
        "x",  # platform
        post_id,
        status_url(handle, post_id),  # url
        created_at,
        author_id,
        handle,  # author_handle
        author_name,
        text,
        kind,
        "quoted" in refs and kind != "retweet",  # is_quote
        *reply_to,  # reply_to_post_id, reply_to_author_id, reply_to_handle
        refs.get("quoted") if kind != "retweet" else None,  # quoted_post_id
        refs.get("retweeted"),  # retweeted_post_id
        conversation_id,
        hashtags,
        mentions,
        urls,
        lang,
        source_app,
        likes, reposts, replies, quotes,  # like_count, repost_count, reply_count, quote_count
        collected_at,
        False,  # is_context
        None,  # origin
    )


def _accounts(row: _Row, snapshot: str | None, seen: dict[tuple[Any, ...], None],
              columns: list[tuple[str, Callable[[list[str]], Any]]]) -> list[dict]:
    """The account rows of one twarc-csv row (its author and, in early versions, the replied-to
    user), leaving out an account whose columns (``columns``: each prefix's, as
    :func:`_account_columns` finds them) repeat those of an earlier row exactly: the archive
    would write nothing for it. ``seen`` remembers the latest such columns (bounded), only once
    both accounts are made (a row whose second account fails is rejected whole)."""
    accounts = []
    new = []
    for prefix, values in columns:
        key = (prefix, row.escaped, values(row.fields))
        if key in seen:
            continue
        account = _account(row, prefix, snapshot)
        if account is not None:
            new.append(key)
            accounts.append(account)
    if len(seen) + len(new) > _REMEMBER:
        seen.clear()
    seen.update(dict.fromkeys(new))
    return accounts


def _account_columns(index: dict[str, int]) -> list[tuple[str, Callable[[list[str]], Any]]]:
    """For each account a row may hold, its prefix and what gives the row's fields that
    :func:`_account` reads (a prefix with none of its columns in the file is left out)."""
    found: list[tuple[str, Callable[[list[str]], Any]]] = []
    for prefix in ("author", "in_reply_to_user"):
        names = [f"{prefix}.{name}" for name in _ACCOUNT_FIELDS] + (["author_id"] if prefix == "author" else [])
        at = [index[name] for name in names if name in index]
        if at:
            found.append((prefix, itemgetter(*at, at[0])))  # (at least two: always a tuple)
    return found


#: the account columns of a twarc-csv row (after ``author.`` or ``in_reply_to_user.``) that
#: :func:`_account` reads
_ACCOUNT_FIELDS = ("id", "created_at", "username", "name", "description", "public_metrics.followers_count",
                   "public_metrics.following_count", "location")
#: repeated account columns remembered per file (a few MB at most)
_REMEMBER = 20_000


def _csv_text(fields: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(fields)
    return out.getvalue()


def read(source: Source) -> Iterator[Item]:
    """Yield the posts, account snapshots and rejected rows of a twarc-csv export.

    Raises
    ------
    InputFormatError
        The header has no ``id``, ``created_at`` or ``text`` column.
    """
    return _read(source, lean=False)


def read_lean(source: Source) -> Iterator[Item]:
    """:func:`read`, with each post whose values need no change as a
    :class:`~swchat.readers.base.PostValues` (the import's path, issue 14).

    Examples
    --------
    >>> data = b"id,created_at,text,author_id,author.username\\n5,2021-05-18T19:24:56.000Z,hi,8,bob\\n"
    >>> [type(i).__name__ for i in read_lean(Source.from_bytes(data))]
    ['PostValues', 'Account']
    """
    return _read(source, lean=True)


def _read(source: Source, *, lean: bool) -> Iterator[Item]:
    header: list[str] | None = None
    index: dict[str, int] = {}
    handles: dict[str, str] = {}
    # a stretch of the file after the first: what the rows before it said is not known here
    partial = source.window is not None and source.window[0] > 0
    seen: dict[tuple[Any, ...], None] = {}
    account_columns: list[tuple[str, Callable[[list[str]], Any]]] = []
    has_references = False
    id_index = 0
    for line, fields in csv_records(source, csv_encoding(source.head().data)):
        if isinstance(fields, Rejected):
            yield fields
            continue
        if header is None:
            header = [name.strip() for name in fields]
            missing = [name for name in ("id", "created_at", "text") if name not in header]
            if missing:
                raise InputFormatError(
                    f"{source.name} is not a twarc-csv export: no {', '.join(missing)} column",
                    source.name)
            index = {name: i for i, name in enumerate(header)}  # a repeated name: its last column
            account_columns = _account_columns(index)
            id_index = header.index("id")
            has_references = "referenced_tweets" in header or any(
                f"referenced_tweets.{kind}.id" in header for kind in _REFERENCE_TYPES)
            continue
        if len(fields) != len(header):
            yield Rejected(line, f"expected {len(header)} fields, found {len(fields)}",
                           _csv_text(fields))
            continue
        raw = orjson.dumps(dict(zip(header, fields, strict=True)))
        try:
            row = _Row(index, fields, id_index)
            values, created_at, collected_at, pending = _values(row, handles, has_references, partial)
            context = bool(row.get("type"))  # early versions: an inlined referenced tweet
            if pending is None:
                post: Item = post_item(values, raw, line, context, lean)
            elif context or not lean or not plain_values(values):  # not as Pending carries it
                raise StretchMisfit(f"{source.name}: line {line} needs the handle of account {pending[1]}, "
                                    "which an earlier row may give")
            else:
                post = Pending(values, raw, line, *pending)
            accounts = _accounts(row, collected_at or created_at, seen, account_columns)
        except _RECORD_ERRORS as exc:
            reason = str(exc) if isinstance(exc, ValueError) else f"malformed row ({exc!r})"
            yield Rejected(line, reason, _csv_text(fields))
            continue
        yield post
        for account in accounts:
            yield Account(account)
    if source.window is not None:  # a stretch: what its rows named, for the stretches after it
        yield Learned(handles)


FORMAT = register(Format(name="twarc-csv", label="twarc-csv CSV (X API v2)", sniff=sniff, read=read,
                         lean=read_lean, stretches="csv", resolve=resolve))
