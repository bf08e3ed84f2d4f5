"""Optimizers follow their closed forms: the contract's rules, heavy ball, Nesterov's first step,
mu = 0 is SGD, fixed points."""

import numpy as np

from .compare import assert_close, assert_equal, assert_params, fmt
from .tolerances import GRADIENT_TOL, TRAJECTORY_TOL


def rule_step(rule, w, g, v, lr, mu):
    """The contract's update rules, in the contract's expression order."""
    if rule == "sgd":
        return w - lr * g, v
    if rule == "momentum":
        v = mu * v - lr * g
        return w + v, v
    if rule == "nesterov":
        v = mu * v - lr * g
        return w + mu * v - lr * g, v
    raise ValueError(rule)


def heavy_ball_closed_form(w0, g, lr, mu, t):
    return w0 - lr * g * (t / (1 - mu) - mu * (1 - mu ** t) / (1 - mu) ** 2)


def _as_pair(w0):
    return [np.asarray(w0, dtype=np.float64), float(np.ravel(w0)[0])]


def check_optimizer_rule(optimizer, rule, lr, mu, w0, grads):
    """The optimizer's ``step(w, g, v)`` reproduces the contract's rule bitwise over a sequence
    of gradients, for an array parameter and for a float parameter (a bias)."""
    for w, gs in ((np.array(w0, dtype=np.float64), [np.asarray(g) for g in grads]),
                  (float(np.ravel(w0)[0]), [float(np.ravel(g)[0]) for g in grads])):
        v = np.zeros_like(w) if isinstance(w, np.ndarray) else 0.0
        w_e, v_e = w, v
        for t, g in enumerate(gs, 1):
            w, v = optimizer.step(w, g, v)
            w_e, v_e = rule_step(rule, w_e, g, v_e, lr, mu)
            ctx = f"  {optimizer!r} vs the contract's {rule} rule (lr={lr}, mu={mu}), step {t}"
            assert_equal("parameter", w, w_e, ctx)
            if rule != "sgd":
                assert_equal("velocity", v, v_e, ctx)


def check_heavy_ball(make_momentum, lr, mu, w0, g, steps=50):
    """Constant gradient g, v0 = 0: theta_t = theta_0 - lr*g*(t/(1-mu) - mu*(1-mu^t)/(1-mu)^2)
    (trajectory tolerance: the closed form rounds differently from the iteration)."""
    opt = make_momentum(lr, mu)
    for w in _as_pair(w0):
        g_w = np.asarray(g, dtype=np.float64) if isinstance(w, np.ndarray) else float(
            np.ravel(g)[0])
        v = np.zeros_like(w) if isinstance(w, np.ndarray) else 0.0
        cur = w
        for t in range(1, steps + 1):
            cur, v = opt.step(cur, g_w, v)
            assert_close(f"heavy ball after {t} steps vs closed form", cur,
                         heavy_ball_closed_form(w, g_w, lr, mu, t), *TRAJECTORY_TOL,
                         context=f"  {opt!r}, lr={lr}, mu={mu}, constant g = {fmt(g_w)}, "
                                 f"theta_0 = {fmt(w)}")


def check_nesterov_first_step(make_nesterov, lr, mu, w0, g):
    """From v = 0 the first Nesterov step is -lr*(1+mu)*g."""
    opt = make_nesterov(lr, mu)
    for w in _as_pair(w0):
        g_w = np.asarray(g, dtype=np.float64) if isinstance(w, np.ndarray) else float(
            np.ravel(g)[0])
        v = np.zeros_like(w) if isinstance(w, np.ndarray) else 0.0
        new, _ = opt.step(w, g_w, v)
        assert_close("Nesterov first step", np.asarray(new) - w, -lr * (1 + mu) * g_w,
                     *GRADIENT_TOL, context=f"  {opt!r}, g = {fmt(g_w)}, w = {fmt(w)}")


def check_mu_zero_is_sgd(make_optimizer, make_sgd, lr, w0, grads):
    """Momentum or Nesterov with mu = 0 is plain SGD, bitwise, step after step."""
    opt, sgd = make_optimizer(lr, 0.0), make_sgd(lr)
    for w in _as_pair(w0):
        is_array = isinstance(w, np.ndarray)
        v = np.zeros_like(w) if is_array else 0.0
        v_s = np.zeros_like(w) if is_array else 0.0
        w_s = w
        for t, g in enumerate(grads, 1):
            g = np.asarray(g, dtype=np.float64) if is_array else float(np.ravel(g)[0])
            w, v = opt.step(w, g, v)
            w_s, v_s = sgd.step(w_s, g, v_s)
            assert_equal(f"{opt!r} with mu=0 vs {sgd!r}, step {t}", w, w_s)


def check_optimizer_fixed_points(optimizer_factories, w0, g):
    """lr = 0 changes nothing; a zero gradient with zero velocity changes nothing (bitwise).
    ``optimizer_factories``: callables ``lr -> optimizer``."""
    for make in optimizer_factories:
        for w in _as_pair(w0):
            is_array = isinstance(w, np.ndarray)
            zero = np.zeros_like(w) if is_array else 0.0
            g_w = np.asarray(g, dtype=np.float64) if is_array else float(np.ravel(g)[0])
            opt0 = make(0.0)
            cur, v = w, zero
            for t in range(3):
                cur, v = opt0.step(cur, g_w, v)
                assert_equal(f"{opt0!r} (lr=0), step {t + 1}: parameter", cur, w)
            opt = make(0.1)
            cur, v = w, zero
            for t in range(3):
                cur, v = opt.step(cur, zero, v)
                assert_equal(f"{opt!r} with zero gradient and zero velocity, step {t + 1}",
                             cur, w)


def check_train_step_follows_rule(make_model, case, rule, lr, mu, steps=3, optimizer=None):
    """At the model level: ``train_step`` moves every parameter exactly (bitwise) as the
    contract's rule does with the gradient ``gradient(X, Y)`` returns at that point, with one
    velocity per parameter that persists across calls. ``optimizer`` is what is passed to
    train_step (default: the rule's name)."""
    model = case.build(make_model)
    ctx = f"{case.describe()}\n  optimizer {rule} (lr={lr}, mu={mu})"
    params = model.parameters()
    velocities = [np.zeros_like(p) for p in params]
    for t in range(1, steps + 1):
        grads = model.gradient(case.X, case.Y)
        loss = model.loss(case.X, case.Y)
        expected = []
        for k, (p, g) in enumerate(zip(params, grads)):
            new, velocities[k] = rule_step(rule, p, np.asarray(g), velocities[k], lr, mu)
            expected.append(new)
        got_loss = model.train_step(case.X, case.Y, optimizer=rule if optimizer is None
                                    else optimizer, lr=lr, momentum=mu)
        assert_equal(f"train_step's returned loss (step {t}) vs loss() before it", got_loss,
                     loss, ctx)
        params = model.parameters()
        assert_params(f"parameters after train_step {t} vs the {rule} rule", params, expected,
                      None, ctx)
