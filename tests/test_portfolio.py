"""Portfolio evidence log: validation, saving, coverage with gaps, safe exports, escaping."""

from datetime import date

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from svcworkbook.learning import portfolio

TODAY = date(2026, 3, 10)


def test_evidence_is_checked_saved_and_numbered(tmp_path):
    log = portfolio.EvidenceLog.load("ada", tmp_path)
    item = log.add("Call observation", "observation", "2026-03-02", "Watched by my manager",
                   ["u2.mp1", "U2.MP3", "U2.MP1"], "obs-01.pdf", today=TODAY)  # fmt: skip
    assert item.number == 1 and item.marking_points == ("U2.MP1", "U2.MP3")
    again = portfolio.EvidenceLog.load("ada", tmp_path)
    assert again.frame().loc[0, "file_reference"] == "obs-01.pdf"
    assert again.add("Witness", "witness testimony", "2026-03-03", "", ["U2.MP2"],
                     today=TODAY).number == 2  # fmt: skip


@pytest.mark.parametrize(
    "args, message",
    [
        (("", "observation", "2026-03-02", ["U2.MP1"]), "give the evidence a title"),
        (("T", "selfie", "2026-03-02", ["U2.MP1"]), "type must be one of"),
        (("T", "observation", "02/03/2026", ["U2.MP1"]), "write it as YYYY-MM-DD"),
        (("T", "observation", "2026-04-01", ["U2.MP1"]), "is in the future"),
        (("T", "observation", "2026-03-02", ["U9.MP1"]), "unknown marking point"),
        (("T", "observation", "2026-03-02", []), "at least one marking point"),
    ],
)
def test_bad_entries_say_what_to_fix(tmp_path, args, message):
    title, kind, when, points = args
    with pytest.raises(ValueError, match=message):
        portfolio.EvidenceLog.load("ada", tmp_path).add(title, kind, when, "", points, today=TODAY)


def test_coverage_shows_the_gaps(tmp_path):
    log = portfolio.EvidenceLog.load("ada", tmp_path)
    log.add("A", "observation", "2026-03-02", "", ["U2.MP1", "U2.MP3"], today=TODAY)
    matrix = portfolio.coverage_matrix(log, units=[2])
    assert matrix.loc[matrix["count"] == 1, "marking_point"].tolist() == ["U2.MP1", "U2.MP3"]
    assert "U2.MP2" in portfolio.gaps(matrix) and "U2.MP1" not in portfolio.gaps(matrix)
    ax = portfolio.coverage_heatmap(matrix)
    assert ax.get_ylabel() == "Marking point" and "with no evidence" in ax.get_title()
    plt.close(ax.figure)


def test_exports_are_safe_and_escaped(tmp_path):
    log = portfolio.EvidenceLog.load("ada", tmp_path)
    log.add("<script>alert(1)</script>", "work product", "2026-03-02", "=HYPERLINK(\"x\")",
            ["U1.MP1"], today=TODAY)  # fmt: skip
    back = pd.read_csv(portfolio.export_csv(log, tmp_path / "e.csv"), encoding="utf-8-sig")
    assert back.loc[0, "description"] == '\'=HYPERLINK("x")'
    text = portfolio.export_markdown(log, tmp_path / "e.md").read_text()
    assert "<script>" not in text and "&lt;script&gt;" in text
    form = portfolio.evidence_form(1, "ada", tmp_path)
    assert "<script>" not in form._repr_html_()
    assert "1 piece(s) of evidence saved" in str(form)


def test_the_self_check_shows_the_evidence_logged_for_each_marking_point(tmp_path):
    from svcworkbook.content import load_unit

    unit = load_unit(2)
    empty = portfolio.self_check(2, learner="mo", home=tmp_path)
    assert f"0 of {len(unit.marking_points)} evidenced" in str(empty)
    log = portfolio.EvidenceLog.load("mo", tmp_path)
    log.add(
        "Rota for March", "work product", "2026-03-02", "The plan I built", ["U2.MP1", "U2.MP6"]
    )
    log.add("Call observation", "observation", "2026-03-09", "Watched", ["U2.MP1", "U3.MP1"])
    assert portfolio.evidence_by_point(log, 2)["U2.MP1"] == [
        "1. Rota for March (work product, 2026-03-02)",
        "2. Call observation (observation, 2026-03-09)",
    ]
    shown = portfolio.self_check(2, learner="mo", home=tmp_path)
    text = str(shown)
    assert f"2 of {len(unit.marking_points)} evidenced" in text
    mp1 = text[text.index("[x] U2.MP1") : text.index("U2.MP2")]
    assert "Evidence logged:" in mp1 and "2. Call observation (observation, 2026-03-09)" in mp1
    assert "[x] U2.MP6" in text and "[ ] U2.MP2" in text
    assert "U3.MP1" not in text  # another unit's point is not listed here
    assert "Rota for March" in shown._repr_html_()
