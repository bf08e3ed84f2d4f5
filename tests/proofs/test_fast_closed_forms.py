"""The fast tier: closed forms and tiny nets, no hypothesis (docs/design.md).

- optimizers: the contract's rules bitwise, heavy ball's closed form, Nesterov's first step,
  mu = 0 is SGD, lr = 0 and a zero gradient change nothing (item 10), for neuronnet's optimizer
  objects and, through ``train_step``, for both models;
- softmax and the losses: row sums, shift invariance (+1000), (p - T)/n, log K at zero logits,
  finite and >= 0 (item 8), for neuronnet's loss objects and, through a one-layer identity
  network, for both models;
- exhaustive coordinate-wise gradient checks on tiny nets, every activation x loss pair, biases
  included, both models (item 3);
- identity activations collapse to a linear map with the closed-form gradient (item 12);
- the same seed gives the same initial parameters in both models, for every init (item 13).
"""
import numpy as np
import pytest

import reference
from models import INITS, MINE, REF, ActivationLayer, LossLayer, ref_momentum, ref_nesterov, ref_sgd
from neuronnet import activations as nn_activations
from neuronnet import losses as nn_losses
from neuronnet import optimizers as nn_optimizers
from neuronnet.verify import checks
from strategies import ACTIVATIONS, LOSSES, NUMERIC_KINK_MARGIN, random_case

MODELS = {"neuronnet": MINE, "reference": REF}
model_param = pytest.mark.parametrize("make", list(MODELS.values()), ids=list(MODELS))


# ----------------------------------------------------------------------------- item 10
LR_MU = [(0.1, 0.9), (0.05, 0.5), (0.01, 0.99), (0.3, 0.0)]


def _grads(rng, shape, k=6):
    return [rng.uniform(-2, 2, shape) for _ in range(k)]


@pytest.mark.parametrize("lr, mu", LR_MU)
def test_optimizer_objects_follow_the_contract_rules_bitwise(lr, mu):
    rng = np.random.default_rng(0)
    w0 = rng.uniform(-1, 1, 5)
    grads = _grads(rng, 5)
    checks.check_optimizer_rule(nn_optimizers.SGD(lr), "sgd", lr, mu, w0, grads)
    checks.check_optimizer_rule(nn_optimizers.Momentum(lr, mu), "momentum", lr, mu, w0, grads)
    checks.check_optimizer_rule(nn_optimizers.Nesterov(lr, mu), "nesterov", lr, mu, w0, grads)


@pytest.mark.parametrize("lr, mu", [(0.1, 0.9), (0.05, 0.5), (0.01, 0.99), (0.1, 0.0)])
def test_heavy_ball_closed_form(lr, mu):
    rng = np.random.default_rng(1)
    checks.check_heavy_ball(nn_optimizers.Momentum, lr, mu, rng.uniform(-1, 1, 4),
                            rng.uniform(-2, 2, 4), steps=50)


@pytest.mark.parametrize("lr, mu", LR_MU)
def test_nesterov_first_step(lr, mu):
    rng = np.random.default_rng(2)
    checks.check_nesterov_first_step(nn_optimizers.Nesterov, lr, mu, rng.uniform(-1, 1, 4),
                                     rng.uniform(-2, 2, 4))


@pytest.mark.parametrize("cls", [nn_optimizers.Momentum, nn_optimizers.Nesterov])
def test_mu_zero_is_sgd_bitwise(cls):
    rng = np.random.default_rng(3)
    checks.check_mu_zero_is_sgd(cls, nn_optimizers.SGD, 0.07, rng.uniform(-1, 1, 5),
                                _grads(rng, 5))


def test_lr_zero_and_zero_gradient_change_nothing():
    rng = np.random.default_rng(4)
    checks.check_optimizer_fixed_points(
        [nn_optimizers.SGD, lambda lr: nn_optimizers.Momentum(lr, 0.9),
         lambda lr: nn_optimizers.Nesterov(lr, 0.9)],
        rng.uniform(-1, 1, 5), rng.uniform(-2, 2, 5))


@model_param
@pytest.mark.parametrize("rule", ["sgd", "momentum", "nesterov"])
def test_train_step_follows_the_rule_bitwise(make, rule):
    case = random_case(np.random.default_rng(5), [3, 4, 2], ["tanh", "identity"],
                       "cross_entropy", 6)
    checks.check_train_step_follows_rule(make, case, rule, lr=0.1, mu=0.9, steps=4)


@model_param
@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "nesterov"])
def test_model_step_with_lr_zero_or_zero_gradient_changes_nothing(make, optimizer):
    case = random_case(np.random.default_rng(6), [3, 4, 2], ["sigmoid", "tanh"], "half_mse", 5)
    model = case.build(make)
    before = model.parameters()
    for _ in range(3):
        model.train_step(case.X, case.Y, optimizer=optimizer, lr=0.0, momentum=0.9)
    checks.assert_params("parameters after train_step with lr=0", model.parameters(), before,
                         None, case.describe())
    fresh = case.build(make)
    Y = fresh.forward(case.X)  # half-MSE at its minimum: the gradient is exactly zero
    for _ in range(3):
        fresh.train_step(case.X, Y, optimizer=optimizer, lr=0.1, momentum=0.9)
    checks.assert_params("parameters after train_step with a zero gradient",
                         fresh.parameters(), before, None, case.describe())


# ----------------------------------------------------------------------------- item 8
class LossThroughModel:
    """A model's loss seen as a loss object: a one-layer identity network with W = I, b = 0
    outputs its input exactly, so ``value(a, T) = model.loss(a, T)`` and ``dL/da`` is that
    layer's delta."""

    def __init__(self, make, k, loss):
        self.model = make([np.eye(k)], [np.zeros(k)], ["identity"], loss)
        self.name = loss

    def value(self, a, T):
        return self.model.loss(a, T)

    def gradient(self, a, T):
        self.model.gradient(a, T)
        return self.model.deltas()[0]

    def softmax(self, a):
        raise NotImplementedError

    def __repr__(self):
        return f"LossThroughModel({self.name})"


def _logits_and_targets(seed, n=5, k=4):
    rng = np.random.default_rng(seed)
    logits = rng.normal(0, 3, (n, k))
    T = np.eye(k)[rng.integers(0, k, n)]
    T[-1] = rng.dirichlet(np.ones(k))  # one row a distribution, not one-hot
    return logits, T


@pytest.mark.parametrize("seed", range(3))
def test_softmax_facts(seed):
    logits, _ = _logits_and_targets(seed)
    checks.check_softmax(nn_losses.CrossEntropy().softmax, logits)
    checks.check_softmax(nn_losses.CrossEntropy().softmax, np.array([[0.0, 0.0, 0.0]]))
    checks.check_softmax(nn_losses.CrossEntropy().softmax, np.array([[800.0, -800.0, 0.0]]))


@pytest.mark.parametrize("which", ["neuronnet", "neuronnet model", "reference model"])
@pytest.mark.parametrize("seed", range(3))
def test_cross_entropy_facts(which, seed):
    logits, T = _logits_and_targets(seed)
    loss = {"neuronnet": nn_losses.CrossEntropy(),
            "neuronnet model": LossThroughModel(MINE, logits.shape[1], "cross_entropy"),
            "reference model": LossThroughModel(REF, logits.shape[1], "cross_entropy")}[which]
    checks.check_cross_entropy(loss, logits, T)
    checks.check_loss_generic(loss, logits, T)


@pytest.mark.parametrize("which", ["neuronnet", "neuronnet model", "reference model"])
@pytest.mark.parametrize("seed", range(3))
def test_half_mse_facts(which, seed):
    rng = np.random.default_rng(seed)
    a, T = rng.normal(0, 2, (5, 3)), rng.normal(0, 2, (5, 3))
    loss = {"neuronnet": nn_losses.HalfMSE(),
            "neuronnet model": LossThroughModel(MINE, 3, "half_mse"),
            "reference model": LossThroughModel(REF, 3, "half_mse")}[which]
    checks.check_half_mse(loss, a, T)
    checks.check_loss_generic(loss, a, T)


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activation_objects(name):
    z = np.linspace(-6, 6, 49) + 0.0123  # no z within 1e-2 of the ReLU kink
    assert np.min(np.abs(z)) > NUMERIC_KINK_MARGIN
    checks.check_activation(nn_activations.get_activation(name), z.reshape(7, 7))


def test_activations_do_not_overflow():
    z = np.array([-1000.0, -710.0, -50.0, 0.0, 50.0, 710.0, 1000.0])
    with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
        for name in ACTIVATIONS:
            act = nn_activations.get_activation(name)
            a, d = act.forward(z), act.derivative_from_z(z)
            assert np.isfinite(a).all() and np.isfinite(d).all(), (name, a, d)
    assert nn_activations.ReLU().derivative_from_z(np.array([0.0]))[0] == 0.0  # the contract


# ----------------------------------------------------------------------------- item 3
TINY = [([3, 4, 2], 5), ([2, 3], 4), ([2, 3, 3, 2], 3)]


@model_param
@pytest.mark.parametrize("loss", LOSSES)
@pytest.mark.parametrize("act", ACTIVATIONS)
def test_exhaustive_gradcheck_every_activation_and_loss(make, act, loss):
    for i, (sizes, n) in enumerate(TINY):
        # Every layer uses the activation (the output one too: the pair is exercised on both
        # sides of the loss); a second variant keeps an identity output for the classifier.
        for acts in ([act] * (len(sizes) - 1), [act] * (len(sizes) - 2) + ["identity"]):
            case = random_case(np.random.default_rng(100 + i), sizes, acts, loss, n,
                               kink_margin=NUMERIC_KINK_MARGIN)
            checks.check_gradient_numeric(case.build(make), case.X, case.Y, case.describe())


# ----------------------------------------------------------------------------- item 12
@model_param
@pytest.mark.parametrize("loss", LOSSES)
@pytest.mark.parametrize("sizes", [[3, 2], [3, 4, 2], [2, 5, 3, 4]])
def test_identity_activations_collapse_to_a_linear_map(make, loss, sizes):
    case = random_case(np.random.default_rng(7), sizes, ["identity"] * (len(sizes) - 1), loss,
                       6)
    checks.check_identity_collapse(make, case)


# ----------------------------------------------------------------------------- item 13 (init)
@pytest.mark.parametrize("init", ["coursework", "glorot_uniform", "he_normal", "normal"])
@pytest.mark.parametrize("sizes", [[3, 4, 2], [5, 1], [2, 6, 6, 3, 1]])
def test_same_seed_same_initial_parameters(init, sizes):
    for seed in (0, 12345):
        checks.check_same_init(INITS, sizes, ["tanh"] * (len(sizes) - 2) + ["identity"],
                               "half_mse", init, seed, std=0.05)


@pytest.mark.parametrize("lr, mu", LR_MU)
def test_reference_optimizers_follow_the_contract(lr, mu):
    rng = np.random.default_rng(10)
    w0, grads = rng.uniform(-1, 1, 5), _grads(rng, 5)
    checks.check_optimizer_rule(ref_sgd(lr), "sgd", lr, mu, w0, grads)
    checks.check_optimizer_rule(ref_momentum(lr, mu), "momentum", lr, mu, w0, grads)
    checks.check_optimizer_rule(ref_nesterov(lr, mu), "nesterov", lr, mu, w0, grads)
    checks.check_heavy_ball(ref_momentum, lr, mu, w0, grads[0], steps=50)
    checks.check_nesterov_first_step(ref_nesterov, lr, mu, w0, grads[0])
    checks.check_mu_zero_is_sgd(ref_momentum, ref_sgd, lr, w0, grads)
    checks.check_mu_zero_is_sgd(ref_nesterov, ref_sgd, lr, w0, grads)
    checks.check_optimizer_fixed_points([ref_sgd, lambda r: ref_momentum(r, mu),
                                         lambda r: ref_nesterov(r, mu)], w0, grads[0])


@pytest.mark.parametrize("seed", range(3))
def test_reference_softmax_and_losses(seed):
    logits, T = _logits_and_targets(seed)
    checks.check_softmax(reference.softmax, logits)
    checks.check_softmax(reference.softmax, np.array([[800.0, -800.0, 0.0]]))
    ce = LossLayer(reference.SoftmaxCrossEntropy())
    checks.check_cross_entropy(ce, logits, T)
    checks.check_loss_generic(ce, logits, T)
    rng = np.random.default_rng(seed)
    a, Y = rng.normal(0, 2, (5, 3)), rng.normal(0, 2, (5, 3))
    mse = LossLayer(reference.HalfMSE())
    checks.check_half_mse(mse, a, Y)
    checks.check_loss_generic(mse, a, Y)


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_reference_activation_layers(name):
    z = np.linspace(-6, 6, 49) + 0.0123
    checks.check_activation(ActivationLayer(reference.activation(name)), z.reshape(7, 7))
