"""make_sin (neuronnet/training/synthetic.py): its shapes and range, the order of its draws, the
same data for the same seed, the noise it states, and its refusals naming the argument."""
import math

import numpy as np
import pytest

from neuronnet.io import (
    data_dir,
)
from neuronnet.training import make_sin
from strategies import WrongType, expecting

DATA_DIR = data_dir()


# --------------------------------------------------------------------------------------------
# make_sin


def test_make_sin_shapes_range_and_exact_sin():
    x, y = make_sin(1000, np.random.default_rng(0))
    assert x.shape == (1000, 1) and y.shape == (1000, 1)
    assert x.dtype == np.float64 and y.dtype == np.float64
    assert (x >= -np.pi).all() and (x <= np.pi).all()
    assert x.min() < -3.0 and x.max() > 3.0                  # spread over the whole interval
    np.testing.assert_array_equal(y, np.sin(x))


def test_make_sin_draw_order():
    """x first (uniform), then the noise (standard normal); no noise, no second draw."""
    n, sigma = 50, 0.25
    x, y = make_sin(n, np.random.default_rng(7), noise=sigma)
    replay = np.random.default_rng(7)
    x_expected = replay.uniform(-np.pi, np.pi, size=n)
    eps = replay.standard_normal(n)
    np.testing.assert_array_equal(x[:, 0], x_expected)
    np.testing.assert_array_equal(y[:, 0], np.sin(x_expected) + sigma * eps)

    rng, replay = np.random.default_rng(7), np.random.default_rng(7)
    make_sin(n, rng)
    replay.uniform(-np.pi, np.pi, size=n)
    assert rng.random() == replay.random()


def test_make_sin_same_seed_same_data():
    first = make_sin(100, np.random.default_rng(3), noise=0.1)
    second = make_sin(100, np.random.default_rng(3), noise=0.1)
    other = make_sin(100, np.random.default_rng(4), noise=0.1)
    np.testing.assert_array_equal(first[0], second[0])
    np.testing.assert_array_equal(first[1], second[1])
    assert not np.array_equal(first[0], other[0])


def test_make_sin_noise_has_the_stated_sigma():
    """n = 200,000 residuals of sigma 0.3: the sample std has a standard error of
    sigma / sqrt(2n) ~ 0.00047, so the 2% bound (0.006) is about 13 standard errors; the mean's
    bound 5 sigma / sqrt(n) is 5 standard errors."""
    n, sigma = 200_000, 0.3
    x, y = make_sin(n, np.random.default_rng(11), noise=sigma)
    residual = y - np.sin(x)
    assert abs(residual.std() - sigma) < 0.02 * sigma
    assert abs(residual.mean()) < 5 * sigma / math.sqrt(n)


@pytest.mark.parametrize("kwargs,name,error", expecting([
    (dict(n=0), "n"), (dict(n=-3), "n"), WrongType((dict(n=2.5), "n")),
    WrongType((dict(n=True), "n")), (dict(noise=-0.1), "noise"), (dict(noise=float("nan")), "noise"),
    (dict(noise=float("inf")), "noise"), WrongType((dict(noise="0.1"), "noise")),
    WrongType((dict(rng=0), "rng")), WrongType((dict(rng=np.random.RandomState(0)), "rng")),
]))
def test_make_sin_rejects_bad_arguments(kwargs, name, error):
    arguments = dict(n=10, rng=np.random.default_rng(0), noise=0.0) | kwargs
    with pytest.raises(error, match=f"^{name}: got"):
        make_sin(**arguments)


def test_a_legacy_random_state_is_refused_naming_the_generator_wanted():
    with pytest.raises(TypeError) as refusal:
        make_sin(3, np.random.RandomState(0))
    message = str(refusal.value)
    assert message.startswith("rng: got RandomState") and "numpy.random.Generator" in message
