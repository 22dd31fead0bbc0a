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
    "ArchiveError",
    "DependencyError",
    "InputFormatError",
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


class ArchiveError(SwchatError):
    """The archive file is missing, locked, or not a swchat archive."""


class SelectionError(SwchatError):
    """A selection (hashtag, session, time range, account) matches nothing or is malformed."""


class DependencyError(SwchatError):
    """A feature needs an optional package that is not installed (the message says how to get it)."""
