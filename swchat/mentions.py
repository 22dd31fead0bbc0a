"""Who a post addresses: the mention rules every network and analysis shares.

A reply starts with a run of ``@handle``\\ s that the platform puts there itself
(:func:`leading_mentions`); those are not mentions the author wrote, unless the handle comes
again later in the text. :func:`mention_targets` applies the rule of
:data:`swchat.network.EDGE_RULES` to one post: the handles its mention edges go to. Networks
(:mod:`swchat.network.build`) and the attention a post received (:mod:`swchat.growth`) both use
it; it lives apart from the graphs so that an analysis of text needs no graph library (the
session tables are derived without importing networkx).

Examples
--------
>>> mention_targets("@ann thanks, cc @bob", ["ann", "bob"], "reply")
['bob']
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

__all__ = ["leading_mentions", "mention_targets"]

_HANDLE = r"[@＠]([A-Za-z0-9_](?:[\w.\-]*\w)?(?:@\w(?:[\w.\-]*\w)?)?)"
_LEADING_RUN = re.compile(rf"^(?:\s*{_HANDLE})+")
_HANDLE_IN_RUN = re.compile(_HANDLE)


def leading_mentions(text: str | None) -> tuple[list[str], str]:
    """Split a text into its leading run of ``@handle``\\ s and the rest.

    The run is what a platform puts in front of a reply automatically (``@ann @bob thanks``).
    Handles may be X (``ann_b``), Mastodon (``ann@example.social``) or Bluesky
    (``ann.bsky.social``) handles.

    Parameters
    ----------
    text : str or None
        The post text as posted.

    Returns
    -------
    (list of str, str)
        The lower-cased handles of the run (without ``@``), and the text after it.

    Examples
    --------
    >>> leading_mentions("@Ann @bob.bsky.social thanks @carl!")
    (['ann', 'bob.bsky.social'], ' thanks @carl!')
    >>> leading_mentions("Q1: hello @ann")
    ([], 'Q1: hello @ann')
    """
    if not text:
        return [], text or ""
    match = _LEADING_RUN.match(text)
    if not match:
        return [], text
    handles = [h.lower() for h in _HANDLE_IN_RUN.findall(match.group(0))]
    return handles, text[match.end():]


def _local(handle: str) -> str:
    return handle.split("@", 1)[0]


@lru_cache(maxsize=4096)
def _mention_pattern(handle: str) -> re.Pattern[str]:
    """``@handle`` (or its local part) as a mention in text, any case."""
    names = "|".join(re.escape(c) for c in sorted({handle, _local(handle)}))
    return re.compile(rf"(?<![\w@])[@＠](?:{names})(?![\w@])(?!\.\w)", re.I)


#: The non-ASCII letters that ``re.IGNORECASE`` matches to an ASCII letter, mapped to it: a text
#: folded with it and lower-cased holds an ASCII handle wherever the mention pattern can match.
_ASCII_FOLD = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})


def _folded(body: str) -> str:
    """``body`` as :func:`_mentioned_in` looks for a handle in it (an ASCII text folds as itself)."""
    return body.lower() if body.isascii() else body.translate(_ASCII_FOLD).lower()


def _mentioned_in(handle: str, body: str, folded: str | None = None) -> bool:
    """Whether ``body`` mentions ``handle``; ``folded`` is ``_folded(body)`` when already made."""
    local = _local(handle)  # both spellings the pattern accepts start with it
    if local.isascii() and local.lower() not in (_folded(body) if folded is None else folded):
        return False  # the handle is not in the text: no pattern to compile (most replies)
    return _mention_pattern(handle).search(body) is not None


def mention_targets(text: str | None, mentions: Iterable[str] | None, kind: str = "original",
                    *, is_reply: bool | None = None) -> list[str]:
    """The handles a post's mention edges go to, under :data:`swchat.network.EDGE_RULES`.

    Parameters
    ----------
    text : str or None
        The post text as posted.
    mentions : list of str
        The canonical ``mentions`` column: every mentioned handle in order of appearance,
        leading reply mentions and a retweet's ``RT @x`` included.
    kind : str
        The post's ``kind``; a ``retweet`` has no mention targets.
    is_reply : bool, optional
        Whether the post replies (default: ``kind == "reply"``); only a reply's leading
        ``@handle`` run is left out.

    Returns
    -------
    list of str
        The handles as given in ``mentions`` (each once, case-insensitively).

    Examples
    --------
    >>> mention_targets("@ann @bob thanks, and hi @carl", ["ann", "bob", "carl"], "reply")
    ['carl']
    >>> mention_targets("@ann thanks! cc @ann", ["ann"], "reply")
    ['ann']
    >>> mention_targets("@ann welcome!", ["ann"], "original")
    ['ann']
    >>> mention_targets("RT @ann: hi @carl", ["ann", "carl"], "retweet")
    []
    """
    if kind == "retweet" or not mentions:
        return []
    if is_reply is None:
        is_reply = kind == "reply"
    leading, body = leading_mentions(text) if is_reply else ([], text or "")
    lead = set(leading) | {_local(h) for h in leading}
    folded: str | None = None  # the body folded for the quick look, once per post
    out: list[str] = []
    seen: set[str] = set()
    for handle in mentions:
        if not handle:
            continue
        handle = handle.lstrip("@＠")
        low = handle.lower()
        if low in seen:
            continue
        seen.add(low)
        if lead and (low in lead or _local(low) in lead):
            if folded is None:
                folded = _folded(body)
            if not _mentioned_in(low, body, folded):
                continue
        out.append(handle)
    return out
