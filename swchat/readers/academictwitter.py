"""academictwitteR's split layout of X API v2 results (format ``academictwitter``).

The R package academictwitteR (``get_all_tweets(..., data_path = "folder")``) writes each page
of results as two files with the same id suffix (the id of the page's last tweet):

- ``data_<id>.json`` — a **bare JSON array** of X API v2 tweet objects (the page's ``data``),
  written by ``jsonlite`` from a data frame: the keys come in any order (``author_id`` or
  ``text`` may come first), an empty list becomes ``{}`` (``"referenced_tweets": {}``,
  ``"urls": {}``) and missing values are left out;
- ``users_<id>.json`` — the page's ``includes``: ``{"users": [...], "tweets": [...]}`` (also
  ``media``, ``places``, ``polls`` when asked for).

A folder holding such pairs imports as one source per data file, its users file read with it
(:func:`~swchat.readers.detect.expand_inputs` pairs them; a data file opened on its own finds
its ``users_<id>.json`` beside it), so author handles and retweeted texts are known. A users
file alone imports its account snapshots and its ``tweets`` as context posts.

The data array is streamed (:func:`~swchat.readers.common.json_records`): memory does not grow
with it. Each tweet is converted by the X API v2 reader's :func:`~swchat.readers.xv2.v2_post`
and each user by :func:`~swchat.readers.xv2.v2_account`, so a tweet gives the same canonical
row from a twarc2 page and from this layout. :class:`~swchat.readers.base.Post` ``.line`` is the
tweet's position in the array (1 for the first); a record that cannot be used is rejected with
that position and the reason while the rest imports. Referenced tweets from the users file that
are not in the data array become context posts. academictwitteR records no collection time, so
``collected_at`` and the accounts' ``snapshot_at`` stay empty.

Examples
--------
>>> data = (b'[{"author_id": "8", "text": "@ann A1: yes #SWChat", "id": "2",'
...         b' "created_at": "2026-09-02T19:05:00.000Z", "in_reply_to_user_id": "9",'
...         b' "referenced_tweets": [{"type": "replied_to", "id": "1"}]}]')
>>> source = Source.from_bytes(data, name="data_2.json")
>>> sniff(source.head())
True
>>> [(type(i).__name__, getattr(i, "line", None)) for i in read(source)]
[('Note', 0), ('Post', 1)]
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from ..errors import DamagedInputError
from .base import Account, Head, Item, Note, Post, Rejected, Source, raw_json
from .common import BOM, RECORD_ERRORS, first_record, json_records, reason
from .detect import Format, register
from .xv2 import v2_account, v2_post

__all__ = ["FORMAT", "companion_of", "read", "sniff"]

#: The keys of an X API v2 ``includes`` object (what a users file may hold).
_INCLUDES_KEYS = frozenset({"users", "tweets", "media", "places", "polls", "topics"})
#: Keys that an X API v2 tweet never has (v1.1, Mastodon, snscrape).
_NOT_V2 = ("id_str", "account", "uri", "_type", "user", "rawContent", "content")
_DATA_NAME = re.compile(r"^data_(.+)\.json(?:\.gz)?$", re.IGNORECASE)


def _is_v2_tweet(obj: Any) -> bool:
    """An X API v2 tweet object: a text ``id``, a ``text`` and an ISO ``created_at``."""
    if not isinstance(obj, dict) or not isinstance(obj.get("id"), str) or "text" not in obj:
        return False
    created = obj.get("created_at")
    return isinstance(created, str) and "T" in created and not any(key in obj for key in _NOT_V2)


def _is_includes(obj: Any, head: Head) -> bool:
    """An ``includes`` object (a users file): only includes keys, with X users or v2 tweets."""
    if not isinstance(obj, dict) or not obj or not set(obj) <= _INCLUDES_KEYS:
        return False
    users, tweets = obj.get("users"), obj.get("tweets")
    if isinstance(users, list) and users:
        return isinstance(users[0], dict) and "username" in users[0] and "id" in users[0]
    if isinstance(tweets, list) and tweets:
        return _is_v2_tweet(tweets[0])
    # a head too short for the whole object: first_record gave the top-level keys only
    return (users is True and b'"username"' in head.data) or (tweets is True and b'"author_id"' in head.data)


def sniff(head: Head) -> bool | str | None:
    """Claim a bare JSON array of X API v2 tweets (a data file) or an ``includes`` object
    (a users file).

    Examples
    --------
    >>> sniff(Source.from_bytes(b'{"users": [{"id": "9", "username": "ann"}], "tweets": []}').head())
    True
    >>> sniff(Source.from_bytes(b'[{"id_str": "9", "text": "v1.1"}]').head()) is None
    True
    """
    first = head.first_char
    if first == b"[":
        record = first_record(head)
        if _is_v2_tweet(record):
            return True
        if not _DATA_NAME.match(head.name.replace("\\", "/").rsplit("/", 1)[-1]):
            return None
        if record is None and head.complete and head.data.strip(BOM + b" \t\r\n") == b"[]":
            return True  # an empty page: nothing to import, nothing wrong
        # a data file whose first tweet is malformed (it is rejected when read)
        return (isinstance(record, dict) and isinstance(record.get("id"), str)
                and any(key in record for key in ("author_id", "text", "created_at"))
                and not any(key in record for key in _NOT_V2)) or None
    if first == b"{":
        return True if _is_includes(first_record(head), head) else None
    return None


def companion_of(path: Path) -> Path | None:
    """The ``users_<id>.json`` beside a ``data_<id>.json`` (``None`` when there is none).

    Examples
    --------
    >>> companion_of(Path("/nowhere/data_1.json")) is None
    True
    """
    match = _DATA_NAME.match(path.name)
    if not match:
        return None
    for name in (f"users_{match.group(1)}.json", f"users_{match.group(1)}.json.gz"):
        users = path.with_name(name)
        if users.is_file():
            return users
    return None


def _load_includes(path: Path) -> dict[str, Any]:
    """A users file, whole (one page's includes: small), BOM and gzip allowed."""
    with Source.from_arg(path).open() as stream:
        loaded = orjson.loads(stream.read().removeprefix(BOM))
    if not isinstance(loaded, dict):
        raise ValueError("it is not a JSON object")
    return loaded


def _lookup(objects: Any) -> dict[str, dict[str, Any]]:
    if not isinstance(objects, list):
        return {}
    return {o["id"]: o for o in objects if isinstance(o, dict) and isinstance(o.get("id"), str)}


def _accounts(users: dict[str, dict[str, Any]]) -> Iterator[Item]:
    for user in users.values():
        try:
            yield Account(v2_account(user, None))
        except RECORD_ERRORS:
            continue  # a user object without what an account needs: only a lookup


def _context(tweets: dict[str, dict[str, Any]], users: dict[str, dict[str, Any]],
             skip: set[str]) -> Iterator[Item]:
    for tid, tweet in tweets.items():
        if tid in skip:
            continue
        try:
            row = v2_post(tweet, users, tweets, None)
        except RECORD_ERRORS:
            continue  # an unusable referenced tweet is only context: nothing to reject
        yield Post(row, raw_json(tweet), 0, context=True)


def read(source: Source) -> Iterator[Item]:
    """Yield the items of a data file (with its users file) or of a users file alone.

    Raises
    ------
    InputFormatError
        Never for one bad record; a users file that is not a JSON object is refused whole.
    """
    if source.head().first_char == b"{":
        yield from _read_users_file(source)
        return
    companions = list(source.companions)
    if not companions and source.path is not None:
        found = companion_of(source.path)
        if found is not None:
            companions.append(found)
    users: dict[str, dict[str, Any]] = {}
    tweets: dict[str, dict[str, Any]] = {}
    for companion in companions:
        try:
            includes = _load_includes(companion)
        except DamagedInputError as exc:  # a users .gz cut short or corrupt: its data file is still read
            yield Note(0, f"could not read the users file ({exc}); authors unknown")
            continue
        except (OSError, EOFError, ValueError) as exc:
            yield Note(0, f"{companion.name}: could not read the users file ({exc}); authors unknown")
            continue
        users.update(_lookup(includes.get("users")))
        tweets.update(_lookup(includes.get("tweets")))
    if not companions:
        yield Note(0, "no users_<id>.json was read with this data file: author handles and "
                      "retweeted texts are unknown (import the folder, or keep the pair together)")
    yield from _accounts(users)
    pending = set(tweets)  # referenced tweets not (yet) met in the data array
    for number, tweet in json_records(source, "item"):
        if isinstance(tweet, Rejected):
            yield tweet
            continue
        if not isinstance(tweet, dict):
            yield Rejected(number, "record is not a JSON object (a tweet)",
                           raw_json(tweet, default=str).decode())
            continue
        try:
            row = v2_post(tweet, users, tweets, None)
        except RECORD_ERRORS as exc:
            tid = tweet.get("id")
            yield Rejected(number, f"tweet {tid if isinstance(tid, str) else '?'}: {reason(exc, 'tweet')}",
                           raw_json(tweet, default=str).decode())
            continue
        pending.discard(row["post_id"])
        yield Post(row, raw_json(tweet), number)
    yield from _context(tweets, users, set(tweets) - pending)


def _read_users_file(source: Source) -> Iterator[Item]:
    """A users file on its own: account snapshots, and its tweets as context posts."""
    with source.open() as stream:
        try:
            includes = orjson.loads(stream.read().removeprefix(BOM))
        except orjson.JSONDecodeError as exc:
            yield Rejected(1, f"the users file is not valid JSON ({exc}); nothing in it can be read", "")
            return
    if not isinstance(includes, dict):
        yield Rejected(1, "the users file is not a JSON object", "")
        return
    users = _lookup(includes.get("users"))
    tweets = _lookup(includes.get("tweets"))
    yield from _accounts(users)
    yield from _context(tweets, users, set())


FORMAT = register(Format(
    name="academictwitter",
    label="academictwitteR split layout (data_<id>.json + users_<id>.json, X API v2)",
    sniff=sniff,
    read=read,
))
