"""One exception hierarchy for swchat.

Every error a user can cause (a bad file, a missing session, an archive that is not an
archive) is a :class:`SwchatError`; the CLI turns these into one clear sentence and exit
status 1, never a traceback.

Examples
--------
>>> from swchat.errors import InputFormatError, SwchatError
>>> issubclass(InputFormatError, SwchatError)
True
>>> str(InputFormatError("users.jsonl holds user objects, not posts", path="users.jsonl"))
'users.jsonl holds user objects, not posts'
"""

from __future__ import annotations

__all__ = [
    "ArchiveBusyError",
    "ArchiveError",
    "ArchiveFullError",
    "DependencyError",
    "InputFormatError",
    "OutputError",
    "ReadOnlyArchiveError",
    "SelectionError",
    "SwchatError",
]


class SwchatError(Exception):
    """Base class of every error swchat raises on purpose."""


class InputFormatError(SwchatError):
    """A file cannot be read as any supported export (or not as the format asked for).

    Parameters
    ----------
    message : str
        One sentence saying what the file is and why it cannot be imported.
    path : str, optional
        The file concerned.
    """

    def __init__(self, message: str, path: str | None = None) -> None:
        super().__init__(message)
        self.path = path


class DamagedInputError(InputFormatError):
    """A compressed input is cut short or corrupt part-way (a ``.gz`` that ends early, fails its
    check, or cannot be decompressed past some byte).

    What was read before the damage is kept: the archive imports it and reports the damage as the
    file's last rejected record (see :meth:`swchat.archive.Archive.ingest`). Raised by the stream
    of a :class:`~swchat.readers.base.Source`, after it has handed out what comes before the
    damage.

    Parameters
    ----------
    message : str
        One sentence: the file, what is wrong and about where.
    path : str, optional
        The file concerned.
    line : int
        The line of the decompressed content where the damage starts (1 for the first).
    """

    def __init__(self, message: str, path: str | None = None, line: int = 1) -> None:
        super().__init__(message, path)
        self.line = line

    def __reduce__(self) -> tuple[object, ...]:  # pickled from a reader process with its fields
        return (type(self), (str(self), self.path, self.line))


class ArchiveError(SwchatError):
    """The archive file is missing, locked, or not a swchat archive."""


class ArchiveBusyError(ArchiveError):
    """Another process is writing to the archive, and this one could not (or was not to) wait for it."""


class ArchiveFullError(ArchiveError):
    """The disk (or the file system) holding the archive is full: what was being written was rolled back."""


class ReadOnlyArchiveError(ArchiveError):
    """The archive cannot be written: the file or its folder is read-only, or it was opened read-only.

    Examples
    --------
    >>> issubclass(ReadOnlyArchiveError, ArchiveError)
    True
    """


class OutputError(SwchatError):
    """An output file (report, figure, network, export …) cannot be written: no such folder, no
    permission, the disk is full."""


class SelectionError(SwchatError):
    """A selection (hashtag, session, time range, account) matches nothing or is malformed."""


class DependencyError(SwchatError):
    """A feature needs an optional package that is not installed (the message says how to get it)."""
