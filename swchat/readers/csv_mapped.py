"""Any CSV of X posts, read through a column mapping the user gives (format ``csv-mapped``).

For the spreadsheets no reader knows: ``swchat ingest file.csv --columns "id=Tweet ID,text=Tweet
Text,author=Screen Name,time=Date"`` (or ``--columns mapping.txt``, one ``field=Column`` a line;
``#`` starts a comment). This format is never detected from content: it is used when a mapping
is given, and an unknown CSV is refused with a hint to give one (with its header).

Fields (:data:`FIELDS`): ``id``, ``text``, ``author`` (the handle) and ``time`` are required;
optional are ``author_id``, ``author_name``, ``reply_to`` (the parent post's id),
``reply_to_author`` (its handle), ``retweet_of`` and ``quote_of`` (post ids), ``kind``
(``original``, ``reply``, ``retweet``, ``quote``, or ``tweet``, ``replied_to``, ``retweeted``,
``quoted``, ``RT``), ``hashtags``, ``mentions``, ``urls`` (lists separated by spaces, commas or
``;``, or JSON lists), ``lang``.

What a mapped column does not say is inferred from the text, as for a Twitter Archiver sheet
(:func:`swchat.readers.sheets.infer_kind`): without a ``kind`` column, a ``retweet_of`` column or
a ``reply_to``/``reply_to_author`` column, ``RT @x:`` makes a retweet and a leading ``@x`` a reply
to ``x``; hashtags and mentions come from the text when not mapped. An author without
``author_id`` is ``handle:<lower-cased handle>``. Times without a zone are taken in ``tz`` (UTC
by default); the import's notes say so. Ids are text; an id a spreadsheet rounded (``7.03308E+17``)
makes its row rejected. The raw record kept is the row as JSON (header → value).

Examples
--------
>>> mapping = column_mapping("id=Tweet ID, text=Tweet Text, author=Screen Name, time=Date")
>>> mapping["author"]
'Screen Name'
>>> src = Source.from_bytes(b"Date;Screen Name;Tweet Text;Tweet ID\\n2016-02-26 20:00:32;@ann;@bob A1 #SWChat;7\\n")
>>> post = next(read(src, columns=mapping)).row
>>> post["kind"], post["author_id"], post["reply_to_handle"], post["hashtags"], post["created_at"]
('reply', 'handle:ann', 'bob', ['SWChat'], '2016-02-26T20:00:32.000Z')
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import tzinfo
from pathlib import Path

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
    infer_kind,
    rounded_ids,
    row_json,
    row_keys,
    sheet_layout,
    split_list,
    tallied,
    text_entities,
    x_id,
)
from .xcommon import plain_text, status_url

__all__ = ["FIELDS", "FORMAT", "NAME", "REQUIRED", "column_mapping", "read", "sniff"]

#: The format's name.
NAME = "csv-mapped"
#: Fields that must be mapped.
REQUIRED = ("id", "text", "author", "time")
#: Every field a mapping may name, with what it holds.
FIELDS: dict[str, str] = {
    "id": "the post's id",
    "text": "the post's text",
    "author": "the author's handle",
    "time": "when it was posted",
    "author_id": "the author's account id",
    "author_name": "the author's display name",
    "reply_to": "the id of the post replied to",
    "reply_to_author": "the handle of the account replied to",
    "retweet_of": "the id of the post retweeted",
    "quote_of": "the id of the post quoted",
    "kind": "original, reply, retweet or quote",
    "hashtags": "the hashtags (a list)",
    "mentions": "the mentioned handles (a list)",
    "urls": "the links (a list)",
    "lang": "the language",
}
_KINDS = {
    "original": "original", "tweet": "original", "post": "original", "status": "original",
    "reply": "reply", "replied_to": "reply", "replied to": "reply",
    "retweet": "retweet", "retweeted": "retweet", "rt": "retweet", "repost": "retweet",
    "quote": "quote", "quoted": "quote", "quote tweet": "quote",
}


def column_mapping(spec: str | Path | Mapping[str, str]) -> dict[str, str]:
    """Parse a column mapping: ``"id=Tweet ID,text=Tweet Text,…"``, a file of ``field=Column``
    lines, or a mapping; check the fields.

    Raises
    ------
    InputFormatError
        An unknown or repeated field, a required field missing, a part that is not
        ``field=Column``, or a mapping file that cannot be read.

    Examples
    --------
    >>> column_mapping({"id": "tid", "text": "body", "author": "user", "time": "when", "lang": "l"})["lang"]
    'l'
    >>> column_mapping("id=tid,text=body")
    Traceback (most recent call last):
    ...
    swchat.errors.InputFormatError: the column mapping has no author, time (required: id, text, author, time)
    """
    if isinstance(spec, Mapping):
        pairs = [(str(k), str(v)) for k, v in spec.items()]
    else:
        text = str(spec)
        path = Path(text)
        lines: list[str]
        if isinstance(spec, Path) or ("=" not in text and text.strip()):
            try:
                lines = path.read_text(encoding="utf-8-sig").splitlines()
            except (OSError, UnicodeDecodeError) as exc:
                raise InputFormatError(f"cannot read the column mapping {text}: "
                                       f"{getattr(exc, 'strerror', None) or exc}", text) from None
        else:
            lines = text.split(",")
        pairs = []
        for part in lines:
            part = part.strip()
            if not part or part.startswith("#"):
                continue
            field, sep, column = part.partition("=")
            if not sep or not field.strip() or not column.strip():
                raise InputFormatError(f"{part!r} in the column mapping is not field=Column")
            pairs.append((field, column))
    mapping: dict[str, str] = {}
    for field, column in pairs:
        field = field.strip().lower()
        if field not in FIELDS:
            raise InputFormatError(f"unknown field {field!r} in the column mapping; fields: {', '.join(FIELDS)}")
        if field in mapping:
            raise InputFormatError(f"the column mapping names {field!r} twice")
        mapping[field] = column.strip()
    missing = [f for f in REQUIRED if f not in mapping]
    if missing:
        raise InputFormatError(f"the column mapping has no {', '.join(missing)} "
                               f"(required: {', '.join(REQUIRED)})")
    return mapping


def sniff(head: Head) -> str | None:
    """Never claims a file (a mapping must be given); refuses a CSV no other format claimed,
    with a hint to map its columns.

    Examples
    --------
    >>> sniff(Source.from_bytes(b"when,who,what\\n1,2,3\\n").head())
    "a CSV file of no format swchat knows (its columns: 'when', 'who', 'what'); map them with --columns id=…,text=…,author=…,time=…"
    """
    if head.first_char in (b"{", b"["):
        return None
    layout = sheet_layout(head)
    if layout is None or len(layout.header) < 3 or not all(0 < len(name) <= 80 for name in layout.header[:3]):
        return None
    shown = layout.header[:30]
    listed = ", ".join(repr(name) for name in shown) + (f" and {len(layout.header) - 30} more"
                                                        if len(layout.header) > 30 else "")
    return (f"a CSV file of no format swchat knows (its columns: {listed}); map them with "
            "--columns id=…,text=…,author=…,time=…")


def _find(header: list[str], column: str) -> int | None:
    """A column's position: its exact name, else the same name in another case or spacing."""
    if column in header:
        return header.index(column)
    folded = " ".join(column.lower().split())
    for i, name in enumerate(header):
        if " ".join(name.lower().split()) == folded:
            return i
    return None


def _kind(value: str | None) -> str | None:
    if value is None:
        return None
    kind = _KINDS.get(" ".join(value.strip().lower().replace("-", " ").split()))
    if kind is None:
        raise ValueError(f"kind {value.strip()!r} is not one of original, reply, retweet, quote")
    return kind


def _convert(fields: list[str], at: dict[str, int], at_name: dict[str, str], clock: Clock,
             rounded: bool) -> tuple[dict, dict]:
    """The validated canonical post and account rows of one row (``at_name``: how to name each
    field's column in messages)."""

    def get(field: str) -> str | None:
        i = at.get(field)
        if i is None:
            return None
        value = fields[i].strip()
        return value if value and value != "NA" else None

    def ident(field: str) -> str | None:
        if field not in at:
            return None
        return x_id(get(field), at_name[field], rounded=rounded and field == "id", main=field == "id")

    post_id = ident("id")
    if not post_id:
        raise ValueError(f"{at_name['id']} is missing")
    handle = (get("author") or "").lstrip("@＠").strip()
    if not handle:
        raise ValueError(f"{at_name['author']} is missing")
    raw_text = fields[at["text"]]
    text = plain_text(cell_text(raw_text, at_name["text"])) or ""
    created_at = clock.time(get("time"), post_id)
    author_id = get("author_id")
    if author_id is not None:
        author_id = x_id(author_id, at_name["author_id"], main=False) or author_id
    author_id = author_id or handle_id(handle)

    parent, retweeted, quoted = ident("reply_to"), ident("retweet_of"), ident("quote_of")
    parent_handle = (get("reply_to_author") or "").lstrip("@＠") or None
    text_kind, text_reply, text_rt = infer_kind(text)
    kind = _kind(get("kind"))
    replies_mapped = "reply_to" in at or "reply_to_author" in at
    if kind is None:
        if retweeted or ("retweet_of" not in at and text_kind == "retweet"):
            kind = "retweet"
        elif parent or parent_handle or (not replies_mapped and text_kind == "reply"):
            kind = "reply"
        elif quoted:
            kind = "quote"
        else:
            kind = "original"
    if kind == "reply" and not parent and not parent_handle:
        parent_handle = text_reply
    rt_handle = text_rt if kind == "retweet" else None

    tags, named, links = text_entities(text)
    hashtags = split_list(get("hashtags"), "#") if "hashtags" in at else tags
    mentions = split_list(get("mentions"), "@") if "mentions" in at else named
    urls = split_list(get("urls")) if "urls" in at else links
    if kind == "retweet":
        mentions = lead_mention(rt_handle, mentions)
    reply = kind == "reply"
    post = validate_post(new_post(
        platform="x",
        post_id=post_id,
        url=status_url(handle, post_id),
        created_at=created_at,
        author_id=author_id,
        author_handle=handle,
        author_name=get("author_name"),
        text=text,
        kind=kind,
        is_quote=kind == "quote" or (quoted is not None and kind == "reply"),
        reply_to_post_id=parent if reply else None,
        reply_to_author_id=handle_id(parent_handle) if reply and parent_handle and not parent else None,
        reply_to_handle=parent_handle if reply else None,
        quoted_post_id=quoted if kind != "retweet" else None,
        retweeted_post_id=retweeted if kind == "retweet" else None,
        hashtags=hashtags,
        mentions=mentions,
        urls=urls,
        lang=get("lang"),
    ))
    account = validate_account(new_account(
        platform="x", account_id=author_id, handle=handle, name=get("author_name"), snapshot_at=created_at))
    return post, account


def read(source: Source, *, columns: str | Path | Mapping[str, str] | None = None,
         tz: str | tzinfo | None = None) -> Iterator[Item]:
    """Yield the posts, account snapshots, rejected rows and notes of a CSV read through ``columns``.

    Parameters
    ----------
    source : Source
        The CSV (``,``, ``;`` or tab between fields; any of the encodings of
        :func:`~swchat.readers.sheets.sheet_layout`).
    columns : str, Path or mapping
        The column mapping (see :func:`column_mapping`).
    tz : str or tzinfo, optional
        The zone of times that do not say theirs (default UTC).

    Raises
    ------
    InputFormatError
        No mapping, a bad mapping, or a mapped column the file does not have (the message lists
        the file's header).
    """
    if columns is None:
        raise InputFormatError(f"{source.name}: a column mapping is needed to read a CSV as {NAME} "
                               "(--columns id=…,text=…,author=…,time=…)", source.name)
    mapping = column_mapping(columns)
    head = source.head()
    if not head.data.strip():
        raise InputFormatError(f"{source.name} is empty: there are no posts to import", source.name)
    layout = sheet_layout(head)
    if layout is None:
        raise InputFormatError(f"{source.name} is not a CSV file with a header row", source.name)
    at: dict[str, int] = {}
    missing: list[str] = []
    for field, column in mapping.items():
        i = _find(layout.header, column)
        if i is None:
            missing.append(f"{column!r} (for {field})")
        else:
            at[field] = i
    if missing:
        listed = ", ".join(repr(name) for name in layout.header)
        raise InputFormatError(f"{source.name} has no column {', '.join(missing)}; its columns are: {listed}",
                               source.name)
    rounded = rounded_ids(head, layout, at["id"])
    clock = Clock(tz, column=layout.header[at["time"]])
    width = len(layout.header)
    keys = row_keys(layout.header)
    at_name = {field: layout.header[i] if field == "id" else f"{field} ({layout.header[i]})"
               for field, i in at.items()}
    rows = DataRows(source, layout)
    rows.prime([(clock, [at["time"]])])
    for item in rows:
        if isinstance(item, Rejected):
            yield item
            continue
        line, fields = item
        try:
            fields = fit(fields, width)
            post, account = _convert(fields, at, at_name, clock, rounded)
        except RECORD_ERRORS as exc:
            yield rows.rejected(line, fields, exc)
            continue
        yield Post(post, row_json(keys, fields), line)
        yield Account(account)
    inferred = [f for f in ("kind", "hashtags", "mentions") if f not in mapping]
    yield from rows.end(clock, [f"not mapped, so inferred from the text: {', '.join(inferred)}"] if inferred else [])


FORMAT = register(Format(name=NAME, label="any CSV with a column mapping (--columns)", sniff=sniff, read=read,
                         stretches="csv", tallied=tallied))
