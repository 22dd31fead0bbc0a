"""A big X v2, X v1.1 or Mastodon JSON-lines file, or a big TAGS, twarc-csv, rtweet, Twitter Archiver
or mapped CSV sheet, is read in stretches, by two worker processes taking them in turn
(``swchat.archive._stretches``, issue 14): the archive stores what one reader stores — posts with
their raw records, accounts, hashtags, rejected records, counts and notes — and a worker that fails or
dies leaves the archive as it was. A twarc-csv post that needs a handle named before its stretch is
finished with it; a spreadsheet's notes count over the whole file, and its dates are read in the
order of day and month one reader would have learned by then; a CSV cut inside a record (a stray
quote misleading the count of quotes), or a sheet whose stretch read its dates otherwise, is read
again in one piece. The file's digest is taken in a thread while the workers read, their first
batches kept until it is known.
"""

from __future__ import annotations

import dataclasses
import gzip
import itertools
import os
import threading
from pathlib import Path

import orjson
import pytest
from test_lean_ingest import _dump, _imported

import swchat.archive as archive_module
from swchat.archive import Archive, _stretches
from swchat.errors import ArchiveError
from swchat.readers import base
from swchat.readers.base import Source
from swchat.readers.sheets import SCIENTIFIC_REASON
from swchat.readers.xv2 import FORMAT
from swchat.sample import ARCHIVER_COLUMNS


def _archive(paths: list[Path], db: Path, monkeypatch: pytest.MonkeyPatch, least: int | None,
             worker: bool = True, forgotten: tuple[str, ...] = (), before: Path | None = None,
             **options: str) -> dict:
    """The dump of an archive of ``paths`` read in stretches of ``least`` bytes or more (None: by
    one worker; ``worker`` False: in this process), and the stretches each file was cut into;
    with ``before``, that file is imported first and then the ``forgotten`` accounts forgotten;
    ``options`` go to the import (``format``, ``tz``, ``columns``)."""
    monkeypatch.setattr(archive_module, "_WORKER_MIN_BYTES", 0 if worker else None)
    monkeypatch.setattr(archive_module, "_STRETCH_BYTES", least)
    cut: list[int] = []

    def spy(source: Source, fmt) -> list[int] | None:
        found = _stretches(source, fmt)
        cut.append(1 if found is None else len(found) - 1)
        return found

    monkeypatch.setattr(archive_module, "_stretches", spy)
    dump = _imported(paths, db, forgotten, before, **options)
    dump["stretches"] = cut
    return dump


def _same(one: dict, other: dict) -> None:
    for table in ("posts", "accounts", "hashtags", "rejected", "sources"):
        assert one[table] == other[table], table


def test_the_stretches_cover_the_file_and_each_begins_a_line(sample_dir):
    path = sample_dir / "swchat-v2.jsonl"
    data = path.read_bytes()
    bounds = _stretches(Source.from_arg(path), FORMAT, 20_000)
    # 1.1 MB in stretches of an eighth (the last one shorter: each begins after a newline)
    assert bounds is not None and len(bounds) - 1 in (archive_module._MOST_STRETCHES - 1, archive_module._MOST_STRETCHES)
    assert bounds[0] == 0 and bounds[-1] == len(data) and bounds == sorted(set(bounds))
    assert all(data[start - 1:start] == b"\n" for start in bounds[1:-1])
    assert _stretches(Source.from_arg(path), FORMAT, len(data) // 2 + 1) is None  # not two stretches long
    assert _stretches(Source.from_arg(path), dataclasses.replace(FORMAT, stretches=None), 20_000) is None
    gz = Source.from_bytes(gzip.compress(data))
    assert _stretches(gz, FORMAT, 20_000) is None  # not a file: standard input, or bytes


def test_the_lines_of_a_stretch_keep_their_numbers(tmp_path):
    path = tmp_path / "lines.jsonl"
    path.write_bytes(b"".join(b'{"n": %d}\n' % n for n in range(1, 101)))
    bounds = _stretches(Source.from_arg(path), FORMAT, 200)
    assert bounds is not None
    numbered = []
    for k in range(len(bounds) - 1):
        first = path.read_bytes()[:bounds[k]].count(b"\n") + 1
        part = Source.from_arg(path).stretch(bounds[k], bounds[k + 1], first)
        numbered += [(n, orjson.loads(line)["n"]) for n, line in part.lines()]
        assert part.bytes_read == bounds[k + 1]
    assert numbered == [(n, n) for n in range(1, 101)]


def test_the_sample_in_stretches_stores_what_one_reader_stores(sample_dir, tmp_path, monkeypatch):
    paths = [sample_dir / "swchat-v2.jsonl"]
    one = _archive(paths, tmp_path / "one.db", monkeypatch, None)
    in_process = _archive(paths, tmp_path / "in-process.db", monkeypatch, None, worker=False)
    assert one["stretches"] == [1] and len(one["posts"]) > 1000
    _same(one, in_process)
    for least in (20_000, 300_000):  # seven stretches; four
        stretched = _archive(paths, tmp_path / f"s{least}.db", monkeypatch, least)
        assert stretched["stretches"] == [7 if least == 20_000 else 4]
        _same(one, stretched)


def test_forgotten_accounts_are_left_out_the_same_in_stretches(sample_dir, tmp_path, monkeypatch):
    path = sample_dir / "swchat-v2.jsonl"
    author = orjson.loads(path.read_bytes().splitlines()[0])["data"][0]["author_id"]
    before = sample_dir / "swchat-v1.jsonl"  # the same chat: the account is in the archive to be forgotten
    one = _archive([path], tmp_path / "one.db", monkeypatch, None, forgotten=(author,), before=before)
    stretched = _archive([path], tmp_path / "stretched.db", monkeypatch, 20_000, forgotten=(author,), before=before)
    assert stretched["stretches"][-1] == 7
    _same(one, stretched)
    assert one["posts"] and all(row[4] != author for row in one["posts"])
    assert all(row[1] != author for row in one["accounts"])


def test_a_reader_that_breaks_off_loses_only_the_rest_of_its_stretch(sample_dir, tmp_path, monkeypatch):
    """A reader that fails on something it did not foresee stops where it was: the rest of that
    stretch is one rejected record saying so, and the other stretches are read."""
    from swchat.readers import xv2

    path = sample_dir / "swchat-v2.jsonl"
    whole = _archive([path], tmp_path / "whole.db", monkeypatch, 20_000)
    reading = xv2._page_items

    def breaking(lineno, *args, **kwargs):
        if lineno == 7:
            raise RuntimeError("an unforeseen shape")
        return reading(lineno, *args, **kwargs)

    monkeypatch.setattr(xv2, "_page_items", breaking)
    stretched = _archive([path], tmp_path / "stretched.db", monkeypatch, 20_000)
    [(_, _, _, line, reason, _)] = stretched["rejected"]
    assert line == 7 and reason.startswith("reading stopped after line 6 (RuntimeError: an unforeseen shape); "
                                             "the rest of this stretch of the file, to byte ")
    (_, _, _, read, added, duplicates, rejected, _, _, _), = stretched["sources"]
    assert read == added + duplicates + rejected and rejected == 1
    (_, _, _, _, added_whole, _, _, _, _, _), = whole["sources"]
    data = path.read_bytes()
    end = next(b for b in _stretches(Source.from_arg(path), FORMAT, 20_000) if data[:b].count(b"\n") >= 7)
    lost = data[:end].splitlines()[6:]  # line 7 to its stretch's end; the stretches after it are read
    assert end < len(data) and added == added_whole - sum(len(orjson.loads(line)["data"]) for line in lost)


@pytest.mark.realdata
def test_real_v2_exports_in_stretches_store_what_one_reader_stores(realdata, tmp_path, monkeypatch):
    """Every real X v2 export, one after the other and then again, in one file cut into 30 or so
    stretches: real pages repeat users with other profiles and posts with other counts, in
    stretches of both workers; the newest profile and the first copy of a post are kept either
    way, and the lines that are no posts (user lookups, lists, compliance results) are rejected
    at the same lines."""
    paths = sorted(p for p in realdata("x-v2-twarc").rglob("*.jsonl") if p.is_file())
    joined = tmp_path / "all.jsonl"
    joined.write_bytes(b"".join(p.read_bytes().rstrip(b"\n") + b"\n" for p in paths * 2))
    monkeypatch.setattr(archive_module, "_MOST_STRETCHES", 64)
    one = _archive([joined], tmp_path / "one.db", monkeypatch, None)
    stretched = _archive([joined], tmp_path / "stretched.db", monkeypatch, 20_000)
    assert stretched["stretches"][0] >= 30 and len(one["posts"]) > 1000 and len(one["accounts"]) > 1000
    assert one["rejected"]
    _same(one, stretched)


def test_x_v1_json_lines_in_stretches_and_a_json_document_never_cut(sample_dir, tmp_path, monkeypatch):
    """X v1.1 tweets come as JSON lines (read in stretches) or as one JSON document over many
    lines, which cutting at a newline would break: a document is read whole."""
    from swchat.readers import xv1

    path = sample_dir / "swchat-v1.jsonl"
    one = _archive([path], tmp_path / "one.db", monkeypatch, None)
    stretched = _archive([path], tmp_path / "stretched.db", monkeypatch, 20_000)
    assert stretched["stretches"][0] >= 7 and len(one["posts"]) > 1000
    _same(one, stretched)
    tweets = [orjson.loads(line) for line in path.read_bytes().splitlines()]
    document = tmp_path / "tweets.json"
    document.write_bytes(orjson.dumps(tweets, option=orjson.OPT_INDENT_2))
    assert document.read_bytes().count(b"\n") > 10_000 and document.stat().st_size > 40_000
    assert _stretches(Source.from_arg(document), xv1.FORMAT, 20_000) is None
    whole = _archive([document], tmp_path / "document.db", monkeypatch, 20_000)
    assert whole["stretches"] == [1] and len(whole["posts"]) == len(one["posts"])


@pytest.mark.realdata
def test_real_v1_tweets_as_json_lines_in_stretches_store_what_one_reader_stores(realdata, tmp_path, monkeypatch):
    tweets = []
    for path in sorted(realdata("x-v1-tweepy").glob("*.json")):
        found = orjson.loads(path.read_bytes())
        tweets += found["statuses"] if isinstance(found, dict) else found
    lines = tmp_path / "tweets.jsonl"
    lines.write_bytes(b"".join(orjson.dumps(tweet) + b"\n" for tweet in tweets * 3))
    one = _archive([lines], tmp_path / "one.db", monkeypatch, None)
    stretched = _archive([lines], tmp_path / "stretched.db", monkeypatch, 5_000)
    assert stretched["stretches"][0] >= 7 and len(one["posts"]) >= len(tweets)
    _same(one, stretched)


def _page(n: int, errors: bool = False) -> bytes:
    tweet = {"id": str(1000 + n), "text": f"post {n} #SWChat", "author_id": str(n % 7),
             "created_at": f"2026-09-02T19:{n // 60 % 60:02d}:{n % 60:02d}.000Z"}
    page = {"data": [tweet], "includes": {"users": [{"id": str(n % 7), "username": f"user{n % 7}"}]}}
    if errors:
        page["errors"] = [{"title": "Not Found Error", "detail": f"tweet {n} gone"}]
    return orjson.dumps(page) + b"\n"


def test_rejected_lines_notes_and_long_lines_across_stretches(tmp_path, monkeypatch):
    """Rejected records keep their line numbers, a file's first 50 reader notes are kept (not
    50 a stretch), and one note counts the lines over the size limit of the whole file."""
    monkeypatch.setattr(base, "LINE_LIMIT", 600)
    lines = []
    for n in range(1, 401):
        if n % 37 == 0:
            lines.append(b"{not json\n")
        elif n % 90 == 0:
            lines.append(b'{"data": [], "pad": "' + b"x" * 700 + b'"}\n')  # over the limit
        else:
            lines.append(_page(n, errors=n % 3 == 0))
    path = tmp_path / "pages.jsonl"
    path.write_bytes(b"".join(lines))
    one = _archive([path], tmp_path / "one.db", monkeypatch, None)
    stretched = _archive([path], tmp_path / "stretched.db", monkeypatch, 3_000)
    assert stretched["stretches"] == [8]
    _same(one, stretched)
    rejected_lines = [row[3] for row in stretched["rejected"]]
    assert rejected_lines == sorted([n for n in range(1, 401) if n % 37 == 0] + [90, 180, 270, 360])
    (_, _, _, read, added, duplicates, rejected, _, _, notes), = stretched["sources"]
    assert (read, added, duplicates, rejected) == (400, 400 - len(rejected_lines), 0, len(rejected_lines))
    notes = orjson.loads(notes)
    assert sum(note.startswith("line ") for note in notes) == 50
    assert notes[-1].startswith(f"{path}: 4 line(s) or record(s) over the size limit") and "(at 90, 180, 270, 360)" in notes[-1]


def test_a_failing_or_dying_reader_process_leaves_the_archive_as_it_was(sample_dir, tmp_path, monkeypatch):
    path = sample_dir / "swchat-v2.jsonl"
    db = tmp_path / "a.db"
    with Archive(db) as archive:
        archive.ingest([str(sample_dir / "swchat-v1.jsonl")])
    before = _dump(db)
    monkeypatch.setattr(archive_module, "_WORKER_MIN_BYTES", 0)
    monkeypatch.setattr(archive_module, "_STRETCH_BYTES", 20_000)
    reading = archive_module._stretch_batches

    def failing(source, fmt, bounds, index, count):
        for kind, payload in reading(source, fmt, bounds, index, count):
            yield kind, payload
            if kind == archive_module._STRETCH and payload == 5:  # the second worker, after its third stretch
                raise RuntimeError("the disk went away")

    monkeypatch.setattr(archive_module, "_stretch_batches", failing)
    with Archive(db) as archive, pytest.raises(RuntimeError, match="the disk went away"):
        archive.ingest([str(path)])
    assert _dump(db) == before

    def dying(source, fmt, bounds, index, count):
        for kind, payload in reading(source, fmt, bounds, index, count):
            yield kind, payload
            if kind == archive_module._STRETCH and payload == 2:  # the first worker, after its second
                os._exit(3)

    monkeypatch.setattr(archive_module, "_stretch_batches", dying)
    with Archive(db) as archive, pytest.raises(ArchiveError, match=r"stopped part-way \(exit code 3\)"):
        archive.ingest([str(path)])
    assert _dump(db) == before


def test_progress_reaches_the_end_of_the_file_in_order(sample_dir, tmp_path, monkeypatch):
    monkeypatch.setattr(archive_module, "_WORKER_MIN_BYTES", 0)
    monkeypatch.setattr(archive_module, "_STRETCH_BYTES", 20_000)
    path = sample_dir / "swchat-v2.jsonl"
    seen: list[int] = []
    with Archive(tmp_path / "p.db") as archive:
        archive.ingest([str(path)], progress=lambda source, name: seen.append)
    assert seen == sorted(seen) and seen[-1] == path.stat().st_size and len(seen) >= 7  # at each stretch's end


# -- CSV files: cut where a record ends, each stretch after the first read after the header ------

def _spy_whole(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """The ``whole`` of each :func:`swchat.archive._batches` call (True: read again in one piece)."""
    calls: list[bool] = []
    batches = archive_module._batches

    def spy(source: Source, fmt, whole: bool = False):
        calls.append(whole)
        return batches(source, fmt, whole)

    monkeypatch.setattr(archive_module, "_batches", spy)
    return calls


def _both(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, least: int, most: int | None = None,
          **options: str) -> tuple[dict, dict, list[bool]]:
    """The dumps of ``path`` read by one reader and in stretches of ``least`` bytes or more (at
    most ``most`` of them), and whether each reading was one piece (see :func:`_spy_whole`)."""
    if most is not None:
        monkeypatch.setattr(archive_module, "_MOST_STRETCHES", most)
    one = _archive([path], tmp_path / "one.db", monkeypatch, None, **options)
    whole = _spy_whole(monkeypatch)
    stretched = _archive([path], tmp_path / "stretched.db", monkeypatch, least, **options)
    return one, stretched, whole


def test_csv_cuts_fall_where_records_end_by_the_count_of_quotes():
    import csv
    import io
    import itertools

    rows = [["id", "text"]] + [[str(n), f'line one\r\nline "{n}" two' if n % 3 else f"plain {n}"] for n in range(300)]
    out = io.StringIO()
    csv.writer(out).writerows(rows)  # CRLF line ends, quoted fields over two lines, quotes doubled
    data = out.getvalue().encode()
    bounds = archive_module._csv_cuts(io.BytesIO(data), len(data), 500)
    assert bounds is not None and len(bounds) > 10 and bounds[-1] == len(data)
    pieces = [data[a:b].decode() for a, b in itertools.pairwise(bounds)]
    assert [row for piece in pieces for row in csv.reader(io.StringIO(piece, newline=""))] == rows
    assert all(piece.endswith("\r\n") for piece in pieces)
    lone = data.replace(b"plain 6\r\n", b"plain 6\r", 1)  # a line ended by a carriage return alone
    assert archive_module._csv_cuts(io.BytesIO(lone), len(lone), 500) is None


def test_a_tags_sheet_in_stretches_stores_what_one_reader_stores(sample_dir, tmp_path, monkeypatch):
    """The sample's TAGS sheet (quotes in every row, a few texts over several lines) with bad rows spread
    through it: the posts, accounts and rejected rows (at their lines) are the same read in eight
    stretches as by one reader."""
    lines = (sample_dir / "swchat-tags.csv").read_bytes().splitlines(keepends=True)
    for at in (900, 600, 300, 5):
        lines.insert(at, b"123,only three,fields\n")
    path = tmp_path / "tags.csv"
    path.write_bytes(b"".join(lines))
    whole = _spy_whole(monkeypatch)
    one = _archive([path], tmp_path / "one.db", monkeypatch, None)
    stretched = _archive([path], tmp_path / "stretched.db", monkeypatch, 20_000)
    assert stretched["stretches"] == [8] and whole == [False, False] and len(one["posts"]) > 1000
    assert [reason for _, _, _, _, reason, _ in one["rejected"]] == ["expected 18 fields, found 3"] * 4
    assert one["rejected"][0][3] == 6
    _same(one, stretched)


def _twarc_csv(pages: Path, out: Path, *, named: bool = True) -> Path:
    """The tweets of X v2 pages as a twarc-csv export (some of its columns): each author's
    description over two lines (a quoted field), list columns as JSON (quotes doubled). Without
    ``named``, retweets and replies leave ``retweeted_username`` and ``in_reply_to_username``
    empty: the reader takes those handles from the earlier rows that named the accounts."""
    import csv

    header = ["id", "created_at", "text", "author_id", "author.username", "author.description",
              "referenced_tweets.replied_to.id", "referenced_tweets.retweeted.id", "referenced_tweets.quoted.id",
              "in_reply_to_user_id", "in_reply_to_username", "retweeted_user_id", "retweeted_username",
              "entities.hashtags", "__twarc.retrieved_at"]
    with out.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        for line in pages.read_bytes().splitlines():
            try:
                page = orjson.loads(line)
            except orjson.JSONDecodeError:  # a line cut short
                continue
            if not isinstance(page, dict) or not isinstance(page.get("data"), list):
                continue  # not a page of tweets (users, counts, a flattened tweet)
            users = {u["id"]: u for u in page.get("includes", {}).get("users", [])}
            tweets = {t["id"]: t for t in page.get("includes", {}).get("tweets", [])}
            for tweet in page["data"]:
                refs = {r["type"]: r["id"] for r in tweet.get("referenced_tweets", [])}
                rt_author = tweets.get(refs.get("retweeted", ""), {}).get("author_id", "")
                parent = users.get(tweet.get("in_reply_to_user_id", ""), {}).get("username", "")
                author = users.get(tweet.get("author_id", ""), {}).get("username", "")
                writer.writerow([
                    tweet.get("id", ""), tweet.get("created_at", ""), tweet.get("text", "").replace("\n", "\\n"),
                    tweet.get("author_id", ""),
                    author, f"Social worker\n{author}", refs.get("replied_to", ""), refs.get("retweeted", ""),
                    refs.get("quoted", ""), tweet.get("in_reply_to_user_id", ""), parent if named else "",
                    rt_author, users.get(rt_author, {}).get("username", "") if named else "",
                    orjson.dumps(tweet.get("entities", {}).get("hashtags", [])).decode(),
                    "2026-11-15T21:31:56+00:00"])
    return out


def test_a_twarc_csv_export_in_stretches_stores_what_one_reader_stores(sample_dir, tmp_path, monkeypatch):
    path = _twarc_csv(sample_dir / "swchat-v2.jsonl", tmp_path / "twarc.csv")
    whole = _spy_whole(monkeypatch)
    one = _archive([path], tmp_path / "one.db", monkeypatch, None)
    stretched = _archive([path], tmp_path / "stretched.db", monkeypatch, 20_000)
    assert stretched["stretches"][0] >= 7 and whole == [False, False] and len(one["posts"]) > 1000
    retweets = [row for row in one["posts"] if row[8] == "retweet"]
    assert retweets and all(row[7].startswith("RT @") for row in retweets)
    _same(one, stretched)


def test_handles_named_only_before_a_stretch_are_given_to_its_posts(sample_dir, tmp_path, monkeypatch):
    """Without ``retweeted_username`` and ``in_reply_to_username``, a retweet's text and a reply's
    parent handle come from the rows before it that named the account: a stretch's reader leaves
    such a post pending when its own rows did not name it, says at its end what they named, and
    the archive finishes the post with what the stretches before it named — as one reader does."""
    from swchat.readers import twarc_csv
    from swchat.readers.base import Learned, Pending

    path = _twarc_csv(sample_dir / "swchat-v2.jsonl", tmp_path / "twarc.csv", named=False)
    bounds = _stretches(Source.from_arg(path), twarc_csv.FORMAT, 20_000)
    assert bounds is not None
    header = archive_module._csv_header(path)
    data = path.read_bytes()
    earlier: dict[str, str] = {}  # what the rows of stretches 0-2 named
    for k in range(4):
        line = data[:bounds[k]].count(b"\n") + 1
        part = Source.from_arg(path).stretch(bounds[k], bounds[k + 1], line, header if k else b"", True)
        items = list(twarc_csv.read_lean(part))
        assert isinstance(items[-1], Learned) and items[-1].state
        if k < 3:
            earlier.update(items[-1].state)
    pending = [i for i in items if isinstance(i, Pending)]
    assert pending and any(i.key in earlier for i in pending)
    one = _archive([path], tmp_path / "one.db", monkeypatch, None)
    whole = _spy_whole(monkeypatch)
    stretched = _archive([path], tmp_path / "stretched.db", monkeypatch, 20_000)
    assert whole == [False]  # not read again
    _same(one, stretched)
    posts = {row[1]: row for row in one["posts"]}
    finished = [posts[i.values[1]] for i in pending]
    # a merged retweet's text starts with the retweeted handle; a reply names its parent's handle
    assert any(row[8] == "retweet" and row[7].startswith("RT @") for row in finished)
    assert any(row[8] == "reply" and row[12] for row in finished)


@pytest.mark.realdata
def test_real_tweets_as_twarc_csv_in_stretches_store_what_one_reader_stores(realdata, tmp_path, monkeypatch):
    """The tweets of every real X v2 export (texts over several lines, quotes, emoji), twice over,
    as a twarc-csv file without the retweeted and replied-to handles, in some 30 stretches."""
    paths = sorted(p for p in realdata("x-v2-twarc").rglob("*.jsonl") if p.is_file())
    pages = tmp_path / "all.jsonl"
    pages.write_bytes(b"".join(p.read_bytes().rstrip(b"\n") + b"\n" for p in paths * 2))
    path = _twarc_csv(pages, tmp_path / "twarc.csv", named=False)
    monkeypatch.setattr(archive_module, "_MOST_STRETCHES", 64)
    one = _archive([path], tmp_path / "one.db", monkeypatch, None)
    whole = _spy_whole(monkeypatch)
    stretched = _archive([path], tmp_path / "stretched.db", monkeypatch, 20_000)
    assert stretched["stretches"][0] >= 30 and len(one["posts"]) > 1000 and whole == [False]
    _same(one, stretched)


def test_a_pending_post_that_cannot_be_finished_has_the_file_read_in_one_piece(sample_dir, tmp_path, monkeypatch):
    from swchat.readers.base import StretchMisfit

    path = _twarc_csv(sample_dir / "swchat-v2.jsonl", tmp_path / "twarc.csv", named=False)
    one = _archive([path], tmp_path / "one.db", monkeypatch, None)

    def refusing(self, parts, key, line):
        raise StretchMisfit(f"line {line}")

    monkeypatch.setattr(archive_module._Writer, "resolved", refusing)
    whole = _spy_whole(monkeypatch)
    stretched = _archive([path], tmp_path / "stretched.db", monkeypatch, 20_000)
    assert whole == [False, True]
    _same(one, stretched)


def test_a_stray_quote_that_misleads_the_cuts_has_the_file_read_in_one_piece(sample_dir, tmp_path, monkeypatch):
    """A quote inside an unquoted field (a sheet written by hand) is text to the CSV reader but
    turns the count of quotes: a cut then falls inside a record. The reader of that stretch finds
    that a record goes on past its end, and the file is read again in one piece."""
    lines = (sample_dir / "swchat-tags.csv").read_bytes().splitlines(keepends=True)
    stray = next(i for i, line in enumerate(lines) if i > 1 and line.count(b",NA,NA,NA,NA,") and b'"' not in
                 line.split(b",")[2])
    cells = lines[stray].split(b",")
    cells[2] = cells[2] + b' said "hi'  # text, to the csv module
    lines[stray] = b",".join(cells)
    path = tmp_path / "tags.csv"
    path.write_bytes(b"".join(lines))
    one = _archive([path], tmp_path / "one.db", monkeypatch, None)
    whole = _spy_whole(monkeypatch)
    stretched = _archive([path], tmp_path / "stretched.db", monkeypatch, 20_000)
    _same(one, stretched)
    assert whole == [False, True]


@pytest.mark.realdata
def test_a_real_tags_sheet_in_stretches_stores_what_one_reader_stores(realdata, tmp_path, monkeypatch):
    one, stretched, _ = _both(realdata("tags-sheet", "sample-data.csv"), tmp_path, monkeypatch, 500, 16)
    assert stretched["stretches"][0] >= 8 and one["posts"]
    _same(one, stretched)


def test_any_csv_read_in_stretches_gives_the_records_of_one_reading_or_a_misfit():
    """Whatever the rows hold (quotes, commas, line ends of either kind inside quoted fields,
    quotes inside unquoted fields, blank lines), the records of the stretches, each after the
    header, are those of the whole file at the same lines — or a stretch says it cannot be read
    alone (:class:`~swchat.readers.base.StretchMisfit`), and the file is read in one piece."""
    import tempfile

    from hypothesis import given, settings
    from hypothesis import strategies as st

    from swchat.readers.base import StretchMisfit
    from swchat.readers.xcommon import csv_records

    field = st.lists(st.sampled_from(['a', 'é', ' ', ',', '"', '\n', '\r\n', '1']), max_size=12).map("".join)
    quoted = field.map(lambda f: '"' + f.replace('"', '""') + '"')
    plain = st.text(alphabet=['a', 'b', ' ', '"', '9'], max_size=8)  # a stray quote is text here
    row = st.lists(st.one_of(quoted, plain), min_size=1, max_size=4).map(",".join)
    lines = st.lists(st.one_of(row, st.just("")), min_size=2, max_size=40)

    @settings(max_examples=150, deadline=None)
    @given(lines, st.sampled_from(["\n", "\r\n"]), st.integers(min_value=4, max_value=60))
    def check(rows: list[str], end: str, step: int) -> None:
        data = ("id,text" + end + end.join(rows) + end).encode()
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "sheet.csv"
            path.write_bytes(data)
            whole = [(n, r) for n, r in csv_records(Source.from_arg(path))]
            with path.open("rb") as stream:
                bounds = archive_module._csv_cuts(stream, len(data), step)
            if bounds is None:
                return
            header = archive_module._csv_header(path)
            parts: list = []
            try:
                for k in range(len(bounds) - 1):
                    if k and bounds[k] < len(header):
                        raise StretchMisfit("the header goes on past a cut")
                    line = data[:bounds[k]].count(b"\n") + 1
                    part = Source.from_arg(path).stretch(bounds[k], bounds[k + 1], line, header if k else b"",
                                                         k + 2 < len(bounds))
                    records = list(csv_records(part))
                    parts += records if not k else records[1:]  # the header read again
            except StretchMisfit:
                return
            assert parts == whole

    check()


def test_mastodon_json_lines_in_stretches_store_what_one_reader_stores(sample_dir, tmp_path, monkeypatch):
    """Each status a line, replies before their parents (newest first): a stretch learns the
    local ids of the whole file, so a reply whose parent is in another stretch still names the
    parent's URI."""
    path = sample_dir / "swchat-mastodon.jsonl"
    one = _archive([path], tmp_path / "one.db", monkeypatch, None)
    in_process = _archive([path], tmp_path / "in-process.db", monkeypatch, None, worker=False)
    assert len(one["posts"]) > 100
    _same(one, in_process)
    for least in (5_000, 20_000):
        stretched = _archive([path], tmp_path / f"s{least}.db", monkeypatch, least)
        assert stretched["stretches"] == [8]
        _same(one, stretched)
    replies = [row for row in one["posts"] if row[8] == "reply"]  # their parents' URIs, not placeholders
    assert replies and all("/api/v1/statuses/" not in row[10] for row in replies)


def test_direct_messages_and_broken_lines_across_mastodon_stretches(sample_dir, tmp_path, monkeypatch):
    """Direct messages in several stretches are left out and counted in one note, the file's
    last, and broken lines (not JSON, no status, over the size limit) are rejected at their
    lines, as when one reader reads the file."""
    monkeypatch.setattr(base, "LINE_LIMIT", 3_000)
    lines = (sample_dir / "swchat-mastodon.jsonl").read_bytes().splitlines()
    for at in (3, 40, 90, len(lines) - 2):
        status = orjson.loads(lines[at])
        status["visibility"] = "direct"
        lines[at] = orjson.dumps(status)
    broken = {10: b'{"id": "1", "uri": ', 55: b'[5]', 70: b'{"acct": "nobody"}',
              100: b'{"id": "2", "uri": "https://a.example/s/2", "pad": "' + b"x" * 3_000 + b'"}'}
    for at, line in broken.items():
        lines.insert(at, line)
    path = tmp_path / "statuses.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    one = _archive([path], tmp_path / "one.db", monkeypatch, None)
    stretched = _archive([path], tmp_path / "stretched.db", monkeypatch, 5_000)
    assert stretched["stretches"] == [8]
    _same(one, stretched)
    assert [row[3] for row in stretched["rejected"]] == [at + 1 for at in sorted(broken)]
    notes = orjson.loads(stretched["sources"][0][-1])
    assert "4 direct message(s) left out: private conversations are not imported" in notes
    assert sum("direct message" in note for note in notes) == 1


def test_a_process_learns_a_mastodon_file_once_for_its_stretches(sample_dir, tmp_path):
    """The archive's worker reads several stretches of a file, each needing what the whole file
    says: learnt once, and learnt again when the file changes."""
    from swchat.readers import mastodon

    path = tmp_path / "statuses.jsonl"
    data = (sample_dir / "swchat-mastodon.jsonl").read_bytes()
    path.write_bytes(data)
    whole = Source.from_arg(path)
    head = whole.head()
    first, second = whole.stretch(0, 5_000, 1), whole.stretch(5_000, len(data), 2)  # (bounds not at lines: unread)
    index = mastodon._whole_file_index(first, head)
    assert mastodon._whole_file_index(second, head) is index
    assert len(index.uri) == len(mastodon._learn_file(whole, head).uri) > 100
    path.write_bytes(data + data.splitlines(keepends=True)[0].replace(b'"id":"', b'"id":"9'))
    renewed = mastodon._whole_file_index(first, head)
    assert renewed is not index and len(renewed.uri) == len(index.uri) + 1


def _mastodon_lines() -> list[bytes]:
    """Mastodon JSON lines whose index is learnt from every part of the file: replies before and
    after their parents, the server told by the first local account's address, a tag's server
    further on, an account met first without a url, uri or acct (its actor learnt before the
    account is), an actor only a later status gives, a /context response (its root), direct
    messages, a recording that deletes a status, a local id given twice, a byte-order mark and
    blank and broken lines."""
    host = "chat.example"

    def acct(aid: str, name: str, *, local: bool = True, **extra: object) -> dict:
        return {"id": aid, "username": name, "acct": name if local else f"{name}@far.example",
                "url": f"https://{host if local else 'far.example'}/@{name}", **extra}

    def status(sid: str, author: dict, parent: str | None = None, **extra: object) -> dict:
        server = host if "@" not in author.get("acct", "") else "far.example"
        return {"id": sid, "uri": f"https://{server}/users/{author.get('username', 'x')}/statuses/{sid}",
                "created_at": f"2026-09-02T19:{int(sid) % 60:02d}:00Z", "content": f"<p>post {sid}</p>",
                "in_reply_to_id": parent, "in_reply_to_account_id": None, "visibility": "public",
                "account": author, **extra}

    far = acct("7", "far", local=False)
    nameless = {"id": "8", "uri": "https://far.example/users/ghost"}  # no url nor acct: learnt from its uri
    values: list[object] = [  # (the server is told by a local account's url: the first one wins)
        status("30", far, "20"),  # a reply before its parent
        status("38", {**acct("5", "early"), "url": "https://web.chat.example/@early"}),  # the server, first told
        status("24", far),  # a local id given again later (the latest status wins)
        status("35", {"id": "6", "acct": ""}),  # no url, uri nor acct: its actor (from the status) only
        status("31", {"id": "9", "url": "https://far.example/@nine"}),  # learnt, without an actor
        status("32", {"id": "9", "acct": ""}),  # its first actor
        status("33", nameless),
        status("34", far, None, visibility="direct"),
        status("20", acct("1", "host"), None, tags=[{"name": "swchat", "url": f"https://{host}/tags/swchat"}]),
        {"ancestors": [status("10", acct("1", "host"))], "descendants": [status("11", far, "10")]},
        status("21", {"id": "9", "acct": "nine", "username": "nine", "url": f"https://{host}/@nine"}, "30"),
        status("36", {"id": "6", "url": f"https://{host}/@six"}),
        status("37", {**far, "uri": "https://far.example/users/far"}),  # its actor, given late
        {"DELETE https://chat.example/api/v1/statuses/33": {}},
        status("22", acct("2", "ann", uri=f"https://{host}/users/ann"), "21"),
        status("23", far, "22", visibility="direct"),
        status("24", acct("2", "ann"), "99"),
    ]
    lines = [orjson.dumps(value) for value in values]
    lines[6] = b"\xef\xbb\xbf" + lines[6]  # a BOM where two files were joined: not JSON there
    lines[5:5] = [b"", b"not json", b"[5]"]
    return lines


def test_a_mastodon_file_s_index_learnt_in_stretches_is_one_pass_s(tmp_path):
    """Learnt stretch by stretch and added up (mastodon._merged), the index is the one one pass
    over the file learns: cut at every line, and in three at every pair of lines."""
    from swchat.readers import mastodon

    data = b"\n".join(_mastodon_lines()) + b"\n"
    path = tmp_path / "statuses.jsonl"
    path.write_bytes(data)
    source = Source.from_arg(path)
    head = source.head()
    one_pass = mastodon._learn_file(source, head)
    assert one_pass.deleted and one_pass.private == 2 and one_pass.docs and one_pass.early_actors
    assert one_pass.authors["9"].actor == "https://chat.example/users/x" and one_pass.server == "web.chat.example"
    assert one_pass.authors["7"].actor == "https://far.example/users/far"
    assert one_pass.uri["24"].startswith("https://chat.example/")
    starts = [0] + [i + 1 for i, byte in enumerate(data) if byte == 10]  # every line's start, and the end
    cuts = [[a] for a in starts[1:-1]] + [[a, b] for a in starts[1:-1] for b in starts if b > a and b < len(data)]
    for inner in cuts:
        bounds = [0, *inner, len(data)]
        parts = [mastodon._learn_stretch(source, head, a, b) for a, b in itertools.pairwise(bounds)]
        assert mastodon._merged(parts) == one_pass, inner


def test_a_mastodon_file_is_learnt_once_for_the_readers_of_its_stretches(sample_dir, tmp_path, monkeypatch):
    """The archive learns a Mastodon file before its readers start: they inherit the index and
    do not learn the file again (the import fails if they do), and this process forgets it."""
    from swchat.readers import mastodon
    from swchat.readers.detect import FORMATS

    path = sample_dir / "swchat-mastodon.jsonl"
    one = _archive([path], tmp_path / "one.db", monkeypatch, None)

    def never(source: Source, head: base.Head) -> None:
        raise AssertionError("a reader learnt the whole file again")

    def learn_then_forbid(source: Source, bounds: list[int]):
        forget = mastodon.learn_stretches(source, bounds)
        monkeypatch.setattr(mastodon, "_learn_file", never)  # for the readers forked next
        return forget

    monkeypatch.setitem(FORMATS, "mastodon", dataclasses.replace(mastodon.FORMAT, learn_stretches=learn_then_forbid))
    stretched = _archive([path], tmp_path / "stretched.db", monkeypatch, 5_000)
    assert stretched["stretches"] == [8]
    _same(one, stretched)
    assert mastodon._learned is None
    # what a reader learning the file again would meet: the test sees it
    monkeypatch.setitem(FORMATS, "mastodon", dataclasses.replace(mastodon.FORMAT, learn_stretches=None))
    relearnt = _archive([path], tmp_path / "relearnt.db", monkeypatch, 5_000)
    assert any("learnt the whole file again" in row[4] for row in relearnt["rejected"])


def test_a_malformed_mastodon_status_loses_only_itself_however_the_file_is_read(sample_dir, tmp_path, monkeypatch):
    """A status the index cannot learn from (mentions or tags that are a number) is rejected with
    its reason, and the rest of the file is imported: in this process, by one worker, and in
    stretches (whose index is learnt before the readers start). Before, learning it broke off and
    the whole file, or the whole stretch, was lost."""
    lines = (sample_dir / "swchat-mastodon.jsonl").read_bytes().splitlines()
    for at, key in ((0, "mentions"), (40, "tags")):
        status = orjson.loads(lines[at])
        status[key] = 5
        lines[at] = orjson.dumps(status)
    path = tmp_path / "statuses.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    in_process = _archive([path], tmp_path / "in-process.db", monkeypatch, None, worker=False)
    assert [(row[3], row[4].split(" (")[0]) for row in in_process["rejected"]] == [(1, "malformed status"),
                                                                                (41, "malformed status")]
    read, added, _, rejected = in_process["sources"][0][3:7]
    assert (read, rejected) == (len(lines), 2) and added > 100
    for least in (None, 5_000):
        other = _archive([path], tmp_path / f"s{least}.db", monkeypatch, least)
        _same(in_process, other)


def test_if_learning_a_mastodon_file_beforehand_fails_its_readers_learn_it(sample_dir, tmp_path, monkeypatch):
    from swchat.readers import mastodon
    from swchat.readers.detect import FORMATS

    path = sample_dir / "swchat-mastodon.jsonl"
    one = _archive([path], tmp_path / "one.db", monkeypatch, None)

    def failing(source: Source, bounds: list[int]):
        raise RuntimeError("no learning here")

    monkeypatch.setitem(FORMATS, "mastodon", dataclasses.replace(mastodon.FORMAT, learn_stretches=failing))
    stretched = _archive([path], tmp_path / "stretched.db", monkeypatch, 5_000)
    assert stretched["stretches"] == [8]
    _same(one, stretched)


@pytest.mark.realdata
def test_real_mastodon_statuses_as_json_lines_in_stretches(realdata, tmp_path, monkeypatch):
    """Real statuses one a line, a /context response, and a whole recording of API requests
    (which deletes statuses: that file is read in one piece): the archive of stretches is one
    reader's."""
    statuses, whole = [], []
    for path in sorted(realdata("mastodon-api").rglob("*.json")):
        found = orjson.loads(path.read_bytes())
        if isinstance(found, list):
            statuses += found
        elif "ancestors" in found or "id" in found:
            whole.append(found)
        else:
            recording = found
    lines = [orjson.dumps(value) for value in (*statuses, *whole)] * 3
    mastodon = tmp_path / "mastodon.jsonl"
    mastodon.write_bytes(b"\n".join(lines) + b"\n")
    deleting = tmp_path / "deleting.jsonl"
    deleting.write_bytes(b"\n".join([*lines, orjson.dumps(recording)]) + b"\n")
    for path in (mastodon, deleting):
        one = _archive([path], tmp_path / f"{path.stem}-one.db", monkeypatch, None)
        stretched = _archive([path], tmp_path / f"{path.stem}-stretched.db", monkeypatch, 20_000)
        assert stretched["stretches"][0] >= 4 and len(one["posts"]) > 40, path.stem
        _same(one, stretched)
        if path == deleting:  # read again in one piece: one note counts the whole file's deleted statuses
            notes = orjson.loads(stretched["sources"][0][-1])
            assert [note for note in notes if "deleted" in note] == [
                "55 status(es) left out: the recording shows them deleted (DELETE /api/v1/statuses/:id)"]


def test_the_digest_is_taken_beside_the_workers_and_the_archive_is_the_same(sample_dir, tmp_path, monkeypatch):
    import hashlib
    import time

    paths = [sample_dir / "swchat-v2.jsonl"]
    in_process = _archive(paths, tmp_path / "in-process.db", monkeypatch, None, worker=False)
    hashed_by = []
    sha256 = Source.sha256

    def slow(source: Source) -> str:  # slow enough for the workers to send batches meanwhile
        hashed_by.append(threading.current_thread().name)
        time.sleep(0.3)
        return sha256(source)

    monkeypatch.setattr(Source, "sha256", slow)
    stretched = _archive(paths, tmp_path / "stretched.db", monkeypatch, 20_000)
    assert hashed_by == ["swchat-digest"]  # a thread of its own, once
    _same(in_process, stretched)  # digest and origins included
    assert stretched["sources"][0][1] == hashlib.sha256(paths[0].read_bytes()).hexdigest()


def test_a_digest_that_fails_leaves_the_archive_as_it_was(sample_dir, tmp_path, monkeypatch):
    def failing(source: Source) -> str:
        raise OSError("the disk went away")

    monkeypatch.setattr(archive_module, "_WORKER_MIN_BYTES", 0)
    monkeypatch.setattr(archive_module, "_STRETCH_BYTES", 20_000)
    monkeypatch.setattr(Source, "sha256", failing)
    with Archive(tmp_path / "a.db") as archive:
        result = archive.ingest([sample_dir / "swchat-v2.jsonl"])
        assert "could not be read (the disk went away); nothing from it was kept" in result.files[0].error
        assert archive.db.execute("SELECT count(*) FROM posts").fetchone()[0] == 0
        assert archive.db.execute("SELECT count(*) FROM sources").fetchone()[0] == 0


@pytest.mark.parametrize("busy", [True, False])
def test_batches_wait_for_the_digest_ten_batches_at_most(busy):
    taken = []

    def batches():
        for n in range(30):
            taken.append(n)
            yield (archive_module._POSTS if n % 3 else archive_module._PROGRESS), n

    digest = archive_module._Digest(Source.from_bytes(b""), None)
    digest.busy = lambda: busy  # type: ignore[method-assign]
    out = []
    for item in digest.after(batches()):
        out.append((item[1], len(taken)))
    assert [n for n, _ in out] == list(range(30))  # all of them, in order
    # while hashing, the first is written once ten batches (and the progress between) are in
    assert out[0][1] == (15 if busy else 1)


# ----------------------------------------------------------------------------- spreadsheets

def _archiver_sheet(rows: int = 400, *, taught_at: int = 0) -> bytes:
    """A Twitter Archiver sheet as a UK spreadsheet saves it: a BOM, Excel's ``sep=;`` line, ``;``
    between fields, CRLF, texts over two lines, padding rows, two ids Excel rounded, dates day
    first (``14/03/2016 20:05``; a tweet's own time comes from its id), one in 25 an hour off its
    id. The accounts' ``User Since`` dates are all ambiguous (``03/04/2010``) but the one of row
    ``taught_at``, which says the sheet is day first (``18/08/2010``)."""
    import csv
    import io
    from datetime import UTC, datetime, timedelta

    start = datetime(2016, 3, 10, 0, 5, tzinfo=UTC)
    out = io.StringIO()
    out.write("sep=;\r\n")
    sheet = csv.writer(out, delimiter=";", lineterminator="\r\n")
    sheet.writerow(ARCHIVER_COLUMNS)
    for i in range(rows):
        when = start + timedelta(hours=i)
        ms = int(when.timestamp() * 1000)
        tweet_id = str(((ms - 1288834974657) << 22) + i) if i not in (100, 250) else "7.03308E+17"
        shown = when + timedelta(hours=1) if i % 25 == 7 else when
        author = i % 20
        since = "18/08/2010" if i == taught_at else f"{author % 9 + 1:02d}/{author % 9 + 2:02d}/2010"
        text = (f"A{i % 9 + 1} line one\r\nline two; \"quoted\" #SWChat" if i % 7 == 3
                else f"Q{i % 9 + 1} @user{(i + 1) % 20} #SWChat https://t.co/x{i}")
        sheet.writerow([shown.strftime("%d/%m/%Y %H:%M"), f"@user{author}", f"User {author}", text, tweet_id,
                        "Twitter Web Client", str(100 + author), "50", "0", str(i % 3), "No", since, "Leeds",
                        f"Bio of user {author}"])
        if i % 40 == 39:
            sheet.writerow([""] * len(ARCHIVER_COLUMNS))
    return b"\xef\xbb\xbf" + out.getvalue().encode()


def test_a_twitter_archiver_sheet_in_stretches_stores_what_one_reader_stores(tmp_path, monkeypatch):
    """Sixteen stretches of a sheet with Excel's habits: the posts, accounts, rejected rows and the
    notes of the whole file (rows skipped, times read as UTC, times taken from the ids, times off
    their ids) are one reader's; each stretch learns from the file's first rows that its dates are
    day first, so none is read again."""
    path = tmp_path / "archiver.csv"
    path.write_bytes(_archiver_sheet())
    one, stretched, whole = _both(path, tmp_path, monkeypatch, 4_000, 16)
    assert stretched["stretches"] == [16] and whole == [False]
    _same(one, stretched)
    notes = orjson.loads(one["sources"][0][-1])
    assert notes[1:] == [
        "10 empty rows were skipped",
        "times without a zone in 'Date' were read as UTC time (--tz) and converted to UTC (398 rows)",
        "382 rows gave only a date or minutes in 'Date': their time was taken from the X id, which records "
        "the second it was made",
        "16 rows: the time in 'Date' differs from the time in the X id (most often by −01:00): if the sheet "
        "was kept in another zone, give it with --tz"]
    assert [r[3:5] for r in one["rejected"]] == [(119, SCIENTIFIC_REASON), (295, SCIENTIFIC_REASON)]
    created = {row[1]: row[8] for row in one["accounts"]}
    assert created["handle:user1"] == "2010-03-02T00:00:00.000Z"  # 02/03/2010, day first as the sheet says


@pytest.mark.parametrize("bound", ["PRIME_ROWS", "PRIME_BYTES"])
def test_a_stretch_that_read_its_dates_in_another_order_has_the_sheet_read_in_one_piece(tmp_path, monkeypatch,
                                                                                        bound):
    """When a stretch cannot learn from the file's first rows that the sheet is day first (here:
    it may read none of them, by rows or by bytes), it reads an ambiguous date month first; the
    archive finds that out when it adds up the stretches' counts, and reads the file again in one
    piece."""
    from swchat.readers import sheets

    path = tmp_path / "archiver.csv"
    path.write_bytes(_archiver_sheet())
    monkeypatch.setattr(archive_module, "_MOST_STRETCHES", 16)
    one = _archive([path], tmp_path / "one.db", monkeypatch, None)
    monkeypatch.setattr(sheets, bound, 0)
    whole = _spy_whole(monkeypatch)
    stretched = _archive([path], tmp_path / "stretched.db", monkeypatch, 4_000)
    assert whole == [False, True]
    _same(one, stretched)


def test_a_sheet_saved_as_unicode_text_is_read_in_one_piece(tmp_path, monkeypatch):
    """UTF-16 (Excel's "Unicode text") cannot be cut by counting bytes: one stretch (here with
    newlines alone as line ends, which a count of carriage returns does not tell)."""
    text = _archiver_sheet().decode("utf-8-sig").replace("sep=;\r\n", "").replace(";", "\t")
    data = text.replace("\r\n", "\n").encode("utf-16")
    path = tmp_path / "unicode.txt"
    path.write_bytes(data)
    one, stretched, _ = _both(path, tmp_path, monkeypatch, 4_000)
    assert stretched["stretches"] == [1] and len(one["posts"]) == 398
    _same(one, stretched)


def test_a_mapped_csv_in_stretches_stores_what_one_reader_stores(tmp_path, monkeypatch):
    """Any sheet read through a column mapping, in a zone of its own (``--tz``)."""
    import csv
    import io

    lines = _archiver_sheet().decode("utf-8-sig").split("\r\n", 1)[1]  # without the sep= line
    rows = list(csv.reader(io.StringIO(lines, newline=""), delimiter=";"))
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path = tmp_path / "mine.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    options = {"format": "csv-mapped", "tz": "Europe/London",
               "columns": "id=Tweet ID,text=Tweet Text,author=Screen Name,time=Date,author_name=Full Name"}
    one, stretched, whole = _both(path, tmp_path, monkeypatch, 8_000, **options)
    assert stretched["stretches"][0] > 4 and whole == [False] and len(one["posts"]) == 398
    _same(one, stretched)
    assert "Europe/London" in one["sources"][0][-1]


@pytest.mark.realdata
@pytest.mark.parametrize("name", ["rtweet_COP26Action.csv", "twitter-archiver_histcomm.csv"])
def test_real_sheets_in_stretches_store_what_one_reader_stores(realdata, tmp_path, monkeypatch, name):
    one, stretched, whole = _both(realdata("x-sheets", name), tmp_path, monkeypatch, 20_000, 16)
    assert stretched["stretches"] == [16] and whole == [False] and one["posts"]
    _same(one, stretched)


# ----------------------------------------------------------------------------- snscrape


def _snscrape_tweet(t: dict, users: dict, referred: dict, nested: bool = False) -> dict:
    """An X v2 tweet of a page as snscrape writes it (a retweeted or quoted tweet nested)."""
    user = users.get(t["author_id"], {"id": t["author_id"], "username": f"u{t['author_id']}"})
    refs = {r["type"]: r["id"] for r in t.get("referenced_tweets", [])}
    entities = t.get("entities", {})
    made = {"_type": "snscrape.modules.twitter.Tweet",
            "url": f"https://twitter.com/{user['username']}/status/{t['id']}",
            "date": t["created_at"].replace(".000Z", "+00:00"), "rawContent": t["text"], "id": int(t["id"]),
            "user": {"username": user["username"], "id": int(user["id"]), "displayname": user.get("name")},
            "hashtags": [h["tag"] for h in entities.get("hashtags", [])],
            "mentionedUsers": [{"username": m["username"], "id": None} for m in entities.get("mentions", [])],
            "likeCount": t.get("public_metrics", {}).get("like_count", 0)}
    if "replied_to" in refs:
        made["inReplyToTweetId"] = int(refs["replied_to"])
    for kind, key in (("retweeted", "retweetedTweet"), ("quoted", "quotedTweet")):
        if kind in refs and not nested and refs[kind] in referred:
            made[key] = _snscrape_tweet(referred[refs[kind]], users, referred, nested=True)
    return made


def _snscrape_lines(sample_dir: Path) -> bytes:
    """The sample's X v2 tweets as ``snscrape --jsonl`` writes them (numeric ids; a retweet or a
    quote carries the tweet it refers to, nested), with a few lines snscrape would not write."""
    out = []
    for page in (orjson.loads(line) for line in (sample_dir / "swchat-v2.jsonl").read_bytes().splitlines()):
        users = {u["id"]: u for u in page.get("includes", {}).get("users", [])}
        referred = {t["id"]: t for t in page.get("includes", {}).get("tweets", [])}
        out += [orjson.dumps(_snscrape_tweet(t, users, referred)) for t in page.get("data", [])]
    for at in (900, 600, 300, 5):
        out.insert(at, b'{"_type": "snscrape.modules.twitter.Tweet", "id": "not a number"')
    return b"\n".join(out) + b"\n"


def test_snscrape_json_lines_in_stretches_store_what_one_reader_stores(sample_dir, tmp_path, monkeypatch):
    """The sample as snscrape JSON lines (nested retweeted and quoted tweets become context posts),
    with broken lines spread through it: the archive read in stretches is one reader's."""
    path = tmp_path / "sns.jsonl"
    path.write_bytes(_snscrape_lines(sample_dir))
    one, stretched, _ = _both(path, tmp_path, monkeypatch, 50_000)
    assert stretched["stretches"][0] >= 7 and len(one["posts"]) > 1200 and len(one["rejected"]) == 4
    assert sum(row[-4] for row in one["posts"]) >= 10  # is_context: nested tweets not in the file
    _same(one, stretched)


@pytest.mark.realdata
def test_real_snscrape_lines_in_stretches_store_what_one_reader_stores(realdata, tmp_path, monkeypatch):
    one, stretched, _ = _both(realdata("x-snscrape", "sns_search_first300.jsonl"), tmp_path, monkeypatch, 20_000, 32)
    assert stretched["stretches"][0] >= 30 and len(one["posts"]) >= 300
    _same(one, stretched)
