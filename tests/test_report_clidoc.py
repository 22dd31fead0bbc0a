"""The README's CLI reference is generated from `--help` and kept up to date."""

from __future__ import annotations

from pathlib import Path

import click
import pytest

from swchat.cli import main
from swchat.errors import SwchatError
from swchat.report.clidoc import END, START, cli_reference, readme_reference, update_readme
from swchat.report.clidoc import main as clidoc_main

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_cli_reference_is_current():
    assert README.exists(), "README.md is missing"
    text = README.read_text(encoding="utf-8")
    assert START in text and END in text, (
        f"README.md has no CLI reference markers: add {START} and {END} around it")
    assert readme_reference(text) == cli_reference(), (
        "the README's CLI reference is stale: run python -m swchat.report.clidoc --write README.md")


def test_reference_covers_every_command_with_its_example():
    text = cli_reference()
    for name in main.commands:
        assert f"### `swchat {name}`" in text
    assert text.count("Example") >= len(main.commands)
    assert "\x1b" not in text  # no colour codes


def test_reference_recurses_into_groups():
    @click.group()
    def tool():
        """A tool."""

    @tool.group()
    def db():
        """Database commands."""

    @db.command()
    def init():
        """Create it."""

    text = cli_reference(tool, "tool")
    assert [line for line in text.splitlines() if line.startswith("### ")] == [
        "### `tool`", "### `tool db`", "### `tool db init`"]


def test_update_readme_and_check(tmp_path, capsys):
    readme = tmp_path / "README.md"
    readme.write_text(f"# swchat\n\nintro\n\n{START}\nold\n{END}\n\nmore\n")
    assert clidoc_main(["--check", str(readme)]) == 1
    assert clidoc_main(["--write", str(readme)]) == 0
    assert clidoc_main(["--check", str(readme)]) == 0
    text = readme.read_text()
    assert text.startswith("# swchat\n\nintro\n\n" + START) and text.endswith(END + "\n\nmore\n")
    assert readme_reference(text) == cli_reference()
    assert not update_readme(readme)
    clidoc_main([])
    assert capsys.readouterr().out == cli_reference()


def test_missing_markers_are_an_error(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("# no markers\n")
    with pytest.raises(SwchatError, match="markers"):
        update_readme(readme)
    assert clidoc_main(["--check", str(readme)]) == 1
