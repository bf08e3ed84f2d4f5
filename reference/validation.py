"""Argument checks. Each error names the argument, what it got and what was expected: a
TypeError for a value of the wrong type, a ValueError for a value out of range."""
import numbers
import os

import numpy as np


def fail(name, got, expected, error=ValueError):
    raise error(f"{name}: got {got}; expected {expected}")


def positive_int(name, value):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        fail(name, repr(value), "a positive integer", TypeError)
    if value <= 0:
        fail(name, repr(value), "a positive integer")
    return int(value)


def real(name, value, low, high=None):
    """A finite real number in [low, high) (or [low, inf) without high)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        fail(name, repr(value), "a finite real number (an int or a float)", TypeError)
    if not np.isfinite(value):
        fail(name, repr(value), "a finite real number")
    if value < low or (high is not None and value >= high):
        fail(name, repr(value), f"a number >= {low}" + ("" if high is None else f" and < {high}"))
    return float(value)


def generator(name, rng, why):
    if not isinstance(rng, np.random.Generator):
        fail(name, repr(rng),
             f"a numpy.random.Generator ({why}), e.g. numpy.random.default_rng(0)", TypeError)
    return rng


def finite_array(name, A, shape=None, copy=False):
    """A as float64 (a copy if asked or if converting); shape entries None match anything."""
    try:
        kind = np.asarray(A).dtype.kind
    except (TypeError, ValueError):  # ragged lists and the like
        kind = "O"
    if kind not in "iuf":  # complex, datetime, strings, objects, bools: refused, not coerced
        fail(name, f"a {type(A).__name__} that is not numeric (dtype kind {kind!r})",
             "an array of real numbers (ints or floats)", TypeError)
    A = np.array(A, dtype=np.float64, copy=True) if copy else np.asarray(A, dtype=np.float64)
    if shape is not None and (A.ndim != len(shape)
                              or any(s is not None and s != t for s, t in zip(shape, A.shape))):
        want = ", ".join("n" if s is None else str(s) for s in shape)
        want += "," if len(shape) == 1 else ""
        fail(name, f"an array of shape {A.shape}", f"shape ({want})")
    if not np.all(np.isfinite(A)):
        fail(name, "non-finite values (inf or nan)", "finite numbers")
    return A


def data(X, Y, n_inputs, n_outputs):
    """X (n, n_inputs), Y (n, n_outputs), n >= 1, finite; read-only arrays are fine."""
    X = finite_array("X", X, (None, n_inputs))
    if X.shape[0] == 0:
        fail("X", f"an array of shape {X.shape}", "at least one row")
    if Y is None:
        return X
    Y = finite_array("Y", Y, (None, n_outputs))
    if Y.shape[0] != X.shape[0]:
        fail("Y", f"{Y.shape[0]} rows", f"{X.shape[0]}, one target row per row of X")
    return X, Y


def fits_in_memory(name, got, n_bytes):
    """Refuse what needs more bytes than the machine's physical memory (where it is known)."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return
    if n_bytes > total:
        fail(name, f"{got}, needing about {n_bytes / 2**30:,.1f} GiB",
             f"at most the machine's {total / 2**30:,.1f} GiB")


def distribution_rows(name, T, tol=1e-9):
    """T, if every row is a probability distribution (>= 0, summing to 1 within ``tol``, room
    for rounding): the rows cross-entropy's gradient p - T is the gradient of."""
    sums = T.sum(axis=1)
    bad = np.flatnonzero((np.abs(sums - 1.0) > tol) | (T < 0).any(axis=1))
    if bad.size:
        fail(name, f"row {bad[0]} summing to {sums[bad[0]]:.12g}" +
             (" with a negative entry" if (T[bad[0]] < 0).any() else ""),
             "every row a probability distribution for cross_entropy: entries >= 0 summing "
             "to 1")
    return T
