"""Sheet authors known only by handle (issue 10): a Twitter Archiver sheet has no author ids, so
its authors are ``handle:<handle>``; where another export of the same chat recorded that handle
under its id, every selection counts the two as one account (sessions, newcomers, networks)."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

from swchat.api import Archive
from swchat.cli import main

EPOCH_MS = 1288834974657
HEADER = ["Date", "Screen Name", "Full Name", "Tweet Text", "Tweet ID", "App", "Followers", "Follows",
          "Retweets", "Favorites", "Verfied", "User Since", "Location", "Bio"]
USERS = {"1": ("SWChatHost", "SWChat Host"), "2": ("ann_sw", "Ann"), "3": ("bob_sw", "Bob")}


def snowflake(when: str, sequence: int = 0) -> str:
    ms = int(datetime.fromisoformat(when).timestamp() * 1000)
    return str(((ms - EPOCH_MS) << 22) + sequence)


def at(day: int, minute: int) -> str:
    return f"2016-03-{day:02d}T20:{minute:02d}:00+00:00"


def v2_page() -> bytes:
    """Session 1 (2 March 2016) as X API v2: the host, Ann and Bob, with their ids."""
    authors = ["1", "2", "3", "2", "1", "3", "2", "1", "3", "2", "3", "2"]
    data = []
    for i, uid in enumerate(authors):
        tweet = {"id": snowflake(at(2, i * 2), i), "author_id": uid, "created_at": at(2, i * 2).replace("+00:00", "Z"),
                 "text": f"{'Q1 what keeps you going?' if i == 0 else 'A1 the people'} #SWChat",
                 "entities": {"hashtags": [{"tag": "SWChat"}]}}
        data.append(tweet)
    users = [{"id": uid, "username": h, "name": n} for uid, (h, n) in USERS.items()]
    return orjson.dumps({"data": data, "includes": {"users": users}}) + b"\n"


#: (day, minute, handle, text): the sheet of both sessions, without author ids.
SHEET = [
    (2, 1, "eve_sw", "@ann_sw A1 so true #SWChat"),
    (2, 5, "eve_sw", "A1 supervision #SWChat"),
    (2, 9, "SWChatHost", "Q2 and what wears you down? #SWChat"),
    (2, 13, "eve_sw", "A2 caseloads #SWChat"),
    (2, 17, "SWChatHost", "Thanks all #SWChat"),
    (9, 0, "SWChatHost", "Q1 this week: tools? #SWChat"),
    (9, 2, "ann_sw", "A1 a notebook #SWChat"),
    (9, 4, "eve_sw", "A1 my team #SWChat"),
    (9, 6, "fay_sw", "Hi all, first time #SWChat"),
    (9, 8, "ann_sw", "@fay_sw welcome! #SWChat"),
    (9, 10, "SWChatHost", "Q2 time? #SWChat"),
    (9, 12, "eve_sw", "A2 never enough #SWChat"),
    (9, 14, "ann_sw", "A2 mornings #SWChat"),
    (9, 16, "fay_sw", "A2 evenings #SWChat"),
    (9, 18, "SWChatHost", "Thanks all #SWChat"),
]


def sheet_csv() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for i, (day, minute, handle, text) in enumerate(SHEET):
        writer.writerow([f"3/{day}/16", f"@{handle}", handle, text, snowflake(at(day, minute), 100 + i),
                         "Twitter Web Client", "10", "5", "0", "0", "No", "8/18/10", "Leeds, UK", ""])
    return out.getvalue().encode()


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("handles")
    (folder / "v2.jsonl").write_bytes(v2_page())
    (folder / "sheet.csv").write_bytes(sheet_csv())
    return {"v2": folder / "v2.jsonl", "sheet": folder / "sheet.csv"}


@pytest.fixture(scope="module", params=["sheet first", "v2 first"])
def db(request, files, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("db") / "chat.db"
    order = ["sheet", "v2"] if request.param == "sheet first" else ["v2", "sheet"]
    with Archive(path, create=True) as archive:
        for name in order:  # a later import of a file with ids completes the earlier sheet
            archive.ingest([files[name]])
    return path


def test_the_archive_knows_the_ids_of_sheet_handles(db):
    with Archive(db, create=False) as archive:
        assert archive.handle_aliases() == {("x", "handle:swchathost"): ("1", "SWChatHost"),
                                            ("x", "handle:ann_sw"): ("2", "ann_sw")}


def test_sessions_count_a_sheet_author_and_their_id_once(db):
    with Archive(db, create=False) as archive:
        found = archive.sessions("SWChat", members=True)
    assert [s.id for s in found] == ["SWChat-2016-03-02", "SWChat-2016-03-09"]
    # host, Ann, Bob, Eve; then host, Ann, Eve, Fay (not 5 and 4 with the host and Ann twice)
    assert [s.participants for s in found] == [4, 4]
    assert sorted(found[0].author_ids) == ["1", "2", "3", "handle:eve_sw"]
    assert sorted(found[1].author_ids) == ["1", "2", "handle:eve_sw", "handle:fay_sw"]
    assert [h.lower() for h in found[1].hosts] == ["swchathost"]


def test_newcomers_see_one_account(db):
    with Archive(db, create=False) as archive:
        community = archive.community("SWChat")
        chat = archive.session("SWChat-2016-03-09")
        summary = chat.summary()
    table = community.sessions.set_index("session")
    assert table.loc["SWChat-2016-03-09", ["participants", "newcomers", "returners"]].tolist() == [4, 1, 3]
    assert community.members["SWChat-2016-03-09"]["newcomers"] == ["fay_sw"]
    assert chat.meta["newcomers"] == ["handle:fay_sw"]
    assert summary.metric("newcomers").value == 1
    assert summary.metric("participants").value == 4


def test_networks_have_one_node_for_the_sheet_author_and_their_id(db):
    with Archive(db, create=False) as archive:
        whole = archive.chat(hashtag="SWChat").network()
        sliced = archive.network(hashtag="SWChat")
        accounts = archive.chat(hashtag="SWChat").accounts()
    assert sorted(whole.nodes) == ["1", "2", "3", "handle:eve_sw", "handle:fay_sw"]
    assert sorted(sliced.nodes) == sorted(whole.nodes)
    assert sorted(sliced.edges(data=True)) == sorted(whole.edges(data=True))
    assert whole.has_edge("handle:eve_sw", "2")  # the sheet's reply to @ann_sw reaches Ann's id
    assert whole.nodes["2"]["posts"] == 5 + 3  # her v2 posts and her sheet posts
    assert len(accounts) == 5


def test_commands_count_one_account(db):
    res = CliRunner().invoke(main, ["sessions", "--archive", str(db), "--json"])
    assert res.exit_code == 0, res.output
    assert [s["participants"] for s in json.loads(res.output)] == [4, 4]
    res = CliRunner().invoke(main, ["community", "--archive", str(db), "--hashtag", "SWChat", "--json"])
    assert res.exit_code == 0, res.output
    assert [s["newcomers"] for s in json.loads(res.output)["sessions"]] == [4, 1]


def test_without_the_ids_the_sheet_authors_stay_as_they_are(files, tmp_path):
    with Archive(tmp_path / "sheet.db", create=True) as archive:
        archive.ingest([files["sheet"]])
        assert archive.handle_aliases() == {}
        found = archive.sessions("SWChat", members=True)
    assert [s.participants for s in found] == [4]
    assert sorted(found[0].author_ids) == ["handle:ann_sw", "handle:eve_sw", "handle:fay_sw", "handle:swchathost"]
