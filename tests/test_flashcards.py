"""Flashcards: Leitner scheduling worked by hand, saved boxes, Anki export."""

import sqlite3
import zipfile
from datetime import date, timedelta

from svcworkbook.content import load_unit
from svcworkbook.learning import flashcards

TODAY = date(2026, 3, 2)


def test_leitner_boxes_by_hand():
    state = flashcards.new_card(TODAY)
    assert (state.box, state.due) == (1, TODAY)
    state = flashcards.review(state, True, TODAY)  # box 2, back in 2 days
    assert (state.box, state.due) == (2, TODAY + timedelta(days=2))
    state = flashcards.review(state, True, TODAY)  # box 3, 4 days
    assert (state.box, state.due) == (3, TODAY + timedelta(days=4))
    state = flashcards.review(state, False, TODAY)  # didn't know: back to box 1, tomorrow
    assert (state.box, state.due, state.lapses, state.reviews) == (1, TODAY + timedelta(1), 1, 3)
    for _ in range(6):
        state = flashcards.review(state, True, TODAY)
    assert (state.box, state.due) == (5, TODAY + timedelta(days=16))  # never beyond box 5


def test_weak_cards_come_first_and_unseen_cards_are_due():
    states = {
        "a": flashcards.CardState(3, TODAY),
        "b": flashcards.CardState(1, TODAY),
        "c": flashcards.CardState(2, TODAY + timedelta(days=1)),
    }
    assert flashcards.due_cards(["a", "b", "c", "d"], states, TODAY) == ["b", "d", "a"]


def test_a_deck_saves_each_review(tmp_path):
    deck = flashcards.flashcards(4, learner="ben", home=tmp_path, today=TODAY)
    card = deck.current
    deck.answer(True)
    again = flashcards.flashcards(4, learner="ben", home=tmp_path, today=TODAY)
    assert flashcards.saved_states("ben", tmp_path)[card.id].box == 2
    assert again.current.id != card.id  # not due again today


def test_anki_export_has_one_note_per_concept_and_marking_point(tmp_path):
    unit = load_unit(2)
    path = flashcards.export_anki(2, tmp_path / "u2.apkg")
    with zipfile.ZipFile(path) as deck:
        deck.extract("collection.anki2", tmp_path)
    notes = sqlite3.connect(tmp_path / "collection.anki2").execute("select count(*) from notes")
    assert notes.fetchone()[0] == len(unit.concepts) + len(unit.marking_points)
    again = flashcards.export_anki(2, tmp_path / "again.apkg")
    assert again.exists()  # stable ids: re-exporting updates the same deck in Anki
    assert flashcards.stable_id("Unit 2") == flashcards.stable_id("Unit 2")
