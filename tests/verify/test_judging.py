"""What the checker counts as a failure (a wrong value beyond the stated tolerance) and what it
only notes: summation order, float32 arithmetic, any subgradient at a ReLU kink, a build that
refuses some widths or imports its neighbour, answers that change from call to call."""
import json

import numpy as np
import pytest

from models import BUILDS
from neuronnet.app.cli import main
from neuronnet.verify import check

GRADIENT = "gradient_equals_the_reference"
REPEAT = "results_are_repeatable"


class Wrapped:
    def __init__(self, net):
        self.net = net

    def __getattr__(self, name):
        return getattr(self.net, name)


class ShuffledSums(Wrapped):
    """The reference's gradient, its batch summed in a fresh random order on every call: the
    same terms, rounded differently (a micrograd graph whose parents sit in a set)."""

    def __init__(self, net):
        super().__init__(net)
        self.rng = np.random.default_rng(7)

    def gradient(self, X, Y):
        n = len(X)
        per_sample = [self.net.gradient(X[i:i + 1], Y[i:i + 1]) for i in range(n)]
        order = self.rng.permutation(n)
        return [sum(per_sample[i][k] / n for i in order) for k in range(len(per_sample[0]))]


class Drifting(ShuffledSums):
    """Each call's gradient grows by 1e-6 relative: more than any rounding."""

    def gradient(self, X, Y):
        self.calls = getattr(self, "calls", 0) + 1
        return [g * (1 + 1e-6 * self.calls) for g in self.net.gradient(X, Y)]


def wrapping(kind):
    def build(layer_sizes, activations, loss):
        return kind(BUILDS["reference"](layer_sizes, activations, loss))
    return build


def test_a_sum_in_another_order_is_repeatable_and_the_difference_is_noted():
    result = check(wrapping(ShuffledSums), names=[REPEAT]).results[0]
    assert result.status == "passed", result.line
    sizes = [float(note.split("differed by up to ")[1].split()[0]) for note in result.notes
             if "differed by up to" in note]
    assert sizes and all(0 < size < 1e-12 for size in sizes), result.notes


def test_a_drift_beyond_the_tolerance_fails_and_shows_its_size():
    result = check(wrapping(Drifting), names=[REPEAT]).results[0]
    assert result.status == "FAILED", result.line
    assert "largest difference: " in result.details()


class Float32(Wrapped):
    """The reference, its answers rounded to float32; ``error`` adds a relative error to db of the
    output layer (0: a correct float32 network)."""

    error = 0.0

    def forward(self, X):
        return self.net.forward(X).astype(np.float32)

    def loss(self, X, Y):
        return np.float32(self.net.loss(X, Y))

    def gradient(self, X, Y):
        grads = [g.astype(np.float32) for g in self.net.gradient(X, Y)]
        grads[-1] = grads[-1] * np.float32(1 + self.error)
        return grads


class Float32Wrong(Float32):
    error = 1e-2


@pytest.mark.parametrize("kind, passes", [(Float32, True), (Float32Wrong, False)])
def test_a_float32_network_is_judged_at_float32s_tolerance_and_told_so(kind, passes):
    report = check(wrapping(kind), names=[GRADIENT, "forward_and_loss_equal_the_reference",
                                          "directional_derivative_equals_the_gradient"])
    assert report.precision == "float32" and "float32" in report.header("x")
    assert report.passed == passes, report.to_text("x")
    numeric = report.results[-1]
    assert numeric.status == "not applicable" and "float32" in numeric.reason


def test_a_float64_network_is_never_judged_at_float32s_tolerance():
    class Off(Wrapped):
        def gradient(self, X, Y):
            grads = self.net.gradient(X, Y)
            grads[-1] = grads[-1] * (1 + 1e-6)
            return grads
    report = check(wrapping(Off), names=[GRADIENT])
    assert report.precision == "float64" and not report.passed


class HalfAtTheKink(Wrapped):
    """A ReLU network whose derivative at z = 0 is 0.5 (any value in [0, 1] is a subgradient);
    the reference's is 0. It must pass: the checker never judges a derivative at a kink."""

    def gradient(self, X, Y):
        W, b = self.net.W, self.net.b
        a, zs, acts = X, [], []
        for l, name in enumerate(self.net.activation_names):
            acts.append(a)
            z = a @ W[l].T + b[l]
            zs.append(z)
            a = np.maximum(z, 0.0) if name == "relu" else z
        n = len(X)
        delta = (a - Y) / n
        grads = []
        for l in range(len(W) - 1, -1, -1):
            if self.net.activation_names[l] == "relu":
                delta = delta * np.where(zs[l] > 0, 1.0, np.where(zs[l] == 0, 0.5, 0.0))
            grads = [delta.T @ acts[l], delta.sum(axis=0)] + grads
            delta = delta @ W[l]
        return grads


def test_any_subgradient_at_a_relu_kink_passes():
    def build(layer_sizes, activations, loss):
        if set(activations) - {"relu", "identity"} or loss != "half_mse":
            raise NotImplementedError
        return HalfAtTheKink(BUILDS["reference"](layer_sizes, activations, loss))
    report = check(build, names=[GRADIENT, "directional_derivative_equals_the_gradient"])
    assert report.passed, report.to_text("x")


def test_a_build_that_refuses_some_widths_keeps_the_patterns_it_supports():
    def build(layer_sizes, activations, loss):
        if layer_sizes[-1] == 3:
            raise NotImplementedError("at most 2 outputs")
        return BUILDS["reference"](layer_sizes, activations, loss)
    report = check(build, names=[GRADIENT])
    assert report.passed and report.accepted.startswith("252 of 252"), report.to_text("x")


def test_a_build_importing_its_neighbour_when_called_works_from_another_folder(
        tmp_path, capsys, monkeypatch):
    (tmp_path / "student").mkdir()
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "student" / "helper_acts.py").write_text("def f(z):\n    return z\n")
    (tmp_path / "student" / "net.py").write_text(
        "import numpy as np\n"
        "def build(sizes, acts, loss):\n"
        "    import helper_acts\n"
        "    from reference import MLP\n"
        "    return MLP(sizes, acts, loss, rng=np.random.default_rng(0))\n")
    monkeypatch.chdir(tmp_path / "elsewhere")
    status = main(["check", str(tmp_path / "student" / "net.py"), "--json", "--property",
                   GRADIENT])
    report = json.loads(capsys.readouterr().out)
    assert status == 0 and report["passed"], report
    import sys
    assert str(tmp_path / "student") not in sys.path and "helper_acts" not in sys.modules


class Unsteady(Wrapped):
    """Right on every other call, counted over every network built: the same example fails
    once and passes the next time (what hypothesis calls flaky)."""

    calls = 0

    def gradient(self, X, Y):
        Unsteady.calls += 1
        grads = self.net.gradient(X, Y)
        return grads if Unsteady.calls % 2 else [2 * g for g in grads]


def test_an_unsteady_network_gets_a_verdict_not_a_traceback():
    def build(layer_sizes, activations, loss):
        return Unsteady(BUILDS["reference"](layer_sizes, activations, loss))
    report = check(build, names=[GRADIENT, REPEAT])
    assert {r.status for r in report.results} <= {"FAILED", "stopped"}, report.to_text("x")
    assert not report.passed and report.to_text("x")
