"""Who keeps coming back: participation, newcomers, retention and receptivity across sessions.

After Budak & Agrawal (2013, "On participation in group chats on Twitter", *WWW '13*), over the
sessions of a hashtag in time order:

- **participants** of each session: distinct accounts that posted in it;
- **newcomers**: participants whose first session in the archive is this one (in the first
  session of the archive everyone is a newcomer — the archive cannot see further back);
  **returners**: participants seen in an earlier session. The two partition the participants;
- **retention**: the share of a session's participants seen again in *any* later session
  (undefined, ``None``, for the last session);
- the **cohort table**: accounts by first session (rows) × the sessions they took part in;
- **perceived receptivity**: whether a newcomer received, in their first session, a reply or an
  in-text mention from someone else (mentions under :data:`swchat.network.EDGE_RULES`: a
  reply's automatic leading ``@handle`` run and a retweet's ``RT @x`` do not count), with the
  return rates of newcomers who did and who did not.

Everything rests on one table, the **participation** of each account in each session
(:func:`session_participation`: posts by kind, replies, mentions and retweets received from
others, and whether that made the account *welcomed*). The archive computes it once per session
and keeps it (its derived tables), so :func:`community_from_participation` answers for a chat
of any age without reading old sessions' posts again; :func:`community_from_posts` does the same
from posts, for selections that are not in an archive.

Accounts are identified by ``(platform, account_id)``; handles are shown (the latest seen).

Examples
--------
>>> s1 = pd.DataFrame({"author_id": ["1", "2", "3"]})
>>> s2 = pd.DataFrame({"author_id": ["1", "4"]})
>>> c = community_from_posts([("s1", s1), ("s2", s2)])
>>> c.sessions[["session", "participants", "newcomers", "returners", "retention"]].values.tolist()
[['s1', 3, 3, 0, 0.3333333333333333], ['s2', 2, 1, 1, nan]]
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .growth import (
    account_activity,
    account_keys,
    json_records,
    jsonable,
    own_posts,
    received_attention,
)
from .schema import TEXT

__all__ = [
    "DEFINITIONS",
    "INTERACTION_COLUMNS",
    "PARTICIPATION_COLUMNS",
    "Community",
    "community_from_participation",
    "community_from_posts",
    "session_participation",
]

#: The definitions behind :class:`Community`, for reports (Budak & Agrawal 2013).
DEFINITIONS: dict[str, str] = {
    "participants": "distinct accounts that posted at least once in the session",
    "newcomers": "participants whose first session in the archive is this one "
                 "(Budak & Agrawal 2013); in the archive's first session everyone is a newcomer",
    "returners": "participants seen in an earlier session",
    "retention": "share of the session's participants seen again in any later session "
                 "(Budak & Agrawal 2013); undefined for the last session",
    "receptivity": "a newcomer received, in their first session, a reply or an in-text mention "
                   "from someone else (perceived receptivity, Budak & Agrawal 2013); return rates "
                   "over the newcomers of every session but the last",
}

#: Columns of :func:`session_participation`'s first table.
PARTICIPATION_COLUMNS = ("platform", "account_id", "handle", "posts", "originals", "replies", "retweets",
                         "quotes", "replies_received", "mentions_received", "retweets_received", "welcomed",
                         "first_post")
#: Columns of :func:`session_participation`'s second table.
INTERACTION_COLUMNS = ("post_id", "created_at", "source", "target", "type")

_COUNTS = ("posts", "originals", "replies", "retweets", "quotes", "replies_received", "mentions_received",
           "retweets_received")


def session_participation(posts: pd.DataFrame, *, scope: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """What each account did and received in one session, and the interactions behind it.

    Parameters
    ----------
    posts : pandas.DataFrame
        The session's posts (canonical columns, context rows included: they tell who wrote a
        replied-to or retweeted post). Only ``author_id`` is required; without ``post_id``,
        ``kind`` and ``reply_to_author_id`` nobody is counted as having received anything.
    scope : str, optional
        A column splitting the posts into several sessions, each with its own context rows (see
        :func:`swchat.growth.received_attention`); both tables then carry it.

    Returns
    -------
    participation : pandas.DataFrame
        One row per participant (:data:`PARTICIPATION_COLUMNS`): posts by kind, replies, mentions
        and retweets received from other accounts (:func:`swchat.growth.received_attention`),
        ``welcomed`` (received a reply or a mention), ``first_post``; most active first.
    interactions : pandas.DataFrame
        :func:`swchat.growth.received_attention`: one row per (post, receiver, type).

    Examples
    --------
    >>> from swchat.schema import new_post, posts_frame
    >>> posts = posts_frame([
    ...     new_post(platform="x", post_id="1", author_id="1", author_handle="ann",
    ...              created_at="2026-10-07T19:00:00.000Z", text="Welcome @bob!", mentions=["bob"]),
    ...     new_post(platform="x", post_id="2", author_id="2", author_handle="bob",
    ...              created_at="2026-10-07T19:01:00.000Z", text="hi all")])
    >>> part, seen = session_participation(posts)
    >>> part[["handle", "posts", "mentions_received", "welcomed"]].values.tolist()
    [['ann', 1, 0, False], ['bob', 1, 1, True]]
    """
    own = own_posts(posts, scope=scope)
    needed = {"post_id", "kind", "reply_to_author_id", "created_at"}
    scoped = [scope] if scope is not None else []
    if own.empty or not needed <= set(posts.columns):
        if scope is not None:
            raise ValueError("scoped participation needs the canonical post columns")
        return _minimal_participation(own), pd.DataFrame(columns=list(INTERACTION_COLUMNS))
    frame = posts
    for column, default in (("text", None), ("mentions", None), ("reply_to_post_id", None),
                            ("retweeted_post_id", None), ("reply_to_handle", None), ("author_handle", None),
                            ("platform", "x")):
        if column not in frame:
            frame = frame.assign(**{column: default})
    frame = frame.assign(mentions=frame["mentions"].map(lambda m: m if isinstance(m, list) else []))
    attention = received_attention(frame, scope=scope)
    activity = account_activity(frame, attention=attention, scope=scope)
    welcome = attention[attention["type"].isin(["reply", "mention"])]
    welcomed = set(zip(*(welcome[c] for c in scoped), welcome["target"], strict=True))
    out = pd.DataFrame({
        **{c: activity[c].to_numpy(object) for c in scoped},
        "platform": activity["platform"].astype(object).to_numpy(),
        "account_id": activity["author_id"].astype(object).to_numpy(),
        "handle": activity["handle"].astype(object).to_numpy(),
        **{c: activity[c].to_numpy("int64") for c in _COUNTS},
        "welcomed": [key in welcomed for key in zip(*(activity[c] for c in scoped), activity["account"],
                                                     strict=True)],
        "first_post": activity["first_post"].to_numpy(),
    })
    return (out[[*scoped, *PARTICIPATION_COLUMNS]],
            attention[[*scoped, *INTERACTION_COLUMNS]].reset_index(drop=True))


def _minimal_participation(own: pd.DataFrame) -> pd.DataFrame:
    """Participation from authors alone (posts counted, nothing received)."""
    if own.empty:
        return pd.DataFrame(columns=list(PARTICIPATION_COLUMNS))
    frame = pd.DataFrame({
        "platform": own["platform"].astype(object).to_numpy() if "platform" in own else "x",
        "account_id": own["author_id"].astype(object).to_numpy(),
        "handle": (own["author_handle"] if "author_handle" in own else own["author_id"]).astype(object).to_numpy(),
        "first_post": own["created_at"].to_numpy() if "created_at" in own else pd.NaT,
    })
    grouped = frame.groupby(["platform", "account_id"], sort=False)
    out = grouped.agg(handle=("handle", "last"), posts=("account_id", "size"), first_post=("first_post", "min"))
    out = out.reset_index()
    for column in _COUNTS[1:]:
        out[column] = 0
    out["welcomed"] = False
    return out[list(PARTICIPATION_COLUMNS)]


@dataclass
class Community:
    """Participation across the sessions of a hashtag (see :func:`community_from_participation`).

    Attributes
    ----------
    hashtag : str or None
    sessions : pandas.DataFrame
        One row per session, in time order: ``session``, ``start``, ``posts``,
        ``participants``, ``newcomers``, ``returners``, ``retention`` (share 0–1, NaN for the
        last session), ``retained`` (participants seen later), ``newcomers_received`` and
        ``newcomers_not_received`` (the receptivity split, adding up to ``newcomers``),
        ``received_returned``, ``not_received_returned`` (of those, seen later; NaN for the last
        session), ``newcomers_returned``.
    cohorts : pandas.DataFrame
        Accounts by first session (rows) × session (columns): how many of each cohort took
        part; the diagonal is the cohort's size; zero above it.
    receptivity : dict
        Over the newcomers of every session but the last: ``received`` and ``not_received``,
        each ``{"newcomers", "returned", "rate"}`` (rate = returned / newcomers).
    members : dict
        Session → ``{"participants", "newcomers", "returners", "newcomers_received",
        "newcomers_returned"}``: sorted handles.
    accounts : pandas.DataFrame
        One row per account: ``account``, ``handle``, ``first_session``, ``sessions``
        (number attended), ``last_session``.
    """

    hashtag: str | None
    sessions: pd.DataFrame
    cohorts: pd.DataFrame
    receptivity: dict[str, dict[str, Any]]
    members: dict[str, dict[str, list[str]]]
    accounts: pd.DataFrame
    definitions: dict[str, str] = field(default_factory=dict)

    def retention_matrix(self) -> pd.DataFrame:
        """The cohort table as shares of each cohort's size (0–1).

        Examples
        --------
        >>> c = community_from_posts([("s1", pd.DataFrame({"author_id": ["1", "2"]})),
        ...                           ("s2", pd.DataFrame({"author_id": ["1"]}))])
        >>> float(c.retention_matrix().loc["s1", "s2"])
        0.5
        """
        sizes = pd.Series(np.diag(self.cohorts.to_numpy()), index=self.cohorts.index)
        return self.cohorts.div(sizes.where(sizes > 0), axis=0)

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dict.

        Examples
        --------
        >>> c = community_from_posts([("s1", pd.DataFrame({"author_id": ["1", "2"]})),
        ...                           ("s2", pd.DataFrame({"author_id": ["1", "3"]}))])
        >>> d = c.as_dict()
        >>> [(s["session"], s["newcomers"], s["retention"]) for s in d["sessions"]]
        [('s1', 2, 0.5), ('s2', 1, None)]
        """
        cohorts = {str(first): {str(s): int(v) for s, v in row.items()}
                   for first, row in self.cohorts.iterrows()}
        return {
            "hashtag": self.hashtag,
            "sessions": json_records(self.sessions.set_index("session"), None),
            "cohorts": cohorts,
            "receptivity": jsonable(self.receptivity),
            "members": self.members,
            "definitions": dict(self.definitions),
        }


def community_from_posts(sessions: Iterable[tuple[str, pd.DataFrame]], *, hashtag: str | None = None) -> Community:
    """Newcomers, returners, retention, cohorts and receptivity over a list of sessions' posts.

    Each session's participation is :func:`session_participation` of its posts; the rest is
    :func:`community_from_participation`. Sessions are taken in the order given, which must be
    time order.

    Parameters
    ----------
    sessions : iterable of (str, pandas.DataFrame)
        Session id and its posts (canonical columns; only ``author_id`` is required —
        receptivity needs ``post_id``, ``kind``, ``text``, ``mentions``, ``reply_to_author_id``).
    hashtag : str, optional
        For the record.

    Returns
    -------
    Community

    Examples
    --------
    >>> s1 = pd.DataFrame({"author_id": ["1", "2", "3"]})
    >>> s2 = pd.DataFrame({"author_id": ["1", "4"]})
    >>> s3 = pd.DataFrame({"author_id": ["4", "5"]})
    >>> c = community_from_posts([("s1", s1), ("s2", s2), ("s3", s3)])
    >>> c.sessions[["session", "participants", "newcomers", "returners", "retention"]]
      session  participants  newcomers  returners  retention
    0      s1             3          3          0   0.333333
    1      s2             2          1          1   0.500000
    2      s3             2          1          1        NaN
    >>> c.cohorts.to_numpy().tolist()  # cohort (first session) x session
    [[3, 1, 0], [0, 1, 1], [0, 0, 1]]
    """
    rows, parts = [], []
    for sid, posts in sessions:
        own = own_posts(posts)
        participation, _ = session_participation(posts)
        start = own["created_at"].min() if "created_at" in own and len(own) else pd.NaT
        rows.append({"session": str(sid), "start": start, "posts": len(own)})
        parts.append(participation.assign(session=str(sid)))
    table = pd.DataFrame(rows, columns=["session", "start", "posts"])
    participation = (pd.concat(parts, ignore_index=True) if parts
                     else pd.DataFrame(columns=["session", *PARTICIPATION_COLUMNS]))
    return community_from_participation(table, participation, hashtag=hashtag)


def community_from_participation(sessions: pd.DataFrame, participation: pd.DataFrame, *,
                                 hashtag: str | None = None) -> Community:
    """Newcomers, returners, retention, cohorts and receptivity from per-session participation.

    Definitions (Budak & Agrawal 2013) are in the module notes and in ``Community.definitions``.

    Parameters
    ----------
    sessions : pandas.DataFrame
        One row per session in time order: ``session`` (id), ``start``, ``posts``.
    participation : pandas.DataFrame
        One row per (session, account): ``session``, ``platform``, ``account_id``, ``handle``,
        ``welcomed`` (received a reply or a mention from someone else in that session).
    hashtag : str, optional
        For the record.

    Returns
    -------
    Community

    Examples
    --------
    >>> sessions = pd.DataFrame({"session": ["s1", "s2"], "start": pd.to_datetime(["2026-10-07T19:00Z",
    ...                          "2026-10-14T19:00Z"]), "posts": [3, 2]})
    >>> participation = pd.DataFrame({"session": ["s1", "s1", "s2"], "platform": "x",
    ...                               "account_id": ["1", "2", "1"], "handle": ["ann", "bob", "ann"],
    ...                               "welcomed": [False, True, False]})
    >>> c = community_from_participation(sessions, participation)
    >>> c.sessions[["newcomers", "newcomers_received", "newcomers_returned"]].values.tolist()
    [[2.0, 1.0, 1.0], [0.0, 0.0, nan]]
    >>> c.receptivity["received"]
    {'newcomers': 1, 'returned': 0, 'rate': 0.0}
    """
    ids = [str(s) for s in sessions["session"]]
    if len(set(ids)) != len(ids):
        raise ValueError("session ids must be unique")
    order_of = {sid: i for i, sid in enumerate(ids)}
    n_sessions = len(ids)
    last_order = n_sessions - 1
    attendance = pd.DataFrame({
        "session": participation["session"].astype(str).to_numpy(),
        "order": participation["session"].astype(str).map(order_of).to_numpy(),
        "account": account_keys(participation.rename(columns={"account_id": "author_id"})).to_numpy(),
        "handle": participation["handle"].astype(TEXT).fillna(participation["account_id"].astype(TEXT))
        .to_numpy() if len(participation) else [],
        "received": participation["welcomed"].astype(bool).to_numpy() if len(participation) else [],
    })
    attendance = attendance[attendance["order"].notna()].astype({"order": "int64"})
    last_handle = attendance.sort_values(["order"], kind="stable").groupby("account")["handle"].last()
    attendance = attendance.drop_duplicates(["session", "account"])
    first = attendance.groupby("account")["order"].min().rename("first")
    last = attendance.groupby("account")["order"].max().rename("last")
    attendance = attendance.join(first, on="account").join(last, on="account")
    attendance["newcomer"] = attendance["order"] == attendance["first"]
    attendance["returns"] = attendance["last"] > attendance["order"]

    grouped = attendance.groupby("order")
    news = attendance[attendance["newcomer"]]
    by_new = news.groupby("order")

    def count(groups: Any, mask_column: str | None = None) -> pd.Series:
        values = groups.size() if mask_column is None else groups[mask_column].sum()
        return values.reindex(range(n_sessions), fill_value=0).astype("int64")

    participants = count(grouped)
    newcomers = count(by_new)
    retained = count(grouped, "returns")
    received_new = count(by_new, "received")
    returned_new = count(by_new, "returns")
    rec_ret = news[news["received"]].groupby("order")["returns"].sum().reindex(range(n_sessions), fill_value=0)
    not_rec_ret = news[~news["received"]].groupby("order")["returns"].sum().reindex(range(n_sessions), fill_value=0)
    later = pd.Series(np.arange(n_sessions) < last_order, index=range(n_sessions))
    table = pd.DataFrame({
        "session": ids,
        "start": pd.to_datetime(sessions["start"], utc=True).to_numpy(),
        "posts": sessions["posts"].astype("int64").to_numpy(),
        "participants": participants.to_numpy(),
        "newcomers": newcomers.to_numpy(),
        "returners": (participants - newcomers).to_numpy(),
        "retained": retained.to_numpy(),
        "retention": (retained / participants.where(participants > 0)).where(later).to_numpy(),
        "newcomers_received": received_new.to_numpy(),
        "newcomers_not_received": (newcomers - received_new).to_numpy(),
        "newcomers_returned": returned_new.where(later).to_numpy(),
        "received_returned": rec_ret.where(later).to_numpy(),
        "not_received_returned": not_rec_ret.where(later).to_numpy(),
    })

    table_counts = np.zeros((n_sessions, n_sessions), dtype="int64")  # first session × session
    np.add.at(table_counts, (attendance["first"].to_numpy("int64"), attendance["order"].to_numpy("int64")), 1)
    cohorts = pd.DataFrame(table_counts, index=pd.Index(ids, name="cohort"), columns=pd.Index(ids, name="session"))

    eligible = news[news["order"] < last_order]
    receptivity = {}
    for key, part in (("received", eligible[eligible["received"]]),
                      ("not_received", eligible[~eligible["received"]])):
        n = len(part)
        r = int(part["returns"].sum())
        receptivity[key] = {"newcomers": n, "returned": r, "rate": r / n if n else None}

    members: dict[str, dict[str, list[str]]] = {}
    attendance["shown"] = attendance["account"].map(last_handle).astype(str).astype(object)
    by_order = dict(tuple(attendance.groupby("order", sort=False)))
    empty = attendance.iloc[0:0]
    for order, sid in enumerate(ids):
        rows = by_order.get(order, empty)
        new = rows[rows["newcomer"]]
        members[sid] = {
            "participants": sorted(rows["shown"]),
            "newcomers": sorted(new["shown"]),
            "returners": sorted(rows.loc[~rows["newcomer"], "shown"]),
            "newcomers_received": sorted(new.loc[new["received"], "shown"]),
            "newcomers_returned": sorted(new.loc[new["returns"], "shown"]) if order < last_order else [],
        }
    accounts = attendance.groupby("account").agg(
        first_session=("first", "first"), last_session=("last", "first"), sessions=("session", "size"))
    accounts["first_session"] = accounts["first_session"].map(dict(enumerate(ids)))
    accounts["last_session"] = accounts["last_session"].map(dict(enumerate(ids)))
    accounts.insert(0, "handle", last_handle.reindex(accounts.index).astype(str))
    accounts = accounts.reset_index()
    return Community(hashtag=hashtag, sessions=table, cohorts=cohorts, receptivity=receptivity,
                     members=members, accounts=accounts, definitions=dict(DEFINITIONS))
