"""Tests for svcworkbook.data.schemas: generated data passes, every rule violation is caught."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
import pytest

from svcworkbook.data import generators, loading, pandera_schemas, schemas

SCENARIOS = tuple(generators.SCENARIOS)


@pytest.fixture(scope="module")
def tiny() -> dict[str, pd.DataFrame]:
    """A week of one team's data: small enough to edit row by row."""
    return generators.generate_all(2026, "baseline", days=7, teams=("billing",))


def _write(frame: pd.DataFrame, path) -> None:
    """Write a frame as the sample CSVs are written (ISO timestamps)."""
    frame.to_csv(path, index=False, date_format="%Y-%m-%d %H:%M:%S", lineterminator="\n")


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_every_scenario_validates_and_loads(scenario, tmp_path):
    """All eight datasets of each scenario (three weeks of them, to keep the suite quick; the
    full-size baseline is the samples, checked below) pass pandera and read back equal through
    loading.load."""
    data = generators.generate_all(2026, scenario, days=21)
    assert set(data) == set(pandera_schemas.SCHEMAS)
    for name, frame in data.items():
        assert len(frame) > 0, name
        pandera_schemas.SCHEMAS[name].validate(frame, lazy=True)
        path = tmp_path / f"{name}.csv"
        _write(frame, path)
        pd.testing.assert_frame_equal(loading.load(name, path), frame, check_exact=True)


def test_full_size_samples_pass_pandera():
    """The bundled samples (twelve weeks, full size) pass the pandera schemas as loaded."""
    for name, frame in loading.load_samples().items():
        pandera_schemas.SCHEMAS[name].validate(frame, lazy=True)


def test_tiny_data_validates_and_loads(tiny, tmp_path):
    """Seven days and one team still give valid, loadable data."""
    for name, frame in tiny.items():
        pandera_schemas.SCHEMAS[name].validate(frame, lazy=True)
        path = tmp_path / f"{name}.csv"
        _write(frame, path)
        pd.testing.assert_frame_equal(loading.load(name, path), frame, check_exact=True)
    assert set(tiny["contacts"]["team"]) == {"billing"}


def _failures(dataset: str, frame: pd.DataFrame) -> pd.DataFrame:
    """The pandera failure cases of a frame that must fail validation."""
    with pytest.raises(pa.errors.SchemaErrors) as caught:
        pandera_schemas.SCHEMAS[dataset].validate(frame, lazy=True)
    return caught.value.failure_cases


def _failed_rows(cases: pd.DataFrame, column: str, check: str) -> set[int]:
    """Row labels that failed a check (matched by a substring of its name) on a column."""
    hits = cases[
        (cases["column"] == column) & cases["check"].astype(str).str.contains(check, regex=False)
    ]
    return {int(i) for i in hits["index"]}


def test_negative_duration_rejected(tiny):
    """A negative handle time breaks 'handle times are > 0'."""
    frame = tiny["contacts"].copy()
    row = frame.index[frame["handle_time_s"].notna()][3]
    frame.loc[row, "handle_time_s"] = -12.0
    cases = _failures("contacts", frame)
    assert _failed_rows(cases, "handle_time_s", "greater_than(0)") == {row}


def test_handle_times_must_be_more_than_zero(tiny):
    """A 0 handle time or AHT is a recording error; the smallest positive time passes."""
    contacts, intervals = tiny["contacts"].copy(), tiny["intervals"].copy()
    timed = contacts.index[contacts["handle_time_s"].notna()]
    contacts.loc[timed[:2], "handle_time_s"] = [0.0, 0.001]
    assert _failed_rows(_failures("contacts", contacts), "handle_time_s", "greater_than(0)") == {
        timed[0]
    }
    handled = intervals.index[intervals["aht_s"].notna()]
    intervals.loc[handled[:2], "aht_s"] = [0.0, 0.001]
    assert _failed_rows(_failures("intervals", intervals), "aht_s", "greater_than(0)") == {
        handled[0]
    }


def test_zero_agents_scheduled_is_allowed(tiny):
    """An interval with nobody rostered (lines closed) is valid; fewer than 0 agents is not."""
    frame = tiny["intervals"].copy()
    frame.loc[[0, 1], ["offered", "handled", "agents_scheduled"]] = 0
    frame.loc[[0, 1], "aht_s"] = float("nan")
    pd.testing.assert_frame_equal(pandera_schemas.SCHEMAS["intervals"].validate(frame), frame)
    frame.loc[1, "agents_scheduled"] = -1
    cases = _failures("intervals", frame)
    assert _failed_rows(cases, "agents_scheduled", "greater_than_or_equal_to(0)") == {1}


def test_negative_queue_wait_rejected(tiny):
    """A negative queue wait is rejected too."""
    frame = tiny["contacts"].copy()
    frame.loc[0, "queue_wait_s"] = -1.0
    assert _failed_rows(_failures("contacts", frame), "queue_wait_s", "greater_than") == {0}


@pytest.mark.parametrize(("column", "bad", "check"), [("csat", 6, "less_than_or_equal_to(5)"),
                                                     ("csat", 0, "greater_than_or_equal_to(1)"),
                                                     ("nps", 11, "less_than_or_equal_to(10)"),
                                                     ("ces", 8, "less_than_or_equal_to(7)")])  # fmt: skip
def test_score_off_its_scale_rejected(tiny, column, bad, check):
    """CSAT runs 1-5, NPS 0-10, CES 1-7: a score outside is rejected."""
    frame = tiny["surveys"].copy()
    row = frame.index[frame[column].notna()][0]
    frame.loc[row, column] = bad
    assert _failed_rows(_failures("surveys", frame), column, check) == {row}


def test_duplicate_ids_rejected(tiny):
    """Two complaints with one reference are both named."""
    frame = tiny["complaints"].copy()
    frame.loc[4, "complaint_id"] = frame.loc[1, "complaint_id"]
    assert _failed_rows(_failures("complaints", frame), "complaint_id", "uniqueness") == {1, 4}


def test_resolved_before_opened_rejected(tiny):
    """A contact resolved an hour before it was opened fails the cross-column rule."""
    frame = tiny["contacts"].copy()
    row = frame.index[frame["resolved_at"].notna()][5]
    frame.loc[row, "resolved_at"] = frame.loc[row, "opened_at"] - pd.Timedelta(hours=1)
    cases = _failures("contacts", frame)
    assert _failed_rows(cases, "resolved_at", "resolved before it was opened") == {row}


def test_refund_paid_before_agreed_rejected(tiny):
    """A refund paid the day before it was agreed is rejected (Consumer Rights Act timeline)."""
    frame = tiny["complaints"].copy()
    frame.loc[0, "refund_agreed_at"] = pd.Timestamp("2026-01-08 10:00")
    frame.loc[0, "refund_paid_at"] = pd.Timestamp("2026-01-07 10:00")
    cases = _failures("complaints", frame)
    assert _failed_rows(cases, "refund_paid_at", "paid before it is agreed") == {0}


def test_unknown_channel_rejected(tiny):
    """'fax' is not one of phone, email, chat, social."""
    frame = tiny["contacts"].copy()
    frame.loc[2, "channel"] = "fax"
    assert _failed_rows(_failures("contacts", frame), "channel", "isin") == {2}


def test_handled_more_than_offered_rejected(tiny):
    """An interval cannot handle more contacts than were offered."""
    frame = tiny["intervals"].copy()
    row = frame.index[frame["offered"] > 0][0]
    frame.loc[row, "handled"] = frame.loc[row, "offered"] + 1
    assert _failed_rows(_failures("intervals", frame), "handled", "handled <= offered") == {row}


def test_scores_from_a_survey_not_responded_to_rejected(tiny):
    """A survey marked not responded may not carry a csat, nps or ces score; one that responded
    with blank scores, and one not responded with none, pass."""
    frame = tiny["surveys"].copy()
    scored = frame.index[frame["csat"].notna()]
    frame.loc[scored[:2], "responded"] = False
    frame.loc[scored[2], ["csat", "nps"]] = pd.NA
    frame.loc[scored[3], ["csat", "nps", "ces"]] = pd.NA
    cases = _failures("surveys", frame)
    assert _failed_rows(cases, "responded", "set responded to True") == set(scored[:2])
    frame.loc[scored[:2], ["csat", "nps", "ces"]] = pd.NA  # the fix: blank the scores
    pandera_schemas.SCHEMAS["surveys"].validate(frame, lazy=True)


def test_blank_required_id_rejected(tiny):
    """A blank contact id is not allowed (ids are required)."""
    frame = tiny["contacts"].copy()
    frame.loc[1, "contact_id"] = None
    assert _failed_rows(_failures("contacts", frame), "contact_id", "not_nullable") == {1}


def test_missing_required_column_rejected(tiny):
    """Dropping a required column fails the schema."""
    frame = tiny["staff"].drop(columns="team")
    cases = _failures("staff", frame)
    assert "team" in set(cases["failure_case"].astype(str))


def test_valid_frame_passes_unchanged(tiny):
    """Validation returns the same data (pandera does not coerce or drop)."""
    frame = tiny["customers"]
    pd.testing.assert_frame_equal(pandera_schemas.SCHEMAS["customers"].validate(frame), frame)


@pytest.mark.parametrize("dataset", schemas.DATASETS)
def test_describe_covers_every_column(dataset, tiny):
    """The data dictionary lists every column of the contract once, each with type and meaning."""
    table = schemas.describe(dataset)
    assert list(table["column"]) == list(schemas.SPECS[dataset].columns)
    assert list(table["column"]) == list(tiny[dataset].columns)
    assert table["type"].str.len().gt(0).all()
    assert table["meaning"].str.len().gt(0).all()
    for _, row in table.iterrows():
        col = schemas.SPECS[dataset].columns[row["column"]]
        if col.allowed:
            assert row["allowed"] == ", ".join(col.allowed)
        assert row["blank allowed"] == ("yes" if col.nullable else "no")


def test_describe_states_scales_and_units():
    """Scales read as ranges and durations carry their unit."""
    surveys = schemas.describe("surveys").set_index("column")
    assert surveys.loc["csat", "allowed"] == "1 to 5"
    assert surveys.loc["nps", "allowed"] == "0 to 10"
    assert surveys.loc["ces", "allowed"] == "1 to 7"
    contacts = schemas.describe("contacts").set_index("column")
    assert contacts.loc["handle_time_s", "unit"] == "seconds"
    assert contacts.loc["handle_time_s", "allowed"] == "more than 0"
    intervals = schemas.describe("intervals").set_index("column")
    assert intervals.loc["aht_s", "allowed"] == "more than 0"
    assert intervals.loc["agents_scheduled", "allowed"] == "0 or more"
    assert contacts.loc["channel", "allowed"] == "phone, email, chat, social"


def test_describe_unknown_dataset():
    """An unknown dataset name is a ValueError listing the choices."""
    with pytest.raises(ValueError, match="choose one of: contacts"):
        schemas.describe("calls")


def test_schemas_match_datasets_module():
    """The schemas cover exactly the datasets the generator makes, in the same order."""
    assert schemas.DATASETS == generators.DATASETS
