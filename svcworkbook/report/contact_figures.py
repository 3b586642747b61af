"""The contact figures units 2 and 3 record whenever contacts are given, on whatever columns
the contacts file has, with a sentence for each figure left out and the short-abandon rule
stated.

The six figures, over the whole period, with the workbook's definitions
(:mod:`svcworkbook.analysis.kpi`): ``calls_offered`` (contacts offered in the live channels, short
abandons removed), ``abandonment_rate``, ``service_level_period``, ``average_speed_of_answer_s``,
``average_handle_time_s`` and ``first_contact_resolution``. Only an id, when a contact was opened
and whether it was answered are needed; a figure whose column is not in the file is left out and
the sentence says which column it needs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from svcworkbook.analysis import kpi
from svcworkbook.report.narrative import format_percent

#: A report warns when short abandons removed more than this share of the calls offered.
SHORT_ABANDON_WARNING = 0.05

#: Each figure, the column it needs beyond the minimum, and the figure in words.
FIGURES = {
    "calls_offered": (None, "calls offered"),
    "abandonment_rate": (None, "abandonment rate"),
    "service_level_period": ("queue_wait_s", "service level"),
    "average_speed_of_answer_s": ("queue_wait_s", "average speed of answer"),
    "average_handle_time_s": ("handle_time_s", "average handle time"),
    "first_contact_resolution": ("resolved_first_contact", "first contact resolution"),
}


def has_column(frame: pd.DataFrame, column: str) -> bool:
    """Whether a loaded dataset really has a column: in the frame, not left blank because the
    file did not have it (``attrs['missing_optional']``), and not blank on every row."""
    if column not in frame or column in frame.attrs.get("missing_optional", ()):
        return False
    return bool(frame[column].notna().any())


@dataclass
class ContactFigures:
    """The whole-period figures of a contacts file, those left out and why, and the
    short-abandon count."""

    figures: dict[str, float]
    left_out: dict[str, str]
    short_abandon_s: float
    answer_within_s: float
    short_abandons: int
    offered_before: int
    channels: tuple[str, ...] | None
    notes: list[str] = field(default_factory=list)

    @property
    def short_abandon_share(self) -> float:
        """Short abandons removed / contacts before removing them (0 when there were none)."""
        return self.short_abandons / self.offered_before if self.offered_before else 0.0

    def record(self) -> dict[str, float]:
        """The figures for the headline results (a figure left out is not recorded)."""
        return dict(self.figures)

    def sentences(self) -> list[str]:
        """The short-abandon rule as applied, a warning above 5% removed, and each figure left
        out with the reason."""
        out = [self.short_abandon_sentence()]
        if self.short_abandon_share > SHORT_ABANDON_WARNING:
            out.append(
                f"Warning: {format_percent(self.short_abandon_share)} of the calls were removed "
                f"as short abandons, more than {format_percent(SHORT_ABANDON_WARNING, 0)}. Check "
                "that the file records a real wait for abandoned calls (a wait filled in as 0 "
                "makes every abandon a short one), or set short_abandon_s lower."
            )
        out += self.notes
        for name, reason in self.left_out.items():
            out.append(f"{FIGURES[name][1].capitalize()} is left out: {reason}.")
        return out

    def short_abandon_sentence(self) -> str:
        """How many calls the short-abandon rule removed, with the threshold."""
        rule = (
            f"Calls abandoned in under {self.short_abandon_s:g} seconds are short abandons (a "
            "misdial or a change of mind, not a failure of service) and are left out of calls "
            "offered, the abandonment rate and the service level"
        )
        if self.short_abandon_s == 0:
            return "Every abandoned call counts (short_abandon_s is 0: no short abandons removed)."
        count = f"{self.short_abandons:,} call{'s' if self.short_abandons != 1 else ''}"
        return (
            f"{rule}: {count} removed ({format_percent(self.short_abandon_share)} of "
            f"{self.offered_before:,}). Abandoned calls with no recorded wait count as abandoned, "
            "never as short abandons."
        )


def contact_figures(
    contacts: pd.DataFrame,
    answer_within_s: float = kpi.DEFAULT_THRESHOLD_S,
    short_abandon_s: float = kpi.DEFAULT_SHORT_ABANDON_S,
) -> ContactFigures:
    """The six whole-period contact figures on the columns the file has (see the module)."""
    known_channel = has_column(contacts, "channel")
    channels = kpi.LIVE_CHANNELS if known_channel else None
    notes = []
    if not known_channel:
        notes.append(
            "The contacts file has no channel, so every contact is counted as one queue (set "
            "one with constant: {channel: phone} in the mapping if they are all calls)."
        )
    in_scope = (
        contacts["channel"].isin(channels).to_numpy() if channels else np.ones(len(contacts), bool)
    )
    abandoned = contacts["abandoned"].eq(True).to_numpy()
    wait = (
        pd.to_numeric(contacts["queue_wait_s"], errors="coerce").to_numpy(dtype=float)
        if "queue_wait_s" in contacts
        else np.full(len(contacts), np.nan)
    )
    short = in_scope & abandoned & (wait < short_abandon_s)  # an unknown wait is never short
    figures: dict[str, float] = {"calls_offered": int(in_scope.sum() - short.sum())}
    left_out: dict[str, str] = {}
    if figures["calls_offered"] == 0:
        left_out["abandonment_rate"] = "no calls were offered in the live channels"
    else:
        figures["abandonment_rate"] = kpi.abandonment_rate(
            contacts, short_abandon_s=short_abandon_s, channels=channels
        )
    compute = {
        "service_level_period": lambda: kpi.service_level(
            contacts, threshold_s=answer_within_s, short_abandon_s=short_abandon_s,
            channels=channels,
        ),
        "average_speed_of_answer_s": lambda: kpi.average_speed_of_answer(
            contacts, channels=channels
        ),
        "average_handle_time_s": lambda: kpi.average_handle_time(contacts),
        "first_contact_resolution": lambda: _fcr(contacts),
    }  # fmt: skip
    for name, work in compute.items():
        column = FIGURES[name][0]
        if not has_column(contacts, column):
            left_out[name] = f"the contacts file has no {column} column"
            continue
        value = work()
        if value is None or (isinstance(value, float) and math.isnan(value)):
            left_out[name] = f"no answered contact has a {column}"
        else:
            figures[name] = float(value)
    return ContactFigures(
        figures, left_out, float(short_abandon_s), float(answer_within_s), int(short.sum()),
        int(in_scope.sum()), channels, notes,
    )  # fmt: skip


def _fcr(contacts: pd.DataFrame) -> float:
    """FCR over answered contacts with a known resolved flag (blanks left out, not guessed)."""
    known = contacts[contacts["resolved_first_contact"].notna()].copy()
    known["resolved_first_contact"] = known["resolved_first_contact"].astype(bool)
    return kpi.first_contact_resolution(known)


@dataclass
class SurveyFigures:
    """The whole-period survey figures of a surveys file, and those left out and why."""

    figures: dict[str, float]
    left_out: dict[str, str]

    def record(self) -> dict[str, float]:
        """The figures for the headline results (a figure left out is not recorded)."""
        return dict(self.figures)

    def sentences(self) -> list[str]:
        """The figures in words, and each one left out with the reason."""
        f = self.figures
        out = [
            f"{f['survey_responses']:,} of {f['surveys_sent']:,} survey invitations were answered "
            f"(response rate {format_percent(f['response_rate'])})."
        ]
        if "csat" in f:
            out.append(
                f"CSAT over the whole period was {format_percent(f['csat'])} (the share of "
                f"responses scoring 4 or 5; mean score {f['csat_mean']:.2f} out of 5)."
            )
        if "nps" in f:
            out.append(f"NPS was {f['nps']:+.0f}.")
        out += [f"{name} is left out: {reason}." for name, reason in self.left_out.items()]
        return out


def survey_figures(surveys: pd.DataFrame) -> SurveyFigures:
    """Responses, response rate, CSAT (share of 4-5 and mean) and NPS over the whole period, on
    the columns the surveys file has."""
    responded = surveys["responded"].eq(True)
    figures: dict[str, float] = {
        "surveys_sent": len(surveys),
        "survey_responses": int(responded.sum()),
        "response_rate": float(responded.mean()) if len(surveys) else 0.0,
    }
    left_out = {}
    if has_column(surveys, "csat"):
        figures["csat"] = kpi.csat(surveys)
        figures["csat_mean"] = kpi.csat_mean(surveys)
    else:
        left_out["CSAT"] = "no response has a csat score"
    if has_column(surveys, "nps"):
        figures["nps"] = kpi.net_promoter_score(surveys)
    else:
        left_out["NPS"] = "the surveys file has no nps scores"
    return SurveyFigures(figures, left_out)
