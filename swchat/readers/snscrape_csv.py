"""snscrape tweets saved as CSV (format ``snscrape-csv``).

Before ``--jsonl`` existed, and in most tutorials since, snscrape's tweets were put in a pandas
``DataFrame`` and written with ``to_csv``. The columns depend on the script:

- every field of the Tweet object (``url,date,rawContent`` or ``content``, ``renderedContent,id,
  user,replyCount,retweetCount,likeCount,quoteCount,conversationId,lang,source,sourceLabel,
  outlinks`` or ``links``, ``retweetedTweet,quotedTweet,inReplyToTweetId,inReplyToUser,
  mentionedUsers,hashtags,…``), nested objects written as Python reprs (``{'username': 'ann',
  'id': 9, …}``) or as the object's address (``https://twitter.com/ann``);
- a chosen few, named by the script: ``datetime,content,retweet_count,like_count,quote_count,
  …,username,…,url``, or ``Datetime,Tweet Id,Text,Username``.

Columns are found by name, whatever their case and separators (``Tweet Id`` = ``tweet_id`` =
``tweetId``). Traps handled:

- the tweet id may be only inside ``url`` (``https://twitter.com/<user>/status/<id>``), or an
  ``id`` column pandas turned into a float (``1.5492629062561096e+18``, digits lost): the
  ``url`` is used then; ids are text;
- times like ``2022-07-19 05:20:35+00:00`` (UTC when no zone is written);
- HTML entities in the text (``&amp;``), a UTF-8 BOM, CRLF line ends, quoted newlines.

Where a column says it, ``kind`` and the references come from it (``inReplyToTweetId``,
``inReplyToUser``, ``retweetedTweet``, ``quotedTweet``), as do ``mentionedUsers``,
``hashtags`` and ``outlinks``/``links``. **Only when the file has no such column** are they
inferred from the text: ``RT @handle:`` makes a retweet (its original unknown), a text starting
with ``@handle`` a reply to that account (``reply_to_post_id`` unknown), and mentions, hashtags
and links are read from the words; the row's ``origin`` then says
``inferred from text: kind, mentions, …``.

Without an account id (no ``user`` object, no ``user_id`` column), an account is known by its
handle only: its id is written ``handle:<lower-cased handle>``, the key the network builder
gives accounts known only by handle (:mod:`swchat.network.build`); such an account does not
merge with the same person's id from another export. Each row gives an account snapshot of its
author taken at the tweet's time.

Examples
--------
>>> from swchat.readers.base import Source
>>> csv_text = ("datetime,content,retweet_count,like_count,username,url\\n"
...             "2026-09-02 19:05:00+00:00,@ann A1: yes #SWChat,0,2,bob,https://twitter.com/bob/status/5\\n")
>>> src = Source.from_bytes(csv_text.encode())
>>> sniff(src.head())
True
>>> post, account = read(src)
>>> post.row["post_id"], post.row["author_id"], post.row["kind"], post.row["reply_to_handle"]
('5', 'handle:bob', 'reply', 'ann')
>>> post.row["origin"]
'inferred from text: kind, mentions, hashtags, urls'
"""

from __future__ import annotations

import ast
import csv
import functools
import io
import re
from collections.abc import Iterator
from itertools import islice
from typing import Any

import orjson

from ..errors import InputFormatError
from ..schema import new_account, new_post, validate_account, validate_post
from .base import Account, Head, Item, Note, Post, Rejected, Source
from .common import RECORD_ERRORS, iso_time, lead_mention, retweet_text, unique
from .detect import Format, register
from .sheets import handle_id, infer_kind, text_entities, whole, x_id
from .snscrape import INFERRED
from .xcommon import csv_encoding, csv_records, plain_text, source_label, status_url

__all__ = ["COLUMNS", "FORMAT", "read", "sniff"]

#: Column roles → the normalised header names that fill them (lower case, letters and digits only).
COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("id", "tweetid"),
    "url": ("url", "tweeturl"),
    "date": ("date", "datetime"),
    "text": ("rawcontent", "content", "text", "renderedcontent"),
    "username": ("username", "userusername", "userscreenname"),
    "user": ("user",),
    "user_id": ("userid", "useridstr", "authorid"),
    "name": ("displayname", "userdisplayname", "name"),
    "followers": ("followerscount", "userfollowerscount", "followers"),
    "following": ("friendscount", "userfriendscount", "followingcount", "following"),
    "location": ("location", "userlocation"),
    "reply_count": ("replycount",),
    "repost_count": ("retweetcount",),
    "like_count": ("likecount",),
    "quote_count": ("quotecount",),
    "conversation_id": ("conversationid",),
    "lang": ("lang", "language"),
    "source_label": ("sourcelabel",),
    "source": ("source",),
    "reply_to_id": ("inreplytotweetid", "inreplytostatusid"),
    "reply_to_user": ("inreplytouser",),
    "reply_to_user_id": ("inreplytouserid",),
    "reply_to_handle": ("inreplytousername", "inreplytouserusername", "inreplytoscreenname"),
    "retweeted": ("retweetedtweet", "retweetedtweetid"),
    "quoted": ("quotedtweet", "quotedtweetid"),
    "mentions": ("mentionedusers", "mentions"),
    "hashtags": ("hashtags",),
    "links": ("links", "outlinks"),
}
#: Columns that another X spreadsheet has and snscrape's never does (TAGS, twarc-csv, rtweet,
#: Twitter Archiver): such files are left to their own readers.
_OTHERS = ("idstr", "fromuser", "authorusername", "screenname", "statusid", "createdat", "tweettext")

#: What pandas (and R) write for a missing value.
_EMPTY = ("nan", "NaN", "None", "NA", "null")
_NUMBER = re.compile(r"^\s*['=\"]*[\d.,eE+\-]+\"?\s*$")


@functools.cache
def _status() -> re.Pattern[str]:
    """A post's address on X (compiled on first use: the CLI starts fast without it)."""
    return re.compile(r"(?:twitter|x)\.com/(?:#!/)?([A-Za-z0-9_]{1,15})/status(?:es)?/(\d+)", re.IGNORECASE)


@functools.cache
def _profile() -> re.Pattern[str]:
    """A profile's address on X (compiled on first use)."""
    return re.compile(r"(?:twitter|x)\.com/(?:#!/)?([A-Za-z0-9_]{1,15})/?(?:$|[?#'\"\s,)])", re.IGNORECASE)


_KEY_STR = r"""(?<![\w'"])['"]?{key}['"]?\s*[:=]\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")"""
_KEY_NUM = r"""(?<![\w'"])['"]?{key}['"]?\s*[:=]\s*['"]?(\d+)"""


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _roles(header: list[str]) -> dict[str, int]:
    """Which column fills each role (the first that matches, in the order of :data:`COLUMNS`)."""
    index: dict[str, int] = {}
    for i, name in enumerate(header):
        index.setdefault(_norm(name), i)
    roles = {}
    for role, names in COLUMNS.items():
        for name in names:
            if name in index:
                roles[role] = index[name]
                break
    return roles


def _header(data: bytes) -> tuple[list[str], list[str]]:
    """The header and the first record of a CSV head (either may be cut short)."""
    text = data.decode(csv_encoding(data), "replace").lstrip("\ufeff")
    try:
        rows = list(islice(csv.reader(io.StringIO(text)), 2))
    except csv.Error:
        return [], []
    return (rows[0] if rows else []), (rows[1] if len(rows) > 1 else [])


def sniff(head: Head) -> bool | str | None:
    """A CSV with a time (``date``/``datetime``), a text (``rawContent``/``content``/``text``)
    and the tweet's ``id`` or status ``url``, an author (``username``/``user``, or the url),
    and none of the columns of the other X spreadsheets.

    Examples
    --------
    >>> sniff(Source.from_bytes(b"Datetime,Tweet Id,Text,Username\\n2022-07-19 05:20:35+00:00,5,hi,ann\\n").head())
    True
    >>> sniff(Source.from_bytes(b"id_str,from_user,text,created_at\\n").head()) is None
    True
    """
    if b"," not in head.first_line:
        return None
    header, first = _header(head.data)
    names = {_norm(n) for n in header}
    if names & set(_OTHERS):
        return None
    roles = _roles(header)
    if not {"date", "text"} <= roles.keys() or not ({"id", "url"} & roles.keys()):
        return None
    if not ({"username", "user", "url"} & roles.keys()):
        return None
    if "url" in roles and "id" not in roles and len(first) == len(header) \
            and not _status().search(first[roles["url"]]):
        return None  # a url column that is not the tweet's address
    return True


# --------------------------------------------------------------------------- values


def _plain_id(value: str | None) -> str | None:
    """An id inside a nested object (a number or digits); ``None`` for anything else."""
    if not value:
        return None
    text = value.strip()
    return text if text.isdigit() else None


def _parsed(value: str) -> Any:
    """A nested object as written: JSON, a Python literal, or the text itself."""
    text = value.strip()
    if text[:1] in ("{", "["):
        try:
            return orjson.loads(text)
        except orjson.JSONDecodeError:
            pass
        if len(text) < 200_000:
            try:
                return ast.literal_eval(text)
            except (ValueError, SyntaxError, MemoryError, RecursionError, TypeError):
                pass
    return text


def _key(text: str, key: str) -> str | None:
    """The first ``key: 'value'`` / ``key='value'`` in a repr that did not parse."""
    match = re.search(_KEY_STR.format(key=key), text)
    if match:
        return match.group(1) if match.group(1) is not None else match.group(2)
    match = re.search(_KEY_NUM.format(key=key), text)
    return match.group(1) if match else None


def _user(value: str | None) -> tuple[str | None, str | None, str | None]:
    """``(id, handle, display name)`` of a user written as a repr, JSON or a profile address."""
    if not value:
        return None, None, None
    parsed = _parsed(value)
    if isinstance(parsed, dict):
        uid = parsed.get("id")
        return (_plain_id(str(uid)) if uid is not None else None, parsed.get("username") or None,
                parsed.get("displayname") or None)
    text = str(parsed)
    handle = _key(text, "username")
    if handle is None:
        match = _profile().search(text) or _status().search(text)
        handle = match.group(1) if match else None
    return _plain_id(_key(text, "id")), handle, _key(text, "displayname")


def _tweet_ref(value: str | None) -> tuple[str | None, str | None]:
    """``(id, author handle)`` of a nested tweet written as a repr, JSON, its address or its id.

    Raises ``ValueError`` for an id a spreadsheet or pandas rounded (``1.549e+18``)."""
    if not value:
        return None, None
    if _NUMBER.match(value):
        return x_id(value, "id", main=False), None  # raises for an id that lost its digits
    parsed = _parsed(value)
    if isinstance(parsed, dict):
        uid = parsed.get("id")
        user = parsed.get("user")
        handle = user.get("username") if isinstance(user, dict) else None
        if handle is None and isinstance(parsed.get("url"), str):
            match = _status().search(parsed["url"])
            handle = match.group(1) if match else None
        return (_plain_id(str(uid)) if uid is not None else None), handle
    text = str(parsed)
    match = _status().search(text)
    if match:
        return match.group(2), match.group(1)
    return _plain_id(_key(text, "id")), _key(text, "username")


def _names(value: str | None, key: str) -> list[str]:
    """A list column (hashtags, mentioned users, links) as strings: plain items, or each dict's ``key``."""
    if not value:
        return []
    parsed = _parsed(value)
    if isinstance(parsed, list):
        out = []
        for item in parsed:
            if isinstance(item, dict):
                out.append(str(item.get(key) or ""))
            elif isinstance(item, str):
                out.append(item)
        return unique(out)
    text = str(parsed)
    if text.startswith("[") and ("{" in text or "(" in text):  # a list of reprs that did not parse
        found = re.findall(_KEY_STR.format(key=key), text)
        if found:
            return unique(a or b for a, b in found)
        if key == "username":
            return unique(m.group(1) for m in _profile().finditer(text))
        return []
    return unique(p.strip().strip("'\"[]") for p in re.split(r"[,\s]+", text) if p.strip().strip("'\"[]"))


# --------------------------------------------------------------------------- conversion


class _Row:
    """One CSV record: the value of each role (``None`` when empty or when there is no column)."""

    __slots__ = ("fields", "header", "roles")

    def __init__(self, header: list[str], roles: dict[str, int], fields: list[str]) -> None:
        self.header = header
        self.roles = roles
        self.fields = fields

    def name(self, role: str) -> str:
        """The header name of the column that fills ``role``."""
        index = self.roles.get(role)
        return self.header[index] if index is not None else role

    def __call__(self, role: str) -> str | None:
        index = self.roles.get(role)
        if index is None:
            return None
        value = self.fields[index]
        if role == "text":
            return value or None
        value = value.strip()
        return value if value and value not in _EMPTY else None


def _ref(row: _Row, role: str, lost: set[str]) -> str | None:
    """An id a column refers to; one a spreadsheet or pandas rounded (``1.549e+18``: a column
    with gaps becomes floats) is dropped, and its column noted in ``lost``."""
    value = row(role)
    if value is None:
        return None
    try:
        return x_id(value, row.name(role), main=False)
    except ValueError:
        lost.add(row.name(role))
        return None


def _nested(row: _Row, role: str, lost: set[str]) -> tuple[str | None, str | None]:
    """:func:`_tweet_ref` of a column; a rounded id is dropped and its column noted in ``lost``."""
    try:
        return _tweet_ref(row(role))
    except ValueError:
        lost.add(row.name(role))
        return None, None


def _convert(row: _Row, lost: set[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The validated canonical row of one record and its author's account row.

    Ids in columns that lost their digits are left out and their columns added to ``lost``;
    the post's own id then comes from its ``url``.
    """
    roles = row.roles
    url = row("url")
    status = _status().search(url) if url else None
    try:
        post_id = x_id(row("id"), row.name("id")) if "id" in roles else None
    except ValueError as exc:
        if status is None:
            raise ValueError(f"{exc}; the url column gives no tweet id either") from None
        post_id = None
    post_id = post_id or (status.group(2) if status else None)
    if post_id is None:
        raise ValueError("no tweet id: the id column is empty and the url is not a tweet's address")
    created_at = iso_time(row("date"), row.name("date"))
    text = plain_text(row("text")) or ""

    user_id, handle, name = _user(row("user"))
    handle = row("username") or handle or (status.group(1) if status else None)
    name = row("name") or name
    author_id = _ref(row, "user_id", lost) or user_id
    if author_id is None:
        if not handle:
            raise ValueError("no author: neither a user id nor a handle")
        author_id = handle_id(handle)

    inferred: list[str] = []
    guessed_kind, guessed_parent, guessed_original = infer_kind(text)
    kind = "original"
    reply_to: tuple[str | None, str | None, str | None] = (None, None, None)
    retweeted_id = quoted_id = None
    rt_handle: str | None = None
    if "retweeted" in roles:
        retweeted_id, rt_handle = _nested(row, "retweeted", lost)
        if row("retweeted"):
            kind = "retweet"
            rt_handle = rt_handle or guessed_original
    elif guessed_kind == "retweet":
        kind, rt_handle = "retweet", guessed_original
        inferred.append("kind")
    if kind != "retweet":
        quoted_id = _nested(row, "quoted", lost)[0]
        if {"reply_to_id", "reply_to_user", "reply_to_user_id"} & roles.keys():
            parent = _ref(row, "reply_to_id", lost)
            p_id, p_handle, _ = _user(row("reply_to_user"))
            p_id = _ref(row, "reply_to_user_id", lost) or p_id
            p_handle = row("reply_to_handle") or p_handle
            if parent is None and row("reply_to_id") and not p_handle:
                p_handle = guessed_parent  # the parent's id was lost: its author is the leading @handle
            if parent or p_id or p_handle:
                kind = "reply"
                reply_to = (parent, p_id or (handle_id(p_handle) if p_handle else None), p_handle)
        elif guessed_kind == "reply" and guessed_parent:
            kind = "reply"
            reply_to = (None, handle_id(guessed_parent), guessed_parent)
            inferred.append("kind")
        if kind == "original" and quoted_id:
            kind = "quote"

    hashtags, mentions, urls = text_entities(text)
    if "mentions" in roles:
        mentions = _names(row("mentions"), "username")
    else:
        inferred.append("mentions")
    if "hashtags" in roles:
        hashtags = [h.lstrip("#＃") for h in _names(row("hashtags"), "tag")]
    else:
        inferred.append("hashtags")
    if "links" in roles:
        urls = _names(row("links"), "url")
    else:
        inferred.append("urls")
    if kind == "retweet":
        if rt_handle and not text.startswith("RT @"):
            text = retweet_text(rt_handle, text)
        mentions = lead_mention(rt_handle, mentions)

    post = validate_post(new_post(
        platform="x",
        post_id=post_id,
        url=status_url(handle, post_id),
        created_at=created_at,
        author_id=author_id,
        author_handle=handle,
        author_name=name,
        text=text,
        kind=kind,
        is_quote=quoted_id is not None,
        reply_to_post_id=reply_to[0],
        reply_to_author_id=reply_to[1],
        reply_to_handle=reply_to[2],
        quoted_post_id=quoted_id,
        retweeted_post_id=retweeted_id,
        conversation_id=_ref(row, "conversation_id", lost),
        hashtags=hashtags,
        mentions=mentions,
        urls=urls,
        lang=row("lang"),
        source_app=row("source_label") or source_label(row("source")),
        like_count=whole(row("like_count")),
        repost_count=whole(row("repost_count")),
        reply_count=whole(row("reply_count")),
        quote_count=whole(row("quote_count")),
        origin=INFERRED + ", ".join(inferred) if inferred else None,
    ))
    account = validate_account(new_account(
        platform="x",
        account_id=author_id,
        handle=handle,
        name=name,
        followers=whole(row("followers")),
        following=whole(row("following")),
        location=row("location"),
        snapshot_at=created_at,
    ))
    return post, account


def _csv_text(fields: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(fields)
    return out.getvalue()


def read(source: Source) -> Iterator[Item]:
    """Yield the posts, account snapshots and rejected records of an snscrape CSV.

    ``line`` is the physical line where the record starts.

    Raises
    ------
    InputFormatError
        The header lacks a time, a text, or both the id and the url columns.
    """
    header: list[str] | None = None
    roles: dict[str, int] = {}
    lost: set[str] = set()
    noted: set[str] = set()
    for line, fields in csv_records(source, csv_encoding(source.head().data)):
        if isinstance(fields, Rejected):
            yield fields
            continue
        if header is None:
            header = fields
            roles = _roles(header)
            missing = [r for r in ("date", "text") if r not in roles]
            if "id" not in roles and "url" not in roles:
                missing.append("id or url")
            if missing:
                raise InputFormatError(
                    f"{source.name} is not an snscrape CSV: no {', '.join(missing)} column", source.name)
            continue
        if len(fields) != len(header):
            yield Rejected(line, f"expected {len(header)} fields, found {len(fields)}", _csv_text(fields))
            continue
        try:
            post, account = _convert(_Row(header, roles, fields), lost)
        except RECORD_ERRORS as exc:
            reason = str(exc) if isinstance(exc, ValueError) else f"malformed row ({exc!r})"
            yield Rejected(line, reason, _csv_text(fields))
            continue
        if lost - noted:
            for column in sorted(lost - noted):
                yield Note(line, f"the ids in column {column!r} were written as rounded numbers (pandas "
                                 "writes a column with gaps as floats): they are left out from here on")
            noted |= lost
        yield Post(post, orjson.dumps(dict(zip(header, fields, strict=True))), line)
        yield Account(account)


FORMAT = register(Format(
    name="snscrape-csv",
    label="snscrape tweets saved as CSV (pandas to_csv)",
    sniff=sniff,
    read=read,
))
