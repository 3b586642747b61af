"""Units on the data there is, run the way an assessor runs them (issue 18).

Two folders that hold contacts only: the sample contacts log alone (units 1, 2 and 5, through
papermill with the folder as ``data_dir``), and a telephony export in a Genesys-style layout
written without looking at the loader (``tests/fixtures/exports/genesys/``: its own file name,
split date and time, Yes/No flags, h:mm:ss, wrap-up codes, junk columns), taken through
``svcworkbook run`` with one mapping file and no script (units 2 and 3).

Every expected figure is worked out here from the raw file with plain pandas and the
definitions written out by hand, never with the library.
"""

import json
import re
from pathlib import Path

import pandas as pd
import pytest
import yaml
from nbtools import matrix_kernel, raw_values

from svcworkbook.teaching import cli, editions, runner
from svcworkbook.teaching.kernel_pool import NotebookFailed
from svcworkbook.teaching.session import read_results

ROOT = Path(__file__).resolve().parents[1]
GENESYS = Path(__file__).parent / "fixtures" / "exports" / "genesys"
GENESYS_FILE = GENESYS / "Interactions_2026-02-02_2026-03-15.csv"
LIVE = ("phone", "chat")
CHANGE = "2026-02-16"


def seconds(text: str) -> float:
    """h:mm:ss as seconds; blank is 0."""
    if not text:
        return 0.0
    hours, minutes, secs = (int(p) for p in text.split(":"))
    return hours * 3600 + minutes * 60 + secs


def outputs_text(path: Path) -> str:
    """Markdown cells and every output of an executed notebook (what a reader sees)."""
    parts = []
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] == "markdown":
            parts.append("".join(cell["source"]))
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            parts += ["".join(data.get(k, "")) for k in ("text/plain", "text/html")]
            parts.append("".join(output.get("text", "")))
            if output.get("output_type") == "error":
                parts.append(f"ERROR {output['ename']}: {output['evalue']}")
    return "\n".join(parts)


def assert_clean(path: Path) -> str:
    """No error, no raw value, not the sample organisation's name; the reader's text."""
    text = outputs_text(path)
    assert "ERROR" not in text
    assert raw_values(path) == []
    assert "Northgate" not in text
    return text


# --- hand-computed figures ----------------------------------------------------------------------


def hand_figures(c: pd.DataFrame, short_s: float, within_s: float = 20) -> dict[str, float]:
    """The six whole-period figures by their definitions: live channels; an abandon with a known
    wait under short_s is a short abandon, out of calls offered; service level = answered within
    within_s / offered; ASA over answered live calls; AHT and FCR over every answered contact."""
    live = c["channel"].isin(LIVE)
    short = c["abandoned"] & (c["queue_wait_s"] < short_s)  # a blank wait is never short
    offered = live & ~short
    answered = offered & ~c["abandoned"]
    return {
        "calls_offered": int(offered.sum()),
        "abandonment_rate": (offered & c["abandoned"]).sum() / offered.sum(),
        "service_level_period": (answered & (c["queue_wait_s"] <= within_s)).sum() / offered.sum(),
        "average_speed_of_answer_s": c.loc[answered, "queue_wait_s"].mean(),
        "average_handle_time_s": c.loc[~c["abandoned"], "handle_time_s"].mean(),
        "first_contact_resolution": c.loc[~c["abandoned"], "resolved_first_contact"].mean(),
    }


def weakest_weekday(c: pd.DataFrame, short_s: float, within_s: float = 20) -> str:
    """The weekday with the lowest mean of daily service levels."""
    live = c["channel"].isin(LIVE)
    offered = live & ~(c["abandoned"] & (c["queue_wait_s"] < short_s))
    in_time = offered & ~c["abandoned"] & (c["queue_wait_s"] <= within_s)
    day = c["opened_at"].dt.normalize()
    daily = (in_time.groupby(day).sum() / offered.groupby(day).sum()).dropna()
    return daily.groupby(daily.index.day_name()).mean().idxmin()


# --- the sample contacts alone: units 1, 2 and 5 -------------------------------------------------


@pytest.fixture(scope="module")
def contacts_only(tmp_path_factory) -> tuple[Path, pd.DataFrame]:
    """A folder holding only contacts.csv: the sample log with every Friday abandon (after 5 s
    or more) at 7 s, so that a short-abandon threshold of 10 s changes the weakest weekday."""
    raw = pd.read_csv(ROOT / "data" / "contacts.csv", parse_dates=["opened_at"])
    friday = (raw["opened_at"].dt.dayofweek == 4) & raw["abandoned"] & (raw["queue_wait_s"] >= 5)
    raw.loc[friday, "queue_wait_s"] = 7.0
    folder = tmp_path_factory.mktemp("contacts-only")
    raw.to_csv(folder / "contacts.csv", index=False)
    return folder, raw


@pytest.fixture(scope="module")
def own_runs(contacts_only) -> dict[int, tuple[Path, dict]]:
    """Units 1, 2 (short_abandon_s = 10) and 5 (a change date) executed (the worker's warm kernel), tutor
    edition, with the contacts-only folder as data_dir."""
    folder, _ = contacts_only
    extra = {1: {}, 2: {"short_abandon_s": 10}, 5: {"change_date": CHANGE}}
    runs = {}
    for unit, params in extra.items():
        path = folder.parent / f"own-unit{unit}.ipynb"
        parameters = {"data_dir": str(folder), **params}
        runner.execute(
            runner.resolve_notebook(unit), path, parameters, edition="tutor", kernel=matrix_kernel()
        )
        runs[unit] = (path, read_results(path))
    return runs


@pytest.mark.notebook
def test_unit_1_on_contacts_alone(own_runs, contacts_only):
    """The team comparison runs on the contacts; the brand and complaints sections are skipped
    with a note each; the abandonment exercise's answer is the teams' difference by hand."""
    path, results = own_runs[1]
    _, raw = contacts_only
    text = assert_clean(path)
    for note in (
        "Worked analysis 1: the brand at every touchpoint: no surveys file was given, so this "
        "section is skipped.",
        "Worked analysis 3: the complaints log against the law: no complaints file was given, so "
        "this section is skipped.",
        "Evidence for your portfolio: no surveys file was given, so this section is skipped.",
    ):
        assert note in text
    teams = sorted(raw["team"].unique())
    assert results["structure_compared"] is False
    assert results["structure_groups"] == teams
    assert not any(k.startswith(("csat_", "refund_")) for k in results)  # nothing invented
    rates = []
    for team in teams[:2]:
        c = raw[raw["team"] == team]
        offered = c["channel"].isin(LIVE) & ~(c["abandoned"] & (c["queue_wait_s"] < 5))
        rates.append(round(100 * (offered & c["abandoned"]).sum() / offered.sum(), 1))
    assert results["exercise_answers"]["U1.E1"] == pytest.approx(
        (rates[1] - rates[0]) / 100, abs=6e-4
    )


@pytest.mark.notebook
def test_an_edition_made_for_a_contacts_only_folder_runs_to_the_end_as_in_jupyterlab(
    contacts_only, tmp_path, capsys
):
    """`svcworkbook edition --data` leaves out the sections the folder cannot run, so the edition
    run as it stands (JupyterLab's Run All: no parameters given) reaches the end; the same
    edition with every section kept stops at the first cell that needs surveys, and says how."""
    folder, raw = contacts_only
    out = tmp_path / "mine"
    assert cli.main(["edition", "1", "--learner", "--data", str(folder), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    brand = "Worked analysis 1: the brand at every touchpoint: no surveys file was given"
    assert f"skipped: {brand}, so this section is skipped." in printed
    runner.execute(
        out / "01_service_environment.ipynb", tmp_path / "ran.ipynb", kernel=matrix_kernel()
    )
    text = assert_clean(tmp_path / "ran.ipynb")
    assert f"{brand}, so this section is skipped." in text
    # the contacts section ran, on the folder's teams
    assert read_results(tmp_path / "ran.ipynb")["structure_groups"] == sorted(raw["team"].unique())

    every, _ = editions.write_edition(
        runner.resolve_notebook(1), tmp_path / "every", "learner", {"data_dir": str(folder)}
    )
    with pytest.raises(NotebookFailed) as stopped:
        runner.execute(every, tmp_path / "stopped.ipynb", kernel=matrix_kernel())
    assert f"no surveys file was given in {folder}" in str(stopped.value)
    assert "svcworkbook edition 1 --learner --data FOLDER" in str(stopped.value)


@pytest.mark.notebook
def test_unit_2_on_contacts_alone_uses_the_runs_short_abandon_threshold(own_runs, contacts_only):
    """The six figures and U2.E4's expected weekday follow short_abandon_s = 10, not 5."""
    path, results = own_runs[2]
    _, raw = contacts_only
    text = assert_clean(path)
    expected = hand_figures(raw, short_s=10)
    assert {k: results[k] for k in expected} == pytest.approx(expected)
    assert weakest_weekday(raw, 10) != weakest_weekday(raw, 5)  # the threshold matters here
    assert results["exercise_answers"]["U2.E4"] == weakest_weekday(raw, 10)
    assert "✔ U2.E4 the weekday to strengthen first: Right, and your reason says why." in text
    assert "Calls abandoned in under 10 seconds are short abandons" in text
    assert "Worked analysis 1: a service plan for next week: no intervals file was given" in text
    assert (
        "Worked analysis 5: reliability is not satisfaction: no surveys file was given, so this "
        "section is skipped." in text
    )


@pytest.mark.notebook
def test_unit_5_on_contacts_alone(own_runs, contacts_only):
    """FCR evaluated before and after the change by hand; CSAT left out with the reason; the
    SERVQUAL section skipped."""
    path, results = own_runs[5]
    _, raw = contacts_only
    text = assert_clean(path)
    answered = raw[~raw["abandoned"]]
    before = answered["opened_at"] < pd.Timestamp(CHANGE)
    assert results["change_date"] == CHANGE
    assert results["fcr_before"] == pytest.approx(
        answered.loc[before, "resolved_first_contact"].mean()
    )
    assert results["fcr_after"] == pytest.approx(
        answered.loc[~before, "resolved_first_contact"].mean()
    )
    assert not any(k.startswith("csat") for k in results) and "servqual_priority" not in results
    assert (
        "CSAT (share scoring 4-5) is left out of the evaluation: no surveys file was given." in text
    )
    assert (
        "Worked analysis 6: what to improve next (SERVQUAL): no servqual file was given, so this "
        "section is skipped." in text
    )
    phone = answered[answered["channel"] == "phone"]
    phone_before = phone["opened_at"] < pd.Timestamp(CHANGE)
    assert results["exercise_answers"]["U5.E2"] == pytest.approx(
        phone.loc[phone_before, "resolved_first_contact"].mean()
    )


# --- a telephony export through svcworkbook run, one mapping, no script --------------------------


@pytest.fixture(scope="module")
def genesys_raw() -> pd.DataFrame:
    """The Genesys-style export worked out by hand: dates, Yes/No, h:mm:ss, wrap-up codes."""
    raw = pd.read_csv(GENESYS_FILE, dtype=str, keep_default_na=False)
    day = pd.to_datetime(raw["Date"] + " " + raw["Start Time"], format="%d/%m/%Y %H:%M:%S")
    return pd.DataFrame(
        {
            "opened_at": day,
            "team": raw["Queue"],
            "channel": "phone",  # Voice and Callback are both calls
            "abandoned": raw["Abandoned"] == "Yes",
            "queue_wait_s": raw["Total Queue"].map(seconds),
            "handle_time_s": raw["Total Talk"].map(seconds)
            + raw["Total Hold"].map(seconds)
            + raw["Total ACW"].map(seconds),
            "resolved_first_contact": raw["Wrap-up"] == "Resolved",
        }
    )


@pytest.fixture(scope="module")
def genesys_runs(tmp_path_factory) -> dict[int, Path]:
    """svcworkbook run 2 and 3 on the export with its mapping (tutor edition), as an assessor."""
    out = tmp_path_factory.mktemp("genesys-reports")
    for unit in (2, 3):
        code = cli.main([
            "run", str(unit), "--data", str(GENESYS), "--map", str(GENESYS / "mapping.yaml"),
            "--edition", "tutor", "--out", str(out),
        ])  # fmt: skip
        assert code == 0
    return {2: out / "tutor" / "02_reliable_delivery.ipynb",
            3: out / "tutor" / "03_managing_operations.ipynb"}  # fmt: skip


@pytest.mark.notebook
@pytest.mark.parametrize("unit", [2, 3])
def test_a_genesys_export_gives_units_2_and_3_reports(genesys_runs, genesys_raw, unit):
    """The six recorded figures equal the hand-computed ones; the HTML report is written; the
    sections the export cannot feed are skipped with a note."""
    path = genesys_runs[unit]
    results = read_results(path)
    expected = hand_figures(genesys_raw, short_s=5)
    assert {k: results[k] for k in expected} == pytest.approx(expected)
    assert path.with_suffix(".html").is_file()
    text = assert_clean(path)
    assert "no intervals file was given, so this section is skipped" in text


@pytest.mark.notebook
def test_unit_3_dashboard_runs_on_contacts_alone(genesys_runs, genesys_raw):
    """The dashboard by team and channel runs without surveys (CSAT left out, said so), and
    U3.E2's expected answer is the first team's FCR by hand."""
    path = genesys_runs[3]
    text = assert_clean(path)
    assert "a KPI dashboard against targets, by team and channel: " not in text  # not skipped
    assert "CSAT is left out of the dashboard: no surveys file was given." in text
    assert "the red results furthest from target" in text or "No KPI is red this period" in text
    first = sorted(genesys_raw["team"].unique())[0]
    answered = genesys_raw[(genesys_raw["team"] == first) & ~genesys_raw["abandoned"]]
    results = read_results(path)
    assert results["exercise_answers"]["U3.E2"] == pytest.approx(
        answered["resolved_first_contact"].mean()
    )


# --- the README's worked example -----------------------------------------------------------------


def test_readme_mapping_example_loads_the_call_centre_export(tmp_path):
    """The mapping shown in README "Your own data" is valid and reads the export it describes
    (tests/fixtures/exports/callcentre/) exactly as the fixture's own mapping does."""
    from svcworkbook.data import loading

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("**Your own data.**") :]
    shown = re.search(r"```yaml\n(.*?)```", section, re.S).group(1)
    calls = ROOT / "tests" / "fixtures" / "exports" / "callcentre"
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "01 Call-Center-Dataset.csv").write_bytes(
        (calls / "01 Call-Center-Dataset.csv").read_bytes()
    )
    (folder / "mapping.yaml").write_text(shown, encoding="utf-8")
    ours = loading.load_folder(folder, "mapping.yaml", datasets=("contacts", "surveys"))
    fixture = loading.load_folder(calls, "mapping.yaml", datasets=("contacts", "surveys"))
    for name in ("contacts", "surveys"):
        pd.testing.assert_frame_equal(ours[name], fixture[name])
    assert yaml.safe_load(shown)["contacts"]["invert"] == {"abandoned": "Answered (Y/N)"}
