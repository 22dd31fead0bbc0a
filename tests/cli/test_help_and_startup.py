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
