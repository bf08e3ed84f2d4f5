"""The training loop against its contract (docs/semantics.md, "The training loop"), step by step.

Both models go through the same loop, so comparing them cannot see a bug in it. Here a
recording model (the neuron model, wrapped; the reference recomputes the expected figures) is
driven by ``train()`` and every call it receives is compared with the sequence the contract
implies, written out again below from the contract's words: the generator's draws, the rate of
each epoch, the batches of each batch mode, the momentum and clipping of every step, the
evaluation passes, the best epoch and early stopping; and every figure of the history is
recomputed from the parameters the loop had.
"""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from neuronnet import Network
from neuronnet.optimizers import Momentum, Nesterov
from neuronnet.training import Dataset, Settings, train
from reference import MLP
from strategies import budget

SIZES, ACTS = [2, 3, 2], ["tanh", "identity"]


class Recording:
    """A model that writes down what the loop asks of it, in order. Column 0 of every X is the
    row's id (train rows 0..n-1, validation rows -1..-m), so a batch says which rows it holds.
    It wraps the neuron model, which takes Optimizer objects as well as names."""

    def __init__(self, inner):
        self.inner, self.calls = inner, []

    def train_step(self, X, Y, optimizer, lr, momentum, clip_norm):
        loss = self.inner.train_step(X, Y, optimizer=optimizer, lr=lr, momentum=momentum,
                                     clip_norm=clip_norm)
        self.calls.append(("step", _ids(X), _rule(optimizer), lr, momentum, clip_norm, loss))
        return loss

    def output_and_loss(self, X, Y):
        out, loss = self.inner.output_and_loss(X, Y)
        self.calls.append(("forward", _ids(X), loss))
        return out, loss

    def parameters(self):
        return self.inner.parameters()

    def set_parameters(self, params):
        self.inner.set_parameters(params)


def _ids(X):
    return [int(round(i)) for i in X[:, 0]]


def _rule(optimizer):
    """A step's update rule: its name, or an Optimizer object's class, rate and mu."""
    if isinstance(optimizer, str):
        return optimizer
    return (type(optimizer).__name__, optimizer.lr, getattr(optimizer, "mu", None))


# --- the contract, written out -------------------------------------------------------------------
def batches(order, mode, k):
    """docs/semantics.md, "Batch modes and the epoch": (rows, learn) of one epoch."""
    order = [int(i) for i in order]
    if mode == "online":
        return [([i], True) for i in order]
    if mode == "minibatch":
        return [(order[s:s + k], True) for s in range(0, len(order), k)]
    if mode == "full":
        return [(order, True)]
    return [([i], p % k == 0) for p, i in enumerate(order)]        # sampled


def rate_of(schedule, lr, epoch, last_loss):
    """docs/semantics.md, step 1 of an epoch."""
    if schedule is None:
        return lr
    if schedule[0] == "step":
        return lr * schedule[1] ** ((epoch - 1) // schedule[2])
    below = [rate for threshold, rate in schedule[1] if last_loss is not None
             and last_loss < threshold]
    return below[-1] if below else lr     # thresholds fall, so the last one below is smallest


def chunks(ids, size):
    return [ids[s:s + size] for s in range(0, len(ids), size)]


# --- the property ---------------------------------------------------------------------------------
SCHEDULES = st.sampled_from([None, ("step", 0.5, 2), ("step", 0.1, 1),
                             ("threshold", [(0.75, 0.05), (0.7, 0.02)])])
OPTIMIZERS = st.sampled_from(["sgd", "momentum", "nesterov", Momentum(0.3, mu=0.5),
                              Nesterov(0.3, mu=0.8)])


@settings(max_examples=budget(60), deadline=None)
@given(n=st.integers(1, 9), m=st.integers(0, 4), seed=st.integers(0, 2**16),
       epochs=st.integers(1, 5), mode=st.sampled_from(["online", "minibatch", "full", "sampled"]),
       k=st.integers(1, 9), optimizer=OPTIMIZERS, lr=st.sampled_from([0.0, 0.05, 0.3, 2.0]),
       momentum=st.sampled_from([0.0, 0.5, 0.9]), schedule=SCHEDULES,
       clip_norm=st.sampled_from([None, 0.05, 1.0]), patience=st.sampled_from([None, 1, 2]),
       eval_size=st.integers(1, 10), eval_batch=st.integers(1, 4))
def test_the_loop_makes_exactly_the_calls_its_contract_implies(n, m, seed, epochs, mode, k,
                                                               optimizer, lr, momentum, schedule,
                                                               clip_norm, patience, eval_size,
                                                               eval_batch):
    # lr 0 leaves the parameters alone: every epoch's validation loss ties with the first's,
    # where the contract keeps the first (strictly below every earlier one).
    k = min(k, n)
    if schedule is not None and schedule[0] == "threshold":
        lr = max(lr, 0.05)          # its rates may not rise above the base rate as loss falls
    data_rng = np.random.default_rng(seed + 1)
    X = np.column_stack([np.arange(n), data_rng.normal(size=n)])
    train_data = Dataset(X, labels=data_rng.integers(0, 2, n), n_classes=2)
    valid = None
    if m:
        valid = Dataset(np.column_stack([-1 - np.arange(m), data_rng.normal(size=m)]),
                        labels=data_rng.integers(0, 2, m), n_classes=2)
    model = Recording(Network(SIZES, ACTS, "cross_entropy", rng=np.random.default_rng(seed)))
    start = model.parameters()
    chosen = Settings(epochs=epochs, batch_mode=mode, batch_size=k, optimizer=optimizer, lr=lr,
                      momentum=momentum, schedule=schedule, clip_norm=clip_norm,
                      patience=patience)
    after = []                                          # the parameters after each epoch
    result = train(model, train_data, valid, rng=np.random.default_rng(seed), settings=chosen,
                   train_eval_size=eval_size, eval_batch_size=eval_batch,
                   on_epoch=lambda row: after.append(model.parameters()))
    assert not result.diverged, result.stop_reason
    history, calls = result.history, list(model.calls)

    # The generator: the evaluated training rows first (only when there are more rows than
    # train_eval_size), then one permutation per epoch.
    rng = np.random.default_rng(seed)
    eval_ids = sorted(int(i) for i in rng.choice(n, eval_size, replace=False)) \
        if n > eval_size else list(range(n))
    valid_ids = [-1 - i for i in range(m)]
    # A dry forward of one row of each set before any step.
    assert calls[:1 + bool(m)] == [("forward", [0], calls[0][2])] + (
        [("forward", [-1], calls[1][2])] if m else [])
    del calls[:1 + bool(m)]
    # The untrained model on the evaluated training rows: the divergence rule's start loss.
    for ids in chunks(eval_ids, eval_batch):
        assert calls.pop(0)[:2] == ("forward", ids), ("start", ids)

    ran = len(history["epoch"])
    assert history["epoch"] == list(range(1, ran + 1))
    measured = history["valid_loss"] if m else history["train_loss"]
    best_epoch, best_loss = 0, np.inf
    for e in range(1, ran + 1):
        # 1. the rate, from the schedule and the previous epoch's measured training loss
        rate = rate_of(schedule, lr, e, history["train_loss"][e - 2] if e > 1 else None)
        assert history["lr"][e - 1] == rate
        rule = optimizer if isinstance(optimizer, str) else (type(optimizer).__name__, rate,
                                                             optimizer.mu)
        # 2. the batches of the epoch's permutation, each a step or (sampled) a forward
        total = 0.0
        for rows, learn in batches(rng.permutation(n), mode, k):
            call = calls.pop(0)
            if learn:
                assert call[:6] == ("step", rows, rule, rate, momentum, clip_norm), (e, call)
            else:
                assert call[:2] == ("forward", rows), (e, call)
            total += call[-1] * len(rows)
        assert history["step_loss"][e - 1] == pytest.approx(total / n, rel=1e-12)
        # 3. evaluation: the evaluated training rows, then the validation set, in chunks
        for ids in chunks(eval_ids, eval_batch) + chunks(valid_ids, eval_batch):
            assert calls.pop(0)[:2] == ("forward", ids), (e, ids)
        oracle = MLP.from_arrays(after[e - 1][0::2], after[e - 1][1::2], ACTS, "cross_entropy")
        for ids, dataset, key in ((eval_ids, train_data, "train"), (valid_ids, valid, "valid")):
            if ids:
                rows = np.array(ids) if key == "train" else -1 - np.array(ids)
                Xb, Yb = dataset.batch(rows)
                assert history[f"{key}_loss"][e - 1] == pytest.approx(oracle.loss(Xb, Yb),
                                                                      rel=1e-12)
                hits = oracle.forward(Xb).argmax(axis=1) == Yb.argmax(axis=1)
                assert history[f"{key}_accuracy"][e - 1] == pytest.approx(hits.mean())
        # 4. the best epoch: a validation loss strictly below every earlier one
        if measured[e - 1] < best_loss:
            best_epoch, best_loss = e, measured[e - 1]
        # 5. early stopping
        if patience is not None and e - best_epoch >= patience:
            assert e == ran, f"went on after epoch {e}, {patience} epochs after the best"
    assert calls == [], f"calls the contract does not make: {calls[:3]}"
    assert ran == epochs or (patience is not None and ran - best_epoch >= patience)
    assert result.best_epoch == best_epoch
    kept = after[best_epoch - 1] if best_epoch else start
    assert all(np.array_equal(a, b) for a, b in zip(result.best_model.parameters(), kept))
    assert result.best_model is not model and result.model is model


# --- the loop and fit, and training in pieces ------------------------------------------------------
def blobs_dataset(seed, n=10):
    rng = np.random.default_rng(seed)
    return Dataset(rng.normal(size=(n, 2)), labels=rng.integers(0, 2, n), n_classes=2)


MODELS = {"neuron": Network, "reference": MLP}


@pytest.mark.parametrize("kind", sorted(MODELS))
@settings(max_examples=budget(20), deadline=None)
@given(seed=st.integers(0, 2**16), epochs=st.integers(1, 4),
       mode=st.sampled_from(["online", "minibatch", "full", "sampled"]), k=st.integers(1, 10),
       optimizer=st.sampled_from(["sgd", "momentum", "nesterov"]))
def test_train_with_a_constant_rate_is_fit_bitwise(kind, seed, epochs, mode, k, optimizer):
    # No schedule, no clipping, no subset of the training rows to evaluate: then train() steps
    # exactly as fit() does on the same generator (evaluation draws nothing).
    data = blobs_dataset(seed)
    X, Y = data.batch(np.arange(len(data)))
    a = MODELS[kind](SIZES, ACTS, "cross_entropy", rng=np.random.default_rng(seed))
    b = MODELS[kind](SIZES, ACTS, "cross_entropy", rng=np.random.default_rng(seed))
    options = dict(epochs=epochs, batch_mode=mode, batch_size=k, optimizer=optimizer, lr=0.2,
                   momentum=0.7)
    history = train(a, data, rng=np.random.default_rng(seed + 9), **options).history
    losses = b.fit(X, Y, rng=np.random.default_rng(seed + 9), **options)
    assert all(np.array_equal(p, q) for p, q in zip(a.parameters(), b.parameters()))
    assert history["step_loss"] == losses


@pytest.mark.parametrize("kind", sorted(MODELS))
@settings(max_examples=budget(20), deadline=None)
@given(seed=st.integers(0, 2**16), first=st.integers(1, 3), second=st.integers(1, 3),
       mode=st.sampled_from(["online", "minibatch", "full", "sampled"]),
       optimizer=st.sampled_from(["momentum", "nesterov", Momentum(0.2, mu=0.6)]))
def test_training_in_pieces_is_training_at_once(kind, seed, first, second, mode, optimizer):
    # The contract: the model keeps its velocities between calls, and the generator goes on
    # where it stopped; with a constant rate and every training row evaluated, two calls of
    # train() are one call of first + second epochs (and so are two calls of fit()).
    if kind == "reference" and not isinstance(optimizer, str):
        optimizer = optimizer.name          # the reference takes update rules by name only
    data = blobs_dataset(seed)
    X, Y = data.batch(np.arange(len(data)))
    options = dict(batch_mode=mode, batch_size=3, optimizer=optimizer, lr=0.2, momentum=0.7)
    models = [MODELS[kind](SIZES, ACTS, "cross_entropy", rng=np.random.default_rng(seed))
              for _ in range(4)]
    rngs = [np.random.default_rng(seed + 5) for _ in range(4)]
    train(models[0], data, rng=rngs[0], epochs=first + second, **options)
    train(models[1], data, rng=rngs[1], epochs=first, **options)
    train(models[1], data, rng=rngs[1], epochs=second, **options)
    if isinstance(optimizer, str):
        models[2].fit(X, Y, rng=rngs[2], epochs=first + second, **options)
        models[3].fit(X, Y, rng=rngs[3], epochs=first, **options)
        models[3].fit(X, Y, rng=rngs[3], epochs=second, **options)
    else:
        models[2:] = models[:2]
    for model in models[1:]:
        assert all(np.array_equal(p, q) for p, q in zip(models[0].parameters(),
                                                        model.parameters()))
