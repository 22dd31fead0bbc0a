"""Twitter Archiver sheets (the Google Sheets add-on), downloaded as CSV (format ``x-archiver-sheet``).

The add-on most chat hosts used writes one row per tweet under the header ``Date, Screen Name,
Full Name, Tweet Text, Tweet ID, App, Followers, Follows, Retweets, Favorites, Verfied, User Since,
Location, Bio`` (``Verfied`` is the add-on's spelling; later versions add ``Profile Image`` and
``Google Maps``). Columns are found by name, in any order and letter case.

What the sheet does not say, and how it is read:

- **times**: ``Date`` is ``2/26/16`` or ``2/26/2016 14:03:11``, in the sheet's zone, unnamed. It is
  taken in the zone given (``tz``, ``swchat ingest --tz``; UTC by default) and converted to UTC. An
  X id records the second it was made, so a row that gives only a date takes its time from its
  ``Tweet ID`` when the two agree (within a day, whatever the zone); the notes say how many, and
  when the dates fit another zone than the one given;
- **kinds, replies, retweets and mentions** are inferred from the text alone (the sheet has no
  such columns), and the posts' ``origin`` ends in ``x-archiver-sheet``, which says so:
  ``RT @x: …`` is a retweet of ``x`` (the original's id unknown; the text is the sheet's, cut
  short with ``…``), a text starting with ``@x`` is a reply to ``x`` (``reply_to_handle``; the
  parent post unknown), every ``@handle`` is a mention (the retweeted one first); hashtags and
  links come from the text (``t.co`` links, not expanded). A quote cannot be told;
- **accounts** have no ids in the sheet: an author is ``handle:<lower-cased handle>`` (as the
  network keys accounts known by a handle), with a snapshot of name, bio, followers, follows,
  location and ``User Since`` taken at the tweet's time.

Excel's habits (a BOM, ``;`` between fields, quoted newlines, ids turned into ``7.03308E+17``)
are handled by :mod:`swchat.readers.sheets`: a row whose id a spreadsheet rounded is rejected
with the reason, as is any row that cannot be used; empty padding rows are skipped (the notes
count them). The raw record kept is the row as JSON (header → value).

Examples
--------
>>> header = "Date,Screen Name,Full Name,Tweet Text,Tweet ID,App,Followers,Follows,Retweets,Favorites"
>>> rows = ["2/26/16,@ann,Ann,Q1 what now? #SWChat,703308686068834307,Twitter Web Client,10,5,2,1",
...         "2/26/16,@bob,Bob,@ann A1 this #SWChat,703308686068834308,Twitter Web Client,3,4,0,0",
...         "2/26/16,@cat,Cat,RT @ann: Q1 what now? #SWCh…,703308686068834309,Twitter Web Client,3,4,2,0"]
>>> src = Source.from_bytes("\\n".join([header, *rows]).encode())
>>> sniff(src.head())
True
>>> posts = [i.row for i in read(src) if isinstance(i, Post)]
>>> [(p["kind"], p["author_id"], p["reply_to_handle"], p["mentions"], p["hashtags"]) for p in posts]
... # doctest: +NORMALIZE_WHITESPACE
[('original', 'handle:ann', None, [], ['SWChat']),
 ('reply', 'handle:bob', 'ann', ['ann'], ['SWChat']),
 ('retweet', 'handle:cat', None, ['ann'], [])]
>>> posts[0]["created_at"]  # the id's time: the sheet gave only the date
'2016-02-26T20:00:32.000Z'
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import tzinfo

from ..errors import InputFormatError
from ..schema import new_account, new_post, validate_account, validate_post
from .base import Account, Head, Item, Post, Rejected, Source
from .common import RECORD_ERRORS, lead_mention
from .detect import Format, register
from .sheets import (
    Clock,
    DataRows,
    cell_text,
    fit,
    handle_id,
    header_index,
    infer_kind,
    missing_columns_error,
    rounded_ids,
    row_json,
    row_keys,
    sheet_layout,
    tallied,
    text_entities,
    whole,
    x_id,
)
from .xcommon import plain_text, status_url

__all__ = ["COLUMNS", "FORMAT", "read", "sniff"]

#: The columns of a Twitter Archiver sheet, in the add-on's order (the last two in later versions).
COLUMNS = ("Date", "Screen Name", "Full Name", "Tweet Text", "Tweet ID", "App", "Followers", "Follows",
           "Retweets", "Favorites", "Verfied", "User Since", "Location", "Bio", "Profile Image", "Google Maps")
_REQUIRED = ("Tweet ID", "Tweet Text", "Screen Name", "Date")
_SIGNATURE = {"tweet id", "tweet text", "screen name"}

#: What the import's notes say once about the way this sheet is read.
INFERENCE_NOTE = ("kinds, reply and retweet targets and mentions were inferred from the text (a Twitter "
                  "Archiver sheet has no such columns): replies name the account replied to but not the "
                  "post, retweets the retweeted account but not the original post")


def sniff(head: Head) -> bool | None:
    """A delimited text whose header has ``Tweet ID``, ``Tweet Text`` and ``Screen Name``.

    Examples
    --------
    >>> sniff(Source.from_bytes(b"\\xef\\xbb\\xbfDate;Screen Name;Tweet Text;Tweet ID\\r\\n").head())
    True
    """
    if b"weet" not in head.data[:4096] and b"\x00" not in head.data[:200]:
        return None
    layout = sheet_layout(head)
    if layout is None:
        return None
    folded = {" ".join(name.lower().split()) for name in layout.header}
    return folded >= _SIGNATURE or None


class _Columns:
    """Where each column of the sheet is (``None``: absent)."""

    def __init__(self, header: list[str]) -> None:
        index = header_index(header)
        self.at = {name: index.get(name.lower()) for name in COLUMNS}
        self.at["Verified"] = index.get("verified")
        locations = [i for i, name in enumerate(header) if name.strip().lower() == "location"]
        self.at["Location"] = locations[-1] if locations else None  # the account's, after the tweet's
        self.missing = [name for name in _REQUIRED if self.at[name] is None]

    def get(self, fields: list[str], name: str) -> str | None:
        i = self.at.get(name)
        if i is None:
            return None
        value = fields[i].strip()
        return value or None


def _convert(fields: list[str], cols: _Columns, clock: Clock, rounded: bool) -> tuple[dict, dict]:
    """The validated canonical post and account rows of one sheet row."""
    post_id = x_id(cols.get(fields, "Tweet ID"), "Tweet ID", rounded=rounded)
    if not post_id:
        raise ValueError("Tweet ID is missing")
    handle = (cols.get(fields, "Screen Name") or "").lstrip("@＠").strip()
    if not handle:
        raise ValueError("Screen Name is missing")
    text = plain_text(cell_text(fields[cols.at["Tweet Text"] or 0], "Tweet Text")) or ""
    created_at = clock.time(cols.get(fields, "Date"), post_id)
    kind, replied, retweeted = infer_kind(text)
    hashtags, mentions, urls = text_entities(text)
    if kind == "retweet":
        mentions = lead_mention(retweeted, mentions)
    author_id = handle_id(handle)
    name = cols.get(fields, "Full Name")
    post = validate_post(new_post(
        platform="x",
        post_id=post_id,
        url=status_url(handle, post_id),
        created_at=created_at,
        author_id=author_id,
        author_handle=handle,
        author_name=name,
        text=text,
        kind=kind,
        reply_to_author_id=handle_id(replied) if replied else None,
        reply_to_handle=replied,
        hashtags=hashtags,
        mentions=mentions,
        urls=urls,
        source_app=cols.get(fields, "App"),
        like_count=whole(cols.get(fields, "Favorites")),
        repost_count=whole(cols.get(fields, "Retweets")),
    ))
    bio = cols.get(fields, "Bio")
    account = validate_account(new_account(
        platform="x",
        account_id=author_id,
        handle=handle,
        name=name,
        description=bio.replace("\r\n", "\n") if bio else None,
        followers=whole(cols.get(fields, "Followers")),
        following=whole(cols.get(fields, "Follows")),
        location=cols.get(fields, "Location"),
        created_at=clock.date(cols.get(fields, "User Since")),
        snapshot_at=created_at,
    ))
    return post, account


def read(source: Source, *, tz: str | tzinfo | None = None) -> Iterator[Item]:
    """Yield the posts, account snapshots, rejected rows and notes of a Twitter Archiver sheet.

    Parameters
    ----------
    source : Source
        The CSV (as Google Sheets or Excel saved it).
    tz : str or tzinfo, optional
        The zone the sheet's dates are in (default UTC).

    Raises
    ------
    InputFormatError
        The header lacks ``Tweet ID``, ``Tweet Text``, ``Screen Name`` or ``Date`` (the message
        lists the header).
    """
    head = source.head()
    layout = sheet_layout(head)
    if layout is None:
        raise InputFormatError(f"{source.name} is not a Twitter Archiver sheet: it has no header row",
                               source.name)
    cols = _Columns(layout.header)
    if cols.missing:
        raise missing_columns_error(source, "a Twitter Archiver sheet", cols.missing, layout.header)
    rounded = rounded_ids(head, layout, cols.at["Tweet ID"] or 0)
    clock = Clock(tz, column=layout.header[cols.at["Date"] or 0])
    width = len(layout.header)
    keys = row_keys(layout.header)
    rows = DataRows(source, layout)
    rows.prime([(clock, [cols.at["Date"], cols.at["User Since"]])])
    for row in rows:
        if isinstance(row, Rejected):
            yield row
            continue
        line, fields = row
        try:
            fields = fit(fields, width)
            post, account = _convert(fields, cols, clock, rounded)
        except RECORD_ERRORS as exc:
            yield rows.rejected(line, fields, exc)
            continue
        yield Post(post, row_json(keys, fields), line)
        yield Account(account)
    yield from rows.end(clock, [INFERENCE_NOTE])


FORMAT = register(Format(name="x-archiver-sheet", label="Twitter Archiver sheet (CSV)", sniff=sniff, read=read,
                         stretches="csv", tallied=tallied))
