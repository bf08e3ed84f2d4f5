"""Each pitfall's symptom, shown: the buggy and the fixed component side by side on a small
problem (a few seconds each), measured the way the symptom shows itself: loss curves,
gradient-check errors, accuracies, a cache that changed under your feet.

``run(ID)`` returns a :class:`DemoResult`; ``neuronnet pitfalls demo ID`` prints its table and,
with ``--plot DIR``, draws both curves into one PNG.
"""
import functools
import math
from dataclasses import dataclass, field

import numpy as np

from .. import io, training
from ..training import Dataset
from ..gradcheck import check_gradient
from ..initializers import INITIALIZERS
from ..losses import CrossEntropy
from ..training.schedules import LossThreshold
from . import variants
from .catalogue import get
from .variants import REAL

GLOROT = INITIALIZERS["glorot_uniform"]


@dataclass
class DemoResult:
    """The two runs compared. ``measure`` names the number that shows the symptom; ``buggy``
    and ``fixed`` are its values; ``lower_is_better`` says which way is good. ``curves`` are
    the per-epoch losses (or another per-step quantity, named by ``curve_label``)."""
    id: str
    problem: str
    measure: str
    buggy: float
    fixed: float
    lower_is_better: bool
    lines: list = field(default_factory=list)
    curves: dict = field(default_factory=dict)
    curve_label: str = "training loss"

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
def _mnist():
    return io.load_mnist()


def mnist_subset(rng, n_train=1000, n_valid=500):
    """The first MNIST digits: a random ``n_train`` of the training images and ``n_valid`` of
    the test images, pixels scaled to [0, 1] a batch at a time."""
    X, y, X_test, y_test = _mnist()
    train = rng.choice(len(X), n_train, replace=False)
    valid = rng.choice(len(X_test), n_valid, replace=False)
    return (Dataset(X[train], labels=y[train], n_classes=10, divisor=255, name="train"),
            Dataset(X_test[valid], labels=y_test[valid], n_classes=10, divisor=255,
                    name="valid"))


# --- helpers ---------------------------------------------------------------------------------
def _net(factory, sizes, activations, loss, seed, draw=GLOROT):
    return factory.network(sizes, activations, loss, draw, np.random.default_rng(seed))


def _train(model, train_data, valid_data, seed, train=training.train, errstate=None,
           **settings):
    # The buggy runs overflow: that is what they show (errstate: say otherwise).
    with np.errstate(**(errstate or {"all": "ignore"})):
        return train(model, train_data, valid_data, rng=np.random.default_rng(seed), **settings)


def _final(result, key="valid_loss"):
    values = result.history[key]
    return values[-1] if values else math.nan


def _epochs_table(results, key, label, fmt="{:>12.5g}", every=None):
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


def _gradcheck_error(model, X, Y):
    """The largest relative error, over the parameter arrays, of the gradient against central
    differences of the loss (neuronnet.gradcheck; the pass bound is 1e-6)."""
    return max(check_gradient(model, X, Y).relative_errors)


def _compare_training(pid, problem, make_buggy, make_fixed, train_data, valid_data, seed,
                      measure, key, lower_is_better=True, label="valid loss", buggy=None,
                      errstate=None, **settings):
    """Train the buggy and the fixed model the same way (``buggy``: settings that differ for
    the buggy run); compare the history's last ``key``."""
    results = []
    for make, overrides in ((make_buggy, buggy or {}), (make_fixed, {})):
        results.append(_train(make(), train_data, valid_data, seed, errstate=errstate,
                              **{**settings, **overrides}))
    buggy, fixed = results
    lines = _epochs_table(results, key, label)
    lines += [f"stopped: buggy: {buggy.stop_reason}; fixed: {fixed.stop_reason}"]
    return DemoResult(pid, problem, measure, _final(buggy, key), _final(fixed, key),
                      lower_is_better, lines,
                      {"buggy": buggy.history["train_loss"], "fixed": fixed.history["train_loss"]})


# --- the demos -------------------------------------------------------------------------------
def _gradient_on_iris(pid, hidden, seed):
    """A gradient check of the buggy and the fixed network on 10 iris samples, then both trained
    30 epochs: the check fails by orders of magnitude before training shows much."""
    rng = np.random.default_rng(seed)
    train_data, valid_data, _ = iris(rng)
    p = get(pid)
    sizes, acts = [4, 8, 3], [hidden, "identity"]
    X, Y = train_data.batch(slice(0, 10))
    errors = [_gradcheck_error(_net(f, sizes, acts, "cross_entropy", seed), X, Y)
              for f in (p.factory, REAL)]
    result = _compare_training(p.id, f"iris, 4-8-3 with a {hidden} hidden layer, softmax "
                               "cross-entropy",
                               lambda: _net(p.factory, sizes, acts, "cross_entropy", seed),
                               lambda: _net(REAL, sizes, acts, "cross_entropy", seed),
                               train_data, valid_data, seed, "", "valid_loss", epochs=30,
                               batch_size=16, optimizer="momentum", lr=0.1)
    result.measure = "gradient-check relative error (bound 1e-6)"
    result.buggy, result.fixed = errors
    result.lines.insert(0, f"gradient check on 10 samples: buggy {errors[0]:.2e}, fixed "
                           f"{errors[1]:.2e}")
    return result


def _momentum(seed):
    rng = np.random.default_rng(seed)
    train_data, valid_data = mnist_subset(rng)
    sizes, acts = [784, 30, 10], ["sigmoid", "identity"]
    lr, mu = 0.1, 0.9
    return _compare_training(
        "momentum-overwrites-weights",
        "1,000 MNIST digits, 784-30-10 sigmoid, momentum lr 0.1, mu 0.9, batches of 32",
        lambda: _net(REAL, sizes, acts, "cross_entropy", seed),
        lambda: _net(REAL, sizes, acts, "cross_entropy", seed),
        train_data, valid_data, seed, "validation accuracy after 4 epochs", "valid_accuracy",
        lower_is_better=False, label="valid acc", epochs=4, batch_size=32, lr=lr, momentum=mu,
        optimizer="momentum",
        # The trainer hands the optimizer to train_step, which takes a name or an object.
        buggy={"optimizer": variants.MomentumWithoutVelocity(lr, mu)})


def _best_model(seed):
    rng = np.random.default_rng(seed)
    train_data, valid_data = blobs(rng, 24, name="train"), blobs(rng, 60, name="valid")
    sizes, acts = [2, 40, 3], ["tanh", "identity"]
    runs = []
    for train in (variants.train_with_aliased_best, training.train):
        result = _train(_net(REAL, sizes, acts, "cross_entropy", seed), train_data, valid_data,
                        seed, train=train, epochs=60, batch_size=8, optimizer="momentum",
                        lr=0.1)
        runs.append((result, training.evaluate(result.best_model, valid_data).loss))
    (buggy, b_loss), (fixed, f_loss) = runs
    lines = _epochs_table([buggy, fixed], "valid_loss", "valid loss")
    lines += [f"best epoch reported: {buggy.best_epoch} (both runs), lowest validation loss "
              f"{min(fixed.history['valid_loss']):.5f}",
              f"validation loss of the returned best model: buggy {b_loss:.5f} (the last "
              f"epoch's), fixed {f_loss:.5f}"]
    return DemoResult("best-model-aliasing", "24 noisy 2-D points in 3 classes, 2-40-3 tanh, "
                      "60 epochs: it overfits, so the validation loss turns up",
                      "validation loss of the returned best model", b_loss, f_loss, True, lines,
                      {"buggy": buggy.history["valid_loss"], "fixed": fixed.history["valid_loss"]},
                      "validation loss")


def _schedule(seed):
    rng = np.random.default_rng(seed)
    train_data, valid_data = curve(rng, np.sin, 200, "train"), curve(rng, np.sin, 200, "valid")
    steps = [(0.05, 0.05), (0.02, 0.03), (0.01, 0.02), (0.005, 0.01)]
    runs = []
    for cls in (variants.LossThresholdLargestFirst, LossThreshold):
        runs.append(_train(_net(REAL, [1, 10, 1], ["tanh", "identity"], "half_mse", seed),
                           train_data, valid_data, seed, epochs=60, batch_size=20,
                           optimizer="sgd", schedule=cls(0.1, steps)))
    buggy, fixed = runs
    lines = [f"schedule: lr 0.1 above every threshold, then {steps} (loss threshold, rate)"]
    lines += _epochs_table(runs, "lr", "rate", fmt="{:>12.3g}")
    lines += _epochs_table(runs, "train_loss", "train loss")
    used = [len(set(r.history["lr"])) for r in runs]
    lines.append(f"distinct rates used: buggy {used[0]}, fixed {used[1]} of {len(steps) + 1}")
    return DemoResult("unreachable-schedule", "sin(x), 1-10-1 tanh, SGD with the coursework's "
                      "loss-threshold schedule", "distinct learning rates used", used[0],
                      used[1], False, lines,
                      {"buggy": buggy.history["lr"], "fixed": fixed.history["lr"]},
                      "learning rate")


def _cos_problem(seed):
    rng = np.random.default_rng(seed)
    return curve(rng, np.cos, 200, "train"), curve(rng, np.cos, 200, "valid")


def _bias_off_by_one(seed):
    train_data, valid_data = _cos_problem(seed)
    p = get("bias-off-by-one")
    sizes, acts = [1, 10, 1], ["tanh", "identity"]
    return _compare_training(
        p.id, "cos(x) on [-pi, pi] (even: the hidden units must shift), 1-10-1 tanh, biases "
        "start at 0", lambda: _net(p.factory, sizes, acts, "half_mse", seed),
        lambda: _net(REAL, sizes, acts, "half_mse", seed), train_data, valid_data, seed,
        "validation half-MSE after 150 epochs", "valid_loss", epochs=150, batch_size=20,
        optimizer="momentum", lr=0.05)


def _staircase(x):
    return np.tanh(1.5 * (x + 2)) + np.tanh(1.5 * x) + np.tanh(1.5 * (x - 2))


def _shared_bias(seed):
    rng = np.random.default_rng(seed)
    train_data, valid_data = (curve(rng, _staircase, 100, name) for name in ("train", "valid"))
    sizes, acts = [1, 3, 1], ["tanh", "identity"]

    def shared():
        net = _net(REAL, sizes, acts, "half_mse", seed)
        net.layers[0] = variants.SharedBiasLayer(net.layers[0].neurons, 0.0)
        return net
    return _compare_training(
        "shared-layer-bias", "a staircase of three equal tanh steps at -2, 0 and 2; three tanh "
        "units, one per step, each needing its own offset (-3, 0, 3)", shared,
        lambda: _net(REAL, sizes, acts, "half_mse", seed), train_data, valid_data, seed,
        "validation half-MSE after 200 epochs", "valid_loss", epochs=200, batch_size=10,
        optimizer="momentum", lr=0.05)


def _backprop_on_test(seed):
    rng = np.random.default_rng(seed)
    train_data, test_data = blobs(rng, 60, name="train"), blobs(rng, 60, name="test")
    runs = []
    for evaluate in (variants.evaluate_with_backprop, training.evaluate):
        model = _net(REAL, [2, 10, 3], ["tanh", "identity"], "cross_entropy", seed)
        _train(model, train_data, None, seed, epochs=5, batch_size=10, optimizer="momentum",
               lr=0.1)
        before = model.parameters()
        reports = [evaluate(model, test_data, batch_size=10) for _ in range(5)]
        drift = max(float(np.max(np.abs(a - b))) for a, b in zip(before, model.parameters()))
        runs.append(([r.loss for r in reports], [r.accuracy for r in reports], drift))
    lines = [f"{'evaluation':>10} {'buggy test loss':>16} {'fixed test loss':>16} "
             f"{'buggy acc %':>12} {'fixed acc %':>12}"]
    for k in range(5):
        lines.append(f"{k + 1:>10} {runs[0][0][k]:>16.5f} {runs[1][0][k]:>16.5f} "
                     f"{100 * runs[0][1][k]:>12.2f} {100 * runs[1][1][k]:>12.2f}")
    lines.append(f"largest parameter change made by 5 evaluations: buggy {runs[0][2]:.3g}, "
                 f"fixed {runs[1][2]:.3g}")
    return DemoResult("backprop-on-test", "a 2-10-3 tanh classifier trained 5 epochs, then its "
                      "test set evaluated 5 times", "largest parameter change made by "
                      "evaluating", runs[0][2], runs[1][2], True, lines,
                      {"buggy": runs[0][0], "fixed": runs[1][0]}, "test loss per evaluation")


def _unscaled(pid, factory, hidden, seed, errstate=None):
    """Iris with its raw features times 1000: pre-activations and logits in the thousands from
    the first step, as with unscaled inputs (seed 000 fed raw 0-255 pixels)."""
    rng = np.random.default_rng(seed)
    train_data, valid_data, _ = iris(rng, scale=False)
    train_data, valid_data = (Dataset(d.X * 1000, labels=d.labels, n_classes=3, name=d.name)
                              for d in (train_data, valid_data))
    sizes, acts = [4, 10, 3], [hidden, "identity"]
    result = _compare_training(
        pid, f"iris, raw features times 1000 (inputs far too large), 4-10-3 {hidden}, softmax "
        "cross-entropy, SGD lr 1e-6", lambda: _net(factory, sizes, acts, "cross_entropy", seed),
        lambda: _net(REAL, sizes, acts, "cross_entropy", seed), train_data, valid_data, seed,
        "epochs trained before a non-finite loss stopped training", "train_loss",
        label="train loss", epochs=15, batch_size=16, optimizer="sgd", lr=1e-6,
        errstate=errstate)
    result.buggy, result.fixed = (len(r) for r in result.curves.values())
    result.lower_is_better = False
    return result


def _softmax_overflow(seed):
    return _unscaled("softmax-overflow", get("softmax-overflow").factory, "relu", seed)


def _log_of_zero(seed):
    return _unscaled("log-of-zero", get("log-of-zero").factory, "relu", seed)


def _tanh_overflow(seed):
    return _unscaled("tanh-overflow", get("tanh-overflow").factory, "tanh", seed)


def _sigmoid_overflow(seed):
    result = _unscaled("sigmoid-overflow", get("sigmoid-overflow").factory, "sigmoid", seed)
    rng = np.random.default_rng(seed)
    X, _ = iris(rng, scale=False)[0].batch(slice(None))
    counts = []
    for factory in (get("sigmoid-overflow").factory, REAL):
        net = _net(factory, [4, 10, 3], ["sigmoid", "identity"], "cross_entropy", seed)
        seen = []
        old = np.seterrcall(lambda kind, flag: seen.append(kind))
        try:
            with np.errstate(all="ignore", over="call"):
                for row in X * 1000:  # one sample at a time, as the coursework did
                    net.forward(row[None, :])
        finally:
            np.seterrcall(old)
        counts.append(len(seen))
    result.lines.insert(0, f"forward passes over the {len(X)} training samples, one at a time: "
                           f"{counts[0]} floating-point overflows in the buggy sigmoid, "
                           f"{counts[1]} in the fixed one. The values are the same (1/inf = 0 "
                           "is right; the training curves agree), but each overflow warns, and "
                           "raises under np.seterr(all='raise')")
    result.measure = "floating-point overflows in forward passes over the training set"
    result.buggy, result.fixed, result.lower_is_better = counts[0], counts[1], True
    return result


def _cache_and_upstream(pid, seed):
    """A ReLU network: one forward and one backward pass, then what the caller's arrays hold;
    and training curves, identical: the mutation is silent."""
    rng = np.random.default_rng(seed)
    train_data, valid_data = blobs(rng, 60, name="train"), blobs(rng, 30, name="valid")
    p = get(pid)
    sizes, acts = [2, 8, 3], ["relu", "identity"]
    X, Y = train_data.batch(slice(0, 20))
    values = []
    for factory in (p.factory, REAL):
        net = _net(factory, sizes, acts, "cross_entropy", seed)
        if pid == "relu-grad-mutates-cache":
            net.gradient(X, Y)
            truth = X @ np.array([n.weights for n in net.layers[0].neurons]).T + \
                np.array([n.bias for n in net.layers[0].neurons])
            cached = np.column_stack([n.z for n in net.layers[0].neurons])
            values.append(float(np.max(np.abs(cached - truth))))
        else:
            layer = net.layers[0]
            layer.forward(X)
            upstream = rng.standard_normal((len(X), layer.fan_out))
            kept = upstream.copy()  # what the caller expects to still have after backward
            layer.backward(upstream)
            values.append(int(np.sum(upstream != kept)))
    result = _compare_training(pid, "", lambda: _net(p.factory, sizes, acts, "cross_entropy",
                                                     seed),
                               lambda: _net(REAL, sizes, acts, "cross_entropy", seed),
                               train_data, valid_data, seed, "", "train_loss", epochs=10,
                               batch_size=10, optimizer="momentum", lr=0.1, label="train loss")
    if pid == "relu-grad-mutates-cache":
        result.problem = "2-8-3 ReLU classifier: a forward and a backward pass on 20 points"
        result.measure = "largest |cached z - true z| after backward"
        words = (f"after backward, the cached z differs from the true pre-activation by up to "
                 f"{values[0]:.3g} (buggy) and {values[1]:.3g} (fixed)")
    else:
        result.problem = "the ReLU layer of a 2-8-3 classifier, backward on a kept upstream " \
                         "gradient of 20 x 8"
        result.measure = "entries of the caller's upstream gradient changed by backward"
        words = (f"the caller's dL/da had {values[0]} entries zeroed by the buggy backward, "
                 f"{values[1]} by the fixed one")
    result.buggy, result.fixed = values
    result.lines = [words, "training is unaffected (the curves are identical): the harm is to "
                    "whoever reads those arrays next"] + result.lines
    return result


def _identity_derivative(seed):
    rng = np.random.default_rng(seed)
    target = lambda x: 2 + 2 * np.sin(x)  # noqa: E731 - from 0 to 4: half of it above 2
    train_data, valid_data = (curve(rng, target, 200, name) for name in ("train", "valid"))
    p = get("identity-derivative")
    sizes, acts = [1, 10, 1], ["tanh", "identity"]
    return _compare_training(
        p.id, "2 + 2 sin(x) on [-pi, pi] (targets 0 to 4), 1-10-1 tanh with an identity output",
        lambda: _net(p.factory, sizes, acts, "half_mse", seed),
        lambda: _net(REAL, sizes, acts, "half_mse", seed), train_data, valid_data,
        seed, "validation half-MSE after 60 epochs", "valid_loss", epochs=60, batch_size=20,
        optimizer="momentum", lr=0.05)


def _biased_init(seed):
    rng = np.random.default_rng(seed)
    train_data, valid_data = mnist_subset(rng)
    sizes, acts = [784, 30, 10], ["sigmoid", "identity"]
    return _compare_training(
        "biased-init", "1,000 MNIST digits, 784-30-10 sigmoid, momentum lr 0.1: weights from "
        "normal(-0.1, 0.02) (seed 004) vs Glorot uniform",
        lambda: _net(REAL, sizes, acts, "cross_entropy", seed, variants.normal_shifted_negative),
        lambda: _net(REAL, sizes, acts, "cross_entropy", seed), train_data, valid_data, seed,
        "validation accuracy after 4 epochs", "valid_accuracy", lower_is_better=False,
        label="valid acc", epochs=4, batch_size=32, optimizer="momentum", lr=0.1)


def _summed_loss(seed):
    rng = np.random.default_rng(seed)
    train_data, valid_data = blobs(rng, 256, name="train"), blobs(rng, 120, name="valid")
    X, Y = valid_data.batch(slice(None))
    p = get("summed-loss")
    sizes, acts = [2, 16, 3], ["tanh", "identity"]
    runs, mean_losses = [], []
    for factory in (p.factory, REAL):
        model = _net(factory, sizes, acts, "cross_entropy", seed)
        runs.append(_train(model, train_data, valid_data, seed, epochs=20, batch_size=64,
                           optimizer="sgd", lr=0.5))
        # Judged by the real (mean) cross-entropy: the buggy model's own loss is a sum.
        mean_losses.append(CrossEntropy().value(model.forward(X), Y))
    lines = _epochs_table(runs, "valid_accuracy", "valid acc")
    lines.append(f"mean validation cross-entropy after 20 epochs: buggy {mean_losses[0]:.4g}, "
                 f"fixed {mean_losses[1]:.4g} (the summed loss steps 64 times too far)")
    return DemoResult(p.id, "256 2-D points in 3 classes, 2-16-3 tanh, SGD lr 0.5 with batches "
                      "of 64 (the summed gradient is 64 times the mean)",
                      "mean validation cross-entropy after 20 epochs", mean_losses[0],
                      mean_losses[1], True, lines,
                      {"buggy": runs[0].history["valid_accuracy"],
                       "fixed": runs[1].history["valid_accuracy"]}, "validation accuracy")


def _sampled(seed):
    rng = np.random.default_rng(seed)
    train_data, valid_data = curve(rng, np.sin, 200, "train"), curve(rng, np.sin, 200, "valid")
    sizes, acts = [1, 10, 1], ["tanh", "identity"]
    runs = []
    for mode in ("sampled", "online"):
        runs.append(_train(_net(REAL, sizes, acts, "half_mse", seed), train_data, valid_data,
                           seed, epochs=30, batch_mode=mode, batch_size=20, optimizer="sgd",
                           lr=0.05))
    lines = ["the same 30 epochs: sampled with k = 20 backpropagates 10 of the 200 samples per "
             "epoch, online all 200"] + _epochs_table(runs, "valid_loss", "valid loss")
    return DemoResult("sampled-backprop", "sin(x), 1-10-1 tanh, SGD lr 0.05, 30 epochs",
                      "validation half-MSE after 30 epochs", _final(runs[0]), _final(runs[1]),
                      True, lines, {"buggy": runs[0].history["train_loss"],
                                    "fixed": runs[1].history["train_loss"]})


def _clipped_log(seed):
    rng = np.random.default_rng(seed)
    p = get("clipped-log")
    # A confidently wrong prediction: the logit of a wrong class 30 above the right one's.
    logits, T = np.array([[30.0, 0.0, -5.0], [2.0, 1.0, 0.5]]), np.eye(3)[[1, 0]]
    true = CrossEntropy().value(logits, T)
    reported = p.variant().value(logits, T)
    train_data, valid_data, _ = iris(rng)
    sizes, acts = [4, 8, 3], ["tanh", "identity"]
    X, Y = train_data.batch(slice(0, 10))
    errors = []
    for factory in (p.factory, REAL):
        net = _net(factory, sizes, acts, "cross_entropy", seed)
        # Make it confidently wrong, as a network is early on or on a mislabelled sample.
        net.set_parameters([w * 8 for w in net.parameters()])
        errors.append(_gradcheck_error(net, X, Y))
    result = _compare_training(p.id, "", lambda: _net(p.factory, sizes, acts, "cross_entropy",
                                                      seed),
                               lambda: _net(REAL, sizes, acts, "cross_entropy", seed),
                               train_data, valid_data, seed, "", "valid_loss", epochs=20,
                               batch_size=16, optimizer="momentum", lr=0.1)
    result.problem = "a batch with one confidently wrong prediction; iris, 4-8-3 tanh"
    result.measure = "gradient-check relative error with large logits (bound 1e-6)"
    result.buggy, result.fixed = errors
    result.lines = [f"loss of the batch {logits.tolist()} with targets {T.argmax(1).tolist()}: "
                    f"reported {reported:.4f}, true {true:.4f} (the 1e-7 caps each sample's "
                    f"loss at {-math.log(1e-7):.1f})",
                    f"gradient check, weights x 8: buggy {errors[0]:.2e}, fixed "
                    f"{errors[1]:.2e}"] + result.lines
    return result


def _test_copy(seed):
    rng = np.random.default_rng(seed)
    points = blobs(rng, 90, spread=1.6)
    # Eight features of pure noise next to the two that matter: room to memorise.
    X = np.hstack([points.X, rng.standard_normal((90, 8))])
    full = Dataset(X, labels=points.labels, n_classes=3)
    sizes, acts = [10, 40, 3], ["tanh", "identity"]
    gaps, lines = [], []
    for name, split in (("buggy", variants.split_test_from_train),
                        ("fixed", training.split_indices)):
        train, valid, test = split(full.labels, (0.6, 0.2, 0.2), np.random.default_rng(seed))
        unseen = np.setdiff1d(np.arange(len(full)), np.concatenate([train, valid]))
        model = _net(REAL, sizes, acts, "cross_entropy", seed)
        _train(model, full.subset(train), full.subset(valid), seed, epochs=100, batch_size=9,
               optimizer="momentum", lr=0.1)
        reported = training.evaluate(model, full.subset(test)).accuracy
        truth = training.evaluate(model, full.subset(unseen)).accuracy
        gaps.append(reported - truth)
        lines.append(f"{name}: reported test accuracy {100 * reported:.1f}%; on the {len(unseen)}"
                     f" rows it never trained on {100 * truth:.1f}%")
    return DemoResult("test-is-training-copy", "90 points in 3 classes, 2 informative features "
                      "and 8 of noise, 10-40-3 tanh trained 100 epochs (it memorises)",
                      "reported test accuracy minus accuracy on unseen rows", gaps[0], gaps[1],
                      True, lines)


DEMOS = {
    "derivative-of-output": lambda seed: _gradient_on_iris("derivative-of-output", "sigmoid",
                                                           seed),
    "momentum-overwrites-weights": _momentum,
    "ce-gradient-on-logits": lambda seed: _gradient_on_iris("ce-gradient-on-logits", "tanh",
                                                            seed),
    "best-model-aliasing": _best_model,
    "unreachable-schedule": _schedule,
    "bias-off-by-one": _bias_off_by_one,
    "shared-layer-bias": _shared_bias,
    "backprop-on-test": _backprop_on_test,
    "softmax-overflow": _softmax_overflow,
    "log-of-zero": _log_of_zero,
    "tanh-overflow": _tanh_overflow,
    "relu-grad-mutates-cache": lambda seed: _cache_and_upstream("relu-grad-mutates-cache", seed),
    "backward-mutates-upstream":
        lambda seed: _cache_and_upstream("backward-mutates-upstream", seed),
    "identity-derivative": _identity_derivative,
    "biased-init": _biased_init,
    "summed-loss": _summed_loss,
    "sampled-backprop": _sampled,
    "clipped-log": _clipped_log,
    "sigmoid-overflow": _sigmoid_overflow,
    "test-is-training-copy": _test_copy,
}


def run(pitfall_id, seed=0):
    """The demo of ``pitfall_id``: a :class:`DemoResult`."""
    get(pitfall_id)  # a helpful error for an unknown id
    return DEMOS[pitfall_id](seed)
