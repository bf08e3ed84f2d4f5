"""The loss of a traced step, worked by hand: one entry of :data:`LOSSES` per loss function,
then the L2 penalty's term when the network has one.

Each entry takes the record and the sample k shown and gives (the loss's lines, the output's
dL/da line), numbers substituted:

- half_mse:  L = sum_k (a_k - t_k)^2 / (2n);  dL/da = (a - t) / n
- cross_entropy:  p = softmax(a) = exp(a) / sum exp(a);  L = -sum_k t_k log p_k / n;
  dL/da = (p - t) / n
- binary_cross_entropy:  p = sigmoid(a), written 1 / (1 + exp(-a)) for a >= 0 and
  exp(a) / (1 + exp(a)) for a < 0 (the form losses.py computes: no exp overflows);
  L = sum_k [max(a_k, 0) - a_k t_k + log(1 + exp(-|a_k|))] / n, which is
  -sum_k [t_k log p_k + (1 - t_k) log(1 - p_k)] / n written from the logit (losses.py);
  dL/da = (p - t) / n

With an L2 penalty of strength l2 the lines above give L_data, and one more line adds the
penalty: L = L_data + l2 / (2n) * sum ||w||^2, the sum over every weight (biases have none).
"""
import math

from .trace_format import SHOWN_TERMS, difference, mark, number, signed, vector


def _cross_entropy(record, k):
    """p = softmax(a), L = -sum t log p / n and dL/da = (p - t) / n, numbers substituted."""
    a, t, p, n = record.output[k], record.T[k], record.probabilities[k], len(record.X)
    shift = float(max(a)) if max(abs(a)) > 50 else 0.0   # exp(a) itself would overflow
    e = [math.exp(v - shift) for v in a]
    exps = "exp(a)" if shift == 0.0 else f"exp(a - {number(shift)})"
    lines = [f"  p = softmax(a) = {exps} / sum {exps} = {vector(e)} / {number(sum(e))} = "
             f"{vector(p)}{mark(record.checks, 'p')}"]
    name, value, check = _data_loss(record)
    terms = [f"{number(tk)}*log({number(pk)})" for tk, pk in zip(t, p) if tk != 0]
    if n == 1:
        lines.append(f"  {name} = -sum_k t_k log p_k / n = -({' + '.join(terms)}) / 1 = "
                     f"{number(value)}{mark(record.checks, check)}")
    else:
        lines.append(f"  {name} = -sum t log p / n over the {n} samples = {number(value)}"
                     f"{mark(record.checks, check)}")
    return lines, _p_minus_t(record, k)


def _binary_cross_entropy(record, k):
    """p = sigmoid(a), L from the logits and dL/da = (p - t) / n, numbers substituted."""
    a, t, p, n = record.output[k], record.T[k], record.probabilities[k], len(record.X)
    more = ", ..." if len(a) > SHOWN_TERMS else ""
    sigmoids = ", ".join(f"1 / (1 + exp(-{signed(v)}))" if v >= 0 else
                         f"exp({number(v)}) / (1 + exp({number(v)}))" for v in a[:SHOWN_TERMS])
    lines = [f"  p = sigmoid(a) = 1 / (1 + exp(-a)), exp(a) / (1 + exp(a)) for a < 0, = "
             f"[{sigmoids}{more}] = {vector(p)}{mark(record.checks, 'p')}"]
    name, value, check = _data_loss(record)
    if n == 1:
        terms = " + ".join(f"max({number(v)}, 0) - {signed(v)}*{signed(tk)} + "
                           f"log(1 + exp(-{number(abs(v))}))"
                           for v, tk in list(zip(a, t))[:SHOWN_TERMS])
        lines.append(f"  {name} = sum_k [max(a_k, 0) - a_k t_k + log(1 + exp(-|a_k|))] / n, "
                     f"-[t log p + (1 - t) log(1 - p)] from the logit, = "
                     f"({terms}{' + ...' if more else ''}) / 1 = {number(value)}"
                     f"{mark(record.checks, check)}")
    else:
        lines.append(f"  {name} = -sum [t log p + (1 - t) log(1 - p)] / n over the {n} samples "
                     f"= {number(value)}{mark(record.checks, check)}")
    return lines, _p_minus_t(record, k)


def _half_mse(record, k):
    """L = sum (a - t)^2 / (2n) and dL/da = (a - t) / n, numbers substituted."""
    a, t, n = record.output[k], record.T[k], len(record.X)
    name, value, check = _data_loss(record)
    if n == 1:
        squares = " + ".join(f"{difference((u, v))}^2" for u, v in list(zip(a, t))[:SHOWN_TERMS])
        more = " + ..." if len(a) > SHOWN_TERMS else ""
        lines = [f"  {name} = sum_k (a_k - t_k)^2 / (2n) = ({squares}{more}) / 2 = "
                 f"{number(value)}{mark(record.checks, check)}"]
    else:
        lines = [f"  {name} = sum (a - t)^2 / (2n) over the {n} samples = {number(value)}"
                 f"{mark(record.checks, check)}"]
    gradient = (f"dL/da = (a - t) / n = {vector(zip(a, t), difference)} / {n} = "
                f"{vector(record.loss_gradient[k])}")
    return lines, gradient


def _p_minus_t(record, k):
    p, t, n = record.probabilities[k], record.T[k], len(record.X)
    return (f"dL/da = (p - t) / n = {vector(zip(p, t), difference)} / {n} = "
            f"{vector(record.loss_gradient[k])}")


def _data_loss(record):
    """(what the loss function's line is called, its value, the check that marks it): L and
    the loss without a penalty, else L_data, the mean before the penalty is added."""
    if record.l2:
        return "L_data", record.data_loss, "data loss"
    return "L", record.loss_value, "loss"


# name -> how its loss and the output's dL/da are worked out. Those with a p need the record's
# probabilities.
LOSSES = {"cross_entropy": _cross_entropy, "half_mse": _half_mse,
          "binary_cross_entropy": _binary_cross_entropy}
NEED_PROBABILITIES = ("cross_entropy", "binary_cross_entropy")


def loss_lines(record, k):
    """(the loss's lines, the output's dL/da line); a loss missing from LOSSES: its value."""
    work = LOSSES.get(record.loss)
    if work is None or (record.loss in NEED_PROBABILITIES and record.probabilities is None):
        return ([f"  loss ({record.loss}) = {number(record.loss_value)}"
                 f"{mark(record.checks, 'loss')}"],
                f"dL/da = {vector(record.loss_gradient[k])}")
    lines, gradient = work(record, k)
    if record.l2:
        n = len(record.X)
        lines.append(f"  L = L_data + l2 / (2n) * sum ||w||^2 = {number(record.data_loss)} + "
                     f"{number(record.l2)} / (2*{n}) * {number(record.weight_squares)} = "
                     f"{number(record.loss_value)}{mark(record.checks, 'loss')}")
    return lines, gradient
