"""A case: one network and one batch, the unit most properties draw."""
from dataclasses import dataclass, field

import numpy as np

from .compare import fmt


@dataclass
class Case:
    weights: list
    biases: list
    activations: list
    loss: str
    X: np.ndarray
    Y: np.ndarray
    note: str = field(default="")

    @property
    def sizes(self):
        return [self.weights[0].shape[1]] + [W.shape[0] for W in self.weights]

    def params(self):
        """Fresh copies, [W_0, b_0, ...]."""
        out = []
        for W, b in zip(self.weights, self.biases):
            out += [np.array(W, dtype=np.float64), np.array(b, dtype=np.float64)]
        return out

    def build(self, make, loss=None, activations=None):
        """A model from ``make`` with copies of this case's parameters."""
        return make([np.array(W, dtype=np.float64) for W in self.weights],
                    [np.array(b, dtype=np.float64) for b in self.biases],
                    list(self.activations if activations is None else activations),
                    self.loss if loss is None else loss)

    def replace(self, **changes):
        values = dict(weights=self.weights, biases=self.biases, activations=self.activations,
                      loss=self.loss, X=self.X, Y=self.Y, note=self.note)
        values.update(changes)
        return Case(**values)

    def describe(self):
        lines = [f"  architecture {self.sizes}, activations {list(self.activations)}, "
                 f"loss {self.loss!r}, batch of {self.X.shape[0]}"]
        if self.note:
            lines.append(f"  {self.note}")
        if self.X.size <= 64:
            lines.append(f"  X =\n    {fmt(self.X)}")
            lines.append(f"  Y =\n    {fmt(self.Y)}")
        else:
            lines.append(f"  X: shape {self.X.shape}, |X| <= {np.max(np.abs(self.X)):.3g}")
        n_params = sum(W.size + b.size for W, b in zip(self.weights, self.biases))
        if n_params <= 64:
            for l, (W, b) in enumerate(zip(self.weights, self.biases)):
                lines.append(f"  W_{l} =\n    {fmt(W)}\n  b_{l} = {fmt(b)}")
        return "\n".join(lines)


def flat(arrays):
    return np.concatenate([np.ravel(a) for a in arrays]) if arrays else np.zeros(0)
