"""Participation across sessions: newcomers, returners, retention, receptivity (Budak & Agrawal 2013)."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from swchat.community import (
    Community,
    community_from_posts,
)
from swchat.schema import new_post, posts_frame


def post(pid, author, minute, second=0, **kw):
    return new_post(platform="x", post_id=str(pid), author_id=str(author), author_handle=f"u{author}",
                    created_at=f"2026-10-07T19:{minute:02d}:{second:02d}.000Z", **kw)


# -- across sessions -------------------------------------------------------------------


def test_community_on_hand_made_sessions():
    s1 = posts_frame([post(1, 1, 0, text="Welcome @u2!", mentions=["u2"]), post(2, 2, 1), post(3, 3, 2)])
    s2 = posts_frame([post(4, 1, 0), post(5, 4, 1, kind="reply", reply_to_post_id="4", reply_to_author_id="1"),
                      post(6, 1, 2, kind="reply", text="@u4 hi", reply_to_post_id="5", reply_to_author_id="4",
                           mentions=["u4"])])
    s3 = posts_frame([post(7, 2, 0), post(8, 4, 1), post(9, 5, 2)])
    c = community_from_posts([("s1", s1), ("s2", s2), ("s3", s3)], hashtag="SWChat")
    t = c.sessions.set_index("session")
    assert t["participants"].tolist() == [3, 2, 3]
    assert t["newcomers"].tolist() == [3, 1, 1]
    assert t["returners"].tolist() == [0, 1, 2]
    assert t.loc["s1", "retention"] == pytest.approx(2 / 3)  # u1 and u2 came back
    assert t.loc["s2", "retention"] == 0.5  # u4 came back, u1 did not
    assert pd.isna(t.loc["s3", "retention"])
    # receptivity: u2 was mentioned in s1 and returned; u3 was not and did not; u4 got a reply
    assert c.members["s1"]["newcomers_received"] == ["u2"]
    assert c.members["s2"]["newcomers_received"] == ["u4"]
    assert c.receptivity == {"received": {"newcomers": 2, "returned": 2, "rate": 1.0},
                             "not_received": {"newcomers": 2, "returned": 1, "rate": 0.5}}
    assert (t["newcomers_received"] + t["newcomers_not_received"] == t["newcomers"]).all()
    assert c.cohorts.to_numpy().tolist() == [[3, 1, 1], [0, 1, 1], [0, 0, 1]]
    assert c.retention_matrix().loc["s1", "s2"] == pytest.approx(1 / 3)
    assert json.loads(json.dumps(c.as_dict()))["sessions"][2]["retention"] is None
    with pytest.raises(ValueError):
        community_from_posts([("s1", s1), ("s1", s2)])


def test_community_matches_the_truth(sample_archive, truth):
    c = sample_archive.community(truth["hashtag"], tz=truth["timezone"])
    assert isinstance(c, Community)
    assert c.hashtag == truth["hashtag"]
    table = c.sessions.set_index("session")
    assert list(table.index) == [s["id"] for s in truth["sessions"]]
    for s in truth["sessions"]:
        m = c.members[s["id"]]
        assert m["participants"] == s["participants"]
        assert m["newcomers"] == s["newcomers"], s["id"]
        assert m["returners"] == s["returners"], s["id"]
        assert m["newcomers_received"] == s["newcomers_welcomed"], s["id"]
        row = table.loc[s["id"]]
        assert row["newcomers"] == len(s["newcomers"]) and row["returners"] == len(s["returners"])
        assert row["newcomers_received"] + row["newcomers_not_received"] == row["newcomers"]
        if s["retention"] is None:
            assert pd.isna(row["retention"])
        else:
            assert row["retention"] == pytest.approx(s["retention"])
            assert m["newcomers_returned"] == s["newcomers_returned"]
            assert row["received_returned"] + row["not_received_returned"] == row["newcomers_returned"]
    # the receptivity split sums to the newcomers of every session but the last
    split = c.receptivity
    assert split["received"]["newcomers"] + split["not_received"]["newcomers"] == sum(
        len(s["newcomers"]) for s in truth["sessions"][:-1])
    for ours, theirs in (("received", "welcomed"), ("not_received", "not_welcomed")):
        assert split[ours]["newcomers"] == truth["receptivity"][theirs]["newcomers"]
        assert split[ours]["returned"] == truth["receptivity"][theirs]["returned"]
    # the cohort table's diagonal is the newcomers; each column sums to the participants
    assert [int(c.cohorts.iat[i, i]) for i in range(len(c.cohorts))] == table["newcomers"].tolist()
    assert c.cohorts.sum(axis=0).tolist() == table["participants"].tolist()


def test_community_without_sessions_is_a_selection_error(sample_archive):
    from swchat.errors import SelectionError

    with pytest.raises(SelectionError, match="no sessions"):
        sample_archive.community("#NoSuchTag")
