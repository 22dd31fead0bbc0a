"""The right to be forgotten: ``Archive.forget`` and ``swchat forget``.

The exports here are small and hand-made, so that every text of the forgotten account is unique
(``zebra-quokka-1234`` …) and can be looked for in the bytes of the archive file, in the
decompressed raw blocks and in the write-ahead log.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

from swchat import Archive, raw_blocks
from swchat.cli import main
from swchat.consent_store import ConsentStore
from swchat.errors import SelectionError

HOST, ZED, BOB, CAT, DAN, EVE = "1000000001", "1000000007", "1000000002", "1000000003", "1000000004", "1000000005"
HANDLES = {HOST: "ChatHost", ZED: "ZedForget", BOB: "BobSW", CAT: "CatSW", DAN: "DanSW", EVE: "EveSW"}
#: What only the forgotten account wrote: none of it may be left anywhere in the file.
SECRETS = [b"zebra-quokka-1234", b"narwhal-ibis-5678", b"okapi-tapir-9012", b"kiwi-lemur-3456",
           b"giraffe-yak-2468", b"Zedediah Xylophonist", b"pangolin-emu-1357"]


def _user(uid: str) -> dict:
    user = {"id": uid, "username": HANDLES[uid], "name": f"{HANDLES[uid]} name", "description": "social worker",
            "public_metrics": {"followers_count": 10, "following_count": 5}}
    if uid == ZED:
        user.update(name="Zedediah Xylophonist", description="bio giraffe-yak-2468")
    return user


def _tweet(tid: str, uid: str, when: str, text: str, *, reply_to: tuple[str, str] | None = None,
           quoted: str | None = None, retweeted: str | None = None, mentions: tuple[str, ...] = ()) -> dict:
    tweet: dict = {"id": tid, "author_id": uid, "created_at": when, "text": text, "conversation_id": tid,
                   "entities": {"hashtags": [{"tag": "SWChat"}] if "#SWChat" in text else [],
                                "mentions": [{"username": HANDLES[m], "id": m} for m in mentions]}}
    refs = []
    if reply_to:
        tweet["in_reply_to_user_id"] = reply_to[1]
        refs.append({"type": "replied_to", "id": reply_to[0]})
    if quoted:
        refs.append({"type": "quoted", "id": quoted})
    if retweeted:
        refs.append({"type": "retweeted", "id": retweeted})
    if refs:
        tweet["referenced_tweets"] = refs
    return tweet


def _session(day: str, n: int, with_zed: bool) -> tuple[list[dict], list[dict]]:
    """One chat session of ``day``: data tweets, and the referenced tweets for ``includes``."""
    t = lambda minute: f"{day}T19:{minute:02d}:00.000Z"  # noqa: E731
    q1, q2 = f"{n}001", f"{n}007"
    data = [
        _tweet(q1, HOST, t(0), f"Q1: What helps you switch off after a shift? #SWChat (week {n})"),
        _tweet(f"{n}003", BOB, t(3), "A1: reading fiction #SWChat", reply_to=(q1, HOST)),
        _tweet(q2, HOST, t(10), "Q2: Who supports you? #SWChat"),
        _tweet(f"{n}009", CAT, t(13), "A2: my family #SWChat", reply_to=(q2, HOST)),
        _tweet(f"{n}010", DAN, t(15), "A2: supervision #SWChat", reply_to=(q2, HOST)),
        _tweet(f"{n}011", BOB, t(20), "@CatSW thanks #SWChat", mentions=(CAT,)),
        _tweet(f"{n}012", EVE, t(22), "A2: my colleagues #SWChat", reply_to=(q2, HOST)),
        _tweet(f"{n}015", EVE, t(28), "A1: a long walk #SWChat", reply_to=(q1, HOST)),
        _tweet(f"{n}016", HOST, t(30), "Thanks all, see you next week #SWChat"),
        _tweet(f"{n}017", CAT, t(31), "Bye all #SWChat"),
    ]
    includes: list[dict] = []
    if with_zed:
        zed_a1 = _tweet(f"{n}002", ZED, t(2), f"A1: zebra-quokka-1234 walking the dog {n} #SWChat",
                        reply_to=(q1, HOST))
        data += [
            zed_a1,
            _tweet(f"{n}004", BOB, t(5), "@ZedForget same here, dogs are great #SWChat",
                   reply_to=(f"{n}002", ZED), mentions=(ZED,)),
            _tweet(f"{n}005", CAT, t(6), "so true #SWChat https://t.co/abc", quoted=f"{n}002"),
            _tweet(f"{n}006", DAN, t(7), f"RT @ZedForget: A1: zebra-quokka-1234 walking the dog {n} #SWChat",
                   retweeted=f"{n}002", mentions=(ZED,)),
            _tweet(f"{n}008", ZED, t(12), "A2: narwhal-ibis-5678 my team #SWChat", reply_to=(q2, HOST)),
            _tweet(f"{n}013", CAT, t(25), "@ZedForget remember this one? #SWChat",
                   reply_to=("1990", ZED), mentions=(ZED,)),
            _tweet(f"{n}014", BOB, t(26), "@ZedForget @CatSW good night both #SWChat", mentions=(ZED, CAT)),
        ]
        includes.append(_tweet("1990", ZED, "2026-08-20T10:00:00.000Z", "okapi-tapir-9012 an old thought"))
        includes.append(zed_a1)
    data.sort(key=lambda tw: tw["created_at"], reverse=True)
    return data, includes


def _page(data: list[dict], includes: list[dict]) -> bytes:
    users = [_user(u) for u in HANDLES]
    return orjson.dumps({"data": data, "includes": {"users": users, "tweets": includes}}) + b"\n"


def _v1_retweet() -> bytes:
    """An X v1.1 retweet by Dan of Zed's A2 of week 1: it embeds the whole tweet and Zed's profile."""
    zed = {"id_str": ZED, "screen_name": "ZedForget", "name": "Zedediah Xylophonist",
           "description": "bio giraffe-yak-2468", "followers_count": 10, "friends_count": 5}
    original = {"id_str": "1008", "created_at": "Wed Sep 02 19:12:00 +0000 2026",
                "full_text": "A2: narwhal-ibis-5678 my team #SWChat", "user": zed,
                "entities": {"hashtags": [{"text": "SWChat"}], "user_mentions": []}}
    dan = {"id_str": DAN, "screen_name": "DanSW", "name": "DanSW name", "followers_count": 3, "friends_count": 4}
    retweet = {"id_str": "1050", "created_at": "Wed Sep 02 19:31:00 +0000 2026",
               "full_text": "RT @ZedForget: A2: narwhal-ibis-5678 my team #SWChat", "user": dan,
               "retweeted_status": original,
               "entities": {"hashtags": [{"text": "SWChat"}],
                            "user_mentions": [{"id_str": ZED, "screen_name": "ZedForget"}]}}
    return orjson.dumps(retweet) + b"\n"


@pytest.fixture
def exports(tmp_path: Path) -> dict[str, Path]:
    """The exports: three weekly sessions (Zed in the first two), a later page with Zed's old post
    (first seen as context), a rejected line of Zed's and one of Bob's, and a v1.1 retweet."""
    folder = tmp_path / "exports"
    folder.mkdir()
    lines = []
    for n, day, with_zed in ((1, "2026-09-02", True), (2, "2026-09-09", True), (3, "2026-09-16", False)):
        lines.append(_page(*_session(day, n, with_zed)))
    bad_zed = {"id": "2099", "author_id": ZED, "text": "kiwi-lemur-3456 #SWChat"}  # no created_at: rejected
    bad_bob = {"id": "2098", "author_id": BOB, "text": "bob's broken tweet #SWChat"}
    lines.append(_page([bad_zed, bad_bob], []))
    pages = folder / "pages.jsonl"
    pages.write_bytes(b"".join(lines))
    later = folder / "later.jsonl"  # Zed's old post, now as a post of its own (the context copy is promoted)
    later.write_bytes(_page([_tweet("1990", ZED, "2026-08-20T10:00:00.000Z", "okapi-tapir-9012 an old thought"),
                             _tweet("1991", ZED, "2026-08-20T10:05:00.000Z", "pangolin-emu-1357 another")], []))
    v1 = folder / "v1.jsonl"
    v1.write_bytes(_v1_retweet())
    return {"pages": pages, "later": later, "v1": v1}


def _build(path: Path, exports: dict[str, Path]) -> Archive:
    archive = Archive(path)
    result = archive.ingest([exports["pages"], exports["later"], exports["v1"]])
    assert not result.failed
    return archive


def _raw_records(archive: Archive) -> list[bytes]:
    records = []
    for (data,) in archive.db.execute("SELECT data FROM raw_blocks"):
        records += raw_blocks.unpack(data).split(b"\n")
    return records


def _file_bytes(path: Path) -> bytes:
    data = path.read_bytes()
    for extra in (Path(f"{path}-wal"), Path(f"{path}-journal")):
        if extra.exists():
            data += extra.read_bytes()
    return data


def _dump(archive: Archive) -> list[str]:
    return list(archive.db.iterdump())


def _sessions(archive: Archive) -> tuple[list, ...]:
    """The derived session tables, without their row keys."""
    q = archive.db.execute
    return (
        q("SELECT tag, start_at, end_at, posts, participants, originals, replies, retweets, quotes, hosts, "
          "questions FROM derived_sessions ORDER BY start_at").fetchall(),
        q("SELECT s.start_at, p.platform, p.account_id, p.handle, p.posts, p.originals, p.replies, p.retweets, "
          "p.quotes, p.replies_received, p.mentions_received, p.retweets_received, p.welcomed, p.first_post "
          "FROM participation p JOIN derived_sessions s ON s.id = p.session ORDER BY 1, 2, 3").fetchall(),
        q("SELECT s.start_at, m.platform, m.post_id, m.segment FROM session_posts m "
          "JOIN derived_sessions s ON s.id = m.session ORDER BY 1, 2, 3").fetchall(),
        sorted(q("SELECT s.start_at, i.post_id, i.source, i.target, i.type FROM interactions i "
                 "JOIN derived_sessions s ON s.id = i.session").fetchall()),
        q("SELECT * FROM tag_accounts ORDER BY 1, 2, 3").fetchall(),
        q("SELECT * FROM tag_counts ORDER BY 1").fetchall(),
    )


def test_forget_removes_every_byte_of_their_data(tmp_path, exports):
    path = tmp_path / "a.db"
    archive = _build(path, exports)
    try:
        archive.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        before = _file_bytes(path) + b"".join(_raw_records(archive))
        for secret in SECRETS:
            assert secret in before, secret  # the test data does reach the archive
        others = ["1003", "1009", "2011", "3012", "1004", "1050"]
        raw_before = {pid: archive.raw(pid) for pid in others}
        assert all(raw_before[pid] is not None for pid in others)
        posts_before = archive.stats()["posts"]

        done = archive.forget(["@zedforget"])

        assert done["forgotten"] == [f"x:{ZED}"]
        assert done["posts"] == 2 * 2 + 2  # two answers in each of two sessions, two old posts
        assert done["accounts"] == 1 and done["rejected_lines"] == 1
        assert done["retweets_cleared"] == 3  # two v2 retweets, the v1.1 one
        assert done["raw_blocks_rewritten"] >= 1 and done["raw_records"] >= 6 + done["raw_records_of_others"]
        assert archive.stats()["posts"] == posts_before - 6
        q = archive.db.execute
        assert q("SELECT count(*) FROM posts WHERE author_id = ?", (ZED,)).fetchone()[0] == 0
        assert q("SELECT count(*) FROM accounts WHERE account_id = ?", (ZED,)).fetchone()[0] == 0
        assert q("SELECT count(*) FROM post_hashtags h WHERE NOT EXISTS (SELECT 1 FROM posts p "
                 "WHERE p.platform = h.platform AND p.post_id = h.post_id)").fetchone()[0] == 0
        assert [r["raw"] for r in archive.rejected()] == [orjson.dumps(
            {"id": "2098", "author_id": BOB, "text": "bob's broken tweet #SWChat"}).decode()]
        assert archive.forgotten_accounts() == {("x", ZED)}
        for pid in ("1002", "1008", "2002", "2008", "1990", "1991"):
            assert archive.raw(pid) is None
        # others' posts keep their rows; their raw records read back unchanged, unless they carried Zed's data
        for pid in ("1003", "1009", "2011", "3012"):
            assert archive.raw(pid) == raw_before[pid]
        for pid in ("1004", "1005", "1006", "1013", "1014", "1050"):  # reply, quote, retweets, mentions of Zed
            assert archive.raw(pid) is None
            assert q("SELECT count(*) FROM posts WHERE post_id = ?", (pid,)).fetchone()[0] == 1
        retweet = q("SELECT text, mentions, kind FROM posts WHERE post_id = '1006'").fetchone()
        assert retweet == ("", '["ZedForget"]', "retweet")
        assert q("SELECT text FROM posts WHERE post_id = '1004'").fetchone()[0].startswith("@ZedForget same here")

        for secret in SECRETS:
            assert secret not in b"".join(_raw_records(archive)), secret
        assert q("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert q("PRAGMA foreign_key_check").fetchall() == []
    finally:
        archive.close()
    data = _file_bytes(path)
    for secret in SECRETS:
        assert secret not in data, secret
    assert not Path(f"{path}-wal").exists() or Path(f"{path}-wal").stat().st_size == 0


def test_raw_indexes_are_renumbered(tmp_path, exports):
    archive = _build(tmp_path / "a.db", exports)
    try:
        keys = archive.db.execute("SELECT platform, post_id FROM posts WHERE raw_block IS NOT NULL "
                                  "AND author_id != ?", (ZED,)).fetchall()
        before = {key: archive.raw(key[1], key[0]) for key in keys}
        archive.forget([ZED])
        after = archive.db.execute("SELECT platform, post_id FROM posts WHERE raw_block IS NOT NULL").fetchall()
        assert after and set(after) < set(keys)
        for platform, post_id in after:
            assert archive.raw(post_id, platform) == before[(platform, post_id)]
        for block, n in archive.db.execute("SELECT raw_block, count(*) FROM posts WHERE raw_block IS NOT NULL "
                                           "GROUP BY raw_block").fetchall():
            data = archive.db.execute("SELECT data FROM raw_blocks WHERE id = ?", (block,)).fetchone()[0]
            indexes = sorted(i for (i,) in archive.db.execute(
                "SELECT raw_index FROM posts WHERE raw_block = ?", (block,)))
            assert indexes == list(range(n)) and len(raw_blocks.unpack(data).split(b"\n")) >= n
    finally:
        archive.close()


@pytest.mark.parametrize("entry", ["@ZedForget", "zedforget", ZED, "https://x.com/ZedForget",
                                   "https://twitter.com/zedforget/status/1002"])
def test_every_way_of_naming_the_account(tmp_path, exports, entry):
    archive = _build(tmp_path / "a.db", exports)
    try:
        (match,) = archive.accounts_to_forget([entry])
        assert (match["platform"], match["account_id"], match["handles"]) == ("x", ZED, ["zedforget"])
        assert (match["posts"], match["context_posts"], match["forgotten"]) == (6, 0, False)
    finally:
        archive.close()


def test_a_handle_known_only_from_replies_to_it(tmp_path):
    page = _page([_tweet("5", BOB, "2026-09-02T19:00:00.000Z", "@ZedForget hello #SWChat",
                         reply_to=("4", ZED), mentions=(ZED,))], [])
    (tmp_path / "p.jsonl").write_bytes(page)
    with Archive(tmp_path / "a.db") as archive:
        archive.ingest([tmp_path / "p.jsonl"])
        archive.db.execute("DELETE FROM accounts WHERE account_id = ?", (ZED,))  # as if the export had no profile
        (match,) = archive.accounts_to_forget(["@zedforget"])
        assert match["account_id"] == ZED and match["posts"] == 0
        done = archive.forget(["@zedforget"])
        assert done["posts"] == 0 and done["raw_records_of_others"] == 1
        assert archive.forgotten_accounts() == {("x", ZED)}


def test_sessions_after_forgetting_equal_a_rebuild_and_a_fresh_archive(tmp_path, exports):
    archive = _build(tmp_path / "a.db", exports)
    try:
        archive.refresh_sessions()
        assert archive.db.execute("SELECT count(*) FROM participation WHERE account_id = ?", (ZED,)).fetchone()[0]
        archive.forget(["@ZedForget"])
        assert archive.derived_state()["stale"]
        archive.refresh_sessions()
        incremental = _sessions(archive)
        assert archive.db.execute("SELECT count(*) FROM participation WHERE account_id = ?", (ZED,)).fetchone()[0] == 0
        assert archive.db.execute("SELECT count(*) FROM tag_accounts WHERE account_id = ?", (ZED,)).fetchone()[0] == 0
        assert len(incremental[0]) == 3
        archive.reindex()
        assert _sessions(archive) == incremental
    finally:
        archive.close()
    # a fresh archive of the same exports without Zed's posts finds the same sessions and the same
    # participation of everyone else
    folder = tmp_path / "without"
    folder.mkdir()
    lines = []
    for line in exports["pages"].read_bytes().splitlines():
        page = orjson.loads(line)
        page["data"] = [t for t in page["data"] if t["author_id"] != ZED]
        page["includes"]["tweets"] = [t for t in page["includes"]["tweets"] if t["author_id"] != ZED]
        lines.append(orjson.dumps(page) + b"\n")
    (folder / "pages.jsonl").write_bytes(b"".join(lines))
    with Archive(tmp_path / "fresh.db") as fresh:
        fresh.ingest([folder / "pages.jsonl", exports["v1"]])
        fresh.forget([ZED])  # the v1.1 retweet's context copy of Zed's post, and the retweets' text
        fresh.refresh_sessions()
        expected = _sessions(fresh)
    assert incremental[0] == expected[0]
    assert incremental[1] == expected[1]
    assert incremental[2] == expected[2]


def test_importing_again_does_not_bring_them_back(tmp_path, exports):
    path = tmp_path / "a.db"
    archive = _build(path, exports)
    try:
        archive.forget(["@ZedForget"])
        result = archive.ingest([exports["pages"], exports["later"], exports["v1"]])
        pages, later, v1 = result.files
        assert (pages.added, pages.forgotten) == (0, 4) and (later.added, later.forgotten) == (0, 2)
        assert (v1.added, v1.duplicates, v1.forgotten) == (0, 1, 0)  # Dan's retweet; Zed's tweet in it was context
        assert pages.read == pages.duplicates + pages.rejected  # read = added + duplicates + rejected
        assert any("4 posts" in note and "skipped" in note for note in pages.notes)
        assert any("account snapshots" in note for note in pages.notes)
        q = archive.db.execute
        assert q("SELECT count(*) FROM posts WHERE author_id = ?", (ZED,)).fetchone()[0] == 0
        assert q("SELECT count(*) FROM accounts WHERE account_id = ?", (ZED,)).fetchone()[0] == 0
        assert all(b"kiwi-lemur-3456" not in (r["raw"] or "").encode() for r in archive.rejected())
        assert q("SELECT count(*) FROM rejected WHERE raw IS NULL AND reason LIKE '%forgotten account%'"
                 ).fetchone()[0] == 1
        archive.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        records = b"".join(_raw_records(archive))
        for secret in SECRETS:
            assert secret not in records, secret
    finally:
        archive.close()
    data = _file_bytes(path)
    for secret in SECRETS:
        assert secret not in data, secret


def test_a_new_export_after_forgetting_stores_nothing_of_theirs(tmp_path, exports):
    """Forgotten before the v1.1 export was ever imported: its embedded tweet and profile are never written."""
    path = tmp_path / "a.db"
    with Archive(path) as archive:
        archive.ingest([exports["pages"]])
        archive.forget(["@ZedForget"])
        (v1,) = archive.ingest([exports["v1"]]).files
        assert v1.added == 1 and v1.forgotten == 0
        assert any("retweets of their posts kept without the retweeted text" in n for n in v1.notes)
        assert archive.raw("1050") is None
        assert archive.db.execute("SELECT text, kind FROM posts WHERE post_id = '1050'").fetchone() == ("", "retweet")
        archive.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        records = b"".join(_raw_records(archive))
    data = _file_bytes(path) + records
    for secret in SECRETS:
        assert secret not in data, secret


def test_nothing_forgotten_changes_nothing_on_import(tmp_path, exports):
    with Archive(tmp_path / "a.db") as archive:
        (pages,) = archive.ingest([exports["pages"]]).files
        assert pages.forgotten == 0 and not any("forgotten" in n for n in pages.notes)
        assert archive.raw("1002")["text"].startswith("A1: zebra-quokka-1234")


def test_an_unknown_account_changes_nothing(tmp_path, exports):
    archive = _build(tmp_path / "a.db", exports)
    try:
        before = _dump(archive)
        with pytest.raises(SelectionError, match="nobody"):
            archive.forget(["@ZedForget", "@nobody"])
        with pytest.raises(SelectionError):
            archive.forget([])
        assert _dump(archive) == before
        assert archive.forgotten_accounts() == set()
    finally:
        archive.close()


def test_a_crash_part_way_leaves_the_archive_as_it_was(tmp_path, exports, monkeypatch):
    archive = _build(tmp_path / "a.db", exports)
    try:
        archive.refresh_sessions()
        before = _dump(archive)
        secure = archive.db.execute("PRAGMA secure_delete").fetchone()[0]

        def crash(self, *args, **kwargs):
            raise RuntimeError("disk on fire")

        # the rejected records are cleaned after the posts, raw blocks and sessions were changed
        monkeypatch.setattr(ConsentStore, "_forget_rejected", crash)
        with pytest.raises(RuntimeError, match="disk on fire"):
            archive.forget(["@ZedForget"])
        assert _dump(archive) == before
        assert archive.db.execute("PRAGMA secure_delete").fetchone()[0] == secure
        assert not archive.db.in_transaction
        monkeypatch.undo()
        assert archive.forget(["@ZedForget"])["posts"] == 6
    finally:
        archive.close()


def test_forgetting_again_only_compacts(tmp_path, exports):
    archive = _build(tmp_path / "a.db", exports)
    try:
        archive.forget(["@ZedForget"])
        before = _dump(archive)
        (match,) = archive.accounts_to_forget([ZED])
        assert match["forgotten"] and match["posts"] == 0
        done = archive.forget([ZED])
        assert done["posts"] == done["raw_records"] == done["accounts"] == 0
        assert _dump(archive) == before
    finally:
        archive.close()


def test_forget_on_the_sample_matches_a_rebuild(sample_archive_path, tmp_path):
    """An account of the sample that posts, is replied to, quoted and retweeted."""
    path = tmp_path / "s.db"
    shutil.copy(sample_archive_path, path)
    with Archive(path) as archive:
        archive.refresh_sessions()
        (match,) = archive.accounts_to_forget(["@jamalnowak37"])
        account = match["account_id"]
        q = archive.db.execute
        assert q("SELECT count(*) FROM posts r JOIN posts o ON o.post_id = r.quoted_post_id "
                 "WHERE o.author_id = ?", (account,)).fetchone()[0] > 0
        kept = q("SELECT post_id FROM posts WHERE author_id != ? AND raw_block IS NOT NULL LIMIT 50",
                 (account,)).fetchall()
        before = {pid: archive.raw(pid) for (pid,) in kept}
        done = archive.forget(["@JamalNowak37"])
        assert done["posts"] == match["posts"] and done["retweets_cleared"] > 0
        for (pid,) in kept:
            assert archive.raw(pid) in (before[pid], None)
            if archive.raw(pid) is None:
                assert account.encode() in orjson.dumps(before[pid]) or b"jamalnowak37" in orjson.dumps(
                    before[pid]).lower()
        archive.refresh_sessions()
        incremental = _sessions(archive)
        assert q("SELECT count(*) FROM participation WHERE account_id = ?", (account,)).fetchone()[0] == 0
        archive.reindex()
        assert _sessions(archive) == incremental
        assert q("PRAGMA integrity_check").fetchone()[0] == "ok"


# -- the command ----------------------------------------------------------------------------------


def run(*args, **kw):
    return CliRunner().invoke(main, [str(a) for a in args], **kw)


def test_cli_forget_says_what_it_would_delete_then_forgets_with_yes(tmp_path, exports):
    path = tmp_path / "a.db"
    _build(path, exports).close()
    res = run("forget", "@ZedForget", "--archive", path)
    assert res.exit_code == 2  # no prompt: --yes is needed
    assert f"x:{ZED} (@zedforget): 6 posts" in res.stderr and "needs --yes" in res.stderr
    with Archive(path) as archive:
        assert archive.forgotten_accounts() == set()
    res = run("forget", "@ZedForget", "--archive", path, "--yes")
    assert res.exit_code == 0, res.output
    assert f"forgot x:{ZED}" in res.stderr
    assert "6 posts" in res.stderr and "account snapshots" in res.stderr and "later imports skip" in res.stderr
    with Archive(path) as archive:
        assert archive.forgotten_accounts() == {("x", ZED)}
        assert not archive.derived_state()["stale"]


def test_cli_forget_yes_json(tmp_path, exports):
    path = tmp_path / "a.db"
    _build(path, exports).close()
    res = run("forget", "ZedForget", "--archive", path, "--yes", "--json")
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["forgotten"] == [f"x:{ZED}"] and out["posts"] == 6 and out["sessions"]["sessions"] >= 1


def test_cli_forget_errors(tmp_path, exports):
    path = tmp_path / "a.db"
    _build(path, exports).close()
    res = run("forget", "@nobody", "--archive", path, "--yes")
    assert res.exit_code == 1 and "no archived account is named 'nobody'" in res.stderr
    assert "Traceback" not in res.output
    assert run("forget", "--archive", path).exit_code == 2
    assert run("forget", "@ZedForget", "--archive", tmp_path / "missing.db", "--yes").exit_code == 1
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT count(*) FROM forgotten").fetchone()[0] == 0


def test_mastodon_and_bluesky_accounts(tmp_path):
    """A boost embeds the boosted status, a Bluesky quote the quoted post: both go with their author."""
    ann = {"id": "9", "acct": "ann", "url": "https://a.example/@ann", "display_name": "Ann Capybara-Quail"}
    bob = {"id": "8", "acct": "bob", "url": "https://a.example/@bob", "display_name": "Bob"}
    cat = {"id": "7", "acct": "cat@b.example", "url": "https://b.example/@cat", "display_name": "Cat"}
    status = {"id": "2", "uri": "https://a.example/users/ann/statuses/2", "url": "https://a.example/@ann/2",
              "created_at": "2026-09-02T19:00:00.000Z", "account": ann, "tags": [{"name": "swchat"}],
              "content": "<p>A1: manatee-oryx-8642 #SWChat</p>", "mentions": []}
    boost = {"id": "3", "uri": "https://a.example/users/bob/statuses/3", "url": "https://a.example/@bob/3",
             "created_at": "2026-09-02T19:01:00.000Z", "account": bob, "content": "", "reblog": status,
             "tags": [], "mentions": []}
    reply = {"id": "4", "uri": "https://b.example/users/cat/statuses/4", "url": "https://b.example/@cat/4",
             "created_at": "2026-09-02T19:02:00.000Z", "account": cat, "in_reply_to_id": "2",
             "in_reply_to_account_id": "9", "content": "<p>@ann agreed #SWChat</p>", "tags": [{"name": "swchat"}],
             "mentions": [{"id": "9", "username": "ann", "acct": "ann", "url": "https://a.example/@ann"}]}
    (tmp_path / "mastodon.json").write_bytes(orjson.dumps([reply, boost, status]))
    did = "did:plc:annbsky"
    author = {"did": did, "handle": "ann.bsky.social", "displayName": "Ann on Bluesky"}
    post = {"uri": f"at://{did}/app.bsky.feed.post/3k1", "cid": "c1", "indexedAt": "2026-09-02T19:00:01Z",
            "author": author, "record": {"text": "tamarin-wombat-7531 #SWChat", "createdAt": "2026-09-02T19:00:00Z"}}
    quote = {"uri": "at://did:plc:dan/app.bsky.feed.post/9", "cid": "c2", "indexedAt": "2026-09-02T19:05:01Z",
             "author": {"did": "did:plc:dan", "handle": "dan.bsky.social"},
             "record": {"text": "look at this #SWChat", "createdAt": "2026-09-02T19:05:00Z",
                        "embed": {"$type": "app.bsky.embed.record", "record": {"uri": post["uri"], "cid": "c1"}}},
             "embed": {"$type": "app.bsky.embed.record#view",
                       "record": {"$type": "app.bsky.embed.record#viewRecord", "uri": post["uri"], "cid": "c1",
                                  "author": author, "value": post["record"]}}}
    (tmp_path / "bluesky.json").write_bytes(orjson.dumps({"posts": [quote, post]}))
    path = tmp_path / "a.db"
    with Archive(path) as archive:
        assert not archive.ingest([tmp_path / "mastodon.json", tmp_path / "bluesky.json"]).failed
        named = archive.accounts_to_forget(["https://a.example/@ann", "@ann.bsky.social"])
        assert [(m["platform"], m["account_id"]) for m in named] == [
            ("mastodon", "https://a.example/@ann"), ("bluesky", did)]
        assert archive.accounts_to_forget(["@Ann@a.example"])[0]["account_id"] == "https://a.example/@ann"
        done = archive.forget(["@ann@a.example", "ann.bsky.social"])
        assert done["posts"] == 2 and done["accounts"] == 2 and done["retweets_cleared"] == 1
        assert archive.db.execute("SELECT text FROM posts WHERE post_id = ?", (quote["uri"],)).fetchone() == (
            "look at this #SWChat",)
        assert archive.raw("https://b.example/users/cat/statuses/4", "mastodon") is None
        assert archive.raw("at://did:plc:dan/app.bsky.feed.post/9", "bluesky") is None
        assert archive.stats()["posts"] == 3
        records = b"".join(_raw_records(archive))
    data = _file_bytes(path) + records
    for secret in (b"manatee-oryx-8642", b"tamarin-wombat-7531", b"Capybara-Quail", b"Ann on Bluesky"):
        assert secret not in data, secret
