"""The public API: an archive with its chats, and chats with their analyses.

:func:`open` (or :class:`Archive`) opens an archive file; everything a notebook or the command
line needs starts there:

>>> import swchat                                                   # doctest: +SKIP
>>> archive = swchat.open("chat.db")                                # doctest: +SKIP
>>> archive.sessions("SWChat", tz="Europe/London")                  # doctest: +SKIP
>>> chat = archive.session("SWChat-2026-10-07", tz="Europe/London")  # doctest: +SKIP
>>> chat.questions(); chat.threads(); chat.network(); chat.summary()  # doctest: +SKIP
>>> archive.community("SWChat")                                     # doctest: +SKIP

This module joins the layers without adding to them: the storage and every SQL statement are in
:mod:`swchat.archive` (with its derived session tables, :mod:`swchat.session_store`), the data
of a selection in :mod:`swchat.chat`, and the analyses are pure functions in their own modules
(:mod:`swchat.sessions`, :mod:`swchat.questions`, :mod:`swchat.threads`, :mod:`swchat.network`,
:mod:`swchat.themes`, :mod:`swchat.growth`, :mod:`swchat.community`). :class:`Archive` keeps the
derived tables up to date (after every import, and before every read) and hands each session's
chat its :class:`~swchat.chat.History`, so that a session's report reads that session and the
participation table, never the whole archive.

Sessions found with other options than the defaults (``gap``, ``min_posts``,
``min_participants``, ``hosts``) are computed from the posts each time, stretch by stretch.

Examples
--------
>>> import orjson, tempfile, pathlib
>>> tmp = pathlib.Path(tempfile.mkdtemp())
>>> tweets = [{"id": str(100 + i), "author_id": str(i % 4), "text": f"A1 idea {i} #SWChat",
...            "created_at": f"2026-10-07T19:{i:02d}:00.000Z",
...            "entities": {"hashtags": [{"tag": "SWChat"}]}} for i in range(12)]
>>> _ = (tmp / "page.jsonl").write_bytes(orjson.dumps({"data": tweets}) + b"\\n")
>>> with open(tmp / "chat.db", create=True) as archive:
...     _ = archive.ingest([tmp / "page.jsonl"])
...     [(s.id, s.posts, s.participants) for s in archive.sessions("swchat")]
[('SWChat-2026-10-07', 12, 4)]
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import archive as store
from . import chat as data
from .errors import ArchiveBusyError, ArchiveFullError, SelectionError

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx
    import pandas as pd

    from .community import Community
    from .exports import Exported
    from .growth import Growth
    from .network import CommunityResult
    from .privacy import Privacy
    from .readers.base import Source
    from .report.site import SiteResult
    from .report.summary import Summary
    from .themes import Themes

__all__ = ["DERIVED_VERSION", "Archive", "Chat", "open"]

#: The version of the rules the derived session tables are made with: when it changes, an
#: archive's tables are derived again on first use.
DERIVED_VERSION = "2"  # 2: a session's hosts and host ids in pairs


class Chat(data.Chat):
    """The posts and accounts of one selection, with shortcuts to its analyses.

    The data are those of :class:`swchat.chat.Chat`; each method calls one analysis function
    with the same keyword options.

    Examples
    --------
    >>> from swchat.schema import new_post, posts_frame
    >>> rows = [new_post(platform="x", post_id=str(i), author_id=str(i % 3), author_handle=f"u{i % 3}",
    ...                  created_at=f"2026-10-07T19:{i:02d}:00.000Z", text="A1 yes #SWChat",
    ...                  hashtags=["SWChat"]) for i in range(12)]
    >>> chat = Chat(posts=posts_frame(rows), hashtag="SWChat")
    >>> len(chat), [s.id for s in chat.sessions()], len(chat.network())
    (12, ['SWChat-2026-10-07'], 3)
    """

    def sessions(self, **options: Any) -> list[data.Session]:
        """The chat's sessions (see :func:`swchat.sessions.chat_sessions`)."""
        from .sessions import chat_sessions

        return chat_sessions(self, **options)

    def questions(self, *, segments: bool = False, wrapup_after: Any = None, **options: Any) -> pd.DataFrame:
        """One row per host question of the chat's sessions (see :func:`swchat.questions.question_table`);
        ``options`` as for :meth:`sessions` (``hosts`` …)."""
        from .questions import question_table

        return question_table(self, sessions=self.sessions(**options), segments=segments, wrapup_after=wrapup_after)

    def segments(self, *, wrapup_after: Any = None, **options: Any) -> pd.Series:
        """The question segment of every post (see :func:`swchat.questions.assign_questions`)."""
        from .questions import assign_questions

        return assign_questions(self, sessions=self.sessions(**options), wrapup_after=wrapup_after)

    def threads(self, **options: Any) -> pd.DataFrame:
        """One row per reply thread with its metrics (see :func:`swchat.threads.thread_table`)."""
        from .threads import thread_table

        return thread_table(self.posts, **options)

    def network(self, kind: str = "all", **options: Any) -> nx.DiGraph:
        """The participant network (see :func:`swchat.network.chat_network`)."""
        from .network import chat_network

        return chat_network(self, kind=kind, **options)

    def accounts(self, **options: Any) -> pd.DataFrame:
        """One row per account: activity and network metrics (see :func:`swchat.network.account_table`)."""
        from .network import account_table

        return account_table(self, **options)

    def communities(self, **options: Any) -> CommunityResult:
        """Communities of the network with their top items (see :func:`swchat.network.chat_communities`)."""
        from .network import chat_communities

        return chat_communities(self, **options)

    def themes(self, **options: Any) -> Themes:
        """What was discussed (see :func:`swchat.themes.chat_themes`)."""
        from .themes import chat_themes

        return chat_themes(self, **options)

    def growth(self, **options: Any) -> Growth:
        """How the chat unfolded (see :func:`swchat.growth.chat_growth`)."""
        from .growth import chat_growth

        return chat_growth(self, **options)

    def transcript(self, **options: Any) -> str:
        """The chat's transcript by question, threaded (see :func:`swchat.transcript.transcript`)."""
        from .transcript import transcript

        return transcript(self, **options)

    def summary(self, **options: Any) -> Summary:
        """The post-chat summary behind the report (see :func:`swchat.report.summary.build_summary`)."""
        from .report.summary import build_summary

        return build_summary(self, **options)

    def to_parquet(self, folder: str | Path, tables: Iterable[str] | str | None = None, *,
                   layout: str = "files") -> Exported:
        """Write the chat's tables as Parquet files in ``folder`` (see :func:`swchat.exports.export_chat`).

        ``tables`` from ``posts``, ``accounts``, ``edges``, ``sessions``, ``participation``
        (default: all; the last two are empty unless the chat is a session of an archive);
        ``layout="partitioned"`` puts posts and edges in ``tag=…/month=…`` folders. DuckDB,
        Polars, pandas and Spark read them as they are.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> from swchat.schema import new_post, posts_frame
        >>> chat = Chat(posts=posts_frame([new_post(platform="x", post_id="1", author_id="9",
        ...     created_at="2026-10-07T19:00:00.000Z", text="Q1 #SWChat")]), hashtag="SWChat")
        >>> written = chat.to_parquet(pathlib.Path(tempfile.mkdtemp()), tables=["posts"])
        >>> written["posts"].name, written.rows
        ('posts.parquet', {'posts': 1})
        """
        from .exports import export_chat

        return export_chat(self, folder, format="parquet", tables=tables, layout=layout)


class _Tables(ABC):
    """A chat's session tables, stored (:class:`_Stored`) or computed (:class:`_Computed`); with
    ``platform`` set (:meth:`Archive.only_platform`), only that platform's posts, accounts and
    interactions (the sessions themselves, found from every platform's posts, stay). The
    subclasses say where the tables come from (``rows`` and the ``_load_*`` methods)."""

    platform: str | None = None

    @abstractmethod
    def rows(self, tag: str | None) -> pd.DataFrame:
        """The sessions of a hashtag (of every hashtag: ``None``), one row each."""

    def members(self, keys: Sequence[int]) -> pd.DataFrame:
        return self._on(self._load_members(keys))

    def participation(self, keys: Sequence[int], *, followers: bool = True) -> pd.DataFrame:
        return self._on(self._load_participation(keys, followers=followers))

    def attendance(self, keys: Sequence[int]) -> pd.DataFrame:
        return self._on(self._load_attendance(keys))

    def platform_posts(self, keys: Sequence[int]) -> dict[int, dict[str, int]]:
        found = self._load_platform_posts(keys)
        if self.platform is None:
            return found
        return {k: {self.platform: v[self.platform]} for k, v in found.items() if self.platform in v}

    def interactions(self, keys: Sequence[int]) -> pd.DataFrame:
        seen = self._load_interactions(keys)
        if self.platform is None:
            return seen
        mine = f"{self.platform}:"
        return seen[seen["source"].astype(str).str.startswith(mine).to_numpy(bool)
                    & seen["target"].astype(str).str.startswith(mine).to_numpy(bool)].reset_index(drop=True)

    def posts(self, key: int) -> pd.DataFrame:
        return self._on(self._load_posts(key))

    def _on(self, frame: pd.DataFrame) -> pd.DataFrame:
        if self.platform is None:
            return frame
        return frame[(frame["platform"] == self.platform).to_numpy(bool)].reset_index(drop=True)

    @abstractmethod
    def _load_members(self, keys: Sequence[int]) -> pd.DataFrame:
        """The member posts of these sessions, every platform's."""

    @abstractmethod
    def _load_participation(self, keys: Sequence[int], *, followers: bool = True) -> pd.DataFrame:
        """The participation rows of these sessions, every platform's."""

    @abstractmethod
    def _load_attendance(self, keys: Sequence[int]) -> pd.DataFrame:
        """Who took part in these sessions, every platform's accounts."""

    @abstractmethod
    def _load_platform_posts(self, keys: Sequence[int]) -> dict[int, dict[str, int]]:
        """Posts per platform of these sessions."""

    @abstractmethod
    def _load_interactions(self, keys: Sequence[int]) -> pd.DataFrame:
        """The interactions of these sessions, every platform's."""

    @abstractmethod
    def _load_posts(self, key: int) -> pd.DataFrame:
        """One session's own posts with their context rows, every platform's."""


class _Stored(_Tables):
    """The archive's derived session tables (made with the default options)."""

    def __init__(self, archive: Archive) -> None:
        self.archive = archive
        self._rows: dict[str | None, pd.DataFrame] = {}

    def rows(self, tag: str | None) -> pd.DataFrame:
        # read once per command: a chat of 400 sessions has 400 rows of JSON to decode
        if tag not in self._rows:
            self._rows[tag] = self.archive.session_rows(tag)
        return self._rows[tag].copy(deep=False)

    def _load_members(self, keys: Sequence[int]) -> pd.DataFrame:
        return self.archive.session_members(keys)

    def _load_participation(self, keys: Sequence[int], *, followers: bool = True) -> pd.DataFrame:
        return self.archive.participation(keys, followers=followers)

    def _load_attendance(self, keys: Sequence[int]) -> pd.DataFrame:
        return self.archive.attendance(keys)

    def _load_platform_posts(self, keys: Sequence[int]) -> dict[int, dict[str, int]]:
        return self.archive.platform_posts(keys)

    def _load_interactions(self, keys: Sequence[int]) -> pd.DataFrame:
        return self.archive.interactions(keys)

    def _load_posts(self, key: int) -> pd.DataFrame:
        # the storage's own reader: the policy is applied once, to the chat (Archive._protected)
        return store.Archive.posts_with_ids(self.archive, self.archive.session_post_keys(key), context=True)


class _Computed(_Tables):
    """Session tables computed from the posts with other options (nothing is stored)."""

    def __init__(self, archive: Archive, tag: str | None, options: dict[str, Any]) -> None:
        import pandas as pd

        from .derive import derive_sessions
        from .questions import as_timedelta
        from .sessions import DEFAULT_GAP

        self.archive = archive
        gap = as_timedelta(options.get("gap", DEFAULT_GAP), "gap")
        parts: list[Any] = []
        for posts in archive.stretches(gap.to_pytimedelta()):
            parts.append(derive_sessions(posts, tags=[tag] if tag else None, **{**options, "gap": gap}))
        frames: dict[str, list[pd.DataFrame]] = {"sessions": [], "members": [], "participation": [],
                                                 "interactions": []}
        offset = 0
        for derived in parts:
            for name in frames:
                frame = getattr(derived, name)
                frames[name].append(frame.assign(n=frame["n"] + offset))
            offset += len(derived.sessions)
        self._sessions = pd.concat(frames["sessions"], ignore_index=True) if parts else None
        self._members = pd.concat(frames["members"], ignore_index=True) if parts else None
        self._participation = pd.concat(frames["participation"], ignore_index=True) if parts else None
        self._interactions = pd.concat(frames["interactions"], ignore_index=True) if parts else None

    def rows(self, tag: str | None) -> pd.DataFrame:
        import pandas as pd

        if self._sessions is None or self._sessions.empty:
            from .derive import SESSION_COLUMNS

            return pd.DataFrame(columns=["key", *SESSION_COLUMNS[1:]])
        rows = self._sessions.rename(columns={"n": "key"})
        if tag is not None:
            rows = rows[rows["tag"] == tag.lstrip("#").lower()]
        return rows.sort_values(["start", "key"], kind="stable").reset_index(drop=True)

    def _load_members(self, keys: Sequence[int]) -> pd.DataFrame:
        members = self._members
        assert members is not None
        return members[members["n"].isin(list(keys))].rename(columns={"n": "session"}).reset_index(drop=True)

    def _load_participation(self, keys: Sequence[int], *, followers: bool = True) -> pd.DataFrame:
        part = self._participation
        sessions = self._sessions
        assert part is not None and sessions is not None
        tags = sessions.set_index("n")["tag"]
        starts = sessions.set_index("n")["start"]
        everyone = part.assign(tag=part["n"].map(tags), start=part["n"].map(starts))
        spans = everyone.groupby(["tag", "platform", "account_id"])["start"].agg(["min", "max"])
        spans.columns = ["first_start", "last_start"]
        chosen = everyone[everyone["n"].isin(list(keys))].join(spans, on=["tag", "platform", "account_id"])
        known: dict[tuple[Any, Any], Any] = {}
        if followers:
            profiles = store.Archive.accounts(self.archive, set(zip(chosen["platform"], chosen["account_id"],
                                                                    strict=True)))
            known = dict(zip(zip(profiles["platform"], profiles["account_id"], strict=True), profiles["followers"],
                             strict=True))
        chosen = chosen.assign(followers=[known.get((p, a)) for p, a in zip(chosen["platform"],
                                                                             chosen["account_id"], strict=True)])
        return chosen.drop(columns=["tag", "start"]).rename(columns={"n": "session"}).reset_index(drop=True)

    def _load_platform_posts(self, keys: Sequence[int]) -> dict[int, dict[str, int]]:
        found: dict[int, dict[str, int]] = {}
        part = self._participation
        if part is None or part.empty:
            return found
        part = part[part["n"].isin(list(keys))]
        for (key, platform), n in part.groupby(["n", "platform"])["posts"].sum().items():
            found.setdefault(int(key), {})[str(platform)] = int(n)
        return found

    def _load_attendance(self, keys: Sequence[int]) -> pd.DataFrame:
        part = self._participation
        assert part is not None
        chosen = part[part["n"].isin(list(keys))].sort_values(["n", "platform", "account_id"], kind="stable")
        return (chosen[["n", "platform", "account_id", "handle", "welcomed"]].rename(columns={"n": "session"})
                .astype({"welcomed": bool}).reset_index(drop=True))

    def _load_interactions(self, keys: Sequence[int]) -> pd.DataFrame:
        seen = self._interactions
        assert seen is not None
        return seen[seen["n"].isin(list(keys))].rename(columns={"n": "session"}).reset_index(drop=True)

    def _load_posts(self, key: int) -> pd.DataFrame:
        members = self._load_members([key])
        return store.Archive.posts_with_ids(self.archive, zip(members["platform"], members["post_id"], strict=True))


class Archive(store.Archive):
    """A swchat archive (one SQLite file) with its sessions and chats.

    The storage is :class:`swchat.archive.Archive` (ingest, selection, statistics); this class
    adds what needs the analyses: the derived session tables kept up to date, sessions, a
    session's chat with its history, selections as chats, and the across-sessions view.

    Parameters
    ----------
    path : str or Path, optional
        The archive file; created when absent. Defaults to ``$SWCHAT_ARCHIVE`` or ``swchat.db``.
    create : bool
        When ``False``, a missing file raises :class:`~swchat.errors.ArchiveError` instead.
    read_only : bool or None
        ``None`` (default): read-write when the file can be written, read-only otherwise (a
        read-only file, folder or file system). ``True``: read-only (nothing is ever written);
        ``False``: a read-only archive is a :class:`~swchat.errors.ReadOnlyArchiveError` at once.
        Read-only, the session tables are derived as they are needed when they are out of date
        (nothing is stored), and an older archive schema cannot be brought up to date.
    notify : callable, optional
        Called with one line when a write has to wait for another process writing to the
        archive (default: print it on stderr).
    write_wait : float, optional
        Seconds to wait for another writer at most (default: as long as it takes); then
        :class:`~swchat.errors.ArchiveBusyError`.

    Notes
    -----
    **Consent is applied where the selection is made.** Every chat :meth:`session`,
    :meth:`select` and :meth:`chat` return, every session :meth:`sessions` lists and every
    history :meth:`community` reads leaves out the accounts of the archive's opt-out list
    (:meth:`add_optouts`; ``swchat optout add``) and forgotten accounts, as
    :class:`swchat.privacy.Privacy` does: their posts and the retweets of them go, and their
    handle, name and id are hidden where others mention, reply to or link to them. So every
    analysis, figure, report and export made from these honours it. :meth:`pseudonymise` makes
    every later selection show accounts under keyed pseudonyms; :meth:`exclude` leaves out more
    accounts for this connection only.
    """

    def __init__(self, path: str | Path | None = None, *, create: bool = True, read_only: bool | None = None,
                 notify: Callable[[str], None] | None = None, write_wait: float | None = None) -> None:
        super().__init__(path, create=create, read_only=read_only, notify=notify, write_wait=write_wait)
        self._extra_exclusions: list[str] = []
        self._secret: bytes | None = None
        self._keep_names: list[str] = []
        self._people: dict[str, str] = {}
        self._platform: str | None = None

    # -- consent and privacy ----------------------------------------------------------------
    def pseudonymise(self, secret: str | bytes | None, keep_names: Iterable[str] | None = None) -> None:
        """Show every account under a stable pseudonym in everything selected from now on.

        Parameters
        ----------
        secret : str or bytes, or None
            At least 16 characters (:func:`swchat.privacy.read_secret` reads one from a file or
            ``$SWCHAT_SECRET``); the same secret gives the same pseudonyms in every command and
            notebook. ``None`` stops pseudonymising.
        keep_names : iterable of str, optional
            Handles or ids that keep their own names (hosts who want to be credited).

        Examples
        --------
        >>> import tempfile, pathlib
        >>> archive = Archive(pathlib.Path(tempfile.mkdtemp()) / "x.db")
        >>> archive.pseudonymise("0123456789abcdef", keep_names=["@host"])
        >>> archive.policy().name("x", "12345", "ann"), archive.policy().name("x", "1", "host")
        ('participant_7e62bdbf', 'host')
        """
        from .privacy import as_secret

        self._secret = None if secret is None else as_secret(secret)
        self._keep_names = list(keep_names or [])

    def opt_out(self, accounts: Iterable[str], *, reason: str | None = None,
                people: str | Path | None = None) -> list[str]:
        """Put accounts on the archive's opt-out list (``swchat optout add``), for good.

        Parameters
        ----------
        accounts : iterable of str
            Handles, ``@user@host``, profile links or account ids.
        reason : str, optional
            Recorded with each entry (e.g. "asked by DM on 3 Sept").
        people : str or Path, optional
            A people file (:func:`swchat.privacy.read_people`): an account listed there takes
            its person's other accounts with it, so the opt-out follows them across platforms.

        Returns
        -------
        list of str
            The entries recorded (each account as :func:`swchat.schema.account_entry` writes it).

        Examples
        --------
        >>> import tempfile, pathlib
        >>> archive = Archive(pathlib.Path(tempfile.mkdtemp()) / "x.db")
        >>> archive.opt_out(["@Ann", "https://bsky.app/profile/bob.bsky.social"], reason="asked")
        ['ann', 'bob.bsky.social']
        """
        from .privacy import checked_entry, read_people
        from .schema import account_entry

        entries = [checked_entry(e, "opt-out") for e in (account_entry(str(a)) for a in accounts) if e]
        if people is not None:
            linked = read_people(people)
            entries += sorted({other for e in entries for other in linked.get(e, ())})
        entries = list(dict.fromkeys(entries))
        self.add_optouts(entries, reason=reason)
        return entries

    def exclude(self, accounts: Iterable[str]) -> None:
        """Leave these accounts out of everything selected from now on, besides the archive's
        opt-out list (for this connection only; :meth:`add_optouts` records them for good)."""
        from .schema import account_entry

        self._extra_exclusions += [e for e in (account_entry(str(a)) for a in accounts) if e]

    def policy(self, *, include_opted_out: bool = False, pseudonyms: bool = True) -> Privacy:
        """The privacy policy of this connection: the opt-out list, forgotten accounts and
        :meth:`exclude`'s accounts left out, and :meth:`pseudonymise`'s secret.

        ``include_opted_out`` leaves the opt-outs in (for the archivist's counts, ``swchat stats``);
        ``pseudonyms=False`` leaves the secret out (for counts that match accounts by handle first).
        """
        from .privacy import Privacy

        exclude = [] if include_opted_out else [*self.optout_entries(), *self._extra_exclusions]
        return Privacy(exclude=exclude, secret=self._secret if pseudonyms else None, keep=self._keep_names)

    def link_people(self, people: str | Path | dict[str, str] | None) -> None:
        """Count the accounts of one person as one participant, and make them one network node,
        in everything selected from now on (for this connection).

        Parameters
        ----------
        people : str, Path or dict
            A people file (CSV ``person,account``, see :func:`swchat.privacy.read_persons`), or
            account → person; ``None`` or empty undoes the linking.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> f = pathlib.Path(tempfile.mkdtemp()) / "people.csv"
        >>> _ = f.write_text("person,account\\nann,@ann@social.coop\\nann,ann.bsky.social\\n")
        >>> with open(f.with_name("a.db"), create=True) as archive:
        ...     archive.link_people(f)
        ...     archive.people
        {'ann@social.coop': 'ann', 'ann.bsky.social': 'ann'}
        """
        from .privacy import read_persons

        if people is None or isinstance(people, dict):
            self._people = dict(people or {})
        else:
            self._people = read_persons(people)

    def only_platform(self, platform: str | None) -> None:
        """Analyse one platform's posts only, in everything selected from now on (for this
        connection): a chat held on X, Mastodon and Bluesky at once keeps its sessions (found
        from every platform's posts: the same ids and times), but their posts, participants,
        newcomers, questions, networks and reports are that platform's. ``None`` undoes it.

        Raises
        ------
        SelectionError
            For a platform swchat does not know.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> with open(pathlib.Path(tempfile.mkdtemp()) / "a.db", create=True) as archive:
        ...     archive.only_platform("mastodon")
        ...     archive.platform
        'mastodon'
        """
        from .schema import PLATFORMS

        if platform is not None and platform not in PLATFORMS:
            raise SelectionError(f"no platform {platform!r}: swchat knows {', '.join(PLATFORMS)}")
        self._platform = platform

    @property
    def platform(self) -> str | None:
        """The one platform analysed (:meth:`only_platform`), or ``None`` for all of them."""
        return self._platform

    @property
    def people(self) -> dict[str, str]:
        """The accounts linked into persons (:meth:`link_people`): account → person."""
        return dict(self._people)

    def _protected(self, chat: Chat) -> Chat:
        from .privacy import link_people, merge_handle_authors

        policy = self.policy()
        chat = merge_handle_authors(chat, store.Archive.handle_aliases(self))
        if self._platform is not None:
            chat.meta["platform"] = self._platform
        if self._people and policy.secret is not None:
            # linked first, so that a person's accounts share one pseudonym (the person's) and
            # the linking still finds them by their real handles
            return policy.chat(link_people(chat, self._people))
        chat = policy.chat(chat) if policy.active else chat
        return link_people(chat, self._people) if self._people else chat

    # the storage's readers, under the policy too (the analyses above read the storage directly)
    def posts(self, *args: Any, **options: Any) -> pd.DataFrame:
        """The posts of a selection (see :meth:`swchat.archive.Archive.posts`) under this
        connection's privacy policy (:meth:`policy`): opted-out accounts left out, pseudonyms
        when pseudonymising."""
        policy = self.policy()
        if options.get("columns") is not None and policy.active:
            options = {**options, "columns": None}  # hiding people reads texts, names and links
        posts = super().posts(*args, **options)
        return policy.frames(posts)[0] if policy.active else posts

    def posts_with_ids(self, keys: Iterable[tuple[str, str]], *, context: bool = True) -> pd.DataFrame:
        """The posts with these keys (see :meth:`swchat.archive.Archive.posts_with_ids`) under
        this connection's privacy policy."""
        posts = super().posts_with_ids(keys, context=context)
        policy = self.policy()
        return policy.frames(posts)[0] if policy.active else posts

    def accounts(self, ids: Iterable[tuple[str, str]] | None = None) -> pd.DataFrame:
        """Account snapshots (see :meth:`swchat.archive.Archive.accounts`) under this connection's
        privacy policy: opted-out accounts left out; pseudonyms, and no descriptions or
        locations, when pseudonymising."""
        profiles = super().accounts(ids)
        policy = self.policy()
        if not policy.active:
            return profiles
        profiles = profiles[[not policy.excludes(p, a, h) for p, a, h in
                             zip(profiles["platform"], profiles["account_id"], profiles["handle"], strict=True)]]
        from .schema import posts_frame

        return policy.frames(posts_frame([]), profiles)[1]

    def raw(self, post_id: str, platform: str = "x") -> dict[str, Any] | None:
        """The raw record of a post (see :meth:`swchat.archive.Archive.raw`); ``None`` for a post
        of an opted-out account.

        Raises
        ------
        PrivacyError
            While pseudonymising: a raw record names everyone as the export did.
        """
        from .privacy import PrivacyError

        policy = self.policy()
        if policy.secret is not None:
            raise PrivacyError("raw records name everyone as the export did: they are not available while "
                               "pseudonymising")
        if policy.active:
            found = super().posts_with_ids([(platform, str(post_id))], context=False)
            if len(found) and policy.excludes(platform, found["author_id"].iloc[0], found["author_handle"].iloc[0]):
                return None
        return super().raw(post_id, platform)

    def stats(self, top: int = 10, *, exclude: set[tuple[str, str]] | None = None,
              include_opted_out: bool = False) -> dict[str, Any]:
        """Counts that describe the archive (see :meth:`swchat.archive.Archive.stats`), without
        the posts of opted-out and forgotten accounts unless ``include_opted_out``; plus
        ``opted_out`` (entries on the opt-out list) and ``forgotten`` (accounts)."""
        excluded = set(exclude or ())
        if not include_opted_out:
            excluded |= self.opted_out_accounts(posts=True) | self._accounts_named(self._extra_exclusions)
        counts = super().stats(top, exclude=excluded or None)
        counts["opted_out"] = len(self.optouts())
        counts["forgotten"] = len(self.forgotten_accounts())
        return counts

    # -- keeping the derived tables -------------------------------------------------------
    def ingest(self, inputs: Iterable[str | Path | Source], format: str | None = None,
               progress: Callable[[Source, str], Callable[[int], None] | None] | None = None, *,
               tz: str | None = None, columns: Any = None) -> store.IngestResult:
        """Import export files (see :meth:`swchat.archive.Archive.ingest`), then bring the session
        tables up to date with what they added (``result.sessions`` says what that took).

        ``tz`` is the zone of times that do not say theirs (spreadsheets; UTC by default);
        ``columns`` reads CSV files through a column mapping (a str such as
        ``"id=Tweet ID,text=Tweet Text,author=Screen Name,time=Date"``, a file of such lines, or a
        dict).
        """
        try:
            result = super().ingest(inputs, format=format, progress=progress, tz=tz, columns=columns)
        finally:
            self._join_preparing()
        try:
            result.sessions = self.refresh_sessions()
        except (ArchiveFullError, ArchiveBusyError) as exc:  # the imports stand; the tables are derived as needed
            result.sessions_error = (f"the session tables are not up to date ({exc}); they are derived as "
                                     "commands need them until `swchat reindex` can store them")
        return result

    def while_reading(self) -> None:
        """Load the modules that derive the session tables (pandas among them, a few tenths of
        a second) in a thread while a worker process reads a big file, so that the refresh after
        the import does not wait for them (see :meth:`swchat.archive.Archive.while_reading`)."""
        import sys
        import threading

        if "swchat.derive" in sys.modules or getattr(self, "_preparing", None) is not None:
            return

        def load() -> None:
            from . import derive, sessions  # noqa: F401

        self._preparing: Any = threading.Thread(target=load, name="swchat-prepare", daemon=True)
        self._preparing.start()

    def _join_preparing(self) -> None:
        thread = getattr(self, "_preparing", None)
        if thread is not None:
            thread.join()  # a forked worker must find no other thread (see swchat.parallel)
            self._preparing = None

    def refresh_sessions(self, progress: Callable[[int, int], None] | None = None, *,
                         wait: bool = True) -> dict[str, int]:
        """Bring the derived session tables up to date (nothing to do when no import happened).

        With ``wait=False``, an archive another process is writing is an
        :class:`~swchat.errors.ArchiveBusyError` at once, instead of a wait for it.

        Returns
        -------
        dict
            ``posts`` derived again and ``sessions`` stored.
        """
        from datetime import timedelta

        from .choices import SESSION_GAP_MINUTES, SESSION_MIN_POSTS
        from .schema import DERIVE_COLUMNS

        # pandas and the analyses are loaded by the first stretch that needs deriving: an import
        # too small to make a session (a 2-post file) brings the tables up to date without them
        return self.refresh_derived(_derive_sessions, gap=timedelta(minutes=SESSION_GAP_MINUTES),
                                    version=DERIVED_VERSION, options=_stored_options(), progress=progress, wait=wait,
                                    columns=DERIVE_COLUMNS, least_posts=SESSION_MIN_POSTS, prepare=_derive_module)

    def reindex(self, progress: Callable[[int, int], None] | None = None) -> dict[str, int]:
        """Derive the session tables again from every post (``swchat reindex``)."""
        self.rebuild_derived()
        return self.refresh_sessions(progress=progress)

    def _tables(self, tag: str | None, options: dict[str, Any]) -> _Stored | _Computed:
        from .sessions import SESSION_OPTIONS

        unknown = set(options) - set(SESSION_OPTIONS)
        if unknown:
            raise TypeError(f"unknown option(s) for sessions: {', '.join(sorted(unknown))}")
        custom = {k: v for k, v in options.items() if v is not None}
        tables: _Stored | _Computed = (_Stored(self) if _default_options(custom) and self._stored_sessions_usable()
                                       else _Computed(self, tag, custom))
        tables.platform = self._platform
        return tables

    def _stored_sessions_usable(self) -> bool:
        """Whether the stored session tables are up to date, brought up to date now if need be.

        Not when the archive is read-only, nor while another process writes to it (a reader does
        not wait for a writer): the tables are then derived for this call, and nothing is stored.
        """
        if self.read_only:
            return self.derived_current(version=DERIVED_VERSION, options=_stored_options())
        try:
            self.refresh_sessions(wait=False)
        except ArchiveBusyError:
            return False
        return True

    # -- sessions -----------------------------------------------------------------------
    def sessions(self, hashtag: str | None = None, *, tz: str | None = "UTC", members: bool = False,
                 **options: Any) -> list[data.Session]:
        """The chat sessions of a hashtag (of every chat hashtag when none is given), in time order.

        Session ids depend on ``tz`` (the local date of the start). Without ``hashtag``, a burst
        whose posts mostly (over half) belong to a session of a more used hashtag is a
        co-hashtag of that chat (``#socialwork`` inside ``#SWChat``), not a session of its own.

        Parameters
        ----------
        hashtag : str, optional
            With or without ``#``, any case.
        tz : str
            Time zone of the ids, local times and schedule.
        members : bool
            Also fill each session's ``post_ids`` and ``author_ids`` (a listing otherwise carries
            only their numbers; :meth:`session` opens one session with its posts).
        **options
            ``gap``, ``min_posts``, ``min_participants``, ``hosts`` as for
            :func:`swchat.sessions.find_sessions`; sessions found with other values than the
            defaults are computed from the posts (the stored ones use the defaults).
        """
        tables = self._tables(hashtag.lstrip("#") if hashtag else None, options)
        rows = tables.rows(hashtag)
        listed = self._labelled(rows, tz)
        if hashtag is None:
            listed = self._without_co_hashtags(listed, rows)
        policy = self.policy()
        if policy.exclude and isinstance(tables, _Stored):  # their posts and themselves leave the counts
            excluded = self.opted_out_accounts() | self._accounts_named(self._extra_exclusions, posts=False)
            theirs = self.session_counts_of([s.key for s in listed if s.key is not None], excluded)
            for s in listed:
                posts, people = theirs.get(s.key, (0, 0)) if s.key is not None else (0, 0)
                s.post_count = (s.post_count or 0) - posts
                s.participant_count = (s.participant_count or 0) - people
        self._platform_counts(tables, listed)
        merge = self._merge()
        if self._platform is not None:  # that platform's posts and accounts (opted-out ones left out)
            self._merged_counts(tables, listed, merge or _unmerged)
            listed = [s for s in listed if s.platforms]
            for s in listed:
                s.post_count = sum(s.platforms.values())
        elif merge is not None:  # a person's (or a sheet handle's) accounts count once
            self._merged_counts(tables, listed, merge)
        if merge is not None:  # a host too
            for s in listed:
                self._merged_hosts(s, merge)
        if policy.active:
            listed = [policy.session_listing(s) for s in listed]
        if members:
            keys = [s.key for s in listed if s.key is not None]
            found = tables.members(keys)
            part = self.policy(pseudonyms=merge is None).accounts(tables.participation(keys))
            if merge is not None:  # merged by their own handles, then pseudonyms given
                part = part.assign(account_id=[m[1] if (m := merge(p, a, h)) else a for p, a, h in
                                               zip(part["platform"], part["account_id"], part["handle"], strict=True)])
                part = policy.accounts(part.sort_values("first_post", kind="stable")
                                       .drop_duplicates(["session", "account_id"]))
            if policy.active:  # the posts of excluded accounts leave; post ids are keyed when pseudonymising
                gone = self.post_ids_by(self._accounts_named(policy.exclude or [], posts=True))
                found = found[~found["post_id"].astype(str).isin(gone)]
                found = found.assign(post_id=found["post_id"].map(policy.post_id))
            post_ids = {k: [str(p) for p in g["post_id"]] for k, g in found.groupby("session", sort=False)}
            authors = {k: [str(a) for a in g.sort_values("first_post", kind="stable")["account_id"]]
                       for k, g in part.groupby("session", sort=False)}
            for s in listed:
                s.post_ids = post_ids.get(s.key, [])
                s.author_ids = authors.get(s.key, [])
        return listed

    def _merge(self) -> Merge | None:
        """How this connection merges accounts at selection time (see :func:`_merger`): sheet
        authors known only by handle into the account with that handle's id, then a linked
        person's accounts (:meth:`link_people`) into the person; ``None`` when nothing merges."""
        return _merger(self._people, store.Archive.handle_aliases(self))

    def _merged_counts(self, tables: _Stored | _Computed, listed: list[data.Session], merge: Merge) -> None:
        """Count each session's participants with merged accounts (:meth:`_merge`) once; with
        :meth:`only_platform`, also its posts on that platform (``platforms``)."""
        keys = [s.key for s in listed if s.key is not None]
        if not keys:
            return
        # accounts left out first, then merged by their own handles (a count shows no one's name)
        part = self.policy(pseudonyms=False).accounts(tables.participation(keys, followers=False))
        for s in listed:
            mine = part[part["session"] == s.key]
            if self._platform is not None:
                posts = int(mine["posts"].sum())
                s.platforms = {self._platform: posts} if posts else {}
                _on_platform(s, None, set(mine["account_id"].astype(str)))
            found = set()
            for platform, aid, handle in zip(mine["platform"], mine["account_id"], mine["handle"], strict=True):
                merged = merge(platform, aid, handle)
                found.add(merged[0] if merged else f"{platform}:{aid}")
            s.participant_count = len(found)

    def _merged_part(self, tables: _Stored | _Computed, part: pd.DataFrame, siblings: list[data.Session],
                     merge: Merge) -> pd.DataFrame:
        """Participation rows with merged accounts (:meth:`_merge`) made one row per session
        (see :func:`_merged_rows`): a person's first session is the earliest of their accounts'
        over the hashtag's sessions (``siblings``), their last the latest. Accounts the policy
        leaves out are left out first, so they add nothing to a person."""
        policy = self.policy()
        seen = tables.attendance([s.key for s in siblings if s.key is not None])
        if policy.exclude:
            def kept(frame: pd.DataFrame) -> pd.DataFrame:
                return frame[[not policy.excludes(p, a, h) for p, a, h in
                              zip(frame["platform"], frame["account_id"], frame["handle"], strict=True)]]

            part, seen = kept(part), kept(seen)
        start_of = {s.key: s.start for s in siblings}
        spans: dict[str, tuple[Any, Any]] = {}
        for key, platform, account_id, handle in zip(seen["session"], seen["platform"], seen["account_id"],
                                                     seen["handle"], strict=True):
            merged = merge(platform, account_id, handle)
            if key in start_of:
                start = start_of[key]
                found = merged[0] if merged else f"{platform}:{account_id}"
                first, last = spans.get(found, (start, start))
                spans[found] = (min(first, start), max(last, start))
        return _merged_rows(part, merge, spans)

    @staticmethod
    def _merged_hosts(session: data.Session, merge: Merge) -> None:
        """Name a session's hosts as merged accounts (:meth:`_merge`): one entry per person."""
        if len(session.hosts) != len(session.host_ids):
            return
        hosts: list[str] = []
        ids: list[str] = []
        for handle, account_id in zip(session.hosts, session.host_ids, strict=True):
            merged = merge(session.platform, account_id, handle)
            shown, key = (merged[2], merged[1]) if merged else (handle, account_id)
            if key not in ids:
                hosts.append(shown)
                ids.append(key)
        session.hosts, session.host_ids = hosts, ids

    @staticmethod
    def _platform_counts(tables: _Stored | _Computed, listed: list[data.Session]) -> None:
        """Fill each session's ``platforms`` (posts per platform) from the participation table."""
        keys = [s.key for s in listed if s.key is not None]
        if not keys:
            return
        by_session = tables.platform_posts(keys)
        for s in listed:
            if s.key is not None:
                s.platforms = dict(sorted(by_session.get(s.key, {}).items(), key=lambda kv: (-kv[1], kv[0])))

    def _labelled(self, rows: pd.DataFrame, tz: str | None) -> list[data.Session]:
        """Sessions (without posts) of stored or computed rows, named in ``tz`` per hashtag."""
        from collections import Counter

        from .sessions import label_sessions, spelling

        out: list[data.Session] = []
        for tag, group in rows.groupby("tag", sort=True):
            counts: Counter = Counter()
            for spellings in group["spellings"]:
                counts.update(spellings)
            unnamed = [data.Session(
                id="", hashtag="", start=r.start, end=r.end, post_ids=[], author_ids=[], hosts=list(r.hosts),
                host_ids=list(r.host_ids), questions=[dict(q) for q in r.questions], platform=str(r.platform),
                first_post_time=r.typical, key=int(r.key), post_count=int(r.posts),
                participant_count=int(r.participants)) for r in group.itertuples(index=False)]
            out += label_sessions(unnamed, spelling(counts, str(tag)), tz)
        return sorted(out, key=lambda s: (s.start, s.id))

    def _without_co_hashtags(self, listed: list[data.Session], rows: pd.DataFrame) -> list[data.Session]:
        """Leave out the sessions whose posts mostly belong to sessions of a more used hashtag
        (``rows``: the stored rows of the sessions, with what they share)."""
        shared = dict(zip(rows["key"].astype(int), rows["shared"], strict=True))
        tags = sorted({s.hashtag.lower() for s in listed})
        counts = self.tag_post_counts(tags)
        rank = {t: i for i, t in enumerate(sorted(tags, key=lambda t: (-counts.get(t, 0), t)))}
        kept = []
        for s in listed:
            mine = rank[s.hashtag.lower()]
            claimed = sum(n for others, n in shared.get(s.key, []) if any(rank.get(t, mine) < mine for t in others))
            if claimed * 2 <= s.posts:
                kept.append(s)
        return kept

    def _find(self, tables: _Stored | _Computed, session_id: str, tz: str | None) -> data.Session | None:
        """The session with this id as listed in ``tz``, else as listed in UTC (named in ``tz``)."""
        from .sessions import split_session_id

        parts = split_session_id(session_id)
        if parts is None:
            return None
        wanted = parts[1].lower()
        rows = tables.rows(parts[0])
        listed = self._labelled(rows, tz)
        found = next((s for s in listed if s.id.lower() == wanted), None)
        if found is None and tz not in (None, "UTC"):
            utc = next((s for s in self._labelled(rows, "UTC") if s.id.lower() == wanted), None)
            if utc is not None:
                found = next((s for s in listed if s.start == utc.start), None)
        return found

    def session(self, session_id: str, *, tz: str | None = "UTC", **options: Any) -> Chat:
        """The :class:`Chat` of one session, by its id (e.g. ``SWChat-2026-10-07``), with its history.

        Its own posts are exactly the session's posts (hashtag-less replies included); the posts
        they refer to (replied-to, retweeted, quoted) come as context rows. The id is looked up
        as listed in ``tz`` and, when no session has it there, as listed in UTC; either way the
        chat is the session as listed in ``tz``. A chat at 21:00 in New York on 7 October opens
        as ``SWChat-2026-10-07`` or ``SWChat-2026-10-08`` with ``tz="America/New_York"``, and as
        ``SWChat-2026-10-08`` (its UTC date) without.

        Parameters
        ----------
        session_id : str
            As listed by :meth:`sessions` (case-insensitive), in ``tz`` or in UTC.
        tz : str
            The time zone of the id (default UTC).
        **options
            As for :meth:`sessions`.

        Returns
        -------
        Chat
            With ``session_id``, ``hashtag``, ``meta["session"]`` (the :class:`~swchat.chat.Session`),
            ``meta["timezone"]``, ``meta["hosts"]`` (host account ids), ``meta["newcomers"]``
            (account ids whose first session of this hashtag is this one), ``meta["segments"]``
            and ``history`` (:class:`~swchat.chat.History`: the hashtag's sessions, and the
            participation of this session and the previous one).

        Raises
        ------
        SelectionError
            When there is no such session (the message lists some that exist), or for an unknown
            time zone.
        """
        import pandas as pd

        from .sessions import split_session_id

        tables = self._tables(None, options)
        session = self._find(tables, session_id, tz)
        if session is None or session.key is None:
            parts = split_session_id(session_id)
            known = self._labelled(tables.rows(parts[0]), tz) if parts else []
            if not known:
                known = self._labelled(tables.rows(None), tz)
            if known:
                shown = ", ".join(s.id for s in known[:5]) + (", …" if len(known) > 5 else "")
                hint = f"; sessions in this archive include {shown} (see `swchat sessions`)"
            else:
                hint = "; this archive has no sessions (see `swchat sessions`)"
            if parts is None:
                raise SelectionError(f"{session_id!r} is not a session id like SWChat-2026-10-07{hint}")
            raise SelectionError(f"no session {session_id} in {self.path}{hint}")
        key = session.key
        members = tables.members([key])
        posts = tables.posts(key)
        siblings = self._labelled(tables.rows(session.hashtag), tz)
        at = next(i for i, s in enumerate(siblings) if s.key == key)
        previous = siblings[at - 1].key if at else None
        keys = [key] if previous is None else [key, previous]
        part = tables.participation(keys)
        merge = self._merge()
        if merge is not None:  # a person's accounts are one participant, new in the first session of any of them
            part = self._merged_part(tables, part, siblings, merge)
            self._merged_hosts(session, merge)
        session.post_ids = [str(p) for p in members["post_id"]]
        mine = part[part["session"] == key]
        session.author_ids = [str(a) for a in mine.sort_values("first_post", kind="stable")["account_id"]]
        newcomers = set(mine.loc[mine["first_start"] == session.start, "account_id"].astype(str))
        history = self._history(siblings, part, tables.interactions(keys))
        own = posts[~posts["is_context"].to_numpy(bool)]
        session.platforms = {str(k): int(n) for k, n in own["platform"].value_counts().items()}
        if self._platform is not None:  # the questions asked, and the hosts who posted, on that platform
            if own.empty:
                raise SelectionError(f"session {session.id} has no {data.PLATFORM_NAMES[self._platform]} posts "
                                     "(it was found from the other platforms' posts)")
            _on_platform(session, own)
        accounts = set(zip(posts["platform"], posts["author_id"], strict=True))
        return self._protected(Chat(
            posts=posts, profiles=store.Archive.accounts(self, accounts), hashtag=session.hashtag,
            session_id=session.id,
            meta={"session": session, "timezone": session.timezone, "hosts": list(session.host_ids),
                  "newcomers": [a for a in session.author_ids if a in newcomers],
                  "segments": pd.Series(members["segment"].to_numpy(object),
                                        index=pd.Index(members["post_id"].astype(str).to_numpy(object),
                                                       name="post_id"), name="segment", dtype=object)
                  .reindex(own["post_id"].astype(str).to_numpy(object))},
            history=history,
        ))

    @staticmethod
    def _history(siblings: list[data.Session], participation: pd.DataFrame,
                 interactions: pd.DataFrame) -> data.History:
        """A session chat's :class:`~swchat.chat.History` from its hashtag's sessions (named) and
        the participation and interactions of the sessions asked for."""
        import pandas as pd

        id_of = {s.key: s.id for s in siblings}
        id_at = {s.start: s.id for s in siblings}
        start_of = {s.key: s.start for s in siblings}
        sessions = pd.DataFrame({"session": [s.id for s in siblings], "start": [s.start for s in siblings],
                                 "end": [s.end for s in siblings]})
        part = participation.assign(
            returned=participation["last_start"] > participation["session"].map(start_of),
            first_session=participation["first_start"].map(id_at),
            session=participation["session"].map(id_of))
        part = part[list(data.HISTORY_PARTICIPATION_COLUMNS)].reset_index(drop=True)
        seen = interactions.assign(session=interactions["session"].map(id_of))
        return data.History(sessions=sessions, participation=part,
                            interactions=seen[list(data.HISTORY_INTERACTION_COLUMNS)].reset_index(drop=True))

    def latest_session(self, hashtag: str | None = None, *, tz: str | None = "UTC", **options: Any) -> str:
        """The id of the latest session (of ``hashtag``, when given).

        Raises
        ------
        SelectionError
            When there is none.
        """
        rows = self._tables(None, options).rows(hashtag)
        listed = self._labelled(rows, tz)
        if hashtag is None:
            listed = self._without_co_hashtags(listed, rows)
        if not listed:
            what = f"#{hashtag.lstrip('#')}" if hashtag else "any hashtag"
            raise SelectionError(f"no sessions of {what} in {self.path}")
        return str(max(listed, key=lambda s: (s.start, s.id)).id)

    def participation_table(self, hashtag: str | None = None, *, tz: str | None = "UTC",
                            sessions: Iterable[data.Session] | None = None) -> pd.DataFrame:
        """Who took part in each session: one row per session and account, as a session chat's
        history has them (:data:`swchat.chat.HISTORY_PARTICIPATION_COLUMNS`: posts by kind,
        replies, mentions and retweets received, welcomed, first session, returned, followers),
        under this connection's privacy policy.

        Read from the stored participation table for all the sessions at once (the posts are
        not read), so it takes about as long for 400 sessions as a session's chat.

        Parameters
        ----------
        hashtag : str, optional
            The sessions of this hashtag (default: of every chat hashtag, as :meth:`sessions`).
        tz : str
            The time zone the session ids are listed in.
        sessions : iterable of Session, optional
            These sessions (as :meth:`sessions` lists them) instead.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> from swchat.sample import write_sample
        >>> tmp = pathlib.Path(tempfile.mkdtemp())
        >>> paths = write_sample(tmp, seed=7, sessions=3, posts=240)
        >>> with Archive(tmp / "chat.db") as archive:
        ...     _ = archive.ingest([paths["v2"]])
        ...     part = archive.participation_table("SWChat", tz="Europe/London")
        >>> part.groupby("session").size().tolist()
        [33, 32, 30]
        """
        import pandas as pd

        listed = list(sessions) if sessions is not None else self.sessions(hashtag, tz=tz)
        tables = self._tables(None, {})
        policy = self.policy()
        merge = self._merge()
        frames = [pd.DataFrame(columns=list(data.HISTORY_PARTICIPATION_COLUMNS))]
        for tag in sorted({s.hashtag for s in listed}):
            keys = [s.key for s in listed if s.hashtag == tag and s.key is not None]
            siblings = self._labelled(tables.rows(tag), tz)
            part = tables.participation(keys)
            if merge is not None:
                part = self._merged_part(tables, part, siblings, merge)
            history = self._history(siblings, part, tables.interactions(keys))
            protected = policy.history(history) if policy.active else history
            if protected is not None:
                frames.append(protected.participation)
        found = pd.concat([f for f in frames if len(f)] or frames[:1], ignore_index=True)
        order = {s.id: i for i, s in enumerate(listed)}
        return (found.assign(_n=found["session"].map(order)).sort_values(["_n", "platform", "account_id"],
                                                                       kind="stable")
                .drop(columns="_n").reset_index(drop=True))

    def community(self, hashtag: str, *, tz: str | None = "UTC", **options: Any) -> Community:
        """Who keeps coming back to a hashtag's chat: newcomers, returners, retention, receptivity.

        Read from the participation table (see :mod:`swchat.community` for the definitions,
        after Budak & Agrawal 2013); session ids are listed in ``tz``.

        Raises
        ------
        SelectionError
            When the hashtag has no sessions in the archive.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> from swchat.sample import write_sample
        >>> tmp = pathlib.Path(tempfile.mkdtemp())
        >>> paths = write_sample(tmp, seed=7, sessions=3, posts=240)
        >>> with Archive(tmp / "chat.db") as archive:
        ...     _ = archive.ingest([paths["v2"]])
        ...     c = archive.community("#SWChat", tz="Europe/London")
        >>> c.sessions[["session", "participants", "newcomers", "returners"]].values.tolist()
        [['SWChat-2026-10-07', 33, 33, 0], ['SWChat-2026-10-14', 32, 21, 11], ['SWChat-2026-10-21', 30, 15, 15]]
        """
        import pandas as pd

        from .community import community_from_participation

        tag = hashtag.lstrip("#")
        tables = self._tables(tag, options)
        listed = self._labelled(tables.rows(tag), tz)
        if not listed:
            raise SelectionError(f"no sessions of #{tag} in {self.path}")
        keys = [s.key for s in listed if s.key is not None]
        merge = self._merge()
        part = self._attendance(tables, keys, pseudonyms=merge is None)
        if merge is not None:  # a person: first seen in the first session of any of their accounts
            part = self.policy().accounts(_merged_rows(part, merge))  # merged by handle, then pseudonyms
        if self._platform is not None:  # that platform's posts; the sessions without any left out
            counts = tables.platform_posts(keys)
            posts = pd.Series({k: sum(counts.get(k, {}).values()) for k in keys}, dtype="int64")
            listed = [s for s in listed if posts.get(s.key, 0)]
            if not listed:
                raise SelectionError(f"no {data.PLATFORM_NAMES[self._platform]} posts in the sessions of #{tag} "
                                     f"in {self.path}")
            part = part[part["session"].isin([s.key for s in listed])]
        else:
            posts = tables.rows(tag).set_index("key")["posts"]
        id_of = {s.key: s.id for s in listed}
        sessions = pd.DataFrame({"session": [s.id for s in listed], "start": [s.start for s in listed],
                                 "posts": [int(posts[s.key]) for s in listed]})
        return community_from_participation(sessions, part.assign(session=part["session"].map(id_of)),
                                            hashtag=listed[0].hashtag)

    def site(self, folder: str | Path, hashtag: str | None = None, *, tz: str = "UTC", top: int = 5,
             figures: bool = True, force: bool = False,
             progress: Callable[[int, int, str, str], None] | None = None) -> SiteResult:
        """Write a chat's static website into ``folder`` (``swchat site``): an index of every session
        with search and the growth and retention pictures, each session's report as its own
        page, and the accounts page (see :func:`swchat.report.site.write_site` for the layout).

        The sessions are :meth:`sessions`', each page is the report of :meth:`session`'s chat,
        the newcomers, retention, pictures and accounts are :meth:`community`'s: all under this
        connection's privacy policy, so an opted-out account appears on no page. Running it again
        makes only the pages whose inputs changed (after next week's chat: its page and the index).

        Parameters
        ----------
        folder : str or Path
            Created when missing (its parent must exist); a folder holding other files and no site
            is refused.
        hashtag : str, optional
            The chat (default: the archive's only chat hashtag).
        tz : str
            The time zone of session ids, dates and times.
        top : int
            Items per list in each report.
        figures : bool
            Draw the pictures.
        force : bool
            Make every page again.
        progress : callable, optional
            ``progress(done, total, session_id, "written" | "unchanged")`` after each session.

        Returns
        -------
        swchat.report.site.SiteResult

        Raises
        ------
        SelectionError
            When the hashtag has no sessions, or none is given and the archive holds several chats.
        OutputError
            When ``folder`` cannot be used.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> from swchat.sample import write_sample
        >>> tmp = pathlib.Path(tempfile.mkdtemp())
        >>> paths = write_sample(tmp, seed=7, sessions=2, posts=160)
        >>> with Archive(tmp / "chat.db") as archive:
        ...     _ = archive.ingest([paths["v2"]])
        ...     done = archive.site(tmp / "site", tz="Europe/London", figures=False)
        >>> done.sessions, sorted(done.written)[:3]
        (2, ['accounts.html', 'index.html', 'sessions/SWChat-2026-10-07.html'])
        """
        from .report.site import SiteSession, write_site

        if hashtag is None:
            tags = sorted({s.hashtag for s in self.sessions(None, tz=tz)}, key=str.lower)
            if len(tags) != 1:
                found = ", ".join(f"#{t}" for t in tags)
                raise SelectionError(f"the archive holds the chats {found}: say which one" if tags else
                                     f"no sessions in {self.path}")
            hashtag = tags[0]
        tag = hashtag.lstrip("#")
        listed = [s for s in self.sessions(tag, tz=tz) if s.posts > 0]
        if not listed:
            raise SelectionError(f"no sessions of #{tag} in {self.path}")
        community = self.community(tag, tz=tz)
        table = community.sessions.set_index("session")

        def number(session_id: str, column: str) -> Any:
            if session_id not in table.index:
                return None
            value = table.at[session_id, column]
            return None if value != value else value  # NaN: not known (the last session's retention)

        def opener(session_id: str) -> Callable[[], Chat]:
            return lambda: self.session(session_id, tz=tz)

        pages = [SiteSession(id=s.id, start=s.start, end=s.end, posts=s.posts, participants=s.participants,
                             newcomers=None if number(s.id, "newcomers") is None else int(number(s.id, "newcomers")),
                             retention=number(s.id, "retention"),
                             questions=[str(q["text"]) for q in s.questions if q.get("text")], chat=opener(s.id))
                 for s in listed]
        return write_site(folder, pages, hashtag=listed[0].hashtag, tz=tz, community=community, top=top,
                          figures=figures, pseudonymised=self.policy().secret is not None, force=force,
                          progress=progress)

    def _attendance(self, tables: _Stored | _Computed, keys: Sequence[int], *, pseudonyms: bool = True) -> pd.DataFrame:
        """Who took part in these sessions (and was welcomed), under this connection's policy:
        excluded accounts leave, and a welcome only they gave no longer counts (``pseudonyms=False``:
        their own names kept, to be merged by handle first)."""
        part = tables.attendance(keys)
        policy = self.policy(pseudonyms=pseudonyms)
        if not policy.active:
            return part
        if policy.exclude:
            welcomed = _welcomed(tables.interactions(keys), policy)
            account = part["platform"].astype(str) + ":" + part["account_id"].astype(str)
            part = part.assign(welcomed=[(s, a) in welcomed for s, a in zip(part["session"], account, strict=True)])
        return policy.accounts(part)

    # -- selections ---------------------------------------------------------------------
    def select(self, hashtag: str | None = None, since: str | datetime | None = None,
               until: str | datetime | None = None, **options: Any) -> Chat:
        """A :class:`Chat` of the posts selected as in :meth:`swchat.archive.Archive.posts`
        (options ``replies``, ``context``, ``platform``, ``columns``: for a network of a big
        selection, ``columns=swchat.network.NETWORK_COLUMNS`` takes far less memory).

        Raises
        ------
        SelectionError
            When nothing matches.
        """
        if options.get("columns") is not None and self.policy().active:
            options = {**options, "columns": None}  # hiding people reads texts, names and links
        if self._platform is not None:
            options = {**options, "platform": options.get("platform") or self._platform}
        posts = store.Archive.posts(self, hashtag, since, until, **options)
        if not (~posts["is_context"]).any():
            what = f"#{hashtag.lstrip('#')}" if hashtag else "posts"
            raise SelectionError(f"no {what} in {self.path} for that selection")
        keys = set(zip(posts["platform"], posts["author_id"], strict=True))
        chat = Chat(posts=posts, profiles=store.Archive.accounts(self, keys),
                    hashtag=hashtag.lstrip("#") if hashtag else None)
        chat = self._protected(chat)
        if not (~chat.posts["is_context"]).any():
            raise SelectionError(f"no posts left in {self.path} for that selection once opted-out accounts are "
                                 "left out")
        for key, value in (("since", since), ("until", until)):
            if value:
                chat.meta[key] = value
        return chat

    def chat(self, session_id: str | None = None, hashtag: str | None = None, since: str | datetime | None = None,
             until: str | datetime | None = None, *, tz: str | None = "UTC",
             columns: Iterable[str] | None = None) -> Chat:
        """The chat a command asks for: one session by its id, or a selection of posts.

        With ``session_id``, :meth:`session` (the id as listed in ``tz``, else in UTC); otherwise
        :meth:`select` (all posts when nothing is given; only ``columns``, when given), with
        ``since`` and ``until`` recorded in ``chat.meta`` (network exports state the selection).

        Raises
        ------
        ValueError
            When both a session id and a selection are given.
        SelectionError
            When there is no such session, or nothing is selected.
        """
        if session_id:
            if hashtag or since or until:
                raise ValueError("give either a session id or a selection (hashtag, since, until), not both")
            return self.session(session_id, tz=tz)
        return self.select(hashtag, since, until, columns=columns)

    def network(self, session_id: str | None = None, hashtag: str | None = None,
                since: str | datetime | None = None, until: str | datetime | None = None, *,
                kind: str = "all", self_loops: bool = False, tz: str | None = "UTC",
                community: str | None = "louvain", seed: int = 42) -> nx.Graph:
        """The network of the chat a command asks for (``swchat network``): the participant network
        (:func:`swchat.network.chat_network`), or the hashtag co-occurrence network with
        ``kind="hashtag"`` (:func:`swchat.network.hashtag_network`).

        A selection (no ``session_id``) is read a slice at a time
        (:func:`swchat.network.selection_network`), so the network of every post of a chat's
        history never holds all its posts in memory; with an opt-out list or pseudonyms in force
        the selection is protected as a whole first (:meth:`select`), as for every analysis.

        Parameters
        ----------
        session_id, hashtag, since, until, tz
            The chat, as for :meth:`chat`.
        kind : {"all", "reply", "mention", "retweet", "quote", "hashtag"}
            The edges.
        self_loops : bool
            Keep edges from an account to itself.
        community : {"louvain", "cnm", None}
            Partition stored in the ``community`` node attribute (participant networks).
        seed : int
            Seed for Louvain.

        Raises
        ------
        SelectionError
            When there is no such session, or nothing is selected.

        Examples
        --------
        >>> import orjson, tempfile, pathlib
        >>> tmp = pathlib.Path(tempfile.mkdtemp())
        >>> tweets = [{"id": str(100 + i), "author_id": str(i % 3), "text": f"A1 yes #SWChat",
        ...            "created_at": f"2026-10-07T19:{i:02d}:00.000Z", "in_reply_to_user_id": "0",
        ...            "entities": {"hashtags": [{"tag": "SWChat"}]}} for i in range(6)]
        >>> _ = (tmp / "page.jsonl").write_bytes(orjson.dumps({"data": tweets}) + b"\\n")
        >>> with open(tmp / "chat.db", create=True) as archive:
        ...     _ = archive.ingest([tmp / "page.jsonl"])
        ...     G = archive.network(hashtag="SWChat", kind="reply")
        >>> sorted(G.edges(data="reply")), G.graph["posts"]
        ([('1', '0', 2), ('2', '0', 2)], 6)
        """
        from . import network as nw

        streamed = session_id is None and kind != "hashtag" and not self.policy().active and not self._people
        if not streamed:
            chat = self.chat(session_id, hashtag, since, until, tz=tz, columns=nw.NETWORK_COLUMNS)
            if kind == "hashtag":
                return nw.hashtag_network(chat.posts, exclude=chat.hashtag)
            return nw.chat_network(chat, kind=kind, self_loops=self_loops, community=community, seed=seed)
        if hashtag:
            hashtag = hashtag.lstrip("#")

        from .privacy import alias_authors

        aliases = store.Archive.handle_aliases(self)  # sheet authors known by handle: their ids

        def slices(columns: tuple[str, ...]) -> Iterable[pd.DataFrame]:
            # 10,000 posts a slice: the reading's peak memory is a quarter of that of 25,000-post
            # slices (measured on 200,000 posts: 246 MB in all against 312 MB), at the same speed
            for part in store.Archive.post_slices(self, hashtag, since, until, columns=columns, size=10_000,
                                                  platform=self._platform):
                yield alias_authors(part, aliases)

        def posts_with_ids(keys: Iterable[tuple[str, str]]) -> pd.DataFrame:
            return alias_authors(store.Archive.posts_with_ids(self, keys, context=False), aliases)

        try:
            return nw.selection_network(
                slices, kind=kind, profiles=lambda keys: store.Archive.accounts(self, keys), self_loops=self_loops,
                hashtag=hashtag, since=since, until=until, community=community, seed=seed,
                posts_with_ids=posts_with_ids)
        except SelectionError:
            what = f"#{hashtag}" if hashtag else "posts"
            raise SelectionError(f"no {what} in {self.path} for that selection") from None

    def export(self, folder: str | Path, *, format: str = "parquet", tables: Iterable[str] | str | None = None,
               session_id: str | None = None, hashtag: str | None = None, since: str | datetime | None = None,
               until: str | datetime | None = None, platform: str | None = None, tz: str | None = "UTC",
               layout: str = "files") -> Exported:
        """Write the tables of a selection into ``folder`` (``swchat export``).

        The chat is :meth:`session` (with ``session_id``) or :meth:`select` (``hashtag``,
        ``since``, ``until``, ``platform``; every post when none is given), so the archive's
        consent rules are applied as everywhere else. The sessions are those :meth:`sessions`
        lists for the selection (starting in ``[since, until)``, on ``platform``), and the
        participation table is :meth:`participation_table`'s. Tables and formats: :mod:`swchat.exports`.

        With nobody to hide (no opt-out, pseudonyms or people file in force), a selection is read
        a slice at a time (:func:`swchat.exports.export_selection`, the same tables): memory
        holds one slice and the accounts, not the selection.

        Parameters
        ----------
        folder : str or Path
            Created when missing (its parent must exist).
        format : {"parquet", "csv", "jsonl", "ids"}
        tables : iterable of str or str, optional
            ``posts``, ``accounts``, ``edges``, ``sessions``, ``participation`` (default: all;
            for ``ids``: ``posts``).
        session_id, hashtag, since, until, platform
            The selection (a session id, or the others).
        tz : str
            The time zone session ids are listed in.
        layout : {"files", "partitioned"}
            Parquet only: posts and edges in ``tag=…/month=…`` folders.

        Returns
        -------
        swchat.exports.Exported
            Table → file (or files), with ``rows``, ``files`` (rows per file) and ``manifest``.

        Raises
        ------
        ValueError
            When both a session id and a selection are given, or for a request
            :func:`swchat.exports.check_request` refuses.
        SelectionError
            When there is no such session, or nothing is selected.
        """
        from .exports import (
            SESSIONS_AT_A_TIME,
            SLICE_POSTS,
            check_request,
            export_chat,
            export_selection,
            sessions_between,
        )

        wanted = check_request(format, tables, layout)
        selection = {"since": since, "until": until, "platform": platform, "tz": tz}
        if session_id:
            if hashtag or since or until or platform:
                raise ValueError("give either a session id or a selection (hashtag, since, until, platform), not both")
            chat = self.session(session_id, tz=tz)
            return export_chat(chat, folder, format=format, tables=wanted, layout=layout, selection=selection)
        streamed = not self.policy().active and not self._people
        whole = None if streamed else self.select(hashtag, since, until, platform=platform)
        needs_sessions = format != "ids" and bool(set(wanted) - {"accounts"} or layout == "partitioned")
        # read in slices, a post's session is looked up in the stored tables, slice by slice
        looked_up = streamed and self._stored_sessions_usable()
        listed = sessions_between(self.sessions(hashtag, tz=tz, members=not looked_up), since, until, platform) \
            if needs_sessions else []
        if whole is not None:
            participation = self.participation_table(sessions=listed, tz=tz) if "participation" in wanted else None
            return export_chat(whole, folder, format=format, tables=wanted, sessions=listed,
                               participation=participation, layout=layout, selection=selection)
        rank = {s.key: i for i, s in enumerate(listed) if s.key is not None}

        def sessions_of(keys: Iterable[tuple[str, str]]) -> dict[str, str]:
            first: dict[str, int] = {}  # the first session listed wins, as post_sessions() has it
            for _platform, post_id, key in self.member_sessions(keys):
                i = rank.get(key)
                if i is not None and i < first.get(str(post_id), len(listed)):
                    first[str(post_id)] = i
            return {post_id: listed[i].id for post_id, i in first.items()}

        # a few sessions at a time; an account merged from several (a sheet's handle and its id)
        # has its first session found over all of them
        at_a_time = SESSIONS_AT_A_TIME if self._merge() is None else max(len(listed), 1)
        participation = (self.participation_table(sessions=listed[i:i + at_a_time], tz=tz)
                         for i in range(0, len(listed), at_a_time)) if "participation" in wanted else None

        # nobody to hide: the posts are read a slice at a time, never all at once
        def slices(columns: tuple[str, ...]) -> Iterator[pd.DataFrame]:
            return store.Archive.post_slices(self, hashtag, since, until, columns=columns, size=SLICE_POSTS,
                                             platform=platform or self._platform, ordered=True)

        try:
            return export_selection(
                slices, folder, profiles=lambda keys: store.Archive.accounts(self, keys),
                posts_with_ids=lambda keys: store.Archive.posts_with_ids(self, keys, context=False),
                aliases=store.Archive.handle_aliases(self), hashtag=hashtag, format=format, tables=wanted,
                sessions=listed, sessions_of=sessions_of if looked_up and listed else None,
                participation=participation, layout=layout, selection=selection)
        except SelectionError:
            what = f"#{hashtag.lstrip('#')}" if hashtag else "posts"
            raise SelectionError(f"no {what} in {self.path} for that selection") from None


def _welcomed(interactions: pd.DataFrame, policy: Privacy) -> set[tuple[Any, str]]:
    """``(session, "platform:account_id")`` of who received a reply or mention from an account
    the policy keeps."""
    def kept(value: Any) -> bool:
        platform, _, rest = str(value).partition(":")
        return not (policy.excludes(platform, rest) or (rest.startswith("@") and policy.excludes(platform, None, rest)))

    welcoming = interactions[interactions["type"].isin(["reply", "mention"]).to_numpy(bool)]
    welcoming = welcoming[welcoming["source"].map(kept).to_numpy(bool)]
    return set(zip(welcoming["session"], welcoming["target"].astype(str), strict=True))


def _unmerged(platform: Any, account_id: Any, handle: Any) -> None:
    """The :data:`Merge` of a connection that merges nothing: every account counts as itself."""
    return None


def _on_platform(session: data.Session, own: pd.DataFrame | None, authors: set[str] | None = None) -> None:
    """Keep a session's questions and hosts that are among its own posts ``own`` and their
    authors (or these ``authors``): one platform's, :meth:`Archive.only_platform`."""
    if own is not None:
        posted = set(own["post_id"].astype(str))
        authors = set(own["author_id"].astype(str))
        session.questions = [q for q in session.questions if str(q.get("post_id")) in posted]
    else:
        authors = authors or set()
        session.questions = [q for q in session.questions if str(q.get("host_id")) in authors]
    if len(session.hosts) == len(session.host_ids):
        kept = [(h, i) for h, i in zip(session.hosts, session.host_ids, strict=True) if str(i) in authors]
        session.hosts, session.host_ids = [h for h, _ in kept], [i for _, i in kept]


#: How an account's participation rows merge: ``merge(platform, account_id, handle)`` gives
#: ``(key, account_id, handle)`` of the account (or person) they count as, or ``None`` to stay.
Merge = Callable[[Any, Any, Any], "tuple[str, str, str] | None"]


def _merger(people: dict[str, str], aliases: dict[tuple[str, str], tuple[str, str]]) -> Merge | None:
    """How accounts merge at selection time: an account known only by its handle
    (``handle:<handle>``, from a sheet without ids) becomes the account with that handle's id on
    the same platform (``aliases``, :meth:`swchat.archive.Archive.handle_aliases`); then a linked
    person's accounts (``people``: account entry → label, matched by handle, then by id, as
    :func:`swchat.privacy.link_people` matches them) become ``person:<label>``. ``None`` when
    nothing merges.

    Examples
    --------
    >>> merge = _merger({"ann.bsky.social": "Ann"}, {("x", "handle:bob"): ("42", "Bob")})
    >>> merge("x", "handle:bob", "bob"), merge("bluesky", "did:1", "ann.bsky.social"), merge("x", "7", "cat")
    (('x:42', '42', 'Bob'), ('person:Ann', 'person:Ann', 'Ann'), None)
    """
    from .schema import account_entry

    if not people and not aliases:
        return None

    def merge(platform: Any, account_id: Any, handle: Any) -> tuple[str, str, str] | None:
        real = aliases.get((platform, account_id)) if isinstance(account_id, str) else None
        if real is not None:
            account_id, handle = real[0], real[1] or handle
        for value in (handle, account_id):
            if people and value is not None and value == value and str(value):
                label = people.get(account_entry(str(value)))
                if label:
                    return f"person:{label}", f"person:{label}", label
        return None if real is None else (f"{platform}:{account_id}", str(account_id), str(handle))

    return merge


#: Participation columns that add up over merged accounts.
_SUMMED = ("posts", "originals", "replies", "retweets", "quotes", "replies_received", "mentions_received",
           "retweets_received")


def _merged_rows(part: pd.DataFrame, merge: Merge, spans: dict[str, tuple[Any, Any]] | None = None) -> pd.DataFrame:
    """Participation (or attendance) rows with the accounts ``merge`` merges made one row per
    session (see :func:`_merger`): its ``account_id`` and ``handle``, ``platform`` the platforms
    of the merged accounts in these rows (``"bluesky, mastodon"`` for a person on both, as a
    network node's; the same in every session, so it is one account key ``platform:account_id``),
    counts summed, ``welcomed`` if any account was, ``first_post`` the earliest, ``followers``
    the posts-weighted mean (so posts × followers, the potential reach, stays the sum of the
    accounts'), and ``first_start``/``last_start`` the merged span over the hashtag's sessions
    (``spans``: key → (first, last) start) or, without ``spans``, over these rows. Other rows
    are left as they are.

    Examples
    --------
    >>> import pandas as pd
    >>> part = pd.DataFrame({"session": [1, 1, 1], "platform": ["mastodon", "bluesky", "x"],
    ...                      "account_id": ["m1", "did:1", "7"], "handle": ["ann@a.example", "ann.bsky.social", "bob"],
    ...                      "posts": [2, 3, 1], "welcomed": [True, False, False]})
    >>> merge = _merger({"ann@a.example": "Ann", "ann.bsky.social": "Ann"}, {})
    >>> _merged_rows(part, merge)[["platform", "account_id", "handle", "posts", "welcomed"]].values.tolist()
    [['bluesky, mastodon', 'person:Ann', 'Ann', 5, True], ['x', '7', 'bob', 1, False]]
    """
    import pandas as pd

    if part.empty:
        return part
    found = [merge(p, a, h) for p, a, h in zip(part["platform"], part["account_id"], part["handle"], strict=True)]
    if not any(found):
        return part
    names = {f[0]: (f[1], f[2]) for f in found if f}
    # an account another one merges into (a sheet handle's id) joins the merged rows too
    keys = [f[0] if f else f"{p}:{a}" for f, p, a in zip(found, part["platform"], part["account_id"], strict=True)]
    marked = part.assign(_key=pd.Series([k if k in names else None for k in keys], index=part.index, dtype=object))
    linked = marked[marked["_key"].notna()]
    platforms = linked.groupby("_key")["platform"].agg(lambda p: ", ".join(sorted({str(v) for v in p})))
    how: dict[str, Any] = {c: "first" for c in linked.columns if c not in ("session", "_key")}
    how.update({c: "sum" for c in _SUMMED if c in linked})
    if "welcomed" in linked:
        how["welcomed"] = "any"
    for column, agg in (("first_post", "min"), ("first_start", "min"), ("last_start", "max")):
        if column in linked:
            how[column] = agg
    if "followers" in linked and "posts" in linked:
        reach = pd.to_numeric(linked["followers"], errors="coerce") * linked["posts"]
        linked = linked.assign(_reach=reach, _known=linked["posts"].where(reach.notna()))
        how.update({"_reach": lambda s: s.sum(min_count=1), "_known": "sum"})
    grouped = linked.groupby(["session", "_key"], sort=False).agg(how).reset_index()
    if "_reach" in grouped:
        mean = grouped["_reach"] / grouped["_known"].where(grouped["_known"] > 0)
        grouped["followers"] = [None if m != m else round(m) for m in mean]
        grouped = grouped.drop(columns=["_reach", "_known"])
    grouped["account_id"] = [names[k][0] for k in grouped["_key"]]
    grouped["handle"] = [names[k][1] for k in grouped["_key"]]
    grouped["platform"] = grouped["_key"].map(platforms)
    for at, column in enumerate(("first_start", "last_start")):
        if spans is not None and column in grouped:
            grouped[column] = [spans[k][at] if k in spans else v for k, v in
                               zip(grouped["_key"], grouped[column], strict=True)]
    rest = marked[marked["_key"].isna()]
    out = pd.concat([rest, grouped[[c for c in marked.columns if c in grouped]]], ignore_index=True)
    out = out[list(part.columns)]
    if "welcomed" in out:
        out["welcomed"] = out["welcomed"].astype(bool)
    return out.sort_values(["session", "platform", "account_id"], kind="stable").reset_index(drop=True)


def _stored_options() -> str:
    """The session options the stored tables are made with, as :meth:`Archive.refresh_sessions`
    records them (the gap written as pandas writes a Timedelta, as it always was; without pandas).

    Examples
    --------
    >>> _stored_options()
    'gap=0 days 01:30:00;min_posts=10;min_participants=3'
    """
    from .choices import SESSION_GAP_MINUTES, SESSION_MIN_PARTICIPANTS, SESSION_MIN_POSTS

    days, minutes = divmod(SESSION_GAP_MINUTES, 24 * 60)
    gap = f"{days} days {minutes // 60:02d}:{minutes % 60:02d}:00"
    return f"gap={gap};min_posts={SESSION_MIN_POSTS};min_participants={SESSION_MIN_PARTICIPANTS}"


def _derive_module() -> Any:
    """:mod:`swchat.derive`, imported when a stretch first needs deriving (it loads pandas)."""
    from . import derive

    return derive


def _derive_sessions(posts: Any) -> Any:
    """:func:`swchat.derive.derive_sessions` (see :func:`_derive_module`)."""
    return _derive_module().derive_sessions(posts)


def _default_options(options: dict[str, Any]) -> bool:
    """Whether session options are those the stored tables are made with."""
    from .questions import as_timedelta
    from .sessions import DEFAULT_GAP, DEFAULT_MIN_PARTICIPANTS, DEFAULT_MIN_POSTS

    if options.get("hosts"):
        return False
    if "gap" in options and as_timedelta(options["gap"], "gap") != DEFAULT_GAP:
        return False
    return (int(options.get("min_posts", DEFAULT_MIN_POSTS)) == DEFAULT_MIN_POSTS
            and int(options.get("min_participants", DEFAULT_MIN_PARTICIPANTS)) == DEFAULT_MIN_PARTICIPANTS)


def open(path: str | Path | None = None, *, create: bool = False, read_only: bool | None = None,
         notify: Callable[[str], None] | None = None, write_wait: float | None = None) -> Archive:
    """Open an archive (``$SWCHAT_ARCHIVE`` or ``swchat.db`` by default).

    Parameters
    ----------
    path : str or Path, optional
    create : bool
        Create the file when it does not exist (otherwise that is an
        :class:`~swchat.errors.ArchiveError`).
    read_only : bool or None
        ``True`` to open it read-only (``mode=ro``: nothing is written, not even the session
        tables); ``None`` (default): read-only only when it cannot be written. See :class:`Archive`.
    notify, write_wait
        How a write that has to wait for another process writing to the archive says so
        (default: on stderr), and how long it waits at most (default: as long as it takes).
    """
    return Archive(path, create=create, read_only=read_only, notify=notify, write_wait=write_wait)

