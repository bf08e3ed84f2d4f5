"""The ready adapters' tests' shared pieces (tests/verify/test_adapters.py and
tests/verify/adapters/): a corpus network loaded as a fresh module, a drawn example of an
architecture, and the oracle for it."""
import importlib.util
import types
from pathlib import Path

import numpy as np

from neuronnet.verify.checks import Case
from reference import MLP

CORPUS = Path(__file__).resolve().parents[1] / "examples" / "corpus"


def load(name, text=None):
    """examples/corpus/NAME.py as a fresh module (or ``text`` in its place)."""
    path = CORPUS / f"{name}.py"
    if text is None:
        spec = importlib.util.spec_from_file_location(f"_adapted_{name}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    module = types.ModuleType(f"_adapted_{name}_variant")
    exec(compile(text, str(path), "exec"), module.__dict__)
    return module


def drawn_case(rng, sizes, activations, loss, n=4, one_hot=False):
    """Weights in [-1.5, 1.5], X in [-2, 2]; targets the loss takes: any reals (half-MSE),
    one-hot rows or probability rows (cross-entropy), 0/1 or probabilities (binary)."""
    weights = [rng.uniform(-1.5, 1.5, (fo, fi)) for fi, fo in zip(sizes, sizes[1:])]
    biases = [rng.uniform(-1, 1, fo) for fo in sizes[1:]]
    X = rng.uniform(-2, 2, (n, sizes[0]))
    if loss == "half_mse":
        Y = rng.uniform(-1, 1, (n, sizes[-1]))
    elif loss == "binary_cross_entropy":
        Y = rng.integers(0, 2, (n, 1)).astype(np.float64) if one_hot else rng.uniform(0, 1, (n, 1))
    elif one_hot:
        Y = np.eye(sizes[-1])[rng.integers(0, sizes[-1], n)]
    else:
        Y = rng.dirichlet(np.ones(sizes[-1]), n)
    return Case(weights, biases, list(activations), loss, X, Y)


def reference(weights, biases, activations, loss, l2=0.0):
    """The oracle; its ``l2`` is the l2 / (2n) form (Case.reference_l2 converts a reg)."""
    return MLP.from_arrays(weights, biases, activations, loss, l2=l2)


def reference_of(case):
    """The oracle of ``case``, its penalty included in the oracle's form."""
    return reference(case.weights, case.biases, case.activations, case.loss,
                     l2=case.reference_l2())
