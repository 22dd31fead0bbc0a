"""Sessions, hosts, questions and segments: the pattern logic, hand-made chats, and the sample truth."""

from __future__ import annotations

from collections import Counter

import pandas as pd
import pytest

from swchat import Chat
from swchat.errors import SelectionError
from swchat.questions import INTRO, WRAPUP, answer_label, parse_question
from swchat.schema import new_post, posts_frame
from swchat.sessions import Session, detect_schedule, find_sessions

# ----------------------------------------------------------------------------- patterns

QUESTIONS = [
    ("Q1: What does good supervision look like? #SWChat", 1),
    ("Q1. What does good supervision look like?", 1),
    ("Q1) What does good supervision look like?", 1),
    ("Q 1 - What does good supervision look like?", 1),
    ("Q 1 – What does good supervision look like?", 1),
    ("Q1 — what does good supervision look like?", 1),
    ("Question 1: What does good supervision look like?", 1),
    ("QUESTION 2 - How do you switch off?", 2),
    ("question 3: how do you switch off?", 3),
    ("#SWChat Q2: How do you switch off?", 2),
    ("#SWChat #socialwork Q4: Any tips?", 4),
    ("❓Q3: How do you switch off? #SWChat", 3),
    ("👉Question 2: How do you adapt? #SWChat", 2),
    ("👉 Q5: Last one! #SWChat", 5),
    ("🔹Q2🔹 What helps you rest? #SWChat", 2),
    ("[Q1] What does reflection mean to you?", 1),
    ("(Q2) What does reflection mean to you?", 2),
    ("**Q3:** bold question", 3),
    ("Q.4: dotted label", 4),
    ("Q#5: hash label", 5),
    ("q1: lower case", 1),
    ("Q1 : spaced colon", 1),
    ("Q10: the tenth", 10),
    ("Q1️⃣ What helps you switch off?", 1),
    ("Q2 What helps you switch off?", 2),
    ("  Q3:\nWhat helps you switch off?", 3),
    ("@SWChatHost Q4: a question in a self-thread", 4),
]

LOOKALIKES = [
    "Q1 results are in",
    "Q2 earnings beat expectations",
    "Q1 2026 report is out #SWChat",
    "Q1.5 million reasons",
    "Q1-2026 budget",
    "FAQ 1: how do I join?",
    "A2: as Q2 says, supervision matters",
    "Great point about Q3: yes",
    "RT @SWChatHost: Q1: What does good supervision look like?",
    "Quick question: anyone around?",
    "Questions 1-5 are on the blog",
    "Q&A 1: tonight",
    "Q0: zero",
    "",
    None,
]

ANSWERS = [
    ("A1 We need time for reflection", 1),
    ("A1: We need time", 1),
    ("A.1 We need time", 1),
    ("A1) We need time", 1),
    ("A1 - We need time", 1),
    ("A 1 - We need time", 1),
    ("A 2: We need time", 2),
    ("a3: lower case", 3),
    ("@SWChatHost A2 supervision, always #SWChat", 2),
    ("@SWChatHost @bob A.3 yes", 3),
    ("#SWChat A4: tag first", 4),
    ("💬 A5) emoji first", 5),
    ("Great question! A2: it depends", 2),
    ("A2: as Q2 says, supervision matters", 2),
    ("A10: many", 10),
]

NOT_ANSWERS = [
    "A 1-to-1 session helps",
    "As a student I think so",
    "And that's that",
    "A lot of us agree",
    "RT @bob: A1 We need time",
    "Q1: What do you think?",
    "I got an A1 grade",
    "",
    None,
]


@pytest.mark.parametrize(("text", "number"), QUESTIONS)
def test_question_spellings(text, number):
    assert parse_question(text) == number


def test_at_least_twenty_question_spellings():
    assert len(QUESTIONS) >= 20


@pytest.mark.parametrize("text", LOOKALIKES)
def test_question_lookalikes(text):
    assert parse_question(text) is None


@pytest.mark.parametrize(("text", "number"), ANSWERS)
def test_answer_labels(text, number):
    assert answer_label(text) == number


@pytest.mark.parametrize("text", NOT_ANSWERS)
def test_not_answer_labels(text):
    assert answer_label(text) is None


# ----------------------------------------------------------------------------- hand-made chats

_COUNTER = iter(range(10**6))


def p(when, who, text, *, kind=None, parent=None, parent_author=None, tags=("SWChat",), rt=None, quote=None,
      pid=None, context=False):
    """A post at ``when`` (UTC text) by ``who``."""
    pid = pid or f"p{next(_COUNTER):06d}"
    return new_post(
        platform="x", post_id=pid, author_id=f"id_{who}", author_handle=who, text=text,
        created_at=pd.Timestamp(when).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        kind=kind or ("reply" if parent else "retweet" if rt else "quote" if quote else "original"),
        reply_to_post_id=parent, reply_to_author_id=f"id_{parent_author}" if parent_author else None,
        retweeted_post_id=rt, quoted_post_id=quote, is_quote=bool(quote), hashtags=list(tags),
        is_context=context,
    )


def chat_rows(day="2026-10-07", hour=19, host="host", cohost="cohost", people=6, tag="SWChat"):
    """A one-hour chat: welcome, intros, Q1–Q3 with answers and a thread, a closing post."""
    t0 = pd.Timestamp(f"{day}T{hour:02d}:00Z")
    at = lambda m, s=0: t0 + pd.Timedelta(minutes=m, seconds=s)  # noqa: E731
    rows = [p(at(0, 10), host, f"Welcome to tonight's #{tag}!", tags=[tag])]
    for i in range(people):
        rows.append(p(at(1, i), f"user{i}", f"Hi #{tag}, I'm {i}", tags=[tag]))
    qs = {}
    for k, m in ((1, 5), (2, 15), (3, 25)):
        who = host if k % 2 else cohost
        q = p(at(m), who, f"Q{k}: question number {k}? #{tag}", tags=[tag])
        qs[k] = q
        rows.append(q)
        for i in range(people):
            rows.append(p(at(m + 1, i * 5), f"user{i}", f"A{k} my answer #{tag}", tags=[tag]))
    rows.append(p(at(36), host, f"That's all! Thanks everyone for joining #{tag}", tags=[tag]))
    rows.append(p(at(37), "user0", f"Thanks all #{tag}", tags=[tag]))
    return rows, qs


def test_two_weekly_sessions_and_scattered_posts():
    first, _ = chat_rows("2026-10-21", 19)  # British Summer Time: 19:00 UTC
    second, _ = chat_rows("2026-10-28", 20)  # after the end of British Summer Time: 20:00 UTC
    scattered = [
        p("2026-10-26T09:00Z", "user1", "see you next week #SWChat"),               # lone Monday post
        p("2026-10-27T10:00Z", "host", "Wednesday at 8pm on #SWChat: join us!"),
        *[p(f"2026-10-27T10:{m:02d}Z", f"fan{m}", "RT @host: Wednesday at 8pm on #SWChat", kind="retweet")
          for m in range(1, 30)],                                                 # a promo retweeted a lot
        p("2026-10-21T17:20Z", "user2", "Looking forward to #SWChat tonight"),      # two hours before
    ]
    posts = posts_frame([*first, *second, *scattered])
    sessions = find_sessions(posts, hashtag="#swchat", tz="Europe/London")
    assert [s.id for s in sessions] == ["SWChat-2026-10-21", "SWChat-2026-10-28"]
    s = sessions[0]
    assert s.posts == len(first) and set(s.post_ids) == {r["post_id"] for r in first}
    assert s.participants == 8 and s.hosts == ["cohost", "host"]
    assert s.start == pd.Timestamp("2026-10-21T19:00:10Z") and s.start.tz is not None
    assert [q["number"] for q in s.questions] == [1, 2, 3]
    assert s.schedule is not None and s.schedule.describe() == "meets Wednesdays 20:00 Europe/London"
    assert all(x.on_schedule for x in sessions)
    apart, _ = chat_rows("2026-11-11", 20)
    two_weeks = find_sessions(posts_frame([*second, *apart]), tz="Europe/London")
    assert two_weeks[0].schedule.describe() == "meets every other Wednesday 20:00 Europe/London"
    scattered_ids = {r["post_id"] for r in scattered}
    assert not scattered_ids & {i for x in sessions for i in x.post_ids}
    d = s.as_dict()
    assert {"id", "hashtag", "start", "end", "posts", "participants", "hosts", "schedule"} <= set(d)
    assert d["local_start"].startswith("2026-10-21T20:00")


def test_min_posts_and_gap_are_options():
    rows, _ = chat_rows()
    posts = posts_frame(rows)
    assert find_sessions(posts, min_posts=len(rows) + 1) == []
    assert len(find_sessions(posts, gap=1)) == 0  # one-minute gaps cut it into small pieces
    assert len(find_sessions(posts, gap="2h")) == 1
    with pytest.raises(SelectionError):
        find_sessions(posts, gap="soon")
    with pytest.raises(SelectionError):
        find_sessions(posts, tz="Mars/Olympus")


def test_hashtagless_replies_join_during_the_session_only():
    rows, qs = chat_rows()
    q1 = qs[1]
    during = p("2026-10-07T19:08Z", "lurker", "@host good q", parent=q1["post_id"], parent_author="host", tags=())
    chained = p("2026-10-07T19:09Z", "other", "@lurker yes", parent=during["post_id"], parent_author="lurker",
                tags=())
    retweet = p("2026-10-07T19:10Z", "fan", "RT @host: Q1: question num…", rt=q1["post_id"], tags=())
    days_later = p("2026-10-09T12:00Z", "late", "@host late reply", parent=q1["post_id"], parent_author="host",
                   tags=())
    unrelated = p("2026-10-07T19:11Z", "other", "nothing to do with it", tags=())
    posts = posts_frame([*rows, during, chained, retweet, days_later, unrelated])
    (s,) = find_sessions(posts, hashtag="SWChat")
    ids = set(s.post_ids)
    assert {during["post_id"], chained["post_id"], retweet["post_id"]} <= ids
    assert days_later["post_id"] not in ids and unrelated["post_id"] not in ids


def test_same_date_sessions_get_suffixes_and_hashtag_spelling():
    morning, _ = chat_rows("2026-10-07", 8, tag="swchat")
    evening, _ = chat_rows("2026-10-07", 19)
    extra, _ = chat_rows("2026-10-08", 19)
    sessions = find_sessions(posts_frame([*morning, *evening, *extra]), tz="UTC")
    assert [s.id for s in sessions] == ["SWChat-2026-10-07", "SWChat-2026-10-07-2", "SWChat-2026-10-08"]


def test_schedule_needs_recurrence_and_follows_dst():
    def s(start):
        start = pd.Timestamp(start)
        return Session("x", "x", start, start + pd.Timedelta("55min"), [], [])

    weekly = [s("2026-10-14T19:00Z"), s("2026-10-21T19:00Z"), s("2026-10-28T20:00Z"), s("2026-11-04T20:00Z")]
    sch = detect_schedule(weekly, tz="Europe/London")
    assert (sch.weekday_name, sch.hour, sch.minute, sch.cadence, sch.sessions) == ("Wednesday", 20, 0, "weekly", 4)
    assert sch.as_dict()["local_hour"] == 20 and sch.duration_minutes == 55
    assert detect_schedule(weekly, tz="UTC").sessions == 2  # in UTC the clock change splits them
    assert detect_schedule([s("2026-10-14T19:00Z")], tz="UTC") is None
    scattered = [s("2026-10-14T19:00Z"), s("2026-10-16T09:00Z"), s("2026-10-20T14:00Z")]
    assert detect_schedule(scattered, tz="UTC") is None
    ny = [s("2026-03-04T01:00Z"), s("2026-03-11T00:00Z")]  # 20:00 in New York either side of DST
    assert detect_schedule(ny, tz="America/New_York").describe() == "meets Tuesdays 20:00 America/New_York"


# ----------------------------------------------------------------------------- questions


def _chat(rows, **meta):
    return Chat(posts=posts_frame(rows), hashtag="SWChat", meta=meta)


def test_lookalike_questions_by_structure():
    rows, qs = chat_rows()
    q1 = qs[1]
    extra = [
        # a participant writing "Q1:" in a reply is not a question
        p("2026-10-07T19:06Z", "user1", "@host Q1: I'd say yes", parent=q1["post_id"], parent_author="host"),
        # a retweet of a question is not a question
        p("2026-10-07T19:06:30Z", "user2", "RT @host: Q1: question number 1?", rt=q1["post_id"]),
        # the host repeating Q1 later: the first one counts
        p("2026-10-07T19:09Z", "host", "Q1: question number 1? (in case you missed it) #SWChat"),
        # a participant quoting Q2 in an answer
        p("2026-10-07T19:16Z", "user3", "A2: as Q2 says, it depends #SWChat"),
        # "Q1 results are in" by a host
        p("2026-10-07T19:30Z", "host", "Q1 results are in #SWChat"),
        # the host answering in a self-thread: Q4 as a reply to its own Q3 is a question
    ]
    q4 = p("2026-10-07T19:33Z", "host", "Q4: a self-threaded question? #SWChat", parent=qs[3]["post_id"],
           parent_author="host")
    table = _chat([*rows, *extra, q4]).questions()
    assert table["number"].tolist() == [1, 2, 3, 4]
    assert table["post_id"].tolist() == [qs[1]["post_id"], qs[2]["post_id"], qs[3]["post_id"], q4["post_id"]]
    assert set(table["host"]) == {"host", "cohost"}


def test_participant_original_q_label_is_not_a_question_when_hosts_asked_it():
    rows, qs = chat_rows()
    stray = p("2026-10-07T19:07Z", "user4", "Q1: I'd say supervision #SWChat")
    (s,) = find_sessions(posts_frame([*rows, stray]))
    assert [q["post_id"] for q in s.questions] == [qs[k]["post_id"] for k in (1, 2, 3)]
    assert "user4" not in s.hosts


def test_hosts_override():
    rows, _ = chat_rows()
    (s,) = find_sessions(posts_frame(rows), hosts=["@HOST"])
    assert s.hosts == ["host"]
    assert [q["number"] for q in s.questions] == [1, 3]  # cohost's Q2 is not a host question now
    table = _chat(rows).questions(hosts=["host", "cohost"])
    assert table["number"].tolist() == [1, 2, 3]


def test_segments_by_label_chain_time_intro_and_wrapup():
    rows, qs = chat_rows()
    q1, q2 = qs[1], qs[2]
    late_a1 = p("2026-10-07T19:17Z", "user5", "A1 late answer #SWChat")
    reply_q1 = p("2026-10-07T19:18Z", "user4", "@host still on Q1 thread", parent=q1["post_id"],
                 parent_author="host")
    reply_reply = p("2026-10-07T19:19Z", "user3", "@user4 agreed", parent=reply_q1["post_id"],
                    parent_author="user4", tags=())
    unlabelled = p("2026-10-07T19:20Z", "user2", "something about Q2 time #SWChat")
    rt_q1 = p("2026-10-07T19:21Z", "user1", "RT @host: Q1: question number 1?", rt=q1["post_id"])
    before = p("2026-10-07T19:02Z", "user1", "excited! #SWChat")
    after_close = p("2026-10-07T19:40Z", "user2", "bye #SWChat")
    rows = [*rows, late_a1, reply_q1, reply_reply, unlabelled, rt_q1, before, after_close]
    seg = _chat(rows).segments()
    assert seg[late_a1["post_id"]] == "Q1"
    assert seg[reply_q1["post_id"]] == "Q1" and seg[reply_reply["post_id"]] == "Q1"
    assert seg[unlabelled["post_id"]] == "Q2"
    assert seg[rt_q1["post_id"]] == "Q1"
    assert seg[before["post_id"]] == INTRO
    assert seg[after_close["post_id"]] == WRAPUP
    assert seg[q2["post_id"]] == "Q2"
    assert set(seg.dropna()) == {INTRO, "Q1", "Q2", "Q3", WRAPUP}


def test_wrapup_threshold_without_a_closing_post():
    rows, _ = chat_rows()
    rows = [r for r in rows if "That's all" not in (r["text"] or "")]
    straggler = p("2026-10-07T19:50Z", "user1", "still here #SWChat")  # 25 min after Q3 (spacing 10 min)
    near = p("2026-10-07T19:33Z", "user2", "hmm #SWChat")
    seg = _chat([*rows, straggler, near]).segments()
    assert seg[straggler["post_id"]] == WRAPUP and seg[near["post_id"]] == "Q3"
    seg = _chat([*rows, straggler, near]).segments(wrapup_after="5min")
    assert seg[near["post_id"]] == WRAPUP


def test_question_table_counts():
    rows, qs = chat_rows(people=4)
    q1 = qs[1]
    reply = p("2026-10-07T19:07Z", "user9", "@host direct answer", parent=q1["post_id"], parent_author="host")
    sub = p("2026-10-07T19:08Z", "user1", "@user9 nice", parent=reply["post_id"], parent_author="user9")
    rt = p("2026-10-07T19:09Z", "user2", "RT @host: Q1", rt=q1["post_id"])
    table = _chat([*rows, reply, sub, rt]).questions(segments=True)
    assert table["segment"].tolist() == [INTRO, "Q1", "Q2", "Q3", WRAPUP]
    r = table.set_index("segment").loc["Q1"]
    assert (r["posts"], r["answers"], r["replies"], r["retweets"]) == (1 + 4 + 3, 5, 1, 1)
    assert r["participants"] == 1 + 4 + 1  # host, four users, user9
    assert len(r["post_ids"]) == r["posts"] and r["time"].tz is not None


def test_selection_with_no_session():
    rows = [p("2026-10-07T19:00Z", "a", "hello #SWChat")]
    chat = _chat(rows)
    assert chat.questions().empty
    assert chat.segments().isna().all()


# ----------------------------------------------------------------------------- the sample


def _truth_segments(ts):
    seg = dict.fromkeys(ts["intro_post_ids"], INTRO)
    seg.update(dict.fromkeys(ts["wrapup_post_ids"], WRAPUP))
    for q in ts["questions"]:
        seg.update(dict.fromkeys(q["post_ids"], f"Q{q['number']}"))
    return seg


def test_sample_sessions_equal_truth(sample_archive, truth):
    tz = truth["timezone"]
    sessions = sample_archive.sessions(truth["hashtag"], tz=tz, members=True)
    assert [s.id for s in sessions] == [t["id"] for t in truth["sessions"]]
    for s, t in zip(sessions, truth["sessions"], strict=True):
        d = s.as_dict()
        assert (d["start"], d["end"]) == (t["start"], t["end"])
        assert sorted(s.hosts) == sorted(t["hosts"])
        assert set(s.post_ids) == set(t["post_ids"])
        assert s.posts == t["posts"] and s.participants == len(t["participants"])
        assert [q["number"] for q in s.questions] == [q["number"] for q in t["questions"]]
        assert [q["post_id"] for q in s.questions] == [q["post_id"] for q in t["questions"]]


def test_sample_between_session_chatter_is_left_out(sample_archive, truth):
    sessions = sample_archive.sessions(truth["hashtag"], tz=truth["timezone"], members=True)
    inside = {i for s in sessions for i in s.post_ids}
    assert not inside & set(truth["between_session_post_ids"])
    # the chatter is in the hashtag selection, so leaving it out is the method's doing
    selected = set(sample_archive.posts(truth["hashtag"])["post_id"].astype(object))
    assert set(truth["between_session_post_ids"]) <= selected


def test_sample_schedule(sample_archive, truth):
    sessions = sample_archive.sessions(truth["hashtag"], tz=truth["timezone"])
    sch = sessions[0].schedule
    assert (sch.weekday_name, sch.hour, sch.minute) == (truth["schedule"]["weekday"], truth["schedule"]["local_hour"], 0)
    assert sch.timezone == "Europe/London" and sch.cadence == "weekly"
    assert sch.describe() == "meets Wednesdays 20:00 Europe/London"
    assert all(s.on_schedule for s in sessions)


#: Each question's posts may differ from the truth by at most this share (symmetric difference
#: over the truth's count). Measured on the sample: 0 % for every question of every session.
QUESTION_TOLERANCE = 0.03


def test_sample_questions_and_segments(sample_archive, truth):
    tz = truth["timezone"]
    agree = total = 0
    for t in truth["sessions"]:
        chat = sample_archive.session(t["id"], tz=tz)
        table = chat.questions()
        assert table["number"].tolist() == [q["number"] for q in t["questions"]]
        assert table["post_id"].tolist() == [q["post_id"] for q in t["questions"]]
        assert table["host"].tolist() == [q["host"] for q in t["questions"]]
        for (_, row), q in zip(table.iterrows(), t["questions"], strict=True):
            mine, theirs = set(row["post_ids"]), set(q["post_ids"])
            assert len(mine ^ theirs) <= QUESTION_TOLERANCE * len(theirs), (t["id"], q["number"])
            assert abs(row["participants"] - q["participants"]) <= max(1, QUESTION_TOLERANCE * q["participants"])
            assert row["time"] == pd.Timestamp(q["time"])
        seg = chat.segments()
        expected = _truth_segments(t)
        assert set(seg.index) == set(expected)
        agree += sum(seg[k] == v for k, v in expected.items())
        total += len(expected)
    assert agree / total >= 1 - QUESTION_TOLERANCE


def test_session_chat_holds_exactly_the_session(sample_archive, truth):
    t = truth["sessions"][1]
    chat = sample_archive.session(t["id"], tz=truth["timezone"])
    assert chat.session_id == t["id"] and chat.hashtag.lower() == "swchat"
    assert set(chat.own_posts["post_id"].astype(object)) == set(t["post_ids"])
    assert chat.meta["session"].id == t["id"]
    own = chat.own_posts
    refs = set(own["reply_to_post_id"].dropna()) | set(own["retweeted_post_id"].dropna()) | set(own["quoted_post_id"].dropna())
    context = set(chat.posts.loc[chat.posts["is_context"], "post_id"].astype(object))
    assert context and context <= refs
    all_ids = set(sample_archive.posts()["post_id"].astype(object))
    assert refs - set(t["post_ids"]) - context == (refs - set(t["post_ids"])) - all_ids
    assert chat.participants == len(t["participants"])


def test_unknown_session_lists_existing_ids(sample_archive, truth):
    with pytest.raises(SelectionError) as info:
        sample_archive.session("SWChat-1999-01-01")
    assert truth["sessions"][0]["id"] in str(info.value)
    with pytest.raises(SelectionError, match="not a session id"):
        sample_archive.session("last wednesday")


def test_sessions_are_read_from_the_derived_tables_and_unique(sample_archive, truth, monkeypatch):
    first = sample_archive.sessions(tz=truth["timezone"])
    calls = []
    original = type(sample_archive).posts
    monkeypatch.setattr(type(sample_archive), "posts",
                        lambda self, *a, **k: calls.append(a) or original(self, *a, **k))
    again = sample_archive.sessions(tz=truth["timezone"])
    assert [s.id for s in first] == [s.id for s in again] == [t["id"] for t in truth["sessions"]]
    assert calls == []  # answered from the derived tables, without reading the posts again
    assert not [i for i, n in Counter(s.id for s in first).items() if n > 1]


def test_chat_shortcuts(sample_archive, truth):
    chat = sample_archive.select(truth["hashtag"])
    sessions = chat.sessions(tz=truth["timezone"])
    assert [s.id for s in sessions] == [t["id"] for t in truth["sessions"]]
    table = chat.questions(tz=truth["timezone"])
    assert len(table) == sum(len(t["questions"]) for t in truth["sessions"])
    assert set(table["session_id"]) == {t["id"] for t in truth["sessions"]}


def _v2_page(tweets):
    import orjson

    users = sorted({t["author_id"] for t in tweets})
    return orjson.dumps({"data": tweets, "includes": {"users": [{"id": u, "username": f"user{u}"}
                                                                for u in users]}}) + b"\n"


def _tweet(tid, when, author, text, tags, **extra):
    return {"id": tid, "author_id": author, "text": text, "created_at": when,
            "entities": {"hashtags": [{"tag": t} for t in tags]}, **extra}


def test_archive_level_co_hashtags_and_untagged_retweets(archive, tmp_path):
    tweets = []
    for i in range(12):  # #SWChat, most posts also tagged #socialwork
        tags = ["SWChat", "socialwork"] if i else ["SWChat"]
        tweets.append(_tweet(str(1000 + i), f"2026-10-07T19:{i:02d}:00.000Z", str(i % 4),
                             f"A1 idea {i} " + " ".join(f"#{t}" for t in tags), tags))
    for i in range(12):  # another chat the next day
        tweets.append(_tweet(str(2000 + i), f"2026-10-08T12:{i:02d}:00.000Z", str(10 + i % 3),
                             f"hello {i} #OtherChat", ["OtherChat"]))
    # a retweet whose hashtag was cut off by truncation
    tweets.append(_tweet("3000", "2026-10-07T19:30:00.000Z", "7", "RT @user0: A1 idea 0 …", [],
                         referenced_tweets=[{"type": "retweeted", "id": "1000"}]))
    path = tmp_path / "chat.jsonl"
    path.write_bytes(_v2_page(tweets))
    archive.ingest([path])
    found = archive.sessions(members=True)
    assert [s.id for s in found] == ["SWChat-2026-10-07", "OtherChat-2026-10-08"]
    assert "3000" in found[0].post_ids and found[0].posts == 13
    assert archive.sessions("socialwork")  # asked for by name, the co-hashtag has its bursts
    chat = archive.session("swchat-2026-10-07")
    assert "3000" in set(chat.own_posts["post_id"].astype(object))


def test_session_ids_in_tz_or_in_utc(archive, tmp_path):
    """A chat at 21:00 in New York starts at 01:00 UTC the next day: either id opens it."""
    tweets = [_tweet(str(1000 + i), f"2026-10-08T01:{i:02d}:00.000Z", str(i % 4), f"A1 idea {i} #SWChat",
                     ["SWChat"]) for i in range(12)]
    path = tmp_path / "chat.jsonl"
    path.write_bytes(_v2_page(tweets))
    archive.ingest([path])
    ny = "America/New_York"
    assert [s.id for s in archive.sessions("SWChat", tz=ny)] == ["SWChat-2026-10-07"]
    for session_id in ("SWChat-2026-10-07", "swchat-2026-10-08"):
        chat = archive.session(session_id, tz=ny)
        assert chat.session_id == "SWChat-2026-10-07" and chat.meta["timezone"] == ny and len(chat) == 12
    assert archive.session("SWChat-2026-10-08").session_id == "SWChat-2026-10-08"
    with pytest.raises(SelectionError, match="no session SWChat-2026-10-07"):
        archive.session("SWChat-2026-10-07")  # the New York date is not the UTC date
    assert archive.chat("SWChat-2026-10-08", tz=ny).session_id == "SWChat-2026-10-07"
    selected = archive.chat(hashtag="SWChat", until="2026-10-08T01:05Z")
    assert len(selected) == 5 and selected.meta["until"] == "2026-10-08T01:05Z"
    assert len(archive.chat()) == 12  # no selection: every post
    with pytest.raises(ValueError, match="not both"):
        archive.chat("SWChat-2026-10-08", hashtag="SWChat")


def test_session_chat_flags_hosts_and_newcomers(sample_archive, truth):
    for t in truth["sessions"][:3]:
        chat = sample_archive.session(t["id"], tz=truth["timezone"])
        own = chat.posts[~chat.posts["is_context"]]
        handle = dict(zip(own["author_id"].astype(object), own["author_handle"].astype(object), strict=True))
        assert sorted(handle[a] for a in chat.meta["newcomers"]) == sorted(t["newcomers"])
        assert set(chat.meta["hosts"]) == set(truth["host_ids"].values())
        G = chat.network()
        assert sorted(G.nodes[n]["handle"] for n in G if G.nodes[n]["newcomer"]) == sorted(t["newcomers"])


def _scanned(own, tagged, times, bursts, gap):
    """What joining the hashtag-less replies means, written as the plain scan it was: every
    hashtag-less post that refers to something, in time from the burst's start, joining when it
    refers to a member, stopping past the burst's end + gap or at the next burst."""
    import numpy as np

    refs = own[["reply_to_post_id", "retweeted_post_id", "quoted_post_id"]].to_numpy(object)
    untagged = np.ones(len(own), dtype=bool)
    untagged[tagged] = False
    pool = np.flatnonzero(untagged & pd.notna(refs).any(axis=1))
    ids = own["post_id"].to_numpy(object)
    out = []
    for k, burst in enumerate(bursts):
        end = times[burst[-1]]
        limit = times[bursts[k + 1][0]] if k + 1 < len(bursts) else None
        members = set(ids[burst])
        joined = []
        for at in range(int(np.searchsorted(times[pool], times[burst[0]], side="left")), len(pool)):
            when = times[pool[at]]
            if when > end + gap.value or (limit is not None and when >= limit):
                break
            if any(r in members for r in refs[pool[at]] if r is not None):
                joined.append(pool[at])
                members.add(ids[pool[at]])
                end = max(end, when)
        out.append(sorted([*burst.tolist(), *joined]))
    return out


def test_hashtag_less_replies_join_as_a_scan_would_join_them():
    """The burst's replies are found by what they refer to, not by scanning every reply of the
    chat: the same posts join as the scan finds (chains, the gap after the latest post, the next
    burst), on generated chats."""
    import numpy as np
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from swchat.sessions import _bursts, _join_untagged, _referrers

    @settings(max_examples=400, deadline=None)
    @given(st.data())
    def check(data):
        n = data.draw(st.integers(1, 40))
        steps = data.draw(st.lists(st.integers(0, 30), min_size=n, max_size=n))
        times = np.cumsum(np.asarray(steps, dtype=np.int64)) * 60 * 10**9  # minutes apart, sorted
        tagged = np.asarray(sorted(data.draw(st.sets(st.integers(0, n - 1), min_size=1))), dtype=np.int64)

        def ref():
            return data.draw(st.one_of(st.none(), st.integers(0, n + 2).map(str)))

        own = pd.DataFrame({"post_id": [str(i) for i in range(n)],
                            "reply_to_post_id": pd.array([ref() for _ in range(n)], dtype="string"),
                            "retweeted_post_id": [ref() for _ in range(n)],
                            "quoted_post_id": [ref() for _ in range(n)]})
        gap = pd.Timedelta(minutes=data.draw(st.sampled_from([5, 20, 90])))
        bursts = [tagged[i:j] for i, j in _bursts(times[tagged], gap)]
        got = _join_untagged(own, tagged, times, bursts, gap, _referrers(own))
        assert [g.tolist() for g in got] == _scanned(own, tagged, times, bursts, gap)

    check()
