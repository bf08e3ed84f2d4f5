"""Gradients equal numeric gradients: central differences, coordinate by coordinate or along a
direction."""

import numpy as np

from .compare import Mismatch, assert_params, call_or_fail, fmt, param_names
from .tolerances import NUMERIC_REL_BOUND, numeric_excess, numeric_relative_error, numeric_within_bounds


def numeric_gradient(model, X, Y):
    """Central differences per coordinate, ``h = 1e-5 * max(1, |theta_i|)``, dividing by the
    step actually taken. Written here, independently of ``neuronnet.gradcheck``."""
    base = model.parameters()
    out = []
    try:
        for k, p in enumerate(base):
            g = np.zeros_like(p, dtype=np.float64)
            for index in np.ndindex(p.shape):
                theta = float(p[index])
                h = 1e-5 * max(1.0, abs(theta))
                up = [q.copy() for q in base]
                up[k][index] = theta + h
                down = [q.copy() for q in base]
                down[k][index] = theta - h
                model.set_parameters(up)
                l_up = model.loss(X, Y)
                model.set_parameters(down)
                l_down = model.loss(X, Y)
                g[index] = (l_up - l_down) / ((theta + h) - (theta - h))
            out.append(g)
    finally:
        model.set_parameters(base)
    return out


def check_gradient_numeric(model, X, Y, context=""):
    """Item 3, exhaustive form: every coordinate of every parameter, biases included. Passes
    per parameter array when ``||g - g_num|| / max(||g||, ||g_num||, 1e-8) <= 1e-6`` and
    elementwise ``|g - g_num| <= 1e-7 + 1e-5 |g_num|``."""
    before = model.parameters()
    analytic = call_or_fail("model.gradient(X, Y)", model.gradient, X, Y, context=context)
    numeric = numeric_gradient(model, X, Y)
    assert_params("parameters after numeric differentiation", model.parameters(), before,
                  None, context)
    for name, g, g_num in zip(param_names(len(numeric)), analytic, numeric):
        g = np.asarray(g, dtype=np.float64)
        if g.shape != g_num.shape:
            raise AssertionError(f"d{name}: analytic shape {g.shape}, numeric {g_num.shape}\n"
                                 f"{context}")
        if not numeric_within_bounds(g, g_num):
            rel = numeric_relative_error(g, g_num)
            worst = tuple(int(i) for i in np.unravel_index(np.argmax(numeric_excess(g, g_num)),
                                                           g.shape))
            raise Mismatch(
                f"d{name}: analytic gradient vs central differences differ\n{context}\n"
                f"  normwise relative error {rel:.3e} (bound {NUMERIC_REL_BOUND:g}); worst "
                f"element {worst}: analytic {float(g[worst])!r}, numeric "
                f"{float(g_num[worst])!r}\n  analytic:\n    {fmt(g)}\n  numeric:\n    "
                f"{fmt(g_num)}", f"d{name} vs central differences", g, g_num)
    return analytic, numeric


def directional_derivatives(model, X, Y, u):
    """(numeric, analytic): ``(L(t + h u) - L(t - h u)) / 2h`` with
    ``h = 1e-5 * max(1, max|t|)``, and ``<gradient, u>``."""
    base = model.parameters()
    analytic_grads = model.gradient(X, Y)
    h = 1e-5 * max(1.0, max(float(np.max(np.abs(p))) for p in base))
    try:
        model.set_parameters([p + h * d for p, d in zip(base, u)])
        l_up = model.loss(X, Y)
        model.set_parameters([p - h * d for p, d in zip(base, u)])
        l_down = model.loss(X, Y)
    finally:
        model.set_parameters(base)
    numeric = (l_up - l_down) / (2.0 * h)
    analytic = float(sum(np.sum(np.asarray(g) * d) for g, d in zip(analytic_grads, u)))
    return numeric, analytic


def random_direction(shapes, rng):
    u = [rng.standard_normal(s) for s in shapes]
    norm = np.sqrt(sum(float(np.sum(d * d)) for d in u))
    return [d / norm for d in u]


def check_gradient_directional(model, X, Y, u, context=""):
    """Item 3, directional form (cheap at any size): for the unit direction ``u`` (a list like
    the parameters), the central difference along u equals ``<gradient, u>`` under the policy's
    rule applied to the scalar."""
    numeric, analytic = call_or_fail("directional derivative", directional_derivatives, model, X, Y, u,
                              context=context)
    if not numeric_within_bounds(analytic, numeric):
        rel = numeric_relative_error(analytic, numeric)
        raise Mismatch(
            f"directional derivative: <gradient, u> vs central difference differ\n{context}\n"
            f"  analytic {analytic!r}, numeric {numeric!r}, relative error {rel:.3e} "
            f"(bound {NUMERIC_REL_BOUND:g})", "<gradient, u> vs the central difference along u",
            analytic, numeric)
    return numeric, analytic
