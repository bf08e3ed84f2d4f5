"""The batch modes: which rows each step sees, and whether it backpropagates.

``plan(order, mode, batch_size)`` yields ``(rows, learn)`` pairs for one epoch, ``order`` being
that epoch's (possibly shuffled) sample order:

- ``online``: every sample alone, one update each (stochastic gradient descent proper).
- ``minibatch``: consecutive chunks of ``batch_size``; the last one may be smaller. The update
  uses the mean gradient of the chunk.
- ``full``: every sample in one batch, one update per epoch (batch gradient descent).
- ``sampled``: source 000's "mini-batch". Every sample goes forward alone, but only the sample
  at positions 0, k, 2k, ... of the order (k = ``batch_size``) is backpropagated, alone. So an
  epoch trains on ceil(n / k) samples, exactly like online training on ``order[::k]``; the rest
  only add to the reported loss. It is not mini-batch gradient descent (that averages the
  gradients of all k samples); it is online learning on 1/k of the data.
"""
from .guards import check_choice, check_positive_int

BATCH_MODES = ("online", "minibatch", "full", "sampled")


def plan(order, mode, batch_size):
    check_choice("batch_mode", mode, BATCH_MODES)
    batch_size = check_positive_int("batch_size", batch_size)
    if mode == "online":
        for i in order:
            yield [i], True
    elif mode == "minibatch":
        # FIX: sampled-backprop
        for start in range(0, len(order), batch_size):
            yield order[start:start + batch_size], True
    elif mode == "full":
        yield order, True
    else:  # sampled
        # QUIRK: sampled-backprop
        for position, i in enumerate(order):
            yield [i], position % batch_size == 0


def n_batches(n, mode, batch_size):
    """How many batches ``plan`` yields for ``n`` samples (a progress bar's length)."""
    return {"online": n, "sampled": n, "full": 1}.get(mode, -(-n // batch_size))
