"""Mastodon reader: HTML to text, ids and handles, boosts, quotes, reply parents, containers,
outbox.json, rejections, sniffing, the real exports, and the archive end to end."""

from __future__ import annotations

import copy
import gzip
import json

import orjson
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from swchat.readers import mastodon, tags, twarc_csv, x_archive, xv1, xv2
from swchat.readers.base import Post, Source
from swchat.readers.detect import detect
from swchat.schema import POST_COLUMNS

SERVER = "chat.example"  # the server the "API responses" below come from


def account(aid: str, username: str, host: str | None = None, **extra) -> dict:
    """An API account; local to SERVER when ``host`` is None."""
    return {"id": aid, "username": username, "acct": username if host is None else f"{username}@{host}",
            "display_name": username.title(), "url": f"https://{host or SERVER}/@{username}",
            "note": "<p>Social worker &amp; host<br>Leeds</p>", "followers_count": 10,
            "following_count": 5, "created_at": "2022-11-01T00:00:00.000Z", **extra}


HOST = account("1", "swchathost")
ANN = account("2", "ann", "social.example")
BOB = account("3", "bob")


def status(sid: str, author: dict, content: str, when: str = "2026-09-02T19:00:00.000Z", **extra) -> dict:
    """An API status; a remote author's status has a URI with an id of its own server."""
    host = author["acct"].split("@")[1] if "@" in author["acct"] else SERVER
    remote_id = sid if host == SERVER else f"9{sid}"
    return {"id": sid, "created_at": when, "in_reply_to_id": None, "in_reply_to_account_id": None,
            "sensitive": False, "spoiler_text": "", "visibility": "public", "language": "en",
            "uri": f"https://{host}/users/{author['username']}/statuses/{remote_id}",
            "url": f"https://{host}/@{author['username']}/{remote_id}",
            "replies_count": 0, "reblogs_count": 0, "favourites_count": 0, "edited_at": None,
            "content": content, "reblog": None, "account": author, "media_attachments": [],
            "mentions": [], "tags": [], "emojis": [], "card": None, "poll": None, **extra}


def hashtag(name: str) -> str:
    return (f'<a href="https://{SERVER}/tags/{name.lower()}" class="mention hashtag" rel="tag">'
            f'#<span>{name}</span></a>')


def mention_link(acc: dict) -> str:
    return (f'<span class="h-card"><a href="{acc["url"]}" class="u-url mention">'
            f'@<span>{acc["username"]}</span></a></span>')


def mention(acc: dict) -> dict:
    return {"id": acc["id"], "username": acc["username"], "acct": acc["acct"], "url": acc["url"]}


Q1 = status(
    "100", HOST,
    f"<p>Q1: What helps you switch off? {hashtag('SWChat')} &amp; {hashtag('SelfCare')}</p>"
    '<p>Guide: <a href="https://example.org/guide/long-path" rel="nofollow noopener" target="_blank">'
    '<span class="invisible">https://</span><span class="ellipsis">example.org/guide/lo</span>'
    '<span class="invisible">ng-path</span></a><br>Caf&eacute; \U0001f389</p>',
    tags=[{"name": "swchat", "url": f"https://{SERVER}/tags/swchat"},
          {"name": "selfcare", "url": f"https://{SERVER}/tags/selfcare"},
          {"name": "featured", "url": f"https://{SERVER}/tags/featured"}],
    application={"name": "Web", "website": None}, favourites_count=9, reblogs_count=4,
    replies_count=2)
REPLY = status(
    "101", ANN, f"<p>{mention_link(HOST)} A1: walking, cc {mention_link(BOB)} {hashtag('swchat')}</p>",
    when="2026-09-02T19:03:10.250Z", in_reply_to_id="100", in_reply_to_account_id="1",
    mentions=[mention(HOST), mention(BOB)], tags=[{"name": "swchat", "url": f"https://{SERVER}/tags/swchat"}],
    language="en")
REPLY2 = status("103", BOB, f"<p>{mention_link(ANN)} same here</p>", when="2026-09-02T19:05:00.000Z",
                in_reply_to_id="101", in_reply_to_account_id="2", mentions=[mention(ANN)])
BOOST = status("102", BOB, "", when="2026-09-02T19:04:00.000Z", reblog=REPLY, language=None)
BOOST["uri"] += "/activity"
BOOST["url"] = BOOST["uri"]

Q1_URI = "https://chat.example/users/swchathost/statuses/100"
REPLY_URI = "https://social.example/users/ann/statuses/9101"


def rows(items) -> dict[str, dict]:
    return {i.row["post_id"]: i.row for i in items if isinstance(i, Post) and not i.context}


def read_bytes(kit, data: bytes, name: str = "input.json"):
    return kit.read_with(mastodon, data, name)


# --------------------------------------------------------------------------- HTML


def test_content_paragraphs_breaks_links_entities_and_quote_fallback():
    html = ('<p class="quote-inline">RE: <a href="https://a.example/@x/1">https://a.example/@x/1</a></p>'
            "<p>fish &amp; chips&nbsp;&lt;3</p><p>one<br/>two<br>\nthree</p>"
            '<blockquote><p>quoted</p></blockquote><ul><li>a</li><li>b</li></ul>')
    content = mastodon.parse_content(html)
    assert content.text == "fish & chips\xa0<3\n\none\ntwo\nthree\n\nquoted\n\na\nb"
    assert content.links == []  # the RE: link of the quote fallback is no link of the text


def test_content_without_html_and_empty():
    assert mastodon.content_text("plain text") == "plain text"
    assert mastodon.content_text(None) == "" == mastodon.content_text("")


def test_global_handles():
    assert mastodon.global_handle("ann", "https://a.example/@ann") == "ann@a.example"
    assert mastodon.global_handle("@bob@b.example", "https://b.example/@bob") == "bob@b.example"
    assert mastodon.global_handle("", None) is None


# --------------------------------------------------------------------------- canonical rows


def test_original_status_gives_this_exact_row(kit):
    items = read_bytes(kit, orjson.dumps([Q1]))
    (post,) = items.posts
    assert post.row == {
        "platform": "mastodon",
        "post_id": Q1_URI,
        "url": "https://chat.example/@swchathost/100",
        "created_at": "2026-09-02T19:00:00.000Z",
        "author_id": "https://chat.example/@swchathost",
        "author_handle": "swchathost@chat.example",
        "author_name": "Swchathost",
        "text": "Q1: What helps you switch off? #SWChat & #SelfCare\n\n"
                "Guide: https://example.org/guide/long-path\nCafé \U0001f389",
        "kind": "original",
        "is_quote": False,
        "reply_to_post_id": None,
        "reply_to_author_id": None,
        "reply_to_handle": None,
        "quoted_post_id": None,
        "retweeted_post_id": None,
        "conversation_id": Q1_URI,
        "hashtags": ["SWChat", "SelfCare", "featured"],
        "mentions": [],
        "urls": ["https://example.org/guide/long-path"],
        "lang": "en",
        "source_app": "Web",
        "like_count": 9,
        "repost_count": 4,
        "reply_count": 2,
        "quote_count": None,
        "collected_at": None,
        "is_context": False,
        "origin": None,
    }
    assert set(post.row) == set(POST_COLUMNS)
    assert orjson.loads(post.raw)["id"] == "100"  # the local id lives on in the raw record
    (acc,) = items.accounts
    assert acc.row == {
        "platform": "mastodon", "account_id": "https://chat.example/@swchathost",
        "handle": "swchathost@chat.example", "name": "Swchathost",
        "description": "Social worker & host\nLeeds", "followers": 10, "following": 5,
        "location": None, "created_at": "2022-11-01T00:00:00.000Z",
        "snapshot_at": "2026-09-02T19:00:00.000Z"}


def test_reply_from_another_server_gives_this_exact_row(kit):
    got = rows(read_bytes(kit, orjson.dumps([REPLY, Q1])).posts)
    assert got[REPLY_URI] == {
        "platform": "mastodon",
        "post_id": REPLY_URI,
        "url": "https://social.example/@ann/9101",
        "created_at": "2026-09-02T19:03:10.250Z",
        "author_id": "https://social.example/@ann",
        "author_handle": "ann@social.example",
        "author_name": "Ann",
        "text": "@swchathost A1: walking, cc @bob #swchat",
        "kind": "reply",
        "is_quote": False,
        "reply_to_post_id": Q1_URI,
        "reply_to_author_id": "https://chat.example/@swchathost",
        "reply_to_handle": "swchathost@chat.example",
        "quoted_post_id": None,
        "retweeted_post_id": None,
        "conversation_id": Q1_URI,
        "hashtags": ["swchat"],
        "mentions": ["swchathost@chat.example", "bob@chat.example"],
        "urls": [],
        "lang": "en",
        "source_app": None,
        "like_count": 0,
        "repost_count": 0,
        "reply_count": 0,
        "quote_count": None,
        "collected_at": None,
        "is_context": False,
        "origin": None,
    }


def test_boost_is_a_retweet_with_the_original_as_context(kit):
    items = read_bytes(kit, orjson.dumps([BOOST]))
    (boost,) = items.posts
    row = boost.row
    assert row["post_id"] == "https://chat.example/users/bob/statuses/102/activity"
    assert (row["kind"], row["author_handle"], row["retweeted_post_id"]) == ("retweet", "bob@chat.example", REPLY_URI)
    assert row["text"] == "RT @ann@social.example: @swchathost A1: walking, cc @bob #swchat"
    assert row["mentions"] == ["ann@social.example", "swchathost@chat.example", "bob@chat.example"]
    assert row["hashtags"] == ["swchat"] and row["lang"] == "en"
    assert row["reply_to_post_id"] is None and row["conversation_id"] == row["post_id"]
    (context,) = items.context
    assert context.row["post_id"] == REPLY_URI and context.row["kind"] == "reply"
    assert context.row["reply_to_post_id"] == Q1_URI  # swchathost is local: the URI is rebuilt
    assert [a.row["handle"] for a in items.accounts] == ["bob@chat.example", "ann@social.example"]


def test_reply_parents_resolve_in_the_file_even_when_the_reply_comes_first(kit):
    # a timeline is newest first: replies come before their parents
    got = rows(read_bytes(kit, orjson.dumps([REPLY2, BOOST, REPLY, Q1])).posts)
    assert got["https://chat.example/users/bob/statuses/103"]["reply_to_post_id"] == REPLY_URI
    assert got["https://chat.example/users/bob/statuses/103"]["reply_to_handle"] == "ann@social.example"
    assert got["https://chat.example/users/bob/statuses/103"]["conversation_id"] == Q1_URI
    assert got[REPLY_URI]["reply_to_post_id"] == Q1_URI


def test_parent_outside_the_file_rebuilt_for_local_authors_else_a_placeholder(kit):
    to_local = status("104", ANN, f"<p>{mention_link(BOB)} hi</p>", in_reply_to_id="50",
                      in_reply_to_account_id="3", mentions=[mention(BOB)])
    to_remote = status("105", BOB, "<p>and again</p>", in_reply_to_id="60", in_reply_to_account_id="2")
    self_reply = status("106", ANN, "<p>2/2</p>", in_reply_to_id="61", in_reply_to_account_id="2")
    got = rows(read_bytes(kit, orjson.dumps([to_local, to_remote, self_reply, Q1])).posts)
    local = got["https://social.example/users/ann/statuses/9104"]
    assert local["reply_to_post_id"] == "https://chat.example/users/bob/statuses/50"
    assert local["conversation_id"] is None  # the root is not known
    remote = got["https://chat.example/users/bob/statuses/105"]
    # ann's status on her own server has an id this file cannot know: the placeholder is the
    # address that fetches it from the server the file came from
    assert remote["reply_to_post_id"] == "https://chat.example/api/v1/statuses/60"
    # the account is known from another status of the file (no mention needed)
    assert (remote["reply_to_author_id"], remote["reply_to_handle"]) == ("https://social.example/@ann", "ann@social.example")
    own = got["https://social.example/users/ann/statuses/9106"]
    assert own["reply_to_author_id"] == "https://social.example/@ann"
    assert own["reply_to_post_id"] == "https://chat.example/api/v1/statuses/61"


def test_accounts_with_actor_uris_and_numeric_schemes(kit):
    # Mastodon >= 4.4 gives new accounts numeric actor URIs (/ap/users/<id>); the status URI of
    # a local parent is the actor URI + /statuses/<id> when the file shows that actor
    carl = account("7", "carl", uri=f"https://{SERVER}/ap/users/7")
    own = status("110", carl, "<p>first</p>")
    own["uri"] = f"https://{SERVER}/ap/users/7/statuses/110"
    reply = status("111", ANN, "<p>hi</p>", in_reply_to_id="99", in_reply_to_account_id="7")
    got = rows(read_bytes(kit, orjson.dumps([own, reply])).posts)
    assert got["https://social.example/users/ann/statuses/9111"]["reply_to_post_id"] == \
        f"https://{SERVER}/ap/users/7/statuses/99"


def test_quote_posts(kit):
    quote = status("120", ANN, '<p class="quote-inline">RE: <a href="https://chat.example/@swchathost/100">'
                               "https://chat.example/@swchathost/100</a></p><p>So true</p>",
                   quote={"state": "accepted", "quoted_status": Q1}, quotes_count=0)
    quoting_reply = status("121", BOB, "<p>see this</p>", in_reply_to_id="100", in_reply_to_account_id="1",
                           quote={"state": "accepted", "quoted_status_id": "120"})
    revoked = status("122", BOB, "<p>gone</p>", quote={"state": "revoked", "quoted_status": None})
    items = read_bytes(kit, orjson.dumps([quote, quoting_reply, revoked]))
    got = rows(items.posts)
    q = got["https://social.example/users/ann/statuses/9120"]
    assert (q["kind"], q["is_quote"], q["quoted_post_id"], q["text"], q["urls"]) == \
        ("quote", True, Q1_URI, "So true", [])
    assert q["quote_count"] == 0
    r = got["https://chat.example/users/bob/statuses/121"]
    assert (r["kind"], r["is_quote"], r["quoted_post_id"]) == \
        ("reply", True, "https://social.example/users/ann/statuses/9120")
    assert got["https://chat.example/users/bob/statuses/122"]["kind"] == "original"
    assert [c.row["post_id"] for c in items.context] == [Q1_URI]


def test_direct_messages_are_left_out_with_a_note(kit):
    dm = status("130", ANN, "<p>private</p>", visibility="direct")
    items = read_bytes(kit, orjson.dumps([Q1, dm]))
    assert list(rows(items.posts)) == [Q1_URI]
    assert [n.message for n in items.notes] == [
        "1 direct message(s) left out: private conversations are not imported"]


def test_deleted_status_response_uses_its_plain_text(kit):
    deleted = {k: v for k, v in Q1.items() if k != "content"} | {"text": "Q1: plain source #SWChat"}
    (post,) = read_bytes(kit, orjson.dumps(deleted)).posts
    assert post.row["text"] == "Q1: plain source #SWChat"
    assert post.row["hashtags"] == ["swchat", "selfcare", "featured"]


# --------------------------------------------------------------------------- containers


def test_context_response_sets_the_root_for_every_status(kit):
    items = read_bytes(kit, orjson.dumps({"ancestors": [Q1], "descendants": [REPLY, REPLY2]}))
    assert {r["conversation_id"] for r in rows(items.posts).values()} == {Q1_URI}


def test_context_without_ancestors_roots_at_the_status_it_was_fetched_for(kit):
    # the focal status is not in its own /context: its URI is rebuilt (its author is local)
    doc = {"ancestors": [], "descendants": [REPLY, REPLY2]}
    for data in (orjson.dumps(doc), json.dumps(doc, indent=1).encode()):
        items = read_bytes(kit, data)
        got = rows(items.posts)
        assert {r["conversation_id"] for r in got.values()} == {Q1_URI}
        assert got[REPLY_URI]["reply_to_post_id"] == Q1_URI
        assert [p.line for p in items.posts] == ([1, 1] if data.count(b"\n") == 0 else [1, 2])


def test_json_lines_arrays_and_single_statuses_give_the_same_rows(kit):
    chat = [Q1, REPLY, REPLY2, BOOST]
    as_lines = kit.read_with(mastodon, b"\n".join(orjson.dumps(s) for s in chat) + b"\n")
    as_array = kit.read_with(mastodon, json.dumps(chat, indent=2).encode())
    as_pages = kit.read_with(mastodon, orjson.dumps(chat[:2]) + b"\n" + orjson.dumps(chat[2:]) + b"\n")
    assert rows(as_lines.posts) == rows(as_array.posts) == rows(as_pages.posts)
    assert [p.line for p in as_lines.posts] == [1, 2, 3, 4]
    assert [p.line for p in as_array.posts] == [1, 2, 3, 4]
    single = kit.read_with(mastodon, json.dumps(Q1, indent=2).encode())
    assert rows(single.posts)[Q1_URI] == rows(as_lines.posts)[Q1_URI]


def test_gzip_input(kit):
    plain = kit.read_with(mastodon, orjson.dumps([Q1, REPLY]))
    zipped = kit.read_with(mastodon, gzip.compress(orjson.dumps([Q1, REPLY])), "t.json.gz")
    assert rows(plain.posts) == rows(zipped.posts) and len(zipped.posts) == 2


def test_large_pretty_array_is_sniffed_from_its_head_and_streamed(kit):
    many = []
    for n in range(600):
        s = copy.deepcopy(Q1)
        s["id"], s["uri"] = str(1000 + n), f"{Q1_URI[:-3]}{1000 + n}"
        many.append(s)
    data = json.dumps(many, indent=2).encode()
    source = Source.from_bytes(data)
    assert not source.head().complete
    items = kit.read_with(mastodon, data)
    assert len(items.posts) == 600 and not items.rejected


def test_malformed_records_are_rejected_with_their_line_and_reading_goes_on(kit):
    no_account = {k: v for k, v in REPLY.items() if k != "account"}
    bad_time = dict(REPLY2, created_at="yesterday")
    data = b"\n".join([orjson.dumps(Q1), b'{"id": "x", "content": ', orjson.dumps(no_account),
                       orjson.dumps(bad_time), b"[1]", orjson.dumps(BOOST)]) + b"\n"
    items = kit.read_with(mastodon, data)
    assert [(r.line, r.reason) for r in items.rejected] == [
        (2, items.rejected[0].reason),
        (3, f"status {REPLY_URI} has no account"),
        (4, "created_at is not an ISO-8601 time: 'yesterday'"),
        (5, "not a Mastodon status but a JSON int"),
    ]
    assert items.rejected[0].reason.startswith("not valid JSON")
    assert [p.line for p in items.posts] == [1, 6]
    # in an array the record number says which one
    array = kit.read_with(mastodon, json.dumps([Q1, no_account, REPLY2], indent=1).encode())
    assert [(r.line, r.reason) for r in array.rejected] == [(2, f"status {REPLY_URI} has no account")]
    assert len(array.posts) == 2


# --------------------------------------------------------------------------- outbox.json


def outbox(*items) -> dict:
    return {"@context": "https://www.w3.org/ns/activitystreams", "id": "outbox.json",
            "type": "OrderedCollection", "totalItems": len(items), "orderedItems": list(items)}


ACTOR = "https://chat.example/users/swchathost"
PUBLIC = ["https://www.w3.org/ns/activitystreams#Public"]


def create(num: str, html: str, **extra) -> dict:
    note = {"id": f"{ACTOR}/statuses/{num}", "type": "Note", "published": "2026-09-02T19:00:00Z",
            "url": f"https://chat.example/@swchathost/{num}", "attributedTo": ACTOR, "to": PUBLIC,
            "cc": [f"{ACTOR}/followers"], "content": html, "contentMap": {"en": html}, "tag": [], **extra}
    return {"id": f"{ACTOR}/statuses/{num}/activity", "type": "Create", "actor": ACTOR,
            "published": note["published"], "to": note["to"], "cc": note["cc"], "object": note}


def test_outbox_creates_and_announces(kit):
    first = create("200", f"<p>Q1 {hashtag('SWChat')} {mention_link(ANN)}</p>", tag=[
        {"type": "Hashtag", "href": "https://chat.example/tags/swchat", "name": "#swchat"},
        {"type": "Hashtag", "href": "https://chat.example/tags/extra", "name": "#extra"},
        {"type": "Mention", "href": "https://social.example/users/ann", "name": "@ann@social.example"}])
    own_reply = create("201", "<p>Q2</p>", inReplyTo=f"{ACTOR}/statuses/200")
    to_ann = create("202", "<p>thanks</p>", inReplyTo="https://social.example/users/ann/statuses/77")
    dm = create("203", "<p>psst</p>", to=["https://social.example/users/ann"], cc=[])
    boost = {"id": f"{ACTOR}/statuses/204/activity", "type": "Announce", "actor": ACTOR,
             "published": "2026-09-02T19:10:00Z", "to": PUBLIC,
             "object": "https://social.example/users/ann/statuses/77"}
    like = {"id": "x", "type": "Like", "actor": ACTOR, "object": "y"}
    data = json.dumps(outbox(first, own_reply, to_ann, dm, boost, like), indent=1).encode()
    items = kit.read_with(mastodon, data, "outbox.json")
    got = rows(items.posts)
    q1 = got[f"{ACTOR}/statuses/200"]
    assert (q1["author_id"], q1["author_handle"], q1["text"], q1["lang"]) == (
        "https://chat.example/@swchathost", "swchathost@chat.example", "Q1 #SWChat @ann", "en")
    assert q1["hashtags"] == ["SWChat", "extra"] and q1["mentions"] == ["ann@social.example"]
    assert q1["conversation_id"] == q1["post_id"] and q1["url"] == "https://chat.example/@swchathost/200"
    reply = got[f"{ACTOR}/statuses/201"]
    assert (reply["kind"], reply["reply_to_post_id"], reply["reply_to_handle"]) == (
        "reply", f"{ACTOR}/statuses/200", "swchathost@chat.example")
    other = got[f"{ACTOR}/statuses/202"]
    assert (other["reply_to_author_id"], other["reply_to_handle"]) == (
        "https://social.example/@ann", "ann@social.example")
    rt = got[f"{ACTOR}/statuses/204/activity"]
    assert (rt["kind"], rt["retweeted_post_id"], rt["text"], rt["mentions"]) == (
        "retweet", "https://social.example/users/ann/statuses/77", "RT @ann@social.example: ",
        ["ann@social.example"])
    assert f"{ACTOR}/statuses/203" not in got
    assert [p.line for p in items.posts] == [1, 2, 3, 5]
    assert [n.message for n in items.notes] == [
        "an ActivityPub Like activity, not a post",
        "1 direct message(s) left out: private conversations are not imported"]
    assert not items.accounts  # an outbox names its actor only by address


def test_archive_files_that_are_not_posts_are_refused():
    likes = {"@context": "https://www.w3.org/ns/activitystreams", "id": "likes.json",
             "type": "OrderedCollection", "orderedItems": ["https://a.example/users/x/statuses/1"]}
    actor = {"@context": [], "id": ACTOR, "type": "Person", "preferredUsername": "swchathost",
             "inbox": f"{ACTOR}/inbox", "outbox": f"{ACTOR}/outbox"}
    assert "likes.json" in mastodon.sniff(Source.from_bytes(orjson.dumps(likes)).head())
    assert "actor.json" in mastodon.sniff(Source.from_bytes(orjson.dumps(actor)).head())


# --------------------------------------------------------------------------- sniffing


@pytest.mark.parametrize(("payload", "words"), [
    ([HOST, BOB], "Mastodon accounts"),
    (HOST, "Mastodon accounts"),
    ({"uri": "chat.example", "title": "Chat", "stats": {}, "version": "4.3"}, "instance description"),
    ({"domain": "chat.example", "title": "Chat", "configuration": {}}, "instance description"),
    ([{"id": "1", "type": "mention", "account": HOST, "status": Q1}], "notifications"),
    ([{"id": "1", "unread": False, "accounts": [ANN], "last_status": Q1}], "direct-message"),
    ([{"name": "swchat", "url": "https://chat.example/tags/swchat", "history": []}], "hashtags"),
])
def test_non_post_payloads_are_refused_with_a_reason(payload, words):
    for data in (orjson.dumps(payload), json.dumps(payload, indent=1).encode()):
        verdict = mastodon.sniff(Source.from_bytes(data).head())
        assert isinstance(verdict, str) and words in verdict


def test_x_sniffers_leave_mastodon_alone_and_the_other_way_round(sample_dir):
    for data in (orjson.dumps([Q1, REPLY]), json.dumps([Q1], indent=1).encode(),
                 orjson.dumps(Q1) + b"\n" + orjson.dumps(REPLY), orjson.dumps({"ancestors": [], "descendants": [REPLY]})):
        head = Source.from_bytes(data).head()
        for module in (xv2, xv1, x_archive, tags, twarc_csv):
            assert module.sniff(head) is not True, module.__name__
        assert detect(Source.from_bytes(data)).name == "mastodon"
    for path in sorted(sample_dir.iterdir()):  # the sample's Mastodon file is Mastodon, nothing else is
        if path.suffix in (".jsonl", ".csv", ".json"):
            expected = True if "mastodon" in path.name else None
            assert mastodon.sniff(Source.from_arg(path).head()) is expected, path


def test_statuses_with_plain_text_one_per_line_are_not_taken_for_x_v2():
    deleted = {k: v for k, v in Q1.items() if k != "content"} | {"text": "Q1"}
    head = Source.from_bytes(orjson.dumps(deleted) + b"\n").head()
    assert mastodon.sniff(head) is True
    assert xv2.sniff(head) is not True


def test_recorded_responses_are_read_without_the_deleted_statuses(kit):
    kept = status("140", BOB, "<p>kept</p>")
    recording = {
        "t.yaml::POST http://chat.example/api/v1/statuses": Q1,
        "t.yaml::GET http://chat.example/api/v2/instance/": {"domain": SERVER, "title": "x", "configuration": {}},
        "t.yaml::GET http://chat.example/api/v1/timelines/tag/swchat": [kept, Q1],
        "t.yaml::DELETE http://chat.example/api/v1/statuses/100": {**Q1, "text": "Q1"},
    }
    for data in (orjson.dumps(recording), json.dumps(recording, indent=1).encode()):
        items = kit.read_with(mastodon, data)
        assert list(rows(items.posts)) == [kept["uri"]]
        assert [n.message for n in items.notes] == [
            "the response to GET http://chat.example/api/v2/instance/ holds no posts",
            "3 status(es) left out: the recording shows them deleted (DELETE /api/v1/statuses/:id)"]


# --------------------------------------------------------------------------- end to end


def test_context_and_root_in_an_archive_make_one_thread_and_a_reply_network(archive, tmp_path):
    from swchat.network import build_network
    from swchat.threads import thread_table

    (tmp_path / "context.json").write_bytes(orjson.dumps({"ancestors": [], "descendants": [REPLY, REPLY2]}))
    (tmp_path / "root.json").write_bytes(orjson.dumps(Q1))
    result = archive.ingest([tmp_path / "context.json", tmp_path / "root.json"])
    assert [f.format for f in result.files] == ["mastodon", "mastodon"]
    table = thread_table(archive.posts())
    assert len(table) == 1 and table.iloc[0]["size"] == 3 and table.iloc[0]["complete"]
    graph = build_network(archive.posts(), kind="reply")
    edges = {(graph.nodes[u]["handle"], graph.nodes[v]["handle"]) for u, v in graph.edges}
    assert edges == {("ann@social.example", "swchathost@chat.example"), ("bob@chat.example", "ann@social.example")}


# --------------------------------------------------------------------------- real exports


def _statuses(value):
    """Top-level statuses of a parsed API response, computed without the reader."""
    if isinstance(value, list):
        return [s for v in value for s in _statuses(v)]
    if isinstance(value, dict) and "ancestors" in value:
        return value["ancestors"] + value["descendants"]
    if isinstance(value, dict) and "uri" in value and "account" in value:
        return [value]
    return []


@pytest.mark.realdata
def test_every_real_mastodon_file_is_read_or_refused(kit, realdata):
    folder = realdata("mastodon-api")
    for path in sorted(folder.rglob("*.json")):
        source = Source.from_arg(path)
        fmt = detect(source)
        assert fmt.name == "mastodon", path
        items = kit.sort_items(fmt.read(source))
        doc = json.loads(path.read_text())
        if path.name == "responses_by_request.json":
            deleted = {k.rsplit("/", 1)[1] for k in doc if "::DELETE " in k and "/statuses/" in k}
            expected = {s["uri"] for v in doc.values() for s in _statuses(v)
                        if s["id"] not in deleted and (s.get("reblog") or {}).get("id") not in deleted}
        else:
            expected = {s["uri"] for s in _statuses(doc) if s["visibility"] != "direct"}
        assert set(rows(items.posts)) == expected, path
        assert not items.rejected, path


@pytest.mark.realdata
def test_real_context_replies_resolve_to_parents_in_the_file_or_the_root(kit, realdata):
    folder = realdata("mastodon-api")
    context = next(folder.glob("context_*.json"))
    root = json.loads(next(folder.glob("root_status_*.json")).read_text())
    items = kit.sort_items(mastodon.read(Source.from_arg(context)))
    got = rows(items.posts)
    doc = json.loads(context.read_text())
    by_id = {s["id"]: s["uri"] for s in doc["descendants"]} | {root["id"]: root["uri"]}
    assert len(got) == len(doc["descendants"])
    for s in doc["descendants"]:
        assert got[s["uri"]]["reply_to_post_id"] == by_id[s["in_reply_to_id"]]
        assert got[s["uri"]]["conversation_id"] == root["uri"]
        assert got[s["uri"]]["reply_to_author_id"] is not None
        assert "@" in got[s["uri"]]["author_handle"]


@pytest.mark.realdata
def test_real_context_and_root_make_one_thread(archive, realdata):
    from swchat.network import build_network
    from swchat.threads import thread_table

    folder = realdata("mastodon-api")
    context, root = next(folder.glob("context_*.json")), next(folder.glob("root_status_*.json"))
    archive.ingest([context, root])
    posts = archive.posts()
    table = thread_table(posts)
    size = len(json.loads(context.read_text())["descendants"]) + 1
    assert len(table) == 1 and table.iloc[0]["size"] == size and table.iloc[0]["complete"]
    graph = build_network(posts, kind="reply")
    assert graph.number_of_edges() > 50
    for u, v in graph.edges:
        assert "@" in graph.nodes[u]["handle"] and "@" in graph.nodes[v]["handle"]


@pytest.mark.realdata
def test_swchat_ingest_reads_the_real_mastodon_folder(realdata, tmp_path):
    from swchat.cli import main

    res = CliRunner().invoke(main, ["ingest", str(realdata("mastodon-api")), "--archive",
                                    str(tmp_path / "a.db"), "--json"])
    assert res.exit_code == 0, res.output
    files = json.loads(res.stdout)["files"]
    assert len(files) == 6 and all(f["format"] == "mastodon" and not f["error"] for f in files)
    for f in files:
        assert f["read"] == f["added"] + f["duplicates"] + f["rejected"]
    assert sum(f["added"] for f in files) > 150


# --------------------------------------------------------------------------- the plain-HTML fast path


def _by_htmlparser(html: str, mention_urls: frozenset[str] = frozenset()) -> mastodon.Content:
    """What parse_content made of ``html`` with the standard library's HTMLParser only (the reference
    the fast path must equal)."""
    if "<" not in html and "&" not in html:
        return mastodon.Content(html.strip())
    parser = mastodon._ContentParser(mention_urls)
    parser.feed(html)
    parser.close()
    return parser.result()


#: pieces of status HTML, the usual and the odd (comments, raw-text elements, unquoted or
#: unescaped values, non-ASCII spaces, stray brackets): any string of them must read the same
_PIECES = [
    "<p>", "</p>", "<P>", "<br>", "<br/>", "<br />", "<BR>", "</br>", "<li>", "<ul>", "</ul>", "<pre>", "</pre>",
    '<a href="https://a.example/@ann" class="u-url mention">', "</a>", "</A>",
    '<a href="https://x.org/tags/SWChat" class="mention hashtag" rel="tag">', '<a href="https://b.example/@bob">',
    '<span class="invisible">', '<span class="h-card">', "</span>", '<p class="quote-inline">',
    "<a href='https://x.org/?a=1&amp;b=2' data-x>", "<a href=unquoted>", "<a\u00a0href='x'>", "</a >",
    "</p class='x'>", "<a title=\"a<b\">", "<p\tclass=\"x\">", "<a =x>", "<1>", "< p>", "<my-tag>",
    "<script>", "</script>", "<style>p{}</style>", "<!-- a comment -->", "<!DOCTYPE html>", "<?x?>",
    "<", ">", "&", "&amp;", "&lt;", "&#39;", "&eacute", "&nbsp;", "#SWChat", "＃tag", "@ann", "text", " ",
    "\n", "\r\n", "\t", "https://", "x.org/a",
    # what the fast path reads itself: attributes of a and p only (entities, several or repeated
    # classes, no value, upper case), tags it gives no event (span, li's end), self-closing links
    '<a href="https://x.org/?a=1&amp;b=2&#38;c=&lt;3" class="u-url  mention extra">', "<a>", "<a href>", '<a href="">',
    '<A HREF="https://b.example/@bob" CLASS="Mention">', '<a rel="tag nofollow" href="https://x.org/t">',
    '<a href="https://x.org/tags/t" />', "<a/>", '<A href="https://c.example/x"/>', '<p class="x quote-inline">',
    "<p class='quote-inline' class='x'>", '<p class="x" class="quote-inline">', '<P CLASS="QUOTE-INLINE">',
    '<p data-x="a&amp;b">', '<span data-x="&lt;">', '<span class="ellipsis"/>', "</SPAN>", "</li>", "<PRE>", "</Pre>",
    "<template>", "</template>", "<br></br>", "&#10;", "&#13;&#10;", "\r", " \t ", "&#x23;tag", "#",
]

#: status-shaped HTML: paragraphs of text, line breaks and links as Mastodon writes them
_TEXT = st.sampled_from(["text", " ", "  t\t", "a &amp; b", "&lt;3", "&#10;", "x\ny", "\r\n", "#SWChat", "＃tag",
                         "@ann", "caf&eacute;", "&nbsp;", "a > b", "\t", ""])
_LINK = st.builds(
    "<a{}>{}</a>".format,
    st.sampled_from(['', ' href="https://x.org/tags/SWChat" class="mention hashtag" rel="tag"',
                     ' href="https://a.example/@ann" class="u-url mention"', ' href="https://b.example/@bob"',
                     ' href="https://x.org/a?b=1&amp;c=2" target="_blank" rel="nofollow noopener"',
                     ' href="https://x.org/tags/t"', " href='https://c.example/@cy' class='mention'",
                     ' href="mailto:a@b.example"', ' HREF="https://x.org/UP" CLASS="Hashtag"']),
    st.sampled_from(["#<span>SWChat</span>", "@<span>ann</span>", "#tag", "",
                     '<span class="invisible">https://</span><span class="ellipsis">x.org/a</span>'
                     '<span class="invisible">?b=1</span>', "x &amp; y", " # ", "<br>two"]))
_INLINE = st.one_of(_TEXT, _TEXT, _LINK, st.sampled_from(["<br>", "<br />", "<br/>", '<span class="h-card">',
                                                          "</span>", "<a>", "</a>"]))
_PARAGRAPH = st.builds("{}{}{}".format, st.sampled_from(["<p>", "<p>", '<p class="quote-inline">', "<P>", "<pre>"]),
                       st.lists(_INLINE, max_size=6).map("".join), st.sampled_from(["</p>", "</p>", "</pre>", ""]))
_STATUS = st.one_of(st.lists(_TEXT, max_size=6).map(lambda texts: "<p>" + "".join(texts) + "</p>"),
                    st.lists(_PARAGRAPH, min_size=1, max_size=3).map("".join))


@given(st.lists(st.sampled_from(_PIECES), max_size=25).map("".join))
@settings(max_examples=400, deadline=None)
def test_plain_html_reads_as_htmlparser_reads_it(html):
    urls = frozenset({"https://b.example/@bob"})
    assert mastodon.parse_content(html, urls) == _by_htmlparser(html, urls)


@given(_STATUS)
@settings(max_examples=400, deadline=None)
def test_status_shaped_html_reads_as_htmlparser_reads_it(html):
    urls = frozenset({"https://b.example/@bob"})
    assert mastodon.parse_content(html, urls) == _by_htmlparser(html, urls)


def test_status_html_takes_the_fast_path_and_reads_the_same(sample_dir):
    """Every status of the sample (and of the real exports, when at hand) is plain HTML."""
    contents = [status["content"] for line in (sample_dir / "swchat-mastodon.jsonl").read_bytes().splitlines()
                for status in [orjson.loads(line)] if status.get("content")]
    assert len(contents) > 50
    for html in contents:
        parser = mastodon._ContentParser(frozenset())
        assert mastodon._fed_plainly(parser, html), html
        assert parser.result() == _by_htmlparser(html)
    odd = mastodon._ContentParser(frozenset())
    assert not mastodon._fed_plainly(odd, "<p>a <!-- b --> c</p>") and odd.parts == odd.paragraphs == []


@pytest.mark.realdata
def test_real_status_html_reads_as_htmlparser_reads_it(realdata):
    seen = 0
    for path in sorted(realdata("mastodon-api").rglob("*.json")):
        stack = [orjson.loads(path.read_bytes())]
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                for key, value in item.items():
                    if key in ("content", "note") and isinstance(value, str):
                        seen += 1
                        assert mastodon.parse_content(value) == _by_htmlparser(value), value[:200]
                    else:
                        stack.append(value)
            elif isinstance(item, list):
                stack.extend(item)
    assert seen > 100


def test_an_account_met_again_is_not_converted_again_and_reads_the_same(sample_dir):
    """Each status carries its author's account object: one met before, byte for byte, is taken
    from the file's memory (its note is HTML to parse) with the new snapshot time, and reads as
    a fresh conversion would."""
    statuses = [orjson.loads(line) for line in sample_dir.joinpath("swchat-mastodon.jsonl").read_bytes().splitlines()]
    accounts = [s["account"] for s in statuses]
    assert len({orjson.dumps(a) for a in accounts}) < len(accounts) / 2  # the file repeats its authors
    known: dict = {}
    times = ["2026-09-02T19:00:00.000Z", "2026-09-02T25:00:00.000Z", None]  # a time that is no time: empty
    for i, account in enumerate(accounts * 2):
        snapshot = times[i % 3]
        assert mastodon._account_row(account, snapshot, known) == mastodon._new_account_row(account, snapshot)
    assert len(known) == len({orjson.dumps(a) for a in accounts})
    no_id = {"display_name": "nobody"}
    assert mastodon._account_row(no_id, None, known) is None
    assert mastodon._account_row(no_id, None, known) is None  # remembered as having no row
