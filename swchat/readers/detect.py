"""Format detection from content, and expansion of command-line inputs into sources.

Each reader module registers a :class:`Format`: a name, a label, a ``sniff`` function that
looks at the :class:`~swchat.readers.base.Head` of an input and answers

- ``True`` — "this is mine";
- a ``str`` — "I know what this is and it is not posts": the reason to refuse the file
  (a users lookup, tweet counts, a compliance job…);
- ``False``/``None`` — "not mine".

:func:`detect` asks every format in turn: the first claim wins; otherwise the first refusal
is raised as :class:`~swchat.errors.InputFormatError`; otherwise a generic "not a supported
export" error says what the file looks like.

Detection reads the input's first :data:`~swchat.readers.base.HEAD_BYTES` (256 KiB) and no
more, and sniffers parse it with nesting cut at :data:`~swchat.readers.base.SNIFF_DEPTH` levels
(:attr:`~swchat.readers.base.Head.shallow`), so it takes bounded time and memory whatever the
file holds: a twarc2 page of 69 MiB on one line is known by the first tweet of its ``data``, an
array nested 100,000 deep is refused in milliseconds.

Examples
--------
>>> from swchat.readers.base import Source
>>> detect(Source.from_bytes(b"", name="empty.json"))
Traceback (most recent call last):
...
swchat.errors.InputFormatError: empty.json is empty: there are no posts to import
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputFormatError
from .base import LOOK_PAST, Head, Item, Source, head_lines, json_objects

__all__ = ["FORMATS", "Format", "detect", "expand_inputs", "register", "with_options"]


@dataclass(frozen=True)
class Format:
    """A source format swchat can read."""

    name: str
    label: str
    sniff: Callable[[Head], bool | str | None]
    read: Callable[[Source], Iterator[Item]]
    platform: str = "x"
    #: The lean reader of a big format, for the archive's import: the items of ``read`` with
    #: posts as :class:`~swchat.readers.base.PostValues` where that saves work (same rows stored).
    #: Only for a format that takes no options (see :func:`with_options`).
    lean: Callable[[Source], Iterator[Item]] | None = None
    #: How the archive may read a big file in stretches, in two processes at once
    #: (``swchat.archive._stretches``), storing the same archive: ``"lines"``, each line of a
    #: JSON-lines file stands alone (what the reader remembers from one line to the next only
    #: saves work), or the reader of a stretch learns what it needs from the whole file itself
    #: (:meth:`~swchat.readers.base.Source.whole`, as Mastodon's reply parents); ``"csv"``, each
    #: record of a CSV after its header row does (a stretch is read after the header; the reader
    #: checks where it ends, :class:`~swchat.readers.base.StretchMisfit`).
    #: ``None``: read from the start, in one piece.
    stretches: str | None = None
    #: For a reader that remembers from row to row: ``resolve(parts, found)``, the values of a
    #: :class:`~swchat.readers.base.Pending` post made with ``found``, what the stretches before
    #: its own learned (:class:`~swchat.readers.base.Learned`) of its ``key`` (``None``: nothing).
    resolve: Callable[[Any, Any], tuple[Any, ...]] | None = None
    #: For a reader whose notes at a file's end count over the whole file (rows skipped, times
    #: read in a zone): ``tallied(tallies)``, those notes made of the
    #: :class:`~swchat.readers.base.Tally` each stretch's reader yielded at its end instead,
    #: in the file's order; it raises :class:`~swchat.readers.base.StretchMisfit` when the
    #: stretches could not have been read as one reader reads the file (the file is then read
    #: again in one piece).
    tallied: Callable[[list[Any]], list[str]] | None = None
    #: For a reader of stretches that learns from the whole file (``stretches="lines"``, as
    #: Mastodon's reply parents): ``learn_stretches(source, bounds)``, which learns it before the
    #: readers of the stretches start (``bounds``: where they begin, and the file's size last),
    #: so that they inherit it (they are forked) instead of each learning it again, and returns
    #: the function that forgets it once they have started.
    learn_stretches: Callable[[Source, list[int]], Callable[[], None]] | None = None


#: The reader modules, in detection order (most specific first).
READER_MODULES = ("academictwitter", "xv2", "xv1", "x_archive", "tags", "twarc_csv", "snscrape", "snscrape_csv",
                  "archiver_sheet", "rtweet_csv", "mastodon", "bluesky", "csv_mapped")

#: Registered formats by name, in detection order: each reader module registers its format when
#: it is imported (detection imports them in turn, as far as the first that claims the input;
#: a forced ``--format`` or an input no reader claims, every one of them).
FORMATS: dict[str, Format] = {}


def register(fmt: Format) -> Format:
    """Add a format to :data:`FORMATS` (readers call this at import)."""
    FORMATS[fmt.name] = fmt
    return fmt


def with_options(fmt: Format, **options: Any) -> Format:
    """``fmt`` with the reader options it takes bound (``tz``, ``columns``), the others dropped.

    A reader takes an option by having a keyword parameter of that name; ``None`` values are
    not passed.

    Examples
    --------
    >>> def read(source, *, tz=None):
    ...     yield tz
    >>> fmt = with_options(Format("f", "F", lambda head: None, read), tz="Europe/London", columns=None)
    >>> list(fmt.read(Source.from_bytes(b"")))
    ['Europe/London']
    """
    import dataclasses
    import functools
    import inspect

    accepted = inspect.signature(fmt.read).parameters
    given = {k: v for k, v in options.items() if v is not None and k in accepted}
    if not given:
        return fmt
    return dataclasses.replace(fmt, read=functools.partial(fmt.read, **given))


def _format_of(module: str) -> Format:
    """The format of one reader module, imported now (as registered: a caller may have put
    another in its place)."""
    import importlib

    own = importlib.import_module(f"{__package__}.{module}").FORMAT
    return FORMATS.get(own.name, own)


def _load_all() -> None:
    # Import the reader modules so they register themselves (kept lazy: the CLI starts fast).
    import importlib

    ordered = {f.name: f for f in (importlib.import_module(f"{__package__}.{module}").FORMAT
                                   for module in READER_MODULES)}
    if list(FORMATS)[: len(ordered)] != list(ordered):
        # detection follows READER_MODULES, whatever order the modules were first imported in
        others = {name: f for name, f in FORMATS.items() if name not in ordered}
        FORMATS.clear()
        FORMATS.update(ordered)
        FORMATS.update(others)


def _others(asked: set[str]) -> Iterator[Format]:
    """The registered formats not asked yet (every reader module is loaded first)."""
    _load_all()
    yield from [fmt for fmt in FORMATS.values() if fmt.name not in asked]


def detect(source: Source, name: str | None = None) -> Format:
    """Return the format of ``source``, or the format called ``name``.

    Parameters
    ----------
    source : Source
        The input.
    name : str, optional
        Force a format (``--format``); it is still checked, so a wrong choice gets a clear error.

    Raises
    ------
    InputFormatError
        The input is empty, is a known non-post payload, or matches no format.
    """
    head = source.head()
    if not head.data.strip():
        raise InputFormatError(f"{source.name} is empty: there are no posts to import", source.name)
    if name is not None:
        _load_all()
        if name not in FORMATS:
            known = ", ".join(sorted(FORMATS))
            raise InputFormatError(f"unknown format {name!r}; known formats: {known}", source.name)
        verdict = FORMATS[name].sniff(head)
        if isinstance(verdict, str):
            raise InputFormatError(f"{source.name}: {verdict}", source.name)
        if not verdict:
            raise InputFormatError(
                f"{source.name} does not look like {FORMATS[name].label}", source.name
            )
        return FORMATS[name]
    # the reader modules in detection order, each imported when its turn comes: the first claim
    # wins, so a file of a common format loads neither the modules after its own nor what they
    # need (the CLI starts faster); then the formats registered otherwise
    refusal: str | None = None
    asked: set[str] = set()
    for fmt in itertools.chain(map(_format_of, READER_MODULES), _others(asked)):
        asked.add(fmt.name)
        verdict = fmt.sniff(head)
        if verdict is True:
            return fmt
        if isinstance(verdict, str) and refusal is None:
            refusal = verdict
    if refusal:
        raise InputFormatError(f"{source.name}: {refusal}", source.name)
    # a first record no format claims (a list where a tweet has its time, say) does not hide a
    # JSON-lines file, as a first line that is not JSON does not: the next lines are asked, and
    # the reader of the format one claims rejects the first, saying why
    for later in _later_heads(head):
        for fmt in FORMATS.values():
            if fmt.sniff(later) is True:
                return fmt
    if head.damage:  # what could be read of a damaged .gz is no export: the damage is the news
        raise InputFormatError(f"{head.damage}; what could be read before it is not a supported export",
                               source.name)
    preview = head.first_line[:60].decode("utf-8", "replace")
    raise InputFormatError(
        f"{source.name} is not a supported export (it starts {preview!r}); "
        f"supported: {', '.join(f.label for f in FORMATS.values())}",
        source.name,
    )


def _later_heads(head: Head) -> Iterator[Head]:
    """``head`` as if the input began past its first record: at each of the next lines that are
    JSON objects (:func:`~swchat.readers.base.json_objects`) when its first line is one (JSON
    lines), and, for a document (an array of statuses, or an object holding one, ``posts``,
    ``statuses``; on one line or spread over lines), as if its records began at the second, the
    third… — of a document longer than the head, those the head holds whole (:func:`_head_document`)."""
    import dataclasses

    import orjson

    if isinstance(head.first_json, dict):
        lines = head_lines(head.data)
        after = lines.index(head.first_line) + 1 if head.first_line in lines else len(lines)
        for _, line, record in json_objects(lines, after):
            yield dataclasses.replace(head, data=head.data[head.data.find(line):], first_line=line,
                                      first_json=record, _shallow=None)
    if not head.complete:  # a document longer than the head (not JSON lines): what it holds of it whole
        document = _head_document(head) if head.first_json is None else None
    else:
        try:
            document = orjson.loads(head.data)  # (JSON lines are more than one value: no document)
        except orjson.JSONDecodeError:
            return
    for later in _later_records(document):
        line = orjson.dumps(later)
        yield dataclasses.replace(head, data=line + b"\n", first_line=line, first_json=later, complete=True,
                                  _shallow=None)


def _head_document(head: Head) -> Any:
    """What the head of a document longer than it holds whole: an array's first records
    (:data:`~swchat.readers.base.LOOK_PAST` and one), or an object's members read whole and the
    first records of the array the head breaks off in (as ``outbox.json``'s ``orderedItems``, a
    feed's ``feed``); ``None`` when it is neither an array nor an object. Containers nested
    deeper than :data:`~swchat.readers.base.SNIFF_DEPTH` are ``None`` in it, as in sniffing.

    Examples
    --------
    >>> _head_document(Source.from_bytes(b'{"type": "feed", "feed": [{"id": 1}, {"id": 2}, {"id": 3, "te').head())
    {'type': 'feed', 'feed': [{'id': 1}, {'id': 2}]}
    """
    import io

    import ijson  # here, not at the top: the CLI starts fast without it

    data = head.shallow.lstrip(b"\xef\xbb\xbf \t\r\n")
    broken = (ijson.JSONError, UnicodeDecodeError)  # (ijson's IncompleteJSONError is a JSONError)

    def whole_items(prefix: str) -> list[Any]:
        items: list[Any] = []
        with suppress(*broken):
            for item in ijson.items(io.BytesIO(data), prefix, use_float=True):
                items.append(item)
                if len(items) > LOOK_PAST:
                    break
        return items

    if data[:1] == b"[":
        return whole_items("item")
    if data[:1] != b"{":
        return None
    document: dict[str, Any] = {}
    with suppress(*broken):
        for key, value in ijson.kvitems(io.BytesIO(data), "", use_float=True):
            document[key] = value
    last = None  # the last member begun: the one the head breaks off in, unless read whole
    with suppress(*broken):
        for prefix, event, value in ijson.parse(io.BytesIO(data), use_float=True):
            if event == "map_key" and not prefix:
                last = value
    if last is not None and last not in document and (records := whole_items(f"{last}.item")):
        document[last] = records
    return document


def _later_records(document: Any) -> Iterator[Any]:
    """``document`` (an array, or an object holding arrays) with its records' array begun at its
    second record, its third… (:data:`~swchat.readers.base.LOOK_PAST` at most)."""
    if isinstance(document, list):
        for k in range(1, min(len(document), LOOK_PAST + 1)):
            yield document[k:]
    elif isinstance(document, dict):
        for key, records in document.items():
            if isinstance(records, list) and len(records) > 1 and isinstance(records[0], dict):
                for k in range(1, min(len(records), LOOK_PAST + 1)):
                    yield {**document, key: records[k:]}


_SUFFIXES = (".json", ".jsonl", ".ndjson", ".csv", ".js", ".gz", ".txt")


def expand_inputs(args: Iterable[str | Path]) -> list[Source]:
    """Turn command-line inputs into sources.

    A folder stands for the export files inside it (sorted, not recursing into hidden
    folders); in the split layout of academictwitteR, ``users_<id>.json`` files are read
    together with their ``data_<id>.json`` and not on their own. ``-`` is standard input.

    Raises
    ------
    InputFormatError
        A path that does not exist.
    """
    sources: list[Source] = []
    seen: set[Path] = set()
    paths: list[Path | str] = []
    for arg in args:
        if str(arg) == "-":
            paths.append("-")
            continue
        path = Path(arg)
        if not path.exists():
            raise InputFormatError(f"{arg}: no such file or folder", str(arg))
        if path.is_dir():
            paths.extend(
                p for p in sorted(path.rglob("*"))
                if p.is_file() and p.name.lower().endswith(_SUFFIXES)
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        else:
            paths.append(path)
    given = {p.resolve() for p in paths if isinstance(p, Path)}
    for item in paths:
        if item == "-":
            sources.append(Source.from_arg("-"))
            continue
        assert isinstance(item, Path)
        path = item
        if path.resolve() in seen:
            continue
        seen.add(path.resolve())
        name = path.name
        if name.startswith("users_") and name.endswith(".json"):
            partner = path.with_name("data_" + name[len("users_"):])
            if partner.resolve() in given:
                continue  # read with its data file
        source = Source.from_arg(path)
        if name.startswith("data_") and name.endswith(".json"):
            users = path.with_name("users_" + name[len("data_"):])
            if users.exists():
                source.companions.append(users)
                seen.add(users.resolve())
        sources.append(source)
    return sources
