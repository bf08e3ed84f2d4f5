"""Every refusal of the reference (reference/validation.py and reference.MLP), in one table,
checked by the one structural test of tests/refusing.py: ``name: got X; expected Y``, a
TypeError for a wrong type, a ValueError for a bad value. The reference's checks are its own,
written apart from the package's (tests/test_refusals.py holds the package's table)."""
import numpy as np
import pytest

from reference import MLP
from reference import validation as rv
from refusing import assert_refusal, each

T, V = TypeError, ValueError


def rng():
    return np.random.default_rng(0)


def mlp(**kwargs):
    return MLP(**{**dict(layer_sizes=[3, 2], activations=["identity"], rng=rng()), **kwargs})


W0, W1 = np.arange(6.0).reshape(3, 2), np.arange(12.0).reshape(4, 3)
b0, b1 = np.array([0.5, -0.5, 1.0]), np.array([1.0, 2.0, 3.0, 4.0])


def ref():                                                      # 2 -> 3 -> 4
    return MLP.from_arrays([W0, W1], [b0, b1], ["tanh", "identity"])


TABLE = [
    # --- the reference's own checks (independent of the package's) ------------------------------
    ("rv-fail", lambda: rv.fail("x", "1", "2"), V, "x", "1"),
    *each("rv-int", lambda x: rv.positive_int("n", x), "n", [(False, T), (1.0, T), (0, V)]),
    *each("rv-real", lambda x: rv.real("x", x, 0.0), "x", [("1", T), (False, T), (np.nan, V),
                                                           (-0.5, V)]),
    ("rv-real-high", lambda: rv.real("x", 1.0, 0.0, 1.0), V, "x", "1.0"),
    ("rv-generator", lambda: rv.generator("rng", None, "why"), T, "rng", "None"),
    ("rv-array-str", lambda: rv.finite_array("A", [["a"]]), T, "A", "'U'"),
    ("rv-array-ragged", lambda: rv.finite_array("A", [[1.0], [1.0, 2.0]]), T, "A", "'O'"),
    ("rv-array-bool", lambda: rv.finite_array("A", np.ones((2, 2), dtype=bool)), T, "A", "'b'"),
    ("rv-array-cols", lambda: rv.finite_array("A", np.ones((2, 2)), (None, 3)), V, "A", "(2, 2)"),
    ("rv-array-rows", lambda: rv.finite_array("A", np.ones((3, 2)), (2, None)), V, "A", "(3, 2)"),
    ("rv-array-1d", lambda: rv.finite_array("A", np.ones(3), (4,)), V, "A", "(3,)"),
    ("rv-array-ndim", lambda: rv.finite_array("A", np.ones(3), (3, 1)), V, "A", "(3,)"),
    ("rv-array-inf", lambda: rv.finite_array("A", [1.0, -np.inf]), V, "A", None),
    ("rv-data-no-row", lambda: rv.data(np.ones((0, 2)), None, 2, 1), V, "X", "(0, 2)"),
    ("rv-data-y-cols", lambda: rv.data(np.ones((3, 2)), np.ones((3, 2)), 2, 1), V, "Y", "(3, 2)"),
    ("rv-data-y-rows", lambda: rv.data(np.ones((3, 2)), np.ones((2, 1)), 2, 1), V, "Y", "2 rows"),
    ("rv-rows-sum", lambda: rv.distribution_rows("Y", np.array([[1.0, 0.0], [0.3, 0.3]])), V, "Y",
     "row 1 summing to 0.6"),
    ("rv-rows-negative", lambda: rv.distribution_rows("Y", np.array([[2.0, -1.0], [0.5, 0.0]])),
     V, "Y", "row 0 summing to 1 with a negative entry"),
    # --- the reference model -------------------------------------------------------------------------
    ("mlp-one-size", lambda: mlp(layer_sizes=[3]), V, "layer_sizes", "[3]"),
    ("mlp-size-type", lambda: mlp(layer_sizes=[3, 2.5]), T, "layer_sizes[1]", "2.5"),
    ("mlp-size-zero", lambda: mlp(layer_sizes=[3, 0]), V, "layer_sizes[1]", "0"),
    ("mlp-init", lambda: mlp(init="zeros"), V, "init", "'zeros'"),
    ("mlp-init-before-rng", lambda: mlp(init="zeros", rng=None), V, "init", "'zeros'"),
    *each("mlp-init-std", lambda x: mlp(init="normal", init_std=x), "init_std",
          [("x", T), (float("nan"), V), (-1, V)]),
    *each("mlp-rng", lambda x: mlp(rng=x), "rng", [(None, T), (42, T)]),
    ("mlp-optimizer", lambda: mlp().train_step(np.zeros((1, 3)), np.zeros((1, 2)), "adagrad"), V,
     "optimizer", "'adagrad'"),
    ("mlp-momentum-one", lambda: mlp().train_step(np.zeros((1, 3)), np.zeros((1, 2)),
                                                  momentum=1.0), V, "momentum", "1.0"),
    *[(f"mlp-cross-entropy-{name}", lambda T=row: mlp(loss="cross_entropy").loss(
        np.zeros((2, 3)), np.array([[0.5, 0.5], T])), V, "Y", got)
      for name, row, got in [("negative", [1.5, -0.5], "row 1 summing to 1 with a negative"),
                             ("half", [0.25, 0.25], "row 1 summing to 0.5"),
                             ("zero-entry", [0.0, 0.5], "row 1 summing to 0.5")]],
    ("mlp-clip-type", lambda: mlp().train_step(np.zeros((1, 3)), np.zeros((1, 2)), clip_norm="a"),
     T, "clip_norm", "'a'"),
    ("mlp-clip-negative", lambda: mlp().train_step(np.zeros((1, 3)), np.zeros((1, 2)),
                                                   clip_norm=-1), V, "clip_norm", "-1"),
    ("mlp-clip-inf", lambda: mlp().train_step(np.zeros((1, 3)), np.zeros((1, 2)),
                                              clip_norm=float("inf")), V, "clip_norm", "inf"),
    ("mlp-arrays-none", lambda: MLP.from_arrays([], [], "tanh"), V, "weights, biases", "0 and 0"),
    ("mlp-arrays-counts", lambda: MLP.from_arrays([W0], [b0, b1], "tanh"), V, "weights, biases",
     "1 and 2"),
    ("mlp-arrays-empty", lambda: MLP.from_arrays([np.ones((0, 2))], [np.zeros(0)], "tanh"), V,
     "weights[0]", "(0, 2)"),
    ("mlp-arrays-empty-1", lambda: MLP.from_arrays([W0, np.ones((4, 0))], [b0, b1], "tanh"), V,
     "weights[1]", "(4, 0)"),
    ("mlp-arrays-1d", lambda: MLP.from_arrays([np.ones(3)], [b0], "tanh"), V, "weights[0]", "(3,)"),
    ("mlp-arrays-bias", lambda: MLP.from_arrays([W0], [np.zeros(2)], "tanh"), V, "biases[0]",
     "(2,)"),
    ("mlp-arrays-bias-1", lambda: MLP.from_arrays([W0, W1], [b0, np.zeros(3)], "tanh"), V,
     "biases[1]", "(3,)"),
    ("mlp-arrays-nan", lambda: MLP.from_arrays([W0], [[np.nan] * 3], "tanh"), V, "biases[0]", None),
    ("mlp-arrays-chain", lambda: MLP.from_arrays([W0, np.ones((4, 2))], [b0, b1], "tanh"), V,
     "weights[1]", "(4, 2)"),
    ("mlp-activations", lambda: MLP.from_arrays([W0, W1], [b0, b1], ["tanh"]), V, "activations",
     "['tanh']"),
    ("mlp-activations-int", lambda: MLP.from_arrays([W0, W1], [b0, b1], 5), V, "activations", "5"),
    ("mlp-activation", lambda: MLP.from_arrays([W0, W1], [b0, b1], ["tanh", "softplus"]), V,
     "activation", "'softplus'"),
    ("mlp-loss", lambda: MLP.from_arrays([W0, W1], [b0, b1], "tanh", loss="mae"), V, "loss", "'mae'"),
    ("mlp-params-type", lambda: ref().set_parameters(5), T, "params", "int"),
    ("mlp-params-count", lambda: ref().set_parameters([W0]), V, "params", "1 arrays"),
    ("mlp-params-bias", lambda: ref().set_parameters([W0, b0, W1, np.zeros(3)]), V, "params[3]",
     "(3,)"),
    ("mlp-params-transposed", lambda: ref().set_parameters([W0, b0, W1.T, b1]), V, "params[2]",
     "(3, 4)"),
    ("mlp-params-inf", lambda: ref().set_parameters([W0, b0 * np.inf, W1, b1]), V, "params[1]",
     None),
    ("mlp-X", lambda: ref().gradient(np.ones((5, 3)), np.ones((5, 4))), V, "X", "(5, 3)"),
    ("mlp-Y", lambda: ref().gradient(np.ones((5, 2)), np.ones((5, 3))), V, "Y", "(5, 3)"),
    ("mlp-backward-shape", lambda: (lambda n: (n.forward(np.ones((5, 2))),
                                               n.backward(np.ones((4, 4)))))(ref()), V,
     "grad_output", "(4, 4)"),
]


@pytest.mark.parametrize("call, error, name, got", [row[1:] for row in TABLE],
                         ids=[row[0] for row in TABLE])
def test_a_refusal_names_the_argument_what_it_got_and_what_was_expected(call, error, name, got,
                                                                         tmp_path):
    assert_refusal(call, error, name, got, tmp_path)
