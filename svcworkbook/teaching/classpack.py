"""Class packs: for every learner on a roster, their own dataset, learner editions of the chosen
units pointed at it, and the tutor's executed answer keys on the same data.

Layout of a class pack folder::

    index.html                      the tutor's page: one row per learner, links to everything
    pack.json                       the roster, units and scenario (what ``mark`` reads)
    manifest.json                   what was built from what (makes a rerun resumable)
    learners/<id>/data/*.csv        the learner's own dataset (seed from their id and scenario)
    learners/<id>/NN_unit.ipynb     learner editions (no worked answers), data_dir = "data"
    tutor/<id>/NN_unit.ipynb|.html  the answer keys, executed on the learner's data

Answer keys run in parallel on warm kernels (``kernel_pool.WarmKernel``): one kernel per worker
process, reused notebook after notebook, so Python, pandas and the library are imported once per
worker instead of once per notebook. ``scheduler=`` sends the same work to a Dask distributed
cluster instead; its workers must see the output folder (a shared drive) and have svcworkbook
installed.

A rerun skips every dataset and answer key whose inputs (notebook, parameters, data, library
version) are unchanged and whose files are still there; notebooks a learner may have edited are
never replaced unless ``force`` (then a backup is kept).
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from svcworkbook.errors import ParameterError

MANIFEST = "manifest.json"
PACK_ABOUT = "pack.json"
PACK_FORMAT = "svcworkbook-classpack"
UNITS = (1, 2, 3, 4, 5)


def parse_units(text: str | Iterable[int]) -> tuple[int, ...]:
    """Units from '1-5', '2,3' or '1-3,5' (or a list of numbers), in order, each once."""
    if not isinstance(text, str):
        values = [int(u) for u in text]
    else:
        values = []
        for part in (p.strip() for p in text.split(",")):
            match = re.fullmatch(r"(\d+)(?:\s*-\s*(\d+))?", part)
            if not match:
                raise ParameterError(f"--units {text!r}: use numbers like 1-5 or 2,3")
            first, last = int(match[1]), int(match[2] or match[1])
            values.extend(range(first, last + 1))
    bad = sorted({u for u in values if u not in UNITS})
    if bad or not values:
        raise ParameterError(f"--units {text!r}: units are numbered 1 to 5 (got {bad or 'none'})")
    return tuple(dict.fromkeys(values))


def file_digest(path: Path) -> str:
    """SHA-256 of a file's bytes (hex)."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def fingerprint(*parts: Any) -> str:
    """A short SHA-256 over JSON-encoded parts: equal inputs give equal fingerprints."""
    text = json.dumps(parts, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass
class Manifest:
    """What a class pack holds, saved after every finished step so a rerun can resume."""

    path: Path
    entries: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def read(cls, path: Path) -> Manifest:
        """The manifest at path (empty if none; a damaged one is set aside and ignored)."""
        if not path.exists():
            return cls(path)
        try:
            entries = json.loads(path.read_text(encoding="utf-8"))["entries"]
        except (ValueError, KeyError, TypeError):
            path.replace(path.with_suffix(".damaged.json"))
            return cls(path)
        return cls(path, entries)

    def is_current(self, key: str, stamp: str, files: Iterable[Path]) -> bool:
        """Whether step key was done with this fingerprint and its files are unchanged."""
        entry = self.entries.get(key)
        if not entry or entry.get("fingerprint") != stamp or entry.get("error"):
            return False
        digests = entry.get("files", {})
        for f in files:
            if not f.exists() or digests.get(f.name) != file_digest(f):
                return False
        return True

    def done(self, key: str, stamp: str, files: Iterable[Path], error: str | None = None) -> None:
        """Record step key as done (or failed) and save the manifest atomically."""
        self.entries[key] = {
            "fingerprint": stamp,
            "files": {f.name: file_digest(f) for f in files if f.exists()},
            "error": error,
        }
        tmp = self.path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"entries": self.entries}, indent=1), encoding="utf-8")
        tmp.replace(self.path)


# --- the work for one learner ------------------------------------------------------------------


def learner_data_dir(out: Path, learner_id: str) -> Path:
    """Folder of a learner's own dataset."""
    return out / "learners" / learner_id / "data"


def answer_key_path(out: Path, learner_id: str, source: Path) -> Path:
    """The executed tutor edition of a unit on a learner's own data (their answer key)."""
    return out / "tutor" / learner_id / source.name


def write_learner_data(folder: str, seed: int, scenario: str) -> dict[str, str]:
    """Generate a learner's dataset into folder as CSV; file name -> SHA-256 of each file."""
    from svcworkbook.data import generators
    from svcworkbook.data.loading import write_about

    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    digests = {}
    for name, frame in generators.generate_all(seed=seed, scenario=scenario).items():
        path = target / f"{name}.csv"
        tmp = path.with_suffix(".csv.tmp")
        frame.to_csv(tmp, index=False, date_format="%Y-%m-%d %H:%M:%S")
        tmp.replace(path)
        digests[path.name] = file_digest(path)
    write_about(target, seed, scenario)
    return digests


def execute_answer_key(task: dict[str, Any]) -> dict[str, Any]:
    """Execute one tutor answer key on a warm kernel; write .ipynb and .html; report any error.

    ``task`` holds plain values (it may cross to another process or a Dask worker): source,
    out_dir, parameters.
    """
    import nbformat

    from svcworkbook.teaching.editions import make_edition
    from svcworkbook.teaching.kernel_pool import NotebookFailed, thread_kernel
    from svcworkbook.teaching.runner import export_html

    source, out_dir = Path(task["source"]), Path(task["out_dir"])
    out_dir.mkdir(parents=True, exist_ok=True)
    nb = make_edition(nbformat.read(str(source), as_version=4), "tutor", task["parameters"])
    error = None
    try:
        executed = thread_kernel().execute(nb, cwd=out_dir)
    except NotebookFailed as err:
        executed, error = err.notebook, str(err)
    ipynb = out_dir / source.name
    tmp = ipynb.with_suffix(".ipynb.tmp")
    nbformat.write(executed, str(tmp))
    tmp.replace(ipynb)
    export_html(ipynb, out_dir / f"{source.stem}.html")
    return {"key": task["key"], "error": error}


def generate_data_task(task: dict[str, Any]) -> dict[str, Any]:
    """Worker entry point for one learner's dataset."""
    write_learner_data(task["folder"], task["seed"], task["scenario"])
    return {"key": task["key"], "error": None}


def run_task(task: dict[str, Any]) -> dict[str, Any]:
    """Run a data or answer-key task; errors are returned, not raised, so the pack carries on."""
    try:
        if task["kind"] == "data":
            return generate_data_task(task)
        return execute_answer_key(task)
    except Exception as err:  # reported in the pack's summary and index page
        return {"key": task["key"], "error": f"{type(err).__name__}: {err}"}


# --- running tasks ----------------------------------------------------------------------------


def dask_client() -> tuple[Any, Any]:
    """Dask's ``Client`` and ``as_completed``, or a one-line ParameterError saying what to install.

    ``distributed`` is the optional ``cluster`` extra: only tutors with a Dask cluster need it.
    """
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise ParameterError(
            "--scheduler needs Dask's distributed package: pip install 'svcworkbook[cluster]'"
        ) from None
    return Client, as_completed


def run_tasks(
    tasks: list[dict[str, Any]],
    jobs: int,
    scheduler: str | None,
    on_done: Callable[[dict[str, Any]], None],
    function: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
) -> None:
    """Run function(task) (default run_task) for every task in parallel processes, or on a Dask
    cluster; on_done(result) as each finishes."""
    function = function or run_task
    if not tasks:
        return
    if scheduler:
        Client, as_completed = dask_client()
        with Client(scheduler) as client:
            futures = client.map(function, tasks, pure=False)
            for future in as_completed(futures):
                on_done(future.result())
        return
    if jobs <= 1:
        for task in tasks:
            on_done(function(task))
        return
    from svcworkbook.teaching.pack_safety import run_in_processes

    run_in_processes(function, tasks, jobs, on_done)


# --- the pack ---------------------------------------------------------------------------------


@dataclass
class PackReport:
    """What a class pack run did: counts, kept files and failures, for the tutor."""

    out: Path
    learners: int = 0
    generated: int = 0
    executed: int = 0
    skipped: int = 0
    editions_written: int = 0
    kept: list[str] = field(default_factory=list)
    kept_data: list[str] = field(default_factory=list)
    backups: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)

    def lines(self) -> list[str]:
        """A short summary for the terminal."""
        lines = [
            f"Class pack for {self.learners} learners in {self.out}:",
            f"  datasets generated: {self.generated}, answer keys executed: {self.executed}, "
            f"already done and current: {self.skipped}, learner editions written: "
            f"{self.editions_written}",
        ]
        if self.kept:
            lines.append(
                f"  kept {len(self.kept)} notebook(s) a learner may have edited (use --force to "
                "replace them; a backup is kept): " + ", ".join(self.kept[:5])
            )
        if self.kept_data:
            lines.append(
                f"  kept the edited data of {len(self.kept_data)} learner(s) (use --force to "
                "regenerate it; a backup is kept): " + ", ".join(self.kept_data[:5])
            )
        if self.backups:
            lines.append(f"  backed up {len(self.backups)} replaced notebook(s) or data folder(s)")
        for key, error in self.failed.items():
            lines.append(f"  FAILED {key}: {error}")
        lines.append(f"Open {(self.out / 'index.html').resolve()}")
        return lines


def _relative(path: Path, start: Path) -> str:
    """path relative to start, with forward slashes (works in notebooks on any system)."""
    return Path(os.path.relpath(path, start)).as_posix()


def build_classpack(
    roster_path: Path,
    out: Path,
    units: Iterable[int] = UNITS,
    scenario: str = "baseline",
    jobs: int | None = None,
    scheduler: str | None = None,
    force: bool = False,
    progress: bool = True,
) -> PackReport:
    """Build (or bring up to date) a class pack in out; see the module docstring for the layout.

    One run at a time per folder (a second stops at once, naming the first); Ctrl-C stops the
    queued work and says what finished (it is recorded in the manifest, so a rerun resumes).
    """
    from svcworkbook.data.roster import read_roster
    from svcworkbook.teaching.pack_safety import PackInterrupted, pack_lock

    read_roster(roster_path)  # a bad roster is reported before the folder is touched
    if scheduler:
        dask_client()  # so is a missing cluster extra
    report = PackReport(out=out)
    with pack_lock(out):
        try:
            _fill_classpack(report, roster_path, out, units, scenario, jobs, scheduler, force,
                            progress)  # fmt: skip
        except KeyboardInterrupt:
            raise PackInterrupted(
                f"stopped (Ctrl-C): {report.generated} dataset(s) and {report.executed} answer "
                f"key(s) finished and are recorded in {out / MANIFEST}; run the same command "
                "again to do the rest."
            ) from None
    return report


def _fill_classpack(
    report: PackReport, roster_path: Path, out: Path, units: Iterable[int], scenario: str,
    jobs: int | None, scheduler: str | None, force: bool, progress: bool,
) -> None:  # fmt: skip
    """The work of build_classpack, counted in report as it goes."""
    import svcworkbook
    from svcworkbook.data.generators import SCENARIOS
    from svcworkbook.data.roster import learner_seed, read_roster
    from svcworkbook.teaching import editions, runner
    from svcworkbook.teaching.pack_safety import backup_folder, data_decision

    roster = read_roster(roster_path)
    units = parse_units(list(units))
    if scenario not in SCENARIOS:
        raise ParameterError(
            f"unknown scenario {scenario!r}; choose one of: {', '.join(SCENARIOS)}"
        )
    if jobs is not None and jobs < 1:
        raise ParameterError(f"--jobs must be 1 or more, got {jobs}")
    jobs = jobs or max(1, min(os.cpu_count() or 1, len(roster) * len(units)))
    if scheduler:
        dask_client()  # before any work: say at once if the cluster extra is missing
    notebooks = {u: runner.resolve_notebook(u) for u in units}
    out.mkdir(parents=True, exist_ok=True)
    write_pack_about(out, roster, units, scenario)
    manifest = Manifest.read(out / MANIFEST)
    report.learners = len(roster)
    version = svcworkbook.__version__

    data_tasks, key_tasks = [], []
    data_stamp: dict[str, str] = {}
    for learner_id in roster["learner_id"]:
        seed = learner_seed(learner_id, scenario)
        folder = learner_data_dir(out, learner_id)
        stamp = fingerprint("data", seed, scenario, version)
        files = [folder / f"{name}.csv" for name in _dataset_names()]
        data_stamp[learner_id] = stamp
        decision = data_decision(manifest.entries.get(f"data/{learner_id}"), stamp, files, force)
        if decision == "current":
            report.skipped += 1
        elif decision == "keep":
            report.kept_data.append(learner_id)
            if f"data/{learner_id}" not in manifest.entries:  # a folder the pack did not write
                manifest.done(f"data/{learner_id}", stamp, files)
        else:
            if decision == "backup":
                report.backups.append(str(backup_folder(folder)))
            data_tasks.append(
                {
                    "kind": "data",
                    "key": f"data/{learner_id}",
                    "folder": str(folder),
                    "seed": seed,
                    "scenario": scenario,
                    "stamp": stamp,
                    "files": [str(f) for f in files],
                }
            )

    bar = _progress_bar(len(data_tasks), "datasets", progress)

    def data_done(result: dict[str, Any]) -> None:
        task = next(t for t in data_tasks if t["key"] == result["key"])
        files = [Path(f) for f in task["files"]]
        manifest.done(result["key"], task["stamp"], files, result["error"])
        if result["error"]:
            report.failed[result["key"]] = result["error"]
        else:
            report.generated += 1
        bar.update(1)

    run_tasks(data_tasks, jobs, scheduler, data_done)
    bar.close()

    for learner_id in roster["learner_id"]:
        if f"data/{learner_id}" in report.failed:
            continue
        learner_dir = out / "learners" / learner_id
        data_digest = manifest.entries[f"data/{learner_id}"]["files"]
        for unit, source in notebooks.items():
            params = {"data_dir": "data", "learner": learner_id}
            target = learner_dir / source.name
            edition = editions.make_edition(_read(source), "learner", params)
            try:
                unchanged = target.exists() and editions.same_notebook(edition, target)
                backup = editions.write_notebook(edition, target, force=force)
                if not unchanged:
                    report.editions_written += 1
                if backup is not None:
                    report.backups.append(str(backup))
            except editions.WouldOverwrite:
                report.kept.append(f"{learner_id}/{source.name}")
            key_dir = answer_key_path(out, learner_id, source).parent
            key_params = {
                "data_dir": _relative(learner_dir / "data", key_dir),
                "learner": learner_id,
                "edition": "tutor",
            }
            stamp = fingerprint(
                "key", file_digest(source), key_params, data_digest, data_stamp[learner_id]
            )
            key = f"key/{learner_id}/{unit:02d}"
            files = [key_dir / source.name, key_dir / f"{source.stem}.html"]
            if manifest.is_current(key, stamp, files):
                report.skipped += 1
                continue
            key_tasks.append(
                {
                    "kind": "key",
                    "key": key,
                    "source": str(source),
                    "out_dir": str(key_dir),
                    "parameters": key_params,
                    "stamp": stamp,
                    "files": [str(f) for f in files],
                }
            )

    bar = _progress_bar(len(key_tasks), "answer keys", progress)

    def key_done(result: dict[str, Any]) -> None:
        task = next(t for t in key_tasks if t["key"] == result["key"])
        manifest.done(
            result["key"], task["stamp"], [Path(f) for f in task["files"]], result["error"]
        )
        if result["error"]:
            report.failed[result["key"]] = result["error"]
        else:
            report.executed += 1
        bar.update(1)

    run_tasks(key_tasks, jobs, scheduler, key_done)
    bar.close()
    write_pack_index(out, roster, notebooks, manifest, scenario)
    return report


def write_pack_about(out: Path, roster, units: Iterable[int], scenario: str) -> Path:
    """Write pack.json: the roster (ids and names), units and scenario, for marking later."""
    about = {
        "format": PACK_FORMAT,
        "scenario": scenario,
        "units": list(units),
        "learners": [
            {"learner_id": i, "name": n}
            for i, n in zip(roster["learner_id"], roster["name"], strict=True)
        ],
    }
    path = out / PACK_ABOUT
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(about, indent=1, ensure_ascii=False), encoding="utf-8")
    tmp.replace(path)
    return path


def read_pack_about(out: Path) -> dict[str, Any]:
    """The pack's pack.json (roster, units, scenario); ParameterError if the folder is no pack."""
    path = Path(out) / PACK_ABOUT
    try:
        about = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ParameterError(
            f"{out} is not a class pack made by this version (no {PACK_ABOUT}); run "
            "`svcworkbook classpack ROSTER --out PACK` again on it (nothing done is redone)"
        ) from None
    except ValueError as err:
        raise ParameterError(f"{path} is damaged ({err}); rerun `svcworkbook classpack`") from None
    if not isinstance(about, dict) or about.get("format") != PACK_FORMAT:
        raise ParameterError(
            f"{path} is not a class pack description; rerun `svcworkbook classpack`"
        )
    return about


def _dataset_names() -> tuple[str, ...]:
    """The datasets a learner's folder holds."""
    from svcworkbook.data.generators import DATASETS

    return DATASETS


def _read(path: Path):
    """A notebook file as a NotebookNode."""
    import nbformat

    return nbformat.read(str(path), as_version=4)


def _progress_bar(total: int, what: str, enabled: bool):
    """A tqdm progress bar on standard error (a silent one when disabled or nothing to do)."""
    from tqdm.auto import tqdm

    return tqdm(
        total=total,
        desc=what,
        unit="nb" if "key" in what else "set",
        disable=not enabled or total == 0,
    )


def write_pack_index(
    out: Path, roster, notebooks: dict[int, Path], manifest: Manifest, scenario: str
) -> Path:
    """Write the tutor's index.html: per learner, the learner editions and answer keys."""
    head = "".join(f"<th>Unit {u}</th>" for u in notebooks)
    rows = []
    for learner_id, name in zip(roster["learner_id"], roster["name"], strict=True):
        cells = []
        for unit, source in notebooks.items():
            entry = manifest.entries.get(f"key/{learner_id}/{unit:02d}", {})
            key_html = f"tutor/{learner_id}/{source.stem}.html"
            edition = f"learners/{learner_id}/{source.name}"
            status = (
                ""
                if not entry.get("error")
                else (f"<br><strong>stopped:</strong> {html.escape(entry['error'])}")
            )
            cells.append(
                f'<td><a href="{html.escape(key_html)}">answer key</a> · '
                f'<a href="{html.escape(edition)}">learner edition</a>{status}</td>'
            )
        rows.append(
            f"<tr><td>{html.escape(name)}</td><td>{html.escape(learner_id)}</td>"
            f'<td><a href="learners/{html.escape(learner_id)}/data/">data</a></td>'
            f"{''.join(cells)}</tr>"
        )
    page = (
        "<!DOCTYPE html>\n<html lang='en-GB'><head><meta charset='utf-8'>"
        "<title>Class pack</title><style>body{font-family:system-ui,sans-serif;margin:2rem;"
        "line-height:1.5}table{border-collapse:collapse}td,th{border-bottom:1px solid #ccc;"
        "padding:.4rem;text-align:left}</style></head><body><h1>Class pack</h1>"
        f"<p>Scenario: {html.escape(scenario)}. Each learner has their own dataset (seed from "
        "their id), learner editions without worked answers, and an answer key executed on "
        "the same data.</p>"
        f"<table><thead><tr><th>Learner</th><th>Id</th><th>Data</th>{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></body></html>\n"
    )
    index = out / "index.html"
    index.write_text(page, encoding="utf-8")
    return index
