"""Hosts, questions and answers: the Q1/A1 structure of a chat session.

A **question** is a post whose text starts — after any emoji, punctuation, hashtags and
mentions — with ``Q1:``, ``Q1.``, ``Q1)``, ``Q 1 -``, ``Question 1:`` and the like
(:func:`parse_question`), written by a host, as a post that starts a thread: an original or a
quote, or a host's reply to a host's post (a self-thread of questions). Retweets are never
questions. **Hosts** are the accounts that post such questions: those with at least two
different question numbers in the session, plus any account whose question fills a number
no host has used (a guest asking Q3). Pass ``hosts=[...]`` to name them instead. For each
number the first such post is the question; a repeat is an ordinary post
(:func:`find_questions`).

Each post of a session gets one **segment** (:func:`segment_posts`), by the first rule that
applies:

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

:func:`assign_questions` and :func:`question_table` apply this to the sessions of a chat (a
session's chat is its own session; for any other selection, pass the sessions, e.g. from
:func:`swchat.sessions.chat_sessions`). Sessions themselves are found in :mod:`swchat.sessions`.

Examples
--------
>>> parse_question("❓Q3: How do you switch off? #SWChat"), parse_question("Q1 results are in")
(3, None)
>>> answer_label("@host A.2 Supervision, always #SWChat"), answer_label("A 1-to-1 chat helps")
(2, None)
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from contextlib import suppress
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .errors import SelectionError
from .schema import iso_utc, light_posts

if TYPE_CHECKING:  # pragma: no cover
    from .chat import Chat, Session

__all__ = [
    "INTRO",
    "WRAPUP",
    "answer_label",
    "as_timedelta",
    "assign_questions",
    "find_questions",
    "host_filter",
    "parse_question",
    "question_numbers",
    "question_table",
    "segment_posts",
]

#: Segment names besides ``Q1`` … ``Qn``.
INTRO = "intro"
WRAPUP = "wrap-up"

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
# what both answer patterns need somewhere in a text (a quick look before them)
_MAYBE_ANSWER = re.compile(r"[Aa][.#]?\d|A\s+\d")
_KEYCAP = re.compile("([0-9])\ufe0f?\u20e3")
_RT = re.compile(r"^\s*RT @\w+:")
_CLOSING = re.compile(
    r"\b(thank|thanks|thx|ty|that'?s all|that is all|that’s all|wrap|wrapping|see you|see y'?all|"
    r"good ?night|night all|until next|next week|next time|summary|last question|bye|signing off)\b",
    re.IGNORECASE,
)
_MAYBE_QUESTION = r"(?i)q(?:uestion)?\s*[.#]?\s*\d"


def _normal(text: Any) -> str | None:
    if not isinstance(text, str) or not text:
        return None
    if text.isascii():  # no keycap, nothing to normalise
        return text
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
    if isinstance(text, str) and text.isascii() and not _MAYBE_ANSWER.search(text):
        return None  # an ASCII text is its own normal form: no "A<k>" in it, no label (most posts)
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


def as_timedelta(value: Any, name: str) -> pd.Timedelta:
    """A positive duration from minutes (number or numeric text) or anything pandas reads.

    Raises
    ------
    SelectionError
        For anything else, or a duration that is not positive.

    Examples
    --------
    >>> as_timedelta(90, "gap"), as_timedelta("1h", "gap")
    (Timedelta('0 days 01:30:00'), Timedelta('0 days 01:00:00'))
    """
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


# ---------------------------------------------------------------------------- hosts and questions


def question_numbers(frame: pd.DataFrame) -> pd.Series:
    """:func:`parse_question` of every non-retweet post (``None`` elsewhere), parsing only likely ones.

    Examples
    --------
    >>> question_numbers(pd.DataFrame({"text": ["Q2: why?", "hello"], "kind": ["original"] * 2})).tolist()
    [2, None]
    """
    texts = frame["text"]
    maybe = texts.astype(object).fillna("").astype(str).str.contains(_MAYBE_QUESTION, regex=True).to_numpy(bool)
    maybe = maybe & (frame["kind"] != "retweet").to_numpy(bool)
    out = np.full(len(frame), None, dtype=object)
    values = texts.to_numpy(object)
    for i in np.flatnonzero(maybe):
        out[i] = parse_question(values[i])
    return pd.Series(out, index=frame.index, dtype=object)


def host_filter(hosts: Sequence[str] | str | None) -> set[str] | None:
    """Named hosts as lower-cased handles or ids without ``@`` (``None``: find them).

    Examples
    --------
    >>> sorted(host_filter(["@Ann", "42"]))
    ['42', 'ann']
    """
    if hosts is None:
        return None
    if isinstance(hosts, str):
        hosts = [hosts]
    return {h.lstrip("@").lower() for h in hosts if h}


def find_questions(
    session_posts: pd.DataFrame,
    hosts: set[str] | None,
    parent_authors: dict[Any, Any],
) -> tuple[list[dict[str, Any]], list[str], list[str]]:
    """The questions of one session's posts, with the hosts' ids and handles.

    Parameters
    ----------
    session_posts : pandas.DataFrame
        The session's own posts as a :func:`swchat.schema.light_posts` frame, optionally with a
        ``qnum`` column (:func:`question_numbers`).
    hosts : set of str or None
        Named hosts (:func:`host_filter`); ``None`` finds them (see the module notes).
    parent_authors : dict
        Post id → author id of the posts replies may point to (own and context posts).

    Returns
    -------
    tuple
        The questions in number order (``number``, ``post_id``, ``time`` (UTC text), ``host``,
        ``host_id``, ``text``), the hosts' account ids and their handles: two lists of the
        same length, the i-th handle the i-th id's, in handle order.

    Examples
    --------
    >>> from swchat.schema import new_post, posts_frame
    >>> rows = [new_post(platform="x", post_id=str(i), author_id="h", author_handle="host",
    ...                  created_at=f"2026-10-07T19:{i:02d}:00.000Z", text=f"Q{i}: why?")
    ...         for i in (1, 2)]
    >>> questions, ids, handles = find_questions(light_posts(posts_frame(rows)), None, {})
    >>> [q["number"] for q in questions], ids, handles
    ([1, 2], ['h'], ['host'])
    """
    handle_of = dict(zip(session_posts["author_id"], session_posts["author_handle"], strict=True))
    numbers_of = session_posts["qnum"] if "qnum" in session_posts else question_numbers(session_posts)
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

    if hosts is not None:
        host_ids = {a for a, h in handle_of.items()
                    if (isinstance(h, str) and h.lower() in hosts) or str(a).lower() in hosts}
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
            questions[n] = {"number": n, "post_id": r.post_id, "time": iso_utc(r.created_at.to_pydatetime()),
                            "host": r.author_handle, "host_id": r.author_id, "text": r.text}
    ordered = [questions[n] for n in sorted(questions)]
    if hosts is None:
        host_ids = {q["host_id"] for q in ordered}
    # pairs: the i-th handle is the i-th id's (in handle order)
    pairs = sorted((str(handle_of.get(a, a)), str(a)) for a in host_ids)
    return ordered, [i for _h, i in pairs], [h for h, _i in pairs]


# ---------------------------------------------------------------------------- segments


def _wrapup_after(question_times: list[pd.Timestamp], wrapup_after: Any) -> pd.Timedelta:
    if wrapup_after is not None:
        return as_timedelta(wrapup_after, "wrapup_after")
    if len(question_times) < 2:
        return pd.Timedelta(minutes=20)
    spacing = np.median(np.diff([t.value for t in question_times]))
    return max(pd.Timedelta(minutes=10), pd.Timedelta(int(spacing * 1.5), unit="ns"))


def segment_posts(frame: pd.DataFrame, session: Session, wrapup_after: Any = None) -> pd.Series:
    """The segment of each of a session's own posts (the rules of the module notes).

    ``frame`` holds the session's posts as a :func:`swchat.schema.light_posts` frame, in time
    order. Openers take effect from their place in the (time, id) order, so a post made in the
    same second as a question but before it (a smaller snowflake id) stays in the earlier segment.

    Returns
    -------
    pandas.Series
        Segment by post id, named ``segment``.
    """
    questions = {q["post_id"]: f"Q{q['number']}" for q in session.questions}
    numbers = {q["number"] for q in session.questions}
    q_times = sorted(pd.Timestamp(q["time"]) for q in session.questions)
    host_ids = set(session.host_ids)
    last_q = q_times[-1] if q_times else None
    threshold = _wrapup_after(q_times, wrapup_after)
    segment: dict[str, str] = {}
    current = INTRO
    asked = 0  # questions seen so far
    wrapped = False
    # plain arrays, not rows: no per-cell boxing; times as int64 nanoseconds (UTC)
    def values(column: str) -> Any:
        return frame[column].to_numpy(dtype=object)  # the cells as they are (what rows would hold)

    if last_q is not None:
        times = pd.to_datetime(frame["created_at"], utc=True).dt.as_unit("ns")
        late = (times > (last_q + threshold)).to_numpy(dtype=bool).tolist()
    else:
        late = [False] * len(frame)
    for pid, author, kind, text, reply_to, retweeted, quoted, after in zip(
            values("post_id"), values("author_id"), values("kind"), values("text"), values("reply_to_post_id"),
            values("retweeted_post_id"), values("quoted_post_id"), late, strict=True):
        if pid in questions:
            segment[pid] = current = questions[pid]
            asked += 1
            continue
        if (not wrapped and asked == len(questions) and asked and author in host_ids
                and kind in ("original", "quote") and isinstance(text, str)
                and _CLOSING.search(text) and parse_question(text) is None
                and answer_label(text) is None):
            segment[pid] = current = WRAPUP
            wrapped = True
            continue
        label = answer_label(text) if kind != "retweet" else None
        if label is not None and label in numbers:
            segment[pid] = f"Q{label}"
            continue
        ref = None
        if reply_to is not None:
            ref = reply_to
        elif kind == "retweet":
            ref = retweeted
        elif quoted is not None:
            ref = quoted
        if ref is not None and ref in segment:
            segment[pid] = segment[ref]
            continue
        if after:
            segment[pid] = WRAPUP
            continue
        segment[pid] = current
    return pd.Series(segment, name="segment", dtype=object)


def _sessions_of(chat: Chat, sessions: Sequence[Session] | None) -> list[Session]:
    if sessions is not None:
        return list(sessions)
    return [chat.session] if chat.session is not None else []


def _stored_segments(chat: Chat, session: Session, wrapup_after: Any) -> pd.Series | None:
    """The segments the archive stored for this session, when they apply (same session, default rules)."""
    stored = chat.meta.get("segments")
    if stored is None or wrapup_after is not None or chat.session is not session:
        return None
    return stored


def assign_questions(chat: Chat, *, sessions: Sequence[Session] | None = None,
                     wrapup_after: Any = None) -> pd.Series:
    """The segment of every post of a chat: ``intro``, ``Q1`` … ``Qn`` or ``wrap-up``.

    Rules (first that applies; see the module notes): the question itself; a host's closing
    post after the last question opens the wrap-up; an ``A<k>`` label; the segment of the
    replied-to (retweeted, quoted) post; the segment open at the post's time (``intro`` before
    Q1, ``wrap-up`` more than ``wrapup_after`` after the last question).

    Parameters
    ----------
    chat : Chat
        A session's chat, or any selection with its ``sessions``.
    sessions : list of Session, optional
        The sessions to segment (e.g. :func:`swchat.sessions.chat_sessions`); default the chat's
        own session. Posts outside every session get ``<NA>``.
    wrapup_after : duration, optional
        Posts this long after the last question (and in no thread) are wrap-up; default 1.5
        times the median time between questions, at least 10 minutes.

    Returns
    -------
    pandas.Series
        Indexed by ``post_id`` (the chat's own posts, in time order), named ``segment``.

    Examples
    --------
    >>> from swchat.chat import Chat
    >>> from swchat.schema import new_post, posts_frame
    >>> from swchat.sessions import find_sessions
    >>> def p(pid, minute, who, text, parent=None):
    ...     return new_post(platform="x", post_id=pid, author_id=who, author_handle=who, text=text,
    ...                     created_at=f"2026-10-07T19:{minute:02d}:00.000Z", hashtags=["SWChat"],
    ...                     kind="reply" if parent else "original", reply_to_post_id=parent)
    >>> rows = [p("1", 0, "host", "Welcome to #SWChat!"), p("2", 1, "bo", "Hi all #SWChat"),
    ...         p("3", 5, "host", "Q1: Why? #SWChat"), p("4", 6, "bo", "A1 because #SWChat"),
    ...         p("5", 7, "cy", "yes! #SWChat", parent="2"), p("6", 8, "cy", "agreed #SWChat"),
    ...         p("7", 15, "host", "Q2: How? #SWChat"), p("8", 16, "bo", "A1 also this #SWChat"),
    ...         p("9", 17, "cy", "A2 so #SWChat"), p("10", 20, "host", "Thanks all! #SWChat")]
    >>> chat = Chat(posts=posts_frame(rows))
    >>> assign_questions(chat, sessions=find_sessions(chat.posts, min_posts=5)).tolist()
    ['intro', 'intro', 'Q1', 'Q1', 'intro', 'Q1', 'Q2', 'Q1', 'Q2', 'wrap-up']
    """
    own = light_posts(chat.own_posts)
    out = pd.Series(pd.NA, index=pd.Index(own["post_id"].to_numpy(object), name="post_id"),
                    name="segment", dtype=object)
    for session in _sessions_of(chat, sessions):
        seg = _stored_segments(chat, session, wrapup_after)
        if seg is None:
            part = own[own["post_id"].isin(set(session.post_ids)).to_numpy(bool)]
            seg = segment_posts(part, session, wrapup_after)
        seg = seg[seg.index.isin(out.index)]
        out.loc[seg.index] = seg.to_numpy(object)
    return out


def question_table(chat: Chat, *, sessions: Sequence[Session] | None = None, wrapup_after: Any = None,
                   segments: bool = False) -> pd.DataFrame:
    """One row per host question with its posts, answers, participants and replies.

    Parameters
    ----------
    chat : Chat
        A session's chat, or a selection holding several sessions (one row per question of
        each session then).
    sessions : list of Session, optional
        The sessions whose questions to list (e.g. :func:`swchat.sessions.chat_sessions`);
        default the chat's own session.
    wrapup_after : duration, optional
        See :func:`assign_questions`.
    segments : bool
        Also give rows for the ``intro`` and ``wrap-up`` (``number`` ``<NA>``).

    Returns
    -------
    pandas.DataFrame
        ``session_id``, ``segment`` (``Q1`` …), ``number``, ``text``, ``time`` (UTC), ``host``,
        ``post_id``, ``posts`` (all posts of the segment, the question included), ``answers``
        (labelled ``A<k>`` posts and direct replies to the question by others), ``replies``
        (other replies in its threads), ``retweets``, ``participants`` (distinct authors of its
        posts), ``post_ids`` (list), ``answer_ids`` (list: the posts counted in ``answers``).

    Examples
    --------
    >>> from swchat.chat import Chat
    >>> from swchat.schema import new_post, posts_frame
    >>> from swchat.sessions import find_sessions
    >>> def p(pid, minute, who, text, parent=None):
    ...     return new_post(platform="x", post_id=pid, author_id=who, author_handle=who, text=text,
    ...                     created_at=f"2026-10-07T19:{minute:02d}:00.000Z", hashtags=["SWChat"],
    ...                     kind="reply" if parent else "original", reply_to_post_id=parent)
    >>> rows = [p("1", 0, "host", "Q1: Why? #SWChat"), p("2", 1, "bo", "A1 because #SWChat"),
    ...         p("3", 2, "cy", "@host so true", parent="1"), p("4", 3, "bo", "@cy yes", parent="3"),
    ...         p("5", 10, "host", "Q2: How? #SWChat"), p("6", 11, "cy", "A2: like this #SWChat")]
    >>> chat = Chat(posts=posts_frame(rows))
    >>> question_table(chat, sessions=find_sessions(chat.posts, min_posts=5))[
    ...     ["segment", "host", "posts", "answers", "replies", "participants"]]
      segment  host  posts  answers  replies  participants
    0      Q1  host      4        2        1             3
    1      Q2  host      2        1        0             2
    """
    own = light_posts(chat.own_posts)
    columns = ["session_id", "segment", "number", "text", "time", "host", "post_id", "posts", "answers",
               "replies", "retweets", "participants", "post_ids", "answer_ids"]
    rows: list[dict[str, Any]] = []
    for session in _sessions_of(chat, sessions):
        part = own[own["post_id"].isin(set(session.post_ids)).to_numpy(bool)]
        seg = _stored_segments(chat, session, wrapup_after)
        if seg is None:
            seg = segment_posts(part, session, wrapup_after)
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
                "answer_ids": [str(x) for x in g["post_id"].to_numpy(object)[answers]],
            })
    table = pd.DataFrame(rows, columns=columns)
    if table.empty:
        table = pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    table["time"] = pd.to_datetime(table["time"], utc=True)
    for column in ("posts", "answers", "replies", "retweets", "participants"):
        table[column] = table[column].astype(np.int64)
    table["number"] = table["number"].astype("Int64")
    return table
