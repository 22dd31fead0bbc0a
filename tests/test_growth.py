"""Growth: timelines, first replies, network growth, activity tiers, newcomers and retention."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from swchat.chat import Chat
from swchat.growth import (
    TIER_NAMES,
    Growth,
    account_activity,
    activity_tiers,
    chat_growth,
    cumulative_activity,
    first_replies,
    network_growth,
    posts_per_minute,
    received_attention,
    tier_sizes,
)
from swchat.schema import new_post, posts_frame


def post(pid, author, minute, second=0, **kw):
    return new_post(platform="x", post_id=str(pid), author_id=str(author), author_handle=f"u{author}",
                    created_at=f"2026-10-07T19:{minute:02d}:{second:02d}.000Z", **kw)


# -- tiers -----------------------------------------------------------------------------


@pytest.mark.parametrize(("n", "sizes"), [(0, [0, 0, 0]), (1, [1, 0, 0]), (2, [1, 1, 0]), (3, [1, 1, 1]),
                                          (10, [1, 1, 8]), (49, [1, 4, 44]), (50, [1, 4, 45]),
                                          (100, [1, 9, 90]), (149, [1, 14, 134]), (150, [2, 13, 135]),
                                          (1000, [10, 90, 900])])
def test_tier_sizes(n, sizes):
    assert tier_sizes(n) == sizes


def test_tier_sizes_always_add_up():
    for n in range(0, 1200):
        sizes = tier_sizes(n)
        assert sum(sizes) == n
        if n:
            assert sizes[0] >= 1


def test_tiers_rank_by_posts_and_break_ties_by_first_post():
    # 12 accounts: account 0 posts 5 times, 1..11 once each; account 11 posts first of the rest
    rows = [post(i, 0, i) for i in range(5)]
    rows += [post(100 + a, a, 30 - a) for a in range(1, 12)]
    acts = account_activity(posts_frame(rows))
    assert acts["author_id"].tolist()[:2] == ["0", "11"]  # tie among one-post accounts: earliest first
    tiers = activity_tiers(posts_frame(rows))
    assert tiers["tier"].tolist() == list(TIER_NAMES)
    assert tiers["accounts"].tolist() == [1, 1, 10]
    assert tiers["posts"].tolist() == [5, 1, 10]
    # ties across the boundary are visible
    assert tiers.loc[1, "max_posts"] == tiers.loc[2, "max_posts"] == 1


def test_tiers_count_what_was_posted_and_received():
    rows = [
        post(1, 1, 0, text="Q1: hi", urls=["https://basw.co.uk"]),
        post(2, 1, 1, text="Q2: more"),
        post(3, 2, 2, kind="reply", text="@u1 yes", reply_to_post_id="1", reply_to_author_id="1",
             mentions=["u1"]),
        post(4, 3, 3, kind="retweet", text="RT @u1: Q1: hi", retweeted_post_id="1", mentions=["u1"]),
        post(5, 1, 4, kind="reply", text="@u1 self thread", reply_to_post_id="2", reply_to_author_id="1"),
        post(6, 2, 5, kind="quote", text="look https://twitter.com/u1/status/1", quoted_post_id="1",
             urls=["https://twitter.com/u1/status/1"]),
    ]
    acts = account_activity(posts_frame(rows)).set_index("author_id")
    assert acts.loc["1", ["posts", "originals", "replies", "posts_with_links", "replies_received",
                          "retweets_received"]].tolist() == [3, 2, 1, 1, 1, 1]
    # a link to an X post (what a quote carries) is not a shared link
    assert acts.loc["2", ["quotes", "posts_with_links"]].tolist() == [1, 0]
    tiers = activity_tiers(posts_frame(rows))
    for column in ("accounts", "posts", "originals", "replies", "retweets", "quotes",
                   "posts_with_links", "replies_received", "retweets_received"):
        assert tiers[f"{column}_share"].sum() == pytest.approx(100.0), column


def test_received_attention_follows_the_edge_rules():
    rows = [
        post(1, 1, 0, text="Welcome @u2 and @u3!", mentions=["u2", "u3"]),
        # a reply: its leading @u1 is automatic, @u3 in the text counts
        post(2, 2, 1, kind="reply", text="@u1 thanks, hi @u3", reply_to_post_id="1",
             reply_to_author_id="1", mentions=["u1", "u3"]),
        # a retweet mentions nobody
        post(3, 3, 2, kind="retweet", text="RT @u1: Welcome @u2 and @u3!", retweeted_post_id="1",
             mentions=["u1", "u2", "u3"]),
        # self-attention does not count; a handle never seen keeps its handle
        post(4, 3, 3, text="me, @u3, and @nobody", mentions=["u3", "nobody"]),
    ]
    got = received_attention(posts_frame(rows))
    pairs = set(zip(got["source"], got["target"], got["type"], strict=True))
    assert pairs == {("x:1", "x:2", "mention"), ("x:1", "x:3", "mention"), ("x:2", "x:1", "reply"),
                     ("x:2", "x:3", "mention"), ("x:3", "x:1", "retweet"), ("x:3", "x:@nobody", "mention")}


# -- timelines -------------------------------------------------------------------------


def test_posts_per_minute_and_cumulative():
    rows = [post(1, 1, 0, 5), post(2, 2, 0, 50, kind="reply", reply_to_post_id="1", reply_to_author_id="1"),
            post(3, 1, 3), post(4, 3, 3, 59, kind="retweet", retweeted_post_id="1")]
    posts = posts_frame(rows)
    per = posts_per_minute(posts, tz="Europe/London")
    assert str(per.index.tz) == "Europe/London"
    assert per.index[0].hour == 20  # 19:00 UTC is 20:00 in London (BST)
    assert per["total"].tolist() == [2, 0, 0, 2] and int(per["total"].sum()) == len(posts)
    assert per[["original", "reply", "retweet", "quote"]].sum().tolist() == [2, 1, 1, 0]
    cum = cumulative_activity(posts)
    assert cum["posts"].tolist() == [2, 2, 2, 4]
    assert cum["participants"].tolist() == [2, 2, 2, 3]
    wide = posts_per_minute(posts, start=pd.Timestamp("2026-10-07T18:58Z"), end="2026-10-07T19:05Z")
    assert len(wide) == 8 and wide["total"].sum() == 4


def test_first_replies_ignore_self_replies_and_count_quotes_as_originals():
    rows = [post(1, 1, 0), post(2, 1, 0, 20, kind="reply", reply_to_post_id="1", reply_to_author_id="1"),
            post(3, 2, 2, kind="reply", reply_to_post_id="1", reply_to_author_id="1"),
            post(4, 3, 3, kind="reply", reply_to_post_id="1", reply_to_author_id="1"),
            post(5, 2, 4, kind="quote", quoted_post_id="1"), post(6, 3, 9)]
    table = first_replies(posts_frame(rows)).set_index("post_id")
    assert table.loc["1", "replies"] == 2 and table.loc["1", "first_reply_seconds"] == 120.0
    assert table.loc["5", "replies"] == 0 and pd.isna(table.loc["5", "first_reply_seconds"])
    assert list(table.index) == ["1", "5", "6"]


def test_network_growth_ends_at_the_whole_network():
    from swchat.network import build_network

    rows = [post(1, 1, 0, text="Q1 hi @u4", mentions=["u4"]),
            post(2, 2, 1, kind="reply", text="@u1 yes", reply_to_post_id="1", reply_to_author_id="1",
                 mentions=["u1"]),
            post(3, 3, 5, kind="retweet", text="RT @u1: Q1 hi", retweeted_post_id="1", mentions=["u1"])]
    posts = posts_frame(rows)
    grown = network_growth(posts)
    G = build_network(posts, community=None)
    assert grown["accounts"].iloc[-1] == G.number_of_nodes() == 4
    assert grown["edges"].iloc[-1] == G.number_of_edges() == 3
    assert grown["edges"].is_monotonic_increasing and grown["accounts"].is_monotonic_increasing
    assert len(network_growth(posts, max_points=3)) <= 3


# -- one session of the sample ---------------------------------------------------------


def test_chat_growth_on_a_sample_session(truth, sample_session_chats):
    session = truth["sessions"][0]
    chat = sample_session_chats[session["id"]]
    g = chat_growth(chat, tz=truth["timezone"])
    assert isinstance(g, Growth)
    assert g.headline["posts"] == session["posts"] == int(g.per_minute["total"].sum())
    assert g.headline["participants"] == len(session["participants"]) == int(g.cumulative["participants"].iloc[-1])
    assert list(g.questions) == [f"Q{q['number']}" for q in session["questions"]]
    assert [t.isoformat() for t in g.questions.values()] == [
        pd.Timestamp(q["time"]).isoformat() for q in session["questions"]]
    # tiers: shares add to 100 %, counts add to the totals
    for column in ("accounts", "posts", "originals", "replies", "retweets", "quotes", "posts_with_links",
                   "replies_received", "retweets_received"):
        assert g.tiers[f"{column}_share"].sum() == pytest.approx(100.0), column
    assert g.tiers["accounts"].sum() == g.headline["participants"]
    assert g.tiers["posts"].sum() == g.headline["posts"]
    assert g.tiers[["originals", "replies", "retweets", "quotes"]].sum().sum() == g.headline["posts"]
    assert sum(g.headline["by_kind"].values()) == g.headline["posts"]
    assert g.tiers.loc[0, "accounts"] == 1  # at least one account in the top tier
    # the network at the end holds at least the session's distinct reply pairs
    assert g.headline["edges"] >= session["edges"]["reply"]["count"]
    doc = json.loads(json.dumps(g.as_dict()))
    assert doc["per_minute"][0]["minute"].endswith("+01:00")  # London summer time
    assert doc["headline"]["median_first_reply_seconds"] > 0


def test_chat_growth_takes_the_session_time_zone(sample_session_chats):
    chat = next(iter(sample_session_chats.values()))
    assert chat_growth(chat, network=False).tz == chat.meta["timezone"]


def test_chat_growth_accepts_a_plain_frame_and_a_selection_chat():
    rows = [post(i, i % 4, i) for i in range(8)]
    g = chat_growth(Chat(posts=posts_frame(rows), hashtag="SWChat"), network=False)
    assert g.title == "#SWChat" and g.network.empty and g.questions == {}
    assert chat_growth(posts_frame(rows), segments={"0": "Q1", "4": "Q2"}).questions.keys() == {"Q1", "Q2"}


def test_received_replies_follow_the_network_rule_when_the_author_id_is_missing():
    from swchat.growth import received_attention
    from swchat.schema import new_post, posts_frame

    def post(pid, author, handle, minute, **kw):
        return new_post(platform="x", post_id=pid, author_id=author, author_handle=handle,
                        created_at=f"2026-10-07T19:{minute:02d}:00.000Z", text="x", **kw)

    posts = posts_frame([
        post("1", "1", "ann", 0),
        post("2", "2", "bob", 1, kind="reply", reply_to_post_id="1"),            # parent's author
        post("3", "3", "cat", 2, kind="reply", reply_to_handle="Bob"),           # handle seen with id
        post("4", "3", "cat", 3, kind="reply", reply_to_handle="ghost"),         # handle never seen
    ])
    got = received_attention(posts)
    assert got[got["type"] == "reply"][["source", "target"]].values.tolist() == [
        ["x:2", "x:1"], ["x:3", "x:2"], ["x:3", "x:@ghost"]]
