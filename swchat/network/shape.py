"""The shape of a participant network: the six structures of Smith et al. (2014).

Smith, Rainie, Shneiderman & Himelboim (2014), "Mapping Twitter Topic Networks: From Polarized
Crowds to Community Clusters" (Pew Research Center / Social Media Research Foundation), told
six shapes of Twitter topic networks apart by eye from NodeXL maps (:data:`SHAPES`).
:func:`network_shape` names the shape of a network with a documented heuristic on the numbers
behind those pictures (:data:`SHAPE_THRESHOLDS`): isolates, the largest component, degree
centralisation, communities and modularity.

Examples
--------
>>> import networkx as nx
>>> result = network_shape(nx.DiGraph([(str(i), "hub") for i in range(10)]))
>>> result["shape"], result["reason"]
('broadcast network', 'in-degree centralisation 1.00 (out 0.01): many accounts point to a hub')
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import networkx as nx

from .grouping import DEFAULT_SEED, partition, undirected, weighted_modularity
from .metrics import degree_centralization

__all__ = ["SHAPES", "SHAPE_THRESHOLDS", "network_shape"]

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
    distinct neighbours, over all vertices (as in :func:`~swchat.network.metrics.graph_metrics`).
    Communities and modularity are those of the undirected weighted projection; isolates are left out of the
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
    parts = [p & member_set for p in partition(G, communities, seed=seed)]
    parts = sorted((p for p in parts if p), key=lambda p: (-len(p), min(str(x) for x in p)))
    sizes = [len(p) for p in parts]
    U = undirected(G.subgraph(connected))
    modularity = weighted_modularity(U, parts) if nc else None
    comps = list(nx.weakly_connected_components(G)) if G.is_directed() else list(nx.connected_components(G))
    largest = max((len(c) for c in comps), default=0)
    c_in, c_out = degree_centralization(G)
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

