"""The undirected projection of a network and its partition into communities.

The lowest piece of :mod:`swchat.network`, shared by building, metrics, communities and shape:

- :func:`undirected` — the undirected weighted projection (self-loops left out);
- :func:`communities` — Louvain (seeded; Blondel et al. 2008) or Clauset-Newman-Moore (NodeXL's
  choice), numbered from 0 by size;
- :func:`label_communities` — the ``community`` attribute of every node;
- :func:`partition` and :func:`weighted_modularity` — a partition given or found, and Newman's
  weighted modularity of it;
- :func:`count_communities` and :func:`community_number` — the one community count and the one
  community numbering every output shows.

**Counting and numbering communities.** A *community* is a group of at least two accounts;
an account alone in its group (almost always an account nobody connected with) is counted
apart, as an account *on its own*, never as a community. Programs index communities from 0,
largest first (the ``community`` node attribute and the position in :func:`communities`'
list); people see them numbered from 1 (:func:`community_number`): "community 1" is the
largest, in the report, ``swchat communities``, ``swchat accounts`` and picture legends alike.

Examples
--------
>>> import networkx as nx
>>> G = nx.barbell_graph(4, 0)
>>> parts = communities(G)
>>> [sorted(c) for c in parts], round(weighted_modularity(G, parts), 3)
([[0, 1, 2, 3], [4, 5, 6, 7]], 0.423)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import networkx as nx

__all__ = [
    "DEFAULT_SEED",
    "MIN_COMMUNITY_SIZE",
    "communities",
    "community_number",
    "count_communities",
    "label_communities",
    "partition",
    "undirected",
    "weighted_modularity",
]

#: Seed used for Louvain, sampled betweenness and layouts unless one is given.
DEFAULT_SEED = 42

#: The fewest accounts a community has; an account alone in its group is counted apart.
MIN_COMMUNITY_SIZE = 2


# --------------------------------------------------------------------------------------
# the undirected projection
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


# --------------------------------------------------------------------------------------
# finding communities
# --------------------------------------------------------------------------------------
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
        The network (projected with :func:`~swchat.network.build.undirected`).
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


def partition(G: nx.Graph, parts: Iterable[Iterable[str]] | Mapping[str, int] | None = None,
              seed: int = DEFAULT_SEED) -> list[set[str]]:
    """The partition a function was given, as a list of sets of nodes.

    Parameters
    ----------
    G : networkx.Graph or DiGraph
    parts : list of sets or mapping node → community, optional
        The partition; when ``None``, the ``community`` node attribute if every node has one,
        else :func:`communities` (Louvain, seeded).
    seed : int
        Seed for Louvain.

    Returns
    -------
    list of set
        Given sets in their order; groups of a mapping or of the node attribute ordered by
        their community number.

    Examples
    --------
    >>> G = nx.path_graph(3)
    >>> partition(G, {0: 1, 1: 0, 2: 1})
    [{1}, {0, 2}]
    >>> nx.set_node_attributes(G, {0: 0, 1: 0, 2: 1}, "community")
    >>> partition(G)
    [{0, 1}, {2}]
    """
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


def weighted_modularity(U: nx.Graph, parts: list[set[str]]) -> float | None:
    """Newman's weighted modularity of a partition of an undirected graph.

    :func:`networkx.community.modularity` on the ``weight`` edge attribute, or ``None`` for a
    graph without edges (whose modularity is undefined).

    Examples
    --------
    >>> weighted_modularity(nx.Graph([(1, 2), (3, 4)]), [{1, 2}, {3, 4}])
    0.5
    >>> weighted_modularity(nx.empty_graph(3), [{0}, {1}, {2}]) is None
    True
    """
    if U.size(weight="weight") == 0:
        return None
    return float(nx.community.modularity(U, parts, weight="weight"))


def label_communities(G: nx.Graph, method: str = "louvain", *, seed: int = DEFAULT_SEED) -> nx.Graph:
    """Store the :func:`communities` of a graph in its nodes' ``community`` attribute (numbered
    from 0 by size) and the method and seed in ``G.graph``; the graph is returned.

    Examples
    --------
    >>> G = label_communities(nx.barbell_graph(3, 0))
    >>> sorted(G.nodes(data="community")), G.graph["community_method"]
    ([(0, 0), (1, 0), (2, 0), (3, 1), (4, 1), (5, 1)], 'louvain')
    """
    for i, part in enumerate(communities(G, method=method, seed=seed)):
        for node in part:
            G.nodes[node]["community"] = i
    G.graph["community_method"] = method
    G.graph["seed"] = int(seed)
    return G


# --------------------------------------------------------------------------------------
# the one count and the one numbering people see
# --------------------------------------------------------------------------------------
def count_communities(parts: Iterable[Iterable[Any]], min_size: int = MIN_COMMUNITY_SIZE) -> tuple[int, int]:
    """How many communities a partition has, and how many accounts are on their own.

    Parameters
    ----------
    parts : list of sets
        A partition (:func:`communities`, :func:`partition`).
    min_size : int
        The fewest accounts a community has (default :data:`MIN_COMMUNITY_SIZE`, 2).

    Returns
    -------
    tuple of int
        ``(communities, on_their_own)``: the groups of at least ``min_size`` accounts, and the
        accounts in smaller groups.

    Examples
    --------
    >>> count_communities([{1, 2, 3}, {4, 5}, {6}, {7}])
    (2, 2)
    """
    groups = lone = 0
    for part in parts:
        size = len(set(part))
        if size >= min_size:
            groups += 1
        else:
            lone += size
    return groups, lone


def community_number(index: Any) -> int:
    """The number people see for the community of index ``index``: ``index + 1``.

    Programs index communities from 0, largest first (the ``community`` node attribute);
    reports, command output and legends number them from 1, so "community 1" is the largest.

    Examples
    --------
    >>> community_number(0)
    1
    """
    return int(index) + 1
