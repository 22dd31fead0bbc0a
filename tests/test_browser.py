"""The HTML report in a real browser: nothing injected runs, and it renders at phone and desktop widths.

Uses headless Chromium (Debian package ``chromium``; ``make test`` installs it when missing).
Skipped only when no Chromium binary exists at all.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import pytest

from swchat.chat import Chat
from swchat.report import build_summary, render_html
from swchat.schema import accounts_frame, new_account, new_post, posts_frame


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


CHROMIUM = _chromium()
if CHROMIUM is None and os.environ.get("CI"):
    # in CI the browser is part of the set-up (`make test` installs it): its absence is a failure
    raise RuntimeError("Chromium is not installed: the browser tests cannot run in CI")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium; "
                                                "`make test` does this when run as root)"),
]

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-extensions", "--hide-scrollbars", "--mute-audio", "--disable-dev-shm-usage"]

CANARY = "document.documentElement.setAttribute('data-xss','ran')"
PAYLOADS = [
    f"<script>{CANARY}</script>",
    f'<img src=x onerror="{CANARY}">',
    f"<svg onload=\"{CANARY}\"></svg>",
    f"javascript:{CANARY}",
    f"[click me](javascript:{CANARY})",
    f'"><iframe src="javascript:{CANARY}"></iframe>',
]


def chromium(*args: str, timeout: int = 90) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory(prefix="swchat-chromium-") as profile:
        env = {**os.environ, "HOME": profile}
        return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args],
                              capture_output=True, text=True, timeout=timeout, env=env, check=False)


def hostile_chat() -> Chat:
    """A tiny chat whose every user-controlled field tries to inject script."""
    evil = " ".join(PAYLOADS)
    rows = []
    for i in range(14):
        author = str(i % 5 + 1)
        rows.append(new_post(
            platform="x", post_id=str(100 + i), author_id=author, author_handle=f"user{author}",
            author_name=f"<img src=x onerror=\"{CANARY}\">Name{author}",
            created_at=f"2026-09-02T19:{i * 3:02d}:00.000Z",
            text=(f"Q{i // 3 + 1}: {evil} #SWChat" if i % 3 == 0 else f"A{i // 3 + 1} {evil} #SWChat"),
            kind="original" if i % 3 == 0 else "reply",
            reply_to_post_id=None if i % 3 == 0 else str(100 + i - i % 3),
            reply_to_author_id=None if i % 3 == 0 else str((i - i % 3) % 5 + 1),
            hashtags=["SWChat", f"<b>{i}</b>"], mentions=["user1"],
            urls=[f"javascript:{CANARY}", "https://example.org/ok", f"https://example.org/\"onmouseover=\"{CANARY}"],
            url=f"javascript:{CANARY}" if i % 2 else "https://twitter.com/user1/status/1",
            like_count=i, repost_count=1, reply_count=2,
        ))
    profiles = [new_account(platform="x", account_id=str(a), handle=f"user{a}", name=f"<script>{CANARY}</script>",
                            followers=10) for a in range(1, 6)]
    return Chat(posts=posts_frame(rows), profiles=accounts_frame(profiles), hashtag="SWChat")


@pytest.fixture(scope="module")
def hostile_html() -> str:
    summary = build_summary(hostile_chat(), tz="Europe/London", title=f"<script>{CANARY}</script>")
    summary.links = [(f"javascript:{CANARY}", 3), ("https://example.org/ok", 2)]
    return render_html(summary)


class _Dom(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


def parse(html: str) -> list[tuple[str, dict[str, str | None]]]:
    dom = _Dom()
    dom.feed(html)
    return dom.elements


def check_dom(dom: str) -> None:
    """The DOM after the page ran: no injected element, no handler, no script URL, canary untouched."""
    elements = parse(dom)
    assert elements, "empty DOM"
    html_attrs = next(attrs for tag, attrs in elements if tag == "html")
    assert "data-xss" not in html_attrs, "an injected script ran"
    for tag, attrs in elements:
        assert tag not in ("script", "iframe", "svg", "object", "embed"), f"injected <{tag}>"
        assert not [a for a in attrs if a.startswith("on")], f"event handler on <{tag}>: {attrs}"
        if tag == "img":
            assert (attrs.get("src") or "").startswith("data:image/png;base64,"), attrs
        if tag == "a":
            href = attrs.get("href") or ""
            assert href.startswith(("#", "https://", "http://")), href
            if href.startswith("http"):
                assert attrs.get("rel") == "noopener noreferrer nofollow"
                assert '"' not in href
    assert "javascript:" not in " ".join(str(v) for _t, a in elements for v in a.values())
    # the payloads are shown as text, not dropped
    assert "&lt;script&gt;" in dom and "onerror=" in dom


def run_page(path: Path) -> tuple[str, str]:
    done = chromium("--enable-logging=stderr", "--v=0", "--virtual-time-budget=3000", "--dump-dom", path.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout, done.stderr


def console_errors(log: str) -> list[str]:
    lines = [line for line in log.splitlines() if "CONSOLE" in line or "Uncaught" in line
             or "Content Security Policy" in line or "Refused to" in line]
    return lines


def test_no_injected_script_runs(hostile_html, tmp_path):
    page = tmp_path / "hostile.html"
    page.write_text(hostile_html, encoding="utf-8")
    dom, log = run_page(page)
    check_dom(dom)
    assert console_errors(log) == []


def test_escaping_alone_stops_injection_without_the_csp(hostile_html, tmp_path):
    # the Content-Security-Policy is a second line of defence; escaping must hold without it
    page = tmp_path / "hostile-no-csp.html"
    without = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", hostile_html)
    assert without != hostile_html
    page.write_text(without, encoding="utf-8")
    dom, log = run_page(page)
    check_dom(dom)
    assert console_errors(log) == []


def test_canary_would_be_caught(tmp_path):
    # the check above can fail: an unescaped payload on a page without CSP does set the canary
    page = tmp_path / "control.html"
    page.write_text(f"<!doctype html><html><body><img src=x onerror=\"{CANARY}\"></body></html>")
    dom, _log = run_page(page)
    assert 'data-xss="ran"' in dom


def _pixels(path: Path) -> tuple[tuple[int, int], float]:
    from PIL import Image, ImageStat

    with Image.open(path) as im:
        gray = im.convert("L")
        return im.size, ImageStat.Stat(gray).var[0]


@pytest.fixture(scope="module")
def sample_report(sample_archive_path, tmp_path_factory) -> Path:
    from swchat import Archive
    from swchat.report import write_report

    folder = tmp_path_factory.mktemp("browser")
    db = folder / "sample.db"
    shutil.copy(sample_archive_path, db)
    with Archive(db) as archive:
        chat = archive.session(archive.latest_session("SWChat"))
        return write_report(chat, folder / "report.html", tz="Europe/London")


@pytest.mark.parametrize(("name", "width", "height"), [("phone", 390, 844), ("desktop", 1280, 900)])
def test_screenshots_are_not_blank(sample_report, tmp_path, name, width, height):
    shot = tmp_path / f"{name}.png"
    done = chromium(f"--window-size={width},{height}", f"--screenshot={shot}", sample_report.as_uri())
    assert done.returncode == 0 and shot.exists(), done.stderr[-2000:]
    size, variance = _pixels(shot)
    assert size == (width, height)
    assert variance > 100, f"{name} screenshot looks blank (variance {variance:.1f})"


def test_phone_layout_has_no_horizontal_overflow(sample_report, tmp_path):
    # measure the page in the browser: a copy without the CSP runs one probe script that
    # writes the document's scroll width into the DOM
    html = sample_report.read_text(encoding="utf-8")
    probe = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", html)
    script = ("<script>var d=document.documentElement;d.setAttribute('data-width',"
              "d.scrollWidth+' '+d.clientWidth+' '+window.innerWidth)</script>")
    page = tmp_path / "probe.html"
    page.write_text(probe.replace("</body>", script + "</body>"), encoding="utf-8")
    done = chromium("--window-size=390,844", "--virtual-time-budget=2000", "--dump-dom", page.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    found = re.search(r'data-width="(\d+) (\d+) (\d+)"', done.stdout)
    assert found, "the probe did not run"
    scroll, client, _inner = map(int, found.groups())
    assert client <= 600, "the window is not phone-sized"  # headless Chromium's minimum width is 500
    assert scroll <= client, f"the page is {scroll}px wide in a {client}px window"


# -- issue 13: a report that fits a phone and prints short ------------------------------------


def probe(html: str, script: str, width: int, tmp_path: Path, name: str = "probe") -> dict[str, str]:
    """Run ``script`` in a copy of the page without its CSP (so the one probe script may run) at
    ``width`` px; the script writes its findings as ``data-*`` attributes of <html>, returned here."""
    page = tmp_path / f"{name}.html"
    without = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", html)
    page.write_text(without.replace("</body>", f"<script>{script}</script></body>"), encoding="utf-8")
    done = chromium(f"--window-size={width},900", "--virtual-time-budget=2000", "--dump-dom", page.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    html_tag = re.search(r"<html[^>]*>", done.stdout)
    assert html_tag, "no <html> in the dumped DOM"
    found = dict(re.findall(r'data-([a-z-]+)="([^"]*)"', html_tag.group(0)))
    assert "probed" in found, "the probe did not run"
    return found


# every handle in a table cell: one that spans more than one line box was broken inside
BROKEN_HANDLES = """
var d = document.documentElement, all = document.querySelectorAll('td .handle, th .handle'), broken = [];
all.forEach(function (el) { if (el.getClientRects().length > 1) { broken.push(el.textContent); } });
d.setAttribute('data-handles', String(all.length));
d.setAttribute('data-broken', broken.join(' '));
d.setAttribute('data-width', String(d.clientWidth));
d.setAttribute('data-probed', '1');
"""


def test_no_handle_breaks_mid_word_in_tables_at_phone_width(sample_report, tmp_path):
    found = probe(sample_report.read_text(encoding="utf-8"), BROKEN_HANDLES, 390, tmp_path)
    assert int(found["width"]) <= 600, "the window is not phone-sized"
    assert int(found["handles"]) > 20  # the contributors' and the newcomers' tables
    assert found["broken"] == "", f"handles broken across lines: {found['broken']}"


def test_the_handle_probe_sees_a_broken_handle(sample_report, tmp_path):
    # the check above can fail: with the old rule (break anywhere) in narrow cells, handles break
    html = sample_report.read_text(encoding="utf-8")
    bad = ("<style>table { table-layout: fixed; } td:first-child, th:first-child { width: 70px; }"
           " td .handle { white-space: normal !important; word-break: break-word !important;"
           " overflow-wrap: anywhere !important; }</style></head>")
    found = probe(html.replace("</head>", bad, 1), BROKEN_HANDLES, 390, tmp_path, "control")
    assert found["broken"], "the probe missed handles broken across lines"


NETWORK_VIEW = """
var d = document.documentElement;
var figure = document.querySelector('#network figure'), list = document.querySelector('#network .narrow-only');
d.setAttribute('data-figure', getComputedStyle(figure).display);
d.setAttribute('data-list', getComputedStyle(list).display);
var research = document.querySelector('#research');
d.setAttribute('data-research', String(research.open) + ' '
               + String(research.querySelector('.measures').checkVisibility()) + ' '
               + String(research.getBoundingClientRect().height < 120));
d.setAttribute('data-probed', '1');
"""


@pytest.mark.parametrize(("width", "figure", "listed"), [(390, "none", "block"), (1280, "block", "none")])
def test_phone_gets_a_ranked_list_instead_of_the_network_picture(sample_report, tmp_path, width, figure, listed):
    found = probe(sample_report.read_text(encoding="utf-8"), NETWORK_VIEW, width, tmp_path)
    assert (found["figure"], found["list"]) == (figure, listed)
    # the researchers' section is folded on screen
    assert found["research"] == "false false true"


def _pdf(page: Path, out: Path) -> Path:
    done = chromium("--no-pdf-header-footer", f"--print-to-pdf={out}", page.as_uri())
    assert done.returncode == 0 and out.exists(), done.stderr[-2000:]
    return out


def test_brief_reports_print_on_at_most_three_a4_pages(sample_archive_path, tmp_path):
    from pypdf import PdfReader

    from swchat import Archive
    from swchat.report import write_report

    db = tmp_path / "sample.db"
    shutil.copy(sample_archive_path, db)
    with Archive(db) as archive:
        sessions = [s.id for s in archive.sessions("SWChat")]
        assert len(sessions) == 6
        pages = {}
        for session in sessions:
            page = write_report(archive.session(session), tmp_path / f"{session}.html", tz="Europe/London",
                                brief=True)
            pdf = PdfReader(_pdf(page, tmp_path / f"{session}.pdf"))
            width, height = (float(v) for v in pdf.pages[0].mediabox[2:])
            assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (210, 297), "not A4"
            pages[session] = len(pdf.pages)
            assert "people took part" in pdf.pages[0].extract_text()
    assert max(pages.values()) <= 3, pages


def test_printed_report_opens_the_researchers_section(sample_report, tmp_path):
    from pypdf import PdfReader

    pdf = PdfReader(_pdf(sample_report, tmp_path / "report.pdf"))
    text = " ".join(page.extract_text() for page in pdf.pages)
    assert "For researchers" in text and "centralisation (Freeman)" in text and "Structural virality" in text
