"""The contract's losses and penalty (neuronnet/verify/contract.py): a network with binary
cross-entropy, or with an L2 penalty declared by a keyword of ``build`` (``l2`` and ``lambd``:
l2 / (2n) sum ||W||^2; ``reg``: reg / 2 sum ||W||^2), is checked against the oracle built
with the same loss and penalty. Correct networks pass; each classic bug fails the property
that catches it, and the diagnosis names it.

The networks here are written for these tests in CS231n's manner (a dict of parameters, one
matrix product per layer), independently of neuronnet and of the reference."""
import numpy as np
import pytest

from neuronnet.verify import check
from neuronnet.verify.contract import penalty_keyword

FORWARD = "forward_and_loss_equal_the_reference"
GRADIENT = "gradient_equals_the_reference"
DIRECTIONAL = "directional_derivative_equals_the_gradient"
FACTS = "softmax_and_loss_facts"



def sigmoid(z):
    return 0.5 * (1 + np.tanh(0.5 * z))   # no exp to overflow


F = {"identity": (lambda z: z, lambda z: np.ones_like(z)),
     "sigmoid": (sigmoid, lambda z: sigmoid(z) * sigmoid(-z)),
     "tanh": (np.tanh, lambda z: 1 - np.tanh(z) ** 2),
     "relu": (lambda z: np.maximum(z, 0), lambda z: (z > 0) * 1.0)}


class Net:
    """scores -> loss, with the penalty ``strength`` in the form ``form`` ("per_sample":
    strength / (2n) sum W^2; "per_batch": strength / 2 sum W^2); ``bug`` puts one classic
    mistake back."""

    def __init__(self, sizes, activations, loss, strength, form, bug=None):
        self.acts, self.loss_name, self.strength = activations, loss, strength
        self.form, self.bug = form, bug
        self.params = {}

    def set_parameters(self, params):
        self.params = {k: np.array(p, dtype=np.float64) for k, p in enumerate(params)}

    def _scores(self, X):
        a, cache = X, []
        for l, act in enumerate(self.acts):
            z = a @ self.params[2 * l].T + self.params[2 * l + 1]
            cache.append((a, z))
            a = F[act][0](z)
        return a, cache

    def forward(self, X):
        return self._scores(X)[0]

    def _share(self, n):
        """The penalty's factor c: the loss adds c / 2 sum W^2, each dW adds c W."""
        return self.strength / n if self.form == "per_sample" else self.strength

    def _data_loss(self, a, Y):
        n = len(a)
        if self.loss_name == "half_mse":
            return np.sum((a - Y) ** 2) / (2 * n), (a - Y) / n
        if self.loss_name == "cross_entropy":
            shifted = a - a.max(axis=1, keepdims=True)
            log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
            return -np.sum(Y * log_p) / n, (np.exp(log_p) - Y) / n
        p = np.where(a >= 0, 1 / (1 + np.exp(-np.abs(a))),
                     np.exp(-np.abs(a)) / (1 + np.exp(-np.abs(a))))
        value = np.sum(np.maximum(a, 0) - a * Y + np.log1p(np.exp(-np.abs(a)))) / n
        dscores = (p - Y) / n
        if self.bug == "bce-sigmoid-slope-twice":
            dscores = dscores * p * (1 - p)
        return value, dscores

    def loss(self, X, Y):
        value, _ = self._data_loss(self.forward(X), Y)
        if self.bug in ("l2-missing-from-loss", "l2-ignored"):
            return value
        weights = [self.params[k] for k in range(0, len(self.params), 2)]
        return value + self._share(len(X)) / 2 * sum(np.sum(W * W) for W in weights)

    def gradient(self, X, Y):
        a, cache = self._scores(X)
        _, grad = self._data_loss(a, Y)
        share = 0.0 if self.bug == "l2-ignored" else self._share(len(X))
        grads = [None] * len(self.params)
        for l in range(len(self.acts) - 1, -1, -1):
            a_prev, z = cache[l]
            delta = grad * F[self.acts[l]][1](z)
            grads[2 * l] = delta.T @ a_prev + share * self.params[2 * l]
            grads[2 * l + 1] = delta.sum(axis=0)
            if self.bug == "l2-on-bias":
                grads[2 * l + 1] = grads[2 * l + 1] + share * self.params[2 * l + 1]
            grad = delta @ self.params[2 * l]
        return grads


def build_with(keyword, form="per_sample", bug=None, losses=None):
    """A build whose penalty is taken by ``keyword`` (None: no penalty)."""
    def make(layer_sizes, activations, loss, strength=0.0):
        if losses is not None and loss not in losses:
            raise NotImplementedError(loss)
        return Net(layer_sizes, activations, loss, strength, form, bug)
    if keyword is None:
        return lambda layer_sizes, activations, loss: make(layer_sizes, activations, loss)
    namespace = {"make": make}
    exec(f"def build(layer_sizes, activations, loss, {keyword}=0.0):\n"
         f"    return make(layer_sizes, activations, loss, {keyword})", namespace)
    return namespace["build"]


def statuses(report):
    return {r.name: r.status for r in report.results}


# --- correct networks pass ----------------------------------------------------------------
def test_a_correct_binary_cross_entropy_network_passes_every_property():
    report = check(build_with(None, losses={"binary_cross_entropy"}))
    assert report.passed, report.to_text("x")
    assert "losses binary_cross_entropy" in report.accepted and "penalty" not in report.accepted
    assert statuses(report)[FACTS] == "passed"   # the flipped-logit facts judged it


@pytest.mark.parametrize("keyword, form", [("l2", "per_sample"), ("lambd", "per_sample"),
                                           ("reg", "per_batch")])
def test_a_correct_network_with_its_penalty_passes_every_property(keyword, form):
    report = check(build_with(keyword, form))
    assert report.passed, report.to_text("x")
    assert f"L2 penalty {keyword}, {keyword} / " in report.accepted, report.accepted
    assert "binary_cross_entropy" in report.accepted


# --- the penalty's keyword is what says which loss it adds ---------------------------------
@pytest.mark.parametrize("keyword, form", [("l2", "per_batch"), ("reg", "per_sample")])
def test_a_penalty_declared_by_the_other_convention_fails(keyword, form):
    report = check(build_with(keyword, form), names=[FORWARD, GRADIENT])
    assert statuses(report) == {FORWARD: "FAILED", GRADIENT: "FAILED"}
    assert report.results[0].example["case"].l2 > 0


def test_a_build_that_takes_no_penalty_keyword_is_never_handed_one():
    assert penalty_keyword(build_with(None)) is None
    assert penalty_keyword(lambda layer_sizes, activations, loss, **options: None) is None
    report = check(build_with(None), names=[FORWARD, GRADIENT, DIRECTIONAL])
    assert report.passed and "penalty" not in report.accepted, report.to_text("x")


def test_a_penalty_drawn_reaches_the_network():
    # l2-ignored takes the keyword and computes without it: only a strength > 0 shows it.
    report = check(build_with("l2", bug="l2-ignored"), names=[FORWARD, GRADIENT])
    assert set(statuses(report).values()) == {"FAILED"}


# --- the classic bugs fail, and the diagnosis names them ------------------------------------
@pytest.mark.parametrize("bug, keyword, failing, pattern", [
    ("l2-on-bias", "reg", GRADIENT, "l2-on-bias"),
    ("l2-on-bias", "l2", GRADIENT, "l2-on-bias"),
    ("l2-missing-from-loss", "l2", FORWARD, "l2-missing-from-loss"),
    ("bce-sigmoid-slope-twice", None, GRADIENT, "sigmoid-slope-twice"),
])
def test_each_classic_bug_fails_and_is_named(bug, keyword, failing, pattern):
    form = "per_batch" if keyword == "reg" else "per_sample"
    losses = {"binary_cross_entropy"} if bug.startswith("bce") else None
    report = check(build_with(keyword, form, bug, losses),
                   names=[FORWARD, GRADIENT, DIRECTIONAL])
    assert statuses(report)[failing] == "FAILED", report.to_text("x")
    assert statuses(report)[DIRECTIONAL] == "FAILED", report.to_text("x")
    assert report.diagnosis.property == failing
    assert report.diagnosis.pattern == pattern, report.diagnosis.to_text()


def test_the_bugs_leave_the_unpenalized_network_alone():
    # Each penalty bug is in the penalty only: without one, the same code passes.
    for bug in ("l2-on-bias", "l2-missing-from-loss"):
        report = check(build_with(None, bug=bug), names=[FORWARD, GRADIENT, DIRECTIONAL])
        assert report.passed, report.to_text("x")


# --- a build written before binary cross-entropy joined the contract ------------------------
def looks_up(known):
    """A build that looks its loss up in a dict: an unknown name raises KeyError."""
    def build(layer_sizes, activations, loss):
        return Net(layer_sizes, activations, {name: name for name in known}[loss], 0.0,
                   "per_sample")
    return build


def test_a_build_that_predates_binary_cross_entropy_is_checked_on_its_own_losses():
    report = check(looks_up(["half_mse", "cross_entropy"]), names=[FORWARD, GRADIENT])
    assert report.passed, report.to_text("x")
    assert report.accepted.startswith("168 of 252") and "binary" not in report.accepted


def test_so_is_one_that_also_refuses_some_architectures():
    # A two-layer assignment: NotImplementedError for three layers, KeyError for the new loss.
    older = looks_up(["half_mse", "cross_entropy"])

    def build(layer_sizes, activations, loss):
        if len(activations) > 2:
            raise NotImplementedError("two layers of neurons at most")
        return older(layer_sizes, activations, loss)
    report = check(build, names=[FORWARD, GRADIENT])
    assert report.passed, report.to_text("x")
    assert "binary" not in report.accepted


def test_a_build_that_raises_on_an_original_loss_still_fails():
    report = check(looks_up(["half_mse", "binary_cross_entropy"]), names=[FORWARD])
    assert statuses(report) == {FORWARD: "FAILED"}
    assert "KeyError" in str(report.results[0].failure)


@pytest.mark.parametrize("fallback", ["cross_entropy", "half_mse"])
def test_a_build_that_takes_binary_cross_entropy_for_another_loss_is_checked_on_the_others(
        fallback):
    # `if loss == "half_mse": ... else: <softmax>` (or the reverse), written before the
    # contract had a third loss: the third name falls through to another loss's numbers.
    def build(layer_sizes, activations, loss):
        known = loss if loss != "binary_cross_entropy" else fallback
        return Net(layer_sizes, activations, known, 0.0, "per_sample")
    report = check(build, names=[FORWARD, GRADIENT])
    assert report.passed, report.to_text("x")
    assert report.accepted.startswith("168 of 252") and "binary" not in report.accepted
