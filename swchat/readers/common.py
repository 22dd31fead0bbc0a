"""Helpers shared by the readers of the federated platforms (Mastodon, Bluesky).

- :func:`iso_time` — a lenient ISO-8601 parser: any number of fraction digits (milli-, micro-,
  nanoseconds), ``Z`` or an offset, ``T`` or a space; the result is the canonical ISO UTC text
  of :func:`swchat.schema.iso_utc`;
- :func:`first_value` — the first value under an :mod:`ijson` prefix of a head that may be cut
  short, for sniffing;
- :func:`reason` — a rejection reason from a conversion error;
- :func:`host_of` — the host of a web address.

Examples
--------
>>> iso_time("2025-05-03T14:06:22.189401Z")
'2025-05-03T14:06:22.189Z'
>>> iso_time("2025-05-19T02:03:20.286393+02:00")
'2025-05-19T00:03:20.286Z'
>>> iso_time("2024-11-08T10:15:51.123456789Z")
'2024-11-08T10:15:51.123Z'
>>> host_of("https://Mastodon.Social/@ann")
'mastodon.social'
"""

from __future__ import annotations

import functools
import io
import re
from collections.abc import Callable, Hashable, Iterator
from datetime import UTC, datetime, timedelta, timezone
from operator import itemgetter
from typing import Any, BinaryIO
from urllib.parse import urlsplit

from ..schema import KINDS, PLATFORMS, POST_COLUMNS, is_iso_time, validate_post
from .base import Head, Post, PostValues, Rejected, Source, raw_json

__all__ = [
    "BOM",
    "RECORD_ERRORS",
    "FromFirstBracket",
    "canonical_row",
    "first_record",
    "first_value",
    "host_of",
    "iso_time",
    "json_records",
    "lead_mention",
    "plain_values",
    "post_facts",
    "post_item",
    "reason",
    "retweet_text",
    "unique",
]

#: Exceptions that mean "this one record is malformed": readers reject the record and go on.
RECORD_ERRORS = (ValueError, KeyError, TypeError, AttributeError, IndexError)
#: The UTF-8 byte order mark some tools write before JSON.
BOM = b"\xef\xbb\xbf"


@functools.cache
def _iso() -> re.Pattern[str]:
    """A lenient ISO-8601 time (compiled on first use: the CLI starts fast without it)."""
    return re.compile(
        r"^\s*(\d{4})-(\d\d)-(\d\d)(?:[T ](\d\d):(\d\d)(?::(\d\d)(?:[.,](\d+))?)?)?"
        r"\s*(Z|z|[+-]\d\d(?::?\d\d)?)?\s*$"
    )


@functools.lru_cache(maxsize=8192)
def _parse(value: str) -> str | None:
    match = _iso().match(value)
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    micro = int((fraction or "0")[:6].ljust(6, "0"))
    tz: timezone = UTC
    if zone and zone not in ("Z", "z"):
        sign = -1 if zone[0] == "-" else 1
        digits = zone[1:].replace(":", "")
        offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:4] or 0))
        tz = timezone(sign * offset)
    try:
        when = datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0),
                        int(second or 0), micro, tzinfo=tz)
        when = when.astimezone(UTC)
    except (ValueError, OverflowError):
        return None
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"


def iso_time(value: Any, what: str = "created_at") -> str:
    """Convert an ISO-8601 time to canonical ISO UTC text with milliseconds.

    Fractions of any length are cut (not rounded) to milliseconds, as :func:`~swchat.schema.iso_utc`
    does; a time without a zone is taken to be UTC.

    Parameters
    ----------
    value : str
        The time as the source gives it.
    what : str
        The field's name, for the error message.

    Raises
    ------
    ValueError
        When ``value`` is missing or not an ISO-8601 time.

    Examples
    --------
    >>> iso_time("2022-11-06T03:24:27Z")
    '2022-11-06T03:24:27.000Z'
    >>> iso_time("yesterday")
    Traceback (most recent call last):
    ...
    ValueError: created_at is not an ISO-8601 time: 'yesterday'
    """
    if not isinstance(value, str) or not value:
        raise ValueError(f"{what} is missing")
    if len(value) == 24 and value[10] == "T" and value[19] == "." and value[23] == "Z":
        return value
    parsed = _parse(value)
    if parsed is None:
        raise ValueError(f"{what} is not an ISO-8601 time: {value!r}")
    return parsed


def first_value(head: Head, prefix: str) -> Any:
    """The first JSON value under ``prefix`` (an :mod:`ijson` prefix) in the head of an input.

    ``None`` when there is none or when the head breaks off before the value is complete.
    Containers nested deeper than :data:`~swchat.readers.base.SNIFF_DEPTH` are ``None`` in the
    value (see :attr:`~swchat.readers.base.Head.shallow`): sniffing takes bounded time and memory.

    Examples
    --------
    >>> from swchat.readers.base import Source
    >>> first_value(Source.from_bytes(b'{"feed": [{"post": {"uri": "at://x"}}, {"po').head(), "feed.item")
    {'post': {'uri': 'at://x'}}
    """
    import ijson  # here, not at the top: the CLI starts fast without it

    data = head.shallow.lstrip(b"\xef\xbb\xbf \t\r\n")
    try:
        return next(ijson.items(io.BytesIO(data), prefix, use_float=True, multiple_values=True))
    except (ijson.JSONError, ijson.IncompleteJSONError, UnicodeDecodeError, StopIteration):
        return None


def reason(exc: BaseException, what: str = "record") -> str:
    """A rejection reason from a conversion error.

    Examples
    --------
    >>> reason(KeyError("uri"), "status")
    "status has no 'uri'"
    """
    if isinstance(exc, ValueError):
        return str(exc)
    if isinstance(exc, KeyError):
        return f"{what} has no {exc}"
    return f"malformed {what} ({type(exc).__name__}: {exc})"


def host_of(url: Any) -> str | None:
    """The lower-cased host of a web address (``None`` when there is none).

    Examples
    --------
    >>> host_of("http://localhost:3000/@ann/1")
    'localhost'
    >>> host_of(None) is None
    True
    """
    if not isinstance(url, str) or "://" not in url:
        return None
    return _host(url)


@functools.lru_cache(maxsize=4096)
def _host(url: str) -> str | None:
    """:func:`host_of` a text address: a file names the same profiles again and again."""
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    return host or None


#: account rows remembered per file by :func:`remembered` (a few MB at most)
KNOWN_ACCOUNTS = 5_000


def remembered(key: Hashable, snapshot_at: str | None, known: dict[Any, dict[str, Any] | None],
               make: Callable[[], dict[str, Any] | None]) -> dict[str, Any] | None:
    """``make()``, an account row (``None``: no account), as of ``snapshot_at``. An export
    repeats each author's account with every post: one met before in the file under the same
    ``key`` (``known``, the file's memory of them) is not made again; only ``snapshot_at``
    differs, left empty when it is no time (as :func:`~swchat.schema.validate_account` leaves it).

    Examples
    --------
    >>> made = []
    >>> def make():
    ...     made.append("9")
    ...     return {"account_id": "9", "snapshot_at": None}
    >>> known = {}
    >>> [remembered(("9",), at, known, make)["snapshot_at"] for at in ("2026-09-02T19:00:00.000Z", "not a time")]
    ['2026-09-02T19:00:00.000Z', None]
    >>> made
    ['9']
    """
    row = known.get(key)
    if row is None:
        if key in known:
            return None
        if len(known) >= KNOWN_ACCOUNTS:
            known.clear()  # memory stays bounded on a file of ever new accounts
        row = known[key] = make()
        if row is None:
            return None
    return {**row, "snapshot_at": snapshot_at if snapshot_at is None or is_iso_time(snapshot_at) else None}


def remembered_account(account: dict[str, Any], snapshot_at: str | None,
                       known: dict[Any, dict[str, Any] | None],
                       convert: Callable[[dict[str, Any]], dict[str, Any] | None]) -> dict[str, Any] | None:
    """``convert(account)``, the account row of an account object, :func:`remembered` by the
    object's bytes: one met before in the file, byte for byte, is not converted again.

    Examples
    --------
    >>> made = []
    >>> def convert(account):
    ...     made.append(account["id"])
    ...     return {"account_id": account["id"], "snapshot_at": None}
    >>> known = {}
    >>> [remembered_account({"id": "9"}, at, known, convert)["snapshot_at"]
    ...  for at in ("2026-09-02T19:00:00.000Z", "not a time")]
    ['2026-09-02T19:00:00.000Z', None]
    >>> made
    ['9']
    """
    return remembered(raw_json(account), snapshot_at, known, lambda: convert(account))


class FromFirstBracket(io.RawIOBase):
    """A binary stream that starts at the first ``[`` or ``{`` of another one.

    Skips a BOM, or the ``window.YTD.tweets.part0 =`` assignment of an X archive file. Each read
    takes one piece of ``stream`` (``read1``), so when a damaged ``.gz`` raises, everything
    before the damage has been handed on.
    """

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self._read = getattr(stream, "read1", stream.read)
        self._pending = b""
        self._started = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if not self._started:
            while True:
                chunk = self._read(1 << 16)
                if not chunk:
                    self._started = True
                    break
                starts = [i for i in (chunk.find(b"["), chunk.find(b"{")) if i >= 0]
                if starts:
                    self._pending = chunk[min(starts):]
                    self._started = True
                    break
        if self._pending:
            n = min(len(buffer), len(self._pending))
            buffer[:n] = self._pending[:n]
            self._pending = self._pending[n:]
            return n
        data = self._read(len(buffer))
        n = len(data)
        buffer[:n] = data
        return n


def json_records(source: Source, prefix: str) -> Iterator[tuple[int, Any]]:
    """Stream the JSON values under ``prefix`` (an :mod:`ijson` prefix) of a JSON document.

    Yields ``(record_number, value)`` from 1. Anything before the first ``[`` or ``{`` (a BOM,
    an archive's ``window.YTD… =``) is skipped, and several concatenated documents are read in
    turn. When the JSON breaks, a :class:`~swchat.readers.base.Rejected` is yielded for the
    record that follows the last good one, and reading stops: nothing after a syntax error in
    one document can be trusted. An integer beyond 64 bits is no syntax error: the document is
    then read on with ijson's pure-Python parser, which reads it exactly (the reader decides
    what to do with the value; raw records keep it as text, see
    :func:`~swchat.readers.base.raw_json`).

    Examples
    --------
    >>> src = Source.from_bytes(b'[{"a": 1}, {"a": 2.5}, {"a": ')
    >>> list(json_records(src, "item"))  # doctest: +ELLIPSIS
    [(1, {'a': 1}), (2, {'a': 2.5}), (3, Rejected(line=3, reason='not valid JSON after record 2 ...
    """
    import ijson

    number = 0
    slow = False  # the pure-Python parser, for a document with an integer beyond 64 bits
    while True:
        with source.open() as stream:
            # unbuffered: a read that fails (a damaged .gz) then loses nothing read before it
            body = FromFirstBracket(stream)
            try:
                values = (_python_items() or ijson.items) if slow else ijson.items
                for index, value in enumerate(values(body, prefix, use_float=True, multiple_values=True), 1):
                    if index <= number:
                        continue  # read before the parser was changed
                    number = index
                    yield number, value
                return
            except (ijson.JSONError, UnicodeDecodeError) as exc:
                message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                if "integer overflow" in message and not slow and _python_items() is not None:
                    # yajl stops at an integer beyond 64 bits: read again with the Python parser
                    # (slower, exact), going on after the records already read
                    slow = True
                    continue
                reason = (f"not valid JSON after record {number} ({message}); "
                          "the rest of the input cannot be read")
                yield number + 1, Rejected(number + 1, reason, "")
                return


@functools.cache
def _python_items() -> Any:
    """``ijson.items`` of the pure-Python backend, which reads integers of any size (``None`` when
    it is missing)."""
    import ijson

    try:
        return ijson.get_backend("python").items
    except Exception:  # pragma: no cover - the Python backend ships with ijson
        return None


def _top_keys(data: bytes) -> dict[str, Any]:
    """The top-level keys of a JSON object that may be cut short, with their scalar values."""
    import ijson

    keys: dict[str, Any] = {}
    try:
        for prefix, event, value in ijson.parse(io.BytesIO(data), use_float=True):
            if prefix == "" and event == "map_key":
                keys[value] = True
            elif prefix in keys and event in ("string", "number", "boolean", "null"):
                keys[prefix] = value
    except (ijson.JSONError, UnicodeDecodeError):
        pass
    return keys


def first_record(head: Head) -> Any:
    """The first record of a JSON input, for sniffing: the first value of a JSON-lines input
    (the first element when it is an array), or of a document that may go on past the head.

    For an object too large for the head, a dict of its top-level keys is returned (scalar
    values filled in, others ``True``). ``None`` when nothing can be made of it. Only the head is
    parsed, with containers nested deeper than :data:`~swchat.readers.base.SNIFF_DEPTH` left
    ``None`` (see :attr:`~swchat.readers.base.Head.shallow`).

    Examples
    --------
    >>> first_record(Source.from_bytes(b'[\\n {"id_str": "1"},\\n {"id_str": "2"}\\n]').head())
    {'id_str': '1'}
    """
    if head.first_json is not None:
        value = head.first_json
        return (value[0] if value else None) if isinstance(value, list) else value
    data = head.shallow.lstrip(BOM + b" \t\r\n")
    if data[:1] not in (b"[", b"{"):
        return None
    import ijson

    if data[:1] == b"[":
        try:
            return next(ijson.items(io.BytesIO(data), "item", use_float=True))
        except (ijson.JSONError, UnicodeDecodeError, StopIteration):
            return None
    try:
        return next(ijson.items(io.BytesIO(data), "", use_float=True, multiple_values=True))
    except (ijson.JSONError, UnicodeDecodeError, StopIteration):
        return _top_keys(data) or None


def unique(values) -> list:
    """The values in order, each kept once (exact comparison)."""
    return list(dict.fromkeys(v for v in values if v))


def retweet_text(handle: str | None, original_text: str) -> str:
    """A retweet's canonical text: ``RT @handle: `` followed by the original's full text."""
    return f"RT @{handle or 'unknown'}: {original_text}"


def lead_mention(handle: str | None, mentions: list[str]) -> list[str]:
    """``mentions`` with ``handle`` first (a retweet's mentions start with the retweeted account).

    A handle already among the mentions in another letter case is moved, not repeated, keeping
    the entities' spelling.

    Examples
    --------
    >>> lead_mention("swchathost", ["ann", "SWChatHost"])
    ['SWChatHost', 'ann']
    >>> lead_mention(None, ["ann"])
    ['ann']
    """
    if not handle:
        return unique(mentions)
    folded = handle.lower()
    same = [m for m in mentions if m and m.lower() == folded]
    return unique([same[0] if same else handle, *mentions])


#: where the values of a post (:data:`~swchat.schema.POST_COLUMNS`, in order) are checked by :func:`plain_values`
_IDS = tuple(POST_COLUMNS.index(c) for c in ("reply_to_post_id", "reply_to_author_id", "quoted_post_id",
                                             "retweeted_post_id", "conversation_id"))
_TEXTS = tuple(POST_COLUMNS.index(c) for c in ("url", "author_handle", "author_name", "text", "reply_to_handle",
                                               "lang", "source_app"))
_LISTS = tuple(POST_COLUMNS.index(c) for c in ("hashtags", "mentions", "urls"))
_CREATED_AT, _COLLECTED_AT = POST_COLUMNS.index("created_at"), POST_COLUMNS.index("collected_at")
_REPLY_TO, _REPLY_AUTHOR = POST_COLUMNS.index("reply_to_post_id"), POST_COLUMNS.index("reply_to_author_id")
#: a file's posts share a few collection times (one a page): each is checked once
_collection_time = functools.lru_cache(maxsize=256)(is_iso_time)
_COUNTS = tuple(POST_COLUMNS.index(c) for c in ("like_count", "repost_count", "reply_count", "quote_count"))
_id_values, _text_values, _list_values, _count_values = (itemgetter(*at) for at in (_IDS, _TEXTS, _LISTS, _COUNTS))


def plain_values(values: tuple[Any, ...]) -> bool:
    """Whether :func:`~swchat.schema.validate_post` would pass the row of these values as it is
    (neither raise nor change a value): then a lean reader yields them as they are
    (:class:`~swchat.readers.base.PostValues`, no dict). The rest (an id given as a number, an
    empty id, a count as text, a time that is no real time, a hashtag that is no text …) goes the
    canonical way.

    Examples
    --------
    >>> from swchat.schema import new_post
    >>> row = new_post(platform="x", post_id="1", author_id="9", created_at="2026-09-02T19:00:00.000Z")
    >>> plain_values(tuple(row[c] for c in POST_COLUMNS)), plain_values(tuple({**row, "author_id": 9}[c]
    ...                                                                      for c in POST_COLUMNS))
    (True, False)
    """
    post_id, author_id = values[1], values[4]
    if post_id.__class__ is not str or not post_id or author_id.__class__ is not str or not author_id:
        return False
    collected = values[_COLLECTED_AT]
    if not is_iso_time(values[_CREATED_AT]) or (
            collected is not None and (collected.__class__ is not str or not _collection_time(collected))):
        return False
    if values[0] not in PLATFORMS or values[8] not in KINDS:
        return False
    if values[8] == "reply" and not values[_REPLY_TO] and not values[_REPLY_AUTHOR]:
        return False  # a reply must say what it replies to: validate_post rejects it
    ids = _id_values(values)
    if "" in ids:
        return False
    for v in ids:
        if v is not None and v.__class__ is not str:
            return False
    for v in _text_values(values):
        if v is not None and v.__class__ is not str:
            return False
    for v in _count_values(values):
        if v is not None and v.__class__ is not int:
            return False
    for values_list in _list_values(values):
        if values_list.__class__ is not list:
            return False
        for v in values_list:
            if v.__class__ is not str:
                return False
    return True


def post_facts(item: Post | PostValues) -> tuple[str, str]:
    """A post item's id and time (as validated), whichever form :func:`post_item` gave it.

    Examples
    --------
    >>> from swchat.schema import new_post
    >>> row = new_post(platform="x", post_id="1", author_id="9", created_at="2026-09-02T19:00:00.000Z")
    >>> post_facts(post_item(tuple(row[c] for c in POST_COLUMNS), None, 1, False, True))
    ('1', '2026-09-02T19:00:00.000Z')
    """
    if isinstance(item, PostValues):
        return item.values[1], item.values[_CREATED_AT]
    return item.row["post_id"], item.row["created_at"]


def post_item(values: tuple[Any, ...], raw: bytes | None, line: int, context: bool, lean: bool) -> Post | PostValues:
    """A post as a reader yields it: on the lean path, and when :func:`plain_values`, its values as
    they are (:class:`~swchat.readers.base.PostValues`); else a :class:`~swchat.readers.base.Post`
    of the validated canonical row (which raises what :func:`~swchat.schema.validate_post` raises).

    Examples
    --------
    >>> from swchat.schema import new_post
    >>> row = new_post(platform="x", post_id="1", author_id="9", created_at="2026-09-02T19:00:00.000Z")
    >>> values = tuple(row[c] for c in POST_COLUMNS)
    >>> [type(post_item(values, None, 1, False, lean)).__name__ for lean in (True, False)]
    ['PostValues', 'Post']
    """
    if lean and plain_values(values):
        return PostValues(values, raw, line, context)
    return Post(canonical_row(values), raw, line, context)


def canonical_row(values: tuple[Any, ...]) -> dict[str, Any]:
    """The validated canonical row of a post's values (the columns of
    :data:`~swchat.schema.POST_COLUMNS`, in order): what every lean reader's conversion gives.
    Raises what :func:`~swchat.schema.validate_post` raises."""
    return validate_post(dict(zip(POST_COLUMNS, values, strict=True)))
