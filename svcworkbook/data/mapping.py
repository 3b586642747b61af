"""Mappings: how another system's export becomes one of the workbook's datasets, without a script.

The flat form renames only: ``{their header: our column}``, or the same grouped by dataset
(``contacts: {Ticket No: contact_id}``). Version 2 gives, per dataset, any of:

``file``       the export's own file name (else the file is named after the dataset);
``keep``       ``{their column: value or [values]}`` only the rows holding one of the values in
               each column named (Direction: Inbound), the rest left out and counted;
``columns``    ``{their header: our column}`` renames;
``combine``    ``{our column: [their columns]}`` joined with a space, then read (Date + Time);
``sum``        ``{our column: [their columns]}`` added up, each read as a number or duration
               (talk + hold + wrap = handle time); a blank part counts 0 when another has a value;
``invert``     ``{our column: their yes/no column}`` meaning the opposite (Answered -> abandoned);
``present``    ``{our column: their column}``: yes where their column has a value, else no (a
               rating column -> ``responded``);
``constant``   ``{our column: value}`` the same value on every row (all calls are phone);
``values``     ``{our column: {their value: our value}}`` recodes (Voice -> phone; a blank target
               makes the cell blank, e.g. ``{csat: {"0": ""}}`` when 0 means "no rating").

Every rule is checked twice: its shape and targets before the file is read (:func:`dataset_mapping`),
and the columns it names against the file's headers (:func:`apply_mapping`), each problem naming
the mapping file, the rule, the column, the rows and the fix.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from svcworkbook.data.problems import Problems
from svcworkbook.data.reading import normalise_name
from svcworkbook.data.schemas import DATASETS, SPECS, Col, Spec
from svcworkbook.data.values import clean_text, convert
from svcworkbook.errors import DataError

_MAPPING_EXAMPLE = "contacts:\n  Date Opened: opened_at\n  Ticket No: contact_id"
_V2_EXAMPLE = (
    "contacts:\n  file: calls.csv\n  columns: {Call Id: contact_id}\n"
    "  combine: {opened_at: [Date, Time]}\n  invert: {abandoned: Answered (Y/N)}"
)
#: The rules of a version-2 dataset mapping, in the order they are applied.
RULES = ("file", "keep", "columns", "combine", "sum", "invert", "present", "constant", "values")
#: The kinds of our column each deriving rule can fill.
_RULE_KINDS = {
    "combine": ("datetime", "id", "text", "category"),
    "sum": ("float", "int"),
    "invert": ("bool",),
    "present": ("bool",),
}


def read_mapping(mapping: str | Path | Mapping | None) -> dict[str, Any]:
    """A mapping as a dict: given as a dict or a YAML file; flat {their name: our name} or per
    dataset {contacts: {their name: our name}, ...} or per dataset with the version-2 rules."""
    if mapping is None:
        return {}
    if isinstance(mapping, Mapping):
        return dict(mapping)
    import yaml

    from svcworkbook.data.safe_yaml import AliasRefused, load_user_yaml

    path = Path(mapping)
    if path.is_dir():
        raise DataError(f"mapping file {path} is a folder. Fix: give the mapping YAML file itself.")
    if not path.is_file():
        raise DataError(
            f"mapping file {path} does not exist. Fix: give the path of a YAML file such as\n"
            f"{_MAPPING_EXAMPLE}"
        )
    try:
        loaded = load_user_yaml(path.read_text(encoding="utf-8-sig"))
    except AliasRefused as err:
        raise DataError(
            f"{path.name}: {err}. Fix: write each pair out in full instead of referring to "
            "another part of the file."
        ) from None
    except ValueError as err:
        raise DataError(
            f"{path.name}: the mapping file is refused: {err}. Fix: a mapping holds a few name "
            "pairs per dataset."
        ) from None
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        where = ""
        mark = getattr(err, "problem_mark", None)
        if mark is not None:
            where = f" at line {mark.line + 1}"
        raise DataError(
            f"{path.name}: the mapping file is not valid YAML{where}. Fix: write one "
            f"'their name: our name' pair per line, e.g.\n{_MAPPING_EXAMPLE}"
        ) from None
    if loaded is None:
        return {}
    if not isinstance(loaded, Mapping):
        raise DataError(
            f"{path.name}: the mapping file holds {type(loaded).__name__}, not name pairs. Fix: "
            f"write one 'their name: our name' pair per line (optionally under a dataset name), "
            f"e.g.\n{_MAPPING_EXAMPLE}"
        )
    return dict(loaded)


def mapping_label(mapping: str | Path | Mapping | None, fallback: str) -> str:
    """The name errors give the mapping: its file name, else the fallback (the data file)."""
    return Path(mapping).name if isinstance(mapping, str | Path) else fallback


def _groups(mapping: Mapping[Any, Any], source: str) -> dict[str, Any] | None:
    """The mapping's datasets {dataset: its part}, or None for a flat mapping; dataset names
    compared as column names are ('Mystery Shops' is mystery_shops)."""
    if not any(isinstance(v, Mapping) for v in mapping.values()):
        return None
    groups: dict[str, list[Any]] = {}
    for key in mapping:
        groups.setdefault(normalise_name(key), []).append(key)
    unknown = sorted(str(k) for name, keys in groups.items() if name not in DATASETS for k in keys)
    if unknown:
        raise DataError(
            f"{source}: unknown dataset(s) {', '.join(unknown)} in the mapping. "
            f"Fix: use the dataset names {', '.join(DATASETS)}."
        )
    twice = {name: keys for name, keys in groups.items() if len(keys) > 1}
    if twice:
        raise DataError(
            f"{source}: the mapping names a dataset twice ("
            + "; ".join(f"{' and '.join(map(repr, k))} are both {n}" for n, k in twice.items())
            + "). Fix: put all of a dataset's pairs under one name."
        )
    parts = {}
    for name, (key,) in groups.items():
        part = mapping[key]
        if part is not None and not isinstance(part, Mapping):
            raise DataError(
                f"{source}: under '{key}' the mapping holds {part!r}, not name pairs. Fix: write "
                f"one 'their name: our name' pair per line under it, e.g.\n{_MAPPING_EXAMPLE}"
            )
        parts[name] = dict(part or {})
    return parts


def _owners(column: str) -> list[str]:
    """The datasets that have a column."""
    return [name for name, spec in SPECS.items() if column in spec.columns]


def _one_target_per_name(pairs: Mapping[Any, Any], source: str) -> None:
    """DataError when two of their names, once compared, are sent to two different targets."""
    first: dict[str, tuple[Any, str]] = {}
    for theirs, ours in pairs.items():
        theirs_name, ours_name = normalise_name(theirs), normalise_name(ours)
        earlier, target = first.setdefault(theirs_name, (theirs, ours_name))
        if target != ours_name:
            raise DataError(
                f"{source}: the mapping gives '{earlier}' and '{theirs}' (the same name once "
                f"compared) two targets, {target} and {ours_name}. Fix: keep one of the two pairs."
            )


@dataclass
class DatasetMapping:
    """One dataset's mapping, checked: the file, the renames and each deriving rule.

    ``columns`` maps their normalised header to our column; the deriving rules map our column to
    their headers (as written in the mapping) or to a value.
    """

    dataset: str
    source: str
    file: str | None = None
    columns: dict[str, str] = field(default_factory=dict)
    written: dict[str, str] = field(default_factory=dict)  # their normalised name -> as written
    combine: dict[str, list[str]] = field(default_factory=dict)
    sum: dict[str, list[str]] = field(default_factory=dict)
    invert: dict[str, str] = field(default_factory=dict)
    present: dict[str, str] = field(default_factory=dict)
    constant: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str | None]] = field(default_factory=dict)
    keep: dict[str, list[str]] = field(default_factory=dict)  # their column -> values kept
    flat: bool = True
    from_file: bool = False  # the mapping is a YAML file (errors then name it)

    def derived(self) -> dict[str, str]:
        """Our columns a deriving rule fills: {our column: the rule}."""
        out = {}
        for rule in ("combine", "sum", "invert", "present", "constant"):
            out.update(dict.fromkeys(getattr(self, rule), rule))
        return out

    def named_headers(self) -> list[str]:
        """Their columns the deriving rules read (normalised)."""
        names = [h for parts in (*self.combine.values(), *self.sum.values()) for h in parts]
        names += [*self.invert.values(), *self.present.values()]
        return [normalise_name(h) for h in names]


def _rule_error(source: str, dataset: str, rule: str, what: str, fix: str) -> DataError:
    """A mapping error naming the file, the dataset, the rule, what is wrong and the fix."""
    return DataError(f"{source}: under {dataset}, {rule}: {what}. Fix: {fix}.")


def _our_column(source: str, dataset: str, rule: str, ours: Any) -> str:
    """Our column named by a rule, checked to be a column of the dataset."""
    name = normalise_name(ours)
    columns = SPECS[dataset].columns
    if name not in columns:
        owners = _owners(name)
        where = f" (a column of {' and '.join(owners)})" if owners else ""
        raise _rule_error(
            source, dataset, rule, f"'{ours}' is not a column of {dataset}{where}",
            f"use one of {', '.join(columns)}",
        )  # fmt: skip
    kinds = _RULE_KINDS.get(rule)
    if kinds and columns[name].kind not in kinds:
        raise _rule_error(
            source, dataset, rule, f"{name} is a {columns[name].kind} column, which {rule} "
            "cannot fill", _RULE_FIX[rule],
        )  # fmt: skip
    return name


_RULE_FIX = {
    "combine": "combine joins text, e.g. combine: {opened_at: [Date, Time]}",
    "sum": "sum adds numbers, e.g. sum: {handle_time_s: [Talk Time, Hold Time, Wrap Time]}",
    "invert": "invert turns a yes/no column round, e.g. invert: {abandoned: Answered (Y/N)}",
    "present": "present marks yes where a column has a value, e.g. present: {responded: Rating}",
}


def _their_list(source: str, dataset: str, rule: str, ours: str, value: Any) -> list[str]:
    """Their columns a combine or sum rule lists (one name is a list of one)."""
    parts = [value] if isinstance(value, str) else value
    if not isinstance(parts, list) or not parts or not all(isinstance(p, str) for p in parts):
        raise _rule_error(
            source, dataset, rule, f"{ours} needs a list of your column names, got {value!r}",
            _RULE_FIX[rule],
        )  # fmt: skip
    return [p.strip() for p in parts]


def _rule_part(source: str, dataset: str, rule: str, value: Any) -> dict:
    """A rule's own mapping (a rule holding something else is refused)."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise _rule_error(
            source, dataset, rule, f"holds {value!r}, not 'name: value' pairs",
            f"write it as {rule}: {{our column: ...}}, as data/README.md shows",
        )  # fmt: skip
    return dict(value)


def _shown_value(value: Any) -> str | None:
    """A value from YAML as the text an export would hold (yes -> 'yes', 3 -> '3', blank -> None)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value).strip()


def _is_v2(dataset: str, part: Mapping[Any, Any]) -> bool:
    """Whether a dataset's part uses the version-2 rules ('file' naming a file, or a rule holding
    its own pairs), rather than flat pairs (a header called 'File' can still be renamed)."""
    columns = SPECS[dataset].columns
    for key, value in part.items():
        name = normalise_name(key)
        if name == "file" and isinstance(value, str) and normalise_name(value) not in columns:
            return True
        if name in RULES and isinstance(value, Mapping):
            return True
    return False


def _columns_rule(dm: DatasetMapping, pairs: Mapping[Any, Any], headers: set[str] | None) -> None:
    """The renames of a dataset, their names and ours compared in any case and spacing; a flat
    mapping passes over a pair onto another dataset's column unless the file has the header."""
    _one_target_per_name(pairs, dm.source)
    columns = SPECS[dm.dataset].columns
    for theirs, ours in pairs.items():
        if not isinstance(ours, str):
            raise _rule_error(
                dm.source, dm.dataset, "columns", f"'{theirs}' is sent to {ours!r}, not a name",
                f"write 'their name: our name', e.g.\n{_MAPPING_EXAMPLE}",
            )  # fmt: skip
        theirs_name, ours_name = normalise_name(theirs), normalise_name(ours)
        owners = _owners(ours_name)
        if ours_name in columns:
            dm.columns[theirs_name] = ours_name
            dm.written[theirs_name] = str(theirs)
        elif not dm.flat or not owners or (headers is not None and theirs_name in headers):
            where = f", a column of {' and '.join(owners)} only" if owners else ""
            hint = f"; or, for {owners[0]}, put the pair under '{owners[0]}:'" if owners else ""
            raise DataError(
                f"{dm.source}: the mapping sends '{theirs}' to '{ours}'{where}, which is not a "
                f"column of {dm.dataset}. Fix: map it to one of {', '.join(columns)}{hint}."
            )


def _v2_rules(dm: DatasetMapping, part: Mapping[Any, Any]) -> dict:
    """The deriving rules of a version-2 part read into dm; returns its renames."""
    pairs: dict[Any, Any] = {}
    for key, value in part.items():
        rule = normalise_name(key)
        if rule == "file":
            if not isinstance(value, str) or not value.strip():
                raise _rule_error(
                    dm.source, dm.dataset, "file", f"{value!r} is not a file name",
                    "give the export's file name, e.g. file: calls.csv",
                )  # fmt: skip
            dm.file = value.strip()
        elif rule == "keep":
            kept = _rule_part(dm.source, dm.dataset, rule, value)
            if not kept:
                raise _rule_error(dm.source, dm.dataset, rule, "it names no column", _KEEP_EXAMPLE)
            for theirs, wanted in kept.items():
                dm.keep[str(theirs).strip()] = _kept_values(dm, str(theirs).strip(), wanted)
        elif rule == "columns":
            pairs.update(_rule_part(dm.source, dm.dataset, "columns", value))
        elif rule in ("combine", "sum"):
            for ours, theirs in _rule_part(dm.source, dm.dataset, rule, value).items():
                name = _our_column(dm.source, dm.dataset, rule, ours)
                getattr(dm, rule)[name] = _their_list(dm.source, dm.dataset, rule, name, theirs)
        elif rule in ("invert", "present"):
            for ours, theirs in _rule_part(dm.source, dm.dataset, rule, value).items():
                name = _our_column(dm.source, dm.dataset, rule, ours)
                if not isinstance(theirs, str) or not theirs.strip():
                    raise _rule_error(
                        dm.source, dm.dataset, rule, f"{name} needs one of your column names, "
                        f"got {theirs!r}", _RULE_FIX[rule],
                    )  # fmt: skip
                getattr(dm, rule)[name] = theirs.strip()
        elif rule == "constant":
            for ours, constant in _rule_part(dm.source, dm.dataset, rule, value).items():
                name = _our_column(dm.source, dm.dataset, rule, ours)
                if isinstance(constant, Mapping | list) or _shown_value(constant) is None:
                    raise _rule_error(
                        dm.source, dm.dataset, rule, f"{name} needs one value, got {constant!r}",
                        "give the value every row has, e.g. constant: {channel: phone}",
                    )  # fmt: skip
                dm.constant[name] = _shown_value(constant)
        elif rule == "values":
            for ours, recode in _rule_part(dm.source, dm.dataset, rule, value).items():
                name = _our_column(dm.source, dm.dataset, rule, ours)
                if not isinstance(recode, Mapping) or not recode:
                    raise _rule_error(
                        dm.source, dm.dataset, rule, f"{name} needs 'their value: our value' "
                        f"pairs, got {recode!r}",
                        "write e.g. values: {channel: {Voice: phone, Web chat: chat}}",
                    )  # fmt: skip
                dm.values[name] = {
                    str(_shown_value(k) or "").lower(): _shown_value(v) for k, v in recode.items()
                }
        else:
            raise _rule_error(
                dm.source, dm.dataset, str(key), "this is not a rule of the mapping",
                f"use {', '.join(RULES)}, and put column pairs under columns:",
            )  # fmt: skip
    return pairs


_KEEP_EXAMPLE = "write e.g. keep: {Direction: Inbound} or keep: {Queue: [Sales, Support]}"


def _kept_values(dm: DatasetMapping, theirs: str, wanted: Any) -> list[str]:
    """The values a keep rule keeps in one of their columns (one value is a list of one)."""
    listed = wanted if isinstance(wanted, list) else [wanted]
    if any(isinstance(v, Mapping | list) for v in listed):
        what = f"'{theirs}' lists a group of values inside its list"
    elif not listed or all(_shown_value(v) is None for v in listed):
        what = f"'{theirs}' lists no value whose rows to keep"
    elif any(_shown_value(v) is None for v in listed):
        what = f"'{theirs}' lists a blank value (a row is kept only for a value it holds)"
    else:
        return [_shown_value(v) for v in listed]
    raise _rule_error(dm.source, dm.dataset, "keep", what, _KEEP_EXAMPLE)


def _given_once(dm: DatasetMapping) -> None:
    """DataError when one of our columns is given by two rules (or twice by columns)."""
    given: dict[str, list[str]] = {}
    for ours in dm.columns.values():
        given.setdefault(ours, []).append("columns")
    for rule in ("combine", "sum", "invert", "present", "constant"):
        for ours in getattr(dm, rule):
            given.setdefault(ours, []).append(rule)
    for ours, rules in given.items():
        derived = [r for r in rules if r != "columns"]
        if len(derived) > 1 or (derived and "columns" in rules):
            raise _rule_error(
                dm.source, dm.dataset, " and ".join(dict.fromkeys(rules)),
                f"{ours} is given more than once", "keep one rule for each of our columns",
            )  # fmt: skip


def dataset_mapping(
    dataset: str, mapping: Mapping[Any, Any], source: str, headers: Any = None
) -> DatasetMapping:
    """One dataset's part of a mapping, checked (shape, rules, targets), in either form; headers
    (if given) are the file's, so that a flat pair onto another dataset's column is refused only
    when the file has that header."""
    groups = _groups(mapping, source)
    present = None if headers is None else {normalise_name(h) for h in headers}
    if groups is None:
        dm = DatasetMapping(dataset, source, flat=True)
        _columns_rule(dm, mapping, present)
        return dm
    part = groups.get(dataset, {})
    dm = DatasetMapping(dataset, source, flat=False)
    pairs = _v2_rules(dm, part) if _is_v2(dataset, part) else part
    _columns_rule(dm, pairs, present)
    _given_once(dm)
    return dm


def mapping_for(
    dataset: str, mapping: Mapping[Any, Any], source: str, headers: Any = None
) -> dict[str, str]:
    """The renames for one dataset ({their normalised name: our column}); see dataset_mapping."""
    return dataset_mapping(dataset, mapping, source, headers).columns


def mapped_files(mapping: Mapping[Any, Any], source: str) -> dict[str, str]:
    """The export file each dataset's mapping names ({dataset: file name})."""
    groups = _groups(mapping, source) or {}
    files = {}
    for name in groups:
        dm = dataset_mapping(name, mapping, source)
        if dm.file:
            files[name] = dm.file
    return files


# --- applying a mapping to a file's rows and columns ---------------------------------------------


@dataclass
class Applied:
    """What a mapping did to one file: the frame with our columns, and the account of it."""

    frame: pd.DataFrame
    renamed: dict[str, str]  # their header -> our column
    derived: list[str]  # one line per deriving rule, e.g. "opened_at <- 'Date' + 'Time'"
    headers: dict[str, str]  # our column (or kept extra column) -> their header
    unused: list[str]  # their headers no rule used, in file order


def _lookup(
    raw: pd.DataFrame, by_name: dict[str, str], dm: DatasetMapping, rule: str, ours: str,
    theirs: str, problems: Problems,
) -> pd.Series | None:  # fmt: skip
    """Their column named by a rule (compared as headers are), or a problem naming it."""
    header = by_name.get(normalise_name(theirs))
    if header is None:
        uses = "keeps the rows by" if rule == "keep" else f"takes {ours} from"
        problems.add(
            None, f"the mapping ({dm.source}) {uses} '{theirs}' ({rule}), but the file has no "
            "such column", None,
            f"correct the name in the mapping; the file's columns are "
            f"{', '.join(map(str, raw.columns))}",
        )  # fmt: skip
        return None
    return raw[header]


def keep_rows(
    raw: pd.DataFrame, dm: DatasetMapping, problems: Problems, notes: list[str]
) -> tuple[pd.DataFrame, str | None]:
    """The rows the keep rule keeps, and a line counting those it left out (None without one).

    A row is kept when, in every column the rule names, it holds one of the listed values
    (compared in any case, surrounding spaces ignored). The rows keep their numbers, so every
    later problem still names the file's own rows. A column the file lacks, or a rule that keeps
    no row at all, stops here with the values the column does hold.
    """
    if not dm.keep:
        return raw, None
    by_name = {normalise_name(h): str(h) for h in raw.columns}
    kept = np.ones(len(raw), dtype=bool)
    said = []
    for theirs, wanted in dm.keep.items():
        column = _lookup(raw, by_name, dm, "keep", "", theirs, problems)
        if column is None:
            continue
        header = str(column.name)
        text = clean_text(column).str.lower()
        matches = text.isin([w.lower() for w in wanted]).to_numpy()
        unseen = [w for w in wanted if not (text == w.lower()).any()]
        if unseen:
            notes.append(f"keep: no row has '{header}' {' or '.join(unseen)}")
        if not matches.any():
            held = ", ".join(map(str, clean_text(raw[header]).dropna().unique()[:5])) or "nothing"
            problems.add(
                header, f"the mapping's keep rule keeps the rows where it is {' or '.join(wanted)}, "
                f"and no row is (it holds {held})", None,
                "list the values as the file writes them under keep: in the mapping",
            )  # fmt: skip
        kept &= matches
        said.append(f"'{header}' is {' or '.join(wanted)}")
    problems.raise_if_any()
    left_out = int((~kept).sum())
    line = (
        f"{left_out:,} of {len(raw):,} rows left out by the mapping's keep rule (kept where "
        f"{' and '.join(said)})"
    )
    return raw.loc[kept], line


def _combined(parts: list[pd.Series], names: list[str], problems: Problems) -> pd.Series:
    """Their columns joined with a space; a row with some parts blank is a problem (the
    blank part's column named), a row with all blank stays blank."""
    texts = [clean_text(p) for p in parts]
    filled = np.column_stack([t.notna().to_numpy() for t in texts])
    some = filled.any(axis=1) & ~filled.all(axis=1)
    for text, name, column in zip(texts, names, filled.T, strict=True):
        rows = text.index[some & ~column]
        if len(rows):
            others = ", ".join(f"'{n}'" for n in names if n != name)
            problems.add(
                name, f"blank while {others} has a value", rows,
                "fill in every part of the combined date and time (or blank them all)",
            )  # fmt: skip
    joined = texts[0].fillna("")
    for text in texts[1:]:
        joined = joined + " " + text.fillna("")
    return joined.str.strip().mask(~filled.all(axis=1))


def _summed(
    parts: list[pd.Series], names: list[str], col: Col, problems: Problems, notes: list[str]
) -> pd.Series:
    """Their columns read as numbers (or durations) and added; blank parts count 0 when another
    part has a value, and a row with every part blank stays blank."""
    numbers = [
        convert(name, col, part, problems, notes) for name, part in zip(names, parts, strict=True)
    ]
    table = pd.concat(numbers, axis=1)
    return table.sum(axis=1, min_count=1)


def _flag_words(flags: pd.Series) -> pd.Series:
    """True/False (blank kept) written as yes/no text, for the flag column to read."""
    words = pd.Series(np.where(flags.fillna(False).astype(bool), "yes", "no"), index=flags.index)
    return words.astype(object).mask(flags.isna())


def _derive(
    raw: pd.DataFrame, dm: DatasetMapping, spec: Spec, problems: Problems, notes: list[str]
) -> tuple[dict[str, pd.Series], list[str], set[str]]:
    """The columns the deriving rules make: ({our column: values}, lines saying how, their
    headers read)."""
    by_name = {normalise_name(h): str(h) for h in raw.columns}
    made: dict[str, pd.Series] = {}
    lines: list[str] = []
    used: set[str] = set()

    def columns_for(rule: str, ours: str, names: list[str]) -> list[pd.Series] | None:
        found = [_lookup(raw, by_name, dm, rule, ours, n, problems) for n in names]
        used.update(by_name[normalise_name(n)] for n in names if normalise_name(n) in by_name)
        return None if any(f is None for f in found) else found

    for ours, names in dm.combine.items():
        found = columns_for("combine", ours, names)
        lines.append(f"{ours} <- " + " + ' ' + ".join(f"'{n}'" for n in names))
        if found is not None:
            made[ours] = _combined(found, names, problems)
    for ours, names in dm.sum.items():
        found = columns_for("sum", ours, names)
        lines.append(f"{ours} <- " + " + ".join(f"'{n}'" for n in names))
        if found is not None:
            made[ours] = _summed(found, names, spec.columns[ours], problems, notes)
    for ours, name in dm.invert.items():
        found = columns_for("invert", ours, [name])
        lines.append(f"{ours} <- the opposite of '{name}'")
        if found is not None:
            flags = convert(name, Col("bool", ""), found[0], problems, notes)
            made[ours] = _flag_words(~flags.astype("boolean"))
    for ours, name in dm.present.items():
        found = columns_for("present", ours, [name])
        lines.append(f"{ours} <- yes where '{name}' has a value")
        if found is not None:
            made[ours] = _flag_words(clean_text(found[0]).notna())
    for ours, value in dm.constant.items():
        made[ours] = pd.Series(value, index=raw.index, dtype=object)
        lines.append(f"{ours} = '{value}' on every row")
    for theirs, wanted in dm.keep.items():  # the rule reads it: not an unused column
        if normalise_name(theirs) in by_name:
            used.add(by_name[normalise_name(theirs)])
            lines.append(f"rows kept where '{theirs}' is {' or '.join(wanted)}")
    return made, lines, used


def _recode(frame: pd.DataFrame, dm: DatasetMapping, lines: list[str], problems: Problems) -> None:
    """Their values replaced by ours in place (compared in any case, surrounding spaces
    ignored); values the rule does not list are left for the column's own checks."""
    for ours, recode in dm.values.items():
        if ours not in frame:  # nothing gives the column: the recoding would silently do nothing
            problems.add(
                None, f"the mapping ({dm.source}) recodes {ours} (values), but no column of the "
                f"file gives {ours}", None,
                f"name the column that holds it under columns: (e.g. Disposition: {ours}), or "
                "remove the values rule",
            )  # fmt: skip
            continue
        text = clean_text(frame[ours])
        key = text.str.lower()
        listed = key.isin(list(recode))
        frame[ours] = text.where(~listed, key.map(recode))
        pairs = ", ".join(f"'{k}' -> {v if v is not None else 'blank'}" for k, v in recode.items())
        lines.append(f"{ours} values recoded: {pairs}")


def _free_name(name: str, taken: set[str]) -> str:
    """name_1, or name_2 and so on: the first not taken (and now taken)."""
    number = 1
    while f"{name}_{number}" in taken:
        number += 1
    taken.add(f"{name}_{number}")
    return f"{name}_{number}"


def _same_or_problem(
    raw: pd.DataFrame,
    first: int,
    second: int,
    target: str,
    problems: Problems,
    notes: list[str],
    label: str,
) -> None:
    """Two columns giving one of ours: the second is left out, with a note, when every row holds
    the same value in both (spaces and case ignored); otherwise a problem naming the rows."""
    names = [raw.attrs.get("repeated", {}).get(str(c), str(c)) for c in raw.columns]
    a, b = (
        raw.iloc[:, k].astype("object").fillna("").astype(str).str.strip().str.casefold()
        for k in (first, second)
    )
    differ = a.to_numpy() != b.to_numpy()
    both = f"'{names[first]}' (column {first + 1}) and '{names[second]}' (column {second + 1})"
    if not differ.any():
        notes.append(f"columns {both} both give '{target}' with the same values: one is used")
        return
    problems.add(
        target, f"two columns, {both}, both give '{target}' and their values differ",
        raw.index[differ],
        f"keep the right one and delete the other, or correct the mapping{label}",
    )  # fmt: skip


def apply_mapping(
    raw: pd.DataFrame, dm: DatasetMapping, spec: Spec, problems: Problems, notes: list[str]
) -> Applied:
    """A file's columns normalised, renamed and derived as the mapping says.

    Two columns giving one of ours are a problem; two extra columns giving one name are both
    kept, the second as name_1 (as pandas names a repeated header), with a note. A file's own
    column that a deriving rule replaces is kept as an extra column (name_1), with a note.
    """
    made, lines, used = _derive(raw, dm, spec, problems, notes)
    headers = [str(c) for c in raw.columns]
    repeated = raw.attrs.get("repeated", {})  # 'channel.1' for a second 'channel' in the header
    normalised = [normalise_name(repeated.get(c, c)) for c in headers]
    targets = [dm.columns.get(n, n) for n in normalised]
    taken = set(targets) | set(made)
    seen: dict[str, str] = {}
    position: dict[str, int] = {}
    label = f" ({dm.source})" if dm.from_file else ""
    for i, (header, target) in enumerate(zip(headers, targets, strict=True)):
        if target in made and normalised[i] not in dm.columns:
            targets[i] = _free_name(target, taken)
            notes.append(f"the file's own '{header}' kept as {targets[i]}: {target} is derived")
        elif (
            target in seen
            and target in spec.columns
            and normalised[i] == normalised[position[target]]
        ):  # the file holds the column twice (Channel and channel): compare the values
            _same_or_problem(raw, position[target], i, target, problems, notes, label)
        elif target in seen and target in spec.columns:
            problems.add(
                None, f"two columns, '{seen[target]}' and '{header}', both give '{target}'", None,
                f"keep one of them, or correct the mapping{label}",
            )  # fmt: skip
        elif target in seen:
            targets[i] = _free_name(target, taken)
            notes.append(
                f"columns '{seen[target]}' and '{header}' both give '{target}': "
                f"'{header}' kept as {targets[i]}"
            )
        seen.setdefault(targets[i], header)
        position.setdefault(targets[i], i)
    renamed = {
        h: t for h, n, t in zip(headers, normalised, targets, strict=True) if n in dm.columns
    }
    frame = raw.copy(deep=False)
    frame.columns = targets
    if len(set(targets)) < len(targets):  # a repeat with the same values, or after a problem
        frame = frame.loc[:, ~pd.Index(targets).duplicated()]
    for ours, values in made.items():
        frame[ours] = values
    _recode(frame, dm, lines, problems)
    unused = [
        h for h, t in zip(headers, targets, strict=True)
        if t not in spec.columns and h not in used
    ]  # fmt: skip
    return Applied(frame, renamed, lines, seen, unused)
