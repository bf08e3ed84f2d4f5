"""Which rows each step of an epoch sees, for the four batch modes of docs/semantics.md."""
import numpy as np

BATCH_MODES = ("online", "minibatch", "full", "sampled")


def batches(order, mode, batch_size):
    """Yield (rows, learn) for one epoch visiting the samples in `order` (a permutation of n).

    rows index X and Y; learn says whether a step follows the forward pass (False only for the
    samples "sampled" mode skips: they are forwarded for the reported loss and nothing else).
    """
    n = len(order)
    if mode == "online":                      # a step after every sample
        for i in range(n):
            yield order[i:i + 1], True
    elif mode == "minibatch":                 # the last batch may be smaller
        for start in range(0, n, batch_size):
            yield order[start:start + batch_size], True
    elif mode == "full":                      # one step per epoch on every row
        yield np.asarray(order), True
    elif mode == "sampled":
        # The coursework's mode (source 000): forward every sample, backprop only at positions
        # p % k == 0, so the epoch trains on ceil(n / k) samples, 1/k of the data. A quirk, kept
        # because it is what the coursework did (pitfall sampled-backprop), not a mini-batch.
        for p in range(n):
            yield order[p:p + 1], p % batch_size == 0
    else:
        raise ValueError(f"batch_mode: got {mode!r}; expected one of {list(BATCH_MODES)}")
