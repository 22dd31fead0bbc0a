"""The archive's derived session tables: what every session-level question reads, kept up to date.

Finding the sessions of a hashtag, their questions and who took part is work over all of the
hashtag's posts. The archive does it once and keeps the answer in derived tables:

- ``derived_sessions`` — one row per session of every hashtag: start and end (UTC), the time
  of its first 5 % of posts, platform, spellings of the tag, hosts, questions, posts by kind,
  participants;
- ``session_posts`` — each session's own posts with their question segment;
- ``participation`` — one row per (session, account): posts by kind, replies, mentions and
  retweets received from others, *welcomed* (a reply or a mention received), first post;
- ``interactions`` — the replies, mentions and retweets received, one row per (post, receiver);
- ``tag_accounts`` — per hashtag and account: first and last session, sessions attended (so
  newcomers and returners are a lookup, however old the chat).

The analysis that fills them is not here (this layer knows no analysis): :meth:`SessionStore.refresh_derived`
takes it as a function (``derive``, in practice :func:`swchat.derive.derive_sessions`) and calls
it on the posts of each stretch of time that changed. Every import records the days of the posts
it added or promoted from context (``changes``); a refresh re-derives exactly the **closed
stretches** around those days — runs of posts with no quiet gap longer than the session gap,
which no session can cross — plus the stretches of posts that refer to a post the import added
(a reply whose parent arrived later). So the work after a weekly import is the week's, not the
archive's, and the tables always equal a rebuild from scratch (:meth:`SessionStore.rebuild_derived`).

A derived table that is out of date is never served: every read checks that no import happened
since the last refresh and raises :class:`~swchat.errors.ArchiveError` otherwise
(:class:`swchat.Archive` refreshes before it reads).
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import orjson

from .database import Database
from .errors import ArchiveError
from .parallel import Offload

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["DERIVED_DDL", "SessionStore"]

DERIVED_DDL = """
CREATE TABLE IF NOT EXISTS changes (id INTEGER PRIMARY KEY, day TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tag_counts (tag TEXT PRIMARY KEY, posts INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS derived_sessions (
    id INTEGER PRIMARY KEY,
    tag TEXT NOT NULL,
    start_at TEXT NOT NULL,
    end_at TEXT NOT NULL,
    typical_at TEXT,
    platform TEXT,
    spellings TEXT,
    hosts TEXT,
    host_ids TEXT,
    questions TEXT,
    shared TEXT,
    posts INTEGER NOT NULL,
    participants INTEGER NOT NULL,
    originals INTEGER NOT NULL,
    replies INTEGER NOT NULL,
    retweets INTEGER NOT NULL,
    quotes INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS derived_sessions_tag ON derived_sessions (tag, start_at);
CREATE INDEX IF NOT EXISTS derived_sessions_start ON derived_sessions (start_at);
CREATE TABLE IF NOT EXISTS session_posts (
    session INTEGER NOT NULL,
    platform TEXT NOT NULL,
    post_id TEXT NOT NULL,
    segment TEXT,
    PRIMARY KEY (session, platform, post_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS session_posts_post ON session_posts (platform, post_id);
CREATE TABLE IF NOT EXISTS participation (
    session INTEGER NOT NULL,
    platform TEXT NOT NULL,
    account_id TEXT NOT NULL,
    handle TEXT,
    posts INTEGER NOT NULL,
    originals INTEGER NOT NULL,
    replies INTEGER NOT NULL,
    retweets INTEGER NOT NULL,
    quotes INTEGER NOT NULL,
    replies_received INTEGER NOT NULL,
    mentions_received INTEGER NOT NULL,
    retweets_received INTEGER NOT NULL,
    welcomed INTEGER NOT NULL,
    first_post TEXT,
    PRIMARY KEY (session, platform, account_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS participation_account ON participation (platform, account_id);
CREATE TABLE IF NOT EXISTS interactions (
    session INTEGER NOT NULL,
    post_id TEXT,
    source TEXT NOT NULL,
    target TEXT NOT NULL,
    type TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS interactions_session ON interactions (session);
CREATE TABLE IF NOT EXISTS tag_accounts (
    tag TEXT NOT NULL,
    platform TEXT NOT NULL,
    account_id TEXT NOT NULL,
    first_start TEXT NOT NULL,
    last_start TEXT NOT NULL,
    sessions INTEGER NOT NULL,
    PRIMARY KEY (tag, platform, account_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS posts_retweeted ON posts (platform, retweeted_post_id)
    WHERE retweeted_post_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS posts_quoted ON posts (platform, quoted_post_id) WHERE quoted_post_id IS NOT NULL;
"""

#: Own posts per derivation chunk: a long closed stretch is split at its quiet gaps into chunks of
#: about this many posts, so memory stays flat however big the import.
CHUNK_POSTS = 8_000

_SESSION_FIELDS = ("tag", "start_at", "end_at", "typical_at", "platform", "spellings", "hosts", "host_ids",
                   "questions", "shared", "posts", "participants", "originals", "replies", "retweets", "quotes")
_PARTICIPATION_FIELDS = ("platform", "account_id", "handle", "posts", "originals", "replies", "retweets", "quotes",
                         "replies_received", "mentions_received", "retweets_received", "welcomed", "first_post")
_JSON_FIELDS = ("spellings", "hosts", "host_ids", "questions", "shared")


def _epoch(iso: str) -> float:
    return datetime.fromisoformat(iso).timestamp()


def _iso(value: Any) -> str | None:
    """A timestamp (pandas, datetime or ISO text) as the archive's ISO UTC text with milliseconds."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, str):
        return value
    if hasattr(value, "to_pydatetime"):
        if value != value:  # NaT
            return None
        value = value.to_pydatetime()
    value = value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


class SessionStore(Database):
    """The derived session tables of an archive (mixed into :class:`swchat.archive.Archive`).

    The methods here need ``self.db`` (the archive's connection), ``self.path`` and
    ``self.posts(...)`` (the archive's selection) and ``self.meta_value``/``set_meta``.
    """

    db: sqlite3.Connection

    if TYPE_CHECKING:  # what the archive provides (for the type checker; not defined here)
        def meta_value(self, key: str) -> str | None: ...

        def set_meta(self, key: str, value: str) -> None: ...

        def posts(self, *args: Any, **kwargs: Any) -> pd.DataFrame: ...

        def posts_with_ids(self, keys: Any, *, context: bool = True) -> pd.DataFrame: ...

    # -- state ---------------------------------------------------------------------------
    def _marks(self) -> tuple[int, int]:
        change = self.db.execute("SELECT coalesce(max(id), 0) FROM changes").fetchone()[0]
        rowid = self.db.execute("SELECT coalesce(max(rowid), 0) FROM posts").fetchone()[0]
        return int(change), int(rowid)

    def derived_state(self) -> dict[str, Any]:
        """How the derived tables stand: ``version`` and ``options`` they were made with,
        and whether an import happened since (``stale``).

        Examples
        --------
        >>> import tempfile, pathlib
        >>> from swchat.archive import Archive
        >>> with Archive(pathlib.Path(tempfile.mkdtemp()) / "a.db") as archive:
        ...     archive.derived_state()["stale"]
        False
        """
        change, rowid = self._marks()
        done_change = int(self.meta_value("derived_change") or 0)
        done_rowid = int(self.meta_value("derived_rowid") or 0)
        return {
            "version": self.meta_value("derived_version"),
            "options": self.meta_value("derived_options"),
            "stale": change > done_change or rowid > done_rowid or self.meta_value("derived_full") == "1",
        }

    def _fresh(self) -> None:
        """Refuse to read derived tables an import has made out of date."""
        if self.derived_state()["stale"]:
            raise ArchiveError(f"the session tables of {getattr(self, 'path', 'the archive')} are out of date "
                               "(open it with swchat.open or run `swchat reindex`)")

    # -- bringing them up to date --------------------------------------------------------
    def refresh_derived(self, derive: Callable[[pd.DataFrame], Any], *, gap: timedelta, version: str,
                options: str = "", progress: Callable[[int, int], None] | None = None,
                wait: bool = True, columns: Iterable[str] | None = None, least_posts: int = 1,
                prepare: Callable[[], Any] | None = None) -> dict[str, int]:
        """Bring the derived tables up to date after imports (in one transaction).

        Parameters
        ----------
        derive : callable
            ``derive(posts)`` → an object with DataFrames ``sessions``, ``members``,
            ``participation`` and ``interactions`` as :func:`swchat.derive.derive_sessions` makes
            them, for the posts of one closed stretch of time (context rows included).
        gap : timedelta
            The session gap ``derive`` uses: no session crosses a quiet gap longer than this.
        version, options : str
            What the tables are made with; when either differs from what they were made with,
            everything is derived again.
        progress : callable, optional
            ``progress(done, total)`` in own posts derived, after each chunk.
        wait : bool
            Wait for another process writing to the archive (saying so); with ``False`` that is an
            :class:`~swchat.errors.ArchiveBusyError` at once.
        columns : iterable of str, optional
            The canonical post columns ``derive`` reads (as for ``posts(columns=...)``): it is
            handed only these (the others, left empty by the read, are not held while it runs).
            Default: all.
        least_posts : int
            The fewest own posts a session holds (what ``derive`` knows): a chunk with fewer,
            and no stored session starting in it, would derive nothing and clear nothing, so it
            is not read and ``derive`` is not called (a small import then needs no analysis).
        prepare : callable, optional
            Called once before the first chunk is derived (to load what ``derive`` needs, so
            that the child process deriving beside this one starts with it loaded too).

        Returns
        -------
        dict
            ``posts`` (own posts derived again) and ``sessions`` (sessions stored).

        Raises
        ------
        ArchiveError
            The archive cannot be written (:class:`~swchat.errors.ReadOnlyArchiveError`), the disk
            is full (:class:`~swchat.errors.ArchiveFullError`), or another process holds it
            (:class:`~swchat.errors.ArchiveBusyError`, with ``wait=False``).
        """
        if self.derived_current(version=version, options=options):
            return {"posts": 0, "sessions": 0}
        db = self.db
        with self.write_transaction(wait=wait):
            if self.derived_current(version=version, options=options):  # another process did it meanwhile
                return {"posts": 0, "sessions": 0}
            full = self._derive_all(version, options)
            change, rowid = self._marks()
            windows = self._all_posts_window() if full else self._dirty_windows(gap)
            stretches = _merge([self._closed(lo, hi, gap) for lo, hi in windows])
            chunks = [c for lo, hi in stretches for c in self._chunks(lo, hi, gap)]
            total = sum(n for _, _, n in chunks)
            if full:
                for table in ("derived_sessions", "session_posts", "participation", "interactions", "tag_accounts"):
                    db.execute(f"DELETE FROM {table}")
            touched: set[str] = set()
            accounts: set[tuple[str, str]] = set()  # the participants of sessions cleared or stored
            done = stored = 0

            wanted = None if columns is None else set(columns)

            def read(chunk: tuple[str, str, int]) -> pd.DataFrame:
                posts = self.posts(since=chunk[0], until=_after(chunk[1]), replies=False, context=True,
                                   columns=columns)
                # the columns derive does not read are not held while it runs
                return posts if wanted is None else posts[[c for c in posts.columns if c in wanted]]

            def read_apart(chunk: tuple[str, str, int]) -> Any:
                # in the forked child: it reads its chunks through a connection of its own (the
                # posts are committed; this transaction writes derived tables only), so that
                # this process does not read them for it
                self.read_apart()
                return derive(read(chunk))

            # this process and a forked child each take the next chunk not yet taken, read its
            # posts and derive it; this process stores them all, in chunk order
            derived: dict[int, Any] = {}
            written = 0  # the chunks stored so far
            if least_posts > 1:  # too few posts for a session, and none stored there: nothing to do
                empty = [n < least_posts and not self._sessions_between(lo, hi) for lo, hi, n in chunks]
                done = sum(n for (_lo, _hi, n), skip in zip(chunks, empty, strict=True) if skip)
                chunks = [chunk for chunk, skip in zip(chunks, empty, strict=True) if not skip]
                if progress and done:
                    progress(done, total)
            if chunks and prepare is not None:
                prepare()
            with _arrow_from_c_library(), Offload(read_apart, chunks) as helper:
                while True:
                    i = helper.take()
                    if i is not None:
                        derived[i] = derive(read(chunks[i]))
                    for j, tables in helper.answers(wait=i is None):
                        derived[j] = tables if tables is not None else derive(read(chunks[j]))
                    while written in derived:
                        lo, hi, n = chunks[written]
                        touched |= self._clear(lo, hi, accounts)
                        tables = derived.pop(written)
                        touched |= set(tables.sessions["tag"])
                        part = tables.participation
                        accounts.update(zip(part["platform"].tolist(), part["account_id"].tolist(), strict=True))
                        stored += self._store(tables)
                        del tables
                        _give_back_memory()  # what this stretch freed, before the next is read
                        done += n
                        written += 1
                        if progress:
                            progress(done, total)
                    if i is None:
                        break
            # a full derive counts every account again; else only those whose participation changed
            self.recount_tag_accounts(touched, None if full else accounts)
            for key, value in (("derived_change", str(change)), ("derived_rowid", str(rowid)),
                               ("derived_version", version), ("derived_options", options), ("derived_full", "0")):
                self.set_meta(key, value)
        return {"posts": done, "sessions": stored}

    def derived_current(self, *, version: str, options: str = "") -> bool:
        """Whether the derived tables can be read as they are: made by this ``version`` with these
        ``options``, and no import or deletion since (else :meth:`refresh_derived` has work to do).

        Examples
        --------
        >>> import tempfile, pathlib
        >>> from swchat.archive import Archive
        >>> with Archive(pathlib.Path(tempfile.mkdtemp()) / "a.db") as archive:
        ...     archive.derived_current(version="1")
        False
        """
        return not self._derive_all(version, options) and not self.derived_state()["stale"]

    def _derive_all(self, version: str, options: str) -> bool:
        return (self.meta_value("derived_version") != version or (self.meta_value("derived_options") or "") != options
                or self.meta_value("derived_full") == "1" or not int(self.meta_value("derived_rowid") or 0))

    def rebuild_derived(self) -> None:
        """Have the next :meth:`refresh_derived` derive every table again from ``posts``."""
        self.set_meta("derived_full", "1")

    def _all_posts_window(self) -> list[tuple[str, str]]:
        # one look-up in the index each (min and max together in one SELECT scan every post)
        lo, hi = self.db.execute("SELECT (SELECT min(created_at) FROM posts WHERE is_context = 0), "
                                 "(SELECT max(created_at) FROM posts WHERE is_context = 0)").fetchone()
        return [(str(lo), str(hi))] if lo is not None else []

    def _dirty_windows(self, gap: timedelta) -> list[tuple[str, str]]:
        """Time windows holding every own post whose sessions an import may have changed."""
        db = self.db
        done_change = int(self.meta_value("derived_change") or 0)
        done_rowid = int(self.meta_value("derived_rowid") or 0)
        days = {d for (d,) in db.execute("SELECT DISTINCT day FROM changes WHERE id > ?", (done_change,))}
        # own posts that refer to a post added since: their sessions may now resolve it (CROSS JOIN
        # keeps the posts added since as the outer loop, each looking up its referrers by index;
        # SQLite chose to scan every referring post otherwise: time growing with the archive)
        for column, index in (("reply_to_post_id", "posts_reply_to"), ("retweeted_post_id", "posts_retweeted"),
                              ("quoted_post_id", "posts_quoted")):
            days.update(d for (d,) in db.execute(
                f"SELECT DISTINCT substr(r.created_at, 1, 10) FROM posts n CROSS JOIN posts r INDEXED BY {index} "
                f"ON r.platform = n.platform AND r.{column} = n.post_id WHERE n.rowid > ? AND r.is_context = 0",
                (done_rowid,)))
        windows = []
        for day in sorted(days):
            start = datetime.fromisoformat(day).replace(tzinfo=UTC)
            windows.append((_iso_text(start - gap), _iso_text(start + timedelta(days=1) + gap)))
        return _merge(windows)

    def _closed(self, lo: str, hi: str, gap: timedelta) -> tuple[str, str]:
        """The smallest closed stretch of own posts holding every own post in [lo, hi]."""
        db = self.db
        limit = gap.total_seconds()
        first = db.execute("SELECT min(created_at) FROM posts WHERE is_context = 0 AND created_at >= ? "
                           "AND created_at <= ?", (lo, hi)).fetchone()[0]
        last = db.execute("SELECT max(created_at) FROM posts WHERE is_context = 0 AND created_at >= ? "
                          "AND created_at <= ?", (lo, hi)).fetchone()[0]
        if first is None:
            return lo, hi
        start = first
        for (earlier,) in db.execute("SELECT created_at FROM posts WHERE is_context = 0 AND created_at < ? "
                                     "ORDER BY created_at DESC", (first,)):
            if _epoch(start) - _epoch(earlier) > limit:
                break
            start = earlier
        end = last
        for (later,) in db.execute("SELECT created_at FROM posts WHERE is_context = 0 AND created_at > ? "
                                   "ORDER BY created_at", (last,)):
            if _epoch(later) - _epoch(end) > limit:
                break
            end = later
        return start, end

    def stretches(self, gap: timedelta) -> Iterator[pd.DataFrame]:
        """The archive's posts (context rows included) in closed stretches of time: no session
        found with this ``gap`` crosses from one to the next (chunks of about
        :data:`CHUNK_POSTS` own posts where quiet gaps allow)."""
        for lo, hi in self._all_posts_window():
            for first, last, _n in list(self._chunks(lo, hi, gap)):
                yield self.posts(since=first, until=_after(last), replies=False, context=True)

    def _chunks(self, lo: str, hi: str, gap: timedelta) -> Iterator[tuple[str, str, int]]:
        """``(first, last, posts)`` of chunks of a closed stretch, cut at quiet gaps."""
        limit = gap.total_seconds()
        start = previous = ""
        n = 0
        before: float | None = None  # the time of ``previous`` as a number, once needed
        for (when,) in self.db.execute("SELECT created_at FROM posts WHERE is_context = 0 AND created_at >= ? "
                                       "AND created_at <= ? ORDER BY created_at", (lo, hi)):
            if not start:
                start = when
            elif n >= CHUNK_POSTS:  # long enough to end at a quiet gap: each time read once
                now = _epoch(when)
                if now - (_epoch(previous) if before is None else before) > limit:
                    yield start, previous, n
                    start, n = when, 0
                before = now
            else:
                before = None
            previous = when
            n += 1
        if start:
            yield start, previous, n

    def _sessions_between(self, lo: str, hi: str) -> bool:
        """Whether a stored session starts in [lo, hi] (what :meth:`_clear` would delete)."""
        return self.db.execute("SELECT 1 FROM derived_sessions WHERE start_at >= ? AND start_at <= ? LIMIT 1",
                               (lo, hi)).fetchone() is not None

    def _clear(self, lo: str, hi: str, accounts: set[tuple[str, str]]) -> set[str]:
        """Delete the derived rows of the sessions that start in [lo, hi]; their hashtags (and
        their participants added to ``accounts``)."""
        db = self.db
        rows = db.execute("SELECT id, tag FROM derived_sessions WHERE start_at >= ? AND start_at <= ?",
                          (lo, hi)).fetchall()
        keys = [(k,) for k, _ in rows]
        for key in keys:
            accounts.update(db.execute("SELECT platform, account_id FROM participation WHERE session = ?", key))
        for table, column in (("session_posts", "session"), ("participation", "session"),
                              ("interactions", "session"), ("derived_sessions", "id")):
            db.executemany(f"DELETE FROM {table} WHERE {column} = ?", keys)
        return {t for _, t in rows}

    def _store(self, tables: Any) -> int:
        """Insert one chunk's derived tables; the number of sessions."""
        db = self.db
        sessions = tables.sessions
        if sessions.empty:
            return 0
        key_of: dict[int, int] = {}
        marks = ", ".join("?" * len(_SESSION_FIELDS))
        for row in sessions.to_dict("records"):
            values = {**row, "start_at": _iso(row["start"]), "end_at": _iso(row["end"]),
                      "typical_at": _iso(row["typical"])}
            for field in _JSON_FIELDS:
                values[field] = orjson.dumps(row[field]).decode()
            cur = db.execute(f"INSERT INTO derived_sessions ({', '.join(_SESSION_FIELDS)}) VALUES ({marks})",
                             [_plain(values[f]) for f in _SESSION_FIELDS])
            key_of[int(row["n"])] = int(cur.lastrowid or 0)
        # the rows below are built column by column (plain Python values, no per-cell boxing)
        order = sorted(key_of)
        session_of = dict(zip(order, [key_of[n] for n in order], strict=True))

        def keys(frame: pd.DataFrame) -> list[int]:
            return [session_of[n] for n in frame["n"].to_numpy(dtype="int64").tolist()]

        def column(frame: pd.DataFrame, name: str) -> list[Any]:
            return _plain_values(frame[name])

        members = tables.members
        db.executemany("INSERT INTO session_posts (session, platform, post_id, segment) VALUES (?, ?, ?, ?)",
                       zip(keys(members), column(members, "platform"),
                           [str(i) for i in members["post_id"].to_numpy(object)], column(members, "segment"),
                           strict=True))
        part = tables.participation
        db.executemany(f"INSERT INTO participation (session, {', '.join(_PARTICIPATION_FIELDS)}) "
                       f"VALUES ({', '.join('?' * (len(_PARTICIPATION_FIELDS) + 1))})",
                       zip(keys(part), *(column(part, f) for f in _PARTICIPATION_FIELDS[:-1]),
                           _iso_values(part[_PARTICIPATION_FIELDS[-1]]), strict=True))
        seen = tables.interactions
        db.executemany("INSERT INTO interactions (session, post_id, source, target, type) VALUES (?, ?, ?, ?, ?)",
                       zip(keys(seen), *(column(seen, f) for f in ("post_id", "source", "target", "type")),
                           strict=True))
        return len(key_of)

    def recount_tag_accounts(self, tags: Iterable[str], accounts: Iterable[tuple[str, str]] | None = None) -> None:
        """Recount first and last sessions of every account of these hashtags, or only of these
        ``(platform, account_id)`` accounts: those whose participation changed (a refresh that
        derives one session then costs the same however many sessions the hashtag has)."""
        db = self.db
        if accounts is not None:
            db.execute("CREATE TEMP TABLE IF NOT EXISTS recount (platform TEXT, account_id TEXT, "
                       "PRIMARY KEY (platform, account_id)) WITHOUT ROWID")
            db.execute("DELETE FROM temp.recount")
            db.executemany("INSERT OR IGNORE INTO temp.recount VALUES (?, ?)", accounts)
            for tag in sorted(tags):
                db.execute("DELETE FROM tag_accounts WHERE tag = ? AND (platform, account_id) IN "
                           "(SELECT platform, account_id FROM temp.recount)", (tag,))
                # each account's own participation rows, by index (CROSS JOIN keeps that order)
                db.execute(
                    "INSERT INTO tag_accounts (tag, platform, account_id, first_start, last_start, sessions) "
                    "SELECT s.tag, p.platform, p.account_id, min(s.start_at), max(s.start_at), count(*) "
                    "FROM temp.recount r CROSS JOIN participation p INDEXED BY participation_account "
                    "ON p.platform = r.platform AND p.account_id = r.account_id "
                    "JOIN derived_sessions s ON s.id = p.session WHERE s.tag = ? "
                    "GROUP BY p.platform, p.account_id", (tag,))
            db.execute("DELETE FROM temp.recount")
            return
        for tag in sorted(tags):
            db.execute("DELETE FROM tag_accounts WHERE tag = ?", (tag,))
            db.execute(
                "INSERT INTO tag_accounts (tag, platform, account_id, first_start, last_start, sessions) "
                "SELECT s.tag, p.platform, p.account_id, min(s.start_at), max(s.start_at), count(*) "
                "FROM participation p JOIN derived_sessions s ON s.id = p.session WHERE s.tag = ? "
                "GROUP BY p.platform, p.account_id", (tag,))

    # -- reading them --------------------------------------------------------------------
    def session_rows(self, tag: str | None = None) -> pd.DataFrame:
        """The stored sessions (of one hashtag, any case), in time order.

        Columns: ``key``, ``tag`` (lower case), ``start``, ``end``, ``typical`` (UTC timestamps),
        ``platform``, ``spellings`` (dict), ``hosts``, ``host_ids``, ``questions``, ``shared``
        (lists), ``posts``, ``participants``, ``originals``, ``replies``, ``retweets``, ``quotes``.
        """
        import pandas as pd

        self._fresh()
        sql = f"SELECT id, {', '.join(_SESSION_FIELDS)} FROM derived_sessions"
        params: tuple[Any, ...] = ()
        if tag is not None:
            sql += " WHERE tag = ?"
            params = (tag.lstrip("#").lower(),)
        frame = pd.DataFrame(self.db.execute(sql + " ORDER BY start_at, id", params).fetchall(),
                             columns=["key", *_SESSION_FIELDS])
        for field in _JSON_FIELDS:
            frame[field] = [orjson.loads(v) if v else ([] if field != "spellings" else {}) for v in frame[field]]
        for old, new in (("start_at", "start"), ("end_at", "end"), ("typical_at", "typical")):
            frame[new] = pd.to_datetime(frame.pop(old), utc=True, format="ISO8601")
        return frame

    def session_members(self, keys: Sequence[int]) -> pd.DataFrame:
        """The own posts of stored sessions: ``session`` (key), ``platform``, ``post_id``, ``segment``."""
        import pandas as pd

        rows = self._of_sessions(
            "SELECT m.session, m.platform, m.post_id, m.segment FROM session_posts m JOIN posts p "
            "ON p.platform = m.platform AND p.post_id = m.post_id WHERE m.session IN ({keys}) "
            "ORDER BY m.session, p.created_at, m.post_id", keys)
        return pd.DataFrame(rows, columns=["session", "platform", "post_id", "segment"])

    def member_sessions(self, keys: Iterable[tuple[str, str]]) -> list[tuple[str, str, int]]:
        """``(platform, post_id, session key)`` for each stored session these ``(platform,
        post_id)`` posts are own posts of (a post of two hashtags' sessions: two rows), by index."""
        self._fresh()
        by_platform: dict[str, list[str]] = {}
        for platform, post_id in keys:
            by_platform.setdefault(str(platform), []).append(str(post_id))
        rows: list[tuple[str, str, int]] = []
        for platform, ids in by_platform.items():
            for chunk in _chunked(ids):
                rows += self.db.execute("SELECT platform, post_id, session FROM session_posts WHERE platform = ? "
                                        f"AND post_id IN ({_marks(chunk)})", [platform, *chunk]).fetchall()
        return rows

    def session_post_keys(self, key: int) -> list[tuple[str, str]]:
        """The ``(platform, post_id)`` keys of one stored session's own posts."""
        self._fresh()
        return [(str(p), str(i)) for p, i in
                self.db.execute("SELECT platform, post_id FROM session_posts WHERE session = ?", (key,))]

    def participation(self, keys: Sequence[int], *, followers: bool = True) -> pd.DataFrame:
        """Participation rows of stored sessions (in session and account order), with each
        account's first and last session of the hashtag (``first_start``, ``last_start``) and,
        with ``followers``, its newest ``followers`` count."""
        import pandas as pd

        columns = ["session", *_PARTICIPATION_FIELDS, "first_start", "last_start", "followers"]
        count = ("a.followers FROM participation p LEFT JOIN accounts a ON a.platform = p.platform "
                 "AND a.account_id = p.account_id") if followers else "NULL FROM participation p"
        rows = self._of_sessions(
            f"SELECT p.session, {', '.join('p.' + f for f in _PARTICIPATION_FIELDS)}, t.first_start, "
            f"t.last_start, {count} JOIN derived_sessions s ON s.id = p.session "
            "LEFT JOIN tag_accounts t ON t.tag = s.tag AND t.platform = p.platform AND t.account_id = p.account_id "
            "WHERE p.session IN ({keys}) ORDER BY p.session, p.platform, p.account_id", keys)
        frame = pd.DataFrame(rows, columns=columns)
        frame["welcomed"] = frame["welcomed"].astype(bool)
        for column in ("first_post", "first_start", "last_start"):
            frame[column] = pd.to_datetime(frame[column], utc=True, format="ISO8601")
        return frame

    def platform_posts(self, keys: Sequence[int]) -> dict[int, dict[str, int]]:
        """Posts per platform of stored sessions, ``{session: {platform: posts}}``, counted in the
        database (a listing of hundreds of sessions reads a few rows each, not their participants)."""
        found: dict[int, dict[str, int]] = {}
        for key, platform, posts in self._of_sessions(
                "SELECT session, platform, sum(posts) FROM participation WHERE session IN ({keys}) "
                "GROUP BY session, platform", keys):
            found.setdefault(int(key), {})[str(platform)] = int(posts or 0)
        return found

    def attendance(self, keys: Sequence[int]) -> pd.DataFrame:
        """Who took part in stored sessions: ``session``, ``platform``, ``account_id``, ``handle``
        and ``welcomed``, in session and account order — the part of :meth:`participation` a
        chat's community history is made of, read without joining other tables."""
        import pandas as pd

        rows = self._of_sessions("SELECT session, platform, account_id, handle, welcomed FROM participation "
                                 "WHERE session IN ({keys}) ORDER BY session, platform, account_id", keys)
        frame = pd.DataFrame(rows, columns=["session", "platform", "account_id", "handle", "welcomed"])
        frame["welcomed"] = frame["welcomed"].astype(bool)
        return frame

    def interactions(self, keys: Sequence[int]) -> pd.DataFrame:
        """Interaction rows of stored sessions: ``session``, ``post_id``, ``source``, ``target``, ``type``."""
        import pandas as pd

        rows = self._of_sessions("SELECT session, post_id, source, target, type FROM interactions "
                                 "WHERE session IN ({keys}) ORDER BY rowid", keys)
        return pd.DataFrame(rows, columns=["session", "post_id", "source", "target", "type"])

    def _of_sessions(self, sql: str, keys: Sequence[int]) -> list[tuple[Any, ...]]:
        """The rows of a query over stored sessions (fresh ones only), its ``{keys}`` standing for
        the session keys, asked 500 at a time."""
        self._fresh()
        rows: list[tuple[Any, ...]] = []
        for chunk in _chunked(list(keys)):
            rows += self.db.execute(sql.format(keys=_marks(chunk)), chunk).fetchall()
        return rows

    def tag_post_counts(self, tags: Iterable[str] | None = None) -> dict[str, int]:
        """Own posts carrying each hashtag (lower case; all hashtags when none are given)."""
        if tags is None:
            return dict(self.db.execute("SELECT tag, posts FROM tag_counts"))
        wanted = [t.lstrip("#").lower() for t in tags]
        out = dict.fromkeys(wanted, 0)
        for chunk in _chunked(wanted):
            out.update(self.db.execute(f"SELECT tag, posts FROM tag_counts WHERE tag IN ({_marks(chunk)})", chunk))
        return out


def _plain(value: Any) -> Any:
    """numpy scalars as Python values, NaN/NA as None (for sqlite3)."""
    if value is None:
        return None
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        value = value.item()
    if isinstance(value, float) and value != value:
        return None
    if type(value).__name__ in ("NAType", "NaTType"):
        return None
    return value


def _plain_values(values: pd.Series) -> list[Any]:
    """A column as plain Python values for sqlite3, missing ones as ``None`` (what :func:`_plain`
    makes of each cell, for a whole column at once)."""
    import numpy as np

    if isinstance(values.dtype, np.dtype) and values.dtype.kind in "biu":  # numpy: no missing values
        out: list[Any] = values.to_numpy().tolist()
        return out
    return [v if v is None or type(v) is str else _plain(v) for v in values.to_numpy(dtype=object, na_value=None)]


def _iso_values(values: pd.Series) -> list[str | None]:
    """A column of times as the archive's ISO UTC text (what :func:`_iso` makes of each cell)."""
    import pandas as pd

    if isinstance(values.dtype, pd.DatetimeTZDtype) or values.dtype.kind == "M":
        times = values.dt.tz_convert("UTC") if isinstance(values.dtype, pd.DatetimeTZDtype) else values
        text = times.dt.strftime("%Y-%m-%dT%H:%M:%S.%f").to_numpy(dtype=object, na_value=None)
        return [None if t is None else t[:23] + "Z" for t in text]
    return [_iso(v) for v in values.to_numpy(dtype=object, na_value=None)]


def _iso_text(value: datetime) -> str:
    return _iso(value) or ""


def _after(iso: str) -> str:
    """The first millisecond after an ISO time (an exclusive upper bound)."""
    return _iso_text(datetime.fromisoformat(iso) + timedelta(milliseconds=1))


def _give_back_memory() -> bool:
    """Hand the memory freed so far back to the system (glibc's ``malloc_trim``); whether it could.

    Deriving a stretch frees most of what it took, but the C allocator keeps the freed pieces
    for later and reading the next stretch takes fresh ones: without this the importing process
    grew by about 13 MB (5 %) over the stretches of 200,000 posts. Elsewhere than glibc, nothing.

    Examples
    --------
    >>> _give_back_memory() in (True, False)
    True
    """
    global _trim
    if _trim is None:
        import ctypes

        try:
            _trim = ctypes.CDLL(None).malloc_trim  # (the C library this Python runs with)
        except (OSError, AttributeError, TypeError):  # not glibc
            _trim = False
    if _trim is False:
        return False
    _trim(0)
    return True


#: glibc's ``malloc_trim`` once looked up (``False``: there is none), see :func:`_give_back_memory`
_trim: Any = None


@contextmanager
def _arrow_from_c_library() -> Iterator[None]:
    """Within: Arrow takes its memory from the C library's allocator, so that what each stretch
    frees is handed back too (:func:`_give_back_memory`); the pool in force before is put back after.

    pandas 3 keeps text columns in Arrow, whose own pool (mimalloc) keeps the memory it frees for
    itself: the importing process held 30–40 MB more at 200,000 posts (peak 258–265 MB against
    221–229 MB) and 16 MB more at 20,000 (169–170 against 153 MB), in the same time. Buffers made
    before keep their pool, and a forked child deriving beside this process inherits the setting.
    Without Arrow loaded (pandas without pyarrow), nothing.

    Examples
    --------
    >>> import pyarrow as pa
    >>> before = pa.default_memory_pool().backend_name
    >>> with _arrow_from_c_library():
    ...     pa.default_memory_pool().backend_name
    'system'
    >>> pa.default_memory_pool().backend_name == before
    True
    """
    arrow = sys.modules.get("pyarrow")  # loaded by pandas when installed; not imported here
    if arrow is None:
        yield
        return
    before = arrow.default_memory_pool()
    arrow.set_memory_pool(arrow.system_memory_pool())
    try:
        yield
    finally:
        arrow.set_memory_pool(before)


def _merge(windows: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """Overlapping or touching [lo, hi] windows merged, in order."""
    out: list[tuple[str, str]] = []
    for lo, hi in sorted(windows):
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


def _chunked(values: list[Any], size: int = 500) -> Iterator[list[Any]]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _marks(values: Sequence[Any]) -> str:
    return ", ".join("?" * len(values))
