"""Chat commands: ``sessions``, ``questions``, ``threads``, ``transcript``.

Each is a thin layer over one call of :class:`swchat.Archive` or of a session's
:class:`swchat.Chat`; the library is imported inside the commands so that ``swchat --help``
stays fast.
"""

from __future__ import annotations

import contextlib
import math
from pathlib import Path
from typing import Any

import click

from ..cli import (
    TEXT,
    FiniteFloatRange,
    archive_option,
    count,
    echo_json,
    handle_errors,
    json_option,
    open_archive,
    output_option,
    people_option,
    platform_option,
    privacy_options,
    session_option,
    tz_option,
    writing,
)

__all__ = ["COMMANDS", "questions", "sessions", "threads", "transcript"]

_MINUTES_A_YEAR = 365 * 24 * 60


def host_option(func: Any) -> Any:
    """``--host HANDLE`` (repeatable): the chat's hosts, instead of finding them."""
    return click.option("--host", "hosts", type=TEXT, multiple=True, metavar="HANDLE",
                        help="A host's handle (repeat for several); found from the questions when not given.")(func)


def _table(rows: list[list[str]], headers: list[str], right: frozenset[int] | set[int] = frozenset()) -> list[str]:
    """Rows as aligned text columns (numbers right-aligned)."""
    widths = [len(h) for h in headers]
    for row in rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], len(cell))

    def line(cells: list[str]) -> str:
        out = [c.rjust(widths[i]) if i in right else c.ljust(widths[i]) for i, c in enumerate(cells)]
        return "  ".join(out).rstrip()

    return [line(headers), *(line(r) for r in rows)]


def _short(text: Any, width: int = 60) -> str:
    if not isinstance(text, str):
        return ""
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def _clean(value: Any) -> Any:
    """JSON-ready scalars: NaN and NaT become None, numpy numbers plain numbers."""
    if value is None:
        return None
    if hasattr(value, "item") and not isinstance(value, list | dict | str):
        with contextlib.suppress(ValueError, AttributeError):
            value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if type(value).__name__ in ("NaTType", "NAType"):
        return None
    return value


@click.command()
@archive_option
@click.option("--hashtag", type=TEXT, metavar="TAG",
              help="Only this hashtag's sessions (default: every chat hashtag).")
@click.option("--gap", type=FiniteFloatRange(min=1, max=_MINUTES_A_YEAR), default=90, show_default=True,
              metavar="MIN", help="Minutes of quiet that end a session.")
@click.option("--min-posts", type=count(), default=10, show_default=True, metavar="N",
              help="Least tagged posts (not counting retweets) in a session.")
@tz_option
@host_option
@json_option
@people_option
@platform_option
@privacy_options
@handle_errors
def sessions(archive_path: Path | None, hashtag: str | None, gap: float, min_posts: int, tz: str,
             hosts: tuple[str, ...], as_json: bool) -> None:
    """List the chat sessions: dense bursts of a hashtag separated by quiet gaps.

    Shows each session's id (use it with --session), local start and end, posts,
    participants and hosts, then when the chat meets (weekday and local time in --tz).

    \b
    Example:
        swchat sessions --hashtag SWChat --tz Europe/London
    """
    with open_archive(archive_path) as archive:
        only = archive.platform
        found = archive.sessions(hashtag, tz=tz, gap=gap, min_posts=min_posts, hosts=list(hosts) or None)
        if not found and hashtag and not archive.tag_post_counts([hashtag])[hashtag.lstrip("#").lower()]:
            from ..errors import SelectionError

            raise SelectionError(f"no #{hashtag.lstrip('#')} posts in {archive.path}")
    if as_json:
        echo_json([s.as_dict() for s in found])
        return
    if not found:
        if only is not None:
            from ..chat import PLATFORM_NAMES

            click.echo(f"no sessions with {PLATFORM_NAMES[only]} posts (sessions are found from every "
                       "platform's posts; leave out --platform to list them)", err=True)
        else:
            click.echo("no sessions found (try a smaller --min-posts or a longer --gap)", err=True)
        return
    rows = []
    # one chat on several platforms: show each one's share (or the one asked for)
    mixed = only is not None or any(s.cross_platform for s in found)
    for s in found:
        start, end = s.local_start, s.local_end
        same_day = start.date() == end.date()
        rows.append([
            s.id, start.strftime("%a %Y-%m-%d %H:%M"), end.strftime("%H:%M" if same_day else "%a %H:%M"),
            str(s.posts), str(s.participants), *([s.platform_shares or "-"] if mixed else []),
            ", ".join(f"@{h}" for h in s.hosts) or "-",
        ])
    header = ["id", f"start ({tz})", "end", "posts", "participants", *(["platforms"] if mixed else []), "hosts"]
    for line in _table(rows, header, {3, 4}):
        click.echo(line)
    click.echo("")
    shown: set[str] = set()
    for s in found:
        if s.hashtag.lower() in shown:
            continue
        shown.add(s.hashtag.lower())
        if s.schedule is not None:
            sch = s.schedule
            click.echo(f"#{s.hashtag} {sch.describe()} ({sch.sessions} of {sch.total} sessions, "
                       f"{sch.cadence}, about {sch.duration_minutes} minutes)")
        else:
            click.echo(f"#{s.hashtag}: no regular schedule detected")


@click.command()
@archive_option
@session_option
@tz_option
@host_option
@json_option
@platform_option
@privacy_options
@handle_errors
def questions(archive_path: Path | None, session_id: str, tz: str, hosts: tuple[str, ...], as_json: bool) -> None:
    """List a session's questions (Q1, Q2 …) with their posts, answers and participants.

    Every post of the session is attached to a question: by its answer label (A1 …), else by
    its reply thread, else by time; posts before Q1 are the intro, after the host's closing
    post the wrap-up.

    \b
    Example:
        swchat questions --session SWChat-2026-10-07 --tz Europe/London
    """
    from ..schema import iso_utc

    with open_archive(archive_path) as archive:
        table = archive.session(session_id, tz=tz).questions(segments=True, hosts=list(hosts) or None)
    qs = table[table["number"].notna()]
    if as_json:
        out = []
        for row in qs.itertuples(index=False):
            out.append({
                "number": int(row.number), "label": row.segment, "text": row.text,
                "time": iso_utc(row.time.to_pydatetime()),
                "local_time": row.time.tz_convert(tz).isoformat(), "host": row.host, "post_id": row.post_id,
                "posts": int(row.posts), "answers": int(row.answers), "replies": int(row.replies),
                "retweets": int(row.retweets), "participants": int(row.participants),
            })
        echo_json(out)
        return
    if qs.empty:
        click.echo(f"no questions found in {session_id} (name the hosts with --host?)", err=True)
    rows = [[row.segment, row.time.tz_convert(tz).strftime("%H:%M"), f"@{row.host}", str(row.posts),
             str(row.answers), str(row.replies), str(row.participants), _short(row.text)]
            for row in qs.itertuples(index=False)]
    if rows:
        for line in _table(rows, ["Q", "time", "host", "posts", "answers", "replies", "participants", "text"],
                           {3, 4, 5, 6}):
            click.echo(line)
    other = table[table["number"].isna()]
    parts = [f"{row.segment} {row.posts} posts" for row in other.itertuples(index=False) if row.posts]
    if parts:
        click.echo("\n" + ", ".join(parts))


@click.command()
@archive_option
@session_option
@tz_option
@click.option("--top", type=count(), default=10, show_default=True, metavar="N",
              help="How many threads to show (largest first).")
@json_option
@platform_option
@privacy_options
@handle_errors
def threads(archive_path: Path | None, session_id: str, tz: str, top: int, as_json: bool) -> None:
    """Show a session's largest reply threads and the posts that replies point to but the archive lacks.

    Per thread: size (posts), depth, breadth, participants, structural virality (Goel et al.
    2016: mean distance between all pairs of posts of the tree) and duration. --tz is the
    time zone the session id was listed in (an id as listed in UTC works too).

    \b
    Example:
        swchat threads --session SWChat-2026-10-07 --top 5
    """
    from ..schema import iso_utc
    from ..threads import missing_parents

    with open_archive(archive_path) as archive:
        chat = archive.session(session_id, tz=tz)
    table = chat.threads()
    lost = missing_parents(chat.posts)
    replies_to_lost = 0
    if lost:
        parents = chat.posts["reply_to_post_id"].astype(object)
        replies_to_lost = int(parents.isin(set(lost)).sum())
    shown = table.head(top)
    if as_json:
        items = []
        for row in shown.to_dict("records"):
            item = {k: _clean(v) for k, v in row.items() if k not in ("start", "end", "duration")}
            item["start"] = iso_utc(row["start"].to_pydatetime())
            item["end"] = iso_utc(row["end"].to_pydatetime())
            item["duration_seconds"] = _clean(row["duration"].total_seconds())
            items.append(item)
        echo_json({"session": chat.session_id, "total_threads": len(table), "threads": items,
                   "missing_parents": lost, "replies_to_missing": replies_to_lost})
        return
    rows = [[str(r.root), f"@{r.author}" if isinstance(r.author, str) else "(missing)", str(r.size), str(r.depth), str(r.breadth),
             str(r.participants), f"{r.virality:.2f}", f"{r.duration.total_seconds() / 60:.0f} min",
             _short(r.text, 50)]
            for r in shown.itertuples(index=False)]
    for line in _table(rows, ["root", "author", "size", "depth", "breadth", "participants", "virality",
                              "duration", "text"], {2, 3, 4, 5, 6, 7}):
        click.echo(line)
    click.echo(f"\n{len(table)} threads in {chat.session_id}, {len(shown)} shown")
    if lost:
        listed = ", ".join(lost[:20]) + (", …" if len(lost) > 20 else "")
        click.echo(f"{replies_to_lost} replies point to {len(lost)} posts not in the archive: {listed}")
    else:
        click.echo("every reply's parent is in the archive")


@click.command()
@archive_option
@session_option
@tz_option
@click.option("--format", "fmt", type=click.Choice(["markdown", "text"]), default="markdown", show_default=True,
              help="Markdown (user text escaped) or plain text.")
@click.option("--retweets/--no-retweets", default=False, show_default=True, help="Show retweets too.")
@output_option("Write to this file instead of stdout.")
@platform_option
@privacy_options
@handle_errors
def transcript(archive_path: Path | None, session_id: str, tz: str, fmt: str, retweets: bool,
               output: Path | None) -> None:
    """Write a session's transcript, grouped by question and threaded, with local times.

    \b
    Example:
        swchat transcript --session SWChat-2026-10-07 --tz Europe/London -o chat.md
    """
    with open_archive(archive_path) as archive:
        text = archive.session(session_id, tz=tz).transcript(tz=tz, format=fmt, retweets=retweets)
    if output is None:
        click.echo(text, nl=False)
        return
    with writing(output):
        output.write_text(text, encoding="utf-8")
    click.echo(f"wrote {output}", err=True)


COMMANDS = [sessions, questions, threads, transcript]
