"""What every reader yields, and how an input (path, ``-`` for stdin, ``.gz``) is opened.

A reader is a function ``read(source) -> Iterator[Item]`` where an item is one of

- :class:`Post` — one canonical post row (see :mod:`swchat.schema`) with its raw record and
  the line (or record number) it came from; ``context`` marks a referenced post that is not
  itself part of the export (DESIGN.md: ``is_context``);
- :class:`Account` — one account snapshot;
- :class:`Rejected` — a record the reader could not use, with the line, the reason and the
  raw text, so the archive can keep it and the user can see it;
- :class:`Note` — something worth telling that is neither a post nor an error in the data
  (an API error page, a withheld notice).

Readers never raise for one bad record; they raise :class:`~swchat.errors.InputFormatError`
only when the file as a whole is not what they read.

**Limits.** Format detection reads the first :data:`HEAD_BYTES` (256 KiB) of an input and
nothing more, whatever the input holds (a first line of 69 MiB, an array nested 100,000 deep).
A line (JSON lines, CSV) or a record of more than :data:`LINE_LIMIT` bytes (128 MiB) is not read
into memory past the limit: it is rejected with its size, only its first :data:`REJECTED_KEEP`
bytes are kept as its rejected text, and reading goes on at the next line. A ``.gz`` that is cut
short or corrupt part-way hands out what it holds before the damage, then raises
:class:`~swchat.errors.DamagedInputError`: the archive keeps what was read and reports the rest.

Examples
--------
>>> import gzip, io
>>> src = Source.from_bytes(gzip.compress(b'{"a": 1}\\n'), name="t.jsonl.gz")
>>> src.head().first_line
b'{"a": 1}'
>>> [line for line in src.lines()]
[(1, b'{"a": 1}\\n')]
"""

from __future__ import annotations

import io
import os
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

import orjson

from ..errors import DamagedInputError

if TYPE_CHECKING:  # pragma: no cover
    import gzip

# gzip, hashlib, shutil and tempfile are imported where they are needed (a .gz, a digest, stdin):
# every reader imports this module, and the CLI starts fast without them (see tests/test_startup_imports.py)

__all__ = [
    "HEAD_BYTES",
    "LINE_LIMIT",
    "LONG",
    "REJECTED_KEEP",
    "Account",
    "Head",
    "Item",
    "Learned",
    "LongLine",
    "Note",
    "Pending",
    "Post",
    "PostValues",
    "Rejected",
    "Source",
    "StretchMisfit",
    "Tally",
    "by_line",
    "head_lines",
    "json_objects",
    "long_line",
    "newlines",
    "raw_json",
    "size_text",
]

#: Format detection reads this much decompressed content and no more (256 KiB): enough to tell
#: every format apart, even when the first line is a twarc2 page of many megabytes.
HEAD_BYTES = 1 << 18
#: The most bytes a line (with its line end) or a record may have: 128 MiB, about twice the
#: largest twarc2 page seen in the wild (69 MiB). A longer line is rejected whole (with its size
#: and its first :data:`REJECTED_KEEP` bytes) and never read into memory past this limit.
LINE_LIMIT = 1 << 27
#: The most of a rejected record's text kept in the archive (1 MiB); the rest is dropped.
REJECTED_KEEP = 1 << 20
#: What every rejection of an over-long line or record says (see :func:`long_line`).
LONG = "over the size limit"
#: Detection's JSON parsers see containers to this depth; deeper ones stand as ``null`` (see
#: :attr:`Head.shallow`): :mod:`ijson`'s cost grows with the square of the depth.
SNIFF_DEPTH = 64
#: How many lines detection looks at past a first line that is not valid JSON (a corrupt line
#: at the top of a JSON-lines file); see :meth:`Source.head`.
LOOK_PAST = 20
#: Raw records are kept to this depth of nesting; deeper values are cut (see :func:`raw_json`).
RAW_DEPTH = 200
#: What stands for a value cut from a raw record for being nested too deep.
CUT = "[nested too deep: cut by swchat]"
_BOM = b"\xef\xbb\xbf"


@dataclass(slots=True)
class Post:
    """A canonical post row with provenance."""

    row: dict[str, Any]
    raw: bytes | None
    line: int
    context: bool = False


@dataclass(slots=True)
class Account:
    """A canonical account row (a snapshot at ``row['snapshot_at']``)."""

    row: dict[str, Any]


@dataclass(slots=True)
class Rejected:
    """A record that could not be used: where, why, and what it was."""

    line: int
    reason: str
    raw: str


@dataclass(slots=True)
class Note:
    """Something the user should hear about that is not a post (e.g. an API error page)."""

    line: int
    message: str


@dataclass(slots=True)
class PostValues:
    """A canonical post as the values of :data:`~swchat.schema.POST_COLUMNS`, in order: what a
    big format's lean reader yields instead of a :class:`Post` (no dict per post), for a row
    that :func:`~swchat.schema.validate_post` would pass unchanged. ``Post(dict(zip(POST_COLUMNS,
    values)), raw, line, context)`` is the same post.

    Examples
    --------
    >>> from swchat.schema import POST_COLUMNS, new_post
    >>> row = new_post(platform="x", post_id="1", created_at="2026-09-02T19:00:00.000Z", author_id="9")
    >>> lean = PostValues(tuple(row[c] for c in POST_COLUMNS), None, 1)
    >>> dict(zip(POST_COLUMNS, lean.values)) == row
    True
    """

    values: tuple[Any, ...]
    raw: bytes | None
    line: int
    context: bool = False


@dataclass(slots=True)
class Pending:
    """A post that the reader of a stretch of a file (see :meth:`Source.stretch`) cannot finish
    alone: it needs what the reader learned from the rows before the stretch (``key``: an
    account's handle, say). ``values`` are the post's values without it (as for
    :class:`PostValues`); the archive finishes the post with the format's ``resolve(parts,
    found)``, ``found`` being what the stretches before this one learned of ``key`` (see
    :class:`Learned`).
    """

    values: tuple[Any, ...]
    raw: bytes | None
    line: int
    parts: Any
    key: str
    context: bool = False


@dataclass(slots=True)
class Learned:
    """What the reader of a stretch of a file learned by its end (``key`` → value), for the
    :class:`Pending` posts of the stretches after it."""

    state: dict[str, Any]


@dataclass(slots=True)
class Tally:
    """What the reader of a stretch of a file counted for the notes one reader gives at the
    file's end (rows skipped, times read in a zone…), yielded at the stretch's end instead of
    those notes: the archive hands the tallies of all the stretches, in the file's order, to the
    format's ``tallied``, which makes the file's notes of them (see
    :attr:`swchat.readers.detect.Format.tallied`). ``state`` holds only what :mod:`marshal`
    carries (dicts, lists, strings, numbers, ``None``)."""

    state: Any


Item = Post | PostValues | Account | Rejected | Note | Pending | Learned | Tally


@dataclass(slots=True)
class Head:
    """The beginning of an input, for format detection.

    Attributes
    ----------
    name : str
        The file name (or ``<stdin>``).
    data : bytes
        Up to 256 KiB of decompressed content (a leading byte-order mark removed).
    first_line : bytes
        The first non-blank line, stripped; when that line is not valid JSON but a later one
        (within :data:`LOOK_PAST` lines) is a JSON-lines record, that later line.
    first_json : object or None
        ``first_line`` parsed as JSON, or ``None`` when it does not parse on its own
        (a pretty-printed document or a JSON array spread over lines).
    complete : bool
        Whether ``data`` is the whole input.
    """

    name: str
    data: bytes
    first_line: bytes
    first_json: Any
    complete: bool
    #: why the head ends early: the input is damaged there (a ``.gz`` cut short or corrupt)
    damage: str | None = None
    _shallow: bytes | None = field(default=None, repr=False, compare=False)

    @property
    def shallow(self) -> bytes:
        """:attr:`data` with every container nested deeper than :data:`SNIFF_DEPTH` levels
        replaced by ``null`` (cut off where it does not close within the head), so that parsing
        it for detection takes bounded time and memory. The same bytes as ``data`` for any
        ordinary export."""
        if self._shallow is None:
            self._shallow = _shallow(self.data)
        return self._shallow

    @property
    def long_first_line(self) -> bool:
        """Whether the first line goes on past the head (one JSON document or page on a line
        larger than :data:`HEAD_BYTES`, e.g. a twarc2 page of many megabytes)."""
        return not self.complete and b"\n" not in self.data.strip(b"\xef\xbb\xbf \t\r\n")

    @property
    def first_char(self) -> bytes:
        """The first non-space byte (``b''`` for an empty input); ``{`` when a bad first line
        was looked past to a JSON-lines record (see :attr:`first_line`)."""
        stripped = self.data.lstrip(b"\xef\xbb\xbf \t\r\n")
        if isinstance(self.first_json, dict) and not stripped.startswith(self.first_line):
            return b"{"
        return stripped[:1]


#: A JSON string (perhaps cut at the end of a head) or a bracket.
_TOKENS = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"?|[\[\]{}]')


def _shallow(data: bytes, depth: int = SNIFF_DEPTH) -> bytes:
    """``data`` with the JSON containers nested deeper than ``depth`` replaced by ``null``.

    Examples
    --------
    >>> _shallow(b'[{"a": [[[1]], "]"]}]', depth=3)
    b'[{"a": [null, "]"]}]'
    >>> _shallow(b'[[[[[1, 2', depth=2)
    b'[['
    """
    if data.count(b"[") + data.count(b"{") <= depth:
        return data  # cannot be deeper (and ordinary exports are far from it)
    level = 0
    parts: list[bytes] = []
    start = 0
    deep_from = -1
    for match in _TOKENS.finditer(data):
        char = data[match.start()]
        if char == 0x22:  # a string: brackets inside it do not count
            continue
        if char in (0x5B, 0x7B):  # [ {
            level += 1
            if level == depth + 1:
                deep_from = match.start()
        elif level > 0:
            if level == depth + 1:
                parts.append(data[start:deep_from])
                parts.append(b"null")
                start = match.end()
                deep_from = -1
            level -= 1
    parts.append(data[start:deep_from] if deep_from >= 0 else data[start:])
    return b"".join(parts)


def size_text(size: int) -> str:
    """A size in bytes as people say it (``128 MiB``, ``1.5 KiB``, ``300 bytes``).

    Examples
    --------
    >>> size_text(1 << 27), size_text(1536), size_text(300)
    ('128 MiB', '1.5 KiB', '300 bytes')
    """
    for unit, shift in (("GiB", 30), ("MiB", 20), ("KiB", 10)):
        if size >= 1 << shift:
            return f"{size / (1 << shift):.1f}".removesuffix(".0") + f" {unit}"
    return f"{size} bytes"


@dataclass(slots=True)
class LongLine:
    """A line longer than :data:`LINE_LIMIT`, as :meth:`Source.lines` yields it: its first
    :data:`REJECTED_KEEP` bytes and its size without its line end (the rest was skipped, never
    held)."""

    prefix: bytes
    size: int


def long_line(name: str, line: int, size: int, prefix: bytes | str, what: str = "line",
              unit: str = "bytes") -> Rejected:
    """The rejection of a line (or record) of ``size`` bytes (or characters), over :data:`LINE_LIMIT`.

    Examples
    --------
    >>> long_line("big.jsonl", 3, 200_000_000, b'{"data": [').reason
    'big.jsonl: line 3 is 200,000,000 bytes, over the size limit of 128 MiB a line may have; it was skipped and only its first bytes are kept'
    """
    text = prefix.decode("utf-8", "replace") if isinstance(prefix, bytes) else prefix
    return Rejected(line, f"{name}: {what} {line} is {size:,} {unit}, {LONG} of {size_text(LINE_LIMIT)} a {what} "
                          "may have; it was skipped and only its first bytes are kept", text[:REJECTED_KEEP])


class _Checked(io.RawIOBase):
    """The decompressed content of a ``.gz``, turning damage into a
    :class:`~swchat.errors.DamagedInputError`.

    A gzip stream that ends early, fails its check or cannot be decompressed raises
    ``EOFError``, ``gzip.BadGzipFile`` or ``zlib.error`` (the last of which no caller expects).
    Here everything decompressed before the damage is handed out, and the read that meets it
    raises one error that names the file and says where. A line the damage cuts is not handed
    out as a line: ``readline`` raises rather than return half a line.
    """

    def __init__(self, stream: gzip.GzipFile, source: Source, counter: _Counting) -> None:
        import gzip
        import zlib  # here, as gzip: most inputs are not compressed

        self._errors = (EOFError, zlib.error, gzip.BadGzipFile)
        self._stream = stream
        self._source = source
        self._counter = counter
        self._error: DamagedInputError | None = None
        self.lines = 0  # line ends handed out
        self.bytes = 0  # decompressed bytes handed out

    def close(self) -> None:
        self._stream.close()
        super().close()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self._error is not None:
            raise self._error
        try:
            data = self._stream.read1(len(buffer))  # one piece: a failing read loses nothing before it
        except self._errors as exc:
            self._error = self._damage(exc)
            raise self._error from None
        n = len(data)
        buffer[:n] = data
        self.lines += data.count(b"\n")
        self.bytes += n
        return n

    def _damage(self, exc: BaseException) -> DamagedInputError:
        import gzip

        name = self._source.name
        at = self._counter.count
        try:
            size = self._source.size
        except OSError:
            size = None
        of = f" of {size:,}" if size else ""
        line = self.lines + 1
        where = f"line {line:,} of its content ({self.bytes:,} bytes in)"
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        # a failed check (CRC, length) comes at the end: all the content was handed out
        whole = isinstance(exc, gzip.BadGzipFile) and ("CRC" in detail or "length" in detail)
        if not self.bytes:
            if isinstance(exc, EOFError):
                message = (f"{name} is cut short: its compressed data stops after {at:,} bytes, and nothing in "
                           "it could be read")
            else:
                message = (f"{name} is corrupt: its compressed data cannot be read ({detail}), and nothing in it "
                           "could be read")
        elif isinstance(exc, EOFError):
            message = (f"{name} is cut short: its compressed data stops after {at:,} bytes, at {where}; the "
                       "rest of the file is missing")
        elif whole:
            message = (f"{name} is corrupt: its compressed data fails its check at the end ({detail}), so any of "
                       "its content may be damaged")
        else:
            message = (f"{name} is corrupt: its compressed data cannot be read past about byte {at:,}{of}, at "
                       f"{where}: {detail}; the rest of the file is lost")
        return DamagedInputError(message, name, line)


class _Counting(io.RawIOBase):
    """Wrap a binary stream and count the bytes read through it (``prefix`` is read first, and
    not counted: a CSV stretch's header)."""

    def __init__(self, raw: BinaryIO, limit: int | None = None, prefix: bytes = b"") -> None:
        self._raw = raw
        self.count = 0
        self.limit = limit  # read no more than this many bytes (a stretch of a file)
        self._prefix = prefix

    def close(self) -> None:
        self._raw.close()
        super().close()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self._prefix:
            n = min(len(buffer), len(self._prefix))
            buffer[:n] = self._prefix[:n]
            self._prefix = self._prefix[n:]
            return n
        size = len(buffer) if self.limit is None else min(len(buffer), self.limit - self.count)
        data = self._raw.read(size) if size > 0 else b""
        n = len(data)
        buffer[:n] = data
        self.count += n
        return n


#: Below this size a file's digest is taken with Python's own SHA-256 module: OpenSSL's, through
#: hashlib, hashes a big file several times faster but takes milliseconds to load, longer than
#: hashing a small file takes (the digest is the same either way)
_SMALL_DIGEST = 1 << 20


def _new_sha256(*, small: bool) -> Any:
    """A new SHA-256 hash: Python's built-in one for a small input when it has one, else hashlib's.

    Examples
    --------
    >>> a, b = _new_sha256(small=True), _new_sha256(small=False)
    >>> a.update(b"swchat"); b.update(b"swchat")
    >>> a.hexdigest() == b.hexdigest()
    True
    """
    if small:
        import importlib

        for name in ("_sha2", "_sha256"):  # Python 3.12+, 3.11
            try:
                return importlib.import_module(name).sha256()
            except (ImportError, AttributeError):
                continue
    import hashlib

    return hashlib.sha256()


class StretchMisfit(Exception):
    """A stretch of a file cannot be read alone as the whole file would read it: the cut before
    or after it is not between two records (a CSV whose quotes do not pair up as counted), or a
    post needs what earlier rows said in a way a :class:`Pending` post cannot carry. The archive
    then reads the file from its start in one piece (see ``swchat.archive._stretches``)."""


@dataclass
class Source:
    """One input to read: a file path, ``-`` for standard input, or bytes (for tests).

    The content is opened as binary; gzip is recognised by its magic bytes whatever the name.
    Standard input is spooled to an anonymous temporary file on first use, so it can be sniffed,
    hashed and read like a file without holding it in memory. :meth:`sha256` is the digest of
    the raw bytes (the file's provenance); :attr:`bytes_read` counts raw bytes consumed by the
    current :meth:`open`, for progress bars.

    Parameters
    ----------
    name : str
        What to call the input in messages (the path as the user gave it).
    path : Path or None
        The file, or ``None`` for stdin / bytes.
    data : bytes or None
        The whole content, when given as bytes.
    companions : list of Path
        Files read together with this one (the ``users_<id>.json`` of a split layout).
    """

    name: str
    path: Path | None = None
    data: bytes | None = None
    companions: list[Path] = field(default_factory=list)
    _spool: Any = None
    _counter: _Counting | None = None
    _by_line: bool | None = None  # see by_line
    #: a stretch of the file only: ``(start, end, line)``, its first and past-the-end byte
    #: offsets and the number of its first line (see :meth:`stretch`)
    window: tuple[int, int, int] | None = None
    #: a CSV stretch's header: the file's first record (and the lines before it), read before
    #: the stretch's lines
    header: bytes = b""
    #: the stretch ends at a cut found by counting quotes: a CSV reader checks that a record
    #: ends there (else :class:`StretchMisfit`)
    cut: bool = False

    @classmethod
    def from_arg(cls, arg: str | Path) -> Source:
        """Make a source from a command-line argument (a path, or ``-`` for stdin)."""
        if str(arg) == "-":
            return cls(name="<stdin>")
        return cls(name=str(arg), path=Path(arg))

    @classmethod
    def from_bytes(cls, data: bytes, name: str = "<bytes>") -> Source:
        """Make a source from bytes held in memory (tests, notebooks)."""
        return cls(name=name, data=data)

    @property
    def size(self) -> int | None:
        """Size in bytes of the raw input, when known."""
        if self.path is not None:
            return self.path.stat().st_size
        if self.data is not None:
            return len(self.data)
        if self._spool is not None:
            return os.fstat(self._spool.fileno()).st_size
        return None

    def stretch(self, start: int, end: int, line: int, header: bytes = b"", cut: bool = False) -> Source:
        """The lines of this file from byte ``start`` up to byte ``end``, numbered from ``line``.

        ``start`` and ``end`` must fall at the start of a line (or the file's end), and the
        file must not be compressed: the archive reads a big JSON-lines or CSV file in
        stretches, in two processes at once. :attr:`bytes_read` counts from the file's start.
        A CSV stretch after the first is read after its ``header`` (the file's first record,
        its lines numbered from 1); with ``cut``, its reader checks that a record ends at
        ``end``. :meth:`head` is the whole file's.

        Examples
        --------
        >>> import tempfile
        >>> with tempfile.NamedTemporaryFile(suffix=".jsonl") as f:
        ...     _ = f.write(b'{"a":1}\\n{"a":2}\\n{"a":3}\\n')
        ...     f.flush()
        ...     part = Source.from_arg(f.name).stretch(8, 16, 2)
        ...     list(part.lines()), part.bytes_read
        ([(2, b'{"a":2}\\n')], 16)
        """
        if self.path is None:
            raise ValueError("only a file can be read in stretches")
        return Source(name=self.name, path=self.path, window=(start, end, line), header=header, cut=cut)

    def whole(self) -> Source:
        """The whole file this is a stretch of (:meth:`stretch`), or this source itself."""
        return self if self.window is None else Source(name=self.name, path=self.path)

    @property
    def bytes_read(self) -> int:
        """Raw bytes consumed so far by the current :meth:`open` (from the file's start)."""
        return (self._counter.count if self._counter else 0) + (self.window[0] if self.window else 0)

    def _raw(self) -> BinaryIO:
        if self.data is not None:
            return io.BytesIO(self.data)
        if self.path is not None:
            if self.path.is_dir():
                raise IsADirectoryError(str(self.path))
            return open(self.path, "rb")
        if self._spool is None:
            import shutil
            import tempfile

            self._spool = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the source
            shutil.copyfileobj(sys.stdin.buffer, self._spool, 1 << 20)
            self._spool.flush()
        raw = os.fdopen(os.dup(self._spool.fileno()), "rb")
        raw.seek(0)
        return raw

    def open(self) -> BinaryIO:
        """Open the decompressed content for reading (counting raw bytes for progress).

        A ``.gz`` (known by its magic bytes) is decompressed; when it is cut short or corrupt,
        reading hands out what comes before the damage and then raises
        :class:`~swchat.errors.DamagedInputError` (a ``readline`` that meets it raises rather
        than return half a line).
        """
        if self.window is not None:
            start, end, _ = self.window
            raw = self._raw()
            raw.seek(start)
            self._counter = _Counting(raw, end - start, self.header)
            return io.BufferedReader(self._counter, buffer_size=1 << 16)  # type: ignore[return-value]
        self._counter = counter = _Counting(self._raw())
        buffered = io.BufferedReader(counter, buffer_size=1 << 16)
        if buffered.peek(2)[:2] == b"\x1f\x8b":
            import gzip

            checked = _Checked(gzip.GzipFile(fileobj=buffered, mode="rb"), self, counter)
            return io.BufferedReader(checked, buffer_size=1 << 16)  # type: ignore[return-value]
        return buffered

    def sha256(self) -> str:
        """SHA-256 (hex) of the raw bytes, as stored (compressed if the file is)."""
        size = self.path.stat().st_size if self.path is not None else None
        digest = _new_sha256(small=size is not None and size < _SMALL_DIGEST)
        with self._raw() as raw:
            for chunk in iter(lambda: raw.read(1 << 20), b""):
                digest.update(chunk)
        return digest.hexdigest()

    def head(self) -> Head:
        """Read the beginning of the input for detection (does not disturb later reads).

        At most :data:`HEAD_BYTES` (and one more byte, to know whether there is more) are read,
        whatever the input holds. A ``.gz`` damaged within them gives the head what could be read
        (``damage`` says why it ends).

        Raises
        ------
        DamagedInputError
            A ``.gz`` so damaged that nothing at all can be read from it.
        """
        if self.window is not None:  # a stretch: its reader sees the file's beginning
            return Source(name=self.name, path=self.path).head()
        parts: list[bytes] = []
        size = 0
        damage: DamagedInputError | None = None
        with self.open() as stream:
            try:
                while size <= HEAD_BYTES:
                    chunk = stream.read1(HEAD_BYTES + 1 - size)  # type: ignore[attr-defined]
                    if not chunk:
                        break
                    parts.append(chunk)
                    size += len(chunk)
            except DamagedInputError as exc:
                damage = exc
        self._counter = None
        data = b"".join(parts)
        if damage is not None and not data.strip():
            if not data:  # the error says that nothing could be read
                raise damage
            raise DamagedInputError(f"{damage}; nothing in it could be read", self.name, damage.line)
        complete = size <= HEAD_BYTES and damage is None
        data = data.removeprefix(_BOM)  # a byte-order mark is never part of the content
        first_line, first_json = _first_json(data)
        return Head(self.name, data, first_line, first_json, complete, str(damage) if damage else None)

    def lines(self) -> Iterator[tuple[int, bytes | LongLine]]:
        """Yield ``(line_number, raw_line)`` for every line, numbered from 1.

        A line of more than :data:`LINE_LIMIT` bytes is yielded as a :class:`LongLine` (its
        first bytes and its size): it is read in bounded pieces up to its end and never held
        whole.
        """
        limit = LINE_LIMIT
        with self.open() as stream:
            readline = stream.readline
            number = self.window[2] - 1 if self.window else 0
            while line := readline(limit + 1):
                number += 1
                if len(line) <= limit:
                    yield number, line
                    continue
                size = len(line)
                prefix = line[:REJECTED_KEEP]
                last = line[-2:]
                del line
                while not last.endswith(b"\n"):  # skip to the end of the line, a piece at a time
                    rest = readline(1 << 20)
                    if not rest:
                        break
                    size += len(rest)
                    last = (last + rest)[-2:]
                end = 2 if last == b"\r\n" else 1 if last.endswith(b"\n") else 0
                yield number, LongLine(prefix, size - end)


#: The signature of a reader function.
Reader = Callable[[Source], Iterator[Item]]


def by_line(source: Source, head: Head) -> bool:
    """Whether a JSON input is JSON lines, to read line by line (a bad line rejected alone),
    rather than one document to stream.

    Yes when its first line is a whole JSON value (``head.first_json``). When the first line goes
    on past the head (a page or an API response of many megabytes on a line), yes when that line
    ends within :data:`LINE_LIMIT` and another line follows it; the input is then read a piece at
    a time up to the second line, never held. One long line alone is one document: streamed.

    Examples
    --------
    >>> page = b'{"posts": [' + b",".join([b'{"uri": "at://x"}'] * 20_000) + b"]}"
    >>> by_line(Source.from_bytes(page), Source.from_bytes(page).head())
    False
    >>> both = Source.from_bytes(page + b"\\n" + page + b"\\n")
    >>> by_line(both, both.head())
    True
    """
    if head.first_json is not None:
        return True
    if not head.long_first_line:
        return False
    if source._by_line is None:
        source._by_line = _second_line(source)
    return source._by_line


def _second_line(source: Source) -> bool:
    """Whether the first line of ``source`` ends within :data:`LINE_LIMIT` bytes (blank lines
    before it not counted) and something other than white space follows it."""
    seen = 0
    state = "before"  # before the first line, in it, after it
    with source.open() as stream:
        try:
            while piece := stream.read1(1 << 20):  # type: ignore[attr-defined]
                if state == "before":
                    piece = piece.lstrip(b"\xef\xbb\xbf \t\r\n")
                    state = "in" if piece else state
                if state == "in":
                    end = piece.find(b"\n")
                    seen += len(piece) if end < 0 else end
                    if seen > LINE_LIMIT:
                        return False
                    if end < 0:
                        continue
                    piece, state = piece[end:], "after"
                if state == "after" and piece.strip():
                    return True
        except DamagedInputError:
            pass
    return False


def newlines(path: Path, start: int, end: int) -> int:
    """The newlines between bytes ``start`` and ``end`` of a file: where a stretch of it begins,
    in lines (see :meth:`Source.stretch`).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "three.jsonl"
    >>> _ = path.write_bytes(b'{"a":1}\\n{"a":2}\\n{"a":3}\\n')
    >>> newlines(path, 0, 16), newlines(path, 8, 24)
    (2, 2)
    """
    count = 0
    with open(path, "rb") as stream:
        stream.seek(start)
        left = end - start
        while left > 0 and (piece := stream.read(min(left, 1 << 20))):
            count += piece.count(b"\n")
            left -= len(piece)
    return count


def json_lines(source: Source) -> Iterator[tuple[int, Any, bytes]]:
    """Yield ``(line, parsed, raw)`` for each non-blank line of a JSON-lines input.

    A line that does not parse is yielded with ``parsed`` set to a :class:`Rejected` (its text
    cut to :data:`REJECTED_KEEP` bytes), and so is a line over :data:`LINE_LIMIT` (see
    :func:`long_line`).
    """
    for lineno, line in source.lines():
        if isinstance(line, LongLine):
            yield lineno, long_line(source.name, lineno, line.size, line.prefix), line.prefix
            continue
        stripped = line.strip()
        if lineno == 1:
            stripped = stripped.removeprefix(b"\xef\xbb\xbf")  # a byte-order mark
        if not stripped:
            continue
        try:
            yield lineno, orjson.loads(stripped), stripped
        except orjson.JSONDecodeError as exc:
            reason = f"not valid JSON ({exc.args[0] if exc.args else exc})"
            if "depth limit" in reason:  # orjson reads 1,024 levels of nesting at most
                reason = f"nested too deep, {reason}"
            if not line.endswith(b"\n"):
                reason = f"truncated last line, {reason}"
            text = stripped[:REJECTED_KEEP].decode("utf-8", "replace")
            yield lineno, Rejected(lineno, reason, text), stripped


def _first_json(data: bytes) -> tuple[bytes, Any]:
    """The first non-blank line of ``data`` and its JSON value (``None`` when it has none).

    When the first line is not valid JSON (a corrupt or cut record, junk), up to
    :data:`LOOK_PAST` further lines are tried: the first that is a JSON object,
    and is followed by another line that parses as JSON or by nothing, stands for the file (a
    corrupt first line then does not hide a JSON-lines file; its reader rejects that line).
    The follow-up check keeps a pretty-printed document from passing for JSON lines: in one,
    only an array's last element can stand alone on its line, and a closing bracket follows it.
    """
    lines = [line.strip() for line in data.splitlines() if line.strip()]
    if not lines:
        return b"", None
    first_line = lines[0]
    try:
        return first_line, orjson.loads(first_line)
    except orjson.JSONDecodeError:
        pass
    if first_line in (b"[", b"{"):
        return first_line, None  # a pretty-printed document
    usable = head_lines(data)
    for i, line, value in json_objects(usable, 1):
        if i + 1 < len(usable):
            try:
                orjson.loads(usable[i + 1])
            except orjson.JSONDecodeError:
                continue
        return line, value
    return first_line, None


def head_lines(data: bytes) -> list[bytes]:
    """The non-blank lines of a head's ``data``, stripped: the last one only when a newline ends
    it (the head may have cut it short)."""
    lines = [line.strip() for line in data.splitlines() if line.strip()]
    return lines if data.endswith((b"\n", b"\r")) else lines[:-1]


def json_objects(lines: list[bytes], start: int) -> Iterator[tuple[int, bytes, dict[str, Any]]]:
    """``(index, line, value)`` for each of the :data:`LOOK_PAST` lines of ``lines`` from
    ``start`` on that is a JSON object: the lines format detection looks at past a first line
    that tells nothing.

    Examples
    --------
    >>> [(i, value) for i, _, value in json_objects([b'{"a": 1}', b'[2]', b'{"b": 3}', b'{no'], 1)]
    [(2, {'b': 3})]
    """
    for i in range(start, min(len(lines), start + LOOK_PAST)):
        line = lines[i]
        if line[:1] != b"{":
            continue
        try:
            value = orjson.loads(line)
        except orjson.JSONDecodeError:
            continue
        if isinstance(value, dict):
            yield i, line, value


def _cut(value: Any, depth: int) -> Any:
    """``value`` with containers deeper than :data:`RAW_DEPTH` replaced by :data:`CUT` and
    integers orjson cannot write (beyond 64 bits) written as text."""
    if isinstance(value, dict):
        if depth >= RAW_DEPTH:
            return CUT
        return {str(k): _cut(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple):
        if depth >= RAW_DEPTH:
            return CUT
        return [_cut(v, depth + 1) for v in value]
    if isinstance(value, int) and not isinstance(value, bool) and not -(1 << 63) <= value < (1 << 64):
        return str(value)
    return value


def raw_json(value: Any, default: Callable[[Any], Any] | None = None) -> bytes:
    """A record as JSON bytes, to keep as its raw record; never raises for what JSON can hold.

    ``orjson.dumps`` refuses integers beyond 64 bits and nesting deeper than 255 levels; for
    such a record the integers are written as text (``"18446744073709551616"``) and what lies
    deeper than :data:`RAW_DEPTH` levels is replaced by :data:`CUT`, so the post is kept with
    a raw record that says what was cut.

    Examples
    --------
    >>> raw_json({"n": 2**64, "a": [1]})
    b'{"n":"18446744073709551616","a":[1]}'
    >>> deep = []
    >>> for _ in range(300):
    ...     deep = [deep]
    >>> CUT.encode() in raw_json({"x": deep})
    True
    """
    try:
        return orjson.dumps(value, default=default)
    except TypeError:
        return orjson.dumps(_cut(value, 0), default=default)
