"""Numeric gradients by central differences, and the pass rule of the tolerance policy.

Works on any model that has ``parameters()``, ``set_parameters(params)``, ``loss(X, Y)`` and
``gradient(X, Y)`` with the parameter list ``[W_0, b_0, W_1, b_1, ...]``: the neuron model and
the reference alike. The model's parameters are restored afterwards, bit for bit.

Why central differences: ``(L(t + h) - L(t - h)) / 2h`` has truncation error O(h^2), the
one-sided form O(h). With h = 1e-5 in float64 the truncation error (~1e-10) and the rounding
error (~1e-16 / 1e-5 = 1e-11) are both far below the 1e-6 pass bound.

Kinks: at a ReLU kink the loss is not differentiable and the two sides disagree; callers keep
every |z| away from 0 (the property tests reject such examples) rather than loosen the bound.
"""
from dataclasses import dataclass, field

import numpy as np

RELATIVE_BOUND = 1e-6      # ||g - g_num|| / max(||g||, ||g_num||, 1e-8)
ABSOLUTE_BOUND = 1e-7      # elementwise |g - g_num| <= 1e-7 + 1e-5 |g_num|
ELEMENT_RTOL = 1e-5


def step_size(theta):
    """h = 1e-5 * max(1, |theta|): relative to the parameter when it is large, so that
    theta + h really differs from theta."""
    return 1e-5 * max(1.0, abs(theta))


def numeric_gradient(model, X, Y):
    """The gradient of ``model.loss(X, Y)`` by central differences, coordinate by coordinate:
    2 loss evaluations per parameter (only for small nets)."""
    params = model.parameters()
    numeric = []
    try:
        for k, p in enumerate(params):
            g = np.zeros_like(p)
            for index in np.ndindex(p.shape):
                theta = p[index]
                h = step_size(theta)
                p[index] = theta + h
                model.set_parameters(params)
                up = model.loss(X, Y)
                p[index] = theta - h
                model.set_parameters(params)
                down = model.loss(X, Y)
                p[index] = theta
                # Divide by the step actually taken: (theta + h) - (theta - h) in floating point.
                g[index] = (up - down) / ((theta + h) - (theta - h))
            numeric.append(g)
    finally:
        model.set_parameters(params)
    return numeric


@dataclass
class GradientReport:
    """The outcome of :func:`check_gradient`: per parameter array, the normwise relative error
    and the worst elementwise excess over the bound."""
    names: list
    relative_errors: list
    worst_elements: list = field(default_factory=list)  # (index, analytic, numeric) per array
    passed: bool = True

    def __str__(self):
        lines = [f"gradient check {'passed' if self.passed else 'FAILED'}"
                 f" (bound: relative error <= {RELATIVE_BOUND:g})"]
        for name, err, (index, g, g_num) in zip(self.names, self.relative_errors,
                                                 self.worst_elements):
            lines.append(f"  {name:<6} relative error {err:.2e}   worst element {index}: "
                         f"analytic {g:+.10e} numeric {g_num:+.10e}")
        return "\n".join(lines)


def relative_error(g, g_num):
    """||g - g_num|| / max(||g||, ||g_num||, 1e-8): arrays or scalars."""
    g, g_num = np.asarray(g, dtype=np.float64), np.asarray(g_num, dtype=np.float64)
    return float(np.linalg.norm(g - g_num) / max(np.linalg.norm(g), np.linalg.norm(g_num), 1e-8))


def excess_over_bound(g, g_num):
    """Elementwise |g - g_num| - (ABSOLUTE_BOUND + ELEMENT_RTOL |g_num|): > 0 where an element
    misses its bound."""
    g, g_num = np.asarray(g, dtype=np.float64), np.asarray(g_num, dtype=np.float64)
    return np.abs(g - g_num) - (ABSOLUTE_BOUND + ELEMENT_RTOL * np.abs(g_num))


def within_bounds(g, g_num, measurable=True):
    """The pass rule, in its one home: the normwise relative error is at most RELATIVE_BOUND
    and every element is within ABSOLUTE_BOUND + ELEMENT_RTOL |g_num|. The norm catches an
    error spread thinly over many elements; the elements catch one wrong entry among many.
    ``measurable=False`` (a gradient below the differences' own rounding noise) keeps the
    elementwise bound alone."""
    too_far = measurable and relative_error(g, g_num) > RELATIVE_BOUND
    return not (too_far or bool((excess_over_bound(g, g_num) > 0).any()))


def check_gradient(model, X, Y):
    """Compare ``model.gradient`` with :func:`numeric_gradient`; returns a GradientReport."""
    analytic = model.gradient(X, Y)
    numeric = numeric_gradient(model, X, Y)
    names = [f"{'W' if k % 2 == 0 else 'b'}_{k // 2}" for k in range(len(analytic))]
    report = GradientReport(names, [])
    for g, g_num in zip(analytic, numeric):
        worst = np.unravel_index(np.argmax(excess_over_bound(g, g_num)), g.shape)
        report.relative_errors.append(relative_error(g, g_num))
        report.worst_elements.append((tuple(int(i) for i in worst), float(g[worst]),
                                      float(g_num[worst])))
        if not within_bounds(g, g_num):
            report.passed = False
    return report


def directional_check(model, X, Y, rng):
    """One random unit direction u over all parameters: ``(L(t + hu) - L(t - hu)) / 2h`` against
    ``<grad, u>``. Two loss evaluations whatever the size, so it fits inside property tests.
    Returns (numeric, analytic, relative error)."""
    params = model.parameters()
    analytic_grads = model.gradient(X, Y)
    u = [rng.standard_normal(p.shape) for p in params]
    norm = np.sqrt(sum(float(np.sum(d * d)) for d in u))
    u = [d / norm for d in u]
    h = 1e-5 * max(1.0, max(float(np.max(np.abs(p))) for p in params))
    try:
        model.set_parameters([p + h * d for p, d in zip(params, u)])
        up = model.loss(X, Y)
        model.set_parameters([p - h * d for p, d in zip(params, u)])
        down = model.loss(X, Y)
    finally:
        model.set_parameters(params)
    numeric = (up - down) / (2 * h)
    analytic = sum(float(np.sum(g * d)) for g, d in zip(analytic_grads, u))
    return numeric, analytic, relative_error(numeric, analytic)
