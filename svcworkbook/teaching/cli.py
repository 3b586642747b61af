"""The ``svcworkbook`` command: generate, validate and anonymise data; run units; editions;
class packs; Anki flashcards.

Every command checks its input first and stops with a clear message and exit status 1 (2 for a
mistyped command line) rather than a traceback. Run ``svcworkbook COMMAND --help`` for details.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from svcworkbook.errors import ContentError, DataError, ParameterError

EXIT_OK, EXIT_PROBLEM = 0, 1


class Problem(Exception):
    """A problem to report to the user in one message (exit status 1)."""


def _print(*lines: str) -> None:
    """Print lines to standard output."""
    print("\n".join(lines))


# --- data ------------------------------------------------------------------------------------


def cmd_generate(args: argparse.Namespace) -> int:
    """Write a generated dataset (or all eight) as CSV."""
    from svcworkbook.data import generators, loading

    out = Path(args.out)
    kwargs: dict[str, Any] = {}
    if args.days is not None:
        kwargs["days"] = args.days
    if args.start is not None:
        kwargs["start"] = start_date(args.start)
    if args.dataset == "all":
        if args.rows is not None:
            raise Problem("--rows applies to one dataset; with 'all' use --days to set the volume")
        frames = generators.generate_all(seed=args.seed, scenario=args.scenario, **kwargs)
        out.mkdir(parents=True, exist_ok=True)
        written = []
        for name, frame in frames.items():
            path = out / f"{name}.csv"
            _write_csv(frame, path)
            written.append(f"  {path} ({len(frame):,} rows)")
        loading.write_about(out, args.seed, args.scenario, args.start, args.days)
        _print(f"Wrote {len(frames)} datasets (seed {args.seed}, {args.scenario}):", *written)
        return EXIT_OK
    frame = generators.generate(
        args.dataset, seed=args.seed, scenario=args.scenario, rows=args.rows, **kwargs
    )
    if out.suffix.lower() != ".csv":
        out = out / f"{args.dataset}.csv"
    _write_csv(frame, out)
    _print(
        f"Wrote {out} ({len(frame):,} rows of {args.dataset}, seed {args.seed}, {args.scenario})"
    )
    return EXIT_OK


#: The years a generated period may start in (pandas timestamps span 1677-2262; a service log
#: from outside these years is a typing mistake).
START_YEARS = (1900, 2100)


def start_date(text: str) -> str:
    """--start as ISO YYYY-MM-DD: YYYY-MM-DD, or a UK day-first date (05/01/2026 is 5 January)."""
    import re
    from datetime import date

    text = text.strip()
    iso = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
    uk = re.fullmatch(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})", text)
    fix = "give the first day as YYYY-MM-DD (2026-01-05) or DD/MM/YYYY (05/01/2026)"
    if iso:
        year, month, day = (int(g) for g in iso.groups())
    elif uk:
        day, month, year = (int(g) for g in uk.groups())
    else:
        raise Problem(f"--start {text!r} is not a date; {fix}")
    try:
        first = date(year, month, day)
    except ValueError:
        raise Problem(f"--start {text!r} is not a real day; {fix}") from None
    low, high = START_YEARS
    if not low <= first.year <= high:
        raise Problem(f"--start {text!r}: the year must be between {low} and {high}; {fix}")
    return first.isoformat()


def _write_csv(frame, path: Path) -> None:
    """Write a dataset as CSV with ISO timestamps (the samples' format)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False, date_format="%Y-%m-%d %H:%M:%S")


def _dataset_of(path: Path, given: str | None) -> str:
    """The dataset a file holds: --dataset, or its file name (Contacts.csv -> contacts)."""
    from svcworkbook.data import loading
    from svcworkbook.data.generators import DATASETS

    name = given or loading.dataset_of(path)
    if name not in DATASETS:
        raise Problem(
            f"which dataset is {path.name}? Give --dataset, one of: {', '.join(DATASETS)}"
        )
    return name


def cmd_validate(args: argparse.Namespace) -> int:
    """Check a file (or every dataset file in a folder) against its schema; print the mapping
    applied and every column of each file that was not used."""
    from svcworkbook.data import loading
    from svcworkbook.data.generators import DATASETS

    path = Path(args.path)
    if not path.exists():
        raise Problem(f"{path} does not exist; give the path of a CSV or Excel file or a folder")
    if path.is_dir():
        names = (
            [args.dataset]
            if args.dataset
            else list(loading.folder_files(path, mapping=args.map, datasets=DATASETS))
        )
        if not names:
            raise Problem(
                f"{path} holds no dataset files; name them after the dataset "
                f"({', '.join(f'{n}.csv' for n in DATASETS)}) or name your files in the mapping "
                "(file: ...)"
            )
        frames = loading.load_folder(path, mapping=args.map, datasets=tuple(names))
        lines = [loading.summary(name, frame) for name, frame in frames.items()]
        report = [line for name, f in frames.items() for line in loading.mapping_report(name, f)]
        _print(f"{path}: valid ({len(frames)} datasets)", *lines, *report)
        return EXIT_OK
    dataset = _dataset_of(path, args.dataset)
    frame = loading.load(dataset, path, mapping=args.map)
    _print(
        f"{path}: valid", loading.summary(dataset, frame), *loading.mapping_report(dataset, frame)
    )
    return EXIT_OK


def cmd_anonymise(args: argparse.Namespace) -> int:
    """Pseudonymise ids and personal data and redact every text column of a file; write a safe
    CSV. A workbook dataset is validated first; any other CSV is taken as it is."""
    from svcworkbook.data import loading, privacy
    from svcworkbook.data.generators import DATASETS

    path = Path(args.path)
    dataset = args.dataset or loading.dataset_of(path)
    if args.dataset and args.dataset not in DATASETS:
        raise Problem(f"--dataset {args.dataset} is not one of: {', '.join(DATASETS)}")
    key_path = Path(args.key_file)
    given = Path(args.out)
    name = f"{dataset}.csv" if dataset in DATASETS else f"{path.stem}.csv"
    out = given if given.suffix.lower() == ".csv" else given / name
    precious = {"the input file": path, "the key file": key_path}
    for candidate in dict.fromkeys((given, out)):
        refuse_to_overwrite(candidate, precious, folder_ok=candidate != out)
    key = privacy.read_key(key_path)
    if dataset in DATASETS:
        frame = loading.load(dataset, path, mapping=args.map)
    else:
        frame = read_any_table(path)
    result = privacy.anonymise(frame, key, dataset=dataset if dataset in DATASETS else None)
    privacy.write_safe_csv(result, out)
    done = privacy.changes(frame, result)
    lines = [f"  {r.column}: {r.action} ({r.cells_changed:,} cells)" for r in done.itertuples()]
    _print(
        f"Wrote {out} ({len(result):,} rows). What changed, column by column:",
        *(lines or ["  nothing: no personal data was found"]),
        "Keep the key file separate from this output: with the key the tokens can be matched "
        "again, so under UK GDPR the output is pseudonymised, not anonymous.",
        *privacy.key_warnings(key_path, out),
    )
    return EXIT_OK


def read_any_table(path: Path):
    """A CSV or Excel file that is not a workbook dataset, every cell as text (blanks kept)."""
    import pandas as pd

    if not path.is_file():
        raise Problem(f"{path} is not a file; give the path of a CSV or Excel file")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from svcworkbook.data import loading

        return loading.read_table(path, "")[0].astype(object)
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise Problem(
            f"{path.name} is not UTF-8 text. Fix: save it as 'CSV UTF-8' and try again"
        ) from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        raise Problem(
            f"{path.name} cannot be read as a table ({err}). Fix: check the file"
        ) from None


def refuse_to_overwrite(out: Path, precious: dict[str, Path], folder_ok: bool = False) -> None:
    """Problem when the output path is (after resolving links) one of the files to keep."""
    import os

    if out.is_dir() and not folder_ok:
        raise Problem(f"--out {out} is a folder; name a .csv file, or a folder to write into")
    for what, path in precious.items():
        same = out.resolve() == path.resolve()
        if not same and out.exists() and path.exists():
            same = os.path.samefile(out, path)
        if same:
            raise Problem(
                f"--out {out} is {what}: writing there would destroy it. Fix: write the "
                "anonymised copy to another file or folder."
            )


def cmd_keygen(args: argparse.Namespace) -> int:
    """Write a new secret key for anonymise, readable by its owner only."""
    from svcworkbook.data import privacy

    path = privacy.write_new_key(Path(args.out))
    _print(
        f"Wrote a new key to {path} (readable by you only).",
        "Keep it apart from the data you share, and keep a backup: without it the same "
        "customer gets a different token next time.",
    )
    return EXIT_OK


# --- notebooks -------------------------------------------------------------------------------


def notebook_parameters_from(args: argparse.Namespace) -> dict[str, Any]:
    """Notebook parameters from --data/--map/--seed/--scenario/-p KEY=VALUE."""
    from svcworkbook.teaching.runner import parse_parameter

    params: dict[str, Any] = {}
    for text in args.param or []:
        key, value = parse_parameter(text)
        params[key] = value
    if getattr(args, "data", None):
        data = Path(args.data)
        if not data.is_dir():
            raise Problem(f"--data {data} is not a folder; give the folder holding your CSV files")
        params["data_dir"] = str(data.resolve())
    if getattr(args, "map", None):
        mapping = Path(args.map)
        if not mapping.is_file():
            raise Problem(f"--map {mapping} does not exist; give the mapping YAML file")
        params["mapping"] = str(mapping.resolve())
    if getattr(args, "seed", None) is not None:
        params["seed"] = args.seed
    if getattr(args, "scenario", None):
        params["scenario"] = args.scenario
    if getattr(args, "short_abandon_s", None) is not None:
        params["short_abandon_s"] = args.short_abandon_s
    return params


def check_data_folder(params: dict[str, Any], change_date_needed: bool = False) -> list[str]:
    """Validate every dataset file in the data folder before any notebook runs (and a
    change_date against the contacts' dates: also when it is missing, if change_date_needed,
    since unit 5 cannot evaluate your own contacts without one); summaries."""
    from svcworkbook.data import loading

    frames = checked_frames(params, change_date_needed)
    return [loading.summary(name, frame) for name, frame in frames.items()]


def checked_frames(params: dict[str, Any], change_date_needed: bool = False) -> dict[str, Any]:
    """Every dataset of the data folder, loaded and validated (see check_data_folder)."""
    from svcworkbook.data import loading
    from svcworkbook.data.generators import DATASETS

    folder = Path(params["data_dir"])
    names = tuple(loading.folder_files(folder, mapping=params.get("mapping"), datasets=DATASETS))
    if not names:
        raise Problem(
            f"{folder} holds no dataset files; name them after the dataset "
            f"({', '.join(f'{n}.csv' for n in DATASETS)})"
        )
    frames = loading.load_folder(folder, mapping=params.get("mapping"), datasets=names)
    if "contacts" in frames and (change_date_needed or params.get("change_date") is not None):
        from svcworkbook.units.unit5_improvement.evaluation import resolve_change_date

        resolve_change_date(params.get("change_date"), params, frames["contacts"])  # in the data
    return frames


def cmd_run(args: argparse.Namespace) -> int:
    """Execute one unit (or all) on the chosen data into the site: executed notebooks and pages
    of the learner and tutor editions (or the one --edition names), and the index."""
    from svcworkbook.teaching import runner, site

    params = notebook_parameters_from(args)
    out = Path(args.out)
    paths = runner.unit_notebooks() if args.unit == "all" else [runner.resolve_notebook(args.unit)]
    runner.check_content()  # a damaged content file stops the run before any notebook starts
    for path in paths:
        declared = runner.notebook_parameters(path)
        own = {k: v for k, v in params.items() if k in declared}
        if args.unit != "all":
            own = params
        runner.validate_parameters(path, own)
    if "data_dir" in params:
        unit5 = args.unit != "all" and "change_date" in runner.notebook_parameters(paths[0])
        _print(f"Data in {params['data_dir']} is valid:", *check_data_folder(params, unit5))
    editions = (args.edition,) if args.edition else ("learner", "tutor")
    index, built = site.build_site(
        out, params, paths, editions, hide_code=not args.show_code, pdf=args.pdf
    )
    for b in built:
        status = "ran" if b.error is None else f"STOPPED: {b.error}"
        _print(
            f"{b.page.notebook.stem} ({b.page.edition} edition): {status}",
            f"  notebook: {b.executed}",
            f"  page:     {b.html}",
            *([f"  pdf:      {b.html.with_suffix('.pdf')}"] if args.pdf else []),
        )
    _print(f"Open {index.resolve()}")
    return EXIT_PROBLEM if any(b.error for b in built) else EXIT_OK


def cmd_edition(args: argparse.Namespace) -> int:
    """Write the learner or tutor edition of a unit's notebook (or all)."""
    from svcworkbook.teaching import editions, runner

    edition = "learner" if args.learner else "tutor"
    params = notebook_parameters_from(args)
    paths = runner.unit_notebooks() if args.unit == "all" else [runner.resolve_notebook(args.unit)]
    out = Path(args.out)
    there = None
    if "data_dir" in params:  # their own data: leave out the sections it cannot run
        from svcworkbook.data import loading
        from svcworkbook.teaching.sections import columns_there

        frames = checked_frames(params)  # read once: for the summary and for what is there
        _print(
            f"Data in {params['data_dir']} is valid:",
            *(loading.summary(name, frame) for name, frame in frames.items()),
        )
        there = columns_there(frames)
    for path in paths:
        declared = runner.notebook_parameters(path)
        own = {k: v for k, v in params.items() if k in declared}
        runner.validate_parameters(path, own)
        try:
            target, notes = editions.write_edition(
                path, out, edition, own, force=args.force, there=there
            )
        except editions.WouldOverwrite as err:
            raise Problem(str(err)) from None
        _print(f"{edition} edition: {target}", *(f"  skipped: {note}" for note in notes))
    return EXIT_OK


def cmd_classpack(args: argparse.Namespace) -> int:
    """Per learner: a dataset, learner editions, and the tutor's executed answer keys."""
    from svcworkbook.teaching import classpack

    units = classpack.parse_units(args.units)
    report = classpack.build_classpack(
        Path(args.roster),
        Path(args.out),
        units=units,
        scenario=args.scenario,
        jobs=args.jobs,
        scheduler=args.scheduler,
        force=args.force,
        progress=not args.quiet,
    )
    _print(*report.lines())
    return EXIT_PROBLEM if report.failed else EXIT_OK


def cmd_mark(args: argparse.Namespace) -> int:
    """Mark returned notebooks on each learner's own data: gradebook, feedback, class overview."""
    from svcworkbook.teaching import marking

    report = marking.mark_class(
        Path(args.pack),
        Path(args.submissions),
        Path(args.out),
        jobs=args.jobs,
        scheduler=args.scheduler,
        time_limit=args.time_limit,
        progress=not args.quiet,
    )
    _print(*report.lines())
    return EXIT_PROBLEM if report.failed else EXIT_OK


def cmd_flashcards(args: argparse.Namespace) -> int:
    """Export a unit's concepts and marking points as an Anki deck (.apkg)."""
    from svcworkbook.learning import flashcards

    out = Path(args.out)
    if out.suffix.lower() != ".apkg":
        raise Problem(f"--out {out} should end in .apkg (Anki's deck format)")
    path = flashcards.export_anki(args.unit, out)
    _print(f"Wrote {path}: import it into Anki (File > Import) or AnkiDroid/AnkiMobile.")
    return EXIT_OK


# --- parser ----------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    """The command line: one sub-command per job."""
    parser = argparse.ArgumentParser(
        prog="svcworkbook",
        description="Customer service revision workbook: data, unit notebooks, class packs.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    g = sub.add_parser("generate", help="generate realistic service data as CSV")
    g.add_argument("dataset", help="contacts, intervals, surveys, ..., or 'all' (a folder)")
    g.add_argument("--seed", type=int, default=2026)
    g.add_argument("--scenario", default="baseline")
    g.add_argument("--rows", type=int, help="about this many rows (one dataset only)")
    g.add_argument("--days", type=int, help="length of the period in days")
    g.add_argument("--start", help="first day, YYYY-MM-DD or DD/MM/YYYY (day first)")
    g.add_argument("--out", required=True, help="a .csv file, or a folder")
    g.set_defaults(func=cmd_generate)

    v = sub.add_parser("validate", help="check a CSV/Excel file or folder against the schemas")
    v.add_argument("path")
    v.add_argument("--dataset", help="which dataset the file holds (default: its file name)")
    v.add_argument("--map", help="YAML mapping your system's column names to the workbook's")
    v.set_defaults(func=cmd_validate)

    a = sub.add_parser("anonymise", aliases=["anonymize"], help="pseudonymise and redact a file")
    a.add_argument("path")
    a.add_argument("--dataset")
    a.add_argument("--map")
    a.add_argument("--key-file", required=True, help="your secret key (kept apart from output)")
    a.add_argument("--out", required=True)
    a.set_defaults(func=cmd_anonymise)

    k = sub.add_parser("keygen", help="make a secret key for anonymise (mode 0600)")
    k.add_argument("--out", required=True, help="the key file to create (never overwritten)")
    k.set_defaults(func=cmd_keygen)

    def notebook_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("unit", help="unit number (1-5), slug (reliable_delivery) or 'all'")
        p.add_argument("--data", help="folder of your CSV/Excel files")
        p.add_argument("--map", help="mapping YAML for your files' column names")
        p.add_argument("--seed", type=int, help="generate fresh data with this seed")
        p.add_argument("--scenario", help="baseline, peak_season, understaffed, improvement, ...")
        p.add_argument(
            "--short-abandon-s", type=float, metavar="SECONDS",
            help="calls abandoned in under this many seconds are short abandons, left out of "
            "calls offered (units 2 and 3; default 5, 0 counts every abandon)",
        )  # fmt: skip
        p.add_argument("-p", "--param", action="append", metavar="KEY=VALUE")

    r = sub.add_parser("run", help="execute units into the workbook's site (pages + notebooks)")
    notebook_options(r)
    r.add_argument("--edition", choices=("tutor", "learner"), help="default: both editions")
    r.add_argument("--out", default="build")
    r.add_argument("--show-code", action="store_true", help="keep code cells in the pages")
    r.add_argument("--pdf", action="store_true", help="also print each page to PDF (chromium)")
    r.set_defaults(func=cmd_run)

    e = sub.add_parser("edition", help="write the learner or tutor edition of a unit")
    notebook_options(e)
    which = e.add_mutually_exclusive_group(required=True)
    which.add_argument("--learner", action="store_true")
    which.add_argument("--tutor", action="store_true")
    e.add_argument("--out", required=True)
    e.add_argument("--force", action="store_true", help="replace edited files (backup kept)")
    e.set_defaults(func=cmd_edition)

    c = sub.add_parser("classpack", help="datasets, learner editions and answer keys for a class")
    c.add_argument("roster", help="CSV with learner_id and name columns")
    c.add_argument("--units", default="1-5", help="e.g. 1-5, or 2,3")
    c.add_argument("--scenario", default="baseline")
    c.add_argument("--out", required=True)
    c.add_argument("--jobs", type=int, default=None, help="parallel kernels (default: cores)")
    c.add_argument("--scheduler", help="Dask distributed scheduler address (tcp://host:8786)")
    c.add_argument("--force", action="store_true", help="replace edited files (backup kept)")
    c.add_argument("--quiet", action="store_true", help="no progress bar")
    c.set_defaults(func=cmd_classpack)

    m = sub.add_parser("mark", help="mark returned notebooks: gradebook, feedback, overview")
    m.add_argument("pack", help="the class pack folder (made by `svcworkbook classpack`)")
    m.add_argument("submissions", help="folder of returned notebooks (<learner_id>/NN_unit.ipynb)")
    m.add_argument("--out", required=True, help="where the gradebook and pages are written")
    m.add_argument("--jobs", type=int, default=None, help="parallel kernels (default: cores)")
    m.add_argument("--scheduler", help="Dask distributed scheduler address (tcp://host:8786)")
    m.add_argument(
        "--time-limit", type=float, default=300, help="seconds per notebook (default 300)"
    )
    m.add_argument("--quiet", action="store_true", help="no progress bar")
    m.set_defaults(func=cmd_mark)

    f = sub.add_parser("flashcards", help="export a unit's flashcards as an Anki deck")
    f.add_argument("--unit", type=int, required=True, choices=range(1, 6))
    f.add_argument("--out", required=True)
    f.set_defaults(func=cmd_flashcards)
    return parser


#: What to do about a file-system error, by errno name.
FILE_FIXES = {
    "ENOENT": "check the path: that file or folder does not exist",
    "EACCES": "you do not have permission there; choose a file or folder you can use",
    "EPERM": "the system does not allow that there; choose another file or folder",
    "EROFS": "that place is read-only; choose a folder you can write to",
    "EISDIR": "that is a folder where a file was expected; give a file's path",
    "ENOTDIR": "part of that path is a file, not a folder; check the path",
    "ENOSPC": "the disk is full; free some space or write somewhere else",
    "EEXIST": "something is already there; choose another name",
    "ENAMETOOLONG": "the name is too long; choose a shorter path",
    "ECONNREFUSED": "nothing answers at that address; check that the scheduler is running",
}


def file_problem(err: OSError) -> str:
    """One line for a file-system error: what failed, on which path, and the fix."""
    import errno as errno_names

    name = errno_names.errorcode.get(err.errno or 0, "")
    fix = FILE_FIXES.get(name, "check the path and try again")
    where = err.filename if err.filename is not None else "a file or connection"
    reason = err.strerror or type(err).__name__
    return f"{where}: {reason}. Fix: {fix}."


def main(argv: list[str] | None = None) -> int:
    """Run the command line; exit status 0 when it worked, 1 with a message when not.

    Every failure is one line naming the path or value and the fix; only with the environment
    variable SVCWORKBOOK_DEBUG=1 does an unexpected error show its traceback (for bug reports).
    """
    import os

    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except (Problem, DataError, ParameterError, ContentError, ValueError) as err:
        print(f"svcworkbook {args.command}: {err}", file=sys.stderr)
        return EXIT_PROBLEM
    except OSError as err:
        print(f"svcworkbook {args.command}: {file_problem(err)}", file=sys.stderr)
        return EXIT_PROBLEM
    except KeyboardInterrupt as err:
        print(f"svcworkbook {args.command}: {err or 'stopped (Ctrl-C).'}", file=sys.stderr)
        return 130
    except Exception as err:  # noqa: BLE001 - the last line of defence: no traceback for users
        if os.environ.get("SVCWORKBOOK_DEBUG"):
            raise
        print(
            f"svcworkbook {args.command}: unexpected error ({type(err).__name__}: {err}). This is "
            "a fault in svcworkbook, not in your input: please report it with the command you "
            "ran (SVCWORKBOOK_DEBUG=1 shows the details).",
            file=sys.stderr,
        )
        return EXIT_PROBLEM


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
