"""swchat.network: edge rules, weights, node keys, metrics, communities, shape, ego networks.

Hand-made chats with known answers; PageRank and betweenness checked against independent
computations written here (a NumPy power iteration; shortest paths counted pair by pair).
"""

from __future__ import annotations

import itertools

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from swchat import Chat, mentions
from swchat import network as nw
from swchat.errors import SelectionError
from swchat.schema import accounts_frame, new_account, new_post, posts_frame

_CLOCK = itertools.count()


def P(pid, author, text="", kind="original", handle=None, **extra):
    """A canonical post; the handle defaults to 'u<author>'."""
    minute = next(_CLOCK) % 60
    return new_post(platform="x", post_id=str(pid), author_id=str(author),
                    author_handle=handle or f"u{author}", author_name=f"User {author}",
                    created_at=f"2026-09-02T19:{minute:02d}:00.000Z", text=text, kind=kind, **extra)


def reply(pid, author, to_post, to_author, text, **extra):
    return P(pid, author, text, kind="reply", reply_to_post_id=str(to_post),
             reply_to_author_id=str(to_author), reply_to_handle=f"u{to_author}", **extra)


def chat_of(*rows, **kw):
    return Chat(posts=posts_frame(rows), **kw)


def edges(G, etype=None):
    return {(u, v): (d if etype is None else d[etype]) for u, v, d in G.edges(data=True)
            if etype is None or d[etype]}


# ----------------------------------------------------------------------------- edge rules
def test_reply_mention_retweet_quote_edges_and_weights():
    rows = [
        P(1, 1, "Q1: what helps you switch off? #SWChat", hashtags=["SWChat"]),
        reply(2, 2, 1, 1, "@u1 A1 walking, as @u3 said", mentions=["u1", "u3"]),
        reply(3, 2, 1, 1, "@u1 and music", mentions=["u1"]),
        P(4, 3, "RT @u2: @u1 A1 walking, as @u3 said", kind="retweet", retweeted_post_id="2",
          mentions=["u2", "u1", "u3"]),
        P(5, 4, "So true https://twitter.com/u2/status/2", kind="quote", quoted_post_id="2",
          is_quote=True, urls=["https://twitter.com/u2/status/2"]),
        P(6, 1, "Welcome @u4 and @U2!", mentions=["u4", "U2"]),
    ]
    G = nw.chat_network(chat_of(*rows))
    assert edges(G, "reply") == {("2", "1"): 2}
    assert edges(G, "mention") == {("2", "3"): 1, ("1", "4"): 1, ("1", "2"): 1}
    assert edges(G, "retweet") == {("3", "2"): 1}
    assert edges(G, "quote") == {("4", "2"): 1}
    for _, _, d in G.edges(data=True):
        assert d["weight"] == sum(d[t] for t in nw.EDGE_TYPES)
    # the retweet authored no mention edges, neither to u2 (the RT) nor to u1/u3 (quoted text)
    assert not [e for e in edges(G, "mention") if e[0] == "3"]
    assert G.graph["kind"] == "all" and "retweet" in G.graph["edge_rules"]


def test_kind_filters_each_edge_type():
    rows = [P(1, 1, "hi"), reply(2, 2, 1, 1, "@u1 yes @u3", mentions=["u1", "u3"]),
            P(3, 3, "RT @u1: hi", kind="retweet", retweeted_post_id="1", mentions=["u1"])]
    chat = chat_of(*rows)
    assert set(edges(nw.chat_network(chat, kind="reply"))) == {("2", "1")}
    assert set(edges(nw.chat_network(chat, kind="mention"))) == {("2", "3")}
    assert set(edges(nw.chat_network(chat, kind="retweet"))) == {("3", "1")}
    assert nw.chat_network(chat, kind="quote").number_of_edges() == 0
    G = nw.chat_network(chat, kind="reply")
    assert G["2"]["1"] == {"reply": 1, "mention": 0, "retweet": 0, "quote": 0, "weight": 1}
    # every participant is a node, also without an edge of that kind
    assert set(G) == {"1", "2", "3"}
    with pytest.raises(ValueError, match="kind"):
        nw.chat_network(chat, kind="likes")


@pytest.mark.parametrize(("text", "mentions", "kind", "expected"), [
    ("@ann @bob thanks, and hi @carl", ["ann", "bob", "carl"], "reply", ["carl"]),
    ("@ann thanks! cc @ann", ["ann"], "reply", ["ann"]),          # named again later: counts
    ("@ann welcome!", ["ann"], "original", ["ann"]),             # not a reply: a real mention
    ("RT @ann: hi @carl", ["ann", "carl"], "retweet", []),
    ("@Ann hi", ["ann"], "reply", []),                            # case-insensitive
    ("@ann@mastodon.social nice, @bob@x.org too", ["ann@mastodon.social", "bob@x.org"], "reply",
     ["bob@x.org"]),
    ("@ann.bsky.social yes", ["ann.bsky.social"], "reply", []),
    ("  @ann\n@bob ok", ["ann", "bob"], "reply", []),
    ("hello", [], "reply", []),
    (None, ["ann"], "original", ["ann"]),
])
def test_mention_targets(text, mentions, kind, expected):
    assert nw.mention_targets(text, mentions, kind) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("@sam thanks @\u017fam", ["sam"]),     # long s: the same letter to a case-insensitive match
    ("@kim thanks @\u212aIM", ["kim"]),     # Kelvin sign
    ("@tim thanks @T\u0131M", ["tim"]),     # dotless i
    ("@tim thanks @T\u0130M", ["tim"]),     # dotted capital I
    ("@sam thanks, Sam", []),
])
def test_leading_handle_named_again_in_any_case(text, expected):
    """A reply's leading handle counts when the text names it again, matched without case
    exactly as the mention pattern matches (letters that fold to ASCII ones included)."""
    handle = expected[0] if expected else "sam"
    assert nw.mention_targets(text, [handle], "reply") == expected


@given(st.text(alphabet="@＠saSkKiIt.m_\u017f\u212a\u0131\u0130 é", max_size=14),
       st.sampled_from(["sam", "kit", "s.m", "ma@sa.k", "é"]))
def test_mention_prefilter_agrees_with_the_pattern(body, handle):
    """Whether a handle is mentioned in a text: the same answer with or without the quick
    look for it before the pattern is compiled."""
    assert mentions._mentioned_in(handle, body) == (mentions._mention_pattern(handle).search(body) is not None)


def test_self_loops_left_out_unless_asked():
    rows = [P(1, 1, "Q1"), reply(2, 1, 1, 1, "and also me @u1", mentions=["u1"]),
            P(3, 1, "RT @u1: Q1", kind="retweet", retweeted_post_id="1", mentions=["u1"])]
    assert nw.chat_network(chat_of(*rows)).number_of_edges() == 0
    G = nw.chat_network(chat_of(*rows), self_loops=True)
    assert G["1"]["1"] == {"reply": 1, "mention": 1, "retweet": 1, "quote": 0, "weight": 3}
    assert nw.graph_metrics(G)["self_loops"] == 1
    assert "self-loops kept" in G.graph["edge_rules"]


def test_duplicates_count_once():
    rows = [P(1, 1, "Q1"), reply(2, 2, 1, 1, "@u1 yes @u3", mentions=["u1", "u3"])]
    once = nw.build_network(posts_frame(rows))
    frame = posts_frame(rows)
    twice = nw.build_network(pd.concat([frame, frame, frame.iloc[::-1]], ignore_index=True))
    assert nx.utils.graphs_equal(once, twice)
    assert twice["2"]["1"]["reply"] == 1


def test_context_posts_name_authors_but_make_no_edges():
    context = P(10, 7, "an article @u8", mentions=["u8"], is_context=True)
    rows = [context,
            P(11, 1, "RT @u7: an article", kind="retweet", retweeted_post_id="10", mentions=["u7", "u8"]),
            P(12, 2, "worth reading", kind="quote", quoted_post_id="10", is_quote=True)]
    G = nw.chat_network(chat_of(*rows))
    assert set(edges(G)) == {("1", "7"), ("2", "7")}
    assert "8" not in G and "handle:u8" not in G
    assert G.nodes["7"]["posts"] == 0 and "first_post" not in G.nodes["7"]
    assert G.nodes["1"]["posts"] == 1


def test_node_keys_ids_handles_and_case_insensitive_merge():
    profiles = accounts_frame([new_account(platform="x", account_id="9", handle="Zoe", name="Zoe Z")])
    rows = [P(1, 1, "hi @ZOE and @Nobody and @nobody2", mentions=["ZOE", "Nobody", "nobody2"]),
            P(2, 2, "hello @NOBODY", mentions=["NOBODY"]),
            P(3, 3, "cc @U1", mentions=["U1"]),
            reply(4, 3, 99, 5, "@u5 hi", mentions=["u5"])]  # replied-to account never posted
    G = nw.chat_network(Chat(posts=posts_frame(rows), profiles=profiles))
    assert ("1", "9") in edges(G, "mention")        # handle → id from the profiles
    assert ("3", "1") in edges(G, "mention")        # handle → id from the posts, any case
    assert ("1", "handle:nobody") in edges(G) and ("2", "handle:nobody") in edges(G)
    assert ("3", "5") in edges(G, "reply")          # reply_to_author_id
    assert G.nodes["9"]["name"] == "Zoe Z" and G.nodes["9"]["handle"] == "Zoe"
    assert G.nodes["5"]["handle"] == "u5"
    assert G.nodes["handle:nobody"]["label"] == "Nobody"
    assert "name" not in G.nodes["handle:nobody"]
    assert G.nodes["1"]["first_post"].endswith("Z")


def test_reply_target_from_parent_post_or_handle():
    rows = [P(1, 7, "Q1"),
            P(2, 2, "@u7 yes", kind="reply", reply_to_post_id="1", mentions=["u7"]),
            P(3, 3, "@ghost yes", kind="reply", reply_to_post_id="404", reply_to_handle="Ghost",
              mentions=["ghost"])]
    G = nw.chat_network(chat_of(*rows), kind="reply")
    assert set(edges(G)) == {("2", "7"), ("3", "handle:ghost")}


def test_retweet_without_original_uses_rt_prefix():
    rows = [P(1, 1, "RT @Ann_B: truncated …", kind="retweet", mentions=["Ann_B"]),
            P(2, 2, "own", handle="ann_b")]
    assert set(edges(nw.chat_network(chat_of(*rows)))) == {("1", "2")}


def test_quote_from_permalink_when_source_has_no_quote_field():
    rows = [P(1, 1, "so good https://t.co/x", urls=["https://twitter.com/Ann/status/55"],
              origin="abc:7:tags-csv"),
            P(2, 2, "original", handle="ann")]
    assert edges(nw.chat_network(chat_of(*rows)), "quote") == {("1", "2"): 1}


def test_a_link_to_a_post_is_not_a_quote_where_the_source_records_quotes():
    rows = [P(1, 1, "read this https://t.co/x", urls=["https://twitter.com/Ann/status/55"],
              origin="abc:7:x-v2"),
            P(2, 2, "original", handle="ann")]
    assert edges(nw.chat_network(chat_of(*rows)), "quote") == {}


def test_multiple_platforms_get_prefixed_keys():
    rows = [P(1, 1, "hi @u2", mentions=["u2"]), P(2, 2, "x post"),
            new_post(platform="mastodon", post_id="https://m.social/1", author_id="1",
                     author_handle="u1", created_at="2026-09-02T19:00:00.000Z", text="toot")]
    G = nw.chat_network(chat_of(*rows))
    assert set(G) == {"x:1", "x:2", "mastodon:1"}
    assert set(edges(G)) == {("x:1", "x:2")}


def test_hosts_and_newcomers_flags():
    rows = [P(1, 1, "Q1"), reply(2, 2, 1, 1, "@u1 hi", mentions=["u1"])]
    G = nw.chat_network(chat_of(*rows, meta={"hosts": ["@U1"], "newcomers": ["2"]}))
    assert G.nodes["1"]["host"] is True and G.nodes["1"]["newcomer"] is False
    assert G.nodes["2"]["host"] is False and G.nodes["2"]["newcomer"] is True


def test_input_frame_not_mutated():
    frame = posts_frame([P(1, 1, "hi @u2", mentions=["u2"]), P(2, 2, "x")])
    before = frame.copy(deep=True)
    nw.build_network(frame)
    pd.testing.assert_frame_equal(frame, before)


# ----------------------------------------------------------------------------- metrics
def test_graph_metrics_by_hand():
    # 1 <-> 2 (reciprocated), 2 -> 3, 4 isolated; weights 2+1+1
    rows = [P(1, 1, "hi @u2", mentions=["u2"]), P(2, 1, "again @u2", mentions=["u2"]),
            P(3, 2, "hey @u1 and @u3", mentions=["u1", "u3"]), P(4, 4, "alone")]
    G = nw.chat_network(chat_of(*rows))
    m = nw.graph_metrics(G)
    assert m["vertices"] == 4
    assert (m["unique_edges"], m["total_edges"]) == (3, 4)
    assert (m["unique_edges_mention"], m["total_edges_mention"]) == (3, 4)
    assert m["reciprocated_vertex_pair_ratio"] == pytest.approx(1 / 2)
    assert m["reciprocated_edge_ratio"] == pytest.approx(2 / 3)
    assert (m["connected_components"], m["single_vertex_components"], m["isolates"]) == (2, 1, 1)
    assert m["largest_component_vertices"] == 3 and m["largest_component_share"] == 0.75
    assert m["density"] == pytest.approx(3 / 12)
    assert (m["diameter"], m["mean_geodesic_distance"]) == (2, pytest.approx(8 / 6))
    assert m["geodesics_exact"] is True
    # Freeman: in-degrees (1, 1, 1, 0) -> (0+0+0+1)/9; out-degrees (1, 2, 0, 0) -> (1+0+2+2)/9
    assert m["in_degree_centralization"] == pytest.approx(1 / 9)
    assert m["out_degree_centralization"] == pytest.approx(5 / 9)
    assert m["modularity"] is not None


def test_graph_metrics_empty_and_edgeless():
    assert nw.graph_metrics(nx.DiGraph())["vertices"] == 0
    m = nw.graph_metrics(nw.chat_network(chat_of(P(1, 1, "hi"), P(2, 2, "yo"))))
    assert m["modularity"] is None and m["reciprocated_vertex_pair_ratio"] is None
    assert m["isolates"] == 2 and m["diameter"] == 0


def _pagerank_power(G, alpha=0.85, tol=1e-13):
    """PageRank by direct power iteration on the weighted transition matrix."""
    nodes = list(G)
    n = len(nodes)
    W = nx.to_numpy_array(G, nodelist=nodes, weight="weight")
    out = W.sum(axis=1)
    dangling = out == 0
    T = np.divide(W, out[:, None], out=np.zeros_like(W), where=~dangling[:, None])
    r = np.full(n, 1 / n)
    for _ in range(10_000):
        new = alpha * (r @ T + r[dangling].sum() / n) + (1 - alpha) / n
        if np.abs(new - r).sum() < tol:
            break
        r = new
    return dict(zip(nodes, new, strict=True))


def _betweenness_by_paths(G):
    """Betweenness from every unordered pair's shortest paths, counted one by one."""
    U = nx.Graph(G.to_undirected())
    U.remove_edges_from(nx.selfloop_edges(U))
    score = dict.fromkeys(U, 0.0)
    for s, t in itertools.combinations(U, 2):
        if not nx.has_path(U, s, t):
            continue
        paths = list(nx.all_shortest_paths(U, s, t))
        for path in paths:
            for v in path[1:-1]:
                score[v] += 1 / len(paths)
    return score


def _random_chat(seed, n_accounts=25, n_posts=120):
    rng = np.random.default_rng(seed)
    rows = [P(f"o{a}", a, "hello") for a in range(n_accounts)]
    for i in range(n_posts):
        a, b = (int(x) for x in rng.choice(n_accounts, 2, replace=False))
        kind = rng.choice(["reply", "mention", "retweet"])
        if kind == "reply":
            rows.append(reply(i, a, f"o{b}", b, f"@u{b} sure"))
        elif kind == "mention":
            rows.append(P(i, a, f"cc @u{b}", mentions=[f"u{b}"]))
        else:
            rows.append(P(i, a, "RT @u: hello", kind="retweet", retweeted_post_id=f"o{b}"))
    return chat_of(*rows)


@pytest.mark.parametrize("seed", [1, 2])
def test_pagerank_and_betweenness_match_independent_computations(seed):
    chat = _random_chat(seed)
    table = nw.account_table(chat).set_index("id")
    G = nw.chat_network(chat)
    expected = _pagerank_power(G)
    for node, value in expected.items():
        assert table.loc[node, "pagerank"] == pytest.approx(value, abs=1e-8)
    by_paths = _betweenness_by_paths(G)
    for node, value in by_paths.items():
        assert table.loc[node, "betweenness"] == pytest.approx(value, abs=1e-9)


@pytest.mark.parametrize("graph", [
    nx.karate_club_graph(),
    nx.gnp_random_graph(120, 0.03, seed=3),                 # disconnected pieces and isolates
    nx.barabasi_albert_graph(300, 2, seed=4).to_directed(),
    nx.path_graph(2),
])
def test_betweenness_equals_networkx(graph):
    ours = nw.betweenness(graph)
    theirs = nx.betweenness_centrality(nx.Graph(graph.to_undirected()), normalized=False)
    assert ours.keys() == theirs.keys()
    for v in theirs:
        assert ours[v] == pytest.approx(theirs[v], abs=1e-9)


def test_sampled_betweenness_is_seeded_and_scaled_like_networkx(monkeypatch):
    G = nx.barabasi_albert_graph(400, 3, seed=5)
    a = nw.betweenness(G, k=80, seed=1)
    assert a == nw.betweenness(G, k=80, seed=1)
    assert a != nw.betweenness(G, k=80, seed=2)
    # the unscaled part equals networkx's subset betweenness over the same sources
    import random

    sources = sorted(random.Random(1).sample(list(range(400)), 80))
    subset = nx.betweenness_centrality_subset(G, sources, list(G), normalized=False)
    n, k = 400, 80
    for v in G:
        scale = (n - 1) / ((k - 1) * 2) if v in sources else (n - 1) / (k * 2)
        assert a[v] == pytest.approx(subset[v] * 2 * scale, rel=1e-9, abs=1e-9)
    # the estimate is close to the truth for the central nodes
    exact = nw.betweenness(G)
    top = sorted(exact, key=exact.get, reverse=True)[:5]
    for v in top:
        assert a[v] == pytest.approx(exact[v], rel=0.35)
    # above the threshold the estimate is used automatically
    monkeypatch.setattr(nw.metrics, "BETWEENNESS_EXACT_MAX", 100)
    monkeypatch.setattr(nw.metrics, "BETWEENNESS_SAMPLES", 80)
    assert nw.betweenness(G, seed=1) == a


@pytest.mark.parametrize("seed", [1, 2, 42])
def test_sampled_betweenness_equals_networkx_with_the_same_seed(seed):
    # the same sources as networkx draws for the seed, and networkx's scaling
    G = nx.barabasi_albert_graph(400, 3, seed=5).to_directed()
    ours = nw.betweenness(G, k=80, seed=seed)
    theirs = nx.betweenness_centrality(nw.undirected(G), k=80, seed=seed, normalized=False)
    assert ours.keys() == theirs.keys()
    for v in theirs:
        assert ours[v] == pytest.approx(theirs[v], rel=1e-9, abs=1e-9)


@pytest.mark.parametrize("graph", [
    nx.karate_club_graph(),
    nx.gnp_random_graph(120, 0.03, seed=3),                 # disconnected pieces and isolates
    nx.barabasi_albert_graph(300, 2, seed=4).to_directed(),
    nx.path_graph(2),
    nx.empty_graph(3),
])
def test_geodesics_equal_networkx_shortest_path_lengths(graph):
    U = nx.Graph(graph.to_undirected())
    largest = max(nx.connected_components(U), key=lambda c: (len(c), sorted(map(str, c))[:1]))
    lengths = [d for s in largest for t, d in nx.single_source_shortest_path_length(U, s).items() if t != s]
    diameter, mean, exact = nw.geodesics(graph)
    assert exact
    assert diameter == max(lengths, default=0)
    assert mean == pytest.approx(sum(lengths) / len(lengths) if lengths else 0.0, rel=1e-12)


def test_account_table_columns_and_sorting():
    rows = [P(1, 1, "Q1"), reply(2, 2, 1, 1, "@u1 a"), reply(3, 3, 1, 1, "@u1 b"),
            P(4, 3, "RT @u2: a", kind="retweet", retweeted_post_id="2")]
    table = nw.account_table(chat_of(*rows), sort="in_strength")
    assert table["handle"].tolist()[0] == "u1"
    row = table.set_index("handle").loc["u3"]
    assert (row.posts, row.out_degree, row.out_strength, row.out_reply, row.out_retweet) == (2, 2, 2, 1, 1)
    assert {"in_quote", "out_mention", "pagerank", "betweenness", "community", "first_post"} <= set(table)
    assert table["pagerank"].sum() == pytest.approx(1.0)
    with pytest.raises(ValueError, match="sort"):
        nw.account_table(chat_of(*rows), sort="nonsense")


def test_with_metrics_adds_node_attributes():
    G = nw.chat_network(chat_of(P(1, 1, "Q1"), reply(2, 2, 1, 1, "@u1 a")))
    H = nw.with_metrics(G)
    assert H.nodes["1"]["in_strength"] == 1 and "pagerank" in H.nodes["2"]
    assert "pagerank" not in G.nodes["1"]


# ----------------------------------------------------------------------------- communities
def _two_cliques_and_bridge():
    """Accounts 1-5 and 6-10 all mention each other; 5 and 6 reply to each other once."""
    rows = []
    pid = itertools.count(1)
    for group in (range(1, 6), range(6, 11)):
        for a in group:
            others = [f"u{b}" for b in group if b != a]
            rows.append(P(next(pid), a, "hi " + " ".join("@" + o for o in others) + " #Group",
                          mentions=others, hashtags=["SWChat", f"Group{group[0]}"],
                          urls=[f"https://example.org/{group[0]}"]))
    bridge = next(pid)
    rows.append(P(bridge, 5, "@u6 bridging!", mentions=["u6"]))
    rows.append(reply(next(pid), 6, bridge, 5, "@u5 agreed", mentions=["u5"]))
    rows.append(P(next(pid), 11, "just lurking"))
    return chat_of(*rows, hashtag="SWChat")


@pytest.mark.parametrize("method", ["louvain", "cnm"])
def test_two_cliques_found_and_bridge_is_broker(method):
    chat = _two_cliques_and_bridge()
    result = nw.chat_communities(chat, method=method)
    groups = sorted(sorted(c.members) for c in result)
    assert groups == [["1", "2", "3", "4", "5"], ["10", "6", "7", "8", "9"]]
    assert result.singletons == 1                     # the lurker
    assert [b["id"] for b in result.brokers][:2] in (["5", "6"], ["6", "5"])
    assert result.modularity > 0.3
    first = result[0]
    assert first.top_hashtags[0][0] in ("Group1", "Group6") and "SWChat" not in dict(first.top_hashtags)
    assert first.top_links[0][1] == 5
    assert first.top_accounts[0]["handle"].startswith("u")
    assert first.internal_edges == 20 and first.external_edges >= 1
    d = result.as_dict()
    import json

    assert json.loads(json.dumps(d))["communities"][0]["size"] == 5
    assert d["method"] == method


def test_limit_describes_the_largest_communities_and_keeps_the_whole_picture():
    chat = _random_chat(9, n_accounts=40, n_posts=200)
    full = nw.chat_communities(chat)
    assert len(full.communities) > 2
    some = nw.chat_communities(chat, limit=2)
    assert some.communities == full.communities[:2]
    assert [c.size for c in some] == sorted((c.size for c in full), reverse=True)[:2]
    assert (some.modularity, some.singletons, some.brokers) == (full.modularity, full.singletons, full.brokers)


def test_brokers_reuse_a_given_betweenness():
    G = nx.barbell_graph(5, 1)
    parts = [set(range(5)), {5, 6, 7, 8, 9, 10}]
    assert nw.brokers(G, parts).equals(nw.brokers(G, parts, between=nw.betweenness(G)))
    fake = dict.fromkeys(G, 1.0) | {4: 7.0}          # the given values are used as they are
    assert nw.brokers(G, parts, between=fake)["id"].tolist() == [4, 5]


def test_louvain_is_reproducible_and_independent_of_row_order():
    chat = _random_chat(7, n_accounts=40, n_posts=200)
    a = nw.chat_network(chat)
    b = nw.chat_network(Chat(posts=chat.posts.iloc[::-1].reset_index(drop=True)))
    assert dict(a.nodes(data="community")) == dict(b.nodes(data="community"))
    assert nw.communities(a, seed=3) == nw.communities(a, seed=3)


def test_communities_cover_every_node_once():
    G = nw.chat_network(_random_chat(8))
    for method in ("louvain", "cnm"):
        parts = nw.communities(G, method=method)
        assert sorted(n for p in parts for n in p) == sorted(G)
        assert [len(p) for p in parts] == sorted((len(p) for p in parts), reverse=True)
    with pytest.raises(ValueError):
        nw.communities(G, method="girvan")


def test_brokers_of_barbell():
    G = nx.barbell_graph(5, 1)  # two K5 joined through node 5
    parts = [set(range(5)), {5, 6, 7, 8, 9, 10}]
    table = nw.brokers(G, parts)
    assert table["id"].tolist() == [5, 4]  # 5 joins both sides; 4's neighbours span both too
    assert table["neighbour_communities"].tolist() == [2, 2]
    assert table["betweenness"].tolist() == [25.0, 24.0]  # 5x5 pairs; 4x6 pairs


# ----------------------------------------------------------------------------- shape
def _star(n, inward=True):
    return nx.DiGraph([(str(i), "hub") if inward else ("hub", str(i)) for i in range(n)])


def test_shapes_of_canonical_graphs():
    def shape(G):
        return nw.network_shape(G)["shape"]

    assert shape(_star(30)) == "broadcast network"
    assert shape(_star(30, inward=False)) == "support network"
    assert shape(nx.complete_graph(12).to_directed()) == "tight crowd"
    assert shape(nx.barbell_graph(10, 0).to_directed()) == "polarized crowd"
    clusters = nx.disjoint_union_all([nx.complete_graph(8) for _ in range(5)])
    for i in range(5):  # a ring of single links between five cliques
        clusters.add_edge(i * 8, ((i + 1) % 5) * 8 + 1)
    assert shape(clusters.to_directed()) == "community clusters"
    brand = nx.DiGraph([("a", "b"), ("c", "d")])
    brand.add_nodes_from(str(i) for i in range(10))
    assert shape(brand) == "brand clusters"
    empty = nw.network_shape(nx.DiGraph([("a", "a")]))
    assert empty["shape"] is None


def test_shape_returns_the_deciding_numbers_and_thresholds():
    result = nw.network_shape(_star(30))
    assert result["numbers"]["in_degree_centralization"] == pytest.approx(1.0)
    assert result["thresholds"]["hub_centralization"] == nw.SHAPE_THRESHOLDS["hub_centralization"]
    assert "centralisation" in result["reason"]
    relaxed = nw.network_shape(_star(30), thresholds={"hub_centralization": 1.1})
    assert relaxed["shape"] != "broadcast network"
    assert set(nw.SHAPES) >= {result["shape"]}


# ----------------------------------------------------------------------------- hashtags, ego
def test_hashtag_network():
    rows = [P(1, 1, hashtags=["SWChat", "SelfCare", "Burnout"]),
            P(2, 2, hashtags=["swchat", "selfcare", "burnout", "SelfCare"]),
            P(3, 3, hashtags=["Ethics"]),
            P(4, 4, kind="retweet", hashtags=["SelfCare", "Ethics"], retweeted_post_id="9"),
            P(5, 5, hashtags=["Ethics", "Burnout"], is_context=True)]
    H = nw.hashtag_network(posts_frame(rows), exclude="swchat")
    assert isinstance(H, nx.Graph) and not H.is_directed()
    assert dict(H.edges) == {("burnout", "selfcare"): {"weight": 2}, ("ethics", "selfcare"): {"weight": 1}}
    assert H.nodes["selfcare"] == {"label": "SelfCare", "posts": 3}
    H2 = nw.hashtag_network(posts_frame(rows), retweets=False, min_weight=2)
    assert set(H2.edges) == {("burnout", "selfcare"), ("burnout", "swchat"), ("selfcare", "swchat")}
    assert nw.graph_metrics(H)["graph_type"] == "undirected"


def test_ego_network():
    chat = _two_cliques_and_bridge()
    G = nw.chat_network(chat)
    E = nw.ego_network(G, "@U5")
    assert set(E) == {"1", "2", "3", "4", "5", "6"}
    assert E.graph["ego"] == "5" and E.nodes["5"]["ego"] is True and E.nodes["6"]["ego"] is False
    assert set(nw.ego_network(G, "5", radius=2)) == {str(i) for i in range(1, 11)}
    assert E.is_directed() and E.graph["kind"] == "all"
    with pytest.raises(SelectionError):
        nw.ego_network(G, "nobody")


def test_large_graph_metrics_are_exact():
    G = nx.barabasi_albert_graph(3000, 3, seed=1).to_directed()
    nx.set_edge_attributes(G, 1, "weight")
    m = nw.graph_metrics(G)
    b = nw.betweenness(G)
    assert m["geodesics_exact"] and m["diameter"] >= 3
    assert len(b) == 3000 and max(b.values()) > 0


def _random_digraph(seed: int) -> nx.DiGraph:
    """A directed graph with a hub, dangling accounts, self-loops and mixed weights (0 included)."""
    import random

    rng = random.Random(seed)
    nodes = [f"n{rng.randint(0, 10**6)}" for _ in range(rng.randint(1, 120))]
    G = nx.DiGraph()
    G.add_nodes_from(nodes)
    hub = rng.choice(nodes)
    for _ in range(rng.randint(0, 6 * len(nodes))):
        u = hub if rng.random() < 0.2 else rng.choice(nodes)
        v = rng.choice(nodes)
        r = rng.random()
        if r < 0.1:
            G.add_edge(u, v)  # no weight: 1
        else:
            G.add_edge(u, v, weight=rng.choice([1, 2, 7]) if r < 0.6 else (rng.random() * 5 if r < 0.95 else 0))
    return G


@pytest.mark.parametrize("seed", range(25))
def test_pagerank_gives_networkx_values_exactly(seed):
    from swchat.network.metrics import pagerank

    G = _random_digraph(seed)
    for tol, most in ((1e-6, 100), (1e-10, 1000)):
        ours = pagerank(G, tol=tol, max_iter=most)
        theirs = nx.pagerank(G, weight="weight", tol=tol, max_iter=most)
        assert list(ours) == list(theirs) and ours == theirs  # the same floats, not only close ones


def test_pagerank_of_other_graphs_is_networkx_own():
    from swchat.network.metrics import pagerank

    U = nx.karate_club_graph()
    assert pagerank(U) == pytest.approx(nx.pagerank(U))
    assert pagerank(nx.DiGraph()) == {}
