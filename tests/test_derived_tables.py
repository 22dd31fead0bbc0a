"""The archive's derived session tables: never stale, and always what a rebuild from scratch gives.

Imports in any order and any split of the files must leave the tables exactly as deriving them
again from every post would; a table an import made out of date is never read.
"""

from __future__ import annotations

import json
import random
from datetime import timedelta

import orjson
import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import swchat
import swchat.parallel
from swchat.archive import Archive as Storage
from swchat.cli import main
from swchat.errors import ArchiveError


def _tables(archive) -> dict[str, set]:
    """The derived tables as sets of rows, each session named by (hashtag, start) not its key."""
    db = archive.db
    name = {k: (t, s) for k, t, s in db.execute("SELECT id, tag, start_at FROM derived_sessions")}
    sessions = {tuple(r[1:]) for r in db.execute("SELECT * FROM derived_sessions")}
    members = {(name[r[0]], *r[1:]) for r in db.execute("SELECT * FROM session_posts")}
    part = {(name[r[0]], *r[1:]) for r in db.execute("SELECT * FROM participation")}
    seen = {(name[r[0]], *r[1:]) for r in db.execute("SELECT * FROM interactions")}
    firsts = set(db.execute("SELECT * FROM tag_accounts"))
    return {"sessions": sessions, "members": members, "participation": part, "interactions": seen,
            "tag_accounts": firsts}


def _page_lines(path) -> list[bytes]:
    return [line for line in path.read_bytes().splitlines() if line.strip()]


def _split_pages(lines: list[bytes], parts: int, rng: random.Random) -> list[list[bytes]]:
    """Every tweet of the pages dealt out at random to ``parts`` files. Each file's page keeps the
    page's includes, and the tweets dealt elsewhere as included tweets (as the API sends a page's
    referenced tweets), so every file's posts read as they do in the whole file."""
    out: list[list[bytes]] = [[] for _ in range(parts)]
    for line in lines:
        page = orjson.loads(line)
        buckets: list[list[dict]] = [[] for _ in range(parts)]
        for tweet in page.get("data", []):
            buckets[rng.randrange(parts)].append(tweet)
        includes = page.get("includes", {})
        for i, tweets in enumerate(buckets):
            if tweets:
                elsewhere = [t for j, b in enumerate(buckets) if j != i for t in b]
                more = {**includes, "tweets": [*includes.get("tweets", []), *elsewhere]}
                out[i].append(orjson.dumps({**page, "data": tweets, "includes": more}))
    return out


@pytest.fixture(scope="module")
def whole(sample_dir, tmp_path_factory):
    """The derived tables of the v2 sample imported in one go."""
    path = tmp_path_factory.mktemp("whole") / "whole.db"
    with swchat.open(path, create=True) as archive:
        archive.ingest([sample_dir / "swchat-v2.jsonl"])
        return _tables(archive)


def _import_in_parts(tmp_path, files: list[list[bytes]]) -> swchat.Archive:
    archive = swchat.open(tmp_path / "parts.db", create=True)
    for i, lines in enumerate(files):
        path = tmp_path / f"part{i}.jsonl"
        path.write_bytes(b"\n".join(lines) + b"\n")
        archive.ingest([path])
    return archive


def test_a_split_import_gives_the_tables_of_one_import_and_of_a_rebuild(sample_dir, whole, tmp_path):
    files = _split_pages(_page_lines(sample_dir / "swchat-v2.jsonl"), 3, random.Random(7))
    archive = _import_in_parts(tmp_path, files)
    try:
        incremental = _tables(archive)
        assert incremental["sessions"] and incremental["participation"]
        assert incremental == whole
        archive.reindex()
        assert _tables(archive) == whole
    finally:
        archive.close()


def test_a_week_imported_later_derives_only_its_own_stretch(sample_dir, whole, tmp_path):
    """Importing the last session after the others re-derives that stretch, not the archive."""
    lines = _page_lines(sample_dir / "swchat-v2.jsonl")
    early, late = [], []
    for line in lines:
        page = orjson.loads(line)
        for tweet in page["data"]:
            (late if tweet["created_at"] >= "2026-11-10" else early).append(tweet)
    includes = orjson.loads(lines[0]).get("includes", {})
    users = [u for line in lines for u in orjson.loads(line).get("includes", {}).get("users", [])]
    tweets = [t for line in lines for t in orjson.loads(line).get("includes", {}).get("tweets", [])]
    pages = [orjson.dumps({"data": part, "includes": {**includes, "users": users, "tweets": tweets}})
             for part in (early, late)]
    archive = swchat.open(tmp_path / "weeks.db", create=True)
    try:
        (tmp_path / "early.jsonl").write_bytes(pages[0] + b"\n")
        (tmp_path / "late.jsonl").write_bytes(pages[1] + b"\n")
        archive.ingest([tmp_path / "early.jsonl"])
        Storage.ingest(archive, [tmp_path / "late.jsonl"])  # storage only: the tables are now stale
        done = archive.refresh_sessions()
        assert 0 < done["posts"] < len(early)  # only the new week's stretch was derived again
        assert _tables(archive) == whole
    finally:
        archive.close()


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10_000), parts=st.integers(2, 4))
def test_any_split_and_order_gives_the_same_tables(sample_dir, whole, tmp_path_factory, seed, parts):
    rng = random.Random(seed)
    files = _split_pages(_page_lines(sample_dir / "swchat-v2.jsonl"), parts, rng)
    rng.shuffle(files)
    folder = tmp_path_factory.mktemp("split")
    archive = _import_in_parts(folder, files)
    try:
        assert _tables(archive) == whole
    finally:
        archive.close()


def _tweet(tid, minute, author, text, tags=("SWChat",), day="07", **extra):
    return {"id": tid, "author_id": author, "text": text, "created_at": f"2026-10-{day}T19:{minute:02d}:00.000Z",
            "entities": {"hashtags": [{"tag": t} for t in tags]}, **extra}


def _write(path, tweets, users=()):
    users = [{"id": u, "username": f"user{u}"} for u in sorted({t["author_id"] for t in tweets} | set(users))]
    path.write_bytes(orjson.dumps({"data": tweets, "includes": {"users": users}}) + b"\n")
    return path


def test_a_parent_arriving_later_updates_the_session_that_replied_to_it(tmp_path):
    """A reply (without the replied-to author) in one week's session is resolved when its
    parent, posted days before, is imported later: that session is derived again."""
    week = [_tweet(str(200 + i), i, str(i % 4), f"A1 idea {i} #SWChat", day="14") for i in range(12)]
    # user 3 replies to a post of user 1 from the week before, not yet in the archive
    week.append(_tweet("300", 13, "3", "@user1 so true #SWChat", day="14",
                       referenced_tweets=[{"type": "replied_to", "id": "100"}]))
    parent = [_tweet("100", 0, "1", "a thought about supervision", tags=(), day="07")]
    archive = swchat.open(tmp_path / "a.db", create=True)
    try:
        archive.ingest([_write(tmp_path / "week.jsonl", week)])
        chat = archive.session("SWChat-2026-10-14")
        before = chat.history.participation.set_index("account_id").loc["1", "replies_received"]
        archive.ingest([_write(tmp_path / "parent.jsonl", parent)])
        chat = archive.session("SWChat-2026-10-14")
        after = chat.history.participation.set_index("account_id").loc["1", "replies_received"]
        assert (before, after) == (0, 1)
        incremental = _tables(archive)
        archive.reindex()
        assert _tables(archive) == incremental
    finally:
        archive.close()


def test_a_late_hashtagless_reply_joins_its_session(tmp_path):
    chat_posts = [_tweet(str(100 + i), i, str(i % 4), f"A1 idea {i} #SWChat") for i in range(12)]
    reply = [_tweet("500", 30, "9", "@user0 agreed!", tags=(), referenced_tweets=[{"type": "replied_to", "id": "100"}],
                    in_reply_to_user_id="0")]
    archive = swchat.open(tmp_path / "a.db", create=True)
    try:
        archive.ingest([_write(tmp_path / "chat.jsonl", chat_posts)])
        assert archive.sessions("SWChat")[0].posts == 12
        archive.ingest([_write(tmp_path / "reply.jsonl", reply)])
        (session,) = archive.sessions("SWChat", members=True)
        assert session.posts == 13 and "500" in session.post_ids and "9" in session.author_ids
    finally:
        archive.close()


def test_stale_tables_are_never_read(tmp_path):
    tweets = [_tweet(str(100 + i), i, str(i % 4), f"A1 idea {i} #SWChat") for i in range(12)]
    path = _write(tmp_path / "chat.jsonl", tweets)
    with Storage(tmp_path / "a.db") as storage:
        storage.ingest([path])  # the storage layer alone does not derive
        assert storage.derived_state()["stale"]
        with pytest.raises(ArchiveError, match="out of date"):
            storage.session_rows("SWChat")
    with swchat.open(tmp_path / "a.db") as archive:  # the public archive brings them up to date first
        assert [s.posts for s in archive.sessions("SWChat")] == [12]
        assert not archive.derived_state()["stale"]


def test_an_import_between_two_commands_changes_them_as_a_rebuild_would(sample_dir, tmp_path):
    """CLI answers after an import equal those of a fresh archive holding both files."""
    lines = _page_lines(sample_dir / "swchat-v2.jsonl")
    first, second = _split_pages(lines, 2, random.Random(3))
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    a.write_bytes(b"\n".join(first) + b"\n")
    b.write_bytes(b"\n".join(second) + b"\n")
    runner = CliRunner()

    def answers(db):
        out = []
        for args in (["sessions", "--hashtag", "SWChat", "--json"],
                     ["community", "--hashtag", "SWChat", "--json"]):
            result = runner.invoke(main, [*args, "--archive", str(db), "--tz", "Europe/London"])
            assert result.exit_code == 0, result.output
            out.append(json.loads(result.stdout))
        latest = out[0][-1]["id"]
        result = runner.invoke(main, ["questions", "--session", latest, "--archive", str(db), "--json",
                                      "--tz", "Europe/London"])
        assert result.exit_code == 0, result.output
        return [*out, json.loads(result.stdout)]

    db = tmp_path / "grown.db"
    assert runner.invoke(main, ["ingest", str(a), "--archive", str(db)]).exit_code == 0
    before = answers(db)
    assert runner.invoke(main, ["ingest", str(b), "--archive", str(db)]).exit_code == 0
    after = answers(db)
    fresh = tmp_path / "fresh.db"
    assert runner.invoke(main, ["ingest", str(a), str(b), "--archive", str(fresh)]).exit_code == 0
    assert after == answers(fresh)
    assert after != before


def test_a_schema_1_archive_is_upgraded_in_place(sample_dir, tmp_path):
    """An archive made before the derived tables gets them on first open."""
    path = tmp_path / "old.db"
    with swchat.open(path, create=True) as archive:
        archive.ingest([sample_dir / "swchat-v2.jsonl"])
        expected = [s.id for s in archive.sessions("SWChat")]
        db = archive.db
        for table in ("changes", "tag_counts", "derived_sessions", "session_posts", "participation",
                      "interactions", "tag_accounts", "optouts", "forgotten"):
            db.execute(f"DROP TABLE {table}")
        db.execute("DELETE FROM meta WHERE key LIKE 'derived_%'")
        db.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    with swchat.open(path) as archive:
        assert archive.meta_value("schema_version") == "4"
        assert archive.optouts() == []
        assert [s.id for s in archive.sessions("SWChat")] == expected
        assert archive.stats()["top_hashtags"][0][0].lower() == "swchat"


def test_other_options_are_computed_from_the_posts_as_find_sessions_does(sample_archive, truth):
    """Sessions with a non-default gap or named hosts come from the posts, stretch by stretch, and
    equal find_sessions over all of the archive's posts."""
    from swchat.sessions import find_sessions

    tz = truth["timezone"]
    everything = sample_archive.posts(context=True)
    for options in ({"gap": 60}, {"hosts": ["SWChatHost"]}, {"min_posts": 5}):
        listed = sample_archive.sessions("SWChat", tz=tz, members=True, **options)
        found = find_sessions(everything, hashtag="SWChat", tz=tz, **options)
        assert [(s.id, set(s.post_ids), s.hosts, [q["post_id"] for q in s.questions]) for s in listed] == [
            (s.id, set(s.post_ids), s.hosts, [q["post_id"] for q in s.questions]) for s in found]
    chat = sample_archive.session(truth["sessions"][-1]["id"], tz=tz, hosts=["SWChatHost"])
    assert chat.meta["session"].hosts == ["SWChatHost"]


def test_attendance_is_the_participation_rows_read_lean(sample_archive):
    """What the community history reads equals those columns of the full participation rows."""
    keys = list(sample_archive.session_rows("swchat")["key"])
    columns = ["session", "platform", "account_id", "handle", "welcomed"]
    lean = sample_archive.attendance(keys)
    assert len(lean) > 100
    pd.testing.assert_frame_equal(lean, sample_archive.participation(keys)[columns])


def test_community_from_stored_and_computed_tables_agree(sample_archive, truth):
    """Named hosts change no one's attendance: the community computed from the posts (other
    options) equals the one read from the stored tables."""
    tz = truth["timezone"]
    stored = sample_archive.community("SWChat", tz=tz)
    computed = sample_archive.community("SWChat", tz=tz, hosts=["SWChatHost"])
    # (the start times are the same; stored ones are read back in microseconds)
    pd.testing.assert_frame_equal(stored.sessions, computed.sessions, check_dtype=False)
    pd.testing.assert_frame_equal(stored.accounts, computed.accounts)
    assert stored.members == computed.members and stored.receptivity == computed.receptivity


def test_reindex_command(sample_archive_path, tmp_path):
    import shutil

    db = tmp_path / "copy.db"
    shutil.copy(sample_archive_path, db)
    result = CliRunner().invoke(main, ["reindex", "--archive", str(db), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"posts": 1224, "sessions": 6}


def test_tables_derived_in_small_chunks_equal_those_of_one_chunk(sample_dir, whole, tmp_path, monkeypatch):
    """A big stretch is derived chunk by chunk, cut at quiet gaps: the chunks change nothing."""
    import swchat.session_store as store

    monkeypatch.setattr(store, "CHUNK_POSTS", 100)
    with swchat.open(tmp_path / "chunked.db", create=True) as archive:
        archive.ingest([sample_dir / "swchat-v2.jsonl"])
        assert _tables(archive) == whole
        chunks = list(archive._chunks(*archive._all_posts_window()[0], gap=timedelta(minutes=90)))
        assert len(chunks) >= 6  # one at least per weekly session


def test_a_stretch_is_cut_into_chunks_at_quiet_gaps_once_a_chunk_is_long_enough(tmp_path, monkeypatch):
    """Hand-made times (minutes after 19:00; gap 90 minutes, chunks of 3 posts at least): a chunk ends at
    the first gap longer than 90 minutes after its third post, never inside a shorter gap (a session could
    cross it), and a gap of exactly 90 minutes does not end one; context rows are not counted."""
    import swchat.session_store as store

    monkeypatch.setattr(store, "CHUNK_POSTS", 3)
    from datetime import datetime

    minutes = [0, 200, 201, 202, 292, 293, 294, 385, 430, 475, 520, 600, 700]
    with Storage(tmp_path / "c.db") as archive:
        at = [(datetime(2026, 10, 7, 19) + timedelta(minutes=m)).strftime("%Y-%m-%dT%H:%M:%S.000Z") for m in minutes]
        rows = [("x", str(i), when, "original", 0) for i, when in enumerate(at)]
        rows.append(("x", "context", "2026-10-07T22:00:00.000Z", "original", 1))  # would close a gap
        archive.db.executemany("INSERT INTO posts (platform, post_id, created_at, kind, is_context) "
                               "VALUES (?, ?, ?, ?, ?)", rows)
        chunks = list(archive._chunks(*archive._all_posts_window()[0], gap=timedelta(minutes=90)))
    assert [(first, last, n) for first, last, n in chunks] == [
        (at[0], at[6], 7),  # 0 -> 200 is long, but one post is too few; 202 -> 292 is 90 minutes, not longer
        (at[7], at[11], 5),  # 294 -> 385 is 91 minutes: cut; then 45, 45, 45 and 80 minutes apart
        (at[12], at[12], 1),  # 600 -> 700 is 100 minutes
    ]


def _chunked_refresh(sample_dir, tmp_path, name, monkeypatch, derive=None):
    """The v2 sample imported into a fresh archive and derived in chunks of about 100 posts."""
    import swchat.session_store as store
    from swchat.api import DERIVED_VERSION, _stored_options
    from swchat.derive import DERIVE_COLUMNS, derive_sessions
    from swchat.sessions import DEFAULT_GAP

    monkeypatch.setattr(store, "CHUNK_POSTS", 100)
    with Storage(tmp_path / name) as archive:
        archive.ingest([sample_dir / "swchat-v2.jsonl"])
        counts = archive.refresh_derived(derive or derive_sessions, gap=DEFAULT_GAP.to_pytimedelta(),
                                         version=DERIVED_VERSION, options=_stored_options(), columns=DERIVE_COLUMNS)
        rows = archive.db.execute("SELECT * FROM derived_sessions ORDER BY id").fetchall()
        return counts, rows, _tables(archive)


def test_derive_is_given_only_the_columns_it_reads(sample_dir, whole, tmp_path, monkeypatch):
    """refresh_derived hands ``derive`` the posts' columns it names and no others (the rest, left
    empty by the read, would be held while it runs: 8 MB of the peak at 200,000 posts), and the
    tables are those of the whole sample derived in one go."""
    from swchat.derive import DERIVE_COLUMNS, derive_sessions
    from swchat.schema import POST_COLUMNS

    monkeypatch.setattr(swchat.parallel, "fork_available", lambda: False)  # every chunk seen here
    seen: list[list[str]] = []

    def derive(posts):
        seen.append(list(posts.columns))
        return derive_sessions(posts)

    counts, _rows, tables = _chunked_refresh(sample_dir, tmp_path, "columns.db", monkeypatch, derive=derive)
    assert len(seen) > 6  # the sample in chunks of about 100 posts
    assert all(columns == [c for c in POST_COLUMNS if c in DERIVE_COLUMNS] for columns in seen)
    assert len(DERIVE_COLUMNS) < len(POST_COLUMNS)
    assert counts == {"posts": 1224, "sessions": 6}
    assert tables == whole


@pytest.mark.skipif(not swchat.parallel.fork_available(), reason="needs Linux, two CPUs and no other threads")
def test_chunks_derived_by_a_child_process_are_stored_as_this_process_alone_stores_them(
        sample_dir, whole, tmp_path, monkeypatch):
    """A forked child reads and derives some chunks, through a read-only connection of its own, while this
    process does others (swchat.parallel.Offload): the tables, and the sessions' keys (chunks are stored in
    time order either way), are those of one process."""
    import os

    from swchat.database import Database

    parent, apart = os.getpid(), tmp_path / "apart.txt"
    original = Database.read_apart

    def read_apart(self):  # the child says it reads through a connection of its own
        original(self)
        with apart.open("a") as out:
            out.write(f"{os.getpid() != parent} {self.db is not self._inherited} {self.read_only}\n")

    monkeypatch.setattr(Database, "read_apart", read_apart)
    counts, rows, tables = _chunked_refresh(sample_dir, tmp_path, "two.db", monkeypatch)
    said = apart.read_text().splitlines()
    assert said and set(said) == {"True True True"}  # the child read and derived chunks itself
    monkeypatch.setattr(swchat.parallel, "fork_available", lambda: False)
    apart.unlink()
    alone = _chunked_refresh(sample_dir, tmp_path, "one.db", monkeypatch)
    assert not apart.exists()
    assert (counts, rows, tables) == alone
    assert tables == whole and counts == {"posts": 1224, "sessions": 6}


@pytest.mark.skipif(not swchat.parallel.fork_available(), reason="needs Linux, two CPUs and no other threads")
def test_a_chunk_the_child_fails_on_is_derived_again_here(sample_dir, whole, tmp_path, monkeypatch):
    """Whatever goes wrong in the child (here: every chunk fails there), this process derives the
    chunk itself: nothing is lost, and an error would surface as it does without a child."""
    import os

    from swchat.derive import derive_sessions

    parent = os.getpid()

    def only_here(posts):
        if os.getpid() != parent:
            raise RuntimeError("the child fails")
        return derive_sessions(posts)

    counts, _rows, tables = _chunked_refresh(sample_dir, tmp_path, "failing.db", monkeypatch, only_here)
    assert tables == whole and counts == {"posts": 1224, "sessions": 6}


def test_arrow_takes_memory_from_the_c_library_while_deriving_and_as_before_after(
        sample_dir, whole, tmp_path, monkeypatch):
    """While the tables are derived, in this process and in the forked child, Arrow (pandas 3's
    text columns) allocates through the C library, so that what each stretch frees is handed back
    (``malloc_trim``; Arrow's own pool kept it: 35-40 MB more at 200,000 posts); the pool in force
    before (a notebook's) is the default again afterwards."""
    import os

    pa = pytest.importorskip("pyarrow")
    from swchat.derive import derive_sessions

    try:
        own = pa.mimalloc_memory_pool()
    except NotImplementedError:  # a pyarrow built without mimalloc
        own = pa.jemalloc_memory_pool()
    said = tmp_path / "pools.txt"

    def derive(posts):
        with said.open("a") as out:
            out.write(f"{os.getpid()} {pa.default_memory_pool().backend_name}\n")
        return derive_sessions(posts)

    before = pa.default_memory_pool()
    pa.set_memory_pool(own)
    try:
        counts, _rows, tables = _chunked_refresh(sample_dir, tmp_path, "pools.db", monkeypatch, derive)
        after = pa.default_memory_pool().backend_name
    finally:
        pa.set_memory_pool(before)
    assert after == own.backend_name != "system"
    lines = [line.split() for line in said.read_text().splitlines()]
    assert len(lines) > 1 and {pool for _pid, pool in lines} == {"system"}
    if swchat.parallel.fork_available():
        assert len({pid for pid, _pool in lines}) == 2  # the child derived some chunks too
    assert tables == whole and counts == {"posts": 1224, "sessions": 6}


def test_the_stored_options_are_written_as_they_always_were():
    """The options string is made without pandas now: it must stay what pandas wrote, or every
    archive would derive its tables again."""
    from swchat.api import _stored_options
    from swchat.sessions import DEFAULT_GAP, DEFAULT_MIN_PARTICIPANTS, DEFAULT_MIN_POSTS

    assert _stored_options() == (f"gap={DEFAULT_GAP};min_posts={DEFAULT_MIN_POSTS};"
                                 f"min_participants={DEFAULT_MIN_PARTICIPANTS}")


def _imported_in_a_child(db, path, said: str) -> list[str]:
    """Import ``path`` into a new archive ``db`` in a fresh Python process (``r`` the result,
    ``a`` the archive) and return what it prints of ``said``, split into words."""
    import subprocess
    import sys

    code = ("import sys, swchat\n"
            f"with swchat.open({str(db)!r}, create=True) as a:\n"
            f"    r = a.ingest([{str(path)!r}])\n"
            f"    print({said})\n")
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()


def test_an_import_too_small_for_a_session_brings_the_tables_up_to_date_without_pandas(sample_dir, whole, tmp_path):
    """A 2-post file makes no session and touches none: the tables are up to date without loading pandas,
    nor multiprocessing (the import's startup, issue 14); later imports in the same stretch derive it as a rebuild would."""

    lines = sample_dir.joinpath("swchat-v2.jsonl").read_bytes().splitlines()
    page = orjson.loads(lines[0])
    page["data"] = page["data"][:2]
    two = tmp_path / "two.jsonl"
    two.write_bytes(orjson.dumps(page) + b"\n")
    db = tmp_path / "two.db"
    out = _imported_in_a_child(db, two, "r.total['added'], r.sessions, a.derived_state()['stale'], "
                                        "'pandas' in sys.modules, 'multiprocessing' in sys.modules")
    assert out == ["2", "{'posts':", "2,", "'sessions':", "0}", "False", "False", "False"]
    with swchat.open(db) as archive:
        archive.ingest([sample_dir / "swchat-v2.jsonl"])  # the rest of the chat: sessions now
        assert _tables(archive) == whole



def test_deriving_the_session_tables_loads_no_graph_library(sample_dir, whole, tmp_path):
    """The session tables read mentions (who received attention) but build no graph: an import
    does not pay for loading networkx (a fifth of a second, issue 14)."""
    db = tmp_path / "s.db"
    out = _imported_in_a_child(db, sample_dir / "swchat-v2.jsonl",
                               "r.sessions['sessions'], 'pandas' in sys.modules, 'networkx' in sys.modules")
    assert out == [str(len(whole["sessions"])), "True", "False"]
    with swchat.open(db) as archive:
        assert _tables(archive) == whole
def test_prepare_is_called_once_before_deriving_and_not_when_nothing_needs_it(sample_dir, tmp_path):
    from swchat.api import DERIVED_VERSION, _derive_sessions, _stored_options

    calls = []
    lines = sample_dir.joinpath("swchat-v2.jsonl").read_bytes().splitlines()
    page = orjson.loads(lines[0])
    page["data"] = page["data"][:2]
    two = tmp_path / "two.jsonl"
    two.write_bytes(orjson.dumps(page) + b"\n")
    with Storage(tmp_path / "p.db") as archive:
        for path, expected in ((two, []), (sample_dir / "swchat-v2.jsonl", [1])):
            archive.ingest([path])
            calls.clear()
            archive.refresh_derived(_derive_sessions, gap=timedelta(minutes=90), version=DERIVED_VERSION,
                                    options=_stored_options(), least_posts=10, prepare=lambda: calls.append(1))
            assert calls == expected


def test_a_weekly_import_costs_the_same_however_old_the_archive(tmp_path):
    """The latest session imported into an archive of 3 earlier sessions or of 11: the same work
    for the archive, counted in SQLite's VM steps (not timed). A join that scanned every post
    replying to another, and a recount of every account of the hashtag, grew with the archive's
    age (0.95 s -> 0.71 s for a week's import into 100 sessions)."""
    import dataclasses

    from swchat.sample import generate, write_v2_pages

    chat = generate(seed=5, sessions=12, posts=3600)
    starts = {}
    for p in chat.posts:
        if p["session"] is not None:
            starts.setdefault(p["session"], p["ms"])
    week = tmp_path / "week.jsonl"
    write_v2_pages(dataclasses.replace(chat, posts=[p for p in chat.posts if p["ms"] >= starts[11]]), week)
    steps = {}
    for name, first in (("young", 8), ("old", 0)):
        before = tmp_path / f"{name}.jsonl"
        write_v2_pages(dataclasses.replace(chat, posts=[p for p in chat.posts
                                                        if starts[first] <= p["ms"] < starts[11]]), before)
        with swchat.open(tmp_path / f"{name}.db", create=True) as archive:
            archive.ingest([before])
            count = [0]

            def step(count=count) -> int:
                count[0] += 1
                return 0

            archive.db.set_progress_handler(step, 1000)
            result = archive.ingest([week])
            archive.db.set_progress_handler(None, 0)
            assert result.total["added"] > 250 and result.sessions["sessions"] >= 1
            steps[name] = count[0]
    assert steps["old"] < 1.25 * steps["young"], steps


@pytest.mark.skipif(not swchat.parallel.fork_available(), reason="needs Linux, two CPUs and no other threads")
def test_the_child_reads_under_the_archives_privacy_policy(sample_dir, tmp_path, monkeypatch):
    """The child reads its chunks through its own connection, but under the same policy: an opted-out
    account is left out of the tables it derives, as it is of the tables derived in one process."""
    import swchat.session_store as store

    monkeypatch.setattr(store, "CHUNK_POSTS", 100)
    derived = []
    for name, fork in (("two.db", True), ("one.db", False)):
        monkeypatch.setattr(swchat.parallel, "fork_available", lambda fork=fork: fork)
        with swchat.open(tmp_path / name, create=True) as archive:
            archive.ingest([sample_dir / "swchat-v2.jsonl"])
            handle, account = archive.db.execute(
                "SELECT handle, account_id FROM participation GROUP BY account_id ORDER BY count(*) DESC, "
                "account_id LIMIT 1 OFFSET 3").fetchone()
            archive.opt_out([handle])
            archive.reindex()
            tables = _tables(archive)
            assert account not in {row[2] for row in tables["participation"]}
            assert len(tables["sessions"]) == 6
            derived.append((account, tables))
    assert derived[0] == derived[1]


@pytest.mark.skipif(not swchat.parallel.fork_available(), reason="needs Linux, two CPUs and no other threads")
def test_a_failure_while_storing_stops_the_child_and_leaves_the_tables_as_they_were(
        sample_dir, whole, tmp_path, monkeypatch):
    """This process fails part-way (here: storing the second chunk) while the child still has chunks:
    the error comes out, the child is stopped (no process left behind), nothing of the refresh is
    stored, and the next refresh derives the tables as a rebuild would."""
    import multiprocessing

    import swchat.session_store as store
    from swchat.api import DERIVED_VERSION, _stored_options
    from swchat.derive import DERIVE_COLUMNS, derive_sessions
    from swchat.sessions import DEFAULT_GAP

    monkeypatch.setattr(store, "CHUNK_POSTS", 100)
    original, calls = store.SessionStore._store, []

    def failing(self, tables):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("storing failed")
        return original(self, tables)

    monkeypatch.setattr(store.SessionStore, "_store", failing)
    options = dict(gap=DEFAULT_GAP.to_pytimedelta(), version=DERIVED_VERSION, options=_stored_options(),
                   columns=DERIVE_COLUMNS)
    with Storage(tmp_path / "f.db") as archive:
        archive.ingest([sample_dir / "swchat-v2.jsonl"])
        with pytest.raises(RuntimeError, match="storing failed"):
            archive.refresh_derived(derive_sessions, **options)
        assert multiprocessing.active_children() == []
        assert archive.db.execute("SELECT count(*) FROM derived_sessions").fetchone()[0] == 0
        assert archive.derived_state()["stale"]
        monkeypatch.setattr(store.SessionStore, "_store", original)
        assert archive.refresh_derived(derive_sessions, **options) == {"posts": 1224, "sessions": 6}
        assert _tables(archive) == whole
