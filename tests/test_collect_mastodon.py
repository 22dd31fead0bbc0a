"""swchat.collect.collect_mastodon and `swchat collect mastodon`, against a local stand-in server.

The server (tests/mastodon_stub.py) serves statuses shaped like mastodon.social's real tag
timeline responses, pages them with Link headers as Mastodon does, and misbehaves on request.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from click.testing import CliRunner
from mastodon_stub import StubServer, status

from swchat import Archive
from swchat.cli import main
from swchat.collect import CollectError, collect_mastodon, server_url

CLOCK = datetime(2026, 9, 2, 20, 0, tzinfo=UTC).timestamp()


@pytest.fixture
def server():
    stub = StubServer([status(n) for n in range(10, 0, -1)])  # newest first, as a timeline
    yield stub
    stub.close()


@pytest.fixture
def other():
    stub = StubServer()
    yield stub
    stub.close()


class Recorder:
    """The injected sleep (and wait messages): records instead of sleeping."""

    def __init__(self) -> None:
        self.waits: list[float] = []
        self.messages: list[str] = []

    def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)

    def notify(self, message: str) -> None:
        self.messages.append(message)


def run(archive, servers, tmp_path, recorder=None, **kwargs):
    recorder = recorder or Recorder()
    return collect_mastodon(archive, [s.url for s in servers], "SWChat", tmp_path / "out", sleep=recorder.sleep,
                            notify=recorder.notify, clock=lambda: CLOCK, **kwargs)


def post_ids(archive) -> set[str]:
    return set(archive.posts(context=False)["post_id"])


def test_server_names_and_urls():
    assert server_url("mastodon.social") == "https://mastodon.social"
    assert server_url("http://127.0.0.1:8000/") == "http://127.0.0.1:8000"
    with pytest.raises(CollectError):
        server_url("ftp://x.example")


def test_pages_through_the_link_headers(server, archive, tmp_path):
    server.page_size = 4
    result = run(archive, [server], tmp_path)
    assert result.posts == 10 and result.servers[0].pages == 4  # 4 + 4 + 2, then an empty page
    timeline = [q for p, q in server.requests if "/timelines/tag/SWChat" in p]
    assert [q.get("max_id") for q in timeline] == [None, status(7)["id"], status(3)["id"], status(1)["id"]]
    assert post_ids(archive) == {status(n)["uri"] for n in range(1, 11)}
    assert result.ingest.total == {"read": 10, "added": 10, "duplicates": 0, "rejected": 0}
    [file] = result.files
    assert file.parent == tmp_path / "out" and file.name.startswith("mastodon-127.0.0.1_")
    assert len(file.read_text().splitlines()) == 10


def test_since_stops_paging(server, archive, tmp_path):
    server.page_size = 3
    result = run(archive, [server], tmp_path, since="2026-09-02T19:06:00Z")
    assert result.posts == 5  # minutes 6..10
    assert result.servers[0].pages == 2  # 10, 9, 8 | 7, 6, 5 (older than --since: stop)
    assert post_ids(archive) == {status(n)["uri"] for n in range(6, 11)}


def test_until_leaves_out_newer_posts(server, archive, tmp_path):
    result = run(archive, [server], tmp_path, until="2026-09-02T19:08:00")
    assert post_ids(archive) == {status(n)["uri"] for n in range(1, 8)} and result.posts == 7


def test_a_second_run_fetches_only_new_statuses(server, archive, tmp_path):
    first = run(archive, [server], tmp_path)
    assert first.posts == 10
    server.statuses[:0] = [status(12), status(11)]
    second = run(archive, [server], tmp_path)
    assert second.posts == 2
    assert server.requests[-2][1]["since_id"] == status(10)["id"]  # since the newest archived
    [file] = second.files
    assert len(file.read_text().splitlines()) == 2 and file != first.files[0]
    assert len(post_ids(archive)) == 12
    third = run(archive, [server], tmp_path)
    assert third.posts == 0 and third.files == [] and third.ingest is None


def test_429_waits_retry_after_and_tries_again(server, archive, tmp_path):
    said = []

    def hook(path, query):
        if not said:
            said.append(1)
            return 429, {"Retry-After": "7"}, {"error": "Too many requests"}
        return None

    server.hook = hook
    recorder = Recorder()
    result = run(archive, [server], tmp_path, recorder)
    assert recorder.waits == [7.0] and result.posts == 10
    assert "rate limit" in recorder.messages[0] and "waiting 7 s" in recorder.messages[0]


def test_no_requests_left_waits_until_the_reset(server, archive, tmp_path):
    server.page_size = 5
    server.headers = {"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "0",
                      "X-RateLimit-Reset": "2026-09-02T20:00:30.000Z"}
    recorder = Recorder()
    result = run(archive, [server], tmp_path, recorder)
    assert result.posts == 10
    assert recorder.waits == [30.0, 30.0]  # before the 2nd and 3rd request; none after the last
    assert all("waiting 30 s" in m for m in recorder.messages)


@pytest.mark.parametrize("failure", ["500", "close"])
def test_a_failure_half_way_keeps_the_first_pages_and_resumes(server, archive, tmp_path, failure):
    server.page_size = 3

    def hook(path, query):
        if query.get("max_id") == status(5)["id"]:  # the third page
            return "close" if failure == "close" else (500, {}, {"error": "oops"})
        return None

    server.hook = hook
    with pytest.raises(CollectError) as caught:
        run(archive, [server], tmp_path)
    message = str(caught.value)
    assert f"{server.url}/api/v1/timelines/tag/SWChat?" in message and "{" not in message and ".;" not in message
    assert ("answered HTTP 500" if failure == "500" else "cannot reach") in message
    assert message.endswith("the 6 posts fetched before are imported: run the same command again to resume")
    assert post_ids(archive) == {status(n)["uri"] for n in range(5, 11)}  # written and imported
    assert caught.value.result.files[0].exists()

    server.hook = None
    server.statuses[:0] = [status(11)]
    again = run(archive, [server], tmp_path)
    assert again.posts == 5  # the new one and the four not fetched before
    assert post_ids(archive) == {status(n)["uri"] for n in range(1, 12)}
    assert run(archive, [server], tmp_path).posts == 0  # nothing left over


def test_the_same_status_from_two_servers_is_kept_once(server, other, archive, tmp_path):
    # another server knows the same statuses (same uri) under its own local ids, and one more
    other.statuses = [status(20, host="mastodon.social", local_id=5000)] + [
        status(n, local_id=4000 + n) for n in range(10, 0, -1)]
    result = run(archive, [server, other], tmp_path)
    first, second = result.servers
    assert (first.posts, first.duplicates) == (10, 0)
    assert (second.posts, second.duplicates) == (1, 10)
    assert len(post_ids(archive)) == 11 and len(result.files) == 2


def test_a_reply_on_the_second_server_finds_its_parent_from_the_first(server, other, archive, tmp_path):
    # the reply names its parent by the second server's local id; the parent came from the first
    other.statuses = [status(30, host="fediscience.org", user="bob", local_id=5030, reply_to=4010),
                      status(10, local_id=4010)]
    other.statuses[0]["in_reply_to_account_id"] = "4"
    other.statuses[0]["mentions"] = [{"id": "4", "username": "amreibahr", "acct": "amreibahr@mastodon.social",
                                      "url": "https://mastodon.social/@amreibahr"}]
    result = run(archive, [server, other], tmp_path)
    assert result.servers[1].posts == 1 and result.servers[1].duplicates == 1
    posts = archive.posts().set_index("post_id")
    assert posts.loc[status(30, host="fediscience.org", user="bob")["uri"], "reply_to_post_id"] == status(10)["uri"]
    assert len(post_ids(archive)) == 11


def test_threads_fetch_the_context_of_posts_with_replies(server, archive, tmp_path):
    server.statuses = [status(2, replies=1), status(1, reply_to=100)]  # 1 replies to a post not fetched
    root = status(100, user="root", tag="Other")
    reply = status(101, user="bob", tag="Other", reply_to=2)
    server.contexts = {status(2)["id"]: {"ancestors": [], "descendants": [reply]},
                       status(1)["id"]: {"ancestors": [root], "descendants": []}}
    result = run(archive, [server], tmp_path, threads=True)
    asked = [p for p, _ in server.requests if p.endswith("/context")]
    assert sorted(asked) == sorted(f"/api/v1/statuses/{status(n)['id']}/context" for n in (1, 2))
    assert result.servers[0].contexts == 2
    ids = set(archive.posts()["post_id"])
    assert {root["uri"], reply["uri"]} <= ids
    posts = archive.posts().set_index("post_id")
    assert posts.loc[reply["uri"], "reply_to_post_id"] == status(2)["uri"]


def test_written_files_import_again_to_the_same_posts(server, archive, tmp_path):
    server.page_size = 4
    result = run(archive, [server], tmp_path)
    with Archive(tmp_path / "again.db") as fresh:
        fresh.ingest(result.files)
        assert post_ids(fresh) == post_ids(archive)
        columns = ["post_id", "author_handle", "text", "hashtags", "created_at"]
        left = archive.posts().sort_values("post_id")[columns].reset_index(drop=True)
        right = fresh.posts().sort_values("post_id")[columns].reset_index(drop=True)
        assert left.equals(right)


def test_the_command(server, tmp_path, monkeypatch):
    monkeypatch.setenv("SWCHAT_NO_PROGRESS", "1")
    server.page_size = 4
    db = tmp_path / "chat.db"
    args = ["collect", "mastodon", "--server", server.url, "--tag", "#SWChat", "--out", str(tmp_path / "out"),
            "--archive", str(db)]
    res = CliRunner().invoke(main, args)
    assert res.exit_code == 0, res.output
    assert "3 pages, 10 new posts" not in res.output and "4 pages, 10 new posts" in res.output
    assert "imported: read 10, added 10" in res.output
    with Archive(db) as archive:
        assert len(post_ids(archive)) == 10

    server.statuses[:0] = [status(11)]
    server.hook = lambda path, query: (503, {}, {}) if "max_id" in query else None
    res = CliRunner().invoke(main, args)
    assert res.exit_code == 1
    errors = [line for line in res.output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and res.output.rstrip().splitlines()[-1] == errors[0]
    assert "HTTP 503" in errors[0] and "the 1 post fetched before is imported" in errors[0]
    assert "resume" in errors[0]


def test_a_server_that_refuses_says_nothing_was_fetched(server, archive, tmp_path):
    server.hook = lambda path, query: (401, {}, {"error": "This method requires an authenticated user"})
    with pytest.raises(CollectError, match="answered HTTP 401; nothing new was fetched"):
        run(archive, [server], tmp_path)
    assert list((tmp_path / "out").iterdir()) == []


def test_the_command_refuses_a_bad_server(tmp_path):
    res = CliRunner().invoke(main, ["collect", "mastodon", "--server", "not a host", "--tag", "SWChat",
                                    "--out", str(tmp_path / "o"), "--archive", str(tmp_path / "x.db")])
    assert res.exit_code == 2 and "--server" in res.output


def test_the_command_shows_a_progress_line_on_a_terminal(server, tmp_path, monkeypatch):
    monkeypatch.setattr("swchat.commands.collect_cmds.stderr_is_terminal", lambda: True)
    res = CliRunner().invoke(main, ["collect", "mastodon", "--server", server.url, "--tag", "SWChat",
                                    "--out", str(tmp_path / "out"), "--archive", str(tmp_path / "x.db"), "--json"])
    assert res.exit_code == 0, res.output
    assert "posts=10" in res.output and '"posts": 10' in res.output
