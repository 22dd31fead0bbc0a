"""Measuring participant networks: the graph table, account metrics, betweenness and geodesics.

:func:`graph_metrics` is NodeXL's "Overall metrics" table of a network; :func:`account_metrics`
(and :func:`account_table` for a :class:`~swchat.chat.Chat`, :func:`with_metrics` for node
attributes) its per-account table: degrees, strengths per edge type, PageRank and
betweenness. :func:`betweenness`, :func:`geodesics` (diameter and mean geodesic distance) and
:func:`degree_centralization` are the building blocks, usable on any networkx graph.

Components, PageRank and modularity are NetworkX's own functions (:func:`pagerank` gives
NetworkX's PageRank values without importing SciPy, for a process that needs nothing else of
it: the report's drawing process, where ``benchmarks/bench_network.py`` shows it pays). Betweenness and geodesics
follow NodeXL's definitions (undirected, unweighted shortest paths) and give the values
of NetworkX's :func:`~networkx.betweenness_centrality` and shortest-path lengths on the
undirected projection (the tests check it), but run Brandes' algorithm and breadth-first search
for many sources at once as sparse matrix products (NumPy/SciPy): ``benchmarks/bench_network.py``
measured them 6 to 40 times as fast as NetworkX's functions on the same graphs (the network of
one 2,000-post session, and of a 100-session, 200,000-post archive), at the cost of some tens
of megabytes. They do not dispatch to NetworkX backends; call NetworkX's functions on
:func:`~swchat.network.build.undirected` for that.

Examples
--------
>>> import networkx as nx
>>> G = nx.DiGraph([("a", "b"), ("b", "c"), ("c", "b"), ("d", "b")])
>>> betweenness(G)
{'a': 0.0, 'b': 3.0, 'c': 0.0, 'd': 0.0}
>>> geodesics(G)
(2, 1.5, True)
>>> degree_centralization(G)
(0.8888888888888888, 0.0)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import networkx as nx

from .build import EDGE_TYPES, chat_network
from .grouping import DEFAULT_SEED, count_communities, partition, undirected, weighted_modularity

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..chat import Chat

__all__ = [
    "BETWEENNESS_EXACT_MAX",
    "BETWEENNESS_SAMPLES",
    "GEODESIC_EXACT_MAX",
    "GEODESIC_SAMPLES",
    "account_metrics",
    "account_table",
    "betweenness",
    "degree_centralization",
    "geodesics",
    "graph_metrics",
    "pagerank",
    "with_metrics",
]

#: Betweenness is exact up to this many nodes (a few seconds at 5,000 nodes and 20,000 edges);
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


# --------------------------------------------------------------------------------------
# shortest paths, many sources at once (NumPy/SciPy)
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


# Sources per batch: each batch holds a few dense (batch × nodes) arrays. Small batches stay in
# the CPU caches: benchmarks/bench_network.py ran fastest with 16-32 (256 took twice the time and
# six times the memory on the 14,000-account archive).
_BATCH_SOURCES = 32


def _bfs_batches(A: Any, sources: list[int]) -> Any:
    """Breadth-first searches from many sources at once (sparse matrix products).

    Yields ``(sources, depth, sigma, last_level)`` per batch: ``depth[i, v]`` is the distance
    from ``sources[i]`` to ``v`` (-1 when unreachable) and ``sigma[i, v]`` the number of
    shortest paths between them.
    """
    import numpy as np

    n = A.shape[0]
    batch = max(1, min(_BATCH_SOURCES, 4_000_000 // max(n, 1)))
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


def _sample(n: int, k: int, seed: int) -> list[int]:
    """``k`` of the positions ``0 … n-1``, sorted: those ``random.Random(seed).sample`` draws.

    NetworkX's sampled betweenness draws ``random.Random(seed).sample(list(G), k)``, that is
    the nodes at these positions of ``list(G)``.
    """
    import random

    return sorted(random.Random(seed).sample(range(n), k))


# --------------------------------------------------------------------------------------
# the graph table
# --------------------------------------------------------------------------------------
def geodesics(G: nx.Graph, *, seed: int = DEFAULT_SEED) -> tuple[int | None, float | None, bool]:
    """Diameter and mean geodesic distance of a graph's largest connected component.

    As NodeXL reports them: shortest paths ignore edge direction and weight, and are taken in
    the largest (weakly) connected component. The diameter is the longest shortest path; the
    mean geodesic distance the mean length of the shortest paths between distinct nodes of
    that component.

    Exact when the component has at most :data:`GEODESIC_EXACT_MAX` nodes: equal to the largest
    and the mean of the :func:`networkx.shortest_path_length` values between its distinct
    nodes. Above, estimated from :data:`GEODESIC_SAMPLES` breadth-first searches from seeded
    sources (``random.Random(seed).sample`` of its nodes sorted by key): the mean over those
    sources' paths, and the longest of them, a lower bound of the diameter.

    Breadth-first search runs from many sources at once as sparse matrix products
    (NumPy/SciPy): ``benchmarks/bench_network.py`` measured it 5 to 8 times as fast as
    :func:`networkx.single_source_shortest_path_length` from the same sources on one session's
    network, and 25 to 35 times on a 100-session archive's, so it is kept.

    Parameters
    ----------
    G : networkx.Graph or DiGraph
        Any graph; a directed one is measured on its undirected projection
        (:func:`~swchat.network.build.undirected`).
    seed : int
        Seed of the sampled sources of a large component.

    Returns
    -------
    (int or None, float or None, bool)
        The diameter, the mean geodesic distance, and whether both are exact: ``(None, None,
        True)`` for a graph without nodes, ``(0, 0.0, True)`` when no two nodes are connected.

    Examples
    --------
    >>> geodesics(nx.path_graph(4))
    (3, 1.6666666666666667, True)
    >>> geodesics(nx.DiGraph([("a", "b"), ("c", "b"), ("x", "y")]))
    (2, 1.3333333333333333, True)
    """
    U = undirected(G) if G.is_directed() else G
    if U.number_of_nodes() == 0:
        return None, None, True
    largest = max(nx.connected_components(U), key=lambda c: (len(c), sorted(map(str, c))[:1]))
    if len(largest) < 2:
        return 0, 0.0, True
    nodes = sorted(largest, key=str)
    A = _adjacency(U, nodes)
    exact = len(nodes) <= GEODESIC_EXACT_MAX
    sources = list(range(len(nodes))) if exact else _sample(len(nodes), GEODESIC_SAMPLES, seed)
    total = pairs = diameter = 0
    for _, depth, _, last in _bfs_batches(A, sources):
        total += int(depth.sum())  # all reachable: no -1 inside one component
        pairs += depth.size - depth.shape[0]
        diameter = max(diameter, last)
    return int(diameter), (total / pairs if pairs else 0.0), exact


def _centralization(degrees: list[int]) -> float | None:
    """Freeman degree centralisation of in- or out-degrees (0..1): Σ(max − dᵢ)/(n − 1)²."""
    n = len(degrees)
    if n < 2:
        return None
    top = max(degrees)
    return float(sum(top - d for d in degrees) / ((n - 1) ** 2))


def degree_centralization(G: nx.Graph) -> tuple[float | None, float | None]:
    """Freeman's (1979) in- and out-degree centralisation of a graph.

    Σ(max − dᵢ) / (n − 1)² over all nodes, where dᵢ counts distinct neighbours (self-loops
    left out): 1 for a star whose edges all point to (in) or from (out) its centre, 0 when
    every node has the same degree. For an undirected graph both values are the degree
    centralisation, Σ(max − dᵢ) / ((n − 1)(n − 2)).

    Returns
    -------
    (float or None, float or None)
        In- and out-degree centralisation; ``None`` for fewer than two nodes.

    Examples
    --------
    >>> star = nx.DiGraph([(str(i), "hub") for i in range(4)])
    >>> degree_centralization(star)
    (1.0, 0.0625)
    >>> degree_centralization(nx.cycle_graph(5))
    (0.0, 0.0)
    """
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


def as_number(value: float) -> int | float:
    """A sum as an ``int`` when it is whole, else a ``float`` (weights may be either).

    Shared with :mod:`swchat.network.community`; not part of the public API.

    Examples
    --------
    >>> as_number(4.0), as_number(2.5)
    (4, 2.5)
    """
    return int(value) if float(value).is_integer() else float(value)


def graph_metrics(G: nx.Graph, communities: Iterable[Iterable[str]] | Mapping[str, int] | None = None,
                  *, seed: int = DEFAULT_SEED) -> dict[str, Any]:
    """The graph table: NodeXL's "Overall metrics" of a network.

    Parameters
    ----------
    G : networkx.DiGraph or Graph
        A participant network (:func:`~swchat.network.build.build_network`) or any weighted graph.
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
        - ``communities`` (groups of at least two accounts) and ``accounts_on_their_own`` (the
          accounts alone in their group), as :func:`~swchat.network.grouping.count_communities`
          counts them everywhere, and ``modularity`` (Newman's weighted modularity of the
          partition, singletons included, on the undirected weighted projection; ``None``
          without edges);
        - ``diameter`` and ``mean_geodesic_distance`` of the largest component, undirected and
          unweighted (as NodeXL), ``geodesics_exact`` (see :func:`geodesics`);
        - ``in_degree_centralization``, ``out_degree_centralization``: Freeman's degree
          centralisation Σ(max − dᵢ)/(n − 1)² over distinct neighbours (``degree_centralization``
          for an undirected graph; see :func:`degree_centralization`).

    Examples
    --------
    >>> G = nx.DiGraph([("a", "b", {"weight": 2}), ("b", "a", {"weight": 1}), ("b", "c", {"weight": 1})])
    >>> m = graph_metrics(G, communities=[{"a", "b", "c"}])
    >>> m["vertices"], m["unique_edges"], m["total_edges"], m["reciprocated_vertex_pair_ratio"]
    (3, 3, 4, 0.5)
    >>> m["diameter"], round(m["mean_geodesic_distance"], 3), round(m["density"], 3)
    (2, 1.333, 0.5)
    >>> m["communities"], m["accounts_on_their_own"]
    (1, 0)
    """
    directed = G.is_directed()
    n = G.number_of_nodes()
    loops = nx.number_of_selfloops(G)
    out: dict[str, Any] = {
        "graph_type": "directed" if directed else "undirected",
        "vertices": n,
        "unique_edges": G.number_of_edges(),
        "total_edges": as_number(G.size(weight="weight")),
    }
    for etype in EDGE_TYPES:
        if any(etype in d for _, _, d in G.edges(data=True)):
            values = [d.get(etype, 0) for _, _, d in G.edges(data=True)]
            out[f"unique_edges_{etype}"] = sum(1 for v in values if v)
            out[f"total_edges_{etype}"] = as_number(sum(values))
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
    # imported here: the community module builds on this one

    U = undirected(G)
    parts = partition(G, communities, seed=seed)
    out["communities"], out["accounts_on_their_own"] = count_communities(parts)
    out["modularity"] = weighted_modularity(U, parts)
    diameter, mean, exact = geodesics(U, seed=seed)
    out["diameter"] = diameter
    out["mean_geodesic_distance"] = mean
    out["geodesics_exact"] = exact
    c_in, c_out = degree_centralization(G)
    if directed:
        out["in_degree_centralization"] = c_in
        out["out_degree_centralization"] = c_out
    else:
        out["degree_centralization"] = c_in
    return out


# --------------------------------------------------------------------------------------
# account metrics
# --------------------------------------------------------------------------------------
def pagerank(G: nx.Graph, alpha: float = 0.85, *, weight: str | None = "weight", tol: float = 1.0e-6,
             max_iter: int = 100) -> dict[Any, float]:
    """PageRank, the values of :func:`networkx.pagerank`, without importing SciPy.

    NetworkX's PageRank (its default, SciPy implementation) builds a SciPy sparse matrix, and
    importing :mod:`scipy.sparse` costs a tenth of a second or more: a report's network picture
    is drawn in a process of its own, which would pay it just to size the dots. This is the same
    power iteration in NumPy, with every sum taken in the same order as SciPy's (row sums with
    ``numpy.add.reduceat`` over each account's edges, sorted by target; each account's new
    value summed over its sources in order), so the values are the same floats, not only close
    ones (the tests compare them with :func:`networkx.pagerank`). Dangling accounts spread
    their rank uniformly, with no personalisation, as NetworkX's defaults.

    Parameters
    ----------
    G : networkx.DiGraph
        A directed graph (another kind is passed on to :func:`networkx.pagerank`).
    alpha : float
        Damping.
    weight : str or None
        Edge attribute of the weights (1 when missing); ``None`` for 1 on every edge.
    tol : float
        The iteration stops when the values changed by less than ``len(G) * tol`` in all.
    max_iter : int
        The most iterations.

    Returns
    -------
    dict
        Node → PageRank.

    Raises
    ------
    networkx.PowerIterationFailedConvergence
        When ``max_iter`` iterations are not enough.

    Examples
    --------
    >>> G = nx.DiGraph([("a", "b"), ("c", "b"), ("b", "a")])
    >>> pagerank(G) == nx.pagerank(G)
    True
    """
    if not G.is_directed() or G.is_multigraph():  # not a participant network: NetworkX's own
        return {v: float(r) for v, r in nx.pagerank(G, alpha, weight=weight, tol=tol, max_iter=max_iter).items()}
    import numpy as np

    n = len(G)
    if n == 0:
        return {}
    nodes = list(G)
    index = {v: i for i, v in enumerate(nodes)}
    edges = [(index[u], index[v], w) for u, v, w in G.edges(nodes, data=weight, default=1)]
    rows = np.fromiter((e[0] for e in edges), dtype=np.intp, count=len(edges))
    cols = np.fromiter((e[1] for e in edges), dtype=np.intp, count=len(edges))
    data = np.fromiter((e[2] for e in edges), dtype=float, count=len(edges))
    order = np.lexsort((cols, rows))  # SciPy's canonical CSR order: by source, then target
    rows, cols, data = rows[order], cols[order], data[order]
    indptr = np.zeros(n + 1, dtype=np.intp)
    np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
    S = np.zeros(n)
    if len(data):
        nonempty = np.flatnonzero(np.diff(indptr))
        S[nonempty] = np.add.reduceat(data, indptr[nonempty])
    S[S != 0] = 1.0 / S[S != 0]
    data = S[rows] * data  # the row-normalised matrix, its zeros dropped as SciPy's product does
    kept = data != 0
    rows, cols, data = rows[kept], cols[kept], data[kept]
    x = np.repeat(1.0 / n, n)
    p = np.repeat(1.0 / n, n)
    dangling_weights = p
    is_dangling = np.where(S == 0)[0]
    for _ in range(max_iter):
        xlast = x
        # x @ A: each target's sum over its sources in order, as SciPy's matrix-vector product
        product = np.bincount(cols, weights=data * x[rows], minlength=n)
        x = alpha * (product + sum(x[is_dangling]) * dangling_weights) + (1 - alpha) * p
        err = np.absolute(x - xlast).sum()
        if err < n * tol:
            return dict(zip(nodes, map(float, x), strict=True))
    raise nx.PowerIterationFailedConvergence(max_iter)


def betweenness(G: nx.Graph, *, k: int | None = None, seed: int = DEFAULT_SEED) -> dict[str, float]:
    """Betweenness centrality as NodeXL reports it.

    Shortest paths ignore edge direction and weight (NodeXL: "the direction of individual
    edges is not taken into account when the shortest paths are determined"); values are raw
    numbers of shortest paths between other pairs through a node, each unordered pair counted
    once and split over its shortest paths (Freeman 1977; Brandes 2001), not normalised —
    equal to ``networkx.betweenness_centrality(U, normalized=False)`` on the undirected
    projection ``U`` (:func:`~swchat.network.build.undirected`).

    Exact up to :data:`BETWEENNESS_EXACT_MAX` nodes; above, estimated from ``k`` (default
    :data:`BETWEENNESS_SAMPLES`) source nodes and scaled to the whole graph (Brandes & Pich
    2007). The sources are NetworkX's for the same seed, ``random.Random(seed).sample(list(G),
    k)``, and the scaling is NetworkX's without endpoints (× (n − 1)/(2(k − 1)) for a sampled
    node, × (n − 1)/(2k) for the others), so the estimate equals
    ``networkx.betweenness_centrality(U, k=k, seed=seed, normalized=False)``.

    Brandes' algorithm runs for many sources at once as sparse matrix products (NumPy/SciPy):
    ``benchmarks/bench_network.py`` measured it over 20 times as fast as NetworkX's on the
    same graphs (one session's network and a 100-session archive's), so it is kept.

    Parameters
    ----------
    G : networkx.Graph or DiGraph
    k : int, optional
        Number of sampled sources, at least 2 (exact when ``None`` and the graph is small
        enough, or when ``k`` ≥ the number of nodes).
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
    sources = everyone if k is None else _sample(n, k, seed)
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

    ranks = nx.pagerank(G, alpha=0.85, weight="weight", tol=1e-10, max_iter=1000) if len(G) else {}
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
        row["in_strength"] = as_number(sum(d.get("weight", 1) for *_, d in ins))
        row["out_strength"] = as_number(sum(d.get("weight", 1) for *_, d in outs))
        for etype in EDGE_TYPES:
            row[f"in_{etype}"] = as_number(sum(d.get(etype, 0) for *_, d in ins))
            row[f"out_{etype}"] = as_number(sum(d.get(etype, 0) for *_, d in outs))
        row["pagerank"] = float(ranks.get(node, 0.0))
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
        Passed to :func:`~swchat.network.build.chat_network` (``self_loops``, ``community``, ``seed``).

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
