"""Examples as plain data, so that a counterexample can be stored as JSON and read back
exactly: numbers, strings, lists, and tagged dicts for arrays and cases."""
import numpy as np

from .checks import Case

CASE_FIELDS = ("weights", "biases", "activations", "loss", "X", "Y")


def to_plain(value):
    """JSON-ready data. Floats stay floats, which JSON writes by ``repr``: exact round trips."""
    if isinstance(value, Case):
        plain = {k: to_plain(getattr(value, k)) for k in CASE_FIELDS}
        if value.l2:   # a case without a penalty reads as it did before there were any
            plain.update(l2=value.l2, penalty=value.penalty)
        return {"Case": plain}
    if isinstance(value, np.ndarray):
        return {"array": value.tolist(), "dtype": str(value.dtype), "shape": list(value.shape)}
    if isinstance(value, (list, tuple)):
        return [to_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: to_plain(v) for k, v in value.items()}
    if isinstance(value, (np.integer, np.floating, np.bool_)):
        return value.item()
    return value


def from_plain(value):
    """The inverse of :func:`to_plain`."""
    if isinstance(value, dict) and set(value) == {"Case"}:
        return Case(**{k: from_plain(v) for k, v in value["Case"].items()})
    if isinstance(value, dict) and set(value) == {"array", "dtype", "shape"}:
        return np.array(value["array"], dtype=value["dtype"]).reshape(value["shape"])
    if isinstance(value, dict):
        return {k: from_plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [from_plain(v) for v in value]
    return value
