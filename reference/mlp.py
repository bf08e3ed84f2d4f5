"""The reference multilayer perceptron: per layer one Affine and one activation, then a loss.

Notation of docs/semantics.md, layer l = 0..L-1 (input excluded), batch of n rows:
    z_l = a_{l-1} @ W_l.T + b_l,  a_l = f_l(z_l),  delta_l = dL/dz_l     all (n, fan_out_l)
    dW_l = delta_l.T @ a_{l-1},  db_l = delta_l.sum(axis=0)
    delta_{l-1} = (delta_l @ W_l) * f'_{l-1}(z_{l-1})
The parameter list is [W_0, b_0, W_1, b_1, ...]; velocities and squares mirror it.
With an L2 penalty l2 (scikit-learn's alpha) the loss adds l2 / (2n) * sum_l ||W_l||^2 (no
biases) and dW_l adds (l2 / n) W_l; a dL/da_L given to backward() carries no penalty.
"""
import numpy as np

from . import validation as check
from .activations import activation
from .affine import Affine
from .batches import BATCH_MODES, batches
from .initializers import INITS, initial_weights
from .losses import loss_layer
from .optimizers import OPTIMIZERS


class MLP:
    """MLP(layer_sizes, activations, loss, init, rng, init_std).

    layer_sizes: [n_inputs, h_1, ..., n_outputs]; activations: one name per layer or one name
    for all; loss: "half_mse" | "cross_entropy" | "binary_cross_entropy"; init: "coursework" |
    "glorot_uniform" | "he_normal" | "normal" (std init_std); rng: the numpy.random.Generator
    the weights come from; l2 >= 0: the L2 penalty's strength.
    """

    def __init__(self, layer_sizes, activations, loss="half_mse", init="glorot_uniform",
                 rng=None, init_std=0.01, l2=0.0):
        try:
            sizes = list(layer_sizes)
        except TypeError:
            check.fail("layer_sizes", repr(layer_sizes), "a list of layer widths", TypeError)
        if len(sizes) < 2:
            check.fail("layer_sizes", repr(layer_sizes), "at least two sizes [n_inputs, n_outputs]")
        sizes = [check.positive_int(f"layer_sizes[{i}]", s) for i, s in enumerate(sizes)]
        # Weights, velocities and gradients: 3 float64 numbers per parameter.
        check.fits_in_memory("layer_sizes", sizes, 24 * sum((a + 1) * b for a, b in
                                                            zip(sizes, sizes[1:])))
        if not isinstance(init, str) or init not in INITS:
            check.fail("init", repr(init), f"one of {list(INITS)}")
        if init == "normal":
            init_std = check.real("init_std", init_std, 0.0)
        check.generator("rng", rng, "the initial weights are drawn from it")
        self.l2 = check.real("l2", l2, 0.0)
        self._build(self._names(activations, len(sizes) - 1), loss)  # names checked before drawing
        W = [initial_weights(init, fan_in, fan_out, rng, init_std)
             for fan_in, fan_out in zip(sizes[:-1], sizes[1:])]
        self._layers(W, [np.zeros(fan_out) for fan_out in sizes[1:]])

    @classmethod
    def from_arrays(cls, weights, biases, activations, loss="half_mse", l2=0.0):
        """A model holding float64 copies of weights [W_0, ...] (fan_out, fan_in) and biases."""
        weights, biases = list(weights), list(biases)
        if not weights or len(weights) != len(biases):
            check.fail("weights, biases", f"{len(weights)} and {len(biases)} arrays",
                       "the same non-zero number, one pair per layer")
        W = [check.finite_array(f"weights[{l}]", w, (None, None), copy=True)
             for l, w in enumerate(weights)]
        for l, w in enumerate(W):
            if 0 in w.shape:
                check.fail(f"weights[{l}]", f"shape {w.shape}", "(fan_out, fan_in), both >= 1")
        b = [check.finite_array(f"biases[{l}]", v, (w.shape[0],), copy=True)
             for l, (v, w) in enumerate(zip(biases, W))]
        for l in range(1, len(W)):
            if W[l].shape[1] != W[l - 1].shape[0]:
                check.fail(f"weights[{l}]", f"shape {W[l].shape}",
                           f"{W[l - 1].shape[0]} columns, the width of layer {l - 1}")
        self = cls.__new__(cls)
        self.l2 = check.real("l2", l2, 0.0)
        self._build(cls._names(activations, len(W)), loss)
        self._layers(W, b)
        return self

    @staticmethod
    def _names(activations, n_layers):
        if isinstance(activations, str):
            return [activations] * n_layers
        try:
            names = list(activations)
        except TypeError:
            names = None
        if names is None or len(names) != n_layers:
            check.fail("activations", repr(activations), f"{n_layers} names, one per layer")
        return names

    def _build(self, activation_names, loss):
        self.activation_names, self.loss_name = list(activation_names), loss
        self.activations = [activation(name) for name in activation_names]
        self.loss_layer = loss_layer(loss)
        self._deltas, self._zs, self._out = None, [], None

    def _layers(self, W, b):
        self.affines = [Affine(w, v) for w, v in zip(W, b)]
        self.velocities = [np.zeros_like(p) for p in self._live_parameters()]  # zero: no history
        self.squares = [np.zeros_like(p) for p in self._live_parameters()]
        self.t = 0                                    # updates taken (Adam's bias correction)

    # parameters ---------------------------------------------------------------------------
    @property
    def W(self):
        """The live weight matrices, (fan_out, fan_in) each."""
        return [affine.W for affine in self.affines]

    @property
    def b(self):
        """The live bias vectors, (fan_out,) each."""
        return [affine.b for affine in self.affines]

    def _live_parameters(self):
        return [p for affine in self.affines for p in (affine.W, affine.b)]

    def parameters(self):
        """Copies of [W_0, b_0, W_1, b_1, ...]."""
        return [p.copy() for p in self._live_parameters()]

    def set_parameters(self, params):
        """Copy [W_0, b_0, ...] in (same count and shapes). Velocities are left as they are."""
        try:
            params = list(params)
        except TypeError:
            check.fail("params", f"a {type(params).__name__}", "a list [W_0, b_0, W_1, ...]",
                       TypeError)
        old = self._live_parameters()
        if len(params) != len(old):
            check.fail("params", f"{len(params)} arrays", f"{len(old)} ([W_0, b_0, W_1, ...])")
        new = [check.finite_array(f"params[{k}]", p, q.shape, copy=True)
               for k, (p, q) in enumerate(zip(params, old))]
        for affine, w, v in zip(self.affines, new[0::2], new[1::2]):
            affine.W, affine.b = w, v

    # forward and backward -----------------------------------------------------------------
    def _forward(self, X):
        a, self._zs = X, []
        for affine, f in zip(self.affines, self.activations):
            self._zs.append(affine.forward(a))
            a = f.forward(self._zs[-1])
        self._out = a
        return a

    def _penalized_loss(self, out, Y):
        """The loss layer's mean plus l2 / (2n) * (sum of every weight squared)."""
        loss = self.loss_layer.forward(out, Y)
        if self.l2 != 0.0:
            loss += self.l2 * sum(np.sum(W ** 2) for W in self.W) / (2 * out.shape[0])
        return loss

    def _backward(self, grad=None):
        """Backprop from the loss's last forward (with the penalty's l2/n * W in each dW) or
        from a given dL/da_L (without); returns [dW_0, db_0, ...], keeps the deltas."""
        penalty = 0.0
        if grad is None:
            grad = self.loss_layer.backward()         # dL/da_L, already divided by n
            penalty = self.l2
        deltas, grads = [], []
        for l in range(len(self.affines) - 1, -1, -1):
            affine = self.affines[l]
            delta = self.activations[l].backward(grad)  # dL/dz_l = dL/da_l * f'(z_l)
            # dL/da_{l-1} = delta_l @ W_l; below layer 0 is the data, which learns nothing, so
            # the first layer skips that product (a third of a wide first layer's work).
            grad = affine.backward(delta, need_dx=l > 0)
            deltas.insert(0, delta)
            dW = affine.dW if penalty == 0.0 else affine.dW + penalty / delta.shape[0] * affine.W
            grads[:0] = [dW, affine.db]
        self._deltas = deltas
        return grads

    def forward(self, X):
        """The last layer's activation a_L (n, n_outputs); logits for cross_entropy."""
        return self._forward(check.data(X, None, *self._io_sizes()))

    def loss(self, X, Y):
        """The mean loss over the batch."""
        X, Y = check.data(X, Y, *self._io_sizes())
        return self._penalized_loss(self._forward(X), Y)

    def output_and_loss(self, X, Y):
        """(a_L, mean loss) from one forward pass; parameters unchanged."""
        X, Y = check.data(X, Y, *self._io_sizes())
        out = self._forward(X)
        return out, self._penalized_loss(out, Y)

    def gradient(self, X, Y):
        """[dW_0, db_0, dW_1, db_1, ...] of the mean loss, new arrays; parameters unchanged."""
        X, Y = check.data(X, Y, *self._io_sizes())
        self._penalized_loss(self._forward(X), Y)
        return self._backward()

    def backward(self, grad_output):
        """After forward(X): backprop a given dL/da_L (n, n_outputs); [dW_0, db_0, ...]."""
        if self._out is None:
            raise RuntimeError("backward: no forward pass yet; call forward(X) first")
        grad = check.finite_array("grad_output", grad_output, self._out.shape)
        return self._backward(grad)

    def pre_activations(self):
        """Copies of [z_0, z_1, ...], each (n, fan_out), from the last forward pass."""
        if self._out is None:
            raise RuntimeError("pre_activations: no forward pass yet")
        return [z.copy() for z in self._zs]

    def deltas(self):
        """Copies of [delta_0, delta_1, ...], each (n, fan_out), from the last backward pass."""
        if self._deltas is None:
            raise RuntimeError("deltas: no backward pass yet; "
                               "call gradient() or train_step() first")
        return [d.copy() for d in self._deltas]

    def forget_pass(self):
        """Drop the caches of the last pass (inputs, z, deltas, the layers' and the loss's)."""
        self._deltas, self._zs, self._out = None, [], None
        self.activations = [activation(name) for name in self.activation_names]
        self.loss_layer = loss_layer(self.loss_name)
        for affine in self.affines:
            affine.x = affine.dW = affine.db = None

    def predict(self, X):
        """Class indices (n,) for cross_entropy (argmax of the logits); 0/1 where the logit is
        positive for binary_cross_entropy; else the output."""
        out = self.forward(X)
        if self.loss_name == "binary_cross_entropy":
            return np.where(out > 0, 1, 0)
        return out.argmax(axis=1) if self.loss_name == "cross_entropy" else out

    def _io_sizes(self):
        """(n_inputs, n_outputs): the columns X and Y must have."""
        return self.affines[0].W.shape[1], self.affines[-1].W.shape[0]

    # training ----------------------------------------------------------------------------
    def _optimizer(self, optimizer, lr, momentum):
        if not isinstance(optimizer, str) or optimizer not in OPTIMIZERS:
            check.fail("optimizer", repr(optimizer), f"one of {sorted(OPTIMIZERS)}")
        lr = check.real("lr", lr, 0.0)
        momentum = check.real("momentum", momentum, 0.0, 1.0)  # checked even where unused
        if optimizer in ("momentum", "nesterov"):
            return OPTIMIZERS[optimizer](lr, momentum)
        return OPTIMIZERS[optimizer](lr)

    def _step(self, X, Y, optimizer, clip_norm=None):
        """Forward, loss, backward, one update of every parameter; the loss before the update.

        clip_norm: if the global norm sqrt(sum of all squared gradient entries) exceeds it,
        every gradient is multiplied by clip_norm / norm (Pascanu et al. 2013) before the update.
        """
        loss = self._penalized_loss(self._forward(X), Y)
        grads = self._backward()
        if clip_norm is not None:
            norm = np.sqrt(sum(np.sum(g * g) for g in grads))
            if norm > clip_norm:
                grads = [g * (clip_norm / norm) for g in grads]
        self.t += 1
        optimizer.update(self._live_parameters(), grads, self.velocities, self.squares, self.t)
        return loss

    def train_step(self, X, Y, optimizer="sgd", lr=0.1, momentum=0.9, clip_norm=None):
        """One step on the batch (X, Y); returns the loss measured before it."""
        X, Y = check.data(X, Y, *self._io_sizes())
        if clip_norm is not None:
            clip_norm = check.real("clip_norm", clip_norm, 0.0)
            if clip_norm == 0.0:
                check.fail("clip_norm", "0.0", "a number > 0")
        return self._step(X, Y, self._optimizer(optimizer, lr, momentum), clip_norm)

    def fit(self, X, Y, *, epochs=1, batch_mode="minibatch", batch_size=None, optimizer="sgd",
            lr=0.1, momentum=0.9, rng=None, shuffle=True):
        """Train; returns each epoch's loss: the row-weighted mean of the losses measured
        before each step (for "sampled", over all n forwards), so it lags the parameters."""
        X, Y = check.data(X, Y, *self._io_sizes())
        epochs = check.positive_int("epochs", epochs)
        if batch_mode not in BATCH_MODES:
            check.fail("batch_mode", repr(batch_mode), f"one of {list(BATCH_MODES)}")
        if batch_size is None:                        # "auto": 32, or n when smaller
            batch_size = min(32, X.shape[0])
        batch_size = check.positive_int("batch_size", batch_size)
        if batch_mode == "minibatch" and batch_size > X.shape[0]:
            check.fail("batch_size", f"{batch_size} for {X.shape[0]} samples",
                       "at most the number of samples (or batch_mode='full')")
        step = self._optimizer(optimizer, lr, momentum)
        if shuffle:
            check.generator("rng", rng, "shuffle=True draws each epoch's order from it")
        n = X.shape[0]
        history = []
        for _ in range(epochs):
            order = rng.permutation(n) if shuffle else np.arange(n)
            total = 0.0
            for rows, learn in batches(order, batch_mode, batch_size):
                Xb, Yb = X[rows], Y[rows]             # fancy indexing: copies, X is untouched
                if learn:
                    total += self._step(Xb, Yb, step) * len(rows)
                else:
                    total += self._penalized_loss(self._forward(Xb), Yb) * len(rows)
            history.append(total / n)
        return history

    def __repr__(self):
        sizes = [self._io_sizes()[0]] + [affine.W.shape[0] for affine in self.affines]
        return f"MLP({sizes}, {self.activation_names}, loss={self.loss_name!r})"
