"""Issue 12, record-level rows: nothing a file holds stops an import.

One test per row (the file, the counts, the reasons), then a seeded mutation fuzz test over
small files written here in the supported formats: no exception escapes ``Archive.ingest``,
``read = added + duplicates + rejected`` holds, and the records around a broken one are kept.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

from swchat import Archive
from swchat.cli import main
from swchat.privacy import PrivacyError, as_secret, read_secret
from swchat.readers.base import CUT, Source, raw_json

BIG = 2**64  # beyond SQLite's INTEGER and orjson's
BIG_TEXT = b"18446744073709551616"
WHEN = "2026-09-02T19:00:00.000Z"

# -- small files in every supported format ---------------------------------------------------


def v2_tweet(i: int, **extra) -> dict:
    return {"id": str(100 + i), "text": f"post {i} #SWChat", "author_id": "1", "created_at": WHEN, **extra}


def v2_page(tweets: list[dict], users: list[dict] | None = None) -> bytes:
    users = users if users is not None else [{"id": "1", "username": "ann", "name": "Ann"}]
    # the standard library writes integers of any size (orjson stops at 64 bits)
    return json.dumps({"data": tweets, "includes": {"users": users}}, separators=(",", ":")).encode() + b"\n"


def v1_tweet(i: int, **extra) -> dict:
    return {"id_str": str(200 + i), "full_text": f"post {i} #SWChat", "created_at": "Wed Sep 02 19:00:00 +0000 2026",
            "user": {"id_str": "2", "screen_name": "bob", "followers_count": 5},
            "entities": {"hashtags": [{"text": "SWChat"}]}, **extra}


def archive_tweet(i: int, **extra) -> dict:
    return {"tweet": {"id_str": str(300 + i), "full_text": f"post {i} #SWChat",
                      "created_at": "Wed Sep 02 19:00:00 +0000 2026", "favorite_count": "3", **extra}}


def status(i: int, **extra) -> dict:
    return {"id": str(i), "uri": f"https://a.example/users/ann/statuses/{i}", "url": f"https://a.example/@ann/{i}",
            "created_at": WHEN, "content": f"<p>post {i} #SWChat</p>", "tags": [{"name": "swchat"}],
            "account": {"id": "9", "acct": "ann", "url": "https://a.example/@ann", "followers_count": 3}, **extra}


def view(i: int, **extra) -> dict:
    return {"uri": f"at://did:plc:ann/app.bsky.feed.post/3k{i}", "indexedAt": "2026-09-02T19:00:01Z",
            "author": {"did": "did:plc:ann", "handle": "ann.bsky.social"},
            "record": {"text": f"post {i} #SWChat", "createdAt": "2026-09-02T19:00:00Z"}, "likeCount": 2, **extra}


TAGS_HEADER = ("id_str,from_user,text,created_at,time,geo_coordinates,user_lang,in_reply_to_user_id_str,"
               "in_reply_to_screen_name,from_user_id_str,in_reply_to_status_id_str,source,profile_image_url,"
               "user_followers_count,user_friends_count,user_location,status_url,entities_str")


def tags_row(i: int, followers: object = 10) -> str:
    return (f"{400 + i},cat,post {i} #SWChat,Wed Sep 02 19:00:00 +0000 2026,NA,NA,NA,NA,NA,4,NA,NA,NA,"
            f"{followers},NA,NA,NA,NA")


def tags_csv(rows: list[str]) -> bytes:
    return ("\r\n".join([TAGS_HEADER, *rows]) + "\r\n").encode()


# twarc-csv: a subset of the dotted columns ``twarc2 csv`` writes (columns are found by name)
TWARC_HEADER = ("id,conversation_id,referenced_tweets.replied_to.id,author_id,author.username,author.name,"
                "created_at,text,lang,public_metrics.like_count,public_metrics.retweet_count,"
                "public_metrics.reply_count,public_metrics.quote_count,entities.hashtags,"
                "author.public_metrics.followers_count,__twarc.retrieved_at")


def twarc_row(i: int) -> str:
    return (f'{500 + i},{500 + i},,5,dan,Dan,2026-09-02T19:00:00.000Z,"post {i}, #SWChat",en,1,0,0,0,'
            f'"[{{""start"": 9, ""end"": 16, ""tag"": ""SWChat""}}]",12,2026-09-02T20:00:00+00:00')


def twarc_csv(rows: list[str]) -> bytes:
    return ("\n".join([TWARC_HEADER, *rows]) + "\n").encode()


def files(n: int = 5) -> dict[str, bytes]:
    """One small valid file per format, each with ``n`` posts."""
    return {
        "x-v2.jsonl": b"".join(v2_page([v2_tweet(i)]) for i in range(n)),
        "x-v1.jsonl": b"".join(orjson.dumps(v1_tweet(i)) + b"\n" for i in range(n)),
        "tweets.js": b"window.YTD.tweets.part0 = "
                     + orjson.dumps([archive_tweet(i) for i in range(n)], option=orjson.OPT_INDENT_2),
        "mastodon.json": orjson.dumps([status(i) for i in range(n)], option=orjson.OPT_INDENT_2),
        "mastodon.jsonl": b"".join(orjson.dumps(status(i)) + b"\n" for i in range(n)),
        "bluesky.json": orjson.dumps({"posts": [view(i) for i in range(n)]}, option=orjson.OPT_INDENT_2),
        "tags.csv": tags_csv([tags_row(i) for i in range(n)]),
        "twarc.csv": twarc_csv([twarc_row(i) for i in range(n)]),
    }


def ingest(tmp_path: Path, name: str, data: bytes, *, format: str | None = None, archive: Archive | None = None):
    """Ingest ``data`` then a good file; the good file must always be imported."""
    path = tmp_path / name
    path.write_bytes(data)
    good = tmp_path / "good-after.jsonl"
    good.write_bytes(v2_page([{"id": "999", "text": "after #SWChat", "author_id": "1", "created_at": WHEN}]))
    archive = archive or Archive(tmp_path / f"{name}.db")
    result = archive.ingest([path, good], format=format)
    for f in result.files:
        assert f.read == f.added + f.duplicates + f.rejected, f
    after = result.files[-1]
    assert after.error is None and after.read == 1, after
    return archive, result.files[0]


def post_ids(archive: Archive) -> set[str]:
    return {r[0] for r in archive.db.execute("SELECT post_id FROM posts WHERE is_context = 0")}


def reasons(archive: Archive) -> list[str]:
    return [r["reason"] for r in archive.rejected()]


# -- one test per row ------------------------------------------------------------------------


@pytest.mark.parametrize("name, data, counts", [
    ("x-v2.jsonl",
     v2_page([v2_tweet(0, public_metrics={"like_count": BIG, "retweet_count": 1}), v2_tweet(1)],
             [{"id": "1", "username": "ann", "public_metrics": {"followers_count": BIG}}]), 2),
    ("x-v2-float.jsonl",
     v2_page([v2_tweet(0)]).replace(b'"author_id":"1"', b'"author_id":"1","public_metrics":{"like_count":1e300}')
     + v2_page([v2_tweet(1)]), 1),
    ("mastodon.json",
     b"[" + orjson.dumps(status(0))[:-1] + b',"favourites_count":' + BIG_TEXT + b',"reblogs_count":1e300,'
     b'"account":{"id":"9","acct":"ann","url":"https://a.example/@ann","followers_count":' + BIG_TEXT + b"}}"
     + b"," + orjson.dumps(status(1)) + b"]", 2),  # the account's newest snapshot is status 1's
    ("tags.csv", tags_csv([tags_row(0, BIG)]), 1),
])
def test_row1_huge_counts_are_left_empty_and_the_posts_kept(tmp_path, name, data, counts):
    archive, f = ingest(tmp_path, name, data)
    assert f.error is None and f.rejected == 0 and f.added == f.read >= 1
    assert any(f"{counts} count(s)" in note and "left empty" in note for note in f.notes), f.notes
    # nothing too large was stored
    biggest = archive.db.execute(
        "SELECT max(abs(coalesce(like_count, 0)) + abs(coalesce(repost_count, 0))) FROM posts").fetchone()[0]
    assert biggest < 2**31
    assert archive.db.execute("SELECT count(*) FROM accounts WHERE followers > 1000").fetchone()[0] == 0


def deep(levels: int) -> object:
    value: object = []
    for _ in range(levels - 1):
        value = [value]
    return value


@pytest.mark.parametrize("levels", [256, 600, 1000])
def test_row2_deep_nesting_keeps_the_post_with_its_raw_record_cut(tmp_path, levels):
    nested = b"[" * levels + b"]" * levels
    line = v2_page([v2_tweet(0), v2_tweet(1)]).replace(b'"author_id":"1"', b'"author_id":"1","x":' + nested, 1)
    archive, f = ingest(tmp_path, "deep.jsonl", line + v2_page([v2_tweet(2)]))
    assert (f.read, f.added, f.rejected) == (3, 3, 0), f
    raw = archive.raw("100")
    assert raw is not None and raw["id"] == "100" and CUT in orjson.dumps(raw).decode()
    assert archive.raw("101") == v2_tweet(1)


def test_row2_nesting_beyond_what_json_lines_can_read_rejects_that_line(tmp_path):
    nested = b"[" * 1100 + b"]" * 1100
    line = v2_page([v2_tweet(0)]).replace(b'"author_id":"1"', b'"author_id":"1","x":' + nested, 1)
    archive, f = ingest(tmp_path, "deeper.jsonl", v2_page([v2_tweet(1)]) + line + v2_page([v2_tweet(2)]))
    assert (f.read, f.added, f.rejected) == (3, 2, 1)
    (reason,) = reasons(archive)
    assert reason.startswith("nested too deep")


def test_row2_raw_json_never_raises():
    assert raw_json({"n": BIG}) == b'{"n":"18446744073709551616"}'
    assert CUT.encode() in raw_json({"x": deep(900)})
    assert orjson.loads(raw_json({"a": 1})) == {"a": 1}


def test_row3_big_int_in_a_pretty_printed_bluesky_array(tmp_path):
    views = [view(i) for i in range(25)]
    views[1]["likeCount"] = 5
    data = orjson.dumps(views, option=orjson.OPT_INDENT_2).replace(b'"likeCount": 5', b'"likeCount": ' + BIG_TEXT)
    _, f = ingest(tmp_path, "bluesky.json", data)
    assert (f.read, f.added, f.rejected) == (25, 25, 0)
    assert any("1 count(s)" in note for note in f.notes)


def test_row3_big_int_in_a_tweets_js(tmp_path):
    tweets = [archive_tweet(i) for i in range(109)]
    tweets[2]["tweet"]["x"] = 7
    data = b"window.YTD.tweets.part0 = " + orjson.dumps(tweets, option=orjson.OPT_INDENT_2).replace(
        b'"x": 7', b'"x": ' + BIG_TEXT)
    archive, f = ingest(tmp_path, "tweets.js", data)
    assert (f.read, f.added, f.rejected) == (109, 109, 0)
    kept = archive.db.execute("SELECT count(*) FROM posts WHERE post_id = '302' AND raw_block IS NOT NULL")
    assert kept.fetchone()[0] == 1


@pytest.mark.parametrize("name", ["mastodon.json", "mastodon.jsonl", "x-v2.jsonl", "x-v1.jsonl", "bluesky.json",
                                  "tweets.js", "tags.csv", "twarc.csv"])
def test_row4_a_bom_is_stripped_everywhere(tmp_path, name):
    _, f = ingest(tmp_path, name, b"\xef\xbb\xbf" + files()[name])
    assert f.error is None and (f.read, f.added, f.rejected) == (5, 5, 0), f


@pytest.mark.parametrize("fmt", [None, "x-v2"])
def test_row5_a_corrupt_first_line_is_rejected_and_the_rest_read(tmp_path, fmt):
    data = b'{"data": [{"id": "1", "te\n' + files()["x-v2.jsonl"]
    archive, f = ingest(tmp_path, "x-v2.jsonl", data, format=fmt)
    assert f.error is None and f.format == "x-v2"
    assert (f.read, f.added, f.rejected) == (6, 5, 1)
    (reason,) = reasons(archive)
    assert "not valid JSON" in reason


def test_row5_mastodon_and_v1_lines_too(tmp_path):
    for name in ("mastodon.jsonl", "x-v1.jsonl"):
        _, f = ingest(tmp_path, name, b"\x00garbage{\n" + files()[name])
        assert f.error is None and (f.read, f.added, f.rejected) == (6, 5, 1), (name, f)


@pytest.mark.parametrize("name, first", [
    ("x-v1.jsonl", orjson.dumps(v1_tweet(9, created_at=[]))),
    ("x-v2.jsonl", orjson.dumps({"data": [v2_tweet(9, created_at=[])], "includes": {"users": 5}})),
    ("mastodon.jsonl", orjson.dumps(status(9, created_at=[], account=[]))),
])
def test_row5_a_first_record_no_format_claims_is_rejected_and_the_rest_read(tmp_path, name, first):
    """A first record of a shape no format claims (a list where a tweet has its time) does not
    hide a JSON-lines file: the next lines tell its format, and its reader rejects the first."""
    archive, f = ingest(tmp_path, name, first + b"\n" + files()[name])
    assert f.error is None and (f.read, f.added, f.rejected) == (6, 5, 1), f
    assert [row["line"] for row in archive.rejected()] == [1] and reasons(archive)[0]


@pytest.mark.parametrize("name, document", [
    ("mastodon.json", [status(9, uri=5), *(status(i) for i in range(5))]),
    ("bluesky.json", {"posts": [view(9, uri=[5]), *(view(i) for i in range(5))], "cursor": "5"}),
    ("x-v1.json", {"statuses": [v1_tweet(9, created_at=5), *(v1_tweet(i) for i in range(5))]}),
])
@pytest.mark.parametrize("option", [0, orjson.OPT_INDENT_2], ids=["one line", "pretty-printed"])
def test_row5_a_document_s_first_record_no_format_claims_does_not_hide_it(tmp_path, name, document, option):
    """The same in a document (on one line, as an API response comes, or pretty-printed): its
    format is told by its next records, and its reader rejects the first."""
    archive, f = ingest(tmp_path, name, orjson.dumps(document, option=option))
    assert f.error is None and (f.read, f.added, f.rejected) == (6, 5, 1), f
    assert reasons(archive)[0]


def _outbox(items: list[dict]) -> dict:
    return {"@context": ["https://www.w3.org/ns/activitystreams", {"ostatus": "http://ostatus.org#"}],
            "id": "https://social.example/users/ann/outbox", "type": "OrderedCollection",
            "totalItems": len(items), "orderedItems": items}


def _create(i: int, **extra) -> dict:
    return {"id": f"https://social.example/users/ann/statuses/{i}/activity", "type": "Create",
            "actor": "https://social.example/users/ann", "published": "2026-09-02T19:00:00Z",
            "to": ["https://www.w3.org/ns/activitystreams#Public"],
            "object": {"id": f"https://social.example/users/ann/statuses/{i}", "type": "Note",
                       "published": "2026-09-02T19:00:00Z", "attributedTo": "https://social.example/users/ann",
                       "to": ["https://www.w3.org/ns/activitystreams#Public"], "content": f"<p>post {i} #SWChat</p>",
                       "tag": [{"type": "Hashtag", "name": "#SWChat"}], **extra}}


#: records enough that each document below is longer than detection reads (HEAD_BYTES, 256 KiB)
_LONG = 2500


@pytest.mark.parametrize("name, document", [
    ("mastodon.json", [status(9, uri=5), *(status(i) for i in range(_LONG))]),
    ("outbox.json", _outbox([_create(9, published=5, attributedTo=[5]), *(_create(i) for i in range(_LONG))])),
    ("bluesky.json", {"posts": [view(9, uri=[5]), *(view(i) for i in range(_LONG))], "cursor": "5"}),
    ("x-v1.json", {"statuses": [v1_tweet(9, created_at=5), *(v1_tweet(i) for i in range(_LONG))]}),
    ("tweets.json", [archive_tweet(9, created_at=5), *(archive_tweet(i) for i in range(_LONG))]),
])
@pytest.mark.parametrize("option", [0, orjson.OPT_INDENT_2], ids=["one line", "pretty-printed"])
def test_row5_a_long_document_s_first_record_no_format_claims_does_not_hide_it(tmp_path, name, document, option):
    """The same in a document longer than detection reads: its format is told by the next records
    the head holds whole, and its reader rejects the first."""
    from swchat.readers.base import HEAD_BYTES

    data = orjson.dumps(document, option=option)
    assert len(data) > HEAD_BYTES
    archive, f = ingest(tmp_path, name, data)
    assert f.error is None and (f.read, f.added, f.rejected) == (_LONG + 1, _LONG, 1), f
    assert reasons(archive)[0]


@pytest.mark.parametrize("name, data", [
    ("x-v2.jsonl", v2_page([v2_tweet(0, created_at="2026-09-02T25:00:00.000Z"),
                            v2_tweet(1, created_at="2026-02-31T19:00:00.000Z"), v2_tweet(2)])),
    ("x-v1.jsonl", b"".join(orjson.dumps(t) + b"\n" for t in (
        v1_tweet(0, created_at="Wed Sep 02 25:00:00 +0000 2026"), v1_tweet(1, created_at="Wed Feb 31 19:00:00 +0000 2026"),
        v1_tweet(2)))),
    ("tags.csv", tags_csv([tags_row(0).replace("19:00:00", "19:61:00"), tags_row(1).replace("Sep 02", "Sep 32"),
                           tags_row(2)])),
])
def test_row5_impossible_times_are_rejected_not_stored(tmp_path, name, data):
    """A time of the right shape but no real time (hour 25, 31 February) is a rejected record:
    stored, it broke every later command on the archive."""
    archive, f = ingest(tmp_path, name, data)
    assert (f.read, f.added, f.rejected) == (3, 1, 2), f
    assert all("time" in reason for reason in reasons(archive))
    assert len(archive.sessions()) == 0  # the session tables are derived: nothing breaks


@pytest.mark.parametrize("name, data", [
    ("x-v1.jsonl", b"".join(orjson.dumps(t) + b"\n" for t in (
        v1_tweet(0, entities={"hashtags": [{"text": 5}, {"text": "SWChat"}], "user_mentions": [{"screen_name": 7}]}),
        v1_tweet(1, entities={"hashtags": [{"text": None}, {"text": True}]}), v1_tweet(2)))),
    ("x-v2.jsonl", v2_page([v2_tweet(0, entities={"hashtags": [{"tag": 5}, {"tag": "SWChat"}],
                                                  "mentions": [{"username": 7}]}),
                            v2_tweet(1, entities={"hashtags": [{"tag": None}, {"tag": True}]}), v2_tweet(2)])),
    ("twarc.csv", twarc_csv([twarc_row(0).replace('""tag"": ""SWChat""', '""tag"": 5}, {""tag"": ""SWChat""'),
                             twarc_row(1).replace('""tag"": ""SWChat""', '""tag"": true'), twarc_row(2)])),
])
def test_row5_a_hashtag_or_handle_that_is_no_text_is_left_out(tmp_path, name, data):
    """A hashtag given as a number (or true, or null) names nothing: it is left out and the post kept
    (in X v1.1 it stopped the whole import)."""
    archive, f = ingest(tmp_path, name, data)
    assert (f.read, f.added, f.rejected) == (3, 3, 0), f
    stored = dict(archive.db.execute("SELECT post_id, hashtags || ' ' || mentions FROM posts "
                                     "WHERE is_context = 0 AND post_id != '999'"))  # (not the good file's)
    first, second = (stored[k] for k in sorted(stored)[:2])
    assert (first, second) == ('["SWChat"] []', "[] []"), stored
    assert len(archive.sessions()) == 0  # and the derived tables are fine with it


def test_row5_an_impossible_account_creation_time_is_left_empty(tmp_path):
    user = {"id_str": "2", "screen_name": "bob", "created_at": "Wed Sep 02 25:00:00 +0000 2010"}
    archive, f = ingest(tmp_path, "x-v1.jsonl", b"".join(orjson.dumps(v1_tweet(i, user=user)) + b"\n" for i in range(3)))
    assert (f.read, f.added, f.rejected) == (3, 3, 0)
    profiles = archive.select().profiles
    assert profiles.loc[profiles["handle"] == "bob", "created_at"].isna().all()


def test_row5_a_pretty_printed_document_is_not_taken_for_json_lines():
    head = Source.from_bytes(b'{"data": [\n{"id": "1"},\n{"id": "2"}\n]}\n').head()
    assert head.first_json is None


def test_row6_nothing_imported_exits_1(tmp_path):
    header_only = tmp_path / "header.csv"
    header_only.write_text(TAGS_HEADER + "\r\n")
    all_bad = tmp_path / "bad.jsonl"
    all_bad.write_bytes(b'{"data": [{"id": "1"}]}\n{broken\n')
    good = tmp_path / "good.jsonl"
    good.write_bytes(files()["x-v2.jsonl"])
    runner = CliRunner()
    for path in (header_only, all_bad):
        res = runner.invoke(main, ["ingest", str(path), "--archive", str(tmp_path / f"{path.name}.db")])
        assert res.exit_code == 1 and "nothing was imported" in res.output, res.output
    db = tmp_path / "ok.db"
    assert runner.invoke(main, ["ingest", str(good), "--archive", str(db)]).exit_code == 0
    again = runner.invoke(main, ["ingest", str(good), "--archive", str(db)])  # all duplicates: fine
    assert again.exit_code == 0, again.output
    mixed = runner.invoke(main, ["ingest", str(all_bad), str(good), "--archive", str(tmp_path / "m.db")])
    assert mixed.exit_code == 0, mixed.output


def test_row7_a_secret_needs_eight_different_characters(tmp_path, monkeypatch):
    for weak in ("a" * 16, "abababababababab", "0123456" * 3):
        with pytest.raises(PrivacyError, match="at least 8 different characters"):
            as_secret(weak)
        (tmp_path / "s.txt").write_text(weak + "\n")
        with pytest.raises(PrivacyError, match="too easy to guess"):
            read_secret(tmp_path / "s.txt")
        monkeypatch.setenv("SWCHAT_TEST_SECRET", weak)
        with pytest.raises(PrivacyError, match="too easy to guess"):
            read_secret(env="SWCHAT_TEST_SECRET")
    assert as_secret("01234567abababab") == b"01234567abababab"


# -- seeded mutation fuzz --------------------------------------------------------------------


def _mutations(rng: random.Random, data: bytes) -> tuple[str, bytes, bool]:
    """One mutation of ``data``: its name, the bytes, and whether it is local to one record
    (the records around it must then be kept)."""
    lines = data.split(b"\n")
    kind = rng.choice(["truncate", "bitflip", "bigint", "float", "deep", "bom", "junk", "junkfirst", "cut-line"])
    if kind == "truncate":
        return kind, data[: rng.randrange(1, len(data))], False
    if kind == "bitflip":
        buf = bytearray(data)
        for _ in range(rng.randint(1, 3)):
            i = rng.randrange(len(buf))
            buf[i] ^= 1 << rng.randrange(8)
        return kind, bytes(buf), False
    if kind in ("bigint", "float"):
        digits = [i for i in range(len(data) - 1) if data[i:i + 1].isdigit() and data[i - 1:i] in (b":", b" ", b",")]
        if not digits:
            return kind, data, True
        i = rng.choice(digits)
        j = i
        while data[j:j + 1].isdigit():
            j += 1
        return kind, data[:i] + (BIG_TEXT if kind == "bigint" else b"1e300") + data[j:], False
    if kind == "deep":
        levels = rng.choice([256, 400, 1000])
        at = data.find(b'"created_at"')
        if at < 0:
            at = data.find(b'"createdAt"')
        if at < 0:
            return kind, data, True
        return kind, data[:at] + b'"zz": ' + b"[" * levels + b"]" * levels + b", " + data[at:], True
    if kind == "bom":
        return kind, b"\xef\xbb\xbf" + data, True
    junk = rng.choice([b"\x00\xff garbage", b"{not json", b"]]]", b'{"a": [' * 3, b"\xff\xfe"])
    if kind == "junkfirst":
        return kind, junk + b"\n" + data, False
    if kind == "junk":
        i = rng.randrange(len(lines) + 1)
        return kind, b"\n".join([*lines[:i], junk, *lines[i:]]), False
    i = rng.randrange(len(lines))
    return kind, b"\n".join([*lines[:i], lines[i][: len(lines[i]) // 2], *lines[i + 1:]]), False


def test_mutation_fuzz_never_raises_and_counts_add_up(tmp_path):
    rng = random.Random(12)
    originals = files(6)
    names = sorted(originals)  # every format above, twarc-csv included
    assert {"tags.csv", "twarc.csv", "x-v2.jsonl", "mastodon.json"} <= set(names)
    for n in range(100):
        name = names[n % len(names)]
        kind, data, local = _mutations(rng, originals[name])
        folder = tmp_path / f"{n:03d}-{kind}"
        folder.mkdir()
        try:
            archive, f = ingest(folder, name, data)
        except Exception as exc:  # pragma: no cover - the failure to report
            raise AssertionError(f"mutation {n} ({kind}) of {name} raised {type(exc).__name__}: {exc}") from exc
        assert f.read == f.added + f.duplicates + f.rejected
        if local:
            assert f.error is None and f.added == 6, (n, kind, name, f)
        if name.endswith(".jsonl") and kind in ("junk", "junkfirst", "cut-line"):
            # one bad line in JSON lines: every other line's post is kept
            assert f.error is None and f.added >= 5 and f.rejected >= 1, (n, kind, name, f)
            assert post_ids(archive) >= ({"999"} if kind != "cut-line" else set())
        archive.close()


# -- a value of another type, anywhere in a record ---------------------------------------------

#: what stands in for a value in :func:`test_a_value_of_another_type_loses_at_most_its_own_line`
OTHER_TYPES = (5, -1, 1e300, "x", "", None, True, [], {}, [5], ["x"], {"a": 5})


def _paths(value: object, path: tuple = ()) -> list[tuple]:
    """Every place in a parsed JSON value, as the keys and indices that lead there."""
    found = [path]
    if isinstance(value, dict):
        for key, inner in value.items():
            found += _paths(inner, (*path, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found += _paths(inner, (*path, index))
    return found


def _replaced(value: object, path: tuple, new: object) -> object:
    if not path:
        return new
    copy = dict(value) if isinstance(value, dict) else list(value)  # type: ignore[arg-type]
    copy[path[0]] = _replaced(copy[path[0]], path[1:], new)  # type: ignore[index]
    return copy


@pytest.mark.parametrize("sample", ["swchat-v2.jsonl", "swchat-v1.jsonl", "swchat-mastodon.jsonl",
                                    "swchat-bluesky.jsonl"])
def test_a_value_of_another_type_loses_at_most_its_own_line(sample, sample_dir, tmp_path):
    """A number where a list belongs (an export's ``includes.users``, a status's ``mentions``), a
    list where text belongs, anywhere in one line of JSON lines: no exception escapes, the counts
    add up, and every post of the other lines is kept. Seeded: the same places every run."""
    rng = random.Random(sample)
    lines = sample_dir.joinpath(sample).read_bytes().splitlines()[:4]
    (tmp_path / "baseline").mkdir()
    baseline, _ = ingest(tmp_path / "baseline", sample, b"\n".join(lines) + b"\n")
    line_of = {post_id: int(origin.split(":")[1]) for post_id, origin in baseline.db.execute(
        "SELECT post_id, origin FROM posts WHERE is_context = 0 AND post_id != '999'")}
    baseline.close()
    for n in range(40):
        at = rng.randrange(len(lines))
        record = orjson.loads(lines[at])
        by_depth: dict[int, list[tuple]] = {}
        for path in _paths(record)[1:]:
            by_depth.setdefault(len(path), []).append(path)
        path = rng.choice(by_depth[rng.choice(sorted(by_depth))])  # a depth first: the shallow places too
        new = rng.choice(OTHER_TYPES)
        mutated = [*lines[:at], orjson.dumps(_replaced(record, path, new)), *lines[at + 1:]]
        folder = tmp_path / f"{n:02d}"
        folder.mkdir()
        try:
            archive, _ = ingest(folder, sample, b"\n".join(mutated) + b"\n")
        except Exception as exc:  # pragma: no cover - the failure to report
            raise AssertionError(f"{sample}: line {at + 1}, {path} = {new!r} raised {type(exc).__name__}: {exc}") from exc
        lost = {post_id for post_id, line in line_of.items() if line != at + 1} - post_ids(archive)
        assert not lost, f"{sample}: line {at + 1}, {path} = {new!r} lost {len(lost)} posts of other lines: {reasons(archive)}"
        archive.close()


@pytest.mark.parametrize("sample", ["swchat-v2.jsonl", "swchat-v1.jsonl", "swchat-mastodon.jsonl",
                                    "swchat-bluesky.jsonl"])
def test_every_top_level_value_of_another_type_loses_at_most_its_own_line(sample, sample_dir, tmp_path):
    """As above, at every place one or two levels deep in a record (of a list, its first two
    items), each given a number, a text, a list and an object in turn."""
    lines = sample_dir.joinpath(sample).read_bytes().splitlines()[:3]
    record = orjson.loads(lines[1])
    places = [path for path in _paths(record)[1:] if len(path) <= 2 and not any(
        isinstance(step, int) and step > 1 for step in path)]
    folder = tmp_path / "baseline"
    folder.mkdir()
    baseline, _ = ingest(folder, sample, b"\n".join(lines) + b"\n")
    others = {post_id for post_id, origin in baseline.db.execute(
        "SELECT post_id, origin FROM posts WHERE is_context = 0 AND post_id != '999'")
        if int(origin.split(":")[1]) != 2}
    baseline.close()
    assert others and len(places) > 5
    failures = []
    for n, (path, new) in enumerate((path, new) for path in places for new in (5, "x", [5], {"a": 5})):
        mutated = [lines[0], orjson.dumps(_replaced(record, path, new)), *lines[2:]]
        folder = tmp_path / f"{n:03d}"
        folder.mkdir()
        try:
            archive, _ = ingest(folder, sample, b"\n".join(mutated) + b"\n")
        except Exception as exc:  # pragma: no cover - the failure to report
            failures.append(f"{path} = {new!r} raised {type(exc).__name__}: {exc}")
            continue
        if lost := others - post_ids(archive):
            failures.append(f"{path} = {new!r} lost {len(lost)} posts of other lines: {reasons(archive)[:1]}")
        archive.close()
    assert not failures, "\n".join(failures)
