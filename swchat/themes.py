"""What was discussed: terms, word pairs, hashtags, links, per-question and per-group themes, topics.

The building blocks are plain functions that other modules reuse (the network's "top items per
group", the report). Their signatures are stable:

- :func:`tokenize` — one post's text to content words; :func:`stop_words` — what it removes,
  for a language (:func:`base_language` reads a post's ``lang`` code);
- :func:`top_terms`, :func:`top_word_pairs` — most frequent words and adjacent word pairs of texts;
- :func:`top_hashtags`, :func:`co_hashtags`, :func:`top_links`, :func:`top_domains` — from the
  ``hashtags`` and ``urls`` (expanded URL) columns of a posts DataFrame;
- :func:`distinctive_terms` — TF-IDF of groups of texts, each group one document;
  :func:`question_terms` and :func:`community_terms` apply it per question and per community;
- :func:`topics` — NMF topics over a selection, with top words and representative posts;
- :func:`compare_terms` — what rose and what fell between two selections (log-odds);
- :func:`chat_themes` — all of it for one :class:`~swchat.chat.Chat`, as a :class:`Themes`;
- :data:`POST_LINK`, :func:`is_post_link` — links to X posts (what quotes carry), and
  :func:`segment_series` — segment labels aligned to a posts frame, shared with other analyses.

Every "top" list is a list of ``(item, count)`` tuples, most frequent first, ties in alphabetical
order, so results are reproducible.

Tokens
------
:func:`tokenize` lower-cases (``str.lower``, so ``ß`` stays ``ß``), normalises Unicode to NFC, decodes
HTML entities (``&amp;`` → ``&``), and then reads the text as a sequence of

- URLs (``https://…``, ``www.…``) — dropped (links are counted from the ``urls`` column);
- mentions (``@ann``, ``@ann@mastodon.social``) — dropped unless ``mentions=True``;
- hashtags (``#SelfCare``, ``#self-care``; trailing punctuation as in ``#SWChat!`` is not part of
  the tag) — kept as the word without ``#``, except the chat's own tag;
- question and answer labels (``Q1:``, ``A1``, ``A.1``, ``Q 2``, ``T3``, ``q1a``) — dropped;
- words: letters of any alphabet (``é``, ``ß``, ``ø``…) and digits, starting with a letter, with
  inner hyphens and apostrophes (``self-care``, ``o'brien``); a possessive ``'s`` is removed and
  contractions of stop words (``don't``, ``it's``) are dropped; pure numbers are dropped;
- emoji (with skin tones, variation selectors and ZWJ sequences) — dropped unless ``emoji=True``.

Words of one character, stop words and the chat's own tag are then removed. A hyphenated word is
removed only when the whole word is a stop word (``well-being`` stays).

Stop words by language
----------------------
Each post loses the stop words of its own language: the list of the `stopwords-iso
<https://github.com/stopwords-iso/stopwords-iso>`_ collection (package ``stopwordsiso``, 58
languages) for the post's ``lang`` — for English, scikit-learn's list of function words
(:func:`english_stop_words`; stopwords-iso's English list also removes words such as "work",
"help" and "young" that a social-work chat is about) — plus :data:`CHAT_NOISE` (``rt``, ``amp``,
``via``, greetings and thanks, ``chat``, ``question``…), plus whatever the caller passes as
``stopwords``.

- ``lang`` is reduced to its base language (:func:`base_language`: ``en-GB`` → ``en``,
  ``pt-BR`` → ``pt``; X's old ``in``/``iw`` → ``id``/``he``).
- A post with no usable ``lang`` (missing, ``und``, ``zxx``, X's ``qme``/``qht``…) takes the most
  common language of the posts analysed together (the chat, the texts passed in); English when
  none has one. Texts passed without any languages are English.
- A language the collection has no list for gets the English list.
- In French, Italian and Catalan an elided article or preposition is removed from the word it
  is joined to (``l'enfant`` → ``enfant``, ``dell'anno`` → ``anno``).

Functions of a posts DataFrame read its ``lang`` column; :func:`top_terms`,
:func:`top_word_pairs`, :func:`distinctive_terms` and :func:`compare_terms` take the languages
of their texts as ``langs`` (or read a posts DataFrame's ``lang``). scikit-learn is imported only
by :func:`topics`.

Examples
--------
>>> tokenize("Q1: Self-care &amp; supervision matter! #SWChat #self-care https://x.co/a @ann 💪",
...          chat_tag="SWChat")
['self-care', 'supervision', 'matter', 'self-care']
>>> top_terms(["Supervision helps", "supervision and self-care"], n=2)
[('supervision', 2), ('helps', 1)]
>>> top_terms(["Das geht nicht, ich finde Supervision wichtig", "Supervision ist wichtig"],
...           n=2, langs=["de", "und"])
[('supervision', 2), ('wichtig', 2)]
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise
from typing import Any
from urllib.parse import urlsplit

import numpy as np
import pandas as pd

from .errors import SelectionError

__all__ = [
    "CHAT_NOISE",
    "POST_LINK",
    "UNKNOWN_LANGUAGES",
    "Themes",
    "base_language",
    "chat_themes",
    "co_hashtags",
    "community_terms",
    "compare_terms",
    "compare_themes",
    "distinctive_terms",
    "english_stop_words",
    "is_post_link",
    "question_terms",
    "segment_series",
    "stop_word_languages",
    "stop_words",
    "tokenize",
    "top_domains",
    "top_hashtags",
    "top_links",
    "top_terms",
    "top_word_pairs",
    "topics",
]

#: Words that are noise in any hashtag chat, removed on top of each language's stop words.
CHAT_NOISE: frozenset[str] = frozenset({
    # platform and markup leftovers
    "rt", "mt", "ht", "cc", "via", "amp", "gt", "lt", "quot", "nbsp", "http", "https", "www",
    "com", "org", "dm", "dms",
    # greetings, thanks, chat mechanics
    "thanks", "thank", "thx", "ty", "welcome", "welcomed", "hi", "hello", "hey", "hiya", "bye",
    "evening", "morning", "afternoon", "tonight", "today", "everyone", "everybody", "folks",
    "chat", "chats", "tweetchat", "join", "joining", "joined", "question", "questions", "answer",
    "answers", "lol", "yes", "yeah", "yep", "ok", "okay", "oh", "just", "im", "ive", "dont",
    "cant", "wont", "didnt", "doesnt", "isnt", "thats", "youre", "theyre", "lets",
})

# contraction stems that are not themselves in the stop list ("don't" -> "don")
_CONTRACTION_STEMS = frozenset({
    "don", "doesn", "didn", "can", "couldn", "won", "wouldn", "shouldn", "isn", "aren", "wasn",
    "weren", "haven", "hasn", "hadn", "ain", "let", "that", "there", "what", "who", "where",
})

_EMOJI_CHAR = (
    "[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\u2300-\u23FF\u2190-\u21FF\u3030\u303D"
    "\u3297\u3299\u00A9\u00AE\u203C\u2049\u2122\u2139]"
)
_EMOJI = rf"{_EMOJI_CHAR}[\U0001F3FB-\U0001F3FF]?\uFE0F?(?:\u200D{_EMOJI_CHAR}[\U0001F3FB-\U0001F3FF]?\uFE0F?)*"

_TOKEN = re.compile(
    rf"""
    (?P<url>(?:https?://|www\.)[^\s<>"]+)
  | (?P<mention>(?<![\w@])@\w+(?:@[\w-]+(?:\.[\w-]+)+)?)
  | (?P<hashtag>(?<![\w&\#])\#\w+(?:-\w+)*)
  | (?P<label>(?<![\w.])(?:[QAT]\s?\.?\s?|[qat]\.?)\d{{1,2}}[a-z]?(?![\w]))
  | (?P<word>[^\W\d_]\w*(?:['-]\w+)*)
  | (?P<emoji>{_EMOJI})
    """,
    re.VERBOSE,
)

_DASHES = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-",
                         "\u2019": "'", "\u2018": "'", "\u02bc": "'", "\uff03": "#", "\uff20": "@"})
#: A URL that points at an X/Twitter post (``https://x.com/ann/status/123``, ``twitter.com``,
#: ``mobile.twitter.com``; any case): the link a quote carries, not a resource. Use it with
#: ``pattern.match(url)`` or ``Series.str.match(POST_LINK)``; see :func:`is_post_link`.
POST_LINK: re.Pattern[str] = re.compile(
    r"^https?://(?:www\.|mobile\.)?(?:twitter\.com|x\.com)/[^/]+/status(?:es)?/\d+", re.IGNORECASE)


#: Language codes that say "no language known": X's ``und`` (undetermined), ``zxx`` (no
#: linguistic content), ``mul`` and ``mis``; X's ``qme``, ``qht``, ``qam``… (media, hashtags or
#: mentions only) fall in ISO 639's private-use range ``qaa``–``qtz``, which is treated the same.
UNKNOWN_LANGUAGES: frozenset[str] = frozenset({"und", "zxx", "mul", "mis"})

# withdrawn ISO 639-1 codes that X still sends, and the Norwegian written standards
_LANGUAGE_ALIASES = {"in": "id", "iw": "he", "ji": "yi", "jw": "jv", "mo": "ro",
                     "nb": "no", "nn": "no", "fil": "tl"}

# languages whose articles and prepositions elide before a vowel: "l'enfant" is "enfant"
_ELIDING = frozenset({"fr", "it", "ca"})

# English contraction endings: "don't" -> ("don", "t"), "we're", "i've", "she'll", "he'd", "i'm"
_CONTRACTION_ENDINGS = frozenset({"t", "m", "re", "ve", "ll", "d"})

_DEFAULT_LANGUAGE = "en"


@lru_cache(maxsize=512)
def base_language(code: Any) -> str | None:
    """The base language of a post's ``lang`` code, or ``None`` when it names no language.

    The code is read as BCP 47: its first subtag, lower-cased (``en-GB`` → ``en``, ``pt_BR`` →
    ``pt``, ``zh-Hant`` → ``zh``). Withdrawn codes X still uses are mapped to the current ones
    (``in`` → ``id``, ``iw`` → ``he``), and Norwegian Bokmål and Nynorsk (``nb``, ``nn``) to
    ``no``. Missing values, codes that are not 2–3 letters, and the codes in
    :data:`UNKNOWN_LANGUAGES` or ISO 639's private-use range ``qaa``–``qtz`` (X's ``qme``,
    ``qht``…) give ``None``.

    Parameters
    ----------
    code : str or None
        A ``lang`` value as the canonical posts table holds it.

    Returns
    -------
    str or None

    Examples
    --------
    >>> [base_language(c) for c in ["de", "en-GB", "PT_br", "iw", "und", "qme", None, ""]]
    ['de', 'en', 'pt', 'he', None, None, None, None]
    """
    if not isinstance(code, str):
        return None
    base = re.split(r"[-_]", code.strip().lower(), maxsplit=1)[0]
    if not (2 <= len(base) <= 3 and base.isascii() and base.isalpha()):
        return None
    if base in UNKNOWN_LANGUAGES or (len(base) == 3 and "qaa" <= base <= "qtz"):
        return None
    return _LANGUAGE_ALIASES.get(base, base)


def _canonical_word(word: str) -> str:
    return unicodedata.normalize("NFC", word.strip().lower()).translate(_DASHES)


@lru_cache(maxsize=128)
def _language_stop_words(language: str) -> frozenset[str]:
    """The stop-word list of one base language (see the module notes); English's for a language
    that has none."""
    import stopwordsiso

    if not stopwordsiso.has_lang(language):
        language = _DEFAULT_LANGUAGE
    if language == "en":
        english = english_stop_words()
        if english is not None:
            return english
    return frozenset(_canonical_word(w) for w in stopwordsiso.stopwords(language))


@lru_cache(maxsize=1)
def english_stop_words() -> frozenset[str] | None:
    """scikit-learn's English stop words (the Glasgow Information Retrieval Group's 318 words).

    stopwords-iso's English list unites many web lists (1,298 words) and removes words a chat
    about social work is about ("work", "help", "need", "young", "research", "home"); the
    scikit-learn list removes function words only. It is read from scikit-learn's data module
    without importing scikit-learn (whose import costs seconds); ``None`` when scikit-learn is
    not installed.

    Examples
    --------
    >>> words = english_stop_words()
    >>> len(words), "the" in words, "work" in words
    (318, True, False)
    """
    import importlib.util
    from pathlib import Path

    spec = importlib.util.find_spec("sklearn")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "feature_extraction" / "_stop_words.py"
    loader = importlib.util.spec_from_file_location("swchat_english_stop_words", path)
    if loader is None or loader.loader is None or not path.is_file():
        return None
    module = importlib.util.module_from_spec(loader)
    loader.loader.exec_module(module)
    words = getattr(module, "ENGLISH_STOP_WORDS", None)
    return frozenset(_canonical_word(w) for w in words) if words else None


def stop_word_languages() -> frozenset[str]:
    """The base languages that have a stop-word list of their own (the stopwords-iso collection).

    A post in any other language gets the English list (plus :data:`CHAT_NOISE`).

    Examples
    --------
    >>> {"de", "en", "es", "fr", "pt"} <= stop_word_languages()
    True
    """
    import stopwordsiso

    return frozenset(stopwordsiso.langs())


@lru_cache(maxsize=256)
def _stop_set(chat_tag: str | None, extra: frozenset[str],
              language: str = _DEFAULT_LANGUAGE) -> frozenset[str]:
    words = set(_language_stop_words(language)) | CHAT_NOISE | {w.lower() for w in extra}
    if chat_tag:
        words.add(chat_tag.lstrip("#").lower())
    return frozenset(words)


def stop_words(chat_tag: str | None = None, stopwords: Iterable[str] | None = None, *,
               lang: str | None = None) -> frozenset[str]:
    """The stop words :func:`tokenize` removes from a post in language ``lang``.

    Parameters
    ----------
    chat_tag : str, optional
        The chat's own hashtag (with or without ``#``), removed as a word and as a hashtag.
    stopwords : iterable of str, optional
        Extra words to remove (any case).
    lang : str, optional
        The post's language code (``de``, ``en-GB``…, see :func:`base_language`); English
        when missing or unknown.

    Returns
    -------
    frozenset of str
        The stopwords-iso list of the language (English's when the collection has none for
        it), :data:`CHAT_NOISE`, the chat tag and the extra words.

    Examples
    --------
    >>> {"rt", "the", "swchat", "ofsted"} <= stop_words("#SWChat", ["Ofsted"])
    True
    >>> {"das", "nicht", "rt"} <= stop_words(lang="de-AT"), "das" in stop_words(lang="en")
    (True, False)
    """
    language = base_language(lang) or _DEFAULT_LANGUAGE
    return _stop_set(chat_tag.lstrip("#") if chat_tag else None, _frozen(stopwords), language)


def _languages(langs: Any, size: int) -> list[str]:
    """One base language per text: the text's own, else the texts' most common one, else English.

    ``langs`` is ``None`` (all English), one code for every text, or one code per text.
    """
    if langs is None:
        return [_DEFAULT_LANGUAGE] * size
    if isinstance(langs, str):
        return [base_language(langs) or _DEFAULT_LANGUAGE] * size
    codes = [base_language(c) for c in langs]
    if len(codes) != size:
        raise ValueError(f"langs has {len(codes)} values for {size} texts")
    counts = Counter(c for c in codes if c is not None)
    fallback = min(counts, key=lambda c: (-counts[c], c)) if counts else _DEFAULT_LANGUAGE
    return [c or fallback for c in codes]


def _post_langs(posts: pd.DataFrame) -> pd.Series | None:
    """The ``lang`` column of a posts frame, when it has one."""
    return posts["lang"] if isinstance(posts, pd.DataFrame) and "lang" in posts else None


def _frozen(stopwords: Iterable[str] | None) -> frozenset[str]:
    if stopwords is None:
        return frozenset()
    if isinstance(stopwords, str):
        stopwords = [stopwords]
    return frozenset(w.lower() for w in stopwords)


def _normalise(text: str) -> str:
    if "&" in text:
        for _ in range(2):  # "&amp;amp;" happens when a collector escapes twice
            decoded = html.unescape(text)
            if decoded == text:
                break
            text = decoded
    return unicodedata.normalize("NFC", text).translate(_DASHES)


def _apostrophe(token: str, stop: frozenset[str], elide: bool) -> str | None:
    """A word with an apostrophe: its possessive removed, an elided article or preposition
    removed (``l'enfant`` → ``enfant`` in French, Italian, Catalan), ``None`` for a contraction
    of a stop word (``don't``, ``we're``); else the word as it is (``o'brien``)."""
    while "'" in token and token not in stop:
        if token.endswith("'s"):
            token = token[:-2]
            continue
        stem, _, rest = token.partition("'")
        if elide and (len(stem) == 1 or stem in stop):
            token = rest
            continue
        if rest in _CONTRACTION_ENDINGS and (stem in stop or stem in _CONTRACTION_STEMS):
            return None
        break
    return token


def _raw_tokens(text: str, stop: frozenset[str], chat_tag: str | None, *, mentions: bool,
                hashtags: bool, emoji: bool, breaks: bool = False, elide: bool = False) -> list[Any]:
    """Tokens in text order; with ``breaks``, ``None`` where a URL, a dropped mention or emoji,
    or a Q/A label interrupted the words (so word pairs do not span them)."""
    out: list[Any] = []
    for match in _TOKEN.finditer(_normalise(text).lower()):
        kind = match.lastgroup
        token = match.group()
        if kind == "word":
            if "'" in token:
                word = _apostrophe(token, stop, elide)
                if word is None:
                    continue
                token = word
            if len(token) < 2 or token in stop:
                continue
            out.append(token)
        elif kind == "hashtag":
            tag = token[1:]
            if not hashtags or tag == chat_tag or not any(c.isalpha() for c in tag):
                continue
            if len(tag) < 2 or tag in stop:
                continue
            out.append(tag)
        elif kind == "mention" and mentions:
            out.append(token)
        elif kind == "emoji" and emoji:
            out.append(token.replace("\ufe0f", ""))
        elif breaks and out and out[-1] is not None:
            out.append(None)  # a URL, label, or dropped mention/emoji
    return out


def tokenize(
    text: str | None,
    *,
    chat_tag: str | None = None,
    stopwords: Iterable[str] | None = None,
    mentions: bool = False,
    hashtags: bool = True,
    emoji: bool = False,
    lang: str | None = None,
) -> list[str]:
    """Split a post's text into lower-case content words.

    See the module docstring for what counts as a token. The result keeps the order of the
    text (so adjacent words can be paired) and may repeat words.

    Parameters
    ----------
    text : str or None
        A post's text; ``None`` or NA gives ``[]``.
    chat_tag : str, optional
        The chat's own hashtag (``"SWChat"`` or ``"#SWChat"``), removed as hashtag and as word.
    stopwords : iterable of str, optional
        Extra stop words, on top of the language's list and :data:`CHAT_NOISE`.
    mentions : bool
        Keep ``@handle`` tokens (lower-cased, with the ``@``).
    hashtags : bool
        Keep hashtags other than the chat tag, as words without ``#``.
    emoji : bool
        Keep emoji, one token per emoji (skin tones and ZWJ sequences kept together).
    lang : str, optional
        The post's language code (its ``lang``: ``de``, ``en-GB``, ``pt-BR``…), which chooses
        the stop words (:func:`stop_words`); English when missing or unknown.

    Returns
    -------
    list of str

    Examples
    --------
    >>> tokenize("A1: Müller & Søren say &quot;Selbstfürsorge&quot; is key — it's #SWChat!",
    ...          chat_tag="swchat")
    ['müller', 'søren', 'say', 'selbstfürsorge', 'key']
    >>> tokenize("RT @ann: Brilliant supervision 👍🏽 via @bob", mentions=True, emoji=True)
    ['@ann', 'brilliant', 'supervision', '👍🏽', '@bob']
    >>> tokenize("Das geht nicht, ich finde Supervision wichtig", lang="de")
    ['finde', 'supervision', 'wichtig']
    >>> tokenize("L'équipe et l'enfant d'abord", lang="fr-CA")
    ['équipe', 'enfant']
    """
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return []
    language = base_language(lang) or _DEFAULT_LANGUAGE
    tag = chat_tag.lstrip("#").lower() if chat_tag else None
    stop = _stop_set(tag, _frozen(stopwords), language)
    return _raw_tokens(str(text), stop, tag, mentions=mentions, hashtags=hashtags, emoji=emoji,
                       elide=language in _ELIDING)


def _tokenizer(chat_tag: str | None, stopwords: Iterable[str] | None, *, breaks: bool = False,
               **flags: bool) -> Callable[[Any, str], list[Any]]:
    """A function of (text, base language) giving the text's tokens.

    The stop set of each language is built once (and cached across calls)."""
    tag = chat_tag.lstrip("#").lower() if chat_tag else None
    extra = _frozen(stopwords)
    stops: dict[str, frozenset[str]] = {}
    mentions = flags.get("mentions", False)
    hashtags = flags.get("hashtags", True)
    emoji = flags.get("emoji", False)

    def run(text: Any, language: str = _DEFAULT_LANGUAGE) -> list[str]:
        if not isinstance(text, str):
            return []
        stop = stops.get(language)
        if stop is None:
            stop = stops[language] = _stop_set(tag, extra, language)
        return list(_cached_tokens(text, stop, tag, mentions, hashtags, emoji, breaks, language in _ELIDING))

    return run


@lru_cache(maxsize=1 << 16)
def _cached_tokens(text: str, stop: frozenset[str], tag: str | None, mentions: bool, hashtags: bool, emoji: bool,
                   breaks: bool, elide: bool) -> tuple[Any, ...]:
    """:func:`_raw_tokens`, remembered: a chat's texts are tokenised for several lists (terms,
    word pairs, each question's distinctive terms), the work is done once. The tokens without
    breaks are those with breaks, the breaks left out: one tokenisation serves both."""
    if not breaks:
        with_breaks = _cached_tokens(text, stop, tag, mentions, hashtags, emoji, True, elide)
        return tuple(token for token in with_breaks if token is not None)
    return tuple(_raw_tokens(text, stop, tag, mentions=mentions, hashtags=hashtags, emoji=emoji, breaks=True,
                             elide=elide))


def _token_lists(texts: pd.Series, langs: Any, run: Callable[[Any, str], list[Any]]
                 ) -> list[list[Any]]:
    """The tokens of each text, each in its own language (see :func:`_languages`)."""
    languages = _languages(langs, len(texts))
    return [run(text, language) for text, language in zip(texts, languages, strict=True)]


def _with_langs(texts: Any, langs: Any) -> tuple[pd.Series, Any]:
    """The texts as a Series, and their languages (a posts frame's ``lang`` by default)."""
    if langs is None and isinstance(texts, pd.DataFrame):
        langs = _post_langs(texts)
    return _texts(texts), langs


def _texts(texts: Iterable[Any]) -> pd.Series:
    if isinstance(texts, pd.DataFrame):
        texts = texts["text"]
    if isinstance(texts, str):
        texts = [texts]
    series = pd.Series(list(texts) if not isinstance(texts, pd.Series) else texts, dtype="object")
    return series.where(series.map(lambda v: isinstance(v, str)), None)


def _ranked(counter: Mapping[Any, int], n: int | None) -> list[tuple[Any, int]]:
    items = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))
    return items if n is None else items[:n]


def top_terms(
    texts: Iterable[str],
    n: int | None = 10,
    *,
    chat_tag: str | None = None,
    stopwords: Iterable[str] | None = None,
    langs: str | Iterable[str | None] | None = None,
    **flags: bool,
) -> list[tuple[str, int]]:
    """The most frequent content words of some texts (occurrences, as NodeXL's "top words").

    Parameters
    ----------
    texts : iterable of str, pandas.Series, or posts DataFrame (its ``text`` column)
        Missing texts are skipped.
    n : int or None
        How many (``None``: all).
    chat_tag, stopwords, **flags
        As for :func:`tokenize`.
    langs : str or iterable of str, optional
        Each text's language code (``lang``), parallel to ``texts``, or one code for all;
        by default the ``lang`` column when ``texts`` is a posts DataFrame, else English.
        Each text loses its own language's stop words; a text without a usable code takes
        the most common language of the texts (English when none has one).

    Returns
    -------
    list of (str, int)
        Word and number of occurrences, most frequent first, ties alphabetical.

    Examples
    --------
    >>> top_terms(["Burnout is real", "burnout &amp; boundaries", "RT boundaries"], n=3)
    [('boundaries', 2), ('burnout', 2), ('real', 1)]
    >>> top_terms(["Das ist Burnout", "Burnout, nicht Stress", "the stress"], n=3,
    ...           langs=["de", "de", None])
    [('burnout', 2), ('stress', 2), ('the', 1)]
    """
    series, langs = _with_langs(texts, langs)
    counts: Counter[str] = Counter()
    for tokens in _token_lists(series, langs, _tokenizer(chat_tag, stopwords, **flags)):
        counts.update(tokens)
    return _ranked(counts, n)


def top_word_pairs(
    texts: Iterable[str],
    n: int | None = 10,
    *,
    chat_tag: str | None = None,
    stopwords: Iterable[str] | None = None,
    langs: str | Iterable[str | None] | None = None,
    **flags: bool,
) -> list[tuple[tuple[str, str], int]]:
    """The most frequent pairs of adjacent content words (NodeXL's "word pairs").

    Stop words are removed first (as in :func:`tokenize`) and each remaining word is paired
    with the next one in the same text. A URL, a Q/A label, or a mention or emoji that is not
    kept breaks the sequence (no pair spans it); pairs never cross texts.

    Parameters
    ----------
    texts, n, chat_tag, stopwords, langs, **flags
        As for :func:`top_terms`.

    Returns
    -------
    list of ((str, str), int)
        Pair (in text order) and number of occurrences, most frequent first.

    Examples
    --------
    >>> top_word_pairs(["Reflective supervision matters", "reflective supervision, weekly"], n=2)
    [(('reflective', 'supervision'), 2), (('supervision', 'matters'), 1)]
    >>> top_word_pairs(["A1: supervision https://t.co/x matters @ann weekly"])
    []
    """
    series, langs = _with_langs(texts, langs)
    counts: Counter[tuple[str, str]] = Counter()
    for tokens in _token_lists(series, langs, _tokenizer(chat_tag, stopwords, breaks=True, **flags)):
        counts.update((a, b) for a, b in pairwise(tokens) if a is not None and b is not None)
    return _ranked(counts, n)


def _exploded(posts: pd.DataFrame, column: str) -> pd.DataFrame:
    """One row per (post row, list item) with the post row's index in ``row``."""
    values = posts[column].map(lambda v: list(dict.fromkeys(v)) if isinstance(v, list | tuple) else [])
    out = values.explode().dropna().rename("item").to_frame()
    out["row"] = out.index
    return out.reset_index(drop=True)


def _exclusions(exclude: str | Iterable[str] | None) -> set[str]:
    if exclude is None:
        return set()
    if isinstance(exclude, str):
        exclude = [exclude]
    return {e.lstrip("#").lower() for e in exclude}


def _hashtag_rows(posts: pd.DataFrame, exclude: str | Iterable[str] | None) -> pd.DataFrame:
    rows = _exploded(posts, "hashtags")
    rows["item"] = rows["item"].astype(str).str.lstrip("#")
    rows["key"] = rows["item"].str.lower()
    rows = rows[~rows["key"].isin(_exclusions(exclude))]
    return rows.drop_duplicates(["row", "key"])


def _spelling(rows: pd.DataFrame) -> pd.Series:
    """The most common spelling of each lower-cased key (ties: alphabetical)."""
    counts = rows.groupby(["key", "item"]).size().rename("n").reset_index()
    counts = counts.sort_values(["key", "n", "item"], ascending=[True, False, True])
    return counts.drop_duplicates("key").set_index("key")["item"]


def top_hashtags(
    posts: pd.DataFrame,
    n: int | None = 10,
    exclude: str | Iterable[str] | None = None,
) -> list[tuple[str, int]]:
    """The hashtags carried by most posts (case-insensitive; shown in their commonest spelling).

    Parameters
    ----------
    posts : pandas.DataFrame
        Canonical posts (uses the ``hashtags`` list column). A post counts once per tag.
    n : int or None
        How many (``None``: all).
    exclude : str or iterable of str, optional
        Tags to leave out, typically the chat's own tag (any case, ``#`` optional).

    Returns
    -------
    list of (str, int)
        Tag (without ``#``) and number of posts carrying it.

    Examples
    --------
    >>> posts = pd.DataFrame({"hashtags": [["SWChat", "SelfCare"], ["swchat", "selfcare"],
    ...                                    ["SWChat", "Ethics"]]})
    >>> top_hashtags(posts, 3, exclude="#swchat")
    [('SelfCare', 2), ('Ethics', 1)]
    """
    # in plain Python, which for the few thousand tags of a session or a community is many times
    # as fast as the frames of _hashtag_rows and _spelling, with the same result: each post (each
    # row label) counts once per lower-cased tag, in the spelling it first uses; each tag is shown
    # in its commonest spelling (ties: alphabetical)
    skip = _exclusions(exclude)
    posts_per_key: Counter[str] = Counter()
    spellings: Counter[tuple[str, str]] = Counter()
    seen: set[tuple[Any, str]] = set()
    for row, tags in zip(posts.index, posts["hashtags"], strict=True):
        if not isinstance(tags, list | tuple):
            continue
        for tag in dict.fromkeys(tags):
            if not isinstance(tag, str) and _missing(tag):
                continue
            item = str(tag).lstrip("#")
            key = item.lower()
            if key in skip or (row, key) in seen:
                continue
            seen.add((row, key))
            posts_per_key[key] += 1
            spellings[key, item] += 1
    best: dict[str, tuple[int, str]] = {}
    for (key, item), count in spellings.items():
        if key not in best or (-count, item) < best[key]:
            best[key] = (-count, item)
    ranked = _ranked({best[k][1]: v for k, v in posts_per_key.items()}, None)
    return ranked if n is None else ranked[:n]


def _missing(value: Any) -> bool:
    """Whether a list item is missing (``None``, NaN, ``pd.NA``…), as ``Series.dropna`` drops it."""
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # an array-like item is not missing
        return False


def co_hashtags(
    posts: pd.DataFrame,
    n: int | None = 10,
    exclude: str | Iterable[str] | None = None,
) -> list[tuple[tuple[str, str], int]]:
    """Pairs of hashtags used together in the same post, with how many posts did so.

    Tags are compared case-insensitively and shown in their commonest spelling; each pair is
    unordered (given in alphabetical order of the lower-cased tags). Excluded tags (usually the
    chat's own, which co-occurs with everything) are removed before pairing.

    Returns
    -------
    list of ((str, str), int)

    Examples
    --------
    >>> posts = pd.DataFrame({"hashtags": [["SWChat", "SelfCare", "Burnout"],
    ...                                    ["swchat", "burnout", "selfcare"], ["Ethics"]]})
    >>> co_hashtags(posts, exclude="SWChat")
    [(('Burnout', 'SelfCare'), 2)]
    """
    rows = _hashtag_rows(posts, exclude)
    if rows.empty:
        return []
    names = _spelling(rows)
    pairs = rows[["row", "key"]].merge(rows[["row", "key"]], on="row", suffixes=("_a", "_b"))
    pairs = pairs[pairs["key_a"] < pairs["key_b"]]
    counts = pairs.groupby(["key_a", "key_b"]).size()
    ranked = _ranked({(names[a], names[b]): int(v) for (a, b), v in counts.items()}, None)
    return ranked if n is None else ranked[:n]


def is_post_link(url: str) -> bool:
    """Whether a URL points at an X/Twitter post (the link a quote carries), not at a resource.

    Examples
    --------
    >>> is_post_link("https://twitter.com/ann/status/123"), is_post_link("https://basw.co.uk/x")
    (True, False)
    """
    return bool(POST_LINK.match(url))


def _link_rows(posts: pd.DataFrame, post_links: bool) -> pd.DataFrame:
    rows = _exploded(posts, "urls")
    rows["item"] = rows["item"].astype(str)
    if not post_links and not rows.empty:
        rows = rows[~rows["item"].str.match(POST_LINK)]
    return rows


def top_links(posts: pd.DataFrame, n: int | None = 10, *, post_links: bool = False
              ) -> list[tuple[str, int]]:
    """The links shared by most posts, from the ``urls`` column (expanded URLs where the source had them).

    Parameters
    ----------
    posts : pandas.DataFrame
        Canonical posts. A post counts once per URL.
    n : int or None
        How many (``None``: all).
    post_links : bool
        Also count links to X/Twitter posts (the links quotes carry); left out by default.

    Returns
    -------
    list of (str, int)

    Examples
    --------
    >>> posts = pd.DataFrame({"urls": [["https://basw.co.uk/code"], ["https://basw.co.uk/code",
    ...     "https://twitter.com/a/status/1"], []]})
    >>> top_links(posts)
    [('https://basw.co.uk/code', 2)]
    """
    # in plain Python (as top_hashtags): each post counts once per URL
    counts: Counter[str] = Counter()
    for urls in posts["urls"]:
        if not isinstance(urls, list | tuple):
            continue
        for url in dict.fromkeys(urls):
            if not isinstance(url, str) and _missing(url):
                continue
            item = str(url)
            if post_links or not POST_LINK.match(item):
                counts[item] += 1
    return _ranked(counts, n)


def _domain(url: str) -> str:
    try:
        host = urlsplit(url if "://" in url else f"http://{url}").hostname or ""
    except ValueError:
        return ""
    return host[4:] if host.startswith("www.") else host


def top_domains(posts: pd.DataFrame, n: int | None = 10, *, post_links: bool = False
                ) -> list[tuple[str, int]]:
    """The web sites linked to by most posts (host name of each URL, ``www.`` removed).

    A post linking twice to one site counts once for it.

    Examples
    --------
    >>> posts = pd.DataFrame({"urls": [["https://www.basw.co.uk/a", "https://basw.co.uk/b"],
    ...                                ["http://scie.org.uk/x"]]})
    >>> top_domains(posts)
    [('basw.co.uk', 1), ('scie.org.uk', 1)]
    """
    rows = _link_rows(posts, post_links)
    if rows.empty:
        return []
    rows["domain"] = rows["item"].map(_domain)
    rows = rows[rows["domain"] != ""].drop_duplicates(["row", "domain"])
    return _ranked(Counter(rows["domain"]), n)


# -- distinctive terms ----------------------------------------------------------------


def distinctive_terms(
    texts: Iterable[str],
    labels: Iterable[Hashable],
    n: int | None = 10,
    *,
    min_count: int = 2,
    sublinear_tf: bool = True,
    chat_tag: str | None = None,
    stopwords: Iterable[str] | None = None,
    langs: str | Iterable[str | None] | None = None,
    **flags: bool,
) -> dict[Hashable, list[tuple[str, float, int]]]:
    """The terms that set each group of texts apart from the other groups (TF-IDF).

    Method: all texts with the same label are concatenated into one document, so there are as
    many documents as labels. Each term of a document is scored ``tf × idf`` with

    - ``tf = 1 + ln(count)`` (``sublinear_tf=True``, the default; ``count`` otherwise), where
      ``count`` is the term's occurrences in the group;
    - ``idf = ln((1 + N) / (1 + df)) + 1`` (scikit-learn's smoothed idf), ``N`` the number of
      groups and ``df`` the number of groups using the term.

    This is what :class:`sklearn.feature_extraction.text.TfidfVectorizer` computes with
    ``smooth_idf=True`` (its l2 normalisation would not change the order within a group).
    A term used fewer than ``min_count`` times in a group is not listed for it (one-off words
    are rarely what a group was about). Unlabelled texts (``None``/NA label) are ignored.

    Parameters
    ----------
    texts : iterable of str
    labels : iterable
        One group label per text (a question, a community…).
    n : int or None
        Terms per group.
    min_count : int
        Least occurrences within the group for a term to be listed.
    sublinear_tf : bool
        Dampen raw counts with ``1 + ln(count)``.
    chat_tag, stopwords, **flags
        As for :func:`tokenize`.
    langs : str or iterable of str, optional
        Each text's language code, as for :func:`top_terms` (a text without one takes the
        most common language of all the texts, labelled or not).

    Returns
    -------
    dict
        Label → list of ``(term, score, count)``, best first (ties: higher count, then
        alphabetical); labels in order of first appearance.

    Examples
    --------
    >>> texts = ["ethics dilemmas ethics", "ethics consent", "burnout rest burnout", "rest"]
    >>> result = distinctive_terms(texts, ["Q1", "Q1", "Q2", "Q2"], n=1)
    >>> [(label, terms[0][0]) for label, terms in result.items()]
    [('Q1', 'ethics'), ('Q2', 'burnout')]
    """
    run = _tokenizer(chat_tag, stopwords, **flags)
    series, langs = _with_langs(texts, langs)
    frame = pd.DataFrame({"text": series.to_numpy(), "label": pd.Series(list(labels), dtype="object"),
                          "language": _languages(langs, len(series))})
    frame = frame[frame["label"].notna()]
    order = list(dict.fromkeys(frame["label"]))
    if frame.empty:
        return {}
    frame["term"] = [run(text, language)
                     for text, language in zip(frame["text"], frame["language"], strict=True)]
    tokens = frame[["label", "term"]].explode("term").dropna()
    result: dict[Hashable, list[tuple[str, float, int]]] = {label: [] for label in order}
    if tokens.empty:
        return result
    counts = tokens.groupby(["label", "term"], sort=False).size().rename("count").reset_index()
    n_docs = len(order)
    df = counts.groupby("term")["label"].nunique()
    idf = np.log((1 + n_docs) / (1 + df)) + 1
    counts["score"] = counts["term"].map(idf) * (
        1 + np.log(counts["count"]) if sublinear_tf else counts["count"])
    counts = counts[counts["count"] >= min_count]
    counts = counts.sort_values(["label", "score", "count", "term"],
                                ascending=[True, False, False, True], key=_sort_key)
    for label, group in counts.groupby("label", sort=False):
        rows = group.head(n) if n is not None else group
        result[label] = [(t, round(float(s), 6), int(c))
                         for t, s, c in zip(rows["term"], rows["score"], rows["count"], strict=True)]
    return result


def _sort_key(column: pd.Series) -> pd.Series:
    # labels may mix types (e.g. community numbers and None); sort them as text
    return column.astype(str) if column.name == "label" else column


def segment_series(posts: pd.DataFrame, segments: Mapping[str, Hashable] | pd.Series) -> pd.Series:
    """Segment labels aligned to the rows of ``posts``.

    Parameters
    ----------
    posts : pandas.DataFrame
        Canonical posts (uses ``post_id`` when ``segments`` is keyed by post id).
    segments : mapping or pandas.Series
        post_id → label (a dict, or a Series indexed by post_id, i.e. by strings), or a Series
        indexed like ``posts`` rows (what :func:`swchat.questions.assign_questions` returns).

    Returns
    -------
    pandas.Series
        One label per row of ``posts`` (same index, object dtype); missing where a post has
        none.

    Examples
    --------
    >>> posts = pd.DataFrame({"post_id": ["1", "2", "3"]}, index=[10, 11, 12])
    >>> segment_series(posts, {"1": "Q1", "3": "Q2"}).tolist()
    ['Q1', nan, 'Q2']
    >>> segment_series(posts, pd.Series(["intro", "Q1"], index=[10, 11])).tolist()
    ['intro', 'Q1', nan]
    """
    if isinstance(segments, pd.Series):
        index = segments.index
        by_row = index.dtype != object and not pd.api.types.is_string_dtype(index.dtype)
        if by_row:
            return segments.reindex(posts.index)
        segments = segments.to_dict()
    return posts["post_id"].map(lambda pid: segments.get(pid)).astype("object")




def _prepared(posts: pd.DataFrame, retweets: bool) -> pd.DataFrame:
    keep = pd.Series(True, index=posts.index)
    if "is_context" in posts:
        keep &= ~posts["is_context"].fillna(False).astype(bool)
    if not retweets and "kind" in posts:
        keep &= posts["kind"].fillna("") != "retweet"
    return posts[keep]


def question_terms(
    posts: pd.DataFrame,
    segments: Mapping[str, str] | pd.Series,
    n: int | None = 10,
    *,
    retweets: bool = False,
    min_count: int = 2,
    chat_tag: str | None = None,
    stopwords: Iterable[str] | None = None,
    **flags: bool,
) -> dict[str, list[tuple[str, float, int]]]:
    """Distinctive terms of each question of a session, against the rest of the session.

    Each segment's posts (``intro``, ``Q1`` … ``Q5``, ``wrap-up`` — whatever labels ``segments``
    gives) are concatenated into one document and scored by :func:`distinctive_terms` (TF-IDF of
    each segment against the other segments). Greetings in the intro and thanks in the wrap-up
    thereby count as "the rest of the session" for every question.

    Parameters
    ----------
    posts : pandas.DataFrame
        Canonical posts of one session (context posts are ignored); each post's stop words
        are those of its ``lang`` when the frame has that column (see :func:`top_terms`).
    segments : mapping or pandas.Series
        post_id → segment label (a dict, or a Series indexed by post_id), or a Series indexed
        like ``posts`` rows (what :func:`swchat.questions.assign_questions` returns). Posts
        without a label are left out.
    n : int or None
        Terms per segment.
    retweets : bool
        Include retweets (their text repeats the original's, so they are left out by default).
    min_count, chat_tag, stopwords, **flags
        As for :func:`distinctive_terms`.

    Returns
    -------
    dict
        Segment label → list of ``(term, score, count)``, in the order segments first appear in
        time.

    Examples
    --------
    >>> posts = pd.DataFrame({"post_id": ["1", "2", "3", "4"],
    ...     "created_at": pd.to_datetime(["2026-09-02T19:00Z", "2026-09-02T19:01Z",
    ...                                   "2026-09-02T19:10Z", "2026-09-02T19:11Z"]),
    ...     "text": ["Q1: what about ethics?", "A1: ethics, ethics and consent", "Q2: burnout?",
    ...              "A2: burnout, rest"]})
    >>> terms = question_terms(posts, {"1": "Q1", "2": "Q1", "3": "Q2", "4": "Q2"}, n=1)
    >>> {q: t[0][0] for q, t in terms.items()}
    {'Q1': 'ethics', 'Q2': 'burnout'}
    """
    labels = segment_series(posts, segments)
    frame = posts.assign(_segment=labels)
    frame = _prepared(frame, retweets)
    if "created_at" in frame:
        frame = frame.sort_values("created_at", kind="stable")
    found = distinctive_terms(frame["text"], frame["_segment"], n, min_count=min_count,
                              chat_tag=chat_tag, stopwords=stopwords, langs=_post_langs(frame), **flags)
    return {str(label): terms for label, terms in found.items()}


def _account_labels(posts: pd.DataFrame, communities: Mapping[Any, Hashable], key: str) -> pd.Series:
    if key == "auto":
        ids = posts["author_id"].isin(list(communities)).sum() if "author_id" in posts else 0
        lowered = {str(k).lower(): v for k, v in communities.items()}
        handles = (posts["author_handle"].str.lower().isin(list(lowered)).sum()
                   if "author_handle" in posts else 0)
        key = "author_handle" if handles > ids else "author_id"
    if key == "author_handle":
        lowered = {str(k).lower(): v for k, v in communities.items()}
        return posts["author_handle"].str.lower().map(lambda h: lowered.get(h)).astype("object")
    return posts[key].map(lambda a: communities.get(a)).astype("object")


def community_terms(
    posts: pd.DataFrame,
    communities: Mapping[Any, Hashable],
    n: int | None = 10,
    *,
    key: str = "auto",
    retweets: bool = False,
    min_count: int = 2,
    chat_tag: str | None = None,
    stopwords: Iterable[str] | None = None,
    **flags: bool,
) -> dict[Hashable, list[tuple[str, float, int]]]:
    """Distinctive terms of each community's posts, against the other communities (TF-IDF).

    Parameters
    ----------
    posts : pandas.DataFrame
        Canonical posts (each post's ``lang``, when present, chooses its stop words).
    communities : mapping
        Account → community label. Accounts are matched on ``author_id`` or (case-insensitively)
        ``author_handle``: ``key="auto"`` takes whichever matches more posts.
    n, retweets, min_count, chat_tag, stopwords, **flags
        As for :func:`question_terms`.

    Returns
    -------
    dict
        Community → list of ``(term, score, count)``.

    Examples
    --------
    >>> posts = pd.DataFrame({"author_id": ["1", "1", "2"], "author_handle": ["ann", "ann", "bob"],
    ...                       "text": ["courts courts law", "law", "schools schools"]})
    >>> terms = community_terms(posts, {"Ann": 0, "bob": 1}, n=1)
    >>> {c: t[0][0] for c, t in terms.items()}
    {0: 'courts', 1: 'schools'}
    """
    labels = _account_labels(posts, communities, key)
    frame = _prepared(posts.assign(_community=labels), retweets)
    return distinctive_terms(frame["text"], frame["_community"], n, min_count=min_count,
                             chat_tag=chat_tag, stopwords=stopwords, langs=_post_langs(frame),
                             **flags)


# -- topics ---------------------------------------------------------------------------


def topics(
    posts: pd.DataFrame,
    n_topics: int = 5,
    *,
    n_words: int = 8,
    n_posts: int = 3,
    random_state: int = 0,
    retweets: bool = False,
    min_df: int = 2,
    chat_tag: str | None = None,
    stopwords: Iterable[str] | None = None,
    **flags: bool,
) -> list[dict[str, Any]]:
    """Topics of a selection: non-negative matrix factorisation of the posts' TF-IDF matrix.

    Method: each post (retweets left out by default) is a document of :func:`tokenize` tokens;
    terms used in fewer than ``min_df`` posts are dropped; the TF-IDF matrix (scikit-learn,
    l2-normalised rows) is factorised with :class:`sklearn.decomposition.NMF` (``init="nndsvda"``,
    seeded with ``random_state``, so the same data give the same topics). A topic's words are
    the highest-weighted terms of its component; a post belongs to the topic with its largest
    weight, and the representative posts are those with the largest weight for the topic.

    Parameters
    ----------
    posts : pandas.DataFrame
        Canonical posts (``post_id``, ``text``; ``author_handle`` and ``lang`` when present:
        each post's ``lang`` chooses its stop words, as in :func:`top_terms`).
    n_topics : int
        Number of topics: at most one fewer than the posts with words, and no more than their
        terms (asking for more raises :class:`~swchat.errors.SelectionError`).
    n_words, n_posts : int
        Top words and representative posts per topic.
    random_state : int
        Seed of the factorisation.
    retweets, min_df, chat_tag, stopwords, **flags
        As for :func:`question_terms`; ``min_df`` is the least number of posts for a term.

    Returns
    -------
    list of dict
        One per topic: ``topic`` (0-based), ``words`` (list of ``(term, weight)``), ``posts``
        (number of posts assigned to it), ``examples`` (list of dicts ``post_id``, ``author``,
        ``text``, ``weight``). Empty when there is too little text.

    Examples
    --------
    >>> posts = pd.DataFrame({"post_id": list("123456"), "text": [
    ...     "court reports deadline", "court hearing reports", "court reports stress",
    ...     "team supervision support", "supervision support matters", "team support supervision"]})
    >>> found = topics(posts, 2, n_words=2, n_posts=1, random_state=0)
    >>> sorted(sorted(w for w, _ in t["words"]) for t in found)
    [['court', 'reports'], ['supervision', 'support']]
    >>> topics(posts, 9)
    Traceback (most recent call last):
    ...
    swchat.errors.SelectionError: cannot find 9 topics in 6 posts (at most 5)
    """
    from sklearn.decomposition import NMF
    from sklearn.feature_extraction.text import TfidfVectorizer

    frame = _prepared(posts, retweets)
    run = _tokenizer(chat_tag, stopwords, **flags)
    docs = pd.Series(_token_lists(frame["text"], _post_langs(frame), run), index=frame.index,
                     dtype="object")
    frame = frame[docs.map(len) > 0]
    docs = docs[frame.index]
    if len(frame) < 2:
        return []
    vectorizer = TfidfVectorizer(analyzer=lambda tokens: tokens, min_df=min(min_df, len(frame)))
    try:
        matrix = vectorizer.fit_transform(list(docs))
    except ValueError:  # no term left after min_df
        return []
    most = max(1, min(matrix.shape[0] - 1, matrix.shape[1]))
    if n_topics > most:
        raise SelectionError(f"cannot find {n_topics} topics in {matrix.shape[0]} posts (at most {most})")
    k = max(1, n_topics)
    model = NMF(n_components=k, init="nndsvda", random_state=random_state, max_iter=1000)
    # a selection the topics fit exactly leaves a residual a rounding below zero, whose square
    # root (scikit-learn's reconstruction error, which is not used here) would print numpy's
    # "invalid value encountered in sqrt" to the user
    with np.errstate(invalid="ignore"):
        weights = model.fit_transform(matrix)
    terms = vectorizer.get_feature_names_out()
    best = weights.argmax(axis=1)
    handles = frame["author_handle"] if "author_handle" in frame else pd.Series(None, index=frame.index)
    out = []
    for topic in range(k):
        component = model.components_[topic]
        top = np.argsort(-component, kind="stable")[:n_words]
        order = np.argsort(-weights[:, topic], kind="stable")[:n_posts]
        examples = [
            {"post_id": str(frame["post_id"].iloc[i]),
             "author": None if pd.isna(handles.iloc[i]) else str(handles.iloc[i]),
             "text": str(frame["text"].iloc[i]),
             "weight": round(float(weights[i, topic]), 6)}
            for i in order if weights[i, topic] > 0
        ]
        out.append({
            "topic": topic,
            "words": [(str(terms[j]), round(float(component[j]), 6)) for j in top if component[j] > 0],
            "posts": int((best == topic).sum()),
            "examples": examples,
        })
    return out


# -- comparing two selections ---------------------------------------------------------


def compare_terms(
    texts_a: Iterable[str],
    texts_b: Iterable[str],
    *,
    min_count: int = 3,
    prior: float = 0.5,
    chat_tag: str | None = None,
    stopwords: Iterable[str] | None = None,
    langs_a: str | Iterable[str | None] | None = None,
    langs_b: str | Iterable[str | None] | None = None,
    **flags: bool,
) -> pd.DataFrame:
    """How each term's use changed from selection A to selection B (log-odds with a prior).

    Method: the log-odds ratio with an informative Dirichlet prior of Monroe, Colaresi & Quinn
    (2008, "Fightin' Words"). With ``y`` a term's occurrences, ``n`` all term occurrences of a
    selection and ``α_w = prior × (y_a + y_b)`` (``α₀`` its sum over terms),

    ``δ = ln((y_b + α_w) / (n_b + α₀ − y_b − α_w)) − ln((y_a + α_w) / (n_a + α₀ − y_a − α_w))``,

    ``z = δ / sqrt(1/(y_a + α_w) + 1/(y_b + α_w))``. A positive ``z`` means the term rose in B,
    a negative one that it fell; ``|z| > 1.96`` is the usual "clearly changed". Terms used fewer
    than ``min_count`` times in A and B together are left out (rare words swing most). The shares
    (per cent of all term occurrences of the selection) are given for reading.

    Parameters
    ----------
    texts_a, texts_b : iterable of str, pandas.Series, or posts DataFrame
        The texts of selections A and B.
    min_count : int
        Least occurrences in A and B together for a term to be listed.
    prior : float
        Weight of the prior (the combined counts).
    chat_tag, stopwords, **flags
        As for :func:`tokenize`.
    langs_a, langs_b : str or iterable of str, optional
        The language code of each text of A and of B, as ``langs`` of :func:`top_terms` (by
        default a posts DataFrame's ``lang`` column; a text without one takes its own
        selection's most common language).

    Returns
    -------
    pandas.DataFrame
        Columns ``term``, ``count_a``, ``count_b``, ``share_a``, ``share_b``, ``log_odds``,
        ``z``; sorted by ``z``, largest rise first.

    Examples
    --------
    >>> a = ["burnout burnout caseloads", "burnout rest"]
    >>> b = ["ethics ethics consent", "ethics burnout consent"]
    >>> table = compare_terms(a, b, min_count=2)
    >>> table["term"].tolist()
    ['ethics', 'consent', 'burnout']
    """
    run = _tokenizer(chat_tag, stopwords, **flags)
    counts_a = Counter(t for tokens in _token_lists(*_with_langs(texts_a, langs_a), run)
                       for t in tokens)
    counts_b = Counter(t for tokens in _token_lists(*_with_langs(texts_b, langs_b), run)
                       for t in tokens)
    table = pd.DataFrame({"count_a": pd.Series(counts_a, dtype="int64"),
                          "count_b": pd.Series(counts_b, dtype="int64")}).fillna(0).astype("int64")
    columns = ["term", "count_a", "count_b", "share_a", "share_b", "log_odds", "z"]
    if table.empty:
        return pd.DataFrame(columns=columns)
    n_a, n_b = table["count_a"].sum(), table["count_b"].sum()
    alpha = prior * (table["count_a"] + table["count_b"])
    alpha0 = alpha.sum()
    ya, yb = table["count_a"] + alpha, table["count_b"] + alpha
    delta = np.log(yb / (n_b + alpha0 - yb)) - np.log(ya / (n_a + alpha0 - ya))
    table["share_a"] = 100 * table["count_a"] / n_a if n_a else 0.0
    table["share_b"] = 100 * table["count_b"] / n_b if n_b else 0.0
    table["log_odds"] = delta
    table["z"] = delta / np.sqrt(1 / ya + 1 / yb)
    table = table[table["count_a"] + table["count_b"] >= min_count]
    table = table.rename_axis("term").reset_index()
    table = table.sort_values(["z", "term"], ascending=[False, True], kind="stable")
    return table[columns].reset_index(drop=True)


def compare_themes(
    a: Any,
    b: Any,
    n: int = 10,
    *,
    min_count: int = 3,
    prior: float = 0.5,
    min_z: float = 1.0,
    retweets: bool = False,
    chat_tag: str | None = None,
    stopwords: Iterable[str] | None = None,
) -> dict[str, Any]:
    """What rose and what fell from one session (or selection) to another.

    Parameters
    ----------
    a, b : Chat or pandas.DataFrame
        The earlier and the later selection (chats or posts DataFrames); each post's ``lang``
        chooses its stop words (see :func:`compare_terms`).
    n : int
        Terms per list.
    min_count, prior
        As for :func:`compare_terms` (log-odds with an informative Dirichlet prior).
    min_z : float
        Least ``|z|`` for a term to be listed as rising or falling. The default, 1, keeps the
        clearer changes of small chats (a term used 7 times in one session and never in the
        other has ``z`` ≈ 1.8 there); use 1.96 for the conventional "significant" cut.
    retweets, chat_tag, stopwords
        As for :func:`chat_themes`; the chat tag defaults to the chats' hashtag.

    Returns
    -------
    dict
        ``rose`` and ``fell``: lists of dicts (``term``, ``count_a``, ``count_b``, ``share_a``,
        ``share_b``, ``z``) with ``z`` beyond ``±min_z``, strongest change first; ``method``: a
        sentence saying how they were computed; ``table``: the full :func:`compare_terms` table.

    Examples
    --------
    >>> a = pd.DataFrame({"text": ["burnout, caseloads and supervision"] * 8, "kind": "original"})
    >>> b = pd.DataFrame({"text": ["ethics, consent and supervision"] * 8, "kind": "original"})
    >>> change = compare_themes(a, b, n=2)
    >>> [r["term"] for r in change["rose"]], [r["term"] for r in change["fell"]]
    (['consent', 'ethics'], ['burnout', 'caseloads'])
    """
    posts_a, tag_a = _posts_of(a)
    posts_b, tag_b = _posts_of(b)
    tag = chat_tag or tag_a or tag_b
    own_a, own_b = _prepared(posts_a, retweets), _prepared(posts_b, retweets)
    table = compare_terms(own_a["text"], own_b["text"], min_count=min_count, prior=prior,
                          chat_tag=tag, stopwords=stopwords, langs_a=_post_langs(own_a),
                          langs_b=_post_langs(own_b))
    keep = ["term", "count_a", "count_b", "share_a", "share_b", "z"]
    rose = table[table["z"] > min_z].head(n)
    fell = table[table["z"] < -min_z].sort_values(["z", "term"], kind="stable").head(n)
    return {
        "rose": _records(rose[keep]),
        "fell": _records(fell[keep]),
        "method": (f"log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008), "
                   f"prior {prior} × combined counts; terms used at least {min_count} times in both "
                   f"selections together; |z| > {min_z}"),
        "table": table,
    }


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    out = []
    for row in frame.to_dict("records"):
        out.append({k: (round(float(v), 4) if isinstance(v, float | np.floating) else
                        int(v) if isinstance(v, np.integer) else v) for k, v in row.items()})
    return out


def _posts_of(value: Any) -> tuple[pd.DataFrame, str | None]:
    if isinstance(value, pd.DataFrame):
        return value, None
    return value.posts, getattr(value, "hashtag", None)


# -- one chat ---------------------------------------------------------------------------


@dataclass
class Themes:
    """What one chat was about (see :func:`chat_themes`).

    Attributes
    ----------
    chat_tag : str or None
        The tag removed from words and hashtags.
    posts : int
        Posts whose text was used (the chat's own posts, retweets left out unless asked).
    terms, word_pairs, hashtags, co_hashtags, links, domains : list
        ``(item, count)`` lists as :func:`top_terms`, :func:`top_word_pairs`,
        :func:`top_hashtags`, :func:`co_hashtags`, :func:`top_links`, :func:`top_domains` give.
    questions : dict
        Segment label → ``(term, score, count)`` list (:func:`question_terms`); empty when
        the chat has no question segmentation.
    question_posts : dict
        Segment label → number of posts used for it.
    topics : list or None
        :func:`topics`, when asked for.
    method : dict
        Sentences describing each method, for reports.
    """

    chat_tag: str | None
    posts: int
    terms: list[tuple[str, int]]
    word_pairs: list[tuple[tuple[str, str], int]]
    hashtags: list[tuple[str, int]]
    co_hashtags: list[tuple[tuple[str, str], int]]
    links: list[tuple[str, int]]
    domains: list[tuple[str, int]]
    questions: dict[str, list[tuple[str, float, int]]] = field(default_factory=dict)
    question_posts: dict[str, int] = field(default_factory=dict)
    topics: list[dict[str, Any]] | None = None
    method: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (lists of small dicts).

        Examples
        --------
        >>> t = Themes(chat_tag="SWChat", posts=1, terms=[("ethics", 2)], word_pairs=[],
        ...            hashtags=[], co_hashtags=[], links=[], domains=[])
        >>> t.as_dict()["terms"]
        [{'term': 'ethics', 'count': 2}]
        """
        return {
            "chat_tag": self.chat_tag,
            "posts": self.posts,
            "terms": [{"term": t, "count": c} for t, c in self.terms],
            "word_pairs": [{"pair": list(p), "count": c} for p, c in self.word_pairs],
            "hashtags": [{"hashtag": t, "count": c} for t, c in self.hashtags],
            "co_hashtags": [{"pair": list(p), "count": c} for p, c in self.co_hashtags],
            "links": [{"url": u, "count": c} for u, c in self.links],
            "domains": [{"domain": d, "count": c} for d, c in self.domains],
            "questions": {q: [{"term": t, "score": s, "count": c} for t, s, c in terms]
                          for q, terms in self.questions.items()},
            "question_posts": dict(self.question_posts),
            "topics": None if self.topics is None else [
                {**t, "words": [{"term": w, "weight": x} for w, x in t["words"]]} for t in self.topics],
            "method": dict(self.method),
        }


#: The lists :func:`chat_themes` can be asked for (``only``).
_THEME_LISTS = frozenset({"terms", "word_pairs", "hashtags", "co_hashtags", "links", "domains", "questions"})


def _question_segments(chat: Any) -> pd.Series | None:
    from .questions import assign_questions
    from .sessions import chat_sessions

    return assign_questions(chat, sessions=chat_sessions(chat))


def chat_themes(
    chat: Any,
    *,
    n: int = 10,
    segments: Mapping[str, str] | pd.Series | None = None,
    n_topics: int | None = None,
    retweets: bool = False,
    min_count: int = 2,
    chat_tag: str | None = None,
    stopwords: Iterable[str] | None = None,
    random_state: int = 0,
    only: Iterable[str] | None = None,
) -> Themes:
    """Themes of one chat: top terms, word pairs, hashtags, links, and distinctive terms per question.

    Parameters
    ----------
    chat : Chat
        A selection or session (:class:`swchat.chat.Chat`). Each post's ``lang`` chooses its
        stop words; a post without one takes the chat's most common language (see the module
        docstring).
    n : int
        Items per list.
    segments : mapping or Series, optional
        post_id → segment label (``intro``, ``Q1``…, ``wrap-up``). By default the chat's
        question segmentation, :func:`swchat.questions.assign_questions`. For a selection
        spanning several sessions, posts with the same label form one document (every
        session's Q1 together): open one session for its own questions.
    n_topics : int, optional
        Also fit this many NMF :func:`topics`.
    retweets : bool
        Use retweets' text and tags too (off: a retweet repeats its original).
    min_count : int
        Least occurrences of a distinctive term within its question.
    chat_tag : str, optional
        The chat's own tag, removed from words and hashtags (default: the chat's hashtag).
    stopwords : iterable of str, optional
        Extra stop words.
    random_state : int
        Seed for the topics.
    only : iterable of str, optional
        Compute only these of the lists (names of :class:`Themes` attributes: ``terms``,
        ``word_pairs``, ``hashtags``, ``co_hashtags``, ``links``, ``domains``, ``questions``);
        the others are left empty. Each list computed is the one computed without ``only``
        (the post-chat report asks for the three it shows). Default: all of them.

    Returns
    -------
    Themes

    Examples
    --------
    >>> from swchat.chat import Chat
    >>> from swchat.schema import new_post, posts_frame
    >>> rows = [new_post(platform="x", post_id=str(i), author_id=str(i), created_at=f"2026-09-02T19:0{i}:00.000Z",
    ...                  text=t, hashtags=["SWChat"]) for i, t in enumerate(
    ...         ["Q1: ethics #SWChat", "A1 ethics, consent", "Q2: burnout #SWChat", "A2 burnout, rest"])]
    >>> themes = chat_themes(Chat(posts=posts_frame(rows), hashtag="SWChat"),
    ...                      segments={"0": "Q1", "1": "Q1", "2": "Q2", "3": "Q2"})
    >>> themes.terms[:2], list(themes.questions)
    ([('burnout', 2), ('ethics', 2)], ['Q1', 'Q2'])
    """
    tag = chat_tag or getattr(chat, "hashtag", None)
    posts = chat.posts if hasattr(chat, "posts") else chat
    own = _prepared(posts, retweets)
    langs = _post_langs(own)
    if langs is not None:  # each post's stop-word language, decided once for the whole chat
        own = own.assign(lang=_languages(langs, len(own)))
        langs = own["lang"]
    wanted = _THEME_LISTS if only is None else frozenset(only)
    unknown = wanted - _THEME_LISTS
    if unknown:
        raise ValueError(f"chat_themes has no list {sorted(unknown)[0]!r}: choose from {', '.join(sorted(_THEME_LISTS))}")
    if segments is None and "questions" in wanted:
        segments = _question_segments(chat)
    questions: dict[str, list[tuple[str, float, int]]] = {}
    question_posts: dict[str, int] = {}
    if segments is not None and "questions" in wanted:
        labels = segment_series(own, segments)
        question_posts = {str(k): int(v) for k, v in labels.dropna().value_counts(sort=False).items()}
        questions = question_terms(own, labels, n, retweets=retweets, min_count=min_count,
                                   chat_tag=tag, stopwords=stopwords)
        question_posts = {q: question_posts.get(q, 0) for q in questions}
    found = topics(own, n_topics, random_state=random_state, chat_tag=tag, stopwords=stopwords,
                   retweets=retweets) if n_topics else None
    exclude = [tag] if tag else None
    return Themes(
        chat_tag=tag,
        posts=len(own),
        terms=top_terms(own["text"], n, chat_tag=tag, stopwords=stopwords, langs=langs)
        if "terms" in wanted else [],
        word_pairs=top_word_pairs(own["text"], n, chat_tag=tag, stopwords=stopwords, langs=langs)
        if "word_pairs" in wanted else [],
        hashtags=top_hashtags(own, n, exclude=exclude) if "hashtags" in wanted else [],
        co_hashtags=co_hashtags(own, n, exclude=exclude) if "co_hashtags" in wanted else [],
        links=top_links(own, n) if "links" in wanted else [],
        domains=top_domains(own, n) if "domains" in wanted else [],
        questions=questions,
        question_posts=question_posts,
        topics=found,
        method={
            "tokens": "lower-cased words; URLs, @mentions, Q/A labels, numbers and stop words "
                      "(the stopwords-iso list of each post's language, from its lang, or of the "
                      "posts' most common language when it has none, English for a language "
                      "without a list; + chat noise + the chat tag) removed",
            "posts": "the chat's own posts" + ("" if retweets else ", retweets left out"),
            "questions": "TF-IDF: each segment's posts concatenated into one document, scored "
                         "(1 + ln count) × (ln((1 + N)/(1 + df)) + 1) against the other segments; "
                         f"terms used fewer than {min_count} times in a segment not listed",
            "topics": f"NMF on post TF-IDF, random_state={random_state}",
        },
    )

