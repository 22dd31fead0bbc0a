"""Ingest throughput and peak memory for synthetic X API v2 pages (twarc2 output).

Generates 10K and 100K posts with :mod:`swchat.sample`, then imports each file into a fresh
archive in a child process and prints posts per second, the child's peak resident memory and
that of the reader process the import starts for a big file on a machine with two or more CPUs
(see :mod:`swchat.archive`; part of it is memory shared with the importing process, so the two
overstate the sum). Memory must not grow with the input: readers stream and the archive writes
in batches.

Usage::

    python benchmarks/bench_ingest.py [--sizes 10000 100000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

CHILD = """
import json, resource, sys, time
from swchat import Archive
path, db = sys.argv[1], sys.argv[2]
start = time.perf_counter()
with Archive(db) as archive:
    result = archive.ingest([path])
elapsed = time.perf_counter() - start
peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
worker_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"seconds": elapsed, "peak_kib": peak_kib, "worker_kib": worker_kib, **result.total}))
"""


MAKE = """
import sys
from swchat.sample import generate, write_v2_pages
write_v2_pages(generate(seed=1, posts=int(sys.argv[1])), sys.argv[2])
"""


def make_input(posts: int, folder: Path) -> Path:
    """Write ``posts`` synthetic posts as v2 pages (in a child process, so that the memory the
    generator uses is not counted in the import's peak: Linux keeps ``ru_maxrss`` across exec)."""
    path = folder / f"v2-{posts}.jsonl"
    if not path.exists():
        subprocess.run([sys.executable, "-c", MAKE, str(posts), str(path)], check=True)
    return path


def bench_args(description: str) -> tuple[list[int], Path]:
    """The benchmarks' command line: ``--sizes`` (posts) and ``--keep DIR`` (else a temp folder)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--keep", type=Path, help="keep the generated files in this folder")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="swchat-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    return args.sizes, folder


def main() -> None:
    sizes, folder = bench_args(__doc__.splitlines()[0])
    print(f"{'posts':>9} {'file MB':>8} {'read':>9} {'seconds':>8} {'posts/s':>9} {'peak MB':>8} {'reader MB':>9}")
    for size in sizes:
        path = make_input(size, folder)
        db = folder / f"bench-{size}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(str(db) + suffix).unlink(missing_ok=True)
        out = subprocess.run([sys.executable, "-c", CHILD, str(path), str(db)],
                             check=True, capture_output=True, text=True).stdout
        r = json.loads(out)
        rate = r["read"] / r["seconds"]
        print(f"{size:>9,} {path.stat().st_size / 1e6:>8.1f} {r['read']:>9,} {r['seconds']:>8.2f} "
              f"{rate:>9,.0f} {r['peak_kib'] / 1024:>8.1f} {r['worker_kib'] / 1024:>9.1f}")


if __name__ == "__main__":
    main()
