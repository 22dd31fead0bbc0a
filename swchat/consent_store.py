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

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from .schema import account_entry, iso_utc

__all__ = ["CONSENT_DDL", "ConsentStore"]

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


class ConsentStore:
    """The consent registry of an archive (mixed into :class:`swchat.archive.Archive`)."""

    db: sqlite3.Connection

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
        for entry, platform, account_id in self._matches():
            matched.setdefault(entry, []).append(f"{platform}:{account_id}")
        return [{"entry": e, "reason": r, "added_at": t, "accounts": sorted(set(matched.get(e, [])))}
                for e, r, t in self.db.execute("SELECT entry, reason, added_at FROM optouts ORDER BY added_at, entry")]

    def optout_entries(self) -> list[str]:
        """The opt-out entries, and the ids of forgotten accounts (what a privacy policy leaves out)."""
        entries = [e for (e,) in self.db.execute("SELECT entry FROM optouts ORDER BY entry")]
        entries += [a for (a,) in self.db.execute("SELECT account_id FROM forgotten ORDER BY account_id")]
        return entries

    def opted_out_accounts(self) -> set[tuple[str, str]]:
        """``(platform, account_id)`` of every archived account an opt-out entry names, and of
        every forgotten account."""
        found = {(p, a) for _e, p, a in self._matches()}
        found |= set(self.forgotten_accounts())
        return found

    def forgotten_accounts(self) -> set[tuple[str, str]]:
        """``(platform, account_id)`` of the accounts whose data was deleted (``swchat forget``)."""
        return {(p, a) for p, a in self.db.execute("SELECT platform, account_id FROM forgotten")}

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """One transaction: committed when the block ends, rolled back when it raises."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def _optout_count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM optouts").fetchone()[0])

    def _matches(self) -> list[tuple[str, str, str]]:
        """``(entry, platform, account_id)`` for each archived account (profile snapshot) an
        entry names by id or handle (posts are matched by :class:`swchat.privacy.Privacy`)."""
        if not self._optout_count():
            return []
        rows = self.db.execute(
            "SELECT o.entry, a.platform, a.account_id FROM optouts o JOIN accounts a ON a.account_id = o.entry "
            "UNION SELECT o.entry, a.platform, a.account_id FROM optouts o JOIN accounts a "
            "ON a.handle = o.entry COLLATE NOCASE").fetchall()
        return sorted(rows)
