"""The SQLite connection under the archive: opening it, waiting for another writer, writing safely.

What every part of the archive (:mod:`swchat.archive`, :mod:`swchat.session_store`,
:mod:`swchat.consent_store`) shares about the file itself:

- **Opening** (:func:`connect`). An archive that can be written is opened read-write in WAL mode,
  so readers never wait for a writer nor a writer for readers. One that cannot be written (a
  read-only file, a read-only folder, a read-only file system, a copy on a CD) is opened
  read-only (an SQLite ``file:…?mode=ro`` URI); when SQLite cannot even do that, because it would
  have to create ``NAME-shm`` beside the file, it is opened as an unchanging file
  (``immutable=1``) — unless a ``NAME-wal`` file holds changes that reading it so would miss.
- **Waiting for another writer** (:meth:`Database.begin_write`). SQLite lets one connection write
  at a time, and an import holds the archive for as long as one file takes. A second writer waits
  for the first: briefly without a word, then saying on stderr that it is waiting, for as long as
  it takes (or ``write_wait`` seconds).
- **Writing safely** (:meth:`Database.write_transaction`). One transaction, committed at the end
  of the block or rolled back — also when SQLite has rolled it back itself, as it does when the
  disk fills up — with SQLite's errors about the file turned into one-sentence
  :class:`~swchat.errors.ArchiveError`\\ s (:func:`storage_error`): a full disk, a read-only
  archive, a lock held by another program.
- **Copying a big commit into the file beside the work that follows**
  (:meth:`Database.commit`). A transaction's pages go to ``NAME-wal`` first; SQLite copies them
  into the file itself at the commit that makes the log over a thousand pages long (a
  checkpoint). After a big import that copy (a third of a second for 200,000 posts) is left to
  a process of its own, while this one goes on (with the session tables, say); closing the
  archive waits for it, so a closed archive is one file as before.

Examples
--------
>>> import sqlite3, tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "x.db"
>>> db, read_only = connect(path, read_only=None)
>>> read_only, db.execute("PRAGMA journal_mode").fetchone()[0]
(False, 'wal')
>>> db.close()
>>> print(storage_error(sqlite3.OperationalError("database or disk is full"), path))
the disk holding .../x.db is full
"""

from __future__ import annotations

import os
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from .errors import ArchiveBusyError, ArchiveError, ArchiveFullError, ReadOnlyArchiveError

__all__ = ["FIRST_WAIT", "WAIT_STEP", "Database", "Notify", "connect", "not_writable_reason", "print_notice",
           "storage_error", "writable"]

#: Seconds any statement waits for another connection's lock before it gives up (a reader almost
#: never needs to: WAL); a writer then says it is waiting and waits on (:meth:`Database.begin_write`).
FIRST_WAIT = 1.0

#: Seconds of each further wait for the write lock, repeated until it is free.
WAIT_STEP = 30.0

#: A commit that leaves the write-ahead log this big or bigger (bytes) has its pages copied into
#: the archive's file by a process of its own (see :meth:`Database.commit`); ``None``: never.
CHECKPOINT_ASIDE_BYTES: int | None = 32 << 20

#: The process that copies the write-ahead log into the file (a passive checkpoint: it never
#: waits for, nor holds up, this process's reading and writing), at the lowest priority, so
#: that it takes what CPU time the work beside it leaves. Python's own ``sqlite3`` only.
_CHECKPOINT = ("import os, sqlite3, sys\n"
               "if hasattr(os, 'nice'):\n"
               "    os.nice(19)\n"
               "db = sqlite3.connect(sys.argv[1], timeout=60)\n"
               "db.execute('PRAGMA wal_checkpoint(PASSIVE)').fetchall()\n"
               "db.close()\n")


#: The type of a ``notify`` callback: called with one line to show the user.
Notify = Callable[[str], None]


def print_notice(message: str) -> None:
    """Say something on stderr (the default way an archive says it is waiting for another writer)."""
    print(message, file=sys.stderr, flush=True)


def _beside(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def writable(path: Path) -> bool:
    """Whether this process can write the archive at ``path``, or create it there.

    Writing needs the file and, since SQLite keeps ``NAME-wal`` and ``NAME-shm`` beside it, its
    folder (unless both exist and can be written). A read-only file system makes nothing writable,
    not even for root.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> writable(pathlib.Path(tempfile.mkdtemp()) / "new.db")
    True
    """
    folder = path.parent
    if not path.exists():
        return os.access(folder, os.W_OK | os.X_OK)
    if not os.access(path, os.W_OK):
        return False
    if os.access(folder, os.W_OK | os.X_OK):
        return True
    return all(f.exists() and os.access(f, os.W_OK) for f in (_beside(path, "-wal"), _beside(path, "-shm")))


def not_writable_reason(path: Path) -> str:
    """Why :func:`writable` says no, in words (for error messages)."""
    target = path if path.exists() else path.parent
    try:
        if os.statvfs(target).f_flag & os.ST_RDONLY:
            return "it is on a read-only file system"
    except OSError:
        pass
    if path.exists() and not os.access(path, os.W_OK):
        return "the file is read-only for you"
    if not os.access(path.parent, os.W_OK | os.X_OK):
        return (f"its folder {path.parent} is read-only for you (SQLite writes {path.name}-wal and "
                f"{path.name}-shm beside the archive)")
    return "SQLite says it is read-only"


def storage_error(exc: BaseException, path: Path | str, *, read_only: bool = False) -> ArchiveError | None:
    """SQLite's error about the archive file as one sentence, or ``None`` if ``exc`` is no such error.

    A full disk gives :class:`~swchat.errors.ArchiveFullError`, a read-only archive
    :class:`~swchat.errors.ReadOnlyArchiveError` (saying why), a lock another connection holds
    :class:`~swchat.errors.ArchiveBusyError`; a disk I/O error or a file SQLite cannot open an
    :class:`~swchat.errors.ArchiveError`.

    Examples
    --------
    >>> import sqlite3
    >>> type(storage_error(sqlite3.OperationalError("database is locked"), "a.db")).__name__
    'ArchiveBusyError'
    >>> storage_error(sqlite3.OperationalError("no such table: posts"), "a.db") is None
    True
    """
    if not isinstance(exc, sqlite3.Error):
        return None
    name = getattr(exc, "sqlite_errorname", None) or ""
    text = str(exc)
    if name.startswith("SQLITE_FULL") or "database or disk is full" in text:
        return ArchiveFullError(f"the disk holding {path} is full")
    if name.startswith("SQLITE_READONLY") or "readonly database" in text:
        reason = "it was opened read-only" if read_only else not_writable_reason(Path(path))
        return ReadOnlyArchiveError(f"cannot write to {path}: {reason}")
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "database is locked" in text:
        return ArchiveBusyError(f"{path} is locked: another program is writing to it")
    if name.startswith("SQLITE_IOERR") or "disk I/O error" in text:
        return ArchiveError(f"cannot read or write {path}: a disk input/output error ({text})")
    if name.startswith("SQLITE_CANTOPEN") or "unable to open database file" in text:
        return ArchiveError(f"cannot open {path} ({text})")
    return None


def connect(path: Path, *, read_only: bool | None) -> tuple[sqlite3.Connection, bool]:
    """Open the SQLite file of an archive: ``(connection, whether it is read-only)``.

    Parameters
    ----------
    path : Path
        The file (made when missing and ``read_only`` is not ``True``).
    read_only : bool or None
        ``True``: read-only (``mode=ro``; ``immutable=1`` when SQLite could not read it otherwise).
        ``False``: read-write, and a :class:`~swchat.errors.ReadOnlyArchiveError` when the file
        cannot be written. ``None``: read-write when the file can be written, else read-only.

    Raises
    ------
    ArchiveError
        The file cannot be opened as asked (the message says why).
    sqlite3.DatabaseError
        SQLite's own complaint about the file's content (not a database …), for the caller to word.
    """
    if read_only is None:
        read_only = path.exists() and not writable(path)
    if read_only:
        return _connect_read_only(path), True
    if not writable(path):
        doing = "write to" if path.exists() else "create the archive"
        raise ReadOnlyArchiveError(f"cannot {doing} {path}: {not_writable_reason(path)}")
    try:
        db = sqlite3.connect(path, isolation_level=None, timeout=FIRST_WAIT)
        db.execute("PRAGMA journal_mode=WAL")
    except sqlite3.OperationalError as exc:
        raise (storage_error(exc, path) or exc) from exc
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA foreign_keys=ON")
    return db, False


def _connect_read_only(path: Path) -> sqlite3.Connection:
    if not path.is_file():
        raise ArchiveError(f"cannot open {path}: it is not a file")
    if not os.access(path, os.R_OK):
        raise ArchiveError(f"cannot read {path}: permission denied")
    uri = path.absolute().as_uri()
    try:
        return _opened(f"{uri}?mode=ro")
    except sqlite3.OperationalError as exc:  # CANTOPEN (read-only file system), READONLY_DIRECTORY …
        if not (getattr(exc, "sqlite_errorname", "") or "").startswith(("SQLITE_CANTOPEN", "SQLITE_READONLY")):
            raise
    # SQLite reads a WAL-mode file through NAME-shm, which it cannot make here: read the file as
    # it is, unless NAME-wal holds changes that are not in it yet (they would be missed)
    wal = _beside(path, "-wal")
    if wal.exists() and wal.stat().st_size:
        raise ArchiveError(f"cannot read {path} here: its latest changes are still in {wal.name}, which SQLite "
                           f"reads only by writing {path.name}-shm beside it, and {not_writable_reason(path)}; copy "
                           f"both files to a folder you can write to")
    return _opened(f"{uri}?mode=ro&immutable=1")


def _opened(uri: str) -> sqlite3.Connection:
    db = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=FIRST_WAIT)
    try:
        db.execute("SELECT count(*) FROM sqlite_master").fetchone()  # opening happens on first use
        db.execute("PRAGMA foreign_keys=ON")
    except BaseException:
        db.close()
        raise
    return db


class Database:
    """The archive's connection and how it writes (the base of the archive and its stores).

    Whoever makes one sets ``db``, ``path`` and ``read_only`` (see :func:`connect`), and may set
    ``notify`` (called with a message when a write has to wait for another process; default:
    :func:`print_notice`) and ``write_wait`` (seconds to wait for another writer at most;
    ``None``: as long as it takes).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> store = Database()
    >>> store.path = pathlib.Path(tempfile.mkdtemp()) / "x.db"
    >>> store.db, store.read_only = connect(store.path, read_only=False)
    >>> with store.write_transaction():
    ...     _ = store.db.execute("CREATE TABLE t (x)")
    >>> store.db.execute("SELECT count(*) FROM t").fetchone()[0]
    0
    """

    db: sqlite3.Connection
    path: Path
    read_only: bool = False
    _checkpointer: Any = None  # the process copying the write-ahead log into the file (see commit)
    notify: Notify | None = None
    write_wait: float | None = None

    def storage_error(self, exc: BaseException) -> ArchiveError | None:
        """:func:`storage_error` for this archive."""
        return storage_error(exc, self.path, read_only=self.read_only)

    def begin_write(self, *, wait: bool = True) -> None:
        """Start a write transaction (``BEGIN IMMEDIATE``), waiting for another writer to finish.

        Waits :data:`FIRST_WAIT` seconds without a word, then says (through ``notify``) that it
        is waiting, and waits on (for ``write_wait`` seconds at most, when set).

        Parameters
        ----------
        wait : bool
            ``False``: do not wait at all; an archive another process is writing raises
            :class:`~swchat.errors.ArchiveBusyError` at once.

        Raises
        ------
        ReadOnlyArchiveError
            The archive cannot be written (opened read-only, a read-only file or folder).
        ArchiveBusyError
            Another process holds the archive, and ``wait`` is ``False`` or ``write_wait`` ran out.
        """
        if self.read_only:
            raise ReadOnlyArchiveError(f"cannot write to {self.path}: {not_writable_reason(self.path)}"
                                       if not writable(self.path) else
                                       f"cannot write to {self.path}: it was opened read-only")
        try:
            self._begin(FIRST_WAIT if wait else 0.0)
            return
        except ArchiveBusyError:
            if not wait:
                raise
        (self.notify or print_notice)(f"waiting for another swchat process that is writing to {self.path}…")
        started = time.monotonic()
        limit = self.write_wait
        while True:
            waited = time.monotonic() - started
            if limit is not None and waited >= limit:
                raise ArchiveBusyError(f"{self.path} is still being written by another process after "
                                       f"{FIRST_WAIT + waited:.0f} s of waiting; try again when it has finished")
            try:
                self._begin(WAIT_STEP if limit is None else min(WAIT_STEP, limit - waited))
                return
            except ArchiveBusyError:
                continue

    def _begin(self, timeout: float) -> None:
        db = self.db
        db.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        try:
            db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise (self.storage_error(exc) or exc) from exc
        finally:
            db.execute(f"PRAGMA busy_timeout = {int(FIRST_WAIT * 1000)}")

    def commit(self) -> None:
        """Commit the open transaction; when it leaves the write-ahead log
        :data:`CHECKPOINT_ASIDE_BYTES` long or longer, without copying the log into the file
        (SQLite's automatic checkpoint): a process of its own copies it while this one goes on.

        The copy is SQLite's passive checkpoint: it takes no lock that this process's reading or
        writing waits for, and copies only what was committed. A copy still under way when the
        next big commit comes is waited for first, and so is it by :meth:`close` (and
        :meth:`settle`). Where no such process can be started, the commit copies as usual.
        """
        db = self.db
        aside = CHECKPOINT_ASIDE_BYTES
        try:
            big = aside is not None and os.path.getsize(_beside(self.path, "-wal")) >= aside
        except (OSError, TypeError, AttributeError):
            big = False
        if not big:
            db.execute("COMMIT")
            return
        self.settle()
        every = db.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
        db.execute("PRAGMA wal_autocheckpoint = 0")
        try:
            db.execute("COMMIT")
        finally:
            with suppress(sqlite3.Error):  # not to hide why a commit failed
                db.execute(f"PRAGMA wal_autocheckpoint = {int(every)}")
        import subprocess

        try:
            self._checkpointer = subprocess.Popen(
                [sys.executable, "-I", "-S", "-c", _CHECKPOINT, str(self.path)],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        except (OSError, ValueError):  # no interpreter to start (an embedded Python): copy it here
            with suppress(sqlite3.Error):
                db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()

    def settle(self) -> None:
        """Wait until the copy of the write-ahead log that :meth:`commit` left to a process of
        its own is done (at once when there is none)."""
        if self._checkpointer is not None:
            self._checkpointer.wait()
            self._checkpointer = None

    def close(self) -> None:
        """Close the database connection (when the last connection to the archive closes, SQLite
        copies the write-ahead log into the file and removes it), after :meth:`settle`."""
        self.settle()
        self.db.close()

    def read_apart(self) -> None:
        """Read through a read-only connection of this process's own from now on: for a forked
        child that reads the archive beside its parent (SQLite's connections must not be used
        across ``fork()``). The connection the child inherited is kept aside, neither used nor
        closed: closing it in the child could undo what the parent's connection holds.

        Reading the file needs the parent's work to be committed (WAL: the child reads the last
        commit, never the parent's open transaction); calling it again in the same process does nothing.
        """
        if getattr(self, "_apart_in", None) == os.getpid():
            return
        self._inherited = self.db
        self.db = _connect_read_only(self.path)
        self.read_only = True
        self._checkpointer = None  # the parent's to wait for, not this process's
        self._apart_in = os.getpid()

    def rollback(self) -> None:
        """Roll the open transaction back — if SQLite has not done so already (it does when the
        disk fills up, and a second ``ROLLBACK`` would fail with "no transaction is active")."""
        if self.db.in_transaction:
            with suppress(sqlite3.Error):  # the error that brought us here says more
                self.db.execute("ROLLBACK")

    @contextmanager
    def write_transaction(self, *, wait: bool = True) -> Iterator[None]:
        """One write transaction: committed when the block ends, rolled back when it raises.

        SQLite's errors about the file (:func:`storage_error`: a full disk, a read-only archive …)
        leave the block as :class:`~swchat.errors.ArchiveError`\\ s; others as they are. See
        :meth:`begin_write` for ``wait``.
        """
        self.begin_write(wait=wait)
        try:
            yield
            self.commit()
        except BaseException as exc:
            self.rollback()
            problem = self.storage_error(exc)
            if problem is not None:
                raise problem from exc
            raise
