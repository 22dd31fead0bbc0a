"""Pictures of networks for workshops and reports (matplotlib, headless).

:func:`draw_network` draws a participant (or hashtag) network to PNG or SVG: node size by a
metric, colour by community, labels only for the top accounts, and sizes, transparency and
edge widths scaled with the number of nodes so that a 20-account chat and a 2,000-account
conference look readable. The layout is seeded, so the same graph gives the same picture.

Examples
--------
>>> import tempfile, pathlib, networkx as nx
>>> G = nx.karate_club_graph().to_directed()
>>> path = draw_network(G, pathlib.Path(tempfile.mkdtemp()) / "karate.png", top_labels=3)
>>> path.stat().st_size > 10_000
True
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import networkx as nx

from ..choices import SIZE_METRICS
from .grouping import DEFAULT_SEED, community_number, undirected
from .grouping import communities as find_communities
from .metrics import betweenness, pagerank

__all__ = ["SIZE_METRICS", "draw_network", "node_values"]

#: Metrics :func:`draw_network` can size nodes by (besides any numeric node attribute).

# colours for the ten largest communities (matplotlib's tab10); the rest are grey
_PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
            "#8c564b", "#e377c2", "#bcbd22", "#17becf", "#7f7f7f"]
_OTHER = "#c7c7c7"


def _is_int(value: Any) -> bool:
    """Whether ``value`` is an integer (Python's or numpy's), not a bool."""
    import numbers

    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def node_values(G: nx.Graph, metric: str, *, seed: int = DEFAULT_SEED) -> dict[Any, float]:
    """A number per node: a node attribute, or a metric computed on the spot.

    Examples
    --------
    >>> node_values(nx.DiGraph([("a", "b"), ("c", "b")]), "in_degree")
    {'a': 0.0, 'b': 2.0, 'c': 0.0}
    """
    values = dict(G.nodes(data=metric))
    if values and all(isinstance(v, int | float) and not isinstance(v, bool) for v in values.values()):
        return {n: float(v) for n, v in values.items()}
    directed = G.is_directed()
    if metric == "pagerank":
        return pagerank(G, weight="weight")  # NetworkX's values, without importing SciPy
    if metric == "betweenness":
        return betweenness(G, seed=seed)
    if metric == "in_strength":
        deg = G.in_degree(weight="weight") if directed else G.degree(weight="weight")
    elif metric == "out_strength":
        deg = G.out_degree(weight="weight") if directed else G.degree(weight="weight")
    elif metric == "in_degree":
        deg = G.in_degree() if directed else G.degree()
    elif metric == "out_degree":
        deg = G.out_degree() if directed else G.degree()
    elif metric == "degree":
        deg = G.degree()
    else:
        raise ValueError(f"cannot size nodes by {metric!r}: use a numeric node attribute or one of "
                         f"{', '.join(SIZE_METRICS)}")
    return {n: float(d) for n, d in deg}


def _spring(U: nx.Graph, seed: int) -> dict[Any, Any]:
    """Fruchterman-Reingold on one component (log weights, so a few heavy pairs do not collapse)."""
    n = U.number_of_nodes()
    if n == 1:
        return {next(iter(U)): (0.0, 0.0)}
    if n == 2:
        a, b = sorted(U, key=str)
        return {a: (-0.5, 0.0), b: (0.5, 0.0)}
    W = nx.Graph()
    W.add_nodes_from(sorted(U, key=str))
    W.add_weighted_edges_from((u, v, 1.0 + math.log(max(w or 1, 1))) for u, v, w in U.edges(data="weight"))
    if n <= 2000:  # networkx's dense, vectorised Fruchterman-Reingold
        return nx.spring_layout(W, seed=seed, iterations=100 if n <= 200 else 50, method="force")
    return _spring_chunked(W, seed, iterations=50)


def _spring_chunked(W: nx.Graph, seed: int, iterations: int = 50) -> dict[Any, Any]:
    """Fruchterman-Reingold as networkx's dense version, computed in row blocks (float32), so
    memory stays small for thousands of nodes."""
    import numpy as np

    nodes = list(W)
    n = len(nodes)
    A = nx.to_scipy_sparse_array(W, nodelist=nodes, weight="weight", format="csr", dtype=np.float32)
    pos = np.random.RandomState(seed).rand(n, 2).astype(np.float32)
    k = np.float32(math.sqrt(1.0 / n))
    t = max(float(pos.max(axis=0).max() - pos.min(axis=0).min()), 1e-3) * 0.1
    dt = t / (iterations + 1)
    block = max(1, 2_000_000 // n)
    for _ in range(iterations):
        disp = np.empty_like(pos)
        for i in range(0, n, block):
            delta = pos[i:i + block, None, :] - pos[None, :, :]
            dist = np.sqrt((delta ** 2).sum(axis=-1))
            np.clip(dist, 0.01, None, out=dist)
            rows = A[i:i + block].toarray()
            force = k * k / dist ** 2 - rows * dist / k
            disp[i:i + block] = np.einsum("ijk,ij->ik", delta, force)
        length = np.sqrt((disp ** 2).sum(axis=1))
        np.clip(length, 0.01, None, out=length)
        pos += disp * (t / length)[:, None]
        t -= dt
    return {v: pos[i].astype(float) for i, v in enumerate(nodes)}


def _layout(G: nx.Graph, seed: int) -> dict[Any, Any]:
    """Seeded positions: the largest component in the square [-1, 1]², the other components
    (isolates included) packed in a grid of small cells below it, as NodeXL lays out small
    components in boxes, so that they do not push the main component into a corner."""
    import numpy as np

    U = undirected(G)
    if U.number_of_nodes() == 0:
        return {}
    comps = sorted(nx.connected_components(U), key=lambda c: (-len(c), min(str(x) for x in c)))
    pos: dict[Any, Any] = {}
    main, rest = comps[0], comps[1:]
    if len(main) > 1 or not rest:
        local = _spring(U.subgraph(main), seed)
        xy = np.array([local[v] for v in main], dtype=float)
        xy -= np.median(xy, axis=0)
        # scale so 98 % of the nodes lie within radius 1, and pull the far-flung few in softly
        # (radially), so they do not shrink the rest into the middle
        radius = np.sqrt((xy ** 2).sum(axis=1))
        span = float(np.percentile(radius, 98)) if len(main) > 50 else float(radius.max())
        scaled = radius / max(span, 1e-9)
        squeezed = np.where(scaled > 1, 1 + 0.15 * np.tanh(scaled - 1), scaled)
        xy = xy / max(span, 1e-9) * (squeezed / np.where(scaled > 0, scaled, 1))[:, None]
        pos.update({v: xy[i] for i, v in enumerate(main)})
    else:
        rest = comps
    if rest:
        cols = max(8, math.ceil(math.sqrt(len(rest)) * 2))
        cell = 2.0 / cols
        top = -1.15 if pos else 1.0
        for i, comp in enumerate(rest):
            row, col = divmod(i, cols)
            centre = np.array([-1.0 + cell * (col + 0.5), top - cell * (row + 0.5)])
            local = _spring(U.subgraph(comp), seed)
            xy = np.array([local[v] for v in comp], dtype=float)
            xy -= xy.mean(axis=0)
            span = max(np.abs(xy).max(), 1e-9)
            xy = xy / span * cell * 0.35 if len(comp) > 1 else xy * 0
            pos.update({v: centre + xy[j] for j, v in enumerate(comp)})
    return pos


def _title(G: nx.Graph, n: int, m: int) -> str:
    what = G.graph.get("kind", "network")
    where = []
    if G.graph.get("session_id"):
        where.append(f"session {G.graph['session_id']}")
    elif G.graph.get("hashtag"):
        where.append(f"#{G.graph['hashtag']}")
    first, last = str(G.graph.get("first_post", ""))[:10], str(G.graph.get("last_post", ""))[:10]
    if first:
        where.append(first if first == last or not last else f"{first} to {last}")
    noun = "hashtags" if what == "hashtag" else "accounts"
    title = f"{what} network: {n:,} {noun}, {m:,} links"
    return title + (f"\n{', '.join(where)}" if where else "")


def draw_network(
    G: nx.Graph,
    path: str | Path,
    size_by: str = "pagerank",
    top_labels: int = 10,
    *,
    seed: int = 42,
    title: str | None = None,
    color_by: str = "community",
    label_attr: str = "label",
    dpi: int = 150,
) -> Path:
    """Draw a network to a PNG or SVG file (headless: matplotlib's Agg backend).

    Parameters
    ----------
    G : networkx.Graph or DiGraph
        A participant network (:func:`swchat.network.build.build_network`), an ego network, or a
        hashtag network.
    path : str or Path
        ``.png`` or ``.svg``.
    size_by : str
        Node area in proportion to this metric (a numeric node attribute, or one of
        :data:`SIZE_METRICS`).
    top_labels : int
        Label this many nodes, the largest by ``size_by`` (0 for none); the ego of an ego
        network is always labelled.
    seed : int
        Layout seed.
    title : str, optional
        Default: the graph's kind, selection and size.
    color_by : str
        Integer node attribute giving the colour group (default ``community``; computed with
        Louvain when missing). The ten largest groups get distinct colours, the rest grey. The
        legend numbers communities from 1, as every output does ("community 1" is the
        ``community`` attribute's 0, see :func:`~swchat.network.grouping.community_number`);
        another attribute is shown as it is.
    label_attr : str
        Node attribute shown as the label (``@`` is put in front of handles).
    dpi : int
        Resolution of a PNG.

    Returns
    -------
    Path
        The file written.
    """
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    path = Path(path)
    if path.suffix.lower() not in (".png", ".svg"):
        raise ValueError(f"draw_network writes .png or .svg, not {path.name!r}")
    n = G.number_of_nodes()
    m = G.number_of_edges()
    values = node_values(G, size_by, seed=seed)
    groups = dict(G.nodes(data=color_by))
    if not groups or any(v is None for v in groups.values()):
        parts = find_communities(G, seed=seed) if n else []
        groups = {node: i for i, part in enumerate(parts) for node in part}
    # rank groups by size so the largest get the first colours
    sizes: dict[Any, int] = {}
    for g in groups.values():
        sizes[g] = sizes.get(g, 0) + 1
    ranked = sorted(sizes, key=lambda g: (-sizes[g], str(g)))
    colour_of = {g: (_PALETTE[i] if i < len(_PALETTE) and sizes[g] > 1 else _OTHER)
                 for i, g in enumerate(ranked)}

    pos = _layout(G, seed)
    side = 8.0 if n <= 200 else 11.0
    fig = Figure(figsize=(side + 2.0, side))  # not pyplot: no global state, no display needed
    ax = fig.subplots()
    ax.set_axis_off()
    nodes = list(G.nodes)
    top = max(values.values(), default=0.0) or 1.0
    # node areas in points²: large for small chats, smaller for big ones
    biggest = min(900.0, max(40.0, 4000.0 / math.sqrt(max(n, 1))))
    smallest = max(4.0, biggest * 0.06)
    node_size = [smallest + (biggest - smallest) * math.sqrt(max(values.get(v, 0.0), 0.0) / top)
                 for v in nodes]
    node_alpha = 0.95 if n <= 50 else (0.85 if n <= 500 else 0.7)
    edge_alpha = max(0.06, min(0.6, 6.0 / math.sqrt(max(m, 1))))
    wmax = max((w for *_, w in G.edges(data="weight", default=1)), default=1) or 1
    base_width = 2.5 if n <= 50 else (1.2 if n <= 500 else 0.6)
    widths = [0.3 + base_width * math.sqrt(w / wmax) for *_, w in G.edges(data="weight", default=1)]
    draw_arrows = G.is_directed() and n <= 300
    if m:
        nx.draw_networkx_edges(
            G, pos, ax=ax, width=widths, alpha=edge_alpha, edge_color="#555555",
            arrows=draw_arrows, node_size=node_size,
            **({"arrowsize": 8 if n <= 100 else 5, "connectionstyle": "arc3,rad=0.08"} if draw_arrows else {}),
        )
    nx.draw_networkx_nodes(
        G, pos, ax=ax, nodelist=nodes, node_size=node_size,
        node_color=[colour_of.get(groups.get(v), _OTHER) for v in nodes],
        alpha=node_alpha, linewidths=0.4 if n <= 500 else 0.0, edgecolors="white",
    )
    chosen = sorted(nodes, key=lambda v: (-values.get(v, 0.0), str(v)))[: max(top_labels, 0)]
    ego = G.graph.get("ego")
    if ego in G and ego not in chosen:
        chosen.append(ego)
    labels = {}
    for v in chosen:
        text = G.nodes[v].get(label_attr) or G.nodes[v].get("handle") or str(v)
        if G.nodes[v].get("handle") and not str(text).startswith(("@", "#")):
            text = "@" + str(text)
        labels[v] = text
    if labels:
        font = 10 if n <= 50 else (9 if n <= 500 else 8)
        # labels just above their nodes, so the node and its colour stay visible
        ys = [p[1] for p in pos.values()]
        lift = 0.025 * ((max(ys) - min(ys)) or 1.0)
        above = {v: (pos[v][0], pos[v][1] + lift) for v in labels}
        nx.draw_networkx_labels(
            G, above, labels=labels, ax=ax, font_size=font, verticalalignment="bottom",
            bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.7},
            clip_on=False,
        )
    if title is None:
        title = _title(G, n, m)
        if G.graph.get("ego") is not None:
            title = f"ego network of {labels.get(ego, ego)} (radius {G.graph.get('radius', 1)})\n" + title
    ax.set_title(title, fontsize=11)
    shown = [g for g in ranked[:10] if sizes[g] > 1]
    if len(shown) > 1:
        def legend_name(g: Any) -> str:
            number = community_number(g) if color_by == "community" and _is_int(g) else g
            return f"{color_by} {number} ({sizes[g]})"

        handles = [Line2D([], [], marker="o", linestyle="", markersize=7, color=colour_of[g],
                          label=legend_name(g)) for g in shown]
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8,
                  frameon=False, borderaxespad=0.0)
    ax.text(1.0, 0.0, f"size: {size_by}", transform=ax.transAxes, ha="right", va="bottom",
            fontsize=7, color="#555555")
    ax.set_aspect("equal")
    ax.margins(0.08)
    fig.tight_layout()
    suffix = path.suffix.lower().lstrip(".")
    # zlib level 3: for a drawing of many dots this is both faster and smaller than the default 6
    extra: dict[str, Any] = {"pil_kwargs": {"compress_level": 3}} if suffix == "png" else {}
    fig.savefig(path, dpi=dpi, format=suffix, **extra)
    return path
