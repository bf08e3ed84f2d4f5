"""Train the neuron model and the reference side by side from one start and report, per epoch,
both losses, both accuracies and the largest parameter difference."""
import time

import numpy as np

from . import convert, data
from .network import Network


def max_parameter_difference(params_a, params_b):
    return max(float(np.max(np.abs(a - b))) for a, b in zip(params_a, params_b))


def compare_on_iris(epochs=40, seed=0, hidden=8, lr=0.05, momentum=0.9, batch_size=16, out=print):
    """The main job. Returns the per-epoch rows it printed (a list of dicts)."""
    from reference import MLP  # the oracle; neuronnet is allowed to import it, never the reverse

    X, y, classes = data.load_iris()
    train, test = data.stratified_split(y, 0.2, np.random.default_rng(seed))
    X_train, X_test = data.min_max_scale(X[train], X[test])
    Y_train = data.one_hot(y[train], len(classes))
    sizes, activations = [X.shape[1], hidden, len(classes)], ["tanh", "identity"]

    net = Network(sizes, activations, loss="cross_entropy", init="glorot_uniform",
                  rng=np.random.default_rng(seed))
    weights, biases = convert.to_arrays(net)
    mlp = MLP.from_arrays(weights, biases, activations, loss="cross_entropy")
    out(f"iris: {len(train)} train / {len(test)} test samples, classes {classes}")
    out(f"both models start from the same weights: {net!r}".replace("\n", "\n  "))
    out(f"minibatch {batch_size}, momentum lr={lr} mu={momentum}, seed {seed}")
    out(f"{'epoch':>5} {'loss neuron':>12} {'loss ref':>12} {'acc neuron':>10} {'acc ref':>8} "
        f"{'test neuron':>11} {'test ref':>8} {'max |dparam|':>12}")
    settings = dict(epochs=1, batch_mode="minibatch", batch_size=batch_size,
                    optimizer="momentum", lr=lr, momentum=momentum)
    # Two generators from one seed: the two models see the same order of samples every epoch.
    rng_net, rng_ref = np.random.default_rng(seed + 1), np.random.default_rng(seed + 1)
    rows, seconds = [], {"neuron": 0.0, "reference": 0.0}
    for epoch in range(1, epochs + 1):
        start = time.perf_counter()
        loss_net = net.fit(X_train, Y_train, rng=rng_net, **settings)[0]
        seconds["neuron"] += time.perf_counter() - start
        start = time.perf_counter()
        loss_ref = mlp.fit(X_train, Y_train, rng=rng_ref, **settings)[0]
        seconds["reference"] += time.perf_counter() - start
        row = dict(epoch=epoch, loss_neuron=loss_net, loss_reference=loss_ref,
                   acc_neuron=np.mean(net.predict(X_train) == y[train]),
                   acc_reference=np.mean(mlp.predict(X_train) == y[train]),
                   test_neuron=np.mean(net.predict(X_test) == y[test]),
                   test_reference=np.mean(mlp.predict(X_test) == y[test]),
                   max_diff=max_parameter_difference(net.parameters(), mlp.parameters()))
        rows.append(row)
        out(f"{epoch:>5} {loss_net:>12.8f} {loss_ref:>12.8f} {row['acc_neuron']:>10.3f} "
            f"{row['acc_reference']:>8.3f} {row['test_neuron']:>11.3f} "
            f"{row['test_reference']:>8.3f} {row['max_diff']:>12.2e}")
    out(f"time: neuron {seconds['neuron']:.2f} s, reference {seconds['reference']:.2f} s, "
        f"ratio {seconds['neuron'] / seconds['reference']:.1f}")
    out(f"largest parameter difference after {epochs} epochs: {rows[-1]['max_diff']:.2e} "
        "(the two models agree when this stays near 1e-15)")
    return rows
