"""Deep Learning from Scratch's ``MultiLayerNet`` / ``TwoLayerNet`` to the contract.

The student's network keeps ``params["W1"]`` as (fan_in, fan_out), the transpose of the
contract's W_0, and ``params["b1"]`` as (fan_out,); samples are rows, as in the contract.
``predict(x)`` gives the logits, ``loss(x, t)`` the mean softmax cross-entropy
(SoftmaxWithLoss) and ``gradient(x, t)`` the dict of its gradients, by backprop. So

    W_l = params["W{l+1}"]^T,    dW_l = grads["W{l+1}"]^T,    db_l = grads["b{l+1}"].

The Affine layers hold the very arrays of ``params``: parameters are written into them in
place, and the gradients are copied out (a layer overwrites its dW on the next call).
The book's cross-entropy reads a one-hot t as its labels (t.argmax(axis=1)), so only one-hot
targets can be checked (ONE_HOT). The output layer is the logits (identity) under
cross-entropy; the hidden activation is the network's (``activation=`` of MultiLayerNet,
measured); anything else is refused (NotImplementedError). Weight decay is set to 0: the
contract's loss has no L2 term.
"""
import inspect

import numpy as np

from .finding import StyleMismatch, activation_of, find

ASSUMES = ("a class MultiLayerNet(input_size, hidden_size_list, output_size[, activation]) or "
           "TwoLayerNet(input_size, hidden_size, output_size) with params W1 (fan_in, fan_out), "
           "b1, ..., predict(x), loss(x, t) and gradient(x, t) -> dict, softmax cross-entropy "
           "on one-hot rows")
ONE_HOT = True
METHODS = ("predict", "loss", "gradient")


def adapt(module):
    Net = find(module, ("MultiLayerNet", "TwoLayerNet"), "dlfs", METHODS)
    if Net is not getattr(module, "MultiLayerNet", None):     # TwoLayerNet
        def make(sizes, hidden):
            if len(sizes) != 3:
                raise NotImplementedError("TwoLayerNet: one hidden layer only")
            return Net(*sizes)
    else:
        takes = inspect.signature(Net).parameters

        def make(sizes, hidden):
            extra = {"activation": hidden} if hidden and "activation" in takes else {}
            return Net(sizes[0], list(sizes[1:-1]), sizes[-1], **extra)
    measured = {}

    def build(layer_sizes, activations, loss):
        hidden = set(activations[:-1])
        if loss != "cross_entropy" or activations[-1] != "identity" or len(hidden) > 1:
            raise NotImplementedError("softmax cross-entropy on the logits, one hidden "
                                      f"activation; not {list(activations)} with {loss}")
        hidden = hidden.pop() if hidden else None
        if hidden is not None:
            if hidden not in measured:
                measured[hidden] = hidden_activation(make, hidden)
            if measured[hidden] != hidden:
                raise NotImplementedError(f"this network's hidden layers compute "
                                          f"{measured[hidden]}, not {hidden}")
        return Transposed(built(make, list(layer_sizes), hidden), len(layer_sizes) - 1)
    return build


def built(make, sizes, hidden):
    try:
        net = make(sizes, hidden)
    except KeyError as exc:   # the book looks its activation up in a dict: one it does not have
        raise NotImplementedError(f"MultiLayerNet(activation={hidden!r}) raised KeyError: "
                                  f"{exc}") from exc
    if not isinstance(getattr(net, "params", None), dict):
        raise StyleMismatch("the dlfs adapter looked for a dict net.params; found "
                            f"{type(getattr(net, 'params', None)).__name__}")
    if getattr(net, "weight_decay_lambda", 0):
        net.weight_decay_lambda = 0.0
    return net


def hidden_activation(make, hidden):
    """What the hidden layer of a [1, 1, 1] network with every weight 1 and bias 0 applies."""
    net = Transposed(built(make, [1, 1, 1], hidden), 2)
    net.set_parameters([np.ones((1, 1)), np.zeros(1), np.ones((1, 1)), np.zeros(1)])
    return activation_of(lambda z: net.forward(np.array([[z]]))[0, 0])


class Transposed:
    """The contract's (fan_out, fan_in) weights in and out, the book's (fan_in, fan_out) inside."""

    def __init__(self, net, n_layers):
        self.net = net
        self.keys = [f"{p}{l}" for l in range(1, n_layers + 1) for p in ("W", "b")]
        missing = [k for k in self.keys if k not in net.params]
        if missing:
            raise StyleMismatch(f"the dlfs adapter looked for params {', '.join(self.keys)}; "
                                f"found {', '.join(net.params) or 'none'}")

    def _to_contract(self, arrays):
        return [np.array(np.transpose(arrays[k]) if k[0] == "W" else arrays[k],
                         dtype=np.float64) for k in self.keys]

    def set_parameters(self, params):
        for key, p in zip(self.keys, params):    # in place: the layers share these arrays
            self.net.params[key][...] = np.transpose(p) if key[0] == "W" else p

    def parameters(self):
        return self._to_contract(self.net.params)

    def forward(self, X):
        return self.net.predict(X)

    def loss(self, X, Y):
        return self.net.loss(X, Y)

    def gradient(self, X, Y):
        return self._to_contract(self.net.gradient(X, Y))

    def train_step(self, X, Y, lr):
        """The book's training loop: params[key] -= lr * grads[key], in place."""
        grads = self.net.gradient(X, Y)
        for key in self.keys:
            self.net.params[key] -= lr * grads[key]
