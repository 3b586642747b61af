"""Displayed text is escaped in HTML and readable as plain text."""

import pandas as pd

from svcworkbook import display
from svcworkbook.content.models import Concept, MarkingPoint


def test_say_escapes_and_joins_sentences():
    shown = display.say("Top cause: <b>billing</b>.", " Fix it. ", "", title="Pareto & root cause")
    assert shown._repr_html_() == (
        '<p class="svc-say"><strong>Pareto &amp; root cause</strong><br>'
        "Top cause: &lt;b&gt;billing&lt;/b&gt;. Fix it.</p>"
    )
    assert str(shown) == "Pareto & root cause\nTop cause: <b>billing</b>. Fix it."


def test_bullets_escape_items():
    shown = display.bullets(["a <script>", "b"], title="Do next")
    assert "<li>a &lt;script&gt;</li><li>b</li>" in shown._repr_html_()
    assert str(shown) == "Do next\n- a <script>\n- b"


def test_table_formats_percent_numbers_and_missing_values():
    frame = pd.DataFrame(
        {"team": ["<billing>", "orders"], "fcr": [0.7342, float("nan")], "n": [1200, 0]}
    )
    shown = display.show_table(frame, {"fcr": "percent", "n": "int"}, caption="FCR by team")
    html_text = shown._repr_html_()
    assert "<td>&lt;billing&gt;</td><td>73.4%</td><td>1,200</td>" in html_text
    assert "<td>orders</td><td>–</td><td>0</td>" in html_text
    assert str(shown).splitlines()[0] == "FCR by team"
    assert "73.4%" in str(shown)


def test_long_tables_say_how_many_rows_are_hidden():
    shown = display.show_table(pd.DataFrame({"x": range(35)}), max_rows=30)
    assert "… and 5 more rows" in str(shown) and "… and 5 more rows" in shown._repr_html_()


class _Unit:
    def __init__(self, points):
        self.points = {p.id: p for p in points}

    def marking_point(self, mp_id):
        return self.points[mp_id]


def test_evidences_quotes_marking_points_verbatim():
    Concept(id="U2.C1", name="x", explanation="y", source="z")
    mp = MarkingPoint(
        id="U2.MP2", text="Award credit for <evidence> of a system.", concepts=["U2.C1"]
    )
    shown = display.evidences(_Unit([mp]), "U2.MP2", how="The SLA table is the log in use.")
    assert "U2.MP2" in shown._repr_html_() and "&lt;evidence&gt;" in shown._repr_html_()
    assert str(shown) == (
        "Marking points this evidences:\n- U2.MP2: \u201cAward credit for <evidence> of a system.\u201d"
        "\nThe SLA table is the log in use."
    )


def test_tables_show_people_not_code():
    """Issue 17: headers in words, '-' for missing values, yes/no, no 16-digit floats."""
    frame = pd.DataFrame(
        {
            "sla_compliance": [0.9, None],
            "queue_wait_s": [1.234567891234, float("nan")],
            "ok": [True, False],
            "when": [pd.Timestamp("2026-01-01"), pd.NaT],
        }
    )
    shown = display.show_table(frame, formats={"sla_compliance": "percent"})
    text = str(shown)
    assert "SLA compliance" in text and "Queue wait (s)" in text
    assert "1.23" in text and "1.234567" not in text
    assert "yes" in text and "True" not in text and "NaT" not in text and "nan" not in text
    assert "<th>SLA compliance</th>" in shown.html_text
    assert display.column_label("csat_mean") == "CSAT mean"
    assert display.column_label("touchpoint") == "touchpoint"


def test_ipython_shell_is_the_one_given_else_none_outside_ipython():
    from svcworkbook.display import ipython_shell

    marker = object()
    assert ipython_shell(marker) is marker
    assert ipython_shell() is None  # pytest is not an IPython shell


def test_your_organisation_opens_a_sentence_with_a_capital():
    """Someone's own data is 'your organisation', named mid-sentence as it is ('Service level at
    your organisation'); where it opens a sentence, an item or a caption it reads 'Your'."""
    from svcworkbook import display
    from svcworkbook.teaching.session import OWN_DATA_ORGANISATION

    said = display.say(
        f"{OWN_DATA_ORGANISATION} met 3 of 4 objectives.", f"At {OWN_DATA_ORGANISATION}, CSAT rose."
    )
    assert (
        said.plain_text
        == "Your organisation met 3 of 4 objectives. At your organisation, CSAT rose."
    )
    listed = display.bullets([f"{OWN_DATA_ORGANISATION} sent 40 surveys."], title="your list")
    assert (
        "- Your organisation sent 40 surveys." in listed.plain_text
        and "Your list" in listed.plain_text
    )
    import pandas as pd

    table = display.show_table(
        pd.DataFrame({"a": [1]}), caption=f"{OWN_DATA_ORGANISATION}: the log"
    )
    assert table.plain_text.startswith("Your organisation: the log")
    assert display.say("p < 0.001 here.").plain_text == "p < 0.001 here."  # nothing else changes
