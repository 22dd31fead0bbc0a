"""Post-chat reports: the summary, its Markdown and HTML renderings, and publishing with care.

- :func:`build_summary` — every number, list and figure of a report, as a :class:`Summary`;
- :func:`render_markdown`, :func:`render_html`, :func:`write_report` — paste-ready Markdown and
  one self-contained HTML file;
- :func:`exclude_accounts`, :func:`pseudonymise`, :func:`protect` — leave opted-out accounts out,
  show everyone else under stable keyed pseudonyms (applied to the chat before any analysis);

Examples
--------
>>> from swchat.chat import Chat
>>> from swchat.schema import new_post, posts_frame
>>> chat = Chat(posts=posts_frame([new_post(platform="x", post_id="1", author_id="1",
...     author_handle="host", created_at="2026-09-02T19:00:00.000Z", text="Q1: hello #SWChat",
...     hashtags=["SWChat"])]), hashtag="SWChat")
>>> "<h1>#SWChat" in render_html(build_summary(chat, figures=False))
True
"""

from __future__ import annotations

from ..privacy import (
    Privacy,
    PrivacyError,
    exclude_accounts,
    protect,
    pseudonym,
    pseudonymise,
    read_account_list,
    read_secret,
)
from .render import render_html, render_markdown, write_report
from .summary import Summary, build_summary

__all__ = [
    "Privacy",
    "PrivacyError",
    "Summary",
    "build_summary",
    "exclude_accounts",
    "protect",
    "pseudonym",
    "pseudonymise",
    "read_account_list",
    "read_secret",
    "render_html",
    "render_markdown",
    "write_report",
]

