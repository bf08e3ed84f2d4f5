"""NeuronNetRegressor: the neuron model with a linear output and half-MSE behind scikit-learn's
API (what it shares with the classifier: mlp.py)."""
import numpy as np
from sklearn.base import RegressorMixin
from sklearn.utils.validation import validate_data

from .conventions import all_or_nothing, documented
from .mlp import _NeuronNetBase


@documented(output="linear")
class NeuronNetRegressor(RegressorMixin, _NeuronNetBase):
    """A regressor: the neuron model (or the reference) with a linear output and half-MSE plus
    an L2 penalty, trained by Adam or SGD, behind scikit-learn's API. Scale y
    (TransformedTargetRegressor with StandardScaler) when its values are large.
    """
    _loss_name = "half_mse"
    out_activation_ = "identity"

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
