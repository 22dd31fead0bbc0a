"""The X (Twitter) account archive's tweets (format ``x-archive``).

The archive an account holder downloads from X keeps their tweets in ``data/tweets.js`` (older
archives: ``tweet.js``; large ones add ``tweets-part1.js``…): a JavaScript assignment
``window.YTD.tweets.part0 = [ {"tweet": {…}}, … ]`` whose objects are v1.1 tweets with every
number stored as a string and without a ``user`` object. The pre-2019 archive
(``data/js/tweets/2015_04.js``: ``Grailbird.data.tweets_2015_04 = [ … ]``, tweets with ``user``)
is read too. The same array with the assignment removed (plain JSON) is recognised as well.

Whose tweets they are is not in the tweets, so the reader looks for the archive's own
``account.js`` beside the tweets file (or among the source's companions) and takes the owner's
id, handle, name and account creation time from it, plus the bio and location from
``profile.js`` and the archive's generation time from ``manifest.js`` when present. Without
``account.js`` the owner is unknown: the posts are stored with ``author_id`` set to
:data:`UNKNOWN_OWNER` and no handle (their URLs use X's handle-less ``/i/web/status/`` form),
and a :class:`~swchat.readers.base.Note` says so — putting ``account.js`` beside the file and
importing again names them. Other archive files (likes, followers, direct messages…) are
refused with a reason.

Conventions (see :mod:`swchat.readers.xv1`): the tweets go through the shared v1.1 converter.
The archive never carries ``retweeted_status``, so a text starting ``RT @handle:`` marks a
retweet (its text is the truncated one the archive holds, ``retweeted_post_id`` unknown).
``collected_at`` is the archive's generation time when ``manifest.js`` gives it (the counts are
as of then), else ``None``. The owner's account is reported once, at the end, as a snapshot
taken at the generation time, or else at the newest tweet. ``line`` is the record number in
the array (1 = first tweet).

Examples
--------
>>> js = (b'window.YTD.tweets.part0 = [ {"tweet": {"id_str": "5", "full_text": "Hi #SWChat",'
...       b' "created_at": "Tue Mar 13 20:01:02 +0000 2012", "favorite_count": "3",'
...       b' "entities": {"hashtags": [{"text": "SWChat"}]}}} ]')
>>> src = Source.from_bytes(js, name="tweets.js")
>>> sniff(src.head())
True
>>> items = list(read(src))
>>> [type(i).__name__ for i in items]
['Note', 'Post']
>>> post = items[1].row
>>> post["author_id"], post["like_count"], post["hashtags"], post["url"]
('archive-owner', 3, ['SWChat'], 'https://twitter.com/i/web/status/5')
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from .base import Account, Head, Item, Note, Post, Rejected, Source, raw_json
from .common import BOM, RECORD_ERRORS, first_record, json_records
from .detect import Format, register
from .xcommon import v2_time
from .xv1 import v1_account, v1_items

__all__ = ["FORMAT", "UNKNOWN_OWNER", "archive_owner", "read", "sniff"]

#: ``author_id`` of the posts of an archive whose ``account.js`` is not at hand.
UNKNOWN_OWNER = "archive-owner"

_YTD = b"window.YTD."
_GRAILBIRD = b"Grailbird.data."
# window.YTD.<name>.partN files that hold tweets
_TWEET_FILES = {"tweet", "tweets", "deleted_tweet", "deleted_tweets"}


def _js_value(path: Path) -> Any:
    """Parse a small archive ``.js`` file (``window.… = <JSON>``); ``None`` when unreadable."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    starts = [i for i in (data.find(b"["), data.find(b"{")) if i >= 0]
    if not starts:
        return None
    try:
        return orjson.loads(data[min(starts):].rstrip().rstrip(b";"))
    except orjson.JSONDecodeError:
        return None


def _first(value: Any, key: str) -> dict:
    """``value[0][key]`` for the ``[{"account": {…}}]`` shape of archive files, else ``{}``."""
    if isinstance(value, list) and value and isinstance(value[0], dict):
        inner = value[0].get(key)
        return inner if isinstance(inner, dict) else {}
    return {}


def archive_owner(source: Source) -> tuple[dict | None, str | None]:
    """Find the archive owner and the archive's generation time for a tweets file.

    Looks at the source's companions and at the files beside it: ``account.js`` (id, handle,
    name, creation time), ``profile.js`` (bio, location), ``manifest.js`` (generation time,
    and the owner when ``account.js`` is missing).

    Returns
    -------
    owner : dict or None
        A v1.1-like user object (``id_str``, ``screen_name``, ``name``, ``created_at``,
        ``description``, ``location``), or ``None`` when the owner is not known.
    generated_at : str or None
        When the archive was made (canonical ISO UTC), when known.

    Examples
    --------
    >>> archive_owner(Source.from_bytes(b"[]"))
    (None, None)
    """
    files: dict[str, Path] = {}
    folders = [source.path.parent] if source.path is not None else []
    for path in [*source.companions, *(folder / name for folder in folders
                 for name in ("account.js", "profile.js", "manifest.js"))]:
        if path.name in ("account.js", "profile.js", "manifest.js") and path.is_file():
            files.setdefault(path.name, path)
    owner: dict[str, Any] = {}
    generated_at = None
    if "manifest.js" in files:
        manifest = _js_value(files["manifest.js"])
        if isinstance(manifest, dict):
            info = manifest.get("userInfo") or {}
            owner.update(id_str=info.get("accountId"), screen_name=info.get("userName"),
                         name=info.get("displayName"))
            generation = (manifest.get("archiveInfo") or {}).get("generationDate")
            try:
                generated_at = v2_time(generation) if isinstance(generation, str) else None
            except ValueError:
                generated_at = None
    if "account.js" in files:
        account = _first(_js_value(files["account.js"]), "account")
        if account.get("accountId"):
            owner.update(id_str=account.get("accountId"), screen_name=account.get("username"),
                         name=account.get("accountDisplayName"),
                         created_at=account.get("createdAt"))
    if "profile.js" in files:
        description = _first(_js_value(files["profile.js"]), "profile").get("description") or {}
        if isinstance(description, dict):
            owner.update(description=description.get("bio"), location=description.get("location"))
    if not owner.get("id_str"):
        return None, generated_at
    return {k: v for k, v in owner.items() if v}, generated_at


def _archive_kind(head: Head) -> tuple[str, str] | None:
    """``("ytd", name)`` or ``("grailbird", name)`` for an archive ``.js`` file, else ``None``."""
    data = head.data.lstrip(BOM + b" \t\r\n")
    for marker, kind in ((_YTD, "ytd"), (_GRAILBIRD, "grailbird")):
        if data.startswith(marker):
            name = data[len(marker):].split(b"=", 1)[0].strip()
            if kind == "ytd":
                name = name.split(b".", 1)[0]
            return kind, name.decode("utf-8", "replace")
    return None


def sniff(head: Head) -> bool | str | None:
    """Claim X archive tweet files; refuse the archive's other files.

    Examples
    --------
    >>> sniff(Source.from_bytes(b'window.YTD.like.part0 = [ {"like": {"tweetId": "1"}} ]').head())
    "is the X archive's like file, not its tweets (import tweets.js)"
    >>> sniff(Source.from_bytes(b'[{"tweet": {"id_str": "1", "full_text": "hi",'
    ...       b' "created_at": "Tue Mar 13 20:01:02 +0000 2012"}}]').head())
    True
    """
    kind = _archive_kind(head)
    if kind is not None:
        if kind[0] == "grailbird" or kind[1] in _TWEET_FILES:
            return True
        return f"is the X archive's {kind[1]} file, not its tweets (import tweets.js)"
    if head.first_char != b"[":
        return None
    record = first_record(head)
    if isinstance(record, dict) and isinstance(record.get("tweet"), dict):
        record = record["tweet"]
    elif not (isinstance(record, dict) and "user" not in record
              and isinstance(record.get("favorite_count"), str)):
        return None
    return bool(
        isinstance(record, dict) and "id_str" in record
        and ("full_text" in record or "text" in record)
        and isinstance(record.get("created_at"), str)
    ) or None


def read(source: Source) -> Iterator[Item]:
    """Yield the posts (and the owner's account) of an archive tweets file.

    ``line`` is the record number in the archive's array.
    """
    owner, generated_at = archive_owner(source)
    author: dict = owner if owner is not None else {"id_str": UNKNOWN_OWNER}
    newest: str | None = None
    told = False
    for number, value in json_records(source, "item"):
        if isinstance(value, Rejected):
            yield value
            continue
        tweet = value.get("tweet", value) if isinstance(value, dict) else value
        if not isinstance(tweet, dict):
            yield Rejected(number, f"not a tweet object but a JSON {type(tweet).__name__}",
                           raw_json(value).decode("utf-8", "replace"))
            continue
        if owner is None and not told and not isinstance(tweet.get("user"), dict):
            told = True
            yield Note(number, f"{source.name}: no account.js beside it, so the archive owner is "
                               f"unknown; the posts are stored with author_id {UNKNOWN_OWNER!r} "
                               "and no handle (put account.js next to it and import again to "
                               "name them)")
        raw = raw_json(value)
        try:
            items = v1_items(tweet, number, raw=raw, collected_at=generated_at,
                             rt_from_text=True, owner=author)
        except RECORD_ERRORS as exc:
            reason = str(exc) if isinstance(exc, ValueError) else f"malformed tweet ({exc!r})"
            yield Rejected(number, reason, raw.decode("utf-8", "replace"))
            continue
        post = items[0]
        assert isinstance(post, Post)
        if post.row["author_id"] == author.get("id_str"):
            created = post.row["created_at"]
            newest = created if newest is None or created > newest else newest
        yield from items
    if owner is not None and newest is not None:
        account = v1_account(owner, generated_at or newest)
        if account is not None:
            yield Account(account)


FORMAT = register(Format(name="x-archive", label="X account archive (tweets.js)",
                         sniff=sniff, read=read))
