"""The session tables every session-level question needs, derived from a stretch of posts.

For every hashtag with sessions in a set of posts (:func:`swchat.sessions.sessions_by_tag`),
:func:`derive_sessions` gives four tables, which the archive stores as its derived tables and
brings up to date after each import (see :mod:`swchat.archive`):

- ``sessions``: one row per session — hashtag, start, end, the time of its first 5 % of posts,
  platform, spellings of the tag, hosts and questions, posts by kind and participants, and
  ``shared``: how many of its posts also belong to sessions of other hashtags, as
  ``[[hashtags], posts]`` pairs (so a listing can tell a co-hashtag's bursts, ``#socialwork``
  inside ``#SWChat``, from chats of their own without reading the posts);
- ``members``: the session's own posts with each post's question segment
  (:func:`swchat.questions.segment_posts`);
- ``participation``: one row per (session, account) (:func:`swchat.community.session_participation`);
- ``interactions``: the replies, in-text mentions and retweets each account received
  (:func:`swchat.growth.received_attention` of the session's posts).

Rows of the last three point to their session by ``n``, its position in ``sessions``. Sessions
are not named here: ids depend on the time zone they are listed in
(:func:`swchat.sessions.label_sessions`).

The stretch of posts must be closed: no session may reach outside it. Any stretch between two
quiet gaps longer than ``gap`` in *all* of an archive's posts is (see :mod:`swchat.sessions`).

Examples
--------
>>> from swchat.schema import new_post, posts_frame
>>> rows = [new_post(platform="x", post_id=f"{i:02d}", author_id=str(i % 3), author_handle=f"u{i % 3}",
...                  created_at=f"2026-10-07T19:{i:02d}:00.000Z", text="A1 yes #SWChat",
...                  hashtags=["SWChat"]) for i in range(12)]
>>> tables = derive_sessions(posts_frame(rows))
>>> tables.sessions[["tag", "posts", "participants"]].values.tolist(), len(tables.members)
([['swchat', 12, 3]], 12)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .community import INTERACTION_COLUMNS, PARTICIPATION_COLUMNS, session_participation
from .questions import segment_posts
from .schema import DERIVE_COLUMNS, light_posts  # DERIVE_COLUMNS: what derive_sessions reads
from .sessions import (
    DEFAULT_GAP,
    DEFAULT_MIN_PARTICIPANTS,
    DEFAULT_MIN_POSTS,
    sessions_by_tag,
)

__all__ = ["DERIVE_COLUMNS", "MEMBER_COLUMNS", "SESSION_COLUMNS", "Derived", "derive_sessions"]

#: Columns of :attr:`Derived.sessions`.
SESSION_COLUMNS = ("n", "tag", "start", "end", "typical", "platform", "spellings", "hosts", "host_ids",
                   "questions", "shared", "posts", "participants", "originals", "replies", "retweets", "quotes")
#: Columns of :attr:`Derived.members`.
MEMBER_COLUMNS = ("n", "platform", "post_id", "segment")


@dataclass
class Derived:
    """The derived session tables of a stretch of posts (see the module notes)."""

    sessions: pd.DataFrame
    members: pd.DataFrame
    participation: pd.DataFrame
    interactions: pd.DataFrame


def derive_sessions(
    posts: pd.DataFrame,
    *,
    tags: Iterable[str] | None = None,
    gap: Any = DEFAULT_GAP,
    min_posts: int = DEFAULT_MIN_POSTS,
    min_participants: int = DEFAULT_MIN_PARTICIPANTS,
    hosts: Sequence[str] | None = None,
) -> Derived:
    """Sessions, members with segments, participation and interactions of every hashtag's sessions.

    Parameters
    ----------
    posts : pandas.DataFrame
        Canonical posts of a closed stretch of time, with the posts they refer to as context
        rows (``is_context``).
    tags : iterable of str, optional
        Only these hashtags (default: every hashtag of the posts).
    gap, min_posts, min_participants, hosts
        As for :func:`swchat.sessions.find_sessions`.

    Returns
    -------
    Derived
    """
    frame = light_posts(posts)
    found = sessions_by_tag(frame, tags=tags, gap=gap, min_posts=min_posts, min_participants=min_participants,
                            hosts=hosts)
    session_rows: list[dict[str, Any]] = []
    members: list[pd.DataFrame] = []
    canonical = posts.reset_index(drop=True)
    ids = canonical["post_id"].astype(object).to_numpy()
    contexts = canonical["is_context"].to_numpy(bool)
    position: dict[Any, int] = {}
    for i in np.argsort(~contexts, kind="stable")[::-1]:  # own rows win over context copies
        position[ids[i]] = int(i)
    rows: list[int] = []  # each session's own rows, then the rows it refers to, as context
    of_session: list[int] = []
    flags: list[bool] = []
    for tag in sorted(found):
        for (session, part), spellings in zip(found[tag].sessions, found[tag].session_spellings, strict=True):
            n = len(session_rows)
            kinds = part["kind"].value_counts()
            session_rows.append({
                "n": n, "tag": tag, "start": session.start, "end": session.end, "typical": session.first_post_time,
                "platform": session.platform, "spellings": dict(spellings),
                "hosts": session.hosts, "host_ids": session.host_ids, "questions": session.questions,
                "posts": len(part), "participants": session.participants,
                **{column: int(kinds.get(kind, 0)) for kind, column in (
                    ("original", "originals"), ("reply", "replies"), ("retweet", "retweets"), ("quote", "quotes"))},
            })
            segments = segment_posts(part, session)
            members.append(pd.DataFrame({
                "n": n, "platform": part["platform"].to_numpy(object), "post_id": part["post_id"].to_numpy(object),
                "segment": part["post_id"].map(segments).to_numpy(object)}))
            mine = set(session.post_ids)
            refs = {r for column in ("reply_to_post_id", "retweeted_post_id", "quoted_post_id")
                    for r in part[column] if r is not None} - mine
            own_rows = [position[p] for p in session.post_ids]
            context_rows = sorted(position[r] for r in refs if r in position)
            rows += own_rows + context_rows
            of_session += [n] * (len(own_rows) + len(context_rows))
            flags += [False] * len(own_rows) + [True] * len(context_rows)
    del found, frame  # each session's posts: done with (memory holds less while participation is counted)
    # only the columns the tables are made of (DERIVE_COLUMNS): each session's rows are copied
    reading = canonical[[c for c in canonical.columns if c in DERIVE_COLUMNS]]
    scoped = reading.iloc[rows].assign(n=of_session, is_context=flags) if rows else reading.iloc[0:0].assign(n=0)
    participation, interactions = session_participation(scoped, scope="n") if rows else (None, None)
    _share(session_rows, members)
    return Derived(
        sessions=pd.DataFrame(session_rows, columns=list(SESSION_COLUMNS)),
        members=_concat(members, MEMBER_COLUMNS),
        participation=_concat([participation] if participation is not None else [], ("n", *PARTICIPATION_COLUMNS)),
        interactions=_concat([interactions] if interactions is not None else [], ("n", *INTERACTION_COLUMNS)),
    )


def _share(sessions: list[dict[str, Any]], members: list[pd.DataFrame]) -> None:
    """Set each session's ``shared``: its posts that belong to sessions of other hashtags, counted
    by the set of those hashtags."""
    for row in sessions:
        row["shared"] = []
    if len({row["tag"] for row in sessions}) < 2:
        return
    # only posts in more than one session can be shared: find them in bulk, count them one by one
    every = pd.DataFrame({
        "platform": np.concatenate([part["platform"].to_numpy(object) for part in members]),
        "post_id": np.concatenate([part["post_id"].to_numpy(object) for part in members]),
        "s": np.repeat(np.arange(len(members)), [len(part) for part in members]),
    })
    several = every[every.duplicated(["platform", "post_id"], keep=False).to_numpy(bool)]
    keys = list(zip(several["platform"].to_numpy(object), several["post_id"].to_numpy(object), strict=True))
    of = several["s"].to_numpy().tolist()
    tags_of: dict[tuple[Any, Any], set[str]] = {}
    for key, s in zip(keys, of, strict=True):
        tags_of.setdefault(key, set()).add(sessions[s]["tag"])
    counts: list[dict[tuple[str, ...], int]] = [{} for _ in sessions]
    for key, s in zip(keys, of, strict=True):
        others = tuple(sorted(tags_of[key] - {sessions[s]["tag"]}))
        if others:
            counts[s][others] = counts[s].get(others, 0) + 1
    for row, mine in zip(sessions, counts, strict=True):
        row["shared"] = [[list(tags), n] for tags, n in sorted(mine.items())]


def _concat(frames: list[pd.DataFrame], columns: Sequence[str]) -> pd.DataFrame:
    if not frames:
        return pd.DataFrame(columns=list(columns))
    return pd.concat(frames, ignore_index=True)[list(columns)]
