"""Reply trees and their metrics: hand-made trees with known answers, real X v2 data, scale."""

from __future__ import annotations

import json
import random

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from swchat.schema import new_post, posts_frame
from swchat.threads import (
    missing_parents,
    reply_forest,
    retweet_cascades,
    structural_virality,
    thread_roots,
    thread_table,
)


def post(pid, parent=None, author=None, minute=0, kind=None, context=False, text=None, **extra):
    return new_post(
        platform="x", post_id=pid, author_id=author or f"u{pid}", author_handle=author or f"u{pid}",
        created_at=f"2026-10-07T19:{minute:02d}:00.000Z", text=text or f"post {pid}",
        kind=kind or ("reply" if parent else "original"), reply_to_post_id=parent, is_context=context,
        **extra,
    )


def row(table, root):
    found = table[table["root"] == root]
    assert len(found) == 1, f"no single thread rooted at {root}"
    return found.iloc[0]


def test_star():
    t = thread_table(posts_frame([post("1"), post("2", "1", minute=1), post("3", "1", minute=2),
                                  post("4", "1", minute=3)]))
    r = row(t, "1")
    assert (r["size"], r["depth"], r["breadth"], r["participants"], r["replies"]) == (4, 1, 3, 4, 3)
    assert r["virality"] == pytest.approx(1.5)  # 2k/(k+1) with k = 3
    assert r["duration"] == pd.Timedelta(minutes=3)
    assert r["complete"] and r["missing"] == 0


def test_chain():
    rows = [post("1")] + [post(str(i), str(i - 1), minute=i) for i in range(2, 6)]
    r = row(thread_table(posts_frame(rows)), "1")
    assert (r["size"], r["depth"], r["breadth"]) == (5, 4, 1)
    assert r["virality"] == pytest.approx((5 + 1) / 3)  # a chain of n: (n + 1) / 3


def test_lone_post_has_depth_zero_and_virality_zero():
    r = row(thread_table(posts_frame([post("1")])), "1")
    assert (r["size"], r["depth"], r["breadth"], r["virality"]) == (1, 0, 1, 0.0)


def test_breadth_and_same_author_participants():
    rows = [post("1", author="a"), post("2", "1", author="b", minute=1), post("3", "1", author="a", minute=2),
            post("4", "2", author="b", minute=3), post("5", "2", author="c", minute=4),
            post("6", "3", author="c", minute=5)]
    r = row(thread_table(posts_frame(rows)), "1")
    assert (r["size"], r["depth"], r["breadth"], r["participants"]) == (6, 2, 3, 3)
    g = nx.Graph([("1", "2"), ("1", "3"), ("2", "4"), ("2", "5"), ("3", "6")])
    assert r["virality"] == pytest.approx(nx.average_shortest_path_length(g))


def test_missing_parent_is_a_placeholder_not_counted_in_size():
    posts = posts_frame([post("2", "404", minute=1), post("3", "404", minute=2), post("4", "3", minute=3)])
    t = thread_table(posts)
    r = row(t, "404")
    # shape includes the placeholder: 404 -> {2, 3}, 3 -> 4
    assert (r["size"], r["depth"], r["breadth"], r["missing"], r["complete"]) == (3, 2, 2, 1, False)
    g = nx.Graph([("404", "2"), ("404", "3"), ("3", "4")])
    assert r["virality"] == pytest.approx(nx.average_shortest_path_length(g))
    assert pd.isna(r["author"]) and r["replies"] == 3
    assert missing_parents(posts) == ["404"]
    forest = reply_forest(posts)
    assert forest.nodes["404"]["missing"] and not forest.nodes["2"]["missing"]


def test_context_parent_is_a_real_node():
    posts = posts_frame([post("1", author="org", context=True), post("2", "1", minute=5)])
    t = thread_table(posts)
    r = row(t, "1")
    assert (r["size"], r["depth"], r["context"], r["missing"]) == (2, 1, 1, 0)
    assert missing_parents(posts) == []
    assert reply_forest(posts).nodes["1"]["context"]


def test_context_only_trees_are_left_out():
    posts = posts_frame([post("1", context=True), post("2", minute=1, kind="retweet", retweeted_post_id="1")])
    assert thread_table(posts).empty
    assert len(thread_table(posts, own_only=False)) == 1


def test_quote_starts_its_own_tree_but_a_reply_that_quotes_stays():
    rows = [post("1"), post("2", minute=1, kind="quote", quoted_post_id="1", is_quote=True),
            post("3", "2", minute=2), post("4", "1", minute=3, quoted_post_id="9", is_quote=True)]
    t = thread_table(posts_frame(rows))
    assert set(t["root"]) == {"1", "2"}
    assert row(t, "2")["size"] == 2
    assert row(t, "1")["size"] == 2  # 1 and the reply that quotes
    assert thread_roots(posts_frame(rows)).to_dict() == {"1": "1", "2": "2", "3": "2", "4": "1"}


def test_retweets_are_not_in_trees_but_counted():
    rows = [post("1"), post("2", "1", minute=1),
            post("3", minute=2, kind="retweet", retweeted_post_id="1", author="a"),
            post("4", minute=3, kind="retweet", retweeted_post_id="1", author="b"),
            post("5", minute=4, kind="retweet", retweeted_post_id="2", author="a"),
            post("6", minute=5, kind="retweet", retweeted_post_id="77", author="a", text="RT @zed: hi")]
    posts = posts_frame(rows)
    t = thread_table(posts)
    assert len(t) == 1 and row(t, "1")["size"] == 2 and row(t, "1")["retweets"] == 3
    assert "3" not in reply_forest(posts)
    c = retweet_cascades(posts).set_index("post_id")
    assert (c.loc["1", "retweets"], c.loc["1", "retweeters"]) == (2, 2)
    assert c.loc["1", "author"] == "u1" and c.loc["1", "in_archive"]
    assert c.loc["77", "author"] == "zed" and not c.loc["77", "in_archive"]
    assert list(c.index[:1]) == ["1"]


def test_conversation_id_keeps_fragments_together():
    rows = [post("1", conversation_id="1"), post("2", "1", minute=1, conversation_id="1"),
            post("5", "4", minute=5, conversation_id="1")]  # 4 (a reply in the thread) is missing
    posts = posts_frame(rows)
    t = thread_table(posts)
    assert len(t) == 1
    r = row(t, "1")
    assert (r["size"], r["missing"], r["complete"], r["depth"]) == (3, 1, False, 2)
    assert missing_parents(posts) == ["4"]
    assert reply_forest(posts).edges["1", "4"]["gap"]
    # without conversation_id the fragment is a thread of its own, under a placeholder
    bare = posts_frame([{**r_, "conversation_id": None} for r_ in rows])
    assert set(thread_table(bare)["root"]) == {"1", "4"}


def test_missing_conversation_root_is_not_listed_as_a_missing_parent():
    posts = posts_frame([post("5", "4", minute=5, conversation_id="1")])
    assert missing_parents(posts) == ["4"]
    assert row(thread_table(posts), "1")["missing"] == 2


def test_reply_cycles_do_not_hang():
    posts = posts_frame([post("1", "2"), post("2", "1", minute=1), post("3", "3", minute=2)])
    t = thread_table(posts)
    assert t["size"].sum() == 3


def test_reply_to_a_retweet_goes_to_the_original():
    rows = [post("1"), post("2", minute=1, kind="retweet", retweeted_post_id="1"), post("3", "2", minute=2)]
    assert row(thread_table(posts_frame(rows)), "1")["size"] == 2


def test_virality_matches_networkx_on_random_trees():
    rng = random.Random(3)
    for n in (2, 3, 10, 60):
        rows = [post("0")] + [post(str(i), str(rng.randrange(i)), minute=i % 60) for i in range(1, n)]
        r = row(thread_table(posts_frame(rows)), "0")
        g = reply_forest(posts_frame(rows)).to_undirected()
        assert r["virality"] == pytest.approx(nx.average_shortest_path_length(g))
        assert r["virality"] == pytest.approx(structural_virality(g))
        assert r["depth"] == max(nx.shortest_path_length(g, "0").values())


def test_empty_frame():
    t = thread_table(posts_frame([]))
    assert t.empty and "virality" in t
    assert missing_parents(posts_frame([])) == []
    assert retweet_cascades(posts_frame([])).empty


def _big(n, shape):
    rng = np.random.default_rng(0)
    ids = np.arange(n).astype(str)
    if shape == "chain":
        parent = np.concatenate([[None], ids[:-1]]).astype(object)
    else:
        parent = np.array([None] + [str(rng.integers(0, i)) for i in range(1, n)], dtype=object)
    frame = posts_frame([])
    frame = pd.DataFrame({c: pd.Series([None] * n, dtype=object) for c in frame.columns})
    frame["platform"] = "x"
    frame["post_id"] = ids
    frame["author_id"] = (np.arange(n) % 997).astype(str)
    frame["author_handle"] = frame["author_id"]
    frame["created_at"] = pd.Timestamp("2026-10-07T19:00Z") + pd.to_timedelta(np.arange(n), unit="s")
    frame["kind"] = np.where(pd.isna(parent), "original", "reply")
    frame["reply_to_post_id"] = parent
    frame["is_context"] = False
    frame["hashtags"] = [[] for _ in range(n)]
    return frame


@pytest.mark.parametrize("shape", ["chain", "random"])
def test_hundred_thousand_posts(shape):
    posts = _big(100_000, shape)
    t = thread_table(posts)
    assert t["size"].sum() == 100_000
    if shape == "chain":
        assert t.loc[0, "depth"] == 99_999
        assert t.loc[0, "virality"] == pytest.approx((100_000 + 1) / 3)


@pytest.mark.realdata
def test_real_x_v2_context_and_missing_parents(realdata, archive):
    path = realdata("x-v2-twarc", "entities_test.jsonl")
    data, includes = {}, {}
    for line in path.read_text().splitlines():
        page = json.loads(line)
        data.update({t["id"]: t for t in page.get("data", [])})
        includes.update({t["id"]: t for t in page.get("includes", {}).get("tweets", [])})

    def parent_of(tweet):
        refs = {r["type"]: r["id"] for r in tweet.get("referenced_tweets", [])}
        return None if "retweeted" in refs else refs.get("replied_to")

    via_context = {tid: parent_of(t) for tid, t in data.items()
                   if parent_of(t) and parent_of(t) not in data and parent_of(t) in includes}
    absent = {parent_of(t) for t in [*data.values(), *includes.values()]
              if parent_of(t) and parent_of(t) not in data and parent_of(t) not in includes}
    assert via_context and absent  # the file has both cases

    archive.ingest([path])
    posts = archive.posts()
    forest = reply_forest(posts)
    for reply, parent in via_context.items():
        assert forest.has_edge(parent, reply)
        assert forest.nodes[parent]["context"] and not forest.nodes[parent]["missing"]
    assert set(missing_parents(posts)) == absent
    for parent in absent:
        assert forest.nodes[parent]["missing"]
    table = thread_table(posts, own_only=False)
    assert table["size"].sum() == int((posts["kind"] != "retweet").sum())
    own = thread_table(posts)
    assert own["size"].sum() - own["context"].sum() == int(((posts["kind"] != "retweet") & ~posts["is_context"]).sum())
    assert (table["missing"] > 0).sum() >= 1
