"""swchat: archive and analyse hashtag chats from X, Mastodon and Bluesky exports.

The public API (see :mod:`swchat.api`), imported lazily so that ``import swchat`` (and the CLI)
start fast:

- :func:`swchat.open` / :class:`swchat.Archive` — an archive file: ingest exports, list
  sessions, open a session's chat with its history, select chats, the across-sessions view;
- :class:`swchat.Chat` — the posts and accounts of one selection, with its analyses;
- :mod:`swchat.readers` — streaming readers for every supported export format;
- :mod:`swchat.sample` — the synthetic sample-chat generator.

Examples
--------
>>> import swchat
>>> swchat.__version__
'0.1.0'
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .version import __version__

__all__ = ["Archive", "Chat", "IngestResult", "__version__", "open"]

_LAZY = {
    "Archive": "swchat.api",
    "Chat": "swchat.api",
    "open": "swchat.api",
    "IngestResult": "swchat.archive",
}

if TYPE_CHECKING:  # pragma: no cover
    from .api import Archive, Chat, open
    from .archive import IngestResult


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'swchat' has no attribute {name!r}")
