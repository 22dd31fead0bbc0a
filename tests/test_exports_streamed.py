"""An export of a selection read a slice at a time (:func:`swchat.exports.export_selection`, what
``Archive.export`` does when nobody is to be hidden) writes what :func:`swchat.exports.export_chat`
writes for the chat of the whole selection: the same rows in the same order (accounts aside, whose
order the whole chat does not fix), the same manifest; and never holds the selection whole."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import orjson
import pytest

import swchat
from swchat import exports
from swchat.errors import SelectionError
from swchat.exports import export_chat, sessions_between
from swchat.sample import generate, write_archiver_sheet

pa = pytest.importorskip("pyarrow")
import pyarrow.parquet as pq  # noqa: E402

#: The selections compared: everything, one hashtag, a stretch of time of it, one platform.
SELECTIONS = [
    {},
    {"hashtag": "SWChat"},
    {"hashtag": "#swchat", "since": "2026-10-14", "until": "2026-10-29"},
    {"platform": "x"},
]


@pytest.fixture(scope="module")
def mixed(sample_dir, tmp_path_factory) -> Path:
    """X and Mastodon posts, and a Twitter Archiver sheet whose authors are known by handle (some
    of them also by id, from the X pages: the archive's handle aliases)."""
    tmp = tmp_path_factory.mktemp("streamed")
    sheet = write_archiver_sheet(generate(seed=7, sessions=2), tmp / "sheet.csv")
    path = tmp / "mixed.db"
    with swchat.open(path, create=True) as archive:
        archive.ingest([sample_dir / "swchat-v2.jsonl", sample_dir / "swchat-mastodon.jsonl", sheet])
        assert archive.handle_aliases()  # accounts known by handle in one file, by id in another
    return path


def _whole(archive, folder: Path, *, hashtag=None, since=None, until=None, platform=None, format="parquet",
           tables=None, layout="files"):
    """What Archive.export writes from the whole selection's chat (its code path when a policy
    is in force), for comparison."""
    wanted = exports.check_request(format, tables, layout)
    chat = archive.select(hashtag, since, until, platform=platform)
    needs_sessions = format != "ids" and bool(set(wanted) - {"accounts"} or layout == "partitioned")
    listed = sessions_between(archive.sessions(hashtag, members=True), since, until, platform) \
        if needs_sessions else []
    participation = archive.participation_table(sessions=listed) if "participation" in wanted else None
    return export_chat(chat, folder, format=format, tables=wanted, sessions=listed, participation=participation,
                       layout=layout, selection={"since": since, "until": until, "platform": platform, "tz": "UTC"})


def _rows(exported, name: str, format: str) -> list:
    """A table's rows as written (a partitioned table's with the folder each file is in)."""
    found = exported[name]
    if format == "csv":
        return list(csv.reader(found.open(encoding="utf-8", newline="")))
    if format == "jsonl":
        return [orjson.loads(line) for line in found.read_bytes().splitlines()]
    if format == "ids":
        return found.read_text(encoding="utf-8").splitlines()
    if isinstance(found, list):  # partitioned: parts in the order written, each with its folder
        return [{**row, "_folder": path.parent.relative_to(exported.folder).as_posix()}
                for path in found for row in pq.read_table(path).to_pylist()]
    return pq.read_table(found).to_pylist()


def _by_folder(rows: list[dict]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for row in rows:
        out.setdefault(row["_folder"], []).append({k: v for k, v in row.items() if k != "_folder"})
    return out


def _same_exports(streamed, whole, format: str, layout: str) -> None:
    assert streamed.rows == whole.rows
    assert list(streamed) == list(whole)
    for name in whole:
        mine, theirs = _rows(streamed, name, format), _rows(whole, name, format)
        if name == "accounts":
            mine, theirs = sorted(map(repr, mine)), sorted(map(repr, theirs))
        elif layout == "partitioned" and name in ("posts", "edges"):
            # parts are cut by slice, not by 50,000 rows: the same rows in each folder, in order
            mine, theirs = _by_folder(mine), _by_folder(theirs)
        assert mine == theirs, name
    manifests = [json.loads(e.manifest.read_text(encoding="utf-8")) for e in (streamed, whole)]
    for manifest in manifests:
        for table in manifest["tables"].values():
            if layout == "partitioned":
                table.pop("files")
    assert manifests[0] == manifests[1]


@pytest.mark.parametrize("selection", SELECTIONS, ids=["all", "hashtag", "stretch", "platform"])
@pytest.mark.parametrize(("format", "layout", "tables"), [
    ("parquet", "files", None), ("parquet", "partitioned", None), ("csv", "files", None), ("jsonl", "files", None),
    ("ids", "files", None), ("ids", "files", "posts,accounts"), ("csv", "files", "sessions,participation"),
    ("jsonl", "files", "accounts")])
def test_an_export_read_in_slices_writes_what_the_whole_chat_writes(mixed, tmp_path, monkeypatch, selection,
                                                                     format, layout, tables):
    monkeypatch.setattr(exports, "SLICE_POSTS", 97)  # the 1,771 posts in 19 slices
    monkeypatch.setattr(exports, "SESSIONS_AT_A_TIME", 2)  # participation read 2 sessions at a time
    read = []
    original = swchat.archive.Archive.post_slices

    def post_slices(self, *args, **options):  # the export reads slices, never the selection whole
        for part in original(self, *args, **options):
            read.append(len(part))
            yield part

    with swchat.open(mixed) as archive:
        posts = len(archive.posts(selection.get("hashtag"), selection.get("since"), selection.get("until"),
                                  platform=selection.get("platform"), context=False))
        whole = _whole(archive, tmp_path / "whole", format=format, tables=tables, layout=layout, **selection)
        monkeypatch.setattr(swchat.archive.Archive, "post_slices", post_slices)
        monkeypatch.setattr(swchat.archive.Archive, "posts", None)  # not called: it reads everything
        streamed = archive.export(tmp_path / "streamed", format=format, tables=tables, layout=layout, **selection)
    wanted = set(exports.check_request(format, tables, layout))
    readings = bool(wanted & {"accounts", "edges"}) + bool(wanted & {"posts", "edges"})
    assert posts > 100 and len(read) >= readings * (posts // 97)  # read slice by slice (the last, maybe not)
    _same_exports(streamed, whole, format, layout)


def test_a_selection_with_nothing_in_it_writes_nothing(mixed, tmp_path):
    for tables in (None, "posts", "sessions"):
        with swchat.open(mixed) as archive, pytest.raises(SelectionError, match="no #nosuchtag in"):
            archive.export(tmp_path / "out", hashtag="nosuchtag", tables=tables)
        assert not (tmp_path / "out").exists()


def test_with_an_opt_out_the_whole_selection_is_protected_first(mixed, tmp_path, monkeypatch):
    """Hiding a person needs the whole chat (their handle in others' texts, thread roots): with a
    policy in force the export is made from the selection's chat, as before."""
    with swchat.open(mixed) as archive:
        posts = archive.posts(platform="x", context=False)
        handle = posts["author_handle"].dropna().iloc[0]
        archive.opt_out([f"@{handle}"])
        monkeypatch.setattr(exports, "export_selection", None)  # not called
        written = archive.export(tmp_path / "out", format="csv", tables="posts", platform="x")
    rows = list(csv.DictReader((tmp_path / "out" / "posts.csv").open(encoding="utf-8", newline="")))
    assert 0 < len(rows) == written.rows["posts"] <= (posts["author_handle"] != handle).sum()
    assert handle not in {row["author_handle"] for row in rows}


@pytest.mark.parametrize("stored", [True, False], ids=["stored-sessions", "computed-sessions"])
@pytest.mark.parametrize("selection", SELECTIONS[:3], ids=["all", "hashtag", "stretch"])
@pytest.mark.parametrize("format", ["parquet", "csv"])
def test_without_merged_accounts_participation_is_read_a_few_sessions_at_a_time(
        sample_archive, tmp_path, monkeypatch, selection, format, stored):
    """The X sample alone (no account known by handle only): participation is read two sessions
    at a time, and each post's session looked up slice by slice in the stored session tables (or,
    when they cannot be used, from the sessions listed with their posts): the same tables."""
    monkeypatch.setattr(exports, "SLICE_POSTS", 150)
    monkeypatch.setattr(exports, "SESSIONS_AT_A_TIME", 2)
    if not stored:
        monkeypatch.setattr(type(sample_archive), "_stored_sessions_usable", lambda self: False)
    chunks = []
    original = sample_archive.participation_table

    def participation_table(*args, **options):
        chunks.append(len(options["sessions"]))
        return original(*args, **options)

    assert not sample_archive.handle_aliases()
    whole = _whole(sample_archive, tmp_path / "whole", format=format, **selection)
    monkeypatch.setattr(sample_archive, "participation_table", participation_table)
    streamed = sample_archive.export(tmp_path / "streamed", format=format, **selection)
    assert chunks and max(chunks) == 2 and sum(chunks) == whole.rows["sessions"] > 2
    _same_exports(streamed, whole, format, "files")


@pytest.mark.realdata
@pytest.mark.parametrize("format", ["parquet", "jsonl"])
def test_every_real_export_in_one_archive_exports_the_same_read_in_slices(realdata, tmp_path, monkeypatch, format):
    """Every real export (X v2, v1.1, the account archive, TAGS and other sheets, snscrape,
    Mastodon, Bluesky) in one archive: handles known by id in one file and by handle in another,
    TAGS quotes by link, posts of several platforms."""
    paths = sorted(str(p) for folder in ("x-v2-twarc", "x-v1-tweepy", "x-archive-legacy", "tags-sheet", "x-sheets",
                                         "x-snscrape", "mastodon-api", "bluesky-api")
                   for p in realdata(folder).rglob("*") if p.is_file() and p.suffix != ".md")
    with swchat.open(tmp_path / "real.db", create=True) as archive:
        archive.ingest(paths)
        posts = len(archive.posts(context=False))
        monkeypatch.setattr(exports, "SLICE_POSTS", max(posts // 7, 1))
        monkeypatch.setattr(exports, "SESSIONS_AT_A_TIME", 2)
        whole = _whole(archive, tmp_path / "whole", format=format)
        streamed = archive.export(tmp_path / "streamed", format=format)
    assert whole.rows["posts"] == posts > 1000 and whole.rows["edges"] > 1000
    _same_exports(streamed, whole, format, "files")
