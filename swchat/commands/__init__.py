"""The CLI commands, one module per area, found automatically.

Each module in this package lists its click commands in a module-level ``COMMANDS`` list;
:func:`all_commands` collects them for :mod:`swchat.cli`. Command modules import only
``click`` (and :mod:`swchat.cli`'s helpers) at the top; the library is imported inside each
command, so ``swchat --help`` starts fast.
"""

from __future__ import annotations

import importlib
import pkgutil

import click

__all__ = ["all_commands"]


def all_commands() -> list[click.Command]:
    """Every command of every module in this package, in module order."""
    commands: list[click.Command] = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        commands.extend(getattr(module, "COMMANDS", []))
    return commands
