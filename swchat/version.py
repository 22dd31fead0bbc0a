"""The version of swchat, in a module of its own so that every layer can name it.

Examples
--------
>>> from swchat.version import __version__
>>> __version__.count(".")
2
"""

from __future__ import annotations

__all__ = ["__version__"]

__version__ = "0.1.0"
