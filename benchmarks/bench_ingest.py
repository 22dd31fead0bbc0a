"""Ingest throughput, peak memory and startup for synthetic X API v2 pages (twarc2 output), side by side.

Generates 20K and 200K posts with :mod:`swchat.sample` (like the sample chats), then measures on
the very same files, each in a child process of its own:

- **floor**: orjson parsing every line and counting the tweets of its ``data``, nothing else
  (the best of three runs);
- **swchat**: ``swchat.Archive(...).ingest([file])`` into a fresh archive — the import (worker
  processes parse while this one writes, on Linux with two or more CPUs: one, or two taking the
  file's stretches in turn for a file of 16 MB or more; see :mod:`swchat.archive`) and then the session tables brought up to date, timed apart;
- **SQLite's inserts alone**: what that import wrote (posts, hashtags, raw records, accounts, …)
  read into memory and inserted into a fresh archive, timed alone (the best of three): the least
  the archive's one writer takes for that file, whatever reads it — the aims' bound below the
  floor's;
- **swchat, TAGS**, **rtweet** and **Twitter Archiver**: the same posts written as a TAGS sheet
  (:func:`swchat.sample.write_tags_csv`), an rtweet CSV (:func:`~swchat.sample.write_rtweet_csv`)
  and a Twitter Archiver sheet (:func:`~swchat.sample.write_archiver_sheet`), imported (formats
  ``tags-csv``, ``x-rtweet-csv``, ``x-archiver-sheet``: the CSV paths, in stretches for a file of
  16 MB or more);
- **twarc2 csv** (when twarc-csv is installed and works: ``twarc2 csv`` of the file, which only
  converts it to CSV — no archive, no sessions), and then swchat importing the CSV it wrote
  (format ``twarc-csv``: the CSV path on the same posts, in stretches for a file of 16 MB or
  more). twarc-csv 0.7 fails under pandas 3 (it calls ``DataFrame.applymap``), so give it a
  virtual environment of its own::

      python -m venv /tmp/twenv && /tmp/twenv/bin/pip install "twarc-csv>=0.7" "pandas<3"
      python benchmarks/bench_ingest.py --twarc2 /tmp/twenv/bin/twarc2


- **Mastodon** and **Bluesky**: the same chat held on each (:func:`swchat.sample.on_one_platform`),
  one status / feed item a line, imported (a Mastodon file of 16 MB or more in stretches, the
  whole file's ids learnt first by the importing process and a child; Bluesky by one worker), each against its own floor
  (orjson parsing every line) — no aim of issue 14, which is about X, but the figures users of
  the other platforms get;

with each one's peak resident memory (for swchat, the importing process, after the import and
at the end, when the session tables have loaded pandas; the reader processes' is shown apart,
the largest of them, taken right after the import: later children — the one that derives session
tables beside this process, the one that copies a big import's write-ahead log into the file —
count the pages they inherit, and Linux counts a started process with the size of the one that
starts it, so their peaks would show this process's size). Then **startup**: ``swchat
ingest`` of a 2-post file against ``python -c "import swchat.cli"`` (best of five each, with the
bytecode cached as for an installed package). Each import's notes give the CPU time it took, in the
importing process and in the child processes it waited for (the readers), and the least time that
much CPU takes on this machine's CPUs: within 3× the floor needs it below that. Last,
each aim of issue 14 with ``yes`` or ``NO``.

Usage::

    python benchmarks/bench_ingest.py [--sizes 20000 200000] [--keep DIR] [--no-twarc] [--twarc2 PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

#: Runs one measured command in a child of its own and prints its wall time and peak memory
#: (``ru_maxrss`` of the children: a fresh process per measure, so no other run is counted).
MEASURE = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
subprocess.run(sys.argv[1:], check=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
               stderr=subprocess.DEVNULL)
elapsed = time.perf_counter() - start
print(json.dumps({"seconds": elapsed, "peak_kib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
"""

FLOOR = """
import json, resource, sys, time
import orjson
start = time.perf_counter()
tweets = 0
with open(sys.argv[1], "rb") as f:
    for line in f:
        data = orjson.loads(line).get("data")
        tweets += len(data) if isinstance(data, list) else data is not None
elapsed = time.perf_counter() - start
print(json.dumps({"seconds": elapsed, "read": tweets,
                  "peak_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""

SWCHAT = """
import json, resource, sys, time
start = time.perf_counter()
from swchat import Archive
from swchat.archive import Archive as Store
path, db = sys.argv[1], sys.argv[2]
with Archive(db) as archive:
    result = Store.ingest(archive, [path])  # the import alone
    imported = time.perf_counter()
    import_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    own, readers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    sessions = archive.refresh_sessions()  # what swchat.Archive.ingest does next
end = time.perf_counter()
print(json.dumps({"seconds": end - start, "import": imported - start, "sessions": end - imported,
                  "import_kib": import_kib, "import_cpu": own.ru_utime + own.ru_stime,
                  "import_cpu_children": readers.ru_utime + readers.ru_stime,
                  "peak_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  # the readers' peak: taken after the import, before the session tables fork a
                  # child of this process's size (a child's peak counts the pages it inherits)
                  "readers_kib": readers.ru_maxrss, **result.total}))
"""

MAKE = """
import sys
from swchat.sample import generate, write_v2_pages
write_v2_pages(generate(seed=1, posts=int(sys.argv[1])), sys.argv[2])
"""

#: What the import wrote (the rows of its tables, read into memory first) inserted into a fresh
#: archive, timed alone: SQLite's share of any import that stores what this archive stores. The
#: archive has one writer, so no import of the file can take less (accounts go in once each here,
#: where the import updates them at every new snapshot: this is a lower bound).
REPLAY = """
import json, sqlite3, sys, time
from swchat import Archive
source, target = sys.argv[1], sys.argv[2]
Archive(target).close()  # an empty archive: the schema and indexes an import writes into
tables = ("sources", "raw_blocks", "posts", "post_hashtags", "accounts", "rejected", "changes", "tag_counts")
with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as read:
    rows = {table: read.execute(f"SELECT * FROM {table}").fetchall() for table in tables}
db = sqlite3.connect(target, isolation_level=None)
db.execute("PRAGMA synchronous=NORMAL")
db.execute("PRAGMA foreign_keys=ON")
start = time.perf_counter()
db.execute("BEGIN IMMEDIATE")
for table in tables:
    if rows[table]:
        db.executemany(f"INSERT INTO {table} VALUES ({', '.join('?' * len(rows[table][0]))})", rows[table])
db.execute("COMMIT")
print(json.dumps({"seconds": time.perf_counter() - start, "posts": len(rows["posts"])}))
"""

TWO = """
import sys, orjson
with open(sys.argv[1], "rb") as f:
    page = orjson.loads(f.readline())
page["data"] = page["data"][:2]
with open(sys.argv[2], "wb") as f:
    f.write(orjson.dumps(page) + b"\\n")
"""


#: the floor of a file of one record a line (a Mastodon status, a Bluesky feed item)
FLOOR_LINES = """
import json, resource, sys, time
import orjson
start = time.perf_counter()
records = 0
with open(sys.argv[1], "rb") as f:
    for line in f:
        orjson.loads(line)
        records += 1
elapsed = time.perf_counter() - start
print(json.dumps({"seconds": elapsed, "read": records,
                  "peak_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""

MAKE_PLATFORMS = """
import sys
from swchat.sample import generate, on_one_platform, write_bluesky_jsonl, write_mastodon_jsonl
chat = generate(seed=1, posts=int(sys.argv[1]))
write_mastodon_jsonl(on_one_platform(chat, "mastodon"), sys.argv[2])
write_bluesky_jsonl(on_one_platform(chat, "bluesky"), sys.argv[3])
"""


def make_platforms(posts: int, folder: Path) -> dict[str, Path]:
    """The same posts as :func:`make_input`'s as Mastodon statuses and as Bluesky feed items, one
    a line, written in a child process."""
    paths = {"Mastodon": folder / f"mastodon-{posts}.jsonl", "Bluesky": folder / f"bluesky-{posts}.jsonl"}
    if not all(path.exists() for path in paths.values()):
        subprocess.run([sys.executable, "-c", MAKE_PLATFORMS, str(posts), *map(str, paths.values())], check=True)
    return paths


MAKE_SHEETS = """
import sys
from swchat.sample import generate, write_archiver_sheet, write_rtweet_csv, write_tags_csv
chat = generate(seed=1, posts=int(sys.argv[1]))
write_tags_csv(chat, sys.argv[2])
write_rtweet_csv(chat, sys.argv[3])
write_archiver_sheet(chat, sys.argv[4])
"""


#: what each sheet of :func:`make_sheets` is
SHEETS = {"TAGS": "a TAGS sheet", "rtweet": "an rtweet CSV", "Archiver": "a Twitter Archiver sheet"}


def make_sheets(posts: int, folder: Path) -> dict[str, Path]:
    """The same posts as :func:`make_input`'s as a TAGS sheet, an rtweet CSV and a Twitter
    Archiver sheet, written in a child process."""
    paths = {"TAGS": folder / f"tags-{posts}.csv", "rtweet": folder / f"rtweet-{posts}.csv",
             "Archiver": folder / f"archiver-{posts}.csv"}
    if not all(path.exists() for path in paths.values()):
        subprocess.run([sys.executable, "-c", MAKE_SHEETS, str(posts), *map(str, paths.values())], check=True)
    return paths


def make_input(posts: int, folder: Path) -> Path:
    """Write ``posts`` synthetic posts as v2 pages (in a child process, so that the memory the
    generator uses is not counted in the import's peak: Linux keeps ``ru_maxrss`` across exec)."""
    path = folder / f"v2-{posts}.jsonl"
    if not path.exists():
        subprocess.run([sys.executable, "-c", MAKE, str(posts), str(path)], check=True)
    return path


def bench_args(description: str) -> argparse.Namespace:
    """The command line: ``--sizes`` (posts), ``--keep DIR`` (else a temp folder), ``--no-twarc``."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--sizes", type=int, nargs="+", default=[20_000, 200_000])
    parser.add_argument("--keep", type=Path, help="keep the generated files in this folder")
    parser.add_argument("--no-twarc", action="store_true", help="leave twarc2 csv out")
    parser.add_argument("--twarc2", help="the twarc2 command to measure (twarc-csv 0.7 needs pandas < 3: "
                                         "it may live in a virtual environment of its own)")
    args = parser.parse_args()
    args.keep = args.keep or Path(tempfile.mkdtemp(prefix="swchat-bench-"))
    args.keep.mkdir(parents=True, exist_ok=True)
    return args


def _child(code: str, *args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> dict:
    out = subprocess.run([sys.executable, "-c", code, *args], check=True, capture_output=True, text=True,
                         env=env, cwd=cwd).stdout
    return json.loads(out.strip().splitlines()[-1])


def _fresh(db: Path) -> Path:
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    return db


def _twarc2(given: str | None, folder: Path) -> str | None:
    """The ``twarc2`` command, if its ``csv`` works here (twarc-csv 0.7 fails with pandas 3)."""
    found = given or shutil.which("twarc2", path=str(Path(sys.executable).parent)) or shutil.which("twarc2")
    if found is None:
        return None
    probe = folder / "twarc-probe.jsonl"
    subprocess.run([sys.executable, "-c", TWO, str(make_input(20_000, folder)), str(probe)], check=True)
    out = folder / "twarc-probe.csv"
    done = subprocess.run([found, "csv", str(probe), str(out)], capture_output=True, stdin=subprocess.DEVNULL,
                          env=_TWARC_ENV, cwd=folder)  # twarc2 writes twarc.log where it runs
    works = done.returncode == 0 and out.exists() and out.stat().st_size > 0
    out.unlink(missing_ok=True)
    return found if works else None


#: twarc2 asks for API keys on its first run, even for ``csv``, which needs none: give it a dummy
_TWARC_ENV = {**os.environ, "BEARER_TOKEN": "not-needed-for-csv"}


#: Startup is timed as an installed package starts: with its bytecode cached (Python writes it on
#: the first run unless PYTHONDONTWRITEBYTECODE is set, as it is in some sandboxes and CI images)
_CACHED_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _best(command: list[str], runs: int = 5, setup: Path | None = None) -> float:
    """The best of ``runs`` wall times of ``command`` (the first run also caches the bytecode)."""
    best = float("inf")
    for _ in range(runs):
        if setup is not None:
            _fresh(setup)
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=_CACHED_ENV)
        best = min(best, time.perf_counter() - start)
    return best


def _cpu(run: dict, cpus: int | None) -> str:
    """The CPU time an import took, in this process and in its readers (worker processes), and
    the least time it could take on this machine's CPUs: what a floor of 3× must fit."""
    own, readers = run["import_cpu"], run["import_cpu_children"]
    return (f"CPU {own:.2f} s here + {readers:.2f} s in children = {own + readers:.2f} s: "
            f"at least {(own + readers) / (cpus or 1):.2f} s on {cpus} CPUs")


def _yes(ok: bool) -> str:
    return "yes" if ok else "NO"


def main() -> None:
    args = bench_args(__doc__.splitlines()[0])
    folder: Path = args.keep
    twarc2 = None if args.no_twarc else _twarc2(args.twarc2, folder)
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"machine: {platform.machine()} {platform.processor() or ''} {cpus} CPUs, Python "
          f"{platform.python_version()}, {platform.system()}; load average {os.getloadavg()[0]:.1f}")
    if twarc2 is None:
        print("twarc2 csv: not installed or not working (pip install -e .[bench], or --twarc2 PATH) — left out")
    print(f"{'posts':>8} {'what':<22} {'seconds':>8} {'posts/s':>9} {'× floor':>8} {'peak MB':>8}  notes")
    figures: dict[int, dict[str, dict]] = {}
    for size in args.sizes:
        path = make_input(size, folder)
        runs: dict[str, dict] = {}
        # the floor is short, so one slow moment of this shared machine moves it much: best of three
        runs["floor"] = min((_child(FLOOR, str(path)) for _ in range(3)), key=lambda run: run["seconds"])
        runs["swchat"] = _child(SWCHAT, str(path), str(_fresh(folder / f"bench-{size}.db")))
        # the best of three, as the floor: the least SQLite's inserts take
        runs["inserts"] = min((_child(REPLAY, str(folder / f"bench-{size}.db"), str(_fresh(folder / "replay.db")))
                               for _ in range(3)), key=lambda run: run["seconds"])
        if twarc2 is not None:
            out = folder / f"twarc-{size}.csv"
            runs["twarc2 csv"] = _child(MEASURE, twarc2, "csv", str(path), str(out), env=_TWARC_ENV, cwd=folder)
            # the CSV it wrote, imported (format twarc-csv): the CSV path's speed on the same posts
            runs["swchat csv"] = _child(SWCHAT, str(out), str(_fresh(folder / f"bench-csv-{size}.db")))
            out.unlink(missing_ok=True)
        sheets = make_sheets(size, folder)  # hosts' usual exports: the CSV paths, read in stretches when big
        for name, sheet in sheets.items():
            runs[f"swchat {name}"] = _child(SWCHAT, str(sheet), str(_fresh(folder / f"bench-{name}-{size}.db")))
        others = make_platforms(size, folder)
        for name, other in others.items():
            runs[f"floor {name}"] = min((_child(FLOOR_LINES, str(other)) for _ in range(3)),
                                        key=lambda run: run["seconds"])
            runs[f"swchat {name}"] = _child(SWCHAT, str(other), str(_fresh(folder / f"bench-{name}-{size}.db")))
        figures[size] = runs
        floor = runs["floor"]["seconds"]
        posts = runs["floor"]["read"]
        sw = runs["swchat"]
        lines = [  # what, the run, notes, and its floor when not the X floor
            ("floor (orjson, count)", runs["floor"], ""),
            ("swchat import", {"seconds": sw["import"], "peak_kib": sw["import_kib"]},
             f"readers' peak {sw['readers_kib'] / 1024:.0f} MB; read {sw['read']:,}, added {sw['added']:,}; "
             f"{_cpu(sw, cpus)}"),
            ("swchat import+sessions", sw, f"session tables {sw['sessions']:.2f} s"),
            ("SQLite's inserts alone", runs["inserts"],
             f"what the import wrote ({runs['inserts']['posts']:,} posts with their hashtags, raw records, accounts), "
             "inserted from memory into a fresh archive: the least its one writer can take"),
        ]
        if "twarc2 csv" in runs:
            lines.append(("twarc2 csv", runs["twarc2 csv"], ""))
            csv_run = runs["swchat csv"]
            lines.append(("swchat import, its CSV", {"seconds": csv_run["import"], "peak_kib": csv_run["import_kib"]},
                          f"twarc-csv format; read {csv_run['read']:,}, added {csv_run['added']:,}; "
                          f"+ session tables {csv_run['sessions']:.2f} s; {_cpu(csv_run, cpus)}"))
        for name, sheet in sheets.items():
            run = runs[f"swchat {name}"]
            lines.append((f"swchat import, {name}", {"seconds": run["import"], "peak_kib": run["import_kib"]},
                          f"the same chat as {SHEETS[name]} ({sheet.stat().st_size / 1e6:.0f} MB); read "
                          f"{run['read']:,}, added {run['added']:,}; + session tables {run['sessions']:.2f} s; "
                          f"{_cpu(run, cpus)}"))
        for name, other in others.items():
            own, run = runs[f"floor {name}"], runs[f"swchat {name}"]
            lines.append((f"floor, {name}", own, f"{other.stat().st_size / 1e6:.0f} MB, one record a line",
                          own["seconds"]))
            lines.append((f"swchat import, {name}", {"seconds": run["import"], "peak_kib": run["import_kib"]},
                          f"× its own floor; read {run['read']:,}, added {run['added']:,}; "
                          f"+ session tables {run['sessions']:.2f} s; {_cpu(run, cpus)}", own["seconds"]))
        for what, r, notes, *own_floor in lines:
            peak = f"{r['peak_kib'] / 1024:>8.1f}" if "peak_kib" in r else f"{'':>8}"
            print(f"{size:>8,} {what:<22} {r['seconds']:>8.2f} {posts / r['seconds']:>9,.0f} "
                  f"{r['seconds'] / (own_floor or [floor])[0]:>7.1f}× {peak}  {notes}")

    two = folder / "two.jsonl"
    subprocess.run([sys.executable, "-c", TWO, str(make_input(args.sizes[0], folder)), str(two)], check=True)
    swchat_cli = [sys.executable, "-m", "swchat"]
    db = folder / "two.db"
    ingest = _best([*swchat_cli, "ingest", str(two), "--archive", str(db)], setup=db)
    bare = _best([sys.executable, "-c", "import swchat.cli"])
    print(f"startup: swchat ingest of a 2-post file {ingest:.3f} s; python -c 'import swchat.cli' {bare:.3f} s "
          f"({ingest / bare:.1f}×)")

    print("aims (issue 14):")
    small, big = min(figures), max(figures)
    for size, runs in sorted(figures.items()):
        floor = runs["floor"]["seconds"]
        sw = runs["swchat"]
        print(f"  {_yes(sw['import'] <= 3 * floor)}: {size:,} posts, swchat import within 3× the floor "
              f"({sw['import'] / floor:.1f}×; SQLite's inserts alone {runs['inserts']['seconds'] / floor:.1f}×)")
        print(f"  {_yes(sw['seconds'] <= 3 * floor)}: {size:,} posts, swchat import + session tables within 3× "
              f"the floor ({sw['seconds'] / floor:.1f}×)")
    if 20_000 in figures and "twarc2 csv" in figures[20_000]:
        runs = figures[20_000]
        ratio = runs["twarc2 csv"]["seconds"] / runs["swchat"]["seconds"]
        budget = runs["twarc2 csv"]["seconds"] / 20
        print(f"  {_yes(ratio >= 20)}: 20,000 posts, swchat (import + sessions) at least 20× faster than "
              f"twarc2 csv ({ratio:.1f}×; import alone "
              f"{runs['twarc2 csv']['seconds'] / runs['swchat']['import']:.1f}×; a twentieth of twarc2 csv is "
              f"{budget:.3f} s, SQLite's inserts alone take {runs['inserts']['seconds']:.3f} s)")
    if small != big:
        for what, key in (("import", "import_kib"), ("import + session tables", "peak_kib")):
            grow = figures[big]["swchat"][key] / figures[small]["swchat"][key]
            print(f"  {_yes(grow <= 1.5)}: peak memory of the {what} at {big:,} no more than 1.5× that at "
                  f"{small:,} ({grow:.2f}×)")
    print(f"  {_yes(ingest <= 1.5 * bare)}: swchat ingest of a 2-post file within 1.5× of import swchat.cli "
          f"({ingest / bare:.1f}×)")


if __name__ == "__main__":
    main()
