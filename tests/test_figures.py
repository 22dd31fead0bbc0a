"""Figures render without a display, in PNG and SVG, and are not blank."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from swchat.community import community_from_posts
from swchat.figures import (
    KIND_COLORS,
    PALETTE,
    apply_style,
    newcomers_figure,
    participants_figure,
    retention_figure,
    save_figure,
    style,
    timeline_figure,
)
from swchat.growth import chat_growth
from swchat.schema import new_post, posts_frame


def _png_is_drawn(path) -> None:
    import matplotlib.image as mpimg

    pixels = mpimg.imread(path)
    assert pixels.ndim == 3 and pixels.shape[0] > 300 and pixels.shape[1] > 300
    assert pixels[..., :3].var() > 1e-3, f"{path} looks blank"


def _svg_is_drawn(path) -> None:
    text = path.read_text()
    assert text.lstrip().startswith("<?xml") and "<svg" in text
    assert len(re.findall(r"<(path|rect|use|polyline|image)\b", text)) > 20, f"{path} has nothing drawn"


@pytest.fixture(scope="module")
def growth():
    kinds = ["original", "reply", "retweet", "quote"]
    rows = []
    for i in range(60):
        kind = kinds[i % 4]
        extra = {"reply_to_post_id": "0", "reply_to_author_id": "0"} if kind == "reply" else {}
        rows.append(new_post(platform="x", post_id=str(i), author_id=str(i % 9), author_handle=f"u{i % 9}",
                             created_at=f"2026-10-07T19:{i % 60:02d}:{(i * 7) % 60:02d}.000Z",
                             kind=kind, text=f"Q{i // 12 + 1}: hello" if i % 12 == 0 else "words", **extra))
    segments = {str(i): f"Q{i // 12 + 1}" for i in range(0, 60, 12)}
    return chat_growth(posts_frame(rows), tz="Europe/London", segments=segments)


@pytest.fixture(scope="module")
def community():
    sessions = [(f"SWChat-2026-10-{7 + 7 * k:02d}", pd.DataFrame({"author_id": ids}))
                for k, ids in enumerate([["1", "2", "3", "4"], ["1", "2", "5"], ["2", "5", "6", "7"]])]
    return community_from_posts(sessions, hashtag="SWChat")


@pytest.mark.parametrize("suffix", [".png", ".svg"])
@pytest.mark.parametrize("which", ["timeline", "participants", "newcomers", "retention"])
def test_every_figure_renders_headless(which, suffix, growth, community, tmp_path):
    draw, data = {
        "timeline": (timeline_figure, growth),
        "participants": (participants_figure, growth),
        "newcomers": (newcomers_figure, community),
        "retention": (retention_figure, community),
    }[which]
    path = tmp_path / "sub" / f"{which}{suffix}"
    out = draw(data, path)
    assert out == path and path.exists() and path.stat().st_size > 2000
    (_png_is_drawn if suffix == ".png" else _svg_is_drawn)(path)


def test_figures_on_the_sample(sample_archive, truth, tmp_path):
    c = sample_archive.community(truth["hashtag"], tz=truth["timezone"])
    chat = sample_archive.session(truth["sessions"][0]["id"], tz=truth["timezone"])
    g = chat_growth(chat, network=False)
    for path in (timeline_figure(g, tmp_path / "t.png"), participants_figure(g, tmp_path / "p.png"),
                 newcomers_figure(c, tmp_path / "n.png"), retention_figure(c, tmp_path / "r.png")):
        _png_is_drawn(path)


def test_empty_growth_still_draws(tmp_path):
    g = chat_growth(posts_frame([new_post(platform="x", post_id="1", author_id="1",
                                          created_at="2026-10-07T19:00:00.000Z")]), network=False)
    _png_is_drawn(timeline_figure(g, tmp_path / "one.png"))


def test_bad_suffix_and_style_restores_settings(growth, tmp_path):
    import matplotlib

    with pytest.raises(ValueError, match=r"\.gif"):
        timeline_figure(growth, tmp_path / "t.gif")
    with pytest.raises(ValueError):
        save_figure(None, tmp_path / "noext")
    before = matplotlib.rcParams["font.size"]
    with style():
        assert matplotlib.rcParams["font.size"] == 16
        assert matplotlib.rcParams["axes.spines.top"] is False
    assert matplotlib.rcParams["font.size"] == before
    with matplotlib.rc_context():
        apply_style()
        assert matplotlib.rcParams["axes.titleweight"] == "bold"
    assert set(KIND_COLORS) == {"original", "reply", "retweet", "quote"}
    assert len(set(PALETTE.values())) == len(PALETTE)


def test_figures_leave_pyplot_alone(growth, tmp_path):
    import matplotlib

    backend = matplotlib.get_backend()
    timeline_figure(growth, tmp_path / "t.png")
    assert matplotlib.get_backend() == backend
    import matplotlib.pyplot as plt

    assert plt.get_fignums() == []


def test_long_timelines_are_binned(tmp_path):
    rows = [new_post(platform="x", post_id=str(i), author_id=str(i % 5),
                     created_at=f"2026-10-{7 + i // 24:02d}T{i % 24:02d}:00:00.000Z") for i in range(96)]
    g = chat_growth(posts_frame(rows), network=False)
    assert len(g.per_minute) > 4000
    _png_is_drawn(timeline_figure(g, tmp_path / "long.png", max_bars=200))


def test_timeline_bars_stack_the_counts_of_each_kind(tmp_path, monkeypatch):
    """Each kind's bars stand on the kinds below it and are as tall as its count; empty bins draw nothing."""
    import matplotlib.dates as mdates

    import swchat.figures as figures

    at = {"original": ["19:00:05", "19:00:40", "19:02:10"], "reply": ["19:00:20"],
          "retweet": ["19:02:30", "19:02:50"]}
    rows = []
    for kind, times in at.items():
        for t in times:
            extra = {"reply_to_post_id": "0", "reply_to_author_id": "0"} if kind == "reply" else {}
            rows.append(new_post(platform="x", post_id=f"{kind}{t}", author_id="1", author_handle="u1",
                                 created_at=f"2026-10-07T{t}.000Z", kind=kind, **extra))
    g = chat_growth(posts_frame(rows), network=False)
    drawn = {}
    real_save = figures.save_figure

    def keep(fig, path):
        drawn["fig"] = fig
        return real_save(fig, path)

    monkeypatch.setattr(figures, "save_figure", keep)
    timeline_figure(g, tmp_path / "t.png")
    ax = drawn["fig"].axes[0]
    bars = {}
    for collection in ax.collections:
        for verts in collection.get_paths():
            (x0, y0), (_, y1) = verts.vertices[0], verts.vertices[1]
            minute = mdates.num2date(x0).strftime("%H:%M")
            bars[(collection.get_label(), minute)] = (round(y0, 6), round(y1, 6))
    assert bars == {("originals", "19:00"): (0, 2), ("replies", "19:00"): (2, 3),
                    ("originals", "19:02"): (0, 1), ("retweets", "19:02"): (1, 3)}
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["originals", "replies", "retweets"]
    assert ax.get_ylim()[0] == 0 and ax.get_ylim()[1] >= 3
