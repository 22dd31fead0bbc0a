"""The ``swchat`` command line: a thin layer over the library.

Every command opens the archive, calls one library function, and prints its result: data (or
``--json``) to stdout; progress, warnings and summaries to stderr. Library errors become one
clear sentence and exit status 1; usage errors exit 2. Commands live in
:mod:`swchat.commands` (one module per area), sharing the option decorators defined here.

Examples
--------
>>> from click.testing import CliRunner
>>> result = CliRunner().invoke(main, ["--version"])
>>> result.exit_code, result.output.startswith("swchat")
(0, True)
"""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from . import __version__
from .errors import SwchatError

__all__ = [
    "archive_option",
    "echo_json",
    "handle_errors",
    "json_option",
    "main",
    "open_archive",
    "selection_options",
    "session_option",
    "tz_option",
]


class _Commands(click.Group):
    """The ``swchat`` group: commands come from :mod:`swchat.commands`, loaded on first use
    (so a command module can be imported before this one without losing its commands)."""

    _loaded = False

    def _load(self) -> None:
        if not self._loaded:
            self._loaded = True
            from .commands import all_commands

            for command in all_commands():
                self.add_command(command)

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._load()
        return super().list_commands(ctx)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        self._load()
        return super().get_command(ctx, cmd_name)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="swchat")
def main() -> None:
    """swchat: archive and analyse hashtag chats (#SWChat and friends).

    Import the exports you already have (X API v2/v1.1 JSON, twarc-csv, TAGS sheets, the X
    account archive), then look at sessions, questions, threads, networks and growth.

    \b
    Example:
        swchat ingest tweets.jsonl && swchat stats
    """


def archive_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--archive PATH`` (default ``$SWCHAT_ARCHIVE`` or ``swchat.db``)."""
    return click.option(
        "--archive", "archive_path", type=click.Path(dir_okay=False, path_type=Path),
        default=None, envvar="SWCHAT_ARCHIVE", show_envvar=True,
        help="Archive file (default: swchat.db in the current folder).",
    )(func)


def json_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--json``: print machine-readable JSON to stdout."""
    return click.option("--json", "as_json", is_flag=True, help="Print JSON to stdout.")(func)


def tz_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--tz ZONE``: display time zone (storage stays UTC)."""
    return click.option(
        "--tz", default="UTC", show_default=True, metavar="ZONE",
        help="Time zone for displayed times, e.g. Europe/London.",
    )(func)


def session_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--session ID`` (required)."""
    return click.option("--session", "session_id", required=True, metavar="ID",
                        help="Session id, as listed by `swchat sessions` (e.g. SWChat-2026-09-02).")(func)


def selection_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--hashtag``, ``--since``, ``--until``."""
    func = click.option("--until", metavar="TIME", help="Only posts before this time (ISO, UTC).")(func)
    func = click.option("--since", metavar="TIME", help="Only posts from this time on (ISO, UTC).")(func)
    return click.option("--hashtag", metavar="TAG", help="Only posts with this hashtag (any case).")(func)


def handle_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn :class:`~swchat.errors.SwchatError` into a one-sentence error and exit status 1."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except SwchatError as exc:
            raise click.ClickException(str(exc)) from None

    return wrapper


@contextmanager
def open_archive(path: Path | None, *, create: bool = False) -> Iterator[Any]:
    """Open the archive for a command (must exist unless ``create``)."""
    from .archive import Archive

    archive = Archive(path, create=create)
    try:
        yield archive
    finally:
        archive.close()


def echo_json(value: Any) -> None:
    """Print a JSON document to stdout (ISO times, no NaN)."""
    click.echo(json.dumps(value, indent=2, ensure_ascii=False, default=_json_default))


def _json_default(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, set | tuple):
        return list(value)
    raise TypeError(f"cannot serialise {type(value).__name__}")


def stderr_is_terminal() -> bool:
    """Whether progress bars should be shown (stderr is a terminal and not switched off)."""
    return sys.stderr.isatty() and not os.environ.get("SWCHAT_NO_PROGRESS")
