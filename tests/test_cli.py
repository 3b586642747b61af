"""The svcworkbook command: each sub-command's happy path and its clear refusals."""

from __future__ import annotations

import subprocess
import sys
import zipfile

import nbformat
import pandas as pd
import pytest

from svcworkbook.data import generators, loading
from svcworkbook.errors import DataError
from svcworkbook.teaching import cli
from svcworkbook.teaching.session import read_results


def run(*args: str) -> tuple[int, str, str]:
    """Run the command line in-process; (exit status, stdout, stderr)."""
    import contextlib
    import io as text_io

    out, err = text_io.StringIO(), text_io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = cli.main(list(args))
        except SystemExit as exit_:  # argparse's own usage errors
            status = exit_.code
    return status, out.getvalue(), err.getvalue()


def test_the_entry_point_is_installed():
    done = subprocess.run(
        [sys.executable, "-m", "svcworkbook.teaching.cli", "--help"], capture_output=True, text=True
    )
    assert done.returncode == 0
    for command in ("generate", "validate", "anonymise", "run", "edition", "classpack"):
        assert command in done.stdout


def test_generate_writes_the_same_data_as_the_library(tmp_path):
    status, out, _ = run("generate", "surveys", "--seed", "11", "--out", str(tmp_path / "s.csv"))
    assert status == 0 and "s.csv" in out
    written = loading.load("surveys", tmp_path / "s.csv")
    expected = generators.generate("surveys", seed=11)
    assert len(written) == len(expected)
    assert written["survey_id"].tolist() == expected["survey_id"].tolist()
    assert written["csat"].sum() == expected["csat"].sum()


def test_generate_all_writes_a_folder_that_validates(tmp_path):
    status, out, _ = run("generate", "all", "--seed", "3", "--days", "14", "--out", str(tmp_path))
    assert status == 0
    assert sorted(p.stem for p in tmp_path.glob("*.csv")) == sorted(generators.DATASETS)
    status, out, err = run("validate", str(tmp_path))
    assert status == 0, err
    assert "valid (8 datasets)" in out


def test_generate_refuses_an_unknown_scenario(tmp_path):
    status, _, err = run("generate", "contacts", "--scenario", "chaos", "--out", str(tmp_path))
    assert status == 1
    assert "chaos" in err and "baseline" in err


def test_validate_reports_the_file_column_and_row_and_exits_1(tmp_path):
    frame = generators.generate("contacts", seed=5, days=7)
    frame["queue_wait_s"] = frame["queue_wait_s"].astype(float)
    frame.loc[3, "queue_wait_s"] = -12.0
    path = tmp_path / "contacts.csv"
    frame.to_csv(path, index=False)
    status, out, err = run("validate", str(path))
    assert status == 1 and out == ""
    assert "contacts.csv" in err and "queue_wait_s" in err
    assert "5" in err  # frame row 3 is spreadsheet row 5 (header is row 1)


def test_validate_needs_to_know_the_dataset(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("a,b\n1,2\n")
    status, _, err = run("validate", str(path))
    assert status == 1
    assert "which dataset is export.csv? Give --dataset" in err


def _folder_with_capitalised_bad_contacts(folder):
    """A folder of a valid surveys.csv and a Contacts.xlsm (capital C) with a bad channel."""
    folder.mkdir()
    data = generators.generate_all(5, "baseline", days=7)
    data["surveys"].to_csv(folder / "surveys.csv", index=False)
    contacts = data["contacts"]
    contacts.loc[2, "channel"] = "fax"
    contacts.to_excel(folder / "Contacts.xlsx", index=False)
    (folder / "Contacts.xlsx").rename(folder / "Contacts.xlsm")
    return folder


def test_validate_folder_finds_files_as_the_notebooks_do(tmp_path):
    """validate FOLDER checks Contacts.xlsm (any case, any workbook type), as load_folder does:
    the bad channel in spreadsheet row 4 is reported, not skipped."""
    folder = _folder_with_capitalised_bad_contacts(tmp_path / "data")
    status, out, err = run("validate", str(folder))
    assert status == 1 and out == ""
    assert "Contacts.xlsm: 1 problem" in err
    assert "column 'channel': unexpected values ('fax') in row 4." in err


def test_run_data_folder_check_finds_files_as_the_notebooks_do(tmp_path):
    """run --data checks the same files the notebooks will load, before any notebook runs."""
    folder = _folder_with_capitalised_bad_contacts(tmp_path / "data")
    with pytest.raises(DataError, match=r"Contacts.xlsm: 1 problem"):
        cli.check_data_folder({"data_dir": str(folder)})
    (folder / "Contacts.xlsm").unlink()
    assert cli.check_data_folder({"data_dir": str(folder)})[0].startswith("surveys: ")


def test_validate_folder_refuses_two_files_for_one_dataset(tmp_path):
    """contacts.csv beside Contacts.xlsx: both named, exit status 1, nothing picked silently."""
    frame = generators.generate("contacts", seed=5, days=7)
    frame.to_csv(tmp_path / "contacts.csv", index=False)
    frame.to_excel(tmp_path / "Contacts.xlsx", index=False)
    status, out, err = run("validate", str(tmp_path))
    assert status == 1 and out == ""
    assert "Contacts.xlsx and contacts.csv are both contacts" in err
    assert "Fix: keep one file per dataset in the folder" in err


def test_validate_file_named_in_any_case(tmp_path):
    """A single file named 'Mystery Shops.csv' is the mystery_shops dataset."""
    frame = generators.generate("mystery_shops", seed=5, days=7)
    frame.to_csv(tmp_path / "Mystery Shops.csv", index=False)
    status, out, err = run("validate", str(tmp_path / "Mystery Shops.csv"))
    assert status == 0, err
    assert f"mystery_shops: {len(frame)} rows" in out


def test_anonymise_pseudonymises_with_the_key_and_keeps_the_key_out(tmp_path):
    frame = generators.generate("complaints", seed=9, days=28)
    source = tmp_path / "complaints.csv"
    frame.to_csv(source, index=False)
    key = tmp_path / "key.txt"
    key.write_text("a long secret key for the test run\n")
    status, out, err = run(
        "anonymise", str(source), "--key-file", str(key), "--out", str(tmp_path / "out.csv")
    )
    assert status == 0, err
    result = pd.read_csv(tmp_path / "out.csv", dtype=str, encoding="utf-8-sig")
    text = (tmp_path / "out.csv").read_text(encoding="utf-8-sig")
    for email in frame["customer_email"].dropna().head(20):
        assert email not in text
    assert "a long secret key" not in text
    assert len(result) == len(frame)
    # the same customer keeps the same token, so repeat complaints can still be counted
    assert result["customer_id"].nunique() == frame["customer_id"].nunique()


def test_anonymise_without_a_key_file_says_so(tmp_path):
    frame = generators.generate("customers", seed=9, days=7)
    frame.to_csv(tmp_path / "customers.csv", index=False)
    status, _, err = run(
        "anonymise",
        str(tmp_path / "customers.csv"),
        "--key-file",
        str(tmp_path / "none"),
        "--out",
        str(tmp_path / "o.csv"),
    )
    assert status == 1
    assert "none" in err


@pytest.mark.parametrize(
    "args, message",
    [
        (["run", "9"], "unknown unit '9'"),
        (["run", "2", "-p", "sead=3"], "has no parameter(s) sead"),
        (["run", "2", "-p", "service_level_target=1.5"], "service_level_target"),
        (["run", "2", "--data", "/no/such/folder"], "is not a folder"),
    ],
)
def test_run_refuses_bad_input_before_executing(tmp_path, args, message):
    status, _, err = run(*args, "--out", str(tmp_path))
    assert status == 1
    assert message in err
    assert not list(tmp_path.glob("*.ipynb"))


def test_run_refuses_invalid_data_before_executing(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    frame = generators.generate("contacts", seed=5, days=7)
    frame.loc[0, "channel"] = "carrier pigeon"
    frame.to_csv(data / "contacts.csv", index=False)
    status, _, err = run("run", "2", "--data", str(data), "--out", str(tmp_path / "out"))
    assert status == 1
    assert "contacts.csv" in err and "channel" in err
    assert not (tmp_path / "out").exists()


@pytest.mark.notebook
def test_run_writes_the_executed_notebook_and_report_with_the_parameters_given(tmp_path):
    values = "{dependable: [phone, delivery], easy to reach: chat}"
    status, out, err = run(
        "run", "service_environment", "--seed", "12", "-p", f"brand_values={values}",
        "-p", "organisation=Yes", "--edition", "tutor", "--out", str(tmp_path),
    )  # fmt: skip
    assert status == 0, err
    executed = tmp_path / "tutor" / "01_service_environment.ipynb"
    html = tmp_path / "tutor" / "01_service_environment.html"
    assert str(executed) in out and str(html) in out
    assert (tmp_path / "index.html").is_file() and not (tmp_path / "learner").exists()
    # the mapping reached the notebook as a mapping: brand CSAT recomputed with plain pandas
    results = read_results(executed)
    surveys = generators.generate_all(seed=12)["surveys"]
    for name, points in [("dependable", ["phone", "delivery"]), ("easy_to_reach", ["chat"])]:
        scores = surveys.loc[surveys["touchpoint"].isin(points), "csat"].dropna()
        assert results[f"brand_{name}_csat"] == pytest.approx((scores >= 4).mean())
    page = html.read_text()
    assert "<img" in page or "image/png" in page  # charts embedded in the report
    assert "from svcworkbook" not in page  # code hidden for non-programmers
    assert "Yes: survey scores by touchpoint" in page  # the name stayed text, not True
    assert "Run on data generated with seed 12, scenario baseline" in page


def test_edition_learner_drops_every_solution(tmp_path):
    status, out, err = run("edition", "3", "--learner", "--out", str(tmp_path))
    assert status == 0, err
    nb = nbformat.read(tmp_path / "03_managing_operations.ipynb", 4)
    assert not any("solution" in c.metadata.get("tags", []) for c in nb.cells)
    assert 'edition = "learner"' in "\n".join(c.source for c in nb.cells)
    # a second run is a no-op, an edited file is kept
    assert run("edition", "3", "--learner", "--out", str(tmp_path))[0] == 0
    nb.cells.append(nbformat.v4.new_markdown_cell("mine"))
    nbformat.write(nb, tmp_path / "03_managing_operations.ipynb")
    status, _, err = run("edition", "3", "--learner", "--out", str(tmp_path))
    assert status == 1 and "--force" in err
    status, _, _ = run("edition", "3", "--learner", "--out", str(tmp_path), "--force")
    assert status == 0
    assert list(tmp_path.glob("03_managing_operations.backup-*.ipynb"))


def test_edition_needs_learner_or_tutor(tmp_path):
    status, _, err = run("edition", "3", "--out", str(tmp_path))
    assert status == 2
    assert "--learner" in err


def test_classpack_reports_a_bad_roster(tmp_path):
    roster = tmp_path / "r.csv"
    roster.write_text("learner_id,name\nA1,Ann\nA1,Bob\n")
    status, _, err = run("classpack", str(roster), "--out", str(tmp_path / "pack"))
    assert status == 1
    assert "repeats ids (A1) in rows 2, 3" in err


def test_classpack_on_a_cluster_without_distributed_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if the cluster extra were missing
    roster = tmp_path / "r.csv"
    roster.write_text("learner_id,name\nA1,Ann\n")
    pack = tmp_path / "pack"
    status, _, err = run(
        "classpack", str(roster), "--out", str(pack), "--scheduler", "tcp://127.0.0.1:8786"
    )
    assert status == 1
    assert err == (
        "svcworkbook classpack: --scheduler needs Dask's distributed package: "
        "pip install 'svcworkbook[cluster]'\n"
    )
    assert not pack.exists()  # refused before any work


def test_flashcards_export_an_anki_deck(tmp_path):
    from svcworkbook.content import load_unit

    status, out, err = run("flashcards", "--unit", "2", "--out", str(tmp_path / "u2.apkg"))
    assert status == 0, err
    with zipfile.ZipFile(tmp_path / "u2.apkg") as deck:
        assert "collection.anki2" in deck.namelist()
    unit = load_unit(2)
    assert len(unit.concepts) > 0 and "u2.apkg" in out
