"""Reply trees, retweet cascades and their metrics.

A **thread** is a reply tree (DESIGN.md, "Threads"): every post that is not a retweet is a node,
and a reply hangs under the post it replies to (``reply_to_post_id``). A quote that is not a
reply starts a tree of its own (a reply that also quotes is a reply); retweets are no part of
reply trees and are counted apart as **retweet cascades** (:func:`retweet_cascades`).

Parents that the selection lacks are handled as follows:

- a parent present as a *context* post (``is_context`` rows the archive adds: the replied-to
  tweets of ``includes.tweets`` and the like) is an ordinary node of the tree — it is a real
  post, only not one of the selection's own; ``context`` counts them per thread;
- a parent that is nowhere in the frame becomes a **placeholder** node flagged ``missing``:
  it keeps the replies to it together as one tree, it counts for the tree's *shape* (depth and
  structural virality, as the real post it stands for would) but not for ``size``, ``breadth``
  or ``participants``. :func:`missing_parents` lists these IDs, so users know what to fetch.

**Roots.** The root of a tree is found by walking ``reply_to_post_id`` up (vectorised pointer
jumping). When the source gives a ``conversation_id`` (X API v2 does) and a reply's parent is
missing, the placeholder is hung under the conversation's root (present or itself a
placeholder) by a *gap* edge, so fragments of one conversation stay one thread; depth and
virality of such a thread (``complete`` is ``False``) are lower bounds. Without a
``conversation_id`` the derived root is used, and ``conversation_id`` in :func:`thread_table`
repeats it.

**Metrics** per thread (:func:`thread_table`):

- ``size`` — posts in the tree, root included, placeholders not counted;
- ``depth`` — the longest root-to-leaf path, in edges (a lone post has depth 0);
- ``breadth`` — the most posts at any one depth;
- ``participants`` — distinct authors of its posts;
- ``start``, ``end``, ``duration`` — first and last post times and their difference;
- ``virality`` — **structural virality** (Goel, Anderson, Hofman & Watts 2016, "The structural
  virality of online diffusion", *Management Science* 62(1)): the mean shortest-path distance
  over all pairs of nodes of the tree, computed exactly in O(n) as
  ``sum over edges of s * (n - s) / (n * (n - 1) / 2)`` where ``s`` is the number of nodes below
  the edge. A lone post has no pairs, so the mean is undefined; it is reported as ``0.0`` so
  that the column stays numeric — filter ``size >= 2`` to reproduce analyses that leave such
  trees out. A chain of ``n`` posts has virality ``(n + 1) / 3``, a star of ``k`` replies to one
  post ``2k / (k + 1)``.

Post IDs are taken to be unique within the frame (X, Mastodon and Bluesky IDs cannot collide);
when the same ID appears twice the selection's own row wins over a context row.

Examples
--------
>>> from swchat.schema import new_post, posts_frame
>>> def post(pid, parent=None, author="a", minute=0):
...     return new_post(platform="x", post_id=pid, author_id=author, author_handle=author,
...                     created_at=f"2026-09-02T19:{minute:02d}:00.000Z",
...                     kind="reply" if parent else "original", reply_to_post_id=parent)
>>> posts = posts_frame([post("1"), post("2", "1", "b", 1), post("3", "1", "c", 2),
...                      post("4", "2", "a", 3), post("5", "404", "d", 4)])
>>> table = thread_table(posts)
>>> table[["root", "size", "depth", "breadth", "participants", "virality"]].round(2)
  root  size  depth  breadth  participants  virality
0    1     4      2        2             3      1.67
1  404     1      1        1             1      1.00
>>> missing_parents(posts)
['404']
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx

__all__ = [
    "THREAD_COLUMNS",
    "missing_parents",
    "reply_forest",
    "retweet_cascades",
    "structural_virality",
    "thread_roots",
    "thread_table",
]

#: Columns of :func:`thread_table`, in order.
THREAD_COLUMNS = (
    "root", "conversation_id", "author", "text", "size", "depth", "breadth", "participants",
    "start", "end", "duration", "virality", "replies", "retweets", "context", "missing",
    "complete",
)


@dataclass
class _Forest:
    """The reply forest as flat arrays (one entry per node, placeholders last)."""

    ids: np.ndarray          # node ids (object)
    parent: np.ndarray       # parent index, -1 for roots
    gap: np.ndarray          # bool: the edge to the parent is a conversation gap edge
    real: np.ndarray         # bool: a post (not a placeholder)
    root: np.ndarray         # root index of each node
    depth: np.ndarray        # edges from the root
    rows: pd.DataFrame       # the real nodes' post rows, in node order (index 0..k-1)
    retweets: pd.DataFrame   # the retweet rows of the frame


def _clean_ids(series: pd.Series) -> pd.Series:
    """IDs as object strings with missing values (and empty strings) as ``None``."""
    out = series.astype(object)
    return out.where(out.notna() & (out != ""), None)


def _build(posts: pd.DataFrame) -> _Forest:
    if "kind" not in posts or "post_id" not in posts:
        raise ValueError("posts must have the canonical columns (see swchat.schema)")
    kind = posts["kind"].astype(object)
    is_rt = (kind == "retweet").to_numpy(bool)
    retweets = posts[is_rt]
    nodes = posts[~is_rt]
    if "is_context" in nodes:
        # the selection's own row wins over a context row of the same post
        order = np.argsort(nodes["is_context"].to_numpy(bool), kind="stable")
        nodes = nodes.iloc[order]
    nodes = nodes.drop_duplicates("post_id").sort_values(["created_at", "post_id"], kind="stable")
    nodes = nodes.reset_index(drop=True)
    ids = _clean_ids(nodes["post_id"]).to_numpy(object)
    n_real = len(ids)
    parent_ids = _clean_ids(nodes["reply_to_post_id"]) if "reply_to_post_id" in nodes else \
        pd.Series([None] * n_real, dtype=object)
    # a reply to a retweet replies to the retweeted post (what the platforms do)
    if len(retweets) and parent_ids.notna().any():
        rt_map = pd.Series(_clean_ids(retweets["retweeted_post_id"]).to_numpy(object),
                           index=_clean_ids(retweets["post_id"]).to_numpy(object))
        rt_map = rt_map[rt_map.notna() & ~rt_map.index.duplicated()]
        hit = parent_ids.isin(rt_map.index)
        if hit.any():
            parent_ids = parent_ids.where(~hit, parent_ids.map(rt_map))
    parent_ids = parent_ids.where(parent_ids.to_numpy(object) != ids, None)  # self-replies
    conv = _clean_ids(nodes["conversation_id"]) if "conversation_id" in nodes else \
        pd.Series([None] * n_real, dtype=object)

    index = pd.Index(ids)
    par = index.get_indexer(parent_ids.to_numpy(object))
    has_parent = parent_ids.notna().to_numpy(bool)
    lost = has_parent & (par < 0)
    # placeholders for parents not in the frame
    missing_ids = pd.unique(parent_ids[lost].to_numpy(object))
    all_ids = np.concatenate([ids, missing_ids]).astype(object)
    all_index = pd.Index(all_ids)
    par = np.where(has_parent, all_index.get_indexer(parent_ids.to_numpy(object)), -1)
    par = np.concatenate([par, np.full(len(missing_ids), -1)]).astype(np.int64)
    gap = np.zeros(len(all_ids), dtype=bool)
    if len(missing_ids) and conv.notna().any():
        # hang a placeholder under the root of its conversation, when the source names it
        kids = pd.DataFrame({"parent": parent_ids[lost].to_numpy(object),
                             "conv": conv[lost].to_numpy(object)}).dropna()
        kids = kids[kids["parent"] != kids["conv"]].drop_duplicates("parent")
        if len(kids):
            extra = pd.unique(kids.loc[~kids["conv"].isin(all_index), "conv"].to_numpy(object))
            if len(extra):
                all_ids = np.concatenate([all_ids, extra]).astype(object)
                all_index = pd.Index(all_ids)
                par = np.concatenate([par, np.full(len(extra), -1)])
                gap = np.concatenate([gap, np.zeros(len(extra), dtype=bool)])
            child = all_index.get_indexer(kids["parent"].to_numpy(object))
            par[child] = all_index.get_indexer(kids["conv"].to_numpy(object))
            gap[child] = True
    real = np.zeros(len(all_ids), dtype=bool)
    real[:n_real] = True
    root, depth, par = _roots(par)
    return _Forest(ids=all_ids, parent=par, gap=gap, real=real, root=root, depth=depth,
                   rows=nodes, retweets=retweets)


def _roots(par: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Root index and depth of every node by pointer jumping; reply cycles are cut.

    Returns the roots, the depths and the parent array (changed only where a cycle was cut).
    """
    for _ in range(2):
        n = len(par)
        jump = np.where(par < 0, np.arange(n), par)
        for _ in range(int(np.ceil(np.log2(n + 1))) + 1):
            nxt = jump[jump]
            if np.array_equal(nxt, jump):
                break
            jump = nxt
        if np.all(par[jump] < 0):
            return jump, _depths(par), par
        par = _cut_cycles(par)
    raise ValueError("could not resolve the reply structure")  # pragma: no cover


def _depths(par: np.ndarray) -> np.ndarray:
    """Depth of every node in an acyclic parent array (pointer jumping on distances)."""
    n = len(par)
    idx = np.arange(n)
    jump = np.where(par < 0, idx, par)
    dist = (par >= 0).astype(np.int64)
    while True:
        nxt = jump[jump]
        done = nxt == jump
        dist = dist + np.where(done, 0, dist[jump])
        if done.all():
            return dist
        jump = nxt


def _cut_cycles(par: np.ndarray) -> np.ndarray:
    """Break reply cycles (malformed data) by making one node of each cycle a root."""
    par = par.copy()
    n = len(par)
    state = np.zeros(n, dtype=np.int8)  # 0 new, 1 on the current path, 2 done
    for start in range(n):
        if state[start]:
            continue
        path = []
        node = start
        while node >= 0 and state[node] == 0:
            state[node] = 1
            path.append(node)
            node = par[node]
        if node >= 0 and state[node] == 1:
            par[node] = -1  # node closes a cycle: make it a root
        for p in path:
            state[p] = 2
    return par


def _subtree_sizes(forest: _Forest) -> np.ndarray:
    """Nodes in the subtree under each node (itself included, placeholders included)."""
    sub = np.ones(len(forest.parent), dtype=np.int64)
    depth = forest.depth
    if not len(depth) or depth.max() == 0:
        return sub
    order = np.argsort(-depth, kind="stable")
    levels = np.bincount(depth)[::-1]
    start = 0
    for count in levels[:-1]:  # deepest level first; the roots' level has nothing above
        nodes = order[start:start + count]
        np.add.at(sub, forest.parent[nodes], sub[nodes])
        start += count
    return sub


def structural_virality(graph: nx.Graph) -> float:
    """Structural virality of one tree: the mean shortest-path distance over all pairs of nodes.

    Goel, Anderson, Hofman & Watts (2016), "The structural virality of online diffusion",
    *Management Science* 62(1):180-196. Edge directions are ignored. A graph with fewer than
    two nodes has no pairs: ``0.0`` is returned (see the module notes).

    Parameters
    ----------
    graph : networkx.Graph or DiGraph
        A tree (e.g. one weakly connected component of :func:`reply_forest`).

    Returns
    -------
    float

    Examples
    --------
    >>> import networkx as nx
    >>> structural_virality(nx.star_graph(3))  # a post with three replies
    1.5
    >>> round(structural_virality(nx.path_graph(4)), 4)  # a chain of four posts
    1.6667
    """
    import networkx as nx

    n = graph.number_of_nodes()
    if n < 2:
        return 0.0
    g = graph.to_undirected(as_view=True) if graph.is_directed() else graph
    if nx.is_tree(g):
        total = 0
        root = next(iter(g.nodes))
        parent = {root: None}
        order = [root]
        for u in order:
            for v in g.neighbors(u):
                if v not in parent:
                    parent[v] = u
                    order.append(v)
        below = dict.fromkeys(order, 1)
        for u in reversed(order[1:]):
            below[parent[u]] += below[u]
            total += below[u] * (n - below[u])
        return total / (n * (n - 1) / 2)
    return float(nx.average_shortest_path_length(g))


def thread_roots(posts: pd.DataFrame) -> pd.Series:
    """The thread (root post id) of every post that is part of a reply tree.

    Parameters
    ----------
    posts : pandas.DataFrame
        Canonical posts (context rows included).

    Returns
    -------
    pandas.Series
        Indexed by ``post_id`` (retweets left out), the id of the root of the post's tree — a
        placeholder id when the root is a missing post.

    Examples
    --------
    >>> from swchat.schema import new_post, posts_frame
    >>> rows = [new_post(platform="x", post_id="1", author_id="a",
    ...                  created_at="2026-09-02T19:00:00.000Z"),
    ...         new_post(platform="x", post_id="2", author_id="b", kind="reply",
    ...                  reply_to_post_id="1", created_at="2026-09-02T19:01:00.000Z")]
    >>> thread_roots(posts_frame(rows)).to_dict()
    {'1': '1', '2': '1'}
    """
    forest = _build(posts)
    k = len(forest.rows)
    return pd.Series(forest.ids[forest.root[:k]], index=pd.Index(forest.ids[:k], name="post_id"),
                     name="root", dtype=object)


def thread_table(
    posts: pd.DataFrame,
    *,
    min_size: int = 1,
    own_only: bool = True,
) -> pd.DataFrame:
    """One row per reply tree with its size, depth, breadth, participants and structural virality.

    Definitions as in DESIGN.md and the module notes: size counts posts (root included,
    placeholders for missing parents not); depth is the longest root-to-leaf path in edges (a
    lone post 0); breadth the most posts at one depth; **virality** the structural virality of
    Goel, Anderson, Hofman & Watts (2016) — mean shortest-path distance over all pairs of nodes,
    placeholders included, ``0.0`` for a lone post. Quotes start trees of their own; retweets are
    not part of trees (``retweets`` counts the retweets of the tree's posts; see
    :func:`retweet_cascades`).

    Parameters
    ----------
    posts : pandas.DataFrame
        Canonical posts; ``is_context`` rows are used as nodes (a context parent is a real post).
    min_size : int
        Leave out threads smaller than this (``2`` keeps only threads with a reply).
    own_only : bool
        Leave out trees made only of context posts (a retweeted original that nobody replied to
        in the selection), so every thread holds at least one of the selection's own posts.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`THREAD_COLUMNS`: ``root`` (root post id; the placeholder's id when the
        root is missing), ``conversation_id`` (the source's, else the root), ``author`` and
        ``text`` of the root, ``size``, ``depth``, ``breadth``, ``participants``, ``start``,
        ``end``, ``duration`` (Timedelta), ``virality``, ``replies`` (size - 1 for a present
        root), ``retweets``, ``context`` (context posts in it), ``missing`` (placeholders),
        ``complete`` (no placeholder). Sorted by size (largest first), then start.

    Examples
    --------
    >>> from swchat.schema import new_post, posts_frame
    >>> rows = [new_post(platform="x", post_id=str(i), author_id=str(i), kind="reply" if i else "original",
    ...                  reply_to_post_id="0" if i else None,
    ...                  created_at=f"2026-09-02T19:0{i}:00.000Z") for i in range(4)]
    >>> t = thread_table(posts_frame(rows))
    >>> t[["root", "size", "depth", "breadth", "participants", "virality"]]
      root  size  depth  breadth  participants  virality
    0    0     4      1        3             4       1.5
    >>> str(t.loc[0, "duration"])
    '0 days 00:03:00'
    """
    forest = _build(posts)
    k = len(forest.rows)
    n_all = len(forest.ids)
    if n_all == 0:
        return _empty_table()
    rows = forest.rows
    root = forest.root
    # per-thread counts over all nodes (placeholders included) and over posts
    nodes_per_tree = np.bincount(root, minlength=n_all)
    sub = _subtree_sizes(forest)
    nonroot = forest.parent >= 0
    contrib = np.zeros(n_all, dtype=np.float64)
    contrib[nonroot] = sub[nonroot] * (nodes_per_tree[root[nonroot]] - sub[nonroot])
    pair_sum = np.bincount(root, weights=contrib, minlength=n_all)

    real_root = root[:k]
    frame = pd.DataFrame({
        "tree": real_root,
        "depth": forest.depth[:k],
        "author_id": rows["author_id"].astype(object).to_numpy(),
        "created_at": rows["created_at"].reset_index(drop=True),
        "context": rows["is_context"].to_numpy(bool) if "is_context" in rows else np.zeros(k, bool),
    })
    grouped = frame.groupby("tree", sort=False)
    table = pd.DataFrame({
        "size": grouped.size(),
        "participants": grouped["author_id"].nunique(),
        "start": grouped["created_at"].min(),
        "end": grouped["created_at"].max(),
        "context": grouped["context"].sum().astype(np.int64),
    })
    table["breadth"] = frame.groupby(["tree", "depth"], sort=False).size().groupby(level=0).max()
    trees = table.index.to_numpy()
    # depth: deepest node (placeholders count, as the posts they stand for)
    max_depth = pd.Series(forest.depth).groupby(root).max()
    table["depth"] = max_depth.reindex(trees).to_numpy()
    n_nodes = nodes_per_tree[trees]
    pairs = n_nodes * (n_nodes - 1) / 2
    with np.errstate(invalid="ignore", divide="ignore"):
        table["virality"] = np.where(n_nodes > 1, pair_sum[trees] / np.where(pairs > 0, pairs, 1), 0.0)
    table["missing"] = n_nodes - table["size"].to_numpy()
    table["complete"] = table["missing"] == 0
    table["root"] = forest.ids[trees]
    root_real = trees < k
    table["replies"] = table["size"] - root_real.astype(np.int64)
    # the root's author and text, and the conversation id
    handle_col = rows["author_handle"] if "author_handle" in rows else rows["author_id"]
    handle = handle_col.astype(object).where(handle_col.notna(), rows["author_id"].astype(object))
    text = rows["text"].astype(object) if "text" in rows else pd.Series([None] * k, dtype=object)
    safe = np.where(root_real, trees, 0)
    # object columns with None for a missing root (pandas would otherwise infer "str" with NaN)
    table["author"] = pd.Series(np.where(root_real, handle.to_numpy(object)[safe] if k else None, None),
                                index=table.index, dtype=object)
    table["text"] = pd.Series(np.where(root_real, text.to_numpy(object)[safe] if k else None, None),
                              index=table.index, dtype=object)
    if "conversation_id" in rows:
        conv = _clean_ids(rows["conversation_id"])
        named = pd.DataFrame({"tree": real_root, "conv": conv.to_numpy(object)}).dropna()
        # the most common conversation id of each tree (value_counts sorts by count, then keep the first)
        counts = named.value_counts(["tree", "conv"], sort=True).reset_index()
        first = counts.drop_duplicates("tree").set_index("tree")["conv"]
        table["conversation_id"] = pd.Series(first.reindex(trees).to_numpy(object), index=table.index, dtype=object)
        table["conversation_id"] = table["conversation_id"].where(table["conversation_id"].notna(),
                                                                  table["root"].astype(object))
    else:
        table["conversation_id"] = table["root"].astype(object)
    # retweets of the thread's posts
    rts = forest.retweets
    if len(rts):
        target = pd.Index(forest.ids[:k]).get_indexer(_clean_ids(rts["retweeted_post_id"]).to_numpy(object))
        target = target[target >= 0]
        counts = np.bincount(real_root[target], minlength=n_all) if len(target) else np.zeros(n_all, np.int64)
        table["retweets"] = counts[trees]
    else:
        table["retweets"] = 0
    if own_only and "is_context" in rows:
        table = table[table["size"] > table["context"]]
    table = table[table["size"] >= min_size]
    table["duration"] = table["end"] - table["start"]
    table = table.sort_values(["size", "start", "root"], ascending=[False, True, True], kind="stable")
    table = table.reset_index(drop=True)[list(THREAD_COLUMNS)]
    for column in ("size", "depth", "breadth", "participants", "replies", "retweets", "context", "missing"):
        table[column] = table[column].astype(np.int64)
    table["virality"] = table["virality"].astype(float)
    table["complete"] = table["complete"].astype(bool)
    return table


def _empty_table() -> pd.DataFrame:
    table = pd.DataFrame({c: pd.Series(dtype=object) for c in THREAD_COLUMNS})
    for column in ("size", "depth", "breadth", "participants", "replies", "retweets", "context", "missing"):
        table[column] = table[column].astype(np.int64)
    table["virality"] = table["virality"].astype(float)
    table["complete"] = table["complete"].astype(bool)
    table["start"] = pd.Series(dtype="datetime64[ns, UTC]")
    table["end"] = pd.Series(dtype="datetime64[ns, UTC]")
    table["duration"] = pd.Series(dtype="timedelta64[ns]")
    return table


def missing_parents(posts: pd.DataFrame) -> list[str]:
    """IDs of posts that replies point to but the frame lacks (neither own nor context posts).

    These are what to fetch (e.g. with ``twarc2 hydrate``) to complete the threads.

    Parameters
    ----------
    posts : pandas.DataFrame
        Canonical posts, context rows included.

    Returns
    -------
    list of str
        Sorted by the number of replies pointing to them (most first), then by id.

    Examples
    --------
    >>> from swchat.schema import new_post, posts_frame
    >>> rows = [new_post(platform="x", post_id="2", author_id="b", kind="reply",
    ...                  reply_to_post_id="1", created_at="2026-09-02T19:01:00.000Z")]
    >>> missing_parents(posts_frame(rows))
    ['1']
    """
    forest = _build(posts)
    placeholder = ~forest.real
    ids = forest.ids[placeholder]
    kids = np.bincount(forest.parent[(forest.parent >= 0) & ~forest.gap], minlength=len(forest.ids))
    # conversation roots added only to hold gap edges are left out: no reply points to them
    counts = kids[placeholder]
    order = sorted((i for i in range(len(ids)) if counts[i]), key=lambda i: (-counts[i], str(ids[i])))
    return [str(ids[i]) for i in order]


def reply_forest(posts: pd.DataFrame) -> nx.DiGraph:
    """The reply forest as a :class:`networkx.DiGraph`, edges from parent to reply.

    Nodes are post ids (retweets left out) with attributes ``author_id``, ``author_handle``,
    ``created_at``, ``kind``, ``context`` (a context post), ``missing`` (a placeholder for a parent
    the frame lacks), ``root`` and ``depth``. Edges carry ``gap=True`` when they join a
    placeholder to its conversation's root (distance unknown, at least one).

    Examples
    --------
    >>> from swchat.schema import new_post, posts_frame
    >>> rows = [new_post(platform="x", post_id="2", author_id="b", kind="reply",
    ...                  reply_to_post_id="1", created_at="2026-09-02T19:01:00.000Z")]
    >>> g = reply_forest(posts_frame(rows))
    >>> sorted(g.edges), g.nodes["1"]["missing"]
    ([('1', '2')], True)
    """
    import networkx as nx

    forest = _build(posts)
    rows = forest.rows
    k = len(rows)
    graph = nx.DiGraph()
    ids = forest.ids
    root_ids = ids[forest.root]
    handles = rows["author_handle"].astype(object).tolist() if "author_handle" in rows else [None] * k
    context = rows["is_context"].tolist() if "is_context" in rows else [False] * k
    graph.add_nodes_from(
        (ids[i], {"author_id": a, "author_handle": h, "created_at": t, "kind": kd, "context": bool(c),
                  "missing": False, "root": root_ids[i], "depth": int(forest.depth[i])})
        for i, a, h, t, kd, c in zip(range(k), rows["author_id"].astype(object), handles,
                                     rows["created_at"], rows["kind"].astype(object), context, strict=True)
    )
    graph.add_nodes_from(
        (ids[i], {"author_id": None, "author_handle": None, "created_at": None, "kind": None,
                  "context": False, "missing": True, "root": root_ids[i], "depth": int(forest.depth[i])})
        for i in range(k, len(ids))
    )
    child = np.flatnonzero(forest.parent >= 0)
    graph.add_edges_from(
        (ids[p], ids[c], {"gap": bool(g)})
        for p, c, g in zip(forest.parent[child], child, forest.gap[child], strict=True)
    )
    return graph


def retweet_cascades(posts: pd.DataFrame) -> pd.DataFrame:
    """Retweet cascades: per retweeted post, how often and by how many accounts it was retweeted.

    Retweets are flat on X (a retweet of a retweet counts for the original), so a cascade here
    is the set of retweets of one original; they are counted apart from reply trees.

    Parameters
    ----------
    posts : pandas.DataFrame
        Canonical posts (context rows are used only to describe the originals).

    Returns
    -------
    pandas.DataFrame
        ``post_id`` (the original), ``author`` (its handle, from the original or the retweets'
        ``RT @handle:``), ``retweets`` (own retweets of it), ``retweeters`` (distinct accounts),
        ``first`` and ``last`` retweet times, ``in_archive`` (the original is in the frame).
        Sorted by retweets, most first.

    Examples
    --------
    >>> from swchat.schema import new_post, posts_frame
    >>> rows = [new_post(platform="x", post_id=str(i), author_id=str(i % 2), kind="retweet",
    ...                  retweeted_post_id="1", text="RT @ann: Q1: hi",
    ...                  created_at=f"2026-09-02T19:0{i}:00.000Z") for i in range(2, 5)]
    >>> retweet_cascades(posts_frame(rows))[["post_id", "author", "retweets", "retweeters"]]
      post_id author  retweets  retweeters
    0       1    ann         3           2
    """
    import re

    columns = ["post_id", "author", "retweets", "retweeters", "first", "last", "in_archive"]
    kind = posts["kind"].astype(object)
    own = ~posts["is_context"].to_numpy(bool) if "is_context" in posts else np.ones(len(posts), bool)
    rts = posts[(kind == "retweet").to_numpy(bool) & own]
    rts = rts[_clean_ids(rts["retweeted_post_id"]).notna()]
    if rts.empty:
        out = pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
        out["retweets"] = out["retweets"].astype(np.int64)
        out["retweeters"] = out["retweeters"].astype(np.int64)
        return out
    target = _clean_ids(rts["retweeted_post_id"])
    frame = pd.DataFrame({"post_id": target.to_numpy(object),
                          "author_id": rts["author_id"].astype(object).to_numpy(),
                          "created_at": rts["created_at"].to_numpy(),
                          "text": rts["text"].astype(object).to_numpy()})
    g = frame.groupby("post_id", sort=False)
    out = pd.DataFrame({"retweets": g.size(), "retweeters": g["author_id"].nunique(),
                        "first": g["created_at"].min(), "last": g["created_at"].max()})
    originals = posts[~(kind == "retweet").to_numpy(bool)].drop_duplicates("post_id")
    originals = originals.set_index(_clean_ids(originals["post_id"]).to_numpy(object))
    out["in_archive"] = out.index.isin(originals.index)
    authors = originals["author_handle"].astype(object).reindex(out.index) if len(originals) else \
        pd.Series([None] * len(out), index=out.index, dtype=object)
    rt_prefix = re.compile(r"^RT @(\w{1,50}):")

    def from_text(texts: pd.Series) -> Any:
        for value in texts:
            match = rt_prefix.match(value) if isinstance(value, str) else None
            if match:
                return match.group(1)
        return None

    fallback = g["text"].agg(from_text).reindex(out.index)
    out["author"] = authors.where(authors.notna(), fallback)
    out = out.rename_axis("post_id").reset_index()
    out = out.sort_values(["retweets", "first", "post_id"], ascending=[False, True, True], kind="stable")
    return out.reset_index(drop=True)[columns]
