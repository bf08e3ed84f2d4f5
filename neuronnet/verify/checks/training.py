"""Training: repeatable, equal to the reference, the contract's sequence of steps, the sampled
mode; the loop's best snapshot, evaluation, schedules and splits."""

import numpy as np

from .compare import assert_close, assert_equal, assert_params, call_or_fail
from .tolerances import FORWARD_TOL, TRAJECTORY_TOL


def count_steps(n, epochs, batch_mode, batch_size):
    per_epoch = {"online": n, "minibatch": -(-n // batch_size), "full": 1,
                 "sampled": -(-n // batch_size)}[batch_mode]
    return per_epoch * epochs


def check_training_repeatable(make_model, case, fit_kwargs, seed):
    """Two fresh models, the same parameters, data and shuffling seed: bitwise the same loss
    history and parameters."""
    ctx = f"{case.describe()}\n  fit {fit_kwargs}, seed {seed}"
    runs = []
    for _ in range(2):
        model = case.build(make_model)
        hist = model.fit(case.X, case.Y, rng=np.random.default_rng(seed), **fit_kwargs)
        runs.append((np.asarray(hist, dtype=np.float64), model.parameters()))
    assert_equal("epoch losses of two identical runs", runs[1][0], runs[0][0], ctx)
    assert_params("parameters after two identical runs", runs[1][1], runs[0][1], None, ctx)


def check_training_matches(make_mine, make_ref, case, fit_kwargs, seed, mine_overrides=None):
    """N steps of fit in both models from the same parameters and shuffling seed: epoch losses
    and final parameters within the trajectory tolerance (up to 50 steps, lr <= 0.1).
    ``mine_overrides`` replaces fit arguments for mine only (e.g. a buggy optimizer object)."""
    steps = count_steps(case.X.shape[0], fit_kwargs.get("epochs", 1),
                        fit_kwargs.get("batch_mode", "minibatch"),
                        fit_kwargs.get("batch_size", 32))
    if steps > 50 or fit_kwargs.get("lr", 0.1) > 0.1:
        raise ValueError(f"the trajectory tolerance covers up to 50 steps with lr <= 0.1; got "
                         f"{steps} steps, lr {fit_kwargs.get('lr', 0.1)}")
    ctx = f"{case.describe()}\n  fit {fit_kwargs} ({steps} steps), seed {seed}"
    mine, ref = case.build(make_mine), case.build(make_ref)
    h_m = call_or_fail("mine.fit", mine.fit, case.X, case.Y, rng=np.random.default_rng(seed),
                context=ctx, **{**fit_kwargs, **(mine_overrides or {})})
    h_r = ref.fit(case.X, case.Y, rng=np.random.default_rng(seed), **fit_kwargs)
    assert_params("parameters after training", mine.parameters(), ref.parameters(),
                  TRAJECTORY_TOL, ctx)
    assert_close("epoch losses", h_m, h_r, *TRAJECTORY_TOL, context=ctx)


def check_train_steps_match(make_mine, make_ref, case, optimizer, lr, mu, steps,
                            mine_optimizer=None):
    """``steps`` train_steps on the same batch in both models: each returned loss and the
    parameters after each step within the trajectory tolerance."""
    ctx = f"{case.describe()}\n  optimizer {optimizer} (lr={lr}, mu={mu})"
    mine, ref = case.build(make_mine), case.build(make_ref)
    for t in range(1, steps + 1):
        l_m = mine.train_step(case.X, case.Y, optimizer=mine_optimizer or optimizer, lr=lr,
                              momentum=mu)
        l_r = ref.train_step(case.X, case.Y, optimizer=optimizer, lr=lr, momentum=mu)
        assert_close(f"loss returned by train_step {t}", l_m, l_r, *TRAJECTORY_TOL, context=ctx)
        assert_params(f"parameters after train_step {t}", mine.parameters(), ref.parameters(),
                      TRAJECTORY_TOL, ctx)


def epoch_plan(order, batch_mode, batch_size):
    """docs/semantics.md "Batch modes and the epoch", written out: (rows, learn) pairs."""
    n = len(order)
    if batch_mode == "online":
        return [([i], True) for i in order]
    if batch_mode == "minibatch":
        return [(list(order[s:s + batch_size]), True) for s in range(0, n, batch_size)]
    if batch_mode == "full":
        return [(list(order), True)]
    if batch_mode == "sampled":
        return [([order[p]], p % batch_size == 0) for p in range(n)]
    raise ValueError(batch_mode)


def check_fit_follows_contract(make_model, case, fit_kwargs, seed):
    """``fit`` is the contract's sequence of steps: replaying the epochs by hand with
    ``train_step`` (and ``loss`` for the sampled mode's forward-only samples) on a second model,
    order from the same seed, gives bitwise the same parameters and, within the forward
    tolerance, the same epoch losses (the row-weighted mean of the pre-step losses)."""
    kw = dict(epochs=1, batch_mode="minibatch", batch_size=32, optimizer="sgd", lr=0.1,
              momentum=0.9, shuffle=True)
    kw.update(fit_kwargs)
    ctx = f"{case.describe()}\n  fit {fit_kwargs}, seed {seed}"
    model = case.build(make_model)
    hist = model.fit(case.X, case.Y, rng=np.random.default_rng(seed), **fit_kwargs)
    replay = case.build(make_model)
    rng = np.random.default_rng(seed)
    n = case.X.shape[0]
    expected = []
    for _ in range(kw["epochs"]):
        order = rng.permutation(n) if kw["shuffle"] else np.arange(n)
        total = 0.0
        for rows, learn in epoch_plan(order, kw["batch_mode"], kw["batch_size"]):
            Xb, Yb = case.X[rows], case.Y[rows]
            if learn:
                loss = replay.train_step(Xb, Yb, optimizer=kw["optimizer"], lr=kw["lr"],
                                         momentum=kw["momentum"])
            else:
                loss = replay.loss(Xb, Yb)
            total += loss * len(rows)
        expected.append(total / n)
    assert_params("parameters after fit vs the contract's steps replayed", model.parameters(),
                  replay.parameters(), None, ctx)
    assert_close("epoch losses vs the replayed row-weighted means", hist, expected,
                 *FORWARD_TOL, context=ctx)


def check_sampled_is_online_on_every_kth(make_model, case, k, seed, optimizer="sgd", lr=0.1,
                                         mu=0.9):
    """One epoch of ``sampled`` with batch_size k trains exactly like online training on
    ``order[::k]`` (bitwise parameters)."""
    ctx = f"{case.describe()}\n  sampled, k = {k}, seed {seed}"
    model = case.build(make_model)
    model.fit(case.X, case.Y, epochs=1, batch_mode="sampled", batch_size=k, optimizer=optimizer,
              lr=lr, momentum=mu, rng=np.random.default_rng(seed))
    order = np.random.default_rng(seed).permutation(case.X.shape[0])[::k]
    online = case.build(make_model)
    online.fit(case.X[order], case.Y[order], epochs=1, batch_mode="online", optimizer=optimizer,
               lr=lr, momentum=mu, shuffle=False)
    assert_params("sampled epoch vs online training on order[::k]", model.parameters(),
                  online.parameters(), None, ctx)


def contract_init(sizes, init, rng, std=0.01):
    """docs/semantics.md "Initialisations", written out: one (fan_out, fan_in) draw per layer
    from the input side, biases 0, from the generator ``rng``."""
    params = []
    for fan_in, fan_out in zip(sizes, sizes[1:]):
        size = (fan_out, fan_in)
        if init == "coursework":
            W = rng.uniform(0.0, 1.0 / fan_in, size)
        elif init == "glorot_uniform":
            r = np.sqrt(6.0 / (fan_in + fan_out))
            W = rng.uniform(-r, r, size)
        elif init == "he_normal":
            W = rng.normal(0.0, np.sqrt(2.0 / fan_in), size)
        elif init == "normal":
            W = rng.normal(0.0, std, size)
        else:
            raise ValueError(init)
        params += [W, np.zeros(fan_out)]
    return params


def check_same_init(make_inits, sizes, activations, loss, init, seed, std=0.01):
    """``make_inits``: {name: callable(sizes, activations, loss, init, rng, init_std) -> model}.
    The same seed gives every model the same initial parameters, bitwise equal to the
    contract's draws (both consume the generator identically, per the contract), biases 0; and
    each leaves the generator in the same state as the contract's draws do."""
    contract_rng = np.random.default_rng(seed)
    expected = contract_init(sizes, init, contract_rng, std)
    next_draws = contract_rng.standard_normal(3)
    ctx = (f"  sizes {list(sizes)}, activations {list(activations)}, init {init!r}, "
           f"seed {seed}, std {std}")
    for name, make in make_inits.items():
        rng = np.random.default_rng(seed)
        model = make(list(sizes), list(activations), loss, init, rng, std)
        assert_params(f"{name}: initial parameters vs the contract's draws",
                      model.parameters(), expected, None, ctx)
        assert_equal(f"{name}: the generator's next draws after initialisation",
                     rng.standard_normal(3), next_draws, ctx)




def _params_equal(a, b):
    return len(a) == len(b) and all(np.array_equal(x, y) for x, y in zip(a, b))


def check_best_model_snapshot(train, evaluate, make_model, train_data, valid_data, seed,
                              context="", **settings):
    """Item 14: the best model that ``train`` returns is a *copy* whose validation loss is the
    minimum of the history's, and training the live model further leaves it unchanged."""
    result = train(make_model(), train_data, valid_data, rng=np.random.default_rng(seed),
                   **settings)
    losses = result.history["valid_loss"]
    ctx = f"\n  settings: {settings}, seed {seed}\n  valid losses: {losses}{context}"
    assert losses, f"training recorded no epoch{ctx}"
    best = evaluate(result.best_model, valid_data).loss
    lowest = min(losses)
    assert best == lowest, (f"best model: its validation loss is {best!r}, but the history's "
                            f"minimum is {lowest!r} (epoch {losses.index(lowest) + 1}){ctx}")
    assert result.best_model is not result.model, f"best model: it is the live model itself{ctx}"
    frozen = result.best_model.parameters()
    X, Y = train_data.batch(slice(None))
    for _ in range(3):
        result.model.train_step(X, Y, optimizer="momentum", lr=0.5, momentum=0.9)
    after = result.best_model.parameters()
    assert _params_equal(frozen, after), (
        f"best model: training the live model changed the best model's parameters (an alias, "
        f"not a snapshot){ctx}")
    return result


def check_evaluation_is_pure(evaluate, model, dataset, context=""):
    """Item 14: evaluating changes no parameter and gives the same answer twice."""
    before = model.parameters()
    first = evaluate(model, dataset)
    second = evaluate(model, dataset)
    assert _params_equal(before, model.parameters()), f"evaluate changed a parameter{context}"
    assert first.loss == second.loss, (f"evaluate: got {first.loss!r} then {second.loss!r} on the "
                                       f"same data{context}")


def check_schedule_reachable_and_monotone(schedule, steps, base_lr, context=""):
    """Item 15, for a loss-threshold schedule built from ``steps`` [(threshold, rate), ...] and
    ``base_lr``: every threshold has a loss that selects its own rate (no dead branch), a loss
    above every threshold gets the base rate, and as the loss falls the rate never rises."""
    steps = sorted(steps)
    thresholds = [t for t, _ in steps]
    ctx = f"\n  schedule {schedule!r}, steps {steps}, base lr {base_lr}{context}"
    # The loss that must select threshold k's rate: halfway between it and the next threshold
    # below (or half of it, for the smallest).
    for k, (threshold, rate) in enumerate(steps):
        lower = thresholds[k - 1] if k > 0 else 0.0
        loss = (lower + threshold) / 2
        if not lower <= loss < threshold:  # adjacent floats (found by hypothesis): the midpoint
            loss = lower                   # rounds up to threshold; lower itself is in range
        got = schedule.rate(2, loss)
        assert got == rate, (f"schedule: loss {loss} (below {threshold}, above {lower}) got rate "
                             f"{got}; expected {rate}: this branch is unreachable{ctx}")
    above = thresholds[-1] * 2 + 1
    assert schedule.rate(2, above) == base_lr, (
        f"schedule: a loss above every threshold ({above}) got rate {schedule.rate(2, above)}; "
        f"expected the base rate {base_lr}{ctx}")
    probes = np.geomspace(thresholds[0] / 4, above, 200)  # rising losses
    rates = [schedule.rate(2, float(loss)) for loss in probes]
    rises = [(float(probes[i]), rates[i], rates[i - 1]) for i in range(1, len(rates))
             if rates[i] < rates[i - 1]]
    assert not rises, (f"schedule: the rate rises as the loss falls: at loss {rises[0][0]:.6g} "
                       f"it is {rises[0][1]}, just below it {rises[0][2]}{ctx}")


def check_split_is_a_partition(parts, n, context=""):
    """The parts of a split (index arrays: train, validation, test, ...) are disjoint and
    together cover rows 0..n-1 once each: no test row is ever a training row (pitfall
    test-is-training-copy), and no row is lost."""
    parts = [np.asarray(p) for p in parts]
    sizes = [len(p) for p in parts]
    ctx = f"\n  {n} rows split into parts of sizes {sizes}{context}"
    for i, a in enumerate(parts):
        for j in range(i + 1, len(parts)):
            shared = np.intersect1d(a, parts[j])
            assert shared.size == 0, (f"split: parts {i} and {j} share {shared.size} rows, e.g. "
                                      f"{shared[:5].tolist()}; expected disjoint parts{ctx}")
    everything = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
    assert np.array_equal(np.sort(everything), np.arange(n)), (
        f"split: the parts hold {everything.size} rows with {np.unique(everything).size} "
        f"distinct ones; expected each of the {n} rows exactly once{ctx}")
