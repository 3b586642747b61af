"""Tests for svcworkbook.data.generators: contract, determinism, consistency, realism and the samples."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from svcworkbook.analysis import stats
from svcworkbook.data import generators

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

# The column contract (.helpers/DATA_CONTRACT.md), written out independently of the generator:
# column -> dtype kind ("str", "datetime", "bool", "int", "float", "score").
CONTRACT: dict[str, dict[str, str]] = {
    "contacts": {
        "contact_id": "str", "customer_id": "str", "opened_at": "datetime", "channel": "str",
        "team": "str", "agent_id": "str", "queue_wait_s": "float", "abandoned": "bool",
        "answered_at": "datetime", "handle_time_s": "float", "resolved_first_contact": "bool",
        "escalated": "bool", "category": "str", "resolved_at": "datetime",
    },
    "intervals": {
        "interval_start": "datetime", "interval_s": "int", "channel": "str", "offered": "int",
        "handled": "int", "aht_s": "float", "agents_scheduled": "int",
    },
    "surveys": {
        "survey_id": "str", "contact_id": "str", "customer_id": "str", "method": "str",
        "touchpoint": "str", "sent_at": "datetime", "responded": "bool",
        "responded_at": "datetime", "csat": "score", "nps": "score", "ces": "score",
        "comment": "str",
    },
    "complaints": {
        "complaint_id": "str", "customer_id": "str", "customer_name": "str",
        "customer_email": "str", "customer_phone": "str", "customer_postcode": "str",
        "received_at": "datetime", "channel": "str", "category": "str", "root_cause": "str",
        "severity": "str", "escalated": "bool", "resolved_at": "datetime", "outcome": "str",
        "remedy": "str", "refund_agreed_at": "datetime", "refund_paid_at": "datetime",
        "adjustment_requested": "str", "adjustment_recorded": "bool", "retain_until": "datetime",
    },
    "mystery_shops": {
        "visit_id": "str", "visited_at": "datetime", "channel": "str", "team": "str",
        "shopper_id": "str", "greeting": "int", "needs_identified": "int",
        "product_knowledge": "int", "resolution_offered": "int", "professional_close": "int",
        "overall_pct": "float", "standard_met": "bool",
    },
    "servqual": {
        "respondent_id": "str", "surveyed_at": "datetime", "dimension": "str", "item": "str",
        "statement": "str", "expectation": "int", "perception": "int", "importance": "float",
    },
    "staff": {
        "agent_id": "str", "agent_name": "str", "team": "str", "start_date": "datetime",
        "trained_at": "datetime", "training_course": "str", "coaching_sessions": "int",
        "competency_score": "float",
    },
    "customers": {
        "customer_id": "str", "customer_name": "str", "email": "str", "phone": "str",
        "postcode": "str", "first_purchase_at": "datetime", "last_purchase_at": "datetime",
        "purchases": "int", "repeat_customer": "bool", "referrals": "int", "retained": "bool",
    },
}  # fmt: skip

UK_PHONE = re.compile(r"^(07700 900|01632 960)\d{3}$")
UK_POSTCODE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}$")
EXAMPLE_EMAIL = re.compile(r"^[a-z]+\.[a-z]+\d+@example\.(com|co\.uk)$")


@pytest.fixture(scope="module")
def baseline() -> dict[str, pd.DataFrame]:
    """The default generated operation (seed 2026, baseline): the samples' data."""
    return generators.generate_all()


@pytest.fixture(scope="module")
def scenario_data() -> dict[str, dict[str, pd.DataFrame]]:
    """Every scenario at the default seed and size."""
    return {name: generators.generate_all(scenario=name) for name in generators.SCENARIOS}


def _kind_ok(series: pd.Series, kind: str) -> bool:
    """Whether a column has the contract's dtype for its kind."""
    if kind == "str":
        values = series.dropna()
        return series.dtype == object and values.map(type).eq(str).all()
    if kind == "datetime":
        return series.dtype == np.dtype("datetime64[ns]")
    if kind == "bool":
        return series.dtype == np.dtype(bool)
    if kind == "int":
        return series.dtype == np.dtype("int64")
    if kind == "float":
        return series.dtype == np.dtype("float64")
    return series.dtype == pd.Int64Dtype()  # a whole-number score, blank when not answered


# --- the API --------------------------------------------------------------------------------


def test_datasets_and_scenarios_are_the_agreed_names():
    assert generators.DATASETS == (
        "contacts", "intervals", "surveys", "complaints", "mystery_shops", "servqual", "staff",
        "customers",
    )  # fmt: skip
    assert list(generators.SCENARIOS) == [
        "baseline", "peak_season", "understaffed", "improvement", "slipping", "centralised",
        "decentralised",
    ]  # fmt: skip
    for name, scenario in generators.SCENARIOS.items():
        assert scenario.name == name
        assert scenario.description.endswith(".") and len(scenario.description) > 40
        assert set(scenario.knobs) <= set(generators.BASELINE_KNOBS)


@pytest.mark.parametrize("dataset", generators.DATASETS)
def test_contract_columns_and_dtypes(baseline, dataset):
    frame = baseline[dataset]
    assert list(frame.columns) == list(CONTRACT[dataset])
    wrong = [c for c, kind in CONTRACT[dataset].items() if not _kind_ok(frame[c], kind)]
    assert wrong == [], {c: str(frame[c].dtype) for c in wrong}
    assert len(frame) > 0


def test_unknown_scenario_and_dataset_list_the_allowed_names():
    with pytest.raises(ValueError, match="unknown scenario 'busy'.*baseline.*decentralised"):
        generators.generate_all(scenario="busy")
    with pytest.raises(ValueError, match="unknown dataset 'calls'.*contacts.*customers"):
        generators.generate("calls")
    with pytest.raises(ValueError, match="unknown scenario"):
        generators.change_date("busy")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"days": 0}, "days must be between 1"),
        ({"days": 2.5}, "days must be a whole number"),
        ({"start": "next tuesday"}, "start must be a date"),
        ({"contacts_per_day": -5}, "contacts_per_day must be between"),
        ({"teams": ()}, "teams must be one or more different names"),
        ({"teams": ("billing", "Billing")}, "teams must be one or more different names"),
        ({"seed": -1}, "seed must be a whole number 0 or more"),
    ],
)
def test_bad_arguments_are_named(kwargs, message):
    with pytest.raises(ValueError, match=message):
        generators.generate_all(**kwargs)


def test_generate_rejects_unknown_keywords_and_bad_rows():
    with pytest.raises(ValueError, match="unknown argument.*'volume'"):
        generators.generate("contacts", volume=10)
    with pytest.raises(ValueError, match="rows must be between 1"):
        generators.generate("contacts", rows=0)


def test_change_date_is_the_scenario_offset_from_start():
    assert generators.change_date("baseline") is None
    assert generators.change_date("improvement") == pd.Timestamp("2026-01-05") + pd.Timedelta(
        days=42
    )
    assert generators.change_date("slipping", start="2026-03-02") == pd.Timestamp("2026-03-30")
    # offsets are written for 84 days and scale with the period: 42 of 84 -> 14 of 28
    assert generators.change_date("improvement", days=28) == pd.Timestamp("2026-01-19")


# --- determinism and consistency -------------------------------------------------------------


def test_same_seed_same_data_and_other_seed_other_data():
    first = generators.generate_all(seed=11, days=14)
    again = generators.generate_all(seed=11, days=14)
    other = generators.generate_all(seed=12, days=14)
    for name in generators.DATASETS:
        pd.testing.assert_frame_equal(first[name], again[name])
        assert not first[name].equals(other[name]), name


def test_one_dataset_equals_the_same_dataset_generated_with_all(baseline):
    for name in ("contacts", "surveys", "staff", "servqual"):
        pd.testing.assert_frame_equal(generators.generate(name), baseline[name])


def test_datasets_refer_to_each_other(baseline):
    contacts, staff, customers = baseline["contacts"], baseline["staff"], baseline["customers"]
    surveys, complaints = baseline["surveys"], baseline["complaints"]
    assert contacts["agent_id"].dropna().isin(staff["agent_id"]).all()
    assert set(staff["agent_id"]) <= set(contacts["agent_id"].dropna())  # every agent works
    assert contacts["customer_id"].isin(customers["customer_id"]).all()
    assert surveys["contact_id"].isin(contacts["contact_id"]).all()
    joined = surveys.merge(contacts[["contact_id", "customer_id"]], on="contact_id")
    assert (joined["customer_id_x"] == joined["customer_id_y"]).all()
    assert complaints["customer_id"].isin(customers["customer_id"]).all()
    details = complaints.merge(customers, on="customer_id")
    assert (details["customer_name_x"] == details["customer_name_y"]).all()
    assert (details["customer_email"] == details["email"]).all()
    for name in ("contact_id", "customer_id", "agent_id"):
        frame = {"contact_id": contacts, "customer_id": customers, "agent_id": staff}[name]
        assert frame[name].is_unique
    for name, column in (("surveys", "survey_id"), ("complaints", "complaint_id")):
        assert baseline[name][column].is_unique
    # skills-based routing: about 9 in 10 contacts go to an agent of the contact's own team
    team = contacts.merge(staff[["agent_id", "team"]], on="agent_id", suffixes=("", "_agent"))
    assert 0.85 < (team["team"] == team["team_agent"]).mean() < 0.95


def test_intervals_count_the_phone_contacts(baseline):
    contacts, intervals = baseline["contacts"], baseline["intervals"]
    phone = contacts[contacts["channel"] == "phone"]
    slot = phone["opened_at"].dt.floor("30min")
    offered = phone.groupby(slot).size()
    handled = phone[~phone["abandoned"]].groupby(slot).size()
    aht = phone[~phone["abandoned"]].groupby(slot)["handle_time_s"].mean().round(1)
    table = intervals.set_index("interval_start")
    assert offered.sum() == table["offered"].sum()
    assert (table["offered"].reindex(offered.index) == offered).all()
    assert (table["handled"].reindex(handled.index) == handled).all()
    assert np.allclose(table["aht_s"].reindex(aht.index), aht)
    assert (table["interval_s"] == 1800).all() and (table["channel"] == "phone").all()
    assert (table["handled"] <= table["offered"]).all()
    assert table.loc[table["handled"] == 0, "aht_s"].isna().all()
    assert (table["agents_scheduled"] >= 2).all()  # minimum cover while the line is open


# --- realism ---------------------------------------------------------------------------------


def _answered_phone(contacts: pd.DataFrame) -> pd.DataFrame:
    """Phone contacts that were answered."""
    return contacts[(contacts["channel"] == "phone") & ~contacts["abandoned"]]


def test_waits_rise_when_demand_outruns_staffing(scenario_data):
    def mean_wait(name):
        return _answered_phone(scenario_data[name]["contacts"])["queue_wait_s"].mean()

    def abandonment(name):
        contacts = scenario_data[name]["contacts"]
        return contacts.loc[contacts["channel"] == "phone", "abandoned"].mean()

    assert mean_wait("understaffed") > 1.3 * mean_wait("baseline")
    assert mean_wait("peak_season") > mean_wait("baseline")
    assert abandonment("understaffed") > abandonment("baseline") + 0.02
    # the understaffed scenario rosters about a quarter fewer agents for the same demand
    agents = {n: scenario_data[n]["intervals"]["agents_scheduled"].sum() for n in scenario_data}
    assert 0.70 < agents["understaffed"] / agents["baseline"] < 0.85
    offered = {n: scenario_data[n]["intervals"]["offered"].sum() for n in scenario_data}
    assert 1.3 < offered["peak_season"] / offered["baseline"] < 1.5


def test_abandonment_rises_with_the_wait(baseline):
    contacts = baseline["contacts"]
    queued = contacts[contacts["channel"].isin(["phone", "chat"])]
    long_wait = queued.loc[queued["queue_wait_s"] > 120, "abandoned"].mean()
    short_wait = queued.loc[queued["queue_wait_s"] < 20, "abandoned"].mean()
    assert long_wait > short_wait + 0.2
    other = contacts[contacts["channel"].isin(["email", "social"])]
    assert not other["abandoned"].any()


def test_pooled_queue_waits_less_but_resolves_specialist_contacts_less(scenario_data):
    central = scenario_data["centralised"]["contacts"]
    local = scenario_data["decentralised"]["contacts"]
    assert (
        _answered_phone(central)["queue_wait_s"].mean()
        < _answered_phone(local)["queue_wait_s"].mean()
    )
    assert len(central) == len(local)  # same demand
    staff = scenario_data["decentralised"]["staff"][["agent_id", "team"]]
    own = local.merge(staff, on="agent_id", suffixes=("", "_agent"))
    assert (own["team"] == own["team_agent"]).all()  # each team answers only its own queue

    def specialist_fcr(contacts):
        answered = contacts[~contacts["abandoned"]]
        specialist = answered["category"].isin(generators.contacts.SPECIALIST_CATEGORIES)
        return answered.loc[specialist, "resolved_first_contact"].mean()

    assert specialist_fcr(central) < specialist_fcr(local) - 0.08


def test_repeat_contacts_follow_unresolved_and_abandoned_ones(baseline):
    contacts = baseline["contacts"].sort_values(["customer_id", "opened_at"])
    following = contacts.groupby("customer_id")["opened_at"].shift(-1)
    again = (following - contacts["opened_at"]) <= pd.Timedelta(days=7)
    unresolved = ~contacts["abandoned"] & ~contacts["resolved_first_contact"]
    resolved = contacts["resolved_first_contact"]
    assert again[contacts["abandoned"]].mean() > again[resolved].mean() + 0.3
    assert again[unresolved].mean() > again[resolved].mean() + 0.2
    assert 0.1 < again.mean() < 0.4


def test_handle_times_have_a_long_right_tail(baseline):
    handle = _answered_phone(baseline["contacts"])["handle_time_s"]
    assert handle.mean() > handle.median() * 1.1
    assert handle.skew() > 1.5
    assert handle.quantile(0.99) > 3 * handle.median()


def test_demand_has_day_of_week_and_intraday_patterns(baseline):
    phone = baseline["contacts"].query("channel == 'phone'")
    by_day = phone.groupby(phone["opened_at"].dt.dayofweek).size()
    assert by_day[0] == by_day.max() and by_day[6] == by_day.min()
    by_hour = phone.groupby(phone["opened_at"].dt.hour).size()
    assert by_hour.idxmax() in (9, 10, 11)
    assert by_hour[10] > 2 * by_hour[19]
    assert set(by_hour.index) <= set(range(8, 20))  # the phone line is closed at night


def test_satisfaction_falls_when_unresolved_or_kept_waiting(baseline):
    surveys = baseline["surveys"].query("responded")
    joined = surveys.merge(baseline["contacts"], on="contact_id")
    resolved = joined["resolved_first_contact"]
    assert joined.loc[~resolved, "csat"].mean() < joined.loc[resolved, "csat"].mean() - 0.5
    phone = joined[joined["channel"] == "phone"]
    assert (
        phone.loc[phone["queue_wait_s"] > 120, "csat"].mean()
        < phone.loc[phone["queue_wait_s"] < 20, "csat"].mean()
    )
    # NPS and CES agree with CSAT: higher CSAT, higher NPS and less effort
    scores = joined[["csat", "nps", "ces"]].astype(float)
    assert scores.corr().loc["csat", "nps"] > 0.6
    assert scores.corr().loc["csat", "ces"] < -0.5


def test_surveys_response_rate_methods_and_blank_scores(baseline):
    surveys = baseline["surveys"]
    assert 0.25 <= surveys["responded"].mean() <= 0.35
    assert set(surveys["method"]) == {"email", "sms", "ivr", "web"}
    assert set(surveys["touchpoint"]) <= {
        "phone", "email", "chat", "social", "website", "delivery", "store",
    }  # fmt: skip
    for column in ("csat", "nps", "ces", "responded_at"):
        assert (surveys[column].isna() == ~surveys["responded"]).all(), column
    assert surveys.loc[~surveys["responded"], "comment"].isna().all()
    answered = surveys[surveys["responded"]]
    assert answered["csat"].between(1, 5).all() and answered["nps"].between(0, 10).all()
    assert answered["ces"].between(1, 7).all()
    assert (answered["responded_at"] > answered["sent_at"]).all()
    contacts = baseline["contacts"].set_index("contact_id")
    assert not contacts.loc[surveys["contact_id"], "abandoned"].any()


def test_improvement_lifts_fcr_after_the_change_date(scenario_data):
    contacts = scenario_data["improvement"]["contacts"].query("not abandoned")
    change = generators.change_date("improvement")
    after = contacts["opened_at"] >= change
    lift = (
        contacts.loc[after, "resolved_first_contact"].mean()
        - contacts.loc[~after, "resolved_first_contact"].mean()
    )
    assert lift > 0.06
    csat = scenario_data["improvement"]["surveys"].merge(contacts, on="contact_id")
    later = csat["opened_at"] >= change
    assert csat.loc[later, "csat"].mean() > csat.loc[~later, "csat"].mean() + 0.1


def test_slipping_gain_fades_after_monitoring_stops(scenario_data):
    contacts = scenario_data["slipping"]["contacts"].query("not abandoned")
    change = generators.change_date("slipping")
    day = (contacts["opened_at"] - change).dt.days
    before = contacts.loc[day < 0, "resolved_first_contact"].mean()
    gain = contacts.loc[(day >= 0) & (day < 28), "resolved_first_contact"].mean()
    end = contacts["opened_at"].max() - pd.Timedelta(days=14)
    last = contacts.loc[contacts["opened_at"] > end, "resolved_first_contact"].mean()
    assert gain > before + 0.06
    assert last < gain - 0.04


def test_training_improves_agents_afterwards(baseline):
    staff = baseline["staff"]
    trained = staff[staff["trained_at"].notna()]
    assert 0 < len(trained) < len(staff)
    assert trained["training_course"].notna().all()
    assert staff.loc[staff["trained_at"].isna(), "training_course"].isna().all()
    contacts = baseline["contacts"].merge(trained[["agent_id", "trained_at"]], on="agent_id")
    after = contacts["opened_at"] >= contacts["trained_at"]
    assert (
        contacts.loc[after, "resolved_first_contact"].mean()
        > contacts.loc[~after, "resolved_first_contact"].mean() + 0.03
    )
    surveys = baseline["surveys"].query("responded").merge(contacts, on="contact_id")
    later = surveys["opened_at"] >= surveys["trained_at"]
    assert surveys.loc[later, "csat"].mean() > surveys.loc[~later, "csat"].mean() + 0.1
    start, end = pd.Timestamp("2026-01-05"), pd.Timestamp("2026-03-30")
    assert trained["trained_at"].between(start, end).all()
    assert staff["competency_score"].between(0, 100).all()


def test_complaints_follow_a_pareto_pattern_and_uk_rules(baseline):
    complaints = baseline["complaints"]
    shares = complaints["root_cause"].value_counts(normalize=True)
    assert shares.iloc[:2].sum() >= 0.5
    pareto = stats.pareto_counts(complaints["root_cause"].value_counts())
    assert len(pareto) == complaints["root_cause"].nunique()
    refunds = complaints[complaints["remedy"] == "refund"]
    assert (complaints["remedy"] == "refund").eq(complaints["refund_agreed_at"].notna()).all()
    paid = refunds.dropna(subset=["refund_paid_at"])
    days = (paid["refund_paid_at"] - paid["refund_agreed_at"]).dt.total_seconds() / 86400
    assert (days >= 0).all()
    assert (days <= 14).mean() >= 0.75 and (days > 14).sum() >= 1  # most on time, some late
    asked = complaints["adjustment_requested"].notna()
    assert asked.sum() >= 5 and (asked & ~complaints["adjustment_recorded"]).sum() >= 1
    assert not (complaints["adjustment_recorded"] & ~asked).any()
    expected = complaints["received_at"] + pd.DateOffset(years=6)
    assert (complaints["retain_until"] == expected).all()
    assert (complaints["retain_until"] < pd.Timestamp("2026-03-30")).sum() >= 1
    open_ = complaints["resolved_at"].isna()
    assert (complaints.loc[open_, "outcome"] == "open").all()
    assert (complaints.loc[~open_, "resolved_at"] >= complaints.loc[~open_, "received_at"]).all()


def test_fake_personal_data_is_uk_style_and_safe(baseline):
    customers = baseline["customers"]
    assert customers["phone"].str.match(UK_PHONE).all()
    assert customers["postcode"].str.match(UK_POSTCODE).all()
    assert customers["email"].str.match(EXAMPLE_EMAIL).all()
    comments = baseline["surveys"]["comment"].dropna()
    with_phone = comments.str.contains(r"(?:07700 900|01632 960)\d{3}")
    with_email = comments.str.contains(r"@example\.")
    assert 10 <= with_phone.sum() and 10 <= with_email.sum()
    assert (with_phone | with_email).mean() < 0.15  # a few, not most


def test_comments_use_the_theme_keywords_and_match_their_scores(scenario_data):
    data = scenario_data["understaffed"]  # enough long waits to compare
    surveys = data["surveys"].dropna(subset=["comment"])
    coded = stats.code_themes(surveys["comment"].reset_index(drop=True))
    assert (coded["themes"] != "").all()
    joined = surveys.reset_index(drop=True).join(coded.drop(columns="comment"))
    joined = joined.merge(data["contacts"], on="contact_id")
    low = joined[joined["csat"] <= 2]
    long_wait = low["queue_wait_s"] > 120
    queued = low["channel"].isin(["phone", "chat"])
    share_long = low.loc[queued & long_wait, "waiting time"].mean()
    share_short = low.loc[queued & ~long_wait, "waiting time"].mean()
    assert share_long > share_short + 0.15
    unresolved = ~joined["resolved_first_contact"]
    assert (
        joined.loc[unresolved & (joined["csat"] <= 2), "resolution"].mean()
        > joined.loc[~unresolved & (joined["csat"] <= 2), "resolution"].mean()
    )


def test_every_comment_template_codes_to_its_own_theme():
    for (theme, _tone), texts in generators.surveys.COMMENT_TEMPLATES.items():
        coded = stats.code_themes(list(texts))
        assert (coded["themes"] == theme).all(), (theme, texts)
    assert set(generators.surveys.THEMES) == set(stats.THEME_KEYWORDS)


def test_mystery_shops_and_servqual(baseline):
    shops = baseline["mystery_shops"]
    assert 60 <= len(shops) <= 120
    standards = ["greeting", "needs_identified", "product_knowledge", "resolution_offered",
                 "professional_close"]  # fmt: skip
    assert shops[standards].isin(range(5)).all().all()
    assert np.allclose(shops["overall_pct"], shops[standards].sum(axis=1) / 20 * 100)
    assert (shops["standard_met"] == (shops["overall_pct"] >= 80)).all()
    servqual = baseline["servqual"]
    assert servqual["respondent_id"].nunique() == 150 and len(servqual) == 150 * 22
    assert servqual.groupby("dimension")["item"].nunique().to_dict() == {
        "tangibles": 4, "reliability": 5, "responsiveness": 4, "assurance": 4, "empathy": 5,
    }  # fmt: skip
    points = servqual.drop_duplicates(["respondent_id", "dimension"])
    assert (points.groupby("respondent_id")["importance"].sum() == 100).all()
    gap = (servqual["perception"] - servqual["expectation"]).groupby(servqual["dimension"]).mean()
    assert set(gap.nsmallest(2).index) == {"reliability", "responsiveness"}
    assert (gap < 0).all()


def test_whole_points_keep_the_total_of_100():
    shares = np.array([[33.3, 33.3, 33.4, 0, 0], [19.5, 20.5, 20.5, 19.5, 20.0]])
    points = generators.assessments._whole_points(shares)
    assert points.sum(axis=1).tolist() == [100, 100]
    assert points[0].tolist() == [33, 33, 34, 0, 0]


def test_customers_loyalty_is_not_satisfaction(baseline):
    customers = baseline["customers"]
    assert (customers["repeat_customer"] == (customers["purchases"] >= 2)).all()
    assert (customers["last_purchase_at"] >= customers["first_purchase_at"]).all()
    year_before_end = pd.Timestamp("2026-03-30") - pd.Timedelta(days=365)
    bought_again = (customers["purchases"] >= 2) & (
        customers["last_purchase_at"] >= year_before_end
    )
    assert (customers["retained"] == bought_again).all()
    assert customers["referrals"].sum() > 0
    csat = baseline["surveys"].groupby("customer_id")["csat"].mean().astype(float)
    joined = customers.set_index("customer_id").join(csat, how="inner")
    corr = joined[["csat", "purchases"]].astype(float).corr().iloc[0, 1]
    assert -0.1 < corr < 0.4  # loosely related at most


# --- scaling ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dataset", "rows", "tolerance"),
    [("contacts", 5000, 0.1), ("surveys", 2000, 0.15), ("complaints", 300, 0.2),
     ("intervals", 500, 0.1), ("servqual", 440, 0), ("mystery_shops", 70, 0),
     ("customers", 123, 0), ("staff", 12, 0)],
)  # fmt: skip
def test_rows_scales_a_dataset(dataset, rows, tolerance):
    frame = generators.generate(dataset, seed=3, rows=rows)
    assert abs(len(frame) - rows) <= tolerance * rows + 1


def test_a_day_with_no_contacts_still_gives_every_dataset():
    data = generators.generate_all(seed=0, days=1, contacts_per_day=1, start="2026-01-04")
    assert len(data["contacts"]) == 0 and len(data["surveys"]) == 0
    assert (data["intervals"]["offered"] == 0).all() and data["intervals"]["aht_s"].isna().all()
    assert list(data) == list(generators.DATASETS)
    for name, frame in data.items():
        assert list(frame.columns) == list(CONTRACT[name])


def test_small_operation_with_one_team():
    data = generators.generate_all(seed=7, days=7, teams=("billing",), contacts_per_day=120)
    assert set(data["contacts"]["team"]) == {"billing"}
    assert data["contacts"]["opened_at"].max() < pd.Timestamp("2026-01-12")
    assert 5 <= len(data["mystery_shops"]) <= 12


# --- samples -------------------------------------------------------------------------------


def test_write_samples_matches_the_committed_files(tmp_path):
    written = generators.write_samples(tmp_path)
    assert [p.name for p in written] == [f"{name}.csv" for name in generators.DATASETS]
    for path in written:
        committed = DATA_DIR / path.name
        assert committed.read_bytes() == path.read_bytes(), f"data/{path.name} is out of date"
    assert (DATA_DIR / "contacts.csv").stat().st_size < 6_000_000


def test_sample_files_read_back_to_the_generated_frames(baseline):
    # reading a sample CSV by the contract's column kinds gives back exactly the generated frame
    for name, frame in baseline.items():
        kinds = CONTRACT[name]
        text = [c for c, kind in kinds.items() if kind == "str"]
        scores = {c: "Int64" for c, kind in kinds.items() if kind == "score"}
        dates = [c for c, kind in kinds.items() if kind == "datetime"]
        read = pd.read_csv(
            DATA_DIR / f"{name}.csv", dtype={**dict.fromkeys(text, object), **scores},
            parse_dates=dates, keep_default_na=False, na_values=[""],
        )  # fmt: skip
        pd.testing.assert_frame_equal(read, frame)


def test_readme_describes_every_column_and_the_sample_sizes(baseline):
    readme = (DATA_DIR / "README.md").read_text(encoding="utf-8")
    for name, frame in baseline.items():
        section = readme.split(f"## {name}\n", 1)[1].split("\n## ", 1)[0]
        for column in frame.columns:
            assert f"`{column}`" in section, f"data/README.md: {name}.{column} not described"
        assert f"| `{name}.csv` | {len(frame):,} |" in readme, f"row count of {name}.csv"
    for scenario in generators.SCENARIOS:
        assert f"| `{scenario}` |" in readme
    for knob in generators.BASELINE_KNOBS:
        assert f"| `{knob}` |" in readme


# --- invariants for any seed -----------------------------------------------------------------


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(min_value=0, max_value=10_000),
    scenario=st.sampled_from(list(generators.SCENARIOS)),
)
def test_invariants_hold_for_any_seed(seed, scenario):
    data = generators.generate_all(seed=seed, scenario=scenario, days=14, contacts_per_day=150)
    c = data["contacts"]
    answered = ~c["abandoned"]
    wait = pd.to_timedelta(c["queue_wait_s"], unit="s")
    assert (c.loc[answered, "answered_at"] == c.loc[answered, "opened_at"] + wait[answered]).all()
    assert (c["queue_wait_s"] >= 0).all()
    done = c["resolved_at"].notna()
    assert (c.loc[done, "resolved_at"] >= c.loc[done, "opened_at"]).all()
    gone = c[c["abandoned"]]
    assert gone["agent_id"].isna().all() and gone["handle_time_s"].isna().all()
    assert gone["answered_at"].isna().all() and not gone["resolved_first_contact"].any()
    assert gone["channel"].isin(["phone", "chat"]).all()
    assert c.loc[answered, "agent_id"].notna().all()
    assert (c.loc[answered, "handle_time_s"] > 0).all()
    for rate in (c["abandoned"].mean(), c.loc[answered, "resolved_first_contact"].mean()):
        assert 0 <= rate <= 1
    assert c["opened_at"].is_monotonic_increasing and c["contact_id"].is_unique
    i = data["intervals"]
    assert (i["handled"] <= i["offered"]).all() and (i["offered"] >= 0).all()
    assert (i["aht_s"].dropna() > 0).all()
    s = data["surveys"].query("responded")
    assert s["csat"].between(1, 5).all() and s["nps"].between(0, 10).all()
    assert s["ces"].between(1, 7).all()
    assert data["surveys"]["contact_id"].isin(c["contact_id"]).all()
    sq = data["servqual"]
    assert sq["expectation"].between(1, 7).all() and sq["perception"].between(1, 7).all()
    points = sq.drop_duplicates(["respondent_id", "dimension"])
    assert (points.groupby("respondent_id")["importance"].sum() == 100).all()
    k = data["complaints"]
    paid = k["refund_paid_at"].notna()
    assert (k.loc[paid, "refund_paid_at"] >= k.loc[paid, "refund_agreed_at"]).all()
