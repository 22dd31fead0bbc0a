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
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from urllib.parse import urlsplit

import ijson

from .base import Head

__all__ = ["RECORD_ERRORS", "first_value", "host_of", "iso_time", "reason"]

#: Exceptions that mean "this one record is malformed": readers reject the record and go on.
RECORD_ERRORS = (ValueError, KeyError, TypeError, AttributeError, IndexError)

_ISO = re.compile(
    r"^\s*(\d{4})-(\d\d)-(\d\d)(?:[T ](\d\d):(\d\d)(?::(\d\d)(?:[.,](\d+))?)?)?"
    r"\s*(Z|z|[+-]\d\d(?::?\d\d)?)?\s*$"
)


@functools.lru_cache(maxsize=8192)
def _parse(value: str) -> str | None:
    match = _ISO.match(value)
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

    Examples
    --------
    >>> from swchat.readers.base import Source
    >>> first_value(Source.from_bytes(b'{"feed": [{"post": {"uri": "at://x"}}, {"po').head(), "feed.item")
    {'post': {'uri': 'at://x'}}
    """
    data = head.data.lstrip(b"\xef\xbb\xbf \t\r\n")
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
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    return host or None
