"""NeuronNetClassifier: the neuron model with softmax cross-entropy behind scikit-learn's API
(what it shares with the regressor: mlp.py)."""
import numpy as np
from sklearn.base import ClassifierMixin
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import validate_data

from .conventions import all_or_nothing, documented
from .mlp import CLASSIFIER_RATE, _NeuronNetBase


@documented(output="linear (the softmax lives in the loss)", rate=CLASSIFIER_RATE,
            why_rate="(MLPClassifier's 0.001 is adam's; see docs/measurements.md, "
                     "\"Numerics and the estimators\".)")
class NeuronNetClassifier(ClassifierMixin, _NeuronNetBase):
    """A classifier: the neuron model (or the reference) with softmax cross-entropy, trained by
    SGD with momentum, behind scikit-learn's API. Labels of any type, through ``classes_``.
    """
    loss_name = "cross_entropy"
    out_activation_ = "softmax"

    def __init__(self, hidden_layer_sizes=(100,), activation="relu", learning_rate_init=CLASSIFIER_RATE,
                 momentum=0.9, nesterovs_momentum=True, batch_size="auto", max_iter=200,
                 shuffle=True, random_state=None, early_stopping=False, validation_fraction=0.1,
                 n_iter_no_change=10, tol=1e-4, verbose=False, batch_mode="minibatch",
                 init="glorot_uniform", clip_norm=None, model="neuron"):
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
