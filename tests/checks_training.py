"""Generic checks of the training loop and of schedules (DESIGN items 14 and 15), as plain
functions taking the component under test, like tests/checks.py: the real trainer and schedule
must pass them, and a buggy trainer or schedule swapped in must fail them.

Failures say what was expected, what came out, and the settings that produced it.
"""
import math

import numpy as np


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
