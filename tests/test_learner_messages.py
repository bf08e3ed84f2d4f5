"""The handful of messages a learner reads most, pinned word for word: the only whole sentences
the suite pins. Every other refusal is checked by its shape alone (tests/test_refusals.py), so
that rewording a phrase breaks at most the one or two sentences below that print it.

The list (a change to one of these sentences is a change a learner sees, so it is made here on
purpose):
1. a network made without a generator;
2. one activation too few;
3. data of the wrong width;
4. targets of the wrong length;
5. cross-entropy targets that are not probabilities;
6. a batch larger than the data;
7. an optimizer that does not exist;
8. `neuronnet train iris --epochs 0`;
9. `neuronnet train xor --batch-size 401`."""
import contextlib
import io

import numpy as np
import pytest

from neuronnet import Network
from neuronnet.app.cli import main


def wide(**kwargs):
    return Network([2, 3, 4], ["tanh", "identity"], rng=np.random.default_rng(0), **kwargs)


def cli(argv):
    """What the command line prints on stderr for ``argv`` (it must stop with exit code 2)."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as stop:
            code = stop.code
    assert code == 2, (code, err.getvalue())
    raise ValueError(err.getvalue())


MESSAGES = [
    ("no-generator", lambda: Network([2, 3, 4], ["tanh", "identity"], rng=None),
     "rng: got None; expected a numpy.random.Generator (the initial weights are drawn from it), "
     "e.g. numpy.random.default_rng(0)"),
    ("activations", lambda: Network([2, 3, 4], ["tanh"], rng=np.random.default_rng(0)),
     "activations: got 1 activations; expected 2, one per layer of neurons"),
    ("data-width", lambda: wide().gradient(np.ones((5, 3)), np.ones((5, 4))),
     "X: got an array of shape (5, 3); expected 2 columns, shape (n_samples, 2)"),
    ("target-rows", lambda: wide().train_step(np.ones((5, 2)), np.ones((4, 4))),
     "Y: got 4 rows for the 5 rows of X; expected one target row per sample"),
    ("cross-entropy-targets", lambda: wide(loss="cross_entropy").gradient(
        np.ones((2, 2)), np.full((2, 4), 0.5)),
     "Y: row 0 is [0.5 0.5 0.5 0.5] (sum 2); expected, for cross_entropy, every row a "
     "probability distribution: entries >= 0 summing to 1 (a one-hot row for a class label)"),
    ("batch-too-large", lambda: wide().fit(np.ones((4, 2)), np.zeros((4, 4)),
                                           batch_mode="minibatch", batch_size=9,
                                           rng=np.random.default_rng(0)),
     "batch_size: got 9 for 4 samples; expected at most the number of samples (or "
     "batch_mode='full')"),
    ("no-such-optimizer", lambda: wide().train_step(np.ones((5, 2)), np.ones((5, 4)), "adagrad"),
     "optimizer: got 'adagrad'; expected one of ['adam', 'momentum', 'nesterov', 'rmsprop', "
     "'sgd'] or an Optimizer instance"),
    ("cli-epochs", lambda: cli(["train", "iris", "--epochs", "0"]),
     "neuronnet train: error: argument --epochs: got 0; expected a positive integer (see "
     "neuronnet train --help)\n"),
    ("cli-batch-size", lambda: cli(["train", "xor", "--batch-size", "401"]),
     "neuronnet: error: --batch-size: got 401 for the 400 training rows of recipe xor; expected "
     "at most 400, or --batch-mode full (--debug shows the traceback)\n"),
]


@pytest.mark.parametrize("call, sentence", [case[1:] for case in MESSAGES],
                         ids=[case[0] for case in MESSAGES])
def test_a_message_a_learner_reads_most_is_this_sentence(call, sentence):
    with pytest.raises((TypeError, ValueError)) as info:
        call()
    assert str(info.value) == sentence, f"\n got: {info.value}\nwant: {sentence}"
