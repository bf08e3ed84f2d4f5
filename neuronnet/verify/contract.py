"""The contract a checked network meets, and the wrapper that holds any network to it.

A checked file defines ``build(layer_sizes, activations, loss)``, which returns a network for
that architecture or raises ``NotImplementedError`` when the student's code does not support it.
``loss`` is "half_mse", "cross_entropy" or "binary_cross_entropy" (one output, a sigmoid's
yes/no). A network with an L2 penalty declares it by a keyword of ``build`` (found in its
signature): ``l2`` or ``lambd`` (the loss adds l2 / (2n) * sum ||W||^2, scikit-learn's alpha
and deeplearning.ai's lambd) or ``reg`` (the loss adds reg / 2 * sum ||W||^2, CS231n's), so
``build(layer_sizes, activations, loss, l2=0.0)``; the checker then hands it strengths > 0 as
well as none. The network has

- ``set_parameters([W_0, b_0, W_1, b_1, ...])``, W_l (fan_out, fan_in), b_l (fan_out,);
- ``forward(X)``: X (n, n_inputs) -> (n, n_outputs), the last layer's a (for the
  cross-entropies the logits: the softmax or the sigmoid belongs to the loss);
- ``loss(X, Y)``: the mean loss over the batch, plus the penalty, a number;
- ``gradient(X, Y)``: ``[dW_0, db_0, ...]`` of that loss, shaped like the parameters;

and, optionally, what lets more properties be checked:

- ``train_step(X, Y, lr=...)``: one plain SGD step on the batch;
- ``parameters()``: copies of ``[W_0, b_0, ...]`` (the step is then compared parameter by
  parameter instead of through the outputs);
- ``backward(grad_output)``: after ``forward(X)``, backpropagate a given dL/da of the output
  layer, (n, n_outputs), and return ``[dW_0, db_0, ...]``;
- ``deltas()`` and ``pre_activations()``: each layer's delta = dL/dz and z, (n, fan_out), from
  the last backward pass.

:class:`Checked` calls the network and turns every way it can break the contract (an
exception, a non-array, a wrong shape, a NaN) into a :class:`ContractError` that names the call
and what was expected: a failed property like any other, shrunk to its smallest example.
"""
import inspect

import numpy as np
from hypothesis import reject

from .checks import PENALTY_FORMS, fmt
from .notes import warnings_noted

REQUIRED = ("set_parameters", "forward", "loss", "gradient")
OPTIONAL = ("train_step", "parameters", "backward", "deltas", "pre_activations")


def penalty_keyword(build):
    """The keyword ``build`` takes its L2 penalty by ("l2", "lambd" or "reg", the first of them
    its signature names), or None: a build without one is checked without a penalty. A
    ``**kwargs`` declares nothing (it would take any name)."""
    try:
        names = inspect.signature(build).parameters
    except (TypeError, ValueError):   # no signature to read (a builtin): no penalty
        return None
    for keyword in PENALTY_FORMS:
        parameter = names.get(keyword)
        if parameter is not None and parameter.kind in (parameter.POSITIONAL_OR_KEYWORD,
                                                        parameter.KEYWORD_ONLY):
            return keyword
    return None


class ContractError(AssertionError):
    """The network broke the contract: raised, or returned something not as promised. The
    network's own exception, if any, is kept as ``original`` (``--debug`` shows its
    traceback)."""

    def __init__(self, message, original=None):
        super().__init__(message)
        self.original = original


class Uncheckable(Exception):
    """The network cannot be checked at all (its file does not import, it has no ``build``,
    ``build`` hangs): one line says why."""


def lacks_required(call, net):
    """The sentence for a network ``call`` returned without one of the required methods, or
    None when it has them all (the probe refuses the file with it, a property fails with it)."""
    missing = [m for m in REQUIRED if not callable(getattr(net, m, None))]
    if missing:
        return (f"{call} returned a {type(net).__name__} without {', '.join(missing)}(); "
                f"expected a network with the methods {', '.join(REQUIRED)}")
    return None


class StudentFactory:
    """``make(weights, biases, activations, loss)``, the factory signature of the generic checks,
    from a ``build``: build the architecture, set the parameters, wrap in :class:`Checked`.

    An architecture ``build`` does not support (NotImplementedError) is not an example: it is
    rejected, so only architectures the network accepts are ever checked. ``l2`` > 0 is handed
    to ``build`` under the keyword it declares (:func:`penalty_keyword`)."""

    def __init__(self, build):
        self.build = build
        self.penalty = penalty_keyword(build)

    def __call__(self, weights, biases, activations, loss, l2=0.0):
        sizes = [int(np.shape(weights[0])[1])] + [int(np.shape(W)[0]) for W in weights]
        penalty = {}
        if l2:
            if self.penalty is None:
                raise ValueError(f"l2: got {l2!r}; expected 0.0 for a build that takes no "
                                 f"penalty (none of {', '.join(PENALTY_FORMS)} in its "
                                 "signature)")
            penalty = {self.penalty: l2}
        said = "".join(f", {k}={v!r}" for k, v in penalty.items())
        call = f"build({sizes}, {list(activations)}, {loss!r}{said})"
        try:
            net = self.build(list(sizes), list(activations), loss, **penalty)
        except NotImplementedError:
            reject()
        except Exception as exc:  # noqa: BLE001 - the student's exception is the finding
            raise ContractError(f"{call} raised {type(exc).__name__}: {exc}; expected a "
                                "network, or NotImplementedError for an architecture it does "
                                "not support", exc) from exc
        lacking = lacks_required(call, net)
        if lacking:
            raise ContractError(lacking)
        checked = Checked(net, sizes)
        checked.set_parameters([p for W, b in zip(weights, biases) for p in (W, b)])
        return checked


class Checked:
    """A network held to the contract. An optional method is an attribute only when the
    network has it (``hasattr(checked, "backward")``); ``parameters()`` always is: without the
    network's own, it returns what was last set through :meth:`set_parameters`."""

    def __init__(self, net, sizes):
        self.net, self.sizes = net, list(sizes)
        self.shapes = [s for fi, fo in zip(sizes, sizes[1:]) for s in ((fo, fi), (fo,))]
        self._set = None

    def __repr__(self):
        return f"Checked({type(self.net).__name__}, sizes={self.sizes})"

    def __getattr__(self, name):
        if name in ("net", "__setstate__") or name.startswith("_"):
            raise AttributeError(name)
        if name in OPTIONAL and name != "parameters" and callable(getattr(self.net, name, None)):
            return getattr(self, "_optional_" + name)
        raise AttributeError(f"{type(self.net).__name__} has no {name}()")

    # --- calls ------------------------------------------------------------------------------
    def _call(self, call, *args, **kwargs):
        method = getattr(self.net, call.split("(")[0])
        try:
            with warnings_noted(call):   # a warning is a note: the values are what is judged
                return method(*args, **kwargs)
        except ContractError:
            raise
        except Exception as exc:  # noqa: BLE001 - the student's exception is the finding
            raise ContractError(f"{call} raised {type(exc).__name__}: {exc}", exc) from exc

    def set_parameters(self, params, copy=True):
        """``copy=False`` hands the caller's arrays over as they are (to see whether the
        network writes into them)."""
        self._call("set_parameters(params)", [np.array(p) for p in params] if copy else params)
        self._set = [np.array(p, dtype=np.float64) for p in params]

    def parameters(self):
        if callable(getattr(self.net, "parameters", None)):
            return self._arrays("parameters()", self._call("parameters()"))
        return [p.copy() for p in self._set]

    def forward(self, X):
        out = self._call("forward(X)", X)
        return self._array("forward(X)", out, (np.shape(X)[0], self.sizes[-1]),
                           "one row per sample, one column per output neuron")

    def loss(self, X, Y):
        return self._number("loss(X, Y)", self._call("loss(X, Y)", X, Y))

    def gradient(self, X, Y):
        return self._arrays("gradient(X, Y)", self._call("gradient(X, Y)", X, Y))

    def _optional_train_step(self, X, Y, lr):
        self._call("train_step(X, Y, lr=...)", X, Y, lr=lr)

    def _optional_backward(self, grad_output):
        return self._arrays("backward(grad_output)",
                            self._call("backward(grad_output)", grad_output))

    def _optional_deltas(self):
        return self._per_layer("deltas()")

    def _optional_pre_activations(self):
        return self._per_layer("pre_activations()")

    # --- what comes back ------------------------------------------------------------------------
    def _array(self, call, value, shape, meaning):
        if not isinstance(value, np.ndarray):
            raise ContractError(f"{call} returned a {type(value).__name__}; expected a numpy "
                                f"array of shape {shape} ({meaning})")
        if value.dtype.kind not in "iuf":
            raise ContractError(f"{call} returned an array of dtype {value.dtype}; expected "
                                "real numbers")
        if value.shape != tuple(shape):
            raise ContractError(f"{call} returned shape {value.shape}; expected {tuple(shape)} "
                                f"({meaning})")
        if not np.isfinite(value).all():
            raise ContractError(f"{call} returned non-finite values (NaN or infinity); "
                                f"expected finite numbers:\n    {fmt(value)}")
        return np.array(value, dtype=np.float64)

    def _number(self, call, value):
        if isinstance(value, np.ndarray) and value.size == 1:
            value = value.reshape(())[()]
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer,
                                                             np.floating)):
            raise ContractError(f"{call} returned a {type(value).__name__}; expected a number "
                                "(the mean loss over the batch)")
        if not np.isfinite(value):
            raise ContractError(f"{call} returned {value}; expected a finite number")
        return float(value)

    def _arrays(self, call, values):
        names = [f"{'dW' if k % 2 == 0 else 'db'}_{k // 2}" for k in range(len(self.shapes))]
        if call == "parameters()":
            names = [n[1:] for n in names]
        expected = f"[{', '.join(names)}]" if len(names) <= 6 else \
            f"[{', '.join(names[:4])}, ...] ({len(names)} arrays)"
        if not isinstance(values, (list, tuple)):
            raise ContractError(f"{call} returned a {type(values).__name__}; expected a list "
                                f"{expected}")
        if len(values) != len(self.shapes):
            raise ContractError(f"{call} returned {len(values)} arrays; expected "
                                f"{len(self.shapes)}: {expected}")
        return [self._array(f"{call}[{k}] ({name})", v, shape,
                            "W_l is (fan_out, fan_in), b_l is (fan_out,)")
                for k, (name, v, shape) in enumerate(zip(names, values, self.shapes))]

    def _per_layer(self, call):
        values = self._call(call)
        if not isinstance(values, (list, tuple)) or len(values) != len(self.sizes) - 1:
            raise ContractError(f"{call} returned {type(values).__name__}; expected a list of "
                                f"{len(self.sizes) - 1} arrays, one per layer")
        return values
