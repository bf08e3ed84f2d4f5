"""Evaluation: a model's loss and accuracy on a dataset, a batch at a time, changing nothing."""
from dataclasses import dataclass

import numpy as np

from ..guards import check_positive_int
from ..guards.memory import forward_row_bytes, rows_that_fit
from .dataset import check_dataset

# What one evaluation batch's forward pass may hold at most, whatever memory is free: a model's
# evaluation costs about its own size, not a thousand times it.
MAX_BATCH_BYTES = 2**28


@dataclass
class Evaluation:
    """The mean loss over a dataset, the accuracy (None for regression) and the predictions:
    class indices (n,) for classification, the outputs (n, k) for regression."""
    loss: float
    accuracy: object
    predictions: np.ndarray


def evaluate(model, dataset, batch_size=1000):
    """Loss and accuracy of ``model`` on ``dataset``, ``batch_size`` rows at a time (so a 10,000
    image test set never exists as one float64 array), or fewer where a batch of the model's
    forward pass would hold more than MAX_BATCH_BYTES or a quarter of the memory the process
    may still take (a stranger's model 200,000 neurons wide: 4.8 MB a row, 4.8 GB for 1,000
    rows). Changes no parameter."""
    check_dataset("dataset", dataset)
    batch_size = check_positive_int("batch_size", batch_size)
    sizes = getattr(model, "layer_sizes", None) or [dataset.n_features, dataset.n_outputs]
    row_bytes = forward_row_bytes(sizes)
    batch_size = rows_that_fit(row_bytes, min(batch_size, max(1, MAX_BATCH_BYTES // row_bytes)))
    total, outputs = 0.0, []
    for start in range(0, len(dataset), batch_size):
        X_b, Y_b = dataset.batch(slice(start, start + batch_size))
        # FIX: backprop-on-test
        output, loss = model.output_and_loss(X_b, Y_b)
        total += loss * len(X_b)
        outputs.append(output)
    outputs = np.concatenate(outputs)
    loss = total / len(dataset)
    if dataset.is_classification:
        predictions = outputs.argmax(axis=1)
        return Evaluation(loss, float(np.mean(predictions == dataset.labels)), predictions)
    return Evaluation(loss, None, outputs)
