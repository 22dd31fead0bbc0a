"""A second CPU for the slow half of a job: work done in a forked process while this one goes on.

Importing a big file (:mod:`swchat.archive`: parsing beside writing) and writing a report
(:mod:`swchat.report.summary`: drawing the network picture beside the other sections) each split
into two halves that need no data from each other. On Linux with two or more CPUs the second half
runs in a forked child, which inherits everything already computed; elsewhere, or in a process
that has other threads (forking those can deadlock the child) or is itself a daemon, it runs
in this process, with the same result.

Examples
--------
>>> import tempfile, pathlib
>>> out = pathlib.Path(tempfile.mkdtemp()) / "done.txt"
>>> job = Background(out.write_text, "hello")
>>> job.wait(), out.read_text()
(True, 'hello')
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any

__all__ = ["Background", "fork_available"]


def fork_available() -> bool:
    """Whether a forked child can do work beside this process: Linux, two or more CPUs, no other
    threads in this process, and not a daemonic process."""
    if not sys.platform.startswith("linux"):
        return False
    import multiprocessing
    import threading

    if threading.active_count() > 1 or multiprocessing.current_process().daemon:
        return False  # forking a threaded process can deadlock the child; daemons cannot fork
    return len(os.sched_getaffinity(0)) >= 2


class Background:
    """Call ``function(*args)`` in a forked child when :func:`fork_available`, else right away.

    The function's effects must be in files (the child's memory is its own): it is meant for
    writing an output while this process computes something else. :meth:`wait` says whether it
    succeeded, so that the caller can do it again in this process if it did not.
    """

    #: Children started and not yet waited for, in this process.
    _running = 0

    def __init__(self, function: Callable[..., Any], *args: Any) -> None:
        self._process: Any = None
        self._ok = True
        if fork_available():
            import gc
            import multiprocessing

            # what exists now is left out of garbage collection while a child runs (Python's
            # advice for fork, see gc.freeze): a full collection would walk the whole heap in
            # both processes — a tenth of a second with pandas and matplotlib loaded — and
            # its writes would copy every page the two share
            gc.freeze()
            Background._running += 1
            context = multiprocessing.get_context("fork")
            self._process = context.Process(target=function, args=args, name="swchat-background", daemon=True)
            self._process.start()
        else:
            try:
                function(*args)
            except Exception:
                self._ok = False

    def wait(self) -> bool:
        """Wait for the work to end; whether it succeeded."""
        if self._process is not None:
            self._process.join()
            self._ok = self._process.exitcode == 0
            self._process = None
            Background._running -= 1
            if not Background._running:  # collected as usual again (e.g. in a notebook)
                import gc

                gc.unfreeze()
        return self._ok
