"""Betweenness, geodesics and PageRank of participant networks: swchat's against NetworkX's.

For each size, the X API v2 pages of :func:`swchat.sample.generate` (``seed=1``, one weekly
session per 2,000 posts: by default one session of 2,000 posts and a 100-session archive of
200,000 posts) are written, read back with :func:`swchat.readers.read`, made a frame with
:func:`swchat.schema.posts_frame` and turned into the participant network with
:func:`swchat.network.build_network` (all edge types, no communities), whose undirected
projection (:func:`swchat.network.undirected`) is pickled — in a child process. Then each
measurement runs in a child process of its own on that same graph:

- ``betweenness``: :func:`swchat.network.betweenness` (Brandes' algorithm for many sources at
  once as sparse matrix products) against ``networkx.betweenness_centrality(U, k=k, seed=42,
  normalized=False)``, with the same rule: exact up to
  :data:`~swchat.network.BETWEENNESS_EXACT_MAX` nodes, else ``k`` =
  :data:`~swchat.network.BETWEENNESS_SAMPLES` sampled sources;
- ``geodesics``: :func:`swchat.network.geodesics` (diameter and mean geodesic distance of the
  largest component, breadth-first search for many sources at once) against
  ``networkx.single_source_shortest_path_length`` from the same sources: every node of the
  largest component up to :data:`~swchat.network.GEODESIC_EXACT_MAX`, else the same
  :data:`~swchat.network.GEODESIC_SAMPLES` seeded sources;
- ``pagerank``: :func:`swchat.network.metrics.pagerank` (NumPy) against :func:`networkx.pagerank`
  on the directed network: the **first call** in a fresh process where NetworkX and swchat's
  network modules are loaded — what the report's drawing process pays to size the dots (it needs
  nothing else of SciPy, which NetworkX's PageRank imports on its first call) —, then the time
  of a warm call beside it. The analyses keep NetworkX's own PageRank (their process imports
  SciPy for betweenness anyway).

Each line gives the best time of up to three calls (fewer when a call takes over 10 s; NumPy,
SciPy and NetworkX are imported before timing: importing ``scipy.sparse`` once is printed on
its own line, and :func:`networkx.pagerank`, which every account table runs, imports it
anyway), the peak resident memory the calls added to the loaded graph (Linux: the high-water
mark is reset through ``/proc/self/clear_refs`` after loading), NetworkX's time over swchat's,
and whether both gave the same values (largest relative difference).

Usage::

    python benchmarks/bench_network.py [--sizes 2000 200000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

BUILD = """
import json, pickle, resource, sys, time
from pathlib import Path
from swchat.network import build_network, undirected
from swchat.readers import Post, read
from swchat.sample import generate, write_v2_pages
from swchat.schema import posts_frame
posts, sessions, folder = int(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])
pages = folder / f"v2-{posts}-{sessions}.jsonl"
if not pages.exists():
    write_v2_pages(generate(seed=1, sessions=sessions, posts=posts), pages)
rows = [{**item.row, "is_context": item.context} for item in read(pages) if isinstance(item, Post)]
start = time.perf_counter()
G = build_network(posts_frame(rows), community=None)
seconds = time.perf_counter() - start
with open(folder / f"network-{posts}.pickle", "wb") as out:
    pickle.dump(undirected(G), out)
with open(folder / f"network-{posts}-directed.pickle", "wb") as out:
    pickle.dump(G, out)
own = {(r["platform"], r["post_id"]) for r in rows if not r["is_context"]}
print(json.dumps({"rows": len(rows), "own": len(own),
                  "nodes": G.number_of_nodes(), "edges": G.number_of_edges(), "seconds": seconds}))
"""

MEASURE = """
import json, pickle, random, sys, time
import networkx as nx
import numpy
from swchat import network as nw

def status(key):
    for line in open("/proc/self/status"):
        if line.startswith(key + ":"):
            return int(line.split()[1])  # kB

path, algorithm, implementation = sys.argv[1], sys.argv[2], sys.argv[3]
with open(path, "rb") as f:
    U = pickle.load(f)
start = time.perf_counter()
import scipy.sparse
import_seconds = time.perf_counter() - start
seed = nw.DEFAULT_SEED
n = U.number_of_nodes()

def largest_sources():
    largest = max(nx.connected_components(U), key=lambda c: (len(c), sorted(map(str, c))[:1]))
    nodes = sorted(largest, key=str)
    if len(nodes) <= nw.GEODESIC_EXACT_MAX:
        return nodes, True
    return [nodes[i] for i in sorted(random.Random(seed).sample(range(len(nodes)), nw.GEODESIC_SAMPLES))], False

def networkx_geodesics():
    sources, exact = largest_sources()
    total = pairs = diameter = 0
    for s in sources:
        lengths = nx.single_source_shortest_path_length(U, s)
        total += sum(lengths.values())
        pairs += len(lengths) - 1
        diameter = max(diameter, max(lengths.values()))
    return diameter, total / pairs, exact

k = None if n <= nw.BETWEENNESS_EXACT_MAX else nw.BETWEENNESS_SAMPLES
run = {
    ("betweenness", "swchat"): lambda: nw.betweenness(U, seed=seed),
    ("betweenness", "networkx"): lambda: nx.betweenness_centrality(U, k=k, seed=seed, normalized=False),
    ("geodesics", "swchat"): lambda: nw.geodesics(U, seed=seed),
    ("geodesics", "networkx"): networkx_geodesics,
}[(algorithm, implementation)]
open("/proc/self/clear_refs", "w").write("5")  # reset the peak resident memory to the current
base = status("VmRSS")
times = []
while len(times) < 3 and sum(times) < 10:
    start = time.perf_counter()
    result = run()
    times.append(time.perf_counter() - start)
if algorithm == "betweenness":
    mode = "exact" if k is None else f"k={k}"
    result = [result[v] for v in U]
else:
    mode = "exact" if result[2] else f"{nw.GEODESIC_SAMPLES} sources"
    result = list(result[:2])
print(json.dumps({"seconds": min(times), "calls": len(times), "added_kib": status("VmHWM") - base,
                  "import_seconds": import_seconds, "mode": mode, "result": result}))
"""


#: PageRank in a fresh process where NetworkX and swchat's network modules are loaded, as in the
#: report's drawing process (forked from the one that built the network): the first call's time
#: includes what it imports then (NetworkX's PageRank: SciPy), the second is a warm call
RANK = """
import json, pickle, sys, time
import networkx as nx
from swchat.network.metrics import pagerank
with open(sys.argv[1], "rb") as f:
    G = pickle.load(f)
if sys.argv[2] == "swchat":
    rank = lambda: pagerank(G, weight="weight")
else:
    rank = lambda: {n: float(v) for n, v in nx.pagerank(G, weight="weight").items()}
start = time.perf_counter()
values = rank()
cold = time.perf_counter() - start
start = time.perf_counter()
rank()
warm = time.perf_counter() - start
print(json.dumps({"seconds": cold, "calls": 1, "added_kib": None, "mode": "first call", "warm": warm,
                  "result": [values[n] for n in sorted(values, key=str)]}))
"""


def child(code: str, *args: object) -> dict:
    out = subprocess.run([sys.executable, "-c", code, *map(str, args)], check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out)


def difference(a: list[float], b: list[float]) -> float:
    """The largest relative difference between two lists of numbers."""
    return max((abs(x - y) / max(abs(x), abs(y), 1e-12) for x, y in zip(a, b, strict=True)), default=0.0)


def side_by_side(head: str, algorithm: str, ours: dict, theirs: dict) -> None:
    """Print swchat's measure and NetworkX's, with NetworkX's time over swchat's and how far apart
    their values are."""
    same = difference(ours["result"], theirs["result"])
    for name, r in (("swchat", ours), ("networkx", theirs)):
        ratio = f"{theirs['seconds'] / ours['seconds']:>8.1f}x" if name == "swchat" else f"{'':>9}"
        check = f"max rel. diff {same:.1e}" if name == "swchat" else ""
        added = f"{r['added_kib'] / 1024:>8.1f}" if r["added_kib"] is not None else f"{'-':>8}"
        warm = f" (warm call {r['warm']:.3f} s)" if "warm" in r else ""
        print(f"{head}  {algorithm:<11} {r['mode']:<13} {name:<14} {r['seconds']:>8.3f} {r['calls']:>5} "
              f"{added} {ratio}  {check}{warm}")
        sys.stdout.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2_000, 200_000],
                        help="posts per archive (one weekly session per 2,000 posts)")
    parser.add_argument("--keep", type=Path, help="keep the generated files in this folder")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="swchat-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    print(f"{'posts':>9} {'sessions':>8} {'accounts':>8} {'edges':>8}  {'algorithm':<11} {'mode':<13} "
          f"{'implementation':<14} {'seconds':>8} {'calls':>5} {'added MB':>8} {'nx/swchat':>9}  same values")
    for size in args.sizes:
        sessions = max(1, size // 2000)
        graph = child(BUILD, size, sessions, folder)
        path = folder / f"network-{size}.pickle"
        head = f"{size:>9,} {sessions:>8} {graph['nodes']:>8,} {graph['edges']:>8,}"
        imports = None
        for algorithm in ("betweenness", "geodesics"):
            ours = child(MEASURE, path, algorithm, "swchat")
            imports = imports or ours["import_seconds"]
            side_by_side(head, algorithm, ours, child(MEASURE, path, algorithm, "networkx"))
        directed = folder / f"network-{size}-directed.pickle"
        side_by_side(head, "pagerank", child(RANK, directed, "swchat"), child(RANK, directed, "networkx"))
        print(f"{head}  (graph built from {graph['own']:,} posts in {graph['seconds']:.1f} s; "
              f"importing scipy.sparse took {imports:.2f} s)")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
