"""Argument checks shared by the package. Every error names the argument, what it got and what
was expected, and is raised before any work starts: ``name: got X; expected Y``, formatted by
:func:`fail`. A value of the wrong type is a ``TypeError``; a value of the right type that is
out of range, a ``ValueError``."""
import numbers

import numpy as np


def fail(name, got, expected, error=ValueError):
    """Raise ``error("name: got <got>; expected <expected>")``: the one format of the package's
    argument errors. ``got`` is a description ("an array of shape (3,)") or a value's repr."""
    raise error(f"{name}: got {got}; expected {expected}")


def check_positive_int(name, value):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        fail(name, repr(value), "a positive integer", TypeError)
    if value <= 0:
        fail(name, repr(value), "a positive integer")
    return int(value)


def check_real(name, value, *, low=None, high=None, high_open=False):
    """A finite real number within [low, high] (or [low, high) with high_open)."""
    # Only ints and floats (numpy's too): a Fraction or a Decimal is refused by name, not
    # coerced somewhere inside numpy.
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        fail(name, repr(value), "a finite real number (an int or a float)", TypeError)
    if not np.isfinite(value):
        fail(name, repr(value), "a finite real number")
    too_high = high is not None and (value >= high if high_open else value > high)
    if (low is not None and value < low) or too_high:
        upper = "" if high is None else (f" and < {high}" if high_open else f" and <= {high}")
        raise ValueError(f"{name}: got {value!r}; expected a number >= {low}{upper}")
    return float(value)


def check_positive_real(name, value):
    """A finite real number > 0 (a step size, a clipping norm: zero would freeze training)."""
    value = check_real(name, value)
    if value <= 0.0:
        raise ValueError(f"{name}: got {value!r}; expected a number > 0")
    return value


def check_matrix(name, array, n_columns=None):
    """A finite 2-D float64 array (a new array only when a conversion is needed).

    Read-only inputs are fine: nothing here or downstream writes into it.
    """
    kind = np.asarray(array).dtype.kind
    if kind not in "iuf":  # complex, datetime, strings, objects, bools: refused, not coerced
        raise TypeError(f"{name}: got an object of type {type(array).__name__} with dtype kind "
                        f"{kind!r} that is not numeric; expected a 2-D array of real numbers "
                        "(ints or floats)")
    out = np.asarray(array, dtype=np.float64)
    if out.ndim != 2:
        raise ValueError(f"{name}: got an array of shape {out.shape}; expected a 2-D array "
                         f"(n_samples, {n_columns if n_columns is not None else 'n_features'})")
    if out.shape[0] == 0:
        raise ValueError(f"{name}: got an array of shape {out.shape}; expected at least one row")
    if n_columns is not None and out.shape[1] != n_columns:
        raise ValueError(f"{name}: got an array of shape {out.shape}; expected {n_columns} "
                         f"columns, shape (n_samples, {n_columns})")
    if not np.isfinite(out).all():
        bad = np.argwhere(~np.isfinite(out))[0]
        raise ValueError(f"{name}: got a non-finite value {out[tuple(bad)]} at row {bad[0]}, "
                         f"column {bad[1]}; expected finite numbers only")
    return out


def check_choice(name, value, choices):
    if value not in choices:
        raise ValueError(f"{name}: got {value!r}; expected one of {sorted(choices)}")
    return value


def check_generator(name, rng, why):
    if not isinstance(rng, np.random.Generator):
        fail(name, repr(rng), f"a numpy.random.Generator ({why}), e.g. "
             "numpy.random.default_rng(0)", TypeError)
    return rng


def check_layer_arrays(what, W, b, fan_in=None):
    """One layer's parameters as float64 arrays: W (fan_out, fan_in) and b (fan_out,), both
    non-empty and finite; ``fan_in`` given, W must have that many columns. The one check of a
    layer's arrays, for the conversion from arrays, ``set_parameters`` and model files."""
    try:
        W, b = np.asarray(W, dtype=np.float64), np.asarray(b, dtype=np.float64)
    except (TypeError, ValueError):
        fail(what, f"a {type(W).__name__} and a {type(b).__name__} that are not numeric",
             "float64 arrays", TypeError)
    fan_out = W.shape[0] if W.ndim == 2 else "fan_out"
    columns = "fan_in" if fan_in is None else fan_in
    if W.ndim != 2 or W.size == 0 or b.shape != (W.shape[0],) \
            or (fan_in is not None and W.shape[1] != fan_in):
        fail(what, f"shapes {W.shape} and {b.shape}",
             f"({fan_out}, {columns}) and ({fan_out},), W (fan_out, fan_in) with both > 0")
    if not (np.isfinite(W).all() and np.isfinite(b).all()):
        fail(what, "non-finite values (nan or inf)", "finite numbers")
    return W, b
