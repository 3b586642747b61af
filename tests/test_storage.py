"""Saved state: atomic writes, several writing processes at once, corrupt files set aside."""

import json
import multiprocessing
import time

import pytest

from svcworkbook.learning import progress, storage


def _answer_many(home, learner, start):
    for i in range(start, start + 20):
        progress.record_answer(1, f"U1.Q{i}", 0, True, learner=learner, home=home)


def test_two_writers_at_once_lose_nothing(tmp_path):
    context = multiprocessing.get_context("spawn")
    writers = [context.Process(target=_answer_many, args=(tmp_path, "sam", s)) for s in (0, 100)]
    for w in writers:
        w.start()
    for w in writers:
        w.join(60)
        assert w.exitcode == 0
    answers = progress.load_progress("sam", tmp_path).answers_frame()
    assert len(answers) == 40
    assert set(answers["question"]) == {f"U1.Q{i}" for i in [*range(20), *range(100, 120)]}


def test_a_corrupt_file_is_set_aside_with_a_message_never_replaced_silently(tmp_path):
    path = progress.progress_path("kim", tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text("{ this is not json")
    with pytest.warns(storage.CorruptStateWarning, match="not valid JSON"):
        progress.record_answer(1, "U1.Q1", 0, True, learner="kim", home=tmp_path)
    kept = list(path.parent.glob("progress.corrupt-*.json"))
    assert len(kept) == 1 and kept[0].read_text() == "{ this is not json"
    assert len(json.loads(path.read_text())["answers"]) == 1


def test_writes_are_atomic_no_temporary_files_left(tmp_path):
    target = tmp_path / "state.json"
    storage.write_json_atomic(target, {"a": 1})
    storage.write_json_atomic(target, {"a": 2})
    assert json.loads(target.read_text()) == {"a": 2}
    assert [p.name for p in tmp_path.iterdir() if p.name != "state.json.lock"] == ["state.json"]


def _count_up(path, times):
    """Add one to the counter in path, `times` times, each a separate locked read-modify-write."""
    for _ in range(times):
        storage.update_json(path, lambda data: {"n": data["n"] + 1}, lambda: {"n": 0})


def _spawn_all(target, arg_lists):
    """Start one spawned process per argument tuple at once; wait; assert each exited cleanly."""
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=target, args=args) for args in arg_lists]
    for w in workers:
        w.start()
    for w in workers:
        w.join(120)
        assert w.exitcode == 0


def test_several_writers_at_once_lose_nothing(tmp_path):
    _spawn_all(_answer_many, [(tmp_path, "sam", start) for start in (0, 100, 200, 300)])
    answers = progress.load_progress("sam", tmp_path).answers_frame()
    expected = {f"U1.Q{i}" for start in (0, 100, 200, 300) for i in range(start, start + 20)}
    assert len(answers) == 80
    assert set(answers["question"]) == expected


def test_counts_from_several_processes_add_up_exactly(tmp_path):
    """4 processes x 25 read-modify-writes: any lost update would leave the count under 100."""
    target = tmp_path / "counter.json"
    _spawn_all(_count_up, [(target, 25)] * 4)
    assert json.loads(target.read_text()) == {"n": 100}


def _stamp_when_allowed(path, ready):
    """Say it is about to ask for the lock, then write the time at which it got it."""
    ready.set()
    storage.update_json(path, lambda data: {"at": time.time()}, dict)


def test_a_writer_waits_while_another_process_holds_the_lock(tmp_path):
    target = tmp_path / "state.json"
    context = multiprocessing.get_context("spawn")
    ready = context.Event()
    with storage.locked(target):
        writer = context.Process(target=_stamp_when_allowed, args=(target, ready))
        writer.start()
        assert ready.wait(60)
        time.sleep(1.0)  # the writer has asked for the lock; without it, it would write now
        assert not target.exists()
        released = time.time()
    writer.join(60)
    assert writer.exitcode == 0
    assert json.loads(target.read_text())["at"] >= released
