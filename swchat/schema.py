"""The canonical post and account columns, their dtypes, and the one validation every reader uses.

One row per post, whatever the platform (see DESIGN.md, "Canonical data"): IDs are strings,
times are timezone-aware UTC, lists are lists. Readers build plain ``dict`` rows with the keys
of :data:`POST_COLUMNS` and pass each through :func:`validate_post`; the archive stores them;
:func:`posts_frame` turns rows into a typed :class:`pandas.DataFrame`.

Times travel through readers and the archive as ISO-8601 UTC strings with milliseconds
(``2012-03-13T20:01:02.000Z``), which sort correctly as text; :func:`iso_utc` makes them.

Examples
--------
>>> row = new_post(platform="x", post_id="1", created_at="2012-03-13T20:01:02.000Z",
...                author_id="9", author_handle="ann", text="Hello #SWChat",
...                hashtags=["SWChat"])
>>> validate_post(row)["kind"]
'original'
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from .errors import SelectionError

if TYPE_CHECKING:  # pragma: no cover
    from zoneinfo import ZoneInfo

    import pandas as pd

__all__ = [
    "ACCOUNT_COLUMNS",
    "ACCOUNT_DTYPES",
    "DERIVE_COLUMNS",
    "KINDS",
    "PLATFORMS",
    "POST_COLUMNS",
    "POST_DTYPES",
    "TEXT",
    "account_entry",
    "accounts_frame",
    "is_iso_time",
    "iso_utc",
    "light_posts",
    "new_account",
    "new_post",
    "posts_frame",
    "time_zone",
    "validate_account",
    "validate_post",
]

PLATFORMS = ("x", "mastodon", "bluesky")
KINDS = ("original", "reply", "retweet", "quote")

#: The dtype of text columns: pandas' string dtype stored as Python strings. Written out because
#: pandas 3 otherwise stores strings in Arrow when pyarrow is installed (as it is, for Parquet),
#: which makes the per-post work of the analyses (regular expressions, mappings) 1.5–2× slower.
TEXT = "string[python]"

#: Canonical post columns, in order, with their pandas dtypes.
POST_DTYPES: dict[str, str] = {
    "platform": TEXT,
    "post_id": TEXT,
    "url": TEXT,
    "created_at": "datetime64[ns, UTC]",
    "author_id": TEXT,
    "author_handle": TEXT,
    "author_name": TEXT,
    "text": TEXT,
    "kind": TEXT,
    "is_quote": "bool",
    "reply_to_post_id": TEXT,
    "reply_to_author_id": TEXT,
    "reply_to_handle": TEXT,
    "quoted_post_id": TEXT,
    "retweeted_post_id": TEXT,
    "conversation_id": TEXT,
    "hashtags": "object",
    "mentions": "object",
    "urls": "object",
    "lang": TEXT,
    "source_app": TEXT,
    "like_count": "Int64",
    "repost_count": "Int64",
    "reply_count": "Int64",
    "quote_count": "Int64",
    "collected_at": "datetime64[ns, UTC]",
    "is_context": "bool",
    "origin": TEXT,
}
POST_COLUMNS: tuple[str, ...] = tuple(POST_DTYPES)
#: The canonical post columns :func:`swchat.derive.derive_sessions` reads: a selection with only
#: these filled (``Archive.posts(..., columns=DERIVE_COLUMNS)``) derives exactly the same tables,
#: read and decoded in less time (no ``urls``, counts, names or provenance). Here, free of pandas,
#: so that an import can bring the session tables up to date without loading pandas when no
#: stretch needs deriving (see :meth:`swchat.session_store.SessionStore.refresh_derived`).
DERIVE_COLUMNS: tuple[str, ...] = (
    "platform", "post_id", "created_at", "author_id", "author_handle", "kind", "is_quote", "is_context", "text",
    "hashtags", "mentions", "reply_to_post_id", "reply_to_author_id", "reply_to_handle", "retweeted_post_id",
    "quoted_post_id")

#: Canonical account columns (one row per platform account, newest snapshot wins).
ACCOUNT_DTYPES: dict[str, str] = {
    "platform": TEXT,
    "account_id": TEXT,
    "handle": TEXT,
    "name": TEXT,
    "description": TEXT,
    "followers": "Int64",
    "following": "Int64",
    "location": TEXT,
    "created_at": "datetime64[ns, UTC]",
    "snapshot_at": "datetime64[ns, UTC]",
}
ACCOUNT_COLUMNS: tuple[str, ...] = tuple(ACCOUNT_DTYPES)

_LIST_COLUMNS = ("hashtags", "mentions", "urls")
_POST_TEMPLATE: dict[str, Any] = {
    **dict.fromkeys(POST_COLUMNS), "is_quote": False, "is_context": False, "kind": "original"}
_TEXT_COLUMNS = ("url", "author_handle", "author_name", "text", "reply_to_handle", "lang", "source_app")
_ID_COLUMNS = ("post_id", "author_id", "reply_to_post_id", "reply_to_author_id",
               "quoted_post_id", "retweeted_post_id", "conversation_id")
_INT_COLUMNS = ("like_count", "repost_count", "reply_count", "quote_count")
_REQUIRED = ("platform", "post_id", "created_at", "author_id", "kind")
_MISSING = (None, "")


def new_post(**values: Any) -> dict[str, Any]:
    """Return a canonical post row: every column present, unset ones empty.

    Parameters
    ----------
    **values
        Column values; unknown names raise ``KeyError``.

    Returns
    -------
    dict
        A row with all of :data:`POST_COLUMNS` (lists default to ``[]``, flags to ``False``,
        ``kind`` to ``"original"``).

    Examples
    --------
    >>> new_post(post_id="1")["hashtags"]
    []
    """
    unknown = values.keys() - _POST_TEMPLATE.keys()
    if unknown:
        raise KeyError(f"not a canonical post column: {sorted(unknown)[0]!r}")
    row = {**_POST_TEMPLATE, "hashtags": [], "mentions": [], "urls": [], **values}
    return row


def new_account(**values: Any) -> dict[str, Any]:
    """Return a canonical account row with every column present.

    Examples
    --------
    >>> new_account(platform="x", account_id="9", handle="ann")["followers"] is None
    True
    """
    row: dict[str, Any] = dict.fromkeys(ACCOUNT_COLUMNS)
    for key, value in values.items():
        if key not in row:
            raise KeyError(f"not a canonical account column: {key!r}")
        row[key] = value
    return row


def iso_utc(value: datetime) -> str:
    """Format a datetime as the canonical ISO-8601 UTC text with milliseconds.

    Naive datetimes are taken to be UTC.

    Examples
    --------
    >>> from datetime import datetime, timezone, timedelta
    >>> iso_utc(datetime(2012, 3, 13, 21, 1, 2, tzinfo=timezone(timedelta(hours=1))))
    '2012-03-13T20:01:02.000Z'
    """
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def account_entry(text: str) -> str:
    """An account as a person names it (handle, ``@handle``, ``@user@host``, profile or post
    link, account id), in the one form opt-out lists and the consent registry keep.

    Handles are lower-cased without ``@``; a Mastodon account becomes ``user@host`` (from
    ``@user@host`` or ``https://host/@user``); an X or Bluesky link gives its handle; an account
    id stays as written. An empty result means the text names no account.

    Examples
    --------
    >>> [account_entry(t) for t in ["@Ann", "https://x.com/Cat/status/1", "bsky.app/profile/dan.bsky.social",
    ...                             "https://social.coop/@Eve", "@fay@mastodon.social", "1234567", "  "]]
    ['ann', 'cat', 'dan.bsky.social', 'eve@social.coop', 'fay@mastodon.social', '1234567', '']
    """
    import re

    entry = text.strip()
    link = re.match(r"^(?:https?://)?(?:www\.|mobile\.)?(?:twitter\.com|x\.com|bsky\.app/profile)/([^/?#\s]+)",
                    entry, re.IGNORECASE)
    if link:
        entry = link.group(1)
    else:
        fedi = re.match(r"^(?:https?://)([^/\s]+)/@([^/?#\s@]+)", entry, re.IGNORECASE)
        if fedi:
            entry = f"{fedi.group(2)}@{fedi.group(1)}"
    return entry.lstrip("@").lower()


def time_zone(tz: str | None) -> ZoneInfo:
    """The time zone named ``tz`` (``None`` is UTC), or a one-sentence error.

    Chats are local events: every analysis shows times in the zone the user names, while the
    archive stores UTC.

    Raises
    ------
    SelectionError
        For a name that is not an IANA time zone.

    Examples
    --------
    >>> time_zone("Europe/London").key, time_zone(None).key
    ('Europe/London', 'UTC')
    >>> time_zone("Mars/Olympus")
    Traceback (most recent call last):
    ...
    swchat.errors.SelectionError: unknown time zone 'Mars/Olympus' (use a name such as Europe/London or UTC)
    """
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError  # here: the CLI starts fast without it

    try:
        return ZoneInfo(tz or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        raise SelectionError(f"unknown time zone {tz!r} (use a name such as Europe/London or UTC)") from None


def is_iso_time(value: Any) -> bool:
    """Whether a value is a time as the archive stores it: ISO UTC with milliseconds, a real
    date and time (``2012-03-13T20:01:02.000Z``; not ``…T25:00:00.000Z`` nor ``…-02-31T…``).

    Examples
    --------
    >>> is_iso_time("2012-03-13T20:01:02.000Z"), is_iso_time("2012-03-13T25:01:02.000Z"), is_iso_time("2012")
    (True, False, False)
    """
    if value.__class__ is not str or len(value) != 24 or value[-1] != "Z" or value[10] != "T" or value[19] != ".":
        return False
    try:
        datetime.fromisoformat(value[:-1])
    except ValueError:
        return False
    return True


def _check_time(value: Any, column: str) -> str:
    if not is_iso_time(value):
        raise ValueError(f"{column} is not an ISO UTC time like 2012-03-13T20:01:02.000Z: {value!r}")
    return value


def validate_post(row: dict[str, Any]) -> dict[str, Any]:
    """Check a canonical post row in place and return it.

    Every reader calls this on every row it yields, so the archive only ever holds rows of
    one shape. A row that fails raises ``ValueError`` whose message becomes the rejection
    reason recorded with the file and line.

    Parameters
    ----------
    row : dict
        A row made by :func:`new_post` (or with the same keys).

    Returns
    -------
    dict
        The same row (IDs coerced to ``str``, empty strings in ID columns turned to ``None``, what
        is not text left out of ``hashtags``, ``mentions`` and ``urls``: an export's hashtag
        given as a number is no name, and must not stop an import).

    Raises
    ------
    ValueError
        When a required value is missing or a value has the wrong type.

    Examples
    --------
    >>> validate_post(new_post(platform="x", post_id="", created_at="2012-03-13T20:01:02.000Z",
    ...                        author_id="9"))
    Traceback (most recent call last):
    ...
    ValueError: post has no post_id
    """
    # Plain loops over the columns are what CPython 3.11 runs fastest here; each check tests
    # the common well-typed value first (``__class__ is``) before the general rule.
    get = row.get
    for column in _REQUIRED:
        if get(column) in _MISSING:
            raise ValueError(f"post has no {column}")
    if row["platform"] not in PLATFORMS:
        raise ValueError(f"unknown platform {row['platform']!r}")
    kind = row["kind"]
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}")
    _check_time(row["created_at"], "created_at")
    if get("collected_at") is not None:
        _check_time(row["collected_at"], "collected_at")
    for column in _ID_COLUMNS:
        value = get(column)
        if value is None or (value.__class__ is str and value):
            continue
        if not isinstance(value, str | int):
            raise ValueError(f"{column} is not an id: {value!r}")
        row[column] = str(value) if value != "" else None
    for column in _TEXT_COLUMNS:
        value = get(column)
        if value is not None and value.__class__ is not str:
            raise ValueError(f"{column} is not text: {type(value).__name__}")
    for column in _LIST_COLUMNS:
        value = get(column)
        if value.__class__ is list:
            for item in value:
                if item.__class__ is not str:  # a hashtag, handle or link that is no text is no name
                    row[column] = [item for item in value if isinstance(item, str)]
                    break
            continue
        if value is None:
            row[column] = []
        elif not isinstance(value, list):
            raise ValueError(f"{column} must be a list, got {type(value).__name__}")
        else:  # a list subclass
            row[column] = [item for item in value if isinstance(item, str)]
    for column in _INT_COLUMNS:
        value = get(column)
        if value is None or value.__class__ is int:
            continue
        if not isinstance(value, int):
            try:
                row[column] = int(value)
            except (TypeError, ValueError):
                raise ValueError(f"{column} is not a whole number: {value!r}") from None
    if kind == "reply" and not get("reply_to_post_id") and not get("reply_to_author_id"):
        raise ValueError("reply without the post or account it replies to")
    return row


def validate_account(row: dict[str, Any]) -> dict[str, Any]:
    """Check a canonical account row in place and return it.

    A time that is no real time (``created_at``, ``snapshot_at``), a count that is no number and
    a handle, name, description or location that is no text are left empty: the account and its
    posts are kept.

    Examples
    --------
    >>> validate_account(new_account(platform="x", account_id=9, handle="ann"))["account_id"]
    '9'
    >>> validate_account(new_account(platform="x", account_id="9", created_at="2010-09-02T25:00:00.000Z"))["created_at"]
    """
    if row.get("platform") not in PLATFORMS:
        raise ValueError(f"unknown platform {row.get('platform')!r}")
    if row.get("account_id") in (None, ""):
        raise ValueError("account has no account_id")
    row["account_id"] = str(row["account_id"])
    for column in ("handle", "name", "description", "location"):  # a value that is no text is left empty
        value = row.get(column)
        if value is not None and not isinstance(value, str):
            row[column] = None
    for column in ("created_at", "snapshot_at"):
        value = row.get(column)
        if value is not None and not is_iso_time(value):
            row[column] = None
    for column in ("followers", "following"):
        value = row.get(column)
        if value is not None and not isinstance(value, int):
            try:
                row[column] = int(value)
            except (TypeError, ValueError):
                row[column] = None
    return row


def _as_list(value: Any) -> list:
    if value is None or (isinstance(value, float) and value != value):  # None or NaN
        return []
    return list(value)


def _typed(frame, dtypes: dict[str, str]):
    import pandas as pd

    for column, dtype in dtypes.items():
        if column not in frame:
            frame[column] = pd.Series([None] * len(frame), dtype="object")
        if dtype.startswith("datetime64"):
            frame[column] = pd.to_datetime(frame[column], utc=True, format="ISO8601").astype(dtype)
        elif dtype == "object":
            frame[column] = [v if v.__class__ is list else _as_list(v) for v in frame[column]]
        elif dtype == "bool":
            frame[column] = frame[column].fillna(False).astype(bool)
        else:
            frame[column] = frame[column].astype(dtype)
    return frame[list(dtypes)]


def posts_frame(rows: Any) -> pd.DataFrame:
    """Build a typed posts :class:`pandas.DataFrame` from canonical rows.

    Parameters
    ----------
    rows : iterable of dict
        Canonical post rows (missing columns are filled empty).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`POST_COLUMNS` with :data:`POST_DTYPES`.

    Examples
    --------
    >>> df = posts_frame([new_post(platform="x", post_id="1", author_id="9",
    ...                            created_at="2012-03-13T20:01:02.000Z")])
    >>> str(df["created_at"].dtype)
    'datetime64[ns, UTC]'
    """
    import pandas as pd

    frame = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(list(rows))
    return _typed(frame, POST_DTYPES)


def accounts_frame(rows: Any) -> pd.DataFrame:
    """Build a typed accounts :class:`pandas.DataFrame` from canonical account rows.

    Examples
    --------
    >>> accounts_frame([new_account(platform="x", account_id="9", handle="ann")]).shape
    (1, 10)
    """
    import pandas as pd

    return _typed(pd.DataFrame(list(rows)), ACCOUNT_DTYPES)


def light_posts(posts: pd.DataFrame) -> pd.DataFrame:
    """A light frame of canonical posts for the session analyses, in (time, id) order.

    Keeps ``post_id``, ``created_at`` (UTC, nanoseconds), ``author_id``, ``author_handle`` (the id
    when the handle is missing), ``kind``, ``text``, the reference ids, ``is_context``,
    ``platform`` and ``hashtags``; ids become object arrays with ``None`` for missing values. The
    frame's ``attrs["light"]`` says it is one.

    Raises
    ------
    ValueError
        When ``posts`` lacks the canonical ``post_id`` or ``created_at`` columns.

    Examples
    --------
    >>> frame = light_posts(posts_frame([new_post(platform="x", post_id="2", author_id="9",
    ...     created_at="2026-09-02T19:01:00.000Z"), new_post(platform="x", post_id="1",
    ...     author_id="9", author_handle="ann", created_at="2026-09-02T19:00:00.000Z")]))
    >>> frame["post_id"].tolist(), frame["author_handle"].tolist()
    (['1', '2'], ['ann', '9'])
    """
    import numpy as np
    import pandas as pd

    if "post_id" not in posts or "created_at" not in posts:
        raise ValueError("posts must have the canonical columns (see swchat.schema)")
    posts = posts.reset_index(drop=True)
    n = len(posts)

    def ids(column: str) -> Any:
        # object dtype with None for missing (pandas 3 would otherwise infer "str" with NaN)
        if column not in posts:
            return pd.Series(np.full(n, None, dtype=object), dtype=object)
        values = posts[column].astype(object).to_numpy()
        return pd.Series(np.where(pd.isna(values), None, values), dtype=object)

    frame = pd.DataFrame({
        "post_id": ids("post_id"),
        "created_at": pd.to_datetime(posts["created_at"], utc=True).dt.as_unit("ns"),
        "author_id": ids("author_id"),
        "author_handle": ids("author_handle"),
        "kind": ids("kind"),
        "text": ids("text"),
        "reply_to_post_id": ids("reply_to_post_id"),
        "reply_to_author_id": ids("reply_to_author_id"),
        "retweeted_post_id": ids("retweeted_post_id"),
        "quoted_post_id": ids("quoted_post_id"),
        "is_context": posts["is_context"].to_numpy(bool) if "is_context" in posts else np.zeros(n, bool),
        "platform": ids("platform"),
        "hashtags": pd.Series(posts["hashtags"].to_numpy(object) if "hashtags" in posts
                              else np.full(n, None, object), dtype=object),
    })
    handle = frame["author_handle"].to_numpy(object)
    frame["author_handle"] = pd.Series(np.where(pd.isna(handle), frame["author_id"].to_numpy(object), handle),
                                       dtype=object)
    frame = frame.sort_values(["created_at", "post_id"], kind="stable").reset_index(drop=True)
    frame.attrs["light"] = True  # so that it is not prepared twice
    return frame
