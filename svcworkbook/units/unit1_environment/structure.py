"""How service is organised (unit 1): a centralised and a decentralised structure compared on
the same demand.

A fair comparison of two structures needs the same customers making the same contacts at the
same times, handled two ways. Real organisations rarely have that, so the comparison is run on
generated data: the generators' ``centralised`` and ``decentralised`` scenarios with the SAME
seed produce identical demand (every contact arrives at the same moment, on the same channel,
for the same team and reason) and differ only in how it is handled:

* **centralised**: one central queue for the whole line, answered by whichever agent is free;
* **decentralised**: each team (billing, technical, orders) answers only its own queue with its
  own specialists.

Response is compared with the service level (answered within the threshold / offered, short
abandons left out, as :func:`svcworkbook.analysis.kpi.service_level`) and the ASA (mean wait of answered
live contacts); resolution with first contact resolution and the median hours from opened to
resolved. The same contacts go through both structures (a paired design), so each difference is
tested contact by contact with :mod:`svcworkbook.analysis.stats`: McNemar's test for the yes/no
results (answered in time, resolved first time) and the Wilcoxon signed-rank test for the waits
and times to resolve.

With the user's own files (``data_dir``) there is only one structure and no second run of the same
demand, so :func:`compare_structures` then compares the teams in the data instead and says why.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from svcworkbook.analysis import kpi, stats
from svcworkbook.errors import DataError, ParameterError, require_columns
from svcworkbook.learning import exercises
from svcworkbook.report import narrative

STRUCTURES = ("centralised", "decentralised")
#: Bootstrap resamples for the median resolution time interval (enough for a 95% interval).
N_BOOT = 500

#: The measures compared, with their label, unit ('%', 's' or 'hours') and direction.
MEASURES = {
    "service_level": ("Service level", "%", True),
    "asa_s": ("Average speed of answer", "s", False),
    "abandonment_rate": ("Abandonment rate", "%", False),
    "first_contact_resolution": ("First contact resolution", "%", True),
    "median_resolution_hours": ("Median time to resolve", "hours", False),
    "p90_resolution_hours": ("90th percentile time to resolve", "hours", False),
}
#: Which measures are about response (speed) and which about resolution.
RESPONSE = ("service_level", "asa_s", "abandonment_rate")
RESOLUTION = ("first_contact_resolution", "median_resolution_hours", "p90_resolution_hours")


def generate_structures(seed: int, **options) -> dict[str, pd.DataFrame]:
    """The contacts log of each structure, generated with the same seed (so the same demand):
    {'centralised': contacts, 'decentralised': contacts}. Options go to generators.generate."""
    from svcworkbook.data import generators

    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ParameterError(f"seed must be a whole number, 0 or more, not {seed!r}")
    return {
        name: generators.generate("contacts", seed=int(seed), scenario=name, **options)
        for name in STRUCTURES
    }


def same_demand(first: pd.DataFrame, second: pd.DataFrame) -> bool:
    """True when two contacts logs hold the same contacts: same count, and the same opened time,
    channel, team and reason for each contact in order."""
    columns = ["opened_at", "channel", "team", "category"]
    require_columns(first, columns, "contacts")
    require_columns(second, columns, "contacts")
    if len(first) != len(second):
        return False
    return bool(
        first[columns].reset_index(drop=True).equals(second[columns].reset_index(drop=True))
    )


def _live_waits(contacts: pd.DataFrame) -> pd.Series:
    """Queue waits of answered phone and chat contacts (what the ASA averages)."""
    live = contacts["channel"].isin(kpi.LIVE_CHANNELS) & ~contacts["abandoned"].astype(bool)
    return contacts.loc[live, "queue_wait_s"].astype(float)


def service_level_counts(contacts: pd.DataFrame, answer_within_s: float) -> tuple[int, int]:
    """(answered within answer_within_s, offered) for phone and chat, short abandons (< 5 s)
    left out of both: the counts behind kpi.service_level's default definition."""
    require_columns(contacts, ["channel", "abandoned", "queue_wait_s"], "contacts")
    wait = contacts["queue_wait_s"].astype(float)
    abandoned = contacts["abandoned"].astype(bool)
    live = contacts["channel"].isin(kpi.LIVE_CHANNELS)
    offered = live & ~(abandoned & (wait < kpi.DEFAULT_SHORT_ABANDON_S))
    in_time = offered & ~abandoned & (wait <= answer_within_s)
    return int(in_time.sum()), int(offered.sum())


def resolution_hours(contacts: pd.DataFrame) -> pd.Series:
    """Hours from opened to resolved for answered contacts that are resolved."""
    require_columns(contacts, ["abandoned", "opened_at", "resolved_at"], "contacts")
    done = ~contacts["abandoned"].astype(bool) & contacts["resolved_at"].notna()
    rows = contacts.loc[done]
    return (rows["resolved_at"] - rows["opened_at"]) / pd.Timedelta(hours=1)


def structure_kpis(contacts: pd.DataFrame, answer_within_s: float) -> dict[str, float]:
    """Response and resolution for one contacts log: contacts, service level, ASA (s),
    abandonment, FCR, median and 90th percentile hours to resolve."""
    require_columns(contacts, ["channel", "abandoned", "queue_wait_s", "resolved_first_contact",
                               "opened_at", "resolved_at"], "contacts")  # fmt: skip
    hours = kpi.resolution_time_percentiles(contacts, (50, 90))
    return {
        "contacts": float(len(contacts)),
        "service_level": kpi.service_level(contacts, threshold_s=answer_within_s),
        "asa_s": kpi.average_speed_of_answer(contacts),
        "abandonment_rate": kpi.abandonment_rate(contacts),
        "first_contact_resolution": kpi.first_contact_resolution(contacts),
        "median_resolution_hours": float(hours[50]),
        "p90_resolution_hours": float(hours[90]),
    }


def kpi_table(logs: dict[str, pd.DataFrame], answer_within_s: float) -> pd.DataFrame:
    """One row per measure (contacts first), one column per structure or team."""
    columns = {name: structure_kpis(log, answer_within_s) for name, log in logs.items()}
    table = pd.DataFrame(columns)
    labels = {"contacts": "Contacts"} | {k: v[0] for k, v in MEASURES.items()}
    table.insert(0, "measure", [labels[k] for k in table.index])
    table.index.name = "key"
    return table.reset_index()


def _paired_flags(central: pd.DataFrame, decentral: pd.DataFrame, answer_within_s: float):
    """Per contact (the two logs hold the same contacts in the same order): whether it counts in
    each measure in both structures, and its result in each (see compare)."""
    logs = (central.reset_index(drop=True), decentral.reset_index(drop=True))
    live = [log["channel"].isin(kpi.LIVE_CHANNELS) for log in logs]
    waits = [log["queue_wait_s"].astype(float) for log in logs]
    abandoned = [log["abandoned"].astype(bool) for log in logs]
    offered = [live[i] & ~(abandoned[i] & (waits[i] < kpi.DEFAULT_SHORT_ABANDON_S)) for i in (0, 1)]
    in_time = [~abandoned[i] & (waits[i] <= answer_within_s) for i in (0, 1)]
    answered = ~abandoned[0] & ~abandoned[1]
    hours = [(log["resolved_at"] - log["opened_at"]) / pd.Timedelta(hours=1) for log in logs]
    resolved = answered & hours[0].notna() & hours[1].notna()
    both_offered = offered[0] & offered[1]
    live_answered = answered & live[0] & live[1]
    return {
        "service_level": (in_time[0][both_offered], in_time[1][both_offered]),
        "asa_s": (waits[0][live_answered], waits[1][live_answered]),
        "first_contact_resolution": tuple(
            log.loc[answered, "resolved_first_contact"].astype(bool) for log in logs
        ),
        "median_resolution_hours": (hours[0][resolved], hours[1][resolved]),
    }


def compare(
    central: pd.DataFrame, decentral: pd.DataFrame, answer_within_s: float, seed: int = 0
) -> dict[str, stats.Comparison]:
    """Each measure compared, centralised as 'before' and decentralised as 'after' (difference =
    decentralised - centralised), with PAIRED tests: the two logs hold the same contacts, so each
    contact is compared with itself (issue 17, finding 13). Service level and FCR: McNemar's
    exact test on the contacts that count in both structures (offered, or answered, in both);
    ASA and median hours to resolve: the Wilcoxon signed-rank test on each contact's two waits
    or times (stats.compare_paired_values). The figures are those of the contacts counted in
    both, so they can differ slightly from the whole-log table."""
    if not same_demand(central, decentral):
        raise DataError(
            "compare: the two logs do not hold the same contacts in the same order, so a paired "
            "comparison is not possible; compare separate groups with stats.compare_proportions"
        )
    pairs = _paired_flags(central, decentral, answer_within_s)
    return {
        "service_level": stats.compare_paired_proportions(
            *pairs["service_level"], measure="service level"
        ),
        "asa_s": stats.compare_paired_values(
            *pairs["asa_s"], statistic="mean", measure="wait of answered contacts"
        ),
        "first_contact_resolution": stats.compare_paired_proportions(
            *pairs["first_contact_resolution"], measure="first contact resolution"
        ),
        "median_resolution_hours": stats.compare_paired_values(
            *pairs["median_resolution_hours"],
            statistic="median",
            n_boot=N_BOOT,
            seed=seed,
            measure="hours to resolve",
        ),  # fmt: skip
    }


def _value(key: str, value: float) -> str:
    """A measure's value in words with its unit."""
    unit = MEASURES[key][1]
    if unit == "hours":
        return f"{value:.1f} hours"
    return narrative.format_value(value, unit)


def _difference(key: str, amount: float) -> str:
    """A difference's size in words: percentage points, seconds or hours."""
    unit = MEASURES[key][1]
    if unit == "hours":
        return f"{abs(amount):.1f} hours"
    return narrative.format_difference(abs(amount), unit)


def comparison_sentence(key: str, result: stats.Comparison) -> str:
    """'Service level: 76.0% centralised, 65.6% decentralised; the centralised structure is
    better by 10.4 percentage points (95% CI ..., p < 0.001): statistically significant.'"""
    label, unit, higher_is_better = MEASURES[key]
    shown = {"s": "s", "%": "%"}.get(unit, "")
    interval = (
        f"{result.confidence * 100:g}% confidence interval for decentralised minus centralised "
        f"{narrative.format_signed(result.ci_low, shown, 1 if unit != 's' else 0)} to "
        f"{narrative.format_signed(result.ci_high, shown, 1 if unit != 's' else 0)}"
        f"{' percentage points' if unit == '%' else ' seconds' if unit == 's' else ' hours'}"
    )
    statistic = {"mean": "mean ", "median": "median "}.get(result.statistic, "")
    opening = (
        f"{label}: {_value(key, result.before)} centralised and {_value(key, result.after)} "
        f"decentralised"
    )
    if key == "asa_s":
        opening = (
            f"{label} (the {statistic}wait of answered calls and chats): "
            f"{_value(key, result.before)} centralised and {_value(key, result.after)} "
            "decentralised"
        )
    if result.difference == 0:
        return f"{opening}: no difference ({interval})."
    decentral_better = (result.difference > 0) == higher_is_better
    better = "decentralised" if decentral_better else "centralised"
    text = (
        f"{opening}; the {better} structure is better by {_difference(key, result.difference)} "
        f"({interval}; {result.test}, {narrative.format_p(result.p_value, result.alpha)})"
    )
    if result.significant:
        text += ": statistically significant, so more than chance variation."
    else:
        text += ": not statistically significant, so the two may not really differ."
    if result.warning:
        text += f" {result.warning}"
    return text


def _better(key: str, result: stats.Comparison) -> str | None:
    """Which structure is significantly better on a measure (None if neither)."""
    if not result.significant or result.difference == 0:
        return None
    higher_is_better = MEASURES[key][2]
    return "decentralised" if (result.difference > 0) == higher_is_better else "centralised"


def trade_off_sentences(comparisons: dict[str, stats.Comparison], organisation: str) -> list[str]:
    """The trade-off in words: which structure wins on response and which on resolution, and why
    neither is best everywhere (the choice follows the brand promise)."""
    response = {_better(k, comparisons[k]) for k in RESPONSE if k in comparisons} - {None}
    resolution = {_better(k, comparisons[k]) for k in RESOLUTION if k in comparisons} - {None}
    sentences = []
    if response == {"centralised"}:
        sentences.append(
            "On the same demand the centralised structure responds faster: one pooled queue "
            "means any free agent takes the next contact, so fewer customers wait."
        )
    elif response == {"decentralised"}:
        sentences.append(
            "On the same demand the decentralised structure responds faster here, which is "
            "unusual: check how each team's queue was staffed."
        )
    else:
        sentences.append("On the same demand neither structure responds clearly faster.")
    if resolution == {"decentralised"}:
        sentences.append(
            "The decentralised structure resolves more: local specialists answer their own "
            "team's contacts, so more are resolved first time and fewer are passed on."
        )
    elif resolution == {"centralised"}:
        sentences.append(
            "The centralised structure also resolves more here, so the specialist knowledge "
            "of the teams does not show in the results."
        )
    elif len(resolution) > 1:
        sentences.append("On resolution the measures disagree, so look at each one.")
    else:
        sentences.append("Neither structure resolves clearly more.")
    if response and resolution and response != resolution:
        sentences.append(
            f"So there is a trade-off for {organisation}: speed and consistency from pooling, or "
            "local knowledge and first-time resolution from specialist teams. Neither structure "
            "is better everywhere; choose by what the brand promises (for example 'quick to "
            "respond' or 'sorted first time'), or mix them, as many organisations do."
        )
    else:
        sentences.append(
            f"Whatever the figures here, structures differ between organisations and industries: "
            f"{organisation} should choose by what its brand promises, and measure by site or "
            "team so that differences are seen."
        )
    return sentences


@dataclass
class StructureComparison:
    """Response and resolution compared between the two structures on the same demand (or,
    with the user's own files, between their teams, with the reason in `note`)."""

    table: pd.DataFrame
    comparisons: dict[str, stats.Comparison] = field(default_factory=dict)
    seed: int | None = None
    note: str | None = None

    @property
    def generated(self) -> bool:
        """True when the two structures were generated on the same demand and compared."""
        return bool(self.comparisons)

    def sentences(self, organisation: str) -> list[str]:
        """The comparison in words (or the note and the team figures' caution)."""
        if not self.generated:
            return [self.note or ""]
        intro = (
            f"Both structures handled the same {self.table.iloc[0]['centralised']:,.0f} "
            f"contacts (data generated with seed {self.seed}: same arrival times, channels, "
            "teams and reasons)."
        )
        lines = [comparison_sentence(k, c) for k, c in self.comparisons.items()]
        return [intro, *lines, *trade_off_sentences(self.comparisons, organisation)]

    def how_evidenced(self) -> str:
        """How this comparison evidences U1.MP2, in words (for display.evidences)."""
        if self.generated:
            return (
                "Two structures described by how they route contacts, and their impact on "
                "service delivery measured on the same demand: speed of response against "
                "resolution first time."
            )
        return (
            "Your own structure's impact on service delivery shown team by team (response and "
            "resolution); describe how contacts reach each team, and compare with a centralised "
            "or decentralised alternative (run the notebook with a seed to see one)."
        )

    def headline(self) -> dict[str, object]:
        """Headline figures: whether structures were compared, the structures or teams, and per
        structure the measures and the differences' p-values."""
        values = self.table.set_index("key").drop(columns="measure")
        out: dict[str, object] = {
            "structure_compared": self.generated,
            "structure_groups": [str(c) for c in values.columns],
        }
        if not self.generated:
            return out
        for structure in STRUCTURES:
            for key in MEASURES:
                out[f"{structure}_{key}"] = float(values.loc[key, structure])
        for key, result in self.comparisons.items():
            out[f"structure_{key}_p"] = float(result.p_value)
        return out


def compare_structures(
    answer_within_s: float,
    seed: int | None = None,
    contacts: pd.DataFrame | None = None,
    data_dir=None,
) -> StructureComparison:
    """The comparison for a notebook run: with data_dir (the user's own files, one structure) the
    teams in `contacts`; otherwise the two structures generated with `seed` (None: the samples'
    seed, so the demand is the bundled sample's)."""
    from svcworkbook.data.samples import SAMPLE_SEED

    if data_dir is not None:
        if contacts is None:
            raise ValueError("compare_structures: give the contacts log from data_dir")
        require_columns(contacts, ["team"], "contacts")
        teams = {str(t): g for t, g in contacts.groupby(contacts["team"].astype(str), sort=True)}
        note = (
            "Comparing two structures fairly needs the same demand handled both ways, which only "
            "generated data can give: your files record one structure. Run the notebook with a "
            "seed to see the comparison. Instead, the table compares the teams in your data, "
            "which is how an organisation sees its own structure at work (differences between "
            "teams also reflect the kind of contacts each one takes)."
        )
        return StructureComparison(table=kpi_table(teams, answer_within_s), note=note)
    seed = SAMPLE_SEED if seed is None else seed
    logs = generate_structures(seed)
    if not same_demand(logs["centralised"], logs["decentralised"]):
        raise DataError(
            f"the centralised and decentralised data generated with seed {seed} do not hold the "
            "same contacts, so they cannot be compared fairly; report this to the maintainers"
        )
    return StructureComparison(
        table=kpi_table(logs, answer_within_s),
        comparisons=compare(logs["centralised"], logs["decentralised"], answer_within_s, seed),
        seed=seed,
    )


def readable_table(comparison: StructureComparison) -> pd.DataFrame:
    """The comparison table as text for display: contacts with thousands separators, rates as
    percentages, ASA in seconds, times to resolve in hours (one decimal)."""
    table = comparison.table
    groups = [c for c in table.columns if c not in ("key", "measure")]
    rows = []
    for values in table.itertuples(index=False, name=None):  # team names need not be identifiers
        record = dict(zip(table.columns, values, strict=True))
        key = record["key"]
        texts = {}
        for group in groups:
            value = float(record[group])
            if math.isnan(value):
                texts[group] = "–"
            elif key == "contacts":
                texts[group] = f"{value:,.0f}"
            else:
                texts[group] = _value(key, value)
        rows.append({"measure": record["measure"], **texts})
    return pd.DataFrame(rows, columns=["measure", *groups])


def structure_chart(comparison: StructureComparison, ax=None):
    """Grouped bars of service level, abandonment and FCR (%) per structure or team; returns
    the Axes."""
    import matplotlib.pyplot as plt

    from svcworkbook.report.legends import place_legend
    from svcworkbook.report.style import PALETTE, percent_axis

    keys = ["service_level", "abandonment_rate", "first_contact_resolution"]
    table = comparison.table.set_index("key")
    groups = [c for c in table.columns if c != "measure"]
    if ax is None:
        _, ax = plt.subplots()
    width = 0.8 / len(groups)
    x = np.arange(len(keys))
    hatches = ["", "//", "..", "xx", "\\\\", "oo"]
    for i, group in enumerate(groups):
        values = table.loc[keys, group].astype(float).to_numpy()
        ax.bar(x + (i - (len(groups) - 1) / 2) * width, values, width, label=group,
               color=PALETTE[i % len(PALETTE)], hatch=hatches[i % len(hatches)])  # fmt: skip
    ax.set_xticks(x, [MEASURES[k][0] for k in keys])
    ax.set_ylim(0, 1)
    percent_axis(ax)
    ax.set_ylabel("Share of contacts (%)")
    what = "structure" if comparison.generated else "team"
    ax.set_xlabel("")
    ax.set_title(f"Response and resolution by {what}")
    place_legend(ax, title=what.capitalize())
    return ax


def fcr_difference(comparison: StructureComparison) -> float | None:
    """First contact resolution of the table's second column minus its first, in percentage
    points (decentralised - centralised); None when there is only one structure or team."""
    table = comparison.table.set_index("key")
    groups = [c for c in table.columns if c != "measure"]
    if len(groups) < 2:
        return None
    row = table.loc["first_contact_resolution"]
    return (float(row[groups[1]]) - float(row[groups[0]])) * 100


ABANDONMENT_DIFFERENCE = exercises.define(
    "U1.E1", 1, "the difference in abandonment rate", "points", decimals=1,
    hint="Read the abandonment rate in the second column and in the first, and take the second "
    "minus the first, in percentage points.",
    slips={
        "relative change": "that is the relative change (second / first - 1) as a percentage, not "
        "the difference in percentage points",
        "first contact resolution": "that is the difference in first contact resolution; the "
        "question asks about the abandonment rate",
    },
)  # fmt: skip


def _shown_share(value: float) -> float:
    """A share as the table shows it: a percentage to one decimal place (0.0817 -> 0.082)."""
    return round(float(value) * 1000) / 1000


def check_abandonment_difference(my_answer, comparison: StructureComparison):
    """Exercise U1.E1: abandonment rate of the second column minus the first, in percentage
    points, from the figures as the table shows them (one decimal place)."""
    table = comparison.table.set_index("key")
    groups = [c for c in table.columns if c != "measure"]
    if len(groups) < 2:
        return exercises.unavailable(
            "U1.E1", "This exercise needs two structures or teams to compare; this data has "
            "one. Run the notebook with a seed to compare the two structures.",
        )  # fmt: skip
    first, second = (_shown_share(table.loc["abandonment_rate", g]) for g in groups[:2])
    fcr_first, fcr_second = (
        _shown_share(table.loc["first_contact_resolution", g]) for g in groups[:2]
    )
    slips = {
        "relative change": second / first - 1 if first else None,
        "first contact resolution": fcr_second - fcr_first,
    }
    return exercises.check(ABANDONMENT_DIFFERENCE, my_answer, second - first, slips)
