"""Every command has help with an example; the CLI starts without heavy imports."""

from __future__ import annotations

import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from swchat.cli import main


def _commands():
    return sorted(main.list_commands(click.Context(main)))


@pytest.mark.parametrize("name", _commands())
def test_every_command_has_help_with_an_example(name):
    result = CliRunner().invoke(main, [name, "--help"])
    assert result.exit_code == 0
    assert "Example" in result.output, f"`swchat {name} --help` has no example"
    assert len(main.get_command(click.Context(main), name).help or "") > 40


def test_group_help_lists_every_command():
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for name in _commands():
        assert name in result.output


def test_no_heavy_imports_at_startup():
    code = (
        "import sys; from swchat.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('pandas', 'networkx', 'matplotlib', 'sklearn', 'numpy') if m in sys.modules]\n"
        "print('HEAVY=' + ','.join(heavy))"
    )
    for args in ([], *[[name] for name in _commands()]):
        run_code = code.replace("['--help']", repr([*args, "--help"]))
        out = subprocess.run([sys.executable, "-c", run_code], capture_output=True, text=True, check=True)
        assert out.stdout.splitlines()[-1] == "HEAVY=", f"{args}: {out.stdout}"


def test_usage_error_exits_2():
    assert CliRunner().invoke(main, ["ingest"]).exit_code == 2
    assert isinstance(main, click.Group)


def test_every_command_is_indexed_by_its_module():
    """Running a command imports its module only (:data:`swchat.commands.COMMAND_MODULES`): the
    index must name every command's module, or the command would load every module to be found."""
    import importlib
    import pkgutil

    from swchat import commands

    found = {}
    for info in pkgutil.iter_modules(commands.__path__):
        for command in importlib.import_module(f"swchat.commands.{info.name}").COMMANDS:
            found[command.name] = info.name
    assert found == commands.COMMAND_MODULES


def test_a_command_loads_its_module_only():
    code = ("import sys\n"
            "from swchat.cli import main\n"
            "try:\n"
            "    main.main(['stats', '--help'], prog_name='swchat')\n"
            "except SystemExit:\n"
            "    pass\n"
            "print(sorted(m for m in sys.modules if m.startswith('swchat.commands.')))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "['swchat.commands.archive_cmds']"
