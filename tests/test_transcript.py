"""Transcripts: grouping by question, threading, local times, and Markdown that users cannot break."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from swchat.chat import Chat
from swchat.errors import SelectionError
from swchat.schema import new_post, posts_frame
from swchat.transcript import escape_markdown, transcript


def p(pid, minute, who, text, parent=None, kind=None, rt=None, tags=("SWChat",)):
    return new_post(platform="x", post_id=pid, author_id=who, author_handle=who, text=text,
                    created_at=f"2026-10-28T20:{minute:02d}:00.000Z", hashtags=list(tags),
                    kind=kind or ("reply" if parent else "retweet" if rt else "original"),
                    reply_to_post_id=parent, retweeted_post_id=rt)


NASTY = [
    "# I am not a heading",
    "> not a quote",
    "* not a list",
    "- not a list either",
    "+ nor this",
    "1. nor a numbered list",
    "| a | table |\n|---|---|",
    "<script>alert(1)</script>",
    "**bold** and _italic_ and `code` and [link](http://evil.example)",
    "line one\n## heading in line two\n> quote in line three",
    "===",
    "&amp; entity",
]


def _chat():
    rows = [p("1", 0, "host", "Welcome to #SWChat!"),
            p("2", 1, "ann", "Hi all"),
            p("3", 5, "host", "Q1: What helps? #SWChat"),
            p("4", 6, "bob", "A1 tea"),
            p("5", 7, "ann", "@bob yes!", parent="4", tags=()),
            p("6", 8, "cy", "@ann and biscuits", parent="5", tags=()),
            p("7", 9, "dee", "RT @host: Q1: What helps?", rt="3"),
            *[p(str(10 + i), 10 + i, f"u{i}", text) for i, text in enumerate(NASTY)],
            p("30", 30, "host", "Q2: And then? #SWChat"),
            p("31", 31, "bob", "A2 sleep"),
            p("32", 40, "host", "That's all, thanks everyone! #SWChat"),
            p("33", 41, "ann", "night #SWChat")]
    return Chat(posts=posts_frame(rows), hashtag="SWChat")


def test_markdown_structure_survives_user_text():
    md = transcript(_chat(), tz="Europe/London", min_posts=5)
    lines = md.splitlines()
    headings = [line for line in lines if line.startswith("#")]
    assert headings == ["# SWChat-2026-10-28 (#SWChat), Wednesday 28 October 2026", "## Intro",
                        "## Q1 · 20:05 · @host", "## Q2 · 20:30 · @host", "## Wrap-up"]
    for line in lines:
        stripped = line.lstrip(" ")
        if not line or line.startswith("#"):
            continue
        # every other line is a list item of ours, a continuation of one, or a note of ours
        assert stripped.startswith("- ") or line.startswith("  ") or stripped.startswith("_") \
            or "posts ·" in line, line
        assert not re.match(r"^\s*(>|\||\d+\.|[*+]\s)", line), line
        assert "<script>" not in line
    assert "\\# I am not a heading" in md and "\\<script\\>" in md
    assert "\\*\\*bold\\*\\*" in md and "\\[link\\](<http://evil.example>)" in md
    assert "  \\## heading in line two" in md and "  \\> quote in line three" in md


@pytest.mark.parametrize("text", NASTY)
def test_escape_markdown_neutralises_block_markers(text):
    out = escape_markdown(text)
    for line in out.split("\n"):
        assert not re.match(r"^\s*(#|>|[-*+]\s|\d+\.\s|\||<[a-z]|=+$)", line), line


def test_grouped_by_question_and_threaded_with_local_times():
    md = transcript(_chat(), tz="Europe/London", min_posts=5)
    intro, q1 = md.index("## Intro"), md.index("## Q1")
    q2, wrap = md.index("## Q2"), md.index("## Wrap-up")
    assert intro < q1 < q2 < wrap
    assert md.index("Hi all") < q1 < md.index("A1 tea") < q2 < md.index("A2 sleep") < wrap < md.index("night")
    assert "- 20:06 **@bob**: A1 tea\n  - 20:07 **@ann**: @bob yes!\n    - 20:08 **@cy**: @ann and biscuits" in md
    # London is on GMT on 28 October 2026; in New York it is 16:05
    assert "Q1 · 20:05" in md
    assert "Q1 · 16:05" in transcript(_chat(), tz="America/New_York", min_posts=5)
    assert "1 retweet not shown" in md and "RT @host" not in md
    assert "retweet of @host" in transcript(_chat(), retweets=True, min_posts=5)


def test_plain_text():
    text = transcript(_chat(), tz="Europe/London", format="text", min_posts=5)
    assert "INTRO\n-----" in text and "# I am not a heading" in text
    assert "20:06 @bob: A1 tea\n    20:07 @ann: @bob yes!\n        20:08 @cy: @ann and biscuits" in text
    assert "\\" not in text


def test_bad_format_and_zone():
    with pytest.raises(SelectionError):
        transcript(_chat(), format="html")
    with pytest.raises(SelectionError):
        transcript(_chat(), tz="Nowhere/Land")


def test_sample_transcript_shows_every_post_once(sample_archive, truth):
    t = truth["sessions"][0]
    chat = sample_archive.session(t["id"], tz=truth["timezone"])
    md = transcript(chat, tz=truth["timezone"], retweets=True)
    items = [line for line in md.splitlines() if re.match(r"^\s*- \d\d:\d\d \*\*@", line)]
    assert len(items) == t["posts"]
    assert [line[3:] for line in md.splitlines() if line.startswith("## Q")] == \
        [f"Q{q['number']} · {pd.Timestamp(q['time']).tz_convert(truth['timezone']):%H:%M} · @{q['host']}"
         for q in t["questions"]]
    text = transcript(chat, tz=truth["timezone"], format="text")
    assert text.count("\n") > len(t["questions"]) * 5
