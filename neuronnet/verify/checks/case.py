"""A case: one network and one batch, the unit most properties draw, with the strength of its
L2 penalty and the keyword that names it.

The keyword says which loss the penalty adds (the network's ``build`` declares one of them,
contract.py), W_l every weight matrix, n the batch's rows:

    l2, lambd:  l2 / (2n) * sum_l ||W_l||^2     dW_l += (l2 / n) W_l    scikit-learn's alpha,
                                                                       deeplearning.ai's lambd
    reg:        reg / 2 * sum_l ||W_l||^2       dW_l += reg W_l         CS231n's reg

Biases are never penalised. The oracle (reference.MLP) takes the first form: for ``reg`` its
l2 is reg * n, computed for the batch at hand (:meth:`Case.reference_l2`).
"""
from dataclasses import dataclass, field

import numpy as np

from .compare import fmt

# The keywords a build may take its penalty by, and the loss each adds.
PENALTY_FORMS = {"l2": "l2 / (2n) * sum ||W||^2", "lambd": "lambd / (2n) * sum ||W||^2",
                 "reg": "reg / 2 * sum ||W||^2"}


@dataclass
class Case:
    weights: list
    biases: list
    activations: list
    loss: str
    X: np.ndarray
    Y: np.ndarray
    note: str = field(default="")
    l2: float = 0.0          # the penalty's strength, as the network is handed it (0: none)
    penalty: str = "l2"      # the keyword it is handed by (PENALTY_FORMS)

    def reference_l2(self, n=None):
        """The oracle's l2 (the loss adds l2 / (2n) sum ||W||^2) for a batch of ``n`` rows
        (default: this case's X)."""
        n = self.X.shape[0] if n is None else n
        return self.l2 * n if self.penalty == "reg" else self.l2

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
        """A model from ``make`` with copies of this case's parameters (and, with a penalty,
        ``make(..., l2=strength)``: the factory hands it on under its keyword)."""
        penalty = {"l2": self.l2} if self.l2 else {}
        return make([np.array(W, dtype=np.float64) for W in self.weights],
                    [np.array(b, dtype=np.float64) for b in self.biases],
                    list(self.activations if activations is None else activations),
                    self.loss if loss is None else loss, **penalty)

    def replace(self, **changes):
        values = dict(weights=self.weights, biases=self.biases, activations=self.activations,
                      loss=self.loss, X=self.X, Y=self.Y, note=self.note, l2=self.l2,
                      penalty=self.penalty)
        values.update(changes)
        return type(self)(**values)

    def describe(self):
        lines = [f"  architecture {self.sizes}, activations {list(self.activations)}, "
                 f"loss {self.loss!r}, batch of {self.X.shape[0]}"]
        if self.l2:
            lines.append(f"  L2 penalty {self.penalty} = {self.l2!r}: the loss adds "
                         f"{PENALTY_FORMS[self.penalty]}")
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
