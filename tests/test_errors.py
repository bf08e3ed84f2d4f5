"""Bad input gets a ValueError that names the argument, what it got and what was expected,
before any work is done."""
import numpy as np
import pytest

from models import make_model
from neuronnet import Layer, Network, Neuron
from neuronnet.convert import from_arrays
from neuronnet.optimizers import SGD, Momentum
from strategies import WrongType, expecting


def make_net():
    return make_model("neuron", sizes=(3, 4, 2))


def data(n=5):
    rng = np.random.default_rng(1)
    return rng.normal(size=(n, 3)), np.eye(2)[rng.integers(0, 2, n)]


@pytest.mark.parametrize("kwargs, fragments, error", expecting([
    (dict(layer_sizes=[3]), ["layer_sizes", "at least two"]),
    WrongType((dict(layer_sizes=5), ["layer_sizes", "list of positive integers"])),
    (dict(layer_sizes=[3, 0, 2]), ["layer_sizes[1]", "0", "positive integer"]),
    (dict(layer_sizes=[3, -4, 2]), ["layer_sizes[1]", "-4", "positive integer"]),
    WrongType((dict(layer_sizes=[3, 2.5, 2]), ["layer_sizes[1]", "2.5", "positive integer"])),
    (dict(activations=["tanh"]), ["activations", "got 1", "expected 2"]),
    (dict(activations=["tanh", "softplus"]), ["activation", "'softplus'", "relu"]),
    (dict(loss="mae"), ["loss", "'mae'", "cross_entropy"]),
    (dict(init="zeros"), ["init", "'zeros'", "glorot_uniform"]),
    (dict(init_std=float("nan")), ["init_std", "nan", "finite"]),
    (dict(init_std=-1.0), ["init_std", "-1.0", ">= 0"]),
    WrongType((dict(rng=None), ["rng", "None", "numpy.random.Generator"])),
    WrongType((dict(rng=42), ["rng", "42", "numpy.random.Generator"])),
]))
def test_network_constructor_rejects(kwargs, fragments, error):
    args = dict(layer_sizes=[3, 4, 2], activations=["tanh", "identity"], loss="half_mse",
                rng=np.random.default_rng(0))
    args.update(kwargs)
    with pytest.raises(error) as info:
        Network(**args)
    for fragment in fragments:
        assert fragment in str(info.value), (fragment, str(info.value))


@pytest.mark.parametrize("method", ["forward", "loss", "gradient", "train_step", "fit"])
@pytest.mark.parametrize("bad_X, fragments, error", expecting([
    (np.zeros((5, 4)), ["X", "(5, 4)", "3 columns"]),
    (np.zeros(3), ["X", "(3,)", "2-D"]),
    (np.zeros((0, 3)), ["X", "(0, 3)", "at least one row"]),
    (np.array([[0.0, np.nan, 1.0]] * 5), ["X", "nan", "row 0, column 1", "finite"]),
    (np.array([[0.0, 1.0, np.inf]] * 5), ["X", "inf", "finite"]),
    WrongType(([["a", "b", "c"]] * 5, ["X", "numeric"])),
]))
def test_data_rejected_by_every_entry_point(method, bad_X, fragments, error):
    net = make_net()
    before = net.parameters()
    _, Y = data()
    call = getattr(net, method)
    with pytest.raises(error) as info:
        call(bad_X) if method == "forward" else call(bad_X, Y, rng=np.random.default_rng(0)) \
            if method == "fit" else call(bad_X, Y)
    for fragment in fragments:
        assert fragment in str(info.value), (fragment, str(info.value))
    for p, q in zip(before, net.parameters()):
        np.testing.assert_array_equal(p, q)  # nothing was trained before the error


@pytest.mark.parametrize("bad_Y, fragments", [
    (np.zeros((5, 3)), ["Y", "(5, 3)", "2 columns"]),
    (np.zeros((4, 2)), ["Y", "4 rows", "5 rows of X"]),
    (np.full((5, 2), np.nan), ["Y", "nan", "finite"]),
])
def test_targets_rejected(bad_Y, fragments):
    X, _ = data()
    with pytest.raises(ValueError) as info:
        make_net().fit(X, bad_Y, rng=np.random.default_rng(0))
    for fragment in fragments:
        assert fragment in str(info.value), (fragment, str(info.value))


@pytest.mark.parametrize("kwargs, fragments, error", expecting([
    (dict(epochs=0), ["epochs", "0", "positive integer"]),
    (dict(batch_size=0), ["batch_size", "0", "positive integer"]),
    (dict(batch_size=-3), ["batch_size", "-3", "positive integer"]),
    (dict(batch_mode="stochastic"), ["batch_mode", "'stochastic'", "sampled"]),
    (dict(optimizer="adam"), ["optimizer", "'adam'", "nesterov"]),
    (dict(lr=-0.1), ["lr", "-0.1", ">= 0"]),
    (dict(lr=float("inf")), ["lr", "inf", "finite"]),
    (dict(optimizer="momentum", momentum=1.0), ["momentum", "1.0", "< 1"]),
    (dict(optimizer="nesterov", momentum=-0.5), ["momentum", "-0.5", ">= 0"]),
    WrongType((dict(rng=None), ["rng", "None", "Generator", "shuffle"])),
]))
def test_fit_rejects_settings(kwargs, fragments, error):
    X, Y = data()
    net = make_net()
    before = net.parameters()
    args = dict(rng=np.random.default_rng(0))
    args.update(kwargs)
    with pytest.raises(error) as info:
        net.fit(X, Y, **args)
    for fragment in fragments:
        assert fragment in str(info.value), (fragment, str(info.value))
    for p, q in zip(before, net.parameters()):
        np.testing.assert_array_equal(p, q)


def test_fit_without_shuffle_needs_no_generator():
    X, Y = data()
    assert len(make_net().fit(X, Y, shuffle=False, epochs=2)) == 2


def test_optimizer_constructors_reject():
    with pytest.raises(ValueError, match="lr: got -1"):
        SGD(-1)
    with pytest.raises(ValueError, match="momentum: got 1.5"):
        Momentum(0.1, 1.5)


def test_layer_and_conversion_reject():
    with pytest.raises(ValueError, match="neurons: got an empty list"):
        Layer([])
    with pytest.raises(ValueError, match=r"neurons: got fan_in values \[2, 3\]"):
        Layer([Neuron([1.0, 2.0]), Neuron([1.0, 2.0, 3.0])])
    with pytest.raises(ValueError, match=r"fan_out: got 0"):
        Layer.create(3, 0, "tanh", "glorot_uniform", np.random.default_rng(0))
    with pytest.raises(ValueError, match=r"weights\[0\], biases\[0\]: got shapes \(2, 3\) and \(3,\)"):
        from_arrays([np.zeros((2, 3))], [np.zeros(3)], ["identity"])
    with pytest.raises(ValueError, match=r"weights\[0\], biases\[0\]: got non-finite"):
        from_arrays([np.full((2, 3), np.nan)], [np.zeros(2)], ["identity"])
    net = make_net()
    with pytest.raises(ValueError, match=r"params: got 3 arrays; expected 4"):
        net.set_parameters(net.parameters()[:3])
    with pytest.raises(ValueError, match=r"params\[2\]: got shape \(3, 4\); expected \(2, 4\)"):
        net.set_parameters([p if k != 2 else np.zeros((3, 4))
                            for k, p in enumerate(net.parameters())])


def test_cli_rejects_non_positive_epochs(capsys):
    from neuronnet.app.cli import main
    with pytest.raises(SystemExit) as exit_info:
        main(["train", "iris", "--epochs", "0"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err == ("neuronnet train: error: argument --epochs: got 0; expected a "
                   "positive integer (see neuronnet train --help)\n"), err


def test_whole_messages_for_a_bad_upstream_gradient_a_rate_and_schedule_steps():
    # Anchored at both ends: which argument, what it got, what was expected.
    from neuronnet.training.schedules import LossThreshold
    from reference import MLP
    net = make_net()
    net.forward(np.ones((5, 3)))
    with pytest.raises(ValueError, match=r"^grad_output: got shape \(4, 2\); expected \(5, 2\), "
                                         r"the shape of the last forward's output$"):
        net.backward(np.ones((4, 2)))
    with pytest.raises(ValueError, match=r"^grad_output: got an array of shape \(5, 3\); "
                                         r"expected 2 columns, shape \(n_samples, 2\)$"):
        net.backward(np.ones((5, 3)))
    ref = MLP([3, 4, 2], ["tanh", "identity"], rng=np.random.default_rng(0))
    ref.forward(np.ones((5, 3)))
    with pytest.raises(ValueError, match=r"^grad_output: got an array of shape \(4, 2\); "
                                         r"expected shape \(5, 2\)$"):
        ref.backward(np.ones((4, 2)))
    with pytest.raises(ValueError, match=r"^lr: got -1.0; expected a number >= 0.0$"):
        SGD(0.1).with_lr(-1.0)
    for steps, inner in (([(-1.0, 0.1)], "steps threshold: got -1.0"),
                         ([(1.0, -0.1)], "steps rate: got -0.1")):
        with pytest.raises(ValueError, match=rf"^steps: got .*\({inner}; expected a number >= "
                                             r"0.0\)$"):
            LossThreshold(0.1, steps)


@pytest.mark.parametrize("model", ["neuron", "reference"])
@pytest.mark.parametrize("kwargs, message, error", [
    (dict(shuffle=True, rng=None), r"rng: got None; expected a numpy.random.Generator "
     r"\(shuffle=True draws each epoch's order from it\), e.g. numpy.random.default_rng\(0\)",
     TypeError),
    (dict(batch_mode="bogus"), r"batch_mode: got 'bogus'; expected one of \[('\w+'(, )?){4}\]",
     ValueError),
    (dict(batch_mode="minibatch", batch_size=9), r"batch_size: got 9 for 4 samples; expected "
     r"at most the number of samples \(or batch_mode='full'\)", ValueError),
])
def test_fit_refuses_in_whole_sentences_in_both_models(model, kwargs, message, error):
    net = make_model(model, sizes=(3, 4, 2))
    with pytest.raises(error, match=f"^{message}$"):
        net.fit(np.ones((4, 3)), np.eye(2)[[0, 1, 0, 1]], **kwargs)


def test_schedule_and_reporting_sentences():
    from neuronnet.io.idx import _describe_shape
    from neuronnet.training.loop import _kept
    from neuronnet.training.schedules import LossThreshold, StepDecay
    with pytest.raises(ValueError, match=r"^steps: got no \(threshold, rate\) pairs; expected at "
                                         r"least one \(use Constant for a fixed rate\)$"):
        LossThreshold(0.1, [])
    with pytest.raises(ValueError, match=r"^steps: got rates \[0.2, 0.1\] for thresholds \[0.5, "
                                         r"1.0\] with base lr 0.1; expected rates that do not "
                                         r"rise as the loss falls$"):
        LossThreshold(0.1, [(1.0, 0.1), (0.5, 0.2)])
    assert repr(StepDecay(0.1)) == "StepDecay(lr=0.1, factor=0.5, every=5)"   # the defaults
    assert [_describe_shape(s) for s in ((5,), (5, 2, 3), (5, 2), (5, 2, 3, 4))] == \
        ["5 values", "5 images of 2x3", "5 items of 2", "5 items of 2x3x4"]
    assert _kept(0) == "kept the initial weights (no epoch had finished)"
    assert _kept(3) == "kept the best model, from epoch 3"
