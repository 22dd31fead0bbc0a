"""Chat: the posts and accounts of one selection, and the door to its analyses.

A :class:`Chat` is what :meth:`swchat.Archive.select` (a hashtag, a time range) and
:meth:`swchat.Archive.session` (one chat session) return. It holds two typed DataFrames:

- ``posts`` — canonical post rows (see :mod:`swchat.schema`); rows with ``is_context`` are
  referenced posts (a replied-to, quoted or retweeted post) that are not part of the selection
  itself but let threads and retweets resolve;
- ``profiles`` — the newest account snapshot of every author (canonical account columns).

Analyses live in their own modules (``sessions``, ``threads``, ``network``, ``themes``,
``growth``, ``report``); the methods here are thin shortcuts to them, each taking the same
keyword options as the module function it calls.

Examples
--------
>>> from swchat.schema import new_post, posts_frame
>>> posts = posts_frame([new_post(platform="x", post_id="1", author_id="9", author_handle="ann",
...                               created_at="2026-09-02T19:00:00.000Z", text="Q1: hi #SWChat",
...                               hashtags=["SWChat"])])
>>> chat = Chat(posts=posts)
>>> chat.own_posts.shape[0], chat.participants
(1, 1)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from .archive import Archive

__all__ = ["Chat"]


@dataclass
class Chat:
    """The posts and accounts of one selection.

    Parameters
    ----------
    posts : pandas.DataFrame
        Canonical posts, context posts flagged ``is_context``.
    profiles : pandas.DataFrame, optional
        Canonical account snapshots; empty when not given.
    hashtag : str, optional
        The chat's hashtag (without ``#``), when the selection was by hashtag.
    session_id : str, optional
        The session this chat is, when it is one.
    archive : Archive, optional
        Where it came from (used to look further, e.g. earlier sessions).
    """

    posts: pd.DataFrame
    profiles: pd.DataFrame | None = None
    hashtag: str | None = None
    session_id: str | None = None
    archive: Archive | None = field(default=None, repr=False)
    meta: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.profiles is None:
            from .schema import accounts_frame

            self.profiles = accounts_frame([])

    @property
    def own_posts(self) -> pd.DataFrame:
        """The selection's own posts (context posts left out)."""
        return self.posts[~self.posts["is_context"]]

    @property
    def participants(self) -> int:
        """Distinct accounts that posted at least once in the selection (Symplur's definition)."""
        own = self.own_posts
        return int(own[["platform", "author_id"]].drop_duplicates().shape[0])

    def __len__(self) -> int:
        return int(self.own_posts.shape[0])

    # -- shortcuts to the analyses ---------------------------------------------------
    def sessions(self, **options: Any) -> list:
        """The chat sessions in this selection (see :func:`swchat.sessions.find_sessions`)."""
        from .sessions import find_sessions

        return find_sessions(self.posts, hashtag=self.hashtag, **options)

    def questions(self, **options: Any) -> pd.DataFrame:
        """One row per host question, with its posts and participants (see :func:`swchat.sessions.question_table`)."""
        from .sessions import question_table

        return question_table(self, **options)

    def threads(self, **options: Any) -> pd.DataFrame:
        """One row per reply thread with its metrics (see :func:`swchat.threads.thread_table`)."""
        from .threads import thread_table

        return thread_table(self.posts, **options)

    def network(self, kind: str = "all", **options: Any) -> Any:
        """The participant network as a ``networkx`` graph (see :func:`swchat.network.chat_network`)."""
        from .network import chat_network

        return chat_network(self, kind=kind, **options)

    def accounts(self, **options: Any) -> pd.DataFrame:
        """One row per account: activity and network metrics (see :func:`swchat.network.account_table`)."""
        from .network import account_table

        return account_table(self, **options)

    def communities(self, **options: Any) -> Any:
        """Communities of the network with their top items (see :func:`swchat.network.chat_communities`)."""
        from .network import chat_communities

        return chat_communities(self, **options)

    def themes(self, **options: Any) -> Any:
        """What was discussed (see :func:`swchat.themes.chat_themes`)."""
        from .themes import chat_themes

        return chat_themes(self, **options)

    def growth(self, **options: Any) -> Any:
        """How the chat unfolded (see :func:`swchat.growth.chat_growth`)."""
        from .growth import chat_growth

        return chat_growth(self, **options)

    def summary(self, **options: Any) -> Any:
        """The post-chat summary behind the report (see :func:`swchat.report.summary.build_summary`)."""
        from .report.summary import build_summary

        return build_summary(self, **options)
