"""Losses, always the *mean* over the batch, with their gradient with respect to the network's
output ``a`` (shape ``(n, k)``: n samples, k outputs).

Why the mean: with a summed loss (pitfall ``summed-loss``) the gradient grows with the batch
size, so the learning rate silently means something different for every batch size.
"""
import numpy as np


class Loss:
    name = "loss"

    def value(self, a, t):
        """The mean loss over the batch, a Python float."""
        raise NotImplementedError

    def gradient(self, a, t):
        """dL/da, shape (n, k): already divided by n, so a neuron's delta is per-batch-mean."""
        raise NotImplementedError

    def check_targets(self, t):
        """``t`` if ``gradient`` is the gradient of ``value`` for it; else a ValueError naming Y.
        Any finite targets do, unless a loss says otherwise."""
        return t

    def __repr__(self):
        return f"{type(self).__name__}()"


class HalfMSE(Loss):
    """L = 1/(2n) * sum_i ||a_i - t_i||^2;  dL/da = (a - t) / n.

    The 1/2 cancels the 2 of the square's derivative, so the gradient is just the error.
    """

    name = "half_mse"

    def value(self, a, t):
        e = a - t
        return float(np.sum(e * e)) / (2.0 * a.shape[0])

    def gradient(self, a, t):
        return (a - t) / a.shape[0]


class CrossEntropy(Loss):
    """Softmax and cross-entropy fused; ``a`` are the logits (use an identity output layer).

        p = softmax(a)                     row-wise
        L = -1/n * sum_i sum_k t_ik log p_ik
        dL/da = (p - t) / n                the softmax's Jacobian and the log's 1/p cancel

    Computing the two together is both cheaper and stabler than chaining a softmax layer's
    Jacobian with the log's gradient, which divides by p and blows up when p underflows.
    """

    name = "cross_entropy"

    @staticmethod
    def log_softmax(a):
        # Hazard (pitfall softmax-overflow): exp(a) overflows to inf for a > 709, and inf/inf is
        # nan. Subtracting the row max first changes nothing mathematically (softmax is
        # shift-invariant) and makes the largest exponent exp(0) = 1.
        # FIX: softmax-overflow
        shifted = a - a.max(axis=1, keepdims=True)
        # Hazard (pitfall log-of-zero): log(softmax(a)) is log(0) = -inf once a probability
        # underflows. log-sum-exp gives log p directly: shifted - log(sum(exp(shifted))), where
        # the sum is >= 1, so its log is finite.
        # FIX: log-of-zero
        return shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))

    def softmax(self, a):
        return np.exp(self.log_softmax(a))

    def value(self, a, t):
        return float(-np.sum(t * self.log_softmax(a))) / a.shape[0]

    def gradient(self, a, t):
        return (self.softmax(a) - t) / a.shape[0]

    # How far a target row's sum may be from 1: rounding, as in a row of k softened labels.
    ROW_SUM_TOL = 1e-9

    def check_targets(self, t):
        # d/da of -sum_k t_k log p_k is p sum_k t_k - t: it is p - t only where the row sums to
        # 1. Other rows would train on a gradient of no loss at all, so they are refused.
        sums = t.sum(axis=1)
        bad = np.flatnonzero((np.abs(sums - 1.0) > self.ROW_SUM_TOL) | (t < 0).any(axis=1))
        if bad.size:
            row = np.array2string(t[bad[0]], threshold=8, precision=6)
            raise ValueError(f"Y: row {bad[0]} is {row} (sum {sums[bad[0]]:.12g}); expected, for "
                             "cross_entropy, every row a probability distribution: entries >= 0 "
                             "summing to 1 (a one-hot row for a class label)")
        return t


class BinaryCrossEntropy(Loss):
    """A sigmoid and binary cross-entropy fused, one independent yes/no per output; ``a`` are
    the logits (use an identity output layer) and the targets are 0/1 (or probabilities)::

        p = sigmoid(a)                     entry-wise
        L = -1/n * sum_i sum_k [t log p + (1 - t) log(1 - p)]
          =  1/n * sum_i sum_k [max(a, 0) - a t + log(1 + e^-|a|)]
        dL/da = (p - t) / n                the sigmoid's slope p (1 - p) and the log's 1/p cancel

    The second form is the first rewritten with log p = -log(1 + e^-a) and log(1 - p) =
    -a - log(1 + e^-a): it is computed from the logit, never from a rounded p, so it stays
    finite and keeps its digits where p rounds to 0 or 1 (pitfall ``bce-of-rounded-sigmoid``:
    log(sigmoid(a)) is log(0) = -inf from a = -746 on, and log(1 - sigmoid(a)) from a = 37).
    With one output this is the logistic output of scikit-learn's binary MLPClassifier.
    """

    name = "binary_cross_entropy"

    @staticmethod
    def sigmoid(a):
        # e = e^-|a| in (0, 1]: no overflow on either tail, every digit kept (activations.py).
        e = np.exp(-np.abs(a))
        return np.where(a >= 0, 1.0 / (1.0 + e), e / (1.0 + e))

    def value(self, a, t):
        # FIX: bce-of-rounded-sigmoid
        per_entry = np.maximum(a, 0.0) - a * t + np.log1p(np.exp(-np.abs(a)))
        return float(np.sum(per_entry)) / a.shape[0]

    def gradient(self, a, t):
        return (self.sigmoid(a) - t) / a.shape[0]

    def check_targets(self, t):
        # Outside [0, 1] the expression above is no longer a cross-entropy (it goes negative
        # and has no minimum), so such targets are refused.
        bad = np.argwhere((t < 0) | (t > 1))
        if bad.size:
            row, column = bad[0]
            raise ValueError(f"Y: entry [{row}, {column}] is {t[row, column]!r}; expected, for "
                             "binary_cross_entropy, every target in [0, 1] (0 or 1 for a "
                             "class label)")
        return t


LOSSES = {cls.name: cls for cls in (HalfMSE, CrossEntropy, BinaryCrossEntropy)}


def get_loss(spec):
    """A :class:`Loss` from a name (``"half_mse"``, ``"cross_entropy"``,
    ``"binary_cross_entropy"``) or a Loss instance."""
    if isinstance(spec, Loss):
        return spec
    if isinstance(spec, str) and spec in LOSSES:
        return LOSSES[spec]()
    raise ValueError(f"loss: got {spec!r}; expected one of {sorted(LOSSES)} or a Loss instance")
