"""A second CPU for the slow half of a job: work done in a forked process while this one goes on.

Importing a big file (:mod:`swchat.archive`: parsing beside writing) and writing a report
(:mod:`swchat.report.summary`: drawing the network picture beside the other sections) each split
into two halves that need no data from each other (:class:`Background`); bringing the session
tables up to date (:mod:`swchat.session_store`) is one computation over many stretches of posts,
which this process and a child share, a stretch each in turn (:class:`Offload`). On Linux with
two or more CPUs the second half runs in a forked child, which inherits everything already
computed; elsewhere, or in a process
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

import contextlib
import os
import sys
from collections.abc import Callable
from typing import Any

__all__ = ["Background", "Offload", "fork_available"]


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


def _serve(function: Callable[..., Any], args: tuple[Any, ...], calls: Any, sending: Any) -> None:
    """The child's work: ``function(*args)``, then each call :meth:`Background.call` sends, in
    order, until the parent says there are no more (``None``)."""
    import pickle

    sending.close()  # the parent's end: closed here, so that the parent ending ends the pipe
    function(*args)
    while (path := calls.recv()) is not None:
        with open(path, "rb") as file:
            then, more = pickle.load(file)
        os.unlink(path)
        then(*more)


#: Children started (by Background or Offload) and not yet waited for, in this process.
_running = 0


def _fork_context() -> Any:
    import multiprocessing

    return multiprocessing.get_context("fork")


def _forked(target: Callable[..., Any], args: tuple[Any, ...], name: str) -> Any:
    """Start ``target(*args)`` in a forked daemonic child; its process.

    What exists now is left out of garbage collection while a child runs (Python's advice for
    fork, see gc.freeze): a full collection would walk the whole heap in both processes — a
    tenth of a second with pandas and matplotlib loaded — and its writes would copy every page
    the two share. :func:`_ended` undoes it once no child runs.
    """
    import gc

    global _running
    gc.freeze()
    _running += 1
    process = _fork_context().Process(target=target, args=args, name=name, daemon=True)
    process.start()
    return process


def _ended() -> None:
    """A child of :func:`_forked` was waited for: once none runs, collect as usual again (e.g. in a notebook)."""
    import gc

    global _running
    _running -= 1
    if not _running:
        gc.unfreeze()


class Background:
    """Call ``function(*args)`` in a forked child when :func:`fork_available`, else right away.

    The function's effects must be in files (the child's memory is its own): it is meant for
    writing an output while this process computes something else. :meth:`call` gives the same
    child more work, done after what it was given before (it can start early, e.g. importing
    what the work needs while this process computes the work's data). :meth:`wait` says
    whether all of it succeeded, so that the caller can do it again in this process if it did not.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> job = Background((folder / "first.txt").write_text, "one")
    >>> job.call((folder / "then.txt").write_text, "two")
    >>> job.wait(), (folder / "first.txt").read_text(), (folder / "then.txt").read_text()
    (True, 'one', 'two')
    """

    def __init__(self, function: Callable[..., Any], *args: Any) -> None:
        self._process: Any = None
        self._calls: Any = None
        self._sent: list[str] = []
        self._ok = True
        if fork_available():
            calls, self._calls = _fork_context().Pipe(duplex=False)
            self._process = _forked(_serve, (function, args, calls, self._calls), "swchat-background")
            calls.close()
        else:
            self._run(function, *args)

    def _run(self, function: Callable[..., Any], *args: Any) -> None:
        """Call ``function(*args)`` here (after a failure, not at all: the caller does it all again)."""
        if not self._ok:
            return
        try:
            function(*args)
        except Exception:
            self._ok = False

    def call(self, function: Callable[..., Any], *args: Any) -> None:
        """Have the child call ``function(*args)`` too, after what it was given before (right away
        when there is no child).

        ``function`` and ``args`` go to the child pickled, through a file (the pipe only carries
        its name, so this never waits for the child to be ready for them): ``function`` must be
        importable by name, as a module's function is.
        """
        if self._process is None:
            self._run(function, *args)
            return
        import pickle
        import tempfile

        descriptor, path = tempfile.mkstemp(prefix="swchat-call-", suffix=".pickle")
        self._sent.append(path)
        try:
            with os.fdopen(descriptor, "wb") as file:
                pickle.dump((function, args), file, protocol=pickle.HIGHEST_PROTOCOL)
            self._calls.send(path)
        except (OSError, pickle.PicklingError, AttributeError, TypeError):
            self._ok = False  # a child that ended early, or work that cannot be sent: done again here

    def wait(self) -> bool:
        """Wait for the work to end; whether it succeeded."""
        if self._process is not None:
            with contextlib.suppress(OSError):  # (when the child has ended already)
                self._calls.send(None)  # no more work
            self._calls.close()
            self._process.join()
            self._ok = self._ok and self._process.exitcode == 0
            self._process = None
            for path in self._sent:  # what a failed child left unread
                if os.path.exists(path):
                    os.unlink(path)
            _ended()
        return self._ok


def _apply(function: Callable[[Any], Any], work: Any, mine: Any) -> None:
    """The child of :class:`Offload`: ``function(value)`` for each value received, sent back as
    ``(True, result)``, or ``(False, reason)`` when it raised; until ``None`` or the pipe closes."""
    mine.close()  # the parent's end: closed here, so that the parent ending ends the pipe
    while True:
        try:
            value = work.recv()
        except (EOFError, OSError):
            return
        if value is None:
            return
        try:
            answer: tuple[bool, Any] = (True, function(value))
        except Exception as exc:  # the parent does this value again itself, and sees the error there
            answer = (False, f"{type(exc).__name__}: {exc}")
        del value
        try:
            work.send(answer)
        except Exception:  # a result that cannot be pickled: the parent does the value itself
            work.send((False, "the result could not be sent back"))


class Offload:
    """``function`` applied in a forked child to values handed to it one at a time, while this
    process goes on with others (when :func:`fork_available`; else there is no child and
    :attr:`free` is always false, so the caller does everything itself).

    The caller hands a value over with :meth:`give` when the child is :attr:`free`, does the
    next values itself meanwhile, and collects the answers with :meth:`answers`. An answer is
    ``(key, result)``, or ``(key, None)`` when the child could not do it (it raised, or it
    died): the caller then does that value itself, so that errors surface as they would without
    a child, and nothing is lost. ``function`` must not touch what this process holds open (a
    database connection): the child works on the values it is given and returns its results.

    Examples
    --------
    >>> with Offload(len) as helper:
    ...     done = {}
    ...     for key, word in enumerate(["one", "three", "eleven"]):
    ...         if helper.free:
    ...             helper.give(key, word)
    ...         else:
    ...             done[key] = len(word)
    ...         done.update(helper.answers())
    ...     done.update(helper.answers(wait=True))
    >>> [done[k] for k in sorted(done)]
    [3, 5, 6]
    """

    def __init__(self, function: Callable[[Any], Any]) -> None:
        self._process: Any = None
        self._pipe: Any = None
        self._key: Any = None
        self._busy = False
        if fork_available():
            self._pipe, work = _fork_context().Pipe()
            self._process = _forked(_apply, (function, work, self._pipe), "swchat-offload")
            work.close()

    @property
    def free(self) -> bool:
        """Whether there is a child, ready for a value."""
        return self._process is not None and not self._busy

    def give(self, key: Any, value: Any) -> None:
        """Hand ``value`` to the child (only when :attr:`free`); its answer comes with ``key``."""
        if not self.free:
            raise RuntimeError("the child is busy, or there is none")
        self._key, self._busy = key, True
        try:
            self._pipe.send(value)
        except Exception:
            self.close()  # the child is gone, or the value cannot be sent: answered with None

    def answers(self, *, wait: bool = False) -> list[tuple[Any, Any]]:
        """The answer of the value the child has, when it is done (with ``wait``, once it is)."""
        if not self._busy:
            return []
        key = self._key
        if self._process is None:  # it failed: the caller does the value itself
            self._busy = False
            return [(key, None)]
        try:
            if not wait and not self._pipe.poll():
                return []
            ok, result = self._pipe.recv()
        except (EOFError, OSError):  # the child died: no more work for it
            self.close()
            return self.answers()
        self._busy = False
        return [(key, result if ok else None)]

    def close(self) -> None:
        """Stop the child (it is done with what it had, or abandoned)."""
        if self._process is None:
            return
        with contextlib.suppress(OSError, ValueError):
            self._pipe.send(None)
        self._pipe.close()
        self._process.join(1 if not self._busy else 0)
        if self._process.is_alive():  # it still works on a value nobody will collect
            self._process.terminate()
            self._process.join()
        self._process = None
        _ended()

    def __enter__(self) -> Offload:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
