"""Chat sessions and schedules: from a stream of hashtag posts to "last Wednesday's #SWChat".

A chat hashtag meets on a schedule (Cook, Kenthapadi & Mishra 2013, "Group chats on Twitter",
*WWW '13*): its posts come in dense bursts — the sessions — separated by long quiet gaps,
with scattered posts in between. This module finds the sessions, their hosts and questions
(with :mod:`swchat.questions`) and the schedule. Everything here is a pure function of posts;
the archive stores what :func:`find_sessions` finds for every hashtag (its derived tables), so a
command on one session never re-finds the sessions of the whole archive.

Sessions (:func:`find_sessions`)
--------------------------------
1. The **tagged posts** (the selection's own posts carrying the hashtag, any case; retweets
   included) are sorted by time and split wherever no tagged post was made for more than
   ``gap`` (default :data:`DEFAULT_GAP`, 90 minutes: far longer than any lull inside a live
   one-hour chat, far shorter than the days between weekly sessions).
2. A burst is a session only if it holds at least ``min_posts`` (default
   :data:`DEFAULT_MIN_POSTS`, 10) tagged posts that are *not* retweets, by at least
   ``min_participants`` (default :data:`DEFAULT_MIN_PARTICIPANTS`, 3) accounts. Retweets do
   not make a chat: a promotional post retweeted twenty times is not a session. So a lone
   "see you next week #SWChat" on a Monday never forms a session (too small) and never joins
   one (a quiet gap separates it).
3. Posts **without the tag** join a session when they reply to, retweet or quote one of the
   session's posts (directly, or down a chain of such posts) and follow the session's latest
   post by no more than ``gap`` — the hashtag-less replies of a live conversation, and the
   retweets whose tag was cut off by truncation. A hashtag-less reply days later does not.

Nothing crosses a quiet gap longer than ``gap`` in *all* of an archive's posts, so the sessions
of a stretch of time between two such gaps can be found from that stretch alone: the archive
brings its derived tables up to date stretch by stretch after an import.

Each session's ``start`` and ``end`` are the times of its first and last post. Its **id** is
``<Hashtag>-<YYYY-MM-DD>``: the hashtag as most commonly spelled and the local date of the
start in ``tz``, with ``-2``, ``-3`` … when several sessions start on one date
(:func:`label_sessions`). So an id depends on the time zone: a chat at 21:00 in New York on
7 October starts at 01:00 UTC on 8 October, and is ``SWChat-2026-10-07`` in
``America/New_York`` but ``SWChat-2026-10-08`` in UTC. :meth:`swchat.Archive.session` finds an
id as listed in ``tz`` or, failing that, as listed in UTC, so either spelling opens the session.

The **schedule** (:func:`detect_schedule`) is the local weekday and start time (in ``tz``,
daylight-saving aware through :mod:`zoneinfo`) shared by most sessions: each session's start
is taken as the time of its first 5 % of posts, rounded to the nearest half hour (robust to a
stray early post), and the most common (weekday, time) is the schedule when at least two
sessions and at least half of them share it. The cadence (weekly, fortnightly, monthly) comes
from the median number of days between scheduled sessions.

Hosts and questions are described in :mod:`swchat.questions`.

Examples
--------
>>> from swchat.schema import new_post, posts_frame
>>> rows = [new_post(platform="x", post_id=f"{i:02d}", author_id=str(i % 3), author_handle=f"u{i % 3}",
...                  created_at=f"2026-10-07T19:{i:02d}:00.000Z", text="A1 yes #SWChat",
...                  hashtags=["SWChat"]) for i in range(12)]
>>> [(s.id, s.posts, s.participants) for s in find_sessions(posts_frame(rows))]
[('SWChat-2026-10-07', 12, 3)]
"""

from __future__ import annotations

import heapq
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from itertools import pairwise
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .chat import Schedule, Session
from .choices import SESSION_GAP_MINUTES, SESSION_MIN_PARTICIPANTS, SESSION_MIN_POSTS
from .questions import as_timedelta, find_questions, host_filter, question_numbers
from .schema import light_posts, time_zone

if TYPE_CHECKING:  # pragma: no cover
    from zoneinfo import ZoneInfo

    from .chat import Chat

__all__ = [
    "DEFAULT_GAP",
    "DEFAULT_MIN_PARTICIPANTS",
    "DEFAULT_MIN_POSTS",
    "SESSION_OPTIONS",
    "Schedule",
    "Session",
    "SessionPosts",
    "chat_sessions",
    "detect_schedule",
    "find_sessions",
    "label_sessions",
    "sessions_by_tag",
    "spelling",
    "spelling_counts",
    "split_session_id",
]

#: A silence longer than this ends a session.
DEFAULT_GAP = pd.Timedelta(minutes=SESSION_GAP_MINUTES)
#: A session holds at least this many tagged posts that are not retweets …
DEFAULT_MIN_POSTS = SESSION_MIN_POSTS
#: … by at least this many accounts.
DEFAULT_MIN_PARTICIPANTS = SESSION_MIN_PARTICIPANTS
#: The options that change which sessions are found (the archive stores the sessions found with
#: the defaults; other values are computed from the posts each time).
SESSION_OPTIONS = ("gap", "min_posts", "min_participants", "hosts")


def _ns(times: pd.Series) -> np.ndarray:
    """Times as int64 nanoseconds since the epoch (UTC)."""
    return pd.DatetimeIndex(times).as_unit("ns").asi8


def spelling(counts: Mapping[str, int], tag: str) -> str:
    """The most common spelling of a hashtag (ties: the first in sort order), else ``tag``.

    Examples
    --------
    >>> spelling({"SWChat": 5, "swchat": 2}, "swchat"), spelling({}, "swchat")
    ('SWChat', 'swchat')
    """
    if not counts:
        return tag
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]


def spelling_counts(posts: pd.DataFrame, tag: str) -> Counter:
    """How often each spelling of a hashtag (lower-cased ``tag``) appears on the posts.

    Examples
    --------
    >>> spelling_counts(pd.DataFrame({"hashtags": [["SWChat"], ["swchat", "x"], []]}), "swchat")
    Counter({'SWChat': 1, 'swchat': 1})
    """
    return Counter(t for tags in posts["hashtags"].to_numpy(object) if isinstance(tags, list | tuple | np.ndarray)
                   for t in tags if isinstance(t, str) and t.lower() == tag)


_SEQUENCES = (list, tuple, np.ndarray)


def _tag_index(own: pd.DataFrame) -> dict[str, np.ndarray]:
    """Lower-cased hashtag → positions of the own posts carrying it."""
    positions: dict[str, list[int]] = {}
    for i, tags in enumerate(own["hashtags"].to_numpy(object).tolist()):
        if not isinstance(tags, _SEQUENCES) or not len(tags):
            continue
        if len(tags) == 1:  # most posts: no set of spellings to make
            if isinstance(tags[0], str):
                positions.setdefault(tags[0].lower(), []).append(i)
            continue
        for low in {t.lower() for t in tags if isinstance(t, str)}:
            positions.setdefault(low, []).append(i)
    return {tag: np.asarray(pos, dtype=np.int64) for tag, pos in positions.items()}


def _bursts(times: np.ndarray, gap: pd.Timedelta) -> list[tuple[int, int]]:
    """Index ranges ``[i, j)`` of sorted int64 ns times split where consecutive times differ by > gap."""
    if len(times) == 0:
        return []
    cuts = np.flatnonzero(np.diff(times) > gap.value) + 1
    return list(pairwise([0, *cuts.tolist(), len(times)]))


def _referrers(own: pd.DataFrame) -> dict[Any, list[int]]:
    """A post id → the positions in ``own`` (ascending) of the posts that reply to, retweet or
    quote it (see :func:`_join_untagged`)."""
    refs = own[["reply_to_post_id", "retweeted_post_id", "quoted_post_id"]].to_numpy(object)
    present = pd.notna(refs)
    found: dict[Any, list[int]] = {}
    for position in np.flatnonzero(present.any(axis=1)).tolist():
        for ref in {r for r, known in zip(refs[position], present[position], strict=True) if known}:
            found.setdefault(ref, []).append(position)
    return found


def _join_untagged(own: pd.DataFrame, tagged: np.ndarray, times: np.ndarray, bursts: list[np.ndarray],
                   gap: pd.Timedelta, referrers: dict[Any, list[int]]) -> list[np.ndarray]:
    """Add to each burst (positions in ``own``) the hashtag-less posts that reply to, retweet or
    quote its posts, in time: no later than ``gap`` after its latest post, before the next burst.

    The posts are met in time order, as a scan of every hashtag-less post from the burst's start
    would meet them, but only those that refer to a post of the burst are looked at (found in
    ``referrers``, :func:`_referrers` of ``own``): a small hashtag's burst inside a big chat
    does not scan the chat's replies.
    """
    untagged = np.ones(len(own), dtype=bool)
    untagged[tagged] = False
    ids = own["post_id"].to_numpy(object)
    limit_gap = gap.value
    out = []
    for k, burst in enumerate(bursts):
        end = int(times[burst[-1]])
        limit = int(times[bursts[k + 1][0]]) if k + 1 < len(bursts) else None
        start = int(np.searchsorted(times, times[burst[0]], side="left"))
        members = set(ids[burst].tolist())
        seen = {p for member in members for p in referrers.get(member, ()) if p >= start and untagged[p]}
        queue = sorted(seen)  # (a sorted list is a heap; a post referring to two members comes once)
        joined = []
        while queue:
            position = heapq.heappop(queue)
            when = int(times[position])
            if when > end + limit_gap or (limit is not None and when >= limit):
                break  # (as would be the first post of the scan this far in time, a candidate or not)
            joined.append(position)
            member = ids[position]
            members.add(member)
            end = max(end, when)
            for later in referrers.get(member, ()):
                if later > position and untagged[later] and later not in seen:
                    seen.add(later)
                    heapq.heappush(queue, later)
        out.append(np.sort(np.concatenate([burst, joined])).astype(np.int64) if joined else burst)
    return out


class SessionPosts:
    """The sessions of one hashtag in a light posts frame, before they are named.

    Attributes
    ----------
    tag : str
        The hashtag, lower-cased.
    sessions : list of (Session, pandas.DataFrame)
        Each session (``id`` still empty) with its own posts (light frame rows, time order).
    spellings : collections.Counter
        How often each spelling of the tag appears on the sessions' posts (the ids spell the
        hashtag the most common way).
    session_spellings : list of collections.Counter
        The same, for each session apart (in the order of ``sessions``).
    """

    def __init__(self, tag: str, sessions: list[tuple[Session, pd.DataFrame]]) -> None:
        self.tag = tag
        self.sessions = sessions
        self.session_spellings = [spelling_counts(part, tag) for _, part in sessions]
        self.spellings = sum(self.session_spellings, Counter())


def sessions_by_tag(
    posts: pd.DataFrame,
    *,
    tags: Iterable[str] | None = None,
    gap: Any = DEFAULT_GAP,
    min_posts: int = DEFAULT_MIN_POSTS,
    min_participants: int = DEFAULT_MIN_PARTICIPANTS,
    hosts: Sequence[str] | None = None,
) -> dict[str, SessionPosts]:
    """The sessions of every hashtag (or of ``tags``) in a set of posts, with their posts.

    This is :func:`find_sessions` for many hashtags over one frame at once (the archive's
    derived tables are made with it); sessions are not yet named (see :func:`label_sessions`).

    Parameters
    ----------
    posts : pandas.DataFrame
        Canonical posts (context rows are never session posts, but tell who wrote a parent), or
        a :func:`swchat.schema.light_posts` frame.
    tags : iterable of str, optional
        Only these hashtags (any case); default every hashtag of the posts.
    gap, min_posts, min_participants, hosts
        As for :func:`find_sessions`.

    Returns
    -------
    dict
        Lower-cased hashtag → :class:`SessionPosts` (hashtags without sessions left out).
    """
    gap_td = as_timedelta(gap, "gap")
    frame = posts if posts.attrs.get("light") else light_posts(posts)
    own = frame[~frame["is_context"].to_numpy(bool)].reset_index(drop=True)
    if own.empty:
        return {}
    index = _tag_index(own)
    wanted = {t.lstrip("#").lower() for t in tags} if tags is not None else set(index)
    times = _ns(own["created_at"])
    kinds = own["kind"].to_numpy(object)
    authors = own["author_id"].to_numpy(object)
    named = host_filter(hosts)
    parents: dict[Any, Any] | None = None
    qnum: pd.Series | None = None
    referrers: dict[Any, list[int]] = {}
    found: dict[str, SessionPosts] = {}
    for tag in sorted(wanted & set(index)):
        tagged_pos = index[tag]
        candidates = []
        for i, j in _bursts(times[tagged_pos], gap_td):
            pos = tagged_pos[i:j]
            talk = pos[kinds[pos] != "retweet"]
            if len(talk) >= min_posts and len(set(authors[talk])) >= min_participants:
                candidates.append(pos)
        if not candidates:
            continue
        if parents is None:  # made once, for the first hashtag that has sessions
            parents = frame.drop_duplicates("post_id").set_index("post_id")["author_id"].to_dict()
            qnum = question_numbers(own)
            referrers = _referrers(own)
        listed = []
        assert qnum is not None
        for pos in _join_untagged(own, tagged_pos, times, candidates, gap_td, referrers):
            part = own.iloc[pos].assign(qnum=qnum.iloc[pos].to_numpy(object))
            listed.append((_session(part, named, parents), part))
        found[tag] = SessionPosts(tag, listed)
    return found


def _session(part: pd.DataFrame, named: set[str] | None, parents: dict[Any, Any]) -> Session:
    """An unnamed :class:`Session` of its posts (a light frame in time order)."""
    questions, host_ids, host_handles = find_questions(part, named, parents)
    typical = part["created_at"].iloc[int(0.05 * (len(part) - 1))]
    platform = part["platform"].mode().iloc[0] if part["platform"].notna().any() else "x"
    return Session(
        id="", hashtag="", start=part["created_at"].iloc[0], end=part["created_at"].iloc[-1],
        post_ids=[str(x) for x in part["post_id"]],
        author_ids=[str(x) for x in pd.unique(part["author_id"].to_numpy(object))],
        hosts=host_handles, host_ids=host_ids, questions=questions, platform=str(platform),
        first_post_time=typical, platforms={str(k): int(n) for k, n in part["platform"].value_counts().items()},
    )


def label_sessions(sessions: Sequence[Session], hashtag: str, tz: str | None = "UTC") -> list[Session]:
    """Name a hashtag's sessions in a time zone: ids, local dates, schedule.

    Parameters
    ----------
    sessions : list of Session
        The sessions of one hashtag (any order).
    hashtag : str
        The hashtag as it should be spelled in the ids.
    tz : str
        Time zone of the ids' dates and of the schedule.

    Returns
    -------
    list of Session
        New sessions in time order with ``id``, ``hashtag``, ``timezone``, ``schedule`` and
        ``on_schedule`` set (the inputs are not changed).

    Examples
    --------
    >>> s = Session("", "", pd.Timestamp("2026-10-08T01:00Z"), pd.Timestamp("2026-10-08T02:00Z"), [], [])
    >>> [x.id for x in label_sessions([s, replace(s, start=s.start + pd.Timedelta("2h"))], "SWChat",
    ...                                "America/New_York")]
    ['SWChat-2026-10-07', 'SWChat-2026-10-07-2']
    """
    zone = time_zone(tz)
    ordered = sorted(sessions, key=lambda s: s.start)
    used: Counter = Counter()
    named = []
    for s in ordered:
        base = f"{hashtag}-{s.start.tz_convert(zone).date().isoformat()}"
        used[base] += 1
        named.append(replace(s, id=base if used[base] == 1 else f"{base}-{used[base]}", hashtag=hashtag,
                             timezone=str(tz or "UTC")))
    schedule = detect_schedule(named, tz=tz)
    for s in named:
        s.schedule = schedule
        s.on_schedule = bool(schedule and _slot(s, zone) == (schedule.weekday, schedule.hour, schedule.minute))
    return named


def find_sessions(
    posts: pd.DataFrame,
    *,
    hashtag: str | None = None,
    gap: Any = DEFAULT_GAP,
    min_posts: int = DEFAULT_MIN_POSTS,
    min_participants: int = DEFAULT_MIN_PARTICIPANTS,
    tz: str | None = "UTC",
    hosts: Sequence[str] | None = None,
) -> list[Session]:
    """Split a hashtag's posts into chat sessions, with their hosts, questions and schedule.

    The method, its defaults and the reasons for them are in the module notes: bursts of
    tagged posts separated by more than ``gap``, kept when they hold ``min_posts`` non-retweet
    posts by ``min_participants`` accounts; hashtag-less replies, retweets and quotes of a
    session's posts join it when they follow its latest post within ``gap``. The schedule is
    detected as in Cook, Kenthapadi & Mishra (2013).

    Parameters
    ----------
    posts : pandas.DataFrame
        Canonical posts, e.g. ``archive.posts("SWChat")`` (hashtag-less replies and context
        posts included); context rows are never session posts.
    hashtag : str, optional
        The chat's hashtag (``#`` optional, any case); the most common hashtag of the posts
        when not given.
    gap : timedelta, pandas.Timedelta, str or number of minutes
        The quiet gap that separates sessions (default 90 minutes).
    min_posts : int
        Least number of tagged posts other than retweets in a session (default 10).
    min_participants : int
        Least number of distinct accounts among those posts (default 3).
    tz : str
        Time zone of the ids' dates, the local times and the schedule (e.g. ``Europe/London``).
    hosts : list of str, optional
        Host handles (``@`` optional, any case) or account ids; found from the questions when
        not given.

    Returns
    -------
    list of Session
        In time order.

    Raises
    ------
    SelectionError
        For an unknown time zone or a bad gap.

    Examples
    --------
    >>> from swchat.schema import new_post, posts_frame
    >>> rows = [new_post(platform="x", post_id=f"{d}{i:02d}", author_id=str(i % 4),
    ...                  author_handle="host" if i % 4 == 0 else f"p{i % 4}",
    ...                  created_at=f"2026-10-{d}T19:{i:02d}:00.000Z", hashtags=["SWChat"],
    ...                  text=f"Q{i // 4 + 1}: What? #SWChat" if i % 4 == 0 else "A1 yes #SWChat")
    ...         for d in (7, 14) for i in range(12)]
    >>> sessions = find_sessions(posts_frame(rows), tz="Europe/London")
    >>> [(s.id, s.posts, s.participants, s.hosts) for s in sessions]
    [('SWChat-2026-10-07', 12, 4, ['host']), ('SWChat-2026-10-14', 12, 4, ['host'])]
    >>> sessions[0].schedule.describe()
    'meets Wednesdays 20:00 Europe/London'
    """
    time_zone(tz)
    frame = light_posts(posts)
    own = frame[~frame["is_context"].to_numpy(bool)]
    tag = hashtag.lstrip("#").lower() if hashtag else _most_common_tag(own)
    if not tag or own.empty:
        return []
    found = sessions_by_tag(frame, tags=[tag], gap=gap, min_posts=min_posts, min_participants=min_participants,
                            hosts=hosts).get(tag)
    if found is None:
        return []
    return label_sessions([s for s, _ in found.sessions], spelling(found.spellings, tag), tz)


def _most_common_tag(own: pd.DataFrame) -> str | None:
    counts: Counter = Counter()
    for tags in own["hashtags"]:
        if isinstance(tags, list | tuple | np.ndarray):
            counts.update({t.lower() for t in tags if isinstance(t, str)})
    if not counts:
        return None
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]


def _slot(session: Session, zone: ZoneInfo) -> tuple[int, int, int]:
    """(weekday, hour, minute) of a session's typical start, rounded to the half hour."""
    when = session.first_post_time if session.first_post_time is not None else session.start
    local = when.tz_convert(zone)
    minutes = local.hour * 60 + local.minute + local.second / 60
    rounded = math.floor(minutes / 30.0 + 0.5) * 30  # half up: 19:15 -> 19:30, 19:45 -> 20:00
    day = local.weekday()
    if rounded >= 24 * 60:
        rounded -= 24 * 60
        day = (day + 1) % 7
    return day, rounded // 60, rounded % 60


def detect_schedule(sessions: Sequence[Session], tz: str | None = "UTC") -> Schedule | None:
    """The recurring weekday and local start time of a chat's sessions, if there is one.

    Following Cook, Kenthapadi & Mishra (2013), a group chat is recognised by sessions that
    recur at the same local time on the same weekday. Each session's start is taken as the
    time of its first 5 % of posts, rounded to the nearest half hour, in ``tz`` (daylight
    saving time followed); the most common (weekday, time) is the schedule when at least two
    sessions, and at least half of all sessions, share it.

    Parameters
    ----------
    sessions : list of Session
    tz : str
        Time zone in which the schedule is stated.

    Returns
    -------
    Schedule or None
        ``None`` when fewer than two sessions share a slot.

    Examples
    --------
    >>> def s(day):  # 19:00 UTC in summer time and 20:00 UTC in winter are both 20:00 in London
    ...     start = pd.Timestamp(day)
    ...     return Session("x", "x", start, start + pd.Timedelta("58min"), [], [])
    >>> detect_schedule([s("2026-10-21T19:00Z"), s("2026-10-28T20:00Z")], tz="Europe/London").describe()
    'meets Wednesdays 20:00 Europe/London'
    """
    zone = time_zone(tz)
    if len(sessions) < 2:
        return None
    slots = Counter(_slot(s, zone) for s in sessions)
    (slot, count), *_ = sorted(slots.items(), key=lambda kv: (-kv[1], kv[0]))
    if count < 2 or count * 2 < len(sessions):
        return None
    on = [s for s in sessions if _slot(s, zone) == slot]
    dates = sorted({s.start.tz_convert(zone).date() for s in on})
    days = [(b - a).days for a, b in pairwise(dates)]
    median_days = float(np.median(days)) if days else 7.0
    if 6 <= median_days <= 8:
        cadence = "weekly"
    elif 13 <= median_days <= 15:
        cadence = "fortnightly"
    elif 27 <= median_days <= 36:
        cadence = "monthly"
    else:
        cadence = "irregular"
    minutes = float(np.median([s.duration.total_seconds() / 60 for s in on]))
    return Schedule(weekday=slot[0], hour=slot[1], minute=slot[2], timezone=str(tz or "UTC"),
                    cadence=cadence, sessions=len(on), total=len(sessions),
                    duration_minutes=math.floor(minutes / 5.0 + 0.5) * 5)


def split_session_id(session_id: str) -> tuple[str, str] | None:
    """``(hashtag, id)`` of a session id such as ``#SWChat-2026-10-07-2``, else ``None``.

    Examples
    --------
    >>> split_session_id("#SWChat-2026-10-07-2"), split_session_id("last wednesday")
    (('SWChat', 'SWChat-2026-10-07-2'), None)
    """
    match = re.fullmatch(r"#?(\w+)-(\d{4}-\d{2}-\d{2})(?:-(\d+))?", session_id.strip())
    if not match:
        return None
    return match.group(1), session_id.strip().lstrip("#")


def chat_sessions(chat: Chat, **options: Any) -> list[Session]:
    """The sessions of a chat: its own session, or those found in its posts.

    A session's chat is its own session; given ``hosts``, its questions are found again with
    those hosts. Any other selection's sessions are found with :func:`find_sessions` (options
    ``gap``, ``min_posts``, ``min_participants``, ``tz``, ``hosts``).

    Examples
    --------
    >>> from swchat.chat import Chat
    >>> from swchat.schema import new_post, posts_frame
    >>> rows = [new_post(platform="x", post_id=f"{i:02d}", author_id=str(i % 3), text="A1 yes #SWChat",
    ...                  created_at=f"2026-10-07T19:{i:02d}:00.000Z", hashtags=["SWChat"])
    ...         for i in range(12)]
    >>> [s.id for s in chat_sessions(Chat(posts=posts_frame(rows), hashtag="SWChat"))]
    ['SWChat-2026-10-07']
    """
    session = chat.session
    if session is not None:
        if options.get("hosts") is None:
            return [session]
        frame = light_posts(chat.posts)
        own = frame[~frame["is_context"].to_numpy(bool)]
        part = own[own["post_id"].isin(set(session.post_ids)).to_numpy(bool)]
        parents = frame.drop_duplicates("post_id").set_index("post_id")["author_id"].to_dict()
        questions, host_ids, hosts = find_questions(part, host_filter(options["hosts"]), parents)
        return [replace(session, questions=questions, hosts=hosts, host_ids=host_ids)]
    unknown = set(options) - {*SESSION_OPTIONS, "tz"}
    if unknown:
        raise TypeError(f"unknown option(s) for sessions: {', '.join(sorted(unknown))}")
    return find_sessions(chat.posts, hashtag=chat.hashtag, **options)
