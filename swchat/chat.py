"""The data of one selection: a :class:`Chat`, its :class:`Session` and its :class:`History`.

This is the layer between the archive and the analyses. Everything here is plain data — typed
DataFrames and small records — so the analyses (pure functions of DataFrames) can take it without
knowing where it came from, and the archive can hand it out without knowing the analyses:

- :class:`Chat` — the posts and account snapshots of one selection (a session, a hashtag, a time
  range), with the session it is, when it is one, and the history it needs;
- :class:`Session` and :class:`Schedule` — one chat session of a hashtag and when the chat meets
  (found by :func:`swchat.sessions.find_sessions`, stored in the archive's derived tables);
- :class:`History` — the chat's place among the sessions of its hashtag: the sessions in time
  order and the per-session participation of the accounts, read from the archive's derived
  tables (:mod:`swchat.archive`), so that newcomers, returners and the change since the previous
  session are queries over participation, never re-analyses of old sessions.

:func:`swchat.open` (:class:`swchat.Archive`) makes chats with their history; the public
:class:`swchat.Chat` adds shortcuts to the analyses (``chat.threads()``, ``chat.network()`` …).

Examples
--------
>>> from swchat.schema import new_post, posts_frame
>>> posts = posts_frame([new_post(platform="x", post_id="1", author_id="9", author_handle="ann",
...                               created_at="2026-09-02T19:00:00.000Z", text="Q1: hi #SWChat",
...                               hashtags=["SWChat"])])
>>> chat = Chat(posts=posts)
>>> chat.own_posts.shape[0], chat.participants
(1, 1)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .schema import iso_utc

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "DAYS",
    "HISTORY_INTERACTION_COLUMNS",
    "HISTORY_PARTICIPATION_COLUMNS",
    "HISTORY_SESSION_COLUMNS",
    "PLATFORM_NAMES",
    "Chat",
    "History",
    "Schedule",
    "Session",
    "platform_shares",
]

#: How a report names each platform.
PLATFORM_NAMES = {"x": "X", "mastodon": "Mastodon", "bluesky": "Bluesky"}


def platform_shares(counts: Any) -> str:
    """Each platform's share of the posts, largest first: ``"60 % Mastodon, 40 % Bluesky"``.

    Parameters
    ----------
    counts : mapping or iterable
        Posts per platform (``{"mastodon": 6, "bluesky": 4}``), or one platform name per post.

    Examples
    --------
    >>> platform_shares({"bluesky": 4, "mastodon": 6})
    '60 % Mastodon, 40 % Bluesky'
    >>> platform_shares(["x", "x", "mastodon"])
    '67 % X, 33 % Mastodon'
    """
    from collections import Counter

    tally = Counter(dict(counts)) if hasattr(counts, "items") else Counter(str(c) for c in counts)
    total = sum(tally.values())
    if not total:
        return ""
    ranked = sorted(((n, k) for k, n in tally.items() if n), key=lambda t: (-t[0], t[1]))
    return ", ".join(f"{round(100 * n / total)} % {PLATFORM_NAMES.get(k, k)}" for n, k in ranked)


#: Weekday names, Monday first (``datetime.weekday()`` order).
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass
class Schedule:
    """When a chat meets: a local weekday and start time in a time zone (Cook et al. 2013).

    Attributes
    ----------
    weekday : int
        0 = Monday … 6 = Sunday.
    hour, minute : int
        Local start time (rounded to the half hour).
    timezone : str
        The zone the time is local to (daylight saving time followed).
    cadence : str
        ``weekly``, ``fortnightly``, ``monthly`` or ``irregular``.
    sessions, total : int
        Sessions on this schedule, and sessions in all.
    duration_minutes : int
        Median session length, to the nearest 5 minutes.
    """

    weekday: int
    hour: int
    minute: int
    timezone: str
    cadence: str
    sessions: int
    total: int
    duration_minutes: int

    @property
    def weekday_name(self) -> str:
        """The weekday's English name (``Wednesday``)."""
        return DAYS[self.weekday]

    @property
    def time(self) -> str:
        """The local start time as ``HH:MM``."""
        return f"{self.hour:02d}:{self.minute:02d}"

    def describe(self) -> str:
        """A sentence such as ``meets Wednesdays 20:00 Europe/London``.

        Examples
        --------
        >>> Schedule(2, 20, 0, "Europe/London", "weekly", 6, 6, 60).describe()
        'meets Wednesdays 20:00 Europe/London'
        """
        day = self.weekday_name
        when = f"{self.time} {self.timezone}"
        if self.cadence == "fortnightly":
            return f"meets every other {day} {when}"
        if self.cadence == "monthly":
            return f"meets monthly on {day}s {when}"
        if self.cadence == "irregular":
            return f"meets on some {day}s {when}"
        return f"meets {day}s {when}"

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready values (``weekday`` as a name, ``local_hour`` as in the sample truth)."""
        return {
            "weekday": self.weekday_name, "local_hour": self.hour, "local_minute": self.minute,
            "time": self.time, "timezone": self.timezone, "cadence": self.cadence,
            "sessions": self.sessions, "total": self.total,
            "duration_minutes": self.duration_minutes, "description": self.describe(),
        }


@dataclass
class Session:
    """One chat session: a dense burst of a hashtag's posts.

    Attributes
    ----------
    id : str
        ``<Hashtag>-<YYYY-MM-DD>`` (local date of the start; ``-2`` … for a second session that
        day); unique within an archive.
    hashtag : str
        The hashtag as most commonly spelled, without ``#``.
    start, end : pandas.Timestamp
        First and last post times (timezone-aware UTC).
    post_ids : list of str
        The session's own posts, hashtag-less replies included, in time order (empty in a
        listing made without ``members=True``: the counts are there, see ``posts``).
    author_ids : list of str
        Distinct authors of those posts (Symplur's participants), in order of first post
        (empty in a listing made without ``members=True``).
    hosts : list of str
        Handles of the accounts that posted the questions (or those given).
    host_ids : list of str
        Their account ids.
    questions : list of dict
        ``number``, ``post_id``, ``time`` (ISO UTC), ``host``, ``host_id``, ``text`` of each question.
    timezone : str
        The zone used for the id and the local times.
    schedule : Schedule or None
        The hashtag's detected schedule (shared by its sessions), if it recurs.
    on_schedule : bool
        Whether this session matches the schedule.
    platform : str
        Platform of most of its posts.
    platforms : dict
        Posts per platform (one chat held on several platforms at once is one session); see
        :attr:`platform_shares`.
    first_post_time : pandas.Timestamp
        When its first 5 % of posts had been made (the start used for the schedule).
    key : int or None
        The session's row in the archive's derived tables, when it came from an archive.
    post_count, participant_count : int or None
        The numbers of posts and participants, when the lists are not loaded.
    """

    id: str
    hashtag: str
    start: pd.Timestamp
    end: pd.Timestamp
    post_ids: list[str]
    author_ids: list[str]
    hosts: list[str] = field(default_factory=list)
    host_ids: list[str] = field(default_factory=list)
    questions: list[dict[str, Any]] = field(default_factory=list)
    timezone: str = "UTC"
    schedule: Schedule | None = None
    on_schedule: bool = False
    platform: str = "x"
    first_post_time: pd.Timestamp | None = field(default=None, repr=False)
    key: int | None = field(default=None, repr=False, compare=False)
    post_count: int | None = field(default=None, repr=False, compare=False)
    participant_count: int | None = field(default=None, repr=False, compare=False)
    platforms: dict[str, int] = field(default_factory=dict, repr=False, compare=False)

    @property
    def platform_shares(self) -> str:
        """Each platform's share of the session's posts (``"60 % Mastodon, 40 % Bluesky"``; empty
        when :attr:`platforms` is unknown)."""
        return platform_shares(self.platforms)

    @property
    def cross_platform(self) -> bool:
        """Whether the session's posts come from more than one platform."""
        return sum(1 for n in self.platforms.values() if n) > 1

    @property
    def posts(self) -> int:
        """Number of posts in the session."""
        return len(self.post_ids) if self.post_ids or self.post_count is None else self.post_count

    @property
    def participants(self) -> int:
        """Distinct accounts that posted at least once in the session (Symplur's definition)."""
        return len(self.author_ids) if self.author_ids or self.participant_count is None else self.participant_count

    @property
    def duration(self) -> pd.Timedelta:
        """``end - start``."""
        return self.end - self.start

    @property
    def local_start(self) -> pd.Timestamp:
        """The start in the session's time zone."""
        return self.start.tz_convert(self.timezone)

    @property
    def local_end(self) -> pd.Timestamp:
        """The end in the session's time zone."""
        return self.end.tz_convert(self.timezone)

    @property
    def weekday(self) -> str:
        """Local weekday name of the start."""
        return DAYS[self.local_start.weekday()]

    def as_dict(self, ids: bool = False) -> dict[str, Any]:
        """JSON-ready values; ``ids=True`` adds ``post_ids`` and ``author_ids``.

        Examples
        --------
        >>> import pandas as pd
        >>> s = Session("SWChat-2026-10-07", "SWChat", pd.Timestamp("2026-10-07T19:00Z"),
        ...             pd.Timestamp("2026-10-07T19:58Z"), ["1", "2"], ["9"], hosts=["ann"],
        ...             timezone="Europe/London")
        >>> d = s.as_dict()
        >>> d["start"], d["local_start"], d["posts"], d["participants"], d["weekday"]
        ('2026-10-07T19:00:00.000Z', '2026-10-07T20:00:00+01:00', 2, 1, 'Wednesday')
        """
        out: dict[str, Any] = {
            "id": self.id,
            "hashtag": self.hashtag,
            "start": iso_utc(self.start.to_pydatetime()),
            "end": iso_utc(self.end.to_pydatetime()),
            "local_start": self.local_start.isoformat(),
            "local_end": self.local_end.isoformat(),
            "timezone": self.timezone,
            "weekday": self.weekday,
            "duration_minutes": round(self.duration.total_seconds() / 60, 1),
            "posts": self.posts,
            "participants": self.participants,
            "hosts": list(self.hosts),
            "questions": [dict(q) for q in self.questions],
            "on_schedule": self.on_schedule,
            "schedule": self.schedule.as_dict() if self.schedule else None,
        }
        if self.cross_platform:
            out["platforms"] = {k: int(n) for k, n in self.platforms.items() if n}
        if ids:
            out["post_ids"] = list(self.post_ids)
            out["author_ids"] = list(self.author_ids)
        return out


#: Columns of :attr:`History.sessions`.
HISTORY_SESSION_COLUMNS = ("session", "start", "end")
#: Columns of :attr:`History.participation`.
HISTORY_PARTICIPATION_COLUMNS = (
    "session", "platform", "account_id", "handle", "posts", "originals", "replies", "retweets", "quotes",
    "replies_received", "mentions_received", "retweets_received", "welcomed", "first_session",
    "returned", "followers")
#: Columns of :attr:`History.interactions`.
HISTORY_INTERACTION_COLUMNS = ("session", "post_id", "source", "target", "type")


@dataclass
class History:
    """A session's place among the sessions of its hashtag (handed in by the archive).

    Read from the archive's derived tables, whose definitions follow Budak & Agrawal (2013):
    a **newcomer** is an account whose first session of the hashtag in the archive is this one;
    it was **welcomed** when it received a reply or an in-text mention from someone else in that
    session (perceived receptivity); it **returned** when it took part in a later session.

    Attributes
    ----------
    sessions : pandas.DataFrame
        Every session of the hashtag in time order (:data:`HISTORY_SESSION_COLUMNS`): ``session``
        (id in the chat's time zone), ``start`` and ``end`` (UTC).
    participation : pandas.DataFrame
        One row per (session, account) for the sessions asked for — a session's chat holds its own
        and the previous session's (:data:`HISTORY_PARTICIPATION_COLUMNS`): posts by kind, replies,
        mentions and retweets received from others, ``welcomed``, ``first_session`` (id of the
        account's first session of the hashtag), ``returned`` (seen in a later session) and
        ``followers`` (newest account snapshot; for potential reach).
    interactions : pandas.DataFrame
        The replies, in-text mentions and retweets of those sessions (``source`` → ``target``
        account keys ``platform:id``, ``type``, ``post_id``), so that a publishing policy that
        leaves accounts out can recount what the others received.
    """

    sessions: pd.DataFrame
    participation: pd.DataFrame
    interactions: pd.DataFrame

    def index(self, session_id: str | None) -> int | None:
        """Position of a session in :attr:`sessions` (``None`` when it is not there).

        Examples
        --------
        >>> import pandas as pd
        >>> h = History(pd.DataFrame({"session": ["a", "b"]}), pd.DataFrame(), pd.DataFrame())
        >>> h.index("b"), h.index("c")
        (1, None)
        """
        ids = [str(s) for s in self.sessions["session"]] if len(self.sessions) else []
        return ids.index(str(session_id)) if session_id is not None and str(session_id) in ids else None

    def previous(self, session_id: str | None) -> str | None:
        """The id of the session before ``session_id`` (``None`` for the first one).

        Examples
        --------
        >>> import pandas as pd
        >>> h = History(pd.DataFrame({"session": ["a", "b"]}), pd.DataFrame(), pd.DataFrame())
        >>> h.previous("b"), h.previous("a")
        ('a', None)
        """
        at = self.index(session_id)
        return None if not at else str(self.sessions["session"].iloc[at - 1])

    def is_last(self, session_id: str | None) -> bool:
        """Whether no session of the hashtag follows this one."""
        at = self.index(session_id)
        return at is not None and at == len(self.sessions) - 1


@dataclass
class Chat:
    """The posts and accounts of one selection.

    Parameters
    ----------
    posts : pandas.DataFrame
        Canonical posts (see :mod:`swchat.schema`); rows with ``is_context`` are referenced posts
        (a replied-to, quoted or retweeted post) that are not part of the selection itself but
        let threads and retweets resolve.
    profiles : pandas.DataFrame, optional
        Canonical account snapshots (the newest of every author); empty when not given.
    hashtag : str, optional
        The chat's hashtag (without ``#``), when the selection was by hashtag.
    session_id : str, optional
        The session this chat is, when it is one.
    meta : dict
        ``session`` (the :class:`Session`), ``timezone``, ``hosts`` (host account ids),
        ``newcomers`` (account ids whose first session of the hashtag this is), ``segments``
        (post id → question segment, as stored), ``since``/``until`` of a time selection, and
        ``privacy`` once a publishing policy was applied.
    history : History, optional
        The chat's place among the sessions of its hashtag (for a session of an archive).
    """

    posts: pd.DataFrame
    profiles: pd.DataFrame | None = None
    hashtag: str | None = None
    session_id: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    history: History | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.profiles is None:
            from .schema import accounts_frame

            self.profiles = accounts_frame([])

    @property
    def session(self) -> Session | None:
        """The session this chat is (``meta["session"]``), if it is one."""
        session = self.meta.get("session")
        return session if isinstance(session, Session) else None

    @property
    def own_posts(self) -> pd.DataFrame:
        """The selection's own posts (context posts left out)."""
        return self.posts[~self.posts["is_context"]]

    @property
    def participants(self) -> int:
        """Distinct accounts that posted at least once in the selection (Symplur's definition)."""
        own = self.own_posts
        # an account is (platform, id); a person linked across platforms (``person:<label>``) is one
        keys = {a if str(a).startswith("person:") else (p, a) for p, a in zip(own["platform"], own["author_id"],
                                                                                strict=True)}
        return len(keys)

    def __len__(self) -> int:
        return int(self.own_posts.shape[0])
