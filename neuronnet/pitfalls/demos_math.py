"""The demos of the mistakes in the math: gradients, overflow, caches, the identity's slope,
the clipped log."""
import math

import numpy as np

from ..losses import CrossEntropy
from ..training import Dataset
from . import variants
from .catalogue import get
from .demo_kit import blobs, compare_training, curve, gradcheck_error, iris, make_net
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
    result.lines.insert(0, f"gradient check on 10 samples: buggy {errors[0]:.2e}, fixed "
                           f"{errors[1]:.2e}")
    return result


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
        optimizer="momentum", lr=0.05)


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
        "units, one per step, each needing its own offset (-3, 0, 3)", shared,
        lambda: make_net(REAL, sizes, acts, "half_mse", seed), train_data, valid_data, seed,
        "validation half-MSE after 200 epochs", "valid_loss", epochs=200, batch_size=10,
        optimizer="momentum", lr=0.05)


def unscaled(pid, factory, hidden, seed, errstate=None):
    """Iris with its raw features times 1000: pre-activations and logits in the thousands from
    the first step, as with unscaled inputs (source 000 fed raw 0-255 pixels)."""
    rng = np.random.default_rng(seed)
    train_data, valid_data, _ = iris(rng, scale=False)
    train_data, valid_data = (Dataset(d.X * 1000, labels=d.labels, n_classes=3, name=d.name)
                              for d in (train_data, valid_data))
    sizes, acts = [4, 10, 3], [hidden, "identity"]
    result = compare_training(
        pid, f"iris, raw features times 1000 (inputs far too large), 4-10-3 {hidden}, softmax "
        "cross-entropy, SGD lr 1e-6", lambda: make_net(factory, sizes, acts, "cross_entropy", seed),
        lambda: make_net(REAL, sizes, acts, "cross_entropy", seed), train_data, valid_data, seed,
        "epochs trained before a non-finite loss stopped training", "train_loss",
        label="train loss", epochs=15, batch_size=16, optimizer="sgd", lr=1e-6,
        errstate=errstate)
    result.buggy, result.fixed = (len(r) for r in result.curves.values())
    result.lower_is_better = False
    return result


def softmax_overflow(seed):
    return unscaled("softmax-overflow", get("softmax-overflow").factory, "relu", seed)


def log_of_zero(seed):
    return unscaled("log-of-zero", get("log-of-zero").factory, "relu", seed)


def tanh_overflow(seed):
    return unscaled("tanh-overflow", get("tanh-overflow").factory, "tanh", seed)


def sigmoid_overflow(seed):
    result = unscaled("sigmoid-overflow", get("sigmoid-overflow").factory, "sigmoid", seed)
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
    result.lines.insert(0, f"forward passes over the {len(X)} training samples, one at a time: "
                           f"{counts[0]} floating-point overflows in the buggy sigmoid, "
                           f"{counts[1]} in the fixed one. The values are the same (1/inf = 0 "
                           "is right; the training curves agree), but each overflow warns, and "
                           "raises under np.seterr(all='raise')")
    result.measure = "floating-point overflows in forward passes over the training set"
    result.buggy, result.fixed, result.lower_is_better = counts[0], counts[1], True
    return result


def cache_and_upstream(pid, seed):
    """A ReLU network: one forward and one backward pass, then what the caller's arrays hold;
    and training curves, identical: the mutation is silent."""
    rng = np.random.default_rng(seed)
    train_data, valid_data = blobs(rng, 60, name="train"), blobs(rng, 30, name="valid")
    p = get(pid)
    sizes, acts = [2, 8, 3], ["relu", "identity"]
    X, Y = train_data.batch(slice(0, 20))
    values = []
    for factory in (p.factory, REAL):
        net = make_net(factory, sizes, acts, "cross_entropy", seed)
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
    result = compare_training(pid, "", lambda: make_net(p.factory, sizes, acts, "cross_entropy",
                                                     seed),
                               lambda: make_net(REAL, sizes, acts, "cross_entropy", seed),
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
        optimizer="momentum", lr=0.05)


def clipped_log(seed):
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
        net = make_net(factory, sizes, acts, "cross_entropy", seed)
        # Make it confidently wrong, as a network is early on or on a mislabelled sample.
        net.set_parameters([w * 8 for w in net.parameters()])
        errors.append(gradcheck_error(net, X, Y))
    result = compare_training(p.id, "", lambda: make_net(p.factory, sizes, acts, "cross_entropy",
                                                      seed),
                               lambda: make_net(REAL, sizes, acts, "cross_entropy", seed),
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
