"""Running the properties on a ``build``: :func:`check` probes what the network supports, then
has hypothesis look for the smallest example on which each property fails.

Each property's search is ``hypothesis.find``: it draws examples, and when one fails it shrinks
it (fewer layers, narrower layers, smaller batches, simpler numbers) to a minimal one, which is
then run once more to keep its failure for the report. The search is seeded, so the same file
gives the same report. An example that runs over the time limit stops that property's search
(a network that hangs is reported, not waited for).
"""
import builtins
import contextlib
import json
import random
import time
import warnings

import numpy as np
from hypothesis import HealthCheck, Phase, find, settings
from hypothesis import strategies as st
from hypothesis.errors import (
    Flaky,
    HypothesisDeprecationWarning,
    NoSuchExample,
    Unsatisfiable,
    UnsatisfiedAssumption,
)

from . import properties_facts  # noqa: F401 - registers the rest of the properties
from .architectures import case_strategy, check_signature, describe, methods_of, precision_of, probe
from .checks.tolerances import active_precision, precision
from .contract import ContractError, StudentFactory, Uncheckable
from .limits import (
    PROBE_LIMIT,
    SECONDARY_SHRINK_CALLS,
    SHRINK_CALLS,
    SHRINK_CEILING,
    THOROUGH,
    TIME_LIMIT,
    TINY_PARAMETERS,
    SubmissionStopped,
    TimeLimitExceeded,
    time_limit,
)
from .notes import collecting
from .plain import to_plain
from .properties import PROPERTIES  # with properties_facts' entries: imported above
from .report import Report, Result


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


# What hypothesis raises when an example failed and then passed (an exception group on Python
# 3.11 and later).
UNSTEADY = (Flaky, getattr(builtins, "BaseExceptionGroup", Flaky))

# A failing example is run again up to this many times to keep its failure for the report.
REPLAYS = 5

# Cheap, decisive properties first: the report starts where a bug shows most plainly, and the
# failures after the first one shrink less (limits.SECONDARY_SHRINK_CALLS).
FIRST = ("forward_and_loss_equal_the_reference", "gradient_equals_the_reference",
         "nothing_handed_in_is_changed", "results_are_repeatable", "sgd_step_follows_the_gradient")


@contextlib.contextmanager
def _hypothesis_files_kept_apart():
    """Hypothesis keeps a cache (of the constants in the loaded modules) in ``.hypothesis/`` of
    the current folder; a check leaves nothing in the user's folder (a notebook's, the command
    line's): the cache goes to a temporary folder, removed after, and hypothesis's own setting
    is put back."""
    import tempfile

    from hypothesis.configuration import set_hypothesis_home_dir, storage_directory
    previous = storage_directory(intent_to_write=False).home_directory
    with tempfile.TemporaryDirectory(prefix="neuronnet-check-") as folder:
        set_hypothesis_home_dir(folder)
        try:
            yield
        finally:
            set_hypothesis_home_dir(previous)


@_hypothesis_files_kept_apart()
def check(build, *, thorough=False, seed=0, time_limit_s=TIME_LIMIT, names=None,
          progress=None, scale=None, shrink=True, on_start=None, one_hot=False, require=None):
    """Run the generic properties on ``build`` and return a :class:`Report`.

    ``names`` limits the run to some properties; ``on_start(report)`` is called once the
    architectures are probed, ``progress(result)`` after each property.
    Each property draws its budget of examples, times ``scale`` (default 1, or THOROUGH with
    ``thorough``). ``shrink=False`` reports the first failing example as found (faster).
    ``one_hot``: cross-entropy targets are one-hot rows only (for a network whose loss takes
    class labels); by default half are probability rows.
    ``require``: None, or grade (grading.py): the names the assignment must support (a list,
    maybe empty); a hidden layer and backprop's speed are then judged too.
    A network that computes in float32 is judged at float32's tolerances (the report says so).
    Nothing is left in the current folder (hypothesis's files go to a temporary one).
    Nothing here imports the neuron model: the oracle is ``reference.MLP``."""
    unknown = [n for n in (names or ()) if n not in PROPERTIES]
    if unknown:
        raise ValueError(f"names: got {unknown[0]!r}; expected one of {', '.join(PROPERTIES)}")
    wanted = set(names or PROPERTIES)
    chosen = [PROPERTIES[n] for n in FIRST + tuple(n for n in PROPERTIES if n not in FIRST)
              if n in wanted]
    if scale is None:
        scale = THOROUGH if thorough else 1
    started = time.perf_counter()
    check_signature(build)
    probing = PROBE_LIMIT * time_limit_s
    try:
        with time_limit(probing):
            refusals = []
            patterns = probe(build, refusals=refusals)
            methods = methods_of(build, patterns)
    except TimeLimitExceeded:
        raise Uncheckable(f"build did not return within {probing:g} s while the architectures "
                          "were probed; expected it to build a network quickly") from None
    except SubmissionStopped as stopped:
        raise Uncheckable(f"{stopped.reason} while the architectures were probed; expected a "
                          "network that answers every call") from None
    try:
        with time_limit(time_limit_s):
            single = precision_of(build, patterns, seed)
    except SubmissionStopped:   # a network that hangs or exits: the properties report it
        single = "float64"
    if not patterns:
        why = f" (it said: {'; '.join(refusals[:3])})" if refusals else ""
        raise Uncheckable(f"build raised NotImplementedError for every architecture probed"
                          f"{why}; expected it to build at least one")
    report = Report(accepted=describe(patterns), methods=sorted(methods), seed=seed,
                    thorough=thorough, one_hot=one_hot, precision=single)
    if on_start is not None:
        on_start(report)
    with precision(single):
        for prop in chosen:
            failed = any(r.status == "FAILED" for r in report.results)
            result = run_property(prop, build, patterns, methods, scale, seed, time_limit_s,
                                  shrink, one_hot,
                                  SECONDARY_SHRINK_CALLS if failed else SHRINK_CALLS)
            report.results.append(result)
            if progress is not None:
                progress(result)
        try:
            with time_limit(PROBE_LIMIT * time_limit_s):
                report.diagnose(StudentFactory(build), lambda name: PROPERTIES[name].fn)
        except SubmissionStopped:   # the verdicts stand; only the pointer to the bug is missing
            report.diagnosis = None
        if require is not None:   # a grade: judged at the network's precision too
            from .grading import backprop_result, requirement_results
            for result in requirement_results(patterns, methods, require) + [
                    backprop_result(build, patterns, seed, time_limit_s)]:
                report.results.append(result)
                if progress is not None:
                    progress(result)
    report.seconds = time.perf_counter() - started
    return report


def _missing(prop, methods):
    """The optional methods ``prop`` needs that the network lacks ("a|b": either will do)."""
    return [need for need in prop.needs if not set(need.split("|")) & methods]


def _not_applicable(prop, methods, usable):
    """Why ``prop`` cannot judge this network, or "" when it can."""
    missing = _missing(prop, methods)
    if missing:
        return f"the network has no {'() and no '.join(missing[0].split('|'))}()"
    if not usable:
        return "build accepts no architecture this property is about"
    if prop.numeric and active_precision() == "float32":
        return ("float32: differences of its loss are too coarse to judge (see the header)")
    return ""


def run_property(prop, build, patterns, methods, scale, seed, time_limit_s, shrink=True,
                 one_hot=False, shrink_calls=SHRINK_CALLS):
    started = time.perf_counter()
    result = Result(prop.name, prop.statement)
    usable = [p for p in patterns if prop.applies is None or prop.applies(p)]
    result.reason = _not_applicable(prop, methods, usable)
    if result.reason:
        result.status = "not applicable"
        return result
    make = StudentFactory(build)
    examples, failing, shrinking = [], {}, dict(since=None, runs=0, ceiling=False)

    def fails(example):
        # Shrinking stops improving after ``shrink_calls`` runs of the property (or at the time
        # ceiling): from then on only the failing examples already seen count as failing, and
        # the smallest of them is the answer.
        key = json.dumps(to_plain(example), sort_keys=True)
        if shrinking["since"] is not None:
            if time.perf_counter() - shrinking["since"] > SHRINK_CEILING:
                shrinking["ceiling"] = shrinking["runs"] < shrink_calls
            if shrinking["ceiling"] or shrinking["runs"] >= shrink_calls:
                return key in failing
            shrinking["runs"] += 1
        with time_limit(time_limit_s), np.errstate(all="ignore"):
            try:
                prop.fn(make, example)
            except AssertionError:
                failing.setdefault(key, example)
                if shrinking["since"] is None:
                    shrinking["since"] = time.perf_counter()
                return True
        examples.append(1)
        return False

    options = settings(max_examples=max(1, round(prop.budget * scale)), database=None,
                       deadline=None, derandomize=False, suppress_health_check=list(HealthCheck),
                       phases=[Phase.generate, Phase.shrink] if shrink and shrink_calls
                       else [Phase.generate])
    result.shrunk = bool(shrink and shrink_calls)
    with collecting() as notes:
        try:
            example = find(strategy_for(prop, usable, one_hot), fails, settings=options,
                           random=random.Random(seed))
        except NoSuchExample:
            result.status, result.examples = "passed", len(examples)
        except Unsatisfiable:
            result.status = "not applicable"
            result.reason = "no example could be measured (every one drawn was rejected)"
        except SubmissionStopped as stopped:
            result.status = "stopped"
            result.reason = (stopped.reason or
                             f"an example ran over the time limit of {time_limit_s:g} s")
        except UNSTEADY:
            # An example failed once and passed when hypothesis ran it again.
            _unsteady(result, prop, make, list(failing.values())[:1], time_limit_s)
        else:
            result.status = "FAILED"
            if shrinking["ceiling"]:
                result.reason = (f"shrinking stopped at its time ceiling of {SHRINK_CEILING:g} "
                                 f"s, after {shrinking['runs']} of its {shrink_calls} runs: a "
                                 "smaller example may exist, and a busier machine may report "
                                 "another one")
            failure = None
            for _ in range(REPLAYS):   # a network whose answers vary may pass one replay
                failure = replay(prop, make, example, time_limit_s)
                if failure is not None:
                    break
            result.record_failure(example, failure or ContractError(
                f"the smallest example passed when run again {REPLAYS} times: the network's "
                "answers change from one call to the next"))
    result.notes = list(notes.values())
    if result.status == "passed" and not examples:
        result.status = "not applicable"
        result.reason = "no example could be measured (every one drawn was rejected)"
    result.seconds = time.perf_counter() - started
    return result


def _unsteady(result, prop, make, seen, time_limit_s):
    """The verdict when hypothesis saw one example fail and then pass: FAILED if the first
    failing example fails again here, else stopped, saying what was seen."""
    failure = replay(prop, make, seen[0], time_limit_s) if seen else None
    if failure is not None:
        result.status = "FAILED"
        result.reason = ("this example failed, but not on every run: the network's answers "
                         "change from one call to the next")
        result.record_failure(seen[0], failure)
        return
    result.status = "stopped"
    result.reason = ("an example failed once and passed when run again: the network's answers "
                     "change from one call to the next, or the machine was too busy for the "
                     "time limit; no verdict")


def replay(prop, make, example, time_limit_s=TIME_LIMIT):
    """Run ``prop`` on one example: its failure (an AssertionError), or None if it holds."""
    try:
        with time_limit(time_limit_s), np.errstate(all="ignore"), warnings.catch_warnings():
            # Outside hypothesis's test the property's assume() calls warn; they pass here.
            warnings.simplefilter("ignore", HypothesisDeprecationWarning)
            prop.fn(make, example)
    except AssertionError as failure:
        return failure
    except SubmissionStopped as stopped:
        return ContractError(stopped.reason or
                             f"the example ran over the time limit of {time_limit_s:g} s")
    except UnsatisfiedAssumption:   # the example was rejected: nothing judged
        return None
    return None
