"""What NeuronNetClassifier and NeuronNetRegressor share: the neuron model behind scikit-learn's
estimator API. Parameters take MLPClassifier's names, and its defaults, where the meaning is the
same (``solver="adam"``, ``alpha=0.0001``, ``learning_rate_init=0.001``); ``batch_mode``,
``init``, ``clip_norm`` and ``model`` are neuronnet's own.

Training, per epoch: the order is ``rng.permutation(n)`` (``rng`` seeded by ``random_state``)
or 0..n-1 without ``shuffle``; one step per batch of ``batch_size`` rows (online:
1, full: n). Stopping follows MLPClassifier's rule: an epoch whose training loss is not below
``best_loss_ - tol`` (with ``early_stopping``: whose validation score is not above
``best_validation_score_ + tol``) counts as no improvement, one that is resets the count, and
training stops when the count exceeds ``n_iter_no_change``. With ``early_stopping`` a
``validation_fraction`` of the data is held out and the parameters of its best score are kept.
Reaching ``max_iter`` before that raises a ConvergenceWarning, as scikit-learn does.

From the same initial weights and batch order, a fit equals MLPClassifier's (MLPRegressor's for
one output) to rounding, for adam and sgd, with any alpha. What differs: the initial weights
(``init``, drawn from a numpy Generator), the adaptive ``learning_rate`` schedules and
``power_t``, ``sample_weight``, sparse X and ``warm_start``; with k > 1 outputs the regressor's
half-MSE is summed over outputs where MLPRegressor averages them (the same rate takes k times
our step there); the early-stopping split is a plain random one (scikit-learn's is stratified
for a classifier), and the stopping rule does not lower an adaptive rate.
"""
import functools
import warnings

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.validation import check_is_fitted, validate_data

from ..divergence import BLOW_UP  # noqa: F401  (the estimators' tests read it here)
from ..divergence import diverged as blew_up
from ..epoch import run_epoch
from ..guards.memory import (
    check_memory,
    forward_row_bytes,
    memory_needed,
    rows_that_fit,
    step_bytes,
)
from ..network import Network
from ..optimizers import Adam, get_optimizer
from .conventions import TrainingDiverged
from .params import check_parameters

# An epoch whose loss is past the divergence rule (blew_up: not finite, or more than BLOW_UP,
# 1000, times the first epoch's; the rule's one home is neuronnet/divergence.py, which the
# training loop uses too) is a run blowing up, even while its numbers are still finite: it is
# stopped as diverged, never returned as a fitted model. The same rule judges the model the
# last step leaves (_check_end).


class _NeuronNetBase(BaseEstimator):
    """What the classifier and the regressor share: fitting, epoch by epoch. Each subclass
    writes out its own ``__init__`` (scikit-learn reads the parameters from its signature)."""

    # --- what the subclasses say --------------------------------------------------------------
    _loss_name = None

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

    def _build(self, n_in, n_out, n_rows, rng, incremental):
        hidden, activation = self._checked
        sizes = [n_in, *hidden, n_out]
        acts = [activation] * len(hidden) + ["identity"]
        # Before either model allocates anything (the reference's own check knows physical
        # memory only): the network with what a step keeps (_network_bytes), its parameters
        # twice more (the best or final ones, coefs_); partial_fit keeps a copy of the network
        # to roll back to (all_or_nothing), so it needs the network twice.
        self._sizes, self._rows = sizes, self._rows_at_once(n_rows)
        n_parameters = sum((a + 1) * b for a, b in zip(sizes, sizes[1:]))
        copies = 2 if incremental else 1
        check_memory("hidden_layer_sizes", repr(self.hidden_layer_sizes),
                     copies * self._network_bytes() + 16 * n_parameters,
                     f"a {'-'.join(map(str, sizes))} network, its steps and "
                     f"{'a copy to roll back to' if incremental else 'its parameters'}")
        self.n_layers_, self.n_outputs_ = len(sizes), n_out
        if self.model == "neuron":
            return Network(sizes, acts, self._loss_name, init=self.init, rng=rng, l2=self.alpha)
        from reference import MLP  # the oracle, by name, for side-by-side runs
        return MLP(sizes, acts, self._loss_name, init=self.init, rng=rng, l2=self.alpha)

    def _rows_at_once(self, n_rows):
        """The most rows a step, the end check (_check_end) or a prediction (_output) passes
        forward at once, and so the most the neurons keep: a batch, and at least 1,000 rows
        for the check and predictions (fewer when the memory limit says so)."""
        batch = 200 if self.batch_size == "auto" else int(self.batch_size)
        return min(n_rows, max(batch, 1000))

    def _network_bytes(self):
        """The network and what its steps keep (guards/memory.py)."""
        return memory_needed(self._sizes) + step_bytes(self._sizes, self._rows)

    def _check_copy_fits(self):
        """Before partial_fit copies the fitted network (all_or_nothing): refused by name when
        the copy would not fit, rather than a MemoryError."""
        if hasattr(self, "_rows"):
            check_memory("hidden_layer_sizes", repr(self.hidden_layer_sizes),
                         self._network_bytes(), "a copy of the fitted network to roll back to")

    def _optimizer(self):
        """The update rule's name: adam, or for sgd the one its momentum says."""
        if self.solver == "adam":
            return "adam"
        if self.momentum == 0:
            return "sgd"
        return "nesterov" if self.nesterovs_momentum else "momentum"

    def _start(self, X, Y, rng, incremental):
        self.network_ = self._build(X.shape[1], Y.shape[1], len(X), rng, incremental)
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
            self._start(X, Y, rng, incremental)
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
        step = self._step_function()
        best_params = None
        for _ in range(1 if incremental else self.max_iter):
            self._epoch(X, Y, batch, rng, step)
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
        params = self._check_end(X, Y)
        self.network_.forget_pass()       # a batch's values: nothing a fitted model needs
        self.coefs_ = [W.T.copy() for W in params[0::2]]      # scikit-learn's (fan_in, fan_out)
        self.intercepts_ = [b.copy() for b in params[1::2]]
        return self

    def _check_end(self, X, Y):
        """The model the last step left: finite parameters and a finite loss on the training
        rows within the divergence rule, or a ValueError (all_or_nothing rolls the estimator
        back). Returns the parameters."""
        params = self.network_.parameters()
        loss = np.nan
        if all(np.isfinite(p).all() for p in params):
            rows = rows_that_fit(forward_row_bytes(self._sizes), min(len(X), self._rows))
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                loss = sum(self.network_.loss(X[i:i + rows], Y[i:i + rows]) * len(X[i:i + rows])
                           for i in range(0, len(X), rows)) / len(X)
        if blew_up(loss, self.loss_curve_[0]):
            self._diverged(loss, "after the last step of")
        return params

    def _diverged(self, loss, when):
        raise TrainingDiverged(f"training diverged: the loss became {loss:.4g} {when} epoch "
                         f"{self.n_iter_} (the first epoch's was {self.loss_curve_[0]:.4g}) with "
                         f"learning_rate_init={self.learning_rate_init!r}; expected a smaller "
                         "learning_rate_init, or scaled data (StandardScaler for X; for a "
                         "regressor's y, TransformedTargetRegressor)")

    def _step_function(self):
        """(X, Y) -> the loss before one step. The neuron Network is handed an optimizer made
        once per fit and steps on rows validate_data has checked (``Network.step``); the
        reference takes its rule by name."""
        if self.model == "neuron":
            optimizer = get_optimizer(self._optimizer(), self.learning_rate_init, self.momentum)
            if self.solver == "adam":
                optimizer = Adam(self.learning_rate_init, self.beta_1, self.beta_2, self.epsilon)
            return functools.partial(self.network_.step, optimizer=optimizer,
                                     clip_norm=self.clip_norm)
        return functools.partial(self.network_.train_step, optimizer=self._optimizer(),
                                 lr=self.learning_rate_init, momentum=self.momentum,
                                 clip_norm=self.clip_norm)

    def _epoch(self, X, Y, batch, rng, step):
        """One pass over (X, Y) (neuronnet/epoch.py); appends its loss (row-weighted mean of
        the losses measured before each step) to ``loss_curve_``."""
        order = rng.permutation(len(X)) if self.shuffle else np.arange(len(X))
        # A run that blows up is reported below, once, with its epoch: numpy's overflow
        # warnings from inside it would say the same many times without saying where.
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            # sampled mode: the rows between steps only go forward, as in train()
            self.loss_curve_.append(run_epoch(step, self.network_.loss,
                                              lambda rows: (X[rows], Y[rows]), order,
                                              self.batch_mode, batch))
        self.n_iter_ += 1
        if self.verbose:
            print(f"Iteration {self.n_iter_}, loss = {self.loss_curve_[-1]:.8f}")
        if blew_up(self.loss_curve_[-1], self.loss_curve_[0]):
            self._diverged(self.loss_curve_[-1], "at")

    def _output(self, X):
        """The network's outputs for X, a share of the memory limit's worth of rows at a time."""
        check_is_fitted(self, "network_")
        X = validate_data(self, X, reset=False, dtype=np.float64)
        sizes = getattr(self, "_sizes", [X.shape[1], self.n_outputs_])
        at_once = max(getattr(self, "_rows", len(X)), 1000)
        rows = rows_that_fit(forward_row_bytes(sizes), min(len(X), at_once)) if len(X) > 1 else 1
        out = np.concatenate([self.network_.forward(X[i:i + rows])
                              for i in range(0, len(X), rows)])
        self.network_.forget_pass()       # predictions leave no batch in the neurons
        return out
