"""Watching a network learn a 2-D problem (the xor, moons, circles and spiral recipes).

:class:`PlaneRecorder` is an ``on_epoch`` hook of the training loop: hand it to ``train`` (or
call it from a loop of your own) and it keeps, at regular epochs, the network's view of the
input plane: the probability of class 1 at every point of a grid, and every hidden neuron's
output a there. Then:

- :func:`boundary_plot`: the decision boundary over the training and test points;
- :func:`hidden_plot`: for every hidden neuron, its output a over the plane, and its delta
  (dL/dz of each training sample's own loss) at the training points;
- :func:`epochs_gif`: an animated GIF of the boundary and the first hidden layer's maps over
  the epochs (written with imageio).
"""
import io as _bytes

import numpy as np

from ..activations import get_activation
from ..io import check_output_path
from .figures import LITERAL, PNG, new_figure, save, write_replacing

GRID = 90          # grid points per axis
FRAMES = 40        # about this many recorded epochs


class PlaneRecorder:
    """``recorder(row)`` after each epoch: every ``every``-th epoch (and the first), the grid's
    class-1 probabilities and hidden outputs of ``model``. Works with any model that has
    ``forward``, ``pre_activations`` and ``activation_names`` (both of neuronnet's)."""

    def __init__(self, model, X, epochs, margin=0.3):
        self.model = model
        low, high = X.min(axis=0) - margin, X.max(axis=0) + margin
        self.xs, self.ys = np.linspace(low[0], high[0], GRID), np.linspace(low[1], high[1], GRID)
        gx, gy = np.meshgrid(self.xs, self.ys)
        self.grid = np.column_stack([gx.ravel(), gy.ravel()])
        self.every = max(1, epochs // FRAMES)
        self.frames = []   # (epoch, probability (GRID, GRID), [hidden a (GRID, GRID, width)])

    def for_model(self, model):
        """A recorder of another model (the best snapshot, say) on the same grid."""
        other = PlaneRecorder.__new__(PlaneRecorder)
        other.__dict__.update(self.__dict__, model=model, frames=[])
        return other

    def __call__(self, row):
        epoch = row["epoch"]
        if epoch == 1 or epoch % self.every == 0:
            self.frames.append((epoch, *self.view()))

    def view(self):
        """(class-1 probability over the grid, each hidden layer's outputs over the grid)."""
        out = self.model.forward(self.grid)
        e = np.exp(out - out.max(axis=1, keepdims=True))
        probability = (e[:, 1] / e.sum(axis=1)).reshape(GRID, GRID)
        names = self.model.activation_names
        hidden = [get_activation(name).forward(z).reshape(GRID, GRID, -1)
                  for name, z in zip(names[:-1], self.model.pre_activations()[:-1])]
        return probability, hidden


def _points(ax, X, y, **kwargs):
    ax.scatter(X[:, 0], X[:, 1], c=np.where(y == 1, "tab:red", "tab:blue"), s=10,
               edgecolors="black", linewidths=0.3, **kwargs)


def _field(ax, recorder, values, cmap, vmin, vmax, alpha=1.0):
    extent = (recorder.xs[0], recorder.xs[-1], recorder.ys[0], recorder.ys[-1])
    return ax.imshow(values, origin="lower", extent=extent, cmap=cmap, vmin=vmin, vmax=vmax,
                     aspect="auto", interpolation="bilinear", alpha=alpha)


def boundary_plot(recorder, train, test, path=None, title="", ax=None):
    """The class-1 probability over the plane, its 0.5 contour (the decision boundary), the
    training points (dots) and the test points (crosses). Returns the Figure."""
    figure, ax = _figure(ax, (5.4, 4.6))
    probability, _ = recorder.view()
    image = _field(ax, recorder, probability, "coolwarm", 0.0, 1.0, alpha=0.5)
    ax.contour(recorder.xs, recorder.ys, probability, levels=[0.5], colors="black")
    _points(ax, _features(train), train.labels)
    X_test = _features(test)
    ax.scatter(X_test[:, 0], X_test[:, 1], c=np.where(test.labels == 1, "darkred", "navy"),
               marker="x", s=14, linewidths=0.9)
    figure.colorbar(image, ax=ax, label="P(class 1)")
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    ax.set_title((f"{title}\n" if title else "") + "black line: P = 0.5, the decision "
                 "boundary; dots: training points, crosses: test points", fontsize=9,
                 **LITERAL)
    return _done(figure, path)


def hidden_plot(recorder, train, path=None, title=""):
    """Row 1 of each hidden layer: each neuron's output a over the plane (one shared colour
    scale per layer). Row 2: the same neuron's delta = dL/dz for each training sample's own loss,
    at the training points. Returns the Figure."""
    model = recorder.model
    _, hidden = recorder.view()
    X, Y = train.batch(np.arange(len(train)))
    model.gradient(X, Y)
    deltas = [d * len(train) for d in model.deltas()[:-1]]   # per sample, not over the mean
    width = max(h.shape[2] for h in hidden)
    figure = new_figure(figsize=(2.3 * width + 1.2, 4.3 * len(hidden) + 0.4),
                        layout="constrained")
    axes = figure.subplots(2 * len(hidden), width, squeeze=False)
    for l, (maps, delta) in enumerate(zip(hidden, deltas)):
        low, high = float(maps.min()), float(maps.max())
        bound = float(np.max(np.abs(delta))) or 1.0
        for j in range(width):
            top, bottom = axes[2 * l][j], axes[2 * l + 1][j]
            if j >= maps.shape[2]:
                top.set_axis_off()
                bottom.set_axis_off()
                continue
            image = _field(top, recorder, maps[:, :, j], "viridis", low, high)
            top.set_title(f"layer {l} neuron {j}: a", fontsize=9)
            spots = bottom.scatter(X[:, 0], X[:, 1], c=delta[:, j], cmap="PiYG",
                                   vmin=-bound, vmax=bound, s=9, edgecolors="0.6",
                                   linewidths=0.2)
            bottom.set_title(f"layer {l} neuron {j}: delta", fontsize=9)
            for ax in (top, bottom):
                ax.set_xticks([])
                ax.set_yticks([])
        figure.colorbar(image, ax=axes[2 * l].tolist(), label="a", shrink=0.9)
        figure.colorbar(spots, ax=axes[2 * l + 1].tolist(), label="delta", shrink=0.9)
    figure.suptitle((f"{title}\n" if title else "") + "each hidden neuron: its output a over "
                    "the plane (above), and its delta = dL/dz of each training point's own loss "
                    "(below)", **LITERAL)
    return _done(figure, path)


def epochs_gif(recorder, train, path, title=""):
    """An animated GIF: per recorded epoch, the boundary and the first hidden layer's maps."""
    path = check_output_path(path, ".gif")
    import imageio.v3 as iio
    # One colour scale for every frame, so that a colour means the same at every epoch.
    first = [h[0] for _, _, h in recorder.frames if h]
    scale = (min(-1.0 if m.min() < 0 else 0.0 for m in first),
             max(1.0, max(float(m.max()) for m in first))) if first else (0.0, 1.0)
    frames = [_frame(recorder, train, epoch, probability, hidden, title, scale)
              for epoch, probability, hidden in recorder.frames]
    write_replacing(path, lambda file: iio.imwrite(file, frames, extension=".gif",
                                                   duration=150, loop=0))
    return path


def _frame(recorder, train, epoch, probability, hidden, title, scale):
    maps = hidden[0] if hidden else np.zeros((GRID, GRID, 0))
    panels = 1 + min(maps.shape[2], 4)
    figure = new_figure(figsize=(2.6 * panels, 2.8), layout="constrained")
    axes = figure.subplots(1, panels, squeeze=False)[0]
    _field(axes[0], recorder, probability, "coolwarm", 0.0, 1.0, alpha=0.5)
    axes[0].contour(recorder.xs, recorder.ys, probability, levels=[0.5], colors="black")
    _points(axes[0], _features(train), train.labels)
    axes[0].set_title(f"{title} epoch {epoch}".strip(), fontsize=9, **LITERAL)
    for j, ax in enumerate(axes[1:]):
        _field(ax, recorder, maps[:, :, j], "viridis", *scale)
        more = f" (of {maps.shape[2]})" if maps.shape[2] > 4 and j == 3 else ""
        ax.set_title(f"layer 0 neuron {j}: a{more}", fontsize=9)
    for ax in axes:
        ax.set_xticks([])
        ax.set_yticks([])
    buffer = _bytes.BytesIO()
    figure.savefig(buffer, format="png", dpi=70)
    import imageio.v3 as iio
    return iio.imread(buffer.getvalue(), extension=".png")[:, :, :3]


def _features(dataset):
    return dataset.batch(np.arange(len(dataset)))[0]


def _figure(ax, size):
    if ax is not None:
        return ax.figure, ax
    figure = new_figure(figsize=size, layout="constrained")
    return figure, figure.add_subplot()


def _done(figure, path):
    if path is not None:
        save(figure, check_output_path(path, PNG))
    return figure
