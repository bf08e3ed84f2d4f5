"""The ready adapters (neuronnet.verify.adapters): each turns a network written to its
assignment's API (examples/corpus/style_*.py) into a build that meets the contract, judged by
the checker's own comparisons on a few drawn examples (cheap: no hypothesis run); each refuses a
module without the names it looks for with a ContractError that names them, refuses what its
style cannot express with NotImplementedError, measures activations instead of trusting
names, hands back copies, and says truly whether only one-hot targets can be checked."""
import itertools
import json
import types

import numpy as np
import pytest

from adapted import CORPUS, drawn_case, load, reference, reference_of
from neuronnet.verify import ContractError, StudentFactory
from neuronnet.verify.adapters import STYLES, StyleMismatch, adapt, style_module
from neuronnet.verify.checks import GRADIENT_TOL, assert_params, check_forward_matches
from neuronnet.verify.contract import penalty_keyword
from neuronnet.verify.limits import TEXT_LIMIT
from refusing import refused

ACTIVATIONS = ("identity", "sigmoid", "tanh", "relu")
LOSSES = ("half_mse", "cross_entropy", "binary_cross_entropy")
# Architectures each style's network supports, as its docstring says.
SUPPORTED = {
    "nielsen": [([3, 4, 2], ["sigmoid"] * 2, "half_mse"), ([2, 3, 3, 1], ["sigmoid"] * 3, "half_mse"),
                ([2, 3], ["sigmoid"], "half_mse")],
    "micrograd": [([3, 4, 2], ["tanh", "identity"], "half_mse"),
                  ([2, 3, 2, 3], ["tanh", "tanh", "identity"], "cross_entropy"),
                  ([2, 2], ["identity"], "cross_entropy")],
    "dlfs": [([3, 4, 2], ["relu", "identity"], "cross_entropy"),
             ([2, 3, 2, 3], ["sigmoid", "sigmoid", "identity"], "cross_entropy"),
             ([4, 3], ["identity"], "cross_entropy")],
    "cs231n": [([3, 4, 2], ["relu", "identity"], "cross_entropy"),
               ([2, 3, 2, 3], ["relu", "relu", "identity"], "cross_entropy"),
               ([4, 3], ["identity"], "cross_entropy")],
    "dlai": [([3, 4, 1], ["relu", "identity"], "binary_cross_entropy"),
             ([2, 3, 2, 1], ["relu", "relu", "identity"], "binary_cross_entropy"),
             ([4, 1], ["identity"], "binary_cross_entropy")],
}
# The keyword each style's build takes its L2 penalty by (contract.penalty_keyword), if any.
PENALTY = {"nielsen": None, "micrograd": None, "dlfs": None, "cs231n": "reg", "dlai": "lambd"}


def cases(style, seed=0):
    rng = np.random.default_rng(seed)
    one_hot = style_module(style).ONE_HOT
    return [drawn_case(rng, *arch, one_hot=one_hot) for arch in SUPPORTED[style] for _ in range(2)]


@pytest.mark.parametrize("style", STYLES)
def test_the_adapted_network_agrees_with_the_reference(style):
    """forward and loss (the contract's first check) and every dW, db, on drawn examples."""
    make = StudentFactory(adapt(style, load(f"style_{style}")))
    for case in cases(style):
        check_forward_matches(make, reference, case)
        assert_params("gradient", case.build(make).gradient(case.X, case.Y),
                      case.build(reference).gradient(case.X, case.Y), GRADIENT_TOL,
                      case.describe())


@pytest.mark.parametrize("style", STYLES)
def test_the_adapted_step_is_sgd_on_the_reference_gradient(style):
    make = StudentFactory(adapt(style, load(f"style_{style}")))
    for case in cases(style, seed=1):
        net, lr = case.build(make), 0.1
        assert hasattr(net, "train_step"), style
        net.train_step(case.X, case.Y, lr=lr)
        expected = [p - lr * g for p, g in
                    zip(case.params(), case.build(reference).gradient(case.X, case.Y))]
        assert_params("parameters after train_step", net.parameters(), expected, GRADIENT_TOL,
                      case.describe())


@pytest.mark.parametrize("style", STYLES)
def test_build_accepts_exactly_what_agrees_and_refuses_the_rest(style):
    """Over every one- and two-layer pattern: build raises NotImplementedError, or the network
    it returns agrees with the reference. The supported patterns are among the accepted."""
    build, rng = adapt(style, load(f"style_{style}")), np.random.default_rng(2)
    accepted = set()
    for depth, loss in itertools.product((1, 2), LOSSES):
        for activations in itertools.product(ACTIVATIONS, repeat=depth):
            sizes = [3, 4, 1 if loss == "binary_cross_entropy" else 2][-depth - 1:]
            try:
                build(list(sizes), list(activations), loss)
            except NotImplementedError:
                continue
            accepted.add((tuple(activations), loss))
            case = drawn_case(rng, sizes, activations, loss, one_hot=style_module(style).ONE_HOT)
            check_forward_matches(StudentFactory(build), reference, case)
    assert {(tuple(a), loss) for s, a, loss in SUPPORTED[style] if len(s) <= 3} <= accepted
    assert len(accepted) < len(LOSSES) * (4 + 16), \
        "a style that accepts every pattern refuses nothing"


@pytest.mark.parametrize("style, names, defined", [
    ("nielsen", ["Network"], ()), ("micrograd", ["Value"], ()), ("micrograd", ["MLP"], ("Value",)),
    ("dlfs", ["MultiLayerNet", "TwoLayerNet"], ()),
    ("cs231n", ["FullyConnectedNet", "TwoLayerNet"], ())])
def test_a_module_without_the_style_s_names_is_refused_naming_them(style, names, defined):
    homework = types.ModuleType("homework")
    for name in ("Perceptron",) + defined:
        setattr(homework, name, type(name, (), {"backward": lambda self: None}))
    with pytest.raises(ContractError) as info:
        adapt(style, homework)
    assert isinstance(info.value, StyleMismatch)
    message = str(info.value)
    assert all(n in message for n in names) and style in message and "Perceptron" in message, \
        message


def test_a_two_layer_net_is_adapted_for_one_hidden_layer_of_its_own_activation():
    """DLFS's TwoLayerNet(input_size, hidden_size, output_size): one relu hidden layer only."""
    module = load("style_dlfs")

    class TwoLayerNet(module.MultiLayerNet):
        def __init__(self, input_size, hidden_size, output_size):
            super().__init__(input_size, [hidden_size], output_size)
    module.TwoLayerNet = TwoLayerNet
    del module.MultiLayerNet
    build = adapt("dlfs", module)
    for refused_pattern in (([3, 4, 4, 2], ["relu", "relu", "identity"], "cross_entropy"),
                            ([3, 4, 2], ["sigmoid", "identity"], "cross_entropy"),
                            ([3, 2], ["identity"], "cross_entropy")):
        with pytest.raises(NotImplementedError):
            build(*refused_pattern)
    case = drawn_case(np.random.default_rng(6), [3, 4, 2], ["relu", "identity"],
                      "cross_entropy", one_hot=True)
    check_forward_matches(StudentFactory(build), reference, case)


@pytest.mark.parametrize("style, name, method", [("nielsen", "Network", "backprop"),
                                                 ("micrograd", "MLP", "zero_grad"),
                                                 ("dlfs", "MultiLayerNet", "gradient"),
                                                 ("cs231n", "FullyConnectedNet", "loss")])
def test_a_class_without_its_method_is_refused_naming_the_method(style, name, method):
    module = load(f"style_{style}")
    setattr(module, name, type(name, (getattr(module, name),), {method: None}))
    with pytest.raises(StyleMismatch) as info:
        adapt(style, module)
    assert f"{method}()" in str(info.value) and name in str(info.value), str(info.value)


def test_an_unknown_style_is_refused_before_any_work():
    refused(ValueError, "style", lambda: adapt("keras", load("style_nielsen")))
    refused(TypeError, "style", lambda: adapt(None, load("style_nielsen")))


def test_the_micrograd_activations_are_measured_not_read_from_names():
    """The same MLP with relu hidden neurons (micrograd's repository) is accepted with relu,
    and refused with tanh, the name its neurons' method still carries."""
    text = (CORPUS / "style_micrograd.py").read_text()
    assert text.count("return z.tanh() if self.nonlin else z") == 1
    relu = load("style_micrograd", text.replace("return z.tanh() if self.nonlin else z",
                                                "return z.relu() if self.nonlin else z"))
    build = adapt("micrograd", relu)
    with pytest.raises(NotImplementedError):
        build([3, 4, 2], ["tanh", "identity"], "half_mse")
    case = drawn_case(np.random.default_rng(3), [3, 4, 2], ["relu", "identity"], "half_mse")
    check_forward_matches(StudentFactory(build), reference, case)


@pytest.mark.parametrize("style", STYLES)
def test_the_adapter_hands_back_copies_and_keeps_none_of_the_callers(style):
    case = cases(style, seed=4)[0]
    net = adapt(style, load(f"style_{style}"))(case.sizes, case.activations, case.loss)
    params = case.params()
    net.set_parameters(params)
    before = net.forward(case.X)
    for p in params:
        p[...] = 7.0          # the caller reuses its arrays
    first = net.gradient(case.X, case.Y) + net.parameters()
    for g in first:
        g[...] = -7.0         # the checker writes into what it got
    np.testing.assert_array_equal(net.forward(case.X), before)
    again = net.gradient(case.X, case.Y)
    assert_params("gradient after the caller wrote into the first one", again,
                  case.build(reference).gradient(case.X, case.Y), GRADIENT_TOL, case.describe())


@pytest.mark.parametrize("style", STYLES)
def test_one_hot_is_said_exactly_when_soft_targets_cannot_be_checked(style):
    """ONE_HOT is True iff the adapted cross-entropy disagrees with the reference on
    probability rows (a style whose loss reads class labels)."""
    build, rng = adapt(style, load(f"style_{style}")), np.random.default_rng(5)
    assert build.one_hot is style_module(style).ONE_HOT and build.style == style
    assert isinstance(build.assumes, str) and "\n" not in build.assumes
    assert len(build.assumes) <= TEXT_LIMIT, "the command line cuts it"
    soft = [case for case in (drawn_case(rng, *arch) for arch in SUPPORTED[style])
            if case.loss in ("cross_entropy", "binary_cross_entropy")]
    agree = []
    for case in soft:
        mine, ref = case.build(StudentFactory(build)), case.build(reference)
        agree.append(np.isclose(mine.loss(case.X, case.Y), ref.loss(case.X, case.Y),
                                rtol=1e-10, atol=1e-12))
    assert build.one_hot is (not all(agree)), (style, agree)


@pytest.mark.parametrize("style", STYLES)
def test_a_penalty_is_declared_by_the_style_s_keyword_and_reaches_the_network(style):
    """The build takes the assignment's own keyword (reg, lambd) or none; with a strength > 0
    the loss, gradient and step agree with the reference's penalty of that form."""
    build = adapt(style, load(f"style_{style}"))
    assert penalty_keyword(build) == PENALTY[style]
    if PENALTY[style] is None:
        return
    make = StudentFactory(build)
    for case in cases(style, seed=9):
        case = case.replace(l2=0.7, penalty=PENALTY[style])
        net, ref = case.build(make), reference_of(case)
        assert_params("loss, gradient with the penalty",
                      [np.array(net.loss(case.X, case.Y))] + net.gradient(case.X, case.Y),
                      [np.array(ref.loss(case.X, case.Y))] + ref.gradient(case.X, case.Y),
                      GRADIENT_TOL, case.describe())
        net.train_step(case.X, case.Y, lr=0.1)
        expected = [p - 0.1 * g for p, g in zip(case.params(), ref.gradient(case.X, case.Y))]
        assert_params("parameters after train_step", net.parameters(), expected,
                      GRADIENT_TOL, case.describe())


def test_the_micrograd_backward_is_the_gradient_for_a_given_upstream_and_linear_in_it():
    """backward(dL/dA) after forward(X) is gradient(X, Y) when dL/dA is the loss's own, and
    doubles when the upstream gradient doubles."""
    build = adapt("micrograd", load("style_micrograd"))
    for case in cases("micrograd", seed=7):
        net, ref = case.build(StudentFactory(build)), case.build(reference)
        A = net.forward(case.X)
        own = (A - case.Y) / len(A) if case.loss == "half_mse" else \
            (np.exp(A) / np.exp(A).sum(axis=1, keepdims=True) * case.Y.sum(axis=1, keepdims=True)
             - case.Y) / len(A)
        assert_params("backward(dL/dA)", net.backward(own), ref.gradient(case.X, case.Y),
                      GRADIENT_TOL, case.describe())
        assert_params("backward(2 dL/dA)", net.backward(2 * own),
                      [2 * g for g in ref.gradient(case.X, case.Y)], GRADIENT_TOL,
                      case.describe())



def test_a_micrograd_layer_of_one_neuron_passes_on_a_lone_value():
    """micrograd's Layer returns a lone Value for one neuron, and its MLP passes it on as it is
    (then a 1-wide hidden layer cannot be iterated): the adapter calls the layers in turn."""
    text = (CORPUS / "style_micrograd.py").read_text()
    wraps = "            x = layer(x)\n            x = x if isinstance(x, list) else [x]\n"
    assert text.count(wraps) == 1
    build = adapt("micrograd", load("style_micrograd", text.replace(wraps, "            x = layer(x)\n")))
    case = drawn_case(np.random.default_rng(8), [2, 1, 2], ["tanh", "identity"], "half_mse")
    check_forward_matches(StudentFactory(build), reference, case)
    assert_params("gradient", case.build(StudentFactory(build)).gradient(case.X, case.Y),
                  case.build(reference).gradient(case.X, case.Y), GRADIENT_TOL, case.describe())


def test_a_dlfs_network_that_crashes_is_not_made_not_applicable():
    """Only an activation the network does not have (the book's dict lookup: KeyError) is "not
    applicable"; any other exception of the student's constructor reaches the checker."""
    module = load("style_dlfs")

    class Crashing(module.MultiLayerNet):
        def __init__(self, input_size, hidden_size_list, output_size, activation="relu"):
            if input_size == 3:
                raise ValueError("a bug of the student's")
            super().__init__(input_size, hidden_size_list, output_size, activation)
    module.MultiLayerNet = Crashing
    build = adapt("dlfs", module)
    with pytest.raises(NotImplementedError):
        build([3, 4, 2], ["tanh", "identity"], "cross_entropy")
    with pytest.raises(ValueError):
        build([3, 4, 2], ["relu", "identity"], "cross_entropy")


# --- the command line: neuronnet check --style NAME ------------------------------------------
def test_the_command_line_checks_a_style_in_the_submissions_own_process(capfd):
    from neuronnet.app.cli import main
    path = CORPUS / "style_nielsen.py"
    status = main(["check", str(path), "--style", "nielsen", "--json",
                   "--property", "gradient_equals_the_reference"])
    report = json.loads(capfd.readouterr().out)
    assert status == 0 and report["passed"], report["results"]


def test_the_command_line_refuses_a_module_of_another_style_in_one_line(capfd):
    from neuronnet.app.cli import main
    status = main(["check", str(CORPUS / "style_dlfs.py"), "--style", "nielsen", "--json"])
    report = json.loads(capfd.readouterr().out)
    assert status == 1 and not report["passed"] and not report["results"]
    assert report["error"].startswith("--style nielsen: StyleMismatch"), report["error"]


def test_a_style_is_graded_too(capfd):
    # While grading, the adapter (neuronnet's own code) is loaded before neuronnet is refused.
    from neuronnet.app.cli import main
    status = main(["check", str(CORPUS / "style_nielsen.py"), "--style", "nielsen", "--grade",
                   "--json", "--property", "gradient_equals_the_reference"])
    report = json.loads(capfd.readouterr().out)
    assert status == 0 and report["passed"], report["error"] or report["results"]
