"""The argument checks (neuronnet/guards/arguments.py) on the accepted side of each limit: what
they accept comes back converted (numpy scalars as Python numbers, any numeric matrix as
float64, a new array only when a conversion is needed). Their refusals, every branch, are rows
of tests/test_refusals.py."""
import numpy as np

from neuronnet.guards import arguments as v


def test_what_the_checks_accept_comes_back_converted():
    assert (v.check_positive_int("n", np.int8(1)), type(v.check_positive_int("n", np.int8(1)))) \
        == (1, int)
    for value, kwargs in [(-1e300, {}), (0.0, dict(low=0.0)), (1.0, dict(low=0.0, high=1.0)),
                          (np.nextafter(1.0, 0.0), dict(low=0.0, high=1.0, high_open=True))]:
        got = v.check_real("x", np.float32(value) if value == 0.0 else value, **kwargs)
        assert got == value and type(got) is float, (value, kwargs, got)
    assert v.check_positive_real("x", 5e-324) == 5e-324
    assert v.check_choice("mode", "a", ("a", "b")) == "a"
    rng = np.random.default_rng(0)
    assert v.check_generator("rng", rng, "why") is rng


def test_check_matrix_converts_only_when_it_must():
    same = np.ones((2, 3))
    assert v.check_matrix("X", same) is same and v.check_matrix("X", same, 3) is same
    converted = v.check_matrix("X", np.arange(6, dtype=np.uint8).reshape(2, 3))
    assert converted.dtype == np.float64 and converted.tolist() == [[0, 1, 2], [3, 4, 5]]
    assert v.check_matrix("X", [[1]]).shape == (1, 1)
