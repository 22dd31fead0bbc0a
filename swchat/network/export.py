"""Writing networks for Gephi, spreadsheets, R and the web: GEXF, GraphML, CSV, node-link JSON.

:func:`write_network` picks the format from the file suffix. Every format records the graph's
metadata — the edge rules (:data:`swchat.network.EDGE_RULES`) and the selection (hashtag,
session, time span):

- **GEXF** (``.gexf``, Gephi's own): in ``<meta><description>`` and ``<keywords>``; node and
  edge attributes typed (``integer``, ``double``, ``boolean``, ``string``);
- **GraphML** (``.graphml``): as graph-level ``<data>`` keys; typed attributes;
- **CSV** (``.csv``): two files, ``<stem>-nodes.csv`` and ``<stem>-edges.csv``, each starting with
  **one** comment line (``# swchat network: ...``) holding the metadata — read them with
  ``pandas.read_csv(path, skiprows=1)``; then a header row and proper CSV (RFC 4180 quoting,
  UTF-8, ISO times). Text cells starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
  return are prefixed with ``'`` so a spreadsheet shows them as text instead of running them
  as formulas (OWASP, "CSV Injection");
- **JSON** (``.json``): networkx's node-link data (``nodes``, ``edges``, ``graph``) plus a
  ``meta`` key with the edge rules and the selection;
- **PNG / SVG** (``.png``, ``.svg``): a picture, see :func:`swchat.network.draw.draw_network`.

Values are made exportable first (:func:`exportable`): ``None`` values are dropped, lists joined
to strings, times written as ISO text, numpy numbers turned into Python ones, and an attribute
that is an integer on some nodes and a float on others written as a float everywhere — so no
Python object ever reaches a file, unlike twarc-network's "CSV" of Python dicts.

Examples
--------
>>> import tempfile, pathlib, networkx as nx
>>> G = nx.DiGraph(kind="reply", edge_rules="reply: replier -> replied-to author")
>>> G.add_node("1", label="ann", posts=2, host=True)
>>> G.add_node("2", label="=cmd", posts=1, host=False)
>>> G.add_edge("2", "1", reply=1, weight=1)
>>> out = pathlib.Path(tempfile.mkdtemp())
>>> [p.name for p in write_network(G, out / "net.csv")]
['net-nodes.csv', 'net-edges.csv']
>>> (out / "net-nodes.csv").read_text().splitlines()[3]
"2,'=cmd,1,False"
>>> H = nx.read_graphml(write_network(G, out / "net.graphml")[0])
>>> H.nodes["1"], H.graph["kind"]
({'label': 'ann', 'posts': 2, 'host': True}, 'reply')
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import networkx as nx

from ..choices import NETWORK_SUFFIXES

__all__ = ["FORMATS", "csv_safe", "exportable", "write_csv", "write_gexf", "write_graphml",
           "write_json", "write_network"]

#: Suffixes :func:`write_network` understands.
FORMATS = NETWORK_SUFFIXES

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: Any) -> Any:
    """Protect a text cell against spreadsheet formula injection.

    Text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading
    ``'``; anything else (numbers included) is returned unchanged.

    Examples
    --------
    >>> csv_safe("=HYPERLINK(\\"http://x\\")"), csv_safe("-1"), csv_safe(-1), csv_safe("ann")
    ('\\'=HYPERLINK("http://x")', "'-1", -1, 'ann')
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _plain(value: Any) -> Any:
    """A value GEXF/GraphML/CSV can hold: str, int, float or bool (``None`` when missing)."""
    if value is None:
        return None
    if isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return None if value != value else value
    if hasattr(value, "isoformat"):
        from datetime import datetime

        from ..schema import iso_utc

        if hasattr(value, "to_pydatetime"):
            value = value.to_pydatetime()
        return iso_utc(value) if isinstance(value, datetime) else value.isoformat()
    if hasattr(value, "item") and not isinstance(value, list | tuple | set | dict):
        return _plain(value.item())
    if isinstance(value, list | tuple):
        return ", ".join(str(_plain(v)) for v in value if _plain(v) is not None)
    if isinstance(value, set | frozenset):
        return ", ".join(sorted(str(_plain(v)) for v in value if _plain(v) is not None))
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    if type(value).__name__ == "NAType":
        return None
    return str(value)


def _clean(items: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Plain values, ``None`` dropped, one type per key (int+float → float, else → str)."""
    cleaned = [{k: v for k, v in ((str(k), _plain(v)) for k, v in d.items()) if v is not None}
               for d in items]
    types: dict[str, set[type]] = {}
    for d in cleaned:
        for k, v in d.items():
            types.setdefault(k, set()).add(type(v))
    for key, kinds in types.items():
        if len(kinds) < 2:
            continue
        cast: type = float if kinds <= {int, float} else str
        for d in cleaned:
            if key in d:
                d[key] = cast(d[key])
    return cleaned


def exportable(G: nx.Graph) -> nx.Graph:
    """A copy of ``G`` whose graph, node and edge attributes are all plain typed values.

    Examples
    --------
    >>> G = nx.Graph(tags=["a", "b"], note=None)
    >>> G.add_node(1, w=1)
    >>> G.add_node(2, w=0.5, first=None)
    >>> H = exportable(G)
    >>> H.graph, dict(H.nodes(data=True))
    ({'tags': 'a, b'}, {'1': {'w': 1.0}, '2': {'w': 0.5}})
    """
    H = G.__class__()
    (graph_attrs,) = _clean([G.graph])
    H.graph.update(graph_attrs)
    nodes = list(G.nodes)
    keys = {n: str(n) for n in nodes}
    for n, attrs in zip(nodes, _clean(G.nodes[n] for n in nodes), strict=True):
        H.add_node(keys[n], **attrs)
    edges = list(G.edges)
    for (u, v), attrs in zip(edges, _clean(G.edges[e] for e in edges), strict=True):
        H.add_edge(keys[u], keys[v], **attrs)
    return H


def _meta_text(attrs: dict[str, Any]) -> str:
    """A graph's metadata as one line: ``key: value | key: value``."""
    items = [f"{k}: {v}" for k, v in attrs.items() if k not in ("node_default", "edge_default")]
    return " | ".join(items).replace("\n", " ")


#: GEXF attribute types of the plain value types.
_GEXF_TYPES = {bool: "boolean", int: "long", float: "double", str: "string"}
#: Characters XML 1.0 cannot hold (a control character in a display name would break the file).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _attribute_types(items: Iterable[dict[Any, Any]], skip: tuple[str, ...]) -> dict[str, type]:
    """One plain type per attribute, in order of first appearance (int+float → float, other
    mixes → str), as :func:`exportable` makes them."""
    seen: dict[str, set[type]] = {}
    for d in items:
        for k, v in d.items():
            key = str(k)
            if key in skip:
                continue
            value = _plain(v)
            if value is not None:
                seen.setdefault(key, set()).add(type(value))
    return {k: (next(iter(kinds)) if len(kinds) == 1 else float if kinds <= {int, float} else str)
            for k, kinds in seen.items()}


def _xml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("", str(value))


def write_gexf(G: nx.Graph, path: str | Path) -> Path:
    """Write GEXF 1.2 for Gephi, with the metadata in ``<meta><description>``.

    The file is written as it is made (never held whole in memory), with the attribute types
    and values of :func:`exportable`; characters XML cannot hold are left out.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> G = nx.DiGraph(kind="all")
    >>> G.add_edge("1", "2", reply=1, weight=1)
    >>> p = write_gexf(G, pathlib.Path(tempfile.mkdtemp()) / "g.gexf")
    >>> "kind: all" in p.read_text(), list(nx.read_gexf(p).edges(data="reply"))
    (True, [('1', '2', 1)])
    """
    from datetime import date
    from xml.sax.saxutils import escape, quoteattr

    from ..version import __version__

    def attr(value: Any) -> str:
        return quoteattr(_xml_value(value))

    (graph_attrs,) = _clean([G.graph])
    graph_attrs.pop("mode", None)
    node_types = _attribute_types((G.nodes[n] for n in G), ("label",))
    edge_types = _attribute_types((d for *_, d in G.edges(data=True)), ("weight",))
    ids = {k: str(i) for i, k in enumerate([*node_types, *edge_types])}
    path = Path(path)
    with path.open("w", encoding="utf-8") as out:
        write = out.write
        write("<?xml version='1.0' encoding='utf-8'?>\n")
        write('<gexf xmlns="http://www.gexf.net/1.2draft" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
              'xsi:schemaLocation="http://www.gexf.net/1.2draft http://www.gexf.net/1.2draft/gexf.xsd" '
              'version="1.2">\n')
        write(f'  <meta lastmodifieddate="{date.today().isoformat()}">\n'
              f"    <creator>{escape(f'swchat {__version__}')}</creator>\n"
              f"    <description>{escape(_xml_value(_meta_text(graph_attrs)))}</description>\n"
              f"    <keywords>{escape(_xml_value(', '.join(str(graph_attrs[k]) for k in ('kind', 'hashtag', 'session_id') if k in graph_attrs)))}</keywords>\n"
              "  </meta>\n")
        kind = "directed" if G.is_directed() else "undirected"
        write(f'  <graph defaultedgetype="{kind}" mode="static" name="">\n')
        for cls, types in (("edge", edge_types), ("node", node_types)):
            if types:
                write(f'    <attributes mode="static" class="{cls}">\n')
                for key, kind_of in types.items():
                    write(f'      <attribute id="{ids[key]}" title={attr(key)} type="{_GEXF_TYPES[kind_of]}" />\n')
                write("    </attributes>\n")

        def values(d: dict[Any, Any], types: dict[str, type]) -> str:
            cells = []
            for k, v in d.items():
                key = str(k)
                plain = _plain(v) if key in types else None
                if plain is not None:
                    cells.append(f'          <attvalue for="{ids[key]}" value={attr(types[key](plain))} />\n')
            return "        <attvalues>\n" + "".join(cells) + "        </attvalues>\n" if cells else ""

        write("    <nodes>\n")
        for n, d in G.nodes(data=True):
            label = _plain(d.get("label"))
            body = values(d, node_types)
            head = f"      <node id={attr(n)} label={attr(label if label is not None else n)}"
            write(f"{head}>\n{body}      </node>\n" if body else f"{head} />\n")
        write("    </nodes>\n    <edges>\n")
        for i, (u, v, d) in enumerate(G.edges(data=True)):
            weight = _plain(d.get("weight"))
            body = values(d, edge_types)
            head = (f"      <edge source={attr(u)} target={attr(v)} id=\"{i}\""
                    + (f" weight={attr(weight)}" if weight is not None else ""))
            write(f"{head}>\n{body}      </edge>\n" if body else f"{head} />\n")
        write("    </edges>\n  </graph>\n</gexf>\n")
    return path


def write_graphml(G: nx.Graph, path: str | Path) -> Path:
    """Write GraphML with typed attributes and the metadata as graph-level data; characters XML
    cannot hold (a control character in a display name) are left out, as in :func:`write_gexf`.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> G = nx.DiGraph()
    >>> G.add_node("1", name="Ann\\x0bLee")
    >>> p = write_graphml(G, pathlib.Path(tempfile.mkdtemp()) / "g.graphml")
    >>> nx.read_graphml(p).nodes["1"]["name"]
    'AnnLee'
    """
    path = Path(path)
    H = exportable(G)

    def xml(value: Any) -> Any:
        return _NOT_XML.sub("", value) if isinstance(value, str) else value

    for attrs in (H.graph, *(a for _, a in H.nodes(data=True)), *(a for *_, a in H.edges(data=True))):
        for key, value in list(attrs.items()):
            attrs[key] = xml(value)
    renamed = {n: xml(n) for n in H if xml(n) != n}
    nx.write_graphml(nx.relabel_nodes(H, renamed) if renamed else H, path, encoding="utf-8")
    return path


def _csv_rows(path: Path, comment: str, header: list[str], rows: Iterable[list[Any]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write("# " + comment.replace("\r", " ").replace("\n", " ") + "\n")
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow(["" if v is None else csv_safe(v) for v in row])


def write_csv(G: nx.Graph, path: str | Path) -> list[Path]:
    """Write ``<stem>-nodes.csv`` and ``<stem>-edges.csv`` beside ``path``.

    Each starts with one ``#`` comment line holding the metadata (read with
    ``pandas.read_csv(p, skiprows=1)``). Nodes: ``id`` then every node attribute (in first-seen
    order); edges: ``source``, ``target``, then every edge attribute. Missing values are empty
    cells; text cells are protected by :func:`csv_safe`.
    """
    H = exportable(G)
    path = Path(path)
    stem = path.name[: -len(path.suffix)] if path.suffix else path.name
    nodes_path = path.with_name(f"{stem}-nodes.csv")
    edges_path = path.with_name(f"{stem}-edges.csv")
    node_cols: dict[str, None] = {}
    for _, attrs in H.nodes(data=True):
        node_cols.update(dict.fromkeys(attrs))
    edge_cols: dict[str, None] = {}
    for *_, attrs in H.edges(data=True):
        edge_cols.update(dict.fromkeys(attrs))
    comment = "swchat network: " + _meta_text(H.graph)
    _csv_rows(nodes_path, comment, ["id", *node_cols],
              ([n, *(a.get(c) for c in node_cols)] for n, a in H.nodes(data=True)))
    _csv_rows(edges_path, comment, ["source", "target", *edge_cols],
              ([u, v, *(a.get(c) for c in edge_cols)] for u, v, a in H.edges(data=True)))
    return [nodes_path, edges_path]


def write_json(G: nx.Graph, path: str | Path) -> Path:
    """Write networkx node-link JSON (``nodes``, ``edges``, ``graph``) plus a ``meta`` key."""
    H = exportable(G)
    data = nx.node_link_data(H, edges="edges")
    data = {"meta": {"edge_rules": H.graph.get("edge_rules"), "selection": H.graph.get("selection"),
                     **{k: v for k, v in H.graph.items() if k not in ("edge_rules", "selection")}},
            **data}
    path = Path(path)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def write_network(G: nx.Graph, path: str | Path, **options: Any) -> list[Path]:
    """Write a network to a file, the format chosen by the suffix (see the module docstring).

    Parameters
    ----------
    G : networkx.Graph or DiGraph
        A participant or hashtag network.
    path : str or Path
        ``.gexf``, ``.graphml``, ``.csv`` (writes ``<stem>-nodes.csv`` and ``<stem>-edges.csv``),
        ``.json``, ``.png`` or ``.svg``.
    **options
        For pictures, passed to :func:`swchat.network.draw.draw_network`.

    Returns
    -------
    list of Path
        The files written.

    Raises
    ------
    ValueError
        For an unknown suffix.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".gexf":
        return [write_gexf(G, path)]
    if suffix == ".graphml":
        return [write_graphml(G, path)]
    if suffix == ".csv":
        return write_csv(G, path)
    if suffix == ".json":
        return [write_json(G, path)]
    if suffix in (".png", ".svg"):
        from .draw import draw_network

        return [draw_network(G, path, **options)]
    raise ValueError(f"cannot tell the format of {path.name!r}: use one of {', '.join(FORMATS)}")
