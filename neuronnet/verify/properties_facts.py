"""The rest of the network properties (see properties.py): facts of the loss, finiteness, what
a call may not change, repeatability, the SGD step and all-identity networks."""
import numpy as np
from hypothesis import strategies as st

from . import checks
from .checks import FORWARD_TOL, GRADIENT_TOL, assert_close, assert_equal, assert_params
from .checks.mutation import read_only
from .contract import ContractError
from .notes import note, where
from .properties import REF, _arrays, _model, prop
from .strategies import seeds

# Every scale on every example: a search that had to draw the large one could miss an overflow
# by luck (which examples hypothesis draws depends on the modules loaded beside it).
SCALES = (1.0, 30.0, 300.0, 900.0)


@prop("for finite inputs and weights up to 900, the loss and gradient are finite (no overflow "
      "to inf, no NaN, no log(0)) and the loss is >= 0; numpy's warnings are notes, not "
      "failures", budget=40)
def losses_are_finite_and_non_negative(make, example):
    # Saturated sigmoids and huge logits must still give finite losses. A warning on the way
    # (1 / (1 + exp(900)) warns, and is exactly right) is noted beside the verdict.
    case = example["case"]
    for scale in SCALES:
        big = case.replace(weights=[W * scale for W in case.weights])
        model = _model(make, big)
        try:
            with where(f"with every weight times {scale:g}"):
                value = model.loss(case.X, case.Y)
                model.gradient(case.X, case.Y)
        except ContractError as error:   # show the weights it ran on, not the example's
            raise ContractError(f"{error}\n    with every weight times {scale:g}:\n"
                                + "\n".join("    " + line
                                             for line in big.describe().splitlines()),
                                error.original) from error
        assert value >= 0, f"loss(X, Y) = {value!r} < 0\n{big.describe()}"


def _loss_facts_apply(pattern):
    return pattern.loss == "half_mse" or pattern.activations[-1] == "identity"


@prop("half-MSE is 0, with a zero gradient, when the targets are the outputs (without a "
      "penalty); cross-entropy on logits does not change when every logit moves by the same "
      "amount, and its output-layer db sums to 0; binary cross-entropy does not change when "
      "the output's logit and its targets are flipped (-z, 1 - y), and only the output "
      "layer's gradient flips", applies=_loss_facts_apply,
      extras=lambda s: {"shift": st.floats(-5, 5)})
def softmax_and_loss_facts(make, example):
    case = example["case"]
    ctx = case.describe()
    if case.loss == "binary_cross_entropy":
        _flipped_logit_facts(make, case)
        return
    if case.loss == "half_mse":
        case = case.replace(l2=0.0)
        ctx, model = case.describe(), _model(make, case)
        T = model.forward(case.X)
        assert_close("loss(X, forward(X))", model.loss(case.X, T), 0.0, *FORWARD_TOL, context=ctx)
        assert_params("gradient(X, forward(X))", model.gradient(case.X, T),
                      [np.zeros_like(p) for p in case.params()], GRADIENT_TOL, ctx)
        return
    model = _model(make, case)
    shift = example["shift"]
    biases = [np.array(b) for b in case.biases]
    biases[-1] = biases[-1] + shift
    moved = _model(make, case.replace(biases=biases))
    ctx_moved = f"{ctx}\n  every output bias moved by {shift!r}"
    assert_close("loss with every logit shifted", moved.loss(case.X, case.Y),
                 model.loss(case.X, case.Y), *FORWARD_TOL, context=ctx_moved)
    grads = model.gradient(case.X, case.Y)
    assert_params("gradient with every logit shifted", moved.gradient(case.X, case.Y), grads,
                  GRADIENT_TOL, ctx_moved)
    assert_close("sum over the classes of the output layer's db", np.sum(grads[-1]), 0.0,
                 *GRADIENT_TOL, context=ctx)


def _flipped_logit_facts(make, case):
    """-log sigmoid(z) is -log(1 - sigmoid(-z)): the output layer's W and b negated and the
    targets flipped give the same loss (the penalty sees W squared), the same gradient below
    the output layer and its negation in the output layer."""
    ctx = f"{case.describe()}\n  the flipped network: the output layer's W and b negated, " \
          "targets 1 - Y"
    weights, biases = list(case.weights), list(case.biases)
    weights[-1], biases[-1] = -np.asarray(weights[-1]), -np.asarray(biases[-1])
    flipped = _model(make, case.replace(weights=weights, biases=biases))
    model = _model(make, case)
    assert_close("loss of the flipped network on 1 - Y", flipped.loss(case.X, 1.0 - case.Y),
                 model.loss(case.X, case.Y), *FORWARD_TOL, context=ctx)
    grads = model.gradient(case.X, case.Y)
    expected = grads[:-2] + [-grads[-2], -grads[-1]]
    assert_params("gradient of the flipped network on 1 - Y (the output layer's negated)",
                  flipped.gradient(case.X, 1.0 - case.Y), expected, GRADIENT_TOL, ctx)


@prop("no call writes into what it was handed: X, Y and the parameter arrays stay as they were "
      "(they are handed over read-only)")
def nothing_handed_in_is_changed(make, example):
    case = example["case"]
    ctx = case.describe()
    X, Y = read_only(case.X), read_only(case.Y)
    params = [read_only(p) for p in case.params()]
    model = _model(make, case)
    model.set_parameters(params, copy=False)
    model.forward(X)
    model.loss(X, Y)
    model.gradient(X, Y)
    if hasattr(model, "backward"):
        model.forward(X)
        model.backward(read_only(np.ones((X.shape[0], case.sizes[-1])) / X.shape[0]))
    if hasattr(model, "train_step"):
        model.train_step(X, Y, lr=0.01)
    assert_equal("X after the calls", X, case.X, ctx)
    assert_equal("Y after the calls", Y, case.Y, ctx)
    assert_params("the parameter arrays handed to set_parameters", params, case.params(), None,
                  ctx)


@prop("the same call twice gives the same answer (within the tolerance: a sum may be added in "
      "another order), and forward, loss and gradient change no parameter")
def results_are_repeatable(make, example):
    case = example["case"]
    ctx = case.describe()
    model = _model(make, case)
    out = model.forward(case.X)
    loss = model.loss(case.X, case.Y)
    g1 = model.gradient(case.X, case.Y)
    g2 = model.gradient(case.X, case.Y)
    assert_params("a second gradient(X, Y)", g2, g1, GRADIENT_TOL, ctx)
    assert_close("forward(X) after two gradients", model.forward(case.X), out, *FORWARD_TOL,
                 context=ctx)
    assert_close("loss(X, Y) after two gradients", model.loss(case.X, case.Y), loss,
                 *FORWARD_TOL, context=ctx)
    differs = max(float(np.max(np.abs(a - b))) if a.size else 0.0 for a, b in zip(g1, g2))
    if differs:
        note("repeat differs", f"two gradient(X, Y) calls on the same batch differed by up to "
             f"{differs:.1e} (within the tolerance): the network adds its terms in another "
             "order from one call to the next")


@prop("train_step(X, Y, lr) moves every parameter by -lr times the reference's gradient",
      needs=("train_step",), extras=lambda s: {"lr": st.sampled_from([0.1, 0.01, 1.0]),
                                                "probe_seed": seeds()})
def sgd_step_follows_the_gradient(make, example):
    case, lr = example["case"], example["lr"]
    ctx = f"{case.describe()}\n  lr = {lr!r}"
    oracle = REF(*_arrays(case))
    expected = [p - lr * g for p, g in zip(case.params(), oracle.gradient(case.X, case.Y))]
    model = _model(make, case)
    model.train_step(case.X, case.Y, lr=lr)
    oracle.set_parameters(expected)
    if callable(getattr(model.net, "parameters", None)):
        assert_params("parameters after train_step", model.parameters(), expected,
                      GRADIENT_TOL, ctx)
    # Through the outputs too (and only so, without parameters()): on X and on probe inputs,
    # which see every parameter.
    probe = np.random.default_rng(example["probe_seed"]).uniform(-3, 3, (4, case.sizes[0]))
    for name, inputs in (("X", case.X), ("probe inputs", probe)):
        assert_close(f"forward({name}) after train_step vs the reference stepped by hand",
                     model.forward(inputs), oracle.forward(inputs), *GRADIENT_TOL,
                     context=f"{ctx}\n  probe inputs =\n    {checks.fmt(probe)}")


@prop("an all-identity network is one linear map, with its closed-form gradient",
      applies=lambda p: set(p.activations) == {"identity"})
def identity_nets_are_linear_maps(make, example):
    checks.check_identity_collapse(make, example["case"])
