"""Finding, checking and executing the workbook's notebooks; HTML export and the index page."""

import json
import sys
from pathlib import Path

import nbformat
import pytest

from svcworkbook.errors import ParameterError
from svcworkbook.teaching import runner


def test_notebooks_are_found_in_unit_order():
    names = [p.stem for p in runner.unit_notebooks()]
    assert names == [
        "00_start_here",
        "01_service_environment",
        "02_reliable_delivery",
        "03_managing_operations",
        "04_reviewing_delivery",
        "05_improving_service",
    ]


@pytest.mark.parametrize(
    "spec, stem",
    [
        (2, "02_reliable_delivery"),
        ("02", "02_reliable_delivery"),
        ("reliable_delivery", "02_reliable_delivery"),
        ("reliable-delivery", "02_reliable_delivery"),
        ("0", "00_start_here"),
        ("05_improving_service", "05_improving_service"),
    ],
)
def test_a_unit_can_be_named_by_number_or_slug(spec, stem):
    assert runner.resolve_notebook(spec).stem == stem


def test_an_unknown_unit_lists_the_choices():
    with pytest.raises(
        ParameterError, match="unknown unit '9'; choose a number 0-5 or one of: 00_"
    ):
        runner.resolve_notebook("9")


def test_parameters_are_read_from_the_parameters_cell():
    declared = runner.notebook_parameters(runner.resolve_notebook(2))
    assert declared["scenario"] == '"baseline"'
    assert declared["answer_within_s"] == "20"
    assert {"data_dir", "seed", "edition", "learner", "home"} <= set(declared)


def test_unknown_parameter_names_are_refused_before_running():
    path = runner.resolve_notebook(1)
    with pytest.raises(ParameterError) as err:
        runner.check_parameters(path, {"sead": 3})
    assert "01_service_environment.ipynb has no parameter(s) sead" in str(err.value)
    assert "seed" in str(err.value)


def test_the_kernel_is_this_python(monkeypatch):
    monkeypatch.setenv("JUPYTER_PATH", "")
    from jupyter_client.kernelspec import KernelSpecManager

    name = runner.project_kernel()
    spec = KernelSpecManager().get_kernel_spec(name)
    assert spec.argv[0] == sys.executable


def test_index_links_every_page_and_names_failures(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Unit 9: <Test>")])
    src = tmp_path / "09_test.ipynb"
    nbformat.write(nb, src)
    ok = runner.Executed(src, tmp_path / "09_test.ipynb", tmp_path / "09_test.html")
    bad = runner.Executed(src, src, tmp_path / "x.html", error="DataError: contacts.csv <bad>")
    index = runner.write_index([ok, bad], tmp_path).read_text()
    assert 'href="09_test.html"' in index and "Unit 9: &lt;Test&gt;" in index
    assert "stopped: DataError: contacts.csv &lt;bad&gt;" in index


def test_export_html_embeds_images_and_hides_code(tmp_path):
    png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
    cell = nbformat.v4.new_code_cell("secret_code_line = 1")
    cell.outputs = [nbformat.v4.new_output("display_data", data={"image/png": png})]
    path = tmp_path / "n.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[cell]), path)
    hidden = runner.export_html(path, tmp_path / "hidden.html").read_text()
    shown = runner.export_html(path, tmp_path / "shown.html", hide_code=False).read_text()
    assert f"data:image/png;base64,{png}" in hidden
    assert "secret_code_line" not in hidden and "secret_code_line" in shown


def test_first_error_reads_the_error_output(tmp_path):
    cell = nbformat.v4.new_code_cell("x")
    cell.outputs = [
        nbformat.v4.new_output("error", ename="DataError", evalue="contacts.csv: bad", traceback=[])
    ]
    path = tmp_path / "e.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[cell]), path)
    assert runner.first_error(path) == "DataError: contacts.csv: bad"
    assert (
        runner.first_error(Path(__file__).parents[1] / "notebooks" / "00_start_here.ipynb") is None
    )


def test_committed_notebooks_keep_outputs_only_where_tagged():
    for path in runner.unit_notebooks():
        nb = json.loads(path.read_text())
        tags = [c.get("metadata", {}).get("tags", []) for c in nb["cells"]]
        assert sum("parameters" in t for t in tags) == 1, path.name
        first_code = next(c for c in nb["cells"] if c["cell_type"] == "code")
        assert "parameters" in first_code["metadata"].get("tags", []), path.name
        for cell, cell_tags in zip(nb["cells"], tags, strict=True):
            if cell["cell_type"] == "code" and "nbval-check-output" not in cell_tags:
                assert cell["outputs"] == [], f"{path.name}: stray outputs"
                assert cell["execution_count"] is None, f"{path.name}: execution count left"
            elif cell["cell_type"] == "code":
                # nbval compares only cells it takes as run: stored outputs and a count.
                assert cell["outputs"], f"{path.name}: checked cell has no reference output"
                assert cell["execution_count"], f"{path.name}: checked cell would be skipped"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("seed=7", ("seed", 7)),
        ("csat_target=0.85", ("csat_target", 0.85)),
        ("organisation=Acme Ltd", ("organisation", "Acme Ltd")),
        ("data_dir=null", ("data_dir", None)),
        ("learner=", ("learner", "")),
        ("seed=None", ("seed", None)),
        ("organisation={x", ("organisation", "{x")),
        ("organisation=Yes", ("organisation", "Yes")),  # YAML 1.1 would make it True
        ("organisation=On Time Ltd", ("organisation", "On Time Ltd")),
        ("organisation=No", ("organisation", "No")),
        ("change_date=2026-02-16", ("change_date", "2026-02-16")),
        ("edition=tutor", ("edition", "tutor")),
        ("show=false", ("show", False)),
        (
            "brand_values={dependable: [phone, delivery], friendly: chat}",
            ("brand_values", {"dependable": ["phone", "delivery"], "friendly": "chat"}),
        ),
        ('brand_values={"quick": ["email"]}', ("brand_values", {"quick": ["email"]})),
        ("teams=[billing, orders]", ("teams", ["billing", "orders"])),
        ("dates={start: 2026-01-05}", ("dates", {"start": "2026-01-05"})),
    ],
)
def test_command_line_parameters_are_typed(text, expected):
    assert runner.parse_parameter(text) == expected


@pytest.mark.parametrize("text", ["seed", "=3", "two words=1"])
def test_malformed_command_line_parameters_are_refused(text):
    with pytest.raises(ParameterError, match="KEY=VALUE"):
        runner.parse_parameter(text)


@pytest.mark.parametrize(
    "params, message",
    [
        ({"csat_target": 80}, "give rates as fractions"),
        ({"edition": "student"}, "edition must be one of"),
        ({"sead": 1}, "has no parameter(s) sead"),
        ({"answer_within_s": -5}, "greater than 0"),
    ],
)
def test_parameter_values_are_checked_before_running(params, message):
    path = runner.resolve_notebook(3 if "csat_target" in params else 2)
    with pytest.raises(ParameterError) as err:
        runner.validate_parameters(path, params)
    assert message in str(err.value)


def test_good_parameters_pass_validation():
    runner.validate_parameters(runner.resolve_notebook(2), {"seed": 4, "shrinkage": 0.3})
    runner.validate_parameters(runner.resolve_notebook(0), {"learner": "ada"})
