"""Collect a hashtag from Mastodon servers into export files, then into the archive.

:func:`collect_mastodon` pages through the hashtag timeline of one or more servers
(``GET /api/v1/timelines/tag/:hashtag?limit=40``, following the ``Link: <…>; rel="next"``
header), optionally fetches the ``/api/v1/statuses/:id/context`` of posts that have replies or
reply to a post it did not get, writes everything as ordinary export files (one JSON-lines
file per server per run, one status or ``/context`` response per line: the shape
:mod:`swchat.readers.mastodon` reads), and imports them with :meth:`swchat.Archive.ingest`.
The files can be imported again (``swchat ingest``) and shared like any other export.

- **Deduplication**: a status is known everywhere by its ``uri``; a status another server
  already gave in this run is not written twice (the archive would keep it once anyway).
- **Resume**: the newest status id fetched from each server for each tag is kept in the
  archive (:meth:`~swchat.archive.Archive.meta_value`); the next run asks only for newer
  statuses (``since_id``). A run that stopped half-way (network error) also remembers the
  stretch it did not finish, and the next run fetches that too.
- **Rate limits**: when ``X-RateLimit-Remaining`` reaches 0 the collector waits until
  ``X-RateLimit-Reset``; an HTTP 429 waits ``Retry-After`` (or until the reset) and tries
  again. Each wait is announced (``notify``, stderr by default); ``sleep`` is injectable.
- **Failures**: a network error or a server error stops the run; what was fetched so far is
  written and imported, and :class:`CollectError` says so and how to resume (run again).

Examples
--------
>>> server_url("mastodon.social"), server_url("http://127.0.0.1:8000/")
('https://mastodon.social', 'http://127.0.0.1:8000')
>>> next_link('<https://m.example/api/v1/timelines/tag/x?max_id=7>; rel="next", '
...           '<https://m.example/api/v1/timelines/tag/x?min_id=9>; rel="prev"')
'https://m.example/api/v1/timelines/tag/x?max_id=7'
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

import orjson

from .errors import SwchatError
from .version import __version__

if TYPE_CHECKING:
    import httpx

    from .archive import Archive, IngestResult

__all__ = [
    "PAGE_SIZE",
    "CollectError",
    "CollectResult",
    "ServerResult",
    "collect_mastodon",
    "next_link",
    "server_url",
]

#: Statuses asked for per page (the most Mastodon gives for a timeline).
PAGE_SIZE = 40
#: How often one request is tried again after HTTP 429 before giving up.
MAX_RETRIES = 5
#: The wait after a 429 that gives neither ``Retry-After`` nor ``X-RateLimit-Reset``.
DEFAULT_WAIT = 60.0

_HOST = re.compile(r"^[A-Za-z0-9.-]+(:\d+)?$")


class CollectError(SwchatError):
    """A collection stopped (network or server error); ``result`` holds what was kept."""

    def __init__(self, message: str, result: CollectResult | None = None) -> None:
        super().__init__(message)
        self.result = result


@dataclass
class ServerResult:
    """What one server gave: ``pages`` of the tag timeline, ``posts`` new statuses written,
    ``duplicates`` statuses another server already gave in this run, ``contexts`` the
    ``/context`` responses written, ``file`` the export file written (``None``: nothing new)."""

    server: str
    pages: int = 0
    posts: int = 0
    duplicates: int = 0
    contexts: int = 0
    file: Path | None = None
    newest_id: str | None = None


@dataclass
class CollectResult:
    """The result of :func:`collect_mastodon`: per server, the files written, the import."""

    tag: str
    servers: list[ServerResult] = field(default_factory=list)
    ingest: IngestResult | None = None
    error: str | None = None

    @property
    def files(self) -> list[Path]:
        """The export files written in this run."""
        return [s.file for s in self.servers if s.file is not None]

    @property
    def posts(self) -> int:
        """New statuses written, over all servers."""
        return sum(s.posts for s in self.servers)


def server_url(server: str) -> str:
    """The base URL of a server given as a host name (``mastodon.social``) or a base URL.

    Raises
    ------
    CollectError
        Neither a host name nor an ``http(s)://`` URL.

    Examples
    --------
    >>> server_url("https://fediscience.org/"), server_url("Mastodon.Social")
    ('https://fediscience.org', 'https://mastodon.social')
    >>> server_url("not a server")
    Traceback (most recent call last):
    ...
    swchat.collect.CollectError: 'not a server' is not a server name (mastodon.social) or URL (https://mastodon.social)
    """
    text = server.strip()
    if "://" in text:
        parts = urlsplit(text)
        if parts.scheme in ("http", "https") and parts.netloc and _HOST.match(parts.netloc):
            return f"{parts.scheme}://{parts.netloc.lower()}{parts.path.rstrip('/')}"
    elif _HOST.match(text) and ("." in text.split(":")[0] or text.split(":")[0] == "localhost"):
        return f"https://{text.lower()}"
    raise CollectError(f"{server!r} is not a server name (mastodon.social) or URL (https://mastodon.social)")


def next_link(header: str | None) -> str | None:
    """The ``rel="next"`` address of a ``Link`` header, or ``None``."""
    for part in (header or "").split(","):
        match = re.search(r'<([^>]+)>\s*;.*rel="?next"?', part)
        if match:
            return match.group(1)
    return None


def _id_key(status_id: str) -> tuple[int, str]:
    """Mastodon ids are numbers as text: compare them by length, then as text."""
    return (len(status_id), status_id)


def _newer(a: str | None, b: str | None) -> str | None:
    if a is None or b is None:
        return a or b
    return a if _id_key(a) >= _id_key(b) else b


def _time(status: dict[str, Any]) -> datetime | None:
    try:
        return datetime.fromisoformat(str(status["created_at"]).replace("Z", "+00:00"))
    except (KeyError, ValueError):
        return None


def _as_utc(value: str | datetime | None) -> datetime | None:
    if value is None or isinstance(value, datetime):
        parsed = value
    else:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if parsed is not None and parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def _state_key(base: str, tag: str) -> str:
    return f"collect.mastodon {base} #{tag.lower()}"


class _Stop(Exception):
    """A request failed: ``message`` says which and why; ``states`` what to remember per server."""

    def __init__(self, message: str, states: dict[str, dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.message, self.states = message, states or {}


class _Fetcher:
    """GET with rate-limit waits; raises :class:`_Stop` on a network or server error."""

    def __init__(self, client: httpx.Client, sleep: Callable[[float], None], clock: Callable[[], float],
                 notify: Callable[[str], None]) -> None:
        self.client, self.sleep, self.clock, self.notify = client, sleep, clock, notify
        self.wait_until: float | None = None

    def _reset_wait(self, response: httpx.Response) -> float | None:
        reset = response.headers.get("X-RateLimit-Reset")
        if not reset:
            return None
        try:
            when = datetime.fromisoformat(reset.replace("Z", "+00:00")).timestamp()
        except ValueError:
            try:
                when = float(reset)
            except ValueError:
                return None
        return max(0.0, when - self.clock())

    def _retry_after(self, response: httpx.Response) -> float:
        value = response.headers.get("Retry-After")
        if value:
            try:
                return max(0.0, float(value))
            except ValueError:
                try:
                    return max(0.0, parsedate_to_datetime(value).timestamp() - self.clock())
                except (TypeError, ValueError):
                    pass
        wait = self._reset_wait(response)
        return DEFAULT_WAIT if wait is None else wait

    def _wait(self, seconds: float, why: str) -> None:
        if seconds > 0:
            self.notify(f"rate limit: {why}; waiting {seconds:.0f} s")
            self.sleep(seconds)

    def get(self, url: str, params: dict[str, Any] | None = None) -> httpx.Response:
        import httpx

        if self.wait_until is not None:
            self._wait(self.wait_until - self.clock(), f"{urlsplit(url).netloc} has no requests left")
            self.wait_until = None
        for _attempt in range(MAX_RETRIES + 1):
            try:
                response = self.client.get(url, params=params)
            except httpx.HTTPError as exc:
                raise _Stop(f"cannot reach {url}: {str(exc)[:120].rstrip('.') or type(exc).__name__}") from None
            if response.status_code == 429:
                self._wait(self._retry_after(response), f"{urlsplit(url).netloc} said too many requests")
                continue
            if response.status_code >= 400:
                raise _Stop(f"{url} answered HTTP {response.status_code}")
            remaining = response.headers.get("X-RateLimit-Remaining")
            if remaining is not None and remaining.strip().isdigit() and int(remaining) <= 0:
                wait = self._reset_wait(response)
                if wait is not None:
                    self.wait_until = self.clock() + wait
            return response
        raise _Stop(f"{url} still said too many requests after {MAX_RETRIES} waits")


def _json(response: httpx.Response) -> Any:
    try:
        return orjson.loads(response.content)
    except orjson.JSONDecodeError:
        raise _Stop(f"{response.request.url} did not answer JSON") from None


def collect_mastodon(
    archive: Archive,
    servers: Iterable[str],
    tag: str,
    out: str | Path,
    *,
    since: str | datetime | None = None,
    until: str | datetime | None = None,
    threads: bool = False,
    client: httpx.Client | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.time,
    notify: Callable[[str], None] | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> CollectResult:
    """Fetch the posts of a hashtag from Mastodon servers, write them as export files, import them.

    Parameters
    ----------
    archive : Archive
        An open archive: the files are imported into it, and it remembers how far each
        server was read (so the next run fetches only what is new).
    servers : iterable of str
        Host names (``mastodon.social``) or base URLs (``http://127.0.0.1:8000``); a status
        several servers give (the same ``uri``) is written once.
    tag : str
        The hashtag, with or without ``#`` (any case).
    out : str or Path
        The folder for the export files (created if missing; its parent must exist). Each
        server gives one file per run, ``mastodon-<host>-<tag>-<UTC time>.jsonl``.
    since, until : str or datetime, optional
        Keep posts from ``since`` on and before ``until`` (ISO; UTC when no zone is given).
        Paging stops at the first post older than ``since``.
    threads : bool
        Also fetch ``/api/v1/statuses/:id/context`` for new posts that have replies
        (``replies_count > 0``) or reply to a post that was not fetched.
    client : httpx.Client, optional
        The HTTP client (default: a new one with a 30 s timeout).
    sleep, clock : callable
        ``sleep(seconds)`` waits for a rate limit; ``clock()`` is the time (seconds since the
        epoch) to compare with ``X-RateLimit-Reset``. Tests pass their own.
    notify : callable, optional
        Receives each wait message (default: written to stderr).
    progress : callable, optional
        ``progress(server, pages, posts)`` after each page.

    Returns
    -------
    CollectResult
        Per server: pages, new posts, duplicates, contexts, the file written; and the import.

    Raises
    ------
    CollectError
        A bad server name or folder, or a request that failed (network, HTTP ≥ 400 other than
        429): everything fetched before it is written and imported first (``error.result``),
        and running the same collection again resumes.

    Examples
    --------
    >>> import tempfile, pathlib, httpx
    >>> from swchat.archive import Archive
    >>> page = [{"id": "5", "uri": "https://m.example/users/ann/statuses/5", "created_at":
    ...     "2026-09-02T19:00:00Z", "content": "<p>Q1 #SWChat</p>", "visibility": "public",
    ...     "account": {"id": "1", "acct": "ann", "url": "https://m.example/@ann"}}]
    >>> fake = httpx.Client(transport=httpx.MockTransport(lambda request: httpx.Response(200, json=page)))
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> with Archive(folder / "chat.db") as archive:
    ...     result = collect_mastodon(archive, ["m.example"], "SWChat", folder / "files", client=fake)
    ...     again = collect_mastodon(archive, ["m.example"], "SWChat", folder / "files", client=fake)
    >>> result.posts, result.ingest.total["added"], [f.name[:20] for f in result.files]
    (1, 1, ['mastodon-m.example-S'])
    >>> again.posts, again.files
    (0, [])
    """
    tag = tag.strip().lstrip("#")
    if not tag or "/" in tag:
        raise CollectError(f"{tag!r} is not a hashtag")
    bases = list(dict.fromkeys(server_url(s) for s in servers))
    if not bases:
        raise CollectError("no server to collect from")
    try:
        since_at, until_at = _as_utc(since), _as_utc(until)
    except ValueError:
        raise CollectError(f"not a date or time: {since!r} or {until!r} (use e.g. 2026-09-02)") from None
    folder = Path(out)
    if folder.exists() and not folder.is_dir():
        raise CollectError(f"cannot write into {folder}: it is a file, not a folder")
    if not folder.parent.is_dir():
        raise CollectError(f"cannot write into {folder}: the folder {folder.parent} does not exist")
    try:
        folder.mkdir(exist_ok=True)
        (folder / ".swchat-write-test").touch()
        (folder / ".swchat-write-test").unlink()
    except OSError as exc:
        raise CollectError(f"cannot write into {folder}: {exc.strerror or exc}") from None
    notify = notify or (lambda message: print(message, file=sys.stderr, flush=True))
    own_client = client is None
    if client is None:
        import httpx

        client = httpx.Client(timeout=30.0, follow_redirects=True,
                              headers={"User-Agent": f"swchat/{__version__} (+hashtag chat archive)"})
    fetcher = _Fetcher(client, sleep, clock, notify)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    result = CollectResult(tag=tag)
    seen: set[str] = set()
    states: dict[str, dict[str, Any]] = {}
    try:
        for base in bases:
            server = ServerResult(server=base)
            result.servers.append(server)
            host = urlsplit(base).netloc.replace(":", "_")
            safe_tag = re.sub(r"[^\w-]", "_", tag)
            path = folder / f"mastodon-{host}-{safe_tag}-{stamp}.jsonl"
            for number in range(2, 1000):  # two runs in one second write two files
                if not path.exists():
                    break
                path = folder / f"mastodon-{host}-{safe_tag}-{stamp}-{number}.jsonl"
            state = orjson.loads(archive.meta_value(_state_key(base, tag)) or b"{}")
            try:
                with path.open("xb") as handle:
                    states[base] = _collect_server(fetcher, base, tag, handle, server, state, seen,
                                                   since_at, until_at, threads, progress)
            finally:
                if path.stat().st_size:
                    server.file = path
                else:
                    path.unlink()
    except _Stop as stop:
        result.error = stop.message
        states.update(stop.states)
    finally:
        if own_client:
            client.close()
        if result.files:
            result.ingest = archive.ingest(result.files, format="mastodon")
        for base, state in states.items():  # remembered only once imported
            archive.set_meta(_state_key(base, tag), orjson.dumps(state).decode())
    if result.error and not result.posts:
        raise CollectError(f"{result.error}; nothing new was fetched", result)
    if result.error:
        posts = "1 post fetched before is" if result.posts == 1 else f"{result.posts} posts fetched before are"
        raise CollectError(f"{result.error}; the {posts} imported: run the same "
                           f"command again to resume", result)
    return result


def _collect_server(fetcher: _Fetcher, base: str, tag: str, handle: Any, server: ServerResult,
                    state: dict[str, Any], seen: set[str], since_at: datetime | None,
                    until_at: datetime | None, threads: bool,
                    progress: Callable[[str, int, int], None] | None) -> dict[str, Any]:
    """Fetch one server's new statuses into ``handle``; the state to remember. On a failure,
    raise :class:`_Stop` carrying ``{base: state}`` with the unfinished stretch as a gap."""
    newest: str | None = state.get("newest")
    gaps: list[list[str | None]] = [list(g) for g in state.get("gaps", [])]
    segments: list[list[str | None]] = [[None, newest], *gaps]  # (max_id, since_id) stretches to fetch
    fetched: list[dict[str, Any]] = []
    skipped: dict[str, dict[str, Any]] = {}  # statuses another server gave, by this server's id
    url0 = f"{base}/api/v1/timelines/tag/{quote(tag, safe='')}"
    for number, (max_id, since_id) in enumerate(segments):
        oldest: str | None = None
        params: dict[str, Any] | None = {"limit": PAGE_SIZE}
        if max_id:
            params = {**(params or {}), "max_id": max_id}
        if since_id:
            params = {**(params or {}), "since_id": since_id}
        url: str | None = url0
        try:
            while url:
                response = fetcher.get(url, params)
                page = _json(response)
                if not isinstance(page, list):
                    raise _Stop(f"{response.request.url} did not answer a list of statuses")
                server.pages += 1
                done = not page
                for status in page:
                    sid = str(status.get("id", ""))
                    if since_id and _id_key(sid) <= _id_key(since_id):
                        done = True
                        continue
                    oldest = sid
                    created = _time(status)
                    if since_at is not None and created is not None and created < since_at:
                        done = True
                        continue
                    if until_at is not None and created is not None and created >= until_at:
                        continue
                    newest = _newer(newest, sid)
                    uri = status.get("uri")
                    if uri in seen:
                        server.duplicates += 1
                        skipped[sid] = status
                        continue
                    if uri:
                        seen.add(uri)
                    handle.write(orjson.dumps(status) + b"\n")
                    fetched.append(status)
                    server.posts += 1
                handle.flush()
                if progress:
                    progress(base, server.pages, server.posts)
                url = None if done else next_link(response.headers.get("Link"))
                params = None  # the next link carries them (not since_id: checked above)
        except _Stop as stop:
            # the stretch not finished (from the oldest status seen down) is fetched next time
            left = [*([] if number == 0 and oldest is None else [[oldest or max_id, since_id]]),
                    *segments[number + 1:]]
            server.newest_id = newest
            raise _Stop(stop.message, {base: {"newest": newest, "gaps": left}}) from None
    server.newest_id = newest
    _add_parents(handle, fetched, skipped)
    if threads:
        try:
            _fetch_contexts(fetcher, base, handle, server, fetched)
        except _Stop as stop:  # the statuses are kept; their threads are not asked again
            raise _Stop(stop.message, {base: {"newest": newest, "gaps": []}}) from None
    return {"newest": newest, "gaps": []}


def _add_parents(handle: Any, fetched: list[dict[str, Any]], skipped: dict[str, dict[str, Any]]) -> None:
    """Write again the parents that another server's file holds: a reply names its parent by
    this server's local id, which the reader resolves to the parent's URI only within one file
    (the archive keeps the status once all the same)."""
    parents = {str(s.get("in_reply_to_id")) for s in fetched if s.get("in_reply_to_id")}
    for sid in sorted(parents & skipped.keys(), key=_id_key):
        handle.write(orjson.dumps(skipped[sid]) + b"\n")
    handle.flush()


def _fetch_contexts(fetcher: _Fetcher, base: str, handle: Any, server: ServerResult,
                    fetched: list[dict[str, Any]]) -> None:
    """Write the ``/context`` of each fetched status that has replies or a missing parent
    (once a thread: a status already in a written context is not asked again)."""
    have = {str(s.get("id")) for s in fetched}
    covered: set[str] = set()
    for status in fetched:
        sid = str(status.get("id"))
        parent = status.get("in_reply_to_id")
        if sid in covered or not ((status.get("replies_count") or 0) > 0 or (parent and str(parent) not in have)):
            continue
        response = fetcher.get(f"{base}/api/v1/statuses/{quote(sid, safe='')}/context")
        context = _json(response)
        if not isinstance(context, dict) or "ancestors" not in context:
            raise _Stop(f"{response.request.url} did not answer a status context")
        handle.write(orjson.dumps(context) + b"\n")
        handle.flush()
        server.contexts += 1
        covered.add(sid)
        for key in ("ancestors", "descendants"):
            covered.update(str(s.get("id")) for s in context.get(key) or [] if isinstance(s, dict))
