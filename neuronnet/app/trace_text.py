"""The trace of one step as text: forward, backward and update, neuron by neuron, with the
numbers substituted into each formula, worked as by hand, and a mark beside each line.

Forward, per neuron: z = w . x + b term by term, then a = f(z). The loss: for cross-entropy the
softmax probabilities p = exp(a) / sum(exp(a)), then L = -sum_k t_k log p_k / n; for half-MSE
L = sum_k (a_k - t_k)^2 / (2n). Backward: dL/da of the output, delta = f'(z) * dL/da, and
dW = delta * x entry by entry. Update: the optimizer's arithmetic weight by weight
(``v = 0.9 * 0 - 0.1 * 0.44 = -0.044; w = 0.2 + (-0.044) = 0.156``), from :data:`UPDATES`, a
table keyed by the optimizer's name (one entry per optimizer).

Marks: ``[ref ok]`` agrees with the reference; ``[num ok]`` agrees with a central difference
of the loss; ``[kink: not comparable]`` a ReLU input crossed 0 within the difference's step, so
the loss has no derivative there to compare with; ``DIFFERS`` names a disagreement.
"""
import math

from ..trace import SHOWN_NEURONS
from ..trace import shown as _shown_or_gap

SHOWN_TERMS = 4      # per sum or vector: the first terms, then "..."

MARKS = {"reference ok": "ref ok", "reference DIFFERS": "ref DIFFERS", "numeric ok": "num ok",
         "numeric DIFFERS": "num DIFFERS", "kink": "kink: not comparable"}


def _v(x):
    return f"{float(x):.4g}"


def _signed(x):
    text = _v(x)
    return f"({text})" if text.startswith("-") else text


def _vector(values, write=_v):
    values = list(values)
    shown = ", ".join(write(v) for v in values[:SHOWN_TERMS])
    return f"[{shown}{', ...' if len(values) > SHOWN_TERMS else ''}]"


def _sum(terms):
    """'a*b + c*d + ...' with at most SHOWN_TERMS products written out."""
    text = " + ".join(f"{_signed(u)}*{_signed(v)}" for u, v in terms[:SHOWN_TERMS])
    return text + (f" + ... ({len(terms)} terms in all)" if len(terms) > SHOWN_TERMS else "")


def _mark(checks, *names, extra=()):
    marks = [MARKS[checks[name][0]] for name in names if name in checks]
    marks = list(dict.fromkeys(marks + list(extra)))   # each mark once
    return "  [" + "; ".join(marks) + "]" if marks else ""


def _numeric_marks(step):
    """One mark for the central differences of a neuron's weights (the worst of them)."""
    verdicts = [v[0] for k, v in step.checks.items() if k.startswith("numeric dW")]
    if not verdicts:
        return []
    worst = next((v for v in ("numeric DIFFERS", "kink") if v in verdicts), "numeric ok")
    return [MARKS[worst] + (f" ({len(verdicts)} checked)" if len(verdicts) > 1 else "")]


# --- the loss, worked by hand: one entry per loss --------------------------------------------
def _cross_entropy(record, k):
    """p = softmax(a), L = -sum t log p / n and dL/da = (p - t) / n, numbers substituted."""
    a, t, p, n = record.output[k], record.T[k], record.probabilities[k], len(record.X)
    shift = float(max(a)) if max(abs(a)) > 50 else 0.0   # exp(a) itself would overflow
    e = [math.exp(v - shift) for v in a]
    exps = "exp(a)" if shift == 0.0 else f"exp(a - {_v(shift)})"
    lines = [f"  p = softmax(a) = {exps} / sum {exps} = {_vector(e)} / {_v(sum(e))} = "
             f"{_vector(p)}{_mark(record.checks, 'p')}"]
    terms = [f"{_v(tk)}*log({_v(pk)})" for tk, pk in zip(t, p) if tk != 0]
    if n == 1:
        lines.append(f"  L = -sum_k t_k log p_k / n = -({' + '.join(terms)}) / 1 = "
                     f"{_v(record.loss_value)}{_mark(record.checks, 'loss')}")
    else:
        lines.append(f"  L = -sum t log p / n over the {n} samples = {_v(record.loss_value)}"
                     f"{_mark(record.checks, 'loss')}")
    gradient = (f"dL/da = (p - t) / n = {_vector(zip(p, t), _difference)} / {n} = "
                f"{_vector(record.loss_gradient[k])}")
    return lines, gradient


def _half_mse(record, k):
    """L = sum (a - t)^2 / (2n) and dL/da = (a - t) / n, numbers substituted."""
    a, t, n = record.output[k], record.T[k], len(record.X)
    if n == 1:
        squares = " + ".join(f"{_difference((u, v))}^2" for u, v in list(zip(a, t))[:SHOWN_TERMS])
        more = " + ..." if len(a) > SHOWN_TERMS else ""
        lines = [f"  L = sum_k (a_k - t_k)^2 / (2n) = ({squares}{more}) / 2 = "
                 f"{_v(record.loss_value)}{_mark(record.checks, 'loss')}"]
    else:
        lines = [f"  L = sum (a - t)^2 / (2n) over the {n} samples = {_v(record.loss_value)}"
                 f"{_mark(record.checks, 'loss')}"]
    gradient = (f"dL/da = (a - t) / n = {_vector(zip(a, t), _difference)} / {n} = "
                f"{_vector(record.loss_gradient[k])}")
    return lines, gradient


def _difference(pair):
    return f"({_v(pair[0])} - {_v(pair[1])})"


LOSSES = {"cross_entropy": _cross_entropy, "half_mse": _half_mse}


def _loss_lines(record, k):
    """(the loss's lines, the output's dL/da line); a loss missing from LOSSES: its value."""
    work = LOSSES.get(record.loss)
    if work is None or (record.loss == "cross_entropy" and record.probabilities is None):
        return ([f"  loss ({record.loss}) = {_v(record.loss_value)}"
                 f"{_mark(record.checks, 'loss')}"],
                f"dL/da = {_vector(record.loss_gradient[k])}")
    return work(record, k)


# --- the update, worked by hand: one entry per optimizer --------------------------------------
def _sgd(name, old, g, new, state):
    return f"{name} = {_v(old)} - {_v(state['lr'])} * {_signed(g)} = {_v(new)}"


def _momentum(name, old, g, new, state):
    return (f"v = {_v(state['mu'])} * {_signed(state['v'])} - {_v(state['lr'])} * {_signed(g)}"
            f" = {_v(state['v_new'])}; {name} = {_v(old)} + {_signed(state['v_new'])} = "
            f"{_v(new)}")


def _nesterov(name, old, g, new, state):
    return (f"v = {_v(state['mu'])} * {_signed(state['v'])} - {_v(state['lr'])} * {_signed(g)}"
            f" = {_v(state['v_new'])}; {name} = {_v(old)} + {_v(state['mu'])} * "
            f"{_signed(state['v_new'])} - {_v(state['lr'])} * {_signed(g)} = {_v(new)}")


# name -> (the rule, how one parameter's step is written out). ``state`` holds lr, mu, and the
# parameter's velocity before (v) and after (v_new) the step.
UPDATES = {
    "sgd": ("w <- w - lr * dW", _sgd),
    "momentum": ("v <- mu * v - lr * dW; w <- w + v", _momentum),
    "nesterov": ("v <- mu * v - lr * dW; w <- w + mu * v - lr * dW", _nesterov),
}


def _update_lines(record, step):
    """The step of one neuron's first weights and its bias, as arithmetic, each line marked."""
    rule = UPDATES.get(record.optimizer)
    marks = _mark(step.checks, "w_new", "v_new")
    if rule is None:
        return [f"    w = {_vector(step.w_new)}{marks}",
                f"    b = {_v(step.b_new)}{_mark(step.checks, 'b_new', 'vb_new')}"]
    state = dict(lr=record.lr, mu=record.momentum)
    lines = []
    for i in range(min(len(step.w), SHOWN_TERMS)):
        state.update(v=step.v[i], v_new=step.v_new[i])
        lines.append(f"    w[{i}]: {rule[1](f'w[{i}]', step.w[i], step.dW[i], step.w_new[i], state)}"
                     f"{marks}")
    if len(step.w) > SHOWN_TERMS:
        lines.append(f"    ... w = {_vector(step.w_new)} ({len(step.w)} weights){marks}")
    state.update(v=step.vb, v_new=step.vb_new)
    lines.append(f"    b:    {rule[1]('b', step.b, step.db, step.b_new, state)}"
                 f"{_mark(step.checks, 'b_new', 'vb_new')}")
    return lines


# --- the whole trace --------------------------------------------------------------------------
def trace_lines(record, recipe, counts, sample=0):
    """The whole trace, line by line (sample 0 of the batch when it has more than one)."""
    k = 0
    out = [f"trace: one {record.optimizer} step (lr {record.lr:g}"
           + (f", momentum {record.momentum:g}" if record.optimizer != "sgd" else "")
           + f") of the {recipe.name} network {record.sizes} on training sample {sample}",
           f"  input x = {_vector(record.X[k])}, target t = {_vector(record.T[k])}"
           + (f" (class {int(record.T[k].argmax())})" if record.loss == "cross_entropy" else ""),
           "  (in each neuron's lines x is its own inputs, the a of the layer below; n is the "
           f"batch size, {len(record.X)} here; a velocity v starts at 0)", "", "forward"]
    for l, steps in enumerate(record.neurons):
        out.append(f"  layer {l} ({record.activations[l]}, {len(steps)} neurons)")
        for step in _shown_or_gap(steps):
            if step is None:
                out.append(f"    ... {len(steps) - SHOWN_NEURONS} more neurons")
                continue
            terms = list(zip(step.w, step.x[k]))
            out.append(f"    n{step.index}  z = w . x + b = {_sum(terms)} + {_signed(step.b)}"
                       f" = {_v(step.z[k])}{_mark(step.checks, 'z')}")
            out.append(f"         a = {step.activation}(z) = {_v(step.a[k])}"
                       f"{_mark(step.checks, 'a')}")
    loss_lines, gradient = _loss_lines(record, k)
    out += [f"loss ({record.loss}) of the output a = {_vector(record.output[k])} against "
            f"t = {_vector(record.T[k])}", *loss_lines, "", "backward"]
    for l in range(len(record.neurons) - 1, -1, -1):
        out += _backward_lines(record, l, k, gradient)
    rule = UPDATES.get(record.optimizer, (record.optimizer,))[0]
    out += ["", f"update ({rule}; the same for b with db)"]
    for l, steps in enumerate(record.neurons):
        for step in _shown_or_gap(steps):
            if step is None:
                out.append(f"  layer {l}: ... {len(steps) - SHOWN_NEURONS} more neurons")
                continue
            out.append(f"  layer {l} n{step.index}")
            out += _update_lines(record, step)
    out += [f"  loss on the same sample after the step: {_v(record.loss_value)} -> "
            f"{_v(record.loss_after)}", "",
            f"checks: {counts['reference ok']} quantities agree with the reference, "
            f"{counts['reference DIFFERS']} differ; {counts['numeric ok']} derivatives agree "
            f"with central differences, {counts['numeric DIFFERS']} differ, {counts['kink']} "
            "at a ReLU kink (not comparable)"]
    return out


def _backward_lines(record, l, k, gradient):
    steps = record.neurons[l]
    last = l == len(record.neurons) - 1
    out = [f"  layer {l}: " + (gradient + _mark(record.checks, "dL/da") if last else
                               f"dL/da = sum_k w_kj delta_k over layer {l + 1}")]
    for step in _shown_or_gap(steps):
        if step is None:
            out.append(f"    ... {len(steps) - SHOWN_NEURONS} more neurons")
            continue
        if last:
            arriving = _signed(step.dL_da[k])
        else:
            above = record.neurons[l + 1]
            arriving = f"({_sum([(a.w[step.index], a.delta[k]) for a in above])})"
        out.append(f"    n{step.index}  delta = f'(z) * dL/da = {_v(step.slope[k])} * "
                   f"{arriving} = {_v(step.delta[k])}{_mark(step.checks, 'delta')}")
        products = _vector(step.x[k], lambda x, d=step.delta[k]: f"{_signed(d)}*{_signed(x)}")
        worked = f"{products} = " if len(record.X) == 1 else ""
        out.append(f"         dW = delta * x = {worked}{_vector(step.dW)}"
                   f"{_mark(step.checks, 'dW', extra=_numeric_marks(step))}")
        out.append(f"         db = delta = {_v(step.db)}"
                   f"{_mark(step.checks, 'db', 'numeric db')}")
    return out
