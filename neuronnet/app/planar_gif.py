"""The epochs GIF of a 2-D recipe: per recorded epoch (planar_plots.PlaneRecorder), the decision
boundary beside every neuron of the first hidden layer (its 16 most active when it is wider,
said in the title), one colour bar for all of them and for every frame.

One Figure is laid out and drawn once, without what changes; each frame then pastes that
background back and draws only the changing artists on it (the boundary's field, its contour,
the points over them, the maps and the heading). A new Figure per frame, laid out, drawn whole
and encoded as a PNG, took several times as long (docs/measurements.md).
"""
import math

import numpy as np

from ..io import check_output_path
from .figures import LITERAL, new_figure, write_replacing
from .planar_plots import class_legend, field, mean_abs_delta, output_scale, points

MAX_NEURONS = 16   # neurons shown per frame: all of a narrower layer, else the most active
DPI = 80


def epochs_gif(recorder, train, path, title="", progress=None):
    """An animated GIF of ``recorder.frames``; returns ``path``. ``progress(k, n)`` is called
    after each frame k of n is drawn (a progress bar, say)."""
    path = check_output_path(path, ".gif")
    import imageio.v3 as iio
    frames = recorder.frames
    if not frames:
        raise ValueError("recorder: got no recorded epochs; expected a recorder that was called "
                         "after at least one epoch")
    first = [f.hidden[0] for f in frames if f.hidden]
    width = first[0].shape[2] if first else 0
    chosen = most_active(first, MAX_NEURONS) if width else []
    name = recorder.model.activation_names[0]
    scale = output_scale(name, [m[:, :, chosen] for m in first]) if width else (0, 1, "neither")
    figure, artists = _layout(recorder, train, len(chosen), scale, width, chosen, name)
    images = []
    canvas = figure.canvas
    for k, frame in enumerate(frames):
        _update(recorder, artists, frame, chosen, title)
        canvas.restore_region(artists["background"])
        for artist in [artists["boundary"], artists["contour"], artists["points"],
                       *artists["maps"], artists["heading"]]:
            figure.draw_artist(artist)
        images.append(np.asarray(figure.canvas.buffer_rgba())[:, :, :3].copy())
        if progress is not None:
            progress(k + 1, len(frames))
    write_replacing(path, lambda file: iio.imwrite(file, images, extension=".gif",
                                                   duration=150, loop=0))
    return path


def most_active(maps, n):
    """The indices, in order, of the ``n`` neurons whose output varies most over the plane
    (the standard deviation of a over the grid, summed over the frames); all when fewer."""
    width = maps[0].shape[2]
    if width <= n:
        return list(range(width))
    spread = sum(m.reshape(-1, width).std(axis=0) for m in maps)
    return sorted(np.argsort(-spread, kind="stable")[:n].tolist())


def _layout(recorder, train, shown, scale, width, chosen, activation):
    columns = max(1, math.ceil(math.sqrt(shown)))
    rows = max(1, math.ceil(shown / columns))
    side = 4.4                              # inches: the boundary's square
    panel = min(side / rows, 2.0)           # a neuron's map
    figure = new_figure(figsize=(side + 1.0 + panel * columns + 1.2, side + 0.8),
                        layout="constrained", dpi=DPI)
    left, right = figure.subfigures(1, 2, width_ratios=[side + 1.0, panel * columns + 1.2])
    ax = left.add_subplot()
    zero = np.zeros((len(recorder.ys), len(recorder.xs)))
    boundary = field(ax, recorder, zero, "coolwarm", 0.0, 1.0, alpha=0.5)
    dots = points(ax, recorder.X if recorder.targets is not None else _features(train),
                  _labels(recorder, train))
    class_legend(ax, test=False, loc="upper center", bbox_to_anchor=(0.5, -0.02), ncol=3,
                 fontsize=8, handletextpad=0.2, columnspacing=0.8)
    ax.set_xticks([])
    ax.set_yticks([])
    maps = []
    if shown:
        axes = right.subplots(rows, columns, squeeze=False).ravel()
        for k, a in enumerate(axes):
            a.set_xticks([])
            a.set_yticks([])
            if k >= shown:
                a.set_axis_off()
                continue
            maps.append(field(a, recorder, zero, "viridis", scale[0], scale[1]))
            a.set_title(f"n{chosen[k]}", fontsize=8, pad=2)
        right.colorbar(maps[0], ax=list(axes[:shown]), shrink=0.85, extend=scale[2],
                       label="a, neuron output")
        which = (f"all {width} neurons" if shown == width else
                 f"the {shown} most active of {width} neurons")
        right.suptitle(f"layer 0 ({activation}): output a over the plane, {which}", fontsize=9)
    heading = left.suptitle("epoch 0000", fontsize=10, **LITERAL)   # room for the layout
    figure.canvas.draw()                  # lay out once; every frame keeps these positions
    figure.set_layout_engine("none")
    for artist in [boundary, dots, *maps, heading]:
        artist.set_animated(True)          # left out of the background
    figure.canvas.draw()
    background = figure.canvas.copy_from_bbox(figure.bbox)
    return figure, {"ax": ax, "boundary": boundary, "maps": maps, "heading": heading,
                    "contour": None, "points": dots, "background": background}


def _update(recorder, artists, frame, chosen, title):
    artists["boundary"].set_data(frame.probability)
    if artists["contour"] is not None:
        artists["contour"].remove()
    artists["contour"] = artists["ax"].contour(recorder.xs, recorder.ys, frame.probability,
                                               levels=[0.5], colors="black")
    artists["contour"].set_animated(True)
    for image, j in zip(artists["maps"], chosen):
        image.set_data(frame.hidden[0][:, :, j])
    blame = f", mean |delta| {mean_abs_delta(frame):.2g}" if frame.deltas is not None else ""
    artists["heading"].set_text(f"{title} epoch {frame.epoch}{blame}".strip())


def _labels(recorder, train):
    if recorder.targets is not None:
        return recorder.targets.argmax(axis=1)
    return train.labels


def _features(dataset):
    return dataset.batch(np.arange(len(dataset)))[0]
