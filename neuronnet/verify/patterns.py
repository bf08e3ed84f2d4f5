"""Known patterns in a wrong gradient: the numbers a classic bug gives, recomputed from the
reference's forward values on the smallest example and compared with the network's.

A pattern is named only when the network's own numbers fit it to the gradient tolerance:

- a constant factor, told apart by how it changes when the batch is stacked on itself: n times
  (a sum where the mean is wanted), 1/n (divided by n twice; for db alone, averaged where
  summed), 2 (the 1/2 of half-MSE dropped), -1 (a flipped sign);
- zero, a transpose (square layers), one sample's contribution only;
- the layer's delta made with another derivative: f'(a) where f'(z) is wanted, a derivative
  written in the wrong variable, none at all, or the softmax's Jacobian applied after the fused
  (p - y) of softmax cross-entropy.

Each returns ``(name, text)`` or None. The names are those of the pitfall catalogue and the
corpus (examples/corpus/).
"""
import numpy as np

from reference import MLP

from .checks.compare import close_enough
from .checks.tolerances import GRADIENT_TOL


def _close(mine, ref):
    return close_enough(mine, ref, *GRADIENT_TOL)


def _factor(mine, ref):
    """c with mine = c * ref in every array (least squares, then checked), or None."""
    top = sum(float(np.sum(m * r)) for m, r in zip(mine, ref))
    bottom = sum(float(np.sum(r * r)) for r in ref)
    if bottom == 0.0:
        return None
    c = top / bottom
    return c if all(_close(m, c * r) for m, r in zip(mine, ref)) else None


def _near(x, target):
    return abs(x - target) <= 1e-6 * max(1.0, abs(target))


def scale_pattern(make, case, mine, ref, every=False, only=None):
    """A pattern of the arrays ``mine[k]`` against ``ref[k]`` (all of them with ``every``, else
    only ``only``): a constant factor, zero, a transpose, or one sample only."""
    keys = range(len(ref)) if every else [only]
    m, r = [np.asarray(mine[k]) for k in keys], [np.asarray(ref[k]) for k in keys]
    what = "every dW and db" if every else ("dW" if only % 2 == 0 else "db") + f"_{only // 2}"
    if not every and not np.any(m[0]) and np.any(r[0]):
        return ("zero-gradient", f"{what} is 0 where the expected is not: nothing flows into "
                "it (a missing term, or an array that is never filled)")
    if not every and m[0].ndim == 2 and m[0].shape[0] == m[0].shape[1] and _close(m[0].T, r[0]):
        return ("dW-transposed", f"{what} is the transpose of the expected: delta and the "
                "layer's input are multiplied in the wrong order (dW = delta^T a_prev, shaped "
                "(fan_out, fan_in))")
    c = _factor(m, r)
    if c is None:
        return None if every else _one_sample(case, m[0], only, what)
    n = case.X.shape[0]
    doubled = case.replace(X=np.vstack([case.X, case.X]), Y=np.vstack([case.Y, case.Y]))
    again = case.build(make).gradient(doubled.X, doubled.Y)
    c2 = _factor([np.asarray(again[k]) for k in keys], r)
    if c2 is not None and _near(c2, 2 * c) and _near(c, n):
        return ("missing-1/n", f"{what} is n = {n} times the expected, and doubles when the "
                "batch is stacked on itself: the gradient of the sum over the batch, where the "
                "loss is the mean (a missing 1/n)")
    if c2 is not None and _near(c2, c / 2) and _near(c * n, 1.0):
        name = "db-mean-not-sum" if what.startswith("db") else "doubled-1/n"
        return (name, f"{what} is 1/n of the expected (n = {n}) and halves when the batch is "
                "stacked on itself: divided by n once too often"
                + (" (averaged over the batch where the mean loss already divided)"
                   if name == "db-mean-not-sum" else ""))
    if sum(int(np.count_nonzero(x)) for x in r) < 2:
        return None   # one number is a multiple of any other: no evidence of a constant
    if c2 is not None and _near(c2, c):
        for factor, name, text in ((2.0, "half-mse-factor-2", "twice the expected: the 1/2 "
                                    "of half-MSE was dropped from the derivative (or added "
                                    "twice to the loss)"),
                                   (0.5, "half-of-expected", "half the expected: a factor 1/2 "
                                    "too many"),
                                   (-1.0, "sign-flipped", "the expected with its sign flipped "
                                    "(a - y where y - a is wanted, or the reverse)")):
            if _near(c, factor):
                return name, f"{what} is {text}"
        return ("constant-factor", f"{what} is {c:.6g} times the expected, whatever the batch")
    return None


def _one_sample(case, m, k, what):
    """Only one sample's contribution (alone, or divided by n) reached the array."""
    n = case.X.shape[0]
    if n < 2:
        return None
    for i in range(n):
        alone = reference_of(case.replace(X=case.X[i:i + 1], Y=case.Y[i:i + 1])).gradient(
            case.X[i:i + 1], case.Y[i:i + 1])[k]
        if _close(m, alone) or _close(m, alone / n):
            return ("db-one-sample" if what.startswith("db") else "one-sample",
                    f"{what} holds sample {i}'s contribution only, of the {n} in the batch: "
                    "the sum over the samples is missing, or a `=` stands where `+=` adds "
                    "each use of a value up")
    return None


def penalty_pattern(case, mine, ref):
    """Does the gradient differ from the expected by the L2 penalty's share, (l2 / n) W, put
    where it does not belong (on the biases) or left out (of the weights)? Every other array
    must agree."""
    share = case.reference_l2() / case.X.shape[0]
    if not share:
        return None
    params = case.params()
    W_right = all(_close(m, r) for m, r in zip(mine[0::2], ref[0::2]))
    b_right = all(_close(m, r) for m, r in zip(mine[1::2], ref[1::2]))
    if W_right and not b_right and all(_close(m, r + share * b) for m, r, b in
                                       zip(mine[1::2], ref[1::2], params[1::2])):
        return ("l2-on-bias", "every db is the expected plus the penalty's share, (l2 / n) b: "
                "the penalty's gradient was added to the biases, whose loss term has none "
                "(the penalty sums the weights only)")
    if b_right and not W_right and all(_close(m, r - share * W) for m, r, W in
                                       zip(mine[0::2], ref[0::2], params[0::2])):
        return ("l2-missing-from-gradient", "every dW is the expected without the penalty's "
                "share, (l2 / n) W: the loss has the penalty, its gradient does not")
    return None


def reference_of(case):
    """The reference network with the case's parameters (the one oracle of the diagnosis)."""
    return MLP.from_arrays([np.array(W) for W in case.weights],
                           [np.array(b) for b in case.biases], list(case.activations), case.loss,
                           case.reference_l2())


def _sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))


ACTIVATION = {"identity": lambda z: z, "sigmoid": _sigmoid, "tanh": np.tanh,
              "relu": lambda z: np.maximum(z, 0.0)}
# f'(z) written as a function of z, and the wrong derivatives students write, as (z, a) -> value.
_DERIVATIVE = {"identity": lambda z: np.ones_like(z),
               "sigmoid": lambda z: _sigmoid(z) * (1.0 - _sigmoid(z)),
               "tanh": lambda z: 1.0 - np.tanh(z) ** 2,
               "relu": lambda z: (z > 0).astype(np.float64)}
_WRONG = {
    "sigmoid": [("derivative-of-a-not-z", "sigmoid'(a), the derivative taken at the output a "
                 "instead of at z", lambda z, a: _DERIVATIVE["sigmoid"](a)),
                ("wrong-activation-derivative", "z (1 - z), the derivative a (1 - a) written "
                 "with z for a", lambda z, a: z * (1.0 - z))],
    "tanh": [("derivative-of-a-not-z", "tanh'(a), the derivative taken at the output a "
              "instead of at z", lambda z, a: _DERIVATIVE["tanh"](a)),
             ("wrong-activation-derivative", "1 - a, where tanh' is 1 - a^2",
              lambda z, a: 1.0 - a),
             ("wrong-activation-derivative", "1 - z^2, the derivative 1 - a^2 written with z "
              "for a", lambda z, a: 1.0 - z ** 2)],
}
_NONE = ("missing-activation-derivative", "no f'(z) at all (the delta is the upstream "
         "gradient itself)", lambda z, a: np.ones_like(z))


def upstream_patterns(case, mine, index, parameter):
    """Does layer ``index``'s wrong dW/db come from a delta made with a known wrong
    derivative, or from the softmax's Jacobian applied twice? The layers above are right."""
    oracle = reference_of(case)
    oracle.gradient(case.X, case.Y)
    zs, deltas = oracle.pre_activations(), oracle.deltas()
    act = case.activations[index]
    z = zs[index]
    a = ACTIVATION[act](z)
    a_prev = case.X if index == 0 else ACTIVATION[case.activations[index - 1]](zs[index - 1])
    n = case.X.shape[0]
    last = index == len(case.weights) - 1
    if last:
        if case.loss == "cross_entropy":
            p = np.exp(a - a.max(axis=1, keepdims=True))
            p /= p.sum(axis=1, keepdims=True)
            upstream = (p - case.Y) / n
        elif case.loss == "binary_cross_entropy":
            upstream = (_sigmoid(a) - case.Y) / n
        else:
            upstream = (a - case.Y) / n
    else:
        upstream = deltas[index + 1] @ case.weights[index + 1]
    candidates = list(_WRONG.get(act, []))
    if act != "identity":
        candidates.append(_NONE)
    if last and case.loss == "cross_entropy":
        candidates.append(("softmax-jacobian-twice", "the softmax's Jacobian applied after "
                           "the fused (p - y) of softmax cross-entropy, which already is "
                           "dL/dz", None))
    if last and case.loss == "binary_cross_entropy":
        candidates.append(("sigmoid-slope-twice", "the sigmoid's slope p (1 - p) applied "
                           "after the fused (p - y) of binary cross-entropy, which already is "
                           "dL/dz", lambda z, a: _DERIVATIVE["sigmoid"](a)
                           * _DERIVATIVE[act](z)))
    penalty = case.reference_l2() / n   # the penalty's share of dW: (l2 / n) W
    for name, text, derivative in candidates:
        if derivative is None:
            G = upstream * _DERIVATIVE[act](z)
            delta = p * (G - np.sum(G * p, axis=1, keepdims=True))
        else:
            delta = upstream * derivative(z, a)
        dW, db = delta.T @ a_prev + penalty * case.weights[index], delta.sum(axis=0)
        fits = [_close(mine[2 * index], dW)] if "W" in parameter else []
        fits += [_close(mine[2 * index + 1], db)] if "b" in parameter else []
        if fits and all(fits):
            what = " and ".join(f"d{p}_{index}" for p in ("W", "b") if p in parameter)
            return name, f"{what} is exactly what {text} gives"
    return None
