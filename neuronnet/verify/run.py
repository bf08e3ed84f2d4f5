"""Running the properties on a ``build``: :func:`check` probes what the network supports, then
has hypothesis look for the smallest example on which each property fails.

Each property's search is ``hypothesis.find``: it draws examples, and when one fails it shrinks
it (fewer layers, narrower layers, smaller batches, simpler numbers) to a minimal one, which is
then run once more to keep its failure for the report. The search is seeded, so the same file
gives the same report. An example that runs over the time limit stops that property's search
(a network that hangs is reported, not waited for).
"""
import inspect
import json
import random
import signal
import time
import warnings
from contextlib import contextmanager

import numpy as np
from hypothesis import HealthCheck, Phase, find, settings
from hypothesis import strategies as st
from hypothesis.errors import HypothesisDeprecationWarning, NoSuchExample, Unsatisfiable

from . import properties_facts  # noqa: F401 - registers the rest of the properties
from .architectures import case_strategy, describe, probe
from .contract import OPTIONAL, REQUIRED, ContractError, StudentFactory, Uncheckable, lacks_required
from .limits import PROBE_LIMIT, SHRINK_CALLS, SHRINK_CEILING, THOROUGH, TIME_LIMIT, TINY_PARAMETERS
from .plain import to_plain
from .properties import PROPERTIES  # with properties_facts' entries: imported above
from .report import Report, Result


class TimeLimitExceeded(BaseException):
    """An example ran over the time limit. A BaseException, so that the network's own
    ``except Exception`` cannot swallow it, and hypothesis does not shrink it."""


@contextmanager
def time_limit(seconds):
    """Raise :class:`TimeLimitExceeded` in this thread after ``seconds`` (a POSIX interval
    timer; where there is none, or off the main thread, no limit)."""
    if not seconds or not hasattr(signal, "setitimer"):
        yield
        return

    def expired(signum, frame):
        raise TimeLimitExceeded()

    try:
        previous = signal.signal(signal.SIGALRM, expired)
    except ValueError:   # not the main thread
        yield
        return
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _check_signature(build):
    """A ``build`` that cannot take (layer_sizes, activations, loss) is refused before any work:
    otherwise every architecture would count as accepted, and every property fail alike."""
    try:
        signature = inspect.signature(build)
    except (TypeError, ValueError):   # no signature to read (a builtin): the calls will tell
        return
    try:
        signature.bind([1, 1], ["identity"], "half_mse")
    except TypeError:
        raise Uncheckable(f"build{signature} cannot be called as build(layer_sizes, "
                          "activations, loss); expected a function of those three "
                          "arguments") from None


def methods_of(build, patterns):
    """The optional methods of the network ``build`` returns for its first accepted pattern.
    A network without one of the four required methods is refused here, once, by name: every
    property would fail on it the same way."""
    if not patterns:
        return set()
    p = patterns[0]
    sizes = [3] * (p.depth + 1)
    try:
        net = build(list(sizes), list(p.activations), p.loss)
    except Exception:  # noqa: BLE001 - the properties report it
        return set()
    lacking = lacks_required(f"build({sizes}, {list(p.activations)}, {p.loss!r})", net)
    if lacking:
        raise Uncheckable(lacking)
    return {m for m in REQUIRED + OPTIONAL if callable(getattr(net, m, None))}


def _tiny(case):
    return sum(W.size + b.size for W, b in zip(case.weights, case.biases)) <= TINY_PARAMETERS


def strategy_for(prop, patterns, one_hot=False):
    """Example dicts for ``prop``: a case among ``patterns``, and the property's extras."""
    cases = case_strategy(patterns, max_width=3 if prop.tiny else 4,
                          max_batch=3 if prop.tiny else 5, kink_margin=prop.kink_margin,
                          one_hot=one_hot)
    if prop.tiny:
        cases = cases.filter(_tiny)
    extras = prop.extras(cases) if prop.extras else {}
    return st.fixed_dictionaries({"case": cases, **extras})


def check(build, *, thorough=False, seed=0, time_limit_s=TIME_LIMIT, names=None,
          progress=None, scale=None, shrink=True, on_start=None, one_hot=False):
    """Run the generic properties on ``build`` and return a :class:`Report`.

    ``names`` limits the run to some properties; ``on_start(report)`` is called once the
    architectures are probed, ``progress(result)`` after each property.
    Each property draws its budget of examples, times ``scale`` (default 1, or THOROUGH with
    ``thorough``). ``shrink=False`` reports the first failing example as found (faster).
    ``one_hot``: cross-entropy targets are one-hot rows only (for a network whose loss takes
    class labels); by default half are probability rows.
    Nothing here imports the neuron model: the oracle is ``reference.MLP``."""
    unknown = [n for n in (names or ()) if n not in PROPERTIES]
    if unknown:
        raise ValueError(f"names: got {unknown[0]!r}; expected one of {', '.join(PROPERTIES)}")
    chosen = [PROPERTIES[n] for n in (names or PROPERTIES)]
    if scale is None:
        scale = THOROUGH if thorough else 1
    started = time.perf_counter()
    _check_signature(build)
    probing = PROBE_LIMIT * time_limit_s
    try:
        with time_limit(probing):
            patterns = probe(build)
            methods = methods_of(build, patterns)
    except TimeLimitExceeded:
        raise Uncheckable(f"build did not return within {probing:g} s while the architectures "
                          "were probed; expected it to build a network quickly") from None
    if not patterns:
        raise Uncheckable("build raised NotImplementedError for every architecture probed; "
                          "expected it to build at least one")
    report = Report(accepted=describe(patterns), methods=sorted(methods), seed=seed,
                    thorough=thorough, one_hot=one_hot)
    if on_start is not None:
        on_start(report)
    for prop in chosen:
        result = run_property(prop, build, patterns, methods, scale, seed, time_limit_s, shrink,
                              one_hot)
        report.results.append(result)
        if progress is not None:
            progress(result)
    report.seconds = time.perf_counter() - started
    return report


def _missing(prop, methods):
    """The optional methods ``prop`` needs that the network lacks ("a|b": either will do)."""
    return [need for need in prop.needs if not set(need.split("|")) & methods]


def run_property(prop, build, patterns, methods, scale, seed, time_limit_s, shrink=True,
                 one_hot=False):
    started = time.perf_counter()
    result = Result(prop.name, prop.statement)
    missing = _missing(prop, methods)
    usable = [p for p in patterns if prop.applies is None or prop.applies(p)]
    if missing or not usable:
        result.status = "not applicable"
        result.reason = (f"the network has no {'() and no '.join(missing[0].split('|'))}()"
                         if missing
                         else "build accepts no architecture this property is about")
        return result
    make = StudentFactory(build)
    examples, failing, shrinking = [], set(), dict(since=None, runs=0, ceiling=False)

    def fails(example):
        # Shrinking stops improving after SHRINK_CALLS runs of the property (or at the time
        # ceiling): from then on only the failing examples already seen count as failing, and
        # the smallest of them is the answer.
        key = json.dumps(to_plain(example), sort_keys=True)
        if shrinking["since"] is not None:
            if time.perf_counter() - shrinking["since"] > SHRINK_CEILING:
                shrinking["ceiling"] = shrinking["runs"] < SHRINK_CALLS
            if shrinking["ceiling"] or shrinking["runs"] >= SHRINK_CALLS:
                return key in failing
            shrinking["runs"] += 1
        with time_limit(time_limit_s), np.errstate(all="ignore"):
            try:
                prop.fn(make, example)
            except AssertionError:
                failing.add(key)
                if shrinking["since"] is None:
                    shrinking["since"] = time.perf_counter()
                return True
        examples.append(1)
        return False

    options = settings(max_examples=max(1, round(prop.budget * scale)), database=None,
                       deadline=None, derandomize=False, suppress_health_check=list(HealthCheck),
                       phases=[Phase.generate, Phase.shrink] if shrink else [Phase.generate])
    try:
        example = find(strategy_for(prop, usable, one_hot), fails, settings=options,
                       random=random.Random(seed))
    except NoSuchExample:
        result.status, result.examples = "passed", len(examples)
    except Unsatisfiable:
        result.status = "not applicable"
        result.reason = "no example could be measured (every one drawn was rejected)"
    except TimeLimitExceeded:
        result.status = "stopped"
        result.reason = f"an example ran over the time limit of {time_limit_s:g} s"
    else:
        result.status = "FAILED"
        if shrinking["ceiling"]:
            result.reason = (f"shrinking stopped at its time ceiling of {SHRINK_CEILING:g} s, "
                             f"after {shrinking['runs']} of its {SHRINK_CALLS} runs: a smaller "
                             "example may exist, and a busier machine may report another one")
        result.record_failure(example, replay(prop, make, example, time_limit_s)
                              or ContractError("the smallest example passed when run again: "
                                               "the network's answers change from one call "
                                               "to the next"))
    if result.status == "passed" and not examples:
        result.status = "not applicable"
        result.reason = "no example could be measured (every one drawn was rejected)"
    result.seconds = time.perf_counter() - started
    return result


def replay(prop, make, example, time_limit_s=TIME_LIMIT):
    """Run ``prop`` on one example: its failure (an AssertionError), or None if it holds."""
    try:
        with time_limit(time_limit_s), np.errstate(all="ignore"), warnings.catch_warnings():
            # Outside hypothesis's test the property's assume() calls warn; they pass here.
            warnings.simplefilter("ignore", HypothesisDeprecationWarning)
            prop.fn(make, example)
    except AssertionError as failure:
        return failure
    except TimeLimitExceeded:
        return ContractError(f"the example ran over the time limit of {time_limit_s:g} s")
    return None
