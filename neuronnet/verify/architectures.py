"""Which architectures a ``build`` accepts, and drawing examples among them only.

:func:`probe` asks ``build`` once for every pattern of activations (one to three layers of
neurons, any of the four activations per layer) and each loss: what raises
``NotImplementedError`` is not supported, everything else is (a ``build`` that raises anything
else is drawn too, so that the failure is reported and shrunk like any other). A property then
draws its examples from the supported patterns that it applies to, and one with none is "not
applicable", never "passed".
"""
import itertools
from dataclasses import dataclass

from hypothesis import strategies as st

from .strategies import ACTIVATIONS, LOSSES, cases

MAX_LAYERS = 3
PROBE_WIDTH = 3


@dataclass(frozen=True)
class Pattern:
    """An architecture up to its widths: an activation per layer of neurons, and the loss."""
    activations: tuple
    loss: str

    @property
    def depth(self):
        return len(self.activations)


def all_patterns(max_layers=MAX_LAYERS):
    return [Pattern(acts, loss) for depth in range(1, max_layers + 1)
            for acts in itertools.product(ACTIVATIONS, repeat=depth) for loss in LOSSES]


def probe(build, max_layers=MAX_LAYERS):
    """The patterns ``build`` accepts, in a fixed order. The probe sizes are
    [PROBE_WIDTH] * (depth + 1)."""
    accepted = []
    for pattern in all_patterns(max_layers):
        sizes = [PROBE_WIDTH] * (pattern.depth + 1)
        try:
            build(list(sizes), list(pattern.activations), pattern.loss)
        except NotImplementedError:
            continue
        except Exception:  # noqa: BLE001 - drawn anyway: the properties report it, shrunk
            pass
        accepted.append(pattern)
    return accepted


def describe(patterns):
    """One line for a report: what was accepted, compactly."""
    if not patterns:
        return "no architecture"
    depths = sorted({p.depth for p in patterns})
    acts = sorted({a for p in patterns for a in p.activations}, key=ACTIVATIONS.index)
    losses = sorted({p.loss for p in patterns}, key=LOSSES.index)
    total = len(all_patterns())
    layers = "layer" if depths == [1] else "layers"
    return (f"{len(patterns)} of {total} patterns: {'/'.join(map(str, depths))} {layers} of "
            f"neurons; activations {', '.join(acts)}; losses {', '.join(losses)}")


def case_strategy(patterns, max_width=4, max_batch=5, kink_margin=None, one_hot=False,
                  **kwargs):
    """Cases (a network and a batch) whose architecture follows one of ``patterns``."""
    extra = {} if kink_margin is None else {"kink_margin": kink_margin}

    @st.composite
    def draw_case(draw):
        pattern = draw(st.sampled_from(patterns))
        sizes = [draw(st.integers(1, max_width)) for _ in range(pattern.depth + 1)]
        return draw(cases(architecture=(sizes, list(pattern.activations), pattern.loss),
                          max_batch=max_batch, one_hot=one_hot, **extra, **kwargs))
    return draw_case()
