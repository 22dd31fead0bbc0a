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

import errno
import functools
import json
import math
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from .errors import OutputError, SwchatError
from .version import __version__

__all__ = [
    "MAX_COUNT",
    "SEED",
    "TEXT",
    "FilePath",
    "FiniteFloatRange",
    "LazyChoice",
    "NonEmptyText",
    "OutputPath",
    "archive_option",
    "chat_options",
    "check_time",
    "count",
    "debugging",
    "echo_json",
    "handle_errors",
    "json_option",
    "main",
    "open_archive",
    "output_option",
    "people_option",
    "privacy_options",
    "run",
    "selection_options",
    "session_option",
    "tz_option",
    "writing",
]

# -- parameter types: every bad value a user can type is a usage error (exit 2) -----------

#: The largest count an option takes (``--top``, ``--labels``, ``--posts`` …): more than any
#: chat has of anything, and small enough for every library call (SQLite, numpy).
MAX_COUNT = 1_000_000


def count(minimum: int = 1, maximum: int = MAX_COUNT) -> click.IntRange:
    """The type of a count option: a whole number from ``minimum`` to ``maximum``.

    Examples
    --------
    >>> count(0).convert("3", None, None), count().max
    (3, 1000000)
    """
    return click.IntRange(minimum, maximum)


#: The type of every ``--seed``: what numpy and networkx accept (0 to 2**32 - 1).
SEED = click.IntRange(0, 2**32 - 1)


class FiniteFloatRange(click.FloatRange):
    """A :class:`click.FloatRange` that also refuses ``nan`` (which compares false with any bound).

    Examples
    --------
    >>> FiniteFloatRange(min=1).convert("nan", None, None)
    Traceback (most recent call last):
    ...
    click.exceptions.BadParameter: 'nan' is not a number.
    """

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a number.", param, ctx)
        return number


class NonEmptyText(click.ParamType):
    """Text that is not empty (nor only spaces): ``--hashtag ""`` is a usage error, not "no filter".

    Examples
    --------
    >>> TEXT.convert("SWChat", None, None)
    'SWChat'
    >>> TEXT.convert("  ", None, None)
    Traceback (most recent call last):
    ...
    click.exceptions.BadParameter: an empty value is not allowed.
    """

    name = "text"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str) and not value.strip():
            self.fail("an empty value is not allowed.", param, ctx)
        return value


#: The type of free-text options (hashtags, handles, words): any text but an empty one.
TEXT = NonEmptyText()


class FilePath(click.Path):
    """A :class:`click.Path` that refuses an empty name (which would mean the current folder)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str) and not value.strip():
            self.fail("an empty file name is not allowed.", param, ctx)
        return super().convert(value, param, ctx)


class OutputPath(FilePath):
    """A file to write; with ``suffixes``, another suffix is a usage error (the suffix picks the format).

    ``suffixes`` may be a function giving them, called on first use (see :class:`LazyChoice`).
    """

    def __init__(self, suffixes: Sequence[str] | Callable[[], Sequence[str]] = ()) -> None:
        super().__init__(dir_okay=False, path_type=Path)
        self._suffixes = suffixes

    @property
    def suffixes(self) -> tuple[str, ...]:
        """The accepted suffixes, lower case (empty: any)."""
        if callable(self._suffixes):
            self._suffixes = tuple(self._suffixes())
        return tuple(self._suffixes)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        path = super().convert(value, param, ctx)
        if self.suffixes and path.suffix.lower() not in self.suffixes:
            self.fail(f"{path.name}: the suffix picks the format, one of {', '.join(self.suffixes)}", param, ctx)
        return path


class LazyChoice(click.Choice):
    """A :class:`click.Choice` whose choices come from a function, called on first use.

    For choices that live in the library: they are kept in one place there, and the library
    module is read only when a command that takes the option runs or shows its help.

    Examples
    --------
    >>> kinds = LazyChoice(lambda: ("reply", "mention"))
    >>> kinds.convert("reply", None, None), kinds.choices
    ('reply', ('reply', 'mention'))
    """

    def __init__(self, load: Callable[[], Sequence[str]], case_sensitive: bool = True) -> None:
        self._load: Callable[[], Sequence[str]] | None = load
        self._choices: tuple[str, ...] = ()
        super().__init__((), case_sensitive)

    @property
    def choices(self) -> tuple[str, ...]:
        if self._load is not None:
            self._choices, self._load = tuple(self._load()), None
        return self._choices

    @choices.setter
    def choices(self, value: Sequence[str]) -> None:
        if value:
            self._choices, self._load = tuple(value), None


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
        if not self._loaded and cmd_name not in self.commands:
            from .commands import commands_of

            for command in commands_of(cmd_name):  # its module only: the command starts sooner
                if command.name not in self.commands:
                    self.add_command(command)
        if cmd_name not in self.commands:
            self._load()
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; whatever goes wrong ends in one line ``Error: …`` and exit status 1
        (a :class:`~swchat.errors.SwchatError` says what; anything else is an internal error)
        — unless ``--debug``, which lets the exception and its traceback through."""
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:
            if debugging() or (isinstance(exc, OSError) and exc.errno == errno.EPIPE):
                raise  # a closed pipe (`swchat … | head`): click ends quietly
            if isinstance(exc, SwchatError):
                raise click.ClickException(str(exc)) from None
            raise click.ClickException(
                f"internal error: {_one_line(f'{type(exc).__name__}: {exc}')}; run again with --debug for the "
                "traceback, and please report it") from None


def _one_line(text: str, limit: int = 160) -> str:
    """``text`` on one line, cut to ``limit`` characters."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="swchat")
@click.option("--debug", is_flag=True, envvar="SWCHAT_DEBUG", show_envvar=True,
              help="Show the full traceback of an error (for reporting a bug) instead of one line.")
def main(debug: bool) -> None:
    """swchat: archive and analyse hashtag chats (#SWChat and friends).

    Import the exports you already have (X API v2/v1.1 JSON, twarc-csv, TAGS sheets, the X
    account archive, Mastodon and Bluesky API JSON), then look at sessions, questions, threads,
    networks and growth.

    \b
    Example:
        swchat ingest tweets.jsonl && swchat stats
    """


def run() -> None:
    """The ``swchat`` program: :data:`main`, then a quick exit.

    A command has closed its archive and written its files when it returns; what is left is
    freeing its data (DataFrames, graphs, figures) object by object, which takes half a second
    after a big report and changes nothing. So the process ends right away, with the command's
    exit status, once its output is flushed.
    """
    try:
        main.main(prog_name="swchat")
    except SystemExit as exc:
        code = exc.code
        if isinstance(code, str):
            print(code, file=sys.stderr)
            code = 1
        status = int(code or 0)
    else:  # pragma: no cover - click always exits in standalone mode
        status = 0
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:  # the reader went away (`swchat … | head`): nothing more to say
        pass
    os._exit(status)


def archive_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--archive PATH`` (default ``$SWCHAT_ARCHIVE`` or ``swchat.db``)."""
    return click.option(
        "--archive", "archive_path", type=FilePath(dir_okay=False, path_type=Path),
        default=None, envvar="SWCHAT_ARCHIVE", show_envvar=True,
        help="Archive file (default: swchat.db in the current folder).",
    )(func)


def json_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--json``: print machine-readable JSON to stdout."""
    return click.option("--json", "as_json", is_flag=True, help="Print JSON to stdout.")(func)


def tz_option(func: Callable[..., Any] | None = None, *, check: bool = True) -> Any:
    """``--tz ZONE``: the time zone of session ids and displayed times (storage stays UTC).

    An unknown zone is a usage error (exit 2) before the command runs; with ``check=False``
    the library reports it (exit 1).
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
    """``--session ID`` (required unless ``required=False``); an id of another shape is a usage error.

    Examples
    --------
    >>> from click.testing import CliRunner
    >>> @click.command()
    ... @session_option
    ... def show(session_id):
    ...     click.echo(session_id)
    >>> result = CliRunner().invoke(show, ["--session", "last week"])
    >>> result.exit_code, "not a session id" in result.output
    (2, True)
    """
    if func is None:
        return functools.partial(session_option, required=required)
    return click.option("--session", "session_id", required=required, metavar="ID", callback=_session_id,
                        help="Session id, as listed by `swchat sessions` (e.g. SWChat-2026-09-02).")(func)


def _session_id(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    from .sessions import split_session_id

    if value is not None and split_session_id(value) is None:
        raise click.BadParameter(f"{value!r} is not a session id like SWChat-2026-09-02 (see `swchat sessions`)",
                                 ctx=ctx, param=param)
    return value


def check_time(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """An option callback: an ISO date or time, as :meth:`swchat.Archive.select` reads it (a time
    without zone is UTC); anything else is a usage error."""
    from datetime import datetime

    if value is not None:
        try:
            datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise click.BadParameter(f"not a date or time: {value!r} (use e.g. 2026-09-02 or 2026-09-02T19:00Z)",
                                     ctx=ctx, param=param) from None
    return value


def privacy_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--pseudonymise`` (with ``--secret-file`` and ``--keep-names``) and ``--exclude-accounts``,
    for every command that writes or prints people.

    The command does not receive them: :func:`open_archive` applies them to the archive it opens
    (:meth:`swchat.Archive.pseudonymise`, :meth:`swchat.Archive.exclude`), so everything the
    command selects is protected before any analysis sees it — on top of the archive's opt-out
    list, which always applies.

    Examples
    --------
    >>> from click.testing import CliRunner
    >>> @click.command()
    ... @privacy_options
    ... def show():
    ...     click.echo(sorted(click.get_current_context().meta[PRIVACY_KEY]))
    >>> CliRunner().invoke(show, ["--pseudonymise"]).output
    "['exclude_accounts', 'keep_names', 'pseudonymise', 'secret_file']\\n"
    >>> result = CliRunner().invoke(show, ["--keep-names", "README.md"])
    >>> result.exit_code, "goes with --pseudonymise" in result.output
    (2, True)
    """
    def remember(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        ctx.meta.setdefault(PRIVACY_KEY, {})[param.name] = value
        settings = ctx.meta[PRIVACY_KEY]
        if len(settings) == 4 and not settings["pseudonymise"]:
            for name in ("secret_file", "keep_names"):
                if settings[name] is not None:
                    raise click.UsageError(f"--{name.replace('_', '-')} goes with --pseudonymise", ctx=ctx)
        return value

    file = click.Path(exists=True, dir_okay=False, path_type=Path)
    func = click.option("--exclude-accounts", type=file, metavar="FILE", expose_value=False, callback=remember,
                        help="Also leave out these accounts (one handle, link or id per line, # comments), "
                             "besides the archive's opt-out list (`swchat optout`).")(func)
    func = click.option("--keep-names", type=file, metavar="FILE", expose_value=False, callback=remember,
                        help="With --pseudonymise: accounts (one per line) that keep their own names, "
                             "e.g. the hosts.")(func)
    func = click.option("--secret-file", type=file, metavar="FILE", expose_value=False, callback=remember,
                        help="The pseudonymisation secret (default: $SWCHAT_SECRET).")(func)
    return click.option("--pseudonymise", is_flag=True, expose_value=False, callback=remember,
                        help="Show every account as a stable pseudonym (participant_3f9a2c81) keyed by a "
                             "secret; the same secret gives the same pseudonyms in every command.")(func)


#: Where :func:`privacy_options` keeps its values in the click context.
PRIVACY_KEY = "swchat.privacy"


#: Where :func:`people_option` keeps its value in the click context.
PEOPLE_KEY = "swchat.people"


def _remembered(key: str) -> Callable[[click.Context, click.Parameter, Any], Any]:
    """An option callback that keeps the option's value (when given) in the click context under
    ``key``, for :func:`open_archive` to apply to the archive it opens."""
    def remember(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        if value is not None:
            ctx.meta[key] = value
        return value

    return remember


def people_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--people FILE`` (CSV ``person,account``): a person's accounts on several platforms count
    once and are one network node. The command does not receive it: :func:`open_archive` applies
    it to the archive it opens (:meth:`swchat.Archive.link_people`).

    Examples
    --------
    >>> from click.testing import CliRunner
    >>> @click.command()
    ... @people_option
    ... def show():
    ...     click.echo(repr(click.get_current_context().meta.get(PEOPLE_KEY)))
    >>> CliRunner().invoke(show, []).output
    'None\\n'
    """
    return click.option("--people", type=click.Path(exists=True, dir_okay=False, path_type=Path), metavar="FILE",
                        expose_value=False, callback=_remembered(PEOPLE_KEY),
                        help="CSV person,account linking one person's accounts (on any platform): they count "
                             "once and are one network node.")(func)


#: Where :func:`platform_option` keeps its value in the click context.
PLATFORM_KEY = "swchat.platform"


def platforms() -> tuple[str, ...]:
    """The platforms swchat reads (:data:`swchat.schema.PLATFORMS`), for a ``--platform`` choice."""
    from .schema import PLATFORMS

    return PLATFORMS


def platform_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--platform NAME``: of a chat held on several platforms at once, analyse one platform's
    posts only (the sessions, found from every platform's posts, keep their ids). The command
    does not receive it: :func:`open_archive` applies it (:meth:`swchat.Archive.only_platform`).

    Examples
    --------
    >>> from click.testing import CliRunner
    >>> @click.command()
    ... @platform_option
    ... def show():
    ...     click.echo(repr(click.get_current_context().meta.get(PLATFORM_KEY)))
    >>> CliRunner().invoke(show, ["--platform", "mastodon"]).output
    "'mastodon'\\n"
    >>> CliRunner().invoke(show, ["--platform", "myspace"]).exit_code
    2
    """
    return click.option("--platform", type=LazyChoice(platforms), default=None, expose_value=False,
                        callback=_remembered(PLATFORM_KEY),
                        help="Only this platform's posts, of a chat held on several at once (its sessions "
                             "keep their ids).")(func)


def _apply_privacy(archive: Any) -> None:
    """Apply the command's :func:`privacy_options`, :func:`people_option` and
    :func:`platform_option` (those it has) to an opened archive."""
    ctx = click.get_current_context(silent=True)
    if ctx is not None and ctx.meta.get(PEOPLE_KEY) is not None:
        archive.link_people(ctx.meta[PEOPLE_KEY])
    if ctx is not None and ctx.meta.get(PLATFORM_KEY) is not None:
        archive.only_platform(ctx.meta[PLATFORM_KEY])
    settings = ctx.meta.get(PRIVACY_KEY) if ctx is not None else None
    if not settings:
        return
    from .privacy import read_account_list, read_secret

    if settings.get("exclude_accounts") is not None:
        archive.exclude(read_account_list(settings["exclude_accounts"]))
    if settings.get("pseudonymise"):
        keep = read_account_list(settings["keep_names"]) if settings.get("keep_names") is not None else None
        archive.pseudonymise(read_secret(settings.get("secret_file")), keep_names=keep)


def selection_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--hashtag``, ``--since``, ``--until``; a time that is not ISO is a usage error."""
    func = click.option("--until", metavar="TIME", callback=check_time,
                        help="Only posts before this time (ISO, UTC).")(func)
    func = click.option("--since", metavar="TIME", callback=check_time,
                        help="Only posts from this time on (ISO, UTC).")(func)
    return click.option("--hashtag", type=TEXT, metavar="TAG", help="Only posts with this hashtag (any case).")(func)


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

    decorated: Callable[..., Any] = tz_option(checked)
    decorated = selection_options(decorated)
    decorated = session_option(decorated, required=False)
    return archive_option(decorated)


def output_option(help_text: str, *, suffixes: Sequence[str] | Callable[[], Sequence[str]] = (),
                  required: bool = False) -> Any:
    """``-o/--output FILE``; with ``suffixes``, a file name with another suffix is a usage error.

    ``suffixes`` may be a function giving them (called on first use), for suffixes the library
    keeps. A folder or an empty name is a usage error too.

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
    # no explicit default: click 8.3 takes an explicit ``default=None`` for a given value, and would
    # then let a required option be left out
    return click.option("-o", "--output", required=required, metavar="FILE", type=OutputPath(suffixes),
                        help=help_text)


@contextmanager
def writing(output: Path, *, new_folder: bool = False) -> Iterator[None]:
    """Write ``output`` (a file, or a folder of files) inside this block: every command writes its
    files in one. A missing folder, a folder or file without write permission, a read-only file
    system, a full disk … become one :class:`~swchat.errors.OutputError` sentence, exit status 1
    (the folder is not created: a typo should not make folders). With ``--debug`` the error
    that happened is let through, with its traceback.

    With ``new_folder=True`` the block may create the folder (a report and its figures, an export).

    Examples
    --------
    >>> import tempfile
    >>> missing = Path(tempfile.mkdtemp()) / "no such folder" / "out.txt"
    >>> with writing(missing):
    ...     _ = missing.write_text("hello")
    Traceback (most recent call last):
    ...
    swchat.errors.OutputError: cannot write ...out.txt: the folder ...no such folder does not exist
    """
    if output.parent.exists() and not output.parent.is_dir():
        raise OutputError(f"cannot write {output}: {output.parent} is a file, not a folder")
    if not new_folder and not output.parent.exists():
        raise OutputError(f"cannot write {output}: the folder {output.parent} does not exist")
    try:
        yield
    except OSError as exc:
        if debugging() or exc.errno == errno.EPIPE:
            raise
        where = f" ({exc.filename})" if exc.filename and Path(str(exc.filename)) != output else ""
        raise OutputError(f"cannot write {output}: {_one_line(exc.strerror or str(exc))}{where}") from None


def debugging() -> bool:
    """Whether errors should show their traceback: ``swchat --debug …`` or ``SWCHAT_DEBUG=1``.

    Examples
    --------
    >>> from click.testing import CliRunner
    >>> @click.command()
    ... def show():
    ...     click.echo(debugging())
    >>> CliRunner().invoke(show, env={"SWCHAT_DEBUG": "1"}).output, CliRunner().invoke(show).output
    ('True\\n', 'False\\n')
    """
    ctx = click.get_current_context(silent=True)
    if ctx is not None and ctx.find_root().params.get("debug"):
        return True
    return os.environ.get("SWCHAT_DEBUG", "").strip().lower() in ("1", "true", "yes", "on")


def handle_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn :class:`~swchat.errors.SwchatError` into a one-sentence error and exit status 1
    (with ``--debug``, let it through with its traceback)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except SwchatError as exc:
            if debugging():
                raise
            raise click.ClickException(str(exc)) from None

    return wrapper


@contextmanager
def open_archive(path: Path | None, *, create: bool = False, write: bool = False) -> Iterator[Any]:
    """Open the archive for a command (must exist unless ``create``): :class:`swchat.Archive`.

    A command that only reads (neither ``create`` nor ``write``) opens it read-only when it
    cannot be written (a read-only file, folder or file system: SQLite ``mode=ro``), and never
    waits for another process writing to it. A command that writes gets one clear line when the
    archive is read-only, and waits, saying so on stderr, while another process writes to it.
    A new archive is not made in a folder that does not exist (a typo should not make folders).
    """
    from .api import Archive

    if create and path is not None and not path.exists() and not path.parent.is_dir():
        raise click.ClickException(f"cannot create the archive {path}: there is no folder {path.parent}")
    archive = Archive(path, create=create, read_only=False if create or write else None,
                      notify=lambda message: click.echo(message, err=True))
    try:
        _apply_privacy(archive)
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
