"""Where a run's model goes: ``--save`` as asked for a run that completed, beside it for one
that did not, and the words that say where it went.

A run that did not complete (stopped by a signal, or diverged: neuronnet/divergence.py) never
replaces a file. Its best snapshot goes to the ``--save`` name only when nothing is there, else
beside it under a name that nothing has (``NAME.stopped.npz``, ``NAME.diverged.npz``,
``NAME.diverged.2.npz``, ...): neuronnet.io.atomic.write_new.
"""
import os

from ..guards import signals_deferred
from ..io import save as save_file
from ..io.atomic import check_target
from ..io.model_write import save_new
from .tables import printable


def metadata(recipe, seed, model, splits, best_epoch=0, stop_reason="", test=None):
    """What a model file of the run says of it (model_format.py: ``meta.*``)."""
    metadata = {"recipe": recipe.name, "seed": int(seed), "model": model,
                "classes": ",".join(splits.classes), "best_epoch": int(best_epoch),
                "stop_reason": stop_reason}
    if test is not None:
        metadata.update(test_loss=float(test.loss), test_accuracy=(
            float(test.accuracy) if test.accuracy is not None else -1.0))
    return metadata


def save_run(save, result, interrupted, metadata, out):
    """Save the best snapshot; returns where it went, or None.

    A run that completed replaces ``save`` as asked. One that did not (stopped, diverged) never
    replaces a file: its snapshot goes to ``save`` only when nothing is there, else beside it
    as ``NAME.stopped.npz`` or ``NAME.diverged.npz`` (numbered when taken: ``.2``, ``.3``, ...).
    So does a completed run's when something other than a regular file appeared at ``save``
    during training (``NAME.new.npz``). With no epoch to keep (none finished, or the first
    diverged), nothing is written."""
    if result.best_epoch == 0:
        out(f"model not saved: no epoch to keep ({_untouched(save)})")
        return None
    word = "stopped" if interrupted else "diverged" if result.diverged else None
    if word is None and not _replaceable(save):
        word = "new"
    # The stop signals wait until the file is in place *and* the user has been told where it
    # went: a Ctrl-C that lands during the save is handled right after this block.
    with signals_deferred():
        try:
            if word is None:
                target = save_file(result.best_model, save, metadata=metadata,
                                   history=result.history)
            else:
                target = save_new(result.best_model, save, word, metadata=metadata,
                                  history=result.history)
        except OSError as error:  # a full disk, a folder gone: the user's file, not the temp
            raise OSError(f"--save: {save}: model not saved ({error.strerror or error}); "
                          f"{_state(save)}") from None
        out(f"saved the best model (epoch {result.best_epoch}) and the history of "
            f"{len(result.history['epoch'])} epochs to {printable(target)}")
        if target != save:
            why = ("the run did not complete, and such a run never replaces a file"
                   if word != "new" else "it is no longer a regular file")
            out(f"not saved over {printable(save)}: {why} ({printable(save)} is unchanged)")
    return target


def _replaceable(path):
    try:
        check_target(path)
    except ValueError:
        return False
    return True


def _untouched(path):
    """``NAME is unchanged``, or ``nothing was written`` when there is no file at ``path``."""
    return f"{printable(path)} is unchanged" if os.path.lexists(path) else "nothing was written"


def _state(path):
    return "the file there is unchanged" if os.path.lexists(path) else "nothing was written"


def where(save, run):
    """Where the model went, in words, or None when no --save was asked for."""
    if save is None:
        return None
    target = run["saved"]
    if target is None:
        return f"nothing saved ({_untouched(save)})"
    words = f"the best model (epoch {run['result'].best_epoch}) is in {printable(target)}"
    if target != save:
        words += f" ({printable(save)} is unchanged)"
    return words
