"""The estimators' parameters: what each means and which values it takes, checked at the start of
``fit`` and ``partial_fit``, before any work, with the public parameter's name in the error."""
import numbers

import numpy as np

from ..activations import ACTIVATIONS
from ..batching import BATCH_MODES
from ..guards import check_choice, check_positive_int, check_positive_real, check_real, fail
from ..initializers import INITIALIZERS

# scikit-learn's activation names, where they differ from the book's.
SCIKIT_LEARN_NAMES = {"logistic": "sigmoid"}
MODELS = ("neuron", "reference")
SOLVERS = ("adam", "sgd")

PARAMETERS_DOC = """
    Parameters
    ----------
    hidden_layer_sizes : int or sequence of int, default (100,)
        The width of each hidden layer.
    activation : {"relu", "tanh", "sigmoid" (or scikit-learn's "logistic"), "identity"}
        The hidden layers' activation; the output layer is {output}.
    solver : {"adam", "sgd"}, default "adam"
        Adam (Kingma & Ba 2015, with beta_1, beta_2, epsilon), or SGD, plain or with momentum.
    alpha : float >= 0, default 0.0001
        The L2 penalty: each batch of n rows adds alpha / (2 n) * (sum of every weight
        squared, biases excluded) to the loss, and its gradient to the weights' (the book's
        ``l2``; scikit-learn's convention).
    learning_rate_init : float > 0, default 0.001
        The rate, constant.
    momentum : float in [0, 1), default 0.9
        solver "sgd": mu of the heavy-ball or Nesterov update; 0 is plain SGD.
    nesterovs_momentum : bool, default True
    beta_1, beta_2 : float in [0, 1), default 0.9 and 0.999
        solver "adam": the decay rates of its first and second moments.
    epsilon : float > 0, default 1e-8
        solver "adam": added to the root of the second moment.
    batch_size : int >= 1 or "auto", default "auto" (min(200, n_samples))
    max_iter : int >= 1, default 200
        Epochs; reaching it before the stopping rule ends training is a ConvergenceWarning.
    shuffle : bool, default True
        A new sample order each epoch (from random_state); else 0..n-1.
    random_state : None, int >= 0 or numpy.random.RandomState
        Seeds the initial weights, the validation split and the sample order.
    early_stopping : bool, default False
        Hold out validation_fraction of the data and stop when its score stops rising.
    validation_fraction : float in (0, 1), default 0.1
    n_iter_no_change : int >= 1, default 10
    tol : float >= 0, default 1e-4
        An epoch improves by more than tol, or counts towards n_iter_no_change.
    verbose : bool or int, default False
        Print each epoch's loss (and validation score), and why training stopped.
    batch_mode : {"minibatch", "online", "full", "sampled"}, default "minibatch"
        neuronnet's: "sampled" is the coursework's mode, every batch_size-th sample stepped on.
    init : {"glorot_uniform", "he_normal", "normal", "coursework"}, default "glorot_uniform"
        neuronnet's: how the initial weights are drawn (biases start at 0).
    clip_norm : None or float > 0, default None
        neuronnet's: scale any step whose global gradient norm exceeds it down to it.
    model : {"neuron", "reference"}, default "neuron"
        neuronnet's: the object-per-neuron Network, or the vectorized reference MLP.

    Attributes
    ----------
    network_ : the fitted Network (or reference MLP), to look inside
    coefs_, intercepts_ : lists of arrays, (fan_in, fan_out) and (fan_out,), as scikit-learn's
    loss_curve_ : each epoch's mean training loss (measured before each step)
    n_iter_ : epochs trained, over every fit or partial_fit since the last fit
    best_loss_ : the lowest of loss_curve_ (None with early_stopping)
    validation_scores_, best_validation_score_ : with early_stopping, the held-out score per
        epoch and its best (else None)
    n_features_in_, n_layers_, n_outputs_, out_activation_ : as scikit-learn's
"""


def _check_bool(name, value):
    if not isinstance(value, (bool, np.bool_)):
        fail(name, repr(value), "True or False", TypeError)


def check_parameters(estimator):
    """Every parameter of ``estimator``, checked; returns the hidden widths and the book's name
    of the activation."""
    e = estimator
    sizes = e.hidden_layer_sizes
    if isinstance(sizes, numbers.Integral) and not isinstance(sizes, bool):
        hidden = [check_positive_int("hidden_layer_sizes", sizes)]
    elif isinstance(sizes, (tuple, list, np.ndarray)) and np.ndim(sizes) == 1:
        hidden = [check_positive_int(f"hidden_layer_sizes[{i}]", w) for i, w in enumerate(sizes)]
    else:
        fail("hidden_layer_sizes", repr(sizes), "an int or a sequence of ints", TypeError)
    activation = SCIKIT_LEARN_NAMES.get(e.activation, e.activation)
    if activation not in ACTIVATIONS:
        fail("activation", repr(e.activation),
             f"one of {sorted(set(ACTIVATIONS) | set(SCIKIT_LEARN_NAMES))}")
    check_choice("solver", e.solver, SOLVERS)
    check_real("alpha", e.alpha, low=0.0)
    check_positive_real("learning_rate_init", e.learning_rate_init)
    check_real("beta_1", e.beta_1, low=0.0, high=1.0, high_open=True)
    check_real("beta_2", e.beta_2, low=0.0, high=1.0, high_open=True)
    check_positive_real("epsilon", e.epsilon)
    check_real("momentum", e.momentum, low=0.0, high=1.0, high_open=True)
    if e.batch_size != "auto":
        check_positive_int("batch_size", e.batch_size)
    check_positive_int("max_iter", e.max_iter)
    check_real("validation_fraction", e.validation_fraction, low=0.0, high=1.0, high_open=True)
    if e.early_stopping and e.validation_fraction == 0:
        fail("validation_fraction", "0.0 with early_stopping=True", "a fraction in (0, 1)")
    check_positive_int("n_iter_no_change", e.n_iter_no_change)
    check_real("tol", e.tol, low=0.0)
    for name in ("nesterovs_momentum", "shuffle", "early_stopping"):
        _check_bool(name, getattr(e, name))
    if not (isinstance(e.verbose, (bool, np.bool_, numbers.Integral)) and e.verbose >= 0):
        fail("verbose", repr(e.verbose), "True, False or an int >= 0 (as scikit-learn's)",
             TypeError)
    seed = e.random_state
    if not (seed is None or isinstance(seed, np.random.RandomState)):
        expected = "None, an int >= 0 or a numpy RandomState"
        if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
            fail("random_state", repr(seed), expected, TypeError)
        if seed < 0:
            fail("random_state", repr(seed), expected)
    check_choice("batch_mode", e.batch_mode, BATCH_MODES)
    check_choice("init", e.init, INITIALIZERS)
    if e.clip_norm is not None:
        check_positive_real("clip_norm", e.clip_norm)
    check_choice("model", e.model, MODELS)
    if e.model == "reference" and e.solver == "adam" and (e.beta_1, e.beta_2, e.epsilon) != (
            0.9, 0.999, 1e-8):
        fail("model", "'reference' with beta_1, beta_2, epsilon = "
             f"{e.beta_1!r}, {e.beta_2!r}, {e.epsilon!r}",
             "the reference's Adam, which has the defaults 0.9, 0.999, 1e-8, or model='neuron'")
    return hidden, activation
