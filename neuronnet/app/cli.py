"""The command line: ``neuronnet`` or ``python -m neuronnet``.

    neuronnet                      a quick tour on the shipped data (under a minute)
    neuronnet train RECIPE         train one model on a recipe, print a table and a test line
    neuronnet compare RECIPE       both models from one start, side by side
    neuronnet evaluate MODEL.npz   a saved model on its recipe's test split
    neuronnet pitfalls [show|demo] the classic backprop bugs, explained and demonstrated
    neuronnet check FILE.py        the generic property suite on your own network
    neuronnet trace                one backprop step, neuron by neuron, every number checked

Exit status: 0 done, 1 training diverged (for check: a property failed), 2 a user error (one
line on stderr), 128 + the signal that stopped it: 130 Ctrl-C, 143 SIGTERM, 129 SIGHUP
(stops.py).
"""
import argparse
import os
import signal
import sys

from .. import __version__
from . import check_command, pitfalls_command, recipes, stops, trace_command
from .models import MODELS
from .options import add_common_options, add_training_options, training_options
from .tables import printable

DESCRIPTION = """\
neuronnet: a backpropagation network built one neuron object at a time, checked against an
independent vectorized reference. Without a command it runs a quick tour on the shipped data.
"""

RECIPE_HELP = ("recipes (each re-runs the experiment of a source document, docs/sources.md in the "
               "repository, with its bugs fixed):\n"
               + "\n".join(f"  {r.name:<15} {r.summary}" for r in recipes.RECIPES.values()))


class OneLineErrors(argparse.ArgumentParser):
    """argparse, with a usage error in one line (the usage is one --help away), exit 2."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser():
    parser = OneLineErrors(prog="neuronnet", description=DESCRIPTION,
                                     epilog=RECIPE_HELP,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"neuronnet {__version__}")
    add_common_options(parser, defaults=True)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    parser.commands = commands.choices   # command name -> its parser (for parse's errors)

    def command(name, help, description, epilog=None):
        sub = commands.add_parser(name, help=help, description=description, epilog=epilog,
                                  formatter_class=argparse.RawDescriptionHelpFormatter)
        add_common_options(sub, defaults=False)
        return sub

    train = command("train", "train one model on a recipe",
                    "Train the neuron model (or the reference) on a recipe: a per-epoch table "
                    "of losses and accuracies, then the best-validation model on the test set.",
                    RECIPE_HELP)
    train.add_argument("recipe", choices=list(recipes.RECIPES), metavar="RECIPE",
                       help="one of: " + ", ".join(recipes.RECIPES))
    train.add_argument("--model", choices=MODELS, default="neuron",
                       help="the object-per-neuron network (default) or the vectorized reference")
    add_training_options(train)
    train.add_argument("--save", metavar="FILE.npz",
                       help="save the best model (plain arrays, no pickle) to this file")
    train.add_argument("--plot", metavar="DIR",
                       help="write PNG plots here (needs the 'plot' extra: matplotlib)")
    train.add_argument("--quiet", action="store_true",
                       help="no table and no progress bar: only the final lines")

    compare = command("compare", "both models from one start, side by side",
                      "Train the neuron model and the reference from the same initial weights, "
                      "split and sample order, and show per epoch both losses, both accuracies, "
                      "the largest parameter difference and the time of each.", RECIPE_HELP)
    compare.add_argument("recipe", choices=list(recipes.RECIPES), metavar="RECIPE",
                         help="one of: " + ", ".join(recipes.RECIPES))
    add_training_options(compare)
    compare.add_argument("--quiet", action="store_true", help="no progress bar")

    evaluate = command("evaluate", "a saved model on its recipe's test split",
                       "Load a model saved by `neuronnet train --save` and report its loss, "
                       "accuracy and confusion matrix on the test split of its recipe.")
    evaluate.add_argument("model_file", metavar="MODEL.npz")
    evaluate.add_argument("--model", choices=MODELS, default="neuron",
                          help="load it as the neuron model (default) or the reference")
    evaluate.add_argument("--plot", metavar="DIR", help="write the confusion matrix as a PNG")
    pitfalls_command.add_parser(commands, lambda sub: add_common_options(sub, defaults=False))
    check = command("check", "the generic property suite on your own network",
                    "Check a network written in any style against the generic properties of "
                    "backprop: FILE.py defines build(layer_sizes, activations, loss), which "
                    "returns a network with set_parameters, forward, loss and gradient "
                    "(docs/checking-your-network.md in the repository). One line per property; "
                    "for each failure, the smallest example, yours against the reference's. "
                    "Exit status: 0 passed, 1 a property failed or the file cannot be checked, "
                    "2 a usage error.")
    check_command.add_arguments(check)
    trace = command("trace", "one backprop step, neuron by neuron, every number checked",
                    "Trace one forward, backward and update of a recipe's network on one "
                    "training sample: each neuron's z = w . x + b and a = f(z) with the numbers "
                    "substituted, its delta, dW and db, and its step; beside each quantity "
                    "whether it agrees with the reference and with a central difference. "
                    "Exit status 0 when every check agrees.", RECIPE_HELP)
    trace_command.add_arguments(trace)
    return parser


def parse(parser, argv=None):
    """``parser.parse_args(argv)``, except that an argument no option takes is reported by the
    command it follows: ``neuronnet train: error: unrecognized arguments: ... (see neuronnet
    train --help)``, where argparse would send the user to the program's help."""
    args, extra = parser.parse_known_args(argv)
    if extra:
        where = parser.commands.get(args.command, parser)
        where.error(f"unrecognized arguments: {' '.join(extra)}")
    return args


def main(argv=None):
    args = parse(build_parser(), argv)
    from threadpoolctl import threadpool_limits
    previous = stops.install()
    try:
        with threadpool_limits(limits=args.threads, user_api="blas"):
            return _run(args)
    except BrokenPipeError:
        # The reader went away (`neuronnet pitfalls | head`): not an error of ours.
        _silence_stdout()
        return 0
    except KeyboardInterrupt as stop:
        # A stop outside the training loop (loading data, evaluating, plotting): nothing of the
        # user's is half-written (saves are atomic and hold the signals until they are done).
        signum = getattr(stop, "signum", None)
        print(f"neuronnet: stopped by {stop or 'SIGINT'}", file=sys.stderr)
        return stops.exit_status(signum)
    except (ValueError, TypeError, ImportError, OSError) as error:
        if args.debug:
            raise
        # printable: a message may quote a file's name or contents (a control character in a
        # folder's name must not clear the screen).
        print(f"neuronnet: error: {printable(error)} (--debug shows the traceback)",
              file=sys.stderr)
        return 2
    finally:
        stops.restore(previous)


def out(line):
    """print, except that a closed stdout (`neuronnet train ... | head`) costs nothing else:
    the run goes on, to its save, and prints into the void."""
    try:
        print(line)
    except BrokenPipeError:
        _silence_stdout()


def _silence_stdout():
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _run(args):
    """Run the command; the exit status: 0 done, 1 training diverged, 128 + the signal that
    stopped it (130 for Ctrl-C)."""
    from . import compare_command, evaluate_command, tour, train_command
    common = dict(data_dir=args.data_dir, out=out)
    seed = 0 if args.seed is None else args.seed
    if args.command == "train":
        run = train_command.train_recipe(
            args.recipe, model=args.model, seed=seed, options=training_options(args),
            save=args.save, plot=args.plot, quiet=args.quiet, progress=sys.stderr.isatty(),
            **common)
        if run["interrupted"]:
            signum = stops.received()
            name = signal.Signals(signum).name if signum is not None else "SIGINT"
            print(f"neuronnet: stopped by {name}", file=sys.stderr)
            return stops.exit_status(signum)
        return 1 if run["result"].diverged else 0
    if args.command == "compare":
        run = compare_command.compare_recipe(
            args.recipe, seed=seed, options=training_options(args),
            progress=sys.stderr.isatty() and not args.quiet, **common)
        return 1 if any(result.diverged for result, _, _ in run["runs"].values()) else 0
    if args.command == "evaluate":
        evaluate_command.evaluate_file(args.model_file, model=args.model, plot=args.plot,
                                       seed=args.seed, **common)
    elif args.command == "pitfalls":
        pitfalls_command.run(args, out=out, seed=seed)
    elif args.command == "check":
        return check_command.run(args, out=out)
    elif args.command == "trace":
        return trace_command.run(args, out=out)
    else:
        tour.tour(seed=seed, **common)
    return 0
