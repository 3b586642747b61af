"""The chart style in a real kernel: every chart still shown once, drawn once instead of twice."""

from __future__ import annotations

import nbformat
import pytest

from svcworkbook.teaching import runner

COUNT_DRAWS = """
import matplotlib.figure
draws = []
_draw = matplotlib.figure.Figure.draw
def counting_draw(self, renderer):
    draws.append(type(renderer).__name__)
    return _draw(self, renderer)
matplotlib.figure.Figure.draw = counting_draw
"""


def run_charts(tmp_path, once: bool) -> tuple[list[int], list[str]]:
    """Execute two charts in a kernel; (images shown per cell, renderers each draw used)."""
    v4 = nbformat.v4
    style = "from svcworkbook.report import style\nstyle.set_style()"
    if not once:  # the style without the change: pyplot's hook left in place
        style = "import seaborn as sns\nsns.set_theme(style='whitegrid')"
    cells = [
        v4.new_code_cell(COUNT_DRAWS),
        v4.new_code_cell(style),
        v4.new_code_cell("import matplotlib.pyplot as plt\nplt.plot([1, 2, 3], [3, 1, 2]);"),
        v4.new_code_cell("fig, ax = plt.subplots()\nax.bar(['a', 'b'], [2, 5]);"),
        v4.new_code_cell("print(draws)"),
    ]
    nb = v4.new_notebook(
        cells=cells,
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        },
    )
    source, out = tmp_path / f"charts_{once}.ipynb", tmp_path / f"charts_{once}_run.ipynb"
    nbformat.write(nb, source)
    runner.execute(source, out)
    executed = nbformat.read(out, as_version=4)
    images = [
        sum("image/png" in o.get("data", {}) for o in cell.outputs) for cell in executed.cells
    ]
    printed = executed.cells[-1].outputs[0]["text"]
    return images, eval(printed)  # a list of renderer class names, printed by the kernel


@pytest.mark.notebook
def test_each_chart_is_shown_once_and_drawn_once_not_twice(tmp_path):
    images, draws = run_charts(tmp_path, once=True)
    assert images == [0, 0, 1, 1, 0]
    images_before, draws_before = run_charts(tmp_path, once=False)
    assert images_before == [0, 0, 1, 1, 0]
    # pyplot's display hook drew each figure once more (a full Agg render thrown away)
    assert len(draws_before) - len(draws) == 2
    assert draws_before.count("RendererAgg") - draws.count("RendererAgg") == 2


def test_outside_a_kernel_the_style_changes_no_hook():
    from svcworkbook.report import style

    assert style.draw_each_chart_once() is False  # the tests' Agg backend: nothing to unhook
