"""The catalogue's entries of the chapter beyond SGD and squared error: Adam's bias correction,
the L2 penalty's two classic slips, and binary cross-entropy from a rounded sigmoid. They come
not from the five documents but from the coursework the chapter follows (docs/sources.md,
"Beyond the five documents"): CS231n's assignments (their optim.py and their ``reg``) and
deeplearning.ai's networks with one sigmoid output."""
from . import variants_beyond_sgd as variants
from .pitfall import Marked, Pitfall, code

V = "neuronnet.pitfalls.variants_beyond_sgd"

ENTRIES = [
    Pitfall(
        id="adam-without-bias-correction", source="CS231n", kind="bug", component="optimizer",
        further=True,
        title="Adam's moments used without the bias correction: the first steps 3x too large",
        did="Adam kept its two running means, v = beta1 v + (1 - beta1) g and s = beta2 s + "
            "(1 - beta2) g^2, and stepped w = w - lr v / (sqrt(s) + eps), leaving out the "
            "1 - beta1^t and 1 - beta2^t of the paper.",
        why="v and s start at 0, so for the first steps they are averages shrunk towards 0 by "
            "the factors 1 - beta1^t and 1 - beta2^t. The correction divides them out. Without "
            "it the first step is (1 - beta1) / sqrt(1 - beta2) = 3.16 times lr with the "
            "default betas, and the excess fades only over the thousand or so steps "
            "1 / (1 - beta2) takes.",
        symptom="The first steps are about three times the rate asked for: a rate that works "
                "with Adam's corrected steps makes the loss jump at the start, and a large "
                "one diverges in the first epoch.",
        fix="Step with lr_t = lr sqrt(1 - beta2^t) / (1 - beta1^t), t counted from 1 (the "
            "neuron keeps t beside its moments).",
        bug_code=code(f"{V}:AdamWithoutBiasCorrection.move"),
        fix_code=code(Marked("neuronnet.optimizers")),
        variant=variants.AdamWithoutBiasCorrection,
        caught_by=("adam_follows_its_bias_corrected_closed_form",)),
    Pitfall(
        id="l2-on-bias", source="CS231n", kind="bug", component="neuron", further=True,
        title="the L2 penalty's gradient added to the biases, whose loss has no penalty",
        did="The penalty's gradient was added in a loop over every parameter, grads[k] += "
            "reg * params[k], biases included, while the loss penalised the weights only.",
        why="The penalty l2 / (2n) sum ||W||^2 does not contain the biases, so its gradient "
            "with respect to a bias is 0. A bias shifts a unit and does not scale its input: "
            "shrinking it does not make the function smoother, it only pulls every unit "
            "towards a zero offset, and the gradient is no longer the loss's.",
        symptom="A gradient check fails on every bias (and only on the biases), by about "
                "l2 b / n; trained, the biases are pulled towards 0.",
        fix="Add (l2 / n) w to dW only; the bias's gradient is the sum of its deltas.",
        bug_code=code(f"{V}:NeuronPenalizingBias.backward"),
        fix_code=code(Marked("neuronnet.neuron")),
        variant=variants.NeuronPenalizingBias,
        factory=variants.L2_ON_BIAS,
        caught_by=("directional_derivative_equals_the_gradient",)),
    Pitfall(
        id="l2-missing-from-loss", source="CS231n", kind="bug", component="network",
        further=True,
        title="the L2 penalty in the gradients but not in the reported loss",
        did="The backward pass added reg * W to every dW, but the loss returned was the data "
            "loss alone.",
        why="The gradient is then the gradient of a loss nobody reports. The printed loss is "
            "not the one being minimised, so it can rise while training works (the weights "
            "shrink, the data loss grows a little), and a loss-based rule (early stopping, a "
            "schedule, the divergence rule) judges the wrong number.",
        symptom="A gradient check fails on every weight by about l2 W / n; the loss curve does "
                "not match the training.",
        fix="One loss, reported and differentiated: the data loss plus l2 / (2n) sum ||W||^2.",
        bug_code=code(f"{V}:NetworkWithoutPenaltyInLoss._loss_of"),
        fix_code=code(Marked("neuronnet.network")),
        variant=variants.NetworkWithoutPenaltyInLoss,
        factory=variants.L2_MISSING,
        caught_by=("directional_derivative_equals_the_gradient",)),
    Pitfall(
        id="bce-of-rounded-sigmoid", source="deeplearning.ai", kind="bug", component="loss", further=True,
        title="binary cross-entropy as -t log(sigmoid(a)) - (1 - t) log(1 - sigmoid(a))",
        did="The loss of a sigmoid output was the textbook formula on the rounded probability "
            "p = sigmoid(a).",
        why="p rounds to exactly 1 from a = 37 on and to 0 below a = -745; log(1 - p) or "
            "log(p) is then log(0) = -inf, and 0 * -inf is nan. Written from the logit, "
            "max(a, 0) - a t + log(1 + e^-|a|), the same loss is finite for every a and "
            "keeps its digits.",
        symptom="The loss turns inf or nan as soon as one sample is confidently classified "
                "(right or wrong), well before anything has gone wrong with training.",
        fix="Fuse the sigmoid into the loss and compute it from the logit, as the softmax "
            "cross-entropy is.",
        bug_code=code(f"{V}:BinaryCrossEntropyOfRoundedSigmoid.value"),
        fix_code=code(Marked("neuronnet.losses")),
        variant=variants.BinaryCrossEntropyOfRoundedSigmoid,
        caught_by=("binary_cross_entropy_facts",)),
]
