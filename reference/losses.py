"""Losses, always the mean over the batch, with the softmax fused into cross-entropy.

forward(a, T) -> float takes the network's output a (n, k) and targets T (n, k);
backward() -> dL/da (n, k) of the mean loss, so it carries the 1/n (pitfall summed-loss: a sum
makes the learning rate silently depend on the batch size).
"""
import numpy as np

from . import validation as check


class HalfMSE:
    """L = sum((a - T)^2) / (2n); dL/da = (a - T) / n. The 1/2 cancels the square's 2."""

    def forward(self, a, T):
        self.diff, self.n = a - T, a.shape[0]
        return float(np.sum(self.diff ** 2) / (2 * self.n))

    def backward(self):
        return self.diff / self.n


def softmax(a):
    """Row-wise softmax of logits a (n, k); rows sum to 1 and a + c gives the same rows."""
    # Hazard, overflow: exp(1000) is inf and inf/inf is nan (pitfall softmax-overflow).
    # Subtracting the row max changes nothing mathematically and caps every exp at exp(0) = 1.
    e = np.exp(a - a.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def log_softmax(a):
    """Row-wise log softmax by log-sum-exp: a - max - log(sum(exp(a - max)))."""
    shifted = a - a.max(axis=1, keepdims=True)
    # Hazard, log(0): log(softmax(a)) is -inf once a probability underflows to 0 (pitfall
    # log-of-zero). Here the sum is >= 1 (the max entry contributes exp(0)), so its log is
    # finite, and the result is finite for any finite logits.
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


class SoftmaxCrossEntropy:
    """p = softmax(a); L = -sum(T * log p) / n; dL/da = (p - T) / n.

    Fused because the chain softmax' x (-T/p) collapses to p - T, and because log p is then
    taken as log_softmax, never as log of a rounded p. a are logits: the network's last
    activation should be identity. Rows of T: one-hot, or any probability distribution.
    """

    def forward(self, a, T):
        # Rows that are not distributions: the gradient of -sum(T log p) is p sum(T) - T there.
        check.distribution_rows("Y", T)
        self.p, self.T, self.n = softmax(a), T, a.shape[0]
        return float(-np.sum(T * log_softmax(a)) / self.n)

    def backward(self):
        # Pitfall ce-gradient-on-logits: the gradient is p - T, not a - T.
        return (self.p - self.T) / self.n


LOSSES = {"half_mse": HalfMSE, "cross_entropy": SoftmaxCrossEntropy}


def loss_layer(name):
    """A new loss layer from its name."""
    if not isinstance(name, str) or name not in LOSSES:
        raise ValueError(f"loss: got {name!r}; expected one of {sorted(LOSSES)}")
    return LOSSES[name]()
