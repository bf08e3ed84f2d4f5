"""The scikit-learn estimators (neuronnet.estimators): scikit-learn's own estimator checks pass,
labels of any type work through classes_, and the fitted network is there to look inside."""
import re

import numpy as np
import pytest

sklearn = pytest.importorskip("sklearn")
from sklearn.utils.estimator_checks import parametrize_with_checks  # noqa: E402

from neuronnet import Network  # noqa: E402
from neuronnet.estimators import NeuronNetClassifier, NeuronNetRegressor  # noqa: E402

# Short fits stop at max_iter on purpose; the warning itself is tested where it is the point.
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

# scikit-learn's convention: a default-constructed estimator passes every check.
CHECKED = [NeuronNetClassifier(), NeuronNetRegressor()]


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


@pytest.mark.parametrize("batch_size", [20, "auto"])
def test_it_trains_and_stops_as_scikit_learns_mlpclassifier_does(monkeypatch, batch_size):
    # The same start, batch order and settings (SGD with heavy-ball momentum, alpha 0, constant
    # rate, no shuffling): an implementation outside the project, trained side by side until
    # its own stopping rule ends both runs.
    from sklearn.neural_network import MLPClassifier
    X, y = blobs(90, seed=2)
    settings = dict(hidden_layer_sizes=(5,), solver="sgd", alpha=0.0, learning_rate_init=0.05,
                    momentum=0.9, nesterovs_momentum=False, batch_size=batch_size,
                    shuffle=False, max_iter=300, tol=1e-3, n_iter_no_change=3)
    ours = NeuronNetClassifier(random_state=4, **settings).fit(X, y)
    # Our estimator draws its initial weights first from default_rng(random_state); theirs
    # are handed the same ones, layer by layer, through its weight initialiser.
    start = Network([2, 5, 3], ["relu", "identity"], "cross_entropy",
                    rng=np.random.default_rng(4)).parameters()
    layers = iter(zip([W.T.copy() for W in start[0::2]], start[1::2]))
    monkeypatch.setattr(MLPClassifier, "_init_coef", lambda self, *shape: next(layers))
    theirs = MLPClassifier(learning_rate="constant", random_state=0, **settings).fit(X, y)
    assert 3 < ours.n_iter_ < 300 and ours.n_iter_ == theirs.n_iter_   # stopped, on one epoch
    assert ours.loss_curve_ == pytest.approx(theirs.loss_curve_, rel=1e-12)
    assert ours.best_loss_ == pytest.approx(theirs.best_loss_, rel=1e-12)
    difference = max(float(np.abs(a - b).max()) for a, b in
                     zip(ours.coefs_ + ours.intercepts_, theirs.coefs_ + theirs.intercepts_))
    assert difference < 1e-12, difference
    assert np.array_equal(ours.predict(X), theirs.predict(X))


def epochs_the_rule_allows(curve, tol, n_iter_no_change, higher_is_better):
    """The stopping rule of the module docstring, written out: the epoch at which it stops."""
    best, count = -np.inf if higher_is_better else np.inf, 0
    for epoch, value in enumerate(curve, start=1):
        improved = value >= best + tol if higher_is_better else value <= best - tol
        count = 0 if improved else count + 1
        best = max(best, value) if higher_is_better else min(best, value)
        if count > n_iter_no_change:
            return epoch
    return None


@pytest.mark.parametrize("early_stopping", [False, True])
def test_training_stops_where_the_rule_says_and_warns_only_at_max_iter(early_stopping):
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    X, y = blobs(150, seed=5)
    for max_iter in (6, 400):
        clf = NeuronNetClassifier(hidden_layer_sizes=(6,), learning_rate_init=0.05,
                                  max_iter=max_iter, tol=1e-3, n_iter_no_change=4,
                                  early_stopping=early_stopping, random_state=1)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            clf.fit(X, y)
        curve = clf.validation_scores_ if early_stopping else clf.loss_curve_
        stop = epochs_the_rule_allows(curve, 1e-3, 4, higher_is_better=early_stopping)
        assert clf.n_iter_ == len(clf.loss_curve_) == (stop or max_iter)
        warned = [w for w in caught if issubclass(w.category, ConvergenceWarning)]
        assert len(warned) == (stop is None), [str(w.message) for w in caught]
        if early_stopping:
            assert len(clf.validation_scores_) == clf.n_iter_
            assert clf.best_validation_score_ == max(clf.validation_scores_)
            assert clf.best_loss_ is None
        else:
            assert clf.best_loss_ == min(clf.loss_curve_) and clf.validation_scores_ is None
    assert stop is not None     # the long run stopped by the rule, so both branches were seen


def test_scikit_learns_names_and_wrong_keywords_name_the_class():
    X, y = blobs()
    logistic = NeuronNetClassifier(hidden_layer_sizes=(4,), activation="logistic", max_iter=3,
                                   random_state=0)
    assert logistic.fit(X, y).network_.activation_names[0] == "sigmoid"
    with pytest.raises(ValueError, match="activation: got 'softplus'; expected "):
        NeuronNetClassifier(activation="softplus").fit(X, y)
    for cls in (NeuronNetClassifier, NeuronNetRegressor):
        with pytest.raises(TypeError, match=rf"^{cls.__name__}\.__init__\(\) got an unexpected "
                                            "keyword argument 'power_t'"):
            cls(power_t=0.5)


def test_verbose_prints_each_epochs_loss(capsys):
    X, y = blobs()
    clf = NeuronNetClassifier(hidden_layer_sizes=(4,), max_iter=3, verbose=True,
                              n_iter_no_change=50, random_state=0)
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf.fit(X, y)
    lines = capsys.readouterr().out.splitlines()
    assert lines == [f"Iteration {k}, loss = {loss:.8f}"
                     for k, loss in enumerate(clf.loss_curve_, start=1)]


@pytest.mark.parametrize("cls", [NeuronNetClassifier, NeuronNetRegressor])
@pytest.mark.parametrize("parameter, value, error", [
    ("hidden_layer_sizes", None, TypeError), ("hidden_layer_sizes", 0, ValueError),
    ("hidden_layer_sizes", (10, 0), ValueError), ("hidden_layer_sizes", (10.7,), TypeError),
    ("learning_rate_init", 0.0, ValueError), ("learning_rate_init", -0.1, ValueError),
    ("momentum", 1.0, ValueError), ("batch_size", "big", TypeError), ("batch_size", 0, ValueError),
    ("max_iter", 0, ValueError), ("max_iter", 2.5, TypeError), ("n_iter_no_change", 0, ValueError),
    ("tol", -1.0, ValueError), ("validation_fraction", 1.0, ValueError),
    ("nesterovs_momentum", "no", TypeError), ("shuffle", "yes", TypeError),
    ("early_stopping", 1, TypeError), ("verbose", None, TypeError),
    ("random_state", "abc", TypeError), ("random_state", -1, ValueError),
    ("batch_mode", "mini", ValueError), ("init", "xavier", ValueError),
    ("clip_norm", 0.0, ValueError), ("model", "torch", ValueError),
    ("activation", "softplus", ValueError)])
def test_a_bad_parameter_is_named_before_any_work_and_changes_nothing(cls, parameter, value,
                                                                      error):
    from sklearn.exceptions import NotFittedError
    X, y = blobs()
    index = "[1]" if value == (10, 0) else "[0]" if value == (10.7,) else ""
    settings = dict(hidden_layer_sizes=(4,), max_iter=5, random_state=0)
    fresh = cls(**{**settings, parameter: value})
    with pytest.raises(error, match=rf"^{parameter}{re.escape(index)}: got "):
        fresh.fit(X, y)
    with pytest.raises(NotFittedError):
        fresh.predict(X)
    fitted = cls(**settings).fit(X, y)
    before = fitted.predict(X)
    with pytest.raises(error):
        fitted.set_params(**{parameter: value}).fit(X[:50], y[:50])
    assert np.array_equal(fitted.predict(X), before)       # the fitted model is kept whole
    assert fitted.n_iter_ == len(fitted.loss_curve_)


def test_early_stopping_with_a_zero_fraction_is_refused():
    with pytest.raises(ValueError, match="^validation_fraction: got 0.0 with early_stopping"):
        NeuronNetClassifier(early_stopping=True, validation_fraction=0.0).fit(*blobs())


@pytest.mark.parametrize("cls", [NeuronNetClassifier, NeuronNetRegressor])
def test_partial_fit_refuses_early_stopping_before_any_work(cls):
    X, y = blobs()
    estimator = cls(early_stopping=True)
    extra = {"classes": [0, 1, 2]} if cls is NeuronNetClassifier else {}
    with pytest.raises(ValueError, match="^early_stopping: got True with partial_fit"):
        estimator.partial_fit(X, y, **extra)
    assert not hasattr(estimator, "network_")


def test_a_run_blowing_up_is_an_error_not_a_fitted_model():
    from sklearn.datasets import make_regression
    from sklearn.exceptions import NotFittedError
    X, y = make_regression(200, 5, noise=10, random_state=0)        # y in the hundreds
    reg = NeuronNetRegressor(solver="sgd", learning_rate_init=0.05, random_state=0)
    with pytest.raises(ValueError, match=r"^training diverged: the loss became .* at epoch \d+ "
                                         r"\(the first epoch's was .*scaled data"):
        reg.fit(X, y)
    with pytest.raises(NotFittedError):
        reg.predict(X)
    good = reg.set_params(learning_rate_init=0.001, max_iter=3).partial_fit(X, y)
    state = (good.predict(X), list(good.loss_curve_), good.n_iter_)
    with pytest.raises(ValueError, match="^training diverged"):
        good.set_params(learning_rate_init=0.5, batch_size=10).partial_fit(X, y)
    assert np.array_equal(good.predict(X), state[0])    # the diverged epoch is undone
    assert (good.loss_curve_, good.n_iter_) == (state[1], state[2])


def test_the_regressors_defaults_fit_unscaled_targets():
    # Adam at MLPRegressor's defaults: its steps are about lr whatever the targets' scale (SGD at
    # 0.01 diverges on this: docs/measurements.md, "Numerics and the estimators").
    from sklearn.datasets import make_regression
    X, y = make_regression(300, 5, noise=10, random_state=0)
    reg = NeuronNetRegressor(random_state=0)
    reg.fit(X[:200], y[:200])
    # No divergence: every epoch's loss is below the one before. Steps of about lr = 0.001
    # take many epochs on targets in the hundreds (a fifth of the loss in 200 here): scale y.
    assert all(np.diff(reg.loss_curve_) < 0) and reg.score(X[200:], y[200:]) > 0


def test_log_probabilities_and_the_fitted_shapes():
    X, y = blobs()
    clf = NeuronNetClassifier(hidden_layer_sizes=(6, 5), max_iter=20, random_state=0).fit(X, y)
    assert np.allclose(np.exp(clf.predict_log_proba(X)), clf.predict_proba(X), rtol=1e-12)
    assert (clf.n_layers_, clf.n_outputs_, clf.out_activation_) == (4, 3, "softmax")
    binary = NeuronNetClassifier(hidden_layer_sizes=(3,), max_iter=2).fit(X, y % 2)
    assert (binary.n_outputs_, binary.out_activation_) == (1, "logistic")
    proba = binary.predict_proba(X)
    assert proba.shape == (len(X), 2) and np.allclose(proba.sum(axis=1), 1.0, rtol=1e-15)
    # One class: its probability is 1 - sigmoid(z), the only column kept.
    one = NeuronNetClassifier(hidden_layer_sizes=(3,), max_iter=2).fit(X, np.zeros(len(X)))
    log_p = one.predict_log_proba(X)
    assert log_p.shape == (len(X), 1) and (log_p < 0).all()
    assert np.allclose(np.exp(log_p), one.predict_proba(X), rtol=1e-15)
    assert (one.predict(X) == 0).all()


def test_verbose_says_why_training_stopped(capsys):
    X, y = blobs()
    NeuronNetClassifier(hidden_layer_sizes=(4,), tol=10.0, n_iter_no_change=2, verbose=True,
                        random_state=0).fit(X, y)
    lines = capsys.readouterr().out.splitlines()
    # Epoch 1 improves on inf; 2, 3 and 4 do not improve by 10, and 3 > n_iter_no_change.
    assert len(lines) == 5 and lines[-1] == ("Training loss did not improve more than "
                                             "tol=10.000000 for 2 consecutive epochs. Stopping.")


def test_the_sampled_modes_loss_counts_every_row_as_train_does():
    from neuronnet.training import Dataset, train
    X, y = blobs(30)
    clf = NeuronNetClassifier(hidden_layer_sizes=(4,), solver="sgd", alpha=0.0,
                              learning_rate_init=0.01, batch_mode="sampled", batch_size=3,
                              max_iter=2, n_iter_no_change=5, random_state=0).fit(X, y)
    # The same start and order through train(): its step_loss is the contract's epoch loss.
    rng = np.random.default_rng(0)
    net = Network([2, 4, 3], ["relu", "identity"], "cross_entropy", rng=rng)
    history = train(net, Dataset(X, labels=y, n_classes=3), rng=rng, epochs=2,
                    batch_mode="sampled", batch_size=3, optimizer="nesterov", lr=0.01,
                    momentum=0.9).history
    assert clf.loss_curve_ == pytest.approx(history["step_loss"], rel=1e-12)


def test_a_tie_with_the_best_loss_counts_as_an_improvement():
    # A network whose loss is exactly 0 with a zero gradient (zero inputs, zero targets, ReLU
    # at z = 0): every epoch ties with the best, and MLPClassifier's rule (a loss not above
    # best - tol improves) never stops it.
    X, y = np.zeros((20, 3)), np.zeros(20)
    reg = NeuronNetRegressor(hidden_layer_sizes=(4,), alpha=0.0, tol=0.0, n_iter_no_change=1,
                             max_iter=6, random_state=0).fit(X, y)
    assert reg.loss_curve_ == [0.0] * 6 and reg.n_iter_ == 6
    assert epochs_the_rule_allows(reg.loss_curve_, 0.0, 1, higher_is_better=False) is None


def test_early_stopping_keeps_the_parameters_of_the_best_validation_score():
    # The run is deterministic, so the same estimator stopped by max_iter at the best epoch
    # ends with that epoch's parameters: the ones a run that went on must have gone back to.
    X, y = blobs(200, seed=7)
    settings = dict(hidden_layer_sizes=(6,), learning_rate_init=0.3, early_stopping=True,
                    validation_fraction=0.3, tol=0.0, random_state=3)
    went_on = NeuronNetClassifier(n_iter_no_change=3, max_iter=100, **settings).fit(X, y)
    best = int(np.argmax(went_on.validation_scores_)) + 1      # the first epoch of the best
    assert best < went_on.n_iter_, "the run must go on past its best epoch to test this"
    stopped = NeuronNetClassifier(n_iter_no_change=1000, max_iter=best, **settings).fit(X, y)
    for a, b in zip(went_on.coefs_ + went_on.intercepts_, stopped.coefs_ + stopped.intercepts_):
        assert np.array_equal(a, b)


def test_scikit_learns_usual_spellings_are_accepted():
    X, y = blobs()
    clf = NeuronNetClassifier(hidden_layer_sizes=np.array([5, 3]), verbose=0, max_iter=3,
                              random_state=0).fit(X, y)
    assert clf.n_layers_ == 4
    reg = NeuronNetRegressor(hidden_layer_sizes=(4,), max_iter=3, random_state=0)
    assert reg.fit(X, y.reshape(-1, 1).astype(float)).predict(X[:2]).shape == (2,)
    assert reg.fit(X, np.column_stack([y, y]).astype(float)).predict(X[:2]).shape == (2, 2)


@pytest.mark.parametrize("cls", [NeuronNetClassifier, NeuronNetRegressor])
def test_help_states_each_classs_own_defaults(cls):
    rate = cls().learning_rate_init
    assert f"learning_rate_init : float > 0, default {rate}\n" in cls.__doc__
    assert ("softmax" in cls.__doc__.split("learning_rate_init")[0]) == (cls is
                                                                        NeuronNetClassifier)


def _same_start(monkeypatch, cls, sizes, seed):
    """scikit-learn's estimator ``cls`` handed, layer by layer through its weight initialiser,
    the initial weights ours draws first from default_rng(seed)."""
    start = Network(sizes, ["relu", "identity"], rng=np.random.default_rng(seed)).parameters()
    layers = iter(zip([W.T.copy() for W in start[0::2]], start[1::2]))
    monkeypatch.setattr(cls, "_init_coef", lambda self, *shape: next(layers))


@pytest.mark.parametrize("solver", ["adam", "sgd"])
@pytest.mark.parametrize("n_classes", [2, 3])
def test_it_equals_mlpclassifier_for_each_solver_with_a_penalty(monkeypatch, solver, n_classes):
    # From the same start and batch order (no shuffling), with alpha > 0: every epoch's loss,
    # the stopping epoch and the final weights. Two classes: one logistic output, as theirs.
    from sklearn.neural_network import MLPClassifier
    X, y = blobs(90, seed=5)
    y = y % n_classes
    settings = dict(hidden_layer_sizes=(5,), solver=solver, alpha=0.01, learning_rate_init=0.01,
                    batch_size=20, shuffle=False, max_iter=200, tol=1e-3, n_iter_no_change=3)
    ours = NeuronNetClassifier(random_state=4, **settings).fit(X, y)
    _same_start(monkeypatch, MLPClassifier, [2, 5, 1 if n_classes == 2 else n_classes], 4)
    theirs = MLPClassifier(random_state=0, **settings).fit(X, y)
    assert [W.shape for W in ours.coefs_] == [W.shape for W in theirs.coefs_]
    assert ours.n_iter_ == theirs.n_iter_ and ours.out_activation_ == theirs.out_activation_
    assert ours.loss_curve_ == pytest.approx(theirs.loss_curve_, rel=1e-12)
    difference = max(float(np.abs(a - b).max()) for a, b in
                     zip(ours.coefs_ + ours.intercepts_, theirs.coefs_ + theirs.intercepts_))
    assert difference < 1e-12, difference
    np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), rtol=1e-12,
                               atol=1e-15)


@pytest.mark.parametrize("solver", ["adam", "sgd"])
def test_it_equals_mlpregressor_for_each_solver_with_a_penalty(monkeypatch, solver):
    from sklearn.neural_network import MLPRegressor
    rng = np.random.default_rng(6)
    X = rng.normal(size=(80, 3))
    y = X @ [1.0, -2.0, 0.5] + 0.1 * rng.normal(size=80)
    settings = dict(hidden_layer_sizes=(6,), solver=solver, alpha=0.05, learning_rate_init=0.01,
                    batch_size=16, shuffle=False, max_iter=40, tol=1e-4, n_iter_no_change=5)
    ours = NeuronNetRegressor(random_state=2, **settings).fit(X, y)
    _same_start(monkeypatch, MLPRegressor, [3, 6, 1], 2)
    theirs = MLPRegressor(random_state=0, **settings).fit(X, y)
    assert ours.n_iter_ == theirs.n_iter_
    assert ours.loss_curve_ == pytest.approx(theirs.loss_curve_, rel=1e-12)
    np.testing.assert_allclose(ours.predict(X), theirs.predict(X), rtol=1e-12, atol=1e-12)


def test_the_defaults_are_mlpclassifiers():
    from sklearn.neural_network import MLPClassifier, MLPRegressor
    for ours, theirs in ((NeuronNetClassifier(), MLPClassifier()),
                         (NeuronNetRegressor(), MLPRegressor())):
        for name in ("solver", "alpha", "learning_rate_init", "beta_1", "beta_2", "epsilon",
                     "momentum", "batch_size", "max_iter", "tol", "n_iter_no_change"):
            assert ours.get_params()[name] == theirs.get_params()[name], name


def test_a_pickled_fitted_estimator_keeps_no_batch_values():
    # Measured against MLPClassifier fitted on the same data: at most 1.5 times its size.
    import pickle

    from sklearn.datasets import load_digits
    from sklearn.neural_network import MLPClassifier
    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    ours = NeuronNetClassifier(max_iter=5, random_state=0).fit(X, y)
    theirs = MLPClassifier(max_iter=5, random_state=0).fit(X, y)
    size, their_size = len(pickle.dumps(ours)), len(pickle.dumps(theirs))
    assert size <= 1.5 * their_size, (size, their_size)
    again = pickle.loads(pickle.dumps(ours))
    assert np.array_equal(again.predict_proba(X), ours.predict_proba(X))
    for neuron in (n for layer in ours.network_.layers for n in layer.neurons):
        assert neuron.inputs is None and neuron.delta is None and neuron.grad_weights is None
