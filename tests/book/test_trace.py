"""The trace of one step (neuronnet/trace.py, ``neuronnet trace``): every number it shows is
the network's own, it changes nothing, its marks are honest (they agree on a correct network,
say DIFFERS on a buggy one, and say "not comparable" at a ReLU kink), and the 2-D recipes it is
meant for learn their problems."""
import json
import math
import re

import numpy as np
import pytest

from neuronnet import Network
from neuronnet.app.cli import main
from neuronnet.app.trace_command import mark, trace_recipe
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


def test_neuronnet_trace_prints_every_neuron_and_exits_0(capsys):
    assert main(["trace"]) == 0
    out = capsys.readouterr().out
    for words in ("forward", "backward", "update", "z = w . x + b", "delta = f'(z) * dL/da",
                  "ref ok", "num ok", "0 differ"):
        assert words in out, words
    assert out.count("  n0  z = ") == 2 and "n2  z = " in out     # 2-3-2: every neuron


def test_neuronnet_trace_json_is_the_record(capsys):
    assert main(["trace", "--json", "--sample", "3"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["sizes"] == [2, 3, 2] and len(record["neurons"][0]) == 3
    assert record["counts"]["reference DIFFERS"] == 0


def test_neuronnet_trace_refuses_a_sample_out_of_range(capsys):
    assert main(["trace", "--sample", "400"]) == 2
    assert "--sample: got 400" in capsys.readouterr().err


def test_the_network_picture_is_drawn(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    assert main(["trace", "--plot", str(tmp_path), "--gradients"]) == 0
    assert (tmp_path / "xor-trace.png").stat().st_size > 10000


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


# --- the trace worked by hand -----------------------------------------------------------------
ARITHMETIC = re.compile(r"^[-+*/()., 0-9e\[\]\^]*(log\([-0-9.e]+\)[-+*/()., 0-9e\[\]]*)*$")


def _value(text):
    """The number (or list of numbers) an arithmetic text of the trace evaluates to."""
    text = text.replace("^", "**").replace("[", "A([").replace("]", "])")
    return eval(text, {"__builtins__": {}, "log": math.log, "A": np.array})  # noqa: S307


def worked_equalities(lines):
    """Every 'expression = value' of the printed arithmetic, as (line, expression, value)."""
    for line in lines:
        body = re.sub(r"\s+\[[a-z][^\]]*\]$", "", line)      # the marks at the end
        for part in body.split(";"):
            sides = [s.strip() for s in re.split(r" = ", part)]
            sides = [re.sub(r"^.*?: ", "", s) for s in sides]  # "w[0]: v", "L", ... dropped
            for left, right in zip(sides, sides[1:]):
                if left and right and ARITHMETIC.match(left) and ARITHMETIC.match(right) \
                        and re.search(r"[-+*/^]|log", left.lstrip("-")):
                    yield line, left, right


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "nesterov"])
@pytest.mark.parametrize("loss, activations", [("cross_entropy", ("tanh", "identity")),
                                               ("half_mse", ("sigmoid", "sigmoid"))])
def test_every_worked_line_adds_up_to_the_digits_printed(optimizer, loss, activations):
    # Each operand is printed to 4 significant digits: the arithmetic holds to that precision,
    # so a formula printed with a wrong sign, factor or operand is off by far more.
    from neuronnet.app.trace_text import trace_lines
    net = small_net(activations, loss, seed=3)
    x, t = np.array([0.7, -1.1]), np.array([0.0, 1.0])
    net.layers[0].neurons[1].velocity_weights[:] = [0.05, -0.02]   # a velocity not 0
    record = net.trace(x, t, optimizer=optimizer, lr=0.3, momentum=0.8)
    counts = mark(record, net)
    assert counts["reference DIFFERS"] == 0
    lines = trace_lines(record, type("Recipe", (), {"name": "test"}), counts)
    checked = 0
    for line, left, right in worked_equalities(lines):
        mine, printed = np.atleast_1d(_value(left)), np.atleast_1d(_value(right))
        scale = max(1.0, *np.abs(np.atleast_1d(printed)))
        numbers = [abs(float(v)) for v in re.findall(r"\d[\d.]*(?:e[-+]?\d+)?", left)]
        bound = 2e-3 * max(numbers + [scale])
        assert np.all(np.abs(mine - printed) <= bound), (line, left, right)
        checked += 1
    # z of 5 neurons, the loss, dW of 5 neurons, and for each of 5 neurons 2 + 1 parameters
    # (each one line of one or two equalities)
    assert checked >= 5 + 1 + 5 + 15, checked
    update = [line for line in lines if line.startswith("    w[") or line.startswith("    b:")]
    assert len(update) == 2 * 3 + 3 * 2 + 3 + 2 and all(line.endswith("[ref ok]")
                                                        for line in update)
    if optimizer != "sgd":   # the velocity's arithmetic, from the velocity the neuron held
        assert "v = 0.8 * 0.05 - 0.3 * " in "\n".join(lines)


def test_the_trace_prints_the_probabilities_the_target_and_the_loss(capsys):
    assert main(["trace"]) == 0
    out = capsys.readouterr().out
    record, _, _ = trace_recipe()
    p = record.probabilities[0]
    assert np.allclose(p.sum(), 1.0) and record.T[0].argmax() == 0
    assert f"= [{p[0]:.4g}, {p[1]:.4g}]  [ref ok]" in out                    # p, checked
    assert f"target t = [{record.T[0][0]:.4g}, {record.T[0][1]:.4g}]" in out
    assert f"-(1*log({p[0]:.4g})) / 1 = {record.loss_value:.4g}  [ref ok]" in out


def test_a_wrong_velocity_is_caught_by_the_marks():
    net = small_net()
    record = net.trace([0.4, -1.3], [0.0, 1.0], optimizer="momentum")
    record.neurons[1][0].v_new = record.neurons[1][0].v_new + 1e-3
    mark(record, net)
    assert record.neurons[1][0].checks["v_new"][0] == "reference DIFFERS"
    assert record.neurons[1][1].checks["v_new"][0] == "reference ok"
