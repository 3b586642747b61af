"""Real exports, as exported: a call-centre and a help-desk export with their own file names and
layouts (tests/fixtures/exports/), each read through a version-2 mapping and nothing else.

Every expected figure is worked out here from the raw file with plain pandas and the
definitions written out by hand, never with the library.
"""

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from nbtools import chart_problems, matrix_kernel, raw_values

from svcworkbook.analysis import kpi
from svcworkbook.data import loading
from svcworkbook.errors import DataError
from svcworkbook.report.contact_figures import contact_figures
from svcworkbook.teaching import cli

EXPORTS = Path(__file__).parent / "fixtures" / "exports"
CALLS = EXPORTS / "callcentre"
CALLS_FILE = CALLS / "01 Call-Center-Dataset.csv"
TICKETS = EXPORTS / "tickets"
MALFORMED = Path(__file__).parent / "fixtures" / "malformed"


def seconds(text) -> float:
    """A duration as the export writes it (h:mm:ss, m:ss or seconds), in seconds; blank is 0."""
    if pd.isna(text) or text == "":
        return 0.0
    parts = [float(p) for p in str(text).split(":")]
    total = 0.0
    for part in parts:
        total = total * 60 + part
    return total


@pytest.fixture(scope="module")
def raw_calls() -> pd.DataFrame:
    """The call-centre export read as plain text, the way a person would open it."""
    return pd.read_csv(CALLS_FILE, dtype=str, encoding="utf-8-sig", keep_default_na=False)


@pytest.fixture(scope="module")
def calls() -> dict[str, pd.DataFrame]:
    """The call-centre export loaded through its mapping (contacts and surveys)."""
    return loading.load_folder(CALLS, "mapping.yaml", datasets=("contacts", "surveys"))


def expected_call_figures(raw: pd.DataFrame, answer_within_s: float = 20) -> dict[str, float]:
    """The six figures worked out by hand: no wait is recorded for unanswered calls, so no call
    is a short abandon and every call is offered."""
    answered = raw["Answered (Y/N)"] == "Y"
    wait = pd.to_numeric(raw["Speed of answer in seconds"], errors="coerce")
    handle = (
        raw["AvgTalkDuration"].map(seconds)
        + raw["Hold Time"].map(seconds)
        + raw["Wrap Time"].map(seconds)
    )
    return {
        "calls_offered": len(raw),
        "abandonment_rate": (~answered).sum() / len(raw),
        "service_level_period": (answered & (wait <= answer_within_s)).sum() / len(raw),
        "average_speed_of_answer_s": wait[answered].mean(),
        "average_handle_time_s": handle[answered].mean(),
        "first_contact_resolution": (raw.loc[answered, "Resolved"] == "Y").mean(),
    }


def test_call_centre_export_loads_through_its_mapping(calls, raw_calls):
    """Date + Time combined (day-first, hours without a leading zero), Answered inverted, talk +
    hold + wrap summed from h:mm:ss, m:ss and seconds, a constant channel."""
    contacts = calls["contacts"]
    assert len(contacts) == len(raw_calls) == 24
    first = raw_calls.iloc[0]
    day, month, year = first["Date"].split("/")
    assert contacts["opened_at"].iloc[0] == pd.Timestamp(f"{year}-{month}-{day} {first['Time']}")
    assert (contacts["abandoned"] == (raw_calls["Answered (Y/N)"] == "N")).all()
    assert set(contacts["channel"]) == {"phone"}
    answered = raw_calls["Answered (Y/N)"] == "Y"
    assert contacts.loc[~answered, "queue_wait_s"].isna().all()  # blank waits allowed
    hand = (
        raw_calls["AvgTalkDuration"].map(seconds)
        + raw_calls["Hold Time"].map(seconds)
        + raw_calls["Wrap Time"].map(seconds)
    )
    assert contacts.loc[answered, "handle_time_s"].tolist() == hand[answered].tolist()


def test_call_centre_figures_match_the_hand_computed_ones(calls, raw_calls):
    """The six recorded figures equal the ones worked out from the raw file."""
    figures = contact_figures(calls["contacts"], answer_within_s=20, short_abandon_s=5)
    expected = expected_call_figures(raw_calls)
    assert figures.record() == pytest.approx(expected)
    assert figures.left_out == {}
    assert figures.short_abandons == 0  # unknown waits are never short abandons
    assert not any("nan" in s.lower() for s in figures.sentences())


def test_ivr_survey_taken_from_the_rating_column(calls, raw_calls):
    """One survey per call; responded where a rating is given; CSAT as the share of 4-5."""
    surveys = calls["surveys"]
    rated = raw_calls["Satisfaction rating"] != ""
    assert surveys["responded"].tolist() == rated.tolist()
    assert surveys["survey_id"].tolist() == raw_calls["Call Id"].tolist()
    assert set(surveys["method"]) == {"ivr"}
    scores = raw_calls.loc[rated, "Satisfaction rating"].astype(int)
    assert kpi.csat(surveys) == pytest.approx((scores >= 4).mean())


def test_short_abandon_threshold_and_warning():
    """Waits recorded as 0 make every abandon short: the count is stated and a warning given."""
    contacts = pd.DataFrame(
        {
            "contact_id": [f"C{i}" for i in range(10)],
            "opened_at": pd.date_range("2026-01-05 09:00", periods=10, freq="min"),
            "channel": "phone",
            "abandoned": [True, True, False, False, False, False, False, False, False, False],
            "queue_wait_s": [0.0, 12.0, 3, 8, 30, 15, 2, 40, 9, 11],
        }
    )
    figures = contact_figures(contacts, answer_within_s=20, short_abandon_s=5)
    assert figures.record()["calls_offered"] == 9
    assert figures.record()["abandonment_rate"] == pytest.approx(1 / 9)
    assert figures.short_abandons == 1
    text = " ".join(figures.sentences())
    assert "under 5 seconds" in text and "1 call removed (10.0% of 10)" in text
    assert "Warning: 10.0% of the calls were removed as short abandons" in text
    assert "Average handle time is left out: the contacts file has no handle_time_s" in text
    none = contact_figures(contacts, short_abandon_s=0)
    assert none.record()["abandonment_rate"] == pytest.approx(2 / 10)
    assert "Warning" not in " ".join(none.sentences())


def test_ticket_export_loads_with_recoded_channels():
    """A help-desk export: UK dates with minutes, 'Social media' recoded, tickets never
    abandoned; the figures that need a wait or handle time are left out, with the reason."""
    loaded = loading.load_folder(TICKETS, "mapping.yaml", datasets=("contacts", "surveys"))
    raw = pd.read_csv(TICKETS / "customer_support_tickets.csv", dtype=str, keep_default_na=False)
    contacts = loaded["contacts"]
    recoded = raw["Ticket Channel"].str.lower().replace({"social media": "social"})
    assert contacts["channel"].tolist() == recoded.tolist()
    assert contacts["resolved_at"].notna().tolist() == (raw["Resolved On"] != "").tolist()
    figures = contact_figures(contacts)
    live = recoded.isin(["phone", "chat"]).sum()
    assert figures.record() == {"calls_offered": live, "abandonment_rate": 0.0}
    assert set(figures.left_out) == {
        "service_level_period", "average_speed_of_answer_s", "average_handle_time_s",
        "first_contact_resolution",
    }  # fmt: skip
    rated = raw["Customer Satisfaction Rating"] != ""
    assert loaded["surveys"]["responded"].sum() == rated.sum()


def test_minimum_contacts_columns(tmp_path):
    """Only an id, when it was opened and whether it was answered are needed."""
    path = tmp_path / "contacts.csv"
    path.write_text("Ref,When,Abandoned\nA1,05/01/2026 09:00,N\nA2,05/01/2026 09:05,Y\n")
    frame = loading.load("contacts", path, {"contacts": {"Ref": "contact_id", "When": "opened_at"}})
    assert frame["abandoned"].tolist() == [False, True]
    assert frame["resolved_first_contact"].isna().all()  # unknown, not False
    assert "resolved_first_contact" in frame.attrs["missing_optional"]
    figures = contact_figures(frame)
    assert figures.record() == {"calls_offered": 2, "abandonment_rate": 0.5}
    assert "every contact is counted as one queue" in " ".join(figures.sentences())


def test_old_export_without_channel_and_team_loads():
    """channel and team may be left out now (the former 'missing column' file)."""
    frame = loading.load("contacts", MALFORMED / "missing_column.csv")
    assert {"channel", "team"} <= set(frame.attrs["missing_optional"])


# --- the mapping's rules, each checked with a clear error --------------------------------------


def copy_calls(tmp_path: Path, mapping: str) -> Path:
    """The call-centre export in a fresh folder with the given mapping text."""
    shutil.copy(CALLS_FILE, tmp_path / CALLS_FILE.name)
    (tmp_path / "mapping.yaml").write_text(mapping, encoding="utf-8")
    return tmp_path


BASE = (
    "contacts:\n  file: 01 Call-Center-Dataset.csv\n"
    "  columns: {Call Id: contact_id, Speed of answer in seconds: queue_wait_s}\n"
    "  combine: {opened_at: [Date, Time]}\n"
)


def test_answered_mapped_as_abandoned_is_refused(tmp_path):
    """'Answered (Y/N): abandoned' without invert: most 'abandoned' calls then have a handle
    time; refused with the count, the rows and the fix."""
    folder = copy_calls(
        tmp_path,
        BASE.replace("queue_wait_s}", "queue_wait_s, Answered (Y/N): abandoned}")
        + "  sum: {handle_time_s: [AvgTalkDuration, Hold Time, Wrap Time]}\n",
    )
    with pytest.raises(DataError) as caught:
        loading.load_folder(folder, "mapping.yaml", datasets=("contacts",))
    raw = pd.read_csv(CALLS_FILE, dtype=str, encoding="utf-8-sig")
    wrong = (raw["Answered (Y/N)"] == "Y").sum()
    message = str(caught.value)
    assert (
        f"column 'abandoned': {wrong:,} of 24 rows ({wrong / 24:.1%}) are abandoned but have a"
        " handle time, more than the 1% a real system allows" in message
    )
    assert "use invert: {abandoned: <that column>}" in message


def test_a_rule_naming_a_column_the_file_lacks(tmp_path):
    """The mapping file, the rule, the column and the file's columns are named."""
    folder = copy_calls(tmp_path, BASE.replace("[Date, Time]", "[Date, Hour]")
                        + "  invert: {abandoned: Answered (Y/N)}\n")  # fmt: skip
    with pytest.raises(DataError) as caught:
        loading.load_folder(folder, "mapping.yaml", datasets=("contacts",))
    assert (
        "the mapping (mapping.yaml) takes opened_at from 'Hour' (combine), but the file has no "
        "such column. Fix: correct the name in the mapping; the file's columns are Call Id, "
        "Agent, Date, Time," in str(caught.value)
    )


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("  invert: {handle_time_s: Answered (Y/N)}\n",
         "mapping.yaml: under contacts, invert: handle_time_s is a float column, which invert "
         "cannot fill. Fix: invert turns a yes/no column round"),
        ("  sum: {opened_at: [Date, Time]}\n",
         "mapping.yaml: under contacts, sum: opened_at is a datetime column"),
        ("  constant: {chanel: phone}\n",
         "mapping.yaml: under contacts, constant: 'chanel' is not a column of contacts. Fix: use "
         "one of contact_id"),
        ("  combined: {opened_at: [Date, Time]}\n",
         "mapping.yaml: under contacts, combined: this is not a rule of the mapping. Fix: use "
         "file, keep, columns, combine, sum, invert, present, constant, values"),
        ("  keep: {Topic: []}\n",
         "mapping.yaml: under contacts, keep: 'Topic' lists no value whose rows to keep. Fix: "
         "write e.g. keep: {Direction: Inbound}"),
        ("  invert: {abandoned: Answered (Y/N)}\n  constant: {abandoned: no}\n",
         "mapping.yaml: under contacts, invert and constant: abandoned is given more than once"),
        ("  values: {channel: Voice}\n",
         "mapping.yaml: under contacts, values: channel needs 'their value: our value' pairs"),
    ],
)  # fmt: skip
def test_each_rule_is_checked(tmp_path, rule, message):
    """A wrong rule is refused before the file is read, naming the mapping and the fix."""
    folder = copy_calls(tmp_path, BASE + rule)
    with pytest.raises(DataError) as caught:
        loading.load_folder(folder, "mapping.yaml", datasets=("contacts",))
    assert message in str(caught.value)


GENESYS = EXPORTS / "genesys"
GENESYS_FILE = GENESYS / "Interactions_2026-02-02_2026-03-15.csv"


def genesys_with_outbound(tmp_path: Path, every: int = 10, keep: str = "") -> Path:
    """The Genesys export with every `every`-th call (rows 5, 15, ... as a spreadsheet numbers
    them) made Outbound, as an interactions export holding both directions; its mapping plus
    the keep rule given."""
    lines = GENESYS_FILE.read_bytes().split(b"\r\n")
    for i in range(3, len(lines) - 2, every):  # data line i + 1 is spreadsheet row i + 2
        assert b",Inbound," in lines[i + 1]
        lines[i + 1] = lines[i + 1].replace(b",Inbound,", b",Outbound,", 1)
    (tmp_path / GENESYS_FILE.name).write_bytes(b"\r\n".join(lines))
    mapping = (GENESYS / "mapping.yaml").read_text(encoding="utf-8")
    (tmp_path / "mapping.yaml").write_text(mapping + keep, encoding="utf-8")
    return tmp_path


def test_outbound_calls_among_the_contacts_are_refused_until_the_mapping_says(tmp_path):
    """Outbound calls are not customers' inbound contacts: above 1% of the rows they are refused
    with the count, the rows and both fixes; the mapping's keep rule then settles it."""
    folder = genesys_with_outbound(tmp_path)
    raw = pd.read_csv(folder / GENESYS_FILE.name, dtype=str)
    outbound = raw.index[raw["Direction"] == "Outbound"]
    rows = ", ".join(str(i + 2) for i in outbound[:5])
    with pytest.raises(DataError) as caught:
        loading.load_folder(folder, "mapping.yaml", datasets=("contacts",))
    assert (
        f"column 'Direction': {len(outbound)} of {len(raw):,} rows ({len(outbound) / len(raw):.1%})"
        " are Outbound calls by their 'Direction', not customers' inbound contacts, more than the"
        f" 1% allowed in rows {rows} and {len(outbound) - 5} more. Fix: to measure customers' "
        "inbound contacts (calls offered, abandonment and service level count them), add keep: "
        "{Direction: Inbound} under contacts in the mapping, listing any other value that is a "
        "customer's call too; to count every call, keep: {Direction: [Inbound, Outbound]}"
    ) in str(caught.value)


def test_every_call_type_but_inbound_counts_against_the_contacts(tmp_path):
    """A dialler writes more types than Inbound and Outbound (Five9: Manual, Queue Callback):
    all of them are calls the mapping must say it counts, not only the words the check knows."""
    folder = genesys_with_outbound(tmp_path, every=10)
    path = folder / GENESYS_FILE.name
    lines = path.read_bytes().split(b"\r\n")
    for i in range(7, len(lines) - 2, 20):  # rows 9, 29, ...: manual dials
        lines[i + 1] = lines[i + 1].replace(b",Inbound,", b",Manual,", 1)
    path.write_bytes(b"\r\n".join(lines))
    raw = pd.read_csv(path, dtype=str)
    others = raw["Direction"] != "Inbound"
    with pytest.raises(DataError) as caught:
        loading.load_folder(folder, "mapping.yaml", datasets=("contacts",))
    message = str(caught.value)
    assert (
        f"{others.sum()} of {len(raw):,} rows ({others.mean():.1%}) are Outbound or Manual calls"
        in message
    )
    assert "keep: {Direction: [Inbound, Outbound, Manual]}" in message


def test_the_keep_rule_keeps_the_inbound_calls_and_counts_the_rest(tmp_path):
    """keep: {Direction: Inbound} loads exactly the inbound calls, says how many it left out, and
    the figures are the inbound calls' own, worked out by hand."""
    folder = genesys_with_outbound(tmp_path, keep="  keep: {Direction: inbound}\n")
    frame = loading.load_folder(folder, "mapping.yaml", datasets=("contacts",))["contacts"]
    raw = pd.read_csv(folder / GENESYS_FILE.name, dtype=str)
    inbound = raw[raw["Direction"] == "Inbound"]
    assert list(frame["contact_id"]) == list(inbound["Conversation ID"])
    assert frame["abandoned"].sum() == (inbound["Abandoned"] == "Yes").sum()
    left = len(raw) - len(inbound)
    assert (
        f"{left} of {len(raw):,} rows left out by the mapping's keep rule (kept where "
        "'Direction' is inbound)" in loading.summary("contacts", frame)
    )
    report = loading.mapping_report("contacts", frame)
    assert "  rows kept where 'Direction' is inbound" in report
    assert not any("'Direction'" in line for line in report if "not used" in line)
    (tmp_path / "all").mkdir()
    everything = genesys_with_outbound(
        tmp_path / "all", keep="  keep: {Direction: [Inbound, Outbound]}\n"
    )
    both = loading.load_folder(everything, "mapping.yaml", datasets=("contacts",))["contacts"]
    assert len(both) == len(raw)  # the mapping says to count every call: no refusal


def test_rows_left_out_by_keep_do_not_renumber_the_problems(tmp_path):
    """A bad value on a kept row is named by the file's own row number, as in a spreadsheet."""
    folder = genesys_with_outbound(tmp_path, keep="  keep: {Direction: Inbound}\n")
    path = folder / GENESYS_FILE.name
    lines = path.read_bytes().split(b"\r\n")
    fields = lines[10].split(b",")  # spreadsheet row 11, an inbound call kept by the rule
    header = lines[0].split(b",")
    fields[header.index(b"Total Queue")] = b"soon"
    lines[10] = b",".join(fields)
    path.write_bytes(b"\r\n".join(lines))
    with pytest.raises(DataError) as caught:
        loading.load_folder(folder, "mapping.yaml", datasets=("contacts",))
    assert re.search(r"column 'queue_wait_s': .* in row 11\b", str(caught.value))


@pytest.mark.parametrize(
    ("keep", "message"),
    [
        ("  keep: {Directions: Inbound}\n",
         "the mapping (mapping.yaml) keeps the rows by 'Directions' (keep), but the file has no "
         "such column. Fix: correct the name in the mapping; the file's columns are Conversation "
         "ID, Date, Start Time, Direction,"),
        ("  keep: {}\n",
         "mapping.yaml: under contacts, keep: it names no column. Fix: write e.g. keep: "
         "{Direction: Inbound}"),
        ("  keep: {Direction: [Inbound, '']}\n",
         "keep: 'Direction' lists a blank value (a row is kept only for a value it holds)"),
        ("  keep: {Direction: }\n", "keep: 'Direction' lists no value whose rows to keep"),
        ("  keep: {Direction: Inboud}\n",
         "column 'Direction': the mapping's keep rule keeps the rows where it is Inboud, and no "
         "row is (it holds Inbound, Outbound). Fix: list the values as the file writes them"),
    ],
)  # fmt: skip
def test_a_keep_rule_that_cannot_keep_anything_says_why(tmp_path, keep, message):
    folder = genesys_with_outbound(tmp_path, keep=keep)
    with pytest.raises(DataError) as caught:
        loading.load_folder(folder, "mapping.yaml", datasets=("contacts",))
    assert message in str(caught.value)


def test_a_values_rule_on_a_column_nothing_gives_is_a_problem(tmp_path):
    """Recoding resolved_first_contact when no rule maps a column to it would silently leave FCR
    out: refused, naming the rule and the fix."""
    folder = genesys_with_outbound(tmp_path, keep="  keep: {Direction: Inbound}\n")
    mapping = (folder / "mapping.yaml").read_text(encoding="utf-8")
    (folder / "mapping.yaml").write_text(
        mapping.replace("    Wrap-up: resolved_first_contact\n", ""), encoding="utf-8"
    )
    with pytest.raises(DataError) as caught:
        loading.load_folder(folder, "mapping.yaml", datasets=("contacts",))
    assert (
        "the mapping (mapping.yaml) recodes resolved_first_contact (values), but no column of the "
        "file gives resolved_first_contact. Fix: name the column that holds it under columns:"
    ) in str(caught.value)


def test_a_few_outbound_calls_are_kept_with_a_note(tmp_path):
    """At 1% of the rows or fewer, outbound calls are counted, and the summary says so."""
    folder = genesys_with_outbound(tmp_path, every=200)
    frame = loading.load_folder(folder, "mapping.yaml", datasets=("contacts",))["contacts"]
    raw = pd.read_csv(folder / GENESYS_FILE.name, dtype=str)
    few = (raw["Direction"] == "Outbound").sum()
    assert len(frame) == len(raw) and 0 < few <= len(raw) / 100
    assert (
        f"{few} of {len(raw):,} rows ({few / len(raw):.1%}) are Outbound calls by their "
        "'Direction', not customers' inbound contacts (within the 1% allowed, kept)"
    ) in loading.summary("contacts", frame)


def test_file_named_in_the_mapping_must_exist(tmp_path):
    """A file name the folder does not hold is named with the folder's files."""
    folder = copy_calls(tmp_path, BASE.replace("01 Call-Center", "02 Call-Center"))
    with pytest.raises(DataError, match="names file '02 Call-Center-Dataset.csv' for contacts"):
        loading.load_folder(folder, "mapping.yaml", datasets=("contacts",))


def test_blank_wait_on_an_answered_call_is_a_problem(tmp_path):
    """A blank wait is allowed only on an abandoned call."""
    path = tmp_path / "contacts.csv"
    path.write_text(
        "contact_id,opened_at,abandoned,queue_wait_s\n"
        "A1,2026-01-05 09:00:00,False,\nA2,2026-01-05 09:05:00,True,\n"
    )
    with pytest.raises(DataError) as caught:
        loading.load("contacts", path)
    assert "column 'queue_wait_s': blank on answered contacts in row 2." in str(caught.value)


def test_values_recode_and_blank(tmp_path):
    """values recodes in any case; a blank target blanks the cell (0 meaning 'no rating')."""
    path = tmp_path / "export.csv"
    path.write_text("Id,Opened,Abandoned,How\nA1,05/01/2026 09:00,no,VOICE\nA2,05/01/2026 09:01,no,"
                    "Web chat\n")  # fmt: skip
    mapping = {"contacts": {"columns": {"Id": "contact_id", "Opened": "opened_at", "How": "channel"},
               "values": {"channel": {"Voice": "phone", "Web chat": "chat"}}}}  # fmt: skip
    assert loading.load("contacts", path, mapping)["channel"].tolist() == ["phone", "chat"]


def test_flat_mapping_still_works(tmp_path):
    """The flat {their header: our column} form is unchanged."""
    path = tmp_path / "contacts.csv"
    path.write_text("Ref,opened_at,abandoned\nA1,2026-01-05 09:00:00,False\n")
    assert loading.load("contacts", path, {"Ref": "contact_id"})["contact_id"].tolist() == ["A1"]


def test_validate_prints_the_mapping_and_every_unused_column(capsys):
    """svcworkbook validate: the rules applied and all the columns not used, none cut off."""
    assert cli.main(["validate", str(CALLS), "--map", str(CALLS / "mapping.yaml")]) == 0
    out = capsys.readouterr().out
    assert "contacts: mapping applied" in out
    assert "  opened_at <- 'Date' + ' ' + 'Time'" in out
    assert "  abandoned <- the opposite of 'Answered (Y/N)'" in out
    assert "  columns not used (2): 'Satisfaction rating', 'Notes'" in out
    assert (
        "columns not used (9): 'Agent', 'Topic', 'Answered (Y/N)', 'Resolved', 'Speed of "
        "answer in seconds', 'AvgTalkDuration', 'Hold Time', 'Wrap Time', 'Notes'" in out
    )


def test_missing_columns_name_every_unused_header(tmp_path):
    """The hint lists every column of the file that was not used (no cut at 8)."""
    headers = [f"Col {i}" for i in range(12)]
    path = tmp_path / "contacts.csv"
    path.write_text(",".join(headers) + "\n" + ",".join("x" * 12) + "\n")
    with pytest.raises(DataError) as caught:
        loading.load("contacts", path)
    assert "'Col 11')" in str(caught.value)


# --- units on the data there is -----------------------------------------------------------------


def test_sections_whose_data_is_absent_are_replaced_by_a_note():
    """Each skipped section gets its own note; a partly skipped one says so; others are kept."""
    import nbformat

    from svcworkbook.teaching.sections import skip_absent_sections

    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        code("wb = start_unit(2)"),
        md("## Worked analysis 1: a plan", metadata={"tags": ["needs:intervals"]}),
        code("plan()", metadata={"tags": ["needs:intervals"]}),
        md("## Worked analysis 2: complaints", metadata={"tags": ["needs:complaints"]}),
        code("causes()", metadata={"tags": ["needs:complaints"]}),
        md("## Worked analysis 3: the log"),
        code("log()"),
        code("sla()", metadata={"tags": ["needs:contacts.resolved_at"]}),
    ]
    there = {"contacts": {"contact_id", "opened_at", "abandoned"}}
    nb, notes = skip_absent_sections(nb, there)
    assert notes == [
        "Worked analysis 1: a plan: no intervals file was given, so this section is skipped.",
        "Worked analysis 2: complaints: no complaints file was given, so this section is skipped.",
        "Worked analysis 3: the log: the contacts file has no resolved_at column, so this part is "
        "skipped.",
    ]
    sources = ["".join(c.source) for c in nb.cells]
    assert sources[0] == "wb = start_unit(2)" and "log()" in sources
    assert not any(s in sources for s in ("plan()", "causes()", "sla()"))


def test_session_has_and_absent_datasets(tmp_path):
    """wb.has names what the data gives; an absent dataset is a clear error, not generated."""
    from svcworkbook.teaching.session import OWN_DATA_ORGANISATION, start_unit

    wb = start_unit(
        2, datasets=("contacts", "intervals", "surveys"), data_dir=str(CALLS),
        mapping=str(CALLS / "mapping.yaml"),
    )  # fmt: skip
    assert wb.has("contacts", "surveys", "contacts.queue_wait_s")
    assert not wb.has("intervals") and not wb.has("contacts.resolved_at")
    assert wb.organisation == OWN_DATA_ORGANISATION
    with pytest.raises(DataError, match="intervals: no intervals file was given"):
        wb.intervals  # noqa: B018


def test_short_abandon_parameter_is_checked():
    """0 is allowed (count every abandon); a negative threshold is refused."""
    from svcworkbook.errors import ParameterError
    from svcworkbook.teaching.session import check_target

    assert check_target("short_abandon_s", 0) == 0.0
    with pytest.raises(ParameterError, match="0 or more"):
        check_target("short_abandon_s", -1)
    args = cli.build_parser().parse_args(["run", "2", "--short-abandon-s", "3"])
    assert cli.notebook_parameters_from(args)["short_abandon_s"] == 3.0


def outputs_text(path: Path) -> str:
    """Every output and Markdown cell of an executed notebook as text (what a reader sees)."""
    import json

    nb = json.loads(path.read_text(encoding="utf-8"))
    parts = []
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            parts.append("".join(cell["source"]))
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            for key in ("text/plain", "text/html"):
                parts.append("".join(data.get(key, "")))
            parts.append("".join(output.get("text", "")))
            if output.get("output_type") == "error":
                parts.append(f"ERROR {output['ename']}: {output['evalue']}")
    return "\n".join(parts)


@pytest.fixture(scope="module")
def unit_runs(tmp_path_factory) -> dict[int, tuple[Path, dict]]:
    """Units 2 and 3 run once each (on the worker's warm kernel, as the matrices do) on the call-centre export alone, unit 4 on
    the help-desk ticket export."""
    from svcworkbook.teaching import runner
    from svcworkbook.teaching.session import read_results

    out = tmp_path_factory.mktemp("units")
    runs = {}
    for unit, folder in ((2, CALLS), (3, CALLS), (4, TICKETS)):
        params = {"data_dir": str(folder), "mapping": str(folder / "mapping.yaml")}
        path = out / f"unit{unit}.ipynb"
        runner.execute(runner.resolve_notebook(unit), path, params, kernel=matrix_kernel())
        runs[unit] = (path, read_results(path))
    return runs


@pytest.mark.notebook
@pytest.mark.parametrize("unit", [2, 3])
def test_units_on_contacts_alone_record_the_hand_computed_figures(unit_runs, raw_calls, unit):
    """The six figures recorded equal the hand-computed ones; no nan; not the sample's name."""
    path, results = unit_runs[unit]
    expected = expected_call_figures(raw_calls)
    assert {k: results[k] for k in expected} == pytest.approx(expected)
    text = outputs_text(path)
    assert "ERROR" not in text
    assert not re.search(r"\bnan\b", text, re.IGNORECASE)
    assert "Northgate" not in text
    assert "Calls abandoned in under 5 seconds are short abandons" in text


@pytest.mark.notebook
@pytest.mark.parametrize("unit", [2, 3, 4])
def test_export_runs_show_no_raw_value_and_clean_charts(unit_runs, unit):
    """Issue 17 on a real export's layout: no nan, None, True/False, long floats or code-style
    column names in any output, and every chart passes report.chart_checks."""
    path, _ = unit_runs[unit]
    assert raw_values(path) == []
    assert chart_problems(path) == []


@pytest.mark.notebook
def test_unit_2_skips_what_the_export_does_not_give(unit_runs):
    """The intervals sections and the SLA sections are skipped with a note each."""
    text = outputs_text(unit_runs[2][0])
    assert (
        "Worked analysis 1: a service plan for next week: no intervals file was given, so this "
        "section is skipped." in text
    )
    assert "Worked analysis 2: contingency for a peak: no intervals file was given" in text
    assert "the contacts file has no resolved_at column, so this section is skipped" in text


@pytest.mark.notebook
def test_unit_3_skips_complaints_staff_and_intervals(unit_runs):
    """Unit 3 on contacts and the IVR ratings: the sections on comments, complaints, staff and
    intervals are skipped, each with its note."""
    text = outputs_text(unit_runs[3][0])
    assert "no complaints file was given" in text or "the surveys file has no comment" in text
    assert "no staff file was given, so this section is skipped" in text
    assert "no intervals file was given, so this section is skipped" in text


@pytest.mark.parametrize("readme", ["README.md", "data/README.md"])
def test_readmes_list_what_each_section_needs(readme):
    """The table of sections and the data they need is the one the notebooks' tags give."""
    from svcworkbook.teaching.runner import ROOT, unit_notebooks
    from svcworkbook.teaching.sections import needs_table

    text = (ROOT / readme).read_text(encoding="utf-8")
    table = needs_table([p for p in unit_notebooks() if p.stem[:2] != "00"])
    assert table in text
    assert "| 02 | Worked analysis 1: a service plan for next week | intervals |" in table


@pytest.mark.notebook
def test_unit_4_on_a_ticket_export(unit_runs):
    """Unit 4 on what a ticket export gives (tickets and their ratings): the survey figures
    worked out by hand, the sections on complaints, mystery shops and customers skipped."""
    path, results = unit_runs[4]
    raw = pd.read_csv(TICKETS / "customer_support_tickets.csv", dtype=str, keep_default_na=False)
    ratings = raw.loc[raw["Customer Satisfaction Rating"] != "", "Customer Satisfaction Rating"]
    scores = ratings.astype(int)
    assert results["surveys_sent"] == len(raw)
    assert results["survey_responses"] == len(scores)
    assert results["response_rate"] == pytest.approx(len(scores) / len(raw))
    assert results["csat"] == pytest.approx((scores >= 4).mean())
    assert results["csat_mean"] == pytest.approx(scores.mean())
    assert "nps" not in results
    text = outputs_text(path)
    assert "ERROR" not in text and "Northgate" not in text
    assert not re.search(r"\bnan\b", text, re.IGNORECASE)
    assert (
        "Worked analysis 4: root causes of complaints (Pareto): no complaints file was given, "
        "so this section is skipped." in text
    )
    assert "no customers file was given, so this section is skipped" in text
    assert "NPS is left out: the surveys file has no nps scores." in text


def test_change_date_outside_the_data_is_refused_before_any_kernel(capsys):
    """svcworkbook run 5 with a change date the export does not cover stops at once (exit 1)."""
    code = cli.main([
        "run", "5", "--data", str(CALLS), "--map", str(CALLS / "mapping.yaml"),
        "-p", "change_date=2030-01-01", "--out", "/nonexistent/never-written",
    ])  # fmt: skip
    assert code == 1
    err = capsys.readouterr().err
    assert "change_date 01 Jan 2030 leaves too little data on one side" in err


def test_blank_resolved_flag_on_an_abandoned_call_reads_as_no(tmp_path):
    """A wrap-up left blank when nobody answered is allowed (read as no, and said so); blank on
    an answered call is a problem naming the rows."""
    path = tmp_path / "contacts.csv"
    path.write_text(
        "contact_id,opened_at,abandoned,resolved_first_contact\n"
        "A1,2026-01-05 09:00:00,no,yes\nA2,2026-01-05 09:05:00,yes,\nA3,2026-01-05 09:09:00,no,no\n"
    )
    frame = loading.load("contacts", path)
    assert frame["resolved_first_contact"].tolist() == [True, False, False]
    assert frame["resolved_first_contact"].dtype == bool
    assert "resolved_first_contact: blank on 1 abandoned contact, read as no" in " ".join(
        frame.attrs["notes"]
    )
    assert kpi.first_contact_resolution(frame) == pytest.approx(1 / 2)
    path.write_text(
        path.read_text().replace("A3,2026-01-05 09:09:00,no,no", "A3,2026-01-05 09:09:00,no,")
    )
    with pytest.raises(DataError) as caught:
        loading.load("contacts", path)
    assert "column 'resolved_first_contact': blank on answered contacts in row 4." in str(
        caught.value
    )
    assert "fill in the resolved flag of every answered contact" in str(caught.value)


def test_a_section_needing_two_values_of_a_column():
    """needs:surveys.method>1 skips the part when the file has one method only, naming it; a
    plain set of columns (no counts) is taken as met."""
    import nbformat

    from svcworkbook.teaching.sections import Columns, missing_reason, skip_absent_sections

    one = {"surveys": Columns({"method", "csat"}, {"method": 1}, {"method": ["ivr"]})}
    assert missing_reason("surveys.method>1", one) == (
        "the surveys file has only one method (ivr), fewer than the 2 this needs"
    )
    two = {"surveys": Columns({"method"}, {"method": 2}, {"method": ["email", "sms"]})}
    assert missing_reason("surveys.method>1", two) is None
    assert missing_reason("surveys.method>1", {"surveys": {"method"}}) is None
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        md("## Worked analysis 2: feedback"),
        code("rates()", metadata={"tags": ["needs:surveys"]}),
        md("### Your turn (U4.E4)", metadata={"tags": ["needs:surveys.method>1"]}),
        code("check()", metadata={"tags": ["exercise", "needs:surveys.method>1"]}),
    ]
    nb, notes = skip_absent_sections(nb, one)
    assert notes == [
        "Worked analysis 2: feedback: the surveys file has only one method (ivr), fewer than the "
        "2 this needs, so this part is skipped."
    ]
    assert ["".join(c.source) for c in nb.cells][:2] == [
        "## Worked analysis 2: feedback",
        "rates()",
    ]


def test_run_5_on_own_data_without_a_change_date_stops_before_any_kernel(capsys):
    """Your own contacts have no scenario, so unit 5 needs change_date: refused at once."""
    code = cli.main([
        "run", "5", "--data", str(CALLS), "--map", str(CALLS / "mapping.yaml"),
        "--out", "/nonexistent/never-written",
    ])  # fmt: skip
    assert code == 1
    assert "change_date is not set: with your own data (data_dir)" in capsys.readouterr().err
