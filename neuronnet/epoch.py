"""One epoch: the sample order cut into batches by the batch mode, one step per batch.

This is the one loop over an epoch's batches. ``Network.fit``, the training loop of the command
line (``neuronnet.training.train``) and the scikit-learn estimators all run their epochs
through :func:`run_epoch`; they differ only in what they do between epochs (a schedule, an
evaluation, a stopping rule) and, for the training loop, after each batch (a divergence check,
a progress bar).

The epoch's loss is the row-weighted mean of the losses measured *before* each step (and of the
forward-only rows of the sampled mode), so it lags the parameters by up to an epoch::

    loss_epoch = sum over batches of len(rows) * loss_batch / n
"""
from .batching import plan


def run_epoch(step, forward_loss, batch, order, batch_mode, batch_size, after_batch=None):
    """Run one epoch; return its loss (see above).

    step(X, Y) -> loss
        One update on the batch; the loss measured before it.
    forward_loss(X, Y) -> loss
        A forward pass that changes no parameter (the sampled mode's other samples).
    batch(rows) -> (X, Y)
        The float64 arrays of the samples ``rows``, (len(rows), n_inputs) and (len(rows), k).
    order
        This epoch's sample order: an array of the n sample indices.
    after_batch(number, loss)
        Optional; called after each batch (numbered from 1). Raising stops the epoch.
    """
    total = 0.0
    for number, (rows, learn) in enumerate(plan(order, batch_mode, batch_size), start=1):
        X, Y = batch(rows)
        loss = step(X, Y) if learn else forward_loss(X, Y)
        if after_batch is not None:
            after_batch(number, loss)
        total += loss * len(rows)
    return total / len(order)
