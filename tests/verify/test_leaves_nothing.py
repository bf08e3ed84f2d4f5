"""A check from Python leaves nothing in the user's folder: ``neuronnet.verify.check`` called
from a notebook keeps hypothesis's files (``.hypothesis/``) in a temporary folder of its own, and
hypothesis's setting is as it was after. A real process, in a fresh folder as its current
directory. (The command line: tests/verify/test_report.py,
test_a_check_writes_nothing_beside_the_checked_files.)"""
import subprocess
import sys
import textwrap

NETWORK = textwrap.dedent("""
    import numpy as np
    from reference import MLP

    def build(layer_sizes, activations, loss):
        return MLP(layer_sizes, activations, loss, rng=np.random.default_rng(0))
""")

FROM_PYTHON = NETWORK + textwrap.dedent("""
    from hypothesis.configuration import storage_directory
    from neuronnet.verify import check

    before = storage_directory(intent_to_write=False).home_directory
    report = check(build, names=["forward_and_loss_equal_the_reference"])
    assert report.passed, report.failures_text()
    assert storage_directory(intent_to_write=False).home_directory == before
    print("checked")
""")


def run(argv, cwd):
    return subprocess.run([sys.executable, *argv], capture_output=True, text=True, timeout=300,
                          cwd=cwd)


def test_check_from_python_leaves_no_hypothesis_folder(tmp_path):
    done = run(["-c", FROM_PYTHON], tmp_path)
    assert done.returncode == 0 and "checked" in done.stdout, done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == []

