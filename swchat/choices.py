"""The values a user chooses among that the library and the command line both name.

Output file suffixes and the node metrics a network picture can be sized by live here, free of
heavy imports, so that ``swchat … --help`` can offer them without importing networkx, pandas or
matplotlib; the modules that use them import them from here, so each list is kept in one place.

Examples
--------
>>> ".gexf" in NETWORK_SUFFIXES and "pagerank" in SIZE_METRICS
True
"""

from __future__ import annotations

__all__ = ["ACCOUNT_SORTS", "BLUESKY_HANDLE_ENV", "BLUESKY_PASSWORD_ENV", "BLUESKY_PDS", "BLUESKY_SERVICE",
           "EDGE_TYPES", "EXPORT_FORMATS", "EXPORT_LAYOUTS", "EXPORT_TABLES", "FIGURE_SUFFIXES", "NETWORK_KINDS",
           "NETWORK_SUFFIXES", "REPORT_SUFFIXES", "SESSION_GAP_MINUTES", "SESSION_MIN_PARTICIPANTS",
           "SESSION_MIN_POSTS", "SIZE_METRICS"]

#: The four edge types of a participant network, in the order their attributes are listed.
EDGE_TYPES: tuple[str, ...] = ("reply", "mention", "retweet", "quote")
#: What a network's ``kind`` may be: one edge type, or ``"all"`` for their union.
NETWORK_KINDS: tuple[str, ...] = ("all", *EDGE_TYPES)
#: Columns of the account table (:func:`swchat.network.metrics.account_metrics`) a listing can be
#: sorted by, highest first.
ACCOUNT_SORTS: tuple[str, ...] = ("pagerank", "betweenness", "in_strength", "out_strength", "in_degree",
                                  "out_degree", "posts", "in_reply", "in_mention", "in_retweet", "in_quote")
#: Files a network is written to (:func:`swchat.network.export.write_network`), by suffix.
NETWORK_SUFFIXES: tuple[str, ...] = (".gexf", ".graphml", ".csv", ".json", ".png", ".svg")
#: Node metrics a network picture can be sized by (:func:`swchat.network.draw.draw_network`).
SIZE_METRICS: tuple[str, ...] = ("pagerank", "betweenness", "in_strength", "out_strength", "in_degree",
                                 "out_degree", "degree", "posts")
#: Report files (:func:`swchat.report.render.write_report`): HTML or Markdown.
REPORT_SUFFIXES: tuple[str, ...] = (".html", ".htm", ".md", ".markdown")
#: Figure files (:mod:`swchat.figures`).
FIGURE_SUFFIXES: tuple[str, ...] = (".png", ".svg", ".pdf")
#: The tables :mod:`swchat.exports` writes, in the order it writes them.
EXPORT_TABLES: tuple[str, ...] = ("posts", "accounts", "edges", "sessions", "participation")
#: The formats :mod:`swchat.exports` writes them in (``ids``: dehydrated id lists).
EXPORT_FORMATS: tuple[str, ...] = ("parquet", "csv", "jsonl", "ids")
#: How a Parquet export is laid out: one file per table, or posts and edges in Hive-style folders.
EXPORT_LAYOUTS: tuple[str, ...] = ("files", "partitioned")
#: The Bluesky AppView :mod:`swchat.collect` searches by default, and where it signs in when asked.
BLUESKY_SERVICE = "https://public.api.bsky.app"
BLUESKY_PDS = "https://bsky.social"
#: The environment variables holding the Bluesky handle and app password to sign in with.
BLUESKY_HANDLE_ENV = "BSKY_HANDLE"
BLUESKY_PASSWORD_ENV = "BSKY_APP_PASSWORD"

#: The session defaults (:data:`swchat.sessions.DEFAULT_GAP` and the others are made from these):
#: a silence longer than this many minutes ends a session …
SESSION_GAP_MINUTES = 90
#: … which holds at least this many tagged posts that are not retweets …
SESSION_MIN_POSTS = 10
#: … by at least this many accounts.
SESSION_MIN_PARTICIPANTS = 3
