"""swchat.network.export and swchat.network.draw: files Gephi, spreadsheets and people can read."""

from __future__ import annotations

import csv
import json

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from swchat import Chat
from swchat import network as nw
from swchat.network.draw import draw_network
from swchat.network.export import csv_safe, exportable, write_network
from swchat.schema import new_post, posts_frame


def _chat():
    def post(pid, author, text, handle, name, **kw):
        return new_post(platform="x", post_id=str(pid), author_id=str(author), author_handle=handle,
                        author_name=name, created_at=f"2026-09-02T19:{pid:02d}:00.000Z", text=text, **kw)

    rows = [
        post(1, 1, "Q1: what helps? #SWChat", "host", "=HYPERLINK(\"http://evil\")", hashtags=["SWChat"]),
        post(2, 2, "@host walking, says @carl", "ann", "+Ann, \"the\" SW", kind="reply",
             reply_to_post_id="1", reply_to_author_id="1", mentions=["host", "carl"]),
        post(3, 3, "RT @ann: walking", "carl", "-Carl\nNewline", kind="retweet", retweeted_post_id="2",
             mentions=["ann"]),
        post(4, 4, "agree https://twitter.com/ann/status/2", "@dee", "Dee; Ó Súilleabháin", kind="quote",
             quoted_post_id="2", is_quote=True),
        post(5, 5, "hi @nobody", "eve", None, mentions=["nobody"]),
        post(6, 6, "lurking", "fay", "@fay_official"),
    ]
    return Chat(posts=posts_frame(rows), hashtag="SWChat", session_id="SWChat-2026-09-02",
                meta={"hosts": ["host"]})


@pytest.fixture
def graph():
    return nw.with_metrics(nw.chat_network(_chat()))


def _assert_same_attributes(original, read):
    """Every attribute written comes back equal (readers may add their own, e.g. GEXF 'id')."""
    assert set(read.nodes) == set(original.nodes)
    assert set(read.edges) == set(original.edges)
    for node, attrs in original.nodes(data=True):
        for key, value in attrs.items():
            got = read.nodes[node][key]
            assert got == pytest.approx(value) if isinstance(value, float) else got == value, (node, key)
            assert type(got) is type(value) or (isinstance(value, int | float) and isinstance(got, int | float))
    for u, v, attrs in original.edges(data=True):
        for key, value in attrs.items():
            assert read.edges[u, v][key] == value, (u, v, key)


@pytest.mark.parametrize("suffix", [".gexf", ".graphml"])
def test_gexf_and_graphml_round_trip(graph, tmp_path, suffix):
    (path,) = write_network(graph, tmp_path / f"net{suffix}")
    read = nx.read_gexf(path) if suffix == ".gexf" else nx.read_graphml(path)
    assert read.is_directed()
    expected = exportable(graph)
    _assert_same_attributes(expected, read)
    # the original graph's values, not just the exported copy's
    assert read.nodes["1"]["host"] is True and read.nodes["2"]["host"] is False
    assert read.nodes["1"]["posts"] == 1 and isinstance(read.nodes["1"]["posts"], int)
    assert read.nodes["1"]["first_post"] == "2026-09-02T19:01:00.000Z"
    assert read.nodes["handle:nobody"]["label"] == "nobody" and "name" not in read.nodes["handle:nobody"]
    assert read.edges["2", "1"]["reply"] == 1 and read.edges["3", "2"]["retweet"] == 1
    if suffix == ".gexf":
        from xml.etree import ElementTree

        ns = {"g": "http://www.gexf.net/1.2draft"}
        meta = ElementTree.parse(path).getroot().find("g:meta", ns)
        description = meta.find("g:description", ns).text
        assert "retweeter -> original author" in description and "SWChat-2026-09-02" in description
        assert "all" in meta.find("g:keywords", ns).text
    else:
        assert read.graph["kind"] == "all" and read.graph["self_loops"] is False
        assert "replier" in read.graph["edge_rules"] and read.graph["session_id"] == "SWChat-2026-09-02"


def test_exportable_drops_none_and_flattens_objects():
    G = nx.DiGraph(selection=None, tags=["a", "b"])
    G.add_node("a", when=pd.Timestamp("2026-09-02T19:00Z"), n=np.int64(3), x=np.float64(0.5), none=None,
               tags={"b", "a"}, nested={"k": 1}, flag=np.bool_(True))
    G.add_node("b", n=2.5)
    H = exportable(G)
    assert H.graph == {"tags": "a, b"}
    assert H.nodes["a"] == {"when": "2026-09-02T19:00:00.000Z", "n": 3.0, "x": 0.5, "tags": "a, b",
                            "nested": '{"k": 1}', "flag": True}
    assert type(H.nodes["a"]["flag"]) is bool and type(H.nodes["b"]["n"]) is float


def test_csv_pair_is_proper_csv_and_escapes_formulas(graph, tmp_path):
    paths = write_network(graph, tmp_path / "net.csv")
    assert [p.name for p in paths] == ["net-nodes.csv", "net-edges.csv"]
    nodes_path, edges_path = paths
    first = nodes_path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# swchat network:") and "retweeter -> original author" in first
    assert "hashtag: SWChat" in first
    nodes = pd.read_csv(nodes_path, skiprows=1, dtype={"id": str})
    edges = pd.read_csv(edges_path, skiprows=1, dtype={"source": str, "target": str})
    assert len(nodes) == graph.number_of_nodes() and len(edges) == graph.number_of_edges()
    by_id = nodes.set_index("id")
    assert by_id.loc["1", "name"] == "'=HYPERLINK(\"http://evil\")"
    assert by_id.loc["2", "name"] == "'+Ann, \"the\" SW"
    assert by_id.loc["3", "name"] == "'-Carl\nNewline"
    assert by_id.loc["4", "handle"] == "dee"  # handles are kept without their @
    assert by_id.loc["6", "name"] == "'@fay_official"
    assert by_id.loc["4", "name"] == "Dee; Ó Súilleabháin"
    assert pd.isna(by_id.loc["5", "name"])
    assert bool(by_id.loc["1", "host"]) is True
    assert by_id.loc["2", "pagerank"] == pytest.approx(graph.nodes["2"]["pagerank"])
    row = edges[(edges.source == "2") & (edges.target == "1")].iloc[0]
    assert (row.reply, row.mention, row.retweet, row.quote, row.weight) == (1, 0, 0, 0, 1)
    # no cell anywhere starts with a formula character
    for path in paths:
        with path.open(encoding="utf-8", newline="") as fh:
            next(fh)
            for record in csv.reader(fh):
                for cell in record:
                    assert not cell.startswith(("=", "+", "@", "\t", "\r")), cell
                    assert not (cell.startswith("-") and not _number(cell)), cell
                    assert not cell.startswith(("{", "[")), cell


def _number(text):
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_csv_safe():
    assert csv_safe("=1+2") == "'=1+2"
    assert csv_safe("@SUM(A1)") == "'@SUM(A1)"
    assert csv_safe("\t=x") == "'\t=x"
    assert csv_safe("ann") == "ann" and csv_safe(-3) == -3 and csv_safe(None) is None


def test_node_link_json_has_meta(graph, tmp_path):
    (path,) = write_network(graph, tmp_path / "net.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert "retweeter -> original author" in data["meta"]["edge_rules"]
    assert "session SWChat-2026-09-02" in data["meta"]["selection"]
    H = nx.node_link_graph(data, edges="edges")
    assert H.is_directed() and set(H.edges) == set(graph.edges)
    assert H.nodes["1"]["host"] is True


def test_unknown_suffix(graph, tmp_path):
    with pytest.raises(ValueError, match=r"suffix|format"):
        write_network(graph, tmp_path / "net.xlsx")


def test_hashtag_network_exports(tmp_path):
    rows = [new_post(platform="x", post_id=str(i), author_id="1", created_at="2026-09-02T19:00:00.000Z",
                     hashtags=tags) for i, tags in enumerate([["a", "B"], ["b", "c"], ["A", "b"]])]
    H = nw.hashtag_network(posts_frame(rows))
    (path,) = write_network(H, tmp_path / "tags.graphml")
    read = nx.read_graphml(path)
    assert not read.is_directed() and read.edges["a", "b"]["weight"] == 2
    assert "co-occurrence" in read.graph["edge_rules"]


# ----------------------------------------------------------------------------- pictures
def _pixels(path):
    import matplotlib.image

    return matplotlib.image.imread(path)


def _big_chat(n_accounts, n_posts, seed=1):
    rng = np.random.default_rng(seed)
    rows = []
    hubs = max(2, n_accounts // 50)
    for i in range(n_posts):
        a = int(rng.integers(n_accounts))
        b = int(rng.integers(hubs)) if rng.random() < 0.6 else int(rng.integers(n_accounts))
        rows.append(new_post(platform="x", post_id=str(i), author_id=str(a), author_handle=f"user{a}",
                             created_at="2026-09-02T19:00:00.000Z", text=f"cc @user{b}",
                             mentions=[f"user{b}"]))
    return Chat(posts=posts_frame(rows), hashtag="SWChat")


@pytest.mark.parametrize(("accounts", "posts"), [(20, 40), (300, 900)])
def test_picture_renders_headless_and_is_not_blank(tmp_path, accounts, posts):
    G = nw.chat_network(_big_chat(accounts, posts))
    path = draw_network(G, tmp_path / "net.png", size_by="pagerank", top_labels=5)
    image = _pixels(path)
    assert image.shape[0] > 500 and image.shape[1] > 500
    assert float(np.var(image[..., :3])) > 1e-3
    # some pixels carry community colours, not only black/white/grey
    rgb = image[..., :3]
    assert (rgb.max(axis=-1) - rgb.min(axis=-1) > 0.2).mean() > 0.001


@pytest.mark.slow
def test_picture_of_two_thousand_accounts(tmp_path):
    G = nw.chat_network(_big_chat(2000, 6000))
    assert G.number_of_nodes() > 1500
    path = draw_network(G, tmp_path / "big.png", size_by="betweenness")
    assert float(np.var(_pixels(path)[..., :3])) > 1e-3


def test_svg_and_ego_picture(graph, tmp_path):
    (svg,) = write_network(graph, tmp_path / "net.svg", top_labels=3)
    assert svg.read_text(encoding="utf-8").lstrip().startswith(("<?xml", "<svg"))
    ego = nw.ego_network(graph, "ann", radius=1)
    (png,) = write_network(ego, tmp_path / "ego.png")
    assert float(np.var(_pixels(png)[..., :3])) > 1e-3


def test_draw_options(graph, tmp_path):
    for size_by in ("betweenness", "in_strength", "posts", "degree"):
        draw_network(graph, tmp_path / f"{size_by}.png", size_by=size_by, top_labels=0)
    with pytest.raises(ValueError):
        draw_network(graph, tmp_path / "x.png", size_by="shoe_size")
    with pytest.raises(ValueError):
        draw_network(graph, tmp_path / "x.pdf")
    draw_network(nx.DiGraph(), tmp_path / "empty.png")
    one = nx.DiGraph()
    one.add_node("a")
    draw_network(one, tmp_path / "one.png")


def test_drawing_writes_nothing_else(graph, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    draw_network(graph, out / "n.png")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    assert [p.name for p in out.iterdir()] == ["n.png"]


def test_graphml_leaves_out_what_xml_cannot_hold(tmp_path):
    """A control character in a display name, a hashtag or an account id does not break the GraphML
    file (issue 12, row 15): it is left out and the rest reads back."""
    import xml.etree.ElementTree as ET

    from swchat.network.export import write_graphml

    G = nx.DiGraph(hashtag="SW\x0bChat")
    G.add_node("1", name="Ann\x0b <Lee> & co", posts=2)
    G.add_node("2\x1f", name="Bob")
    G.add_edge("1", "2\x1f", reply=1, weight=1)
    path = write_graphml(G, tmp_path / "g.graphml")
    ET.parse(path)  # well-formed XML
    read = nx.read_graphml(path)
    assert read.graph["hashtag"] == "SWChat"
    assert read.nodes["1"]["name"] == "Ann <Lee> & co" and read.nodes["1"]["posts"] == 2
    assert list(read.edges(data="reply")) == [("1", "2", 1)]


def test_gexf_is_written_as_it_is_made_and_always_parses(tmp_path):
    """A control character in a display name (XML cannot hold one) is left out, and the file
    reads back with the same edges and typed values."""
    import xml.etree.ElementTree as ET

    from swchat.network.export import write_gexf

    G = nx.DiGraph(kind="all", hashtag="SWChat")
    G.add_node("1", label="@ann", name="Ann\x0b <Lee> & co", posts=2, pagerank=0.5, host=True)
    G.add_node("2", label="@bob", posts=1, pagerank=0.25, host=False)
    G.add_edge("1", "2", reply=2, mention=0, weight=2)
    path = write_gexf(G, tmp_path / "g.gexf")
    ET.parse(path)  # well-formed XML
    read = nx.read_gexf(path)
    assert read.nodes["1"]["name"] == "Ann <Lee> & co" and read.nodes["1"]["posts"] == 2
    assert read.nodes["2"]["host"] is False and read.edges["1", "2"]["reply"] == 2
    assert read.edges["1", "2"]["weight"] == 2
