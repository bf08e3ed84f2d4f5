"""The reference's own argument checks (reference/validation.py, independent of the package's)
on the accepted side of each limit, and its memory check at the machine's limit. Their
refusals, every branch, are rows of tests/test_refusals.py."""
import os

import numpy as np
import pytest

from reference import validation as rv

PAGES = {"SC_PAGE_SIZE": 4096, "SC_PHYS_PAGES": 2**20}          # a machine of 4 GiB


def test_what_the_checks_accept_comes_back_converted():
    assert rv.positive_int("n", np.uint16(7)) == 7 and type(rv.positive_int("n", 7)) is int
    assert rv.real("x", 0, 0.0) == 0.0 and rv.real("x", np.nextafter(1.0, 0.0), 0.0, 1.0) < 1.0
    assert type(rv.real("x", np.int64(3), 0.0)) is float
    rng = np.random.default_rng(0)
    assert rv.generator("rng", rng, "why") is rng


def test_finite_array_copies_when_asked_and_matches_any_size_for_none():
    A = np.ones((2, 3))
    assert rv.finite_array("A", A) is A and rv.finite_array("A", A, (None, None)) is A
    copied = rv.finite_array("A", A, (2, 3), copy=True)
    copied[0, 0] = 5.0
    assert A[0, 0] == 1.0
    assert rv.finite_array("A", [1, 2]).dtype == np.float64
    X, Y = rv.data([[1, 2]], [[0.5]], 2, 1)
    assert X.tolist() == [[1.0, 2.0]] and Y.tolist() == [[0.5]]
    assert rv.data([[1, 2]], None, 2, 1).tolist() == [[1.0, 2.0]]


def test_distribution_rows_allow_rounding_up_to_their_tolerance():
    T = np.array([[0.5, 0.5 + 5e-10], [1.0, 0.0]])
    assert rv.distribution_rows("Y", T) is T
    with pytest.raises(ValueError, match="^Y: "):
        rv.distribution_rows("Y", np.array([[0.5, 0.5 + 3e-9]]))
    assert rv.distribution_rows("Y", np.array([[0.5, 0.5 + 3e-9]]), tol=1e-8).shape == (1, 2)


@pytest.mark.skipif(not hasattr(os, "sysconf"), reason="no os.sysconf: memory is not known")
def test_the_memory_check_allows_exactly_the_machines_memory(monkeypatch):
    monkeypatch.setattr(os, "sysconf", lambda name: PAGES[name])
    rv.fits_in_memory("layer_sizes", "[1, 2]", 4 * 2**30)       # exactly: it fits
    with pytest.raises(ValueError, match=r"^layer_sizes: got \[1, 2\]"):
        rv.fits_in_memory("layer_sizes", "[1, 2]", 4 * 2**30 + 1)


@pytest.mark.parametrize("error", [ValueError, OSError, AttributeError])
def test_a_machine_that_does_not_say_its_memory_refuses_nothing(error, monkeypatch):
    def sysconf(name):
        raise error(name)
    monkeypatch.setattr(os, "sysconf", sysconf, raising=False)
    rv.fits_in_memory("layer_sizes", "[1, 2]", 2**80)
