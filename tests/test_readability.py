"""The teaching text reads at Flesch-Kincaid grade 10 or below (a Level 3 learner reads it easily).

Measured with textstat (Flesch-Kincaid grade = 0.39 x words per sentence + 11.8 x syllables per
word - 15.59) over every concept explanation and misconception correction; the median must be 10
or below (issue 17: it was 13.3 before the rewrite). The facts the rewrite had to keep are
pinned by tests/test_law_facts.py, tests/test_content_figures.py and tests/test_units.py."""

from __future__ import annotations

import statistics

import pytest
import textstat

from svcworkbook import content

MAX_MEDIAN_GRADE = 10


def _teaching_texts() -> dict[str, str]:
    """Each concept explanation and misconception correction, by id."""
    texts = {}
    for unit in content.all_units():
        texts |= {c.id: c.explanation for c in unit.concepts}
        texts |= {m.id: m.correction for m in unit.misconceptions}
    return texts


def test_textstat_agrees_with_the_formula_by_hand():
    """Two sentences, 13 words, 17 syllables (cus-tom-er, a-gent, to-day; the rest one each)."""
    text = "The cat sat on the mat. The agent rang the customer back today."
    words, syllables, sentences = 13, 17, 2
    assert textstat.lexicon_count(text) == words
    assert textstat.syllable_count(text) == syllables
    assert textstat.sentence_count(text) == sentences
    by_hand = 0.39 * words / sentences + 11.8 * syllables / words - 15.59
    assert textstat.flesch_kincaid_grade(text) == pytest.approx(by_hand, abs=0.01)


def test_concepts_and_corrections_read_at_grade_10_or_below():
    grades = {key: textstat.flesch_kincaid_grade(text) for key, text in _teaching_texts().items()}
    assert len(grades) == 48  # 25 concepts and 23 misconceptions
    median = statistics.median(grades.values())
    hardest = sorted(grades.items(), key=lambda kv: -kv[1])[:5]
    assert median <= MAX_MEDIAN_GRADE, f"median grade {median:.1f}; hardest: {hardest}"
