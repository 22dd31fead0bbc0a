"""rtweet CSV exports (``write_as_csv`` / ``save_as_csv`` of the R package; format ``x-rtweet-csv``).

rtweet (0.6–0.7) writes one row per tweet with about 90 columns: ``user_id, status_id,
created_at, screen_name, text, source, reply_to_status_id, reply_to_user_id,
reply_to_screen_name, is_quote, is_retweet, favorite_count, retweet_count, quote_count,
reply_count, hashtags, …, urls_expanded_url, …, mentions_user_id, mentions_screen_name, lang,
quoted_status_id, quoted_text, quoted_created_at, …, retweet_status_id, retweet_text, …,
name, location, description, …, followers_count, friends_count, …, account_created_at``. Older
versions spell a few differently (``is_quote_status``, ``quote_status_id``, ``urls_expanded``);
columns are found by name.

How it is read:

- ids carry rtweet's ``x`` prefix (``x1329011017389469696``, which keeps spreadsheets from
  rounding them): it is dropped; an id a spreadsheet rounded anyway (``1.32901E+18``) makes the
  row rejected, never imported under a wrong id;
- ``created_at`` is UTC (rtweet converts every time to UTC), as ``2020-11-18 10:38:13`` or as a
  spreadsheet re-wrote it; ``tz`` does not apply;
- lists (hashtags, mentions, links) are space-separated; ``NA`` is missing; ``TRUE``/``FALSE``
  are flags; ``&amp;`` and the other entities X escapes are turned back;
- ``kind``: ``is_retweet`` (or a ``retweet_status_id``) → retweet of ``retweet_status_id``; a
  ``reply_to_status_id`` or ``reply_to_user_id`` → reply (a reply that quotes keeps
  ``is_quote``); ``is_quote`` (or a ``quoted_status_id``) → quote; else original;
- a retweet row's ``text`` is the original's full text: the canonical text is ``RT @handle: ``
  followed by it, its hashtags and mentions those of the full text (the retweeted account first),
  as from the API;
- the retweeted and quoted tweets (``retweet_*``, ``quoted_*`` columns) become context posts
  and their authors account snapshots; each row's author (``name``, ``description``,
  ``followers_count``, ``friends_count``, ``location``, ``account_created_at``) a snapshot taken
  at the tweet's time.

Excel's habits (BOM, ``;``, quoted newlines, CRLF) are handled by :mod:`swchat.readers.sheets`.
The raw record kept is the row as JSON (header → value); a row that cannot be used is rejected
with its line and the reason. The ``.users.csv`` file of ``save_as_csv`` (profiles, no tweets)
is refused with a reason.

Examples
--------
>>> header = "user_id,status_id,created_at,screen_name,text,is_quote,is_retweet,retweet_status_id,retweet_screen_name,mentions_screen_name,hashtags"
>>> row = 'x9,x1329011017389469696,2020-11-18 10:38:13,bob,Net zero &amp; #COP26Action,FALSE,TRUE,x1329009540621365249,COP26,COP26,'
>>> src = Source.from_bytes(f"{header}\\n{row}\\n".encode())
>>> sniff(src.head())
True
>>> post = next(read(src)).row
>>> post["kind"], post["post_id"], post["retweeted_post_id"], post["text"], post["hashtags"]
('retweet', '1329011017389469696', '1329009540621365249', 'RT @COP26: Net zero & #COP26Action', ['COP26Action'])
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson

from ..errors import InputFormatError
from ..schema import new_account, new_post, validate_account, validate_post
from .base import Account, Head, Item, Note, Post, Rejected, Source
from .common import RECORD_ERRORS, lead_mention, reason, remembered, retweet_text, unique
from .detect import Format, register
from .sheets import (
    Clock,
    DataRows,
    cell_text,
    fit,
    flag,
    handle_id,
    header_index,
    missing_columns_error,
    rounded_ids,
    row_json,
    row_keys,
    sheet_layout,
    split_list,
    tallied,
    text_entities,
    whole,
    x_id,
)
from .xcommon import plain_text, status_url

__all__ = ["FORMAT", "read", "sniff"]

_REQUIRED = ("status_id", "created_at", "screen_name", "text")
#: other spellings of a column in older rtweet versions
_ALIASES = {
    "is_quote": ("is_quote", "is_quote_status"),
    "quoted_status_id": ("quoted_status_id", "quote_status_id"),
    "urls_expanded_url": ("urls_expanded_url", "urls_expanded"),
}


def sniff(head: Head) -> bool | str | None:
    """A delimited text whose header has ``status_id``, ``screen_name``, ``text`` and
    ``is_retweet`` (or ``retweet_status_id``); rtweet's users file is refused with a reason.

    Examples
    --------
    >>> sniff(Source.from_bytes(b'"user_id","status_id","screen_name","text","is_retweet"\\n').head())
    True
    >>> sniff(Source.from_bytes(b'user_id,screen_name,name,followers_count,friends_count\\n').head())
    'holds X user profiles (the users file of rtweet), not posts'
    """
    if b"status_id" not in head.data[:8192] and b"screen_name" not in head.data[:8192]:
        return None
    layout = sheet_layout(head)
    if layout is None:
        return None
    columns = set(layout.header)
    if {"status_id", "screen_name", "text"} <= columns and ({"is_retweet", "retweet_status_id"} & columns):
        return True
    if ({"user_id", "screen_name", "followers_count"} <= columns and "status_id" not in columns
            and "text" not in columns):
        return "holds X user profiles (the users file of rtweet), not posts"
    return None


class _Sheet:
    """What a file's rows share: where each column is (by name, older spellings too), the names of
    a row's raw record, the columns of each referenced tweet's, and the account snapshots made."""

    def __init__(self, header: list[str], rounded: bool) -> None:
        self.index = index = header_index(header)
        # the places to look for a name, in turn
        self.at: dict[str, tuple[int, ...]] = {name: (i,) for name, i in index.items()}
        for name, aliases in _ALIASES.items():
            self.at[name] = tuple(index[alias] for alias in aliases if alias in index)
        self.rounded = rounded
        self.keys = row_keys(header)
        self.prefixed = {prefix: [(name, i) for name, i in index.items() if name.startswith(prefix)]
                         for prefix in ("retweet_", "quoted_")}
        #: the columns an account snapshot is made of, by prefix (see _account)
        self.account_columns = {prefix: [i for name in _ACCOUNT_COLUMNS if (i := index.get(prefix + name)) is not None]
                                for prefix in ("", "retweet_", "quoted_")}
        self.accounts: dict[tuple[Any, ...], dict[str, Any] | None] = {}


#: the columns (after a prefix) an account snapshot is made of: a snapshot made of the same cells,
#: with the clock knowing the same, is the same but for its time
_ACCOUNT_COLUMNS = ("user_id", "description", "name", "followers_count", "friends_count", "location",
                    "account_created_at")


class _Row:
    """One row's cells by column name (``None`` for empty and ``NA``)."""

    __slots__ = ("at", "fields", "index", "rounded")

    def __init__(self, sheet: _Sheet, fields: list[str]) -> None:
        self.index = sheet.index
        self.at = sheet.at
        self.fields = fields
        self.rounded = sheet.rounded

    def get(self, name: str) -> str | None:
        fields = self.fields
        for i in self.at.get(name, ()):
            value = fields[i].strip()
            if value and value != "NA":
                return value
        return None

    def text(self, name: str) -> str | None:
        i = self.index.get(name)
        if i is None:
            return None
        value = self.fields[i]
        if not value.strip() or value == "NA":
            return None
        return plain_text(cell_text(value, name))

    def id(self, name: str) -> str | None:
        return x_id(self.get(name), name, rounded=self.rounded and name == "status_id",
                    main=name == "status_id")


def _account(row: _Row, sheet: _Sheet, prefix: str, clock: Clock, snapshot_at: str,
             handle: str | None) -> dict | None:
    """An account snapshot from the author columns (``prefix`` ``""``) or ``retweet_``/``quoted_``:
    one made of the same cells before, while the clock knew the same of dates, is not made again."""
    key = (prefix, handle, clock.day_first, *(row.fields[i] for i in sheet.account_columns[prefix]))
    return remembered(key, snapshot_at, sheet.accounts, lambda: _new_account(row, prefix, clock, snapshot_at, handle))


def _new_account(row: _Row, prefix: str, clock: Clock, snapshot_at: str, handle: str | None) -> dict | None:
    """The account snapshot of :func:`_account`, made."""
    user_id = row.id(f"{prefix}user_id")
    if not user_id and not handle:
        return None
    created = row.get("account_created_at") if not prefix else None
    description = row.text(f"{prefix}description")
    return validate_account(new_account(
        platform="x",
        account_id=user_id or handle_id(handle or ""),
        handle=handle,
        name=row.text(f"{prefix}name"),
        description=description,
        followers=whole(row.get(f"{prefix}followers_count")),
        following=whole(row.get(f"{prefix}friends_count")),
        location=row.text(f"{prefix}location"),
        created_at=clock.date(created) if created else None,
        snapshot_at=snapshot_at,
    ))


def _context(row: _Row, sheet: _Sheet, prefix: str, clock: Clock,
             snapshot_at: str) -> tuple[dict, dict | None, bytes] | None:
    """The referenced tweet of a row (``retweet_`` or ``quoted_`` columns) as a context post."""
    post_id = row.id(f"{prefix}status_id")
    if not post_id:
        return None
    handle = (row.get(f"{prefix}screen_name") or "").lstrip("@") or None
    text = row.text(f"{prefix}text") or (row.text("text") if prefix == "retweet_" else None) or ""
    hashtags, mentions, urls = text_entities(text)
    user_id = row.id(f"{prefix}user_id")
    post = validate_post(new_post(
        platform="x",
        post_id=post_id,
        url=status_url(handle, post_id),
        created_at=clock.time(row.get(f"{prefix}created_at"), post_id),
        author_id=user_id or (handle_id(handle) if handle else None),
        author_handle=handle,
        author_name=row.text(f"{prefix}name"),
        text=text,
        hashtags=hashtags,
        mentions=mentions,
        urls=urls,
        source_app=row.get(f"{prefix}source"),
        like_count=whole(row.get(f"{prefix}favorite_count")),
        repost_count=whole(row.get(f"{prefix}retweet_count")),
    ))
    fields = row.fields
    columns = {name: fields[i] for name, i in sheet.prefixed[prefix]}
    return post, _account(row, sheet, prefix, clock, snapshot_at, handle), orjson.dumps(columns)


def _convert(row: _Row, sheet: _Sheet, clock: Clock) -> tuple[dict, dict | None]:
    """The validated canonical post and the author's account of one row."""
    post_id = row.id("status_id")
    if not post_id:
        raise ValueError("status_id is missing")
    handle = (row.get("screen_name") or "").lstrip("@") or None
    if not handle:
        raise ValueError("screen_name is missing")
    author_id = row.id("user_id") or handle_id(handle)
    created_at = clock.time(row.get("created_at"), post_id)
    text = row.text("text") or ""
    hashtags = split_list(row.get("hashtags"), "#")
    mentions = split_list(row.get("mentions_screen_name"), "@")
    urls = split_list(row.get("urls_expanded_url"))
    retweeted = row.id("retweet_status_id")
    quoted = row.id("quoted_status_id")
    parent, parent_author = row.id("reply_to_status_id"), row.id("reply_to_user_id")
    kind, is_quote = "original", False
    reply_to: tuple[str | None, str | None, str | None] = (None, None, None)
    if flag(row.get("is_retweet")) or retweeted:
        kind = "retweet"
        rt_handle = (row.get("retweet_screen_name") or "").lstrip("@") or None
        # the row's text is the original's full text: its tags and mentions are the original's
        tags, named, _ = text_entities(text)
        folded = {t.lower() for t in tags}
        hashtags = unique([*tags, *(h for h in hashtags if h.lower() not in folded)])
        folded = {m.lower() for m in named}
        mentions = lead_mention(rt_handle, [*named, *(m for m in mentions if m.lower() not in folded)])
        if rt_handle and not text.startswith("RT @"):
            text = retweet_text(rt_handle, text)
        quoted = None
    else:
        is_quote = flag(row.get("is_quote")) or quoted is not None
        if parent or parent_author:
            kind = "reply"
            reply_to = (parent, parent_author, (row.get("reply_to_screen_name") or "").lstrip("@") or None)
        elif is_quote:
            kind = "quote"
    post = validate_post(new_post(
        platform="x",
        post_id=post_id,
        url=status_url(handle, post_id),
        created_at=created_at,
        author_id=author_id,
        author_handle=handle,
        author_name=row.text("name"),
        text=text,
        kind=kind,
        is_quote=is_quote,
        reply_to_post_id=reply_to[0],
        reply_to_author_id=reply_to[1],
        reply_to_handle=reply_to[2],
        quoted_post_id=quoted,
        retweeted_post_id=retweeted if kind == "retweet" else None,
        hashtags=hashtags,
        mentions=mentions,
        urls=urls,
        lang=row.get("lang"),
        source_app=row.get("source"),
        like_count=whole(row.get("favorite_count")),
        repost_count=whole(row.get("retweet_count")),
        reply_count=whole(row.get("reply_count")),
        quote_count=whole(row.get("quote_count")),
    ))
    return post, _account(row, sheet, "", clock, created_at, handle)


def read(source: Source) -> Iterator[Item]:
    """Yield the posts, context posts, account snapshots, rejected rows and notes of an rtweet CSV.

    Raises
    ------
    InputFormatError
        The header lacks ``status_id``, ``created_at``, ``screen_name`` or ``text`` (the
        message lists the header).
    """
    head = source.head()
    layout = sheet_layout(head)
    if layout is None:
        raise InputFormatError(f"{source.name} is not an rtweet CSV: it has no header row", source.name)
    index = header_index(layout.header)
    missing = [name for name in _REQUIRED if name not in index]
    if missing:
        raise missing_columns_error(source, "an rtweet CSV", missing, layout.header)
    rounded = rounded_ids(head, layout, "status_id")
    clock = Clock("UTC", column="created_at", why="rtweet writes UTC")
    context_clock = Clock("UTC", column="created_at")
    width = len(layout.header)
    sheet = _Sheet(layout.header, rounded)
    rows = DataRows(source, layout)
    rows.prime([(clock, [index.get("created_at"), index.get("account_created_at")]),
                (context_clock, [index.get("retweet_created_at"), index.get("quoted_created_at")])])
    for item in rows:
        if isinstance(item, Rejected):
            yield item
            continue
        line, fields = item
        try:
            row = _Row(sheet, fit(fields, width))
            post, account = _convert(row, sheet, clock)
        except RECORD_ERRORS as exc:
            yield rows.rejected(line, fields, exc)
            continue
        yield Post(post, row_json(sheet.keys, row.fields), line)
        if account is not None:
            yield Account(account)
        for prefix, what in (("retweet_", "retweeted"), ("quoted_", "quoted")):
            try:
                found = _context(row, sheet, prefix, context_clock, post["created_at"])
            except RECORD_ERRORS as exc:
                yield Note(line, f"the {what} tweet could not be read: {reason(exc, 'row')}")
                continue
            if found is not None:
                context, context_account, raw = found
                yield Post(context, raw, line, context=True)
                if context_account is not None:
                    yield Account(context_account)
    yield from rows.end(clock, others=[context_clock])


FORMAT = register(Format(name="x-rtweet-csv", label="rtweet CSV (R package)", sniff=sniff, read=read,
                         stretches="csv", tallied=tallied))
