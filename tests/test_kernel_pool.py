"""A warm kernel runs notebook after notebook with nothing carried over between them."""

from pathlib import Path

import nbformat
import pytest
import zmq

from svcworkbook.teaching.kernel_pool import NotebookFailed, WarmKernel

KERNELSPEC = {"name": "python3", "language": "python", "display_name": "Python 3"}


def notebook(*sources, parameters=None):
    """A notebook of code cells; the first tagged 'parameters' when parameters is given."""
    cells = [nbformat.v4.new_code_cell(s) for s in sources]
    if parameters is not None:
        params = nbformat.v4.new_code_cell(parameters)
        params.metadata["tags"] = ["parameters"]
        cells.insert(0, params)
    return nbformat.v4.new_notebook(cells=cells, metadata={"kernelspec": KERNELSPEC})


@pytest.fixture(scope="module")
def kernel():
    with WarmKernel(warm_up="import pandas") as k:
        yield k


def text_of(cell):
    return cell.outputs[0]["data"]["text/plain"]


def test_parameters_are_injected_and_outputs_kept(kernel, tmp_path):
    nb = notebook("seed * 2", parameters="seed = 1")
    out = kernel.execute(nb, tmp_path, {"seed": 21})
    assert [c.metadata.get("tags") for c in out.cells][:2] == [
        ["parameters"],
        ["injected-parameters"],
    ]
    assert text_of(out.cells[2]) == "42"
    assert out.cells[2].execution_count == 3


def test_nothing_carries_over_between_notebooks(kernel, tmp_path):
    kernel.execute(notebook("leftover = 'from the last learner'"), tmp_path)
    with pytest.raises(NotebookFailed, match="NameError: name 'leftover' is not defined") as err:
        kernel.execute(notebook("ok = 1", "leftover"), tmp_path)
    partly = err.value.notebook
    assert partly.cells[1].outputs[-1]["output_type"] == "error"


def test_each_notebook_runs_in_its_own_folder(kernel, tmp_path):
    (tmp_path / "a").mkdir()
    out = kernel.execute(notebook("import os\nos.getcwd()"), tmp_path / "a")
    assert text_of(out.cells[0]) == repr(str((tmp_path / "a").resolve()))


def test_the_kernel_is_reused(kernel, tmp_path):
    before = kernel.notebooks_run
    pid = text_of(kernel.execute(notebook("import os\nos.getpid()"), tmp_path).cells[0])
    again = text_of(kernel.execute(notebook("import os\nos.getpid()"), tmp_path).cells[0])
    assert pid == again and kernel.notebooks_run == before + 2


@pytest.mark.skipif(not zmq.has("ipc"), reason="this system has no IPC sockets (Windows)")
def test_the_kernel_talks_over_local_sockets_not_a_network_port(kernel):
    info = kernel.km.get_connection_info()
    assert info["transport"] == "ipc"
    # an IPC endpoint is a socket file in the user's runtime folder, not a port on an address
    socket = Path(f"{info['ip']}-{info['shell_port']}")
    assert socket.exists() and socket.is_absolute()


def test_kernels_started_together_never_share_a_socket():
    # parallel workers each start a kernel: the IPC socket names must differ between them
    first, second = WarmKernel(warm_up="1"), WarmKernel(warm_up="2")
    try:
        ends = [k.km.get_connection_info() for k in (first, second)]
        assert ends[0]["ip"] != ends[1]["ip"]
    finally:
        first.shutdown()
        second.shutdown()


def test_a_unit_in_a_kernel_freezes_the_libraries_once_and_never_its_data(kernel, tmp_path):
    # start_unit's settle_libraries: a full garbage collection then skips the ~190,000 objects
    # the imports made, and running the first cell again freezes nothing new (not the data; the
    # count may fall, as frozen objects that are no longer used are still freed)
    out = kernel.execute(
        notebook(
            "import gc\nfrom svcworkbook.teaching.session import start_unit\n"
            "wb = start_unit(4, datasets=('surveys',))\nfrozen = gc.get_freeze_count()\nfrozen",
            "wb = start_unit(4, datasets=('surveys',))\ngc.get_freeze_count() - frozen",
        ),
        tmp_path,
    )
    assert int(text_of(out.cells[0])) > 100_000
    assert int(text_of(out.cells[1])) <= 0
