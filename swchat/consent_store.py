"""The archive's consent registry: who opted out, and which accounts were forgotten.

Social workers ask before they quote someone, and people leave chats and ask to be forgotten.
The archive keeps both, so that every command, export and notebook honours them without a file
to remember:

- ``optouts`` — one row per opt-out entry as :func:`swchat.schema.account_entry` writes it (a
  handle such as ``ann``, ``ann@social.coop`` or ``ann.bsky.social``, or an account id), with
  the reason given and when. An entry is matched against the accounts and posts when a selection
  is made (:meth:`ConsentStore.opted_out_accounts`), so an opt-out recorded before the person's
  posts were imported still applies to them;
- ``forgotten`` — the ``(platform, account_id)`` of accounts whose data was deleted with
  ``swchat forget``: only the ids, never their data, so that importing an old export again does
  not bring them back.

This module holds the SQL; :class:`swchat.privacy.Privacy` applies the policy to a chat, and
:class:`swchat.Archive` applies it wherever a selection is made.

**Forgetting** (:meth:`ConsentStore.forget`) deletes an account's data from the archive in one
transaction and then rewrites the file (``VACUUM``), so that no byte of it is left:

- their posts, and the context copies of their posts that others' exports carried, with their
  hashtag rows;
- their account snapshots, and the rejected records that name them;
- the raw records of their posts; and, since others' raw records can carry their data too, every
  raw record of **another person's post that replies to, quotes or retweets one of their posts, or
  names them** (their account id, or their handle written as ``@handle`` or as a field of its
  own) — an X v1.1 retweet embeds the whole retweeted tweet and its author's profile, a flattened
  v2 line its ``in_reply_to_user``, a Mastodon boost or a Bluesky quote the boosted or quoted post.
  Those posts keep their canonical row (what they said, when, to whom), so every analysis of the
  others is unchanged; only :meth:`~swchat.archive.Archive.raw` returns ``None`` for them. A raw
  block holding such records is rewritten without them (every raw block is read for this, so a
  record left behind when a context post was later imported as a post is found too);
- the text of others' **retweets of their posts**, which is the retweeted text: it is emptied,
  with the links it held, and the retweet keeps only its first mention (who was retweeted) and its
  hashtags, so it still counts as a retweet in the chat it belongs to.

What others wrote to or about them stays (a reply's own text, its ``reply_to_handle``):
:class:`swchat.privacy.Privacy` hides a forgotten account wherever others mention it. The session
tables are told which days changed, so the next refresh derives them again.

Examples
--------
>>> import tempfile, pathlib
>>> from swchat.archive import Archive
>>> with Archive(pathlib.Path(tempfile.mkdtemp()) / "x.db") as archive:
...     archive.add_optouts(["@Ann", "https://x.com/bob"], reason="asked by DM")
...     [row["entry"] for row in archive.optouts()]
2
['ann', 'bob']
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import orjson

from . import raw_blocks
from .database import Database
from .errors import ArchiveError, SelectionError
from .schema import account_entry, iso_utc

__all__ = ["CONSENT_DDL", "ConsentStore", "Naming", "naming_pattern"]

CONSENT_DDL = """
CREATE TABLE IF NOT EXISTS optouts (
    entry TEXT PRIMARY KEY,
    reason TEXT,
    added_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS forgotten (
    platform TEXT NOT NULL,
    account_id TEXT NOT NULL,
    forgotten_at TEXT NOT NULL,
    PRIMARY KEY (platform, account_id)
);
"""


class ConsentStore(Database):
    """The consent registry of an archive (mixed into :class:`swchat.archive.Archive`)."""

    db: sqlite3.Connection
    recount_tag_accounts: Callable[[Iterable[str]], None]  # from the session store

    def add_optouts(self, accounts: Iterable[str], *, reason: str | None = None) -> int:
        """Record that these accounts opted out (handles, ``@user@host``, links or account ids).

        An entry already listed keeps its date; a new ``reason`` replaces the old one.

        Returns
        -------
        int
            How many entries were not listed before.
        """
        entries = [e for e in dict.fromkeys(account_entry(str(a)) for a in accounts) if e]
        now = iso_utc(datetime.now(UTC))
        before = self._optout_count()
        with self._writing():
            self.db.executemany(
                "INSERT INTO optouts (entry, reason, added_at) VALUES (?, ?, ?) ON CONFLICT (entry) DO UPDATE "
                "SET reason = coalesce(excluded.reason, optouts.reason)", [(e, reason, now) for e in entries])
        return self._optout_count() - before

    def remove_optouts(self, accounts: Iterable[str]) -> int:
        """Take entries off the opt-out list (written as they were added, or any equivalent form).

        Returns
        -------
        int
            How many entries were removed.
        """
        entries = [e for e in dict.fromkeys(account_entry(str(a)) for a in accounts) if e]
        before = self._optout_count()
        with self._writing():
            self.db.executemany("DELETE FROM optouts WHERE entry = ?", [(e,) for e in entries])
        return before - self._optout_count()

    def optouts(self) -> list[dict[str, Any]]:
        """The opt-out list: ``entry``, ``reason``, ``added_at`` (ISO UTC), and ``accounts``
        (``platform:account_id`` of the archived accounts it matches), in the order added."""
        matched: dict[str, list[str]] = {}
        for entry, platform, account_id in self._matches(posts=True):
            matched.setdefault(entry, []).append(f"{platform}:{account_id}")
        return [{"entry": e, "reason": r, "added_at": t, "accounts": sorted(set(matched.get(e, [])))}
                for e, r, t in self.db.execute("SELECT entry, reason, added_at FROM optouts ORDER BY added_at, entry")]

    def optout_entries(self) -> list[str]:
        """The opt-out entries, and the ids of forgotten accounts (what a privacy policy leaves out)."""
        entries = [e for (e,) in self.db.execute("SELECT entry FROM optouts ORDER BY entry")]
        entries += [a for (a,) in self.db.execute("SELECT account_id FROM forgotten ORDER BY account_id")]
        return entries

    def opted_out_accounts(self, *, posts: bool = False) -> set[tuple[str, str]]:
        """``(platform, account_id)`` of every archived account an opt-out entry names, and of
        every forgotten account.

        Entries are matched against the account snapshots (by id, and by handle in any case);
        with ``posts``, also against the authors of posts (a full pass over the posts: for
        counts over the whole archive, not for one session).
        """
        entries = [e for (e,) in self.db.execute("SELECT entry FROM optouts")]
        found = {(p, a) for _e, p, a in self._matches(entries, posts=posts)}
        return found | self.forgotten_accounts()

    def _accounts_named(self, entries: Iterable[str], *, posts: bool = True) -> set[tuple[str, str]]:
        """``(platform, account_id)`` of the archived accounts these entries name (as
        :meth:`opted_out_accounts` matches them)."""
        return {(p, a) for _e, p, a in self._matches(list(entries), posts=posts)}

    def post_ids_by(self, accounts: Iterable[tuple[str, str]]) -> set[str]:
        """The ids of the posts these ``(platform, account_id)`` accounts wrote."""
        found: set[str] = set()
        for platform, account_id in accounts:
            found.update(p for (p,) in self.db.execute(
                "SELECT post_id FROM posts WHERE platform = ? AND author_id = ?", (platform, account_id)))
        return found

    def session_counts_of(self, keys: Sequence[int], accounts: Iterable[tuple[str, str]]) -> dict[int, tuple[int, int]]:
        """How many posts, and participation rows (0 or 1 each), these ``(platform, account_id)``
        accounts have in these stored sessions: ``{session key: (posts, participants)}``, for
        session listings that leave opted-out accounts out."""
        accounts = sorted(set(accounts))
        keys = [int(k) for k in keys]
        if not keys or not accounts:
            return {}
        db = self.db
        db.execute("CREATE TEMP TABLE IF NOT EXISTS consent_accounts (platform TEXT, account_id TEXT, "
                   "PRIMARY KEY (platform, account_id))")
        db.execute("DELETE FROM temp.consent_accounts")
        db.executemany("INSERT OR IGNORE INTO temp.consent_accounts VALUES (?, ?)", accounts)
        marks = ", ".join("?" * len(keys))
        posts = dict(db.execute(
            "SELECT m.session, count(*) FROM session_posts m JOIN posts p ON p.platform = m.platform "
            "AND p.post_id = m.post_id JOIN temp.consent_accounts e ON e.platform = p.platform "
            f"AND e.account_id = p.author_id WHERE m.session IN ({marks}) GROUP BY m.session", keys).fetchall())
        people = dict(db.execute(
            "SELECT pa.session, count(*) FROM participation pa JOIN temp.consent_accounts e "
            f"ON e.platform = pa.platform AND e.account_id = pa.account_id WHERE pa.session IN ({marks}) "
            "GROUP BY pa.session", keys).fetchall())
        return {k: (int(posts.get(k, 0)), int(people.get(k, 0))) for k in set(posts) | set(people)}

    def forgotten_accounts(self) -> set[tuple[str, str]]:
        """``(platform, account_id)`` of the accounts whose data was deleted (``swchat forget``)."""
        return {(p, a) for p, a in self.db.execute("SELECT platform, account_id FROM forgotten")}

    # -- forgetting ----------------------------------------------------------------------
    def accounts_to_forget(self, accounts: Iterable[str]) -> list[dict[str, Any]]:
        """The archived accounts these entries name: a handle in any case, ``@user@host``, a profile
        link or an account id, looked up in the account snapshots, the posts (their authors, and
        the replied-to accounts of replies) and the forgotten accounts.

        Parameters
        ----------
        accounts : iterable of str
            The entries, as a person writes them.

        Returns
        -------
        list of dict
            One per entry and account, in entry order: ``entry`` (as
            :func:`~swchat.schema.account_entry` writes it), ``platform``, ``account_id``,
            ``handles`` (every handle the archive has for it, lower case), ``posts`` and
            ``context_posts`` (theirs in the archive), ``forgotten`` (whether already forgotten).

        Raises
        ------
        SelectionError
            When an entry names no archived account.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> from swchat.archive import Archive
        >>> with Archive(pathlib.Path(tempfile.mkdtemp()) / "x.db") as archive:
        ...     archive.accounts_to_forget(["@nobody"])
        Traceback (most recent call last):
        ...
        swchat.errors.SelectionError: no archived account is named 'nobody' (a handle, @user@host, profile link or account id)
        """
        given = [str(a) for a in accounts]
        if not given:
            raise SelectionError("name at least one account (a handle, @user@host, profile link or account id)")
        entries = list(dict.fromkeys(account_entry(a) for a in given))
        if "" in entries:
            raise SelectionError("an empty entry names no account")
        gone = self.forgotten_accounts()
        found: list[dict[str, Any]] = []
        unknown: list[str] = []
        for entry in entries:
            keys = sorted({(p, a) for p, a in self.db.execute(_NAMED, (entry,)) if p and a})
            if not keys:
                unknown.append(entry)
            for platform, account_id in keys:
                handles = sorted({h for (h,) in self.db.execute(_HANDLES, (platform, account_id)) if h})
                posts = self._their_posts(platform, account_id, handles)
                context = sum(1 for row in posts if row[1])
                found.append({"entry": entry, "platform": platform, "account_id": account_id, "handles": handles,
                              "posts": len(posts) - context, "context_posts": context,
                              "forgotten": (platform, account_id) in gone})
        if unknown:
            names = ", ".join(repr(e) for e in unknown)
            raise SelectionError(f"no archived account is named {names} "
                                 "(a handle, @user@host, profile link or account id)")
        return found

    def forget(self, accounts: Iterable[str]) -> dict[str, Any]:
        """Delete every trace of these accounts' data from the archive, and remember their ids.

        In one transaction (rolled back whole if anything fails): their posts and the context
        copies of their posts, their raw records and the raw records of others' posts that carry
        their data (see the module notes), the text of others' retweets of their posts, their
        account snapshots, the rejected records naming them; the days of the changed posts are
        recorded, so the next refresh of the session tables derives them again; their
        ``(platform, account_id)`` goes into ``forgotten``, so that a later import skips them.
        Then the file is rewritten (``VACUUM``) and the write-ahead log emptied, so the deleted
        bytes are gone from the disk copy too. Forgetting an account again only does that last step.

        Parameters
        ----------
        accounts : iterable of str
            Handles (any case), ``@user@host``, profile links or account ids; see
            :meth:`accounts_to_forget`.

        Returns
        -------
        dict
            ``forgotten`` (``platform:account_id`` of each account), and the counts of what was
            removed: ``posts`` (their own), ``context_posts`` (copies of theirs), ``raw_records``
            (all raw records removed), ``raw_records_of_others`` (of those, records of other
            people's posts, which keep their canonical row), ``raw_blocks_rewritten``,
            ``retweets_cleared`` (others' retweets of their posts, text emptied), ``accounts``
            (snapshots) and ``rejected_lines``.

        Raises
        ------
        SelectionError
            When an entry names no archived account (nothing is changed).
        ArchiveError
            When the file could not be rewritten afterwards (another program holds it open): the
            data is deleted, but its bytes may linger until ``forget`` runs again.

        Examples
        --------
        >>> import orjson, tempfile, pathlib
        >>> from swchat.archive import Archive
        >>> tmp = pathlib.Path(tempfile.mkdtemp())
        >>> page = {"data": [{"id": "1", "text": "Q1: hello #SWChat", "author_id": "9",
        ...                   "created_at": "2026-09-02T19:00:00.000Z"},
        ...                  {"id": "2", "text": "A1: my secret answer #SWChat", "author_id": "8",
        ...                   "created_at": "2026-09-02T19:01:00.000Z"}],
        ...         "includes": {"users": [{"id": "9", "username": "host"}, {"id": "8", "username": "Ann"}]}}
        >>> _ = (tmp / "page.jsonl").write_bytes(orjson.dumps(page) + b"\\n")
        >>> with Archive(tmp / "a.db") as archive:
        ...     _ = archive.ingest([tmp / "page.jsonl"])
        ...     done = archive.forget(["@ann"])
        ...     again = archive.ingest([tmp / "page.jsonl"]).files[0]
        >>> done["forgotten"], done["posts"], done["raw_records"], done["accounts"]
        (['x:8'], 1, 1, 1)
        >>> again.added, again.duplicates, again.forgotten
        (0, 1, 1)
        >>> b"secret answer" in (tmp / "a.db").read_bytes()
        False
        """
        named = self.accounts_to_forget(accounts)
        handles: dict[tuple[str, str], set[str]] = {}
        for match in named:
            handles.setdefault((match["platform"], match["account_id"]), set()).update(match["handles"])
        db = self.db
        secure = int(db.execute("PRAGMA secure_delete").fetchone()[0])
        db.execute("PRAGMA secure_delete = ON")  # freed pages are zeroed as they are written
        try:
            with self._writing():
                done = self._forget(handles)
        finally:
            db.execute(f"PRAGMA secure_delete = {secure}")
        self._compact([a for _p, a in sorted(handles)])
        return done

    def _forget(self, handles: dict[tuple[str, str], set[str]]) -> dict[str, Any]:
        """The deletions of :meth:`forget`, inside its transaction."""
        db = self.db
        keys = sorted(handles)
        every_handle = sorted({h for found in handles.values() for h in found})
        naming = Naming([a for _p, a in keys], every_handle)
        days: set[str] = set()
        theirs: set[tuple[str, str]] = set()
        own = context = 0
        for platform, account_id in keys:
            for post_id, is_context, created_at, _block, _index in self._their_posts(
                    platform, account_id, sorted(handles[(platform, account_id)])):
                theirs.add((platform, post_id))
                if is_context:
                    context += 1
                else:
                    own += 1
                    days.add(created_at[:10])
        for table in ("forget_posts", "forget_others"):
            db.execute(f"CREATE TEMP TABLE IF NOT EXISTS {table} (platform TEXT NOT NULL, post_id TEXT NOT NULL, "
                       "PRIMARY KEY (platform, post_id)) WITHOUT ROWID")
            db.execute(f"DELETE FROM temp.{table}")
        db.execute("CREATE TEMP TABLE IF NOT EXISTS forget_blocks (id INTEGER PRIMARY KEY)")
        db.execute("DELETE FROM temp.forget_blocks")
        db.executemany("INSERT INTO temp.forget_posts (platform, post_id) VALUES (?, ?)", sorted(theirs))

        # others' posts that reply to, quote or retweet theirs, or reply to them; others' retweets of theirs
        others: dict[tuple[str, str], tuple[str, int]] = {}
        for column in ("reply_to_post_id", "quoted_post_id", "retweeted_post_id"):
            for platform, post_id, created_at, is_context in db.execute(
                    "SELECT p.platform, p.post_id, p.created_at, p.is_context FROM temp.forget_posts f JOIN posts p "
                    f"ON p.platform = f.platform AND p.{column} = f.post_id").fetchall():
                others[(platform, post_id)] = (created_at, is_context)
        for platform, account_id in keys:
            for post_id, created_at, is_context in db.execute(
                    "SELECT post_id, created_at, is_context FROM posts WHERE platform = ? AND reply_to_author_id = ?",
                    (platform, account_id)).fetchall():
                others[(platform, post_id)] = (created_at, is_context)
        retweets = self._retweets_of(every_handle)
        for platform, post_id, created_at, is_context, _mentions in retweets:
            others[(platform, post_id)] = (created_at, is_context)
        for key in theirs:
            others.pop(key, None)
        retweets = [r for r in retweets if (r[0], r[1]) not in theirs]
        if theirs or retweets:  # the sessions of the posts referring to theirs may change
            days.update(created_at[:10] for created_at, is_context in others.values() if not is_context)
        db.executemany("INSERT INTO temp.forget_others (platform, post_id) VALUES (?, ?)", sorted(others))

        self._forget_sessions()
        raw = self._forget_raw(theirs, set(others), naming)

        for tag, n in db.execute(
                "SELECT h.tag, count(*) FROM temp.forget_posts f JOIN posts p ON p.platform = f.platform "
                "AND p.post_id = f.post_id JOIN post_hashtags h ON h.platform = p.platform AND h.post_id = p.post_id "
                "WHERE p.is_context = 0 GROUP BY h.tag").fetchall():
            db.execute("UPDATE tag_counts SET posts = max(posts - ?, 0) WHERE tag = ?", (n, tag))
        db.execute("DELETE FROM post_hashtags WHERE (platform, post_id) IN "
                   "(SELECT platform, post_id FROM temp.forget_posts)")
        db.execute("DELETE FROM posts WHERE (platform, post_id) IN (SELECT platform, post_id FROM temp.forget_posts)")
        db.executemany(
            "UPDATE posts SET text = '', urls = '[]', mentions = ? WHERE platform = ? AND post_id = ?",
            [(orjson.dumps(mentions[:1]).decode(), platform, post_id)
             for platform, post_id, _c, _x, mentions in retweets])
        accounts = 0
        for platform, account_id in keys:
            accounts += db.execute("DELETE FROM accounts WHERE platform = ? AND account_id = ?",
                                   (platform, account_id)).rowcount
        rejected = self._forget_rejected(naming)
        if days:
            db.executemany("INSERT INTO changes (day) VALUES (?)", [(d,) for d in sorted(days)])
        now = iso_utc(datetime.now(UTC))
        db.executemany("INSERT INTO forgotten (platform, account_id, forgotten_at) VALUES (?, ?, ?) "
                       "ON CONFLICT (platform, account_id) DO NOTHING", [(p, a, now) for p, a in keys])
        for table in ("forget_posts", "forget_others", "forget_blocks"):
            db.execute(f"DROP TABLE temp.{table}")
        return {"forgotten": [f"{p}:{a}" for p, a in keys], "posts": own, "context_posts": context, **raw,
                "retweets_cleared": len(retweets), "accounts": accounts, "rejected_lines": rejected}

    def _their_posts(self, platform: str, account_id: str, handles: list[str]) -> list[tuple[Any, ...]]:
        """``(post_id, is_context, created_at, raw_block, raw_index)`` of an account's posts (and
        of posts without an author id under one of its handles)."""
        marks = ", ".join("?" * len(handles))
        by_handle = f" OR (author_id IS NULL AND lower(author_handle) IN ({marks}))" if handles else ""
        return self.db.execute(
            "SELECT post_id, is_context, created_at, raw_block, raw_index FROM posts "
            f"WHERE platform = ? AND (author_id = ?{by_handle})", (platform, account_id, *handles)).fetchall()

    def _retweets_of(self, handles: list[str]) -> list[tuple[str, str, str, int, list[Any]]]:
        """``(platform, post_id, created_at, is_context, mentions)`` of the retweets of the posts in
        ``temp.forget_posts`` or of an account with one of ``handles`` (their first mention, or
        text starting ``RT @handle:``)."""
        clauses = ["EXISTS (SELECT 1 FROM temp.forget_posts f WHERE f.platform = p.platform "
                   "AND f.post_id = p.retweeted_post_id)"]
        params: list[Any] = []
        if handles:
            marks = ", ".join("?" * len(handles))
            clauses.append(f"lower(json_extract(p.mentions, '$[0]')) IN ({marks})")
            clauses.append(f"lower(substr(p.text, 1, instr(p.text, ':'))) IN ({marks})")
            params += [*handles, *(f"rt @{h}:" for h in handles)]
        rows = self.db.execute(
            "SELECT p.platform, p.post_id, p.created_at, p.is_context, p.mentions FROM posts p "
            f"WHERE p.kind = 'retweet' AND ({' OR '.join(clauses)}) "
            "AND (coalesce(p.text, '') != '' OR p.urls != '[]' OR json_array_length(p.mentions) > 1)",
            params).fetchall()
        return [(p, i, c, x, orjson.loads(m) if m else []) for p, i, c, x, m in rows]

    def _forget_sessions(self) -> None:
        """Delete the derived rows of the sessions holding a post of ``temp.forget_posts`` and
        recount their hashtags' accounts; the next refresh derives their days again (a session
        that began with a forgotten post would otherwise be missed when its time is cleared)."""
        db = self.db
        sessions = [(s,) for (s,) in db.execute(
            "SELECT DISTINCT m.session FROM temp.forget_posts f JOIN session_posts m "
            "ON m.platform = f.platform AND m.post_id = f.post_id").fetchall()]
        if not sessions:
            return
        tags: set[str] = set()
        for (session,) in sessions:
            tags.update(t for (t,) in db.execute("SELECT tag FROM derived_sessions WHERE id = ?", (session,)))
        for table, column in (("session_posts", "session"), ("participation", "session"),
                              ("interactions", "session"), ("derived_sessions", "id")):
            db.executemany(f"DELETE FROM {table} WHERE {column} = ?", sessions)
        self.recount_tag_accounts(tags)  # as the session store does after a refresh

    def _forget_raw(self, theirs: set[tuple[str, str]], others: set[tuple[str, str]],
                    naming: Naming) -> dict[str, int]:
        """Rewrite the raw blocks without the records of ``theirs`` and ``others`` and without
        every record that ``naming`` finds (it names a forgotten account); the posts whose record
        went lose their pointer, the others of those blocks are renumbered."""
        db = self.db
        db.execute("INSERT OR IGNORE INTO temp.forget_blocks (id) SELECT p.raw_block FROM temp.forget_posts f "
                   "JOIN posts p ON p.platform = f.platform AND p.post_id = f.post_id WHERE p.raw_block IS NOT NULL")
        db.execute("INSERT OR IGNORE INTO temp.forget_blocks (id) SELECT p.raw_block FROM temp.forget_others f "
                   "JOIN posts p ON p.platform = f.platform AND p.post_id = f.post_id WHERE p.raw_block IS NOT NULL")
        if naming:  # every block is read: a record can name them whoever's post it is, or nobody's
            found = []
            for block_id, data in db.execute("SELECT id, data FROM raw_blocks"):
                if naming.anywhere(raw_blocks.unpack(data)):
                    found.append((block_id,))
            db.executemany("INSERT OR IGNORE INTO temp.forget_blocks (id) VALUES (?)", found)
        owners: dict[int, dict[int, list[tuple[str, str]]]] = {}
        for block_id, index, platform, post_id in db.execute(
                "SELECT raw_block, raw_index, platform, post_id FROM posts "
                "WHERE raw_block IN (SELECT id FROM temp.forget_blocks)").fetchall():
            owners.setdefault(block_id, {}).setdefault(index, []).append((platform, post_id))
        removed = removed_of_others = rewritten = 0
        blocks = [b for (b,) in db.execute("SELECT id FROM temp.forget_blocks ORDER BY id").fetchall()]
        for block_id in blocks:
            data = db.execute("SELECT data FROM raw_blocks WHERE id = ?", (block_id,)).fetchone()[0]
            records = raw_blocks.unpack(data).split(b"\n")
            of_block = owners.get(block_id, {})
            kept: list[bytes] = []
            cleared: list[tuple[str, str]] = []
            moved: list[tuple[int, str, str]] = []
            for index, record in enumerate(records):
                posts = of_block.get(index, [])
                if (any(key in theirs or key in others for key in posts)
                        or naming.names(record)):
                    removed += 1
                    removed_of_others += any(key not in theirs for key in posts)
                    cleared += posts
                    continue
                if len(kept) != index:
                    moved += [(len(kept), platform, post_id) for platform, post_id in posts]
                kept.append(record)
            if len(kept) == len(records):
                continue
            rewritten += 1
            db.executemany("UPDATE posts SET raw_block = NULL, raw_index = NULL WHERE platform = ? AND post_id = ?",
                           cleared)
            db.executemany("UPDATE posts SET raw_index = ? WHERE platform = ? AND post_id = ?", moved)
            if kept:
                db.execute("UPDATE raw_blocks SET data = ? WHERE id = ?",
                           (raw_blocks.pack(b"\n".join(kept)), block_id))
            else:
                db.execute("DELETE FROM raw_blocks WHERE id = ?", (block_id,))
        return {"raw_records": removed, "raw_records_of_others": removed_of_others, "raw_blocks_rewritten": rewritten}

    def _forget_rejected(self, naming: Naming) -> int:
        """Delete the rejected records that name a forgotten account; how many."""
        if not naming:
            return 0
        db = self.db
        gone = []
        for row_id, raw in db.execute("SELECT id, raw FROM rejected WHERE raw IS NOT NULL"):
            if naming.names(raw.encode("utf-8", "replace")):
                gone.append((row_id,))
        db.executemany("DELETE FROM rejected WHERE id = ?", gone)
        return len(gone)

    def _compact(self, ids: list[str]) -> None:
        """Rewrite the file without its free pages (``VACUUM``) and empty the write-ahead log."""
        self.settle()  # a copy of the log into the file still under way (see Database.commit)
        try:
            self.db.execute("VACUUM")
            busy = self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
        except sqlite3.OperationalError as exc:
            reason = str(exc)
        else:
            if not busy:
                return
            reason = "another program is reading it"
        path = getattr(self, "path", "the archive")
        raise ArchiveError(f"the accounts were forgotten, but {path} could not be rewritten ({reason}), so their "
                           f"deleted data may linger in the file: close other programs using it and run "
                           f"`swchat forget {' '.join(ids)}` again")

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """One transaction: committed when the block ends, rolled back when it raises
        (:meth:`~swchat.database.Database.write_transaction`: waits for another writer)."""
        with self.write_transaction():
            yield

    def _optout_count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM optouts").fetchone()[0])

    def _matches(self, entries: list[str] | None = None, *, posts: bool = False) -> list[tuple[str, str, str]]:
        """``(entry, platform, account_id)`` for each archived account an entry (default: each
        opt-out entry) names by id or handle: account snapshots, and post authors with ``posts``."""
        if entries is None:
            entries = [e for (e,) in self.db.execute("SELECT entry FROM optouts")]
        if not entries:
            return []
        named = f"WITH named(entry) AS (VALUES {', '.join(['(?)'] * len(entries))}) "
        sql = (named + "SELECT n.entry, a.platform, a.account_id FROM named n JOIN accounts a ON a.account_id = n.entry "
               "UNION SELECT n.entry, a.platform, a.account_id FROM named n JOIN accounts a "
               "ON a.handle = n.entry COLLATE NOCASE")
        if posts:
            sql += (" UNION SELECT n.entry, p.platform, p.author_id FROM posts p JOIN named n "
                    "ON p.author_id = n.entry OR lower(p.author_handle) = n.entry WHERE p.author_id IS NOT NULL")
        return sorted(self.db.execute(sql, entries).fetchall())


#: Who an entry names: account snapshots, authors, replied-to accounts, forgotten accounts.
_NAMED = (
    "SELECT platform, account_id FROM accounts WHERE account_id = ?1 COLLATE NOCASE OR handle = ?1 COLLATE NOCASE "
    "UNION SELECT platform, author_id FROM posts WHERE author_id IS NOT NULL "
    "AND (author_id = ?1 COLLATE NOCASE OR author_handle = ?1 COLLATE NOCASE) "
    "UNION SELECT platform, reply_to_author_id FROM posts WHERE reply_to_author_id IS NOT NULL "
    "AND (reply_to_author_id = ?1 COLLATE NOCASE OR reply_to_handle = ?1 COLLATE NOCASE) "
    "UNION SELECT platform, account_id FROM forgotten WHERE account_id = ?1 COLLATE NOCASE"
)
#: Every handle an account was seen with (lower case).
_HANDLES = (
    "SELECT lower(handle) FROM accounts WHERE platform = ?1 AND account_id = ?2 "
    "UNION SELECT lower(author_handle) FROM posts WHERE platform = ?1 AND author_id = ?2 "
    "UNION SELECT lower(reply_to_handle) FROM posts WHERE platform = ?1 AND reply_to_author_id = ?2"
)


def naming_pattern(ids: Iterable[str], handles: Iterable[str] = ()) -> re.Pattern[bytes] | None:
    """A pattern finding raw records (bytes) that name an account, in any case: one of its ``ids``
    as a word of its own, or one of its ``handles`` as a mention (``@handle``), as a whole JSON
    string (``"handle"``), as a whole CSV field, or as a segment of a link (``/handle/``).
    ``None`` when there is nothing to find.

    Examples
    --------
    >>> found = naming_pattern(["1234567"], ["ann"])
    >>> [bool(found.search(t)) for t in [b'{"author_id":"1234567"}', b'RT @Ann: hi', b'{"username":"ann"}',
    ...                                  b'https://x.com/ann/status/9', b'9,ann,hi']]
    [True, True, True, True, True]
    >>> [bool(found.search(t)) for t in [b'{"id":"12345678"}', b'@annie', b'"Ann says hi"', b'"ann.bsky.social"',
    ...                                  b'Ann says hi', b'#ann']]
    [False, False, False, False, False, False]

    A short numeric id (an early X account) is found only as a JSON string, not as any number:

    >>> [bool(naming_pattern(["12"]).search(t)) for t in [b'{"id_str":"12"}', b'{"like_count":12}']]
    [True, False]
    """
    parts = [rb'"' + re.escape(i.encode()) + rb'"' if i.isdigit() and len(i) < 6  # an early X account: "12"
             else rb"(?<!\w)" + re.escape(i.encode()) + rb"(?!\w)" for i in sorted(set(ids)) if i]
    for handle in sorted(set(handles)):
        if handle:
            h = re.escape(handle.encode())
            parts += [rb"(?<![\w.])@" + h + rb"(?![\w@-]|\.\w)", rb'"' + h + rb'"',
                      rb"(?:^|,)" + h + rb"(?=[,\r\n]|$)", rb"/" + h + rb'(?=[/"?#]|$)']
    return re.compile(b"|".join(parts), re.IGNORECASE | re.MULTILINE) if parts else None


class Naming:
    """Finds the raw records (bytes) that name some accounts, as :func:`naming_pattern` does, but
    fast: a record is searched with the pattern only when one of the ids or handles is in it at all.

    Examples
    --------
    >>> naming = Naming(["1234567"], ["Ann"])
    >>> bool(naming), naming.names(b'{"text":"RT @ann: hi"}'), naming.names(b'{"text":"Ann says hi"}')
    (True, True, False)
    >>> naming.anywhere(b"ANN"), bool(Naming([]))
    (True, False)
    """

    def __init__(self, ids: Iterable[str], handles: Iterable[str] = ()) -> None:
        ids, handles = list(ids), list(handles)
        self.pattern = naming_pattern(ids, handles)
        self.needles = sorted({t.lower().encode() for t in (*ids, *handles) if t})

    def __bool__(self) -> bool:
        return self.pattern is not None

    def anywhere(self, data: bytes | bytearray) -> bool:
        """Whether an id or handle occurs in ``data`` at all, in any case (a whole raw block, say)."""
        low = data.lower()
        return any(needle in low for needle in self.needles)

    def names(self, record: bytes) -> bool:
        """Whether one record names one of the accounts."""
        return self.pattern is not None and self.anywhere(record) and self.pattern.search(record) is not None
