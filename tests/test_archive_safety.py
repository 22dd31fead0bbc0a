"""What nothing a user does can do to the archive (issue 12, rows 7, 8, 9 and 17), and ``--debug``.

- Two writers: the second waits for the first (saying so), both files are imported, nothing twice;
  readers never wait for a writer.
- A full disk part-way through a file: that file is rolled back and named in one line, the next
  files are still imported (simulated with SQLite's ``max_page_count``, which makes SQLite roll
  the whole transaction back itself, as a real full disk does).
- A read-only archive (file, folder, file system): read commands work on it (``mode=ro``, or
  ``immutable=1`` where SQLite cannot make ``NAME-shm``), writing commands end in one line; output
  to a folder that cannot be written ends in one line for every command that writes a file.
- Any failure is one line ``Error: …`` (an unexpected one says "internal error" and how to get the
  traceback) unless ``--debug`` / ``SWCHAT_DEBUG=1``.

Permissions do not stop root, so when the tests run as root the permission cases run swchat as
the user ``nobody`` (``setpriv``), and the read-only file system is a read-only bind mount in a
mount namespace of its own (``unshare``); each is skipped, saying why, where that is impossible.
"""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

import swchat
import swchat.api
import swchat.database
import swchat.readers.base
from swchat.archive import Archive as Storage
from swchat.cli import main
from swchat.database import FIRST_WAIT
from swchat.errors import ArchiveBusyError, ArchiveError, ArchiveFullError, ReadOnlyArchiveError

ROOT = os.geteuid() == 0
NOBODY = 65534
WAITING = "waiting for another swchat process that is writing to"


# -- helpers ----------------------------------------------------------------------------------

def _halves(sample_dir: Path, folder: Path) -> tuple[Path, Path, Path]:
    """The v2 sample split in two files of different posts (by page), and the whole file."""
    whole = sample_dir / "swchat-v2.jsonl"
    lines = [line for line in whole.read_bytes().splitlines(keepends=True) if line.strip()]
    first, second = folder / "first.jsonl", folder / "second.jsonl"
    first.write_bytes(b"".join(lines[: len(lines) // 2]))
    second.write_bytes(b"".join(lines[len(lines) // 2:]))
    return first, second, whole


def _post_keys(path: Path) -> list[tuple[str, str, int]]:
    db = sqlite3.connect(path)
    try:
        return db.execute("SELECT platform, post_id, is_context FROM posts ORDER BY platform, post_id").fetchall()
    finally:
        db.close()


def _integrity(path: Path) -> str:
    db = sqlite3.connect(path)
    try:
        return db.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        db.close()


def _one_line_error(output: str, fragment: str = "") -> str:
    """The contract: no traceback, one ``Error:`` line, the last one. Returns it."""
    assert "Traceback" not in output, output
    errors = [line for line in output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, output
    assert output.rstrip().splitlines()[-1] == errors[0], output
    assert fragment in errors[0], output
    return errors[0]


@pytest.fixture
def shared(tmp_path):
    """A folder every user can enter (pytest's own are root's alone), removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="swchat-safety-"))
    folder.chmod(0o755)
    home = folder / "home"
    home.mkdir()
    home.chmod(0o777)
    yield folder
    for path in [folder, *folder.rglob("*")]:
        if path.is_dir() and not path.is_symlink():
            path.chmod(stat.S_IRWXU)
    shutil.rmtree(folder, ignore_errors=True)


def _as_another_user() -> list[str]:
    """The command prefix that runs swchat as a user permissions apply to."""
    if not ROOT:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("these tests run as root, which file permissions do not stop, and there is no setpriv "
                    "to run swchat as another user")
    return [setpriv, f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]


def _swchat(shared: Path, *args: str, prefix: list[str] | None = None) -> subprocess.CompletedProcess:
    """``python -m swchat ARGS`` in ``shared``, as a user file permissions apply to."""
    env = {**os.environ, "HOME": str(shared / "home"), "MPLCONFIGDIR": str(shared / "home"),
           "SWCHAT_NO_PROGRESS": "1"}
    for name in ("SWCHAT_ARCHIVE", "SWCHAT_DEBUG", "SWCHAT_SECRET"):
        env.pop(name, None)
    command = [*(_as_another_user() if prefix is None else prefix), sys.executable, "-m", "swchat", *args]
    return subprocess.run(command, cwd=shared, env=env, capture_output=True, text=True, timeout=300, check=False)


@pytest.fixture
def readable_archive(shared, sample_dir):
    """An archive of the v2 sample in ``shared/ro/a.db`` (every user may read it; made writable
    again afterwards)."""
    folder = shared / "ro"
    folder.mkdir()
    path = folder / "a.db"
    with swchat.open(path, create=True) as archive:
        archive.ingest([sample_dir / "swchat-v2.jsonl"])
    path.chmod(0o644)
    return path


def _make_read_only(path: Path) -> None:
    """The archive file 0444 and its folder 0555 (no -wal, no -shm: as a clean close leaves it)."""
    for suffix in ("-wal", "-shm"):
        assert not path.with_name(path.name + suffix).exists()
    path.chmod(0o444)
    path.parent.chmod(0o555)


# -- row 7: two writers, and readers ---------------------------------------------------------------

def test_a_second_writer_waits_for_the_first_and_both_files_are_imported(sample_dir, tmp_path, monkeypatch):
    """Two Archive objects (two connections) in two threads, each importing a different file; the
    second starts while the first holds its write transaction: it says it waits, then both files
    are in, each post once, exactly as one import of the whole file."""
    first, second, whole = _halves(sample_dir, tmp_path)
    path = tmp_path / "shared.db"
    swchat.open(path, create=True).close()

    holding, release = threading.Event(), threading.Event()
    original = swchat.readers.base.Source.sha256

    def slow_sha256(self):  # called inside the import's transaction: the first writer holds it here
        if threading.current_thread().name == "first-writer" and not release.is_set():
            holding.set()
            assert release.wait(30), "the second writer never said it was waiting"
        return original(self)

    monkeypatch.setattr(swchat.readers.base.Source, "sha256", slow_sha256)
    results: dict[str, object] = {}
    said: dict[str, list[str]] = {"first": [], "second": []}

    def first_writer() -> None:
        with swchat.open(path, notify=said["first"].append) as archive:
            results["first"] = archive.ingest([first])

    thread = threading.Thread(target=first_writer, name="first-writer")
    thread.start()
    assert holding.wait(30)

    def second_says(message: str) -> None:
        said["second"].append(message)
        release.set()  # now let the first writer go on

    started = time.monotonic()
    with swchat.open(path, notify=second_says) as archive:
        results["second"] = archive.ingest([second])
    thread.join(60)
    assert not thread.is_alive()
    assert time.monotonic() - started >= FIRST_WAIT  # it did wait
    assert said["second"] and said["second"][0].startswith(WAITING)

    reference = tmp_path / "reference.db"
    with swchat.open(reference, create=True) as archive:
        archive.ingest([whole])
        expected_sessions = [(s.id, s.posts) for s in archive.sessions()]
    for name in ("first", "second"):
        files = results[name].files
        assert [f.error for f in files] == [None]
        assert files[0].read == files[0].added + files[0].duplicates + files[0].rejected
        assert files[0].added > 0
    keys = _post_keys(path)
    assert len(keys) == len({k[:2] for k in keys})  # no post twice
    assert [k for k in keys if not k[2]] == [k for k in _post_keys(reference) if not k[2]]
    with swchat.open(path) as archive:
        assert [(s.id, s.posts) for s in archive.sessions()] == expected_sessions
        assert len(archive.sources()) == 2
    assert _integrity(path) == "ok"


def test_swchat_ingest_waits_for_another_process_and_says_so(sample_dir, shared):
    """`swchat ingest` in another process while this one holds the write transaction: it waits,
    says so on stderr, and imports the file once the archive is free."""
    first, second, _ = _halves(sample_dir, shared)
    path = shared / "busy.db"
    with swchat.open(path, create=True) as archive:
        archive.ingest([first])
        before = archive.stats()["posts"]
        lines: list[str] = []
        waiting = threading.Event()
        with archive.write_transaction():
            env = {**os.environ, "SWCHAT_NO_PROGRESS": "1"}
            proc = subprocess.Popen([sys.executable, "-m", "swchat", "ingest", str(second), "--archive", str(path)],
                                    stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=env)

            def read() -> None:
                assert proc.stderr is not None
                for line in proc.stderr:
                    lines.append(line)
                    if line.startswith(WAITING):
                        waiting.set()

            reader = threading.Thread(target=read)
            reader.start()
            assert waiting.wait(120), "".join(lines)  # it found the archive taken, and said so
            time.sleep(1)
            assert proc.poll() is None, "".join(lines)  # still waiting, not failed
        proc.wait(timeout=120)
        reader.join(30)
    err = "".join(lines)
    assert proc.returncode == 0, err
    assert WAITING in err and "Traceback" not in err
    with swchat.open(path) as archive:
        assert archive.stats()["posts"] > before
        assert [s["path"] for s in archive.sources()] == [str(first), str(second)]


def test_a_writer_that_may_not_wait_says_the_archive_is_busy(tmp_path):
    path = tmp_path / "a.db"
    with swchat.open(path, create=True) as holder, swchat.open(path, write_wait=0.5) as other:
        with holder.write_transaction():
            with pytest.raises(ArchiveBusyError, match="is locked: another program is writing to it"):
                other.begin_write(wait=False)
            started = time.monotonic()
            with pytest.raises(ArchiveBusyError, match="still being written by another process"):
                other.add_optouts(["someone"])
            assert time.monotonic() - started < FIRST_WAIT + 5
        assert other.add_optouts(["someone"]) == 1  # free again


def test_readers_never_wait_for_a_writer(sample_dir, tmp_path):
    """While another connection holds the write transaction — even with the session tables out of
    date, which a reader would otherwise bring up to date — reading goes on, and gives what the
    stored tables give once they are brought up to date."""
    first, second, _ = _halves(sample_dir, tmp_path)
    path = tmp_path / "a.db"
    with swchat.open(path, create=True) as archive:
        archive.ingest([first])
        Storage.ingest(archive, [second])  # stored, session tables not brought up to date
        assert archive.derived_state()["stale"]
    with swchat.open(path) as writer, writer.write_transaction():
        with swchat.open(path, notify=pytest.fail) as reader:  # a reader that waited would hang here
            listed = [(s.id, s.posts, s.participants) for s in reader.sessions()]
            chat = reader.session(listed[-1][0])
            assert reader.derived_state()["stale"]  # nothing was stored
        res = CliRunner().invoke(main, ["sessions", "--archive", str(path), "--json"])
        assert res.exit_code == 0, res.output
    with swchat.open(path) as archive:
        assert [(s.id, s.posts, s.participants) for s in archive.sessions()] == listed
        assert not archive.derived_state()["stale"]  # brought up to date once the archive was free
        assert len(archive.session(listed[-1][0]).posts) == len(chat.posts)


# -- row 8: a full disk ------------------------------------------------------------------------------

def _filling(monkeypatch, spare_pages: int) -> None:
    """Every archive opened from now on holds at most ``spare_pages`` more pages than it has."""
    real = swchat.archive.connect

    def connect(path, *, read_only):
        db, ro = real(path, read_only=read_only)
        pages = db.execute("PRAGMA page_count").fetchone()[0]
        db.execute(f"PRAGMA max_page_count = {pages + spare_pages}")
        return db, ro

    monkeypatch.setattr(swchat.archive, "connect", connect)


def test_a_full_disk_rolls_that_file_back_names_it_and_goes_on(sample_dir, tmp_path, monkeypatch):
    first, _, whole = _halves(sample_dir, tmp_path)
    small = tmp_path / "small.jsonl"
    small.write_bytes(whole.read_bytes().splitlines(keepends=True)[-1])
    path = tmp_path / "a.db"
    with swchat.open(path, create=True) as archive:
        archive.ingest([first])
    before = _post_keys(path)
    _filling(monkeypatch, spare_pages=60)
    with swchat.open(path) as archive:
        result = archive.ingest([whole, small])
    big, little = result.files
    assert big.error == (f"{whole}: not imported, the disk holding {path} is full; the archive is as it "
                         "was before it")
    assert little.error is None and little.read > 0
    assert little.read == little.added + little.duplicates + little.rejected
    after = _post_keys(path)
    assert set(before) <= set(after)
    assert len(after) - len(before) == little.added + little.context  # nothing of the big file
    assert _integrity(path) == "ok"
    with swchat.open(path) as archive:
        assert [s["path"] for s in archive.sources()] == [str(first), str(small)]


def test_swchat_ingest_on_a_full_disk_is_one_line_per_file_and_no_traceback(sample_dir, tmp_path, monkeypatch):
    path = tmp_path / "a.db"
    whole = sample_dir / "swchat-v2.jsonl"
    swchat.open(path, create=True).close()
    _filling(monkeypatch, spare_pages=5)
    res = CliRunner().invoke(main, ["ingest", str(whole), "--archive", str(path)])
    assert res.exit_code == 1
    assert f"error: {whole}: not imported, the disk holding {path} is full" in res.output
    assert "cannot rollback" not in res.output
    _one_line_error(res.output, "nothing was imported")
    assert _post_keys(path) == []


def test_other_writes_on_a_full_disk_are_one_line_too(sample_archive_path, tmp_path, monkeypatch):
    path = tmp_path / "a.db"
    shutil.copy(sample_archive_path, path)
    _filling(monkeypatch, spare_pages=0)
    many = [f"account{i}" for i in range(5000)]
    with swchat.open(path) as archive, pytest.raises(ArchiveFullError, match="is full"):
        archive.add_optouts(many, reason="x" * 200)
    (tmp_path / "many.txt").write_text("\n".join(many) + "\n")
    res = CliRunner().invoke(main, ["optout", "import", str(tmp_path / "many.txt"), "--archive", str(path),
                                    "--reason", "y" * 200])
    assert res.exit_code == 1
    _one_line_error(res.output, f"the disk holding {path} is full")
    with swchat.open(path) as archive:
        assert archive.optouts() == []  # rolled back


def test_a_rollback_after_sqlite_rolled_back_itself_is_quiet(tmp_path):
    """A full disk makes SQLite roll the transaction back itself: a second ROLLBACK would fail with
    "cannot rollback - no transaction is active" and hide the real error."""
    with swchat.open(tmp_path / "a.db", create=True) as archive:
        archive.begin_write()
        archive.db.execute("ROLLBACK")  # as SQLite does on SQLITE_FULL
        assert not archive.db.in_transaction
        archive.rollback()  # no error
        with pytest.raises(ArchiveFullError), archive.write_transaction():
            archive.db.execute("ROLLBACK")
            raise sqlite3.OperationalError("database or disk is full")


# -- rows 9 and 17: read-only archives, unwritable outputs -------------------------------------------

def test_read_only_opens_with_mode_ro_and_never_writes(sample_archive_path, sample_dir, tmp_path):
    path = tmp_path / "a.db"
    shutil.copy(sample_archive_path, path)
    with swchat.open(path, read_only=True) as archive:
        assert archive.read_only
        assert archive.stats()["posts"] > 0 and archive.sessions()
        with pytest.raises(sqlite3.OperationalError, match="readonly"):  # SQLite itself refuses (mode=ro)
            archive.db.execute("CREATE TABLE t (x)")
        with pytest.raises(ReadOnlyArchiveError, match="it was opened read-only"):
            archive.add_optouts(["someone"])
        with pytest.raises(ReadOnlyArchiveError):
            archive.ingest([sample_dir / "swchat-tags.csv"])


def test_read_only_with_out_of_date_session_tables_derives_them_and_stores_nothing(sample_dir, tmp_path):
    first, second, _ = _halves(sample_dir, tmp_path)
    path = tmp_path / "a.db"
    with swchat.open(path, create=True) as archive:
        archive.ingest([first])
        Storage.ingest(archive, [second])
    before = path.read_bytes()
    with swchat.open(path, read_only=True) as archive:
        listed = [(s.id, s.start, s.posts, s.participants, s.hosts) for s in archive.sessions()]
        latest = archive.latest_session()
    assert path.read_bytes() == before
    with swchat.open(path) as archive:
        assert [(s.id, s.start, s.posts, s.participants, s.hosts) for s in archive.sessions()] == listed
        assert archive.latest_session() == latest


def test_an_older_schema_read_only_says_so_in_one_line(sample_archive_path, tmp_path):
    path = tmp_path / "old.db"
    shutil.copy(sample_archive_path, path)
    db = sqlite3.connect(path)
    db.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    db.commit()
    db.close()
    with pytest.raises(ArchiveError, match=r"has the older archive schema 2 and is read-only here \(opened "
                                           r"read-only\): open it once where it can be written"):
        swchat.open(path, read_only=True)


@pytest.fixture
def unwritable(monkeypatch):
    """Make swchat see every archive file as one it cannot write (as for a read-only file, folder or
    file system), whoever runs the tests."""
    monkeypatch.setattr(swchat.database, "writable", lambda path: False)
    monkeypatch.setattr(swchat.archive, "writable", lambda path: False)


READING = [["stats"], ["sessions"], ["rejected"], ["optout", "list"], ["questions", "--session", "{session}"],
           ["transcript", "--session", "{session}"], ["accounts", "--session", "{session}"],
           ["forget", "SWChatHost"]]  # without --yes: a preview, exit 2 by design
WRITING = [["ingest", "{sample}"], ["reindex"], ["optout", "add", "someone"], ["optout", "remove", "someone"],
           ["optout", "import", "{list}"], ["forget", "someone", "--yes"]]


def _fill(args, path, sample_dir, session, extra: Path):
    return [a.format(sample=sample_dir / "swchat-v2.jsonl", session=session, list=extra) for a in args] + [
        "--archive", str(path)]


@pytest.mark.parametrize("args", READING, ids=" ".join)
def test_reading_commands_work_on_an_archive_that_cannot_be_written(args, sample_archive_path, sample_dir, truth,
                                                                  tmp_path, unwritable, monkeypatch):
    opened = []
    real = swchat.database.connect

    def spy(path, *, read_only):
        db, ro = real(path, read_only=read_only)
        opened.append(ro)
        return db, ro

    monkeypatch.setattr(swchat.archive, "connect", spy)
    path = tmp_path / "a.db"
    shutil.copy(sample_archive_path, path)
    res = CliRunner().invoke(main, _fill(args, path, sample_dir, truth["sessions"][0]["id"], tmp_path))
    assert res.exit_code == (2 if args[0] == "forget" else 0), res.output
    assert "Traceback" not in res.output
    assert opened == [True]


@pytest.mark.parametrize("args", WRITING, ids=" ".join)
def test_writing_commands_on_an_archive_that_cannot_be_written_are_one_line(args, sample_archive_path, sample_dir,
                                                                          truth, tmp_path, unwritable):
    path = tmp_path / "a.db"
    shutil.copy(sample_archive_path, path)
    (tmp_path / "list.txt").write_text("someone\n")
    res = CliRunner().invoke(main, _fill(args, path, sample_dir, "", tmp_path / "list.txt"))
    assert res.exit_code == 1
    _one_line_error(res.output, f"cannot write to {path}: ")


def test_read_only_for_real_reading_works_and_writing_is_one_line(readable_archive, shared, truth, sample_dir):
    """As a user the permissions apply to: the archive 0444 in a folder 0555, no -wal or -shm (SQLite
    can make neither, so it is read with immutable=1)."""
    _make_read_only(readable_archive)
    session = truth["sessions"][0]["id"]
    res = _swchat(shared, "stats", "--archive", "ro/a.db")
    assert res.returncode == 0, res.stderr
    assert "posts" in res.stdout
    res = _swchat(shared, "questions", "--session", session, "--archive", "ro/a.db")
    assert res.returncode == 0, res.stderr
    for args in (["ingest", str(sample_dir / "swchat-tags.csv")], ["optout", "add", "someone"], ["reindex"],
                 ["forget", "someone", "--yes"]):
        res = _swchat(shared, *args, "--archive", "ro/a.db")
        assert res.returncode == 1, res.stderr
        _one_line_error(res.stderr, "cannot write to ro/a.db: the file is read-only for you")
    assert sorted(p.name for p in readable_archive.parent.iterdir()) == ["a.db"]


def test_a_writable_file_in_a_read_only_folder(readable_archive, shared):
    readable_archive.chmod(0o666)
    readable_archive.parent.chmod(0o555)
    res = _swchat(shared, "stats", "--archive", "ro/a.db")
    assert res.returncode == 0, res.stderr
    res = _swchat(shared, "optout", "add", "someone", "--archive", "ro/a.db")
    assert res.returncode == 1
    _one_line_error(res.stderr, "its folder ro is read-only for you (SQLite writes a.db-wal and a.db-shm")


def test_changes_left_in_the_wal_of_a_read_only_folder_are_not_missed(readable_archive, shared):
    """A -wal file with changes, no -shm, a folder no one may write: reading the file as it is would
    miss the changes, so swchat says so instead."""
    code = ("import sqlite3, os, sys\n"
            "db = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
            "db.execute('PRAGMA wal_autocheckpoint=0')\n"
            "db.execute(\"INSERT INTO optouts (entry, added_at) VALUES ('late', '2026-01-01')\")\n"
            "os._exit(0)\n")
    subprocess.run([sys.executable, "-c", code, str(readable_archive)], check=True)
    wal = readable_archive.with_name("a.db-wal")
    assert wal.stat().st_size > 0
    readable_archive.with_name("a.db-shm").unlink()
    for name in ("a.db", "a.db-wal"):
        (readable_archive.parent / name).chmod(0o444)
    readable_archive.parent.chmod(0o555)
    res = _swchat(shared, "optout", "list", "--archive", "ro/a.db")
    assert res.returncode == 1
    _one_line_error(res.stderr, "its latest changes are still in a.db-wal")


def _mount_read_only(shared: Path) -> list[str]:
    """A prefix that runs a command with ``shared/mnt`` a read-only bind mount of ``shared/ro``."""
    unshare = shutil.which("unshare")
    if not ROOT or unshare is None:
        pytest.skip("a read-only file system needs root (or no unshare): the bind mount is made in a mount namespace")
    (shared / "mnt").mkdir()
    script = 'mount --bind "$1" "$2" && mount -o remount,ro,bind "$2" && shift 2 && exec "$@"'
    prefix = [unshare, "-m", "sh", "-c", script, "sh", str(shared / "ro"), str(shared / "mnt")]
    probe = subprocess.run([*prefix, "true"], capture_output=True, text=True, check=False)
    if probe.returncode:
        pytest.skip(f"cannot make a read-only bind mount here: {probe.stderr.strip()}")
    return prefix


def test_an_archive_on_a_read_only_file_system(readable_archive, shared, truth, sample_dir):
    """Row 17 as reported: read commands work (they used to say "not a swchat archive (unable to open
    database file)"), writing ones say the file system is read-only."""
    prefix = _mount_read_only(shared)
    res = _swchat(shared, "sessions", "--archive", "mnt/a.db", "--json", prefix=prefix)
    assert res.returncode == 0, res.stderr
    assert truth["sessions"][0]["id"] in res.stdout
    res = _swchat(shared, "ingest", str(sample_dir / "swchat-tags.csv"), "--archive", "mnt/a.db", prefix=prefix)
    assert res.returncode == 1
    _one_line_error(res.stderr, "cannot write to mnt/a.db: it is on a read-only file system")
    res = _swchat(shared, "ingest", str(sample_dir / "swchat-tags.csv"), "--archive", "mnt/new.db", prefix=prefix)
    assert res.returncode == 1
    _one_line_error(res.stderr, "cannot create the archive mnt/new.db: it is on a read-only file system")


#: Every command that writes a file, writing into a folder it may not write to.
OUTPUTS = {
    "report": ["report", "--latest", "-o", "out/r.html"],
    "report (new folder)": ["report", "--latest", "-o", "out/new/r.md"],
    "network": ["network", "--hashtag", "SWChat", "-o", "out/n.gexf"],
    "ego": ["ego", "SWChatHost", "--hashtag", "SWChat", "-o", "out/e.graphml"],
    "growth": ["growth", "--hashtag", "SWChat", "-o", "out/g.png"],
    "community": ["community", "--hashtag", "SWChat", "-o", "out/c.svg"],
    "transcript": ["transcript", "--session", "{session}", "-o", "out/t.txt"],
    "export": ["export", "--hashtag", "SWChat", "--format", "csv", "-o", "out"],
    "export (new folder)": ["export", "--hashtag", "SWChat", "-o", "out/export"],
    "site": ["site", "out/site", "--hashtag", "SWChat"],
}
#: Commands that write files but are covered elsewhere: `sample` (no archive; tests/test_sample.py
#: and the error contract) and `collect` (it fetches from a server; tests/test_collect_*.py).
ELSEWHERE = {"sample", "collect mastodon", "collect bluesky"}


def _commands_writing_files() -> set[str]:
    found = set()
    ctx = click.Context(main)
    for name in main.list_commands(ctx):
        command = main.get_command(ctx, name)
        subs = command.commands.items() if isinstance(command, click.Group) else [("", command)]
        for sub, cmd in subs:
            full = f"{name} {sub}".strip()
            if any(isinstance(p.type, click.Path) and not getattr(p.type, "exists", False)
                   and p.name in ("output", "folder", "out", "outdir") for p in cmd.params):
                found.add(full)
    return found


def test_every_command_that_writes_a_file_is_covered():
    assert {c.split()[0] for c in OUTPUTS} | ELSEWHERE >= _commands_writing_files()


@pytest.mark.parametrize("name", sorted(OUTPUTS))
def test_an_output_folder_that_cannot_be_written_is_one_line(name, readable_archive, shared, truth):
    out = shared / "out"
    out.mkdir()
    out.chmod(0o555)
    args = [a.format(session=truth["sessions"][0]["id"]) for a in OUTPUTS[name]]
    res = _swchat(shared, *args, "--archive", "ro/a.db")
    assert res.returncode == 1, res.stderr
    line = _one_line_error(res.stderr, "cannot write out")
    assert "ermission denied" in line, line
    assert list(out.iterdir()) == []


def test_writing_turns_every_os_error_into_one_line(tmp_path, monkeypatch):
    from swchat.cli import writing
    from swchat.errors import OutputError

    monkeypatch.delenv("SWCHAT_DEBUG", raising=False)
    target = tmp_path / "r.html"
    for err in (PermissionError(errno.EACCES, "Permission denied", str(target)),
                OSError(errno.ENOSPC, "No space left on device"), OSError(errno.EROFS, "Read-only file system"),
                OSError("Failed to open local file 'x/posts.parquet'.\nDetail: [errno 13] Permission denied")):
        with pytest.raises(OutputError) as caught, writing(target):
            raise err
        assert str(caught.value).startswith(f"cannot write {target}: ")
        assert "\n" not in str(caught.value)


# -- --debug ---------------------------------------------------------------------------------------

def test_an_unexpected_error_is_one_line_unless_debug(sample_archive_path, monkeypatch):
    def broken(self, *args, **kwargs):
        raise RuntimeError("something\nunforeseen")

    monkeypatch.setattr(swchat.api.Archive, "stats", broken)
    monkeypatch.delenv("SWCHAT_DEBUG", raising=False)
    args = ["stats", "--archive", str(sample_archive_path)]
    res = CliRunner().invoke(main, args)
    assert res.exit_code == 1 and isinstance(res.exception, SystemExit)
    line = _one_line_error(res.output, "internal error: RuntimeError: something unforeseen; run again with --debug")
    assert "please report it" in line
    res = CliRunner().invoke(main, ["--debug", *args])
    assert isinstance(res.exception, RuntimeError) and "Error:" not in res.output
    res = CliRunner().invoke(main, args, env={"SWCHAT_DEBUG": "1"})
    assert isinstance(res.exception, RuntimeError)


def test_a_handled_error_shows_its_traceback_only_with_debug(tmp_path, monkeypatch):
    monkeypatch.delenv("SWCHAT_DEBUG", raising=False)
    args = ["stats", "--archive", str(tmp_path / "missing.db")]
    res = CliRunner().invoke(main, args)
    assert res.exit_code == 1
    _one_line_error(res.output, "no archive at")
    res = CliRunner().invoke(main, ["--debug", *args])
    assert isinstance(res.exception, ArchiveError)
    res = _swchat(tmp_path, "--debug", *args, prefix=[])
    assert res.returncode == 1 and "Traceback (most recent call last)" in res.stderr
    assert "swchat.errors.ArchiveError: no archive at" in res.stderr


def test_debug_keeps_the_original_error_of_an_output(sample_archive_path, tmp_path, monkeypatch, truth):
    monkeypatch.delenv("SWCHAT_DEBUG", raising=False)

    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(Path, "write_text", refuse)
    args = ["transcript", "--session", truth["sessions"][0]["id"], "--archive", str(sample_archive_path),
            "-o", str(tmp_path / "t.txt")]
    res = CliRunner().invoke(main, args)
    _one_line_error(res.output, "Permission denied")
    res = CliRunner().invoke(main, ["--debug", *args])
    assert isinstance(res.exception, PermissionError)


def test_a_closed_pipe_is_not_an_internal_error(sample_archive_path, monkeypatch):
    def closed(self, *args, **kwargs):
        raise BrokenPipeError(errno.EPIPE, "Broken pipe")

    monkeypatch.setattr(swchat.api.Archive, "stats", closed)
    res = CliRunner().invoke(main, ["stats", "--archive", str(sample_archive_path)])
    assert "internal error" not in res.output
