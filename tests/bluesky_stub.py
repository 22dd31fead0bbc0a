"""A local stand-in for a Bluesky AppView and PDS (http.server in a thread), for the collect tests.

Post views are shaped like the real ``app.bsky.feed.searchPosts`` and ``getPostThread``
responses from bsky.social recorded in ``../shared/realdata/bluesky-api/`` (built here, not
copied). The server answers ``searchPosts`` newest first (by the earlier of ``createdAt`` and
``indexedAt``, as the AppView sorts), honours ``q=#tag``, ``since``/``until`` and ``limit``,
and pages with an offset ``cursor`` as the AppView does; it serves ``getPostThread`` from
``threads`` and ``com.atproto.server.createSession`` from ``accounts``; it can demand a signed-in
account (``require_auth``), expire tokens, and fail or rate-limit particular requests.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

_B32 = "234567abcdefghijklmnopqrstuvwxyz"


def did(user: str) -> str:
    """A plc DID for a user name (24 characters, like real ones)."""
    return "did:plc:" + (user.lower() + "q7nzvx4kd5wr3hc2m6tyjb5lfs")[:24]


def _rkey(n: int) -> str:
    digits = ""
    for _ in range(11):
        n, r = divmod(n, 32)
        digits = _B32[r] + digits
    return "3l" + digits


def uri(n: int, user: str = "ann") -> str:
    """The ``at://`` URI of post ``n`` by ``user``."""
    return f"at://{did(user)}/app.bsky.feed.post/{_rkey(n)}"


def post(n: int, *, user: str = "ann", minute: int | None = None, second: int = 0, tag: str | None = "SWChat",
         reply_to: dict[str, Any] | None = None, replies: int = 0, lag: float = 0.8,
         created: str | None = None) -> dict[str, Any]:
    """A post view as ``searchPosts`` gives it: post ``n`` by ``user`` at 19:``minute``
    (default ``n``):``second`` on 2026-09-02, indexed ``lag`` seconds later; a reply when
    ``reply_to`` (the parent's view) is given."""
    when = datetime(2026, 9, 2, 19, 0, tzinfo=UTC) + timedelta(minutes=minute if minute is not None else n,
                                                                  seconds=second, microseconds=123456)
    created_at = created or when.isoformat().replace("+00:00", "Z")
    indexed_at = (when + timedelta(seconds=lag)).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    text = f"post {n} ✨" + (f" #{tag}" if tag else "")
    record: dict[str, Any] = {"$type": "app.bsky.feed.post", "createdAt": created_at, "langs": ["en"], "text": text}
    if tag:
        start = len(text.encode()) - len(tag.encode()) - 1
        record["facets"] = [{"features": [{"$type": "app.bsky.richtext.facet#tag", "tag": tag}],
                             "index": {"byteEnd": len(text.encode()), "byteStart": start}}]
    if reply_to is not None:
        parent = {"cid": reply_to["cid"], "uri": reply_to["uri"]}
        root = (reply_to["record"].get("reply") or {}).get("root") or parent
        record["reply"] = {"parent": parent, "root": root}
    return {
        "uri": uri(n, user), "cid": f"bafyreib{_rkey(n)}{user.lower()}cid",
        "author": {"did": did(user), "handle": f"{user.lower()}.bsky.social", "displayName": user.title(),
                   "avatar": f"https://cdn.bsky.app/img/avatar/plain/{did(user)}/bafkrei{user.lower()}@jpeg",
                   "associated": {"chat": {"allowIncoming": "following"}},
                   "viewer": {"muted": False, "blockedBy": False}, "labels": [],
                   "createdAt": "2023-08-13T15:09:13.807Z"},
        "record": record, "replyCount": replies, "repostCount": 0, "likeCount": 1, "quoteCount": 0,
        "indexedAt": indexed_at, "viewer": {"threadMuted": False, "embeddingDisabled": False}, "labels": [],
    }


def thread(view: dict[str, Any], *, parent: dict[str, Any] | None = None,
           replies: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """A ``threadViewPost``: ``view`` with its ``parent`` thread (up) and ``replies`` (down)."""
    node: dict[str, Any] = {"$type": "app.bsky.feed.defs#threadViewPost", "post": view,
                            "replies": replies or [], "threadContext": {}}
    if parent is not None:
        node["parent"] = parent
    return node


def sort_at(view: dict[str, Any]) -> datetime:
    """The time the AppView sorts and filters a post by."""
    def parse(text: str) -> datetime:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))

    return min(parse(view["record"]["createdAt"]), parse(view["indexedAt"]))


def _tags(view: dict[str, Any]) -> set[str]:
    record = view["record"]
    found = {f["tag"].lower() for facet in record.get("facets", []) for f in facet["features"] if "tag" in f}
    return found | {t.lower() for t in record.get("tags", [])}


class StubServer:
    """The server: ``posts`` (any order), ``threads`` by URI, ``accounts`` (handle → app password).

    ``require_auth`` makes every ``app.bsky.*`` query without a valid token answer
    ``auth_code`` (401 ``AuthMissing`` by default; 403 as the public AppView does);
    ``expire_after`` makes a token expire (400 ``ExpiredToken``) after that many uses;
    ``filter_dates = False`` ignores ``since``/``until`` (a service that does not honour them).
    ``hook(path, query)`` may return ``(status code, headers, body)`` to answer instead, or
    ``"close"`` to drop the connection; ``requests`` lists every path and query asked for,
    ``authorizations`` the ``Authorization`` header of each (``None`` when absent), and
    ``sessions`` the JSON bodies sent to ``createSession``.
    """

    def __init__(self, posts: list[dict[str, Any]] | None = None, page_size: int = 100) -> None:
        self.posts = posts or []
        self.threads: dict[str, dict[str, Any]] = {}
        self.accounts: dict[str, str] = {}
        self.require_auth = False
        self.auth_code = 401
        self.expire_after: int | None = None
        self.filter_dates = True
        self.hook: Callable[[str, dict[str, str]], Any] | None = None
        self.headers: dict[str, str] = {}
        self.page_size = page_size
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.authorizations: list[str | None] = []
        self.sessions: list[dict[str, Any]] = []
        self._tokens: dict[str, int] = {}
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _serve(self, body: Any = None) -> None:
                parts = urlsplit(self.path)
                query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
                stub.requests.append((parts.path, query))
                stub.authorizations.append(self.headers.get("Authorization"))
                answer = stub.hook(parts.path, query) if stub.hook else None
                if answer == "close":
                    self.close_connection = True
                    self.connection.close()
                    return
                code, headers, reply = answer or stub.answer(parts.path, query, self.headers.get("Authorization"),
                                                             body)
                data = json.dumps(reply).encode()
                self.send_response(code)
                for key, value in {"Content-Type": "application/json", **stub.headers, **headers}.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                self._serve()

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                try:
                    body = json.loads(raw or b"null")
                except ValueError:
                    body = None
                self._serve(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    def _authorized(self, authorization: str | None) -> tuple[int, dict[str, str]] | None:
        """``None`` when the request may go on, else the error answer."""
        token = authorization.removeprefix("Bearer ") if authorization else None
        if token in self._tokens:
            self._tokens[token] += 1
            if self.expire_after is not None and self._tokens[token] > self.expire_after:
                return 400, {"error": "ExpiredToken", "message": "Token has expired"}
            return None
        if self.require_auth:
            return self.auth_code, {"error": "AuthMissing", "message": "Authentication Required"}
        return None

    def answer(self, path: str, query: dict[str, str], authorization: str | None,
               body: Any) -> tuple[int, dict[str, str], Any]:
        if path == "/xrpc/com.atproto.server.createSession":
            ident, password = (body or {}).get("identifier"), (body or {}).get("password")
            self.sessions.append(body)
            if ident not in self.accounts or self.accounts[ident] != password:
                return 401, {}, {"error": "AuthenticationRequired", "message": "Invalid identifier or password"}
            token = f"eyJ0eXAiOiJhdCtqd3QiLCJhbGciOiJFUzI1NksifQ.stub-{ident}-{len(self._tokens)}"
            self._tokens[token] = 0
            return 200, {}, {"accessJwt": token, "refreshJwt": token + "-refresh", "handle": ident, "did": did(ident),
                             "active": True}
        if path.startswith("/xrpc/app.bsky."):
            refused = self._authorized(authorization)
            if refused:
                return refused[0], {}, refused[1]
        if path == "/xrpc/app.bsky.feed.searchPosts":
            if "q" not in query:
                return 400, {}, {"error": "InvalidRequest", "message": 'Error: Params must have the property "q"'}
            tag = query["q"].lstrip("#").lower()
            rows = sorted((p for p in self.posts if tag in _tags(p)), key=sort_at, reverse=True)
            if "since" in query and self.filter_dates:
                since = datetime.fromisoformat(query["since"].replace("Z", "+00:00"))
                rows = [p for p in rows if sort_at(p) >= since]
            if "until" in query and self.filter_dates:
                until = datetime.fromisoformat(query["until"].replace("Z", "+00:00"))
                rows = [p for p in rows if sort_at(p) < until]
            offset = int(query.get("cursor", 0))
            limit = min(int(query.get("limit", 25)), self.page_size)
            page = rows[offset:offset + limit]
            reply: dict[str, Any] = {"posts": page, "hitsTotal": len(rows)}
            if offset + limit < len(rows):
                reply["cursor"] = str(offset + limit)
            return 200, {}, reply
        if path == "/xrpc/app.bsky.feed.getPostThread":
            if query.get("uri") in self.threads:
                return 200, {}, {"thread": self.threads[query["uri"]]}
            return 400, {}, {"error": "NotFound", "message": f"Post not found: {query.get('uri')}"}
        return 501, {}, {"error": "MethodNotImplemented", "message": "Method Not Implemented"}

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
