"""The generic properties of a network, each true of every correct backprop, checked on any
network that meets the contract (contract.py).

Each property is a function ``fn(make, example)``: ``make(weights, biases, activations, loss)``
builds the network under test with the given parameters, ``example`` is a dict whose ``case`` is
one network and one batch (checks.Case). It raises AssertionError when the property fails. The
oracle is the independent reference, ``reference.MLP``; nothing of the neuron model is used.

Preconditions are judged on the oracle, never on the network under test: an example on which
the reference itself cannot be measured (a directional derivative lost in rounding, a loss
curving faster than the finite-difference step) is rejected, not failed.
"""
from dataclasses import dataclass

import numpy as np
from hypothesis import assume
from hypothesis import strategies as st

from reference import MLP

from . import checks
from .checks import FORWARD_TOL, GRADIENT_TOL, assert_close, assert_equal, assert_params
from .strategies import NUMERIC_KINK_MARGIN, seeds

REF = MLP.from_arrays


@dataclass(frozen=True)
class Property:
    name: str
    statement: str        # what it says, in words a student follows
    fn: object
    needs: tuple = ()     # optional methods of the contract it uses
    applies: object = None    # Pattern -> bool: the architectures it is about (None: all)
    budget: int = 30      # examples in a quick run (a thorough run draws ten times as many)
    extras: object = None     # (case strategy) -> strategy of the example's other entries
    kink_margin: float = None  # a wider ReLU margin, for properties that difference the loss
    tiny: bool = False    # networks of a few parameters only (exhaustive numeric gradients)
    numeric: bool = False   # differences the network's own loss (needs float64 to resolve)


PROPERTIES = {}


def prop(statement, **options):
    def register(fn):
        PROPERTIES[fn.__name__] = Property(fn.__name__, statement, fn, **options)
        return fn
    return register


def _model(make, case):
    return case.build(make)


# --- against the reference ------------------------------------------------------------------------
@prop("forward(X) and loss(X, Y) equal the reference's")
def forward_and_loss_equal_the_reference(make, example):
    case = example["case"]
    checks.check_forward_matches(make, oracle_factory(case), case)


@prop("every dW and db equals the reference's; a failure names the first layer, searching "
      "down from the output, whose dW or db differs: where backprop first went wrong",
      budget=40)
def gradient_equals_the_reference(make, example):
    case = example["case"]
    ctx = case.describe()
    mine = _model(make, case).gradient(case.X, case.Y)
    ref = REF(*_arrays(case)).gradient(case.X, case.Y)
    n_layers = len(case.weights)
    for l in range(n_layers - 1, -1, -1):
        where = ("the output layer" if l == n_layers - 1 else
                 f"layer {l} of layers 0-{n_layers - 1}, as in dW_{l}: every layer above it "
                 "agrees, so backprop first went wrong here")
        assert_close(f"dW_{l} vs the reference's ({where})", mine[2 * l], ref[2 * l],
                     *GRADIENT_TOL, context=ctx)
        assert_close(f"db_{l} vs the reference's ({where})", mine[2 * l + 1], ref[2 * l + 1],
                     *GRADIENT_TOL, context=ctx)


@prop("after gradient(X, Y), the network's stored deltas and pre-activations z equal the "
      "reference's (backward must not overwrite what forward stored)",
      needs=("deltas|pre_activations",))
def stored_values_equal_the_reference(make, example):
    case = example["case"]
    ctx = case.describe()
    model = _model(make, case)
    model.gradient(case.X, case.Y)
    oracle = REF(*_arrays(case))
    oracle.gradient(case.X, case.Y)
    if hasattr(model, "pre_activations"):
        zs = checks.reference_pre_activations(REF, case)
        for l, (z_m, z_r) in enumerate(zip(model.pre_activations(), zs)):
            assert_close(f"z_{l} stored after backward vs the reference's", z_m, z_r,
                         *FORWARD_TOL, context=ctx)
    if hasattr(model, "deltas"):
        for l, (d_m, d_r) in enumerate(zip(model.deltas(), oracle.deltas())):
            assert_close(f"delta_{l} vs the reference's", d_m, d_r, *GRADIENT_TOL, context=ctx)


# --- numeric gradients -----------------------------------------------------------------------------
def assume_measurable_direction(case, u):
    """Preconditions of a directional numeric check, judged on the oracle:

    - signal: |<g, u>| >= 1e-3 * max(S, 1e-8), S the size of the numbers the loss is computed
      from (the central difference's rounding noise is about 1e-10 * S at h ~ 1e-5). S is L
      itself, except where L is a small difference of large numbers: cross-entropy is
      logsumexp(z) - z_t (binary cross-entropy max(z, 0) - z t + ...), rounded on the scale
      of max|z|; half-MSE squares a - t, rounded on
      the scale of |a| * |a - t|.
    - resolution: the oracle's own central differences at h and h/2 agree to 1e-7 relative.
      Their gap estimates the truncation error of the step; where the curvature is so large
      that it exceeds a tenth of the 1e-6 bound, the example measures h, not the gradient.
    - no kink: no ReLU z within NUMERIC_KINK_MARGIN of 0. A step across a kink that sits at
      the centre gives the mean of the two slopes at every h, so the resolution test cannot
      see it; a case whose parameters were changed after it was drawn (tied, scaled) needs
      this even though the strategy cleared its kinks.
    """
    oracle = REF(*_arrays(case))
    loss = oracle.loss(case.X, case.Y)
    assume(all(float(np.min(np.abs(z))) > NUMERIC_KINK_MARGIN
               for z, name in zip(oracle.pre_activations(), case.activations) if name == "relu"))
    out = oracle.forward(case.X)
    if case.loss in ("cross_entropy", "binary_cross_entropy"):
        scale = max(loss, float(np.max(np.abs(out))))
    else:
        scale = max(loss, float(np.max(np.abs(out) * np.abs(out - case.Y))))
    along_u = sum(float(np.sum(g * d)) for g, d in zip(oracle.gradient(case.X, case.Y), u))
    assume(abs(along_u) >= 1e-3 * max(scale, 1e-8))
    base = oracle.parameters()
    h = 1e-5 * max(1.0, max(float(np.max(np.abs(p))) for p in base))

    def central(step):
        oracle.set_parameters([p + step * d for p, d in zip(base, u)])
        up = oracle.loss(case.X, case.Y)
        oracle.set_parameters([p - step * d for p, d in zip(base, u)])
        return (up - oracle.loss(case.X, case.Y)) / (2 * step)

    d_h, d_half = central(h), central(h / 2)
    assume(abs(d_h - d_half) <= 1e-7 * max(abs(d_h), abs(d_half), 1e-8))


def _seed(case_strategy):
    return {"seed": seeds()}


@prop("the gradient agrees with a central difference of the loss along a random direction",
      budget=40, extras=_seed, kink_margin=NUMERIC_KINK_MARGIN, numeric=True)
def directional_derivative_equals_the_gradient(make, example):
    case = example["case"]
    u = checks.random_direction([p.shape for p in case.params()],
                                np.random.default_rng(example["seed"]))
    assume_measurable_direction(case, u)
    checks.check_gradient_directional(_model(make, case), case.X, case.Y, u, case.describe())


def _oracle_passes(check, case):
    try:
        with np.errstate(all="ignore"):
            check(REF(*_arrays(case)))
    except (AssertionError, ArithmeticError, ValueError):
        return False   # e.g. a zero gradient: no step along it to measure
    return True


@prop("on tiny networks, every partial derivative agrees with a central difference",
      budget=15, kink_margin=NUMERIC_KINK_MARGIN, tiny=True, numeric=True)
def every_partial_derivative_equals_the_gradient(make, example):
    case = example["case"]
    assume(_oracle_passes(lambda m: checks.check_gradient_numeric(m, case.X, case.Y), case))
    checks.check_gradient_numeric(_model(make, case), case.X, case.Y, case.describe())


@prop("a small enough step against the gradient lowers the loss by lr * |g|^2 (first order)",
      kink_margin=NUMERIC_KINK_MARGIN, numeric=True)
def a_small_step_against_the_gradient_lowers_the_loss(make, example):
    case = example["case"]
    assume(_oracle_passes(lambda m: checks.check_first_order_descent(m, case.X, case.Y), case))
    checks.check_first_order_descent(_model(make, case), case.X, case.Y, case.describe())


# --- the batch -----------------------------------------------------------------------------------
@prop("the loss is a mean: stacking a batch on itself changes neither the loss nor the "
      "gradient (with an L2 penalty divided by n, a penalty twice as strong on the doubled "
      "batch: l2 / (2n) becomes 2 l2 / (4n))")
def duplicating_the_batch_changes_nothing(make, example):
    case = example["case"]
    doubled = None
    if case.l2 and case.penalty != "reg":
        doubled = _model(make, case.replace(l2=2 * case.l2))
    checks.check_batch_duplication(_model(make, case), case.X, case.Y, case.describe(),
                                   doubled_model=doubled)


def _permutation(case_strategy):
    return {"perm_seed": seeds()}


@prop("shuffling the samples shuffles the outputs and changes neither the loss nor the gradient",
      extras=_permutation)
def permuting_the_samples_changes_nothing(make, example):
    case = example["case"]
    perm = np.random.default_rng(example["perm_seed"]).permutation(case.X.shape[0])
    checks.check_sample_permutation(_model(make, case), case.X, case.Y, perm, case.describe())


@prop("reordering a hidden layer's neurons leaves the output alone and reorders the gradient",
      applies=lambda p: p.depth >= 2, extras=lambda s: {"layer": st.integers(0, 10),
                                                         "perm_seed": seeds()})
def permuting_hidden_neurons_permutes_the_gradient(make, example):
    case = example["case"]
    layer = example["layer"] % (len(case.weights) - 1)
    perm = np.random.default_rng(example["perm_seed"]).permutation(case.weights[layer].shape[0])
    checks.check_hidden_permutation(make, case, layer, perm)


@prop("backward is linear in the upstream gradient, writes nothing into it, and given the "
      "loss's own dL/da it returns gradient(X, Y) (judged without an L2 penalty, which is "
      "no function of the output)", needs=("backward",),
      extras=lambda s: {"alpha": st.floats(-2, 2), "beta": st.floats(-2, 2),
                        "seed": seeds()})
def backward_is_linear_in_the_upstream_gradient(make, example):
    case = example["case"].replace(l2=0.0)
    ctx = case.describe()
    rng = np.random.default_rng(example["seed"])
    G1, G2 = (rng.standard_normal((case.X.shape[0], case.sizes[-1])) for _ in range(2))
    a, b = example["alpha"], example["beta"]
    model = _model(make, case)
    model.forward(case.X)
    handed = [G1.copy(), G2.copy(), a * G1 + b * G2]
    g1, g2, g12 = (model.backward(G) for G in handed)
    assert_equal("the upstream gradient G_1 (drawn with the seed) after backward(G_1), against "
                 "G_1 as it was handed over", handed[0], G1, ctx)
    assert_equal("the upstream gradient G_2 after backward(G_2), against G_2 as it was handed "
                 "over", handed[1], G2, ctx)
    assert_params(f"backward({a!r} G_1 + {b!r} G_2) vs the same combination of gradients", g12,
                  [a * x + b * y for x, y in zip(g1, g2)], GRADIENT_TOL, ctx)
    oracle = REF(*_arrays(case))
    out = oracle.forward(case.X)
    G = {"cross_entropy": checks.stable_softmax,
         "binary_cross_entropy": checks.stable_sigmoid}.get(case.loss, np.asarray)(out) - case.Y
    model.forward(case.X)
    assert_params("backward(dL/da of the loss)", model.backward(G / case.X.shape[0]),
                  oracle.gradient(case.X, case.Y), GRADIENT_TOL, ctx)


def _arrays(case):
    """The arguments of the oracle, REF, for the case: its penalty in the oracle's form."""
    return ([np.array(W) for W in case.weights], [np.array(b) for b in case.biases],
            list(case.activations), case.loss, case.reference_l2())


def oracle_factory(case):
    """The oracle as a factory ``make(weights, biases, activations, loss, l2=0.0)`` for the
    case's batch: a penalty the network is handed becomes the oracle's l2 / (2n) form."""
    def make(weights, biases, activations, loss, l2=0.0):
        return REF(weights, biases, activations, loss, case.reference_l2() if l2 else 0.0)
    return make
