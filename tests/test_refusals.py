"""Refusals word for word: every argument error is one sentence, ``name: got X; expected Y``,
and the whole sentence is the contract (docs/semantics.md, "Refusals and limits"). Other tests
check that a message *contains* the argument's name; these pin every word, so a message that
names the wrong argument, loses its hint, or says nothing of what was expected fails here.

One table: a call, the error class it must raise, and the exact message. A failure prints the
message got under the one expected."""
import errno
import gzip
import os
import pathlib

import numpy as np
import pytest

from neuronnet import SGD, Network, io
from neuronnet.convert import from_arrays
from neuronnet.io import atomic
from neuronnet.training import Dataset, metrics, planar, splits, train
from reference import MLP
from reference import validation as reference_validation

GENERATOR = "a numpy.random.Generator ({}), e.g. numpy.random.default_rng(0)"
REAL_TYPE = "a finite real number (an int or a float)"


def rng():
    return np.random.default_rng(0)


def toy(n_features):
    return Dataset(np.ones((4, n_features)), targets=np.zeros((4, 2)), name="toy")


def mlp(**kwargs):
    args = dict(layer_sizes=[3, 2], activations=["identity"], rng=rng())
    args.update(kwargs)
    return MLP(**args)


MAKERS = [planar.make_xor, planar.make_moons, planar.make_circles, planar.make_spiral]

CASES = [
    # the planar datasets: one check of n, rng and noise for all four
    *[(f"{make.__name__}-n-type", lambda make=make: make(1.5, rng()), TypeError,
       "n: got 1.5; expected a positive integer") for make in MAKERS],
    *[(f"{make.__name__}-n-1", lambda make=make: make(1, rng()), ValueError,
       "n: got 1; expected at least 2 (one sample of each class)") for make in MAKERS],
    *[(f"{make.__name__}-rng", lambda make=make: make(10, None), TypeError,
       "rng: got None; expected " + GENERATOR.format("the points are drawn from it"))
      for make in MAKERS],
    *[(f"{make.__name__}-noise", lambda make=make: make(10, rng(), noise=-0.5), ValueError,
       "noise: got -0.5; expected a number >= 0.0") for make in MAKERS],
    *[(f"{make.__name__}-noise-type", lambda make=make: make(10, rng(), noise="a"), TypeError,
       f"noise: got 'a'; expected {REAL_TYPE}") for make in MAKERS],
    # splits
    ("split-rng", lambda: splits.split_indices(10, (0.5, 0.5), None), TypeError,
     "rng: got None; expected " + GENERATOR.format("the rows are permuted with it")),
    ("split-fractions-type", lambda: splits.split_indices(10, 5, rng()), TypeError,
     "fractions: got 5; expected a sequence of positive numbers summing to 1, e.g. "
     "(0.8, 0.1, 0.1)"),
    # The second part first gets a row at m = 101 (round(100 * 0.995) = 100 still leaves it
    # none); the search for that m must not stop short of it.
    ("split-empty-part-needs-rows", lambda: splits.split_indices(50, (0.995, 0.005), rng()),
     ValueError, "fractions: got (0.995, 0.005); part 1 (fraction 0.005) would be empty: the "
     "data has 50 rows, but these fractions need at least 101 rows to give every part a row"),
    # metrics
    ("labels-one-hot", lambda: metrics.accuracy(np.eye(2, dtype=int), [0, 1]), ValueError,
     "y_true: got an array of shape (2, 2); expected 1-D class indices (n,) (for one-hot rows "
     "use Y.argmax(axis=1))"),
    ("labels-3d", lambda: metrics.accuracy(np.zeros((1, 1, 2), dtype=int), [0, 1]), ValueError,
     "y_true: got an array of shape (1, 1, 2); expected 1-D class indices (n,)"),
    ("labels-one-float", lambda: metrics.accuracy([0.0], [0]), ValueError,
     "y_true: got an array of dtype float64; expected integer class indices (a float or bool "
     "label is ambiguous: convert it yourself)"),
    ("labels-pred-float", lambda: metrics.accuracy([0], [0.0]), ValueError,
     "y_pred: got an array of dtype float64; expected integer class indices (a float or bool "
     "label is ambiguous: convert it yourself)"),
    ("confusion-true-outside", lambda: metrics.confusion_matrix([0, 2], [0, 1], 2), ValueError,
     "y_true: got the class 2 at position 1; expected classes 0 .. 1 (n_classes=2)"),
    ("confusion-pred-outside", lambda: metrics.confusion_matrix([0, 1], [-1, 1], 2), ValueError,
     "y_pred: got the class -1 at position 0; expected classes 0 .. 1 (n_classes=2)"),
    # the book's conversions and optimizers
    ("from-arrays-counts", lambda: from_arrays([np.ones((2, 3))], [], ["identity"]), ValueError,
     "weights, biases: got 1 and 0 arrays; expected the same, non-zero number (one per layer)"),
    ("sgd-lr-type", lambda: SGD(lr="a"), TypeError, f"lr: got 'a'; expected {REAL_TYPE}"),
    ("network-clip-type", lambda: Network([3, 2], ["identity"], rng=rng()).train_step(
        np.zeros((1, 3)), np.zeros((1, 2)), clip_norm="a"), TypeError,
     f"clip_norm: got 'a'; expected {REAL_TYPE}"),
    ("network-clip-zero", lambda: Network([3, 2], ["identity"], rng=rng()).train_step(
        np.zeros((1, 3)), np.zeros((1, 2)), clip_norm=0), ValueError,
     "clip_norm: got 0.0; expected a number > 0"),
    # the training loop
    ("train-settings", lambda: train(Network([2, 2], ["identity"], rng=rng()), toy(2), rng=rng(),
                                     settings=5), TypeError,
     "settings: got a int; expected a neuronnet.training.Settings"),
    ("train-valid-shape", lambda: train(Network([2, 2], ["identity"], rng=rng()), toy(2),
                                        toy(3), rng=rng()), ValueError,
     "valid_data: got 3 features and 2 outputs; expected those of train_data (2 and 2)"),
    # the reference's own checks (independent of the package's)
    ("mlp-one-size", lambda: mlp(layer_sizes=[3]), ValueError,
     "layer_sizes: got [3]; expected at least two sizes [n_inputs, n_outputs]"),
    ("mlp-size-type", lambda: mlp(layer_sizes=[3, 2.5]), TypeError,
     "layer_sizes[1]: got 2.5; expected a positive integer"),
    ("mlp-size-zero", lambda: mlp(layer_sizes=[3, 0]), ValueError,
     "layer_sizes[1]: got 0; expected a positive integer"),
    ("mlp-init", lambda: mlp(init="zeros"), ValueError,
     "init: got 'zeros'; expected one of ['coursework', 'glorot_uniform', 'he_normal', "
     "'normal']"),
    ("mlp-init-before-rng", lambda: mlp(init="zeros", rng=None), ValueError,
     "init: got 'zeros'; expected one of ['coursework', 'glorot_uniform', 'he_normal', "
     "'normal']"),
    ("mlp-init-std-type", lambda: mlp(init="normal", init_std="x"), TypeError,
     f"init_std: got 'x'; expected {REAL_TYPE}"),
    ("mlp-init-std-nan", lambda: mlp(init="normal", init_std=float("nan")), ValueError,
     "init_std: got nan; expected a finite real number"),
    ("mlp-init-std-negative", lambda: mlp(init="normal", init_std=-1), ValueError,
     "init_std: got -1; expected a number >= 0.0"),
    ("mlp-rng-none", lambda: mlp(rng=None), TypeError,
     "rng: got None; expected " + GENERATOR.format("the initial weights are drawn from it")),
    ("mlp-rng-int", lambda: mlp(rng=42), TypeError,
     "rng: got 42; expected " + GENERATOR.format("the initial weights are drawn from it")),
    ("mlp-optimizer", lambda: mlp().train_step(np.zeros((1, 3)), np.zeros((1, 2)), "adam"),
     ValueError, "optimizer: got 'adam'; expected one of ['momentum', 'nesterov', 'sgd']"),
    ("mlp-momentum-one", lambda: mlp().train_step(np.zeros((1, 3)), np.zeros((1, 2)),
                                                  momentum=1.0),
     ValueError, "momentum: got 1.0; expected a number >= 0.0 and < 1.0"),
    *[(f"mlp-cross-entropy-{name}", lambda T=T: mlp(loss="cross_entropy").loss(
        np.zeros((2, 3)), np.array([[0.5, 0.5], T])), ValueError,
       f"Y: got row 1 summing to {total}{negative}; expected every row a probability "
       "distribution for cross_entropy: entries >= 0 summing to 1")
      for name, T, total, negative in [("negative", [1.5, -0.5], "1", " with a negative entry"),
                                       ("half", [0.25, 0.25], "0.5", ""),
                                       ("zero-entry", [0.0, 0.5], "0.5", "")]],
    ("mlp-clip-type", lambda: mlp().train_step(np.zeros((1, 3)), np.zeros((1, 2)),
                                               clip_norm="a"),
     TypeError, f"clip_norm: got 'a'; expected {REAL_TYPE}"),
    ("mlp-clip-negative", lambda: mlp().train_step(np.zeros((1, 3)), np.zeros((1, 2)),
                                                   clip_norm=-1),
     ValueError, "clip_norm: got -1; expected a number >= 0.0"),
    ("mlp-clip-inf", lambda: mlp().train_step(np.zeros((1, 3)), np.zeros((1, 2)),
                                              clip_norm=float("inf")),
     ValueError, "clip_norm: got inf; expected a finite real number"),
]


@pytest.mark.parametrize("call, error, message", [case[1:] for case in CASES],
                         ids=[case[0] for case in CASES])
def test_each_refusal_is_its_whole_sentence(call, error, message):
    with pytest.raises(error) as info:
        call()
    assert str(info.value) == message, f"\n got: {info.value}\nwant: {message}"


@pytest.mark.parametrize("make", MAKERS)
def test_two_points_are_enough_for_a_planar_dataset(make):
    X, y = make(2, rng())
    assert X.shape == (2, 2), X.shape
    assert list(y) == [0, 1], y


@pytest.mark.skipif(not hasattr(os, "sysconf"), reason="no os.sysconf: memory is not known")
def test_the_machine_memory_refusal_states_the_need_and_the_limit(monkeypatch):
    # The reference holds 3 float64 numbers per parameter (weights, gradients, velocities):
    # 24 (a + 1) b bytes for a layer of a inputs (and the bias) and b neurons. With 1 GiB of
    # memory, [1, 2**25] needs 24 * 2 * 2**25 bytes = 1.5 GiB.
    sizes = {"SC_PAGE_SIZE": 4096, "SC_PHYS_PAGES": 2**30 // 4096}
    monkeypatch.setattr(os, "sysconf", sizes.__getitem__)
    with pytest.raises(ValueError) as info:
        MLP([1, 2**25], ["identity"], rng=rng())
    assert str(info.value) == ("layer_sizes: got [1, 33554432], needing about 1.5 GiB; "
                               "expected at most the machine's 1.0 GiB")
    with pytest.raises(ValueError) as info:
        reference_validation.fits_in_memory("layer_sizes", "[1, 3]", 3 * 2**30)
    assert str(info.value) == ("layer_sizes: got [1, 3], needing about 3.0 GiB; expected at "
                               "most the machine's 1.0 GiB")
    reference_validation.fits_in_memory("layer_sizes", "[1, 1]", 2**30)  # exactly: it fits


def test_a_path_refused_for_writing_says_which_and_why(tmp_path):
    with pytest.raises(ValueError) as info:
        atomic.probe_writable(tmp_path)
    assert str(info.value) == f"path: got {str(tmp_path)!r}, which is a folder; expected a " \
                              "file name"
    target = tmp_path / "missing" / "model.npz"
    with pytest.raises(ValueError) as info:
        atomic.probe_writable(target)
    assert str(info.value) == (f"path: {str(target)!r} cannot be written "
                               f"({os.strerror(errno.ENOENT)}); expected a file name in a "
                               "folder you can write to")


def test_an_idx_file_that_cannot_be_read_is_named_with_the_cause(tmp_path, monkeypatch):
    with pytest.raises(io.DataError) as info:
        io.read_idx(tmp_path / "none.idx")
    assert str(info.value) == f"{tmp_path / 'none.idx'}: this path does not exist; expected " \
                              "an IDX file (gzipped or raw)"
    with pytest.raises(io.DataError) as info:
        io.read_idx(tmp_path)
    assert str(info.value) == f"{tmp_path}: this path is not a file; expected an IDX file " \
                              "(gzipped or raw)"
    broken = tmp_path / "broken.idx.gz"
    broken.write_bytes(gzip.compress(b"\x00\x00\x08\x01\x00\x00\x00\x05abcde")[:-6])
    with pytest.raises(io.DataError) as info:
        io.read_idx(broken)
    cause = info.value.__cause__
    assert isinstance(cause, (OSError, EOFError))
    assert str(info.value) == (f"{broken}: the gzip stream is corrupt or truncated "
                               f"({type(cause).__name__}: {cause})")
    # A raw file the system will not open (as root, permissions cannot refuse it: simulated).
    raw = tmp_path / "raw.idx"
    raw.write_bytes(b"\x00\x00\x08\x01\x00\x00\x00\x01a")

    def refuse(self, *args, **kwargs):
        raise PermissionError(13, "Permission denied")
    monkeypatch.setattr(pathlib.Path, "open", refuse)
    with pytest.raises(io.DataError) as info:
        io.read_idx(raw)
    assert str(info.value) == (f"{raw}: the file could not be read (PermissionError: "
                               "[Errno 13] Permission denied)")


def test_the_model_file_refusals(tmp_path):
    net = Network([2, 1], ["identity"], rng=rng())
    cases = [
        (lambda: io.check_savable(object()), TypeError,
         "model: got a object; expected a model with parameters(), activation_names and "
         "loss_name (a neuronnet Network or a reference.MLP)"),
        (lambda: io.check_savable(net, history=[1.0]), TypeError,
         "history: got a list; expected a dict of str -> list of numbers (None for a missing "
         "value)"),
        (lambda: io.check_savable(net, history={"a b": [1.0]}), ValueError,
         "history: got the key 'a b'; expected a non-empty str of letters, digits, '_', '.' "
         "and '-' (it names a member of the zip file)"),
        (lambda: io.check_savable(net, metadata={"a b": 1}), ValueError,
         "metadata: got the key 'a b'; expected a non-empty str of letters, digits, '_', '.' "
         "and '-' (it names a member of the zip file)"),
    ]
    for call, error, message in cases:
        with pytest.raises(error) as info:
            call()
        assert str(info.value) == message, f"\n got: {info.value}\nwant: {message}"


@pytest.mark.skipif(not hasattr(os, "sysconf"), reason="no os.sysconf: memory is not known")
def test_the_neuron_model_refuses_what_the_machine_cannot_hold(monkeypatch):
    # 24 bytes per parameter (weight, velocity, gradient) and NEURON_BYTES per neuron object:
    # a network needing exactly the machine's memory is built, one byte more is refused.
    from neuronnet.architecture import NEURON_BYTES, memory_needed
    assert memory_needed([3, 4, 2]) == 24 * ((3 + 1) * 4 + (4 + 1) * 2) + NEURON_BYTES * 6
    needed = memory_needed([1, 2])
    for pages, fits in ((needed, True), (needed - 1, False)):
        monkeypatch.setattr(os, "sysconf", {"SC_PAGE_SIZE": 1, "SC_PHYS_PAGES": pages}.get)
        if fits:
            Network([1, 2], ["identity"], rng=rng())
            continue
        with pytest.raises(ValueError) as info:
            Network([1, 2], ["identity"], rng=rng())
        want = (f"layer_sizes: got [1, 2], which needs about {needed / 2**30:,.1f} GiB for "
                "weights, velocities, gradients and one neuron object per neuron; expected at "
                f"most the machine's {(needed - 1) / 2**30:,.1f} GiB")
        assert str(info.value) == want, f"\n got: {info.value}\nwant: {want}"
    monkeypatch.setattr(os, "sysconf", {"SC_PAGE_SIZE": 4096, "SC_PHYS_PAGES": 2**30 // 4096}.get)
    with pytest.raises(ValueError) as info:
        Network([1, 2**25], ["identity"], rng=rng())
    want = (f"layer_sizes: got [1, 33554432], which needs about "
            f"{(48 + NEURON_BYTES) * 2**25 / 2**30:,.1f} GiB for weights, velocities, gradients "
            "and one neuron object per neuron; expected at most the machine's 1.0 GiB")
    assert str(info.value) == want, f"\n got: {info.value}\nwant: {want}"
