"""The CLI commands, one module per area, found automatically.

Each module in this package lists its click commands in a module-level ``COMMANDS`` list;
:func:`all_commands` collects them for :mod:`swchat.cli`. Command modules import only
``click`` (and :mod:`swchat.cli`'s helpers) at the top; the library is imported inside each
command, so ``swchat --help`` starts fast.
"""

from __future__ import annotations

import importlib

import click

__all__ = ["COMMAND_MODULES", "all_commands", "commands_of"]

#: The module of each command: running one command imports its module only (the CLI starts
#: faster than with every module loaded). A test checks it against every module's ``COMMANDS``;
#: a command missing here is still found, by loading them all.
COMMAND_MODULES: dict[str, str] = {
    "ingest": "archive_cmds", "stats": "archive_cmds", "rejected": "archive_cmds", "reindex": "archive_cmds",
    "sample": "archive_cmds",
    "sessions": "chat_cmds", "questions": "chat_cmds", "threads": "chat_cmds", "transcript": "chat_cmds",
    "collect": "collect_cmds",
    "forget": "consent_cmds", "optout": "consent_cmds",
    "export": "export_cmds",
    "network": "network_cmds", "accounts": "network_cmds", "communities": "network_cmds", "ego": "network_cmds",
    "report": "report_cmds",
    "site": "site_cmds",
    "themes": "themes_cmds", "growth": "themes_cmds", "community": "themes_cmds",
}


def commands_of(name: str) -> list[click.Command]:
    """The commands of the module that holds the command ``name`` (see :data:`COMMAND_MODULES`);
    empty when the name is not listed there.

    Examples
    --------
    >>> [c.name for c in commands_of("stats")]
    ['ingest', 'stats', 'rejected', 'reindex', 'sample']
    >>> commands_of("nonsense")
    []
    """
    module = COMMAND_MODULES.get(name)
    if module is None:
        return []
    return list(importlib.import_module(f"{__name__}.{module}").COMMANDS)


def all_commands() -> list[click.Command]:
    """Every command of every module in this package, in module order."""
    import pkgutil

    commands: list[click.Command] = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        commands.extend(getattr(module, "COMMANDS", []))
    return commands
