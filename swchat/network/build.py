"""Building participant graphs: the edge rules, mention targets, and the networks built by them.

This module turns canonical posts (:mod:`swchat.schema`) into graphs: the directed, weighted
participant network (:func:`build_network`, :func:`chat_network`), the hashtag co-occurrence
network (:func:`hashtag_network`), the undirected weighted projection every metric and
community algorithm works on (:func:`undirected`), and the ego network of one account
(:func:`ego_network`); :func:`interaction_table` lists the interactions behind the participant
network's edges, one row each, found by the same code. The reference for what to build is
NodeXL's network report (Smith et al., NodeXL: Network Overview, Discovery and Exploration for
Excel); what to avoid is twarc-network's faults (duplicates counted twice, self-loops, non-ISO
dates, Python objects in "CSV" cells).

Edge rules
----------
Every graph, and every export of it, carries these rules (:data:`EDGE_RULES`):

- **reply**: replier → author of the replied-to post;
- **mention**: author → each account mentioned in the post's text, *excluding* the run of
  ``@handle``\\ s a reply starts with (the platform adds them automatically; a handle of that
  run that is mentioned again later in the text does count);
- **retweet**: retweeter → author of the original. A retweet authors **no mention edges**:
  its ``RT @x:`` is the retweet edge, and the mentions inside the retweeted text were written
  by the original's author, not by the retweeter (they are the original's edges when the
  original is itself one of the chat's posts);
- **quote**: quoter → author of the quoted post (``quoted_post_id``; for a post from a source
  that cannot record quotes (:data:`FORMATS_WITHOUT_QUOTES`: a TAGS sheet), a post linking to
  an X post's permalink quotes it);
- self-loops (an account replying to, mentioning, retweeting or quoting itself) are left out
  unless ``self_loops=True``;
- a post counts once however often it was imported (deduplicated on ``(platform, post_id)``);
  only the chat's own posts make edges; context posts (``is_context``) only tell who wrote a
  replied-to, quoted or retweeted post.

Edge weights count *posts*: a post mentioning the same account twice adds 1 to ``mention``.

Node keys
---------
Nodes are keyed by account id (``author_id``; ``reply_to_author_id`` for a replied-to
account). An account known only by a handle (a mention of someone who never posted and is not
in the account table) is keyed ``handle:<lower-cased handle>``; handles are matched to ids
case-insensitively using the posts, the replied-to pairs and ``chat.profiles`` (the newest
snapshot winning), so ``@Ann`` and ``@ann`` are one node, and the node of an account that also
posted. When a selection mixes platforms, every key is prefixed ``<platform>:`` so ids of
different platforms never meet. Every account that posted in the selection is a node, also
when it has no edge (an isolate).

Node attributes: ``label`` (the handle, else the key), ``handle``, ``name`` (when known),
``platform``, ``posts`` (its posts in the selection), ``first_post`` (ISO UTC, for accounts
that posted), ``host`` and ``newcomer`` (from ``chat.meta["hosts"]`` / ``["newcomers"]``,
else ``False``), ``community`` (Louvain by default, numbered from 0 by size; see
:func:`swchat.network.community.communities`). Edge attributes: ``reply``, ``mention``,
``retweet``, ``quote`` (posts of each type) and ``weight`` (their sum). All values are plain
``str``, ``int``, ``float`` or ``bool``; unknown ones are left out rather than ``None``, so the
graphs export to GEXF and GraphML as they are (:mod:`swchat.network.export`).

Examples
--------
>>> from swchat.schema import new_post, posts_frame
>>> def post(pid, author, text, **kw):
...     return new_post(platform="x", post_id=pid, author_id=author, author_handle="u" + author,
...                     created_at=f"2026-09-02T19:0{pid}:00.000Z", text=text, **kw)
>>> posts = posts_frame([
...     post("1", "1", "Q1: who is here? #SWChat", hashtags=["SWChat"]),
...     post("2", "2", "@u1 me! with @u3 #SWChat", kind="reply", reply_to_post_id="1",
...          reply_to_author_id="1", mentions=["u1", "u3"]),
...     post("3", "3", "RT @u2: me! with @u3 #SWChat", kind="retweet", retweeted_post_id="2",
...          mentions=["u2", "u3"]),
... ])
>>> G = build_network(posts)
>>> sorted((u, v, d["reply"], d["mention"], d["retweet"]) for u, v, d in G.edges(data=True))
[('2', '1', 1, 0, 0), ('2', '3', 0, 1, 0), ('3', '2', 0, 0, 1)]
>>> sorted(G.nodes(data="community"))
[('1', 0), ('2', 0), ('3', 0)]
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

import networkx as nx

from .. import choices
from ..errors import SelectionError
from ..mentions import leading_mentions, mention_targets
from ..version import __version__
from .grouping import DEFAULT_SEED, label_communities, undirected

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..chat import Chat

__all__ = [
    "DEFAULT_SEED",
    "EDGE_RULES",
    "EDGE_TYPES",
    "FORMATS_WITHOUT_QUOTES",
    "INTERACTION_COLUMNS",
    "KEY_COLUMNS",
    "KINDS",
    "NETWORK_COLUMNS",
    "Slices",
    "build_network",
    "chat_network",
    "ego_network",
    "hashtag_network",
    "interaction_table",
    "leading_mentions",
    "mention_targets",
    "selection_meta",
    "selection_network",
    "undirected",
]

#: The four edge types, in the order their attributes are listed.
EDGE_TYPES: tuple[str, ...] = choices.EDGE_TYPES
_TYPE_INDEX = {t: i for i, t in enumerate(EDGE_TYPES)}
#: What ``kind=`` accepts: one edge type, or ``"all"`` for their union.
KINDS: tuple[str, ...] = choices.NETWORK_KINDS

#: The edge rules, stated in every export's metadata.
EDGE_RULES = (
    "reply: replier -> author of the replied-to post; "
    "mention: author -> each account mentioned in the text, excluding the run of @handles a reply "
    "starts with (added automatically; a handle of that run mentioned again later does count); "
    "retweet: retweeter -> original author (a retweet makes no mention edges: neither its 'RT @x:' "
    "nor the mentions inside the retweeted text, which the retweeter did not write); "
    "quote: quoter -> quoted author (in a source that cannot record quotes, a TAGS sheet, a post "
    "linking to an X post permalink quotes it); "
    "weights count posts (a post adds at most 1 per edge type and target); "
    "self-loops {self_loops}; "
    "each post counted once (deduplicated on platform and post id); "
    "only the selection's own posts make edges (context posts only name the authors of "
    "replied-to, quoted and retweeted posts); "
    "nodes keyed by account id, else 'handle:<lower-cased handle>'"
)

_RT = re.compile(r"^RT [@＠]([^\s:]+):")
#: The post columns the networks read (a selection for a network needs no more: see the
#: ``columns`` option of :meth:`swchat.Archive.select`).
NETWORK_COLUMNS: tuple[str, ...] = (
    "platform", "post_id", "created_at", "author_id", "author_handle", "author_name", "text", "kind", "is_quote",
    "reply_to_post_id", "reply_to_author_id", "reply_to_handle", "quoted_post_id", "retweeted_post_id",
    "hashtags", "mentions", "urls", "is_context", "origin")

#: Source formats (the last part of a post's ``origin``) that cannot record a quote.
FORMATS_WITHOUT_QUOTES = ("tags-csv",)


def _without_quotes(origin: Any) -> bool:
    """Whether a post comes from a source that cannot say it quotes (see FORMATS_WITHOUT_QUOTES)."""
    value = text_or_none(origin)
    return value is not None and value.rsplit(":", 1)[-1] in FORMATS_WITHOUT_QUOTES


_STATUS_URL = re.compile(r"^https?://(?:www\.|mobile\.)?(?:twitter|x)\.com/(\w+)/status(?:es)?/(\d+)", re.I)


# --------------------------------------------------------------------------------------
# building graphs
# --------------------------------------------------------------------------------------
def _value(v: Any) -> Any:
    """``None`` for missing values (None, NaN, pd.NA), the value otherwise."""
    if v is None or type(v).__name__ in ("NAType", "NaTType"):
        return None
    if isinstance(v, float) and v != v:
        return None
    return v


def text_or_none(v: Any) -> str | None:
    """A cell as text: ``None`` for a missing value or an empty string, else ``str(v)``.

    Shared with :mod:`swchat.network.community`; not part of the public API.

    Examples
    --------
    >>> text_or_none(float("nan")), text_or_none(""), text_or_none(12)
    (None, None, '12')
    """
    v = _value(v)
    if v is None:
        return None
    v = str(v)
    return v or None


def _cells(column: Any) -> Any:
    """A column's cells for a Python loop: missing values as ``None``, with no pandas boxing per cell."""
    if hasattr(column, "to_numpy"):
        return column.to_numpy(dtype=object, na_value=None)
    return column


def _texts(column: Any) -> list[str | None]:
    """A column's cells as :func:`text_or_none` gives them (fast for a column of text)."""
    return [v if type(v) is str and v else text_or_none(v) for v in _cells(column)]


_REQUIRED = ("platform", "post_id", "author_id", "kind", "created_at")


def unique_posts(posts: pd.DataFrame) -> pd.DataFrame:
    """Posts each once per ``(platform, post_id)``, the selection's own copy preferred.

    A post imported twice, or present both as a selected post and as another post's context,
    is kept once: the copy not flagged ``is_context`` wins. Shared with
    :mod:`swchat.network.community`; not part of the public API.

    Parameters
    ----------
    posts : pandas.DataFrame
        Canonical posts; an ``is_context`` column is added (``False``) when missing. Not modified.

    Raises
    ------
    ValueError
        When a column every post has (platform, post_id, author_id, kind, created_at) is missing.

    Examples
    --------
    >>> from swchat.schema import new_post, posts_frame
    >>> row = new_post(platform="x", post_id="1", author_id="9", created_at="2026-09-02T19:00:00.000Z")
    >>> frame = posts_frame([{**row, "is_context": True}, row])
    >>> unique_posts(frame)["is_context"].tolist()
    [False]
    """
    missing = [c for c in _REQUIRED if c not in posts.columns]
    if missing:
        raise ValueError(f"not a canonical posts frame: missing {', '.join(missing)}")
    frame = posts
    if "is_context" not in frame.columns:
        frame = frame.assign(is_context=False)
    if not frame.duplicated(["platform", "post_id"]).any():
        return frame  # the common case: nothing to choose between (no copy of a big selection)
    order = frame["is_context"].fillna(False).astype(bool)
    frame = frame.assign(_ctx=order.to_numpy()).sort_values("_ctx", kind="stable")
    frame = frame.drop_duplicates(["platform", "post_id"], keep="first")
    return frame.drop(columns="_ctx")


def _flags(values: Any) -> set[str]:
    """Ids / lower-cased handles from a hosts or newcomers collection."""
    if values is None:
        return set()
    if isinstance(values, str):
        values = [values]
    elif isinstance(values, Mapping):
        values = [k for k, v in values.items() if v]
    out = set()
    for v in values:
        v = text_or_none(v)
        if v:
            out.add(v)
            out.add(v.lstrip("@＠").lower())
    return out


def _times(created: pd.Series) -> list[int]:
    """Times as sortable integers (nanoseconds; a missing time after every other, as sorting puts it)."""
    import numpy as np
    import pandas as pd

    values = pd.to_datetime(created, utc=True).to_numpy("datetime64[ns]").view("int64")
    return np.where(values == np.iinfo("int64").min, np.iinfo("int64").max, values).tolist()


def _latest(known: dict[Any, Any], key: Any, stamp: tuple[int, Any], value: Any) -> None:
    """Keep ``value`` under ``key`` unless a later row (by time, then post id) said otherwise."""
    old = known.get(key)
    if old is None or stamp >= old[0]:
        known[key] = (stamp, value)


class NodeKeys:
    """The node keys of a selection: account ids, and handles resolved to ids, per platform.

    Learns every ``(platform, handle) → id`` pair from the replied-to pairs, then the posts
    (the latest post saying it winning), then the account snapshots (newest winning), and keys
    nodes as the module docstring describes. A selection can be learnt a slice at a time
    (:meth:`learn` for each, in any order, then :meth:`finish`): what is learnt does not depend
    on how the posts were cut. Shared with :mod:`swchat.network.community`; not part of the
    public API.

    Parameters
    ----------
    posts : pandas.DataFrame, optional
        Canonical posts; when given, learnt and finished with ``profiles`` at once.
    profiles : pandas.DataFrame or None
        Canonical account snapshots.

    Examples
    --------
    >>> from swchat.schema import new_post, posts_frame
    >>> keys = NodeKeys(posts_frame([new_post(platform="x", post_id="1", author_id="9",
    ...     author_handle="Ann", created_at="2026-09-02T19:00:00.000Z")]), None)
    >>> keys.of_handle("x", "@ann"), keys.of_handle("x", "bob"), keys.of_id("x", "9")
    ('9', 'handle:bob', '9')
    """

    def __init__(self, posts: pd.DataFrame | None = None, profiles: pd.DataFrame | None = None) -> None:
        self.multi = False
        self.by_handle: dict[tuple[str, str], str] = {}
        self.handle: dict[tuple[str, str], str] = {}
        self.name: dict[tuple[str, str], str] = {}
        self._platforms: set[str] = set()
        # what the posts say, each value with the (time, post id) of the row that says it: the
        # replied-to pairs (lowest priority), then the authors of the posts
        self._replied: tuple[dict[Any, Any], dict[Any, Any]] = ({}, {})
        self._authors: tuple[dict[Any, Any], dict[Any, Any], dict[Any, Any]] = ({}, {}, {})
        if posts is not None:
            self.learn(posts)
            self.finish(profiles)

    def learn(self, posts: pd.DataFrame) -> None:
        """Learn the handles, ids and names of a selection's posts (all of them, or one slice)."""
        if not len(posts):
            return
        self._platforms.update(p for p in posts["platform"].dropna().unique() if p)
        stamps = list(zip(_times(posts["created_at"]), _texts(posts["post_id"]), strict=True))
        platforms = _texts(posts["platform"])
        if "reply_to_author_id" in posts.columns and "reply_to_handle" in posts.columns:
            by_handle, handle_of = self._replied
            for stamp, platform, aid, handle in zip(stamps, platforms, _texts(posts["reply_to_author_id"]),
                                                    _texts(posts["reply_to_handle"]), strict=True):
                if platform and aid and handle:
                    handle = handle.lstrip("@＠")
                    _latest(by_handle, (platform, handle.lower()), stamp, aid)
                    _latest(handle_of, (platform, aid), stamp, handle)
        nothing = [None] * len(posts)
        handles = _texts(posts["author_handle"]) if "author_handle" in posts.columns else nothing
        names = _texts(posts["author_name"]) if "author_name" in posts.columns else nothing
        by_handle, handle_of, name_of = self._authors
        for stamp, platform, aid, handle, name in zip(stamps, platforms, _texts(posts["author_id"]), handles,
                                                      names, strict=True):
            if not platform or not aid:
                continue
            if handle:
                handle = handle.lstrip("@＠")
                _latest(by_handle, (platform, handle.lower()), stamp, aid)
                _latest(handle_of, (platform, aid), stamp, handle)
            if name:
                _latest(name_of, (platform, aid), stamp, name)

    def finish(self, profiles: pd.DataFrame | None = None) -> None:
        """Settle the keys: what the posts said, then the account snapshots (newest winning)."""
        self.multi = len(self._platforms) > 1
        for by_handle, handle_of, *name_of in (self._replied, self._authors):
            self.by_handle.update((k, v) for k, (_, v) in by_handle.items())
            self.handle.update((k, v) for k, (_, v) in handle_of.items())
            for names in name_of:
                self.name.update((k, v) for k, (_, v) in names.items())
        self._replied, self._authors = ({}, {}), ({}, {}, {})
        if profiles is not None and len(profiles):
            prof = profiles
            if "snapshot_at" in prof.columns:
                prof = prof.sort_values("snapshot_at", kind="stable", na_position="first")
            for platform, aid, handle, name in zip(prof["platform"], prof["account_id"], prof["handle"],
                                                   prof["name"], strict=True):
                self._learn(text_or_none(platform), text_or_none(aid), text_or_none(handle), text_or_none(name))

    def _learn(self, platform: str | None, aid: str | None, handle: str | None, name: str | None) -> None:
        if not platform or not aid:
            return
        if handle:
            handle = handle.lstrip("@＠")
            self.by_handle[(platform, handle.lower())] = aid
            self.handle[(platform, aid)] = handle
        if name:
            self.name[(platform, aid)] = name

    def of_id(self, platform: str, aid: str) -> str:
        """The key of an account id."""
        return f"{platform}:{aid}" if self.multi and not aid.startswith("person:") else aid

    def of_handle(self, platform: str, handle: str) -> str:
        """The key of a handle: its account's id when known, else ``handle:<lower-cased handle>``."""
        handle = handle.lstrip("@＠")
        aid = self.by_handle.get((platform, handle.lower()))
        if aid is not None:
            return self.of_id(platform, aid)
        key = f"handle:{handle.lower()}"
        return f"{platform}:{key}" if self.multi else key


#: The post columns the edge rules read, after platform, author, time, kind and text.
_EDGE_FIELDS = ("mentions", "urls", "is_quote", "reply_to_post_id", "reply_to_author_id", "reply_to_handle",
                "quoted_post_id", "retweeted_post_id", "origin")


def post_authors(frame: pd.DataFrame) -> dict[tuple[str, str], str]:
    """``(platform, post id) -> author id`` of every post, context posts included. Shared with
    :mod:`swchat.exports`; not part of the public API."""
    author_of: dict[tuple[str, str], str] = {}
    for platform, pid, aid in zip(_texts(frame["platform"]), _texts(frame["post_id"]), _texts(frame["author_id"]),
                                  strict=True):
        if platform and pid and aid:
            author_of[(platform, pid)] = aid
    return author_of


def _own_rows(frame: pd.DataFrame, own_mask: pd.Series) -> Iterator[tuple[Any, ...]]:
    """``(platform, author id, created_at, kind, text, post id, rest)`` of each own post with a
    platform and an author, in frame order; ``rest`` holds the :data:`_EDGE_FIELDS` as they are."""
    # the columns read, as they are (no copy of a big selection): context rows are skipped
    cols = {c: _cells(frame[c]) if c in frame.columns else [None] * len(frame)
            for c in ("platform", "author_id", "created_at", "kind", "text", "post_id", *_EDGE_FIELDS)}
    for own_row, (platform, aid, created, pkind, text, pid, *rest) in zip(
            own_mask.to_numpy(bool), zip(*cols.values(), strict=True), strict=True):
        if not own_row:
            continue
        platform, aid = text_or_none(platform), text_or_none(aid)
        if not platform or not aid:
            continue
        yield platform, aid, _value(created), text_or_none(pkind) or "original", text_or_none(text), pid, rest


def _quoted(platform: str, q_post: Any, urls: Any, origin: Any) -> tuple[str | None, list[re.Match[str]]]:
    """The id of the post a post quotes, and its links to X posts: from a source that does not
    record quotes (a TAGS sheet), an X post quoting another carries the quoted post's permalink as
    a link, and the first such link is taken for the quote."""
    q_post = text_or_none(q_post)
    links = [m for m in (_STATUS_URL.match(u or "") for u in (urls if urls is not None else ())) if m]
    if not q_post and links and platform == "x" and _without_quotes(origin):
        q_post = links[0].group(2)
    return q_post, links


def linked_quotes(frame: pd.DataFrame) -> set[tuple[str, str]]:
    """``(platform, post id)`` of the posts the frame's own posts quote by a link only (see
    :func:`_quoted`). Shared with :mod:`swchat.exports`; not part of the public API."""
    found: set[tuple[str, str]] = set()
    if "urls" not in frame.columns or "origin" not in frame.columns:
        return found
    own = ~frame["is_context"].fillna(False).astype(bool).to_numpy(bool)
    for is_own, platform, q_post, urls, origin in zip(own, _cells(frame["platform"]), _cells(frame["quoted_post_id"]),
                                                      _cells(frame["urls"]), _cells(frame["origin"]), strict=True):
        if is_own and platform == "x" and urls is not None and len(urls) and not text_or_none(q_post):
            quoted, _ = _quoted(platform, q_post, urls, origin)
            if quoted:
                found.add((platform, quoted))
    return found


def _post_targets(platform: str, pkind: str, text: str | None, mentions: Any, urls: Any, is_quote: Any,
                  r_post: Any, r_author: Any, r_handle: Any, q_post: Any, rt_post: Any, origin: Any, *,
                  author_of: Mapping[tuple[str, str], str]) -> list[tuple[str, str, str]]:
    """The interactions one own post makes under :data:`EDGE_RULES`: ``(type, "id" or "handle",
    account id or handle)`` each, in the order the graph adds them (the retweet, else the reply,
    the quote, then the mentions in order of appearance, not yet merged by account)."""
    out: list[tuple[str, str, str]] = []
    r_post, r_author, r_handle = text_or_none(r_post), text_or_none(r_author), text_or_none(r_handle)
    is_reply = pkind != "retweet" and bool(pkind == "reply" or r_post or r_author)
    if pkind == "retweet":
        rt_post = text_or_none(rt_post)
        if rt_post and (platform, rt_post) in author_of:
            out.append(("retweet", "id", author_of[(platform, rt_post)]))
        else:
            match = _RT.match(text or "")
            handle = match.group(1) if match else None
            if not handle and mentions is not None and len(mentions):
                handle = mentions[0]
            if handle:
                out.append(("retweet", "handle", handle))
        return out  # a retweet makes no other edge
    if is_reply:
        if r_author:
            out.append(("reply", "id", r_author))
        elif r_post and (platform, r_post) in author_of:
            out.append(("reply", "id", author_of[(platform, r_post)]))
        elif r_handle:
            out.append(("reply", "handle", r_handle))
    q_post, links = _quoted(platform, q_post, urls, origin)
    if q_post or pkind == "quote" or bool(_value(is_quote)):
        if q_post and (platform, q_post) in author_of:
            out.append(("quote", "id", author_of[(platform, q_post)]))
        else:
            for m in links:
                if m.group(2) == q_post:
                    out.append(("quote", "handle", m.group(1)))
                    break
    out += [("mention", "handle", h) for h in mention_targets(
        text, list(mentions) if mentions is not None else [], pkind, is_reply=is_reply)]
    return out


#: Columns of :func:`interaction_table`.
INTERACTION_COLUMNS: tuple[str, ...] = (
    "platform", "post_id", "created_at", "type", "source_id", "source_handle", "target_id", "target_handle")


def interaction_table(posts: pd.DataFrame, profiles: pd.DataFrame | None = None, *,
                      self_loops: bool = False) -> pd.DataFrame:
    """One row per interaction under :data:`EDGE_RULES`: the edges of :func:`build_network`, unmerged.

    Each own post makes at most one reply and one quote interaction (a retweet: one retweet
    interaction and nothing else) and one mention interaction per mentioned account, exactly as
    the graph counts them: the rows of one type
    from ``source`` to ``target`` are that edge's weight of that type in ``build_network(posts)``
    (targets resolved to accounts as the graph's nodes are; self-loops left out unless asked).

    Parameters
    ----------
    posts : pandas.DataFrame
        Canonical posts; rows flagged ``is_context`` only name the authors of referenced posts.
    profiles : pandas.DataFrame, optional
        Canonical account snapshots (to match handles to account ids).
    self_loops : bool
        Keep interactions of an account with itself.

    Returns
    -------
    pandas.DataFrame
        :data:`INTERACTION_COLUMNS`: ``platform``, ``post_id`` and ``created_at`` of the post
        that makes it, ``type`` (``reply``, ``mention``, ``retweet``, ``quote``), ``source_id`` and
        ``source_handle`` (its author), ``target_id`` (``None`` for an account known only by a
        handle) and ``target_handle`` (when known). In post order; per post, the reply, retweet
        or quote first, then the mentions by target.

    Examples
    --------
    >>> from swchat.schema import new_post, posts_frame
    >>> posts = posts_frame([
    ...     new_post(platform="x", post_id="1", author_id="1", author_handle="ann",
    ...              created_at="2026-09-02T19:00:00.000Z", text="Q1 #SWChat"),
    ...     new_post(platform="x", post_id="2", author_id="2", author_handle="bob", kind="reply",
    ...              created_at="2026-09-02T19:01:00.000Z", text="@ann yes, ask @Cat", mentions=["ann", "Cat"],
    ...              reply_to_post_id="1", reply_to_author_id="1")])
    >>> interaction_table(posts)[["post_id", "type", "source_id", "target_id", "target_handle"]].values.tolist()
    [['2', 'reply', '2', '1', 'ann'], ['2', 'mention', '2', None, 'Cat']]
    """
    frame = unique_posts(posts)
    return interaction_frame(interaction_rows(frame, NodeKeys(frame, profiles), post_authors(frame), self_loops))


def interaction_rows(frame: pd.DataFrame, keys: NodeKeys, author_of: Mapping[tuple[str, str], str],
                     self_loops: bool = False) -> list[tuple[Any, ...]]:
    """The rows of :func:`interaction_table` made by the own posts of ``frame`` (one post once, as
    :func:`unique_posts` gives them), in its order, with the accounts ``keys`` knows and the
    authors ``author_of`` gives (``(platform, post id) -> author id`` of the posts referred to).

    A selection can be made a slice at a time: ``keys`` learnt from every slice first (as
    :func:`selection_network` does) and each slice's rows made with the authors its own and
    context rows name. Shared with :mod:`swchat.exports`; not part of the public API.
    """
    own_mask = ~frame["is_context"].fillna(False).astype(bool)
    rows: list[tuple[Any, ...]] = []
    for platform, aid, created, pkind, text, pid, rest in _own_rows(frame, own_mask):
        source_handle = keys.handle.get((platform, aid))
        mentioned: dict[str, tuple[str | None, str | None]] = {}
        for etype, by, value in _post_targets(platform, pkind, text, *rest, author_of=author_of):
            target_id: str | None = value
            target_handle: str | None = keys.handle.get((platform, value))
            key = value
            if by == "handle":
                handle = value.lstrip("@＠")
                target_id = keys.by_handle.get((platform, handle.lower()))
                target_handle = keys.handle.get((platform, target_id), handle) if target_id else handle
                key = target_id or f"handle:{handle.lower()}"
            if target_id == aid and not self_loops:
                continue
            if etype == "mention":
                mentioned.setdefault(key, (target_id, target_handle))
            else:
                rows.append((platform, text_or_none(pid), created, etype, aid, source_handle, target_id,
                             target_handle))
        for key in sorted(mentioned):
            rows.append((platform, text_or_none(pid), created, "mention", aid, source_handle, *mentioned[key]))
    return rows


def interaction_frame(rows: list[tuple[Any, ...]]) -> pd.DataFrame:
    """The table of :func:`interaction_table` from rows of :func:`interaction_rows`."""
    import pandas as pd

    table = pd.DataFrame(rows, columns=list(INTERACTION_COLUMNS), dtype=object)
    table["created_at"] = pd.to_datetime(table["created_at"], utc=True)
    return table


def build_network(
    posts: pd.DataFrame,
    kind: str = "all",
    profiles: pd.DataFrame | None = None,
    self_loops: bool = False,
    *,
    hosts: Iterable[str] | None = None,
    newcomers: Iterable[str] | None = None,
    community: str | None = "louvain",
    seed: int = DEFAULT_SEED,
    meta: Mapping[str, Any] | None = None,
) -> nx.DiGraph:
    """Build the directed participant network of a posts DataFrame under :data:`EDGE_RULES`.

    Parameters
    ----------
    posts : pandas.DataFrame
        Canonical posts (see :mod:`swchat.schema`); rows flagged ``is_context`` only name the
        authors of referenced posts. Not modified.
    kind : {"all", "reply", "mention", "retweet", "quote"}
        Which edges to keep: one type, or their union (``"all"``).
    profiles : pandas.DataFrame, optional
        Canonical account snapshots, used to name accounts and match handles to ids.
    self_loops : bool
        Keep edges from an account to itself.
    hosts, newcomers : iterable of str, optional
        Account ids or handles to flag ``host`` / ``newcomer``.
    community : {"louvain", "cnm", None}
        Partition stored in the ``community`` node attribute (see
        :func:`swchat.network.community.communities`).
    seed : int
        Seed for Louvain.
    meta : mapping, optional
        Scalar values describing the selection, stored in ``G.graph``.

    Returns
    -------
    networkx.DiGraph
        Nodes keyed as described in the module docstring, sorted by key; edge attributes
        ``reply``, ``mention``, ``retweet``, ``quote`` and ``weight``. ``G.graph`` holds
        ``kind``, ``edge_rules``, ``self_loops``, ``community_method``, ``seed`` and ``meta``.

    Examples
    --------
    >>> from swchat.schema import new_post, posts_frame
    >>> posts = posts_frame([
    ...     new_post(platform="x", post_id="1", author_id="1", author_handle="Ann",
    ...              created_at="2026-09-02T19:00:00.000Z", text="hi @Bob and @ann"),
    ... ])
    >>> G = build_network(posts.assign(mentions=[["Bob", "ann"]]))
    >>> list(G.edges(data="mention")), G.nodes["handle:bob"]["label"]
    ([('1', 'handle:bob', 1)], 'Bob')
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    frame = unique_posts(posts)
    return _network(lambda _columns: (frame,), kind, profiles, self_loops, hosts=hosts, newcomers=newcomers,
                    community=community, seed=seed, meta=lambda _facts: meta or {})


#: The post columns the first pass of a sliced build reads: who wrote each post, and what it refers to.
KEY_COLUMNS: tuple[str, ...] = (
    "platform", "post_id", "created_at", "author_id", "author_handle", "author_name", "reply_to_post_id",
    "reply_to_author_id", "reply_to_handle", "quoted_post_id", "retweeted_post_id", "urls", "is_context", "origin")

#: A selection read a slice at a time: ``slices(columns)`` yields its posts (canonical frames with
#: at least these columns, each slice with the context rows it refers to), afresh at each call.
Slices = Callable[[tuple[str, ...]], Iterable["pd.DataFrame"]]


def selection_network(
    slices: Slices,
    kind: str = "all",
    profiles: Callable[[set[tuple[str, str]]], pd.DataFrame | None] | None = None,
    self_loops: bool = False,
    *,
    session_id: str | None = None,
    hashtag: str | None = None,
    since: Any = None,
    until: Any = None,
    community: str | None = "louvain",
    seed: int = DEFAULT_SEED,
    posts_with_ids: Callable[[set[tuple[str, str]]], pd.DataFrame] | None = None,
) -> nx.DiGraph:
    """The participant network of a selection read a slice at a time: :func:`build_network`'s
    graph, without ever holding every post.

    The posts are read twice: once (:data:`KEY_COLUMNS`) to learn which handle is which account,
    once (:data:`NETWORK_COLUMNS`) for the edges. Memory holds the graph and one slice, whatever
    the size of the selection (with ``posts_with_ids``; without it, also a post → author table). The graph
    is the one :func:`chat_network` builds from the whole selection (same nodes, edges and
    attributes; ``G.graph`` describes the selection the same way).

    Parameters
    ----------
    slices : callable
        ``slices(columns)`` gives an iterable of posts frames, the selection cut in slices (in
        any order; a post is one slice's own post at most once; context rows may repeat).
    kind, self_loops, community, seed
        As for :func:`build_network`.
    profiles : callable, optional
        ``profiles(keys)`` gives the account snapshots of these ``(platform, account_id)`` keys.
    session_id, hashtag, since, until : optional
        The selection, as recorded in ``G.graph``.
    posts_with_ids : callable, optional
        ``posts_with_ids(keys)`` gives the posts with these ``(platform, post_id)`` keys (as
        :meth:`swchat.archive.Archive.posts_with_ids`). When given, each slice must hold, as
        context rows, the posts its own posts reply to, quote or retweet, and the authors of posts
        quoted only by a link (a TAGS sheet) are looked up with it.

    Raises
    ------
    SelectionError
        When the slices hold no post of the selection's own.

    Examples
    --------
    >>> from swchat.schema import new_post, posts_frame
    >>> frame = posts_frame([
    ...     new_post(platform="x", post_id=str(i), author_id=str(i % 3), author_handle=f"u{i % 3}",
    ...              created_at=f"2026-09-02T19:0{i}:00.000Z", kind="reply" if i else "original",
    ...              reply_to_post_id="0" if i else None) for i in range(6)])
    >>> G = selection_network(lambda columns: (frame[:3], frame[3:]), hashtag="SWChat")
    >>> sorted(G.edges(data="reply")), G.graph["posts"]
    ([('1', '0', 2), ('2', '0', 2)], 6)
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")

    def described(facts: _Interactions) -> dict[str, Any]:
        if not facts.own_posts:
            raise SelectionError("no posts in that selection")
        return selection_meta(facts.own_posts, facts.first_post, facts.last_post, facts.platforms,
                              session_id=session_id, hashtag=hashtag, since=since, until=until)

    return _network(slices, kind, profiles, self_loops, community=community, seed=seed, meta=described,
                    posts_with_ids=posts_with_ids)


def _network(slices: Slices, kind: str, profiles: Any, self_loops: bool, *, hosts: Iterable[str] | None = None,
             newcomers: Iterable[str] | None = None, community: str | None, seed: int,
             meta: Callable[[_Interactions], Mapping[str, Any]], posts_with_ids: Any = None) -> nx.DiGraph:
    """Build a participant network from slices: keys first, then the edges (see :func:`selection_network`).

    With ``posts_with_ids`` (``keys -> posts frame``), each slice's posts and context rows name
    the authors its edges need, and only the posts quoted by a link are looked up besides: no
    post → author table of the whole selection is held. Without it, that table is built in the
    first pass."""
    keys = NodeKeys()
    author_of: dict[tuple[str, str], str] = {}
    linked: set[tuple[str, str]] = set()
    accounts: set[tuple[str, str]] = set()
    for frame in slices(KEY_COLUMNS):
        keys.learn(frame)
        if posts_with_ids is None:
            author_of.update(post_authors(frame))
        else:
            linked |= linked_quotes(frame)
        if callable(profiles):
            accounts.update(zip(_cells(frame["platform"]), _cells(frame["author_id"]), strict=True))
    keys.finish(profiles(accounts) if callable(profiles) else profiles)
    if posts_with_ids is not None and linked:
        author_of = post_authors(posts_with_ids(linked))
    found = _Interactions(keys, author_of, self_loops)
    for frame in slices(NETWORK_COLUMNS):
        found.add(frame, None if posts_with_ids is None else {**author_of, **post_authors(frame)})
    G = found.graph(kind, hosts, newcomers)
    for k, v in meta(found).items():
        v = _value(v)
        if v is not None:
            G.graph[k] = as_attribute(v)
    if community:
        label_communities(G, community, seed=seed)
    return G


class _Interactions:
    """The edges and node facts of a selection's own posts, gathered a frame at a time."""

    def __init__(self, keys: NodeKeys, author_of: Mapping[tuple[str, str], str], self_loops: bool) -> None:
        self.keys, self.author_of, self.self_loops = keys, author_of, self_loops
        self.node_posts: Counter[str] = Counter()
        self.first: dict[str, Any] = {}
        self.platform_of: dict[str, str] = {}
        self.label_of: dict[str, str] = {}
        self.ids_of: dict[str, str] = {}
        # posts of each type (in EDGE_TYPES order) from source to target: a list is a third of a Counter
        self.edges: dict[tuple[str, str], list[int]] = {}
        # what describes the selection: its own posts, their time span and platforms
        self.own_posts = 0
        self.first_post: Any = None
        self.last_post: Any = None
        self.platforms: Counter[str] = Counter()

    def _id_node(self, platform: str, aid: str) -> str:
        key = self.keys.of_id(platform, aid)
        self.platform_of.setdefault(key, platform)
        self.ids_of.setdefault(key, aid)
        return key

    def _handle_node(self, platform: str, handle: str) -> str:
        handle = handle.lstrip("@＠")
        aid = self.keys.by_handle.get((platform, handle.lower()))
        if aid is not None:
            return self._id_node(platform, aid)
        key = self.keys.of_handle(platform, handle)
        self.platform_of.setdefault(key, platform)
        self.label_of.setdefault(key, handle)
        return key

    def _add(self, source: str, target: str | None, etype: str) -> None:
        if target is None or (source == target and not self.self_loops):
            return
        counts = self.edges.get((source, target))
        if counts is None:
            counts = self.edges[(source, target)] = [0] * len(EDGE_TYPES)
        counts[_TYPE_INDEX[etype]] += 1

    def add(self, frame: pd.DataFrame, author_of: Mapping[tuple[str, str], str] | None = None) -> None:
        """Count the interactions of the frame's own posts (its context rows only name authors);
        ``author_of`` gives the authors of the posts they refer to, if not the builder's own."""
        author_of = self.author_of if author_of is None else author_of
        own_mask = ~frame["is_context"].fillna(False).astype(bool)
        own = frame.loc[own_mask.to_numpy(bool), ["platform", "created_at"]]
        if len(own):
            self.own_posts += len(own)
            first, last = own["created_at"].min(), own["created_at"].max()
            if first == first and (self.first_post is None or first < self.first_post):
                self.first_post = first
            if last == last and (self.last_post is None or last > self.last_post):
                self.last_post = last
            self.platforms.update(own["platform"].dropna().astype(str).tolist())
        for platform, aid, created, pkind, text, _pid, row in _own_rows(frame, own_mask):
            src = self._id_node(platform, aid)
            self.node_posts[src] += 1
            if created is not None and (src not in self.first or created < self.first[src]):
                self.first[src] = created
            mentioned: set[str] = set()
            for etype, by, value in _post_targets(platform, pkind, text, *row, author_of=author_of):
                target = self._id_node(platform, value) if by == "id" else self._handle_node(platform, value)
                if etype == "mention":
                    mentioned.add(target)
                else:
                    self._add(src, target, etype)
            for target in sorted(mentioned):
                self._add(src, target, "mention")

    def graph(self, kind: str, hosts: Iterable[str] | None, newcomers: Iterable[str] | None) -> nx.DiGraph:
        """The graph of what was counted, edges of ``kind`` only (or all)."""
        keys, edges = self.keys, self.edges
        G = nx.DiGraph()
        nodes = set(self.node_posts)
        for (u, v), counts in edges.items():
            if kind == "all" or counts[_TYPE_INDEX[kind]]:
                nodes.update((u, v))
        host_flags, new_flags = _flags(hosts), _flags(newcomers)
        linked: dict[str, list[tuple[str, str]]] = {}  # a person's accounts (see swchat.privacy.link_people)
        for (on, account), known in keys.handle.items():
            if account.startswith("person:") and account in nodes:
                linked.setdefault(account, []).append((on, known))
        for key in sorted(nodes):
            platform = self.platform_of.get(key, "")
            aid = self.ids_of.get(key)
            handle = keys.handle.get((platform, aid)) if aid else None
            handle = handle or self.label_of.get(key)
            attrs: dict[str, Any] = {"label": handle or key}
            if handle:
                attrs["handle"] = handle
            name = keys.name.get((platform, aid)) if aid else None
            if name:
                attrs["name"] = name
            if platform:
                attrs["platform"] = platform
            if key in linked:  # one person's accounts on several platforms
                attrs["label"] = attrs["handle"] = key.removeprefix("person:")
                attrs["accounts"] = ", ".join(sorted(h for _p, h in linked[key]))
                attrs["platform"] = ", ".join(sorted({p for p, _h in linked[key]}))
            attrs["posts"] = int(self.node_posts.get(key, 0))
            if key in self.first:
                attrs["first_post"] = _iso(self.first[key])
            marks = {key, aid or "", (handle or "").lower()} - {""}
            attrs["host"] = bool(marks & host_flags)
            attrs["newcomer"] = bool(marks & new_flags)
            G.add_node(key, **attrs)
        for (u, v) in sorted(edges):
            counts = edges[(u, v)]
            if kind != "all":
                if not counts[_TYPE_INDEX[kind]]:
                    continue
                counts = [n if t == kind else 0 for t, n in zip(EDGE_TYPES, counts, strict=True)]
            data = dict(zip(EDGE_TYPES, counts, strict=True))
            data["weight"] = sum(data.values())
            G.add_edge(u, v, **data)
        G.graph.update({
            "kind": kind,
            "directed": True,
            "self_loops": bool(self.self_loops),
            "edge_rules": EDGE_RULES.format(self_loops="kept" if self.self_loops else "left out"),
        })
        return G


def _iso(value: Any) -> str:
    from datetime import datetime

    from ..schema import iso_utc

    if hasattr(value, "to_pydatetime"):
        value = value.to_pydatetime()
    if isinstance(value, datetime):
        return iso_utc(value)
    return str(value)


def as_attribute(value: Any) -> str | int | float | bool:
    """A value as a plain graph attribute (``str``, ``int``, ``float`` or ``bool``).

    Times become ISO UTC text, NumPy numbers Python ones, lists comma-separated text. Shared
    with :mod:`swchat.network.community`; not part of the public API.

    Examples
    --------
    >>> import numpy as np
    >>> as_attribute(np.int64(3)), as_attribute(["a", "b"]), as_attribute(True)
    (3, 'a, b', True)
    """
    if isinstance(value, bool | int | float | str):
        return value
    if hasattr(value, "isoformat"):
        return _iso(value)
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, list | tuple | set):
        return ", ".join(str(v) for v in value)
    return str(value)


def selection_meta(posts: int, first_post: Any, last_post: Any, platforms: Iterable[str], *,
                   session_id: str | None = None, hashtag: str | None = None, since: Any = None,
                   until: Any = None) -> dict[str, Any]:
    """What ``G.graph`` records about a selection: how it was made and the posts it holds.

    Examples
    --------
    >>> selection_meta(2, "2026-09-02T19:00:00Z", "2026-09-02T19:05:00Z", ["x"], hashtag="SWChat")["selection"]
    '#SWChat; posts 2026-09-02T19:00:00Z to 2026-09-02T19:05:00Z'
    """
    meta: dict[str, Any] = {"generator": f"swchat {__version__}"}
    parts = []
    if session_id:
        meta["session_id"] = session_id
        parts.append(f"session {session_id}")
    if hashtag:
        meta["hashtag"] = hashtag
        parts.append(f"#{hashtag}")
    for key, value in (("since", since), ("until", until)):
        if value:
            meta[key] = as_attribute(value)
            parts.append(f"{key} {meta[key]}")
    if posts:
        meta["first_post"] = _iso(first_post)
        meta["last_post"] = _iso(last_post)
        tally = Counter(dict(platforms)) if isinstance(platforms, Mapping) else Counter(str(p) for p in platforms)
        meta["platforms"] = ", ".join(sorted(tally))
        if len(tally) > 1:  # one chat on several platforms: each one's share of the posts
            from ..chat import platform_shares

            meta["platform_shares"] = platform_shares(tally)
            for name, n in sorted(tally.items()):
                meta[f"posts_{name}"] = int(n)
        parts.append(f"posts {meta['first_post']} to {meta['last_post']}")
    meta["posts"] = posts
    meta["selection"] = "; ".join(parts) or "all posts"
    return meta


def _chat_meta(chat: Chat) -> dict[str, Any]:
    posts = chat.posts
    own = posts.loc[~posts["is_context"].to_numpy(bool), ["platform", "post_id", "created_at"]]
    own = own.drop_duplicates(["platform", "post_id"])
    return selection_meta(len(own), own["created_at"].min(), own["created_at"].max(), own["platform"].dropna(),
                          session_id=chat.session_id, hashtag=chat.hashtag, since=chat.meta.get("since"),
                          until=chat.meta.get("until"))


def chat_network(chat: Chat, kind: str = "all", self_loops: bool = False, **options: Any) -> nx.DiGraph:
    """The participant network of a :class:`~swchat.chat.Chat` (see :func:`build_network`).

    Hosts are taken from ``chat.meta["hosts"]``, else from the session's hosts
    (``chat.meta["session"].host_ids`` and ``.hosts``, as :func:`swchat.sessions.session_chat`
    sets them); newcomers from ``chat.meta["newcomers"]`` (ids or handles); otherwise both are
    ``False``. The selection (hashtag, session, time span) is recorded in ``G.graph``.

    Parameters
    ----------
    chat : Chat
        The selection.
    kind : {"all", "reply", "mention", "retweet", "quote"}
        Edge type, or ``"all"`` for the union.
    self_loops : bool
        Keep edges from an account to itself.
    **options
        Passed to :func:`build_network` (``community``, ``seed``).

    Examples
    --------
    >>> from swchat import Chat
    >>> from swchat.schema import new_post, posts_frame
    >>> chat = Chat(posts=posts_frame([
    ...     new_post(platform="x", post_id="2", author_id="8", author_handle="bob", kind="reply",
    ...              created_at="2026-09-02T19:01:00.000Z", text="@ann yes", mentions=["ann"],
    ...              reply_to_post_id="1", reply_to_author_id="9", reply_to_handle="ann")]),
    ...     hashtag="SWChat")
    >>> G = chat_network(chat, kind="reply")
    >>> list(G.edges), G.nodes["9"]["handle"], G.graph["hashtag"]
    ([('8', '9')], 'ann', 'SWChat')
    """
    hosts = chat.meta.get("hosts")
    session = chat.meta.get("session")
    if hosts is None and session is not None:
        hosts = [*(getattr(session, "host_ids", None) or ()), *(getattr(session, "hosts", None) or ())]
    return build_network(
        chat.posts, kind=kind, profiles=chat.profiles, self_loops=self_loops,
        hosts=hosts, newcomers=chat.meta.get("newcomers"), meta=_chat_meta(chat), **options,
    )


def hashtag_network(
    posts: pd.DataFrame,
    exclude: Iterable[str] | str | None = None,
    *,
    min_weight: int = 1,
    retweets: bool = True,
) -> nx.Graph:
    """The undirected hashtag co-occurrence network of a posts DataFrame.

    Hashtags are compared case-insensitively (nodes are lower-cased tags, ``label`` the most
    used spelling); an edge's ``weight`` is the number of posts carrying both tags; a node's
    ``posts`` the number of posts carrying the tag. Only the selection's own posts count, each
    once (deduplicated on ``(platform, post_id)``); a tag repeated in one post counts once.

    Parameters
    ----------
    posts : pandas.DataFrame
        Canonical posts.
    exclude : str or iterable of str, optional
        Tags to leave out (e.g. the chat's own tag), with or without ``#``.
    min_weight : int
        Drop edges carried by fewer posts.
    retweets : bool
        Count retweets (they carry the original's hashtags).

    Examples
    --------
    >>> from swchat.schema import new_post, posts_frame
    >>> rows = [new_post(platform="x", post_id=str(i), author_id="1", hashtags=tags,
    ...                  created_at="2026-09-02T19:00:00.000Z")
    ...         for i, tags in enumerate([["SWChat", "MentalHealth"], ["swchat", "mentalhealth", "SocialWork"]])]
    >>> H = hashtag_network(posts_frame(rows), exclude="#SWChat")
    >>> list(H.edges(data="weight")), H.nodes["mentalhealth"]
    ([('mentalhealth', 'socialwork', 1)], {'label': 'MentalHealth', 'posts': 2})
    """
    frame = unique_posts(posts)
    frame = frame[~frame["is_context"].fillna(False).astype(bool)]
    if not retweets:
        frame = frame[frame["kind"] != "retweet"]
    if isinstance(exclude, str):
        exclude = [exclude]
    skip = {t.lstrip("#").lower() for t in exclude or ()}
    spellings: dict[str, Counter[str]] = {}
    tag_posts: Counter[str] = Counter()
    pairs: Counter[tuple[str, str]] = Counter()
    for tags in frame["hashtags"]:
        if tags is None:
            continue
        seen: dict[str, str] = {}
        for tag in tags:
            tag = text_or_none(tag)
            if not tag:
                continue
            tag = tag.lstrip("#")
            low = tag.lower()
            if low in skip or low in seen:
                continue
            seen[low] = tag
            spellings.setdefault(low, Counter())[tag] += 1
        for low in seen:
            tag_posts[low] += 1
        ordered = sorted(seen)
        for i, a in enumerate(ordered):
            for b in ordered[i + 1:]:
                pairs[(a, b)] += 1
    H = nx.Graph()
    for low in sorted(tag_posts):
        label = sorted(spellings[low].items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        H.add_node(low, label=label, posts=int(tag_posts[low]))
    for (a, b), n in sorted(pairs.items()):
        if n >= min_weight:
            H.add_edge(a, b, weight=int(n))
    H.graph.update({
        "kind": "hashtag",
        "directed": False,
        "edge_rules": ("hashtag co-occurrence: an edge joins two hashtags used in the same post; "
                       "weight = posts with both (case-insensitive; each post counted once"
                       + ("" if retweets else "; retweets left out") + ")"),
    })
    if skip:
        H.graph["excluded"] = ", ".join(sorted(skip))
    return H


# --------------------------------------------------------------------------------------
# ego networks
# --------------------------------------------------------------------------------------
def _find_node(G: nx.Graph, handle_or_id: str) -> str:
    wanted = str(handle_or_id).strip()
    if wanted in G:
        return wanted
    low = wanted.lstrip("@＠").lower()
    for node, handle in G.nodes(data="handle"):
        if handle and handle.lower() == low:
            return node
    for candidate in (f"handle:{low}",):
        if candidate in G:
            return candidate
    raise SelectionError(f"no account {handle_or_id!r} in this network (give a handle or an account id)")


def ego_network(G: nx.Graph, handle_or_id: str, radius: int = 1) -> nx.Graph:
    """The ego network of one account: it, every account within ``radius`` steps (either
    direction), and all edges among them.

    Parameters
    ----------
    G : networkx.DiGraph
        A participant network.
    handle_or_id : str
        A handle (with or without ``@``, any case) or a node key.
    radius : int
        1 (the account's neighbours) or 2 (and theirs).

    Returns
    -------
    networkx.DiGraph
        A copy; ``G.graph["ego"]`` holds the account's key, ``G.graph["radius"]`` the radius,
        and the node attribute ``ego`` marks it.

    Raises
    ------
    SelectionError
        When no account has that handle or id.

    Examples
    --------
    >>> G = nx.DiGraph([("1", "2"), ("3", "2"), ("3", "4")])
    >>> G.nodes["2"]["handle"] = "Ann"
    >>> sorted(ego_network(G, "@ann").nodes), sorted(ego_network(G, "ann", radius=2).nodes)
    (['1', '2', '3'], ['1', '2', '3', '4'])
    """
    if radius < 1:
        raise ValueError("radius must be 1 or more")
    node = _find_node(G, handle_or_id)
    E = nx.ego_graph(G, node, radius=radius, undirected=True).copy()
    E.graph.update(G.graph)
    E.graph["ego"] = node
    E.graph["radius"] = int(radius)
    for n in E:
        E.nodes[n]["ego"] = n == node
    return E
