"""The generic properties that judge one component, as data: each is a function of the
component under test and one drawn example, with the strategy that draws the example.

    prop = REGISTRY["cross_entropy_facts"]
    prop(CrossEntropy(), example)      # raises AssertionError when the property fails

The properties of a whole network are not here: they are the public checker's,
neuronnet.verify, which tests/verify/test_check.py runs on both models. Two here look inside the
neuron model (its neurons' stored values, one layer's backward).

A property is true of every correct component. tests/proofs/test_generic_properties.py runs each on
the real components (``prop.reals``); tests/pitfalls/test_catalogue.py runs the same functions on the
pitfall catalogue's buggy variants, which must fail them, and the catalogue names them by
their function's name. Examples are dicts of plain values (numbers, arrays, a :class:`Case`),
so a counterexample can be stored as JSON (:func:`to_plain`, :func:`from_plain`).
"""
import numpy as np
from hypothesis import assume
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from models import (
    ACTIVATION_OBJECTS,
    ADAMS,
    BINARY_CROSS_ENTROPIES,
    CROSS_ENTROPIES,
    INITIAL,
    MINE,
    MOMENTA,
    REF,
    RMSPROPS,
    blobs,
    make_model,
)
from neuronnet import training
from neuronnet.pitfalls import variants
from neuronnet.training.schedules import LossThreshold
from neuronnet.verify import checks
from neuronnet.verify.checks.compare import call_or_fail
from neuronnet.verify.plain import from_plain, to_plain  # noqa: F401 - the suite's JSON
from neuronnet.verify.properties import assume_measurable_direction
from strategies import (
    BOOK_OPTIMIZERS,
    NUMERIC_KINK_MARGIN,
    cases,
    distinct_arrays,
    seeds,
    targets,
    training_cases,
)

REGISTRY = {}
BOTH = {"neuronnet": MINE, "reference": REF}
ONLY_MINE = {"neuronnet": MINE}   # compared with the reference inside: REF against itself shows nothing
BATCH_MODES = st.sampled_from(["online", "minibatch", "full", "sampled"])
OPTIMIZERS = st.sampled_from(BOOK_OPTIMIZERS)


class Generic:
    """One property: ``fn(component, **example)``; ``takes`` names the component's parameter."""

    def __init__(self, fn, takes, reals, budget, strategies):
        self.fn, self.takes, self.reals, self.budget = fn, takes, reals, budget
        self.name = fn.__name__
        self.strategy = st.fixed_dictionaries(strategies)

    def __call__(self, component, example):
        self.fn(**{self.takes: component}, **example)

    def __repr__(self):
        return f"Generic({self.name})"


def generic(takes, reals, budget, **strategies):
    def register(fn):
        REGISTRY[fn.__name__] = Generic(fn, takes, reals, budget, strategies)
        return fn
    return register


# --- inside the neuron model (the network-level properties are neuronnet.verify's) -------------
@generic("make", ONLY_MINE, 100, case=cases())
def every_neuron_holds_the_reference_values(make, case):
    checks.check_neuron_state_matches(make, REF, case)


@st.composite
def one_layer_and_upstream(draw):
    case = draw(cases(max_layers=1))
    return case, draw(distinct_arrays((case.X.shape[0], case.weights[0].shape[0])))


@generic("make", ONLY_MINE, 100, example=one_layer_and_upstream())
def layer_backward_is_linear_in_the_upstream_gradient(make, example):
    case, upstream = example
    layer = case.build(make).layers[0]
    checks.check_layer_backward_linear(layer, case.X, upstream, case.describe())


@generic("make", BOTH, 50, case=training_cases(min_batch=2), k=st.integers(1, 4), seed=seeds(),
         optimizer=OPTIMIZERS)
def sampled_mode_is_online_training_on_every_kth_sample(make, case, k, seed, optimizer):
    checks.check_sampled_is_online_on_every_kth(make, case, k, seed, optimizer=optimizer)


def _set_shared_bias(layer):
    def set_bias(model, value):
        model.layers[layer].bias = float(value)
        model.layers[layer].tie_biases()
    return set_bias


@generic("layer_class", {"variants.SharedBiasLayer": variants.SharedBiasLayer}, 30,
         case=cases(max_layers=3, kink_margin=NUMERIC_KINK_MARGIN), layer=st.integers(0, 2))
def shared_layer_bias_is_one_tied_bias(layer_class, case, layer):
    """Pins a quirk (a layer whose neurons share one bias), so its one real is the quirk."""
    layer %= len(case.weights)
    beta = float(case.biases[layer][0])
    biases = [np.array(b) for b in case.biases]
    biases[layer] = np.full_like(biases[layer], beta)
    tied_case = case.replace(biases=biases)
    # Measurable along the tie (a unit direction over the layer's biases), judged on the oracle.
    u = [np.zeros_like(p) for p in tied_case.params()]
    u[2 * layer + 1] = np.ones_like(biases[layer]) / np.sqrt(biases[layer].size)
    assume_measurable_direction(tied_case, u)
    shared = tied_case.build(MINE)
    shared.layers[layer] = layer_class(shared.layers[layer].neurons, beta)
    checks.check_shared_bias_is_tied(shared, tied_case.build(MINE), case.X, case.Y, layer,
                                     _set_shared_bias(layer), context=tied_case.describe())


# --- the training loop --------------------------------------------------------------------------
@generic("train", {"training.train": training.train}, 15, seed=st.integers(0, 2**16),
         epochs=st.integers(1, 6), kind=st.sampled_from(["neuron", "reference"]),
         batch_mode=BATCH_MODES, lr=st.sampled_from([0.05, 0.5, 3.0]))
def best_model_is_a_snapshot_with_the_lowest_validation_loss(train, seed, epochs, kind,
                                                             batch_mode, lr):
    # lr up to 3.0 makes the validation loss go up and down, so the best epoch is often not the
    # last one: the case in which an alias (a best model that *is* the live one) shows.
    data, valid = blobs(seed, n=12), blobs(seed + 1, n=9)
    checks.check_best_model_snapshot(
        train, training.evaluate, lambda: make_model(kind, seed=seed), data, valid, seed,
        context=f"\n  model {kind}", epochs=epochs, batch_mode=batch_mode, batch_size=4,
        optimizer="momentum", lr=lr)


@generic("schedule", {"LossThreshold": LossThreshold}, 50,
         thresholds=st.lists(st.floats(1e-4, 10.0), min_size=1, max_size=5, unique=True),
         base=st.floats(1e-3, 1.0),
         factors=st.lists(st.floats(0.05, 0.95), min_size=5, max_size=5))
def loss_threshold_schedule_reaches_every_branch(schedule, thresholds, base, factors):
    # Rates that fall with the threshold: threshold k (descending) gets base * f_1 * ... * f_k.
    ordered = sorted(thresholds, reverse=True)
    rates = list(base * np.cumprod(factors[:len(ordered)]))
    steps = list(zip(ordered, rates))
    shuffled = steps[1:] + steps[:1]  # given in another order: the schedule must not care
    checks.check_schedule_reachable_and_monotone(schedule(base, shuffled), steps, base)


@generic("evaluate", {"training.evaluate": training.evaluate}, 15,
         kind=st.sampled_from(["neuron", "reference"]), seed=st.integers(0, 2**16),
         n=st.integers(1, 12), batch_size=st.integers(1, 5))
def evaluation_changes_no_parameter(evaluate, kind, seed, n, batch_size):
    dataset = blobs(seed, n=n)
    checks.check_evaluation_is_pure(
        lambda model, d: evaluate(model, d, batch_size), make_model(kind, seed=seed), dataset,
        context=f"\n  {kind} model, {n} samples from blobs({seed}), batches of {batch_size}")


@generic("split", {"split_indices": training.split_indices}, 30,
         labels=st.lists(st.integers(0, 3), min_size=4, max_size=60), stratified=st.booleans(),
         fractions=st.sampled_from([(0.8, 0.1, 0.1), (0.5, 0.5), (0.6, 0.2, 0.2), (0.7, 0.3)]),
         seed=seeds())
def split_is_a_partition(split, labels, stratified, fractions, seed):
    what = np.array(labels) if stratified else len(labels)
    try:
        parts = split(what, tuple(fractions), np.random.default_rng(seed))
    except ValueError:
        assume(False)  # a part would be empty: refused by the contract, not a partition to check
    checks.check_split_is_a_partition(parts, len(labels),
                                               context=f"\n  fractions {fractions}, seed {seed}")


# --- components ---------------------------------------------------------------------------------
# Away from ReLU's kink by more than a central difference's step, and beyond 2 (where a step
# function posing as identity's slope gives itself away) up to 6 (sigmoid and tanh unsaturated).
Z = st.one_of(st.floats(1e-3, 6.0), st.floats(-6.0, -1e-3))


@generic("activation", ACTIVATION_OBJECTS, 40,
         z=hnp.arrays(np.float64, st.integers(1, 12), elements=Z, unique=True))
def activation_derivative_is_the_slope_of_forward(activation, z):
    checks.check_activation(activation, z)


@st.composite
def logits_and_targets(draw, bound=10.0):
    """Logits (n, k) in [-bound, bound] (distinct entries) and cross-entropy targets: one-hot
    rows or distributions."""
    n, k = draw(st.integers(1, 6)), draw(st.integers(1, 6))
    logits = draw(hnp.arrays(np.float64, (n, k), unique=True, elements=st.floats(
        -bound, bound, allow_nan=False, allow_subnormal=False)))
    return logits, draw(targets("cross_entropy", n, k))


@generic("loss", CROSS_ENTROPIES, 50, example=logits_and_targets())
def cross_entropy_facts(loss, example):
    logits, T = example
    checks.check_cross_entropy(loss, logits, T)
    checks.check_loss_generic(loss, logits, T)


VECTORS = hnp.arrays(np.float64, 3, elements=st.floats(-3, 3, allow_subnormal=False))


@generic("optimizers", MOMENTA, 50, lr=st.floats(1e-4, 0.5), mu=st.floats(0.0, 0.99),
         w0=VECTORS, g=VECTORS)
def momentum_follows_the_heavy_ball_closed_form(optimizers, lr, mu, w0, g):
    make_momentum, make_sgd = optimizers
    checks.check_heavy_ball(make_momentum, lr, mu, w0, g, steps=20)
    checks.check_mu_zero_is_sgd(make_momentum, make_sgd, lr, w0, [g, 0.5 - g, g])
    checks.check_optimizer_fixed_points([lambda rate: make_momentum(rate, mu)], w0, g)


@generic("draw", INITIAL, 8, fan_in=st.integers(1, 64), fan_out=st.integers(1, 64),
         seed=seeds(), std=st.floats(1e-3, 1.0))
def initializer_is_symmetric_about_zero(draw, fan_in, fan_out, seed, std):
    checks.check_initializer_symmetric(draw, fan_in, fan_out, seed, std)


@st.composite
def logits_and_binary_targets(draw, bound=10.0):
    """Logits (n, k) in [-bound, bound] (distinct entries) and binary cross-entropy targets:
    0/1 labels or probabilities, one per output."""
    n, k = draw(st.integers(1, 6)), draw(st.integers(1, 4))
    logits = draw(hnp.arrays(np.float64, (n, k), unique=True, elements=st.floats(
        -bound, bound, allow_nan=False, allow_subnormal=False)))
    return logits, draw(targets("binary_cross_entropy", n, k))


@generic("loss", BINARY_CROSS_ENTROPIES, 50, example=logits_and_binary_targets())
def binary_cross_entropy_facts(loss, example):
    """The value is sum(softplus(a) - T a) / n and the gradient (sigmoid(a) - T) / n, at the
    drawn logits and at 100 times them (up to +-1000, where a sigmoid rounds to 0 or 1); plus
    what any loss is (finite, >= 0, the gradient the slope of the value, a mean)."""
    logits, T = example
    n = logits.shape[0]
    for a in (logits, 100.0 * logits):
        ctx = f"\n  logits =\n    {checks.fmt(a)}\n  T =\n    {checks.fmt(T)}"
        with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
            value = call_or_fail("loss.value(a, T)", loss.value, a, T, context=ctx)
            gradient = call_or_fail("loss.gradient(a, T)", loss.gradient, a, T, context=ctx)
        # np.logaddexp(0, a) = log(1 + e^a), the softplus, by numpy's stable route.
        checks.assert_close("binary cross-entropy value", value,
                            float(np.sum(np.logaddexp(0.0, a) - T * a)) / n,
                            *checks.FORWARD_TOL, context=ctx)
        with np.errstate(over="ignore"):
            p = 1.0 / (1.0 + np.exp(-a))
        checks.assert_close("binary cross-entropy gradient", gradient, (p - T) / n,
                            *checks.GRADIENT_TOL, context=ctx)
    checks.check_loss_generic(loss, logits, T)


def adam_closed_form(w0, g, lr, beta1, beta2, eps, t):
    """Adam from v = s = 0 under a constant gradient g: v_t = (1 - beta1^t) g and s_t =
    (1 - beta2^t) g^2, so the bias correction cancels both factors and step t is
    ``-lr * c g / (c |g| + eps)`` with ``c = sqrt(1 - beta2^t)``: about lr * sign(g) each."""
    w = np.array(w0, dtype=np.float64)
    for k in range(1, t + 1):
        c = np.sqrt(1.0 - beta2 ** k)
        w = w - lr * c * g / (c * np.abs(g) + eps)
    return w


@generic("make_adam", ADAMS, 50, lr=st.floats(1e-4, 0.5), beta1=st.floats(0.0, 0.99),
         beta2=st.floats(0.5, 0.9999), w0=VECTORS, g=VECTORS)
def adam_follows_its_bias_corrected_closed_form(make_adam, lr, beta1, beta2, w0, g):
    """Under a constant gradient every Adam step is the closed form's, for a weight vector and
    for a bias (a float); lr = 0 changes nothing."""
    adam = make_adam(lr, beta1, beta2, 1e-8)
    for w, g_w in ((np.array(w0), np.array(g)), (float(w0[0]), float(g[0]))):
        cur, v, s = w, 0.0 * w, 0.0 * w
        for t in range(1, 21):
            cur, v, s = adam.move(cur, g_w, v, s, t)
            checks.assert_close(f"Adam after {t} steps vs the closed form", cur,
                                adam_closed_form(w, g_w, lr, beta1, beta2, 1e-8, t),
                                *checks.TRAJECTORY_TOL,
                                context=f"  {adam!r}, constant g = {checks.fmt(g_w)}, "
                                        f"w_0 = {checks.fmt(w)}")
    frozen = make_adam(0.0, beta1, beta2, 1e-8)
    checks.assert_equal("Adam with lr = 0", frozen.move(np.array(w0), g, 0.0, 0.0, 1)[0],
                        np.array(w0), f"  {frozen!r}")


@generic("make_rmsprop", RMSPROPS, 50, lr=st.floats(1e-4, 0.5), rho=st.floats(0.0, 0.999),
         w0=VECTORS, g=VECTORS)
def rmsprop_follows_its_closed_form(make_rmsprop, lr, rho, w0, g):
    """Under a constant gradient from s = 0, s_t = (1 - rho^t) g^2 and step t is
    ``-lr g / (sqrt(1 - rho^t) |g| + eps)``: no bias correction, so the first steps are the
    largest."""
    rmsprop = make_rmsprop(lr, rho, 1e-8)
    for w, g_w in ((np.array(w0), np.array(g)), (float(w0[0]), float(g[0]))):
        cur, v, s, expected = w, 0.0 * w, 0.0 * w, w
        for t in range(1, 21):
            cur, v, s = rmsprop.move(cur, g_w, v, s, t)
            expected = expected - lr * g_w / (np.sqrt(1.0 - rho ** t) * np.abs(g_w) + 1e-8)
            checks.assert_close(f"RMSProp after {t} steps vs the closed form", cur, expected,
                                *checks.TRAJECTORY_TOL,
                                context=f"  {rmsprop!r}, constant g = {checks.fmt(g_w)}")
