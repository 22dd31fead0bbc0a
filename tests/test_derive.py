"""Deriving the session tables: the fast paths give exactly what the plain definitions give.

The archive reads only :data:`swchat.derive.DERIVE_COLUMNS` to bring its session tables up to
date; the analyses it calls work on whole columns. These tests pin that neither changes a value.
"""

from __future__ import annotations

import pandas as pd
import pytest

from swchat.archive import Archive as Storage
from swchat.derive import DERIVE_COLUMNS, derive_sessions
from swchat.growth import received_attention
from swchat.questions import answer_label, segment_posts
from swchat.sessions import sessions_by_tag


@pytest.fixture(scope="module", params=["swchat-v2.jsonl", "swchat-mastodon.jsonl", "swchat-bluesky.jsonl"])
def stored(request, sample_dir, tmp_path_factory) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A sample's posts (context rows included): every column, and only those derive reads."""
    with Storage(tmp_path_factory.mktemp("derive") / "a.db") as archive:
        archive.ingest([sample_dir / request.param])
        window = {"since": "2000-01-01", "until": "2100-01-01", "replies": False, "context": True}
        return archive.posts(**window), archive.posts(**window, columns=DERIVE_COLUMNS)


def _same(a, b) -> None:
    for name in ("sessions", "members", "participation", "interactions"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name))


def test_derive_needs_only_its_columns(stored):
    full, few = stored
    assert few["urls"].map(len).sum() == 0  # the unread columns are empty
    _same(derive_sessions(few), derive_sessions(full))


def test_posts_shared_between_hashtags_are_counted_per_set_of_other_hashtags(stored):
    full, _ = stored
    # a second hashtag on every other post: sessions of the two tags share many posts
    echo = [[*tags, "Echo"] if tags and i % 2 else tags for i, tags in enumerate(full["hashtags"])]
    tables = derive_sessions(full.assign(hashtags=echo), min_posts=3, min_participants=2)
    tag_of = dict(zip(tables.sessions["n"], tables.sessions["tag"], strict=True))
    keys = list(zip(tables.members["n"], tables.members["platform"], tables.members["post_id"], strict=True))
    tags_of: dict[tuple, set] = {}
    for n, platform, post_id in keys:
        tags_of.setdefault((platform, post_id), set()).add(tag_of[n])
    for n, tag, shared in zip(tables.sessions["n"], tables.sessions["tag"], tables.sessions["shared"], strict=True):
        counts: dict[tuple, int] = {}
        for m, platform, post_id in keys:
            others = tuple(sorted(tags_of[(platform, post_id)] - {tag}))
            if m == n and others:
                counts[others] = counts.get(others, 0) + 1
        assert shared == [[list(k), v] for k, v in sorted(counts.items())]
    assert any(tables.sessions["shared"].map(len)), "the sample should have shared posts"


def test_scoped_attention_is_each_group_alone(stored):
    full, _ = stored
    # three overlapping groups, each with its posts once as own rows and once as context copies
    parts = []
    for g, part in enumerate((full.iloc[::2], full.iloc[1::3], full)):
        parts += [part.assign(scope=g), part.iloc[::5].assign(scope=g, is_context=True)]
    scoped = pd.concat(parts, ignore_index=True)
    together = received_attention(scoped, scope="scope")
    for g in range(3):
        alone = received_attention(scoped[scoped["scope"] == g].drop(columns="scope"))
        mine = together[together["scope"] == g].drop(columns="scope").reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, alone)


def test_attention_of_no_posts_keeps_its_columns_and_types(stored):
    full, _ = stored
    out = received_attention(full.iloc[0:0])
    assert list(out.columns) == ["post_id", "created_at", "source", "target", "type"] and out.empty
    assert out["created_at"].dtype == full["created_at"].dtype


def test_segments_follow_the_rules_in_time_order(stored):
    full, _ = stored
    for found in sessions_by_tag(full).values():
        for session, part in found.sessions:
            segments = segment_posts(part, session, wrapup_after="1min")
            assert list(segments.index) == [str(p) for p in part["post_id"]]
            for question in session.questions:  # a question opens its own segment
                assert segments[question["post_id"]] == f"Q{question['number']}"
            if not session.questions:
                continue
            # a post with no label and no reference, over a minute after the last question: wrap-up
            last = max(pd.Timestamp(q["time"]) for q in session.questions)
            asked = {q["post_id"] for q in session.questions}
            for row in part.itertuples():
                plain = (row.reply_to_post_id is None and row.retweeted_post_id is None
                         and row.quoted_post_id is None and row.post_id not in asked
                         and (row.kind == "retweet" or answer_label(row.text) is None))
                if plain and row.created_at > last + pd.Timedelta(minutes=1):
                    assert segments[row.post_id] == "wrap-up"
