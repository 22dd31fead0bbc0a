"""Mastodon statuses (format ``mastodon``): REST API JSON and the account archive's ``outbox.json``.

Reads, detected from content:

- a JSON **array of statuses** (``/api/v1/timelines/tag/:tag``, ``/timelines/public``,
  ``/accounts/:id/statuses``), pretty-printed or not, streamed with :mod:`ijson`;
- a **single status** (``/api/v1/statuses/:id``);
- a ``/context`` response ``{"ancestors": [...], "descendants": [...]}``;
- **JSON lines**, each line a status, a page (array) of statuses or a context response;
- the account archive's **outbox.json**: an ActivityStreams ``OrderedCollection`` whose
  ``orderedItems`` are ``Create`` (a ``Note``) and ``Announce`` (a boost) activities.

Refused with a reason: account lists and profiles, an instance description, notifications,
direct-message conversations, trending tags, ActivityPub actors (``actor.json``), the archive's
``likes.json``/``bookmarks.json`` (addresses only), and a recording of API requests keyed by
request (a test fixture) — none of them is a file of posts.

Canonical mapping
-----------------
- ``post_id`` is the status ``uri`` (the ActivityPub id: globally unique, the same whichever
  server the status was fetched from); the server-local ``id`` stays in the raw record only.
  A boost's ``uri`` is its ``Announce`` activity (``…/statuses/<id>/activity``), which is also
  what ``outbox.json`` calls it, so both sources give one row.
- ``author_id`` is the account's profile ``url`` (``https://host/@user``): globally unique,
  present in every API version, and — unlike the actor ``uri``, which only Mastodon ≥ 4.2 sends
  in account objects and never in ``mentions`` — also known for mentioned and replied-to
  accounts, so ``reply_to_author_id`` and mention targets meet the same ids. The ``uri`` is the
  fallback when there is no ``url``.
- ``author_handle`` is ``acct`` made global, ``user@host``: a local ``acct`` (no ``@``) takes the
  host of the account's ``url`` (a server whose web domain differs from its account domain gives
  its own users ``user@web-domain`` here; remote accounts keep the ``acct`` the server sent).
  ``mentions`` use the same form, so mention edges find the accounts that posted.
- ``text`` is ``content`` as plain text (:func:`content_text`): paragraphs become blank lines,
  ``<br>`` a newline, links their text (the full address: Mastodon hides parts of long links in
  ``invisible`` spans), entities unescaped; the ``RE: <link>`` paragraph Mastodon adds to quote
  posts for older clients is left out (``quoted_post_id`` holds the fact). A deleted status as
  ``DELETE /api/v1/statuses/:id`` returns it has no ``content`` but its plain ``text``, used as
  it is. The content warning (``spoiler_text``) is not part of ``text`` (it is in the raw record).
- ``kind``: a boost (``reblog`` not null) is a ``retweet`` whose text is
  ``RT @user@host: <the boosted status's text>``, as X retweets; the boosted status becomes a
  context post. A reply (``in_reply_to_id``) is a ``reply``; a Mastodon ≥ 4.5 quote post
  (``quote.quoted_status``, or a bare ``quoted_status_id``; also the Fedibird-style ``quote``
  status) is a ``quote`` (a reply that quotes is a reply with ``is_quote``), the quoted status a
  context post; else ``original``.
- ``hashtags`` are the hashtag links of the content, spelled as written there (``tags[].name`` is
  the server's spelling of the tag, not the author's), then any ``tags[].name`` the content lacks;
  ``mentions`` are ``mentions[].acct`` made global, in the order of the text; ``urls`` are the
  other links of the content (their ``href``).
- ``lang`` is ``language``; ``source_app`` is ``application.name`` (only the author's own server
  knows it); ``like_count`` = ``favourites_count``, ``repost_count`` = ``reblogs_count``,
  ``reply_count`` = ``replies_count``, ``quote_count`` = ``quotes_count`` (Mastodon ≥ 4.5);
  ``collected_at`` is unknown (``None``).
- **Direct messages** (``visibility`` ``direct`` or ``limited``; in an outbox, addressed to
  neither the public nor the followers) are left out, with one note saying how many: private
  conversations do not belong in a chat archive.

Reply parents
-------------
The API names a parent by its *local* id (``in_reply_to_id``) on the server that served the
file, but ``reply_to_post_id`` must be the parent's URI. The reader reads an array or JSON-lines
input twice — first to learn every status's local id, URI and account (a map that grows by about
two hundred bytes a status, never the statuses themselves), then to convert — and resolves the
parent, in this order:

1. a status of the same file with that local id (a ``/context`` response holds the whole
   thread): its ``uri``;
2. a parent whose author is *local* to the serving server (the ``in_reply_to_account_id`` is
   the replier, a ``mentions`` entry, or an account met in the file): Mastodon gives a local
   status the URI ``<actor URI>/statuses/<local id>``, so the URI is rebuilt exactly — the actor
   URI from the account's ``uri``, from one of its statuses in the file, or else
   ``https://<host>/users/<username>``. This is done only when the file shows that the server
   follows Mastodon's scheme (a local status whose URI ends ``/statuses/<its id>``, or a local
   profile URL ``https://host/@user``); that is what joins the replies of a ``/context`` file to
   their root fetched in another file;
3. otherwise the placeholder ``https://<server>/api/v1/statuses/<local id>``: never a real
   status URI, the same for every reply to that parent in files from that server, and the
   address that fetches the missing parent (``swchat.threads.missing_parents`` lists them).
   ``<server>`` is the host of the file's local accounts, else of its ``tags[].url`` (tag
   links point at the serving server), else — a guess — of the replying status's ``uri``.

``reply_to_author_id`` and ``reply_to_handle`` come the same way from
``in_reply_to_account_id``. ``conversation_id`` is the thread's root: the first ancestor of a
``/context`` response (or, when it has none, the status it was fetched for), a root reached
within the file, a non-reply's own URI; otherwise ``None`` and the thread analysis derives it.

A big JSON-lines file (16 MB or more) is read in stretches by the archive's two worker processes
(``swchat.archive._stretches``): each process learns the whole file once, then converts the
stretches it takes, so every stretch resolves parents as one reading of the file would. The note
that counts the direct messages left out comes with the last stretch (the count is the whole
file's), and a recording that deletes statuses is read in one piece (the deleted statuses are
counted as they are met). The archive's tables are the same either way (tests compare them).

In an ``outbox.json`` every address is already global: ``inReplyTo`` is the parent's URI;
handles come from ``url`` (``https://host/@user/<id>``) or the actor (``https://host/users/user``);
a boost names only the boosted status's URI (its text is not in the archive).

Examples
--------
>>> status = {"id": "2", "uri": "https://a.example/users/ann/statuses/2",
...     "url": "https://a.example/@ann/2", "created_at": "2026-09-02T19:00:00.000Z",
...     "content": "<p>Q1: hello <a href='https://a.example/tags/SWChat' class='mention hashtag'"
...                " rel='tag'>#<span>SWChat</span></a></p><p>fish &amp; chips</p>",
...     "account": {"id": "9", "acct": "ann", "url": "https://a.example/@ann", "display_name": "Ann"},
...     "tags": [{"name": "swchat"}], "favourites_count": 3}
>>> row = status_post(status)
>>> row["post_id"], row["author_id"], row["author_handle"], row["hashtags"], row["like_count"]
('https://a.example/users/ann/statuses/2', 'https://a.example/@ann', 'ann@a.example', ['SWChat'], 3)
>>> print(row["text"])
Q1: hello #SWChat
<BLANKLINE>
fish & chips
>>> src = Source.from_bytes(orjson.dumps([status]))
>>> sniff(src.head()), [type(i).__name__ for i in read(src)]
(True, ['Post', 'Account'])
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import orjson  # noqa: F401 - the examples above use it

from ..errors import DamagedInputError
from ..schema import (
    new_account,
    new_post,
    validate_account,
    validate_post,
)
from .base import (
    Account,
    Head,
    Item,
    Note,
    Post,
    Rejected,
    Source,
    StretchMisfit,
    by_line,
    json_lines,
    newlines,
    raw_json,
)
from .common import (
    BOM,
    RECORD_ERRORS,
    canonical_row,
    first_record,
    first_value,
    host_of,
    iso_time,
    json_records,
    lead_mention,
    post_facts,
    post_item,
    reason,
    remembered_account,
    retweet_text,
    unique,
)
from .detect import Format, register

if TYPE_CHECKING:  # pragma: no cover
    from html.parser import HTMLParser

# html, html.parser and ijson are imported where they are needed: every ingest imports this module
# (for detection), and the CLI starts fast without them (see tests/test_startup_imports.py)

__all__ = [
    "FORMAT",
    "Content",
    "content_text",
    "global_handle",
    "learn_stretches",
    "parse_content",
    "read",
    "read_lean",
    "sniff",
    "status_items",
    "status_post",
]

_PROFILE_URL = re.compile(r"^https?://[^/]+/@[^/@]+/?$")
_PUBLIC = ("https://www.w3.org/ns/activitystreams#Public", "as:Public", "Public")
_PRIVATE_VISIBILITY = ("direct", "limited")
_NOTE_TYPES = ("Note", "Question", "Article", "Page")


# --------------------------------------------------------------------------- HTML content


@dataclass
class Content:
    """What :func:`parse_content` finds in a status's HTML ``content``.

    Attributes
    ----------
    text : str
        The plain text.
    hashtags : list of str
        The text of each hashtag link, without ``#``, in order (each spelling once).
    mentions : list of str
        The ``href`` of each mention link, in order.
    links : list of str
        The ``href`` of every other link, in order, each once.
    """

    text: str
    hashtags: list[str] = field(default_factory=list)
    mentions: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)


_BLOCKS = frozenset(("p", "div", "blockquote", "pre", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6",
                     "table", "tr", "hr", "figure", "section", "article", "header", "footer"))
_SKIP = frozenset(("script", "style", "template"))


class _ContentParser:
    """Turn Mastodon's status HTML into paragraphs of text, collecting its links.

    It takes the events of :class:`html.parser.HTMLParser` (``handle_starttag`` …): from
    :func:`_fed_plainly`, or from an HTMLParser that :meth:`feed` makes on first use. Only the
    attributes of ``a`` (``href``, ``class``, ``rel``) and ``p`` (``class``) are read.
    """

    __slots__ = ("_html", "anchor", "hashtags", "links", "mention_urls", "mentions", "paragraphs", "parts",
                 "pre", "skip", "skip_p")

    def __init__(self, mention_urls: frozenset[str]) -> None:
        self._html: HTMLParser | None = None
        self.mention_urls = mention_urls
        self.paragraphs: list[str] = []
        self.parts: list[str] = []
        #: the open link: its href, classes, rel values and where its text starts in ``parts``
        self.anchor: tuple[str, list[str], list[str], int] | None = None
        self.skip_p = False     # inside a quote-inline paragraph
        self.skip = 0           # inside <script>/<style>
        self.pre = 0
        self.hashtags: list[str] = []
        self.mentions: list[str] = []
        self.links: list[str] = []

    def _flush(self) -> None:
        parts = self.parts
        if not parts:
            return
        text = parts[0] if len(parts) == 1 else "".join(parts)
        if "\n" in text:
            text = "\n".join([line.strip(" \t") for line in text.split("\n")]).strip("\n")
        else:
            text = text.strip(" \t")
        if text.strip():
            self.paragraphs.append(text)
        self.parts = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skip += 1
            return
        if tag == "p" and attrs and "quote-inline" in {k: v or "" for k, v in attrs}.get("class", "").split():
            self._flush()
            self.skip_p = True
            return
        if self.skip_p or self.skip:
            return
        if tag in _BLOCKS:
            self._flush()
            if tag == "pre":
                self.pre += 1
        elif tag == "li":
            if self.parts and not "".join(self.parts).endswith("\n"):
                self.parts.append("\n")
        elif tag == "br":
            self.parts.append("\n")
        elif tag == "a":
            if attrs:
                attributes = {k: v or "" for k, v in attrs}
                self.anchor = (attributes.get("href", ""), attributes.get("class", "").split(),
                               attributes.get("rel", "").split(), len(self.parts))
            else:
                self.anchor = ("", [], [], len(self.parts))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag == "a":
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
            return
        if self.skip_p:
            if tag == "p":
                self.skip_p = False
            return
        if self.skip:
            return
        if tag in _BLOCKS:
            if tag == "pre":
                self.pre = max(0, self.pre - 1)
            self._flush()
        elif tag == "a" and self.anchor is not None:
            (href, classes, rel, start), self.anchor = self.anchor, None
            text = "".join(self.parts[start:]).strip()
            if "hashtag" in classes or "tag" in rel or (text[:1] in "#＃" and "/tags/" in href):
                tag_text = text.lstrip("#＃").strip()
                if tag_text:
                    self.hashtags.append(tag_text)
            elif "mention" in classes or "u-url" in classes or href in self.mention_urls:
                if href:
                    self.mentions.append(href)
            elif href.startswith(("http://", "https://")):
                self.links.append(href)

    def handle_data(self, data: str) -> None:
        if self.skip_p or self.skip:
            return
        if not self.pre:
            data = data.replace("\r\n", " ").replace("\n", " ")
        self.parts.append(data)

    def feed(self, html: str) -> None:
        """Read ``html`` with :class:`html.parser.HTMLParser`, which gives this parser its events."""
        if self._html is None:
            self._html = _events_parser()(self)
        self._html.feed(html)

    def close(self) -> None:
        """Read what :meth:`feed` left buffered (as :meth:`html.parser.HTMLParser.close`)."""
        if self._html is not None:
            self._html.close()

    def result(self) -> Content:
        self._flush()
        hashtags, links = self.hashtags, self.links
        return Content("\n\n".join(self.paragraphs), unique(hashtags) if len(hashtags) > 1 else hashtags,
                       self.mentions, unique(links) if len(links) > 1 else links)


#: the start tags :class:`_ContentParser` does something with, and the end tags (any other tag is an
#: event it ignores, which :func:`_fed_plainly` does not give it)
_START_EVENTS = _SKIP | _BLOCKS | {"li", "br", "a"}
_END_EVENTS = _SKIP | _BLOCKS | {"a"}


@functools.cache
def _events_parser() -> Callable[[_ContentParser], HTMLParser]:
    """An :class:`html.parser.HTMLParser` (entities converted) that hands its events to a
    :class:`_ContentParser`. Made on first use: few statuses need it (see :func:`_fed_plainly`)."""
    from html.parser import HTMLParser

    class Events(HTMLParser):
        def __init__(self, into: _ContentParser) -> None:
            super().__init__(convert_charrefs=True)
            self.into = into

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.into.handle_starttag(tag, attrs)

        def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.into.handle_startendtag(tag, attrs)

        def handle_endtag(self, tag: str) -> None:
            self.into.handle_endtag(tag)

        def handle_data(self, data: str) -> None:
            self.into.handle_data(data)

    return Events


def parse_content(html: str | None, mention_urls: frozenset[str] = frozenset()) -> Content:
    """Parse a status's HTML ``content``: its plain text, hashtags, mentions and links.

    Parameters
    ----------
    html : str or None
        The ``content`` of a status (or an account's ``note``).
    mention_urls : frozenset of str
        Profile URLs of the status's ``mentions``, to recognise mention links that lack the
        ``mention`` class (some servers send none).

    Returns
    -------
    Content

    Examples
    --------
    >>> c = parse_content('<p><span class="h-card"><a href="https://b.example/@bob" '
    ...     'class="u-url mention">@<span>bob</span></a></span> see <a href="https://x.org/a/b">'
    ...     '<span class="invisible">https://</span><span class="ellipsis">x.org/a</span>'
    ...     '<span class="invisible">/b</span></a><br>ok</p>')
    >>> c.text, c.mentions, c.links
    ('@bob see https://x.org/a/b\\nok', ['https://b.example/@bob'], ['https://x.org/a/b'])
    """
    if not html:
        return Content("")
    if "<" not in html and "&" not in html:
        return Content(html.strip())
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<") == 2:
        # one paragraph of text (an account's note, a status without links): as the events would
        # read it (see _ContentParser.handle_data and _flush)
        text = html[3:-4]
        if "&" in text:
            text = _unescaped(text)
        text = text.replace("\r\n", " ").replace("\n", " ").strip(" \t")
        return Content(text if text.strip() else "")
    parser = _ContentParser(mention_urls)
    if not _fed_plainly(parser, html):
        parser.feed(html)
        parser.close()
    return parser.result()


@functools.cache
def _plain_forms() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """A start or end tag as Mastodon writes them: a plain name, attributes with quoted values or
    none, separated by ASCII whitespace (what :func:`_fed_plainly` reads itself); and one of its
    attributes. Compiled on first use: every import loads this module, and the CLI starts fast
    without compiling them."""
    tag = re.compile(r"""<(/?)([a-zA-Z][a-zA-Z0-9]*)((?:[ \t\n\r\f]+[a-zA-Z_:][-a-zA-Z0-9_:.]*"""
                     r"""(?:[ \t\n\r\f]*=[ \t\n\r\f]*(?:"[^"]*"|'[^']*'))?)*)[ \t\n\r\f]*(/?)>""")
    attribute = re.compile(r"""[ \t\n\r\f]+([a-zA-Z_:][-a-zA-Z0-9_:.]*)"""
                           r"""(?:[ \t\n\r\f]*=[ \t\n\r\f]*(?:"([^"]*)"|'([^']*)'))?""")
    return tag, attribute


def _fed_plainly(parser: _ContentParser, html: str) -> bool:
    """Give ``parser`` the events of ``html`` as :class:`html.parser.HTMLParser` would (tags and
    attribute names lower-cased, values and text unescaped), when every ``<`` in it opens a
    plain tag (:func:`_plain_forms`) — a status's HTML nearly always does — at a fraction of the
    cost. Anything else (a comment, a ``<script>``, an unquoted value, a lone ``<``) is left to
    HTMLParser: ``False`` then, and nothing was given. A test checks both give the same on
    every status at hand and on generated HTML.

    Only what ``parser`` uses is given: no event for a tag it ignores (a ``span``, see
    :data:`_START_EVENTS`), and the attributes of ``a`` and ``p`` only (other tags get none).
    """
    split, attributes_in = _plain or _plain_tools()
    pieces = split(html)  # text, then each tag's (closing, name, attributes, lone) and the text after it
    if html.count("<") * 5 + 1 != len(pieces) or _RAW_TEXT.search(html):
        return False
    it = iter(pieces)
    for data, closing, name, attributes, lone in zip(it, it, it, it, it, strict=False):  # (the last text: below)
        if data:
            parser.handle_data(_unescaped(data) if "&" in data else data)
        tag = name.lower()
        if closing:
            if tag in _END_EVENTS:
                parser.handle_endtag(tag)  # (attributes or a "/" there: HTMLParser ignores them too)
        elif tag in _START_EVENTS:
            found = ([(m[1].lower(), _attribute_value(m)) for m in attributes_in(attributes)]
                     if attributes and (tag == "a" or tag == "p") else [])
            if lone:
                parser.handle_startendtag(tag, found)
            else:
                parser.handle_starttag(tag, found)
    data = pieces[-1]
    if data:
        parser.handle_data(_unescaped(data) if "&" in data else data)
    return True


#: :func:`_plain_forms`' tag splitter and attribute finder, once made (see :func:`_plain_tools`)
_plain: tuple[Callable[[str], list[Any]], Callable[[str], Iterator[re.Match[str]]]] | None = None


def _plain_tools() -> tuple[Callable[[str], list[Any]], Callable[[str], Iterator[re.Match[str]]]]:
    """What :func:`_fed_plainly` uses of :func:`_plain_forms`, kept in :data:`_plain`."""
    global _plain
    tag, attribute = _plain_forms()
    _plain = tag.split, attribute.finditer
    return _plain


def _attribute_value(match: re.Match[str]) -> str | None:
    """A plain attribute's value (see :func:`_plain_forms`), unescaped (``None`` for an attribute
    without one)."""
    value = match[2] if match[2] is not None else match[3]
    if value is None or "&" not in value:
        return value
    return _unescaped(value)


#: :func:`html.unescape`, once imported (see :func:`_unescaped`)
_unescape: Callable[[str], str] | None = None


def _unescaped(text: str) -> str:
    """``text`` with its character references converted (:func:`html.unescape`, imported on first
    use: a text without ``&`` needs no call)."""
    global _unescape
    if _unescape is None:
        from html import unescape

        _unescape = unescape
    return _unescape(text)


#: elements whose content HTMLParser reads as raw text: left to it
_RAW_TEXT = re.compile("<(?:script|style)", re.IGNORECASE)


def content_text(html: str | None) -> str:
    """The plain text of Mastodon HTML: paragraphs → blank line, ``<br>`` → newline, links →
    their text, entities unescaped.

    Examples
    --------
    >>> content_text("<p>caf&eacute; &lt;3</p><p>line<br />two</p>")
    'café <3\\n\\nline\\ntwo'
    """
    return parse_content(html).text


# --------------------------------------------------------------------------- accounts


def global_handle(acct: Any, url: Any) -> str | None:
    """``acct`` as a global handle ``user@host`` (a local ``acct`` takes the host of ``url``).

    Examples
    --------
    >>> global_handle("ann", "https://a.example/@ann"), global_handle("bob@b.example", None)
    ('ann@a.example', 'bob@b.example')
    """
    if not isinstance(acct, str) or not acct.strip("@"):
        return None
    acct = acct.strip().lstrip("@")
    if "@" in acct:
        return acct
    host = host_of(url)
    return f"{acct}@{host}" if host else acct


def _is_local(acct: Any) -> bool:
    return isinstance(acct, str) and "@" not in acct.strip().lstrip("@")


def _account_id(account: dict[str, Any]) -> str:
    """The canonical id of an account object: its profile ``url``, else ``uri``, else handle."""
    for key in ("url", "uri"):
        value = account.get(key)
        if isinstance(value, str) and value:
            return value
    handle = global_handle(account.get("acct") or account.get("username"), None)
    if handle:
        return f"acct:{handle}"
    raise ValueError("the status's account has no url, uri or acct")


def _account_row(account: dict[str, Any], snapshot_at: str | None,
                 known: dict[bytes, dict[str, Any] | None] | None = None) -> dict[str, Any] | None:
    """The account row of an account object as of ``snapshot_at`` (``None`` when it has no id).

    A file repeats each author's account object with every status: with ``known`` (a file's
    :attr:`_Index.account_rows`), an object met before, byte for byte, is not converted again
    (its profile note is HTML to parse); only ``snapshot_at`` differs.
    """
    if known is None:
        return _new_account_row(account, snapshot_at)
    return remembered_account(account, snapshot_at, known, _new_account_row)


def _new_account_row(account: dict[str, Any], snapshot_at: str | None = None) -> dict[str, Any] | None:
    try:
        account_id = _account_id(account)
    except ValueError:
        return None
    try:
        created = iso_time(account.get("created_at"))
    except ValueError:
        created = None
    url = account.get("url") or account.get("uri")
    return validate_account(new_account(
        platform="mastodon",
        account_id=account_id,
        handle=global_handle(account.get("acct") or account.get("username"), url),
        name=account.get("display_name") or None,
        description=content_text(account.get("note")) or None,
        followers=_count(account.get("followers_count")),
        following=_count(account.get("following_count")),
        location=None,
        created_at=created,
        snapshot_at=snapshot_at,
    ))


def _count(value: Any) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError):
        return None


def _str(value: Any) -> str | None:
    """An id as text (``None`` when absent)."""
    if value is None or value == "" or isinstance(value, bool | dict | list):
        return None
    return str(value)


# --------------------------------------------------------------------------- the file index


@dataclass
class _Author:
    """What a file tells about one account, by its server-local id."""

    account_id: str
    handle: str | None
    username: str | None
    local: bool
    url: str | None
    actor: str | None = None


@dataclass
class _Index:
    """Local ids → URIs and accounts, learnt from a whole file before converting it."""

    uri: dict[str, str] = field(default_factory=dict)
    parent: dict[str, str | None] = field(default_factory=dict)
    authors: dict[str, _Author] = field(default_factory=dict)
    server: str | None = None
    tag_server: str | None = None
    mastodon_scheme: bool = False
    numeric_actors: bool = False
    docs: dict[Any, tuple[str, Any]] = field(default_factory=dict)
    deleted: set[str] = field(default_factory=set)
    #: direct messages met (left out, see :func:`_is_direct`)
    private: int = 0
    #: account rows by the account object's JSON, as converted (see :func:`_account_row`)
    account_rows: dict[bytes, dict[str, Any] | None] = field(default_factory=dict)
    #: an account's actor met before the account could be learnt (it had no url, uri nor acct
    #: then), by the account's local id: what :func:`_merged` needs to add stretches up exactly
    early_actors: dict[str, str] = field(default_factory=dict)

    def learn(self, status: dict[str, Any]) -> None:
        """Take in one status and the statuses nested in it."""
        pending: list[Any] = [status]
        while pending:
            current = pending.pop()
            if not isinstance(current, dict):
                continue
            sid, uri = _str(current.get("id")), current.get("uri")
            account = current.get("account")
            if sid and isinstance(uri, str) and uri:
                self.uri[sid] = uri
                self.parent[sid] = _str(current.get("in_reply_to_id"))
            if isinstance(account, dict):
                self._learn_account(account, sid, uri)
            if self.tag_server is None:
                for tag in current.get("tags") or ():
                    if isinstance(tag, dict) and host_of(tag.get("url")):
                        self.tag_server = host_of(tag.get("url"))
                        break
            for mention in current.get("mentions") or ():
                if isinstance(mention, dict) and _is_local(mention.get("acct")):
                    self._local_url(mention.get("url"))
            pending.append(current.get("reblog"))
            pending.append(_quoted_status(current))

    def _learn_account(self, account: dict[str, Any], sid: str | None, uri: Any) -> None:
        aid = _str(account.get("id"))
        url = account.get("url")
        local = _is_local(account.get("acct"))
        if local:
            self._local_url(url)
        actor = account.get("uri") if isinstance(account.get("uri"), str) else None
        if local and sid and isinstance(uri, str) and uri.endswith(f"/statuses/{sid}"):
            actor = actor or uri[: -len(f"/statuses/{sid}")]
            self.mastodon_scheme = True
        if local and actor and "/ap/users/" in actor:
            self.numeric_actors = True
        if not aid:
            return
        known = self.authors.get(aid)
        if known is not None:
            if actor and not known.actor:
                known.actor = actor
            return
        try:
            account_id = _account_id(account)
        except ValueError:
            if actor and aid not in self.early_actors:
                self.early_actors[aid] = actor
            return
        self.authors[aid] = _Author(account_id, global_handle(account.get("acct"), url),
                                    account.get("username"), local, url, actor)

    def _local_url(self, url: Any) -> None:
        """Learn from the profile URL of a local account: the server, and whether it is Mastodon's
        ``https://host/@user`` (which goes with status URIs ``<actor>/statuses/<id>``)."""
        if self.server is None:
            self.server = host_of(url)
        if not self.mastodon_scheme and isinstance(url, str) and _PROFILE_URL.match(url):
            self.mastodon_scheme = True

    def host(self, status: dict[str, Any]) -> str:
        """The serving server, for placeholders."""
        return self.server or self.tag_server or host_of(status.get("uri")) or "unknown.invalid"


def _quoted_status(status: dict[str, Any]) -> dict[str, Any] | None:
    """The quoted status object of a quote post, when the status carries it."""
    quote = status.get("quote")
    if not isinstance(quote, dict):
        return None
    nested = quote.get("quoted_status")
    if isinstance(nested, dict):
        return nested
    if "uri" in quote and isinstance(quote.get("account"), dict):
        return quote  # Fedibird / older forks: the quoted status itself
    return None


# --------------------------------------------------------------------------- conversion


def _author_of(status: dict[str, Any], aid: str | None, index: _Index) -> _Author | None:
    """The account with server-local id ``aid`` as the status and the file know it."""
    if not aid:
        return None
    account = status.get("account")
    if isinstance(account, dict) and _str(account.get("id")) == aid:
        return index.authors.get(aid) or _Author(
            _account_id(account), global_handle(account.get("acct"), account.get("url")),
            account.get("username"), _is_local(account.get("acct")), account.get("url"),
            account.get("uri") if isinstance(account.get("uri"), str) else None)
    known = index.authors.get(aid)
    if known is not None:
        return known
    for mention in status.get("mentions") or ():
        if isinstance(mention, dict) and _str(mention.get("id")) == aid:
            url = mention.get("url")
            handle = global_handle(mention.get("acct") or mention.get("username"), url)
            if not (url or handle):
                return None
            return _Author(url or f"acct:{handle}", handle, mention.get("username"),
                           _is_local(mention.get("acct")), url)
    return None


def _status_uri(local_id: str, author: _Author | None, status: dict[str, Any], index: _Index) -> str:
    """The URI of the status with server-local id ``local_id`` (see "Reply parents")."""
    known = index.uri.get(local_id)
    if known:
        return known
    if author is not None and author.local and index.mastodon_scheme:
        actor = author.actor
        host = host_of(author.url)
        if not actor and host and author.username and not index.numeric_actors:
            scheme = "http" if str(author.url).startswith("http://") else "https"
            actor = f"{scheme}://{host}/users/{author.username}"
        if actor:
            return f"{actor}/statuses/{local_id}"
    return f"https://{index.host(status)}/api/v1/statuses/{local_id}"


def _root(status: dict[str, Any], index: _Index) -> str | None:
    """The root of the status's thread as far as the file shows it."""
    current = _str(status.get("id"))
    seen: set[str] = set()
    while current is not None and current not in seen:
        if current not in index.parent:
            return None
        seen.add(current)
        parent = index.parent[current]
        if parent is None:
            return index.uri.get(current)
        current = parent
    return None


def _mentions(status: dict[str, Any], content: Content) -> list[str]:
    """Global handles of the status's mentions, in the order of the text."""
    by_url: dict[str, str] = {}
    rest: list[str] = []
    for mention in status.get("mentions") or ():
        if not isinstance(mention, dict):
            continue
        handle = global_handle(mention.get("acct") or mention.get("username"), mention.get("url"))
        if not handle:
            continue
        url = mention.get("url")
        if isinstance(url, str) and url:
            by_url.setdefault(url, handle)
        rest.append(handle)
    ordered = [by_url[href] for href in content.mentions if href in by_url]
    return unique([*ordered, *rest])


def _hashtags(status: dict[str, Any], content: Content) -> list[str]:
    written = {tag.casefold() for tag in content.hashtags}
    extra = []
    for tag in status.get("tags") or ():
        name = tag.get("name") if isinstance(tag, dict) else None
        if isinstance(name, str) and name and name.casefold() not in written:
            written.add(name.casefold())
            extra.append(name)
    return [*content.hashtags, *extra]


def _parse(status: dict[str, Any]) -> Content:
    html = status.get("content")
    if html is None and isinstance(status.get("text"), str):  # a DELETE response: plain source text
        return Content(status["text"].strip())
    urls = frozenset(str(m["url"]) for m in status.get("mentions") or ()
                     if isinstance(m, dict) and isinstance(m.get("url"), str))
    return parse_content(html if isinstance(html, str) else None, urls)


def _basic(status: dict[str, Any]) -> tuple[str, str, dict[str, Any], str]:
    uri = status.get("uri")
    if not isinstance(uri, str) or not uri:
        raise ValueError("status has no uri")
    account = status.get("account")
    if not isinstance(account, dict):
        raise ValueError(f"status {uri} has no account")
    return uri, iso_time(status.get("created_at")), account, _account_id(account)


def _quote_id(status: dict[str, Any], index: _Index) -> str | None:
    quote = status.get("quote")
    if not isinstance(quote, dict):
        return None
    nested = _quoted_status(status)
    if nested is not None:
        uri = nested.get("uri")
        return uri if isinstance(uri, str) and uri else None
    local = _str(quote.get("quoted_status_id"))
    if local:
        return _status_uri(local, None, status, index)
    return None


def status_post(status: dict[str, Any], index: _Index | None = None, *,
                conversation: str | None = None) -> dict[str, Any]:
    """Convert one Mastodon API status to a validated canonical post row.

    Parameters
    ----------
    status : dict
        A status as the REST API returns it.
    index : optional
        What the reader learnt from the whole file (local ids → URIs, accounts); without it
        only the status itself is used to resolve its parent (see "Reply parents" above).
    conversation : str, optional
        The thread root when the container says it (a ``/context`` response).

    Raises
    ------
    ValueError, KeyError, TypeError, AttributeError
        The status cannot be used (no ``uri``, no account, bad time…).

    Examples
    --------
    >>> reply = {"id": "7", "uri": "https://b.example/users/bob/statuses/70",
    ...     "created_at": "2026-09-02T19:01:00Z", "in_reply_to_id": "2",
    ...     "in_reply_to_account_id": "9", "content": "<p>@ann yes</p>",
    ...     "account": {"id": "5", "acct": "bob@b.example", "url": "https://b.example/@bob"},
    ...     "mentions": [{"id": "9", "acct": "ann", "username": "ann",
    ...                   "url": "https://a.example/@ann"}]}
    >>> row = status_post(reply)
    >>> row["kind"], row["reply_to_author_id"], row["reply_to_handle"], row["mentions"]
    ('reply', 'https://a.example/@ann', 'ann@a.example', ['ann@a.example'])
    >>> row["reply_to_post_id"]  # ann is local to the server: her status URI is rebuilt
    'https://a.example/users/ann/statuses/2'
    >>> status_post({**reply, "mentions": []})["reply_to_post_id"]  # nothing known: a placeholder
    'https://b.example/api/v1/statuses/2'
    """
    if index is None:
        index = _Index()
        index.learn(status)
    return canonical_row(_status_values(status, index, conversation))


def _status_values(status: dict[str, Any], index: _Index, conversation: str | None) -> tuple[Any, ...]:
    """The values of :func:`status_post`'s row (the columns of ``schema.POST_COLUMNS``, in order),
    not yet validated: the one conversion both the canonical and the lean path use."""
    uri, created_at, account, author_id = _basic(status)
    handle = global_handle(account.get("acct") or account.get("username"),
                           account.get("url") or account.get("uri"))
    reblog = status.get("reblog")
    content = _parse(status)
    text, hashtags, mentions, urls = content.text, _hashtags(status, content), \
        _mentions(status, content), content.links
    kind = "original"
    is_quote = False
    reply_to: tuple[str | None, str | None, str | None] = (None, None, None)
    retweeted = quoted = None
    lang = status.get("language") or None
    conversation_id: str | None = uri
    if isinstance(reblog, dict):
        kind = "retweet"
        retweeted = reblog.get("uri")
        if not isinstance(retweeted, str) or not retweeted:
            raise ValueError(f"the boosted status inside {uri} has no uri")
        boosted = reblog.get("account")
        original: dict[str, Any] = boosted if isinstance(boosted, dict) else {}
        original_handle = global_handle(original.get("acct") or original.get("username"),
                                        original.get("url") or original.get("uri"))
        original_content = _parse(reblog)
        text = retweet_text(original_handle, original_content.text)
        hashtags, urls = _hashtags(reblog, original_content), original_content.links
        mentions = lead_mention(original_handle, _mentions(reblog, original_content))
        lang = lang or reblog.get("language") or None
    else:
        quoted = _quote_id(status, index)
        is_quote = quoted is not None
        parent_id = _str(status.get("in_reply_to_id"))
        parent_account = _str(status.get("in_reply_to_account_id"))
        author = _author_of(status, parent_account, index)
        if parent_id or author is not None:  # (a reply to nothing known stays an original)
            kind = "reply"
            parent_uri = _status_uri(parent_id, author, status, index) if parent_id else None
            reply_to = (parent_uri, author.account_id if author else None,
                        author.handle if author else None)
            conversation_id = conversation or _root(status, index)
        elif is_quote:
            kind = "quote"
        if conversation and kind != "reply":
            conversation_id = conversation
    application = status.get("application")
    # the columns of schema.POST_COLUMNS, in order (tests/test_lean_ingest.py checks it)
    return (
        "mastodon",  # platform
        uri,  # post_id
        status.get("url") or None,  # url
        created_at,
        author_id,
        handle,  # author_handle
        account.get("display_name") or None,  # author_name
        text,
        kind,
        is_quote,
        reply_to[0],  # reply_to_post_id
        reply_to[1],  # reply_to_author_id
        reply_to[2],  # reply_to_handle
        quoted,  # quoted_post_id
        retweeted,  # retweeted_post_id
        conversation_id,
        hashtags,
        mentions,
        urls,
        lang,
        (application.get("name") or None) if isinstance(application, dict) else None,  # source_app
        _count(status.get("favourites_count")),  # like_count
        _count(status.get("reblogs_count")),  # repost_count
        _count(status.get("replies_count")),  # reply_count
        _count(status.get("quotes_count")),  # quote_count
        None,  # collected_at
        False,  # is_context
        None,  # origin
    )


def _private(status: dict[str, Any]) -> bool:
    return status.get("visibility") in _PRIVATE_VISIBILITY


def status_items(status: dict[str, Any], line: int, index: _Index | None = None, *,
                 raw: bytes | None = None, conversation: str | None = None, lean: bool = False) -> list[Item]:
    """All the items one status gives: its post, the boosted or quoted status as context posts,
    and the accounts met.

    With ``lean``, each post whose values need no change (:func:`~swchat.readers.common.plain_values`)
    is a :class:`~swchat.readers.base.PostValues` instead of a :class:`~swchat.readers.base.Post`
    (the import's path, see :func:`read_lean`): the same rows.

    Raises
    ------
    ValueError, KeyError, TypeError, AttributeError
        The status itself cannot be used (a nested status that cannot becomes a
        :class:`~swchat.readers.base.Note`).

    Examples
    --------
    >>> ann = {"id": "9", "acct": "ann", "url": "https://a.example/@ann", "followers_count": 4}
    >>> boost = {"id": "8", "uri": "https://b.example/users/bob/statuses/8/activity",
    ...     "created_at": "2026-09-02T19:02:00Z", "content": "",
    ...     "account": {"id": "5", "acct": "bob@b.example", "url": "https://b.example/@bob"},
    ...     "reblog": {"id": "2", "uri": "https://a.example/users/ann/statuses/2", "account": ann,
    ...                "created_at": "2026-09-02T19:00:00Z", "content": "<p>Q1</p>"}}
    >>> items = status_items(boost, line=1)
    >>> [(i.row["kind"], i.row["text"], i.context) for i in items if isinstance(i, Post)]
    [('retweet', 'RT @ann@a.example: Q1', False), ('original', 'Q1', True)]
    >>> [i.row["handle"] for i in items if isinstance(i, Account)]
    ['bob@b.example', 'ann@a.example']
    """
    if index is None:
        index = _Index()
        index.learn(status)
    own = post_item(_status_values(status, index, conversation), raw if raw is not None else raw_json(status),
                    line, False, lean)
    post_id, snapshot = post_facts(own)
    items: list[Item] = [own]
    accounts = [status.get("account")]
    seen = {post_id}
    for where, nested in (("boosted status", status.get("reblog")),
                          ("quoted status", _quoted_status(status))):
        if not isinstance(nested, dict) or _str(nested.get("id")) in index.deleted:
            continue
        try:
            context = post_item(_status_values(nested, index, None), None, line, True, lean)
        except RECORD_ERRORS as exc:
            items.append(Note(line, f"the {where} inside {post_id} was left out: "
                                    f"{reason(exc, 'status')}"))
            continue
        context_id = post_facts(context)[0]
        if context_id in seen:
            continue
        seen.add(context_id)
        context.raw = raw_json(nested)
        items.append(context)
        accounts.append(nested.get("account"))
    done: set[str] = set()
    for account in accounts:
        if isinstance(account, dict):
            account_row = _account_row(account, snapshot, index.account_rows)
            if account_row is not None and account_row["account_id"] not in done:
                done.add(account_row["account_id"])
                items.append(Account(account_row))
    return items


# --------------------------------------------------------------------------- outbox.json


def _first_str(value: Any) -> str | None:
    """An ActivityStreams reference: a string, an object's ``id``/``href``, or a list's first."""
    if isinstance(value, str):
        return value or None
    if isinstance(value, dict):
        return _first_str(value.get("id") or value.get("href"))
    if isinstance(value, list) and value:
        return _first_str(value[0])
    return None


_PROFILE_FROM_URL = re.compile(r"^(https?://([^/]+)/@([^/@]+))(?:/|$)")
_ACTOR_STATUS = re.compile(r"^(https?)://([^/]+)/users/([^/]+)(?:/statuses/|/?$)")


def _who(url: str | None, actor: str | None) -> tuple[str | None, str | None]:
    """(profile URL, global handle) of an outbox item's author, from its ``url`` or actor."""
    match = _PROFILE_FROM_URL.match(url or "")
    if match:
        return match.group(1), f"{match.group(3)}@{match.group(2).lower()}"
    match = _ACTOR_STATUS.match(actor or "")
    if match:
        scheme, host, user = match.groups()
        return f"{scheme}://{host}/@{user}", f"{user}@{host.lower()}"
    return actor, None


def _addressed(activity: dict[str, Any], obj: dict[str, Any]) -> str:
    """``public`` (public or unlisted), ``followers`` or ``direct``."""
    audience: list[str] = []
    for holder in (activity, obj):
        for key in ("to", "cc"):
            value = holder.get(key)
            if isinstance(value, str):
                audience.append(value)
            elif isinstance(value, list):
                audience.extend(v for v in value if isinstance(v, str))
    if not audience:
        return "public"  # an export without addressing: nothing says it was private
    if any(a in _PUBLIC for a in audience):
        return "public"
    if any(a.endswith("/followers") for a in audience):
        return "followers"
    return "direct"


def _outbox_row(activity: dict[str, Any]) -> dict[str, Any] | None:
    """The canonical row of one outbox activity (``None`` for a direct message)."""
    kind = activity.get("type")
    actor = _first_str(activity.get("actor"))
    if kind == "Announce":
        post_id = _first_str(activity.get("id"))
        target = _first_str(activity.get("object"))
        if not post_id or not target:
            raise ValueError("boost (Announce) without an id or object")
        author_id, handle = _who(None, actor)
        if not author_id:
            raise ValueError(f"boost {post_id} has no actor")
        _, original_handle = _who(None, target)
        return validate_post(new_post(
            platform="mastodon", post_id=post_id, url=None,
            created_at=iso_time(activity.get("published"), "published"),
            author_id=author_id, author_handle=handle, kind="retweet",
            text=retweet_text(original_handle, ""), retweeted_post_id=target,
            conversation_id=post_id, mentions=[original_handle] if original_handle else []))
    obj = activity.get("object")
    if not isinstance(obj, dict):
        raise ValueError(f"{kind} activity without an embedded object")
    if _addressed(activity, obj) == "direct":
        return None
    post_id = _first_str(obj.get("id"))
    if not post_id:
        raise ValueError("the activity's object has no id")
    url = _first_str(obj.get("url"))
    actor = actor or _first_str(obj.get("attributedTo"))
    author_id, handle = _who(url, actor)
    if not author_id:
        raise ValueError(f"post {post_id} has no actor")
    content_map = obj.get("contentMap")
    html = obj.get("content")
    if html is None and isinstance(content_map, dict) and content_map:
        html = next(iter(content_map.values()))
    hashtags_tagged: list[str] = []
    mentions: list[str] = []
    mention_urls: set[str] = set()
    for tag in obj.get("tag") or ():
        if not isinstance(tag, dict):
            continue
        raw_name, raw_href = tag.get("name"), tag.get("href")
        name = raw_name if isinstance(raw_name, str) else ""
        href = raw_href if isinstance(raw_href, str) else None
        if tag.get("type") == "Hashtag" and name.lstrip("#"):
            hashtags_tagged.append(name.lstrip("#"))
        elif tag.get("type") == "Mention" and name.lstrip("@"):
            mentions.append(global_handle(name, href) or name.lstrip("@"))
            if href:
                mention_urls.add(href)
    content = parse_content(html if isinstance(html, str) else None, frozenset(mention_urls))
    written = {t.casefold() for t in content.hashtags}
    hashtags = [*content.hashtags,
                *unique(t for t in hashtags_tagged if t.casefold() not in written)]
    parent = _first_str(obj.get("inReplyTo"))
    quoted = _first_str(obj.get("quote") or obj.get("quoteUri") or obj.get("_misskey_quote")
                        or obj.get("quoteUrl"))
    reply_author = reply_handle = None
    if parent:
        if actor and parent.startswith(actor.rstrip("/") + "/"):
            reply_author, reply_handle = author_id, handle
        else:
            match = _ACTOR_STATUS.match(parent)
            if match:
                reply_author, reply_handle = _who(None, parent)
    lang = next(iter(content_map), None) if isinstance(content_map, dict) and content_map else None
    kind = "reply" if parent else "quote" if quoted else "original"
    return validate_post(new_post(
        platform="mastodon", post_id=post_id, url=url,
        created_at=iso_time(obj.get("published") or activity.get("published"), "published"),
        author_id=author_id, author_handle=handle, text=content.text, kind=kind,
        is_quote=quoted is not None, reply_to_post_id=parent, reply_to_author_id=reply_author,
        reply_to_handle=reply_handle, quoted_post_id=quoted,
        conversation_id=None if parent else post_id,
        hashtags=hashtags, mentions=unique(mentions), urls=content.links, lang=lang))


# --------------------------------------------------------------------------- sniffing


def _looks_status(obj: Any) -> bool:
    return (isinstance(obj, dict) and isinstance(obj.get("account"), dict)
            and isinstance(obj.get("uri"), str) and "created_at" in obj
            and ("content" in obj or "reblog" in obj or "text" in obj))


_RECORDING_KEY = re.compile(r"(?:^|::|\s)(?:GET|POST|PUT|PATCH|DELETE|HEAD) https?://")
_ACTOR_TYPES = ("Person", "Service", "Application", "Group", "Organization")
_COLLECTIONS = ("OrderedCollection", "OrderedCollectionPage", "Collection", "CollectionPage")


def _refusal(obj: dict[str, Any]) -> str | None:
    """Say what a known non-post Mastodon / ActivityPub payload is."""
    if "acct" in obj and "username" in obj and "content" not in obj:
        return "holds Mastodon accounts (a profile, followers or an account search), not posts"
    if "title" in obj and ("domain" in obj or "uri" in obj) and any(
            k in obj for k in ("configuration", "stats", "contact", "contact_account", "registrations")):
        return "is a Mastodon instance description (/api/v1/instance), not posts"
    if "last_status" in obj and "accounts" in obj:
        return "holds Mastodon direct-message conversations, not posts; they are left out on purpose"
    if isinstance(obj.get("type"), str) and isinstance(obj.get("account"), dict) and "status" in obj:
        return "holds Mastodon notifications, not an export of posts"
    if "name" in obj and "history" in obj and "content" not in obj:
        return "holds Mastodon hashtags (trends or followed tags), not posts"
    if obj.get("type") in _ACTOR_TYPES and ("inbox" in obj or "outbox" in obj or "preferredUsername" in obj):
        return "is an ActivityPub actor (the account archive's actor.json), not posts; import outbox.json"
    return None


def _collection_verdict(obj: dict[str, Any], head: Head) -> bool | str | None:
    items = obj.get("orderedItems", obj.get("items"))
    first: Any = None
    if isinstance(items, list):
        first = items[0] if items else None
    else:
        first = first_value(head, "orderedItems.item")
    if isinstance(first, str):
        return ("holds only addresses of posts (the account archive's likes.json or "
                "bookmarks.json), not the posts")
    if isinstance(first, dict):
        return True if first.get("type") in ("Create", "Announce") or _looks_status(first) else None
    if isinstance(items, list) or "orderedItems" in obj:
        ident = str(obj.get("id") or "")
        return True if "outbox" in ident else None  # an empty outbox
    return None


def _verdict(record: Any, head: Head) -> bool | str | None:
    if isinstance(record, list):
        record = next((r for r in record if r is not None), None)
    if not isinstance(record, dict):
        return None
    if _looks_status(record):
        return True
    if "ancestors" in record and "descendants" in record:
        return True
    if record.get("type") in _COLLECTIONS:
        return _collection_verdict(record, head)
    if record.get("type") in ("Create", "Announce") and "actor" in record and "object" in record:
        return True
    if _is_recording(record):
        return True
    return _refusal(record)


def sniff(head: Head) -> bool | str | None:
    """Tell whether ``head`` is Mastodon statuses (``True``), a known non-post Mastodon payload
    (a reason), or something else (``None``).

    A status is an object with ``uri``, ``created_at``, an ``account`` object and ``content``
    (or ``reblog``); containers are arrays, JSON lines, ``/context`` responses and outboxes.

    Examples
    --------
    >>> sniff(Source.from_bytes(b'[{"id": "1", "acct": "ann", "username": "ann"}]').head())
    'holds Mastodon accounts (a profile, followers or an account search), not posts'
    >>> sniff(Source.from_bytes(b'{"ancestors": [], "descendants": []}').head())
    True
    """
    if head.first_char not in (b"{", b"["):
        return None
    if head.first_json is not None:
        return _verdict(head.first_json, head)
    record = first_record(head)
    if isinstance(record, dict) and record.get("type") in _COLLECTIONS:
        return _collection_verdict(record, head)
    return _verdict(record, head)


# --------------------------------------------------------------------------- reading

# a unit: (number, doc, value, raw) — value a status dict, an outbox activity, a Note, a
# _Deleted marker or a Rejected; doc is ``(document, "ancestor" | "descendant")`` for the
# statuses of a /context response, else None: the document a number from 1 in a document, and
# ``(line, n)`` in JSON lines (the n-th response of that line, from 0), which a stretch of the
# file numbers as the whole file does
_Doc = tuple[Any, str]
_Unit = tuple[int, _Doc | None, Any, bytes | None]


class _Activity(dict):
    """An outbox activity (told apart from a status by type)."""


@dataclass(frozen=True)
class _Deleted:
    """A recording's ``DELETE …/statuses/<id>``: the status with that local id was deleted."""

    local_id: str


_ACTIVITY_TYPES = ("Create", "Announce", "Delete", "Update", "Like", "Follow", "Undo", "Add", "Remove")
_DELETE_KEY = re.compile(r"\bDELETE https?://\S*/api/v1/statuses/([^/?\s]+)/?$")


def _wrap(value: Any) -> Any:
    """Mark an ActivityStreams activity as such; leave anything else as it is."""
    if isinstance(value, dict) and value.get("type") in _ACTIVITY_TYPES and "actor" in value:
        return _Activity(value)
    return value


def _is_recording(obj: Any) -> bool:
    """Whether a JSON object is a recording of API responses keyed by request."""
    if not isinstance(obj, dict) or not obj:
        return False
    first = next(iter(obj))  # a status's "id": no recording, known at once (every line asks)
    if isinstance(first, str) and not _RECORDING_KEY.search(first):
        return False
    keys = [k for k in itertools.islice(obj, 20) if isinstance(k, str)]
    return bool(keys) and all(_RECORDING_KEY.search(k) for k in keys)


def _recorded(key: str, value: Any, number: int, docs: Iterator[Any]) -> Iterator[_Unit]:
    """The units of one recorded response."""
    deleted = _DELETE_KEY.search(key)
    if deleted:
        yield number, None, _Deleted(deleted.group(1)), None
    if isinstance(value, list) or _looks_status(value) or (
            isinstance(value, dict) and "ancestors" in value and "descendants" in value):
        yield from _units_of(value, number, None, docs)
    else:
        yield number, None, Note(number, f"the response to {key.split('::')[-1]} holds no posts"), None


def _units_of(obj: Any, number: int, raw: bytes | None, docs: Iterator[Any]) -> Iterator[_Unit]:
    """The statuses and activities of one parsed JSON value (a line, or a whole document)."""
    if isinstance(obj, list):
        for value in obj:
            yield from _units_of(value, number, None, docs)
        return
    if not isinstance(obj, dict):
        text = raw_json(obj).decode("utf-8", "replace")
        yield number, None, Rejected(number, f"not a Mastodon status but a JSON {type(obj).__name__}",
                                     text), None
        return
    if "ancestors" in obj and "descendants" in obj:
        doc = next(docs)
        for key, role in (("ancestors", "ancestor"), ("descendants", "descendant")):
            for value in obj.get(key) or ():
                yield number, (doc, role), value, None
        return
    if obj.get("type") in _COLLECTIONS:
        for value in obj.get("orderedItems") or obj.get("items") or ():
            yield number, None, _Activity(value) if isinstance(value, dict) else value, None
        return
    if _is_recording(obj):
        for key, value in obj.items():
            yield from _recorded(str(key), value, number, docs)
        return
    yield number, None, _wrap(obj), raw


def _recording_units(source: Source, docs: Iterator[Any]) -> Iterator[_Unit]:
    """Stream the responses of a (pretty-printed) recording, one key at a time."""
    import ijson

    number = 0
    with source.open() as stream:
        try:
            for key, value in ijson.kvitems(stream, "", use_float=True):
                number += 1
                yield from _recorded(str(key), value, number, docs)
        except (ijson.JSONError, UnicodeDecodeError) as exc:
            message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            reject = Rejected(number + 1, f"not valid JSON after response {number} ({message}); "
                                          "the rest of the input cannot be read", "")
            yield number + 1, None, reject, None


def _units(source: Source, head: Head) -> Iterator[_Unit]:
    """Every status / activity of the input with its line (JSON lines) or record number."""
    docs = itertools.count(1)
    if by_line(source, head):
        for lineno, parsed, raw in json_lines(source):
            if isinstance(parsed, Rejected):
                yield lineno, None, parsed, None
                continue
            yield from _units_of(parsed, lineno, raw if isinstance(parsed, dict) else None,
                                 zip(itertools.repeat(lineno), itertools.count()))
        return
    data = head.data.lstrip(BOM + b" \t\r\n")
    if data[:1] == b"[":
        for number, value in json_records(source, "item"):
            yield number, None, _wrap(value), None
        return
    record = first_record(head)
    if isinstance(record, dict) and "ancestors" in record and "descendants" in record:
        count = 0
        doc = next(docs)
        for key, role in (("ancestors", "ancestor"), ("descendants", "descendant")):
            last = 0
            for number, value in json_records(source, f"{key}.item"):
                last = number
                if isinstance(value, Rejected):  # the rest of the document cannot be read
                    yield count + number, None, Rejected(count + number, value.reason, value.raw), None
                    return
                yield count + number, (doc, role), value, None
            count += last
        return
    if isinstance(record, dict) and record.get("type") in _COLLECTIONS:
        for number, value in json_records(source, "orderedItems.item"):
            yield number, None, _wrap(value), None
        return
    if _is_recording(record):
        yield from _recording_units(source, docs)
        return
    for number, value in json_records(source, ""):
        if isinstance(value, dict | list):
            yield from _units_of(value, number, None, docs)
        else:
            yield number, None, value, None


def _learn_file(source: Source, head: Head) -> _Index:
    """The first pass: local ids, URIs, accounts and context-document roots of the file.

    A ``.gz`` damaged part-way, or a file that cannot be read on past some point, is learnt up
    to there (the second pass reads that far too, and says so); a malformed status teaches what
    it can (the second pass rejects it, saying why).
    """
    index = _Index()
    try:
        for _, doc, value, _raw in _units(source, head):
            try:
                if isinstance(value, _Deleted):
                    index.deleted.add(value.local_id)
                    continue
                if _is_direct(value):
                    index.private += 1
                if isinstance(value, _Activity) or not isinstance(value, dict):
                    continue
                index.learn(value)
                if doc is not None and doc[0] not in index.docs:
                    # the first ancestor is the root; with no ancestors, the status the context was
                    # fetched for is (the parent of the first descendant)
                    index.docs[doc[0]] = (doc[1], value)
            except RECORD_ERRORS:  # a list where a status has text, say: the rest of the file is learnt
                continue
    except (DamagedInputError, *RECORD_ERRORS):
        pass
    return index


def _doc_root(doc: Any, index: _Index) -> str | None:
    if doc not in index.docs:
        return None
    role, status = index.docs[doc]
    try:
        if role == "ancestor":
            if status.get("in_reply_to_id") is None:
                return status.get("uri") or None
            return None
        parent = _str(status.get("in_reply_to_id"))
        if not parent:
            return None
        author = _author_of(status, _str(status.get("in_reply_to_account_id")), index)
        return _status_uri(parent, author, status, index)
    except RECORD_ERRORS:
        return None


def read(source: Source) -> Iterator[Item]:
    """Yield the posts, accounts, rejections and notes of a Mastodon input.

    The input is read twice (see "Reply parents"): once to learn local ids, once to convert.
    ``line`` is the line number for JSON lines, else the record number (from 1; the
    ancestors and then the descendants of a ``/context`` response, the ``orderedItems`` of an
    outbox).

    Examples
    --------
    >>> good = (b'{"id": "1", "uri": "https://a.example/users/ann/statuses/1", "content": "<p>hi</p>",'
    ...         b' "created_at": "2026-09-02T19:00:00Z", "account": {"id": "9", "acct": "ann",'
    ...         b' "url": "https://a.example/@ann"}}')
    >>> items = list(read(Source.from_bytes(good + b'\\n{"id": "2", "uri": 5}\\n')))
    >>> [(type(i).__name__, getattr(i, "line", None)) for i in items]
    [('Post', 1), ('Account', None), ('Rejected', 2)]
    """
    return _read(source, lean=False)


def read_lean(source: Source) -> Iterator[Item]:
    """:func:`read`, with each status's post whose values need no change as a
    :class:`~swchat.readers.base.PostValues` instead of a :class:`~swchat.readers.base.Post`: the
    import's path (issue 14), storing exactly what :func:`read` gives.

    The same items in the same order, with the same raw records, lines and context flags. Every
    status — of an array, JSON lines, a ``/context`` response, a recording — and the boosted or
    quoted status inside it goes this way; a post whose values
    :func:`~swchat.schema.validate_post` would change or refuse (an id given as a number, a count
    as text …; see :func:`~swchat.readers.common.plain_values`) is the canonical
    :class:`~swchat.readers.base.Post` (or rejection) :func:`read` gives. The activities of an
    account archive's ``outbox.json`` stay canonical ``Post`` items (a personal archive is small).

    Examples
    --------
    >>> def status(n, language):
    ...     return orjson.dumps({"id": n, "uri": f"https://a.example/users/ann/statuses/{n}",
    ...         "content": "<p>hi</p>", "created_at": "2026-09-02T19:00:00Z", "language": language,
    ...         "account": {"id": "9", "acct": "ann", "url": "https://a.example/@ann"}})
    >>> items = list(read_lean(Source.from_bytes(status("1", "en") + b"\\n" + status("2", 5))))
    >>> [type(i).__name__ for i in items]  # the second status's language is no text: validated
    ['PostValues', 'Account', 'Rejected']
    >>> items[0].values[:2], items[2].reason
    (('mastodon', 'https://a.example/users/ann/statuses/1'), 'lang is not text: int')
    """
    return _read(source, lean=True)


#: the file a process learned last for its stretches, by the file's path, size and time of change,
#: and what it learned (see :func:`_whole_file_index`)
_learned: tuple[tuple[str, int, int], _Index] | None = None


def _whole_file_index(source: Source, head: Head) -> _Index:
    """What :func:`_learn_file` learns of the whole file ``source`` is a stretch of: learnt once
    for all the stretches a process reads of it (the archive's readers of stretches inherit it,
    learnt before they start: :func:`learn_stretches`)."""
    global _learned
    key = _file_key(source)
    if _learned is None or _learned[0] != key:
        _learned = None  # the last file's index goes before the next is learnt
        _learned = key, _learn_file(source.whole(), head)
    return _learned[1]


def learn_stretches(source: Source, bounds: list[int]) -> Callable[[], None]:
    """Learn what every stretch of the file ``source`` needs from the whole file (its index, see
    :func:`_whole_file_index`) before the archive's readers of its stretches start: they are
    forked, and inherit it instead of each learning it again. This process and a forked child
    (:class:`swchat.parallel.Offload`) learn the stretches (``bounds``: where they begin, and the
    file's size last) and the stretches' indexes are added up in the file's order
    (:func:`_merged`): what one pass over the file learns. Returns the function that forgets it
    (once the readers have started, this process needs it no more).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> line = ('{{"id": "{n}", "uri": "https://a.example/users/ann/statuses/{n}", "content": "<p>hi</p>",'
    ...         ' "created_at": "2026-09-02T19:00:00Z", "in_reply_to_id": {parent},'
    ...         ' "account": {{"id": "9", "acct": "ann", "url": "https://a.example/@ann"}}}}\\n')
    >>> data = "".join(line.format(n=n, parent=f'"{n - 1}"' if n > 1 else "null") for n in range(1, 5)).encode()
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "statuses.jsonl"
    >>> _ = path.write_bytes(data)
    >>> middle = data.index(b"\\n", len(data) // 2) + 1
    >>> forget = learn_stretches(Source.from_arg(path), [0, middle, len(data)])
    >>> _whole_file_index(Source.from_arg(path).stretch(middle, len(data), 3), Source.from_arg(path).head()).uri["4"]
    'https://a.example/users/ann/statuses/4'
    >>> forget()
    """
    from ..parallel import Offload

    global _learned
    assert source.path is not None
    head = source.head()
    parts = list(itertools.pairwise(bounds))

    def learn(part: tuple[int, int]) -> tuple[_Index, int]:
        return _learn_stretch(source, head, *part)

    learnt: dict[int, tuple[_Index, int]] = {}
    with Offload(learn, parts) as helper:
        while (k := helper.take()) is not None:
            learnt[k] = learn(parts[k])
        for k, found in helper.answers(wait=True):
            learnt[k] = found if found is not None else learn(parts[k])
    index = _merged([learnt[k] for k in range(len(parts))])
    _learned = None
    _learned = _file_key(source), index

    def forget() -> None:
        global _learned
        _learned = None

    return forget


def _file_key(source: Source) -> tuple[str, int, int]:
    """The file a source reads, as :data:`_learned` knows it: its path, size and time of change."""
    assert source.path is not None
    found = source.path.stat()
    return str(source.path), found.st_size, found.st_mtime_ns


#: Lines of a stretch after the first are numbered from here while it is learnt, and moved to
#: their place in the file when the stretches are added up (:func:`_merged`): any number but 1,
#: as a file's first line alone has a byte-order mark taken off.
_STRETCH_LINE = 2


def _learn_stretch(source: Source, head: Head, start: int, end: int) -> tuple[_Index, int]:
    """What :func:`_learn_file` learns of the bytes ``start`` to ``end`` of the file ``source``,
    and the number of lines there (their lines numbered from 1 for the file's first stretch, else
    from :data:`_STRETCH_LINE`)."""
    assert source.path is not None
    part = source.stretch(start, end, 1 if start == 0 else _STRETCH_LINE)
    return _learn_file(part, head), newlines(source.path, start, end)


def _merged(stretches: list[tuple[_Index, int]]) -> _Index:
    """The index one pass over a file learns, from its stretches' own (each with its number of
    lines, as :func:`_learn_stretch` gives them), in the file's order. A test checks it on every
    file at hand, cut at every line."""
    index, lines = stretches[0]
    start = 1 + lines  # the first line of the next stretch
    for then, count in stretches[1:]:
        index.uri.update(then.uri)  # a local id's latest status wins, as in one pass
        index.parent.update(then.parent)
        authors = index.authors
        for aid, actor in then.early_actors.items():  # met before the stretch's own authors were
            known = authors.get(aid)
            if known is None:
                index.early_actors.setdefault(aid, actor)
            elif not known.actor:  # the first actor met fills it in, as in one pass
                known.actor = actor
        for aid, author in then.authors.items():
            known = authors.get(aid)
            if known is None:
                authors[aid] = author
            elif author.actor and not known.actor:
                known.actor = author.actor
        index.server = index.server if index.server is not None else then.server
        index.tag_server = index.tag_server if index.tag_server is not None else then.tag_server
        index.mastodon_scheme = index.mastodon_scheme or then.mastodon_scheme
        index.numeric_actors = index.numeric_actors or then.numeric_actors
        shift = start - _STRETCH_LINE
        for (line, n), found in then.docs.items():
            index.docs.setdefault((line + shift, n), found)
        index.deleted |= then.deleted
        index.private += then.private
        start += count
    return index


def _is_direct(value: Any) -> bool:
    """Whether a unit's value is a direct message, which is left out: an outbox's ``Create``
    addressed to neither the public nor the followers, or a status (a dict that looks like one
    or has a ``uri``) of a private visibility (:func:`_private`)."""
    if isinstance(value, _Activity):
        return (value.get("type") == "Create" and isinstance(value.get("object"), dict)
                and _addressed(value, value["object"]) == "direct")
    return isinstance(value, dict) and _private(value) and (_looks_status(value) or "uri" in value)


def _read(source: Source, *, lean: bool) -> Iterator[Item]:
    """The items of an input, or of a stretch of a JSON-lines file (``source.window``, see
    :meth:`~swchat.readers.base.Source.stretch`): a stretch learns from the whole file (a reply's
    parent may be on any line), and the notes that count over the file (direct messages left
    out) are the last stretch's; a stretch of a recording that deletes statuses has the file
    read in one piece (:class:`~swchat.readers.base.StretchMisfit`)."""
    head = source.head()
    index = _learn_file(source, head) if source.window is None else _whole_file_index(source, head)
    if source.window is not None and index.deleted:
        raise StretchMisfit(f"{source.name}: a recording that deletes statuses is read in one piece")
    deleted = 0
    roots: dict[Any, str | None] = {}
    for number, doc, value, raw in _units(source, head):
        if isinstance(value, Rejected | Note):
            yield value
            continue
        if isinstance(value, _Deleted):
            continue
        if isinstance(value, _Activity):
            if not _is_direct(value):  # (a direct message is counted by _learn_file)
                yield from _activity_items(value, number, raw)
            continue
        if not isinstance(value, dict):
            text = raw_json(value).decode("utf-8", "replace")
            yield Rejected(number, f"not a Mastodon status but a JSON {type(value).__name__}", text)
            continue
        if not _looks_status(value) and "uri" not in value:
            refusal = _refusal(value)
            yield Rejected(number, refusal or "not a Mastodon status: the object has no uri",
                           (raw or raw_json(value)).decode("utf-8", "replace"))
            continue
        if _private(value):  # counted by _learn_file
            continue
        if index.deleted and (_str(value.get("id")) in index.deleted or (
                isinstance(value.get("reblog"), dict)
                and _str(value["reblog"].get("id")) in index.deleted)):
            deleted += 1  # a deleted status, or a boost of one (deleted with it)
            continue
        conversation = None
        if doc is not None:
            if doc[0] not in roots:
                roots[doc[0]] = _doc_root(doc[0], index)
            conversation = roots[doc[0]]
        try:
            yield from status_items(value, number, index, raw=raw, conversation=conversation, lean=lean)
        except RECORD_ERRORS as exc:
            yield Rejected(number, reason(exc, "status"),
                           (raw or raw_json(value)).decode("utf-8", "replace"))
    if source.window is not None and source.window[1] < (source.size or 0):
        return  # the last stretch gives the file's notes
    if index.private:
        yield Note(0, f"{index.private} direct message(s) left out: private conversations are not imported")
    if deleted:
        yield Note(0, f"{deleted} status(es) left out: the recording shows them deleted "
                      "(DELETE /api/v1/statuses/:id)")


def _activity_items(activity: dict[str, Any], number: int, raw: bytes | None) -> Iterator[Item]:
    kind = activity.get("type")
    if kind not in ("Create", "Announce"):
        yield Note(number, f"an ActivityPub {kind or 'untyped'} activity, not a post")
        return
    if kind == "Create" and isinstance(activity.get("object"), dict) \
            and activity["object"].get("type") not in (*_NOTE_TYPES, None):
        yield Note(number, f"a Create of a {activity['object'].get('type')}, not a post")
        return
    try:
        row = _outbox_row(activity)
    except RECORD_ERRORS as exc:
        yield Rejected(number, reason(exc, "activity"),
                       (raw or raw_json(activity)).decode("utf-8", "replace"))
        return
    if row is not None:
        yield Post(row, raw if raw is not None else raw_json(activity), number)


FORMAT = register(Format(
    name="mastodon",
    label="Mastodon API statuses (timelines, /context, JSON lines) and outbox.json",
    sniff=sniff,
    read=read,
    platform="mastodon",
    lean=read_lean,
    stretches="lines",
    learn_stretches=learn_stretches,
))
