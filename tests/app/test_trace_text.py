"""The trace worked by hand (neuronnet/app/trace_text.py, trace_losses.py, trace_updates.py):
every equation it prints holds to the digits printed, for every optimizer, every loss, with and
without an L2 penalty, and a line printed wrong on purpose is caught."""
import math
import re

import numpy as np
import pytest

from neuronnet import Network
from neuronnet.app.cli import main
from neuronnet.app.trace_command import mark, trace_recipe
from neuronnet.app.trace_text import trace_lines

NUMBER = r"\d+(?:\.\d*)?(?:e[-+]?\d+)?"
ARITHMETIC = re.compile(r"^(?:[-+*/()., 0-9e\[\]\^]|log|exp|sqrt|max)*$")
ROUNDING = 5e-4      # a number printed to 4 significant digits is within this, relatively


def _value(text):
    """The number (or list of numbers) an arithmetic text of the trace evaluates to."""
    text = text.replace("^", "**").replace("[", "A([").replace("]", "])")
    names = {"log": math.log, "exp": math.exp, "sqrt": math.sqrt, "max": max, "A": np.array}
    return eval(text, {"__builtins__": {}, **names})  # noqa: S307


def worked_equalities(lines):
    """Every 'expression = value' of the printed arithmetic, as (line, expression, value)."""
    for line in lines:
        body = re.sub(r"\s+\[[a-z][^\]]*\]$", "", line)      # the marks at the end
        for part in body.split(";"):
            sides = [s.strip() for s in re.split(r" = ", part)]
            sides = [re.sub(r"^.*?: ", "", s) for s in sides]  # "w[0]: v", "L", ... dropped
            for left, right in zip(sides, sides[1:]):
                if left and right and ARITHMETIC.match(left) and ARITHMETIC.match(right) \
                        and re.search(r"[-+*/^]|log|exp|sqrt", left.lstrip("-")):
                    yield line, left, right


def rounding_bound(left, exact):
    """How far ``left`` can be from the exact result because its operands were rounded to 4
    significant digits: to first order, the sum over the operands of the change one makes
    when moved by its rounding. Integers and the texts in ``exact`` (the hyperparameters,
    printed whole) are exact."""
    base, total = np.atleast_1d(_value(left)), 0.0
    for match in re.finditer(NUMBER, left):
        text = match.group()
        if text in exact or text.isdigit():
            continue
        moved = f"{left[:match.start()]}{float(text) * (1 + ROUNDING)!r}{left[match.end():]}"
        total = total + np.abs(np.atleast_1d(_value(moved)) - base)
    return total


def misprinted(lines, record):
    """The worked equalities that do not hold to the printed digits, and how many were checked.
    An equality holds when its two sides differ by no more than twice the first-order effect
    of rounding the left's operands plus the rounding of the printed result."""
    exact = {f"{float(v):.4g}" for v in [*record.hyperparameters.values(), record.l2]}
    wrong, checked = [], 0
    for line, left, right in worked_equalities(lines):
        mine, printed = np.atleast_1d(_value(left)), np.atleast_1d(_value(right))
        bound = 2 * rounding_bound(left, exact) + 1.01 * ROUNDING * np.abs(printed) + 1e-15
        if not np.all(np.abs(mine - printed) <= bound):
            wrong.append((line, left, right))
        checked += 1
    return wrong, checked


def worked_trace(optimizer, loss, activations, l2=0.0):
    """(record, lines, counts) of a 2-3-2 network's step from a state that is not the first:
    every neuron has taken 4 steps (Adam's t is 5), and one holds a velocity and mean square."""
    net = Network([2, 3, 2], list(activations), loss, rng=np.random.default_rng(3), l2=l2)
    for layer in net.layers:
        for neuron in layer.neurons:
            neuron.steps = 4
    net.layers[0].neurons[1].velocity_weights[:] = [0.05, -0.02]   # a velocity not 0
    net.layers[0].neurons[1].square_weights = np.array([0.02, 0.003])
    record = net.trace(np.array([0.7, -1.1]), np.array([0.0, 1.0]), optimizer=optimizer,
                       lr=0.3, momentum=0.8)
    counts = mark(record, net)
    return record, trace_lines(record, type("Recipe", (), {"name": "test"}), counts), counts


LOSSES = [("cross_entropy", ("tanh", "identity")), ("half_mse", ("sigmoid", "sigmoid")),
          ("binary_cross_entropy", ("relu", "identity"))]
OPTIMIZERS = ["sgd", "momentum", "nesterov", "rmsprop", "adam"]


@pytest.mark.parametrize("l2", [0.0, 0.3])
@pytest.mark.parametrize("optimizer", OPTIMIZERS)
@pytest.mark.parametrize("loss, activations", LOSSES)
def test_every_worked_line_adds_up_to_the_digits_printed(optimizer, loss, activations, l2):
    # Each operand is printed to 4 significant digits: the arithmetic holds to that precision,
    # so a formula printed with a wrong sign, factor or operand is off by far more.
    record, lines, counts = worked_trace(optimizer, loss, activations, l2)
    assert counts["reference DIFFERS"] == counts["numeric DIFFERS"] == 0
    wrong, checked = misprinted(lines, record)
    assert not wrong, wrong
    # z of 5 neurons, the loss (and p), dW of 5 neurons, and for each of 5 neurons 2 + 1
    # parameters (each one line of one or two equalities; Adam's and RMSProp's two lines)
    steps = 2 if optimizer in ("rmsprop", "adam") else 1
    assert checked >= 5 + 1 + 5 + 15 * steps + (5 if optimizer == "adam" else 0) + \
        (1 if loss != "half_mse" else 0) + (1 if l2 else 0), checked
    update = [line for line in lines if re.match(r"    (w\[|b:|lr_t)|          (w\[|b =)", line)]
    assert len(update) == (2 * 3 + 3 * 2 + 3 + 2) * steps + (5 if optimizer == "adam" else 0)
    assert all(line.endswith("[ref ok]") for line in update)
    text = "\n".join(lines)
    if optimizer in ("momentum", "nesterov"):   # the velocity's arithmetic, from the one held
        assert "v = 0.8 * 0.05 - 0.3 * " in text
    if optimizer in ("rmsprop", "adam"):        # the mean square's, from the one held
        assert re.search(r"s = 0.99+ \* 0.02 \+ \(1 - 0.99+\) \* ", text)
    if optimizer == "adam":                     # the bias correction of step 5
        assert "0.3 * sqrt(1 - 0.999^5) / (1 - 0.9^5) = " in text
    if l2:                                      # the penalty in the loss and in every dW
        assert text.count(" + 0.3 / 1 * [") == 5 and "0.3 / (2*1) * " in text


def _break(pattern, replacement, count=1):
    """Lines with the first match of ``pattern`` in each (or every match, count 0) replaced."""
    def broken(lines):
        changed = [re.sub(pattern, replacement, line, count=count) for line in lines]
        assert changed != lines, pattern
        return changed
    return broken


# Lines printed wrong on purpose, each as a learner might: the checker must find them.
BROKEN = {
    "adam's mean square of g, not g^2": ("adam", "cross_entropy", _break(r"\^2 = ", " = ")),
    "adam's rate without its sqrt": ("adam", "cross_entropy", _break(r"sqrt\((1 - 0.999)",
                                                                     r"(\1")),
    "adam's first moment without 1 - beta1": ("adam", "half_mse",
                                              _break(r"\(1 - 0.9\) \* ", "")),
    "rmsprop's step without the root": ("rmsprop", "cross_entropy",
                                        _break(r"sqrt\(([-0-9.e]+)\)", r"(\1)")),
    "the sigmoid's minus sign lost": ("sgd", "binary_cross_entropy",
                                      _break(r"exp\(-([0-9])", r"exp(\1")),
    "binary cross-entropy's a t with a plus": ("sgd", "binary_cross_entropy",
                                               _break(r"(max\([-0-9.e]+, 0\)) - ", r"\1 + ", 0)),
    "the penalty's share over 2n": ("sgd", "half_mse", _break(r" \+ 0.3 / 1 \* ",
                                                              " + 0.3 / 2 * ")),
    "the penalty in the loss without its 1/2": ("sgd", "cross_entropy",
                                                _break(r"0.3 / \(2\*1\)", "0.3 / 1")),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_a_line_printed_wrong_is_caught(name):
    optimizer, loss, broken = BROKEN[name]
    activations = dict(LOSSES)[loss]
    record, lines, _ = worked_trace(optimizer, loss, activations, l2=0.3)
    assert not misprinted(lines, record)[0]
    wrong, _ = misprinted(broken(lines), record)
    assert wrong, name


def test_the_trace_prints_the_probabilities_the_target_and_the_loss(capsys):
    assert main(["trace"]) == 0
    out = capsys.readouterr().out
    record, _, _ = trace_recipe()
    p = record.probabilities[0]
    assert np.allclose(p.sum(), 1.0) and record.T[0].argmax() == 0
    assert f"= [{p[0]:.4g}, {p[1]:.4g}]  [ref ok]" in out                    # p, checked
    assert f"target t = [{record.T[0][0]:.4g}, {record.T[0][1]:.4g}]" in out
    assert f"-(1*log({p[0]:.4g})) / 1 = {record.loss_value:.4g}  [ref ok]" in out
