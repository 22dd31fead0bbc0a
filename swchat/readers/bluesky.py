"""Bluesky post views (format ``bluesky``): ``app.bsky.feed.*`` XRPC responses and JSON lines.

Reads, detected from content:

- ``searchPosts``, ``getPosts`` and ``getQuotes``: ``{"posts": [post views]}`` (``getQuotes`` also
  names the quoted post's ``uri``; each quoting post says what it quotes by itself);
- ``getAuthorFeed``, ``getTimeline``, ``getFeed``, ``getListFeed``, ``getActorLikes``:
  ``{"feed": [{"post", "reply"?: {"root", "parent"}, "reason"?}]}``;
- ``getPostThread``: a nested ``thread`` (``parent`` up, ``replies`` down; every post of it is
  read as one of the export's own posts), and the flat ``thread`` list of ``getPostThreadV2``;
- JSON lines whose lines are post views, feed items, or whole responses of the kinds above.

Responses are streamed with :mod:`ijson` (``posts.item``, ``feed.item``); a thread is loaded
whole (it is one small document). Refused with a reason: profiles (``getProfile``,
``getProfiles``, ``searchActors``), followers and follows, likes and reposted-by lists, feed
generators, lists and starter packs.

Canonical mapping
-----------------
- ``post_id`` is the ``at://`` URI; ``url`` is ``https://bsky.app/profile/<handle>/post/<rkey>``
  (the DID in place of a handle that does not verify, ``handle.invalid``);
- ``author_id`` is the DID, ``author_handle`` the handle (``None`` for ``handle.invalid``,
  which many accounts share), ``author_name`` the ``displayName``;
- ``text`` is ``record.text``; ``created_at`` is ``record.createdAt`` — milli-, micro- or
  nanoseconds, ``Z`` or an offset, all read (:func:`~swchat.readers.common.iso_time`) — or,
  when a client wrote something that is not a time, the view's ``indexedAt``;
- ``reply_to_post_id`` = ``record.reply.parent.uri``, ``conversation_id`` =
  ``record.reply.root.uri`` (a root's own URI); ``reply_to_author_id`` is the DID in the
  parent's URI, ``reply_to_handle`` its handle when a view in the same response shows it;
- ``hashtags``, ``mentions`` and ``urls`` come from ``record.facets``, whose ``index`` are byte
  ranges over the UTF-8 text (an emoji before a facet moves it by four bytes, an ``é`` by two):
  ``#tag`` gives the tag as written, ``#mention`` the handle as written in the text (the
  slice, without ``@``; the DID when the slice is not a handle), ``#link`` the full ``uri``.
  ``record.tags`` (tags not in the text) are added; a record with no tag facet at all (an older
  or third-party client) has its ``#tags`` taken from the text, as the Bluesky app would detect
  them. A link card (``app.bsky.embed.external``) adds its address to ``urls``;
- a quote (``app.bsky.embed.record`` or ``recordWithMedia`` pointing at a post) sets
  ``quoted_post_id``; the quoted post of the view becomes a context post; a reply that quotes
  is a reply with ``is_quote``;
- a **repost** (a feed item whose ``reason`` is ``reasonRepost``) is a ``retweet`` by the
  reposter with the synthetic id ``<post uri>#repost-<reposter DID>`` (stable: an account
  reposts a post once, and views do not always carry the repost record's own URI, so the same
  repost gets the same id from every file), ``created_at`` = ``reason.indexedAt``, ``url`` =
  ``None``, text ``RT @handle: <text>`` as on X; the reposted post becomes a context post;
- the ``reply.parent`` and ``reply.root`` views of a feed item become context posts;
- counts: ``likeCount``, ``repostCount``, ``replyCount``, ``quoteCount``; ``lang`` is the first of
  ``record.langs``; ``source_app`` is ``record.via`` when a client sets it;
- every author view gives an account (``followers``/``following`` only from full profile
  views, ``None`` otherwise), a snapshot taken at the view's ``indexedAt``.

Examples
--------
>>> view = {"uri": "at://did:plc:ann/app.bsky.feed.post/3k1", "indexedAt": "2026-09-02T19:00:01Z",
...     "author": {"did": "did:plc:ann", "handle": "ann.bsky.social", "displayName": "Ann"},
...     "record": {"text": "\u2728 Q1 #SWChat", "createdAt": "2026-09-02T19:00:00.123456Z",
...                "langs": ["en"], "facets": [{"index": {"byteStart": 7, "byteEnd": 14},
...                "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": "SWChat"}]}]},
...     "likeCount": 2}
>>> row = post_row(view)
>>> row["created_at"], row["hashtags"], row["url"], row["conversation_id"] == row["post_id"]
('2026-09-02T19:00:00.123Z', ['SWChat'], 'https://bsky.app/profile/ann.bsky.social/post/3k1', True)
>>> src = Source.from_bytes(orjson.dumps({"posts": [view], "cursor": "1"}))
>>> sniff(src.head()), [type(i).__name__ for i in read(src)]
(True, ['Post', 'Account'])
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import Any

import orjson  # noqa: F401 - the examples above use it

from ..schema import POST_COLUMNS, new_account, validate_account
from .base import (
    Account,
    Head,
    Item,
    Note,
    Post,  # noqa: F401 - the examples use it
    Rejected,
    Source,
    by_line,
    json_lines,
    raw_json,
)
from .common import (
    BOM,
    RECORD_ERRORS,
    canonical_row,
    first_record,
    first_value,
    iso_time,
    json_records,
    lead_mention,
    plain_values,
    post_facts,
    post_item,
    reason,
    remembered_account,
    retweet_text,
    unique,
)
from .detect import Format, register

__all__ = [
    "FORMAT",
    "facet_entities",
    "feed_item_items",
    "post_row",
    "read",
    "read_lean",
    "repost_id",
    "sniff",
    "thread_items",
    "view_items",
]

_POST = "app.bsky.feed.post"
_TAG = "app.bsky.richtext.facet#tag"
_MENTION = "app.bsky.richtext.facet#mention"
_LINK = "app.bsky.richtext.facet#link"
_REPOST = "app.bsky.feed.defs#reasonRepost"
_INVALID = "handle.invalid"
_HANDLE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9.\-]*[A-Za-z0-9])?$")
_UNUSABLE_VIEWS = ("#notFoundPost", "#blockedPost", "#viewNotFound", "#viewBlocked", "#viewDetached")


# --------------------------------------------------------------------------- small parts


def _uri_parts(uri: Any) -> tuple[str, str, str] | None:
    """``(authority, collection, rkey)`` of an ``at://`` URI."""
    if not isinstance(uri, str) or not uri.startswith("at://"):
        return None
    parts = uri[5:].split("/")
    if len(parts) != 3 or not all(parts):
        return None
    return parts[0], parts[1], parts[2]


def _did_of(uri: Any) -> str | None:
    parts = _uri_parts(uri)
    return parts[0] if parts and parts[0].startswith("did:") else None


def _is_post_uri(uri: Any) -> bool:
    parts = _uri_parts(uri)
    return parts is not None and parts[1] == _POST


def _handle(author: dict[str, Any]) -> str | None:
    handle = author.get("handle")
    if not isinstance(handle, str) or not handle or handle == _INVALID:
        return None
    return handle


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _unusable(view: Any) -> bool:
    if not isinstance(view, dict):
        return True
    kind = view.get("$type")
    return (isinstance(kind, str) and kind.endswith(_UNUSABLE_VIEWS)) or view.get("notFound") is True \
        or view.get("blocked") is True


def repost_id(post_uri: str, reposter_did: str) -> str:
    """The synthetic id of a repost: ``<post uri>#repost-<reposter DID>``.

    Examples
    --------
    >>> repost_id("at://did:plc:ann/app.bsky.feed.post/3k1", "did:plc:bob")
    'at://did:plc:ann/app.bsky.feed.post/3k1#repost-did:plc:bob'
    """
    return f"{post_uri}#repost-{reposter_did}"


@functools.cache
def _text_tag() -> re.Pattern[str]:
    """A ``#tag`` in a text (compiled on first use: the CLI starts fast without it)."""
    return re.compile(r"(?:^|(?<=\s))[#＃]([^\s#＃\u00ad\u2060\u200a\u200b\u200c\u200d\u20e2]+)")


def _tags_from_text(text: str) -> list[str]:
    """``#tags`` of a text as the Bluesky app detects them (after a space or at the start; not
    only digits; trailing punctuation left out; at most 64 characters)."""
    import unicodedata  # here: the CLI starts fast without it

    out = []
    for match in _text_tag().finditer(text):
        tag = match.group(1)
        while tag and unicodedata.category(tag[-1]).startswith("P"):
            tag = tag[:-1]
        if tag and not tag.isdigit() and len(tag) <= 64 and not tag.startswith("\ufe0f"):
            out.append(tag)
    return out


def facet_entities(record: dict[str, Any], handles: dict[str, str] | None = None
                   ) -> tuple[list[str], list[str], list[str]]:
    """Hashtags, mentioned handles and links of a post record, from its facets.

    Facet ranges are byte offsets into the UTF-8 encoding of ``record.text``.

    Parameters
    ----------
    record : dict
        An ``app.bsky.feed.post`` record.
    handles : dict, optional
        Known handles by DID, for a mention whose text is not a handle.

    Returns
    -------
    (list of str, list of str, list of str)

    Examples
    --------
    >>> text = "café 🎉 @bob.example.com see example.org #Tag"
    >>> data = text.encode("utf-8")
    >>> def at(s):
    ...     start = data.index(s.encode("utf-8"))
    ...     return {"byteStart": start, "byteEnd": start + len(s.encode("utf-8"))}
    >>> record = {"text": text, "facets": [
    ...     {"index": at("@bob.example.com"), "features": [{"$type": "app.bsky.richtext.facet#mention",
    ...                                                     "did": "did:plc:bob"}]},
    ...     {"index": at("example.org"), "features": [{"$type": "app.bsky.richtext.facet#link",
    ...                                                "uri": "https://example.org/a"}]},
    ...     {"index": at("#Tag"), "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": "Tag"}]}]}
    >>> facet_entities(record)
    (['Tag'], ['bob.example.com'], ['https://example.org/a'])
    """
    text = record.get("text") if isinstance(record.get("text"), str) else ""
    data: bytes | None = None
    hashtags: list[str] = []
    mentions: list[str] = []
    links: list[str] = []
    tagged = False
    facets = record.get("facets")
    for facet in facets if isinstance(facets, list) else ():
        if not isinstance(facet, dict):
            continue
        features = facet.get("features")
        for feature in features if isinstance(features, list) else ():
            if not isinstance(feature, dict):
                continue
            kind = feature.get("$type")
            if kind == _TAG and isinstance(feature.get("tag"), str):
                tagged = True
                tag = feature["tag"].lstrip("#＃")
                if tag:
                    hashtags.append(tag)
            elif kind == _LINK and isinstance(feature.get("uri"), str) and feature["uri"]:
                links.append(feature["uri"])
            elif kind == _MENTION and isinstance(feature.get("did"), str):
                if data is None:
                    data = (text or "").encode("utf-8")
                found = facet.get("index")
                index: dict[str, Any] = found if isinstance(found, dict) else {}
                start, end = index.get("byteStart"), index.get("byteEnd")
                written = ""
                if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(data):
                    written = data[start:end].decode("utf-8", "ignore").strip().lstrip("@＠")
                if not _HANDLE.match(written) or "." not in written:
                    written = (handles or {}).get(feature["did"]) or feature["did"]
                mentions.append(written)
    if not tagged and text and ("#" in text or "＃" in text):
        hashtags.extend(_tags_from_text(text))
    extra = record.get("tags")
    if isinstance(extra, list):
        hashtags.extend(t.lstrip("#＃") for t in extra if isinstance(t, str))
    return unique(hashtags), unique(mentions), unique(links)


def _embedded_record_uri(embed: Any) -> str | None:
    """The URI a record embed points at (``app.bsky.embed.record`` / ``recordWithMedia``)."""
    if not isinstance(embed, dict):
        return None
    kind = embed.get("$type") or ""
    inner = embed.get("record")
    if kind.startswith("app.bsky.embed.recordWithMedia") and isinstance(inner, dict):
        inner = inner.get("record")
    if isinstance(inner, dict):
        uri = inner.get("uri")
        return uri if isinstance(uri, str) else None
    return None


def _external_uri(embed: Any) -> str | None:
    if not isinstance(embed, dict):
        return None
    kind = embed.get("$type") or ""
    if kind.startswith("app.bsky.embed.recordWithMedia"):
        return _external_uri(embed.get("media"))
    if kind.startswith("app.bsky.embed.external"):
        external = embed.get("external")
        if isinstance(external, dict) and isinstance(external.get("uri"), str):
            return external["uri"] or None
    return None


def _quoted_view(view: dict[str, Any]) -> dict[str, Any] | None:
    """The quoted post's view (a ``viewRecord``) embedded in a post view, if any."""
    embeds = [view.get("embed")]
    if isinstance(view.get("embeds"), list):  # a viewRecord calls them ``embeds``
        embeds.extend(view["embeds"])
    for embed in embeds:
        if not isinstance(embed, dict):
            continue
        kind = embed.get("$type") or ""
        inner = embed.get("record")
        if kind.startswith("app.bsky.embed.recordWithMedia") and isinstance(inner, dict):
            inner = inner.get("record")
        if isinstance(inner, dict) and not _unusable(inner) and _is_post_uri(inner.get("uri")) \
                and isinstance(inner.get("author"), dict):
            return inner
    return None


def _record(view: dict[str, Any]) -> dict[str, Any]:
    record = view.get("record")
    if not isinstance(record, dict):
        record = view.get("value")  # a viewRecord (an embedded post)
    if not isinstance(record, dict):
        raise ValueError(f"post {view.get('uri')} has no record")
    return record


def _created(record: dict[str, Any], view: dict[str, Any]) -> str:
    try:
        return iso_time(record.get("createdAt"), "createdAt")
    except ValueError:
        if view.get("indexedAt"):
            return iso_time(view.get("indexedAt"), "indexedAt")
        raise


# --------------------------------------------------------------------------- conversion


def post_row(view: dict[str, Any], handles: dict[str, str] | None = None) -> dict[str, Any]:
    """Convert one post view (``app.bsky.feed.defs#postView`` or an embedded ``viewRecord``)
    to a validated canonical post row.

    Parameters
    ----------
    view : dict
        The post view.
    handles : dict, optional
        Handles by DID known from the same response (for ``reply_to_handle`` and mentions).

    Raises
    ------
    ValueError, KeyError, TypeError, AttributeError
        The view cannot be used (no ``at://`` URI, no author DID, no time…).

    Examples
    --------
    >>> reply = {"uri": "at://did:plc:bob/app.bsky.feed.post/3k2",
    ...     "author": {"did": "did:plc:bob", "handle": "bob.example.com"},
    ...     "record": {"text": "A1", "createdAt": "2026-09-02T21:01:00+02:00",
    ...                "reply": {"root": {"uri": "at://did:plc:ann/app.bsky.feed.post/3k1"},
    ...                          "parent": {"uri": "at://did:plc:ann/app.bsky.feed.post/3k1"}}}}
    >>> row = post_row(reply, {"did:plc:ann": "ann.bsky.social"})
    >>> row["kind"], row["created_at"], row["reply_to_author_id"], row["reply_to_handle"]
    ('reply', '2026-09-02T19:01:00.000Z', 'did:plc:ann', 'ann.bsky.social')
    """
    return canonical_row(_post_values(view, handles))


def _post_values(view: dict[str, Any], handles: dict[str, str] | None) -> tuple[Any, ...]:
    """The values of :func:`post_row`'s row (the columns of ``schema.POST_COLUMNS``, in order),
    not yet validated: the one conversion both the canonical and the lean path use."""
    uri = view.get("uri")
    parts = _uri_parts(uri)
    if parts is None:
        raise ValueError(f"post has no at:// uri: {uri!r}")
    author = view.get("author")
    if not isinstance(author, dict) or not isinstance(author.get("did"), str) or not author["did"]:
        raise ValueError(f"post {uri} has no author did")
    record = _record(view)
    did = author["did"]
    handle = _handle(author)
    text = record.get("text") if isinstance(record.get("text"), str) else ""
    hashtags, mentions, urls = facet_entities(record, handles)
    external = _external_uri(record.get("embed"))
    if external:
        urls = unique([*urls, external])
    quoted = _embedded_record_uri(record.get("embed"))
    if not _is_post_uri(quoted):
        quoted_view = _quoted_view(view)
        quoted = quoted_view.get("uri") if quoted_view else None
    reply = record.get("reply") if isinstance(record.get("reply"), dict) else None
    parent = root = None
    if reply is not None:
        parent_ref, root_ref = reply.get("parent"), reply.get("root")
        parent = parent_ref.get("uri") if isinstance(parent_ref, dict) else None
        root = root_ref.get("uri") if isinstance(root_ref, dict) else None
    parent_did = _did_of(parent)
    kind = "reply" if parent else "quote" if quoted else "original"
    langs = record.get("langs")
    via = record.get("via")
    # the columns of schema.POST_COLUMNS, in order (tests/test_lean_ingest.py checks it)
    return (
        "bluesky",  # platform
        uri,  # post_id
        f"https://bsky.app/profile/{handle or did}/post/{parts[2]}",  # url
        _created(record, view),  # created_at
        did,  # author_id
        handle,  # author_handle
        author.get("displayName") or None,  # author_name
        text,
        kind,
        quoted is not None,  # is_quote
        parent,  # reply_to_post_id
        parent_did,  # reply_to_author_id
        (handles or {}).get(parent_did) if parent_did else None,  # reply_to_handle
        quoted,  # quoted_post_id
        None,  # retweeted_post_id
        (root or parent) if parent else uri,  # conversation_id
        hashtags,
        mentions,
        urls,
        langs[0] if isinstance(langs, list) and langs and isinstance(langs[0], str) else None,  # lang
        via if isinstance(via, str) and via else None,  # source_app
        _count(view.get("likeCount")),  # like_count
        _count(view.get("repostCount")),  # repost_count
        _count(view.get("replyCount")),  # reply_count
        _count(view.get("quoteCount")),  # quote_count
        None,  # collected_at
        False,  # is_context
        None,  # origin
    )


#: where :func:`_repost_values` finds what it takes from the reposted post's values
_AT = {column: i for i, column in enumerate(POST_COLUMNS)}
_POST_ID, _CREATED_AT, _AUTHOR_ID, _AUTHOR_HANDLE = (_AT[c] for c in ("post_id", "created_at", "author_id",
                                                                      "author_handle"))
_TEXT, _HASHTAGS, _MENTIONS, _URLS, _LANG = (_AT[c] for c in ("text", "hashtags", "mentions", "urls", "lang"))


def _validated(values: tuple[Any, ...]) -> tuple[Any, ...]:
    """A post's values as :func:`~swchat.schema.validate_post` leaves them (raises what it raises)."""
    return values if plain_values(values) else tuple(canonical_row(values).values())


def _repost_values(reason_: dict[str, Any], original: tuple[Any, ...]) -> tuple[Any, ...]:
    """The values of a repost's row (the columns of ``schema.POST_COLUMNS``, in order), not yet
    validated, from the reposted post's validated values (see :func:`_validated`)."""
    by = reason_.get("by")
    if not isinstance(by, dict) or not isinstance(by.get("did"), str) or not by["did"]:
        raise ValueError(f"repost of {original[_POST_ID]} has no reposter did")
    when = reason_.get("indexedAt")
    created = iso_time(when, "reason.indexedAt") if when else original[_CREATED_AT]
    post_id = repost_id(original[_POST_ID], by["did"])
    handle = original[_AUTHOR_HANDLE]
    # the columns of schema.POST_COLUMNS, in order (tests/test_lean_ingest.py checks it)
    return (
        "bluesky",  # platform
        post_id,
        None,  # url
        created,  # created_at
        by["did"],  # author_id
        _handle(by),  # author_handle
        by.get("displayName") or None,  # author_name
        retweet_text(handle or original[_AUTHOR_ID], original[_TEXT] or ""),  # text
        "retweet",  # kind
        False,  # is_quote
        None,  # reply_to_post_id
        None,  # reply_to_author_id
        None,  # reply_to_handle
        None,  # quoted_post_id
        original[_POST_ID],  # retweeted_post_id
        post_id,  # conversation_id
        list(original[_HASHTAGS]),  # hashtags
        lead_mention(handle, list(original[_MENTIONS])),  # mentions
        list(original[_URLS]),  # urls
        original[_LANG],  # lang
        None,  # source_app
        None,  # like_count
        None,  # repost_count
        None,  # reply_count
        None,  # quote_count
        None,  # collected_at
        False,  # is_context
        None,  # origin
    )


def _account_row(author: dict[str, Any], snapshot_at: str | None = None) -> dict[str, Any] | None:
    did = author.get("did")
    if not isinstance(did, str) or not did:
        return None
    try:
        created = iso_time(author.get("createdAt"))
    except ValueError:
        created = None
    return validate_account(new_account(
        platform="bluesky",
        account_id=did,
        handle=_handle(author),
        name=author.get("displayName") or None,
        description=author.get("description") or None,
        followers=_count(author.get("followersCount")),
        following=_count(author.get("followsCount")),
        location=None,
        created_at=created,
        snapshot_at=snapshot_at,
    ))


def _snapshot(view: dict[str, Any], fallback: str | None) -> str | None:
    try:
        return iso_time(view.get("indexedAt"))
    except ValueError:
        return fallback


def _learn_handles(value: Any, handles: dict[str, str], depth: int = 0) -> None:
    """Collect handles by DID from every author view (``did`` + ``handle``) inside ``value``."""
    if depth > 12:
        return
    if isinstance(value, dict):
        did, handle = value.get("did"), value.get("handle")
        if isinstance(did, str) and isinstance(handle, str) and handle != _INVALID:
            handles.setdefault(did, handle)
        for key, nested in value.items():
            if key in ("facets", "viewer", "labels") or not isinstance(nested, dict | list):
                continue
            if key in ("record", "value") and isinstance(nested, dict) and "createdAt" in nested:
                continue  # a post record: no author views inside
            _learn_handles(nested, handles, depth + 1)
    elif isinstance(value, list):
        for nested in value:
            if isinstance(nested, dict | list):
                _learn_handles(nested, handles, depth + 1)


class _Out:
    """Items being gathered for one unit (a post view, a feed item, a thread); with ``lean``, each
    post whose values need no change is a :class:`~swchat.readers.base.PostValues`; with
    ``known``, the account rows of the file's author views so far (see
    :func:`~swchat.readers.common.remembered_account`)."""

    def __init__(self, line: int, handles: dict[str, str], lean: bool = False,
                 known: dict[bytes, dict[str, Any] | None] | None = None) -> None:
        self.line = line
        self.handles = handles
        self.lean = lean
        self.known = known
        self.items: list[Item] = []
        self.posts: set[str] = set()
        self.accounts: set[str] = set()

    def account(self, author: Any, snapshot: str | None) -> None:
        if isinstance(author, dict):
            known = self.known
            row = _account_row(author, snapshot) if known is None else remembered_account(
                author, snapshot, known, _account_row)
            if row is not None and row["account_id"] not in self.accounts:
                self.accounts.add(row["account_id"])
                self.items.append(Account(row))

    def view(self, view: dict[str, Any], *, context: bool, raw: bytes | None = None,
             depth: int = 0, values: tuple[Any, ...] | None = None) -> None:
        """Add a post view (and, as context, the post it quotes); ``values``, when given, are its
        post's (from :func:`_post_values`, with the same handles)."""
        post = post_item(_post_values(view, self.handles) if values is None else values, None, self.line,
                         context, self.lean)
        post_id, created_at = post_facts(post)
        if post_id not in self.posts:
            self.posts.add(post_id)
            post.raw = raw if raw is not None else raw_json(view)
            self.items.append(post)
        snapshot = _snapshot(view, created_at)
        self.account(view.get("author"), snapshot)
        quoted = _quoted_view(view)
        if quoted is not None and depth < 3:
            self.context(quoted, f"the quoted post inside {post_id}", depth + 1)

    def context(self, view: Any, where: str, depth: int = 0) -> None:
        if _unusable(view) or not isinstance(view, dict):
            return
        try:
            self.view(view, context=True, depth=depth)
        except RECORD_ERRORS as exc:
            self.items.append(Note(self.line, f"{where} was left out: {reason(exc, 'post')}"))


def view_items(view: dict[str, Any], line: int, raw: bytes | None = None,
               handles: dict[str, str] | None = None, *, lean: bool = False,
               known: dict[bytes, dict[str, Any] | None] | None = None) -> list[Item]:
    """All the items of one post view: its post, the quoted post (context), the accounts.

    With ``lean``, each post whose values need no change is a
    :class:`~swchat.readers.base.PostValues` (the import's path, see :func:`read_lean`); with
    ``known`` (a file's memory of them), an author view met before is not converted again
    (:func:`~swchat.readers.common.remembered_account`).

    Raises
    ------
    ValueError, KeyError, TypeError, AttributeError
        The view itself cannot be used.
    """
    if handles is None:
        handles = {}
        _learn_handles(view, handles)
    out = _Out(line, handles, lean, known)
    out.view(view, context=False, raw=raw)
    return out.items


def feed_item_items(item: dict[str, Any], line: int, raw: bytes | None = None, *, lean: bool = False,
                    known: dict[bytes, dict[str, Any] | None] | None = None) -> list[Item]:
    """All the items of one feed item (``app.bsky.feed.defs#feedViewPost``).

    The post is the export's own, unless the item is a repost: then the repost is (a
    ``retweet``, see :func:`repost_id`) and the reposted post is a context post. The
    ``reply.parent`` and ``reply.root`` views are context posts. With ``lean``, each post whose
    values need no change is a :class:`~swchat.readers.base.PostValues` (see :func:`read_lean`);
    ``known`` as for :func:`view_items`.

    Raises
    ------
    ValueError, KeyError, TypeError, AttributeError
        The item's post cannot be used.

    Examples
    --------
    >>> post = {"uri": "at://did:plc:ann/app.bsky.feed.post/3k1",
    ...     "author": {"did": "did:plc:ann", "handle": "ann.bsky.social"},
    ...     "record": {"text": "Q1 #SWChat", "createdAt": "2026-09-02T19:00:00.000Z"}}
    >>> item = {"post": post, "reason": {"$type": "app.bsky.feed.defs#reasonRepost",
    ...     "by": {"did": "did:plc:bob", "handle": "bob.example.com"},
    ...     "indexedAt": "2026-09-02T19:05:00.000Z"}}
    >>> posts = [i for i in feed_item_items(item, 1) if isinstance(i, Post)]
    >>> [(p.row["kind"], p.row["author_handle"], p.row["text"], p.context) for p in posts]
    [('retweet', 'bob.example.com', 'RT @ann.bsky.social: Q1 #SWChat', False), ('original', 'ann.bsky.social', 'Q1 #SWChat', True)]
    """
    post = item.get("post")
    if not isinstance(post, dict):
        raise ValueError("feed item has no post")
    handles: dict[str, str] = {}
    _learn_handles(item, handles)
    out = _Out(line, handles, lean, known)
    reason_ = item.get("reason")
    raw = raw if raw is not None else raw_json(item)
    if isinstance(reason_, dict) and reason_.get("$type") == _REPOST:
        original = _validated(_post_values(post, handles))
        repost = post_item(_repost_values(reason_, original), raw, line, False, lean)
        repost_id_, created_at = post_facts(repost)
        out.items.append(repost)
        out.posts.add(repost_id_)
        out.account(reason_.get("by"), created_at)
        out.view(post, context=True, values=original)
    else:
        out.view(post, context=False, raw=raw)
    reply = item.get("reply")
    if isinstance(reply, dict):
        for key in ("parent", "root"):
            out.context(reply.get(key), f"the reply {key} of {post.get('uri')}")
        grand = reply.get("grandparentAuthor")
        if isinstance(grand, dict):
            out.account(grand, None)
    return out.items


def thread_items(thread: Any, line: int, *, lean: bool = False,
                 known: dict[bytes, dict[str, Any] | None] | None = None) -> list[Item]:
    """All the items of a ``getPostThread`` ``thread`` (nested) or ``getPostThreadV2`` list.

    Every post of the thread is one of the export's own posts; posts that are not found or
    blocked are skipped, and a post that cannot be read becomes a
    :class:`~swchat.readers.base.Rejected`. With ``lean``, each post whose values need no change
    is a :class:`~swchat.readers.base.PostValues` (see :func:`read_lean`); ``known`` as for
    :func:`view_items`.

    Examples
    --------
    >>> def view(rkey, text, parent=None):
    ...     record = {"text": text, "createdAt": "2026-09-02T19:00:00Z"}
    ...     if parent:
    ...         ref = {"uri": f"at://did:plc:ann/app.bsky.feed.post/{parent}"}
    ...         record["reply"] = {"root": ref, "parent": ref}
    ...     return {"uri": f"at://did:plc:ann/app.bsky.feed.post/{rkey}", "record": record,
    ...             "author": {"did": "did:plc:ann", "handle": "ann.bsky.social"}}
    >>> thread = {"post": view("b", "A1", "a"), "parent": {"post": view("a", "Q1")},
    ...           "replies": [{"post": view("c", "thanks", "b"), "replies": []}]}
    >>> [i.row["text"] for i in thread_items(thread, 1) if isinstance(i, Post)]
    ['Q1', 'A1', 'thanks']
    """
    handles: dict[str, str] = {}
    _learn_handles(thread, handles)
    out = _Out(line, handles, lean, known)
    nodes: list[dict[str, Any]] = []
    if isinstance(thread, list):  # getPostThreadV2: [{"uri", "depth", "value": {"post": …}}]
        for entry in thread:
            value = entry.get("value") if isinstance(entry, dict) else None
            if isinstance(value, dict):
                nodes.append(value)
    elif isinstance(thread, dict):
        ancestors: list[dict[str, Any]] = []
        node = thread.get("parent")
        while isinstance(node, dict) and len(ancestors) < 10_000:
            ancestors.append(node)
            node = node.get("parent")
        nodes.extend(reversed(ancestors))
        pending = [thread]
        while pending:
            node = pending.pop(0)
            nodes.append(node)
            replies = node.get("replies")
            pending.extend(r for r in (replies if isinstance(replies, list) else ()) if isinstance(r, dict))
    for node in nodes:
        post = node.get("post")
        if _unusable(node) or not isinstance(post, dict):
            continue
        try:
            out.view(post, context=False)
        except RECORD_ERRORS as exc:
            out.items.append(Rejected(line, reason(exc, "post"),
                                      raw_json(post).decode("utf-8", "replace")))
    return out.items


# --------------------------------------------------------------------------- sniffing


def _looks_view(obj: Any) -> bool:
    return (isinstance(obj, dict) and isinstance(obj.get("uri"), str) and obj["uri"].startswith("at://")
            and isinstance(obj.get("author"), dict) and isinstance(obj.get("record"), dict))


def _looks_feed_item(obj: Any) -> bool:
    return isinstance(obj, dict) and _looks_view(obj.get("post"))


def _refusal(obj: dict[str, Any]) -> str | None:
    """Say what a known non-post Bluesky payload is."""
    if isinstance(obj.get("did"), str) and "handle" in obj and "record" not in obj and "post" not in obj:
        return "holds a Bluesky profile (app.bsky.actor.getProfile), not posts"
    for key, what in (("followers", "followers (app.bsky.graph.getFollowers)"),
                      ("follows", "follows (app.bsky.graph.getFollows)"),
                      ("profiles", "profiles (app.bsky.actor.getProfiles)"),
                      ("actors", "accounts (app.bsky.actor.searchActors)"),
                      ("likes", "the accounts that liked a post (app.bsky.feed.getLikes)"),
                      ("repostedBy", "the accounts that reposted a post (app.bsky.feed.getRepostedBy)"),
                      ("feeds", "feed generators"),
                      ("lists", "lists (app.bsky.graph.getLists)"),
                      ("starterPacks", "starter packs")):
        if isinstance(obj.get(key), list):
            return f"holds Bluesky {what}, not posts"
    return None


def _verdict(record: Any, head: Head) -> bool | str | None:
    if isinstance(record, list):
        record = next((r for r in record if r is not None), None)
    if not isinstance(record, dict):
        return None
    if _looks_view(record) or _looks_feed_item(record):
        return True
    for key in ("posts", "feed"):
        if key in record:
            items = record[key]
            if isinstance(items, list):
                first = items[0] if items else None
            else:  # a large document: its first item from the head
                first = first_value(head, f"{key}.item")
            if first is None:
                return True if b"at://" in head.data or "cursor" in record else None
            return True if (_looks_view(first) if key == "posts" else _looks_feed_item(first)) else None
    thread = record.get("thread")
    if isinstance(thread, dict) and (str(thread.get("$type", "")).startswith("app.bsky.")
                                     or _looks_view(thread.get("post"))):
        return True
    if isinstance(thread, list) and thread and isinstance(thread[0], dict) \
            and str(thread[0].get("uri", "")).startswith("at://"):
        return True
    if thread is True and b'"app.bsky.feed.' in head.data:
        return True
    return _refusal(record)


def sniff(head: Head) -> bool | str | None:
    """Tell whether ``head`` is Bluesky posts (``True``), a known non-post Bluesky payload (a
    reason), or something else (``None``).

    Examples
    --------
    >>> sniff(Source.from_bytes(b'{"did": "did:plc:ann", "handle": "ann.bsky.social", "followersCount": 3}').head())
    'holds a Bluesky profile (app.bsky.actor.getProfile), not posts'
    >>> sniff(Source.from_bytes(b'{"feed": [], "cursor": "x"}').head())
    True
    """
    if head.first_char not in (b"{", b"["):
        return None
    if head.first_json is not None:
        return _verdict(head.first_json, head)
    return _verdict(first_record(head), head)


# --------------------------------------------------------------------------- reading


def _value_items(value: Any, number: int, raw: bytes | None, lean: bool = False,
                 known: dict[bytes, dict[str, Any] | None] | None = None) -> Iterator[Item]:
    """The items of one parsed value: a response, a feed item, a post view, or a list of them
    (``known``: the file's account rows so far, see :class:`_Out`)."""
    if isinstance(value, list):
        for nested in value:
            yield from _value_items(nested, number, None, lean, known)
        return
    if not isinstance(value, dict):
        yield Rejected(number, f"not a Bluesky post but a JSON {type(value).__name__}",
                       raw_json(value).decode("utf-8", "replace"))
        return
    try:
        if isinstance(value.get("posts"), list):
            for view in value["posts"]:
                yield from _value_items(view, number, None, lean, known)
        elif isinstance(value.get("feed"), list):
            for item in value["feed"]:
                yield from _value_items(item, number, None, lean, known)
        elif "thread" in value:
            yield from thread_items(value["thread"], number, lean=lean, known=known)
        elif "post" in value:
            yield from feed_item_items(value, number, raw, lean=lean, known=known)
        elif "uri" in value:
            yield from view_items(value, number, raw, lean=lean, known=known)
        else:
            refusal = _refusal(value)
            yield Rejected(number, refusal or "not a Bluesky post view: the object has no uri",
                           (raw or raw_json(value)).decode("utf-8", "replace"))
    except RECORD_ERRORS as exc:
        yield Rejected(number, reason(exc, "post"), (raw or raw_json(value)).decode("utf-8", "replace"))


def read(source: Source) -> Iterator[Item]:
    """Yield the posts, accounts, rejections and notes of a Bluesky input.

    ``line`` is the line number for JSON lines, else the record number (the n-th post view or
    feed item of a response, from 1; 1 for a thread).

    Examples
    --------
    >>> good = (b'{"uri": "at://did:plc:ann/app.bsky.feed.post/3k1", "author": {"did": "did:plc:ann",'
    ...         b' "handle": "ann.bsky.social"}, "record": {"text": "hi", "createdAt": "2026-09-02T19:00:00Z"}}')
    >>> items = list(read(Source.from_bytes(good + b'\\n{"uri": "at://x", "record": {}}\\n')))
    >>> [(type(i).__name__, getattr(i, "line", None)) for i in items]
    [('Post', 1), ('Account', None), ('Rejected', 2)]
    """
    return _read(source, lean=False)


def read_lean(source: Source) -> Iterator[Item]:
    """:func:`read`, with each post whose values need no change as a
    :class:`~swchat.readers.base.PostValues` instead of a :class:`~swchat.readers.base.Post`: the
    import's path (issue 14), storing exactly what :func:`read` gives.

    The same items in the same order, with the same raw records, lines and context flags, for
    every shape :func:`read` takes (responses, feed items, post views, threads, JSON lines);
    reposts and context posts included. A post whose values
    :func:`~swchat.schema.validate_post` would change or refuse (see
    :func:`~swchat.readers.common.plain_values`) is the canonical
    :class:`~swchat.readers.base.Post` (or rejection) :func:`read` gives.

    Examples
    --------
    >>> def view(rkey, name):
    ...     return {"uri": f"at://did:plc:ann/app.bsky.feed.post/{rkey}", "author": {"did": "did:plc:ann",
    ...             "handle": "ann.bsky.social", "displayName": name},
    ...             "record": {"text": "hi", "createdAt": "2026-09-02T19:00:00Z"}}
    >>> page = {"posts": [view("3k1", "Ann"), view("3k2", 7)]}  # the second name is no text
    >>> items = list(read_lean(Source.from_bytes(orjson.dumps(page))))
    >>> [type(i).__name__ for i in items]
    ['PostValues', 'Account', 'Rejected']
    >>> items[0].values[:2], items[2].reason
    (('bluesky', 'at://did:plc:ann/app.bsky.feed.post/3k1'), 'author_name is not text: int')
    """
    return _read(source, lean=True)


def _read(source: Source, *, lean: bool) -> Iterator[Item]:
    head = source.head()
    known: dict[bytes, dict[str, Any] | None] = {}  # an author view met before is not converted again
    if by_line(source, head):
        for lineno, parsed, raw in json_lines(source):
            if isinstance(parsed, Rejected):
                yield parsed
                continue
            yield from _value_items(parsed, lineno, raw if isinstance(parsed, dict) else None, lean, known)
        return
    data = head.data.lstrip(BOM + b" \t\r\n")
    record = first_record(head)
    if data[:1] == b"[":
        prefix = "item"
    elif isinstance(record, dict) and "posts" in record:
        prefix = "posts.item"
    elif isinstance(record, dict) and "feed" in record:
        prefix = "feed.item"
    else:
        prefix = ""
    for number, value in json_records(source, prefix):
        if isinstance(value, Rejected):
            yield value
        else:
            yield from _value_items(value, number, None, lean, known)


FORMAT = register(Format(
    name="bluesky",
    label="Bluesky app.bsky.feed JSON (searchPosts, getAuthorFeed, getTimeline, getPostThread, JSON lines)",
    sniff=sniff,
    read=read,
    platform="bluesky",
    lean=read_lean,
))
