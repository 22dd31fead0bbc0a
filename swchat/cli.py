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

from .errors import SwchatError
from .version import __version__

__all__ = [
    "archive_option",
    "chat_options",
    "echo_json",
    "handle_errors",
    "json_option",
    "main",
    "open_archive",
    "output_option",
    "selection_options",
    "session_option",
    "tz_option",
    "writing",
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
    account archive, Mastodon and Bluesky API JSON), then look at sessions, questions, threads,
    networks and growth.

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


def tz_option(func: Callable[..., Any] | None = None, *, check: bool = False) -> Any:
    """``--tz ZONE``: the time zone of session ids and displayed times (storage stays UTC).

    With ``check=True`` an unknown zone is a usage error (exit 2) before the command runs;
    otherwise the library reports it (exit 1).
    """
    if func is None:
        return functools.partial(tz_option, check=check)
    return click.option(
        "--tz", default="UTC", show_default=True, metavar="ZONE", callback=_known_zone if check else None,
        help="Time zone for session ids and displayed times, e.g. Europe/London.",
    )(func)


def _known_zone(ctx: click.Context, param: click.Parameter, value: str) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise click.BadParameter(f"unknown time zone {value!r} (use e.g. Europe/London)",
                                 ctx=ctx, param=param) from None
    return value


def session_option(func: Callable[..., Any] | None = None, *, required: bool = True) -> Any:
    """``--session ID`` (required unless ``required=False``)."""
    if func is None:
        return functools.partial(session_option, required=required)
    return click.option("--session", "session_id", required=required, metavar="ID",
                        help="Session id, as listed by `swchat sessions` (e.g. SWChat-2026-09-02).")(func)


def selection_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--hashtag``, ``--since``, ``--until``."""
    func = click.option("--until", metavar="TIME", help="Only posts before this time (ISO, UTC).")(func)
    func = click.option("--since", metavar="TIME", help="Only posts from this time on (ISO, UTC).")(func)
    return click.option("--hashtag", metavar="TAG", help="Only posts with this hashtag (any case).")(func)


def chat_options(func: Callable[..., Any] | None = None, *, required: bool = True) -> Any:
    """Which chat: ``--session ID`` or ``--hashtag/--since/--until``, with ``--tz`` and ``--archive``.

    The command receives ``archive_path``, ``session_id``, ``hashtag``, ``since``, ``until`` and
    ``tz`` and opens the chat with :meth:`swchat.Archive.chat` (a session id is looked
    up as listed in ``--tz``, else in UTC). Giving both a session and a selection is a usage
    error (exit 2), and so is giving neither, unless ``required=False`` (then no selection
    means every post in the archive). An unknown ``--tz`` is a usage error too.

    Examples
    --------
    >>> from click.testing import CliRunner
    >>> @click.command()
    ... @chat_options
    ... def show(archive_path, session_id, hashtag, since, until, tz):
    ...     click.echo(f"{session_id or hashtag} {tz}")
    >>> CliRunner().invoke(show, ["--session", "SWChat-2026-10-07", "--tz", "Europe/London"]).output
    'SWChat-2026-10-07 Europe/London\\n'
    >>> result = CliRunner().invoke(show, ["--session", "SWChat-2026-10-07", "--hashtag", "SWChat"])
    >>> result.exit_code, "not both" in result.output
    (2, True)
    >>> CliRunner().invoke(show, []).exit_code
    2
    """
    if func is None:
        return functools.partial(chat_options, required=required)

    @functools.wraps(func)
    def checked(*args: Any, **kwargs: Any) -> Any:
        selection = kwargs.get("hashtag") or kwargs.get("since") or kwargs.get("until")
        if kwargs.get("session_id") and selection:
            raise click.UsageError("give either --session or --hashtag/--since/--until, not both")
        if required and not (kwargs.get("session_id") or selection):
            raise click.UsageError("say which chat: --session ID, or --hashtag/--since/--until")
        return func(*args, **kwargs)

    checked = tz_option(checked, check=True)
    checked = selection_options(checked)
    checked = session_option(checked, required=False)
    return archive_option(checked)


def output_option(help_text: str, *, suffixes: tuple[str, ...] = (), required: bool = False) -> Any:
    """``-o/--output FILE``; with ``suffixes``, a file name with another suffix is a usage error.

    Examples
    --------
    >>> from click.testing import CliRunner
    >>> @click.command()
    ... @output_option("Picture to write.", suffixes=(".png", ".svg"))
    ... def draw(output):
    ...     click.echo(output)
    >>> result = CliRunner().invoke(draw, ["-o", "net.gif"])
    >>> result.exit_code, "the suffix picks the format, one of .png, .svg" in result.output
    (2, True)
    """

    def check(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
        if value is not None and suffixes and value.suffix.lower() not in suffixes:
            raise click.BadParameter(f"{value.name}: the suffix picks the format, one of {', '.join(suffixes)}",
                                     ctx=ctx, param=param)
        return value

    return click.option("-o", "--output", required=required, default=None,
                        type=click.Path(dir_okay=False, path_type=Path), callback=check, help=help_text)


@contextmanager
def writing(output: Path) -> Iterator[None]:
    """Write ``output`` inside this block: a missing folder or an unwritable file becomes one clear
    sentence and exit status 1 (the folder is not created: a typo should not make folders).

    Examples
    --------
    >>> import tempfile
    >>> missing = Path(tempfile.mkdtemp()) / "no such folder" / "out.txt"
    >>> with writing(missing):
    ...     _ = missing.write_text("hello")
    Traceback (most recent call last):
    ...
    click.exceptions.ClickException: cannot write ...out.txt: the folder ...no such folder does not exist
    """
    if not output.parent.exists():
        raise click.ClickException(f"cannot write {output}: the folder {output.parent} does not exist")
    try:
        yield
    except OSError as exc:
        raise click.ClickException(f"cannot write {output}: {exc.strerror or exc}") from None


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
    """Open the archive for a command (must exist unless ``create``): :class:`swchat.Archive`."""
    from .api import Archive

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
