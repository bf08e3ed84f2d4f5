"""Figures of a training run, each written to one PNG file (see figures.py for how)."""

import numpy as np

from ..io import check_output_path
from .figures import LITERAL, PNG, new_figure, save

TRAIN_COLOUR, VALID_COLOUR = "tab:blue", "tab:orange"


# --- learning curves ---------------------------------------------------------------------------
def learning_curves(history, path=None, title="", ax=None, best_epoch=None):
    """Loss (and accuracy, when there is one) per epoch, training and validation; the best
    epoch (the snapshot kept, ``best_epoch``) marked with a dotted line. Returns the Figure
    (also written to ``path`` when given).

    history: a dict of equal-length lists, keys "epoch", "train_loss", "valid_loss" and
    optionally "train_accuracy", "valid_accuracy" (fractions in [0, 1]; absent or None for a
    regression). The loss axis is logarithmic when the losses are positive and span a factor
    of 10 or more: a loss falling from 2 to 0.01 is otherwise a flat line after the first few
    epochs. ``ax``: one Axes (the loss alone) or two (loss, accuracy) to draw on.
    """
    if path is not None:
        path = check_output_path(path, PNG)
    curves = _check_history(history)
    accuracies = [k for k in ("train_accuracy", "valid_accuracy") if k in curves]
    panels = 2 if accuracies else 1
    if ax is None:
        figure = new_figure(figsize=(5.2 * panels, 4.0), layout="constrained")
        axes = list(figure.subplots(1, panels, squeeze=False)[0])
    else:
        axes = list(ax) if isinstance(ax, (list, tuple, np.ndarray)) else [ax]
        figure = axes[0].figure
    epoch = curves["epoch"]

    loss_axes = axes[0]
    _plot_pair(loss_axes, epoch, curves, "train_loss", "valid_loss", best_epoch)
    logarithmic = _spans_decades(curves["train_loss"], curves["valid_loss"])
    if logarithmic:
        from matplotlib.ticker import FuncFormatter, NullFormatter
        loss_axes.set_yscale("log")
        # "0.1" and "1" rather than 10^-1 and 10^0: the numbers the training log prints.
        loss_axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
        loss_axes.yaxis.set_minor_formatter(NullFormatter())
    loss_axes.set_ylabel("mean loss" + (" (log scale)" if logarithmic else ""))
    loss_axes.set_title("loss" if accuracies or not title else title, **LITERAL)

    if accuracies and len(axes) > 1:
        from matplotlib.ticker import PercentFormatter
        acc_axes = axes[1]
        _plot_pair(acc_axes, epoch, curves, "train_accuracy", "valid_accuracy", best_epoch)
        acc_axes.yaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=None))
        # 100% is the ceiling: leave a sliver above it for the markers, never a tick past it.
        low = acc_axes.get_ylim()[0]
        acc_axes.set_ylim(low, 1.0 + 0.02 * (1.0 - low))
        acc_axes.set_ylabel("accuracy")
        acc_axes.set_title("accuracy")
    if title and accuracies and ax is None:
        figure.suptitle(title, **LITERAL)
    return _done(figure, path)


def _done(figure, path):
    """Write the figure when there is a path; return it either way (for a notebook)."""
    if path is not None:
        save(figure, path)
    return figure


def _spans_decades(*losses):
    """True when every loss is positive and the largest is at least 10 times the smallest:
    only then does a log axis show more than a linear one (and log 0 does not exist)."""
    values = np.concatenate(losses)
    return bool((values > 0).all() and values.max() >= 10 * values.min())


def _plot_pair(axes, epoch, curves, train_key, valid_key, best_epoch=None):
    from matplotlib.ticker import MaxNLocator
    marker = "o" if len(epoch) <= 30 else None  # dots while they can be told apart
    for key, colour, label in ((train_key, TRAIN_COLOUR, "training"),
                               (valid_key, VALID_COLOUR, "validation")):
        if key in curves:
            axes.plot(epoch, curves[key], color=colour, marker=marker, markersize=3,
                      label=label)
    if best_epoch is not None:
        axes.axvline(best_epoch, color="black", linestyle=":", linewidth=1.2,
                     label=f"best epoch ({best_epoch}): the model kept")
    axes.set_xlabel("epoch")
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))  # no epoch 2.5
    axes.grid(True, alpha=0.3)
    axes.legend()


def _check_history(history):
    """``{key: float64 array}`` of the curves present, all of one length, finite."""
    if not isinstance(history, dict):
        raise ValueError(f"history: got a {type(history).__name__}; expected a dict of lists "
                         "with keys 'epoch', 'train_loss', 'valid_loss'")
    curves = {}
    for key in ("epoch", "train_loss", "valid_loss", "train_accuracy", "valid_accuracy"):
        required = key in ("epoch", "train_loss", "valid_loss")
        if history.get(key) is None:
            if required:
                raise ValueError(f"history: missing the key {key!r}; expected 'epoch', "
                                 "'train_loss' and 'valid_loss'")
            continue
        curves[key] = _finite_vector(f"history[{key!r}]", history[key])
    lengths = {key: len(values) for key, values in curves.items()}
    if len(set(lengths.values())) != 1:
        raise ValueError(f"history: got lists of lengths {lengths}; expected one value per "
                         "epoch in every list (equal lengths)")
    if lengths["epoch"] == 0:
        raise ValueError("history: got empty lists; expected at least one epoch")
    for key in ("train_accuracy", "valid_accuracy"):
        if key in curves and ((curves[key] < 0) | (curves[key] > 1)).any():
            raise ValueError(f"history[{key!r}]: got values outside [0, 1]; expected "
                             "fractions (0.93, not 93)")
    return curves


# --- the sin regression ------------------------------------------------------------------------
def sin_fit(x_train, y_train, x_grid, y_true, y_pred, path=None, title="", ax=None):
    """The training samples (dots), the truth sin(x) (a wide pale band) and the network's fit (a
    thin line on top, so that both stay visible where they agree). Returns the Figure.

    x_train, y_train: (n,) the noisy samples the network learned from; x_grid, y_true, y_pred:
    (m,) the grid, sin on it and the network's output on it. Column vectors (n, 1), as a
    network with one output returns, are accepted too.
    """
    if path is not None:
        path = check_output_path(path, PNG)
    x_train, y_train = _paired_vectors(("x_train", x_train), ("y_train", y_train))
    x_grid, y_true, y_pred = _paired_vectors(("x_grid", x_grid), ("y_true", y_true),
                                             ("y_pred", y_pred))
    # Hazard: an unsorted grid would draw the lines back and forth across the plot.
    order = np.argsort(x_grid, kind="stable")
    figure, axes = _figure_and_axes(ax, (6.4, 4.2))
    axes.scatter(x_train, y_train, s=12, color="0.55", alpha=0.7, label="training samples",
                 zorder=1)
    axes.plot(x_grid[order], y_true[order], color="tab:blue", alpha=0.35, linewidth=6.0,
              solid_capstyle="round", label="truth: sin(x)", zorder=2)
    axes.plot(x_grid[order], y_pred[order], color="tab:red", linewidth=1.4,
              label="network", zorder=3)
    axes.set_xlabel("x")
    axes.set_ylabel("y")
    axes.grid(True, alpha=0.3)
    axes.legend()
    if title:
        axes.set_title(title, **LITERAL)
    return _done(figure, path)


def _figure_and_axes(ax, size):
    if ax is not None:
        return ax.figure, ax
    figure = new_figure(figsize=size, layout="constrained")
    return figure, figure.subplots()


def _paired_vectors(*named):
    """Each (name, values) as a finite 1-D float64 array; all must have one length."""
    vectors = [_finite_vector(name, values, allow_column=True) for name, values in named]
    first_name, first = named[0][0], vectors[0]
    for (name, _), vector in zip(named[1:], vectors[1:]):
        if len(vector) != len(first):
            raise ValueError(f"{name}: got {len(vector)} values for the {len(first)} of "
                             f"{first_name}; expected one per point")
    if len(first) == 0:
        raise ValueError(f"{first_name}: got no values; expected at least one point")
    return vectors


def _finite_vector(name, values, allow_column=False):
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name}: got values that are not numbers; expected a list or 1-D "
                         "array of real numbers") from None
    if allow_column and array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim != 1:
        raise ValueError(f"{name}: got an array of shape {array.shape}; expected a 1-D list "
                         "of numbers")
    if not np.isfinite(array).all():
        k = int(np.argmax(~np.isfinite(array)))
        raise ValueError(f"{name}: got {array[k]} at position {k}; expected finite numbers "
                         "(if training diverged, plot the epochs before it)")
    return array


# The pictures of grids of numbers (weight tiles, the confusion matrix) live in plot_grids.py.
from .plot_grids import confusion_matrix_plot, weight_images  # noqa: E402, F401
