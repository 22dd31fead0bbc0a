"""A second CPU for the slow half of a job: work done in a forked process while this one goes on.

Importing a big file (:mod:`swchat.archive`: parsing beside writing) and writing a report
(:mod:`swchat.report.summary`: drawing the network picture beside the other sections) each split
into two halves that need no data from each other (:class:`Background`); bringing the session
tables up to date (:mod:`swchat.session_store`) is one computation over many stretches of posts,
which this process and a child share, each taking the next stretch not yet taken (:class:`Offload`). On Linux with
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
from collections.abc import Callable, Sequence
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


def _share(function: Callable[[Any], Any], values: Sequence[Any], counter: Any, pipe: Any, mine: Any) -> None:
    """The child of :class:`Offload`: takes the next value not yet taken (from ``counter``, shared
    with the parent) until none is left, and sends back ``(index, True, result)``, or
    ``(index, False, reason)`` when ``function`` raised. A thread of its own sends the answers,
    so that the next value is worked on while the parent is busy and not yet reading."""
    import queue
    import threading

    mine.close()  # the parent's end: closed here, so that the parent ending ends the pipe
    parent = os.getppid()
    outbox: queue.SimpleQueue[Any] = queue.SimpleQueue()
    gone = threading.Event()  # nobody reads the answers any more

    def send() -> None:
        while (answer := outbox.get()) is not None:
            try:
                pipe.send(answer)
            except (OSError, ValueError):  # the parent has gone, or closed the pipe: nothing more to send
                gone.set()
                return
            except Exception:  # a result that cannot be pickled: the parent does the value itself
                try:
                    pipe.send((answer[0], False, "the result could not be sent back"))
                except Exception:
                    gone.set()
                    return

    sender = threading.Thread(target=send, name="swchat-answers", daemon=True)
    sender.start()
    # a parent killed outright leaves the counter as it was: stop rather than work for nobody
    while not gone.is_set() and os.getppid() == parent and (i := _take(counter, len(values))) is not None:
        try:
            answer: tuple[int, bool, Any] = (i, True, function(values[i]))
        except Exception as exc:  # the parent does this value again itself, and sees the error there
            answer = (i, False, f"{type(exc).__name__}: {exc}")
        outbox.put(answer)
        del answer
    outbox.put(None)
    sender.join()


def _take(counter: Any, n: int) -> int | None:
    """The next index of ``n`` not yet taken by either process (``None`` when all are)."""
    with counter.get_lock():
        i = counter.value
        if i >= n:
            return None
        counter.value = i + 1
        return int(i)


class Offload:
    """A list of values worked through by this process and a forked child together: each takes
    the next value not yet taken, and ``function`` of the child's values comes back as answers
    (when :func:`fork_available`; else there is no child, and this process takes every value).

    The caller takes values with :meth:`take` and works on each itself, and collects the child's
    answers with :meth:`answers`. An answer is ``(index, result)``, or ``(index, None)`` when the
    child could not do it (it raised, or it died): the caller then does that value itself, so
    that errors surface as they would without a child, and nothing is lost. ``function`` must
    not use what this process holds open as it is (a database connection: the child opens its
    own, see :meth:`swchat.database.Database.read_apart`); it runs in the child on the values
    given here, which the child inherits (only indices and results go through the pipe).

    Examples
    --------
    >>> words = ["one", "three", "eleven", "twelve"]
    >>> with Offload(len, words) as helper:
    ...     done = {}
    ...     while (i := helper.take()) is not None:
    ...         done[i] = len(words[i])
    ...         done.update(helper.answers())
    ...     done.update(helper.answers(wait=True))
    >>> [done[i] for i in range(len(words))]
    [3, 5, 6, 6]
    """

    def __init__(self, function: Callable[[Any], Any], values: Sequence[Any]) -> None:
        self._process: Any = None
        self._pipe: Any = None
        self._n = len(values)
        self._mine: set[int] = set()  # indices this process took
        self._answered: set[int] = set()  # indices the child answered
        self._counter: Any = None
        self._next = 0  # the next value this process takes when there is no child
        self._stopped: int | None = None  # how many values were taken when the child was stopped
        if self._n > 1 and fork_available():  # (one value: no child, nor multiprocessing imported)
            context = _fork_context()
            self._counter = context.Value("l", 0)
            self._pipe, work = context.Pipe(duplex=False)
            self._process = _forked(_share, (function, values, self._counter, work, self._pipe), "swchat-offload")
            work.close()

    def take(self) -> int | None:
        """The index of the next value for this process to work on (``None`` when every value
        has been taken, by this process or the child)."""
        if self._process is None:  # no child, or no more: the values after those taken, in turn
            i = self._next if self._next < self._n else None
            self._next += i is not None
        else:
            i = _take(self._counter, self._n)
        if i is not None:
            self._mine.add(i)
        return i

    def _theirs(self) -> set[int]:
        """Indices the child took and has not answered."""
        if self._counter is None:
            return set()
        taken = self._stopped if self._stopped is not None else min(self._counter.value, self._n)
        return set(range(taken)) - self._mine - self._answered

    def answers(self, *, wait: bool = False) -> list[tuple[int, Any]]:
        """The child's answers received so far (with ``wait``: all of them, once every value is
        taken; call it after :meth:`take` returned ``None``)."""
        found: list[tuple[int, Any]] = []
        while self._process is not None:
            if wait and not self._theirs() and self._counter.value >= self._n:
                break
            try:
                if not wait and not self._pipe.poll():
                    break
                i, ok, result = self._pipe.recv()
            except (EOFError, OSError):  # the child died: what it had is done here
                self.close()
                break
            self._answered.add(i)
            found.append((i, result if ok else None))
        if self._process is None:  # no child (any more): what it took and did not answer is done here
            found += [(i, None) for i in sorted(self._theirs())]
            self._answered.update(i for i, _ in found)
        return found

    def close(self) -> None:
        """Stop the child (it is done with what it had, or abandoned): it takes no more values."""
        if self._process is None:
            return
        with self._counter.get_lock():
            self._stopped = min(self._counter.value, self._n)
            self._counter.value = self._n  # nothing more for the child to take
        self._next = self._stopped  # this process takes what is left
        self._pipe.close()
        self._process.join(1)
        if self._process.is_alive():  # it still works on a value nobody will collect
            self._process.terminate()
            self._process.join()
        self._process = None
        _ended()

    def __enter__(self) -> Offload:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
