"""The "start here" of a failing report: :class:`Diagnosis`, the record of where to start
reading (the failure most likely to lead to the bug, the layer and the parameter where the
network first went wrong, a known pattern when the numbers fit one), and the small helpers the
studies share (start.py ranks the failures, studies.py looks at each kind).
"""
from dataclasses import dataclass, field

import numpy as np

from .checks import fmt
from .checks.compare import close_enough
from .checks.tolerances import GRADIENT_TOL


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
    return close_enough(mine, ref, *GRADIENT_TOL)


def _generic(case, n=3):
    """The case's architecture (and penalty) with seeded, irregular weights and a batch of
    ``n``."""
    rng = np.random.default_rng(20261206)
    sizes = case.sizes
    weights = [rng.uniform(-1.5, 1.5, (fo, fi)) for fi, fo in zip(sizes, sizes[1:])]
    biases = [rng.uniform(-1.5, 1.5, fo) for fo in sizes[1:]]
    X = rng.uniform(-2, 2, (n, sizes[0]))
    if case.loss == "half_mse":
        Y = rng.uniform(-1, 1, (n, sizes[-1]))
    elif case.loss == "binary_cross_entropy":
        Y = rng.integers(0, 2, (n, sizes[-1])).astype(np.float64)
    else:
        Y = np.eye(sizes[-1])[rng.integers(0, sizes[-1], n)]
    return case.replace(weights=weights, biases=biases, X=X, Y=Y, note="")


def _layer_words(layer, index, n_layers):
    if layer == "output":
        return f"the output layer (layer {index})"
    return f"hidden layer {index} (of layers 0-{n_layers - 1})"
