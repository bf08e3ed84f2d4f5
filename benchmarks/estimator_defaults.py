"""The estimators' default settings against scikit-learn's, side by side in one run.

    python benchmarks/estimator_defaults.py

Five-fold cross-validated scores, default settings apart from ``random_state=0``, on problems
as a new user passes them: scikit-learn's bundled classification problems unscaled, and two
regression problems with X scaled by StandardScaler and y as it comes. MLPClassifier and
MLPRegressor with their defaults beside ours with its defaults (the same: adam, rate 0.001,
alpha 0.0001), then ours with ``solver="sgd"`` (momentum 0.9) at three rates. A failed fit (a
diverged run) scores nan. BLAS is pinned to one thread.
"""
import sys
import warnings
from pathlib import Path

import numpy as np
from sklearn.datasets import load_diabetes, load_digits, load_iris, make_circles, make_moons, make_regression
from sklearn.exceptions import ConvergenceWarning, FitFailedWarning
from sklearn.model_selection import cross_val_score
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from neuronnet.estimators import NeuronNetClassifier, NeuronNetRegressor  # noqa: E402

RATES = (0.001, 0.01, 0.1)
CLASSIFICATION = {"two moons (300)": lambda: make_moons(300, noise=0.2, random_state=0),
                  "circles (300)": lambda: make_circles(300, noise=0.1, factor=0.5,
                                                        random_state=0),
                  "iris": lambda: load_iris(return_X_y=True),
                  "digits (8x8, 0-16)": lambda: load_digits(return_X_y=True)}
REGRESSION = {"make_regression (300)": lambda: make_regression(300, 5, noise=10,
                                                               random_state=0),
              "diabetes": lambda: load_diabetes(return_X_y=True)}


def score(estimator, X, y):
    """The mean five-fold score; a fold that fails (diverged) makes it nan."""
    with warnings.catch_warnings():
        # Counted by the table, not shown: fits that stop at max_iter, or fail.
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", FitFailedWarning)
        try:
            return cross_val_score(estimator, X, y, cv=5, error_score=np.nan).mean()
        except ValueError:      # every fold failed
            return np.nan


def rows(problems, theirs, ours, scale):
    for name, load in problems.items():
        X, y = load()

        def wrap(estimator):
            return make_pipeline(StandardScaler(), estimator) if scale else estimator
        yield name, [score(wrap(theirs(random_state=0)), X, y),
                     score(wrap(ours(random_state=0)), X, y)] + [
            score(wrap(ours(solver="sgd", learning_rate_init=rate, random_state=0)), X, y)
            for rate in RATES]


def main():
    with threadpool_limits(1):
        for kind, problems, theirs, ours, scale in (
                ("accuracy", CLASSIFICATION, MLPClassifier, NeuronNetClassifier, False),
                ("R^2", REGRESSION, MLPRegressor, NeuronNetRegressor, True)):
            default = ours()
            head = [kind, theirs.__name__,
                    f"ours ({default.solver}, lr {default.learning_rate_init:g}: the defaults)"
                    ] + [f"ours sgd lr={rate:g}" for rate in RATES]
            print("| " + " | ".join(head) + " |\n|" + "---|" * len(head), flush=True)
            for name, values in rows(problems, theirs, ours, scale):
                print(f"| {name} | " + " | ".join(f"{v:.3f}" for v in values) + " |", flush=True)
            print()


if __name__ == "__main__":
    main()
