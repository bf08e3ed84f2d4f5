"""The argument checks themselves, word for word and at their boundaries: the package's
(``neuronnet.validation``) and the reference's own (``reference.validation``), each tested
directly. The entry points' refusals are pinned in tests/test_refusals.py; here every branch
of each check has its whole sentence, and every limit is shown inclusive or exclusive as
documented (docs/semantics.md, "Refusals and limits")."""
import os
from fractions import Fraction

import numpy as np
import pytest

from neuronnet import validation as v
from reference import validation as rv

REAL_TYPE = "a finite real number (an int or a float)"
GENERATOR = "a numpy.random.Generator (why), e.g. numpy.random.default_rng(0)"
PAGES = {"SC_PAGE_SIZE": 4096, "SC_PHYS_PAGES": 2**20}          # a machine of 4 GiB


def refused(call, error):
    with pytest.raises(error) as refusal:
        call()
    assert type(refusal.value) is error
    return str(refusal.value)


# --- neuronnet.validation -------------------------------------------------------------------------
PACKAGE = [
    (lambda: v.fail("x", "1", "2"), ValueError, "x: got 1; expected 2"),
    (lambda: v.fail("x", "1", "2", TypeError), TypeError, "x: got 1; expected 2"),
    (lambda: v.check_positive_int("n", True), TypeError, "n: got True; expected a positive integer"),
    (lambda: v.check_positive_int("n", 2.0), TypeError, "n: got 2.0; expected a positive integer"),
    (lambda: v.check_positive_int("n", 0), ValueError, "n: got 0; expected a positive integer"),
    (lambda: v.check_positive_int("n", -3), ValueError, "n: got -3; expected a positive integer"),
    (lambda: v.check_real("x", "1"), TypeError, f"x: got '1'; expected {REAL_TYPE}"),
    (lambda: v.check_real("x", True), TypeError, f"x: got True; expected {REAL_TYPE}"),
    (lambda: v.check_real("x", Fraction(1, 2)), TypeError,
     f"x: got Fraction(1, 2); expected {REAL_TYPE}"),
    (lambda: v.check_real("x", float("nan")), ValueError, "x: got nan; expected a finite real number"),
    (lambda: v.check_real("x", -np.inf), ValueError, "x: got -inf; expected a finite real number"),
    (lambda: v.check_real("x", -0.5, low=0.0), ValueError, "x: got -0.5; expected a number >= 0.0"),
    (lambda: v.check_real("x", 1.5, low=0.0, high=1.0), ValueError,
     "x: got 1.5; expected a number >= 0.0 and <= 1.0"),
    (lambda: v.check_real("x", 1.0, low=0.0, high=1.0, high_open=True), ValueError,
     "x: got 1.0; expected a number >= 0.0 and < 1.0"),
    (lambda: v.check_real("x", -1, low=0.0, high=1.0, high_open=True), ValueError,
     "x: got -1; expected a number >= 0.0 and < 1.0"),
    (lambda: v.check_positive_real("x", 0), ValueError, "x: got 0.0; expected a number > 0"),
    (lambda: v.check_positive_real("x", -2), ValueError, "x: got -2.0; expected a number > 0"),
    (lambda: v.check_matrix("X", [["a", "b"]]), TypeError,
     "X: got an object of type list with dtype kind 'U' that is not numeric; expected a 2-D "
     "array of real numbers (ints or floats)"),
    (lambda: v.check_matrix("X", np.ones((2, 2), dtype=bool)), TypeError,
     "X: got an object of type ndarray with dtype kind 'b' that is not numeric; expected a 2-D "
     "array of real numbers (ints or floats)"),
    (lambda: v.check_matrix("X", np.ones((2, 2), dtype=complex)), TypeError,
     "X: got an object of type ndarray with dtype kind 'c' that is not numeric; expected a 2-D "
     "array of real numbers (ints or floats)"),
    (lambda: v.check_matrix("X", np.ones(3)), ValueError,
     "X: got an array of shape (3,); expected a 2-D array (n_samples, n_features)"),
    (lambda: v.check_matrix("X", np.ones((1, 2, 3)), 4), ValueError,
     "X: got an array of shape (1, 2, 3); expected a 2-D array (n_samples, 4)"),
    (lambda: v.check_matrix("X", np.ones((0, 3))), ValueError,
     "X: got an array of shape (0, 3); expected at least one row"),
    (lambda: v.check_matrix("X", np.ones((3, 2)), 4), ValueError,
     "X: got an array of shape (3, 2); expected 4 columns, shape (n_samples, 4)"),
    (lambda: v.check_matrix("X", [[0, 1], [np.inf, 0], [0, np.nan]]), ValueError,
     "X: got a non-finite value inf at row 1, column 0; expected finite numbers only"),
    (lambda: v.check_matrix("X", [[0, 1], [2, 3], [4, np.nan]]), ValueError,
     "X: got a non-finite value nan at row 2, column 1; expected finite numbers only"),
    (lambda: v.check_choice("mode", "x", {"b", "a"}), ValueError,
     "mode: got 'x'; expected one of ['a', 'b']"),
    (lambda: v.check_generator("rng", 0, "why"), TypeError, f"rng: got 0; expected {GENERATOR}"),
    (lambda: v.check_generator("rng", "seed", "why"), TypeError,
     f"rng: got 'seed'; expected {GENERATOR}"),
]

# --- reference.validation -------------------------------------------------------------------------
REFERENCE = [
    (lambda: rv.fail("x", "1", "2"), ValueError, "x: got 1; expected 2"),
    (lambda: rv.positive_int("n", False), TypeError, "n: got False; expected a positive integer"),
    (lambda: rv.positive_int("n", 1.0), TypeError, "n: got 1.0; expected a positive integer"),
    (lambda: rv.positive_int("n", 0), ValueError, "n: got 0; expected a positive integer"),
    (lambda: rv.real("x", "1", 0.0), TypeError, f"x: got '1'; expected {REAL_TYPE}"),
    (lambda: rv.real("x", False, 0.0), TypeError, f"x: got False; expected {REAL_TYPE}"),
    (lambda: rv.real("x", np.nan, 0.0), ValueError, "x: got nan; expected a finite real number"),
    (lambda: rv.real("x", -0.5, 0.0), ValueError, "x: got -0.5; expected a number >= 0.0"),
    (lambda: rv.real("x", 1.0, 0.0, 1.0), ValueError, "x: got 1.0; expected a number >= 0.0 and < 1.0"),
    (lambda: rv.generator("rng", None, "why"), TypeError, f"rng: got None; expected {GENERATOR}"),
    (lambda: rv.finite_array("A", [["a"]]), TypeError,
     "A: got a list that is not numeric (dtype kind 'U'); expected an array of real numbers "
     "(ints or floats)"),
    (lambda: rv.finite_array("A", [[1.0], [1.0, 2.0]]), TypeError,
     "A: got a list that is not numeric (dtype kind 'O'); expected an array of real numbers "
     "(ints or floats)"),
    (lambda: rv.finite_array("A", np.ones((2, 2), dtype=bool)), TypeError,
     "A: got a ndarray that is not numeric (dtype kind 'b'); expected an array of real numbers "
     "(ints or floats)"),
    (lambda: rv.finite_array("A", np.ones((2, 2)), (None, 3)), ValueError,
     "A: got an array of shape (2, 2); expected shape (n, 3)"),
    (lambda: rv.finite_array("A", np.ones((3, 2)), (2, None)), ValueError,
     "A: got an array of shape (3, 2); expected shape (2, n)"),
    (lambda: rv.finite_array("A", np.ones(3), (4,)), ValueError,
     "A: got an array of shape (3,); expected shape (4,)"),
    (lambda: rv.finite_array("A", np.ones(3), (3, 1)), ValueError,
     "A: got an array of shape (3,); expected shape (3, 1)"),
    (lambda: rv.finite_array("A", [1.0, -np.inf]), ValueError,
     "A: got non-finite values (inf or nan); expected finite numbers"),
    (lambda: rv.data(np.ones((0, 2)), None, 2, 1), ValueError,
     "X: got an array of shape (0, 2); expected at least one row"),
    (lambda: rv.data(np.ones((3, 2)), np.ones((3, 2)), 2, 1), ValueError,
     "Y: got an array of shape (3, 2); expected shape (n, 1)"),
    (lambda: rv.data(np.ones((3, 2)), np.ones((2, 1)), 2, 1), ValueError,
     "Y: got 2 rows; expected 3, one target row per row of X"),
    (lambda: rv.distribution_rows("Y", np.array([[1.0, 0.0], [0.3, 0.3]])), ValueError,
     "Y: got row 1 summing to 0.6; expected every row a probability distribution for "
     "cross_entropy: entries >= 0 summing to 1"),
    (lambda: rv.distribution_rows("Y", np.array([[2.0, -1.0], [0.5, 0.0]])), ValueError,
     "Y: got row 0 summing to 1 with a negative entry; expected every row a probability "
     "distribution for cross_entropy: entries >= 0 summing to 1"),
]


@pytest.mark.parametrize("call, error, sentence", PACKAGE + REFERENCE)
def test_each_refusal_is_its_whole_sentence(call, error, sentence):
    assert refused(call, error) == sentence


def test_what_the_checks_accept_comes_back_converted():
    assert (v.check_positive_int("n", np.int8(1)), type(v.check_positive_int("n", np.int8(1)))) \
        == (1, int)
    assert rv.positive_int("n", np.uint16(7)) == 7 and type(rv.positive_int("n", 7)) is int
    for value, kwargs in [(-1e300, {}), (0.0, dict(low=0.0)), (1.0, dict(low=0.0, high=1.0)),
                          (np.nextafter(1.0, 0.0), dict(low=0.0, high=1.0, high_open=True))]:
        got = v.check_real("x", np.float32(value) if value == 0.0 else value, **kwargs)
        assert got == value and type(got) is float, (value, kwargs, got)
    assert rv.real("x", 0, 0.0) == 0.0 and rv.real("x", np.nextafter(1.0, 0.0), 0.0, 1.0) < 1.0
    assert type(rv.real("x", np.int64(3), 0.0)) is float
    assert v.check_positive_real("x", 5e-324) == 5e-324
    assert v.check_choice("mode", "a", ("a", "b")) == "a"
    rng = np.random.default_rng(0)
    assert v.check_generator("rng", rng, "why") is rng and rv.generator("rng", rng, "why") is rng


def test_check_matrix_converts_only_when_it_must():
    same = np.ones((2, 3))
    assert v.check_matrix("X", same) is same and v.check_matrix("X", same, 3) is same
    converted = v.check_matrix("X", np.arange(6, dtype=np.uint8).reshape(2, 3))
    assert converted.dtype == np.float64 and converted.tolist() == [[0, 1, 2], [3, 4, 5]]
    assert v.check_matrix("X", [[1]]).shape == (1, 1)


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
    refused(lambda: rv.distribution_rows("Y", np.array([[0.5, 0.5 + 3e-9]])), ValueError)
    assert rv.distribution_rows("Y", np.array([[0.5, 0.5 + 3e-9]]), tol=1e-8).shape == (1, 2)


@pytest.mark.skipif(not hasattr(os, "sysconf"), reason="no os.sysconf: memory is not known")
def test_the_memory_checks_allow_exactly_the_machines_memory(monkeypatch):
    monkeypatch.setattr(os, "sysconf", lambda name: PAGES[name])
    limit = 4 * 2**30
    assert v.machine_memory() == limit
    v.check_memory("--hidden", "100", limit, "a network")       # exactly: it fits
    rv.fits_in_memory("layer_sizes", "[1, 2]", limit)
    assert refused(lambda: v.check_memory("--hidden", "100", 6 * 2**30, "a network"),
                   ValueError) == ("--hidden: got 100, which needs about 6.0 GiB for a network; "
                                   "expected at most the machine's 4.0 GiB")
    assert refused(lambda: v.check_memory("--hidden", "100", limit + 1, "a network"),
                   ValueError).startswith("--hidden: got 100, which needs about 4.0 GiB")
    assert refused(lambda: rv.fits_in_memory("layer_sizes", "[1, 2]", 6 * 2**30),
                   ValueError) == ("layer_sizes: got [1, 2], needing about 6.0 GiB; expected "
                                   "at most the machine's 4.0 GiB")


@pytest.mark.parametrize("error", [ValueError, OSError, AttributeError])
def test_a_machine_that_does_not_say_its_memory_refuses_nothing(error, monkeypatch):
    def sysconf(name):
        raise error(name)
    monkeypatch.setattr(os, "sysconf", sysconf, raising=False)
    assert v.machine_memory() is None
    v.check_memory("--hidden", "100", 2**80, "a network")
    rv.fits_in_memory("layer_sizes", "[1, 2]", 2**80)
