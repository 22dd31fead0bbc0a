"""Consent commands: ``optout`` (the archive's opt-out list: add, remove, list, import) and
``forget`` (the right to be forgotten).

Every command, export and notebook leaves the accounts on the opt-out list out (see
:class:`swchat.Archive`); ``swchat stats --include-opted-out`` is the only way to count them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ..cli import TEXT, archive_option, echo_json, handle_errors, json_option, open_archive

__all__ = ["COMMANDS", "forget", "optout"]

#: The counts of :meth:`swchat.Archive.forget`, as ``forget`` prints them.
_REMOVED = (
    ("posts", "posts"),
    ("context_posts", "context copies of their posts"),
    ("raw_records", "raw records (of which {raw_records_of_others} of others' posts that carried their data)"),
    ("raw_blocks_rewritten", "raw blocks rewritten"),
    ("retweets_cleared", "retweets of their posts emptied of the retweeted text"),
    ("accounts", "account snapshots"),
    ("rejected_lines", "rejected records naming them"),
)


def _describe(match: dict[str, Any]) -> str:
    handles = ", ".join(f"@{h}" for h in match["handles"]) or "no handle known"
    if match["forgotten"] and not match["posts"] and not match["context_posts"]:
        return f"{match['platform']}:{match['account_id']} ({handles}): already forgotten"
    return (f"{match['platform']}:{match['account_id']} ({handles}): {match['posts']:,} posts, "
            f"{match['context_posts']:,} context copies")


@click.command()
@click.argument("accounts", nargs=-1, required=True, type=TEXT)
@archive_option
@click.option("--yes", "-y", is_flag=True,
              help="Do it: without --yes, forget only says what it would delete (it cannot be undone).")
@json_option
@handle_errors
def forget(accounts: tuple[str, ...], archive_path: Path | None, yes: bool, as_json: bool) -> None:
    """Delete everything the archive holds of these accounts, for good (the right to be forgotten).

    ACCOUNTS are handles (@ann, any case), @user@host, profile links or account ids. Their posts,
    the copies of their posts others' exports carried, their raw records (and raw records of others'
    posts that quote, retweet or reply to them), their account snapshots and the rejected records
    naming them are deleted in one transaction, then the file is rewritten so the bytes are gone.
    Only their account ids are kept, so that importing an old export again skips them. Without
    --yes it only lists what it would delete.

    \b
    Example:
        swchat forget @ann --archive chat.db          # what would go
        swchat forget @ann --archive chat.db --yes    # forget
    """
    with open_archive(archive_path, write=yes) as archive:
        matches = archive.accounts_to_forget(accounts)
        if not yes:  # no prompt (a script must not hang on it): say what it would delete, and how
            click.echo(f"This would delete, from {archive.path}:", err=True)
            for match in matches:
                click.echo(f"  {_describe(match)}", err=True)
            raise click.UsageError("nothing was deleted: forgetting cannot be undone, so it needs --yes")
        done = archive.forget(accounts)
        sessions = archive.refresh_sessions()
    if as_json:
        echo_json({**done, "sessions": sessions})
        return
    click.echo(f"forgot {', '.join(done['forgotten'])}", err=True)
    for key, label in _REMOVED:
        click.echo(f"  {done[key]:>7,} {label.format(**done)}", err=True)
    if sessions["posts"]:
        click.echo(f"session tables: derived again from the {sessions['posts']:,} posts around what changed",
                   err=True)
    click.echo("later imports skip these accounts: only their ids are kept, to recognise them", err=True)


ACCOUNT = TEXT
_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


def _reason_option(func: click.decorators.FC) -> click.decorators.FC:
    return click.option("--reason", type=TEXT, metavar="TEXT",
                        help="Why, or how they asked (kept with the entry).")(func)


def _people_option(func: click.decorators.FC) -> click.decorators.FC:
    return click.option("--people", type=_FILE, metavar="FILE",
                        help="A people file (CSV: person,account) linking each person's accounts across "
                             "platforms: the opt-out follows the person.")(func)


@click.group()
def optout() -> None:
    """Keep the archive's opt-out list: people who asked to be left out.

    Accounts on the list are left out of every command, export and notebook: their posts (and
    retweets of them) go, and their handle, name and id are hidden where others mention, reply
    to or link to them. The list lives in the archive, so it travels with it.

    \b
    Examples:
        swchat optout add @ann --reason "asked by DM, 3 Sept"
        swchat optout add @ann --people people.csv    # and her Mastodon and Bluesky accounts
        swchat optout import consent-form.csv --column Handle
        swchat optout list
        swchat optout remove @ann
    """


@optout.command("add")
@click.argument("accounts", nargs=-1, required=True, type=ACCOUNT)
@archive_option
@_reason_option
@_people_option
@handle_errors
def add(accounts: tuple[str, ...], archive_path: Path | None, reason: str | None, people: Path | None) -> None:
    """Put ACCOUNTS (handles, @user@host, profile links or ids) on the opt-out list."""
    with open_archive(archive_path, write=True) as archive:
        entries = archive.opt_out(accounts, reason=reason, people=people)
    click.echo(f"opted out: {', '.join(entries)}", err=True)


@optout.command("remove")
@click.argument("accounts", nargs=-1, required=True, type=ACCOUNT)
@archive_option
@handle_errors
def remove(accounts: tuple[str, ...], archive_path: Path | None) -> None:
    """Take ACCOUNTS off the opt-out list (when someone withdraws their opt-out)."""
    with open_archive(archive_path, write=True) as archive:
        removed = archive.remove_optouts(accounts)
    click.echo(f"removed {removed} of {len(accounts)} from the opt-out list", err=True)


@optout.command("list")
@archive_option
@json_option
@handle_errors
def list_(archive_path: Path | None, as_json: bool) -> None:
    """Show the opt-out list: each entry, when it was added, why, and the archived accounts it matches."""
    with open_archive(archive_path) as archive:
        rows = archive.optouts()
        forgotten = len(archive.forgotten_accounts())
    if as_json:
        echo_json({"optouts": rows, "forgotten_accounts": forgotten})
        return
    if not rows:
        click.echo("the opt-out list is empty", err=True)
    for row in rows:
        matched = ", ".join(row["accounts"]) or "no archived account yet"
        reason = f"  ({row['reason']})" if row["reason"] else ""
        click.echo(f"{row['entry']}  added {row['added_at'][:10]}  matches {matched}{reason}")
    if forgotten:
        click.echo(f"{forgotten} forgotten account(s) are left out too (ids only: `swchat forget`)", err=True)


@optout.command("import")
@click.argument("file", type=_FILE)
@archive_option
@click.option("--column", type=TEXT, metavar="NAME",
              help="Read this column of a CSV file (a consent form's export); without it, one account per line.")
@_reason_option
@_people_option
@handle_errors
def import_(file: Path, archive_path: Path | None, column: str | None, reason: str | None,
            people: Path | None) -> None:
    """Put every account of FILE on the opt-out list (one per line, # comments; or a CSV --column)."""
    from ..privacy import read_account_column, read_account_list

    accounts = read_account_column(file, column) if column else read_account_list(file)
    with open_archive(archive_path, write=True) as archive:
        entries = archive.opt_out(accounts, reason=reason or f"imported from {file.name}", people=people)
    click.echo(f"opted out {len(entries)} account(s) from {file}", err=True)


COMMANDS = [forget, optout]
