"""The gradient checker itself (neuronnet.gradcheck): it passes on correct
gradients, and it FAILS on a deliberately perturbed gradient, so a passing check means something.
It also agrees with the independent central differences in neuronnet/verify/checks/numeric.py,
restores the model's parameters bit for bit, and works on the reference model too."""
import numpy as np
import pytest

from models import MINE, REF
from neuronnet import gradcheck
from neuronnet.verify import checks
from strategies import NUMERIC_KINK_MARGIN, random_case


class Analytic:
    """A model with a known gradient: parameters [W (2, 3), b (2,)],
    L = sum(sin(W) * C) + sum(b^3) / 3 + prod-free, so dL/dW = cos(W) * C, dL/db = b^2."""

    def __init__(self, rng):
        self.W = rng.uniform(-2, 2, (2, 3))
        self.b = rng.uniform(-2, 2, 2)
        self.C = rng.uniform(0.5, 1.5, (2, 3))

    def parameters(self):
        return [self.W.copy(), self.b.copy()]

    def set_parameters(self, params):
        self.W, self.b = np.array(params[0], dtype=float), np.array(params[1], dtype=float)

    def loss(self, X, Y):
        return float(np.sum(np.sin(self.W) * self.C) + np.sum(self.b ** 3) / 3.0)

    def gradient(self, X, Y):
        return [np.cos(self.W) * self.C, self.b ** 2]


class Perturbed:
    """A model whose gradient is the wrapped model's with one entry of one array changed."""

    def __init__(self, model, array, index, relative):
        self.model, self.array, self.index, self.relative = model, array, index, relative

    def __getattr__(self, name):
        return getattr(self.model, name)

    def gradient(self, X, Y):
        grads = [np.array(g, dtype=float) for g in self.model.gradient(X, Y)]
        g = grads[self.array]
        g[self.index] += self.relative * max(abs(g[self.index]), 1e-3)
        return grads


def _tiny(seed, loss="cross_entropy", acts=("tanh", "sigmoid")):
    return random_case(np.random.default_rng(seed), [3, 4, 2], list(acts), loss, 5,
                       kink_margin=NUMERIC_KINK_MARGIN)


def test_checker_passes_on_a_known_analytic_gradient():
    model = Analytic(np.random.default_rng(0))
    before = model.parameters()
    report = gradcheck.check_gradient(model, None, None)
    assert report.passed, str(report)
    assert max(report.relative_errors) <= 1e-6, str(report)
    checks.assert_params("parameters after the check", model.parameters(), before, None)
    numeric = gradcheck.numeric_gradient(model, None, None)
    checks.assert_params("numeric gradient of the analytic model", numeric,
                         model.gradient(None, None), (0.0, 1e-8))


@pytest.mark.parametrize("make", [MINE, REF], ids=["neuronnet", "reference"])
@pytest.mark.parametrize("loss, acts", [("cross_entropy", ("tanh", "identity")),
                                        ("half_mse", ("relu", "sigmoid"))])
def test_checker_passes_on_both_models(make, loss, acts):
    case = _tiny(1, loss, acts)
    model = case.build(make)
    before = model.parameters()
    report = gradcheck.check_gradient(model, case.X, case.Y)
    assert report.passed, f"{report}\n{case.describe()}"
    assert len(report.relative_errors) == 2 * len(case.weights)
    checks.assert_params("parameters after check_gradient", model.parameters(), before, None)
    numeric, analytic, rel = gradcheck.directional_check(model, case.X, case.Y,
                                                         np.random.default_rng(3))
    assert rel <= 1e-6, (numeric, analytic, rel, case.describe())
    checks.assert_params("parameters after directional_check", model.parameters(), before, None)


def test_numeric_gradient_agrees_with_the_independent_one():
    case = _tiny(2)
    model = case.build(MINE)
    # Both implement the same central difference with the same h; the loss is deterministic,
    # so only the order of the two divisions' operands could differ: demand the gradient
    # tolerance, far tighter than the 1e-6 pass bound.
    checks.assert_params("gradcheck.numeric_gradient vs checks.numeric_gradient",
                         gradcheck.numeric_gradient(model, case.X, case.Y),
                         checks.numeric_gradient(model, case.X, case.Y), checks.GRADIENT_TOL,
                         case.describe())


@pytest.mark.parametrize("array", [0, 1, 2, 3])
@pytest.mark.parametrize("relative", [1e-4, -1e-3, 0.5])
def test_checker_fails_on_a_perturbed_gradient(array, relative):
    case = _tiny(3)
    model = case.build(MINE)
    shape = model.parameters()[array].shape
    index = tuple(s - 1 for s in shape)  # the last entry: catches off-by-one reports too
    bad = Perturbed(model, array, index, relative)
    report = gradcheck.check_gradient(bad, case.X, case.Y)
    assert not report.passed, f"the checker passed a gradient perturbed by {relative} at " \
                              f"array {array} {index}:\n{report}"
    assert "FAILED" in str(report)
    # The report blames the perturbed array, and only it.
    worst = int(np.argmax(report.relative_errors))
    assert worst == array, str(report)
    assert report.worst_elements[array][0] == index, str(report)
    others = [e for k, e in enumerate(report.relative_errors) if k != array]
    assert max(others) <= 1e-6, str(report)


def test_checker_fails_on_a_perturbed_analytic_gradient():
    bad = Perturbed(Analytic(np.random.default_rng(4)), 1, (0,), 1e-4)
    assert not gradcheck.check_gradient(bad, None, None).passed


def test_directional_check_flags_a_wrong_gradient():
    case = _tiny(5)
    model = case.build(MINE)

    class Doubled(Perturbed):
        def gradient(self, X, Y):
            return [2.0 * g for g in self.model.gradient(X, Y)]

    _, _, rel = gradcheck.directional_check(Doubled(model, 0, (0, 0), 0.0), case.X, case.Y,
                                            np.random.default_rng(6))
    assert rel > 0.1, rel
    _, _, rel_ok = gradcheck.directional_check(model, case.X, case.Y, np.random.default_rng(6))
    assert rel_ok <= 1e-6, rel_ok


def test_checker_fails_on_a_derivative_of_output_network():
    from neuronnet.activations import Sigmoid

    class SigmoidOfOutput(Sigmoid):
        def derivative_from_z(self, z):
            a = self.forward(z)
            return super().derivative_from_z(a)  # pitfall derivative-of-output

    case = _tiny(6, "half_mse", ("sigmoid", "identity"))
    bad = MINE(case.weights, case.biases, [SigmoidOfOutput(), "identity"], case.loss)
    report = gradcheck.check_gradient(bad, case.X, case.Y)
    assert not report.passed, str(report)


class Quadratic(Analytic):
    """L = sum(W^2)/2 + sum(b^2)/2 around a large offset: the central difference of a quadratic
    is exact for any step, so only rounding separates it from the gradient (W, b)."""

    def __init__(self, rng, offset=1e4):
        super().__init__(rng)
        self.W, self.b = self.W + offset, self.b - offset

    def loss(self, X, Y):
        return float(np.sum(self.W ** 2) / 2 + np.sum(self.b ** 2) / 2)

    def gradient(self, X, Y):
        return [self.W.copy(), self.b.copy()]


class Claims(Quadratic):
    """A model whose gradient is whatever it is told, whatever its loss."""

    def __init__(self, rng, loss, gradient):
        super().__init__(rng, offset=0.0)
        self._loss, self._gradient = loss, gradient

    def loss(self, X, Y):
        return self._loss(self)

    def gradient(self, X, Y):
        return self._gradient(self)


def test_directional_check_is_along_one_unit_direction_drawn_from_the_generator():
    # The docstring's u: one standard normal draw per parameter array, in order, then scaled to
    # unit length over all of them. On a quadratic both sides are then <g, u> (to rounding).
    model = Quadratic(np.random.default_rng(7))
    g = model.gradient(None, None)
    draw = np.random.default_rng(8)
    u = [draw.standard_normal(p.shape) for p in model.parameters()]
    norm = np.sqrt(sum(float(np.sum(d * d)) for d in u))
    expected = sum(float(np.sum(a * d / norm)) for a, d in zip(g, u))
    numeric, analytic, rel = gradcheck.directional_check(model, None, None,
                                                         np.random.default_rng(8))
    assert abs(analytic - expected) <= 1e-12 * abs(expected), (analytic, expected)
    # The step grows with the parameters (h = 1e-5 max(1, max|p|)): at |p| ~ 1e4 a fixed or
    # shrinking step would leave rounding of the 1e8-sized loss far above the bound.
    assert abs(numeric - expected) <= 1e-9 * abs(expected), (numeric, expected)
    assert rel <= 1e-9, rel


@pytest.mark.parametrize("says, loss, gradient, expected", [
    ("a slope the gradient misses", lambda m: float(np.sum(m.W)), lambda m: [0 * m.W, 0 * m.b],
     1.0),
    ("a gradient on a flat loss", lambda m: 3.0, lambda m: [1 + 0 * m.W, 0 * m.b], 1.0),
    ("flat and zero", lambda m: 3.0, lambda m: [0 * m.W, 0 * m.b], 0.0),
])
def test_directional_relative_error_is_relative_to_the_larger_side(says, loss, gradient,
                                                                   expected):
    # |numeric - analytic| / max(|numeric|, |analytic|, 1e-8): 1 when exactly one side is 0,
    # whichever it is, and 0 (not 0/0) when both are.
    _, _, rel = gradcheck.directional_check(Claims(np.random.default_rng(9), loss, gradient),
                                            None, None, np.random.default_rng(10))
    assert abs(rel - expected) <= 1e-6, (says, rel)


def test_the_report_says_passed_or_failed_then_one_line_per_array():
    model = Analytic(np.random.default_rng(0))
    for report, verdict in ((gradcheck.check_gradient(model, None, None), "passed"),
                            (gradcheck.check_gradient(Perturbed(model, 1, (0,), 0.5), None,
                                                      None), "FAILED")):
        lines = str(report).split("\n")
        assert lines[0] == (f"gradient check {verdict} (bound: relative error <= "
                            f"{gradcheck.RELATIVE_BOUND:g})"), lines[0]
        assert [line.split()[0] for line in lines[1:]] == report.names, lines


def test_the_pass_rule_has_a_norm_bound_and_an_element_bound():
    # within_bounds is the one home of the rule every numeric check applies. Each bound must
    # catch what the other cannot, and neither may fire below its limit.
    g_num = np.full(10_000, 0.2)                       # ||g_num|| = 20
    element = gradcheck.ABSOLUTE_BOUND + gradcheck.ELEMENT_RTOL * 0.2
    one_off = g_num.copy()
    one_off[123] += 2 * element                        # normwise ~2e-7: only the element bound
    assert gradcheck.relative_error(one_off, g_num) < gradcheck.RELATIVE_BOUND
    assert not gradcheck.within_bounds(one_off, g_num)
    one_off[123] = 0.2 + 0.5 * element
    assert gradcheck.within_bounds(one_off, g_num)
    spread = g_num * (1 + 2 * gradcheck.RELATIVE_BOUND)     # every element within its bound
    assert (gradcheck.excess_over_bound(spread, g_num) < 0).all()
    assert not gradcheck.within_bounds(spread, g_num)
    assert gradcheck.within_bounds(spread, g_num, measurable=False)   # elements alone: pass
    assert gradcheck.within_bounds(g_num * (1 + 0.5 * gradcheck.RELATIVE_BOUND), g_num)
    # Scalars, and the floor of the relative error's denominator: 0 against 0 passes.
    assert gradcheck.within_bounds(0.0, 0.0) and gradcheck.relative_error(0.0, 0.0) == 0.0
    assert not gradcheck.within_bounds(1.0, 0.0) and not gradcheck.within_bounds(0.0, 1.0)
    assert gradcheck.relative_error(3.0, 1.0) == 2.0 / 3.0 == gradcheck.relative_error(1.0, 3.0)
    # The element bound is relative to the numeric side.
    assert gradcheck.excess_over_bound(1.0, 2.0) == 1.0 - (gradcheck.ABSOLUTE_BOUND
                                                          + gradcheck.ELEMENT_RTOL * 2.0)


def test_each_bound_is_inclusive_and_the_error_is_measured_in_float64(monkeypatch):
    # "At most": an error exactly at a bound passes. The bounds are set to powers of two here,
    # so that an error can equal one exactly (1e-6 is not a sum of doubles near 1).
    monkeypatch.setattr(gradcheck, "RELATIVE_BOUND", 2.0**-20)
    assert gradcheck.relative_error([1.0], [1.0 - 2.0**-20]) == 2.0**-20
    assert (gradcheck.excess_over_bound([1.0], [1.0 - 2.0**-20]) < 0).all()
    assert gradcheck.within_bounds([1.0], [1.0 - 2.0**-20])
    monkeypatch.setattr(gradcheck, "ABSOLUTE_BOUND", 2.0**-20)
    monkeypatch.setattr(gradcheck, "ELEMENT_RTOL", 2.0**-10)
    assert gradcheck.excess_over_bound([1.0 + 2.0**-20 + 2.0**-10], [1.0]) == 0.0
    assert gradcheck.within_bounds([1.0 + 2.0**-20 + 2.0**-10], [1.0], measurable=False)
    # float32 (or float16) gradients are compared as float64 numbers: the error is the same.
    g = np.array([0.1, 0.2, 0.3, 1e-3], dtype=np.float32)
    g_num = np.array([0.1000001, 0.2, 0.3, 1e-3], dtype=np.float32)
    for a, b in ((g, g_num), (g_num, g), (g.astype(np.float16), g_num)):
        assert gradcheck.relative_error(a, b) == gradcheck.relative_error(
            a.astype(np.float64), b.astype(np.float64))


class Recording(Analytic):
    """An Analytic model that keeps every parameter list it is set to."""

    def __init__(self, rng, scale):
        super().__init__(rng)
        self.W, self.b, self.seen = self.W * scale, self.b * scale, []

    def set_parameters(self, params):
        self.seen.append([np.array(p, dtype=float) for p in params])
        super().set_parameters(params)


@pytest.mark.parametrize("scale, h", [(0.2, 1e-5), (1e3, None)])
def test_the_steps_are_1e_5_times_the_parameters_size_but_never_below_1e_5(scale, h):
    # Elementwise: h = 1e-5 max(1, |theta|). Directional: h = 1e-5 max(1, max|p|), the step
    # along the unit direction, so the parameters set first differ from the start by h.
    assert gradcheck.step_size(0.5) == 1e-5 and gradcheck.step_size(-1.0) == 1e-5
    assert gradcheck.step_size(-3.0) == 1e-5 * 3.0 and gradcheck.step_size(1.5) == 1e-5 * 1.5
    model = Recording(np.random.default_rng(2), scale)
    start = model.parameters()
    gradcheck.directional_check(model, None, None, np.random.default_rng(3))
    want = h or 1e-5 * max(float(np.max(np.abs(p))) for p in start)
    moved = np.sqrt(sum(float(np.sum((a - b) ** 2)) for a, b in zip(model.seen[0], start)))
    assert abs(moved - want) <= 1e-9 * want, f"\n got: step {moved}\nwant: step {want}"


def test_the_report_names_each_array_and_says_failed_as_false():
    model = Recording(np.random.default_rng(4), 1.0)
    report = gradcheck.check_gradient(model, None, None)
    assert report.names == ["W_0", "b_0"] and report.passed is True, report
    assert str(report).splitlines()[0].startswith("gradient check passed"), str(report)
    broken = gradcheck.check_gradient(Perturbed(model, 1, (0,), 0.1), None, None)
    assert broken.passed is False, broken
    assert str(broken).splitlines()[0].startswith("gradient check FAILED"), str(broken)
    # Three layers: W_0, b_0, W_1, b_1, W_2, b_2, in parameters() order.
    from neuronnet import Network
    deep = Network([3, 2, 2, 1], ["tanh", "tanh", "identity"], rng=np.random.default_rng(0))
    X, Y = np.ones((2, 3)), np.zeros((2, 1))
    assert gradcheck.check_gradient(deep, X, Y).names == ["W_0", "b_0", "W_1", "b_1", "W_2",
                                                          "b_2"]


def test_the_element_excess_is_measured_in_float64():
    g = np.array([0.1, 0.2, 1e-3], dtype=np.float32)
    g_num = np.array([0.1000001, 0.2, 2e-3], dtype=np.float32)
    for a, b in ((g, g_num), (g_num, g), (g.astype(np.float16), g_num)):
        got, want = gradcheck.excess_over_bound(a, b), gradcheck.excess_over_bound(
            a.astype(np.float64), b.astype(np.float64))
        assert got.dtype == np.float64 and np.array_equal(got, want), f"\n got: {got}\nwant: {want}"
    assert gradcheck.excess_over_bound(1.0, 4.0) == 3.0 - (gradcheck.ABSOLUTE_BOUND
                                                          + gradcheck.ELEMENT_RTOL * 4.0)
