"""SERVQUAL gaps on a two-respondent example worked by hand, plus properties."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from svcworkbook.analysis import servqual
from svcworkbook.errors import DataError

POINTS = {
    "R1": {
        "tangibles": 10,
        "reliability": 40,
        "responsiveness": 20,
        "assurance": 20,
        "empathy": 10,
    },
    "R2": {
        "tangibles": 20,
        "reliability": 30,
        "responsiveness": 30,
        "assurance": 10,
        "empathy": 10,
    },
}


def answers() -> pd.DataFrame:
    """Two respondents; R2 left the expectation of TAN2 blank."""
    rows = [
        # respondent, dimension, item, expectation, perception
        ("R1", "tangibles", "TAN1", 6, 5),
        ("R1", "tangibles", "TAN2", 5, 5),
        ("R1", "reliability", "REL1", 7, 4),
        ("R1", "responsiveness", "RES1", 6, 6),
        ("R1", "assurance", "ASS1", 6, 5),
        ("R1", "empathy", "EMP1", 5, 6),
        ("R2", "tangibles", "TAN1", 4, 4),
        ("R2", "tangibles", "TAN2", np.nan, 3),
        ("R2", "reliability", "REL1", 7, 5),
        ("R2", "responsiveness", "RES1", 7, 5),
        ("R2", "assurance", "ASS1", 5, 5),
        ("R2", "empathy", "EMP1", 6, 6),
    ]
    frame = pd.DataFrame(
        rows, columns=["respondent_id", "dimension", "item", "expectation", "perception"]
    )
    frame["importance"] = [
        POINTS[r][d] for r, d in zip(frame["respondent_id"], frame["dimension"], strict=True)
    ]
    return frame


def test_dimension_gaps_average_each_respondent_first():
    table = servqual.dimension_gaps(answers())
    assert table["dimension"].tolist() == list(servqual.DIMENSIONS)
    # tangibles: R1 means 5.5 / 5.0, R2 (TAN1 only) 4 / 4 -> 4.75 / 4.5
    assert table["expectation"].tolist() == pytest.approx([4.75, 7, 6.5, 5.5, 5.5])
    assert table["perception"].tolist() == pytest.approx([4.5, 4.5, 5.5, 5.0, 6.0])
    assert table["gap"].tolist() == pytest.approx([-0.25, -2.5, -1.0, -0.5, 0.5])
    assert table["n"].tolist() == [2] * 5


def test_item_gaps_use_answers_with_both_scores():
    table = servqual.servqual_gaps(answers(), by="item").set_index("item")
    assert table.loc["TAN1", ["expectation", "perception", "gap", "n"]].tolist() == [
        5,
        4.5,
        -0.5,
        2,
    ]
    assert table.loc["TAN2", ["expectation", "perception", "gap", "n"]].tolist() == [5, 5, 0, 1]
    assert list(table.index) == ["TAN1", "TAN2", "REL1", "RES1", "ASS1", "EMP1"]


def test_items_sort_by_number_not_text():
    frame = answers()
    frame.loc[frame["item"] == "TAN2", "item"] = "TAN10"
    assert servqual.item_gaps(frame)["item"].tolist()[:2] == ["TAN1", "TAN10"]
    frame.loc[frame["item"] == "TAN1", "item"] = "TAN9"
    assert servqual.item_gaps(frame)["item"].tolist()[:2] == ["TAN9", "TAN10"]


def test_importance_weighted_gaps_worked_by_hand():
    table = servqual.weighted_servqual(answers())
    # mean points: 15, 35, 25, 15, 10 -> weights 0.15, 0.35, 0.25, 0.15, 0.10
    assert table["weight"].tolist() == pytest.approx([0.15, 0.35, 0.25, 0.15, 0.10])
    assert table["weighted_gap"].tolist() == pytest.approx([-0.0375, -0.875, -0.25, -0.075, 0.05])
    scores = servqual.servqual_scores(answers())
    assert scores["weighted"] == pytest.approx(-1.1875)
    assert scores["unweighted"] == pytest.approx(-0.75)


def test_scores_without_importance_are_unweighted_only():
    assert set(servqual.servqual_scores(answers().drop(columns="importance"))) == {"unweighted"}


def test_zero_scores_are_not_averaged_in():
    frame = answers()
    frame.loc[3, "perception"] = 0
    with pytest.raises(DataError, match=r"outside 1-7 in row 3.*replace it with a blank"):
        servqual.dimension_gaps(frame)


def test_bad_data_errors_name_rows_and_fix():
    frame = answers()
    frame.loc[0, "dimension"] = "reliabilty"
    with pytest.raises(DataError, match=r"unknown dimension\(s\) \['reliabilty'\] in row 0"):
        servqual.dimension_gaps(frame)
    with pytest.raises(DataError, match="perception"):
        servqual.dimension_gaps(answers().drop(columns="perception"))
    twice = pd.concat([answers(), answers().iloc[[0]]])
    with pytest.raises(DataError, match="one answer per respondent per item"):
        servqual.item_gaps(twice)
    with pytest.raises(ValueError, match="by must be"):
        servqual.servqual_gaps(answers(), by="question")


def test_importance_must_total_100_and_be_the_same_across_a_dimension():
    frame = answers()
    frame.loc[frame["respondent_id"] == "R2", "importance"] += 5
    with pytest.raises(DataError, match=r"R2 \(125\)"):
        servqual.weighted_servqual(frame)
    frame = answers()
    frame.loc[1, "importance"] = 11
    with pytest.raises(DataError, match=r"R1 \(tangibles\)"):
        servqual.weighted_servqual(frame)


def test_dimension_names_are_tidied():
    frame = answers()
    frame["dimension"] = frame["dimension"].str.upper() + " "
    pd.testing.assert_frame_equal(
        servqual.dimension_gaps(frame), servqual.dimension_gaps(answers())
    )


@st.composite
def surveys(draw):
    """Random complete responses: 1-6 respondents, 1-2 items per dimension, points totalling 100."""
    items = {
        d: [f"{d[:3].upper()}{i}" for i in range(1, draw(st.integers(1, 2)) + 1)]
        for d in servqual.DIMENSIONS
    }
    rows = []
    for r in range(draw(st.integers(1, 6))):
        cuts = sorted(draw(st.lists(st.integers(0, 100), min_size=4, max_size=4)))
        points = np.diff([0, *cuts, 100])
        for dimension, weight in zip(servqual.DIMENSIONS, points, strict=True):
            for item in items[dimension]:
                rows.append(
                    {
                        "respondent_id": f"R{r}",
                        "dimension": dimension,
                        "item": item,
                        "expectation": draw(st.integers(1, 6)),
                        "perception": draw(st.integers(1, 6)),
                        "importance": float(weight),
                    }
                )
    return pd.DataFrame(rows)


@settings(max_examples=15, deadline=None)
@given(surveys(), st.randoms())
def test_reordering_rows_changes_nothing(frame, random):
    order = list(frame.index)
    random.shuffle(order)
    shuffled = frame.loc[order]
    pd.testing.assert_frame_equal(servqual.item_gaps(frame), servqual.item_gaps(shuffled))
    pd.testing.assert_frame_equal(
        servqual.weighted_servqual(frame), servqual.weighted_servqual(shuffled)
    )


@settings(max_examples=15, deadline=None)
@given(surveys())
def test_gap_is_perception_minus_expectation_and_weights_sum_to_one(frame):
    raised = frame.assign(perception=frame["perception"] + 1)
    base, moved = servqual.dimension_gaps(frame), servqual.dimension_gaps(raised)
    assert (moved["gap"] - base["gap"]).tolist() == pytest.approx([1.0] * 5)
    table = servqual.weighted_servqual(frame)
    assert table["weight"].sum() == pytest.approx(1)
    assert table["gap"].tolist() == pytest.approx(
        (table["perception"] - table["expectation"]).tolist()
    )
    # with complete answers the dimension gap is also the mean of its items' answers
    items = frame.assign(gap=frame["perception"] - frame["expectation"])
    by_respondent = items.groupby(["dimension", "respondent_id"])["gap"].mean()
    expected = by_respondent.groupby("dimension").mean().reindex(servqual.DIMENSIONS)
    assert table["gap"].tolist() == pytest.approx(expected.tolist())
