"""Class packs: per-learner data, learner editions, answer keys, resume, no-overwrite, Dask."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from svcworkbook.data import loading
from svcworkbook.data.roster import learner_seed
from svcworkbook.errors import DataError, ParameterError
from svcworkbook.teaching import classpack
from svcworkbook.teaching.session import read_results
from svcworkbook.units.unit5_improvement import evaluation

NAMES = ("contacts", "surveys", "servqual")


def write_roster(path: Path, rows: list[tuple[str, str]]) -> Path:
    """A roster CSV with a header and one learner per row."""
    path.write_text("learner_id,name\n" + "".join(f"{i},{n}\n" for i, n in rows), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "text, units",
    [("1-5", (1, 2, 3, 4, 5)), ("2,3", (2, 3)), ("1-2,5", (1, 2, 5)), ("3,3", (3,))],
)
def test_units_are_read_from_ranges_and_lists(text, units):
    assert classpack.parse_units(text) == units


@pytest.mark.parametrize("text", ["0-2", "6", "two", ""])
def test_bad_units_name_the_allowed_range(text):
    with pytest.raises(ParameterError, match="units are numbered 1 to 5|use numbers like 1-5"):
        classpack.parse_units(text)


def test_manifest_knows_what_is_current(tmp_path):
    manifest = classpack.Manifest.read(tmp_path / "manifest.json")
    f = tmp_path / "a.txt"
    f.write_text("one")
    manifest.done("step", "abc", [f])
    again = classpack.Manifest.read(tmp_path / "manifest.json")
    assert again.is_current("step", "abc", [f])
    assert not again.is_current("step", "abd", [f])  # different inputs
    f.write_text("two")
    assert not again.is_current("step", "abc", [f])  # the file changed since
    f.unlink()
    assert not again.is_current("step", "abc", [f])  # the file is gone


def test_a_damaged_manifest_is_set_aside_not_trusted(tmp_path):
    path = tmp_path / "manifest.json"
    path.write_text("{not json")
    manifest = classpack.Manifest.read(path)
    assert manifest.entries == {}
    assert (tmp_path / "manifest.damaged.json").read_text() == "{not json"


def test_a_bad_roster_is_refused_before_any_work(tmp_path):
    roster = write_roster(tmp_path / "r.csv", [("a1", "Ann"), ("a1", "Bob"), ("x/y", "")])
    with pytest.raises(DataError) as err:
        classpack.build_classpack(roster, tmp_path / "pack", units=[5], progress=False)
    message = str(err.value)
    assert "repeats ids (a1) in rows 2, 3" in message
    assert "cannot be folder names in row 4" in message
    assert not (tmp_path / "pack").exists()


@pytest.mark.notebook
def test_a_class_pack_is_built_resumed_and_never_overwrites_edits(tmp_path):
    roster = write_roster(tmp_path / "class.csv", [("L01", "Amira Khan"), ("L02", "Ben Jones")])
    out = tmp_path / "pack"
    report = classpack.build_classpack(roster, out, units=[5], jobs=2, progress=False)
    assert report.failed == {}
    assert (report.generated, report.executed, report.editions_written) == (2, 2, 2)

    for learner in ("L01", "L02"):
        data = loading.load_folder(out / "learners" / learner / "data", datasets=("contacts",))
        # each learner's data is their own (seeded from the id) ...
        from svcworkbook.data import generators

        expected = generators.generate_all(seed=learner_seed(learner))["contacts"]
        assert len(data["contacts"]) == len(expected)
        # ... the learner edition points at it and has no worked answers ...
        edition = nbformat.read(out / "learners" / learner / "05_improving_service.ipynb", 4)
        sources = "\n".join(c.source for c in edition.cells)
        assert 'data_dir = "data"' in sources
        assert not any("solution" in c.metadata.get("tags", []) for c in edition.cells)
        # ... and the answer key ran on the same data
        key = out / "tutor" / learner / "05_improving_service.ipynb"
        assert key.exists() and (key.with_suffix(".html")).exists()
        assert f'"../../learners/{learner}/data"' in nbformat.read(key, 4).cells[2].source
        # ... and its recorded results are the library's on that learner's data
        recorded = read_results(key)
        mine = loading.load_folder(out / "learners" / learner / "data", datasets=NAMES)
        change = evaluation.resolve_change_date(
            None, {"data_dir": str(out / "learners" / learner / "data")}, mine["contacts"]
        )
        fcr = evaluation.compare_before_after(
            mine["contacts"], mine["surveys"], change, measures=("first_contact_resolution",)
        )["first_contact_resolution"]
        assert recorded["fcr_before"] == pytest.approx(fcr.before, rel=1e-12)
        assert recorded["fcr_after"] == pytest.approx(fcr.after, rel=1e-12)
        assert recorded["change_date"] == f"{change:%Y-%m-%d}"
    first, second = (
        read_results(out / "tutor" / f"L0{i}" / "05_improving_service.ipynb") for i in (1, 2)
    )
    assert first["fcr_before"] != second["fcr_before"]  # different data, different results

    index = (out / "index.html").read_text()
    assert "Amira Khan" in index and "tutor/L02/05_improving_service.html" in index

    # a rerun does nothing that is already done and current
    again = classpack.build_classpack(roster, out, units=[5], jobs=2, progress=False)
    assert (again.generated, again.executed, again.skipped) == (0, 0, 4)
    assert again.editions_written == 0  # nothing was written, so nothing is counted
    assert "learner editions written: 0" in "\n".join(again.lines())
    about = classpack.read_pack_about(out)
    assert about["units"] == [5] and about["learners"][0] == {
        "learner_id": "L01",
        "name": "Amira Khan",
    }

    # a learner's edited notebook is kept; --force replaces it and keeps a backup
    edited = out / "learners" / "L01" / "05_improving_service.ipynb"
    nb = nbformat.read(edited, 4)
    nb.cells.append(nbformat.v4.new_markdown_cell("My own notes"))
    nbformat.write(nb, edited)
    kept = classpack.build_classpack(roster, out, units=[5], jobs=1, progress=False)
    assert kept.kept == ["L01/05_improving_service.ipynb"]
    assert "My own notes" in edited.read_text()
    forced = classpack.build_classpack(roster, out, units=[5], jobs=1, progress=False, force=True)
    assert len(forced.backups) == 1
    assert "My own notes" in Path(forced.backups[0]).read_text()
    assert "My own notes" not in edited.read_text()

    manifest = json.loads((out / "manifest.json").read_text())["entries"]
    assert set(manifest) == {"data/L01", "data/L02", "key/L01/05", "key/L02/05"}


def _assert_keys_ran(pack: Path, learners: tuple[str, ...], unit_file: str) -> None:
    """Every learner's answer key exists and shows no error output."""
    for learner in learners:
        key = pack / "tutor" / learner / unit_file
        errors = [
            o
            for c in nbformat.read(key, 4).cells
            for o in c.get("outputs", [])
            if o.get("output_type") == "error"
        ]
        assert errors == [], f"{learner}: {errors[:1]}"


@pytest.mark.notebook
def test_answer_keys_run_and_work_is_marked_on_a_local_dask_cluster_with_two_threads(tmp_path):
    """One cluster (a worker with two threads) builds the pack, then marks what comes back."""
    import pandas as pd

    from svcworkbook.teaching import marking

    distributed = pytest.importorskip("distributed")
    roster = write_roster(tmp_path / "class.csv", [("D1", "Dee"), ("D2", "Dev")])
    unit1 = "01_service_environment.ipynb"
    pack, returned = tmp_path / "pack", tmp_path / "returned"
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=2, processes=True, dashboard_address=None
    ) as cluster:
        report = classpack.build_classpack(
            roster, pack, units=[1], scheduler=cluster.scheduler_address, progress=False
        )
        assert report.failed == {}
        assert (report.generated, report.executed) == (2, 2)
        _assert_keys_ran(pack, ("D1", "D2"), unit1)
        # both learners hand their notebooks back untouched: marked on the cluster's two threads
        for learner in ("D1", "D2"):
            (returned / learner).mkdir(parents=True)
            nbformat.write(
                nbformat.read(pack / "learners" / learner / unit1, 4), returned / learner / unit1
            )
        marked = marking.mark_class(
            pack, returned, tmp_path / "out", scheduler=cluster.scheduler_address, progress=False
        )
    assert (marked.marked, marked.failed, marked.stopped) == (2, {}, {})
    book = pd.read_csv(tmp_path / "out" / "gradebook.csv", keep_default_na=False)
    assert set(book["learner_id"]) == {"D1", "D2"}
    assert set(book["result"]) == {"not attempted"}  # returned untouched
    assert set(book["note"]) == {""}  # and every exercise was checked


def _stop_process_tree(proc) -> None:
    """Stop a process this test started, and every process it started (kernels included)."""
    import psutil

    try:
        family = psutil.Process(proc.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        family = []
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except Exception:
        proc.kill()
    for child in family:
        try:
            child.kill()
        except psutil.NoSuchProcess:
            pass


@pytest.mark.notebook
def test_answer_keys_run_on_a_real_dask_worker_with_two_threads(tmp_path):
    """`dask scheduler` and `dask worker --nthreads 2` as a college would start them."""
    import subprocess
    import sys
    import time

    pytest.importorskip("distributed")
    dask = Path(sys.executable).with_name("dask")
    if not dask.exists():
        pytest.skip("the dask command is not installed")
    address_file = tmp_path / "scheduler.json"
    logs = [open(tmp_path / f"{name}.log", "w") for name in ("scheduler", "worker")]  # noqa: SIM115
    scheduler = subprocess.Popen(
        [str(dask), "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
         "--scheduler-file", str(address_file)],
        stdout=logs[0], stderr=subprocess.STDOUT, cwd=tmp_path,
    )  # fmt: skip
    worker = None
    try:
        deadline = time.monotonic() + 60
        while not address_file.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert address_file.exists(), (tmp_path / "scheduler.log").read_text()
        address = json.loads(address_file.read_text())["address"]
        assert address.startswith("tcp://127.0.0.1:")
        worker = subprocess.Popen(
            [str(dask), "worker", address, "--nthreads", "2", "--nworkers", "1",
             "--host", "127.0.0.1", "--no-dashboard", "--death-timeout", "60"],
            stdout=logs[1], stderr=subprocess.STDOUT, cwd=tmp_path,
        )  # fmt: skip
        from distributed import Client

        with Client(address, timeout=60) as client:
            client.wait_for_workers(1, timeout=60)
            threads = sum(client.nthreads().values())
        assert threads == 2
        roster = write_roster(tmp_path / "class.csv", [("W1", "Wyn"), ("W2", "Wai")])
        report = classpack.build_classpack(
            roster, tmp_path / "pack", units=[1], scheduler=address, progress=False
        )
        assert report.failed == {}
        assert (report.generated, report.executed) == (2, 2)
        _assert_keys_ran(tmp_path / "pack", ("W1", "W2"), "01_service_environment.ipynb")
    finally:
        for proc in (worker, scheduler):
            if proc is not None:
                _stop_process_tree(proc)
        for log in logs:
            log.close()
