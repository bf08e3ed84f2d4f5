"""The catalogue: the mistakes every learner makes, what each looks like, and how a test finds it.

One :class:`Pitfall` per mistake found in the five seed documents. Each names the seed it comes
from, says what the code did, why that is wrong, the symptom a learner sees and the fix, points
at the buggy variant (variants.py) and at the real code that fixes it, and names the *generic*
properties of the test suite that fail when the variant is swapped in: the same properties that
guard the real code, never a test written for that one bug (tests/test_pitfalls.py runs them).

Two entries are quirks, not bugs (``kind == "quirk"``): they get a property that pins down what
they do instead of one that fails.

The first seventeen entries are the table of DESIGN.md; the last three were found in the seeds
while building this catalogue (``further = True``).
"""
from dataclasses import dataclass, field

from . import variants
from .variants import NetworkFactory

# The generic properties the entries name, with what each says. Keys are pytest node ids.
PROPERTIES = {
    "tests/test_properties.py::test_deltas_and_gradients_equal_the_reference":
        "DESIGN item 2: every delta, dW and db equals the reference's",
    "tests/test_properties.py::test_every_neuron_holds_the_reference_values":
        "DESIGN items 1-2 per neuron: after backward each neuron still holds its z and output, "
        "and its delta and gradients equal the reference's",
    "tests/test_properties.py::test_directional_derivative_equals_the_gradient":
        "DESIGN item 3: the gradient agrees with a central difference of the loss along a "
        "random direction",
    "tests/test_properties.py::test_duplicating_the_batch_changes_nothing":
        "DESIGN item 4: stacking a batch on itself changes neither the loss nor the gradient",
    "tests/test_properties.py::test_layer_backward_is_linear_in_the_upstream_gradient":
        "DESIGN item 7: a layer's backward is linear in the upstream gradient and writes "
        "neither into it nor into its cache",
    "tests/test_properties.py::test_losses_are_finite_and_non_negative":
        "DESIGN item 8: for finite inputs, weights up to 900, the loss and gradient are finite "
        "(no overflow, no log(0)) and the loss is >= 0",
    "tests/test_properties.py::test_identity_nets_are_linear_maps":
        "DESIGN item 12: an all-identity net is the collapsed linear map, with its closed-form "
        "gradient",
    "tests/test_properties.py::test_sampled_mode_is_online_training_on_every_kth_sample":
        "DESIGN item 13: one sampled epoch with k trains exactly (bitwise) like online training "
        "on the epoch's order[::k]",
    "tests/test_training.py::test_best_model_is_a_snapshot_with_the_lowest_validation_loss":
        "DESIGN item 14: the best model is a copy whose validation loss is the history's "
        "minimum, and training the live model further leaves it unchanged",
    "tests/test_training.py::test_loss_threshold_schedule_reaches_every_branch":
        "DESIGN item 15: every threshold has a loss that selects its rate; rates never rise as "
        "the loss falls",
    "tests/test_properties_more.py::test_activation_derivative_is_the_slope_of_forward":
        "DESIGN item 3 per activation: derivative_from_z is the central difference of forward, "
        "and neither writes into its argument (a read-only z works)",
    "tests/test_properties_more.py::test_cross_entropy_facts":
        "DESIGN item 8: the value is -sum(T log_softmax)/n, the gradient (p - T)/n, finite at "
        "logits +-1000, and the gradient is the derivative of the value",
    "tests/test_properties_more.py::test_momentum_follows_the_heavy_ball_closed_form":
        "DESIGN item 10: under a constant gradient heavy ball follows its closed form; mu = 0 "
        "is SGD; lr = 0 or a zero gradient changes nothing",
    "tests/test_properties_more.py::test_evaluation_changes_no_parameter":
        "DESIGN item 14: evaluating changes no parameter and gives the same answer twice",
    "tests/test_properties_more.py::test_initializer_is_symmetric_about_zero":
        "new: an initializer's weights are centred on 0: the mean of a large draw is within "
        "5 standard errors of 0 and the signs are balanced",
    "tests/test_properties_more.py::test_split_is_a_partition":
        "new: the parts of a split are disjoint and cover every row (a test row is never a "
        "training row)",
    "tests/test_pitfalls.py::test_shared_layer_bias_is_one_tied_bias":
        "pins the quirk: a shared-bias layer is per-neuron biases tied to one value; its "
        "gradient is the sum of theirs and the central difference along the tie",
}


@dataclass(frozen=True)
class Code:
    """Where a snippet of code lives: ``"module:Qualified.name"``, and optionally the first
    line to show (a substring of it) and how many lines from there."""
    target: str
    start: str = None
    lines: int = None


@dataclass(frozen=True)
class Pitfall:
    id: str
    seeds: str            # the seed documents it comes from: "000", "004, 003"
    kind: str             # "bug" or "quirk"
    component: str        # what the variant swaps in for
    title: str            # the bug in one line
    did: str              # what the seed's code did
    why: str              # why that is wrong (for a quirk: what it really means)
    symptom: str          # what a learner sees
    fix: str              # the fix, in words
    bug_code: tuple       # Code: the variant's lines
    fix_code: tuple       # Code: the real code's lines
    variant: object       # the buggy component (a class or a function)
    caught_by: tuple = ()     # PROPERTIES keys that fail with the variant (bugs)
    pinned_by: tuple = ()     # PROPERTIES keys that pin the semantics (quirks)
    factory: object = None    # a NetworkFactory with the variant swapped in, when it is a part
    also: tuple = ()          # further variants of the same mistake (caught the same way)
    further: bool = False     # found in the seeds beyond DESIGN.md's table
    notes: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def properties(self):
        return self.caught_by or self.pinned_by


def _code(*targets):
    return tuple(t if isinstance(t, Code) else Code(t) for t in targets)


V = "neuronnet.pitfalls.variants"

CATALOGUE = [
    Pitfall(
        id="derivative-of-output", seeds="000", kind="bug", component="activation",
        title="the activation's derivative is fed the stored output a = f(z) instead of z",
        did="The sigmoid's derivative was written as a function of z, s(z)(1 - s(z)), but the "
            "backward pass called it with what the neuron had kept, its output a = s(z): it "
            "computed s(a)(1 - s(a)).",
        why="The chain rule needs f'(z) at the neuron's own pre-activation. Fed a instead, the "
            "factor is wrong at every z: 0.235 instead of 0.25 at z = 0, and never below 0.197 "
            "however saturated the neuron is, so saturated neurons keep getting gradient they "
            "should not and every delta is off.",
        symptom="Training that half works, which is harder to notice than training that "
                "fails: the loss falls, more slowly and to a worse place than it should; a "
                "gradient check is off by percents to tens of percent.",
        fix="Name the argument by what it is, derivative_from_z(z), and call it with the cached "
            "z. (If only the output is kept, write the derivative as a function of the output, "
            "a(1 - a), and name it so.)",
        bug_code=_code(f"{V}:SigmoidDerivativeOfOutput.derivative_from_z"),
        fix_code=_code(Code("neuronnet.neuron:Neuron.backward", "self.delta =", 1),
                       "neuronnet.activations:Sigmoid.derivative_from_z"),
        variant=variants.SigmoidDerivativeOfOutput,
        factory=NetworkFactory("derivative-of-output",
                               activation=variants.SigmoidDerivativeOfOutput()),
        caught_by=("tests/test_properties.py::test_deltas_and_gradients_equal_the_reference",
                   "tests/test_properties_more.py::"
                   "test_activation_derivative_is_the_slope_of_forward")),
    Pitfall(
        id="momentum-overwrites-weights", seeds="004", kind="bug", component="optimizer",
        title="w = w - lr*g; w = -lr*g + mu*w: no velocity; the weights shrink by mu every step",
        did="The momentum update was two lines on the weights: a gradient step, then "
            "w = -lr*g + mu*w, the velocity rule with the weights in place of the velocity.",
        why="Heavy-ball momentum keeps a separate velocity, a decaying sum of past steps: "
            "v = mu*v - lr*g; w = w + v. Without it the two lines make w = mu*w - lr(1 + mu)g: "
            "every step multiplies every weight by mu = 0.9, a 10% decay per step that drags "
            "the weights towards a small multiple of the current gradient and forgets what was "
            "learned.",
        symptom="The loss falls a little and stalls high; accuracy stays far below what plain "
                "SGD reaches on the same problem (the seed: 21% on MNIST after 50 epochs, its "
                "single hidden neuron making it worse still).",
        fix="A velocity per parameter, zero at the start, owned by the neuron: "
            "v = mu*v - lr*g; w = w + v.",
        bug_code=_code(f"{V}:MomentumWithoutVelocity.step"),
        fix_code=_code("neuronnet.optimizers:Momentum.step"),
        variant=variants.MomentumWithoutVelocity,
        caught_by=("tests/test_properties_more.py::"
                   "test_momentum_follows_the_heavy_ball_closed_form",)),
    Pitfall(
        id="ce-gradient-on-logits", seeds="004", kind="bug", component="loss",
        title="softmax in the loss, but the gradient returned as logits - t, not softmax - t",
        did="The cross-entropy computed softmax(y) for its value, but with derivative=True "
            "returned y - t, y being the output layer's logits.",
        why="The gradient of softmax cross-entropy with respect to the logits is softmax(a) - t "
            "(the softmax's Jacobian and the log's 1/p cancel). a - t is the gradient of a "
            "different loss, half the squared distance between the logits and the one-hot "
            "targets: the network is trained for one loss and judged by another.",
        symptom="The reported cross-entropy falls slowly or stalls while the logits are being "
                "pulled towards 0 and 1; a gradient check of the loss is off by order 1.",
        fix="Return (softmax(a) - t) / n with the softmax of the same logits.",
        bug_code=_code(f"{V}:CrossEntropyGradientOnLogits.gradient"),
        fix_code=_code("neuronnet.losses:CrossEntropy.gradient"),
        variant=variants.CrossEntropyGradientOnLogits,
        factory=NetworkFactory("ce-gradient-on-logits",
                               loss=variants.CrossEntropyGradientOnLogits()),
        caught_by=("tests/test_properties.py::test_directional_derivative_equals_the_gradient",
                   "tests/test_properties_more.py::test_cross_entropy_facts")),
    Pitfall(
        id="best-model-aliasing", seeds="004", kind="bug", component="trainer",
        title="best_net = self: the \"best\" model is the live object, so it ends as the last one",
        did="At each new lowest validation loss the loop wrote best_net = self (and the epoch), "
            "and returned best_net when training ended.",
        why="An assignment makes a second name for the same object, not a copy. The network "
            "went on training after its best epoch, so the \"best\" model returned is the model "
            "of the last epoch; only the epoch number printed is right.",
        symptom="The returned model's validation loss is the last epoch's, not the minimum the "
                "log announced; model selection and early stopping silently do nothing.",
        fix="Copy the parameters when the validation loss reaches a new minimum, and return a "
            "separate model holding that copy.",
        bug_code=_code(f"{V}:train_with_aliased_best"),
        fix_code=_code(Code("neuronnet.training.loop", "if row[\"best\"]:", 2),
                       Code("neuronnet.training.loop", "best_model = copy.deepcopy", 2)),
        variant=variants.train_with_aliased_best,
        caught_by=("tests/test_training.py::"
                   "test_best_model_is_a_snapshot_with_the_lowest_validation_loss",)),
    Pitfall(
        id="unreachable-schedule", seeds="000", kind="bug", component="schedule",
        title="if loss < 0.05: ... elif loss < 0.03: ...: every branch after the first is dead",
        did="The learning rate was chosen by if loss < 0.05 ... elif loss < 0.03 ... elif loss < "
            "0.015 ...: thresholds tested from the largest down.",
        why="Any loss below 0.03 is also below 0.05, so the first test wins and no elif after "
            "it can ever run: the rate drops once and never again.",
        symptom="The rate in the log stops at the first reduced value however low the loss "
                "goes; the fine-tuning the smaller rates were for never happens.",
        fix="Test the smallest threshold first (each owns the interval from itself down to the "
            "next), and refuse, when the schedule is built, rates that rise as the loss falls.",
        bug_code=_code(f"{V}:LossThresholdLargestFirst.rate"),
        fix_code=_code("neuronnet.training.schedules:LossThreshold.rate"),
        variant=variants.LossThresholdLargestFirst,
        caught_by=("tests/test_training.py::test_loss_threshold_schedule_reaches_every_branch",)),
    Pitfall(
        id="bias-off-by-one", seeds="000", kind="bug", component="network",
        title="the hidden layer's bias update goes to the layer below; the hidden bias never "
              "trains",
        did="The biases were a list with a slot per layer, the input layer included; the "
            "backward loop updated biases[layer_idx] with the gradient of layer layer_idx + 1. "
            "The first hidden layer's bias update went to the input layer's slot, which the "
            "forward pass never reads.",
        why="A parameter must be moved by its own gradient. In the seed's one-hidden-layer "
            "network the hidden biases never move at all; in a deeper one each hidden layer's "
            "bias moves by the gradient of the layer above.",
        symptom="Hidden units that cannot shift: every tanh(w x + b) stays centred where b "
                "started (0 here), so a fit that needs shifted units, such as an even function "
                "like cos on [-pi, pi], stalls at a high loss; a gradient check fails on every "
                "hidden bias.",
        fix="Each neuron owns its bias and its gradient (the sum of its deltas) and updates "
            "them itself: there is no index to get wrong.",
        bug_code=_code(f"{V}:BiasOffByOneNetwork._backward"),
        fix_code=_code(Code("neuronnet.neuron:Neuron.backward", "self.grad_bias", 1),
                       "neuronnet.neuron:Neuron.update"),
        variant=variants.BiasOffByOneNetwork,
        factory=NetworkFactory("bias-off-by-one", network_class=variants.BiasOffByOneNetwork),
        caught_by=("tests/test_properties.py::test_directional_derivative_equals_the_gradient",)),
    Pitfall(
        id="shared-layer-bias", seeds="000", kind="quirk", component="layer",
        title="one scalar bias per layer, shared by every neuron of it",
        did="One bias number per layer (biases[layer_idx]) was added to every neuron's weighted "
            "sum.",
        why="Not a wrong gradient but a smaller model: a layer of n neurons gets one offset "
            "instead of n, so its units cannot be shifted independently. Trained correctly, the "
            "shared bias's gradient is the sum of what each neuron's own bias gradient would "
            "be (the chain rule through the tie); the pinning property checks exactly that, "
            "against a central difference along the tie.",
        symptom="Less expressive layers: fits that need units shifted by different amounts are "
                "slower or worse.",
        fix="One bias per neuron (Neuron.bias), unless the tie is wanted; then step it with "
            "the summed gradient.",
        bug_code=_code(Code(f"{V}:SharedBiasLayer.backward"), Code(f"{V}:SharedBiasLayer.update")),
        fix_code=_code("neuronnet.neuron:Neuron.update"),
        variant=variants.SharedBiasLayer,
        pinned_by=("tests/test_pitfalls.py::test_shared_layer_bias_is_one_tied_bias",)),
    Pitfall(
        id="backprop-on-test", seeds="000", kind="bug", component="evaluation",
        title="the test loop calls backprop: the model trains on the test set",
        did="The test loop was a copy of the training loop and kept its call to the backward "
            "pass: every batch_size-th test sample was learned from.",
        why="A test score estimates performance on unseen data only if the model has not "
            "learned from that data. Here the model learns from the test set while it is being "
            "scored on it, and the model that leaves the test is not the one that entered.",
        symptom="A test accuracy that changes every time it is measured and creeps upwards; "
                "evaluating twice gives two answers.",
        fix="Evaluation is forward passes only: output_and_loss, which changes no parameter.",
        bug_code=_code(f"{V}:evaluate_with_backprop"),
        fix_code=_code(Code("neuronnet.training.loop:evaluate", "output, loss = model.output_and_loss",
                            1)),
        variant=variants.evaluate_with_backprop,
        caught_by=("tests/test_properties_more.py::test_evaluation_changes_no_parameter",)),
    Pitfall(
        id="softmax-overflow", seeds="000", kind="bug", component="loss",
        title="exp(z) without subtracting the max: inf/inf = nan on large logits",
        did="softmax(z) = exp(z_i) / sum(exp(z)), straight from the definition.",
        why="exp overflows to inf above about 709.78, and inf/inf is nan. Softmax does not "
            "change when the same number is subtracted from every logit, so subtracting the "
            "row's maximum gives the same probabilities with every exponent <= 0.",
        symptom="The loss turns nan, at once on unscaled inputs such as raw 0-255 pixels (the "
                "seed's) or later when the logits grow, and never recovers; \"RuntimeWarning: "
                "overflow encountered in exp\".",
        fix="Subtract each row's maximum before exp.",
        bug_code=_code(f"{V}:CrossEntropyNaiveSoftmax.softmax"),
        fix_code=_code(Code("neuronnet.losses:CrossEntropy.log_softmax", "shifted =", 1)),
        variant=variants.CrossEntropyNaiveSoftmax,
        factory=NetworkFactory("softmax-overflow", loss=variants.CrossEntropyNaiveSoftmax()),
        caught_by=("tests/test_properties.py::test_losses_are_finite_and_non_negative",
                   "tests/test_properties_more.py::test_cross_entropy_facts")),
    Pitfall(
        id="log-of-zero", seeds="000", kind="bug", component="loss",
        title="cross-entropy takes log(p) of an underflowed probability: -inf",
        did="The loss was -dot(target, log(prediction)) on the softmax's probabilities.",
        why="A probability below about 1e-308 is rounded to exactly 0.0, and log(0) = -inf: the "
            "loss is inf, or nan where 0 * -inf is formed. log p can be computed directly as "
            "z - max - log(sum(exp(z - max))) (log-sum-exp), finite for every finite logit.",
        symptom="An infinite or nan loss as soon as the network is confidently wrong about one "
                "sample; \"RuntimeWarning: divide by zero encountered in log\".",
        fix="Compute log-softmax by log-sum-exp; never take the log of a rounded probability.",
        bug_code=_code(f"{V}:CrossEntropyLogOfSoftmax.value"),
        fix_code=_code("neuronnet.losses:CrossEntropy.value",
                       Code("neuronnet.losses:CrossEntropy.log_softmax", "return shifted", 1)),
        variant=variants.CrossEntropyLogOfSoftmax,
        factory=NetworkFactory("log-of-zero", loss=variants.CrossEntropyLogOfSoftmax()),
        caught_by=("tests/test_properties.py::test_losses_are_finite_and_non_negative",
                   "tests/test_properties_more.py::test_cross_entropy_facts")),
    Pitfall(
        id="tanh-overflow", seeds="000", kind="bug", component="activation",
        title="tanh written as a ratio of exps overflows to nan for large inputs",
        did="tanh(x) = (exp(x) - exp(-x)) / (exp(x) + exp(-x)).",
        why="For |x| above about 710 one exponential is inf and the ratio is inf/inf = nan, "
            "where tanh is simply +-1.",
        symptom="nan outputs and a nan loss as soon as one pre-activation is large (unscaled "
                "inputs, a large learning rate).",
        fix="numpy's tanh, which saturates to +-1.",
        bug_code=_code(f"{V}:TanhAsExpRatio.forward"),
        fix_code=_code("neuronnet.activations:Tanh.forward"),
        variant=variants.TanhAsExpRatio,
        factory=NetworkFactory("tanh-overflow", activation=variants.TanhAsExpRatio()),
        caught_by=("tests/test_properties.py::test_losses_are_finite_and_non_negative",)),
    Pitfall(
        id="relu-grad-mutates-cache", seeds="003", kind="bug", component="activation",
        title="the ReLU gradient overwrites the stored pre-activations in place",
        did="gra_relu(z): z[z <= 0] = 0; z[z > 0] = 1; return z, called with the layer's stored "
            "pre-activations.",
        why="NumPy hands over the array itself, not a copy: the derivative writes its 0/1 mask "
            "over the caller's z. Computing the derivative destroys the cache; whoever reads z "
            "afterwards (a second backward pass from the same forward, a print, a plot, a "
            "gradient check reusing it) gets the mask.",
        symptom="Stored pre-activations that are all 0s and 1s after backward; results that "
                "depend on whether backward ran before you looked.",
        fix="Return a new array (np.heaviside(z, 0.0)); never assign into an argument.",
        bug_code=_code(f"{V}:ReLUDerivativeInPlace.derivative_from_z"),
        fix_code=_code("neuronnet.activations:ReLU.derivative_from_z"),
        variant=variants.ReLUDerivativeInPlace,
        factory=NetworkFactory("relu-grad-mutates-cache",
                               activation=variants.ReLUDerivativeInPlace()),
        caught_by=("tests/test_properties.py::test_every_neuron_holds_the_reference_values",
                   "tests/test_properties_more.py::"
                   "test_activation_derivative_is_the_slope_of_forward")),
    Pitfall(
        id="backward-mutates-upstream", seeds="001", kind="bug", component="neuron",
        title="ReLU backward writes zeros into the gradient array it was given",
        did="Relu.backward(dout): dout[self.mask] = 0; return dout.",
        why="The upstream gradient belongs to the caller, who may still need it: to log it, to "
            "add a second branch's gradient to it, to backpropagate again. Writing into it "
            "changes the caller's data, and the returned array is the caller's own, so two "
            "arrays that look independent are one.",
        symptom="A gradient the caller kept is silently zeroed wherever the ReLU was off; bugs "
                "that come and go as code is reordered.",
        fix="Build a new array: delta = grad_output * f'(z).",
        bug_code=_code(f"{V}:NeuronZeroingUpstream.backward"),
        fix_code=_code(Code("neuronnet.neuron:Neuron.backward", "self.delta =", 1)),
        variant=variants.NeuronZeroingUpstream,
        factory=NetworkFactory("backward-mutates-upstream",
                               neuron_class=variants.NeuronZeroingUpstream),
        caught_by=("tests/test_properties.py::"
                   "test_layer_backward_is_linear_in_the_upstream_gradient",)),
    Pitfall(
        id="identity-derivative", seeds="002", kind="bug", component="activation",
        title="identity's derivative written as where(x < 2, 1, 0)",
        did="d_bypass(x) = np.where(x < 2, 1, 0) for the identity activation.",
        why="The derivative of f(x) = x is 1 everywhere. The step stops all gradient through a "
            "unit whose z >= 2, so it cannot be pushed further even when the target asks for "
            "it. (In the seed the function sat on the input layer and was never called; it is "
            "wrong wherever it is used.)",
        symptom="A linear output that cannot be trained beyond 2: the predictions flatten near "
                "2 and the loss stalls.",
        fix="np.ones_like(z).",
        bug_code=_code(f"{V}:IdentityStepDerivative.derivative_from_z"),
        fix_code=_code("neuronnet.activations:Identity.derivative_from_z"),
        variant=variants.IdentityStepDerivative,
        factory=NetworkFactory("identity-derivative",
                               activation=variants.IdentityStepDerivative()),
        caught_by=("tests/test_properties.py::test_identity_nets_are_linear_maps",)),
    Pitfall(
        id="biased-init", seeds="004, 003", kind="bug", component="initializer",
        title="all-negative (normal(-0.1, 0.02)) or all-positive (rand) weights saturate and "
              "stall learning",
        did="Seed 004 drew weights and biases from normal(-0.1, 0.02); seed 003 drew every "
            "weight from np.random.rand, uniform on [0, 1).",
        why="Initial weights should be centred on 0, with a spread set by the fan-in (Glorot, "
            "He). All-negative or all-positive weights give every hidden unit a large "
            "pre-activation of the same sign (784 MNIST pixels of mean 0.13 times -0.1 is about "
            "-10), so sigmoids start saturated with derivatives near 0, and all hidden units "
            "start out computing nearly the same thing.",
        symptom="Learning barely starts: the loss sits near log 10 for epochs and the accuracy "
                "near chance.",
        fix="Draw from a zero-mean distribution scaled by the fan-in: Glorot uniform for "
            "sigmoid and tanh, He normal for ReLU; biases 0.",
        bug_code=_code(f"{V}:normal_shifted_negative", f"{V}:uniform_zero_to_one"),
        fix_code=_code("neuronnet.initializers:glorot_uniform"),
        variant=variants.normal_shifted_negative,
        also=(variants.uniform_zero_to_one,),
        caught_by=("tests/test_properties_more.py::test_initializer_is_symmetric_about_zero",),
        notes="The project's own `coursework` initializer, uniform(0, 1/fan_in), is seed 000's "
              "scheme and the same hazard in a milder form: all positive, but small. It is kept "
              "only so that seed 000 can be reproduced; no recipe uses it. The symmetry "
              "property is stated for the other initializers, and tests/test_pitfalls.py pins "
              "that `coursework` fails it, so the exception is written down, not hidden."),
    Pitfall(
        id="summed-loss", seeds="004, 003", kind="bug", component="loss",
        title="loss and gradient summed, not averaged: the learning rate silently depends on "
              "the batch size",
        did="Seed 004's cross-entropy returned -np.sum(...) over the whole batch, seed 003's "
            "squared error .sum(); their gradients were sums to match.",
        why="With a sum the gradient of a batch of n is n times the mean gradient, so the step "
            "is lr * n: the learning rate means something different for every batch size, and "
            "a full batch of 60,000 images needs a rate 60,000 times smaller (seed 004 used "
            "1e-5 and printed losses of 798,000).",
        symptom="Losses in the hundreds of thousands; a rate that works at batch 1 diverges at "
                "batch 64; every change of batch size needs a new rate.",
        fix="The mean over the batch: value and gradient divided by n.",
        bug_code=_code(f"{V}:CrossEntropySummed"),
        fix_code=_code("neuronnet.losses:CrossEntropy.value",
                       "neuronnet.losses:CrossEntropy.gradient"),
        variant=variants.CrossEntropySummed,
        factory=NetworkFactory("summed-loss", loss=variants.CrossEntropySummed()),
        caught_by=("tests/test_properties.py::test_duplicating_the_batch_changes_nothing",)),
    Pitfall(
        id="sampled-backprop", seeds="000", kind="quirk", component="batch mode",
        title="\"mini-batch\" that backpropagates one sample in k, so 1/k of the data trains",
        did="Every sample went forward, but the backward pass ran only when i % batch_size == 0, "
            "on that one sample.",
        why="Not mini-batch gradient descent, which averages the gradients of all k samples, "
            "but online learning on 1/k of the data: with k = 20 an epoch learns from 10 of "
            "200 samples; the rest only add to the printed loss. (The seed saw that larger "
            "\"batches\" gave smoother, slower fits: fewer samples were being learned from.)",
        symptom="Training needs about k times more epochs than online learning.",
        fix="batch_mode=\"minibatch\" for real mini-batches; batch_mode=\"sampled\" reproduces the "
            "coursework, and a property pins exactly what it does.",
        bug_code=_code(Code("neuronnet.batching:plan", "else:  # sampled", 3)),
        fix_code=_code(Code("neuronnet.batching:plan", "elif mode == \"minibatch\":", 3)),
        variant="sampled",
        pinned_by=("tests/test_properties.py::"
                   "test_sampled_mode_is_online_training_on_every_kth_sample",)),
    Pitfall(
        id="clipped-log", seeds="001, 004", kind="bug", component="loss", further=True,
        title="a small number added inside the log: the loss is capped and its gradient is no "
              "longer (p - t)/n",
        did="Seed 001: -sum(log(y[t] + 1e-7)) / n; seed 004: clip(softmax, 1e-308, 1 - 1e-308) "
            "before the log. The backward pass still returned (y - t)/n.",
        why="The log is no longer the log of p. The value is capped (at -log(1e-7) = 16.1 for "
            "seed 001: a confidently wrong prediction costs no more than a moderately wrong "
            "one), and the reported loss's derivative is p/(p + 1e-7) times the true one, so "
            "the (p - t)/n the backward pass returns is not the gradient of the loss reported.",
        symptom="Losses that top out near 16.1 however wrong the worst prediction is; a "
                "gradient check that fails on confidently wrong samples.",
        fix="log-sum-exp gives log p finite for every finite logit: no epsilon is needed.",
        bug_code=_code(f"{V}:CrossEntropyLogPlusEpsilon.value"),
        fix_code=_code("neuronnet.losses:CrossEntropy.value"),
        variant=variants.CrossEntropyLogPlusEpsilon,
        factory=NetworkFactory("clipped-log", loss=variants.CrossEntropyLogPlusEpsilon()),
        caught_by=("tests/test_properties_more.py::test_cross_entropy_facts",)),
    Pitfall(
        id="sigmoid-overflow", seeds="001, 003", kind="bug", component="activation",
        further=True,
        title="1 / (1 + exp(-z)) overflows exp for z < -709",
        did="sigmoid(x) = 1 / (1 + np.exp(-x)).",
        why="exp(-x) overflows for x below about -709.78. The result, 1/inf = 0, happens to be "
            "right, but NumPy warns for every such element, and with floating-point errors set "
            "to raise (np.seterr(all=\"raise\"), a common debugging setting) training crashes. "
            "Written as (1 + tanh(z/2))/2 nothing overflows.",
        symptom="\"RuntimeWarning: overflow encountered in exp\" on unscaled inputs; a "
                "FloatingPointError when floating-point errors raise.",
        fix="sigmoid(z) = (1 + tanh(z/2)) / 2, exact in real arithmetic and saturating "
            "instead of overflowing.",
        bug_code=_code(f"{V}:SigmoidNaiveExp.forward"),
        fix_code=_code("neuronnet.activations:Sigmoid.forward"),
        variant=variants.SigmoidNaiveExp,
        factory=NetworkFactory("sigmoid-overflow", activation=variants.SigmoidNaiveExp()),
        caught_by=("tests/test_properties.py::test_losses_are_finite_and_non_negative",)),
    Pitfall(
        id="test-is-training-copy", seeds="000", kind="bug", component="split", further=True,
        title="the test images are a copy of the training images",
        did="Part 2 read its training set from train_data/train and its test set from "
            "train_copy/train: by the folder's name, a copy of the training images.",
        why="A test set must be data the model never trained on; scored on its own training "
            "images, a network reports its training accuracy, which says nothing about new "
            "images and hides overfitting.",
        symptom="A test accuracy equal to the training accuracy and well above what the model "
                "does on images it has not seen.",
        fix="One split into disjoint parts, the test rows kept out of training.",
        bug_code=_code(f"{V}:split_test_from_train"),
        fix_code=_code(Code("neuronnet.training.splits:split_indices", "for label in np.unique", 4)),
        variant=variants.split_test_from_train,
        caught_by=("tests/test_properties_more.py::test_split_is_a_partition",)),
]

BY_ID = {p.id: p for p in CATALOGUE}


def get(pitfall_id):
    """The entry ``pitfall_id``; ValueError listing the ids otherwise."""
    if pitfall_id not in BY_ID:
        raise ValueError(f"pitfall: got {pitfall_id!r}; expected one of: {', '.join(BY_ID)}")
    return BY_ID[pitfall_id]
