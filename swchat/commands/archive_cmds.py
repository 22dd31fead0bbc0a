"""Archive commands: ``ingest``, ``stats``, ``rejected``, ``reindex``, ``sample``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ..cli import (
    SEED,
    TEXT,
    FilePath,
    LazyChoice,
    archive_option,
    count,
    echo_json,
    handle_errors,
    json_option,
    open_archive,
    stderr_is_terminal,
)

__all__ = ["COMMANDS", "ingest", "reindex", "rejected", "sample", "stats"]


def _progress_factory(bars: list[Any]):
    """Make the per-file progress callback for :meth:`swchat.Archive.ingest` (tqdm on stderr)."""
    if not stderr_is_terminal():
        return None
    from tqdm import tqdm

    tqdm.monitor_interval = 0  # no monitor thread: the archive parses big files in a forked worker

    def start(source, fmt_name: str):
        size = source.size
        if not size or size < (1 << 20):
            return None
        bar = tqdm(total=size, unit="B", unit_scale=True, desc=Path(source.name).name, leave=False)
        bars.append(bar)

        def update(done: int) -> None:
            bar.update(done - bar.n)

        return update

    return start


def reader_formats() -> tuple[str, ...]:
    """The names of the source formats, in detection order (for ``ingest --format``)."""
    import importlib

    from ..readers.detect import READER_MODULES

    return tuple(importlib.import_module(f"swchat.readers.{module}").FORMAT.name for module in READER_MODULES)


def _source_zone(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """``--tz`` of ingest: an IANA zone name (empty is not UTC, it is a mistake)."""
    from ..errors import SwchatError
    from ..schema import time_zone

    try:
        if not value.strip():
            raise click.BadParameter("an empty value is not allowed.", ctx=ctx, param=param)
        if value != "UTC":  # the default needs no check (nor the zone database, loaded when a sheet needs it)
            time_zone(value)
    except SwchatError:
        raise click.BadParameter(f"unknown time zone {value!r} (use e.g. America/New_York or UTC)",
                                 ctx=ctx, param=param) from None
    return value


def _mapping(columns: str | None, fmt: str | None) -> dict[str, str] | None:
    """The column mapping of ``--columns`` (checked: a bad one is a usage error)."""
    if columns is None and fmt is None:
        return None  # (the mapped CSV reader, and the spreadsheet readers it uses, are not loaded)
    from ..errors import SwchatError
    from ..readers.csv_mapped import NAME, column_mapping

    if columns is None:
        if fmt == NAME:
            raise click.BadParameter(f"the {NAME} format needs --columns", param_hint="--format")
        return None
    if fmt not in (None, NAME):
        raise click.BadParameter(f"--columns reads the files as {NAME}; it does not go with --format {fmt}",
                                 param_hint="--columns")
    try:
        return column_mapping(columns)
    except SwchatError as exc:
        raise click.BadParameter(str(exc), param_hint="--columns") from None


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, allow_dash=True))
@archive_option
@click.option("--format", "fmt", type=LazyChoice(reader_formats),
              help="Force a reader (detected from content otherwise).")
@click.option("--tz", default="UTC", show_default=True, metavar="ZONE", callback=_source_zone,
              help="Time zone of times the files give without one (a Twitter Archiver sheet's Date, a "
                   "mapped CSV's time), e.g. America/New_York; they are stored in UTC.")
@click.option("--columns", type=TEXT, default=None, metavar="MAPPING",
              help="Read CSV files through a column mapping: 'id=Tweet ID,text=Tweet Text,author=Screen "
                   "Name,time=Date' (also author_id, author_name, reply_to, reply_to_author, retweet_of, "
                   "quote_of, kind, hashtags, mentions, urls, lang), or a file of field=Column lines.")
@json_option
@handle_errors
def ingest(files: tuple[str, ...], archive_path: Path | None, fmt: str | None, tz: str, columns: str | None,
           as_json: bool) -> None:
    """Import export files (or folders, or - for stdin; .gz works) into the archive.

    Each file is imported in one transaction; a file imported again adds nothing. Records that
    cannot be used are kept aside with their line and reason (see `swchat rejected`). Spreadsheet
    times without a zone are read in --tz; a CSV of no known layout is read with --columns.

    \b
    Example:
        swchat ingest data/sample/swchat-v2.jsonl --archive chat.db
        swchat ingest histcomm.csv --tz America/New_York --archive chat.db
        swchat ingest sheet.csv --columns "id=Tweet ID,text=Tweet Text,author=Screen Name,time=Date"
    """
    mapping = _mapping(columns, fmt)
    bars: list[Any] = []
    with open_archive(archive_path, create=True) as archive:
        result = archive.ingest(files, format=fmt, progress=_progress_factory(bars), tz=tz, columns=mapping)
        for bar in bars:
            bar.close()
    for f in result.files:
        if f.error:
            click.echo(f"error: {f.error}", err=True)
            continue
        click.echo(
            f"{f.path}: {f.format}: read {f.read}, added {f.added}, duplicates {f.duplicates}, "
            f"rejected {f.rejected} (+{f.context} new context posts, {f.accounts} account snapshots)",
            err=True,
        )
        for note in f.notes[:5]:
            click.echo(f"  note: {note}", err=True)
        if f.rejected:
            click.echo(f"  {f.rejected} record(s) rejected: see `swchat rejected`", err=True)
    if not result.files:
        raise click.ClickException(f"nothing to import: no export files in {', '.join(files)}")
    if result.sessions_error:
        click.echo(f"warning: {result.sessions_error}", err=True)
    if result.sessions and result.sessions["sessions"]:
        click.echo(f"session tables: {result.sessions['sessions']:,} sessions found in the "
                   f"{result.sessions['posts']:,} posts around what changed", err=True)
    total = result.total
    if len(result.files) > 1:
        click.echo(
            f"total: read {total['read']}, added {total['added']}, duplicates {total['duplicates']}, "
            f"rejected {total['rejected']}", err=True)
    if as_json:
        echo_json({
            "files": [{k: f.as_dict()[k] for k in ("path", "format", "read", "added", "duplicates",
                                                   "rejected", "context", "error")}
                      for f in result.files],
            "total": total,
        })
    if total["added"] == 0 and total["duplicates"] == 0:
        # no post was imported, nor found already in the archive: files refused, empty (a CSV
        # header alone), or every record rejected (issue 12)
        raise click.ClickException("nothing was imported" + (
            f": {total['rejected']} record(s) rejected, see `swchat rejected`" if total["rejected"] else ""))


@click.command()
@archive_option
@json_option
@click.option("--top", type=count(), default=10, show_default=True, metavar="N", help="How many hashtags to list.")
@click.option("--include-opted-out", is_flag=True,
              help="Count the posts of opted-out accounts too (for the archivist; every other command leaves "
                   "them out).")
@handle_errors
def stats(archive_path: Path | None, as_json: bool, top: int, include_opted_out: bool) -> None:
    """Summarise the archive: posts by platform and kind, accounts, time span, top hashtags.

    The posts of accounts on the opt-out list (`swchat optout`) are not counted unless
    --include-opted-out.

    \b
    Example:
        swchat stats --archive chat.db --json
    """
    with open_archive(archive_path) as archive:
        s = archive.stats(top=top, include_opted_out=include_opted_out)
        path = archive.path
    if as_json:
        echo_json(s)
        return
    click.echo(f"archive       {path}")
    click.echo(f"posts         {s['posts']:,}  (+{s['context_posts']:,} context posts)")
    click.echo("by kind       " + ", ".join(f"{k} {v:,}" for k, v in s["by_kind"].items()))
    click.echo("by platform   " + ", ".join(f"{k} {v:,}" for k, v in s["by_platform"].items()))
    click.echo(f"accounts      {s['accounts']:,}")
    click.echo(f"first post    {s['first']}")
    click.echo(f"last post     {s['last']}")
    click.echo(f"imports       {s['sources']:,} ({s['rejected']:,} rejected records)")
    if s["opted_out"] or s["forgotten"]:
        counted = "counted" if include_opted_out else "not counted"
        click.echo(f"consent       {s['opted_out']:,} opt-out entries, {s['forgotten']:,} forgotten accounts "
                   f"({counted})")
    if s["top_hashtags"]:
        click.echo("top hashtags  " + ", ".join(f"#{t} {n:,}" for t, n in s["top_hashtags"]))


@click.command()
@archive_option
@json_option
@handle_errors
def reindex(archive_path: Path | None, as_json: bool) -> None:
    """Derive the session tables again from every post in the archive.

    Sessions, their posts and question segments, and who took part in each (with newcomers and
    who was welcomed) are kept in tables that every import brings up to date; this rebuilds
    them from scratch (after an upgrade, or to check them).

    \b
    Example:
        swchat reindex --archive chat.db
    """
    with open_archive(archive_path, write=True) as archive:
        done = archive.reindex()
    if as_json:
        echo_json(done)
        return
    click.echo(f"derived {done['sessions']:,} sessions from {done['posts']:,} posts", err=True)


@click.command()
@archive_option
@json_option
@click.option("--raw/--no-raw", default=False, help="Also show the start of each raw record.")
@handle_errors
def rejected(archive_path: Path | None, as_json: bool, raw: bool) -> None:
    """List the records refused on import: file, line and reason.

    \b
    Example:
        swchat rejected --archive chat.db
    """
    with open_archive(archive_path) as archive:
        rows = archive.rejected()
    if as_json:
        echo_json(rows)
        return
    if not rows:
        click.echo("no rejected records", err=True)
        return
    for row in rows:
        click.echo(f"{row['path']}:{row['line']}: {row['reason']}")
        if raw and row["raw"]:
            click.echo(f"    {row['raw'][:200]}")


@click.command()
@click.argument("outdir", type=FilePath(file_okay=False, path_type=Path))
@click.option("--seed", type=SEED, default=2026, show_default=True, metavar="N",
              help="Random seed (same seed, same files).")
@click.option("--sessions", type=count(1, 1000), default=6, show_default=True, metavar="N",
              help="Number of weekly sessions.")
@click.option("--posts", type=count(), default=None, metavar="N",
              help="Approximate total posts (default: about 200 a session).")
@handle_errors
def sample(outdir: Path, seed: int, sessions: int, posts: int | None) -> None:
    """Write synthetic weekly #SWChat chats (X v2, v1.1, TAGS CSV) and their ground truth.

    \b
    Example:
        swchat sample data/sample --seed 2026 --sessions 6
    """
    from ..sample import MIN_POSTS_PER_SESSION, write_sample

    if posts is not None and posts < MIN_POSTS_PER_SESSION * sessions:
        raise click.BadParameter(f"{posts} posts are too few for {sessions} sessions (at least "
                                 f"{MIN_POSTS_PER_SESSION * sessions}: {MIN_POSTS_PER_SESSION} a session)",
                                 param_hint="--posts")
    try:
        paths = write_sample(outdir, seed=seed, sessions=sessions, posts=posts)
    except OSError as exc:
        raise click.ClickException(f"cannot write the sample into {outdir}: {exc.strerror or exc}") from None
    for path in paths.values():
        click.echo(str(path))

COMMANDS = [ingest, stats, rejected, reindex, sample]
