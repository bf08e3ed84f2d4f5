"""Where to start reading a failing report: the failure most likely to lead to the bug, the
layer and the parameter where the network first went wrong, and, when the numbers fit one, a
known pattern (patterns.py).

The failures of a report are ranked by how directly they point at a value: a wrong forward
pass or loss first (everything after it inherits it), then a wrong gradient (named at the
first layer, counting from the output, where it differs: backprop starts there), then an input
written in place, an answer that changes from call to call, a wrong update. The first failure
in that order is the start; the rest are listed under it as failing with it. A pattern is named
only when the network's own numbers on the smallest example fit it (patterns.py).
"""
import re
from dataclasses import dataclass, field

import numpy as np

from reference import MLP

from .checks import Mismatch, fmt, param_names
from .checks.tolerances import GRADIENT_TOL, judged
from .contract import ContractError
from .patterns import ACTIVATION, scale_pattern, upstream_patterns

START = ("forward_and_loss_equal_the_reference", "gradient_equals_the_reference",
         "nothing_handed_in_is_changed", "results_are_repeatable",
         "sgd_step_follows_the_gradient")


@dataclass
class Diagnosis:
    """The "start here" of a report. ``layer`` is "output", "hidden", "every" or "input" (or
    None when no layer can be named); ``parameter`` is "W", "b", "W and b", "X", "Y" or None."""
    property: str
    headline: str
    layer: str = None
    layer_index: int = None
    parameter: str = None
    numbers: list = field(default_factory=list)   # lines: yours against the expected
    pattern: str = None                           # a catalogue-style name
    pattern_text: str = None
    with_it: list = field(default_factory=list)   # the other failing properties

    def to_text(self):
        lines = [f"start here: {self.headline}"]
        lines += [f"  {line}" for line in self.numbers]
        if self.pattern:
            lines.append(f"  this looks like `{self.pattern}`: {self.pattern_text}")
        if self.with_it:
            lines.append(f"  failing with it ({len(self.with_it)}), most likely from the same "
                         f"bug: {', '.join(self.with_it)}")
        return "\n".join(lines)

    def to_dict(self):
        return {"property": self.property, "headline": self.headline, "layer": self.layer,
                "layer_index": self.layer_index, "parameter": self.parameter,
                "numbers": list(self.numbers), "pattern": self.pattern,
                "pattern_text": self.pattern_text, "with_it": list(self.with_it)}


def diagnose(results, make):
    """The :class:`Diagnosis` of a report's results, or None when nothing failed."""
    failed = [r for r in results if r.status == "FAILED"]
    if not failed:
        return None
    rank = {name: k for k, name in enumerate(START)}
    root = min(failed, key=lambda r: rank.get(r.name, len(START)))
    diagnosis = None
    if not isinstance(root.failure, ContractError) or isinstance(root.failure, Mismatch):
        study = _STUDIES.get(root.name)
        try:
            with np.errstate(all="ignore"):
                diagnosis = study(root, make) if study else None
        except Exception:  # noqa: BLE001 - a diagnosis that cannot be made is left out
            diagnosis = None
    if diagnosis is None and getattr(root.failure, "original", None) is not None \
            and "read-only" not in str(root.failure):
        try:
            with np.errstate(all="ignore"):
                diagnosis = _study_square(root, make)
        except Exception:  # noqa: BLE001 - it raises on square layers too
            diagnosis = None
    if diagnosis is None:
        diagnosis = _from_the_failure(root)
    diagnosis.with_it = [r.name for r in failed if r is not root]
    return diagnosis


def soft_targets_only(result, fn, make):
    """True when the failing example's cross-entropy targets are probability rows and the
    property ``fn`` holds on the same example with one-hot rows (the evidence for --one-hot)."""
    case = result.example["case"]
    Y = np.asarray(case.Y)
    if case.loss != "cross_entropy" or np.all(np.isin(Y, (0.0, 1.0))):
        return False
    hot = np.eye(Y.shape[1])[Y.argmax(axis=1)]
    try:
        with np.errstate(all="ignore"):
            fn(make, dict(result.example, case=case.replace(Y=hot)))
    except Exception:  # noqa: BLE001 - it failed (or was rejected) on one-hot rows too
        return False
    return True


def _from_the_failure(result):
    """What the failure itself says: the quantity that differed, or what the network did."""
    failure = result.failure
    n_layers = len(result.example["case"].weights)
    if isinstance(failure, Mismatch):
        layer, index, parameter = _place_in_name(failure.name, n_layers)
        return Diagnosis(result.name, f"{result.name}: {failure.name} differs", layer, index,
                         parameter, _numbers(failure.name, failure.mine, failure.ref))
    text = str(failure).strip()
    first = text.splitlines()[0] if text else type(failure).__name__
    layer, index, parameter = _place_in_name(first, n_layers)
    diagnosis = Diagnosis(result.name, f"{result.name}: {first}", layer, index, parameter)
    if "read-only" in first:   # the arrays handed over are read-only: a write raises
        in_update = first.startswith(("train_step", "set_parameters"))
        diagnosis.layer, diagnosis.parameter = ("every", "W and b") if in_update else ("input",
                                                                                        "X")
        diagnosis.pattern = "input-written-in-place"
        diagnosis.pattern_text = ("your code wrote into an array it was handed (the checker "
                                  "hands them over read-only); copy it before changing it")
    shapes = re.search(r"returned shape \(([\d, ]*)\); expected \(([\d, ]*)\)", first)
    if shapes and parameter:
        got, wanted = (tuple(int(x) for x in g.split(",") if x.strip())
                       for g in shapes.groups())
        if parameter == "W" and got == wanted[::-1]:
            diagnosis.pattern = "dW-transposed"
            diagnosis.pattern_text = ("dW has the transposed shape: delta and the layer's input "
                                      "are multiplied in the wrong order (dW = delta^T a_prev, "
                                      "shaped (fan_out, fan_in))")
        elif parameter == "b" and len(got) == 2 and got[1:] == wanted:
            diagnosis.pattern = "db-one-row-per-sample"
            diagnosis.pattern_text = ("db has one row per sample: the sum over the batch "
                                      "(axis 0) is missing")
    return diagnosis


def _place_in_name(name, n_layers):
    """(layer, index, parameter) read from a quantity's name such as "dW_1" or "b_0"."""
    for token in name.replace("(", " ").replace(")", " ").split():
        token = token.lstrip("d")
        if len(token) > 2 and token[0] in "Wb" and token[1] == "_" and token[2:].isdigit():
            index = int(token[2:])
            layer = None if n_layers is None else ("output" if index == n_layers - 1
                                                    else "hidden")
            return layer, index, token[0]
    return None, None, None


def _numbers(name, mine, ref):
    # Printed two spaces in (Diagnosis.to_text): each array's rows under its first one's.
    return [f"{name}: yours    {fmt(mine, prefix='  ' + name + ': yours    ')}",
            f"{' ' * len(name)}  expected {fmt(ref, prefix='  ' + name + ': expected ')}"]


def _close(mine, ref):
    rtol, atol_scale = judged(*GRADIENT_TOL)
    ref = np.asarray(ref, dtype=np.float64)
    s = max(1.0, float(np.max(np.abs(ref)))) if ref.size else 1.0
    mine = np.asarray(mine, dtype=np.float64)
    return mine.shape == ref.shape and bool(np.all(np.abs(mine - ref) <= atol_scale * s
                                                   + rtol * np.abs(ref)))


def _oracle(case):
    return MLP.from_arrays([np.array(W) for W in case.weights],
                           [np.array(b) for b in case.biases], list(case.activations), case.loss)


def _generic(case, n=3):
    """The case's architecture with seeded, irregular weights and a batch of ``n``."""
    rng = np.random.default_rng(20261206)
    sizes = case.sizes
    weights = [rng.uniform(-1.5, 1.5, (fo, fi)) for fi, fo in zip(sizes, sizes[1:])]
    biases = [rng.uniform(-1.5, 1.5, fo) for fo in sizes[1:]]
    X = rng.uniform(-2, 2, (n, sizes[0]))
    Y = (rng.uniform(-1, 1, (n, sizes[-1])) if case.loss == "half_mse"
         else np.eye(sizes[-1])[rng.integers(0, sizes[-1], n)])
    return case.replace(weights=weights, biases=biases, X=X, Y=Y, note="")


def _layer_words(layer, index, n_layers):
    if layer == "output":
        return f"the output layer (layer {index})"
    return f"hidden layer {index} (of layers 0-{n_layers - 1})"


def _study_gradient(result, make):
    """The first layer, from the output down, whose dW or db differs, and what its numbers
    look like against the reference's."""
    case = result.example["case"]
    mine = case.build(make).gradient(case.X, case.Y)
    ref = _oracle(case).gradient(case.X, case.Y)
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
    k = 2 * index + (0 if which[0] == "W" else 1)

    def fit(on, mine_on, ref_on):
        if layer == "every":
            return scale_pattern(make, on, mine_on, ref_on, every=True)
        return (upstream_patterns(on, mine_on, index, parameter)
                or scale_pattern(make, on, mine_on, ref_on, only=k))
    if pattern is None:
        pattern = fit(case, mine, ref)
    if pattern is not None:
        # A shrunk example is full of zeros and ones, where two formulas can agree by chance:
        # the pattern must fit a generic example of the same architecture too.
        other = _generic(case)
        again = fit(other, other.build(make).gradient(other.X, other.Y),
                    _oracle(other).gradient(other.X, other.Y))
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


def _delta_pattern(make, case, index, layer):
    """Both dW and db of the layer are wrong, but on one sample your dW is still your db times
    the layer's input (dW = delta a_prev^T): the product is right, the delta is not."""
    one = _generic(case, n=1)
    mine = one.build(make).gradient(one.X, one.Y)
    ref = _oracle(one).gradient(one.X, one.Y)
    dW, db = mine[2 * index], mine[2 * index + 1]
    if _close(db, ref[2 * index + 1]):
        return None
    if index == 0:
        a_prev = one.X
    else:
        oracle = _oracle(one)
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
    model, oracle = case.build(make), _oracle(case)
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
    expected = [p - lr * g for p, g in zip(before, _oracle(case).gradient(case.X, case.Y))]
    model.train_step(case.X, case.Y, lr=lr)
    after = model.parameters()
    names = param_names(len(before))
    wrong = [k for k in range(len(before)) if not _close(after[k], expected[k])]
    if not wrong:
        stale = _oracle(case)
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


_STUDIES = {"gradient_equals_the_reference": _study_gradient,
            "forward_and_loss_equal_the_reference": _study_forward,
            "nothing_handed_in_is_changed": _study_handed_in,
            "results_are_repeatable": _study_repeat,
            "sgd_step_follows_the_gradient": _study_step}
