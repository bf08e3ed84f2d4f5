"""The demos of the mistakes in the math: gradients, overflow, caches, the identity's slope,
the clipped log."""
import math

import numpy as np

from ..losses import CrossEntropy
from ..training import Dataset
from . import variants
from .catalogue import get
from .demo_kit import (
    DemoResult,
    Plot,
    blobs,
    compare_training,
    curve,
    gradcheck_error,
    iris,
    make_net,
)
from .variants import REAL


def gradient_on_iris(pid, hidden, seed):
    """A gradient check of the buggy and the fixed network on 10 iris samples, then both trained
    30 epochs: the check fails by orders of magnitude before training shows much."""
    rng = np.random.default_rng(seed)
    train_data, valid_data, _ = iris(rng)
    p = get(pid)
    sizes, acts = [4, 8, 3], [hidden, "identity"]
    X, Y = train_data.batch(slice(0, 10))
    errors = [gradcheck_error(make_net(f, sizes, acts, "cross_entropy", seed), X, Y)
              for f in (p.factory, REAL)]
    result = compare_training(p.id, f"iris, 4-8-3 with a {hidden} hidden layer, softmax "
                               "cross-entropy",
                               lambda: make_net(p.factory, sizes, acts, "cross_entropy", seed),
                               lambda: make_net(REAL, sizes, acts, "cross_entropy", seed),
                               train_data, valid_data, seed, "", "valid_loss", epochs=30,
                               batch_size=16, optimizer="momentum", lr=0.1)
    result.measure = "gradient-check relative error (bound 1e-6)"
    result.buggy, result.fixed = errors
    result.plot = _gradient_check_bars(errors)
    result.lines.insert(0, f"gradient check on 10 samples: buggy {errors[0]:.2e}, fixed "
                           f"{errors[1]:.2e}")
    return result


def _gradient_check_bars(errors):
    return Plot("bars", "gradient-check relative error", series=dict(zip(("buggy", "fixed"),
                                                                        errors)),
                line=(1e-6, "pass bound 1e-6"), log=True)


def cos_problem(seed):
    rng = np.random.default_rng(seed)
    return curve(rng, np.cos, 200, "train"), curve(rng, np.cos, 200, "valid")


def bias_off_by_one(seed):
    train_data, valid_data = cos_problem(seed)
    p = get("bias-off-by-one")
    sizes, acts = [1, 10, 1], ["tanh", "identity"]
    return compare_training(
        p.id, "cos(x) on [-pi, pi] (even: the hidden units must shift), 1-10-1 tanh, biases "
        "start at 0", lambda: make_net(p.factory, sizes, acts, "half_mse", seed),
        lambda: make_net(REAL, sizes, acts, "half_mse", seed), train_data, valid_data, seed,
        "validation half-MSE after 150 epochs", "valid_loss", epochs=150, batch_size=20,
        optimizer="momentum", lr=0.05, y_label="validation half-MSE")


def staircase(x):
    return np.tanh(1.5 * (x + 2)) + np.tanh(1.5 * x) + np.tanh(1.5 * (x - 2))


def shared_bias(seed):
    rng = np.random.default_rng(seed)
    train_data, valid_data = (curve(rng, staircase, 100, name) for name in ("train", "valid"))
    sizes, acts = [1, 3, 1], ["tanh", "identity"]

    def shared():
        net = make_net(REAL, sizes, acts, "half_mse", seed)
        net.layers[0] = variants.SharedBiasLayer(net.layers[0].neurons, 0.0)
        return net
    return compare_training(
        "shared-layer-bias", "a staircase of three equal tanh steps at -2, 0 and 2; three tanh "
        "units, one per step, each needing its own offset (3, 0, -3)", shared,
        lambda: make_net(REAL, sizes, acts, "half_mse", seed), train_data, valid_data, seed,
        "validation half-MSE after 200 epochs", "valid_loss", epochs=200, batch_size=10,
        optimizer="momentum", lr=0.05, y_label="validation half-MSE",
        labels=("one bias shared by the layer", "a bias per neuron"))


def with_outlier(pid, factory, hidden, seed, errstate=None):
    """Iris, scaled, plus one corrupt training record: a sample whose features are 1000 times
    too large (as a raw 0-255 pixel among scaled ones). Its pre-activations and logits run to
    the thousands, past exp's overflow at 709: the textbook formula gives inf or nan there and
    training stops; the stable one saturates, and the network learns from the rest."""
    rng = np.random.default_rng(seed)
    train_data, valid_data, _ = iris(rng)
    X, y = train_data.X, train_data.labels
    train_data = Dataset(np.vstack([X, X[:1] * 1000]), labels=np.append(y, y[0]), n_classes=3,
                         name="train")
    sizes, acts = [4, 10, 3], [hidden, "identity"]
    result = compare_training(
        pid, f"iris (scaled) plus one corrupt record with features x1000; 4-10-3 {hidden}, "
        "softmax cross-entropy, momentum lr 0.1, 30 epochs",
        lambda: make_net(factory, sizes, acts, "cross_entropy", seed),
        lambda: make_net(REAL, sizes, acts, "cross_entropy", seed), train_data, valid_data, seed,
        "training loss per epoch, and the epochs trained before a non-finite loss stopped "
        "training",
        "train_loss", label="train loss", epochs=30, batch_size=16, optimizer="momentum",
        lr=0.1, errstate=errstate)
    result.buggy, result.fixed = (stop[0] if stop else len(result.plot.series[label])
                                  for label, stop in ((k, result.plot.stops.get(k))
                                                      for k in result.labels))
    result.plot.legend = "epochs trained"
    result.lower_is_better = False
    return result


def softmax_overflow(seed):
    return with_outlier("softmax-overflow", get("softmax-overflow").factory, "relu", seed)


def log_of_zero(seed):
    return with_outlier("log-of-zero", get("log-of-zero").factory, "relu", seed)


def tanh_overflow(seed):
    return with_outlier("tanh-overflow", get("tanh-overflow").factory, "tanh", seed)


def sigmoid_overflow(seed):
    """The textbook sigmoid gives the right values (1 / (1 + inf) = 0) but overflows on the way:
    counted here over forward passes of the corrupt-record data, one sample at a time."""
    result = with_outlier("sigmoid-overflow", get("sigmoid-overflow").factory, "sigmoid", seed)
    rng = np.random.default_rng(seed)
    X, _ = iris(rng, scale=False)[0].batch(slice(None))
    counts = []
    for factory in (get("sigmoid-overflow").factory, REAL):
        net = make_net(factory, [4, 10, 3], ["sigmoid", "identity"], "cross_entropy", seed)
        seen = []
        old = np.seterrcall(lambda kind, flag: seen.append(kind))
        try:
            with np.errstate(all="ignore", over="call"):
                for row in X * 1000:  # one sample at a time, as the coursework did
                    net.forward(row[None, :])
        finally:
            np.seterrcall(old)
        counts.append(len(seen))
    result.lines.insert(0, f"forward passes over the {len(X)} training samples x1000, one at a "
                           f"time: {counts[0]} floating-point overflows in the buggy sigmoid, "
                           f"{counts[1]} in the fixed one. The values are the same (1/inf = 0 "
                           "is right; the training runs agree), but each overflow warns, and "
                           "raises under np.seterr(all='raise')")
    result.problem = "iris features x1000, forward passes one sample at a time; 4-10-3 sigmoid"
    result.measure = "floating-point overflows in forward passes over the training set"
    result.buggy, result.fixed, result.lower_is_better = counts[0], counts[1], True
    result.plot = Plot("bars", "floating-point overflows", series=dict(zip(result.labels,
                                                                           counts)))
    return result


def cache_and_upstream(pid, seed):
    """A ReLU layer: one forward and one backward pass, then what the caller's arrays hold
    (the cached z, or the upstream gradient handed to backward) against what they held. The
    training curves of the two are identical: the mutation is silent, so the figure shows the
    arrays, before against after."""
    rng = np.random.default_rng(seed)
    train_data = blobs(rng, 60, name="train")
    p = get(pid)
    sizes, acts = [2, 8, 3], ["relu", "identity"]
    X, Y = train_data.batch(slice(0, 20))
    values, points = [], {}
    for label, factory in zip(("buggy", "fixed"), (p.factory, REAL)):
        net = make_net(factory, sizes, acts, "cross_entropy", seed)
        if pid == "relu-grad-mutates-cache":
            net.gradient(X, Y)
            truth = X @ np.array([n.weights for n in net.layers[0].neurons]).T + \
                np.array([n.bias for n in net.layers[0].neurons])
            cached = np.column_stack([n.z for n in net.layers[0].neurons])
            values.append(float(np.max(np.abs(cached - truth))))
            points[label] = (truth.ravel(), cached.ravel())
        else:
            layer = net.layers[0]
            layer.forward(X)
            upstream = rng.standard_normal((len(X), layer.fan_out))
            kept = upstream.copy()  # what the caller expects to still have after backward
            layer.backward(upstream)
            values.append(int(np.sum(upstream != kept)))
            points[label] = (kept.ravel(), upstream.ravel())
    if pid == "relu-grad-mutates-cache":
        problem = "2-8-3 ReLU classifier: a forward and a backward pass on 20 points"
        measure = "cached z after backward: its largest distance from the true z"
        plot = Plot("scatter", "cached z after backward", "true z", points)
        words = (f"after backward, the cached z differs from the true pre-activation by up to "
                 f"{values[0]:.3g} (buggy) and {values[1]:.3g} (fixed): the buggy cache holds "
                 "the 0/1 mask")
    else:
        problem = "the ReLU layer of a 2-8-3 classifier, backward on a kept upstream gradient " \
                  "of 20 x 8"
        measure = "upstream gradient after backward: entries of the caller's changed"
        plot = Plot("scatter", "upstream gradient after backward", "upstream gradient before",
                    points)
        words = (f"the caller's dL/da had {values[0]} entries zeroed by the buggy backward, "
                 f"{values[1]} by the fixed one")
    return DemoResult(pid, problem, measure, values[0], values[1], True,
                      [words, "training is unaffected (the training curves are identical): "
                       "the harm is to whoever reads those arrays next"], plot)


def identity_derivative(seed):
    rng = np.random.default_rng(seed)
    target = lambda x: 2 + 2 * np.sin(x)  # noqa: E731 - from 0 to 4: half of it above 2
    train_data, valid_data = (curve(rng, target, 200, name) for name in ("train", "valid"))
    p = get("identity-derivative")
    sizes, acts = [1, 10, 1], ["tanh", "identity"]
    return compare_training(
        p.id, "2 + 2 sin(x) on [-pi, pi] (targets 0 to 4), 1-10-1 tanh with an identity output",
        lambda: make_net(p.factory, sizes, acts, "half_mse", seed),
        lambda: make_net(REAL, sizes, acts, "half_mse", seed), train_data, valid_data,
        seed, "validation half-MSE after 60 epochs", "valid_loss", epochs=60, batch_size=20,
        optimizer="momentum", lr=0.05, y_label="validation half-MSE")


def clipped_log(seed):
    """One sample predicted confidently wrong: the logit of a wrong class ``m`` above the right
    one's. Its true loss grows like m; the clipped one stops at -log(1e-7) = 16.1, and its
    gradient is wrong wherever the clip is active."""
    p = get("clipped-log")
    margins = np.linspace(0.0, 40.0, 81)
    T = np.eye(3)[[1]]
    losses = {label: [loss.value(np.array([[m, 0.0, -5.0]]), T) for m in margins]
              for label, loss in (("buggy", p.variant()), ("fixed", CrossEntropy()))}
    at = int(np.searchsorted(margins, 30.0))
    short = {label: losses["fixed"][at] - v[at] for label, v in losses.items()}
    rng = np.random.default_rng(seed)
    train_data, _, _ = iris(rng)
    X, Y = train_data.batch(slice(0, 10))
    errors = []
    for factory in (p.factory, REAL):
        net = make_net(factory, [4, 8, 3], ["tanh", "identity"], "cross_entropy", seed)
        # Make it confidently wrong, as a network is early on or on a mislabelled sample.
        net.set_parameters([w * 8 for w in net.parameters()])
        errors.append(gradcheck_error(net, X, Y))
    lines = [f"loss of one sample whose wrong logit is 30 above the right one's: reported "
             f"{losses['buggy'][at]:.4f}, true {losses['fixed'][at]:.4f} (the 1e-7 caps each "
             f"sample's loss at {-math.log(1e-7):.1f})",
             f"gradient check on iris, weights x 8: buggy {errors[0]:.2e}, fixed "
             f"{errors[1]:.2e} (bound 1e-6)"]
    return DemoResult(p.id, "one sample, logits [m, 0, -5] with the right class second, m "
                      "from 0 to 40", "reported loss of a confidently wrong sample: how far "
                      "below the true loss at m = 30", short["buggy"], short["fixed"], True, lines,
                      Plot("curves", "reported loss", "wrong logit above the right one (m)",
                           {label: (margins, v) for label, v in losses.items()}))
