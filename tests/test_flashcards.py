"""Flashcards: FSRS intervals by the forgetting-curve formula, a forgotten card back in the same
session, the exam-date rule, atomic cards, Leitner files migrated, Anki export of the same cards."""

import json
import shutil
import sqlite3
import zipfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from svcworkbook.content import load_unit
from svcworkbook.learning import flashcards, progress, scheduling

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
OLD_FILE = Path(__file__).parent / "fixtures" / "progress" / "leitner_v1.json"


def next_interval_days(stability: float, retention: float, decay_parameter: float) -> int:
    """FSRS: days until R falls to the retention: S / F x (r ^ (1 / -d) - 1), F = 0.9^(-1/d) - 1."""
    decay = -decay_parameter
    factor = 0.9 ** (1 / decay) - 1
    return max(1, round(stability / factor * (retention ** (1 / decay) - 1)))


def recall(stability: float, days: float, decay_parameter: float) -> float:
    """FSRS forgetting curve: R = (1 + F x t / S) ^ -d."""
    decay = -decay_parameter
    factor = 0.9 ** (1 / decay) - 1
    return (1 + factor * days / stability) ** decay


def test_a_reviewed_card_is_due_when_recall_falls_to_the_retention():
    state = scheduling.new_state(NOW)
    state = scheduling.review(state, "good", NOW)  # first learning step
    state = scheduling.review(state, "good", NOW + timedelta(minutes=10))  # graduates
    later = NOW + timedelta(days=3)
    reviewed = scheduling.review(state, "good", later, retention=0.9)
    w20 = scheduling.scheduler().parameters[20]
    days = next_interval_days(reviewed.card.stability, 0.9, w20)
    assert reviewed.due == later + timedelta(days=days)
    assert recall(reviewed.card.stability, reviewed.card.stability, w20) == pytest.approx(0.9)
    at_85 = scheduling.review(state, "good", later, retention=0.85)
    assert at_85.due > reviewed.due  # a lower retention waits longer
    assert (reviewed.reviews, reviewed.lapses) == (3, 0)
    assert scheduling.review(reviewed, "again", reviewed.due).lapses == 1


def test_a_forgotten_card_comes_back_in_the_same_session(tmp_path):
    deck = flashcards.flashcards(2, learner="ann", home=tmp_path, now=NOW)
    first = deck.current
    deck.answer("again", at=NOW)
    shown = [first.id]
    while deck.current is not None and deck.current.id != first.id:
        shown.append(deck.current.id)
        deck.answer("easy", at=NOW + timedelta(minutes=len(shown)))
    assert deck.current is not None and deck.current.id == first.id  # back again
    assert len(shown) == len(deck.cards)  # after the other cards due today
    state = flashcards.saved_states("ann", tmp_path)[first.id]
    assert state.lapses == 1 and state.due < NOW + timedelta(hours=1)


def test_a_known_card_is_not_shown_again_today_and_the_review_is_saved(tmp_path):
    deck = flashcards.flashcards(4, learner="ben", home=tmp_path, now=NOW)
    card = deck.current
    deck.answer("easy", at=NOW)
    assert card.id not in deck.queue[deck.position :]
    again = flashcards.flashcards(4, learner="ben", home=tmp_path, now=NOW + timedelta(hours=1))
    assert card.id not in again.queue
    assert flashcards.saved_states("ben", tmp_path)[card.id].due > NOW + timedelta(days=1)


@settings(max_examples=60, deadline=None)
@given(
    ratings=st.lists(st.sampled_from(list(scheduling.RATINGS)), min_size=1, max_size=8),
    gaps=st.lists(st.integers(min_value=0, max_value=40), min_size=8, max_size=8),
    exam_in=st.integers(min_value=2, max_value=120),
    retention=st.sampled_from([0.8, 0.9, 0.95]),
)
def test_before_the_exam_every_card_is_due_again_or_recalled_on_the_day(
    ratings, gaps, exam_in, retention
):
    exam = (NOW + timedelta(days=exam_in)).date()
    exam_day = datetime(exam.year, exam.month, exam.day, tzinfo=UTC)
    w20 = scheduling.scheduler(retention).parameters[20]
    state, when = scheduling.new_state(NOW), NOW
    for rating, gap in zip(ratings, gaps, strict=False):
        when = max(when + timedelta(days=gap), state.due)
        if when >= exam_day:
            break
        state = scheduling.review(state, rating, when, exam=exam, retention=retention)
        if state.due > exam_day:
            days = (exam_day - state.card.last_review).days
            assert recall(state.card.stability, days, w20) >= retention - 1e-9


def test_the_exam_rule_brings_a_late_review_forward():
    sched = scheduling.scheduler(0.9)
    card = scheduling.from_leitner({"box": 5, "due": "2026-03-20", "reviews": 5, "lapses": 0}).card
    card.due = datetime(2026, 4, 30, tzinfo=UTC)  # far beyond R = 0.9 (S is 16 days)
    moved = scheduling.aim_at_exam(card, date(2026, 4, 1), NOW, sched)
    assert moved.due == datetime(2026, 3, 31, tzinfo=UTC)
    kept = scheduling.aim_at_exam(card, date(2026, 5, 20), NOW, sched)
    assert kept.due == card.due  # due before the exam: left alone


def test_cards_are_atomic_with_the_rest_behind_more():
    for number in range(1, 6):
        unit = load_unit(number)
        for card in flashcards.unit_cards(unit):
            assert 40 <= len(card.back) <= flashcards.BACK_LIMIT, card.id
            assert card.back.endswith((".", "\u2026")), card.id
        concept = unit.concepts[0]
        card = flashcards.concept_card(unit, concept)
        whole = " ".join(concept.explanation.split())
        assert whole.startswith(card.back)  # the back is the explanation's opening sentences
        assert "In practice:" in card.more


def test_split_back_keeps_whole_sentences():
    text = "First idea here. " * 30
    back, more = flashcards.split_back(text, 50)
    assert back == "First idea here. First idea here. First idea here."
    assert more.startswith("First idea here.") and len(back) <= 50
    long_one, rest = flashcards.split_back("word " * 100, 30)
    assert long_one.endswith("\u2026") and len(long_one) <= 30 and rest


def test_an_old_leitner_progress_file_is_migrated_not_lost(tmp_path):
    old = json.loads(OLD_FILE.read_text())
    folder = tmp_path / "sam"
    folder.mkdir()
    shutil.copy(OLD_FILE, folder / "progress.json")
    states = flashcards.saved_states("sam", tmp_path)
    assert set(states) == set(old["cards"])
    c1 = states["U1.C1"]  # box 5, due 25 Nov: 16 days after its last review
    assert c1.due == datetime(2026, 11, 25, tzinfo=UTC)
    assert c1.card.stability == 16 and c1.card.last_review == datetime(2026, 11, 9, tzinfo=UTC)
    assert (c1.reviews, c1.lapses) == (4, 0)
    assert states["U1.C4"].lapses == 2 and states["U1.C4"].card.stability == 1
    assert flashcards.migrate_leitner("sam", tmp_path) == 3  # the file now holds FSRS states
    saved = json.loads((folder / "progress.json").read_text())
    assert saved["answers"] == old["answers"]  # quiz answers untouched
    assert saved["cards"]["U1.C1"]["leitner"] == old["cards"]["U1.C1"]  # the old state kept
    assert flashcards.migrate_leitner("sam", tmp_path) == 0
    deck = flashcards.flashcards(
        1, learner="sam", home=tmp_path, now=datetime(2026, 11, 12, tzinfo=UTC)
    )
    assert "U1.C4" in deck.queue and "U1.C1" not in deck.queue  # due dates carried over


def test_opening_the_flashcards_migrates_an_old_file(tmp_path):
    (tmp_path / "sam").mkdir()
    shutil.copy(OLD_FILE, tmp_path / "sam" / "progress.json")
    flashcards.flashcards(1, learner="sam", home=tmp_path, now=NOW)
    saved = json.loads((tmp_path / "sam" / "progress.json").read_text())
    assert all("fsrs" in state and "leitner" in state for state in saved["cards"].values())


def test_anki_export_carries_the_same_cards(tmp_path):
    unit = load_unit(2)
    path = flashcards.export_anki(2, tmp_path / "u2.apkg")
    with zipfile.ZipFile(path) as deck:
        deck.extract("collection.anki2", tmp_path)
    rows = sqlite3.connect(tmp_path / "collection.anki2").execute("select flds from notes")
    notes = {fields.split("\x1f")[2]: fields.split("\x1f") for (fields,) in rows}
    cards = flashcards.unit_cards(unit)
    assert sorted(notes) == sorted(c.id for c in cards)
    for card in cards:
        front, back, _, more = notes[card.id]
        assert front == flashcards._html_text(card.front)
        assert back == flashcards._html_text(card.back)
        assert more == flashcards._html_text(card.more)
    again = flashcards.export_anki(2, tmp_path / "again.apkg")
    assert again.exists()  # stable ids: re-exporting updates the same deck in Anki
    assert flashcards.stable_id("Unit 2") == flashcards.stable_id("Unit 2")


def test_without_a_front_end_the_cards_are_readable_text(tmp_path):
    deck = flashcards.flashcards(1, learner="cy", home=tmp_path, now=NOW, exam="2026-06-14")
    text = str(deck)
    assert "exam on 14 June 2026, aiming at 90% recall" in text
    bundle = deck._repr_mimebundle_()
    assert "svc-flashcards-text" in bundle["text/html"]
    with pytest.raises(ValueError, match="yyyy-mm-dd"):
        flashcards.flashcards(1, learner="cy", home=tmp_path, exam="14/06/2026")
    with pytest.raises(ValueError, match="retention"):
        flashcards.flashcards(1, learner="cy", home=tmp_path, retention=1.5)
    assert progress.load_progress("cy", tmp_path).cards == {}


@pytest.mark.parametrize("unit", range(1, 6))
def test_each_notebook_describes_the_scheduler_in_use(unit):
    """The notebook's flashcards text names FSRS's four ratings and the default retention, not
    the Leitner boxes the cards were scheduled by before."""
    import nbformat

    from svcworkbook.learning import scheduling
    from svcworkbook.teaching import runner

    nb = nbformat.read(runner.resolve_notebook(unit), as_version=4)
    (text,) = [c.source for c in nb.cells if c.source.startswith("### Flashcards")]
    assert "Leitner" not in text
    assert all(f"*{rating}*" in text for rating in ("Again", "Hard", "Good", "Easy"))
    assert f"{scheduling.DEFAULT_RETENTION:.0%} or more" in text
    assert f"flashcards.flashcards({unit}, exam=" in text
