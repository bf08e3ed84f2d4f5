"""The shrunk counterexample of each bug of the catalogue, stored as plain data in
counterexamples.json: the property that found it (by its function's name), the example as
plain numbers, and the failure it gave when it was recorded (shown in the docs; the tests
replay the example itself, on the variant and on the real component).

Written by ``PITFALLS_RECORD=1 CI=true python -m pytest tests/pitfalls/test_catalogue.py``, which asks
hypothesis (``hypothesis.find``, derandomized) for the smallest example on which the variant
fails the property. Do not edit by hand.
"""
import json
from importlib import resources

FILE = "counterexamples.json"


def read():
    """``{pitfall id: {"property": name, "example": {...}, "finding": text}}``."""
    return json.loads(resources.files(__package__).joinpath(FILE).read_text(encoding="utf-8"))


COUNTEREXAMPLES = read()


def one_line(example, limit=240):
    """An example as a short line: plain values first, then a network case as its architecture
    and its numbers."""
    parts = [f"{k}={_short(v)}" for k, v in example.items() if not _is_case(v)]
    parts += [_case_line(v["Case"]) for v in example.values() if _is_case(v)]
    line = "; ".join(parts)
    return line if len(line) <= limit else line[:limit - 3] + "..."


def _is_case(value):
    return isinstance(value, dict) and set(value) == {"Case"}


def _is_array(value):
    return isinstance(value, dict) and "array" in value


def _short(value):
    if _is_array(value):
        size = 1
        for s in value["shape"]:
            size *= s
        return f"<{tuple(value['shape'])} array>" if size > 12 else repr(value["array"])
    if isinstance(value, list):
        if len(value) > 8:
            return f"<{len(value)} values>"
        return "[" + ", ".join(_short(v) for v in value) + "]"
    if _is_case(value):
        return _case_line(value["Case"])
    return repr(value)


def _case_line(case):
    sizes = [case["weights"][0]["shape"][1]] + [W["shape"][0] for W in case["weights"]]
    net = (f"net {sizes} {'/'.join(case['activations'])}, {case['loss']}, batch "
           f"{case['X']['shape'][0]}")
    numbers = [f"W_{l}={_short(W)}, b_{l}={_short(b)}"
               for l, (W, b) in enumerate(zip(case["weights"], case["biases"]))]
    return f"{net}: X={_short(case['X'])}, Y={_short(case['Y'])}, " + ", ".join(numbers)
