"""How a chat unfolded: timelines, first replies, network growth and activity tiers.

Within one chat (a session or any selection), :func:`chat_growth` gives

- posts per minute by kind (:func:`posts_per_minute`) and cumulative posts and participants
  (:func:`cumulative_activity`);
- the time to the first reply of every original post (:func:`first_replies`);
- the network as it grew (:func:`network_growth`: accounts and edges of
  :func:`swchat.network.build_network` built on every time prefix);
- the **activity tiers** of Bruns & Stieglitz (2013, "Towards more systematic Twitter analysis:
  metrics for tweeting activities", *International Journal of Social Research Methodology*
  16(2)): the most active 1 %, the next 9 % and the remaining 90 % of participants, with what
  each tier posted and received (:func:`activity_tiers`);
- who received replies, in-text mentions and retweets from someone else
  (:func:`received_attention`) and what each account posted and received
  (:func:`account_activity`).

How a community grows across the sessions of a hashtag (newcomers, retention, receptivity) is
in :mod:`swchat.community`.

Accounts are identified by ``(platform, author_id)``; handles are shown (the latest seen).

Examples
--------
>>> from swchat.schema import new_post, posts_frame
>>> def post(pid, author, minute, **kw):
...     return new_post(platform="x", post_id=pid, author_id=author, author_handle="u" + author,
...                     created_at=f"2026-09-02T19:{minute:02d}:00.000Z", **kw)
>>> posts = posts_frame([post("1", "1", 0, text="Q1: hi #SWChat"),
...                      post("2", "2", 1, kind="reply", reply_to_post_id="1", reply_to_author_id="1"),
...                      post("3", "3", 1, kind="retweet", retweeted_post_id="1")])
>>> activity_tiers(posts)[["tier", "accounts", "posts", "posts_share"]]
             tier  accounts  posts  posts_share
0         top 1 %         1      1    33.333333
1        next 9 %         1      1    33.333333
2  remaining 90 %         1      1    33.333333
>>> first_replies(posts)["first_reply_seconds"].tolist()
[60.0]
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .errors import SelectionError
from .schema import TEXT

__all__ = [
    "KINDS",
    "MAX_BINS",
    "TIER_NAMES",
    "Growth",
    "account_activity",
    "account_keys",
    "activity_tiers",
    "chat_growth",
    "cumulative_activity",
    "first_replies",
    "json_records",
    "jsonable",
    "network_growth",
    "own_posts",
    "posts_per_minute",
    "question_times",
    "received_attention",
    "tier_sizes",
]

#: Post kinds, in the order timelines stack them.
KINDS: tuple[str, ...] = ("original", "reply", "retweet", "quote")
#: Tier names of Bruns & Stieglitz (2013).
TIER_NAMES: tuple[str, ...] = ("top 1 %", "next 9 %", "remaining 90 %")
#: The most timeline bins :func:`chat_growth` makes (a minute timeline of almost two years).
MAX_BINS = 1_000_000

_ACTIVITY = ("posts", "originals", "replies", "retweets", "quotes", "posts_with_links",
             "replies_received", "retweets_received")


# -- helpers ---------------------------------------------------------------------------


def own_posts(posts: pd.DataFrame, *, scope: str | None = None) -> pd.DataFrame:
    """The selection's own posts (context rows out), each (platform, post_id) once (once per
    value of the ``scope`` column, when given).

    Examples
    --------
    >>> own_posts(pd.DataFrame({"post_id": ["1", "1", "2"], "is_context": [False, False, True]}))["post_id"].tolist()
    ['1']
    """
    frame = posts
    if "is_context" in frame:
        frame = frame[~frame["is_context"].fillna(False).astype(bool)]
    keys = [c for c in (scope, "platform", "post_id") if c is not None and c in frame]
    return frame.drop_duplicates(keys) if keys else frame


def account_key(platform: Any, account_id: Any) -> str:
    """The account key of one account, as :func:`account_keys` makes them: ``platform:id``, or
    the id itself for a linked person (``person:<label>``).

    Examples
    --------
    >>> account_key("x", "9"), account_key("bluesky, mastodon", "person:Ann")
    ('x:9', 'person:Ann')
    """
    return str(account_id) if str(account_id).startswith("person:") else f"{platform}:{account_id}"


def _has_persons(*ids: np.ndarray) -> bool:
    """Whether any of these account ids is a linked person's (``person:<label>``)."""
    return any(isinstance(i, str) and i.startswith("person:") for column in ids for i in set(column.tolist()))


def account_keys(frame: pd.DataFrame, id_column: str = "author_id") -> pd.Series:
    """Account keys ``platform:id`` of a frame's rows (platform ``x`` when the frame has none).

    A person whose accounts are linked (``person:<label>``, :func:`swchat.privacy.link_people`)
    is one key on every platform: the id itself.

    Examples
    --------
    >>> account_keys(pd.DataFrame({"platform": ["x", "bluesky"], "author_id": ["9", "person:Ann"]})).tolist()
    ['x:9', 'person:Ann']
    """
    platform = frame["platform"].astype(TEXT) if "platform" in frame else pd.Series(
        "x", index=frame.index, dtype=TEXT)
    ids = frame[id_column].astype(TEXT)
    keys = platform.fillna("") + ":" + ids
    return keys.where(~ids.str.startswith("person:").fillna(False).astype(bool), ids)


def _zone(tz: Any) -> Any:
    return "UTC" if tz is None else tz


def _floor(times: pd.Series, freq: str) -> pd.Series:
    times = pd.to_datetime(times, utc=True)
    return times.dt.floor(freq)


def _round_half_up(x: float) -> int:
    return math.floor(x + 0.5)


def _has_link(urls: pd.Series) -> pd.Series:
    """Whether each post carries a URL that is not a link to an X post (what quotes carry)."""
    from .themes import POST_LINK

    # each post's links, flat, with the post's label (posts without links are most: skipped at once)
    labels: list[Any] = []
    links: list[Any] = []
    for label, us in zip(urls.index, urls.to_numpy(dtype=object), strict=True):
        if isinstance(us, list | tuple) and us:
            labels += [label] * len(us)
            links += us
    items = pd.Series(links, index=pd.Index(labels, dtype=urls.index.dtype), dtype=object).dropna()
    if items.empty:
        return pd.Series(False, index=urls.index)
    real = ~items.astype(str).str.match(POST_LINK)
    return real.groupby(level=0).any().reindex(urls.index, fill_value=False).astype(bool)


# -- one chat: timelines ---------------------------------------------------------------


def posts_per_minute(
    posts: pd.DataFrame,
    *,
    freq: str = "1min",
    tz: Any = "UTC",
    start: Any = None,
    end: Any = None,
) -> pd.DataFrame:
    """Posts per time bin (one minute by default), by kind.

    Parameters
    ----------
    posts : pandas.DataFrame
        Canonical posts; context posts are left out.
    freq : str
        Bin width (a pandas frequency: ``"1min"``, ``"5min"``, ``"1h"``). Bins are cut in UTC and
        shown in ``tz``.
    tz : str or tzinfo
        Time zone of the index (the chat's local zone, e.g. ``"Europe/London"``).
    start, end : time, optional
        Extend the index to cover this range (e.g. the session's scheduled hour).

    Returns
    -------
    pandas.DataFrame
        Index ``minute`` (tz-aware, every bin of the range, empty bins 0); columns ``original``,
        ``reply``, ``retweet``, ``quote`` and ``total``.

    Examples
    --------
    >>> from swchat.schema import new_post, posts_frame
    >>> posts = posts_frame([new_post(platform="x", post_id=str(i), author_id="1",
    ...     created_at=t, kind="original") for i, t in enumerate(
    ...     ["2026-10-07T19:00:05.000Z", "2026-10-07T19:00:50.000Z", "2026-10-07T19:02:00.000Z"])])
    >>> posts_per_minute(posts, tz="Europe/London")["total"].tolist()
    [2, 0, 1]
    """
    own = own_posts(posts)
    bins = _floor(own["created_at"], freq)
    kinds = own["kind"].astype(TEXT).fillna("original")
    table = pd.crosstab(bins, kinds) if len(own) else pd.DataFrame()
    table = table.reindex(columns=list(KINDS), fill_value=0)
    lo = [t for t in (bins.min() if len(own) else None,
                      pd.Timestamp(start).tz_convert("UTC").floor(freq) if start is not None else None)
          if t is not None and not pd.isna(t)]
    hi = [t for t in (bins.max() if len(own) else None,
                      pd.Timestamp(end).tz_convert("UTC").floor(freq) if end is not None else None)
          if t is not None and not pd.isna(t)]
    if lo and hi:
        index = pd.date_range(min(lo), max(hi), freq=freq, tz="UTC")
        table = table.reindex(index, fill_value=0)
    else:
        table = table.reindex(pd.DatetimeIndex([], tz="UTC"))
    table.index = table.index.tz_convert(_zone(tz))
    table.index.name = "minute"
    table.columns.name = None
    table = table.astype("int64")
    table["total"] = table[list(KINDS)].sum(axis=1)
    return table


def cumulative_activity(posts: pd.DataFrame, *, freq: str = "1min", tz: Any = "UTC",
                        start: Any = None, end: Any = None) -> pd.DataFrame:
    """Cumulative posts and distinct participants at the end of every time bin.

    Participants are distinct accounts that posted at least once so far (Symplur's definition).

    Returns
    -------
    pandas.DataFrame
        Index as :func:`posts_per_minute`; columns ``posts``, ``participants`` (cumulative) and
        ``new_participants`` (first posts in the bin).

    Examples
    --------
    >>> from swchat.schema import new_post, posts_frame
    >>> posts = posts_frame([new_post(platform="x", post_id=str(i), author_id=a,
    ...     created_at=f"2026-10-07T19:0{m}:00.000Z") for i, (a, m) in enumerate(
    ...     [("1", 0), ("2", 0), ("1", 1), ("3", 2)])])
    >>> cumulative_activity(posts)[["posts", "participants"]].values.tolist()
    [[2, 2], [3, 2], [4, 3]]
    """
    own = own_posts(posts)
    per = posts_per_minute(own, freq=freq, tz="UTC", start=start, end=end)
    first = own.assign(_key=account_keys(own)).groupby("_key")["created_at"].min()
    new = _floor(first, freq).value_counts().reindex(per.index, fill_value=0)
    out = pd.DataFrame({
        "posts": per["total"].cumsum(),
        "participants": new.cumsum().astype("int64"),
        "new_participants": new.astype("int64"),
    }, index=per.index)
    out.index = out.index.tz_convert(_zone(tz))
    out.index.name = "minute"
    return out


def first_replies(posts: pd.DataFrame) -> pd.DataFrame:
    """Time from every original post to its first reply by someone else.

    "Original" means a post that starts something: kind ``original`` or ``quote``. A reply
    counts when it replies directly (``reply_to_post_id``) and comes from another account
    (a self-reply continuing one's own thread is not an answer).

    Returns
    -------
    pandas.DataFrame
        One row per original post: ``post_id``, ``author_id``, ``author_handle``,
        ``created_at``, ``replies`` (direct replies by others), ``first_reply_at`` and
        ``first_reply_seconds`` (NaN/NaT when none).

    Examples
    --------
    >>> from swchat.schema import new_post, posts_frame
    >>> posts = posts_frame([
    ...     new_post(platform="x", post_id="1", author_id="1", created_at="2026-10-07T19:00:00.000Z"),
    ...     new_post(platform="x", post_id="2", author_id="1", created_at="2026-10-07T19:00:10.000Z",
    ...              kind="reply", reply_to_post_id="1", reply_to_author_id="1"),
    ...     new_post(platform="x", post_id="3", author_id="2", created_at="2026-10-07T19:01:30.000Z",
    ...              kind="reply", reply_to_post_id="1", reply_to_author_id="1")])
    >>> first_replies(posts)[["post_id", "replies", "first_reply_seconds"]].values.tolist()
    [['1', 1, 90.0]]
    """
    own = own_posts(posts)
    originals = own[own["kind"].isin(["original", "quote"])]
    replies = own[(own["kind"] == "reply") & own["reply_to_post_id"].notna()]
    replies = replies.merge(originals[["post_id", "author_id"]], left_on="reply_to_post_id",
                            right_on="post_id", suffixes=("", "_parent"))
    replies = replies[replies["author_id"] != replies["author_id_parent"]]
    stats = replies.groupby("reply_to_post_id").agg(replies=("post_id", "size"),
                                                     first_reply_at=("created_at", "min"))
    columns = ["post_id", "author_id", "author_handle", "created_at"]
    out = originals[[c for c in columns if c in originals]].merge(
        stats, left_on="post_id", right_index=True, how="left")
    out["replies"] = out["replies"].fillna(0).astype("int64")
    out["first_reply_at"] = pd.to_datetime(out["first_reply_at"], utc=True)
    out["first_reply_seconds"] = (out["first_reply_at"] - out["created_at"]).dt.total_seconds()
    return out.sort_values(["created_at", "post_id"], kind="stable").reset_index(drop=True)


def network_growth(
    posts: pd.DataFrame,
    *,
    freq: str = "1min",
    tz: Any = "UTC",
    profiles: pd.DataFrame | None = None,
    max_points: int = 120,
) -> pd.DataFrame:
    """Accounts and connections of the participant network as the chat unfolds.

    At the end of every time bin the network of all posts so far is built with
    :func:`swchat.network.build_network` (edge rules: :data:`swchat.network.EDGE_RULES` —
    reply, in-text mention, retweet and quote edges, self-loops left out), and its size read.
    When there would be more than ``max_points`` bins, the bin width is widened to whole
    multiples of ``freq`` so that at most ``max_points`` networks are built.

    Returns
    -------
    pandas.DataFrame
        Index as :func:`posts_per_minute`; columns ``accounts`` (nodes: posting and mentioned,
        replied-to, retweeted or quoted accounts), ``edges`` (distinct directed account pairs),
        ``interactions`` (edge weights summed: posts × edge types), ``posting_accounts``.

    Examples
    --------
    >>> from swchat.schema import new_post, posts_frame
    >>> posts = posts_frame([
    ...     new_post(platform="x", post_id="1", author_id="1", author_handle="ann",
    ...              created_at="2026-10-07T19:00:00.000Z", text="Q1 @bob?", mentions=["bob"]),
    ...     new_post(platform="x", post_id="2", author_id="2", author_handle="bob",
    ...              created_at="2026-10-07T19:01:00.000Z", kind="reply", text="@ann yes",
    ...              reply_to_post_id="1", reply_to_author_id="1", mentions=["ann"])])
    >>> network_growth(posts)[["accounts", "edges"]].values.tolist()
    [[2, 1], [2, 2]]
    """
    from .network import build_network

    own = own_posts(posts)
    if own.empty:
        return pd.DataFrame(columns=["accounts", "edges", "interactions", "posting_accounts"],
                            index=pd.DatetimeIndex([], tz=_zone(tz), name="minute"))
    bins = _floor(own["created_at"], freq)
    step = pd.Timedelta(freq)
    n_bins = int((bins.max() - bins.min()) / step) + 1
    if n_bins > max_points:
        step = step * math.ceil(n_bins / max_points)
    edges = pd.date_range(bins.min(), bins.max() + step, freq=step, tz="UTC")
    context = posts[posts["is_context"].fillna(False).astype(bool)] if "is_context" in posts else None
    rows = []
    created = pd.to_datetime(own["created_at"], utc=True)
    for lo, hi in itertools.pairwise(edges):
        prefix = own[created < hi]
        frame = prefix if context is None or context.empty else pd.concat([prefix, context])
        G = build_network(frame, profiles=profiles, community=None)
        rows.append({
            "minute": lo,
            "accounts": G.number_of_nodes(),
            "edges": G.number_of_edges(),
            "interactions": int(sum(w for _, _, w in G.edges(data="weight"))),
            "posting_accounts": int(prefix["author_id"].nunique()),
        })
    out = pd.DataFrame(rows).set_index("minute")
    out.index = out.index.tz_convert(_zone(tz))
    return out


# -- one chat: activity tiers ----------------------------------------------------------


#: What a ``mentions`` cell holds when it lists handles.
_SEQUENCES = (list, tuple, np.ndarray)


def _values(frame: pd.DataFrame, column: str) -> np.ndarray:
    """A column as an object array with ``None`` for missing values (all ``None`` when absent)."""
    if column not in frame:
        return np.full(len(frame), None, dtype=object)
    values = frame[column].astype(object).to_numpy(copy=True)
    values[pd.isna(values)] = None
    return values


def received_attention(posts: pd.DataFrame, *, scope: str | None = None) -> pd.DataFrame:
    """Who received replies, in-text mentions and retweets from someone else.

    Replies: ``reply_to_author_id`` of replies, else the author of the replied-to post (from the
    posts, context rows included), else ``reply_to_handle`` — the order of the network's reply
    edges. Retweets: the author of the retweeted post (from the posts, context rows included),
    else the handle of ``RT @x:`` (a retweet's first mention).
    Mentions: :func:`swchat.network.mention_targets` (a reply's leading ``@handle`` run and
    retweets do not count), matched to accounts by handle case-insensitively. Self-attention
    is left out; each post counts once per receiver and type.

    Parameters
    ----------
    posts : pandas.DataFrame
        Canonical posts, context rows included.
    scope : str, optional
        A column that splits the posts into independent groups (e.g. one per session, a post
        appearing once in each group it belongs to): handles, parents and originals are looked
        up within a post's own group, as if each group were passed alone. Its value comes out
        as a column of that name.

    Returns
    -------
    pandas.DataFrame
        One row per (post, receiver, type): ``post_id``, ``created_at``, ``source`` and
        ``target`` (account keys ``platform:author_id``, a linked person's ``person:<label>``, see
        :func:`account_key`; ``platform:@handle`` for handles never seen with an id), ``type``
        (``reply``, ``mention``, ``retweet``).

    Examples
    --------
    >>> from swchat.schema import new_post, posts_frame
    >>> posts = posts_frame([
    ...     new_post(platform="x", post_id="1", author_id="1", author_handle="ann",
    ...              created_at="2026-10-07T19:00:00.000Z", text="Welcome @Bob!", mentions=["Bob"]),
    ...     new_post(platform="x", post_id="2", author_id="2", author_handle="bob",
    ...              created_at="2026-10-07T19:01:00.000Z", kind="reply", text="@ann thanks",
    ...              reply_to_post_id="1", reply_to_author_id="1", mentions=["ann"])])
    >>> received_attention(posts)[["source", "target", "type"]].values.tolist()
    [['x:1', 'x:2', 'mention'], ['x:2', 'x:1', 'reply']]
    """
    from .mentions import mention_targets

    columns = ["post_id", "created_at", "source", "target", "type"]
    if scope is not None:
        columns.insert(0, scope)
    converted: dict[str, np.ndarray] = {}

    def values(column: str) -> np.ndarray:  # each column converted once
        if column not in converted:
            converted[column] = _values(posts, column)
        return converted[column]

    group = values(scope) if scope is not None else np.zeros(len(posts), dtype=object)
    is_context = posts["is_context"].fillna(False).to_numpy(bool) if "is_context" in posts \
        else np.zeros(len(posts), bool)
    platform = values("platform")
    platform = np.where(platform == None, "x", platform)  # noqa: E711 - elementwise
    post_id = values("post_id")
    author = values("author_id")
    # handle -> account key, per group, from authors and replied-to pairs (the last seen wins)
    by_handle: dict[tuple[Any, str, str], str] = {}
    for g, p, h, i in itertools.chain(
            zip(group.tolist(), platform.tolist(), values("author_handle").tolist(), author.tolist(), strict=True),
            zip(group.tolist(), platform.tolist(), values("reply_to_handle").tolist(),
                values("reply_to_author_id").tolist(), strict=True)):
        if h is not None and i is not None:
            by_handle[(g, p, str(h).lower())] = f"{p}:{i}"
    # post -> author, per group (own rows first: a post's own row wins over a context copy; a dict
    # made in the reverse of that order keeps the first)
    order = np.argsort(~is_context, kind="stable")[::-1]
    author_of: dict[tuple[Any, str, str], Any] = dict(zip(
        zip(group[order].tolist(), platform[order].tolist(), post_id[order].tolist(), strict=True),
        author[order].tolist(), strict=True))

    # an account's key is made once and shared by its rows (a session's rows name a few thousand
    # accounts many times over: tens of thousands of equal strings otherwise)
    made: dict[tuple[str, Any], str] = {}

    def key_of(p: str, who: Any) -> str:
        found = made.get((p, who))
        if found is None:
            found = made[(p, who)] = f"{p}:{who}"
        return found

    def by_name(g: Any, p: str, handle: Any) -> str | None:
        if handle is None or not str(handle):
            return None
        h = str(handle).lstrip("@").lower()
        found = by_handle.get((g, p, h))
        return found if found is not None else key_of(p, f"@{h}")

    own = np.flatnonzero(~is_context)
    first: dict[tuple[Any, Any, Any], int] = {}  # each (group, platform, post) once: its first own row
    for key, k in zip(zip(group[own].tolist(), platform[own].tolist(), post_id[own].tolist(), strict=True),
                      own.tolist(), strict=True):
        first.setdefault(key, k)
    keep = np.fromiter(first.values(), dtype=np.int64, count=len(first))
    del first  # a key per post: not held while the rows are made

    def kept(column: str) -> list[Any]:
        out: list[Any] = values(column)[keep].tolist()
        return out

    # rows carry the post's position: its id and typed time are taken in bulk afterwards (a
    # tz-aware time column read cell by cell would box a Timestamp per post)
    rows: list[tuple[Any, ...]] = []
    for k, g, p, who, what, reply_to, reply_author, reply_handle, retweeted, listed, body in zip(
            keep.tolist(), group[keep].tolist(), platform[keep].tolist(), author[keep].tolist(), kept("kind"),
            kept("reply_to_post_id"), kept("reply_to_author_id"), kept("reply_to_handle"),
            kept("retweeted_post_id"), kept("mentions"), kept("text"), strict=True):
        source = key_of(p, who)
        if what == "reply":
            target = reply_author if isinstance(reply_author, str) and reply_author else None
            if target is None and reply_to is not None:
                parent = author_of.get((g, p, reply_to))
                target = parent if isinstance(parent, str) and parent else None
            found = key_of(p, target) if target is not None else by_name(g, p, reply_handle)
            if found is not None:
                rows.append((g, k, source, found, "reply"))
        if what == "retweet":
            original = author_of.get((g, p, retweeted)) if retweeted is not None else None
            if original is not None:
                found = key_of(p, original)
            else:  # the original is not in the posts: the handle of "RT @x:" (the first mention)
                found = by_name(g, p, listed[0]) if isinstance(listed, _SEQUENCES) and len(listed) else None
            if found is not None:
                rows.append((g, k, source, found, "retweet"))
            continue
        if isinstance(listed, _SEQUENCES) and len(listed):
            is_reply = what == "reply" or (isinstance(reply_to, str) and bool(reply_to))
            for handle in mention_targets(body if isinstance(body, str) else None,
                                          listed if type(listed) is list else list(listed), what,
                                          is_reply=is_reply):
                rows.append((g, k, source, by_name(g, p, handle), "mention"))
    for done in (author_of, by_handle, made):  # a key per post and per account: not held while the frame is made
        done.clear()
    names = ["_group", "post_id", "created_at", "source", "target", "type"]
    if rows:
        at = np.fromiter((r[1] for r in rows), dtype=np.int64, count=len(rows))
        out = pd.DataFrame({
            "_group": [r[0] for r in rows], "post_id": post_id[at].tolist(),
            "created_at": (posts["created_at"].array.take(at) if "created_at" in posts else [None] * len(rows)),
            "source": [r[2] for r in rows], "target": [r[3] for r in rows], "type": [r[4] for r in rows],
        })
    else:
        out = pd.DataFrame([], columns=names)
    if rows and _has_persons(author, values("reply_to_author_id")):
        # a linked person (swchat.privacy.link_people) is one key on every platform (account_key)
        for column in ("source", "target"):
            out[column] = [account_key(*k.split(":", 1)) if isinstance(k, str) and ":person:" in k else k
                           for k in out[column]]
    out = out[out["target"].notna() & (out["source"] != out["target"])]
    out = out.drop_duplicates(["_group", "post_id", "target", "type"])
    out = out.sort_values(["_group", "created_at", "post_id", "type", "target"], kind="stable")
    if scope is not None:
        out = out.rename(columns={"_group": scope})
    if "created_at" in posts:
        out["created_at"] = out["created_at"].astype(posts["created_at"].dtype)
    return out.reset_index(drop=True)[columns]


def account_activity(posts: pd.DataFrame, *, attention: pd.DataFrame | None = None,
                     scope: str | None = None) -> pd.DataFrame:
    """One row per participant: what they posted and received (Bruns & Stieglitz 2013's counts).

    ``attention`` is :func:`received_attention` of the same posts, when already computed;
    ``scope`` splits the posts into independent groups as there (one row per group and
    participant then, with the group in a column of that name; ranks run within each group).

    Columns: ``account`` (``platform:author_id``), ``platform``, ``author_id``, ``handle``
    (latest seen), ``posts``, ``originals``, ``replies`` (genuine replies: kind ``reply``,
    self-replies included), ``retweets``, ``quotes``, ``posts_with_links`` (at least one URL
    that is not a link to an X post), ``replies_received`` and ``retweets_received`` (from other
    accounts, see :func:`received_attention`), ``mentions_received``, ``first_post``, and
    ``rank`` (1 = most active: most posts; ties broken by the earlier first post, then the
    account key).

    Examples
    --------
    >>> from swchat.schema import new_post, posts_frame
    >>> posts = posts_frame([
    ...     new_post(platform="x", post_id="1", author_id="1", author_handle="ann",
    ...              created_at="2026-10-07T19:00:00.000Z", urls=["https://basw.co.uk"]),
    ...     new_post(platform="x", post_id="2", author_id="2", author_handle="bob",
    ...              created_at="2026-10-07T19:01:00.000Z", kind="retweet", retweeted_post_id="1")])
    >>> account_activity(posts)[["handle", "posts", "posts_with_links", "retweets_received", "rank"]]
      handle  posts  posts_with_links  retweets_received  rank
    0    ann      1                 1                  1     1
    1    bob      1                 0                  0     2
    """
    own = own_posts(posts, scope=scope)
    frame = pd.DataFrame({
        "_group": _values(own, scope) if scope is not None else 0,
        "account": account_keys(own),
        "platform": own["platform"].astype(TEXT) if "platform" in own else "x",
        "author_id": own["author_id"].astype(TEXT),
        "handle": own["author_handle"].astype(TEXT) if "author_handle" in own else pd.NA,
        "created_at": own["created_at"],
        "kind": own["kind"].astype(TEXT),
        "link": _has_link(own["urls"]) if "urls" in own else False,
    })
    frame = frame.sort_values("created_at", kind="stable")
    for kind, column in (("original", "originals"), ("reply", "replies"), ("retweet", "retweets"),
                         ("quote", "quotes")):
        frame[column] = (frame["kind"] == kind).fillna(False).astype("int64")
    grouped = frame.groupby(["_group", "account"], sort=False)
    out = pd.DataFrame({
        "platform": grouped["platform"].last(),
        "author_id": grouped["author_id"].last(),
        "handle": grouped["handle"].last(),
        "posts": grouped.size(),
        "first_post": grouped["created_at"].min(),
    })
    out = out.join(grouped[["originals", "replies", "retweets", "quotes", "link"]].sum()).rename(
        columns={"link": "posts_with_links"})
    received = received_attention(posts, scope=scope) if attention is None else attention
    if len(received):
        group = received[scope].to_numpy(object) if scope is not None else np.zeros(len(received), dtype=object)
        counts = received.assign(_group=group).groupby(["_group", "target", "type"]).size().unstack(fill_value=0)
    else:
        counts = pd.DataFrame()
    for kind, column in (("reply", "replies_received"), ("retweet", "retweets_received"),
                         ("mention", "mentions_received")):
        values = counts[kind] if kind in counts else pd.Series(dtype="int64")
        out[column] = values.reindex(out.index, fill_value=0)
    for column in ("posts", "originals", "replies", "retweets", "quotes", "posts_with_links",
                   "replies_received", "retweets_received", "mentions_received"):
        out[column] = out[column].astype("int64")
    out = out.reset_index()
    person = out["author_id"].str.startswith("person:").fillna(False).to_numpy(bool)
    if person.any():  # a linked person is named by their label, not by one of their accounts
        out.loc[person, "handle"] = out.loc[person, "author_id"].str.removeprefix("person:")
    out = out.sort_values(["_group", "posts", "first_post", "account"], ascending=[True, False, True, True],
                          kind="stable")
    out["rank"] = out.groupby("_group", sort=False).cumcount() + 1
    columns = ["account", "platform", "author_id", "handle", "posts", "originals", "replies",
               "retweets", "quotes", "posts_with_links", "replies_received", "retweets_received",
               "mentions_received", "first_post", "rank"]
    if scope is not None:
        out = out.rename(columns={"_group": scope})
        columns.insert(0, scope)
    return out[columns].reset_index(drop=True)


def tier_sizes(n: int, shares: Sequence[float] = (0.01, 0.09, 0.90)) -> list[int]:
    """How many accounts each activity tier holds, for ``n`` participants.

    Rule: the cumulative boundaries are ``round(n × 1 %)`` and ``round(n × 10 %)``
    (rounding half up), with at least one account in the top tier and, from two
    participants on, at least one in the next tier; the rest is the last tier. So 100
    participants give 1/9/90, 250 give 3/22/225 (2.5 rounds up to 3), 20 give 1/1/18 and
    5 give 1/1/3. Tier sizes always add up to ``n``.

    Parameters
    ----------
    n : int
        Participants.
    shares : sequence of float
        Tier shares, most active first, summing to 1 (Bruns & Stieglitz 2013: 1 %, 9 %, 90 %).

    Examples
    --------
    >>> [tier_sizes(n) for n in (1, 2, 5, 20, 100, 250)]
    [[1, 0, 0], [1, 1, 0], [1, 1, 3], [1, 1, 18], [1, 9, 90], [3, 22, 225]]
    """
    if n <= 0:
        return [0] * len(shares)
    bounds = []
    cumulative = 0.0
    previous = 0
    for share in shares[:-1]:
        cumulative += share
        b = _round_half_up(n * cumulative)
        b = max(b, previous + 1)  # every tier but the last gets at least one account
        b = min(b, n)
        bounds.append(b)
        previous = b
    bounds.append(n)
    sizes = [bounds[0]] + [bounds[i] - bounds[i - 1] for i in range(1, len(bounds))]
    return sizes


def activity_tiers(
    posts: pd.DataFrame,
    shares: Sequence[float] = (0.01, 0.09, 0.90),
    names: Sequence[str] = TIER_NAMES,
    *,
    accounts: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The activity tiers of Bruns & Stieglitz (2013): most active 1 %, next 9 %, remaining 90 %.

    Participants are ranked by posts (ties: earlier first post, then account key — see
    :func:`account_activity`) and cut into tiers of :func:`tier_sizes`. Accounts with equal
    post counts can thus fall on both sides of a boundary; ``min_posts``/``max_posts`` show
    where that happened. Per tier: ``accounts``, ``posts``, ``originals``, genuine ``replies``,
    ``retweets``, ``quotes``, ``posts_with_links``, ``replies_received`` and
    ``retweets_received`` (from anyone else in the selection), each also as ``<name>_share``:
    per cent of the column's total over the tiers, so shares add up to 100 (0 when the total
    is 0). Replies and retweets received by accounts that did not post in the selection belong
    to no tier and are not counted.

    Returns
    -------
    pandas.DataFrame
        One row per tier, most active first.

    Examples
    --------
    >>> from swchat.schema import new_post, posts_frame
    >>> rows = [new_post(platform="x", post_id=str(i), author_id=str(min(i, 9)),
    ...                  created_at=f"2026-10-07T19:{i:02d}:00.000Z") for i in range(30)]
    >>> activity_tiers(posts_frame(rows))[["tier", "accounts", "posts", "posts_share"]]
                 tier  accounts  posts  posts_share
    0         top 1 %         1     21    70.000000
    1        next 9 %         1      1     3.333333
    2  remaining 90 %         8      8    26.666667
    """
    table = account_activity(posts) if accounts is None else accounts
    sizes = tier_sizes(len(table), shares)
    tier = np.repeat(np.arange(len(sizes)), sizes)
    table = table.assign(tier=tier)
    grouped = table.groupby("tier")
    columns = [c for c in _ACTIVITY if c != "accounts"]
    out = grouped[columns].sum().reindex(range(len(sizes)), fill_value=0)
    out.insert(0, "accounts", sizes)
    out["min_posts"] = grouped["posts"].min().reindex(range(len(sizes)))
    out["max_posts"] = grouped["posts"].max().reindex(range(len(sizes)))
    for column in ("accounts", *columns):
        total = out[column].sum()
        out[f"{column}_share"] = 100.0 * out[column] / total if total else 0.0
    out.insert(0, "tier", list(names)[:len(sizes)])
    ordered = ["tier", "accounts", *columns, "min_posts", "max_posts",
               *[f"{c}_share" for c in ("accounts", *columns)]]
    return out[ordered].reset_index(drop=True)


# -- one chat: the whole picture -------------------------------------------------------


def question_times(posts: pd.DataFrame, segments: Mapping[str, str] | pd.Series) -> dict[str, pd.Timestamp]:
    """When each question was asked: the first post of each ``Q…`` segment.

    Parameters
    ----------
    posts : pandas.DataFrame
    segments : mapping or Series
        As for :func:`swchat.themes.question_terms` (``intro``, ``Q1``…, ``wrap-up``).

    Returns
    -------
    dict
        Label → UTC timestamp, in time order; only labels starting with ``Q``.

    Examples
    --------
    >>> posts = pd.DataFrame({"post_id": ["1", "2"], "created_at": pd.to_datetime(
    ...     ["2026-10-07T19:10Z", "2026-10-07T19:11Z"])})
    >>> question_times(posts, {"1": "Q1", "2": "Q1"})
    {'Q1': Timestamp('2026-10-07 19:10:00+0000', tz='UTC')}
    """
    from .themes import segment_series

    labels = segment_series(posts, segments)
    frame = pd.DataFrame({"label": labels, "created_at": pd.to_datetime(posts["created_at"], utc=True)})
    frame = frame[frame["label"].map(lambda v: isinstance(v, str) and v.upper().startswith("Q"))]
    first = frame.groupby("label")["created_at"].min().sort_values()
    return {str(k): v for k, v in first.items()}


def _chat_questions(chat: Any) -> dict[str, pd.Timestamp]:
    """Question times of a session's chat (its :class:`swchat.sessions.Session`), else none."""
    session = (getattr(chat, "meta", None) or {}).get("session")
    listed = getattr(session, "questions", None) or []
    times = {f"Q{q['number']}": pd.Timestamp(q["time"]) for q in listed
             if q.get("number") is not None and q.get("time")}
    return dict(sorted(times.items(), key=lambda kv: kv[1]))


@dataclass
class Growth:
    """How one chat unfolded (see :func:`chat_growth`).

    Attributes
    ----------
    tz : str
        Time zone of every time index.
    freq : str
        Bin width of the timelines.
    headline : dict
        ``posts``, ``participants``, ``by_kind``, ``start``, ``end`` (first and last post),
        ``minutes`` (from first to last post), ``peak_minute`` (start of the busiest bin) and
        ``peak_posts`` (its posts), ``originals`` (the posts that can start a thread: kind
        ``original`` or ``quote``, as :func:`first_replies` counts them — more than
        ``by_kind["original"]`` when there are quotes), ``originals_replied`` (share of them
        that got a reply from someone else, %),
        ``median_first_reply_seconds``, ``accounts`` and ``edges`` (final network size).
    per_minute : pandas.DataFrame
        :func:`posts_per_minute`.
    cumulative : pandas.DataFrame
        :func:`cumulative_activity`.
    network : pandas.DataFrame
        :func:`network_growth`.
    first_replies : pandas.DataFrame
        :func:`first_replies`.
    tiers : pandas.DataFrame
        :func:`activity_tiers`.
    accounts : pandas.DataFrame
        :func:`account_activity`, with the ``tier`` name of each account.
    questions : dict
        Question label → time asked (UTC), for marking timelines.
    """

    tz: str
    freq: str
    headline: dict[str, Any]
    per_minute: pd.DataFrame
    cumulative: pd.DataFrame
    network: pd.DataFrame
    first_replies: pd.DataFrame
    tiers: pd.DataFrame
    accounts: pd.DataFrame
    questions: dict[str, pd.Timestamp] = field(default_factory=dict)
    title: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: times as ISO text in ``tz``, tables as lists of records.

        Examples
        --------
        >>> from swchat.schema import new_post, posts_frame
        >>> posts = posts_frame([new_post(platform="x", post_id="1", author_id="1",
        ...                               created_at="2026-10-07T19:00:00.000Z")])
        >>> d = chat_growth(posts, tz="Europe/London").as_dict()
        >>> d["headline"]["participants"], d["per_minute"][0]["minute"]
        (1, '2026-10-07T20:00:00+01:00')
        """
        return {
            "tz": self.tz,
            "freq": self.freq,
            "title": self.title,
            "headline": {k: jsonable(v, self.tz) for k, v in self.headline.items()},
            "questions": {k: jsonable(v, self.tz) for k, v in self.questions.items()},
            "per_minute": json_records(self.per_minute, self.tz),
            "cumulative": json_records(self.cumulative, self.tz),
            "network": json_records(self.network, self.tz),
            "first_replies": json_records(self.first_replies, self.tz),
            "tiers": json_records(self.tiers, self.tz),
            "accounts": json_records(self.accounts, self.tz),
        }


def jsonable(value: Any, tz: str | None = None) -> Any:
    """A JSON-ready copy of ``value``: times as ISO text in ``tz``, NaN and NA as ``None``.

    Examples
    --------
    >>> jsonable({"at": pd.Timestamp("2026-10-07T19:00Z"), "n": np.int64(3), "x": float("nan")}, "Europe/London")
    {'at': '2026-10-07T20:00:00+01:00', 'n': 3, 'x': None}
    """
    if isinstance(value, pd.Timestamp):
        if pd.isna(value):
            return None
        return (value.tz_convert(tz) if tz and value.tzinfo else value).isoformat()
    if isinstance(value, dict):
        return {k: jsonable(v, tz) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v, tz) for v in value]
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating | float):
        return None if not math.isfinite(value) else float(value)
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.bool_):
        return bool(value)
    return value


def json_records(frame: pd.DataFrame, tz: str | None) -> list[dict[str, Any]]:
    """A table as JSON-ready records (a named or time index becomes a column); see :func:`jsonable`.

    Examples
    --------
    >>> json_records(pd.DataFrame({"n": [1]}), None)
    [{'n': 1}]
    """
    if isinstance(frame.index, pd.DatetimeIndex) or frame.index.name not in (None,):
        frame = frame.reset_index()
    return [{str(k): jsonable(v, tz) for k, v in row.items()} for row in frame.to_dict("records")]


def chat_growth(
    chat: Any,
    *,
    tz: str | None = None,
    freq: str = "1min",
    segments: Mapping[str, str] | pd.Series | None = None,
    network: bool = True,
    shares: Sequence[float] = (0.01, 0.09, 0.90),
    accounts: pd.DataFrame | None = None,
    timeline_only: bool = False,
) -> Growth:
    """How a chat unfolded: timelines, first replies, network growth and activity tiers.

    Parameters
    ----------
    chat : Chat or pandas.DataFrame
        A session or selection (or its posts).
    tz : str, optional
        Display time zone (default: the session's, ``chat.meta["timezone"]``, else UTC).
    freq : str
        Timeline bin width (a :class:`~swchat.errors.SelectionError` when the posts would
        need more than :data:`MAX_BINS` bins).
    segments : mapping or Series, optional
        Question segmentation (post_id → ``Q1``…) for marking questions (the first post of
        each ``Q…`` segment); by default the questions of the chat's session
        (``chat.meta["session"]``, as :meth:`swchat.Archive.session` gives), else none.
    network : bool
        Compute :func:`network_growth` (the slowest part on long selections).
    shares : sequence of float
        Activity tier shares (Bruns & Stieglitz 2013: 1 %, 9 %, 90 %).
    accounts : pandas.DataFrame, optional
        :func:`account_activity` of the chat's posts, when already computed.
    timeline_only : bool
        Only what :func:`swchat.figures.timeline_figure` draws (the posts per minute and the
        questions), the accounts, tiers and the headline's counts and times: the cumulative
        activity and the first replies are left empty, and the headline's reply figures
        (``originals``, ``originals_replied``, ``median_first_reply_seconds``) ``None``.

    Returns
    -------
    Growth

    Examples
    --------
    >>> from swchat.schema import new_post, posts_frame
    >>> posts = posts_frame([new_post(platform="x", post_id=str(i), author_id=str(i % 3),
    ...     created_at=f"2026-10-07T19:{i:02d}:00.000Z") for i in range(6)])
    >>> g = chat_growth(posts)
    >>> g.headline["posts"], g.headline["participants"], int(g.tiers["posts_share"].sum())
    (6, 3, 100)
    """
    posts = chat.posts if hasattr(chat, "posts") else chat
    meta = getattr(chat, "meta", {}) or {}
    zone = tz or meta.get("timezone") or "UTC"
    profiles = getattr(chat, "profiles", None)
    own = own_posts(posts)
    if len(own):
        first, last = own["created_at"].min(), own["created_at"].max()
        if (last - first) // pd.Timedelta(freq) >= MAX_BINS:
            raise SelectionError(f"a timeline in {freq} bins from {first:%Y-%m-%d} to {last:%Y-%m-%d} would have "
                                 f"over {MAX_BINS:,} bins: use wider bins")
    per = posts_per_minute(own, freq=freq, tz=zone)
    cumulative = cumulative_activity(own.iloc[:0] if timeline_only else own, freq=freq, tz=zone)
    replies = first_replies(posts.iloc[:0] if timeline_only else posts)
    accounts = account_activity(posts) if accounts is None else accounts
    tiers = activity_tiers(posts, shares, accounts=accounts)
    sizes = tier_sizes(len(accounts), shares)
    accounts = accounts.assign(tier=np.repeat(list(TIER_NAMES)[:len(sizes)], sizes))
    grown = network_growth(posts, freq=freq, tz=zone, profiles=profiles) if network else pd.DataFrame()
    if segments is not None:
        questions = question_times(posts, segments)
    elif hasattr(chat, "posts"):
        questions = _chat_questions(chat)
    else:
        questions = {}
    replied = replies["first_reply_seconds"].dropna()
    by_kind = own["kind"].value_counts().reindex(list(KINDS), fill_value=0)
    peak = per["total"].idxmax() if len(per) else None
    headline = {
        "posts": len(own),
        "participants": len(accounts),
        "by_kind": {k: int(v) for k, v in by_kind.items()},
        "start": own["created_at"].min() if len(own) else None,
        "end": own["created_at"].max() if len(own) else None,
        "minutes": round((own["created_at"].max() - own["created_at"].min()).total_seconds() / 60, 1)
        if len(own) else 0.0,
        "peak_minute": peak,
        "peak_posts": int(per["total"].max()) if len(per) else 0,
        "originals": None if timeline_only else len(replies),
        "originals_replied": 100.0 * len(replied) / len(replies) if len(replies) else None,
        "median_first_reply_seconds": float(replied.median()) if len(replied) else None,
        "accounts": int(grown["accounts"].iloc[-1]) if len(grown) else None,
        "edges": int(grown["edges"].iloc[-1]) if len(grown) else None,
    }
    title = getattr(chat, "session_id", None) or (f"#{chat.hashtag}" if getattr(chat, "hashtag", None) else None)
    return Growth(tz=str(zone), freq=freq, headline=headline, per_minute=per, cumulative=cumulative,
                  network=grown, first_replies=replies, tiers=tiers, accounts=accounts,
                  questions=questions, title=title)
