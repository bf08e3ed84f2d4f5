"""A layer: what the one check of its arrays (``check_layer_arrays``: from arrays,
set_parameters and model files) hands back, float64 copies of any numeric input; and the checks
and the default of a new layer (``Layer.create``). (The refusals' shape: tests/test_refusals.py.)"""
import numpy as np
import pytest

from neuronnet.guards.arguments import check_layer_arrays
from refusing import refused


@pytest.mark.parametrize("W, b", [
    ([[1, 2, 3], [4, 5, 6]], [7, 8]),
    (np.arange(6, dtype=np.int32).reshape(2, 3), np.arange(2, dtype=np.int64)),
    (np.ones((2, 3), dtype=np.float32), np.ones(2, dtype=np.float16)),
    (np.ones((2, 3), dtype=bool), np.zeros(2, dtype=np.uint8)),
])
def test_any_numeric_layer_comes_back_as_float64(W, b):
    W64, b64 = check_layer_arrays("layer", W, b, fan_in=3)
    assert (W64.dtype, b64.dtype) == (np.float64, np.float64)
    assert np.array_equal(W64, np.asarray(W, dtype=np.float64)) and np.array_equal(
        b64, np.asarray(b, dtype=np.float64))


@pytest.mark.parametrize("fan_in, fan_out, init, name", [
    (0, 3, "normal", "fan_in"), (2, 0, "normal", "fan_out"), (2, 3, "bogus", "init")])
def test_a_layer_is_created_only_from_good_settings(fan_in, fan_out, init, name):
    from neuronnet.layer import Layer
    refused(ValueError, name, lambda: Layer.create(fan_in, fan_out, "tanh", init,
                                                   np.random.default_rng(0)))
    assert len(Layer.create(1, 1, "tanh", init if init != "bogus" else "normal",
                            np.random.default_rng(0)).neurons) == 1


def test_a_layers_default_std_is_001():
    from neuronnet.initializers import normal
    from neuronnet.layer import Layer
    layer = Layer.create(4, 3, "tanh", "normal", np.random.default_rng(7))
    rng = np.random.default_rng(7)
    expected = [normal(rng, 4, 3, 0.01) for _ in range(3)]    # one draw per neuron, in order
    assert np.array_equal([n.weights for n in layer.neurons], expected)
