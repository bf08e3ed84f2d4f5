"""Each pitfall's symptom, shown: the buggy and the fixed component side by side on a small
problem (a few seconds each), measured the way the symptom shows itself: loss curves,
gradient-check errors, accuracies, a cache that changed under your feet.

``run(ID)`` returns a :class:`~.demo_kit.DemoResult`; ``neuronnet pitfalls demo ID`` prints its
table and, with ``--plot DIR``, draws it into one PNG.
"""
from . import demos_beyond_sgd, demos_math, demos_training
from .catalogue import get
from .demo_kit import DemoResult

DEMOS = {
    "derivative-of-output": lambda seed: demos_math.gradient_on_iris("derivative-of-output", "sigmoid",
                                                           seed),
    "momentum-overwrites-weights": demos_training.momentum,
    "ce-gradient-on-logits": lambda seed: demos_math.gradient_on_iris("ce-gradient-on-logits", "tanh",
                                                            seed),
    "best-model-aliasing": demos_training.best_model,
    "unreachable-schedule": demos_training.schedule,
    "bias-off-by-one": demos_math.bias_off_by_one,
    "shared-layer-bias": demos_math.shared_bias,
    "backprop-on-test": demos_training.backprop_on_test,
    "softmax-overflow": demos_math.softmax_overflow,
    "log-of-zero": demos_math.log_of_zero,
    "tanh-overflow": demos_math.tanh_overflow,
    "relu-grad-mutates-cache": lambda seed: demos_math.cache_and_upstream("relu-grad-mutates-cache", seed),
    "backward-mutates-upstream":
        lambda seed: demos_math.cache_and_upstream("backward-mutates-upstream", seed),
    "identity-derivative": demos_math.identity_derivative,
    "biased-init": demos_training.biased_init,
    "summed-loss": demos_training.summed_loss,
    "sampled-backprop": demos_training.sampled,
    "clipped-log": demos_math.clipped_log,
    "sigmoid-overflow": demos_math.sigmoid_overflow,
    "test-is-training-copy": demos_training.test_copy,
    "adam-without-bias-correction": demos_beyond_sgd.adam_first_steps,
    "l2-on-bias": lambda seed: demos_beyond_sgd.penalty_gradient_check("l2-on-bias", seed),
    "l2-missing-from-loss":
        lambda seed: demos_beyond_sgd.penalty_gradient_check("l2-missing-from-loss", seed),
    "bce-of-rounded-sigmoid": demos_beyond_sgd.confident_sample,
}


def run(pitfall_id, seed=0):
    """The demo of ``pitfall_id``: a :class:`DemoResult`."""
    get(pitfall_id)  # a helpful error for an unknown id
    return DEMOS[pitfall_id](seed)


__all__ = ["DEMOS", "DemoResult", "run"]
