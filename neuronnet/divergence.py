"""When a run has diverged: the one rule of the training loop (``neuronnet.training.train``,
which the command line runs) and of the scikit-learn estimators.

A loss that is not finite has diverged. So has a finite one more than :data:`BLOW_UP` (1000)
times the run's starting loss: a run blowing up while its numbers are still finite (iris at
``--lr 1e4`` ends with a loss near 1e4, from 1.3) must not be kept as a fitted model.
"""
import math

BLOW_UP = 1e3


def diverged(loss, start):
    """True when ``loss`` is not finite or exceeds 1000 (:data:`BLOW_UP`) times ``start``.

    ``start``: the loss the run is judged against. The training loop passes the untrained
    model's loss on the rows it evaluates each epoch; the estimators pass their first epoch's
    loss (the mean of the losses measured before each of its steps). A ``start`` that is not
    finite judges only finiteness."""
    if not math.isfinite(loss):
        return True
    return math.isfinite(start) and loss > BLOW_UP * start
