"""The rtweet CSV and Twitter Archiver sheet writers of swchat.sample, read back by swchat's own readers.

Each file is imported into a fresh archive and compared with the same chat imported from its X
API v2 pages (:func:`~swchat.sample.write_v2_pages`): what a user checks after an import. What a
format cannot carry is left out of the comparison, and the test says why.
"""

from __future__ import annotations

import copy
import csv
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from swchat import Archive
from swchat.sample import (
    ARCHIVER_COLUMNS,
    RTWEET_COLUMNS,
    TIMEZONE,
    generate,
    write_archiver_sheet,
    write_rtweet_csv,
    write_v2_pages,
)

LONDON = ZoneInfo(TIMEZONE)
TWEPOCH_MS = 1288834974657
#: the header of a real Twitter Archiver sheet (the add-on spells "Verfied")
ARCHIVER_HEADER = ("Date", "Screen Name", "Full Name", "Tweet Text", "Tweet ID", "App", "Followers", "Follows",
                   "Retweets", "Favorites", "Verfied", "User Since", "Location", "Bio")
WRITERS = {"v2": write_v2_pages, "rtweet": write_rtweet_csv, "archiver": write_archiver_sheet}
SUFFIX = {"v2": "jsonl", "rtweet": "csv", "archiver": "csv"}


def _import(chat, name, tmp):
    """Write ``chat`` with one writer, import the file twice into a fresh archive: (file, first, again, own posts
    by id, context post ids, account snapshots by lower-cased handle)."""
    path = WRITERS[name](chat, tmp / f"{name}.{SUFFIX[name]}")
    tz = TIMEZONE if name == "archiver" else None  # the sheet's dates are local and do not say so
    with Archive(tmp / f"{name}.db") as archive:
        first = archive.ingest([path], tz=tz).files[0]
        again = archive.ingest([path], tz=tz).files[0]
        rows = archive.posts().to_dict("records")
        accounts: dict[str, list[dict]] = {}
        for a in archive.accounts().to_dict("records"):
            accounts.setdefault(a["handle"].lower(), []).append(a)
    own = {r["post_id"]: r for r in rows if not r["is_context"]}
    return path, first, again, own, {r["post_id"] for r in rows if r["is_context"]}, accounts


@pytest.fixture(scope="module")
def chat():
    return generate(seed=1, sessions=4, posts=600)


@pytest.fixture(scope="module")
def imported(chat, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("sheets")
    return {name: _import(chat, name, tmp) for name in WRITERS}


@pytest.fixture(scope="module")
def v2(imported):
    return imported["v2"][3]


def _tags(row):
    return [t.lower() for t in row["hashtags"]]


def _cells(path):
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


# --------------------------------------------------------------------------- both


@pytest.mark.parametrize("name", ["rtweet", "archiver"])
def test_every_row_is_imported_once_and_again_adds_nothing(imported, chat, name):
    _, first, again, own, *_ = imported[name]
    assert first.error is None
    assert first.read == first.added + first.duplicates + first.rejected
    assert (first.read, first.added, first.rejected) == (len(chat.posts), len(chat.posts), 0)
    assert (again.read, again.added, again.duplicates, again.rejected) == (len(chat.posts), 0, len(chat.posts), 0)
    assert len(own) == len(chat.posts)


@pytest.mark.parametrize("name", ["rtweet", "archiver"])
def test_same_posts_authors_and_times_as_from_v2(imported, v2, name):
    own = imported[name][3]
    assert set(own) == set(v2)
    for pid, row in v2.items():
        assert (own[pid]["author_handle"], own[pid]["author_name"]) == (row["author_handle"], row["author_name"]), pid
        # rtweet gives the second in UTC; the Archiver sheet only the local date, the reader the X id's second
        assert own[pid]["created_at"] == row["created_at"], pid


@pytest.mark.parametrize("name", ["rtweet", "archiver"])
def test_same_text_for_posts_that_are_not_retweets(imported, v2, name):
    own = imported[name][3]
    for pid, row in v2.items():
        if row["kind"] != "retweet":
            assert own[pid]["text"] == row["text"], pid


@pytest.mark.parametrize("name", ["rtweet", "archiver"])
def test_same_author_profiles_as_from_v2(imported, name):
    accounts, v2_accounts = imported[name][5], imported["v2"][5]
    assert {p["author_handle"].lower() for p in imported[name][3].values()} <= accounts.keys() <= v2_accounts.keys()
    for handle, snapshots in accounts.items():
        want = v2_accounts[handle][0]  # the sample's accounts do not change: v2 has one snapshot each
        for got in snapshots:
            for column in ("name", "description", "followers", "following", "location"):
                assert (got[column] or None) == (want[column] or None), (handle, column)  # "" is no value
            if pd.isna(got["created_at"]):
                assert name == "rtweet"  # the retweet_* and quoted_* columns have no account_created_at
            elif name == "rtweet":
                assert got["created_at"] == want["created_at"], handle
            else:  # "User Since" is the local date only
                assert got["created_at"].astimezone(LONDON).date() == want["created_at"].astimezone(LONDON).date()


# --------------------------------------------------------------------------- rtweet


def test_rtweet_header_and_spellings(imported, chat):
    path = imported["rtweet"][0]
    header, *rows = _cells(path)
    assert tuple(header) == RTWEET_COLUMNS
    assert {len(r) for r in rows} == {len(RTWEET_COLUMNS)}
    col = {name: i for i, name in enumerate(header)}
    assert [r[col["status_id"]] for r in rows] == ["x" + p["id"] for p in chat.posts]  # oldest first
    assert all(re.fullmatch(r"x\d+", r[col["user_id"]]) for r in rows)
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", r[col["created_at"]]) for r in rows)
    assert {r[col["is_retweet"]] for r in rows} == {r[col["is_quote"]] for r in rows} == {"TRUE", "FALSE"}
    assert {r[col["bbox_coords"]] for r in rows} == {"NA NA NA NA NA NA NA NA"}
    raw = path.read_bytes()
    assert b"\r\n" not in raw and b',,"NA NA","NA NA",' in raw  # R's write.csv: NA empty, text quoted


def test_rtweet_kinds_replies_retweets_and_quotes_as_from_v2(imported, v2):
    own = imported["rtweet"][3]
    for pid, row in v2.items():
        got = own[pid]
        assert (got["kind"], bool(got["is_quote"])) == (row["kind"], bool(row["is_quote"])), pid
        if row["kind"] == "reply":
            assert (got["reply_to_post_id"], got["reply_to_author_id"], got["reply_to_handle"]) == (
                row["reply_to_post_id"], row["reply_to_author_id"], row["reply_to_handle"]), pid
        if row["kind"] == "retweet":
            assert got["retweeted_post_id"] == row["retweeted_post_id"], pid
            # the row holds the original's full text; v2 the API's truncated "RT @x: …"
            assert got["text"].startswith(row["text"].rstrip("…")), pid
        if row["quoted_post_id"]:
            assert got["quoted_post_id"] == row["quoted_post_id"], pid


def test_rtweet_hashtags_as_from_v2(imported, v2):
    own = imported["rtweet"][3]
    for pid, row in v2.items():
        if row["kind"] != "retweet":  # a retweet's are the full text's here, the truncated text's in v2
            assert _tags(own[pid]) == _tags(row), pid


def test_rtweet_retweeted_and_quoted_posts_become_the_same_context_posts(imported):
    assert imported["rtweet"][4] == imported["v2"][4]
    assert imported["rtweet"][1].context == imported["v2"][1].context


# --------------------------------------------------------------------------- Twitter Archiver


def test_archiver_header_and_spellings(imported, chat):
    path = imported["archiver"][0]
    header, *rows = _cells(path)
    assert tuple(header) == ARCHIVER_COLUMNS == ARCHIVER_HEADER
    col = {name: i for i, name in enumerate(header)}
    assert [r[col["Tweet ID"]] for r in rows] == [p["id"] for p in chat.posts]  # appended: oldest first
    for r in rows:  # the date of the sheet's local time, without the time of day
        local = datetime.fromtimestamp(((int(r[col["Tweet ID"]]) >> 22) + TWEPOCH_MS) / 1000, LONDON)
        assert r[col["Date"]] == f"{local.month}/{local.day}/{local.year % 100:02d}"
    assert all(r[col["Screen Name"]].startswith("@") for r in rows)
    assert {r[col["Verfied"]] for r in rows} == {"Yes", "No"}
    assert path.read_bytes().count(b"\r\n") >= len(rows) + 1


def test_archiver_kinds_and_reply_handles_from_the_text(imported, v2):
    # The sheet has no reply, retweet or quote columns: the reader infers the kind from the text.
    # So the replied-to post and the retweeted post are unknown (only the accounts' handles), a quote
    # reads as an original, and a reply that does not start with "@x" (a self-reply) as one too.
    own = imported["archiver"][3]
    kinds = set()
    for pid, row in v2.items():
        got = own[pid]
        if row["kind"] == "retweet":
            want = "retweet"
            retweeted = row["text"][4:].split(":", 1)[0]  # RT @handle: …
            assert got["mentions"][0].lower() == retweeted.lower(), pid
        elif row["kind"] == "reply" and row["text"].startswith("@"):
            want = "reply"
            assert got["reply_to_handle"] == row["reply_to_handle"], pid
        else:
            want = "original"
        assert got["kind"] == want, pid
        assert got["reply_to_post_id"] is None and got["retweeted_post_id"] is None, pid
        kinds.add((row["kind"], want))
    assert {("quote", "original"), ("reply", "reply"), ("retweet", "retweet")} <= kinds


def test_archiver_hashtags_as_from_v2(imported, v2):
    own = imported["archiver"][3]
    for pid, row in v2.items():
        if row["kind"] != "retweet":  # a retweet's text is cut short at 140 characters, and its tags with it
            assert _tags(own[pid]) == _tags(row), pid


def test_archiver_has_no_context_posts(imported):
    # the sheet holds nothing of the posts replied to, retweeted or quoted
    assert imported["archiver"][4] == set()
    assert imported["archiver"][1].context == 0


# --------------------------------------------------------------------------- escapes


def test_text_escaped_as_x_does_is_read_back_the_same(chat, tmp_path):
    chat = copy.deepcopy(chat)
    post = next(p for p in chat.posts if p["kind"] == "original")
    post["text"] += " fish &amp; chips &lt;3 &amp; more"  # the API's form; entities before it unchanged
    got = {name: _import(chat, name, tmp_path) for name in WRITERS}
    texts = {name: got[name][3][post["id"]]["text"] for name in WRITERS}
    assert set(texts.values()) == {post["text"].replace("&amp;", "&").replace("&lt;", "<")}
    rtweet = _cells(got["rtweet"][0])[1 + chat.posts.index(post)]
    assert rtweet[RTWEET_COLUMNS.index("text")] == post["text"]  # rtweet keeps X's escapes
    archiver = _cells(got["archiver"][0])[1 + chat.posts.index(post)]
    # the add-on turns back the first of each only
    assert archiver[ARCHIVER_COLUMNS.index("Tweet Text")].endswith(" fish & chips <3 &amp; more")
