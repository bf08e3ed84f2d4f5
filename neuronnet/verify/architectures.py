"""Which architectures a ``build`` accepts, and drawing examples among them only.

:func:`probe` asks ``build`` once for every pattern of activations (one to three layers of
neurons, any of the four activations per layer) and each loss: what raises
``NotImplementedError`` is not supported, everything else is (a ``build`` that raises anything
else is drawn too, so that the failure is reported and shrunk like any other). A property then
draws its examples from the supported patterns that it applies to, and one with none is "not
applicable", never "passed". Binary cross-entropy networks have one output (a sigmoid's
yes/no); a ``build`` that declares an L2 penalty (contract.penalty_keyword) has it drawn on
every pattern, none half the time.
"""
import inspect
import itertools
import warnings
from dataclasses import dataclass

import numpy as np
from hypothesis import strategies as st

from .checks import PENALTY_FORMS
from .contract import OPTIONAL, REQUIRED, Uncheckable, lacks_required, penalty_keyword
from .strategies import ACTIVATIONS, LOSSES, cases

MAX_LAYERS = 3
PROBE_WIDTHS = (3, 2, 4, 1)
# The losses the contract gained after its first version (binary cross-entropy, with issue 24).
LATER_LOSSES = ("binary_cross_entropy",)


@dataclass(frozen=True)
class Pattern:
    """An architecture up to its widths: an activation per layer of neurons, the loss, and
    the keyword of the L2 penalty build takes (None: no penalty)."""
    activations: tuple
    loss: str
    penalty: str = None

    @property
    def depth(self):
        return len(self.activations)

    def sizes(self, width):
        """Every layer ``width`` wide, but one output for binary cross-entropy."""
        return [width] * self.depth + [1 if self.loss == "binary_cross_entropy" else width]


def all_patterns(max_layers=MAX_LAYERS):
    return [Pattern(acts, loss) for depth in range(1, max_layers + 1)
            for acts in itertools.product(ACTIVATIONS, repeat=depth) for loss in LOSSES]


def probe(build, max_layers=MAX_LAYERS, refusals=None):
    """The patterns ``build`` accepts, in a fixed order. Each pattern is asked at the widths
    PROBE_WIDTHS, all layers alike, until one is accepted: a ``build`` that refuses some widths
    (an assignment that fixes the output layer at 2, say) keeps the patterns it supports, and
    the examples it refuses later are drawn again (contract.StudentFactory).

    A loss the contract gained later (LATER_LOSSES) is supported only when ``build`` knows its
    name: not when it raises on it for every pattern (a lookup's KeyError, where
    NotImplementedError is asked for), nor when the network it builds gives the numbers of
    another loss (``if loss == "half_mse": ... else:`` takes it for cross-entropy). Builds
    written before it came keep their verdicts.

    ``refusals``, a list, gathers what the NotImplementedErrors said (each text once): the one
    line of a build that refuses everything says why."""
    accepted, raised, widths = [], set(), {}
    penalty = penalty_keyword(build)
    for pattern in all_patterns(max_layers):
        for width in PROBE_WIDTHS:
            sizes = pattern.sizes(width)
            try:
                build(list(sizes), list(pattern.activations), pattern.loss)
            except NotImplementedError as refusal:
                said = str(refusal)[:300]
                if refusals is not None and said and said not in refusals:
                    refusals.append(said)
                continue
            except Exception:  # noqa: BLE001 - drawn anyway: the properties report it, shrunk
                raised.add(pattern)
            accepted.append(Pattern(pattern.activations, pattern.loss, penalty))
            widths.setdefault(pattern.loss, (pattern, sizes))
            break
    # A later loss is unknown to build when every pattern of it that build did not refuse
    # (NotImplementedError: a depth or an activation the assignment leaves out) raised.
    taken = {(p.activations, p.loss) for p in accepted}
    unknown = {loss for loss in LATER_LOSSES
               if all(p in raised for p in all_patterns(max_layers)
                      if p.loss == loss and (p.activations, p.loss) in taken)
               or (loss in widths and _falls_through(build, *widths[loss]))}
    return [p for p in accepted if p.loss not in unknown]


def _falls_through(build, pattern, sizes):
    """True when the network ``build`` makes for ``pattern`` gives, on a fixed batch, the loss
    that the same network built for one of the original losses gives: its code took the name
    for another loss. Anything that goes wrong here is left to the properties (False)."""
    rng = np.random.default_rng(24)
    params = []
    for fan_in, fan_out in zip(sizes, sizes[1:]):
        params += [rng.uniform(-1, 1, (fan_out, fan_in)), rng.uniform(-1, 1, fan_out)]
    X = rng.uniform(-1, 1, (3, sizes[0]))
    Y = np.zeros((3, sizes[-1]))
    Y[1:] = 1.0

    def loss_of(loss):
        net = build(list(sizes), list(pattern.activations), loss)
        net.set_parameters([p.copy() for p in params])
        return float(net.loss(X.copy(), Y.copy()))
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            mine = loss_of(pattern.loss)
    except Exception:  # noqa: BLE001 - the properties report it
        return False
    for other in LOSSES:
        if other in LATER_LOSSES:
            continue
        try:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                theirs = loss_of(other)
        except Exception:  # noqa: BLE001 - no such network to compare with
            continue
        if np.isclose(mine, theirs, rtol=1e-9, atol=0.0):
            return True
    return False


def describe(patterns):
    """One line for a report: what was accepted, compactly."""
    if not patterns:
        return "no architecture"
    depths = sorted({p.depth for p in patterns})
    acts = sorted({a for p in patterns for a in p.activations}, key=ACTIVATIONS.index)
    losses = sorted({p.loss for p in patterns}, key=LOSSES.index)
    total = len(all_patterns())
    layers = "layer" if depths == [1] else "layers"
    penalty = patterns[0].penalty
    said = f"; L2 penalty {penalty}, {PENALTY_FORMS[penalty]}" if penalty else ""
    return (f"{len(patterns)} of {total} patterns: {'/'.join(map(str, depths))} {layers} of "
            f"neurons; activations {', '.join(acts)}; losses {', '.join(losses)}{said}")


def case_strategy(patterns, max_width=4, max_batch=5, kink_margin=None, one_hot=False,
                  **kwargs):
    """Cases (a network and a batch) whose architecture follows one of ``patterns``, with the
    patterns' penalty drawn."""
    extra = {} if kink_margin is None else {"kink_margin": kink_margin}

    @st.composite
    def draw_case(draw):
        pattern = draw(st.sampled_from(patterns))
        sizes = [draw(st.integers(1, max_width)) for _ in range(pattern.depth + 1)]
        if pattern.loss == "binary_cross_entropy":
            sizes[-1] = 1
        return draw(cases(architecture=(sizes, list(pattern.activations), pattern.loss),
                          max_batch=max_batch, one_hot=one_hot, penalty=pattern.penalty,
                          **extra, **kwargs))
    return draw_case()


def check_signature(build):
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


def _first_network(build, patterns):
    """(sizes, network) for the first accepted pattern at a probe width; sizes is None when
    build raised at every width (the network may be None: a build that returns nothing)."""
    p = patterns[0]
    for width in PROBE_WIDTHS:
        sizes = p.sizes(width)
        try:
            return sizes, build(list(sizes), list(p.activations), p.loss)
        except Exception:  # noqa: BLE001 - the properties report it
            continue
    return None, None


def methods_of(build, patterns):
    """The optional methods of the network ``build`` returns for its first accepted pattern.
    A network without one of the four required methods is refused here, once, by name: every
    property would fail on it the same way."""
    if not patterns:
        return set()
    sizes, net = _first_network(build, patterns)
    if sizes is None:
        return set()
    p = patterns[0]
    lacking = lacks_required(f"build({sizes}, {list(p.activations)}, {p.loss!r})", net)
    if lacking:
        raise Uncheckable(lacking)
    return {m for m in REQUIRED + OPTIONAL if callable(getattr(net, m, None))}


def precision_of(build, patterns, seed=0):
    """"float32" when the network computes in float32 (its forward and every array of its
    gradient on a small batch come back as float32), else "float64". It is then judged at
    float32's tolerances, and the report says so. The batch and parameters are drawn from the
    run's seed (a grade's is fresh), so a network cannot recognise the probe and answer it
    alone in float32. Anything that goes wrong here is left to the properties."""
    if not patterns:
        return "float64"
    sizes, net = _first_network(build, patterns)
    if sizes is None:
        return "float64"
    rng = np.random.default_rng(seed)
    params = []
    for fan_in, fan_out in zip(sizes, sizes[1:]):
        params += [rng.uniform(-1, 1, (fan_out, fan_in)), rng.uniform(-1, 1, fan_out)]
    X, Y = rng.uniform(-1, 1, (2, sizes[0])), np.eye(sizes[-1])[[0, sizes[-1] - 1]]
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            net.set_parameters(params)
            values = [net.forward(X), *net.gradient(X, Y)]
    except Exception:  # noqa: BLE001 - the properties report it
        return "float64"
    single = all(np.asarray(v).dtype == np.float32 for v in values)
    return "float32" if single else "float64"
