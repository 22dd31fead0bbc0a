"""Who connected with whom: participant graphs, their metrics, communities and shape.

The reference for what to compute is NodeXL's network report (Smith et al., NodeXL: Network
Overview, Discovery and Exploration for Excel); what to avoid is twarc-network's faults
(duplicates counted twice, self-loops, non-ISO dates, Python objects in "CSV" cells).

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
else ``False``), ``community`` (Louvain by default, numbered from 0 by size). Edge attributes:
``reply``, ``mention``, ``retweet``, ``quote`` (posts of each type) and ``weight`` (their sum).
All values are plain ``str``, ``int``, ``float`` or ``bool``; unknown ones are left out rather
than ``None``, so the graphs export to GEXF and GraphML as they are.

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
>>> graph_metrics(G)["reciprocated_vertex_pair_ratio"]
0.5
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import networkx as nx

from .errors import SelectionError
from .version import __version__

if TYPE_CHECKING:  # pragma: no cover
    from pathlib import Path

    import pandas as pd

    from .chat import Chat

__all__ = [
    "BETWEENNESS_EXACT_MAX",
    "BETWEENNESS_SAMPLES",
    "DEFAULT_SEED",
    "EDGE_RULES",
    "EDGE_TYPES",
    "FORMATS_WITHOUT_QUOTES",
    "GEODESIC_EXACT_MAX",
    "GEODESIC_SAMPLES",
    "KINDS",
    "SHAPES",
    "SHAPE_THRESHOLDS",
    "Community",
    "CommunityResult",
    "account_metrics",
    "account_table",
    "betweenness",
    "brokers",
    "build_network",
    "chat_communities",
    "chat_network",
    "communities",
    "draw_network",
    "ego_network",
    "graph_metrics",
    "hashtag_network",
    "leading_mentions",
    "mention_targets",
    "network_shape",
    "undirected",
    "with_metrics",
    "write_network",
]

#: The four edge types, in the order their attributes are listed.
EDGE_TYPES: tuple[str, ...] = ("reply", "mention", "retweet", "quote")
#: What ``kind=`` accepts: one edge type, or ``"all"`` for their union.
KINDS: tuple[str, ...] = ("all", *EDGE_TYPES)
#: Seed used for Louvain, sampled betweenness and layouts unless one is given.
DEFAULT_SEED = 42
#: Betweenness is exact up to this many nodes (about 4 s at 5,000 nodes and 20,000 edges);
#: above, estimated from a seeded sample of source nodes.
BETWEENNESS_EXACT_MAX = 5000
#: Number of sampled source nodes for the betweenness estimate on larger graphs.
BETWEENNESS_SAMPLES = 500
#: Mean geodesic distance and diameter are exact up to this many nodes in the largest
#: component; above, estimated from :data:`GEODESIC_SAMPLES` seeded breadth-first searches
#: (the diameter is then a lower bound; ``geodesics_exact`` says which).
GEODESIC_EXACT_MAX = 10000
#: Number of sampled sources for geodesics of larger components.
GEODESIC_SAMPLES = 1000

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

_HANDLE = r"[@＠]([A-Za-z0-9_](?:[\w.\-]*\w)?(?:@\w(?:[\w.\-]*\w)?)?)"
_LEADING_RUN = re.compile(rf"^(?:\s*{_HANDLE})+")
_HANDLE_IN_RUN = re.compile(_HANDLE)
_RT = re.compile(r"^RT [@＠]([^\s:]+):")
#: Source formats (the last part of a post's ``origin``) that cannot record a quote.
FORMATS_WITHOUT_QUOTES = ("tags-csv",)


def _without_quotes(origin: Any) -> bool:
    """Whether a post comes from a source that cannot say it quotes (see FORMATS_WITHOUT_QUOTES)."""
    value = _text(origin)
    return bool(value) and value.rsplit(":", 1)[-1] in FORMATS_WITHOUT_QUOTES


_STATUS_URL = re.compile(r"^https?://(?:www\.|mobile\.)?(?:twitter|x)\.com/(\w+)/status(?:es)?/(\d+)", re.I)


# --------------------------------------------------------------------------------------
# mentions
# --------------------------------------------------------------------------------------
def leading_mentions(text: str | None) -> tuple[list[str], str]:
    """Split a text into its leading run of ``@handle``\\ s and the rest.

    The run is what a platform puts in front of a reply automatically (``@ann @bob thanks``).
    Handles may be X (``ann_b``), Mastodon (``ann@example.social``) or Bluesky
    (``ann.bsky.social``) handles.

    Parameters
    ----------
    text : str or None
        The post text as posted.

    Returns
    -------
    (list of str, str)
        The lower-cased handles of the run (without ``@``), and the text after it.

    Examples
    --------
    >>> leading_mentions("@Ann @bob.bsky.social thanks @carl!")
    (['ann', 'bob.bsky.social'], ' thanks @carl!')
    >>> leading_mentions("Q1: hello @ann")
    ([], 'Q1: hello @ann')
    """
    if not text:
        return [], text or ""
    match = _LEADING_RUN.match(text)
    if not match:
        return [], text
    handles = [h.lower() for h in _HANDLE_IN_RUN.findall(match.group(0))]
    return handles, text[match.end():]


def _local(handle: str) -> str:
    return handle.split("@", 1)[0]


def _mentioned_in(handle: str, body: str) -> bool:
    for candidate in {handle, _local(handle)}:
        pattern = rf"(?<![\w@])[@＠]{re.escape(candidate)}(?![\w@])(?!\.\w)"
        if re.search(pattern, body, flags=re.I):
            return True
    return False


def mention_targets(text: str | None, mentions: Iterable[str] | None, kind: str = "original",
                    *, is_reply: bool | None = None) -> list[str]:
    """The handles a post's mention edges go to, under :data:`EDGE_RULES`.

    Parameters
    ----------
    text : str or None
        The post text as posted.
    mentions : list of str
        The canonical ``mentions`` column: every mentioned handle in order of appearance,
        leading reply mentions and a retweet's ``RT @x`` included.
    kind : str
        The post's ``kind``; a ``retweet`` has no mention targets.
    is_reply : bool, optional
        Whether the post replies (default: ``kind == "reply"``); only a reply's leading
        ``@handle`` run is left out.

    Returns
    -------
    list of str
        The handles as given in ``mentions`` (each once, case-insensitively).

    Examples
    --------
    >>> mention_targets("@ann @bob thanks, and hi @carl", ["ann", "bob", "carl"], "reply")
    ['carl']
    >>> mention_targets("@ann thanks! cc @ann", ["ann"], "reply")
    ['ann']
    >>> mention_targets("@ann welcome!", ["ann"], "original")
    ['ann']
    >>> mention_targets("RT @ann: hi @carl", ["ann", "carl"], "retweet")
    []
    """
    if kind == "retweet" or not mentions:
        return []
    if is_reply is None:
        is_reply = kind == "reply"
    leading, body = leading_mentions(text) if is_reply else ([], text or "")
    lead = set(leading) | {_local(h) for h in leading}
    out: list[str] = []
    seen: set[str] = set()
    for handle in mentions:
        if not handle:
            continue
        handle = handle.lstrip("@＠")
        low = handle.lower()
        if low in seen:
            continue
        seen.add(low)
        if (low in lead or _local(low) in lead) and not _mentioned_in(low, body):
            continue
        out.append(handle)
    return out


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


def _text(v: Any) -> str | None:
    v = _value(v)
    if v is None:
        return None
    v = str(v)
    return v or None


_REQUIRED = ("platform", "post_id", "author_id", "kind", "created_at")


def _unique_posts(posts: pd.DataFrame) -> pd.DataFrame:
    """Posts each once per (platform, post_id), the selection's own copy preferred."""
    missing = [c for c in _REQUIRED if c not in posts.columns]
    if missing:
        raise ValueError(f"not a canonical posts frame: missing {', '.join(missing)}")
    frame = posts
    if "is_context" not in frame.columns:
        frame = frame.assign(is_context=False)
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
        v = _text(v)
        if v:
            out.add(v)
            out.add(v.lstrip("@＠").lower())
    return out


class _Keys:
    """Node keys: ids, handles resolved to ids, per platform."""

    def __init__(self, posts: pd.DataFrame, profiles: pd.DataFrame | None) -> None:
        self.multi = posts["platform"].nunique(dropna=True) > 1
        self.by_handle: dict[tuple[str, str], str] = {}
        self.handle: dict[tuple[str, str], str] = {}
        self.name: dict[tuple[str, str], str] = {}
        # lowest priority first: replied-to pairs, then posts oldest to newest, then profiles
        if "reply_to_author_id" in posts.columns and "reply_to_handle" in posts.columns:
            for platform, aid, handle in zip(posts["platform"], posts["reply_to_author_id"],
                                             posts["reply_to_handle"], strict=True):
                self._learn(_text(platform), _text(aid), _text(handle), None)
        ordered = posts.sort_values(["created_at", "post_id"], kind="stable")
        names = ordered["author_name"] if "author_name" in ordered.columns else [None] * len(ordered)
        handles = ordered["author_handle"] if "author_handle" in ordered.columns else [None] * len(ordered)
        for platform, aid, handle, name in zip(ordered["platform"], ordered["author_id"], handles,
                                               names, strict=True):
            self._learn(_text(platform), _text(aid), _text(handle), _text(name))
        if profiles is not None and len(profiles):
            prof = profiles
            if "snapshot_at" in prof.columns:
                prof = prof.sort_values("snapshot_at", kind="stable", na_position="first")
            for platform, aid, handle, name in zip(prof["platform"], prof["account_id"], prof["handle"],
                                                   prof["name"], strict=True):
                self._learn(_text(platform), _text(aid), _text(handle), _text(name))

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
        return f"{platform}:{aid}" if self.multi else aid

    def of_handle(self, platform: str, handle: str) -> str:
        handle = handle.lstrip("@＠")
        aid = self.by_handle.get((platform, handle.lower()))
        if aid is not None:
            return self.of_id(platform, aid)
        key = f"handle:{handle.lower()}"
        return f"{platform}:{key}" if self.multi else key


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
        Partition stored in the ``community`` node attribute (see :func:`communities`).
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
    frame = _unique_posts(posts)
    keys = _Keys(frame, profiles)
    own_mask = ~frame["is_context"].fillna(False).astype(bool)
    own = frame[own_mask]

    author_of: dict[tuple[str, str], str] = {}  # (platform, post id) -> author id
    for platform, pid, aid in zip(frame["platform"], frame["post_id"], frame["author_id"], strict=True):
        platform, pid, aid = _text(platform), _text(pid), _text(aid)
        if platform and pid and aid:
            author_of[(platform, pid)] = aid

    # node facts from the own posts
    node_posts: Counter[str] = Counter()
    first: dict[str, Any] = {}
    platform_of: dict[str, str] = {}
    label_of: dict[str, str] = {}
    ids_of: dict[str, str] = {}
    edges: dict[tuple[str, str], Counter[str]] = {}

    def add(source: str, target: str | None, etype: str) -> None:
        if target is None or (source == target and not self_loops):
            return
        edges.setdefault((source, target), Counter())[etype] += 1

    def handle_node(platform: str, handle: str) -> str:
        handle = handle.lstrip("@＠")
        aid = keys.by_handle.get((platform, handle.lower()))
        if aid is not None:
            return id_node(platform, aid)
        key = keys.of_handle(platform, handle)
        platform_of.setdefault(key, platform)
        label_of.setdefault(key, handle)
        return key

    def id_node(platform: str, aid: str) -> str:
        key = keys.of_id(platform, aid)
        platform_of.setdefault(key, platform)
        ids_of.setdefault(key, aid)
        return key

    cols = {c: own[c] if c in own.columns else [None] * len(own) for c in (
        "platform", "author_id", "created_at", "kind", "text", "mentions", "urls", "is_quote",
        "reply_to_post_id", "reply_to_author_id", "reply_to_handle", "quoted_post_id",
        "retweeted_post_id", "origin")}
    for (platform, aid, created, pkind, text, mentions, urls, is_quote, r_post, r_author, r_handle,
         q_post, rt_post, origin) in zip(*cols.values(), strict=True):
        platform, aid = _text(platform), _text(aid)
        if not platform or not aid:
            continue
        pkind = _text(pkind) or "original"
        text = _text(text)
        src = id_node(platform, aid)
        node_posts[src] += 1
        created = _value(created)
        if created is not None and (src not in first or created < first[src]):
            first[src] = created
        r_post, r_author, r_handle = _text(r_post), _text(r_author), _text(r_handle)
        is_reply = pkind != "retweet" and bool(pkind == "reply" or r_post or r_author)
        if pkind == "retweet":
            target = None
            rt_post = _text(rt_post)
            if rt_post and (platform, rt_post) in author_of:
                target = id_node(platform, author_of[(platform, rt_post)])
            else:
                match = _RT.match(text or "")
                handle = match.group(1) if match else None
                if not handle and mentions is not None and len(mentions):
                    handle = mentions[0]
                if handle:
                    target = handle_node(platform, handle)
            add(src, target, "retweet")
            continue
        if is_reply:
            target = None
            if r_author:
                target = id_node(platform, r_author)
            elif r_post and (platform, r_post) in author_of:
                target = id_node(platform, author_of[(platform, r_post)])
            elif r_handle:
                target = handle_node(platform, r_handle)
            add(src, target, "reply")
        q_post = _text(q_post)
        links = [m for m in (_STATUS_URL.match(u or "") for u in (urls if urls is not None else ())) if m]
        if not q_post and links and platform == "x" and _without_quotes(origin):
            # a source that does not record quotes (a TAGS sheet): an X post quoting another
            # carries the quoted post's permalink as a link
            q_post = links[0].group(2)
        if q_post or pkind == "quote" or bool(_value(is_quote)):
            target = None
            if q_post and (platform, q_post) in author_of:
                target = id_node(platform, author_of[(platform, q_post)])
            else:
                for m in links:
                    if m.group(2) == q_post:
                        target = handle_node(platform, m.group(1))
                        break
            add(src, target, "quote")
        targets = {handle_node(platform, h) for h in mention_targets(
            text, list(mentions) if mentions is not None else [], pkind, is_reply=is_reply)}
        for target in sorted(targets):
            add(src, target, "mention")

    G = nx.DiGraph()
    nodes = set(node_posts)
    for (u, v), counts in edges.items():
        if kind == "all" or counts[kind]:
            nodes.update((u, v))
    host_flags, new_flags = _flags(hosts), _flags(newcomers)
    for key in sorted(nodes):
        platform = platform_of.get(key, "")
        aid = ids_of.get(key)
        handle = keys.handle.get((platform, aid)) if aid else None
        handle = handle or label_of.get(key)
        attrs: dict[str, Any] = {"label": handle or key}
        if handle:
            attrs["handle"] = handle
        name = keys.name.get((platform, aid)) if aid else None
        if name:
            attrs["name"] = name
        if platform:
            attrs["platform"] = platform
        attrs["posts"] = int(node_posts.get(key, 0))
        if key in first:
            attrs["first_post"] = _iso(first[key])
        marks = {key, aid or "", (handle or "").lower()} - {""}
        attrs["host"] = bool(marks & host_flags)
        attrs["newcomer"] = bool(marks & new_flags)
        G.add_node(key, **attrs)
    for (u, v) in sorted(edges):
        counts = edges[(u, v)]
        if kind != "all":
            if not counts[kind]:
                continue
            counts = Counter({kind: counts[kind]})
        data = {t: int(counts[t]) for t in EDGE_TYPES}
        data["weight"] = sum(data.values())
        G.add_edge(u, v, **data)

    G.graph.update({
        "kind": kind,
        "directed": True,
        "self_loops": bool(self_loops),
        "edge_rules": EDGE_RULES.format(self_loops="kept" if self_loops else "left out"),
    })
    for k, v in (meta or {}).items():
        v = _value(v)
        if v is not None:
            G.graph[k] = _scalar(v)
    if community:
        parts = communities(G, method=community, seed=seed)
        for i, part in enumerate(parts):
            for node in part:
                G.nodes[node]["community"] = i
        G.graph["community_method"] = community
        G.graph["seed"] = int(seed)
    return G


def _iso(value: Any) -> str:
    from datetime import datetime

    from .schema import iso_utc

    if hasattr(value, "to_pydatetime"):
        value = value.to_pydatetime()
    if isinstance(value, datetime):
        return iso_utc(value)
    return str(value)


def _scalar(value: Any) -> str | int | float | bool:
    if isinstance(value, bool | int | float | str):
        return value
    if hasattr(value, "isoformat"):
        return _iso(value)
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, list | tuple | set):
        return ", ".join(str(v) for v in value)
    return str(value)


def _chat_meta(chat: Chat) -> dict[str, Any]:
    own = chat.own_posts.drop_duplicates(["platform", "post_id"])
    meta: dict[str, Any] = {"generator": "swchat"}
    meta["generator"] = f"swchat {__version__}"
    parts = []
    if chat.session_id:
        meta["session_id"] = chat.session_id
        parts.append(f"session {chat.session_id}")
    if chat.hashtag:
        meta["hashtag"] = chat.hashtag
        parts.append(f"#{chat.hashtag}")
    for key in ("since", "until"):
        if chat.meta.get(key):
            meta[key] = _scalar(chat.meta[key])
            parts.append(f"{key} {meta[key]}")
    if len(own):
        meta["first_post"] = _iso(own["created_at"].min())
        meta["last_post"] = _iso(own["created_at"].max())
        meta["platforms"] = ", ".join(sorted(set(own["platform"].dropna())))
        parts.append(f"posts {meta['first_post']} to {meta['last_post']}")
    meta["posts"] = len(own)
    meta["selection"] = "; ".join(parts) or "all posts"
    return meta


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
    frame = _unique_posts(posts)
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
            tag = _text(tag)
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
# communities
# --------------------------------------------------------------------------------------
def undirected(G: nx.Graph) -> nx.Graph:
    """The undirected weighted projection of a graph, without self-loops.

    The weight of ``{u, v}`` is the sum of the ``weight`` of ``u → v`` and ``v → u``
    (an edge without ``weight`` counts 1). Node attributes are kept.

    Examples
    --------
    >>> D = nx.DiGraph([("a", "b", {"weight": 2}), ("b", "a", {"weight": 1}), ("a", "a", {"weight": 5})])
    >>> list(undirected(D).edges(data="weight"))
    [('a', 'b', 3)]
    """
    U = nx.Graph()
    U.add_nodes_from(G.nodes(data=True))
    for u, v, w in G.edges(data="weight", default=1):
        if u == v:
            continue
        if U.has_edge(u, v):
            U[u][v]["weight"] += w
        else:
            U.add_edge(u, v, weight=w)
    return U


def communities(G: nx.Graph, method: str = "louvain", seed: int = DEFAULT_SEED,
                resolution: float = 1.0) -> list[set[str]]:
    """Communities of a graph, found on its undirected weighted projection.

    - ``"louvain"``: Blondel, Guillaume, Lambiotte & Lefebvre (2008), "Fast unfolding of
      communities in large networks" (:func:`networkx.community.louvain_communities`, seeded,
      so the same graph and seed give the same communities);
    - ``"cnm"``: Clauset, Newman & Moore (2004), "Finding community structure in very large
      networks" — NodeXL's choice (:func:`networkx.community.greedy_modularity_communities`).

    Parameters
    ----------
    G : networkx.Graph or DiGraph
        The network (projected with :func:`undirected`).
    method : {"louvain", "cnm"}
    seed : int
        Seed for Louvain.
    resolution : float
        Modularity resolution (1 = standard modularity).

    Returns
    -------
    list of set
        Every node in exactly one community (isolates alone); largest first, ties by the
        smallest key, so community ``i`` of the ``community`` node attribute is ``result[i]``.

    Examples
    --------
    >>> G = nx.barbell_graph(4, 0)
    >>> [sorted(c) for c in communities(G)]
    [[0, 1, 2, 3], [4, 5, 6, 7]]
    """
    if method not in ("louvain", "cnm"):
        raise ValueError(f"method must be 'louvain' or 'cnm', not {method!r}")
    U = undirected(G)
    # a canonical node order makes the result independent of insertion order
    C = nx.Graph()
    C.add_nodes_from(sorted(U.nodes, key=str))
    C.add_weighted_edges_from(sorted(((u, v, w) if str(u) <= str(v) else (v, u, w))
                                     for u, v, w in U.edges(data="weight")), weight="weight")
    if C.number_of_edges() == 0:
        parts = [{n} for n in C.nodes]
    elif method == "louvain":
        parts = nx.community.louvain_communities(C, weight="weight", seed=seed, resolution=resolution)
    else:
        parts = nx.community.greedy_modularity_communities(C, weight="weight", resolution=resolution)
    return sorted((set(p) for p in parts), key=lambda p: (-len(p), min(str(n) for n in p)))


def _partition(G: nx.Graph, parts: Iterable[Iterable[str]] | Mapping[str, int] | None,
               seed: int = DEFAULT_SEED) -> list[set[str]]:
    """A partition: given, from the ``community`` node attribute, or Louvain."""
    if parts is None:
        values = dict(G.nodes(data="community"))
        if values and all(v is not None for v in values.values()):
            groups: dict[Any, set[str]] = {}
            for node, c in values.items():
                groups.setdefault(c, set()).add(node)
            return [groups[c] for c in sorted(groups)]
        return communities(G, seed=seed)
    if isinstance(parts, Mapping):
        groups = {}
        for node, c in parts.items():
            groups.setdefault(c, set()).add(node)
        return [groups[c] for c in sorted(groups)]
    return [set(p) for p in parts]


def _modularity(U: nx.Graph, parts: list[set[str]]) -> float | None:
    if U.size(weight="weight") == 0:
        return None
    return float(nx.community.modularity(U, parts, weight="weight"))


# --------------------------------------------------------------------------------------
# metrics
# --------------------------------------------------------------------------------------
def _adjacency(G: nx.Graph, nodes: list[Any]) -> Any:
    """The 0/1 symmetric adjacency (scipy CSR) of a graph's simple undirected projection."""
    import numpy as np
    import scipy.sparse as sp

    index = {v: i for i, v in enumerate(nodes)}
    pairs = {(index[u], index[v]) for u, v in G.edges if u != v and u in index and v in index}
    rows = np.fromiter((a for a, _ in pairs), dtype=np.int64, count=len(pairs))
    cols = np.fromiter((b for _, b in pairs), dtype=np.int64, count=len(pairs))
    n = len(nodes)
    A = sp.coo_matrix((np.ones(len(pairs)), (rows, cols)), shape=(n, n)).tocsr()
    A = A + A.T
    A.data[:] = 1.0
    return A


def _bfs_batches(A: Any, sources: list[int]) -> Any:
    """Breadth-first searches from many sources at once (sparse matrix products).

    Yields ``(sources, depth, sigma, last_level)`` per batch: ``depth[i, v]`` is the distance
    from ``sources[i]`` to ``v`` (-1 when unreachable) and ``sigma[i, v]`` the number of
    shortest paths between them.
    """
    import numpy as np

    n = A.shape[0]
    batch = max(1, min(256, 4_000_000 // max(n, 1)))
    for start in range(0, len(sources), batch):
        src = np.asarray(sources[start:start + batch], dtype=np.int64)
        rows = np.arange(len(src))
        sigma = np.zeros((len(src), n))
        sigma[rows, src] = 1.0
        depth = np.full((len(src), n), -1, dtype=np.int32)
        depth[rows, src] = 0
        frontier = sigma.copy()
        level = 0
        while True:
            level += 1
            reach = np.asarray(A @ frontier.T).T
            reach[depth >= 0] = 0.0
            found = reach > 0
            if not found.any():
                break
            depth[found] = level
            sigma += reach
            frontier = reach
        yield src, depth, sigma, level - 1


def _sample(nodes: list[int], k: int, seed: int) -> list[int]:
    import random

    return sorted(random.Random(seed).sample(nodes, k))


def _geodesics(U: nx.Graph, seed: int) -> tuple[int | None, float | None, bool]:
    """Diameter and mean geodesic distance of the largest component of an undirected graph."""
    if U.number_of_nodes() == 0:
        return None, None, True
    largest = max(nx.connected_components(U), key=lambda c: (len(c), sorted(map(str, c))[:1]))
    if len(largest) < 2:
        return 0, 0.0, True
    nodes = sorted(largest, key=str)
    A = _adjacency(U, nodes)
    exact = len(nodes) <= GEODESIC_EXACT_MAX
    sources = list(range(len(nodes))) if exact else _sample(list(range(len(nodes))), GEODESIC_SAMPLES, seed)
    total = pairs = diameter = 0
    for _, depth, _, last in _bfs_batches(A, sources):
        total += int(depth.sum()) + 0  # all reachable: no -1 inside one component
        pairs += depth.size - depth.shape[0]
        diameter = max(diameter, last)
    return int(diameter), (total / pairs if pairs else 0.0), exact


def _centralization(degrees: list[int]) -> float | None:
    """Freeman degree centralisation of a directed graph's in- or out-degrees (0..1)."""
    n = len(degrees)
    if n < 2:
        return None
    top = max(degrees)
    return float(sum(top - d for d in degrees) / ((n - 1) ** 2))


def graph_metrics(G: nx.Graph, communities: Iterable[Iterable[str]] | Mapping[str, int] | None = None,
                  *, seed: int = DEFAULT_SEED) -> dict[str, Any]:
    """The graph table: NodeXL's "Overall metrics" of a network.

    Parameters
    ----------
    G : networkx.DiGraph or Graph
        A participant network (:func:`build_network`) or any weighted graph.
    communities : list of sets or mapping node → community, optional
        The partition whose modularity is reported; default the ``community`` node attribute,
        else Louvain (seeded).
    seed : int
        Seed for Louvain and for sampled geodesics on very large components.

    Returns
    -------
    dict
        - ``graph_type`` ("directed"/"undirected"), ``vertices``;
        - ``unique_edges``, ``total_edges`` (distinct ordered pairs, and the sum of ``weight``),
          and ``unique_edges_<type>`` / ``total_edges_<type>`` for each edge type present;
        - ``self_loops``;
        - ``reciprocated_vertex_pair_ratio`` (pairs joined both ways / pairs joined at all) and
          ``reciprocated_edge_ratio`` (edges whose reverse exists / edges), NodeXL's definitions,
          self-loops left out (directed graphs only);
        - ``connected_components`` (weakly connected), ``single_vertex_components``,
          ``largest_component_vertices``, ``largest_component_edges``,
          ``largest_component_share`` (of the vertices), ``isolates``, ``isolate_share``;
        - ``density``: unique edges without self-loops / n(n−1) (directed) or n(n−1)/2;
        - ``communities``, ``modularity`` (Newman's weighted modularity of the partition on the
          undirected weighted projection; ``None`` without edges);
        - ``diameter`` and ``mean_geodesic_distance`` of the largest component, undirected and
          unweighted (as NodeXL), ``geodesics_exact``;
        - ``in_degree_centralization``, ``out_degree_centralization``: Freeman's degree
          centralisation Σ(max − dᵢ)/(n − 1)² over distinct neighbours (``degree_centralization``
          for an undirected graph).

    Examples
    --------
    >>> G = nx.DiGraph([("a", "b", {"weight": 2}), ("b", "a", {"weight": 1}), ("b", "c", {"weight": 1})])
    >>> m = graph_metrics(G, communities=[{"a", "b", "c"}])
    >>> m["vertices"], m["unique_edges"], m["total_edges"], m["reciprocated_vertex_pair_ratio"]
    (3, 3, 4, 0.5)
    >>> m["diameter"], round(m["mean_geodesic_distance"], 3), round(m["density"], 3)
    (2, 1.333, 0.5)
    """
    directed = G.is_directed()
    n = G.number_of_nodes()
    loops = nx.number_of_selfloops(G)
    out: dict[str, Any] = {
        "graph_type": "directed" if directed else "undirected",
        "vertices": n,
        "unique_edges": G.number_of_edges(),
        "total_edges": _num(G.size(weight="weight")),
    }
    for etype in EDGE_TYPES:
        if any(etype in d for _, _, d in G.edges(data=True)):
            values = [d.get(etype, 0) for _, _, d in G.edges(data=True)]
            out[f"unique_edges_{etype}"] = sum(1 for v in values if v)
            out[f"total_edges_{etype}"] = _num(sum(values))
    out["self_loops"] = loops
    m = G.number_of_edges() - loops
    if directed:
        pairs = {frozenset((u, v)) for u, v in G.edges if u != v}
        both = sum(1 for p in pairs if len(p) == 2 and all(G.has_edge(a, b) for a in p for b in p if a != b))
        out["reciprocated_vertex_pair_ratio"] = both / len(pairs) if pairs else None
        out["reciprocated_edge_ratio"] = 2 * both / m if m else None
        components = list(nx.weakly_connected_components(G))
    else:
        components = list(nx.connected_components(G))
    largest = max(components, key=len) if components else set()
    isolates = sum(1 for node in G if G.degree(node) - (2 if G.has_edge(node, node) else 0) == 0)
    out.update({
        "connected_components": len(components),
        "single_vertex_components": sum(1 for c in components if len(c) == 1),
        "largest_component_vertices": len(largest),
        "largest_component_edges": G.subgraph(largest).number_of_edges(),
        "largest_component_share": len(largest) / n if n else None,
        "isolates": isolates,
        "isolate_share": isolates / n if n else None,
    })
    possible = n * (n - 1) if directed else n * (n - 1) / 2
    out["density"] = m / possible if possible else None
    U = undirected(G)
    parts = _partition(G, communities, seed=seed)
    out["communities"] = len(parts)
    out["modularity"] = _modularity(U, parts)
    diameter, mean, exact = _geodesics(U, seed)
    out["diameter"] = diameter
    out["mean_geodesic_distance"] = mean
    out["geodesics_exact"] = exact
    c_in, c_out = _degree_centralizations(G)
    if directed:
        out["in_degree_centralization"] = c_in
        out["out_degree_centralization"] = c_out
    else:
        out["degree_centralization"] = c_in
    return out


def _num(value: float) -> int | float:
    return int(value) if float(value).is_integer() else float(value)


def betweenness(G: nx.Graph, *, k: int | None = None, seed: int = DEFAULT_SEED) -> dict[str, float]:
    """Betweenness centrality as NodeXL reports it.

    Shortest paths ignore edge direction and weight (NodeXL: "the direction of individual
    edges is not taken into account when the shortest paths are determined"); values are raw
    numbers of shortest paths between other pairs through a node, each unordered pair counted
    once and split over its shortest paths (Freeman 1977; Brandes 2001), not normalised —
    equal to ``networkx.betweenness_centrality(G.to_undirected(), normalized=False)``.

    Exact up to :data:`BETWEENNESS_EXACT_MAX` nodes; above, estimated from ``k`` (default
    :data:`BETWEENNESS_SAMPLES`) seeded random source nodes and scaled to the whole graph as
    networkx does (Brandes & Pich 2007). Brandes' algorithm runs for many sources at once
    as sparse matrix products (NumPy/SciPy), about ten times faster than the pure-Python one.

    Parameters
    ----------
    G : networkx.Graph or DiGraph
    k : int, optional
        Number of sampled sources (exact when ``None`` and the graph is small enough, or when
        ``k`` ≥ the number of nodes).
    seed : int
        Seed of the source sample.

    Examples
    --------
    >>> betweenness(nx.DiGraph([("a", "b"), ("c", "b")]))
    {'a': 0.0, 'b': 1.0, 'c': 0.0}
    """
    import numpy as np

    nodes = list(G.nodes)
    n = len(nodes)
    if n < 3:
        return dict.fromkeys(nodes, 0.0)
    if k is None and n > BETWEENNESS_EXACT_MAX:
        k = BETWEENNESS_SAMPLES
    if k is not None and k >= n:
        k = None
    A = _adjacency(G, nodes)
    everyone = list(range(n))
    sources = everyone if k is None else _sample(everyone, k, seed)
    total = np.zeros(n)
    for src, depth, sigma, last in _bfs_batches(A, sources):
        delta = np.zeros_like(sigma)
        safe = np.where(sigma > 0, sigma, 1.0)
        for level in range(last, 0, -1):
            coef = np.where(depth == level, (1.0 + delta) / safe, 0.0)
            back = np.asarray(A @ coef.T).T
            delta += np.where(depth == level - 1, sigma * back, 0.0)
        delta[np.arange(len(src)), src] = 0.0
        total += delta.sum(axis=0)
    if k is None:
        total /= 2.0  # each unordered pair was counted from both ends
    else:  # networkx's estimate without endpoints: sources cannot lie between themselves
        sampled = np.zeros(n, dtype=bool)
        sampled[sources] = True
        total *= np.where(sampled, (n - 1) / ((k - 1) * 2.0) if k > 1 else 0.0, (n - 1) / (k * 2.0))
    return {node: float(total[i]) for i, node in enumerate(nodes)}


def account_metrics(G: nx.DiGraph, sort: str = "pagerank", *, seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """One row per node of a participant network with its activity and centrality.

    Columns: ``id``, ``handle``, ``name``, ``posts``, ``first_post``, ``host``, ``newcomer``,
    ``community``, ``in_degree`` / ``out_degree`` (distinct accounts linking in / out),
    ``in_strength`` / ``out_strength`` (sum of ``weight``), ``in_<type>`` / ``out_<type>`` for
    each edge type (weighted), ``pagerank`` (Brin & Page 1998, damping 0.85, weighted by
    ``weight``; dangling accounts spread uniformly, as :func:`networkx.pagerank`), and
    ``betweenness`` (see :func:`betweenness`).

    Parameters
    ----------
    G : networkx.DiGraph
        A participant network.
    sort : str
        Column to sort by, descending (ties by handle).

    Examples
    --------
    >>> G = nx.DiGraph()
    >>> G.add_edge("a", "b", reply=2, mention=0, retweet=0, quote=0, weight=2)
    >>> account_metrics(G)[["id", "in_strength", "in_reply", "out_reply"]].to_dict("records")[0]
    {'id': 'b', 'in_strength': 2, 'in_reply': 2, 'out_reply': 0}
    """
    import pandas as pd

    pagerank = nx.pagerank(G, alpha=0.85, weight="weight", tol=1e-10, max_iter=1000) if len(G) else {}
    between = betweenness(G, seed=seed)
    rows = []
    for node, attrs in G.nodes(data=True):
        row: dict[str, Any] = {
            "id": node,
            "handle": attrs.get("handle"),
            "name": attrs.get("name"),
            "posts": attrs.get("posts", 0),
            "first_post": attrs.get("first_post"),
            "host": attrs.get("host", False),
            "newcomer": attrs.get("newcomer", False),
            "community": attrs.get("community"),
            "in_degree": G.in_degree(node) if G.is_directed() else G.degree(node),
            "out_degree": G.out_degree(node) if G.is_directed() else G.degree(node),
        }
        ins = G.in_edges(node, data=True) if G.is_directed() else G.edges(node, data=True)
        outs = G.out_edges(node, data=True) if G.is_directed() else G.edges(node, data=True)
        ins, outs = list(ins), list(outs)
        row["in_strength"] = _num(sum(d.get("weight", 1) for *_, d in ins))
        row["out_strength"] = _num(sum(d.get("weight", 1) for *_, d in outs))
        for etype in EDGE_TYPES:
            row[f"in_{etype}"] = _num(sum(d.get(etype, 0) for *_, d in ins))
            row[f"out_{etype}"] = _num(sum(d.get(etype, 0) for *_, d in outs))
        row["pagerank"] = float(pagerank.get(node, 0.0))
        row["betweenness"] = between.get(node, 0.0)
        rows.append(row)
    columns = ["id", "handle", "name", "posts", "first_post", "host", "newcomer", "community",
               "in_degree", "out_degree", "in_strength", "out_strength",
               *[f"{d}_{t}" for t in EDGE_TYPES for d in ("in", "out")], "pagerank", "betweenness"]
    frame = pd.DataFrame(rows, columns=columns)
    frame["community"] = frame["community"].astype("Int64")
    if sort:
        if sort not in frame.columns:
            raise ValueError(f"cannot sort by {sort!r}; choose one of {', '.join(columns)}")
        frame["_h"] = frame["handle"].fillna(frame["id"]).str.lower()
        frame = frame.sort_values([sort, "_h"], ascending=[False, True], kind="stable").drop(columns="_h")
    return frame.reset_index(drop=True)


def account_table(chat: Chat, kind: str = "all", sort: str = "pagerank", **options: Any) -> pd.DataFrame:
    """One row per account of a chat's network: activity, degrees, strengths, PageRank, betweenness.

    See :func:`account_metrics` for the columns; ``community`` is Louvain's (``community="cnm"``
    for Clauset-Newman-Moore).

    Parameters
    ----------
    chat : Chat
        The selection.
    kind : {"all", "reply", "mention", "retweet", "quote"}
        The network to measure.
    sort : str
        Column to sort by, descending.
    **options
        Passed to :func:`chat_network` (``self_loops``, ``community``, ``seed``).

    Examples
    --------
    >>> from swchat import Chat
    >>> from swchat.schema import new_post, posts_frame
    >>> chat = Chat(posts=posts_frame([
    ...     new_post(platform="x", post_id="2", author_id="8", author_handle="bob", kind="reply",
    ...              created_at="2026-09-02T19:01:00.000Z", text="@ann yes",
    ...              reply_to_author_id="9", reply_to_handle="ann")]))
    >>> account_table(chat)[["handle", "posts", "in_reply"]].values.tolist()
    [['ann', 0, 1], ['bob', 1, 0]]
    """
    G = chat_network(chat, kind=kind, **options)
    return account_metrics(G, sort=sort, seed=options.get("seed", DEFAULT_SEED))


def with_metrics(G: nx.DiGraph, *, seed: int = DEFAULT_SEED) -> nx.DiGraph:
    """A copy of a participant network with the account metrics as node attributes.

    Adds ``in_degree``, ``out_degree``, ``in_strength``, ``out_strength``, ``pagerank`` and
    ``betweenness`` to every node, so Gephi and other tools can size and filter by them.

    Examples
    --------
    >>> H = with_metrics(nx.DiGraph([("a", "b", {"weight": 1})]))
    >>> H.nodes["b"]["in_strength"], round(H.nodes["b"]["pagerank"], 3)
    (1, 0.649)
    """
    table = account_metrics(G, sort="", seed=seed)
    H = G.copy()
    for row in table.itertuples(index=False):
        H.nodes[row.id].update({
            "in_degree": int(row.in_degree), "out_degree": int(row.out_degree),
            "in_strength": row.in_strength, "out_strength": row.out_strength,
            "pagerank": float(row.pagerank), "betweenness": float(row.betweenness),
        })
    return H


def brokers(G: nx.Graph, communities: Iterable[Iterable[str]] | Mapping[str, int] | None = None,
            top: int = 10, *, seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """Accounts that bridge communities: the highest betweenness among those whose neighbours
    (ignoring direction) belong to more than one community.

    Parameters
    ----------
    G : networkx.DiGraph or Graph
    communities : partition, optional
        Default the ``community`` node attribute, else Louvain.
    top : int
        How many to return.

    Returns
    -------
    pandas.DataFrame
        ``id``, ``handle``, ``community``, ``neighbour_communities`` (how many communities its
        neighbours span) and ``betweenness``, highest first; accounts with zero betweenness are
        left out.

    Examples
    --------
    >>> G = nx.barbell_graph(4, 0)
    >>> brokers(G)["id"].tolist()
    [3, 4]
    """
    import pandas as pd

    parts = _partition(G, communities, seed=seed)
    member = {node: i for i, part in enumerate(parts) for node in part}
    between = betweenness(G, seed=seed)
    U = undirected(G)
    rows = []
    for node in U:
        spans = {member.get(nb) for nb in U.neighbors(node)}
        if len(spans) > 1 and between.get(node, 0) > 0:
            rows.append({"id": node, "handle": G.nodes[node].get("handle"), "community": member.get(node),
                         "neighbour_communities": len(spans), "betweenness": between[node]})
    frame = pd.DataFrame(rows, columns=["id", "handle", "community", "neighbour_communities", "betweenness"])
    if len(frame):
        frame["_k"] = frame["id"].astype(str)
        frame = frame.sort_values(["betweenness", "_k"], ascending=[False, True], kind="stable")
        frame = frame.drop(columns="_k")
    return frame.head(top).reset_index(drop=True)


# --------------------------------------------------------------------------------------
# shape
# --------------------------------------------------------------------------------------
#: The six structures of Smith, Rainie, Shneiderman & Himelboim (2014).
SHAPES: tuple[str, ...] = ("polarized crowd", "tight crowd", "brand clusters", "community clusters",
                           "broadcast network", "support network")

#: Thresholds of :func:`network_shape`'s heuristic (shares are of all vertices unless noted).
SHAPE_THRESHOLDS: dict[str, float] = {
    "brand_isolate_share": 0.40,             # this many isolates or more: brand clusters
    "brand_largest_component_share": 0.30,   # ... or a largest component this small
    "hub_centralization": 0.50,              # in-/out-degree centralisation of a hub-and-spoke network
    "hub_dominance": 2.0,                    # ... at least this many times the other direction's
    "polarized_two_share": 0.60,             # two largest groups hold this share of connected vertices
    "polarized_smaller_share": 0.20,         # ... the smaller of the two at least this share
    "polarized_between_share": 0.10,         # ... and at most this share of their edges join them
    "clustered_modularity": 0.50,            # modularity at or above which groups are separate
    "clustered_groups": 3,                   # ... with at least this many sizeable groups
    "sizeable_group_share": 0.05,            # a group is sizeable from this share of connected vertices
    "sizeable_group_min": 3,                 # ... and at least this many vertices
}


def _degree_centralizations(G: nx.Graph) -> tuple[float | None, float | None]:
    """Freeman in- and out-degree centralisation (distinct neighbours, self-loops left out)."""
    simple = [(u, v) for u, v in G.edges if u != v]
    if G.is_directed():
        indeg: Counter[Any] = Counter(v for _, v in simple)
        outdeg: Counter[Any] = Counter(u for u, _ in simple)
        return (_centralization([indeg[v] for v in G]), _centralization([outdeg[v] for v in G]))
    deg: Counter[Any] = Counter()
    for u, v in simple:
        deg[u] += 1
        deg[v] += 1
    n = G.number_of_nodes()
    # undirected maximum is (n-1)(n-2); rescale the directed formula's (n-1)^2
    c = _centralization([deg[v] for v in G])
    c = c * (n - 1) / (n - 2) if c is not None and n > 2 else c
    return c, c


def network_shape(G: nx.Graph, communities: Iterable[Iterable[str]] | Mapping[str, int] | None = None,
                  *, thresholds: Mapping[str, float] | None = None,
                  seed: int = DEFAULT_SEED) -> dict[str, Any]:
    """Classify a network into one of the six structures of Smith et al. (2014).

    Smith, Rainie, Shneiderman & Himelboim (2014), "Mapping Twitter Topic Networks: From
    Polarized Crowds to Community Clusters" (Pew Research Center / Social Media Research
    Foundation) describe six shapes of Twitter topic networks. They told them apart by eye
    from NodeXL maps; this is a documented heuristic on the numbers behind those pictures,
    checked in this order (thresholds in :data:`SHAPE_THRESHOLDS`):

    1. **brand clusters** — "many isolated participants": isolate share ≥ 0.40, or the
       largest component holds < 30 % of the vertices;
    2. **broadcast network** — a hub that many accounts point *to* (retweet, reply to,
       mention): in-degree centralisation ≥ 0.50 and ≥ 2 × the out-degree centralisation;
    3. **support network** — a hub that reaches *out* to many (an account answering
       questions): out-degree centralisation ≥ 0.50 and ≥ 2 × the in-degree centralisation;
    4. **polarized crowd** — "two large, dense groups with little connection between them":
       the two largest communities hold ≥ 60 % of the connected vertices, the smaller of them
       ≥ 20 %, and ≤ 10 % of the edge weight within and between the two joins them;
    5. **community clusters** — "many medium-sized groups": modularity ≥ 0.50 with at least
       three sizeable groups (each ≥ 5 % of the connected vertices and ≥ 3 vertices);
    6. **tight crowd** — otherwise: one interconnected crowd with few isolates.

    Centralisation is Freeman's (1979) degree centralisation, Σ(max − dᵢ) / (n − 1)², on
    distinct neighbours, over all vertices (as in :func:`graph_metrics`). Communities and
    modularity are those of the undirected weighted projection; isolates are left out of the
    group counts. Small sparse networks (a few dozen accounts) reach modularity 0.3–0.45 by
    chance alone, hence the high bar for community clusters.

    Parameters
    ----------
    G : networkx.DiGraph
        A participant network.
    communities : partition, optional
        Default the ``community`` node attribute, else Louvain (seeded).
    thresholds : mapping, optional
        Overrides for :data:`SHAPE_THRESHOLDS`.

    Returns
    -------
    dict
        ``shape`` (one of :data:`SHAPES`, or ``None`` for a graph without edges), ``reason``
        (one sentence with the deciding numbers), ``numbers`` (every value the rules looked
        at) and ``thresholds``.

    Examples
    --------
    >>> star = nx.DiGraph([(str(i), "hub") for i in range(10)])
    >>> network_shape(star)["shape"]
    'broadcast network'
    >>> network_shape(nx.barbell_graph(6, 0).to_directed())["shape"]
    'polarized crowd'
    >>> network_shape(nx.complete_graph(6).to_directed())["shape"]
    'tight crowd'
    """
    t = {**SHAPE_THRESHOLDS, **(thresholds or {})}
    n = G.number_of_nodes()
    isolates = {node for node in G if all(nb == node for nb in nx.all_neighbors(G, node))}
    connected = [node for node in G if node not in isolates]
    nc = len(connected)
    member_set = set(connected)
    parts = [p & member_set for p in _partition(G, communities, seed=seed)]
    parts = sorted((p for p in parts if p), key=lambda p: (-len(p), min(str(x) for x in p)))
    sizes = [len(p) for p in parts]
    U = undirected(G.subgraph(connected))
    modularity = _modularity(U, parts) if nc else None
    comps = list(nx.weakly_connected_components(G)) if G.is_directed() else list(nx.connected_components(G))
    largest = max((len(c) for c in comps), default=0)
    c_in, c_out = _degree_centralizations(G)
    c_in, c_out = c_in or 0.0, c_out or 0.0
    bar = max(t["sizeable_group_min"], t["sizeable_group_share"] * nc)
    sizeable = [s for s in sizes if s >= bar]
    two = (sizes[0] + sizes[1]) / nc if len(sizes) >= 2 and nc else 0.0
    smaller = sizes[1] / nc if len(sizes) >= 2 and nc else 0.0
    between = None
    if len(parts) >= 2:
        a, b = parts[0], parts[1]
        within = across = 0.0
        for u, v, w in U.edges(data="weight", default=1):
            if (u in a and v in b) or (u in b and v in a):
                across += w
            elif (u in a and v in a) or (u in b and v in b):
                within += w
        between = across / (within + across) if within + across else None
    numbers = {
        "vertices": n,
        "connected_vertices": nc,
        "isolates": len(isolates),
        "isolate_share": len(isolates) / n if n else 0.0,
        "largest_component_share": largest / n if n else 0.0,
        "modularity": modularity,
        "groups": len(sizes),
        "sizeable_groups": len(sizeable),
        "group_sizes": sizes[:10],
        "two_largest_share": two,
        "second_largest_share": smaller,
        "between_two_largest_share": between,
        "in_degree_centralization": c_in,
        "out_degree_centralization": c_out,
    }
    q = modularity or 0.0
    shape: str | None
    if nc == 0:
        shape, reason = None, "the network has no edges, so it has no shape"
    elif numbers["isolate_share"] >= t["brand_isolate_share"] or \
            numbers["largest_component_share"] < t["brand_largest_component_share"]:
        shape = "brand clusters"
        reason = (f"{numbers['isolate_share']:.0%} of accounts are isolates and the largest component "
                  f"holds {numbers['largest_component_share']:.0%}: many disconnected participants")
    elif c_in >= t["hub_centralization"] and c_in >= t["hub_dominance"] * c_out:
        shape = "broadcast network"
        reason = f"in-degree centralisation {c_in:.2f} (out {c_out:.2f}): many accounts point to a hub"
    elif c_out >= t["hub_centralization"] and c_out >= t["hub_dominance"] * c_in:
        shape = "support network"
        reason = f"out-degree centralisation {c_out:.2f} (in {c_in:.2f}): a hub reaches out to many"
    elif two >= t["polarized_two_share"] and smaller >= t["polarized_smaller_share"] and \
            between is not None and between <= t["polarized_between_share"]:
        shape = "polarized crowd"
        reason = (f"two groups hold {two:.0%} of connected accounts (the smaller {smaller:.0%}) and "
                  f"only {between:.0%} of their links join them: two separate crowds")
    elif q >= t["clustered_modularity"] and len(sizeable) >= t["clustered_groups"]:
        shape = "community clusters"
        reason = f"modularity {q:.2f} with {len(sizeable)} sizeable groups: several separate communities"
    else:
        shape = "tight crowd"
        reason = (f"modularity {q:.2f}, {numbers['isolate_share']:.0%} isolates, in/out-degree "
                  f"centralisation {c_in:.2f}/{c_out:.2f}: one interconnected crowd")
    return {"shape": shape, "reason": reason, "numbers": numbers, "thresholds": t}


# --------------------------------------------------------------------------------------
# communities of a chat, with their top items
# --------------------------------------------------------------------------------------
@dataclass
class Community:
    """One community of a chat's network and what its members posted (NodeXL's "top items per group").

    Attributes
    ----------
    id : int
        Its number (0 = largest), as in the ``community`` node attribute.
    size : int
        Accounts in it.
    posts : int
        Posts its members made in the selection.
    internal_edges, external_edges : int
        Unique edges within it, and between it and other communities (either direction).
    top_accounts : list of dict
        ``{"id", "handle", "in_strength", "pagerank"}``, by in-strength then PageRank.
    top_hashtags, top_words, top_word_pairs, top_links : list of [item, count]
        Most frequent items in the members' posts (counts are posts for hashtags and links,
        occurrences for words and word pairs).
    members : list of str
        Node keys of all members.
    """

    id: int
    size: int
    posts: int = 0
    internal_edges: int = 0
    external_edges: int = 0
    top_accounts: list[dict[str, Any]] = field(default_factory=list)
    top_hashtags: list[list[Any]] = field(default_factory=list)
    top_words: list[list[Any]] = field(default_factory=list)
    top_word_pairs: list[list[Any]] = field(default_factory=list)
    top_links: list[list[Any]] = field(default_factory=list)
    members: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready values."""
        return asdict(self)


@dataclass
class CommunityResult:
    """The communities of a chat's network (iterable, indexable, ``len``).

    Attributes
    ----------
    method : str
        ``"louvain"`` or ``"cnm"``.
    seed : int
    kind : str
        The network they were found in.
    modularity : float or None
    communities : list of Community
        Groups of at least ``min_size`` accounts, largest first.
    singletons : int
        Accounts alone in their group (mostly isolates), not listed.
    brokers : list of dict
        See :func:`brokers`.
    """

    method: str
    seed: int
    kind: str
    modularity: float | None
    communities: list[Community]
    singletons: int = 0
    brokers: list[dict[str, Any]] = field(default_factory=list)

    def __iter__(self):
        return iter(self.communities)

    def __len__(self) -> int:
        return len(self.communities)

    def __getitem__(self, i: int) -> Community:
        return self.communities[i]

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready values (what ``swchat communities --json`` prints)."""
        return {
            "method": self.method, "seed": self.seed, "kind": self.kind, "modularity": self.modularity,
            "singletons": self.singletons, "brokers": self.brokers,
            "communities": [c.as_dict() for c in self.communities],
        }


def chat_communities(chat: Chat, method: str = "louvain", seed: int = DEFAULT_SEED, *, kind: str = "all",
                     top: int = 10, min_size: int = 2, exclude_hashtags: Iterable[str] | None = None,
                     graph: nx.DiGraph | None = None) -> CommunityResult:
    """The communities of a chat's network, each with its top accounts and top items.

    Communities are found on the undirected weighted projection of :func:`chat_network`
    (Louvain: Blondel et al. 2008, seeded; CNM: Clauset, Newman & Moore 2004, NodeXL's
    choice). For each, as NodeXL's "top items per group": top accounts (in-strength, then
    PageRank), hashtags (posts, case-insensitive; the chat's own tag left out), words and word
    pairs (occurrences, tokenised by :func:`swchat.themes.tokenize`), and links (posts; links to
    other posts, as quotes carry, left out), over the posts its members made — retweets
    included, as NodeXL does, so a much-retweeted post weighs in its retweeters' groups.

    Parameters
    ----------
    chat : Chat
    method : {"louvain", "cnm"}
    seed : int
        Seed for Louvain.
    kind : {"all", "reply", "mention", "retweet", "quote"}
        The network to partition.
    top : int
        Items per list.
    min_size : int
        Smallest group listed (singletons are counted in ``singletons``).
    exclude_hashtags : iterable of str, optional
        Hashtags left out of ``top_hashtags`` (default: the chat's own).
    graph : networkx.DiGraph, optional
        The chat's network if it was already built by :func:`chat_network` with this ``kind``,
        ``method`` and ``seed`` (saves building it again).

    Examples
    --------
    >>> from swchat import Chat
    >>> from swchat.schema import new_post, posts_frame
    >>> rows = [new_post(platform="x", post_id=f"{a}{b}", author_id=a, author_handle="u" + a,
    ...                  created_at="2026-09-02T19:00:00.000Z", text=f"@u{b} social work rocks",
    ...                  mentions=["u" + b], hashtags=["SWChat"])
    ...         for a, b in [("1", "2"), ("2", "3"), ("3", "1"), ("4", "5"), ("5", "6"), ("6", "4")]]
    >>> result = chat_communities(Chat(posts=posts_frame(rows), hashtag="SWChat"))
    >>> [c.members for c in result], result[0].top_words[:2]
    ([['1', '2', '3'], ['4', '5', '6']], [['rocks', 3], ['social', 3]])
    """
    from . import themes

    G = graph if graph is not None else chat_network(chat, kind=kind, community=method, seed=seed)
    parts = _partition(G, None)
    U = undirected(G)
    modularity = _modularity(U, parts)
    table = account_metrics(G, sort="", seed=seed).set_index("id")
    own = _unique_posts(chat.posts)
    own = own[~own["is_context"].fillna(False).astype(bool)]
    keys = _Keys(own, chat.profiles)
    own = own.assign(_node=[keys.of_id(_text(p) or "", _text(a) or "")
                            for p, a in zip(own["platform"], own["author_id"], strict=True)])
    if exclude_hashtags is None:
        exclude_hashtags = [chat.hashtag] if chat.hashtag else []
    skip = {t.lstrip("#").lower() for t in exclude_hashtags if t}
    member = {node: i for i, part in enumerate(parts) for node in part}
    internal: Counter[int] = Counter()
    external: Counter[int] = Counter()
    for u, v in G.edges:
        if member[u] == member[v]:
            internal[member[u]] += 1
        else:
            external[member[u]] += 1
            external[member[v]] += 1
    out: list[Community] = []
    singletons = 0
    for i, part in enumerate(parts):
        if len(part) < min_size:
            singletons += len(part)
            continue
        mine = own[own["_node"].isin(part)]
        accounts = table.loc[sorted(part, key=str)]
        accounts = accounts.assign(_h=accounts["handle"].fillna("").str.lower()).sort_values(
            ["in_strength", "pagerank", "_h"], ascending=[False, False, True], kind="stable")
        top_accounts = [{"id": str(idx), "handle": r.handle if isinstance(r.handle, str) else None,
                         "in_strength": _num(r.in_strength), "pagerank": float(r.pagerank)}
                        for idx, r in accounts.head(top).iterrows()]
        texts = mine["text"]
        out.append(Community(
            id=i, size=len(part), posts=len(mine),
            internal_edges=internal[i], external_edges=external[i],
            top_accounts=top_accounts,
            top_hashtags=[[t, int(n)] for t, n in themes.top_hashtags(mine, top, exclude=skip)],
            top_words=[[w, int(n)] for w, n in themes.top_terms(texts, top, chat_tag=chat.hashtag)],
            top_word_pairs=[[" ".join(p), int(n)]
                            for p, n in themes.top_word_pairs(texts, top, chat_tag=chat.hashtag)],
            top_links=[[u, int(n)] for u, n in themes.top_links(mine, top)],
            members=sorted(str(n) for n in part),
        ))
    bridge = brokers(G, parts, top=top, seed=seed)
    return CommunityResult(
        method=method, seed=int(seed), kind=kind, modularity=modularity, communities=out,
        singletons=singletons,
        brokers=[{k: (_scalar(v) if v is not None and v == v else None) for k, v in row.items()}
                 for row in bridge.to_dict("records")],
    )


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


# --------------------------------------------------------------------------------------
# writing and drawing (in their own modules)
# --------------------------------------------------------------------------------------
def write_network(G: nx.Graph, path: str | Path, **options: Any) -> list[Path]:
    """Write a network to a file, the format chosen by the suffix.

    See :func:`swchat.network_export.write_network`.
    """
    from .network_export import write_network as _write

    return _write(G, path, **options)


def draw_network(G: nx.Graph, path: str | Path, size_by: str = "pagerank", top_labels: int = 10,
                 **options: Any) -> Path:
    """Draw a network to a PNG or SVG file.

    See :func:`swchat.network_draw.draw_network`.
    """
    from .network_draw import draw_network as _draw

    return _draw(G, path, size_by=size_by, top_labels=top_labels, **options)
