"""The catalogue's entries about the math: activations, losses, optimizers, initializers, and
the neuron, layer and network that put them together."""
from . import variants
from .pitfall import Code, Marked, Pitfall, code
from .variants import NetworkFactory

V = "neuronnet.pitfalls.variants"

ENTRIES = [
    Pitfall(
        id="derivative-of-output", source="000", kind="bug", component="activation",
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
        bug_code=code(f"{V}:SigmoidDerivativeOfOutput.derivative_from_z"),
        fix_code=code(Marked("neuronnet.neuron"),
                       "neuronnet.activations:Sigmoid.derivative_from_z"),
        variant=variants.SigmoidDerivativeOfOutput,
        factory=NetworkFactory("derivative-of-output",
                               activation=variants.SigmoidDerivativeOfOutput()),
        caught_by=("gradient_equals_the_reference",
                   "activation_derivative_is_the_slope_of_forward")),
    Pitfall(
        id="momentum-overwrites-weights", source="004", kind="bug", component="optimizer",
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
        bug_code=code(f"{V}:MomentumWithoutVelocity.step"),
        fix_code=code("neuronnet.optimizers:Momentum.step"),
        variant=variants.MomentumWithoutVelocity,
        caught_by=("momentum_follows_the_heavy_ball_closed_form",)),
    Pitfall(
        id="ce-gradient-on-logits", source="004", kind="bug", component="loss",
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
        bug_code=code(f"{V}:CrossEntropyGradientOnLogits.gradient"),
        fix_code=code("neuronnet.losses:CrossEntropy.gradient"),
        variant=variants.CrossEntropyGradientOnLogits,
        factory=NetworkFactory("ce-gradient-on-logits",
                               loss=variants.CrossEntropyGradientOnLogits()),
        caught_by=("directional_derivative_equals_the_gradient",
                   "cross_entropy_facts")),
    Pitfall(
        id="bias-off-by-one", source="000", kind="bug", component="network",
        title="the hidden layer's bias update goes to the layer below; the hidden bias never "
              "trains",
        did="The biases were a list with a slot per layer, the input layer included; the "
            "backward loop updated biases[layer_idx] with the gradient of layer layer_idx + 1. "
            "The first hidden layer's bias update went to the input layer's slot, which the "
            "forward pass never reads.",
        why="A parameter must be moved by its own gradient. In the source's one-hidden-layer "
            "network the hidden biases never move at all; in a deeper one each hidden layer's "
            "bias moves by the gradient of the layer above.",
        symptom="Hidden units that cannot shift: every tanh(w x + b) stays centred where b "
                "started (0 here), so a fit that needs shifted units, such as an even function "
                "like cos on [-pi, pi], stalls at a high loss; a gradient check fails on every "
                "hidden bias.",
        fix="Each neuron owns its bias and its gradient (the sum of its deltas) and updates "
            "them itself: there is no index to get wrong.",
        bug_code=code(f"{V}:BiasOffByOneNetwork._backward"),
        fix_code=code(Marked("neuronnet.neuron"),
                       "neuronnet.neuron:Neuron.update"),
        variant=variants.BiasOffByOneNetwork,
        factory=NetworkFactory("bias-off-by-one", network_class=variants.BiasOffByOneNetwork),
        caught_by=("directional_derivative_equals_the_gradient",)),
    Pitfall(
        id="shared-layer-bias", source="000", kind="quirk", component="layer",
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
        bug_code=code(Code(f"{V}:SharedBiasLayer.backward"), Code(f"{V}:SharedBiasLayer.update")),
        fix_code=code("neuronnet.neuron:Neuron.update"),
        variant=variants.SharedBiasLayer,
        pinned_by=("shared_layer_bias_is_one_tied_bias",)),
    Pitfall(
        id="softmax-overflow", source="000", kind="bug", component="loss",
        title="exp(z) without subtracting the max: inf/inf = nan on large logits",
        did="softmax(z) = exp(z_i) / sum(exp(z)), straight from the definition.",
        why="exp overflows to inf above about 709.78, and inf/inf is nan. Softmax does not "
            "change when the same number is subtracted from every logit, so subtracting the "
            "row's maximum gives the same probabilities with every exponent <= 0.",
        symptom="The loss turns nan, at once on unscaled inputs such as raw 0-255 pixels (the "
                "seed's) or later when the logits grow, and never recovers; \"RuntimeWarning: "
                "overflow encountered in exp\".",
        fix="Subtract each row's maximum before exp.",
        bug_code=code(f"{V}:CrossEntropyNaiveSoftmax.softmax"),
        fix_code=code(Marked("neuronnet.losses")),
        variant=variants.CrossEntropyNaiveSoftmax,
        factory=NetworkFactory("softmax-overflow", loss=variants.CrossEntropyNaiveSoftmax()),
        caught_by=("losses_are_finite_and_non_negative",
                   "cross_entropy_facts")),
    Pitfall(
        id="log-of-zero", source="000", kind="bug", component="loss",
        title="cross-entropy takes log(p) of an underflowed probability: -inf",
        did="The loss was -dot(target, log(prediction)) on the softmax's probabilities.",
        why="A probability below about 1e-308 is rounded to exactly 0.0, and log(0) = -inf: the "
            "loss is inf, or nan where 0 * -inf is formed. log p can be computed directly as "
            "z - max - log(sum(exp(z - max))) (log-sum-exp), finite for every finite logit.",
        symptom="An infinite or nan loss as soon as the network is confidently wrong about one "
                "sample; \"RuntimeWarning: divide by zero encountered in log\".",
        fix="Compute log-softmax by log-sum-exp; never take the log of a rounded probability.",
        bug_code=code(f"{V}:CrossEntropyLogOfSoftmax.value"),
        fix_code=code("neuronnet.losses:CrossEntropy.value",
                       Marked("neuronnet.losses")),
        variant=variants.CrossEntropyLogOfSoftmax,
        factory=NetworkFactory("log-of-zero", loss=variants.CrossEntropyLogOfSoftmax()),
        caught_by=("losses_are_finite_and_non_negative",
                   "cross_entropy_facts")),
    Pitfall(
        id="tanh-overflow", source="000", kind="bug", component="activation",
        title="tanh written as a ratio of exps overflows to nan for large inputs",
        did="tanh(x) = (exp(x) - exp(-x)) / (exp(x) + exp(-x)).",
        why="For |x| above about 710 one exponential is inf and the ratio is inf/inf = nan, "
            "where tanh is simply +-1.",
        symptom="nan outputs and a nan loss as soon as one pre-activation is large (unscaled "
                "inputs, a large learning rate).",
        fix="numpy's tanh, which saturates to +-1.",
        bug_code=code(f"{V}:TanhAsExpRatio.forward"),
        fix_code=code("neuronnet.activations:Tanh.forward"),
        variant=variants.TanhAsExpRatio,
        factory=NetworkFactory("tanh-overflow", activation=variants.TanhAsExpRatio()),
        caught_by=("losses_are_finite_and_non_negative",)),
    Pitfall(
        id="relu-grad-mutates-cache", source="003", kind="bug", component="activation",
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
        bug_code=code(f"{V}:ReLUDerivativeInPlace.derivative_from_z"),
        fix_code=code("neuronnet.activations:ReLU.derivative_from_z"),
        variant=variants.ReLUDerivativeInPlace,
        factory=NetworkFactory("relu-grad-mutates-cache",
                               activation=variants.ReLUDerivativeInPlace()),
        caught_by=("stored_values_equal_the_reference",
                   "activation_derivative_is_the_slope_of_forward")),
    Pitfall(
        id="backward-mutates-upstream", source="001", kind="bug", component="neuron",
        title="ReLU backward writes zeros into the gradient array it was given",
        did="Relu.backward(dout): dout[self.mask] = 0; return dout.",
        why="The upstream gradient belongs to the caller, who may still need it: to log it, to "
            "add a second branch's gradient to it, to backpropagate again. Writing into it "
            "changes the caller's data, and the returned array is the caller's own, so two "
            "arrays that look independent are one.",
        symptom="A gradient the caller kept is silently zeroed wherever the ReLU was off; bugs "
                "that come and go as code is reordered.",
        fix="Build a new array: delta = grad_output * f'(z).",
        bug_code=code(f"{V}:NeuronZeroingUpstream.backward"),
        fix_code=code(Marked("neuronnet.neuron")),
        variant=variants.NeuronZeroingUpstream,
        factory=NetworkFactory("backward-mutates-upstream",
                               neuron_class=variants.NeuronZeroingUpstream),
        caught_by=("backward_is_linear_in_the_upstream_gradient",)),
    Pitfall(
        id="identity-derivative", source="002", kind="bug", component="activation",
        title="identity's derivative written as where(x < 2, 1, 0)",
        did="d_bypass(x) = np.where(x < 2, 1, 0) for the identity activation.",
        why="The derivative of f(x) = x is 1 everywhere. The step stops all gradient through a "
            "unit whose z >= 2, so it cannot be pushed further even when the target asks for "
            "it. (In the source the function sat on the input layer and was never called; it is "
            "wrong wherever it is used.)",
        symptom="A linear output that cannot be trained beyond 2: the predictions flatten near "
                "2 and the loss stalls.",
        fix="np.ones_like(z).",
        bug_code=code(f"{V}:IdentityStepDerivative.derivative_from_z"),
        fix_code=code("neuronnet.activations:Identity.derivative_from_z"),
        variant=variants.IdentityStepDerivative,
        factory=NetworkFactory("identity-derivative",
                               activation=variants.IdentityStepDerivative()),
        caught_by=("identity_nets_are_linear_maps",)),
    Pitfall(
        id="biased-init", source="004, 003", kind="bug", component="initializer",
        title="all-negative (normal(-0.1, 0.02)) or all-positive (rand) weights saturate and "
              "stall learning",
        did="Source 004 drew weights and biases from normal(-0.1, 0.02); source 003 drew every "
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
        bug_code=code(f"{V}:normal_shifted_negative", f"{V}:uniform_zero_to_one"),
        fix_code=code("neuronnet.initializers:glorot_uniform"),
        variant=variants.normal_shifted_negative,
        also=(variants.uniform_zero_to_one,),
        caught_by=("initializer_is_symmetric_about_zero",),
        notes="The project's own `coursework` initializer, uniform(0, 1/fan_in), is source 000's "
              "scheme and the same hazard in a milder form: all positive, but small. It is kept "
              "only so that source 000 can be reproduced; no recipe uses it. The symmetry "
              "property is stated for the other initializers, and tests/pitfalls/test_catalogue.py pins "
              "that `coursework` fails it, so the exception is written down, not hidden."),
    Pitfall(
        id="summed-loss", source="004, 003", kind="bug", component="loss",
        title="loss and gradient summed, not averaged: the learning rate silently depends on "
              "the batch size",
        did="Source 004's cross-entropy returned -np.sum(...) over the whole batch, source 003's "
            "squared error .sum(); their gradients were sums to match.",
        why="With a sum the gradient of a batch of n is n times the mean gradient, so the step "
            "is lr * n: the learning rate means something different for every batch size, and "
            "a full batch of 60,000 images needs a rate 60,000 times smaller (source 004 used "
            "1e-5 and printed losses of 798,000).",
        symptom="Losses in the hundreds of thousands; a rate that works at batch 1 diverges at "
                "batch 64; every change of batch size needs a new rate.",
        fix="The mean over the batch: value and gradient divided by n.",
        bug_code=code(f"{V}:CrossEntropySummed"),
        fix_code=code("neuronnet.losses:CrossEntropy.value",
                       "neuronnet.losses:CrossEntropy.gradient"),
        variant=variants.CrossEntropySummed,
        factory=NetworkFactory("summed-loss", loss=variants.CrossEntropySummed()),
        caught_by=("duplicating_the_batch_changes_nothing",)),
    Pitfall(
        id="clipped-log", source="001, 004", kind="bug", component="loss", further=True,
        title="a small number added inside the log: the loss is capped and its gradient is no "
              "longer (p - t)/n",
        did="Source 001: -sum(log(y[t] + 1e-7)) / n; source 004: clip(softmax, 1e-308, 1 - 1e-308) "
            "before the log. The backward pass still returned (y - t)/n.",
        why="The log is no longer the log of p. The value is capped (at -log(1e-7) = 16.1 for "
            "source 001: a confidently wrong prediction costs no more than a moderately wrong "
            "one), and the reported loss's derivative is p/(p + 1e-7) times the true one, so "
            "the (p - t)/n the backward pass returns is not the gradient of the loss reported.",
        symptom="Losses that top out near 16.1 however wrong the worst prediction is; a "
                "gradient check that fails on confidently wrong samples.",
        fix="log-sum-exp gives log p finite for every finite logit: no epsilon is needed.",
        bug_code=code(f"{V}:CrossEntropyLogPlusEpsilon.value"),
        fix_code=code("neuronnet.losses:CrossEntropy.value"),
        variant=variants.CrossEntropyLogPlusEpsilon,
        factory=NetworkFactory("clipped-log", loss=variants.CrossEntropyLogPlusEpsilon()),
        caught_by=("cross_entropy_facts", "forward_and_loss_equal_the_reference")),
    Pitfall(
        id="sigmoid-overflow", source="001, 003", kind="warning", component="activation",
        further=True,
        title="1 / (1 + exp(-z)) overflows exp for z < -709",
        did="sigmoid(x) = 1 / (1 + np.exp(-x)).",
        why="A warning, not a wrong value. exp(-x) overflows for x below about -709.78. The "
            "result, 1/inf = 0, is right (so neuronnet check passes it, with a note), but NumPy "
            "warns for every such element, and with floating-point errors set "
            "to raise (np.seterr(all=\"raise\"), a common debugging setting) training crashes. "
            "Written as (1 + tanh(z/2))/2 nothing overflows.",
        symptom="\"RuntimeWarning: overflow encountered in exp\" on unscaled inputs; a "
                "FloatingPointError when floating-point errors raise.",
        fix="sigmoid(z) = (1 + tanh(z/2)) / 2, exact in real arithmetic and saturating "
            "instead of overflowing.",
        bug_code=code(f"{V}:SigmoidNaiveExp.forward"),
        fix_code=code("neuronnet.activations:Sigmoid.forward"),
        variant=variants.SigmoidNaiveExp,
        factory=NetworkFactory("sigmoid-overflow", activation=variants.SigmoidNaiveExp()),
        noted_by=("losses_are_finite_and_non_negative",)),
]
