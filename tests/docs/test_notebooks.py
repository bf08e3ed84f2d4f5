"""The notebooks in notebooks/ run top to bottom without an error (executed with nbclient,
each within a minute, from its own folder), and are stored without outputs, so that their
diffs stay readable."""
import time
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

FOLDER = Path(__file__).resolve().parents[2] / "notebooks"
NOTEBOOKS = sorted(FOLDER.glob("*.ipynb"))
LIMIT = 60   # seconds per notebook


def test_there_are_the_four_notebooks():
    assert [p.name[:2] for p in NOTEBOOKS] == ["01", "02", "03", "04"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_a_notebook_is_stored_without_outputs(path):
    book = nbformat.read(path, as_version=4)
    for cell in book.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, \
                f"{path.name}: strip the outputs before committing"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_a_notebook_runs_top_to_bottom(path):
    book = nbformat.read(path, as_version=4)
    started = time.perf_counter()
    nbclient.NotebookClient(book, timeout=LIMIT, kernel_name="python3",
                            resources={"metadata": {"path": str(FOLDER)}}).execute()
    seconds = time.perf_counter() - started
    assert seconds < LIMIT, f"{path.name} took {seconds:.0f} s"
    print(f"{path.name}: {seconds:.1f} s")
