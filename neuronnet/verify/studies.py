"""How the checker looks at one failure to say where to start: the gradient at the first
layer, from the output down, that differs (and, when the network raised, the same pattern
with square layers, where shape bugs run); the forward pass and the loss; an array written in
place; a second call that differs; a step that moves a parameter wrong. Each returns a
:class:`~.diagnosis.Diagnosis`, or None when it cannot say more than the failure itself.
"""
from dataclasses import dataclass

import numpy as np

from .checks import PENALTY_FORMS, Mismatch, param_names
from .diagnosis import Diagnosis, _close, _generic, _layer_words, _numbers
from .patterns import ACTIVATION, penalty_pattern, reference_of, scale_pattern, upstream_patterns


def _study_gradient(result, make):
    """The first layer, from the output down, whose dW or db differs, and what its numbers
    look like against the reference's."""
    case = result.example["case"]
    mine = case.build(make).gradient(case.X, case.Y)
    ref = reference_of(case).gradient(case.X, case.Y)
    names = param_names(len(ref))
    wrong = [not _close(m, r) for m, r in zip(mine, ref)]
    n_layers = len(case.weights)
    index = max(k // 2 for k, w in enumerate(wrong) if w)
    which = [p for p, k in (("W", 2 * index), ("b", 2 * index + 1)) if wrong[k]]
    parameter = " and ".join(which)
    layer = "output" if index == n_layers - 1 else "hidden"
    pattern = None
    if all(wrong):
        pattern = scale_pattern(make, case, mine, ref, every=True)
        if pattern:
            layer = "every"
    elif n_layers > 1 and all(w or not np.any(r) for w, r in zip(wrong, ref)):
        # Every array that can show a difference here shows one; the others are 0 on this
        # shrunk example (a dead unit, a zero input) and say nothing. A generic example of
        # the same architecture says whether every layer is wrong alike.
        other = _generic(case)
        mine_other = other.build(make).gradient(other.X, other.Y)
        ref_other = reference_of(other).gradient(other.X, other.Y)
        if not any(_close(m, r) for m, r in zip(mine_other, ref_other)):
            pattern = scale_pattern(make, other, mine_other, ref_other, every=True)
            if pattern:   # its numbers are the other batch's: say so, not to be read as this one's
                layer = "every"
                pattern = (pattern[0], f"on a batch of {other.X.shape[0]} rows of the same "
                           f"network, {pattern[1]}")
    by_penalty = _confirmed_penalty_pattern(make, case, mine, ref)
    if by_penalty:
        return _penalty_diagnosis(result.name, by_penalty, mine, ref, names)
    k = 2 * index + (0 if which[0] == "W" else 1)

    def fit(on, mine_on, ref_on):
        if layer == "every":
            return scale_pattern(make, on, mine_on, ref_on, every=True)
        if not np.any(mine_on[k]):   # nothing flowed in: a zero times any wrong slope is 0
            return scale_pattern(make, on, mine_on, ref_on, only=k)
        return (upstream_patterns(on, mine_on, index, parameter)
                or scale_pattern(make, on, mine_on, ref_on, only=k))
    if pattern is None:
        pattern = fit(case, mine, ref)
    if pattern is not None:
        # A shrunk example is full of zeros and ones, where two formulas can agree by chance:
        # the pattern must fit a generic example of the same architecture too.
        other = _generic(case)
        again = fit(other, other.build(make).gradient(other.X, other.Y),
                    reference_of(other).gradient(other.X, other.Y))
        pattern = pattern if again is not None and again[0] == pattern[0] else None
    if pattern is None and layer != "every" and "b" in parameter:
        pattern = _delta_pattern(make, case, index, layer)
    d = "d" + " and d".join(which)
    above = "" if layer != "hidden" else "; every layer above it agrees"
    where = ("every layer alike" if layer == "every"
             else _layer_words(layer, index, n_layers) + above)
    headline = f"{d} of {where}" if layer != "every" else f"every dW and db, {where}"
    numbers = []
    for k in ((2 * index, 2 * index + 1) if layer != "every" else range(len(ref))):
        if wrong[k]:
            numbers += _numbers(f"d{names[k]}", mine[k], ref[k])
    diagnosis = Diagnosis(result.name, f"the gradient goes wrong first in {headline}",
                          layer, index if layer != "every" else None, parameter
                          if layer != "every" else "W and b", numbers[:6])
    if pattern:
        diagnosis.pattern, diagnosis.pattern_text = pattern
    return diagnosis


def _confirmed_penalty_pattern(make, case, mine, ref):
    """The L2 penalty's share misplaced (patterns.penalty_pattern), on the example and on a
    generic one of the same architecture and penalty; or None."""
    found = penalty_pattern(case, mine, ref)
    if found is None:
        return None
    other = _generic(case)
    again = penalty_pattern(other, other.build(make).gradient(other.X, other.Y),
                            reference_of(other).gradient(other.X, other.Y))
    return found if again is not None and again[0] == found[0] else None


def _penalty_diagnosis(name, pattern, mine, ref, names):
    """Every db (or every dW) differs by the penalty's share: the start is the penalty."""
    parameter = "b" if pattern[0] == "l2-on-bias" else "W"
    keys = range(1 if parameter == "b" else 0, len(ref), 2)
    numbers = [line for k in keys for line in _numbers(f"d{names[k]}", mine[k], ref[k])]
    diagnosis = Diagnosis(name, f"the gradient goes wrong in every d{parameter}, every layer "
                          "alike", "every", None, parameter, numbers[:6])
    diagnosis.pattern, diagnosis.pattern_text = pattern
    return diagnosis


def _delta_pattern(make, case, index, layer):
    """Both dW and db of the layer are wrong, but on one sample your dW is still your db times
    the layer's input (dW = delta a_prev^T): the product is right, the delta is not."""
    one = _generic(case, n=1)
    mine = one.build(make).gradient(one.X, one.Y)
    ref = reference_of(one).gradient(one.X, one.Y)
    dW, db = mine[2 * index], mine[2 * index + 1]
    if _close(db, ref[2 * index + 1]):
        return None
    if index == 0:
        a_prev = one.X
    else:
        oracle = reference_of(one)
        oracle.forward(one.X)
        a_prev = ACTIVATION[one.activations[index - 1]](oracle.pre_activations()[index - 1])
    if not _close(dW, np.outer(db, a_prev[0])):
        return None
    if layer == "output":
        return ("output-delta", "on one sample your dW is still your db times the layer's "
                "input, so the product is right and the delta is not: dL/dz of the output "
                "layer, the loss's derivative times the output activation's, is where "
                "backprop starts")
    return ("hidden-delta", f"on one sample your dW_{index} is still your db_{index} times the "
            "layer's input, so the product is right and the delta is not: the sum over the "
            "layer above (W^T delta) or this layer's f'(z)")


@dataclass
class _Found:
    """A failure of the gradient property on a case of the diagnosis's own choosing."""
    example: dict
    name: str = "gradient_equals_the_reference"


def _study_square(result, make, width=3):
    """The network raised. Many shape bugs (a transposed dW, swapped indices) raise only where
    a layer is not square: on the same pattern with every layer ``width`` wide, if the network
    runs there, its gradient is studied instead, and the headline says so."""
    case = result.example["case"]
    square = _generic(case.replace(weights=[np.zeros((width, width)) for _ in case.weights],
                                   biases=[np.zeros(width) for _ in case.biases]))
    diagnosis = _study_gradient(_Found({"case": square}), make)
    said = str(result.failure).strip().splitlines()[0]
    diagnosis.property = result.name
    diagnosis.headline = (f"{said}; on a network whose layers are all {width} wide it runs, "
                          f"and there {diagnosis.headline}")
    return diagnosis


def _study_forward(result, make):
    case = result.example["case"]
    model, oracle = case.build(make), reference_of(case)
    out, expected = model.forward(case.X), oracle.forward(case.X)
    if not _close(out, expected):
        return Diagnosis(result.name, "forward(X) differs: the forward pass is wrong, so "
                         "every gradient after it is judged on wrong values", "output",
                         len(case.weights) - 1, None, _numbers("forward(X)", out, expected))
    loss, ref = model.loss(case.X, case.Y), oracle.loss(case.X, case.Y)
    diagnosis = Diagnosis(result.name, "loss(X, Y) differs while forward(X) agrees: the loss "
                          "is computed wrong from the right outputs", "output",
                          len(case.weights) - 1, None, _numbers("loss(X, Y)", loss, ref))
    ratio = loss / ref if ref else None
    n = case.X.shape[0]
    share = case.reference_l2() / (2 * n) * sum(float(np.sum(W * W)) for W in case.weights)
    if share and _close(loss, ref - share):
        diagnosis.pattern = "l2-missing-from-loss"
        diagnosis.pattern_text = (f"the loss is the expected without the L2 penalty's "
                                  f"{PENALTY_FORMS[case.penalty]} = {share:.6g}: the gradient "
                                  "may carry it, the loss reported does not")
        return diagnosis
    for factor, name, text in ((n, "summed-loss", f"the loss is n = {n} times the expected: a "
                                "sum over the batch where the mean is wanted"),
                               (2.0, "half-mse-factor-2", "the loss is twice the expected: the "
                                "1/2 of half-MSE is missing")):
        if ratio is not None and n != 2 and abs(ratio - factor) <= 1e-6 * factor:
            diagnosis.pattern, diagnosis.pattern_text = name, text
    return diagnosis


def _study_handed_in(result, make):
    name = result.failure.name if isinstance(result.failure, Mismatch) else ""
    if name.startswith(("X", "Y")):
        return Diagnosis(result.name, f"{name[0]} was written in place: a call changed the "
                         "array it was handed", "input", None, name[0],
                         _numbers(name, result.failure.mine, result.failure.ref),
                         "input-written-in-place", "copy before changing an array you were "
                         "handed (x = x - m, not x -= m; np.maximum(z, 0) without out=)")
    return None


def _study_repeat(result, make):
    case = result.example["case"]
    model = case.build(make)
    first = model.gradient(case.X, case.Y)
    second = model.gradient(case.X, case.Y)
    wrong = [not _close(b, a) for a, b in zip(first, second)]
    if not any(wrong):
        return None
    twice = all(_close(b, 2 * a) for a, b in zip(first, second))
    every = all(w or not np.any(a) for a, w in zip(first, wrong))   # a zero array stays zero
    k = max(j for j, w in enumerate(wrong) if w)   # the first that differs, from the output
    n_layers = len(case.weights)
    layer = "every" if every else ("output" if k // 2 == n_layers - 1 else "hidden")
    diagnosis = Diagnosis(result.name, "a second gradient(X, Y) on the same batch differs from "
                          "the first" + (", in every dW and db" if every else
                                         f", first in d{'Wb'[k % 2]} of "
                                         + _layer_words(layer, k // 2, n_layers)),
                          layer, None if every else k // 2, "W and b" if every else "Wb"[k % 2])
    diagnosis.numbers = _numbers(f"second d{param_names(len(first))[k]}", second[k], first[k])
    if twice:
        diagnosis.pattern = "accumulates-across-calls"
        diagnosis.pattern_text = ("the second gradient is the first plus itself: the gradients "
                                  "add up across calls (set them to zero at the start of each "
                                  "backward pass)")
    return diagnosis


def _study_step(result, make):
    case, lr = result.example["case"], result.example["lr"]
    model = case.build(make)
    before = case.params()
    expected = [p - lr * g for p, g in zip(before, reference_of(case).gradient(case.X, case.Y))]
    model.train_step(case.X, case.Y, lr=lr)
    after = model.parameters()
    names = param_names(len(before))
    wrong = [k for k in range(len(before)) if not _close(after[k], expected[k])]
    if not wrong:
        stale = reference_of(case)
        if _close(model.forward(case.X), stale.forward(case.X)):
            return Diagnosis(result.name, "train_step's parameters() are right, but forward(X) "
                             "still computes with the old ones: the update does not reach the "
                             "arrays forward uses", "every", None, "W and b", [],
                             "update-not-in-place", "the step rebinds a name (params['W1'] = "
                             "W - lr * dW) where the layers hold the old array: update in "
                             "place (W -= lr * dW) or hand the layers the new arrays")
        return None
    still = [k for k in wrong if _close(after[k], before[k])]
    kinds = sorted({names[k][0] for k in wrong})
    n_layers = len(case.weights)
    index = max(k // 2 for k in wrong)
    layer = "every" if len({k // 2 for k in wrong}) == n_layers and n_layers > 1 else \
        ("output" if index == n_layers - 1 else "hidden")
    diagnosis = Diagnosis(result.name, "train_step moves "
                          + " and ".join(f"{p}" for p in kinds) + " wrong: "
                          + ("in every layer" if layer == "every"
                             else _layer_words(layer, index, n_layers)),
                          layer, None if layer == "every" else index, " and ".join(kinds),
                          _numbers(f"{names[wrong[0]]} after the step", after[wrong[0]],
                                   expected[wrong[0]]))
    if still and len(still) == len(wrong):
        diagnosis.pattern = "never-updated"
        diagnosis.pattern_text = (f"{', '.join(names[k] for k in still)} did not move at all: "
                                  "the update skips them")
    return diagnosis


STUDIES = {"gradient_equals_the_reference": _study_gradient,
            "forward_and_loss_equal_the_reference": _study_forward,
            "nothing_handed_in_is_changed": _study_handed_in,
            "results_are_repeatable": _study_repeat,
            "sgd_step_follows_the_gradient": _study_step}
