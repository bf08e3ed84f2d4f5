"""Generated problems, drawn from a ``numpy.random.Generator`` passed in."""
import numpy as np

from ..guards import check_generator, check_positive_int, check_real


def make_sin(n, rng, noise=0.0):
    """Source 000's regression data: ``y = sin(x) + noise * eps`` with x uniform on [-pi, pi].

    Returns x (n, 1) and y (n, 1), float64 columns (one input feature, one target).

    Draw order, so that a seed reproduces the data: first the n values of x
    (``rng.uniform(-pi, pi, n)``), then, only when ``noise > 0``, n standard normals eps. With
    ``noise == 0`` nothing else is drawn and y is exactly ``sin(x)``.

    The source's text promised noisy samples, but its code never added any noise; here the noise
    is explicit and stated: Gaussian with standard deviation ``noise`` (sigma).
    """
    n = check_positive_int("n", n)
    check_generator("rng", rng, "x and the noise are drawn from it")
    noise = check_real("noise", noise, low=0.0)
    x = rng.uniform(-np.pi, np.pi, size=n)
    y = np.sin(x)
    if noise > 0:
        y = y + noise * rng.standard_normal(n)
    return x.reshape(n, 1), y.reshape(n, 1)


