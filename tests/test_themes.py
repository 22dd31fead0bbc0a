"""Themes: the tokeniser on real-world-style text, top items, distinctive terms, topics, comparison."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from swchat import themes
from swchat.chat import Chat
from swchat.schema import new_post, posts_frame
from swchat.themes import (
    CHAT_NOISE,
    POST_LINK,
    Themes,
    base_language,
    chat_themes,
    co_hashtags,
    community_terms,
    compare_terms,
    compare_themes,
    distinctive_terms,
    question_terms,
    segment_series,
    stop_word_languages,
    stop_words,
    tokenize,
    top_domains,
    top_hashtags,
    top_links,
    top_terms,
    top_word_pairs,
    topics,
)

# -- tokeniser -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # URLs of every shape are dropped, and do not leave fragments behind
        ("Read this https://t.co/AbC123 and http://basw.co.uk/code-of-ethics?x=1#top carefully",
         ["read", "carefully"]),
        ("Guidance at www.scie.org.uk/safeguarding.", ["guidance"]),
        # mentions (X, Mastodon) are dropped; e-mail-like text does not make a mention
        ("@ann_b @carl@mastodon.social supervision matters", ["supervision", "matters"]),
        # hashtags: trailing punctuation is not part of the tag, hyphens inside are
        ("Loved tonight's #SWChat! See you next week #SWChat.", ["loved", "week"]),
        ("(#SWChat) #self-care is not selfish #SelfCare", ["self-care", "selfish", "selfcare"]),
        # HTML entities, single and doubly escaped
        ("Courts &amp; tribunals &quot;reform&quot; &#39;now&#39; &amp;amp; later",
         ["courts", "tribunals", "reform", "later"]),
        ("A &lt;b&gt; tag &gt; caseload", ["tag", "caseload"]),
        # Q/A labels in their common forms
        ("Q1: What helps? A1 supervision A.1 peers a1 coffee Q 2 - next", ["helps", "supervision",
                                                                           "peers", "coffee"]),
        ("A1) reflective practice; A2- curiosity; T3 Boundaries", ["reflective", "practice",
                                                                    "curiosity", "boundaries"]),
        # non-English letters are letters; ß stays ß
        ("Straße, café, Søren, niño, Müller: Selbstfürsorge!",
         ["straße", "café", "søren", "niño", "müller", "selbstfürsorge"]),
        # emoji are dropped by default and never glue onto words
        ("caseload👍🏽supervision 🙌 ❤️ burnout🔥", ["caseload", "supervision", "burnout"]),
        # hyphenated words stay whole; a hyphenated word is kept though its parts are stop words
        ("well-being and self-care — not self‐care", ["well-being", "self-care", "self-care"]),
        # possessives and contractions
        ("The worker's caseload; don't, it's, we're, workers' rights, O'Brien",
         ["worker", "caseload", "workers", "rights", "o'brien"]),
        ("It’s the team’s job", ["team", "job"]),
        # numbers and single letters
        ("2026 was 3x better: 24/7 support in 5 mins", ["better", "support", "mins"]),
        # chat noise
        ("RT thanks everyone, welcome! amp via insightful chat tonight", ["insightful"]),
    ],
)
def test_tokenize_real_world_text(text, expected):
    assert tokenize(text, chat_tag="SWChat") == expected


def test_chat_tag_removed_as_word_and_hashtag_any_case():
    assert tokenize("SWChat swchat #SWCHAT #swchat ethics", chat_tag="#SwChat") == ["ethics"]
    # without the chat tag, the tag is an ordinary word
    assert tokenize("#SWChat ethics") == ["swchat", "ethics"]


def test_tokenize_keeps_mentions_emoji_on_request():
    text = "RT @Ann: Brilliant 👏🏾 point @bob@social.example 👨‍👩‍👧 #SWChat"
    assert tokenize(text, chat_tag="SWChat", mentions=True, emoji=True) == [
        "@ann", "brilliant", "👏🏾", "point", "@bob@social.example", "👨‍👩‍👧"]
    assert tokenize("#Ethics matter", hashtags=False) == ["matter"]


def test_stopwords_are_extendable():
    assert tokenize("Ofsted inspection ofsted", stopwords=["OFSTED"]) == ["inspection"]
    assert tokenize("ofsted inspection", stopwords="ofsted") == ["inspection"]
    words = stop_words("SWChat", ["ofsted"])
    assert {"the", "rt", "amp", "via", "swchat", "ofsted", "thanks", "welcome"} <= words
    assert words >= CHAT_NOISE


def test_tokenize_missing_text():
    assert tokenize(None) == [] and tokenize(float("nan")) == [] and tokenize(pd.NA) == []
    assert tokenize("") == []


# -- top items -------------------------------------------------------------------------


def _posts(rows):
    return posts_frame([new_post(platform="x", post_id=str(i), author_id=str(i % 3),
                                 author_handle=f"u{i % 3}",
                                 created_at=f"2026-10-07T19:{i:02d}:00.000Z", **row)
                        for i, row in enumerate(rows)])


def test_top_terms_and_pairs():
    texts = ["Reflective supervision matters #SWChat", "reflective supervision https://t.co/x weekly",
             "Supervision, supervision!", None]
    assert top_terms(texts, 2, chat_tag="SWChat") == [("supervision", 4), ("reflective", 2)]
    pairs = top_word_pairs(texts, None, chat_tag="SWChat")
    assert pairs[0] == (("reflective", "supervision"), 2)
    # the URL breaks the sequence: no ("supervision", "weekly") pair
    assert (("supervision", "weekly"), 1) not in pairs
    assert (("supervision", "supervision"), 1) in pairs
    # a DataFrame's text column works too
    assert top_terms(pd.DataFrame({"text": texts}), 1) == [("supervision", 4)]


def test_hashtags_are_case_insensitive_and_exclude_the_chat_tag():
    posts = _posts([{"hashtags": ["SWChat", "SelfCare", "Burnout"]},
                    {"hashtags": ["swchat", "selfcare", "burnout", "selfcare"]},
                    {"hashtags": ["SWChat", "Ethics", "SelfCare"]}])
    assert top_hashtags(posts, 2, exclude="#swchat") == [("SelfCare", 3), ("Burnout", 2)]
    assert top_hashtags(posts, 1)[0] == ("SWChat", 3)
    assert co_hashtags(posts, 2, exclude=["SWChat"]) == [(("Burnout", "SelfCare"), 2),
                                                         (("Ethics", "SelfCare"), 1)]
    assert top_hashtags(posts.iloc[0:0], 5) == [] and co_hashtags(posts.iloc[0:0]) == []


def test_links_and_domains_from_expanded_urls():
    posts = _posts([
        {"urls": ["https://www.basw.co.uk/code", "https://twitter.com/ann/status/123"]},
        {"urls": ["https://www.basw.co.uk/code", "https://basw.co.uk/other"]},
        {"urls": ["https://x.com/bob/status/9"]},
        {"urls": []},
    ])
    assert top_links(posts) == [("https://www.basw.co.uk/code", 2), ("https://basw.co.uk/other", 1)]
    assert ("https://twitter.com/ann/status/123", 1) in top_links(posts, post_links=True)
    assert top_domains(posts) == [("basw.co.uk", 2)]


def test_functions_do_not_mutate_the_frame():
    posts = _posts([{"text": "Q1: ethics", "hashtags": ["SWChat", "Ethics"], "urls": ["https://a.org"]},
                    {"text": "A1 ethics", "hashtags": ["SWChat"]}])
    before = posts.copy()
    top_hashtags(posts, exclude="SWChat")
    co_hashtags(posts)
    top_links(posts)
    question_terms(posts, {"0": "Q1", "1": "Q1"})
    pd.testing.assert_frame_equal(posts, before)


# -- distinctive terms -----------------------------------------------------------------


def test_distinctive_terms_match_scikit_learn_tfidf():
    from sklearn.feature_extraction.text import TfidfVectorizer

    groups = {"Q1": ["ethics ethics consent values", "ethics dignity values values"],
              "Q2": ["burnout rest rest values", "burnout sleep burnout"],
              "Q3": ["courts reports reports values", "ethics courts"]}
    texts = [t for ts in groups.values() for t in ts]
    labels = [g for g, ts in groups.items() for _ in ts]
    ours = distinctive_terms(texts, labels, None, min_count=1)
    vec = TfidfVectorizer(analyzer=tokenize, sublinear_tf=True, smooth_idf=True, norm=None)
    matrix = vec.fit_transform([" ".join(ts) for ts in groups.values()]).toarray()
    names = vec.get_feature_names_out()
    for row, label in enumerate(groups):
        expected = {names[j]: matrix[row, j] for j in range(len(names)) if matrix[row, j] > 0}
        got = {t: s for t, s, _ in ours[label]}
        assert got.keys() == expected.keys()
        for term, score in got.items():
            assert score == pytest.approx(expected[term], rel=1e-5)


def test_distinctive_terms_min_count_and_unlabelled_texts():
    out = distinctive_terms(["ethics ethics once", "burnout burnout", "ignored ignored"],
                            ["Q1", "Q2", None], min_count=2)
    assert list(out) == ["Q1", "Q2"]
    assert [t for t, _, _ in out["Q1"]] == ["ethics"]  # "once" is below min_count


def _truth_segments(session: dict) -> dict[str, str]:
    seg = dict.fromkeys(session["intro_post_ids"], "intro")
    seg.update(dict.fromkeys(session["wrapup_post_ids"], "wrap-up"))
    for q in session["questions"]:
        seg.update(dict.fromkeys(q["post_ids"], f"Q{q['number']}"))
    return seg


def _hits(terms, vocabulary):
    return sum(t in set(vocabulary) for t, _, _ in terms[:5])


@pytest.fixture(scope="module")
def sample_posts(sample_archive_path):
    from swchat import Archive

    with Archive(sample_archive_path) as archive:
        return archive.posts()


def test_question_terms_recover_the_vocabulary_truth_segments(truth, sample_posts):
    """Distinctive terms of each question (on the generator's own segmentation) come from its vocabulary."""
    hits = []
    for session in truth["sessions"]:
        posts = sample_posts[sample_posts["post_id"].isin(set(session["post_ids"]))]
        terms = question_terms(posts, _truth_segments(session), n=5, chat_tag=truth["hashtag"])
        for q in session["questions"]:
            h = _hits(terms[f"Q{q['number']}"], q["vocabulary"])
            assert h >= 3, (session["id"], q["number"], terms[f"Q{q['number']}"], q["vocabulary"])
            hits.append(h)
    mean = sum(hits) / len(hits)
    print(f"truth segments: mean {mean:.2f} of the top 5 terms from the question's vocabulary")
    assert mean >= 4.5


def test_chat_themes_recover_the_vocabulary_detected_questions(truth, sample_session_chats):
    """The same with the question segmentation of swchat.sessions.assign_questions."""
    hits = []
    for session in truth["sessions"]:
        themes = chat_themes(sample_session_chats[session["id"]], n=5)
        assert themes.chat_tag == "SWChat"
        for q in session["questions"]:
            h = _hits(themes.questions[f"Q{q['number']}"], q["vocabulary"])
            assert h >= 3, (session["id"], q["number"], themes.questions[f"Q{q['number']}"])
            hits.append(h)
        assert {"intro", "Q1", "Q5", "wrap-up"} <= set(themes.questions)
        assert sum(themes.question_posts.values()) <= themes.posts
    mean = sum(hits) / len(hits)
    print(f"detected segments: mean {mean:.2f} of the top 5 terms from the question's vocabulary")
    assert mean >= 4.0


def test_chat_themes_lists_and_json(truth, sample_session_chats):
    chat = sample_session_chats[truth["sessions"][0]["id"]]
    themes = chat_themes(chat, n=8, n_topics=3)
    assert isinstance(themes, Themes)
    assert len(themes.terms) == 8 and all(c >= 1 for _, c in themes.terms)
    assert all(t.lower() != "swchat" for t, _ in themes.hashtags)
    assert all("swchat" not in t for t, _ in themes.terms)
    assert themes.topics is not None and 1 <= len(themes.topics) <= 3
    doc = json.loads(json.dumps(themes.as_dict()))
    assert set(doc) >= {"terms", "word_pairs", "hashtags", "co_hashtags", "links", "domains",
                        "questions", "topics", "method"}
    assert doc["questions"]["Q1"][0].keys() == {"term", "score", "count"}


def test_chat_themes_computes_only_the_lists_asked_for(truth, sample_session_chats):
    chat = sample_session_chats[truth["sessions"][0]["id"]]
    every = chat_themes(chat, n=10)
    some = chat_themes(chat, n=10, only=("questions", "hashtags", "links"))
    assert (some.questions, some.question_posts, some.hashtags, some.links) == (
        every.questions, every.question_posts, every.hashtags, every.links)
    assert some.terms == some.word_pairs == some.co_hashtags == some.domains == []
    assert every.terms and every.word_pairs
    with pytest.raises(ValueError, match="no list 'topics'"):
        chat_themes(chat, only=["topics"])


def test_community_terms_by_id_or_handle():
    posts = _posts([{"text": "courts courts law"}, {"text": "schools schools pupils"},
                    {"text": "nursing nursing wards"}, {"text": "courts law law"}])
    # authors: 0, 1, 2, 0 (handles u0, u1, u2)
    by_id = community_terms(posts, {"0": "legal", "1": "education"}, n=1)
    by_handle = community_terms(posts, {"U0": "legal", "u1": "education"}, n=1)
    assert by_id == by_handle
    assert by_id["legal"][0][0] in {"courts", "law"} and by_id["education"][0][0] == "schools"


def test_topics_are_seeded_and_describe_posts():
    rows = ([{"text": f"court reports deadline hearing {i}"} for i in range(6)]
            + [{"text": f"team supervision support peers {i}"} for i in range(6)])
    posts = _posts(rows)
    first = topics(posts, 2, random_state=3)
    assert first == topics(posts, 2, random_state=3)
    assert len(first) == 2
    words = [{w for w, _ in t["words"][:2]} for t in first]
    assert {"court", "reports", "deadline", "hearing"} & words[0] or {"court", "reports"} & words[1]
    assert sum(t["posts"] for t in first) == len(posts)
    assert all(e["post_id"] in set(posts["post_id"]) for t in first for e in t["examples"])
    assert topics(posts.iloc[:1], 3) == []


def test_compare_terms_and_themes(truth, sample_session_chats):
    a, b = (sample_session_chats[s["id"]] for s in truth["sessions"][:2])
    change = compare_themes(a, b, n=10)
    vocab_a = {w for q in truth["sessions"][0]["questions"] for w in q["vocabulary"]}
    vocab_b = {w for q in truth["sessions"][1]["questions"] for w in q["vocabulary"]}
    rose = [r["term"] for r in change["rose"]]
    fell = [r["term"] for r in change["fell"]]
    assert rose and fell
    assert sum(t in vocab_b for t in rose) >= len(rose) * 0.6
    assert sum(t in vocab_a for t in fell) >= len(fell) * 0.6
    assert all(r["z"] > 0 for r in change["rose"]) and all(r["z"] < 0 for r in change["fell"])
    table = compare_terms(["x"], ["y"], min_count=1)
    assert list(table.columns) == ["term", "count_a", "count_b", "share_a", "share_b", "log_odds", "z"]
    assert compare_terms([], [], min_count=1).empty


# -- stop words by language --------------------------------------------------------------

GERMAN = ["Das geht nicht, ich finde Supervision wichtig #SWChat",
          "Ohne Supervision geht es nicht. Das ist wichtig für das Team!",
          "Ich finde, die Fallbelastung ist zu hoch und Supervision ist wichtig"]
FRENCH = ["La supervision est essentielle pour l'équipe, c'est important",
          "Je pense que la supervision aide l'équipe, mais le temps manque"]
SPANISH = ["La supervisión es muy importante para el equipo y para nosotros",
           "No tenemos tiempo para la supervisión, el equipo está agotado"]
ENGLISH = ["Supervision is what keeps the team going", "People die waiting for care"]


def _lang_posts(texts_langs):
    return posts_frame([new_post(platform="mastodon", post_id=str(i), author_id=str(i % 2),
                                 author_handle=f"u{i % 2}", created_at=f"2026-10-07T19:{i:02d}:00.000Z",
                                 text=text, lang=lang, hashtags=["SWChat"])
                        for i, (text, lang) in enumerate(texts_langs)])


@pytest.mark.parametrize(
    ("code", "expected"),
    [("de", "de"), ("DE", "de"), ("en-GB", "en"), ("pt-BR", "pt"), ("pt_br", "pt"),
     ("zh-Hant-TW", "zh"), ("in", "id"), ("iw", "he"), ("nb", "no"), ("fil", "tl"),
     ("und", None), ("zxx", None), ("qme", None), ("qht", None), ("mul", None), ("", None),
     ("  ", None), (None, None), (float("nan"), None), (pd.NA, None), ("x-klingon", None),
     ("12", None)],
)
def test_base_language(code, expected):
    assert base_language(code) == expected


def test_stop_words_follow_the_language_and_are_cached():
    german = stop_words(lang="de")
    assert {"das", "geht", "es", "ich", "nicht", "rt", "thanks"} <= german
    assert not {"supervision", "wichtig", "team"} & german
    assert "the" in stop_words() and "das" not in stop_words(lang="en")
    assert {"le", "la", "est", "pour"} <= stop_words(lang="fr-CA")
    assert {"el", "es", "para", "muy"} <= stop_words(lang="es-419")
    # built once per language (and tag and extra words), not per post
    assert stop_words(lang="de-AT") is stop_words(lang="de")
    assert stop_words("SWChat", ["ofsted"], lang="de") >= {"swchat", "ofsted", "das"}
    # a language without a list of its own (Welsh), or none at all: English + chat noise
    assert stop_words(lang="cy") == stop_words(lang="und") == stop_words()
    assert "cy" not in stop_word_languages() and {"de", "fr", "es", "en"} <= stop_word_languages()


def test_tokenize_uses_the_posts_language():
    assert tokenize("Das geht nicht, ich finde Supervision wichtig", lang="de") == [
        "finde", "supervision", "wichtig"]
    # English stop words are not German ones: under English rules the German words stay
    assert {"das", "ich"} <= set(tokenize("Das geht nicht, ich finde Supervision wichtig"))
    assert tokenize("La supervisión es muy importante para el equipo", lang="es") == [
        "supervisión", "importante", "equipo"]
    # elided articles and prepositions (French, Italian, Catalan) leave the word they precede
    assert tokenize("La supervision est essentielle pour l'équipe, c'est important",
                    lang="fr") == ["supervision", "essentielle", "équipe", "important"]
    assert tokenize("Dell'anno scorso, l'assistente sociale c'è", lang="it") == [
        "assistente", "sociale"]
    assert tokenize("Qu'aujourd'hui l'enfant d'abord", lang="fr") == ["enfant"]
    # English keeps names with an apostrophe and drops contractions of stop words
    assert tokenize("O'Brien's team won't stop", lang="en") == ["o'brien", "team", "stop"]


def test_german_posts_top_terms_keep_content_words():
    themes = chat_themes(Chat(posts=_lang_posts([(t, "de") for t in GERMAN]), hashtag="SWChat"),
                         segments={})
    terms = dict(themes.terms)
    assert not {"das", "geht", "es", "ich", "nicht", "ist", "die", "und", "zu"} & set(terms)
    assert terms["supervision"] == 3 and terms["wichtig"] == 3
    assert {"finde", "team", "fallbelastung"} <= set(terms)
    assert themes.terms[:2] == [("supervision", 3), ("wichtig", 3)]
    assert themes.word_pairs[0] == (("supervision", "wichtig"), 3)


@pytest.mark.parametrize(
    ("texts", "lang", "expected", "stop"),
    [(FRENCH, "fr", [("supervision", 2), ("équipe", 2)], {"la", "est", "pour", "je", "le", "que"}),
     (SPANISH, "es", [("equipo", 2), ("supervisión", 2)], {"la", "es", "para", "el", "no", "muy"}),
     (ENGLISH, "en-GB", [("care", 1), ("die", 1)], {"is", "the", "what", "for"})],
)
def test_top_terms_in_other_languages(texts, lang, expected, stop):
    posts = _lang_posts([(t, lang) for t in texts])
    got = top_terms(posts, 2)  # a posts DataFrame: its lang column decides
    assert got == expected
    assert not stop & {t for t, _ in top_terms(posts, None)}
    assert top_terms(posts["text"], 2, langs=posts["lang"]) == got
    assert top_terms(list(texts), 2, langs=lang) == got


def test_mixed_language_chat_each_post_its_own_language():
    rows = ([(t, "de") for t in GERMAN] + [(t, "fr") for t in FRENCH] + [(t, "es") for t in SPANISH]
            + [(t, "en") for t in ENGLISH] + [("Die Pflege ist wichtig", "de")])
    themes = chat_themes(Chat(posts=_lang_posts(rows), hashtag="SWChat"), n=None, segments={})
    terms = dict(themes.terms)
    # "die" is a German article (removed from German posts) and an English verb (kept)
    assert terms["die"] == 1
    # "es" is German and Spanish for "it"/"is"; "la" French and Spanish; "team" English and German
    assert not {"es", "la", "das", "el", "le", "is", "the", "pour", "para", "nicht"} & set(terms)
    assert terms["supervision"] == 6 and terms["supervisión"] == 2 and terms["team"] == 2
    assert terms["wichtig"] == 4 and terms["équipe"] == 2 and terms["equipo"] == 2


def test_post_without_language_takes_the_selections_most_common_one():
    rows = [(t, "de") for t in GERMAN] + [("Das ist so wichtig, das Team auch", None),
                                          ("Das ist so wichtig", "und"), ("Das Team", "qme"),
                                          ("The team", "en")]
    posts = _lang_posts(rows)
    terms = dict(top_terms(posts, None, chat_tag="SWChat"))
    assert "das" not in terms and "ist" not in terms and "so" not in terms
    assert terms["wichtig"] == 5 and terms["team"] == 4
    themes = chat_themes(Chat(posts=posts, hashtag="SWChat"), n=None, segments={})
    assert dict(themes.terms) == terms
    # texts alone, without languages, are English; with languages, the same rule holds
    assert "das" in dict(top_terms(posts["text"], None, chat_tag="SWChat"))
    assert dict(top_terms(posts["text"], None, chat_tag="SWChat",
                          langs=posts["lang"].tolist())) == terms
    # no post with a usable language: English
    assert "the" not in dict(top_terms(["The team", "the plan"], None, langs=[None, "und"]))
    with pytest.raises(ValueError, match="3 values for 2 texts"):
        top_terms(["a", "b"], langs=["de", "de", "de"])


def test_topics_that_fit_exactly_print_no_numpy_warning():
    """Eight short posts two topics fit exactly: scikit-learn's reconstruction error (a square
    root of a residual a rounding below zero) must not reach the user as a RuntimeWarning."""
    import warnings

    posts = _lang_posts([(f"Das Gericht und die Berichte {i}", "de") for i in range(4)]
                        + [(f"Die Schule und das Team {i}", "de") for i in range(4)])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        found = topics(posts, 2, random_state=0)
    assert sorted(sorted(w for w, _ in t["words"])[:2] for t in found) == [["berichte", "gericht"], ["schule", "team"]]


def test_language_reaches_every_function_of_posts():
    rows = [("Das Gericht und das Gericht, die Akten", "de"), ("Das Gericht ist das Thema", "de"),
            ("Die Schule und die Schule, die Pause", "de"), ("Die Schule ist das Thema", None)]
    posts = _lang_posts(rows)
    segments = {"0": "Q1", "1": "Q1", "2": "Q2", "3": "Q2"}
    q = question_terms(posts, segments, n=None, min_count=1)
    assert [t for t, _, _ in q["Q1"]][:1] == ["gericht"] and [t for t, _, _ in q["Q2"]][:1] == ["schule"]
    assert not {"das", "die", "und", "ist"} & {t for ts in q.values() for t, _, _ in ts}
    d = distinctive_terms(posts["text"], ["Q1", "Q1", "Q2", "Q2"], None, min_count=1,
                          langs=posts["lang"])
    assert d == q
    c = community_terms(posts, {"u0": "a", "u1": "b"}, n=None, min_count=1)
    assert not {"das", "die", "und", "ist"} & {t for ts in c.values() for t, _, _ in ts}
    change = compare_terms(posts.iloc[:2], posts.iloc[2:], min_count=1)
    assert not {"das", "die", "und", "ist"} & set(change["term"])
    assert set(change["term"]) == {"gericht", "akten", "thema", "schule", "pause"}
    assert compare_terms(posts["text"].iloc[:2], posts["text"].iloc[2:], min_count=1,
                         langs_a="de", langs_b=["de", "und"]).equals(change)
    posts_t = _lang_posts([(f"Das Gericht und die Berichte {i}", "de") for i in range(4)]
                          + [(f"Die Schule und das Team {i}", "de") for i in range(4)])
    found = topics(posts_t, 2, random_state=0)
    words = {w for t in found for w, _ in t["words"]}
    assert {"gericht", "berichte", "schule", "team"} <= words
    assert not {"das", "die", "und"} & words


def test_themes_without_topics_never_import_scikit_learn():
    code = textwrap.dedent("""
        import sys
        from swchat.chat import Chat
        from swchat.schema import new_post, posts_frame
        from swchat.themes import chat_themes, compare_themes, top_terms, top_word_pairs
        texts = ["Q1: Was hilft bei Burnout? #SWChat", "A1 Supervision hilft, das Team auch",
                 "Q2: What about ethics? #SWChat", "A2 ethics and consent, always"]
        rows = [new_post(platform="mastodon", post_id=str(i), author_id=str(i % 2),
                         created_at=f"2026-09-02T19:0{i}:00.000Z", text=t, hashtags=["SWChat"],
                         lang=("de" if i < 2 else "en")) for i, t in enumerate(texts)]
        chat = Chat(posts=posts_frame(rows), hashtag="SWChat")
        themes = chat_themes(chat)
        chat_themes(chat, segments={"0": "Q1", "1": "Q1", "2": "Q2", "3": "Q2"})
        compare_themes(chat, chat)
        top_terms(texts), top_word_pairs(texts)
        assert themes.terms, themes
        print("SKLEARN=" + ",".join(m for m in sys.modules if m.split(".")[0] == "sklearn"))
    """)
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root,
                         check=True)
    assert out.stdout.splitlines()[-1] == "SKLEARN=", out.stdout


def test_public_names_for_other_analyses():
    assert POST_LINK.match("https://x.com/ann/status/1") and not POST_LINK.match("https://a.org/x")
    posts = pd.DataFrame({"post_id": ["1", "2"]})
    assert segment_series(posts, {"2": "Q1"}).tolist()[1] == "Q1"


@pytest.mark.realdata
def test_real_german_mastodon_tag_timeline_top_terms(realdata):
    from swchat.readers import Post, read

    path = realdata("mastodon-api", "timeline_tag_ichbinhanna_mastodon.social.json")
    rows = [dict(item.row, is_context=item.context) for item in read(path) if isinstance(item, Post)]
    posts = posts_frame(rows)
    assert (posts["lang"] == "de").sum() > (posts["lang"] == "en").sum()
    themes = chat_themes(Chat(posts=posts, hashtag="IchBinHanna"), n=10, segments={})
    words = {t for t, _ in themes.terms}
    print("top terms:", themes.terms)
    assert not {"das", "geht", "es", "ich", "nicht", "die", "ein", "ist", "dann", "darum"} & words
    assert "ichbinhanna" not in words and len(words) == 10


@given(st.lists(st.sampled_from(["care", "it's", "#Ethics", "#SWChat", "@ann", "https://x.co/a", "Q1:", "A2",
                                 "👍🏽", "the", "l'équipe", "—", "7", "x"]), max_size=12).map(" ".join),
       st.booleans(), st.booleans())
def test_tokens_without_breaks_are_the_tokens_with_breaks_left_out(text, mentions, emoji):
    """The tokeniser's cache derives the plain token list from the one with breaks."""
    stop = frozenset({"the"})
    plain = themes._raw_tokens(text, stop, "swchat", mentions=mentions, hashtags=True, emoji=emoji)
    broken = themes._raw_tokens(text, stop, "swchat", mentions=mentions, hashtags=True, emoji=emoji, breaks=True)
    assert plain == [t for t in broken if t is not None]
