"""``neuronnet check FILE.py``: the generic property suite on anyone's network.

The file defines ``build(layer_sizes, activations, loss)`` (the contract:
neuronnet/verify/contract.py, docs/checking-your-network.md). One line per property, passed,
FAILED, not applicable or stopped; then, for each failure, the smallest example hypothesis
found, with the network's numbers against the reference's. ``--json`` prints the same as data,
for a grader.

The file runs in a process of its own (verify/isolation.py): what it prints goes to stderr,
and nothing it does (patching modules, exiting, writing to file descriptors 1 and 2, signals)
changes the verdict, the report or the exit status.

Exit status: 0 every applicable property passed; 1 a property failed or stopped, or the file
could not be checked at all (it does not import, has no ``build``, or supports no
architecture); 2 a usage error (no such file, not a ``.py`` file, a bad option).
"""
import json
from pathlib import Path

from ..verify.limits import MEMORY_LIMIT_GIB, PROBE_LIMIT, THOROUGH, TIME_LIMIT
from .tables import printable

HELP = "the generic property suite on your own network"
DESCRIPTION = ("Check a network written in any style against the generic properties of backprop: "
               "FILE.py defines build(layer_sizes, activations, loss), which returns a network "
               "with set_parameters, forward, loss and gradient (docs/checking-your-network.md "
               "in the repository). One line per property; for each failure, the smallest "
               "example, yours against the reference's. Exit status: 0 passed, 1 a property "
               "failed or the file cannot be checked, 2 a usage error.")
EPILOG = None


def add_arguments(parser):
    parser.add_argument("file", metavar="FILE.py",
                        help="a Python file that defines build(layer_sizes, activations, "
                             "loss); with --grade, also a folder of them (one line each, "
                             "grades.csv and grades.json)")
    parser.add_argument("--build", default="build", metavar="NAME",
                        help="the name of the function to call (default: build)")
    parser.add_argument("--style", metavar="NAME", choices=_styles(),
                        help="the file is written to a well-known assignment's API, without "
                             f"build: one of {', '.join(_styles())} (a ready adapter finds "
                             "its classes by their usual names)")
    parser.add_argument("--json", action="store_true",
                        help="print the report as JSON (for a grader) instead of text")
    parser.add_argument("--thorough", action="store_true",
                        help=f"{THOROUGH} times the examples per property (slower)")
    parser.add_argument("--property", action="append", metavar="NAME", dest="properties",
                        help="check only this property (repeatable); default: all of them")
    parser.add_argument("--skip", action="append", metavar="NAME", dest="skipped",
                        help="leave this property out (repeatable); e.g. a course whose networks "
                             "need no large weights skips losses_are_finite_and_non_negative")
    parser.add_argument("--one-hot", action="store_true",
                        help="cross-entropy targets are one-hot rows only (for a network whose "
                             "loss takes class labels); by default half are probability rows")
    parser.add_argument("--time-limit", type=_positive_seconds, default=TIME_LIMIT,
                        metavar="SECONDS",
                        help="stop a property whose example runs longer than this "
                             f"(default {TIME_LIMIT:g}); importing the file and probing the "
                             f"architectures may take {PROBE_LIMIT} times this")
    parser.add_argument("--grade", action="store_true",
                        help="grade: a fresh seed each run (printed; repeat with --seed), no "
                             "import of the oracle or an autodiff library, a hidden layer "
                             "required, and backprop's speed measured")
    parser.add_argument("--require", action="append", metavar="NAME", default=[],
                        help="with --grade: an activation, loss or optional method the "
                             "assignment must support (repeatable), e.g. relu, train_step")
    parser.add_argument("--allow", action="append", metavar="MODULE", default=[],
                        help="with --grade: let the file import this module (repeatable), "
                             "e.g. torch for a course that allows it")
    parser.add_argument("--grades", metavar="DIR", default=".",
                        help="grading a folder: where grades.csv and grades.json go "
                             "(default: the current folder)")
    parser.add_argument("--memory-limit", type=_positive_gib, default=MEMORY_LIMIT_GIB,
                        metavar="GIB",
                        help="the address space the checked file's process may map, in GiB "
                             f"(default {MEMORY_LIMIT_GIB:g})")


def _styles():
    from ..verify.adapters import STYLES
    return STYLES


def _positive_seconds(text):
    import argparse
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"got {text!r}; expected a number of seconds") from None
    if not value > 0 or value != value or value == float("inf"):
        raise argparse.ArgumentTypeError(f"got {text!r}; expected a positive number of seconds")
    return value


def _positive_gib(text):
    import argparse
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"got {text!r}; expected a number of GiB") from None
    if not 0.25 <= value < 2**20:
        raise argparse.ArgumentTypeError(f"got {text!r}; expected at least 0.25 GiB (numpy "
                                         "alone maps more than that)")
    return value


def check_path(text, folder_ok=False):
    """The file to check, refused before any work if it is not an existing ``.py`` file (or,
    when ``folder_ok``, a folder)."""
    path = Path(text)
    if not path.exists():
        raise FileNotFoundError(f"FILE.py: got {text!r}, which does not exist; expected a "
                                "Python file that defines build(layer_sizes, activations, loss)")
    if path.is_dir() and folder_ok:
        return path
    if path.is_dir():
        raise ValueError(f"FILE.py: got {text!r}, a folder; expected a Python file ending in "
                         ".py (a folder of submissions is graded with --grade)")
    if not path.is_file() or path.suffix != ".py":
        raise ValueError(f"FILE.py: got {text!r}; expected a Python file ending in .py")
    return path


def grading_options(args):
    """The grade's settings, checked before any work: (require, allowed, forbidden)."""
    from ..verify import grading
    if not args.grade:
        for option, given in (("--require", args.require), ("--allow", args.allow)):
            if given:
                raise ValueError(f"{option}: got {given[0]!r} without --grade; expected "
                                 "--grade with it")
        return None, [], []
    for name in args.allow:
        if name not in grading.FORBIDDEN:
            raise ValueError(f"--allow: got {name!r}; expected one of "
                             f"{', '.join(grading.FORBIDDEN)}")
    return grading.check_required(args.require), args.allow, grading.forbidden(args.allow)


def main(args, out=print):
    """Returns the exit status (0 passed, 1 failed or uncheckable)."""
    from .. import verify  # here, not above: hypothesis loads only when a check runs
    try:
        path = check_path(args.file, folder_ok=args.grade)
    except (OSError, ValueError) as error:
        if args.json:   # a grader reading stdout gets a report whatever happens
            from ..verify.report import uncheckable_dict
            out(json.dumps(uncheckable_dict(args.file, error), indent=1))
        raise
    for option, names in (("--property", args.properties), ("--skip", args.skipped)):
        for name in names or ():
            if name not in verify.PROPERTIES:
                raise ValueError(f"{option}: got {name!r}; expected one of "
                                 f"{', '.join(verify.PROPERTIES)}")
    chosen = [n for n in (args.properties or verify.PROPERTIES) if n not in (args.skipped or ())]
    if not chosen:
        raise ValueError("--skip: got every property; expected at least one left to check")
    require, allowed, forbid = grading_options(args)
    if args.seed is not None:
        seed = args.seed
    else:
        seed = verify.grading.fresh_seed() if args.grade else 0
    if path.is_dir():
        from .grade_folder import grade_folder
        return grade_folder(path, args, seed, out)
    text = not args.json
    if args.grade and text:
        out(f"grading: seed {seed}, fresh for this run (repeat it with --seed {seed})")
    try:
        with open_submission(path, args.build, debug=args.debug,
                             seconds=PROBE_LIMIT * args.time_limit,
                             memory_gib=args.memory_limit, quiet=args.grade,
                             forbid=forbid, style=args.style) as submission:
            if submission.assumes and text:
                out(f"--style {args.style}: {submission.assumes}")
            report = verify.check(submission.build, thorough=args.thorough, seed=seed,
                                  time_limit_s=args.time_limit, names=chosen,
                                  on_start=(lambda r: out(r.header(printable(path)))) if text
                                  else None,
                                  progress=(lambda r: out(r.line)) if text else None,
                                  one_hot=args.one_hot or submission.one_hot,
                                  require=require)
            blocked = set(submission.blocked)
    except verify.Uncheckable as error:
        if args.json:
            from ..verify.report import uncheckable_dict
            out(json.dumps(uncheckable_dict(str(path), error, seed), indent=1))
        else:
            out(f"neuronnet check: {printable(path)}: {printable(error)}")
        return 1
    if args.grade:
        result = verify.grading.imports_result(blocked, allowed)
        report.results.append(result)
        if text:
            out(result.line)
    if args.json:
        out(json.dumps(report.to_dict(str(path)), indent=1))
    else:
        # The header and the per-property lines were printed as they came: then the failures.
        out(report.failures_text(debug=args.debug))
    return 0 if report.passed else 1


def open_submission(path, name="build", debug=False, seconds=None, memory_gib=None,
                    quiet=False, forbid=(), style=None):
    """The checked file in a process of its own (verify.isolation.Submission): the checker
    holds the examples, the oracle, the verdict and the report, and the file's code can change
    none of them. A context manager; its ``build`` is the contract's."""
    from ..verify.isolation import Submission
    return Submission(path, name, import_seconds=seconds, debug=debug,
                      memory_gib=MEMORY_LIMIT_GIB if memory_gib is None else memory_gib,
                      quiet=quiet, forbid=forbid, style=style)
