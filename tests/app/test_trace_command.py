"""``neuronnet trace`` (neuronnet/app/trace_command.py): it prints every neuron and exits 0
when every check agrees, writes the record as JSON, draws the network, takes the step's
optimizer, rate, momentum, loss and penalty, and refuses an option it cannot use."""
import json

import pytest

from neuronnet.app.cli import main
from neuronnet.app.trace_command import trace_recipe


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


def test_neuronnet_trace_takes_the_optimizer_the_penalty_and_the_loss(capsys):
    assert main(["trace", "--optimizer", "adam", "--lr", "0.05", "--l2", "0.01", "--loss",
                 "binary_cross_entropy"]) == 0
    out = capsys.readouterr().out
    record, _, counts = trace_recipe(options={"optimizer": "adam", "lr": 0.05},
                                     loss="binary_cross_entropy", l2=0.01)
    assert (record.optimizer, record.lr, record.l2, record.loss) == \
        ("adam", 0.05, 0.01, "binary_cross_entropy")
    assert out.splitlines()[0].startswith("trace: one adam step (lr 0.05, beta1 0.9, ")
    assert f"= [{record.probabilities[0][0]:.4g}, " in out and "L_data = " in out
    assert counts["reference DIFFERS"] == counts["numeric DIFFERS"] == 0


@pytest.mark.parametrize("argv, refused", [
    (["--optimizer", "rmsprop", "--momentum", "0.5"], "--momentum: got 0.5"),
    (["--recipe", "sin", "--loss", "cross_entropy"], "--loss: got cross_entropy"),
    (["--l2", "-0.1"], "argument --l2: got -0.1"),
    (["--l2", "nan"], "argument --l2: got nan")])
def test_neuronnet_trace_refuses_a_step_option_it_cannot_use(argv, refused, capsys):
    try:
        code = main(["trace", *argv])
    except SystemExit as stop:             # argparse's own refusal of the option's text
        code = stop.code
    assert code == 2
    captured = capsys.readouterr()
    assert captured.out == "" and refused in captured.err and "expected" in captured.err
