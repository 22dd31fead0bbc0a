"""Throughput and peak memory of the analyses on synthetic archives of 10K and 100K posts.

For each size, the X API v2 pages of :func:`swchat.sample.generate` (``seed=1``) are written and
imported into a fresh archive, each in its own child process; then every step runs in a child
process of its own, so its peak resident memory is its own (Linux keeps ``ru_maxrss`` across
exec, so nothing else may run in that process first):

- ``posts``: :meth:`swchat.Archive.posts` for the chat's hashtag (with its hashtag-less
  replies and context posts), as every analysis starts;
- ``sessions``: :func:`swchat.sessions.archive_sessions` for the hashtag (uncached);
- ``threads``: :func:`swchat.threads.thread_table` of the selected posts;
- ``network``: :func:`swchat.network.chat_network` of the selection (all edge types), then
  :func:`swchat.network.graph_metrics` of that graph, timed apart.

Each line gives the step's time and the selection's own posts (context posts not counted) per
second of it — its own time only: loading the posts a step needs is done first and not counted,
though its memory is — what the step made, and the child's peak resident memory.

Usage::

    python benchmarks/bench_analysis.py [--sizes 10000 100000] [--keep DIR]
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_ingest import bench_args, make_input

HASHTAG = "SWChat"

INGEST = """
import sys
from swchat import Archive
with Archive(sys.argv[1]) as archive:
    archive.ingest([sys.argv[2]])
"""

STEP = """
import json, resource, sys, time
import pandas  # imported by every step; not part of any step's time
from swchat import Archive
step, db, hashtag = sys.argv[1], sys.argv[2], sys.argv[3]
out = {}
with Archive(db, create=False) as archive:
    if step == "posts":
        start = time.perf_counter()
        posts = archive.posts(hashtag)
        out["seconds"] = time.perf_counter() - start
        out["made"] = f"{len(posts):,} rows ({int(posts['is_context'].sum()):,} context)"
    elif step == "sessions":
        from swchat.sessions import archive_sessions
        start = time.perf_counter()
        sessions = archive_sessions(archive, hashtag)
        out["seconds"] = time.perf_counter() - start
        out["made"] = f"{len(sessions)} sessions"
    elif step == "threads":
        from swchat.threads import thread_table
        posts = archive.posts(hashtag)
        start = time.perf_counter()
        table = thread_table(posts)
        out["seconds"] = time.perf_counter() - start
        out["made"] = f"{len(table):,} threads"
    else:
        from swchat.network import chat_network, graph_metrics
        chat = archive.select(hashtag)
        posts = chat.posts
        start = time.perf_counter()
        graph = chat_network(chat)
        built = time.perf_counter()
        metrics = graph_metrics(graph)
        out["seconds"] = built - start
        out["metrics_seconds"] = time.perf_counter() - built
        out["made"] = f"{graph.number_of_nodes():,} nodes, {graph.number_of_edges():,} edges"
    if step != "sessions":
        out["posts"] = int((~posts["is_context"]).sum())
out["peak_kib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps(out))
"""

STEPS = ("posts", "sessions", "threads", "network")


def make_archive(path: Path, folder: Path, size: int) -> Path:
    """Import ``path`` into a fresh archive (in a child process) and return the archive."""
    db = folder / f"analysis-{size}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    subprocess.run([sys.executable, "-c", INGEST, str(db), str(path)], check=True)
    return db


def run_step(step: str, db: Path) -> dict:
    out = subprocess.run([sys.executable, "-c", STEP, step, str(db), HASHTAG],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def main() -> None:
    sizes, folder = bench_args(__doc__.splitlines()[0])
    print(f"{'posts':>9} {'step':<14} {'seconds':>8} {'posts/s':>11} {'peak MB':>8}  made")
    for size in sizes:
        db = make_archive(make_input(size, folder), folder, size)
        selected = 0  # the selection's own posts, from the first step: the unit of every rate
        for step in STEPS:
            r = run_step(step, db)
            selected = r.get("posts", selected)
            rows = [(step if step != "network" else "chat_network", r["seconds"], r["made"])]
            if step == "network":
                rows.append(("graph_metrics", r["metrics_seconds"], "the graph table of that network"))
            for name, seconds, made in rows:
                rate = selected / seconds if seconds else float("inf")
                print(f"{size:>9,} {name:<14} {seconds:>8.2f} {rate:>11,.0f} {r['peak_kib'] / 1024:>8.1f}  {made}")
            sys.stdout.flush()


if __name__ == "__main__":
    main()
