"""A run that diverges inside scikit-learn's model selection: each fold's failure is reported
as the call to ``fit`` and our message (TrainingDiverged, a ValueError), not a traceback
through the training loop; ``error_score="raise"`` still raises it; the estimator is left as it
was (tests/estimators/test_divergence.py)."""
import warnings

import numpy as np
import pytest

pytest.importorskip("sklearn")
from sklearn.exceptions import FitFailedWarning  # noqa: E402
from sklearn.model_selection import cross_val_score  # noqa: E402

from neuronnet.estimators import NeuronNetRegressor, TrainingDiverged  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def unscaled(n=60, seed=0):
    """Targets in the billions: plain SGD at rate 0.1 diverges on every fold."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    return X, 1e3 * (X @ np.array([1.0, -2.0, 3.0])) ** 3


def diverging():
    return NeuronNetRegressor(solver="sgd", learning_rate_init=0.1, max_iter=20,
                              random_state=0)


def failure_blocks(report):
    """scikit-learn's report of failed fits, one block per distinct error."""
    return [block for block in report.split("-" * 80)[1:] if "fits failed" in block]


def test_a_fold_that_diverges_is_reported_by_our_message_not_our_frames():
    X, y = unscaled()
    with pytest.raises(ValueError, match="All the 3 fits failed") as info:
        cross_val_score(diverging(), X, y, cv=3)
    blocks = failure_blocks(str(info.value))
    assert sum(int(block.split("fits failed")[0].split()[-1]) for block in blocks) == 3
    for block in blocks:
        frames = [line for line in block.splitlines() if line.strip().startswith("File ")]
        ours = [line for line in frames if "neuronnet" in line]
        assert len(ours) == 1 and "conventions.py" in ours[0], block   # fit, nothing below
        assert len(frames) == 2, block            # scikit-learn's call to fit, and fit
        last = block.strip().splitlines()[-1]
        assert last.startswith("neuronnet.estimators.TrainingDiverged: training diverged: "
                               "the loss became "), last
        assert "learning_rate_init=0.1" in last and "StandardScaler" in last


def test_a_fold_that_diverges_beside_folds_that_fit_is_a_warning_with_our_message():
    X, y = unscaled()
    y[:40] = X[:40, 0]          # the fold tested on rows 40-59 trains on small targets only
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        scores = cross_val_score(diverging(), X, y, cv=3)
    assert np.isnan(scores[:2]).all() and np.isfinite(scores[2])
    failed = [w for w in seen if issubclass(w.category, FitFailedWarning)]
    assert len(failed) == 1
    text = str(failed[0].message)
    assert "2 fits failed out of a total of 3" in text
    assert text.count("TrainingDiverged: training diverged") == 2
    assert "mlp.py" not in text and "epoch.py" not in text   # no frame of the training loop


def test_error_score_raise_raises_our_error_itself():
    X, y = unscaled()
    with pytest.raises(TrainingDiverged, match="^training diverged") as info:
        cross_val_score(diverging(), X, y, cv=3, error_score="raise")
    assert isinstance(info.value, ValueError) and info.value.__cause__ is None
    assert info.value.__suppress_context__
