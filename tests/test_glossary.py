"""The glossary: every technical term the workbook uses is explained in plain words."""

from __future__ import annotations

import re
import statistics
from pathlib import Path

import pytest
import textstat

from svcworkbook import content
from svcworkbook.content.glossary import load_glossary
from svcworkbook.errors import ContentError

ROOT = Path(__file__).resolve().parents[1]

#: Technical terms a learner meets (the issue's list and the tests the analyses name), each as a
#: pattern found in the package's text and the glossary entry that explains it.
TERMS = {
    r"\bWAPE\b": "WAPE",
    r"Cohen's h": "Cohen's h",
    r"Hedges' g": "Hedges' g",
    r"Mann-Whitney": "Mann-Whitney U test",
    r"rank-biserial": "Rank-biserial correlation",
    r"difference-in-differences|net change against": "Difference-in-differences",
    r"\bXmR\b": "XmR chart",
    r"\bp-chart": "p-chart",
    r"\bHMAC": "HMAC",
    r"z-test": "Two-proportion z-test",
    r"continuity correction": "Continuity correction (Yates)",
    r"Welch": "Welch's t-test",
    r"bootstrap": "Bootstrap interval",
    r"Erlang C": "Erlang C",
    r"Poisson": "Poisson arrivals",
    r"shrinkage": "Shrinkage",
    r"occupancy": "Occupancy",
    r"SERVQUAL": "SERVQUAL",
    r"moving range": "Moving range",
    r"\bP90\b|90th percentile": "Percentile (P90)",
    r"pseudonymis": "Pseudonymised data",
    r"special-cause": "Special-cause variation",
    r"common-cause": "Common-cause variation",
    r"run rule": "Run rule",
    r"triangulat": "Triangulation",
    r"p-value": "p-value",
    r"confidence interval": "Confidence interval",
    r"\bCES\b": "CES",
    r"\bNPS\b": "NPS",
}


def _workbook_text() -> str:
    """The package's sources, content and notebooks, as one text to search."""
    files = [*(ROOT / "svcworkbook").rglob("*.py"), *(ROOT / "svcworkbook").rglob("*.yaml")]
    files += sorted((ROOT / "notebooks").glob("*.ipynb"))
    return "\n".join(p.read_text(encoding="utf-8") for p in files if p.name != "glossary.yaml")


@pytest.mark.parametrize("pattern, term", TERMS.items(), ids=list(TERMS.values()))
def test_every_technical_term_used_is_in_the_glossary(pattern, term):
    assert re.search(pattern, _workbook_text(), flags=re.I), f"{pattern!r} is no longer used"
    entry = content.load_glossary().find(term)
    assert len(entry.meaning.split()) >= 10, term


def test_the_glossary_reads_at_grade_10_or_below():
    grades = [textstat.flesch_kincaid_grade(t.meaning) for t in content.glossary()]
    assert statistics.median(grades) <= 10, statistics.median(grades)


def test_the_glossary_is_sorted_unique_and_names_a_unit():
    terms = content.glossary()
    names = [t.term.casefold() for t in terms]
    assert names == sorted(names) and len(set(names)) == len(names)
    assert {t.unit for t in terms} <= {1, 2, 3, 4, 5}
    with pytest.raises(KeyError, match="no glossary term"):
        content.load_glossary().find("Blockchain")


def test_a_malformed_glossary_names_the_file(tmp_path):
    bad = tmp_path / "glossary.yaml"
    bad.write_text("terms:\n  - term: B\n    meaning: b\n    unit: 1\n  - term: A\n"
                   "    meaning: a\n    unit: 9\n")  # fmt: skip
    with pytest.raises(ContentError, match="glossary.yaml"):
        load_glossary(bad)


def test_show_glossary_renders_every_term_escaped_and_by_unit():
    shown = content.show_glossary()
    assert all(t.term in str(shown) for t in content.glossary())
    assert "Cohen&#x27;s h" in shown.html_text and "<dl>" in shown.html_text
    unit_one = content.show_glossary(unit=1)
    assert "McNemar" in str(unit_one) and "Erlang C" not in str(unit_one)


def test_start_here_shows_the_glossary():
    import nbformat

    nb = nbformat.read(ROOT / "notebooks" / "00_start_here.ipynb", 4)
    assert any("content.show_glossary()" in c.source for c in nb.cells if c.cell_type == "code")
