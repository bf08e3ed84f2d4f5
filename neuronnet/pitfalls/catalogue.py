"""The catalogue: the mistakes every learner makes, what each looks like, and how a property
finds it. One :class:`~.pitfall.Pitfall` per mistake found in the five source documents
(docs/sources.md); the first seventeen came from the project's first survey of the sources, the
next three (``further = True``) were found while building the catalogue, and the last four
(also ``further``) are the classic slips of the chapter beyond SGD: Adam, L2, binary
cross-entropy."""
from . import entries_beyond_sgd, entries_math, entries_training
from .pitfall import PROPERTIES, Pitfall

_ORDER = ("derivative-of-output", "momentum-overwrites-weights", "ce-gradient-on-logits",
          "best-model-aliasing", "unreachable-schedule", "bias-off-by-one", "shared-layer-bias",
          "backprop-on-test", "softmax-overflow", "log-of-zero", "tanh-overflow",
          "relu-grad-mutates-cache", "backward-mutates-upstream", "identity-derivative",
          "biased-init", "summed-loss", "sampled-backprop", "clipped-log", "sigmoid-overflow",
          "test-is-training-copy", "adam-without-bias-correction", "l2-on-bias",
          "l2-missing-from-loss", "bce-of-rounded-sigmoid")
BY_ID = {p.id: p for p in entries_math.ENTRIES + entries_training.ENTRIES
         + entries_beyond_sgd.ENTRIES}
CATALOGUE = [BY_ID[pitfall_id] for pitfall_id in _ORDER]


def get(pitfall_id):
    """The entry ``pitfall_id``; ValueError listing the ids otherwise."""
    if pitfall_id not in BY_ID:
        raise ValueError(f"pitfall: got {pitfall_id!r}; expected one of: {', '.join(BY_ID)}")
    return BY_ID[pitfall_id]


__all__ = ["BY_ID", "CATALOGUE", "PROPERTIES", "Pitfall", "get"]
