"""What the demos share: the result of a demo, the small problems they run on, and running the
buggy and the fixed component the same way."""
import functools
import math
from dataclasses import dataclass, field

import numpy as np

from .. import io, training
from ..gradcheck import check_gradient
from ..initializers import INITIALIZERS
from ..training import Dataset

GLOROT = INITIALIZERS["glorot_uniform"]


@dataclass
class Plot:
    """What a demo's figure draws: the quantity its measure names, for both runs.

    - ``kind``: "curves" (a value per epoch, step or evaluation), "bars" (one number per run)
      or "scatter" ((x, y) points per run, beside the line y = x);
    - ``y_label``: the quantity on the y axis, words that the demo's ``measure`` contains;
    - ``series``: per run (keyed by the result's labels) its values, or its (x, y);
    - ``stops``: per run, (x, why) where it stopped early (a non-finite loss), marked;
    - ``line``: (y, text), a bound to draw across (the gradient check's 1e-6);
    - ``log``: a logarithmic y axis."""
    kind: str
    y_label: str
    x_label: str = ""
    series: dict = field(default_factory=dict)
    stops: dict = field(default_factory=dict)
    line: tuple = None
    log: bool = False
    legend: str = "its measure"   # what the legend's numbers are (the measure, by default)


@dataclass
class DemoResult:
    """The two runs compared. ``measure`` names the number that shows the symptom; ``buggy``
    and ``fixed`` are its values; ``lower_is_better`` says which way is good. ``labels`` name
    the two runs ("buggy" and "fixed"; a quirk names its two semantics instead); ``plot`` is
    what the figure draws."""
    id: str
    problem: str
    measure: str
    buggy: float
    fixed: float
    lower_is_better: bool
    lines: list = field(default_factory=list)
    plot: Plot = None
    labels: tuple = ("buggy", "fixed")

    @property
    def worse(self):
        """The buggy run is worse by the measure (a nan or inf counts as worse)."""
        if not math.isfinite(self.buggy):
            return math.isfinite(self.fixed) or self.lower_is_better is None
        if not math.isfinite(self.fixed):
            return False
        return self.buggy > self.fixed if self.lower_is_better else self.buggy < self.fixed


# --- small problems --------------------------------------------------------------------------
def blobs(rng, n, n_classes=3, spread=0.7, name="data"):
    """Three overlapping Gaussian classes in two dimensions."""
    y = np.arange(n) % n_classes
    centres = np.array([[0.0, 1.5], [1.3, -0.8], [-1.3, -0.8]])[:n_classes]
    X = centres[y] + spread * rng.standard_normal((n, 2))
    return Dataset(X, labels=y, n_classes=n_classes, name=name)


def iris(rng, scale=True):
    """Iris split 60/20/20 (stratified); features scaled by the training range, or raw."""
    X, y, _ = io.load_iris()
    train, valid, test = training.split_indices(y, (0.6, 0.2, 0.2), rng)
    if scale:
        X_train, X = training.min_max_scale(X[train], X)
    return [Dataset(X[rows], labels=y[rows], n_classes=3, name=name)
            for rows, name in ((train, "train"), (valid, "valid"), (test, "test"))]


def curve(rng, f, n, name):
    x = rng.uniform(-np.pi, np.pi, n)
    return Dataset(x[:, None], targets=f(x)[:, None], name=name)


@functools.lru_cache(maxsize=1)
def mnist_once():
    return io.load_mnist()


def mnist_subset(rng, n_train=1000, n_valid=500):
    """The first MNIST digits: a random ``n_train`` of the training images and ``n_valid`` of
    the test images, pixels scaled to [0, 1] a batch at a time."""
    X, y, X_test, y_test = mnist_once()
    train = rng.choice(len(X), n_train, replace=False)
    valid = rng.choice(len(X_test), n_valid, replace=False)
    return (Dataset(X[train], labels=y[train], n_classes=10, divisor=255, name="train"),
            Dataset(X_test[valid], labels=y_test[valid], n_classes=10, divisor=255,
                    name="valid"))


# --- helpers ---------------------------------------------------------------------------------
def make_net(factory, sizes, activations, loss, seed, draw=GLOROT):
    return factory.network(sizes, activations, loss, draw, np.random.default_rng(seed))


def run_training(model, train_data, valid_data, seed, train=training.train, errstate=None,
           **settings):
    # The buggy runs overflow: that is what they show (errstate: say otherwise).
    with np.errstate(**(errstate or {"all": "ignore"})):
        return train(model, train_data, valid_data, rng=np.random.default_rng(seed), **settings)


def final_value(result, key="valid_loss"):
    values = result.history[key]
    return values[-1] if values else math.nan


def epochs_table(results, key, label, fmt="{:>12.5g}", every=None):
    """Rows 'epoch | buggy | fixed' of one history key."""
    lines = [f"{'epoch':>6} {'buggy ' + label:>22} {'fixed ' + label:>22}"]
    longest = max(len(r.history[key]) for r in results)
    every = every or max(1, longest // 10)
    for e in range(longest):
        if (e + 1) % every and e not in (0, longest - 1):
            continue
        cells = [fmt.format(r.history[key][e]) if e < len(r.history[key]) else "(stopped)"
                 for r in results]
        lines.append(f"{e + 1:>6} {cells[0]:>22} {cells[1]:>22}")
    return lines


def gradcheck_error(model, X, Y):
    """The largest relative error, over the parameter arrays, of the gradient against central
    differences of the loss (neuronnet.gradcheck; the pass bound is 1e-6)."""
    return max(check_gradient(model, X, Y).relative_errors)


def compare_training(pid, problem, make_buggy, make_fixed, train_data, valid_data, seed,
                      measure, key, lower_is_better=True, label="valid loss", buggy=None,
                      errstate=None, y_label=None, labels=("buggy", "fixed"), **settings):
    """Train the buggy and the fixed model the same way (``buggy``: settings that differ for
    the buggy run); compare the history's last ``key``, and plot that key per epoch (named
    ``y_label``), each early stop marked."""
    results = []
    for make, overrides in ((make_buggy, buggy or {}), (make_fixed, {})):
        results.append(run_training(make(), train_data, valid_data, seed, errstate=errstate,
                              **{**settings, **overrides}))
    buggy, fixed = results
    lines = epochs_table(results, key, label)
    lines += [f"stopped: buggy: {buggy.stop_reason}; fixed: {fixed.stop_reason}"]
    plot = Plot("curves", y_label or HISTORY_LABELS[key], "epoch",
                {name: r.history[key] for name, r in zip(labels, results)},
                {name: (epochs_trained(r), r.stop_reason)
                 for name, r in zip(labels, results) if r.diverged})
    return DemoResult(pid, problem, measure, final_value(buggy, key), final_value(fixed, key),
                      lower_is_better, lines, plot, labels)


def epochs_trained(result):
    """The epochs a run completed (the history has a row for each; a diverged epoch has
    none), the loop's own count, as its stop reason says."""
    return len(result.history["epoch"])


HISTORY_LABELS = {"valid_loss": "validation loss", "train_loss": "training loss",
                  "valid_accuracy": "validation accuracy", "lr": "learning rate"}


# --- the demos -------------------------------------------------------------------------------
