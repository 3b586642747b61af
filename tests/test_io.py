"""Tests for svcworkbook.data.loading: the malformed-file corpus, reading real exports, folders, properties.

The corpus is tests/fixtures/malformed/: small files a user could open in a spreadsheet. Every
message is checked line by line: the file, the column, the rows as the spreadsheet numbers them
(header = row 1) and the fix.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from svcworkbook.data import generators, loading
from svcworkbook.errors import DataError

CORPUS = Path(__file__).parent / "fixtures" / "malformed"
CONTACTS = [f"C{n:07d}" for n in range(1, 9)]  # the eight contacts in the corpus files


def error_of(dataset: str, name: str, mapping: str | dict | None = None) -> str:
    """The DataError message for a corpus file (the test fails if it loads)."""
    if isinstance(mapping, str):
        mapping = CORPUS / mapping
    with pytest.raises(DataError) as caught:
        loading.load(dataset, CORPUS / name, mapping)
    return str(caught.value)


def problem_lines(message: str) -> list[str]:
    """The '- ...' problem lines of a DataError message."""
    return [line[2:] for line in message.splitlines() if line.startswith("- ")]


def loaded(dataset: str, name: str, mapping: str | None = None) -> pd.DataFrame:
    """A corpus file that must load."""
    return loading.load(dataset, CORPUS / name, None if mapping is None else CORPUS / mapping)


def raw_contacts() -> pd.DataFrame:
    """The eight corpus contacts as text, to build variants in a test."""
    return pd.read_csv(CORPUS / "bom.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")


# --- one problem per file: exact lines -------------------------------------------------------

SINGLE_PROBLEMS = [
    ("missing_abandoned.csv", "contacts",
     "missing column(s) abandoned. Fix: add the columns, or map your names to them with a "
     "mapping file (contacts: {Your Name: abandoned}); data/README.md lists every column"),
    ("text_in_number_column.csv", "contacts",
     "column 'handle_time_s': values that are not numbers ('about 5 min', 'n/a') in rows 3, 6. "
     "Fix: use digits only, with a full stop for decimals (no units or text) or a duration as "
     "h:mm:ss or m:ss; leave the cell blank when there is no value"),
    ("csat_out_of_range.csv", "surveys",
     "column 'csat': values above 5 ('6') in row 4. Fix: values run from 1 to 5 (score 1-5)"),
    ("nps_out_of_range.csv", "surveys",
     "column 'nps': values above 10 ('11') in row 9. Fix: values run from 0 to 10 (score 0-10)"),
    ("zero_for_no_rating.csv", "surveys",
     "column 'csat': values below 1 ('0') in row 4. Fix: values must be 1 or more (score 1-5); "
     "leave the cell blank when there is no rating (0 is not on the scale)"),
    ("duplicate_ids.csv", "contacts",
     "column 'contact_id': repeated ids ('C0000002') in rows 3, 6. Fix: each row needs its own "
     "id: remove duplicate rows or correct the ids"),
    ("resolved_before_opened.csv", "contacts",
     "column 'resolved_at': earlier than opened_at in row 4. Fix: a contact cannot be resolved "
     "before it was opened; correct the dates"),
    ("refund_paid_before_agreed.csv", "complaints",
     "column 'refund_paid_at': earlier than refund_agreed_at in row 13. Fix: a refund cannot be "
     "paid before it is agreed; correct the dates"),
    ("handled_more_than_offered.csv", "intervals",
     "column 'handled': more than offered in row 5. Fix: handled cannot exceed offered; check "
     "the two columns are not swapped"),
    ("mixed_date_formats.csv", "contacts",
     "column 'opened_at': dates in two formats: most are YYYY-MM-DD but some are DD/MM/YYYY "
     "('05/01/2026 03:27', '05/01/2026 05:51') in rows 4, 8. Fix: use one date format for the "
     "whole column (UK: DD/MM/YYYY HH:MM)"),
    ("month_first_dates.csv", "staff",
     "column 'start_date': dates that look month-first (US style, '02/29/2024', '02/29/2020', "
     "'10/31/2017') in rows 2, 5, 8. Fix: dates are read day-first (UK): write 31/12/2026, not "
     "12/31/2026; check the whole column, as 05/01/2026 is 5 January"),
    ("invalid_dates.csv", "staff",
     "column 'start_date': values that are not valid dates ('31/02/2026') in row 5. Fix: check "
     "the day, month and year (UK order: DD/MM/YYYY HH:MM, or YYYY-MM-DD HH:MM)"),
    ("excel_serial_dates.csv", "contacts",
     "column 'opened_at': Excel date serial numbers, not dates ('46027.0143') in row 3. Fix: "
     "format the column as a date in Excel (Format Cells > Date) before saving"),
    ("maybe_in_flag.csv", "contacts",
     "column 'abandoned': values that are not yes/no ('maybe') in row 7. Fix: use yes/no, Y/N, "
     "true/false or 1/0"),
    ("unknown_channel.csv", "contacts",
     "column 'channel': unexpected values ('fax', 'carrier pigeon') in rows 3, 9. Fix: use one "
     "of: phone, email, chat, social"),
    ("blank_required_id.csv", "contacts",
     "column 'contact_id': blank values in row 5. Fix: fill in every row"),
    ("blank_line_then_problem.csv", "surveys",
     "column 'csat': values above 5 ('9') in row 9. Fix: values run from 1 to 5 (score 1-5)"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "dataset", "line"), SINGLE_PROBLEMS)
def test_one_problem_named_exactly(name, dataset, line):
    """The message names the file, then exactly one problem: column, rows and the fix."""
    message = error_of(dataset, name)
    assert message.startswith(f"{name}: 1 problem (rows as numbered in a spreadsheet):\n")
    assert problem_lines(message) == [line]


def test_negative_durations_both_reported():
    """A negative queue wait and a negative handle time are two problems in one error."""
    message = error_of("contacts", "negative_durations.csv")
    assert message.startswith("negative_durations.csv: 2 problems")
    assert problem_lines(message) == [
        "column 'queue_wait_s': negative values ('-30') in row 5. Fix: values must be 0 or "
        "more (seconds)",
        "column 'handle_time_s': negative values ('-1.5') in row 7. Fix: values must be more "
        "than 0 (seconds)",
    ]


def test_zero_handle_time_is_refused_with_its_own_fix(tmp_path):
    """handle_time_s must be more than 0: 0 is a recording error, the smallest positive time
    and a blank (abandoned) are fine."""
    frame = raw_contacts()
    frame.loc[[1, 4], "handle_time_s"] = "0"
    frame.loc[2, "handle_time_s"] = "0.01"
    frame.to_csv(tmp_path / "c.csv", index=False)
    with pytest.raises(DataError) as caught:
        loading.load("contacts", tmp_path / "c.csv")
    assert problem_lines(str(caught.value)) == [
        "column 'handle_time_s': values of 0 ('0') in rows 3, 6. Fix: values must be more than 0 "
        "(seconds); a handled contact always takes some time, so 0 is a recording error: correct "
        "it from the source system, or leave the cell blank when nothing was handled"
    ]
    frame.loc[[1, 4], "handle_time_s"] = ["", "0.5"]
    frame.to_csv(tmp_path / "c.csv", index=False)
    back = loading.load("contacts", tmp_path / "c.csv")["handle_time_s"]
    assert pd.isna(back[1]) and back[2] == 0.01 and back[4] == 0.5


def test_intervals_zero_aht_refused_zero_agents_kept(tmp_path):
    """aht_s 0 in an interval that handled nothing is refused (leave it blank); 0 agents
    scheduled (lines closed) is a real value and loads as 0."""
    frame = pd.read_csv(CORPUS / "handled_more_than_offered.csv", dtype=str)
    frame.loc[3, "handled"] = "30"
    frame.loc[[5, 6], ["offered", "handled", "agents_scheduled"]] = "0"
    frame.loc[[5, 6], "aht_s"] = ["0", ""]
    frame.to_csv(tmp_path / "intervals.csv", index=False)
    with pytest.raises(DataError) as caught:
        loading.load("intervals", tmp_path / "intervals.csv")
    assert problem_lines(str(caught.value)) == [
        "column 'aht_s': values of 0 ('0') in row 7. Fix: values must be more than 0 (seconds); "
        "a handled contact always takes some time, so 0 is a recording error: correct it from the "
        "source system, or leave the cell blank when nothing was handled"
    ]
    frame.loc[5, "aht_s"] = ""
    frame.to_csv(tmp_path / "intervals.csv", index=False)
    result = loading.load("intervals", tmp_path / "intervals.csv")
    assert result["agents_scheduled"].tolist() == [int(v) for v in frame["agents_scheduled"]]
    assert result["aht_s"].isna().tolist() == frame["aht_s"].fillna("").eq("").tolist()


def test_several_problems_in_one_error():
    """Every problem of a file comes in one DataError, each on its own line, a missing column
    included (the other columns are still checked)."""
    message = error_of("surveys", "several_problems.csv")
    assert message.startswith("several_problems.csv: 7 problems")
    assert problem_lines(message) == [
        "missing column(s) touchpoint. Fix: add the columns, or map your names to them with a "
        "mapping file (surveys: {Your Name: touchpoint}); data/README.md lists every column",
        "column 'survey_id': repeated ids ('S000001') in rows 2, 5. Fix: each row needs its own "
        "id: remove duplicate rows or correct the ids",
        "column 'method': unexpected values ('carrier pigeon') in row 6. Fix: use one of: "
        "email, sms, ivr, web",
        "column 'sent_at': values that are not valid dates ('2026-13-01 09:00:00') in row 9. "
        "Fix: check the day, month and year (UK order: DD/MM/YYYY HH:MM, or YYYY-MM-DD HH:MM)",
        "column 'csat': values above 5 ('6') in row 3. Fix: values run from 1 to 5 (score 1-5)",
        "column 'nps': values that are not numbers ('eleven') in row 4. Fix: use digits only, "
        "with a full stop for decimals (no units or text); leave the cell blank when there is "
        "no value",
        "column 'ces': values that are not whole numbers ('2.5') in row 4. Fix: use whole "
        "numbers (no decimals)",
    ]


def test_rows_are_the_spreadsheet_rows():
    """The row a problem names holds the bad value when the file is counted line by line
    (blank lines included), as a spreadsheet shows it."""
    lines = (CORPUS / "blank_line_then_problem.csv").read_text().splitlines()
    header = lines[0].split(",")
    assert lines[3] == ""  # the blank line is row 4
    assert lines[9 - 1].split(",")[header.index("csat")] == "9"


def test_many_rows_are_counted_not_listed(tmp_path):
    """More than five bad rows: the first five and how many more."""
    frame = raw_contacts()
    frame["channel"] = "fax"
    frame.to_csv(tmp_path / "c.csv", index=False)
    with pytest.raises(DataError) as caught:
        loading.load("contacts", tmp_path / "c.csv")
    assert "in rows 2, 3, 4, 5, 6 and 3 more." in str(caught.value)


# --- files that cannot be read at all ---------------------------------------------------------

WHOLE_FILE = [
    ("empty.csv", "empty.csv: the file is empty. Fix: export it again with a header row and "
     "data."),
    ("header_only.csv", "header_only.csv: there are no data rows under the header. Fix: export "
     "the data again."),
    ("pipe_delimited.csv", "pipe_delimited.csv: all the values are in one column separated by "
     "'|'. Fix: save the file as CSV with commas (or semicolons, or tabs) between values."),
    ("old_format.xls", "old_format.xls: old .xls workbooks are not read. Fix: in Excel use Save "
     "As > 'Excel Workbook (.xlsx)' or 'CSV UTF-8 (Comma delimited)'."),
    ("cp1252.csv", "cp1252.csv: the file is not UTF-8 text (row 4 holds byte 0xEB, 'ë' in the "
     "Windows-1252 encoding). Fix: in Excel use Save As > 'CSV UTF-8 (Comma delimited)'."),
    ("ragged_row.csv", "ragged_row.csv: the rows do not all have the same number of values (row "
     "4 has 16 values). Fix: put values that contain the separator in double quotes, or remove "
     "the extra separators."),
]  # fmt: skip


@pytest.mark.parametrize(("name", "message"), WHOLE_FILE)
def test_unreadable_file_named_with_fix(name, message):
    """A file that cannot be read gives one sentence: the file, what is wrong and the fix."""
    assert error_of("contacts", name) == message


def test_cp1252_row_really_holds_the_byte():
    """The row named for a Windows-1252 file is the line with the first non-UTF-8 byte."""
    lines = (CORPUS / "cp1252.csv").read_bytes().split(b"\n")
    assert b"\xeb" in lines[3] and all(b"\xeb" not in line for line in lines[:3])


def test_scores_on_a_survey_not_responded_to(tmp_path):
    """responded False (or 'no') with a score: the rows with any score, the score columns given,
    and the fix; a False row with no score is fine."""
    frame = pd.read_csv(CORPUS / "csat_out_of_range.csv", dtype=str, keep_default_na=False)
    frame.loc[frame["csat"] == "6", "csat"] = "5"
    frame.loc[2, "responded"], frame.loc[3, "responded"] = "False", "no"  # both have scores
    frame.loc[3, ["csat", "ces"]] = ""
    frame.loc[0, "responded"] = "N"  # and no scores
    frame.to_csv(tmp_path / "surveys.csv", index=False)
    scored = frame[["csat", "nps", "ces"]].ne("").any(axis=1)
    off = frame["responded"].str.lower().isin(["false", "no", "n"])
    rows = ", ".join(str(i + 2) for i in frame.index[off & scored])
    with pytest.raises(DataError) as caught:
        loading.load("surveys", tmp_path / "surveys.csv")
    assert problem_lines(str(caught.value)) == [
        f"column 'responded': False but scores given (csat, nps, ces) in rows {rows}. Fix: only "
        "a customer who responded gives scores: set responded to True or blank the scores"
    ]
    assert rows == "4, 5"


def test_no_such_file_and_unknown_dataset(tmp_path):
    """A wrong path is a DataError; a wrong dataset name a ValueError listing the names."""
    with pytest.raises(DataError, match=r"nothere.csv: no such file. Fix: check the folder"):
        loading.load("contacts", tmp_path / "nothere.csv")
    with pytest.raises(ValueError, match="choose one of: contacts, intervals"):
        loading.load("calls", CORPUS / "bom.csv")


# --- exports that read fine -------------------------------------------------------------------


@pytest.fixture(scope="module")
def plain_contacts() -> pd.DataFrame:
    """The eight corpus contacts read from the blank-lines file (blank lines left out)."""
    return loaded("contacts", "blank_lines.csv")


def test_blank_lines_left_out_and_reported(plain_contacts):
    """Blank lines are the only rows left out, and the summary says how many."""
    assert list(plain_contacts["contact_id"]) == CONTACTS
    assert plain_contacts.attrs["excluded"] == "2 completely blank line(s) left out"
    assert loading.summary("contacts", plain_contacts) == (
        "contacts: 8 rows, 05 Jan 2026 to 05 Jan 2026; 2 completely blank line(s) left out"
    )


SPACE_LINES = ["   ", "\t", " ," * 13 + " ", "\u00a0" + "," * 13]  # spaces only, tab, nbsp


def test_lines_of_spaces_are_blank_lines(tmp_path):
    """Lines holding only spaces (with or without separators) are blank lines: left out and
    counted."""
    lines = (CORPUS / "bom.csv").read_text(encoding="utf-8-sig").splitlines()
    for position, line in zip((3, 5, 7, 8), SPACE_LINES, strict=True):
        lines.insert(position, line)
    (tmp_path / "c.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    frame = loading.load("contacts", tmp_path / "c.csv")
    assert frame["contact_id"].tolist() == CONTACTS
    assert frame.attrs["excluded"] == "4 completely blank line(s) left out"


def test_a_problem_after_lines_of_spaces_keeps_its_row_number(tmp_path):
    """The lines of spaces are counted in the row numbers, and are not problems themselves."""
    lines = (CORPUS / "bom.csv").read_text(encoding="utf-8-sig").splitlines()
    for position, line in zip((3, 5, 7, 8), SPACE_LINES, strict=True):
        lines.insert(position, line)
    row = next(i for i, line in enumerate(lines) if line.startswith("C0000007,"))
    lines[row] = lines[row].replace(",email,", ",fax,")
    (tmp_path / "c.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        loading.load("contacts", tmp_path / "c.csv")
    assert problem_lines(str(caught.value)) == [
        f"column 'channel': unexpected values ('fax') in row {row + 1}. Fix: use one of: phone, "
        "email, chat, social"
    ]


def test_rows_of_spaces_in_a_workbook_are_blank_lines(tmp_path, plain_contacts):
    """In an Excel sheet too, a row whose cells hold only spaces is a blank line."""
    frame = raw_contacts()
    spaces = pd.DataFrame([[" "] * len(frame.columns)], columns=frame.columns)
    spaces.iloc[0, 3:] = None
    pd.concat([frame[:2], spaces, frame[2:]]).to_excel(tmp_path / "c.xlsx", index=False)
    result = loading.load("contacts", tmp_path / "c.xlsx")
    pd.testing.assert_frame_equal(result, plain_contacts, check_exact=True)
    assert result.attrs["excluded"] == "1 completely blank line(s) left out"


@pytest.mark.parametrize(
    ("name", "note"),
    [("semicolon_delimited.csv", "values separated by ';'"),
     ("tab_delimited.tsv", "values separated by tabs"),
     ("bom.csv", None),
     ("extra_sheets.xlsx", "sheet 'Contacts' used (of Notes, Contacts, Pivot)")],
)  # fmt: skip
def test_other_layouts_read_the_same(name, note, plain_contacts):
    """Semicolons, tabs, a byte-order mark or a workbook with extra sheets give the same data,
    and how the file was read is in the summary."""
    frame = loaded("contacts", name)
    pd.testing.assert_frame_equal(frame, plain_contacts, check_exact=True)
    summary = loading.summary("contacts", frame)
    assert summary.startswith("contacts: 8 rows, 05 Jan 2026 to 05 Jan 2026")
    if note:
        assert summary.endswith(f"; {note}")


def test_bom_file_really_has_a_bom():
    """The BOM fixture starts with the UTF-8 byte-order mark (so the test above means it)."""
    assert (CORPUS / "bom.csv").read_bytes()[:3] == b"\xef\xbb\xbf"


def test_excel_one_sheet_matches_uk_dates_csv():
    """A one-sheet workbook of real Excel dates and numbers reads as the same day-first CSV."""
    book = loaded("staff", "one_sheet.xlsx")
    csv = loaded("staff", "uk_dates.csv")
    pd.testing.assert_frame_equal(book, csv, check_exact=True)
    assert book.loc[3, "start_date"] == pd.Timestamp("2020-02-29")  # 29/02/2020 in the CSV
    assert book.loc[1, "trained_at"] == pd.Timestamp("2026-01-09 09:00")
    assert str(book["coaching_sessions"].dtype) == "int64"
    assert "sheet" not in loading.summary("staff", book)


def test_thousands_separators():
    """'1,234' is read as 1234 and '1,347.9' as 1347.9."""
    frame = loaded("intervals", "thousands_separators.csv")
    assert frame.loc[0, "offered"] == 1234 and frame.loc[0, "handled"] == 1200
    assert frame.loc[1, "aht_s"] == 1347.9
    assert str(frame["offered"].dtype) == "int64"


def test_yes_no_flags(plain_contacts):
    """Y/N, yes and n are read as True/False, matching the True/False of the plain file."""
    frame = loaded("contacts", "yes_no_flags.csv")
    expected_escalated = plain_contacts["escalated"].copy()
    expected_escalated[1], expected_escalated[2] = True, False  # 'yes' in row 3, 'n' in row 4
    assert frame["escalated"].tolist() == expected_escalated.tolist()
    for column in ("abandoned", "resolved_first_contact"):
        assert frame[column].tolist() == plain_contacts[column].tolist()
        assert frame[column].dtype == bool


def test_clock_durations_read_as_seconds(plain_contacts):
    """'0:03:59' in a seconds column is 239 seconds; the summary says so."""
    frame = loaded("contacts", "hh_mm_ss_durations.csv")
    assert (CORPUS / "hh_mm_ss_durations.csv").read_text().count(",0:03:59,") == 1
    assert frame.loc[0, "handle_time_s"] == 239.0
    assert frame["handle_time_s"].tolist() == plain_contacts["handle_time_s"].tolist()
    assert "column 'handle_time_s': h:mm:ss durations read as seconds" in loading.summary(
        "contacts", frame
    )


def test_trailing_commas_leave_empty_unnamed_columns_out(plain_contacts):
    """Empty columns without a header are left out and counted."""
    frame = loaded("contacts", "trailing_commas.csv")
    pd.testing.assert_frame_equal(frame, plain_contacts)
    assert frame.attrs["excluded"] == "2 empty column(s) without a header left out"


def test_spaces_and_case_in_values_and_headers(tmp_path, plain_contacts):
    """Header case and spacing, values padded with spaces and upper-case categories are fine."""
    frame = raw_contacts()
    frame.columns = [c.replace("_", " ").title() + " " for c in frame.columns]
    frame["Channel "] = " " + frame["Channel "].str.upper() + " "
    frame["Contact Id "] = frame["Contact Id "] + "  "
    frame.to_csv(tmp_path / "c.csv", index=False)
    pd.testing.assert_frame_equal(loading.load("contacts", tmp_path / "c.csv"), plain_contacts)


def test_extra_columns_with_one_name_are_all_kept(tmp_path, plain_contacts):
    """'Notes' and 'notes ' both normalise to notes: both are kept, the second under the first
    name_N no other header gives ('NOTES_1' keeps notes_1), and the summary says so."""
    frame = raw_contacts()
    written = {"Notes": list("abcdefgh"), "notes ": list("ijklmnop"), "NOTES_1": list("qrstuvwx")}
    for header, values in written.items():
        frame[header] = values
    frame.to_csv(tmp_path / "c.csv", index=False)
    result = loading.load("contacts", tmp_path / "c.csv")
    assert result.attrs["extra_columns"] == ["notes", "notes_2", "notes_1"]
    kept = result[["notes", "notes_2", "notes_1"]]
    assert [kept[c].tolist() for c in kept] == list(written.values())
    pd.testing.assert_frame_equal(result[list(plain_contacts.columns)], plain_contacts)
    assert loading.summary("contacts", result).endswith(
        "; extra columns kept: notes, notes_2, notes_1; columns 'Notes' and 'notes ' both give "
        "'notes': 'notes ' kept as notes_2"
    )


# --- mappings ---------------------------------------------------------------------------------


def test_good_mapping_renames_and_is_reported(plain_contacts):
    """A CRM's own names are mapped; the summary lists each mapping applied."""
    frame = loaded("contacts", "crm_export.csv", "mapping_good.yaml")
    pd.testing.assert_frame_equal(frame, plain_contacts)
    assert frame.attrs["mapped"] == {
        "Ticket No": "contact_id", "Date Opened": "opened_at", "Contact Channel": "channel",
        "AHT (secs)": "handle_time_s",
    }  # fmt: skip
    assert "mapped 'Ticket No' -> contact_id, 'Date Opened' -> opened_at" in loading.summary(
        "contacts", frame
    )


def test_unmapped_export_names_its_columns():
    """Without the mapping, the missing columns and the unused headers are both named."""
    assert problem_lines(error_of("contacts", "crm_export.csv")) == [
        "missing column(s) contact_id, opened_at (columns not used: "
        "'Ticket No', 'Date Opened', 'Contact Channel', 'AHT (secs)'). Fix: add the columns, or "
        "map your names to them with a mapping file (contacts: {Your Name: contact_id}); "
        "data/README.md lists every column"
    ]


def test_dict_mapping_flat(plain_contacts):
    """A flat dict mapping works like the YAML file."""
    mapping = {"Ticket No": "contact_id", "date opened": "opened_at",
               "CONTACT CHANNEL": "channel", "AHT (secs)": "handle_time_s"}  # fmt: skip
    frame = loading.load("contacts", CORPUS / "crm_export.csv", mapping)
    pd.testing.assert_frame_equal(frame, plain_contacts)


def test_mapping_to_a_column_that_does_not_exist():
    """The mapping file, the pair and the columns allowed are named."""
    message = error_of("contacts", "crm_export.csv", "mapping_bad_target.yaml")
    assert message == (
        "mapping_bad_target.yaml: the mapping sends 'Date Opened' to 'opened_date', which is not "
        "a column of contacts. Fix: map it to one of contact_id, customer_id, opened_at, channel, "
        "team, agent_id, queue_wait_s, abandoned, answered_at, handle_time_s, "
        "resolved_first_contact, escalated, category, resolved_at."
    )


CRM_FLAT = {"Ticket No": "contact_id", "Date Opened": "opened_at",
            "Contact Channel": "channel", "AHT (secs)": "handle_time_s"}  # fmt: skip


def test_mapping_targets_and_dataset_names_in_any_case(plain_contacts):
    """Targets and dataset names are compared as headers are: 'Contact_ID', 'Opened At',
    'handle-time-s' under 'Contacts' map as the exact names do."""
    mapping = {"Contacts": {"Ticket No": "Contact_ID", "Date Opened": "Opened At",
                            "Contact Channel": " CHANNEL ", "AHT (secs)": "handle-time-s"}}  # fmt: skip
    frame = loading.load("contacts", CORPUS / "crm_export.csv", mapping)
    pd.testing.assert_frame_equal(frame, plain_contacts)
    assert frame.attrs["mapped"] == {
        "Ticket No": "contact_id", "Date Opened": "opened_at", "Contact Channel": "channel",
        "AHT (secs)": "handle_time_s",
    }  # fmt: skip


def test_flat_mapping_serves_several_datasets(tmp_path, plain_contacts):
    """A flat mapping's pair for a surveys column ('Score: CSAT', target in any case) is used for
    surveys and passed over for a contacts file that does not have the header."""
    shutil.copy(CORPUS / "crm_export.csv", tmp_path / "contacts.csv")
    surveys = pd.read_csv(CORPUS / "csat_out_of_range.csv", dtype=str, keep_default_na=False)
    surveys.loc[surveys["csat"] == "6", "csat"] = "5"
    surveys.rename(columns={"csat": "Score"}).to_csv(tmp_path / "surveys.csv", index=False)
    frames = loading.load_folder(tmp_path, {**CRM_FLAT, "Score": "CSAT"}, ("contacts", "surveys"))
    pd.testing.assert_frame_equal(frames["contacts"], plain_contacts)
    assert frames["surveys"]["csat"].tolist() == [
        pd.NA if v == "" else int(v) for v in surveys["csat"]
    ]
    assert frames["surveys"].attrs["mapped"] == {"Score": "csat"}


def test_flat_mapping_onto_another_datasets_column_is_refused(tmp_path):
    """A contacts file with a 'Score' column and a flat pair 'Score: csat': csat is a surveys
    column, so the pair, the dataset's columns and where to put the pair are named."""
    frame = pd.read_csv(CORPUS / "crm_export.csv", dtype=str, keep_default_na=False)
    frame["Score"] = "4"
    frame.to_csv(tmp_path / "contacts.csv", index=False)
    with pytest.raises(DataError) as caught:
        loading.load("contacts", tmp_path / "contacts.csv", {**CRM_FLAT, "score": "CSAT"})
    assert str(caught.value) == (
        "contacts.csv: the mapping sends 'score' to 'CSAT', a column of surveys only, which is "
        "not a column of contacts. Fix: map it to one of contact_id, customer_id, opened_at, "
        "channel, team, agent_id, queue_wait_s, abandoned, answered_at, handle_time_s, "
        "resolved_first_contact, escalated, category, resolved_at; or, for surveys, put the pair "
        "under 'surveys:'."
    )


def test_grouped_mapping_onto_another_datasets_column_is_refused():
    """Under 'contacts', a pair sending a column to surveys' sent_at is refused before reading."""
    mapping = {"contacts": {**CRM_FLAT, "Date Opened": "sent_at"}}
    with pytest.raises(DataError) as caught:
        loading.load("contacts", CORPUS / "crm_export.csv", mapping)
    assert str(caught.value).startswith(
        "crm_export.csv: the mapping sends 'Date Opened' to 'sent_at', a column of surveys only, "
        "which is not a column of contacts. Fix: map it to one of contact_id, customer_id,"
    )


def test_mapping_that_names_a_column_or_dataset_twice():
    """One header given two targets, or one dataset given twice, is refused, not overwritten."""
    twice = {**CRM_FLAT, "TICKET NO": "customer_id"}
    with pytest.raises(DataError) as caught:
        loading.load("contacts", CORPUS / "crm_export.csv", twice)
    assert str(caught.value) == (
        "crm_export.csv: the mapping gives 'Ticket No' and 'TICKET NO' (the same name once "
        "compared) two targets, contact_id and customer_id. Fix: keep one of the two pairs."
    )
    same = {**CRM_FLAT, "ticket no": "Contact ID"}  # the same target twice is harmless
    assert loading.mapping_for("contacts", same, "m")["ticket_no"] == "contact_id"
    grouped = {"contacts": CRM_FLAT, "Contacts": {"Score": "csat"}}
    with pytest.raises(DataError) as caught:
        loading.load("contacts", CORPUS / "crm_export.csv", grouped)
    assert str(caught.value) == (
        "crm_export.csv: the mapping names a dataset twice ('contacts' and 'Contacts' are both "
        "contacts). Fix: put all of a dataset's pairs under one name."
    )


def test_grouped_mapping_with_a_dataset_that_holds_no_pairs():
    """'surveys: csat' beside a contacts group is refused with the layout, not a crash."""
    with pytest.raises(DataError) as caught:
        loading.load(
            "surveys", CORPUS / "csat_out_of_range.csv", {"contacts": CRM_FLAT, "surveys": "x"}
        )
    assert str(caught.value).startswith(
        "csat_out_of_range.csv: under 'surveys' the mapping holds 'x', not name pairs. Fix: write "
        "one 'their name: our name' pair per line under it, e.g.\ncontacts:\n"
    )


def test_mapping_file_that_is_not_yaml():
    """Broken YAML: the file, the line and an example of the layout."""
    message = error_of("contacts", "crm_export.csv", "mapping_not_yaml.yaml")
    assert message.startswith(
        "mapping_not_yaml.yaml: the mapping file is not valid YAML at line 3. Fix: write one "
        "'their name: our name' pair per line, e.g.\ncontacts:\n  Date Opened: opened_at"
    )


def test_mapping_file_that_is_a_list():
    """YAML that is a list, not pairs, is refused with the layout to use."""
    message = error_of("contacts", "crm_export.csv", "mapping_list.yaml")
    assert message.startswith("mapping_list.yaml: the mapping file holds list, not name pairs.")
    assert "Fix: write one 'their name: our name' pair per line" in message


def test_mapping_with_unknown_dataset():
    """A per-dataset mapping naming 'calls' lists the dataset names."""
    assert error_of("contacts", "crm_export.csv", "mapping_unknown_dataset.yaml") == (
        "mapping_unknown_dataset.yaml: unknown dataset(s) calls in the mapping. Fix: use the "
        "dataset names contacts, intervals, surveys, complaints, mystery_shops, servqual, staff, "
        "customers."
    )


def test_two_columns_mapped_to_one():
    """Two source columns giving contact_id are named with the mapping file."""
    message = error_of("contacts", "crm_export.csv", "mapping_two_to_one.yaml")
    assert message.startswith("crm_export.csv: 1 problem")
    assert problem_lines(message) == [
        "two columns, 'Ticket No' and 'customer_id', both give 'contact_id'. Fix: keep one of "
        "them, or correct the mapping (mapping_two_to_one.yaml)"
    ]


def test_missing_mapping_file(tmp_path):
    """A mapping path that does not exist says so with an example."""
    with pytest.raises(DataError, match="mapping file .*nope.yaml does not exist"):
        loading.load("contacts", CORPUS / "crm_export.csv", tmp_path / "nope.yaml")


def test_read_mapping_forms(tmp_path):
    """read_mapping: None is empty, a dict is copied, an empty YAML file is empty."""
    assert loading.read_mapping(None) == {}
    source = {"a": "contact_id"}
    assert loading.read_mapping(source) == source and loading.read_mapping(source) is not source
    (tmp_path / "empty.yaml").write_text("")
    assert loading.read_mapping(tmp_path / "empty.yaml") == {}
    assert (
        loading.read_mapping(CORPUS / "mapping_good.yaml")["contacts"]["Ticket No"] == "contact_id"
    )


def test_mapping_for_normalises_their_names():
    """mapping_for returns {their normalised name: our column} for the dataset asked."""
    mapping = loading.read_mapping(CORPUS / "mapping_good.yaml")
    assert loading.mapping_for("contacts", mapping, "m.yaml") == {
        "ticket_no": "contact_id", "date_opened": "opened_at", "contact_channel": "channel",
        "aht_secs": "handle_time_s",
    }  # fmt: skip
    assert loading.mapping_for("surveys", mapping, "m.yaml") == {}


# --- folders -----------------------------------------------------------------------------------


def test_load_folder_names_the_missing_file(tmp_path):
    """A folder without surveys.csv: the folder and the file to add are named."""
    shutil.copy(CORPUS / "bom.csv", tmp_path / "contacts.csv")
    with pytest.raises(DataError) as caught:
        loading.load_folder(tmp_path, datasets=("contacts", "surveys"))
    assert str(caught.value).startswith(f"{tmp_path}: no file for surveys. Fix: add surveys.csv")


def test_load_folder_reports_two_files_together(tmp_path):
    """Problems in two files come in one DataError, each under its file name."""
    shutil.copy(CORPUS / "unknown_channel.csv", tmp_path / "contacts.csv")
    shutil.copy(CORPUS / "csat_out_of_range.csv", tmp_path / "surveys.csv")
    with pytest.raises(DataError) as caught:
        loading.load_folder(tmp_path, datasets=("contacts", "surveys"))
    message = str(caught.value)
    assert "contacts.csv: 1 problem" in message and "surveys.csv: 1 problem" in message
    assert problem_lines(message) == [
        "column 'channel': unexpected values ('fax', 'carrier pigeon') in rows 3, 9. Fix: use one "
        "of: phone, email, chat, social",
        "column 'csat': values above 5 ('6') in row 4. Fix: values run from 1 to 5 (score 1-5)",
    ]


def test_load_folder_with_mapping_and_excel(tmp_path, plain_contacts):
    """A folder mixing a mapped CSV and a workbook loads both; the mapping may sit in the folder."""
    shutil.copy(CORPUS / "crm_export.csv", tmp_path / "Contacts.csv")
    shutil.copy(CORPUS / "one_sheet.xlsx", tmp_path / "staff.xlsx")
    shutil.copy(CORPUS / "mapping_good.yaml", tmp_path / "map.yaml")
    frames = loading.load_folder(tmp_path, mapping="map.yaml", datasets=("contacts", "staff"))
    pd.testing.assert_frame_equal(frames["contacts"], plain_contacts)
    assert len(frames["staff"]) == 8


def test_dataset_files_match_any_case_and_every_workbook_type(tmp_path):
    """Files are found by their name in any case and spacing, as .csv, .xlsx or .xlsm; hidden
    copies, Office lock files and other file types are not data files."""
    shutil.copy(CORPUS / "bom.csv", tmp_path / "Contacts.CSV")
    shutil.copy(CORPUS / "one_sheet.xlsx", tmp_path / "STAFF.xlsm")
    shutil.copy(CORPUS / "extra_sheets.xlsx", tmp_path / "Mystery Shops.xlsx")
    for junk in ("._surveys.csv", "~$surveys.xlsx", "surveys.pdf", "complaints_old.csv"):
        (tmp_path / junk).write_bytes(b"\x00not data")
    (tmp_path / "customers.csv").mkdir()
    assert loading.dataset_files(tmp_path) == {
        "contacts": tmp_path / "Contacts.CSV",
        "mystery_shops": tmp_path / "Mystery Shops.xlsx",
        "staff": tmp_path / "STAFF.xlsm",
    }
    assert loading.dataset_files(tmp_path, ("staff", "surveys")) == {
        "staff": tmp_path / "STAFF.xlsm"
    }
    frames = loading.load_folder(tmp_path, datasets=("contacts", "staff"))
    assert frames["contacts"]["contact_id"].tolist() == CONTACTS
    pd.testing.assert_frame_equal(frames["staff"], loaded("staff", "uk_dates.csv"))


def test_two_files_for_one_dataset_are_refused(tmp_path):
    """contacts.csv beside Contacts.xlsx: both named, one to keep; nothing is picked silently."""
    shutil.copy(CORPUS / "bom.csv", tmp_path / "contacts.csv")
    shutil.copy(CORPUS / "extra_sheets.xlsx", tmp_path / "Contacts.xlsx")
    shutil.copy(CORPUS / "old_format.xls", tmp_path / "contacts.xls")
    shutil.copy(CORPUS / "one_sheet.xlsx", tmp_path / "staff.xlsx")
    shutil.copy(CORPUS / "uk_dates.csv", tmp_path / "Staff.csv")
    expected = (
        f"{tmp_path}: more than one file for a dataset (Contacts.xlsx, contacts.csv and "
        "contacts.xls are all contacts; Staff.csv and staff.xlsx are both staff). Fix: keep one "
        "file per dataset in the folder, and move or rename the others."
    )
    with pytest.raises(DataError) as caught:
        loading.dataset_files(tmp_path)
    assert str(caught.value) == expected
    with pytest.raises(DataError) as caught:
        loading.load_folder(tmp_path, datasets=("contacts", "staff"))
    assert str(caught.value) == expected
    assert (
        set(loading.dataset_files(tmp_path, ("surveys",))) == set()
    )  # only the datasets asked for


def test_dataset_of_a_file_name():
    """A file is named after a dataset in any case and spacing, whatever its type."""
    assert loading.dataset_of("export/Mystery Shops.xlsx") == "mystery_shops"
    assert loading.dataset_of(Path("CONTACTS.tsv")) == "contacts"
    assert loading.dataset_of("contacts_2026.csv") is None


def test_load_samples_are_valid_copies():
    """The bundled samples load, and changing a returned frame does not change the next one."""
    first = loading.load_samples()
    assert set(first) == set(generators.DATASETS)
    first["contacts"].loc[0, "channel"] = "changed"
    assert loading.load_samples()["contacts"].loc[0, "channel"] != "changed"


# --- properties ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_contacts() -> pd.DataFrame:
    """Forty contacts from a one-team week."""
    return generators.generate("contacts", 7, days=7, teams=("orders",)).head(40)


@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(order=st.permutations(range(40)))
def test_reordering_rows_changes_only_the_order(small_contacts, order):
    """Shuffled rows load to the same rows in the shuffled order."""
    with tempfile.TemporaryDirectory() as folder:
        plain, shuffled = Path(folder) / "a.csv", Path(folder) / "b.csv"
        small_contacts.to_csv(plain, index=False)
        small_contacts.iloc[list(order)].to_csv(shuffled, index=False)
        expected = loading.load("contacts", plain).iloc[list(order)].reset_index(drop=True)
        pd.testing.assert_frame_equal(
            loading.load("contacts", shuffled), expected, check_exact=True
        )


@settings(max_examples=3, deadline=None)
@given(seed=st.integers(0, 2**31 - 1))
def test_write_then_load_round_trips_exactly(seed):
    """load(write(generate(seed))) equals the generator's output, dtype for dtype."""
    data = generators.generate_all(seed, "baseline", days=7, teams=("billing", "orders"))
    with tempfile.TemporaryDirectory() as folder:
        for name, frame in data.items():
            path = Path(folder) / f"{name}.csv"
            frame.to_csv(path, index=False, date_format="%Y-%m-%d %H:%M:%S")
            pd.testing.assert_frame_equal(loading.load(name, path), frame, check_exact=True)


@settings(max_examples=12, deadline=None)
@given(
    offered=st.lists(st.integers(0, 10**7), min_size=1, max_size=6),
    starts=st.lists(
        # dates more than a year ahead are refused (test_bad_inputs): up to the end of 2026
        st.datetimes(min_value=pd.Timestamp("2000-01-01"), max_value=pd.Timestamp("2026-12-31")),
        min_size=6,
        max_size=6,
    ),
    layout=st.sampled_from(["%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y", "%d-%m-%Y %H:%M",
                            "%d.%m.%Y %H:%M", "%-d/%-m/%Y %H:%M"]),
)  # fmt: skip
def test_uk_dates_and_thousands_read_back(offered, starts, layout):
    """Any count written with thousands separators and any time written day-first (UK, in each
    layout the loader accepts) read back as the same number and time."""
    unit = "s" if "%S" in layout else "min" if "%M" in layout else "D"
    starts = [pd.Timestamp(s).floor(unit) for s in starts[: len(offered)]]
    frame = pd.DataFrame(
        {
            "interval_start": [s.strftime(layout) for s in starts],
            "interval_s": "1800", "channel": "phone",
            "offered": [f"{n:,}" for n in offered], "handled": "0", "aht_s": "",
            "agents_scheduled": "3",
        }
    )  # fmt: skip
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "intervals.csv"
        frame.to_csv(path, index=False)
        result = loading.load("intervals", path)
    assert result["offered"].tolist() == offered
    assert result["interval_start"].tolist() == starts


def test_load_folder_reports_a_bad_mapping_once(tmp_path):
    """A mapping naming an unknown dataset is one message, not one per file."""
    shutil.copy(CORPUS / "crm_export.csv", tmp_path / "contacts.csv")
    shutil.copy(CORPUS / "one_sheet.xlsx", tmp_path / "staff.xlsx")
    with pytest.raises(DataError) as caught:
        loading.load_folder(
            tmp_path, CORPUS / "mapping_unknown_dataset.yaml", datasets=("contacts", "staff")
        )
    assert str(caught.value).count("unknown dataset(s) calls") == 1
    assert str(caught.value).startswith("mapping_unknown_dataset.yaml: ")


def test_impossible_uk_times_are_reported(tmp_path):
    """24:00, minute 60 and 30 February are reported as not valid dates, with their rows."""
    frame = raw_contacts()
    for row, value in ((3, "05/01/2026 24:00"), (5, "05/01/2026 08:60"), (7, "30/02/2026 09:00")):
        frame.loc[row - 2, "opened_at"] = value
    frame.loc[[0, 2, 4, 6, 7], "opened_at"] = "05/01/2026 09:00"
    frame["answered_at"] = frame["resolved_at"] = ""
    frame.to_csv(tmp_path / "c.csv", index=False)
    with pytest.raises(DataError) as caught:
        loading.load("contacts", tmp_path / "c.csv")
    assert problem_lines(str(caught.value)) == [
        "column 'opened_at': values that are not valid dates ('05/01/2026 24:00', "
        "'05/01/2026 08:60', '30/02/2026 09:00') in rows 3, 5, 7. Fix: check the day, month and "
        "year (UK order: DD/MM/YYYY HH:MM, or YYYY-MM-DD HH:MM)"
    ]


@given(
    cells=st.lists(st.sampled_from(["Inbound", " inbound", "OUTBOUND", "Internal", "", None]),
                   min_size=1, max_size=40),
    wanted=st.lists(st.sampled_from(["Inbound", "outbound", "internal"]), min_size=1,
                    max_size=3, unique=True),
)  # fmt: skip
def test_keep_rows_keeps_exactly_the_listed_values_whatever_the_case(cells, wanted):
    """keep_rows keeps a row when its value, trimmed and in any case, is one listed (worked out
    here with plain Python), keeps the rows' own numbers, and counts the rest."""
    from svcworkbook.data.mapping import dataset_mapping, keep_rows
    from svcworkbook.data.problems import Problems

    raw = pd.DataFrame({"Direction": cells, "Call": range(len(cells))}, dtype=object)
    dm = dataset_mapping("contacts", {"contacts": {"keep": {"Direction": wanted}}}, "m.yaml")
    listed = {w.lower() for w in wanted}
    expected = [i for i, c in enumerate(cells) if c is not None and c.strip().lower() in listed]
    if not expected:
        with pytest.raises(DataError, match="no row is"):
            keep_rows(raw, dm, Problems("calls.csv"), [])
        return
    kept, line = keep_rows(raw, dm, Problems("calls.csv"), [])
    assert list(kept.index) == expected and list(kept["Call"]) == expected
    assert line.startswith(f"{len(cells) - len(expected):,} of {len(cells):,} rows left out")


def test_only_a_direction_column_is_read_as_one():
    """A text column counts as a call direction only with Inbound (or Incoming) and Outbound,
    Outgoing or Internal among at most 20 values: notes that mention them, or a wrap-up code
    'Internal transfer', are left alone."""
    from svcworkbook.data.plausibility import check_directions
    from svcworkbook.data.problems import Problems

    n = 200
    raw = pd.DataFrame(
        {
            "Notes": [f"call {i}: inbound" if i % 2 else "outbound" for i in range(n)],
            "Wrap-up": ["Internal transfer" if i % 3 else "Resolved" for i in range(n)],
            "Leg": ["Internal" if i % 4 else "Agent" for i in range(n)],  # no inbound word
            "Call Type": ["OUTGOING" if i % 5 == 0 else "incoming" for i in range(n)],
        },
        dtype=object,
    )
    problems, notes = Problems("calls.csv"), []
    check_directions(raw, set(), problems, notes)
    (only,) = problems.items  # the Call Type column alone, in any case
    assert only.startswith(f"column 'Call Type': {n // 5} of {n} rows (20.0%) are OUTGOING calls")
    problems = Problems("calls.csv")
    check_directions(raw, {"call type"}, problems, notes)  # keep names it: the mapping decided
    assert problems.items == []
