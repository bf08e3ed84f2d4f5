"""One epoch (neuronnet/epoch.py), the loop over batches that Network.fit, the training loop and
the estimators share: each batch a step or a forward pass as the plan says, an optional call
after each batch that may stop the epoch, and the loss as the row-weighted mean of the batches'.
(That fit, train() and the reference agree through it: tests/training/test_loop_contract.py.)"""
import numpy as np
import pytest

from neuronnet.epoch import run_epoch


class Record:
    """step and forward_loss that write down the rows they see and return a loss per call."""

    def __init__(self, losses):
        self.losses, self.calls = list(losses), []

    def step(self, X, Y):
        self.calls.append(("step", X[:, 0].tolist(), Y[:, 0].tolist()))
        return self.losses.pop(0)

    def forward_loss(self, X, Y):
        self.calls.append(("forward", X[:, 0].tolist(), Y[:, 0].tolist()))
        return self.losses.pop(0)


def batch(rows):
    rows = np.asarray(rows)
    return rows[:, None] * 1.0, rows[:, None] * 10.0


def test_each_batch_is_a_step_or_a_forward_pass_and_the_loss_is_weighted_by_rows():
    record = Record([1.0, 4.0, 7.0])
    loss = run_epoch(record.step, record.forward_loss, batch, np.array([3, 1, 4, 0, 2]),
                     "minibatch", 2)
    assert record.calls == [("step", [3.0, 1.0], [30.0, 10.0]),
                            ("step", [4.0, 0.0], [40.0, 0.0]), ("step", [2.0], [20.0])]
    assert loss == (2 * 1.0 + 2 * 4.0 + 1 * 7.0) / 5
    record = Record([1.0, 2.0, 3.0])
    loss = run_epoch(record.step, record.forward_loss, batch, np.array([2, 0, 1]), "sampled", 2)
    assert [kind for kind, _, _ in record.calls] == ["step", "forward", "step"]
    assert loss == (1.0 + 2.0 + 3.0) / 3


def test_after_batch_sees_every_batch_in_order_and_can_stop_the_epoch():
    seen = []
    record = Record([0.5, 0.25, 0.125])
    run_epoch(record.step, record.forward_loss, batch, np.arange(3), "online", 1,
              after_batch=lambda number, loss: seen.append((number, loss)))
    assert seen == [(1, 0.5), (2, 0.25), (3, 0.125)]

    class Stop(Exception):
        pass

    def stop_at_two(number, loss):
        if number == 2:
            raise Stop
    record = Record([0.5, 0.25, 0.125])
    with pytest.raises(Stop):
        run_epoch(record.step, record.forward_loss, batch, np.arange(3), "online", 1,
                  after_batch=stop_at_two)
    assert len(record.calls) == 2          # the third batch never ran
