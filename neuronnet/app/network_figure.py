"""The network as a picture, from a trace (neuronnet/trace.py): the neuron-level counterpart of
micrograd's graph drawing, with matplotlib.

Inputs on the left, one column per layer; each neuron a circle labelled with its z, a and delta
for the traced sample, filled by its a (blue negative, red positive). Each weight is an edge:
red for positive, blue for negative, its width growing with |w|. A small network has each edge
labelled with its w (and with ``gradients=True`` its dW), each label placed along its edge where
it overlaps no other label and no neuron; a dense one shows colour and width only, and with
``gradients=True`` lists every drawn neuron's dW and db in a table beside the picture.
"""
import textwrap

import numpy as np

from ..io import check_output_path
from .figures import LITERAL, PNG, new_figure, save

MAX_DRAWN = 12   # neurons drawn per layer (the first ones)
MAX_LABELLED = 24   # edges labelled with their numbers; a bigger net shows colour and width
NODE = 2500      # a neuron's disc, in points squared (about 50 points across)
ALONG = (0.5, 0.35, 0.65, 0.25, 0.75, 0.18, 0.82)   # where along an edge a label may sit
TABLE_WIDTH = 4.4   # inches: the side table of dW for a dense network


def short(x):
    """A number in at most about 8 characters: 3 significant digits, a short exponent."""
    return f"{float(x):.3g}".replace("e-0", "e-").replace("e+0", "e+")


def network_plot(record, path=None, *, gradients=False, title="", sample=0, ax=None):
    """Draw the traced network; returns the Figure (written to ``path`` when given)."""
    if path is not None:
        path = check_output_path(path, PNG)
    sizes = [min(s, MAX_DRAWN) for s in record.sizes]
    edges = sum(a * b for a, b in zip(sizes, sizes[1:]))
    labelled = edges <= MAX_LABELLED   # more labels than that cannot all find room
    table = gradients and not labelled
    width = 2.6 * len(sizes) + 1.5
    if ax is None:
        figure = new_figure(figsize=(width + (TABLE_WIDTH if table else 0.0),
                                     1.2 * max(sizes) + 1.9))
        share = width / (width + (TABLE_WIDTH if table else 0.0))
        ax = figure.add_axes([0.01, 0.1, share - 0.02, 0.8])
    else:
        figure = ax.figure
    positions = [[(float(c), (n - 1) / 2.0 - i) for i in range(n)] for c, n in enumerate(sizes)]
    ax.set_xlim(-0.6, len(sizes) - 0.4)
    ax.set_ylim(-(max(sizes) - 1) / 2.0 - 0.8, (max(sizes) - 1) / 2.0 + 1.4)
    ax.set_axis_off()
    steps = record.neurons
    _draw_edges(ax, steps, sizes, positions)
    _draw_inputs(ax, positions[0], record.X[sample])
    for l, layer in enumerate(steps):
        for step in layer[:sizes[l + 1]]:
            x, y = positions[l + 1][step.index]
            a = float(step.a[sample])
            ax.scatter([x], [y], s=NODE, c=[[np.tanh(a)]], cmap="coolwarm", vmin=-1, vmax=1,
                       edgecolors="black", zorder=2)
            ax.text(x, y, f"z {short(step.z[sample])}\na {short(a)}\nδ "
                    f"{short(step.delta[sample])}", fontsize=6.5, ha="center", va="center",
                    zorder=4)
    for c, n in enumerate(record.sizes):
        name = "inputs x" if c == 0 else f"layer {c - 1}: {record.activations[c - 1]}"
        more = f"\n(first {MAX_DRAWN} of {n})" if n > MAX_DRAWN else ""
        ax.text(c, (sizes[c] - 1) / 2.0 + 0.85, name + more, ha="center", va="bottom",
                fontsize=8.5)
    if labelled:
        _label_edges(figure, ax, steps, sizes, positions, gradients)
    if table:
        _dW_table(figure, steps, sizes, 1.0 - TABLE_WIDTH / (width + TABLE_WIDTH))
    figure.text(0.5, 0.985, title or f"one step: loss {record.loss_value:.4g} -> "
                f"{record.loss_after:.4g} ({record.loss})", ha="center", va="top", fontsize=10,
                **LITERAL)
    key = ("edges: weight w (red > 0, blue < 0, width ~ |w|)"
           + (("; labelled w" + (" and dW" if gradients else "")) if labelled else
              f"; {edges} edges: too many to label" + ("; dW in the table" if table else
                                                        ", see neuronnet trace"))
           + ".  Nodes: z, a = f(z), δ = delta = dL/dz; fill = a (blue < 0 < red)")
    columns = int(figure.get_figwidth() * 72 / (7.5 * 0.6))
    figure.text(0.01, 0.01, "\n".join(textwrap.wrap(key, columns)), fontsize=7.5, va="bottom")
    if path is not None:
        save(figure, path)
    return figure


def _draw_edges(ax, steps, sizes, positions):
    largest = max(float(np.max(np.abs(s.w))) for layer in steps for s in layer) or 1.0
    for l, layer in enumerate(steps):
        for step in layer[:sizes[l + 1]]:
            x1, y1 = positions[l + 1][step.index]
            for i, w in enumerate(step.w[:sizes[l]]):
                x0, y0 = positions[l][i]
                ax.plot([x0, x1], [y0, y1], color="tab:red" if w > 0 else "tab:blue",
                        linewidth=0.4 + 3.6 * abs(w) / largest, alpha=0.75, zorder=1)


def _label_edges(figure, ax, steps, sizes, positions, gradients):
    """Each edge's w (and dW) at the first place along it, from the middle out, where its box
    overlaps no label already placed and no neuron; an edge with no such place is left
    unlabelled and said so in the corner."""
    renderer = figure.canvas.get_renderer()
    radius = np.sqrt(NODE) / 2 * figure.dpi / 72     # a disc's radius in pixels
    discs = [ax.transData.transform(p) for column in positions for p in column]
    placed, missing = [], 0
    for l, layer in enumerate(steps):
        for step in layer[:sizes[l + 1]]:
            x1, y1 = positions[l + 1][step.index]
            for i, w in enumerate(step.w[:sizes[l]]):
                x0, y0 = positions[l][i]
                label = f"w {short(w)}" + (f"\ndW {short(step.dW[i])}" if gradients else "")
                text = ax.text(0, 0, label, fontsize=6.5, ha="center", va="center", zorder=3,
                               bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none",
                                         alpha=0.9))
                for t in ALONG:
                    text.set_position((x0 + t * (x1 - x0), y0 + t * (y1 - y0)))
                    box = text.get_window_extent(renderer).expanded(1.06, 1.1)
                    if not any(box.overlaps(other) for other in placed) and not any(
                            _box_meets_disc(box, centre, radius) for centre in discs):
                        placed.append(box)
                        break
                else:
                    text.remove()
                    missing += 1
    if missing:
        ax.text(1.0, 0.0, f"{missing} edge labels found no free place: see neuronnet trace",
                transform=ax.transAxes, ha="right", va="bottom", fontsize=7)


def _box_meets_disc(box, centre, radius):
    nearest = np.clip(centre, [box.x0, box.y0], [box.x1, box.y1])
    return float(np.hypot(*(nearest - centre))) < radius


def _dW_table(figure, steps, sizes, left):
    """Every drawn neuron's dW (its first entries) and db, beside the picture."""
    lines = ["dW = delta * x, db = delta", ""]
    for l, layer in enumerate(steps):
        for step in layer[:sizes[l + 1]]:
            dW = ", ".join(short(v) for v in step.dW[:3]) + (", ..." if len(step.dW) > 3 else "")
            lines.append(f"layer {l} n{step.index}: dW [{dW}]  db {short(step.db)}")
        more = len(layer) - sizes[l + 1]
        if more > 0:
            lines.append(f"layer {l}: {more} more neurons, see neuronnet trace")
        lines.append("")
    figure.text(left, 0.92, "\n".join(lines), fontsize=7.5, va="top", ha="left",
                family="monospace")


def _draw_inputs(ax, positions, x):
    for (px, py), value in zip(positions, x):
        ax.scatter([px], [py], s=900, c="whitesmoke", edgecolors="grey", zorder=2)
        ax.text(px, py, short(value), fontsize=8, ha="center", va="center", zorder=4)
