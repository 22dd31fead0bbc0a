"""The SQLite archive: ingest exports, deduplicate, keep provenance and rejects, select chats.

One file (WAL mode) holds

- ``posts`` — one canonical row per (platform, post_id), with ``is_context`` for referenced
  posts that were not themselves in an export, its origin, and where its raw record is;
- ``raw_blocks`` — the raw records as the export had them, compressed a batch at a time
  (Zstandard over a few thousand similar records compresses far better and faster than one by
  one: :mod:`swchat.raw_blocks`); a post's ``raw_block`` and ``raw_index`` find its record,
  :meth:`Archive.raw` reads it;
- ``post_hashtags`` — one row per post and hashtag (lower-cased, indexed) for selection;
- ``accounts`` — one row per platform account, the newest snapshot winning (a value the newer
  snapshot lacks, such as a TAGS sheet's missing display name, is kept from an older one);
- ``sources`` — every import: path, SHA-256 digest, format, counts, time;
- ``rejected`` — every record a reader could not use: file, line, reason and raw text.

Each file is imported in one transaction: a crash or a kill part-way leaves the archive as it
was before that file (a big file is parsed and converted in a worker process while this one
writes, on Linux with two or more CPUs; the worker never touches the database). Counts per file
always satisfy **read = added + duplicates + rejected**, where *read* counts the export's own
post records (context posts are counted apart), a *duplicate* is a post already in the archive
(or earlier in the same file), and a context post later seen as a real post of an export is
*promoted* (counted as added), never duplicated.

Nothing a file holds stops an import (issue 12). A count SQLite cannot hold (likes, reposts,
replies, quotes, followers or following beyond 64 bits, or a float such as ``1e300``) is left
empty and the post kept, a note saying how many; a raw record orjson cannot write (an integer
beyond 64 bits, nesting deeper than 255 levels) is kept with those integers as text and what
lies deeper than 200 levels cut (:func:`swchat.readers.base.raw_json`); a reader that breaks
off on something unforeseen keeps what it read, and the break is one rejected record saying
where. Only a file that cannot be read at all (refused by detection, an I/O error) carries
``FileResult.error``, with nothing from it kept; the next files are imported as usual.

Examples
--------
>>> import orjson, tempfile, pathlib
>>> tmp = pathlib.Path(tempfile.mkdtemp())
>>> page = {"data": [{"id": "1", "text": "Q1: hello #SWChat", "author_id": "9",
...                   "created_at": "2026-09-02T19:00:00.000Z",
...                   "entities": {"hashtags": [{"tag": "SWChat"}]}}],
...         "includes": {"users": [{"id": "9", "username": "host"}]}}
>>> _ = (tmp / "page.jsonl").write_bytes(orjson.dumps(page) + b"\\n")
>>> with Archive(tmp / "a.db") as archive:
...     first = archive.ingest([tmp / "page.jsonl"])
...     again = archive.ingest([tmp / "page.jsonl"])
...     stats = archive.stats()
>>> first.total["added"], again.total["duplicates"], stats["posts"]
(1, 1, 1)
"""

from __future__ import annotations

import gc
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import asdict, astuple, dataclass, field
from datetime import UTC, datetime
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import orjson

from . import raw_blocks
from .consent_store import CONSENT_DDL, ConsentStore, Naming
from .database import Notify, connect, not_writable_reason, writable
from .errors import ArchiveError, ArchiveFullError, InputFormatError, SelectionError
from .parallel import fork_available
from .readers.base import (
    Account,
    Learned,
    Note,
    Pending,
    Post,
    PostValues,
    Rejected,
    Source,
    Tally,
    newlines,
)
from .schema import POST_COLUMNS, iso_utc, time_zone
from .session_store import DERIVED_DDL, SessionStore

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["DEFAULT_ARCHIVE", "Archive", "FileResult", "IngestResult", "default_archive_path"]

DEFAULT_ARCHIVE = "swchat.db"
SCHEMA_VERSION = "4"
#: older schemas this one brings up to date (see :meth:`Archive._upgrade`)
_OLDER_SCHEMAS = ("1", "2", "3")
BATCH = 2000
#: Context posts (a post's referenced post, not itself in the export) are held back while the
#: import reads on, up to this many: when the post's own record comes, the context copy is
#: dropped, and the post is written once rather than written and then promoted (an update of
#: every column and index). A search's pages are newest first, so a reply comes before what it
#: replies to: in a generated chat of 20,000 posts a quarter came first as context, all within
#: 1,315 posts of their own record. The archive ends up the same.
_HOLD = 2000
#: A batch of posts is sent on early when its raw records pass this size (64 MiB), so that a
#: block stays far below SQLite's largest value (1 GB) however big the records are.
_BLOCK_BYTES = 1 << 26

_STORED = [c for c in POST_COLUMNS if c not in ("is_context", "origin")]
_LISTS = ("hashtags", "mentions", "urls")

_DDL = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS sources (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL,
    digest TEXT,
    format TEXT,
    imported_at TEXT NOT NULL,
    read INTEGER NOT NULL DEFAULT 0,
    added INTEGER NOT NULL DEFAULT 0,
    duplicates INTEGER NOT NULL DEFAULT 0,
    rejected INTEGER NOT NULL DEFAULT 0,
    context INTEGER NOT NULL DEFAULT 0,
    accounts INTEGER NOT NULL DEFAULT 0,
    notes TEXT
);
CREATE TABLE IF NOT EXISTS posts (
    platform TEXT NOT NULL,
    post_id TEXT NOT NULL,
    url TEXT,
    created_at TEXT NOT NULL,
    author_id TEXT,
    author_handle TEXT,
    author_name TEXT,
    text TEXT,
    kind TEXT NOT NULL,
    is_quote INTEGER NOT NULL DEFAULT 0,
    reply_to_post_id TEXT,
    reply_to_author_id TEXT,
    reply_to_handle TEXT,
    quoted_post_id TEXT,
    retweeted_post_id TEXT,
    conversation_id TEXT,
    hashtags TEXT,
    mentions TEXT,
    urls TEXT,
    lang TEXT,
    source_app TEXT,
    like_count INTEGER,
    repost_count INTEGER,
    reply_count INTEGER,
    quote_count INTEGER,
    collected_at TEXT,
    is_context INTEGER NOT NULL DEFAULT 0,
    origin TEXT,
    source_id INTEGER REFERENCES sources(id),
    raw_block INTEGER REFERENCES raw_blocks(id),
    raw_index INTEGER,
    UNIQUE (platform, post_id)
);
CREATE INDEX IF NOT EXISTS posts_created ON posts (created_at);
CREATE INDEX IF NOT EXISTS posts_reply_to ON posts (platform, reply_to_post_id);
CREATE TABLE IF NOT EXISTS raw_blocks (
    id INTEGER PRIMARY KEY,
    source_id INTEGER REFERENCES sources(id),
    data BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS post_hashtags (
    platform TEXT NOT NULL,
    post_id TEXT NOT NULL,
    tag TEXT NOT NULL,
    PRIMARY KEY (tag, platform, post_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS accounts (
    platform TEXT NOT NULL,
    account_id TEXT NOT NULL,
    handle TEXT,
    name TEXT,
    description TEXT,
    followers INTEGER,
    following INTEGER,
    location TEXT,
    created_at TEXT,
    snapshot_at TEXT,
    PRIMARY KEY (platform, account_id)
);
CREATE INDEX IF NOT EXISTS accounts_handle ON accounts (platform, handle COLLATE NOCASE);
CREATE TABLE IF NOT EXISTS rejected (
    id INTEGER PRIMARY KEY,
    source_id INTEGER REFERENCES sources(id),
    path TEXT NOT NULL,
    digest TEXT,
    line INTEGER,
    reason TEXT NOT NULL,
    raw TEXT
);
"""

# the insert's column order: the columns taken from the row as they are (one itemgetter call),
# then those made on the way in
_DIRECT = tuple(c for c in _STORED if c not in _LISTS and c != "is_quote")
#: a post as a tuple of :data:`~swchat.schema.POST_COLUMNS` (what a lean reader yields, see
#: :class:`~swchat.readers.base.PostValues`), and the parts of that tuple the insert takes
_post_values = itemgetter(*POST_COLUMNS)
_AT = {c: i for i, c in enumerate(POST_COLUMNS)}
_direct_values = itemgetter(*(_AT[c] for c in _DIRECT))
_count_values = itemgetter(*(_AT[c] for c in ("like_count", "repost_count", "reply_count", "quote_count")))
#: the rest of what the archive takes from those values, in one call
_post_parts = itemgetter(*(_AT[c] for c in ("platform", "post_id", "is_quote", "hashtags", "mentions", "urls",
                                            "origin")))
_post_key = itemgetter(_AT["platform"], _AT["post_id"])
_CREATED = _DIRECT.index("created_at")
_POST_STORE = [*_DIRECT, "is_quote", *_LISTS, "is_context", "origin", "source_id", "raw_block", "raw_index"]
_INSERT_POST = (
    f"INSERT INTO posts ({', '.join(_POST_STORE)}) VALUES ({', '.join('?' * len(_POST_STORE))})"
)
_PROMOTE_POST = (
    _INSERT_POST + " ON CONFLICT (platform, post_id) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in _POST_STORE if c not in ("platform", "post_id"))
)
_INSERT_ACCOUNT = (
    "INSERT INTO accounts (platform, account_id, handle, name, description, followers, following, "
    "location, created_at, snapshot_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (platform, account_id) DO UPDATE SET "
    "handle = coalesce(excluded.handle, accounts.handle), name = coalesce(excluded.name, accounts.name), "
    "description = coalesce(excluded.description, accounts.description), "
    "followers = coalesce(excluded.followers, accounts.followers), "
    "following = coalesce(excluded.following, accounts.following), "
    "location = coalesce(excluded.location, accounts.location), "
    "created_at = coalesce(excluded.created_at, accounts.created_at), "
    "snapshot_at = excluded.snapshot_at "
    "WHERE accounts.snapshot_at IS NULL OR excluded.snapshot_at >= accounts.snapshot_at"
)
_INSERT_REJECTED = (
    "INSERT INTO rejected (source_id, path, digest, line, reason, raw) VALUES (?, ?, ?, ?, ?, ?)"
)
_ACCOUNT_COLS = ("platform", "account_id", "handle", "name", "description", "followers",
                 "following", "location", "created_at", "snapshot_at")
_account_key = itemgetter("platform", "account_id")
_account_content = itemgetter(*_ACCOUNT_COLS[2:-1])
#: Where the counts are in a post's direct values and in an account's values: a count SQLite
#: cannot hold (an integer beyond 64 bits, a float such as ``1e300``) is left empty (``None``).
_POST_COUNTS = tuple(i for i, c in enumerate(_DIRECT) if c in ("like_count", "repost_count", "reply_count",
                                                               "quote_count"))
_ACCOUNT_COUNTS = tuple(i for i, c in enumerate(_ACCOUNT_COLS) if c in ("followers", "following"))
_INT64 = (1 << 63) - 1


def _clamped(values: tuple[Any, ...], where: tuple[int, ...]) -> tuple[tuple[Any, ...], int]:
    """``values`` with the counts at ``where`` that SQLite cannot store set to ``None``, and how many."""
    bad = [i for i in where if isinstance(v := values[i], int | float) and not -_INT64 - 1 <= v <= _INT64]
    if not bad:
        return values, 0
    out = list(values)
    for i in bad:
        out[i] = None
    return tuple(out), len(bad)


def default_archive_path() -> Path:
    """The archive used when none is given: ``$SWCHAT_ARCHIVE`` or ``swchat.db`` here."""
    return Path(os.environ.get("SWCHAT_ARCHIVE") or DEFAULT_ARCHIVE)


@dataclass
class FileResult:
    """What happened to one input file.

    ``read = added + duplicates + rejected`` always holds; ``context`` counts referenced posts
    newly stored for context, ``accounts`` the account snapshots written, ``forgotten`` the
    posts of forgotten accounts left out (not counted in ``read``; see
    :meth:`~swchat.consent_store.ConsentStore.forget`, and ``notes`` for the rest it left out),
    ``notes`` what the reader said besides (API error pages…), ``error`` why a whole file was refused.
    """

    path: str
    format: str | None = None
    read: int = 0
    added: int = 0
    duplicates: int = 0
    rejected: int = 0
    context: int = 0
    accounts: int = 0
    forgotten: int = 0
    notes: list[str] = field(default_factory=list)
    error: str | None = None
    digest: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """The result as plain JSON-ready values."""
        return asdict(self)


@dataclass
class IngestResult:
    """The results of one :meth:`Archive.ingest` call, per file and in total.

    ``sessions`` says what bringing the derived session tables up to date did afterwards
    (``posts`` derived again, ``sessions`` stored), when that was done.
    """

    files: list[FileResult]
    sessions: dict[str, int] | None = None
    #: Why the session tables could not be brought up to date after the import (a full disk, another
    #: process writing past ``write_wait``), if so: commands derive them as they need them until then.
    sessions_error: str | None = None

    @property
    def total(self) -> dict[str, int]:
        """Summed ``read``, ``added``, ``duplicates`` and ``rejected`` over the files."""
        keys = ("read", "added", "duplicates", "rejected")
        return {k: sum(getattr(f, k) for f in self.files) for k in keys}

    @property
    def failed(self) -> list[FileResult]:
        """Files refused as a whole."""
        return [f for f in self.files if f.error]

    def as_dict(self) -> dict[str, Any]:
        """``{"files": [...], "total": {...}}`` as printed by ``swchat ingest --json``."""
        return {"files": [f.as_dict() for f in self.files], "total": self.total}


def _now() -> str:
    return iso_utc(datetime.now(UTC))


class Archive(SessionStore, ConsentStore):
    """A swchat archive: one SQLite file.

    Parameters
    ----------
    path : str or Path, optional
        The archive file; created when absent. Defaults to :func:`default_archive_path`.
    create : bool
        When ``False``, a missing file raises :class:`~swchat.errors.ArchiveError` instead.
    read_only : bool or None
        ``None`` (default): read-write when the file can be written, else read-only; ``True``:
        read-only (SQLite ``mode=ro``, or ``immutable=1`` where even that needs a write); ``False``:
        an archive that cannot be written is a :class:`~swchat.errors.ReadOnlyArchiveError` at
        once. See :func:`swchat.database.connect`. ``read_only`` says which it became.
    notify : callable, optional
        ``notify(message)`` when a write waits for another process writing to the archive
        (default: the message goes to stderr).
    write_wait : float, optional
        At most this many seconds of waiting for another writer (default: as long as it takes).

    Each file is imported in one transaction, and a second process writing to the archive
    waits for it (:meth:`~swchat.database.Database.begin_write`); readers never wait.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with Archive(pathlib.Path(tempfile.mkdtemp()) / "x.db") as archive:
    ...     archive.stats()["posts"]
    0
    """

    def __init__(self, path: str | Path | None = None, *, create: bool = True, read_only: bool | None = None,
                 notify: Notify | None = None, write_wait: float | None = None) -> None:
        self.path = Path(path) if path is not None else default_archive_path()
        if not create and not self.path.exists():
            raise ArchiveError(f"no archive at {self.path}: import something first with `swchat ingest`")
        self.notify = notify
        self.write_wait = write_wait
        try:
            self.db, self.read_only = connect(self.path, read_only=read_only)
        except sqlite3.DatabaseError as exc:
            raise ArchiveError(f"{self.path} is not a swchat archive ({exc})") from None
        try:
            version = self.meta_value("schema_version")
            if version in ("1", "2") and self.read_only:  # an upgrade writes (3 is read as it is)
                why = not_writable_reason(self.path) if not writable(self.path) else "opened read-only"
                raise ArchiveError(f"{self.path} has the older archive schema {version} and is read-only here "
                                   f"({why}): open it once where it can be written, and swchat brings it to "
                                   f"schema {SCHEMA_VERSION}")
            if version is None:
                if self.read_only:
                    raise ArchiveError(f"{self.path} is not a swchat archive (it is empty, and read-only here)")
                self._create()
            elif version in _OLDER_SCHEMAS and not self.read_only:
                self._upgrade(version)
            elif version == "3":
                pass  # read-only: schema 4 only writes raw blocks another way, and reads both
            elif version != SCHEMA_VERSION:
                raise ArchiveError(f"{self.path} has archive schema {version}; this swchat reads {SCHEMA_VERSION}")
        except BaseException as exc:
            self.db.close()
            if isinstance(exc, sqlite3.DatabaseError):
                problem = self.storage_error(exc)
                raise problem or ArchiveError(f"{self.path} is not a swchat archive ({exc})") from None
            raise

    def _create(self) -> None:
        """Make the tables of a new archive (unless another process has made them meanwhile)."""
        with self.write_transaction():
            if self.meta_value("schema_version") is None:
                for statement in (_DDL + DERIVED_DDL + CONSENT_DDL).split(";"):
                    if statement.strip():
                        self.db.execute(statement)
                self.set_meta("schema_version", SCHEMA_VERSION)

    def meta_value(self, key: str) -> str | None:
        """A value of the archive's ``meta`` table (``schema_version`` …), or ``None``."""
        try:
            row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        except sqlite3.OperationalError:
            if self.db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
                raise sqlite3.DatabaseError("it has tables but no swchat metadata") from None
            return None
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        """Set a value of the archive's ``meta`` table (in a transaction of its own, unless one is open)."""
        if not self.db.in_transaction:
            with self.write_transaction():
                self.set_meta(key, value)
            return
        self.db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def _upgrade(self, version: str) -> None:
        """Bring an older archive to this schema in one transaction. 1 → 2: the derived session
        tables and per-hashtag post counts (the session tables are filled on first use); 2 → 3:
        the consent registry (``optouts``, ``forgotten``); 3 → 4: raw blocks are written with
        Zstandard from now on (:mod:`swchat.raw_blocks`; the zlib ones stay as they are and read)."""
        db = self.db
        with self.write_transaction():
            if self.meta_value("schema_version") == SCHEMA_VERSION:  # another process upgraded it meanwhile
                return
            if version == "1":
                for statement in DERIVED_DDL.split(";"):
                    if statement.strip():
                        db.execute(statement)
                db.execute("INSERT INTO tag_counts (tag, posts) SELECT h.tag, count(*) FROM post_hashtags h "
                           "JOIN posts p ON p.platform = h.platform AND p.post_id = h.post_id WHERE p.is_context = 0 "
                           "GROUP BY h.tag")
                self.set_meta("derived_full", "1")
            for statement in CONSENT_DDL.split(";"):
                if statement.strip():
                    db.execute(statement)
            self.set_meta("schema_version", SCHEMA_VERSION)

    # -- context manager -------------------------------------------------------------
    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- ingest ----------------------------------------------------------------------
    def ingest(
        self,
        inputs: Iterable[str | Path | Source],
        format: str | None = None,
        progress: Callable[[Source, str], Callable[[int], None] | None] | None = None,
        *,
        tz: str | None = None,
        columns: str | Path | Mapping[str, str] | None = None,
    ) -> IngestResult:
        """Import export files into the archive, one transaction per file.

        What belongs to a forgotten account (:meth:`~swchat.consent_store.ConsentStore.forget`)
        is left out as it is read: its posts, snapshots and raw records, the raw records of
        others' posts that name it or its posts, the text of retweets of its posts (see
        ``FileResult.forgotten`` and the notes).

        Parameters
        ----------
        inputs : iterable of str, Path or Source
            Files, folders (their export files; academictwitteR split pairs), ``-`` for stdin.
        format : str, optional
            Force a reader by name (see :data:`swchat.readers.FORMATS`); detected otherwise.
        progress : callable, optional
            ``progress(source, format_name)`` returns a callback that receives the raw bytes read
            so far (or ``None`` for no progress); used by the CLI's progress bar.
        tz : str, optional
            The time zone of times that do not say theirs (a Twitter Archiver sheet's ``Date``, a
            mapped CSV's time), e.g. ``America/New_York``; UTC when not given. The import's notes
            say which zone was assumed. Other formats' times carry their zone.
        columns : str, Path or mapping, optional
            Read the inputs as CSV through this column mapping (format ``csv-mapped``):
            ``"id=Tweet ID,text=Tweet Text,author=Screen Name,time=Date"``, a file of
            ``field=Column`` lines, or a dict (see :func:`swchat.readers.csv_mapped.column_mapping`).

        Returns
        -------
        IngestResult
            Per-file counts. Files refused as a whole carry ``error``; no exception is raised
            for them, so one bad file does not stop the others.

        Raises
        ------
        InputFormatError
            A bad column mapping, or a mapping given with another ``format``.
        SelectionError
            An unknown time zone.
        """
        from .readers.detect import detect, expand_inputs, with_options

        # both checked before anything is read; UTC is passed by name (a reader that reads times
        # without a zone loads it: most imports need no zone database)
        zone = tz if tz in (None, "UTC") else time_zone(tz)
        mapping = mapped = None  # a column mapping, and the format that reads through it
        if columns is not None:
            from .readers import csv_mapped  # only then: it loads the spreadsheet readers

            mapping, mapped = csv_mapped.column_mapping(columns), csv_mapped.FORMAT
        if mapping is not None and format not in (None, _MAPPED):
            raise InputFormatError(f"a column mapping reads files as {_MAPPED}, not as {format}")
        if mapping is None and format == _MAPPED:
            raise InputFormatError(f"the {_MAPPED} format needs a column mapping (columns=…)")

        sources: list[Source] = []
        plain = [i for i in inputs if not isinstance(i, Source)]
        given_sources = [i for i in inputs if isinstance(i, Source)] if not isinstance(inputs, Iterator) else []
        results: list[FileResult] = []
        try:
            sources = [*expand_inputs(plain), *given_sources]
        except InputFormatError as exc:
            return IngestResult([FileResult(path=exc.path or "?", error=str(exc))])
        for source in sources:
            try:
                # a mapped CSV is never detected (nor sniffed): the mapping says how to read it
                fmt = detect(source, format) if mapped is None else mapped
            except InputFormatError as exc:
                results.append(FileResult(path=source.name, error=str(exc)))
                continue
            except OSError as exc:
                results.append(FileResult(path=source.name, error=f"{source.name}: {exc.strerror or exc}"))
                continue
            fmt = with_options(fmt, tz=zone, columns=mapping)
            callback = progress(source, fmt.name) if progress else None
            results.append(self._ingest_one(source, fmt, callback))
        return IngestResult(results)

    def while_reading(self) -> None:
        """Called when a worker process has started reading a file (see :meth:`ingest`), while
        this process waits for its batches: a subclass may prepare here what it needs after the
        import (:class:`swchat.Archive` loads the modules that derive the session tables). It must
        not touch the database. Nothing here."""

    def _ingest_one(self, source: Source, fmt, callback: Callable[[int], None] | None,
                    whole: bool = False) -> FileResult:
        """Import one file in one transaction (read in stretches when it pays, unless ``whole``)."""
        from .readers.base import StretchMisfit

        result = FileResult(path=source.name, format=fmt.name)
        db = self.db
        self.begin_write()  # waits, saying so, while another process writes to the archive
        try:
            cur = db.execute(
                "INSERT INTO sources (path, format, imported_at) VALUES (?, ?, ?)",
                (source.name, fmt.name, _now()),
            )
            source_id = cur.lastrowid
            assert source_id is not None
            # stdin's spool is hashed first, before anything else reads it; a file read by worker
            # processes is hashed while they read it (_Digest), here otherwise
            digest = None if source.path is not None else source.sha256()
            with _gc_relaxed(), _batches(source, fmt, whole) as batches, _Digest(source, digest) as hashing:
                if _worker_reading(batches):
                    self.while_reading()  # this process waits for the worker's batches at times
                    hashing.start()
                writer: _Writer | None = None

                def writing() -> _Writer:  # once the digest is known
                    return _Writer(db, source_id, hashing.value(), f":{fmt.name}", source.name, result,
                                   getattr(fmt, "resolve", None), getattr(fmt, "tallied", None))

                for kind, payload in hashing.after(batches):
                    if kind == _PROGRESS:
                        if callback:
                            callback(payload)
                        continue
                    writer = writer or writing()
                    writer.write(kind, payload)
                    del payload  # free this batch before the next one is read
                writer = writer or writing()
                digest = hashing.value()
            writer.finish()
            result.digest = digest
            db.execute(
                "UPDATE sources SET digest = ?, read = ?, added = ?, duplicates = ?, rejected = ?, "
                "context = ?, accounts = ?, notes = ? WHERE id = ?",
                (digest, result.read, result.added, result.duplicates, result.rejected,
                 result.context, result.accounts, orjson.dumps(result.notes).decode(), source_id),
            )
            self.commit()  # a big file's pages are copied into the archive's file aside
        except BaseException as exc:
            self.rollback()  # unless SQLite has rolled back already (as it does when the disk is full)
            problem = self.storage_error(exc)
            if isinstance(problem, ArchiveFullError):  # the next (smaller) files may still fit
                return FileResult(path=source.name, format=fmt.name,
                                  error=f"{source.name}: not imported, {problem}; the archive is as it was before it")
            if problem is not None:
                raise problem from exc
            if isinstance(exc, StretchMisfit) and not whole:  # nothing kept: read it again in one piece
                return self._ingest_one(source, fmt, callback, whole=True)
            if isinstance(exc, InputFormatError):
                return FileResult(path=source.name, format=fmt.name, error=str(exc))
            if isinstance(exc, OSError | EOFError):
                return FileResult(path=source.name, format=fmt.name,
                                  error=f"{source.name}: could not be read ({exc}); nothing from it was kept")
            raise
        return result


    # -- reading back ----------------------------------------------------------------
    def sources(self) -> list[dict[str, Any]]:
        """Every import, oldest first, with its counts."""
        cur = self.db.execute("SELECT * FROM sources ORDER BY id")
        names = [d[0] for d in cur.description]
        out = []
        for row in cur:
            record = dict(zip(names, row, strict=True))
            record["notes"] = orjson.loads(record["notes"]) if record["notes"] else []
            out.append(record)
        return out

    def rejected(self) -> list[dict[str, Any]]:
        """Every record refused on import: file, line, reason, raw text (newest import last)."""
        cur = self.db.execute("SELECT path, line, reason, raw, digest, source_id FROM rejected ORDER BY id")
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur]

    def raw(self, post_id: str, platform: str = "x") -> dict[str, Any] | None:
        """The raw record a post was made from, as the export had it (decompressed, parsed)."""
        row = self.db.execute(
            "SELECT b.data, p.raw_index FROM posts p JOIN raw_blocks b ON b.id = p.raw_block "
            "WHERE p.platform = ? AND p.post_id = ?", (platform, post_id)).fetchone()
        if not row:
            return None
        records = raw_blocks.unpack(row[0]).split(b"\n")
        return orjson.loads(records[row[1]])

    def stats(self, top: int = 10, *, exclude: set[tuple[str, str]] | None = None) -> dict[str, Any]:
        """Counts that describe the archive.

        Parameters
        ----------
        top : int
            How many hashtags to list.
        exclude : set of (platform, account_id), optional
            Accounts whose posts and snapshots are not counted (opted-out accounts).

        Returns
        -------
        dict
            ``posts`` (not counting context posts), ``context_posts``, ``accounts``, ``by_kind``,
            ``by_platform``, ``first`` and ``last`` post times (ISO UTC), ``top_hashtags`` (list of
            ``[tag, posts]``, case-insensitive), ``sources`` (imports) and ``rejected`` records.
        """
        q = self.db.execute
        keep = ""
        if exclude:
            q("CREATE TEMP TABLE IF NOT EXISTS stats_excluded (platform TEXT, account_id TEXT, "
              "PRIMARY KEY (platform, account_id))")
            q("DELETE FROM temp.stats_excluded")
            self.db.executemany("INSERT OR IGNORE INTO temp.stats_excluded VALUES (?, ?)", sorted(exclude))
            keep = (" AND NOT EXISTS (SELECT 1 FROM temp.stats_excluded e WHERE e.platform = p.platform "
                    "AND e.account_id = p.author_id)")
        posts = q(f"SELECT count(*) FROM posts p WHERE is_context = 0{keep}").fetchone()[0]
        context = q(f"SELECT count(*) FROM posts p WHERE is_context = 1{keep}").fetchone()[0]
        accounts = q("SELECT count(*) FROM accounts").fetchone()[0] - len(
            q("SELECT 1 FROM accounts a JOIN temp.stats_excluded e USING (platform, account_id)").fetchall()
            if exclude else [])
        by_kind = dict(q(f"SELECT kind, count(*) FROM posts p WHERE is_context = 0{keep} GROUP BY kind "
                         "ORDER BY 2 DESC"))
        by_platform = dict(q(f"SELECT platform, count(*) FROM posts p WHERE is_context = 0{keep} GROUP BY platform"))
        first, last = q(f"SELECT min(created_at), max(created_at) FROM posts p WHERE is_context = 0{keep}").fetchone()
        if exclude:
            tags = q("SELECT h.tag, count(*) FROM post_hashtags h JOIN posts p ON p.platform = h.platform "
                     f"AND p.post_id = h.post_id WHERE p.is_context = 0{keep} GROUP BY h.tag "
                     "ORDER BY 2 DESC, h.tag LIMIT ?", (top,)).fetchall()
        else:
            tags = q("SELECT tag, posts FROM tag_counts WHERE posts > 0 ORDER BY posts DESC, tag LIMIT ?",
                     (top,)).fetchall()
        shown = {}
        for tag, n in tags:
            # show the most common spelling of each tag
            spelled = q(
                "SELECT value, count(*) FROM posts p, json_each(p.hashtags) "
                "JOIN post_hashtags h ON h.platform = p.platform AND h.post_id = p.post_id "
                f"WHERE h.tag = ? AND lower(value) = ? AND p.is_context = 0{keep} GROUP BY value "
                "ORDER BY 2 DESC LIMIT 1", (tag, tag)).fetchone()
            shown[spelled[0] if spelled else tag] = n
        return {
            "posts": posts,
            "context_posts": context,
            "accounts": accounts,
            "by_kind": by_kind,
            "by_platform": by_platform,
            "first": first,
            "last": last,
            "top_hashtags": [[t, n] for t, n in shown.items()],
            "sources": q("SELECT count(*) FROM sources").fetchone()[0],
            "rejected": q("SELECT count(*) FROM rejected").fetchone()[0],
        }

    # -- selection -------------------------------------------------------------------
    def posts(
        self,
        hashtag: str | None = None,
        since: str | datetime | None = None,
        until: str | datetime | None = None,
        *,
        replies: bool = True,
        context: bool = True,
        platform: str | None = None,
        columns: Iterable[str] | None = None,
    ) -> pd.DataFrame:
        """The posts of a selection as a typed DataFrame (see :mod:`swchat.schema`), in time order.

        Parameters
        ----------
        hashtag : str, optional
            Posts carrying this hashtag (with or without ``#``, any case).
        since, until : str or datetime, optional
            Time range, ``since <= created_at < until`` (ISO text or datetimes; naive = UTC).
        replies : bool
            Also take the archive's posts without the tag that reply, directly or down a chain,
            to a selected post within the time range (the hashtag-less replies of a chat).
        context : bool
            Also take the referenced posts (replied-to, quoted, retweeted) that the archive has,
            flagged ``is_context`` when they are not part of the selection itself.
        platform : str, optional
            Only this platform.
        columns : iterable of str, optional
            Fill only these canonical columns (and those that identify a post: platform, id,
            time, author, kind, flags); the others are left empty. A big selection for one
            analysis takes far less memory this way.
        """
        query, params, selected = _selection_query(hashtag, since, until, replies=replies, platform=platform,
                                                   columns=columns)
        return self._frame(self.db.execute(query, params), context, selected)

    def post_slices(
        self,
        hashtag: str | None = None,
        since: str | datetime | None = None,
        until: str | datetime | None = None,
        *,
        replies: bool = True,
        context: bool = True,
        platform: str | None = None,
        columns: Iterable[str] | None = None,
        size: int | None = None,
        ordered: bool = False,
    ) -> Iterator[pd.DataFrame]:
        """The posts of :meth:`posts`, ``size`` at a time: memory holds one slice, whatever the
        size of the selection.

        Each slice is in time order and comes with the posts it refers to as context rows (a
        referenced post may then come in several slices as context, and in its own slice as a
        selected post); every selected post comes once. The slices follow the archive's storage
        order, not time, unless ``ordered``: then each slice's own posts follow the last one's in
        (time, id) order, as :meth:`posts` gives them (SQLite sorts the selection, on disk when it
        is big). Parameters as for :meth:`posts`; ``size`` defaults to the batch :meth:`posts`
        reads at a time (25,000 posts).

        Examples
        --------
        >>> import tempfile, pathlib
        >>> with Archive(pathlib.Path(tempfile.mkdtemp()) / "x.db") as archive:
        ...     [len(s) for s in archive.post_slices(size=10)]
        []
        """
        query, params, selected = _selection_query(hashtag, since, until, replies=replies, platform=platform,
                                                   columns=columns)
        if ordered:
            query += " ORDER BY p.created_at, p.post_id"
        cursor = self.db.execute(query, params)
        try:
            while rows := cursor.fetchmany(size or _FRAME_BATCH):
                yield self._frame(iter([rows]), context, selected, batches=True)
        finally:
            cursor.close()

    def posts_with_ids(self, keys: Iterable[tuple[str, str]], *, context: bool = True) -> pd.DataFrame:
        """The posts with these ``(platform, post_id)`` keys (as :meth:`posts` returns them),
        with the posts they refer to as context rows when ``context``."""
        columns = ", ".join(POST_COLUMNS)
        by_platform: dict[str, list[str]] = {}
        for platform, post_id in keys:
            by_platform.setdefault(platform, []).append(str(post_id))
        rows: list[tuple[Any, ...]] = []
        for platform, ids in by_platform.items():
            for start in range(0, len(ids), 500):
                chunk = ids[start:start + 500]
                rows += self.db.execute(f"SELECT {columns} FROM posts WHERE platform = ? AND post_id IN "
                                        f"({','.join('?' * len(chunk))})", [platform, *chunk]).fetchall()
        return self._frame(iter([rows]) if rows else iter([]), context, columns, batches=True)

    def _frame(self, found: Any, context: bool, selected: str, *, batches: bool = False) -> pd.DataFrame:
        """Post rows (from a cursor, or batches of rows) and, with ``context``, the posts they refer
        to as context rows, as one typed DataFrame in (time, id) order. Rows are turned into
        frames a batch at a time, so a big selection is never held twice as Python tuples."""
        import pandas as pd

        from .schema import posts_frame

        parts: list[Any] = []
        chosen: set[tuple[str, str]] = set()
        wanted: set[tuple[str, str]] = set()
        refs = [POST_COLUMNS.index(c) for c in ("reply_to_post_id", "quoted_post_id", "retweeted_post_id")]
        empty = frozenset(c for c in POST_COLUMNS if f"NULL AS {c}" in selected)  # see _select_list
        chunks = found if batches else iter(lambda: found.fetchmany(_FRAME_BATCH), [])
        for rows in chunks:
            chosen.update((r[0], r[1]) for r in rows)
            if context:
                wanted.update((r[0], r[i]) for r in rows for i in refs if r[i] is not None)
            parts.append(posts_frame(_decoded(rows, empty)))
            del rows
        if context:
            extra: list[tuple[Any, ...]] = []
            by_platform: dict[str, list[str]] = {}
            for pf, post_id in sorted(wanted - chosen):
                by_platform.setdefault(pf, []).append(post_id)
            flag = POST_COLUMNS.index("is_context")
            for pf, ids in by_platform.items():
                for start in range(0, len(ids), 500):
                    chunk = ids[start:start + 500]
                    for row in self.db.execute(
                        f"SELECT {selected} FROM posts p WHERE p.platform = ? AND p.post_id IN "
                        f"({','.join('?' * len(chunk))})", [pf, *chunk]
                    ):
                        row = list(row)
                        row[flag] = 1  # context for this selection, whatever it is elsewhere
                        extra.append(tuple(row))
            if extra:
                parts.append(posts_frame(_decoded(extra, empty)))
        if not parts:
            return posts_frame(_decoded([]))
        frame = parts[0] if len(parts) == 1 else pd.concat(parts, ignore_index=True)
        return _in_time_order(frame)

    def accounts(self, ids: Iterable[tuple[str, str]] | None = None) -> pd.DataFrame:
        """Account snapshots (all, or those with the given ``(platform, account_id)`` keys)."""
        from .schema import ACCOUNT_COLUMNS, accounts_frame

        select = f"SELECT {', '.join(ACCOUNT_COLUMNS)} FROM accounts"
        if ids is None:
            found = self.db.execute(select).fetchall()
        else:
            by_platform: dict[str, list[str]] = {}
            for platform, account_id in set(ids):
                if isinstance(platform, str) and isinstance(account_id, str):
                    by_platform.setdefault(platform, []).append(account_id)
            found = []
            for platform, accounts in by_platform.items():
                for start in range(0, len(accounts), 500):
                    chunk = accounts[start:start + 500]
                    found += self.db.execute(f"{select} WHERE platform = ? AND account_id IN "
                                             f"({','.join('?' * len(chunk))})", [platform, *chunk]).fetchall()
        rows = [dict(zip(ACCOUNT_COLUMNS, r, strict=True)) for r in found]
        return accounts_frame(rows)

    def handle_aliases(self) -> dict[tuple[str, str], tuple[str, str]]:
        """The real ids of accounts known only by their handle.

        A sheet without author ids (Twitter Archiver, snscrape CSV, a mapped CSV) records its
        authors as ``handle:<lower-cased handle>`` (:func:`swchat.readers.sheets.handle_id`).
        When another export recorded the account with that handle, on the same platform, under
        its id, this gives ``(platform, "handle:<handle>")`` → ``(account_id, handle)`` of the
        newest such snapshot; the facade (:class:`swchat.Archive`) counts the two as one account
        wherever it selects. Read each time, so a later import of a file with ids completes it.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> archive = Archive(pathlib.Path(tempfile.mkdtemp()) / "a.db")
        >>> with archive.db:
        ...     _ = archive.db.executemany("INSERT INTO accounts (platform, account_id, handle) VALUES (?, ?, ?)",
        ...                                [("x", "handle:ann", "ann"), ("x", "42", "Ann"), ("x", "handle:bob", "bob")])
        >>> archive.handle_aliases()
        {('x', 'handle:ann'): ('42', 'Ann')}
        """
        from .schema import PLATFORMS

        # the handle-only accounts found by a range of the primary key, each one's namesakes by the
        # handle index: a few lookups, however many accounts the archive holds (a join the other way
        # round compared every account with every other: 200 s on 53,000 accounts)
        found = self.db.execute(
            "SELECT h.platform, h.account_id, a.account_id, a.handle FROM accounts h CROSS JOIN accounts a "
            "ON a.platform = h.platform AND a.handle = substr(h.account_id, 8) COLLATE NOCASE "
            "AND substr(a.account_id, 1, 7) != 'handle:' "
            f"WHERE h.platform IN ({','.join('?' * len(PLATFORMS))}) "
            "AND h.account_id >= 'handle:' AND h.account_id < 'handle;' "
            "ORDER BY a.snapshot_at IS NOT NULL, a.snapshot_at", PLATFORMS).fetchall()
        return {(str(p), str(h)): (str(a), str(handle)) for p, h, a, handle in found}


# -- ingest, in two halves ------------------------------------------------------------
#
# _read_batches runs a reader over one file and turns its items into what the archive writes,
# a batch at a time, without touching the database; _Writer writes those batches into the open
# transaction, deduplicating against the archive. Between them pass only plain tuples, lists
# and strings, in the order the reader yielded them.

(_POSTS, _ACCOUNTS, _REJECTS, _NOTE, _PROGRESS, _DONE, _ERROR, _CLAMPED, _READER_NOTE, _LONG, _STRETCH,
 _ACCOUNT_ROWS, _PENDING, _LEARNED, _TALLY) = range(15)

#: notes of a reader kept per file (its ``Note`` items; more say nothing new)
_READER_NOTES = 50

#: the format name of a CSV read through a column mapping (``swchat.readers.csv_mapped.NAME``; a
#: test checks they agree), known without importing that reader
_MAPPED = "csv-mapped"


def _read_batches(source: Source, fmt) -> Iterator[tuple[int, Any]]:
    """Yield ``(kind, payload)`` for one source, in the reader's order.

    - ``_POSTS``: ``(contexts, lines, rows, block, starts)`` for up to :data:`BATCH` posts —
      their context flags, lines, rows as the reader made them (tuples of
      :data:`~swchat.schema.POST_COLUMNS`; the writer turns them into what it inserts,
      :meth:`_Writer.shaped`, so that the work is shared between the two processes), and their
      raw records one a line in ``block`` (a raw block's content), each starting at
      ``starts[i]`` (-1: none); ``block`` comes compressed as the raw block it will be
      (:func:`_packed`): the compression is done here (in the worker process), not by the
      writer, and the pipe carries about a ninth of the records' bytes; context posts are held
      back a while (:data:`_HOLD`);
    - ``_ACCOUNTS``: account rows as tuples of :data:`_ACCOUNT_COLS` (``snapshot_at`` may be
      ``None``), the newest snapshot per account, and only snapshots that say something new;
    - ``_ACCOUNT_ROWS``: instead, when ``source`` is a stretch of a file (see
      :func:`_stretches`): account rows (dicts) that say something new within the stretch, for
      the writer to batch as ``_ACCOUNTS`` are (:class:`_Accounts`) in the file's order;
    - ``_CLAMPED``: how many account counts were too large to store (left empty), at the end;
    - ``_REJECTS``: ``(line, reason, raw)`` tuples;
    - ``_NOTE``: the text of one note of the import's own;
    - ``_READER_NOTE``: the text of one of the reader's notes (the first :data:`_READER_NOTES`
      of a file only);
    - ``_LONG``: ``(count, lines)``, the lines and records over the size limit (rejected) and
      where the first few were, at the end; the writer's note says so;
    - ``_PROGRESS``: the raw bytes read so far, after each batch of posts and at the end;
    - ``_PENDING``: just before a batch of posts, ``(index, parts, key)`` of its posts a stretch
      could not finish alone (:class:`~swchat.readers.base.Pending`: their rows are made without
      what earlier stretches said), which the writer finishes with the format's ``resolve``;
    - ``_LEARNED``: at the end of a stretch, what its reader learned
      (:class:`~swchat.readers.base.Learned`), for the pending posts of the stretches after it;
    - ``_TALLY``: at the end of a stretch, what its reader counted for the file's notes
      (:class:`~swchat.readers.base.Tally`), which the writer makes into them with the format's
      ``tallied`` once every stretch is read.

    File-level problems (issue 12) end up as rejected records and notes, never as an error that
    loses what was read: a ``.gz`` cut short or corrupt part-way
    (:class:`~swchat.errors.DamagedInputError`) keeps what was read before the damage and adds one
    rejected record for the rest, saying where; a line or record over
    :data:`~swchat.readers.base.LINE_LIMIT` is rejected (its first bytes kept) and reading goes
    on; a rejected record's text is kept to :data:`~swchat.readers.base.REJECTED_KEEP` bytes.
    """
    from .errors import DamagedInputError
    from .readers import base as limits
    from .readers.base import StretchMisfit

    line_limit = limits.LINE_LIMIT
    keep = limits.REJECTED_KEEP
    contexts: list[bool] = []
    lines: list[int] = []
    rows: list[tuple[Any, ...]] = []
    block = bytearray()  # the raw records are copied here at once: a reader's bytes may carry
    starts: list[int] = []  # spare capacity (orjson's do, some KB each), so keep none of them
    accounts = _Accounts()
    stretch = source.window is not None
    stretch_accounts: list[dict[str, Any]] = []
    rejects: list[tuple[int, str, str]] = []
    notes = 0
    item: Any = None
    records = 0  # posts (not context) and rejections read so far
    long_lines: list[int] = []  # where lines and records over the size limit were (the first 6)
    long_count = 0
    # the lean path of a big format (posts as tuples, no canonical dict each) when it has one
    reading = iter((fmt.lean or fmt.read)(source))
    as_values = _post_values
    post_key = _post_key
    lean_item = PostValues
    pack = _packed
    most_posts, most_bytes = BATCH, _BLOCK_BYTES
    # context posts held back, in the order read: see _HOLD
    held: dict[tuple[str, str], tuple[int, tuple[Any, ...], bytes | None]] = {}
    hold = _HOLD
    pending: list[tuple[int, Any, str]] = []  # the batch's Pending posts: (index, parts, key)
    learned: dict[str, Any] | None = None  # what the reader of a stretch learned by its end
    tally: Any = None  # and what it counted for the file's notes

    def take(context: bool, line: int, row: tuple[Any, ...], raw: bytes | None) -> None:
        """Add a post to the batch (the lists as they are bound now)."""
        contexts.append(context)
        lines.append(line)
        rows.append(row)
        if raw is None:
            starts.append(-1)
        else:
            starts.append(len(block))
            # 10 is "\n": looking for a byte as an int (memchr) is several times faster than b"\n"
            block.extend(raw.replace(b"\n", b" ") if 10 in raw else raw)
            block.append(10)

    def taken() -> Iterator[tuple[int, Any]]:
        """The batch as a ``_POSTS`` payload (after its ``_PENDING`` posts); a new one is started."""
        nonlocal contexts, lines, rows, starts, block, pending
        if pending:
            yield _PENDING, pending
            pending = []
        yield _POSTS, (contexts, lines, rows, pack(block), starts)
        contexts, lines, rows, starts = [], [], [], []
        block = bytearray()

    while True:
        try:
            item = next(reading)
        except StopIteration:
            break
        except DamagedInputError as exc:
            # a .gz cut short or corrupt part-way: what was read before the damage is kept, and
            # the rest is one rejected record saying where (so read = added + duplicates + rejected)
            message = f"{exc}; the {records:,} record(s) read before it were kept"
            rejects.append((exc.line, message, ""))
            yield _NOTE, message
            break
        except (InputFormatError, OSError, EOFError, MemoryError, StretchMisfit):
            # the file as a whole (or the disk) failed: reported as the file's error; or a stretch
            # cannot be read alone: the file is read again in one piece
            raise
        except Exception as exc:  # nothing in a file stops an import (issue 12)
            # a reader broke off on something it did not foresee: what it read so far is kept,
            # the break is a rejected record saying where, and the next files are read as usual
            before = source.window[2] - 1 if source.window is not None else 0  # the line before the first
            line = (item.line if isinstance(item, Post | PostValues | Rejected | Note) else before) + 1
            message = str(exc).splitlines()[0][:200] if str(exc) else ""
            rest = (f"the rest of this stretch of the file, to byte {source.window[1]:,}, could not be read"
                    if source.window is not None else "the rest of the input could not be read")
            rejects.append((line, f"reading stopped after line {line - 1} ({type(exc).__name__}: {message}); {rest}",
                            ""))
            break
        if item.__class__ is lean_item or isinstance(item, Post | Pending):
            raw = item.raw
            if raw is not None and len(raw) > line_limit:  # a record over the size limit
                if not item.context:
                    records += 1
                    long_count += 1
                    long_lines += [item.line][:6 - len(long_lines)]
                    rejects.append(astuple(limits.long_line(source.name, item.line, len(raw), raw[:keep],
                                                            "record")))
                continue
            context = item.context
            records += not context
            row = item.values if isinstance(item, PostValues | Pending) else as_values(item.row)
            if context and isinstance(item, Pending):  # pragma: no cover - readers do not make one
                raise StretchMisfit(f"{source.name}: line {item.line}, a context post, needs an earlier stretch")
            if context:  # held back (see _HOLD); the oldest held goes on when too many are
                key = post_key(row)
                if key in held:  # a second copy of a context post held back: nothing new
                    continue
                held[key] = (item.line, row, raw if raw is None else memoryview(raw).tobytes())
                if len(held) <= hold:
                    continue
                line, row, raw = held.pop(next(iter(held)))
            else:
                line = item.line
                if held:
                    held.pop(post_key(row), None)  # its context copy, held back, is not needed
            take(context, line, row, raw)
            if item.__class__ is Pending:
                pending.append((len(rows) - 1, item.parts, item.key))
            if len(rows) >= most_posts or len(block) > most_bytes:
                yield from taken()
                yield _PROGRESS, source.bytes_read
        elif isinstance(item, Account):
            if stretch:  # the writer batches them, in the file's order (see _Accounts)
                if accounts.new(item.row):
                    stretch_accounts.append(item.row)
                    if len(stretch_accounts) >= BATCH:
                        yield _ACCOUNT_ROWS, stretch_accounts
                        stretch_accounts = []
            elif (batch := accounts.add(item.row)) is not None:
                yield _ACCOUNTS, batch
        elif isinstance(item, Rejected):
            records += 1
            text = item.raw
            if len(text) > keep:  # a huge rejected record: its beginning is enough to see what it was
                text = text[:keep]
            if limits.LONG in item.reason:
                long_count += 1
                long_lines += [item.line][:6 - len(long_lines)]
            rejects.append((item.line, item.reason, text))
            if len(rejects) >= BATCH:
                yield _REJECTS, rejects
                rejects = []
        elif isinstance(item, Note) and notes < _READER_NOTES:
            notes += 1
            yield _READER_NOTE, f"line {item.line}: {item.message}" if item.line else item.message
        elif isinstance(item, Learned):
            learned = item.state
        elif isinstance(item, Tally):
            tally = item.state
    for line, row, raw in held.values():  # the context posts still held back
        take(True, line, row, raw)
        if len(rows) >= most_posts or len(block) > most_bytes:
            yield from taken()
            yield _PROGRESS, source.bytes_read
    held.clear()
    if rows:
        yield from taken()
    if stretch_accounts:
        yield _ACCOUNT_ROWS, stretch_accounts
    if (batch := accounts.rest()) is not None:
        yield _ACCOUNTS, batch
    if rejects:
        yield _REJECTS, rejects
    if accounts.clamped:
        yield _CLAMPED, accounts.clamped
    if long_count:
        yield _LONG, (long_count, long_lines)
    if learned is not None:  # after the stretch's last posts: for the stretches after it
        yield _LEARNED, learned
    if tally is not None:
        yield _TALLY, tally
    yield _PROGRESS, source.bytes_read


def _packed(block: bytearray) -> bytes:
    """A batch's raw records (one a line, each ending in a newline) compressed as the raw block
    they will be stored as: without the last newline; empty when there are none.

    Examples
    --------
    >>> _unpacked(_packed(bytearray(b'{"id":"1"}\\n{"id":"2"}\\n')))
    bytearray(b'{"id":"1"}\\n{"id":"2"}\\n')
    >>> _packed(bytearray())
    b''
    """
    if not block:
        return b""
    with memoryview(block) as view:
        return raw_blocks.pack(view[:-1])


def _unpacked(packed: bytes) -> bytearray:
    """The records of a :func:`_packed` block again, one a line, each ending in a newline."""
    if not packed:
        return bytearray()
    block = bytearray(raw_blocks.unpack(packed))
    block.append(10)  # "\n"
    return block


class _Digest:
    """The SHA-256 of a file (:meth:`Source.sha256`), taken in a thread of its own while worker
    processes read the file (:meth:`start`); else when it is first asked for (:meth:`value`).

    ``hashlib`` lets go of the interpreter while it hashes, so the thread runs beside this
    process's receiving; the batches the workers send meanwhile are kept (:meth:`after`, at
    most :data:`_EARLY` messages' worth) until the digest, which the writer needs for every row
    (the posts' ``origin``), is known. Hashed first, the workers waited with full pipes: 0.2 to
    0.3 s of a 200,000-post import (measured in turn). Leaving the ``with`` block waits for the
    thread, so no worker is ever forked beside it.
    """

    def __init__(self, source: Source, known: str | None = None) -> None:
        self.source = source
        self.digest = known
        self.error: BaseException | None = None
        self.thread: Any = None

    def start(self) -> None:
        import threading

        if self.digest is None and self.thread is None:
            self.thread = threading.Thread(target=self._hash, name="swchat-digest", daemon=True)
            self.thread.start()

    def _hash(self) -> None:
        try:
            self.digest = self.source.sha256()
        except BaseException as exc:  # raised where the digest is asked for
            self.error = exc

    def busy(self) -> bool:
        return self.thread is not None and self.thread.is_alive()

    def value(self) -> str:
        """The digest (waiting for the thread; raising what hashing raised)."""
        if self.thread is not None:
            self.thread.join()
            self.thread = None
        if self.error is not None:
            raise self.error
        if self.digest is None:
            self.digest = self.source.sha256()
        return self.digest

    def after(self, batches: Iterable[tuple[int, Any]]) -> Iterator[tuple[int, Any]]:
        """``batches``, the first of them held back while the digest is being taken."""
        items = iter(batches)
        held: list[tuple[int, Any]] = []
        kept = 0
        for item in items:
            held.append(item)
            kept += item[0] != _PROGRESS  # posts, accounts, rejected records: each batch counts
            if not self.busy() or kept >= _EARLY:
                break
        held.reverse()
        while held:
            yield held.pop()  # let go of each as it is written
        yield from items

    def __enter__(self) -> _Digest:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.thread is not None:
            self.thread.join()


#: batches (of posts, accounts, rejected records …) kept while a file's digest is being taken
#: (see _Digest): ten at most
_EARLY = 10


class _Accounts:
    """The account snapshots of one file, in batches to write: a page repeats its authors, so
    only a snapshot that says something new (its content unlike the one before it) is kept, and
    of those in a batch the newest per account (the later of two as new).

    Examples
    --------
    >>> accounts = _Accounts()
    >>> row = {"platform": "x", "account_id": "1", "handle": "ann", "name": None, "description": None,
    ...        "followers": 2**70, "following": 1, "location": None, "created_at": None, "snapshot_at": "b"}
    >>> accounts.add(row), accounts.add({**row, "snapshot_at": "c"}), accounts.new({**row, "handle": "anne"})
    (None, None, True)
    >>> accounts.rest(), accounts.clamped
    ([('x', '1', 'ann', None, None, None, 1, None, None, 'b')], 1)
    """

    __slots__ = ("batch", "clamped", "written")

    def __init__(self) -> None:
        self.batch: dict[tuple[str, str], dict[str, Any]] = {}
        self.written: dict[tuple[str, str], tuple[Any, ...]] = {}
        self.clamped = 0  # counts too large to store, left empty

    def new(self, row: dict[str, Any]) -> bool:
        """Whether ``row`` says something new (and remember it, if so)."""
        key = _account_key(row)
        content = _account_content(row)
        written = self.written
        if written.get(key) == content:
            return False
        if len(written) > 200_000:
            written.clear()
        written[key] = content
        return True

    def add(self, row: dict[str, Any]) -> list[tuple[Any, ...]] | None:
        """Take a snapshot; a full batch to write, if it fills one."""
        if not self.new(row):
            return None
        key = _account_key(row)
        batch = self.batch
        old = batch.get(key)
        if old is None or (row["snapshot_at"] or "") >= (old["snapshot_at"] or ""):
            batch[key] = row
        return self.rest() if len(batch) >= BATCH else None

    def rest(self) -> list[tuple[Any, ...]] | None:
        """The batch so far as values to insert (the counts SQLite cannot store left empty)."""
        if not self.batch:
            return None
        rows = []
        for account in self.batch.values():
            row, n = _clamped(_account_values(account), _ACCOUNT_COUNTS)
            rows.append(row)
            self.clamped += n
        self.batch = {}
        return rows


_account_values = itemgetter(*_ACCOUNT_COLS)


class _Writer:
    """Write the batches of :func:`_read_batches` for one source into the open transaction."""

    def __init__(self, db: sqlite3.Connection, source_id: int, digest: str, suffix: str, name: str,
                 result: FileResult, resolve: Callable[[Any, Any], tuple[Any, ...]] | None = None,
                 tallied: Callable[[list[Any]], list[str]] | None = None) -> None:
        self.db = db
        self.source_id = source_id
        self.digest = digest
        self.suffix = suffix
        self.name = name
        self.result = result
        # raw blocks are numbered here: BEGIN IMMEDIATE makes this connection the only writer
        self.next_block = (db.execute("SELECT max(id) FROM raw_blocks").fetchone()[0] or 0) + 1
        self.days: set[str] = set()  # days of the posts added (or promoted from context): see finish
        self.tag_counts: dict[str, int] = {}
        forgotten = {(p, a) for p, a in db.execute("SELECT platform, account_id FROM forgotten")}
        self.forgetful = _Forgetful(forgotten) if forgotten else None
        self.clamped = 0  # counts too large to store (beyond 64 bits), left empty
        self.reader_notes = 0
        self.accounts: _Accounts | None = None  # the accounts of a file read in stretches
        self.long_count = 0  # lines and records over the size limit, rejected
        self.long_lines: list[int] = []  # where the first of them were
        # a file's posts share a few hashtag lists (under a hundred in 20,000 posts of a chat):
        # each is written out and lower-cased once, kept as (JSON text, lower-cased tags)
        self.tag_lists: dict[tuple[str, ...], tuple[str, tuple[str, ...]]] = {}
        # a file read in stretches: the format's resolve, what the stretches written so far learned,
        # and the pending posts of the next batch
        self.resolve = resolve
        self.learned: dict[str, Any] = {}
        self.pending: list[tuple[int, Any, str]] = []
        # and the format's tallied, with what each stretch counted for the file's notes, in order
        self.tallied = tallied
        self.tallies: list[Any] = []

    def resolved(self, parts: Any, key: str, line: int) -> tuple[Any, ...]:
        """The values of a pending post, made with what the stretches before its own learned of
        ``key``: values :func:`~swchat.readers.common.plain_values` passes, as one reader's would
        be; anything else (the reader would have refused the row, say) is a
        :class:`~swchat.readers.base.StretchMisfit`, and the file is read again in one piece."""
        from .readers.base import StretchMisfit
        from .readers.common import plain_values

        try:
            values = self.resolve(parts, self.learned.get(key)) if self.resolve is not None else None
            if values is not None and plain_values(values):
                return values
        except Exception as exc:
            raise StretchMisfit(f"{self.name}: line {line} cannot be finished in stretches ({exc})") from exc
        raise StretchMisfit(f"{self.name}: line {line} cannot be finished in stretches")

    def shaped(self, lines: list[int], rows: list[tuple[Any, ...]]
               ) -> tuple[list[tuple[str, str]], list[_Line], list[tuple[Any, ...]], list[tuple[str, ...]]]:
        """The posts of a batch as the archive stores them: their ``(platform, post_id)``, their
        lines (with what the reader said of the row, its ``origin``: parts inferred from its
        text, say), the insert values up to ``is_context`` (see :data:`_POST_STORE`; a count
        SQLite cannot hold left empty), and their hashtags lower-cased.

        Done by the writer rather than the worker that reads (measured on 200,000 posts, the
        worker had the more work of the two: this moves about a seventh of it).
        """
        dumps = orjson.dumps
        direct = _direct_values
        count_values = _count_values
        post_parts = _post_parts
        tag_lists = self.tag_lists
        least, most = -_INT64 - 1, _INT64
        keys: list[tuple[str, str]] = []
        wheres: list[_Line] = []
        values: list[tuple[Any, ...]] = []
        tags: list[tuple[str, ...]] = []
        no_tags: tuple[str, ...] = ()
        for line, row in zip(lines, rows, strict=True):
            platform, post_id, quote, hashtags, mentions, urls, note = post_parts(row)
            keys.append((platform, post_id))
            wheres.append(line if not note else (line, note))
            direct_values = direct(row)
            for v in count_values(row):
                if v is not None and (v.__class__ is not int or not least <= v <= most):
                    direct_values, n = _clamped(direct_values, _POST_COUNTS)
                    self.clamped += n
                    break
            if hashtags:
                listed = tag_lists.get(tag_key := tuple(hashtags))
                if listed is None:
                    if len(tag_lists) >= 10_000:  # ever new lists: memory stays bounded
                        tag_lists.clear()
                    # the lower-cased tags as a tuple: posts share it, so it must not change
                    listed = tag_lists[tag_key] = (dumps(hashtags).decode(), tuple([tag.lower() for tag in hashtags]))
                hashtags_text, lowered = listed
            else:
                hashtags_text, lowered = "[]", no_tags
            values.append((
                *direct_values,
                1 if quote else 0,
                hashtags_text,
                dumps(mentions).decode() if mentions else "[]",
                dumps(urls).decode() if urls else "[]",
            ))
            tags.append(lowered)
        return keys, wheres, values, tags

    def finish(self) -> None:
        """Record what the import changed, for the derived session tables
        (:mod:`swchat.session_store`): the days of the posts it added, and posts per hashtag;
        and what it left out of forgotten accounts."""
        if self.tallies:  # the notes one reader gives at the file's end, of every stretch's counts
            from .readers.base import StretchMisfit

            if self.tallied is None:  # pragma: no cover - a format that tallies says how to add up
                raise StretchMisfit(f"{self.name}: its stretches' counts cannot be added up")
            for note in self.tallied(self.tallies):
                self.write(_READER_NOTE, note)
        if self.accounts is not None:
            if (batch := self.accounts.rest()) is not None:
                self.write(_ACCOUNTS, batch)
            self.clamped += self.accounts.clamped
        if self.long_count:
            from .readers.base import LINE_LIMIT, size_text

            count = self.long_count
            at = ", ".join(f"{n:,}" for n in self.long_lines[:5]) + (" …" if count > 5 else "")
            self.result.notes.append(
                f"{self.name}: {count:,} line(s) or record(s) over the size limit of {size_text(LINE_LIMIT)} "
                f"were skipped and rejected (at {at}); the rest of the file was read")
        if self.forgetful is not None:
            self.result.forgotten = self.forgetful.posts
            self.result.notes += self.forgetful.notes()
        if self.clamped:
            self.result.notes.append(
                f"{self.clamped} count(s) (likes, reposts, replies, quotes, followers, following) too large "
                "to store (beyond 64 bits) were left empty")
        if self.days:
            self.db.executemany("INSERT INTO changes (day) VALUES (?)", [(d,) for d in sorted(self.days)])
        if self.tag_counts:
            self.db.executemany(
                "INSERT INTO tag_counts (tag, posts) VALUES (?, ?) ON CONFLICT (tag) DO UPDATE SET "
                "posts = posts + excluded.posts", sorted(self.tag_counts.items()))

    def write(self, kind: int, payload: Any) -> None:
        result = self.result
        if kind == _POSTS:
            contexts, lines, rows, block, starts = payload
            for i, parts, key in self.pending:
                rows[i] = self.resolved(parts, key, lines[i])
            self.pending = []
            keys, wheres, values, tags = self.shaped(lines, rows)
            del payload, rows
            if self.forgetful is not None:  # it reads the raw records: they come compressed
                self._posts(*self.forgetful.batch(keys, contexts, wheres, values, tags, _unpacked(block), starts,
                                                  existing=_existing(self.db, keys, self.source_id)))
            else:
                self._posts(keys, contexts, wheres, values, tags, block, starts)
        elif kind == _PENDING:
            self.pending = payload
        elif kind == _LEARNED:
            self.learned.update(payload)
        elif kind == _TALLY:
            self.tallies.append(payload)
        elif kind == _ACCOUNT_ROWS:
            if self.accounts is None:
                self.accounts = _Accounts()
            for row in payload:
                if (batch := self.accounts.add(row)) is not None:
                    self.write(_ACCOUNTS, batch)
        elif kind == _ACCOUNTS:
            now = _now()
            if self.forgetful is not None:
                payload = self.forgetful.accounts(payload)
            rows = [row if row[-1] else (*row[:-1], now) for row in payload]
            result.accounts += len(rows)
            self.db.executemany(_INSERT_ACCOUNT, rows)
        elif kind == _REJECTS:
            head = (self.source_id, self.name, self.digest)
            kept = payload if self.forgetful is None else self.forgetful.rejects(payload)
            self.db.executemany(_INSERT_REJECTED, [(*head, *reject) for reject in kept])
            result.rejected += len(payload)
            result.read += len(payload)
        elif kind == _NOTE:
            result.notes.append(payload)
        elif kind == _READER_NOTE:
            if self.reader_notes < _READER_NOTES:
                self.reader_notes += 1
                result.notes.append(payload)
        elif kind == _LONG:
            count, lines = payload
            self.long_count += count
            self.long_lines += lines[:6 - len(self.long_lines)]
        elif kind == _CLAMPED:
            self.clamped += payload

    def _posts(self, keys: list[tuple[str, str]], contexts: list[bool], lines: list[_Line],
               values: list[tuple[Any, ...]], tags: list[Any], block: bytes | bytearray,
               starts: list[int]) -> None:
        """Write a batch of posts; ``block`` is their raw records compressed (``bytes``, see
        :func:`_packed`) or plain (a ``bytearray``, as :class:`_Forgetful` leaves it)."""
        existing = _existing(self.db, keys, self.source_id)
        new_rows: list[tuple[Any, ...]] = []
        promoted: list[tuple[Any, ...]] = []
        kept: list[int] = []  # where the kept raw records start in block
        tag_rows: list[tuple[str, str, str]] = []
        block_id = self.next_block
        source_id = self.source_id
        prefix = f"{self.digest}:"
        suffix = self.suffix
        read = added = duplicates = context = 0
        days = self.days
        counts = self.tag_counts
        for i, key in enumerate(keys):
            state = existing.get(key)  # None: new; 0: a real post; 1, 2: context (2: of this file)
            is_context = contexts[i]
            if is_context:
                if state is not None:
                    continue
                context += 1
                existing[key] = 2
            else:
                read += 1
                if state == 0:
                    duplicates += 1
                    continue
                added += 1
                if state == 2:  # this file's own context post, promoted: no longer context
                    context -= 1
                existing[key] = 0
                days.add(values[i][_CREATED][:10])
                for tag in set(tags[i]):
                    counts[tag] = counts.get(tag, 0) + 1
            start = starts[i]
            if start < 0:
                raw_block = raw_index = None
            else:
                raw_block, raw_index = block_id, len(kept)
                kept.append(start)
            line = lines[i]
            origin = f"{prefix}{line}{suffix}" if not isinstance(line, tuple) else f"{prefix}{line[0]}{suffix} ({line[1]})"
            (new_rows if state is None else promoted).append((
                *values[i], 1 if is_context else 0, origin, source_id, raw_block, raw_index))
            for tag in tags[i]:
                tag_rows.append((tag, *key))
        result = self.result
        result.read += read
        result.added += added
        result.duplicates += duplicates
        result.context += context
        db = self.db
        if kept:
            if len(kept) == len(starts) - starts.count(-1):  # every raw record kept: block as it is
                data = block if isinstance(block, bytes) else _packed(block)
            else:
                plain = _unpacked(block) if isinstance(block, bytes) else block
                data = raw_blocks.pack(b"\n".join(plain[start:plain.index(b"\n", start)] for start in kept))
            db.execute("INSERT INTO raw_blocks (id, source_id, data) VALUES (?, ?, ?)",
                       (block_id, source_id, data))
            self.next_block = block_id + 1
        if new_rows:
            db.executemany(_INSERT_POST, new_rows)
        if promoted:
            _drop_context_tags(db, [(row[0], row[1]) for row in promoted], tag_rows)
            db.executemany(_PROMOTE_POST, promoted)
        if tag_rows:
            db.executemany(_INSERT_TAG, tag_rows)


def _drop_context_tags(db: sqlite3.Connection, keys: list[tuple[str, str]], tag_rows: list[tuple[str, str, str]]) -> None:
    """Before context posts are promoted (their own records replace their context copies), drop
    the hashtags of the copies that the records do not have (``tag_rows``: the hashtags of the
    batch's posts, as ``(tag, platform, post_id)``). A copy can differ: a post withheld since,
    or edited, carries other text and tags in the page that referred to it."""
    found = []
    for platform in {platform for platform, _ in keys}:  # by the unique index (platform, post_id)
        ids = [post_id for p, post_id in keys if p == platform]
        for at in range(0, len(ids), 500):  # within any SQLite's limit of variables
            part = ids[at:at + 500]
            found += db.execute(f"SELECT platform, post_id, hashtags FROM posts WHERE platform = ? AND post_id IN "
                                f"({', '.join('?' * len(part))})", [platform, *part]).fetchall()
    kept = set(tag_rows)
    stale = [(tag, platform, post_id) for platform, post_id, hashtags in found if hashtags and hashtags != "[]"
             for tag in {str(t).lower() for t in orjson.loads(hashtags)} if (tag, platform, post_id) not in kept]
    if stale:
        db.executemany("DELETE FROM post_hashtags WHERE tag = ? AND platform = ? AND post_id = ?", stale)


#: Where a post was read: its line, or its line and what the reader said of it (its ``origin``)
_Line = int | tuple[int, str]

_INSERT_TAG = "INSERT OR IGNORE INTO post_hashtags (tag, platform, post_id) VALUES (?, ?, ?)"

_AUTHOR, _HANDLE, _TEXT, _KIND, _REPLY_TO, _REPLY_AUTHOR, _REPLY_HANDLE, _QUOTED, _RETWEETED = (
    _DIRECT.index(c) for c in ("author_id", "author_handle", "text", "kind", "reply_to_post_id",
                               "reply_to_author_id", "reply_to_handle", "quoted_post_id", "retweeted_post_id"))
_MENTIONS = len(_DIRECT) + 2  # after is_quote and hashtags: see _read_batches
_URLS = _MENTIONS + 1


class _Forgetful:
    """What an import leaves out because accounts were forgotten (:meth:`ConsentStore.forget`),
    applied to the batches of :func:`_read_batches` before they are written.

    Left out, as ``forget`` would remove them: the forgotten accounts' posts (and context copies),
    account snapshots and raw records; the raw records of others' posts that reply to, quote or
    retweet one of their posts seen in this import or that name them (their id; their handle, as
    learned from this import: the archive keeps no handle of a forgotten account); the text of
    others' retweets of their posts; the raw text of rejected records that name them. The set of
    forgotten accounts is read once per import; each post costs a set lookup.
    """

    def __init__(self, forgotten: set[tuple[str, str]]) -> None:
        self.forgotten = forgotten
        self.ids = sorted({a for _p, a in forgotten})
        self.handles: set[str] = set()  # learned from this import's rows, never stored
        self.post_ids: set[tuple[str, str]] = set()  # their posts seen in this import
        self._pattern()
        self.posts = self.context = self.snapshots = self.raw = self.retweets = self.rejected = 0

    def _pattern(self) -> None:
        self.naming = Naming(self.ids, self.handles)

    def _learn(self, handle: Any) -> bool:
        if isinstance(handle, str) and handle and handle.lower() not in self.handles:
            self.handles.add(handle.lower())
            return True
        return False

    def batch(self, keys: list[tuple[str, str]], contexts: list[bool], lines: list[_Line],
              values: list[tuple[Any, ...]], tags: list[Any], block: bytes | bytearray, starts: list[int], *,
              existing: dict[tuple[str, str], int]) -> tuple[Any, ...]:
        """A batch of posts without what is left out (its raw block rebuilt when a record goes);
        ``existing`` (see :func:`_existing`) tells which posts the archive will store, to count
        what is left out of those only."""
        forgotten = self.forgotten
        theirs = [(key[0], row[_AUTHOR]) in forgotten for key, row in zip(keys, values, strict=True)]
        learned = False
        for i, key in enumerate(keys):
            row = values[i]
            if theirs[i]:
                self.post_ids.add(key)
                learned |= self._learn(row[_HANDLE])
            elif row[_REPLY_AUTHOR] is not None and (key[0], row[_REPLY_AUTHOR]) in forgotten:
                learned |= self._learn(row[_REPLY_HANDLE])
        if learned:
            self._pattern()
        naming = self.naming
        named = naming.anywhere(block)
        post_ids = self.post_ids
        if not (named or post_ids or self.handles):
            return keys, contexts, lines, values, tags, block, starts
        # what changes: rows left out (None), rows whose raw record goes (-1), retweets emptied (row)
        changes: dict[int, Any] = {}
        for i, key in enumerate(keys):
            if theirs[i]:
                changes[i] = None
                if contexts[i]:
                    self.context += 1
                else:
                    self.posts += 1
                continue
            row = values[i]
            platform = key[0]
            pointed = any(ref is not None and (platform, ref) in post_ids
                          for ref in (row[_REPLY_TO], row[_QUOTED], row[_RETWEETED]))
            state = existing.get(key)
            stored = state is None if contexts[i] else state != 0
            if row[_KIND] == "retweet" and (pointed or self._retweets_them(row)):
                first = orjson.dumps(orjson.loads(row[_MENTIONS])[:1]).decode()
                changes[i] = tuple("" if c == _TEXT else first if c == _MENTIONS else "[]" if c == _URLS else v
                                   for c, v in enumerate(row))
                self.retweets += stored
                pointed = True
            start = starts[i]
            if start >= 0 and (pointed or (named and naming.names(bytes(block[start:block.index(b"\n", start)])))):
                changes.setdefault(i, -1)
                self.raw += stored
        if not changes:
            return keys, contexts, lines, values, tags, block, starts
        out: tuple[list[Any], ...] = ([], [], [], [], [], [])
        new_block = bytearray()
        for i, key in enumerate(keys):
            change = changes.get(i, 0)
            if change is None:
                continue
            start = starts[i]
            if start < 0 or change != 0:  # no raw record, or it goes (a changed row's record always goes)
                out[5].append(-1)
            else:
                out[5].append(len(new_block))
                new_block += block[start:block.index(b"\n", start) + 1]
            row = change if isinstance(change, tuple) else values[i]
            for column, value in zip(out[:5], (key, contexts[i], lines[i], row, tags[i]), strict=True):
                column.append(value)
        return (*out[:5], new_block, out[5])

    def _retweets_them(self, row: tuple[Any, ...]) -> bool:
        """Whether a retweet's first mention, or its ``RT @handle:``, is a forgotten handle."""
        if not self.handles:
            return False
        first = orjson.loads(row[_MENTIONS])[:1]
        if first and isinstance(first[0], str) and first[0].lower() in self.handles:
            return True
        text = row[_TEXT]
        return isinstance(text, str) and text[:4].lower() == "rt @" and text[4:text.find(":")].lower() in self.handles

    def accounts(self, rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
        """Account rows without the forgotten accounts' snapshots."""
        kept = []
        learned = False
        for row in rows:
            if (row[0], row[1]) in self.forgotten:
                self.snapshots += 1
                learned |= self._learn(row[2])
            else:
                kept.append(row)
        if learned:
            self._pattern()
        return kept

    def rejects(self, rejects: list[tuple[int, str, str]]) -> list[tuple[int, str, str | None]]:
        """Rejected records, those that name a forgotten account without their raw text."""
        naming = self.naming
        kept: list[tuple[int, str, str | None]] = []
        for line, reason, raw in rejects:
            if isinstance(raw, str) and naming.names(raw.encode("utf-8", "replace")):
                self.rejected += 1
                kept.append((line, f"{reason} (raw text not kept: it names a forgotten account)", None))
            else:
                kept.append((line, reason, raw))
        return kept

    def notes(self) -> list[str]:
        """What was left out, for the import's notes."""
        parts = [f"{n} {what}" for n, what in (
            (self.posts, "posts"), (self.context, "context posts"), (self.snapshots, "account snapshots")) if n]
        notes = [f"forgotten accounts: {', '.join(parts)} of theirs skipped"] if parts else []
        parts = [f"{n} {what}" for n, what in (
            (self.raw, "raw records of others' posts naming them or their posts not kept"),
            (self.retweets, "retweets of their posts kept without the retweeted text"),
            (self.rejected, "rejected records naming them kept without their raw text")) if n]
        if parts:
            notes.append(f"forgotten accounts: {'; '.join(parts)}")
        return notes


def _existing(db: sqlite3.Connection, keys: list[tuple[str, str]], source_id: int) -> dict[tuple[str, str], int]:
    """The state of those of ``keys`` already in the archive: 0 for a post, 1 for a context post,
    2 for a context post stored by the import ``source_id``."""
    found: dict[tuple[str, str], int] = {}
    by_platform: dict[str, list[str]] = {}
    for platform, post_id in keys:
        by_platform.setdefault(platform, []).append(post_id)
    for platform, ids in by_platform.items():
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            marks = ",".join("?" * len(chunk))
            for post_id, is_context, source in db.execute(
                f"SELECT post_id, is_context, source_id FROM posts WHERE platform = ? AND post_id IN ({marks})",
                (platform, *chunk),
            ):
                found[(platform, post_id)] = (2 if source == source_id else 1) if is_context else 0
    return found


def _in_time_order(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame sorted by (time, id), column by column: sorting a whole frame copies it at
    once, this holds one column twice at a time (a big selection's peak memory)."""
    import pandas as pd

    order = frame[["created_at", "post_id"]].sort_values(["created_at", "post_id"], kind="stable").index
    if order.equals(pd.RangeIndex(len(frame))):
        return frame
    positions = order.to_numpy()
    for column in list(frame.columns):
        frame[column] = frame[column].array.take(positions)
    return frame


@contextmanager
def _gc_relaxed() -> Iterator[None]:
    """Collect cyclic garbage less often while importing.

    Reading allocates millions of short-lived containers that die by reference counting; with the
    default threshold the collector would run thousands of times over them for nothing. A higher
    first threshold still collects if cycles do pile up (memory stays bounded).
    """
    threshold = gc.get_threshold()
    gc.set_threshold(max(threshold[0], 50_000), *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)


# -- the reader process ---------------------------------------------------------------
#
# On a machine with two or more CPUs, a big file is read in a worker process: it parses and
# converts (``_read_batches``) while this process deduplicates and writes (``_Writer``) in the
# file's one transaction. The worker never touches the database, so a crash or a kill still
# leaves the archive as it was; batches travel marshalled through a pipe, which holds at most
# about one batch, so memory stays flat. The worker is forked (it inherits the source and the
# reader, whatever they are); a process with other threads, or a daemonic one, reads in-process.
# A big file of a format whose records stand alone (X v2, X v1.1 JSON lines, a TAGS or twarc-csv
# sheet) is read by two workers taking its stretches in turn (``_stretches``, ``_stretch_batches``);
# this process writes the stretches in the file's order (``_received_stretches``), so it stores what
# one worker would have it store: a post that needs what the rows before its stretch said comes
# pending and is finished here (``_Writer.resolved``); a stretch that cannot be read alone (a CSV
# cut inside a record) has the file read again in one piece.

#: files smaller than this are read in-process (starting a worker costs a few milliseconds);
#: ``None``: always in-process
_WORKER_MIN_BYTES: int | None = 4 << 20


#: a big JSON-lines or CSV file of a format whose records stand alone (``Format.stretches``) is read in
#: stretches of at least this many bytes (and at most :data:`_MOST_STRETCHES`), by :data:`_READERS` worker
#: processes in turn (see :func:`_stretches`); ``None``: by one worker
_STRETCH_BYTES: int | None = 8 << 20
#: a CSV sheet's stretches may be this many times shorter: reading a byte of a sheet takes longer
#: than a byte of JSON lines (an rtweet row, 700 bytes, about 70 µs; an X v2 post, 1.6 KB, 23 µs).
#: Measured on the chat's 19,653 posts, three rounds each, with 8 MB and 2 MB stretches: an rtweet
#: CSV (13 MB) 1.58–1.63 s → 1.19–1.28 s, a Twitter Archiver sheet (5 MB, one worker before)
#: 1.17–1.24 s → 0.83–0.90 s, a TAGS sheet (13 MB) 0.72–0.75 s → 0.63–0.66 s; X v2 pages and
#: Mastodon statuses gained nothing from shorter stretches
_CSV_SHARE = 4
#: a file is read in this many stretches at most: each is read afresh (a stretch repeats the
#: accounts another has sent; a context post whose own record is in the next stretch is written
#: and then replaced), so fewer, longer stretches cost less. Measured on 200,000 posts (332 MB),
#: in turn with one worker: eight stretches took 13–17 % less time (four rounds), thirty-two a
#: median 4 % less (five rounds)
_MOST_STRETCHES = 8
#: worker processes reading a file in stretches
_READERS = 2
#: how far (in bytes of messages) the archive's process lets a worker read ahead of the
#: stretch it is writing
_AHEAD_BYTES = 16 << 20


@contextmanager
def _batches(source: Source, fmt, whole: bool = False) -> Iterator[Iterator[tuple[int, Any]]]:
    """The batches of :func:`_read_batches`, made by worker processes when that pays off: one
    for the whole file, or :data:`_READERS` taking its stretches in turn (:func:`_stretches`;
    not with ``whole``)."""
    if not _worker_pays(source):
        yield _read_batches(source, fmt)
        return
    import multiprocessing

    context = multiprocessing.get_context("fork")
    bounds = None if whole else _stretches(source, fmt)
    count = 1 if bounds is None else _READERS
    receivers: list[Any] = []
    workers: list[Any] = []
    learn = getattr(fmt, "learn_stretches", None) if bounds is not None else None
    forget = None
    if learn is not None and bounds is not None:
        # what every stretch's reader needs from the whole file, learnt once here: the readers inherit it
        try:
            forget = learn(source, bounds)
        except Exception:  # each reader learns it then, and meets what failed (reporting it as usual)
            forget = None
    try:
        for index in range(count):
            receiver, sender = context.Pipe(duplex=False)
            receivers.append(receiver)
            _widen(sender)
            part = None if bounds is None else (bounds, index, count)
            # each worker closes the archive's ends it inherits: if this process dies, its sends fail
            worker = context.Process(target=_worker, args=(receivers, sender, source, fmt, part),
                                     name="swchat-reader", daemon=True)
            worker.start()
            workers.append(worker)
            sender.close()
        if forget is not None:
            forget()  # (the readers have it)
            forget = None
        if bounds is None:
            yield _received(receivers[0], workers[0])
        else:
            yield _received_stretches(receivers, workers, len(bounds) - 1)
    except BaseException:
        for worker in workers:
            worker.terminate()
        raise
    finally:
        if forget is not None:
            forget()
        for receiver in receivers:
            receiver.close()
        for worker in workers:
            worker.join(10)
            if worker.is_alive():  # pragma: no cover - it has sent everything and only exits
                worker.kill()
                worker.join()


def _stretches(source: Source, fmt, least: int | None = None) -> list[int] | None:
    """Where the stretches of ``source`` begin (and the file's size last), when it is read in
    stretches: a file (not standard input, not compressed) in a format whose records stand alone
    (``Format.stretches``), of two stretches or more — JSON lines (not a JSON document, which the
    X v1.1 reader also reads), each stretch beginning at the start of a line; or a CSV, each
    stretch beginning at a line that starts a record (:func:`_csv_cuts`).

    Two workers reading alternate stretches share the reading (the slower half of an import)
    between the machine's CPUs; the archive writes the stretches in the file's order, so it
    stores what one worker would have it store (a test compares the archives). A stretch that
    cannot be read alone (:class:`~swchat.readers.base.StretchMisfit`) has the file read again
    in one piece (:meth:`Archive._ingest_one`).

    ``least`` is the least length of a stretch (:data:`_STRETCH_BYTES` unless given; for a CSV,
    a :data:`_CSV_SHARE` of it).

    Examples
    --------
    >>> import tempfile
    >>> from swchat.readers.xv2 import FORMAT
    >>> with tempfile.NamedTemporaryFile(suffix=".jsonl") as f:
    ...     _ = f.write(b'{"data": []}\\n' * 1000)
    ...     f.flush()
    ...     source = Source.from_arg(f.name)
    ...     _stretches(source, FORMAT) is None  # 13 KB: one stretch
    ...     _stretches(source, FORMAT, 4000)  # each begins after the first newline from 4,000 bytes on
    True
    [0, 4004, 8008, 12012, 13000]
    """
    least = _STRETCH_BYTES if least is None else least
    kind = getattr(fmt, "stretches", None)
    if least is not None and kind == "csv":
        least = max(least // _CSV_SHARE, 1)
    if least is None or kind not in ("lines", "csv") or source.path is None:
        return None
    from .readers.base import by_line

    try:
        size = source.size or 0
        if size < 2 * least:
            return None
        step = max(least, -(-size // _MOST_STRETCHES))
        bounds = [0]
        with open(source.path, "rb") as stream:
            if stream.read(2) == b"\x1f\x8b":  # gzip: read from its start only
                return None
            if kind == "csv":
                if b"\x00" in source.head().data[:4096]:  # UTF-16 ("Unicode text"): not cut by bytes
                    return None
                stream.seek(0)
                return _csv_cuts(stream, size, step)
            if not by_line(source, source.head()):  # JSON lines only, not a JSON document
                return None
            while bounds[-1] + step < size:
                stream.seek(bounds[-1] + step - 1)  # the stretch begins after the first newline from here
                skipped = 0
                while piece := stream.read(1 << 16):
                    end = piece.find(b"\n")
                    if end >= 0:
                        skipped += end + 1
                        break
                    skipped += len(piece)
                start = bounds[-1] + step - 1 + skipped
                if start >= size:
                    break
                bounds.append(start)
    except OSError:
        return None
    return [*bounds, size] if len(bounds) > 1 else None


def _csv_cuts(stream: Any, size: int, step: int) -> list[int] | None:
    """Where the stretches of a CSV file begin (and its size last): after the first newline
    from every ``step`` bytes on that is outside quotes, by the count of quote characters
    before it (even) — or ``None`` for one stretch, or a file with a carriage return alone
    (a line end the :mod:`csv` module counts as one and a count of newlines does not).

    Counting quotes finds where records end in a CSV whose quotes pair up as they should; one
    that has a stray quote (``5,he said "hi,…`` unquoted) may be cut inside a record, which the
    reader of that stretch finds (:data:`~swchat.readers.base.Source.cut`) and the file is then
    read in one piece. The whole file is read here, at the speed of counting bytes.

    Examples
    --------
    >>> import io
    >>> data = b'id,text\\n1,"a\\nb"\\n2,c\\n3,d\\n'
    >>> _csv_cuts(io.BytesIO(data), len(data), 4)  # not after "a": inside the quotes
    [0, 8, 16, 20, 24]
    """
    bounds = [0]
    target = step  # the next stretch begins after the first newline outside quotes from here
    offset = 0  # of the piece in the file
    quotes = 0  # before the piece
    lone = 0  # carriage returns not followed by a newline
    carriage = False  # the piece before ended with one
    while piece := stream.read(1 << 20):
        lone += piece.count(b"\r") - piece.count(b"\r\n") - (carriage and piece[:1] == b"\n")
        carriage = piece[-1:] == b"\r"
        at = max(target - 1 - offset, 0)
        counted, seen = 0, quotes  # the quotes before piece[counted]
        while at < len(piece):
            end = piece.find(b"\n", at)
            if end < 0:
                break
            seen += piece.count(b'"', counted, end)
            counted = end
            if not seen % 2 and offset + end + 1 < size:
                bounds.append(offset + end + 1)
                target = offset + end + 1 + step
                at = max(target - 1 - offset, end + 1)
            else:
                at = end + 1
        quotes += piece.count(b'"')
        offset += len(piece)
    if lone > 0 or len(bounds) < 2:
        return None
    return [*bounds, size]


def _stretch_batches(source: Source, fmt, bounds: list[int], index: int, count: int) -> Iterator[tuple[int, Any]]:
    """The batches of :func:`_read_batches` for stretches ``index``, ``index + count``, … of
    ``source`` (see :func:`_stretches`), each followed by ``(_STRETCH, its number)``.

    A stretch is read as a file of its own would be (what a reader remembers starts afresh),
    with its lines numbered as in the whole file; a CSV stretch after the first is read after
    the file's header, and every CSV stretch but the last has its reader check that a record
    ends where it does.
    """
    from .readers.base import StretchMisfit

    assert source.path is not None
    is_csv = getattr(fmt, "stretches", None) == "csv"
    header = _csv_header(source.path) if is_csv else b""
    line = 1  # the number of the line at bounds[at]
    at = 0
    for k in range(index, len(bounds) - 1, count):
        line += newlines(source.path, bounds[at], bounds[k])
        at = k
        if k and is_csv and bounds[k] < len(header):
            raise StretchMisfit(f"{source.name}: its header row goes on past byte {bounds[k]:,}")
        part = source.stretch(bounds[k], bounds[k + 1], line, header if k else b"", is_csv and k + 2 < len(bounds))
        yield from _read_batches(part, fmt)
        yield _STRETCH, k


def _csv_header(path: Path) -> bytes:
    """The first bytes of a CSV file up to the end of its first record (its header row, and any
    blank lines before it, and Excel's ``sep=;`` line): up to the first newline with text before
    it and an even count of quotes (see :func:`_csv_cuts`), after a ``sep=`` line; the whole file
    if there is none.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.NamedTemporaryFile(suffix=".csv") as f:
    ...     _ = f.write(b'\\xef\\xbb\\xbfsep=;\\r\\n"Tweet\\nID";Date\\r\\n1;2\\r\\n')
    ...     f.flush()
    ...     _csv_header(Path(f.name))
    b'\\xef\\xbb\\xbfsep=;\\r\\n"Tweet\\nID";Date\\r\\n'
    """
    kept = bytearray()
    begins = 0  # where the record looked for begins (after a sep= line)
    with open(path, "rb") as stream:
        while piece := stream.read(1 << 16):
            at = len(kept)
            kept += piece
            while (end := kept.find(b"\n", at)) >= 0:
                record = kept[begins:end].strip(b"\xef\xbb\xbf \t\r")
                if record and not kept.count(b'"', 0, end) % 2:
                    if begins or not record.lower().startswith(b"sep="):
                        return bytes(kept[:end + 1])
                    begins = end + 1
                at = end + 1
    return bytes(kept)


#: what the pipe from the worker may hold (Linux's default ceiling for a process without
#: privileges, ``/proc/sys/fs/pipe-max-size``): about one message of :func:`_worker`
_PIPE_BYTES = 1 << 20


def _widen(connection: Any) -> None:
    """Let the worker's pipe hold :data:`_PIPE_BYTES` rather than Linux's 64 KiB, where it can.

    With 64 KiB, the worker blocked a dozen times per message until the archive's process had
    read it all, and each waited on the other: measured on 200,000 posts, the import took
    12.9–14.7 s with it and 10.3–11.3 s with 1 MiB (the worker's CPU time fell too, 12.5 →
    9.7 s, with far fewer switches between the two processes). Elsewhere (no ``F_SETPIPE_SZ``,
    or a ceiling set lower) the pipe stays as it is.
    """
    import fcntl

    setting = getattr(fcntl, "F_SETPIPE_SZ", None)
    if setting is None:  # pragma: no cover - not Linux
        return
    with suppress(OSError):  # a ceiling set below it
        fcntl.fcntl(connection.fileno(), setting, _PIPE_BYTES)


def _worker_reading(batches: Iterator[tuple[int, Any]]) -> bool:
    """Whether the batches of :func:`_batches` come from a worker process."""
    return getattr(batches, "__name__", "") in (_received.__name__, _received_stretches.__name__)


def _worker_pays(source: Source) -> bool:
    if _WORKER_MIN_BYTES is None:
        return False
    try:
        size = source.size
    except OSError:
        return False
    if size is None or size < _WORKER_MIN_BYTES:
        return False
    return fork_available()


def _worker(receivers: list[Any], sender: Any, source: Source, fmt,
            part: tuple[list[int], int, int] | None = None) -> None:
    """A worker process: send the batches of one source through ``sender`` — of the whole
    file, or with ``part`` (bounds, index, count) of its stretches (:func:`_stretch_batches`)."""
    # the archive's ends of the pipes, inherited by the fork, must close here: if the archive's
    # process dies, the next send then fails (instead of blocking forever) and this one ends
    for receiver in receivers:
        receiver.close()
    try:
        try:
            with _gc_relaxed():
                group: list[tuple[int, Any]] = []
                batches = _read_batches(source, fmt) if part is None else _stretch_batches(source, fmt, *part)
                for item in batches:
                    group.append(item)
                    # about one message per batch of posts; a stretch ends its message
                    if item[0] == _PROGRESS or item[0] == _STRETCH or len(group) >= 8:
                        sender.send_bytes(_pack(group))
                        group = []
                if group and part is not None:  # a worker reading stretches ends with its own message
                    sender.send_bytes(_pack(group))
                    group = []
                message = [*group, (_DONE, None)]
        except Exception as exc:  # the archive re-raises it, rolls back and reports as usual
            message = [(_ERROR, _portable(exc))]
        sender.send_bytes(_pack(message))
    except (BrokenPipeError, KeyboardInterrupt):
        pass  # the archive stopped listening (it failed or was killed), or the user interrupted
    finally:
        sender.close()


def _pack(group: list[tuple[int, Any]]) -> bytes:
    """A message for the pipe: marshal (twice as fast as pickle for these tuples, lists and
    strings, and both ends are the same interpreter), or pickle for anything else."""
    import marshal
    import pickle

    try:
        return marshal.dumps(group)
    except ValueError:  # an object marshal does not know (an exception, an odd value from a reader)
        return pickle.dumps(group, pickle.HIGHEST_PROTOCOL)


def _unpack(data: bytes) -> list[tuple[int, Any]]:
    import marshal
    import pickle

    # pickle (protocol 2 and later) starts with its PROTO opcode; marshal never starts with it
    return pickle.loads(data) if data[:1] == pickle.PROTO else marshal.loads(data)


def _recv(receiver: Any, worker: Any) -> bytes:
    """The next message of a worker, waiting for it (an error if the worker has died)."""
    try:
        return receiver.recv_bytes()
    except EOFError:
        worker.join(5)
        raise ArchiveError(
            f"the reader process stopped part-way (exit code {worker.exitcode}); nothing from the file was kept"
        ) from None


def _raise_remote(payload: tuple[BaseException, str]) -> NoReturn:
    """Raise the error a worker sent, with where it came from as its cause."""
    exc, text = payload
    exc.__cause__ = _RemoteTraceback(text)
    raise exc


def _received(receiver: Any, worker: Any) -> Iterator[tuple[int, Any]]:
    """The batches the worker sends, until it says it is done; its error is raised here."""
    while True:
        group = _unpack(_recv(receiver, worker))
        group.reverse()
        while group:
            kind, payload = group.pop()
            if kind == _DONE:
                return
            if kind == _ERROR:
                _raise_remote(payload)
            yield kind, payload
            del payload


def _received_stretches(receivers: list[Any], workers: list[Any], stretches: int) -> Iterator[tuple[int, Any]]:
    """The batches of workers reading stretches in turn (:func:`_stretch_batches`), in the
    file's order: stretch ``k`` from worker ``k % len(workers)``; an error is raised here.

    While one worker's stretch is written, the others' messages are taken off their pipes as
    they come (so that they read on), as they came (marshalled: compact), up to
    :data:`_AHEAD_BYTES` of them. A worker's last message (done, or its error) comes alone.
    """
    from collections import deque
    from multiprocessing.connection import wait

    count = len(receivers)
    waiting: list[deque[bytes]] = [deque() for _ in receivers]
    ahead = 0  # bytes of the messages waiting
    done = [False] * count  # whose last message has come

    def receive(j: int) -> bytes:
        data = _recv(receivers[j], workers[j])
        if len(data) < _LAST_BYTES or data[:1] == _PICKLED:  # it may be the last (an error is pickled): look
            last = _unpack(data)
            done[j] = len(last) == 1 and last[0][0] in (_DONE, _ERROR)
        return data

    def keep(j: int) -> None:
        nonlocal ahead
        data = receive(j)
        waiting[j].append(data)
        ahead += len(data)

    def take(i: int) -> bytes:
        """Worker ``i``'s next message; the others' are kept meanwhile."""
        nonlocal ahead
        for j in range(count):  # what the others have sent already
            while j != i and not done[j] and ahead < _AHEAD_BYTES and receivers[j].poll():
                keep(j)
        if waiting[i]:
            data = waiting[i].popleft()
            ahead -= len(data)
            return data
        while True:
            others = [receivers[j] for j in range(count) if j != i and not done[j] and ahead < _AHEAD_BYTES]
            for ready in wait([receivers[i], *others]):
                j = receivers.index(ready)
                if j == i:
                    return receive(i)
                keep(j)

    k = 0
    while k < stretches:
        group = _unpack(take(k % count))
        group.reverse()
        while group:
            kind, payload = group.pop()
            if kind == _STRETCH:
                k += 1
            elif kind == _ERROR:
                _raise_remote(payload)
            elif kind == _DONE:  # pragma: no cover - a worker never ends before its stretches
                raise ArchiveError("a reader process ended before its part of the file")
            else:
                yield kind, payload
            del payload
    for i in range(count):  # each worker's last message: done, or what went wrong at its end
        while not done[i]:
            keep(i)
        for data in waiting[i]:
            for kind, payload in _unpack(data):
                if kind == _ERROR:
                    _raise_remote(payload)


#: a worker's last message (done, or an error) is shorter than this or pickled (see _pack)
_LAST_BYTES = 1 << 16
_PICKLED = b"\x80"  # pickle's PROTO opcode, which a pickle of protocol 2 or later starts with


class _RemoteTraceback(Exception):
    """Where an error raised in the worker process came from (shown as the error's cause)."""

    def __str__(self) -> str:
        return f"\n\"\"\"\n{self.args[0]}\"\"\""


def _portable(exc: BaseException) -> tuple[BaseException, str]:
    """``exc`` (or a RuntimeError saying what it was, if it cannot be pickled) and its traceback."""
    import pickle
    import traceback

    text = "".join(traceback.format_exception(exc))
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        exc = RuntimeError(f"{type(exc).__name__}: {exc}")
    return exc, text


#: Rows turned into a DataFrame at a time when reading a selection.
_FRAME_BATCH = 25_000
#: The columns every selection fills: what identifies a post, when and by whom, and its flags.
_ALWAYS = ("platform", "post_id", "created_at", "author_id", "author_handle", "kind", "is_quote", "is_context")


def _selection_query(hashtag: str | None, since: str | datetime | None, until: str | datetime | None, *,
                 replies: bool, platform: str | None, columns: Iterable[str] | None) -> tuple[str, list[Any], str]:
    """The SQL of a posts selection (see :meth:`Archive.posts`): query, parameters, SELECT list."""
    lo = _as_iso(since) if since is not None else "0000"
    hi = _as_iso(until) if until is not None else "9999"
    plat = (platform,) if platform else ("x", "mastodon", "bluesky")
    marks = ",".join("?" * len(plat))
    if hashtag:
        tag = hashtag.lstrip("#").lower()
        base = (
            "SELECT p.platform, p.post_id FROM post_hashtags h JOIN posts p "
            "ON p.platform = h.platform AND p.post_id = h.post_id "
            f"WHERE h.tag = ? AND p.is_context = 0 AND p.created_at >= ? AND p.created_at < ? "
            f"AND p.platform IN ({marks})"
        )
        params: list[Any] = [tag, lo, hi, *plat]
    else:
        # ``+platform``: the time index, not posts_reply_to's platform prefix (SQLite's choice without
        # statistics), which would read every post of the platform for each stretch of time
        base = (f"SELECT platform, post_id FROM posts WHERE is_context = 0 AND created_at >= ? "
                f"AND created_at < ? AND +platform IN ({marks})")
        params = [lo, hi, *plat]
    if hashtag and replies:
        sql = (
            f"WITH RECURSIVE sel(platform, post_id) AS ({base} UNION "
            "SELECT p.platform, p.post_id FROM posts p JOIN sel "
            "ON p.platform = sel.platform AND p.reply_to_post_id = sel.post_id "
            "WHERE p.is_context = 0 AND p.created_at >= ? AND p.created_at < ?) "
        )
        params += [lo, hi]
    else:
        sql = f"WITH sel(platform, post_id) AS ({base}) "
    selected = _select_list(columns)
    if hashtag:
        query = sql + f"SELECT {selected} FROM posts p JOIN sel USING (platform, post_id)"
    else:  # a plain range: scan, no join
        query = f"SELECT {selected} FROM posts p WHERE " + base.split(" WHERE ", 1)[1]
    return query, params, selected


def _select_list(columns: Iterable[str] | None) -> str:
    """The SELECT list of a posts selection: every canonical column, those not asked for empty."""
    if columns is None:
        return ", ".join(f"p.{c}" for c in POST_COLUMNS)
    wanted = set(columns) | set(_ALWAYS)
    unknown = wanted - set(POST_COLUMNS)
    if unknown:
        raise ValueError(f"not canonical post columns: {', '.join(sorted(unknown))}")
    return ", ".join(f"p.{c}" if c in wanted else f"NULL AS {c}" for c in POST_COLUMNS)


#: Columns whose values repeat from row to row (an account's id, handle and name, a post's kind,
#: the post many reply to or retweet): each distinct value is kept once in a selection, not once
#: per row.
_REPEATING = frozenset({"platform", "author_id", "author_handle", "author_name", "kind", "reply_to_post_id",
                        "reply_to_author_id", "reply_to_handle", "quoted_post_id", "retweeted_post_id",
                        "conversation_id", "lang", "source_app", "collected_at"})


def _decoded(rows: list[tuple[Any, ...]], empty: frozenset[str] = frozenset()) -> Any:
    """Rows of ``posts`` (in :data:`POST_COLUMNS` order) as a DataFrame with list columns decoded;
    the ``empty`` columns (not selected: all NULL) are filled without looking at the rows."""
    import pandas as pd

    loads = orjson.loads
    data: dict[str, Any] = {}
    n = len(rows)
    if empty:
        columns: Any = ([r[i] for r in rows] if c not in empty else None for i, c in enumerate(POST_COLUMNS))
    else:
        columns = zip(*rows, strict=True) if rows else [()] * len(POST_COLUMNS)
    for column, values in zip(POST_COLUMNS, columns, strict=True):
        if column in empty:
            nothing: list[Any] = [[] for _ in range(n)] if column in _LISTS else [None] * n
            data[column] = pd.Series(nothing, dtype=object)
        elif column in _LISTS:  # hashtags, handles and links repeat too: kept once each
            seen_items: dict[Any, Any] = {}
            data[column] = pd.Series([[seen_items.setdefault(x, x) for x in loads(v)] if v and v != "[]" else []
                                      for v in values], dtype=object)
        elif column in _REPEATING:
            seen: dict[Any, Any] = {}
            data[column] = pd.Series([seen.setdefault(v, v) for v in values], dtype=object)
        elif column in ("is_context", "is_quote"):
            data[column] = pd.Series(values, dtype=bool)
        else:
            data[column] = pd.Series(values, dtype=object)
    return pd.DataFrame(data, columns=list(POST_COLUMNS))


def _as_iso(value: str | datetime) -> str:
    if isinstance(value, datetime):
        return iso_utc(value)
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise SelectionError(f"not a date or time: {value!r} (use e.g. 2026-09-02 or 2026-09-02T19:00Z)") from None
    return iso_utc(when)
