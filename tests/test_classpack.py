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
    assert "cannot be folder names in rows 4" in message
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


@pytest.mark.notebook
def test_answer_keys_can_run_on_a_dask_cluster(tmp_path):
    distributed = pytest.importorskip("distributed")
    roster = write_roster(tmp_path / "class.csv", [("D1", "Dee")])
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        report = classpack.build_classpack(
            roster,
            tmp_path / "pack",
            units=[5],
            scheduler=cluster.scheduler_address,
            progress=False,
        )
    assert report.failed == {}
    assert (report.generated, report.executed) == (1, 1)
    key = tmp_path / "pack" / "tutor" / "D1" / "05_improving_service.ipynb"
    assert not any(
        o.get("output_type") == "error"
        for c in nbformat.read(key, 4).cells
        for o in c.get("outputs", [])
    )
