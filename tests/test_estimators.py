"""The scikit-learn estimators (neuronnet.estimators): scikit-learn's own estimator checks pass,
labels of any type work through classes_, and the fitted network is there to look inside."""
import numpy as np
import pytest

sklearn = pytest.importorskip("sklearn")
from sklearn.utils.estimator_checks import parametrize_with_checks  # noqa: E402

from neuronnet import Network  # noqa: E402
from neuronnet.estimators import NeuronNetClassifier, NeuronNetRegressor  # noqa: E402

# Settings that learn scikit-learn's small check problems within the checks' budget; the
# regressor's targets are unscaled there, so its steps are clipped (clip_norm) to stay stable.
CHECKED = [NeuronNetClassifier(hidden_layer_sizes=(16,), learning_rate_init=0.01, max_iter=100,
                               random_state=0),
           NeuronNetRegressor(hidden_layer_sizes=(16,), learning_rate_init=0.01, clip_norm=1.0,
                              max_iter=200, random_state=0)]


@parametrize_with_checks(CHECKED)
def test_scikit_learns_estimator_checks(estimator, check):
    check(estimator)


def blobs(n=120, seed=0):
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 3
    X = np.array([[0.0, 2.0], [2.0, -1.0], [-2.0, -1.0]])[y] + 0.4 * rng.standard_normal((n, 2))
    return X, y


def test_string_labels_come_back_as_they_went_in():
    X, y = blobs()
    names = np.array(["setosa", "versicolor", "virginica"])[y]
    clf = NeuronNetClassifier(hidden_layer_sizes=(8,), learning_rate_init=0.05, max_iter=60,
                              random_state=0).fit(X, names)
    assert list(clf.classes_) == ["setosa", "versicolor", "virginica"]
    assert set(clf.predict(X)) <= set(names) and clf.score(X, names) > 0.95
    proba = clf.predict_proba(X)
    assert proba.shape == (len(X), 3) and np.allclose(proba.sum(axis=1), 1.0)
    assert isinstance(clf.network_, Network)
    assert [W.shape for W in clf.coefs_] == [(2, 8), (8, 3)]   # scikit-learn's (fan_in, fan_out)
    assert clf.n_iter_ == len(clf.loss_curve_) <= 60


def test_the_reference_runs_the_same_settings_to_the_same_network():
    X, y = blobs()
    fits = [NeuronNetClassifier(hidden_layer_sizes=(5,), max_iter=20, random_state=3,
                                model=model).fit(X, y) for model in ("neuron", "reference")]
    difference = max(float(np.abs(a - b).max()) for a, b in zip(fits[0].coefs_, fits[1].coefs_))
    assert difference < 1e-10, difference
    assert fits[0].loss_curve_ == pytest.approx(fits[1].loss_curve_, rel=1e-10)


def test_partial_fit_needs_the_classes_first():
    X, y = blobs()
    clf = NeuronNetClassifier(hidden_layer_sizes=(4,), random_state=0)
    with pytest.raises(ValueError, match="classes"):
        clf.partial_fit(X, y)
    clf.partial_fit(X, y, classes=[0, 1, 2]).partial_fit(X, y)
    assert clf.n_iter_ == 2


def test_it_trains_as_scikit_learns_mlpclassifier_does():
    # The same start, batch order and settings (SGD with heavy-ball momentum, alpha 0, constant
    # rate, no shuffling): an implementation outside the project, trained side by side.
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier
    X, y = blobs(90, seed=2)
    settings = dict(hidden_layer_sizes=(5,), learning_rate_init=0.05, momentum=0.9,
                    nesterovs_momentum=False, batch_size=20, shuffle=False)
    ours = NeuronNetClassifier(max_iter=8, n_iter_no_change=100, random_state=4,
                               **settings).fit(X, y)
    # Our estimator draws its initial weights first from default_rng(random_state).
    start = Network([2, 5, 3], ["relu", "identity"], "cross_entropy",
                    rng=np.random.default_rng(4)).parameters()
    theirs = MLPClassifier(solver="sgd", alpha=0.0, learning_rate="constant", max_iter=1,
                           random_state=0, warm_start=True, n_iter_no_change=100, tol=0.0,
                           **settings)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        theirs.fit(X, y)                                  # to make its attributes
        theirs.coefs_ = [W.T.copy() for W in start[0::2]]
        theirs.intercepts_ = [b.copy() for b in start[1::2]]
        theirs.set_params(max_iter=8).fit(X, y)           # a fresh optimizer: velocity 0
    difference = max(float(np.abs(a - b).max()) for a, b in
                     zip(ours.coefs_ + ours.intercepts_, theirs.coefs_ + theirs.intercepts_))
    assert difference < 1e-12, difference
    assert np.array_equal(ours.predict(X), theirs.predict(X))
