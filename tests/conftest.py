"""Hypothesis profiles and the fast tier.

Profiles (per-test example counts scale with the profile's max_examples, see
strategies.budget):
- ``CI`` set in the environment: hypothesis's built-in ``ci`` profile (derandomized, no deadline,
  no example database), so CI is deterministic.
- ``HYPOTHESIS_PROFILE=thorough``: ten times the examples, for a long local run.
- ``HYPOTHESIS_PROFILE=mutmut``: ten examples, no shrinking, for mutation testing.
- ``HYPOTHESIS_PROFILE=isolation``: three examples, for CI's run of every test file alone.
- otherwise ``quick`` (the default): random, no deadline (the neuron model is Python loops).
``HYPOTHESIS_PROFILE`` wins over ``CI`` when both are set.

The fast tier (tiny nets and closed forms: every ``test_fast_*.py``, as
tests/proofs/test_fast_closed_forms.py, and anything marked ``fast``) runs first, and alone with
``python -m pytest -m fast``.
"""
import os

import pytest
from hypothesis import HealthCheck, Phase, settings

settings.register_profile("quick", max_examples=100, deadline=None)
settings.register_profile("thorough", max_examples=1000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
# Mutation testing (mutmut) runs the suite once per mutant: few examples, no shrinking (a
# mutant only needs to be killed, not explained), derandomized so a run is repeatable.
settings.register_profile("mutmut", max_examples=10, deadline=None, derandomize=True,
                          database=None, phases=[Phase.explicit, Phase.reuse, Phase.generate],
                          suppress_health_check=list(HealthCheck))

# CI's step "every test file alone" (.ci/run): what it looks for is a file that passes only
# beside others (an import, a fixture, a registered strategy it does not bring itself), which
# one example shows as well as a hundred; the proofs themselves ran at full strength just before.
settings.register_profile("isolation", max_examples=3, deadline=None, derandomize=True,
                          database=None, suppress_health_check=list(HealthCheck))

if os.environ.get("HYPOTHESIS_PROFILE"):
    settings.load_profile(os.environ["HYPOTHESIS_PROFILE"])
elif os.environ.get("CI"):
    settings.load_profile("ci")
else:
    settings.load_profile("quick")


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "fast: the fast tier (tiny nets, closed forms); run alone with -m fast")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.path.name.startswith("test_fast_"):
            item.add_marker("fast")
    # Fast tier first; otherwise the collection order is kept (sorted is stable).
    items.sort(key=lambda item: 0 if item.get_closest_marker("fast") else 1)


@pytest.fixture(autouse=True, scope="session")
def one_blas_thread():
    """BLAS on one thread, as the CLI runs it (its --threads default). On a machine whose second
    core is not really there, multi-threaded OpenBLAS makes a (1000 x 784) matrix-vector
    product 80x slower, and the neuron model makes hundreds of them per batch."""
    from threadpoolctl import threadpool_limits
    with threadpool_limits(limits=1, user_api="blas"):
        yield
