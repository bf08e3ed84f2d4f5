"""An estimator never returns a broken model: ``fit`` and ``partial_fit`` end with finite
parameters and a finite loss within the divergence rule, or raise a ValueError naming the rate
and the loss seen and leave the estimator as it was before the call, the last step included.
And the memory a fit needs is refused up front, by name, against the real limit."""
import numpy as np
import pytest

pytest.importorskip("sklearn")
from sklearn.exceptions import NotFittedError  # noqa: E402

from neuronnet.estimators import (  # noqa: E402
    NeuronNetClassifier,
    NeuronNetRegressor,
    mlp,  # noqa: E402
)
from neuronnet.guards import memory  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def iris_like(n=150, seed=0):
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 3
    X = np.array([[5.0, 3.4, 1.5, 0.2], [5.9, 2.8, 4.3, 1.3], [6.6, 3.0, 5.5, 2.0]])[y]
    return X + 0.3 * rng.standard_normal((n, 4)), y


def regression(n=150, seed=0):
    X, y = iris_like(n, seed)
    return X, X @ np.array([1.0, -2.0, 0.5, 3.0]) + y


PROBLEMS = {"classifier": (NeuronNetClassifier, iris_like, {"classes": [0, 1, 2]}),
            "regressor": (NeuronNetRegressor, regression, {})}


def state(estimator, X):
    """What a caller can see of a fitted estimator: its outputs, parameters and curve."""
    output = (estimator.predict_proba(X) if hasattr(estimator, "predict_proba")
              else estimator.predict(X))
    return (output, [c.copy() for c in estimator.coefs_],
            [b.copy() for b in estimator.intercepts_], list(estimator.loss_curve_),
            estimator.n_iter_)


def assert_same(before, after):
    assert np.array_equal(before[0], after[0])
    for got, expected in zip(after[1] + after[2], before[1] + before[2]):
        assert np.array_equal(got, expected)
    assert before[3:] == after[3:]


def assert_diverged(info, rate):
    text = str(info.value)
    assert "learning_rate_init" in text and repr(rate) in text       # the rate
    assert "loss" in text and any(c.isdigit() for c in text.split("loss", 1)[1])  # the loss


@pytest.mark.parametrize("kind", PROBLEMS)
def test_a_fit_whose_last_step_blows_up_raises_and_is_not_fitted(kind):
    cls, data, _ = PROBLEMS[kind]
    X, y = data()
    estimator = cls(max_iter=1, learning_rate_init=1e300, random_state=0)
    with pytest.raises(ValueError) as info:
        estimator.fit(X, y)
    assert_diverged(info, 1e300)
    assert not hasattr(estimator, "network_")
    with pytest.raises(NotFittedError):
        estimator.predict(X)


@pytest.mark.parametrize("kind", PROBLEMS)
def test_a_failed_fit_leaves_the_model_fitted_before_it(kind):
    cls, data, _ = PROBLEMS[kind]
    X, y = data()
    estimator = cls(hidden_layer_sizes=(8,), max_iter=20, random_state=0).fit(X, y)
    before = state(estimator, X)
    with pytest.raises(ValueError):
        estimator.set_params(max_iter=1, learning_rate_init=1e300).fit(X, y)
    assert_same(before, state(estimator, X))


@pytest.mark.parametrize("kind", PROBLEMS)
def test_a_first_partial_fit_that_leaves_huge_weights_raises(kind):
    cls, data, extra = PROBLEMS[kind]
    X, y = data()
    estimator = cls(learning_rate_init=1e6, random_state=0)
    with pytest.raises(ValueError) as info:
        estimator.partial_fit(X, y, **extra)
    assert_diverged(info, 1e6)
    assert not hasattr(estimator, "network_")


@pytest.mark.parametrize("kind", PROBLEMS)
def test_a_partial_fit_is_rolled_back_when_only_its_last_step_blows_up(kind):
    # 150 rows in one "auto" batch: the epoch takes one step, and its loss is measured before
    # it, so only the check of the model the last step left can see the blow-up.
    cls, data, extra = PROBLEMS[kind]
    X, y = data()
    estimator = cls(hidden_layer_sizes=(8,), learning_rate_init=1e-3, random_state=0)
    for _ in range(3):
        estimator.partial_fit(X, y, **extra)
    before = state(estimator, X)
    with pytest.raises(ValueError) as info:
        estimator.set_params(learning_rate_init=1e6).partial_fit(X, y)
    assert_diverged(info, 1e6)
    estimator.set_params(learning_rate_init=1e-3)
    assert_same(before, state(estimator, X))
    estimator.partial_fit(X, y)                      # and it trains on from there
    assert estimator.n_iter_ == before[4] + 1


@pytest.mark.parametrize("kind", PROBLEMS)
@pytest.mark.parametrize("rate", [1e-3, 1e-1, 1.0, 10.0, 1e2, 1e4, 1e8, 1e300])
@pytest.mark.parametrize("incremental", [False, True])
def test_every_fit_ends_finite_within_the_rule_or_raises_unchanged(kind, rate, incremental):
    cls, data, extra = PROBLEMS[kind]
    X, y = data()
    estimator = cls(hidden_layer_sizes=(8,), learning_rate_init=rate, max_iter=5,
                    batch_size=30, random_state=1)
    calls = ([lambda: estimator.partial_fit(X, y, **extra), lambda: estimator.partial_fit(X, y)]
             if incremental else [lambda: estimator.fit(X, y)])
    Y = np.eye(3)[y] if kind == "classifier" else y.reshape(-1, 1)
    for call in calls:
        before = state(estimator, X) if hasattr(estimator, "network_") else None
        try:
            call()
        except ValueError as error:
            assert "learning_rate_init" in str(error)
            if before is None:
                assert not hasattr(estimator, "network_")
            else:
                assert_same(before, state(estimator, X))
            return
        assert all(np.isfinite(p).all() for p in estimator.coefs_ + estimator.intercepts_)
        loss = estimator.network_.loss(X, Y)
        assert np.isfinite(loss) and loss <= mlp.BLOW_UP * estimator.loss_curve_[0]


def test_outputs_taken_a_share_of_the_limit_at_a_time_are_the_same(monkeypatch):
    X, y = iris_like()
    estimator = NeuronNetClassifier(hidden_layer_sizes=(8,), max_iter=5, random_state=0)
    whole = estimator.fit(X, y).predict_proba(X)
    asked = []

    def few(row_bytes, wanted):
        asked.append(wanted)
        return 7
    monkeypatch.setattr(mlp, "rows_that_fit", few)
    assert np.allclose(estimator.predict_proba(X), whole, rtol=1e-12, atol=0)
    assert asked == [len(X)]


@pytest.mark.parametrize("model", ["neuron", "reference"])
def test_a_fit_that_needs_more_memory_than_the_limit_is_refused_by_name(model, monkeypatch):
    X, y = iris_like()
    monkeypatch.setattr(memory, "memory_limit", lambda: memory.Limit(
        64 * 2**20, 3 * 2**30, 3 * 2**30 - 64 * 2**20, "RLIMIT_AS (ulimit -v)"))
    # 4-2000-2000-3: 4 million parameters, 97 MB before its batches: over 64 MiB.
    estimator = NeuronNetClassifier(hidden_layer_sizes=(2000, 2000), model=model)
    with pytest.raises(ValueError, match=r"^hidden_layer_sizes: got \(2000, 2000\)") as info:
        estimator.fit(X, y)
    assert "RLIMIT_AS" in str(info.value)
    assert not hasattr(estimator, "network_")
    NeuronNetClassifier(hidden_layer_sizes=(20,), max_iter=2, model=model).fit(X, y)  # fits
