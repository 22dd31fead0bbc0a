"""Helpers shared by the X (Twitter) readers: times, URLs, source apps, list building.

Examples
--------
>>> v1_time("Tue Mar 13 20:01:02 +0000 2012")
'2012-03-13T20:01:02.000Z'
>>> v2_time("2021-05-18T19:24:56.000Z")
'2021-05-18T19:24:56.000Z'
>>> v2_time("2023-01-08T23:02:38+00:00")
'2023-01-08T23:02:38.000Z'
>>> status_url("ann", "123")
'https://twitter.com/ann/status/123'
>>> source_label('<a href="https://mobile.twitter.com" rel="nofollow">Twitter Web App</a>')
'Twitter Web App'
>>> from swchat.readers.common import unique
>>> unique(["SWChat", "swchat", "SWChat"])
['SWChat', 'swchat']
>>> plain_text("Q1 &amp; A1 &lt;3")
'Q1 & A1 <3'
>>> link_url({"url": "https://t.co/x", "expanded_url": "https://example.org/a"})
'https://example.org/a'
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import UTC, datetime

from ..schema import iso_utc
from . import base
from .base import Rejected, Source

__all__ = [
    "RT_PREFIX",
    "csv_encoding",
    "csv_records",
    "link_url",
    "plain_text",
    "source_label",
    "status_url",
    "v1_time",
    "v2_time",
]

_MONTHS = {m: i for i, m in enumerate(
    ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1)}
_TAG = re.compile(r"<[^>]+>")
RT_PREFIX = re.compile(r"^RT @(\w{1,50}):\s?")


def v1_time(value: str) -> str:
    """Convert an X API v1.1 time (``Tue Mar 13 20:01:02 +0000 2012``) to canonical ISO UTC.

    Raises ``ValueError`` for anything else.
    """
    parts = value.split()
    if len(parts) != 6:
        raise ValueError(f"not a v1.1 time: {value!r}")
    _, mon, day, clock, offset, year = parts
    hh, mm, ss = clock.split(":")
    if offset == "+0000":
        return f"{int(year):04d}-{_MONTHS[mon]:02d}-{int(day):02d}T{int(hh):02d}:{int(mm):02d}:{int(ss):02d}.000Z"
    when = datetime.strptime(value, "%a %b %d %H:%M:%S %z %Y")
    return iso_utc(when)


def v2_time(value: str) -> str:
    """Convert an ISO-8601 time (X API v2, twarc metadata) to canonical ISO UTC with ms.

    Raises ``ValueError`` for a value that is not ISO-8601.
    """
    if len(value) == 24 and value[-1] == "Z" and value[10] == "T" and value[19] == ".":
        return value
    when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return iso_utc(when)


def status_url(handle: str | None, post_id: str) -> str:
    """The public address of a post on X."""
    if handle:
        return f"https://twitter.com/{handle}/status/{post_id}"
    return f"https://twitter.com/i/web/status/{post_id}"


def source_label(value: str | None) -> str | None:
    """The client name from a ``source`` field, without the HTML link around it."""
    if not value:
        return None
    return _TAG.sub("", value).strip() or None


def plain_text(text: str | None) -> str | None:
    """Tweet text with the HTML entities X escapes (``&amp;``, ``&lt;``, ``&gt;``) turned back.

    Examples
    --------
    >>> plain_text("fish &amp; chips")
    'fish & chips'
    """
    if text and "&" in text:
        from html import unescape  # here: the CLI starts fast without it

        return unescape(text)
    return text


def link_url(entity: dict) -> str | None:
    """The most expanded address of a URL entity: ``unwound_url`` (v2) or ``unwound.url``
    (v1.1 enterprise) > ``expanded_url`` > ``url``.

    Examples
    --------
    >>> link_url({"url": "https://t.co/x", "unwound_url": "https://example.org/full"})
    'https://example.org/full'
    """
    unwound = entity.get("unwound")
    return (
        entity.get("unwound_url")
        or (unwound.get("url") if isinstance(unwound, dict) else None)
        or entity.get("expanded_url")
        or entity.get("url")
        or None
    )


def csv_encoding(data: bytes) -> str:
    """Guess the text encoding of a CSV export from its first bytes.

    UTF-8 (with or without the BOM Excel writes) unless the bytes are not UTF-8, in which
    case the file is taken to be Windows-1252 (Excel's plain "CSV" on Windows).

    Examples
    --------
    >>> csv_encoding("id,text\\n1,caf\u00e9 noir".encode("utf-8"))
    'utf-8-sig'
    >>> csv_encoding("id,text\\n1,caf\u00e9 noir".encode("cp1252"))
    'cp1252'
    """
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(data) - 3:  # not just a character cut at the end of the head
            return "cp1252"
    return "utf-8-sig"


def csv_records(
    source: Source, encoding: str = "utf-8-sig", delimiter: str = ","
) -> Iterator[tuple[int, list[str] | Rejected]]:
    """Yield ``(line, fields)`` for each record of a CSV input, the header included.

    ``line`` is the physical line (from 1) where the record starts; a quoted field may span
    lines, so records and lines differ. Blank lines are skipped. A record the :mod:`csv`
    module cannot parse is yielded as a :class:`~swchat.readers.base.Rejected` and reading
    goes on. A BOM and CRLF line ends are handled. A line of more than
    :data:`~swchat.readers.base.LINE_LIMIT` characters is rejected (see
    :func:`~swchat.readers.base.long_line`) without being held whole, and reading goes on at the
    next line (a quoted field it was part of is lost with it).

    Examples
    --------
    >>> src = Source.from_bytes(b'\\xef\\xbb\\xbfid,text\\r\\n1,"two\\r\\nlines"\\r\\n2,b\\r\\n')
    >>> list(csv_records(src))
    [(1, ['id', 'text']), (2, ['1', 'two\\r\\nlines']), (4, ['2', 'b'])]
    """
    import csv  # here: an X JSON import loads this module and needs no CSV

    with source.open() as raw:
        text = io.TextIOWrapper(raw, encoding=encoding, errors="replace", newline="")
        lines = _Lines(text, source)
        ended = False  # a stretch's end checked: a record ends where the stretch does
        while True:  # a reader per stretch of lines between over-long ones
            reader = csv.reader(lines, delimiter=delimiter)
            start = lines.following
            while True:
                try:
                    fields = next(reader)
                except StopIteration:
                    break
                except csv.Error as exc:
                    yield start, Rejected(start, f"not valid CSV ({exc})", "")
                    start = lines.following
                    continue
                if lines.ended:  # the line after a stretch's end has been read: where did it go?
                    if fields == [_STRETCH_END]:
                        ended = True
                        break
                    if any(_STRETCH_END in f for f in fields):
                        raise _misfit(source, "a record goes on past")
                if fields and (len(fields) > 1 or fields[0]):
                    yield start, fields
                start = lines.following
            if lines.long is None:
                break
            number, size, prefix = lines.long
            yield number, base.long_line(source.name, number, size, prefix, unit="characters")
            lines.long = None
        if source.cut and not ended:
            raise _misfit(source, "no record ends at")


def _misfit(source: Source, what: str) -> base.StretchMisfit:
    """The error of a CSV stretch that does not end where a record does (see ``Source.cut``)."""
    end = source.window[1] if source.window else source.size or 0
    return base.StretchMisfit(f"{source.name}: {what} byte {end:,}, where the stretch ends")


#: a line read after the last of a stretch cut by counting quotes (see ``Source.cut``): a record
#: of its own if a record ends at the cut, else part of a quoted field (a noncharacter, no quote)
_STRETCH_END = "\ufdd0swchat: end of stretch\ufdd0"


class _Lines:
    """The lines of a text stream for :mod:`csv`, each at most :data:`~swchat.readers.base.LINE_LIMIT`
    characters: at a longer one, iteration stops (``long`` says which, how long, how it began)
    after skipping to its end, and a new iteration goes on after it."""

    def __init__(self, text: io.TextIOBase, source: Source) -> None:
        self._text = text
        self.number = 0  # the number of the last line read
        self.long: tuple[int, int, str] | None = None
        # a stretch after the header read before it: its first line's number in the whole file
        self._jump = (source.header.count(b"\n") + 1, source.window[2]) if source.header and source.window else None
        self._cut = source.cut  # a line follows the last: see _STRETCH_END
        self.ended = False  # that line has been read

    @property
    def following(self) -> int:
        """The number of the next line to be read."""
        after = self.number + 1
        return self._jump[1] if self._jump is not None and after == self._jump[0] else after

    def __iter__(self) -> Iterator[str]:
        limit = base.LINE_LIMIT
        readline = self._text.readline
        while line := readline(limit + 1):
            self.number = self.following
            if len(line) <= limit:
                yield line
                continue
            size, prefix, last = len(line), line[:base.REJECTED_KEEP], line[-2:]
            del line
            while not last.endswith(("\n", "\r")) and (rest := readline(1 << 20)):  # skip to its end
                size += len(rest)
                last = (last + rest)[-2:]
            end = len(last) - len(last.rstrip("\r\n"))
            self.long = (self.number, size - end, prefix)
            return
        if self._cut and not self.ended:
            self.ended = True
            yield _STRETCH_END + "\n"
