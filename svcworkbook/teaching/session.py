"""What a unit notebook does first: check its parameters, and record its headline results.

Every unit notebook starts with ``wb = start_unit(N, ...)`` straight after its ``parameters``
cell, so a bad parameter stops the run at the first cell with a clear message. Headline results
are recorded with ``wb.record(...)`` as a machine-readable output (mime type
``application/vnd.svcworkbook.results+json``) that tests and assessors' reports read back with
``read_results``.

``start_unit`` also starts the notebook's exercise session (``svcworkbook.learning.exercises``)
with its ``edition``, ``learner`` and ``home``: the checks take the edition from there, never from
an exercise cell. In the tutor edition ``wb.record`` adds ``exercise_answers`` (exercise id ->
expected value, in the order the exercises were checked); a learner edition records none.
"""

from __future__ import annotations

import gc
import json
import math
import numbers
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from svcworkbook.data.samples import SAMPLE_SEED
from svcworkbook.display import column_label
from svcworkbook.errors import DataError, ParameterError

RESULTS_MIME = "application/vnd.svcworkbook.results+json"
EDITIONS = ("tutor", "learner")

#: The sample data's organisation: never named on someone else's data.
SAMPLE_ORGANISATION = "Northgate Home Services"
#: The organisation's name in the text when someone's own data is given without a name (in
#: lower case, as it is mostly named mid-sentence; display.opening capitalises it at a start).
OWN_DATA_ORGANISATION = "your organisation"

#: Parameters every unit notebook accepts, with their defaults.
COMMON_PARAMETERS: dict[str, Any] = {
    "data_dir": None,
    "mapping": None,
    "seed": None,
    "scenario": "baseline",
    "organisation": SAMPLE_ORGANISATION,
    "edition": "learner",
    "learner": "learner",
    "home": None,
}


#: Planning fractions that must stay below 1 (required = base / (1 - shrinkage) needs it).
FRACTIONS_BELOW_ONE = ("shrinkage", "max_occupancy")


def is_target_name(name: str) -> bool:
    """Whether a parameter name follows the numeric target rules (checked by check_target)."""
    return name in FRACTIONS_BELOW_ONE or name.endswith(("_target", "_s", "_hours", "_days"))


def check_target(name: str, value: Any) -> float:
    """A target in range: rates in [0, 1], NPS in [-100, 100], shrinkage in [0, 1), times > 0."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or math.isnan(value):
        raise ParameterError(f"parameter {name!r} must be a number, got {value!r}")
    if math.isinf(value):
        raise ParameterError(f"parameter {name!r} must be a finite number, got {value!r}")
    value = float(value)
    if name == "short_abandon_s":
        low, high, hint = 0.0, math.inf, "give the seconds as 0 or more (0 counts every abandon)"
    elif name.startswith("nps") or name.endswith("nps_target"):
        low, high, hint = -100.0, 100.0, "NPS runs from -100 to +100"
    elif name in FRACTIONS_BELOW_ONE:
        low, high, hint = 0.0, 0.999999, "give it as a fraction from 0 up to (not including) 1"
    elif name.endswith("_target"):
        low, high, hint = 0.0, 1.0, "give rates as fractions, e.g. 0.8 for 80%"
    else:
        low, high, hint = 1e-9, math.inf, "times and durations must be greater than 0"
    if not low <= value <= high:
        raise ParameterError(f"parameter {name!r} = {value!r} is out of range: {hint}")
    return value


def check_common(params: dict[str, Any]) -> dict[str, Any]:
    """Validate the shared parameters: edition, seed, scenario, data_dir, learner, organisation."""
    p = dict(params)
    if p["edition"] not in EDITIONS:
        raise ParameterError(f"edition must be one of {EDITIONS}, got {p['edition']!r}")
    seed = p["seed"]
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, numbers.Integral)):
        raise ParameterError(f"seed must be a whole number or None, got {seed!r}")
    if seed is not None and seed < 0:
        raise ParameterError(f"seed must be 0 or more, got {seed!r}")
    from svcworkbook.data.generators import SCENARIOS

    if p["scenario"] not in SCENARIOS:
        raise ParameterError(
            f"unknown scenario {p['scenario']!r}; choose one of: {', '.join(SCENARIOS)}"
        )
    if p["data_dir"] is not None and seed is not None:
        raise ParameterError(
            "give either data_dir (your own files) or seed (fresh generated data), not both"
        )
    if p["data_dir"] is not None and not Path(p["data_dir"]).is_dir():
        raise ParameterError(f"data_dir {p['data_dir']!r} is not a folder that exists")
    for name in ("learner", "organisation"):
        if not isinstance(p[name], str) or not p[name].strip():
            raise ParameterError(f"{name} must be a non-empty piece of text, got {p[name]!r}")
    if p["data_dir"] is not None and p["organisation"] == SAMPLE_ORGANISATION:
        p["organisation"] = OWN_DATA_ORGANISATION  # the sample's name is not theirs
    return p


def to_jsonable(value: Any) -> Any:
    """Turn numpy/pandas scalars, NaN and timestamps into plain JSON values (NaN -> None)."""
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, bool | str) or value is None:
        return value
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    return str(value)


#: Words in a headline name that mark a share (shown as a percentage) or a change in a share.
_SHARE_WORDS = ("rate", "service_level", "csat", "share", "first_contact_resolution", "fcr",
                "compliance", "response", "retention", "_met", "level")  # fmt: skip


def headline_value(name: str, value: Any) -> str:
    """A recorded value for people: p-values as 'p = 0.012' / 'p < 0.001', correlations as
    'r = 0.21', shares as '76.0%', changes in a share as '+5.0 percentage points', exercise
    answers as each exercise asks for them ('84.3%'), yes/no, other numbers to 3 significant
    figures, lists joined, and 'not recorded' for a missing value (the JSON keeps the raw value)."""
    from svcworkbook.report import narrative

    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "not recorded"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(headline_value(name, v) for v in value) or "none"
    if isinstance(value, dict) and name == "exercise_answers":  # each as its exercise asks
        return "; ".join(f"{k}: {_exercise_answer(str(k), v)}" for k, v in value.items()) or "none"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {headline_value(str(k), v)}" for k, v in value.items()) or "none"
    if isinstance(value, numbers.Integral):
        return f"{value:,}"
    if not isinstance(value, numbers.Real):
        return str(value)
    key = name.lower()
    if key.endswith(("_p", "p_value")):
        return narrative.format_p(float(value))
    if "correlation" in key:  # Pearson's r, from -1 to 1: never a share
        return f"r = {value:.2f}"
    if any(word in key for word in _SHARE_WORDS) and -1 <= value <= 1:
        if "change" in key or "gain" in key or "difference" in key:
            return f"{value * 100:+.1f} percentage points"
        return f"{value * 100:.1f}%"
    return f"{value:,.3g}" if abs(value) < 1e6 else f"{value:,.0f}"


def _exercise_answer(exercise_id: str, expected: Any) -> str:
    """An exercise's expected answer as the learner is asked to give it ("84.3%", "12 staff")."""
    from svcworkbook.units import exercise_spec

    try:
        return exercise_spec(exercise_id).shown(expected)
    except (KeyError, TypeError, ValueError):  # an id no unit defines, or not a number
        return headline_value(exercise_id, expected)


class RecordedResults:
    """Display object carrying headline results as JSON plus a readable text/HTML table."""

    def __init__(self, results: dict[str, Any]):
        self.results = to_jsonable(results)

    def __str__(self) -> str:
        shown = {column_label(k): headline_value(k, v) for k, v in self.results.items()}
        width = max((len(k) for k in shown), default=0)
        return "Headline results recorded:\n" + "\n".join(
            f"  {k.ljust(width)}  {v}" for k, v in shown.items()
        )

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {RESULTS_MIME: self.results, "text/plain": str(self)}


def data_source(params: dict[str, Any]) -> str:
    """Where the data comes from, in words: a folder, generated data, or the bundled samples."""
    if params.get("data_dir") is not None:
        return f"your files in {params['data_dir']}"
    if params.get("seed") is not None:
        return f"data generated with seed {params['seed']}, scenario '{params['scenario']}'"
    if params.get("scenario", "baseline") != "baseline":
        return f"data generated with seed {SAMPLE_SEED}, scenario '{params['scenario']}'"
    return "the bundled sample data"


def load_datasets(params: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    """The named datasets: from data_dir (validated), generated by seed/scenario, or the samples.

    With neither data_dir nor seed, the bundled samples are used; a scenario other than
    'baseline' then generates data with the samples' seed, since the samples are the baseline.
    """
    from svcworkbook.data import generators, loading

    if params.get("data_dir") is not None:  # their own data: only the datasets they give
        loaded = loading.load_folder(
            params["data_dir"], mapping=params.get("mapping"), datasets=names, required=()
        )
        if names and not loaded:
            raise DataError(
                f"{params['data_dir']}: no file for any of {', '.join(names)}. Fix: add at least "
                f"one of {', '.join(f'{n}.csv' for n in names)}, or name your export in the "
                "mapping (file: ...); data/README.md describes their columns."
            )
        return loaded
    seed = params.get("seed")
    if seed is None and params.get("scenario", "baseline") == "baseline":
        samples = loading.load_samples()
        return {name: samples[name] for name in names}
    generated = generators.generate_all(
        seed=SAMPLE_SEED if seed is None else seed, scenario=params["scenario"]
    )
    return {name: generated[name] for name in names}


@dataclass
class UnitSession:
    """A running unit notebook: its unit number, checked parameters, data and recorded results."""

    unit: int
    params: dict[str, Any]
    targets: dict[str, float] = field(default_factory=dict)
    results: dict[str, Any] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        for group in ("params", "targets", "options", "data"):
            values = self.__dict__.get(group, {})
            if name in values:
                return values[name]
        from svcworkbook.data.schemas import DATASETS

        if name in DATASETS:
            raise DataError(
                f"{name}: no {name} file was given in {self.params.get('data_dir')}, and this "
                f"cell needs it. Fix: add {name}.csv there (or name your export in the "
                "mapping), or make this notebook for your folder with the sections it cannot "
                f"run left out: svcworkbook edition {self.unit} --learner --data FOLDER "
                "--out FOLDER (add --map MAPPING.yaml if you use one), and open that copy."
            )
        raise AttributeError(name)

    def optional(self, name: str) -> Any:
        """A dataset the analysis can do without: the frame when the data gives it, else None
        (the measures that need it are then left out, with a sentence saying so)."""
        return self.data.get(name)

    def has(self, *needs: str) -> bool:
        """Whether the data has every need: a dataset ('complaints') or a column of one
        ('contacts.resolved_at', a column the file really has)."""
        from svcworkbook.report.contact_figures import has_column

        for need in needs:
            dataset, _, column = need.partition(".")
            frame = self.data.get(dataset)
            if frame is None or (column and not has_column(frame, column)):
                return False
        return True

    def survey_figures(self):
        """The whole-period survey figures (responses, response rate, CSAT, NPS) on the columns
        the surveys file has."""
        from svcworkbook.report.contact_figures import survey_figures

        return survey_figures(self.surveys)

    def contact_figures(self):
        """The whole-period contact figures (calls offered, abandonment, service level, ASA,
        AHT, FCR) on the columns the contacts file has, with the short-abandon rule applied."""
        from svcworkbook.report.contact_figures import contact_figures

        return contact_figures(
            self.contacts,
            answer_within_s=self.targets.get("answer_within_s", 20.0),
            short_abandon_s=self.targets.get("short_abandon_s", 5.0),
        )

    @property
    def source(self) -> str:
        """Where this run's data comes from, in words (for the notebook's text)."""
        return data_source(self.params)

    def record(self, **values: Any) -> RecordedResults:
        """Record headline results (shown, and saved in the executed notebook for tests/reports).

        The tutor edition adds ``exercise_answers``: each exercise's expected value by id.
        """
        from svcworkbook.learning import exercises

        checked = exercises.current()
        if self.params.get("edition") == "tutor" and checked.answers:
            values = {**values, "exercise_answers": dict(checked.answers)}
        self.results.update(values)
        return RecordedResults(values)


_settled = False


def settle_libraries() -> bool:
    """Once per kernel, move every object made so far (the libraries the notebook has imported,
    about 190,000 objects) out of the garbage collector's sight with ``gc.freeze()``; True the
    first time.

    They live as long as the kernel, yet each full collection walked them all: about 0.11 s, once
    or twice a unit, at whatever cell it fell on. Frozen, a full collection looks only at what the
    notebook made since. Nothing is lost: a collection here finds no garbage among them (checked
    by hand, December 2026), and it is called before any data is loaded, so re-running a cell
    never freezes a learner's tables.
    """
    global _settled
    if _settled:
        return False
    gc.freeze()
    _settled = True
    return True


def start_unit(
    unit: int,
    targets: dict[str, Any] | None = None,
    datasets: tuple[str, ...] = (),
    options: dict[str, Any] | None = None,
    **params: Any,
) -> UnitSession:
    """Check a notebook's parameters, load its datasets (DataError if bad), return its session.

    In a kernel, every chart shown afterwards carries a text alternative and data table written
    from its data (``svcworkbook.report.figure_alt``), and the libraries imported so far are kept
    out of the garbage collector's way (``settle_libraries``).

    ``targets`` are checked here (see check_target); ``options`` are a unit's own parameters
    (such as a change date) that the unit's module checks.
    """
    from svcworkbook.report import figure_alt

    unknown = sorted(set(params) - set(COMMON_PARAMETERS))
    if unknown:
        raise ParameterError(
            f"unknown parameter(s) {', '.join(unknown)}; "
            f"allowed: {', '.join(COMMON_PARAMETERS)} and the unit's targets"
        )
    from svcworkbook.learning import exercises, solutions

    if figure_alt.install():  # every chart shown from here on carries its text alternative
        settle_libraries()
    merged = {**COMMON_PARAMETERS, **params}
    checked_targets = {k: check_target(k, v) for k, v in (targets or {}).items()}
    checked = check_common(merged)
    data = load_datasets(checked, tuple(datasets)) if datasets else {}
    exercises.begin(unit, checked["edition"], checked["learner"], checked["home"])
    solutions.install()  # %%solution cells run in the tutor edition only
    return UnitSession(
        unit=unit, params=checked, targets=checked_targets, data=data, options=dict(options or {})
    )


def read_results(notebook_path: str | Path) -> dict[str, Any]:
    """Every headline result recorded in an executed notebook, merged in cell order."""
    nb = json.loads(Path(notebook_path).read_text(encoding="utf-8"))
    results: dict[str, Any] = {}
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if RESULTS_MIME in data:
                results.update(data[RESULTS_MIME])
    return results
