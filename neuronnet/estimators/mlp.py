"""NeuronNetClassifier and NeuronNetRegressor: the neuron model behind scikit-learn's estimator
API. Parameters take MLPClassifier's names where the meaning is the same; ``batch_mode``,
``init`` and ``clip_norm`` are neuronnet's own.

Training, per epoch: the order is ``rng.permutation(n)`` (``rng`` seeded by ``random_state``)
or 0..n-1 without ``shuffle``; one ``train_step`` per batch of ``batch_size`` rows (online:
1, full: n). Stopping follows MLPClassifier's rule: an epoch whose training loss is not below
``best_loss_ - tol`` (with ``early_stopping``: whose validation score is not above
``best_validation_score_ + tol``) counts as no improvement, one that is resets the count, and
training stops when the count exceeds ``n_iter_no_change``. With ``early_stopping`` a
``validation_fraction`` of the data is held out and the parameters of its best score are kept.
Reaching ``max_iter`` before that raises a ConvergenceWarning, as scikit-learn does.

What MLPClassifier has and these do not: ``solver`` (always SGD, plain or with momentum),
``alpha`` (no L2 penalty: compare with ``MLPClassifier(solver="sgd", alpha=0)``), the
adaptive ``learning_rate`` schedules, ``sample_weight`` and sparse X. A binary problem gets two
softmax outputs (the softmax of two logits is the logistic of their difference), so its last
``coefs_`` has two columns where MLPClassifier's has one. The regressor's loss is the book's
half-MSE, summed over outputs and averaged over samples; MLPRegressor averages over outputs too,
so with k outputs the same rate takes k times our step there. The early-stopping split is a
plain random one (scikit-learn's is stratified for a classifier).
"""
import warnings

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from .. import batching
from ..network import Network
from .conventions import all_or_nothing, own_init
from .params import check_parameters

# The default rates (benchmarks/estimator_defaults.py measures them beside scikit-learn's).
# MLPClassifier's 0.001 is meant for adam; with SGD and momentum 0.9 it leaves small
# classification problems unfitted after 200 epochs, and 0.1 diverges on unscaled digits:
# 0.01 matches or beats MLPClassifier's defaults on four problems. A regressor's targets are
# often unscaled (hundreds), where 0.01 diverges and 0.001 fits.
CLASSIFIER_RATE, REGRESSOR_RATE = 0.01, 0.001

# An epoch whose loss is this many times the first epoch's is a run blowing up, even while its
# numbers are still finite: it is stopped as diverged, never returned as a fitted model.
BLOW_UP = 1e3


class _NeuronNetBase(BaseEstimator):
    def __init__(self, hidden_layer_sizes=(100,), activation="relu",
                 learning_rate_init=CLASSIFIER_RATE, momentum=0.9, nesterovs_momentum=True,
                 batch_size="auto", max_iter=200, shuffle=True, random_state=None,
                 early_stopping=False, validation_fraction=0.1, n_iter_no_change=10, tol=1e-4,
                 verbose=False, batch_mode="minibatch", init="glorot_uniform", clip_norm=None,
                 model="neuron"):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.learning_rate_init = learning_rate_init
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.batch_size = batch_size
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.verbose = verbose
        self.batch_mode = batch_mode
        self.init = init
        self.clip_norm = clip_norm
        self.model = model

    # --- what the subclasses say --------------------------------------------------------------
    loss_name = None

    # --- fitting ------------------------------------------------------------------------------
    def _rng(self):
        seed = self.random_state
        if isinstance(seed, np.random.RandomState):
            seed = int(seed.randint(2 ** 31))
        return np.random.default_rng(seed)

    def _check(self, incremental):
        """Every parameter, before any work: (hidden widths, the book's activation name)."""
        checked = check_parameters(self)
        if incremental and self.early_stopping:
            raise ValueError("early_stopping: got True with partial_fit; expected False "
                             "(partial_fit trains one epoch on what it is given and holds "
                             "nothing out), as in scikit-learn")
        return checked

    def _build(self, n_in, n_out, rng):
        hidden, activation = self._checked
        sizes = [n_in, *hidden, n_out]
        acts = [activation] * len(hidden) + ["identity"]
        self.n_layers_, self.n_outputs_ = len(sizes), n_out
        if self.model == "neuron":
            return Network(sizes, acts, self.loss_name, init=self.init, rng=rng)
        from reference import MLP  # the oracle, by name, for side-by-side runs
        return MLP(sizes, acts, self.loss_name, init=self.init, rng=rng)

    def _optimizer(self):
        if self.momentum == 0:
            return "sgd"
        return "nesterov" if self.nesterovs_momentum else "momentum"

    def _start(self, X, Y, rng):
        self.network_ = self._build(X.shape[1], Y.shape[1], rng)
        self.loss_curve_, self.n_iter_, self._no_improvement = [], 0, 0
        self.best_loss_ = None if self.early_stopping else np.inf
        self.validation_scores_ = [] if self.early_stopping else None
        self.best_validation_score_ = -np.inf if self.early_stopping else None

    def _fit(self, X, Y, y=None, incremental=False):
        """Y: the network's targets (one-hot or real); y: what ``score`` takes (the labels)."""
        rng = getattr(self, "_order_rng", None) if incremental else None
        if rng is None:
            rng = self._order_rng = self._rng()
        if not incremental or not hasattr(self, "network_"):
            self._start(X, Y, rng)
        valid = None
        if self.early_stopping and not incremental:
            order = rng.permutation(len(X))
            n_valid = max(1, int(round(self.validation_fraction * len(X))))
            if n_valid >= len(X):
                raise ValueError(f"validation_fraction: got {self.validation_fraction} of "
                                 f"{len(X)} samples, which leaves none to train on; expected "
                                 "a smaller fraction or more samples")
            valid, train = order[:n_valid], order[n_valid:]
            X, Y, X_valid, y_valid = X[train], Y[train], X[valid], y[valid]
        # "auto" as MLPClassifier: 200, or all the rows when there are fewer.
        batch = min(200 if self.batch_size == "auto" else int(self.batch_size), len(X))
        best_params = None
        for _ in range(1 if incremental else self.max_iter):
            self._epoch(X, Y, batch, rng)
            if valid is not None:
                self.validation_scores_.append(self.score(X_valid, y_valid))
                if self.verbose:
                    print(f"Validation score: {self.validation_scores_[-1]:f}")
                improved = self.validation_scores_[-1] >= self.best_validation_score_ + self.tol
                if self.validation_scores_[-1] > self.best_validation_score_:
                    self.best_validation_score_ = self.validation_scores_[-1]
                    best_params = self.network_.parameters()
            else:
                improved = self.loss_curve_[-1] <= self.best_loss_ - self.tol
                self.best_loss_ = min(self.best_loss_, self.loss_curve_[-1])
            self._no_improvement = 0 if improved else self._no_improvement + 1
            if self._no_improvement > self.n_iter_no_change:
                if self.verbose:
                    watched = "Validation score" if valid is not None else "Training loss"
                    print(f"{watched} did not improve more than tol={self.tol:f} for "
                          f"{self.n_iter_no_change} consecutive epochs. Stopping.")
                break
            if not incremental and self.n_iter_ == self.max_iter:
                warnings.warn(f"{type(self).__name__}: max_iter={self.max_iter} epochs reached "
                              "before the stopping rule ended training (an epoch still improved "
                              "by more than tol); raise max_iter to train longer",
                              ConvergenceWarning)
        if best_params is not None:
            self.network_.set_parameters(best_params)
        params = self.network_.parameters()
        self.coefs_ = [W.T.copy() for W in params[0::2]]      # scikit-learn's (fan_in, fan_out)
        self.intercepts_ = [b.copy() for b in params[1::2]]
        return self

    def _epoch(self, X, Y, batch, rng):
        """One pass over (X, Y); appends its loss (row-weighted mean of the losses measured
        before each step) to ``loss_curve_``."""
        order = rng.permutation(len(X)) if self.shuffle else np.arange(len(X))
        # A run that blows up is reported below, once, with its epoch: numpy's overflow
        # warnings from inside it would say the same many times without saying where.
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            total = self._steps(X, Y, order, batch)
        self.loss_curve_.append(total / len(X))
        self.n_iter_ += 1
        if self.verbose:
            print(f"Iteration {self.n_iter_}, loss = {self.loss_curve_[-1]:.8f}")
        loss, first = self.loss_curve_[-1], self.loss_curve_[0]
        if not np.isfinite(loss) or loss > BLOW_UP * first:
            raise ValueError(f"training diverged: the loss became {loss:.4g} at epoch "
                             f"{self.n_iter_} (the first epoch's was {first:.4g}); expected a "
                             "smaller learning_rate_init, or scaled data (StandardScaler for X; "
                             "for a regressor's y, TransformedTargetRegressor)")

    def _steps(self, X, Y, order, batch):
        """The steps of one epoch; returns the sum of the losses measured before each step (and
        of every forward-only row), each weighted by its rows."""
        total = 0.0
        for rows, learn in batching.plan(order, self.batch_mode, batch):
            if learn:
                total += len(rows) * self.network_.train_step(
                    X[rows], Y[rows], optimizer=self._optimizer(), lr=self.learning_rate_init,
                    momentum=self.momentum, clip_norm=self.clip_norm)
            else:   # sampled mode: the rows between steps only go forward, as in train()
                total += len(rows) * self.network_.loss(X[rows], Y[rows])
        return total

    def _output(self, X):
        check_is_fitted(self, "network_")
        X = validate_data(self, X, reset=False, dtype=np.float64)
        return self.network_.forward(X)


@own_init(_NeuronNetBase, dict(output="linear (the softmax lives in the loss)",
                               rate=CLASSIFIER_RATE,
                               why_rate="(MLPClassifier's 0.001 is adam's; see the README.)"),
          learning_rate_init=CLASSIFIER_RATE)
class NeuronNetClassifier(ClassifierMixin, _NeuronNetBase):
    """A classifier: the neuron model (or the reference) with softmax cross-entropy, trained by
    SGD with momentum, behind scikit-learn's API. Labels of any type, through ``classes_``.
    """
    loss_name = "cross_entropy"
    out_activation_ = "softmax"

    @all_or_nothing
    def fit(self, X, y):
        self._checked = self._check(incremental=False)
        X, y = validate_data(self, X, y, dtype=np.float64)
        check_classification_targets(y)
        self.classes_, labels = np.unique(y, return_inverse=True)
        return self._fit(X, np.eye(max(len(self.classes_), 2))[labels], y)

    @all_or_nothing
    def partial_fit(self, X, y, classes=None):
        self._checked = self._check(incremental=True)
        first = not hasattr(self, "classes_")
        X, y = validate_data(self, X, y, dtype=np.float64, reset=first)
        check_classification_targets(y)
        if first:
            if classes is None:
                raise ValueError("classes: got None on the first call to partial_fit; "
                                 "expected every class label, as scikit-learn's estimators do")
            self.classes_ = np.unique(classes)
        labels = np.searchsorted(self.classes_, y)
        if (labels >= len(self.classes_)).any() or (self.classes_[labels] != y).any():
            raise ValueError("y: got a label not in classes_; expected one of "
                             f"{self.classes_.tolist()}")
        return self._fit(X, np.eye(max(len(self.classes_), 2))[labels], incremental=True)

    def predict_log_proba(self, X):
        """log p, by log-softmax of the logits (a single class's second output is dropped)."""
        z = self._output(X)[:, :len(self.classes_)]
        shifted = z - z.max(axis=1, keepdims=True)
        return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))

    def predict_proba(self, X):
        return np.exp(self.predict_log_proba(X))

    def predict(self, X):
        probabilities = self.predict_proba(X)   # first: it says NotFittedError before fit
        return self.classes_[probabilities.argmax(axis=1)]


@own_init(_NeuronNetBase, dict(output="linear", rate=REGRESSOR_RATE,
                               why_rate="(Small, for unscaled targets; scale y to go faster.)"),
          learning_rate_init=REGRESSOR_RATE)
class NeuronNetRegressor(RegressorMixin, _NeuronNetBase):
    """A regressor: the neuron model (or the reference) with a linear output and half-MSE,
    trained by SGD with momentum, behind scikit-learn's API. Scale y (TransformedTargetRegressor
    with StandardScaler) when its values are large.
    """
    loss_name = "half_mse"
    out_activation_ = "identity"

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True      # y may have several columns
        return tags

    @all_or_nothing
    def fit(self, X, y):
        self._checked = self._check(incremental=False)
        X, y = validate_data(self, X, y, dtype=np.float64, y_numeric=True, multi_output=True)
        return self._fit(X, y.reshape(len(y), -1), y)

    @all_or_nothing
    def partial_fit(self, X, y):
        self._checked = self._check(incremental=True)
        first = not hasattr(self, "network_")
        X, y = validate_data(self, X, y, dtype=np.float64, y_numeric=True, multi_output=True,
                             reset=first)
        return self._fit(X, y.reshape(len(y), -1), incremental=True)

    def predict(self, X):
        out = self._output(X)
        return out[:, 0] if out.shape[1] == 1 else out     # one output: (n,), as scikit-learn

