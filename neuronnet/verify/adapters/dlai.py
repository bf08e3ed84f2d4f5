"""deeplearning.ai's L-layer network (Course 1, "Deep Neural Network - Application") to the
contract: functions, not a class.

The student's ``initialize_parameters_deep(layer_dims)`` gives the dict ``parameters`` with
``W{l}`` (n_l, n_{l-1}), the contract's orientation, and the column ``b{l}`` (n_l, 1), layers
numbered from 1. Samples are COLUMNS: ``L_model_forward(X.T, parameters)`` returns
``(AL, caches)``, AL = sigmoid(Z_L) of shape (1, m), each cache ``((A_prev, W, b), Z)``;
``L_model_backward(AL, Y.T, caches)`` returns ``grads`` with ``dW{l}`` and ``db{l}`` (n_l, 1) of
the mean binary cross-entropy. So

    W_l = parameters["W{l+1}"],    dW_l = grads["dW{l+1}"],    db_l = grads["db{l+1}"][:, 0].

The network is [LINEAR -> hidden]*(L-1) -> LINEAR -> SIGMOID with binary cross-entropy: the
contract's ``binary_cross_entropy``, whose sigmoid belongs to the loss. The contract's forward
is therefore the logit, which the adapter reads from the last layer's LINEAR cache,

    Z_L = W_L A_{L-1} + b_L,

and the loss is the adapter's, from that logit: mean(y softplus(-z) + (1 - y) softplus(z)), with
softplus(t) = log(1 + e^t) = max(t, 0) + log(1 + e^-|t|): two terms >= 0, so that a y near 1 and
a large z leave no difference of large numbers (max(z, 0) - z y + log(1 + e^-|z|), the same loss,
rounds on the scale of z, which a central difference of the loss magnifies past the checker's
numeric rule). The
assignment's ``compute_cost(AL, Y)`` takes log(AL) and log(1 - AL): it loses digits once |z|
passes about 15 and is infinite once AL rounds to 0 or 1, so it is not what is judged. The
hidden activation is measured (the assignment's is relu); the output must be one unit.

Where an output saturates (AL rounded to 1, or to 0 or below the smallest normal float: |z|
beyond about 37 and 708, which the checker's large weights reach), the assignment's
dAL = -(Y/AL - (1-Y)/(1-AL)) is infinite and dAL * sigma'(z) no number, while the true
dZ_L = sigma(z) - y is. For those samples only, the adapter hands ``L_model_backward`` the same
step in a form it can compute: AL' = 1/2, the last cache's Z' = 0 and Y' = Y + 1/2 - sigma(z),
for which a correct backward gives dZ_L' = (2 - 4Y') sigma'(0) = sigma(z) - y: the gradient of
the same loss, through the student's own backward.

With the regularised variants ``compute_cost_with_regularization(AL, Y, parameters, lambd)``
and ``backward_propagation_with_regularization(AL, Y, caches, lambd)`` (the L-layer form of the
course's: the notebook's own takes its three-layer cache), the build takes ``lambd`` (the loss
adds lambd/(2m) sum ||W||^2, the contract's ``lambd`` form). The penalty in the loss is the
student's: the difference of the two costs at AL = 1/2, where the cross-entropy is log 2 for
any Y. ``train_step`` is ``update_parameters(parameters, grads, learning_rate)`` when present.
"""
import numpy as np

from .finding import StyleMismatch, activation_of, find_functions

ASSUMES = ("functions initialize_parameters_deep, L_model_forward(X, parameters) -> (AL, caches) "
           "and L_model_backward(AL, Y, caches) -> dW1, db1 (n, 1), ... on samples as "
           "columns; measured hidden layers, one sigmoid unit: the logit from the last linear "
           "cache, the loss the adapter's; lambd with both regularised")
ONE_HOT = False
REQUIRED = ("initialize_parameters_deep", "L_model_forward", "L_model_backward")
REGULARISED = ("compute_cost", "compute_cost_with_regularization",
               "backward_propagation_with_regularization")


def adapt(module):
    functions = dict(zip(REQUIRED, find_functions(module, REQUIRED, "dlai")))
    regularised = all(callable(getattr(module, name, None)) for name in REGULARISED[1:])
    if regularised:
        functions.update(zip(REGULARISED, find_functions(module, REGULARISED, "dlai")))
    functions["update_parameters"] = getattr(module, "update_parameters", None)
    hidden = hidden_activation(functions)

    def check_pattern(layer_sizes, activations, loss):
        wanted = [hidden] * (len(layer_sizes) - 2) + ["identity"]
        if loss != "binary_cross_entropy" or list(activations) != wanted:
            raise NotImplementedError(f"this network computes {wanted} (the logit of its "
                                      "sigmoid unit) with binary cross-entropy, not "
                                      f"{list(activations)} with {loss}")

    if regularised:
        def build(layer_sizes, activations, loss, lambd=0.0):
            check_pattern(layer_sizes, activations, loss)
            return Columns(functions, list(layer_sizes), lambd)
    else:
        def build(layer_sizes, activations, loss):
            check_pattern(layer_sizes, activations, loss)
            return Columns(functions, list(layer_sizes), 0.0)
    return build


def hidden_activation(functions):
    """What the hidden layer of a [1, 1, 1] network with every weight 1 and bias 0 applies."""
    try:
        net = Columns(functions, [1, 1, 1], 0.0)
        net.set_parameters([np.ones((1, 1)), np.zeros(1), np.ones((1, 1)), np.zeros(1)])
        found = activation_of(lambda z: net.forward(np.array([[z]]))[0, 0])
    except StyleMismatch:
        raise
    except Exception as exc:  # noqa: BLE001 - the student's exception says why it does not fit
        raise StyleMismatch(f"the dlai adapter looked for L_model_forward(X, parameters) -> "
                            f"(AL, caches) on a [1, 1, 1] network; it raised "
                            f"{type(exc).__name__}: {exc}") from exc
    if found is None:
        raise StyleMismatch("the dlai adapter looked for hidden layers that apply identity, "
                            "relu, tanh or sigmoid to W A + b; found one that applies none "
                            "of them")
    return found


def softplus(t):
    """log(1 + e^t), with no overflow."""
    return np.maximum(t, 0.0) + np.log1p(np.exp(-np.abs(t)))


def sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))        # 1 / (1 + e^-z), with no overflow


class Columns:
    """The contract's rows in and out, the assignment's columns and dicts inside."""

    def __init__(self, functions, layer_dims, lambd):
        self.f, self.lambd = functions, lambd
        self.L = len(layer_dims) - 1
        params = self.f["initialize_parameters_deep"](list(layer_dims))
        keys = [f"{p}{l}" for l in range(1, self.L + 1) for p in ("W", "b")]
        if not isinstance(params, dict) or any(k not in params for k in keys):
            found = ", ".join(params) if isinstance(params, dict) else type(params).__name__
            raise StyleMismatch(f"the dlai adapter looked for initialize_parameters_deep to "
                                f"return a dict of {', '.join(keys)}; found {found or 'none'}")
        self.parameters_ = dict(params)

    def set_parameters(self, params):
        for l in range(1, self.L + 1):
            self.parameters_[f"W{l}"] = np.array(params[2 * l - 2], dtype=np.float64)
            self.parameters_[f"b{l}"] = np.array(params[2 * l - 1], dtype=np.float64).reshape(-1, 1)

    def parameters(self):
        return [np.array(self.parameters_[f"W{l}"], dtype=np.float64) if k == "W" else
                np.array(self.parameters_[f"b{l}"], dtype=np.float64).ravel()
                for l in range(1, self.L + 1) for k in ("W", "b")]

    def _forward(self, X):
        """(AL, caches, Z_L) of the student's forward on the columns X^T."""
        AL, caches = self.f["L_model_forward"](np.array(X, dtype=np.float64).T, self.parameters_)
        try:
            (A_prev, W, b), _ = caches[-1]
        except (TypeError, ValueError, IndexError) as exc:
            raise StyleMismatch("the dlai adapter looked for caches whose last is "
                                "((A_prev, W, b), Z); found "
                                f"{type(caches).__name__}: {exc}") from exc
        return AL, caches, np.asarray(W) @ np.asarray(A_prev) + np.asarray(b)

    def forward(self, X):
        return self._forward(X)[2].T

    def loss(self, X, Y):
        """mean(y softplus(-z) + (1 - y) softplus(z)), plus the student's penalty."""
        _, _, Z = self._forward(X)
        T = np.asarray(Y, dtype=np.float64).T
        cost = float(np.mean(T * softplus(-Z) + (1.0 - T) * softplus(Z)))
        if self.lambd:
            half = np.full_like(T, 0.5)
            cost += float(self.f["compute_cost_with_regularization"](
                half, T, self.parameters_, self.lambd)) - float(self.f["compute_cost"](half, T))
        return cost

    def _grads(self, X, Y):
        AL, caches, Z = self._forward(X)
        T = np.asarray(Y, dtype=np.float64).T
        AL, T, caches = exact_where_saturated(AL, T, caches, Z)
        if self.lambd:
            return self.f["backward_propagation_with_regularization"](AL, T, caches, self.lambd)
        return self.f["L_model_backward"](AL, T, caches)

    def gradient(self, X, Y):
        """The student's grads as the contract's list; a db that is not a column (n_l, 1), like
        b, is refused, naming the contract's db_{l-1}, searching down from the output layer."""
        grads = self._grads(X, Y)
        for l in range(self.L, 0, -1):
            shape, column = np.shape(grads[f"db{l}"]), (len(self.parameters_[f"b{l}"]), 1)
            if shape != column:
                raise StyleMismatch(f"grads['db{l}'] (db_{l - 1}) has shape {shape}; expected "
                                    f"{column}, a column like b{l} (the dlai adapter reads db "
                                    "as the assignment's (n_l, 1))")
        return [np.array(g, dtype=np.float64) for l in range(1, self.L + 1)
                for g in (grads[f"dW{l}"], np.asarray(grads[f"db{l}"])[:, 0])]

    def train_step(self, X, Y, lr):
        """The assignment's update_parameters(parameters, grads, learning_rate), or, without
        it, parameters[key] - lr * grads["d" + key] for every key."""
        grads = self._grads(X, Y)
        update = self.f["update_parameters"]
        if callable(update):
            self.parameters_ = update(self.parameters_, grads, lr)
        else:
            self.parameters_ = {k: p - lr * grads["d" + k] for k, p in self.parameters_.items()}


def exact_where_saturated(AL, T, caches, Z):
    """(AL, Y, caches) to hand to the student's backward: as they are, except in the columns
    whose AL is 1, 0 or subnormal, where AL = 1/2, Y = Y + 1/2 - sigma(z) and the last cache's
    Z = 0 give the same dZ_L = sigma(z) - y (see the module's docstring)."""
    AL = np.asarray(AL)
    saturated = ~((AL >= np.finfo(np.float64).tiny) & (AL < 1.0))
    linear_cache, Z_cache = caches[-1]
    if not saturated.any() or np.shape(Z_cache) != np.shape(AL) or np.shape(T) != np.shape(AL):
        return AL, T, caches
    cols = saturated.reshape(AL.shape)
    AL, T, Z_cache = AL.copy(), T.copy(), np.array(Z_cache, dtype=np.float64)
    T[cols] = T[cols] + 0.5 - sigmoid(Z[cols])
    AL[cols], Z_cache[cols] = 0.5, 0.0
    return AL, T, list(caches[:-1]) + [(linear_cache, Z_cache)]

