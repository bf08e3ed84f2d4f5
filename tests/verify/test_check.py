"""The public checker, neuronnet.verify and ``neuronnet check``: both models pass every
network property through it (the test suite is a thin caller of the checker), the examples'
correct networks pass and their buggy ones fail by the property each one's bug breaks, and
every way a checked file can go wrong gets one clear line and the documented exit status."""
import json
import textwrap
from pathlib import Path

import pytest

from models import BUILDS
from neuronnet.app.cli import main
from neuronnet.verify import PROPERTIES, check
from neuronnet.verify.plain import from_plain, to_plain
from strategies import budget

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
# Three times the checker's own quick budget under the ci profile (ten times that, thorough).
SCALE = 3 * budget(100) / 100
MODEL_CASES = [(model, name) for model in BUILDS for name in PROPERTIES]


@pytest.mark.parametrize("model, name", MODEL_CASES, ids=[f"{m}-{n}" for m, n in MODEL_CASES])
def test_both_models_pass_every_network_property(model, name):
    result = check(BUILDS[model], names=[name], scale=SCALE).results[0]
    assert result.status == "passed", result.details() if result.example else result.line


# --- the examples: each style, correct and buggy -------------------------------------------------
BUGGY = {"check_nielsen_buggy.py": "gradient_equals_the_reference",
         # The write into the caller's array raises in the network's own process, where the
         # arrays it is handed arrive read-only (in-process, linearity saw it instead).
         "check_dlfs_buggy.py": "nothing_handed_in_is_changed",
         "check_loops_buggy.py": "sgd_step_follows_the_gradient"}
CORRECT = ["check_nielsen.py", "check_dlfs.py", "check_loops.py"]


def run_json(capsys, *argv):
    status = main(["check", *map(str, argv), "--json"])
    return status, json.loads(capsys.readouterr().out)


def statuses(report):
    return {r["property"]: r["status"] for r in report["results"]}


@pytest.mark.parametrize("name", CORRECT)
def test_the_correct_examples_pass(name, capsys):
    status, report = run_json(capsys, EXAMPLES / name)
    assert status == 0 and report["passed"], statuses(report)
    assert set(statuses(report).values()) <= {"passed", "not applicable"}


@pytest.mark.parametrize("name, expected", BUGGY.items())
def test_the_buggy_examples_fail_by_the_expected_property(name, expected, capsys):
    status, report = run_json(capsys, EXAMPLES / name)
    assert status == 1 and not report["passed"]
    assert statuses(report)[expected] == "FAILED", statuses(report)
    failure = next(r for r in report["results"] if r["property"] == expected)["failure"]
    case = from_plain(failure["example"])["case"]
    assert case.sizes and case.X.shape[0] >= 1 and failure["message"]


def test_every_buggy_example_has_its_correct_twin():
    assert sorted(n.replace("_buggy", "") for n in BUGGY) == sorted(CORRECT)


# --- a checked file that goes wrong ----------------------------------------------------------------
CORRECT_NET = """
import numpy as np
from reference import MLP

def build(layer_sizes, activations, loss):
    return MLP(layer_sizes, activations, loss, rng=np.random.default_rng(0))
"""


def write(tmp_path, body, name="student.py"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(body))
    return path


def wrapping(method_body):
    """A network whose forward is replaced by ``method_body`` (the rest is the reference)."""
    body = textwrap.indent(textwrap.dedent(method_body), " " * 8)
    return (CORRECT_NET + "\n\nclass Student(MLP):\n    def forward(self, X):\n" + body + "\n\n\n"
            "def build(layer_sizes, activations, loss):\n"
            "    return Student(layer_sizes, activations, loss, rng=np.random.default_rng(0))\n")


@pytest.mark.parametrize("body, words", [
    ("return list(super().forward(X))", "forward(X) returned a list; expected a numpy array"),
    ("return super().forward(X).T", "forward(X) returned shape"),
    ("return super().forward(X) * np.nan", "forward(X) returned non-finite values"),
    ("raise KeyError('sigmoid')", "forward(X) raised KeyError: 'sigmoid'"),
])
def test_a_broken_method_is_a_failure_with_one_clear_line(tmp_path, capsys, body, words):
    path = write(tmp_path, wrapping(body))
    status = main(["check", str(path), "--property", "forward_and_loss_equal_the_reference"])
    out = capsys.readouterr().out
    assert status == 1 and words in out, out
    assert "Traceback" not in out


def test_debug_shows_the_networks_own_traceback(tmp_path, capsys):
    path = write(tmp_path, wrapping("raise KeyError('sigmoid')"))
    main(["check", str(path), "--property", "forward_and_loss_equal_the_reference", "--debug"])
    out = capsys.readouterr().out
    assert "Traceback" in out and "raise KeyError('sigmoid')" in out


def test_a_build_that_raises_is_named_with_its_architecture(tmp_path, capsys):
    path = write(tmp_path, """
        def build(layer_sizes, activations, loss):
            return {}[activations[0]]
    """)
    status, report = run_json(capsys, path, "--property", "results_are_repeatable")
    message = report["results"][0]["failure"]["message"]
    assert status == 1 and message.startswith("build([") and "raised KeyError" in message
    assert "NotImplementedError" in message


@pytest.mark.parametrize("body, words", [
    ("def build(:\n", "does not import (line 1): SyntaxError"),
    ("import no_such_module_here\n", "does not import (line 1): ModuleNotFoundError"),
    ("raise SystemExit(3)\n", "does not import (line 1): SystemExit"),
    ("x = 1\n", "defines no 'build'"),
    ("build = 3\n", "build is a int; expected a function"),
    ("def build(sizes, acts, loss):\n    raise NotImplementedError\n",
     "raised NotImplementedError for every architecture"),
    ("def build(sizes, acts):\n    return None\n",
     "build(sizes, acts) cannot be called as build(layer_sizes, activations, loss); expected a "
     "function of those three arguments"),
    ("def build(sizes, acts, loss):\n    return None\n",
     "build([3, 3], ['identity'], 'half_mse') returned a NoneType without set_parameters, "
     "forward, loss, gradient(); expected a network with the methods set_parameters, forward, "
     "loss, gradient"),
    ("class Net:\n    def set_parameters(self, p): pass\n    def forward(self, X): return X\n"
     "    def loss(self, X, Y): return 0.0\n"
     "def build(sizes, acts, loss):\n    return Net()\n",
     "returned a Net without gradient(); expected a network with the methods"),
])
def test_a_file_that_cannot_be_checked_gets_one_line_and_status_1(tmp_path, capsys, body, words):
    path = write(tmp_path, body)
    status = main(["check", str(path)])
    out = capsys.readouterr().out
    assert status == 1 and words in out and len(out.strip().splitlines()) == 1, out
    status, report = run_json(capsys, path)
    assert status == 1 and words in report["error"] and report["passed"] is False


@pytest.mark.parametrize("argv, words", [
    (["missing.py"], "does not exist"),
    (["notes.txt"], "expected a Python file ending in .py"),
    (["student.py", "--property", "no_such_property"], "forward_and_loss_equal_the_reference"),
    (["student.py", "--time-limit", "0"], "expected a positive number of seconds"),
])
def test_usage_errors_exit_2_before_any_work(tmp_path, capsys, monkeypatch, argv, words):
    write(tmp_path, CORRECT_NET)
    (tmp_path / "notes.txt").write_text("not python")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) if "--time-limit" in argv else _returns() as status:
        status.value = main(["check", *argv])
    assert (status.value.code if isinstance(status.value, SystemExit) else status.value) == 2
    assert words in capsys.readouterr().err


class _returns:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_a_network_that_hangs_is_stopped_by_the_time_limit(tmp_path, capsys):
    path = write(tmp_path, wrapping("while True:\n    pass"))
    status, report = run_json(capsys, path, "--time-limit", "0.5", "--property",
                              "forward_and_loss_equal_the_reference")
    result = report["results"][0]
    assert status == 1 and result["status"] == "stopped" and "0.5 s" in result["reason"]


def test_a_build_that_hangs_is_uncheckable(tmp_path, capsys):
    path = write(tmp_path, "def build(sizes, acts, loss):\n    while True:\n        pass\n")
    status, report = run_json(capsys, path, "--time-limit", "0.2")
    assert status == 1 and "did not return within" in report["error"]
    assert "0.2" in report["error"] or "1.2" in report["error"], report["error"]


def test_not_applicable_is_never_passed(tmp_path, capsys):
    # Sigmoid and half-MSE only, no train_step: the identity, cross-entropy-free and step
    # properties cannot be checked, and say so.
    # (A subclass without train_step: patching MLP itself would change the oracle and every
    # later test in this process.)
    path = write(tmp_path, CORRECT_NET.replace(
        "def build(layer_sizes, activations, loss):\n",
        "class NoStep(MLP):\n"
        "    train_step = None\n\n"
        "def build(layer_sizes, activations, loss):\n"
        "    if set(activations) != {'sigmoid'} or loss != 'half_mse':\n"
        "        raise NotImplementedError\n").replace("return MLP(", "return NoStep("))
    status, report = run_json(capsys, path, "--property", "identity_nets_are_linear_maps",
                              "--property", "sgd_step_follows_the_gradient", "--property",
                              "duplicating_the_batch_changes_nothing")
    assert statuses(report) == {"identity_nets_are_linear_maps": "not applicable",
                                "sgd_step_follows_the_gradient": "not applicable",
                                "duplicating_the_batch_changes_nothing": "passed"}
    assert status == 0 and report["counts"]["passed"] == 1


def test_the_report_is_repeatable_for_a_seed(capsys):
    runs = []
    for _ in range(2):
        _, report = run_json(capsys, EXAMPLES / "check_nielsen_buggy.py", "--property",
                             "gradient_equals_the_reference")
        runs.append(report["results"][0]["failure"])
    assert runs[0] == runs[1]


def test_examples_round_trip_as_plain_data():
    import numpy as np

    from neuronnet.verify.checks import Case
    case = Case([np.array([[0.1, -2.5]])], [np.array([1e-300])], ["relu"], "half_mse",
                np.array([[1.0, 2.0]]), np.array([[0.5]]))
    back = from_plain(json.loads(json.dumps(to_plain({"case": case, "seed": 3}))))
    assert back["seed"] == 3 and back["case"].describe() == case.describe()
    assert all((a == b).all() for a, b in zip(back["case"].params(), case.params()))


def test_what_the_checked_code_prints_stays_out_of_the_report(tmp_path, capfd):
    # capfd: the network's process writes to file descriptor 2 itself, and tries fd 1 too.
    path = write(tmp_path, "import os\nprint('hello from import')\n" + wrapping(
        "print('debugging', X.shape)\nos.write(1, b'forged')\nreturn super().forward(X)"))
    status, report = run_json(capfd, path, "--property", "forward_and_loss_equal_the_reference")
    assert status == 0 and report["passed"]
    main(["check", str(path), "--property", "forward_and_loss_equal_the_reference"])
    captured = capfd.readouterr()
    assert "debugging" not in captured.out and "forged" not in captured.out
    assert "hello from import" in captured.err and "forged" in captured.err


LABELS_NET = CORRECT_NET + '''

class Student(MLP):
    """Its loss takes class labels: it reads a target row by its largest entry."""
    def loss(self, X, Y):
        return super().loss(X, np.eye(Y.shape[1])[Y.argmax(axis=1)])

    def gradient(self, X, Y):
        return super().gradient(X, np.eye(Y.shape[1])[Y.argmax(axis=1)])


def build(layer_sizes, activations, loss):
    if loss != "cross_entropy":
        raise NotImplementedError
    return Student(layer_sizes, activations, loss, rng=np.random.default_rng(0))
'''


def test_one_hot_checks_a_network_whose_loss_takes_labels(tmp_path, capsys):
    # Soft targets (probability rows) are drawn by default, and a labels-only loss differs on
    # them; with --one-hot the same network passes.
    path = write(tmp_path, LABELS_NET)
    name = "forward_and_loss_equal_the_reference"
    status, report = run_json(capsys, path, "--property", name)
    assert status == 1 and statuses(report)[name] == "FAILED"
    status, report = run_json(capsys, path, "--property", name, "--one-hot")
    assert status == 0 and statuses(report)[name] == "passed" and report["one_hot"]


def test_every_failure_has_the_same_json_keys(capsys):
    _, report = run_json(capsys, EXAMPLES / "check_nielsen_buggy.py")
    failures = [r["failure"] for r in report["results"] if r["status"] == "FAILED"]
    assert len(failures) >= 2
    keys = {"message", "example", "quantity", "yours", "expected", "largest_difference",
            "relative_error"}
    assert all(set(f) == keys for f in failures), [set(f) ^ keys for f in failures]
    assert any(f["quantity"] is None for f in failures)       # first-order descent: no pair
    assert any(f["quantity"] is not None for f in failures)


def test_an_uncheckable_file_has_a_reports_keys(tmp_path, capsys):
    path = write(tmp_path, "x = 1\n")
    _, report = run_json(capsys, path)
    _, good = run_json(capsys, EXAMPLES / "check_nielsen.py", "--property",
                       "results_are_repeatable")
    assert set(report) == set(good) and report["results"] == [] and report["error"]


def test_a_zero_gradient_is_named_not_stepped_into_infinity(tmp_path, capsys):
    path = write(tmp_path, CORRECT_NET + '''

class Student(MLP):
    def gradient(self, X, Y):
        return [np.zeros_like(p) for p in self.parameters()]


def build(layer_sizes, activations, loss):
    return Student(layer_sizes, activations, loss, rng=np.random.default_rng(0))
''')
    main(["check", str(path), "--property", "a_small_step_against_the_gradient_lowers_the_loss"])
    out = capsys.readouterr().out
    assert "the gradient is all zeros" in out and "inf" not in out and "nan" not in out
