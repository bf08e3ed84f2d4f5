"""The trace of one step as text: forward, backward and update, neuron by neuron, with the
numbers substituted into each formula and a mark beside each quantity.

Marks: ``[ref ok]`` agrees with the reference; ``[num ok]`` agrees with a central difference
of the loss; ``[kink: not comparable]`` a ReLU input crossed 0 within the difference's step, so
the loss has no derivative there to compare with; ``DIFFERS`` names a disagreement.
"""
from ..trace import SHOWN_NEURONS
from ..trace import shown as _shown_or_gap

SHOWN_TERMS = 4      # per sum: the first terms, then "..."

MARKS = {"reference ok": "ref ok", "reference DIFFERS": "ref DIFFERS", "numeric ok": "num ok",
         "numeric DIFFERS": "num DIFFERS", "kink": "kink: not comparable"}


def _v(x):
    return f"{float(x):.4g}"


def _signed(x):
    text = _v(x)
    return f"({text})" if text.startswith("-") else text


def _vector(values):
    values = list(values)
    shown = ", ".join(_v(v) for v in values[:SHOWN_TERMS])
    return f"[{shown}{', ...' if len(values) > SHOWN_TERMS else ''}]"


def _sum(terms):
    """'a*b + c*d + ...' with at most SHOWN_TERMS products written out."""
    text = " + ".join(f"{_signed(u)}*{_signed(v)}" for u, v in terms[:SHOWN_TERMS])
    return text + (f" + ... ({len(terms)} terms in all)" if len(terms) > SHOWN_TERMS else "")


def _mark(step, *names, extra=()):
    marks = [MARKS[step.checks[name][0]] for name in names if name in step.checks]
    marks = list(dict.fromkeys(marks + list(extra)))   # each mark once
    return "  [" + "; ".join(marks) + "]" if marks else ""


def _numeric_marks(step):
    """One mark for the central differences of a neuron's weights (the worst of them)."""
    verdicts = [v[0] for k, v in step.checks.items() if k.startswith("numeric dW")]
    if not verdicts:
        return []
    worst = next((v for v in ("numeric DIFFERS", "kink") if v in verdicts), "numeric ok")
    return [MARKS[worst] + (f" ({len(verdicts)} checked)" if len(verdicts) > 1 else "")]


def trace_lines(record, recipe, counts, sample=0):
    """The whole trace, line by line (sample 0 of the batch when it has more than one)."""
    k = 0
    out = [f"trace: one {record.optimizer} step (lr {record.lr:g}"
           + (f", momentum {record.momentum:g}" if record.optimizer != "sgd" else "")
           + f") of the {recipe.name} network {record.sizes} on training sample {sample}",
           f"  x = {_vector(record.X[k])}, t = {_vector(record.T[k])}"
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
                       f" = {_v(step.z[k])}{_mark(step, 'z')}")
            out.append(f"         a = {step.activation}(z) = {_v(step.a[k])}{_mark(step, 'a')}")
    out += [f"  loss ({record.loss}) = {_v(record.loss_value)}", "", "backward"]
    grad = ("(softmax(a) - t) / n" if record.loss == "cross_entropy" else "(a - t) / n")
    for l in range(len(record.neurons) - 1, -1, -1):
        steps = record.neurons[l]
        last = l == len(record.neurons) - 1
        out.append(f"  layer {l}" + (f": dL/da = {grad} = {_vector(record.loss_gradient[k])}"
                                     if last else ": dL/da = sum_k w_kj delta_k over layer "
                                     f"{l + 1}"))
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
                       f"{arriving} = {_v(step.delta[k])}{_mark(step, 'delta')}")
            out.append(f"         dW = delta * x = {_vector(step.dW)}"
                       f"{_mark(step, 'dW', extra=_numeric_marks(step))}")
            out.append(f"         db = delta = {_v(step.db)}{_mark(step, 'db', 'numeric db')}")
    rule = ("w <- w - lr * dW" if record.optimizer == "sgd" else
            "v <- mu * v - lr * dW; w <- w + v" if record.optimizer == "momentum" else
            "Nesterov: v <- mu * v - lr * dW; w <- w + mu * v - lr * dW")
    out += ["", f"update ({rule}, and the same for b)"]
    for l, steps in enumerate(record.neurons):
        for step in _shown_or_gap(steps):
            if step is None:
                out.append(f"  layer {l}: ... {len(steps) - SHOWN_NEURONS} more neurons")
                continue
            out.append(f"  layer {l} n{step.index}  w = {_vector(step.w_new)}, b = "
                       f"{_v(step.b_new)}{_mark(step, 'w_new', 'b_new')}")
    out += [f"  loss on the same sample after the step: {_v(record.loss_value)} -> "
            f"{_v(record.loss_after)}", "",
            f"checks: {counts['reference ok']} quantities agree with the reference, "
            f"{counts['reference DIFFERS']} differ; {counts['numeric ok']} derivatives agree "
            f"with central differences, {counts['numeric DIFFERS']} differ, {counts['kink']} "
            "at a ReLU kink (not comparable)"]
    return out
