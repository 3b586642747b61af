"""The shared missing-column check: what it names and what it lets through."""

import pandas as pd
import pytest

from svcworkbook.errors import NAME_YOUR_COLUMN, DataError, require_columns


def test_require_columns_names_the_missing_ones_the_columns_there_and_the_fix():
    frame = pd.DataFrame({"csat": [5], "touchpoint": ["phone"]})
    with pytest.raises(DataError) as caught:
        require_columns(frame, ["csat", "nps", "ces"], "surveys")
    assert str(caught.value) == (
        "surveys: missing column(s) 'nps', 'ces'; the data has csat, touchpoint. Fix: rename "
        "your export's columns to the data dictionary names (data/README.md), or give a mapping."
    )


def test_require_columns_skips_none_and_passes_when_all_are_there():
    frame = pd.DataFrame({"week": [1], "fcr": [0.7]})
    require_columns(frame, ["week", "fcr", None], "kpi_trend")  # hue=None is not a column
    with pytest.raises(DataError, match="Fix: pass the name of a column the data has"):
        require_columns(frame, ["week", "fcr_rate"], "kpi_trend", fix=NAME_YOUR_COLUMN)
