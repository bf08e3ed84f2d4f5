"""The network as a picture, from a trace (neuronnet/trace.py): the neuron-level counterpart of
micrograd's graph drawing, with matplotlib.

Inputs on the left, one column per layer; each neuron a circle labelled with its z, a and delta
for the traced sample, filled by its a (blue negative, red positive). Each weight is an edge:
red for positive, blue for negative, its width growing with |w|; with ``gradients=True`` each
edge is also labelled with its dW.
"""
import numpy as np

from ..io import check_output_path
from .figures import LITERAL, PNG, new_figure, save

MAX_DRAWN = 12   # neurons drawn per layer (the first ones)
MAX_LABELLED = 24   # edges labelled with their numbers; a bigger net shows colour and width


def network_plot(record, path=None, *, gradients=False, title="", sample=0, ax=None):
    """Draw the traced network; returns the Figure (written to ``path`` when given)."""
    if path is not None:
        path = check_output_path(path, PNG)
    sizes = [min(s, MAX_DRAWN) for s in record.sizes]
    if ax is None:
        figure = new_figure(figsize=(2.6 * len(sizes) + 1.5, 1.15 * max(sizes) + 1.6),
                            layout="constrained")
        ax = figure.add_subplot()
    else:
        figure = ax.figure
    positions = [[(float(c), (n - 1) / 2.0 - i) for i in range(n)] for c, n in enumerate(sizes)]
    steps = record.neurons
    largest = max(float(np.max(np.abs(s.w))) for layer in steps for s in layer) or 1.0
    edges = sum(a * b for a, b in zip(sizes, sizes[1:]))
    labelled = edges <= MAX_LABELLED   # more labels than that pile up: colour and width only
    for l, layer in enumerate(steps):
        for step in layer[:sizes[l + 1]]:
            x1, y1 = positions[l + 1][step.index]
            for i, w in enumerate(step.w[:sizes[l]]):
                x0, y0 = positions[l][i]
                ax.plot([x0, x1], [y0, y1], color="tab:red" if w > 0 else "tab:blue",
                        linewidth=0.4 + 3.6 * abs(w) / largest, alpha=0.75, zorder=1)
                if not labelled:
                    continue
                label = f"{w:.2g}" + (f"\ndW {step.dW[i]:.2g}" if gradients else "")
                t = 0.2 + 0.15 * (step.index % 3)   # staggered, so crossing edges' labels part
                ax.text(x0 + t * (x1 - x0), y0 + t * (y1 - y0), label, fontsize=6.5,
                        ha="center", va="center", zorder=3,
                        bbox=dict(boxstyle="round,pad=0.1", fc="white", ec="none", alpha=0.8))
    _draw_inputs(ax, positions[0], record.X[sample])
    for l, layer in enumerate(steps):
        for step in layer[:sizes[l + 1]]:
            x, y = positions[l + 1][step.index]
            a = float(step.a[sample])
            ax.scatter([x], [y], s=1900, c=[[np.tanh(a)]], cmap="coolwarm", vmin=-1, vmax=1,
                       edgecolors="black", zorder=2)
            ax.text(x, y, f"z {step.z[sample]:.3g}\na {a:.3g}\nδ {step.delta[sample]:.3g}",
                    fontsize=7, ha="center", va="center", zorder=4)
    for c, n in enumerate(record.sizes):
        name = "inputs x" if c == 0 else f"layer {c - 1}: {record.activations[c - 1]}"
        more = f"\n(first {MAX_DRAWN} of {n})" if n > MAX_DRAWN else ""
        ax.text(c, (sizes[c] - 1) / 2.0 + 0.85, name + more, ha="center", va="bottom",
                fontsize=8.5)
    ax.set_xlim(-0.6, len(sizes) - 0.4)
    ax.set_ylim(-(max(sizes) - 1) / 2.0 - 0.8, (max(sizes) - 1) / 2.0 + 1.4)
    ax.set_axis_off()
    ax.set_title(title or f"one step: loss {record.loss_value:.4g} -> {record.loss_after:.4g}"
                 f" ({record.loss})", fontsize=10, **LITERAL)
    ax.text(0.0, -0.02, "edges: weight w (red > 0, blue < 0, width ~ |w|)"
            + (("; labelled w" + (", dW below" if gradients else "")) if labelled else
               f"; {edges} edges: too many to label, see neuronnet trace")
            + ".  Nodes: z, a = f(z), delta = dL/dz; fill = a (blue < 0 < red)",
            transform=ax.transAxes, fontsize=7.5, va="top")
    if path is not None:
        save(figure, path)
    return figure


def _draw_inputs(ax, positions, x):
    for (px, py), value in zip(positions, x):
        ax.scatter([px], [py], s=900, c="whitesmoke", edgecolors="grey", zorder=2)
        ax.text(px, py, f"{value:.3g}", fontsize=8, ha="center", va="center", zorder=4)
