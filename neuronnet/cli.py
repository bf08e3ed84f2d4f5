"""The command line: ``neuronnet`` or ``python -m neuronnet``."""
import argparse
import sys

from .validation import check_positive_int


def build_parser():
    parser = argparse.ArgumentParser(
        prog="neuronnet",
        description="Train the object-per-neuron network and the vectorized reference side by "
                    "side on iris, from the same initial weights and the same sample order, and "
                    "show per epoch that they agree: both losses, both accuracies, and the "
                    "largest difference between their parameters.")
    parser.add_argument("--epochs", type=int, default=40, help="epochs to train (default 40)")
    parser.add_argument("--seed", type=int, default=0,
                        help="seed of the numpy Generator for weights, split and order (default 0)")
    parser.add_argument("--hidden", type=int, default=8, help="hidden tanh neurons (default 8)")
    return parser


def main(argv=None):
    from .compare import compare_on_iris

    args = build_parser().parse_args(argv)
    try:
        check_positive_int("--epochs", args.epochs)
        check_positive_int("--hidden", args.hidden)
    except ValueError as error:
        print(f"neuronnet: error: {error}", file=sys.stderr)
        return 2
    compare_on_iris(epochs=args.epochs, seed=args.seed, hidden=args.hidden)
    return 0
