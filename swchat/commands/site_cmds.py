"""Site command: ``site`` (a static website of a whole chat)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ..cli import (
    TEXT,
    FilePath,
    archive_option,
    count,
    echo_json,
    handle_errors,
    json_option,
    open_archive,
    privacy_options,
    stderr_is_terminal,
    tz_option,
    writing,
)

__all__ = ["COMMANDS", "site"]


def _progress(bars: list[Any]) -> Any:
    """The per-session progress callback: a bar on a terminal, else one line per page written."""
    if stderr_is_terminal():
        from tqdm import tqdm

        tqdm.monitor_interval = 0  # no monitor thread: a report draws its network in a forked process

        def bar(done: int, total: int, session_id: str, action: str) -> None:
            if not bars:
                bars.append(tqdm(total=total, unit="session", desc="site", leave=False))
            bars[0].set_postfix_str(session_id, refresh=False)
            bars[0].update(done - bars[0].n)

        return bar

    def line(done: int, total: int, session_id: str, action: str) -> None:
        if action == "written":
            click.echo(f"site: wrote the page of {session_id} ({done}/{total})", err=True)

    return line


@click.command()
@click.argument("outdir", metavar="OUTDIR", type=FilePath(file_okay=False, path_type=Path))
@archive_option
@click.option("--hashtag", type=TEXT, metavar="TAG",
              help="The chat's hashtag (default: the archive's only chat hashtag).")
@tz_option
@click.option("--top", type=count(), default=5, show_default=True, metavar="N",
              help="Items per list in each session's report (answers per question, threads…).")
@click.option("--force", is_flag=True, help="Make every page again, even those whose inputs did not change.")
@json_option
@privacy_options
@handle_errors
def site(outdir: Path, archive_path: Path | None, hashtag: str | None, tz: str, top: int, force: bool,
         as_json: bool) -> None:
    """Write a static website of a whole chat into OUTDIR, to put on any web host.

    index.html lists every session (date, topic, posts, participants, newcomers, retention),
    newest first, with a search box (no server: a small index inside the page) and the
    growth and retention pictures; sessions/<id>.html is each session's post-chat report, as
    it stood after that chat; accounts.html lists everyone who took part. Nothing is fetched
    from elsewhere and links are relative, so the folder also opens from the disk.

    Running it again writes only what changed: after next week's chat, its page, the index
    and the accounts page. The archive's opt-out list always applies, on every page; --exclude-accounts and
    --pseudonymise as for `swchat report`. OUTDIR is created (its parent must exist); a
    folder holding other files and no site is refused. With --json the files written are
    printed to stdout.

    \b
    Example:
        swchat site chat-site --hashtag SWChat --tz Europe/London
    """
    bars: list[Any] = []
    try:
        with open_archive(archive_path) as archive, writing(outdir, new_folder=True):
            result = archive.site(outdir, hashtag, tz=tz, top=top, force=force, progress=_progress(bars))
    finally:
        for bar in bars:
            bar.close()
    pages = [f for f in result.written if f.startswith("sessions/")]
    click.echo(f"wrote {result.index} ({result.sessions} sessions: {len(pages)} "
               f"{'page' if len(pages) == 1 else 'pages'} made, {result.sessions - len(pages)} unchanged; "
               f"{len(result.written)} files written, {len(result.removed)} removed)", err=True)
    if as_json:
        echo_json(result.as_dict())


COMMANDS = [site]
