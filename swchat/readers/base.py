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

import gzip
import hashlib
import io
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import orjson

__all__ = [
    "Account",
    "Head",
    "Item",
    "Note",
    "Post",
    "Rejected",
    "Source",
    "raw_json",
]

HEAD_BYTES = 1 << 18  # 256 KiB of decompressed content is enough to tell every format apart
FIRST_LINE_MAX = 1 << 26  # but a first line (a twarc2 page) is read whole, up to 64 MiB
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


Item = Post | Account | Rejected | Note


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

    @property
    def first_char(self) -> bytes:
        """The first non-space byte (``b''`` for an empty input); ``{`` when a bad first line
        was looked past to a JSON-lines record (see :attr:`first_line`)."""
        stripped = self.data.lstrip(b"\xef\xbb\xbf \t\r\n")
        if isinstance(self.first_json, dict) and not stripped.startswith(self.first_line):
            return b"{"
        return stripped[:1]


class _Counting(io.RawIOBase):
    """Wrap a binary stream and count the bytes read through it."""

    def __init__(self, raw: BinaryIO) -> None:
        self._raw = raw
        self.count = 0

    def close(self) -> None:
        self._raw.close()
        super().close()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self._raw.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        self.count += n
        return n


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

    @property
    def bytes_read(self) -> int:
        """Raw bytes consumed so far by the current :meth:`open`."""
        return self._counter.count if self._counter else 0

    def _raw(self) -> BinaryIO:
        if self.data is not None:
            return io.BytesIO(self.data)
        if self.path is not None:
            if self.path.is_dir():
                raise IsADirectoryError(str(self.path))
            return open(self.path, "rb")
        if self._spool is None:
            self._spool = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the source
            shutil.copyfileobj(sys.stdin.buffer, self._spool, 1 << 20)
            self._spool.flush()
        raw = os.fdopen(os.dup(self._spool.fileno()), "rb")
        raw.seek(0)
        return raw

    def open(self) -> BinaryIO:
        """Open the decompressed content for reading (counting raw bytes for progress)."""
        self._counter = _Counting(self._raw())
        buffered = io.BufferedReader(self._counter, buffer_size=1 << 16)
        if buffered.peek(2)[:2] == b"\x1f\x8b":
            return gzip.GzipFile(fileobj=buffered, mode="rb")  # type: ignore[return-value]
        return buffered

    def sha256(self) -> str:
        """SHA-256 (hex) of the raw bytes, as stored (compressed if the file is)."""
        digest = hashlib.sha256()
        with self._raw() as raw:
            for chunk in iter(lambda: raw.read(1 << 20), b""):
                digest.update(chunk)
        return digest.hexdigest()

    def head(self) -> Head:
        """Read the beginning of the input for detection (does not disturb later reads)."""
        with self.open() as stream:
            data = stream.read(HEAD_BYTES + 1)
            complete = len(data) <= HEAD_BYTES
            if not complete and b"\n" not in data.lstrip():
                # one long first line (a twarc2 page): read all of it, within reason
                data += stream.readline(FIRST_LINE_MAX)
                complete = not stream.read(1)
        self._counter = None
        data = data.removeprefix(_BOM)  # a byte-order mark is never part of the content
        first_line, first_json = _first_json(data)
        return Head(self.name, data, first_line, first_json, complete)

    def lines(self) -> Iterator[tuple[int, bytes]]:
        """Yield ``(line_number, raw_line)`` for every line, numbered from 1."""
        with self.open() as stream:
            yield from enumerate(stream, 1)


#: The signature of a reader function.
Reader = Callable[[Source], Iterator[Item]]


def json_lines(source: Source) -> Iterator[tuple[int, Any, bytes]]:
    """Yield ``(line, parsed, raw)`` for each non-blank line of a JSON-lines input.

    A line that does not parse is yielded with ``parsed`` set to a :class:`Rejected`.
    """
    for lineno, line in source.lines():
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
            yield lineno, Rejected(lineno, reason, stripped.decode("utf-8", "replace")), stripped


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
    # the last line of a head may be cut short: only lines ended by a newline count
    complete = data.endswith((b"\n", b"\r"))
    usable = lines if complete else lines[:-1]
    for i in range(1, min(len(usable), LOOK_PAST + 1)):
        line = usable[i]
        if line[:1] != b"{":
            continue
        try:
            value = orjson.loads(line)
        except orjson.JSONDecodeError:
            continue
        if not isinstance(value, dict):
            continue
        if i + 1 < len(usable):
            try:
                orjson.loads(usable[i + 1])
            except orjson.JSONDecodeError:
                continue
        return line, value
    return first_line, None


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
