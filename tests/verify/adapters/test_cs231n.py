"""The cs231n ready adapter (neuronnet.verify.adapters.cs231n) beyond what every adapter does
(tests/verify/test_adapters.py): TwoLayerNet for one hidden layer, the hidden activation
measured, float64 whatever the constructor's dtype default, and the refusals of a network that
does not take the assignment's keywords or lacks a parameter."""
import numpy as np
import pytest

from adapted import CORPUS, drawn_case, load, reference_of
from neuronnet.verify import StudentFactory
from neuronnet.verify.adapters import StyleMismatch, adapt
from neuronnet.verify.checks import FORWARD_TOL, GRADIENT_TOL, assert_params, check_forward_matches


def agrees(build, case):
    """forward, loss and gradient of the adapted network equal the oracle's (penalty included)."""
    net, ref = case.build(StudentFactory(build)), reference_of(case)
    assert_params("forward, loss", [net.forward(case.X), np.array(net.loss(case.X, case.Y))],
                  [ref.forward(case.X), np.array(ref.loss(case.X, case.Y))], FORWARD_TOL,
                  case.describe())
    assert_params("gradient", net.gradient(case.X, case.Y), ref.gradient(case.X, case.Y),
                  GRADIENT_TOL, case.describe())


def test_a_two_layer_net_is_adapted_for_one_hidden_layer_with_its_reg():
    """TwoLayerNet(input_dim, hidden_dim, num_classes, weight_scale, reg): one hidden layer."""
    module = load("style_cs231n")

    class TwoLayerNet(module.FullyConnectedNet):
        def __init__(self, input_dim=3 * 32 * 32, hidden_dim=100, num_classes=10,
                     weight_scale=1e-3, reg=0.0):
            super().__init__([hidden_dim], input_dim, num_classes, reg, weight_scale,
                             dtype=np.float64)
    module.TwoLayerNet = TwoLayerNet
    del module.FullyConnectedNet
    build = adapt("cs231n", module)
    for pattern in (([3, 4, 4, 2], ["relu", "relu", "identity"], "cross_entropy"),
                    ([3, 2], ["identity"], "cross_entropy")):
        with pytest.raises(NotImplementedError):
            build(*pattern)
    case = drawn_case(np.random.default_rng(0), [3, 4, 2], ["relu", "identity"],
                      "cross_entropy", one_hot=True)
    agrees(build, case.replace(l2=0.3, penalty="reg"))


def test_the_hidden_activation_is_measured_not_read_from_names():
    """The same network with tanh in its relu_forward/relu_backward is checked as tanh."""
    text = (CORPUS / "style_cs231n.py").read_text()
    swaps = {"    return np.maximum(x, 0.0), x": "    return np.tanh(x), x",
             "    return dout * (x > 0)": "    return dout * (1.0 - np.tanh(x) ** 2)"}
    for old, new in swaps.items():
        assert text.count(old) == 1
        text = text.replace(old, new)
    build = adapt("cs231n", load("style_cs231n", text))
    with pytest.raises(NotImplementedError):
        build([3, 4, 2], ["relu", "identity"], "cross_entropy")
    agrees(build, drawn_case(np.random.default_rng(1), [3, 4, 2], ["tanh", "identity"],
                             "cross_entropy", one_hot=True))


def test_the_network_computes_in_float64_though_its_dtype_default_is_float32():
    build = adapt("cs231n", load("style_cs231n"))
    case = drawn_case(np.random.default_rng(2), [3, 4, 2], ["relu", "identity"],
                      "cross_entropy", one_hot=True)
    net = case.build(StudentFactory(build))
    assert net.net.net.params["W1"].dtype == np.float64
    assert net.net.forward(case.X).dtype == np.float64
    check_forward_matches(StudentFactory(build), lambda *a, **k: reference_of(case), case)


def test_a_network_without_the_assignment_s_keywords_is_refused_naming_them():
    module = load("style_cs231n")

    class FullyConnectedNet(module.FullyConnectedNet):
        def __init__(self, hidden_dims, n_inputs, n_classes):
            super().__init__(hidden_dims, n_inputs, n_classes)
    module.FullyConnectedNet = FullyConnectedNet
    with pytest.raises(StyleMismatch) as info:
        adapt("cs231n", module)
    message = str(info.value)
    assert "input_dim" in message and "reg" in message and "TypeError" in message, message


def test_a_network_without_a_parameter_is_refused_naming_it():
    module = load("style_cs231n")

    class FullyConnectedNet(module.FullyConnectedNet):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.params["weights1"] = self.params.pop("W1")
    module.FullyConnectedNet = FullyConnectedNet
    with pytest.raises(StyleMismatch) as info:
        adapt("cs231n", module)
    assert "W1" in str(info.value) and "weights1" in str(info.value), str(info.value)
