"""Helpers shared by the spreadsheet readers (Twitter Archiver sheets, rtweet CSV, mapped CSV).

Chat hosts kept their chats in spreadsheets, and spreadsheets change what they hold. What is
handled here, once for every spreadsheet reader:

- **layout** (:func:`sheet_layout`): UTF-8 with or without Excel's BOM, Windows-1252, UTF-16
  ("Unicode text"); ``,`` ``;`` or tab between fields (chosen from the header line); Excel's
  ``sep=;`` first line; quoted fields spanning lines, CRLF inside a field (:func:`sheet_records`);
- **ids** (:func:`x_id`): ids are kept as text, exactly. A spreadsheet that took an id for a
  number rounds it to 15 significant digits: ``7.03308E+17`` (scientific notation), ``7.03308686068834E+17``,
  ``703,308,686,068,834,000`` (digit grouping), ``703308686068834304.0`` (a float), or
  ``703308686068834000`` (zeros past the 15th digit, which only the whole file can tell:
  :func:`rounded_ids`). Such a record is refused with the reason, never imported under a wrong
  id. Ids that survived as text are read: ``x1329011017389469696`` (rtweet's prefix),
  ``'703308686068834307`` (Excel's text mark), ``="703308686068834307"``;
- **times** (:class:`Clock`): ISO, ``2/26/16``, ``2/26/2016 14:03:11``, ``2/26/2016 2:03 PM``,
  ``26/02/2016 14:03``, ``26.02.2016``, ``Feb 26, 2016``, Excel serial numbers, Unix epochs, X API
  v1.1 times. A time without a zone is taken in the zone given (``--tz``, UTC by default) and
  converted to UTC. X ids (snowflakes, since November 2010) carry the second they were made:
  a row that gives only a date (or only minutes) takes its time from the id when the id agrees
  with the date; a row whose time disagrees with its id is counted, and the notes say so;
- **text** (:func:`text_entities`, :func:`infer_kind`): hashtags, mentions and links found in the
  text, for sheets that do not list them; a text truncated with ``…`` loses the entity it cuts;
  ``RT @x:`` makes a retweet, a leading ``@x`` a reply to that account;
- **options** (:func:`with_options`): ``tz`` and ``columns`` handed from
  :meth:`swchat.Archive.ingest` to the readers that take them;
- **stretches**: a big sheet (16 MB or more) is read in stretches by two processes at once
  (``swchat.archive._stretches``). The reader of a stretch learns the order of day and month
  from the file's first rows (:meth:`DataRows.prime`) and, instead of the notes at the file's
  end, yields what it counted (:meth:`DataRows.end`); the archive adds the stretches' counts up
  into the notes one reader gives, and has the file read again in one piece when a stretch read
  its dates otherwise than one reader would have (:func:`tallied`).

An account known only by its handle (sheets without user ids) gets the id
``handle:<lower-cased handle>`` (:func:`handle_id`), the key the network module gives such
accounts, so replies and mentions between sheet-only accounts meet.

Examples
--------
>>> x_id("x1329011017389469696", "status_id")
'1329011017389469696'
>>> x_id("7.03308E+17", "Tweet ID")
Traceback (most recent call last):
...
ValueError: id in scientific notation: Excel rounded it; export ids as text
>>> clock = Clock("America/New_York")
>>> clock.time("2/26/2016 14:03:11")
'2016-02-26T19:03:11.000Z'
>>> clock.time("2/26/16", "703308686068834307")  # the id knows the second
'2016-02-26T20:00:32.000Z'
>>> text_entities("RT @ann: Q1 #SWChat with @bob https://t.co/abc and #Hist…")
(['SWChat'], ['ann', 'bob'], ['https://t.co/abc'])
>>> infer_kind("@ann yes! #SWChat")
('reply', 'ann', None)
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import dataclasses
import functools
import io
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import Any

import orjson

from ..errors import InputFormatError
from ..schema import iso_utc, time_zone
from .base import Head, Note, Rejected, Source, StretchMisfit, Tally
from .common import reason, unique
from .detect import with_options  # with_options: re-exported, its old home
from .xcommon import RT_PREFIX, csv_records, v1_time

__all__ = [
    "EXCEL_ERRORS",
    "SCIENTIFIC_REASON",
    "Clock",
    "DataRows",
    "SheetLayout",
    "cell_text",
    "csv_text",
    "fit",
    "flag",
    "handle_id",
    "header_index",
    "infer_kind",
    "is_blank",
    "missing_columns_error",
    "rounded_ids",
    "row_json",
    "row_keys",
    "sheet_layout",
    "sheet_records",
    "snowflake_time",
    "split_list",
    "tallied",
    "text_entities",
    "whole",
    "with_options",
    "x_id",
]

# ----------------------------------------------------------------------------- layout

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


@dataclasses.dataclass(frozen=True)
class SheetLayout:
    """How a spreadsheet export is written: its encoding, separator and header."""

    encoding: str
    delimiter: str
    header: list[str]
    #: an Excel ``sep=;`` line comes before the header
    sep_line: bool = False


def _encoding(data: bytes) -> str:
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    if data[:200].count(b"\x00") > 20:  # UTF-16 without a BOM
        return "utf-16-le" if data[1:2] == b"\x00" else "utf-16-be"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(data) - 3:  # not just a character cut at the end of the head
            return "cp1252"
    return "utf-8-sig"


def _delimiter(line: str) -> str:
    """The separator of a header line: the most frequent of ``,``, ``;`` and tab outside quotes."""
    counts = dict.fromkeys(",;\t", 0)
    quoted = False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(counts, key=lambda c: (counts[c], c == ","))
    return best if counts[best] else ","


def _decoded(head: Head, encoding: str) -> str:
    data = head.data
    if not head.complete and encoding.startswith("utf-16"):
        data = data[: len(data) // 2 * 2]
    return data.decode(encoding, "replace").lstrip("\ufeff")


@functools.lru_cache(maxsize=4)  # each format's sniff asks for the same head
def _layout(data: bytes, complete: bool) -> SheetLayout | None:
    encoding = _encoding(data)
    text = _decoded(Head("", data, b"", None, complete), encoding)
    lines = iter(text.splitlines())
    first = next((line for line in lines if line.strip()), "")
    sep_line = False
    delimiter = ""
    if first.lower().startswith("sep=") and len(first.strip()) == 5:
        sep_line, delimiter = True, first.strip()[4]
        first = next((line for line in lines if line.strip()), "")
    if not first or first.lstrip()[:1] in ("{", "["):
        return None
    delimiter = delimiter or _delimiter(first)
    try:
        header = next(csv.reader([first], delimiter=delimiter))
    except (csv.Error, StopIteration):
        return None
    header = [name.strip() for name in header]
    if len(header) < 2:
        return None
    return SheetLayout(encoding, delimiter, header, sep_line)


def sheet_layout(head: Head) -> SheetLayout | None:
    """The layout of a spreadsheet export from its head (``None``: not a delimited text with a header).

    Examples
    --------
    >>> sheet_layout(Source.from_bytes(b"sep=;\\r\\nDate;Tweet ID\\r\\n2/26/16;1\\r\\n").head())
    SheetLayout(encoding='utf-8-sig', delimiter=';', header=['Date', 'Tweet ID'], sep_line=True)
    >>> sheet_layout(Source.from_bytes('\\ufeffa\\tb\\n'.encode("utf-16")).head()).delimiter
    '\\t'
    """
    return _layout(head.data, head.complete)


def header_index(header: list[str]) -> dict[str, int]:
    """Column positions by name, also by a folded name (lower case, single spaces), first one winning."""
    index: dict[str, int] = {}
    for i, name in enumerate(header):
        index.setdefault(name, i)
        index.setdefault(" ".join(name.lower().split()), i)
    return index


def sheet_records(source: Source, layout: SheetLayout) -> Iterator[tuple[int, list[str] | Rejected]]:
    """Yield ``(line, fields)`` for each record of a spreadsheet export, the header included.

    ``line`` is the physical line (from 1) where the record starts. Blank lines and the ``sep=``
    line are skipped; a record :mod:`csv` cannot parse is yielded as a
    :class:`~swchat.readers.base.Rejected` and reading goes on.

    Examples
    --------
    >>> src = Source.from_bytes(b'\\xef\\xbb\\xbfid;text\\r\\n1;"two\\r\\nlines"\\r\\n\\r\\n2;b\\r\\n')
    >>> list(sheet_records(src, sheet_layout(src.head())))
    [(1, ['id', 'text']), (2, ['1', 'two\\r\\nlines']), (5, ['2', 'b'])]
    """
    skip_sep = layout.sep_line
    for start, fields in csv_records(source, layout.encoding, delimiter=layout.delimiter):
        if isinstance(fields, Rejected):
            yield start, fields
        elif skip_sep and fields[0].lower().startswith("sep=") and not any(fields[1:]):  # sep=; is two fields
            skip_sep = False
        else:
            skip_sep = False
            if start == 1 and fields:
                fields[0] = fields[0].lstrip("\ufeff")
            yield start, fields


class DataRows:
    """The data rows of a sheet as a reader walks them: ``(line, fields)`` for each row after the
    header, a record :mod:`csv` could not parse passed on as the :class:`Rejected` it is, padding
    rows (``,,,,``) skipped and counted for :meth:`notes`.

    Examples
    --------
    >>> src = Source.from_bytes(b"id,text\\n1,a\\n,\\n2,b\\n")
    >>> rows = DataRows(src, sheet_layout(src.head()))
    >>> list(rows), rows.blank
    ([(2, ['1', 'a']), (4, ['2', 'b'])], 1)
    """

    def __init__(self, source: Source, layout: SheetLayout) -> None:
        self.source = source
        self.layout = layout
        self.blank = 0

    def __iter__(self) -> Iterator[tuple[int, list[str]] | Rejected]:
        header_seen = False
        for line, fields in sheet_records(self.source, self.layout):
            if isinstance(fields, Rejected):
                yield fields
            elif not header_seen:
                header_seen = True
            elif is_blank(fields):
                self.blank += 1
            else:
                yield line, fields

    def prime(self, clocks: Iterable[tuple[Clock, Iterable[int | None]]]) -> None:
        """Before the rows of a stretch of the file (:meth:`~swchat.readers.base.Source.stretch`),
        have each clock learn what one reader's would know there of the order of day and month
        (``1/2/2016``): from the time columns given (by position) of the file's first rows, at
        most :data:`PRIME_ROWS` of them (and :data:`PRIME_BYTES`) before the stretch, until it
        learns. Whether that is what one reader knew there, :func:`tallied` checks.

        Examples
        --------
        >>> import tempfile
        >>> with tempfile.NamedTemporaryFile(suffix=".csv") as f:
        ...     _ = f.write(b"id,date\\n1,26/02/2016\\n2,1/2/2016\\n")
        ...     f.flush()
        ...     whole = Source.from_arg(f.name)
        ...     part = whole.stretch(21, 32, 3, header=b"id,date\\n")
        ...     clock = Clock()
        ...     DataRows(part, sheet_layout(whole.head())).prime([(clock, [1])])
        >>> clock.day_first, clock.time("1/2/2016")
        (True, '2016-02-01T00:00:00.000Z')
        """
        window = self.source.window
        if window is None or window[0] == 0:
            return
        primed = [(clock, Clock(), [i for i in columns if i is not None]) for clock, columns in clocks
                  if clock.day_first is None]
        whole = self.source.whole()
        for n, item in enumerate(DataRows(whole, self.layout)):
            learning = [each for each in primed if each[1].day_first is None]
            if not learning or n >= PRIME_ROWS or whole.bytes_read > PRIME_BYTES:
                break
            if isinstance(item, Rejected):
                continue
            line, fields = item
            if line >= window[2]:
                break
            for _clock, learner, columns in learning:
                for i in columns:
                    with contextlib.suppress(ValueError):
                        learner.parse(fields[i] if i < len(fields) else "")
        for clock, learner, _columns in primed:
            clock.day_first = clock.primed = learner.day_first

    def rejected(self, line: int, fields: list[str], exc: Exception) -> Rejected:
        """A row a reader could not convert, with the reason and the row as CSV."""
        return Rejected(line, reason(exc, "row"), csv_text(fields, self.layout.delimiter))

    def notes(self, clock: Clock) -> Iterator[Note]:
        """What the walk skipped, and what the clock assumed (file-level notes)."""
        for message in _end_notes(self.blank, clock.tally()):
            yield Note(0, message)

    def end(self, clock: Clock, first: Iterable[str] = (), others: Iterable[Clock] = ()) -> Iterator[Note | Tally]:
        """The notes at the file's end: ``first`` (the reader's own), then :meth:`notes`.

        The reader of a stretch of the file (:meth:`~swchat.readers.base.Source.stretch`) yields
        a :class:`~swchat.readers.base.Tally` of them instead, which :func:`tallied` adds up
        with the other stretches' into the notes of the whole file; ``others`` are the reader's
        other clocks (whose notes are not given), for what :func:`tallied` checks of them.

        Examples
        --------
        >>> src = Source.from_bytes(b"id,text\\n1,a\\n,\\n")
        >>> rows = DataRows(src, sheet_layout(src.head()))
        >>> _ = list(rows)
        >>> [note.message for note in rows.end(Clock(), ["read as a sheet"])]
        ['read as a sheet', '1 empty rows were skipped']
        """
        if self.source.window is None:
            for message in first:
                yield Note(0, message)
            yield from self.notes(clock)
            return
        yield Tally({"first": list(first), "blank": self.blank, "clock": clock.tally(),
                     "others": [other.tally() for other in others]})


#: the most rows, and about the most bytes, of a file :meth:`DataRows.prime` reads before a stretch
PRIME_ROWS = 1_000
PRIME_BYTES = 4 << 20


def tallied(tallies: list[dict[str, Any]]) -> list[str]:
    """The notes of a whole sheet from the :class:`~swchat.readers.base.Tally` of each of its
    stretches (:meth:`DataRows.end`), in the file's order: what one reader of the file says.

    A clock learns from the first time that tells (``13/2/2016``) whether ``1/2/2016`` is the
    1st of February, and reads the rest of the file so; a stretch's clock starts with what the
    file's first rows say (:meth:`DataRows.prime`), or without it. Its reading is the same as one
    reader's unless it started with another order than the stretches before it had learned, or
    read an ambiguous date month first for want of knowing, or learned the other order, while
    they had learned day first: then :class:`~swchat.readers.base.StretchMisfit`, and the file
    is read again in one piece.

    Examples
    --------
    >>> first, second = Clock(), Clock()  # the clocks of a file's two stretches
    >>> first.time("26/02/2016 14:03"), second.time("2016-02-27 10:00")  # the first learns: day first
    ('2016-02-26T14:03:00.000Z', '2016-02-27T10:00:00.000Z')
    >>> tallied([{"first": [], "blank": 1, "clock": c.tally(), "others": []} for c in (first, second)])
    ['2 empty rows were skipped', "times without a zone in 'time' were read as UTC time (--tz) and converted to UTC (2 rows)"]
    >>> second.time("1/2/2016")  # the second knows no better than month first
    '2016-01-02T00:00:00.000Z'
    >>> tallied([{"first": [], "blank": 0, "clock": c.tally(), "others": []} for c in (first, second)])
    Traceback (most recent call last):
    ...
    swchat.readers.base.StretchMisfit: a stretch read its dates in another order than the rows before it said
    """
    for n in range(1 + len(tallies[0]["others"])):
        _agreed([t["clock"] if n == 0 else t["others"][n - 1] for t in tallies])
    clocks = [t["clock"] for t in tallies]
    offsets: Counter[int] = Counter()
    for clock in clocks:  # in the file's order, as one clock counts them
        offsets.update(dict(clock["offsets"]))
    known = [c["own"] for c in clocks if c["own"] is not None]
    merged = {
        **clocks[-1],
        **{key: sum(c[key] for c in clocks) for key in ("zoneless", "from_id", "mismatched")},
        "offsets": list(offsets.items()),
        "range": [max(c["range"][0] for c in clocks), min(c["range"][1] for c in clocks)],
        "own": known[-1] if known else None,
    }
    return [*tallies[0]["first"], *_end_notes(sum(t["blank"] for t in tallies), merged)]


def _agreed(clocks: list[dict[str, Any]]) -> None:
    """Check that a clock's stretches read their dates as one clock would (see :func:`tallied`)."""
    known = None  # whether day first, as learned by the stretches so far
    for clock in clocks:
        if clock["primed"] is not None and clock["primed"] != known:
            raise StretchMisfit("a stretch read its dates in another order than the rows before it said")
        if known is None:
            known = clock["day_first"]
        elif (clock["defaulted"] and known) or clock["day_first"] not in (None, known):
            raise StretchMisfit("a stretch read its dates in another order than the rows before it said")


def _end_notes(blank: int, clock: dict[str, Any]) -> list[str]:
    """The notes at a sheet's end: the empty rows skipped, and what the clock assumed."""
    return ([f"{blank} empty rows were skipped"] if blank else []) + _time_notes(clock)


def is_blank(fields: list[str]) -> bool:
    """Whether a record is empty (a spreadsheet's padding rows: ``,,,,``)."""
    return not any(value.strip() for value in fields)


def csv_text(fields: list[str], delimiter: str = ",") -> str:
    """A record written back as one CSV line (the raw text of a rejected record)."""
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="").writerow(fields)
    return out.getvalue()


def row_keys(header: list[str]) -> list[str]:
    """The names a row's raw record gives its values (:func:`row_json`): the header's, a repeated
    name getting ``_2``, ``_3``….

    Examples
    --------
    >>> row_keys(["Location", "Text", "Location"])
    ['Location', 'Text', 'Location_2']
    """
    keys: list[str] = []
    taken: set[str] = set()
    for name in header:
        key, n = name, 1
        while key in taken:
            n += 1
            key = f"{name}_{n}"
        keys.append(key)
        taken.add(key)
    return keys


def row_json(keys: list[str], fields: list[str]) -> bytes:
    """The raw record kept for a row: name → value as JSON, the names :func:`row_keys` gives the
    header (made once per file).

    Examples
    --------
    >>> row_json(row_keys(["id", "text", "id"]), ["1", "a", "2"])
    b'{"id":"1","text":"a","id_2":"2"}'
    """
    return orjson.dumps(dict(zip(keys, fields, strict=False)))


def fit(fields: list[str], width: int) -> list[str]:
    """A record made ``width`` fields long: short records padded, empty extra fields dropped.

    Raises ``ValueError`` when a record has more fields than the header and they are not empty.
    """
    if len(fields) == width:
        return fields
    if len(fields) < width:
        return fields + [""] * (width - len(fields))
    if any(value.strip() for value in fields[width:]):
        raise ValueError(f"expected {width} fields, found {len(fields)}")
    return fields[:width]


#: Values a spreadsheet shows for a cell it could not compute (a text taken for a formula).
EXCEL_ERRORS = frozenset({"#NAME?", "#VALUE!", "#REF!", "#DIV/0!", "#N/A", "#NUM!", "#NULL!", "#ERROR!"})


def whole(value: str | None) -> int | None:
    """A count cell (``722``, ``1,234``, ``5.0``) as an int; ``None`` when empty or not a count.

    Examples
    --------
    >>> whole("1,234"), whole("5.0"), whole("NA"), whole("")
    (1234, 5, None, None)
    """
    if value is None:
        return None
    text = value.strip().replace(",", "").replace("\u00a0", "").replace(" ", "")
    if text.endswith(".0"):
        text = text[:-2]
    return int(text) if text.isdigit() else None


def flag(value: str | None) -> bool:
    """A true/false cell (``TRUE``, ``True``, ``T``, ``1``, ``yes``…).

    Examples
    --------
    >>> flag("TRUE"), flag("FALSE"), flag(""), flag("yes")
    (True, False, False, True)
    """
    return (value or "").strip().lower() in ("true", "t", "1", "yes", "y")


def cell_text(value: str, column: str) -> str:
    """A text cell: CRLF made ``\\n``; an Excel error value (the text was lost) raises ``ValueError``."""
    if value.strip() in EXCEL_ERRORS:
        raise ValueError(f"{column} is {value.strip()}: the spreadsheet took the text for a formula "
                         "and lost it")
    return value.replace("\r\n", "\n")


# ----------------------------------------------------------------------------- ids

@functools.cache
def _id_forms() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """The forms of an id a spreadsheet took for a number: scientific notation, digit grouping, a
    decimal number. Compiled on first use, as the other patterns here: every import loads this
    module (for detection), and the CLI starts fast without compiling them."""
    return (re.compile(r"^[+-]?\d+(?:[.,]\d*)?[eE][+-]?\d+$"),
            re.compile(r"^\d{1,3}(?:([,.\u00a0 '\u202f])\d{3})+$"),
            re.compile(r"^(\d+)[.,](\d+)$"))


SCIENTIFIC_REASON = "id in scientific notation: Excel rounded it; export ids as text"


def _excel_reason(what: str, column: str, main: bool) -> str:
    return what if main else f"{column}: {what}"


def x_id(value: str | None, column: str, *, rounded: bool = False, main: bool = True) -> str | None:
    """An X id as text, exactly as posted; ``None`` for an empty cell.

    Parameters
    ----------
    value : str or None
        The cell.
    column : str
        Its column's name, for messages.
    rounded : bool
        The file's long ids were rounded to 15 significant digits (see :func:`rounded_ids`): an
        id with only zeros past its 15th digit is refused.
    main : bool
        The post's own id (the reasons then do not name the column).

    Raises
    ------
    ValueError
        The cell is not an id, or a spreadsheet changed it (the reason says how).

    Examples
    --------
    >>> x_id("'703308686068834307", "Tweet ID"), x_id('="12"', "id"), x_id(" ", "id") is None
    ('703308686068834307', '12', True)
    >>> x_id("703,308,686,068,834,000", "reply_to", main=False)
    Traceback (most recent call last):
    ...
    ValueError: reply_to: id with digit grouping (703,308,686,068,834,000): a spreadsheet formatted it as a number and rounded it; export ids as text
    """
    if value is None:
        return None
    text = value.strip()
    if text.startswith('="') and text.endswith('"'):
        text = text[2:-1].strip()
    text = text.lstrip("'")
    if not text or text.upper() == "NA":
        return None
    if text[:1] in ("x", "X") and text[1:].isdigit():  # rtweet's prefix, which keeps ids text
        text = text[1:]
    if text.isdigit():
        if rounded and len(text) > 15 and not text[15:].strip("0"):
            raise ValueError(_excel_reason(
                f"id rounded to 15 significant digits ({text}) like the others in this file: "
                "Excel rounded it; export ids as text", column, main))
        return text.lstrip("0") or "0"
    scientific, grouped, decimal_number = _id_forms()
    if scientific.match(text):
        return _fail(_excel_reason(SCIENTIFIC_REASON, column, main))
    if grouped.match(text):
        return _fail(_excel_reason(
            f"id with digit grouping ({text}): a spreadsheet formatted it as a number and rounded it; "
            "export ids as text", column, main))
    decimal = decimal_number.match(text)
    if decimal:
        whole, fraction = decimal.groups()
        if not fraction.strip("0") and int(whole) <= 2**53:  # a small id written as a float: exact
            return whole.lstrip("0") or "0"
        return _fail(_excel_reason(
            f"id written as a decimal number ({text}): it was rounded; export ids as text", column, main))
    return _fail(f"{column} is not an X id: {value.strip()[:40]!r}")


def _fail(reason: str) -> str:
    raise ValueError(reason)


def rounded_ids(head: Head, layout: SheetLayout, column: str | int) -> bool:
    """Whether a file's ids were rounded to 15 significant digits (by a spreadsheet), from its head.

    A real X id has any digits after its 15th; a rounded one only zeros. When (nearly) every id
    longer than 15 digits in the first records ends that way, the file was rounded.

    Examples
    --------
    >>> data = b"id,text\\n703308686068834000,a\\n704270541247619000,b\\n"
    >>> src = Source.from_bytes(data)
    >>> rounded_ids(src.head(), sheet_layout(src.head()), "id")
    True
    """
    index = column if isinstance(column, int) else header_index(layout.header).get(column)
    if index is None:
        return False
    text = _decoded(head, layout.encoding)
    lines = text.splitlines(keepends=True)
    if not head.complete and lines:
        lines = lines[:-1]  # a record cut short
    long = zeros = 0
    try:
        for fields in csv.reader(lines[1:], delimiter=layout.delimiter):
            if len(fields) <= index:
                continue
            cell = fields[index].strip().lstrip("'")
            if cell.isdigit() and len(cell) > 15:
                long += 1
                zeros += not cell[15:].strip("0")
    except csv.Error:
        pass
    return long > 0 and zeros >= 0.9 * long


def snowflake_time(post_id: str | None) -> datetime | None:
    """The second an X id was made (ids since November 2010 are "snowflakes"), ``None`` for older ids.

    Examples
    --------
    >>> snowflake_time("703308686068834307")
    datetime.datetime(2016, 2, 26, 20, 0, 32, tzinfo=datetime.timezone.utc)
    >>> snowflake_time("20") is None
    True
    """
    if not post_id or len(post_id) < 15 or not post_id.isdigit():
        return None
    ms = (int(post_id) >> 22) + 1288834974657
    when = datetime.fromtimestamp(ms // 1000, UTC)
    if when > datetime.now(UTC) + timedelta(days=1):
        return None
    return when


def handle_id(handle: str) -> str:
    """The account id of an account known only by its handle (``handle:<lower-cased handle>``).

    Examples
    --------
    >>> handle_id("@UMassHistory")
    'handle:umasshistory'
    """
    return f"handle:{handle.strip().lstrip('@＠').lower()}"


# ----------------------------------------------------------------------------- times

_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
_CLOCK = r"(?:[ T,]+(\d{1,2}):(\d\d)(?::(\d\d)(?:[.,](\d+))?)?\s*([AaPp]\.?[Mm]\.?)?)?"
_ZONE = r"\s*(Z|z|UTC|GMT|[+-]\d\d:?\d\d)?"


@functools.cache
def _time_forms() -> tuple[re.Pattern[str], ...]:
    """The forms of a time a sheet may give, in the order they are tried: ISO, numeric
    (``1/2/2016``), named month, X API v1.1, an Excel day number, a Unix time (compiled on first
    use, see :func:`_id_forms`)."""
    return (re.compile(rf"^(\d{{4}})[-/](\d{{1,2}})[-/](\d{{1,2}}){_CLOCK}{_ZONE}$"),
            re.compile(rf"^(\d{{1,2}})([/.\-])(\d{{1,2}})\2(\d{{4}}|\d{{2}}){_CLOCK}{_ZONE}$"),
            re.compile(rf"^(?:[A-Za-z]+,?\s+)??(?:([A-Za-z]{{3}})[a-z]*\.?\s+(\d{{1,2}}),?|(\d{{1,2}})\s+([A-Za-z]{{3}})[a-z]*\.?,?)"
                       rf"\s+(\d{{4}}){_CLOCK}{_ZONE}$"),
            re.compile(r"^[A-Z][a-z]{2} [A-Z][a-z]{2} \d\d \d\d:\d\d:\d\d [+-]\d{4} \d{4}$"),
            re.compile(r"^(\d{5})(?:[.,](\d+))?$"),
            re.compile(r"^(\d{10}|\d{13})(?:\.\d+)?$"))



@dataclasses.dataclass
class _Parsed:
    when: datetime  # aware (local zone applied when the value had none)
    precision: str  # "date", "minute" or "second"
    zoned: bool  # the value said its zone


class Clock:
    """Reads the times of one file: zone-less times in ``tz``; X ids fill in what a date lacks.

    Parameters
    ----------
    tz : str or tzinfo, optional
        The zone of times that do not say theirs (default UTC).
    why : str
        Why that zone, for the notes (``--tz``: the user said so).
    column : str
        The time column's name, for messages and notes.
    day_first : bool, optional
        Whether ``1/2/2016`` is the 1st of February; learned from the file when not given (a
        first number over 12 says so; ids that agree with one reading decide the others;
        month first otherwise, as the US add-ons wrote).

    Examples
    --------
    >>> clock = Clock(column="Date")
    >>> clock.time("26/02/2016 21:00"), clock.time("03/04/2016 10:00")  # day first, learned
    ('2016-02-26T21:00:00.000Z', '2016-04-03T10:00:00.000Z')
    >>> clock.time("Tue Mar 13 20:01:02 +0000 2012")
    '2012-03-13T20:01:02.000Z'
    >>> clock.notes()
    ["times without a zone in 'Date' were read as UTC time (--tz) and converted to UTC (2 rows)"]
    """

    def __init__(self, tz: str | tzinfo | None = None, column: str = "time",
                 day_first: bool | None = None, why: str = "--tz") -> None:
        self.zone: tzinfo = tz if isinstance(tz, tzinfo) else time_zone(tz)
        self.why = why
        self.zone_name = getattr(self.zone, "key", None) or str(self.zone)
        self.column = column
        self.day_first = day_first
        self.zoneless = 0
        self.from_id = 0  # rows whose time of day came from the id
        self.mismatched = 0  # rows whose time disagrees with the id's
        self.offsets: Counter[int] = Counter()  # minutes id - value, for rows with a time of day
        self._range = [-10**9, 10**9]  # offsets (s) of the zone that fit every date-only row
        self._last: datetime | None = None  # the last id time used, for the zone's offset then
        self.defaulted = False  # a date read month first for want of knowing (see tallied)
        self.primed: bool | None = None  # the order learned before a stretch (see DataRows.prime)
        self._dates: dict[tuple[str, bool | None], str | None] = {}  # see date
        self._parsed: dict[tuple[str, bool | None, bool], _Parsed] = {}  # see parse
        self._hinted = False  # the value being parsed was read with the id's help

    # -- parsing -------------------------------------------------------------------
    def _local(self, year: int, month: int, day: int, hour: int, minute: int, second: int,
               micro: int, zone: str | None) -> datetime:
        if zone:
            tz: tzinfo = UTC
            if zone[0] in "+-":
                digits = zone[1:].replace(":", "")
                offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
                tz = timezone(offset if zone[0] == "+" else -offset)
            return datetime(year, month, day, hour, minute, second, micro, tzinfo=tz)
        return datetime(year, month, day, hour, minute, second, micro, tzinfo=self.zone)

    @staticmethod
    def _year(text: str) -> int:
        year = int(text)
        return year if len(text) == 4 else (2000 + year if year < 70 else 1900 + year)

    def _clock(self, groups: tuple[str | None, ...], zone: str | None, year: int, month: int,
               day: int) -> _Parsed:
        hour_s, minute_s, second_s, fraction, ampm = groups
        if hour_s is None:
            return _Parsed(self._local(year, month, day, 0, 0, 0, 0, zone), "date", bool(zone))
        hour = int(hour_s)
        if ampm:
            if not 1 <= hour <= 12:
                raise ValueError("hour out of range")
            hour = hour % 12 + (12 if ampm[0] in "Pp" else 0)
        micro = int((fraction or "0")[:6].ljust(6, "0"))
        when = self._local(year, month, day, hour, int(minute_s or 0), int(second_s or 0), micro, zone)
        return _Parsed(when, "second" if second_s else "minute", bool(zone))

    def parse(self, value: str, hint: datetime | None = None) -> _Parsed:
        """Parse one time (``hint``: the id's time, to read an ambiguous ``1/2/2016``).

        Raises ``ValueError`` for a value that is not a time.
        """
        text = value.strip()
        if not text:
            raise ValueError(f"{self.column} is missing")
        # a sheet repeats its dates: each read once, unless the id decides it (an ambiguous date
        # read without an id's time is read otherwise than with one: kept apart)
        key = (text, self.day_first, hint is None)
        known = self._parsed.get(key)
        if known is not None:
            return known
        self._hinted = False
        try:
            parsed = self._parse(text, hint)
        except (ValueError, OverflowError, KeyError):
            raise ValueError(f"{self.column} is not a time: {text[:40]!r}") from None
        if not self._hinted:
            if len(self._parsed) >= 10_000:
                self._parsed.clear()  # memory stays bounded
            self._parsed[key] = parsed
        return parsed

    def _parse(self, text: str, hint: datetime | None) -> _Parsed:
        iso, numeric, named, v1, serial, epoch = _time_forms()
        match = iso.match(text)
        if match:
            year, month, day, *clock, zone = match.groups()
            return self._clock(tuple(clock), zone, int(year), int(month), int(day))
        match = numeric.match(text)
        if match:
            first, sep, second, year_s, *clock, zone = match.groups()
            a, b, year = int(first), int(second), self._year(year_s)
            day_first = self.day_first
            if sep == "." or a > 12:
                day_first = True
            elif b > 12:
                day_first = False
            elif a != b and hint is not None:
                # ambiguous: the reading closer to the id's time wins (a date is within two days)
                self._hinted = True
                readings = {}
                for option in (False, True):
                    month, day = (b, a) if option else (a, b)
                    readings[option] = abs((self._clock(tuple(clock), zone, year, month, day).when
                                            - hint).total_seconds())
                best = min(readings, key=lambda k: readings[k])
                if readings[best] < 2 * 86400 and readings[not best] >= 2 * 86400:
                    day_first = best
            if day_first is None:
                day_first, self.defaulted = False, True
            elif self.day_first is None and (sep == "." or a > 12 or b > 12):
                self.day_first = day_first  # learned once, for the ambiguous rows to come
            month, day = (b, a) if day_first else (a, b)
            return self._clock(tuple(clock), zone, year, month, day)
        match = named.match(text)
        if match:
            mon1, day1, day2, mon2, year_s, *clock, zone = match.groups()
            month = _MONTHS[(mon1 or mon2 or "").lower()]
            return self._clock(tuple(clock), zone, int(year_s), month, int(day1 or day2))
        if v1.match(text):
            return _Parsed(datetime.fromisoformat(v1_time(text).replace("Z", "+00:00")), "second", True)
        match = serial.match(text)
        if match and 20000 <= int(match.group(1)) <= 80000:  # Excel's day number (1954–2119)
            days = float(text.replace(",", "."))
            base = datetime(1899, 12, 30) + timedelta(days=days)
            base = base.replace(microsecond=0) + timedelta(seconds=round(base.microsecond / 1e6))
            precision = "date" if days.is_integer() else "second" if base.second else "minute"
            return _Parsed(base.replace(tzinfo=self.zone), precision, False)
        match = epoch.match(text)
        if match:
            number = float(text)
            seconds = number / 1000 if len(match.group(1)) == 13 else number
            return _Parsed(datetime.fromtimestamp(seconds, UTC), "second", True)
        raise ValueError(text)

    # -- the time of a row -----------------------------------------------------------
    def time(self, value: str | None, post_id: str | None = None) -> str:
        """The canonical UTC time of a row from its time cell and (for X) its id.

        A zone-less value is taken in the clock's zone. With a snowflake id: a date-only value
        takes the id's time when the id falls within a day of that date; a value to the minute
        takes it when the id falls in that minute; otherwise the value stands, and a
        disagreement of more than two minutes is counted for :meth:`notes`.

        Raises
        ------
        ValueError
            The value is missing or not a time.
        """
        hint = snowflake_time(post_id)
        parsed = self.parse(value or "", hint)
        if not parsed.zoned:
            self.zoneless += 1
        when = parsed.when
        if hint is not None:
            if parsed.precision == "date":
                start = when
                end = (datetime.combine(when.date() + timedelta(days=1), datetime.min.time())
                       .replace(tzinfo=when.tzinfo))
                if start - timedelta(days=1) <= hint < end + timedelta(days=1):
                    self.from_id += 1
                    local = when.date()
                    # the zone offsets that would put the id's time on this date
                    naive = hint.replace(tzinfo=None)
                    low = (datetime.combine(local, datetime.min.time()) - naive).total_seconds()
                    self._range = [max(self._range[0], int(low)), min(self._range[1], int(low) + 86400)]
                    self._last = hint
                    return iso_utc(hint)
                self.mismatched += 1
            elif parsed.precision == "minute" and timedelta(0) <= hint - when < timedelta(minutes=1):
                self.from_id += 1
                return iso_utc(hint)
            else:
                gap = (hint - when).total_seconds()
                if abs(gap) > 120:
                    self.mismatched += 1
                    self.offsets[round(gap / 900) * 15] += 1
        return iso_utc(when)

    def date(self, value: str | None) -> str | None:
        """A date (an account's creation) as canonical UTC, or ``None`` when missing or unreadable.

        A value read before, while the clock knew as much of the order of day and month, is
        not read again (a sheet repeats an account's creation with each of its posts).
        """
        if not value or not value.strip():
            return None
        key = (value, self.day_first)
        if key in self._dates:
            return self._dates[key]
        try:
            found: str | None = iso_utc(self.parse(value).when)
        except ValueError:
            found = None
        if len(self._dates) >= 10_000:
            self._dates.clear()  # memory stays bounded
        self._dates[key] = found
        return found

    def notes(self) -> list[str]:
        """What the import should say about the times it read."""
        return _time_notes(self.tally())

    def tally(self) -> dict[str, Any]:
        """What :meth:`notes` says, counted (and what :func:`tallied` checks): the notes of the
        whole file are made of the tallies of its stretches' clocks.

        Examples
        --------
        >>> clock = Clock(column="Date")
        >>> _ = clock.time("2/26/16", "703308686068834307")
        >>> {key: clock.tally()[key] for key in ("zoneless", "from_id", "day_first", "defaulted")}
        {'zoneless': 1, 'from_id': 1, 'day_first': False, 'defaulted': False}
        """
        own = None
        if self._last is not None:
            offset = self._last.astimezone(self.zone).utcoffset()
            own = offset.total_seconds() if offset is not None else 0
        return {"column": self.column, "zone": self.zone_name, "why": self.why, "zoneless": self.zoneless,
                "from_id": self.from_id, "mismatched": self.mismatched, "offsets": list(self.offsets.items()),
                "range": list(self._range), "own": own, "day_first": self.day_first, "defaulted": self.defaulted,
                "primed": self.primed}


def _time_notes(clock: dict[str, Any]) -> list[str]:
    """The notes of a clock's :meth:`~Clock.tally` (one clock's, or the stretches' added up)."""
    out: list[str] = []
    column = f"'{clock['column']}'"
    if clock["zoneless"]:
        out.append(f"times without a zone in {column} were read as {clock['zone']} time ({clock['why']}) and "
                   f"converted to UTC ({_rows(clock['zoneless'])})")
    if clock["from_id"]:
        out.append(f"{_rows(clock['from_id'])} gave only a date or minutes in {column}: their time was "
                   "taken from the X id, which records the second it was made")
    low, high = clock["range"]
    if clock["own"] is not None and low < high and not low <= clock["own"] < high:
        out.append(f"the dates in {column} fit a zone between {_offset(low)} and {_offset(high)}, "
                   f"not {clock['zone']}: the sheet was probably kept in another zone (--tz)")
    if clock["mismatched"]:
        common = ""
        if clock["offsets"]:
            minutes = Counter(dict(clock["offsets"])).most_common(1)[0][0]
            common = f" (most often by {_offset(minutes * 60, sign=True)})"
        out.append(f"{_rows(clock['mismatched'])}: the time in {column} differs from the time in the X id"
                   f"{common}: if the sheet was kept in another zone, give it with --tz")
    return out


def _rows(n: int) -> str:
    return f"{n} row" if n == 1 else f"{n} rows"


def _offset(seconds: float, sign: bool = False) -> str:
    minutes = round(seconds / 60)
    text = f"{'+' if minutes >= 0 else '−'}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    return text if sign else f"UTC{text}"


# ----------------------------------------------------------------------------- text


@functools.cache
def _text_forms() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """A hashtag, a mention, a link, and a mention that leads a text (a reply), as X tells them
    (compiled on first use, see :func:`_id_forms`)."""
    return (re.compile(r"(?:^|(?<=[^\w&/]))[#＃](\w*[^\W\d_]\w*)"),
            re.compile(r"(?:^|(?<=[^\w@＠!#$%&*]))[@＠]([A-Za-z0-9_]{1,50})(?![A-Za-z0-9_@＠]|://)"),
            re.compile(r"\bhttps?://[^\s<>\"'…]+", re.IGNORECASE),
            re.compile(r"^\s*[@＠]([A-Za-z0-9_]{1,50})\b(?![@＠])"))


_TRAILING_PUNCT = ".,;:!?)]}'\""


def text_entities(text: str | None) -> tuple[list[str], list[str], list[str]]:
    """Hashtags (without ``#``), mentioned handles and links of an X post's text, in order.

    A text cut short with ``…`` (a retweet in a sheet) loses the entity the cut runs into.

    Examples
    --------
    >>> text_entities("Q1: join @ann & @Bob_2 at #SWChat, see https://t.co/xY1.  #10 #a1 mail a@b.org")
    (['SWChat', 'a1'], ['ann', 'Bob_2'], ['https://t.co/xY1'])
    """
    if not text:
        return [], [], []
    body = text.rstrip()
    if body.endswith("…"):
        body = re.sub(r"\S*…$", "", body)
    hashtag, mention, url, _ = _text_forms()
    # each pattern needs its mark (# ＃, @ ＠, ://): a text without it is not searched
    hashtags = unique(hashtag.findall(body)) if "#" in body or "＃" in body else []
    mentions = unique(mention.findall(body)) if "@" in body or "＠" in body else []
    urls = unique(u.rstrip(_TRAILING_PUNCT) for u in url.findall(body)) if "://" in body else []
    return hashtags, mentions, urls


def infer_kind(text: str | None) -> tuple[str, str | None, str | None]:
    """``(kind, replied-to handle, retweeted handle)`` as the text alone tells them.

    ``RT @x: …`` is a retweet of ``x``; a text starting with ``@x`` a reply to ``x`` (the
    parent post unknown); anything else an original (a quote cannot be told from the text).

    Examples
    --------
    >>> infer_kind("RT @ann: Q1 #SWChat"), infer_kind(".@ann thanks"), infer_kind("  @bob A1")
    (('retweet', None, 'ann'), ('original', None, None), ('reply', 'bob', None))
    """
    if not text:
        return "original", None, None
    if text.startswith("RT @"):
        match = RT_PREFIX.match(text)
        if match:
            return "retweet", None, match.group(1)
    match = _text_forms()[3].match(text)
    if match:
        return "reply", match.group(1), None
    return "original", None, None


def split_list(value: str | None, prefix: str = "") -> list[str]:
    """A list cell: space-, comma-, semicolon- or bar-separated, or a JSON/Python list; ``prefix``
    (``#``, ``@``) stripped from each item; ``NA`` items dropped.

    Examples
    --------
    >>> split_list("COP26 BorisJohnson"), split_list('["#a", "#b"]', "#"), split_list("NA")
    (['COP26', 'BorisJohnson'], ['a', 'b'], [])
    """
    if value is None:
        return []
    text = value.strip()
    if not text or text.upper() == "NA":
        return []
    items: list[Any]
    if text.startswith("["):
        try:
            parsed = orjson.loads(text)
        except orjson.JSONDecodeError:
            parsed = re.findall(r"""['"]([^'"]*)['"]""", text)
        items = parsed if isinstance(parsed, list) else []
    else:
        items = re.split(r"[\s,;|]+", text)
    out = []
    for item in items:
        word = str(item).strip()
        if prefix:
            word = word.lstrip(prefix + ("＃" if prefix == "#" else "＠" if prefix == "@" else ""))
        if word and word.upper() != "NA":
            out.append(word)
    return unique(out)


# ----------------------------------------------------------------------------- options


def missing_columns_error(source: Source, what: str, missing: list[str], header: list[str]) -> InputFormatError:
    """The error for a header that lacks columns: names them and lists the header."""
    listed = ", ".join(repr(name) for name in header)
    return InputFormatError(f"{source.name} is not {what}: no {', '.join(repr(m) for m in missing)} column "
                            f"(its columns: {listed})", source.name)

