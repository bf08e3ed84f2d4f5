"""What ``neuronnet check`` reports, beyond pass and fail: the same report for the same seed on
a fast machine and a slow one, the weights an overflow was found at, hints, skipped
properties, and nothing left behind in the user's folders."""
import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from models import BUILDS
from neuronnet.app.cli import main
from neuronnet.pitfalls.catalogue import get
from neuronnet.verify import check
from neuronnet.verify import run as checker
from neuronnet.verify.checks.compare import Mismatch
from neuronnet.verify.limits import SHRINK_CALLS, SHRINK_CEILING
from neuronnet.verify.plain import to_plain

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
GRADIENT = "gradient_equals_the_reference"


class NoMean:
    """The reference with its gradient summed over the batch instead of averaged: a bug whose
    smallest example takes many runs of the property to shrink to."""

    def __init__(self, net):
        self.net = net

    def __getattr__(self, name):
        return getattr(self.net, name)

    def gradient(self, X, Y):
        return [g * len(X) for g in self.net.gradient(X, Y)]


def no_mean(layer_sizes, activations, loss):
    return NoMean(BUILDS["reference"](layer_sizes, activations, loss))


class SlowClock:
    """``time`` for the checker, on a machine where each reading is ``step`` seconds later."""

    def __init__(self, step):
        self.now, self.step = 0.0, step

    def perf_counter(self):
        self.now += self.step
        return self.now


def found(build, monkeypatch, step=None):
    if step is not None:
        monkeypatch.setattr(checker, "time", SlowClock(step))
    result = check(build, names=[GRADIENT], seed=3).results[0]
    monkeypatch.undo()
    return result


def test_the_same_seed_gives_the_same_example_on_a_slow_machine(monkeypatch):
    fast = found(no_mean, monkeypatch)
    # Two clock readings per run: SHRINK_CALLS runs stay within the ceiling at this step.
    slow = found(no_mean, monkeypatch, step=SHRINK_CEILING / (4 * SHRINK_CALLS))
    assert fast.status == slow.status == "FAILED" and not fast.reason and not slow.reason
    assert to_plain(slow.example) == to_plain(fast.example), (slow.details(), fast.details())


def test_a_network_too_slow_to_shrink_says_so(monkeypatch):
    stopped = found(no_mean, monkeypatch, step=SHRINK_CEILING / 10)
    assert stopped.status == "FAILED", stopped.line
    assert stopped.reason.startswith(f"shrinking stopped at its time ceiling of "
                                     f"{SHRINK_CEILING:g} s, after "), stopped.reason
    assert f"  note: {stopped.reason}" in stopped.details()


def test_an_overflow_warning_is_a_note_at_the_weights_it_happened_at():
    """The textbook sigmoid 1 / (1 + exp(-z)) warns at z = -900 but gives the right value: the
    property passes, and its note names the warning and the scale of the weights."""
    build = get("sigmoid-overflow").factory.build
    result = check(build, names=["losses_are_finite_and_non_negative"]).results[0]
    assert result.status == "passed", result.line
    assert any("overflow encountered in exp" in note and "with every weight times " in note
               for note in result.notes), result.notes
    assert "note: " in result.line


class BelowTheOutput(NoMean):
    """dW of the layer just below the output layer doubled; every other gradient right."""

    def gradient(self, X, Y):
        grads = self.net.gradient(X, Y)
        if len(grads) >= 4:
            grads[-4] = 2 * grads[-4]
        return grads


def test_a_wrong_hidden_layer_is_named_as_in_its_dw():
    """The failure names the layer below the output (layer n - 2 of layers 0..n - 1), the
    same number as its dW_l, and says that every layer above it agreed."""
    result = check(wrapped(BelowTheOutput), names=[GRADIENT], seed=3).results[0]
    assert result.status == "FAILED" and isinstance(result.failure, Mismatch), result.line
    name = result.failure.name
    l = int(name.split()[0].removeprefix("dW_"))
    assert name.startswith(f"dW_{l} vs the reference's (layer {l} of layers 0-{l + 1}, as in "
                           f"dW_{l}: every layer above it agrees"), name


class Crashes(NoMean):
    def gradient(self, X, Y):
        raise ValueError("matmul: a mismatch in the core dimension")


class Labels(NoMean):
    """A loss that reads class labels: right for one-hot targets only."""

    def loss(self, X, Y):
        return self.net.loss(X, np.eye(Y.shape[1])[Y.argmax(axis=1)])


def wrapped(kind):
    def build(layer_sizes, activations, loss):
        if kind is Labels and loss != "cross_entropy":
            raise NotImplementedError(loss)
        return kind(BUILDS["reference"](layer_sizes, activations, loss))
    return build


def test_a_crash_hints_at_debug():
    report = check(wrapped(Crashes), names=[GRADIENT])
    hint = "  hint: your code raised; --debug shows the line, in its traceback"
    assert hint in report.failures_text().splitlines(), report.failures_text()
    assert hint not in report.failures_text(debug=True)    # the traceback is there already
    assert "hint: your code raised" not in check(no_mean, names=[GRADIENT]).failures_text()


def test_probability_targets_hint_at_one_hot():
    names = ["forward_and_loss_equal_the_reference"]
    report = check(wrapped(Labels), names=names)
    assert report.results[0].status == "FAILED", report.results[0].line
    hints = [line for line in report.failures_text().splitlines() if "hint:" in line]
    assert any("--one-hot" in line for line in hints), report.failures_text()
    assert report.to_dict("x")["hints"] == report.hints and report.hints
    assert check(wrapped(Labels), names=names, one_hot=True).passed


class JacobianTwice(NoMean):
    """The softmax's Jacobian applied after the fused (p - y): wrong for one-hot rows too."""

    def gradient(self, X, Y):
        out = self.net.forward(X)
        p = np.exp(out - out.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        G = (p - Y) / len(X)
        return self.net.backward(p * (G - np.sum(G * p, axis=1, keepdims=True)))


def test_one_hot_is_hinted_only_when_one_hot_rows_pass():
    def build(layer_sizes, activations, loss):
        if loss != "cross_entropy":
            raise NotImplementedError(loss)
        return JacobianTwice(BUILDS["reference"](layer_sizes, activations, loss))
    report = check(build, names=[GRADIENT])
    assert not report.passed and not report.hints, report.failures_text()
    assert "--one-hot" not in report.failures_text()


@pytest.mark.parametrize("argv, words", [
    (["--skip", "no_such_property"], "--skip: got 'no_such_property'; expected one of "),
    (["--property", GRADIENT, "--skip", GRADIENT],
     "--skip: got every property; expected at least one left to check"),
])
def test_skip_names_only_properties_and_leaves_one(argv, words, capsys):
    assert main(["check", str(EXAMPLES / "check_dlfs.py")] + argv) == 2
    assert words in capsys.readouterr().err


def test_a_skipped_property_is_not_run(capsys):
    assert main(["check", str(EXAMPLES / "check_dlfs.py"), "--json", "--property", GRADIENT,
                 "--property", "results_are_repeatable", "--skip", GRADIENT]) == 0
    report = json.loads(capsys.readouterr().out)
    assert [r["property"] for r in report["results"]] == ["results_are_repeatable"]


def test_json_reports_a_missing_file_on_stdout(tmp_path, capsys):
    missing = tmp_path / "nosuch.py"
    assert main(["check", str(missing), "--json"]) == 2
    out, err = capsys.readouterr()
    report = json.loads(out)
    assert report["file"] == str(missing) and report["passed"] is False
    assert "does not exist" in report["error"] and report["results"] == []
    assert err.startswith("neuronnet: error: FILE.py: got "), err


def test_a_check_writes_nothing_beside_the_checked_files(tmp_path):
    # A child process that may write bytecode (PYTHONDONTWRITEBYTECODE unset), in tmp_path.
    for name in ("check_dlfs.py", "dlfs_network.py"):
        shutil.copy(EXAMPLES / name, tmp_path / name)
    env = {k: v for k, v in __import__("os").environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    done = subprocess.run([sys.executable, "-m", "neuronnet", "check", "check_dlfs.py",
                           "--property", "results_are_repeatable"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, (done.stdout, done.stderr)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["check_dlfs.py", "dlfs_network.py"]


def test_the_rows_of_a_reported_matrix_line_up():
    result = check(no_mean, names=[GRADIENT]).results[0]
    mine = np.arange(6.0).reshape(3, 2) + 0.5
    result.failure = Mismatch("dW_0 differs", "dW_0", mine, mine / 2)
    lines = result.details().splitlines()
    for label in ("    yours:", "    expected:"):
        rows = lines[lines.index(label) + 1:][:3]
        # numpy's layout: "[[a b]" then " [c d]" one column in, under the first row's numbers.
        assert rows[0].startswith("      [[") and all(r.startswith("       [") and
                                                    not r.startswith("        ")
                                                    for r in rows[1:]), rows


def test_a_file_slow_to_import_is_uncheckable(tmp_path, capsys):
    path = tmp_path / "student.py"
    path.write_text("import time\ntime.sleep(30)\ndef build(sizes, acts, loss):\n    pass\n")
    assert main(["check", str(path), "--json", "--time-limit", "0.2"]) == 1
    assert json.loads(capsys.readouterr().out)["error"] == (
        "importing it took over 1.2 s; expected a file that defines build quickly (no training "
        "when it is imported)")
