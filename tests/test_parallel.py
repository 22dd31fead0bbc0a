"""Work in a forked child beside this process (:mod:`swchat.parallel`)."""

from __future__ import annotations

import gc
import os
import time
from pathlib import Path

import pytest

from swchat.parallel import Background, Offload, fork_available


def _write_later(path, text, delay=0.2):
    time.sleep(delay)
    path.write_text(text)


def _fail():
    raise RuntimeError("no")


def test_the_work_is_done_and_says_so(tmp_path):
    out = tmp_path / "a.txt"
    job = Background(_write_later, out, "drawn", 0.0)
    assert job.wait() is True
    assert out.read_text() == "drawn"
    assert Background(_fail).wait() is False


@pytest.mark.skipif(not fork_available(), reason="needs Linux, two CPUs and no other threads")
def test_garbage_collection_skips_the_shared_heap_only_while_children_run(tmp_path):
    before = gc.get_freeze_count()
    first = Background(_write_later, tmp_path / "1.txt", "one")
    second = Background(_write_later, tmp_path / "2.txt", "two")
    assert gc.get_freeze_count() > before  # the parent's objects are left alone meanwhile
    assert first.wait()
    assert gc.get_freeze_count() > 0  # the second child still runs
    assert second.wait()
    assert gc.get_freeze_count() == 0  # collected as usual again
    assert (tmp_path / "1.txt").read_text() == "one" and (tmp_path / "2.txt").read_text() == "two"


def test_more_work_is_done_after_the_first(tmp_path):
    first, then = tmp_path / "first.txt", tmp_path / "then.txt"
    job = Background(_write_later, first, "one", 0.1)
    job.call(_write_later, then, "two", 0.0)  # sent before the child is ready for it
    assert job.wait() is True
    assert first.read_text() == "one" and then.read_text() == "two"
    assert not list(tmp_path.glob("swchat-call-*"))


def test_a_failure_anywhere_says_so(tmp_path):
    job = Background(_write_later, tmp_path / "a.txt", "one", 0.0)
    job.call(_fail)
    job.call(_write_later, tmp_path / "b.txt", "two", 0.0)  # not done after a failure
    assert job.wait() is False
    assert not (tmp_path / "b.txt").exists()


def _slow_square(x):
    time.sleep(x[1])
    return x[0] * x[0]


def _work_through(helper, values):
    """What a caller of Offload does: take values and work on them here, collect the child's
    answers, do a value again here when the child could not. Returns (results, done here)."""
    results, here = {}, []
    while True:
        i = helper.take()
        if i is not None:
            results[i] = _slow_square(values[i])
            here.append(i)
        for key, answer in helper.answers(wait=i is None):
            assert key not in results  # every value is worked on once, by one of the two
            results[key] = answer if answer is not None else _slow_square(values[key])
            if answer is None:
                here.append(key)
        if i is None:
            return results, here


@pytest.mark.skipif(not fork_available(), reason="needs Linux, two CPUs and no other threads")
def test_offload_shares_the_values_between_this_process_and_the_child():
    values = [(n, 0.05) for n in range(12)]
    with Offload(_slow_square, values) as helper:
        results, here = _work_through(helper, values)
    assert results == {n: n * n for n in range(12)}
    assert 0 < len(here) < 12  # both worked: each took the next value when it was free
    assert helper.take() is None and helper.answers(wait=True) == []
    assert gc.get_freeze_count() == 0


_PARENT = os.getpid()


def _refuse_in_the_child(x):
    if os.getpid() != _PARENT:
        raise ValueError("not here")
    return _slow_square(x)


@pytest.mark.skipif(not fork_available(), reason="needs Linux, two CPUs and no other threads")
def test_offload_answers_none_when_the_child_fails_or_dies():
    values = [(n, 0.05) for n in range(6)]
    with Offload(_refuse_in_the_child, values) as helper:  # every value fails there: all done here
        results, here = _work_through(helper, values)
    assert results == {n: n * n for n in range(6)} and sorted(here) == list(range(6))

    values = [(n, 0.3) for n in range(6)]
    with Offload(_slow_square, values) as helper:
        first = helper.take()
        helper._process.kill()  # the child dies holding a value: it comes back as None
        results, here = _work_through(helper, values)
        results[first] = values[first][0] ** 2
    assert results == {n: n * n for n in range(6)} and sorted([first, *here]) == list(range(6))


def test_offload_without_fork_gives_every_value_here(monkeypatch):
    import swchat.parallel

    monkeypatch.setattr(swchat.parallel, "fork_available", lambda: False)
    values = [(n, 0) for n in range(4)]
    with Offload(_slow_square, values) as helper:
        assert [helper.take() for _ in range(5)] == [0, 1, 2, 3, None]
        assert helper.answers(wait=True) == []


@pytest.mark.skipif(not fork_available(), reason="needs Linux, two CPUs and no other threads")
def test_the_child_stops_when_its_parent_is_killed_outright(tmp_path):
    """A parent killed with SIGKILL cannot stop its child; the child sees it is gone and takes no more
    values (before, it would have worked through the rest of the list for nobody)."""
    import subprocess
    import sys

    started = tmp_path / "started.txt"
    code = f"""
import os, signal, time
from swchat.parallel import Offload

def slow(value):
    with open({str(started)!r}, "a") as out:
        out.write(f"{{os.getpid()}}\\n")
    time.sleep(0.3)
    return value

with Offload(slow, list(range(40))) as helper:
    helper.take()
    while not os.path.exists({str(started)!r}):
        time.sleep(0.01)
    os.kill(os.getpid(), signal.SIGKILL)
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == -9
    child = int(started.read_text().split()[0])
    for _ in range(300):  # until the child has ended (each value takes 0.3 s: 40 would take 12 s)
        try:  # gone, or a zombie nobody reaps (a container without an init process)
            if Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()[0] in "ZX":
                break
        except (FileNotFoundError, ProcessLookupError):
            break
        time.sleep(0.1)
    else:
        pytest.fail("the child still runs")
    assert len(started.read_text().split()) <= 2  # the value it had, perhaps one more taken meanwhile
