"""The post-chat summary and its Markdown and HTML renderings."""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser

import pytest

from swchat import Archive
from swchat.chat import Chat
from swchat.errors import SelectionError, SwchatError
from swchat.report import build_summary, render_html, render_markdown, write_report
from swchat.report import summary as summary_module
from swchat.report.render import is_web_url, md_escape, md_link
from swchat.report.summary import Metric, Summary
from swchat.schema import new_post, posts_frame


@pytest.fixture(scope="module")
def archive(sample_archive_path, tmp_path_factory):
    path = tmp_path_factory.mktemp("report") / "sample.db"
    shutil.copy(sample_archive_path, path)
    with Archive(path) as opened:
        yield opened


@pytest.fixture(scope="module")
def latest_id(archive, truth):
    return archive.latest_session(truth["hashtag"])


@pytest.fixture(scope="module")
def summary(archive, latest_id):
    return build_summary(archive.session(latest_id), tz="Europe/London")


@pytest.fixture(scope="module")
def html(summary):
    return render_html(summary)


@pytest.fixture(scope="module")
def markdown(summary):
    return render_markdown(summary, images="inline")


def tiny_chat(**extra) -> Chat:
    rows = [
        new_post(platform="x", post_id="1", author_id="1", author_handle="host", author_name="The Host",
                 created_at="2026-09-02T19:00:00.000Z", text="Q1: what helps? #SWChat", hashtags=["SWChat"]),
        new_post(platform="x", post_id="2", author_id="2", author_handle="ann", kind="reply",
                 reply_to_post_id="1", reply_to_author_id="1", reply_to_handle="host",
                 created_at="2026-09-02T19:02:00.000Z", text="A1: supervision #SWChat", hashtags=["SWChat"],
                 **extra),
    ]
    return Chat(posts=posts_frame(rows), hashtag="SWChat")


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def tags_of(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


# -- the summary on the sample ----------------------------------------------------------


def test_latest_session_is_the_last_of_the_truth(latest_id, truth):
    assert latest_id == truth["sessions"][-1]["id"]


def test_headline_numbers_match_the_truth(summary, truth):
    expected = truth["sessions"][-1]
    assert summary.metric("posts").value == expected["posts"]
    assert summary.metric("participants").value == len(expected["participants"])
    assert summary.metric("newcomers").value == len(expected["newcomers"])
    previous = truth["sessions"][-2]
    assert summary.previous_session == previous["id"]
    assert summary.metric("posts").previous == previous["posts"]
    assert summary.metric("participants").change == len(expected["participants"]) - len(previous["participants"])


def test_every_section_is_present_on_the_sample(summary):
    assert summary.timeline is not None and summary.timeline.png.startswith(b"\x89PNG")
    assert summary.questions and summary.contributors and summary.conversations
    assert summary.network is not None and summary.network.figure is not None
    assert summary.newcomers is not None and summary.hashtags is not None and summary.links is not None


def test_questions_match_the_truth(summary, truth):
    expected = truth["sessions"][-1]["questions"]
    assert [q.label for q in summary.questions] == [f"Q{q['number']}" for q in expected]
    for got, want in zip(summary.questions, expected, strict=True):
        assert got.text and got.text in want["text"]  # the label is shown apart
        assert not re.match(r"\W*Q\s*\d", got.text)
        assert got.host == want["host"]
        assert got.answers, got.label
        scores = [a.engagement for a in got.answers]
        assert scores == sorted(scores, reverse=True)
        assert all(a.author not in truth["hosts"] for a in got.answers)


def test_newcomers_and_who_welcomed_them(summary, truth):
    expected = truth["sessions"][-1]
    section = summary.newcomers
    assert section.count == len(expected["newcomers"])
    assert section.welcomed == len(expected["newcomers_welcomed"])
    welcomed = {p.handle for p in section.people if p.welcomed_by}
    assert welcomed == set(expected["newcomers_welcomed"])


def test_times_are_in_the_hosts_zone(archive, latest_id, summary):
    assert summary.start.endswith(("GMT", "BST")) and summary.start.split(", ")[1].startswith("20:")
    utc = build_summary(archive.session(latest_id), tz="UTC", figures=False, previous=False)
    assert utc.start.endswith("UTC")
    assert utc.metric("posts").previous is None


def test_unknown_time_zone_is_a_clear_error(archive, latest_id):
    with pytest.raises(SelectionError, match="time zone"):
        build_summary(archive.session(latest_id), tz="Mars/Olympus")


def test_as_dict_is_json_ready(summary):
    data = json.loads(json.dumps(summary.as_dict()))
    assert data["headline"][0]["key"] == "posts"
    assert data["timeline"]["png_base64"]
    assert data["methods"]["edge_rules"]


def test_methods_box_names_sources_and_caveats(summary, html, markdown):
    methods = summary.methods
    text = " ".join(methods.counted + methods.notes + methods.sources)
    for needle in ("Symplur", "Budak", "Goel", "as of collection", "never a number of views"):
        assert needle in text
    for rendered in (html, markdown):
        assert "Methods" in rendered and "potential reach" in rendered.lower()


# -- rendering ------------------------------------------------------------------------------


def test_html_is_self_contained(html):
    for tag, attrs in tags_of(html):
        assert tag not in ("script", "link", "iframe", "object", "embed", "base")
        if "src" in attrs:
            assert attrs["src"].startswith("data:image/png;base64,")
        if tag == "a" and attrs.get("href", "").startswith("http"):
            assert attrs["rel"] == "noopener noreferrer nofollow"
        assert not any(name.startswith("on") for name in attrs)
    assert "@import" not in html and "url(" not in html
    assert "Content-Security-Policy" in html
    assert '<meta name="viewport"' in html and "@media print" in html and "max-width" in html


def test_html_sections_in_order(html):
    order = ["How the hour unfolded", "Question by question", "Top contributors",
             "Conversations that took off", "Who talked to whom", "Newcomers and who welcomed them",
             "Hashtags and links shared", "Methods"]
    at = [html.find(f"<h2>{title}</h2>") for title in order]
    assert all(i > 0 for i in at) and at == sorted(at)


def test_markdown_report(markdown, summary):
    lines = markdown.splitlines()
    assert lines[0].startswith("# ")
    assert "| Posts |" in markdown and "## Question by question" in markdown
    assert "![" in markdown and "data:image/png;base64," in markdown
    assert "<" not in markdown.replace("&lt;", "")  # no raw HTML at all
    assert markdown.count("### Q") == len(summary.questions)


def test_write_report_by_suffix(summary, tmp_path):
    html = write_report(summary, tmp_path / "r.html")
    assert html.read_text().startswith("<!doctype html>")
    md = write_report(summary, tmp_path / "out" / "r.md")
    text = md.read_text()
    assert "](r_files/timeline.png)" in text and "](r_files/network.png)" in text
    assert (tmp_path / "out" / "r_files" / "timeline.png").read_bytes().startswith(b"\x89PNG")
    with pytest.raises(SwchatError, match=r"\.html or \.md"):
        write_report(summary, tmp_path / "r.pdf")


def test_write_report_from_a_chat_with_options(tmp_path):
    path = write_report(tiny_chat(), tmp_path / "t.md", tz="Europe/London", figures=False)
    assert "20:00" in path.read_text()


def test_sections_are_absent_when_an_analysis_is_missing(monkeypatch):
    monkeypatch.setattr(summary_module, "_have", lambda name: name not in ("network", "questions", "figures"))
    s = build_summary(tiny_chat(), figures=True)
    assert s.network is None and s.questions is None and s.timeline is None
    assert s.conversations is not None
    html, md = render_html(s), render_markdown(s)
    assert "Who talked to whom" not in html and "Question by question" not in md
    gaps = " ".join(s.methods.gaps)
    assert "not installed): timeline, questions, network." in gaps
    monkeypatch.undo()
    gaps = " ".join(build_summary(tiny_chat(), figures=False).methods.gaps)
    assert "not installed" not in gaps and "Newcomers are not shown" in gaps


def test_everyone_opted_out_is_an_error():
    with pytest.raises(SelectionError, match="no posts left"):
        build_summary(tiny_chat(), exclude=["host", "ann"], figures=False)


def test_change_rendering():
    s = Summary(title="t", hashtag=None, session_id=None, tz="UTC", start=None, end=None, date=None,
                generated="now", version="0",
                headline=[Metric("posts", "Posts", 12, 10), Metric("participants", "Participants", 5, 5),
                          Metric("replies", "Replies", 3, 6)],
                previous_session="S-1")
    md = render_markdown(s)
    assert "| Posts | 12 | +2 (+20%) |" in md
    assert "| Participants | 5 | no change |" in md
    assert "| Replies | 3 | −3 (−50%) |" in md
    html = render_html(s)
    assert "▲ +2 (+20%)" in html and "no change" in html and "▼ −3 (−50%)" in html


# -- escaping -------------------------------------------------------------------------------------

NASTY = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "[click](javascript:alert(1))",
         "# heading", "| a | b |", "**bold** _it_ `code`", "line\nbreak", "&lt;b&gt;", "> quote"]


@pytest.mark.parametrize("text", NASTY)
def test_md_escape_neutralises(text):
    out = md_escape(text)
    assert "<" not in out and ">" not in out and "\n" not in out
    assert not out.startswith(("#", ">"))
    assert "](" not in out.replace("\\](", "")
    assert re.search(r"(?<!\\)[|*_`\[\]]", out) is None


@pytest.mark.parametrize(("url", "ok"), [
    ("https://basw.co.uk/a?b=1", True), ("http://x.org", True), ("javascript:alert(1)", False),
    ("JAVASCRIPT:alert(1)", False), (" javascript:alert(1)", False), ("data:text/html,hi", False),
    ("vbscript:x", False), ("//evil.org", False), ("https://x.org/\"onmouseover=alert(1)", False),
    ("https://x.org/a b", False), ("ftp://x.org", False), (None, False),
])
def test_only_web_urls_become_links(url, ok):
    assert is_web_url(url) is ok
    assert md_link(url).startswith("[") is ok
    from swchat.report.render import _html_link

    assert str(_html_link(url)).startswith("<a ") is ok


def test_user_text_is_escaped_in_both_formats():
    bad = '<script>alert(1)</script> <img src=x onerror=alert(1)> javascript:alert(1) [x](javascript:alert(1))'
    chat = tiny_chat(urls=["javascript:alert(1)", "https://ok.example/a"])
    root = chat.posts["post_id"] == "1"  # the opening post of the conversation shown
    chat.posts.loc[root, "text"] = bad + " https://ok.example/b"
    chat.posts.loc[root, "author_name"] = '<b onmouseover="alert(1)">Host</b>'
    chat.posts.loc[root, "author_handle"] = "<i>host</i>"
    s = build_summary(chat, figures=False)
    s.links = [("javascript:alert(1)", 2), ("https://ok.example/a", 1)]
    html = render_html(s)
    assert "<script>alert" not in html and "<img src=x" not in html and "<b onmouseover" not in html
    assert "&lt;script&gt;" in html
    hrefs = [a.get("href") for t, a in tags_of(html) if t == "a"]
    assert all(h.startswith(("#", "https://", "http://")) for h in hrefs)
    assert "https://ok.example/a" in hrefs and "https://ok.example/b" in hrefs
    assert "javascript:alert(1)" in html  # shown as text
    md = render_markdown(s)
    assert "<script" not in md and "<img" not in md
    assert re.search(r"(?<!\\)\]\(javascript:", md) is None
    assert "javascript:alert(1)) [https://ok.example/b](https://ok.example/b)" in md
    assert "[https://ok.example/a](https://ok.example/a)" in md
