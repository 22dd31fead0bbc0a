"""The v2, v1.1 and TAGS versions of the sample give the same posts where their content overlaps."""

from __future__ import annotations

import pytest

from swchat import Archive
from swchat.readers import Post, read

SHARED = ["post_id", "created_at", "author_id", "author_handle", "kind", "is_quote", "reply_to_post_id",
          "reply_to_author_id", "reply_to_handle", "quoted_post_id", "retweeted_post_id", "text",
          "hashtags", "mentions", "urls", "url"]


def _rows(path):
    return {i.row["post_id"]: i.row for i in read(path) if isinstance(i, Post) and not i.context}


@pytest.fixture(scope="module")
def formats(sample_dir):
    return {name: _rows(sample_dir / f"swchat-{name}") for name in ("v2.jsonl", "v1.jsonl", "tags.csv")}


def test_same_post_ids_in_every_format(formats, truth):
    ids = [set(rows) for rows in formats.values()]
    assert ids[0] == ids[1] == ids[2]
    assert len(ids[0]) == truth["counts"]["posts"]


def test_v2_and_v1_agree_on_every_shared_column(formats):
    v2, v1 = formats["v2.jsonl"], formats["v1.jsonl"]
    differences = [(pid, column, v2[pid][column], v1[pid][column])
                   for pid in v2 for column in SHARED if v2[pid][column] != v1[pid][column]]
    assert differences == []


def test_tags_agrees_with_v2_where_the_sheet_has_the_fact(formats):
    v2, tags = formats["v2.jsonl"], formats["tags.csv"]
    for pid, row in v2.items():
        sheet = tags[pid]
        for column in ("created_at", "author_id", "author_handle", "reply_to_post_id", "hashtags", "url"):
            if column == "hashtags" and row["kind"] == "retweet":
                continue  # the sheet truncates retweet text, and its tags with it
            assert sheet[column] == row[column], (pid, column)
        # retweets are recognised from the text; the sheet cannot tell a quote from a post with a link
        assert (sheet["kind"] == "retweet") == (row["kind"] == "retweet"), pid
        if row["kind"] in ("original", "reply"):
            assert sheet["text"] == row["text"], pid
        if row["kind"] == "retweet":
            assert row["text"].startswith(sheet["text"].rstrip("…")), pid


def test_importing_every_format_into_one_archive_adds_nothing_after_the_first(sample_dir, tmp_path):
    with Archive(tmp_path / "all.db") as archive:
        first, *others = archive.ingest([sample_dir / n for n in ("swchat-v2.jsonl", "swchat-v1.jsonl",
                                                                  "swchat-tags.csv")]).files
        assert first.added == first.read
        assert all(f.added == 0 and f.duplicates == f.read for f in others)
