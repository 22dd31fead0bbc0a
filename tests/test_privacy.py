"""Publishing with care: opted-out accounts appear nowhere; pseudonyms are stable and keyed."""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter

import pytest

from swchat import Archive
from swchat.chat import Chat
from swchat.report import (
    PrivacyError,
    build_summary,
    exclude_accounts,
    protect,
    pseudonym,
    pseudonymise,
    read_account_list,
    read_secret,
    render_html,
    render_markdown,
)
from swchat.schema import new_account, new_post, posts_frame

SECRET = "correct horse battery staple 2026"
OTHER_SECRET = "a completely different secret!!"


@pytest.fixture(scope="module")
def archive(sample_archive_path, tmp_path_factory):
    path = tmp_path_factory.mktemp("privacy") / "sample.db"
    shutil.copy(sample_archive_path, path)
    with Archive(path) as opened:
        yield opened


@pytest.fixture(scope="module")
def session_chat(archive, truth):
    return archive.session(archive.latest_session(truth["hashtag"]))


@pytest.fixture(scope="module")
def opted_out(session_chat, truth):
    """A participant others quoted, replied to and mentioned: the hardest to hide."""
    own = session_chat.own_posts
    hosts = {h.lower() for h in truth["hosts"]}
    score: Counter[str] = Counter()
    for urls in own["urls"]:
        for url in urls:
            m = re.search(r"(?:twitter|x)\.com/(\w+)/status", url)
            if m:
                score[m.group(1).lower()] += 3
    for handle in own["reply_to_handle"].dropna():
        score[str(handle).lower()] += 2
    for mentions in own["mentions"]:
        for m in mentions:
            score[str(m).lower()] += 1
    authors = {str(h).lower(): (str(h), str(i), n) for h, i, n in
               zip(own["author_handle"], own["author_id"], own["author_name"], strict=True)}
    ranked = [h for h, _ in score.most_common() if h in authors and h not in hosts]
    handle, account_id, name = authors[ranked[0]]
    return {"handle": handle, "id": account_id, "name": name}


def _outputs(summary) -> dict[str, str]:
    data = summary.as_dict()
    for figure in (data.get("timeline"), (data.get("network") or {}).get("figure")):
        if figure:
            figure.pop("png_base64")
    html = re.sub(r'src="data:image/png;base64,[^"]+"', 'src=""', render_html(summary))
    md = render_markdown(summary)
    return {"html": html, "markdown": md, "json": json.dumps(data, ensure_ascii=False)}


# -- opting out ---------------------------------------------------------------------------------


def test_opted_out_account_appears_nowhere(session_chat, opted_out, tmp_path):
    # without the opt-out, the account is visible (so the test below means something)
    plain = _outputs(build_summary(session_chat, tz="Europe/London"))
    assert opted_out["handle"].lower() in plain["html"].lower()

    listing = tmp_path / "optout.txt"
    listing.write_text(f"# asked after the chat\n@{opted_out['handle'].upper()}\n")
    summary = build_summary(session_chat, tz="Europe/London", exclude=listing)
    outputs = _outputs(summary)
    for needle in (opted_out["handle"], opted_out["name"], opted_out["id"]):
        for kind, text in outputs.items():
            assert needle.lower() not in text.lower(), f"{needle!r} found in the {kind} output"
    # figures' alternative texts and the network's labels come from the protected chat
    assert opted_out["handle"].lower() not in summary.network.figure.alt.lower()
    assert opted_out["handle"].lower() not in summary.timeline.alt.lower()
    assert "[opted-out]" in outputs["html"] or "[opted-out link]" in outputs["html"]
    # their posts left out of every count
    own = session_chat.own_posts
    theirs = int((own["author_id"].astype(str) == opted_out["id"]).sum())
    assert summary.metric("posts").value <= len(own) - theirs
    assert summary.metric("participants").value == session_chat.participants - 1


def test_opted_out_account_is_left_out_of_the_network(session_chat, opted_out):
    protected = exclude_accounts(session_chat, [opted_out["id"]])
    G = protected.network()
    labels = " ".join(str(v) + " " + " ".join(str(x) for x in d.values()) for v, d in G.nodes(data=True))
    assert opted_out["handle"].lower() not in labels.lower()
    assert opted_out["id"] not in labels


def _tricky_chat() -> Chat:
    def post(pid, author, handle, minute, text, **kw):
        return new_post(platform="x", post_id=pid, author_id=author, author_handle=handle,
                        author_name=kw.pop("name", handle.title()),
                        created_at=f"2026-09-02T19:{minute:02d}:00.000Z", text=text, hashtags=["SWChat"], **kw)

    rows = [
        post("10", "777000111", "OptOut", 0, "Q1: my own words #SWChat", name="Olive Private",
             url="https://twitter.com/OptOut/status/10"),
        post("11", "22", "bob", 1, "@OptOut great point, Olive Private! #SWChat", kind="reply",
             reply_to_post_id="10", reply_to_author_id="777000111", reply_to_handle="OptOut",
             mentions=["OptOut"], url="https://twitter.com/bob/status/11"),
        post("12", "33", "cat", 2, "RT @OptOut: Q1: my own words #SWChat", kind="retweet",
             retweeted_post_id="10", mentions=["OptOut"]),
        post("13", "22", "bob", 3, "Look https://t.co/x #SWChat x.com/optout/status/10 and "
             "https://twitter.com/i/user/777000111", kind="quote", quoted_post_id="10",
             urls=["https://twitter.com/OptOut/status/10", "https://basw.co.uk/code"]),
        post("14", "33", "cat", 4, "Thanks @bob and @optout #SWChat", mentions=["bob", "optout"]),
    ]
    profiles = [new_account(platform="x", account_id="777000111", handle="OptOut", name="Olive Private",
                            description="private person", followers=10),
                new_account(platform="x", account_id="22", handle="bob", name="Bob",
                            description="friend of @OptOut", followers=5)]
    from swchat.schema import accounts_frame

    return Chat(posts=posts_frame(rows), profiles=accounts_frame(profiles), hashtag="SWChat")


def test_opted_out_hidden_in_mentions_links_and_profiles():
    chat = exclude_accounts(_tricky_chat(), ["optout"])
    text = chat.posts.to_json(date_format="iso") + chat.profiles.to_json(date_format="iso")
    for needle in ("optout", "olive private", "777000111"):
        assert needle not in text.lower()
    own = chat.own_posts
    assert list(own["post_id"]) == ["11", "13", "14"]  # their post and the retweet of it are gone
    assert own["text"].iloc[0].startswith("@[opted-out] great point, [opted-out]!")
    assert "t.co" not in own["text"].iloc[1]  # the quote's short link leads to their post
    assert "https://basw.co.uk/code" in own["urls"].iloc[1]
    assert own["reply_to_author_id"].isna().all()
    summary = build_summary(chat, figures=True)
    for text in _outputs(summary).values():
        assert "optout" not in text.lower() and "olive" not in text.lower() and "777000111" not in text


def test_account_list_file(tmp_path):
    f = tmp_path / "list.txt"
    f.write_text("\ufeff# comment\n\n  @Ann  # trailing comment\n12345\nhttps://twitter.com/Bob/\nx.com/cat?s=1\n")
    assert read_account_list(f) == ["ann", "12345", "bob", "cat"]
    with pytest.raises(PrivacyError, match="cannot read"):
        read_account_list(tmp_path / "missing.txt")


# -- pseudonyms ---------------------------------------------------------------------------------


def test_pseudonyms_are_stable_and_keyed(session_chat):
    first = _outputs(build_summary(session_chat, pseudonymise=SECRET, figures=False))
    again = _outputs(build_summary(session_chat, pseudonymise=SECRET, figures=False))
    other = _outputs(build_summary(session_chat, pseudonymise=OTHER_SECRET, figures=False))
    def found(out):
        return set(re.findall(r"participant_[0-9a-f]{8}", out["markdown"].replace("\\_", "_")))

    names = found(first)
    assert len(names) > 10
    assert names == found(again)
    assert first["markdown"].split("*Made with")[0] == again["markdown"].split("*Made with")[0]
    assert not names & found(other)


def test_pseudonymised_report_names_no_one(session_chat):
    summary = build_summary(session_chat, pseudonymise=SECRET)
    outputs = _outputs(summary)
    own = session_chat.own_posts
    handles = {str(h) for h in own["author_handle"].dropna() if len(str(h)) >= 5}
    names = {str(n) for n in own["author_name"].dropna() if len(str(n)) >= 8}
    ids = {str(i) for i in own["author_id"].dropna()}
    for kind, text in outputs.items():
        low = text.lower()
        leaked = [h for h in handles | names if h.lower() in low] + [i for i in ids if i in text]
        assert not leaked, f"{kind}: {leaked[:5]}"
        assert "twitter.com/" not in low and "x.com/" not in low
    assert summary.questions and summary.questions[0].host.startswith("participant_")


def test_same_person_same_pseudonym_across_sessions(archive, truth):
    a = archive.session(truth["sessions"][-1]["id"])
    b = archive.session(truth["sessions"][-2]["id"])
    host = truth["host_ids"][truth["hosts"][0]]
    expected = pseudonym(SECRET, "x", host)
    for chat in (a, b):
        anon = pseudonymise(chat, SECRET)
        assert expected in set(anon.own_posts["author_handle"])


def test_pseudonymised_mentions_and_links():
    anon = pseudonymise(_tricky_chat(), SECRET)
    text = anon.posts.to_json(date_format="iso") + anon.profiles.to_json(date_format="iso")
    for needle in ("optout", "olive", "777000111", "bob", "twitter.com", "x.com/"):
        assert needle not in text.lower()
    own = anon.own_posts
    optout = pseudonym(SECRET, "x", "777000111")
    assert own["text"].iloc[1].startswith(f"@{optout} great point, {optout}!")
    assert own["mentions"].iloc[1] == [optout]
    assert own["reply_to_author_id"].iloc[1] == optout
    assert "https://basw.co.uk/code" in list(own["urls"].iloc[3])
    assert anon.profiles["description"].isna().all()


def test_secret_is_required(tmp_path, monkeypatch):
    monkeypatch.delenv("SWCHAT_SECRET", raising=False)
    with pytest.raises(PrivacyError, match="needs a secret"):
        read_secret()
    monkeypatch.setenv("SWCHAT_SECRET", "short")
    with pytest.raises(PrivacyError, match="too short"):
        read_secret()
    monkeypatch.setenv("SWCHAT_SECRET", SECRET)
    assert read_secret() == SECRET.encode()
    f = tmp_path / "secret.txt"
    f.write_text(OTHER_SECRET + "\n")
    assert read_secret(f) == OTHER_SECRET.encode()
    with pytest.raises(PrivacyError):
        pseudonym("short", "x", "1")


def test_protect_applies_both_in_order():
    chat = protect(_tricky_chat(), exclude=["OptOut"], secret=SECRET)
    text = chat.posts.to_json(date_format="iso")
    assert "[opted-out]" in text and pseudonym(SECRET, "x", "777000111") not in text
    assert pseudonym(SECRET, "x", "22") in text
    assert chat.meta["privacy"] == {"excluded_accounts": 1, "pseudonymised": True}


def test_only_opt_outs_that_match_someone_are_counted():
    """An entry naming nobody in the chat (another chat's opt-out, or a typo) is not reported as
    an account left out."""
    assert protect(_tricky_chat(), exclude=["OptOut", "nobody_by_that_name"]).meta["privacy"][
        "excluded_accounts"] == 1
    assert protect(_tricky_chat(), exclude=["nobody_by_that_name"]).meta["privacy"]["excluded_accounts"] == 0


def test_the_history_is_protected_like_the_chat(session_chat, opted_out):
    """Opted-out accounts leave the participation table, and what the others did and received
    is recounted exactly as a chat without them shows it."""
    from swchat.community import session_participation

    history = session_chat.history
    assert opted_out["id"] in set(history.participation["account_id"].astype(str))
    protected = exclude_accounts(session_chat, [opted_out["id"]])
    part = protected.history.participation
    assert opted_out["id"] not in set(part["account_id"].astype(str))
    for column in ("source", "target"):
        assert not protected.history.interactions[column].str.endswith(":" + opted_out["id"]).any()
    expected, _ = session_participation(protected.posts)
    columns = ["account_id", "posts", "originals", "replies", "retweets", "quotes", "replies_received",
               "mentions_received", "retweets_received", "welcomed"]
    mine = part[part["session"] == session_chat.session_id][columns]
    key = ["account_id"]
    assert mine.sort_values(key).astype(str).values.tolist() == \
        expected[columns].sort_values(key).astype(str).values.tolist()


def test_the_history_is_pseudonymised_like_the_chat(session_chat):
    history = session_chat.history
    real = set(history.participation["account_id"].astype(str)) | set(history.participation["handle"].astype(str))
    anon = pseudonymise(session_chat, SECRET)
    part = anon.history.participation
    assert all(str(h).startswith("participant_") for h in part["handle"])
    assert not set(part["account_id"].astype(str)) & real
    # the names in the history are the chat's names
    assert set(part.loc[part["session"] == session_chat.session_id, "handle"]) == set(
        anon.own_posts["author_handle"].astype(str))
    keys = set(anon.history.interactions["source"]) | set(anon.history.interactions["target"])
    assert all(k.split(":", 1)[1].startswith("participant_") for k in keys)


def test_opted_out_posts_leave_no_ids_in_threads(session_chat, opted_out):
    """Their post ids are not listed as missing parents or thread roots of others' replies."""
    from swchat.threads import missing_parents, thread_table

    theirs = set(session_chat.posts.loc[session_chat.posts["author_id"].astype(str) == opted_out["id"],
                                        "post_id"].astype(str))
    assert theirs
    protected = exclude_accounts(session_chat, [opted_out["id"]])
    posts = protected.posts
    for column in ("reply_to_post_id", "quoted_post_id", "retweeted_post_id", "conversation_id"):
        assert not set(posts[column].dropna().astype(str)) & theirs, column
    assert not set(missing_parents(posts)) & theirs
    assert not set(thread_table(posts)["root"].astype(str)) & theirs


def test_links_to_people_take_their_pseudonym():
    """A link to a profile or post names its account by the account's own pseudonym; a link that
    names no account is removed."""
    from swchat.chat import Chat
    from swchat.privacy import pseudonym, pseudonymise
    from swchat.schema import new_post, posts_frame

    posts = posts_frame([
        new_post(platform="x", post_id="1", author_id="11", author_handle="ann", created_at="2026-09-02T19:00:00.000Z",
                 text="hi"),
        new_post(platform="x", post_id="2", author_id="22", author_handle="bob", created_at="2026-09-02T19:01:00.000Z",
                 text="see https://x.com/Ann/status/1, https://x.com/i/web/status/5 and https://social.coop/@eve.")])
    text = pseudonymise(Chat(posts=posts), SECRET).posts["text"].iloc[1]
    ann = pseudonym(SECRET, "x", "11")
    assert text == (f"see [link to {ann}], [post link removed] and "
                    f"[link to {pseudonym(SECRET, 'x', '@eve@social.coop')}].")
