"""Softmax, the losses and the activations: closed forms, finiteness, slopes."""

import numpy as np

from .compare import assert_close, assert_equal, call_or_fail, fmt
from .tolerances import (
    FORWARD_TOL,
    GRADIENT_TOL,
    NUMERIC_REL_BOUND,
    ROUNDING,
    numeric_relative_error,
    numeric_within_bounds,
)


def stable_softmax(a):
    """The independent softmax these checks compare with (row max subtracted)."""
    a = np.asarray(a, dtype=np.float64)
    e = np.exp(a - a.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def stable_log_softmax(a):
    a = np.asarray(a, dtype=np.float64)
    shifted = a - a.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def stable_sigmoid(a):
    """The independent sigmoid these checks compare with: 1 / (1 + e^-a) for a >= 0 and
    e^a / (1 + e^a) below, so that no exp overflows."""
    a = np.asarray(a, dtype=np.float64)
    e = np.exp(-np.abs(a))
    return np.where(a >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def stable_binary_cross_entropy(a, T):
    """-1/n sum [T log sigmoid(a) + (1 - T) log(1 - sigmoid(a))], from the logits a:
    1/n sum [T softplus(-a) + (1 - T) softplus(a)], softplus(x) = max(x, 0) + log(1 + e^-|x|).
    Two terms >= 0 for T in [0, 1]: nothing cancels (the shorter max(a, 0) - a T + log(1 +
    e^-|a|) subtracts numbers the size of a, and loses digits for T near 1 and a large)."""
    a = np.asarray(a, dtype=np.float64)
    T = np.asarray(T, dtype=np.float64)

    def softplus(x):
        return np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x)))
    return float(np.sum(T * softplus(-a) + (1.0 - T) * softplus(a))) / len(a)


def check_softmax(softmax, logits, context=""):
    """Rows sum to 1; shift-invariant, +1000 included, with no overflow or invalid operation;
    equal to the stable softmax."""
    logits = np.asarray(logits, dtype=np.float64)
    ctx = f"{context}\n  logits =\n    {fmt(logits)}"
    with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
        p = call_or_fail("softmax(logits)", softmax, logits, context=ctx)
        p = np.asarray(p, dtype=np.float64)
        assert_close("softmax", p, stable_softmax(logits), *FORWARD_TOL, context=ctx)
        assert_close("softmax row sums", p.sum(axis=1), np.ones(p.shape[0]), *FORWARD_TOL,
                     context=ctx)
        for shift in (1.0, -7.5, 1000.0, -1000.0):
            q = call_or_fail(f"softmax(logits + {shift})", softmax, logits + shift, context=ctx)
            if not np.isfinite(q).all():
                raise AssertionError(f"softmax(logits + {shift}) is not finite:\n    {fmt(q)}"
                                     f"{ctx}")
            assert_close(f"softmax(logits + {shift}) vs softmax(logits)", q, p, *FORWARD_TOL,
                         context=ctx)


def check_cross_entropy(loss, logits, T, context=""):
    """The fused softmax cross-entropy: value equals -sum(T log_softmax)/n, the logit gradient is
    (p - T)/n with rows summing to 0, the loss at zero logits is log K, finite and >= 0 for
    logits +-1000 (no overflow, no log(0))."""
    logits = np.asarray(logits, dtype=np.float64)
    T = np.asarray(T, dtype=np.float64)
    n, K = logits.shape
    ctx = f"{context}\n  logits =\n    {fmt(logits)}\n  T =\n    {fmt(T)}"
    with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
        value = call_or_fail("loss.value(a, T)", loss.value, logits, T, context=ctx)
        assert_close("cross-entropy value", value,
                     float(-np.sum(T * stable_log_softmax(logits)) / n), *FORWARD_TOL,
                     context=ctx)
        grad = np.asarray(call_or_fail("loss.gradient(a, T)", loss.gradient, logits, T, context=ctx))
        assert_close("cross-entropy logit gradient vs (softmax(a) - T)/n", grad,
                     (stable_softmax(logits) - T) / n, *GRADIENT_TOL, context=ctx)
        assert_close("row sums of the logit gradient", grad.sum(axis=1), np.zeros(n),
                     *GRADIENT_TOL, context=ctx)
        zero = loss.value(np.zeros_like(logits), T)
        assert_close(f"cross-entropy at zero logits vs log K (K = {K})", zero,
                     float(np.log(K) * T.sum() / n), *FORWARD_TOL, context=ctx)
        for scale in (1000.0, -1000.0):
            big = logits + scale * (np.arange(K) % 2)
            v = call_or_fail(f"loss.value at logits {scale:+g} on odd columns", loss.value, big, T,
                      context=ctx)
            g = call_or_fail(f"loss.gradient at logits {scale:+g} on odd columns", loss.gradient, big,
                      T, context=ctx)
            if not (np.isfinite(v) and v >= 0 and np.isfinite(g).all()):
                raise AssertionError(f"cross-entropy at logits shifted by {scale:+g} on odd "
                                     f"columns: value {v!r}, gradient finite: "
                                     f"{bool(np.isfinite(g).all())}{ctx}")
            assert_close(f"cross-entropy value at logits {scale:+g} on odd columns", v,
                         float(-np.sum(T * stable_log_softmax(big)) / n), *FORWARD_TOL,
                         context=ctx)


def check_half_mse(loss, a, T, context=""):
    a = np.asarray(a, dtype=np.float64)
    T = np.asarray(T, dtype=np.float64)
    n = a.shape[0]
    ctx = f"{context}\n  a =\n    {fmt(a)}\n  T =\n    {fmt(T)}"
    assert_close("half-MSE value vs sum((a - T)^2) / 2n", loss.value(a, T),
                 float(np.sum((a - T) ** 2) / (2 * n)), *FORWARD_TOL, context=ctx)
    assert_close("half-MSE gradient vs (a - T) / n", loss.gradient(a, T), (a - T) / n,
                 *GRADIENT_TOL, context=ctx)
    assert_equal("half-MSE at a == T", loss.value(T, T), 0.0, ctx)


def check_loss_generic(loss, a, T, context=""):
    """True of any loss: finite and >= 0; ``gradient`` is the derivative of ``value`` (central
    differences, the numeric pass rule); the mean over the batch, so stacking the batch on
    itself keeps the value and halves each row's gradient."""
    a = np.asarray(a, dtype=np.float64)
    T = np.asarray(T, dtype=np.float64)
    ctx = f"{context}\n  a =\n    {fmt(a)}\n  T =\n    {fmt(T)}"
    with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
        v = call_or_fail("loss.value(a, T)", loss.value, a, T, context=ctx)
        if not (np.isfinite(v) and v >= 0):
            raise AssertionError(f"loss value {v!r}: expected finite and >= 0{ctx}")
        g = np.asarray(call_or_fail("loss.gradient(a, T)", loss.gradient, a, T, context=ctx))
        g_num = np.zeros_like(a)
        for index in np.ndindex(a.shape):
            h = 1e-5 * max(1.0, abs(a[index]))
            up, down = a.copy(), a.copy()
            up[index] += h
            down[index] -= h
            g_num[index] = (loss.value(up, T) - loss.value(down, T)) / (up[index] - down[index])
        size = max(np.linalg.norm(g), np.linalg.norm(g_num))
        # Measurable? Below the central differences' own noise over the relative bound, a
        # relative error measures rounding, not the gradient: the absolute bound alone holds.
        smallest_h = 1e-5 * max(1.0, float(np.min(np.abs(a))))
        measurable = size > ROUNDING * max(1.0, abs(v)) / smallest_h / NUMERIC_REL_BOUND
        if not numeric_within_bounds(g, g_num, measurable):
            raise AssertionError(f"loss.gradient vs central differences of loss.value: "
                                 f"relative error {numeric_relative_error(g, g_num):.3e}{ctx}"
                                 f"\n  gradient:\n    {fmt(g)}\n"
                                 f"  numeric:\n    {fmt(g_num)}")
        a2, T2 = np.vstack([a, a]), np.vstack([T, T])
        assert_close("loss value of the batch stacked on itself", loss.value(a2, T2), v,
                     *FORWARD_TOL, context=ctx)
        assert_close("loss gradient of the batch stacked on itself", loss.gradient(a2, T2),
                     np.vstack([g, g]) / 2.0, *GRADIENT_TOL, context=ctx)


def check_activation(activation, z, context=""):
    """An activation object: ``derivative_from_z`` is the derivative of ``forward`` (central
    differences away from kinks), neither call writes into its argument (read-only z works),
    and both are elementwise (shape kept)."""
    z = np.array(z, dtype=np.float64)
    frozen = z.copy()
    frozen.setflags(write=False)
    ctx = f"{context}\n  activation {activation!r}, z =\n    {fmt(z)}"
    a = np.array(call_or_fail("forward(z) on read-only z", activation.forward, frozen, context=ctx))
    d = np.array(call_or_fail("derivative_from_z(z) on read-only z", activation.derivative_from_z,
                       frozen, context=ctx))
    writable = z.copy()
    a2 = np.array(activation.forward(writable))
    d2 = np.array(activation.derivative_from_z(writable))
    assert_equal("z after forward and derivative_from_z (must not be written)", writable, z, ctx)
    assert_equal("forward on a writable z vs read-only z", a2, a, ctx)
    assert_equal("derivative on a writable z vs read-only z", d2, d, ctx)
    if a.shape != z.shape or d.shape != z.shape:
        raise AssertionError(f"shapes: forward {a.shape}, derivative {d.shape}, z {z.shape}"
                             f"{ctx}")
    h = 1e-5 * np.maximum(1.0, np.abs(z))
    num = (activation.forward(z + h) - activation.forward(z - h)) / ((z + h) - (z - h))
    if not numeric_within_bounds(d, num):
        raise AssertionError(f"derivative_from_z vs central differences of forward: relative "
                             f"error {numeric_relative_error(d, num):.3e}{ctx}"
                             f"\n  derivative_from_z:\n    {fmt(d)}\n"
                             f"  numeric:\n    {fmt(num)}")
