"""The neuron model's Network: its refusals happen before any work (nothing trained, nothing
changed) and name the argument and the bad value; what set_parameters stores; the defaults of
train_step and fit. (The refusals' shape: tests/test_refusals.py.)"""
import numpy as np
import pytest

from models import make_model
from neuronnet import Network
from neuronnet.layer import Layer
from neuronnet.neuron import Neuron
from refusing import refused
from strategies import WrongType, expecting


def net():
    return Network([2, 3, 1], ["tanh", "identity"], rng=np.random.default_rng(0))


def wide():
    """2 -> 3 -> 4: no two sizes alike, so a size read from the wrong axis or layer shows."""
    return Network([2, 3, 4], ["tanh", "identity"], rng=np.random.default_rng(0))


def make_net():
    return make_model("neuron", sizes=(3, 4, 2))


def data(n=5):
    rng = np.random.default_rng(1)
    return rng.normal(size=(n, 3)), np.eye(2)[rng.integers(0, 2, n)]


def unchanged(before, model):
    for p, q in zip(before, model.parameters()):
        np.testing.assert_array_equal(p, q)     # nothing was trained before the error


@pytest.mark.parametrize("kwargs, words, error", expecting([
    (dict(layer_sizes=[3]), ["layer_sizes", "[3]"]),
    WrongType((dict(layer_sizes=5), ["layer_sizes", "5"])),
    (dict(layer_sizes=[3, 0, 2]), ["layer_sizes[1]", "0"]),
    (dict(layer_sizes=[3, -4, 2]), ["layer_sizes[1]", "-4"]),
    WrongType((dict(layer_sizes=[3, 2.5, 2]), ["layer_sizes[1]", "2.5"])),
    (dict(activations=["tanh"]), ["activations", "1"]),
    (dict(activations=["tanh", "softplus"]), ["activation", "'softplus'"]),
    (dict(loss="mae"), ["loss", "'mae'"]),
    (dict(init="zeros"), ["init", "'zeros'"]),
    (dict(init_std=float("nan")), ["init_std", "nan"]),
    (dict(init_std=-1.0), ["init_std", "-1.0"]),
    WrongType((dict(rng=None), ["rng", "None"])),
    WrongType((dict(rng=42), ["rng", "42"])),
]))
def test_the_constructor_refuses_naming_the_argument_and_the_value(kwargs, words, error):
    args = dict(layer_sizes=[3, 4, 2], activations=["tanh", "identity"], loss="half_mse",
                rng=np.random.default_rng(0))
    args.update(kwargs)
    message = refused(error, words[0], lambda: Network(**args))
    assert words[1] in message.split("; expected")[0], message


@pytest.mark.parametrize("method", ["forward", "loss", "gradient", "train_step", "fit"])
@pytest.mark.parametrize("bad_X, got, error", expecting([
    (np.zeros((5, 4)), "(5, 4)"),
    (np.zeros(3), "(3,)"),
    (np.zeros((0, 3)), "(0, 3)"),
    (np.array([[0.0, np.nan, 1.0]] * 5), "nan at row 0, column 1"),
    (np.array([[0.0, 1.0, np.inf]] * 5), "inf"),
    WrongType(([["a", "b", "c"]] * 5, "")),
]))
def test_bad_data_is_refused_by_every_entry_point_before_any_work(method, bad_X, got, error):
    network = make_net()
    before = network.parameters()
    _, Y = data()
    call = getattr(network, method)
    message = refused(error, "X", lambda: call(bad_X) if method == "forward" else call(
        bad_X, Y, rng=np.random.default_rng(0)) if method == "fit" else call(bad_X, Y))
    assert got in message.split("; expected")[0], message
    unchanged(before, network)


@pytest.mark.parametrize("bad_Y, got", [(np.zeros((5, 3)), "(5, 3)"), (np.zeros((4, 2)), "4 rows"),
                                        (np.full((5, 2), np.nan), "nan")])
def test_bad_targets_are_refused_before_any_work(bad_Y, got):
    X, _ = data()
    network = make_net()
    before = network.parameters()
    message = refused(ValueError, "Y", lambda: network.fit(X, bad_Y, rng=np.random.default_rng(0)))
    assert got in message.split("; expected")[0], message
    unchanged(before, network)


@pytest.mark.parametrize("kwargs, got, error", expecting([
    (dict(epochs=0), "0"), (dict(batch_size=0), "0"), (dict(batch_size=-3), "-3"),
    (dict(batch_mode="stochastic"), "'stochastic'"), (dict(optimizer="adagrad"), "'adagrad'"),
    (dict(lr=-0.1), "-0.1"), (dict(lr=float("inf")), "inf"),
    (dict(optimizer="momentum", momentum=1.0), "1.0"),
    (dict(optimizer="nesterov", momentum=-0.5), "-0.5"),
    WrongType((dict(rng=None), "None")),
]))
def test_fit_refuses_a_bad_setting_before_any_work(kwargs, got, error):
    X, Y = data()
    network = make_net()
    before = network.parameters()
    name = [k for k in kwargs if k != "optimizer" or len(kwargs) == 1][-1]
    message = refused(error, name, lambda: network.fit(X, Y, **{"rng": np.random.default_rng(0),
                                                                 **kwargs}))
    assert got in message.split("; expected")[0], message
    unchanged(before, network)


def test_fit_without_shuffle_needs_no_generator():
    X, Y = data()
    assert len(make_net().fit(X, Y, shuffle=False, epochs=2)) == 2


@pytest.mark.parametrize("params, name, error", [
    (5.0, "params", TypeError),
    ([np.array([["a", "b"]] * 3), np.zeros(3), np.zeros((1, 3)), np.zeros(1)], "params[0]",
     TypeError),
    ([np.ones((3, 2), dtype=bool), np.zeros(3), np.zeros((1, 3)), np.zeros(1)], "params[0]",
     TypeError),
    ([np.zeros((3, 2)), np.zeros(3), np.zeros((1, 3))], "params", ValueError),
    ([np.zeros((3, 2)), np.zeros(3), np.zeros((3, 1)), np.zeros(1)], "params[2]", ValueError),
])
def test_bad_parameters_are_refused_and_nothing_is_set(params, name, error):
    network = net()
    before = network.parameters()
    refused(error, name, lambda: network.set_parameters(params))
    unchanged(before, network)


def test_integer_parameters_are_stored_as_float64():
    network = net()
    network.set_parameters([np.arange(6).reshape(3, 2), np.arange(3), np.ones((1, 3), int),
                            np.zeros(1, int)])
    weights = [n.weights for layer in network.layers for n in layer.neurons]
    assert all(w.dtype == np.float64 for w in weights), [w.dtype for w in weights]
    assert np.array_equal(weights[2], [4.0, 5.0])


def test_a_bad_upstream_gradient_is_refused_against_the_last_forward():
    network = make_net()
    network.forward(np.ones((5, 3)))
    refused(ValueError, "grad_output", lambda: network.backward(np.ones((4, 2))))
    refused(ValueError, "grad_output", lambda: network.backward(np.ones((5, 3))))
    network.backward(np.ones((5, 2)))                           # the right shape is taken


def test_train_step_defaults_to_plain_sgd_at_rate_0_1():
    X, Y = np.ones((3, 2)), np.zeros((3, 4))
    by_default, explicit = wide(), wide()
    assert by_default.train_step(X, Y) == explicit.train_step(X, Y, "sgd", lr=0.1)
    assert all(np.array_equal(p, q) for p, q in zip(by_default.parameters(),
                                                    explicit.parameters()))
    layer = Layer([Neuron([1.0, 2.0]), Neuron([0.0, 1.0])])
    assert layer.output is None and len(layer.neurons) == 2


def test_the_reprs_that_teach():
    net = Network([4, 3, 2], ["tanh", "identity"], loss="cross_entropy",
                  rng=np.random.default_rng(0))
    assert repr(net) == ("Network([\n  Layer(3 x TanhNeuron(fan_in=4)),\n"
                         "  Layer(2 x IdentityNeuron(fan_in=3))\n], loss=CrossEntropy())")


@pytest.mark.parametrize("kind", ["neuron", "reference"])
def test_l2_penalty_is_scikit_learns(kind):
    """The loss adds l2 / (2n) * sum ||W||^2 and each dW adds (l2 / n) W; the biases get
    nothing; backward(grad_output), given dL/da from outside, carries no penalty."""
    from models import MINE, REF
    make = {"neuron": MINE, "reference": REF}[kind]
    rng = np.random.default_rng(7)
    W = [rng.normal(size=(4, 3)), rng.normal(size=(2, 4))]
    b = [rng.normal(size=4), rng.normal(size=2)]
    X, Y = rng.normal(size=(5, 3)), rng.normal(size=(5, 2))
    plain, penalized = make(W, b, ["tanh", "identity"], "half_mse"), \
        make(W, b, ["tanh", "identity"], "half_mse", l2=0.6)
    squares = sum(float(np.sum(w * w)) for w in W)
    np.testing.assert_allclose(penalized.loss(X, Y) - plain.loss(X, Y), 0.6 / 10 * squares,
                               rtol=1e-13)
    extra = [g - h for g, h in zip(penalized.gradient(X, Y), plain.gradient(X, Y))]
    for l in range(2):
        np.testing.assert_allclose(extra[2 * l], 0.6 / 5 * W[l], rtol=1e-12, atol=1e-15)
        assert np.array_equal(extra[2 * l + 1], np.zeros(b[l].shape)), f"db_{l} penalised"
    upstream = rng.normal(size=(5, 2))
    plain.forward(X), penalized.forward(X)
    for g, h in zip(penalized.backward(upstream), plain.backward(upstream)):
        assert np.array_equal(g, h)


def test_binary_cross_entropy_predicts_where_the_logit_is_positive():
    from models import MINE, REF
    W, b = [np.array([[1.0], [-2.0]])], [np.array([0.5, 0.0])]
    X = np.array([[-1.0], [2.0]])           # logits [[-0.5, 2], [2.5, -4]]
    for make in (MINE, REF):
        model = make(W, b, ["identity"], "binary_cross_entropy")
        assert np.array_equal(model.predict(X), [[0, 1], [1, 0]])
        with pytest.raises(ValueError, match="^Y: .*binary_cross_entropy"):
            model.loss(X, np.array([[0.0, 1.0], [1.5, 0.0]]))
