"""Strategies and helpers of the test suite beyond the generic ones (which live in
neuronnet.verify.strategies, with the policy on bounds, distinct entries and kinks)."""
import numpy as np
from hypothesis import settings

from neuronnet.verify.checks import Case
from neuronnet.verify.strategies import (  # noqa: F401 - the suite draws from one home
    ACTIVATIONS,
    BOUND,
    LOSSES,
    NUMERIC_KINK_MARGIN,
    POLICY_KINK_MARGIN,
    architectures,
    cases,
    clear_kinks,
    distinct_arrays,
    floats,
    seeds,
    targets,
)


def budget(n):
    """``n`` examples under the ``ci`` and default profiles (100 max_examples), 10 n under
    ``thorough`` (1000): per-test counts scale with the loaded profile."""
    return max(1, round(n * settings.default.max_examples / 100))


# Training: the trajectory tolerance is for bounded inputs and lr <= 0.1. With weights and
# inputs up to 3, a 4-layer net's loss curvature reaches the hundreds and lr = 0.1 diverges
# (rounding is then amplified without bound, and both models overflow). Training cases draw
# weights, biases, inputs and targets from [-1, 1]; the tests add a precondition that the
# oracle's run stays bounded (see tests/proofs/test_properties.py).
TRAINING_BOUND = 1.0


def training_cases(**kwargs):
    return cases(bound=TRAINING_BOUND, **kwargs)



def random_case(rng, sizes, activations, loss, n, scale=1.0, kink_margin=POLICY_KINK_MARGIN):
    """A seeded (non-hypothesis) case: for the fixed tiny and large nets."""
    weights = [rng.uniform(-scale, scale, (fo, fi)) for fi, fo in zip(sizes, sizes[1:])]
    biases = [rng.uniform(-scale, scale, fo) for fo in sizes[1:]]
    X = rng.uniform(-BOUND, BOUND, (n, sizes[0]))
    if loss == "half_mse":
        Y = rng.uniform(-1, 1, (n, sizes[-1]))
    else:
        Y = np.eye(sizes[-1])[rng.integers(0, sizes[-1], n)]
    if "relu" in activations:
        biases = clear_kinks(weights, biases, activations, X, kink_margin)
        assert biases is not None, "no kink-free biases: choose another seed"
    return Case(weights, biases, list(activations), loss, X, Y)


class WrongType(tuple):
    """A bad-argument case whose argument has the wrong type: a TypeError is expected, where a
    value of the right type out of range gets a ValueError."""


def expecting(cases):
    """Parametrize cases ``(args..., words)`` as ``(args..., words, error)``: TypeError for a
    :class:`WrongType` case, ValueError otherwise."""
    import pytest
    return [pytest.param(*case, TypeError if isinstance(case, WrongType) else ValueError)
            for case in cases]
