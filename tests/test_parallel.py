"""Work in a forked child beside this process (:mod:`swchat.parallel`)."""

from __future__ import annotations

import gc
import time

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


def _refuse(x):
    raise ValueError("not here")


@pytest.mark.skipif(not fork_available(), reason="needs Linux, two CPUs and no other threads")
def test_offload_answers_each_value_with_its_key():
    with Offload(_slow_square) as helper:
        assert helper.free
        helper.give("a", (3, 0.2))
        assert not helper.free and helper.answers() == []  # not done yet
        with pytest.raises(RuntimeError):
            helper.give("b", (4, 0))
        assert helper.answers(wait=True) == [("a", 9)]
        assert helper.free and helper.answers() == []
        helper.give("b", (4, 0))
        assert helper.answers(wait=True) == [("b", 16)]
    assert not helper.free  # closed
    assert gc.get_freeze_count() == 0


@pytest.mark.skipif(not fork_available(), reason="needs Linux, two CPUs and no other threads")
def test_offload_answers_none_when_the_child_fails_or_dies():
    with Offload(_refuse) as helper:
        helper.give(1, 5)
        assert helper.answers(wait=True) == [(1, None)]  # the caller does it itself, and sees the error
        assert helper.free  # the child goes on
    with Offload(_slow_square) as helper:
        helper.give(2, (2, 30))
        helper._process.kill()
        assert helper.answers(wait=True) == [(2, None)]
        assert not helper.free  # no child any more: the caller does the rest


def test_offload_without_fork_is_never_free(monkeypatch):
    import swchat.parallel

    monkeypatch.setattr(swchat.parallel, "fork_available", lambda: False)
    with Offload(_slow_square) as helper:
        assert not helper.free and helper.answers(wait=True) == []
