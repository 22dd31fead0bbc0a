"""Collect a hashtag from Mastodon servers or Bluesky into export files, then into the archive.

:func:`collect_mastodon` pages through the hashtag timeline of one or more servers
(``GET /api/v1/timelines/tag/:hashtag?limit=40``, following the ``Link: <…>; rel="next"``
header), optionally fetches the ``/api/v1/statuses/:id/context`` of posts that have replies or
reply to a post it did not get, and writes one JSON-lines file per server (one status or
``/context`` response per line: the shape :mod:`swchat.readers.mastodon` reads).

:func:`collect_bluesky` pages through ``app.bsky.feed.searchPosts`` (``q=#tag``,
``sort=latest``, ``cursor``) on a Bluesky AppView, optionally fetches
``app.bsky.feed.getPostThread`` for posts that have replies or reply to a post it did not get,
and writes one JSON-lines file (one post view or ``getPostThread`` response per line: the shape
:mod:`swchat.readers.bluesky` reads). Where the service asks for an account, it signs in with
an app password from the environment (:data:`HANDLE_ENV`, :data:`PASSWORD_ENV`).

Both import what they wrote with :meth:`swchat.Archive.ingest`, so the files can be imported
again (``swchat ingest``) and shared like any other export. They share the machinery:

- **Deduplication**: a post is known everywhere by its URI (Mastodon ``uri``, Bluesky
  ``at://`` URI); a post already written in this run is not written twice (the archive would
  keep it once anyway).
- **Resume**: how far each server was read for each tag is kept in the archive
  (:meth:`~swchat.archive.Archive.meta_value`): the newest Mastodon status id, or the newest
  Bluesky post time with the posts just before it. The next run asks only for newer posts. A
  run that stopped half-way (network error) also remembers the stretch it did not finish, and
  the next run fetches that too.
- **Rate limits**: when ``X-RateLimit-Remaining`` (Mastodon) or ``RateLimit-Remaining``
  (Bluesky) reaches 0 the collector waits until the reset the response names; an HTTP 429
  waits ``Retry-After`` (or until the reset) and tries again. Each wait is announced
  (``notify``, stderr by default); ``sleep`` is injectable.
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

import os
import re
import sys
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO
from urllib.parse import quote, urlsplit

import orjson

from .choices import BLUESKY_HANDLE_ENV, BLUESKY_PASSWORD_ENV, BLUESKY_PDS, BLUESKY_SERVICE
from .errors import SwchatError
from .version import __version__

if TYPE_CHECKING:
    import httpx

    from .archive import Archive, IngestResult

__all__ = [
    "BLUESKY_PAGE_SIZE",
    "DEFAULT_PDS",
    "DEFAULT_SERVICE",
    "HANDLE_ENV",
    "PAGE_SIZE",
    "PASSWORD_ENV",
    "CollectError",
    "CollectResult",
    "ServerResult",
    "bluesky_credentials",
    "collect_bluesky",
    "collect_mastodon",
    "next_link",
    "server_url",
]

#: Statuses asked for per page (the most Mastodon gives for a timeline).
PAGE_SIZE = 40
#: Posts asked for per ``searchPosts`` page (the most the lexicon allows).
BLUESKY_PAGE_SIZE = 100
#: How often one request is tried again after HTTP 429 before giving up.
MAX_RETRIES = 5
#: The wait after a 429 that gives neither ``Retry-After`` nor a rate-limit reset.
DEFAULT_WAIT = 60.0
#: The Bluesky AppView asked by default (no account needed where it answers anonymously).
DEFAULT_SERVICE = BLUESKY_SERVICE
#: Where to sign in (``com.atproto.server.createSession``) when the service asks for an account.
DEFAULT_PDS = BLUESKY_PDS
#: The environment variable with the Bluesky handle (or DID, or e-mail) to sign in with.
HANDLE_ENV = BLUESKY_HANDLE_ENV
#: The environment variable with an app password of that account (bsky.app: Settings → App passwords).
PASSWORD_ENV = BLUESKY_PASSWORD_ENV
#: A resumed Bluesky search starts this long before the newest post already fetched, so a post
#: indexed late (or sent by a client whose clock is behind) is not missed; the posts of that
#: stretch already fetched are remembered and skipped.
RESUME_OVERLAP = timedelta(minutes=5)
#: ``getPostThread`` depth (replies down) and parent height (ancestors up).
THREAD_DEPTH = 100
THREAD_PARENTS = 100

_HOST = re.compile(r"^[A-Za-z0-9.-]+(:\d+)?$")
_SEARCH = "app.bsky.feed.searchPosts"
_THREAD = "app.bsky.feed.getPostThread"
_SESSION = "com.atproto.server.createSession"
_ERRORS = tuple(range(400, 600))  # answers whose XRPC error the Bluesky client reads itself


class CollectError(SwchatError):
    """A collection stopped (network or server error); ``result`` holds what was kept."""

    def __init__(self, message: str, result: CollectResult | None = None) -> None:
        super().__init__(message)
        self.result = result


@dataclass
class ServerResult:
    """What one server gave: ``pages`` of the tag timeline or search, ``posts`` new posts
    written, ``duplicates`` posts already written in this run (by another server, or again on a
    later search page), ``contexts`` the threads (``/context`` or ``getPostThread`` responses)
    written, ``thread_posts`` the posts those threads added, ``file`` the export file written
    (``None``: nothing new), ``newest_id`` how far it was read (a Mastodon status id, or the
    time of the newest Bluesky post)."""

    server: str
    pages: int = 0
    posts: int = 0
    duplicates: int = 0
    contexts: int = 0
    thread_posts: int = 0
    file: Path | None = None
    newest_id: str | None = None


@dataclass
class CollectResult:
    """The result of a collection: per server, the files written, the import."""

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
        """New posts written, over all servers."""
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


def bluesky_credentials(env: Mapping[str, str] | None = None) -> tuple[str, str] | None:
    """The ``(handle, app password)`` in :data:`HANDLE_ENV` and :data:`PASSWORD_ENV`, or ``None``.

    Parameters
    ----------
    env : mapping, optional
        Where to look (default: the process environment).

    Raises
    ------
    CollectError
        Only one of the two is set.

    Examples
    --------
    >>> bluesky_credentials({"BSKY_HANDLE": "@ann.bsky.social", "BSKY_APP_PASSWORD": "abcd-efgh-ijkl-mnop"})
    ('ann.bsky.social', 'abcd-efgh-ijkl-mnop')
    >>> bluesky_credentials({}) is None
    True
    """
    env = os.environ if env is None else env
    handle = (env.get(HANDLE_ENV) or "").strip().lstrip("@")
    password = (env.get(PASSWORD_ENV) or "").strip()
    if not handle and not password:
        return None
    if not handle or not password:
        missing = HANDLE_ENV if not handle else PASSWORD_ENV
        raise CollectError(f"{missing} is not set: set both {HANDLE_ENV} and {PASSWORD_ENV} to sign in to Bluesky")
    return handle, password


# --------------------------------------------------------------------------- small parts


def _id_key(status_id: str) -> tuple[int, str]:
    """Mastodon ids are numbers as text: compare them by length, then as text."""
    return (len(status_id), status_id)


def _newer(a: str | None, b: str | None) -> str | None:
    if a is None or b is None:
        return a or b
    return a if _id_key(a) >= _id_key(b) else b


def _parse_time(value: Any) -> datetime | None:
    """An ISO time as an aware UTC datetime (``None`` when it is not one); no zone is UTC."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _time(status: dict[str, Any]) -> datetime | None:
    return _parse_time(status.get("created_at"))


def _as_utc(value: str | datetime | None) -> datetime | None:
    if value is None or isinstance(value, datetime):
        parsed = value
    else:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if parsed is not None and parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def _iso(when: datetime) -> str:
    """Exact ISO text in UTC with ``Z`` (milliseconds, or microseconds when they are needed)."""
    when = when.astimezone(UTC)
    spec = "milliseconds" if when.microsecond % 1000 == 0 else "microseconds"
    return when.isoformat(timespec=spec).replace("+00:00", "Z")


def _one_line(text: str, limit: int = 100) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _state_key(platform: str, base: str, tag: str) -> str:
    return f"collect.{platform} {base} #{tag.lower()}"


class _Stop(Exception):
    """A request failed: ``message`` says which and why; ``states`` what to remember per server."""

    def __init__(self, message: str, states: dict[str, dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.message, self.states = message, states or {}


# --------------------------------------------------------------------------- HTTP with rate limits


class _Fetcher:
    """HTTP with rate-limit waits; raises :class:`_Stop` on a network or server error.

    The rate-limit headers of both platforms are read: ``X-RateLimit-*`` (Mastodon, an ISO
    reset time) and ``RateLimit-*`` (Bluesky, a reset in seconds since the epoch).
    """

    def __init__(self, client: httpx.Client, sleep: Callable[[float], None], clock: Callable[[], float],
                 notify: Callable[[str], None]) -> None:
        self.client, self.sleep, self.clock, self.notify = client, sleep, clock, notify
        self.wait_until: float | None = None

    @staticmethod
    def _header(response: httpx.Response, name: str) -> str | None:
        return response.headers.get(f"X-{name}") or response.headers.get(name)

    def _reset_wait(self, response: httpx.Response) -> float | None:
        reset = self._header(response, "RateLimit-Reset")
        if not reset:
            return None
        try:
            when = datetime.fromisoformat(reset.replace("Z", "+00:00")).timestamp()
        except ValueError:
            try:
                when = float(reset)
            except ValueError:
                return None
            if when < 10**9:  # seconds from now (the IETF draft), not a time
                return max(0.0, when)
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

    def request(self, method: str, url: str, params: dict[str, Any] | None = None, *,
                json: Any = None, headers: dict[str, str] | None = None,
                accept: tuple[int, ...] = ()) -> httpx.Response:
        """Send a request, waiting out rate limits; a status in ``accept`` is returned, not raised."""
        import httpx

        if self.wait_until is not None:
            self._wait(self.wait_until - self.clock(), f"{urlsplit(url).netloc} has no requests left")
            self.wait_until = None
        for _attempt in range(MAX_RETRIES + 1):
            try:
                response = self.client.request(method, url, params=params, json=json, headers=headers)
            except httpx.HTTPError as exc:
                raise _Stop(f"cannot reach {url}: {str(exc)[:120].rstrip('.') or type(exc).__name__}") from None
            if response.status_code == 429:
                self._wait(self._retry_after(response), f"{urlsplit(url).netloc} said too many requests")
                continue
            if response.status_code >= 400 and response.status_code not in accept:
                raise _Stop(f"{url} answered HTTP {response.status_code}")
            remaining = self._header(response, "RateLimit-Remaining")
            if remaining is not None and remaining.strip().isdigit() and int(remaining) <= 0:
                wait = self._reset_wait(response)
                if wait is not None:
                    self.wait_until = self.clock() + wait
            return response
        raise _Stop(f"{url} still said too many requests after {MAX_RETRIES} waits")

    def get(self, url: str, params: dict[str, Any] | None = None, **kwargs: Any) -> httpx.Response:
        """``GET`` (see :meth:`request`)."""
        return self.request("GET", url, params, **kwargs)


def _json(response: httpx.Response) -> Any:
    try:
        return orjson.loads(response.content)
    except orjson.JSONDecodeError:
        raise _Stop(f"{response.request.url} did not answer JSON") from None


# --------------------------------------------------------------------------- the shared run


@dataclass
class _Run:
    """One collection: checked arguments, the HTTP client, and the shared write-import-remember loop."""

    archive: Archive
    platform: str
    tag: str
    folder: Path
    since_at: datetime | None
    until_at: datetime | None
    fetcher: _Fetcher
    own_client: bool

    @classmethod
    def start(cls, archive: Archive, platform: str, tag: str, out: str | Path, since: str | datetime | None,
              until: str | datetime | None, client: httpx.Client | None, sleep: Callable[[float], None],
              clock: Callable[[], float], notify: Callable[[str], None] | None) -> _Run:
        """Check the tag, the dates and the folder (made when missing), and open a client."""
        tag = tag.strip().lstrip("#")
        if not tag or "/" in tag:
            raise CollectError(f"{tag!r} is not a hashtag")
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
        return cls(archive, platform, tag, folder, since_at, until_at, _Fetcher(client, sleep, clock, notify),
                   own_client)

    def _path(self, base: str, stamp: str) -> Path:
        host = urlsplit(base).netloc.replace(":", "_")
        safe_tag = re.sub(r"[^\w-]", "_", self.tag)
        name = f"{self.platform}-{host}-{safe_tag}-{stamp}"
        path = self.folder / f"{name}.jsonl"
        for number in range(2, 1000):  # two runs in one second write two files
            if not path.exists():
                break
            path = self.folder / f"{name}-{number}.jsonl"
        return path

    def run(self, bases: list[str],
            one: Callable[[str, BinaryIO, ServerResult, dict[str, Any]], dict[str, Any]]) -> CollectResult:
        """For each base, ``one(base, file, server result, remembered state)`` writes what it fetches
        and returns the state to remember (or raises :class:`_Stop` carrying it). Then import the
        files, remember the states, and raise :class:`CollectError` after a failure."""
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        result = CollectResult(tag=self.tag)
        states: dict[str, dict[str, Any]] = {}
        try:
            for base in bases:
                server = ServerResult(server=base)
                result.servers.append(server)
                path = self._path(base, stamp)
                state = orjson.loads(self.archive.meta_value(_state_key(self.platform, base, self.tag)) or b"{}")
                try:
                    with path.open("xb") as handle:
                        states[base] = one(base, handle, server, state)
                finally:
                    if path.stat().st_size:
                        server.file = path
                    else:
                        path.unlink()
        except _Stop as stop:
            result.error = stop.message
            states.update(stop.states)
        finally:
            if self.own_client:
                self.fetcher.client.close()
            if result.files:
                result.ingest = self.archive.ingest(result.files, format=self.platform)
            for base, state in states.items():  # remembered only once imported
                self.archive.set_meta(_state_key(self.platform, base, self.tag), orjson.dumps(state).decode())
        if result.error and not result.posts:
            raise CollectError(f"{result.error}; nothing new was fetched", result)
        if result.error:
            posts = "1 post fetched before is" if result.posts == 1 else f"{result.posts} posts fetched before are"
            raise CollectError(f"{result.error}; the {posts} imported: run the same "
                               f"command again to resume", result)
        return result


# --------------------------------------------------------------------------- Mastodon


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
    bases = list(dict.fromkeys(server_url(s) for s in servers))
    if not bases:
        raise CollectError("no server to collect from")
    run = _Run.start(archive, "mastodon", tag, out, since, until, client, sleep, clock, notify)
    seen: set[str] = set()

    def one(base: str, handle: BinaryIO, server: ServerResult, state: dict[str, Any]) -> dict[str, Any]:
        return _collect_server(run.fetcher, base, run.tag, handle, server, state, seen, run.since_at,
                               run.until_at, threads, progress)

    return run.run(bases, one)


def _collect_server(fetcher: _Fetcher, base: str, tag: str, handle: BinaryIO, server: ServerResult,
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
            _fetch_contexts(fetcher, base, handle, server, fetched, seen)
        except _Stop as stop:  # the statuses are kept; their threads are not asked again
            raise _Stop(stop.message, {base: {"newest": newest, "gaps": []}}) from None
    return {"newest": newest, "gaps": []}


def _add_parents(handle: BinaryIO, fetched: list[dict[str, Any]], skipped: dict[str, dict[str, Any]]) -> None:
    """Write again the parents that another server's file holds: a reply names its parent by
    this server's local id, which the reader resolves to the parent's URI only within one file
    (the archive keeps the status once all the same)."""
    parents = {str(s.get("in_reply_to_id")) for s in fetched if s.get("in_reply_to_id")}
    for sid in sorted(parents & skipped.keys(), key=_id_key):
        handle.write(orjson.dumps(skipped[sid]) + b"\n")
    handle.flush()


def _fetch_contexts(fetcher: _Fetcher, base: str, handle: BinaryIO, server: ServerResult,
                    fetched: list[dict[str, Any]], seen: set[str]) -> None:
    """Write the ``/context`` of each fetched status that has replies or a missing parent
    (once a thread: a status already in a written context is not asked again)."""
    have = {str(s.get("id")) for s in fetched}
    covered: set[str] = set()
    added: set[str] = set()
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
            for other in context.get(key) or []:
                if isinstance(other, dict):
                    covered.add(str(other.get("id")))
                    if other.get("uri") and other["uri"] not in seen:
                        added.add(other["uri"])
        server.thread_posts = len(added)


# --------------------------------------------------------------------------- Bluesky


def collect_bluesky(
    archive: Archive,
    tag: str,
    out: str | Path,
    *,
    service: str = DEFAULT_SERVICE,
    pds: str = DEFAULT_PDS,
    since: str | datetime | None = None,
    until: str | datetime | None = None,
    threads: bool = False,
    env: Mapping[str, str] | None = None,
    client: httpx.Client | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.time,
    notify: Callable[[str], None] | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> CollectResult:
    """Fetch the posts of a hashtag from Bluesky, write them as an export file, import it.

    Pages through ``app.bsky.feed.searchPosts`` (``q=#tag``, ``sort=latest``, 100 posts a
    page, following ``cursor``) on ``service``. When the service answers 401 or 403 (the public
    AppView often refuses anonymous searches), it signs in with the app password in
    :data:`HANDLE_ENV` and :data:`PASSWORD_ENV` (``com.atproto.server.createSession`` on
    ``pds``) and asks again through ``pds`` with the session's token, which the PDS forwards to
    its AppView. The password and the token are kept in memory only: never asked for, never
    written to the files or the archive.

    Parameters
    ----------
    archive : Archive
        An open archive: the file is imported into it, and it remembers how far the service
        was read for the tag (so the next run fetches only what is new).
    tag : str
        The hashtag, with or without ``#`` (any case).
    out : str or Path
        The folder for the export files (created if missing; its parent must exist): one file
        per run, ``bluesky-<host>-<tag>-<UTC time>.jsonl``, one post view per line (and, with
        ``threads``, one ``getPostThread`` response per line): what ``swchat ingest`` reads as
        Bluesky.
    service : str
        The AppView: a host name or base URL (default :data:`DEFAULT_SERVICE`).
    pds : str
        Where to sign in when the service asks for an account (default :data:`DEFAULT_PDS`).
    since, until : str or datetime, optional
        Keep posts from ``since`` on and before ``until`` (ISO; UTC when no zone is given); both
        are asked of the service (its ``since``/``until``) and checked on what it answers.
    threads : bool
        Also fetch ``app.bsky.feed.getPostThread`` for new posts that have replies
        (``replyCount > 0``) or reply to a post that was not fetched; every post of the thread
        is imported (once: the archive keys posts by their ``at://`` URI).
    env : mapping, optional
        Where to find the credentials (default: the process environment).
    client : httpx.Client, optional
        The HTTP client (default: a new one with a 30 s timeout).
    sleep, clock : callable
        ``sleep(seconds)`` waits for a rate limit; ``clock()`` is the time (seconds since the
        epoch) to compare with ``RateLimit-Reset``. Tests pass their own.
    notify : callable, optional
        Receives each wait message and the sign-in notice (default: written to stderr).
    progress : callable, optional
        ``progress(service, pages, posts)`` after each page.

    Returns
    -------
    CollectResult
        One server result (the service): pages, new posts, threads, the file written; the import.

    Raises
    ------
    CollectError
        A bad service address, tag or folder; only one of the two credentials set; the service
        asks for an account and none is set (the message names the variables), or the sign-in
        is refused; a request that failed (network, HTTP ≥ 400 other than 429): everything
        fetched before it is written and imported first (``error.result``), and running the same
        collection again resumes.

    Examples
    --------
    >>> import tempfile, pathlib, httpx
    >>> from swchat.archive import Archive
    >>> view = {"uri": "at://did:plc:ann/app.bsky.feed.post/3k1", "indexedAt": "2026-09-02T19:00:01Z",
    ...     "author": {"did": "did:plc:ann", "handle": "ann.bsky.social"},
    ...     "record": {"text": "Q1 #SWChat", "createdAt": "2026-09-02T19:00:00Z"}}
    >>> answer = lambda request: httpx.Response(200, json={"posts": [view]})
    >>> fake = httpx.Client(transport=httpx.MockTransport(answer))
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> with Archive(folder / "chat.db") as archive:
    ...     result = collect_bluesky(archive, "SWChat", folder / "files", client=fake, env={})
    ...     again = collect_bluesky(archive, "SWChat", folder / "files", client=fake, env={})
    >>> result.posts, result.ingest.total["added"], [f.name[:27] for f in result.files]
    (1, 1, ['bluesky-public.api.bsky.app'])
    >>> again.posts, again.files
    (0, [])
    """
    base, pds_url = server_url(service), server_url(pds)
    credentials = bluesky_credentials(env)
    run = _Run.start(archive, "bluesky", tag, out, since, until, client, sleep, clock, notify)
    api = _Bluesky(run.fetcher, base, pds_url, credentials)

    def one(base: str, handle: BinaryIO, server: ServerResult, state: dict[str, Any]) -> dict[str, Any]:
        return _collect_service(api, base, run.tag, handle, server, state, run.since_at, run.until_at, threads,
                                progress)

    return run.run([base], one)


def _xrpc_error(response: httpx.Response) -> tuple[str, str]:
    """The ``error`` name and ``message`` of an XRPC error answer (empty when it has none)."""
    try:
        body = orjson.loads(response.content)
    except orjson.JSONDecodeError:
        return "", ""
    if not isinstance(body, dict):
        return "", ""
    name, message = body.get("error"), body.get("message")
    return (name if isinstance(name, str) else ""), (message if isinstance(message, str) else "")


def _detail(response: httpx.Response) -> str:
    parts = [p for p in _xrpc_error(response) if p]
    return f" ({_one_line(': '.join(parts))})" if parts else ""


class _Bluesky:
    """XRPC calls to an AppView. When it asks for an account (HTTP 401/403), sign in on the PDS
    with the app password and ask through the PDS, which forwards ``app.bsky.*`` calls to its
    AppView; an expired token signs in again once."""

    def __init__(self, fetcher: _Fetcher, service: str, pds: str, credentials: tuple[str, str] | None) -> None:
        self.fetcher, self.service, self.pds, self.credentials = fetcher, service, pds, credentials
        self.base = service
        self.token: str | None = None

    def get(self, nsid: str, params: dict[str, Any], *, missing_ok: bool = False) -> dict[str, Any] | None:
        """The JSON object a query answers; ``None`` for ``NotFound`` when ``missing_ok``."""
        renewed = False
        while True:
            url = f"{self.base}/xrpc/{nsid}"
            headers = {"Authorization": f"Bearer {self.token}"} if self.token else None
            response = self.fetcher.get(url, params, headers=headers, accept=_ERRORS)
            code = response.status_code
            if code < 400:
                body = _json(response)
                if not isinstance(body, dict):
                    raise _Stop(f"{url} did not answer a JSON object")
                return body
            error, _ = _xrpc_error(response)
            if missing_ok and code == 400 and error == "NotFound":
                return None
            if self.token is None and code in (401, 403):
                if self.credentials is None:
                    raise _Stop(f"{self.service} asks for a Bluesky account to use {nsid} (HTTP {code}): "
                                f"set {HANDLE_ENV} and {PASSWORD_ENV} (an app password) to sign in")
                self._sign_in()
                continue
            if self.token is not None and error in ("ExpiredToken", "InvalidToken") and not renewed:
                renewed = True
                self._sign_in()
                continue
            raise _Stop(f"{url} answered HTTP {code}{_detail(response)}")

    def _sign_in(self) -> None:
        assert self.credentials is not None
        handle, password = self.credentials
        url = f"{self.pds}/xrpc/{_SESSION}"
        response = self.fetcher.request("POST", url, json={"identifier": handle, "password": password},
                                        accept=_ERRORS)
        if response.status_code >= 400:
            why = ": ".join(p for p in _xrpc_error(response) if p)
            raise _Stop(f"{self.pds} refused to sign in {handle}: HTTP {response.status_code}"
                        f"{', ' + _one_line(why) if why else ''}; check {HANDLE_ENV} and {PASSWORD_ENV}")
        body = _json(response)
        token = body.get("accessJwt") if isinstance(body, dict) else None
        if not isinstance(token, str) or not token:
            raise _Stop(f"{url} did not answer a session")
        self.token, self.base = token, self.pds
        self.fetcher.notify(f"signed in to {self.pds} as {handle} ({HANDLE_ENV}); asking through it")


def _sort_at(view: dict[str, Any]) -> datetime | None:
    """The time search sorts and filters a post by: the earlier of ``record.createdAt`` and
    ``indexedAt`` (a post cannot be dated into the future)."""
    record = view.get("record")
    times = [t for t in (_parse_time(view.get("indexedAt")),
                         _parse_time(record.get("createdAt") if isinstance(record, dict) else None)) if t]
    return min(times) if times else None


def _parent_uri(view: dict[str, Any]) -> str | None:
    record = view.get("record")
    reply = record.get("reply") if isinstance(record, dict) else None
    parent = reply.get("parent") if isinstance(reply, dict) else None
    uri = parent.get("uri") if isinstance(parent, dict) else None
    return uri if isinstance(uri, str) else None


def _later(a: datetime | None, b: datetime | None) -> datetime | None:
    return a if b is None or (a is not None and a >= b) else b


def _earlier(a: datetime | None, b: datetime | None) -> datetime | None:
    return a if b is None or (a is not None and a <= b) else b


def _collect_service(api: _Bluesky, base: str, tag: str, handle: BinaryIO, server: ServerResult,
                     state: dict[str, Any], since_at: datetime | None, until_at: datetime | None, threads: bool,
                     progress: Callable[[str, int, int], None] | None) -> dict[str, Any]:
    """Fetch the service's new posts of ``tag`` into ``handle``; the state to remember.

    The state: ``newest`` (the latest post time fetched), ``recent`` (the posts of the
    :data:`RESUME_OVERLAP` before it, which the next run asks for again and skips) and ``gaps``
    (stretches a failed run left: ``since``, ``until`` — both inclusive — and the posts at
    their edges already fetched). On a failure, raise :class:`_Stop` carrying ``{base: state}``.
    """
    newest = _parse_time(state.get("newest"))
    recent: dict[str, str] = {str(k): str(v) for k, v in (state.get("recent") or {}).items()}
    first = {"since": _iso(newest - RESUME_OVERLAP) if newest else None, "until": None, "skip": sorted(recent)}
    segments = [first, *(dict(g) for g in state.get("gaps") or [] if isinstance(g, dict))]
    fetched: list[dict[str, Any]] = []
    seen: set[str] = set()

    def remember(gaps: list[dict[str, Any]]) -> dict[str, Any]:
        server.newest_id = _iso(newest) if newest else None
        near = {u: t for u, t in recent.items()
                if newest is not None and (_parse_time(t) or newest) >= newest - RESUME_OVERLAP}
        return {"newest": server.newest_id, "recent": near, "gaps": gaps}

    for number, segment in enumerate(segments):
        low = _later(_parse_time(segment.get("since")), since_at)
        top = _parse_time(segment.get("until"))
        high = _earlier(top + timedelta(milliseconds=1) if top else None, until_at)
        skip = set(segment.get("skip") or ())
        params: dict[str, Any] = {"q": f"#{tag}", "sort": "latest", "limit": BLUESKY_PAGE_SIZE}
        if low:
            params["since"] = _iso(low)
        if high:
            params["until"] = _iso(high)
        oldest: datetime | None = None
        at_oldest: set[str] = set()  # the posts at the oldest time seen that are fetched
        cursor: str | None = None
        try:
            while True:
                page = api.get(_SEARCH, {**params, "cursor": cursor} if cursor else params)
                posts = page.get("posts") if page else None
                if not isinstance(posts, list):
                    raise _Stop(f"{api.base}/xrpc/{_SEARCH} did not answer a list of posts")
                server.pages += 1
                done = not posts
                for view in posts:
                    uri = view.get("uri") if isinstance(view, dict) else None
                    if not isinstance(uri, str) or not uri.startswith("at://"):
                        continue
                    at = _sort_at(view)
                    if at is not None and (oldest is None or at < oldest):
                        oldest, at_oldest = at, set()
                    had = uri in skip or uri in seen
                    if uri in skip:
                        pass
                    elif at is not None and low is not None and at < low:
                        done = True  # newest first: the rest is older still
                    elif at is not None and high is not None and at >= high:
                        pass
                    elif uri in seen:  # again on a later page (new posts moved the search on)
                        server.duplicates += 1
                    else:
                        seen.add(uri)
                        handle.write(orjson.dumps(view) + b"\n")
                        fetched.append(view)
                        server.posts += 1
                        had = True
                        if at is not None:
                            recent[uri] = _iso(at)
                            newest = _later(newest, at)
                    if had and at is not None and at == oldest:
                        at_oldest.add(uri)
                handle.flush()
                if progress:
                    progress(base, server.pages, server.posts)
                next_cursor = page.get("cursor") if page else None
                if done or not posts or not isinstance(next_cursor, str) or not next_cursor:
                    break
                cursor = next_cursor
        except _Stop as stop:
            # the stretch not finished (from the oldest post seen down) is fetched next time
            left = [] if number == 0 and oldest is None else [
                {"since": segment.get("since"), "until": _iso(oldest) if oldest else segment.get("until"),
                 "skip": sorted(skip | at_oldest)}]
            raise _Stop(stop.message, {base: remember([*left, *segments[number + 1:]])}) from None
    done_state = remember([])
    if threads:
        try:
            _fetch_threads(api, handle, server, fetched, seen)
        except _Stop as stop:  # the posts are kept; their threads are not asked again
            raise _Stop(stop.message, {base: done_state}) from None
    return done_state


def _thread_uris(thread: Any) -> set[str]:
    """The URIs of the posts of a ``getPostThread`` thread (nested, or the flat V2 list)."""
    found: set[str] = set()
    if isinstance(thread, list):
        pending = [e.get("value") for e in thread if isinstance(e, dict)]
    else:
        pending = [thread]
    for _ in range(100_000):
        if not pending:
            break
        node = pending.pop()
        if not isinstance(node, dict):
            continue
        post = node.get("post")
        if isinstance(post, dict) and isinstance(post.get("uri"), str):
            found.add(post["uri"])
        if isinstance(node.get("parent"), dict):
            pending.append(node["parent"])
        if isinstance(node.get("replies"), list):
            pending.extend(node["replies"])
    return found


def _fetch_threads(api: _Bluesky, handle: BinaryIO, server: ServerResult, fetched: list[dict[str, Any]],
                   seen: set[str]) -> None:
    """Write the ``getPostThread`` of each fetched post that has replies or a missing parent
    (once a thread: a post already in a written thread is not asked again; a post deleted since
    is passed over)."""
    have = {str(v["uri"]) for v in fetched}
    covered: set[str] = set()
    for view in fetched:
        uri = str(view["uri"])
        parent = _parent_uri(view)
        replies = view.get("replyCount")
        has_replies = isinstance(replies, int) and replies > 0
        if uri in covered or not (has_replies or (parent and parent not in have)):
            continue
        answer = api.get(_THREAD, {"uri": uri, "depth": THREAD_DEPTH, "parentHeight": THREAD_PARENTS},
                         missing_ok=True)
        covered.add(uri)
        if answer is None:
            continue
        thread = answer.get("thread")
        if not isinstance(thread, dict | list):
            raise _Stop(f"{api.base}/xrpc/{_THREAD} did not answer a thread")
        handle.write(orjson.dumps(answer) + b"\n")
        handle.flush()
        server.contexts += 1
        uris = _thread_uris(thread)
        covered |= uris
        server.thread_posts += len(uris - seen)
        seen |= uris
