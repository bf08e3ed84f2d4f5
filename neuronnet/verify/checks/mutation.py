"""Nothing handed in is written: not X, not Y, not the parameters."""

import numpy as np

from .compare import assert_close, assert_equal, assert_params, call_or_fail
from .tolerances import FORWARD_TOL


def read_only(a):
    """A float64 copy that cannot be written: a write into it raises."""
    a = np.array(a, dtype=np.float64)
    a.setflags(write=False)
    return a


def check_no_mutation(make_model, case, fit_kwargs, seed=0):
    """With read-only X, Y and parameter arrays: forward, loss, gradient, train_step and fit
    neither raise nor change X, Y or the caller's arrays; two gradient computations without a
    step are bitwise identical and leave the parameters bitwise unchanged; ``parameters()``
    returns copies."""
    ctx = case.describe()
    X, Y = read_only(case.X), read_only(case.Y)
    W = [read_only(w) for w in case.weights]
    b = [read_only(v) for v in case.biases]
    W_copy, b_copy = [w.copy() for w in W], [v.copy() for v in b]
    model = call_or_fail("building the model from read-only arrays", make_model, W, b,
                  list(case.activations), case.loss, context=ctx)
    # Copies: a model whose parameters() hands out its own arrays would otherwise move p0 along
    # with them, and the write below could never be seen.
    p0 = [np.array(p, dtype=np.float64) for p in model.parameters()]
    out = np.array(call_or_fail("forward(read-only X)", model.forward, X, context=ctx))
    call_or_fail("loss(read-only X, Y)", model.loss, X, Y, context=ctx)
    g1 = call_or_fail("gradient(read-only X, Y)", model.gradient, X, Y, context=ctx)
    d1 = [np.array(d) for d in model.deltas()]
    g1 = [np.array(g) for g in g1]
    g2 = call_or_fail("second gradient(X, Y)", model.gradient, X, Y, context=ctx)
    d2 = model.deltas()
    assert_params("second gradient without a step vs the first", g2, g1, None, ctx)
    for l, (a, c) in enumerate(zip(d2, d1)):
        assert_equal(f"delta_{l} of the second gradient vs the first", a, c, ctx)
    assert_params("parameters after forward, loss and two gradients", model.parameters(), p0,
                  None, ctx)
    assert_close("forward after two gradients vs before", model.forward(X), out, *FORWARD_TOL,
                 context=ctx)
    handed = model.parameters()
    for p in handed:
        p += 1.0
    assert_params("parameters after writing into the arrays parameters() returned",
                  model.parameters(), p0, None, ctx)
    call_or_fail("train_step(read-only X, Y)", model.train_step, X, Y, context=ctx)
    call_or_fail("fit(read-only X, Y)", model.fit, X, Y, rng=np.random.default_rng(seed),
          context=ctx, **fit_kwargs)
    assert_equal("X after forward/gradient/train_step/fit", X, case.X, ctx)
    assert_equal("Y after forward/gradient/train_step/fit", Y, case.Y, ctx)
    for l in range(len(W)):
        assert_equal(f"caller's W_{l} after training", W[l], W_copy[l], ctx)
        assert_equal(f"caller's b_{l} after training", b[l], b_copy[l], ctx)
