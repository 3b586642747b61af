"""KPIs on small logs worked by hand, the published ICMI service level example, and properties."""

import math
from unittest import mock

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from svcworkbook.analysis import _kpi_table, kpi, kpi_operations
from svcworkbook.errors import DataError

CONTACT_COLUMNS = [
    "contact_id", "customer_id", "opened_at", "channel", "team", "agent_id", "queue_wait_s",
    "abandoned", "handle_time_s", "resolved_first_contact", "escalated", "resolved_at",
]  # fmt: skip


def contacts() -> pd.DataFrame:
    """Ten contacts over two weeks (Mon 2 and Mon 9 March 2026), worked through by hand below.

    Live (phone/chat): C01-C07, C10. C04 is a short abandon (3 s), C05 abandons within the 20 s
    threshold (12 s), C06 after it (60 s). C07 is answered at exactly 20 s. C08 (email) is still
    open. Customer K1 calls three times (C01, C03, C10), K2 twice (C02, C07).
    """
    rows = [
        ("C01", "K1", "2026-03-02 09:00", "phone", "billing", "A1", 10, False, 300, True, False, "2026-03-02 09:10"),
        ("C02", "K2", "2026-03-02 10:00", "phone", "billing", "A1", 45, False, 420, False, True, "2026-03-03 10:00"),
        ("C03", "K1", "2026-03-04 09:00", "phone", "technical", "A2", 15, False, 600, True, False, "2026-03-04 09:20"),
        ("C04", "K3", "2026-03-04 11:00", "phone", "technical", None, 3, True, None, False, False, None),
        ("C05", "K4", "2026-03-05 12:00", "phone", "billing", None, 12, True, None, False, False, None),
        ("C06", "K5", "2026-03-05 13:00", "phone", "technical", None, 60, True, None, False, False, None),
        ("C07", "K2", "2026-03-06 09:00", "chat", "billing", "A3", 20, False, 500, True, False, "2026-03-06 09:30"),
        ("C08", "K6", "2026-03-06 10:00", "email", "technical", "A2", 7200, False, 900, False, True, None),
        ("C09", "K7", "2026-03-09 09:00", "email", "billing", "A3", 3600, False, 240, True, False, "2026-03-09 12:00"),
        ("C10", "K1", "2026-03-10 09:00", "phone", "billing", "A1", 25, False, 360, False, False, "2026-03-12 09:00"),
    ]  # fmt: skip
    frame = pd.DataFrame(rows, columns=CONTACT_COLUMNS)
    frame["opened_at"] = pd.to_datetime(frame["opened_at"])
    frame["resolved_at"] = pd.to_datetime(frame["resolved_at"])
    frame["queue_wait_s"] = frame["queue_wait_s"].astype(float)
    frame["handle_time_s"] = frame["handle_time_s"].astype(float)
    return frame


def surveys() -> pd.DataFrame:
    """Six invitations, four responses (one skipped the CES question); no team column."""
    return pd.DataFrame(
        {
            "survey_id": ["S1", "S2", "S3", "S4", "S5", "S6"],
            "contact_id": ["C01", "C02", "C03", "C07", "C09", "C10"],
            "customer_id": ["K1", "K2", "K1", "K2", "K7", "K1"],
            "sent_at": pd.to_datetime(
                ["2026-03-02", "2026-03-03", "2026-03-04", "2026-03-06", "2026-03-09", "2026-03-10"]
            ),
            "responded": [True, True, True, False, True, False],
            "csat": pd.array([5, 2, 4, None, 3, None], dtype="Int64"),
            "nps": pd.array([10, 3, 8, None, 9, None], dtype="Int64"),
            "ces": pd.array([2, 6, 3, None, None, None], dtype="Int64"),
        }
    )


def complaints() -> pd.DataFrame:
    """Three complaints: resolved in 3 days and 14 days, and one still open."""
    return pd.DataFrame(
        {
            "complaint_id": ["P1", "P2", "P3"],
            "received_at": pd.to_datetime(["2026-03-02", "2026-03-04", "2026-03-10"]),
            "channel": ["phone", "email", "phone"],
            "resolved_at": pd.to_datetime(["2026-03-05", "2026-03-18", None]),
        }
    )


def customers() -> pd.DataFrame:
    """Four customers: three retained, three with repeat purchases, two who referred someone."""
    return pd.DataFrame(
        {
            "customer_id": ["K1", "K2", "K3", "K4"],
            "first_purchase_at": pd.to_datetime(["2025-01-06"] * 4),
            "purchases": [1, 3, 2, 5],
            "referrals": [0, 2, 0, 1],
            "retained": [True, False, True, True],
        }
    )


def intervals() -> pd.DataFrame:
    """Three half hours: 100 x 180 s on 12 agents, a quiet one on 2, 48 x 240 s on 8."""
    return pd.DataFrame(
        {
            "interval_start": pd.to_datetime(
                ["2026-03-02 09:00", "2026-03-02 09:30", "2026-03-02 10:00"]
            ),
            "interval_s": [1800, 1800, 1800],
            "channel": ["phone"] * 3,
            "offered": [100, 0, 50],
            "handled": [100, 0, 48],
            "aht_s": [180.0, np.nan, 240.0],
            "agents_scheduled": [12, 2, 8],
        }
    )


# --- contact handling, worked by hand ---------------------------------------------------------


def test_first_contact_resolution_uses_answered_contacts():
    # answered: C01 C02 C03 C07 C08 C09 C10 (7); resolved first time: C01 C03 C07 C09
    assert kpi.first_contact_resolution(contacts()) == 4 / 7


def test_average_handle_time_over_answered_contacts():
    assert kpi.average_handle_time(contacts()) == (300 + 420 + 600 + 500 + 900 + 240 + 360) / 7
    assert kpi.average_handle_time(contacts(), channels=["email"]) == (900 + 240) / 2


def test_average_speed_of_answer_is_mean_wait_of_answered_live_contacts():
    # phone/chat answered: 10, 45, 15, 20, 25 s; abandoned waits are not in it
    assert kpi.average_speed_of_answer(contacts()) == 115 / 5


def test_service_level_default_drops_short_abandons_and_counts_the_rest():
    # offered: 8 live - 1 short abandon (C04, 3 s) = 7; answered in <= 20 s: C01, C03, C07
    assert kpi.service_level(contacts()) == 3 / 7
    assert kpi.service_level(contacts(), short_abandon_s=0) == 3 / 8
    assert kpi.service_level(contacts(), threshold_s=10) == 1 / 7  # C01 only


@pytest.mark.parametrize(
    "definition, expected",
    [
        ("answered_over_offered", 3 / 7),
        ("answered_over_answered", 3 / 5),
        ("abandoned_within_threshold_as_good", 4 / 7),  # + C05 (12 s)
        ("exclude_abandoned_within_threshold", 3 / 6),  # C05 removed
    ],
)
def test_service_level_definitions_by_hand(definition, expected):
    assert kpi.service_level(contacts(), definition=definition) == expected


def icmi_calls() -> pd.DataFrame:
    """ICMI's example: 1000 answered (860 in 20 s), 60 abandoned (20 in 20 s, 10 of them in 5 s)."""
    waits = [10.0] * 860 + [40.0] * 140 + [3.0] * 10 + [15.0] * 10 + [50.0] * 40
    abandoned = [False] * 1000 + [True] * 60
    n = len(waits)
    return pd.DataFrame(
        {
            "opened_at": pd.Timestamp("2026-03-02"),
            "channel": "phone",
            "queue_wait_s": waits,
            "abandoned": abandoned,
            "customer_id": [f"K{i}" for i in range(n)],
        }
    )


@pytest.mark.parametrize(
    "definition, published",
    [
        ("abandoned_within_threshold_as_good", 0.83),  # ICMI formula 1: (860 + 20) / 1060
        ("answered_over_answered", 0.86),  # formula 2: 860 / 1000
        ("answered_over_offered", 0.81),  # formula 3: 860 / 1060
        ("exclude_abandoned_within_threshold", 0.83),  # formula 4: 860 / 1040
    ],
)
def test_service_level_matches_icmis_published_example(definition, published):
    # ICMI, "Service Level Calculations" (icmi.com, Queue Tips), reproduced by Call Centre Helper
    value = kpi.service_level(icmi_calls(), definition=definition, short_abandon_s=0)
    assert round(value, 2) == published


def test_service_level_default_on_icmis_example_removes_the_10_short_abandons():
    assert kpi.service_level(icmi_calls()) == 860 / 1050


def test_abandonment_rate_uses_the_same_short_abandon_rule():
    # offered 7 (without C04); abandoned after 5 s: C05, C06
    assert kpi.abandonment_rate(contacts()) == 2 / 7
    assert kpi.abandonment_rate(contacts(), short_abandon_s=0) == 3 / 8


def test_escalation_rate_over_answered_contacts():
    assert kpi.escalation_rate(contacts()) == 2 / 7  # C02, C08


def test_repeat_contact_rate_leaves_out_contacts_without_a_full_window():
    # data end 12 Mar 09:00, so only contacts opened by 5 Mar 09:00 have 7 days observed:
    # C01 (K1 again 4 Mar), C02 (K2 again 6 Mar), C03 (K1 again 10 Mar), C04 (K3 never)
    assert kpi.repeat_contact_rate(contacts()) == 3 / 4
    assert kpi.repeat_contact_rate(contacts(), exclude_incomplete=False) == 3 / 10
    # within 3 days the window is complete for C01-C09 (opened by 9 Mar 09:00), and only
    # C01 -> C03 (2 days) repeats: C02 -> C07 is 4 days, C03 -> C10 is 6 days
    assert kpi.repeat_contact_rate(contacts(), days=3) == 1 / 9


def test_repeat_contact_at_the_same_moment_counts_whatever_the_row_order():
    frame = contacts().iloc[[0, 1]].copy()
    frame["customer_id"] = "K1"
    frame["opened_at"] = pd.Timestamp("2026-03-02 09:00")
    forward = kpi.repeat_contact_rate(frame, exclude_incomplete=False)
    backward = kpi.repeat_contact_rate(frame.iloc[::-1], exclude_incomplete=False)
    assert forward == backward == 1.0


def test_first_response_time_is_hours_for_written_channels():
    assert kpi.first_response_time(contacts()) == (7200 + 3600) / 2 / 3600


def test_sla_compliance_counts_overdue_open_cases_as_misses():
    # 24 h: C01 C02 (exactly 24 h) C03 C07 C09 in time; C10 took 48 h; C08 open 143 h: overdue
    assert kpi.sla_compliance(contacts()) == 5 / 7
    # email allowed 200 h: C08 is open but not yet due, so it is left out
    targets = {"phone": 24, "chat": 24, "email": 200}
    assert kpi.sla_compliance(contacts(), target_hours=targets) == 5 / 6
    with pytest.raises(ValueError, match="email"):
        kpi.sla_compliance(contacts(), target_hours={"phone": 24, "chat": 24})


def test_resolution_time_percentiles_in_hours():
    # resolved: 1/6, 24, 1/3, 1/2, 3, 48 hours -> median (0.5 + 3) / 2; p90 at rank 4.5 -> 36
    table = kpi.resolution_time_percentiles(contacts())
    assert table[50] == pytest.approx(1.75)
    assert table[90] == pytest.approx(36.0)
    assert kpi.resolution_time_percentile(contacts(), 100) == 48.0


def test_backlog_is_open_cases_at_the_date():
    assert kpi.backlog(contacts()) == 1  # C08
    assert kpi.backlog(contacts(), as_of="2026-03-03 09:00") == 1  # C02 not resolved until 10:00
    assert kpi.backlog(contacts(), as_of="2026-03-03 11:00") == 0


# --- surveys, complaints, loyalty, occupancy --------------------------------------------------


def test_csat_share_of_four_and_five_and_the_mean():
    assert kpi.csat(surveys()) == 2 / 4  # 5 and 4 out of 5, 2, 4, 3
    assert kpi.csat_mean(surveys()) == (5 + 2 + 4 + 3) / 4


def test_net_promoter_score_on_minus_100_to_100():
    # promoters 10, 9; detractor 3; passive 8 -> (2 - 1) / 4 x 100
    assert kpi.net_promoter_score(surveys()) == 25.0


def test_net_promoter_score_published_style_example():
    # 100 responses: 50 promoters, 30 passives, 20 detractors -> NPS 50 - 20 = 30
    scores = [10] * 30 + [9] * 20 + [8] * 15 + [7] * 15 + [6] * 10 + [0] * 10
    assert kpi.net_promoter_score(pd.DataFrame({"nps": scores})) == pytest.approx(30.0)


def test_customer_effort_score_is_the_mean_of_answers():
    assert kpi.customer_effort_score(surveys()) == (2 + 6 + 3) / 3


def test_survey_response_rate():
    assert kpi.survey_response_rate(surveys()) == 4 / 6


def test_complaints_per_1000_contacts_and_resolution_time():
    assert kpi.complaints_per_1000_contacts(complaints(), contacts()) == pytest.approx(300.0)
    assert kpi.complaint_resolution_time(complaints()) == (3 + 14) / 2


def test_loyalty_rates():
    assert kpi.retention_rate(customers()) == 3 / 4
    assert kpi.repeat_purchase_rate(customers()) == 3 / 4
    assert kpi.referral_rate(customers()) == 2 / 4


def test_occupancy_from_intervals():
    # (100 x 180 + 48 x 240) / ((12 + 2 + 8) x 1800)
    assert kpi.occupancy(intervals()) == pytest.approx(29520 / 39600)
    assert kpi.occupancy(intervals(), shrinkage=0.2) == pytest.approx(29520 / (39600 * 0.8))


# --- zero denominators and bad data ----------------------------------------------------------


def test_zero_denominators_are_nan_not_zero():
    nobody_answered = contacts().iloc[[3, 4, 5]]  # all abandoned
    assert math.isnan(kpi.first_contact_resolution(nobody_answered))
    assert math.isnan(kpi.average_speed_of_answer(nobody_answered))
    assert math.isnan(kpi.service_level(contacts().iloc[[3]]))  # only a short abandon
    assert math.isnan(kpi.csat(surveys().iloc[[3, 5]]))  # no responses
    assert math.isnan(kpi.net_promoter_score(surveys().iloc[[3]]))
    assert math.isnan(kpi.occupancy(intervals().iloc[[1]].assign(agents_scheduled=0)))
    assert math.isnan(kpi.first_contact_resolution(contacts().iloc[:0]))


def test_a_zero_for_no_rating_is_refused_with_the_fix():
    frame = surveys()
    frame.loc[3, "csat"] = 0
    with pytest.raises(
        DataError, match=r"surveys: column 'csat' must be whole numbers 1-5.*rows \[3\].*no rating"
    ):
        kpi.csat(frame)


def test_y_n_flags_are_refused_rather_than_guessed():
    frame = contacts()
    frame["abandoned"] = frame["abandoned"].map({True: "Y", False: "N"})
    with pytest.raises(DataError, match="contacts: column 'abandoned' must be True/False"):
        kpi.first_contact_resolution(frame)


def test_text_durations_are_refused():
    frame = contacts()
    frame["handle_time_s"] = "0:05:00"
    with pytest.raises(DataError, match="h:mm:ss"):
        kpi.average_handle_time(frame)


def test_missing_column_is_named():
    with pytest.raises(DataError, match="column 'escalated' is missing"):
        kpi.escalation_rate(contacts().drop(columns="escalated"))


def test_unknown_service_level_definition():
    with pytest.raises(ValueError, match="definition must be one of"):
        kpi.service_level(contacts(), definition="the_best_one")


# --- registry --------------------------------------------------------------------------------


def test_registry_describes_every_kpi():
    for name, entry in kpi.KPIS.items():
        assert entry.name == name
        assert entry.direction in {"higher", "lower"}
        assert entry.formula, name
        assert set(entry.datasets) <= set(kpi.TIME_COLUMNS)
    assert kpi.KPIS["csat"].met(0.9) is True
    assert kpi.KPIS["abandonment_rate"].met(0.07) is False
    assert kpi.KPIS["backlog"].met(3.0) is None
    assert kpi.KPIS["net_promoter_score"].compute(surveys=surveys()) == 25.0
    assert kpi.KPIS["resolution_time_p50"].compute(contacts=contacts()) == pytest.approx(1.75)


# --- the KPI table ---------------------------------------------------------------------------


def cell(table, kpi_name, **where):
    """The single row of the table for a KPI and group values."""
    mask = table["kpi"] == kpi_name
    for column, value in where.items():
        mask &= table[column] == value
    rows = table.loc[mask]
    assert len(rows) == 1, rows
    return rows.iloc[0]


def test_kpi_table_by_week_and_team_worked_by_hand():
    table = kpi.kpi_table(contacts(), surveys())
    assert list(table.columns) == ["period", "team", "kpi", "value", "n", "target", "met"]
    week1, week2 = pd.Timestamp("2026-03-02"), pd.Timestamp("2026-03-09")
    assert sorted(table["period"].unique()) == [week1, week2]
    # week 1 billing: answered C01 C02 C07 -> FCR 2/3; offered live C01 C02 C05 C07 -> SL 2/4
    row = cell(table, "first_contact_resolution", period=week1, team="billing")
    assert (row["value"], row["n"], row["met"]) == (2 / 3, 3, False)
    row = cell(table, "service_level", period=week1, team="billing")
    assert (row["value"], row["n"]) == (2 / 4, 4)
    # week 2 technical has no contacts: NaN with n = 0 and met unknown, never 0%
    row = cell(table, "first_contact_resolution", period=week2, team="technical")
    assert math.isnan(row["value"]) and row["n"] == 0 and row["met"] is pd.NA
    # surveys take their team from the contact: billing week 1 responses S1 (5), S2 (2)
    row = cell(table, "csat", period=week1, team="billing")
    assert (row["value"], row["n"]) == (1 / 2, 2)
    # backlog: C08 (technical) open at the end of both weeks
    assert cell(table, "backlog", period=week1, team="technical")["value"] == 1
    assert cell(table, "backlog", period=week2, team="technical")["value"] == 1
    assert cell(table, "backlog", period=week2, team="billing")["value"] == 0
    # p50 resolution, week 2 billing: C09 3 h, C10 48 h -> 25.5 h, target 24 h not met
    row = cell(table, "resolution_time_p50", period=week2, team="billing")
    assert (row["value"], row["n"], row["met"]) == (25.5, 2, False)


def test_kpi_table_targets_and_options():
    table = kpi.kpi_table(
        contacts(),
        by=(),
        period="month",
        kpis=["service_level", "average_speed_of_answer"],
        targets={"service_level": 0.4},
        options={"service_level": {"threshold_s": 30}},
    )
    assert table["kpi"].tolist() == ["service_level", "average_speed_of_answer"]
    sl = cell(table, "service_level")
    assert sl["period"] == pd.Timestamp("2026-03-01")
    assert sl["value"] == 4 / 7  # C10 (25 s) now in time too
    assert (sl["target"], sl["met"]) == (0.4, True)
    assert bool(cell(table, "average_speed_of_answer")["met"]) is True  # 23 s <= 30 s


def test_kpi_table_by_agent_shows_abandoned_calls_under_none():
    table = kpi.kpi_table(contacts(), by="agent_id", period="month", kpis=["abandonment_rate"])
    assert table["agent_id"].tolist() == ["A1", "A2", "A3", kpi.NO_GROUP]
    none = cell(table, "abandonment_rate", agent_id=kpi.NO_GROUP)
    assert (none["value"], none["n"]) == (1.0, 2)  # C05, C06 (C04 is a short abandon)


def test_kpi_table_by_channel_with_complaints_and_intervals():
    table = kpi.kpi_table(
        contacts(), complaints=complaints(), intervals=intervals(), by="channel", period="week"
    )
    week1 = pd.Timestamp("2026-03-02")
    # week 1: phone complaints 1 (P1) / phone contacts 6; email 1 / 1; chat 0 / 1 is a real 0
    assert cell(table, "complaints_per_1000_contacts", period=week1, channel="phone")[
        "value"
    ] == pytest.approx(1000 / 6)
    assert cell(table, "complaints_per_1000_contacts", period=week1, channel="chat")["value"] == 0
    occupancy = cell(table, "occupancy", period=week1, channel="phone")
    assert occupancy["value"] == pytest.approx(29520 / 39600) and occupancy["n"] == 3
    assert math.isnan(cell(table, "occupancy", period=week1, channel="email")["value"])


def test_kpi_table_refuses_kpis_it_cannot_group():
    with pytest.raises(ValueError, match="occupancy grouped by \\['team'\\]"):
        kpi.kpi_table(contacts(), intervals=intervals(), kpis=["occupancy"])
    with pytest.raises(ValueError, match="period must be one of"):
        kpi.kpi_table(contacts(), period="fortnight")
    with pytest.raises(ValueError, match="agent_id"):
        kpi.kpi_table(contacts(), by="agent")


def test_kpi_table_on_empty_data_is_empty_not_an_error():
    table = kpi.kpi_table(contacts().iloc[:0])
    assert table.empty
    assert list(table.columns) == ["period", "team", "kpi", "value", "n", "target", "met"]


def test_kpi_table_blank_dates_are_named():
    frame = contacts()
    frame.loc[2, "opened_at"] = pd.NaT
    with pytest.raises(DataError, match=r"opened_at' is blank in 1 row\(s\), e.g. \[2\]"):
        kpi.kpi_table(frame)


def test_customers_are_tabled_by_their_first_purchase():
    table = kpi.kpi_table(customers=customers(), by=(), period="month")
    assert set(table["kpi"]) == {"retention_rate", "repeat_purchase_rate", "referral_rate"}
    assert (table["period"] == pd.Timestamp("2025-01-01")).all()
    assert cell(table, "referral_rate")["value"] == 0.5


# --- properties ------------------------------------------------------------------------------

START = pd.Timestamp("2026-01-05").value

contact_rows = st.lists(
    st.tuples(
        st.integers(0, 5),  # customer
        st.integers(0, 40 * 24),  # hours after START
        st.sampled_from(["phone", "chat", "email"]),
        st.sampled_from(["billing", "technical", "orders"]),
        st.floats(0, 120),  # wait
        st.booleans(),  # abandoned
        st.floats(1, 900),  # handle
        st.booleans(),  # resolved first contact
        st.booleans(),  # escalated
        st.one_of(st.none(), st.integers(0, 200)),  # hours to resolve
    ),
    min_size=0,
    max_size=40,
)


def contacts_from(rows) -> pd.DataFrame:
    """A contacts frame from generated tuples (abandoned contacts have no handle or resolution)."""
    records = []
    for i, (cust, hour, channel, team, wait, abandoned, handle, rfc, esc, resolve) in enumerate(
        rows
    ):
        abandoned = abandoned and channel != "email"
        opened = pd.Timestamp(START + hour * 3_600 * 10**9)
        records.append(
            {
                "contact_id": f"C{i}",
                "customer_id": f"K{cust}",
                "opened_at": opened,
                "channel": channel,
                "team": team,
                "agent_id": None if abandoned else f"A{cust % 3}",
                "queue_wait_s": wait,
                "abandoned": abandoned,
                "handle_time_s": np.nan if abandoned else handle,
                "resolved_first_contact": rfc and not abandoned,
                "escalated": esc and not abandoned,
                "resolved_at": pd.NaT
                if abandoned or resolve is None
                else opened + pd.Timedelta(hours=resolve),
            }
        )
    frame = pd.DataFrame.from_records(records, columns=CONTACT_COLUMNS)
    frame["opened_at"] = pd.to_datetime(frame["opened_at"])
    frame["resolved_at"] = pd.to_datetime(frame["resolved_at"])
    frame["abandoned"] = frame["abandoned"].astype(bool)
    for column in ("resolved_first_contact", "escalated"):
        frame[column] = frame[column].astype(bool)
    for column in ("queue_wait_s", "handle_time_s"):
        frame[column] = frame[column].astype(float)
    return frame


RATE_KPIS = [
    "first_contact_resolution", "service_level", "abandonment_rate", "escalation_rate",
    "repeat_contact_rate", "sla_compliance",
]  # fmt: skip
CONTACT_RATIO_KPIS = [*RATE_KPIS, "average_handle_time", "average_speed_of_answer"]


def close(a: float, b: float) -> bool:
    """Equal, or both NaN, allowing for floating-point summation order."""
    return (math.isnan(a) and math.isnan(b)) or a == pytest.approx(b, rel=1e-9, abs=1e-12)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(contact_rows, st.randoms(use_true_random=False))
def test_rates_stay_in_0_1_and_row_order_changes_nothing(rows, random):
    frame = contacts_from(rows)
    shuffled = frame.sample(frac=1.0, random_state=random.randint(0, 10**6))
    for name in [*CONTACT_RATIO_KPIS, "resolution_time_p90", "backlog"]:
        value = kpi.KPIS[name].compute(contacts=frame)
        if name in RATE_KPIS and not math.isnan(value):
            assert 0.0 <= value <= 1.0, name
        assert close(value, kpi.KPIS[name].compute(contacts=shuffled)), name
    if len(frame):
        table = kpi.kpi_table(frame, by=("team", "channel"))
        again = kpi.kpi_table(shuffled, by=("team", "channel"))
        pd.testing.assert_frame_equal(table, again, check_exact=False, rtol=1e-9)
        rates = table.loc[table["kpi"].isin(RATE_KPIS), "value"].dropna()
        assert rates.between(0, 1).all()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(contact_rows.filter(len), st.sampled_from(["day", "week", "month"]))
def test_grouping_then_combining_agrees_with_the_whole(rows, period):
    frame = contacts_from(rows)
    parts = kpi.kpi_parts(frame, period=period, by=("team", "agent_id"), kpis=CONTACT_RATIO_KPIS)
    totals = parts.groupby("kpi")[["numerator", "denominator", "n"]].sum()
    for name in CONTACT_RATIO_KPIS:
        numerator, denominator, n = totals.loc[name]
        combined = numerator / denominator if denominator > 0 else float("nan")
        assert close(combined, kpi.KPIS[name].compute(contacts=frame)), name
        assert n == denominator  # every contact counted once in the denominator
    # backlog by group adds up to the whole at each period's end (1 ns before the next period)
    table = kpi.kpi_table(frame, period=period, by=("team", "agent_id"), kpis=["backlog"])
    step = {"day": pd.DateOffset(days=1), "week": pd.DateOffset(weeks=1)}.get(
        period, pd.offsets.MonthBegin(1)
    )
    for start, levels in table.groupby("period")["value"]:
        as_of = start + step - pd.Timedelta(1, "ns")
        assert levels.sum() == kpi.backlog(frame, as_of=as_of)


survey_rows = st.lists(
    st.tuples(
        st.integers(0, 30),
        st.booleans(),
        st.integers(1, 5),
        st.integers(0, 10),
        st.one_of(st.none(), st.integers(1, 7)),
    ),
    max_size=30,
)


@settings(max_examples=40, deadline=None)
@given(survey_rows)
def test_survey_kpis_stay_in_range_and_combine(rows):
    frame = pd.DataFrame(
        {
            "sent_at": [pd.Timestamp(START + d * 86_400 * 10**9) for d, *_ in rows],
            "touchpoint": ["phone" if d % 2 else "email" for d, *_ in rows],
            "responded": [r for _, r, *_ in rows],
            "csat": pd.array([c if r else None for _, r, c, _, _ in rows], dtype="Int64"),
            "nps": pd.array([n if r else None for _, r, _, n, _ in rows], dtype="Int64"),
            "ces": pd.array([e if r else None for _, r, _, _, e in rows], dtype="Int64"),
        }
    )
    frame["sent_at"] = pd.to_datetime(frame["sent_at"])
    for name, low, high in [
        ("csat", 0, 1),
        ("survey_response_rate", 0, 1),
        ("net_promoter_score", -100, 100),
        ("csat_mean", 1, 5),
        ("customer_effort_score", 1, 7),
    ]:
        value = kpi.KPIS[name].compute(surveys=frame)
        assert math.isnan(value) or low <= value <= high, name
        if len(frame):
            parts = kpi.kpi_parts(surveys=frame, by="touchpoint", kpis=[name])
            numerator, denominator = parts["numerator"].sum(), parts["denominator"].sum()
            scale = kpi.KPIS[name].scale
            combined = numerator / denominator * scale if denominator else float("nan")
            assert close(combined, value), name


def assert_percentiles_are_numpy_percentiles_of_each_group(frame, channels=None):
    """kpi_table's p50 and p90 by week x team equal np.percentile of each group's hours."""
    options = {"resolution_time_p50": {"channels": channels}}
    table = kpi.kpi_table(
        frame, period="week", by=("team",), kpis=["resolution_time_p50", "resolution_time_p90"],
        options={**options, "resolution_time_p90": {"channels": channels}},
    )  # fmt: skip
    week = frame["opened_at"].dt.to_period("W-SUN").dt.start_time
    for row in table.itertuples():
        group = frame[(week == row.period) & (frame["team"] == row.team)]
        if channels is not None:
            group = group[group["channel"].isin(channels)]
        group = group[~group["abandoned"] & group["resolved_at"].notna()]
        hours = (group["resolved_at"] - group["opened_at"]).dt.total_seconds() / 3600
        p = 50 if row.kpi == "resolution_time_p50" else 90
        expected = float(np.percentile(hours, p)) if len(hours) else float("nan")
        assert close(row.value, expected), (row.kpi, row.period, row.team)
        assert row.n == len(hours)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(contact_rows.filter(len), st.sampled_from([None, ["phone"], ["email", "chat"]]))
def test_table_percentiles_equal_numpy_percentile_on_each_group(rows, channels):
    assert_percentiles_are_numpy_percentiles_of_each_group(contacts_from(rows), channels)


def test_table_percentiles_with_a_century_long_resolution_and_nanoseconds():
    # cell number and time taken no longer fit one 63-bit sort key: the lexsort route is taken
    frame = contacts().assign(resolved_at=contacts()["resolved_at"] + pd.Timedelta(nanoseconds=7))
    frame.loc[0, "resolved_at"] = frame.loc[0, "opened_at"] + pd.Timedelta(days=36_500)
    took = frame["resolved_at"] - frame["opened_at"]
    assert (took.max() - took.min()).value.bit_length() > 61
    assert_percentiles_are_numpy_percentiles_of_each_group(frame)


def repeat_flags_by_pandas(frame: pd.DataFrame, days: float) -> pd.Series:
    """Each contact's repeat flag, worked another way: any other contact of the same customer
    opened at the same moment or up to days later (a self-join per customer)."""
    pairs = frame.reset_index().merge(
        frame.reset_index(), on="customer_id", suffixes=("", "_other")
    )
    gap = pairs["opened_at_other"] - pairs["opened_at"]
    hit = (pairs["index"] != pairs["index_other"]) & (gap >= pd.Timedelta(0))
    hit &= gap <= pd.Timedelta(days=days)
    return hit.groupby(pairs["index"]).any().reindex(frame.index, fill_value=False)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(contact_rows.filter(len), st.sampled_from([1, 3, 7]), st.randoms(use_true_random=False))
def test_repeat_contact_rate_equals_a_self_join_in_any_row_order(rows, days, random):
    frame = contacts_from(rows).sample(frac=1.0, random_state=random.randint(0, 10**6))
    frame.loc[frame["customer_id"] == "K5", "customer_id"] = None  # blank: not counted
    known = frame["customer_id"].notna()
    flags = repeat_flags_by_pandas(frame[known], days)
    worked = kpi_operations._repeat_flags(_kpi_table._Frames(contacts=frame), days)
    assert worked[known.to_numpy()].tolist() == flags.tolist()
    expected = flags.mean() if known.any() else float("nan")
    assert close(kpi.repeat_contact_rate(frame, days=days, exclude_incomplete=False), expected)


def as_categories(frame: pd.DataFrame, unused: bool = True) -> pd.DataFrame:
    """The same contacts with text columns as pandas categoricals, with an unused category."""
    out = frame.copy()
    for column in ("customer_id", "channel", "team", "agent_id"):
        values = out[column].dropna().unique().tolist()
        out[column] = pd.Categorical(out[column], categories=[*values, *["unused"][:unused]])
    return out


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(contact_rows.filter(len))
def test_categorical_columns_give_the_same_table_as_text(rows):
    frame = contacts_from(rows)
    for by in [("team",), ("channel", "agent_id")]:
        options = {"service_level": {"channels": ["phone", "chat"]}}
        text = kpi.kpi_table(frame, period="week", by=by, options=options)
        for unused in (True, False):
            categories = as_categories(frame, unused)
            table = kpi.kpi_table(categories, period="week", by=by, options=options)
            assert "unused" not in set(table[list(by)].stack())
            pd.testing.assert_frame_equal(text, table, check_exact=False, rtol=1e-9)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(contact_rows.filter(len), st.integers(1, 4))
def test_the_table_is_the_same_however_many_kpis_are_counted_in_one_pass(rows, per_pass):
    # shares and means are counted per cell x state together, as many as fit in the count limit:
    # one pass for all of them, or one, two, ... at a time, must give the same numbers
    frame = contacts_from(rows)
    together = kpi.kpi_parts(frame, period="week", by=("team",))
    size = len(together) // together["kpi"].nunique()
    with mock.patch.object(_kpi_table, "_JOINT_COUNT_CELLS", size * 3**per_pass):
        apart = kpi.kpi_parts(frame, period="week", by=("team",))
    pd.testing.assert_frame_equal(together, apart)
