"""Pictures of grids of numbers: the first layer's weights as image tiles, and the confusion
matrix. Each draws on a given matplotlib ``ax`` or a new Figure, returns the Figure, and
writes it to ``path`` when one is given (see figures.py for how)."""
import math
import numbers

import numpy as np

from ..io import check_output_path
from .figures import LITERAL, PNG, new_figure, save, wrapped

GAP = 3   # pixels of background between two weight tiles


def _start(path, ax, size):
    if path is not None:
        path = check_output_path(path, PNG)
    if ax is not None:
        return path, ax.figure, ax
    figure = new_figure(figsize=size, layout="constrained")
    return path, figure, figure.subplots()


def _done(figure, path):
    if path is not None:
        save(figure, path)
    return figure


# --- first-layer weights ---------------------------------------------------------------------
def weight_images(W, path=None, image_shape=(28, 28), max_images=100, title="", ax=None):
    """The first layer's weights as pictures: row j of W (n_hidden, height * width) is what
    hidden neuron j looks for in an input image, drawn as one height x width tile, its index
    in the corner. Returns the Figure.

    Colours: a diverging map (red positive, white zero, blue negative) on one scale shared by
    every tile, symmetric about zero, so that tiles can be compared and white is 0 everywhere.
    Why: the sign is the message (a positive weight makes that pixel excite the neuron, a
    negative one inhibit it), and a scale from min to max would paint 0 in a different colour
    in every tile. The scale is the 99th percentile of |w|, so one extreme weight does not wash
    every other tile out (the few beyond it show at full colour).
    """
    W = _check_weights(W, image_shape)
    if isinstance(max_images, bool) or not isinstance(max_images, numbers.Integral) \
            or max_images < 1:
        raise ValueError(f"max_images: got {max_images!r}; expected a positive integer")
    n = min(W.shape[0], max_images)
    columns = math.ceil(math.sqrt(n))
    rows = math.ceil(n / columns)
    height, width = image_shape
    path, figure, ax = _start(path, ax, (max(0.95 * columns + 1.4, 4.5), 0.95 * rows + 1.1))
    # One mosaic, tiles GAP pixels apart (NaN: drawn as the background, a grey that no weight
    # has): with one pixel between them, noisy tiles ran into each other.
    gap = GAP
    mosaic = np.full((rows * (height + gap) - gap, columns * (width + gap) - gap), np.nan)
    for j in range(n):
        r, c = divmod(j, columns)
        mosaic[r * (height + gap):r * (height + gap) + height,
               c * (width + gap):c * (width + gap) + width] = W[j].reshape(image_shape)
    scale = float(np.percentile(np.abs(W[:n]), 99)) or float(np.abs(W[:n]).max()) or 1.0
    image = ax.imshow(mosaic, cmap="RdBu_r", vmin=-scale, vmax=scale, interpolation="nearest")
    ax.set_facecolor("0.85")
    if n <= 144:
        for j in range(n):
            r, c = divmod(j, columns)
            ax.text(c * (width + gap) + 0.5, r * (height + gap) + 0.5, str(j), fontsize=6,
                    va="top", ha="left", color="black",
                    bbox=dict(boxstyle="square,pad=0.1", fc="white", ec="none", alpha=0.8))
    ax.set_xticks([])
    ax.set_yticks([])
    figure.colorbar(image, ax=ax, shrink=0.8, label="weight (one scale for every tile)")
    which = f"the first {n} of {W.shape[0]} neurons" if n < W.shape[0] else \
        ("the one neuron" if n == 1 else f"all {n} neurons")
    heading = f"{title}\n" if title else ""
    ax.set_title(f"{heading}first-layer weights, {which} (tile j: neuron j)\nred +, blue -, "
                 "white 0", fontsize=9, **LITERAL)
    return _done(figure, path)


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
def confusion_matrix_plot(cm, classes, path=None, title="", ax=None):
    """The confusion matrix (rows: true class, columns: predicted; see metrics.py) with each
    cell's count written in it. The colour is logarithmic, so that a handful of errors shows
    beside hundreds of correct answers (a linear scale paints them all white); empty cells stay
    white. Returns the Figure."""
    cm = _check_confusion(cm)
    labels = [str(c) for c in classes] if isinstance(classes, (list, tuple, np.ndarray)) \
        else None
    if labels is None or len(labels) != cm.shape[0]:
        raise ValueError(f"classes: got {classes!r}; expected a list of {cm.shape[0]} class "
                         "names, one per row of cm")
    k = cm.shape[0]
    side = max(3.6, 0.55 * k + 1.8)
    path, figure, axes = _start(path, ax, (side + 0.9, side))
    from matplotlib.colors import LogNorm
    shown = np.ma.masked_equal(cm, 0)
    image = axes.imshow(shown, cmap="Blues", norm=LogNorm(vmin=1, vmax=max(int(cm.max()), 2)))
    figure.colorbar(image, ax=axes, shrink=0.8, label="samples (log scale)")
    size = 9 if k <= 10 else 7
    for i in range(k):
        for j in range(k):
            # Dark cells get white text: black on deep blue would be unreadable.
            dark = cm[i, j] > 0 and math.log(cm[i, j]) > 0.6 * math.log(max(cm.max(), 2))
            axes.text(j, i, str(cm[i, j]), ha="center", va="center", fontsize=size,
                      color="white" if dark else ("black" if i == j or not cm[i, j]
                                                  else "darkred"),
                      fontweight="bold" if i != j and cm[i, j] else "normal")
    # Class names are data (a folder's name, a CSV's label): shown as they are.
    axes.set_xticks(range(k), labels, **LITERAL)
    axes.set_yticks(range(k), labels, **LITERAL)
    axes.set_xlabel("predicted")
    axes.set_ylabel("true")
    n = int(cm.sum())
    correct = int(np.trace(cm))
    accuracy = f"; accuracy {correct}/{n} = {correct / n:.1%}" if n else ""
    axes.set_title(wrapped(f"{title}{chr(10) if title else ''}{n} samples{accuracy}; errors "
                           "in red", figure, 10, share=0.8), fontsize=10, **LITERAL)
    return _done(figure, path)


def _check_confusion(cm):
    array = np.asarray(cm)
    if array.ndim != 2 or array.shape[0] != array.shape[1] or array.shape[0] == 0:
        raise ValueError(f"cm: got an array of shape {array.shape}; expected a square "
                         "(n_classes, n_classes) matrix of counts")
    if array.dtype.kind not in "iu" or (array < 0).any():
        raise ValueError(f"cm: got {array.dtype} values (min {array.min()}); expected "
                         "non-negative integer counts")
    return array.astype(np.int64)
