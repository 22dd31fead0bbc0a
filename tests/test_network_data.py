"""swchat.network on data: the sample's ground truth, and real X API v2 exports."""

from __future__ import annotations

import networkx as nx
import pandas as pd
import pytest

from swchat import Archive, Chat
from swchat import network as nw

EDGE_TYPES = ("reply", "mention", "retweet", "quote")


def _pairs(G, etype):
    def name(node):
        return G.nodes[node].get("handle", node)

    return sorted([name(u), name(v)] for u, v, d in G.edges(data=True) if d[etype])


def _session_chat(posts, profiles, session):
    """A Chat of exactly the truth's post ids (everything else in the archive is context)."""
    ids = set(session["post_ids"])
    own = posts["post_id"].isin(ids)
    referenced = set()
    for column in ("reply_to_post_id", "quoted_post_id", "retweeted_post_id"):
        referenced |= set(posts.loc[own, column].dropna())
    chosen = posts[own | posts["post_id"].isin(referenced)]
    chosen = chosen.assign(is_context=~chosen["post_id"].isin(ids))
    return Chat(posts=chosen, profiles=profiles, hashtag="SWChat", session_id=session["id"])


def _check_truth(chat, session):
    G = nw.chat_network(chat)
    for etype in EDGE_TYPES:
        want = session["edges"][etype]
        got = _pairs(G, etype)
        assert len(got) == want["count"], (session["id"], etype)
        assert got == want["pairs"], (session["id"], etype)


@pytest.mark.parametrize("filename", ["swchat-v2.jsonl", "swchat-v1.jsonl", "swchat-tags.csv"])
def test_sample_edges_equal_truth_per_session(sample_dir, truth, tmp_path, filename):
    with Archive(tmp_path / "a.db") as archive:
        result = archive.ingest([sample_dir / filename])
        assert not result.failed
        posts, profiles = archive.posts(), archive.accounts()
    assert truth["sessions"]
    for session in truth["sessions"]:
        _check_truth(_session_chat(posts, profiles, session), session)


def test_sample_sessions_from_the_archive_equal_truth(sample_archive, truth):
    pytest.importorskip("swchat.sessions")
    for session in truth["sessions"]:
        chat = sample_archive.session(session["id"])
        assert set(chat.own_posts["post_id"]) == set(session["post_ids"])
        _check_truth(chat, session)
        G = nw.chat_network(chat)
        hosts = {G.nodes[n]["handle"] for n in G if G.nodes[n]["host"]}
        assert hosts == set(session["hosts"])
        assert G.graph["session_id"] == session["id"]


def test_sample_metrics_and_shape(sample_archive, truth):
    session = truth["sessions"][0]
    posts, profiles = sample_archive.posts(), sample_archive.accounts()
    chat = _session_chat(posts, profiles, session)
    G = nw.chat_network(chat)
    m = nw.graph_metrics(G)
    assert m["vertices"] == len(G) >= len(session["participants"])
    assert m["unique_edges_reply"] == session["edges"]["reply"]["count"]
    assert 0 < m["largest_component_share"] <= 1 and m["diameter"] >= 2
    shape = nw.network_shape(G)
    assert shape["shape"] in nw.SHAPES
    table = nw.account_table(chat)
    assert set(truth["hosts"]) & set(table["handle"].head(5))  # hosts are central
    result = nw.chat_communities(chat)
    assert len(result) >= 2 and result.modularity > 0.2


# ----------------------------------------------------------------------- metrics vs networkx
@pytest.fixture(scope="module")
def generated_session_network(tmp_path_factory):
    """The participant network of one generated session of 2,000 posts, built as
    benchmarks/bench_network.py builds its smaller graph (X API v2 pages, read back)."""
    from swchat.readers import Post, read
    from swchat.sample import generate, write_v2_pages
    from swchat.schema import posts_frame

    path = tmp_path_factory.mktemp("generated") / "v2.jsonl"
    write_v2_pages(generate(seed=1, sessions=1, posts=2000), path)
    rows = [{**item.row, "is_context": item.context} for item in read(path) if isinstance(item, Post)]
    G = nw.build_network(posts_frame(rows), community=None)
    assert G.number_of_nodes() > 300
    return G


def _networkx_geodesics(U, sources):
    lengths = [d for s in sources for t, d in nx.single_source_shortest_path_length(U, s).items() if t != s]
    return max(lengths), sum(lengths) / len(lengths)


def test_session_betweenness_and_geodesics_equal_networkx(generated_session_network):
    G = generated_session_network
    U = nw.undirected(G)
    theirs = nx.betweenness_centrality(U, normalized=False)
    ours = nw.betweenness(G)
    assert ours.keys() == theirs.keys()
    for v in theirs:
        assert ours[v] == pytest.approx(theirs[v], rel=1e-9, abs=1e-9)
    largest = max(nx.connected_components(U), key=len)
    diameter, mean = _networkx_geodesics(U, largest)
    assert nw.geodesics(G) == (diameter, pytest.approx(mean, rel=1e-12), True)
    m = nw.graph_metrics(G, communities=[set(G)])
    assert (m["diameter"], m["mean_geodesic_distance"]) == (diameter, pytest.approx(mean, rel=1e-12))


def test_session_sampled_betweenness_and_geodesics_equal_networkx(generated_session_network, monkeypatch):
    # force the sampled estimates, as on a large archive; with the same sources they are networkx's
    import random

    G = generated_session_network
    U = nw.undirected(G)
    monkeypatch.setattr(nw.metrics, "BETWEENNESS_EXACT_MAX", 100)
    monkeypatch.setattr(nw.metrics, "BETWEENNESS_SAMPLES", 60)
    theirs = nx.betweenness_centrality(U, k=60, seed=7, normalized=False)
    ours = nw.betweenness(G, seed=7)
    for v in theirs:
        assert ours[v] == pytest.approx(theirs[v], rel=1e-9, abs=1e-9)
    monkeypatch.setattr(nw.metrics, "GEODESIC_EXACT_MAX", 100)
    monkeypatch.setattr(nw.metrics, "GEODESIC_SAMPLES", 50)
    nodes = sorted(max(nx.connected_components(U), key=len), key=str)
    sources = [nodes[i] for i in random.Random(7).sample(range(len(nodes)), 50)]
    diameter, mean = _networkx_geodesics(U, sources)
    assert nw.geodesics(G, seed=7) == (diameter, pytest.approx(mean, rel=1e-12), False)


# ----------------------------------------------------------------------------- real data
_FILES = ["2sets.jsonl", "brexit.jsonl", "entities_test.jsonl", "noflat.jsonl", "withheld.jsonl",
          "media_policy_violation_off.jsonl"]


def _network(tmp_path, name, inputs):
    with Archive(tmp_path / f"{name}.db") as archive:
        for batch in inputs:
            archive.ingest(batch)
        chat = archive.select()
    return chat, nw.chat_network(chat)


def _assert_same_network(a, b):
    assert sorted(a.nodes) == sorted(b.nodes)
    assert dict(a.nodes(data=True)) == dict(b.nodes(data=True))
    assert {(u, v): d for u, v, d in a.edges(data=True)} == {(u, v): d for u, v, d in b.edges(data=True)}
    assert a.graph == b.graph


@pytest.mark.realdata
@pytest.mark.parametrize("filename", _FILES)
def test_real_export_imported_twice_or_doubled_gives_the_same_network(realdata, tmp_path, filename):
    path = realdata("x-v2-twarc", filename)
    doubled = tmp_path / f"doubled-{filename}"
    data = path.read_bytes()
    doubled.write_bytes(data + (b"" if data.endswith(b"\n") else b"\n") + data)
    chat, once = _network(tmp_path, "once", [[path]])
    assert once.number_of_edges() > 0
    _, twice = _network(tmp_path, "twice", [[path], [path]])
    _, concatenated = _network(tmp_path, "concat", [[doubled]])
    _assert_same_network(once, twice)
    _assert_same_network(once, concatenated)
    # also without the archive's deduplication: the same rows given twice to the builder
    rows = pd.concat([chat.posts, chat.posts], ignore_index=True)
    again = nw.chat_network(Chat(posts=rows, profiles=chat.profiles, hashtag=chat.hashtag))
    _assert_same_network(once, again)
    assert nw.graph_metrics(once) == nw.graph_metrics(again)


@pytest.mark.realdata
def test_real_flattened_and_paged_exports_give_the_same_network(realdata, tmp_path):
    _, paged = _network(tmp_path, "paged", [[realdata("x-v2-twarc", "noflat.jsonl")]])
    _, flat = _network(tmp_path, "flat", [[realdata("x-v2-twarc", "flat.jsonl")]])
    _assert_same_network(paged, flat)


@pytest.mark.realdata
def test_real_retweets_make_no_mention_edges(realdata, tmp_path):
    chat, G = _network(tmp_path, "rt", [[realdata("x-v2-twarc", "2sets.jsonl")]])
    own = chat.own_posts
    retweeters = set(own.loc[own["kind"] == "retweet", "author_id"])
    only_retweeting = retweeters - set(own.loc[own["kind"] != "retweet", "author_id"])
    assert only_retweeting
    for node in only_retweeting:
        for _, _, d in G.out_edges(node, data=True):
            assert d["mention"] == 0 and d["reply"] == 0 and d["retweet"] >= 1
    m = nw.graph_metrics(G)
    assert m["unique_edges_retweet"] > 0 and m["self_loops"] == 0
