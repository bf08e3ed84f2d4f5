"""The estimators' default settings against MLPClassifier's, side by side in one run.

    python benchmarks/estimator_defaults.py

Five-fold cross-validated accuracy, default settings apart from ``random_state=0``, on four of
scikit-learn's bundled problems (unscaled, as a new user passes them): MLPClassifier (adam,
rate 0.001) beside NeuronNetClassifier at three SGD rates. It is how the default
``learning_rate_init`` was chosen (neuronnet/estimators/mlp.py). BLAS is pinned to one thread.
"""
import sys
import warnings
from pathlib import Path

from sklearn.datasets import load_digits, load_iris, make_circles, make_moons
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import cross_val_score
from sklearn.neural_network import MLPClassifier
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from neuronnet.estimators import NeuronNetClassifier  # noqa: E402

RATES = (0.001, 0.01, 0.1)
PROBLEMS = {"two moons (300)": lambda: make_moons(300, noise=0.2, random_state=0),
            "circles (300)": lambda: make_circles(300, noise=0.1, factor=0.5, random_state=0),
            "iris": lambda: load_iris(return_X_y=True),
            "digits (8x8, 0-16)": lambda: load_digits(return_X_y=True)}


def accuracy(estimator, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)   # counted by the table, not shown
        return cross_val_score(estimator, X, y, cv=5).mean()


def main():
    head = ["problem", "MLPClassifier"] + [f"ours lr={rate:g}" for rate in RATES]
    print("  ".join(f"{h:>18}" for h in head))
    with threadpool_limits(1):
        for name, load in PROBLEMS.items():
            X, y = load()
            row = [accuracy(MLPClassifier(random_state=0), X, y)]
            row += [accuracy(NeuronNetClassifier(learning_rate_init=rate, random_state=0), X, y)
                    for rate in RATES]
            print(f"{name:>18}  " + "  ".join(f"{a:>18.3f}" for a in row), flush=True)


if __name__ == "__main__":
    main()
