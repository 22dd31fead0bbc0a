"""Tests for swchat.sample: the synthetic #SWChat generator, its three formats and its truth.

The files are parsed here with ``json``/``csv`` directly (not with swchat's readers), so
these tests check the generator on its own terms: the formats agree with each other and
with ``truth.json``.
"""

from __future__ import annotations

import collections
import csv
import itertools
import json
import math
import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from swchat.sample import (
    DEFAULT_START,
    TAGS_COLUMNS,
    SampleChat,
    generate,
    write_sample,
    write_v2_pages,
)

LONDON = ZoneInfo("Europe/London")
TWEPOCH_MS = 1288834974657
ROOT = Path(__file__).resolve().parents[1]
SIZE_BUDGET = 5_000_000


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    return write_sample(tmp_path_factory.mktemp("sample"))


@pytest.fixture(scope="module")
def truth(files) -> dict:
    return json.loads(files["truth"].read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def pages(files) -> list[dict]:
    with files["v2"].open(encoding="utf-8") as f:
        return [json.loads(line) for line in f]


@pytest.fixture(scope="module")
def v2(pages) -> dict[str, dict]:
    return {t["id"]: t for page in pages for t in page["data"]}


@pytest.fixture(scope="module")
def v2_included(pages) -> dict[str, dict]:
    return {t["id"]: t for page in pages for t in page["includes"].get("tweets", [])}


@pytest.fixture(scope="module")
def v2_users(pages) -> dict[str, dict]:
    return {u["id"]: u for page in pages for u in page["includes"]["users"]}


@pytest.fixture(scope="module")
def v1(files) -> list[dict]:
    with files["v1"].open(encoding="utf-8") as f:
        return [json.loads(line) for line in f]


@pytest.fixture(scope="module")
def tags(files) -> list[dict]:
    with files["tags"].open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def utc(iso: str) -> datetime:
    return datetime.fromisoformat(iso.replace("Z", "+00:00"))


def v1_utc(value: str) -> datetime:
    return datetime.strptime(value, "%a %b %d %H:%M:%S %z %Y").astimezone(UTC)


def session_of(truth: dict) -> dict[str, int]:
    return {pid: s["index"] for s in truth["sessions"] for pid in s["post_ids"]}


# --------------------------------------------------------------------------- determinism


def test_same_seed_gives_identical_files(tmp_path):
    a = write_sample(tmp_path / "a", seed=11, sessions=4, posts=400)
    b = write_sample(tmp_path / "b", seed=11, sessions=4, posts=400)
    for key in a:
        assert a[key].read_bytes() == b[key].read_bytes(), key


def test_different_seed_gives_different_files(tmp_path):
    a = write_sample(tmp_path / "a", seed=11, sessions=4, posts=400)
    b = write_sample(tmp_path / "b", seed=12, sessions=4, posts=400)
    for key in a:
        assert a[key].read_bytes() != b[key].read_bytes(), key


def test_generate_does_not_touch_global_random():
    import random

    random.seed(99)
    expected = random.random()
    random.seed(99)
    generate(seed=3, sessions=4, posts=300)
    assert random.random() == expected


def test_committed_sample_is_what_the_generator_makes(files):
    sample = ROOT / "data" / "sample"
    if not (sample / "truth.json").exists():
        pytest.skip("data/sample not generated")
    for path in files.values():
        assert (sample / path.name).read_bytes() == path.read_bytes(), (
            f"data/sample/{path.name} is stale: run "
            "python -c \"from swchat.sample import write_sample; write_sample('data/sample')\"")


# --------------------------------------------------------------------------- the formats agree


def test_three_formats_describe_the_same_posts(truth, v2, v1, tags):
    v1_ids = [t["id_str"] for t in v1]
    tags_ids = [r["id_str"] for r in tags]
    assert len(v1_ids) == len(set(v1_ids)) == len(v2) == truth["counts"]["posts"]
    assert len(tags_ids) == len(set(tags_ids))
    assert set(v1_ids) == set(v2) == set(tags_ids)
    expected = set(truth["between_session_post_ids"]) | set(session_of(truth))
    assert set(v2) == expected


def test_authors_times_and_text_agree(v2, v1, tags):
    v1_by = {t["id_str"]: t for t in v1}
    tags_by = {r["id_str"]: r for r in tags}
    for pid, t in v2.items():
        one, row = v1_by[pid], tags_by[pid]
        assert t["author_id"] == one["user"]["id_str"] == row["from_user_id_str"]
        assert one["user"]["screen_name"] == row["from_user"]
        assert utc(t["created_at"]) == v1_utc(one["created_at"]) == v1_utc(row["created_at"])
        assert t["text"] == one["full_text"] == row["text"]
        assert t.get("in_reply_to_user_id") == one["in_reply_to_user_id_str"]
        replied = [r["id"] for r in t.get("referenced_tweets", []) if r["type"] == "replied_to"]
        assert (replied[0] if replied else None) == one["in_reply_to_status_id_str"]
        assert row["in_reply_to_status_id_str"] == (replied[0] if replied else "NA")


def test_ids_unique_and_increasing_with_time(v2, v2_included):
    everything = {**v2_included, **v2}
    ids = sorted(everything, key=int)
    times = [utc(everything[i]["created_at"]) for i in ids]
    assert times == sorted(times)
    for pid, t in everything.items():
        ms = (int(pid) >> 22) + TWEPOCH_MS
        assert ms // 1000 == int(utc(t["created_at"]).timestamp()), pid


def test_every_reply_parent_is_in_the_export_or_context(truth, v2, v2_included, v1):
    context = set(truth["context_post_ids"])
    for t in v2.values():
        for ref in t.get("referenced_tweets", []):
            assert ref["id"] in v2 or ref["id"] in context, ref
            if ref["type"] == "replied_to":
                assert ref["id"] in v2  # chat replies always have their parent in the export
    v1_ids = {t["id_str"] for t in v1}
    for t in v1:
        if t["in_reply_to_status_id_str"]:
            assert t["in_reply_to_status_id_str"] in v1_ids
    assert context == set(v2_included) - set(v2)


def test_context_posts_only_as_references(truth, v2, v2_included, v1, tags):
    context = set(truth["context_post_ids"])
    assert len(context) == truth["counts"]["context_posts"] > 0
    assert not context & set(v2)
    assert not context & {r["id_str"] for r in tags}
    embedded = set()
    for t in v1:
        for key in ("retweeted_status", "quoted_status"):
            if key in t:
                embedded.add(t[key]["id_str"])
                assert t[key]["id_str"] == t.get(key.replace("status", "status_id_str"),
                                                 t[key]["id_str"])
    assert context <= embedded
    assert not context & {t["id_str"] for t in v1}


def test_counts_by_kind_match_the_v2_file(truth, v2):
    kinds = collections.Counter()
    for t in v2.values():
        types = {r["type"] for r in t.get("referenced_tweets", [])}
        if "retweeted" in types:
            kinds["retweet"] += 1
        elif "replied_to" in types:
            kinds["reply"] += 1
        elif "quoted" in types:
            kinds["quote"] += 1
        else:
            kinds["original"] += 1
    assert dict(kinds) == truth["counts"]["by_kind"]
    assert truth["counts"]["accounts"] == len({t["author_id"] for t in v2.values()})
    assert all(n > 0 for n in kinds.values())


def test_entity_offsets_point_at_their_text(v2, v2_included, v2_users, v1):
    for t in [*v2.values(), *v2_included.values()]:
        text = t["text"]
        ents = t.get("entities", {})
        for h in ents.get("hashtags", []):
            assert text[h["start"]:h["end"]] == "#" + h["tag"]
        for m in ents.get("mentions", []):
            assert text[m["start"]:m["end"]] == "@" + m["username"]
            assert v2_users[m["id"]]["username"] == m["username"]
        for u in ents.get("urls", []):
            assert text[u["start"]:u["end"]] == u["url"]
            assert u["url"].startswith("https://t.co/") and u["expanded_url"].startswith("https://")
        assert len(text) <= 280
    for t in v1:
        text = t["full_text"]
        for h in t["entities"]["hashtags"]:
            assert text[slice(*h["indices"])] == "#" + h["text"]
        for m in t["entities"]["user_mentions"]:
            assert text[slice(*m["indices"])] == "@" + m["screen_name"]
            assert str(m["id"]) == m["id_str"]
        for u in t["entities"]["urls"]:
            assert text[slice(*u["indices"])] == u["url"]


def test_v2_pages_are_shaped_like_twarc_search_pages(pages):
    previous_oldest = None
    for i, page in enumerate(pages):
        assert set(page) == {"data", "includes", "meta", "__twarc"}
        assert 0 < len(page["data"]) <= 100
        ids = [int(t["id"]) for t in page["data"]]
        assert ids == sorted(ids, reverse=True)  # newest first
        meta = page["meta"]
        assert meta["result_count"] == len(page["data"])
        assert (meta["newest_id"], meta["oldest_id"]) == (page["data"][0]["id"], page["data"][-1]["id"])
        assert ("next_token" in meta) == (i < len(pages) - 1)
        if previous_oldest is not None:
            assert int(meta["newest_id"]) < previous_oldest
        previous_oldest = int(meta["oldest_id"])
        users = {u["id"] for u in page["includes"]["users"]}
        for t in page["data"] + page["includes"].get("tweets", []):
            assert t["author_id"] in users
        for t in page["data"]:
            if "in_reply_to_user_id" in t:
                assert t["in_reply_to_user_id"] in users
        assert set(page["__twarc"]) == {"url", "version", "retrieved_at"}


def test_retweets_are_truncated_rt_text_everywhere(v2, v2_included, v2_users, v1):
    everything = {**v2_included, **v2}
    v1_by = {t["id_str"]: t for t in v1}
    n = truncated = 0
    for pid, t in v2.items():
        refs = {r["type"]: r["id"] for r in t.get("referenced_tweets", [])}
        if "retweeted" not in refs:
            continue
        n += 1
        orig = everything[refs["retweeted"]]
        full = f"RT @{v2_users[orig['author_id']]['username']}: {orig['text']}"
        expected = full if len(full) <= 140 else full[:139] + "…"
        truncated += len(full) > 140
        assert t["text"] == expected
        assert v1_by[pid]["retweeted_status"]["full_text"] == orig["text"]
        assert t["public_metrics"]["like_count"] == 0
    assert n > 0 and truncated > 0


def test_replies_start_with_the_replied_to_handle(v2, v2_users):
    for t in v2.values():
        if "in_reply_to_user_id" not in t:
            continue
        if t["in_reply_to_user_id"] == t["author_id"]:
            assert not t["text"].startswith("@")  # self-replies carry no leading mention
        else:
            handle = v2_users[t["in_reply_to_user_id"]]["username"]
            assert t["text"].startswith(f"@{handle} ")
            assert not t["text"][len(handle) + 2:].startswith("@")


# --------------------------------------------------------------------------- TAGS


def test_tags_csv_has_exactly_the_18_columns_and_na(files, tags, v2):
    with files["tags"].open(newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert tuple(rows[0]) == TAGS_COLUMNS and len(TAGS_COLUMNS) == 18
    assert all(len(r) == 18 for r in rows)
    assert all(v != "" for r in rows[1:] for v in r)
    assert {r["geo_coordinates"] for r in tags} == {"NA"}
    assert {r["user_lang"] for r in tags} == {"NA"}
    originals = [r for r in tags if not r["text"].startswith(("RT @", "@"))]
    assert any(r["in_reply_to_status_id_str"] == "NA" for r in originals)
    assert any(r["user_location"] == "NA" for r in tags)
    for r in tags:
        assert r["status_url"] == f"http://twitter.com/{r['from_user']}/statuses/{r['id_str']}"
        assert r["source"].startswith("<a href=") and r["source"].endswith("</a>")
        ents = json.loads(r["entities_str"])
        assert set(ents) == {"hashtags", "symbols", "user_mentions", "urls"}
        for m in ents["user_mentions"]:
            assert m["id"] == int(Decimal(repr(float(int(m["id_str"])))))  # JS doubles
        if r["text"].startswith("RT @"):
            assert len(r["text"]) <= 140


def test_tags_time_column_is_local_time(tags):
    for r in tags:
        created = v1_utc(r["created_at"])
        local = created.astimezone(LONDON).replace(tzinfo=None)
        shown = datetime.strptime(r["time"], "%Y-%m-%dT%H:%M:%SZ")
        assert local - shown in (timedelta(0), timedelta(seconds=1))


# --------------------------------------------------------------------------- sessions


def test_session_posts_sum_and_partition(truth, v2):
    sessions = truth["sessions"]
    assert len(sessions) == 6
    all_ids = [pid for s in sessions for pid in s["post_ids"]]
    assert len(all_ids) == len(set(all_ids))
    assert sum(s["posts"] for s in sessions) == len(all_ids) == truth["counts"]["session_posts"]
    between = truth["between_session_post_ids"]
    assert len(between) == truth["counts"]["between_session_posts"] > 0
    assert len(all_ids) + len(between) == truth["counts"]["posts"] == len(v2)
    for s in sessions:
        assert s["posts"] == len(s["post_ids"])
        assert s["post_ids"] == sorted(s["post_ids"], key=int)
        parts = [s["intro_post_ids"], s["wrapup_post_ids"], *(q["post_ids"] for q in s["questions"])]
        flat = [pid for part in parts for pid in part]
        assert sorted(flat, key=int) == s["post_ids"]
        assert s["id"] == f"SWChat-{s['date']}"


def test_sessions_are_wednesday_evenings_in_london(truth, v2):
    sessions = truth["sessions"]
    sid = session_of(truth)
    for pid, i in sid.items():
        local = utc(v2[pid]["created_at"]).astimezone(LONDON)
        assert local.strftime("%A") == "Wednesday"
        assert local.hour == 20, (pid, local)
        assert local.date().isoformat() == sessions[i]["date"]
    for i, s in enumerate(sessions):
        assert date.fromisoformat(s["date"]) == DEFAULT_START + timedelta(weeks=i)
        start, end = utc(s["start"]), utc(s["end"])
        assert start == min(utc(v2[p]["created_at"]) for p in s["post_ids"])
        assert end == max(utc(v2[p]["created_at"]) for p in s["post_ids"])
        assert utc(s["scheduled_start"]) <= start < end < utc(s["scheduled_start"]) + timedelta(hours=1)
    # The default season straddles the end of BST (25 October 2026).
    assert [utc(s["scheduled_start"]).hour for s in sessions] == [19, 19, 19, 20, 20, 20]


def test_between_session_posts_fall_outside_session_windows(truth, v2):
    windows = [(utc(s["start"]), utc(s["end"])) for s in truth["sessions"]]
    for pid in truth["between_session_post_ids"]:
        when = utc(v2[pid]["created_at"])
        for start, end in windows:
            assert not (start - timedelta(hours=2) <= when <= end + timedelta(hours=2)), pid


def test_hashtagless_replies_belong_to_sessions(truth, v2):
    sid = session_of(truth)
    total = 0
    for s in truth["sessions"]:
        assert s["untagged_post_ids"]
        for pid in s["untagged_post_ids"]:
            t = v2[pid]
            tags = {h["tag"].lower() for h in t.get("entities", {}).get("hashtags", [])}
            assert "swchat" not in tags
            parent = next(r["id"] for r in t["referenced_tweets"] if r["type"] == "replied_to")
            assert sid[parent] == s["index"]
        total += len(s["untagged_post_ids"])
    for pid in truth["between_session_post_ids"]:
        t = v2[pid]
        tags = {h["tag"].lower() for h in t.get("entities", {}).get("hashtags", [])}
        total += "swchat" not in tags and not t["text"].startswith("RT @")
    assert total == truth["counts"]["untagged_posts"]


def test_hashtag_spellings_vary(v2):
    spellings = {h["tag"] for t in v2.values() for h in t.get("entities", {}).get("hashtags", [])
                 if h["tag"].lower() == "swchat"}
    assert {"SWChat", "swchat", "SwChat"} <= spellings


def test_participants_newcomers_returners(truth, v2, v2_users):
    seen: set[str] = set()
    for s in truth["sessions"]:
        authors = {v2_users[v2[p]["author_id"]]["username"] for p in s["post_ids"]}
        assert s["participants"] == sorted(authors)
        assert set(s["newcomers"]) | set(s["returners"]) == set(s["participants"])
        assert not set(s["newcomers"]) & set(s["returners"])
        assert set(s["newcomers"]) == authors - seen
        assert set(s["returners"]) == authors & seen
        assert set(s["newcomers_welcomed"]) <= set(s["newcomers"])
        assert set(s["newcomers_returned"]) <= set(s["newcomers"])
        assert s["hosts"] == sorted(truth["hosts"])
        seen |= authors
    first, later = truth["sessions"][0], truth["sessions"][1:]
    assert first["returners"] == []
    assert all(s["newcomers"] and s["returners"] for s in later)
    assert 150 <= len(seen) <= 300


def test_retention_is_share_seen_again(truth):
    sessions = truth["sessions"]
    for i, s in enumerate(sessions):
        if i == len(sessions) - 1:
            assert s["retention"] is None
            assert s["newcomers_returned"] == []
            continue
        later = {h for t in sessions[i + 1:] for h in t["participants"]}
        assert s["retention"] == pytest.approx(len(set(s["participants"]) & later) / len(s["participants"]))
        assert set(s["newcomers_returned"]) == set(s["newcomers"]) & later


def test_newcomers_welcomed_received_reply_or_mention(truth, v2, v2_users):
    handle = {uid: u["username"] for uid, u in v2_users.items()}
    for s in truth["sessions"]:
        received = set()
        for pid in s["post_ids"]:
            t = v2[pid]
            reply_to = t.get("in_reply_to_user_id")
            if reply_to and reply_to != t["author_id"]:
                received.add(handle[reply_to])
            for m in in_text_mentions(t):
                if m["id"] != t["author_id"]:
                    received.add(m["username"])
        assert set(s["newcomers_welcomed"]) == set(s["newcomers"]) & received


def test_welcomed_newcomers_return_more_often(truth):
    rec = truth["receptivity"]
    assert rec["welcomed"]["newcomers"] >= 20 and rec["not_welcomed"]["newcomers"] >= 20
    assert rec["welcomed"]["rate"] > rec["not_welcomed"]["rate"] + 0.15
    n = sum(len(s["newcomers"]) for s in truth["sessions"][:-1])
    assert rec["welcomed"]["newcomers"] + rec["not_welcomed"]["newcomers"] == n


# --------------------------------------------------------------------------- questions


def test_questions_are_five_labelled_host_posts_ten_minutes_apart(truth, v2, v2_users):
    label = re.compile(r"^(Q\d[:.)]|Q \d -|Question \d:)$")
    styles = set()
    for s in truth["sessions"]:
        qs = s["questions"]
        assert [q["number"] for q in qs] == [1, 2, 3, 4, 5]
        times = [utc(q["time"]) for q in qs]
        for a, b in itertools.pairwise(times):
            assert timedelta(minutes=10) <= b - a <= timedelta(minutes=11)
        assert len({q["topic"] for q in qs}) == 5
        vocab = [set(q["vocabulary"]) for q in qs]
        assert all(len(v) >= 12 for v in vocab)
        assert all(not (vocab[i] & vocab[j]) for i in range(5) for j in range(i + 1, 5))
        for q in qs:
            t = v2[q["post_id"]]
            assert t["text"] == q["text"] and q["post_id"] in q["post_ids"]
            assert label.match(q["label"]) and q["label"].replace(" ", "").rstrip(":.)-") \
                .removeprefix("Question").removeprefix("Q") == str(q["number"])
            assert q["label"] in t["text"] and "#swchat" in t["text"].lower()
            assert v2_users[t["author_id"]]["username"] == q["host"] in truth["hosts"]
            assert q["posts"] == len(q["post_ids"])
            assert q["participants"] == len({v2[p]["author_id"] for p in q["post_ids"]})
            styles.add(re.sub(r"\d", "N", q["label"]))
        assert qs[0]["host"] != qs[1]["host"]  # hosts alternate
    assert len(styles) >= 3
    assert len({q["topic"] for s in truth["sessions"][:4] for q in s["questions"]}) == 20


def test_answers_carry_their_question_number(truth, v2):
    label = re.compile(r"^(?:@\w+ )?(?:#\w+ )?A\.?(\d)\b")
    late = 0
    for s in truth["sessions"]:
        qs = s["questions"]
        for q in qs:
            for pid in q["post_ids"]:
                m = label.match(v2[pid]["text"])
                if m:
                    assert int(m.group(1)) == q["number"], v2[pid]["text"]
                    nxt = qs[q["number"]]["time"] if q["number"] < 5 else None
                    late += nxt is not None and utc(v2[pid]["created_at"]) > utc(nxt)
    assert late > 0  # some answers come after the next question was posted


def test_question_vocabulary_is_recoverable_by_tfidf(truth, v2):
    docs, vocabs = [], []
    for s in truth["sessions"]:
        for q in s["questions"]:
            words = collections.Counter()
            for pid in q["post_ids"]:
                if pid == q["post_id"] or v2[pid]["text"].startswith("RT @"):
                    continue  # the answers and replies, not the question's own words
                text = re.sub(r"[@#]\w+|https://\S+", " ", v2[pid]["text"].lower())
                words.update(re.findall(r"[a-z]{2,}", text))
            docs.append(words)
            vocabs.append(set(q["vocabulary"]))
    df = collections.Counter(w for d in docs for w in d)
    for words, vocab in zip(docs, vocabs, strict=True):
        score = {w: n * math.log(len(docs) / df[w]) for w, n in words.items()}
        top = sorted(score, key=lambda w: (-score[w], w))[:10]
        assert sum(w in vocab for w in top) >= 7, top


# --------------------------------------------------------------------------- edges


def in_text_mentions(t: dict) -> list[dict]:
    """Mentions other than a reply's leading run and a retweet's ``RT @x:``."""
    mentions = sorted(t.get("entities", {}).get("mentions", []), key=lambda m: m["start"])
    types = {r["type"] for r in t.get("referenced_tweets", [])}
    if "retweeted" in types:
        return [m for m in mentions if m["start"] != 3]
    if "replied_to" in types:
        pos, rest = 0, []
        for m in mentions:
            if m["start"] == pos:
                pos = m["end"] + 1
            else:
                rest.append(m)
        return rest
    return mentions


def test_edges_match_the_v2_file(truth, v2, v2_included, v2_users):
    everything = {**v2_included, **v2}
    handle = {uid: u["username"] for uid, u in v2_users.items()}
    for s in truth["sessions"]:
        edges = {k: set() for k in ("reply", "retweet", "quote", "mention")}
        for pid in s["post_ids"]:
            t = v2[pid]
            a = t["author_id"]
            for ref in t.get("referenced_tweets", []):
                kind = {"replied_to": "reply", "retweeted": "retweet", "quoted": "quote"}[ref["type"]]
                b = everything[ref["id"]]["author_id"]
                if b != a:
                    edges[kind].add((handle[a], handle[b]))
            for m in in_text_mentions(t):
                if m["id"] != a:
                    edges["mention"].add((handle[a], m["username"]))
        for kind, pairs in edges.items():
            got = s["edges"][kind]
            assert got["count"] == len(got["pairs"]) == len(pairs), (s["id"], kind)
            assert {tuple(p) for p in got["pairs"]} == pairs
        assert all(s["edges"][k]["count"] > 0 for k in edges)


def test_retweeted_posts_carry_no_mentions(v2, v2_included):
    everything = {**v2_included, **v2}
    for t in v2.values():
        for ref in t.get("referenced_tweets", []):
            if ref["type"] == "retweeted":
                assert "mentions" not in everything[ref["id"]].get("entities", {})


# --------------------------------------------------------------------------- API and budget


def test_default_files_fit_the_size_budget(files):
    total = sum(p.stat().st_size for p in files.values())
    assert total <= SIZE_BUDGET, total


def test_sample_chat_object():
    chat = generate(seed=4, sessions=4, posts=320)
    assert isinstance(chat, SampleChat)
    assert len(chat.truth["sessions"]) == 4
    assert chat.post(chat.posts[-1]["id"]) is chat.posts[-1]
    assert all(not p["is_context"] for p in chat.posts)
    assert all(p["is_context"] for p in chat.context_posts)
    assert chat.posts == sorted(chat.posts, key=lambda p: int(p["id"]))
    assert {"host", "org", "participant"} == {a["role"] for a in chat.accounts.values()}
    assert not any(k.startswith("_") for p in chat.posts for k in p)
    assert 60 * 4 * 0.8 <= len(chat.posts) <= 320 * 1.2


@pytest.mark.parametrize("kwargs", [{"sessions": 0}, {"sessions": 4, "posts": 100},
                                    {"start": date(2026, 10, 8)}])
def test_generate_rejects_bad_arguments(kwargs):
    with pytest.raises(ValueError):
        generate(**kwargs)


def test_more_posts_scale_up_sessions_and_accounts():
    small = generate(seed=2, sessions=4, posts=800)
    big = generate(seed=2, sessions=4, posts=8000)
    assert len(big.posts) == pytest.approx(8000, rel=0.1)
    assert len(big.truth["sessions"]) == 4
    assert len(big.accounts) > 3 * len(small.accounts)
    assert min(s["posts"] for s in big.truth["sessions"]) > 1500


@pytest.mark.slow
def test_100k_posts_generate_and_write(tmp_path):
    chat = generate(posts=100_000)
    write_v2_pages(chat, tmp_path / "big.jsonl")
    assert len(chat.posts) == pytest.approx(100_000, rel=0.05)
