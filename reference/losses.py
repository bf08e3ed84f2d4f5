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


def log_sigmoid(a):
    """log(1 / (1 + exp(-a))) = -log(exp(0) + exp(-a)), by numpy's logaddexp, which factors out
    the larger exponent: finite for every finite a, where log of a rounded sigmoid is log(0) =
    -inf once the sigmoid underflows (a < -745) or, for log(1 - p), rounds to 1 (a > 36)."""
    return -np.logaddexp(0.0, -a)


class SigmoidCrossEntropy:
    """p = sigmoid(a) entry-wise; L = -sum(T log p + (1 - T) log(1 - p)) / n;
    dL/da = (p - T) / n. Fused, so that log p is log_sigmoid(a) and log(1 - p) is
    log_sigmoid(-a): both from the logits, never from a rounded p. Each output is its own yes/no;
    T holds 0/1 labels or probabilities."""

    def forward(self, a, T):
        if np.any((T < 0) | (T > 1)):
            check.fail("Y", "a target outside [0, 1]",
                       "every target in [0, 1] for binary_cross_entropy")
        self.a, self.T, self.n = a, T, a.shape[0]
        return float(-np.sum(T * log_sigmoid(a) + (1 - T) * log_sigmoid(-a)) / self.n)

    def backward(self):
        return (np.exp(log_sigmoid(self.a)) - self.T) / self.n


LOSSES = {"half_mse": HalfMSE, "cross_entropy": SoftmaxCrossEntropy,
          "binary_cross_entropy": SigmoidCrossEntropy}


def loss_layer(name):
    """A new loss layer from its name."""
    if not isinstance(name, str) or name not in LOSSES:
        raise ValueError(f"loss: got {name!r}; expected one of {sorted(LOSSES)}")
    return LOSSES[name]()
