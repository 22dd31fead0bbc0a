"""Readers: one module per source format, each streaming canonical rows.

Use :func:`read` to iterate over the items of one input whatever its format, or
:func:`~swchat.readers.detect.detect` to learn the format first.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from .base import Account, Item, Note, Post, Rejected, Source
from .detect import FORMATS, Format, detect, expand_inputs

__all__ = [
    "FORMATS",
    "Account",
    "Format",
    "Item",
    "Note",
    "Post",
    "Rejected",
    "Source",
    "detect",
    "expand_inputs",
    "read",
]


def read(path: str | Path | Source, format: str | None = None) -> Iterator[Item]:
    """Yield the items (posts, accounts, rejections, notes) of one input.

    Parameters
    ----------
    path : str, Path or Source
        A file, ``-`` for stdin, or a :class:`Source`.
    format : str, optional
        Force a format by name (see :data:`FORMATS`); detected from content otherwise.
    """
    source = path if isinstance(path, Source) else Source.from_arg(path)
    fmt = detect(source, format)
    yield from fmt.read(source)
