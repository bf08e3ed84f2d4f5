"""The model-level checks can fail: each generic check of a whole model (sample order, row
coupling, repeatability, no writes into what it was handed, training, initializers, descent,
schedules) is fed a deliberately broken model and must raise AssertionError, while the correct
model passes the same call. A check that cannot fail proves nothing. The component checks are
in test_checks_can_fail.py."""

import numpy as np
import pytest

from failing import case_of, fails, with_loss
from models import MINE, REF
from neuronnet.convert import from_arrays
from neuronnet.losses import HalfMSE
from neuronnet.verify import checks


# ------------------------------------------------------------------ generic model-level checks
class Broken:
    """A model wrapper with a chosen defect, to show the model-level checks can fail."""

    def __init__(self, model, defect):
        self.model, self.defect = model, defect

    def __getattr__(self, name):
        return getattr(self.model, name)

    def forward(self, X):
        out = self.model.forward(X)
        if self.defect == "row-coupled":  # each output row depends on the batch mean
            out = out + 1e-3 * np.mean(X)
        return out

    def loss(self, X, Y):
        if self.defect == "row-coupled":
            return self.model.loss(X, Y) + 1e-3 * float(np.mean(X))
        return self.model.loss(X, Y)

    def gradient(self, X, Y):
        grads = self.model.gradient(X, Y)
        if self.defect == "order-dependent":  # weights the first sample more
            first = self.model.gradient(X[:1], Y[:1])
            grads = [g + 1e-3 * f for g, f in zip(grads, first)]
        if self.defect == "stateful":  # a gradient that drifts between calls
            self.calls = getattr(self, "calls", 0) + 1
            grads = [g * (1 + 1e-6 * self.calls) for g in grads]
        return grads


def test_model_level_checks_fail_on_broken_models():
    case = case_of(["tanh", "sigmoid"], seed=8, n=4)
    good = case.build(MINE)
    checks.check_sample_permutation(good, case.X, case.Y, np.array([3, 1, 0, 2]))
    checks.check_rowwise_forward(good, case.X)
    fails(checks.check_rowwise_forward, Broken(case.build(MINE), "row-coupled"), case.X)
    fails(checks.check_sample_permutation, Broken(case.build(MINE), "order-dependent"), case.X,
          case.Y, np.array([3, 1, 0, 2]))
    fails(checks.check_batch_is_mean, Broken(case.build(MINE), "order-dependent"), case.X,
          case.Y)
    # Hidden permutation: a factory that ignores the column order of W_{l+1}.
    def unpermuting(weights, biases, activations, loss):
        W = [np.array(w) for w in weights]
        W[1] = np.sort(W[1], axis=1)
        return from_arrays(W, biases, activations, loss)
    fails(checks.check_hidden_permutation, unpermuting, case, 0, np.array([1, 0, 2, 3]))
    checks.check_hidden_permutation(MINE, case, 0, np.array([1, 0, 2, 3]))


def test_zero_upstream_and_affine_checks_can_fail():
    case = case_of(["tanh", "identity"], seed=9)

    class Leaky(HalfMSE):  # a loss whose gradient is not zero at a == T
        def gradient(self, a, t):
            return (a - t) / a.shape[0] + 1e-12

    def make(weights, biases, activations, loss):
        return from_arrays(weights, biases, activations, Leaky())
    fails(checks.check_zero_upstream, make, case)
    checks.check_zero_upstream(MINE, case)

    class Squared(HalfMSE):  # gradient not affine in the targets
        def gradient(self, a, t):
            return (a - t) * np.abs(a - t) / a.shape[0]
    model = with_loss(Squared())(case.weights, case.biases, case.activations, case.loss)
    fails(checks.check_gradient_affine_in_targets, model, case.X, case.Y, case.Y + 1.0)


def test_no_mutation_check_can_fail():
    case = case_of(["relu", "identity"], seed=10)

    class Stateful(Broken):
        def train_step(self, X, Y, **kw):
            return self.model.train_step(X, Y, **kw)

        def fit(self, X, Y, **kw):
            X[0, 0] += 1.0  # writes into the caller's data
            return self.model.fit(X, Y, **kw)

    def make(weights, biases, activations, loss):
        return Stateful(MINE(weights, biases, activations, loss), "none")
    msg = fails(checks.check_no_mutation, make, case, dict(epochs=1, batch_mode="online"))
    assert "fit" in msg
    def drifting(weights, biases, activations, loss):
        return Broken(MINE(weights, biases, activations, loss), "stateful")
    fails(checks.check_no_mutation, drifting, case, dict(epochs=1, batch_mode="online"))
    checks.check_no_mutation(MINE, case, dict(epochs=1, batch_mode="online"))


def _write(a):
    """Write into ``a`` even if it was handed over read-only (it owns its data, so a devious
    model can make it writable again)."""
    a.setflags(write=True)
    a.flat[0] += 1.0


class Mutating(Broken):
    """A model that breaks the no-mutation contract in one named way."""

    def __init__(self, model, defect, weights=None):
        super().__init__(model, defect)
        self.weights = weights

    def forward(self, X):
        if self.defect == "forward refuses read-only X":
            X[0, 0] = X[0, 0]
        if self.defect == "forward drifts after gradients" and getattr(self, "calls", 0) >= 2:
            return self.model.forward(X) + 1.0
        return self.model.forward(X)

    def loss(self, X, Y):
        if self.defect == "loss refuses read-only Y":
            Y[0, 0] = Y[0, 0]
        return self.model.loss(X, Y)

    def gradient(self, X, Y):
        self.calls = getattr(self, "calls", 0) + 1
        if self.defect == "gradient refuses read-only X":
            X[0, 0] = X[0, 0]
        if self.defect == "the second gradient raises" and self.calls == 2:
            raise RuntimeError("stale cache")
        grads = self.model.gradient(X, Y)
        if self.defect == "the second gradient differs" and self.calls == 2:
            grads = [g + 1.0 for g in grads]
        if self.defect == "gradient steps the parameters" and self.calls == 2:
            self.model.set_parameters([p - 0.1 * g for p, g in zip(self.model.parameters(),
                                                                      grads)])
        return grads

    def deltas(self):
        deltas = [np.array(d) for d in self.model.deltas()]
        if self.defect == "the second deltas differ" and self.calls == 2:
            deltas[0] = deltas[0] + 1.0
        return deltas

    def parameters(self):
        if self.defect == "parameters() hands out its own arrays":
            self._own = getattr(self, "_own", None) or self.model.parameters()
            return self._own
        return self.model.parameters()

    def train_step(self, X, Y, **kw):
        if self.defect == "train_step refuses read-only X":
            X[0, 0] = X[0, 0]
        return self.model.train_step(X, Y, **kw)

    def fit(self, X, Y, **kw):
        if self.defect == "fit writes into X":
            _write(X)
        if self.defect == "fit writes into Y":
            _write(Y)
        if self.defect == "fit writes into the caller's weights":
            _write(self.weights[0])
        return self.model.fit(X, Y, **kw)


NO_MUTATION_BREAKS = {  # the defect: what the failure must name
    "the model refuses read-only arrays": "building the model from read-only arrays raised",
    "forward refuses read-only X": "forward(read-only X) raised",
    "loss refuses read-only Y": "loss(read-only X, Y) raised",
    "gradient refuses read-only X": "gradient(read-only X, Y) raised",
    "the second gradient raises": "second gradient(X, Y) raised",
    "the second gradient differs": "second gradient without a step vs the first W_0",
    "the second deltas differ": "delta_0 of the second gradient vs the first",
    "gradient steps the parameters": "parameters after forward, loss and two gradients W_0",
    "forward drifts after gradients": "forward after two gradients vs before",
    "parameters() hands out its own arrays":
        "parameters after writing into the arrays parameters() returned W_0",
    "train_step refuses read-only X": "train_step(read-only X, Y) raised",
    "fit writes into X": "X after forward/gradient/train_step/fit",
    "fit writes into Y": "Y after forward/gradient/train_step/fit",
    "fit writes into the caller's weights": "caller's W_0 after training",
}


@pytest.mark.parametrize("defect", NO_MUTATION_BREAKS)
def test_each_way_of_breaking_the_no_mutation_contract_is_named(defect):
    case = case_of(["relu", "identity"], seed=10)

    def make(weights, biases, activations, loss):
        if defect == "the model refuses read-only arrays":
            weights[0][0, 0] = weights[0][0, 0]
        return Mutating(MINE(weights, biases, activations, loss), defect, weights)
    message = fails(checks.check_no_mutation, make, case, dict(epochs=1, batch_mode="online"))
    assert message.startswith(NO_MUTATION_BREAKS[defect]), message


def test_training_checks_can_fail():
    case = case_of(["tanh", "identity"], "cross_entropy", seed=11, n=6)
    kw = dict(epochs=2, batch_mode="minibatch", batch_size=4, optimizer="sgd", lr=0.1)
    checks.check_training_repeatable(MINE, case, kw, 0)
    checks.check_fit_follows_contract(MINE, case, kw, 0)

    class Noisy(Broken):  # shuffles with its own unseeded generator
        def fit(self, X, Y, *, rng=None, **kw):
            return self.model.fit(X, Y, rng=np.random.default_rng(), **kw)

    def noisy(weights, biases, activations, loss):
        return Noisy(MINE(weights, biases, activations, loss), "none")
    fails(checks.check_training_repeatable, noisy, case, kw, 0)

    class LastBatchDropped(Broken):  # minibatch mode that skips the short last batch
        def fit(self, X, Y, *, rng=None, **kw):
            n = (X.shape[0] // kw["batch_size"]) * kw["batch_size"]
            order = rng.permutation(X.shape[0])[:n]
            return self.model.fit(X[order], Y[order], shuffle=False,
                                  **{k: v for k, v in kw.items() if k != "shuffle"})

    def dropping(weights, biases, activations, loss):
        return LastBatchDropped(MINE(weights, biases, activations, loss), "none")
    fails(checks.check_fit_follows_contract, dropping, case, dict(kw, epochs=1), 0)
    fails(checks.check_training_matches, dropping, REF, case, dict(kw, epochs=1), 0)


def test_init_check_can_fail():
    from models import INITS
    checks.check_same_init(INITS, [3, 4, 2], ["tanh", "identity"], "half_mse",
                           "glorot_uniform", 0)

    def transposed(sizes, activations, loss, init, rng, std):
        # draws (fan_in, fan_out) and transposes: same numbers, wrong neurons
        W = [rng.uniform(-np.sqrt(6 / (a + b)), np.sqrt(6 / (a + b)), (a, b)).T
             for a, b in zip(sizes, sizes[1:])]
        return from_arrays(W, [np.zeros(b) for b in sizes[1:]], activations, loss)
    fails(checks.check_same_init, {"transposed": transposed}, [3, 4, 2], ["tanh", "identity"],
          "half_mse", "glorot_uniform", 0)


def test_first_order_descent_fails_for_a_scaled_gradient():
    case = case_of(["tanh", "identity"], seed=12)
    checks.check_first_order_descent(case.build(MINE), case.X, case.Y)

    class Scaled(Broken):
        def gradient(self, X, Y):
            return [1.5 * g for g in self.model.gradient(X, Y)]
    fails(checks.check_first_order_descent, Scaled(case.build(MINE), "none"), case.X, case.Y)


class RisesBelowTheSmallest:
    """A loss-threshold schedule whose every branch is reachable, and whose loss above all
    thresholds gets the base rate, but whose rate jumps back to the base rate once the loss
    falls below a third of the smallest threshold: it rises as the loss falls."""

    def __init__(self, base_lr, steps):
        from neuronnet.training.schedules import LossThreshold
        self.inner, self.base_lr, self.low = LossThreshold(base_lr, steps), base_lr, \
            min(t for t, _ in steps) / 3

    def rate(self, epoch, loss):
        return self.base_lr if loss < self.low else self.inner.rate(epoch, loss)


def test_the_schedule_check_sees_a_rate_that_rises_as_the_loss_falls():
    steps = [(1.0, 0.05), (0.1, 0.01)]
    from neuronnet.training.schedules import LossThreshold
    checks.check_schedule_reachable_and_monotone(LossThreshold(0.1, steps), steps, 0.1)
    message = fails(checks.check_schedule_reachable_and_monotone,
                    RisesBelowTheSmallest(0.1, steps), steps, 0.1)
    assert message.startswith("schedule: the rate rises as the loss falls: at loss 0.0333"), \
        message
    assert "it is 0.01, just below it 0.1" in message, message
