"""The command line: ``neuronnet`` or ``python -m neuronnet``.

    neuronnet                      a quick tour on the shipped data (under a minute)
    neuronnet train RECIPE         train one model on a recipe, print a table and a test line
    neuronnet compare RECIPE       both models from one start, side by side
    neuronnet evaluate MODEL.npz   a saved model on its recipe's test split
    neuronnet pitfalls [show|demo] the classic backprop bugs, explained and demonstrated
"""
import argparse
import os
import sys

from . import recipes
from .pitfalls import cli as pitfalls_cli

DESCRIPTION = """\
neuronnet: a backpropagation network built one neuron object at a time, checked against an
independent vectorized reference. Without a command it runs a quick tour on the shipped data.
"""

RECIPE_HELP = "recipes (each re-runs a source document's experiment, with its bugs fixed):\n" + \
    "\n".join(f"  {r.name:<15} seed {r.seed}: {r.summary}" for r in recipes.RECIPES.values())


def _positive_int(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"got {text!r}; expected a positive integer") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"got {value}; expected a positive integer")
    return value


def _non_negative_float(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"got {text!r}; expected a number") from None
    if not value >= 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"got {text}; expected a finite number >= 0")
    return value


def _hidden(text):
    """'256' or '128,64': the hidden layer widths."""
    try:
        widths = tuple(int(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"got {text!r}; expected widths like 100 or 128,64") \
            from None
    if any(w <= 0 for w in widths):
        raise argparse.ArgumentTypeError(f"got {text!r}; expected positive widths")
    return widths


def _add_training_options(parser):
    group = parser.add_argument_group("overriding the recipe's settings")
    group.add_argument("--hidden", type=_hidden, metavar="W[,W...]",
                       help="hidden layer widths, e.g. 100 or 128,64")
    group.add_argument("--activation", choices=["identity", "sigmoid", "tanh", "relu"],
                       help="the hidden layers' activation")
    group.add_argument("--optimizer", choices=["sgd", "momentum", "nesterov"],
                       help="sgd: w -= lr*g; momentum: v = mu*v - lr*g, w += v; nesterov: "
                            "the look-ahead form of momentum")
    group.add_argument("--lr", type=_non_negative_float, help="learning rate")
    group.add_argument("--momentum", type=_non_negative_float, metavar="MU",
                       help="momentum coefficient mu, in [0, 1)")
    group.add_argument("--batch-mode", choices=["online", "minibatch", "full", "sampled"],
                       help="online: one sample per step; minibatch: the mean gradient of "
                            "--batch-size samples; full: one step per epoch; sampled: the "
                            "coursework's mode, every sample forward but only one in "
                            "--batch-size backpropagated")
    group.add_argument("--batch-size", type=_positive_int, metavar="N")
    group.add_argument("--epochs", type=_positive_int, metavar="N")
    group.add_argument("--patience", type=_positive_int, metavar="N",
                       help="stop after N epochs without a lower validation loss")
    group.add_argument("--clip-norm", type=_non_negative_float, metavar="C",
                       help="scale every step's gradient down to global norm C when larger")
    parser.add_argument("--seed", type=int, default=0,
                        help="one seed for the split, the initial weights and the sample order "
                             "(default 0)")


def _options(args):
    return dict(hidden=args.hidden, activation=args.activation, optimizer=args.optimizer,
                lr=args.lr, momentum=args.momentum, batch_mode=args.batch_mode,
                batch_size=args.batch_size, epochs=args.epochs, patience=args.patience,
                clip_norm=args.clip_norm)


def build_parser():
    parser = argparse.ArgumentParser(prog="neuronnet", description=DESCRIPTION,
                                     epilog=RECIPE_HELP,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--debug", action="store_true",
                        help="show the full traceback of an error")
    parser.add_argument("--seed", type=int, default=0, help="the tour's seed (default 0)")
    parser.add_argument("--threads", type=_positive_int, default=1, metavar="N",
                        help="BLAS threads (default 1: the neuron model makes many small "
                             "products, which extra threads slow down rather than speed up)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    train = commands.add_parser(
        "train", help="train one model on a recipe",
        description="Train the neuron model (or the reference) on a recipe: a per-epoch table "
                    "of losses and accuracies, then the best-validation model on the test set.",
        epilog=RECIPE_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    train.add_argument("recipe", choices=list(recipes.RECIPES), metavar="RECIPE",
                       help="one of: " + ", ".join(recipes.RECIPES))
    train.add_argument("--model", choices=["neuron", "reference"], default="neuron",
                       help="the object-per-neuron network (default) or the vectorized reference")
    _add_training_options(train)
    train.add_argument("--save", metavar="FILE.npz",
                       help="save the best model (plain arrays, no pickle) to this file")
    train.add_argument("--plot", metavar="DIR",
                       help="write PNG plots here (needs the 'plot' extra: matplotlib)")
    train.add_argument("--quiet", action="store_true",
                       help="no table and no progress bar: only the final lines")

    compare = commands.add_parser(
        "compare", help="both models from one start, side by side",
        description="Train the neuron model and the reference from the same initial weights, "
                    "split and sample order, and show per epoch both losses, both accuracies, "
                    "the largest parameter difference and the time of each.",
        epilog=RECIPE_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    compare.add_argument("recipe", choices=list(recipes.RECIPES), metavar="RECIPE",
                         help="one of: " + ", ".join(recipes.RECIPES))
    _add_training_options(compare)
    compare.add_argument("--quiet", action="store_true", help="no progress bar")

    evaluate = commands.add_parser(
        "evaluate", help="a saved model on its recipe's test split",
        description="Load a model saved by `neuronnet train --save` and report its loss, "
                    "accuracy and confusion matrix on the test split of its recipe.")
    evaluate.add_argument("model_file", metavar="MODEL.npz")
    evaluate.add_argument("--model", choices=["neuron", "reference"], default="neuron",
                          help="load it as the neuron model (default) or the reference")
    evaluate.add_argument("--plot", metavar="DIR", help="write the confusion matrix as a PNG")
    pitfalls_cli.add_parser(commands)
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    from threadpoolctl import threadpool_limits

    from . import commands
    try:
        with threadpool_limits(limits=args.threads, user_api="blas"):
            return _run(commands, args)
    except BrokenPipeError:
        # The reader went away (`neuronnet pitfalls | head`): not an error of ours. Point stdout
        # at devnull so Python's own flush at exit does not raise again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        # Ctrl-C outside the training loop (loading data, evaluating, plotting): nothing of the
        # user's is half-written (saves are atomic); 130 = 128 + SIGINT, the shell convention.
        print("neuronnet: interrupted", file=sys.stderr)
        return 130
    except (ValueError, ImportError, OSError) as error:
        if args.debug:
            raise
        print(f"neuronnet: error: {error} (--debug shows the traceback)", file=sys.stderr)
        return 2


def _run(commands, args):
    """Run the command; the exit status: 0 done, 1 training diverged, 130 interrupted."""
    if args.command == "train":
        run = commands.train_recipe(args.recipe, model=args.model, seed=args.seed,
                                    options=_options(args), save=args.save, plot=args.plot,
                                    quiet=args.quiet, progress=sys.stderr.isatty())
        if run["result"].interrupted:
            return 130
        return 1 if run["result"].diverged else 0
    elif args.command == "compare":
        commands.compare_recipe(args.recipe, seed=args.seed, options=_options(args),
                                progress=sys.stderr.isatty() and not args.quiet)
    elif args.command == "evaluate":
        commands.evaluate_file(args.model_file, model=args.model, plot=args.plot)
    elif args.command == "pitfalls":
        pitfalls_cli.run(args)
    else:
        commands.tour(seed=args.seed)
    return 0
