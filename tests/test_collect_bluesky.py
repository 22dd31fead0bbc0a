"""swchat.collect.collect_bluesky and `swchat collect bluesky`, against a local stand-in AppView/PDS.

The server (tests/bluesky_stub.py) serves post views shaped like bsky.social's real
searchPosts and getPostThread responses, pages them with an offset cursor as the AppView does,
can demand a signed-in account, and misbehaves on request.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from bluesky_stub import StubServer, post, thread, uri
from click.testing import CliRunner

from swchat import Archive
from swchat.cli import main
from swchat.collect import CollectError, collect_bluesky

CLOCK = datetime(2026, 9, 2, 20, 0, tzinfo=UTC).timestamp()
HANDLE, PASSWORD = "ann.bsky.social", "abcd-efgh-ijkl-mnop"
CREDENTIALS = {"BSKY_HANDLE": HANDLE, "BSKY_APP_PASSWORD": PASSWORD}
SEARCH = "/xrpc/app.bsky.feed.searchPosts"
THREAD = "/xrpc/app.bsky.feed.getPostThread"


@pytest.fixture
def service():
    stub = StubServer([post(n) for n in range(1, 11)])  # posts 1..10 at 19:01..19:10
    yield stub
    stub.close()


@pytest.fixture
def pds():
    stub = StubServer([post(n) for n in range(1, 11)])
    stub.accounts = {HANDLE: PASSWORD}
    stub.require_auth = True
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


def run(archive, service, tmp_path, recorder=None, env=None, **kwargs):
    recorder = recorder or Recorder()
    return collect_bluesky(archive, "SWChat", tmp_path / "out", service=service.url, env={} if env is None else env,
                           sleep=recorder.sleep, notify=recorder.notify, clock=lambda: CLOCK, **kwargs)


def post_ids(archive) -> set[str]:
    return set(archive.posts(context=False)["post_id"])


def searches(stub) -> list[dict[str, str]]:
    return [q for p, q in stub.requests if p == SEARCH]


def test_pages_through_the_cursor(service, archive, tmp_path):
    service.page_size = 4
    result = run(archive, service, tmp_path)
    assert result.posts == 10 and result.servers[0].pages == 3  # 4 + 4 + 2, the last without a cursor
    asked = searches(service)
    assert [q.get("cursor") for q in asked] == [None, "4", "8"]
    assert all(q["q"] == "#SWChat" and q["sort"] == "latest" and q["limit"] == "100" for q in asked)
    assert post_ids(archive) == {uri(n) for n in range(1, 11)}
    assert result.ingest.total == {"read": 10, "added": 10, "duplicates": 0, "rejected": 0}
    [file] = result.files
    assert file.parent == tmp_path / "out" and file.name.startswith("bluesky-127.0.0.1_")
    assert len(file.read_text().splitlines()) == 10
    posts = archive.posts().set_index("post_id")
    first = posts.loc[uri(1)]
    assert (first["author_handle"], first["text"], list(first["hashtags"])) == ("ann.bsky.social", "post 1 ✨ #SWChat",
                                                                                 ["SWChat"])
    assert result.servers[0].newest_id == "2026-09-02T19:10:00.123456Z"


def test_since_and_until_are_asked_of_the_service(service, archive, tmp_path):
    result = run(archive, service, tmp_path, since="2026-09-02T19:04:00Z", until="2026-09-02T19:08:00")
    [asked] = searches(service)
    assert (asked["since"], asked["until"]) == ("2026-09-02T19:04:00.000Z", "2026-09-02T19:08:00.000Z")
    assert post_ids(archive) == {uri(n) for n in range(4, 8)} and result.posts == 4


def test_since_and_until_hold_where_the_service_ignores_them(service, archive, tmp_path):
    service.filter_dates, service.page_size = False, 3
    result = run(archive, service, tmp_path, since="2026-09-02T19:05:30Z", until="2026-09-02T19:09:00Z")
    assert post_ids(archive) == {uri(n) for n in range(6, 9)} and result.posts == 3
    assert result.servers[0].pages == 2  # 10, 9, 8 | 7, 6, 5 (older than --since: stop)


def test_a_second_run_fetches_only_new_posts(service, archive, tmp_path):
    first = run(archive, service, tmp_path)
    assert first.posts == 10
    # two newer posts, and one sent at 19:09:30 that the service indexed only after the first run
    service.posts += [post(11), post(12), post(13, minute=9, second=30, user="bob")]
    second = run(archive, service, tmp_path)
    assert searches(service)[-1]["since"] == "2026-09-02T19:05:00.123456Z"  # 5 minutes before the newest
    assert second.posts == 3 and second.ingest.total["duplicates"] == 0
    [file] = second.files
    assert len(file.read_text().splitlines()) == 3 and file != first.files[0]
    assert post_ids(archive) == {uri(n) for n in range(1, 13)} | {uri(13, "bob")}
    third = run(archive, service, tmp_path)
    assert third.posts == 0 and third.files == [] and third.ingest is None
    assert sorted((tmp_path / "out").iterdir()) == sorted([*first.files, file])


def test_the_resume_state_is_kept_per_service_and_tag(service, archive, tmp_path):
    run(archive, service, tmp_path)
    state = json.loads(archive.meta_value(f"collect.bluesky {service.url} #swchat"))
    assert state["newest"] == "2026-09-02T19:10:00.123456Z" and state["gaps"] == []
    assert sorted(state["recent"]) == sorted(uri(n) for n in range(5, 11))
    other = collect_bluesky(archive, "#OtherChat", tmp_path / "out", service=service.url, env={})
    assert other.posts == 0 and "since" not in searches(service)[-1]  # another tag starts afresh


@pytest.mark.parametrize("headers", [{"Retry-After": "7"},
                                     {"ratelimit-limit": "3000", "ratelimit-remaining": "0",
                                      "ratelimit-reset": str(int(CLOCK) + 7), "ratelimit-policy": "3000;w=300"}])
def test_429_waits_and_tries_again(service, archive, tmp_path, headers):
    said = []

    def hook(path, query):
        if not said:
            said.append(1)
            return 429, headers, {"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"}
        return None

    service.hook = hook
    recorder = Recorder()
    result = run(archive, service, tmp_path, recorder)
    assert recorder.waits == [7.0] and result.posts == 10
    assert "rate limit" in recorder.messages[0] and "waiting 7 s" in recorder.messages[0]


def test_no_requests_left_waits_until_the_reset(service, archive, tmp_path):
    service.page_size = 4
    service.headers = {"ratelimit-limit": "3000", "ratelimit-remaining": "0", "ratelimit-reset": str(int(CLOCK) + 30)}
    recorder = Recorder()
    result = run(archive, service, tmp_path, recorder)
    assert result.posts == 10
    assert recorder.waits == [30.0, 30.0]  # before the 2nd and 3rd page; none after the last
    assert all("waiting 30 s" in m for m in recorder.messages)


@pytest.mark.parametrize("failure", ["500", "close"])
def test_a_failure_half_way_keeps_the_first_pages_and_resumes(service, archive, tmp_path, failure):
    service.page_size = 3

    def hook(path, query):
        if query.get("cursor") == "6":  # the third page
            return "close" if failure == "close" else (500, {}, {"error": "InternalServerError", "message": "oops"})
        return None

    service.hook = hook
    with pytest.raises(CollectError) as caught:
        run(archive, service, tmp_path)
    message = str(caught.value)
    assert f"{service.url}{SEARCH}" in message and "{" not in message and ".;" not in message
    assert ("answered HTTP 500 (InternalServerError: oops)" if failure == "500" else "cannot reach") in message
    assert message.endswith("the 6 posts fetched before are imported: run the same command again to resume")
    assert post_ids(archive) == {uri(n) for n in range(5, 11)}  # written and imported
    assert caught.value.result.files[0].exists()

    service.hook = None
    service.posts.append(post(11))
    again = run(archive, service, tmp_path)
    assert again.posts == 5  # the new one and the four not fetched before
    assert post_ids(archive) == {uri(n) for n in range(1, 12)}
    assert again.ingest.total["duplicates"] == 0
    assert run(archive, service, tmp_path).posts == 0  # nothing left over


def test_a_failure_on_the_first_page_says_nothing_was_fetched(service, archive, tmp_path):
    service.hook = lambda path, query: (502, {}, {"error": "UpstreamFailure", "message": "Upstream Failure"})
    with pytest.raises(CollectError, match=r"answered HTTP 502 .*; nothing new was fetched$"):
        run(archive, service, tmp_path)
    assert list((tmp_path / "out").iterdir()) == []
    service.hook = None
    assert run(archive, service, tmp_path).posts == 10


def test_threads_add_the_replies_and_the_missing_parents(service, archive, tmp_path):
    root = post(100, user="root", tag=None, minute=0)  # not tagged: search does not give it
    asking = post(2, replies=1)
    answering = post(1, reply_to=root)  # replies to a post not collected
    reply = post(101, user="bob", tag=None, reply_to=asking, minute=3)
    gone = post(3, replies=2)  # deleted before its thread was asked for
    service.posts = [asking, answering, gone]
    service.threads = {asking["uri"]: thread(asking, replies=[thread(reply)]),
                       answering["uri"]: thread(answering, parent=thread(root))}
    result = run(archive, service, tmp_path, threads=True)
    asked = [q for p, q in service.requests if p == THREAD]
    assert sorted(q["uri"] for q in asked) == sorted(v["uri"] for v in (asking, answering, gone))
    assert all(int(q["depth"]) >= 6 for q in asked)
    server = result.servers[0]
    assert (server.posts, server.contexts, server.thread_posts) == (3, 2, 2)
    posts = archive.posts().set_index("post_id")
    assert {root["uri"], reply["uri"]} <= set(posts.index)
    assert posts.loc[reply["uri"], "reply_to_post_id"] == asking["uri"]
    assert posts.loc[reply["uri"], "conversation_id"] == asking["uri"]
    assert posts.loc[answering["uri"], "reply_to_post_id"] == root["uri"]
    assert posts.loc[reply["uri"], "author_handle"] == "bob.bsky.social"
    assert len(post_ids(archive)) == 5


def test_threads_are_asked_once_a_thread(service, archive, tmp_path):
    asking = post(1, replies=1)
    reply = post(2, user="bob", reply_to=asking)  # tagged too: search gives both
    service.posts = [asking, reply]
    service.threads = {asking["uri"]: thread(asking, replies=[thread(reply)])}
    result = run(archive, service, tmp_path, threads=True)
    assert [q["uri"] for p, q in service.requests if p == THREAD] == [asking["uri"]]
    assert (result.servers[0].contexts, result.servers[0].thread_posts) == (1, 0)


def test_signs_in_with_the_app_password_where_the_service_asks(service, pds, archive, tmp_path):
    service.require_auth, service.auth_code = True, 403  # as the public AppView answers
    recorder = Recorder()
    result = run(archive, service, tmp_path, recorder, env=CREDENTIALS, pds=pds.url)
    assert result.posts == 10 and post_ids(archive) == {uri(n) for n in range(1, 11)}
    assert [p for p, _ in service.requests] == [SEARCH] and service.authorizations == [None]
    assert pds.sessions == [{"identifier": HANDLE, "password": PASSWORD}]
    tokens = [a for (path, _), a in zip(pds.requests, pds.authorizations, strict=True) if path == SEARCH]
    token = tokens[0]
    assert token.startswith("Bearer eyJ") and tokens == [token]
    assert any(f"signed in to {pds.url} as {HANDLE}" in m for m in recorder.messages)
    # neither the password nor the token is written anywhere
    archive.close()
    secret = token.removeprefix("Bearer ").encode()
    for path in tmp_path.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert PASSWORD.encode() not in data and secret not in data, path


def test_credentials_are_not_used_where_the_service_does_not_ask(service, pds, archive, tmp_path):
    result = run(archive, service, tmp_path, env=CREDENTIALS, pds=pds.url)
    assert result.posts == 10 and pds.requests == [] and set(service.authorizations) == {None}


def test_an_expired_token_signs_in_again(service, pds, archive, tmp_path):
    service.require_auth = True
    pds.page_size, pds.expire_after = 4, 1
    result = run(archive, service, tmp_path, env=CREDENTIALS, pds=pds.url)
    assert result.posts == 10 and len(pds.sessions) == 3


def test_a_refused_password_says_which_variables_to_check(service, pds, archive, tmp_path):
    service.require_auth = True
    env = {**CREDENTIALS, "BSKY_APP_PASSWORD": "wrong-wrong-wrong"}
    with pytest.raises(CollectError) as caught:
        run(archive, service, tmp_path, env=env, pds=pds.url)
    message = str(caught.value)
    assert message == (f"{pds.url} refused to sign in {HANDLE}: HTTP 401, AuthenticationRequired: Invalid "
                       "identifier or password; check BSKY_HANDLE and BSKY_APP_PASSWORD; nothing new was fetched")


def test_one_variable_without_the_other_is_an_error(service, archive, tmp_path):
    with pytest.raises(CollectError, match="BSKY_APP_PASSWORD is not set: set both BSKY_HANDLE and BSKY_APP_PASSWORD"):
        run(archive, service, tmp_path, env={"BSKY_HANDLE": HANDLE})
    assert service.requests == []


def test_the_command(service, tmp_path, monkeypatch):
    monkeypatch.setenv("SWCHAT_NO_PROGRESS", "1")
    monkeypatch.delenv("BSKY_HANDLE", raising=False)
    monkeypatch.delenv("BSKY_APP_PASSWORD", raising=False)
    service.page_size = 4
    db = tmp_path / "chat.db"
    args = ["collect", "bluesky", "--service", service.url, "--tag", "#SWChat", "--out", str(tmp_path / "out"),
            "--archive", str(db)]
    res = CliRunner().invoke(main, args)
    assert res.exit_code == 0, res.output
    assert f"{service.url}: 3 pages, 10 new posts, 0 threads -> " in res.output
    assert "imported: read 10, added 10" in res.output and "another server" not in res.output
    with Archive(db) as archive:
        assert len(post_ids(archive)) == 10

    service.posts.append(post(11))
    service.hook = lambda path, query: (503, {}, {}) if "cursor" in query else None
    service.page_size = 1
    res = CliRunner().invoke(main, args)
    assert res.exit_code == 1
    errors = [line for line in res.output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and res.output.rstrip().splitlines()[-1] == errors[0]
    assert "HTTP 503" in errors[0] and "the 1 post fetched before is imported" in errors[0]
    assert "resume" in errors[0]


def test_the_command_without_credentials_says_which_variables_to_set(service, tmp_path, monkeypatch):
    monkeypatch.setenv("SWCHAT_NO_PROGRESS", "1")
    monkeypatch.delenv("BSKY_HANDLE", raising=False)
    monkeypatch.delenv("BSKY_APP_PASSWORD", raising=False)
    service.require_auth = True
    res = CliRunner().invoke(main, ["collect", "bluesky", "--service", service.url, "--tag", "SWChat",
                                    "--out", str(tmp_path / "out"), "--archive", str(tmp_path / "x.db")])
    assert res.exit_code == 1 and "Traceback" not in res.output
    errors = [line for line in res.output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and res.output.rstrip().splitlines()[-1] == errors[0]
    assert errors[0] == (f"Error: {service.url} asks for a Bluesky account to use app.bsky.feed.searchPosts "
                         "(HTTP 401): set BSKY_HANDLE and BSKY_APP_PASSWORD (an app password) to sign in; "
                         "nothing new was fetched")
    assert list((tmp_path / "out").iterdir()) == []


def test_the_command_signs_in_from_the_environment(service, pds, tmp_path, monkeypatch):
    monkeypatch.setenv("SWCHAT_NO_PROGRESS", "1")
    for key, value in CREDENTIALS.items():
        monkeypatch.setenv(key, value)
    service.require_auth = True
    res = CliRunner().invoke(main, ["collect", "bluesky", "--service", service.url, "--pds", pds.url, "--tag",
                                    "SWChat", "--out", str(tmp_path / "out"), "--archive", str(tmp_path / "x.db"),
                                    "--json"])
    assert res.exit_code == 0, res.output
    assert f"signed in to {pds.url} as {HANDLE}" in res.output and PASSWORD not in res.output
    assert '"posts": 10' in res.output


def test_written_files_import_again_to_the_same_posts(service, archive, tmp_path):
    service.page_size = 4
    service.posts[0] = post(1, replies=1)
    service.threads = {uri(1): thread(service.posts[0], replies=[thread(post(50, user="bob", tag=None,
                                                                              reply_to=service.posts[0]))])}
    result = run(archive, service, tmp_path, threads=True)
    with Archive(tmp_path / "again.db") as fresh:
        fresh.ingest(result.files)  # detected as Bluesky from the content
        assert post_ids(fresh) == post_ids(archive) and len(post_ids(fresh)) == 11
        columns = ["post_id", "author_handle", "text", "hashtags", "created_at", "reply_to_post_id"]
        left = archive.posts().sort_values("post_id")[columns].reset_index(drop=True)
        right = fresh.posts().sort_values("post_id")[columns].reset_index(drop=True)
        assert left.equals(right)


def test_the_command_shows_a_progress_line_on_a_terminal(service, tmp_path, monkeypatch):
    monkeypatch.setattr("swchat.commands.collect_cmds.stderr_is_terminal", lambda: True)
    res = CliRunner().invoke(main, ["collect", "bluesky", "--service", service.url, "--tag", "SWChat",
                                    "--out", str(tmp_path / "out"), "--archive", str(tmp_path / "x.db"), "--json"])
    assert res.exit_code == 0, res.output
    assert "posts=10" in res.output and '"posts": 10' in res.output


@pytest.mark.realdata
def test_real_search_and_thread_responses(service, archive, tmp_path, realdata):
    """The recorded bsky.social responses, served as they are, go through to the archive."""
    search = json.loads(realdata("bluesky-api", "searchPosts_q_redistricting.json").read_text())
    thread_answer = json.loads(realdata("bluesky-api", "getPostThread.json").read_text())

    def hook(path, query):
        if path == SEARCH:
            return 200, {}, search if "cursor" not in query else {"posts": []}
        return 200, {}, thread_answer

    service.hook = hook
    result = collect_bluesky(archive, "redistricting", tmp_path / "out", service=service.url, env={}, threads=True,
                             sleep=lambda s: None, notify=lambda m: None, clock=lambda: CLOCK)
    expected = {p["uri"] for p in search["posts"]} | {thread_answer["thread"]["post"]["uri"]}
    assert result.servers[0].pages == 2 and result.posts == len(search["posts"])
    assert post_ids(archive) == expected and result.ingest.total["rejected"] == 0
