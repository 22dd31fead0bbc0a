"""A static website for a whole chat: an index of every session, each session's report, the accounts.

:func:`write_site` writes a folder a host can put on any web host (or open from the disk)::

    OUTDIR/
      index.html              every session (date, topic, posts, participants, newcomers, retention),
                              newest first, with a search box, and the growth and retention pictures
      accounts.html           everyone who took part: sessions attended, first and last session
      sessions/<id>.html      each session's post-chat report (:func:`swchat.report.render_html`),
                              with links back to the index, to the previous session and to the accounts
      figures/newcomers.png   newcomers and returners per session (:func:`swchat.figures.newcomers_figure`)
      figures/retention.png   the cohort heatmap (:func:`swchat.figures.retention_figure`)
      swchat-site.json        the manifest: what each page was made from (a fingerprint), for the next run

**Nothing is fetched.** Every page has a Content-Security-Policy: the reports and the accounts
page allow no script at all; the index allows only its own inline script, by its SHA-256 hash.
Links are relative, so the folder works from ``file://`` and on any web host. Every
user-supplied string is escaped (Jinja2 autoescaping), and the search index is JSON embedded in
a ``<script type="application/json">`` block with ``<``, ``>`` and ``&`` escaped, so no text can
close it.

**Search without a server.** The index embeds a small JSON index (each session's id, date,
topic, question texts and top words); a few lines of script hide the sessions that do not
contain every word typed. A query can be given in the address too: ``index.html#q=burnout`` or
``index.html?q=burnout``. Without scripts the list simply shows every session.

**Each page is the report as it stood after its chat.** A session's page is made from the
session's own posts and the history up to it (what the report compares with: the previous
session); what happened later (who came back) is on the index, which is made anew every time.
So a page changes only when its own inputs change: posts imported late, an opt-out, other
options, another version of swchat.

**Only what changed is written.** The manifest keeps a fingerprint of each page's inputs
(:func:`session_fingerprint`); a page whose fingerprint and file are unchanged is not made
again, and the index, the accounts page and the figures are written only when their content
changes. Re-running after next week's chat writes the new session's page and the index (and
the accounts page and figures, which count the new session). Pages of sessions that no longer
exist (after an opt-out, or with another ``tz``) are removed — only files the manifest lists.

Consent is applied by whoever hands the data in: :meth:`swchat.Archive.site` gives the chats,
sessions and accounts under the archive's opt-out list and the connection's pseudonyms, so no
page, search entry or figure of the site can show what the reports hide.

Examples
--------
>>> import tempfile, pathlib
>>> from swchat.chat import Chat
>>> from swchat.schema import new_post, posts_frame
>>> posts = posts_frame([new_post(platform="x", post_id=str(i), author_id=str(i % 3), author_handle=f"u{i % 3}",
...     created_at=f"2026-10-07T19:{i:02d}:00.000Z", text=("Q1: what helps? #SWChat" if i == 0 else "A1 rest"),
...     hashtags=["SWChat"]) for i in range(6)])
>>> chat = Chat(posts=posts, hashtag="SWChat", session_id="SWChat-2026-10-07")
>>> session = SiteSession(id="SWChat-2026-10-07", start=posts["created_at"].min(), end=posts["created_at"].max(),
...                       posts=6, participants=3, questions=["Q1: what helps? #SWChat"], chat=lambda: chat)
>>> folder = pathlib.Path(tempfile.mkdtemp()) / "site"
>>> done = write_site(folder, [session], hashtag="SWChat", tz="Europe/London", figures=False)
>>> sorted(done.written)
['index.html', 'sessions/SWChat-2026-10-07.html', 'swchat-site.json']
>>> write_site(folder, [session], hashtag="SWChat", tz="Europe/London", figures=False).written
[]
"""

from __future__ import annotations

import base64
import dataclasses
import functools
import hashlib
import json
import os
import re
import struct
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import OutputError
from ..version import __version__

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..chat import Chat
    from ..community import Community
    from .summary import Summary

__all__ = [
    "ACCOUNTS",
    "INDEX",
    "MANIFEST",
    "SiteResult",
    "SiteSession",
    "as_it_stood",
    "code_digest",
    "index_csp",
    "search_entries",
    "session_fingerprint",
    "write_site",
]

#: The site's file names (relative to its folder).
INDEX = "index.html"
ACCOUNTS = "accounts.html"
MANIFEST = "swchat-site.json"
SESSIONS = "sessions"
FIGURES = "figures"

#: The bars of the newcomers picture and the cohorts of the retention heatmap: the latest ones
#: (a picture of 400 sessions is unreadable; the table of the index lists every session).
NEWCOMER_BARS = 26
RETENTION_COHORTS = 12

_PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"
_LABEL = re.compile(r"^\W*?(?:Q\s*\d+|Question\s*\d+)\s*[.:)\-–—]?\s*", re.IGNORECASE)
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9_-]+")


@dataclass
class SiteSession:
    """One session as the site lists it, and how to read its chat.

    Attributes
    ----------
    id : str
        The session id (``SWChat-2026-10-07``).
    start, end : pandas.Timestamp
        First and last post (UTC).
    posts, participants : int
        As :meth:`swchat.Archive.sessions` counts them.
    newcomers : int or None
        Accounts whose first session this is.
    retention : float or None
        Share (0–1) of the participants seen again in a later session (``None`` for the last).
    questions : list of str
        The hosts' question texts, in order.
    chat : callable
        Returns the session's :class:`~swchat.chat.Chat` (with its history); called only while
        this session's page is looked at, so a site of 400 sessions never holds them all.
    """

    id: str
    start: pd.Timestamp
    end: pd.Timestamp
    posts: int
    participants: int
    newcomers: int | None = None
    retention: float | None = None
    questions: list[str] = field(default_factory=list)
    chat: Callable[[], Chat] | None = field(default=None, repr=False)


@dataclass
class SiteResult:
    """What :func:`write_site` did: files relative to ``folder``, as POSIX paths."""

    folder: Path
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    sessions: int = 0

    @property
    def index(self) -> Path:
        """The index page."""
        return self.folder / INDEX

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dict.

        Examples
        --------
        >>> SiteResult(Path("site"), written=["index.html"], sessions=1).as_dict()["written"]
        ['index.html']
        """
        return {"folder": str(self.folder), "index": str(self.index), "sessions": self.sessions,
                "written": list(self.written), "unchanged": list(self.unchanged), "removed": list(self.removed)}


# -- what a page is made from -------------------------------------------------------------------


def as_it_stood(chat: Chat) -> Chat:
    """A session's chat with its history cut at the session: the report as it stood after the chat.

    The sessions after it leave the history, and ``returned`` (seen in a later session) is what
    was known then: the previous session's participants who came to this one; nobody of this one.

    Examples
    --------
    >>> import pandas as pd
    >>> from swchat.chat import Chat, History
    >>> from swchat.schema import posts_frame
    >>> part = pd.DataFrame({"session": ["a", "b", "b"], "platform": "x", "account_id": ["1", "1", "2"],
    ...                      "returned": [True, True, True]})
    >>> history = History(pd.DataFrame({"session": ["a", "b", "c"]}), part, pd.DataFrame())
    >>> cut = as_it_stood(Chat(posts=posts_frame([]), session_id="b", history=history)).history
    >>> cut.sessions["session"].tolist(), cut.participation["returned"].tolist()
    (['a', 'b'], [True, False, False])
    """
    history = chat.history
    at = history.index(chat.session_id) if history is not None else None
    if history is None or at is None:
        return chat
    part = history.participation
    if "returned" in part.columns and len(part):
        session = part["session"].astype(str)
        here = part[session == str(chat.session_id)]
        came = set(zip(here["platform"].astype(str), here["account_id"].astype(str), strict=True))
        before = session != str(chat.session_id)
        keys = zip(part["platform"].astype(str), part["account_id"].astype(str), strict=True)
        returned = [bool(b) and k in came for b, k in zip(before, keys, strict=True)]
        part = part.assign(returned=returned)
    cut = dataclasses.replace(history, sessions=history.sessions.iloc[: at + 1].reset_index(drop=True),
                              participation=part)
    return dataclasses.replace(chat, history=cut)


@functools.lru_cache(maxsize=1)
def code_digest() -> str:
    """A digest of the swchat version and of the package's code and templates: a page made by
    other code is made again.

    Examples
    --------
    >>> len(code_digest())
    16
    """
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(p for p in root.rglob("*") if p.is_file() and (p.suffix == ".py" or "templates" in p.parts)):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def session_fingerprint(chat: Chat, **settings: Any) -> str:
    """A digest of everything a session's page is made from.

    The chat's posts (their provenance left out) and the profiles' handles, names and followers,
    its history (participation and interactions of the session and the previous one), the
    session's listing (hosts, questions) and segments, and ``settings`` (time zone, list length,
    links…); with :func:`code_digest`.

    Examples
    --------
    >>> from swchat.chat import Chat
    >>> from swchat.schema import new_post, posts_frame
    >>> chat = Chat(posts=posts_frame([new_post(platform="x", post_id="1", author_id="9",
    ...     created_at="2026-10-07T19:00:00.000Z", text="Q1 #SWChat")]), hashtag="SWChat")
    >>> session_fingerprint(chat, tz="UTC") == session_fingerprint(chat, tz="UTC") != session_fingerprint(chat, tz="Europe/London")
    True
    """
    digest = hashlib.sha256()

    def add(value: Any) -> None:
        text = json.dumps(value, sort_keys=True, default=str, ensure_ascii=False)
        digest.update(text.encode("utf-8") + b"\x00")

    def add_frame(frame: Any, keep: Sequence[str] | None = None, drop: Sequence[str] = ()) -> None:
        if frame is None:
            add(None)
            return
        if keep is not None:
            frame = frame[[c for c in keep if c in frame.columns]]
        frame = frame.drop(columns=[c for c in drop if c in frame.columns])
        # rows in a canonical order: the same data read in another order is the same page
        text = frame.astype(str).sort_values(list(frame.columns), kind="stable") if len(frame.columns) else frame
        digest.update(text.to_csv(index=False).encode("utf-8") + b"\x00")

    add({"code": code_digest(), "settings": settings, "hashtag": chat.hashtag, "session": chat.session_id})
    add_frame(chat.posts, drop=("origin",))
    add_frame(chat.profiles, keep=("platform", "account_id", "handle", "name", "followers"))
    history = chat.history
    if history is not None:
        at = history.index(chat.session_id)
        add(history.previous(chat.session_id) if at is not None else None)
        add(bool(history.is_last(chat.session_id)))
        add_frame(history.participation)
        add_frame(history.interactions)
    session = chat.session
    if session is not None:
        add({"id": session.id, "start": session.start, "end": session.end, "hosts": list(session.hosts),
             "host_ids": list(session.host_ids), "questions": [dict(q) for q in session.questions]})
    for key in ("timezone", "hosts", "newcomers", "privacy"):
        add(chat.meta.get(key))
    segments: Any = chat.meta.get("segments")
    add(sorted(segments.astype(str).items()) if hasattr(segments, "items") else segments)
    return digest.hexdigest()


# -- text ---------------------------------------------------------------------------------------


def _clean_question(text: Any, hashtag: str) -> str:
    """A question as the index shows it: without its ``Q1.`` label and the chat's own hashtag."""
    value = " ".join(str(text or "").split())
    if hashtag:
        value = re.sub(rf"(?<!\w)#{re.escape(hashtag)}(?!\w)", " ", value, flags=re.IGNORECASE)
    value = " ".join(value.split())
    return _LABEL.sub("", value, count=1).strip() or value


def _words(summary: Summary, hashtag: str, limit: int = 24) -> list[str]:
    """The words a session is found by besides its questions: each question's distinctive terms,
    then the other hashtags used."""
    found: list[str] = []
    for question in summary.questions or []:
        found += [str(t) for t in question.terms]
    found += [f"#{tag}" for tag, _n in (summary.hashtags or []) if str(tag).lower() != hashtag.lower()]
    seen: set[str] = set()
    out = []
    for word in found:
        if word.lower() not in seen:
            seen.add(word.lower())
            out.append(word)
    return out[:limit]


def _date(ts: Any, tz: str) -> tuple[str, str, str, str]:
    """``("Wed 7 Oct 2026", "2026-10-07", "20:00", "7 Oct 2026")`` of a UTC time, in ``tz``."""
    import pandas as pd

    local = pd.Timestamp(ts).tz_convert(tz)
    day = f"{local.day} {local:%b %Y}"
    return f"{local:%a} {day}", f"{local:%Y-%m-%d}", f"{local:%H:%M}", day


def _short_date(session_id: str, dates: dict[str, str]) -> str:
    return dates.get(session_id, session_id)


def _file_names(ids: Sequence[str]) -> dict[str, str]:
    """A safe, distinct file name for each session id (``SWChat-2026-10-07.html``)."""
    out: dict[str, str] = {}
    used: set[str] = set()
    for sid in ids:
        base = _UNSAFE_NAME.sub("_", sid).strip("_") or "session"
        name, n = base, 2
        while name.lower() in used:
            name, n = f"{base}_{n}", n + 1
        used.add(name.lower())
        out[sid] = f"{name}.html"
    return out


def search_entries(sessions: Sequence[dict[str, Any]]) -> str:
    """The search index as JSON that is safe inside a ``<script type="application/json">`` block.

    ``<``, ``>``, ``&`` and the line separators are written as ``\\u`` escapes (four hex digits), so no text can
    end the block or start markup; ``JSON.parse`` reads them back as they were.

    Examples
    --------
    >>> text = search_entries([{"id": "x", "questions": ["</script><b>&"]}])
    >>> "</script>" in text, json.loads(text)["sessions"][0]["questions"]
    (False, ['</script><b>&'])
    """
    text = json.dumps({"sessions": list(sessions)}, ensure_ascii=False, separators=(",", ":"))
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"),
                         ("\u2029", "\\u2029")):
        text = text.replace(char, escape)
    return text


def _script() -> str:
    from importlib import resources

    return resources.files("swchat.report").joinpath("templates", "site_search.js").read_text(encoding="utf-8")


def index_csp(script: str) -> str:
    """The index page's Content-Security-Policy: nothing fetched but the site's own pictures, and
    no script but the one whose text is ``script`` (by its SHA-256 hash).

    Examples
    --------
    >>> index_csp("alert(1)")
    "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; script-src 'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='; base-uri 'none'; form-action 'none'"
    """
    sha = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    return (f"default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; script-src 'sha256-{sha}'; "
            "base-uri 'none'; form-action 'none'")


# -- rendering ----------------------------------------------------------------------------------


def _num(value: Any) -> str:
    return "–" if value is None else f"{round(value):,}"


def _share(value: Any) -> str:
    return "–" if value is None or value != value else f"{100 * value:.0f}%"


def _count(value: Any, one: str, many: str | None = None) -> str:
    n = 0 if value is None else value
    return f"{_num(n)} {one if n == 1 else (many or one + 's')}"


def _handle(value: Any) -> str:
    text = "(unknown)" if value is None else str(value)
    return text if text.startswith(("@", "[", "(")) or text.startswith("participant_") else "@" + text


@functools.lru_cache(maxsize=1)
def _environment() -> Any:
    import jinja2

    env = jinja2.Environment(loader=jinja2.PackageLoader("swchat.report", "templates"), autoescape=True,
                             trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)
    env.filters.update(num=_num, share=_share, count=_count, handle=_handle)
    return env


def _nav(html: str, *, index: str, accounts: str | None, previous: tuple[str, str] | None, hashtag: str) -> str:
    """A report page with the site's links at the top of its body (plain links: its CSP stays as it is)."""
    from markupsafe import Markup

    link = Markup('<a href="{}" style="color:#0b6e69">{}</a>')
    parts = [link.format(index, f"← All #{hashtag} sessions")]
    if previous is not None:
        parts.append(link.format(previous[0], f"Previous session: {previous[1]}"))
    if accounts is not None:
        parts.append(link.format(accounts, "Who took part"))
    nav = (Markup('<style>@media print{{.swchat-site-nav{{display:none}}}}</style>'
                  '<nav class="swchat-site-nav" aria-label="{}" style="max-width:880px;margin:0 auto;'
                  'padding:10px 20px;background:#fff;border-bottom:1px solid #dde3ea;display:flex;flex-wrap:wrap;'
                  'gap:4px 18px;font-size:.95rem">').format(f"#{hashtag} chat archive")
           + Markup("").join(parts) + Markup("</nav>"))
    found = re.search(r"<body[^>]*>", html)
    at = found.end() if found else 0
    return html[:at] + "\n" + str(nav) + html[at:]


def _png_size(data: bytes) -> tuple[int, int] | None:
    if data[:8] != b"\x89PNG\r\n\x1a\n" or len(data) < 24:
        return None
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


# -- files --------------------------------------------------------------------------------------


def _write(path: Path, data: bytes) -> None:
    """Write a file whole or not at all (a temporary file beside it, then renamed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _write_if_changed(path: Path, data: bytes) -> bool:
    if path.is_file() and path.read_bytes() == data:
        return False
    _write(path, data)
    return True


def _read_manifest(folder: Path) -> dict[str, Any] | None:
    path = folder / MANIFEST
    if not path.exists():
        return None
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def _inside(folder: Path, relative: Any, under: str) -> Path | None:
    """``folder / relative`` when ``relative`` is a plain file name under ``under`` (a manifest
    entry is never trusted to point elsewhere)."""
    if not isinstance(relative, str):
        return None
    parts = relative.split("/")
    if len(parts) != 2 or parts[0] != under or parts[1] in ("", ".", "..") or "\\" in relative:
        return None
    return folder / under / parts[1]


# -- the site -----------------------------------------------------------------------------------


def write_site(
    folder: str | Path,
    sessions: Sequence[SiteSession],
    *,
    hashtag: str,
    tz: str = "UTC",
    community: Community | None = None,
    top: int = 5,
    figures: bool = True,
    pseudonymised: bool = False,
    force: bool = False,
    progress: Callable[[int, int, str, str], None] | None = None,
) -> SiteResult:
    """Write (or bring up to date) the static site of a chat in ``folder``.

    Parameters
    ----------
    folder : str or Path
        Created when missing (its parent must exist). A folder that holds other files but no
        site manifest is refused, so a site never overwrites what it did not write.
    sessions : sequence of SiteSession
        The chat's sessions, in time order (consent already applied).
    hashtag : str
        The chat's hashtag, as spelled (without ``#``).
    tz : str
        The time zone of every date and time shown.
    community : Community, optional
        From :meth:`swchat.Archive.community`: the accounts page and the growth and retention
        pictures (left out without it).
    top : int
        Items per list in each session's report.
    figures : bool
        Draw the pictures (the index's, and each report's).
    pseudonymised : bool
        Say on the index and accounts pages that accounts are shown under pseudonyms.
    force : bool
        Make every page again, even those whose inputs did not change.
    progress : callable, optional
        Called after each session's page as ``progress(done, total, session_id, action)``,
        ``action`` being ``"written"`` or ``"unchanged"``.

    Returns
    -------
    SiteResult
        The files written, left as they were, and removed.

    Raises
    ------
    OutputError
        When ``folder`` is a file, or holds other files and no site.
    """
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"cannot write the site into {folder}: it is a file, not a folder")
    folder.mkdir(exist_ok=True)
    manifest = _read_manifest(folder)
    if manifest is None and any(folder.iterdir()):
        raise OutputError(f"{folder} is not empty and holds no swchat site ({MANIFEST} is missing): write the "
                          "site into a new or empty folder")
    old: dict[str, Any] = (manifest or {}).get("sessions") or {}
    if not isinstance(old, dict):
        old = {}
    result = SiteResult(folder=folder, sessions=len(sessions))
    files = _file_names([s.id for s in sessions])
    dates = {s.id: _date(s.start, tz)[0] for s in sessions}
    days = {s.id: _date(s.start, tz)[3] for s in sessions}
    accounts_href = ACCOUNTS if community is not None else None
    entries: dict[str, dict[str, Any]] = {}
    new_manifest: dict[str, Any] = {"swchat_site": 1, "generator": f"swchat {__version__}", "code": code_digest(),
                                    "hashtag": hashtag, "tz": tz, "sessions": entries, "figures": {}}
    completed = False
    try:
        for n, session in enumerate(sessions, start=1):
            previous = sessions[n - 2] if n > 1 else None
            relative = f"{SESSIONS}/{files[session.id]}"
            entry, wrote = _session_page(
                folder, session, relative, old.get(session.id), hashtag=hashtag, tz=tz, top=top, figures=figures,
                force=force, accounts=f"../{accounts_href}" if accounts_href else None,
                previous=(files[previous.id], dates[previous.id]) if previous else None)
            entries[session.id] = entry
            (result.written if wrote else result.unchanged).append(relative)
            if progress is not None:
                progress(n, len(sessions), session.id, "written" if wrote else "unchanged")
        pictures = _figures(folder, community, (manifest or {}).get("figures") or {}, new_manifest["figures"],
                            result, force=force) if figures and community is not None else []
        consent = ("Accounts on the archive's opt-out list appear nowhere on this site."
                   + (" Accounts are shown under pseudonyms." if pseudonymised else ""))
        if community is not None:
            page = _accounts_page(community, files, days, hashtag=hashtag, consent=consent)
            (result.written if _write_if_changed(folder / ACCOUNTS, page.encode("utf-8"))
             else result.unchanged).append(ACCOUNTS)
        index = _index_page(sessions, entries, files, pictures, hashtag=hashtag, tz=tz, consent=consent,
                            people=len(community.accounts) if community is not None else None,
                            accounts_href=accounts_href)
        (result.written if _write_if_changed(folder / INDEX, index.encode("utf-8")) else result.unchanged).append(INDEX)
        result.removed = _remove_stale(folder, manifest or {}, entries, new_manifest["figures"],
                                       keep_accounts=community is not None)
        completed = True
    finally:
        if not completed:  # keep what was done: the pages already written need not be made again
            new_manifest["sessions"] = {**{k: v for k, v in old.items() if k not in entries}, **entries}
            new_manifest["figures"] = (manifest or {}).get("figures") or {}
        data = (json.dumps(new_manifest, indent=1, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")
        if _write_if_changed(folder / MANIFEST, data) and completed:
            result.written.append(MANIFEST)
        elif completed:
            result.unchanged.append(MANIFEST)
    return result


def _session_page(folder: Path, session: SiteSession, relative: str, before: Any, *, hashtag: str, tz: str,
                  top: int, figures: bool, force: bool, accounts: str | None,
                  previous: tuple[str, str] | None) -> tuple[dict[str, Any], bool]:
    """Make one session's page unless its fingerprint says it is as it was; its manifest entry."""
    from .render import render_html
    from .summary import build_summary

    if session.chat is None:
        raise ValueError(f"session {session.id} has no chat to make its page from")
    chat = as_it_stood(session.chat())
    fingerprint = session_fingerprint(chat, tz=tz, top=top, figures=figures, file=relative,
                                      previous=list(previous) if previous else None, accounts=accounts)
    path = folder / relative
    if (not force and isinstance(before, dict) and before.get("fingerprint") == fingerprint
            and before.get("file") == relative and path.is_file()):
        return {"file": relative, "fingerprint": fingerprint, "words": list(before.get("words") or [])}, False
    summary = build_summary(chat, tz=tz, top=top, figures=figures)
    html = _nav(render_html(summary), index=f"../{INDEX}", accounts=accounts, hashtag=hashtag,
                previous=previous)
    _write(path, html.encode("utf-8"))
    return {"file": relative, "fingerprint": fingerprint, "words": _words(summary, hashtag)}, True


def _figures(folder: Path, community: Community, before: dict[str, Any], after: dict[str, Any],
             result: SiteResult, *, force: bool) -> list[dict[str, Any]]:
    """Draw the growth and retention pictures when what they show changed; what the index shows."""
    import pandas as pd

    from ..figures import newcomers_figure, retention_figure

    table = community.sessions
    if table.empty:
        return []
    shown = []
    bars = dataclasses.replace(community, sessions=table.tail(NEWCOMER_BARS).reset_index(drop=True))
    cohorts = community.cohorts.iloc[-RETENTION_COHORTS:, -RETENTION_COHORTS:]
    heat = dataclasses.replace(community, cohorts=cohorts)
    last = len(bars.sessions)
    few = "" if len(table) <= last else f" (the latest {last} of {len(table)})"
    alt = "; ".join(f"{r.session}: {int(r.newcomers)} newcomers, {int(r.returners)} returners"
                    for r in bars.sessions.itertuples(index=False))
    plans = [
        ("newcomers.png", newcomers_figure, bars, bars.sessions[["session", "newcomers", "returners"]],
         f"Newcomers and returners per session{few}", f"Stacked bars of newcomers and returners per session: {alt}.",
         "Newcomers: first session in the archive; returners: seen in an earlier session."),
        ("retention.png", retention_figure, heat, cohorts,
         "Who came back" + ("" if len(cohorts) == len(table) else f" (the latest {len(cohorts)} first-session "
                                                                    "cohorts)"),
         "Heatmap of the share of each first-session cohort that took part in each later session.",
         "Each row is the accounts whose first session it was; each cell, the share of them that took part in "
         "that session (and how many)."),
    ]
    for name, draw, data, numbers, title, alt_text, note in plans:
        relative = f"{FIGURES}/{name}"
        path = folder / relative
        fingerprint = hashlib.sha256((code_digest() + title + pd.DataFrame(numbers).to_csv()).encode()).hexdigest()
        after[relative] = fingerprint
        if force or before.get(relative) != fingerprint or not path.is_file():
            with tempfile.TemporaryDirectory(prefix="swchat-site-") as work:
                drawn = draw(data, Path(work) / name, title=title)
                _write(path, drawn.read_bytes())
            result.written.append(relative)
        else:
            result.unchanged.append(relative)
        size = _png_size(path.read_bytes()[:32]) or (1600, 1000)
        shown.append({"href": relative, "alt": alt_text, "caption": f"{title}. {note}", "width": size[0],
                      "height": size[1]})
    return shown


def _accounts_page(community: Community, files: dict[str, str], dates: dict[str, str], *, hashtag: str,
                   consent: str) -> str:
    from markupsafe import Markup

    table = community.accounts
    rows = []
    if len(table):
        order = table.assign(_first=table["first_session"].map({s: i for i, s in enumerate(files)}))
        order = order.sort_values(["sessions", "_first", "handle"], ascending=[False, True, True], kind="stable")
        for r in order.to_dict("records"):
            first, last = str(r.get("first_session")), str(r.get("last_session"))
            rows.append({"handle": r.get("handle"), "sessions": int(r.get("sessions") or 0),
                         "first": _short_date(first, dates), "last": _short_date(last, dates),
                         "first_href": f"{SESSIONS}/{files[first]}" if first in files else None,
                         "last_href": f"{SESSIONS}/{files[last]}" if last in files else None})
    template = _environment().get_template("site_accounts.html.j2")
    return str(template.render(accounts=rows, hashtag=hashtag, consent=consent, csp=Markup(_PAGE_CSP),
                               version=__version__, index_href=INDEX))


def _index_page(sessions: Sequence[SiteSession], entries: dict[str, dict[str, Any]], files: dict[str, str],
                pictures: list[dict[str, Any]], *, hashtag: str, tz: str, consent: str, people: int | None,
                accounts_href: str | None) -> str:
    import pandas as pd
    from markupsafe import Markup

    shown, search = [], []
    for s in sessions:
        date, iso, start, _day = _date(s.start, tz)
        end = _date(s.end, tz)[2]
        zone = f"{pd.Timestamp(s.start).tz_convert(tz):%Z}"
        questions = [_clean_question(q, hashtag) for q in s.questions if q]
        row = "s-" + files[s.id].removesuffix(".html")
        words = list((entries.get(s.id) or {}).get("words") or [])
        topic = questions[0] if questions else ""
        shown.append({"id": s.id, "row": row, "href": f"{SESSIONS}/{files[s.id]}", "date": date,
                      "time": f"{start}–{end} {zone}", "topic": topic, "questions": questions, "words": words,
                      "posts": s.posts, "participants": s.participants, "newcomers": s.newcomers,
                      "retention": s.retention})
        search.append({"id": s.id, "row": row, "date": f"{date} {iso}", "topic": topic, "questions": questions,
                       "words": words})
    script = _script()
    template = _environment().get_template("site_index.html.j2")
    return str(template.render(
        sessions=shown, hashtag=hashtag, tz=tz, figures=pictures, consent=consent, version=__version__,
        first=shown[0]["date"] if shown else None, last=shown[-1]["date"] if shown else None,
        posts=sum(s.posts for s in sessions), people=people, accounts_href=accounts_href,
        index_json=Markup(search_entries(search)), script=Markup(script), csp=Markup(index_csp(script))))


def _remove_stale(folder: Path, manifest: dict[str, Any], entries: dict[str, dict[str, Any]],
                  figures: dict[str, Any], *, keep_accounts: bool) -> list[str]:
    """Remove the pages and pictures an earlier run wrote that this one did not (only those)."""
    removed = []
    current = {e["file"] for e in entries.values()}
    for entry in (manifest.get("sessions") or {}).values():
        relative = entry.get("file") if isinstance(entry, dict) else None
        path = _inside(folder, relative, SESSIONS)
        if path is not None and relative not in current and path.is_file():
            path.unlink()
            removed.append(str(relative))
    for relative in manifest.get("figures") or {}:
        path = _inside(folder, relative, FIGURES)
        if path is not None and relative not in figures and path.is_file():
            path.unlink()
            removed.append(str(relative))
    if not keep_accounts and manifest and (folder / ACCOUNTS).is_file():
        (folder / ACCOUNTS).unlink()
        removed.append(ACCOUNTS)
    return removed
