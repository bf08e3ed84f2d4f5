"""Strategies and helpers of the test suite beyond the generic ones (which live in
neuronnet.verify.strategies, with the policy on bounds, distinct entries and kinks)."""
from dataclasses import dataclass

import numpy as np
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from neuronnet.verify.checks import Case
from neuronnet.verify.strategies import (  # noqa: F401 - the suite draws from one home
    ACTIVATIONS,
    BOUND,
    LOSSES,
    NUMERIC_KINK_MARGIN,
    POLICY_KINK_MARGIN,
    architectures,
    clear_kinks,
    distinct_arrays,
    floats,
    seeds,
)
from neuronnet.verify.strategies import cases as checker_cases
from neuronnet.verify.strategies import targets as checker_targets

# The book's losses and optimizers: the checker's contract (neuronnet.verify) names the first
# ones; the suite draws them all.
BOOK_LOSSES = LOSSES + ("binary_cross_entropy",)
BOOK_OPTIMIZERS = ("sgd", "momentum", "nesterov", "rmsprop", "adam")
# The L2 penalty's strengths a case draws: none half the time, else small to large.
PENALTIES = st.one_of(st.just(0.0), st.sampled_from([1e-4, 0.1, 0.7, 2.5]))


@dataclass
class PenalizedCase(Case):
    """A case whose models carry an L2 penalty of strength ``l2`` (0: none): ``build`` hands
    it to ``make``, and ``replace`` keeps it."""
    l2: float = 0.0

    def build(self, make, loss=None, activations=None):
        if not self.l2:
            return super().build(make, loss, activations)
        return make([np.array(W, dtype=np.float64) for W in self.weights],
                    [np.array(b, dtype=np.float64) for b in self.biases],
                    list(self.activations if activations is None else activations),
                    self.loss if loss is None else loss, l2=self.l2)

    def replace(self, **changes):
        values = dict(weights=self.weights, biases=self.biases, activations=self.activations,
                      loss=self.loss, X=self.X, Y=self.Y, note=self.note, l2=self.l2)
        values.update(changes)
        return PenalizedCase(**values)

    def describe(self):
        return super().describe() + (f"\n  L2 penalty l2 = {self.l2!r}" if self.l2 else "")


@st.composite
def targets(draw, loss, n, k, bound=BOUND, one_hot=False):
    """The checker's targets, and for binary cross-entropy 0/1 labels or, unless ``one_hot``,
    probabilities, one independent per output."""
    if loss != "binary_cross_entropy":
        return draw(checker_targets(loss, n, k, bound, one_hot))
    labels = hnp.arrays(np.float64, (n, k), elements=st.sampled_from([0.0, 1.0]))
    if one_hot or draw(st.booleans()):
        return draw(labels)
    return draw(hnp.arrays(np.float64, (n, k), elements=st.floats(0.0, 1.0,
                                                                   allow_subnormal=False)))


@st.composite
def cases(draw, *, losses=BOOK_LOSSES, penalty=True, one_hot=False, bound=BOUND, **kwargs):
    """The checker's cases over every loss of the book, with an L2 penalty drawn unless
    ``penalty`` is False: a :class:`PenalizedCase`."""
    case = draw(checker_cases(losses=losses, one_hot=one_hot, bound=bound, **kwargs))
    Y = case.Y
    if case.loss == "binary_cross_entropy":
        Y = draw(targets(case.loss, *case.Y.shape, bound=bound, one_hot=one_hot))
    l2 = draw(PENALTIES) if penalty else 0.0
    return PenalizedCase(case.weights, case.biases, case.activations, case.loss, case.X, Y,
                         case.note, l2)


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



def random_case(rng, sizes, activations, loss, n, scale=1.0, kink_margin=POLICY_KINK_MARGIN,
                l2=0.0):
    """A seeded (non-hypothesis) case: for the fixed tiny and large nets."""
    weights = [rng.uniform(-scale, scale, (fo, fi)) for fi, fo in zip(sizes, sizes[1:])]
    biases = [rng.uniform(-scale, scale, fo) for fo in sizes[1:]]
    X = rng.uniform(-BOUND, BOUND, (n, sizes[0]))
    if loss == "half_mse":
        Y = rng.uniform(-1, 1, (n, sizes[-1]))
    elif loss == "binary_cross_entropy":
        Y = rng.integers(0, 2, (n, sizes[-1])).astype(np.float64)
    else:
        Y = np.eye(sizes[-1])[rng.integers(0, sizes[-1], n)]
    if "relu" in activations:
        biases = clear_kinks(weights, biases, activations, X, kink_margin)
        assert biases is not None, "no kink-free biases: choose another seed"
    return PenalizedCase(weights, biases, list(activations), loss, X, Y, l2=l2)


class WrongType(tuple):
    """A bad-argument case whose argument has the wrong type: a TypeError is expected, where a
    value of the right type out of range gets a ValueError."""


def expecting(cases):
    """Parametrize cases ``(args..., words)`` as ``(args..., words, error)``: TypeError for a
    :class:`WrongType` case, ValueError otherwise."""
    import pytest
    return [pytest.param(*case, TypeError if isinstance(case, WrongType) else ValueError)
            for case in cases]
