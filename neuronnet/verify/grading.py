"""What a grade adds to the properties (``neuronnet check --grade``).

The properties say whether the network's numbers are right. A teacher grading a class needs
more: that the numbers come from the student's own backprop, and that the network does what
the assignment asked. Each of these is one more :class:`Result` in the report, passed or
FAILED, so that a grade is the same data as a check:

- ``imports_no_oracle``: the file imported neither the checker's oracle (``neuronnet``,
  ``reference``: each holds a correct network) nor an autodiff library, unless the teacher
  allowed it (``--allow NAME``).
  Such an import is refused in the submission's process (sandbox.py) and noted.
- ``supports_a_hidden_layer``: a network with one layer of neurons has no backprop to get
  wrong.
- ``supports_NAME``, one per ``--require NAME``: an activation, a loss or an optional method
  the assignment asks for. Refusing it, or lacking the method, fails the grade (the
  properties alone would call it "not applicable").
- ``backprop_not_differences``: the cost of ``gradient()`` grows like a forward pass as the
  network widens. Differences of the loss (finite or complex-step) cost a forward pass per
  parameter: from P_small to P_large parameters their gradient grows P_large / P_small times
  more than the forward pass does; backprop's does not grow at all.
"""
import secrets
import time

import numpy as np

from reference import MLP

from .checks import GRADIENT_TOL, param_names
from .checks.compare import close_enough
from .contract import OPTIONAL, ContractError, StudentFactory
from .limits import SubmissionStopped, time_limit
from .report import Result
from .strategies import ACTIVATIONS, LOSSES

FORBIDDEN = ("neuronnet", "reference", "torch", "jax", "jaxlib", "autograd", "tensorflow")
REQUIRABLE = tuple(ACTIVATIONS) + tuple(LOSSES) + tuple(OPTIONAL)

# The speed measurement: networks [n_in, h, n_out] at a small and a large width h, on a batch
# of rows, each call timed REPEATS times on inputs drawn afresh (the median). The sizes are
# drawn from the run's seed, within these ranges, so that a network cannot recognise the
# stopwatch by its shapes; every gradient timed is also compared with the reference's, so that
# one cannot answer it with something cheap. About 60 and 850 parameters: 14 times more. A
# gradient that costs at most FREE forward passes at the larger width passes outright (no
# differencing of 850 parameters costs that little). Otherwise its cost relative to the forward
# pass may grow at most GROWTH_LIMIT times from the smaller to the larger width: backprop's
# stays near 1 (measured: 0.8 to 1.6 on this machine, busy or not), differences' near 14.
INPUTS, OUTPUTS, ROWS = (6, 11), (3, 6), (48, 81)      # drawn from [low, high)
WIDTHS = ((3, 6), (56, 72))
REPEATS = 7
FREE = 10.0
GROWTH_LIMIT = 4.0


def fresh_seed():
    """A seed for one grading run, printed so that the run can be repeated with --seed."""
    return secrets.randbelow(2**31)


def forbidden(allowed=()):
    """The modules a graded file may not import: FORBIDDEN less those ``allowed``."""
    return [name for name in FORBIDDEN if name not in set(allowed)]


def check_required(required):
    """``required``, each a name of REQUIRABLE; ValueError naming the first that is not."""
    for name in required:
        if name not in REQUIRABLE:
            raise ValueError(f"--require: got {name!r}; expected one of "
                             f"{', '.join(REQUIRABLE)}")
    return list(required)


def _result(name, statement, ok, reason=""):
    """A requirement's verdict: no example; the reason when it failed."""
    result = Result(name, statement, status="passed" if ok else "FAILED")
    if not ok:
        result.failure, result.reason = ContractError(reason), reason
    return result


def imports_result(blocked, allowed=()):
    """``imports_no_oracle`` from the imports the submission's process refused."""
    tried = sorted(blocked)
    return _result("imports_no_oracle",
                   "the file imports neither the checker's oracle nor an autodiff library",
                   not tried, f"it tried to import {', '.join(tried)}; expected its own "
                   "backprop (the teacher may allow a module with --allow NAME)")


def requirement_results(patterns, methods, required):
    """``supports_a_hidden_layer``, then ``supports_NAME`` for each required name."""
    deep = [p for p in patterns if p.depth >= 2]
    results = [_result("supports_a_hidden_layer", "build accepts a network with a hidden layer",
                       bool(deep), "build refused every architecture with a hidden layer; "
                       "expected at least one")]
    for name in required:
        if name in OPTIONAL:
            ok, what = name in methods, f"the network has no {name}()"
        elif name in LOSSES:
            ok, what = any(p.loss == name for p in patterns), f"build refused the loss {name}"
        else:
            ok = any(name in p.activations for p in patterns)
            what = f"build refused the activation {name} in every architecture"
        results.append(_result(f"supports_{name}", f"the assignment's {name} is supported",
                               ok, f"{what}; expected it (--require {name})"))
    return results


def backprop_result(build, patterns, seed, time_limit_s):
    """``backprop_not_differences``: the gradient's cost against the forward pass's, at two
    widths (the module's docstring says why this tells backprop from differences)."""
    name = "backprop_not_differences"
    statement = ("the cost of gradient() grows like a forward pass as the network widens, not "
                 "like the number of parameters times a forward pass")
    started = time.perf_counter()
    pattern = _two_layer_pattern(patterns)
    if pattern is None:
        return Result(name, statement, status="not applicable",
                      reason="build accepts no network with a hidden layer")
    rng = np.random.default_rng(seed)
    n_in, n_out, rows = (int(rng.integers(*span)) for span in (INPUTS, OUTPUTS, ROWS))
    ratios, sizes = [], []
    try:
        with time_limit(len(WIDTHS) * REPEATS * 2 * time_limit_s), np.errstate(all="ignore"):
            for span in WIDTHS:
                ratio, size = _cost_ratio(build, pattern, [n_in, int(rng.integers(*span)), n_out],
                                          rows, rng, time_limit_s)
                ratios.append(ratio)
                sizes.append(size)
    except SubmissionStopped as stopped:
        return Result(name, statement, status="stopped",
                      reason=stopped.reason or "the measurement ran over its time limit")
    except (AssertionError, Exception) as error:  # noqa: BLE001 - the network's own failure
        return _result(name, statement, False, f"while it was timed, {_told(error)}")
    growth = ratios[1] / ratios[0]
    measured = (f"gradient() cost {ratios[0]:.1f} forward passes at {sizes[0]} parameters and "
                f"{ratios[1]:.1f} at {sizes[1]}: {growth:.1f} times more")
    ok = ratios[1] <= FREE or growth <= GROWTH_LIMIT
    result = _result(name, statement, ok,
                     f"{measured}; expected at most {GROWTH_LIMIT:g} times (backprop stays "
                     f"near 1; differences of the loss grow like the parameters, "
                     f"{sizes[1] / sizes[0]:.0f} times)")
    if ok:
        result.notes = [measured]
    result.seconds = time.perf_counter() - started
    return result


def _cost_ratio(build, pattern, shape, rows, rng, time_limit_s):
    """(median seconds of gradient() / of forward(), parameters) on a network of ``shape``,
    each call on rows drawn afresh, and each gradient checked against the reference's."""
    weights = [rng.normal(0, 0.5, (b, a)) for a, b in zip(shape, shape[1:])]
    biases = [rng.normal(0, 0.1, b) for b in shape[1:]]
    net = StudentFactory(build)(weights, biases, list(pattern.activations), pattern.loss)
    oracle = MLP.from_arrays([W.copy() for W in weights], [b.copy() for b in biases],
                             list(pattern.activations), pattern.loss)
    batches = [(rng.normal(size=(rows, shape[0])), _targets(rng, pattern.loss, rows, shape[-1]))
               for _ in range(REPEATS)]
    forward = _median([_seconds(lambda: net.forward(X), time_limit_s) for X, _ in batches])
    times = []
    for X, Y in batches:
        seconds, grads = _timed(lambda: net.gradient(X, Y), time_limit_s)
        times.append(seconds)
        for k, (mine, ref) in enumerate(zip(grads, oracle.gradient(X, Y))):
            if not close_enough(mine, ref, *GRADIENT_TOL):
                raise ContractError(f"gradient() on the timed network {shape} ({rows} rows) "
                                    f"differs from the reference's in {param_names(len(grads))[k]}")
    return _median(times) / forward, sum(W.size + b.size for W, b in zip(weights, biases))


def _told(error):
    """An error of the network's, in a few words."""
    text = str(error) if isinstance(error, ContractError) else \
        f"the network raised {type(error).__name__}: {error}"
    return text[:300]


def _two_layer_pattern(patterns):
    """The pattern the speed is measured on: two layers of neurons, tanh first if accepted."""
    deep = [p for p in patterns if p.depth == 2]
    for p in deep:
        if p.activations[0] == "tanh":
            return p
    return deep[0] if deep else None


def _targets(rng, loss, rows, n_out):
    if loss == "cross_entropy":
        return np.eye(n_out)[rng.integers(0, n_out, rows)]
    return rng.random((rows, n_out))   # in [0, 1): a target for every loss


def _timed(call, seconds):
    """(seconds it took, value) of ``call()``, which may take at most ``seconds`` (each call
    its own time limit: a network that hangs is stopped as soon as in the properties)."""
    with time_limit(seconds):
        started = time.perf_counter()
        value = call()
        return max(time.perf_counter() - started, 1e-9), value


def _seconds(call, seconds):
    return _timed(call, seconds)[0]


def _median(times):
    return float(np.median(times))
