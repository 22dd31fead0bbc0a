"""A local stand-in for a Mastodon server's API (http.server in a thread), for the collect tests.

Statuses are shaped like the real ``/api/v1/timelines/tag/:hashtag`` responses of
mastodon.social recorded in ``../shared/realdata/mastodon-api/`` (built here, not copied).
The server pages the tag timeline newest first with ``max_id``/``since_id`` and a
``Link: <…>; rel="next"`` header, serves ``/api/v1/statuses/:id/context``, and can be told to
fail or rate-limit particular requests.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


def status(n: int, *, host: str = "mastodon.social", user: str = "amreibahr", tag: str = "SWChat",
           minute: int | None = None, reply_to: int | None = None, replies: int = 0,
           local_id: int | None = None) -> dict[str, Any]:
    """A public status as the tag timeline gives it (shape of mastodon.social's API)."""
    sid = str(109307661613790000 + (local_id if local_id is not None else n))
    uid = f"https://{host}/users/{user}/statuses/{109307661613790000 + n}"
    return {
        "id": sid, "created_at": f"2026-09-02T19:{(minute if minute is not None else n) % 60:02d}:00.000Z",
        "in_reply_to_id": str(109307661613790000 + reply_to) if reply_to is not None else None,
        "in_reply_to_account_id": "109245508337104370" if reply_to is not None else None,
        "sensitive": False, "spoiler_text": "", "visibility": "public", "language": "en",
        "uri": uid, "url": f"https://{host}/@{user}/{109307661613790000 + n}",
        "replies_count": replies, "reblogs_count": 0, "favourites_count": 1, "edited_at": None,
        "content": f'<p>post {n} <a href="https://{host}/tags/{tag}" class="mention hashtag" '
                   f'rel="tag">#<span>{tag}</span></a></p>',
        "reblog": None, "application": {"name": "Web", "website": None},
        "account": {"id": "109245508337104370", "username": user, "acct": user, "display_name": user.title(),
                    "locked": False, "bot": False, "created_at": "2022-10-28T00:00:00.000Z", "note": "",
                    "url": f"https://{host}/@{user}", "followers_count": 10, "following_count": 5,
                    "statuses_count": 100},
        "media_attachments": [], "mentions": [],
        "tags": [{"name": tag.lower(), "url": f"https://{host}/tags/{tag.lower()}"}],
        "emojis": [], "card": None, "poll": None,
    }


class StubServer:
    """The server: ``statuses`` (newest first), ``contexts`` by local id, ``hooks`` to misbehave.

    ``hook(path, query)`` may return ``(status code, headers, body)`` to answer instead, or
    ``"close"`` to drop the connection; ``requests`` lists every path and query asked for.
    """

    def __init__(self, statuses: list[dict[str, Any]] | None = None, page_size: int = 40) -> None:
        self.statuses = statuses or []
        self.contexts: dict[str, dict[str, Any]] = {}
        self.hook: Callable[[str, dict[str, str]], Any] | None = None
        self.headers: dict[str, str] = {}
        self.page_size = page_size
        self.requests: list[tuple[str, dict[str, str]]] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
                stub.requests.append((parts.path, query))
                answer = stub.hook(parts.path, query) if stub.hook else None
                if answer == "close":
                    self.close_connection = True
                    self.connection.close()
                    return
                code, headers, body = answer or stub.answer(parts.path, query)
                data = json.dumps(body).encode()
                self.send_response(code)
                for key, value in {"Content-Type": "application/json", **stub.headers, **headers}.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    def answer(self, path: str, query: dict[str, str]) -> tuple[int, dict[str, str], Any]:
        if path.startswith("/api/v1/timelines/tag/"):
            rows = self.statuses
            if "max_id" in query:
                rows = [s for s in rows if int(s["id"]) < int(query["max_id"])]
            if "since_id" in query:
                rows = [s for s in rows if int(s["id"]) > int(query["since_id"])]
            limit = min(int(query.get("limit", 20)), self.page_size)
            page = rows[:limit]
            headers = {}
            if page:  # like Mastodon: the next link carries max_id (and limit), not since_id
                headers["Link"] = (f'<{self.url}{path}?limit={limit}&max_id={page[-1]["id"]}>; rel="next", '
                                   f'<{self.url}{path}?limit={limit}&min_id={page[0]["id"]}>; rel="prev"')
            return 200, headers, page
        if path.startswith("/api/v1/statuses/") and path.endswith("/context"):
            sid = path.split("/")[4]
            return 200, {}, self.contexts.get(sid, {"ancestors": [], "descendants": []})
        return 404, {}, {"error": "Record not found"}

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
