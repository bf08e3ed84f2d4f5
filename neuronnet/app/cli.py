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

# Only light imports here: the stop signals are handled from main()'s first line on, and the
# commands' imports (numpy's and matplotlib's, most of the first half second) come after it, so
# that a Ctrl-C during them ends in one line, not a traceback.
from .. import __version__
from ..guards.signals import keeping_ignored
from . import stops
from .tables import printable


def commands():
    """Each command is a module with HELP, DESCRIPTION, EPILOG, add_arguments(parser) and
    main(args, out) -> the exit status; listed here in the order of --help."""
    from . import (
        check_command,
        compare_command,
        evaluate_command,
        pitfalls_command,
        trace_command,
        train_command,
    )
    return {"train": train_command, "compare": compare_command,
            "evaluate": evaluate_command, "pitfalls": pitfalls_command,
            "check": check_command, "trace": trace_command}


DESCRIPTION = """\
neuronnet: a backpropagation network built one neuron object at a time, checked against an
independent vectorized reference. Without a command it runs a quick tour on the shipped data.
"""


class OneLineErrors(argparse.ArgumentParser):
    """argparse, with a usage error in one line (the usage is one --help away), exit 2."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser():
    from . import recipes
    from .options import add_common_options
    parser = OneLineErrors(prog="neuronnet", description=DESCRIPTION, epilog=recipes.help_text(),
                           formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"neuronnet {__version__}")
    add_common_options(parser, defaults=True)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    parser.commands = subparsers.choices   # command name -> its parser (for parse's errors)
    for name, command in commands().items():
        sub = subparsers.add_parser(name, help=command.HELP, description=command.DESCRIPTION,
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
    # First of all: a stop signal, from now on, ends the run in one line (the except below),
    # and one ignored when the program started (nohup, a script's background job) stays so.
    previous = keeping_ignored(stops.install)
    args = None
    try:
        args = parse(build_parser(), argv)
        from threadpoolctl import threadpool_limits
        with threadpool_limits(limits=args.threads, user_api="blas"):
            return _run(args)
    except BrokenPipeError:
        # The reader went away (`neuronnet pitfalls | head`): not an error of ours.
        _silence_stdout()
        return 0
    except KeyboardInterrupt as stop:
        # A stop outside the training loop (importing, loading data, evaluating, plotting):
        # nothing of the user's is half-written (saves are atomic and hold the signals until
        # they are done).
        signum = getattr(stop, "signum", None)
        print(f"neuronnet: stopped by {stop or 'SIGINT'}", file=sys.stderr)
        return stops.exit_status(signum)
    except (ValueError, TypeError, ImportError, OSError) as error:
        if args is None or args.debug:
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
        from . import tour
        from .options import seed_of
        tour.tour(seed=seed_of(args), data_dir=args.data_dir, out=out)
        return 0
    return commands()[args.command].main(args, out=out)
