"""NeuronNetClassifier and NeuronNetRegressor: the neuron model behind scikit-learn's estimator
API. Parameters take MLPClassifier's names where the meaning is the same; ``batch_mode``,
``init`` and ``clip_norm`` are neuronnet's own.

Training, per epoch: the order is ``rng.permutation(n)`` (``rng`` seeded by ``random_state``)
or 0..n-1 without ``shuffle``; one ``train_step`` per batch of ``batch_size`` rows (online:
1, full: n). Without early stopping, training stops when the training loss has not fallen by
``tol`` for ``n_iter_no_change`` epochs; with it, a ``validation_fraction`` of the data is held
out, the same rule watches its loss, and the parameters of its lowest loss are kept.
"""
import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from .. import batching
from ..network import Network


class _NeuronNetBase(BaseEstimator):
    def __init__(self, hidden_layer_sizes=(100,), activation="relu", learning_rate_init=0.001,
                 momentum=0.9, nesterovs_momentum=True, batch_size="auto", max_iter=200,
                 shuffle=True, random_state=None, early_stopping=False,
                 validation_fraction=0.1, n_iter_no_change=10, tol=1e-4,
                 batch_mode="minibatch", init="glorot_uniform", clip_norm=None,
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
        self.batch_mode = batch_mode
        self.init = init
        self.clip_norm = clip_norm
        self.model = model

    # --- what the subclasses say --------------------------------------------------------------
    loss_name = None

    def _targets(self, y):
        raise NotImplementedError

    # --- fitting ------------------------------------------------------------------------------
    def _rng(self):
        seed = self.random_state
        if isinstance(seed, np.random.RandomState):
            seed = int(seed.randint(2 ** 31))
        return np.random.default_rng(seed)

    def _build(self, n_in, n_out, rng):
        hidden = [self.hidden_layer_sizes] if np.isscalar(self.hidden_layer_sizes) \
            else list(self.hidden_layer_sizes)
        sizes = [n_in, *map(int, hidden), n_out]
        acts = [self.activation] * len(hidden) + ["identity"]
        if self.model == "neuron":
            return Network(sizes, acts, self.loss_name, init=self.init, rng=rng)
        if self.model == "reference":
            from reference import MLP  # the oracle, by name, for side-by-side runs
            return MLP(sizes, acts, self.loss_name, init=self.init, rng=rng)
        raise ValueError(f"model: got {self.model!r}; expected 'neuron' or 'reference'")

    def _optimizer(self):
        if self.momentum == 0:
            return "sgd"
        return "nesterov" if self.nesterovs_momentum else "momentum"

    def _fit(self, X, Y, incremental=False):
        rng = getattr(self, "_order_rng", None) if incremental else None
        if rng is None:
            rng = self._rng()
            self._order_rng = rng
        if not incremental or not hasattr(self, "network_"):
            self.network_ = self._build(X.shape[1], Y.shape[1], rng)
            self.loss_curve_, self.n_iter_ = [], 0
        net = self.network_
        valid = None
        if self.early_stopping and not incremental and len(X) >= 4:
            order = rng.permutation(len(X))
            n_valid = max(1, int(round(self.validation_fraction * len(X))))
            valid, train = order[:n_valid], order[n_valid:]
            (X, Y), (X_valid, Y_valid) = (X[train], Y[train]), (X[valid], Y[valid])
        # "auto" as MLPClassifier: 200, or all the rows when there are fewer.
        batch = min(200 if self.batch_size == "auto" else int(self.batch_size), len(X))
        best, best_params, stale = np.inf, None, 0
        for _ in range(1 if incremental else self.max_iter):
            order = rng.permutation(len(X)) if self.shuffle else np.arange(len(X))
            total = 0.0
            for rows, learn in batching.plan(order, self.batch_mode, batch):
                if learn:
                    total += len(rows) * net.train_step(
                        X[rows], Y[rows], optimizer=self._optimizer(),
                        lr=self.learning_rate_init, momentum=self.momentum,
                        clip_norm=self.clip_norm)
            self.loss_curve_.append(total / len(X))
            self.n_iter_ += 1
            watched = net.loss(X_valid, Y_valid) if valid is not None else self.loss_curve_[-1]
            if not np.isfinite(watched):
                raise ValueError(f"training diverged: the loss became {watched} at epoch "
                                 f"{self.n_iter_}; expected a smaller learning_rate_init")
            if watched < best - self.tol:
                best, stale = watched, 0
                best_params = net.parameters() if valid is not None else None
            else:
                stale += 1
                if stale >= self.n_iter_no_change:
                    break
        if best_params is not None:
            net.set_parameters(best_params)
        params = net.parameters()
        self.coefs_ = [W.T.copy() for W in params[0::2]]      # scikit-learn's (fan_in, fan_out)
        self.intercepts_ = [b.copy() for b in params[1::2]]
        return self

    def _output(self, X):
        check_is_fitted(self, "network_")
        X = validate_data(self, X, reset=False, dtype=np.float64)
        return self.network_.forward(X)


class NeuronNetClassifier(ClassifierMixin, _NeuronNetBase):
    """A softmax cross-entropy network; labels of any type through ``classes_``."""
    loss_name = "cross_entropy"

    def fit(self, X, y):
        X, y = validate_data(self, X, y, dtype=np.float64)
        check_classification_targets(y)
        self.classes_, labels = np.unique(y, return_inverse=True)
        return self._fit(X, np.eye(max(len(self.classes_), 2))[labels])

    def partial_fit(self, X, y, classes=None):
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

    def predict_proba(self, X):
        logits = self._output(X)
        e = np.exp(logits - logits.max(axis=1, keepdims=True))
        p = e / e.sum(axis=1, keepdims=True)
        return p[:, :len(self.classes_)] / p[:, :len(self.classes_)].sum(axis=1, keepdims=True)

    def predict(self, X):
        probabilities = self.predict_proba(X)   # first: it says NotFittedError before fit
        return self.classes_[probabilities.argmax(axis=1)]


class NeuronNetRegressor(RegressorMixin, _NeuronNetBase):
    """A half-MSE network with a linear output."""
    loss_name = "half_mse"

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True      # y may have several columns
        return tags

    def fit(self, X, y):
        X, y = validate_data(self, X, y, dtype=np.float64, y_numeric=True, multi_output=True)
        self._y_1d = y.ndim == 1
        return self._fit(X, y.reshape(len(y), -1))

    def partial_fit(self, X, y):
        first = not hasattr(self, "network_")
        X, y = validate_data(self, X, y, dtype=np.float64, y_numeric=True, multi_output=True,
                             reset=first)
        if first:
            self._y_1d = y.ndim == 1
        return self._fit(X, y.reshape(len(y), -1), incremental=True)

    def predict(self, X):
        out = self._output(X)
        return out[:, 0] if self._y_1d else out

