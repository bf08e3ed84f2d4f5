"""The checks can fail: each generic check in tests/checks/ is fed a deliberately broken
component (the pitfall catalogue's variants: classic backprop bugs of the source documents)
and must raise AssertionError, while the
correct component passes the same call. A check that cannot fail proves nothing."""
import inspect

import numpy as np
import pytest

from models import MINE, REF
from neuronnet import Layer, Neuron
from neuronnet.convert import from_arrays
from neuronnet.losses import CrossEntropy, HalfMSE
from neuronnet.optimizers import SGD, Momentum
from neuronnet.pitfalls import variants
from neuronnet.verify import checks
from strategies import NUMERIC_KINK_MARGIN, random_case

# ------------------------------------------------------------------ the broken components
# The pitfall catalogue's own buggy variants (neuronnet/pitfalls/variants.py), not copies.
SigmoidOfOutput = variants.SigmoidDerivativeOfOutput
IdentityStep = variants.IdentityStepDerivative
ReLUMutatesCache = variants.ReLUDerivativeInPlace
MomentumNoVelocity = variants.MomentumWithoutVelocity
CELogitsGradient = variants.CrossEntropyGradientOnLogits
SummedCE = variants.CrossEntropySummed
UnstableSoftmaxCE = variants.CrossEntropyNaiveSoftmax
NeuronMutatesUpstream = variants.NeuronZeroingUpstream


def swap(**by_name):
    """MINE with the activations of these names replaced by buggy objects."""
    (name, activation), = by_name.items()
    return variants.NetworkFactory(f"{name} swapped", activation=activation)


def with_loss(bad_loss):
    """MINE whatever the loss asked for: ``bad_loss`` stands in for it."""
    def make(weights, biases, activations, loss):
        return from_arrays(weights, biases, activations, bad_loss)
    return make


def _case(acts, loss="half_mse", sizes=(3, 4, 2), n=5, seed=0, margin=NUMERIC_KINK_MARGIN):
    return random_case(np.random.default_rng(seed), list(sizes), list(acts), loss, n,
                       kink_margin=margin)


# Every failure must carry the context it was given: the case (architecture, input) a caller
# hands in is what a teacher reads first. A check that takes ``context`` gets this marker.
CONTEXT = "  <the caller's context: architecture and input>"


def fails(check, *args, **kwargs):
    """The message of the AssertionError ``check`` must raise, checked for what every failure
    shows: the caller's context, and for a comparison the quantity named in its first line and
    both sides in full (:func:`checks.fmt`)."""
    given = "context" in kwargs or len(args) >= _context_position(check)
    if not given and _context_position(check) < 10**6:
        kwargs["context"] = CONTEXT
    with pytest.raises(AssertionError) as info:
        check(*args, **kwargs)
    message = str(info.value)
    if not given and _context_position(check) < 10**6:
        assert CONTEXT in message, f"{check.__name__}: the failure lost the context:\n{message}"
    for case in (a for a in (*args, *kwargs.values()) if hasattr(a, "describe")):
        assert case.describe() in message, \
            f"{check.__name__}: the failure does not describe the case:\n{message}"
    if isinstance(info.value, checks.Mismatch):
        error = info.value
        assert isinstance(error.name, str) and error.name and \
            error.name.split()[0] in message.split("\n")[0], \
            f"{check.__name__}: the failure's first line does not name the quantity:\n{message}"
        assert checks.fmt(error.mine) in message and checks.fmt(error.ref) in message, \
            f"{check.__name__}: the failure does not show both sides:\n{message}"
    return message


def _context_position(check):
    """Where ``check`` takes ``context`` among its positional arguments (10**6: it has none)."""
    names = list(inspect.signature(check).parameters)
    return names.index("context") if "context" in names else 10**6


# ------------------------------------------------------------------ assert_close itself
def test_assert_close_message_and_scaling():
    checks.assert_close("x", [1.0, 2.0], [1.0, 2.0 + 1e-11], *checks.FORWARD_TOL)
    msg = fails(checks.assert_close, "dW_0", [1.0, 2.5], [1.0, 2.0], *checks.GRADIENT_TOL,
                context="  architecture [3, 2]")
    assert "dW_0" in msg and "architecture [3, 2]" in msg and "(1,)" in msg
    assert "relative error 2.500e-01" in msg and "2.5" in msg
    # atol scales with s = max(1, max|ref|): 1e-12 * 1e6 absolute slack on a near-zero entry.
    checks.assert_close("scaled", [1e6, 5e-7], [1e6, 0.0], *checks.FORWARD_TOL)
    fails(checks.assert_close, "unscaled", [1.0, 5e-7], [1.0, 0.0], *checks.FORWARD_TOL)
    fails(checks.assert_close, "nan", [np.nan], [1.0], *checks.FORWARD_TOL)
    fails(checks.assert_close, "shape", [1.0, 2.0], [1.0], *checks.FORWARD_TOL)
    fails(checks.assert_equal, "bits", [1.0 + 2 ** -52], [1.0])


# ------------------------------------------------------------------ derivative-of-output
def test_derivative_of_output_is_caught():
    case = _case(["sigmoid", "sigmoid"])
    bad = swap(sigmoid=SigmoidOfOutput())
    checks.check_backward_matches(MINE, REF, case)
    msg = fails(checks.check_backward_matches, bad, REF, case)
    assert "delta_1" in msg  # found at the output layer first
    fails(checks.check_gradient_numeric, case.build(bad), case.X, case.Y)
    fails(checks.check_activation, SigmoidOfOutput(), np.linspace(-2, 2, 9))
    u = checks.random_direction([p.shape for p in case.params()], np.random.default_rng(0))
    fails(checks.check_gradient_directional, case.build(bad), case.X, case.Y, u)
    fails(checks.check_first_order_descent, case.build(bad), case.X, case.Y)
    fails(checks.check_training_matches, bad, REF, case,
          dict(epochs=3, batch_mode="online", optimizer="sgd", lr=0.1), 0)


def test_identity_derivative_step_is_caught():
    case = _case(["identity", "identity"], seed=1)
    case = case.replace(X=case.X * 3)  # some z above 2
    bad = swap(identity=IdentityStep())
    checks.check_identity_collapse(MINE, case)
    fails(checks.check_identity_collapse, bad, case)
    fails(checks.check_gradient_numeric, case.build(bad), case.X, case.Y)


# ------------------------------------------------------------------ relu-grad-mutates-cache
def test_relu_mutating_its_cache_is_caught():
    case = _case(["relu", "identity"], seed=2)
    bad = swap(relu=ReLUMutatesCache())
    checks.check_neuron_state_matches(MINE, REF, case)
    msg = fails(checks.check_neuron_state_matches, bad, REF, case)
    assert "z (after backward)" in msg
    fails(checks.check_activation, ReLUMutatesCache(), np.linspace(-2, 2, 9) + 0.05)
    layer = case.build(bad).layers[0]
    fails(checks.check_layer_backward_linear, layer, case.X,
          np.random.default_rng(0).normal(size=(case.X.shape[0], 4)))


# ------------------------------------------------------------------ backward-mutates-upstream
def test_backward_mutating_the_upstream_gradient_is_caught():
    rng = np.random.default_rng(3)
    X, upstream = rng.normal(size=(5, 3)), rng.normal(size=(5, 4))
    good = Layer([Neuron(rng.normal(size=3), 0.1 * j, "relu") for j in range(4)])
    checks.check_layer_backward_linear(good, X, upstream)
    bad = Layer([NeuronMutatesUpstream(n.weights, n.bias, "relu") for n in good.neurons])
    msg = fails(checks.check_layer_backward_linear, bad, X, upstream)
    assert "must not be written" in msg


# ------------------------------------------------------------------ momentum-overwrites-weights
def test_momentum_without_velocity_is_caught():
    rng = np.random.default_rng(4)
    w0, g = rng.uniform(-1, 1, 4), rng.uniform(-1, 1, 4)
    checks.check_optimizer_rule(Momentum(0.1, 0.9), "momentum", 0.1, 0.9, w0, [g, g, g])
    fails(checks.check_optimizer_rule, MomentumNoVelocity(0.1, 0.9), "momentum", 0.1, 0.9, w0,
          [g, g, g])
    fails(checks.check_heavy_ball, MomentumNoVelocity, 0.1, 0.9, w0, g)
    fails(checks.check_mu_zero_is_sgd, MomentumNoVelocity, SGD, 0.1, w0, [g, g])
    fails(checks.check_optimizer_fixed_points, [lambda lr: MomentumNoVelocity(lr, 0.9)], w0, g)
    case = _case(["tanh", "identity"], "cross_entropy", seed=5)
    fails(checks.check_train_step_follows_rule, MINE, case, "momentum", 0.1, 0.9,
          optimizer=MomentumNoVelocity(0.1, 0.9))
    fails(checks.check_training_matches, MINE, REF, case,
          dict(epochs=2, batch_mode="minibatch", batch_size=2, optimizer="momentum", lr=0.1,
               momentum=0.9), 0, mine_overrides={"optimizer": MomentumNoVelocity(0.1, 0.9)})


# ------------------------------------------------------------------ ce-gradient-on-logits
def test_cross_entropy_gradient_on_logits_is_caught():
    rng = np.random.default_rng(6)
    logits, T = rng.normal(0, 2, (4, 3)), np.eye(3)[[0, 2, 1, 1]]
    checks.check_cross_entropy(CrossEntropy(), logits, T)
    fails(checks.check_cross_entropy, CELogitsGradient(), logits, T)
    fails(checks.check_loss_generic, CELogitsGradient(), logits, T)
    case = _case(["tanh", "identity"], "cross_entropy", seed=6)
    fails(checks.check_backward_matches, with_loss(CELogitsGradient()), REF, case)
    fails(checks.check_gradient_numeric, case.build(with_loss(CELogitsGradient())), case.X,
          case.Y)


# ------------------------------------------------------------------ summed-loss
def test_summed_loss_is_caught_by_the_batch_properties():
    case = _case(["tanh", "identity"], "cross_entropy", seed=7)
    bad = with_loss(SummedCE())
    # Consistent with itself: the numeric gradient check passes...
    checks.check_gradient_numeric(case.build(bad), case.X, case.Y)
    # ...but the batch properties and the reference do not.
    checks.check_batch_duplication(case.build(MINE), case.X, case.Y)
    fails(checks.check_batch_duplication, case.build(bad), case.X, case.Y)
    fails(checks.check_batch_is_mean, case.build(bad), case.X, case.Y)
    fails(checks.check_loss_generic, SummedCE(), case.Y + 0.5, case.Y)
    fails(checks.check_forward_matches, bad, REF, case)


# ------------------------------------------------------------------ softmax-overflow, log-of-zero
def test_unstable_softmax_is_caught():
    logits = np.array([[800.0, -800.0, 0.0], [1.0, 2.0, 3.0]])
    T = np.eye(3)[[1, 0]]
    checks.check_softmax(CrossEntropy().softmax, logits)
    fails(checks.check_softmax, UnstableSoftmaxCE().softmax, logits)
    fails(checks.check_softmax, UnstableSoftmaxCE().softmax, np.array([[1.0, 2.0, 3.0]]))
    fails(checks.check_cross_entropy, UnstableSoftmaxCE(), logits, T)


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
    case = _case(["tanh", "sigmoid"], seed=8, n=4)
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
    case = _case(["tanh", "identity"], seed=9)

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
    case = _case(["relu", "identity"], seed=10)

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
    case = _case(["relu", "identity"], seed=10)

    def make(weights, biases, activations, loss):
        if defect == "the model refuses read-only arrays":
            weights[0][0, 0] = weights[0][0, 0]
        return Mutating(MINE(weights, biases, activations, loss), defect, weights)
    message = fails(checks.check_no_mutation, make, case, dict(epochs=1, batch_mode="online"))
    assert message.startswith(NO_MUTATION_BREAKS[defect]), message


def test_training_checks_can_fail():
    case = _case(["tanh", "identity"], "cross_entropy", seed=11, n=6)
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
    case = _case(["tanh", "identity"], seed=12)
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
