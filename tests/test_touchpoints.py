"""Touchpoints and brand values (unit 1): CSAT/NPS by touchpoint on a hand-worked surveys log,
pooling for brand values, sentences, exercises; and the unit's headline results and portfolio
evidence."""

from __future__ import annotations

import math

import matplotlib
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from svcworkbook.data import generators, privacy
from svcworkbook.errors import DataError, ParameterError
from svcworkbook.units.unit1_environment import compliance, touchpoints

matplotlib.use("Agg")


def surveys(rows: list[tuple[str, float | None, float | None]]) -> pd.DataFrame:
    """A surveys log from (touchpoint, csat, nps); a None score means no response."""
    return pd.DataFrame(
        {
            "survey_id": [f"S{i}" for i in range(len(rows))],
            "touchpoint": [r[0] for r in rows],
            "responded": [r[1] is not None for r in rows],
            "csat": pd.array([r[1] for r in rows], dtype="Float64").astype(float),
            "nps": pd.array([r[2] for r in rows], dtype="Float64").astype(float),
        }
    )


# phone: csat 5,4,3,2 + one non-response -> CSAT 2/4 = 50%, mean 3.5; nps 10,9,7,3 -> 50% - 25%
# delivery: csat 5,5 -> 100%; nps 6,10 -> 50% - 50% = 0
# email: csat 1 -> 0%; nps 0 -> -100
LOG = surveys(
    [
        ("phone", 5, 10),
        ("phone", 4, 9),
        ("phone", 3, 7),
        ("phone", 2, 3),
        ("phone", None, None),
        ("delivery", 5, 6),
        ("delivery", 5, 10),
        ("email", 1, 0),
    ]
)


def test_touchpoint_scores_by_hand():
    table = touchpoints.touchpoint_scores(LOG).set_index("touchpoint")
    assert list(table.index) == ["phone", "email", "delivery"]  # the contract's order
    assert table.loc["phone", "surveys_sent"] == 5
    assert table.loc["phone", "responses"] == 4
    assert table.loc["phone", "response_rate"] == pytest.approx(4 / 5)
    assert table.loc["phone", "csat"] == pytest.approx(0.5)
    assert table.loc["phone", "csat_mean"] == pytest.approx(3.5)
    assert table.loc["phone", "nps"] == pytest.approx(25.0)
    assert table.loc["delivery", "nps"] == pytest.approx(0.0)
    assert table.loc["email", "nps"] == pytest.approx(-100.0)


def test_brand_values_pool_responses_not_averages():
    values = touchpoints.brand_value_scores(
        LOG, {"dependable": ["phone", "delivery"], "caring": "store"}
    ).set_index("brand_value")
    # pooled phone + delivery: csat 4 of 6 scores >= 4; nps promoters 3/6, detractors 2/6
    assert values.loc["dependable", "responses"] == 6
    assert values.loc["dependable", "csat"] == pytest.approx(4 / 6)
    assert values.loc["dependable", "nps"] == pytest.approx(100 * (3 - 2) / 6)
    # the average of the two touchpoints' CSATs (75%) would be wrong
    assert values.loc["dependable", "csat"] != pytest.approx(0.75)
    assert values.loc["dependable", "weakest_touchpoint"] == "phone"
    assert values.loc["caring", "responses"] == 0
    assert math.isnan(values.loc["caring", "csat"])
    assert values.loc["caring", "no_responses_at"] == "store"
    assert values.loc["caring", "weakest_touchpoint"] is None
    one = touchpoints.brand_value_scores(LOG, {"v": ["phone", "store"]}).iloc[0]
    assert one["weakest_touchpoint"] is None  # only one of its touchpoints has responses


@pytest.mark.parametrize(
    "bad",
    [{}, [], {"": ["phone"]}, {"dependable": []}, {"dependable": [3]}, "phone"],
)
def test_bad_brand_values_are_a_parameter_error(bad):
    with pytest.raises(ParameterError, match="brand"):
        touchpoints.check_brand_values(bad)


def test_brand_values_are_tidied_and_default():
    assert touchpoints.check_brand_values(None) == touchpoints.BRAND_VALUES
    assert touchpoints.check_brand_values({" Dependable ": [" Phone", "phone"]}) == {
        "Dependable": ("phone",)
    }


def test_missing_columns_name_the_dataset():
    with pytest.raises(DataError, match="surveys: missing column"):
        touchpoints.touchpoint_scores(LOG.drop(columns=["nps"]))


def test_sentences_follow_the_targets():
    values = touchpoints.brand_value_scores(LOG, {"dependable": ["phone", "delivery"]})
    (text,) = touchpoints.brand_value_sentences(values, "Acme", csat_target=0.6, nps_target=10)
    assert "At Acme the brand value 'dependable'" in text
    assert "CSAT was 66.7%" in text and "NPS +17" in text
    assert "both targets met" in text
    assert "Only 6 responses" in text  # fewer than MIN_RESPONSES
    (text,) = touchpoints.brand_value_sentences(values, "Acme", csat_target=0.7, nps_target=10)
    assert "CSAT target missed" in text or "NPS target met, CSAT target missed" in text
    lines = touchpoints.touchpoint_sentences(
        touchpoints.touchpoint_scores(LOG), "Acme", csat_target=0.5
    )
    assert lines[0] == "2 of 3 touchpoints at Acme met the CSAT target of 50%."
    assert "strongest touchpoint was delivery" in lines[1] and "weakest email" in lines[1]


def test_touchpoint_to_improve_first_counts_dissatisfied_responses():
    # dissatisfied (CSAT 1-3): phone 3 and 2 -> 2; email 1 -> 1; delivery none
    assert touchpoints.dissatisfied_responses(LOG).to_dict() == {
        "delivery": 0, "email": 1, "phone": 2,
    }  # fmt: skip
    check = touchpoints.check_most_dissatisfied
    # choose and justify: right with a reason naming phone's 2 dissatisfied responses
    assert check("Phone", LOG, reason="2 unhappy there").status == "right"
    assert check(" PHONE ", LOG, reason="2 did not score 4-5, the most").status == "right"
    unfinished = check("phone", LOG)
    assert (unfinished.status, unfinished.judgement.slip) == ("close", "no reason")
    assert check("phone", LOG, reason="1 unhappy").judgement.slip == "reason unchecked"
    lowest = check("email", LOG)  # CSAT 0%, but only one unhappy customer
    assert lowest.status == "wrong" and lowest.judgement.slip == "lowest CSAT"
    assert check("delivery", LOG).judgement.slip is None
    assert check(None, LOG).status == "not attempted"


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(touchpoints.TOUCHPOINTS),
            st.integers(1, 5),
            st.integers(0, 10),
        ),
        min_size=1,
        max_size=40,
    ),
    st.randoms(use_true_random=False),
)
def test_scores_stay_in_range_and_ignore_row_order(rows, rnd):
    frame = surveys(rows)
    table = touchpoints.touchpoint_scores(frame)
    assert table["csat"].between(0, 1).all()
    assert table["nps"].between(-100, 100).all()
    assert table["responses"].sum() == len(rows)
    shuffled = frame.sample(frac=1, random_state=rnd.randint(0, 10**6))
    pd.testing.assert_frame_equal(table, touchpoints.touchpoint_scores(shuffled))


def test_chart_draws_one_bar_per_scored_touchpoint():
    ax = touchpoints.touchpoint_chart(touchpoints.touchpoint_scores(LOG), 0.8)
    assert len(ax.patches) == 3
    assert [round(p.get_width(), 6) for p in ax.patches] == [1.0, 0.0, 0.5]  # bottom-up


# --- the unit's headline results and portfolio evidence ----------------------------------


def test_headline_results_and_evidence_on_generated_data():
    data = generators.generate_all(seed=5)
    scores = touchpoints.touchpoint_scores(data["surveys"])
    values = touchpoints.brand_value_scores(data["surveys"])
    summary = compliance.compliance_summary(data["complaints"])
    found = privacy.find_personal_data(data["complaints"])
    results = touchpoints.headline_results(scores, values, {"x": 1}, summary, found)
    assert results["csat_phone"] == pytest.approx(
        (data["surveys"].query("touchpoint == 'phone'")["csat"] >= 4).sum()
        / data["surveys"].query("touchpoint == 'phone'")["csat"].notna().sum()
    )
    assert results["refund_rate"] == pytest.approx(compliance.refund_compliance(data["complaints"]))
    assert "brand_quick_to_respond_nps" in results and results["x"] == 1
    assert "customer_email" in results["personal_data_columns"]
    table = touchpoints.evidence_table(values, True, summary)
    assert set(table["marking_points"]) == {"U1.MP1", "U1.MP2", "U1.MP3"}
    assert table["guards_against"].str.match(r"U1\.M[123]").all()
    assert not np.isnan(results["adjustments_rate"])
