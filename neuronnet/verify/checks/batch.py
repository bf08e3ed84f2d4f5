"""The batch and the layer: the batch gradient is a mean, sample order and hidden-neuron order
only permute, backward is linear in the upstream gradient."""

import numpy as np

from .compare import assert_close, assert_equal, assert_params, fmt, param_names
from .tolerances import FORWARD_TOL, GRADIENT_TOL


def check_batch_is_mean(model, X, Y, context=""):
    n = X.shape[0]
    loss = model.loss(X, Y)
    grad = model.gradient(X, Y)
    per_loss = [model.loss(X[i:i + 1], Y[i:i + 1]) for i in range(n)]
    per_grad = [model.gradient(X[i:i + 1], Y[i:i + 1]) for i in range(n)]
    mean_grad = [sum(g[k] for g in per_grad) / n for k in range(len(grad))]
    assert_close("batch loss vs mean of per-sample losses", loss, sum(per_loss) / n,
                 *FORWARD_TOL, context=context)
    assert_params("batch gradient vs mean of per-sample gradients", grad, mean_grad,
                  GRADIENT_TOL, context)


def check_batch_duplication(model, X, Y, context="", doubled_model=None):
    """The batch stacked on itself has the same loss and gradient. ``doubled_model`` judges
    the doubled batch instead, for a penalty divided by n: the same network with twice the
    l2, so that l2 / (2n) sum ||W||^2 is the same on 2n rows."""
    loss = model.loss(X, Y)
    grad = model.gradient(X, Y)
    X2, Y2 = np.vstack([X, X]), np.vstack([Y, Y])
    ctx = f"{context}\n  the batch stacked on itself (2n rows)"
    if doubled_model is not None:
        ctx += ", judged with twice the L2 penalty"
    doubled = model if doubled_model is None else doubled_model
    assert_close("loss of the duplicated batch", doubled.loss(X2, Y2), loss, *FORWARD_TOL,
                 context=ctx)
    assert_params("gradient of the duplicated batch", doubled.gradient(X2, Y2), grad,
                  GRADIENT_TOL, ctx)


def check_sample_permutation(model, X, Y, perm, context=""):
    """Shuffling rows permutes the outputs; loss and gradient are unchanged."""
    ctx = f"{context}\n  row permutation {list(perm)}"
    out = model.forward(X)
    assert_close("forward(X[perm]) vs forward(X)[perm]", model.forward(X[perm]), out[perm],
                 *FORWARD_TOL, context=ctx)
    assert_close("loss of the shuffled batch", model.loss(X[perm], Y[perm]), model.loss(X, Y),
                 *FORWARD_TOL, context=ctx)
    assert_params("gradient of the shuffled batch", model.gradient(X[perm], Y[perm]),
                  model.gradient(X, Y), GRADIENT_TOL, ctx)


def check_rowwise_forward(model, X, context=""):
    """``forward(X)[i] == forward(X[i:i+1])`` for every row (forward tolerance: a BLAS
    matrix-vector product may sum a row in another order than a dot product does)."""
    out = model.forward(X)
    for i in range(X.shape[0]):
        assert_close(f"forward(X)[{i}] vs forward(X[{i}:{i + 1}])", out[i],
                     model.forward(X[i:i + 1])[0], *FORWARD_TOL, context=context)


def permute_hidden(case, layer, perm):
    """The case with hidden layer ``layer``'s neurons reordered: rows of W_l and b_l, columns of
    W_{l+1}."""
    W = [np.array(w) for w in case.weights]
    b = [np.array(v) for v in case.biases]
    W[layer] = W[layer][perm]
    b[layer] = b[layer][perm]
    W[layer + 1] = W[layer + 1][:, perm]
    return case.replace(weights=W, biases=b)


def check_hidden_permutation(make_model, case, layer, perm):
    ctx = f"{case.describe()}\n  hidden layer {layer} neurons permuted by {list(perm)}"
    if not 0 <= layer < len(case.weights) - 1:
        raise ValueError(f"layer {layer} is not a hidden layer of {case.sizes}")
    base = case.build(make_model)
    moved = permute_hidden(case, layer, perm).build(make_model)
    assert_close("forward output of the permuted net", moved.forward(case.X),
                 base.forward(case.X), *FORWARD_TOL, context=ctx)
    g = base.gradient(case.X, case.Y)
    d = base.deltas() if hasattr(base, "deltas") else None
    g_p = moved.gradient(case.X, case.Y)
    d_p = moved.deltas() if d is not None else None
    expected = [np.array(x) for x in g]
    expected[2 * layer] = expected[2 * layer][perm]
    expected[2 * layer + 1] = expected[2 * layer + 1][perm]
    expected[2 * layer + 2] = expected[2 * layer + 2][:, perm]
    assert_params("gradient of the permuted net vs permuted gradient", g_p, expected,
                  GRADIENT_TOL, ctx)
    if d is None:
        return
    expected_d = [np.array(x) for x in d]
    expected_d[layer] = expected_d[layer][:, perm]
    for l, (dm, de) in enumerate(zip(d_p, expected_d)):
        assert_close(f"delta_{l} of the permuted net", dm, de, *GRADIENT_TOL, context=ctx)


def check_zero_upstream(make_model, case):
    """Half-MSE with targets equal to the outputs gives dL/da = 0 exactly, so every delta and
    every gradient must be exactly zero (the loss too)."""
    model = case.build(make_model, loss="half_mse")
    Y = np.array(model.forward(case.X), dtype=np.float64)
    ctx = f"{case.describe()}\n  loss half_mse with Y = forward(X): upstream gradient exactly 0"
    assert_equal("loss at Y = forward(X)", model.loss(case.X, Y), 0.0, ctx)
    grads = model.gradient(case.X, Y)
    for name, g in zip(param_names(len(grads)), grads):
        assert_equal(f"d{name} with zero upstream gradient", g, np.zeros_like(g), ctx)
    for l, d in enumerate(model.deltas()):
        assert_equal(f"delta_{l} with zero upstream gradient", d, np.zeros_like(d), ctx)


def check_gradient_affine_in_targets(model, X, Y1, Y2, context=""):
    """Both losses have dL/da affine in the targets ((a - T)/n and (p - T)/n), and backward is
    linear in dL/da, so gradient(X, (Y1+Y2)/2) == (gradient(X, Y1) + gradient(X, Y2)) / 2."""
    g1 = model.gradient(X, Y1)
    g2 = model.gradient(X, Y2)
    gm = model.gradient(X, (Y1 + Y2) / 2.0)
    assert_params("gradient at the mean target vs mean of gradients", gm,
                  [(a + b) / 2.0 for a, b in zip(g1, g2)], GRADIENT_TOL,
                  f"{context}\n  Y1 =\n    {fmt(Y1)}\n  Y2 =\n    {fmt(Y2)}")


def check_layer_backward_linear(layer, inputs, upstream, context=""):
    """One layer of neurons (``layer.forward(inputs)``, ``layer.backward(grad_output)`` ->
    dL/dinputs, neurons with ``delta``, ``grad_weights``, ``grad_bias``, ``z``, ``output``):
    zero upstream gives exactly zero out; doubling the upstream gradient doubles everything
    exactly (a power of two scales without rounding); backward is additive; backward writes
    neither into the upstream array nor into the neurons' cached z and output."""
    inputs = np.array(inputs, dtype=np.float64)
    upstream = np.array(upstream, dtype=np.float64)
    ctx = f"{context}\n  inputs =\n    {fmt(inputs)}\n  upstream dL/da =\n    {fmt(upstream)}"
    layer.forward(inputs)
    cache = [(np.array(nr.z, copy=True), np.array(nr.output, copy=True))
             for nr in layer.neurons]

    def run(g):
        g_given = np.array(g, copy=True)
        back = layer.backward(g_given)
        assert_equal("upstream gradient after layer.backward (must not be written)", g_given, g,
                     ctx)
        for j, nr in enumerate(layer.neurons):
            assert_equal(f"neuron {j} cached z after backward", nr.z, cache[j][0], ctx)
            assert_equal(f"neuron {j} cached output after backward", nr.output, cache[j][1], ctx)
        state = [np.array(back, dtype=np.float64)]
        for nr in layer.neurons:
            state += [np.array(nr.delta, dtype=np.float64),
                      np.array(nr.grad_weights, dtype=np.float64),
                      np.array(nr.grad_bias, dtype=np.float64)]
        return state

    names = ["dL/dinputs"] + [f"neuron {j} {q}" for j in range(len(layer.neurons))
                              for q in ("delta", "grad_weights", "grad_bias")]
    zero = run(np.zeros_like(upstream))
    for name, z in zip(names, zero):
        assert_equal(f"{name} with zero upstream gradient", z, np.zeros_like(z), ctx)
    one = run(upstream)
    two = run(2.0 * upstream)
    for name, a, b in zip(names, one, two):
        # Doubling is exact in binary floating point except where gradual underflow rounds
        # (hypothesis found a sigmoid delta of 8.7e-309 from an upstream of 2.2e-308): bitwise
        # where the result is far above the subnormals, the gradient tolerance below 2**-900.
        normal = np.abs(2.0 * a) >= 2.0 ** -900
        assert_equal(f"{name} with doubled upstream vs doubled {name}", np.where(normal, b, 0.0),
                     np.where(normal, 2.0 * a, 0.0), ctx)
        assert_close(f"{name} with doubled upstream vs doubled {name}", b, 2.0 * a,
                     *GRADIENT_TOL, context=ctx)
    other = np.flip(upstream, axis=0) - 0.5
    three = run(other)
    both = run(upstream + other)
    for name, a, b, c in zip(names, one, three, both):
        assert_close(f"{name}: backward(g1 + g2) vs backward(g1) + backward(g2)", c, a + b,
                     *GRADIENT_TOL, context=ctx)
