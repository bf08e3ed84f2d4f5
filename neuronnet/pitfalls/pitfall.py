"""What a catalogue entry is: a :class:`Pitfall`, the code it shows, and the generic
properties an entry may name.

A pitfall names its source document, says what the code did, why that is wrong, the symptom a
learner sees and the fix; points at the buggy variant (variants.py) and at the real code that
fixes it; and names the *generic* properties that fail when the variant is swapped in: the
same properties that guard the real code, never a test written for that one bug. A property is
named by its function's name. A variant that is a whole network (``factory``) is checked by
``neuronnet check`` like anyone's network, and fails the network properties it names.

Two entries are quirks, not bugs (``kind == "quirk"``): they name a property that pins down
what they do instead of one that fails. An entry whose code gives the right values but makes
numpy warn on the way is a warning (``kind == "warning"``): the checker judges values, so it
names the property that passes it with a note (``noted_by``).
"""
from dataclasses import dataclass, field

from ..verify import PROPERTIES as NETWORK_PROPERTIES

# The generic properties of a whole network live in neuronnet.verify (the checker anyone can run
# on their own network); those of one component (an activation, a loss, an optimizer, the
# loop...), and two that look inside the neuron model, live with the test suite
# (tests/generic.py). Their names, with what each says:
COMPONENT_PROPERTIES = {
    "every_neuron_holds_the_reference_values":
        "after backward each neuron still holds its z and a, and its delta, dW and db equal "
        "the reference's",
    "layer_backward_is_linear_in_the_upstream_gradient":
        "a layer's backward is linear in the upstream gradient and writes neither into it nor "
        "into its cache",
    "sampled_mode_is_online_training_on_every_kth_sample":
        "one sampled epoch with k trains exactly (bitwise) like online training on the "
        "epoch's order[::k]",
    "best_model_is_a_snapshot_with_the_lowest_validation_loss":
        "the best model is a copy whose validation loss is the history's minimum, and "
        "training the live model further leaves it unchanged",
    "loss_threshold_schedule_reaches_every_branch":
        "every threshold has a loss that selects its rate; rates never rise as the loss falls",
    "activation_derivative_is_the_slope_of_forward":
        "derivative_from_z is the central difference of forward, and neither writes into its "
        "argument (a read-only z works)",
    "cross_entropy_facts":
        "the value is -sum(T log_softmax)/n, the gradient (p - T)/n, finite at logits +-1000, "
        "and the gradient is the derivative of the value",
    "binary_cross_entropy_facts":
        "the value is sum(softplus(a) - T a)/n and the gradient (sigmoid(a) - T)/n, also at "
        "logits +-1000; finite, >= 0, and the gradient is the derivative of the value",
    "adam_follows_its_bias_corrected_closed_form":
        "under a constant gradient every Adam step is lr c g / (c |g| + eps), c = "
        "sqrt(1 - beta2^t): about lr from the first step on; lr = 0 changes nothing",
    "rmsprop_follows_its_closed_form":
        "under a constant gradient RMSProp's step t is lr g / (sqrt(1 - rho^t) |g| + eps)",
    "momentum_follows_the_heavy_ball_closed_form":
        "under a constant gradient heavy ball follows its closed form; mu = 0 is SGD; lr = 0 "
        "or a zero gradient changes nothing",
    "evaluation_changes_no_parameter":
        "evaluating changes no parameter and gives the same answer twice",
    "initializer_is_symmetric_about_zero":
        "an initializer's weights are centred on 0: the mean of a large draw is within 5 "
        "standard errors of 0 and the signs are balanced",
    "split_is_a_partition":
        "the parts of a split are disjoint and cover every row (a test row is never a training "
        "row)",
    "shared_layer_bias_is_one_tied_bias":
        "pins the quirk: a shared-bias layer is per-neuron biases tied to one value; its "
        "gradient is the sum of theirs and the central difference along the tie",
}
PROPERTIES = {**{name: p.statement for name, p in NETWORK_PROPERTIES.items()},
              **COMPONENT_PROPERTIES}


@dataclass(frozen=True)
class Code:
    """A whole function or class to show: ``"module:Qualified.name"``."""
    target: str


@dataclass(frozen=True)
class Marked:
    """The statements of ``module`` that its source marks for this pitfall: a comment line
    ``# FIX: <id>[, <id> ...]`` (or ``# QUIRK: <id>``) just above each of them."""
    module: str
    tag: str = "FIX"


def code(*targets):
    return tuple(t if isinstance(t, (Code, Marked)) else Code(t) for t in targets)


@dataclass(frozen=True)
class Pitfall:
    id: str
    source: str           # the source documents it comes from: "000", "004, 003" (docs/sources.md)
    kind: str             # "bug", "quirk" or "warning"
    component: str        # what the variant swaps in for
    title: str            # the bug in one line
    did: str              # what the source's code did
    why: str              # why that is wrong (for a quirk: what it really means)
    symptom: str          # what a learner sees
    fix: str              # the fix, in words
    bug_code: tuple       # Code: the variant's lines
    fix_code: tuple       # Code or Marked: the real code's lines
    variant: object       # the buggy component (a class or a function)
    caught_by: tuple = ()     # PROPERTIES that fail with the variant (bugs)
    pinned_by: tuple = ()     # PROPERTIES that pin the semantics (quirks)
    noted_by: tuple = ()      # PROPERTIES that pass it with a note (warnings: right values)
    factory: object = None    # a NetworkFactory with the variant swapped in, when it is a part
    also: tuple = ()          # further variants of the same mistake (caught the same way)
    further: bool = False     # found while building the catalogue, beyond the first survey
    notes: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def properties(self):
        return self.caught_by or self.pinned_by or self.noted_by
