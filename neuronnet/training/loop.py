"""The training loop: epochs, batches, schedules, validation, the best model, early stopping.

One loop for both models. It needs only what the neuron ``Network`` and ``reference.MLP``
both offer: ``train_step(X, Y, optimizer, lr, momentum, clip_norm)`` (one update, returns the
loss before it), ``output_and_loss(X, Y)`` (a forward pass that changes no parameter),
``parameters()`` (copies) and ``set_parameters(params)``. Given the same seed, data and settings,
the two models take the same steps, so their histories agree to rounding. The optimizer is made
once per run from the settings; the neuron ``Network`` is handed it and steps on batches
checked once, before the first epoch (``Network.step``).

An epoch, in order:

1. the rate for the epoch from the schedule (which may look at the last epoch's loss);
2. the epoch's sample order ``rng.permutation(n)``, cut into batches by the batch mode, each
   one step (neuronnet/epoch.py, the one epoch loop of the package);
3. after each batch, a check that its loss is finite (else: stop, diverged);
4. evaluation, which changes no parameter: training loss and accuracy on a fixed subset of the
   training set, validation loss and accuracy on the validation set; a training loss past the
   divergence rule (neuronnet/divergence.py: more than 1000 times the untrained model's loss on
   the same rows) stops the run as diverged;
5. if the validation loss is the lowest so far, a *copy* of the parameters becomes the best
   snapshot (source 004 kept ``best_net = self``, an alias of the live model that went on
   training, so its "best" model was always the last one);
6. early stopping once ``patience`` epochs pass without a new lowest validation loss.
"""
import copy
import functools
import math
import sys
import time
from dataclasses import dataclass, field

import numpy as np

from .. import batching
from ..divergence import BLOW_UP
from ..divergence import diverged as blew_up
from ..epoch import run_epoch
from ..guards import check_generator, check_positive_int, check_real, fail, signals_deferred
from ..network import Network
from .dataset import check_dataset
from .evaluation import evaluate
from .settings import Settings


@dataclass
class TrainingResult:
    """``best_model``: a copy of the model at the epoch of lowest validation loss (never the
    live object). ``model``: the live model as training left it. ``history``: per epoch lists
    (see :func:`train`). ``stop_reason``: why training ended, in words."""
    best_model: object
    model: object
    history: dict
    best_epoch: int
    stop_reason: str
    diverged: bool = False
    interrupted: bool = False
    timings: dict = field(default_factory=dict)


def check_batch_fits(settings, n_samples):
    """The one check of a setting against the data: a minibatch of ``settings.batch_size`` rows
    must fit in the ``n_samples`` training rows. Its own function so that a caller can make it
    before any work of its own (the command line, before it prints the run's head)."""
    if settings.batch_mode == "minibatch" and settings.batch_size > n_samples:
        fail("batch_size", f"{settings.batch_size} for {n_samples} training samples",
             "at most the number of samples (or batch_mode='full')")


def train(model, train_data, valid_data=None, *, rng, settings=None, train_eval_size=10000,
          eval_batch_size=1000, progress=False, on_epoch=None, **changes):
    """Train ``model`` on ``train_data`` (a :class:`Dataset`) and return a :class:`TrainingResult`.

    Parameters
    ----------
    rng : numpy.random.Generator
        Draws each epoch's sample order (and, once, the training rows evaluated each epoch).
    settings : a :class:`Settings` (default ``Settings()``); keyword ``changes`` replace
        single settings, e.g. ``train(model, data, rng=rng, epochs=5, lr=0.05)``.
    train_eval_size : the training loss and accuracy are measured after each epoch on this
        many training rows (drawn once), not on the running average of a moving model.
    progress : draw a tqdm bar of the batches (on stderr) while an epoch runs.
    on_epoch : called with each epoch's row of the history (a dict) as it completes.

    Without ``valid_data`` the best epoch is chosen by the measured training loss.

    The history has the lists ``epoch``, ``lr``, ``step_loss`` (the row-weighted mean of the
    losses measured before each step: what the epoch saw), ``train_loss``, ``valid_loss``,
    ``seconds`` (training time of the epoch), and for classification ``train_accuracy`` and
    ``valid_accuracy``.
    """
    # Every argument is checked before the first step, so a typo costs no training time.
    if settings is None:
        settings = Settings()
    elif not isinstance(settings, Settings):
        fail("settings", f"a {type(settings).__name__}", "a neuronnet.training.Settings",
             TypeError)
    settings = settings.replace(**changes)
    check_dataset("train_data", train_data)
    if valid_data is not None:
        check_dataset("valid_data", valid_data)
        if (valid_data.n_features, valid_data.n_outputs) != (train_data.n_features,
                                                              train_data.n_outputs):
            fail("valid_data", f"{valid_data.n_features} features and {valid_data.n_outputs} "
                 "outputs", f"those of train_data ({train_data.n_features} and "
                 f"{train_data.n_outputs})")
    check_generator("rng", rng, "each epoch's sample order is drawn from it")
    check_batch_fits(settings, len(train_data))
    if on_epoch is not None and not callable(on_epoch):
        fail("on_epoch", f"a {type(on_epoch).__name__}", "a function of one row (a dict)",
             TypeError)
    train_eval_size = check_positive_int("train_eval_size", train_eval_size)
    eval_batch_size = check_positive_int("eval_batch_size", eval_batch_size)

    # A dry forward pass of one sample: a model whose input or output width does not match the
    # data fails here, naming X or Y, before any step (it changes no parameter).
    model.output_and_loss(*train_data.batch(slice(0, 1)))
    if valid_data is not None:
        model.output_and_loss(*valid_data.batch(slice(0, 1)))
    if isinstance(model, Network) and not train_data.is_classification:
        model.loss_function.check_targets(train_data.targets)   # every row, once (Network.step)

    n = len(train_data)
    if n > train_eval_size:
        train_eval = train_data.subset(np.sort(rng.choice(n, train_eval_size, replace=False)),
                                       name="train (evaluated subset)")
    else:
        train_eval = train_data
    # Overflow warnings are silenced inside the loop: a diverging run is caught by the finite-
    # loss check below, which says at which epoch and batch; numpy's warnings would repeat it
    # without saying where.
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        return _loop(model, train_data, valid_data, train_eval, rng, settings, eval_batch_size,
                     progress, on_epoch)


def _loop(model, train_data, valid_data, train_eval, rng, settings, eval_batch_size, progress,
          on_epoch):
    """The epochs of :func:`train`, its arguments checked."""
    n, epochs, patience = len(train_data), settings.epochs, settings.patience
    schedule = settings.make_schedule()
    optimizer = settings.make_optimizer()      # once per run; each epoch sets its rate
    classify = train_data.is_classification
    history = {key: [] for key in ("epoch", "lr", "step_loss", "train_loss", "valid_loss",
                                   "seconds")}
    if classify:
        history.update(train_accuracy=[], valid_accuracy=[])

    best_params, best_loss, best_epoch = model.parameters(), math.inf, 0
    stop_reason, diverged, interrupted = f"completed {epochs} epoch{'s' * (epochs != 1)}", False, False
    last_loss, epoch, watch = None, 0, _Watch()
    training_since = None
    timings = {"train": 0.0, "evaluate": 0.0}
    try:
        # The untrained model's loss on the evaluated rows: what the divergence rule judges
        # each epoch's training loss against (one pass, not counted in the epochs' timings).
        start_loss = evaluate(model, train_eval, eval_batch_size).loss
        for epoch in range(1, epochs + 1):
            watch.done = 0   # none of this epoch's batches has run (a stop now says batch 0)
            rate = optimizer.lr = check_real("lr", schedule.rate(epoch, last_loss), low=0.0)
            watch.bar = _progress_bar(batching.n_batches(n, settings.batch_mode,
                                                         settings.batch_size),
                                      f"epoch {epoch}/{epochs}", progress)
            start = training_since = time.perf_counter()
            try:
                step_loss = run_epoch(_step_function(model, optimizer, settings),
                                      lambda X, Y: model.output_and_loss(X, Y)[1],
                                      train_data.batch, rng.permutation(n), settings.batch_mode,
                                      settings.batch_size, after_batch=watch)
            except _Diverged as error:
                diverged, loss = True, error.loss
            finally:
                if watch.bar is not None:
                    watch.bar.close()
            seconds = time.perf_counter() - start
            timings["train"] += seconds
            training_since = None
            if diverged:
                stop_reason = (f"diverged: the loss became {loss} at epoch {epoch}, batch "
                               f"{watch.done} (last finite loss {watch.last_finite}); "
                               f"{_kept(best_epoch)}")
                break

            start = time.perf_counter()
            on_train = evaluate(model, train_eval, eval_batch_size)
            on_valid = (evaluate(model, valid_data, eval_batch_size)
                        if valid_data is not None else on_train)
            timings["evaluate"] += time.perf_counter() - start
            row = dict(epoch=epoch, lr=rate, step_loss=step_loss, train_loss=on_train.loss,
                       valid_loss=on_valid.loss if valid_data is not None else None, seconds=seconds)
            if classify:
                row.update(train_accuracy=on_train.accuracy,
                           valid_accuracy=(on_valid.accuracy if valid_data is not None
                                           else None))
            for key, value in row.items():
                history[key].append(value)
            last_loss = on_train.loss
            if not math.isfinite(on_valid.loss):
                diverged = True
                stop_reason = (f"diverged: the evaluated loss became {on_valid.loss} after "
                               f"epoch {epoch}; {_kept(best_epoch, after=True)}")
                break
            if blew_up(on_train.loss, start_loss):
                diverged = True
                stop_reason = (f"diverged: the training loss became {on_train.loss:.4g} after "
                               f"epoch {epoch}, more than {BLOW_UP:g} times the "
                               f"{start_loss:.4g} it started from; "
                               f"{_kept(best_epoch, after=True)}")
                break
            row["best"] = on_valid.loss < best_loss
            # FIX: best-model-aliasing
            if row["best"]:
                best_params, best_loss, best_epoch = model.parameters(), on_valid.loss, epoch
            if on_epoch is not None:
                on_epoch(row)
            if patience is not None and epoch - best_epoch >= patience:
                stop_reason = (f"early stopping after epoch {epoch}: no lower validation loss "
                               f"for {patience} epochs (best at epoch {best_epoch})")
                break
    except KeyboardInterrupt:
        interrupted = True
        batch = watch.done + (training_since is not None)   # the batch that was running
        if training_since is not None:  # the part of the epoch that ran
            timings["train"] += time.perf_counter() - training_since
        # The live model may be mid-update (some neurons stepped, others not); the snapshot,
        # taken between epochs, never is.
        stop_reason = f"interrupted during epoch {epoch}, batch {batch}; {_kept(best_epoch)}"

    try:
        with signals_deferred():  # a Ctrl-C now must not lose the snapshot half copied
            # FIX: best-model-aliasing
            best_model = copy.deepcopy(model)  # a separate object: training cannot touch it
            # FIX: best-model-aliasing
            best_model.set_parameters(best_params)
    except KeyboardInterrupt:  # delivered once the copy is whole: the run is kept as it is
        if not interrupted:
            interrupted, stop_reason = True, f"{stop_reason}; then interrupted"
    return TrainingResult(best_model, model, history, best_epoch, stop_reason, diverged,
                          interrupted, timings)


def _step_function(model, optimizer, settings):
    """(X, Y) -> the loss before one step. The neuron Network is handed the run's optimizer and
    steps on batches the loop has checked once (``Network.step``); any other model (the
    reference, a wrapper) gets ``train_step`` with the rule as the settings name it (a name, or
    the Optimizer) and the epoch's rate."""
    if isinstance(model, Network):
        return functools.partial(model.step, optimizer=optimizer, clip_norm=settings.clip_norm)
    rule = settings.optimizer if isinstance(settings.optimizer, str) else optimizer
    return functools.partial(model.train_step, optimizer=rule, lr=optimizer.lr,
                             momentum=settings.momentum, clip_norm=settings.clip_norm)


class _Diverged(Exception):
    """A batch's loss is not finite: the epoch stops there."""

    def __init__(self, loss):
        super().__init__(loss)
        self.loss = loss


class _Watch:
    """Called by ``run_epoch`` after each batch: counts the epoch's batches, keeps the last
    finite loss of the run, moves the progress bar, and stops the epoch at a loss that is not
    finite (:class:`_Diverged`)."""

    def __init__(self):
        self.done, self.last_finite, self.bar = 0, None, None

    def __call__(self, number, loss):
        self.done = number
        if not math.isfinite(loss):
            raise _Diverged(loss)
        self.last_finite = loss
        if self.bar is not None:
            self.bar.update(1)


def _kept(best_epoch, after=False):
    """What the run keeps; ``after``: it ended after an epoch, which does not count."""
    if best_epoch == 0:
        return ("kept the initial weights (no epoch before it)" if after
                else "kept the initial weights (no epoch had finished)")
    return f"kept the best model, from epoch {best_epoch}"


def _progress_bar(total, description, enabled):
    if not enabled:
        return None
    from tqdm import tqdm
    return tqdm(total=total, desc=description, leave=False, file=sys.stderr, unit="batch")
