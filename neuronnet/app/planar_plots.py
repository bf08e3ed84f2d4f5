"""Watching a network learn a 2-D problem (the xor, moons, circles and spiral recipes).

:class:`PlaneRecorder` is an ``on_epoch`` hook of the training loop: hand it to ``train`` (or
call it from a loop of your own) and it keeps, at regular epochs, the network's view of the
input plane: the probability of class 1 at every point of a grid, every hidden neuron's output
a there, and (given the training targets) every hidden neuron's delta at each training point.
Then:

- :func:`boundary_plot`: the decision boundary over the training and test points;
- :func:`hidden_plot`: for every hidden neuron, its output a over the plane and its delta
  (dL/dz of each training point's own loss) at the training points, at one recorded epoch:
  by default the one where the deltas are largest, when blame is still flowing (once the
  network has learned, almost every delta is about 0 and the map would be blank);
- :func:`epochs_gif` (neuronnet/app/planar_gif.py): an animated GIF of the boundary and the
  first hidden layer's maps over the epochs.
"""
import math
from typing import NamedTuple

import numpy as np

from ..activations import get_activation
from ..io import check_output_path
from .figures import LITERAL, PNG, new_figure, save, wrapped

GRID = 90          # grid points per axis
FRAMES = 40        # about this many recorded epochs
PANEL = 1.25       # inches per neuron's map in the hidden-neuron figure
CLASS_COLOURS = ("tab:blue", "tab:red")          # class 0, class 1: dots and the P field's ends
TEST_COLOURS = ("navy", "darkred")


class Frame(NamedTuple):
    """What the recorder kept at one epoch. ``deltas``: per hidden layer, (n_train, width),
    each training point's own delta = dL/dz (None without targets); ``loss``: the epoch's
    training loss (None when the loop did not report one)."""
    epoch: int
    probability: np.ndarray     # (GRID, GRID) P(class 1)
    hidden: list                # per hidden layer, (GRID, GRID, width) outputs a
    deltas: list
    loss: float


class PlaneRecorder:
    """``recorder(row)`` after each epoch: every ``every``-th epoch (and the first), the grid's
    class-1 probabilities and hidden outputs of ``model``, and with ``targets`` (one-hot rows
    of the training points X) each hidden neuron's delta at X. Works with any model that has
    ``forward``, ``pre_activations``, ``gradient``, ``deltas`` and ``activation_names`` (both
    of neuronnet's)."""

    def __init__(self, model, X, epochs, margin=0.3, targets=None):
        self.model = model
        self.X = np.asarray(X, dtype=np.float64)
        self.targets = None if targets is None else np.asarray(targets, dtype=np.float64)
        low, high = self.X.min(axis=0) - margin, self.X.max(axis=0) + margin
        self.xs, self.ys = np.linspace(low[0], high[0], GRID), np.linspace(low[1], high[1], GRID)
        gx, gy = np.meshgrid(self.xs, self.ys)
        self.grid = np.column_stack([gx.ravel(), gy.ravel()])
        self.every = max(1, epochs // FRAMES)
        self.frames = []   # Frame per recorded epoch

    def for_model(self, model):
        """A recorder of another model (the best snapshot, say) on the same grid."""
        other = PlaneRecorder.__new__(PlaneRecorder)
        other.__dict__.update(self.__dict__, model=model, frames=[])
        return other

    def __call__(self, row):
        epoch = row["epoch"]
        if epoch == 1 or epoch % self.every == 0:
            deltas = None if self.targets is None else self.deltas_at(self.X, self.targets)
            self.frames.append(Frame(epoch, *self.view(), deltas, row.get("train_loss")))

    def view(self):
        """(class-1 probability over the grid, each hidden layer's outputs over the grid)."""
        out = self.model.forward(self.grid)
        e = np.exp(out - out.max(axis=1, keepdims=True))
        probability = (e[:, 1] / e.sum(axis=1)).reshape(GRID, GRID)
        names = self.model.activation_names
        hidden = [get_activation(name).forward(z).reshape(GRID, GRID, -1)
                  for name, z in zip(names[:-1], self.model.pre_activations()[:-1])]
        return probability, hidden

    def deltas_at(self, X, T):
        """Each hidden layer's delta = dL/dz of each point's own loss, (n, width): the mean
        loss's deltas times n."""
        self.model.gradient(X, T)
        return [d * len(X) for d in self.model.deltas()[:-1]]


def mean_abs_delta(frame):
    """The mean |delta| over every hidden neuron and training point of a frame."""
    return float(np.mean(np.concatenate([np.abs(d).ravel() for d in frame.deltas])))


def class_legend(ax, test=True, boundary=True, **kwargs):
    """A legend that says which colour is which class (and what the marks are)."""
    from matplotlib.lines import Line2D
    handles = [Line2D([], [], marker="o", linestyle="none", color=c, markeredgecolor="black",
                      markeredgewidth=0.3, label=f"class {k} (training)")
               for k, c in enumerate(CLASS_COLOURS)]
    if test:
        handles += [Line2D([], [], marker="x", linestyle="none", color=c, label=f"class {k} (test)")
                    for k, c in enumerate(TEST_COLOURS)]
    if boundary:
        handles.append(Line2D([], [], color="black", label="P(class 1) = 0.5: the boundary"))
    return ax.legend(handles=handles, **kwargs)


def points(ax, X, y, **kwargs):
    return ax.scatter(X[:, 0], X[:, 1], c=np.where(y == 1, *CLASS_COLOURS[::-1]), s=10,
               edgecolors="black", linewidths=0.3, **kwargs)


def field(ax, recorder, values, cmap, vmin, vmax, alpha=1.0):
    extent = (recorder.xs[0], recorder.xs[-1], recorder.ys[0], recorder.ys[-1])
    return ax.imshow(values, origin="lower", extent=extent, cmap=cmap, vmin=vmin, vmax=vmax,
                     aspect="auto", interpolation="bilinear", alpha=alpha)


def output_scale(activation, maps):
    """(vmin, vmax, extend) of one colour scale for outputs a: the activation's own range
    when it has one (tanh, sigmoid), else up to the 99th percentile, so that one large output
    does not flatten every other map (larger values show at full colour: ``extend``)."""
    if activation == "tanh":
        return -1.0, 1.0, "neither"
    if activation == "sigmoid":
        return 0.0, 1.0, "neither"
    values = np.concatenate([np.ravel(m) for m in maps])
    low, high = float(np.percentile(values, 1)), float(np.percentile(values, 99))
    low = min(low, 0.0) if activation != "relu" else 0.0
    high = high if high > low else low + 1.0
    return low, high, "max" if values.max() > high else "neither"


def boundary_plot(recorder, train, test, path=None, title="", ax=None):
    """The class-1 probability over the plane, its 0.5 contour (the decision boundary), the
    training points (dots) and the test points (crosses), with a legend of the classes.
    Returns the Figure."""
    path = None if path is None else check_output_path(path, PNG)
    figure, ax = _figure(ax, (5.6, 5.6))
    probability, _ = recorder.view()
    image = field(ax, recorder, probability, "coolwarm", 0.0, 1.0, alpha=0.5)
    ax.contour(recorder.xs, recorder.ys, probability, levels=[0.5], colors="black")
    points(ax, _features(train), train.labels)
    X_test = _features(test)
    ax.scatter(X_test[:, 0], X_test[:, 1], c=np.where(test.labels == 1, *TEST_COLOURS[::-1]),
               marker="x", s=14, linewidths=0.9)
    figure.colorbar(image, ax=ax, label="P(class 1): the network's output", shrink=0.85)
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    class_legend(ax, loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=2, fontsize=8)
    ax.set_title(wrapped(title or "the decision boundary", figure, 10, share=0.75), fontsize=10,
                 **LITERAL)
    return _done(figure, path)


def hidden_plot(recorder, train, path=None, title="", epoch=None):
    """Each hidden layer as two grids of maps, one square per neuron: its output a over the
    plane, and its delta = dL/dz at each training point (its own loss). Each grid has one
    labelled colour bar. Drawn at a recorded ``epoch``; by default the recorded epoch where
    the mean |delta| is largest (said in the title). A recorder without recorded deltas is
    drawn at its model's current parameters. Returns the Figure."""
    path = None if path is None else check_output_path(path, PNG)
    frame, when = _frame_for(recorder, train, epoch)
    X = recorder.X if recorder.targets is not None else _features(train)
    names = recorder.model.activation_names[:-1]
    layers = len(frame.hidden)
    columns = max(_grid_shape(h.shape[2])[1] for h in frame.hidden)
    shapes = [(math.ceil(h.shape[2] / columns), columns) for h in frame.hidden]
    height = sum(PANEL * r + 0.9 for r, _ in shapes) + 0.8
    figure = new_figure(figsize=(2 * (PANEL * columns + 1.1), height), layout="constrained")
    rows = figure.subfigures(layers, 1, squeeze=False, height_ratios=[
        PANEL * r + 0.9 for r, _ in shapes])[:, 0]
    for l, (maps, delta) in enumerate(zip(frame.hidden, frame.deltas)):
        left, right = rows[l].subfigures(1, 2)
        low, high, extend = output_scale(names[l], [maps])
        bound = float(np.percentile(np.abs(delta), 99)) or float(np.abs(delta).max()) or 1.0
        a_axes, d_axes = (_panels(sub, shapes[l][0], columns, maps.shape[2])
                          for sub in (left, right))
        for j in range(maps.shape[2]):
            image = field(a_axes[j], recorder, maps[:, :, j], "viridis", low, high)
            dead = " (dead)" if names[l] == "relu" and maps[:, :, j].max() == 0 else ""
            a_axes[j].set_title(f"n{j}{dead}", fontsize=8, pad=2)
            spots = d_axes[j].scatter(X[:, 0], X[:, 1], c=delta[:, j], cmap="PiYG", vmin=-bound,
                                      vmax=bound, s=5, edgecolors="0.6", linewidths=0.15)
            d_axes[j].set_facecolor("0.93")
            d_axes[j].set_title(f"n{j}", fontsize=8, pad=2)
        left.colorbar(image, ax=a_axes, shrink=0.9, extend=extend, label="a, the output")
        right.colorbar(spots, ax=d_axes, shrink=0.9, label="delta = dL/dz", extend="both"
                       if np.abs(delta).max() > bound else "neither")
        left.suptitle(f"layer {l} ({names[l]}): output a over the plane", fontsize=9)
        right.suptitle(f"layer {l}: delta = dL/dz at each training point", fontsize=9)
    figure.suptitle(wrapped((f"{title}\n" if title else "") + when, figure, 10), fontsize=10,
                    **LITERAL)
    return _done(figure, path)


def _frame_for(recorder, train, epoch):
    """(the Frame drawn, the sentence saying which epoch and why)."""
    recorded = [f for f in recorder.frames if f.deltas is not None]
    if epoch is not None:
        chosen = [f for f in recorded if f.epoch == epoch]
        if not chosen:
            have = [f.epoch for f in recorded]
            raise ValueError(f"epoch: got {epoch!r}; expected one of the recorded epochs "
                             f"{have if len(have) <= 8 else have[:4] + ['...'] + have[-2:]}"
                             if have else f"epoch: got {epoch!r}; expected None: the "
                             "recorder kept no deltas (give it targets)")
        frame = chosen[0]
        why = "the epoch asked for"
    elif recorded:
        frame = max(recorded, key=mean_abs_delta)
        why = "where the deltas are largest"
    else:   # no recorded deltas: the model as it is now
        X, T = train.batch(np.arange(len(train)))
        probability, hidden = recorder.view()
        frame = Frame(None, probability, hidden, recorder.deltas_at(X, T), None)
        return frame, (f"at the model's current parameters: mean |delta| "
                       f"{mean_abs_delta(frame):.2g}")
    last = recorded[-1]
    fade = (f"; {mean_abs_delta(last):.2g} by epoch {last.epoch}" if last is not frame else "")
    return frame, (f"epoch {frame.epoch}, {why}: mean |delta| {mean_abs_delta(frame):.2g}{fade}"
                   " (blame fades as the network learns)")


def _grid_shape(width):
    """(rows, columns) of a near-square grid of ``width`` maps (one row up to 4)."""
    columns = width if width <= 4 else math.ceil(math.sqrt(width))
    return math.ceil(width / columns), columns


def _panels(subfigure, rows, columns, width):
    """The first ``width`` Axes of a rows x columns grid, row by row; the rest switched off."""
    axes = subfigure.subplots(rows, columns, squeeze=False).ravel()
    for k, ax in enumerate(axes):
        ax.set_xticks([])
        ax.set_yticks([])
        if k >= width:
            ax.set_axis_off()
    return list(axes[:width])


def _features(dataset):
    return dataset.batch(np.arange(len(dataset)))[0]


def _figure(ax, size):
    if ax is not None:
        return ax.figure, ax
    figure = new_figure(figsize=size, layout="constrained")
    return figure, figure.add_subplot()


def _done(figure, path):
    if path is not None:
        save(figure, path)
    return figure


def epochs_gif(recorder, train, path, title="", progress=None):
    """The epochs GIF (neuronnet/app/planar_gif.py, where it is documented)."""
    from .planar_gif import epochs_gif as draw
    return draw(recorder, train, path, title=title, progress=progress)
