"""Where to start reading a failing report: the failures of a report are ranked by how
directly they point at a value. A wrong forward pass or loss first (everything after it
inherits it), then a wrong gradient (named at the first layer, counting from the output, where
it differs: backprop starts there), then an input written in place, an answer that changes
from call to call, a wrong update. The first failure in that order is the start (studied by
studies.py); the rest are listed under it as failing with it. A pattern is named only when the
network's own numbers fit it (patterns.py).
"""
import re

import numpy as np

from .checks import Mismatch
from .contract import ContractError
from .diagnosis import Diagnosis, _numbers, _place_in_name
from .studies import STUDIES, _study_square

START = ("forward_and_loss_equal_the_reference", "gradient_equals_the_reference",
         "nothing_handed_in_is_changed", "results_are_repeatable",
         "sgd_step_follows_the_gradient")



def diagnose(results, make):
    """The :class:`Diagnosis` of a report's results, or None when nothing failed."""
    failed = [r for r in results if r.status == "FAILED"]
    if not failed:
        return None
    rank = {name: k for k, name in enumerate(START)}
    root = min(failed, key=lambda r: rank.get(r.name, len(START)))
    diagnosis = None
    if not isinstance(root.failure, ContractError) or isinstance(root.failure, Mismatch):
        study = STUDIES.get(root.name)
        try:
            with np.errstate(all="ignore"):
                diagnosis = study(root, make) if study else None
        except Exception:  # noqa: BLE001 - a diagnosis that cannot be made is left out
            diagnosis = None
    if diagnosis is None and getattr(root.failure, "original", None) is not None \
            and "read-only" not in str(root.failure):
        try:
            with np.errstate(all="ignore"):
                diagnosis = _study_square(root, make)
        except Exception:  # noqa: BLE001 - it raises on square layers too
            diagnosis = None
    if diagnosis is None:
        diagnosis = _from_the_failure(root)
    diagnosis.with_it = [r.name for r in failed if r is not root]
    return diagnosis


def soft_targets_only(result, fn, make):
    """True when the failing example's cross-entropy targets are probabilities and the
    property ``fn`` holds on the same example with one-hot rows, or 0/1 labels for binary
    cross-entropy (the evidence for --one-hot)."""
    case = result.example["case"]
    Y = np.asarray(case.Y)
    if case.loss == "half_mse" or np.all(np.isin(Y, (0.0, 1.0))):
        return False
    hot = np.eye(Y.shape[1])[Y.argmax(axis=1)] if case.loss == "cross_entropy" else \
        (Y >= 0.5).astype(np.float64)
    try:
        with np.errstate(all="ignore"):
            fn(make, dict(result.example, case=case.replace(Y=hot)))
    except Exception:  # noqa: BLE001 - it failed (or was rejected) on one-hot rows too
        return False
    return True


def _from_the_failure(result):
    """What the failure itself says: the quantity that differed, or what the network did."""
    failure = result.failure
    n_layers = len(result.example["case"].weights)
    if isinstance(failure, Mismatch):
        layer, index, parameter = _place_in_name(failure.name, n_layers)
        return Diagnosis(result.name, f"{result.name}: {failure.name} differs", layer, index,
                         parameter, _numbers(failure.name, failure.mine, failure.ref))
    text = str(failure).strip()
    first = text.splitlines()[0] if text else type(failure).__name__
    layer, index, parameter = _place_in_name(first, n_layers)
    diagnosis = Diagnosis(result.name, f"{result.name}: {first}", layer, index, parameter)
    if "read-only" in first:   # the arrays handed over are read-only: a write raises
        in_update = first.startswith(("train_step", "set_parameters"))
        diagnosis.layer, diagnosis.parameter = ("every", "W and b") if in_update else ("input",
                                                                                        "X")
        diagnosis.pattern = "input-written-in-place"
        diagnosis.pattern_text = ("your code wrote into an array it was handed (the checker "
                                  "hands them over read-only); copy it before changing it")
    shapes = re.search(r"returned shape \(([\d, ]*)\); expected \(([\d, ]*)\)", first)
    if shapes and parameter:
        got, wanted = (tuple(int(x) for x in g.split(",") if x.strip())
                       for g in shapes.groups())
        if parameter == "W" and got == wanted[::-1]:
            diagnosis.pattern = "dW-transposed"
            diagnosis.pattern_text = ("dW has the transposed shape: delta and the layer's input "
                                      "are multiplied in the wrong order (dW = delta^T a_prev, "
                                      "shaped (fan_out, fan_in))")
        elif parameter == "b" and len(got) == 2 and got[1:] == wanted:
            diagnosis.pattern = "db-one-row-per-sample"
            diagnosis.pattern_text = ("db has one row per sample: the sum over the batch "
                                      "(axis 0) is missing")
    return diagnosis
