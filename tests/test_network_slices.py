"""A network built a slice at a time is the network built from the whole selection.

`swchat network --hashtag` over a chat's whole history reads the posts in slices
(`swchat.network.selection_network`, `Archive.post_slices`), so memory does not hold every post.
These tests check it gives exactly what `chat_network` gives from the whole selection, however the
posts are cut and in whatever order the slices come.
"""

from __future__ import annotations

import pandas as pd
import pytest

import swchat
from swchat import archive as store
from swchat import network as nw
from swchat.errors import SelectionError
from swchat.schema import new_post, posts_frame


def same_graph(a, b) -> None:
    assert dict(a.nodes(data=True)) == dict(b.nodes(data=True))
    assert {(u, v): d for u, v, d in a.edges(data=True)} == {(u, v): d for u, v, d in b.edges(data=True)}
    assert a.graph == b.graph


@pytest.fixture
def sample(sample_archive_path, tmp_path):
    import shutil

    path = tmp_path / "sample.db"
    shutil.copy(sample_archive_path, path)
    with swchat.open(path) as archive:
        yield archive


@pytest.mark.parametrize("kind", ["all", "reply", "mention", "retweet", "quote"])
def test_the_archive_network_of_a_hashtag_is_the_chat_network(sample, kind):
    whole = nw.chat_network(sample.select("SWChat"), kind=kind, seed=7)
    streamed = sample.network(hashtag="#SWChat", kind=kind, seed=7)
    assert streamed.number_of_edges() > 0
    same_graph(streamed, whole)


def test_slices_of_any_size_and_order_give_the_same_network(sample):
    whole = nw.chat_network(sample.select(since="2000-01-01"), seed=1)
    for size in (1_000, 97):
        def slices(columns, size=size):
            return reversed(list(store.Archive.post_slices(sample, since="2000-01-01", columns=columns, size=size)))
        cut = nw.selection_network(slices, profiles=lambda keys: store.Archive.accounts(sample, keys),
                                   since="2000-01-01", seed=1)
        same_graph(cut, whole)
    assert whole.graph["selection"].startswith("since 2000-01-01; posts ")


def test_post_slices_hold_every_selected_post_once(sample):
    whole = sample.select("SWChat").posts
    slices = list(store.Archive.post_slices(sample, "SWChat", size=100))
    assert len(slices) > 5
    own = pd.concat([s[~s["is_context"]] for s in slices])
    assert len(own) == (~whole["is_context"]).sum()
    assert set(zip(own["platform"], own["post_id"], strict=True)) == set(
        zip(whole.loc[~whole["is_context"], "platform"], whole.loc[~whole["is_context"], "post_id"], strict=True))
    for s in slices:
        assert s["created_at"].is_monotonic_increasing


def test_the_latest_handle_wins_however_the_posts_are_cut():
    # account 1 was @old, then became @new; @new is mentioned: the mention reaches account 1
    def post(pid, author, handle, minute, text="", **kw):
        return new_post(platform="x", post_id=pid, author_id=author, author_handle=handle,
                        created_at=f"2026-09-02T19:{minute:02d}:00.000Z", text=text, **kw)

    frame = posts_frame([
        post("1", "1", "old", 0, "hello"),
        post("2", "2", "bob", 1, "hi @new", mentions=["new"]),
        post("3", "1", "new", 2, "I am new"),
        post("4", "3", "cat", 3, "hi @old", mentions=["old"]),
    ])
    whole = nw.build_network(frame, community=None)
    assert set(whole.edges) == {("2", "1"), ("3", "1")}
    assert whole.nodes["1"]["handle"] == "new"
    for order in ([3, 2, 1, 0], [2, 0, 3, 1]):
        parts = [frame.iloc[[i]] for i in order]
        cut = nw.selection_network(lambda columns, parts=parts: parts, community=None)
        assert dict(cut.nodes(data=True)) == dict(whole.nodes(data=True))
        assert set(cut.edges) == set(whole.edges)


def test_an_empty_selection_is_a_selection_error(sample):
    with pytest.raises(SelectionError, match="no #nothing"):
        sample.network(hashtag="nothing")


def test_with_opt_outs_the_network_is_protected_as_a_whole(sample):
    chat = sample.select("SWChat")
    someone = chat.posts.loc[~chat.posts["is_context"], "author_handle"].value_counts().index[3]
    sample.opt_out([someone])
    G = sample.network(hashtag="SWChat")
    assert someone not in {d.get("handle") for _, d in G.nodes(data=True)}
    same_graph(G, nw.chat_network(sample.select("SWChat")))


def test_quotes_a_tags_sheet_records_only_as_links_are_found_across_slices(sample_dir, tmp_path):
    # TAGS cannot record quotes: a post linking to another's permalink quotes it, and the quoted
    # post is often in another slice
    with swchat.open(tmp_path / "tags.db", create=True) as archive:
        archive.ingest([sample_dir / "swchat-tags.csv"])
        whole = nw.chat_network(archive.select("SWChat"), seed=1)
        assert sum(q for *_, q in whole.edges(data="quote")) > 10

        def slices(columns):
            return store.Archive.post_slices(archive, "SWChat", columns=columns, size=50)

        cut = nw.selection_network(
            slices, profiles=lambda keys: store.Archive.accounts(archive, keys), hashtag="SWChat", seed=1,
            posts_with_ids=lambda keys: store.Archive.posts_with_ids(archive, keys, context=False))
        same_graph(cut, whole)


def test_a_post_quoted_by_a_link_in_another_slice_is_found_by_its_id():
    # a TAGS sheet: post 2 quotes post 1 by its permalink, which carries a handle the author no
    # longer has; the quote reaches the author of post 1 (found by id), not a node for the old handle
    def post(pid, author, handle, minute, **kw):
        return new_post(platform="x", post_id=pid, author_id=author, author_handle=handle,
                        created_at=f"2026-09-02T19:{minute:02d}:00.000Z", origin="tags-csv", **kw)

    frame = posts_frame([
        post("1", "1", "ann", 0, text="Q1 #SWChat"),
        post("2", "2", "bob", 1, text="so true https://twitter.com/annold/status/1",
             urls=["https://twitter.com/annold/status/1"]),
    ])
    whole = nw.build_network(frame, community=None)
    assert list(whole.edges(data="quote")) == [("2", "1", 1)]
    parts = [frame.iloc[[1]], frame.iloc[[0]]]
    asked = []

    def posts_with_ids(keys):
        asked.append(set(keys))
        return frame[frame["post_id"].isin([k[1] for k in keys])]

    cut = nw.selection_network(lambda columns: parts, community=None, posts_with_ids=posts_with_ids)
    assert asked == [{("x", "1")}]
    assert list(cut.edges(data="quote")) == [("2", "1", 1)]
