"""The dlai ready adapter (neuronnet.verify.adapters.dlai) beyond what every adapter does
(tests/verify/test_adapters.py): the logit and the loss at outputs the sigmoid saturates, the
regularised variants found or not, a db that is not a column, the step without
update_parameters, the hidden activation measured, and a module without the functions."""
import types
import warnings

import numpy as np
import pytest

from adapted import CORPUS, drawn_case, load, reference_of
from neuronnet.verify import StudentFactory
from neuronnet.verify.adapters import StyleMismatch, adapt
from neuronnet.verify.checks import FORWARD_TOL, GRADIENT_TOL, Case, assert_params, check_gradient_numeric
from neuronnet.verify.contract import penalty_keyword

DEEP = ([3, 4, 2, 1], ["relu", "relu", "identity"], "binary_cross_entropy")


def agrees(build, case):
    net, ref = case.build(StudentFactory(build)), reference_of(case)
    assert_params("forward, loss", [net.forward(case.X), np.array(net.loss(case.X, case.Y))],
                  [ref.forward(case.X), np.array(ref.loss(case.X, case.Y))], FORWARD_TOL,
                  case.describe())
    assert_params("gradient", net.gradient(case.X, case.Y), ref.gradient(case.X, case.Y),
                  GRADIENT_TOL, case.describe())


@pytest.mark.parametrize("scale", [40.0, 900.0])
def test_saturated_outputs_give_the_reference_s_loss_and_gradient(scale):
    """With every weight times 40 or 900 some sigmoid rounds to 0 or 1, where the assignment's
    dAL = -(Y/AL - (1-Y)/(1-AL)) is not a number: the adapter's gradient is still the
    reference's, through the student's backward."""
    module = load("style_dlai")
    build, rng = adapt("dlai", module), np.random.default_rng(0)
    for one_hot in (True, False):
        case = drawn_case(rng, *DEEP, n=6, one_hot=one_hot)
        case = case.replace(weights=[W * scale for W in case.weights])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)    # exp overflows to a right 0
            AL, caches = module.L_model_forward(case.X.T, parameters_dict(case))
            raw = module.L_model_backward(AL, case.Y.T, caches)
            assert not all(np.isfinite(raw[k]).all() for k in ("dW3", "db3")), \
                "the example does not saturate: it shows nothing"
            agrees(build, case.replace(l2=0.5, penalty="lambd"))
            agrees(build, case)


def parameters_dict(case):
    """The case's parameters as the assignment keeps them: W{l}, and b{l} as a column."""
    return {key: value for l, (W, b) in enumerate(zip(case.weights, case.biases), start=1)
            for key, value in ((f"W{l}", W), (f"b{l}", b.reshape(-1, 1)))}


def test_the_loss_has_no_difference_of_large_numbers_a_central_difference_magnifies():
    """y near 1 and a logit of 10.75: written max(z, 0) - z y + log(1 + e^-|z|), the loss
    rounds on the scale of z and its central differences miss the gradient by 2e-6 relative,
    past the numeric rule (found by the checker on the corpus's network)."""
    case = Case([np.array([[0.0, 1.0], [2.0, 0.5], [0.25, 0.125]]), np.array([[0.0, 1.0, 2.0]])],
                [np.array([0.0, 1.0, 2.0]), np.array([0.0])], ["relu", "identity"],
                "binary_cross_entropy", np.array([[2.0, 1.0]]), np.array([[0.99999]]))
    net = case.build(StudentFactory(adapt("dlai", load("style_dlai"))))
    assert abs(net.forward(case.X)[0, 0] - 10.75) < 1e-12
    check_gradient_numeric(net, case.X, case.Y, case.describe())


def test_lambd_is_taken_only_with_both_regularised_functions():
    for missing in ("compute_cost_with_regularization", "backward_propagation_with_regularization"):
        module = load("style_dlai")
        delattr(module, missing)
        build = adapt("dlai", module)
        assert penalty_keyword(build) is None, missing
        agrees(build, drawn_case(np.random.default_rng(1), *DEEP))
    assert penalty_keyword(adapt("dlai", load("style_dlai"))) == "lambd"
    module = load("style_dlai")
    del module.compute_cost
    with pytest.raises(StyleMismatch) as info:
        adapt("dlai", module)
    said, _, found = str(info.value).partition(" missing")
    assert said.endswith("compute_cost") and "compute_cost_with_regularization" in found, \
        str(info.value)


def test_a_module_without_the_functions_is_refused_naming_the_missing_and_the_found():
    homework = types.ModuleType("homework")
    homework.initialize_parameters_deep = lambda layer_dims: {}
    homework.two_layer_model = lambda X, Y: None
    with pytest.raises(StyleMismatch) as info:
        adapt("dlai", homework)
    message = str(info.value)
    said, _, found = message.partition("missing")
    assert "L_model_forward" in said and "L_model_backward" in said and "dlai" in said, message
    assert "two_layer_model" in found and "initialize_parameters_deep" in found, message


def test_a_db_that_is_not_a_column_is_refused_naming_the_output_layer_first():
    text = (CORPUS / "style_dlai.py").read_text()
    column = "    db = np.sum(dZ, axis=1, keepdims=True) / m"
    assert text.count(column) == 1
    build = adapt("dlai", load("style_dlai", text.replace(column, "    db = np.sum(dZ, axis=1) / m")))
    case = drawn_case(np.random.default_rng(2), *DEEP)
    net = case.build(StudentFactory(build))
    with pytest.raises(StyleMismatch) as info:
        net.net.gradient(case.X, case.Y)
    message = str(info.value)
    assert "db_2" in message and "(1,)" in message and "(1, 1)" in message, message


def test_without_update_parameters_the_step_is_sgd_on_the_reference_gradient():
    module = load("style_dlai")
    del module.update_parameters
    case = drawn_case(np.random.default_rng(3), *DEEP)
    net = case.build(StudentFactory(adapt("dlai", module)))
    net.train_step(case.X, case.Y, lr=0.1)
    expected = [p - 0.1 * g for p, g in zip(case.params(),
                                            reference_of(case).gradient(case.X, case.Y))]
    assert_params("parameters after train_step", net.parameters(), expected, GRADIENT_TOL,
                  case.describe())


def test_the_hidden_activation_is_measured_not_read_from_names():
    """L_model_forward's hidden layers made tanh (still called "relu"): checked as tanh."""
    text = (CORPUS / "style_dlai.py").read_text()
    swaps = {"    A = np.maximum(0.0, Z)": "    A = np.tanh(Z)",
             "    dZ[Z <= 0] = 0.0": "    dZ = dZ * (1.0 - np.tanh(Z) ** 2)"}
    for old, new in swaps.items():
        assert text.count(old) == 1
        text = text.replace(old, new)
    build = adapt("dlai", load("style_dlai", text))
    with pytest.raises(NotImplementedError):
        build(*DEEP)
    agrees(build, drawn_case(np.random.default_rng(4), [3, 4, 1], ["tanh", "identity"],
                             "binary_cross_entropy"))
