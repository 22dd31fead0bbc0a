"""Publishing with care: leave opted-out accounts out, and pseudonymise everyone else.

Both are *transformations of the chat* applied before any analysis runs, so every section of a
report — and every analysis added later — sees only the protected data, by construction:

- :func:`exclude_accounts` removes the posts of accounts that asked to be left out (and the
  retweets of their posts, which carry their words), drops their profiles, and hides their
  handle, display name and id wherever other people's posts mention them: ``@handle`` becomes
  ``@[opted-out]``, a link to their profile or posts becomes ``[opted-out link]``, and the
  reply/mention fields that would make them a node of the network are cleared;
- :func:`pseudonymise` replaces every account by a stable pseudonym such as
  ``participant_3f9a2c81``, derived as HMAC-SHA256(secret, ``"<platform>:<account_id>"``). The same
  account gets the same pseudonym in every report made with the same secret; without the secret
  nobody can recompute the mapping (hashing guessed handles does not help). Handles, names,
  ids, mentions in text, profile and post links, post ids and profile descriptions are all
  rewritten. A mentioned account whose id is unknown is keyed by its handle instead
  (``"<platform>:@<handle>"``).

Pseudonyms hide names, not words: a verbatim quote can still be searched for on the platform.
Paraphrase, or ask for consent, before publishing what people wrote.

:func:`protect` applies both to a :class:`~swchat.chat.Chat`; :class:`Privacy` is the policy
object behind it. It protects the chat's :class:`~swchat.chat.History` too (the participation
behind newcomers and the change since the previous session), so nothing that looks further
back sees an opted-out account or a real name.

Examples
--------
>>> from swchat.chat import Chat
>>> from swchat.schema import new_post, posts_frame
>>> posts = posts_frame([
...     new_post(platform="x", post_id="1", author_id="11", author_handle="ann", author_name="Ann Lee",
...              created_at="2026-09-02T19:00:00.000Z", text="Q1: hi #SWChat"),
...     new_post(platform="x", post_id="2", author_id="22", author_handle="bob",
...              created_at="2026-09-02T19:01:00.000Z", text="Agree with @ann! #SWChat",
...              mentions=["ann"])])
>>> chat = exclude_accounts(Chat(posts=posts), ["@ann"])
>>> chat.own_posts["text"].tolist()
['Agree with @[opted-out]! #SWChat']
>>> anon = pseudonymise(Chat(posts=posts), b"a secret of at least sixteen bytes")
>>> bool(anon.own_posts["author_handle"].str.startswith("participant_").all())
True
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from .errors import SwchatError
from .schema import TEXT, account_entry

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from .chat import Chat, History

#: A chat of any class (a :class:`swchat.Chat` stays one when protected).
ChatT = TypeVar("ChatT", bound="Chat")

__all__ = [
    "OPTED_OUT",
    "OPTED_OUT_LINK",
    "SECRET_ENV",
    "Privacy",
    "PrivacyError",
    "alias_authors",
    "as_secret",
    "checked_entry",
    "exclude_accounts",
    "link_people",
    "merge_handle_authors",
    "merge_handle_profiles",
    "protect",
    "pseudonym",
    "pseudonymise",
    "read_account_column",
    "read_account_list",
    "read_people",
    "read_persons",
    "read_secret",
]

#: What an opted-out account's handle or name becomes in other people's text.
OPTED_OUT = "[opted-out]"
#: What a link to an opted-out account's profile or post becomes.
OPTED_OUT_LINK = "[opted-out link]"
#: What a link to a profile or post becomes in a pseudonymised chat.
REMOVED_LINK = "[post link removed]"
#: The environment variable holding the pseudonymisation secret.
SECRET_ENV = "SWCHAT_SECRET"
#: The shortest secret accepted (a short secret could be guessed by brute force).
MIN_SECRET_BYTES = 16
#: A secret must also hold at least this many different bytes: sixteen identical characters
#: (or ``abababab…``) are long enough but easy to guess (issue 12).
MIN_SECRET_DISTINCT = 8

_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"']+|\b(?:twitter\.com|x\.com|bsky\.app)/[^\s<>\"']*",
                  re.IGNORECASE)
_MENTION = re.compile(r"(?<![\w@/.])@([A-Za-z0-9_]{1,50}(?:@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)?)")
_PLATFORM_LINK = re.compile(
    r"^(?:https?://)?(?:www\.|mobile\.)?(?:twitter\.com|x\.com|bsky\.app)(?:/|$)|/@[\w.-]+|/users/[\w.-]+",
    re.IGNORECASE,
)
#: First path segments of platform links that are not accounts (x.com/i/web/status/…, /search …).
_NOT_HANDLES = frozenset({"i", "intent", "search", "hashtag", "home", "explore", "share", "settings", "tags"})
_SHORT_LINK = re.compile(r"(?:https?://)?t\.co/\w+", re.IGNORECASE)
_SAFE_META = ("timezone", "tz", "since", "until", "platform")
#: How a person whose accounts are linked (:func:`link_people`) is named: ``person:<label>``.
PERSON = "person:"
_POST_ID_COLUMNS = ("post_id", "reply_to_post_id", "quoted_post_id", "retweeted_post_id", "conversation_id")


class PrivacyError(SwchatError):
    """A privacy option cannot be applied (no secret, an unreadable account list)."""


# -- inputs ---------------------------------------------------------------------------


def read_account_list(path: str | Path) -> list[str]:
    """Read an opt-out list: one handle, ``@handle``, account id or profile link per line.

    Blank lines and ``#`` comments (whole lines, or the rest of a line) are ignored.

    Parameters
    ----------
    path : str or Path
        The file.

    Returns
    -------
    list of str
        The entries as :func:`swchat.schema.account_entry` writes them (lower case, no ``@``).

    Raises
    ------
    PrivacyError
        When the file cannot be read.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "optout.txt"
    >>> _ = f.write_text("# asked on 2026-09-03\\n@ann\\n1234567  # bob's id\\n\\nhttps://x.com/Cat\\n")
    >>> read_account_list(f)
    ['ann', '1234567', 'cat']
    """
    lines = _read_text(path, "account list").splitlines()
    entries = []
    for number, line in enumerate(lines, 1):
        entry = account_entry(line.split("#", 1)[0])
        if entry:
            entries.append(checked_entry(entry, f"{path}, line {number}"))
    return entries


def checked_entry(entry: str, where: str) -> str:
    """An account entry, refused when it cannot name an account (it holds spaces: a person's
    name, say, where a handle was expected).

    Raises
    ------
    PrivacyError
        Saying where the entry came from.

    Examples
    --------
    >>> checked_entry("ann", "the command line")
    'ann'
    >>> checked_entry("ann lee", "consent.csv, line 3")
    Traceback (most recent call last):
    ...
    swchat.privacy.PrivacyError: consent.csv, line 3: 'ann lee' is not a handle, profile link or account id
    """
    if any(ch.isspace() for ch in entry):
        raise PrivacyError(f"{where}: {entry!r} is not a handle, profile link or account id")
    return entry


def _read_text(path: str | Path, what: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise PrivacyError(f"cannot read the {what} {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise PrivacyError(f"cannot read the {what} {path}: it is not a text file (UTF-8)") from None


def _csv_rows(text: str) -> list[dict[str, str]]:
    import csv

    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return list(csv.DictReader(text.splitlines(), dialect=dialect))


def read_account_column(path: str | Path, column: str) -> list[str]:
    """Read the accounts of one column of a CSV file (``,``, ``;`` or tab separated, header first).

    Raises
    ------
    PrivacyError
        When the file cannot be read or has no such column (the message lists its columns).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "consent.csv"
    >>> _ = f.write_text("Name;Handle;Date\\nAnn Lee;@Ann;2026-09-03\\nBob;https://x.com/bob;2026-09-04\\n")
    >>> read_account_column(f, "Handle")
    ['ann', 'bob']
    """
    rows = _csv_rows(_read_text(path, "account list"))
    header = list(rows[0]) if rows else []
    if column not in header:
        raise PrivacyError(f"{path} has no column {column!r}; its columns are: {', '.join(header) or '(none)'}")
    entries = [(number, account_entry(r.get(column) or "")) for number, r in enumerate(rows, 2)]
    return [checked_entry(e, f"{path}, line {number}") for number, e in entries if e]


def read_people(path: str | Path) -> dict[str, set[str]]:
    """Read a people file: which accounts (on any platform) belong to the same person.

    A CSV file with the columns ``person`` (any label) and ``account`` (handle, ``@user@host``,
    profile link or account id), one row per account. So an opt-out given for one account can
    follow the person to their others.

    Returns
    -------
    dict
        Each account (as :func:`swchat.schema.account_entry` writes it) → every account of its person.

    Raises
    ------
    PrivacyError
        When the file cannot be read or lacks a column.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "people.csv"
    >>> _ = f.write_text("person,account\\nann,@ann_sw\\nann,https://social.coop/@ann\\nbob,@bob\\n")
    >>> sorted(read_people(f)["ann_sw"])
    ['ann@social.coop', 'ann_sw']
    """
    rows = _csv_rows(_read_text(path, "people file"))
    header = list(rows[0]) if rows else []
    missing = [c for c in ("person", "account") if c not in header]
    if missing:
        raise PrivacyError(f"the people file {path} needs the columns person and account; "
                           f"its columns are: {', '.join(header) or '(none)'}")
    persons: dict[str, set[str]] = {}
    for row in rows:
        entry = account_entry(row.get("account") or "")
        if entry:
            persons.setdefault((row.get("person") or "").strip().lower(), set()).add(entry)
    return {entry: accounts for accounts in persons.values() for entry in accounts}


def read_persons(path: str | Path) -> dict[str, str]:
    """Read a people file (as :func:`read_people`) as each account's person: account → person label.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "people.csv"
    >>> _ = f.write_text("person,account\\nAnn,@ann@social.coop\\nAnn,ann.bsky.social\\n")
    >>> read_persons(f)
    {'ann@social.coop': 'Ann', 'ann.bsky.social': 'Ann'}
    """
    rows = _csv_rows(_read_text(path, "people file"))
    header = list(rows[0]) if rows else []
    if "person" not in header or "account" not in header:
        read_people(path)  # the one error message for a file without the columns
    out: dict[str, str] = {}
    for row in rows:
        entry, person = account_entry(row.get("account") or ""), (row.get("person") or "").strip()
        if entry and person:
            out[entry] = person
    return out


def link_people(chat: ChatT, people: Mapping[str, str]) -> ChatT:
    """A new chat in which the accounts of one person are one participant: ``person:<label>``.

    Each post by (or replying to) an account listed in ``people`` (account entry → person, as
    :func:`read_persons` gives) gets the author id ``person:<label>``; the handle and the
    platform stay, so a network has one node for the person (with the edges of all their
    accounts, its ``accounts`` attribute listing them) and every count of accounts counts them
    once. Accounts are matched by handle or by id (any form :func:`swchat.schema.account_entry`
    reads).

    Examples
    --------
    >>> from swchat.chat import Chat
    >>> from swchat.schema import new_post, posts_frame
    >>> rows = [new_post(platform="mastodon", post_id="m1", author_id="https://a.example/@ann",
    ...                  author_handle="ann@a.example", created_at="2026-10-07T19:00:00Z"),
    ...         new_post(platform="bluesky", post_id="b1", author_id="did:plc:ann", author_handle="ann.bsky.social",
    ...                  created_at="2026-10-07T19:01:00Z")]
    >>> chat = Chat(posts=posts_frame(rows))
    >>> chat.participants, link_people(chat, {"ann@a.example": "Ann", "ann.bsky.social": "Ann"}).participants
    (2, 1)
    """
    from dataclasses import replace

    if not people:
        return chat
    known = {account_entry(str(k)): str(v) for k, v in people.items()}
    # the ids of the listed handles, learnt from the posts and profiles (a reply may name its
    # parent's author by id only, as a Bluesky DID)
    pairs = list(zip(chat.posts["author_id"], chat.posts["author_handle"], strict=True))
    if chat.profiles is not None and len(chat.profiles):
        pairs += list(zip(chat.profiles["account_id"], chat.profiles["handle"], strict=True))
    for aid, handle in pairs:
        if not _is_blank(aid) and not _is_blank(handle) and account_entry(str(handle)) in known:
            known.setdefault(account_entry(str(aid)), known[account_entry(str(handle))])

    def person(account_id: Any, handle: Any) -> Any:
        for value in (handle, account_id):
            if not _is_blank(value):
                found = known.get(account_entry(str(value)))
                if found:
                    return PERSON + found
        return account_id

    posts = chat.posts.copy()
    posts["author_id"] = [person(a, h) for a, h in zip(posts["author_id"], posts["author_handle"], strict=True)]
    posts["reply_to_author_id"] = [person(a, h) if not (_is_blank(a) and _is_blank(h)) else a
                                   for a, h in zip(posts["reply_to_author_id"], posts["reply_to_handle"], strict=True)]
    profiles = chat.profiles
    if profiles is not None and len(profiles):
        profiles = profiles.copy()
        profiles["account_id"] = [person(a, h) for a, h in zip(profiles["account_id"], profiles["handle"],
                                                                strict=True)]
    return replace(chat, posts=posts, profiles=profiles, meta={**chat.meta, "people": len(set(known.values()))})


def merge_handle_authors(chat: ChatT, aliases: Mapping[tuple[str, str], tuple[str, str]]) -> ChatT:
    """A new chat in which an author known only by handle is the account with that handle's id.

    A sheet without author ids records its authors as ``handle:<handle>``; ``aliases``
    (``(platform, "handle:<handle>")`` → ``(account_id, handle)``, as
    :meth:`swchat.archive.Archive.handle_aliases` reads them from the archive) names the account
    another export recorded under its id. Author and reply-to ids are rewritten, and the
    profiles follow (the id's own snapshot kept when the chat has it), so networks, counts and
    sessions see one account.

    Examples
    --------
    >>> from swchat.chat import Chat
    >>> from swchat.schema import new_post, posts_frame
    >>> rows = [new_post(platform="x", post_id="1", author_id="42", author_handle="Ann",
    ...                  created_at="2016-02-26T20:00:00Z"),
    ...         new_post(platform="x", post_id="2", author_id="handle:ann", author_handle="ann",
    ...                  created_at="2016-02-26T20:01:00Z")]
    >>> chat = Chat(posts=posts_frame(rows))
    >>> chat.participants, merge_handle_authors(chat, {("x", "handle:ann"): ("42", "Ann")}).participants
    (2, 1)
    """
    from dataclasses import replace

    if not aliases:
        return chat
    posts = chat.posts
    found = [(p, a) in aliases for p, a in zip(posts["platform"], posts["author_id"], strict=True)]
    replied = [(p, a) in aliases for p, a in zip(posts["platform"], posts["reply_to_author_id"], strict=True)]
    profiles = chat.profiles
    listed = [] if profiles is None else [(p, a) in aliases for p, a in
                                          zip(profiles["platform"], profiles["account_id"], strict=True)]
    if not (any(found) or any(replied) or any(listed)):
        return chat
    posts = posts.copy()
    posts["author_id"] = [aliases[(p, a)][0] if f else a for p, a, f in
                          zip(posts["platform"], posts["author_id"], found, strict=True)]
    posts["reply_to_author_id"] = [aliases[(p, a)][0] if f else a for p, a, f in
                                   zip(posts["platform"], posts["reply_to_author_id"], replied, strict=True)]
    if profiles is not None and any(listed):
        profiles = merge_handle_profiles(profiles, aliases)
    return replace(chat, posts=posts, profiles=profiles)


def merge_handle_profiles(profiles: pd.DataFrame, aliases: Mapping[tuple[str, str], tuple[str, str]]) -> pd.DataFrame:
    """The account snapshots of :func:`merge_handle_authors`: an account known only by handle
    takes the id of its alias, and an id listed twice keeps its own snapshot.

    Examples
    --------
    >>> from swchat.schema import accounts_frame, new_account
    >>> profiles = accounts_frame([new_account(platform="x", account_id="42", handle="Ann", name="Ann Lee"),
    ...                            new_account(platform="x", account_id="handle:ann", handle="ann")])
    >>> merge_handle_profiles(profiles, {("x", "handle:ann"): ("42", "Ann")})[["account_id", "name"]].values.tolist()
    [['42', 'Ann Lee']]
    """
    listed = [(p, a) in aliases for p, a in zip(profiles["platform"], profiles["account_id"], strict=True)]
    if not any(listed):
        return profiles
    ids = [aliases[(p, a)][0] if f else a for p, a, f in
           zip(profiles["platform"], profiles["account_id"], listed, strict=True)]
    profiles = profiles.assign(account_id=ids, _alias=listed)
    return (profiles.sort_values("_alias", kind="stable").drop_duplicates(["platform", "account_id"])
            .drop(columns="_alias").reset_index(drop=True))


def alias_authors(posts: pd.DataFrame, aliases: Mapping[tuple[str, str], tuple[str, str]]) -> pd.DataFrame:
    """Posts with the author and reply-to ids of accounts known only by handle replaced by their
    ids (``aliases``, :meth:`swchat.archive.Archive.handle_aliases`), for a slice of posts: the
    posts of :func:`merge_handle_authors`, their columns' types kept.

    Examples
    --------
    >>> from swchat.schema import new_post, posts_frame
    >>> posts = posts_frame([new_post(platform="x", post_id="2", author_id="handle:ann", author_handle="ann",
    ...                               created_at="2016-02-26T20:01:00Z")])
    >>> alias_authors(posts, {("x", "handle:ann"): ("42", "Ann")})["author_id"].tolist()
    ['42']
    """
    import pandas as pd

    if not aliases or posts.empty or "platform" not in posts:
        return posts
    out = posts
    for column in ("author_id", "reply_to_author_id"):
        if column in posts:
            values = [aliases[(p, a)][0] if (p, a) in aliases else a
                      for p, a in zip(posts["platform"], posts[column], strict=True)]
            out = out.assign(**{column: pd.Series(values, index=posts.index, dtype=posts[column].dtype)})
    return out


def read_secret(path: str | Path | None = None, *, env: str = SECRET_ENV) -> bytes:
    """The pseudonymisation secret, from a file or from ``$SWCHAT_SECRET``.

    Parameters
    ----------
    path : str or Path, optional
        A file holding the secret (surrounding white space is ignored). When not given, the
        environment variable ``env`` is used.
    env : str
        The environment variable to fall back on.

    Returns
    -------
    bytes
        The secret.

    Raises
    ------
    PrivacyError
        When there is no secret, it is shorter than :data:`MIN_SECRET_BYTES` (16) bytes, or it
        holds fewer than :data:`MIN_SECRET_DISTINCT` (8) different bytes.

    Examples
    --------
    >>> import os
    >>> os.environ["SWCHAT_EXAMPLE_SECRET"] = "0123456789abcdef0123"
    >>> read_secret(env="SWCHAT_EXAMPLE_SECRET")
    b'0123456789abcdef0123'
    """
    how = ('make one with: python -c "import secrets; print(secrets.token_hex(32))" > secret.txt '
           "and keep it private")
    if path is not None:
        try:
            secret = Path(path).read_bytes().strip()
        except OSError as exc:
            raise PrivacyError(f"cannot read the secret file {path}: {exc.strerror or exc}") from None
        where = str(path)
    else:
        secret = os.environ.get(env, "").strip().encode()
        where = f"${env}"
        if not secret:
            raise PrivacyError(f"pseudonymising needs a secret: give --secret-file or set ${env} ({how})")
    if len(secret) < MIN_SECRET_BYTES:
        raise PrivacyError(f"the secret in {where} is too short (at least {MIN_SECRET_BYTES} characters; {how})")
    if len(set(secret)) < MIN_SECRET_DISTINCT:
        raise PrivacyError(f"the secret in {where} is too easy to guess (it needs at least {MIN_SECRET_DISTINCT} "
                           f"different characters; {how})")
    return secret


def as_secret(secret: str | bytes) -> bytes:
    """A secret as bytes, refused when shorter than :data:`MIN_SECRET_BYTES` or made of fewer
    than :data:`MIN_SECRET_DISTINCT` different bytes (surrounding white space is ignored).

    Examples
    --------
    >>> as_secret(" 0123456789abcdef ")
    b'0123456789abcdef'
    >>> as_secret("a" * 16)
    Traceback (most recent call last):
    ...
    swchat.privacy.PrivacyError: the pseudonymisation secret must have at least 8 different characters
    """
    value = (secret.encode() if isinstance(secret, str) else bytes(secret)).strip()
    if len(value) < MIN_SECRET_BYTES:
        raise PrivacyError(f"the pseudonymisation secret must be at least {MIN_SECRET_BYTES} characters")
    if len(set(value)) < MIN_SECRET_DISTINCT:
        raise PrivacyError(f"the pseudonymisation secret must have at least {MIN_SECRET_DISTINCT} different characters")
    return value


def pseudonym(secret: str | bytes, platform: str, account_id: str, *, prefix: str = "participant") -> str:
    """The stable pseudonym of one account.

    HMAC-SHA256 of ``"<platform>:<account_id>"`` keyed by ``secret``; its first eight hex digits
    (32 bits: two accounts sharing one is unlikely below tens of thousands of accounts) follow
    ``prefix`` and an underscore (so the pseudonym reads as one handle to every mention parser).
    Without the secret the mapping cannot be recomputed.

    Examples
    --------
    >>> pseudonym(b"0123456789abcdef", "x", "12345")
    'participant_7e62bdbf'
    >>> pseudonym(b"another secret, 16+ bytes", "x", "12345") != pseudonym(b"0123456789abcdef", "x", "12345")
    True
    """
    digest = hmac.new(as_secret(secret), f"{platform}:{account_id}".encode(), hashlib.sha256).hexdigest()
    return f"{prefix}_{digest[:8]}"


def account_pseudonym(secret: str | bytes, platform: str, account_id: str) -> str:
    """The pseudonym of an account (:func:`pseudonym`), or of a person whose accounts are linked
    (``person:<label>``, :func:`link_people`): one pseudonym for all their accounts, whatever
    the platform.

    Examples
    --------
    >>> key = b"0123456789abcdef"
    >>> account_pseudonym(key, "x", "person:Ann") == account_pseudonym(key, "bluesky", "person:Ann")
    True
    >>> account_pseudonym(key, "x", "12345") == pseudonym(key, "x", "12345")
    True
    """
    if account_id.startswith(PERSON):
        return pseudonym(secret, "person", account_id[len(PERSON):])
    return pseudonym(secret, platform, account_id)


def shown_id(account_id: Any, shown: str) -> str:
    """The id an account is shown under when pseudonymised as ``shown``: the pseudonym itself,
    ``person:<pseudonym>`` for a linked person (so every count still sees one person).

    Examples
    --------
    >>> shown_id("12345", "participant_1"), shown_id("person:Ann", "participant_2")
    ('participant_1', 'person:participant_2')
    """
    return PERSON + shown if str(account_id).startswith(PERSON) else shown


# -- the policy -------------------------------------------------------------------------


def _norm(handle: Any) -> str:
    return str(handle).lstrip("@").lower()


def _is_blank(value: Any) -> bool:
    if value is None:
        return True
    try:
        import pandas as pd

        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _none(value: Any) -> Any:
    return None if _is_blank(value) else str(value)


def _word(term: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w@])" + re.escape(term) + r"(?!\w)", re.IGNORECASE)


@dataclass
class Privacy:
    """A publishing policy: accounts to leave out, and/or a secret to pseudonymise with.

    Parameters
    ----------
    exclude : iterable of str, optional
        Handles (with or without ``@``) or account ids of accounts that opted out.
    secret : str or bytes, optional
        Pseudonymise every account with this secret (see :func:`pseudonym`).
    keep : iterable of str, optional
        When pseudonymising, accounts (handles or ids) that keep their own names — the hosts,
        say, who want to be credited.

    Examples
    --------
    >>> Privacy().active, Privacy(exclude=["ann"]).active
    (False, True)
    """

    exclude: Iterable[str] | None = None
    secret: str | bytes | None = None
    keep: Iterable[str] | None = None
    _entries: set[str] = field(init=False, repr=False)
    _keep: set[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._entries = {_norm(e) for e in (self.exclude or ()) if str(e).strip()}
        self._keep = {_norm(e) for e in (self.keep or ()) if str(e).strip()}
        if self.secret is not None:
            self.secret = as_secret(self.secret)

    def excludes(self, platform: Any, account_id: Any, handle: Any = None) -> bool:
        """Whether an account is left out: its id or handle is an opt-out entry.

        Examples
        --------
        >>> Privacy(exclude=["@Ann", "123"]).excludes("x", "999", "ann"), Privacy(exclude=["123"]).excludes("x", "9")
        (True, False)
        """
        return (not _is_blank(account_id) and _norm(account_id) in self._entries) or (
            not _is_blank(handle) and _norm(handle) in self._entries)

    def kept(self, account_id: Any, handle: Any = None) -> bool:
        """Whether an account keeps its own name when pseudonymising (``keep``)."""
        return (not _is_blank(account_id) and _norm(account_id) in self._keep) or (
            not _is_blank(handle) and _norm(handle) in self._keep)

    def name(self, platform: str, account_id: Any, handle: Any = None) -> Any:
        """What an account is called under this policy: its pseudonym when pseudonymising (its
        handle when it is kept), else its handle.

        Examples
        --------
        >>> Privacy(secret=b"0123456789abcdef", keep=["host"]).name("x", "1", "host")
        'host'
        >>> Privacy(secret=b"0123456789abcdef").name("x", "12345", "ann")
        'participant_7e62bdbf'
        """
        if self.secret is None or self.kept(account_id, handle):
            return handle if not _is_blank(handle) else account_id
        if _is_blank(account_id):
            return None if _is_blank(handle) else pseudonym(self.secret, platform, "@" + _norm(handle))
        return account_pseudonym(self.secret, platform, str(account_id))

    def accounts(self, frame: pd.DataFrame, *, platform: str = "platform", account: str = "account_id",
                 handle: str | None = "handle", names: Iterable[str] = ()) -> pd.DataFrame:
        """A per-account table (participation, attendance, an account list) under this policy:
        rows of excluded accounts dropped, ids and handles (and the ``names`` columns)
        pseudonymised.

        Examples
        --------
        >>> import pandas as pd
        >>> t = pd.DataFrame({"platform": ["x", "x"], "account_id": ["1", "2"], "handle": ["ann", "bob"]})
        >>> Privacy(exclude=["ann"]).accounts(t)["handle"].tolist()
        ['bob']
        """
        if not self.active or frame.empty:
            return frame
        handles = frame[handle] if handle else [None] * len(frame)
        keys = list(zip(frame[platform], frame[account], handles, strict=True))
        if self._entries:
            keep_rows = [not self.excludes(p, a, h) for p, a, h in keys]
            frame = frame[keep_rows]
            keys = [k for k, kept in zip(keys, keep_rows, strict=True) if kept]
        if self.secret is not None:
            frame = frame.copy()
            shown = [self.name(p, a, h) for p, a, h in keys]
            ids = [a if self.kept(a, h) else shown_id(a, n) for (_p, a, h), n in zip(keys, shown, strict=True)]
            frame[account] = ids
            for column in ([handle] if handle else []) + list(names):
                frame[column] = shown
        return frame.reset_index(drop=True)

    def session_listing(self, session: Any) -> Any:
        """A session as :meth:`swchat.Archive.sessions` lists it (no posts), under this policy:
        excluded hosts and the questions they asked left out, the other hosts named as
        :meth:`name` says, and the question texts protected as post texts are (:meth:`frames`).
        Counts are those of the whole session."""
        from dataclasses import replace

        from .schema import new_post, posts_frame

        if not self.active:
            return session
        platform = session.platform
        hosts = [(h, i) for h, i in zip(session.hosts, session.host_ids, strict=False)
                 if not self.excludes(platform, i, h)]
        asked = [q for q in session.questions if not self.excludes(platform, q.get("host_id"), q.get("host"))]
        rows = posts_frame([new_post(platform=platform, post_id=str(q.get("post_id")), author_id=q.get("host_id"),
                                     author_handle=q.get("host"), created_at=q.get("time"), text=q.get("text"))
                            for q in asked]) if asked else None
        questions = []
        if rows is not None:  # the hosts' own posts, excluded hosts already left out: one row each, in order
            protected, _ = self.frames(rows)
            for q, row in zip(asked, protected.to_dict("records"), strict=True):
                questions.append({**q, "post_id": _none(row["post_id"]), "host": _none(row["author_handle"]),
                                  "host_id": _none(row["author_id"]), "text": _none(row["text"])})
        named = [(self.name(platform, i, h),
                  i if self.secret is None or self.kept(i, h) else shown_id(i, self.name(platform, i, h)))
                 for h, i in hosts]
        return replace(session, hosts=[h for h, _ in named], host_ids=[i for _, i in named],
                       questions=questions, post_ids=[], author_ids=[])

    @property
    def active(self) -> bool:
        """Whether this policy changes anything."""
        return bool(self._entries) or self.secret is not None

    def describe(self) -> dict[str, Any]:
        """What was applied, for a report's methods box (never the list or the secret itself):
        ``excluded_accounts`` counts the entries here, and :meth:`chat` counts the accounts of the
        chat they matched instead."""
        return {"excluded_accounts": len(self._entries), "pseudonymised": self.secret is not None}

    # -- chats ----------------------------------------------------------------------
    def chat(self, chat: ChatT) -> ChatT:
        """A new :class:`~swchat.chat.Chat` (of the same class) with this policy applied.

        The posts, profiles and history are protected; the chat's ``meta`` keeps only what is
        known to carry no personal data (time zone, time range) and the session, rewritten from
        the protected posts.
        """
        from dataclasses import replace

        if not self.active:
            return chat
        posts, profiles = self.frames(chat.posts, chat.profiles)
        meta = {k: v for k, v in chat.meta.items() if k in _SAFE_META}
        session = chat.meta.get("session")
        if session is not None and hasattr(session, "post_ids"):
            meta["session"] = self._session(session, posts)
        # the accounts left out that this chat actually had (an entry naming nobody here, or a typo,
        # is not counted)
        from .schema import accounts_frame

        profiles_in = chat.profiles if chat.profiles is not None else accounts_frame([])
        matched = len(self._excluded_keys(chat.posts, profiles_in)[0]) if self._entries else 0
        meta["privacy"] = {**self.describe(), "excluded_accounts": matched}
        return replace(chat, posts=posts, profiles=profiles, meta=meta,
                       history=self.history(chat.history, chat.posts, chat.profiles))

    def history(self, history: History | None, posts: pd.DataFrame | None = None,
                profiles: pd.DataFrame | None = None) -> History | None:
        """A chat's :class:`~swchat.chat.History` with this policy applied.

        Opted-out accounts leave the participation table, and what others received from them
        (or made of their posts: retweets) is recounted from the interactions, as their posts
        leave a protected chat; pseudonymising renames every account as in the chat.
        ``posts`` and ``profiles`` (the chat's, unprotected) help match opt-out entries.
        """
        from .chat import History
        from .schema import accounts_frame

        if history is None or not self.active:
            return history
        part = history.participation.copy()
        seen = history.interactions.copy()
        if self._entries:
            part, seen = self._exclude_history(part, seen, posts if posts is not None else part.iloc[0:0],
                                               profiles if profiles is not None else accounts_frame([]))
        if self.secret is not None:
            secret = self.secret

            kept = {a if str(a).startswith(PERSON) else f"{p}:{a}"
                    for p, a, h in zip(part["platform"], part["account_id"], part["handle"], strict=True)
                    if self.kept(a, h)}

            def key(value: Any) -> Any:
                platform, _, rest = str(value).partition(":")
                return value if value in kept else f"{platform}:{pseudonym(secret, platform, rest)}"

            names = [self.name(p, a, h) for p, a, h in zip(part["platform"], part["account_id"], part["handle"],
                                                          strict=True)]
            part["account_id"] = [a if self.kept(a, h) else shown_id(a, n) for a, h, n in
                                  zip(part["account_id"], part["handle"], names, strict=True)]
            part["handle"] = names
            seen["source"] = seen["source"].map(key)
            seen["target"] = seen["target"].map(key)
            seen["post_id"] = seen["post_id"].map(self.post_id)
        return History(sessions=history.sessions, participation=part.reset_index(drop=True),
                       interactions=seen.reset_index(drop=True))

    def _exclude_history(self, part: pd.DataFrame, seen: pd.DataFrame, posts: pd.DataFrame,
                         profiles: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
        import pandas as pd

        entries = self._entries
        keys: set[tuple[str, str]] = set()
        handles: set[str] = set()
        if "author_id" in posts:
            keys, handles, _names, _ids = self._excluded_keys(posts, profiles)
        for platform, account_id, handle in zip(part["platform"], part["account_id"], part["handle"], strict=True):
            if _norm(account_id) in entries or (not _is_blank(handle) and _norm(handle) in entries) \
                    or (platform, str(account_id)) in keys:
                keys.add((platform, str(account_id)))
                if not _is_blank(handle):
                    handles.add(_norm(handle))

        def gone(value: Any) -> bool:
            platform, _, rest = str(value).partition(":")
            return (platform, rest) in keys or (rest.startswith("@") and rest[1:].lower() in handles)

        source_gone = seen["source"].map(gone).to_numpy(bool)
        target_gone = seen["target"].map(gone).to_numpy(bool)
        # retweets of their posts leave the chat with them
        theirs = seen[(seen["type"] == "retweet").to_numpy(bool) & target_gone & ~source_gone]
        lost = theirs.groupby(["session", "source"]).size()
        seen = seen[~source_gone & ~target_gone]
        part = part[[(p, str(a)) not in keys for p, a in zip(part["platform"], part["account_id"], strict=True)]]
        account = part["platform"].astype(str) + ":" + part["account_id"].astype(str)
        fewer = pd.Series([lost.get((s, a), 0) for s, a in zip(part["session"], account, strict=True)],
                          index=part.index, dtype="int64")
        part = part.assign(retweets=part["retweets"] - fewer, posts=part["posts"] - fewer)
        got = seen.groupby(["session", "target", "type"]).size()
        for kind, column in (("reply", "replies_received"), ("mention", "mentions_received"),
                             ("retweet", "retweets_received")):
            part[column] = [int(got.get((s, a, kind), 0)) for s, a in zip(part["session"], account, strict=True)]
        part["welcomed"] = (part["replies_received"] + part["mentions_received"]) > 0
        return part[part["posts"] > 0], seen

    def post_id(self, post_id: Any) -> Any:
        """What a post id becomes (a keyed ``post-…`` id when pseudonymising; else unchanged)."""
        if self.secret is None or _is_blank(post_id):
            return post_id
        digest = hmac.new(as_secret(self.secret), f"post:{post_id}".encode(), hashlib.sha256).hexdigest()
        return f"post-{digest[:12]}"

    def _session(self, session: Any, posts: pd.DataFrame) -> Any:
        """A :class:`swchat.sessions.Session` rewritten to match the protected posts."""
        from dataclasses import replace

        own = posts[~posts["is_context"]].sort_values("created_at", kind="stable")
        surviving = set(own["post_id"].astype(str))
        by_id = own.drop_duplicates("post_id").set_index(own["post_id"].drop_duplicates().astype(str))
        post_ids = [str(self.post_id(p)) for p in session.post_ids]
        post_ids = [p for p in post_ids if p in surviving]
        authors = list(dict.fromkeys(own.loc[own["post_id"].astype(str).isin(post_ids), "author_id"].astype(str)))
        questions = []
        for q in session.questions:
            pid = str(self.post_id(q.get("post_id")))
            if pid not in surviving:
                continue
            row = by_id.loc[pid]
            questions.append({**q, "post_id": pid, "text": _none(row["text"]),
                              "host": _none(row["author_handle"]), "host_id": _none(row["author_id"])})
        hosts = list(dict.fromkeys((q["host"], q["host_id"]) for q in questions))
        return replace(session, post_ids=post_ids, author_ids=authors, questions=questions,
                       hosts=[h for h, _ in hosts], host_ids=[i for _, i in hosts])

    def frames(self, posts: pd.DataFrame, profiles: pd.DataFrame | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Apply the policy to a posts frame and a profiles frame (new frames are returned)."""
        from .schema import accounts_frame

        posts = posts.copy()
        profiles = accounts_frame([]) if profiles is None else profiles.copy()
        if self._entries:
            posts, profiles = self._exclude(posts, profiles)
        if self.secret is not None:
            posts, profiles = self._pseudonymise(posts, profiles)
        return posts.reset_index(drop=True), profiles.reset_index(drop=True)

    # -- leaving accounts out ---------------------------------------------------------
    def _excluded_keys(self, posts: pd.DataFrame, profiles: pd.DataFrame) -> tuple[set, set, set, set]:
        """(platform, id) keys, handles, names and ids of the opted-out accounts."""
        entries = self._entries
        keys: set[tuple[str, str]] = set()
        triples = [(r.platform, r.author_id, r.author_handle, r.author_name)
                   for r in posts[["platform", "author_id", "author_handle", "author_name"]].itertuples()]
        triples += [(r.platform, r.reply_to_author_id, r.reply_to_handle, None)
                    for r in posts[["platform", "reply_to_author_id", "reply_to_handle"]].itertuples()]
        triples += [(r.platform, r.account_id, r.handle, r.name)
                    for r in profiles[["platform", "account_id", "handle", "name"]].itertuples()]
        for platform, account_id, handle, _name in triples:
            named = (not _is_blank(account_id) and _norm(account_id) in entries) or (
                not _is_blank(handle) and _norm(handle) in entries)
            if named and not _is_blank(account_id):
                keys.add((platform, str(account_id)))
        handles = {e for e in entries if not e.isdigit()}
        ids = {e for e in entries if e.isdigit()}
        names: set[str] = set()
        for platform, account_id, handle, name in triples:
            if not _is_blank(account_id) and (platform, str(account_id)) in keys:
                ids.add(str(account_id))
                if not _is_blank(handle):
                    handles.add(_norm(handle))
                if not _is_blank(name) and len(str(name).strip()) >= 3:
                    names.add(str(name).strip())
        return keys, handles, names, ids

    def _exclude(self, posts: pd.DataFrame, profiles: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
        keys, handles, names, ids = self._excluded_keys(posts, profiles)
        author_key = list(zip(posts["platform"], posts["author_id"].astype(str), strict=True))
        by_excluded = [k in keys for k in author_key]
        excluded_posts = set(posts.loc[by_excluded, "post_id"].astype(str))
        locals_ = {h.split("@", 1)[0] for h in handles}
        drop = []
        for row, own in zip(posts.itertuples(), by_excluded, strict=True):
            retweet_of_them = row.kind == "retweet" and (
                (not _is_blank(row.retweeted_post_id) and str(row.retweeted_post_id) in excluded_posts)
                or any(_norm(m) in handles for m in (row.mentions or [])[:1])
                or bool((rt := re.match(r"RT @([A-Za-z0-9_]+)", str(row.text or ""))) and _norm(rt.group(1)) in locals_)
            )
            drop.append(own or retweet_of_them)
        posts = posts.loc[[not d for d in drop]].copy()
        profiles = profiles.loc[[
            (p, str(a)) not in keys for p, a in zip(profiles["platform"], profiles["account_id"], strict=True)
        ]].copy()

        patterns = [_word(n) for n in sorted(names, key=len, reverse=True)]
        patterns += [_word(h) for h in sorted(handles | locals_, key=len, reverse=True) if len(h) >= 2]
        patterns += [_word(i) for i in sorted(ids, key=len, reverse=True) if len(i) >= 4]

        def link_is_theirs(url: str) -> bool:
            low = url.lower()
            segments = re.split(r"[/?#=&:]+", low)
            if any(s.lstrip("@") in handles or s.lstrip("@") in locals_ for s in segments if s):
                return True
            return any(s in excluded_posts or s in ids for s in segments if s.isdigit())

        def scrub(text: Any) -> Any:
            if _is_blank(text):
                return text
            text = _URL.sub(lambda m: OPTED_OUT_LINK if link_is_theirs(m.group(0)) else m.group(0), str(text))

            def mention(m: re.Match[str]) -> str:
                handle = _norm(m.group(1))
                return "@" + OPTED_OUT if handle in handles or handle.split("@")[0] in locals_ else m.group(0)

            text = _MENTION.sub(mention, text)
            for pattern in patterns:
                text = pattern.sub(OPTED_OUT, text)
            return text

        # a post that linked to one of their posts (a quote) carries that link shortened (t.co)
        # in its text: the short links of such posts go too
        linked = [
            (not _is_blank(q) and str(q) in excluded_posts) or any(link_is_theirs(str(u)) for u in us)
            for q, us in zip(posts["quoted_post_id"], posts["urls"], strict=True)
        ]
        posts.loc[linked, "text"] = posts.loc[linked, "text"].map(
            lambda t: t if _is_blank(t) else _SHORT_LINK.sub(OPTED_OUT_LINK, str(t)))
        for column in ("text", "author_name"):
            posts[column] = posts[column].map(scrub).astype(TEXT)
        posts["url"] = posts["url"].map(lambda u: u if _is_blank(u) or not link_is_theirs(str(u)) else None)
        posts["url"] = posts["url"].astype(TEXT)
        posts["urls"] = posts["urls"].map(lambda us: [u for u in us if not link_is_theirs(str(u))])
        posts["mentions"] = posts["mentions"].map(
            lambda ms: [m for m in ms if _norm(m) not in handles and _norm(m).split("@")[0] not in locals_])
        to_them = [
            (p, str(a)) in keys or (not _is_blank(h) and _norm(h) in handles)
            for p, a, h in zip(posts["platform"], posts["reply_to_author_id"], posts["reply_to_handle"], strict=True)
        ]
        posts.loc[to_them, "reply_to_author_id"] = None
        posts.loc[to_them, "reply_to_handle"] = None
        # their post ids go too: a reply to them starts a thread of its own (its parent is not
        # shown, nor listed among the missing parents), and a thread they started loses its id
        parent_theirs = posts["reply_to_post_id"].astype(str).isin(excluded_posts)
        posts.loc[[p or t for p, t in zip(parent_theirs, to_them, strict=True)], "reply_to_post_id"] = None
        for column in ("quoted_post_id", "retweeted_post_id", "conversation_id"):
            theirs = posts[column].astype(str).isin(excluded_posts)
            posts.loc[theirs, column] = None
        for column in ("description", "location", "name"):
            profiles[column] = profiles[column].map(scrub).astype(TEXT)
        return posts, profiles

    # -- pseudonymising -----------------------------------------------------------------
    def _pseudonymise(self, posts: pd.DataFrame, profiles: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
        secret = self.secret
        assert secret is not None
        # handle -> id, per platform, from everything that pairs them
        ids: dict[tuple[str, str], str] = {}
        names: dict[str, tuple[str, str]] = {}
        kept: dict[tuple[str, str], str] = {}  # accounts keeping their names: id -> handle
        for platform, account_id, handle, name in [
            *zip(posts["platform"], posts["author_id"], posts["author_handle"], posts["author_name"], strict=True),
            *zip(posts["platform"], posts["reply_to_author_id"], posts["reply_to_handle"],
                 [None] * len(posts), strict=True),
            *zip(profiles["platform"], profiles["account_id"], profiles["handle"], profiles["name"], strict=True),
        ]:
            if _is_blank(account_id):
                continue
            if self._keep and self.kept(account_id, handle):
                kept.setdefault((platform, str(account_id)), str(handle) if not _is_blank(handle) else str(account_id))
                continue
            if not _is_blank(handle):
                ids.setdefault((platform, _norm(handle)), str(account_id))
            if not _is_blank(name) and len(str(name).strip()) >= 3:
                names.setdefault(str(name).strip(), (platform, str(account_id)))

        def by_id(platform: str, account_id: Any) -> Any:
            if _is_blank(account_id):
                return None
            return kept.get((platform, str(account_id))) or account_pseudonym(secret, platform, str(account_id))

        def by_handle(platform: str, handle: Any) -> Any:
            if _is_blank(handle):
                return None
            if self.kept(None, handle):
                return str(handle)
            known = ids.get((platform, _norm(handle)))
            return by_id(platform, known) if known else pseudonym(secret, platform, "@" + _norm(handle))

        def post_key(value: Any) -> Any:
            return None if _is_blank(value) else self.post_id(value)

        known_handles = sorted({h for (_p, h) in ids}, key=len, reverse=True)

        def platform_link(platform: str, url: str) -> str:
            """A link to a profile or post becomes "[link to <pseudonym>]" (the same pseudonym
            as the account's everywhere), or "[post link removed]" when it names no account."""
            if not _PLATFORM_LINK.search(url):
                return url
            bare = url.rstrip(".,;:!?)")
            handle = account_entry(bare)
            if handle and "/" not in handle and handle not in _NOT_HANDLES:
                return f"[link to {by_handle(platform, handle)}]{url[len(bare):]}"
            return REMOVED_LINK + url[len(bare):]

        def scrub(platform: str, text: Any) -> Any:
            if _is_blank(text):
                return text
            text = _URL.sub(lambda m: platform_link(platform, m.group(0)), str(text))
            text = _MENTION.sub(lambda m: "@" + by_handle(platform, m.group(1)), text)
            for name, (pf, account_id) in sorted(names.items(), key=lambda kv: -len(kv[0])):
                if pf == platform:
                    text = _word(name).sub(by_id(pf, account_id), text)
            for handle in known_handles:
                if len(handle) >= 3 and (platform, handle) in ids:
                    text = _word(handle).sub(by_handle(platform, handle), text)
            return text

        platforms = posts["platform"].tolist()
        # a quote's shortened link (t.co) leads to the quoted post, and so to its author
        quoting = [not _is_blank(q) or any(_PLATFORM_LINK.search(str(u)) for u in us)
                   for q, us in zip(posts["quoted_post_id"], posts["urls"], strict=True)]
        posts["text"] = [_SHORT_LINK.sub(REMOVED_LINK, str(t)) if q and not _is_blank(t) else t
                         for q, t in zip(quoting, posts["text"], strict=True)]
        posts["text"] = [scrub(p, t) for p, t in zip(platforms, posts["text"], strict=True)]
        posts["text"] = posts["text"].astype(TEXT)
        own_name = [(p, str(a)) in kept for p, a in zip(platforms, posts["author_id"], strict=True)]
        posts["author_handle"] = [by_id(p, a) for p, a in zip(platforms, posts["author_id"], strict=True)]
        posts["author_name"] = [n if k else h for k, n, h in
                                zip(own_name, posts["author_name"], posts["author_handle"], strict=True)]
        posts["reply_to_handle"] = [
            by_id(p, a) if not _is_blank(a) else by_handle(p, h)
            for p, a, h in zip(platforms, posts["reply_to_author_id"], posts["reply_to_handle"], strict=True)
        ]
        posts["author_id"] = [a if k else shown_id(a, h) for k, a, h in
                              zip(own_name, posts["author_id"], posts["author_handle"], strict=True)]
        posts["reply_to_author_id"] = [a if (p, str(a)) in kept or _is_blank(a) else shown_id(a, by_id(p, a))
                                       for p, a in zip(platforms, posts["reply_to_author_id"], strict=True)]
        posts["mentions"] = [[by_handle(p, m) for m in ms] for p, ms in zip(platforms, posts["mentions"], strict=True)]
        posts["urls"] = posts["urls"].map(lambda us: [u for u in us if not _PLATFORM_LINK.search(str(u))])
        posts["url"] = None
        for column in _POST_ID_COLUMNS:
            posts[column] = posts[column].map(post_key)
        for column in ("author_handle", "author_name", "author_id", "reply_to_handle", "reply_to_author_id",
                       "url", *_POST_ID_COLUMNS):
            posts[column] = posts[column].astype(TEXT)

        pf = profiles["platform"].tolist()
        as_is = [(p, str(a)) in kept for p, a in zip(pf, profiles["account_id"], strict=True)]
        handles = [by_id(p, a) for p, a in zip(pf, profiles["account_id"], strict=True)]
        shown_ids = [shown_id(a, h) for a, h in zip(profiles["account_id"], handles, strict=True)]
        for column, shown in (("handle", handles), ("name", handles), ("account_id", shown_ids),
                              ("description", [None] * len(pf)), ("location", [None] * len(pf))):
            profiles[column] = [v if k else n for k, v, n in zip(as_is, profiles[column], shown, strict=True)]
        for column in ("handle", "name", "account_id", "description", "location"):
            profiles[column] = profiles[column].astype(TEXT)
        return posts, profiles


# -- the functions ----------------------------------------------------------------------


def exclude_accounts(chat: Chat, accounts: Iterable[str] | str | Path) -> Chat:
    """Leave opted-out accounts out of a chat, and hide them where others mention them.

    Parameters
    ----------
    chat : Chat
        The chat (not changed).
    accounts : iterable of str, or a path
        Handles (with or without ``@``) or account ids; or an opt-out file read with
        :func:`read_account_list`.

    Returns
    -------
    Chat
        A new chat without their posts (nor retweets of their posts) and profiles; their
        handle, display name and id replaced in everyone else's text, links, mentions and
        reply fields.

    Examples
    --------
    >>> from swchat.chat import Chat
    >>> from swchat.schema import new_post, posts_frame
    >>> posts = posts_frame([new_post(platform="x", post_id="2", author_id="22", author_handle="bob",
    ...     created_at="2026-09-02T19:01:00.000Z", text="see https://x.com/ann/status/1")])
    >>> exclude_accounts(Chat(posts=posts), ["ann"]).posts["text"][0]
    'see [opted-out link]'
    """
    listed: Iterable[str]
    if isinstance(accounts, str | Path) and Path(accounts).is_file():
        listed = read_account_list(accounts)
    elif isinstance(accounts, str | Path):
        listed = [str(accounts)]
    else:
        listed = accounts
    return Privacy(exclude=listed).chat(chat)


def pseudonymise(chat: Chat, secret: str | bytes) -> Chat:
    """Replace every account of a chat by a stable, keyed pseudonym.

    Parameters
    ----------
    chat : Chat
        The chat (not changed).
    secret : str or bytes
        At least 16 characters; the same secret gives the same pseudonyms in every report.

    Returns
    -------
    Chat
        A new chat whose handles, names, ids, mentions, profile and post links, post ids and
        profile descriptions no longer name anyone.

    Examples
    --------
    >>> from swchat.chat import Chat
    >>> from swchat.schema import new_post, posts_frame
    >>> posts = posts_frame([new_post(platform="x", post_id="2", author_id="22", author_handle="bob",
    ...     created_at="2026-09-02T19:01:00.000Z", text="thanks @ann")])
    >>> pseudonymise(Chat(posts=posts), "0123456789abcdef").posts["text"][0]
    'thanks @participant_a7f01e0b'
    """
    return Privacy(secret=secret).chat(chat)


def protect(chat: Chat, *, exclude: Iterable[str] | str | Path | None = None,
            secret: str | bytes | None = None) -> Chat:
    """Apply :func:`exclude_accounts` and :func:`pseudonymise` (in that order) when asked.

    Examples
    --------
    >>> from swchat.chat import Chat
    >>> from swchat.schema import new_post, posts_frame
    >>> chat = Chat(posts=posts_frame([]))
    >>> protect(chat) is chat
    True
    """
    if isinstance(exclude, str | Path):
        exclude = read_account_list(exclude) if Path(exclude).is_file() else [str(exclude)]
    return Privacy(exclude=exclude, secret=secret).chat(chat)
