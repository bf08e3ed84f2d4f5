"""The demos of the chapter beyond SGD: Adam's first steps, the L2 penalty's gradient check,
binary cross-entropy of a confident sample."""
import numpy as np

from ..losses import BinaryCrossEntropy
from ..optimizers import Adam
from . import variants_beyond_sgd as variants
from .catalogue import get
from .demo_kit import DemoResult, Plot, gradcheck_error, iris, make_net


def adam_first_steps(seed):
    """Adam under a constant gradient (the same every step, so the rule alone shows): each
    step's length over lr, for the first 300 steps. Corrected, it is 1 from the first step on;
    uncorrected it is (1 - beta1^t) / sqrt(1 - beta2^t): 3.16 at the first step, still above 3
    at the 300th (1 - beta2^t reaches 0.63 only at t = 1000)."""
    p = get("adam-without-bias-correction")
    g = np.random.default_rng(seed).normal(size=4)
    steps = np.arange(1, 301)
    series = {}
    for label, adam in (("buggy", p.variant(0.001)), ("fixed", Adam(0.001))):
        w, v, s, ratios = np.zeros(4), 0.0, 0.0, []
        for t in steps:
            new, v, s = adam.move(w, g, v, s, t)
            ratios.append(float(np.max(np.abs(new - w))) / adam.lr)
            w = new
        series[label] = (steps, ratios)
    first = {label: ratios[0] for label, (_, ratios) in series.items()}
    lines = [f"first step over lr: buggy {first['buggy']:.3f}, fixed {first['fixed']:.3f}",
             f"step 100 over lr: buggy {series['buggy'][1][99]:.3f}, fixed "
             f"{series['fixed'][1][99]:.3f}"]
    return DemoResult(p.id, "Adam (lr 0.001, betas 0.9 and 0.999) under a constant gradient",
                      "first step length over lr", first["buggy"], first["fixed"], True,
                      lines, Plot("curves", "step length over lr", "step t", series))


def penalty_gradient_check(pid, seed):
    """A gradient check of the buggy and the fixed network, both with l2 = 0.5, on 10 iris
    samples: the variant's gradient is not the slope of its loss."""
    p = get(pid)
    rng = np.random.default_rng(seed)
    train_data, _, _ = iris(rng)
    X, Y = train_data.batch(slice(0, 10))
    sizes, acts = [4, 8, 3], ["tanh", "identity"]
    errors = []
    for factory in (p.factory, variants.REAL_L2):
        net = make_net(factory, sizes, acts, "cross_entropy", seed)
        # Biases away from 0, as after some training: the bias variant shows only there.
        net.set_parameters([q if k % 2 == 0 else q + 0.5 for k, q in
                            enumerate(net.parameters())])
        errors.append(gradcheck_error(net, X, Y))
    lines = [f"gradient check on 10 iris samples with l2 = {variants.L2}: buggy "
             f"{errors[0]:.2e}, fixed {errors[1]:.2e} (bound 1e-6)"]
    return DemoResult(p.id, f"iris, 4-8-3 tanh, softmax cross-entropy, l2 = {variants.L2}",
                      "gradient-check relative error (bound 1e-6)", errors[0], errors[1], True,
                      lines, Plot("bars", "gradient-check relative error",
                                  series={"buggy": errors[0], "fixed": errors[1]},
                                  line=(1e-6, "pass bound 1e-6"), log=True))


def confident_sample(seed):
    """One sample of class 0 whose logit is m: its true loss grows like m; the rounded
    sigmoid's is inf from m = 37 on."""
    p = get("bce-of-rounded-sigmoid")
    margins = np.linspace(0.0, 60.0, 121)
    T = np.zeros((1, 1))
    with np.errstate(divide="ignore", invalid="ignore"):
        losses = {label: [loss.value(np.array([[m]]), T) for m in margins]
                  for label, loss in (("buggy", p.variant()), ("fixed", BinaryCrossEntropy()))}
    bad = {label: int(np.sum(~np.isfinite(v))) for label, v in losses.items()}
    first = next((m for m, v in zip(margins, losses["buggy"]) if not np.isfinite(v)), None)
    lines = [f"logits m from 0 to 60 for a sample of class 0: the buggy loss is not finite "
             f"for {bad['buggy']} of {len(margins)} (from m = {first}), the fixed for "
             f"{bad['fixed']}; at m = 60 the true loss is {losses['fixed'][-1]:.4f}"]
    return DemoResult(p.id, "one sample of class 0, logit m from 0 to 60",
                      "logits whose loss is not finite", bad["buggy"], bad["fixed"], True,
                      lines, Plot("curves", "loss", "logit m", {label: (margins, v) for
                                                                 label, v in losses.items()}))
