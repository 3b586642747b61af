"""Hardening: bad files and bad command lines get a clear refusal, never a traceback, and nothing
a person made is lost or leaked.

The corpus is ``tests/fixtures/bad_inputs/`` (files) plus the command lines below. Each case
says what must happen: ``refused`` (exit status 1 and a message containing the given words) or
``accepted`` (exit status 0, then a check of what was written). The last test runs every case
and prints the count line: inputs tried; clear errors; silent acceptances; tracebacks; data lost.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import shutil
import stat
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pytest

from svcworkbook.data import loading, privacy
from svcworkbook.data.roster import read_roster
from svcworkbook.errors import DataError, ParameterError
from svcworkbook.learning import portfolio, progress, storage
from svcworkbook.teaching import cli, runner
from svcworkbook.teaching.session import check_target

CORPUS = Path(__file__).parent / "fixtures" / "bad_inputs"
SAMPLES = Path(__file__).resolve().parents[1] / "data"


def run(*args: str) -> tuple[int, str]:
    """Run the command line in-process; (exit status, everything it printed)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        try:
            status = cli.main([str(a) for a in args])
        except SystemExit as exit_:  # argparse's own usage errors
            status = exit_.code
    return status, out.getvalue()


def digest(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def workspace(tmp_path):
    """A folder holding a complaints export and a private key, as an assessor has them."""
    shutil.copy(SAMPLES / "complaints.csv", tmp_path / "complaints.csv")
    privacy.write_new_key(tmp_path / "secret.key")
    return tmp_path


# --- data loss -------------------------------------------------------------------------------


def test_anonymise_refuses_to_write_over_its_input_given_as_the_folder(workspace):
    before = digest(workspace / "complaints.csv")
    status, out = run(
        "anonymise", workspace / "complaints.csv", "--key-file", workspace / "secret.key",
        "--out", workspace,
    )  # fmt: skip
    assert status == 1 and "is the input file" in out
    assert digest(workspace / "complaints.csv") == before


def test_anonymise_refuses_to_write_over_the_key_or_through_a_link(workspace):
    key_before = digest(workspace / "secret.key")
    status, out = run(
        "anonymise", workspace / "complaints.csv", "--key-file", workspace / "secret.key",
        "--out", workspace / "secret.key",
    )  # fmt: skip
    assert status == 1 and "is the key file" in out
    assert digest(workspace / "secret.key") == key_before
    (workspace / "link.csv").symlink_to(workspace / "complaints.csv")
    before = digest(workspace / "complaints.csv")
    status, out = run(
        "anonymise", workspace / "complaints.csv", "--key-file", workspace / "secret.key",
        "--out", workspace / "link.csv",
    )  # fmt: skip
    assert status == 1 and "is the input file" in out
    assert digest(workspace / "complaints.csv") == before


def test_evidence_markdown_is_written_atomically(tmp_path, monkeypatch):
    log = portfolio.EvidenceLog(learner="tess", home=tmp_path)
    log.add("Call review", "observation", "2026-02-01", "First.", ["U2.MP1"])
    target = tmp_path / "evidence.md"
    portfolio.export_markdown(log, target)
    good = target.read_text()
    log.add("Second review", "observation", "2026-02-02", "", ["U2.MP1"])

    def full_disk(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(storage.os, "replace", full_disk)
    with pytest.raises(OSError):
        portfolio.export_markdown(log, target)
    assert target.read_text() == good  # the earlier export is whole
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


# --- privacy and security ----------------------------------------------------------------------


def test_keygen_writes_a_private_key_and_never_replaces_one(tmp_path):
    status, out = run("keygen", "--out", tmp_path / "k.key")
    assert status == 0
    mode = stat.S_IMODE((tmp_path / "k.key").stat().st_mode)
    assert mode == 0o600
    key = privacy.read_key(tmp_path / "k.key")
    assert len(key) == 64 and int(key, 16) >= 0  # 32 random bytes as hex
    before = digest(tmp_path / "k.key")
    status, out = run("keygen", "--out", tmp_path / "k.key")
    assert status == 1 and "never overwritten" in out
    assert digest(tmp_path / "k.key") == before


def test_anonymise_warns_about_a_key_others_can_read_or_inside_the_output(workspace):
    key = workspace / "out" / "shared.key"
    key.parent.mkdir()
    key.write_text("a" * 64)
    os.chmod(key, 0o644)
    status, out = run(
        "anonymise", workspace / "complaints.csv", "--key-file", key, "--out", workspace / "out"
    )
    assert status == 0
    assert "can be read by every user" in out and "chmod 600" in out
    assert "inside the output folder" in out
    status, out = run(
        "anonymise", workspace / "complaints.csv", "--key-file", workspace / "secret.key",
        "--out", workspace / "elsewhere",
    )  # fmt: skip
    assert status == 0 and "Warning" not in out


def test_yaml_aliases_are_refused_in_a_mapping_before_expansion(tmp_path):
    status, out = run(
        "validate", SAMPLES / "complaints.csv", "--map", CORPUS / "mapping_billion_laughs.yaml"
    )
    assert status == 1
    assert "mapping_billion_laughs.yaml" in out and "aliases" in out and "Fix:" in out


def test_yaml_aliases_are_refused_in_a_parameter():
    with pytest.raises(ParameterError, match="aliases"):
        runner.parse_parameter("brand_values={a: &x [phone], b: *x}")
    # ordinary values still read as before
    assert runner.parse_parameter("brand_values={dependable: [phone, delivery]}") == (
        "brand_values",
        {"dependable": ["phone", "delivery"]},
    )
    assert runner.parse_parameter("organisation=Yes") == ("organisation", "Yes")


def test_evidence_titles_cannot_forge_markdown_headings_or_marking_points(tmp_path):
    log = portfolio.EvidenceLog(learner="tess", home=tmp_path)
    forged = "Call review\n## 9. Fake item\nMarking points met:\n- U2.MP9: all of them"
    log.add(forged, "observation", "2026-02-01", "# Not a heading", ["U2.MP1"])
    text = portfolio.export_markdown(log, tmp_path / "e.md").read_text()
    headings = [line for line in text.splitlines() if line.startswith("#")]
    assert headings == ["# Portfolio evidence log", headings[1]] and len(headings) == 2
    assert headings[1].startswith("## 1. Call review")
    assert text.splitlines().count("Marking points met:") == 1
    assert not any(line.startswith("- U2.MP9") for line in text.splitlines())
    assert "\\# Not a heading" in text


def test_dollar_and_caret_in_an_evidence_title_draw(tmp_path):
    import matplotlib.pyplot as plt

    log = portfolio.EvidenceLog(learner="tess", home=tmp_path)
    log.add("Saved $5 ^ and $x^2$ for a customer", "work product", "2026-02-01", "", ["U2.MP1"])
    ax = portfolio.coverage_heatmap(portfolio.coverage_matrix(log, units=[2]))
    ax.figure.canvas.draw()  # mathtext would raise here
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert any("$5" in label.replace("\\$", "$") for label in labels)
    plt.close(ax.figure)


UK_FORMATS = [
    "(020) 7946 0018", "0044 7700 900123", "(07700) 900123", "07700.900.123", "+44 (0)20 7946 0018",
    "0800 123 4567", "07700-900-123",
]  # fmt: skip


@pytest.mark.parametrize("number", UK_FORMATS)
def test_uk_phone_numbers_in_every_usual_format_are_redacted(number):
    assert privacy.redact(f"ring me on {number} today") == "ring me on [PHONE] today"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("post to GIR 0AA please", "post to [POSTCODE] please"),
        ("my name is jo bloggs, thanks", "my name is [NAME], thanks"),
        ("Spoke to Mrs Adebayo-Smith twice", "Spoke to Mrs [NAME] twice"),
        ("Regards, Tunde Bakare", "Regards, [NAME]"),
        ("Chased by Grace Hughes on Monday", "Chased by [NAME] on Monday"),
    ],
)
def test_names_and_postcodes_outside_the_generators_lists_are_redacted(text, expected):
    assert privacy.redact(text) == expected


@pytest.mark.parametrize(
    "text",
    ["Product Price was wrong", "Grace period ends 12/03/2026", "Order 12345678901 late",
     "Refund of £25.00 took 14 days", "Will call back at 10:30", "Price match refused"],
)  # fmt: skip
def test_ordinary_words_dates_and_numbers_are_not_redacted(text):
    assert privacy.redact(text) == text


def test_one_email_gets_one_token_whatever_its_case_or_spacing():
    frame = pd.DataFrame(
        {"customer_email": ["Jo.Bloggs@Example.com", " jo.bloggs@example.com ", "sam@x.org"]}
    )
    tokens = privacy.pseudonymise(frame, b"k" * 32, ["customer_email"])["customer_email"]
    assert tokens[0] == tokens[1] != tokens[2]


def test_anonymise_redacts_every_text_column_and_reports_per_column(workspace):
    export = pd.read_csv(workspace / "complaints.csv", dtype=str)
    export["Agent Notes"] = "Customer Jo Bloggs called from 07700 900123"
    export["complaint_details"] = "email me at jo@example.com"
    export.to_csv(workspace / "ticket export.csv", index=False)
    status, out = run(
        "anonymise", workspace / "ticket export.csv", "--key-file", workspace / "secret.key",
        "--out", workspace / "safe",
    )  # fmt: skip
    assert status == 0, out
    safe = pd.read_csv(workspace / "safe" / "ticket export.csv", dtype=str, encoding="utf-8-sig")
    assert set(safe["Agent Notes"]) == {"Customer [NAME] called from [PHONE]"}
    assert set(safe["complaint_details"]) == {"email me at [EMAIL]"}
    assert privacy.personal_data_left(safe) == []
    assert "Agent Notes: personal data redacted: " in out and "1 phone" not in out
    assert "customer_email: replaced by keyed tokens" in out


def test_a_far_stray_excel_cell_is_refused_before_reading():
    with pytest.raises(DataError, match="stray cell") as err:
        loading.load("contacts", CORPUS / "contacts_far_cell.xlsx")
    assert "17,179,869,184 cells" in str(err.value) and "Fix:" in str(err.value)


def test_a_workbook_that_unpacks_too_large_is_refused(tmp_path, monkeypatch):
    import openpyxl

    from svcworkbook.data import reading

    book = openpyxl.Workbook()
    for _row in range(2000):
        book.active.append(["x" * 50] * 10)
    book.save(tmp_path / "contacts.xlsx")
    monkeypatch.setattr(reading, "MAX_EXCEL_UNZIPPED_BYTES", 100_000)
    with pytest.raises(DataError, match="unpacks to"):
        loading.load("contacts", tmp_path / "contacts.xlsx")


def test_nul_bytes_in_a_csv_are_refused_naming_the_line():
    with pytest.raises(DataError, match="line 2 holds NUL bytes"):
        loading.load("contacts", CORPUS / "contacts_nul.csv")


# --- wrong data accepted without a word ---------------------------------------------------------


def test_an_infinite_target_is_refused():
    with pytest.raises(ParameterError, match="finite"):
        check_target("answer_within_s", float("inf"))
    assert check_target("answer_within_s", 20) == 20.0


def test_generate_start_is_read_day_first(tmp_path):
    status, out = run("generate", "contacts", "--rows", "40", "--start", "05/01/2026",
                      "--out", tmp_path / "c.csv")  # fmt: skip
    assert status == 0, out
    opened = pd.to_datetime(pd.read_csv(tmp_path / "c.csv")["opened_at"])
    assert opened.min().date().isoformat() == "2026-01-05"  # 5 January, not 1 May


@pytest.mark.parametrize(
    "start, words",
    [
        ("1000-01-01", "between 1900 and 2100"),
        ("31/02/2026", "not a real day"),
        ("soon", "not a date"),
    ],
)
def test_generate_start_out_of_range_is_refused(tmp_path, start, words):
    status, out = run("generate", "contacts", "--start", start, "--out", tmp_path / "c.csv")
    assert status == 1 and words in out and "YYYY-MM-DD" in out


def test_a_roster_naming_learner_id_twice_is_refused():
    with pytest.raises(DataError, match="learner_id more than once"):
        read_roster(CORPUS / "roster_learner_id_twice.csv")


# --- unclear errors ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, words",
    [
        ("roster_latin1.csv", "CSV UTF-8"),
        ("roster_utf16_no_bom.csv", "UTF-16"),
        ("roster_trailing_comma.csv", "more values than the header"),
    ],
)
def test_rosters_in_other_encodings_or_shapes_say_how_to_fix_them(name, words):
    with pytest.raises(DataError) as err:
        read_roster(CORPUS / name)
    assert name in str(err.value) and words in str(err.value) and "Fix:" in str(err.value)


def test_a_learner_name_with_a_trailing_newline_is_refused(tmp_path):
    with pytest.raises(ValueError):
        progress.learner_home("sam\n", home=tmp_path)


def test_an_anki_deck_name_in_capitals_is_fine(tmp_path):
    status, out = run("flashcards", "--unit", "2", "--out", tmp_path / "DECK.APKG")
    assert status == 0, out
    assert (tmp_path / "DECK.APKG").stat().st_size > 0


@pytest.mark.parametrize(
    "args, words",
    [
        (("generate", "contacts", "--rows", "10", "--out", "/proc/svc/c.csv"), "/proc/svc"),
        (("validate", "{samples}/contacts.csv", "--map", "{tmp}"), "is a folder"),
        (("generate", "contacts", "--rows", "10", "--out", "{tmp}/file.csv/c.csv"), "Fix"),
    ],
)
def test_file_system_errors_are_one_line_naming_the_path(tmp_path, args, words):
    (tmp_path / "file.csv").write_text("not a folder")
    args = [a.format(tmp=tmp_path, samples=SAMPLES) for a in args]
    status, out = run(*args)
    assert status == 1
    assert "Traceback" not in out and words in out
    assert len(out.strip().splitlines()) == 1


# --- part 3: the loader's wrong data and crashes -------------------------------------------------


def test_a_second_channel_column_that_disagrees_is_refused_naming_the_rows():
    with pytest.raises(DataError) as err:
        loading.load("contacts", CORPUS / "contacts_two_channels.csv")
    text = str(err.value)
    assert "'channel' (column 4) and 'Channel' (column 15)" in text
    assert "their values differ in row 4." in text and "Fix: keep the right one" in text


def test_a_column_named_twice_with_the_same_values_is_read_once(tmp_path):
    export = pd.read_csv(CORPUS / "contacts_two_channels.csv", dtype=str)
    export["Channel"] = export["channel"].str.upper()  # the same values, another case
    export.to_csv(tmp_path / "contacts.csv", index=False)
    frame = loading.load("contacts", tmp_path / "contacts.csv")
    assert list(frame["channel"]) == list(export["channel"])
    assert "Channel" not in frame.columns and "channel_1" not in frame.columns
    # the same header written twice (pandas would call the second 'channel.1')
    header = (tmp_path / "contacts.csv").read_text().splitlines()
    header[0] = header[0].replace(",Channel", ",channel")
    rows = [line.split(",") for line in header]
    rows[3][-1] = "social"  # disagrees on spreadsheet row 4
    (tmp_path / "twice.csv").write_text("\n".join(",".join(r) for r in rows) + "\n")
    with pytest.raises(DataError, match=r"'channel' \(column 4\) and 'channel' \(column 15\)"):
        loading.load("contacts", tmp_path / "twice.csv")


def test_an_excel_formula_without_a_saved_value_is_refused_naming_the_cells():
    import openpyxl

    book = openpyxl.load_workbook(CORPUS / "contacts_formula_no_value.xlsx")  # as Excel would
    assert book.active["J4"].value == "=300+119"
    with pytest.raises(DataError) as err:
        loading.load("contacts", CORPUS / "contacts_formula_no_value.xlsx")
    assert "cell(s) J4, J7 hold a formula with no saved value" in str(err.value)
    assert "Fix: open the file in Excel or LibreOffice and save it again" in str(err.value)


def test_an_excel_formula_with_its_saved_value_is_read(tmp_path):
    """A workbook Excel saved keeps each formula's value beside it (<f> and <v>): that is read."""
    import zipfile

    source = CORPUS / "contacts_formula_no_value.xlsx"
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(tmp_path / "contacts.xlsx", "w") as new:
        for item in old.infolist():
            data = old.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<f>300+119</f><v></v>", b"<f>300+119</f><v>419</v>")
                data = data.replace(b"<f>300+119</f><v />", b"<f>300+119</f><v>419</v>")
                data = data.replace(b"<f>SUM(400,61)</f><v></v>", b"<f>SUM(400,61)</f><v>461</v>")
                data = data.replace(b"<f>SUM(400,61)</f><v />", b"<f>SUM(400,61)</f><v>461</v>")
            new.writestr(item, data)
    frame = loading.load("contacts", tmp_path / "contacts.xlsx")
    assert frame.loc[2, "handle_time_s"] == 419 and frame.loc[5, "handle_time_s"] == 461


def test_a_handle_time_of_1e308_is_refused_at_the_24_hour_bound():
    with pytest.raises(DataError) as err:
        loading.load("contacts", CORPUS / "contacts_handle_1e308.csv")
    text = str(err.value)
    assert "column 'handle_time_s': values above 86,400 ('1e+308') in row 5." in text
    assert "over 24 hours is a recording error" in text
    from svcworkbook.data.schemas import MAX_HANDLE_S, MAX_WAIT_S

    assert MAX_HANDLE_S == 24 * 60 * 60 and MAX_WAIT_S == 30 * 24 * 60 * 60


def test_a_handle_time_of_exactly_24_hours_is_accepted(tmp_path):
    export = pd.read_csv(CORPUS / "contacts_handle_1e308.csv", dtype=str)
    export.loc[3, "handle_time_s"] = "24:00:00"  # h:mm:ss, 86,400 seconds: on the bound
    export.to_csv(tmp_path / "contacts.csv", index=False)
    assert loading.load("contacts", tmp_path / "contacts.csv").loc[3, "handle_time_s"] == 86_400


def test_dates_in_2099_are_refused_naming_the_rows():
    with pytest.raises(DataError) as err:
        loading.load("contacts", CORPUS / "contacts_2099.csv")
    text = str(err.value)
    limit = (pd.Timestamp.now().normalize() + pd.Timedelta(days=366)).strftime("%d %b %Y")
    assert f"column 'opened_at': dates more than a year ahead, after {limit}" in text
    assert "in rows 3, 7." in text and "Fix: check the year" in text


def test_a_retention_date_years_ahead_is_fine(tmp_path):
    complaints = pd.read_csv(SAMPLES / "complaints.csv", dtype=str)
    assert complaints["retain_until"].dropna().str[:4].astype(int).max() >= 2031
    complaints.to_csv(tmp_path / "complaints.csv", index=False)
    assert len(loading.load("complaints", tmp_path / "complaints.csv")) == len(complaints)


def test_a_trailing_comma_on_every_data_row_is_left_out_with_a_note():
    frame = loading.load("contacts", CORPUS / "contacts_trailing_comma.csv")
    expected = pd.read_csv(SAMPLES / "contacts.csv", dtype=str, nrows=8)
    assert list(frame["contact_id"]) == list(expected["contact_id"])  # not shifted to an index
    assert any("a separator at the end of every data row" in n for n in frame.attrs["notes"])


def test_extra_values_on_every_row_are_refused_naming_the_rows():
    with pytest.raises(DataError) as err:
        loading.load("contacts", CORPUS / "contacts_extra_values.csv")
    text = str(err.value)
    assert "contacts_extra_values.csv: rows 2, 3, 4, 5, 6 and 3 more have more values than" in text
    assert "Fix: add the missing column name" in text


@pytest.mark.parametrize("kind", ["fifo", "dev zero", "folder"])
def test_a_data_file_that_is_not_a_regular_file_says_so(tmp_path, kind):
    path = tmp_path / "contacts.csv"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "dev zero":
        path.symlink_to("/dev/zero")
    else:
        path.mkdir()
    with pytest.raises(DataError, match="is (not a regular file|a folder)") as err:
        loading.load("contacts", path)
    assert "no such file" not in str(err.value) and "Fix:" in str(err.value)


def test_unit_1_runs_with_a_team_whose_name_has_a_space():
    from svcworkbook.units.unit1_environment import structure

    contacts = loading.load_samples()["contacts"]
    contacts.loc[contacts["team"] == "billing", "team"] = "front office"
    comparison = structure.compare_structures(20, contacts=contacts, data_dir=SAMPLES)
    table = structure.readable_table(comparison).set_index("measure")
    assert list(table.columns) == ["front office", "orders", "technical"]
    front = contacts[contacts["team"] == "front office"]
    assert table.loc["Contacts", "front office"] == f"{len(front):,}"


def _damaged_content(tmp_path: Path, monkeypatch) -> Path:
    """The five unit files copied to tmp_path, unit 3's with a broken line (an unclosed quote)."""
    from svcworkbook.content import loader

    files = {}
    for number, path in loader.unit_files().items():
        files[number] = tmp_path / path.name
        shutil.copy(path, files[number])
    text = files[3].read_text(encoding="utf-8").splitlines()
    text[5] = 'title: "Managing service operations'
    files[3].write_text("\n".join(text) + "\n", encoding="utf-8")
    monkeypatch.setattr(loader, "unit_files", lambda directory=None: dict(files))
    return files[3]


def test_a_damaged_content_file_stops_a_run_before_any_notebook(tmp_path, monkeypatch):
    damaged = _damaged_content(tmp_path, monkeypatch)
    status, out = run("run", "1", "--out", tmp_path / "site")
    assert status == 1 and "Traceback" not in out
    assert f"{damaged.name}: line" in out and "YAML syntax error" in out
    assert not (tmp_path / "site").exists() or not any((tmp_path / "site").rglob("*.ipynb"))


# --- part 3: comments in reports ------------------------------------------------------------------


def _surveys_with_personal_data() -> pd.DataFrame:
    """The sample surveys with a phone number, an email and a name in every lowest-scoring
    comment (the comments a report quotes as its example)."""
    surveys = loading.load_samples()["surveys"]
    low = surveys["comment"].notna() & (surveys["csat"] == 1)
    surveys.loc[low, "comment"] = (
        surveys.loc[low, "comment"] + " Ring Jo Bloggs on 07700 900123 or jo@example.com"
    )
    return surveys


def test_unit_3_report_shows_survey_comments_redacted():
    from svcworkbook.units.unit3_operations import dashboard

    themes = dashboard.comment_themes(_surveys_with_personal_data())
    quoted = [c for c in themes["example_comment"] if "Ring" in c]
    assert quoted  # the lowest-scoring comment of a theme is one of those edited
    assert all(c.endswith("Ring [NAME] on [PHONE] or [EMAIL]") for c in quoted)
    causes = dashboard.complaint_causes(loading.load_samples()["complaints"])
    table = pd.DataFrame(
        columns=["team", "kpi", "label", "value", "target", "unit", "n", "gap", "rag"]
    )
    text = " ".join(dashboard.dashboard_sentences(table, themes, causes, "Org"))
    assert "07700" not in text and "jo@example.com" not in text and "Bloggs" not in text


def test_unit_4_triangulation_shows_survey_comments_redacted():
    from svcworkbook.units.unit4_review import feedback
    from svcworkbook.units.unit4_review import measurement_plan as mp

    samples = loading.load_samples()
    window = mp.review_window(samples["contacts"])
    table = feedback.triangulation(_surveys_with_personal_data(), samples["complaints"], window)
    shown = " ".join(table["example_comment"])
    assert "[PHONE]" in shown and "07700" not in shown and "jo@example.com" not in shown


# --- part 3: damaged saved state ------------------------------------------------------------------

GOOD_ANSWER = {
    "unit": 1, "question": "U1.Q1", "chosen": 2, "correct": True, "concept": "U1.C1",
    "marking_point": None, "at": "2026-01-05T10:00:00+00:00",
}  # fmt: skip
GOOD_CARD = {"box": 2, "due": "2026-01-07", "reviews": 1, "lapses": 0}  # an old Leitner state


def _damaged_progress(folder: Path) -> Path:
    """A progress file with one good entry of each kind beside damaged ones."""
    from datetime import UTC, datetime

    from svcworkbook.learning import scheduling

    unknown_state = scheduling.new_state(datetime(2026, 1, 5, tzinfo=UTC)).to_dict()
    unknown_state["fsrs"]["state"] = 7  # FSRS knows 1 (learning), 2 (review), 3 (relearning)
    # 8 entries damaged: answers 1, "x" and chosen "b"; box 9 and state 7; the quiz place; two
    # exercise attempts
    data = {
        "format": progress.FORMAT, "version": progress.VERSION,
        "answers": [1, "x", GOOD_ANSWER, {**GOOD_ANSWER, "chosen": "b"}],
        "cards": {"U1.C1": {"box": 9, "due": "2026-01-07"}, "U1.C2": unknown_state,
                  "U1.C3": GOOD_CARD},
        "quizzes": {"unit1": "not a place"},
        "exercises": [{"id": "U2.E1", "verdict": "right"}, ["U2.E2", "right"], {"verdict": 3}],
    }  # fmt: skip
    path = folder / "tess" / "progress.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_damaged_progress_entries_are_set_aside_and_the_rest_kept(tmp_path):
    from svcworkbook.learning import flashcards

    path = _damaged_progress(tmp_path)
    original = path.read_bytes()
    with pytest.warns(storage.CorruptStateWarning, match="8 entries this workbook cannot read"):
        saved = progress.load_progress("tess", home=tmp_path)
    assert saved.answers == [GOOD_ANSWER]
    assert list(saved.cards) == ["U1.C3"]
    assert list(saved.answers_frame()["question"]) == ["U1.Q1"]
    copies = list(path.parent.glob("progress.corrupt-*.json"))
    assert len(copies) == 1 and copies[0].read_bytes() == original  # nothing lost
    tidied = json.loads(path.read_text())
    assert tidied["exercises"] == [{"id": "U2.E1", "verdict": "right"}] and tidied["quizzes"] == {}
    # read again: clean now, so no second copy and no warning
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert list(flashcards.saved_states("tess", home=tmp_path)) == ["U1.C3"]
        assert progress.exercises_done(progress._load("tess", tmp_path)) == {2: 1}
    assert len(list(path.parent.glob("progress.corrupt-*.json"))) == 1


def test_damaged_progress_never_raises_a_raw_error_on_writing(tmp_path):
    from svcworkbook.learning import flashcards

    _damaged_progress(tmp_path)
    with pytest.warns(storage.CorruptStateWarning):
        progress.record_answer(2, "U2.Q1", 1, False, learner="tess", home=tmp_path)
    flashcards.record_review("U1.C3", "good", learner="tess", home=tmp_path)
    saved = progress.load_progress("tess", home=tmp_path)
    assert [a["question"] for a in saved.answers] == ["U1.Q1", "U2.Q1"]
    assert "fsrs" in saved.cards["U1.C3"]


def test_an_evidence_item_missing_keys_is_set_aside_and_the_form_opens(tmp_path):
    log = portfolio.EvidenceLog(learner="tess", home=tmp_path)
    log.add("Call review", "observation", "2026-02-01", "First.", ["U2.MP1"])
    data = json.loads(log.path.read_text())
    data["evidence"].append({"number": 2, "title": "Half an item"})
    data["evidence"].append("just text")
    log.path.write_text(json.dumps(data))
    with pytest.warns(storage.CorruptStateWarning, match="evidence item 2: missing type"):
        form = portfolio.evidence_form(2, learner="tess", home=tmp_path)
    assert [item.title for item in form.log.items] == ["Call review"]
    assert "1 piece(s) of evidence saved" in str(form)
    assert len(list(log.path.parent.glob("portfolio.corrupt-*.json"))) == 1
    text = portfolio.export_markdown(form.log, tmp_path / "e.md").read_text()
    assert "## 1. Call review" in text and "Half an item" not in text


def test_progress_json_as_a_folder_is_said_plainly(tmp_path):
    (tmp_path / "tess" / "progress.json").mkdir(parents=True)
    with pytest.raises(storage.StateFileError) as err:
        progress.load_progress("tess", home=tmp_path)
    assert type(err.value) is storage.StateFileError  # not a bare IsADirectoryError
    assert "progress.json is a folder" in str(err.value) and "Fix: move or rename" in str(err.value)
    with pytest.raises(storage.StateFileError):
        progress.record_answer(1, "U1.Q1", 0, True, learner="tess", home=tmp_path)


def test_a_read_only_learner_folder_can_still_be_read(tmp_path, monkeypatch):
    progress.record_answer(1, "U1.Q1", 0, True, learner="tess", home=tmp_path)
    folder = tmp_path / "tess"
    (folder / "progress.json.lock").unlink(missing_ok=True)
    os.chmod(folder, 0o555)
    try:
        if os.geteuid() == 0:  # root writes anywhere: make the folder read-only as others see it
            real = os.access
            monkeypatch.setattr(
                storage.os, "access",
                lambda p, mode: False if mode == os.W_OK and Path(p) == folder else real(p, mode),
            )  # fmt: skip

        def no_lock(_path):
            raise PermissionError(13, "Permission denied", str(folder / "progress.json.lock"))

        monkeypatch.setattr(storage, "FileLock", no_lock)
        saved = progress.load_progress("tess", home=tmp_path)
        assert [a["question"] for a in saved.answers] == ["U1.Q1"]
        assert not (folder / "progress.json.lock").exists()
    finally:
        os.chmod(folder, 0o755)


# --- the whole corpus --------------------------------------------------------------------------


@dataclass
class Case:
    """One bad input: the command line, and the words a clear refusal must contain."""

    name: str
    args: list[str]
    refusal: list[str] = field(default_factory=list)


def corpus_cases(tmp: Path) -> list[Case]:
    """Every bad input of the corpus as a command line (files copied into tmp first)."""
    for path in CORPUS.iterdir():
        shutil.copy(path, tmp / path.name)
    shutil.copy(SAMPLES / "complaints.csv", tmp / "complaints.csv")
    privacy.write_new_key(tmp / "k.key")
    return [
        Case("roster twice", ["classpack", tmp / "roster_learner_id_twice.csv", "--out", tmp / "p"],
             ["learner_id more than once", "Fix"]),
        Case("roster latin-1", ["classpack", tmp / "roster_latin1.csv", "--out", tmp / "p"],
             ["roster_latin1.csv", "UTF-8"]),
        Case("roster utf-16", ["classpack", tmp / "roster_utf16_no_bom.csv", "--out", tmp / "p"],
             ["UTF-16", "Fix"]),
        Case("roster comma", ["classpack", tmp / "roster_trailing_comma.csv", "--out", tmp / "p"],
             ["more values", "Fix"]),
        Case("alias mapping", ["validate", tmp / "complaints.csv", "--map",
                               tmp / "mapping_billion_laughs.yaml"], ["aliases", "Fix"]),
        Case("alias -p", ["run", "1", "-p", "brand_values={a: &x [phone], b: *x}", "--out",
                          tmp / "r"], ["aliases"]),
        Case("infinite target", ["run", "2", "-p", "answer_within_s=.inf", "--out", tmp / "r"],
             ["finite"]),
        Case("anonymise over input", ["anonymise", tmp / "complaints.csv", "--key-file",
                                      tmp / "k.key", "--out", tmp], ["input file"]),
        Case("anonymise over key", ["anonymise", tmp / "complaints.csv", "--key-file",
                                    tmp / "k.key", "--out", tmp / "k.key"], ["key file"]),
        Case("keygen over key", ["keygen", "--out", tmp / "k.key"], ["never overwritten"]),
        Case("start 1000", ["generate", "contacts", "--start", "1000-01-01", "--out", tmp / "c.csv"],
             ["between 1900 and 2100"]),
        Case("start 31 Feb", ["generate", "contacts", "--start", "31/02/2026", "--out", tmp / "c.csv"],
             ["not a real day"]),
        Case("out in /proc", ["generate", "contacts", "--rows", "5", "--out", "/proc/x/c.csv"],
             ["/proc/x", "Fix"]),
        Case("mapping is a folder", ["validate", tmp / "complaints.csv", "--map", tmp],
             ["is a folder", "Fix"]),
        Case("unknown unit", ["run", "9", "--out", tmp / "r"], ["9"]),
        Case("far Excel cell", ["validate", tmp / "contacts_far_cell.xlsx", "--dataset", "contacts"], ["stray cell", "Fix"]),
        Case("NUL bytes", ["validate", tmp / "contacts_nul.csv", "--dataset", "contacts"], ["NUL", "Fix"]),
        Case("no such roster", ["classpack", tmp / "nobody.csv", "--out", tmp / "p"],
             ["nobody.csv"]),
        Case("two channel columns", ["validate", tmp / "contacts_two_channels.csv", "--dataset",
                                     "contacts"], ["values differ in row 4", "Fix"]),
        Case("formula, no value", ["validate", tmp / "contacts_formula_no_value.xlsx", "--dataset",
                                   "contacts"], ["J4, J7", "formula", "Fix"]),
        Case("handle time 1e308", ["validate", tmp / "contacts_handle_1e308.csv", "--dataset",
                                   "contacts"], ["86,400", "24 hours", "Fix"]),
        Case("dates in 2099", ["validate", tmp / "contacts_2099.csv", "--dataset", "contacts"],
             ["more than a year ahead", "rows 3, 7", "Fix"]),
        Case("extra values", ["validate", tmp / "contacts_extra_values.csv", "--dataset",
                              "contacts"], ["more values than the header", "Fix"]),
        Case("fifo", ["validate", _fifo(tmp / "contacts_fifo.csv"), "--dataset", "contacts"],
             ["not a regular file", "Fix"]),
        Case("link to /dev/zero", ["validate", _link(tmp / "zero.csv", "/dev/zero"), "--dataset",
                                   "contacts"], ["not a regular file", "Fix"]),
    ]  # fmt: skip


def _fifo(path: Path) -> Path:
    """A named pipe at path (reading it would wait for a writer for ever)."""
    os.mkfifo(path)
    return path


def _link(path: Path, target: str) -> Path:
    """A symbolic link at path to target."""
    path.symlink_to(target)
    return path


def test_every_bad_input_gets_a_clear_error_and_no_traceback(tmp_path, capsys):
    cases = corpus_cases(tmp_path)
    protected = {p: digest(p) for p in (tmp_path / "complaints.csv", tmp_path / "k.key")}
    clear = silent = tracebacks = 0
    problems = []
    for case in cases:
        status, out = run(*case.args)
        if "Traceback" in out:
            tracebacks += 1
            problems.append(f"{case.name}: traceback")
        elif status == 1 and all(word in out for word in case.refusal):
            clear += 1
        elif status == 0:
            silent += 1
            problems.append(f"{case.name}: accepted ({out.strip()[:200]})")
        else:
            problems.append(f"{case.name}: unclear ({status}: {out.strip()[:300]})")
    lost = sum(digest(p) != d for p, d in protected.items())
    line = (
        f"{len(cases)} inputs tried; {clear} clear errors; {silent} silent acceptances; "
        f"{tracebacks} tracebacks; {lost} data lost"
    )
    with capsys.disabled():
        print("\nbad inputs:", line)
    assert problems == [] and lost == 0, line


# --- class packs: one run at a time, edited data kept, a clean stop ------------------------------

HOLD_LOCK = """
import sys, time
from pathlib import Path
from svcworkbook.teaching.pack_safety import pack_lock
with pack_lock(Path(sys.argv[1])):
    print("holding", flush=True)
    time.sleep(60)
"""


def test_a_second_classpack_run_on_the_same_folder_names_the_first(tmp_path):
    import subprocess
    import sys

    from svcworkbook.teaching.pack_safety import pack_lock

    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(tmp_path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "holding"
        with pytest.raises(ParameterError) as err:
            with pack_lock(tmp_path):
                pass
        assert f"process {holder.pid}" in str(err.value) and "Fix:" in str(err.value)
    finally:
        holder.kill()
        holder.wait()
    with pack_lock(tmp_path):  # free again once the holder is gone, however it ended
        pass


def test_edited_learner_data_is_kept_unless_forced_and_then_backed_up(tmp_path):
    from svcworkbook.teaching.classpack import Manifest
    from svcworkbook.teaching.pack_safety import backup_folder, data_decision

    folder = tmp_path / "learners" / "A1" / "data"
    folder.mkdir(parents=True)
    files = [folder / "contacts.csv", folder / "surveys.csv"]
    for f in files:
        f.write_text(f"{f.stem}\n1\n")
    manifest = Manifest(tmp_path / "manifest.json")
    manifest.done("data/A1", "stamp-1", files)
    entry = manifest.entries["data/A1"]
    assert data_decision(entry, "stamp-1", files, force=False) == "current"
    assert data_decision(entry, "stamp-2", files, force=False) == "generate"  # not edited
    files[0].write_text("contacts\n1\n2\n")  # the learner adds a row
    assert data_decision(entry, "stamp-1", files, force=False) == "keep"
    assert data_decision(entry, "stamp-2", files, force=False) == "keep"
    assert data_decision(entry, "stamp-1", files, force=True) == "backup"
    assert data_decision(None, "stamp-1", files, force=False) == "keep"  # no record: keep
    copy = backup_folder(folder)
    assert (copy / "contacts.csv").read_text() == "contacts\n1\n2\n"
    assert copy.name.startswith("data.backup-") and folder.exists()


def _sleep_then_mark(task):
    """A slow task that leaves a file when it finishes (for the interrupt test)."""
    import time as _time

    _time.sleep(task["seconds"])
    Path(task["mark"]).write_text("done")
    return {"key": task["mark"], "error": None}


def test_ctrl_c_during_a_pack_cancels_the_queued_work(tmp_path):
    from svcworkbook.teaching.pack_safety import run_in_processes

    tasks = [{"seconds": 1.5, "mark": str(tmp_path / f"t{i}")} for i in range(16)]
    finished = []

    def interrupt_after_first(result):
        finished.append(result)
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_in_processes(_sleep_then_mark, tasks, 2, interrupt_after_first)
    import time as _time

    _time.sleep(4)  # any task still running would have finished by now
    done = sorted(p.name for p in tmp_path.iterdir())
    assert len(finished) == 1
    # the first result and at most the other worker's task that finished at the same moment:
    # running tasks are stopped and nothing queued starts
    assert 1 <= len(done) <= 2


ORPHAN = """
import multiprocessing, os, sys, time
from svcworkbook.teaching.pack_safety import die_with_parent

def report(path):
    open(path, "w").write(str(os.getpid()))
    time.sleep(120)

if __name__ == "__main__":
    ctx = multiprocessing.get_context("spawn")
    pool = ctx.Pool(1, initializer=die_with_parent, initargs=(os.getpid(),))
    pool.apply_async(report, (sys.argv[1],))
    while not os.path.exists(sys.argv[1]):
        time.sleep(0.1)
    os._exit(0)  # as kill -9 would: no clean-up of the pool
"""


def test_worker_processes_die_with_the_class_pack(tmp_path):
    import subprocess
    import sys
    import time as _time

    pid_file = tmp_path / "worker.pid"
    script = tmp_path / "orphan.py"  # a file, so spawned workers can import its functions
    script.write_text(ORPHAN)
    subprocess.run([sys.executable, str(script), str(pid_file)], timeout=120, check=True)
    worker = int(pid_file.read_text())
    for _ in range(100):  # bounded wait for the worker to notice (at most 10 s)
        try:
            os.kill(worker, 0)
        except ProcessLookupError:
            break
        _time.sleep(0.1)
    else:
        os.kill(worker, 9)
        pytest.fail("the worker outlived the class pack")
