"""NeuronNetClassifier: the neuron model with softmax cross-entropy (one logistic output with
binary cross-entropy for two classes) behind scikit-learn's API (what it shares with the
regressor: mlp.py)."""
import numpy as np
from sklearn.base import ClassifierMixin
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import validate_data

from .conventions import all_or_nothing, documented
from .mlp import _NeuronNetBase


@documented(output="linear (the softmax, or for two classes the one logistic output, lives in "
                   "the loss)")
class NeuronNetClassifier(ClassifierMixin, _NeuronNetBase):
    """A classifier: the neuron model (or the reference) with softmax cross-entropy, or for two
    classes one logistic output with binary cross-entropy, plus an L2 penalty, trained by Adam or
    SGD, behind scikit-learn's API. Labels of any type, through ``classes_``.
    """

    def __init__(self, hidden_layer_sizes=(100,), activation="relu", solver="adam", alpha=0.0001,
                 learning_rate_init=0.001, momentum=0.9, nesterovs_momentum=True, beta_1=0.9,
                 beta_2=0.999, epsilon=1e-8, batch_size="auto", max_iter=200,
                 shuffle=True, random_state=None, early_stopping=False, validation_fraction=0.1,
                 n_iter_no_change=10, tol=1e-4, verbose=False, batch_mode="minibatch",
                 init="glorot_uniform", clip_norm=None, model="neuron"):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.learning_rate_init = learning_rate_init
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
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

    @all_or_nothing
    def fit(self, X, y):
        self._checked = self._check(incremental=False)
        X, y = validate_data(self, X, y, dtype=np.float64)
        check_classification_targets(y)
        self.classes_, labels = np.unique(y, return_inverse=True)
        return self._fit(X, self._targets(labels), y)

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
        return self._fit(X, self._targets(labels), incremental=True)

    def _targets(self, labels):
        """The network's targets: for two classes (or one) a column of 0/1, the second class
        being 1, for one logistic output; else one-hot rows for the softmax."""
        if len(self.classes_) <= 2:
            self._loss_name, self.out_activation_ = "binary_cross_entropy", "logistic"
            return labels.reshape(-1, 1).astype(np.float64)
        self._loss_name, self.out_activation_ = "cross_entropy", "softmax"
        return np.eye(len(self.classes_))[labels]

    def predict_log_proba(self, X):
        """log p, by log-softmax of the logits; with one logistic output z, log p of the
        second class is log sigmoid(z) = -log(1 + e^-z) and of the first -log(1 + e^z)
        (a single class keeps only the first)."""
        z = self._output(X)
        if z.shape[1] == 1:
            both = np.hstack([-np.logaddexp(0.0, z), -np.logaddexp(0.0, -z)])
            return both[:, :len(self.classes_)]
        shifted = z - z.max(axis=1, keepdims=True)
        return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))

    def predict_proba(self, X):
        return np.exp(self.predict_log_proba(X))

    def predict(self, X):
        probabilities = self.predict_proba(X)   # first: it says NotFittedError before fit
        return self.classes_[probabilities.argmax(axis=1)]
