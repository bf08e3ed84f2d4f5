"""What a grade adds (neuronnet/verify/grading.py): backprop told from differences by its cost,
the requirements of an assignment, and the refused imports; then ``neuronnet check --grade``
on one file, as a teacher runs it."""
import importlib.util
import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from neuronnet.app.cli import main
from neuronnet.verify import grading
from neuronnet.verify.architectures import Pattern
from refusing import refused

# A correct network in a style of its own, importing nothing of the checker's.
STUDENT = Path(__file__).resolve().parents[2] / "examples" / "corpus" / "functional_dict.py"


def load(path):
    spec = importlib.util.spec_from_file_location(f"graded_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def differencing(build):
    """``build`` whose networks pay for their gradient what central differences pay: two
    losses per parameter. (They then return the right gradient: differences' own rounding,
    about 1e-9 here, would fail the value check first, and the cost is what is tested.)"""
    def build_differencing(layer_sizes, activations, loss):
        net = build(layer_sizes, activations, loss)
        exact = net.gradient

        def gradient(X, Y):
            params = [np.array(p, dtype=float) for p in net.parameters()]
            for k, p in enumerate(params):
                for i in np.ndindex(p.shape):
                    for step in (1e-6, -1e-6):
                        moved = [q.copy() for q in params]
                        moved[k][i] += step
                        net.set_parameters(moved)
                        net.loss(X, Y)
            net.set_parameters(params)
            return exact(X, Y)
        net.gradient = gradient
        return net
    return build_differencing


def cached(build):
    """``build`` whose networks answer a gradient already computed for the same input from a
    cache (an attempt to look cheap when timed)."""
    def build_cached(layer_sizes, activations, loss):
        net = differencing(build)(layer_sizes, activations, loss)
        slow, memory = net.gradient, {}

        def gradient(X, Y):
            key = (X.tobytes(), Y.tobytes())
            if key not in memory:
                memory[key] = slow(X, Y)
            return [g.copy() for g in memory[key]]
        net.gradient = gradient
        return net
    return build_cached


def wrong_when_wide(build):
    """``build`` whose gradient is zero on networks wider than the examples ever are."""
    def build_wrong(layer_sizes, activations, loss):
        net = build(layer_sizes, activations, loss)
        exact = net.gradient
        net.gradient = lambda X, Y: ([np.zeros_like(g) for g in exact(X, Y)]
                                     if max(layer_sizes) > 8 else exact(X, Y))
        return net
    return build_wrong


DEEP = [Pattern(("tanh", "identity"), "half_mse"), Pattern(("relu", "identity"), "cross_entropy")]


def test_backprop_passes_and_differences_fail_the_speed_property():
    build = load(STUDENT).build
    fast = grading.backprop_result(build, DEEP, seed=0, time_limit_s=10)
    slow = grading.backprop_result(differencing(build), DEEP, seed=0, time_limit_s=10)
    assert fast.status == "passed", fast.reason
    assert slow.status == "FAILED"
    # The report shows the measured ratio: two costs and the growth between them.
    assert slow.reason.count("forward passes") == 1 and "times more" in slow.reason


@pytest.mark.parametrize("trick", [cached, wrong_when_wide])
def test_the_speed_property_is_not_fooled_by_a_cache_or_a_wrong_answer(trick):
    result = grading.backprop_result(trick(load(STUDENT).build), DEEP, seed=0, time_limit_s=10)
    assert result.status == "FAILED", (result.status, result.reason)


def test_the_speed_property_needs_a_hidden_layer():
    shallow = [Pattern(("tanh",), "half_mse")]
    result = grading.backprop_result(load(STUDENT).build, shallow, seed=0, time_limit_s=10)
    assert result.status == "not applicable"


@pytest.mark.parametrize("patterns, methods, required, failed", [
    (DEEP, {"train_step"}, ["tanh", "train_step"], []),
    (DEEP, set(), ["train_step"], ["supports_train_step"]),
    (DEEP, set(), ["sigmoid", "cross_entropy"], ["supports_sigmoid"]),
    ([Pattern(("tanh",), "half_mse")], set(), ["tanh"], ["supports_a_hidden_layer"]),
])
def test_a_requirement_fails_exactly_when_it_is_not_supported(patterns, methods, required,
                                                               failed):
    results = grading.requirement_results(patterns, methods, required)
    assert [r.name for r in results] == ["supports_a_hidden_layer"] + [
        f"supports_{name}" for name in required]
    assert [r.name for r in results if r.status == "FAILED"] == failed
    assert all(r.reason for r in results if r.status == "FAILED")


def test_an_unknown_requirement_or_module_is_refused_before_any_work(capsys):
    refused(ValueError, "--require", lambda: grading.check_required(["softplus"]))
    status = main(["check", str(STUDENT), "--grade", "--allow", "numpy"])
    assert status == 2 and "--allow" in capsys.readouterr().err
    status = main(["check", str(STUDENT), "--require", "relu"])      # --require needs --grade
    assert status == 2 and "--grade" in capsys.readouterr().err


# --- neuronnet check --grade on one file ---------------------------------------------------
ONE = ["--property", "gradient_equals_the_reference"]


def graded(capsys, path, *extra):
    status = main(["check", str(path), "--grade", "--json", *ONE, *extra])
    return status, json.loads(capsys.readouterr().out)


def statuses(report):
    return {r["property"]: r["status"] for r in report["results"]}


def test_a_correct_network_passes_its_grade_with_a_fresh_seed_each_run(capsys):
    status, first = graded(capsys, STUDENT)
    _, second = graded(capsys, STUDENT)
    assert status == 0 and first["passed"], statuses(first)
    assert {"backprop_not_differences", "supports_a_hidden_layer",
            "imports_no_oracle"} <= set(statuses(first))
    assert first["seed"] != second["seed"]
    _, again = graded(capsys, STUDENT, "--seed", str(first["seed"]))
    assert again["seed"] == first["seed"]


IMPORTS_ORACLE = """
import numpy as np
from reference import MLP

def build(layer_sizes, activations, loss):
    return MLP(layer_sizes, activations, loss, rng=np.random.default_rng(0))
"""


def test_importing_the_oracle_fails_the_grade_unless_allowed(tmp_path, capsys):
    path = tmp_path / "student.py"
    path.write_text(IMPORTS_ORACLE)
    status, report = graded(capsys, path)
    assert status == 1 and not report["passed"]
    assert "reference" in report["error"] and "--allow reference" in report["error"]
    status, report = graded(capsys, path, "--allow", "reference")
    assert status == 0 and report["passed"], statuses(report)


def test_an_import_hidden_inside_a_call_is_refused_and_noted(tmp_path, capsys):
    folder = tmp_path / "student"
    shutil.copytree(STUDENT.parent, folder, ignore=shutil.ignore_patterns("*.toml", "__*"))
    path = folder / "hidden.py"
    path.write_text(
        "import importlib\nimport functional_dict\n\n"
        "def build(layer_sizes, activations, loss):\n"
        "    net = functional_dict.build(layer_sizes, activations, loss)\n"
        "    own = net.gradient\n"
        "    def gradient(X, Y):\n"
        "        try:\n"
        "            importlib.import_module('refer' + 'ence')\n"
        "        except ImportError:\n"
        "            pass\n"
        "        return own(X, Y)\n"
        "    net.gradient = gradient\n"
        "    return net\n")
    status, report = graded(capsys, path)
    assert status == 1 and statuses(report)["imports_no_oracle"] == "FAILED"
    assert statuses(report)["gradient_equals_the_reference"] == "passed"
