"""The "start here" of a failing report (neuronnet/verify/diagnosis.py, patterns.py): for a
network that is the reference with ONE gradient array made wrong in a known way, the diagnosis
names that array's layer and parameter, and the pattern when the numbers fit one; a correct
network gets none. The same diagnosis is in the JSON report."""
import numpy as np
import pytest

from models import BUILDS
from neuronnet.verify import check

GRADIENT = "gradient_equals_the_reference"


class OneArrayWrong:
    """The reference, with ``change(g, X)`` applied to gradient array ``k`` (counted from the
    end: -1 is the output layer's db, -2 its dW, -3 the layer below's db, ...)."""

    def __init__(self, net, k, change):
        self.net, self.k, self.change = net, k, change

    def __getattr__(self, name):
        return getattr(self.net, name)

    def gradient(self, X, Y):
        grads = self.net.gradient(X, Y)
        if len(grads) >= -self.k:
            grads[self.k] = self.change(grads[self.k], X)
        return grads


def wrong(k, change, depth=None):
    def build(layer_sizes, activations, loss):
        if depth is not None and len(activations) != depth:
            raise NotImplementedError("this depth only")
        return OneArrayWrong(BUILDS["reference"](layer_sizes, activations, loss), k, change)
    return build


def diagnosed(build, seed=0):
    report = check(build, names=[GRADIENT], seed=seed)
    assert not report.passed, report.to_text("x")
    assert report.to_dict("x")["diagnosis"] == report.diagnosis.to_dict()
    assert report.failures_text().splitlines()[1].startswith("start here: ")
    return report.diagnosis


@pytest.mark.parametrize("k, layer, parameter", [(-1, "output", "b"), (-2, "output", "W"),
                                                  (-3, "hidden", "b"), (-4, "hidden", "W")])
def test_a_wrong_array_is_placed_at_its_layer_and_parameter(k, layer, parameter):
    """A difference of 1e-7 relative (well above the tolerance, far below what a glance sees)
    in one array: the start-here line names where it is, and nothing is named for a factor."""
    d = diagnosed(wrong(k, lambda g, X: g * (1 + 1e-7) + 1e-7, depth=2 if layer == "hidden"
                        else None))
    assert (d.layer, d.parameter) == (layer, parameter), d.to_text()
    index = 0 if layer == "hidden" else d.layer_index
    assert f"d{parameter}_{index}" in "\n".join(d.numbers), d.to_text()


def test_the_first_layer_is_judged_too():
    """Only dW_0 of a three-layer network is wrong: the checker sees it (a check that skipped
    the layer farthest from the output would pass this network)."""
    d = diagnosed(wrong(-6, lambda g, X: g * (1 + 1e-7), depth=3))
    assert (d.layer, d.layer_index, d.parameter) == ("hidden", 0, "W"), d.to_text()


@pytest.mark.parametrize("k, change, pattern", [
    (-1, lambda g, X: g / len(X), "db-mean-not-sum"),
    (-2, lambda g, X: g.T, "dW-transposed"),
    (-1, lambda g, X: np.zeros_like(g), "zero-gradient"),
])
def test_a_known_pattern_is_named_when_the_numbers_fit_it(k, change, pattern):
    d = diagnosed(wrong(k, change))
    assert d.pattern == pattern, d.to_text()
    assert d.layer == "output" and d.parameter == ("b" if k == -1 else "W"), d.to_text()


def test_a_factor_of_n_in_every_layer_is_placed_at_every_layer():
    def build(layer_sizes, activations, loss):
        return Summed(BUILDS["reference"](layer_sizes, activations, loss))
    d = diagnosed(build)
    assert (d.layer, d.parameter, d.pattern) == ("every", "W and b", "missing-1/n"), d.to_text()


class Summed(OneArrayWrong):
    def __init__(self, net):
        self.net = net

    def gradient(self, X, Y):
        return [g * len(X) for g in self.net.gradient(X, Y)]


def test_no_pattern_is_named_without_evidence():
    """A wrong value that fits no pattern gets a place and no pattern."""
    d = diagnosed(wrong(-1, lambda g, X: g + np.arange(g.size) * 1e-3 + 1e-3))
    assert d.pattern is None and d.layer == "output", d.to_text()


class Accumulates:
    """Gradients that add up across calls: right on the first call only."""

    def __init__(self, net):
        self.net, self.total = net, None

    def __getattr__(self, name):
        return getattr(self.net, name)

    def gradient(self, X, Y):
        grads = self.net.gradient(X, Y)
        self.total = grads if self.total is None else [t + g for t, g in zip(self.total, grads)]
        return [t.copy() for t in self.total]


def test_gradients_that_accumulate_are_named_from_a_second_call():
    def build(layer_sizes, activations, loss):
        return Accumulates(BUILDS["reference"](layer_sizes, activations, loss))
    report = check(build, names=[GRADIENT, "results_are_repeatable"])
    d = report.diagnosis
    assert d.property == "results_are_repeatable" and d.pattern == "accumulates-across-calls", \
        report.failures_text()
    assert (d.layer, d.parameter) == ("every", "W and b")


def test_a_correct_network_has_no_diagnosis():
    report = check(BUILDS["reference"], names=[GRADIENT, "results_are_repeatable"])
    assert report.passed and report.diagnosis is None
    assert report.to_dict("x")["diagnosis"] is None and "start here" not in report.to_text("x")


def test_failures_with_one_cause_are_listed_under_it():
    report = check(wrong(-1, lambda g, X: g / len(X)),
                   names=[GRADIENT, "directional_derivative_equals_the_gradient",
                          "duplicating_the_batch_changes_nothing"])
    failed = [r.name for r in report.results if r.status == "FAILED"]
    assert report.diagnosis.property == GRADIENT
    assert sorted(report.diagnosis.with_it) == sorted(n for n in failed if n != GRADIENT)


class OutputDeltaOff(Summed):
    """dL/da of the output off by a constant: every product after it is right."""

    def gradient(self, X, Y):
        out = self.net.forward(X)
        return self.net.backward((out - Y + 0.25) / len(X))


def test_a_wrong_output_delta_is_told_from_a_wrong_product():
    def build(layer_sizes, activations, loss):
        if loss != "half_mse":
            raise NotImplementedError(loss)
        return OutputDeltaOff(BUILDS["reference"](layer_sizes, activations, loss))
    d = diagnosed(build)
    assert d.layer == "output" and d.parameter in ("b", "W and b"), d.to_text()
    assert d.pattern == "output-delta", d.to_text()
