"""The chat website (``swchat site``): linked, searchable without a server, consent applied, incremental.

The site of the sample archive is built once per module; tests that change the archive work on
copies. The browser tests use headless Chromium as tests/test_browser.py does, and are skipped
only when no Chromium binary exists (``make test`` installs it).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

from swchat import Archive
from swchat.chat import Chat
from swchat.cli import main
from swchat.report.site import MANIFEST, SiteSession, write_site
from swchat.schema import new_post, posts_frame

TZ = "Europe/London"


# -- reading the site -------------------------------------------------------------------------------


class _Page(HTMLParser):
    """Every element's attributes, the ids, the sessions' rows (cells by ``data-label``) and the
    text of ``<script>`` elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.ids: set[str] = set()
        self.rows: dict[str, dict[str, str]] = {}
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._row: str | None = None
        self._cell: str | None = None
        self._script: dict[str, str | None] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.elements.append((tag, attrs))
        if attrs.get("id"):
            self.ids.add(str(attrs["id"]))
        if tag == "tr" and str(attrs.get("id") or "").startswith("s-"):
            self._row = str(attrs["id"])
            self.rows[self._row] = {"hidden": "hidden" in attrs}
        elif tag == "td" and self._row and attrs.get("data-label"):
            self._cell = str(attrs["data-label"])
            self._text = []
        elif tag == "script":
            self._script = attrs
            self._text = []

    def handle_endtag(self, tag):
        if tag == "td" and self._cell and self._row:
            self.rows[self._row][self._cell] = "".join(self._text).strip()
            self._cell = None
        elif tag == "tr":
            self._row = None
        elif tag == "script" and self._script is not None:
            self.scripts.append((self._script, "".join(self._text)))
            self._script = None

    def handle_data(self, data):
        if self._cell is not None or self._script is not None:
            self._text.append(data)


def parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def html_files(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.html"))


def search_index(folder: Path) -> list[dict]:
    page = parse(folder / "index.html")
    blocks = [text for attrs, text in page.scripts if attrs.get("type") == "application/json"]
    assert len(blocks) == 1
    return json.loads(blocks[0])["sessions"]


def fold(text: str) -> str:
    """As the index's script folds text: accents off, lower case."""
    return "".join(c for c in unicodedata.normalize("NFD", text) if not 0x300 <= ord(c) <= 0x36F).lower()


def matching(entries: list[dict], query: str) -> list[str]:
    """The session ids the index's script shows for ``query`` (every word found in the entry)."""
    terms = [t.lstrip("#") for t in fold(query).split()]
    terms = [t for t in terms if t]
    found = []
    for e in entries:
        text = fold("\n".join([e["id"], e["date"], e["topic"], *e["questions"], *e["words"]]))
        if all(t in text for t in terms):
            found.append(e["id"])
    return found


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


# -- fixtures ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def built(sample_archive_path, tmp_path_factory):
    """The sample's site, made once: (archive path, site folder, result, progress calls)."""
    folder = tmp_path_factory.mktemp("site")
    db = folder / "sample.db"
    shutil.copy(sample_archive_path, db)
    calls = []
    with Archive(db) as archive:
        result = archive.site(folder / "site", "SWChat", tz=TZ, progress=lambda *a: calls.append(a))
    return db, folder / "site", result, calls


@pytest.fixture(scope="module")
def listed(built):
    db, _site, _result, _calls = built
    with Archive(db) as archive:
        return archive.sessions("SWChat", tz=TZ), archive.community("SWChat", tz=TZ)


def copy_site(built, tmp_path) -> tuple[Path, Path]:
    db, site, _result, _calls = built
    shutil.copy(db, tmp_path / "sample.db")
    shutil.copytree(site, tmp_path / "site")
    return tmp_path / "sample.db", tmp_path / "site"


# -- layout, links, numbers ----------------------------------------------------------------------------


def test_the_site_has_an_index_a_page_per_session_and_an_accounts_page(built, listed):
    _db, site, result, calls = built
    sessions, _community = listed
    assert result.sessions == len(sessions) == 6
    pages = sorted(p.name for p in (site / "sessions").iterdir())
    assert pages == sorted(f"{s.id}.html" for s in sessions)
    assert {"index.html", "accounts.html", MANIFEST, "figures/newcomers.png", "figures/retention.png"} <= set(
        snapshot(site))
    assert sorted(result.written) == sorted(snapshot(site))
    # progress: one call per session, in order
    assert [(c[0], c[1], c[2], c[3]) for c in calls] == [(i, 6, s.id, "written") for i, s in enumerate(sessions, 1)]


def test_every_link_resolves_to_a_file_in_the_site(built):
    _db, site, _result, _calls = built
    checked = 0
    for path in html_files(site):
        page = parse(path)
        for tag, attrs in page.elements:
            for name in ("href", "src"):
                value = attrs.get(name)
                if value is None:
                    continue
                if name == "href" and tag == "a" and value.startswith(("https://", "http://")):
                    # a link to a post or a web page in a report: followed only when clicked, never loaded
                    assert attrs.get("rel") == "noopener noreferrer nofollow", (path.name, value)
                    continue
                if name == "src" and value.startswith("data:image/png;base64,"):
                    continue
                assert not value.startswith(("/", "//", "file:", "javascript:")) and "://" not in value, \
                    (path.name, tag, value)
                target, _, fragment = value.partition("#")
                target = target.partition("?")[0]
                resolved = (path.parent / target).resolve() if target else path.resolve()
                assert resolved.is_file(), f"{path.relative_to(site)}: {name}={value!r} is not a file of the site"
                assert site.resolve() in resolved.parents, (path.name, value)
                if fragment:
                    assert fragment in parse(resolved).ids, f"{path.name}: no #{fragment} in {target or 'itself'}"
                checked += 1
    assert checked > 6 * 4


def test_the_pages_link_each_other(built, listed):
    _db, site, _result, _calls = built
    sessions, _community = listed
    index = (site / "index.html").read_text()
    for s in sessions:
        assert f'href="sessions/{s.id}.html"' in index
    assert 'href="accounts.html"' in index
    for before, s in zip([None, *sessions[:-1]], sessions, strict=True):
        page = (site / "sessions" / f"{s.id}.html").read_text()
        assert 'href="../index.html"' in page and 'href="../accounts.html"' in page
        if before is None:
            assert "Previous session" not in page
        else:
            assert f'href="{before.id}.html"' in page
    accounts = (site / "accounts.html").read_text()
    assert 'href="index.html"' in accounts and f'href="sessions/{sessions[0].id}.html"' in accounts


def test_the_index_lists_every_session_with_its_numbers(built, listed, truth):
    _db, site, _result, _calls = built
    sessions, community = listed
    rows = parse(site / "index.html").rows
    assert list(rows) == [f"s-{s.id}" for s in reversed(sessions)]  # newest first
    newcomers = dict(zip(community.sessions["session"], community.sessions["newcomers"], strict=True))
    expected = {t["id"]: t for t in truth["sessions"]}
    for s in sessions:
        row = rows[f"s-{s.id}"]
        assert int(row["Posts"].replace(",", "")) == s.posts == expected[s.id]["posts"]
        assert int(row["Participants"]) == s.participants == len(expected[s.id]["participants"])
        assert int(row["Newcomers"]) == newcomers[s.id] == len(expected[s.id]["newcomers"])
    assert rows[f"s-{sessions[-1].id}"]["Retention"] == "–"  # nobody can have come back after the last one
    assert rows[f"s-{sessions[0].id}"]["Retention"] == f"{100 * expected[sessions[0].id]['retention']:.0f}%"


def test_the_accounts_page_lists_everyone_who_took_part(built, listed):
    _db, site, _result, _calls = built
    _sessions, community = listed
    text = (site / "accounts.html").read_text()
    handles = re.findall(r'<span class="handle">@([^<]+)</span>', text)
    assert sorted(handles) == sorted(community.accounts["handle"])
    assert len(handles) == 198


# -- safety: nothing fetched, nothing run, everything escaped ----------------------------------------


def test_only_the_index_has_a_script_and_its_csp_names_it(built):
    _db, site, _result, _calls = built
    for path in html_files(site):
        text = path.read_text()
        page = parse(path)
        policies = [a["content"] for tag, a in page.elements
                    if tag == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
        assert len(policies) == 1 and text.count("Content-Security-Policy") == 1, path.name
        csp = str(policies[0])
        assert csp.startswith("default-src 'none'") and "connect-src" not in csp, path.name
        if path.name != "index.html":
            assert page.scripts == [] and "script-src" not in csp, path.name
            continue
        code = [body for attrs, body in page.scripts if attrs.get("type") != "application/json"]
        assert len(code) == 1 and len(page.scripts) == 2
        sha = base64.b64encode(hashlib.sha256(code[0].encode()).digest()).decode()
        assert f"script-src 'sha256-{sha}'" in csp
        assert "unsafe-inline" not in csp.split("script-src")[1]


def hostile_session(tmp_path) -> tuple[SiteSession, str]:
    evil = "</script><script>alert(1)</script> <img src=x onerror=alert(2)> & \u2028"
    rows = [new_post(platform="x", post_id=str(i), author_id=str(i % 3), author_handle=f"u{i % 3}<b>",
                     created_at=f"2026-10-07T19:{i:02d}:00.000Z",
                     text=(f"Q1: {evil} #SWChat" if i == 0 else f"A1 {evil}"), hashtags=["SWChat", "<i>x</i>"])
            for i in range(6)]
    posts = posts_frame(rows)
    chat = Chat(posts=posts, hashtag="SWChat", session_id="SWChat-2026-10-07")
    return SiteSession(id="SWChat-2026-10-07", start=posts["created_at"].min(), end=posts["created_at"].max(),
                       posts=6, participants=3, questions=[f"Q1: {evil} #SWChat"], chat=lambda: chat), evil


def test_user_text_is_escaped_everywhere(tmp_path):
    session, evil = hostile_session(tmp_path)
    write_site(tmp_path / "site", [session], hashtag="SW<Chat>", tz=TZ, figures=False)
    index = (tmp_path / "site" / "index.html").read_text()
    assert "<script>alert" not in index and "<img src=x" not in index and "<b>" not in index
    assert "&lt;/script&gt;&lt;script&gt;alert(1)" in index  # shown as text in the list
    entries = search_index(tmp_path / "site")
    assert evil.split(" & ")[0] in entries[0]["questions"][0]  # and found as it was written
    assert "#SW&lt;Chat&gt;" in index
    page = (tmp_path / "site" / "sessions" / "SWChat-2026-10-07.html").read_text()
    assert "<script" not in page.lower()


# -- search -----------------------------------------------------------------------------------------


def unique_word(entries: list[dict]) -> tuple[str, str]:
    """A word of one session's questions that no other session's entry contains: (word, session id)."""
    for e in entries:
        for question in e["questions"]:
            for word in re.findall(r"[A-Za-z]{7,}", question):
                if matching(entries, word) == [e["id"]]:
                    return word, e["id"]
    raise AssertionError("no word of a question belongs to one session only")


def test_the_search_index_holds_each_sessions_questions_and_words(built, listed):
    _db, site, _result, _calls = built
    sessions, _community = listed
    entries = search_index(site)
    assert [e["id"] for e in entries] == [s.id for s in sessions]
    for e, s in zip(entries, sessions, strict=True):
        assert len(e["questions"]) == len(s.questions) == 5
        for shown, asked in zip(e["questions"], s.questions, strict=True):
            assert shown and shown in asked["text"] and "#SWChat" not in shown and not shown.startswith("Q")
        assert e["words"] and e["topic"] == e["questions"][0]
    word, session_id = unique_word(entries)
    assert matching(entries, word.upper()) == [session_id]
    assert matching(entries, "") == [s.id for s in sessions]
    assert matching(entries, "zzzznothing") == []
    raw = (site / "index.html").read_text()
    json_block = raw.split('<script type="application/json" id="search-index">')[1].split("</script>")[0]
    assert "<" not in json_block and ">" not in json_block


# -- only what changed is written -------------------------------------------------------------------


def test_a_second_run_rewrites_nothing(built, tmp_path):
    db, site = copy_site(built, tmp_path)
    before = snapshot(site)
    times = {p: p.stat().st_mtime_ns for p in site.rglob("*") if p.is_file()}
    with Archive(db) as archive:
        result = archive.site(site, "SWChat", tz=TZ)
    assert result.written == [] and result.removed == []
    assert len(result.unchanged) == len(before)
    assert snapshot(site) == before
    assert {p: p.stat().st_mtime_ns for p in site.rglob("*") if p.is_file()} == times


def split_sample(sample_dir: Path, folder: Path, cut: str) -> tuple[Path, Path]:
    """The v2 sample as two exports: the posts before ``cut`` and those after (each page keeps its includes)."""
    early, late = folder / "early.jsonl", folder / "late.jsonl"
    with early.open("wb") as a, late.open("wb") as b:
        for line in (sample_dir / "swchat-v2.jsonl").read_bytes().splitlines():
            page = orjson.loads(line)
            for out, keep in ((a, lambda t: t["created_at"] < cut), (b, lambda t: t["created_at"] >= cut)):
                data = [t for t in page["data"] if keep(t)]
                if data:
                    out.write(orjson.dumps({**page, "data": data}) + b"\n")
    return early, late


def test_after_a_new_session_only_its_page_and_the_summaries_change(sample_dir, tmp_path):
    early, late = split_sample(sample_dir, tmp_path, "2026-11-08T00:00:00.000Z")
    site = tmp_path / "site"
    with Archive(tmp_path / "chat.db") as archive:
        archive.ingest([early])
        first = archive.site(site, "SWChat", tz=TZ)
        assert first.sessions == 5
        before = snapshot(site)
        archive.ingest([late])
        second = archive.site(site, "SWChat", tz=TZ)
        newest = archive.latest_session("SWChat", tz=TZ)
    assert newest == "SWChat-2026-11-11" and second.sessions == 6
    pages = [f for f in second.written if f.startswith("sessions/")]
    assert pages == [f"sessions/{newest}.html"]
    assert set(second.written) <= {pages[0], "index.html", "accounts.html", MANIFEST, "figures/newcomers.png",
                                   "figures/retention.png"}
    assert "index.html" in second.written
    after = snapshot(site)
    changed = {name for name in after if before.get(name) != after[name]}
    assert changed == set(second.written)
    assert all(after[f"sessions/{s}.html"] == before[f"sessions/{s}.html"]
               for s in ("SWChat-2026-10-07", "SWChat-2026-11-04"))


def test_pages_that_no_longer_exist_are_removed_and_nothing_else(built, tmp_path):
    db, site = copy_site(built, tmp_path)
    manifest = json.loads((site / MANIFEST).read_text())
    manifest["sessions"]["SWChat-2026-09-30"] = {"file": "sessions/SWChat-2026-09-30.html", "fingerprint": "x"}
    manifest["sessions"]["evil"] = {"file": "../outside.html", "fingerprint": "x"}
    (site / MANIFEST).write_text(json.dumps(manifest))
    (site / "sessions" / "SWChat-2026-09-30.html").write_text("old")
    (tmp_path / "outside.html").write_text("not the site's")
    (site / "sessions" / "mine.txt").write_text("the host's own file")
    with Archive(db) as archive:
        result = archive.site(site, "SWChat", tz=TZ)
    assert result.removed == ["sessions/SWChat-2026-09-30.html"]
    assert [f for f in result.written if f.startswith("sessions/")] == []
    assert (tmp_path / "outside.html").exists() and (site / "sessions" / "mine.txt").exists()
    assert "evil" not in json.loads((site / MANIFEST).read_text())["sessions"]


def test_a_folder_with_other_files_is_refused(sample_archive, tmp_path):
    from swchat.errors import OutputError, SelectionError

    folder = tmp_path / "www"
    folder.mkdir()
    (folder / "index.html").write_text("the host's own home page")
    with pytest.raises(OutputError, match="not empty and holds no swchat site"):
        sample_archive.site(folder, "SWChat")
    assert (folder / "index.html").read_text() == "the host's own home page"
    with pytest.raises(SelectionError, match="no sessions of #NoSuchChat"):
        sample_archive.site(tmp_path / "other", "NoSuchChat")


# -- consent, through the command line --------------------------------------------------------------


def test_an_opted_out_account_appears_in_no_file(built, tmp_path):
    db, site = copy_site(built, tmp_path)
    handle = "HamzaCooper64"  # took part, and was mentioned and replied to by others
    with Archive(db) as archive:
        profile = archive.accounts()
        row = profile[profile["handle"] == handle].iloc[0]
        account_id, name = str(row["account_id"]), str(row["name"])
        sessions = [s.id for s in archive.sessions("SWChat", tz=TZ, members=True) if account_id in s.author_ids]
        assert sessions
        assert any(handle.lower() in p.read_text().lower() for p in html_files(site))  # there before
        archive.opt_out([handle], reason="asked by DM")
    res = CliRunner().invoke(main, ["site", str(site), "--archive", str(db), "--hashtag", "SWChat", "--tz", TZ,
                                    "--json"], env={"SWCHAT_NO_PROGRESS": "1"})
    assert res.exit_code == 0, res.output
    listing = json.loads(res.stdout)
    assert {f"sessions/{s}.html" for s in sessions} <= set(listing["written"])
    assert "index.html" in listing["written"] and "accounts.html" in listing["written"]
    for path in site.rglob("*"):
        if path.is_file():
            data = path.read_bytes().lower()
            for secret in (handle, account_id, name):
                assert secret.lower().encode() not in data, f"{secret} is in {path.relative_to(site)}"


def test_the_command_writes_the_site_and_lists_the_files(built, tmp_path):
    db, _site = copy_site(built, tmp_path)
    (tmp_path / "leave-out.txt").write_text("@SWChatCoHost\n")
    out = tmp_path / "fresh"
    res = CliRunner().invoke(main, ["site", str(out), "--archive", str(db), "--tz", TZ, "--json",
                                    "--exclude-accounts", str(tmp_path / "leave-out.txt")],
                             env={"SWCHAT_NO_PROGRESS": "1"})
    assert res.exit_code == 0, res.output
    listing = json.loads(res.stdout)
    assert sorted(listing["written"]) == sorted(snapshot(out)) and listing["sessions"] == 6
    assert "site: wrote the page of SWChat-2026-10-07 (1/6)" in res.stderr
    assert res.stderr.rstrip().splitlines()[-1].startswith(f"wrote {out / 'index.html'} (6 sessions: 6 pages made")
    assert not any(b"swchatcohost" in data.lower() for data in snapshot(out).values())
    again = CliRunner().invoke(main, ["site", str(out), "--archive", str(db), "--tz", TZ, "--json",
                                      "--exclude-accounts", str(tmp_path / "leave-out.txt")])
    assert again.exit_code == 0 and json.loads(again.stdout)["written"] == []
    missing = CliRunner().invoke(main, ["site", str(tmp_path / "no" / "such"), "--archive", str(db)])
    assert missing.exit_code == 1 and "Error: cannot write" in missing.output


# -- in a browser -----------------------------------------------------------------------------------


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


CHROMIUM = _chromium()
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install "
                                                              "chromium; `make test` does this when run as root)")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-extensions", "--hide-scrollbars", "--mute-audio", "--disable-dev-shm-usage"]


def chromium(*args: str, timeout: int = 90) -> subprocess.CompletedProcess:
    assert CHROMIUM is not None
    with tempfile.TemporaryDirectory(prefix="swchat-chromium-") as profile:
        env = {**os.environ, "HOME": profile}
        return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args],
                              capture_output=True, text=True, timeout=timeout, env=env, check=False)


def open_page(url: str, *extra: str) -> tuple[str, str]:
    done = chromium("--enable-logging=stderr", "--v=0", "--virtual-time-budget=3000", *extra, "--dump-dom", url)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout, done.stderr


def console_errors(log: str) -> list[str]:
    return [line for line in log.splitlines() if "CONSOLE" in line or "Uncaught" in line
            or "Content Security Policy" in line or "Refused to" in line or "Not allowed to load" in line]


def visible_rows(dom: str) -> list[str]:
    page = _Page()
    page.feed(dom)
    return [row.removeprefix("s-") for row, cells in page.rows.items() if not cells["hidden"]]


@pytest.mark.slow
@needs_chromium
@pytest.mark.parametrize("page", ["index.html", "accounts.html", "sessions/SWChat-2026-11-11.html"])
def test_pages_open_from_file_with_no_console_errors(built, page):
    _db, site, _result, _calls = built
    dom, log = open_page((site / page).as_uri())
    assert console_errors(log) == []
    if page == "index.html":  # its script ran (the CSP let it): the search box is shown, the count filled in
        assert re.search(r'<div class="search" id="search" role="search">', dom), "the search script did not run"
        assert '<p class="status" id="search-status" aria-live="polite">6 sessions</p>' in dom
        assert len(visible_rows(dom)) == 6


@pytest.mark.slow
@needs_chromium
@pytest.mark.parametrize("address", ["#q={}", "?q={}"])
def test_the_search_shows_only_matching_sessions(built, address):
    _db, site, _result, _calls = built
    entries = search_index(site)
    word, session_id = unique_word(entries)
    dom, log = open_page((site / "index.html").as_uri() + address.format(word.lower()))
    assert console_errors(log) == []
    assert visible_rows(dom) == [session_id]
    assert f"1 of {len(entries)} sessions match" in dom
    # two words: the sessions that have both; a word no session has: none, and a message says so
    both = "social work"
    dom, _log = open_page((site / "index.html").as_uri() + address.format("social%20work"))
    assert sorted(visible_rows(dom)) == sorted(matching(entries, both))
    dom, _log = open_page((site / "index.html").as_uri() + address.format("zzzznothing"))
    assert visible_rows(dom) == [] and '<p id="no-match" class="muted">' in dom


def _pixels(path: Path) -> tuple[tuple[int, int], float]:
    from PIL import Image, ImageStat

    with Image.open(path) as im:
        return im.size, ImageStat.Stat(im.convert("L")).var[0]


@pytest.mark.slow
@needs_chromium
@pytest.mark.parametrize(("name", "width", "height"), [("phone", 390, 844), ("desktop", 1280, 900)])
def test_index_screenshots_are_not_blank(built, tmp_path, name, width, height):
    _db, site, _result, _calls = built
    shot = tmp_path / f"{name}.png"
    done = chromium(f"--window-size={width},{height}", f"--screenshot={shot}", (site / "index.html").as_uri())
    assert done.returncode == 0 and shot.exists(), done.stderr[-2000:]
    size, variance = _pixels(shot)
    assert size == (width, height)
    assert variance > 100, f"{name} screenshot looks blank (variance {variance:.1f})"


@pytest.mark.slow
@needs_chromium
@pytest.mark.parametrize("page", ["index.html", "accounts.html"])
def test_no_horizontal_overflow_on_a_phone(built, tmp_path, page):
    _db, site, _result, _calls = built
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    # a copy without the CSP runs one probe script that writes the document's width into the DOM
    html = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", (copy / page).read_text())
    probe = ("<script>window.addEventListener('load',function(){var d=document.documentElement,inner=0;"
             "document.querySelectorAll('.table-wrap').forEach(function(e){"
             "inner=Math.max(inner,e.scrollWidth-e.clientWidth)});"
             "d.setAttribute('data-width',d.scrollWidth+' '+d.clientWidth+' '+inner)})</script>")
    (copy / page).write_text(html.replace("</body>", probe + "</body>"))
    done = chromium("--window-size=390,844", "--virtual-time-budget=3000", "--dump-dom", (copy / page).as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    found = re.search(r'data-width="(\d+) (\d+) (-?\d+)"', done.stdout)
    assert found, "the probe did not run"
    scroll, client, inner = map(int, found.groups())
    assert client <= 600, "the window is not phone-sized"  # headless Chromium's minimum width is 500
    assert scroll <= client, f"{page} is {scroll}px wide in a {client}px window"
    assert inner <= 0, f"a table of {page} scrolls sideways by {inner}px"
