"""The pictures of a 2-D problem (neuronnet/app/planar_plots.py, planar_gif.py): the delta maps
are drawn at an epoch when blame is still flowing, and say which; a layer of any width is a
readable grid with one colour bar per quantity; the GIF shows every neuron of the first layer
(or its 16 most active, said) and reports each frame; every boundary has a legend of classes."""
import numpy as np
import pytest

from neuronnet import Network
from neuronnet.app import planar_plots
from neuronnet.app.planar_gif import MAX_NEURONS, epochs_gif, most_active
from neuronnet.training import PLANAR, Dataset, train

pytest.importorskip("matplotlib")


def recorded(width=3, epochs=8, n=60, seed=1):
    X, y = PLANAR["circles"](n, np.random.default_rng(seed))
    data = Dataset(X, labels=y, n_classes=2)
    net = Network([2, width, 2], ["tanh", "identity"], "cross_entropy",
                  rng=np.random.default_rng(seed))
    recorder = planar_plots.PlaneRecorder(net, X, epochs, targets=np.eye(2)[y])
    train(net, data, rng=np.random.default_rng(seed), epochs=epochs, lr=0.5, on_epoch=recorder)
    return recorder, data


def delta_colours(figure):
    """The values coloured in each delta panel (the scatters of the maps' grids)."""
    return [c.get_array() for ax in figure.axes if ax.get_label() != "<colorbar>"
            for c in ax.collections if c.get_cmap().name == "PiYG"]


def test_the_deltas_are_drawn_where_they_are_largest_and_the_title_says_so():
    recorder, data = recorded()
    sizes = [planar_plots.mean_abs_delta(f) for f in recorder.frames]
    chosen = recorder.frames[int(np.argmax(sizes))]
    figure = planar_plots.hidden_plot(recorder, data)
    title = figure._suptitle.get_text()
    assert f"epoch {chosen.epoch}, where the deltas are largest" in title
    assert f"{max(sizes):.2g}" in title and f"by epoch {recorder.frames[-1].epoch}" in title
    shown = delta_colours(figure)
    assert len(shown) == 3
    for j, values in enumerate(shown):
        assert np.array_equal(values, chosen.deltas[0][:, j])


def test_the_figure_can_be_drawn_at_any_recorded_epoch():
    recorder, data = recorded()
    late = recorder.frames[-1]
    figure = planar_plots.hidden_plot(recorder, data, epoch=late.epoch)
    assert f"epoch {late.epoch}, the epoch asked for" in figure._suptitle.get_text()
    assert np.array_equal(delta_colours(figure)[2], late.deltas[0][:, 2])
    a_maps = [ax.images[0].get_array() for ax in figure.axes
              if ax.images and ax.get_label() != "<colorbar>"]
    assert np.array_equal(a_maps[1], late.hidden[0][:, :, 1])
    with pytest.raises(ValueError) as info:
        planar_plots.hidden_plot(recorder, data, epoch=999)
    assert str(info.value).startswith("epoch: got 999; expected one of the recorded epochs [1, 2")


def test_recorded_deltas_are_each_points_own_delta():
    # dL/dz of a point's own loss is n times the mean loss's delta, at the epoch's parameters
    recorder, data = recorded(epochs=1)
    X, T = data.batch(np.arange(len(data)))
    recorder.model.gradient(X, T)
    assert np.allclose(recorder.frames[0].deltas[0], len(X) * recorder.model.deltas()[0],
                       rtol=1e-12, atol=0)


@pytest.mark.parametrize("width, shape", [(1, (1, 1)), (3, (1, 3)), (4, (1, 4)),
                                          (5, (2, 3)), (16, (4, 4)), (17, (4, 5)),
                                          (64, (8, 8))])
def test_a_layer_of_any_width_is_a_near_square_grid(width, shape):
    rows, columns = planar_plots._grid_shape(width)
    assert (rows, columns) == shape and rows * columns >= width > (rows - 1) * columns


def test_a_wide_layer_is_readable_with_one_colour_bar_per_quantity():
    recorder, data = recorded(width=17, epochs=2)
    figure = planar_plots.hidden_plot(recorder, data)
    figure.canvas.draw()
    dpi = 110 / figure.dpi      # as saved (figures.DPI)
    assert figure.get_figwidth() * 110 <= 2200 and figure.get_figheight() * 110 <= 2200
    panels = [ax for ax in figure.axes if ax.axison and ax.get_label() != "<colorbar>"
              and (ax.images or ax.collections)]
    assert len(panels) == 2 * 17
    assert min(ax.get_window_extent().width * dpi for ax in panels) >= 100
    bars = [ax for ax in figure.axes if ax.get_label() == "<colorbar>"]
    assert sorted(ax.get_ylabel() for ax in bars) == ["a, the output", "delta = dL/dz"]


def test_most_active_keeps_the_neurons_that_vary_most():
    rng = np.random.default_rng(0)
    maps = [rng.normal(size=(5, 5, 20)) * np.arange(1, 21) for _ in range(2)]
    assert most_active(maps, 16) == list(range(4, 20))
    assert most_active([m[:, :, :7] for m in maps], 16) == list(range(7))


def test_the_gif_shows_every_frame_and_reports_each(tmp_path):
    import imageio.v3 as iio
    recorder, data = recorded(width=5, epochs=4)
    calls = []
    epochs_gif(recorder, data, tmp_path / "e.gif", title="t",
               progress=lambda k, n: calls.append((k, n)))
    frames = iio.imread(tmp_path / "e.gif", index=None)
    assert calls == [(k, 4) for k in range(1, 5)]
    assert frames.shape[0] == 4 and frames.shape[1] >= 350       # readable at 100%
    assert not np.array_equal(frames[0], frames[-1])
    assert MAX_NEURONS == 16


def test_every_boundary_names_its_classes():
    recorder, data = recorded(epochs=1)
    ax = planar_plots.boundary_plot(recorder, data, data).axes[0]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[:2] == ["class 0 (training)", "class 1 (training)"]
    assert any("boundary" in label for label in labels)
