"""Collect commands: ``collect mastodon`` and ``collect bluesky`` (fetch a hashtag into the archive)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from ..choices import BLUESKY_HANDLE_ENV, BLUESKY_PASSWORD_ENV, BLUESKY_PDS, BLUESKY_SERVICE
from ..cli import (
    FilePath,
    NonEmptyText,
    archive_option,
    check_time,
    echo_json,
    handle_errors,
    json_option,
    open_archive,
    stderr_is_terminal,
)

__all__ = ["COMMANDS", "collect"]


class ServerName(NonEmptyText):
    """A server (Mastodon server, Bluesky AppView or PDS): a host name (``mastodon.social``) or a base URL
    (``http://127.0.0.1:8000``)."""

    name = "server"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from ..collect import CollectError, server_url

        value = super().convert(value, param, ctx)
        try:
            server_url(value)
        except CollectError as exc:
            self.fail(str(exc), param, ctx)
        return value


class HashtagName(NonEmptyText):
    """A hashtag, with or without ``#``: letters, digits and ``_``."""

    name = "tag"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        value = super().convert(value, param, ctx)
        tag = value.strip().lstrip("#")
        if not tag or not all(c.isalnum() or c == "_" for c in tag):
            self.fail(f"{value!r} is not a hashtag (letters, digits and _)", param, ctx)
        return tag


def _progress(bars: dict[str, Any]):
    """``progress(server, pages, posts)`` for the collector: a tqdm line per server on stderr."""
    if not stderr_is_terminal():
        return None
    from tqdm import tqdm

    tqdm.monitor_interval = 0  # no monitor thread: the import after it may fork a reader process

    def update(server: str, pages: int, posts: int) -> None:
        if server not in bars:
            bars[server] = tqdm(desc=server, unit=" pages", leave=False)
        bar = bars[server]
        bar.update(pages - bar.n)
        bar.set_postfix(posts=posts)

    return update


@click.group()
def collect() -> None:
    """Fetch a hashtag from a platform's API into export files and the archive.

    \b
    Examples:
        swchat collect mastodon --server mastodon.social --tag SWChat --out exports --archive chat.db
        swchat collect bluesky --tag SWChat --out exports --archive chat.db
    """


def _shared_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--tag``, ``--since``, ``--until``, ``--threads``, ``--out``, ``--archive`` and ``--json``."""
    options: list[Callable[[Callable[..., Any]], Callable[..., Any]]] = [
        click.option("--tag", type=HashtagName(), required=True, metavar="TAG",
                     help="The hashtag (with or without #)."),
        click.option("--since", metavar="TIME", callback=check_time,
                     help="Only posts from this time on (ISO, UTC); paging stops at the first older post."),
        click.option("--until", metavar="TIME", callback=check_time, help="Only posts before this time (ISO, UTC)."),
        click.option("--threads", is_flag=True,
                     help="Also fetch the threads of posts that have replies or reply to a post not fetched."),
        click.option("--out", "out", type=FilePath(file_okay=False, path_type=Path), required=True, metavar="DIR",
                     help="Folder for the export files (one JSON-lines file per server per run; created if "
                          "missing)."),
        archive_option,
        json_option,
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _run(archive_path: Path | None, as_json: bool, several: bool,
         collect_into: Callable[[Any, Callable[[str], None], Any], Any]) -> None:
    """Open (or make) the archive, run ``collect_into(archive, notify, progress)``, report per
    server and the import on stderr (``--json``: on stdout), and end with the collector's error."""
    from ..collect import CollectError

    bars: dict[str, Any] = {}

    def notify(message: str) -> None:
        click.echo(message, err=True)

    error: CollectError | None = None
    with open_archive(archive_path, create=True) as archive:  # made when missing, as by ingest
        try:
            result = collect_into(archive, notify, _progress(bars))
        except CollectError as exc:
            if exc.result is None:
                raise
            result, error = exc.result, exc
        finally:
            for bar in bars.values():
                bar.close()
    for server in result.servers:
        wrote = f" -> {server.file}" if server.file else ""
        others = f", {server.duplicates} already from another server" if several else ""
        added = f" (+{server.thread_posts} posts)" if server.thread_posts else ""
        click.echo(f"{server.server}: {server.pages} pages, {server.posts} new posts{others}, "
                   f"{server.contexts} threads{added}{wrote}", err=True)
    if result.ingest is not None:
        total = result.ingest.total
        click.echo(f"imported: read {total['read']}, added {total['added']}, duplicates {total['duplicates']}, "
                   f"rejected {total['rejected']}", err=True)
    if as_json:
        echo_json({"tag": result.tag, "servers": [{**vars(s), "file": str(s.file) if s.file else None}
                                                   for s in result.servers],
                   "import": result.ingest.as_dict()["total"] if result.ingest else None,
                   "error": result.error})
    if error is not None:
        raise click.ClickException(str(error))


@collect.command()
@click.option("--server", "servers", type=ServerName(), multiple=True, required=True, metavar="HOST",
              help="A Mastodon server, as a host name (mastodon.social) or a base URL; repeat it to merge "
                   "several servers (a post they share is kept once).")
@_shared_options
@handle_errors
def mastodon(servers: tuple[str, ...], tag: str, since: str | None, until: str | None, threads: bool, out: Path,
             archive_path: Path | None, as_json: bool) -> None:
    """Fetch the posts of a hashtag from Mastodon servers, write them under --out and import them.

    Pages through /api/v1/timelines/tag/TAG of each server; the files written are ordinary
    Mastodon exports (`swchat ingest` reads them again). Running it again fetches only what is
    new, and after a network error it continues where it stopped. Rate limits are waited out.
    --threads fetches /api/v1/statuses/:id/context.

    \b
    Example:
        swchat collect mastodon --server mastodon.social --server fediscience.org --tag SWChat \\
            --since 2026-09-01 --threads --out exports --archive chat.db
    """
    from ..collect import collect_mastodon

    _run(archive_path, as_json, True, lambda archive, notify, progress: collect_mastodon(
        archive, servers, tag, out, since=since, until=until, threads=threads, notify=notify, progress=progress))


@collect.command()
@click.option("--service", type=ServerName(), default=BLUESKY_SERVICE, show_default=True, metavar="URL",
              help="The Bluesky AppView to search (a host name or base URL, e.g. http://127.0.0.1:8000).")
@click.option("--pds", type=ServerName(), default=BLUESKY_PDS, show_default=True, metavar="URL",
              help=f"Where to sign in when the service asks for an account, with {BLUESKY_HANDLE_ENV} and "
                   f"{BLUESKY_PASSWORD_ENV} (an app password) from the environment; then asks through it.")
@_shared_options
@handle_errors
def bluesky(tag: str, since: str | None, until: str | None, threads: bool, out: Path, archive_path: Path | None,
            as_json: bool, service: str, pds: str) -> None:
    """Fetch the posts of a hashtag from Bluesky, write them under --out and import them.

    Pages through app.bsky.feed.searchPosts (q=#TAG, newest first); the file written is an
    ordinary Bluesky export (`swchat ingest` reads it again). Running it again fetches only
    what is new, and after a network error it continues where it stopped. Rate limits are
    waited out. --threads fetches app.bsky.feed.getPostThread.

    When the service asks for an account (the public AppView often refuses anonymous
    searches), set BSKY_HANDLE and BSKY_APP_PASSWORD (an app password, made in the Bluesky
    app under Settings > Privacy and security > App passwords); they are never stored.

    \b
    Example:
        swchat collect bluesky --tag SWChat --since 2026-09-01 --threads --out exports --archive chat.db
    """
    from ..collect import collect_bluesky

    _run(archive_path, as_json, False, lambda archive, notify, progress: collect_bluesky(
        archive, tag, out, service=service, pds=pds, since=since, until=until, threads=threads, notify=notify,
        progress=progress))


COMMANDS = [collect]
