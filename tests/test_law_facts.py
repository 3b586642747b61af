"""Each law fact with a number in it, pinned to its statute section or official guidance.

The figures come from the legislation (legislation.gov.uk) and the regulators' rule books, not
from the workbook: if a sentence loses or changes one of these numbers, or drops the section it
cites, this test fails (issue 17, findings 1, 5-8)."""

from __future__ import annotations

import re

import pytest

from svcworkbook import content

# (concept, a phrase the explanation must contain, the citation beside it in the text,
#  a fragment the concept's references must contain)
LAW_FACTS = [
    ("U1.C4", "reject them within 30 days for a full refund", "(s.22)",
     "Consumer Rights Act 2015"),
    ("U1.C4", "within 14 days of agreeing that a refund is due", "(s.20)", "20"),
    ("U1.C4", "it is the consumer who chooses", "(s.23)", "23"),
    ("U1.C4", "the 30-day clock stops while they wait", "(s.22(6)-(8))", "(6)-(8)"),
    ("U1.C4", "they get at least 7 more days", "(s.22(6)-(8))", "(6)-(8)"),
    ("U1.C4", "within 6 months of delivery is taken to have been there", "(s.19(14)-(15))",
     "19(14)-(15)"),
    ("U1.C4", "final rejection within 6 months of delivery", "(s.24(8)-(11))", "(8)-(11)"),
    ("U1.C4", "except for motor vehicles", "(s.24(8)-(11))", "(8)-(11)"),
    ("U1.C4", "reasonable care and skill", "(s.49)", "49"),
    ("U1.C4", "then a price reduction", "(ss.42-45)", "42-46"),
    ("U1.C4", "must repair it or pay compensation", "(s.46)", "42-46"),
    ("U1.C4", "a 14-day cancellation period", "Consumer Contracts Regulations 2013",
     "Regulations 2013"),
    ("U1.C4", "which replaced the Consumer Protection from Unfair Trading Regulations 2008 from "
     "6 April 2025", "Part 4 of the Digital Markets, Competition and Consumers Act 2024",
     "Part 4"),
    ("U1.C4", "nine protected characteristics", "(s.4)", "Equality Act 2010 ss.4"),
    ("U1.C4", "Age covers only customers aged 18 or over", "(s.28(1))", "28(1)"),
    ("U1.C4", "Marriage and civil partnership are not covered", "(s.28(1))", "28(1)"),
    ("U1.C4", "Direct discrimination is treating a customer worse", "(s.13)", "13"),
    ("U1.C4", "Indirect discrimination is a rule", "(s.19)", "19"),
    ("U1.C4", "Harassment is unwanted conduct", "(s.26)", "26"),
    ("U1.C4", "Victimisation is treating someone badly", "(s.27)", "27"),
    ("U1.C4", "reasonable adjustments", "(s.20, applied to services by s.29(7))", "29(7)"),
    ("U1.C4", "there are six lawful bases", "(Art 6(1))", "6(1)"),
    ("U1.C4", "you also need an Art 9 condition", "Art 9", "9"),
    ("U1.C4", "it is still personal data", "(Art 4(5), Recital 26)", "Recital 26"),
    ("U1.C4", "reported to the ICO within 72 hours", "(Art 33)", "33"),
    ("U1.C4", "when the risk to them is high", "(Art 34)", "34"),
    ("U1.C4", "answered within one month", "(Art 12(3))", "12(3)"),
    ("U1.C4", "up to two further months", "(Art 12(3))", "12(3)"),
    ("U1.C4", "reasonable and proportionate searches", "Data (Use and Access) Act 2025",
     "Data (Use and Access) Act 2025"),
    ("U1.C3", "give a firm 8 weeks to send a final response", "(DISP 1.6)", "DISP 1.6"),
    ("U1.C3", "has 6 months from the final response", "Financial Ombudsman", "DISP 2.8"),
    ("U1.C3", "within 15 business days", "payment services", "15 business days"),
    ("U1.C3", "or 35 in exceptional cases", "payment services", "35"),
    ("U1.C3", "after\n8 weeks, or sooner with a \"deadlock\" letter", "Energy Ombudsman",
     "deadlock"),
]  # fmt: skip


def _flat(text: str) -> str:
    """Text with runs of white space as one space (YAML folds lines)."""
    return re.sub(r"\s+", " ", text)


@pytest.mark.parametrize(
    "concept_id, phrase, citation, reference", LAW_FACTS, ids=[f[1][:40] for f in LAW_FACTS]
)
def test_law_fact_is_stated_with_its_number_and_source(concept_id, phrase, citation, reference):
    unit = content.load_unit(int(concept_id[1]))
    concept = unit.concept(concept_id)
    text = _flat(concept.explanation)
    phrase, citation = _flat(phrase), _flat(citation)
    assert phrase in text, f"{concept_id} no longer says {phrase!r}"
    start = text.index(phrase)
    window = text[max(0, start - 400) : start + len(phrase) + 200]
    assert citation in window, f"{phrase!r} is not cited to {citation!r} nearby"
    assert any(reference in r for r in concept.references), (concept_id, reference)


def test_no_unit_says_all_nine_characteristics_apply_to_services():
    """Finding 1: for services, marriage and civil partnership and under-18s' age are not
    covered (Equality Act 2010 s.28(1)); no content may say otherwise."""
    wrong = re.compile(r"(any|all) (of )?(the )?nine protected characteristics", re.I)
    for unit in content.all_units():
        for concept in unit.concepts:
            assert not wrong.search(_flat(concept.explanation)), concept.id
        for m in unit.misconceptions:
            assert not wrong.search(_flat(m.correction)), m.id


def test_pseudonymised_data_is_never_called_unidentifiable():
    """Finding 3: keyed tokens with timestamps kept are pseudonymised personal data."""
    wrong = re.compile(r"nobody can link|no personal data leaves", re.I)
    for unit in content.all_units():
        texts = [c.explanation for c in unit.concepts] + [m.correction for m in unit.misconceptions]
        assert not any(wrong.search(t) for t in texts), unit.number


def test_sources_are_shown_on_the_concept_card():
    shown = content.show_concepts(content.load_unit(1))
    assert "Sources:" in str(shown) and "Equality Act 2010 ss.4, 13, 19" in _flat(str(shown))
    assert "<strong>Sources:</strong>" in shown.html_text
