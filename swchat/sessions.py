"""Chat sessions, hosts and questions: from a stream of hashtag posts to "last Wednesday's #SWChat".

A chat hashtag meets on a schedule (Cook, Kenthapadi & Mishra 2013, "Group chats on Twitter",
*WWW '13*): its posts come in dense bursts — the sessions — separated by long quiet gaps,
with scattered posts in between. This module finds the sessions, their hosts, the hosts'
numbered questions (Q1, Q2 …), and which question each post belongs to.

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

Each session's ``start`` and ``end`` are the times of its first and last post. Its **id** is
``<Hashtag>-<YYYY-MM-DD>``: the hashtag as most commonly spelled and the local date of the
start in ``tz``, with ``-2``, ``-3`` … when several sessions start on one date. So an id
depends on the time zone: a chat at 21:00 in New York on 7 October starts at 01:00 UTC on
8 October, and is ``SWChat-2026-10-07`` in ``America/New_York`` but ``SWChat-2026-10-08`` in
UTC. :func:`session_chat` (and :func:`resolve_chat`, which every command uses) finds an id as
listed in ``tz`` or, failing that, as listed in UTC, so either spelling opens the session.

The **schedule** (:func:`detect_schedule`) is the local weekday and start time (in ``tz``,
daylight-saving aware through :mod:`zoneinfo`) shared by most sessions: each session's start
is taken as the time of its first 5 % of posts, rounded to the nearest half hour (robust to a
stray early post), and the most common (weekday, time) is the schedule when at least two
sessions and at least half of them share it. The cadence (weekly, fortnightly, monthly) comes
from the median number of days between scheduled sessions.

Hosts and questions
-------------------
A **question** is a post whose text starts — after any emoji, punctuation, hashtags and
mentions — with ``Q1:``, ``Q1.``, ``Q1)``, ``Q 1 -``, ``Question 1:`` and the like
(:func:`parse_question`), written by a host, as a post that starts a thread: an original or a
quote, or a host's reply to a host's post (a self-thread of questions). Retweets are never
questions. **Hosts** are the accounts that post such questions: those with at least two
different question numbers in the session, plus any account whose question fills a number
no host has used (a guest asking Q3). Pass ``hosts=[...]`` to name them instead. For each
number the first such post is the question; a repeat is an ordinary post.

Each post of a session gets one **segment** (:func:`assign_questions`), by the first rule
that applies:

1. a question opens its segment ``Q<k>``; a host's closing post after the last question (an
   original whose text thanks, says goodbye, "that's all", "see you", "wrap" …) opens the
   ``wrap-up``;
2. a post labelled ``A<k>`` (``A1``, ``A1:``, ``A.1``, ``A1)``, ``A 1 -``;
   :func:`answer_label`) belongs to question k, when the session has a question k;
3. a reply belongs to the segment of the post it replies to (so threads continue into later
   question windows), a retweet or quote to the segment of the post it retweets or quotes;
4. any other post belongs to the segment open at its time: ``intro`` before Q1; the latest
   question before it; the ``wrap-up`` after the closing post, or when it comes more than
   ``wrapup_after`` after the last question (default: one and a half times the median time
   between questions, at least 10 minutes; 20 minutes when there is only one question).

Examples
--------
>>> parse_question("❓Q3: How do you switch off? #SWChat"), parse_question("Q1 results are in")
(3, None)
>>> answer_label("@host A.2 Supervision, always #SWChat"), answer_label("A 1-to-1 chat helps")
(2, None)
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from contextlib import suppress
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from itertools import pairwise
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import orjson
import pandas as pd

from .errors import SelectionError
from .schema import iso_utc

if TYPE_CHECKING:  # pragma: no cover
    from .archive import Archive
    from .chat import Chat

__all__ = [
    "DEFAULT_GAP",
    "DEFAULT_MIN_PARTICIPANTS",
    "DEFAULT_MIN_POSTS",
    "INTRO",
    "WRAPUP",
    "Schedule",
    "Session",
    "answer_label",
    "archive_sessions",
    "assign_questions",
    "detect_schedule",
    "find_sessions",
    "hashtag_post_count",
    "parse_question",
    "question_table",
    "resolve_chat",
    "session_chat",
]

#: A silence longer than this ends a session.
DEFAULT_GAP = timedelta(minutes=90)
#: A session holds at least this many tagged posts that are not retweets …
DEFAULT_MIN_POSTS = 10
#: … by at least this many accounts.
DEFAULT_MIN_PARTICIPANTS = 3
#: Segment names besides ``Q1`` … ``Qn``.
INTRO = "intro"
WRAPUP = "wrap-up"

_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

# ---------------------------------------------------------------------------- patterns

_EMOJI = "\u2190-\u2bff\u2600-\u27bf\U0001f000-\U0001faff\ufe0f\u200d\u20e3"
# what may come before a label: space, punctuation and symbols, hashtags, mentions
_LEAD = r"(?:[^\w#@]|#\w+|@\w+|_)*?"
_SEP_AFTER = rf"\s*(?:[:)\]|>]|\.(?!\d)|[-–—](?!\d)|[{_EMOJI}])"
_QUESTION = re.compile(
    rf"^{_LEAD}(?:Q|Question)\s*[.#]?\s*(?P<n>\d{{1,2}})(?!\d)"
    rf"(?:(?P<sep>{_SEP_AFTER})|(?P<bare>\s+(?=[A-Z“\"'‘])))",
    re.IGNORECASE,
)
_ANSWER = re.compile(
    rf"^{_LEAD}(?:"
    rf"(?i:A)[.#]?(?P<n>\d{{1,2}})(?!\d)(?:{_SEP_AFTER}|\s+(?=[^\W\d_]|[\"“'‘(]))"
    rf"|A\s+(?P<m>\d{{1,2}})(?:\s*[:.)\]]|\s+[-–—])\s"
    r")",
)
_ANSWER_ANYWHERE = re.compile(r"(?<![\w@#/])A(\d{1,2})\s?:")
_KEYCAP = re.compile("([0-9])\ufe0f?\u20e3")
_RT = re.compile(r"^\s*RT @\w+:")
_CLOSING = re.compile(
    r"\b(thank|thanks|thx|ty|that'?s all|that is all|that’s all|wrap|wrapping|see you|see y'?all|"
    r"good ?night|night all|until next|next week|next time|summary|last question|bye|signing off)\b",
    re.IGNORECASE,
)


def _normal(text: Any) -> str | None:
    if not isinstance(text, str) or not text:
        return None
    text = _KEYCAP.sub(r"\1", text)
    return unicodedata.normalize("NFKC", text) if not text.isascii() else text


def parse_question(text: str | None) -> int | None:
    """The question number a post's text starts with, or ``None``.

    Accepts ``Q1:``, ``Q1.``, ``Q1)``, ``Q1 -``, ``Q 1 -``, ``Q.1:``, ``Q#1``, ``[Q1]``,
    ``Question 1:`` (any case; en and em dashes; keycap digits ``1️⃣``), after any leading
    emoji, punctuation, hashtags or mentions (``#SWChat Q2: …``, ``❓Q3: …``), and ``Q1``
    followed directly by a capitalised question ending in ``?``. Rejects look-alikes where the
    number is not a label: ``Q1 results are in``, ``Q2 earnings``, ``Q1 2026 report``,
    ``Q1.5``, ``FAQ 1``, ``A2: as Q2 says`` (the label must come first), and retweets
    (``RT @x: Q1: …``). Whether a labelled post *is* a question also depends on who wrote it
    and how (see the module notes); this function only reads the text.

    Parameters
    ----------
    text : str
        The post's text.

    Returns
    -------
    int or None
        The question number (1-99).

    Examples
    --------
    >>> [parse_question(t) for t in ["Q1: Hello?", "#SWChat Q2. Why?", "Question 4: How?",
    ...                              "👉Q 5 - What now?", "Q2 earnings beat", "RT @a: Q1: Hi"]]
    [1, 2, 4, 5, None, None]
    """
    text = _normal(text)
    if text is None or _RT.match(text):
        return None
    match = _QUESTION.match(text)
    if not match:
        return None
    number = int(match.group("n"))
    if number < 1:
        return None
    if match.group("bare") is not None and "?" not in text[match.end():]:
        return None
    return number


def answer_label(text: str | None) -> int | None:
    """The answer number a post is labelled with (``A1`` → 1), or ``None``.

    Accepts ``A1``, ``A1:``, ``A.1``, ``A1)``, ``A1 -``, ``A 1 -``, ``A 1:`` (``a1`` too) at
    the start of the text after any leading mentions, hashtags, emoji or punctuation
    (``@host A2 …``, ``#SWChat A3: …``), or ``A<k>:`` with a colon anywhere in the text
    ("Great question! A4: …"). Rejects ``A 1-to-1 session``, ``A10%``, words such as ``As``
    and ``And``, and retweets (their label belongs to the original).

    Examples
    --------
    >>> [answer_label(t) for t in ["A1 We need time", "@host A.2 yes", "A3) no", "A 4 - maybe",
    ...                            "Good Q! A5: sure", "A 1-to-1 works", "RT @x: A1 yes"]]
    [1, 2, 3, 4, 5, None, None]
    """
    text = _normal(text)
    if text is None or _RT.match(text):
        return None
    match = _ANSWER.match(text)
    if match:
        number = int(match.group("n") or match.group("m"))
        return number if number >= 1 else None
    match = _ANSWER_ANYWHERE.search(text[:200])
    if match and int(match.group(1)) >= 1:
        return int(match.group(1))
    return None


# ---------------------------------------------------------------------------- data classes


def _zone(tz: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(tz or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        raise SelectionError(f"unknown time zone {tz!r} (use a name such as Europe/London or UTC)") from None


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
        return _DAYS[self.weekday]

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
        The session's own posts, hashtag-less replies included, in time order.
    author_ids : list of str
        Distinct authors of those posts (Symplur's participants), in order of first post.
    hosts : list of str
        Handles of the accounts that posted the questions (or those given).
    host_ids : list of str
        Their account ids.
    questions : list of dict
        ``number``, ``post_id``, ``time`` (ISO UTC), ``host``, ``text`` of each question.
    timezone : str
        The zone used for the id and the local times.
    schedule : Schedule or None
        The hashtag's detected schedule (shared by its sessions), if it recurs.
    on_schedule : bool
        Whether this session matches the schedule.
    platform : str
        Platform of most of its posts.
    first_post_time : pandas.Timestamp
        When its first 5 % of posts had been made (the start used for the schedule).
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

    @property
    def posts(self) -> int:
        """Number of posts in the session."""
        return len(self.post_ids)

    @property
    def participants(self) -> int:
        """Distinct accounts that posted at least once in the session (Symplur's definition)."""
        return len(self.author_ids)

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
        return _DAYS[self.local_start.weekday()]

    def as_dict(self, ids: bool = False) -> dict[str, Any]:
        """JSON-ready values; ``ids=True`` adds ``post_ids`` and ``author_ids``.

        Examples
        --------
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
        if ids:
            out["post_ids"] = list(self.post_ids)
            out["author_ids"] = list(self.author_ids)
        return out


# ---------------------------------------------------------------------------- preparing posts


def _ids(series: pd.Series) -> np.ndarray:
    out = series.astype(object).to_numpy()
    return np.where(pd.isna(out), None, out)


def _prepared(posts: pd.DataFrame) -> pd.DataFrame:
    """A light frame of the own and context posts: ids as object arrays, times, flags; in time order."""
    if "post_id" not in posts or "created_at" not in posts:
        raise ValueError("posts must have the canonical columns (see swchat.schema)")
    posts = posts.reset_index(drop=True)
    n = len(posts)

    def ids(column: str) -> pd.Series:
        # object dtype with None for missing (pandas 3 would otherwise infer "str" with NaN)
        values = _ids(posts[column]) if column in posts else np.full(n, None, dtype=object)
        return pd.Series(values, dtype=object)

    frame = pd.DataFrame({
        "post_id": ids("post_id"),
        "created_at": pd.to_datetime(posts["created_at"], utc=True).dt.as_unit("ns"),
        "author_id": ids("author_id"),
        "author_handle": ids("author_handle"),
        "kind": ids("kind"),
        "text": ids("text"),
        "reply_to_post_id": ids("reply_to_post_id"),
        "reply_to_author_id": ids("reply_to_author_id"),
        "retweeted_post_id": ids("retweeted_post_id"),
        "quoted_post_id": ids("quoted_post_id"),
        "is_context": posts["is_context"].to_numpy(bool) if "is_context" in posts else np.zeros(n, bool),
        "platform": ids("platform"),
        "hashtags": pd.Series(posts["hashtags"].to_numpy(object) if "hashtags" in posts
                              else np.full(n, None, object), dtype=object),
    })
    handle = frame["author_handle"].to_numpy(object)
    frame["author_handle"] = pd.Series(np.where(pd.isna(handle), frame["author_id"].to_numpy(object), handle),
                                       dtype=object)
    return frame.sort_values(["created_at", "post_id"], kind="stable").reset_index(drop=True)


def _ns(times: pd.Series) -> np.ndarray:
    """Times as int64 nanoseconds since the epoch (UTC)."""
    return pd.DatetimeIndex(times).as_unit("ns").asi8


_MAYBE_QUESTION = r"(?i)q(?:uestion)?\s*[.#]?\s*\d"


def _question_numbers(frame: pd.DataFrame) -> pd.Series:
    """:func:`parse_question` of every non-retweet post (``None`` elsewhere), parsing only likely ones."""
    texts = frame["text"]
    maybe = texts.astype(object).fillna("").astype(str).str.contains(_MAYBE_QUESTION, regex=True).to_numpy(bool)
    maybe = maybe & (frame["kind"] != "retweet").to_numpy(bool)
    out = np.full(len(frame), None, dtype=object)
    values = texts.to_numpy(object)
    for i in np.flatnonzero(maybe):
        out[i] = parse_question(values[i])
    return pd.Series(out, index=frame.index, dtype=object)


def _spellings(hashtags: Iterable[Any], tag: str) -> Counter:
    counts: Counter = Counter()
    for tags in hashtags:
        if isinstance(tags, list | tuple | np.ndarray):
            for t in tags:
                if isinstance(t, str) and t.lower() == tag:
                    counts[t] += 1
    return counts


def _has_tag(hashtags: np.ndarray, tag: str) -> np.ndarray:
    return np.fromiter(
        (isinstance(tags, list | tuple | np.ndarray) and any(isinstance(t, str) and t.lower() == tag for t in tags)
         for tags in hashtags),
        dtype=bool, count=len(hashtags),
    )


def _most_common_tag(own: pd.DataFrame) -> str | None:
    counts: Counter = Counter()
    for tags in own["hashtags"]:
        if isinstance(tags, list | tuple | np.ndarray):
            counts.update({t.lower() for t in tags if isinstance(t, str)})
    if not counts:
        return None
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]


def _as_timedelta(value: Any, name: str) -> pd.Timedelta:
    if isinstance(value, str):
        with suppress(ValueError):
            value = float(value)  # a bare number is minutes, as on the command line
    if isinstance(value, int | float) and not isinstance(value, bool):
        if not value > 0:
            raise SelectionError(f"{name} must be positive, got {value!r}")
        return pd.Timedelta(minutes=float(value))
    try:
        out = pd.Timedelta(value)
    except (TypeError, ValueError):
        raise SelectionError(f"{name} must be a duration (minutes or e.g. '90min'), got {value!r}") from None
    if out <= pd.Timedelta(0):
        raise SelectionError(f"{name} must be positive, got {value!r}")
    return out


# ---------------------------------------------------------------------------- sessions


def _bursts(times: np.ndarray, gap: pd.Timedelta) -> list[tuple[int, int]]:
    """Index ranges ``[i, j)`` of sorted int64 ns times split where consecutive times differ by > gap."""
    if len(times) == 0:
        return []
    diffs = np.diff(times)
    cuts = np.flatnonzero(diffs > gap.value) + 1
    edges = [0, *cuts.tolist(), len(times)]
    return list(pairwise(edges))


def find_sessions(
    posts: pd.DataFrame,
    *,
    hashtag: str | None = None,
    gap: Any = DEFAULT_GAP,
    min_posts: int = DEFAULT_MIN_POSTS,
    min_participants: int = DEFAULT_MIN_PARTICIPANTS,
    tz: str = "UTC",
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
    zone = _zone(tz)
    gap_td = _as_timedelta(gap, "gap")
    frame = _prepared(posts)
    own = frame[~frame["is_context"].to_numpy(bool)].reset_index(drop=True)
    tag = hashtag.lstrip("#").lower() if hashtag else _most_common_tag(own)
    if not tag or own.empty:
        return []
    own["qnum"] = _question_numbers(own)
    tagged_mask = _has_tag(own["hashtags"].to_numpy(object), tag)
    spelled = _spellings(own.loc[tagged_mask, "hashtags"], tag)
    spelling = sorted(spelled.items(), key=lambda kv: (-kv[1], kv[0]))[0][0] if spelled else tag
    tagged_pos = np.flatnonzero(tagged_mask)
    times = _ns(own["created_at"])
    kinds = own["kind"].to_numpy(object)
    authors = own["author_id"].to_numpy(object)
    candidates = []
    for i, j in _bursts(times[tagged_pos], gap_td):
        pos = tagged_pos[i:j]
        talk = pos[kinds[pos] != "retweet"]
        if len(talk) >= min_posts and len(set(authors[talk])) >= min_participants:
            candidates.append(pos)
    if not candidates:
        return []
    members = [own.iloc[pos] for pos in _join_untagged(own, tagged_mask, times, candidates, gap_td)]
    host_filter = _host_filter(hosts)
    parents = frame.drop_duplicates("post_id").set_index("post_id")["author_id"].to_dict()
    sessions: list[Session] = []
    used: Counter = Counter()
    for session_posts in members:
        start = session_posts["created_at"].iloc[0]
        end = session_posts["created_at"].iloc[-1]
        day = start.tz_convert(zone).date().isoformat()
        base = f"{spelling}-{day}"
        used[base] += 1
        sid = base if used[base] == 1 else f"{base}-{used[base]}"
        questions, host_ids, host_handles = _find_questions(session_posts, host_filter, parents)
        typical = session_posts["created_at"].iloc[int(0.05 * (len(session_posts) - 1))]
        platform = session_posts["platform"].mode().iloc[0] if session_posts["platform"].notna().any() else "x"
        sessions.append(Session(
            id=sid, hashtag=spelling, start=start, end=end,
            post_ids=[str(x) for x in session_posts["post_id"]],
            author_ids=[str(x) for x in pd.unique(session_posts["author_id"].to_numpy(object))],
            hosts=host_handles, host_ids=host_ids,
            questions=[{"number": q["number"], "post_id": q["post_id"],
                        "time": iso_utc(q["time"].to_pydatetime()), "host": q["host"],
                        "host_id": q["host_id"], "text": q["text"]}
                       for q in questions],
            timezone=str(tz or "UTC"), platform=str(platform), first_post_time=typical,
        ))
    schedule = detect_schedule(sessions, tz=tz)
    for s in sessions:
        s.schedule = schedule
        s.on_schedule = bool(schedule and _slot(s, zone) == (schedule.weekday, schedule.hour, schedule.minute))
    return sessions


def _join_untagged(own: pd.DataFrame, tagged: np.ndarray, times: np.ndarray, bursts: list[np.ndarray],
                   gap: pd.Timedelta) -> list[np.ndarray]:
    """Add to each burst (positions in ``own``) the hashtag-less posts that reply to, retweet or
    quote its posts, in time: no later than ``gap`` after its latest post, before the next burst."""
    refs = own[["reply_to_post_id", "retweeted_post_id", "quoted_post_id"]].to_numpy(object)
    pool = np.flatnonzero(~tagged & pd.notna(refs).any(axis=1))
    if not len(pool):
        return bursts
    pool_times = times[pool]
    ids = own["post_id"].to_numpy(object)
    out = []
    for k, burst in enumerate(bursts):
        end = times[burst[-1]]
        limit = times[bursts[k + 1][0]] if k + 1 < len(bursts) else None
        members = set(ids[burst])
        joined = []
        for at in range(int(np.searchsorted(pool_times, times[burst[0]], side="left")), len(pool)):
            when = pool_times[at]
            if when > end + gap.value or (limit is not None and when >= limit):
                break
            position = pool[at]
            reply_to, retweeted, quoted = refs[position]
            if reply_to in members or retweeted in members or quoted in members:
                joined.append(position)
                members.add(ids[position])
                end = max(end, when)
        out.append(np.sort(np.concatenate([burst, joined])).astype(np.int64) if joined else burst)
    return out


def _host_filter(hosts: Sequence[str] | None) -> set[str] | None:
    if hosts is None:
        return None
    if isinstance(hosts, str):
        hosts = [hosts]
    return {h.lstrip("@").lower() for h in hosts if h}


def _find_questions(
    session_posts: pd.DataFrame,
    host_filter: set[str] | None,
    parent_authors: dict[Any, Any],
) -> tuple[list[dict[str, Any]], list[str], list[str]]:
    """The session's questions (first post of each number by a host), host ids and host handles."""
    handle_of = dict(zip(session_posts["author_id"], session_posts["author_handle"], strict=True))
    numbers_of = session_posts["qnum"] if "qnum" in session_posts else _question_numbers(session_posts)
    has_number = numbers_of.notna().to_numpy(bool)
    candidates = [(row, int(number)) for row, number in
                  zip(session_posts[has_number].itertuples(index=False), numbers_of[has_number], strict=True)]

    def starts_thread(row: Any, host_ids: set[Any]) -> bool:
        """An original or quote, or a reply to the author's own post or to a host's post."""
        if row.kind in ("original", "quote"):
            return True
        if row.kind != "reply":
            return False
        parent = row.reply_to_author_id
        if parent is None and row.reply_to_post_id is not None:
            parent = parent_authors.get(row.reply_to_post_id)
        return parent is not None and (parent == row.author_id or parent in host_ids)

    if host_filter is not None:
        host_ids = {a for a, h in handle_of.items()
                    if (isinstance(h, str) and h.lower() in host_filter) or str(a).lower() in host_filter}
        accepted = [(r, n) for r, n in candidates if r.author_id in host_ids and starts_thread(r, host_ids)]
    else:
        # hosts: two or more different numbers in thread-starting posts …
        starters = [(r, n) for r, n in candidates if starts_thread(r, set())]
        numbers: dict[Any, set[int]] = {}
        for r, n in starters:
            numbers.setdefault(r.author_id, set()).add(n)
        host_ids = {a for a, ns in numbers.items() if len(ns) >= 2}
        accepted = [(r, n) for r, n in candidates if r.author_id in host_ids and starts_thread(r, host_ids)]
        # … and whoever starts a thread with a number no host used (a guest host)
        taken = {n for _, n in accepted}
        for r, n in starters:
            if r.author_id not in host_ids and n not in taken and r.kind in ("original", "quote"):
                accepted.append((r, n))
                taken.add(n)
        accepted.sort(key=lambda rn: (rn[0].created_at, rn[0].post_id))
    questions: dict[int, dict[str, Any]] = {}
    for r, n in accepted:
        if n not in questions:
            questions[n] = {"number": n, "post_id": r.post_id, "time": r.created_at,
                            "host": r.author_handle, "host_id": r.author_id, "text": r.text}
    ordered = [questions[n] for n in sorted(questions)]
    if host_filter is None:
        host_ids = {q["host_id"] for q in ordered}
    ids = sorted(str(a) for a in host_ids)
    handles = sorted({str(handle_of.get(a, a)) for a in host_ids})
    return ordered, ids, handles


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


def detect_schedule(sessions: Sequence[Session], tz: str = "UTC") -> Schedule | None:
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
    zone = _zone(tz)
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


# ---------------------------------------------------------------------------- archive level

_FIND_OPTIONS = ("gap", "min_posts", "min_participants", "tz", "hosts")
_CACHE: dict[tuple[Any, ...], list[Session]] = {}
_CACHE_SIZE = 16


def _archive_state(archive: Archive) -> tuple[Any, ...]:
    db = archive.db
    sources = db.execute("SELECT count(*), max(id) FROM sources").fetchone()
    posts = db.execute("SELECT count(*), max(rowid) FROM posts").fetchone()
    return (str(archive.path.resolve()), *sources, *posts)


def _options_key(options: dict[str, Any]) -> tuple[Any, ...]:
    items = []
    for key, value in sorted(options.items()):
        if isinstance(value, list | tuple | set):
            value = tuple(sorted(str(v).lower() for v in value))
        items.append((key, str(value)))
    return tuple(items)


def archive_sessions(archive: Archive, hashtag: str | None = None, **options: Any) -> list[Session]:
    """The chat sessions of a hashtag in an archive (of every hashtag that has any, when none is given).

    Loads the hashtag's posts with their hashtag-less replies (:meth:`swchat.Archive.posts`),
    adds the archive's retweets and quotes of those posts that lack the tag (a retweet's
    hashtags come from its text, which truncation can cut), and runs :func:`find_sessions`.
    Results are cached per archive state (imports and post count), so listing sessions and
    then opening one does not repeat the work.

    Session ids depend on ``tz`` (the local date of the start); :func:`session_chat` opens a
    session by its id in ``tz`` or, failing that, by its id in UTC.

    Without ``hashtag``, every hashtag with at least ``min_posts`` posts is examined, most used
    first; a burst whose tagged posts mostly (over half) belong to a session of a more used
    hashtag is a co-hashtag of that chat (``#socialwork`` inside ``#SWChat``), not a session
    of its own.

    Parameters
    ----------
    archive : swchat.Archive
    hashtag : str, optional
    **options
        ``gap``, ``min_posts``, ``min_participants``, ``tz``, ``hosts`` as for
        :func:`find_sessions`.

    Returns
    -------
    list of Session
        In time order; ids are unique within the archive.

    Examples
    --------
    >>> import orjson, tempfile, pathlib
    >>> from swchat import Archive
    >>> tmp = pathlib.Path(tempfile.mkdtemp())
    >>> tweets = [{"id": str(100 + i), "author_id": str(i % 4), "text": f"A1 idea {i} #SWChat",
    ...            "created_at": f"2026-10-07T19:{i:02d}:00.000Z",
    ...            "entities": {"hashtags": [{"tag": "SWChat"}]}} for i in range(12)]
    >>> users = [{"id": str(i), "username": f"user{i}"} for i in range(4)]
    >>> page = {"data": tweets, "includes": {"users": users}}
    >>> _ = (tmp / "page.jsonl").write_bytes(orjson.dumps(page) + b"\\n")
    >>> with Archive(tmp / "a.db") as archive:
    ...     _ = archive.ingest([tmp / "page.jsonl"])
    ...     [(s.id, s.posts, s.participants) for s in archive_sessions(archive, "swchat")]
    [('SWChat-2026-10-07', 12, 4)]
    """
    key = (_archive_state(archive), hashtag.lstrip("#").lower() if hashtag else None, _options_key(options))
    cached = _CACHE.get(key)
    if cached is not None:
        return list(cached)
    if hashtag:
        result = _tag_sessions(archive, hashtag.lstrip("#"), options)
    else:
        result = _all_sessions(archive, options)
    if len(_CACHE) >= _CACHE_SIZE:
        _CACHE.pop(next(iter(_CACHE)))
    _CACHE[key] = result
    return list(result)


def _tag_sessions(archive: Archive, tag: str, options: dict[str, Any]) -> list[Session]:
    opts = {k: v for k, v in options.items() if k in _FIND_OPTIONS}
    unknown = set(options) - set(opts)
    if unknown:
        raise TypeError(f"unknown option(s) for sessions: {', '.join(sorted(unknown))}")
    posts = archive.posts(tag, replies=True, context=True)
    if posts.empty:
        return []
    extra = _untagged_references(archive, posts)
    if len(extra):
        again = posts["post_id"].astype(object).isin(set(extra["post_id"].astype(object))).to_numpy(bool)
        posts = pd.concat([posts[~again], extra], ignore_index=True)
    return find_sessions(posts, hashtag=tag, **opts)


def _untagged_references(archive: Archive, posts: pd.DataFrame) -> pd.DataFrame:
    """The archive's own retweets and quotes of selected posts that the selection lacks.

    A retweet's hashtags come from its (possibly truncated) text, so a retweet of a chat post
    can lack the tag; :meth:`swchat.Archive.posts` only follows replies.
    """
    from .schema import POST_COLUMNS, posts_frame

    own = posts[~posts["is_context"].to_numpy(bool)]
    selected = set(zip(own["platform"].astype(object), own["post_id"].astype(object), strict=True))
    wanted: dict[str, list[str]] = {}
    for platform, post_id, retweeted, quoted in archive.db.execute(
            "SELECT platform, post_id, retweeted_post_id, quoted_post_id FROM posts WHERE is_context = 0 "
            "AND (retweeted_post_id IS NOT NULL OR quoted_post_id IS NOT NULL)"):
        if (platform, post_id) in selected:
            continue
        if (platform, retweeted) in selected or (platform, quoted) in selected:
            wanted.setdefault(platform, []).append(post_id)
    records: list[dict[str, Any]] = []
    columns = ", ".join(POST_COLUMNS)
    for platform, ids in wanted.items():
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            cur = archive.db.execute(
                f"SELECT {columns} FROM posts WHERE platform = ? AND post_id IN ({','.join('?' * len(chunk))})",
                (platform, *chunk))
            for row in cur:
                record = dict(zip(POST_COLUMNS, row, strict=True))
                for column in ("hashtags", "mentions", "urls"):
                    record[column] = orjson.loads(record[column]) if record[column] else []
                record["is_context"] = False
                records.append(record)
    return posts_frame(records)


def _all_sessions(archive: Archive, options: dict[str, Any]) -> list[Session]:
    min_posts = int(options.get("min_posts", DEFAULT_MIN_POSTS))
    tags = archive.db.execute(
        "SELECT h.tag, count(*) AS n FROM post_hashtags h JOIN posts p "
        "ON p.platform = h.platform AND p.post_id = h.post_id WHERE p.is_context = 0 "
        "GROUP BY h.tag HAVING n >= ? ORDER BY n DESC, h.tag", (max(1, min_posts),)).fetchall()
    gap = _as_timedelta(options.get("gap", DEFAULT_GAP), "gap")
    min_participants = int(options.get("min_participants", DEFAULT_MIN_PARTICIPANTS))
    claimed: set[str] = set()
    found: list[Session] = []
    for tag, _n in tags:
        if not _may_have_sessions(archive, tag, gap, min_posts, min_participants, claimed):
            continue
        sessions = archive_sessions(archive, tag, **options)
        for s in sessions:
            ids = set(s.post_ids)
            if len(ids & claimed) * 2 > len(ids):
                continue
            found.append(s)
        for s in sessions:
            claimed.update(s.post_ids)
    found.sort(key=lambda s: (s.start, s.id))
    return found


def _may_have_sessions(archive: Archive, tag: str, gap: pd.Timedelta, min_posts: int,
                       min_participants: int, claimed: set[str]) -> bool:
    """Whether a hashtag's tagged posts alone hold a qualifying burst that is not mostly made of
    posts already claimed by another hashtag's sessions (a cheap check before loading them)."""
    rows = archive.db.execute(
        "SELECT p.created_at, p.kind, p.author_id, p.post_id FROM post_hashtags h JOIN posts p "
        "ON p.platform = h.platform AND p.post_id = h.post_id WHERE h.tag = ? AND p.is_context = 0 "
        "ORDER BY p.created_at", (tag,)).fetchall()
    if not rows:
        return False
    times = _ns(pd.Series(pd.to_datetime([r[0] for r in rows], utc=True, format="ISO8601")))
    for i, j in _bursts(times, gap):
        burst = rows[i:j]
        talk = [r for r in burst if r[1] != "retweet"]
        if len(talk) < min_posts or len({r[2] for r in talk}) < min_participants:
            continue
        if sum(r[3] in claimed for r in burst) * 2 <= len(burst):
            return True
    return False


def hashtag_post_count(archive: Archive, hashtag: str) -> int:
    """How many of the archive's own posts carry a hashtag (any case, ``#`` optional)."""
    row = archive.db.execute(
        "SELECT count(*) FROM post_hashtags h JOIN posts p ON p.platform = h.platform AND p.post_id = h.post_id "
        "WHERE h.tag = ? AND p.is_context = 0", (hashtag.lstrip("#").lower(),)).fetchone()
    return int(row[0])


def _split_id(session_id: str) -> tuple[str, str] | None:
    match = re.fullmatch(r"#?(\w+)-(\d{4}-\d{2}-\d{2})(?:-(\d+))?", session_id.strip())
    if not match:
        return None
    return match.group(1), session_id.strip().lstrip("#")


def _find_session(archive: Archive, session_id: str, options: dict[str, Any]) -> Session | None:
    """The session with this id as listed in ``options["tz"]``, else as listed in UTC (returned
    as listed in ``options["tz"]``); None when there is none."""
    parts = _split_id(session_id)
    if parts is None:
        return None
    wanted = parts[1].lower()
    listed = archive_sessions(archive, parts[0], **options)
    for s in listed:
        if s.id.lower() == wanted:
            return s
    if options.get("tz") in (None, "UTC"):
        return None
    for s in archive_sessions(archive, parts[0], **{**options, "tz": "UTC"}):
        if s.id.lower() == wanted:
            return next((t for t in listed if t.start == s.start), s)
    return None


def session_chat(archive: Archive, session_id: str, **options: Any) -> Chat:
    """The :class:`~swchat.chat.Chat` of one session, by its id (e.g. ``SWChat-2026-10-07``).

    Its own posts are exactly the session's posts (hashtag-less replies included); referenced
    posts outside it (replied-to, retweeted, quoted) come as context rows. Only the session's
    time window is read from the archive once the session is known.

    A session's id holds the local date of its start, so it depends on the time zone: the id is
    looked up as listed in ``tz`` (:func:`archive_sessions` with the same options) and, when no
    session has it there, as listed in UTC. Either way the chat is the session as listed in
    ``tz`` (its ``session_id`` is the ``tz`` id). A chat at 21:00 in New York on 7 October
    opens as ``SWChat-2026-10-07`` or ``SWChat-2026-10-08`` with ``tz="America/New_York"``,
    and as ``SWChat-2026-10-08`` (its UTC date) without.

    Parameters
    ----------
    archive : swchat.Archive
    session_id : str
        As listed by :func:`archive_sessions` (case-insensitive), in ``tz`` or in UTC.
    **options
        As for :func:`find_sessions` (``tz``: the time zone of the id; default UTC).

    Returns
    -------
    Chat
        With ``session_id``, ``hashtag`` and ``meta["session"]`` (the :class:`Session`),
        ``meta["timezone"]``, ``meta["hosts"]`` (host account ids) and ``meta["newcomers"]``
        (account ids whose first session of this hashtag in the archive is this one).

    Raises
    ------
    SelectionError
        When there is no such session (the message lists some that exist), or for an unknown
        time zone.

    Examples
    --------
    >>> import orjson, tempfile, pathlib
    >>> from swchat import Archive
    >>> tmp = pathlib.Path(tempfile.mkdtemp())
    >>> tweets = [{"id": str(100 + i), "author_id": str(i % 4), "text": f"A1 idea {i} #SWChat",
    ...            "created_at": f"2026-10-08T01:{i:02d}:00.000Z",
    ...            "entities": {"hashtags": [{"tag": "SWChat"}]}} for i in range(12)]
    >>> _ = (tmp / "page.jsonl").write_bytes(orjson.dumps({"data": tweets}) + b"\\n")
    >>> archive = Archive(tmp / "a.db")
    >>> _ = archive.ingest([tmp / "page.jsonl"])
    >>> chat = session_chat(archive, "SWChat-2026-10-08")
    >>> len(chat), chat.session_id, chat.meta["session"].participants
    (12, 'SWChat-2026-10-08', 4)
    >>> session_chat(archive, "SWChat-2026-10-07", tz="America/New_York").session_id
    'SWChat-2026-10-07'
    >>> session_chat(archive, "SWChat-2026-10-08", tz="America/New_York").session_id
    'SWChat-2026-10-07'
    >>> session_chat(archive, "SWChat-2026-10-07")
    Traceback (most recent call last):
    ...
    swchat.errors.SelectionError: no session SWChat-2026-10-07 in ... (see `swchat sessions`)
    >>> archive.close()
    """
    from .chat import Chat

    session = _find_session(archive, session_id, options)
    if session is None:
        parts = _split_id(session_id)
        known = archive_sessions(archive, parts[0], **options) if parts else []
        if not known:
            known = archive_sessions(archive, None, **options)
        if known:
            shown = ", ".join(s.id for s in known[:5]) + (", …" if len(known) > 5 else "")
            hint = f"; sessions in this archive include {shown} (see `swchat sessions`)"
        else:
            hint = "; this archive has no sessions (see `swchat sessions`)"
        if parts is None:
            raise SelectionError(f"{session_id!r} is not a session id like SWChat-2026-10-07{hint}")
        raise SelectionError(f"no session {session_id} in {archive.path}{hint}")
    window = archive.posts(since=session.start.to_pydatetime(),
                           until=(session.end + pd.Timedelta(milliseconds=1)).to_pydatetime(),
                           replies=False, context=True)
    own_ids = set(session.post_ids)
    pid = window["post_id"].astype(object)
    mine = pid.isin(own_ids).to_numpy(bool) & ~window["is_context"].to_numpy(bool)
    own = window[mine]
    refs = set()
    for column in ("reply_to_post_id", "retweeted_post_id", "quoted_post_id"):
        refs.update(own[column].dropna().astype(object))
    refs -= own_ids
    context = window[~mine & pid.isin(refs).to_numpy(bool)].drop_duplicates("post_id").copy()
    context["is_context"] = True
    posts = pd.concat([own, context], ignore_index=True)
    posts = posts.sort_values(["created_at", "post_id"], kind="stable").reset_index(drop=True)
    keys = set(zip(posts["platform"], posts["author_id"], strict=True))
    # newcomers (Budak & Agrawal 2013): accounts whose first session of this hashtag is this one
    seen_before: set[str] = set()
    for earlier in archive_sessions(archive, session.hashtag, **options):
        if earlier.start >= session.start:
            break
        seen_before.update(earlier.author_ids)
    newcomers = [a for a in session.author_ids if a not in seen_before]
    chat = Chat(posts=posts, profiles=archive.accounts(keys), hashtag=session.hashtag,
                session_id=session.id, archive=archive,
                meta={"session": session, "timezone": session.timezone,
                      "hosts": list(session.host_ids), "newcomers": newcomers})
    return chat


def resolve_chat(archive: Archive, session_id: str | None = None, hashtag: str | None = None,
                 since: str | datetime | None = None, until: str | datetime | None = None,
                 tz: str = "UTC") -> Chat:
    """The chat a command asks for: one session by its id, or a selection of posts.

    With ``session_id``, the session's chat (:func:`session_chat`: the id as listed in ``tz``,
    else as listed in UTC); otherwise the posts selected by ``hashtag``, ``since`` and
    ``until`` (:meth:`swchat.Archive.select`; all posts when none is given), with ``since`` and
    ``until`` recorded in ``chat.meta`` (network exports state the selection).

    Parameters
    ----------
    archive : swchat.Archive
    session_id : str, optional
        A session id such as ``SWChat-2026-10-07``.
    hashtag, since, until : optional
        The selection, as for :meth:`swchat.Archive.select` (times in UTC).
    tz : str, default "UTC"
        The time zone the session id was listed in.

    Returns
    -------
    Chat

    Raises
    ------
    ValueError
        When both a session id and a selection are given.
    SelectionError
        When there is no such session, or nothing is selected.

    Examples
    --------
    A chat at 21:00 in New York (01:00 UTC the next day), by its id or by a time span:

    >>> import json, tempfile
    >>> from pathlib import Path
    >>> from swchat import Archive
    >>> export = Path(tempfile.mkdtemp()) / "chat.jsonl"
    >>> _ = export.write_text(json.dumps({"data": [
    ...     {"id": f"{i}", "author_id": f"{i % 3}", "text": f"#SWChat A1 yes {i}",
    ...      "entities": {"hashtags": [{"tag": "SWChat"}]}, "created_at": f"2026-10-08T01:{i}:00Z"}
    ...     for i in range(10, 22)]}))
    >>> with Archive(export.with_suffix(".db")) as archive:
    ...     _ = archive.ingest([export])
    ...     by_id = resolve_chat(archive, "SWChat-2026-10-07", tz="America/New_York")
    ...     selected = resolve_chat(archive, hashtag="swchat", since="2026-10-08T01:16Z")
    >>> by_id.session_id, len(by_id), len(selected), selected.meta["since"]
    ('SWChat-2026-10-07', 12, 6, '2026-10-08T01:16Z')
    """
    if session_id:
        if hashtag or since or until:
            raise ValueError("give either a session id or a selection (hashtag, since, until), not both")
        return session_chat(archive, session_id, tz=tz)
    chat = archive.select(hashtag, since, until)
    for key, value in (("since", since), ("until", until)):
        if value:
            chat.meta.setdefault(key, value)
    return chat


# ---------------------------------------------------------------------------- questions


def _wrapup_after(question_times: list[pd.Timestamp], wrapup_after: Any) -> pd.Timedelta:
    if wrapup_after is not None:
        return _as_timedelta(wrapup_after, "wrapup_after")
    if len(question_times) < 2:
        return pd.Timedelta(minutes=20)
    spacing = np.median(np.diff([t.value for t in question_times]))
    return max(pd.Timedelta(minutes=10), pd.Timedelta(int(spacing * 1.5), unit="ns"))


def _segments(
    frame: pd.DataFrame,
    session: Session,
    wrapup_after: Any = None,
) -> pd.Series:
    """Segment of each of a session's own posts (``frame`` holds them, in time order).

    Openers take effect from their place in the (time, id) order, so a post made in the same
    second as a question but before it (a smaller snowflake id) stays in the earlier segment.
    """
    questions = {q["post_id"]: f"Q{q['number']}" for q in session.questions}
    numbers = {q["number"] for q in session.questions}
    q_times = sorted(pd.Timestamp(q["time"]) for q in session.questions)
    host_ids = set(session.host_ids)
    last_q = q_times[-1] if q_times else None
    threshold = _wrapup_after(q_times, _as_timedelta_or_none(wrapup_after))
    segment: dict[str, str] = {}
    current = INTRO
    asked = 0  # questions seen so far
    wrapped = False
    for row in frame.itertuples(index=False):
        pid = row.post_id
        when = row.created_at
        if pid in questions:
            segment[pid] = current = questions[pid]
            asked += 1
            continue
        if (not wrapped and asked == len(questions) and asked and row.author_id in host_ids
                and row.kind in ("original", "quote") and isinstance(row.text, str)
                and _CLOSING.search(row.text) and parse_question(row.text) is None
                and answer_label(row.text) is None):
            segment[pid] = current = WRAPUP
            wrapped = True
            continue
        label = answer_label(row.text) if row.kind != "retweet" else None
        if label is not None and label in numbers:
            segment[pid] = f"Q{label}"
            continue
        ref = None
        if row.reply_to_post_id is not None:
            ref = row.reply_to_post_id
        elif row.kind == "retweet":
            ref = row.retweeted_post_id
        elif row.quoted_post_id is not None:
            ref = row.quoted_post_id
        if ref is not None and ref in segment:
            segment[pid] = segment[ref]
            continue
        if last_q is not None and when > last_q + threshold:
            segment[pid] = WRAPUP
            continue
        segment[pid] = current
    return pd.Series(segment, name="segment", dtype=object)


def _as_timedelta_or_none(value: Any) -> Any:
    return None if value is None else _as_timedelta(value, "wrapup_after")


def _chat_sessions(chat: Chat, own: pd.DataFrame, options: dict[str, Any]) -> list[Session]:
    """The sessions of a chat: its own session (questions re-detected if hosts are given) or all found."""
    session = chat.meta.get("session") if chat.meta else None
    if isinstance(session, Session):
        if options.get("hosts") is None:
            return [session]
        part = own[own["post_id"].isin(set(session.post_ids)).to_numpy(bool)]
        frame = _prepared(chat.posts)
        parents = frame.drop_duplicates("post_id").set_index("post_id")["author_id"].to_dict()
        questions, host_ids, hosts = _find_questions(part, _host_filter(options["hosts"]), parents)
        listed = [{"number": q["number"], "post_id": q["post_id"], "time": iso_utc(q["time"].to_pydatetime()),
                   "host": q["host"], "host_id": q["host_id"], "text": q["text"]} for q in questions]
        return [replace(session, questions=listed, hosts=hosts, host_ids=host_ids)]
    opts = {k: v for k, v in options.items() if k in _FIND_OPTIONS}
    return find_sessions(chat.posts, hashtag=chat.hashtag, **opts)


def assign_questions(chat: Chat, *, wrapup_after: Any = None, **options: Any) -> pd.Series:
    """The segment of every post of a chat: ``intro``, ``Q1`` … ``Qn`` or ``wrap-up``.

    Rules (first that applies; see the module notes): the question itself; a host's closing
    post after the last question opens the wrap-up; an ``A<k>`` label; the segment of the
    replied-to (retweeted, quoted) post; the segment open at the post's time (``intro`` before
    Q1, ``wrap-up`` more than ``wrapup_after`` after the last question).

    Parameters
    ----------
    chat : Chat
        A session's chat (:func:`session_chat`) or any selection; for a selection, its sessions
        are found first (options as for :func:`find_sessions`) and posts outside every session
        get ``<NA>``.
    wrapup_after : duration, optional
        Posts this long after the last question (and in no thread) are wrap-up; default 1.5
        times the median time between questions, at least 10 minutes.
    **options
        ``hosts``, ``gap``, ``min_posts``, ``min_participants``, ``tz``.

    Returns
    -------
    pandas.Series
        Indexed by ``post_id`` (the chat's own posts, in time order), named ``segment``.

    Examples
    --------
    >>> from swchat.chat import Chat
    >>> from swchat.schema import new_post, posts_frame
    >>> def p(pid, minute, who, text, parent=None):
    ...     return new_post(platform="x", post_id=pid, author_id=who, author_handle=who, text=text,
    ...                     created_at=f"2026-10-07T19:{minute:02d}:00.000Z", hashtags=["SWChat"],
    ...                     kind="reply" if parent else "original", reply_to_post_id=parent)
    >>> rows = [p("1", 0, "host", "Welcome to #SWChat!"), p("2", 1, "bo", "Hi all #SWChat"),
    ...         p("3", 5, "host", "Q1: Why? #SWChat"), p("4", 6, "bo", "A1 because #SWChat"),
    ...         p("5", 7, "cy", "yes! #SWChat", parent="2"), p("6", 8, "cy", "agreed #SWChat"),
    ...         p("7", 15, "host", "Q2: How? #SWChat"), p("8", 16, "bo", "A1 also this #SWChat"),
    ...         p("9", 17, "cy", "A2 so #SWChat"), p("10", 20, "host", "Thanks all! #SWChat")]
    >>> assign_questions(Chat(posts=posts_frame(rows)), min_posts=5).tolist()
    ['intro', 'intro', 'Q1', 'Q1', 'intro', 'Q1', 'Q2', 'Q1', 'Q2', 'wrap-up']
    """
    own = _prepared(chat.own_posts)
    sessions = _chat_sessions(chat, own, options)
    out = pd.Series(pd.NA, index=pd.Index(own["post_id"].to_numpy(object), name="post_id"),
                    name="segment", dtype=object)
    for session in sessions:
        ids = set(session.post_ids)
        part = own[own["post_id"].isin(ids).to_numpy(bool)]
        seg = _segments(part, session, wrapup_after)
        out.loc[seg.index] = seg.to_numpy(object)
    return out


def question_table(chat: Chat, *, wrapup_after: Any = None, segments: bool = False,
                   **options: Any) -> pd.DataFrame:
    """One row per host question with its posts, answers, participants and replies.

    Parameters
    ----------
    chat : Chat
        A session's chat, or a selection holding several sessions (one row per question of
        each session then).
    wrapup_after : duration, optional
        See :func:`assign_questions`.
    segments : bool
        Also give rows for the ``intro`` and ``wrap-up`` (``number`` 0 and ``<NA>``).
    **options
        ``hosts``, ``gap``, ``min_posts``, ``min_participants``, ``tz``.

    Returns
    -------
    pandas.DataFrame
        ``session_id``, ``segment`` (``Q1`` …), ``number``, ``text``, ``time`` (UTC), ``host``,
        ``post_id``, ``posts`` (all posts of the segment, the question included), ``answers``
        (labelled ``A<k>`` posts and direct replies to the question by others), ``replies``
        (other replies in its threads), ``retweets``, ``participants`` (distinct authors of its
        posts), ``post_ids`` (list).

    Examples
    --------
    >>> from swchat.chat import Chat
    >>> from swchat.schema import new_post, posts_frame
    >>> def p(pid, minute, who, text, parent=None):
    ...     return new_post(platform="x", post_id=pid, author_id=who, author_handle=who, text=text,
    ...                     created_at=f"2026-10-07T19:{minute:02d}:00.000Z", hashtags=["SWChat"],
    ...                     kind="reply" if parent else "original", reply_to_post_id=parent)
    >>> rows = [p("1", 0, "host", "Q1: Why? #SWChat"), p("2", 1, "bo", "A1 because #SWChat"),
    ...         p("3", 2, "cy", "@host so true", parent="1"), p("4", 3, "bo", "@cy yes", parent="3"),
    ...         p("5", 10, "host", "Q2: How? #SWChat"), p("6", 11, "cy", "A2: like this #SWChat")]
    >>> question_table(Chat(posts=posts_frame(rows)), min_posts=5)[
    ...     ["segment", "host", "posts", "answers", "replies", "participants"]]
      segment  host  posts  answers  replies  participants
    0      Q1  host      4        2        1             3
    1      Q2  host      2        1        0             2
    """
    own = _prepared(chat.own_posts)
    sessions = _chat_sessions(chat, own, options)
    columns = ["session_id", "segment", "number", "text", "time", "host", "post_id", "posts", "answers",
               "replies", "retweets", "participants", "post_ids"]
    rows: list[dict[str, Any]] = []
    for session in sessions:
        part = own[own["post_id"].isin(set(session.post_ids)).to_numpy(bool)]
        seg = _segments(part, session, wrapup_after)
        part = part.assign(segment=part["post_id"].map(seg))
        by_seg = {name: g for name, g in part.groupby("segment", sort=False)}
        items: list[tuple[str, dict[str, Any] | None]] = [(f"Q{q['number']}", q) for q in session.questions]
        if segments:
            items = [(INTRO, None), *items, (WRAPUP, None)]
        for name, q in items:
            g = by_seg.get(name, part.iloc[0:0])
            qid = q["post_id"] if q else None
            number = q["number"] if q else None
            labels = g["text"].map(answer_label) if len(g) else pd.Series(dtype=object)
            is_rt = (g["kind"] == "retweet").to_numpy(bool)
            labelled = (labels == number).to_numpy(bool) & ~is_rt if number is not None else np.zeros(len(g), bool)
            to_question = (g["reply_to_post_id"] == qid).to_numpy(bool) if qid else np.zeros(len(g), bool)
            q_author = q["host_id"] if q and "host_id" in q else None
            if q and q_author is None:
                q_author = next((a for p, a in zip(g["post_id"], g["author_id"], strict=True) if p == qid), None)
            not_self = (g["author_id"] != q_author).to_numpy(bool) if q_author is not None else np.ones(len(g), bool)
            answers = (labelled | (to_question & not_self)) & (g["post_id"] != qid).to_numpy(bool)
            replies = (g["kind"] == "reply").to_numpy(bool) & ~to_question & ~answers
            rows.append({
                "session_id": session.id, "segment": name, "number": number,
                "text": q["text"] if q else None,
                "time": pd.Timestamp(q["time"]) if q else (g["created_at"].min() if len(g) else pd.NaT),
                "host": q["host"] if q else None, "post_id": qid,
                "posts": len(g), "answers": int(answers.sum()), "replies": int(replies.sum()),
                "retweets": int(is_rt.sum()), "participants": int(g["author_id"].nunique()),
                "post_ids": [str(x) for x in g["post_id"]],
            })
    table = pd.DataFrame(rows, columns=columns)
    if table.empty:
        table = pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    table["time"] = pd.to_datetime(table["time"], utc=True)
    for column in ("posts", "answers", "replies", "retweets", "participants"):
        table[column] = table[column].astype(np.int64)
    table["number"] = table["number"].astype("Int64")
    return table
