"""What the tests of "the checks can fail" share: a random case by seed, the neuron model
with a buggy component swapped in, and :func:`fails`, which runs a check that must fail and
checks what its failure shows."""
import inspect

import numpy as np
import pytest

from neuronnet.convert import from_arrays
from neuronnet.pitfalls import variants
from neuronnet.verify import checks
from strategies import NUMERIC_KINK_MARGIN, random_case


def case_of(acts, loss="half_mse", sizes=(3, 4, 2), n=5, seed=0, margin=NUMERIC_KINK_MARGIN):
    return random_case(np.random.default_rng(seed), list(sizes), list(acts), loss, n,
                       kink_margin=margin)


# Every failure must carry the context it was given: the case (architecture, input) a caller
# hands in is what a teacher reads first. A check that takes ``context`` gets this marker.
CONTEXT = "  <the caller's context: architecture and input>"


def fails(check, *args, **kwargs):
    """The message of the AssertionError ``check`` must raise, checked for what every failure
    shows: the caller's context, and for a comparison the quantity named in its first line and
    both sides in full (:func:`checks.fmt`)."""
    given = "context" in kwargs or len(args) >= _context_position(check)
    if not given and _context_position(check) < 10**6:
        kwargs["context"] = CONTEXT
    with pytest.raises(AssertionError) as info:
        check(*args, **kwargs)
    message = str(info.value)
    if not given and _context_position(check) < 10**6:
        assert CONTEXT in message, f"{check.__name__}: the failure lost the context:\n{message}"
    for case in (a for a in (*args, *kwargs.values()) if hasattr(a, "describe")):
        assert case.describe() in message, \
            f"{check.__name__}: the failure does not describe the case:\n{message}"
    if isinstance(info.value, checks.Mismatch):
        error = info.value
        assert isinstance(error.name, str) and error.name and \
            error.name.split()[0] in message.split("\n")[0], \
            f"{check.__name__}: the failure's first line does not name the quantity:\n{message}"
        assert checks.fmt(error.mine) in message and checks.fmt(error.ref) in message, \
            f"{check.__name__}: the failure does not show both sides:\n{message}"
    return message


def _context_position(check):
    """Where ``check`` takes ``context`` among its positional arguments (10**6: it has none)."""
    names = list(inspect.signature(check).parameters)
    return names.index("context") if "context" in names else 10**6


def swap(**by_name):
    """MINE with the activations of these names replaced by buggy objects."""
    (name, activation), = by_name.items()
    return variants.NetworkFactory(f"{name} swapped", activation=activation)


def with_loss(bad_loss):
    """MINE whatever the loss asked for: ``bad_loss`` stands in for it."""
    def make(weights, biases, activations, loss):
        return from_arrays(weights, biases, activations, bad_loss)
    return make
