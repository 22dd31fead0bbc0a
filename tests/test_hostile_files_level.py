"""Issue 12, file-level rows: a damaged or outsized file never stops an import.

Tests named after the issue's table: row 3 (a ``.gz`` cut short), row 4 (a corrupt ``.gz``),
row 5 (a line over the size limit), row 6 (deep nesting in format detection), row 13 (a
single-line twarc2 page larger than the old 64 MiB first-line cap). Each damaged file is
imported with a good file after it: what was read before the damage is kept, the damage is one
rejected record whose reason names the file and says where, the next file is imported, and
``read = added + duplicates + rejected`` holds. Last, a seeded fuzz of gzip damage over a small
file in every format.
"""

from __future__ import annotations

import gzip
import json
import random
import tracemalloc
import zlib

import orjson
import pytest
from click.testing import CliRunner
from test_hostile_files import (
    files,
    ingest,
    post_ids,
    reasons,
    status,
    tags_csv,
    tags_row,
    v1_tweet,
    v2_page,
    v2_tweet,
    view,
)

from swchat import Archive
from swchat.cli import main
from swchat.errors import DamagedInputError, InputFormatError
from swchat.readers import base, detect
from swchat.readers.base import HEAD_BYTES, LINE_LIMIT, REJECTED_KEEP, Source

MiB = 1 << 20


def pages(n: int, first: int = 0) -> bytes:
    """``n`` twarc2 pages, one tweet each (ids ``100 + first`` …)."""
    return b"".join(v2_page([v2_tweet(first + i)]) for i in range(n))


def noisy_pages(n: int) -> bytes:
    """Pages that do not compress to almost nothing (so a cut lands part-way through)."""
    rng = random.Random(n)
    return b"".join(v2_page([v2_tweet(i, lang=rng.randbytes(48).hex())]) for i in range(n))


def whole_lines(prefix: bytes) -> int:
    return prefix.count(b"\n")


def decompressible(gz: bytes) -> bytes:
    """What can be decompressed from a (cut) gzip stream."""
    return zlib.decompressobj(31).decompress(gz)


def check_identity(result) -> None:
    for f in result.files:
        assert f.read == f.added + f.duplicates + f.rejected, f


# -- row 3: a .gz cut short ------------------------------------------------------------------------


def test_row3_a_gz_cut_in_its_first_256_kib_keeps_what_was_read(tmp_path):
    data = noisy_pages(2000)
    gz = gzip.compress(data)
    cut = gz[: len(gz) // 3]
    readable = decompressible(cut)
    assert len(readable) < HEAD_BYTES  # the cut falls inside what detection reads
    archive, f = ingest(tmp_path, "cut.jsonl.gz", cut)
    kept = whole_lines(readable)
    assert kept > 50
    assert f.error is None and f.format == "x-v2"
    assert (f.read, f.added, f.rejected) == (kept + 1, kept, 1)
    assert post_ids(archive) == {str(100 + i) for i in range(kept)} | {"999"}
    (reason,) = reasons(archive)
    assert "cut.jsonl.gz is cut short" in reason
    assert f"line {kept + 1:,}" in reason and f"the {kept:,} record(s) read before it were kept" in reason
    assert reason in f.notes  # said on the command line too


def test_row3_cli_reports_the_cut_and_imports_the_next_file(tmp_path):
    data = noisy_pages(600)
    gz = gzip.compress(data)
    (tmp_path / "cut.jsonl.gz").write_bytes(gz[: len(gz) // 2])
    (tmp_path / "next.jsonl").write_bytes(pages(3, first=900))
    res = CliRunner().invoke(main, ["ingest", str(tmp_path / "cut.jsonl.gz"), str(tmp_path / "next.jsonl"),
                                    "--json", "--archive", str(tmp_path / "a.db")])
    assert res.exit_code == 0, res.output  # something was imported (README: 1 only when nothing was)
    assert "Aborted" not in res.output and "Traceback" not in res.output
    out = json.loads(res.stdout)
    cut, after = out["files"]
    assert cut["error"] is None and cut["added"] > 0 and cut["rejected"] == 1
    assert after["added"] == 3
    assert "cut.jsonl.gz is cut short" in res.stderr


def test_row3_a_gz_cut_inside_its_header_is_refused_and_the_next_file_imported(tmp_path):
    gz = gzip.compress(pages(5))
    archive, f = ingest(tmp_path, "stub.jsonl.gz", gz[:8])
    assert f.error is not None and "stub.jsonl.gz is cut short" in f.error
    assert "nothing in it could be read" in f.error
    assert post_ids(archive) == {"999"}


@pytest.mark.parametrize("name", ["mastodon.json", "tweets.js", "bluesky.json", "tags.csv", "twarc.csv",
                                  "mastodon.jsonl", "x-v1.jsonl"])
def test_row3_every_format_keeps_what_was_read_before_the_cut(tmp_path, name):
    data = files(400)[name]
    gz = gzip.compress(data)
    cut = gz[: int(len(gz) * 0.6)]
    archive, f = ingest(tmp_path, name + ".gz", cut)
    assert f.error is None, f.error
    assert f.added > 50 and f.rejected >= 1, f
    assert any(f"{name}.gz is cut short" in r for r in reasons(archive))
    # nothing was made up: every post kept is one of the file's
    assert f.added == len(post_ids(archive) - {"999"})


# -- row 4: a corrupt .gz ------------------------------------------------------------------------------


def two_members(first: bytes, second: bytes) -> tuple[bytes, int]:
    """Two gzip members one after the other (as ``cat a.gz b.gz`` makes), and where the second starts."""
    one = gzip.compress(first)
    return one + gzip.compress(second), len(one)


def test_row4_a_corrupt_block_keeps_what_came_before(tmp_path):
    gz, second = two_members(pages(40), pages(40, first=40))
    damaged = bytearray(gz)
    damaged[second + 10] |= 0b110  # the second member's first deflate block: a reserved block type
    archive, f = ingest(tmp_path, "flip.jsonl.gz", bytes(damaged))
    assert f.error is None
    assert (f.read, f.added, f.rejected) == (41, 40, 1)
    assert post_ids(archive) == {str(100 + i) for i in range(40)} | {"999"}
    (reason,) = reasons(archive)
    assert "flip.jsonl.gz is corrupt: its compressed data cannot be read past about byte" in reason
    assert "invalid block type" in reason and "line 41" in reason and "the 40 record(s) read" in reason


def test_row4_a_failed_check_keeps_the_records_and_says_they_may_be_damaged(tmp_path):
    gz = bytearray(gzip.compress(pages(30)))
    gz[-6] ^= 0x40  # a bit of the CRC-32 in the trailer
    archive, f = ingest(tmp_path, "crc.jsonl.gz", bytes(gz))
    assert f.error is None and (f.read, f.added, f.rejected) == (31, 30, 1)
    (reason,) = reasons(archive)
    assert "crc.jsonl.gz is corrupt: its compressed data fails its check at the end" in reason
    assert "may be damaged" in reason and "the 30 record(s) read before it were kept" in reason


@pytest.mark.parametrize("where, value, words", [
    (2, 9, "Unknown compression method"),  # the header's compression method
    (10, 0b111, "invalid block type"),  # the first deflate block
])
def test_row4_a_gz_corrupt_from_the_start_is_refused_with_one_sentence(tmp_path, where, value, words):
    gz = bytearray(gzip.compress(pages(5)))
    gz[where] |= value
    _, f = ingest(tmp_path, "bad.jsonl.gz", bytes(gz))
    assert f.error is not None and "bad.jsonl.gz is corrupt" in f.error and words in f.error
    assert "nothing in it could be read" in f.error and "\n" not in f.error
    res = CliRunner().invoke(main, ["ingest", str(tmp_path / "bad.jsonl.gz"), "--archive", str(tmp_path / "c.db")])
    assert res.exit_code == 1 and "Traceback" not in res.output
    assert res.output.startswith("error: ") and "bad.jsonl.gz is corrupt" in res.output


def test_row4_the_error_travels_from_a_reader_process(tmp_path, monkeypatch):
    # big files are read in a worker process: the damage is reported the same way from there
    import swchat.archive as archive_module

    monkeypatch.setattr(archive_module, "_WORKER_MIN_BYTES", 0)
    gz = gzip.compress(noisy_pages(300))
    _, f = ingest(tmp_path, "cut.jsonl.gz", gz[: len(gz) // 2])
    assert f.error is None and f.added > 0 and f.rejected == 1
    assert any("is cut short" in note for note in f.notes)


def test_row4_damage_is_an_input_format_error_that_pickles():
    import pickle

    exc = DamagedInputError("x.gz is cut short", "x.gz", 7)
    assert isinstance(exc, InputFormatError)
    again = pickle.loads(pickle.dumps(exc))
    assert (str(again), again.path, again.line) == ("x.gz is cut short", "x.gz", 7)


# -- row 5: a line over the size limit ----------------------------------------------------------------


def test_row5_the_limit_is_stated():
    assert (128 * MiB, MiB) == (LINE_LIMIT, REJECTED_KEEP)
    assert base.size_text(LINE_LIMIT) == "128 MiB"


def huge_line_gz(before: bytes, size: int, after: bytes) -> bytes:
    """``before``, a junk line of ``size`` bytes, ``after``, gzipped without holding the junk."""
    packer = zlib.compressobj(6, zlib.DEFLATED, 31)
    parts = [packer.compress(before)]
    piece = b"junk" * (MiB // 4)
    for _ in range(size // len(piece)):
        parts.append(packer.compress(piece))
    parts.append(packer.compress(b"\n" + after))
    parts.append(packer.flush())
    return b"".join(parts)


def test_row5_an_over_long_line_is_rejected_without_being_held(tmp_path, monkeypatch):
    monkeypatch.setattr(base, "LINE_LIMIT", 2 * MiB)  # the same code path as 128 MiB, at a test's size
    monkeypatch.setattr(base, "REJECTED_KEEP", 4096)
    data = huge_line_gz(pages(3), 40 * MiB, pages(3, first=3))
    (tmp_path / "warm").mkdir()
    ingest(tmp_path / "warm", "huge.jsonl.gz", data)  # imports what an import needs, outside the count
    tracemalloc.start()
    try:
        archive, f = ingest(tmp_path, "huge.jsonl.gz", data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 12 * MiB  # a 40 MiB line, read a bounded piece at a time
    assert f.error is None and (f.read, f.added, f.rejected) == (7, 6, 1)
    assert post_ids(archive) == {str(100 + i) for i in range(6)} | {"999"}
    (rejected,) = archive.rejected()
    assert rejected["line"] == 4
    assert f"huge.jsonl.gz: line 4 is {40 * MiB:,} bytes, over the size limit of 2 MiB" in rejected["reason"]
    assert len(rejected["raw"]) == 4096 and rejected["raw"].startswith("junkjunk")
    assert any("huge.jsonl.gz: 1 line(s) or record(s) over the size limit" in note for note in f.notes)


def test_row5_an_over_long_line_is_rejected_even_when_it_is_valid_json(tmp_path, monkeypatch):
    monkeypatch.setattr(base, "LINE_LIMIT", 64 * 1024)
    big = v2_page([v2_tweet(i, lang="x" * 200) for i in range(500)])
    assert len(big) > 64 * 1024
    archive, f = ingest(tmp_path, "pages.jsonl", pages(2) + big + pages(2, first=700))
    assert (f.read, f.added, f.rejected) == (5, 4, 1)
    (reason,) = reasons(archive)
    assert f"pages.jsonl: line 3 is {len(big) - 1:,} bytes, over the size limit of 64 KiB" in reason


def test_row5_an_over_long_csv_line_is_rejected_and_the_rows_after_it_read(tmp_path, monkeypatch):
    monkeypatch.setattr(base, "LINE_LIMIT", 64 * 1024)
    rows = [tags_row(0), tags_row(1), tags_row(2).replace("post 2", "x" * 200_000), tags_row(3), tags_row(4)]
    archive, f = ingest(tmp_path, "tags.csv", tags_csv(rows))
    assert f.error is None and (f.read, f.added, f.rejected) == (5, 4, 1)
    assert post_ids(archive) == {"400", "401", "403", "404", "999"}
    (rejected,) = archive.rejected()
    assert rejected["line"] == 4  # the header is line 1
    assert "tags.csv: line 4 is " in rejected["reason"] and "over the size limit of 64 KiB" in rejected["reason"]


def test_row5_an_over_long_record_in_a_json_document_is_rejected(tmp_path, monkeypatch):
    monkeypatch.setattr(base, "LINE_LIMIT", 64 * 1024)
    statuses = json.loads(files(4)["mastodon.json"])
    statuses[1]["content"] = "<p>" + "x" * 100_000 + "</p>"
    archive, f = ingest(tmp_path, "mastodon.json", orjson.dumps(statuses, option=orjson.OPT_INDENT_2))
    assert f.error is None and (f.read, f.added, f.rejected) == (4, 3, 1)
    (reason,) = reasons(archive)
    assert "mastodon.json: record 2 is " in reason and "over the size limit of 64 KiB" in reason


def test_row5_a_huge_rejected_line_keeps_only_its_beginning(tmp_path, monkeypatch):
    monkeypatch.setattr(base, "REJECTED_KEEP", 1000)
    junk = b"{" + b"x" * 50_000  # under the line limit, but not JSON
    archive, f = ingest(tmp_path, "junk.jsonl", pages(1) + junk + b"\n" + pages(1, first=1))
    assert (f.read, f.added, f.rejected) == (3, 2, 1)
    (rejected,) = archive.rejected()
    assert len(rejected["raw"]) == 1000 and "not valid JSON" in rejected["reason"]


# -- row 6: deep nesting in format detection -------------------------------------------------------


@pytest.mark.parametrize("opening, closing, levels", [
    (b"[", b"]", 50_000),
    (b'{"a":', b"}", 100_000),
])
def test_row6_deep_nesting_is_refused_in_bounded_time_and_memory(tmp_path, opening, closing, levels):
    data = opening * levels + b"1" * (opening == b'{"a":') + closing * levels
    with pytest.raises(InputFormatError):  # the readers imported, outside the count
        detect(Source.from_bytes(b"[]"))
    tracemalloc.start()
    try:
        with pytest.raises(InputFormatError, match=r"deep\.json is not a supported export"):
            detect(Source.from_bytes(data, name="deep.json"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 16 * MiB  # was 6.1 GB for 50,000 levels
    _, f = ingest(tmp_path, "deep.json", data)
    assert f.error is not None and "not a supported export" in f.error


def test_row6_a_deep_value_in_the_first_record_does_not_hide_the_format(tmp_path):
    deep = b"[" * 3000 + b"]" * 3000
    tweets = files(3)["x-v1.jsonl"].splitlines()
    data = b"[" + tweets[0][:-1] + b', "zz": ' + deep + b"}," + b",".join(tweets[1:]) + b"]"
    head = Source.from_bytes(data).head()
    assert head.first_json is None and len(head.shallow) < 2000
    assert detect(Source.from_bytes(data)).name == "x-v1"
    _, f = ingest(tmp_path, "tweets.json", data)
    assert f.format == "x-v1" and (f.read, f.added) == (3, 3)


def test_row6_detection_reads_a_bounded_prefix():
    data = b'{"data": [' + b",".join(orjson.dumps(v2_tweet(i)) for i in range(60_000)) + b"]}\n"
    assert len(data) > 20 * HEAD_BYTES
    head = Source.from_bytes(data).head()
    assert len(head.data) <= HEAD_BYTES + 1 and not head.complete and head.long_first_line


# -- row 13: a single-line twarc2 page of 69 MiB -----------------------------------------------------


def test_row13_a_69_mib_single_line_page_is_detected_from_its_head_and_read(tmp_path):
    tweets = [v2_tweet(i, attachments={"media_keys": [f"3_{i}"]}) for i in range(100)]
    media = [{"media_key": f"3_{i}", "type": "photo", "alt_text": "a" * MiB} for i in range(69)]
    page = orjson.dumps({"data": tweets, "includes": {"users": [{"id": "1", "username": "ann"}], "media": media},
                         "meta": {"result_count": 100}}) + b"\n"
    del media
    assert 69 * MiB < len(page) < LINE_LIMIT  # past the old 64 MiB cap on a first line
    path = tmp_path / "page.jsonl"
    path.write_bytes(page + pages(1, first=100))
    del page
    head = Source.from_arg(path).head()
    assert len(head.data) <= HEAD_BYTES + 1 and head.long_first_line
    assert detect(Source.from_arg(path)).name == "x-v2"
    archive = Archive(tmp_path / "a.db")
    result = archive.ingest([path])
    check_identity(result)
    (f,) = result.files
    assert f.error is None and (f.read, f.added, f.rejected) == (101, 101, 0)


def test_row13_a_long_gzipped_page_and_a_long_users_lookup(tmp_path):
    tweets = [v2_tweet(i, lang="x" * 3000) for i in range(200)]
    page = v2_page(tweets)
    assert len(page) > 2 * HEAD_BYTES
    assert detect(Source.from_bytes(gzip.compress(page), name="p.jsonl.gz")).name == "x-v2"
    users = b'{"data": [' + b",".join(orjson.dumps({"id": str(i), "username": f"u{i}", "description": "d" * 3000})
                                     for i in range(200)) + b"]}\n"
    with pytest.raises(InputFormatError, match="holds X user profiles"):
        detect(Source.from_bytes(users, name="users.jsonl"))


@pytest.mark.parametrize("name, page", [
    ("bluesky.jsonl", lambda first: {"posts": [view(first + i) for i in range(1200)], "cursor": "x"}),
    ("mastodon.jsonl", lambda first: [status(first + i) for i in range(1200)]),
    ("x-v1.jsonl", lambda first: {"statuses": [v1_tweet(first + i, lang="en", source="web") for i in range(1200)]}),
])
def test_row13_json_lines_of_long_pages_are_still_read_line_by_line(tmp_path, name, page):
    # each line a response larger than the head: a bad line between them is rejected alone
    first, second = orjson.dumps(page(0)), orjson.dumps(page(1200))
    assert len(first) > HEAD_BYTES
    archive, f = ingest(tmp_path, name, first + b"\n" + b'{"posts": [{"uri": \n' + second + b"\n")
    assert f.error is None and (f.added, f.rejected) == (2400, 1), f
    (rejected,) = archive.rejected()
    assert rejected["line"] == 2 and "not valid JSON" in rejected["reason"]


# -- a seeded fuzz of gzip damage ------------------------------------------------------------------


def _damaged(rng: random.Random, gz: bytes) -> tuple[str, bytes]:
    kind = rng.choice(["cut", "bitflip", "overwrite", "trailer", "junk-after"])
    if kind == "cut":
        return kind, gz[: rng.randrange(1, len(gz))]
    buf = bytearray(gz)
    if kind == "bitflip":
        for _ in range(rng.randint(1, 3)):
            i = rng.randrange(len(buf))
            buf[i] ^= 1 << rng.randrange(8)
    elif kind == "overwrite":
        i = rng.randrange(10, len(buf))
        buf[i:i + 64] = rng.randbytes(64)
    elif kind == "trailer":
        buf[rng.randrange(len(buf) - 8, len(buf))] ^= 0xFF
    else:
        buf += rng.randbytes(rng.randint(1, 40))
    return kind, bytes(buf)


def test_gzip_damage_fuzz_never_raises_and_keeps_what_was_read(tmp_path):
    rng = random.Random(1212)
    originals = {name: gzip.compress(data) for name, data in files(30).items()}
    names = sorted(originals)
    for n in range(60):
        name = names[n % len(names)]
        kind, data = _damaged(rng, originals[name])
        folder = tmp_path / f"{n:03d}-{kind}"
        folder.mkdir()
        try:
            archive, f = ingest(folder, name + ".gz", data)
        except Exception as exc:  # pragma: no cover - the failure to report
            raise AssertionError(f"damage {n} ({kind}) of {name}.gz raised {type(exc).__name__}: {exc}") from exc
        assert f.read == f.added + f.duplicates + f.rejected
        assert f.added <= 30
        if f.error is not None:
            assert f"{name}.gz" in f.error, f.error
            assert "\n" not in f.error
        if kind == "cut" and f.error is None and name.endswith(".jsonl"):
            # JSON lines: every whole line before the cut is kept, the cut is one rejection
            readable = decompressible(data)
            assert f.added == whole_lines(readable), (n, name, f)
            assert f.rejected == 1 and "is cut short" in reasons(archive)[-1]
        archive.close()
