"""The ``export`` command: a selection's tables as Parquet, CSV, JSON Lines or dehydrated id lists.

A thin layer over :meth:`swchat.Archive.export` (the tables and formats are described in
:mod:`swchat.exports`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ..choices import EXPORT_FORMATS, EXPORT_LAYOUTS, EXPORT_TABLES
from ..cli import (
    FilePath,
    LazyChoice,
    chat_options,
    echo_json,
    handle_errors,
    json_option,
    open_archive,
    platforms,
    privacy_options,
    writing,
)

__all__ = ["COMMANDS", "export"]


def _tables(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[str, ...] | None:
    """``--tables posts,edges``: names from EXPORT_TABLES, comma-separated."""
    if value is None:
        return None
    names = [t.strip().lower() for t in value.split(",") if t.strip()]
    if not names:
        raise click.BadParameter(f"name at least one table: {', '.join(EXPORT_TABLES)}", ctx=ctx, param=param)
    unknown = [t for t in names if t not in EXPORT_TABLES]
    if unknown:
        raise click.BadParameter(f"unknown table {unknown[0]!r}: use {', '.join(EXPORT_TABLES)} (comma-separated)",
                                 ctx=ctx, param=param)
    return tuple(t for t in EXPORT_TABLES if t in names)


@click.command("export")
@chat_options(required=False)
@click.option("--platform", type=LazyChoice(platforms), default=None,
              help="Only posts of this platform (with --hashtag/--since/--until, or alone).")
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMATS), default="parquet", show_default=True,
              help="Parquet (typed, for DuckDB, Polars, Spark), CSV (spreadsheet-safe), JSON Lines, or ids "
                   "(dehydrated: one post id per line, for sharing and `twarc2 hydrate`).")
@click.option("--tables", metavar="LIST", callback=_tables, default=None,
              help=f"Comma-separated, from {', '.join(EXPORT_TABLES)} (default: all; with ids: posts).")
@click.option("--layout", type=click.Choice(EXPORT_LAYOUTS), default="files", show_default=True,
              help="Parquet: one file per table, or posts and edges partitioned in tag=…/month=… folders.")
@click.option("-o", "--output", "folder", required=True, metavar="FOLDER",
              type=FilePath(file_okay=False, path_type=Path),
              help="Folder to write into (made when missing; files of the same names are replaced).")
@privacy_options
@json_option
@handle_errors
def export(archive_path: Path | None, session_id: str | None, hashtag: str | None, since: str | None,
           until: str | None, tz: str, platform: str | None, fmt: str, tables: tuple[str, ...] | None, layout: str,
           folder: Path, as_json: bool) -> None:
    """Export posts, accounts, edges, sessions and participation for researchers and big-data tools.

    One file per table (posts.parquet …) and a manifest.json saying what was selected, each
    table's columns and the edge rules; --layout partitioned writes posts and edges in
    tag=…/month=… folders that DuckDB, Polars and Spark read as one table. Edges: one row per
    reply, mention, retweet or quote, as the network counts them. Opted-out accounts are left
    out, as everywhere (--exclude-accounts, --pseudonymise: as for reports). All posts of the
    archive when no selection is given; one line per file written (with its rows) goes to
    stderr.

    \b
    Example:
        swchat export --hashtag SWChat -o export/ --format parquet --layout partitioned
        swchat export --session SWChat-2026-11-11 --format ids --platform x -o ids/
    """
    from ..exports import check_request

    if session_id and platform:
        raise click.UsageError("give either --session or --platform (a selection), not both")
    try:
        wanted = check_request(fmt, tables, layout)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    with writing(folder), open_archive(archive_path) as archive:  # the folder is made, not its parent
        written = archive.export(folder, format=fmt, tables=wanted, session_id=session_id, hashtag=hashtag,
                                 since=since, until=until, platform=platform, tz=tz, layout=layout)
    if as_json:
        tables_out: dict[str, Any] = {
            name: {"files": [str(p) for p in (paths if isinstance(paths, list) else [paths])],
                   "rows": written.rows[name]} for name, paths in written.items()}
        echo_json({"folder": str(folder), "format": fmt, "layout": layout, "tables": tables_out,
                   "manifest": str(written.manifest)})
    unit = "id" if fmt == "ids" else "row"
    for path, rows in written.files.items():
        click.echo(f"wrote {path} ({rows:,} {unit}{'' if rows == 1 else 's'})", err=True)
    click.echo(f"wrote {written.manifest}", err=True)


COMMANDS = [export]
