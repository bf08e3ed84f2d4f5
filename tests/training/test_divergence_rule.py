"""The divergence rule (neuronnet/divergence.py): a loss that is not finite, or more than 1000
times the run's starting loss. The training loop stops on it, after the epoch, keeping the best
snapshot; the estimators judge their epochs by the same function."""
import math

import numpy as np
import pytest

from neuronnet import divergence
from neuronnet.network import Network
from neuronnet.training import Dataset, evaluate, train


def test_the_rule_is_1000_times_the_start_or_not_finite():
    assert divergence.BLOW_UP == 1000
    assert not divergence.diverged(1000.0 * 0.5, 0.5)
    assert divergence.diverged(math.nextafter(1000.0 * 0.5, math.inf), 0.5)
    assert not divergence.diverged(0.1, 0.5)
    for loss in (math.inf, -math.inf, math.nan):
        assert divergence.diverged(loss, 0.5)
    # A start that is not finite judges only finiteness.
    assert not divergence.diverged(1e300, math.inf) and not divergence.diverged(1e300, math.nan)
    assert divergence.diverged(math.nan, math.inf)


def sin_run(lr):
    X = np.linspace(-3, 3, 64)[:, None]
    data = Dataset(X, targets=np.sin(X))
    net = Network([1, 8, 1], ["tanh", "identity"], "half_mse", rng=np.random.default_rng(0))
    start = evaluate(net, data).loss
    return train(net, data, data, rng=np.random.default_rng(0), epochs=60, batch_mode="full",
                 lr=lr), start, data


def test_the_loop_stops_a_finite_blow_up_and_keeps_the_best_epoch():
    result, start, data = sin_run(2.0)
    losses = result.history["train_loss"]
    assert result.diverged and not result.interrupted
    assert all(np.isfinite(losses)) and losses[-1] > 1000 * start
    assert all(loss <= 1000 * start for loss in losses[:-1])
    # Judged against the untrained model, not the first epoch (which had already risen 13-fold:
    # 1000 times that would have let the run go on).
    assert losses[-1] < 1000 * losses[0]
    assert "more than 1000 times" in result.stop_reason
    assert result.best_epoch == 1 < len(losses)
    assert evaluate(result.best_model, data).loss == min(result.history["valid_loss"])


def test_a_stable_run_is_not_stopped():
    result, _, _ = sin_run(0.5)
    assert not result.diverged and result.best_epoch == len(result.history["epoch"]) == 60



def test_the_estimators_judge_by_the_same_rule():
    mlp = pytest.importorskip("neuronnet.estimators.mlp")
    assert mlp.blew_up is divergence.diverged and mlp.BLOW_UP == divergence.BLOW_UP
