"""Communities of a participant network: what each one is about, and who bridges them.

Communities are found in :mod:`swchat.network.grouping` (Louvain, seeded, or
Clauset-Newman-Moore, NodeXL's choice). :func:`chat_communities` describes each community of a
chat as NodeXL's "top items per group" (top accounts, hashtags, words, word pairs, links) in a
:class:`CommunityResult` of :class:`Community` objects, and :func:`brokers` lists the accounts
that bridge communities.

Examples
--------
>>> import networkx as nx
>>> from swchat.network.grouping import communities
>>> G = nx.barbell_graph(4, 0)
>>> parts = communities(G)
>>> brokers(G, parts)[["id", "neighbour_communities"]].values.tolist()
[[3, 2], [4, 2]]
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import networkx as nx

from .build import NodeKeys, as_attribute, chat_network, text_or_none, unique_posts
from .grouping import (
    DEFAULT_SEED,
    MIN_COMMUNITY_SIZE,
    community_number,
    count_communities,
    partition,
    undirected,
    weighted_modularity,
)
from .metrics import account_metrics, as_number, betweenness

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..chat import Chat

__all__ = [
    "Community",
    "CommunityResult",
    "brokers",
    "chat_communities",
]


# --------------------------------------------------------------------------------------
# brokers between communities
# --------------------------------------------------------------------------------------
def brokers(G: nx.Graph, communities: Iterable[Iterable[str]] | Mapping[str, int] | None = None,
            top: int = 10, *, seed: int = DEFAULT_SEED,
            between: Mapping[str, float] | None = None) -> pd.DataFrame:
    """Accounts that bridge communities: the highest betweenness among those whose neighbours
    (ignoring direction) belong to more than one community.

    Parameters
    ----------
    G : networkx.DiGraph or Graph
    communities : partition, optional
        Default the ``community`` node attribute, else Louvain.
    top : int
        How many to return.
    seed : int
        Seed for Louvain and for the betweenness estimate on large graphs.
    between : mapping, optional
        The nodes' betweenness if it was already computed by
        :func:`~swchat.network.metrics.betweenness` with this ``seed`` (saves computing it again).

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

    parts = partition(G, communities, seed=seed)
    member = {node: i for i, part in enumerate(parts) for node in part}
    if between is None:
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
# communities of a chat, with their top items
# --------------------------------------------------------------------------------------
@dataclass
class Community:
    """One community of a chat's network and what its members posted (NodeXL's "top items per group").

    Attributes
    ----------
    id : int
        Its index (0 = largest), as in the ``community`` node attribute; people see
        :attr:`number` (``id + 1``, see :func:`~swchat.network.grouping.community_number`).
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

    @property
    def number(self) -> int:
        """The number people see: ``id + 1`` (community 1 is the largest)."""
        return community_number(self.id)

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready values (``number`` included)."""
        return {"number": self.number, **asdict(self)}


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
        Groups of at least ``min_size`` accounts, largest first (the first ``limit`` of them
        when :func:`chat_communities` was given one).
    singletons : int
        Accounts alone in their group (mostly isolates): "on their own", never a community.
    count : int
        All groups of at least ``min_size`` accounts, described or not: the community count
        every output shows (as :func:`~swchat.network.grouping.count_communities`).
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
    count: int = -1

    def __post_init__(self) -> None:
        if self.count < 0:
            self.count = len(self.communities)

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
            "count": self.count, "singletons": self.singletons, "brokers": self.brokers,
            "communities": [c.as_dict() for c in self.communities],
        }


def chat_communities(chat: Chat, method: str = "louvain", seed: int = DEFAULT_SEED, *, kind: str = "all",
                     top: int = 10, min_size: int = MIN_COMMUNITY_SIZE, exclude_hashtags: Iterable[str] | None = None,
                     graph: nx.DiGraph | None = None, limit: int | None = None) -> CommunityResult:
    """The communities of a chat's network, each with its top accounts and top items.

    Communities are found on the undirected weighted projection of
    :func:`~swchat.network.build.chat_network` (Louvain: Blondel et al. 2008, seeded; CNM:
    Clauset, Newman & Moore 2004, NodeXL's choice). For each, as NodeXL's "top items per
    group": top accounts (in-strength, then PageRank), hashtags (posts, case-insensitive; the
    chat's own tag left out), words and word pairs (occurrences, tokenised by
    :func:`swchat.themes.tokenize`), and links (posts; links to other posts, as quotes carry,
    left out), over the posts its members made — retweets included, as NodeXL does, so a
    much-retweeted post weighs in its retweeters' groups.

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
        The fewest accounts of a community (default 2); accounts in smaller groups are counted
        in ``singletons`` ("on their own").
    exclude_hashtags : iterable of str, optional
        Hashtags left out of ``top_hashtags`` (default: the chat's own).
    graph : networkx.DiGraph, optional
        The chat's network if it was already built by
        :func:`~swchat.network.build.chat_network` with this ``kind``, ``method`` and ``seed``
        (saves building it again).
    limit : int, optional
        Describe only the first this many communities with at least ``min_size`` members (the
        largest, as communities are numbered largest first); modularity, ``singletons`` and
        brokers still cover them all. Default: describe all.

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
    >>> [c.number for c in result], result.count, result.singletons
    ([1, 2], 2, 0)
    """
    from .. import themes

    G = graph if graph is not None else chat_network(chat, kind=kind, community=method, seed=seed)
    parts = partition(G, None)
    U = undirected(G)
    modularity = weighted_modularity(U, parts)
    table = account_metrics(G, sort="", seed=seed).set_index("id")
    own = unique_posts(chat.posts)
    own = own[~own["is_context"].fillna(False).astype(bool)]
    keys = NodeKeys(own, chat.profiles)
    own = own.assign(_node=[keys.of_id(text_or_none(p) or "", text_or_none(a) or "")
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
        if limit is not None and len(out) >= limit:
            continue
        mine = own[own["_node"].isin(part)]
        accounts = table.loc[sorted(part, key=str)]
        accounts = accounts.assign(_h=accounts["handle"].fillna("").str.lower()).sort_values(
            ["in_strength", "pagerank", "_h"], ascending=[False, False, True], kind="stable")
        top_accounts = [{"id": str(idx), "handle": r.handle if isinstance(r.handle, str) else None,
                         "in_strength": as_number(r.in_strength), "pagerank": float(r.pagerank)}
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
    bridge = brokers(G, parts, top=top, seed=seed, between=table["betweenness"].to_dict())
    return CommunityResult(
        method=method, seed=int(seed), kind=kind, modularity=modularity, communities=out,
        singletons=singletons, count=count_communities(parts, min_size)[0],
        brokers=[{k: (as_attribute(v) if v is not None and v == v else None) for k, v in row.items()}
                 for row in bridge.to_dict("records")],
    )
