"""Small pins of the contract (docs/semantics.md) that properties drawn at random rarely hit:
exact kinks, rows of very different scales, dtypes and the teaching reprs. Each was a mutant
that survived mutation testing (see docs/mutation.md)."""
import numpy as np
import pytest

from neuronnet import Network
from neuronnet.activations import ReLU
from neuronnet.neuron import Neuron
from reference import MLP
from reference.activations import ReLU as RefReLU

MODELS = [Network, MLP]


def test_relu_derivative_at_exactly_zero_is_zero_in_both_models():
    z = np.array([[-1.0, 0.0, 2.0]])
    assert np.array_equal(ReLU().derivative_from_z(z), [[0.0, 0.0, 1.0]])
    ref = RefReLU()
    ref.forward(z)
    assert np.array_equal(ref.backward(np.ones_like(z)), [[0.0, 0.0, 1.0]])


@pytest.mark.parametrize("model", MODELS, ids=["neuron", "reference"])
def test_cross_entropy_is_per_row_when_rows_differ_by_a_thousand(model):
    # The max is subtracted per row: a max over the whole batch would underflow the first
    # row's exponentials to 0 and take log(0).
    net = model([1, 2], ["identity"], loss="cross_entropy", init="glorot_uniform",
                rng=np.random.default_rng(0))
    net.set_parameters([np.array([[0.0], [1.0]]), np.array([0.0, 0.0])])
    X = np.array([[0.0], [1000.0]])  # logits [0, 0] and [0, 1000]
    Y = np.array([[1.0, 0.0], [0.0, 1.0]])
    loss = net.loss(X, Y)
    assert np.isfinite(loss) and abs(loss - np.log(2) / 2) < 1e-12
    grads = net.gradient(X, Y)
    assert all(np.isfinite(g).all() for g in grads)


def test_a_neuron_keeps_float64_weights_whatever_it_is_given():
    neuron = Neuron([1, 2, 3], 1)
    assert neuron.weights.dtype == np.float64 and isinstance(neuron.bias, float)
    assert neuron.velocity_weights.shape == (3,) and neuron.velocity_weights.dtype == np.float64


def test_the_reprs_that_teach():
    net = Network([4, 3, 2], ["tanh", "identity"], loss="cross_entropy",
                  rng=np.random.default_rng(0))
    assert repr(net) == ("Network([\n  Layer(3 x TanhNeuron(fan_in=4)),\n"
                         "  Layer(2 x IdentityNeuron(fan_in=3))\n], loss=CrossEntropy())")


def test_a_neurons_repr_shows_what_it_holds_briefly():
    # One value as a number, a few as a list, more than four as the first four and "...".
    neuron = Neuron([0.314159, -1.2], 0.05, activation="sigmoid")
    assert repr(neuron) == "SigmoidNeuron(fan_in=2, w=[0.314, -1.2], b=0.05)"
    neuron.forward(np.array([[1.0, 0.0]]))
    assert repr(neuron) == "SigmoidNeuron(fan_in=2, w=[0.314, -1.2], b=0.05, a=0.59)"
    neuron.forward(np.array([[1.0, 0.0], [0.0, 0.0], [0.0, 1.0], [2.0, 2.0]]))
    assert repr(neuron).endswith("a=[0.59, 0.512, 0.24, 0.152])")
    neuron.forward(np.zeros((5, 2)))
    assert repr(neuron).endswith("a=[0.512, 0.512, 0.512, 0.512, ...])")


def test_an_activations_repr_is_its_class():
    from neuronnet.activations import get_activation
    assert [repr(get_activation(name)) for name in ("sigmoid", "relu")] == ["Sigmoid()", "ReLU()"]


def test_an_optimizers_repr_shows_its_rate_and_momentum():
    from neuronnet.optimizers import SGD, Momentum, Nesterov
    assert [repr(SGD(0.1)), repr(Momentum(0.1, 0.9)), repr(Nesterov(0.2, 0.5))] == \
        ["SGD(lr=0.1)", "Momentum(lr=0.1, mu=0.9)", "Nesterov(lr=0.2, mu=0.5)"]


def test_the_settings_line_at_the_head_of_a_training_table():
    from neuronnet.training.schedules import StepDecay
    from neuronnet.training.settings import Settings
    tail = ", clip_norm None, patience None"
    assert Settings().describe() == ("10 epochs, minibatch (batch 32), sgd lr=0.1 momentum=0.9, "
                                     "schedule constant" + tail)
    assert Settings(schedule=("step", 0.5, 3), lr=0.2).describe().endswith(
        "lr=0.2 momentum=0.9, schedule ('step', 0.5, 3)" + tail)
    assert Settings(schedule=StepDecay(0.5, every=3)).describe().endswith(
        "schedule StepDecay(lr=0.5, factor=0.5, every=3)" + tail)


def test_errors_that_say_why_in_full():
    # Whole messages, anchored at both ends: the name, what was got, what was expected and why.
    from neuronnet.training import make_sin
    from neuronnet.training.metrics import accuracy
    with pytest.raises(ValueError, match=r"^y_true: got 0 samples; expected at least one \(the "
                                         r"accuracy of no samples is 0/0\)$"):
        accuracy([], [])
    with pytest.raises(TypeError, match=r"^rng: got RandomState.*; expected a numpy.random."
                                        r"Generator \(x and the noise are drawn from it\), e.g. "
                                        r"numpy.random.default_rng\(0\)$"):
        make_sin(3, np.random.RandomState(0))


def test_the_references_repr_is_its_architecture():
    from reference import MLP
    assert repr(MLP([3, 4, 2], ["tanh", "identity"], rng=np.random.default_rng(0))) == \
        "MLP([3, 4, 2], ['tanh', 'identity'], loss='half_mse')"


def test_the_references_train_step_defaults_and_clip_norm_one():
    # lr 0.1 by default, and clip_norm = 1.0 is a norm like any other (only 0 is refused).
    from reference import MLP

    def make():
        return MLP([3, 2], ["identity"], rng=np.random.default_rng(0))
    X, Y = np.ones((2, 3)), np.zeros((2, 2))
    a, b = make(), make()
    a.train_step(X, Y)
    b.train_step(X, Y, optimizer="sgd", lr=0.1)
    assert all(np.array_equal(p, q) for p, q in zip(a.parameters(), b.parameters()))
    make().train_step(X, Y, clip_norm=1.0)


def test_every_default_is_the_same_in_both_models_and_their_helpers():
    # A default is part of the contract, and each one has two homes that must agree: the
    # neuron model's and the reference's (init_std, the loss, a step's rate and momentum), and
    # the helpers' (from_layers, from_arrays, trace, initial_weights) with their model's.
    import copy

    from neuronnet.convert import from_arrays
    from neuronnet.trace import trace
    from reference import MLP
    from reference.initializers import initial_weights

    def rng():
        return np.random.default_rng(3)
    net = Network([3, 4, 2], ["tanh", "identity"], init="normal", rng=rng())
    ref = MLP([3, 4, 2], ["tanh", "identity"], init="normal", rng=rng())
    assert all(np.array_equal(p, q) for p, q in zip(net.parameters(), ref.parameters()))
    assert np.array_equal(initial_weights("normal", 3, 4, rng()), ref.parameters()[0])
    assert Network.from_layers(net.layers).loss_name == net.loss_name == ref.loss_name
    arrays = (net.parameters()[0::2], net.parameters()[1::2], ["tanh", "identity"])
    assert from_arrays(*arrays).loss_name == MLP.from_arrays(*arrays).loss_name
    X, T = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.5]]), np.array([[0.0, 1.0], [1.0, 0.0]])
    for optimizer in ("sgd", "nesterov"):  # nesterov's first step shows the momentum
        record = trace(net, X, T, **({} if optimizer == "sgd" else {"optimizer": optimizer}))
        for stepped in (copy.deepcopy(net), copy.deepcopy(ref)):
            stepped.train_step(X, T, **({} if optimizer == "sgd" else {"optimizer": optimizer}))
            got = [np.append(s.w_new, s.b_new) for steps in record.neurons for s in steps]
            want = [np.append(W[j], b[j]) for W, b in zip(stepped.parameters()[0::2],
                                                          stepped.parameters()[1::2])
                    for j in range(len(b))]
            # The same update rule on the same numbers, in a different order of operations
            # in the reference: within 1e-15 (the differences seen are below 1e-18).
            assert len(got) == len(want) == 6 and all(
                np.allclose(g, w, rtol=0, atol=1e-15) for g, w in zip(got, want)), \
                f"{optimizer}, {type(stepped).__name__}:\n got: {got}\nwant: {want}"
