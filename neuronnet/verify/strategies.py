"""Hypothesis strategies for the generic properties (docs/design.md, "The tolerance policy").

- architectures of 1-4 layers of neurons, widths 1-6, batches 1-8, every activation and loss;
- for a network that takes an L2 penalty, its strength: none half the time, else small to
  large (PENALTY_STRENGTHS);
- floats bounded by 3 (keeps sigmoid and tanh out of saturation), no NaN, no infinity, no
  subnormals;
- distinct entries in every weight matrix, bias vector and input matrix (a repeated fill value
  hides transpose bugs);
- ReLU kinks avoided: no ReLU pre-activation within ``kink_margin`` of 0. The policy's margin
  is 1e-9 (enough for the two models, whose z differ by ~1e-15). Properties that difference the
  loss numerically use a wider margin, so that the finite-difference step itself cannot carry a
  z across the kink; that is a stricter filter on the examples, not a wider tolerance.
  Instead of rejecting such examples (hypothesis favours zeros, so most would be rejected), the
  offending neuron's bias is moved by a fixed, irregular amount until its z clears the margin.
"""
import numpy as np
from hypothesis import assume
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from .checks import Case

ACTIVATIONS = ("identity", "sigmoid", "tanh", "relu")
LOSSES = ("half_mse", "cross_entropy", "binary_cross_entropy")
# The penalty's strengths drawn when build takes one: 0 (none) or small to large, the large ones
# so that its share of every dW stands well clear of the tolerance.
PENALTY_STRENGTHS = st.one_of(st.just(0.0), st.sampled_from([1e-3, 0.1, 0.7, 2.5]))
BOUND = 3.0
POLICY_KINK_MARGIN = 1e-9
# For numeric differentiation: a central difference moves parameters by h <= 3e-5 (|theta| <=
# 3) and a z by at most a few times 1e-4 even four layers deep; 1e-2 keeps every ReLU z on its
# side of the kink during the whole check.
NUMERIC_KINK_MARGIN = 1e-2


def floats(bound=BOUND):
    return st.floats(-bound, bound, allow_nan=False, allow_infinity=False,
                     allow_subnormal=False, width=64)


def distinct_arrays(shape, bound=BOUND):
    return hnp.arrays(np.float64, shape, elements=floats(bound), unique=True)


@st.composite
def architectures(draw, min_layers=1, max_layers=4, max_width=6, activations=ACTIVATIONS,
                  losses=LOSSES, min_hidden_width=1):
    """(sizes, activation names, loss name)."""
    n_layers = draw(st.integers(min_layers, max_layers))
    sizes = [draw(st.integers(1, max_width))]
    for l in range(n_layers):
        low = min_hidden_width if l < n_layers - 1 else 1
        sizes.append(draw(st.integers(low, max_width)))
    acts = [draw(st.sampled_from(activations)) for _ in range(n_layers)]
    loss = draw(st.sampled_from(losses))
    return sizes, acts, loss


def _relu(z):
    return np.maximum(z, 0.0)


_FORWARD = {"identity": lambda z: z, "sigmoid": lambda z: 0.5 * (1.0 + np.tanh(0.5 * z)),
            "tanh": np.tanh, "relu": _relu}
# Irregular shifts: no dyadic or "nice" value that could recreate a tie with another bias.
_SHIFTS = [s * m for m in (0.3719, 0.1371, 0.6173, 0.2293, 0.9127, 1.2841, 1.7353, 2.2419)
           for s in (1, -1)]


def clear_kinks(weights, biases, activations, X, margin, bound=BOUND):
    """Move biases of ReLU neurons until every ReLU z of the batch is at least ``margin`` away
    from 0; returns new biases, or None when no shift within the bound works."""
    biases = [np.array(b) for b in biases]
    a = X
    for l, (W, act) in enumerate(zip(weights, activations)):
        z = a @ W.T + biases[l]
        if act == "relu":
            for j in range(W.shape[0]):
                if np.min(np.abs(z[:, j])) >= margin:
                    continue
                for shift in _SHIFTS:
                    nb = biases[l][j] + shift
                    if abs(nb) <= bound and np.min(np.abs(z[:, j] + shift)) >= margin \
                            and nb not in biases[l]:
                        biases[l][j] = nb
                        z[:, j] += shift
                        break
                else:
                    return None
        a = _FORWARD[act](z)
    return biases


@st.composite
def targets(draw, loss, n, k, bound=BOUND, one_hot=False):
    """Targets (n, k): any bounded numbers for half-MSE; for cross-entropy one-hot rows or,
    unless ``one_hot``, probability rows (soft targets, e.g. [0.3, 0.7]); for binary
    cross-entropy 0/1 labels or, unless ``one_hot``, probabilities in [0, 1]."""
    if loss == "half_mse":
        return draw(hnp.arrays(np.float64, (n, k), elements=floats(bound)))
    if loss == "binary_cross_entropy":
        if one_hot or draw(st.booleans()):
            return draw(hnp.arrays(np.float64, (n, k), elements=st.sampled_from([0.0, 1.0])))
        return draw(hnp.arrays(np.float64, (n, k),
                               elements=st.floats(0.0, 1.0, allow_subnormal=False)))
    if one_hot or draw(st.booleans()):
        labels = draw(st.lists(st.integers(0, k - 1), min_size=n, max_size=n))
        return np.eye(k)[labels]
    raw = draw(hnp.arrays(np.float64, (n, k), elements=st.floats(0.01, 1.0, allow_subnormal=False)))
    return raw / raw.sum(axis=1, keepdims=True)


@st.composite
def cases(draw, min_layers=1, max_layers=4, max_width=6, min_batch=1, max_batch=8,
          activations=ACTIVATIONS, losses=LOSSES, kink_margin=POLICY_KINK_MARGIN,
          min_hidden_width=1, architecture=None, bound=BOUND, one_hot=False, penalty=None):
    """A :class:`checks.Case`: a network (distinct weights, bounded by ``bound``), a batch and
    targets; with ``penalty`` (the keyword build takes it by), an L2 strength drawn for it."""
    if architecture is None:
        sizes, acts, loss = draw(architectures(min_layers, max_layers, max_width, activations,
                                               losses, min_hidden_width))
    else:
        sizes, acts, loss = architecture
    weights = [draw(distinct_arrays((fo, fi), bound)) for fi, fo in zip(sizes, sizes[1:])]
    biases = [draw(distinct_arrays((fo,), bound)) for fo in sizes[1:]]
    n = draw(st.integers(min_batch, max_batch))
    X = draw(distinct_arrays((n, sizes[0]), bound))
    Y = draw(targets(loss, n, sizes[-1], bound, one_hot))
    if "relu" in acts:
        biases = clear_kinks(weights, biases, acts, X, kink_margin, bound)
        assume(biases is not None)
    l2 = draw(PENALTY_STRENGTHS) if penalty else 0.0
    return Case(weights, biases, acts, loss, X, Y, l2=l2, penalty=penalty or "l2")


def seeds():
    return st.integers(0, 2 ** 32 - 1)
