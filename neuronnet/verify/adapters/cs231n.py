"""CS231n's ``FullyConnectedNet`` / ``TwoLayerNet`` (assignment 2, ``fc_net.py``) to the contract.

The student's network keeps ``params["W1"]`` as (D, H), (fan_in, fan_out), the transpose of
the contract's W_0, and ``params["b1"]`` as (H,); samples are rows. ``loss(X)`` returns the
class scores (the logits) and ``loss(X, y)`` returns ``(loss, grads)``, the mean softmax loss
over the batch on INTEGER labels y (N,) plus the penalty, and the dict of its gradients:

    W_l = params["W{l+1}"]^T,    dW_l = grads["W{l+1}"]^T,    db_l = grads["b{l+1}"],
    y = argmax_k Y[:, k]   (so only one-hot targets can be checked: ONE_HOT).

The penalty is the assignment's: ``reg`` adds reg/2 * sum_l ||W_l||^2 to the loss and reg W_l
to dW_l, the contract's ``reg`` form, so the build takes ``reg`` and hands it to the
constructor. Parameters are written as new float64 arrays into ``params`` (the network reads
them there on every call; ``dtype=np.float64`` is passed when the constructor takes a dtype,
whose default in the assignment is float32). Hidden layers are affine - ReLU, measured, and the
last layer is affine: any other architecture is refused (NotImplementedError, "not
applicable"). ``train_step`` is the assignment's ``sgd`` rule, w - lr * dw.
"""
import inspect

import numpy as np

from .finding import StyleMismatch, activation_of, find

ASSUMES = ("a class FullyConnectedNet(hidden_dims, input_dim, num_classes, ..., reg=...) or "
           "TwoLayerNet(input_dim, hidden_dim, num_classes, ..., reg=...) with params W1 "
           "(fan_in, fan_out), b1, ... and loss(X, y=None) -> scores, or (loss, grads) of the "
           "softmax loss on integer labels plus reg/2 * sum ||W||^2")
ONE_HOT = True


def adapt(module):
    Net = find(module, ("FullyConnectedNet", "TwoLayerNet"), "cs231n", ("loss",))
    takes = inspect.signature(Net).parameters
    two_layer = Net is not getattr(module, "FullyConnectedNet", None)

    def make(sizes, reg):
        extra = {"dtype": np.float64} if "dtype" in takes else {}
        if two_layer:
            if len(sizes) != 3:
                raise NotImplementedError("TwoLayerNet: one hidden layer only")
            return Net(input_dim=sizes[0], hidden_dim=sizes[1], num_classes=sizes[2], reg=reg,
                       **extra)
        return Net(list(sizes[1:-1]), input_dim=sizes[0], num_classes=sizes[-1], reg=reg,
                   **extra)
    hidden = hidden_activation(make, two_layer)

    def build(layer_sizes, activations, loss, reg=0.0):
        wanted = [hidden] * (len(layer_sizes) - 2) + ["identity"]
        if loss != "cross_entropy" or list(activations) != wanted:
            raise NotImplementedError(f"this network computes {wanted} with the softmax loss "
                                      f"(cross_entropy), not {list(activations)} with {loss}")
        return Transposed(make(list(layer_sizes), reg), len(layer_sizes) - 1)
    return build


def hidden_activation(make, two_layer):
    """What the hidden layer of a [1, 1, 1] network with every weight 1 and bias 0 applies."""
    try:
        net = Transposed(make([1, 1, 1], 0.0), 2)
    except StyleMismatch:
        raise
    except Exception as exc:  # noqa: BLE001 - the student's exception says why it does not fit
        name = "TwoLayerNet" if two_layer else "FullyConnectedNet"
        raise StyleMismatch(f"the cs231n adapter looked for {name} taking input_dim, "
                            f"num_classes and reg by keyword; {name} of [1, 1, 1] raised "
                            f"{type(exc).__name__}: {exc}") from exc
    net.set_parameters([np.ones((1, 1)), np.zeros(1), np.ones((1, 1)), np.zeros(1)])
    found = activation_of(lambda z: net.forward(np.array([[z]]))[0, 0])
    if found is None:
        raise StyleMismatch("the cs231n adapter looked for hidden layers that apply identity, "
                            "relu, tanh or sigmoid to x W + b; found one that applies none "
                            "of them")
    return found


class Transposed:
    """The contract's (fan_out, fan_in) weights and one-hot rows in and out; the assignment's
    (fan_in, fan_out) weights and integer labels inside."""

    def __init__(self, net, n_layers):
        self.net = net
        self.keys = [f"{p}{l}" for l in range(1, n_layers + 1) for p in ("W", "b")]
        params = getattr(net, "params", None)
        if not isinstance(params, dict):
            raise StyleMismatch("the cs231n adapter looked for a dict net.params; found "
                                f"{type(params).__name__}")
        missing = [k for k in self.keys if k not in params]
        if missing:
            raise StyleMismatch(f"the cs231n adapter looked for params {', '.join(self.keys)}; "
                                f"found {', '.join(params) or 'none'}")

    def _to_contract(self, arrays):
        return [np.array(np.transpose(arrays[k]) if k[0] == "W" else arrays[k],
                         dtype=np.float64) for k in self.keys]

    def set_parameters(self, params):
        for key, p in zip(self.keys, params):
            self.net.params[key] = np.array(np.transpose(p) if key[0] == "W" else p,
                                            dtype=np.float64)

    def parameters(self):
        return self._to_contract(self.net.params)

    def forward(self, X):
        return self.net.loss(X)

    def _loss_and_grads(self, X, Y):
        return self.net.loss(X, np.argmax(Y, axis=1))

    def loss(self, X, Y):
        return self._loss_and_grads(X, Y)[0]

    def gradient(self, X, Y):
        return self._to_contract(self._loss_and_grads(X, Y)[1])

    def train_step(self, X, Y, lr):
        """The assignment's sgd rule for every parameter: w = w - learning_rate * dw."""
        grads = self._loss_and_grads(X, Y)[1]
        for key in self.keys:
            self.net.params[key] = self.net.params[key] - lr * grads[key]
