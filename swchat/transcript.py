"""A session's transcript: grouped by question (intro, Q1 …, wrap-up) and threaded.

Each segment (see :func:`swchat.questions.assign_questions`) is one section; inside it, posts
come in time order with replies indented under the posts they reply to (when the parent is in
the same section; otherwise the reply is shown at the top level, marked ``↪ @parent``). Times
are shown in the time zone asked for. Retweets are left out by default (their number is given
per section), as they repeat what is already shown.

Markdown output escapes what users wrote, so that no post can break the document's structure:
backslashes, ``* _ ` [ ] < > | ~``, and ``#``, ``+``, ``-``, ``=`` or ``1.`` at the start of a
line are escaped; links are written as autolinks ``<https://…>``; line breaks inside a post stay
inside its list item. Plain text is not escaped.

Examples
--------
>>> from swchat.chat import Chat
>>> from swchat.schema import new_post, posts_frame
>>> def p(pid, minute, who, text, parent=None):
...     return new_post(platform="x", post_id=pid, author_id=who, author_handle=who, text=text,
...                     created_at=f"2026-10-07T19:{minute:02d}:00.000Z", hashtags=["SWChat"],
...                     kind="reply" if parent else "original", reply_to_post_id=parent)
>>> rows = [p("1", 0, "host", "Welcome! #SWChat"), p("2", 2, "host", "Q1: Why? #SWChat"),
...         p("3", 3, "bo", "A1 # not a heading *really*"), p("4", 4, "cy", "@bo agreed", "3")]
>>> print(transcript(Chat(posts=posts_frame(rows)), tz="Europe/London", min_posts=3))
# SWChat-2026-10-07 (#SWChat), Wednesday 7 October 2026
<BLANKLINE>
20:00–20:04 Europe/London · 4 posts · 3 participants · host @host
<BLANKLINE>
## Intro
<BLANKLINE>
- 20:00 **@host**: Welcome! #SWChat
<BLANKLINE>
## Q1 · 20:02 · @host
<BLANKLINE>
- 20:02 **@host** (Q1): Q1: Why? #SWChat
- 20:03 **@bo**: A1 # not a heading \\*really\\*
  - 20:04 **@cy**: @bo agreed
<BLANKLINE>
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pandas as pd

from .errors import SelectionError

if TYPE_CHECKING:  # pragma: no cover
    from .chat import Chat

__all__ = ["FORMATS", "escape_markdown", "transcript"]

#: Output formats of :func:`transcript`.
FORMATS = ("markdown", "text")
_MAX_INDENT = 8
_URL = re.compile(r"https?://[^\s<>\"]+")
_INLINE = re.compile(r"([\\`*_\[\]<>|~])")
_LINE_START = re.compile(r"^(\s*)([#+=-]|\d+[.)])")
_ENTITY = re.compile(r"&(?=#?\w+;)")


def escape_markdown(text: str) -> str:
    """Escape user text for Markdown so that it cannot change the document's structure.

    Inline markup (``\\ ` * _ [ ] < > | ~``) is backslash-escaped everywhere; block markers
    (``#``, ``+``, ``-``, ``=``, ``1.``, ``1)``) at the start of a line; character references
    (``&amp;``) are neutralised; URLs become autolinks and are left as they are.

    Examples
    --------
    >>> escape_markdown("# big | *bold* <b>")
    '\\\\# big \\\\| \\\\*bold\\\\* \\\\<b\\\\>'
    >>> escape_markdown("> quoted\\n1. listed see https://x.org/a_b")
    '\\\\> quoted\\n1\\\\. listed see <https://x.org/a_b>'
    """
    out_lines = []
    for line in text.split("\n"):
        pieces = []
        last = 0
        for match in _URL.finditer(line):
            pieces.append(_escape_plain(line[last:match.start()]))
            url = match.group(0).rstrip(".,;:!?)")
            pieces.append(f"<{url}>")
            pieces.append(_escape_plain(match.group(0)[len(url):]))
            last = match.end()
        pieces.append(_escape_plain(line[last:]))
        escaped = "".join(pieces)
        start = _LINE_START.match(escaped)
        if start:
            marker = start.group(2)
            if marker[0].isdigit():
                escaped = f"{start.group(1)}{marker[:-1]}\\{marker[-1]}{escaped[start.end():]}"
            else:
                escaped = f"{start.group(1)}\\{marker}{escaped[start.end():]}"
        out_lines.append(escaped)
    return "\n".join(out_lines)


def _escape_plain(text: str) -> str:
    return _ENTITY.sub("&amp;", _INLINE.sub(r"\\\1", text))


def transcript(
    chat: Chat,
    tz: str = "UTC",
    format: str = "markdown",
    *,
    retweets: bool = False,
    **options: Any,
) -> str:
    """The transcript of a chat session, grouped by question and threaded.

    Parameters
    ----------
    chat : Chat
        A session's chat (:meth:`swchat.Archive.session`); for any other selection, one
        transcript per session found in it (options as for
        :func:`swchat.sessions.find_sessions`), or all posts in one section when it has none.
    tz : str
        Time zone of the times shown (e.g. ``Europe/London``).
    format : {"markdown", "text"}
        Markdown (user text escaped) or plain text.
    retweets : bool
        Show retweets too (by default only their number per section is given).
    **options
        ``wrapup_after`` (see :func:`swchat.questions.assign_questions`) and the options of
        :func:`swchat.sessions.chat_sessions` (``hosts`` …).

    Returns
    -------
    str

    Raises
    ------
    SelectionError
        For an unknown format or time zone.
    """
    from .questions import INTRO, WRAPUP, assign_questions
    from .schema import light_posts, time_zone
    from .sessions import chat_sessions

    if format not in FORMATS:
        raise SelectionError(f"unknown transcript format {format!r} (use markdown or text)")
    zone = time_zone(tz)
    markdown = format == "markdown"
    own = light_posts(chat.own_posts)
    everything = light_posts(chat.posts).drop_duplicates("post_id").set_index("post_id")
    wrapup_after = options.pop("wrapup_after", None)
    sessions = chat_sessions(chat, **options)
    segments = assign_questions(chat, sessions=sessions, wrapup_after=wrapup_after)
    blocks: list[str] = []
    if not sessions:
        blocks.append(_render(own.assign(segment="posts"), ["posts"], everything, zone, markdown,
                              retweets, title=f"#{chat.hashtag}" if chat.hashtag else "Posts", session=None))
    for session in sessions:
        part = own[own["post_id"].isin(set(session.post_ids)).to_numpy(bool)]
        part = part.assign(segment=part["post_id"].map(segments))
        order = [INTRO, *[f"Q{q['number']}" for q in session.questions], WRAPUP]
        blocks.append(_render(part, order, everything, zone, markdown, retweets,
                              title=f"#{session.hashtag}", session=session))
    return "\n".join(blocks)


def _local(ts: pd.Timestamp, zone: Any, fmt: str = "%H:%M") -> str:
    return ts.tz_convert(zone).strftime(fmt)


def _render(part: pd.DataFrame, order: list[str], everything: pd.DataFrame, zone: Any, markdown: bool,
            retweets: bool, *, title: str, session: Any) -> str:
    from .questions import INTRO, WRAPUP

    lines: list[str] = []
    if len(part):
        start, end = part["created_at"].iloc[0], part["created_at"].iloc[-1]
    else:  # pragma: no cover - a session always has posts
        start = end = pd.Timestamp.now(tz="UTC")
    day = start.tz_convert(zone)
    date = f"{day.strftime('%A')} {day.day} {day.strftime('%B %Y')}"
    heading = f"{session.id} ({title}), {date}" if session is not None else f"{title}, {date}"
    hosts = list(session.hosts) if session is not None else []
    facts = [f"{_local(start, zone)}–{_local(end, zone)} {zone.key}", f"{len(part)} posts",
             f"{part['author_id'].nunique()} participants"]
    if hosts:
        facts.append(("host " if len(hosts) == 1 else "hosts ") + ", ".join(f"@{h}" for h in hosts))
    if markdown:
        lines += [f"# {escape_markdown(heading)}", "", escape_markdown(" · ".join(facts)), ""]
    else:
        lines += [heading, "=" * len(heading), "; ".join(facts), ""]
    questions = {f"Q{q['number']}": q for q in (session.questions if session is not None else [])}
    handle_of = everything["author_handle"].to_dict()
    for name in order:
        posts = part[part["segment"] == name]
        if posts.empty and name in (INTRO, WRAPUP):
            continue
        q = questions.get(name)
        if q is not None:
            label = f"{name} · {_local(pd.Timestamp(q['time']), zone)} · @{q['host']}"
        else:
            label = {INTRO: "Intro", WRAPUP: "Wrap-up", "posts": "Posts"}.get(name, name)
        if markdown:
            lines += [f"## {escape_markdown(label)}", ""]
        else:
            lines += [label.upper() if name in (INTRO, WRAPUP) else label, "-" * len(label)]
        shown = posts if retweets else posts[posts["kind"] != "retweet"]
        hidden = len(posts) - len(shown)
        q_ids = {v["post_id"]: k for k, v in questions.items()}
        lines += _thread_lines(shown, handle_of, zone, markdown, q_ids)
        if hidden:
            note = f"{hidden} retweet{'s' if hidden != 1 else ''} not shown"
            lines.append(f"\n_{note}_" if markdown else f"({note})")
        lines.append("")
    return "\n".join(lines)


def _thread_lines(posts: pd.DataFrame, handle_of: dict[Any, Any], zone: Any, markdown: bool,
                  q_ids: dict[Any, str]) -> list[str]:
    ids = set(posts["post_id"])
    children: dict[Any, list[Any]] = {}
    tops = []
    rows = {}
    for row in posts.itertuples(index=False):
        rows[row.post_id] = row
        parent = row.reply_to_post_id
        if parent is not None and parent in ids and parent != row.post_id:
            children.setdefault(parent, []).append(row.post_id)
        else:
            tops.append(row.post_id)
    out: list[str] = []
    stack = [(pid, 0) for pid in reversed(tops)]
    seen: set[Any] = set()
    while stack:
        pid, level = stack.pop()
        if pid in seen:
            continue
        seen.add(pid)
        out.append(_post_line(rows[pid], level, handle_of, zone, markdown, q_ids,
                              orphan=pid in tops and rows[pid].reply_to_post_id is not None))
        for child in reversed(children.get(pid, [])):
            stack.append((child, level + 1))
    return out


def _post_line(row: Any, level: int, handle_of: dict[Any, Any], zone: Any, markdown: bool,
               q_ids: dict[Any, str], orphan: bool) -> str:
    level = min(level, _MAX_INDENT)
    when = _local(row.created_at, zone)
    who = f"@{row.author_handle}"
    text = row.text if isinstance(row.text, str) else ""
    notes = []
    if row.post_id in q_ids:
        notes.append(q_ids[row.post_id])
    if orphan:
        parent = handle_of.get(row.reply_to_post_id)
        notes.append(f"↪ @{parent}" if isinstance(parent, str) else "↪ a post not in the archive")
    if row.kind == "retweet":
        original = handle_of.get(row.retweeted_post_id)
        notes.append(f"retweet of @{original}" if isinstance(original, str) else "retweet")
    elif row.quoted_post_id is not None:
        quoted = handle_of.get(row.quoted_post_id)
        notes.append(f"quoting @{quoted}" if isinstance(quoted, str) else "quote")
    if markdown:
        indent = "  " * level
        body = escape_markdown(text).split("\n")
        extra = f" ({escape_markdown(', '.join(notes))})" if notes else ""
        first = f"{indent}- {when} **{escape_markdown(who)}**{extra}: {body[0]}"
        rest = [f"{indent}  {line}" if line.strip() else "" for line in body[1:]]
        return "\n".join([first, *rest]).rstrip()
    indent = "    " * level
    extra = f" ({', '.join(notes)})" if notes else ""
    body = text.split("\n")
    first = f"{indent}{when} {who}{extra}: {body[0]}"
    rest = [f"{indent}    {line}" if line.strip() else "" for line in body[1:]]
    return "\n".join([first, *rest]).rstrip()
