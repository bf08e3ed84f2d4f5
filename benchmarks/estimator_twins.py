"""The estimators beside scikit-learn's from the same start: how far apart they end, and how
large a fitted one pickles.

    python benchmarks/estimator_twins.py

For each solver (adam, sgd), a penalty alpha > 0, and a binary and a three-class problem (then
a regression): ``NeuronNetClassifier`` and ``MLPClassifier`` fitted from the same initial
weights (scikit-learn's initialiser handed ours, layer by layer) and the same batch order (no
shuffling). Prints the epochs each ran, the largest difference of a weight, and of a loss in
the loss curve. Then the pickled size of each fitted on digits for 5 epochs, and the ratio.
Last line: ``twins: largest weight difference ...; pickle ... x MLPClassifier's``.
"""
import pickle
import warnings
from unittest import mock

import numpy as np
from sklearn.datasets import load_digits, make_blobs
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier, MLPRegressor
from threadpoolctl import threadpool_limits

from neuronnet import Network
from neuronnet.estimators import NeuronNetClassifier, NeuronNetRegressor


def same_start(cls, sizes, seed):
    """A patch of ``cls``'s weight initialiser that hands it our first draw from ``seed``."""
    start = Network(sizes, ["relu", "identity"], rng=np.random.default_rng(seed)).parameters()
    layers = iter(zip([W.T.copy() for W in start[0::2]], start[1::2]))
    return mock.patch.object(cls, "_init_coef", lambda self, *shape: next(layers))


def apart(ours, theirs):
    weights = max(float(np.abs(a - b).max()) for a, b in
                  zip(ours.coefs_ + ours.intercepts_, theirs.coefs_ + theirs.intercepts_))
    losses = max(abs(a - b) for a, b in zip(ours.loss_curve_, theirs.loss_curve_))
    return weights, losses


def main():
    worst = 0.0
    print(f"{'problem':<28} {'epochs':>13} {'weights apart':>14} {'losses apart':>13}")
    X, y = make_blobs(120, centers=3, random_state=5)
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    for solver in ("adam", "sgd"):
        for n_classes in (2, 3):
            settings = dict(hidden_layer_sizes=(5,), solver=solver, alpha=0.01,
                            learning_rate_init=0.01, batch_size=20, shuffle=False,
                            max_iter=200, tol=1e-3, n_iter_no_change=3)
            labels = y % n_classes
            ours = NeuronNetClassifier(random_state=4, **settings).fit(X, labels)
            with same_start(MLPClassifier, [2, 5, 1 if n_classes == 2 else n_classes], 4):
                theirs = MLPClassifier(random_state=0, **settings).fit(X, labels)
            weights, losses = apart(ours, theirs)
            worst = max(worst, weights)
            print(f"{f'classifier, {solver}, {n_classes} classes':<28} "
                  f"{f'{ours.n_iter_} / {theirs.n_iter_}':>13} {weights:>14.1e} {losses:>13.1e}")
    rng = np.random.default_rng(6)
    Xr = rng.normal(size=(80, 3))
    yr = Xr @ [1.0, -2.0, 0.5] + 0.1 * rng.normal(size=80)
    for solver in ("adam", "sgd"):
        settings = dict(hidden_layer_sizes=(6,), solver=solver, alpha=0.05,
                        learning_rate_init=0.01, batch_size=16, shuffle=False, max_iter=40,
                        tol=1e-4, n_iter_no_change=5)
        ours = NeuronNetRegressor(random_state=2, **settings).fit(Xr, yr)
        with same_start(MLPRegressor, [3, 6, 1], 2):
            theirs = MLPRegressor(random_state=0, **settings).fit(Xr, yr)
        weights, losses = apart(ours, theirs)
        worst = max(worst, weights)
        print(f"{f'regressor, {solver}':<28} {f'{ours.n_iter_} / {theirs.n_iter_}':>13} "
              f"{weights:>14.1e} {losses:>13.1e}")
    Xd, yd = load_digits(return_X_y=True)
    Xd = Xd / 16.0
    ours = NeuronNetClassifier(max_iter=5, random_state=0).fit(Xd, yd)
    theirs = MLPClassifier(max_iter=5, random_state=0).fit(Xd, yd)
    size, their_size = len(pickle.dumps(ours)), len(pickle.dumps(theirs))
    print(f"pickled after 5 epochs on digits: ours {size:,} bytes, MLPClassifier's "
          f"{their_size:,} bytes")
    print(f"twins: largest weight difference {worst:.1e}; pickle {size / their_size:.2f} x "
          "MLPClassifier's")


if __name__ == "__main__":
    warnings.simplefilter("ignore", ConvergenceWarning)
    with threadpool_limits(limits=1, user_api="blas"):
        main()
