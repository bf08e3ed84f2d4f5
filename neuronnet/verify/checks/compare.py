"""Comparing arrays, mine against the expected: every failure names the quantity, the case, both
arrays in full precision and the relative error. Built on numpy.testing."""

import numpy as np

from .tolerances import PARAM_ORDER_DOC, active_precision, judged


def fmt(array, prefix="    "):
    """An array printed with every digit that matters (17 significant digits), its rows
    aligned for a first line that follows ``prefix``."""
    with np.printoptions(precision=17, threshold=80, linewidth=110, floatmode="maxprec"):
        return np.array2string(np.asarray(array, dtype=np.float64), prefix=prefix)


def param_names(n):
    return [f"{'W' if k % 2 == 0 else 'b'}_{k // 2}" for k in range(n)]


class Mismatch(AssertionError):
    """A failed comparison that also keeps its parts, for a report to lay out: the quantity's
    name, mine and the reference's arrays, and the worst element's relative error."""

    def __init__(self, message, name, mine, ref):
        super().__init__(message)
        self.name, self.mine, self.ref = name, mine, ref
        self.relative_error = worst_relative_error(mine, ref)


def worst_relative_error(mine, ref):
    """max |mine - ref| / |ref| over the elements that differ (inf where ref is 0, for shapes
    that differ, or for a NaN in mine)."""
    mine, ref = np.asarray(mine, dtype=np.float64), np.asarray(ref, dtype=np.float64)
    if mine.shape != ref.shape:
        return float("inf")
    if mine.size == 0:
        return 0.0
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        diff = np.abs(mine - ref)
        rel = np.where(diff == 0, 0.0, diff / np.abs(ref))   # x / 0 = inf: not defined
    rel = np.where(np.isnan(rel), np.inf, rel)
    return float(np.max(rel))


def assert_close(name, mine, ref, rtol, atol_scale, context=""):
    """Elementwise ``|mine - ref| <= atol_scale * s + rtol * |ref|`` with ``s = max(1, max|ref|)``,
    judged by ``numpy.testing.assert_allclose`` (NaN never equals NaN here).

    On failure: an AssertionError in numpy-ml's style: the quantity, the context (architecture
    and input), the tolerance, the worst element (mine, reference, relative error), then
    numpy's own report (how many mismatched, the largest differences, both arrays).

    For a network that computes in float32 the tolerance is float32's (tolerances.judged)."""
    rtol, atol_scale = judged(rtol, atol_scale)
    mine = np.asarray(mine, dtype=np.float64)
    ref = np.asarray(ref, dtype=np.float64)
    finite_ref = ref[np.isfinite(ref)]
    s = max(1.0, float(np.max(np.abs(finite_ref)))) if finite_ref.size else 1.0
    try:
        with np.errstate(invalid="ignore", over="ignore"):
            np.testing.assert_allclose(mine, ref, rtol=rtol, atol=atol_scale * s,
                                       equal_nan=False, strict=True)
    except AssertionError as report:
        ctx = f"\n{context}" if context else ""
        raise Mismatch(
            f"{name}: yours vs the reference's differ{ctx}\n"
            f"  tolerance: |mine - ref| <= {atol_scale:g}*s + {rtol:g}*|ref|, s = max(1, "
            f"max|ref|) = {s:.6g}{_precision_said()}\n{_worst(mine, ref)}"
            f"  mine:\n    {fmt(mine)}\n  reference:\n    {fmt(ref)}\n"
            f"  numpy.testing says:{report}", name, mine, ref) from None


def close_enough(mine, ref, rtol, atol_scale):
    """True where :func:`assert_close` would pass: the same rule, for code that asks rather
    than asserts (the diagnosis of a failure)."""
    rtol, atol_scale = judged(rtol, atol_scale)
    mine, ref = np.asarray(mine, dtype=np.float64), np.asarray(ref, dtype=np.float64)
    if mine.shape != ref.shape:
        return False
    s = max(1.0, float(np.max(np.abs(ref)))) if ref.size else 1.0
    return bool(np.all(np.abs(mine - ref) <= atol_scale * s + rtol * np.abs(ref)))


def _precision_said():
    precision = active_precision()
    return "" if precision == "float64" else f" ({precision}'s tolerance)"


def _worst(mine, ref):
    """The element that misses by the most, with its relative error (one line)."""
    if mine.shape != ref.shape:
        return f"  shapes: mine {mine.shape}, reference {ref.shape}\n"
    with np.errstate(invalid="ignore", over="ignore"):
        diff = np.where(np.isnan(mine - ref), np.inf, np.abs(mine - ref))
    where = tuple(int(k) for k in np.unravel_index(np.argmax(diff), ref.shape))
    m, r = float(mine[where]), float(ref[where])
    rel = abs(m - r) / abs(r) if r != 0 else float("inf")
    return (f"  worst at index {where}: mine {m!r}, reference {r!r}, |diff| {abs(m - r):.3e}, "
            f"relative error {rel:.3e}\n")


def assert_equal(name, mine, ref, context=""):
    """Bitwise equality (``==`` per element, so -0.0 == 0.0; NaN never equals), judged by
    ``numpy.testing.assert_array_equal``."""
    mine = np.asarray(mine, dtype=np.float64)
    ref = np.asarray(ref, dtype=np.float64)
    try:
        np.testing.assert_array_equal(mine, ref, strict=True)
        if np.isnan(ref).any():   # assert_array_equal lets NaN equal NaN; a result never may
            raise AssertionError("\n NaN in the expected values")
    except AssertionError as report:
        ctx = f"\n{context}" if context else ""
        raise Mismatch(f"{name}: not bitwise equal{ctx}\n"
                       f"  got:\n    {fmt(mine)}\n  expected:\n    {fmt(ref)}\n"
                       f"  numpy.testing says:{report}", name, mine, ref) from None


def assert_params(name, mine, ref, tol, context=""):
    """A parameter list (or gradient list) ``[W_0, b_0, ...]``; ``tol`` is None for bitwise."""
    if len(mine) != len(ref):
        raise AssertionError(f"{name}: got {len(mine)} arrays, expected {len(ref)} "
                             f"({PARAM_ORDER_DOC})\n{context}")
    for pname, m, r in zip(param_names(len(ref)), mine, ref):
        if tol is None:
            assert_equal(f"{name} {pname}", m, r, context)
        else:
            assert_close(f"{name} {pname}", m, r, *tol, context=context)


def call_or_fail(what, fn, *args, context="", **kwargs):
    """Run fn; an exception becomes an AssertionError that says which call raised."""
    try:
        return fn(*args, **kwargs)
    except AssertionError:
        raise
    except Exception as exc:  # noqa: BLE001 - any exception is the finding
        raise AssertionError(f"{what} raised {type(exc).__name__}: {exc}\n{context}") from exc
