"""Two-class problems in the plane, drawn from a ``numpy.random.Generator`` passed in: small
enough to watch every hidden neuron learn (the 2-D recipes: xor, moons, circles, spiral).

Each returns X (n, 2) float64 and labels y (n,) in {0, 1}, half of each class (the first n // 2
rows class 0, then class 1; a recipe shuffles them by its split). ``noise`` is the standard
deviation of Gaussian noise added to both coordinates; the draws come in the order written in
each function, so a seed reproduces the data.
"""
import numpy as np

from ..guards import check_generator, check_positive_int, check_real


def _check(n, rng, noise):
    n = check_positive_int("n", n)
    if n < 2:
        raise ValueError(f"n: got {n}; expected at least 2 (one sample of each class)")
    check_generator("rng", rng, "the points are drawn from it")
    return n, check_real("noise", noise, low=0.0)


def _labels(n):
    return np.repeat([0, 1], [n // 2, n - n // 2])


def _jitter(X, rng, noise):
    return X + noise * rng.standard_normal(X.shape) if noise > 0 else X


def make_xor(n, rng, noise=0.2):
    """Four clusters at the corners (+-1, +-1): class 0 at (1, 1) and (-1, -1), class 1 at
    (1, -1) and (-1, 1). No line separates them; two hidden neurons can. Draws: n corner signs
    (``rng.integers(0, 2, n)``: which of its class's two corners a point goes to), then the
    noise."""
    n, noise = _check(n, rng, noise)
    y = _labels(n)
    sign = np.where(rng.integers(0, 2, n) == 1, 1.0, -1.0)
    X = np.column_stack([sign, np.where(y == 0, sign, -sign)])
    return _jitter(X, rng, noise), y


def make_moons(n, rng, noise=0.1):
    """Two interleaved half circles of radius 1: class 0 is the upper arc centred at (0, 0),
    class 1 the lower arc centred at (1, 0.5). Draws: n angles uniform on [0, pi], then the
    noise."""
    n, noise = _check(n, rng, noise)
    y = _labels(n)
    angle = rng.uniform(0.0, np.pi, n)
    X = np.where((y == 0)[:, None],
                 np.column_stack([np.cos(angle), np.sin(angle)]),
                 np.column_stack([1.0 - np.cos(angle), 0.5 - np.sin(angle)]))
    return _jitter(X, rng, noise), y


def make_circles(n, rng, noise=0.05, inner=0.5):
    """Two concentric circles: class 0 of radius 1, class 1 of radius ``inner``. Draws: n
    angles uniform on [0, 2 pi), then the noise."""
    n, noise = _check(n, rng, noise)
    inner = check_real("inner", inner, low=0.0, high=1.0)
    y = _labels(n)
    angle = rng.uniform(0.0, 2 * np.pi, n)
    radius = np.where(y == 0, 1.0, inner)
    return _jitter(np.column_stack([radius * np.cos(angle), radius * np.sin(angle)]), rng,
                   noise), y


def make_spiral(n, rng, noise=0.05, turns=1.5):
    """Two interleaved spiral arms of ``turns`` turns each, the second the first turned by pi;
    the radius grows from 0.1 to 1 along an arm. Draws: n positions along the arm uniform on
    [0, 1], then the noise."""
    n, noise = _check(n, rng, noise)
    turns = check_real("turns", turns, low=0.0)
    y = _labels(n)
    s = rng.uniform(0.0, 1.0, n)
    angle = 2 * np.pi * turns * s + np.pi * y
    radius = 0.1 + 0.9 * s
    return _jitter(np.column_stack([radius * np.cos(angle), radius * np.sin(angle)]), rng,
                   noise), y


PLANAR = {"xor": make_xor, "moons": make_moons, "circles": make_circles, "spiral": make_spiral}
