"""The command line's options: argument types, the options shared by every command, and the
options that override a recipe's settings. Every choice comes from its registry, so a new
activation, optimizer, batch mode or recipe appears here without an edit."""
import argparse

from ..activations import ACTIVATIONS
from ..batching import BATCH_MODES
from ..guards import check_real
from ..optimizers import OPTIMIZERS, Momentum
from ..training.settings import NAMES as SETTING_NAMES
from ..training.settings import Settings

# The options that override a recipe: the network's two, then every training setting the
# command line can express (a schedule is a recipe's business, not a flag's).
NETWORK_OPTIONS = ("hidden", "activation")
TRAINING_OPTIONS = NETWORK_OPTIONS + tuple(n for n in SETTING_NAMES if n != "schedule")


def integer(text):
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"got {text!r}; expected an integer") from None


def integer_at_least(low, expected):
    """An argparse type: an integer >= ``low``; the error says ``expected``."""
    def parse(text):
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"got {text!r}; expected {expected}") from None
        if value < low:
            raise argparse.ArgumentTypeError(f"got {value}; expected {expected}")
        return value
    return parse


positive_int = integer_at_least(1, "a positive integer")
seed = integer_at_least(0, "an integer >= 0")   # numpy.random.SeedSequence takes no negatives


def number(text):
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"got {text!r}; expected a number") from None


def setting(name, parse):
    """An argparse type for the training setting ``name``: ``parse`` reads the text, and the
    setting's own check in ``Settings`` (the one home of its rule) judges the value, so that
    ``--clip-norm 0`` is refused on the command line with the words ``Settings(clip_norm=0)``
    gets, before any data is read. argparse names the option, so the setting's name that
    begins the sentence is left out (``argument --lr: got -0.1; expected ...``)."""
    def check(text):
        value = parse(text)
        try:
            Settings().replace(**{name: value})
        except (ValueError, TypeError) as error:
            raise argparse.ArgumentTypeError(str(error).removeprefix(f"{name}: ")) from None
        return value
    return check


def hidden_widths(text):
    """'256' or '128,64': the hidden layer widths."""
    try:
        widths = tuple(int(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"got {text!r}; expected widths like 100 or 128,64") \
            from None
    if any(w <= 0 for w in widths):
        raise argparse.ArgumentTypeError(f"got {text!r}; expected positive widths")
    return widths


def add_common_options(parser, defaults):
    """``--seed``, ``--data-dir``, ``--threads`` and ``--debug``, accepted before the command and
    after it. The program's own parser gets them with their defaults (``defaults=True``); each
    command's parser gets them without defaults (argparse.SUPPRESS), so that an option given
    before the command is not reset by the command's default."""
    def default(value):
        return value if defaults else argparse.SUPPRESS
    group = parser.add_argument_group("options of every command")
    group.add_argument("--seed", type=seed, default=default(None),
                       help="one seed for the split, the initial weights and the sample order "
                            "(default 0; evaluate takes the seed saved in the model file; "
                            "check seeds its search for examples with it)")
    group.add_argument("--data-dir", metavar="DIR", default=default(None),
                       help="the data folder (default: $NEURONNET_DATA, else the copy "
                            "installed with the package)")
    group.add_argument("--threads", type=positive_int, default=default(1), metavar="N",
                       help="BLAS threads (default 1: the neuron model makes many small "
                            "products, which extra threads slow down rather than speed up)")
    group.add_argument("--debug", action="store_true", default=default(False),
                       help="show the full traceback of an error")


def add_training_options(parser):
    group = parser.add_argument_group("overriding the recipe's settings")
    group.add_argument("--hidden", type=hidden_widths, metavar="W[,W...]",
                       help="hidden layer widths, e.g. 100 or 128,64")
    group.add_argument("--activation", choices=sorted(ACTIVATIONS),
                       help="the hidden layers' activation")
    add_optimizer_options(group)
    group.add_argument("--batch-mode", choices=list(BATCH_MODES),
                       help="online: one sample per step; minibatch: the mean gradient of "
                            "--batch-size samples; full: one step per epoch; sampled: the "
                            "coursework's mode, every sample forward but only one in "
                            "--batch-size backpropagated")
    group.add_argument("--batch-size", type=setting("batch_size", integer), metavar="N",
                       help="rows per step (minibatch), or one row in N backpropagated "
                            "(sampled)")
    group.add_argument("--epochs", type=setting("epochs", integer), metavar="N",
                       help="passes over the training split")
    group.add_argument("--patience", type=setting("patience", integer), metavar="N",
                       help="stop after N epochs without a lower validation loss")
    group.add_argument("--clip-norm", type=setting("clip_norm", number), metavar="C",
                       help="scale every step's gradient down to global norm C when larger")


def add_optimizer_options(group):
    """``--optimizer``, ``--lr`` and ``--momentum``: how a step moves the parameters (the
    training options' and ``neuronnet trace``'s)."""
    group.add_argument("--optimizer", choices=list(OPTIMIZERS),
                       help="sgd: w -= lr*g; momentum: v = mu*v - lr*g, w += v; nesterov: "
                            "the look-ahead form of momentum; rmsprop: w -= lr*g / (sqrt(s) + "
                            "eps), s a running mean of g^2; adam: the same with a running "
                            "mean of g, bias-corrected")
    group.add_argument("--lr", type=setting("lr", number), help="learning rate")
    group.add_argument("--momentum", type=setting("momentum", number), metavar="MU",
                       help="momentum coefficient mu, in [0, 1)")


def penalty(text):
    """An argparse type for the L2 penalty's strength: a finite number >= 0, the rule
    ``Network(l2=...)`` checks with the same words."""
    value = number(text)
    try:
        check_real("l2", value, low=0.0)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error).removeprefix("l2: ")) from None
    return value


def training_options(args):
    """The recipe overrides the user gave, by setting name (None: not given)."""
    return {name: getattr(args, name) for name in TRAINING_OPTIONS}


# The settings that only some values of another setting use: the optimizers with a velocity
# (momentum's subclasses) use mu; the online and full batch modes have no batch size to set.
USED_ONLY_WITH = {
    "momentum": ("optimizer", tuple(n for n, cls in OPTIMIZERS.items() if issubclass(cls, Momentum))),
    "batch_size": ("batch_mode", ("minibatch", "sampled")),
}


def refuse_unused(options, settings):
    """Refuse an option the run would not use (``--momentum`` with plain SGD, ``--batch-size``
    with online or full batches): accepted and then dropped, it would look applied. ``options``
    are the ones the user gave (None: not given); ``settings`` the run's, after them."""
    for name, (on, users) in USED_ONLY_WITH.items():
        value = getattr(settings, on)
        if options.get(name) is not None and value not in users:
            whose = (f"--{flag(on)} {value}" if options.get(on) is not None
                     else f"the recipe's {on} {value!r}")
            raise ValueError(f"--{flag(name)}: got {options[name]}, which {whose} does not use; "
                             f"expected it only with --{flag(on)} {' or '.join(users)}")


def flag(name):
    """The option of a setting: ``batch_size`` -> ``batch-size``."""
    return name.replace("_", "-")


def seed_of(args):
    """The run's one seed: ``--seed``, 0 when not given."""
    return 0 if args.seed is None else args.seed
