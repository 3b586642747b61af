"""A KPI dashboard against targets by team and channel, with RAG status and the comments behind it.

Numbers say what happened; comment themes and complaint causes say why (unit 3, misconception
U3.M2). The dashboard covers the whole data period: each KPI is computed from summed numerators
and denominators per group (never an average of weekly rates).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from svcworkbook.analysis import kpi, stats
from svcworkbook.data import privacy
from svcworkbook.errors import DataError
from svcworkbook.learning import exercises
from svcworkbook.report import narrative
from svcworkbook.report.style import COLOURS

#: The KPIs on the dashboard, in order.
DASHBOARD_KPIS = (
    "service_level",
    "average_speed_of_answer",
    "abandonment_rate",
    "first_contact_resolution",
    "average_handle_time",
    "csat",
)
#: RAG labels: met target, near it (within the amber margin), missed it, too few cases to judge.
RAG = ("green", "amber", "red", "too few")
RAG_COLOURS = {"green": "#1b7837", "amber": "#f1a340", "red": "#b2182b", "too few": "#d9d9d9"}
DEFAULT_AMBER_MARGIN = 0.05
DEFAULT_MIN_CASES = 30


def dashboard_targets(
    service_level_target: float,
    answer_within_s: float,
    fcr_target: float,
    csat_target: float,
) -> dict[str, float | None]:
    """The notebook's targets as {KPI name: target}; other KPIs keep the registry's defaults."""
    return {
        "service_level": service_level_target,
        "first_contact_resolution": fcr_target,
        "csat": csat_target,
    }


def rag_status(
    value: float,
    target: float | None,
    higher_is_better: bool,
    n: int,
    amber_margin: float = DEFAULT_AMBER_MARGIN,
    min_cases: int = DEFAULT_MIN_CASES,
) -> str:
    """Green if the target is met; amber if missed by no more than amber_margin x target; red if
    missed by more; 'too few' when n < min_cases or there is no value or target."""
    if n < min_cases or target is None or value is None or np.isnan(value) or np.isnan(target):
        return "too few"
    shortfall = (target - value) if higher_is_better else (value - target)
    if shortfall <= 0:
        return "green"
    return "amber" if shortfall <= amber_margin * abs(target) else "red"


def dashboard_table(
    contacts: pd.DataFrame,
    surveys: pd.DataFrame | None,
    targets: Mapping[str, float | None],
    answer_within_s: float = kpi.DEFAULT_THRESHOLD_S,
    by: str | Sequence[str] = ("team", "channel"),
    amber_margin: float = DEFAULT_AMBER_MARGIN,
    min_cases: int = DEFAULT_MIN_CASES,
    short_abandon_s: float = kpi.DEFAULT_SHORT_ABANDON_S,
) -> pd.DataFrame:
    """Each dashboard KPI per group over the whole period: value = sum(numerators) /
    sum(denominators), n, target, gap (value - target) and RAG status.

    Surveys take their team and channel from their contact. Service level counts contacts
    answered within ``answer_within_s`` (phone and chat only, so email/social show no value);
    calls abandoned in under ``short_abandon_s`` are removed from service level and abandonment.
    Without an ``average_handle_time`` target, each cell's handle time is judged against its own
    channel's AHT over all groups (a chat is not a call), not one figure for every channel.
    Without surveys (None: your own data has no surveys file) CSAT is left out of the dashboard.
    """
    by = (by,) if isinstance(by, str) else tuple(by)
    given = {"contacts": contacts, "surveys": surveys}
    kpis = [
        k for k in DASHBOARD_KPIS if all(given.get(d) is not None for d in kpi.KPIS[k].datasets)
    ]
    parts = kpi.kpi_parts(
        contacts,
        surveys,
        period="month",
        by=by,
        kpis=kpis,
        options={
            "service_level": {
                "threshold_s": float(answer_within_s),
                "short_abandon_s": float(short_abandon_s),
            },
            "abandonment_rate": {"short_abandon_s": float(short_abandon_s)},
        },
    )
    summed = parts.groupby([*by, "kpi"], sort=False)[["numerator", "denominator", "n"]].sum()
    table = summed.reset_index()
    scale = table["kpi"].map({k: kpi.KPIS[k].scale for k in DASHBOARD_KPIS})
    with np.errstate(invalid="ignore", divide="ignore"):
        value = table["numerator"] / table["denominator"] * scale
    table["value"] = value.where(table["denominator"] > 0)
    table["label"] = table["kpi"].map({k: kpi.KPIS[k].label for k in DASHBOARD_KPIS})
    table["unit"] = table["kpi"].map({k: kpi.KPIS[k].unit for k in DASHBOARD_KPIS})
    goals = {k: targets.get(k, kpi.KPIS[k].target) for k in kpis}
    table["target"] = table["kpi"].map(goals).astype(float)
    if "average_handle_time" not in targets and "channel" in by:
        table["target"] = _aht_within_channel(table, by, summed)
    table["gap"] = table["value"] - table["target"]
    higher = table["kpi"].map({k: kpi.KPIS[k].direction == "higher" for k in DASHBOARD_KPIS})
    table["rag"] = [
        rag_status(v, t, h, int(n), amber_margin, min_cases)
        for v, t, h, n in zip(table["value"], table["target"], higher, table["n"], strict=True)
    ]
    order = {k: i for i, k in enumerate(DASHBOARD_KPIS)}
    table = table.sort_values([*by, "kpi"], key=lambda s: s.map(order) if s.name == "kpi" else s)
    columns = [*by, "kpi", "label", "unit", "value", "n", "target", "gap", "rag"]
    return table[columns].reset_index(drop=True)


def _aht_within_channel(
    table: pd.DataFrame, by: tuple[str, ...], summed: pd.DataFrame
) -> pd.Series:
    """Targets with each cell's handle time judged against its own channel's AHT over all the
    groups (sum of handle time / contacts handled in that channel), not one figure for every
    channel: a chat is not a call, so compare AHT within a channel (kpi.average_handle_time;
    issue 17, finding 11). Other KPIs keep their targets."""
    aht = summed.xs("average_handle_time", level="kpi")
    by_channel = aht.groupby(level="channel")[["numerator", "denominator"]].sum()
    with np.errstate(invalid="ignore", divide="ignore"):
        channel_aht = by_channel["numerator"] / by_channel["denominator"]
    is_aht = table["kpi"] == "average_handle_time"
    within = table["channel"].map(channel_aht).astype(float)
    return table["target"].where(~is_aht, within)


def rag_counts(table: pd.DataFrame) -> dict[str, int]:
    """How many cells of the dashboard are green, amber, red and too few to judge."""
    counts = table["rag"].value_counts()
    return {status: int(counts.get(status, 0)) for status in RAG}


def worst_cells(table: pd.DataFrame, rows: int = 3) -> pd.DataFrame:
    """The red cells furthest from target, as a share of the target (largest shortfall first)."""
    red = table.loc[table["rag"] == "red"].copy()
    higher = red["kpi"].map({k: kpi.KPIS[k].direction == "higher" for k in DASHBOARD_KPIS})
    red["shortfall"] = np.where(higher, -red["gap"], red["gap"]) / red["target"].abs()
    return red.sort_values(["shortfall", "n"], ascending=[False, False]).head(rows)


def show_red_results(table: pd.DataFrame, organisation: str, rows: int = 5):
    """The red results furthest from target as a table, or a sentence when none is red (an
    empty table says nothing to a reader)."""
    from svcworkbook import display

    worst = worst_cells(table, rows=rows)
    if worst.empty:
        counts = rag_counts(table)
        return display.say(
            f"No KPI is red this period at {organisation}: {counts['green']:,} results met the "
            f"target and {counts['amber']:,} missed it by no more than "
            f"{narrative.format_percent(DEFAULT_AMBER_MARGIN, 0)} of the target (amber)."
        )
    return display.show_table(
        readable(worst)[["team", "channel", "label", "value", "target", "n", "rag"]],
        formats={"n": "int"},
        caption=f"{organisation}: the red results furthest from target",
    )


def readable(table: pd.DataFrame) -> pd.DataFrame:
    """The dashboard rows with value, target and gap as text in each KPI's unit (for showing)."""
    shown = table.copy()
    for column in ("value", "target", "gap"):
        if column in shown.columns:
            shown[column] = [
                "–" if pd.isna(v) else _format(v, u)
                for v, u in zip(table[column], table["unit"], strict=True)
            ]
    return shown


def _format(value: float, unit: str) -> str:
    """A KPI value as text: shares as %, seconds as s."""
    if unit == "share":
        return narrative.format_percent(value)
    return narrative.format_value(value, "s" if unit == "seconds" else "")


def dashboard_chart(table: pd.DataFrame, by: Sequence[str] = ("team", "channel"), ax=None):
    """Heatmap: one row per group, one column per KPI, coloured by RAG and labelled with the value
    and its RAG letter (so colour is never the only cue). Returns the Axes."""
    by = list(by)
    if table.empty:
        raise DataError("the dashboard has no rows to chart: the data has no contacts")
    groups = table[by].astype(str).agg(" / ".join, axis=1)
    kpis = [k for k in DASHBOARD_KPIS if k in set(table["kpi"])]
    rows = list(dict.fromkeys(groups))
    ax = ax or plt.subplots(figsize=(1.6 * len(kpis) + 2.5, 0.42 * len(rows) + 1.5))[1]
    colours = np.ones((len(rows), len(kpis), 3))
    for group, name, value, unit, status in zip(
        groups, table["kpi"], table["value"], table["unit"], table["rag"], strict=True
    ):
        i, j = rows.index(group), kpis.index(name)
        colours[i, j] = plt.matplotlib.colors.to_rgb(RAG_COLOURS[status])
        text = "–" if pd.isna(value) else _format(value, unit)
        letter = {"green": "G", "amber": "A", "red": "R", "too few": "n/a"}[status]
        dark = status in ("green", "red")
        ax.text(j, i, f"{text}\n{letter}", ha="center", va="center", fontsize=8,
                color="white" if dark else "black")  # fmt: skip
    ax.imshow(colours, aspect="auto")
    ax.set_xticks(range(len(kpis)), [kpi.KPIS[k].label.split(" (")[0] for k in kpis],
                  rotation=30, ha="right")  # fmt: skip
    ax.set_yticks(range(len(rows)), rows)
    ax.set_title("KPI dashboard against target (G met, A close, R missed, n/a too few cases)",
                 color=COLOURS.get("text", "black"))  # fmt: skip
    ax.grid(False)
    return ax


def comment_themes(surveys: pd.DataFrame | None) -> pd.DataFrame | None:
    """Themes of survey comments with how often each is mentioned and the CSAT of those comments
    (stats.triangulate with the workbook's THEME_KEYWORDS; low score = CSAT 1-2). The example
    comment shown per theme has emails, phone numbers, postcodes and names redacted
    (privacy.redact): a report never shows a customer's personal data. None without surveys."""
    if surveys is None:
        return None
    themes = stats.triangulate(surveys, score="csat", comment="comment")
    themes["example_comment"] = themes["example_comment"].map(privacy.redact)
    return themes


def complaint_causes(complaints: pd.DataFrame | None) -> pd.DataFrame | None:
    """Pareto table of complaint root causes (the vital few reach 80% of complaints); None
    without a complaints log."""
    if complaints is None:
        return None
    if "root_cause" not in complaints.columns:
        raise DataError("complaints: no 'root_cause' column; map your cause column to root_cause")
    return stats.pareto(complaints["root_cause"])


def dashboard_sentences(
    table: pd.DataFrame,
    themes: pd.DataFrame | None,
    causes: pd.DataFrame | None,
    organisation: str,
    withhold_low_theme: bool = False,
) -> list[str]:
    """What the numbers say (RAG counts, the worst cells) and what the comments and complaints
    say about why, in plain English; ``withhold_low_theme`` leaves the theme with the most low
    scores for the learner to find (exercise U3.E1)."""
    counts = rag_counts(table)
    judged = counts["green"] + counts["amber"] + counts["red"]
    sentences = [
        f"The dashboard for {organisation} has {judged} KPI results with enough cases to judge: "
        f"{counts['green']} met target (green), {counts['amber']} were close (amber) and "
        f"{counts['red']} missed it (red); {counts['too few']} did not apply to the channel or had "
        "too few cases to judge."
    ]
    if "csat" not in set(table["kpi"]):
        sentences.append("CSAT is left out of the dashboard: no surveys file was given.")
    aht_targets = table.loc[table["kpi"] == "average_handle_time", "target"].dropna()
    if aht_targets.nunique() > 1:
        sentences.append(
            "Handle time is compared within each channel, because a chat or an email is not a "
            "call: each team's AHT is judged against that channel's average over all teams."
        )
    for _, row in worst_cells(table).iterrows():
        group = " ".join(str(row[c]) for c in table.columns[: list(table.columns).index("kpi")])
        sentences.append(
            f"{row['label']} for {group} was {_format(row['value'], row['unit'])} against a "
            f"target of {_format(row['target'], row['unit'])} ({int(row['n']):,} cases)."
        )
    if themes is None:  # no surveys file: nothing customers said to add
        themes = pd.DataFrame(columns=["theme", "mentions"])
    coded = themes.loc[(themes["theme"] != stats.NO_THEME) & (themes["mentions"] > 0)]
    if not coded.empty and withhold_low_theme:
        top = coded.iloc[0]
        sentences.append(
            f"In customers' comments the most mentioned theme is {top['theme']} "
            f"({int(top['mentions']):,} comments)."
        )
        sentences.append(
            "Which theme carries the largest share of low scores (CSAT 1-2) is yours to find in "
            "the themes table below."
        )
    elif not coded.empty:
        worst = coded.sort_values(["low_score_share", "mentions"], ascending=False).iloc[0]
        top = coded.iloc[0]
        sentences.append(
            f"In customers' comments the most mentioned theme is {top['theme']} "
            f"({int(top['mentions']):,} comments); the theme with the most low scores (CSAT 1-2) is "
            f"{worst['theme']} ({narrative.format_percent(worst['low_score_share'])} of its "
            f"comments scored 1 or 2), for example: \u201c{worst['example_comment']}\u201d"
        )
    if causes is None or causes.empty:  # no complaints log given
        return sentences
    vital = causes.loc[causes["vital_few"], "category"].tolist()
    sentences.append(
        f"Complaints point the same way or add to it: {narrative.join_words(vital)} "
        f"account for {narrative.format_percent(causes.loc[causes['vital_few'], 'share'].sum())} "
        "of complaints, so these are the causes to tackle first."
    )
    return sentences


def likely_causes(themes: pd.DataFrame, causes: pd.DataFrame, n: int = 2) -> list[str]:
    """Likely causes for a Plan: the n comment themes with the largest share of low scores
    (among themes mentioned) and the biggest complaint root cause."""
    coded = themes.loc[(themes["theme"] != stats.NO_THEME) & (themes["mentions"] > 0)]
    worst = coded.sort_values(["low_score_share", "mentions"], ascending=False)
    found = [f"{theme} (comments)" for theme in worst["theme"].head(n)]
    if len(causes):
        found.append(f"{causes.iloc[0]['category']} (complaints)")
    return found


def first_team(contacts: pd.DataFrame) -> str:
    """The team that comes first alphabetically (the exercise's team)."""
    teams = sorted(contacts["team"].dropna().astype(str).unique())
    if not teams:
        raise DataError("contacts: the 'team' column is blank in every row")
    return teams[0]


def team_fcr(contacts: pd.DataFrame, team: str) -> float:
    """FCR of one team over the whole period: resolved at first contact / answered contacts."""
    if team not in set(contacts["team"]):
        raise ValueError(
            f"team {team!r} is not in the data; teams: {sorted(set(contacts['team']))}"
        )
    return kpi.first_contact_resolution(contacts.loc[contacts["team"] == team])


TEAM_FCR = exercises.define(
    "U3.E2", 3, "first contact resolution for one team", "percent", decimals=1,
    hint="FCR = contacts resolved at the first contact divided by contacts answered (abandoned "
    "calls left out), for that team over all channels.",
    slips={"every contact": "you divided by every contact, including abandoned calls that "
           "nobody answered"},
)  # fmt: skip
TOP_THEME = exercises.define(
    "U3.E1", 3, "the comment theme with the most low scores", "choice",
    giveaway=("most low scores", "largest share of low"),
    hint="In the themes table, compare the share of low scores (CSAT 1 or 2), not the mentions.",
    slips={"most mentioned": "that is the most mentioned theme, not the one with the largest "
           "share of low scores"},
)  # fmt: skip


def check_team_fcr(my_answer, contacts: pd.DataFrame, team: str | None = None):
    """Exercise U3.E2: FCR for one team (default: the first alphabetically), all channels;
    slip: dividing by every contact, abandoned calls too."""
    team = first_team(contacts) if team is None else team
    rows = contacts.loc[contacts["team"] == team]
    every = float(rows["resolved_first_contact"].sum() / len(rows)) if len(rows) else None
    return exercises.check(TEAM_FCR, my_answer, team_fcr(contacts, team), {"every contact": every})


def _worst_theme(themes: pd.DataFrame) -> pd.Series | None:
    """The coded theme with the largest share of low scores (ties: the most mentioned)."""
    coded = themes.loc[(themes["theme"] != stats.NO_THEME) & (themes["mentions"] > 0)]
    if coded.empty:
        return None
    return coded.sort_values(["low_score_share", "mentions"], ascending=False).iloc[0]


def check_top_theme(my_answer, surveys: pd.DataFrame):
    """Exercise U3.E1: the comment theme with the largest share of low (1-2) CSAT scores, read
    off the themes table (the sentences withhold it); shown with its example after a right answer."""
    themes = comment_themes(surveys)
    worst = _worst_theme(themes)
    if worst is None:
        return exercises.unavailable("U3.E1", "No comment in this data carries a theme.")
    coded = themes.loc[(themes["theme"] != stats.NO_THEME) & (themes["mentions"] > 0)]
    reveal = (
        f"{str(worst['theme']).capitalize()}: "
        f"{narrative.format_percent(worst['low_score_share'])} of its comments scored 1 or 2, "
        f"for example: \u201c{worst['example_comment']}\u201d"
    )
    slips = {"most mentioned": str(coded.iloc[0]["theme"])}
    return exercises.check(TOP_THEME, my_answer, str(worst["theme"]), slips, reveal=reveal)
