"""Saved state: atomic writes, two writers at once, corrupt files set aside."""

import json
import multiprocessing

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
