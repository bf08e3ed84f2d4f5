"""Initial weights centred on zero, and a layer whose neurons share one bias (a pinned quirk)."""

import numpy as np

from .compare import assert_close, assert_equal, assert_params
from .tolerances import (
    GRADIENT_TOL,
    SYMMETRY_SIGMAS,
    numeric_relative_error,
    numeric_within_bounds,
)


def draw_weights(draw, fan_in, fan_out, rng, std, n_values):
    """At least ``n_values`` weights from ``draw(rng, fan_in, fan_out, std)`` (the signature of
    neuronnet.initializers: one neuron's weights, or a whole layer's), drawn layer after layer
    of shape (fan_out, fan_in) as a network would, flattened."""
    values, count = [], 0
    while count < n_values:
        for _ in range(fan_out):
            w = np.ravel(np.asarray(draw(rng, fan_in, fan_out, std), dtype=np.float64))
            values.append(w)
            count += w.size
            if w.size == fan_in * fan_out:  # the draw was a whole layer
                break
    return np.concatenate(values)


def check_initializer_symmetric(draw, fan_in, fan_out, seed, std=0.01, n_values=20000,
                                context=""):
    """Initial weights are centred on 0: in a draw of ``n_values`` weights the mean is within
    ``SYMMETRY_SIGMAS`` standard errors (sd / sqrt(N)) of 0, and the fraction of positive
    weights within as many standard errors (0.5 / sqrt(N)) of one half.

    Why a property of every correct initializer: a hidden unit's pre-activation is a sum of
    fan_in weighted inputs; weights of one sign make it large and of one sign for every unit,
    which saturates sigmoids and makes the units start alike (pitfall biased-init). Glorot,
    He and normal(0, std) are symmetric about 0; source 000's uniform(0, 1/fan_in) is not, by
    design, and is named as the exception where the property is applied."""
    w = draw_weights(draw, fan_in, fan_out, np.random.default_rng(seed), std, n_values)
    n = w.size
    mean, sd = float(np.mean(w)), float(np.std(w))
    positive = float(np.mean(w > 0))
    ctx = (f"  initializer {getattr(draw, '__name__', draw)!r}, fan_in {fan_in}, fan_out "
           f"{fan_out}, std {std}, seed {seed}: {n} weights{context}")
    if not sd > 0:
        raise AssertionError(f"initial weights: all {n} equal ({mean!r}); expected a spread\n"
                             f"{ctx}")
    bound = SYMMETRY_SIGMAS * sd / np.sqrt(n)
    if abs(mean) > bound:
        raise AssertionError(f"initial weights are not centred on 0: mean {mean:.6g}, "
                             f"{abs(mean) / (sd / np.sqrt(n)):.1f} standard errors from 0 (bound "
                             f"{SYMMETRY_SIGMAS:g}); sd {sd:.6g}, {100 * positive:.2f}% "
                             f"positive\n{ctx}")
    half_bound = SYMMETRY_SIGMAS * 0.5 / np.sqrt(n)
    if abs(positive - 0.5) > half_bound:
        raise AssertionError(f"initial weights: {100 * positive:.2f}% positive; expected 50% "
                             f"within {100 * half_bound:.2f} points\n{ctx}")
    return mean, sd, positive


def check_shared_bias_is_tied(shared, tied, X, Y, layer, set_shared_bias, lr=0.1, context=""):
    """``shared``: a model whose layer ``layer`` adds one shared bias ``beta``
    (``shared.layers[layer].bias``) to every neuron; ``tied``: the per-neuron model with every
    bias of that layer equal to beta, otherwise the same. Then:

    - the forward pass and the loss are bitwise the tied model's (the same sums, in order);
    - after ``gradient``, the shared bias's gradient ``shared.layers[layer].grad_bias`` is the
      sum over the layer of the tied model's bias gradients (the chain rule through the tie),
      and the central difference of the loss along beta (``set_shared_bias(model, value)``)
      agrees with it under the numeric pass rule;
    - every other gradient is the tied model's;
    - one SGD step moves beta by exactly ``-lr * grad_bias`` and each weight as the tied
      model's step does."""
    ctx = f"{context}\n  layer {layer} shares one bias"
    assert_equal("forward with a shared bias vs tied per-neuron biases", shared.forward(X),
                 tied.forward(X), ctx)
    assert_equal("loss with a shared bias vs tied per-neuron biases", shared.loss(X, Y),
                 tied.loss(X, Y), ctx)
    g_shared, g_tied = shared.gradient(X, Y), tied.gradient(X, Y)
    beta = shared.layers[layer].bias
    got = shared.layers[layer].grad_bias
    assert_close("shared bias gradient vs the sum of the tied biases' gradients", got,
                 float(np.sum(g_tied[2 * layer + 1])), *GRADIENT_TOL, context=ctx)
    others = [k for k in range(len(g_tied)) if k != 2 * layer + 1]
    assert_params("gradients other than the shared bias's", [g_shared[k] for k in others],
                  [g_tied[k] for k in others], GRADIENT_TOL, ctx)
    h = 1e-5 * max(1.0, abs(beta))
    try:
        set_shared_bias(shared, beta + h)
        up = shared.loss(X, Y)
        set_shared_bias(shared, beta - h)
        down = shared.loss(X, Y)
    finally:
        set_shared_bias(shared, beta)
    numeric = (up - down) / ((beta + h) - (beta - h))
    if not numeric_within_bounds(got, numeric):
        rel = numeric_relative_error(got, numeric)
        raise AssertionError(f"shared bias gradient vs central difference along the tie: "
                             f"analytic {got!r}, numeric {numeric!r}, relative error {rel:.3e}"
                             f"{ctx}")
    weights_before = [np.array(w) for w in shared.parameters()[0::2]]
    shared.train_step(X, Y, optimizer="sgd", lr=lr)
    assert_equal("shared bias after one SGD step vs beta - lr * grad", shared.layers[layer].bias,
                 beta - lr * got, ctx)
    assert_params("weights after one SGD step vs w - lr * dW", shared.parameters()[0::2],
                  [w - lr * g for w, g in zip(weights_before, g_shared[0::2])], None, ctx)
