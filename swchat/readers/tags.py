"""TAGS (Twitter Archiving Google Sheet) Archive sheet, downloaded as CSV (format ``tags-csv``).

TAGS writes one row per tweet with 18 columns: ``id_str, from_user, text, created_at, time,
geo_coordinates, user_lang, in_reply_to_user_id_str, in_reply_to_screen_name,
from_user_id_str, in_reply_to_status_id_str, source, profile_image_url, user_followers_count,
user_friends_count, user_location, status_url, entities_str``. Columns are found by name, so a
sheet whose columns were moved still reads.

Traps handled:

- missing values are ``NA`` (or empty);
- ``created_at`` (v1.1 syntax, UTC) is trusted, ``time`` is not (it is the sheet's local time
  labelled ``Z``);
- ``entities_str`` holds the v1.1 entities as JSON (hashtags, user mentions, URLs with
  ``expanded_url``);
- retweets are only recognisable from their text ``RT @handle: …``, which TAGS truncates: they
  get ``kind="retweet"``, the text as given and ``retweeted_post_id=None``;
- an id that a spreadsheet turned into a number (``1.25E+18``) is rejected, not guessed;
- Excel's BOM, CRLF line ends (also inside a tweet's text, where they become ``\\n`` again),
  quoted fields spanning lines; a non-UTF-8 file is read as Windows-1252.

Each row is turned into a v1.1-like tweet and goes through the shared converter
(:func:`swchat.readers.xv1.v1_items`), so a tweet gives the same row as from the API. Each row
also gives an account snapshot of its author (handle, followers, following, location; TAGS has
no display name) taken at the tweet's ``created_at``. A row that cannot be used (bad id, bad
date, wrong number of fields) is a :class:`~swchat.readers.base.Rejected` with the physical
line where the record starts; the raw record kept is the row as JSON (header → value).

Examples
--------
>>> header = ("id_str,from_user,text,created_at,time,geo_coordinates,user_lang,"
...           "in_reply_to_user_id_str,in_reply_to_screen_name,from_user_id_str,"
...           "in_reply_to_status_id_str,source,profile_image_url,user_followers_count,"
...           "user_friends_count,user_location,status_url,entities_str")
>>> row = ('12,ann,RT @bob: Q1 #SWChat…,Tue Mar 13 20:01:02 +0000 2012,NA,NA,NA,NA,NA,9,NA,'
...        'NA,NA,10,NA,NA,NA,"{""hashtags"":[{""text"":""SWChat""}],""user_mentions"":'
...        '[{""screen_name"":""bob""}],""urls"":[]}"')
>>> src = Source.from_bytes(f"{header}\\r\\n{row}\\r\\n".encode())
>>> sniff(src.head())
True
>>> post, account = read(src)
>>> post.row["kind"], post.row["mentions"], post.row["hashtags"], account.row["followers"]
('retweet', ['bob'], ['SWChat'], 10)
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import orjson

from ..errors import InputFormatError
from .base import Head, Item, Rejected, Source
from .common import RECORD_ERRORS
from .detect import Format, register
from .xcommon import csv_encoding, csv_records
from .xv1 import v1_items

__all__ = ["COLUMNS", "FORMAT", "read", "read_lean", "sniff"]

#: The columns of a TAGS Archive sheet, in TAGS's order.
COLUMNS = (
    "id_str", "from_user", "text", "created_at", "time", "geo_coordinates", "user_lang",
    "in_reply_to_user_id_str", "in_reply_to_screen_name", "from_user_id_str",
    "in_reply_to_status_id_str", "source", "profile_image_url", "user_followers_count",
    "user_friends_count", "user_location", "status_url", "entities_str",
)
_REQUIRED = ("id_str", "from_user", "text", "created_at", "from_user_id_str")
_MISSING = ("", "NA")


def _header(line: bytes) -> list[str]:
    text = line.decode("utf-8", "replace").lstrip("\ufeff")
    try:
        return next(csv.reader([text]))
    except (csv.Error, StopIteration):
        return []


def sniff(head: Head) -> bool | None:
    """A CSV whose header has ``id_str``, ``from_user`` and ``entities_str``.

    Examples
    --------
    >>> sniff(Source.from_bytes(b"id_str,from_user,text,entities_str\\n").head())
    True
    """
    if b"id_str" not in head.first_line or b"entities_str" not in head.first_line:
        return None
    columns = set(_header(head.first_line))
    return {"id_str", "from_user", "entities_str"} <= columns or None


def _tweet(record: dict[str, str | None]) -> dict:
    """The v1.1-like tweet a TAGS row stands for."""
    id_str = record.get("id_str")
    if id_str is None:
        raise ValueError("id_str is missing")
    if not id_str.isdigit():
        raise ValueError(f"id_str is not a tweet id: {id_str!r}"
                         + (" (a spreadsheet turned it into a number)" if "E+" in id_str.upper() else ""))
    entities_text = record.get("entities_str")
    entities = {}
    if entities_text:
        try:
            entities = orjson.loads(entities_text)
        except orjson.JSONDecodeError:
            raise ValueError("entities_str is not valid JSON") from None
        if not isinstance(entities, dict):
            raise ValueError("entities_str is not a JSON object")
    return {
        "id_str": id_str,
        "created_at": record.get("created_at"),
        "text": (record.get("text") or "").replace("\r\n", "\n"),  # a spreadsheet's CRLF
        "entities": entities,
        "in_reply_to_status_id_str": record.get("in_reply_to_status_id_str"),
        "in_reply_to_user_id_str": record.get("in_reply_to_user_id_str"),
        "in_reply_to_screen_name": record.get("in_reply_to_screen_name"),
        "source": record.get("source"),
        "user": {
            "id_str": record.get("from_user_id_str"),
            "screen_name": record.get("from_user"),
            "followers_count": record.get("user_followers_count"),
            "friends_count": record.get("user_friends_count"),
            "location": record.get("user_location"),
        },
    }


def _csv_text(fields: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(fields)
    return out.getvalue()


def read(source: Source) -> Iterator[Item]:
    """Yield the posts, account snapshots and rejected rows of a TAGS Archive CSV.

    Raises
    ------
    InputFormatError
        The header lacks a column TAGS always has (``id_str``, ``from_user``, ``text``,
        ``created_at``, ``from_user_id_str``).
    """
    return _read(source, lean=False)


def read_lean(source: Source) -> Iterator[Item]:
    """:func:`read`, with each post whose values need no change as a
    :class:`~swchat.readers.base.PostValues` (the import's path, issue 14)."""
    return _read(source, lean=True)


def _read(source: Source, *, lean: bool) -> Iterator[Item]:
    header: list[str] | None = None
    for line, fields in csv_records(source, csv_encoding(source.head().data)):
        if isinstance(fields, Rejected):
            yield fields
            continue
        if header is None:
            header = [name.strip() for name in fields]
            missing = [name for name in _REQUIRED if name not in header]
            if missing:
                raise InputFormatError(
                    f"{source.name} is not a TAGS Archive sheet: no {', '.join(missing)} column",
                    source.name)
            continue
        if len(fields) != len(header):
            yield Rejected(line, f"expected {len(header)} fields, found {len(fields)}",
                           _csv_text(fields))
            continue
        raw = orjson.dumps(dict(zip(header, fields, strict=True)))
        record = {name: (None if value in _MISSING and name != "text" else value)
                  for name, value in zip(header, fields, strict=True)}
        try:
            items = v1_items(_tweet(record), line, raw=raw, rt_from_text=True, lean=lean)
        except RECORD_ERRORS as exc:
            reason = str(exc) if isinstance(exc, ValueError) else f"malformed row ({exc!r})"
            yield Rejected(line, reason, _csv_text(fields))
            continue
        yield from items


FORMAT = register(Format(name="tags-csv", label="TAGS Archive sheet (CSV)", sniff=sniff, read=read,
                         lean=read_lean, stretches="csv"))
