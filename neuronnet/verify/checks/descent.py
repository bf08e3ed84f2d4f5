"""A small step along the gradient lowers the loss; identity networks are linear maps."""

import numpy as np

from .compare import assert_close, assert_params
from .losses import stable_binary_cross_entropy, stable_log_softmax, stable_sigmoid, stable_softmax
from .tolerances import FORWARD_TOL, GRADIENT_TOL


def check_first_order_descent(model, X, Y, context="", bound=1e-3):
    """``(L(t) - L(t - lr g)) / (lr ||g||^2) -> 1`` as lr shrinks: computed for step lengths
    ``lr ||g||`` = 1e-2 ... 1e-9; some two consecutive lengths must both be within ``bound`` of
    1 (a wrong gradient has a limit other than 1: 0.5 for a doubled gradient).

    The ratio's curvature error is about step / (2 * the loss's own length scale), so a net
    whose loss curves on a scale of 1e-4 (hypothesis found [1, 1] identity, half-MSE, b = 6.1e-5,
    X = Y = 0: ratio = 1 - step / 2b) needs steps down to 1e-9 before two of them are within
    1e-3 of 1. The bound is unchanged; only the steps go further down."""
    base = model.parameters()
    g = [np.asarray(x, dtype=np.float64) for x in model.gradient(X, Y)]
    gg = float(sum(np.sum(x * x) for x in g))
    L0 = model.loss(X, Y)
    if gg == 0.0:   # no direction to step in (callers judge on an oracle that the loss is not flat)
        raise AssertionError(f"first-order descent: the gradient is all zeros (L = {L0!r}), so "
                             f"no step against it can lower the loss\n{context}")
    ratios = []
    try:
        for k in range(2, 10):
            lr = 10.0 ** -k / np.sqrt(gg)
            model.set_parameters([p - lr * x for p, x in zip(base, g)])
            ratios.append((lr, (L0 - model.loss(X, Y)) / (lr * gg)))
    finally:
        model.set_parameters(base)
    errs = [abs(r - 1.0) for _, r in ratios]
    if not any(max(e1, e2) <= bound for e1, e2 in zip(errs, errs[1:])):
        table = "\n".join(f"    lr {lr:.3e}: ratio {float(r)!r}" for lr, r in ratios)
        raise AssertionError(f"first-order descent: (L(t) - L(t - lr g)) / (lr ||g||^2) does "
                             f"not approach 1 (||g||^2 = {gg:.3e}, L = {L0!r})\n{context}\n"
                             f"{table}")
    return ratios


def check_identity_collapse(make_model, case):
    """All-identity network: output = X M^T + c with M = W_L ... W_0; and the closed-form
    gradient dW_l = (G P_l)^T A_{l-1}, db_l = sum_rows(G P_l), where G = dL/da of the output,
    P_l = W_L ... W_{l+1} and A_{l-1} = X (W_{l-1} ... W_0)^T + c_{l-1} (the collapsed prefix);
    with the case's L2 penalty, its term in the loss and (l2 / n) W_l in each dW_l."""
    L = len(case.weights)
    acts = ["identity"] * L
    case = case.replace(activations=acts)
    ctx = case.describe()
    model = case.build(make_model)
    X, Y = case.X, case.Y
    n = X.shape[0]
    # Collapsed prefixes: A_l = X M_l^T + c_l.
    M, c = np.eye(X.shape[1]), np.zeros(X.shape[1])
    prefixes = [(M, c)]
    for W, b in zip(case.weights, case.biases):
        M, c = W @ M, W @ c + b
        prefixes.append((M, c))
    out = X @ M.T + c
    assert_close("forward of the all-identity net vs the collapsed linear map",
                 model.forward(X), out, *FORWARD_TOL, context=ctx)
    if case.loss == "half_mse":
        G = (out - Y) / n
        loss = float(np.sum((out - Y) ** 2) / (2 * n))
    elif case.loss == "binary_cross_entropy":
        G = (stable_sigmoid(out) - Y) / n
        loss = stable_binary_cross_entropy(out, Y)
    else:
        G = (stable_softmax(out) - Y) / n
        loss = float(-np.sum(Y * stable_log_softmax(out)) / n)
    l2 = case.reference_l2()   # the penalty: + l2 / (2n) sum ||W||^2, and (l2 / n) W in dW
    loss += l2 / (2 * n) * sum(float(np.sum(W * W)) for W in case.weights)
    assert_close("loss of the all-identity net vs closed form", model.loss(X, Y), loss,
                 *FORWARD_TOL, context=ctx)
    expected = []
    for l in range(L):
        P = np.eye(case.weights[-1].shape[0])
        for W in reversed(case.weights[l + 1:]):
            P = P @ W
        Ml, cl = prefixes[l]
        A = X @ Ml.T + cl
        GP = G @ P
        expected += [GP.T @ A + l2 / n * case.weights[l], GP.sum(axis=0)]
    assert_params("gradient of the all-identity net vs closed form", model.gradient(X, Y),
                  expected, GRADIENT_TOL, ctx)
