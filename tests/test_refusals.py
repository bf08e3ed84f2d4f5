"""Every refusal of an argument, in one table, checked by one structural test.

The convention (neuronnet/guards/arguments.py): a bad argument is refused before any work with
``name: got X; expected Y``, a TypeError for a wrong type, a ValueError for a bad value. A row
is a call, the error class it must raise (exactly), the argument's name, and what the message
must say it got (``None`` where that is prose). Only the message's shape is checked, never its
words; the few sentences a learner reads most are pinned in tests/test_learner_messages.py."""
import os
from fractions import Fraction
from unittest import mock

import numpy as np
import pytest

from neuronnet import SGD, Network, batching, io
from neuronnet.app.trace_command import trace_recipe
from neuronnet.convert import from_arrays
from neuronnet.guards import arguments as v
from neuronnet.guards import memory
from neuronnet.io import atomic, model_format
from neuronnet.layer import Layer
from neuronnet.losses import CrossEntropy, get_loss
from neuronnet.neuron import Neuron
from neuronnet.optimizers import Momentum, Nesterov, get_optimizer
from neuronnet.training import Dataset, Settings, evaluate, metrics, planar, splits, train
from neuronnet.training.dataset import MAX_CLASSES
from neuronnet.training.loop import check_batch_fits
from neuronnet.training.schedules import Constant, LossThreshold
from neuronnet.verify.adapters import adapt
from reference import MLP
from reference import validation as rv
from refusing import assert_refusal, each

T, V = TypeError, ValueError


def rng():
    return np.random.default_rng(0)


def net(sizes=(3, 2), activations=("identity",), **kwargs):
    return Network(list(sizes), list(activations), rng=rng(), **kwargs)


def wide(**kwargs):
    """2 -> 3 -> 4: no two sizes alike, so a size read from the wrong axis or layer shows."""
    return Network([2, 3, 4], ["tanh", "identity"], rng=rng(), **kwargs)


def small_machine(call):
    """The call on a machine of 1 GiB: [1, 2**25] needs at least 24 * 2 * 2**25 B = 1.5 GiB."""
    def run():
        pages = {"SC_PAGE_SIZE": 4096, "SC_PHYS_PAGES": 2**30 // 4096}.get
        with mock.patch.object(os, "sysconf", pages, create=True):
            return call()
    return run


def toy(n_features):
    return Dataset(np.ones((4, n_features)), targets=np.zeros((4, 2)), name="toy")


def regression(n):
    return Dataset(np.arange(2.0 * n).reshape(n, 2), targets=np.zeros((n, 1)))


X3, LABELS = np.arange(6, dtype=np.uint8).reshape(3, 2), dict(labels=[0, 1, 0], n_classes=2)


def data(**kwargs):
    return lambda: Dataset(**{"X": X3, **kwargs})


def fit(**kwargs):
    return lambda: net((3, 4, 2), ("tanh", "identity")).fit(
        np.ones((4, 3)), np.eye(2)[[0, 1, 0, 1]], **{"rng": rng(), **kwargs})


def plan(mode, size):
    return lambda: list(batching.plan(np.arange(4), mode, size))


MAKERS = [planar.make_xor, planar.make_moons, planar.make_circles, planar.make_spiral]

TABLE = [
    # --- the checks themselves: neuronnet.guards.arguments ---------------------------------------
    ("fail", lambda: v.fail("x", "1", "2"), V, "x", "1"),
    ("fail-type", lambda: v.fail("x", "1", "2", T), T, "x", "1"),
    *each("int", lambda x: v.check_positive_int("n", x), "n", [(True, T), (2.0, T), (0, V), (-3, V)]),
    *each("real", lambda x: v.check_real("x", x), "x",
          [("1", T), (True, T), (Fraction(1, 2), T), (float("nan"), V), (-np.inf, V)]),
    ("real-low", lambda: v.check_real("x", -0.5, low=0.0), V, "x", "-0.5"),
    ("real-high", lambda: v.check_real("x", 1.5, low=0.0, high=1.0), V, "x", "1.5"),
    ("real-high-open", lambda: v.check_real("x", 1.0, low=0.0, high=1.0, high_open=True), V,
     "x", "1.0"),
    ("real-low-open", lambda: v.check_real("x", -1, low=0.0, high=1.0, high_open=True), V,
     "x", "-1"),
    *each("positive-real", lambda x: v.check_positive_real("x", x), "x", [(0.0, V), (-2.0, V)]),
    ("matrix-str", lambda: v.check_matrix("X", [["a", "b"]]), T, "X", "'U'"),
    ("matrix-bool", lambda: v.check_matrix("X", np.ones((2, 2), dtype=bool)), T, "X", "'b'"),
    ("matrix-complex", lambda: v.check_matrix("X", np.ones((2, 2), dtype=complex)), T, "X", "'c'"),
    ("matrix-1d", lambda: v.check_matrix("X", np.ones(3)), V, "X", "(3,)"),
    ("matrix-3d", lambda: v.check_matrix("X", np.ones((1, 2, 3)), 4), V, "X", "(1, 2, 3)"),
    ("matrix-no-row", lambda: v.check_matrix("X", np.ones((0, 3))), V, "X", "(0, 3)"),
    ("matrix-columns", lambda: v.check_matrix("X", np.ones((3, 2)), 4), V, "X", "(3, 2)"),
    ("matrix-inf", lambda: v.check_matrix("X", [[0, 1], [np.inf, 0], [0, np.nan]]), V, "X",
     "inf at row 1, column 0"),
    ("matrix-nan", lambda: v.check_matrix("X", [[0, 1], [2, 3], [4, np.nan]]), V, "X",
     "nan at row 2, column 1"),
    ("choice", lambda: v.check_choice("mode", "x", {"b", "a"}), V, "mode", "'x'"),
    *each("generator", lambda x: v.check_generator("rng", x, "why"), "rng", [(0, T), ("seed", T)]),
    *[(f"layer-{i}", lambda W=W, b=b, f=f: v.check_layer_arrays("layer", W, b, f), V, "layer", got)
      for i, (W, b, f, got) in enumerate([
          (np.ones(3), np.ones(3), None, "(3,) and (3,)"),
          (np.ones((2, 3)), np.ones(3), None, "(2, 3) and (3,)"),
          (np.ones((2, 3)), np.ones(2), 4, "(2, 3) and (2,)"),
          (np.zeros((0, 3)), np.zeros(0), None, "(0, 3) and (0,)"),
          (np.zeros((2, 0)), np.zeros(2), None, "(2, 0) and (2,)"),
          (np.array([[1.0, np.nan]]), np.zeros(1), None, None),
          (np.ones((1, 2)), np.array([np.inf]), None, None)])],
    # --- the book: neuron, layer, network, optimizers, losses, conversions -----------------------
    ("layer-empty", lambda: Layer([]), V, "neurons", "an empty list"),
    ("layer-fan-in", lambda: Layer([Neuron([1.0]), Neuron([1.0, 2.0])]), V, "neurons", "[1, 2]"),
    *[(f"layer-create-{name}", lambda a=a: Layer.create(*a, rng()), V, name, got) for name, a, got in [
        ("fan_in", (0, 3, "tanh", "normal"), "0"), ("init", (2, 3, "tanh", "bogus"), "'bogus'")]],
    *each("sgd-lr", SGD, "lr", [(-0.1, V), (None, T), ("a", T)]),
    *each("momentum", lambda mu: Momentum(0.1, mu), "momentum", [(1.0, V), (-0.1, V)]),
    ("nesterov-none", lambda: Nesterov(0.1, None), T, "momentum", "None"),
    ("momentum-lr", lambda: Momentum(-1.0), V, "lr", "-1.0"),
    *each("get-optimizer-mu", lambda mu: get_optimizer("sgd", momentum=mu), "momentum",
          [(1.0, V), (-0.5, V)]),
    ("get-optimizer-mu-nan", lambda: get_optimizer("momentum", momentum=float("nan")), V,
     "momentum", "nan"),
    ("get-optimizer-lr", lambda: get_optimizer("sgd", lr=-2), V, "lr", "-2"),
    ("get-optimizer-name", lambda: get_optimizer("adagrad"), V, "optimizer", "'adagrad'"),
    ("get-optimizer-class", lambda: get_optimizer(SGD), V, "optimizer", repr(SGD)),
    ("with-lr", lambda: SGD(0.1).with_lr(-1.0), V, "lr", "-1.0"),
    *each("get-loss", get_loss, "loss", [("mae", V), (None, V)]),
    *[(f"cross-entropy-{i}", lambda Y=Y: CrossEntropy().check_targets(np.array(Y)), V, "Y", got)
      for i, (Y, got) in enumerate([([[1.0, 0.0], [0.25, 0.5]], "row 1 is [0.25 0.5 ] (sum 0.75)"),
                                    ([[0.0, 1.0], [1.5, -0.5], [2.0, 0.0]], "row 1 is [ 1.5 -0.5]"),
                                    ([[1 / 3, 1 / 3, 1 / 3 + 1e-7]], "(sum 1.0000001)"),
                                    ([[0.2] * 10], "row 0 is [0.2 0.2 0.2 ... 0.2 0.2 0.2]")])],
    ("network-cross-entropy", lambda: wide(loss="cross_entropy").gradient(
        np.ones((2, 2)), np.full((2, 4), 0.5)), V, "Y", "row 0 is [0.5 0.5 0.5 0.5] (sum 2)"),
    ("network-params-type", lambda: wide().set_parameters(5.0), T, "params", "float"),
    ("network-params-str", lambda: net((2, 3, 1), ("tanh", "identity")).set_parameters(
        [np.array([["a", "b"]] * 3), np.zeros(3), np.zeros((1, 3)), np.zeros(1)]), T,
     "params[0]", "<U1"),
    ("network-params-bool", lambda: net((2, 3, 1), ("tanh", "identity")).set_parameters(
        [np.ones((3, 2), dtype=bool), np.zeros(3), np.zeros((1, 3)), np.zeros(1)]), T,
     "params[0]", "bool"),
    ("network-params-count", lambda: wide().set_parameters(wide().parameters()[:3]), V, "params",
     "3 arrays"),
    ("network-params-shape", lambda: wide().set_parameters(
        [p if k != 2 else np.zeros((3, 4)) for k, p in enumerate(wide().parameters())]), V,
     "params[2]", "(3, 4)"),
    ("network-rng", lambda: Network([2, 3, 1], ["tanh", "identity"], rng=3), T, "rng", "3"),
    ("network-X", lambda: wide().gradient(np.ones((5, 3)), np.ones((5, 4))), V, "X", "(5, 3)"),
    ("network-Y", lambda: wide().gradient(np.ones((5, 2)), np.ones((5, 3))), V, "Y", "(5, 3)"),
    ("network-Y-rows", lambda: wide().train_step(np.ones((5, 2)), np.ones((4, 4))), V, "Y",
     "4 rows for the 5 rows of X"),
    ("network-loss-Y-rows", lambda: wide().loss(np.ones((3, 2)), np.ones((5, 4))), V, "Y",
     "5 rows for the 3 rows of X"),
    ("network-activations", lambda: Network([2, 3, 4], ["tanh"], rng=rng()), V, "activations",
     "1 activations"),
    ("network-clip-type", lambda: net().train_step(np.zeros((1, 3)), np.zeros((1, 2)),
                                                   clip_norm="a"), T, "clip_norm", "'a'"),
    ("network-clip-zero", lambda: net().train_step(np.zeros((1, 3)), np.zeros((1, 2)),
                                                   clip_norm=0), V, "clip_norm", "0.0"),
    ("network-backward-shape", lambda: (lambda n: (n.forward(np.ones((5, 2))),
                                                   n.backward(np.ones((4, 4)))))(wide()), V,
     "grad_output", "(4, 4)"),
    ("network-backward-columns", lambda: (lambda n: (n.forward(np.ones((5, 2))),
                                                     n.backward(np.ones((5, 3)))))(wide()), V,
     "grad_output", "(5, 3)"),
    ("from-arrays-counts", lambda: from_arrays([np.ones((2, 3))], [], ["identity"]), V,
     "weights, biases", "1 and 0"),
    ("from-arrays-shapes", lambda: from_arrays([np.zeros((2, 3))], [np.zeros(3)], ["identity"]), V,
     "weights[0], biases[0]", "(2, 3) and (3,)"),
    ("from-arrays-nan", lambda: from_arrays([np.full((2, 3), np.nan)], [np.zeros(2)], ["identity"]),
     V, "weights[0], biases[0]", None),
    # --- fit (both models share its checks) -----------------------------------------------------------
    ("fit-rng", fit(shuffle=True, rng=None), T, "rng", "None"),
    ("fit-batch-mode", fit(batch_mode="bogus"), V, "batch_mode", "'bogus'"),
    ("fit-batch-size", fit(batch_mode="minibatch", batch_size=9), V, "batch_size", "9 for 4"),
    # --- training: Dataset, Settings, schedules, the loop, metrics, splits, planar ---------------
    ("data-X-3d", data(X=np.ones((3, 2, 1)), **LABELS), V, "data X", "(3, 2, 1)"),
    ("data-X-no-row", data(X=np.ones((0, 2)), **LABELS), V, "data X", "(0, 2)"),
    ("data-X-no-column", data(X=np.ones((3, 0)), **LABELS), V, "data X", "(3, 0)"),
    ("data-X-bool", data(X=np.ones((3, 2), dtype=bool), **LABELS), V, "data X", "bool"),
    ("data-X-inf", data(X=np.array([[1.0, np.inf], [0, 0], [0, 0]]), **LABELS), V, "data X", None),
    ("data-X-nan32", data(X=np.array([[1, 0], [np.nan, 0], [0, 0]], np.float32), **LABELS), V,
     "data X", None),
    ("data-divisor-type", data(divisor="255", **LABELS), T, "divisor", "'255'"),
    ("data-divisor-zero", data(divisor=0, **LABELS), V, "data divisor", "0.0"),
    ("data-both", data(labels=[0, 1, 0], targets=np.ones((3, 1)), n_classes=2), V, "data", "both"),
    ("data-neither", data(), V, "data", "neither"),
    ("data-n-classes-none", data(labels=[0, 1, 0]), T, "n_classes", "None"),
    ("data-n-classes-most", data(labels=[0, 1, 0], n_classes=MAX_CLASSES + 1), V,
     "data n_classes", str(MAX_CLASSES + 1)),
    ("data-labels-count", data(labels=[0, 1], n_classes=2), V, "data labels", "(2,)"),
    ("data-labels-float", data(labels=[0.0, 1.0, 0.0], n_classes=2), V, "data labels", "float64"),
    *[(f"data-labels-{y}", data(labels=y, n_classes=2), V, "data labels", f"[{min(y)}, {max(y)}]")
      for y in ([0, 2, 0], [-1, 1, 0])],
    ("data-named", data(labels=[0, 5, 0], n_classes=2, name="test split"), V, "test split labels",
     "[0, 5]"),
    ("data-targets-1d", data(targets=np.ones(3)), V, "data targets", "(3,)"),
    ("data-targets-rows", data(targets=np.ones((2, 3))), V, "data targets", "(2, 3)"),
    ("data-targets-nan", data(targets=[[0.0], [np.nan], [1.0]]), V, "data targets", None),
    *[(f"settings-{name}-{x!r}", lambda name=name, x=x: Settings(**{name: x}), e, name,
       "0.0" if name == "clip_norm" and x == 0 else repr(x))
      for name, x, e in [("batch_mode", "batch", V), ("epochs", 0, V), ("epochs", 2.0, T),
                         ("batch_size", 0, V), ("batch_size", "8", T), ("optimizer", "adagrad", V),
                         ("lr", -0.1, V), ("lr", None, T), ("momentum", 1.0, V),
                         ("momentum", -0.5, V), ("momentum", float("nan"), V), ("clip_norm", 0, V),
                         ("clip_norm", "1", T), ("patience", 0, V), ("patience", 1.5, T)]],
    ("settings-step-factor", lambda: Settings(schedule=("step", 2.0, 1)), V, "factor", "2.0"),
    ("settings-lr-beside-schedule", lambda: Settings(lr=-1.0, schedule=Constant(0.1)), V, "lr",
     "-1.0"),
    ("settings-schedule", lambda: Settings(schedule="warm"), V, "schedule", "'warm'"),
    ("settings-unknown", lambda: Settings().replace(learning_rate=0.1), T, "learning_rate", None),
    ("threshold-none", lambda: LossThreshold(0.1, []), V, "steps", "no (threshold, rate) pairs"),
    ("threshold-rising", lambda: LossThreshold(0.1, [(1.0, 0.1), (0.5, 0.2)]), V, "steps",
     "rates [0.2, 0.1] for thresholds [0.5, 1.0]"),
    *each("threshold", lambda pair: LossThreshold(0.1, [pair]), "steps", [((-1.0, 0.1), V),
                                                                          ((1.0, -0.1), V)]),
    ("plan-mode", plan("mini", 2), V, "batch_mode", "'mini'"),
    ("plan-size", plan("online", 0), V, "batch_size", "0"),
    ("plan-size-type", plan("full", 2.0), T, "batch_size", "2.0"),
    ("batch-fits", lambda: check_batch_fits(Settings(batch_size=6), 5), V, "batch_size",
     "6 for 5"),
    ("train-settings", lambda: train(net((2, 2)), toy(2), rng=rng(), settings=5), T, "settings",
     "int"),
    ("train-valid-shape", lambda: train(net((2, 2)), toy(2), toy(3), rng=rng()), V, "valid_data",
     "3 features and 2 outputs"),
    ("train-rng", lambda: train(net((2, 1)), regression(4), rng=0), T, "rng", "0"),
    ("train-data", lambda: train(net(), np.zeros((3, 3)), rng=rng()), V, "train_data", "ndarray"),
    ("evaluate-batch", lambda: evaluate(net((2, 1)), regression(2), batch_size=0), V, "batch_size",
     "0"),
    *[(f"{make.__name__}-{what}", lambda make=make, args=args, kw=kw: make(*args, **kw), error,
       name, got) for make in MAKERS for what, args, kw, error, name, got in [
        ("n-type", (1.5, rng()), {}, T, "n", "1.5"), ("n-1", (1, rng()), {}, V, "n", "1"),
        ("rng", (10, None), {}, T, "rng", "None"),
        ("noise", (10, rng()), dict(noise=-0.5), V, "noise", "-0.5"),
        ("noise-type", (10, rng()), dict(noise="a"), T, "noise", "'a'")]],
    ("circles-inner", lambda: planar.make_circles(10, rng(), inner=1.5), V, "inner", "1.5"),
    ("spiral-turns", lambda: planar.make_spiral(10, rng(), turns=-1.0), V, "turns", "-1.0"),
    ("split-rng", lambda: splits.split_indices(10, (0.5, 0.5), None), T, "rng", "None"),
    ("split-fractions-type", lambda: splits.split_indices(10, 5, rng()), T, "fractions", "5"),
    ("labels-one-hot", lambda: metrics.accuracy(np.eye(2, dtype=int), [0, 1]), V, "y_true",
     "(2, 2)"),
    ("labels-3d", lambda: metrics.accuracy(np.zeros((1, 1, 2), dtype=int), [0, 1]), V, "y_true",
     "(1, 1, 2)"),
    ("labels-float", lambda: metrics.accuracy([0.0], [0]), V, "y_true", "float64"),
    ("labels-pred-float", lambda: metrics.accuracy([0], [0.0]), V, "y_pred", "float64"),
    ("confusion-true", lambda: metrics.confusion_matrix([0, 2], [0, 1], 2), V, "y_true",
     "the class 2 at position 1"),
    ("confusion-pred", lambda: metrics.confusion_matrix([0, 1], [-1, 1], 2), V, "y_pred",
     "the class -1 at position 0"),
    # --- io: what a model file can hold, where it can be written -----------------------------------
    ("savable-model", lambda: io.check_savable(object()), T, "model", "object"),
    ("savable-history", lambda: io.check_savable(net(), history=[1.0]), T, "history", "list"),
    ("savable-history-key", lambda: io.check_savable(net(), history={"a b": [1.0]}), V, "history",
     "'a b'"),
    ("savable-metadata-key", lambda: io.check_savable(net(), metadata={"a b": 1}), V, "metadata",
     "'a b'"),
    ("savable-metadata-nan", lambda: io.check_savable(net(), metadata={"score": np.nan}), V,
     "metadata['score']", "nan"),
    ("model-layers", lambda: model_format.check_sizes("model", [1] * 1002, V), V, "model",
     "1001 layers"),
    ("writable-folder", lambda tmp_path: atomic.probe_writable(tmp_path), V, "path", "which is a folder"),
    ("writable-missing", lambda tmp_path: atomic.probe_writable(tmp_path / "no" / "m.npz"), V, "path",
     "cannot be written"),
    *[(f"{name}-none", call, T, arg, "None") for name, call, arg in [
        ("load", lambda: io.load(None, lambda *a: a), "path"),
        ("load-history", lambda: io.load_history(None), "path"),
        ("image-folder", lambda: io.load_image_folder(None), "root"),
        ("save", lambda: io.save(net(), None), "path")]],
    # --- the traced step (neuronnet trace's options, from Python) --------------------------------
    ("trace-loss", lambda: trace_recipe(loss="mse"), V, "loss", "'mse'"),
    ("trace-l2", lambda: trace_recipe(l2=-0.5), V, "l2", "-0.5"),
    ("trace-l2-type", lambda: trace_recipe(l2="0.1"), T, "l2", "'0.1'"),
    ("trace-option", lambda: trace_recipe(options={"epochs": 3}), T, "options", "'epochs'"),
    ("trace-momentum-unused", lambda: trace_recipe(options={"optimizer": "adam",
                                                            "momentum": 0.5}), V, "--momentum",
     "0.5"),
    ("trace-loss-targets", lambda: trace_recipe("sin", loss="cross_entropy"), V, "--loss",
     "cross_entropy"),
    # --- memory: the need and the machine's limit, before anything is allocated -----------------
    ("memory-reference", small_machine(lambda: MLP([1, 2**25], ["identity"], rng=rng())), V,
     "layer_sizes", "[1, 33554432], needing about 1.5 GiB"),
    ("memory-neuron-model", small_machine(lambda: Network([1, 2**25], ["identity"], rng=rng())), V,
     "layer_sizes", "[1, 33554432]"),
    ("memory-reference-check", small_machine(lambda: rv.fits_in_memory("layer_sizes", "[1, 3]", 2**31)), V,
     "layer_sizes", "[1, 3]"),
    ("memory-package-check", small_machine(lambda: memory.check_memory("--hidden", "100", 2**31, "net")), V,
     "--hidden", "100"),
    # --- the checker's ready adapters: a style it has ----------------------------------------------
    ("adapt-style", lambda: adapt("keras", None), V, "style", "'keras'"),
    ("adapt-style-type", lambda: adapt(b"nielsen", None), T, "style", "b'nielsen'"),
]


@pytest.mark.parametrize("call, error, name, got", [row[1:] for row in TABLE],
                         ids=[row[0] for row in TABLE])
def test_a_refusal_names_the_argument_what_it_got_and_what_was_expected(call, error, name, got,
                                                                         tmp_path):
    # A reader's own DataError and ModelFileError are ValueErrors of their own.
    assert_refusal(call, error, name, got, tmp_path, also=(io.DataError, io.ModelFileError))
