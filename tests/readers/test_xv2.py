"""X API v2 reader: pages, stream lines, flattened tweets, refusals (the split layout: test_academictwitter)."""

from __future__ import annotations

import json

import orjson
import pytest

from swchat.errors import InputFormatError
from swchat.readers import Account, Note, Post, Rejected, Source, detect, xv2


def _tweet(tid, text, author="1", when="2026-09-02T19:00:00.000Z", **extra):
    return {"id": tid, "text": text, "author_id": author, "created_at": when, **extra}


USERS = [{"id": "1", "username": "host", "name": "The Host"},
         {"id": "2", "username": "ann", "name": "Ann"},
         {"id": "3", "username": "bob", "name": "Bob"}]


def _items(page_lines, name="t.jsonl"):
    data = b"".join(orjson.dumps(p) + b"\n" for p in page_lines)
    return list(xv2.read(Source.from_bytes(data, name=name)))


def _posts(items, context=None):
    return [i for i in items if isinstance(i, Post) and (context is None or i.context == context)]


def test_page_reply_retweet_quote_and_context():
    original = _tweet("10", "Q1: what helps you switch off after a hard visit? #SWChat "
                      "and a long tail of words that the retweet truncates …",
                      entities={"hashtags": [{"tag": "SWChat"}]})
    page = {
        "data": [
            _tweet("11", "@host A1: walking the dog #SWChat", author="2", in_reply_to_user_id="1",
                   referenced_tweets=[{"type": "replied_to", "id": "10"}], conversation_id="10",
                   entities={"hashtags": [{"tag": "SWChat"}], "mentions": [{"username": "host"}]}),
            _tweet("12", "RT @host: Q1: what helps you switch off after a hard…", author="3",
                   referenced_tweets=[{"type": "retweeted", "id": "10"}],
                   entities={"mentions": [{"username": "host"}]}),
            _tweet("13", "So true, as @ann says #SWChat", author="3",
                   referenced_tweets=[{"type": "quoted", "id": "11"}],
                   entities={"hashtags": [{"tag": "SWChat"}], "mentions": [{"username": "ann"}]}),
        ],
        "includes": {"users": USERS, "tweets": [original]},
        "__twarc": {"retrieved_at": "2026-09-03T08:00:00+00:00"},
    }
    items = _items([page])
    assert len([i for i in items if isinstance(i, Account)]) == 3
    own = {p.row["post_id"]: p.row for p in _posts(items, context=False)}
    ctx = _posts(items, context=True)
    assert [p.row["post_id"] for p in ctx] == ["10"]
    assert own["11"]["kind"] == "reply"
    assert own["11"]["reply_to_post_id"] == "10" and own["11"]["reply_to_handle"] == "host"
    assert own["12"]["kind"] == "retweet" and own["12"]["retweeted_post_id"] == "10"
    assert own["12"]["text"] == "RT @host: " + original["text"]  # the full text, not the truncated one
    assert own["12"]["hashtags"] == ["SWChat"] and own["12"]["mentions"] == ["host"]
    assert own["13"]["kind"] == "quote" and own["13"]["quoted_post_id"] == "11"
    assert own["13"]["mentions"] == ["ann"]
    assert own["11"]["collected_at"] == "2026-09-03T08:00:00.000Z"
    assert own["11"]["url"] == "https://twitter.com/ann/status/11"


def test_stream_lines_errors_and_truncated_last_line():
    line1 = {"data": _tweet("21", "hello #SWChat"), "includes": {"users": USERS},
             "matching_rules": [{"id": "1", "tag": "swchat"}]}
    line2 = {"errors": [{"title": "Not Found Error", "detail": "gone"}]}
    data = orjson.dumps(line1) + b"\n" + orjson.dumps(line2) + b"\n" + b'{"data": {"id": "22", "te'
    items = list(xv2.read(Source.from_bytes(data)))
    assert [p.row["post_id"] for p in _posts(items)] == ["21"]
    notes = [i for i in items if isinstance(i, Note)]
    assert notes and notes[0].line == 2 and "Not Found Error" in notes[0].message
    rejected = [i for i in items if isinstance(i, Rejected)]
    assert len(rejected) == 1 and rejected[0].line == 3 and "truncated" in rejected[0].reason


def test_bad_tweet_in_page_is_rejected_and_the_rest_kept():
    page = {"data": [_tweet("31", "fine"), {"id": "32", "author_id": "1"}, _tweet("33", "fine too")],
            "includes": {"users": USERS}}
    items = _items([page])
    assert [p.row["post_id"] for p in _posts(items)] == ["31", "33"]
    (rej,) = [i for i in items if isinstance(i, Rejected)]
    assert rej.line == 1 and "32" in rej.reason and "text" in rej.reason


def test_split_layout_is_not_this_format(tmp_path):
    # academictwitteR's layout is the format "academictwitter" (tests/readers/test_academictwitter.py);
    # forced as x-v2, its halves are refused with a reason
    tweets = [_tweet("41", "@host A2: supervision #SWChat", author="2", in_reply_to_user_id="1",
                     referenced_tweets=[{"type": "replied_to", "id": "40"}])]
    (tmp_path / "data_1.json").write_text(json.dumps(tweets, indent=2))
    (tmp_path / "users_1.json").write_text(json.dumps({"users": USERS, "tweets": [_tweet("40", "Q2?")]}))
    from swchat.readers import expand_inputs

    (source,) = expand_inputs([tmp_path])
    assert detect(source).name == "academictwitter"
    with pytest.raises(InputFormatError, match="does not look like X API v2"):
        detect(source, "x-v2")
    with pytest.raises(InputFormatError, match="users half"):
        detect(Source.from_arg(tmp_path / "users_1.json"), "x-v2")


@pytest.mark.parametrize(("payload", "words"), [
    ({"data": [{"id": "1", "username": "ann", "name": "Ann"}]}, "user profiles"),
    ({"data": [{"start": "2021-01-01T00:00:00.000Z", "end": "2021-01-02T00:00:00.000Z", "tweet_count": 4}]},
     "tweet counts"),
    ({"data": [{"id": "5", "name": "AI", "member_count": 3, "owner_id": "1"}]}, "lists"),
    ({"id": "1", "action": "delete", "created_at": "2019-09-06T17:25:54.667Z", "reason": "protected"},
     "compliance"),
])
def test_non_post_payloads_are_refused_with_a_reason(payload, words):
    with pytest.raises(InputFormatError, match=words):
        detect(Source.from_bytes(orjson.dumps(payload) + b"\n", name="x.jsonl"))


def test_gzip_input_is_read():
    import gzip

    page = {"data": [_tweet("51", "zipped #SWChat")], "includes": {"users": USERS}}
    source = Source.from_bytes(gzip.compress(orjson.dumps(page) + b"\n"), name="p.jsonl.gz")
    assert detect(source).name == "x-v2"
    assert [p.row["post_id"] for p in _posts(list(xv2.read(source)))] == ["51"]


@pytest.mark.realdata
def test_real_entities_test_gives_474_posts(realdata):
    path = realdata("x-v2-twarc", "entities_test.jsonl")
    expected = {t["id"] for line in path.open() if line.strip() for t in json.loads(line).get("data", [])}
    own = {p.row["post_id"] for p in _posts(list(xv2.read(Source.from_arg(path))), context=False)}
    assert own == expected and len(own) == 474


@pytest.mark.realdata
def test_real_flat_and_noflat_give_identical_rows(realdata):
    def rows(name):
        items = xv2.read(Source.from_arg(realdata("x-v2-twarc", name)))
        return {p.row["post_id"]: p.row for p in _posts(list(items), context=False)}

    flat, noflat = rows("flat.jsonl"), rows("noflat.jsonl")
    assert len(flat) == 100
    assert flat == noflat


@pytest.mark.realdata
def test_every_real_v2_file_is_read_or_refused_cleanly(realdata):
    folder = realdata("x-v2-twarc")
    refused = {"counts.jsonl", "lists.jsonl", "users.jsonl", "tweets_compliance.jsonl",
               "users_compliance.jsonl", "empty.json"}
    for path in sorted(folder.iterdir()):
        source = Source.from_arg(path)
        if path.name in refused:
            with pytest.raises(InputFormatError):
                detect(source)
            continue
        assert detect(source).name == "x-v2", path.name
        expected = set()
        for line in path.open():
            try:
                obj = json.loads(line)
            except json.JSONDecodeError:
                continue
            data = obj.get("data", obj if "text" in obj else [])
            expected |= {t["id"] for t in ([data] if isinstance(data, dict) else data)}
        own = {p.row["post_id"] for p in _posts(list(xv2.read(source)), context=False)}
        assert own == expected, path.name


def test_retweet_of_a_post_in_the_same_page_gets_its_full_text_and_tags():
    original = _tweet("60", "A3: long answer about reflective supervision #SWChat", author="2",
                      entities={"hashtags": [{"tag": "SWChat"}]})
    retweet = _tweet("61", "RT @ann: A3: long answer about reflective supervi…", author="3",
                     referenced_tweets=[{"type": "retweeted", "id": "60"}])
    items = _items([{"data": [retweet, original], "includes": {"users": USERS}}])
    row = next(p.row for p in _posts(items) if p.row["post_id"] == "61")
    assert row["text"] == "RT @ann: " + original["text"]
    assert row["hashtags"] == ["SWChat"]


def test_malformed_values_reject_one_record_not_the_import():
    page = {"data": [_tweet(["7"], "id is a list"), _tweet("71", "lang is an object", lang={"x": 1}),
                     _tweet("72", "fine")],
            "includes": {"users": [{"id": {"bad": 1}}, {"id": "1", "username": "host", "public_metrics": 5,
                                                        "created_at": 12}],
                         "tweets": [{"id": ["x"], "text": "bad"}]}}
    items = _items([page])
    assert [p.row["post_id"] for p in _posts(items)] == ["72"]
    assert len([i for i in items if isinstance(i, Rejected)]) == 2


def test_malformed_page_imports_the_rest(tmp_path):
    from swchat import Archive

    good = {"data": [_tweet("81", "fine #SWChat")], "includes": {"users": USERS}}
    bad = {"data": [_tweet(["8"], "bad")], "includes": {"users": [{"id": ["u"]}]}}
    path = tmp_path / "p.jsonl"
    path.write_bytes(orjson.dumps(bad) + b"\n" + orjson.dumps(good) + b"\n")
    with Archive(tmp_path / "a.db") as archive:
        f = archive.ingest([path]).files[0]
    assert f.error is None and (f.read, f.added, f.rejected) == (2, 1, 1)
