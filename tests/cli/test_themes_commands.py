"""themes, growth and community through the command line."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from swchat.cli import main


def run(*args, **kw):
    return CliRunner().invoke(main, [str(a) for a in args], **kw)


@pytest.fixture
def db(sample_archive_path):
    return sample_archive_path


@pytest.fixture
def first(truth):
    return truth["sessions"][0]


def test_themes_plain_and_json(db, first, truth):
    res = run("themes", "--session", first["id"], "--tz", truth["timezone"], "--archive", db)
    assert res.exit_code == 0, res.output
    out = res.stdout
    for heading in ("top words", "word pairs", "hashtags", "links", "distinctive terms"):
        assert heading in out
    for q in first["questions"]:
        assert f"Q{q['number']}" in out
    res = run("themes", "--session", first["id"], "--tz", truth["timezone"], "--archive", db, "--json",
              "--top", "5", "--stopword", "poverty")
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert len(doc["terms"]) == 5 and all(t["term"] != "poverty" for t in doc["terms"])
    q1 = [t["term"] for t in doc["questions"]["Q1"]]
    assert "poverty" not in q1
    assert sum(t in first["questions"][0]["vocabulary"] for t in q1) >= 3


def test_themes_of_a_selection_with_topics(db):
    res = run("themes", "--hashtag", "SWChat", "--since", "2026-10-07", "--until", "2026-10-08",
              "--topics", "3", "--archive", db)
    assert res.exit_code == 0, res.output
    assert "topics (NMF)" in res.stdout and "Q1" in res.stdout


def test_growth_plain_json_and_figure(db, first, truth, tmp_path):
    fig = tmp_path / "timeline.png"
    res = run("growth", "--session", first["id"], "--tz", truth["timezone"], "--archive", db, "-o", fig)
    assert res.exit_code == 0, res.output
    assert "participants" in res.stdout and "activity tiers" in res.stdout
    assert "top 1 %" in res.stdout and "remaining 90 %" in res.stdout
    assert "20:00" in res.stdout  # London time shown
    assert fig.exists() and fig.stat().st_size > 5000 and "wrote" in res.stderr
    # the posts that can start a thread, counted so a host sees where the number comes from
    kinds = dict(re.findall(r"(original|quote) (\d+)", res.stdout.split("\n")[1]))
    starters = re.search(r"got a reply +\d+ % of (\d+) thread starters \((\d+) originals \+ (\d+) quotes\)",
                         res.stdout)
    assert starters, res.stdout
    total, originals, quotes = map(int, starters.groups())
    assert (originals, quotes) == (int(kinds["original"]), int(kinds["quote"])) and total == originals + quotes
    res = run("growth", "--session", first["id"], "--tz", truth["timezone"], "--archive", db, "--json",
              "-o", tmp_path / "p.svg", "--figure", "participants")
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["headline"]["participants"] == len(first["participants"])
    assert doc["headline"]["posts"] == first["posts"]
    assert sum(t["posts_share"] for t in doc["tiers"]) == pytest.approx(100.0)
    assert (tmp_path / "p.svg").exists()


def test_community_json_matches_truth_and_figures(db, truth, tmp_path):
    res = run("community", "--hashtag", "swchat", "--tz", truth["timezone"], "--archive", db, "--json",
              "-o", tmp_path / "n.png")
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["hashtag"] == "SWChat"
    rows = {r["session"]: r for r in doc["sessions"]}
    for s in truth["sessions"]:
        row = rows[s["id"]]
        assert row["newcomers"] == len(s["newcomers"]) and row["returners"] == len(s["returners"])
        assert (row["retention"] is None) == (s["retention"] is None)
        if s["retention"] is not None:
            assert row["retention"] == pytest.approx(s["retention"])
    assert (tmp_path / "n.png").exists()
    res = run("community", "--hashtag", "SWChat", "--tz", truth["timezone"], "--archive", db,
              "-o", tmp_path / "r.svg", "--figure", "retention")
    assert res.exit_code == 0, res.output
    assert "receptivity" in res.stdout and (tmp_path / "r.svg").exists()


@pytest.mark.parametrize("args", [
    ["growth", "--session", "SWChat-2026-10-07", "-o", "timeline.gif"],
    ["growth", "--session", "SWChat-2026-10-07", "--hashtag", "SWChat"],
    ["themes"],
    ["growth", "--session", "SWChat-2026-10-07", "--tz", "Mars/Olympus"],
    ["growth", "--session", "SWChat-2026-10-07", "--freq", "often"],
    ["community"],
])
def test_usage_errors_exit_2(db, args):
    res = run(*args, "--archive", db)
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.output


def test_missing_session_and_hashtag_are_one_sentence(db, tmp_path):
    res = run("themes", "--session", "SWChat-1999-01-01", "--archive", db)
    assert res.exit_code == 1 and "no session" in res.output and "Traceback" not in res.output
    res = run("community", "--hashtag", "NoSuchTag", "--archive", db)
    assert res.exit_code == 1 and "no sessions" in res.output
    res = run("growth", "--session", "SWChat-2026-10-07", "--archive", db, "-o", tmp_path / "no" / "t.png")
    assert res.exit_code == 1 and "does not exist" in res.output
