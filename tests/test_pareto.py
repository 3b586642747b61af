"""Pareto tables worked by hand, and properties: row order changes nothing, the vital few are few."""

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from svcworkbook.analysis import pareto
from svcworkbook.errors import DataError

# --------------------------------------------------------------------------- pareto


def test_pareto_table_worked_by_hand():
    causes = ["billing"] * 5 + ["fault"] * 3 + ["delivery"] * 1 + ["returns"] * 1
    table = pareto.pareto(causes)
    assert table["category"].tolist() == ["billing", "fault", "delivery", "returns"]
    assert table["cumulative_share"].tolist() == pytest.approx([0.5, 0.8, 0.9, 1.0])
    assert table["vital_few"].tolist() == [True, True, False, False]  # 80% reached exactly


def test_pareto_counts_blanks_as_not_recorded():
    table = pareto.pareto(["a", None, "", "a"])
    assert dict(zip(table["category"], table["count"], strict=True)) == {"a": 2, "not recorded": 2}


def test_pareto_from_counts_and_bad_counts():
    table = pareto.pareto_counts({"phone": 10, "email": 30}, threshold=0.7)
    assert table["category"].tolist() == ["email", "phone"]
    assert table["vital_few"].tolist() == [True, False]
    with pytest.raises(DataError, match="positive total"):
        pareto.pareto_counts({"phone": 0})


@settings(max_examples=50, deadline=None)
@given(st.lists(st.sampled_from(list("abcdefg")), min_size=1, max_size=60), st.randoms())
def test_pareto_ignores_row_order_and_vital_few_is_minimal(labels, random):
    shuffled = labels[:]
    random.shuffle(shuffled)
    table = pareto.pareto(labels)
    pd.testing.assert_frame_equal(table, pareto.pareto(shuffled))
    assert table["cumulative_share"].iloc[-1] == pytest.approx(1)
    vital = table[table["vital_few"]]
    assert vital["share"].sum() >= 0.8 - 1e-9
    assert vital["share"].iloc[:-1].sum() < 0.8
