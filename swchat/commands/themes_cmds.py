"""Themes and growth commands: ``themes``, ``growth``, ``community``.

``themes`` and ``growth`` look at one chat — a session (``--session ID``, listed in ``--tz``) or
a selection (``--hashtag``, ``--since``, ``--until``), opened with
:meth:`swchat.Archive.chat` — and call :func:`swchat.themes.chat_themes` or
:func:`swchat.growth.chat_growth`; ``community`` looks across the sessions of a hashtag
(:meth:`swchat.Archive.community`). Figures come from :mod:`swchat.figures`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ..choices import FIGURE_SUFFIXES
from ..cli import (
    TEXT,
    archive_option,
    chat_options,
    count,
    echo_json,
    handle_errors,
    json_option,
    open_archive,
    output_option,
    people_option,
    platform_option,
    privacy_options,
    tz_option,
    writing,
)

__all__ = ["COMMANDS", "community", "growth", "themes"]


def _figure_option(help_text: str) -> Any:
    """``-o`` for a figure: one of :data:`swchat.figures.FORMATS`."""
    return output_option(help_text, suffixes=FIGURE_SUFFIXES)


def _bin_width(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """``--freq``: a fixed pandas frequency of at least a second."""
    import pandas as pd

    try:
        width = pd.Timedelta(pd.tseries.frequencies.to_offset(value))
    except (ValueError, TypeError):
        width = None
    if width is None or width < pd.Timedelta(seconds=1):
        raise click.BadParameter(f"not a bin width: {value!r} (use e.g. 30s, 1min, 5min, 1h)",
                                 ctx=ctx, param=param)
    return value


def _write_figure(draw: Any, data: Any, output: Path) -> Path:
    with writing(output):
        path = draw(data, output)
    click.echo(f"wrote {path}", err=True)
    return path


def _items(pairs: list[tuple[Any, int]]) -> str:
    if not pairs:
        return "-"
    shown = []
    for item, times in pairs:
        text = " ".join(item) if isinstance(item, tuple | list) else str(item)
        shown.append(f"{text} ({times})")
    return ", ".join(shown)


@click.command()
@chat_options
@json_option
@click.option("--top", "n", type=count(), default=10, show_default=True, metavar="N",
              help="How many items per list.")
@click.option("--topics", "n_topics", type=count(), default=None, metavar="K",
              help="Also find K topics (NMF, seeded; fewer than the posts).")
@click.option("--stopword", "stopwords", type=TEXT, multiple=True, metavar="WORD",
              help="Another word to leave out (repeatable).")
@click.option("--retweets", is_flag=True, help="Also use retweets' text (left out by default).")
@people_option
@platform_option
@privacy_options
@handle_errors
def themes(archive_path: Path | None, session_id: str | None, hashtag: str | None, since: str | None,
           until: str | None, tz: str, as_json: bool, n: int, n_topics: int | None,
           stopwords: tuple[str, ...], retweets: bool) -> None:
    """What was discussed: top words, word pairs, hashtags, links, and each question's own terms.

    Distinctive terms per question are TF-IDF scores of each question's posts (one document
    per question, the intro and wrap-up included) against the rest of the session.

    \b
    Example:
        swchat themes --session SWChat-2026-10-07 --archive chat.db
    """
    from ..themes import chat_themes

    with open_archive(archive_path) as archive:
        chat = archive.chat(session_id, hashtag, since, until, tz=tz)
        result = chat_themes(chat, n=n, n_topics=n_topics, stopwords=list(stopwords) or None,
                             retweets=retweets)
    if as_json:
        echo_json(result.as_dict())
        return
    title = getattr(chat, "session_id", None) or (f"#{chat.hashtag}" if chat.hashtag else "selection")
    click.echo(f"themes of {title}: {result.posts:,} posts" + ("" if retweets else " (retweets left out)"))
    click.echo(f"top words        {_items(result.terms)}")
    click.echo(f"word pairs       {_items(result.word_pairs)}")
    click.echo(f"hashtags         {_items(result.hashtags)}")
    click.echo(f"hashtag pairs    {_items(result.co_hashtags)}")
    click.echo(f"links            {_items(result.links)}")
    click.echo(f"sites            {_items(result.domains)}")
    if result.questions:
        click.echo("distinctive terms per segment (TF-IDF against the rest of the session):")
        for label, terms in result.questions.items():
            posts = result.question_posts.get(label, 0)
            words = ", ".join(t for t, _, _ in terms) or "-"
            click.echo(f"  {label:<8} {posts:>4} posts  {words}")
    if result.topics:
        click.echo("topics (NMF):")
        for topic in result.topics:
            words = ", ".join(w for w, _ in topic["words"])
            click.echo(f"  {topic['topic'] + 1:<3} {topic['posts']:>4} posts  {words}")


@click.command()
@chat_options
@json_option
@_figure_option("Write a figure (.png, .svg or .pdf): the timeline of posts per minute by kind, "
                "or see --figure.")
@click.option("--figure", type=click.Choice(["timeline", "participants"]), default="timeline",
              show_default=True, help="Which figure -o writes: posts per minute, or cumulative participants.")
@click.option("--freq", default="1min", show_default=True, metavar="WIDTH", callback=_bin_width,
              help="Timeline bin width (pandas frequency: 30s, 1min, 5min, 1h), at least a second.")
@people_option
@platform_option
@privacy_options
@handle_errors
def growth(archive_path: Path | None, session_id: str | None, hashtag: str | None, since: str | None,
           until: str | None, tz: str, as_json: bool, output: Path | None, figure: str, freq: str) -> None:
    """How a chat unfolded: posts per minute, participants, first replies, activity tiers.

    Activity tiers (Bruns & Stieglitz 2013): the most active 1 % of participants, the next
    9 %, the remaining 90 % (at least one account in the top tier), with what each posted and
    received. Times are shown in --tz.

    \b
    Example:
        swchat growth --session SWChat-2026-10-07 --tz Europe/London -o timeline.png
    """
    from ..growth import chat_growth

    with open_archive(archive_path) as archive:
        chat = archive.chat(session_id, hashtag, since, until, tz=tz)
        result = chat_growth(chat, tz=tz, freq=freq)
    if output is not None:
        from ..figures import participants_figure, timeline_figure

        _write_figure(timeline_figure if figure == "timeline" else participants_figure, result, output)
    if as_json:
        echo_json(result.as_dict())
        return
    h = result.as_dict()["headline"]
    click.echo(f"growth of {result.title or 'selection'} (times in {result.tz})")
    click.echo(f"posts              {h['posts']:,}  ("
               + ", ".join(f"{k} {v:,}" for k, v in h["by_kind"].items()) + ")")
    click.echo(f"participants       {h['participants']:,}")
    click.echo(f"from / to          {_time(h['start'])} / {_time(h['end'])}  ({h['minutes']:.0f} minutes)")
    from ..figures import bin_name

    click.echo(f"{'busiest ' + bin_name(freq):<19}{_time(h['peak_minute'])}  ({h['peak_posts']} posts)")
    if h["originals"]:
        # the posts that can start a thread: originals and quotes (the kinds counted above)
        replied = h["originals_replied"]
        kinds = h["by_kind"]
        click.echo(f"got a reply        {replied:.0f} % of {h['originals']:,} thread starters "
                   f"({kinds.get('original', 0):,} originals + {kinds.get('quote', 0):,} quotes); median first reply "
                   + (_duration(h["median_first_reply_seconds"]) if h["median_first_reply_seconds"] is not None
                      else "-"))
    if h.get("accounts") is not None:
        click.echo(f"network            {h['accounts']:,} accounts, {h['edges']:,} connections")
    if result.questions:
        click.echo("questions          " + ", ".join(
            f"{label} {_time(when.tz_convert(result.tz).isoformat())}" for label, when in result.questions.items()))
    click.echo("")
    click.echo("activity tiers (Bruns & Stieglitz 2013): counts and % of all")
    columns = [("accounts", "accounts"), ("posts", "posts"), ("originals", "originals"),
               ("replies", "replies"), ("retweets", "retweets"), ("quotes", "quotes"),
               ("posts_with_links", "links"), ("replies_received", "replies in"),
               ("retweets_received", "retweets in")]
    header = f"{'tier':<15}" + "".join(f"{label:>14}" for _, label in columns)
    click.echo(header)
    for row in result.tiers.to_dict("records"):
        cells = "".join(f"{row[c]:>6,} ({row[c + '_share']:>4.0f}%)" for c, _ in columns)
        click.echo(f"{row['tier']:<15}{cells}")


def _time(iso: str | None) -> str:
    if not iso:
        return "-"
    return iso[:16].replace("T", " ")


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    return f"{seconds / 60:.1f} min"


@click.command()
@archive_option
@click.option("--hashtag", type=TEXT, required=True, metavar="TAG",
              help="The chat's hashtag (any case, # optional).")
@tz_option
@json_option
@_figure_option("Write a figure (.png, .svg or .pdf): newcomers and returners per session, or see --figure.")
@click.option("--figure", type=click.Choice(["newcomers", "retention"]), default="newcomers",
              show_default=True,
              help="Which figure -o writes: stacked bars of newcomers and returners per session, "
                   "or the retention heatmap of the cohort table.")
@people_option
@platform_option
@privacy_options
@handle_errors
def community(archive_path: Path | None, hashtag: str, tz: str, as_json: bool, output: Path | None,
              figure: str) -> None:
    """Who keeps coming back: newcomers, returners and retention per session of a hashtag.

    Newcomers: first session in the archive; returners: seen in an earlier session;
    retention: share of a session's participants seen in any later session; receptivity: did
    a newcomer get a reply or mention in their first session, and did they come back
    (Budak & Agrawal 2013). Session ids use --tz for their dates.

    \b
    Example:
        swchat community --hashtag SWChat --tz Europe/London -o newcomers.png
    """
    with open_archive(archive_path) as archive:
        result = archive.community(hashtag, tz=tz)
        linked = bool(archive.people)
    if output is not None:
        from ..figures import newcomers_figure, retention_figure

        _write_figure(newcomers_figure if figure == "newcomers" else retention_figure, result, output)
    if as_json:
        echo_json(result.as_dict())
        return
    click.echo(f"#{result.hashtag}: {len(result.sessions)} sessions, "
               f"{len(result.accounts):,} {'participants (a linked person once)' if linked else 'accounts'} in all")
    click.echo("received: newcomers who got a reply or mention from someone else; "
               "returned: newcomers seen in a later session")
    click.echo(f"{'session':<22}{'participants':>13}{'newcomers':>11}{'returners':>11}{'retention':>11}"
               f"{'received':>10}{'returned':>10}")
    for row in result.sessions.to_dict("records"):
        retention = "-" if row["retention"] != row["retention"] else f"{row['retention']:.0%}"
        returned = "-" if row["newcomers_returned"] != row["newcomers_returned"] else f"{int(row['newcomers_returned'])}"
        click.echo(f"{row['session']:<22}{row['participants']:>13,}{row['newcomers']:>11,}"
                   f"{row['returners']:>11,}{retention:>11}{row['newcomers_received']:>10,}{returned:>10}")
    click.echo("")
    click.echo("newcomer receptivity (Budak & Agrawal 2013), newcomers of every session but the last:")
    for key, label in (("received", "got a reply or mention"), ("not_received", "got none")):
        r = result.receptivity[key]
        rate = "-" if r["rate"] is None else f"{r['rate']:.0%}"
        click.echo(f"  {label:<24} {r['newcomers']:>5,} newcomers, {r['returned']:>5,} came back ({rate})")


COMMANDS = [themes, growth, community]
