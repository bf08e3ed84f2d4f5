"""Figures of a training run, each written to one PNG file (see figures.py for how)."""
import math
import numbers

import numpy as np

from ..io import check_output_path
from .figures import PNG, new_figure, save

TRAIN_COLOUR, VALID_COLOUR = "tab:blue", "tab:orange"


# --- learning curves ---------------------------------------------------------------------------
def learning_curves(history, path, title=""):
    """Loss (and accuracy, when there is one) per epoch, training and validation.

    history: a dict of equal-length lists, keys "epoch", "train_loss", "valid_loss" and
    optionally "train_accuracy", "valid_accuracy" (fractions in [0, 1]; absent or None for a
    regression). The loss axis is logarithmic when the losses are positive and span a factor
    of 10 or more: a loss falling from 2 to 0.01 is otherwise a flat line after the first few
    epochs.
    """
    path = check_output_path(path, PNG)
    curves = _check_history(history)
    accuracies = [k for k in ("train_accuracy", "valid_accuracy") if k in curves]
    panels = 2 if accuracies else 1
    figure = new_figure(figsize=(5.2 * panels, 4.0), layout="constrained")
    axes = figure.subplots(1, panels, squeeze=False)[0]
    epoch = curves["epoch"]

    loss_axes = axes[0]
    _plot_pair(loss_axes, epoch, curves, "train_loss", "valid_loss")
    logarithmic = _spans_decades(curves["train_loss"], curves["valid_loss"])
    if logarithmic:
        from matplotlib.ticker import FuncFormatter, NullFormatter
        loss_axes.set_yscale("log")
        # "0.1" and "1" rather than 10^-1 and 10^0: the numbers the training log prints.
        loss_axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
        loss_axes.yaxis.set_minor_formatter(NullFormatter())
    loss_axes.set_ylabel("mean loss" + (" (log scale)" if logarithmic else ""))
    loss_axes.set_title("loss" if accuracies or not title else title)

    if accuracies:
        from matplotlib.ticker import PercentFormatter
        acc_axes = axes[1]
        _plot_pair(acc_axes, epoch, curves, "train_accuracy", "valid_accuracy")
        acc_axes.yaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=None))
        # 100% is the ceiling: leave a sliver above it for the markers, never a tick past it.
        low = acc_axes.get_ylim()[0]
        acc_axes.set_ylim(low, 1.0 + 0.02 * (1.0 - low))
        acc_axes.set_ylabel("accuracy")
        acc_axes.set_title("accuracy")
    if title and accuracies:
        figure.suptitle(title)
    return save(figure, path)


def _spans_decades(*losses):
    """True when every loss is positive and the largest is at least 10 times the smallest:
    only then does a log axis show more than a linear one (and log 0 does not exist)."""
    values = np.concatenate(losses)
    return bool((values > 0).all() and values.max() >= 10 * values.min())


def _plot_pair(axes, epoch, curves, train_key, valid_key):
    from matplotlib.ticker import MaxNLocator
    marker = "o" if len(epoch) <= 30 else None  # dots while they can be told apart
    for key, colour, label in ((train_key, TRAIN_COLOUR, "training"),
                               (valid_key, VALID_COLOUR, "validation")):
        if key in curves:
            axes.plot(epoch, curves[key], color=colour, marker=marker, markersize=3,
                      label=label)
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
def sin_fit(x_train, y_train, x_grid, y_true, y_pred, path, title=""):
    """The training samples (dots), the truth sin(x) and the network's fit (lines) on a grid.

    x_train, y_train: (n,) the noisy samples the network learned from; x_grid, y_true, y_pred:
    (m,) the grid, sin on it and the network's output on it. Column vectors (n, 1), as a
    network with one output returns, are accepted too.
    """
    path = check_output_path(path, PNG)
    x_train, y_train = _paired_vectors(("x_train", x_train), ("y_train", y_train))
    x_grid, y_true, y_pred = _paired_vectors(("x_grid", x_grid), ("y_true", y_true),
                                             ("y_pred", y_pred))
    # Hazard: an unsorted grid would draw the lines back and forth across the plot.
    order = np.argsort(x_grid, kind="stable")
    figure = new_figure(figsize=(6.4, 4.2), layout="constrained")
    axes = figure.subplots()
    axes.scatter(x_train, y_train, s=12, color="0.55", alpha=0.7, label="training samples",
                 zorder=1)
    axes.plot(x_grid[order], y_true[order], color="black", linestyle="--", linewidth=1.5,
              label="truth: sin(x)", zorder=2)
    axes.plot(x_grid[order], y_pred[order], color="tab:red", linewidth=2.0,
              label="network", zorder=3)
    axes.set_xlabel("x")
    axes.set_ylabel("y")
    axes.grid(True, alpha=0.3)
    axes.legend()
    if title:
        axes.set_title(title)
    return save(figure, path)


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


# --- first-layer weights ---------------------------------------------------------------------
def weight_images(W, path, image_shape=(28, 28), max_images=100, title=""):
    """The first layer's weights as pictures: row j of W (n_hidden, height * width) is what
    hidden neuron j looks for in an input image, drawn as one height x width tile.

    Colours: a diverging map (red positive, white zero, blue negative), each tile scaled
    symmetrically about zero to its own largest |w|. Why: the sign is the message (a positive
    weight makes that pixel excite the neuron, a negative one inhibit it), and a grey ramp
    from min to max would paint a zero weight in a different grey in every tile. Per-tile
    scale: tiles differ in magnitude by orders, and one shared scale would leave most blank.
    """
    path = check_output_path(path, PNG)
    W = _check_weights(W, image_shape)
    if isinstance(max_images, bool) or not isinstance(max_images, numbers.Integral) \
            or max_images < 1:
        raise ValueError(f"max_images: got {max_images!r}; expected a positive integer")
    n = min(W.shape[0], max_images)
    columns = math.ceil(math.sqrt(n))
    rows = math.ceil(n / columns)
    # At least 4.5 inches wide, so that the caption fits above a grid of one or two tiles.
    figure = new_figure(figsize=(max(0.95 * columns + 0.4, 4.5), 0.95 * rows + 1.0),
                     layout="constrained")
    tiles = figure.subplots(rows, columns, squeeze=False)
    for j, axes in enumerate(tiles.flat):
        axes.set_xticks([])
        axes.set_yticks([])
        if j >= n:
            axes.set_axis_off()  # the grid's last row may be part-empty
            continue
        scale = np.abs(W[j]).max()
        scale = scale if scale > 0 else 1.0  # an all-zero row: white, not a 0/0 colour
        axes.imshow(W[j].reshape(image_shape), cmap="RdBu_r", vmin=-scale, vmax=scale,
                    interpolation="nearest")
        if n <= 36:
            axes.set_title(f"neuron {j}", fontsize=7, pad=2)
    which = f"the first {n} of {W.shape[0]} neurons" if n < W.shape[0] else \
        ("the one neuron" if n == 1 else f"all {n} neurons")
    heading = f"{title}\n" if title else ""
    figure.suptitle(f"{heading}first-layer weights, {which}\nred +, blue -, white 0 "
                    "(each tile scaled to its own max |w|)", fontsize=9)
    return save(figure, path)


def _check_weights(W, image_shape):
    if not (isinstance(image_shape, tuple) and len(image_shape) == 2
            and all(isinstance(s, numbers.Integral) and not isinstance(s, bool) and s > 0
                    for s in image_shape)):
        raise ValueError(f"image_shape: got {image_shape!r}; expected (height, width), two "
                         "positive integers")
    W = np.asarray(W, dtype=np.float64)
    pixels = image_shape[0] * image_shape[1]
    if W.ndim != 2 or W.shape[1] != pixels or W.shape[0] == 0:
        raise ValueError(f"W: got an array of shape {W.shape}; expected (n_hidden, {pixels}), "
                         f"one row of {image_shape[0]}x{image_shape[1]} weights per neuron")
    if not np.isfinite(W).all():
        raise ValueError("W: got non-finite weights; expected finite numbers")
    return W


# --- confusion matrix --------------------------------------------------------------------------
def confusion_matrix_plot(cm, classes, path, title=""):
    """The confusion matrix (rows: true class, columns: predicted; see metrics.py) as a heat
    map with each cell's count written in it."""
    path = check_output_path(path, PNG)
    cm = _check_confusion(cm)
    labels = [str(c) for c in classes] if isinstance(classes, (list, tuple, np.ndarray)) \
        else None
    if labels is None or len(labels) != cm.shape[0]:
        raise ValueError(f"classes: got {classes!r}; expected a list of {cm.shape[0]} class "
                         "names, one per row of cm")
    k = cm.shape[0]
    side = max(3.6, 0.55 * k + 1.8)
    figure = new_figure(figsize=(side + 0.9, side), layout="constrained")
    axes = figure.subplots()
    image = axes.imshow(cm, cmap="Blues", vmin=0, vmax=max(int(cm.max()), 1))
    from matplotlib.ticker import MaxNLocator
    colorbar = figure.colorbar(image, ax=axes, shrink=0.8, label="samples")
    colorbar.ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # counts: no 1.5 samples
    threshold = cm.max() / 2
    size = 9 if k <= 10 else 7
    for i in range(k):
        for j in range(k):
            # Dark cells get white text: black on deep blue would be unreadable.
            axes.text(j, i, str(cm[i, j]), ha="center", va="center", fontsize=size,
                      color="white" if cm[i, j] > threshold else "black")
    axes.set_xticks(range(k), labels)
    axes.set_yticks(range(k), labels)
    axes.set_xlabel("predicted")
    axes.set_ylabel("true")
    n = int(cm.sum())
    correct = int(np.trace(cm))
    accuracy = f"; accuracy {correct}/{n} = {correct / n:.1%}" if n else ""
    axes.set_title(f"{title}{chr(10) if title else ''}{n} samples{accuracy}", fontsize=10)
    return save(figure, path)


def _check_confusion(cm):
    array = np.asarray(cm)
    if array.ndim != 2 or array.shape[0] != array.shape[1] or array.shape[0] == 0:
        raise ValueError(f"cm: got an array of shape {array.shape}; expected a square "
                         "(n_classes, n_classes) matrix of counts")
    if array.dtype.kind not in "iu" or (array < 0).any():
        raise ValueError(f"cm: got {array.dtype} values (min {array.min()}); expected "
                         "non-negative integer counts")
    return array.astype(np.int64)
