"""``neuronnet check`` on a corpus of networks written outside the project, as a teacher would
meet them: correct networks in many styles (every one must pass), and buggy networks with ONE
realistic bug each (every one must fail, and the report's "start here" line must name the layer
and the parameter where the bug is).

    python benchmarks/check_corpus.py [--only ID ...] [--styles NAME ...] [--thorough]

The corpus is ``examples/corpus/``: each ``NAME.py`` with a ``NAME.toml`` is a correct network;
each ``[[bug]]`` of the toml is a buggy one, made by copying the folder to a temporary one and
replacing the bug's ``find`` text (it occurs exactly once) by its ``replace`` text. The toml
records the bug's kind and its true place (``layer``: output, hidden, every or input;
``parameter``: W, b, "W and b" or X). The checker never sees the toml. A network written to an
assignment's API has no ``build``: its toml's ``[check] style`` names the ready adapter
(``neuronnet.verify.adapters``) that makes one from the module.

It prints one row per network (verdict, seconds, the start-here line) and last one line:
``corpus: C correct, F false failures; B buggy, K caught, L localised; median ... s correct,
... s buggy``. BLAS is pinned to one thread. The functions are imported by the test suite
(tests/verify/test_corpus.py), which runs a fast slice of the corpus.
"""
import argparse
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:   # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "examples" / "corpus"


@dataclass(frozen=True)
class Entry:
    """One network of the corpus: a correct style (``bug`` None) or one bug in it."""
    style: str
    one_hot: bool
    bug: dict = None
    adapter: str = None    # [check] style: the ready adapter that builds it, or None for a build

    @property
    def id(self):
        return self.style if self.bug is None else self.bug["id"]


def entries(folder=CORPUS):
    """Every correct network, then every buggy one, in a fixed order."""
    correct, buggy = [], []
    for toml in sorted(folder.glob("*.toml")):
        spec = tomllib.loads(toml.read_text())
        one_hot = bool(spec.get("check", {}).get("one_hot", False))
        adapter = spec.get("check", {}).get("style")
        correct.append(Entry(toml.stem, one_hot, adapter=adapter))
        buggy += [Entry(toml.stem, one_hot, bug, adapter) for bug in spec.get("bug", [])]
    return correct + buggy


def materialise(entry, into, folder=CORPUS):
    """Copy the corpus into ``into`` with the entry's bug put in; the network's path."""
    target = Path(into) / "corpus"
    shutil.copytree(folder, target, ignore=shutil.ignore_patterns("*.toml", "__pycache__"))
    path = target / f"{entry.style}.py"
    if entry.bug is not None:
        text = path.read_text()
        if text.count(entry.bug["find"]) != 1:
            raise ValueError(f"bug {entry.id}: its find text occurs {text.count(entry.bug['find'])} "
                             f"times in {entry.style}.py; expected exactly once")
        path.write_text(text.replace(entry.bug["find"], entry.bug["replace"]))
    return path


def run_check(entry, thorough=False, seed=0):
    """(report, seconds) of ``neuronnet check`` on the entry, as the command line runs it: the
    network in a process of its own (a ``[check] style`` built there by that ready adapter)."""
    from neuronnet.app.check_command import open_submission
    from neuronnet.verify import check
    with tempfile.TemporaryDirectory(prefix="neuronnet-corpus-") as scratch:
        path = materialise(entry, scratch)
        started = time.perf_counter()
        with open_submission(path, style=entry.adapter) as submission:
            report = check(submission.build, thorough=thorough, seed=seed,
                           one_hot=entry.one_hot or submission.one_hot)
        return report, time.perf_counter() - started


def localised(entry, report):
    """Does the report's start-here line name the recorded layer and parameter (among others:
    "dW and db" names W)? A bug recorded
    in "every" layer goes wrong first (counting from the output, where backprop starts) in the
    output layer: a start at the output layer, or at "every" layer, places it."""
    diagnosis = report.diagnosis
    if diagnosis is None or entry.bug is None:
        return False
    layer, parameter = entry.bug["layer"], entry.bug["parameter"]
    if diagnosis.layer != layer and not (layer == "every" and diagnosis.layer == "output"):
        return False
    named = set((diagnosis.parameter or "").split(" and "))
    return bool(named & set(parameter.split(" and ")))


def main(argv=None):
    from threadpoolctl import threadpool_limits
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", metavar="ID", help="these entries only")
    parser.add_argument("--styles", nargs="+", metavar="NAME", help="these styles only")
    parser.add_argument("--thorough", action="store_true")
    args = parser.parse_args(argv)
    chosen = [e for e in entries() if (not args.only or e.id in args.only)
              and (not args.styles or e.style in args.styles)]
    seconds = {"correct": [], "buggy": []}
    false_failures = caught = placed = 0
    print(f"{'network':<40} {'verdict':<14} {'s':>5}  start here")
    with threadpool_limits(limits=1, user_api="blas"):
        for entry in chosen:
            report, took = run_check(entry, thorough=args.thorough)
            kind = "correct" if entry.bug is None else "buggy"
            seconds[kind].append(took)
            if entry.bug is None:
                verdict = "passed" if report.passed else "FALSE FAILURE"
                false_failures += not report.passed
            else:
                here = localised(entry, report)
                caught += not report.passed
                placed += (not report.passed) and here
                verdict = ("MISSED" if report.passed else
                           "caught, placed" if here else "caught")
            start = report.diagnosis.headline if report.diagnosis else ""
            if entry.bug is not None and not localised(entry, report):
                start += f"  [recorded: {entry.bug['layer']} {entry.bug['parameter']}]"
            print(f"{entry.id:<40} {verdict:<14} {took:5.1f}  {start}", flush=True)
    n_buggy = len(seconds["buggy"])

    def median(xs):
        return f"{statistics.median(xs):.1f} s" if xs else "-"
    print(f"worst: {max(seconds['correct'], default=0):.1f} s correct, "
          f"{max(seconds['buggy'], default=0):.1f} s buggy")
    print(f"corpus: {len(seconds['correct'])} correct, {false_failures} false failures; "
          f"{n_buggy} buggy, {caught} caught, {placed} localised; median "
          f"{median(seconds['correct'])} correct, {median(seconds['buggy'])} buggy")
    return 0 if false_failures == 0 and caught == n_buggy else 1


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
