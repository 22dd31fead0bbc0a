"""Data for researchers and big-data tools: a chat's tables as Parquet, CSV, JSON Lines or id lists.

:func:`export_chat` writes the tables of a :class:`~swchat.chat.Chat` into a folder, one file
per table (or, for Parquet, posts and edges in Hive-style folders by tag and month), with a
``manifest.json`` beside them that says what was selected, what each file holds and the edge
rules. :meth:`swchat.Archive.export` (``swchat export``) makes the chat from an archive, with
the archive's consent rules already applied, and adds the sessions and per-session
participation of the selection; :meth:`swchat.Chat.to_parquet` writes a chat in a notebook.

The tables (:data:`TABLES`; the columns and their types are :data:`COLUMNS`):

- **posts** — the selection's own posts (context posts left out), the canonical columns of
  :mod:`swchat.schema` without ``is_context``, plus ``session``: the session the post belongs
  to (``None`` outside sessions; a post in sessions of two hashtags gets the first listed);
- **accounts** — the newest snapshot of every account the posts name as author (the
  selection's and its context posts'), plus ``posts``: its own posts in the selection;
- **edges** — one row per interaction, as the participant network counts them
  (:func:`swchat.network.interaction_table`, under :data:`swchat.network.EDGE_RULES`): ``type``
  (reply, mention, retweet, quote), the post (``post_id``, ``created_at``, ``session``), its
  author (``source_id``, ``source_handle``) and the account it reaches (``target_id``, ``None``
  for an account known only by its handle, and ``target_handle``). Rows of one type from one
  account to another are that edge's weight of that type in ``chat.network()``;
- **sessions** — one row per session of the selection (as ``swchat sessions`` lists them):
  id, hashtag, start and end (UTC), local start and end in the session's time zone, posts,
  participants, hosts, questions;
- **participation** — one row per session and account (:attr:`swchat.chat.History.participation`):
  posts by kind, replies, mentions and retweets received, ``welcomed``, ``first_session``,
  ``returned``, ``followers``.

Formats (:data:`FORMATS`):

- **parquet** (pyarrow): typed columns — text as ``string``, counts as ``int64``, flags as
  ``bool``, times as ``timestamp[ms, tz=UTC]`` (the archive keeps milliseconds), ``hashtags``,
  ``mentions``, ``urls`` and ``hosts`` as ``list<string>``; the manifest is also in each
  file's key-value metadata (``swchat``). DuckDB, Polars, pandas and Spark read the files and
  folders as they are. ``layout="partitioned"`` writes posts and edges as
  ``posts/tag=<tag>/month=<YYYY-MM>/part-0.parquet`` (Hive style, see :func:`partition_tag`
  for the tag; the month is the post's UTC month), the other tables as single files;
- **csv**: a header row, RFC 4180 quoting, UTF-8 without a byte-order mark (as swchat's
  network CSV), ISO times in UTC (``2026-10-07T19:00:00.000Z``), ``true``/``false``, lists
  joined by a space, missing values empty. Ids are written as the text they are, so
  ``pandas.read_csv(path, dtype=str)`` gives them back exactly (a spreadsheet guesses numbers:
  import the id columns as text). Text cells starting with ``=``, ``+``, ``-``, ``@``, a tab
  or a carriage return are prefixed with ``'`` so a spreadsheet shows them instead of running
  them (:func:`swchat.network.export.csv_safe`, OWASP "CSV Injection");
- **jsonl**: one JSON object per line (orjson), times as ISO UTC text, lists as arrays;
- **ids**: dehydrated lists, one id per line and nothing else, as X's terms ask for sharing
  and as ``twarc2 hydrate`` reads them: ``posts.txt`` (the own posts' ids, each once, in time
  order) and, when asked, ``accounts.txt`` (``twarc2 users``). Mastodon and Bluesky ids are
  URIs; export ``platform="x"`` for a list twarc can hydrate.

Tables are written as they are made, in slices (posts, edges) and session by session
(participation, when given as an iterable of frames), so memory holds the chat and one slice;
:func:`export_selection` reads the selection itself a slice at a time (what
:meth:`swchat.Archive.export` does when nobody is to be hidden), so memory holds one slice and
the accounts, whatever the size of the selection.

Examples
--------
>>> import tempfile, pathlib
>>> from swchat.chat import Chat
>>> from swchat.schema import new_post, posts_frame
>>> chat = Chat(posts=posts_frame([
...     new_post(platform="x", post_id="1234567890123456789", author_id="1", author_handle="ann",
...              created_at="2026-10-07T19:00:00.000Z", text="=Q1 hello #SWChat", hashtags=["SWChat"]),
...     new_post(platform="x", post_id="1234567890123456790", author_id="2", author_handle="bob",
...              kind="reply", created_at="2026-10-07T19:01:00.000Z", text="@ann hi",
...              mentions=["ann"], reply_to_post_id="1234567890123456789", reply_to_author_id="1")]),
...     hashtag="SWChat")
>>> out = pathlib.Path(tempfile.mkdtemp())
>>> written = export_chat(chat, out, format="csv", tables=["posts", "edges"])
>>> written.rows
{'posts': 2, 'edges': 1}
>>> import csv
>>> first = next(csv.DictReader((out / "posts.csv").open(encoding="utf-8")))
>>> first["post_id"], first["created_at"], first["text"], first["hashtags"], first["is_quote"]
('1234567890123456789', '2026-10-07T19:00:00.000Z', "'=Q1 hello #SWChat", 'SWChat', 'false')
>>> export_chat(chat, out, format="ids")["posts"].read_text()
'1234567890123456789\\n1234567890123456790\\n'
"""

from __future__ import annotations

import csv
import itertools
import json
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any
from urllib.parse import quote

from .chat import HISTORY_PARTICIPATION_COLUMNS
from .choices import EXPORT_FORMATS, EXPORT_LAYOUTS, EXPORT_TABLES
from .errors import DependencyError
from .schema import ACCOUNT_DTYPES, POST_DTYPES, TEXT

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    import pyarrow as pa

    from .chat import Chat, Session
    from .network.build import Slices

__all__ = [
    "COLUMNS",
    "FORMATS",
    "ID_TABLES",
    "LAYOUTS",
    "SESSIONS_AT_A_TIME",
    "SLICE_POSTS",
    "SLICE_ROWS",
    "TABLES",
    "Exported",
    "account_rows",
    "chat_participation",
    "check_request",
    "edge_rows",
    "export_chat",
    "export_selection",
    "partition_tag",
    "post_rows",
    "post_sessions",
    "require_pyarrow",
    "session_rows",
    "sessions_between",
]

#: The tables, in the order they are written.
TABLES: tuple[str, ...] = EXPORT_TABLES
#: The formats: Parquet, CSV, JSON Lines, and dehydrated id lists.
FORMATS: tuple[str, ...] = EXPORT_FORMATS
#: Layouts of a Parquet export: one file per table, or posts and edges partitioned by tag and month.
LAYOUTS: tuple[str, ...] = EXPORT_LAYOUTS
#: The tables the ``ids`` format writes (``posts.txt``, ``accounts.txt``).
ID_TABLES: tuple[str, ...] = ("posts", "accounts")
#: Rows converted and written at a time.
SLICE_ROWS = 50_000
#: Posts read at a time for :func:`export_selection` (a slice of 10,000 posts takes about 20 MB).
SLICE_POSTS = 10_000
#: Sessions whose participation rows are read at a time for :func:`export_selection`.
SESSIONS_AT_A_TIME = 25
#: The tables written when none are named, per format.
_DEFAULT_TABLES = {"ids": ("posts",)}
#: The tables partitioned by tag and month in the partitioned layout.
_PARTITIONED = ("posts", "edges")


def _column_type(dtype: str) -> str:
    if dtype.startswith("datetime64"):
        return "time"
    return {TEXT: "string", "bool": "bool", "Int64": "int", "object": "strings"}[dtype]


#: The columns of every table with their types: ``string``, ``int``, ``float``, ``bool``,
#: ``time`` (UTC) and ``strings`` (a list of text).
COLUMNS: dict[str, dict[str, str]] = {
    "posts": {**{c: _column_type(t) for c, t in POST_DTYPES.items() if c != "is_context"}, "session": "string"},
    "accounts": {**{c: _column_type(t) for c, t in ACCOUNT_DTYPES.items()}, "posts": "int"},
    "edges": {"platform": "string", "post_id": "string", "created_at": "time", "type": "string",
              "source_id": "string", "source_handle": "string", "target_id": "string", "target_handle": "string",
              "session": "string"},
    "sessions": {"session": "string", "hashtag": "string", "platform": "string", "start": "time", "end": "time",
                 "timezone": "string", "local_start": "string", "local_end": "string", "weekday": "string",
                 "duration_minutes": "float", "posts": "int", "participants": "int", "hosts": "strings",
                 "questions": "int", "on_schedule": "bool"},
    "participation": {c: ("string" if c in ("session", "platform", "account_id", "handle", "first_session")
                          else "bool" if c in ("welcomed", "returned") else "int")
                      for c in HISTORY_PARTICIPATION_COLUMNS},
}

_PART_FILE = re.compile(r"^part-\d+\.parquet$")
_UNSAFE_IN_PATH = re.compile(r"[/\\=%:*?\"<>|\x00-\x1f]")


class Exported(dict[str, Any]):
    """What :func:`export_chat` wrote: table name → its file (a :class:`~pathlib.Path`), or the
    list of its files for a partitioned table.

    Attributes
    ----------
    folder : Path
        The export folder.
    rows : dict
        Rows written per table.
    files : dict
        Rows written per file (``Path`` → int), in the order they were written.
    manifest : Path or None
        The ``manifest.json`` written beside the tables.
    """

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder = folder
        self.rows: dict[str, int] = {}
        self.files: dict[Path, int] = {}
        self.manifest: Path | None = None


# -- what to write ----------------------------------------------------------------------


def check_request(format: str = "parquet", tables: Iterable[str] | str | None = None,
                  layout: str = "files") -> tuple[str, ...]:
    """The tables to write, checked against the format and layout.

    Parameters
    ----------
    format : {"parquet", "csv", "jsonl", "ids"}
    tables : iterable of str or str, optional
        Names from :data:`TABLES` (a string may list them comma-separated); default: all of
        them (for ``ids``: ``posts``).
    layout : {"files", "partitioned"}
        ``partitioned`` is for Parquet only.

    Returns
    -------
    tuple of str
        The tables in :data:`TABLES` order, each once.

    Raises
    ------
    ValueError
        For an unknown format, layout or table, no table at all, a partitioned layout of
        another format than Parquet, or a table the ``ids`` format does not write.
    DependencyError
        For Parquet, when pyarrow is not installed.

    Examples
    --------
    >>> check_request("csv", "edges, posts")
    ('posts', 'edges')
    >>> check_request("ids")
    ('posts',)
    >>> check_request("ids", ["edges"])
    Traceback (most recent call last):
    ...
    ValueError: the ids format writes posts and accounts (their ids), not edges
    """
    if format not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {format!r}")
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {', '.join(LAYOUTS)}, not {layout!r}")
    if layout == "partitioned" and format != "parquet":
        raise ValueError(f"the partitioned layout is for Parquet, not {format}")
    if format == "parquet":
        require_pyarrow()
    if tables is None:
        names: list[str] = list(_DEFAULT_TABLES.get(format, TABLES))
    else:
        parts = tables.split(",") if isinstance(tables, str) else list(tables)
        names = [str(t).strip().lower() for t in parts if str(t).strip()]
        if not names:
            raise ValueError(f"name at least one table: {', '.join(TABLES)}")
        unknown = [t for t in names if t not in TABLES]
        if unknown:
            raise ValueError(f"unknown table {unknown[0]!r}: use {', '.join(TABLES)}")
    if format == "ids":
        other = [t for t in names if t not in ID_TABLES]
        if other:
            raise ValueError(f"the ids format writes {' and '.join(ID_TABLES)} (their ids), not {', '.join(other)}")
    return tuple(t for t in TABLES if t in names)


def require_pyarrow() -> None:
    """Make sure pyarrow (for Parquet) is installed.

    It is an optional dependency (``pip install 'swchat[parquet]'``; ``make`` installs it): with
    pyarrow installed, pandas 3 loads Arrow in every process (about 65 MB more memory for every
    command), which only the Parquet export needs.

    Raises
    ------
    DependencyError
        Saying how to install it.
    """
    import importlib.util

    if importlib.util.find_spec("pyarrow") is None:
        raise DependencyError("Parquet needs pyarrow: pip install 'swchat[parquet]' "
                              "(or export --format csv or jsonl)")


def _utc(value: str | datetime | None) -> pd.Timestamp | None:
    import pandas as pd

    if value is None or value == "":
        return None
    ts = pd.Timestamp(value.replace("Z", "+00:00") if isinstance(value, str) else value)
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")


def sessions_between(sessions: Iterable[Session], since: str | datetime | None = None,
                     until: str | datetime | None = None, platform: str | None = None) -> list[Session]:
    """The sessions that start in ``[since, until)`` (naive times are UTC), on ``platform``.

    Examples
    --------
    >>> import pandas as pd
    >>> from swchat.chat import Session
    >>> s = [Session(f"S-{d}", "S", pd.Timestamp(f"2026-10-{d}T19:00Z"), pd.Timestamp(f"2026-10-{d}T20:00Z"),
    ...              [], []) for d in ("07", "14", "21")]
    >>> [x.id for x in sessions_between(s, since="2026-10-10", until="2026-10-21T19:00")]
    ['S-14']
    """
    start, end = _utc(since), _utc(until)
    return [s for s in sessions if (start is None or s.start >= start) and (end is None or s.start < end)
            and (platform is None or s.platform == platform)]


def post_sessions(sessions: Iterable[Session]) -> dict[str, str]:
    """Post id → the id of its session, from sessions listed with their posts (the first
    listed wins for a post in sessions of two hashtags).

    Examples
    --------
    >>> import pandas as pd
    >>> from swchat.chat import Session
    >>> t = pd.Timestamp("2026-10-07T19:00Z")
    >>> post_sessions([Session("A-2026-10-07", "A", t, t, ["1", "2"], []), Session("B-2026-10-07", "B", t, t, ["2"], [])])
    {'1': 'A-2026-10-07', '2': 'A-2026-10-07'}
    """
    out: dict[str, str] = {}
    for s in sessions:
        for pid in s.post_ids:
            out.setdefault(str(pid), s.id)
    return out


def partition_tag(chat_tag: str | None, session_tag: str | None, hashtags: Any) -> str | None:
    """The ``tag`` partition of a post in the partitioned layout (lower case, without ``#``).

    A post carrying several hashtags is stored once, under the first of: the chat's hashtag
    (an export of one hashtag or one session), the hashtag of the session the post belongs
    to (hashtag-less replies included), the post's first hashtag; a post with none of these
    has no tag (Hive's null partition, which DuckDB, Spark and pyarrow read as null).

    Examples
    --------
    >>> partition_tag("SWChat", None, ["socialwork", "SWChat"]), partition_tag(None, "SWChat", [])
    ('swchat', 'swchat')
    >>> partition_tag(None, None, ["SocialWork", "SWChat"]), partition_tag(None, None, [])
    ('socialwork', None)
    """
    for value in (chat_tag, session_tag, next(iter(hashtags), None) if hashtags is not None else None):
        if value:
            return str(value).lstrip("#").lower() or None
    return None


# -- the tables as frames -------------------------------------------------------------------


def post_rows(chat: Chat, session_of: Mapping[str, str] | None = None) -> pd.DataFrame:
    """The posts table of a chat: its own posts in time order, with their ``session``."""
    own = chat.own_posts
    if not own["created_at"].is_monotonic_increasing:
        own = own.sort_values(["created_at", "post_id"], kind="stable")
    table = own.drop(columns=["is_context"])
    return _with_session(table, session_of, chat.session_id).reset_index(drop=True)


def account_rows(chat: Chat) -> pd.DataFrame:
    """The accounts table of a chat: its account snapshots with their own ``posts`` in it."""
    from collections import Counter

    own = chat.own_posts
    counts = Counter(zip(own["platform"].astype(str), own["author_id"].astype(str), strict=True))
    profiles = chat.profiles
    assert profiles is not None
    return _with_posts(profiles.reset_index(drop=True), counts)


def _with_posts(profiles: pd.DataFrame, counts: Mapping[tuple[str, str], int]) -> pd.DataFrame:
    """Account snapshots with each account's own ``posts`` (``counts`` by platform and id)."""
    return profiles.assign(posts=[counts.get((str(p), str(a)), 0)
                                  for p, a in zip(profiles["platform"], profiles["account_id"], strict=True)])


def edge_rows(chat: Chat, session_of: Mapping[str, str] | None = None) -> pd.DataFrame:
    """The edges table of a chat: one row per interaction (see :func:`swchat.network.interaction_table`)."""
    from .network import interaction_table

    return _with_session(interaction_table(chat.posts, chat.profiles), session_of, chat.session_id)


def _with_session(table: pd.DataFrame, session_of: Mapping[str, str] | None,
                  session_id: str | None = None) -> pd.DataFrame:
    """The table with the ``session`` of each row's post (``session_of``, else ``session_id``)."""
    if session_of:
        return table.assign(session=[session_of.get(str(p)) for p in table["post_id"]])
    return table.assign(session=session_id)


def session_rows(sessions: Iterable[Session]) -> pd.DataFrame:
    """The sessions table: one row per session, in the order given.

    Examples
    --------
    >>> import pandas as pd
    >>> from swchat.chat import Session
    >>> s = Session("SWChat-2026-10-07", "SWChat", pd.Timestamp("2026-10-07T19:00Z"),
    ...             pd.Timestamp("2026-10-07T19:58Z"), ["1", "2"], ["9"], hosts=["ann"], timezone="Europe/London")
    >>> session_rows([s])[["session", "local_start", "posts", "hosts"]].values.tolist()
    [['SWChat-2026-10-07', '2026-10-07T20:00:00+01:00', 2, ['ann']]]
    """
    import pandas as pd

    rows = []
    for s in sessions:
        d = s.as_dict()
        rows.append({"session": s.id, "hashtag": s.hashtag, "platform": s.platform, "start": s.start,
                     "end": s.end, "timezone": s.timezone, "local_start": d["local_start"],
                     "local_end": d["local_end"], "weekday": d["weekday"],
                     "duration_minutes": d["duration_minutes"], "posts": s.posts,
                     "participants": s.participants, "hosts": list(s.hosts), "questions": len(s.questions),
                     "on_schedule": bool(s.on_schedule)})
    return pd.DataFrame(rows, columns=list(COLUMNS["sessions"]))


def chat_participation(chat: Chat) -> pd.DataFrame:
    """The participation rows of a session chat's own session, from its history (an empty
    frame for a chat that is not a session of an archive)."""
    import pandas as pd

    history = chat.history
    if history is None or chat.session_id is None or not len(history.participation):
        return pd.DataFrame(columns=list(HISTORY_PARTICIPATION_COLUMNS))
    part = history.participation
    return part[(part["session"].astype(str) == chat.session_id).to_numpy(bool)]


# -- converting columns ---------------------------------------------------------------------


def _is_na(value: Any) -> bool:
    import pandas as pd

    if isinstance(value, list | tuple) or (hasattr(value, "__array__") and not isinstance(value, str)):
        return False
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    import pandas as pd

    if name in frame.columns:
        return frame[name]
    return pd.Series([None] * len(frame), index=frame.index, dtype=object)


def _values(series: pd.Series) -> Iterator[Any]:
    """The values of a column, ``None`` where missing (None, NaN, NaT, pd.NA)."""
    missing = series.isna().to_numpy(bool)
    for value, gone in zip(series.tolist(), missing, strict=True):
        yield None if gone else value


def _texts(series: pd.Series) -> list[str | None]:
    return [None if v is None else v if isinstance(v, str) else str(v) for v in _values(series)]


def _ints(series: pd.Series) -> list[int | None]:
    return [None if v is None else int(v) for v in _values(series)]


def _floats(series: pd.Series) -> list[float | None]:
    return [None if v is None else float(v) for v in _values(series)]


def _bools(series: pd.Series) -> list[bool | None]:
    return [None if v is None else bool(v) for v in _values(series)]


def _lists(series: pd.Series) -> list[list[str] | None]:
    out: list[list[str] | None] = []
    for v in series.tolist():
        if v is None or (isinstance(v, float) and v != v):
            out.append(None)
        elif isinstance(v, str):
            out.append([v])
        else:
            out.append([str(x) for x in v if not _is_na(x)])
    return out


def _times(series: pd.Series) -> pd.Series:
    import pandas as pd

    return pd.to_datetime(series, utc=True, format="ISO8601") if len(series) else \
        pd.Series([], dtype="datetime64[ns, UTC]")


def _iso_times(series: pd.Series) -> list[str | None]:
    text = _times(series).dt.strftime("%Y-%m-%dT%H:%M:%S.%f")
    return [None if t is None else f"{t[:-3]}Z" for t in _values(text)]


def _plain_columns(frame: pd.DataFrame, columns: Mapping[str, str]) -> list[list[Any]]:
    """Each column as a list of plain Python values (times as ISO text)."""
    convert: dict[str, Callable[[pd.Series], list[Any]]] = {
        "string": _texts, "int": _ints, "float": _floats, "bool": _bools, "strings": _lists, "time": _iso_times}
    return [convert[kind](_column(frame, name)) for name, kind in columns.items()]


def _arrow_type(kind: str) -> pa.DataType:
    import pyarrow as pa

    return {"string": pa.string(), "int": pa.int64(), "float": pa.float64(), "bool": pa.bool_(),
            "time": pa.timestamp("ms", tz="UTC"), "strings": pa.list_(pa.string())}[kind]


def _arrow_schema(columns: Mapping[str, str], metadata: Mapping[str, str] | None = None) -> pa.Schema:
    import pyarrow as pa

    return pa.schema([pa.field(name, _arrow_type(kind)) for name, kind in columns.items()],
                     metadata=dict(metadata or {}))


def _arrow_table(frame: pd.DataFrame, schema: pa.Schema) -> pa.Table:
    import pyarrow as pa

    arrays = []
    for field in schema:
        series = _column(frame, field.name)
        if pa.types.is_timestamp(field.type):
            array = pa.array(_times(series), from_pandas=True).cast(field.type, safe=False)
        elif pa.types.is_list(field.type):
            array = pa.array(_lists(series), type=field.type)
        else:
            try:
                array = pa.array(series, type=field.type, from_pandas=True)
            except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError):
                plain = {pa.string(): _texts, pa.int64(): _ints, pa.float64(): _floats, pa.bool_(): _bools}
                array = pa.array(plain[field.type](series), type=field.type)
        arrays.append(array)
    return pa.Table.from_arrays(arrays, schema=schema)


# -- writing ------------------------------------------------------------------------------------


class _Sink(ABC):
    """Writes one table to one file, slice by slice (one subclass per format)."""

    def __init__(self, path: Path, columns: Mapping[str, str]) -> None:
        self.path = path
        self.columns = dict(columns)
        self.rows = 0

    @abstractmethod
    def write(self, frame: pd.DataFrame) -> None:
        """Add a slice of the table."""

    @abstractmethod
    def close(self) -> dict[Path, int]:
        """Finish the file(s); rows written per file."""


class _CsvSink(_Sink):
    def __init__(self, path: Path, columns: Mapping[str, str]) -> None:
        super().__init__(path, columns)
        self._fh: IO[str] = path.open("w", encoding="utf-8", newline="")
        self._writer = csv.writer(self._fh, lineterminator="\n")
        self._writer.writerow(list(self.columns))

    def write(self, frame: pd.DataFrame) -> None:
        from .network.export import csv_safe

        def cell(value: Any, kind: str) -> Any:
            if value is None:
                return ""
            if kind == "bool":
                return "true" if value else "false"
            if kind == "strings":
                return csv_safe(" ".join(value))
            return csv_safe(value) if kind == "string" else value

        kinds = list(self.columns.values())
        for row in zip(*_plain_columns(frame, self.columns), strict=True):
            self._writer.writerow([cell(v, k) for v, k in zip(row, kinds, strict=True)])
        self.rows += len(frame)

    def close(self) -> dict[Path, int]:
        self._fh.close()
        return {self.path: self.rows}


class _JsonlSink(_Sink):
    def __init__(self, path: Path, columns: Mapping[str, str]) -> None:
        super().__init__(path, columns)
        self._fh: IO[bytes] = path.open("wb")

    def write(self, frame: pd.DataFrame) -> None:
        import orjson

        names = list(self.columns)
        for row in zip(*_plain_columns(frame, self.columns), strict=True):
            self._fh.write(orjson.dumps(dict(zip(names, row, strict=True))) + b"\n")
        self.rows += len(frame)

    def close(self) -> dict[Path, int]:
        self._fh.close()
        return {self.path: self.rows}


class _ParquetSink(_Sink):
    def __init__(self, path: Path, columns: Mapping[str, str], metadata: Mapping[str, str]) -> None:
        import pyarrow.parquet as pq

        super().__init__(path, columns)
        self.schema = _arrow_schema(columns, metadata)
        self._writer = pq.ParquetWriter(path, self.schema, compression="zstd")

    def write(self, frame: pd.DataFrame) -> None:
        if len(frame):
            self._writer.write_table(_arrow_table(frame, self.schema))
            self.rows += len(frame)

    def close(self) -> dict[Path, int]:
        if not self.rows:  # an empty table still has its columns and types
            self._writer.write_table(self.schema.empty_table())
        self._writer.close()
        return {self.path: self.rows}


class _PartitionedSink(_Sink):
    """Parquet files in Hive-style folders ``tag=<tag>/month=<YYYY-MM>/part-<n>.parquet``: the
    ``tag`` and ``month`` columns of the frames written pick the folder and are not stored in
    the files (readers take them from the path)."""

    NULL = "__HIVE_DEFAULT_PARTITION__"

    def __init__(self, path: Path, columns: Mapping[str, str], metadata: Mapping[str, str]) -> None:
        super().__init__(path, columns)
        self.schema = _arrow_schema(columns, metadata)
        self.parts: dict[Path, int] = {}
        _clear_partitions(path)
        path.mkdir(exist_ok=True)

    def _folder(self, tag: Any, month: Any) -> Path:
        return self.path / f"tag={self._value(tag)}" / f"month={self._value(month)}"

    @classmethod
    def _value(cls, value: Any) -> str:
        """A partition value as a folder name: Hive's null partition when missing, and the
        characters a path cannot hold percent-encoded (as Hive, Spark and pyarrow do)."""
        if _is_na(value) or not value:
            return cls.NULL
        text = str(value)
        return quote(text, safe="") if _UNSAFE_IN_PATH.search(text) else text

    def write(self, frame: pd.DataFrame) -> None:
        import pyarrow.parquet as pq

        if not len(frame):
            return
        keys = frame[["tag", "month"]].astype(object).where(frame[["tag", "month"]].notna(), None)
        for (tag, month), rows in frame.groupby([keys["tag"], keys["month"]], sort=True, dropna=False).groups.items():
            folder = self._folder(tag, month)
            folder.mkdir(parents=True, exist_ok=True)
            n = sum(1 for p in self.parts if p.parent == folder)
            path = folder / f"part-{n}.parquet"
            part = frame.loc[rows]
            pq.write_table(_arrow_table(part, self.schema), path, compression="zstd")
            self.parts[path] = len(part)
            self.rows += len(part)

    def close(self) -> dict[Path, int]:
        return dict(self.parts)


class _IdSink(_Sink):
    """One id per line, each once, in the order written."""

    def __init__(self, path: Path, column: str) -> None:
        super().__init__(path, {column: "string"})
        self.column = column
        self._seen: set[str] = set()
        self._fh: IO[str] = path.open("w", encoding="utf-8", newline="\n")

    def write(self, frame: pd.DataFrame) -> None:
        for value in _texts(_column(frame, self.column)):
            if value and value not in self._seen:
                self._seen.add(value)
                self._fh.write(value + "\n")
                self.rows += 1

    def close(self) -> dict[Path, int]:
        self._fh.close()
        return {self.path: self.rows}


def _clear_partitions(path: Path) -> None:
    """Remove what an earlier partitioned export left in ``path`` (its ``part-<n>.parquet``
    files and the partition folders they leave empty); nothing else is touched."""
    if not path.is_dir():
        return
    for tag in path.glob("tag=*"):
        for month in tag.glob("month=*"):
            for part in month.iterdir():
                if part.is_file() and _PART_FILE.match(part.name):
                    part.unlink()
            if not any(month.iterdir()):
                month.rmdir()
        if tag.is_dir() and not any(tag.iterdir()):
            tag.rmdir()


def _slices(frame: pd.DataFrame, size: int = SLICE_ROWS) -> Iterator[pd.DataFrame]:
    for begin in range(0, len(frame), size):
        yield frame.iloc[begin:begin + size]


def _post_partitions(chat: Chat, session_of: Mapping[str, str],
                     tag_of_session: Mapping[str, str]) -> dict[str, tuple[str | None, str | None]]:
    """Post id → its ``(tag, month)`` partition (:func:`partition_tag`; the UTC month ``YYYY-MM``)."""
    return _partitions_of(chat.own_posts, session_of, tag_of_session, chat.hashtag)


def _partitions_of(own: pd.DataFrame, session_of: Mapping[str, str], tag_of_session: Mapping[str, str],
                   hashtag: str | None) -> dict[str, tuple[str | None, str | None]]:
    """Post id → its partition, for these own posts of a chat of ``hashtag``."""
    months = _times(own["created_at"]).dt.strftime("%Y-%m").tolist()
    out: dict[str, tuple[str | None, str | None]] = {}
    for pid, tags, month in zip(own["post_id"].astype(str), own["hashtags"], months, strict=True):
        session = session_of.get(pid)
        tag = partition_tag(hashtag, tag_of_session.get(session) if session else None, tags)
        out[pid] = (tag, None if _is_na(month) else month)
    return out


def _write(sink: _Sink, frame: pd.DataFrame, partitions: Mapping[str, tuple[str | None, str | None]]) -> None:
    """Write a frame of posts or edges, with its rows' partitions when the sink is partitioned."""
    sink.write(_with_partitions(frame, partitions) if isinstance(sink, _PartitionedSink) else frame)


def _with_partitions(frame: pd.DataFrame, partitions: Mapping[str, tuple[str | None, str | None]]) -> pd.DataFrame:
    """``frame`` with the ``tag`` and ``month`` columns of each row's post."""
    keys = [partitions.get(str(p), (None, None)) for p in frame["post_id"]]
    return frame.assign(tag=[k[0] for k in keys], month=[k[1] for k in keys])


def export_chat(chat: Chat, folder: str | Path, *, format: str = "parquet", tables: Iterable[str] | str | None = None,
                sessions: Sequence[Session] | None = None,
                participation: pd.DataFrame | Iterable[pd.DataFrame] | None = None, layout: str = "files",
                selection: Mapping[str, Any] | None = None) -> Exported:
    """Write a chat's tables into a folder (see the module docstring for tables and formats).

    Parameters
    ----------
    chat : Chat
        The selection, as the archive hands it out (consent applied).
    folder : str or Path
        Created when missing (its parent must exist); files of the same names are replaced, and
        so is an earlier partitioned export of the same tables.
    format : {"parquet", "csv", "jsonl", "ids"}
    tables : iterable of str or str, optional
        From :data:`TABLES`; default all (``ids``: ``posts``). See :func:`check_request`.
    sessions : sequence of Session, optional
        The sessions of the selection (listed with their ``post_ids``, which give each post its
        ``session``); default: the chat's own session, if it is one.
    participation : DataFrame or iterable of DataFrames, optional
        Participation rows (:data:`swchat.chat.HISTORY_PARTICIPATION_COLUMNS`); an iterable
        (one frame per session, say) is written frame by frame. Default: the chat's own session's
        rows from its history, if it is a session.
    layout : {"files", "partitioned"}
        ``partitioned``: posts and edges in ``<table>/tag=<tag>/month=<YYYY-MM>/`` folders
        (Parquet only).
    selection : mapping, optional
        What was selected (session, hashtag, since, until, platform, tz), for the manifest.

    Returns
    -------
    Exported
        Table → file (or files), with ``rows``, ``files`` and ``manifest``.

    Raises
    ------
    ValueError
        For a request :func:`check_request` refuses.
    OSError
        When the folder cannot be made or written.

    Examples
    --------
    >>> import tempfile, pathlib, pyarrow.parquet as pq
    >>> from swchat.chat import Chat
    >>> from swchat.schema import new_post, posts_frame
    >>> chat = Chat(posts=posts_frame([new_post(platform="x", post_id="1", author_id="9",
    ...     created_at="2026-10-07T19:00:00.000Z", text="Q1 #SWChat", hashtags=["SWChat"])]))
    >>> out = export_chat(chat, pathlib.Path(tempfile.mkdtemp()) / "out", tables="posts,accounts")
    >>> t = pq.read_table(out["posts"])
    >>> t.num_rows, str(t.schema.field("created_at").type), str(t.schema.field("hashtags").type)
    (1, 'timestamp[ms, tz=UTC]', 'list<element: string>')
    """
    wanted = check_request(format, tables, layout)
    folder = Path(folder)
    folder.mkdir(exist_ok=True)
    listed = list(sessions) if sessions is not None else ([chat.session] if chat.session is not None else [])
    session_of = post_sessions(listed)
    tag_of_session = {s.id: s.hashtag for s in listed}
    manifest = _manifest(format, layout, wanted, {"session": chat.session_id, "hashtag": chat.hashtag,
                                                  **dict(selection or {})}, chat.meta.get("privacy"))
    metadata = {"swchat": json.dumps(manifest, ensure_ascii=False, default=str)}
    result = Exported(folder)
    partitions = _post_partitions(chat, session_of, tag_of_session) if layout == "partitioned" else {}

    for name in wanted:
        sink = _sink(name, folder, format, layout, metadata)
        try:
            for frame in _frames(name, chat, session_of, listed, participation, format):
                _write(sink, frame, partitions)
        finally:
            written = sink.close()
        _record(result, manifest, name, sink, written)
    return _finished(result, manifest)


def export_selection(slices: Slices, folder: str | Path, *,
                     profiles: Callable[[set[tuple[Any, Any]]], pd.DataFrame],
                     posts_with_ids: Callable[[set[tuple[str, str]]], pd.DataFrame] | None = None,
                     aliases: Mapping[tuple[str, str], tuple[str, str]] | None = None, hashtag: str | None = None,
                     format: str = "parquet", tables: Iterable[str] | str | None = None,
                     sessions: Sequence[Session] = (),
                     sessions_of: Callable[[list[tuple[str, str]]], Mapping[str, str]] | None = None,
                     participation: pd.DataFrame | Iterable[pd.DataFrame] | None = None, layout: str = "files",
                     selection: Mapping[str, Any] | None = None) -> Exported:
    """The tables of a selection read a slice at a time: what :func:`export_chat` writes for the
    chat of that selection, without ever holding all its posts.

    The posts are read twice (as :func:`swchat.network.selection_network` reads them): once
    (:data:`swchat.network.KEY_COLUMNS`) for who is who — the accounts the posts name, each
    account's own posts, which handle is which account — and once, whole, for the posts and
    edges tables, written slice by slice. Memory holds one slice and the accounts (with
    ``sessions_of``; without it, also each session post's session), whatever the size of the
    selection. The rows are those of
    :func:`export_chat` for ``Chat(posts, profiles)`` of the whole selection with the authors
    known by handle merged (:func:`swchat.privacy.merge_handle_authors`), in the same order
    (accounts: by platform and id); a post quoted only by a link (a TAGS sheet) has its author
    looked up with ``posts_with_ids``, as the network's edges do.

    Parameters
    ----------
    slices : callable
        ``slices(columns)`` gives the selection's posts as frames (at least these columns), in
        (time, id) order from slice to slice, each slice with the context rows its own posts
        refer to (:meth:`swchat.archive.Archive.post_slices` with ``ordered=True``); afresh at
        each call. Not yet merged by ``aliases``.
    folder : str or Path
        As for :func:`export_chat`.
    profiles : callable
        ``profiles(keys)`` gives the account snapshots of these ``(platform, account_id)`` keys.
    posts_with_ids : callable, optional
        ``posts_with_ids(keys)`` gives the posts with these ``(platform, post_id)`` keys.
    aliases : mapping, optional
        Authors known only by handle → their account (:meth:`swchat.archive.Archive.handle_aliases`).
    hashtag : str, optional
        The hashtag selected (for the manifest and the partitions).
    format, tables, sessions, participation, layout, selection
        As for :func:`export_chat` (``participation``: best given a few sessions at a time).
    sessions_of : callable, optional
        ``sessions_of(keys)`` gives the id of the session (of ``sessions``) each of these
        ``(platform, post_id)`` posts belongs to, keyed by post id (the first listed wins, as
        :func:`post_sessions` has it); default: ``sessions`` listed with their ``post_ids``.

    Returns
    -------
    Exported

    Raises
    ------
    SelectionError
        When the slices hold no post of the selection's own (nothing is written).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from swchat.schema import new_post, posts_frame
    >>> frame = posts_frame([new_post(platform="x", post_id=str(i), author_id=str(i % 2), author_handle=f"u{i % 2}",
    ...     created_at=f"2026-09-02T19:0{i}:00.000Z", kind="reply" if i else "original",
    ...     reply_to_post_id="0" if i else None, reply_to_author_id="0" if i else None) for i in range(4)])
    >>> out = export_selection(lambda columns: (frame[:2], frame[2:]), pathlib.Path(tempfile.mkdtemp()) / "out",
    ...                        profiles=lambda keys: None, format="csv", tables="posts,accounts,edges")
    >>> out.rows
    {'posts': 4, 'accounts': 0, 'edges': 2}
    """
    from collections import Counter

    from .errors import SelectionError
    from .network.build import (
        KEY_COLUMNS,
        NodeKeys,
        interaction_frame,
        interaction_rows,
        linked_quotes,
        post_authors,
        unique_posts,
    )
    from .privacy import alias_authors, merge_handle_profiles

    wanted = check_request(format, tables, layout)
    aliases = dict(aliases or {})
    hashtag = hashtag.lstrip("#") if hashtag else None
    listed = list(sessions)
    session_of: Mapping[str, str] = post_sessions(listed) if sessions_of is None else {}
    tag_of_session = {s.id: s.hashtag for s in listed}

    # first reading (for the accounts and the edges): who is who, and each account's own posts
    keys = NodeKeys()
    named: set[tuple[Any, Any]] = set()
    own_posts: Counter[tuple[str, str]] = Counter()
    linked: set[tuple[str, str]] = set()
    learn = "accounts" in wanted or "edges" in wanted
    for frame in slices(KEY_COLUMNS) if learn else ():
        named.update(zip(frame["platform"], frame["author_id"], strict=True))
        frame = alias_authors(frame, aliases)
        keys.learn(frame)
        own = frame[~frame["is_context"].fillna(False).astype(bool).to_numpy(bool)]
        own_posts.update(zip(own["platform"].astype(str), own["author_id"].astype(str), strict=True))
        linked |= linked_quotes(frame)
    if learn and not own_posts:
        raise SelectionError("no posts in that selection")
    # second reading (for the posts and the edges): its first slice read before anything is written
    # (with neither, and no first reading, that slice only tells whether there are posts at all)
    reads_posts = "posts" in wanted or "edges" in wanted
    reading = iter(slices(tuple(POST_DTYPES) if reads_posts else KEY_COLUMNS) if reads_posts or not learn else ())
    first = next(reading, None)
    if first is None and not learn:
        raise SelectionError("no posts in that selection")
    accounts = profiles({k for k in named if isinstance(k[0], str) and isinstance(k[1], str)}) if learn else None
    if accounts is not None and aliases:
        accounts = merge_handle_profiles(accounts, aliases)
    keys.finish(accounts)
    quoted = post_authors(alias_authors(posts_with_ids(linked), aliases)) if posts_with_ids and linked else {}

    folder = Path(folder)
    folder.mkdir(exist_ok=True)
    manifest = _manifest(format, layout, wanted, {"hashtag": hashtag, **dict(selection or {})}, None)
    metadata = {"swchat": json.dumps(manifest, ensure_ascii=False, default=str)}
    result = Exported(folder)
    sinks: dict[str, _Sink] = {}
    written: dict[str, dict[Path, int]] = {}
    try:
        for name in wanted:
            sinks[name] = _sink(name, folder, format, layout, metadata)
        # second reading: the posts and their edges, slice by slice
        if reads_posts:
            for frame in itertools.chain([first], reading):
                frame = unique_posts(alias_authors(frame, aliases))
                own = frame[~frame["is_context"].to_numpy(bool)]
                if sessions_of is not None:
                    session_of = sessions_of(list(zip(own["platform"], own["post_id"], strict=True)))
                partitions = _partitions_of(own, session_of, tag_of_session, hashtag) \
                    if layout == "partitioned" else {}
                if "posts" in sinks:
                    table = _with_session(own.drop(columns=["is_context"]), session_of)
                    _write(sinks["posts"], table.reset_index(drop=True), partitions)
                if "edges" in sinks:
                    rows = interaction_rows(frame, keys, {**quoted, **post_authors(frame)})
                    _write(sinks["edges"], _with_session(interaction_frame(rows), session_of), partitions)
        if "accounts" in sinks and accounts is not None and len(accounts):
            table = _with_posts(accounts.sort_values(["platform", "account_id"], kind="stable")
                                .reset_index(drop=True), own_posts)
            for part in _slices(table):
                sinks["accounts"].write(part)
        if "sessions" in sinks:
            sinks["sessions"].write(session_rows(listed))
        if "participation" in sinks:
            for frame in _participation_frames(participation):
                sinks["participation"].write(frame)
    finally:
        for name, sink in sinks.items():
            written[name] = sink.close()
    for name in wanted:
        _record(result, manifest, name, sinks[name], written[name])
    return _finished(result, manifest)


def _manifest(format: str, layout: str, wanted: Sequence[str], selection: Mapping[str, Any],
              privacy: Any) -> dict[str, Any]:
    """The manifest of an export, before its tables are written."""
    from .network import EDGE_RULES
    from .version import __version__

    manifest: dict[str, Any] = {
        "generator": f"swchat {__version__}",
        "format": format,
        "layout": layout,
        "selection": {k: (v.isoformat() if hasattr(v, "isoformat") else v)
                      for k, v in selection.items() if v is not None},
    }
    if privacy:
        manifest["privacy"] = privacy
    if "edges" in wanted and format != "ids":
        manifest["edge_rules"] = EDGE_RULES.format(self_loops="left out")
    if layout == "partitioned":
        manifest["partitioning"] = (
            "posts and edges in <table>/tag=<tag>/month=<YYYY-MM>/part-<n>.parquet (Hive style); month: the "
            "post's UTC month; tag (lower case): the chat's hashtag, else the hashtag of the post's session, else "
            "the post's first hashtag, else none (__HIVE_DEFAULT_PARTITION__, read as null)")
    return manifest


def _record(result: Exported, manifest: dict[str, Any], name: str, sink: _Sink, written: dict[Path, int]) -> None:
    """Note a table written: its files and rows, in ``result`` and in the manifest."""
    format = manifest["format"]
    result.files.update(written)
    result.rows[name] = sink.rows
    paths = list(written)
    result[name] = paths if isinstance(sink, _PartitionedSink) else paths[0]
    # (after the metadata each Parquet file carries was made: that has no "tables")
    manifest.setdefault("tables", {})[name] = {
        "files": [p.relative_to(result.folder).as_posix() for p in paths], "rows": sink.rows,
        "columns": {c: _type_name(k, format) for c, k in sink.columns.items()}}


def _finished(result: Exported, manifest: dict[str, Any]) -> Exported:
    """Write the manifest beside the tables."""
    path = result.folder / "manifest.json"
    path.write_text(json.dumps(manifest, indent=1, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    result.manifest = path
    return result


def _type_name(kind: str, format: str) -> str:
    """How a column of this kind is written in this format (for the manifest)."""
    if format == "parquet":
        return str(_arrow_type(kind))
    if format == "ids":
        return "id, one per line"
    names = {"string": "text", "int": "integer", "float": "number", "bool": "true/false",
             "time": "ISO 8601 UTC text", "strings": "list of text"}
    if kind == "strings" and format == "csv":
        return "list of text, separated by spaces"
    return names[kind]


def _sink(name: str, folder: Path, format: str, layout: str, metadata: Mapping[str, str]) -> _Sink:
    """The writer of one table."""
    columns = COLUMNS[name]
    if format == "ids":
        return _IdSink(folder / f"{name}.txt", "post_id" if name == "posts" else "account_id")
    if format == "csv":
        return _CsvSink(folder / f"{name}.csv", columns)
    if format == "jsonl":
        return _JsonlSink(folder / f"{name}.jsonl", columns)
    if layout == "partitioned" and name in _PARTITIONED:
        return _PartitionedSink(folder / name, columns, metadata)
    return _ParquetSink(folder / f"{name}.parquet", columns, metadata)


def _frames(name: str, chat: Chat, session_of: Mapping[str, str], sessions: Sequence[Session],
            participation: pd.DataFrame | Iterable[pd.DataFrame] | None, format: str) -> Iterator[pd.DataFrame]:
    """The frames of one table, slice by slice."""
    if name == "posts":
        table = post_rows(chat, session_of)
        if format == "ids":
            table = table.sort_values(["created_at", "post_id"], kind="stable")
        yield from _slices(table)
    elif name == "accounts":
        yield from _slices(account_rows(chat))
    elif name == "edges":
        yield from _slices(edge_rows(chat, session_of))
    elif name == "sessions":
        yield session_rows(sessions)
    elif name == "participation":
        yield from _participation_frames(chat_participation(chat) if participation is None else participation)


def _participation_frames(participation: pd.DataFrame | Iterable[pd.DataFrame] | None) -> Iterator[pd.DataFrame]:
    """The participation table's frames: a frame in slices, or the frames given (none: nothing)."""
    import pandas as pd

    if participation is None:
        return
    if isinstance(participation, pd.DataFrame):
        yield from _slices(participation)
    else:
        yield from participation
