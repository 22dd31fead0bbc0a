"""Report commands: ``report`` (the post-chat summary as HTML or Markdown)."""

from __future__ import annotations

from pathlib import Path

import click

from ..choices import REPORT_SUFFIXES
from ..cli import (
    TEXT,
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

__all__ = ["COMMANDS", "report"]


@click.command()
@archive_option
@session_option(required=False)
@click.option("--latest", is_flag=True, help="Report on the latest session (of --hashtag, when given).")
@click.option("--hashtag", type=TEXT, metavar="TAG", help="With --latest: the chat's hashtag.")
@output_option("Report file: .html (one self-contained page) or .md (Markdown, figures beside it).",
               suffixes=REPORT_SUFFIXES, required=True)
@tz_option
@click.option("--top", type=count(), default=5, show_default=True, metavar="N",
              help="Items per list (answers per question, threads…).")
@click.option("--compare/--no-compare", default=True, show_default=True,
              help="Show the change against the previous session of the hashtag.")
@click.option("--brief", is_flag=True,
              help="Write only the highlights and the question-by-question summary (a page or two to publish).")
@json_option
@people_option
@platform_option
@privacy_options
@handle_errors
def report(archive_path: Path | None, session_id: str | None, latest: bool, hashtag: str | None, output: Path,
           tz: str, top: int, compare: bool, brief: bool, as_json: bool) -> None:
    """Write the post-chat summary of one session, as HTML or Markdown.

    First the highlights a host can publish as they are: two sentences made from the
    numbers, the headline numbers (with the change since the previous session) and what each
    means, the three posts people engaged with most, and the newcomers to welcome back. Then
    the timeline, each question with its most engaged answers, top contributors, the side
    conversations that took off, who talked to whom (groups, bridges), newcomers and who
    welcomed them, hashtags and links, a folded section for researchers (network and
    thread measures, edge rules, sources) and the methods. --brief writes the highlights
    and the questions only. Times are shown in --tz. With --json the summary is also
    printed to stdout.

    Publishing with care: the accounts on the archive's opt-out list (`swchat optout`) are
    always left out (and their handle hidden where others mention them); --exclude-accounts
    leaves out more; --pseudonymise shows everyone under a stable pseudonym keyed by a secret
    (--secret-file or $SWCHAT_SECRET; refused without one), --keep-names keeps the hosts' own.

    \b
    Example:
        swchat report --session SWChat-2026-11-11 -o report.html --tz Europe/London
        swchat report --latest --hashtag SWChat -o report.md --exclude-accounts optout.txt
        swchat report --latest --brief -o brief.html
    """
    if bool(session_id) == latest:
        raise click.UsageError("give either --session ID or --latest")
    if hashtag and not latest:
        raise click.UsageError("--hashtag goes with --latest (a --session id already names its chat)")

    from ..report import build_summary, write_report
    from ..report.summary import start_drawing

    # the figures' process starts first: it imports matplotlib while the session is read
    drawing = None if brief else start_drawing()
    try:
        with open_archive(archive_path) as archive:
            if latest:
                session_id = archive.latest_session(hashtag, tz=tz)
            chat = archive.session(session_id, tz=tz)
            summary = build_summary(chat, tz=tz, top=top, previous=None if compare else False, brief=brief,
                                    drawing=drawing)
    finally:
        if drawing is not None:  # (ended by build_summary, unless the session could not be read)
            drawing.wait()
    with writing(output, new_folder=True):
        path = write_report(summary, output)
    headline = ", ".join(f"{m.value:,} {m.label.lower()}" for m in summary.headline[:3] if m.value is not None)
    click.echo(f"wrote {path} ({summary.session_id or 'chat'}: {headline})", err=True)
    if as_json:
        data = summary.as_dict()
        for figure in (data.get("timeline"), (data.get("network") or {}).get("figure")):
            if figure:
                figure.pop("png_base64", None)
        echo_json(data)


COMMANDS = [report]
