"""Spreadsheet readers: Twitter Archiver sheets, rtweet CSV, any CSV through --columns.

Every file here is written by the tests in the layout of its tool (no copied data), with the
habits Excel adds (BOM, ``;``, CRLF, quoted newlines, ids in scientific notation); the same
tweets are also written as X API v2 JSON, and the readers must agree with the v2 reader on
what each sheet carries. The real exports in ../shared/realdata/x-sheets are read at the end.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

import orjson
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from swchat import Archive
from swchat.cli import main
from swchat.errors import InputFormatError
from swchat.readers import Source, archiver_sheet, csv_mapped, detect, rtweet_csv, xv2
from swchat.readers.sheets import SCIENTIFIC_REASON, Clock, snowflake_time, x_id
from swchat.sample import RTWEET_COLUMNS

EPOCH_MS = 1288834974657


def snowflake(when: str, sequence: int = 0) -> str:
    """The X id made at ``when`` (ISO UTC)."""
    ms = int(datetime.fromisoformat(when.replace("Z", "+00:00")).timestamp() * 1000)
    return str(((ms - EPOCH_MS) << 22) + sequence)


# ----------------------------------------------------------------------------- the chat

Q1_TEXT = "Q1: What keeps you in social work? #SWChat https://t.co/q1"
#: One #SWChat hour: (id, time, author id, handle, name, text, kind, parent id, parent author id).
TWEETS = [
    (snowflake("2016-03-02T20:00:05Z", 1), "2016-03-02T20:00:05.000Z", "1", "SWChatHost", "SWChat Host",
     Q1_TEXT, "original", None, None),
    (snowflake("2016-03-02T20:02:10Z", 2), "2016-03-02T20:02:10.000Z", "2", "ann_sw", "Ann",
     "@SWChatHost A1: the people,\nevery day #SWChat", "reply", "Q1", "1"),
    (snowflake("2016-03-02T20:03:00Z", 3), "2016-03-02T20:03:00.000Z", "3", "bob_sw", "Bob",
     "RT @SWChatHost: " + Q1_TEXT, "retweet", "Q1", "1"),
    (snowflake("2016-03-02T20:05:45Z", 4), "2016-03-02T20:05:45.000Z", "4", "cat_sw", "Cat",
     "Thanks @ann_sw & @bob_sw for a great #SWChat #socialwork", "original", None, None),
    (snowflake("2016-03-02T20:07:00Z", 5), "2016-03-02T20:07:00.000Z", "5", "dan_sw", "Dan",
     "So true #SWChat https://t.co/qt", "quote", "Q1", "1"),
]
Q1_ID = TWEETS[0][0]
IDS = [t[0] for t in TWEETS]
USERS = {t[2]: (t[3], t[4]) for t in TWEETS}


def _parent(value: str | None) -> str | None:
    return Q1_ID if value == "Q1" else value


def v2_bytes() -> bytes:
    """The chat as one twarc2 page of X API v2 JSON."""
    data = []
    for tid, when, uid, _handle, _name, text, kind, parent, parent_author in TWEETS:
        tweet: dict = {"id": tid, "created_at": when, "author_id": uid, "text": text, "lang": "en"}
        hashtags = [w[1:] for w in text.split() if w.startswith("#")]
        mentions = [w[1:].rstrip(":") for w in text.split() if w.startswith("@")]
        entities: dict = {}
        if hashtags:
            entities["hashtags"] = [{"tag": h} for h in hashtags]
        if mentions:
            entities["mentions"] = [{"username": m} for m in mentions]
        if entities:
            tweet["entities"] = entities
        if kind == "reply":
            tweet["referenced_tweets"] = [{"type": "replied_to", "id": _parent(parent)}]
            tweet["in_reply_to_user_id"] = parent_author
        elif kind == "retweet":
            tweet["referenced_tweets"] = [{"type": "retweeted", "id": _parent(parent)}]
        elif kind == "quote":
            tweet["referenced_tweets"] = [{"type": "quoted", "id": _parent(parent)}]
        data.append(tweet)
    users = [{"id": uid, "username": h, "name": n} for uid, (h, n) in USERS.items()]
    page = {"data": data, "includes": {"users": users, "tweets": [data[0]]}}
    return orjson.dumps(page) + b"\n"


def v2_rows() -> dict[str, dict]:
    items = xv2.read(Source.from_bytes(v2_bytes(), name="chat.jsonl"))
    return {i.row["post_id"]: i.row for i in items if hasattr(i, "row") and hasattr(i, "context")
            and not i.context}


def write_csv(rows: list[list[str]], *, delimiter: str = ",", newline: str = "\n", bom: bool = False,
              encoding: str = "utf-8", sep_line: bool = False) -> bytes:
    out = io.StringIO()
    if sep_line:
        out.write(f"sep={delimiter}{newline}")
    csv.writer(out, delimiter=delimiter, lineterminator=newline).writerows(rows)
    data = out.getvalue()
    if newline == "\r\n":  # Excel writes CRLF inside quoted fields too
        data = data.replace("\r\n", "\n").replace("\n", "\r\n")
    return (b"\xef\xbb\xbf" if bom else b"") + data.encode(encoding)


# ----------------------------------------------------------------------------- Twitter Archiver

ARCHIVER_HEADER = ["Date", "Screen Name", "Full Name", "Tweet Text", "Tweet ID", "App", "Followers", "Follows",
                   "Retweets", "Favorites", "Verfied", "User Since", "Location", "Bio"]


def archiver_row(tweet: tuple, date: str = "3/2/16", tid: str | None = None) -> list[str]:
    tid_, _when, uid, handle, name, text, kind, *_ = tweet
    if kind == "retweet":
        text = text[:60] + "…"  # the sheet keeps the retweet's own, truncated text
    return [date, f"@{handle}", name, text, tid if tid is not None else tid_, "Twitter Web Client",
            str(100 * int(uid)), "50", "2" if uid == "1" else "0", "1", "No", "8/18/10", "Leeds, UK",
            f"Bio of {name}"]


def archiver_bytes(**kwargs) -> bytes:
    return write_csv([ARCHIVER_HEADER, *(archiver_row(t) for t in TWEETS)], **kwargs)


def test_archiver_sheet_rows(kit):
    items = kit.read_with(archiver_sheet, archiver_bytes(), name="histcomm.csv")
    assert items.kinds() == {"original": 3, "reply": 1, "retweet": 1}  # the quote cannot be told
    assert items.rejected == [] and len(items.accounts) == 5
    rows = items.rows()
    q1 = rows[Q1_ID]
    assert q1 == {
        "platform": "x", "post_id": Q1_ID, "url": f"https://twitter.com/SWChatHost/status/{Q1_ID}",
        "created_at": "2016-03-02T20:00:05.000Z",  # the id's second: the sheet gives the date only
        "author_id": "handle:swchathost", "author_handle": "SWChatHost", "author_name": "SWChat Host",
        "text": Q1_TEXT, "kind": "original", "is_quote": False, "reply_to_post_id": None,
        "reply_to_author_id": None, "reply_to_handle": None, "quoted_post_id": None, "retweeted_post_id": None,
        "conversation_id": None, "hashtags": ["SWChat"], "mentions": [], "urls": ["https://t.co/q1"],
        "lang": None, "source_app": "Twitter Web Client", "like_count": 1, "repost_count": 2,
        "reply_count": None, "quote_count": None, "collected_at": None, "is_context": False, "origin": None,
    }
    reply = rows[IDS[1]]
    assert (reply["kind"], reply["reply_to_post_id"], reply["reply_to_author_id"], reply["reply_to_handle"]) == (
        "reply", None, "handle:swchathost", "SWChatHost")
    assert reply["text"] == "@SWChatHost A1: the people,\nevery day #SWChat"
    rt = rows[IDS[2]]
    assert (rt["kind"], rt["retweeted_post_id"], rt["mentions"]) == ("retweet", None, ["SWChatHost"])
    assert rt["hashtags"] == ["SWChat"] and rt["urls"] == []  # the link was cut off with "…"
    assert rows[IDS[3]]["mentions"] == ["ann_sw", "bob_sw"]
    assert rows[IDS[3]]["hashtags"] == ["SWChat", "socialwork"]
    account = items.accounts[0].row
    assert account == {"platform": "x", "account_id": "handle:swchathost", "handle": "SWChatHost",
                       "name": "SWChat Host", "description": "Bio of SWChat Host", "followers": 100,
                       "following": 50, "location": "Leeds, UK", "created_at": "2010-08-18T00:00:00.000Z",
                       "snapshot_at": "2016-03-02T20:00:05.000Z"}
    assert orjson.loads(items.posts[0].raw)["Tweet ID"] == Q1_ID
    assert [p.line for p in items.posts] == [2, 3, 5, 6, 7]  # the reply's text spans two lines
    notes = " | ".join(n.message for n in items.notes)
    assert "inferred from the text" in notes
    assert "5 rows gave only a date" in notes and "read as UTC time (--tz)" in notes


def test_archiver_agrees_with_v2_where_the_sheet_has_the_fact(kit):
    v2 = v2_rows()
    sheet = kit.read_with(archiver_sheet, archiver_bytes()).rows()
    assert set(sheet) == set(v2)
    for pid, row in v2.items():
        mine = sheet[pid]
        for column in ("post_id", "created_at", "author_handle", "url"):
            assert mine[column] == row[column], (pid, column)
        assert (mine["kind"] == "retweet") == (row["kind"] == "retweet"), pid
        assert (mine["kind"] == "reply") == (row["kind"] == "reply"), pid
        assert mine["reply_to_handle"] == row["reply_to_handle"], pid
        assert mine["mentions"] == row["mentions"], pid
        if row["kind"] != "retweet":
            assert mine["text"] == row["text"] and mine["hashtags"] == row["hashtags"], pid
        else:
            assert row["text"].startswith(mine["text"].rstrip("…")), pid


def test_archiver_later_layout_and_excel_habits(kit):
    header = [*ARCHIVER_HEADER, "Profile Image", "Google Maps"]
    rows = [[*archiver_row(t), "http://pbs.twimg.com/p.jpg", ""] for t in TWEETS]
    data = write_csv([header, *rows], delimiter=";", newline="\r\n", bom=True)
    items = kit.read_with(archiver_sheet, data)
    assert len(items.posts) == 5 and items.rejected == []
    assert items.rows()[IDS[1]]["text"] == "@SWChatHost A1: the people,\nevery day #SWChat"  # CRLF undone
    # Excel's "Unicode text": UTF-16 with tabs, and a sep= line before a ;-separated one
    utf16 = write_csv([header, *rows], delimiter="\t", newline="\r\n").decode().encode("utf-16")
    assert kit.read_with(archiver_sheet, utf16).rows().keys() == items.rows().keys()
    sep = write_csv([header, *rows], delimiter=";", sep_line=True)
    with_sep = kit.read_with(archiver_sheet, sep)  # "sep=;" is two fields to the csv module
    assert with_sep.rows().keys() == items.rows().keys() and with_sep.rejected == []
    assert detect(Source.from_bytes(data)).name == "x-archiver-sheet"


def test_ids_a_spreadsheet_rounded_are_refused_never_stored_wrong(kit, tmp_path):
    rows = [archiver_row(t) for t in TWEETS]
    rows[1][4] = "7.03308E+17"
    rows[3][4] = "'" + rows[3][4]  # Excel's mark for "text", which kept the id whole
    data = write_csv([ARCHIVER_HEADER, *rows])
    items = kit.read_with(archiver_sheet, data)
    assert [(r.line, r.reason) for r in items.rejected] == [(3, SCIENTIFIC_REASON)]
    assert "7.03308E+17" in items.rejected[0].raw
    assert set(items.rows()) == {IDS[0], IDS[2], IDS[3], IDS[4]}
    # a whole column rounded to 15 digits and written out in full: every id refused
    rounded = [archiver_row(t, tid=t[0][:15] + "0" * (len(t[0]) - 15)) for t in TWEETS]
    items = kit.read_with(archiver_sheet, write_csv([ARCHIVER_HEADER, *rounded]))
    assert items.posts == [] and len(items.rejected) == 5
    assert all("rounded to 15 significant digits" in r.reason for r in items.rejected)
    path = tmp_path / "sheet.csv"
    path.write_bytes(data)
    with Archive(tmp_path / "a.db") as archive:
        (f,) = archive.ingest([path]).files
        assert (f.read, f.added, f.duplicates, f.rejected) == (5, 4, 0, 1)
        assert f.read == f.added + f.duplicates + f.rejected
        assert archive.rejected()[0]["reason"] == SCIENTIFIC_REASON
        stored = archive.posts()
        assert sorted(stored["post_id"]) == sorted([IDS[0], IDS[2], IDS[3], IDS[4]])


def test_bad_rows_are_rejected_with_line_and_reason_and_padding_skipped(kit):
    rows = [archiver_row(t) for t in TWEETS]
    rows[2][0] = "someday"
    rows[4][1] = ""
    data = write_csv([ARCHIVER_HEADER, *rows, [""] * 14, [""] * 14])
    items = kit.read_with(archiver_sheet, data)
    assert [(r.line, r.reason) for r in items.rejected] == [
        (5, "Date is not a time: 'someday'"), (7, "Screen Name is missing")]
    assert len(items.posts) == 3
    assert any(n.message == "2 empty rows were skipped" for n in items.notes)


def test_archiver_dates_with_times_are_taken_in_tz(kit):
    rows = [archiver_row(t, date="3/2/2016 15:00:05") for t in TWEETS[:1]]
    rows += [archiver_row(t, date="3/2/2016 15:02", tid=str(20 + i)) for i, t in enumerate(TWEETS[1:2])]
    source = Source.from_bytes(write_csv([ARCHIVER_HEADER, *rows]))
    items = kit.sort_items(archiver_sheet.read(source, tz="America/New_York"))
    times = [p.row["created_at"] for p in items.posts]
    assert times == ["2016-03-02T20:00:05.000Z", "2016-03-02T20:02:00.000Z"]  # EST is UTC-5
    notes = " | ".join(n.message for n in items.notes)
    assert "read as America/New_York time (--tz)" in notes
    # in the wrong zone, the ids tell: the note says by how much
    items = kit.sort_items(archiver_sheet.read(Source.from_bytes(write_csv([ARCHIVER_HEADER, *rows]))))
    assert items.posts[0].row["created_at"] == "2016-03-02T15:00:05.000Z"  # the sheet's time stands
    assert any("differs from the time in the X id (most often by +05:00)" in n.message for n in items.notes)


def test_date_only_rows_without_snowflake_ids_are_midnight_in_tz(kit):
    rows = [archiver_row(t, tid=str(1000 + i)) for i, t in enumerate(TWEETS)]
    source = Source.from_bytes(write_csv([ARCHIVER_HEADER, *rows]))
    items = kit.sort_items(archiver_sheet.read(source, tz="Europe/Berlin"))
    assert {p.row["created_at"] for p in items.posts} == {"2016-03-01T23:00:00.000Z"}


def test_dates_fitting_another_zone_are_noted(kit):
    # late-evening tweets in New York are dated the day before their UTC time
    late = [(snowflake(f"2016-03-03T0{h}:30:00Z", h), f"2016-03-03T0{h}:30:00.000Z", "2", "ann_sw", "Ann",
             f"A{h} #SWChat", "original", None, None) for h in range(1, 4)]
    early = [(snowflake("2016-03-02T12:00:00Z"), "", "2", "ann_sw", "Ann", "hi #SWChat", "original", None, None)]
    data = write_csv([ARCHIVER_HEADER, *(archiver_row(t, date="3/2/16") for t in [*early, *late])])
    items = kit.sort_items(archiver_sheet.read(Source.from_bytes(data)))
    assert [p.row["created_at"][:13] for p in items.posts] == [
        "2016-03-02T12", "2016-03-03T01", "2016-03-03T02", "2016-03-03T03"]
    assert any("fit a zone between" in n.message and "not UTC" in n.message for n in items.notes)
    items = kit.sort_items(archiver_sheet.read(Source.from_bytes(data), tz="America/New_York"))
    assert not any("fit a zone" in n.message for n in items.notes)


def test_sniffing_and_refusals():
    assert archiver_sheet.sniff(Source.from_bytes(archiver_bytes()).head()) is True
    assert rtweet_csv.sniff(Source.from_bytes(archiver_bytes()).head()) is None
    assert archiver_sheet.sniff(Source.from_bytes(rtweet_bytes()).head()) is None
    assert detect(Source.from_bytes(rtweet_bytes())).name == "x-rtweet-csv"
    users = write_csv([["user_id", "screen_name", "name", "followers_count", "friends_count"], ["x1", "a", "A", "1", "2"]])
    with pytest.raises(InputFormatError, match="users file of rtweet"):
        detect(Source.from_bytes(users, name="users.csv"))
    unknown = write_csv([["when", "who", "what"], ["1", "2", "3"]])
    with pytest.raises(InputFormatError, match=r"unknown\.csv: a CSV file of no format swchat knows "
                                               r"\(its columns: 'when', 'who', 'what'\); map them with --columns"):
        detect(Source.from_bytes(unknown, name="unknown.csv"))
    # the mapped format never claims a file by itself
    assert csv_mapped.sniff(Source.from_bytes(archiver_bytes()).head()) is not True


# ----------------------------------------------------------------------------- rtweet

RTWEET_HEADER = list(RTWEET_COLUMNS)  # the 90 columns of rtweet 0.7, as the sample writes them


def rtweet_row(tweet: tuple, *, status_id: str | None = None) -> list[str]:
    tid, when, uid, handle, name, text, kind, parent, parent_author = tweet
    values = dict.fromkeys(RTWEET_HEADER, "")
    q1 = TWEETS[0]
    body = text.replace("&", "&amp;")
    hashtags = " ".join(w[1:] for w in text.split() if w.startswith("#"))
    mentions = [w[1:].rstrip(":") for w in text.split() if w.startswith("@")]
    if kind == "retweet":
        body = q1[5].replace("&", "&amp;")  # rtweet keeps the original's full text
        hashtags = ""  # and the retweet's own (truncated) entities
        values.update(retweet_status_id=f"x{q1[0]}", retweet_text=body, retweet_created_at=q1[1][:19].replace("T", " "),
                      retweet_source="Twitter Web App", retweet_favorite_count="3", retweet_retweet_count="1",
                      retweet_user_id="x1", retweet_screen_name="SWChatHost", retweet_name="SWChat Host",
                      retweet_followers_count="100", retweet_friends_count="50", retweet_location="Leeds, UK",
                      retweet_description="Bio of SWChat Host", retweet_verified="FALSE")
    if kind == "quote":
        values.update(quoted_status_id=f"x{q1[0]}", quoted_text=q1[5], quoted_created_at=q1[1][:19].replace("T", " "),
                      quoted_user_id="x1", quoted_screen_name="SWChatHost", quoted_name="SWChat Host")
    if kind == "reply":
        values.update(reply_to_status_id=f"x{_parent(parent)}", reply_to_user_id=f"x{parent_author}",
                      reply_to_screen_name="SWChatHost")
    values.update(
        user_id=f"x{uid}", status_id=status_id if status_id is not None else f"x{tid}",
        created_at=when[:19].replace("T", " "), screen_name=handle, text=body, source="Twitter Web App",
        display_text_width=str(len(text)), is_quote="TRUE" if kind == "quote" else "FALSE",
        is_retweet="TRUE" if kind == "retweet" else "FALSE", favorite_count="0", retweet_count="1",
        hashtags=hashtags, mentions_user_id=" ".join(f"x{n}" for n, _ in enumerate(mentions, 10)),
        mentions_screen_name=" ".join(mentions), lang="en", geo_coords="NA NA", coords_coords="NA NA",
        bbox_coords="NA NA NA NA NA NA NA NA", status_url=f"https://twitter.com/{handle}/status/{tid}",
        name=name, location="Leeds", description=f"Bio of {name}", protected="FALSE",
        followers_count=str(100 * int(uid)), friends_count="50", listed_count="1", statuses_count="10",
        favourites_count="5", account_created_at="2010-08-18 10:00:00", verified="FALSE",
    )
    if "https://t.co/q1" in text and kind != "retweet":
        values.update(urls_url="example.org/q1", **{"urls_t.co": "https://t.co/q1"},
                      urls_expanded_url="https://example.org/q1")
    return [values[c] for c in RTWEET_HEADER]


def rtweet_bytes(**kwargs) -> bytes:
    return write_csv([RTWEET_HEADER, *(rtweet_row(t) for t in TWEETS)], **kwargs)


def test_rtweet_rows_and_context(kit):
    items = kit.read_with(rtweet_csv, rtweet_bytes(), name="chat.csv")
    assert items.kinds() == {"original": 2, "reply": 1, "retweet": 1, "quote": 1}
    assert items.rejected == []
    assert [(p.row["post_id"], p.row["is_context"]) for p in items.context] == [(Q1_ID, False), (Q1_ID, False)]
    rows = items.rows()
    rt = rows[IDS[2]]
    assert rt["text"] == "RT @SWChatHost: " + Q1_TEXT
    assert (rt["retweeted_post_id"], rt["mentions"], rt["hashtags"]) == (Q1_ID, ["SWChatHost"], ["SWChat"])
    reply = rows[IDS[1]]
    assert (reply["reply_to_post_id"], reply["reply_to_author_id"], reply["reply_to_handle"]) == (
        Q1_ID, "1", "SWChatHost")
    assert reply["text"] == "@SWChatHost A1: the people,\nevery day #SWChat"
    quote = rows[IDS[4]]
    assert (quote["kind"], quote["is_quote"], quote["quoted_post_id"]) == ("quote", True, Q1_ID)
    assert rows[IDS[3]]["text"] == "Thanks @ann_sw & @bob_sw for a great #SWChat #socialwork"  # &amp; undone
    assert rows[Q1_ID]["urls"] == ["https://example.org/q1"]
    assert rows[Q1_ID]["author_id"] == "1" and rows[Q1_ID]["created_at"] == "2016-03-02T20:00:05.000Z"
    context = items.context[0].row
    assert (context["author_id"], context["author_handle"], context["text"], context["like_count"]) == (
        "1", "SWChatHost", Q1_TEXT, 3)
    host = [a.row for a in items.accounts if a.row["account_id"] == "1"]
    assert host[0]["followers"] == 100 and host[0]["created_at"] == "2010-08-18T10:00:00.000Z"
    assert orjson.loads(items.posts[0].raw)["status_id"] == f"x{Q1_ID}"


def test_rtweet_agrees_with_v2(kit):
    v2 = v2_rows()
    mine = kit.read_with(rtweet_csv, rtweet_bytes()).rows()
    assert set(mine) == set(v2)
    columns = ("post_id", "created_at", "author_id", "author_handle", "kind", "is_quote", "reply_to_post_id",
               "reply_to_author_id", "reply_to_handle", "quoted_post_id", "retweeted_post_id", "text",
               "hashtags", "mentions", "url")
    assert [(pid, c, v2[pid][c], mine[pid][c]) for pid in v2 for c in columns if v2[pid][c] != mine[pid][c]] == []


def test_rtweet_excel_habits(kit, tmp_path):
    rows = [rtweet_row(t) for t in TWEETS]
    rows[3] = rtweet_row(TWEETS[3], status_id="1.32901E+18")  # prepend_ids = FALSE, then Excel
    data = write_csv([RTWEET_HEADER, *rows], delimiter=";", newline="\r\n", bom=True)
    items = kit.read_with(rtweet_csv, data)
    assert [(r.line, r.reason) for r in items.rejected] == [(6, SCIENTIFIC_REASON)]  # the reply spans 2 lines
    assert len(items.posts) == 4
    assert items.rows()[IDS[1]]["text"] == "@SWChatHost A1: the people,\nevery day #SWChat"
    path = tmp_path / "rtweet.csv"
    path.write_bytes(data)
    with Archive(tmp_path / "a.db") as archive:
        (f,) = archive.ingest([path]).files
    assert (f.format, f.read, f.added, f.duplicates, f.rejected, f.context) == ("x-rtweet-csv", 5, 4, 0, 1, 0)


def test_rtweet_excel_re_saved_times_take_the_id_seconds(kit):
    rows = [rtweet_row(t) for t in TWEETS]
    for row in rows:  # Excel shows (and saves) 3/2/2016 20:00
        when = datetime.fromisoformat(row[2])
        row[2] = f"{when.month}/{when.day}/{when.year} {when.hour}:{when.minute:02d}"
    items = kit.read_with(rtweet_csv, write_csv([RTWEET_HEADER, *rows]))
    assert [p.row["created_at"] for p in items.posts] == [t[1] for t in TWEETS]


# ----------------------------------------------------------------------------- any CSV, mapped

MAPPING = "id=Tweet ID,text=Tweet Text,author=Screen Name,time=Date"


def test_mapped_csv_reads_like_the_archiver_sheet(kit):
    source = Source.from_bytes(archiver_bytes())
    mapped = kit.sort_items(csv_mapped.read(source, columns=MAPPING))
    sheet = kit.sort_items(archiver_sheet.read(source))
    columns = ("post_id", "created_at", "author_id", "author_handle", "kind", "reply_to_handle",
               "reply_to_author_id", "text", "hashtags", "mentions", "urls")
    assert {p: {c: r[c] for c in columns} for p, r in mapped.rows().items()} == {
        p: {c: r[c] for c in columns} for p, r in sheet.rows().items()}
    assert any("inferred from the text: kind, hashtags, mentions" in n.message for n in mapped.notes)


def test_mapped_csv_with_reference_columns_agrees_with_v2(kit):
    header = ["id", "created", "user_id", "user", "text", "in_reply_to", "retweeted", "quoted"]
    rows = [[tid, when, uid, handle, text, _parent(parent) if kind == "reply" else "",
             _parent(parent) if kind == "retweet" else "", _parent(parent) if kind == "quote" else ""]
            for tid, when, uid, handle, _name, text, kind, parent, _pa in TWEETS]
    mapping = {"id": "id", "time": "created", "author_id": "user_id", "author": "user", "text": "text",
               "reply_to": "in_reply_to", "retweet_of": "retweeted", "quote_of": "quoted"}
    source = Source.from_bytes(write_csv([header, *rows], delimiter=";", newline="\r\n", bom=True))
    mine = kit.sort_items(csv_mapped.read(source, columns=mapping)).rows()
    v2 = v2_rows()
    columns = ("post_id", "created_at", "author_id", "author_handle", "kind", "is_quote", "reply_to_post_id",
               "quoted_post_id", "retweeted_post_id", "hashtags", "url")
    assert [(pid, c, v2[pid][c], mine[pid][c]) for pid in v2 for c in columns if v2[pid][c] != mine[pid][c]] == []


def test_mapped_optional_fields(kit):
    header = ["tid", "posted", "user", "uid", "body", "parent", "type", "tags", "language", "rt_of"]
    rows = [
        ["'11", "2026-09-02 19:00:00", "host", "1", "Q1: hello #SWChat", "", "tweet", "SWChat", "en", ""],
        ["12", "2026-09-02T19:01:00+01:00", "@ann", "2", "@host A1 #SWChat", "11", "", "#SWChat;#sw", "en", ""],
        ["13", "1788375720", "bob", "3", "a thought", "", "", "", "en", ""],  # epoch seconds
        ["14", "2026-09-02 19:03", "cat", "4", "RT @host: Q1: hello", "", "retweeted", "", "", "11"],
        ["15", "2026-09-02 19:04", "dan", "5", "@host later", "", "", "", "", ""],
        ["16", "2026-09-02 19:05", "eve", "6", "hm", "", "boosted?", "", "", ""],
    ]
    mapping = {"id": "tid", "time": "posted", "author": "user", "author_id": "uid", "text": "body",
               "reply_to": "parent", "kind": "type", "hashtags": "tags", "lang": "language", "retweet_of": "rt_of"}
    source = Source.from_bytes(write_csv([header, *rows]))
    items = kit.sort_items(csv_mapped.read(source, columns=mapping, tz="Europe/London"))
    rows_ = items.rows()
    assert rows_["11"]["created_at"] == "2026-09-02T18:00:00.000Z"  # BST
    assert (rows_["12"]["kind"], rows_["12"]["reply_to_post_id"], rows_["12"]["author_id"]) == ("reply", "11", "2")
    assert rows_["12"]["created_at"] == "2026-09-02T18:01:00.000Z" and rows_["12"]["hashtags"] == ["SWChat", "sw"]
    assert rows_["13"]["created_at"] == "2026-09-02T19:02:00.000Z"
    assert (rows_["14"]["kind"], rows_["14"]["retweeted_post_id"], rows_["14"]["mentions"]) == (
        "retweet", "11", ["host"])
    # replies are mapped (reply_to), so a leading @ alone does not make one
    assert rows_["15"]["kind"] == "original" and rows_["15"]["lang"] is None
    assert [(r.line, r.reason) for r in items.rejected] == [
        (7, "kind 'boosted?' is not one of original, reply, retweet, quote")]


def test_mapping_file_and_bad_mappings(tmp_path):
    path = tmp_path / "mapping.txt"
    path.write_text("# my sheet\nid = Tweet ID\ntext=Tweet Text\n\nauthor=Screen Name\ntime=Date\n")
    assert csv_mapped.column_mapping(str(path)) == {
        "id": "Tweet ID", "text": "Tweet Text", "author": "Screen Name", "time": "Date"}
    for spec, message in [("id=a,text=b,author=c,time=d,colour=e", "unknown field 'colour'"),
                          ("id=a,text=b,author=c,time=d,id=e", "names 'id' twice"),
                          ("id=a,text=b,author", "'author' in the column mapping is not field=Column"),
                          ("id=a,text=b", "has no author, time"),
                          (str(tmp_path / "nope.txt"), "cannot read the column mapping")]:
        with pytest.raises(InputFormatError, match=message):
            csv_mapped.column_mapping(spec)


def test_missing_mapped_column_lists_the_header(tmp_path):
    path = tmp_path / "sheet.csv"
    path.write_bytes(archiver_bytes())
    with Archive(tmp_path / "a.db") as archive:
        (f,) = archive.ingest([path], columns="id=Tweet ID,text=Text,author=Screen Name,time=Date").files
    assert f.error == (f"{path} has no column 'Text' (for text); its columns are: "
                       + ", ".join(repr(c) for c in ARCHIVER_HEADER))
    with Archive(tmp_path / "a.db") as archive, pytest.raises(InputFormatError, match="not as x-v2"):
        archive.ingest([path], format="x-v2", columns=MAPPING)


# ----------------------------------------------------------------------------- the command line


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_cli_ingest_tz_and_columns(tmp_path):
    sheet = tmp_path / "sheet.csv"
    rows = [archiver_row(t, date="3/2/2016 15:00:05") for t in TWEETS[:1]]
    sheet.write_bytes(write_csv([ARCHIVER_HEADER, *rows]))
    db = tmp_path / "a.db"
    res = run("ingest", sheet, "--archive", db, "--tz", "America/New_York", "--json")
    assert res.exit_code == 0, res.output
    (f,) = json.loads(res.stdout)["files"]
    assert (f["format"], f["read"], f["added"]) == ("x-archiver-sheet", 1, 1)
    assert "read as America/New_York time (--tz)" in res.stderr
    with Archive(db) as archive:
        assert archive.posts()["created_at"].iloc[0] == datetime(2016, 3, 2, 20, 0, 5, tzinfo=UTC)
        assert any("America/New_York" in n for n in archive.sources()[0]["notes"])
    other = tmp_path / "other.csv"
    other.write_bytes(write_csv([["when", "who", "what", "tid"],
                                 ["2016-03-02 20:00", "ann", "hello #SWChat", "9"]]))
    res = run("ingest", other, "--archive", db)
    assert res.exit_code == 1 and "map them with --columns" in res.output
    res = run("ingest", other, "--archive", db, "--columns", "id=tid,text=what,author=who,time=when", "--json")
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["files"][0]["format"] == "csv-mapped"
    mapping = tmp_path / "mapping.txt"
    mapping.write_text("id=tid\ntext=what\nauthor=who\ntime=when\n")
    res = run("ingest", other, "--archive", db, "--columns", mapping, "--json")
    assert res.exit_code == 0 and json.loads(res.stdout)["total"]["duplicates"] == 1


def test_cli_usage_errors(tmp_path):
    sheet = tmp_path / "sheet.csv"
    sheet.write_bytes(archiver_bytes())
    db = tmp_path / "a.db"
    for args, message in [
        (["--tz", "Mars/Olympus"], "unknown time zone 'Mars/Olympus'"),
        (["--tz", " "], "--tz"),
        (["--columns", "id=a"], "the column mapping has no text, author, time"),
        (["--columns", MAPPING, "--format", "x-v2"], "it does not go with --format x-v2"),
        (["--format", "csv-mapped"], "the csv-mapped format needs --columns"),
    ]:
        res = run("ingest", sheet, "--archive", db, *args)
        assert res.exit_code == 2, (args, res.output)
        assert message in res.output and "Traceback" not in res.output
    assert not db.exists()
    res = run("ingest", sheet, "--archive", db, "--columns", "id=Tweet ID,text=Text,author=Screen Name,time=Date")
    assert res.exit_code == 1
    assert "has no column 'Text' (for text); its columns are: 'Date', 'Screen Name'" in res.output


# ----------------------------------------------------------------------------- helpers


def test_id_and_time_helpers():
    assert x_id('="1329011017389469696"', "id") == "1329011017389469696"
    assert x_id("12.0", "id") == "12"
    with pytest.raises(ValueError, match="decimal number"):
        x_id("703308686068834304.0", "id")
    with pytest.raises(ValueError, match="not an X id"):
        x_id("abc", "id")
    assert snowflake_time(snowflake("2016-03-02T20:00:05Z", 7)) == datetime(2016, 3, 2, 20, 0, 5, tzinfo=UTC)
    clock = Clock("Europe/Berlin")
    assert clock.time("26.02.2016 21:00") == "2016-02-26T20:00:00.000Z"
    assert clock.time("Feb 26, 2016 9:00 PM") == "2016-02-26T20:00:00.000Z"
    assert clock.time("42426.875") == "2016-02-26T20:00:00.000Z"  # Excel's day number
    assert clock.time("2016-02-26T21:00:00Z") == "2016-02-26T21:00:00.000Z"
    # 1/2/2016: the id decides between 1 February and 2 January
    assert Clock().time("1/2/2016", snowflake("2016-02-01T10:00:00Z")) == "2016-02-01T10:00:00.000Z"
    assert Clock().time("2/1/2016", snowflake("2016-02-01T10:00:00Z")) == "2016-02-01T10:00:00.000Z"
    with pytest.raises(ValueError, match="not a time"):
        clock.time("13/13/2016")


# ----------------------------------------------------------------------------- real exports


@pytest.mark.realdata
def test_real_twitter_archiver_sheet(realdata, tmp_path):
    path = realdata("x-sheets", "twitter-archiver_histcomm.csv")
    with Archive(tmp_path / "a.db") as archive:
        (f,) = archive.ingest([path]).files
        assert (f.format, f.read, f.added, f.duplicates, f.rejected) == ("x-archiver-sheet", 1861, 1861, 0, 0)
        assert "10 empty rows were skipped" in f.notes
        assert any("fit a zone between UTC−06:43 and UTC−05:12, not UTC" in n for n in f.notes)
        posts = archive.posts().set_index("post_id")
        assert posts["kind"].value_counts().to_dict() == {"retweet": 1052, "original": 785, "reply": 24}
        first = posts.loc["703308686068834307"]
        assert (first["author_handle"], first["author_id"], first["source_app"]) == (
            "UMassHistory", "handle:umasshistory", "Twuffer")
        assert first["created_at"] == datetime(2016, 2, 26, 20, 0, 32, tzinfo=UTC)
        reply = posts.loc["704319415291138048"]
        assert (reply["kind"], reply["reply_to_handle"], list(reply["mentions"])) == (
            "reply", "kelcyshepherd", ["kelcyshepherd", "UMassHistory"])
        rt = posts.loc["704282541654720513"]
        assert (rt["kind"], list(rt["mentions"]), list(rt["hashtags"])) == (
            "retweet", ["juliegpeterson", "UMassHistory", "rebeccaonion", "GHAUmass"], [])  # "#HistCom…" cut
        accounts = archive.accounts().set_index("account_id")
        assert accounts.loc["handle:umasshistory", "followers"] == 722
    with Archive(tmp_path / "b.db") as archive:
        (f,) = archive.ingest([path], tz="America/Chicago").files
        assert f.added == 1861 and not any("fit a zone" in n for n in f.notes)


@pytest.mark.realdata
def test_real_rtweet_csv(realdata, tmp_path):
    path = realdata("x-sheets", "rtweet_COP26Action.csv")
    items = list(rtweet_csv.read(Source.from_arg(path)))
    posts = {i.row["post_id"]: i.row for i in items if hasattr(i, "context") and not i.context}
    # rtweet writes UTC: every time is its id's second
    assert all(r["created_at"] == snowflake_time(pid).strftime("%Y-%m-%dT%H:%M:%S.000Z") for pid, r in posts.items())
    first = posts["1329011017389469696"]
    assert (first["kind"], first["author_id"], first["retweeted_post_id"]) == (
        "retweet", "58760913", "1329009540621365249")
    assert first["text"].startswith("RT @COP26: Today, UK PM @BorisJohnson announced an ambitious")
    assert first["mentions"] == ["COP26", "BorisJohnson"] and first["hashtags"] == ["COP26Action"]
    reply = posts["1327153266682175491"]
    assert (reply["kind"], reply["reply_to_post_id"], reply["reply_to_handle"]) == (
        "reply", "1327152306970910723", "SeanMelbourne2")
    quote = posts["1329010636383195136"]
    assert (quote["kind"], quote["quoted_post_id"]) == ("quote", "1328999061882626048")
    assert quote["urls"] == ["https://bit.ly/3kGbAhb", "https://twitter.com/10DowningStreet/status/1328999061882626048"]
    with Archive(tmp_path / "a.db") as archive:
        (f,) = archive.ingest([path]).files
        assert (f.format, f.read, f.added, f.rejected) == ("x-rtweet-csv", 424, 424 - f.duplicates, 0)
        assert f.read == f.added + f.duplicates + f.rejected
        assert archive.stats()["by_kind"] == {"retweet": 381, "original": 31, "quote": 9, "reply": 3}


class _Forgetting(dict):
    """A memory of account snapshots that keeps nothing: every row's is made afresh."""

    def __setitem__(self, key, value) -> None:
        pass


def test_rtweet_account_snapshots_met_before_are_the_ones_made_afresh(kit, monkeypatch):
    """An rtweet row repeats its author's columns (and a retweet's or quote's author's): a snapshot
    made of the same cells is not made again, unless the clock has learned meanwhile that dates
    are day first (``03/04/2010`` is then the 3rd of April). Each keeps its own row's time."""
    header = ["user_id", "status_id", "created_at", "screen_name", "text", "is_retweet", "name",
              "account_created_at", "followers_count"]
    rows = [["x9", snowflake("2016-02-25T10:00:00Z", 1), "2016-02-25 10:00:00", "ann", "A1 #SWChat", "FALSE",
             "Ann", "03/04/2010", "10"],
            ["x9", snowflake("2016-02-26T10:00:00Z", 2), "26/02/2016 10:00:00", "ann", "A2 #SWChat", "FALSE",
             "Ann", "03/04/2010", "10"],  # a day over 12: the clock learns the sheet is day first
            ["x9", snowflake("2016-02-27T10:00:00Z", 3), "2016-02-27 10:00:00", "ann", "A3 #SWChat", "FALSE",
             "Ann", "03/04/2010", "11"]]
    data = write_csv([header, *rows])

    def snapshots() -> list[tuple]:
        items = rtweet_csv.read(Source.from_bytes(data))
        return [(i.row["created_at"], i.row["followers"], i.row["snapshot_at"]) for i in items
                if i.__class__.__name__ == "Account"]

    remembered = snapshots()
    assert remembered == [("2010-03-04T00:00:00.000Z", 10, "2016-02-25T10:00:00.000Z"),
                          ("2010-04-03T00:00:00.000Z", 10, "2016-02-26T10:00:00.000Z"),
                          ("2010-04-03T00:00:00.000Z", 11, "2016-02-27T10:00:00.000Z")]
    made = rtweet_csv._Sheet.__init__

    def forgetting(self, *args) -> None:
        made(self, *args)
        self.accounts = _Forgetting()

    monkeypatch.setattr(rtweet_csv._Sheet, "__init__", forgetting)
    assert snapshots() == remembered
    sample = write_rtweet_csv_bytes()
    fresh = [(i.__class__.__name__, getattr(i, "row", None)) for i in rtweet_csv.read(Source.from_bytes(sample))]
    monkeypatch.undo()
    assert [(i.__class__.__name__, getattr(i, "row", None)) for i in rtweet_csv.read(Source.from_bytes(sample))] == fresh
    assert sum(kind == "Account" for kind, _ in fresh) > 2 * len({row["account_id"] for kind, row in fresh
                                                                   if kind == "Account"})


def write_rtweet_csv_bytes() -> bytes:
    """A generated chat as rtweet writes it (authors repeated, retweets and quotes)."""
    import tempfile
    from pathlib import Path

    from swchat.sample import generate, write_rtweet_csv

    with tempfile.TemporaryDirectory() as folder:
        return write_rtweet_csv(generate(seed=3, sessions=3, posts=600), Path(folder) / "r.csv").read_bytes()


def test_a_date_met_again_after_the_clock_learns_the_order_is_read_anew():
    clock = Clock()
    assert clock.date("03/04/2010") == "2010-03-04T00:00:00.000Z"  # month first, knowing no better
    assert clock.date("03/04/2010") == "2010-03-04T00:00:00.000Z"
    clock.time("26/02/2016 10:00")  # the clock learns: day first
    assert clock.date("03/04/2010") == "2010-04-03T00:00:00.000Z"


def test_an_ambiguous_date_met_again_is_read_by_each_row_s_own_id():
    """A clock reads a repeated date once, but not an ambiguous one its row's id decides."""
    clock = Clock()
    january, february = snowflake("2016-01-02T10:00:00Z"), snowflake("2016-02-01T10:00:00Z")
    assert clock.time("1/2/2016", january) == "2016-01-02T10:00:00.000Z"
    assert clock.time("1/2/2016", february) == "2016-02-01T10:00:00.000Z"
    assert clock.time("1/2/2016", january) == "2016-01-02T10:00:00.000Z"
    assert clock.day_first is None  # nothing learned: each row's id told


def test_an_ambiguous_date_read_first_without_an_id_is_still_read_by_a_later_row_s_id():
    """A date read without an id (an account's creation, a row with no X id) is read month first;
    the same text in a row whose id says otherwise is read as that row's id tells, as a fresh
    clock reads it."""
    february = snowflake("2016-02-01T10:00:00Z")
    clock = Clock()
    assert clock.date("1/2/2016 10:00") == "2016-01-02T10:00:00.000Z"  # month first, knowing no better
    assert clock.time("1/2/2016 10:00", february) == Clock().time("1/2/2016 10:00", february) \
        == "2016-02-01T10:00:00.000Z"


_MARKS = st.sampled_from(["#", "＃", "@", "＠", "://", "http://", "HTTPS://t.co/", "#SWChat", "@ann_sw", " ", "\n",
                          "&", "!", "a", "é", "1", "_", ".", ",", "…", "/"])


@settings(max_examples=400, deadline=None)
@given(st.lists(_MARKS, max_size=24).map("".join))
def test_text_entities_finds_what_searching_every_text_finds(text):
    """Texts without a pattern's mark (``#``, ``@``, ``://``) are not searched for it: the same
    hashtags, mentions and links as searching every text, match by match."""
    import re

    from swchat.readers.common import unique
    from swchat.readers.sheets import _TRAILING_PUNCT, _text_forms, text_entities

    body = text.rstrip()
    if body.endswith("…"):
        body = re.sub(r"\S*…$", "", body)
    hashtag, mention, url, _ = _text_forms()
    searched = ([], [], []) if not text else (
        unique(m.group(1) for m in hashtag.finditer(body)), unique(m.group(1) for m in mention.finditer(body)),
        unique(m.group(0).rstrip(_TRAILING_PUNCT) for m in url.finditer(body)))
    assert text_entities(text) == searched
