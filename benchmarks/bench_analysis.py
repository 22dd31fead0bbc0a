"""Time and peak memory of the analysis commands on archives of a chat's age: 100 and 400 sessions.

A weekly chat that has run for two years has 100 sessions, one that has run for eight years 400.
For each archive size, synthetic X API v2 pages of :func:`swchat.sample.generate` (``seed=1``,
about 2,000 posts a session) are written and imported into a fresh archive (``swchat ingest``,
which also derives the session tables) — all but the latest session, which is then imported as
a host imports each week's export (``ingest the latest session``, into a fresh copy of the
archive for each run); then each command runs as a user runs it, in a process of
its own, and the table gives its wall time (median of ``--repeat`` runs) and that process's peak
resident memory (``os.wait4``):

- the **floor**: ``python -c "import pandas, networkx, matplotlib"`` — what any analysis pays,
  run in turn with each command (floor, command, floor, command…), so that a machine getting
  busier or quieter during the benchmark does not tilt the ratio;
- ``sessions --hashtag``, ``questions --session``, ``threads --session``, ``report --session``
  (HTML, with its figures) of the latest session, ``community --hashtag``,
  ``network --hashtag -o all.gexf`` (every post of the archive, read in slices) and
  ``export --hashtag`` (every table of every post, as Parquet, read in slices too); the commands
  over every post run at most three times.

Commands run with Python's bytecode cache, as an installed package runs (the libraries of the
floor have theirs): a ``PYTHONDONTWRITEBYTECODE`` in the environment is not passed on to them.

Aims (issue "Analyses that scale"): sessions, questions and threads within 1.5× the floor;
report and community within 3× it; the report, and the import of the latest session, on 400
sessions within 1.3× their time on 100 (the
cost of one session does not grow with the age of the chat; judged on the times measured against
the floor run beside them, as the other aims are, since this machine's speed drifts by a third in
the minutes between the two archives' runs; the ratio of plain seconds is printed too); the
network of all 200,000 posts under 500 MB (at 400 sessions its memory is printed: the posts are
read in slices, so what grows is the graph itself, with four times the accounts and edges); the
export of every post under 500 MB at both sizes (what grows is the accounts table, not the posts).
pandas 3 loads Arrow in every process when pyarrow (for Parquet) is installed: that memory counts
for every command and for the floor alike; the floor's memory is printed at the top. The last
column says how each command stands against its aim.

Usage::

    python benchmarks/bench_analysis.py [--sessions 100 400] [--posts-per-session 2000] [--repeat 3] [--keep DIR]
        [--reuse] [--only network report …]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HASHTAG = "SWChat"

#: the chat as two files of X API v2 pages: every post before its latest session (argv[3]), and
#: that session with what follows it (argv[4]: the week a host imports into the archive)
MAKE = """
import dataclasses, sys
from swchat.sample import generate, write_v2_pages
chat = generate(seed=1, sessions=int(sys.argv[1]), posts=int(sys.argv[2]))
latest = min(p["ms"] for p in chat.posts if p["session"] == int(sys.argv[1]) - 1)
write_v2_pages(dataclasses.replace(chat, posts=[p for p in chat.posts if p["ms"] < latest]), sys.argv[3])
write_v2_pages(dataclasses.replace(chat, posts=[p for p in chat.posts if p["ms"] >= latest]), sys.argv[4])
"""

FLOOR = [sys.executable, "-c", "import pandas, networkx, matplotlib"]


def swchat(*args: str) -> list[str]:
    """The ``swchat`` command line, run with this Python."""
    return [sys.executable, "-m", "swchat", *args]


#: The commands' environment: bytecode cached, as for an installed package.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def run(command: list[str]) -> tuple[float, float, str]:
    """Run a command; its wall time (s), its own peak resident memory (MB) and its stdout."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=ENV)
    out = proc.stdout.read() if proc.stdout else b""
    _pid, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(command)}")
    return seconds, usage.ru_maxrss / 1024, out.decode()


def timed(command: list[str], repeat: int) -> tuple[float, float]:
    """Median wall time and largest peak memory over ``repeat`` runs."""
    runs = [run(command) for _ in range(repeat)]
    return statistics.median(r[0] for r in runs), max(r[1] for r in runs)


def timed_with_floor(command: list[str], repeat: int) -> tuple[float, float, float]:
    """Median wall time and largest peak memory of ``repeat`` runs, and the median time of the
    floor run in turn with them."""
    floors, runs = [], []
    for _ in range(repeat):
        floors.append(run(FLOOR)[0])
        runs.append(run(command))
    return statistics.median(r[0] for r in runs), max(r[1] for r in runs), statistics.median(floors)


def make_archive(sessions: int, per_session: int, folder: Path,
                 reuse: bool = False) -> tuple[Path, Path, float | None, float | None]:
    """Generate one chat and import all of it but its latest session (the week that follows it):
    that archive's path, the week's pages, and the import's time and peak memory (``None`` when
    an archive kept by an earlier run is reused)."""
    posts = sessions * per_session
    pages = folder / f"v2-{sessions}-sessions-before-the-latest.jsonl"
    week = folder / f"v2-{sessions}-sessions-the-latest.jsonl"
    base = folder / f"analysis-{sessions}-before-the-latest.db"
    if reuse and base.exists() and week.exists():
        return base, week, None, None
    if not (pages.exists() and week.exists()):
        subprocess.run([sys.executable, "-c", MAKE, str(sessions), str(posts), str(pages), str(week)], check=True)
    _remove(base)
    seconds, peak, _ = run(swchat("ingest", str(pages), "--archive", str(base)))
    return base, week, seconds, peak


def _remove(db: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)


def _flushed(path: Path) -> None:
    """Write a fresh copy to disk before the timing starts: else the import's first checkpoint
    (which syncs the archive file) would pay for writing the whole copy, more the bigger it is."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def weekly_ingest(base: Path, week: Path, db: Path, repeat: int) -> tuple[float, float, float]:
    """``swchat ingest`` of the latest session into a copy of the archive before it (a fresh copy
    for each run, made outside the timing), as :func:`timed_with_floor` measures; ``db`` is left
    holding the whole chat."""
    floors, runs = [], []
    for _ in range(repeat):
        _remove(db)
        for suffix in ("", "-wal"):
            if Path(str(base) + suffix).exists():
                shutil.copyfile(str(base) + suffix, str(db) + suffix)
                _flushed(Path(str(db) + suffix))
        floors.append(run(FLOOR)[0])
        runs.append(run(swchat("ingest", str(week), "--archive", str(db))))
    return statistics.median(r[0] for r in runs), max(r[1] for r in runs), statistics.median(floors)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, nargs="+", default=[100, 400])
    parser.add_argument("--posts-per-session", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="keep the generated files and archives in this folder")
    parser.add_argument("--only", nargs="+", metavar="COMMAND",
                        help="time only these commands (e.g. network report), besides the floor")
    parser.add_argument("--reuse", action="store_true",
                        help="with --keep: use the archives an earlier run kept instead of importing again")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="swchat-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    floor, floor_mb = timed(FLOOR, args.repeat)
    print(f"floor: import pandas + networkx + matplotlib {floor:.2f} s, {floor_mb:.0f} MB")
    print(f"{'sessions':>8} {'posts':>9} {'command':<28} {'seconds':>8} {'floor':>6} {'× floor':>8} {'peak MB':>8}  aim")
    report_times: dict[int, tuple[float, float]] = {}  # seconds, and seconds / floor
    week_times: dict[int, tuple[float, float]] = {}
    for sessions in args.sessions:
        base, week, imported, imported_peak = make_archive(sessions, args.posts_per_session, folder, args.reuse)
        db = folder / f"analysis-{sessions}.db"
        if imported is not None and imported_peak is not None:
            before = json.loads(run(swchat("stats", "--json", "--archive", str(base)))[2])["posts"]
            print(f"{sessions - 1:>8} {before:>9,} {'ingest (with session tables)':<28} {imported:>8.2f} {'':>6} "
                  f"{'':>8} {imported_peak:>8.0f}  {before / imported:,.0f} posts/s")
        # the week a host imports: the latest session into the archive of all the sessions before it
        seconds, peak, floor = weekly_ingest(base, week, db, args.repeat)
        stats = json.loads(run(swchat("stats", "--json", "--archive", str(db)))[2])
        listed = json.loads(run(swchat("sessions", "--hashtag", HASHTAG, "--json", "--archive", str(db)))[2])
        latest = listed[-1]
        head = f"{sessions:>8} {stats['posts']:>9,}"
        week_times[sessions] = (seconds, seconds / floor)
        added = stats["posts"] - json.loads(run(swchat("stats", "--json", "--archive", str(base)))[2])["posts"]
        print(f"{head} {'ingest the latest session':<28} {seconds:>8.2f} {floor:>6.2f} {seconds / floor:>8.2f} "
              f"{peak:>8.0f}  {added:,} posts")
        commands = [
            ("sessions --hashtag", ["sessions", "--hashtag", HASHTAG], 1.5, None),
            ("questions --session", ["questions", "--session", latest["id"]], 1.5, None),
            ("threads --session", ["threads", "--session", latest["id"]], 1.5, None),
            ("report --session", ["report", "--session", latest["id"], "-o", str(folder / "report.html")], 3.0, None),
            ("community --hashtag", ["community", "--hashtag", HASHTAG], 3.0, None),
            ("network --hashtag -o .gexf", ["network", "--hashtag", HASHTAG, "-o", str(folder / "all.gexf")],
             None, 500),
            ("export --hashtag (parquet)", ["export", "--hashtag", HASHTAG, "-o", str(folder / "export")], None, 500),
        ]
        if args.only:
            commands = [c for c in commands if c[0].split()[0] in args.only]
        for name, command, times, megabytes in commands:
            # the commands over every post take tens of seconds: three runs are enough for them
            repeat = min(args.repeat, 3) if name.startswith(("network", "export")) else args.repeat
            seconds, peak, floor = timed_with_floor(swchat(*command, "--archive", str(db)), repeat)
            if name == "report --session":
                report_times[sessions] = (seconds, seconds / floor)
            ratio = seconds / floor
            aims = []
            if times is not None:
                aims.append(f"≤ {times:g}× floor: {'yes' if ratio <= times else 'NO'}")
            if megabytes is not None and (stats["posts"] <= 250_000 or name.startswith("export")):
                aims.append(f"< {megabytes} MB: {'yes' if peak < megabytes else 'NO'}")
            elif megabytes is not None:  # the aim is for 200,000 posts; a bigger network is a bigger graph
                aims.append("(the aim is for 200,000 posts)")
            label = name + (f" ({latest['posts']:,} posts)" if "--session" in name and name.startswith("report")
                            else "")
            print(f"{head} {label:<28} {seconds:>8.2f} {floor:>6.2f} {ratio:>8.2f} {peak:>8.0f}  {'; '.join(aims)}")
            sys.stdout.flush()
    for what, times in (("report", report_times), ("ingest of the latest session", week_times)):
        if len(times) >= 2:
            small, large = min(times), max(times)
            raw = times[large][0] / times[small][0]
            ratio = times[large][1] / times[small][1]
            print(f"{what} on {large} sessions / on {small} sessions: {ratio:.2f} measured against the floor, "
                  f"{raw:.2f} in seconds (aim ≤ 1.3: {'yes' if ratio <= 1.3 else 'NO'})")


if __name__ == "__main__":
    main()
