"""The figures: each writes one real PNG (read back and looked at as pixels), refuses bad input
by name, says which extra to install when matplotlib is missing, and leaves no temporary
file behind."""
import os
import pathlib
import subprocess
import sys

import imageio.v3 as iio
import numpy as np
import pytest

from neuronnet.app import plots
from neuronnet.app.figures import MissingExtraError
from neuronnet.training.metrics import confusion_matrix

RNG = np.random.default_rng(0)


def history(epochs=12, accuracy=True):
    e = np.arange(epochs)
    out = {"epoch": list(range(1, epochs + 1)),
           "train_loss": list(1.2 * np.exp(-e / 4) + 0.05),
           "valid_loss": list(1.3 * np.exp(-e / 5) + 0.1)}
    if accuracy:
        out["train_accuracy"] = list(1 - 0.6 * np.exp(-e / 3))
        out["valid_accuracy"] = list(0.95 - 0.6 * np.exp(-e / 3))
    return out


def sin_inputs():
    x = RNG.uniform(-3, 3, 40)
    grid = np.linspace(-3, 3, 100)
    return x, np.sin(x) + 0.1 * RNG.normal(size=40), grid, np.sin(grid), 0.9 * np.sin(grid)


def weights(n=20, shape=(28, 28)):
    return RNG.normal(size=(n, shape[0] * shape[1]))


def small_cm():
    return confusion_matrix([0, 1, 2, 2, 1, 0, 2], [0, 2, 2, 2, 1, 0, 1], 3)


DRAWINGS = {
    "learning_curves": lambda path: plots.learning_curves(history(), path, title="iris"),
    "learning_curves_regression": lambda path: plots.learning_curves(
        history(accuracy=False), path),
    "sin_fit": lambda path: plots.sin_fit(*sin_inputs(), path, title="sin"),
    "weight_images": lambda path: plots.weight_images(weights(), path, title="MNIST"),
    "confusion_matrix_plot": lambda path: plots.confusion_matrix_plot(
        small_cm(), ["setosa", "versicolor", "virginica"], path, title="iris"),
}


def saving(draw, *args, **kwargs):
    """Draw and return the path it was saved to (a plot function returns its Figure)."""
    figure = draw(*args, **kwargs)
    assert type(figure).__name__ == "Figure", figure
    path = next(a for a in list(args) + list(kwargs.values())
                if isinstance(a, (str, pathlib.Path)) and str(a).endswith(".png"))
    return path


def read_png(path):
    with open(path, "rb") as file:
        assert file.read(8) == b"\x89PNG\r\n\x1a\n"
    image = iio.imread(path)
    assert image.dtype == np.uint8
    assert image.ndim in (2, 3)
    return image


@pytest.mark.parametrize("name", sorted(DRAWINGS))
def test_each_figure_is_a_real_png(tmp_path, name):
    path = tmp_path / f"{name}.png"
    assert type(DRAWINGS[name](path)).__name__ == "Figure"   # returned, for a notebook
    image = read_png(path)
    height, width = image.shape[:2]
    assert 250 <= height <= 3000 and 250 <= width <= 3000, image.shape
    assert image.min() < 100 and image.max() > 200  # dark ink on a light page, not blank
    assert len(np.unique(image.reshape(-1, image.shape[-1]) if image.ndim == 3 else image,
                         axis=0)) > 20
    assert os.listdir(tmp_path) == [path.name]  # no temporary file next to it


def test_accuracy_adds_a_panel(tmp_path):
    with_acc = read_png(saving(plots.learning_curves, history(), tmp_path / "a.png"))
    without = read_png(saving(plots.learning_curves, history(accuracy=False), tmp_path / "b.png"))
    assert with_acc.shape[1] > 1.6 * without.shape[1]  # two panels side by side


def test_a_none_accuracy_means_regression(tmp_path):
    h = history(accuracy=False)
    h["train_accuracy"] = h["valid_accuracy"] = None
    one = read_png(saving(plots.learning_curves, h, tmp_path / "a.png"))
    two = read_png(saving(plots.learning_curves, history(), tmp_path / "b.png"))
    assert one.shape[1] < two.shape[1]


@pytest.mark.parametrize("train, valid, logarithmic", [
    ([2.0, 0.5, 0.01], [2.1, 0.6, 0.05], True),   # two decades: log
    ([1.0, 0.5], [0.2, 0.1], True),               # exactly a factor of 10
    ([1.0, 0.5], [0.4, 0.11], False),             # under one decade: linear reads better
    ([1.0, 0.0], [1.0, 0.5], False),              # log(0) does not exist
    ([1.0, -0.1], [1.0, 0.5], False),             # nor log of a negative
])
def test_the_loss_axis_is_logarithmic_only_over_decades(train, valid, logarithmic):
    assert plots._spans_decades(np.array(train), np.array(valid)) is logarithmic


def test_a_loss_of_zero_is_still_drawn(tmp_path):
    h = history(accuracy=False)
    h["train_loss"][-1] = 0.0
    read_png(saving(plots.learning_curves, h, tmp_path / "zero.png"))


def test_weight_images_are_symmetric_about_zero(tmp_path):
    # One neuron in three bands: +1, 0 and -0.25. Scaled symmetrically about zero, +1 is the
    # deepest red, 0 the colour map's neutral middle and -0.25 only a light blue. A min-max
    # scale would instead paint -0.25 the deepest blue and 0 a pale red: the sign would lie.
    column = np.arange(28 * 28) % 28
    W = np.select([column < 10, column < 19], [1.0, 0.0], -0.25).reshape(1, -1)
    figure = plots.weight_images(W, tmp_path / "w.png")
    image = figure.axes[0].images[0]
    assert image.norm.vmin == -image.norm.vmax > -np.inf
    red, white, blue = (np.array(image.to_rgba(np.array([[v]]))[0, 0, :3], dtype=float)
                        for v in (1.0, 0.0, -0.25))
    assert red[0] > 0.35 and red[2] < 0.2                       # deep red
    assert np.allclose(white, 247 / 255, atol=0.02)              # RdBu's middle, #f7f7f7
    assert blue[2] > blue[0] + 0.1 and blue[0] > 0.45            # a light blue, not deep


def test_weight_tiles_share_one_scale_and_name_their_neurons(tmp_path):
    W = weights(6)
    W[3] *= 50   # one loud neuron: a shared scale keeps the others comparable with it
    figure = plots.weight_images(W, tmp_path / "w.png")
    ax = figure.axes[0]
    assert len(ax.images) == 1    # one mosaic, one colour scale
    assert [t.get_text() for t in ax.texts] == [str(j) for j in range(6)]


def test_weight_images_stop_at_max_images(tmp_path):
    few = read_png(saving(plots.weight_images, weights(4), tmp_path / "a.png", max_images=4))
    capped = read_png(saving(plots.weight_images, weights(200), tmp_path / "b.png", max_images=4))
    assert few.shape == capped.shape


def test_weight_images_of_other_shapes_and_all_zero_rows(tmp_path):
    W = np.zeros((3, 8 * 5))
    W[1] = np.linspace(-1, 1, 40)
    read_png(saving(plots.weight_images, W, tmp_path / "w.png", image_shape=(8, 5)))


@pytest.mark.parametrize("call, name, fragments", [
    (lambda p: plots.learning_curves(dict(history(), valid_loss=[0.5] * 11), p),
     "history", ["lengths", "'valid_loss': 11", "'epoch': 12"]),
    (lambda p: plots.learning_curves(dict(history(), train_accuracy=[0.5] * 3), p),
     "history", ["'train_accuracy': 3"]),
    (lambda p: plots.learning_curves({"epoch": [1], "train_loss": [1.0]}, p),
     "history", ["'valid_loss'"]),
    (lambda p: plots.learning_curves({"epoch": [], "train_loss": [], "valid_loss": []}, p),
     "history", ["empty"]),
    (lambda p: plots.learning_curves(dict(history(), train_loss=[np.nan] * 12), p),
     "history['train_loss']", ["nan", "finite"]),
    (lambda p: plots.learning_curves(dict(history(), valid_accuracy=[93.0] * 12), p),
     "history['valid_accuracy']", ["[0, 1]"]),
    (lambda p: plots.learning_curves([1, 2, 3], p), "history", ["dict"]),
    (lambda p: plots.sin_fit(np.zeros(5), np.zeros(4), *sin_inputs()[2:], p),
     "y_train", ["4 values", "5 of x_train"]),
    (lambda p: plots.sin_fit(*sin_inputs()[:4], np.zeros(7), p),
     "y_pred", ["7 values", "100 of x_grid"]),
    (lambda p: plots.sin_fit(np.zeros((5, 2)), np.zeros(5), *sin_inputs()[2:], p),
     "x_train", ["(5, 2)", "1-D"]),
    (lambda p: plots.weight_images(np.zeros((10, 780)), p),
     "W", ["(10, 780)", "784"]),
    (lambda p: plots.weight_images(np.zeros((10, 784)), p, image_shape=(20, 20)),
     "W", ["(10, 784)", "400"]),
    (lambda p: plots.weight_images(np.zeros(784), p), "W", ["(784,)"]),
    (lambda p: plots.weight_images(np.zeros((2, 784)), p, image_shape=784),
     "image_shape", ["784", "(height, width)"]),
    (lambda p: plots.weight_images(np.zeros((2, 784)), p, max_images=0),
     "max_images", ["0", "positive"]),
    (lambda p: plots.confusion_matrix_plot(np.zeros((3, 2), dtype=int), ["a", "b", "c"], p),
     "cm", ["(3, 2)", "square"]),
    (lambda p: plots.confusion_matrix_plot(np.full((2, 2), 0.5), ["a", "b"], p),
     "cm", ["float64", "integer counts"]),
    (lambda p: plots.confusion_matrix_plot(-np.eye(2, dtype=int), ["a", "b"], p),
     "cm", ["min -1", "non-negative"]),
    (lambda p: plots.confusion_matrix_plot(small_cm(), ["a", "b"], p),
     "classes", ["3 class names"]),
    (lambda p: plots.confusion_matrix_plot(small_cm(), "abc", p),
     "classes", ["'abc'", "list"]),
])
def test_bad_input_is_named_and_nothing_is_written(tmp_path, call, name, fragments):
    with pytest.raises(ValueError) as info:
        call(tmp_path / "out.png")
    message = str(info.value)
    assert message.startswith(name + ":"), message
    for fragment in fragments:
        assert fragment in message, (fragment, message)
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("name", sorted(DRAWINGS))
def test_the_output_path_is_checked(tmp_path, name):
    with pytest.raises(ValueError, match=r"path: .*fig\.jpg.*'\.png'"):
        DRAWINGS[name](tmp_path / "fig.jpg")
    with pytest.raises(ValueError, match=r"path: the folder .*missing"):
        DRAWINGS[name](tmp_path / "missing" / "fig.png")
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("name", sorted(DRAWINGS))
def test_missing_matplotlib_names_the_extra(tmp_path, monkeypatch, name):
    # None in sys.modules makes "import matplotlib" fail as if it were not installed, even
    # though its submodules are already imported and cached by the other tests.
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(MissingExtraError) as info:
        DRAWINGS[name](tmp_path / "fig.png")
    message = str(info.value)
    assert "matplotlib" in message and '".[plot]"' in message and "pip install" in message
    assert isinstance(info.value, ImportError)
    assert os.listdir(tmp_path) == []


def test_a_failed_drawing_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    path = saving(plots.sin_fit, *sin_inputs(), tmp_path / "sin.png")
    before = pathlib.Path(path).read_bytes()
    from matplotlib.figure import Figure

    def half_then_fail(self, file, **kwargs):
        file.write(before[: len(before) // 2])
        raise RuntimeError("renderer crashed")

    monkeypatch.setattr(Figure, "savefig", half_then_fail)
    with pytest.raises(RuntimeError, match="renderer crashed"):
        plots.sin_fit(*sin_inputs(), path)
    assert pathlib.Path(path).read_bytes() == before
    assert os.listdir(tmp_path) == ["sin.png"]


def test_drawing_leaves_pyplot_alone(tmp_path):
    # A notebook's backend and its list of open figures are none of our business.
    import matplotlib
    backend = matplotlib.get_backend()
    pyplot_loaded = "matplotlib.pyplot" in sys.modules
    for name, draw in DRAWINGS.items():
        draw(tmp_path / f"{name}.png")
    assert matplotlib.get_backend() == backend
    assert ("matplotlib.pyplot" in sys.modules) == pyplot_loaded


def test_each_figure_draws_on_a_given_axes_and_returns_its_figure():
    from matplotlib.figure import Figure
    for name, draw in {
        "learning_curves": lambda ax: plots.learning_curves(history(accuracy=False), ax=ax),
        "sin_fit": lambda ax: plots.sin_fit(*sin_inputs(), ax=ax),
        "weight_images": lambda ax: plots.weight_images(weights(4), ax=ax),
        "confusion_matrix_plot": lambda ax: plots.confusion_matrix_plot(
            small_cm(), ["a", "b", "c"], ax=ax),
    }.items():
        figure = Figure()
        ax = figure.add_subplot()
        assert draw(ax) is figure, name
        assert ax.has_data() or ax.images, name


def test_the_learning_curves_mark_the_best_epoch():
    figure = plots.learning_curves(history(), best_epoch=7)
    for ax in figure.axes[:2]:
        marks = [line for line in ax.get_lines() if line.get_label().startswith("best epoch")]
        assert len(marks) == 1 and list(marks[0].get_xdata()) == [7, 7]


def test_the_truth_stays_visible_under_the_fit():
    ax = plots.sin_fit(*sin_inputs()).axes[0]
    truth, fit = (next(line for line in ax.get_lines() if line.get_label().startswith(name))
                  for name in ("truth", "network"))
    # Drawn first and wider: where the fit is right, the truth shows on both sides of it.
    assert truth.get_zorder() < fit.get_zorder() and truth.get_linewidth() > 2 * fit.get_linewidth()


def test_the_confusion_matrix_colours_errors_on_a_log_scale():
    cm = np.array([[500, 2], [0, 480]])
    ax = plots.confusion_matrix_plot(cm, ["a", "b"]).axes[0]
    image = ax.images[0]
    assert type(image.norm).__name__ == "LogNorm"
    # Two errors among 500: visibly coloured (not the page's white), the empty cell blank.
    two = image.to_rgba(np.ma.masked_equal(np.array([[2]]), 0))[0, 0]
    assert np.asarray(two)[:3].min() < 0.9
    assert [t.get_text() for t in ax.texts] == ["500", "2", "0", "480"]


@pytest.mark.parametrize("module, needs, extra", [
    ("neuronnet.estimators", "sklearn", '".[sklearn]"'),
])
def test_a_missing_extra_is_named_with_how_to_install_it(module, needs, extra):
    # A child process: here the module may be imported already. None in sys.modules makes
    # "import NEEDS" fail as if it were not installed.
    done = subprocess.run([sys.executable, "-c", f"import sys; sys.modules[{needs!r}] = None\n"
                           f"import {module}"], capture_output=True, text=True, timeout=120)
    last = done.stderr.strip().splitlines()[-1]
    assert done.returncode == 1 and last.startswith("ImportError: "), done.stderr
    assert f"{module} needs " in last and "pip install" in last and extra in last, last


# --- no text cut off at the page's edge -------------------------------------------------------
def clipped_texts(figure):
    """What of ``figure`` reaches past the page (as saved, at figures.DPI): each Axes whose
    drawn extent (ticks, labels, title, legend) does, by its title or label, and each text of
    the figure itself (titles, notes)."""
    from matplotlib.text import Text

    from neuronnet.app.figures import DPI
    figure.set_dpi(DPI)
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    page = figure.bbox

    def outside(box):
        return box.x0 < page.x0 - 1 or box.x1 > page.x1 + 1 or box.y0 < page.y0 - 1 \
            or box.y1 > page.y1 + 1

    cut = [ax.get_title() or ax.get_label() or "an Axes" for ax in figure.axes
           if outside(ax.get_tightbbox(renderer))]
    inside = {id(t) for ax in figure.axes for t in ax.findobj(Text)}
    cut += [text.get_text() for text in figure.findobj(Text) if id(text) not in inside
            and text.get_visible() and text.get_text().strip()
            and outside(text.get_window_extent(renderer))]
    return cut


def _planar():
    from neuronnet import Network
    from neuronnet.app.planar_plots import PlaneRecorder
    from neuronnet.training import PLANAR, Dataset, train
    X, y = PLANAR["moons"](60, np.random.default_rng(2))
    data = Dataset(X, labels=y, n_classes=2)
    net = Network([2, 5, 3, 2], ["relu", "tanh", "identity"], "cross_entropy",
                  rng=np.random.default_rng(2))
    recorder = PlaneRecorder(net, X, 3, targets=np.eye(2)[y])
    train(net, data, rng=np.random.default_rng(2), epochs=3, on_epoch=recorder)
    return recorder, data


def _trace(sizes, activations):
    from neuronnet import Network
    net = Network(sizes, activations, "cross_entropy", rng=np.random.default_rng(0))
    return net.trace(np.linspace(-1, 1, sizes[0]), np.eye(sizes[-1])[0])


def _pitfall():
    from neuronnet.app.pitfall_plots import pitfall_figure
    from neuronnet.pitfalls.demo_kit import DemoResult, Plot
    plot = Plot("curves", "the mean training loss", "epoch",
                series={"buggy": [1.0, 0.9, 0.85], "fixed": [1.0, 0.5, 0.2]})
    return pitfall_figure(DemoResult("summed-loss", "the loss is a sum", "the mean training "
                                     "loss after three epochs, lower when the step is the "
                                     "mean's and not the sum's", 0.85, 0.2, True, plot=plot))


LONG = "spiral: the hidden neurons of the best model while the network learns"
FIGURES = {
    "learning_curves": lambda: plots.learning_curves(history(), title=LONG),
    "sin_fit": lambda: plots.sin_fit(*sin_inputs(), title=LONG),
    "weight_images": lambda: plots.weight_images(weights(), title=LONG),
    "confusion_matrix_plot": lambda: plots.confusion_matrix_plot(small_cm(), ["a", "b", "c"],
                                                                 title=LONG),
    "boundary_plot": lambda: __import__("neuronnet.app.planar_plots").app.planar_plots
    .boundary_plot(*_planar(), _planar()[1], title=LONG),
    "hidden_plot": lambda: __import__("neuronnet.app.planar_plots").app.planar_plots
    .hidden_plot(*_planar(), title=LONG),
    "network_plot": lambda: __import__("neuronnet.app.network_figure").app.network_figure
    .network_plot(_trace([2, 3, 2], ["tanh", "identity"]), gradients=True),
    "network_plot_dense": lambda: __import__("neuronnet.app.network_figure").app
    .network_figure.network_plot(_trace([4, 12, 6, 3], ["sigmoid", "sigmoid", "identity"]),
                                 gradients=True),
    "pitfall_figure": _pitfall,
}


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_no_text_is_cut_off_at_the_edge_of_any_figure(name):
    assert clipped_texts(FIGURES[name]()) == []


def test_a_title_too_wide_for_its_page_would_be_seen():
    from neuronnet.app.figures import new_figure
    figure = new_figure(figsize=(3, 2))
    figure.suptitle("a title far too long for a page three inches wide: it runs off both sides")
    assert len(clipped_texts(figure)) == 1
