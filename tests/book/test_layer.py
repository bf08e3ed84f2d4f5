"""The one check of a layer's arrays (``check_layer_arrays``: from arrays, set_parameters and
model files), word for word, and what it hands back: float64 copies of any numeric input; and
the checks and the default of a new layer (``Layer.create``)."""
import numpy as np
import pytest

from neuronnet.validation import check_layer_arrays


@pytest.mark.parametrize("W, b, fan_in, sentence", [
    (np.ones(3), np.ones(3), None,
     "layer: got shapes (3,) and (3,); expected (fan_out, fan_in) and (fan_out,), "
     "W (fan_out, fan_in) with both > 0"),
    (np.ones((2, 3)), np.ones(3), None,
     "layer: got shapes (2, 3) and (3,); expected (2, fan_in) and (2,), "
     "W (fan_out, fan_in) with both > 0"),
    (np.ones((2, 3)), np.ones(2), 4,
     "layer: got shapes (2, 3) and (2,); expected (2, 4) and (2,), "
     "W (fan_out, fan_in) with both > 0"),
    (np.zeros((0, 3)), np.zeros(0), None,
     "layer: got shapes (0, 3) and (0,); expected (0, fan_in) and (0,), "
     "W (fan_out, fan_in) with both > 0"),
    (np.zeros((2, 0)), np.zeros(2), None,
     "layer: got shapes (2, 0) and (2,); expected (2, fan_in) and (2,), "
     "W (fan_out, fan_in) with both > 0"),
    (np.array([[1.0, np.nan]]), np.zeros(1), None,
     "layer: got non-finite values (nan or inf); expected finite numbers"),
    (np.ones((1, 2)), np.array([np.inf]), None,
     "layer: got non-finite values (nan or inf); expected finite numbers"),
])
def test_a_bad_layer_is_refused_in_one_whole_sentence(W, b, fan_in, sentence):
    with pytest.raises(ValueError) as refusal:
        check_layer_arrays("layer", W, b, fan_in)
    assert str(refusal.value) == sentence


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


@pytest.mark.parametrize("fan_in, init, sentence", [
    (0, "normal", "fan_in: got 0; expected a positive integer"),
    (2, "bogus", "init: got 'bogus'; expected one of ['coursework', 'glorot_uniform', "
                 "'he_normal', 'normal']"),
])
def test_a_layer_is_created_only_from_good_settings(fan_in, init, sentence):
    from neuronnet.layer import Layer
    with pytest.raises(ValueError) as refusal:
        Layer.create(fan_in, 3, "tanh", init, np.random.default_rng(0))
    assert str(refusal.value) == sentence


def test_a_layers_default_std_is_001():
    from neuronnet.initializers import normal
    from neuronnet.layer import Layer
    layer = Layer.create(4, 3, "tanh", "normal", np.random.default_rng(7))
    rng = np.random.default_rng(7)
    expected = [normal(rng, 4, 3, 0.01) for _ in range(3)]    # one draw per neuron, in order
    assert np.array_equal([n.weights for n in layer.neurons], expected)
