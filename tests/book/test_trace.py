"""The trace of one step (neuronnet/trace.py): every number it shows is the network's own
(with Adam's and RMSProp's state, the L2 penalty, binary cross-entropy's sigmoid), it changes
nothing, its marks are honest (they agree on a correct network, say DIFFERS on a buggy one, and
say "not comparable" at a ReLU kink), and the 2-D recipes it is meant for learn their problems.
The text worked by hand: tests/app/test_trace_text.py; the command: test_trace_command.py."""
import math

import numpy as np
import pytest

from neuronnet import Network
from neuronnet.app.trace_command import mark
from neuronnet.pitfalls import get
from neuronnet.training import PLANAR


def small_net(activations=("tanh", "identity"), loss="cross_entropy", seed=0):
    return Network([2, 3, 2], list(activations), loss, rng=np.random.default_rng(seed))


def test_a_trace_holds_the_networks_own_numbers_and_changes_nothing():
    net = small_net()
    x, t = np.array([0.4, -1.3]), np.array([0.0, 1.0])
    before = net.parameters()
    record = net.trace(x, t, optimizer="momentum", lr=0.1, momentum=0.9)
    assert all((a == b).all() for a, b in zip(before, net.parameters()))
    grads = net.gradient(x[None], t[None])
    for l, steps in enumerate(record.neurons):
        for step in steps:
            assert np.array_equal(step.dW, grads[2 * l][step.index])
            assert step.db == grads[2 * l + 1][step.index]
            # z = w . x + b and delta = f'(z) * dL/da, as printed
            assert np.allclose(step.z, step.x @ step.w + step.b, rtol=0, atol=1e-15)
            assert np.allclose(step.delta, step.slope * step.dL_da, rtol=0, atol=1e-15)
    assert record.loss_after < record.loss_value   # one small step downhill on that sample


def test_the_marks_agree_on_a_correct_network():
    net = small_net()
    record = net.trace([0.4, -1.3], [0.0, 1.0])
    counts = mark(record, net)
    assert counts["reference DIFFERS"] == counts["numeric DIFFERS"] == counts["kink"] == 0
    # per neuron z, a, delta, dW, db, w_new, b_new, v_new, vb_new; then the loss, p and dL/da
    assert counts["reference ok"] == 9 * 5 + 3 and counts["numeric ok"] == 5 + 2 * 3 + 3 * 2
    assert set(record.checks) == {"loss", "p", "dL/da"}


def test_the_marks_catch_a_buggy_network():
    net = get("derivative-of-output").factory.build([2, 3, 2], ["sigmoid", "identity"],
                                                     "cross_entropy")
    net.set_parameters(small_net().parameters())
    record = net.trace([0.4, -1.3], [0.0, 1.0])
    counts = mark(record, net)
    assert counts["reference DIFFERS"] > 0 and counts["numeric DIFFERS"] > 0
    layer0 = record.neurons[0][0].checks
    assert layer0["delta"][0] == "reference DIFFERS" and layer0["numeric db"][0] == \
        "numeric DIFFERS"


def test_a_relu_kink_is_not_comparable_rather_than_failed():
    net = small_net(("relu", "identity"))
    W, b = net.parameters()[0:2]
    x = np.array([0.4, -1.3])
    b[0] = -float(W[0] @ x)          # neuron 0's z is exactly 0 on this sample: the kink
    params = net.parameters()
    params[1] = b
    net.set_parameters(params)
    record = net.trace(x, [0.0, 1.0])
    counts = mark(record, net)
    assert record.neurons[0][0].numeric["db"] is None
    assert record.neurons[0][0].checks["numeric db"][0] == "kink"
    assert counts["kink"] >= 1 and counts["numeric DIFFERS"] == 0


def test_a_neurons_repr_shows_its_numbers():
    net = small_net()
    neuron = net.layers[0].neurons[0]
    assert repr(neuron).startswith("TanhNeuron(fan_in=2, w=[") and "a=" not in repr(neuron)
    net.gradient(np.array([[0.4, -1.3]]), np.array([[0.0, 1.0]]))
    assert f"a={neuron.output[0]:.3g}" in repr(neuron) and "delta=" in repr(neuron)


# --- the 2-D problems -------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(PLANAR))
def test_a_planar_problem_is_seeded_and_balanced(name):
    X, y = PLANAR[name](101, np.random.default_rng(5))
    again, _ = PLANAR[name](101, np.random.default_rng(5))
    assert X.shape == (101, 2) and np.array_equal(X, again)
    assert sorted(np.bincount(y)) == [50, 51]


@pytest.mark.parametrize("name", sorted(PLANAR))
def test_a_planar_recipe_learns_its_problem(name, capsys):
    from neuronnet.app.train_command import train_recipe
    run = train_recipe(name, quiet=True, out=lambda line: None)
    assert run["test"].accuracy >= 0.98, (name, run["test"].accuracy)


def test_a_2d_recipe_draws_its_boundary_hidden_neurons_and_epochs(tmp_path):
    pytest.importorskip("matplotlib")
    import imageio.v3 as iio

    from neuronnet.app.train_command import train_recipe
    lines = []
    train_recipe("xor", quiet=True, plot=str(tmp_path), out=lines.append)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["xor-boundary.png", "xor-confusion.png", "xor-curves.png",
                     "xor-epochs.gif", "xor-hidden.png"], names
    # each file's line as it is written, and the GIF's frame count before it is drawn
    said = [line for line in lines if line.startswith(("plot: ", "drawing "))]
    assert said == [f"plot: {tmp_path / f'xor-{name}.png'}" for name in (
        "curves", "confusion", "boundary", "hidden")] + [
        "drawing xor-epochs.gif: 30 frames ...", f"plot: {tmp_path / 'xor-epochs.gif'}"]
    frames = iio.imread(tmp_path / "xor-epochs.gif", index=None)
    assert frames.shape[0] == 30 and frames.shape[-1] == 3      # one frame per epoch of 30
    assert not np.array_equal(frames[0], frames[-1])            # the boundary moved


def test_the_plane_recorder_is_an_on_epoch_hook_of_any_loop():
    from neuronnet.app.planar_plots import PlaneRecorder, hidden_plot
    from neuronnet.training import Dataset, train
    X, y = PLANAR["circles"](60, np.random.default_rng(1))
    data = Dataset(X, labels=y, n_classes=2)
    net = Network([2, 4, 2], ["tanh", "identity"], "cross_entropy", rng=np.random.default_rng(1))
    recorder = PlaneRecorder(net, X, epochs=6)
    train(net, data, rng=np.random.default_rng(1), epochs=6, on_epoch=recorder)
    assert [frame.epoch for frame in recorder.frames] == [1, 2, 3, 4, 5, 6]
    probability, hidden = recorder.frames[-1].probability, recorder.frames[-1].hidden
    assert probability.shape == hidden[0].shape[:2] and hidden[0].shape[2] == 4
    assert ((probability >= 0) & (probability <= 1)).all()
    if pytest.importorskip("matplotlib"):
        axes = hidden_plot(recorder, data).axes
        titles = [ax.get_title() for ax in axes]
        assert titles.count("n0") == 2 and sum(t.startswith("n") for t in titles) == 2 * 4


def test_train_recipe_keeps_the_plane_only_for_a_planar_recipe():
    from neuronnet.app import train_recipe
    run = train_recipe("xor", plane=True, quiet=True, options={"epochs": 3}, out=lambda _: None)
    assert [frame.epoch for frame in run["plane"].frames] == [1, 2, 3]
    with pytest.raises(ValueError, match="^plane: recipe 'iris' has 'iris' data; expected "):
        train_recipe("iris", plane=True, quiet=True, out=lambda _: None)


def test_only_the_first_three_and_the_last_neurons_of_a_wide_layer_are_shown():
    from neuronnet.trace import SHOWN_NEURONS, shown
    assert SHOWN_NEURONS == 4
    assert shown(list(range(4))) == [0, 1, 2, 3]
    assert shown(list(range(5))) == [0, 1, 2, None, 4]
    assert shown(list(range(9))) == [0, 1, 2, None, 8]


def test_a_deep_trace_hands_each_layer_the_gradient_from_the_layer_above():
    # dL/da of a hidden neuron j is sum_k w_kj delta_k over the layer above (not below: with
    # three layers the two differ), and of an output neuron the loss gradient's column.
    net = Network([2, 3, 3, 2], ["tanh", "sigmoid", "identity"], "half_mse",
                  rng=np.random.default_rng(4))
    record = net.trace([[1, -2], [0, 3]], [[0, 1], [1, 0]])          # integers: read as floats
    assert (record.optimizer, record.lr, record.momentum) == ("sgd", 0.1, 0.0)  # sgd: no mu
    assert record.X.dtype == record.T.dtype == np.float64
    assert np.array_equal(record.output, net.forward(record.X))
    assert [[s.activation for s in steps] for steps in record.neurons] == \
        [["tanh"] * 3, ["sigmoid"] * 3, ["identity"] * 2]
    for l, steps in enumerate(record.neurons):
        for step in steps:
            if l == len(record.neurons) - 1:
                expected = record.loss_gradient[:, step.index]
            else:
                expected = sum(above.w[step.index] * above.delta
                               for above in record.neurons[l + 1])
            assert np.array_equal(step.dL_da, expected), (l, step.index)
            assert step.dL_da.dtype == np.float64


def test_a_trace_takes_the_rate_and_momentum_it_is_given():
    net = small_net()
    record = net.trace([0.4, -1.3], [0.0, 1.0], optimizer="momentum", lr=0.5, momentum=0.25)
    assert (record.optimizer, record.lr, record.momentum) == ("momentum", 0.5, 0.25)
    step = record.neurons[0][0]
    assert np.allclose(step.w_new, step.w - 0.5 * step.dW, rtol=0, atol=1e-15)  # v_0 = 0


def test_away_from_kinks_every_shown_numeric_derivative_is_a_number():
    net = small_net(("relu", "identity"), seed=2)
    record = net.trace([0.4, -1.3], [0.0, 1.0])
    assert all(abs(z) > 1e-3 for steps in record.neurons for s in steps for z in s.z)
    numbers = [v for steps in record.neurons for s in steps for v in s.numeric.values()]
    assert numbers and all(v is not None for v in numbers)


def test_a_wrong_velocity_is_caught_by_the_marks():
    net = small_net()
    record = net.trace([0.4, -1.3], [0.0, 1.0], optimizer="momentum")
    record.neurons[1][0].v_new = record.neurons[1][0].v_new + 1e-3
    mark(record, net)
    assert record.neurons[1][0].checks["v_new"][0] == "reference DIFFERS"
    assert record.neurons[1][1].checks["v_new"][0] == "reference ok"


# --- Adam, RMSProp, the L2 penalty and binary cross-entropy ----------------------------------
def test_an_adam_trace_holds_the_optimizers_own_step_and_changes_no_state():
    from neuronnet.optimizers import Adam
    net = small_net(loss="binary_cross_entropy")
    net.train_step(np.array([[0.4, -1.3]]), np.array([[0.0, 1.0]]), optimizer="adam")
    neuron = net.layers[1].neurons[0]
    state = (neuron.steps, neuron.velocity_weights.copy(), neuron.square_weights.copy())
    opt = Adam(0.05, beta1=0.8, beta2=0.99)                  # an instance, used as it is
    record = net.trace([0.1, 0.2], [1.0, 0.0], optimizer=opt)
    assert neuron.steps == state[0] and np.array_equal(neuron.velocity_weights, state[1]) \
        and np.array_equal(neuron.square_weights, state[2])
    assert record.optimizer == "adam" and record.keeps_squares
    assert record.hyperparameters == {"lr": 0.05, "beta1": 0.8, "beta2": 0.99, "eps": 1e-8}
    step = record.neurons[1][0]
    assert step.t == 2 and np.array_equal(step.v, state[1]) and np.array_equal(step.s, state[2])
    # the step is Adam's move from the state the neuron held, at its step number
    w, v, s = opt.move(step.w, step.dW, step.v, step.s, 2)
    assert np.array_equal(step.w_new, w) and np.array_equal(step.v_new, v) and \
        np.array_equal(step.s_new, s)
    assert step.lr_t == pytest.approx(0.05 * math.sqrt(1 - 0.99 ** 2) / (1 - 0.8 ** 2),
                                      rel=1e-15)
    counts = mark(record, net)
    assert counts["reference DIFFERS"] == counts["numeric DIFFERS"] == 0
    assert {"s_new", "sb_new", "lr_t"} <= set(step.checks)


@pytest.mark.parametrize("optimizer, extra", [("sgd", 0), ("rmsprop", 2), ("adam", 3)])
def test_the_marks_check_the_mean_square_and_the_bias_correction(optimizer, extra):
    # per neuron z, a, delta, dW, db, w_new, b_new, v_new, vb_new, and with RMSProp and Adam
    # s_new and sb_new, with Adam lr_t; then the loss, p and dL/da
    net = small_net()
    counts = mark(net.trace([0.4, -1.3], [0.0, 1.0], optimizer=optimizer), net)
    assert counts["reference ok"] == (9 + extra) * 5 + 3 and counts["reference DIFFERS"] == 0


@pytest.mark.parametrize("name", ["s_new", "sb_new", "lr_t", "v_new"])
def test_a_wrong_moment_or_rate_is_caught_by_the_marks(name):
    net = small_net()
    record = net.trace([0.4, -1.3], [0.0, 1.0], optimizer="adam")
    setattr(record.neurons[1][0], name, getattr(record.neurons[1][0], name) * 1.001)
    mark(record, net)
    assert record.neurons[1][0].checks[name][0] == "reference DIFFERS"
    assert record.neurons[1][1].checks[name][0] == "reference ok"


def test_the_marks_catch_adam_without_its_bias_correction():
    from neuronnet.pitfalls.variants_beyond_sgd import AdamWithoutBiasCorrection
    net = small_net()
    record = net.trace([0.4, -1.3], [0.0, 1.0], optimizer=AdamWithoutBiasCorrection(0.1))
    mark(record, net)
    for step in (s for steps in record.neurons for s in steps):
        assert step.checks["w_new"][0] == step.checks["b_new"][0] == "reference DIFFERS"
        assert step.checks["v_new"][0] == step.checks["s_new"][0] == "reference ok"


@pytest.mark.parametrize("pitfall, caught", [("l2-on-bias", ("db", "numeric db")),
                                             ("l2-missing-from-loss", ("loss",))])
def test_the_marks_catch_a_penalty_in_the_wrong_place(pitfall, caught):
    net = get(pitfall).factory.build([2, 3, 2], ["tanh", "identity"], "cross_entropy")
    params = small_net().parameters()
    params[1], params[3] = np.array([0.3, -0.2, 0.5]), np.array([0.1, -0.4])   # biases not 0
    net.set_parameters(params)
    record = net.trace([0.4, -1.3], [0.0, 1.0])
    counts = mark(record, net)
    assert counts["reference DIFFERS"] > 0 and counts["numeric DIFFERS"] > 0
    checks = {**record.checks, **record.neurons[0][0].checks}
    assert all(checks[name][0].endswith("DIFFERS") for name in caught), checks


def test_the_penalty_is_in_the_loss_and_in_dW_and_not_in_db():
    plain, penalized = small_net(), Network.from_layers(small_net().layers, "cross_entropy",
                                                         l2=0.4)
    x, t = np.array([[0.4, -1.3], [1.0, 0.5]]), np.array([[0.0, 1.0], [1.0, 0.0]])
    a, b = plain.trace(x, t), penalized.trace(x, t)
    squares = sum(float(step.w @ step.w) for steps in a.neurons for step in steps)
    assert b.weight_squares == pytest.approx(squares, rel=1e-14)
    assert b.data_loss == a.loss_value and a.data_loss == a.loss_value
    assert b.loss_value == pytest.approx(a.loss_value + 0.4 / (2 * 2) * squares, rel=1e-14)
    for steps_a, steps_b in zip(a.neurons, b.neurons):
        for p, q in zip(steps_a, steps_b):
            assert np.allclose(q.dW, p.dW + 0.4 / 2 * p.w, rtol=0, atol=1e-15)
            assert q.db == p.db
