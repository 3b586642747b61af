"""Checking a unit notebook's parameters and recording its headline results."""

import json

import numpy as np
import pandas as pd
import pytest

from svcworkbook.errors import ParameterError
from svcworkbook.teaching.session import (
    RESULTS_MIME,
    check_target,
    read_results,
    start_unit,
    to_jsonable,
)


def test_defaults_are_accepted():
    wb = start_unit(2, targets={"service_level_target": 0.8, "answer_within_s": 20})
    assert wb.edition == "learner"  # the default: the tutor edition is a parameter
    assert wb.service_level_target == 0.8
    assert wb.answer_within_s == 20.0


@pytest.mark.parametrize(
    "params, message",
    [
        ({"edition": "student"}, "edition must be one of ('tutor', 'learner')"),
        ({"seed": 1.5}, "seed must be a whole number or None, got 1.5"),
        ({"seed": -1}, "seed must be 0 or more"),
        ({"scenario": "chaos"}, "unknown scenario 'chaos'; choose one of: baseline"),
        ({"data_dir": "/no/such/folder"}, "data_dir '/no/such/folder' is not a folder that exists"),
        ({"learner": "  "}, "learner must be a non-empty piece of text"),
        ({"colour": "red"}, "unknown parameter(s) colour"),
    ],
)
def test_bad_common_parameters_name_the_problem(params, message):
    with pytest.raises(ParameterError) as err:
        start_unit(1, **params)
    assert message in str(err.value)


def test_data_dir_and_seed_together_are_refused(tmp_path):
    with pytest.raises(ParameterError, match="either data_dir .* or seed"):
        start_unit(1, data_dir=str(tmp_path), seed=3)


@pytest.mark.parametrize(
    "name, value, message",
    [
        ("csat_target", 80, "give rates as fractions, e.g. 0.8 for 80%"),
        ("fcr_target", -0.1, "give rates as fractions"),
        ("nps_target", 130, "NPS runs from -100 to +100"),
        ("shrinkage", 1.0, "from 0 up to (not including) 1"),
        ("answer_within_s", 0, "greater than 0"),
        ("sla_hours", "24", "must be a number"),
        ("csat_target", True, "must be a number"),
        ("csat_target", float("nan"), "must be a number"),
    ],
)
def test_bad_targets_name_the_rule(name, value, message):
    with pytest.raises(ParameterError) as err:
        check_target(name, value)
    assert name in str(err.value) and message in str(err.value)


def test_targets_in_range_pass_through():
    assert check_target("nps_target", -20) == -20.0
    assert check_target("shrinkage", 0.35) == 0.35
    assert check_target("csat_target", 1) == 1.0


def test_to_jsonable_turns_numpy_nan_and_timestamps_into_json():
    value = {
        "rate": np.float64(0.25),
        "count": np.int64(7),
        "missing": float("nan"),
        "when": pd.Timestamp("2026-01-05 09:30"),
        "flag": True,
        "items": (np.int32(1), 2.5),
    }
    assert to_jsonable(value) == {
        "rate": 0.25,
        "count": 7,
        "missing": None,
        "when": "2026-01-05T09:30:00",
        "flag": True,
        "items": [1, 2.5],
    }
    json.dumps(to_jsonable(value))


def test_recorded_results_round_trip_through_a_notebook_file(tmp_path):
    wb = start_unit(1)
    shown = wb.record(fcr=np.float64(0.725), contacts=np.int64(1200))
    bundle = shown._repr_mimebundle_()
    assert bundle[RESULTS_MIME] == {"fcr": 0.725, "contacts": 1200}
    # the JSON keeps the raw value; the text is for people (issue 17): FCR as a percentage
    assert "fcr" in bundle["text/plain"] and "72.5%" in bundle["text/plain"]
    assert "1,200" in bundle["text/plain"]
    later = wb.record(fcr=0.75)._repr_mimebundle_()
    nb = {
        "cells": [
            {"cell_type": "code", "outputs": [{"output_type": "display_data", "data": bundle}]},
            {"cell_type": "markdown", "source": "text"},
            {"cell_type": "code", "outputs": [{"output_type": "display_data", "data": later}]},
        ]
    }
    path = tmp_path / "run.ipynb"
    path.write_text(json.dumps(nb))
    assert read_results(path) == {"fcr": 0.75, "contacts": 1200}
    assert wb.results == {"fcr": 0.75, "contacts": 1200}


def test_headline_values_are_for_people():
    """Issue 17: no raw floats, True/False, None or code-style names in the headline block."""
    from svcworkbook.teaching.session import RecordedResults, headline_value

    assert headline_value("service_level", 0.7601498196615185) == "76.0%"
    assert headline_value("structure_asa_s_p", 9.3e-126) == "p < 0.001"
    assert headline_value("fcr_net_change", 0.0523) == "+5.2 percentage points"
    assert headline_value("nps_phone", 41.10275689223057) == "41.1"
    assert headline_value("compared", True) == "yes"
    assert headline_value("refund_rate", None) == "not recorded"
    assert headline_value("groups", ["a", "b"]) == "a, b"
    text = str(RecordedResults({"sla_compliance": 0.9, "missing": float("nan")}))
    assert "SLA compliance  90.0%" in text and "not recorded" in text
    assert "sla_compliance" not in text and "nan" not in text


def test_a_correlation_and_the_exercise_answers_read_as_their_question_asks():
    """An outside tryout: an answer key showed 'U2.E3: 0.843' for a question asking for a
    percentage, and a correlation of 0.212 as '21.2%'."""
    from svcworkbook.teaching.session import headline_value

    assert headline_value("service_level_csat_correlation", 0.2123) == "r = 0.21"
    answers = {"U2.E2": 16, "U2.E3": 0.8431, "U4.E1": 0.58, "U9.E9": 0.5}
    # U2.E2 counts staff; U2.E3 and U4.E1 ask for a percentage to one decimal place
    assert headline_value("exercise_answers", answers) == (
        "U2.E2: 16 staff; U2.E3: 84.3%; U4.E1: 58.0%; U9.E9: 0.5"
    )


def test_settle_libraries_freezes_what_exists_once_per_kernel(monkeypatch):
    import gc

    from svcworkbook.teaching import session

    monkeypatch.setattr(session, "_settled", False)
    frozen_before = gc.get_freeze_count()
    tracked_before = len(gc.get_objects())
    try:
        assert session.settle_libraries() is True
        frozen = gc.get_freeze_count()
        # every object tracked a moment ago is now out of the collector's sight
        assert frozen - frozen_before >= tracked_before * 0.9
        assert len(gc.get_objects()) < tracked_before * 0.1
        assert session.settle_libraries() is False  # the second call freezes nothing more
        # (the count may fall: frozen objects no longer used are still freed)
        assert gc.get_freeze_count() <= frozen
    finally:
        gc.unfreeze()


def test_start_unit_outside_a_kernel_leaves_the_collector_alone(monkeypatch):
    import gc

    from svcworkbook.teaching import session

    monkeypatch.setattr(session, "_settled", False)
    frozen_before = gc.get_freeze_count()
    start_unit(2, targets={"service_level_target": 0.8, "answer_within_s": 20})
    assert gc.get_freeze_count() == frozen_before
    assert session._settled is False
