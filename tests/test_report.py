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
    order = ['<h2 id="highlights-title">The chat in brief</h2>', "<h2>How the hour unfolded</h2>",
             "<h2>Question by question</h2>", "<h2>Top contributors</h2>", "<h2>Conversations that took off</h2>",
             "<h2>Who talked to whom</h2>", "<h2>Newcomers and who welcomed them</h2>",
             "<h2>Hashtags and links shared</h2>", '<details id="research"', "<h2>Methods</h2>"]
    at = [html.find(title) for title in order]
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


# -- issue 13: a report for hosts first -----------------------------------------------------


def _post(pid, minute, who, text, parent=None, parent_author=None, likes=0, **kw):
    return new_post(platform="x", post_id=pid, author_id=who, author_handle=who, text=text,
                    created_at=f"2026-09-02T19:{minute:02d}:00.000Z", hashtags=["SWChat"],
                    kind="reply" if parent else kw.pop("kind", "original"), reply_to_post_id=parent,
                    reply_to_author_id=parent_author, like_count=likes, **kw)


def hosted_chat() -> Chat:
    """A hand-made session: a host asks Q1 and Q2; under Q1 a side question grows from ann's
    answer, cy's labelled answer draws a reply chain; eve starts a conversation of her own."""
    from swchat.sessions import find_sessions

    rows = [
        _post("1", 0, "host", "Q1: What helps you most? #SWChat", likes=9),
        _post("2", 2, "ann", "A1 supervision, always #SWChat", parent="1", parent_author="host", likes=3),
        _post("3", 3, "bob", "@ann do you get it weekly? #SWChat", parent="2", parent_author="ann", likes=8),
        _post("4", 4, "ann", "@bob fortnightly #SWChat", parent="3", parent_author="bob", likes=1),
        _post("5", 5, "cy", "A1 peer support #SWChat", likes=2),
        _post("6", 6, "dee", "@cy same here #SWChat", parent="5", parent_author="cy"),
        _post("7", 7, "bob", "@dee and @ann agree #SWChat", parent="6", parent_author="dee", mentions=["ann"]),
        _post("8", 20, "host", "Q2: What gets in the way? #SWChat", likes=4),
        _post("9", 21, "dee", "A2 caseloads #SWChat", parent="8", parent_author="host", likes=5),
        _post("10", 22, "cy", "A2 travel #SWChat https://t.co/AbC123", urls=["https://example.org/travel?a=1&b=2"],
              likes=1),
        _post("11", 24, "eve", "Coffee break chat, who else is tired? #SWChat"),
        _post("12", 25, "ann", "@eve me! #SWChat", parent="11", parent_author="eve"),
        _post("13", 26, "bob", "@eve always #SWChat", parent="11", parent_author="eve"),
    ]
    posts = posts_frame(rows)
    (session,) = find_sessions(posts, hashtag="SWChat", min_posts=3, min_participants=2)
    return Chat(posts=posts, hashtag="SWChat", session_id=session.id, meta={"session": session})


@pytest.fixture(scope="module")
def hosted():
    return build_summary(hosted_chat(), tz="UTC", figures=False)


def test_highlight_sentences_from_known_numbers(hosted):
    # 6 accounts, 13 posts from 19:00 to 19:26; Q1 holds posts 1-7 (5 people); ann and eve got
    # two replies or mentions each, bob, cy and dee one (bob first by name); the host is left out
    assert hosted.highlights.sentences == [
        "6 people took part in #SWChat on Wednesday 2 September 2026 and posted 13 times over 26 minutes.",
        "Q1, “What helps you most?”, drew the most posts (7, from 5 people), and @ann, @eve and @bob received "
        "the most replies and mentions.",
    ]
    # the three posts engaged with most, leaving out the hosts' (the questions had 9 and 4 likes)
    assert [p.post_id for p in hosted.highlights.top_posts] == ["3", "9", "2"]
    html, md = render_html(hosted), render_markdown(hosted)
    for rendered in (html, md):
        assert rendered.index("The chat in brief") < rendered.index("Question by question")
        assert "6 people took part in #SWChat on Wednesday 2 September 2026" in rendered


def test_highlights_name_the_newcomers_to_welcome_back(summary, markdown, truth):
    expected = truth["sessions"][-1]
    h = summary.highlights
    assert set(h.newcomers) == set(expected["newcomers"])
    assert set(h.not_welcomed) == set(expected["newcomers"]) - set(expected["newcomers_welcomed"])
    assert len(h.sentences) == 2 and f"{len(expected['participants'])} people took part" in h.sentences[0]
    assert f"{len(expected['newcomers'])} of them for the first time" in h.sentences[0]
    assert "### Newcomers to welcome back next week" in markdown


def test_answers_are_answers_to_the_question(hosted, summary, archive, latest_id):
    from swchat.questions import answer_label

    q1, q2 = hosted.questions
    # bob's side question to ann (8 likes) is not an answer to Q1; the labelled and direct ones are
    assert [a.post_id for a in q1.answers] == ["2", "5"]
    assert [a.post_id for a in q2.answers] == ["9", "10"]
    # on the sample: every answer shown is labelled with its question's number or replies to the question
    chat = archive.session(latest_id)
    posts = chat.own_posts.set_index(chat.own_posts["post_id"].astype(str))
    questions = chat.questions().set_index("segment")
    for q in summary.questions:
        number, qid = int(questions.loc[q.label, "number"]), str(questions.loc[q.label, "post_id"])
        for a in q.answers:
            row = posts.loc[a.post_id]
            assert answer_label(row["text"]) == number or str(row["reply_to_post_id"]) == qid, (q.label, a.text)


def test_conversations_leave_out_the_question_threads(hosted, summary, archive, latest_id):
    # hand-made: the two branches under Q1 and eve's own conversation, never the question threads
    found = [(c.opening.post_id, c.branch_of, c.size) for c in hosted.conversations]
    assert found == [("2", "Q1", 3), ("5", "Q1", 3), ("11", None, 3)]
    # on the sample: no conversation opens with a question or a host's post
    chat = archive.session(latest_id)
    asked = {str(q) for q in chat.questions()["post_id"]}
    assert summary.conversations
    for c in summary.conversations:
        assert c.opening.post_id not in asked and c.opening.author not in ("SWChatHost", "SWChatCoHost")
        assert c.size >= 3 and c.participants >= 2
    html = render_html(summary)
    section = html[html.index('<section id="conversations">'):html.index('<section id="network">')]
    for q in summary.questions:
        assert q.text not in section


def test_expanded_urls_replace_short_links(hosted):
    from swchat.report.summary import expand_links

    shown = next(a for a in hosted.questions[1].answers if a.post_id == "10")
    assert shown.text == "A2 travel #SWChat https://example.org/travel?a=1&b=2"
    html = render_html(hosted)
    assert "t.co/" not in html
    assert ('<a href="https://example.org/travel?a=1&amp;b=2" rel="noopener noreferrer nofollow">'
            "https://example.org/travel?a=1&amp;b=2</a>") in html
    assert "[https://example.org/travel?a=1&amp;b=2](https://example.org/travel?a=1&b=2)" in render_markdown(hosted)
    # only web addresses, one for one, else the text stays as it was
    assert expand_links("x https://t.co/a", ["javascript:alert(1)"]) == "x https://t.co/a"
    assert expand_links("x https://t.co/a", ['https://e.org/"><b>']) == "x https://t.co/a"
    assert expand_links("x https://t.co/a https://t.co/a", ["https://e.org/"]) == "x https://e.org/ https://e.org/"
    assert expand_links("x https://t.co/a", []) == "x https://t.co/a"


def test_expanded_urls_on_the_sample(archive, latest_id):
    # the sample's quotes carry a t.co link to the quoted post; the export holds where it leads
    chat = archive.session(latest_id)
    s = build_summary(chat, tz="Europe/London", figures=False, top=50)
    texts = [a.text for q in s.questions for a in q.answers] + [p.text for p in s.highlights.top_posts]
    texts += [c.opening.text for c in s.conversations if c.opening]
    assert texts and not [t for t in texts if "t.co/" in t]
    own = chat.own_posts
    quote = own[(own["kind"] == "quote") & own["text"].str.contains("t.co/")].iloc[0]
    from swchat.report.summary import expand_links

    assert expand_links(quote["text"], quote["urls"]).endswith(quote["urls"][0])


def test_question_headings_without_the_chat_tag(summary, markdown, html):
    for q in summary.questions:
        assert not q.text.lower().rstrip().endswith("#swchat"), q.text
    assert "### Q1. What does good corporate parenting look like in practice?\n" in markdown
    assert "<h3>What does good corporate parenting look like in practice?</h3>" in html


def test_every_number_says_what_it_means(summary, html, markdown):
    assert all(m.meaning for m in summary.headline)
    assert summary.research and all(m.meaning for m in summary.research)
    # the research measures are in the folded section, not among the host's numbers
    research = html[html.index('<details id="research"'):html.index("</details>")]
    for label in ("Density", "Modularity", "In-degree centralisation", "Structural virality"):
        assert label in research and html.index(label) > html.index('<details id="research"')
    assert "structural virality" not in html[:html.index('<details id="research"')].lower()
    assert "Groups not connected" not in html and "Interactions received" not in html
    # top contributors: responses and likes are named, and likes are the likes their posts had
    marcus = next(c for c in summary.contributors if c.handle == "marcuskelly")
    assert marcus.likes == 23 and marcus.received == 0
    assert "Responses: the replies, @-mentions and retweets" in html and "| Responses | Likes |" in markdown
    # the missing space before the shape's reasons; an emoji-capable font stack
    assert "best.(" not in html and "best.<span" not in html
    for font in ("Apple Color Emoji", "Segoe UI Emoji", "Noto Color Emoji"):
        assert f'"{font}"' in html
    assert "@page { size: A4" in html and "details.research::details-content" in html


def test_brief_summary_holds_highlights_and_questions_only(archive, latest_id, tmp_path):
    s = build_summary(archive.session(latest_id), tz="Europe/London", brief=True)
    assert s.brief and s.highlights.sentences and s.questions
    assert s.network is None and s.timeline is None and s.contributors is None and s.conversations is None
    html = write_report(s, tmp_path / "brief.html").read_text()
    md = write_report(s, tmp_path / "brief.md").read_text()
    assert 'id="highlights"' in html and 'id="questions"' in html
    for absent in ('id="contributors"', 'id="network"', 'id="research"', 'id="methods"', "<img"):
        assert absent not in html
    assert "## Question by question" in md and "## Who talked to whom" not in md and "![" not in md
    assert not (tmp_path / "brief_files").exists()
    # a full summary rendered brief shows the same two parts
    assert 'id="network"' not in render_html(build_summary(tiny_chat(), figures=False), brief=True)


def test_a_drawing_process_started_early_gives_the_same_figures():
    from swchat.report.summary import start_drawing

    drawing = start_drawing()
    early = build_summary(tiny_chat(), tz="Europe/London", drawing=drawing)
    assert drawing is None or drawing.wait()  # ended by build_summary
    late = build_summary(tiny_chat(), tz="Europe/London")
    assert [f.png for f in early.figures()] == [f.png for f in late.figures()] and early.figures()
    # one started for nothing (no figures asked for) is ended too
    unused = start_drawing()
    assert build_summary(tiny_chat(), figures=False, drawing=unused).timeline is None
    assert unused is None or unused.wait()
