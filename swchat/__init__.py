"""swchat: archive and analyse hashtag chats from X, Mastodon and Bluesky exports.

The public API, imported lazily so that ``import swchat`` (and the CLI) start fast:

- :class:`swchat.Archive` — the SQLite archive: ingest exports, select chats and sessions;
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

__all__ = ["Archive", "Chat", "IngestResult", "__version__"]

_LAZY = {
    "Archive": "swchat.archive",
    "IngestResult": "swchat.archive",
    "Chat": "swchat.chat",
}

if TYPE_CHECKING:  # pragma: no cover
    from .archive import Archive, IngestResult
    from .chat import Chat


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'swchat' has no attribute {name!r}")
