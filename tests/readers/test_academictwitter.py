"""academictwitteR's split layout: ``data_<id>.json`` (a bare array of v2 tweets) + ``users_<id>.json``.

The files are written here the way the R package writes them (jsonlite from a data frame: one
line, keys in any order, empty lists as ``{}``); the real folder in
../shared/realdata/x-split-academictwitteR is read too (skipped when absent), never copied.
"""

from __future__ import annotations

import json
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

from swchat import Archive
from swchat.cli import main
from swchat.errors import InputFormatError
from swchat.readers import academictwitter, detect, expand_inputs, xv2
from swchat.readers.base import Source

USERS = [{"id": "1", "username": "SWChatHost", "name": "SWChat Host", "location": "UK",
          "created_at": "2012-01-02T10:00:00.000Z", "public_metrics": {"followers_count": 2500, "following_count": 3}},
         {"id": "2", "username": "ann_sw", "name": "Ann"},
         {"id": "3", "username": "bob_sw", "name": "Bob"}]
Q1 = {"id": "100", "text": "Q1: what helps you switch off after a hard visit? and more words #SWChat",
      "author_id": "1", "created_at": "2026-09-02T19:00:00.000Z", "conversation_id": "100",
      "entities": {"hashtags": [{"start": 60, "end": 67, "tag": "SWChat"}]}}
TWEETS = [
    {"id": "101", "text": "@SWChatHost A1: walking &amp; tea #SWChat", "author_id": "2",
     "created_at": "2026-09-02T19:02:00.000Z", "conversation_id": "100", "in_reply_to_user_id": "1",
     "referenced_tweets": [{"type": "replied_to", "id": "100"}], "lang": "en", "source": "Twitter Web App",
     "entities": {"hashtags": [{"tag": "SWChat"}], "mentions": [{"username": "SWChatHost", "id": "1"}]},
     "public_metrics": {"retweet_count": 1, "reply_count": 0, "like_count": 4, "quote_count": 0}},
    {"id": "102", "text": "RT @SWChatHost: Q1: what helps you switch off after a hard…", "author_id": "3",
     "created_at": "2026-09-02T19:03:00.000Z", "referenced_tweets": [{"type": "retweeted", "id": "100"}],
     "entities": {"mentions": [{"username": "SWChatHost"}]}},
    {"id": "103", "text": "So true #SWChat https://t.co/x", "author_id": "3", "created_at": "2026-09-02T19:04:00.000Z",
     "referenced_tweets": [{"type": "quoted", "id": "101"}],
     "entities": {"hashtags": [{"tag": "SWChat"}],
                  "urls": [{"url": "https://t.co/x", "expanded_url": "https://example.org/a"}]}},
    {"id": "104", "text": "Welcome all to #SWChat", "author_id": "1", "created_at": "2026-09-02T19:05:00.000Z",
     "entities": {"hashtags": [{"tag": "SWChat"}]}},
]
INCLUDES = {"users": USERS, "tweets": [Q1, TWEETS[0]]}


def r_style(tweet: dict, first: str) -> dict:
    """A tweet as jsonlite writes a data frame row: ``first`` leads, empty lists become ``{}``."""
    out = {first: tweet[first], **{k: v for k, v in tweet.items() if k != first}}
    out.setdefault("referenced_tweets", {})
    out.setdefault("entities", {})
    out["entities"] = {"annotations": {}, "urls": {}, **out["entities"]}
    return out


def write_pair(folder: Path, suffix: str, tweets: list[dict], includes: dict | None = None,
               bom: bool = False) -> Path:
    rows = [r_style(t, "author_id" if i % 2 else "text") for i, t in enumerate(tweets)]
    data = folder / f"data_{suffix}.json"
    data.write_bytes((b"\xef\xbb\xbf" if bom else b"") + orjson.dumps(rows) + b"\n")  # one line, as R writes it
    if includes is not None:
        (folder / f"users_{suffix}.json").write_bytes((b"\xef\xbb\xbf" if bom else b"") + orjson.dumps(includes))
    return data


def _v2_items(kit):
    page = {"data": TWEETS, "includes": INCLUDES}
    return kit.sort_items(xv2.read(Source.from_bytes(orjson.dumps(page) + b"\n")))


def test_folder_agrees_with_the_same_tweets_as_a_v2_page(tmp_path, kit):
    write_pair(tmp_path, "104", TWEETS, INCLUDES)
    (tmp_path / "query").write_text("#SWChat\n2026-09-02T00:00:00Z\n")
    (source,) = expand_inputs([tmp_path])
    assert source.companions == [tmp_path / "users_104.json"]
    assert detect(source).name == "academictwitter"
    items = kit.sort_items(academictwitter.read(source))
    v2 = _v2_items(kit)
    assert items.rows() == v2.rows()  # every column, the same
    assert [p.line for p in items.posts] == [1, 2, 3, 4]  # the position in the array
    assert [p.row["post_id"] for p in items.context] == ["100"]  # 101 is in the data itself
    assert [p.row for p in items.context] == [p.row for p in v2.context]
    assert {a.row["account_id"]: a.row for a in items.accounts} == {a.row["account_id"]: a.row for a in v2.accounts}
    rows = items.rows()
    assert rows["101"]["author_handle"] == "ann_sw" and rows["101"]["reply_to_handle"] == "SWChatHost"
    assert rows["101"]["text"] == "@SWChatHost A1: walking & tea #SWChat"
    assert rows["102"]["kind"] == "retweet" and rows["102"]["text"] == "RT @SWChatHost: " + Q1["text"]
    assert (rows["103"]["kind"], rows["103"]["quoted_post_id"], rows["103"]["urls"]) == (
        "quote", "101", ["https://example.org/a"])
    assert not items.rejected and not items.notes


def test_data_file_named_alone_finds_its_users_file(tmp_path, kit):
    data = write_pair(tmp_path, "7", TWEETS, INCLUDES)
    source = Source.from_arg(data)  # no expand_inputs: the reader looks beside it
    assert detect(source).name == "academictwitter"
    assert kit.sort_items(academictwitter.read(source)).rows() == _v2_items(kit).rows()
    # as with --format academictwitter
    assert kit.sort_items(detect(source, "academictwitter").read(source)).rows() == _v2_items(kit).rows()


def test_data_file_without_users_is_read_with_a_note(tmp_path, kit):
    data = write_pair(tmp_path, "8", TWEETS)
    items = kit.sort_items(academictwitter.read(Source.from_arg(data)))
    assert len(items.posts) == 4 and not items.accounts and not items.context
    assert items.rows()["101"]["author_handle"] is None and items.rows()["101"]["author_id"] == "2"
    (note,) = items.notes
    assert "users_<id>.json" in note.message


def test_users_file_alone_gives_accounts_and_context(tmp_path, kit):
    (tmp_path / "users_9.json").write_bytes(orjson.dumps(INCLUDES))
    (source,) = expand_inputs([tmp_path])
    assert detect(source).name == "academictwitter"
    items = kit.sort_items(academictwitter.read(source))
    assert not items.posts and [a.row["handle"] for a in items.accounts] == ["SWChatHost", "ann_sw", "bob_sw"]
    assert [(p.row["post_id"], p.row["author_handle"]) for p in items.context] == [
        ("100", "SWChatHost"), ("101", "ann_sw")]
    with Archive(tmp_path / "a.db") as archive:
        (f,) = archive.ingest([tmp_path]).files
        assert (f.format, f.read, f.added, f.context, f.accounts) == ("academictwitter", 0, 0, 2, 3)


def test_key_order_and_pretty_printing_do_not_matter(kit):
    for first in ("id", "text", "author_id", "created_at", "entities"):
        rows = [r_style(t, first) for t in TWEETS]
        for data in (orjson.dumps(rows), json.dumps(rows, indent=2).encode()):
            assert academictwitter.sniff(Source.from_bytes(data, name="data_1.json").head()) is True, first
    empty = Source.from_bytes(b"[]\n", name="folder/data_5.json")
    assert detect(empty).name == "academictwitter"
    assert [type(i).__name__ for i in academictwitter.read(empty)] == ["Note"]
    # what the layout is not
    for other in (b'[{"id_str": "1", "text": "v1.1", "created_at": "Tue Mar 13 20:01:02 +0000 2012"}]',
                  b'[{"id": "1", "content": "<p>toot</p>", "created_at": "2026-09-02T19:00:00Z", "uri": "x"}]',
                  b'{"data": [], "includes": {"users": []}}', b'{"users": [{"name": "no username"}]}'):
        assert academictwitter.sniff(Source.from_bytes(other).head()) is None, other


def test_malformed_records_are_rejected_with_their_position(tmp_path, kit):
    bad = [r_style(TWEETS[0], "text"), "not a tweet", {"id": "201", "author_id": "2"},
           {**TWEETS[3], "id": "202", "created_at": "yesterday"}, r_style(TWEETS[3], "author_id")]
    data = tmp_path / "data_9.json"
    data.write_bytes(b"\xef\xbb\xbf" + orjson.dumps(bad)[:-1] + b', {"id": "203", "te')  # cut short
    (tmp_path / "users_9.json").write_bytes(b"\xef\xbb\xbf" + orjson.dumps(INCLUDES))
    (source,) = expand_inputs([tmp_path])
    items = kit.sort_items(academictwitter.read(source))
    assert [p.row["post_id"] for p in items.posts] == ["101", "104"]
    assert items.rows()["101"]["author_handle"] == "ann_sw"  # the users file with a BOM was read
    assert [(r.line, r.reason.split(":")[0]) for r in items.rejected] == [
        (2, "record is not a JSON object (a tweet)"), (3, "tweet 201"), (4, "tweet 202"),
        (6, "not valid JSON after record 5 (parse error")]
    assert "no text" in items.rejected[1].reason and "yesterday" in items.rejected[2].reason
    with Archive(tmp_path / "a.db") as archive:
        (f,) = archive.ingest([tmp_path]).files
    assert (f.read, f.added, f.duplicates, f.rejected) == (6, 2, 0, 4)


def test_a_data_file_whose_first_tweet_is_broken_is_still_recognised(tmp_path, kit):
    rows = [{"author_id": "2", "id": "300", "created_at": "2026-09-02T19:00:00.000Z"}, r_style(TWEETS[3], "text")]
    data = write_pair(tmp_path, "300", [], INCLUDES)
    data.write_bytes(orjson.dumps(rows))
    (source,) = expand_inputs([tmp_path])
    assert detect(source).name == "academictwitter"
    items = kit.sort_items(academictwitter.read(source))
    assert list(items.rows()) == ["104"] and [(r.line, "no text" in r.reason) for r in items.rejected] == [(1, True)]
    # the same array under another name is not taken for the layout
    assert academictwitter.sniff(Source.from_bytes(orjson.dumps(rows), name="tweets.json").head()) is None


def test_a_large_array_is_streamed(kit):
    tweets = [{**TWEETS[3], "id": str(1000 + i), "text": f"post {i} #SWChat " + "x" * 200} for i in range(5000)]
    source = Source.from_bytes(orjson.dumps(tweets), name="data_1.json")
    reader = academictwitter.read(source)
    first = next(i for i in reader if hasattr(i, "row"))
    assert first.row["post_id"] == "1000"
    assert source.bytes_read < source.size / 4  # only the beginning was read for the first post
    assert sum(1 for i in reader if hasattr(i, "row")) == 4999


def test_cli_ingest_of_a_split_folder(tmp_path):
    folder = tmp_path / "academic"
    folder.mkdir()
    write_pair(folder, "102", TWEETS[:2], {"users": USERS, "tweets": [Q1]})
    write_pair(folder, "104", TWEETS[2:], {"users": USERS, "tweets": [TWEETS[0]]})
    db = tmp_path / "a.db"
    res = CliRunner().invoke(main, ["ingest", str(folder), "--archive", str(db), "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert [(Path(f["path"]).name, f["format"], f["read"], f["added"], f["rejected"]) for f in out["files"]] == [
        ("data_102.json", "academictwitter", 2, 2, 0), ("data_104.json", "academictwitter", 2, 2, 0)]
    assert "users_" not in res.stderr  # read with their data files, not on their own
    with Archive(db) as archive:
        posts = archive.posts()
    handles = dict(zip(posts["post_id"], posts["author_handle"], strict=True))
    assert handles == {"100": "SWChatHost", "101": "ann_sw", "102": "bob_sw", "103": "bob_sw", "104": "SWChatHost"}


def test_users_half_forced_as_v2_still_explains_itself(tmp_path):
    (tmp_path / "users_1.json").write_bytes(orjson.dumps(INCLUDES))
    with pytest.raises(InputFormatError, match="users half"):
        detect(Source.from_arg(tmp_path / "users_1.json"), "x-v2")


@pytest.mark.realdata
def test_real_split_folder(realdata, tmp_path, kit):
    folder = realdata("x-split-academictwitteR")
    (source,) = expand_inputs([folder])
    assert Path(source.name).name == "data_1399765322509557763.json"
    assert [p.name for p in source.companions] == ["users_1399765322509557763.json"]
    assert detect(source).name == "academictwitter"
    items = kit.sort_items(academictwitter.read(source))
    expected = [t["id"] for t in json.loads(Path(source.name).read_text(encoding="utf-8"))]
    assert list(items.rows()) == expected and len(expected) == 5
    assert items.kinds() == {"retweet": 3, "original": 2}
    assert not items.rejected and not items.notes
    assert all(r["author_handle"] for r in items.rows().values())
    rt = items.rows()["1400199391961620488"]
    assert (rt["author_handle"], rt["retweeted_post_id"], rt["created_at"]) == (
        "rahulmitra", "1391807748346683397", "2021-06-02T21:15:24.000Z")
    assert rt["text"].startswith("RT @NatComm: Are you interested in a career outside of academia?")
    includes = json.loads(source.companions[0].read_text(encoding="utf-8"))
    original = next(t for t in includes["tweets"] if t["id"] == "1391807748346683397")
    assert rt["hashtags"] == [h["tag"] for h in original["entities"]["hashtags"]]  # the original's, all of them
    assert len(rt["hashtags"]) > 1 and rt["mentions"][0] == "NatComm"
    assert [p.row["post_id"] for p in items.context] == ["1391807748346683397"]
    assert {a.row["handle"]: a.row["followers"] for a in items.accounts} == {
        "rahulmitra": 1945, "NatComm": 12326, "OrgComInTheNews": 486, "adil_iis": 227}
    db = tmp_path / "real.db"
    res = CliRunner().invoke(main, ["ingest", str(folder), "--archive", str(db), "--json"])
    assert res.exit_code == 0, res.output
    (f,) = json.loads(res.stdout)["files"]
    assert (f["format"], f["read"], f["added"], f["rejected"]) == ("academictwitter", 5, 5, 0)
