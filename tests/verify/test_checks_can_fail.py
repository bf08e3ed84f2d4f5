"""The checks can fail: each generic check of neuronnet/verify/checks/ is fed a deliberately broken
component (the pitfall catalogue's variants: classic backprop bugs of the source documents)
and must raise AssertionError, while the
correct component passes the same call. A check that cannot fail proves nothing."""

import numpy as np

from failing import case_of, fails, swap, with_loss
from models import MINE, REF
from neuronnet import Layer, Neuron
from neuronnet.losses import CrossEntropy
from neuronnet.optimizers import SGD, Momentum
from neuronnet.pitfalls import variants
from neuronnet.verify import checks

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
    case = case_of(["sigmoid", "sigmoid"])
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
    case = case_of(["identity", "identity"], seed=1)
    case = case.replace(X=case.X * 3)  # some z above 2
    bad = swap(identity=IdentityStep())
    checks.check_identity_collapse(MINE, case)
    fails(checks.check_identity_collapse, bad, case)
    fails(checks.check_gradient_numeric, case.build(bad), case.X, case.Y)


# ------------------------------------------------------------------ relu-grad-mutates-cache
def test_relu_mutating_its_cache_is_caught():
    case = case_of(["relu", "identity"], seed=2)
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
    case = case_of(["tanh", "identity"], "cross_entropy", seed=5)
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
    case = case_of(["tanh", "identity"], "cross_entropy", seed=6)
    fails(checks.check_backward_matches, with_loss(CELogitsGradient()), REF, case)
    fails(checks.check_gradient_numeric, case.build(with_loss(CELogitsGradient())), case.X,
          case.Y)


# ------------------------------------------------------------------ summed-loss
def test_summed_loss_is_caught_by_the_batch_properties():
    case = case_of(["tanh", "identity"], "cross_entropy", seed=7)
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
