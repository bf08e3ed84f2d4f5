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
import sys

from .. import __version__
from . import (
    check_command,
    compare_command,
    evaluate_command,
    pitfalls_command,
    recipes,
    stops,
    tour,
    trace_command,
    train_command,
)
from .options import add_common_options, seed_of
from .tables import printable

# Each command is a module with HELP, DESCRIPTION, EPILOG, add_arguments(parser) and
# main(args, out) -> the exit status; listed here in the order of --help.
COMMANDS = {"train": train_command, "compare": compare_command, "evaluate": evaluate_command,
            "pitfalls": pitfalls_command, "check": check_command, "trace": trace_command}

DESCRIPTION = """\
neuronnet: a backpropagation network built one neuron object at a time, checked against an
independent vectorized reference. Without a command it runs a quick tour on the shipped data.
"""


class OneLineErrors(argparse.ArgumentParser):
    """argparse, with a usage error in one line (the usage is one --help away), exit 2."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser():
    parser = OneLineErrors(prog="neuronnet", description=DESCRIPTION, epilog=recipes.help_text(),
                           formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"neuronnet {__version__}")
    add_common_options(parser, defaults=True)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    parser.commands = commands.choices   # command name -> its parser (for parse's errors)
    for name, command in COMMANDS.items():
        sub = commands.add_parser(name, help=command.HELP, description=command.DESCRIPTION,
                                  epilog=command.EPILOG,
                                  formatter_class=argparse.RawDescriptionHelpFormatter)
        add_common_options(sub, defaults=False)
        command.add_arguments(sub)
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
    """Run the command (the tour without one); its exit status: 0 done, 1 training diverged
    (for check and trace: a check failed), 128 + the signal that stopped it (130 for Ctrl-C)."""
    if args.command is None:
        tour.tour(seed=seed_of(args), data_dir=args.data_dir, out=out)
        return 0
    return COMMANDS[args.command].main(args, out=out)
