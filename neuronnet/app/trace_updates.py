"""The update of a traced step, worked by hand: one entry of :data:`UPDATES` per optimizer
(optimizers.py), each parameter's step written out with the numbers in, e.g. for momentum
``v = 0.9 * 0 - 0.1 * 0.44 = -0.044; w[0] = 0.2 + (-0.044) = 0.156``.

An entry is (the rule, how one parameter's step is written): a function of the parameter's
name, its old value, its gradient g, its new value and ``state``, giving the step's lines. The
first line follows the parameter's name (``w[0]: ...``); any further line is indented under it.
``state`` holds the optimizer's hyperparameters (lr, mu, rho, beta1, beta2, eps), the
parameter's velocity and mean square before (v, s) and after (v_new, s_new) the step, and,
for Adam, the step number t and the bias-corrected rate lr_t of that step, whose line
:func:`update_lines` writes once per neuron.
"""
from .trace_format import SHOWN_TERMS, mark, number, signed, vector


def _sgd(name, old, g, new, state):
    return [f"{name} = {number(old)} - {number(state['lr'])} * {signed(g)} = {number(new)}"]


def _momentum(name, old, g, new, state):
    return [f"v = {number(state['mu'])} * {signed(state['v'])} - {number(state['lr'])} * "
            f"{signed(g)} = {number(state['v_new'])}; {name} = {number(old)} + "
            f"{signed(state['v_new'])} = {number(new)}"]


def _nesterov(name, old, g, new, state):
    return [f"v = {number(state['mu'])} * {signed(state['v'])} - {number(state['lr'])} * "
            f"{signed(g)} = {number(state['v_new'])}; {name} = {number(old)} + "
            f"{number(state['mu'])} * {signed(state['v_new'])} - {number(state['lr'])} * "
            f"{signed(g)} = {number(new)}"]


def _mean_square(g, state, decay):
    """s = decay * s + (1 - decay) * g^2, with the numbers in."""
    rate = number(state[decay])
    return (f"s = {rate} * {signed(state['s'])} + (1 - {rate}) * {signed(g)}^2 = "
            f"{number(state['s_new'])}")


def _rmsprop(name, old, g, new, state):
    return [_mean_square(g, state, "rho"),
            f"{name} = {number(old)} - {number(state['lr'])} * {signed(g)} / "
            f"(sqrt({number(state['s_new'])}) + {number(state['eps'])}) = {number(new)}"]


def _adam(name, old, g, new, state):
    beta1 = number(state["beta1"])
    return [f"v = {beta1} * {signed(state['v'])} + (1 - {beta1}) * {signed(g)} = "
            f"{number(state['v_new'])}; {_mean_square(g, state, 'beta2')}",
            f"{name} = {number(old)} - {number(state['lr_t'])} * {signed(state['v_new'])} / "
            f"(sqrt({number(state['s_new'])}) + {number(state['eps'])}) = {number(new)}"]


UPDATES = {
    "sgd": ("w <- w - lr * dW", _sgd),
    "momentum": ("v <- mu * v - lr * dW; w <- w + v", _momentum),
    "nesterov": ("v <- mu * v - lr * dW; w <- w + mu * v - lr * dW", _nesterov),
    "rmsprop": ("s <- rho * s + (1 - rho) * dW^2; w <- w - lr * dW / (sqrt(s) + eps)", _rmsprop),
    "adam": ("v <- beta1 * v + (1 - beta1) * dW; s <- beta2 * s + (1 - beta2) * dW^2; "
             "w <- w - lr_t * v / (sqrt(s) + eps), lr_t = lr * sqrt(1 - beta2^t) / "
             "(1 - beta1^t) at step t", _adam),
}


def _bias_correction(state, step):
    """Adam's rate at step t, worked: lr_t = lr * sqrt(1 - beta2^t) / (1 - beta1^t)."""
    t = step.t
    return (f"    lr_t = lr * sqrt(1 - beta2^t) / (1 - beta1^t), t = {t}: "
            f"{number(state['lr'])} * sqrt(1 - {number(state['beta2'])}^{t}) / "
            f"(1 - {number(state['beta1'])}^{t}) = {number(step.lr_t)}"
            f"{mark(step.checks, 'lr_t')}")


def update_lines(record, step):
    """The step of one neuron's first weights and its bias, as arithmetic, each line marked:
    the first line of a parameter with the checks of its velocity and mean square, a second
    (if the rule has one) with the check of the parameter itself."""
    rule = UPDATES.get(record.optimizer)
    weights = ("w_new", "v_new", "s_new")
    bias = ("b_new", "vb_new", "sb_new")
    if rule is None:
        return [f"    w = {vector(step.w_new)}{mark(step.checks, *weights)}",
                f"    b = {number(step.b_new)}{mark(step.checks, *bias)}"]
    state = dict(record.hyperparameters, lr_t=step.lr_t)
    lines = [] if step.lr_t is None else [_bias_correction(state, step)]
    for i in range(min(len(step.w), SHOWN_TERMS)):
        state.update(v=step.v[i], v_new=step.v_new[i], s=step.s[i], s_new=step.s_new[i])
        lines += _written(f"w[{i}]", rule[1](f"w[{i}]", step.w[i], step.dW[i], step.w_new[i],
                                             state), step.checks, weights)
    if len(step.w) > SHOWN_TERMS:
        lines.append(f"    ... w = {vector(step.w_new)} ({len(step.w)} weights)"
                     f"{mark(step.checks, *weights)}")
    state.update(v=step.vb, v_new=step.vb_new, s=step.sb, s_new=step.sb_new)
    lines += _written("b", rule[1]("b", step.b, step.db, step.b_new, state), step.checks, bias)
    return lines


def _written(name, parts, checks, names):
    """A parameter's lines: ``w[0]: first`` and the rest indented beneath it. One line carries
    every check of the parameter; of two, the first the state's, the second the parameter's."""
    head = f"    {name}:".ljust(10)
    if len(parts) == 1:
        return [f"{head}{parts[0]}{mark(checks, *names)}"]
    return [f"{head}{parts[0]}{mark(checks, *names[1:])}",
            *[f"{' ' * 10}{part}{mark(checks, names[0])}" for part in parts[1:]]]
