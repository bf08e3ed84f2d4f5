"""The trace of one step as text: forward, backward and update, neuron by neuron, with the
numbers substituted into each formula, worked as by hand, and a mark beside each line
(trace_format.py says what each mark means).

Forward, per neuron: z = w . x + b term by term, then a = f(z). The loss: its own lines, from
:data:`trace_losses.LOSSES`, a table keyed by the loss's name (with the L2 penalty's term when
the network has one). Backward: dL/da of the output, delta = f'(z) * dL/da, and dW = delta * x
entry by entry (+ (l2 / n) w with a penalty). Update: the optimizer's arithmetic weight by
weight, from :data:`trace_updates.UPDATES`, a table keyed by the optimizer's name.
"""
from ..trace import SHOWN_NEURONS
from ..trace import shown as _shown_or_gap
from .trace_format import MARKS, mark, number, products, signed, vector
from .trace_losses import LOSSES, loss_lines
from .trace_updates import UPDATES, update_lines

__all__ = ["LOSSES", "UPDATES", "trace_lines"]

# How the title names a hyperparameter of the optimizer (the others by their own name).
TITLES = {"mu": "momentum"}


def _numeric_marks(step):
    """One mark for the central differences of a neuron's weights (the worst of them)."""
    verdicts = [v[0] for k, v in step.checks.items() if k.startswith("numeric dW")]
    if not verdicts:
        return []
    worst = next((v for v in ("numeric DIFFERS", "kink") if v in verdicts), "numeric ok")
    return [MARKS[worst] + (f" ({len(verdicts)} checked)" if len(verdicts) > 1 else "")]


def _title(record, recipe, sample):
    settings = [f"{TITLES.get(name, name)} {value:g}"
                for name, value in record.hyperparameters.items()]
    if record.l2:
        settings.append(f"l2 {record.l2:g}")
    return (f"trace: one {record.optimizer} step ({', '.join(settings)}) of the {recipe.name} "
            f"network {record.sizes} on training sample {sample}")


# --- the whole trace --------------------------------------------------------------------------
def trace_lines(record, recipe, counts, sample=0):
    """The whole trace, line by line (sample 0 of the batch when it has more than one)."""
    k = 0
    state = "a velocity v and a mean square s start" if record.keeps_squares else \
        "a velocity v starts"
    out = [_title(record, recipe, sample),
           f"  input x = {vector(record.X[k])}, target t = {vector(record.T[k])}"
           + (f" (class {int(record.T[k].argmax())})" if record.loss == "cross_entropy" else ""),
           "  (in each neuron's lines x is its own inputs, the a of the layer below; n is the "
           f"batch size, {len(record.X)} here; {state} at 0)", "", "forward"]
    for l, steps in enumerate(record.neurons):
        out.append(f"  layer {l} ({record.activations[l]}, {len(steps)} neurons)")
        for step in _shown_or_gap(steps):
            if step is None:
                out.append(f"    ... {len(steps) - SHOWN_NEURONS} more neurons")
                continue
            terms = list(zip(step.w, step.x[k]))
            out.append(f"    n{step.index}  z = w . x + b = {products(terms)} + "
                       f"{signed(step.b)} = {number(step.z[k])}{mark(step.checks, 'z')}")
            out.append(f"         a = {step.activation}(z) = {number(step.a[k])}"
                       f"{mark(step.checks, 'a')}")
    lines, gradient = loss_lines(record, k)
    out += [f"loss ({record.loss}) of the output a = {vector(record.output[k])} against "
            f"t = {vector(record.T[k])}", *lines, "", "backward"]
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
            out += update_lines(record, step)
    out += [f"  loss on the same sample after the step: {number(record.loss_value)} -> "
            f"{number(record.loss_after)}", "",
            f"checks: {counts['reference ok']} quantities agree with the reference, "
            f"{counts['reference DIFFERS']} differ; {counts['numeric ok']} derivatives agree "
            f"with central differences, {counts['numeric DIFFERS']} differ, {counts['kink']} "
            "at a ReLU kink (not comparable)"]
    return out


def _backward_lines(record, l, k, gradient):
    steps = record.neurons[l]
    last = l == len(record.neurons) - 1
    out = [f"  layer {l}: " + (gradient + mark(record.checks, "dL/da") if last else
                               f"dL/da = sum_k w_kj delta_k over layer {l + 1}")]
    for step in _shown_or_gap(steps):
        if step is None:
            out.append(f"    ... {len(steps) - SHOWN_NEURONS} more neurons")
            continue
        if last:
            arriving = signed(step.dL_da[k])
        else:
            above = record.neurons[l + 1]
            arriving = f"({products([(a.w[step.index], a.delta[k]) for a in above])})"
        out.append(f"    n{step.index}  delta = f'(z) * dL/da = {number(step.slope[k])} * "
                   f"{arriving} = {number(step.delta[k])}{mark(step.checks, 'delta')}")
        out.append(f"         dW = {_dW_worked(record, step, k)}{vector(step.dW)}"
                   f"{mark(step.checks, 'dW', extra=_numeric_marks(step))}")
        penalty = " (b has no penalty)" if record.l2 else ""
        out.append(f"         db = delta = {number(step.db)}{penalty}"
                   f"{mark(step.checks, 'db', 'numeric db')}")
    return out


def _dW_worked(record, step, k):
    """'delta * x = [products] = ' for one sample ('delta . x = ' for a batch, whose sum over
    the samples is not written out); with an L2 penalty, its share (l2 / n) w added."""
    n = len(record.X)
    if n == 1:
        data = vector(step.x[k], lambda x, d=step.delta[k]: f"{signed(d)}*{signed(x)}")
    else:
        data = vector(step.dW - (record.l2 / n) * step.w)   # the sum over the batch
    if not record.l2:
        return f"delta * x = {data} = " if n == 1 else "delta . x = "
    return (f"delta {'*' if n == 1 else '.'} x + (l2 / n) w = {data} + {number(record.l2)} / "
            f"{n} * {vector(step.w)} = ")
