"""Helpers shared by the reader tests: sorting items, building inputs, finding the real exports."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from swchat.readers.base import Account, Note, Post, Rejected, Source

#: ../shared/realdata next to the project (absent on a fresh clone: those tests skip).
REALDATA = (Path(__file__).resolve().parents[2] / ".." / "shared" / "realdata").resolve()


def realdata_files(folder: str) -> list[Path]:
    """The files of one real-data folder, skipping the test when the folder is absent."""
    path = REALDATA / folder
    if not path.is_dir():
        pytest.skip(f"real data not available: {path}")
    return sorted(p for p in path.iterdir() if p.is_file())


@dataclass
class Items:
    """The items a reader yielded, sorted by type."""

    posts: list[Post] = field(default_factory=list)
    context: list[Post] = field(default_factory=list)
    accounts: list[Account] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)

    def rows(self) -> dict[str, dict]:
        """The rows of the (non-context) posts by post id."""
        return {p.row["post_id"]: p.row for p in self.posts}

    def kinds(self) -> dict[str, int]:
        """How many (non-context) posts of each kind."""
        counts: dict[str, int] = {}
        for post in self.posts:
            counts[post.row["kind"]] = counts.get(post.row["kind"], 0) + 1
        return counts


def sort_items(items) -> Items:
    """Sort reader output into an :class:`Items`; fail on anything unexpected."""
    out = Items()
    for item in items:
        if isinstance(item, Post):
            (out.context if item.context else out.posts).append(item)
            assert isinstance(item.raw, bytes)
        elif isinstance(item, Account):
            out.accounts.append(item)
        elif isinstance(item, Rejected):
            out.rejected.append(item)
        elif isinstance(item, Note):
            out.notes.append(item)
        else:  # pragma: no cover - a reader bug
            raise AssertionError(f"unexpected item {item!r}")
    return out


def read_with(module, data: bytes, name: str = "input", *, sniffed=True) -> Items:
    """Sniff ``data`` with ``module`` (expecting ``sniffed``) and read it."""
    source = Source.from_bytes(data, name=name)
    assert module.sniff(source.head()) == sniffed
    return sort_items(module.read(source))


def csv_bytes(rows: list[list[str]], *, newline: str = "\n", bom: bool = False) -> bytes:
    """Rows written as CSV the way pandas and spreadsheets do (minimal quoting)."""
    out = io.StringIO()
    csv.writer(out, lineterminator=newline).writerows(rows)
    return (b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode("utf-8")


class Kit:
    """The helpers above, handed to tests through the ``kit`` fixture (conftest modules are not
    meant to be imported)."""

    Items = Items
    REALDATA = REALDATA
    csv_bytes = staticmethod(csv_bytes)
    read_with = staticmethod(read_with)
    realdata_files = staticmethod(realdata_files)
    sort_items = staticmethod(sort_items)


@pytest.fixture
def kit() -> type[Kit]:
    """Helpers for reader tests: ``kit.read_with(module, data)``, ``kit.sort_items(items)``,
    ``kit.csv_bytes(rows)``, ``kit.realdata_files(folder)``."""
    return Kit
