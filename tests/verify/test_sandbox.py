"""The rules of the submission's process (neuronnet/verify/sandbox.py), seen from the checker's
report: what a checked file does at import is refused with PermissionError (an import: an
ImportError), and the file is then "not checked", in one line; what a network may do is not."""
import json
import textwrap
from pathlib import Path

import pytest

from neuronnet.app.cli import main

NETWORK = """

import numpy as np


class Net:
    def __init__(self, sizes):
        self.p = [np.zeros((b, a)) if k == 0 else np.zeros(b)
                  for a, b in zip(sizes, sizes[1:]) for k in (0, 1)]

    def set_parameters(self, params):
        self.p = [np.array(q, dtype=float) for q in params]

    def forward(self, X):
        return X @ self.p[0].T + self.p[1]

    def loss(self, X, Y):
        return 0.5 * np.sum((self.forward(X) - Y) ** 2) / len(X)

    def gradient(self, X, Y):
        delta = (self.forward(X) - Y) / len(X)
        return [delta.T @ X, delta.sum(axis=0)]


def build(layer_sizes, activations, loss):
    if len(layer_sizes) != 2 or activations != ["identity"] or loss != "half_mse":
        raise NotImplementedError
    return Net(layer_sizes)
"""
REFERENCE_FILE = Path(__file__).resolve().parents[2] / "reference" / "mlp.py"


def checked(capfd, tmp_path, top, *extra):
    path = tmp_path / "student.py"
    path.write_text(textwrap.dedent(top) + NETWORK)
    status = main(["check", str(path), "--json", "--property",
                   "forward_and_loss_equal_the_reference", *extra])
    return status, json.loads(capfd.readouterr().out)


@pytest.mark.parametrize("top", [
    "import os\nos.fork()",
    "import subprocess\nsubprocess.run(['true'])",
    "import os\nos.system('true')",
    "import os, signal\nos.kill(os.getppid(), signal.SIGCONT)",
    "import os\nopen(f'/proc/{os.getppid()}/cmdline').read()",
    "import ctypes\nctypes.CDLL(None).getpid()",
    "import gc\ngc.get_objects()",
], ids=["fork", "subprocess", "system", "signal", "proc", "ctypes", "gc"])
def test_what_could_reach_the_checker_is_refused(top, tmp_path, capfd):
    status, report = checked(capfd, tmp_path, top)
    assert status == 1 and not report["results"]
    assert "PermissionError" in report["error"], report["error"]


@pytest.mark.parametrize("top", [
    "import os\nos.kill(os.getpid(), 0)",                      # itself
    "open(f'/proc/self/status').read()",
    "import threading\nthreading.Thread(target=print).start()",
])
def test_what_a_network_may_do_is_not(top, tmp_path, capfd):
    status, report = checked(capfd, tmp_path, top)
    assert status == 0 and report["passed"], report["error"]


def test_while_grading_a_forbidden_module_cannot_be_read_by_its_path(tmp_path, capfd):
    status, report = checked(capfd, tmp_path, f"open({str(REFERENCE_FILE)!r}).read()", "--grade")
    assert status == 1 and "reference" in report["error"], report["error"]
    assert "ForbiddenImport" in report["error"]


def test_while_grading_files_are_written_only_in_the_processs_own_folder(tmp_path, capfd):
    outside = tmp_path / "grades.csv"
    status, report = checked(capfd, tmp_path, f"open({str(outside)!r}, 'w').write('1')",
                             "--grade")
    assert status == 1 and "PermissionError" in report["error"], report["error"]
    assert not outside.exists()
    status, report = checked(capfd, tmp_path, (
        "import os, tempfile\n"
        "with open(os.path.join(tempfile.gettempdir(), 'scratch.txt'), 'w') as f:\n"
        "    f.write('notes')"), "--grade")
    assert report["error"] is None, report["error"]


def test_without_grade_a_network_may_write_files(tmp_path, capfd):
    outside = tmp_path / "log.txt"
    status, report = checked(capfd, tmp_path, f"open({str(outside)!r}, 'w').write('1')")
    assert status == 0 and outside.read_text() == "1"
