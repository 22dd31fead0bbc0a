"""The post-chat summary: every number, list and figure a report shows, computed once.

:func:`build_summary` takes a :class:`~swchat.chat.Chat` (usually one session), applies the
publishing options (:mod:`swchat.privacy`) *before* anything is computed, then asks the
analysis modules for each section:

========================  ==========================================================================
section                   from
========================  ==========================================================================
headline numbers          the chat's own posts by kind; newcomers from the chat's history (the
                          archive's participation table, :class:`swchat.chat.History`);
                          potential reach (posts × their authors' followers, from the profiles);
                          change against the previous session of the same hashtag
timeline                  :func:`swchat.growth.chat_growth`, :func:`swchat.figures.timeline_figure`
questions                 :func:`swchat.questions.question_table`, distinctive terms of
                          :func:`swchat.themes.chat_themes`; answers ranked by replies + likes +
                          reposts received
top contributors          :func:`swchat.growth.account_activity` (Bruns & Stieglitz's counts)
conversations             :func:`swchat.threads.thread_table`, :func:`swchat.threads.missing_parents`
network                   :func:`swchat.network.chat_network`, ``graph_metrics``, ``network_shape``,
                          ``chat_communities``, ``draw_network``
newcomers                 the chat's history, :func:`swchat.growth.received_attention`
hashtags and links        :func:`swchat.themes.chat_themes`
methods                   what was counted, edge rules, data gaps, metric sources
========================  ==========================================================================

A section whose analysis module is not installed is ``None`` (the report leaves it out); the
others are unaffected. The result is a :class:`Summary` dataclass whose :meth:`Summary.as_dict`
is JSON-ready, rendered by :func:`swchat.report.render.render_markdown` and
:func:`swchat.report.render.render_html`.

Examples
--------
>>> from swchat.chat import Chat
>>> from swchat.schema import new_post, posts_frame
>>> posts = posts_frame([
...     new_post(platform="x", post_id="1", author_id="1", author_handle="host",
...              created_at="2026-09-02T19:00:00.000Z", text="Q1: what helps? #SWChat", hashtags=["SWChat"]),
...     new_post(platform="x", post_id="2", author_id="2", author_handle="ann", kind="reply",
...              reply_to_post_id="1", reply_to_author_id="1", reply_to_handle="host",
...              created_at="2026-09-02T19:02:00.000Z", text="A1: supervision #SWChat", hashtags=["SWChat"])])
>>> summary = build_summary(Chat(posts=posts, hashtag="SWChat"), tz="Europe/London", figures=False)
>>> [(m.key, m.value) for m in summary.headline][:3]
[('posts', 2), ('participants', 2), ('newcomers', None)]
>>> summary.start
'Wed 2 Sep 2026, 20:00 BST'
"""

from __future__ import annotations

import base64
import importlib.util
import re
import tempfile
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import SelectionError
from ..parallel import Background
from ..version import __version__

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx
    import pandas as pd

    from ..chat import Chat
    from ..growth import Growth

__all__ = [
    "CITATIONS",
    "EDGE_RULES",
    "MEANINGS",
    "Community",
    "Contributor",
    "Conversation",
    "Figure",
    "Highlights",
    "Measure",
    "Methods",
    "Metric",
    "NetworkSection",
    "Newcomer",
    "NewcomerSection",
    "PostRef",
    "Question",
    "Summary",
    "build_summary",
    "expand_links",
    "highlight_sentences",
    "start_drawing",
]

#: The edge rules every network statement rests on (DESIGN.md).
EDGE_RULES = (
    "Reply: the replier → the author of the replied-to post.",
    "Mention: the author → each account mentioned in the text, leaving out the @handles a reply "
    "starts with (added automatically). A retweet makes no mention edges: its author did not "
    "write the text.",
    "Retweet: the retweeter → the original author.",
    "Quote: the quoter → the quoted author (from a TAGS sheet, which cannot record quotes, a post "
    "linking to another post's address counts as quoting it).",
    "Self-loops are left out; a post imported twice never adds weight twice.",
)

#: Where each metric comes from, for the methods box.
CITATIONS = {
    "participants": "Participants: distinct accounts that posted at least once (Symplur's definition).",
    "newcomers": "Newcomers and perceived receptivity: Budak, C. & Agrawal, R. (2013). On participation "
                 "in group chats on Twitter. Proc. WWW 2013.",
    "sessions": "Chat sessions: Cook, J., Kenthapadi, K. & Mishra, N. (2013). Group chats on Twitter. "
                "Proc. WWW 2013.",
    "virality": "Structural virality: Goel, S., Anderson, A., Hofman, J. & Watts, D. J. (2016). The "
                "structural virality of online diffusion. Management Science 62(1).",
    "network": "Network metrics as in NodeXL's graph metrics report (Smith, M. et al., NodeXL, Social "
               "Media Research Foundation); groups found by the Louvain method (Blondel, V. D. et al. "
               "(2008). Fast unfolding of communities in large networks. J. Stat. Mech. P10008), seeded.",
    "shape": "Network shape: Smith, M., Rainie, L., Shneiderman, B. & Himelboim, I. (2014). Mapping "
             "Twitter topic networks: from polarized crowds to community clusters. Pew Research Center.",
    "tiers": "Activity tiers: Bruns, A. & Stieglitz, S. (2013). Towards more systematic Twitter "
             "analysis: metrics for tweeting activities. Int. J. Social Research Methodology 16(2).",
}


#: What each headline number means, in a line a host can read.
MEANINGS = {
    "posts": "everything posted with the tag, replies in its threads and retweets included",
    "participants": "accounts that posted at least once",
    "newcomers": "accounts taking part for the first time (in this archive)",
    "replies": "posts answering another post",
    "retweets": "reposts of someone else's post",
    "reach": "each post's author's followers, added up: who could have seen the posts, never views",
}


def _have(name: str) -> bool:
    """Whether the analysis module ``swchat.<name>`` is installed."""
    return importlib.util.find_spec(f"swchat.{name}") is not None


# -- the summary's parts ---------------------------------------------------------------


@dataclass
class Metric:
    """One headline number, with its value in the previous session when known."""

    key: str
    label: str
    value: int | float | None
    previous: int | float | None = None
    note: str | None = None
    meaning: str | None = None

    @property
    def change(self) -> int | float | None:
        """``value - previous`` (``None`` when either is unknown)."""
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous

    @property
    def change_pct(self) -> float | None:
        """The change as a percentage of the previous value (``None`` when it is 0 or unknown)."""
        if self.change is None or not self.previous:
            return None
        return 100.0 * self.change / self.previous


@dataclass
class Figure:
    """A rendered figure: PNG bytes with a title and an alternative text."""

    name: str
    title: str
    alt: str
    png: bytes = field(repr=False)

    @property
    def data_uri(self) -> str:
        """The PNG as a ``data:`` URI, for a self-contained HTML file."""
        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")


@dataclass
class PostRef:
    """One post as a report shows it."""

    author: str | None
    name: str | None
    text: str
    time: str
    url: str | None = None
    likes: int = 0
    reposts: int = 0
    replies: int = 0
    engagement: int = 0
    post_id: str | None = None


@dataclass
class Question:
    """One host question and what it drew."""

    label: str
    text: str | None
    time: str | None
    host: str | None
    posts: int
    participants: int
    terms: list[str] = field(default_factory=list)
    answers: list[PostRef] = field(default_factory=list)


@dataclass
class Contributor:
    """One of the most active accounts."""

    handle: str
    name: str | None
    posts: int
    replies: int | None = None
    retweets: int | None = None
    received: int | None = None
    newcomer: bool = False
    likes: int | None = None


@dataclass
class Conversation:
    """A reply thread that took off."""

    opening: PostRef | None
    size: int
    depth: int
    participants: int
    minutes: float | None
    virality: float | None
    complete: bool = True
    branch_of: str | None = None


@dataclass
class Measure:
    """One research measure with what it means (the "For researchers" section).

    ``style`` says how to show ``value``: ``"count"``, ``"decimal"`` (``digits`` places),
    ``"share"`` (a fraction shown as a percentage) or ``"text"`` (as it is).
    """

    key: str
    label: str
    value: int | float | str | None
    meaning: str
    style: str = "decimal"
    digits: int = 2


@dataclass
class Highlights:
    """What a host pastes into a thank-you post: two sentences made from the numbers, the
    posts people engaged with most, and the newcomers to welcome back."""

    sentences: list[str] = field(default_factory=list)
    top_posts: list[PostRef] = field(default_factory=list)
    newcomers: list[str] = field(default_factory=list)
    not_welcomed: list[str] = field(default_factory=list)
    more_newcomers: int = 0


@dataclass
class Community:
    """One community of the network with its top items."""

    label: str
    size: int
    accounts: list[str] = field(default_factory=list)
    hashtags: list[str] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)


@dataclass
class NetworkSection:
    """The network picture: size, shape, communities and brokers."""

    accounts: int
    connections: int
    interactions: int | None = None
    density: float | None = None
    modularity: float | None = None
    components: int | None = None
    reciprocity: float | None = None
    shape: str | None = None
    shape_note: str | None = None
    shape_reason: str | None = None
    communities: list[Community] = field(default_factory=list)
    brokers: list[tuple[str, int]] = field(default_factory=list)
    figure: Figure | None = None
    groups: int | None = None
    on_their_own: int | None = None
    talked_to: list[tuple[str, int]] = field(default_factory=list)


@dataclass
class Newcomer:
    """A first-time participant and who welcomed them."""

    handle: str
    name: str | None
    posts: int
    welcomed_by: list[str] = field(default_factory=list)


@dataclass
class NewcomerSection:
    """Newcomers of the session and how they were received."""

    count: int
    welcomed: int
    people: list[Newcomer] = field(default_factory=list)
    returning_rate: float | None = None


@dataclass
class Methods:
    """The methods box: what was counted and how, data gaps, sources."""

    counted: list[str] = field(default_factory=list)
    edge_rules: list[str] = field(default_factory=lambda: list(EDGE_RULES))
    gaps: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class Summary:
    """Everything a post-chat report shows (see :func:`build_summary`).

    Sections whose analysis is unavailable are ``None``; lists may be empty. A ``brief``
    summary (``build_summary(brief=True)``) holds the headline, the highlights and the
    questions only, and renders as those alone.
    """

    title: str
    hashtag: str | None
    session_id: str | None
    tz: str
    start: str | None
    end: str | None
    date: str | None
    generated: str
    version: str
    headline: list[Metric]
    previous_session: str | None = None
    timeline: Figure | None = None
    questions: list[Question] | None = None
    contributors: list[Contributor] | None = None
    conversations: list[Conversation] | None = None
    network: NetworkSection | None = None
    newcomers: NewcomerSection | None = None
    hashtags: list[tuple[str, int]] | None = None
    links: list[tuple[str, int]] | None = None
    methods: Methods = field(default_factory=Methods)
    privacy: dict[str, Any] = field(default_factory=dict)
    highlights: Highlights | None = None
    research: list[Measure] = field(default_factory=list)
    brief: bool = False

    def figures(self) -> list[Figure]:
        """The figures of the summary, in report order."""
        found = [self.timeline, self.network.figure if self.network else None]
        return [f for f in found if f is not None]

    def metric(self, key: str) -> Metric | None:
        """The headline metric with this key."""
        return next((m for m in self.headline if m.key == key), None)

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (figures as base64 PNG).

        Examples
        --------
        >>> import json
        >>> s = Summary(title="t", hashtag=None, session_id=None, tz="UTC", start=None, end=None,
        ...             date=None, generated="now", version="0", headline=[Metric("posts", "Posts", 3, 1)])
        >>> json.loads(json.dumps(s.as_dict()))["headline"][0]["change"]
        2
        """
        return _jsonable(self)


def _jsonable(value: Any) -> Any:
    if isinstance(value, Figure):
        return {"name": value.name, "title": value.title, "alt": value.alt,
                "png_base64": base64.b64encode(value.png).decode("ascii")}
    if isinstance(value, Metric):
        return {**{f.name: _jsonable(getattr(value, f.name)) for f in fields(value)},
                "change": value.change, "change_pct": value.change_pct}
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _jsonable(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


# -- helpers -----------------------------------------------------------------------------


def _zone(tz: str) -> Any:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise SelectionError(f"unknown time zone {tz!r} (use a name such as Europe/London or UTC)") from None


def _local(ts: Any, zone: Any, fmt: str = "%H:%M") -> str | None:
    import pandas as pd

    if ts is None or pd.isna(ts):
        return None
    stamp = pd.Timestamp(ts)
    if stamp.tzinfo is None:
        stamp = stamp.tz_localize("UTC")
    local = stamp.tz_convert(zone)
    return local.strftime(fmt).replace(" 0", " ").lstrip("0") if "%d" in fmt else local.strftime(fmt)


def _int(value: Any) -> int:
    import pandas as pd

    try:
        return 0 if value is None or pd.isna(value) else int(value)
    except (TypeError, ValueError):
        return 0


def _str(value: Any) -> str | None:
    import pandas as pd

    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return str(value)


_SHORT_LINK = re.compile(r"https?://t\.co/[A-Za-z0-9]+", re.IGNORECASE)
_WEB_URL = re.compile(r"https?://[^\s<>\"'`\\]+", re.IGNORECASE)


def expand_links(text: str | None, urls: Any) -> str | None:
    """A post's text with X's ``t.co`` short links replaced by the addresses they lead to.

    The canonical ``urls`` column holds each post's links expanded (the X readers keep a URL
    entity's ``unwound_url`` or ``expanded_url``), in the order of the text, each once, media
    links left out; the text keeps the short links. They are matched in order, and only when
    the text holds exactly as many distinct short links as ``urls`` has web addresses — else
    the text is returned unchanged, as it is when a publishing policy removed links.

    Examples
    --------
    >>> expand_links("Yes! https://t.co/abc", ["https://twitter.com/ann/status/1"])
    'Yes! https://twitter.com/ann/status/1'
    >>> expand_links("two https://t.co/a https://t.co/b", ["https://example.org/"])
    'two https://t.co/a https://t.co/b'
    """
    if not text or "t.co/" not in text.lower():
        return text
    if urls is None or isinstance(urls, str) or not hasattr(urls, "__iter__"):
        return text
    targets = [str(u) for u in urls if isinstance(u, str) and _WEB_URL.fullmatch(u) and not _SHORT_LINK.fullmatch(u)]
    short = list(dict.fromkeys(_SHORT_LINK.findall(text)))
    if not short or len(short) != len(targets) or len(targets) != len(list(urls)):
        return text
    mapping = dict(zip(short, targets, strict=True))
    return _SHORT_LINK.sub(lambda m: mapping.get(m.group(0), m.group(0)), text)


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def _and(items: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def highlight_sentences(
    *,
    participants: int,
    posts: int,
    hashtag: str | None = None,
    date: str | None = None,
    minutes: float | None = None,
    newcomers: int | None = None,
    previous_participants: int | None = None,
    busiest: tuple[str, str | None, int, int] | None = None,
    talked_to: list[str] | None = None,
    platforms: str | None = None,
) -> list[str]:
    """The two sentences of a report's highlights, made from its numbers.

    Parameters
    ----------
    participants, posts : int
        The session's participants and posts.
    hashtag : str, optional
        The chat's hashtag (without ``#``).
    date : str, optional
        The session's date as the report shows it (``Wednesday 11 November 2026``).
    minutes : float, optional
        From the first post to the last.
    newcomers : int, optional
        First-time participants (``None`` when unknown).
    previous_participants : int, optional
        The participants of the previous session.
    busiest : tuple, optional
        ``(label, text, posts, participants)`` of the question that drew the most posts.
    talked_to : list of str, optional
        Handles of the participants who received the most replies and mentions (hosts left out).
    platforms : str, optional
        Each platform's share of the posts (:func:`swchat.chat.platform_shares`), for a chat
        held on several platforms at once.

    Returns
    -------
    list of str
        Two sentences (one when there is neither a question nor anyone talked to).

    Examples
    --------
    >>> for sentence in highlight_sentences(
    ...         participants=12, posts=40, hashtag="SWChat", date="Wednesday 2 September 2026", minutes=58,
    ...         newcomers=3, previous_participants=10, busiest=("Q2", "What helps?", 15, 9),
    ...         talked_to=["ann", "bob"]):
    ...     print(sentence)
    12 people took part in #SWChat on Wednesday 2 September 2026 (10 last time), 3 of them for the first time, and posted 40 times over 58 minutes.
    Q2, “What helps?”, drew the most posts (15, from 9 people), and @ann and @bob received the most replies and mentions.
    """
    first = _plural(participants, "person", "people") + " took part"
    if hashtag:
        first += f" in #{hashtag}"
    if date:
        first += f" on {date}"
    if previous_participants is not None:
        first += f" ({previous_participants:,} last time)"
    if newcomers:
        first += f", {newcomers:,} of them for the first time,"
    first += " and posted " + ("once" if posts == 1 else f"{posts:,} times")
    if minutes is not None and minutes >= 1:
        first += f" over {round(minutes):,} minutes"
    if platforms:  # one chat on several platforms: "(66 % Mastodon, 34 % Bluesky)"
        first += f" ({platforms})"
    sentences = [first + "."]
    people = [h if h.startswith("@") else "@" + h for h in (talked_to or [])]
    received = f"{_and(people)} received the most replies and mentions"
    if busiest is not None:
        label, text, n, who = busiest
        second = f"{label}, “{text}”," if text else label
        second += f" drew the most posts ({n:,}, from {_plural(who, 'person', 'people')})"
        sentences.append(second + (f", and {received}." if people else "."))
    elif people:
        sentences.append(received[0].upper() + received[1:] + ".")
    return sentences


class _Engagement:
    """Replies, likes and reposts received by each post: the counts as of collection, or (when
    larger) what the chat itself shows (replies and retweets of it in the selection)."""

    def __init__(self, posts: pd.DataFrame) -> None:
        own = posts[~posts["is_context"]]
        self.replies_in_chat = own["reply_to_post_id"].dropna().astype(str).value_counts().to_dict()
        self.retweets_in_chat = own["retweeted_post_id"].dropna().astype(str).value_counts().to_dict()

    def top(self, posts: pd.DataFrame, zone: Any, n: int) -> list[PostRef]:
        """The ``n`` posts engaged with most (ties: the earlier local time, then the id), as
        :meth:`ref` describes them."""
        import numpy as np
        import pandas as pd

        if posts.empty:
            return []

        def counts(column: str, seen: dict[str, int]) -> Any:
            given = posts[column].fillna(0).astype("int64") if column in posts else 0
            return np.maximum(given, posts["post_id"].astype(str).map(seen).fillna(0).astype("int64"))

        likes = posts["like_count"].fillna(0).astype("int64") if "like_count" in posts else 0
        score = likes + counts("repost_count", self.retweets_in_chat) + counts("reply_count", self.replies_in_chat)
        order = pd.DataFrame({"score": -score.to_numpy(),
                              "time": posts["created_at"].dt.tz_convert(zone).dt.strftime("%H:%M").to_numpy(),
                              "id": posts["post_id"].astype(str).to_numpy()})
        first = order.sort_values(["score", "time", "id"], kind="stable").index[:n]
        return [self.ref(posts.iloc[i], zone) for i in first]

    def ref(self, row: Any, zone: Any) -> PostRef:
        pid = str(row["post_id"])
        replies = max(_int(row.get("reply_count")), self.replies_in_chat.get(pid, 0))
        reposts = max(_int(row.get("repost_count")), self.retweets_in_chat.get(pid, 0))
        likes = _int(row.get("like_count"))
        return PostRef(
            author=_str(row.get("author_handle")), name=_str(row.get("author_name")),
            text=expand_links(_str(row.get("text")), row.get("urls")) or "",
            time=_local(row.get("created_at"), zone) or "",
            url=_str(row.get("url")), likes=likes, reposts=reposts, replies=replies,
            engagement=likes + reposts + replies, post_id=pid,
        )


# -- sections ---------------------------------------------------------------------------


def _potential_reach(chat: Chat) -> int | None:
    """Sum over the chat's own posts of their author's followers (as of collection): the most
    people who could have seen them, never a number of views. None when no follower count is known."""
    profiles = chat.profiles
    if profiles is None or profiles.empty or not profiles["followers"].notna().any():
        return None
    followers = {(p, str(a)): int(f) for p, a, f in zip(profiles["platform"], profiles["account_id"],
                                                         profiles["followers"], strict=True) if _str(f) is not None}
    own = chat.own_posts
    return int(sum(followers.get((p, str(a)), 0) for p, a in zip(own["platform"], own["author_id"], strict=True)))


def _counts(chat: Chat) -> dict[str, Any]:
    own = chat.own_posts
    kinds = own["kind"].astype(str).value_counts().to_dict()
    return {
        "posts": len(own),
        "participants": int(chat.participants),
        "originals": int(kinds.get("original", 0)),
        "replies": int(kinds.get("reply", 0)),
        "retweets": int(kinds.get("retweet", 0)),
        "quotes": int(kinds.get("quote", 0)),
        "reach": _potential_reach(chat),
    }


def _history_counts(chat: Chat, session_id: str | None) -> dict[str, Any] | None:
    """The headline counts of a session of the chat's hashtag, from its history's participation
    table (posts by kind, participants, newcomers, potential reach); None when it has none."""
    history = chat.history
    if history is None or session_id is None:
        return None
    rows = history.participation[history.participation["session"].astype(str) == str(session_id)]
    if rows.empty:
        return None
    followers = rows["followers"]
    reach = None
    if followers.notna().any():
        reach = int(sum(int(n) * int(f) for n, f in zip(rows["posts"], followers, strict=True) if _str(f) is not None))
    counts = {column: int(rows[column].sum()) for column in ("posts", "originals", "replies", "retweets", "quotes")}
    return {**counts, "participants": len(rows), "reach": reach,
            "newcomers": int((rows["first_session"].astype(str) == str(session_id)).sum())}


def _newcomer_rows(chat: Chat) -> pd.DataFrame | None:
    """The history's participation rows of the session's newcomers (None without a history)."""
    history = chat.history
    if history is None or not chat.session_id or history.index(chat.session_id) is None:
        return None
    rows = history.participation
    return rows[(rows["session"].astype(str) == str(chat.session_id))
                & (rows["first_session"].astype(str) == str(chat.session_id))]


def _newcomers(chat: Chat, rows: pd.DataFrame | None, top: int,
               attention: pd.DataFrame | None = None) -> NewcomerSection | None:
    """Newcomers of the session and who replied to or mentioned them (perceived receptivity),
    from the chat's history (participation) and its own posts (who welcomed them)."""
    if rows is None or chat.history is None or not _have("growth"):
        return None
    from ..growth import account_key, received_attention

    history = chat.history
    own = chat.own_posts
    key_of: dict[str, str] = {}
    for platform, author_id, handle in zip(own["platform"], own["author_id"], own["author_handle"], strict=True):
        if _str(handle) is not None:
            key_of.setdefault(str(handle).lower(), account_key(platform, author_id))
    handle_of = {v: k for k, v in key_of.items()}
    shown_handle = {str(h).lower(): str(h) for h in own["author_handle"].dropna()}
    # a person whose accounts are linked is named by their label, as in the newcomers column
    shown_handle.update({k.lower(): k for k in (key.removeprefix("person:") for key in handle_of
                                                 if key.startswith("person:"))})
    handle_of.update({key: key.removeprefix("person:").lower() for key in handle_of if key.startswith("person:")})
    names = {}
    if chat.profiles is not None and len(chat.profiles):
        names = {f"{p}:{a}": _str(n) for p, a, n in zip(chat.profiles["platform"], chat.profiles["account_id"],
                                                        chat.profiles["name"], strict=True)}
    if attention is None:
        attention = received_attention(chat.posts)
    attention = attention[attention["type"].isin(["reply", "mention"])]
    welcomers: dict[str, list[str]] = {}
    for target, source in zip(attention["target"], attention["source"], strict=True):
        who = handle_of.get(source)
        if who is None:
            continue
        listed = welcomers.setdefault(target, [])
        if shown_handle.get(who, who) not in listed:
            listed.append(shown_handle.get(who, who))
    people = []
    for platform, account_id, handle, posts in zip(rows["platform"], rows["account_id"], rows["handle"],
                                                   rows["posts"], strict=True):
        key = account_key(platform, account_id)
        people.append(Newcomer(handle=str(handle if _str(handle) is not None else account_id), name=names.get(key),
                               posts=int(posts), welcomed_by=welcomers.get(key, [])))
    people.sort(key=lambda p: (not p.welcomed_by, -p.posts, p.handle.lower()))
    count = len(rows)
    returned = None if history.is_last(chat.session_id) else int(rows["returned"].sum())
    return NewcomerSection(
        count=count, welcomed=int(rows["welcomed"].sum()), people=people[: max(top * 4, 20)],
        returning_rate=(returned / count if count and returned is not None else None),
    )


def _timeline_growth(chat: Chat, tz: str, activity: pd.DataFrame | None = None) -> Growth | None:
    """The chat's timeline (:func:`swchat.growth.chat_growth`), None when it cannot be drawn."""
    if not _have("figures") or not _have("growth"):
        return None
    from ..growth import chat_growth

    return chat_growth(chat, tz=tz, network=False, accounts=activity, timeline_only=True)


def _draw_timeline(growth: Growth, path: Path) -> None:
    from ..figures import timeline_figure

    timeline_figure(growth, path, title="Posts per minute, by kind")


def _timeline(growth: Growth, tz: str, png: bytes) -> Figure:
    """Posts per minute by kind, questions marked (:func:`swchat.figures.timeline_figure`), with
    its alternative text."""
    head = growth.headline
    zone = _zone(tz)
    peak = head.get("peak_minute")
    asked = sorted(growth.questions.items(), key=lambda kv: kv[1])
    alt = (f"Bar chart of posts per minute from {_local(head.get('start'), zone)} to "
           f"{_local(head.get('end'), zone)}, stacked by originals, replies, retweets and quotes")
    if peak is not None and _str(peak) is not None:
        alt += f"; the busiest minute was {_local(peak, zone)} with {_int(head.get('peak_posts'))} posts"
    if asked:
        alt += "; questions asked at " + ", ".join(f"{label} {_local(when, zone)}" for label, when in asked)
    return Figure(name="timeline", png=png, alt=alt + ".",
                  title=f"Posts per minute, by kind; dashed lines mark the questions. Times in {tz}.")


_LABEL = re.compile(r"^[^\w#@]*(?:Q|Question)\s*[.#]?\s*\d{1,2}\s*(?:[:.)\]\-–—]|\ufe0f?\u20e3)?\s*", re.IGNORECASE)


def _question_text(text: str | None, hashtag: str | None = None) -> str | None:
    """The question without its leading ``Q1:`` label (the report shows the label apart) and
    without the chat's hashtag at its end (``… in practice? #SWChat``).

    Examples
    --------
    >>> _question_text("Q1) What helps? #SWChat #swchat", "SWChat")
    'What helps?'
    """
    if not text:
        return text
    stripped = _LABEL.sub("", text, count=1).strip() or text
    if hashtag:
        tag = re.escape(hashtag.lstrip("#"))
        tail = re.compile(rf"(?:\s*#{tag}(?![\w]))+[\s.!]*$", re.IGNORECASE)
        stripped = tail.sub("", stripped).strip() or stripped
    return stripped


def _question_rows(chat: Chat) -> pd.DataFrame | None:
    """The chat's questions (:func:`swchat.questions.question_table`), None when the module is missing."""
    if not _have("questions"):
        return None
    from ..questions import question_table

    return question_table(chat)


def _hosts(chat: Chat, table: pd.DataFrame | None) -> tuple[set[str], set[str]]:
    """The hosts' account ids (the session's) and lower-cased handles (the questions')."""
    ids = {str(a) for a in chat.meta.get("hosts") or []}
    handles = set() if table is None else {str(h).lower() for h in table["host"].dropna()}
    return ids, handles


def _by_host(posts: pd.DataFrame, hosts: tuple[set[str], set[str]]) -> Any:
    """Which of the posts the hosts made."""
    ids, handles = hosts
    return (posts["author_id"].astype(str).isin(ids)
            | posts["author_handle"].astype(str).str.lower().isin(handles)).to_numpy(bool)


def _questions(chat: Chat, zone: Any, themes: Any, engagement: _Engagement, top: int,
               table: pd.DataFrame | None) -> list[Question] | None:
    """One entry per host question (:func:`swchat.questions.question_table`); its answers are
    the posts that answer it (labelled ``A<k>``, or replying to the question), not the side
    conversations under them."""
    if table is None:
        return None
    if table.empty:
        return []
    own = chat.own_posts.drop_duplicates("post_id").set_index(chat.own_posts["post_id"].drop_duplicates()
                                                              .astype(str))
    terms = getattr(themes, "questions", {}) or {}
    hosts = {str(h).lower() for h in table["host"].dropna()}
    found = []
    for row in table.to_dict("records"):
        qid = _str(row.get("post_id"))
        ids = [str(p) for p in row.get("answer_ids") or [] if str(p) != qid and str(p) in own.index]
        candidates = own.loc[ids]
        candidates = candidates[(candidates["kind"].astype(str) != "retweet")
                                & ~candidates["author_handle"].astype(str).str.lower().isin(hosts)]
        refs = engagement.top(candidates, zone, top)
        label = str(row.get("segment"))
        found.append(Question(
            label=label, text=_question_text(_str(row.get("text")), chat.hashtag), time=_local(row.get("time"), zone),
            host=_str(row.get("host")), posts=_int(row.get("posts")), participants=_int(row.get("participants")),
            terms=[str(t[0]) for t in terms.get(label, [])[:6]],
            answers=[r for r in refs[:top] if r.engagement > 0] or refs[:min(top, 2)],
        ))
    return found


def _contributors(chat: Chat, top: int, newcomers: set[str],
                  activity: pd.DataFrame | None = None) -> list[Contributor] | None:
    """The most active accounts (Bruns & Stieglitz's counts, :func:`swchat.growth.account_activity`)."""
    if not _have("growth"):
        return None
    from ..growth import account_activity

    table = (account_activity(chat.posts) if activity is None else activity).head(top)
    names = {}
    if chat.profiles is not None and len(chat.profiles):
        names = {(p, str(a)): _str(n) for p, a, n in zip(chat.profiles["platform"], chat.profiles["account_id"],
                                                         chat.profiles["name"], strict=True)}
    own = chat.own_posts
    names.update({(p, str(a)): _str(n) for p, a, n in zip(own["platform"], own["author_id"], own["author_name"],
                                                          strict=True) if _str(n)})
    # likes their own posts got (as of collection; a retweet's count is the original's, left out)
    written = own[own["kind"].astype(str) != "retweet"]
    likes = (written["like_count"].fillna(0).astype("int64")
             .groupby([written["platform"].astype(str), written["author_id"].astype(str)]).sum().to_dict())
    found = []
    for row in table.to_dict("records"):
        handle = _str(row.get("handle")) or str(row.get("author_id"))
        key = (str(row.get("platform")), str(row.get("author_id")))
        found.append(Contributor(
            handle=handle, name=names.get((row.get("platform"), str(row.get("author_id")))),
            posts=_int(row["posts"]), replies=_int(row["replies"]), retweets=_int(row["retweets"]),
            received=_int(row["replies_received"]) + _int(row["retweets_received"])
            + _int(row.get("mentions_received")),
            newcomer=handle.lower() in newcomers, likes=int(likes.get(key, 0)),
        ))
    return found


#: The fewest posts of a conversation that "took off": a post and two replies.
CONVERSATION_MIN_POSTS = 3


def _conversations(chat: Chat, zone: Any, engagement: _Engagement, top: int,
                   questions: pd.DataFrame | None = None,
                   hosts: tuple[set[str], set[str]] = (set(), set())) -> list[Conversation] | None:
    """The conversations that took off apart from the questions' own threads: the reply trees
    participants started, and the branches that grew under an answer to a question.

    Every reply to a question post is cut from it (and so starts a tree of its own, marked as
    a branch of that question, as is a tree that starts with an answer labelled ``A<k>``): the
    question threads themselves, shown question by question, are not repeated; nor are the
    trees the hosts started. Largest first
    (:func:`swchat.threads.thread_table`), at least :data:`CONVERSATION_MIN_POSTS` posts from
    two people or more.
    """
    if not _have("threads"):
        return None
    import numpy as np

    from ..threads import thread_table

    posts = chat.posts
    labels: dict[str, str] = {}
    if questions is not None and len(questions):
        labels = {str(q): str(label) for q, label in zip(questions["post_id"], questions["segment"], strict=True)
                  if _str(q) is not None}
    branch: dict[str, str] = {}
    if questions is not None and labels and "answer_ids" in questions:  # an answer posted on its own grew from it too
        branch = {str(a): str(label) for ids, label in zip(questions["answer_ids"], questions["segment"], strict=True)
                  for a in (ids if isinstance(ids, list) else [])}
    if labels:
        parent = posts["reply_to_post_id"].astype(object)
        retweets = posts[(posts["kind"].astype(str) == "retweet") & posts["retweeted_post_id"].notna()]
        if len(retweets):  # a reply to a retweet of a question replies to the question
            via = dict(zip(retweets["post_id"].astype(str), retweets["retweeted_post_id"].astype(str), strict=True))
            parent = parent.map(lambda p: via.get(str(p), p) if _str(p) is not None else p)
        to_question = parent.map(lambda p: _str(p) is not None and str(p) in labels).to_numpy(bool)
        branch.update({str(i): labels[str(p)] for i, p in zip(posts["post_id"][to_question], parent[to_question],
                                                               strict=True)})
        posts = posts.assign(reply_to_post_id=posts["reply_to_post_id"].where(~to_question, None))
    table = thread_table(posts, min_size=CONVERSATION_MIN_POSTS)
    table = table[(table["participants"] >= 2) & ~table["root"].astype(str).isin(labels)]
    rows = posts.sort_values("is_context", kind="stable")  # own rows win over context rows
    rows = rows.drop_duplicates("post_id", keep="first")
    by_id = rows.set_index(rows["post_id"].astype(str))
    if len(table):
        present = table["root"].astype(str).isin(by_id.index).to_numpy(bool)
        hosted = np.zeros(len(table), dtype=bool)
        if present.any():
            hosted[present] = _by_host(by_id.loc[table["root"].astype(str)[present]], hosts)
        table = table[~hosted]
    found = []
    for row in table.head(top).to_dict("records"):
        root = str(row["root"])
        opening = None
        if root in by_id.index:
            opening = engagement.ref(by_id.loc[root], zone)
        duration = row.get("duration")
        minutes = None if duration is None or _str(duration) is None else duration.total_seconds() / 60
        found.append(Conversation(
            opening=opening, size=_int(row["size"]), depth=_int(row["depth"]),
            participants=_int(row["participants"]), minutes=minutes,
            virality=float(row["virality"]) if _str(row.get("virality")) is not None else None,
            complete=bool(row.get("complete", True)), branch_of=branch.get(root),
        ))
    return found


#: What each of the six shapes of Smith et al. (2014) means for a chat host.
SHAPE_NOTES = {
    "tight crowd": "One interconnected crowd in which most people talk with many others, as a "
                   "community chat does at its best.",
    "community clusters": "Several medium-sized groups, each with its own conversation and "
                          "its own central people.",
    "polarized crowd": "Two large groups that talk mostly among themselves, with few links between them.",
    "brand clusters": "Many people posting to the hashtag without talking to each other.",
    "broadcast network": "Many people replying to, retweeting or mentioning one hub (often the "
                         "host), and less to each other.",
    "support network": "A hub replying out to many people, as a help desk does.",
}


def _network_graph(chat: Chat) -> nx.DiGraph | None:
    """The chat's participant network (:func:`swchat.network.chat_network`), None when it has none."""
    if not _have("network"):
        return None
    from ..network import chat_network

    G = chat_network(chat)
    return G if G.number_of_nodes() else None


def _drawable(G: nx.DiGraph) -> nx.DiGraph:
    """The network without its isolated accounts (they are counted, not drawn, so the connected
    part of the chat fills the picture), groups numbered from 1 as the report lists them."""
    H = G.subgraph([v for v in G if G.degree(v) > 0]).copy()
    for v, group in H.nodes(data="community"):
        H.nodes[v]["group"] = int(group) + 1 if group is not None else 0
    return H


def start_drawing() -> Background | None:
    """Start the process that draws a report's figures (``None`` when figures cannot be drawn).

    The figures are drawn in a second process (where a CPU is free) while the other sections
    are computed: it starts by importing matplotlib, meanwhile the caller loads the chat and
    :func:`build_summary` builds its network; then it draws the network picture (which takes
    longest) and the timeline as soon as :func:`build_summary` hands it their data. Started
    before the chat is loaded (as ``swchat report`` does), it is ready sooner; pass it to
    :func:`build_summary`, which ends it (else :meth:`~swchat.parallel.Background.wait` ends it).

    Examples
    --------
    >>> drawing = start_drawing()
    >>> drawing is None or drawing.wait()
    True
    """
    if not (_have("figures") or _have("network")):
        return None
    if _have("network"):
        import networkx  # noqa: F401  (imported once, here, for both processes)
    return Background(_import_figures)


def _import_figures() -> None:
    """What drawing needs (matplotlib's figures and Agg canvas), imported in the drawing process
    (:func:`build_summary`) while this one builds the network."""
    import matplotlib.backends.backend_agg
    import matplotlib.figure  # noqa: F401


def _draw(H: nx.DiGraph, path: Path, title: str) -> None:
    from ..network.draw import draw_network

    draw_network(H, path, top_labels=12, color_by="group", title=title)


def _network(chat: Chat, G: nx.DiGraph | None, top: int) -> tuple[NetworkSection | None, dict[str, Any]]:
    """The network section's numbers, communities and brokers (:mod:`swchat.network`), and the
    graph table (:func:`swchat.network.graph_metrics`) for the researchers' section; its
    picture is drawn apart (:func:`_draw`, :func:`_network_figure`).

    Communities are counted and numbered as everywhere (:mod:`swchat.network.grouping`):
    groups of at least two accounts, numbered from 1, largest first; accounts alone in their
    group are counted apart ("on their own")."""
    if G is None:
        return None, {}
    from ..network import chat_communities, graph_metrics, network_shape

    # chat_network's defaults: all kinds, Louvain; the report lists the six largest groups
    groups = chat_communities(chat, top=top, graph=G, limit=6)
    metrics = graph_metrics(G)
    shape = network_shape(G)
    communities = []
    for c in groups.communities:
        accounts = [a["handle"] or a["id"] for a in c.top_accounts[:5]]
        communities.append(Community(
            label=f"Group {c.number}", size=int(c.size), accounts=[str(a) for a in accounts],
            hashtags=[str(t) for t, _n in c.top_hashtags[:5]], terms=[str(w) for w, _n in c.top_words[:6]],
        ))
    brokers = [(str(b.get("handle") or b.get("id")), _int(b.get("neighbour_communities")))
               for b in groups.brokers[:top]]
    received = sorted(((str(G.nodes[v].get("handle") or v), _int(w)) for v, w in G.in_degree(weight="weight")
                       if w), key=lambda hw: (-hw[1], hw[0].lower()))
    kind = shape.get("shape")
    metrics["shape_reason"] = shape.get("reason")
    section = NetworkSection(
        accounts=G.number_of_nodes(), connections=G.number_of_edges(), interactions=_int(metrics.get("total_edges")),
        density=metrics.get("density"), modularity=groups.modularity,
        components=metrics.get("connected_components"),
        reciprocity=metrics.get("reciprocated_vertex_pair_ratio"),
        shape=kind, shape_note=SHAPE_NOTES.get(kind) if kind else None, shape_reason=shape.get("reason"),
        communities=communities, brokers=brokers, figure=None,
        groups=groups.count, on_their_own=groups.singletons, talked_to=received[:max(top * 2, 10)],
    )
    return section, metrics


def _research(metrics: dict[str, Any], network: NetworkSection | None,
              conversations: list[Conversation] | None) -> list[Measure]:
    """The research measures of the "For researchers" section, each with what it means."""
    found: list[Measure] = []

    def add(key: str, label: str, value: Any, meaning: str, style: str = "decimal", digits: int = 2) -> None:
        if value is not None and _str(value) is not None:
            found.append(Measure(key, label, value, meaning, style, digits))

    if network is not None:
        add("interactions", "Interactions (total edges)", metrics.get("total_edges"),
            "every reply, mention, retweet and quote between two accounts, each counted (a connection "
            "between the same two accounts can hold several).", "count")
        add("components", "Connected parts (weak components)", metrics.get("connected_components"),
            "pieces of the network with no line between them; an account nobody connected with is a "
            "piece of its own.", "count")
        add("density", "Density", metrics.get("density"),
            "the share of all possible one-way connections between the accounts that happened "
            "(0: none, 1: everyone with everyone).", digits=3)
        add("modularity", "Modularity (Newman)", network.modularity,
            "how clearly the accounts split into the groups above: near 0 one crowd, above about 0.4 "
            "distinct groups.")
        add("reciprocity", "Reciprocated pairs", metrics.get("reciprocated_vertex_pair_ratio"),
            "of the pairs of connected accounts, the share in which both reached out to the other.", "share")
        add("in_centralisation", "In-degree centralisation (Freeman)", metrics.get("in_degree_centralization"),
            "how much the attention went to one account: 0 spread evenly, 1 everyone reached out to the same "
            "account.")
        add("out_centralisation", "Out-degree centralisation (Freeman)", metrics.get("out_degree_centralization"),
            "how much the reaching out came from one account: 0 everyone about equally, 1 one account reached "
            "out to everyone.")
        add("diameter", "Diameter of the largest part", metrics.get("diameter"),
            "the longest chain of contacts, in steps, needed to link two accounts of the largest connected "
            "part.", "count")
        add("geodesic", "Mean distance in the largest part", metrics.get("mean_geodesic_distance"),
            "how many steps link two accounts of the largest connected part, on average.")
    values = [(i, c.virality) for i, c in enumerate(conversations or [], 1) if c.virality is not None]
    if values:
        add("virality", "Structural virality of the conversations above (Goel et al. 2016)",
            " · ".join(f"{i}: {v:.2f}" for i, v in values),
            "the mean number of replies between two posts of a conversation: under 2 for many answers to "
            "one post, higher for a long back-and-forth.", "text")
    return found


def _network_figure(G: nx.DiGraph, png: bytes, groups: int) -> Figure:
    """The network picture (drawn by :func:`_draw`) with its title and alternative text."""
    n, m = G.number_of_nodes(), G.number_of_edges()
    H = _drawable(G)
    central = sorted(H.nodes, key=lambda v: -H.in_degree(v, weight="weight"))[:3]
    labels = ", ".join("@" + str(H.nodes[v].get("handle") or v) for v in central)
    isolates = n - H.number_of_nodes()
    return Figure(
        name="network", png=png,
        title="Accounts are dots, sized by PageRank and coloured by group; lines are replies, "
              "mentions, retweets and quotes"
              + (f" ({isolates:,} accounts without any connection are not drawn)." if isolates else "."),
        alt=f"Network diagram of {n:,} accounts and {m:,} connections in {groups} groups; "
            f"the accounts most interacted with are {labels}.",
    )


def _methods(chat: Chat, counts: dict[str, int], privacy: dict[str, Any], sections: dict[str, bool]) -> Methods:
    import pandas as pd

    own = chat.own_posts
    methods = Methods()
    untagged = None
    if chat.hashtag:
        tag = chat.hashtag.lower()
        has_tag = own["hashtags"].map(lambda tags: any(str(t).lower() == tag for t in tags))
        untagged = int((~has_tag & (own["kind"].astype(str) != "retweet")).sum())
    tagged = f"the posts carrying #{chat.hashtag}" if chat.hashtag else "the posts selected"
    methods.counted.append(
        f"Posts: {counts['posts']:,} — {tagged}"
        + (f" and {untagged:,} replies in their threads that lack the tag" if untagged else "")
        + f" ({counts['originals']:,} originals, {counts['replies']:,} replies, {counts['retweets']:,} "
          f"retweets, {counts['quotes']:,} quotes).")
    on = own.drop_duplicates(["platform", "post_id"])["platform"].dropna().astype(str).value_counts()
    if len(on) > 1:  # one chat held on several platforms at once
        from ..chat import PLATFORM_NAMES, platform_shares

        each = ", ".join(f"{int(n):,} on {PLATFORM_NAMES.get(k, k)}" for k, n in on.items())
        methods.counted.append(f"Platforms: posts {platform_shares(on.to_dict())} ({each}) — one chat held with "
                               "the same tag on each platform at once, counted as one session.")
    if chat.meta.get("platform"):  # one platform's part of a chat held on several (--platform)
        from ..chat import PLATFORM_NAMES

        name = PLATFORM_NAMES.get(chat.meta["platform"], chat.meta["platform"])
        methods.counted.append(f"Platform: {name} only — the session's posts, participants and newcomers on "
                               f"{name}; a chat held on several platforms at once has posts on the others too.")
    context = int(chat.posts["is_context"].sum())
    if context:
        methods.counted.append(
            f"{context:,} referenced posts outside the session (replied-to, quoted or retweeted posts) were "
            "used only to resolve threads and retweets, never counted.")
    methods.counted.append(CITATIONS["participants"])
    if sections.get("newcomers"):
        methods.counted.append(
            "Newcomers: accounts whose first session of this hashtag in the archive is this one; "
            "\"welcomed\" means they received a reply or a mention from someone else in this session "
            "(perceived receptivity).")
    methods.counted.append(
        "Engagement of a post: replies + likes + reposts received, as counted by the platform at "
        "collection time (or, when larger, the replies and retweets of it seen in the session).")
    collected = chat.posts["collected_at"].dropna() if "collected_at" in chat.posts else pd.Series([], dtype=object)
    when = f" (collected {collected.max():%Y-%m-%d %H:%M} UTC)" if len(collected) else ""
    methods.notes.append(
        f"Likes, reposts, replies and follower numbers are counts as of collection{when}, not live figures.")
    methods.notes.append(
        "Potential reach adds up, over the session's posts, the followers their authors had at "
        "collection: an upper bound of who could have seen them (people following several "
        "participants are counted more than once). It is never a number of views.")
    if sections.get("threads") and _have("threads"):
        from ..threads import missing_parents

        missing = missing_parents(chat.posts)
        if missing:
            methods.gaps.append(
                f"{len(missing):,} replied-to posts are not in the archive (deleted, protected, or not "
                "collected); the threads they belong to are shown without them, so their depth is a lower bound.")
    if not own["like_count"].notna().any():
        methods.gaps.append("The export carries no like, repost or reply counts; engagement is what the "
                            "session itself shows.")
    needs = {"timeline": ("figures", "growth"), "questions": ("questions",), "contributors": ("growth",),
             "threads": ("threads",), "network": ("network",), "newcomers": ("growth",),
             "themes": ("themes",)}
    missing = [name for name, present in sections.items()
               if not present and not all(_have(m) for m in needs.get(name, ()))]
    if missing:
        methods.gaps.append("Not included in this report (analysis not installed): " + ", ".join(missing) + ".")
    if not sections.get("newcomers") and "newcomers" not in missing:
        methods.gaps.append("Newcomers are not shown: telling them apart needs the earlier sessions of the "
                            "hashtag, from an archive session (swchat report --session).")
    if privacy.get("excluded_accounts"):
        methods.notes.append(
            f"{privacy['excluded_accounts']} account(s) opted out: their posts (and retweets of them) are left "
            "out of every number, list and figure, and they are shown as [opted-out] where others mention them.")
    if privacy.get("pseudonymised"):
        methods.notes.append(
            "Accounts are shown under stable pseudonyms (participant_…), keyed by a secret the publisher "
            "holds; links to profiles and posts are removed. Quoted words can still be searched for.")
    keys = ["participants", "sessions"]
    if sections.get("newcomers"):
        keys.append("newcomers")
    if sections.get("threads"):
        keys.append("virality")
    if sections.get("network"):
        keys += ["network", "shape"]
    methods.sources = [CITATIONS[k] for k in keys]
    return methods


# -- the entry point ----------------------------------------------------------------------


def build_summary(
    chat: Chat,
    *,
    tz: str = "UTC",
    previous: Any = None,
    exclude: Any = None,
    pseudonymise: str | bytes | None = None,
    top: int = 5,
    figures: bool = True,
    title: str | None = None,
    brief: bool = False,
    drawing: Background | None = None,
) -> Summary:
    """Compute the post-chat summary of a chat (usually one session).

    Parameters
    ----------
    chat : Chat
        The session (or any selection).
    tz : str
        The host's time zone for every time shown (IANA name, e.g. ``Europe/London``).
    previous : Chat, Summary, None or False
        What to compare the headline numbers with. ``None`` (default): the previous session of
        the same hashtag, from the chat's history (:class:`~swchat.chat.History`), when it has
        one; ``False``: no comparison.
    exclude : iterable of str or path, optional
        Opted-out accounts (handles or ids, or an opt-out file), see
        :func:`swchat.privacy.exclude_accounts`.
    pseudonymise : str or bytes, optional
        A secret: show every account under a stable pseudonym, see
        :func:`swchat.privacy.pseudonymise`.
    top : int
        How many items per list (answers per question, contributors, conversations…).
    figures : bool
        Draw the figures (switch off for speed when only numbers are needed).
    title : str, optional
        The report's title (default: the hashtag and the date).
    brief : bool
        Only the headline, the highlights and the questions (what ``swchat report --brief``
        writes: a page or two to publish); the other sections are ``None`` and not computed.
    drawing : Background, optional
        The process that draws the figures, started before the chat was loaded
        (:func:`start_drawing`); by default it is started here. Either way it has ended when
        this returns (or raises).

    Returns
    -------
    Summary

    Raises
    ------
    SelectionError
        When the chat has no posts left (e.g. everyone opted out), or the time zone is unknown.
    """
    from ..privacy import Privacy, read_account_list

    try:
        zone = _zone(tz)
        if isinstance(exclude, str | Path) and Path(exclude).is_file():
            exclude = read_account_list(exclude)
        elif isinstance(exclude, str):
            exclude = [exclude]
        policy = Privacy(exclude=exclude, secret=pseudonymise)
        chat = policy.chat(chat)
        if len(chat) == 0:
            raise SelectionError("no posts left to report on")
    except BaseException:
        if drawing is not None:  # a drawing process given is ended whatever happens
            drawing.wait()
        raise

    own = chat.own_posts
    start, end = own["created_at"].min(), own["created_at"].max()
    date = _local(start, zone, "%A %d %B %Y")
    counts = _counts(chat)
    engagement = _Engagement(chat.posts)
    with tempfile.TemporaryDirectory(prefix="swchat-report-") as workdir:
        # the figures are drawn in a second process (where a CPU is free) while the other
        # sections are computed (see start_drawing: unless the caller started it, it starts
        # now, importing matplotlib while this process builds the network); it draws the
        # network picture (which takes longest), then the timeline, as their data are handed to it
        given, drawing = drawing, None
        try:
            if figures and not brief:
                drawing = given or start_drawing()
            graph = None if brief else _network_graph(chat)
            picture = Path(workdir) / "network.png"
            title_of_picture = None
            if drawing is not None and graph is not None and graph.number_of_edges():
                title_of_picture = (f"Who talked to whom: {graph.number_of_nodes():,} accounts, "
                                    f"{graph.number_of_edges():,} connections")
                drawing.call(_draw, _drawable(graph), picture, title_of_picture)
            return _summary(chat, policy, previous, zone, tz, top, figures and not brief, title, start, end, date,
                            counts, engagement, graph, drawing, picture, title_of_picture, brief)
        finally:
            for process in (drawing, given):  # (done already, unless a section failed)
                if process is not None:
                    process.wait()


def _platforms(chat: Chat) -> str | None:
    """Each platform's share of the posts, when the chat was held on more than one."""
    from ..chat import platform_shares

    on = chat.own_posts.drop_duplicates(["platform", "post_id"])["platform"].dropna().astype(str).value_counts()
    return platform_shares(on.to_dict()) if len(on) > 1 else None


def _highlights(chat: Chat, zone: Any, engagement: _Engagement, counts: dict[str, Any], date: str | None,
                minutes: float | None, newcomers: NewcomerSection | None, previous: int | None,
                questions: list[Question] | None, table: pd.DataFrame | None,
                hosts: tuple[set[str], set[str]], activity: pd.DataFrame | None) -> Highlights:
    """The highlights: :func:`highlight_sentences`, the three posts by participants (not the
    hosts, not retweets) engaged with most, and the newcomers to welcome back."""
    busiest = None
    if questions:
        q = max(questions, key=lambda q: q.posts)  # the first of equals: the earliest
        busiest = (q.label, q.text, q.posts, q.participants)
    talked_to: list[str] = []
    if activity is not None and len(activity):
        got = activity["replies_received"].fillna(0) + activity["mentions_received"].fillna(0)
        ranked = activity.assign(_got=got.to_numpy(), _host=_by_host(
            activity.rename(columns={"handle": "author_handle"}), hosts))
        ranked = ranked[(ranked["_got"] > 0) & ~ranked["_host"]]
        ranked = ranked.assign(_h=ranked["handle"].astype(str).str.lower()).sort_values(
            ["_got", "_h"], ascending=[False, True], kind="stable")
        talked_to = [str(h) for h in ranked["handle"].head(3) if _str(h) is not None]
    sentences = highlight_sentences(
        participants=counts["participants"], posts=counts["posts"], hashtag=chat.hashtag, date=date,
        minutes=minutes, newcomers=newcomers.count if newcomers is not None else None,
        previous_participants=previous, busiest=busiest, talked_to=talked_to, platforms=_platforms(chat))
    own = chat.own_posts.drop_duplicates("post_id")
    asked = set() if table is None else {str(q) for q in table["post_id"].dropna()}
    candidates = own[(own["kind"].astype(str) != "retweet") & ~_by_host(own, hosts)
                     & ~own["post_id"].astype(str).isin(asked)]
    top_posts = [p for p in engagement.top(candidates, zone, 3) if p.engagement > 0]
    people = newcomers.people if newcomers is not None else []
    return Highlights(sentences=sentences, top_posts=top_posts, newcomers=[p.handle for p in people],
                      not_welcomed=[p.handle for p in people if not p.welcomed_by],
                      more_newcomers=max(newcomers.count - len(people), 0) if newcomers is not None else 0)


def _summary(chat: Chat, policy: Any, previous: Any, zone: Any, tz: str, top: int, figures: bool, title: str | None,
             start: Any, end: Any, date: str | None, counts: dict[str, Any], engagement: _Engagement,
             graph: nx.DiGraph | None, drawing: Background | None, picture: Path, title_of_picture: str | None,
             brief: bool = False) -> Summary:
    """The rest of :func:`build_summary`, while the figures are drawn."""
    # the previous session: from the (protected) history, so the comparison is like for like
    prev_counts: dict[str, Any] = {}
    prev_label = None
    if isinstance(previous, Summary):
        prev_counts = {m.key: m.value for m in previous.headline}
        prev_label = previous.session_id or previous.date
    elif previous is None and chat.history is not None:
        prev_label = chat.history.previous(chat.session_id)
        prev_counts = _history_counts(chat, prev_label) or {}
    elif previous is not None and previous is not False:
        if "privacy" not in previous.meta:
            previous = policy.chat(previous)
        prev_counts = _counts(previous)
        prev_label = previous.session_id or _local(previous.own_posts["created_at"].min(), zone, "%d %b %Y")
        prev_counts["newcomers"] = (_history_counts(previous, previous.session_id) or {}).get("newcomers")

    attention = activity = None
    if _have("growth"):  # who received what, computed once for every section that shows it
        from ..growth import account_activity, received_attention

        attention = received_attention(chat.posts)
        activity = account_activity(chat.posts, attention=attention)
    # the timeline figure is drawn beside the rest too (after the network picture)
    timing = _timeline_growth(chat, tz, activity) if figures else None
    timeline_png = picture.with_name("timeline.png")
    if timing is not None and drawing is not None:
        drawing.call(_draw_timeline, timing, timeline_png)
    arrived = _newcomer_rows(chat)
    newcomers = _newcomers(chat, arrived, top, attention)
    newcomer_handles = {str(h).lower() for h in arrived["handle"]} if arrived is not None else set()
    this_counts = _history_counts(chat, chat.session_id) if newcomers is not None else None

    def metric(key: str, label: str, value: Any) -> Metric:
        return Metric(key, label, value, prev_counts.get(key), meaning=MEANINGS[key])

    headline = [
        metric("posts", "Posts", counts["posts"]),
        metric("participants", "Participants", counts["participants"]),
        metric("newcomers", "Newcomers", this_counts["newcomers"] if this_counts else None),
        metric("replies", "Replies", counts["replies"]),
        metric("retweets", "Retweets", counts["retweets"]),
        metric("reach", "Potential reach", counts["reach"]),
    ]

    themes = None
    if _have("themes"):
        from ..themes import chat_themes

        # the lists the report shows (the others would be computed for nothing)
        themes = chat_themes(chat, n=10, only=("questions", "hashtags", "links"))

    table = _question_rows(chat)
    hosts = _hosts(chat, table)
    questions = _questions(chat, zone, themes, engagement, top, table)
    minutes = (end - start).total_seconds() / 60 if start is not None and end is not None else None
    highlights = _highlights(chat, zone, engagement, counts, date, minutes, newcomers,
                             prev_counts.get("participants"), questions, table, hosts, activity)
    contributors = conversations = timeline = network = None
    metrics: dict[str, Any] = {}
    if not brief:
        contributors = _contributors(chat, top * 2, newcomer_handles, activity)
        conversations = _conversations(chat, zone, engagement, top, table, hosts)
        network, metrics = _network(chat, graph, top)
        # the drawing process failed (or there is none): draw here (an error shows as usual)
        drawn = drawing is not None and drawing.wait()
        if timing is not None:
            if not drawn:
                _draw_timeline(timing, timeline_png)
            timeline = _timeline(timing, tz, timeline_png.read_bytes())
        if network is not None and graph is not None and title_of_picture is not None:
            if not drawn:
                _draw(_drawable(graph), picture, title_of_picture)
            network.figure = _network_figure(graph, picture.read_bytes(), network.groups or 0)

    sections = {
        "timeline": timeline is not None or not figures or brief,
        "questions": questions is not None,
        "contributors": contributors is not None or brief,
        "threads": conversations is not None or brief,
        "network": network is not None or brief,
        "newcomers": newcomers is not None,
        "themes": themes is not None,
    }
    privacy = policy.describe()
    hashtag = chat.hashtag
    default_title = (f"#{hashtag}" if hashtag else "Chat") + (f" — {date}" if date else "")
    return Summary(
        title=title or default_title,
        hashtag=hashtag,
        session_id=chat.session_id,
        tz=tz,
        start=_local(start, zone, "%a %d %b %Y, %H:%M %Z"),
        end=_local(end, zone, "%H:%M %Z"),
        date=date,
        generated=datetime.now(UTC).astimezone(zone).strftime("%Y-%m-%d %H:%M %Z"),
        version=__version__,
        headline=headline,
        previous_session=prev_label,
        timeline=timeline,
        questions=questions,
        contributors=contributors,
        conversations=conversations,
        network=network,
        newcomers=newcomers,
        hashtags=[(str(t), int(c)) for t, c in themes.hashtags[:top * 2]] if themes and not brief else None,
        links=[(str(u), int(c)) for u, c in themes.links[:top * 2]] if themes and not brief else None,
        methods=_methods(chat, counts, privacy, sections),
        privacy=privacy,
        highlights=highlights,
        research=[] if brief else _research(metrics, network, conversations),
        brief=brief,
    )
