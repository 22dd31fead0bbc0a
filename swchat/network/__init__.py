"""Who connected with whom: participant graphs, their metrics, communities and shape.

The analysis modules, one idea each (their public names are re-exported here):

- :mod:`swchat.network.build` — the edge rules (:data:`EDGE_RULES`) and mention targets, and
  the graphs built by them: :func:`build_network`, :func:`chat_network`,
  :func:`hashtag_network` and ego networks; :func:`interaction_table` lists the interactions
  behind the edges, one row each;
- :mod:`swchat.network.metrics` — NodeXL's graph table (:func:`graph_metrics`), the account
  table (:func:`account_metrics`, :func:`account_table`, :func:`with_metrics`),
  :func:`betweenness`, :func:`geodesics` and :func:`degree_centralization`;
- :mod:`swchat.network.grouping` — the undirected projection, :func:`communities` (Louvain,
  Clauset-Newman-Moore) and modularity, shared by the others;
- :mod:`swchat.network.community` — the communities of a chat with their top items
  (:func:`chat_communities`) and :func:`brokers`;
- :mod:`swchat.network.shape` — :func:`network_shape`, the six structures of Smith et al. (2014).

Writing and drawing are outputs, a layer above: import :func:`~swchat.network.export.write_network`
from :mod:`swchat.network.export` (GEXF, GraphML, CSV, JSON) and
:func:`~swchat.network.draw.draw_network` from :mod:`swchat.network.draw` (PNG, SVG). This
package does not import them.

The graphs are plain ``networkx`` graphs. Their edge rules, node keys and attributes are
described in :mod:`swchat.network.build`.

Examples
--------
A reply and a mention between two accounts, and the graph table of that network:

>>> from swchat.schema import new_post, posts_frame
>>> G = build_network(posts_frame([new_post(
...     platform="x", post_id="2", author_id="2", author_handle="bo", kind="reply", text="@al yes, @al",
...     created_at="2026-09-02T19:01:00.000Z", reply_to_post_id="1", reply_to_author_id="1", reply_to_handle="al",
...     mentions=["al"])]))
>>> list(G.edges(data="weight")), graph_metrics(G)["vertices"]
([('2', '1', 2)], 2)
"""

from __future__ import annotations

from .build import (
    EDGE_RULES,
    EDGE_TYPES,
    FORMATS_WITHOUT_QUOTES,
    INTERACTION_COLUMNS,
    KINDS,
    NETWORK_COLUMNS,
    build_network,
    chat_network,
    ego_network,
    hashtag_network,
    interaction_table,
    leading_mentions,
    mention_targets,
    selection_network,
)
from .community import Community, CommunityResult, brokers, chat_communities
from .grouping import (
    DEFAULT_SEED,
    communities,
    label_communities,
    partition,
    undirected,
    weighted_modularity,
)
from .metrics import (
    BETWEENNESS_EXACT_MAX,
    BETWEENNESS_SAMPLES,
    GEODESIC_EXACT_MAX,
    GEODESIC_SAMPLES,
    account_metrics,
    account_table,
    betweenness,
    degree_centralization,
    geodesics,
    graph_metrics,
    with_metrics,
)
from .shape import SHAPE_THRESHOLDS, SHAPES, network_shape

__all__ = [
    "BETWEENNESS_EXACT_MAX",
    "BETWEENNESS_SAMPLES",
    "DEFAULT_SEED",
    "EDGE_RULES",
    "EDGE_TYPES",
    "FORMATS_WITHOUT_QUOTES",
    "GEODESIC_EXACT_MAX",
    "GEODESIC_SAMPLES",
    "INTERACTION_COLUMNS",
    "KINDS",
    "NETWORK_COLUMNS",
    "SHAPES",
    "SHAPE_THRESHOLDS",
    "Community",
    "CommunityResult",
    "account_metrics",
    "account_table",
    "betweenness",
    "brokers",
    "build_network",
    "chat_communities",
    "chat_network",
    "communities",
    "degree_centralization",
    "ego_network",
    "geodesics",
    "graph_metrics",
    "hashtag_network",
    "interaction_table",
    "label_communities",
    "leading_mentions",
    "mention_targets",
    "network_shape",
    "partition",
    "selection_network",
    "undirected",
    "weighted_modularity",
    "with_metrics",
]
