"""The figure of a pitfall demo: the quantity its measure names, for both runs, drawn from the
demo's ``Plot`` (neuronnet/pitfalls/demo_kit.py): curves per epoch (an early stop marked with
an x and its epoch), one bar per run, or a scatter of after against before beside y = x.

The title says what is measured (the demo's ``measure``), the y axis names the same quantity,
and the legend names the two runs with their values of the measure.
"""
import textwrap
from pathlib import Path

import numpy as np

from .figures import new_figure, save

COLOURS = ("tab:red", "tab:green")


def pitfall_figure(result, ax=None):
    """The demo's figure (a matplotlib Figure), on ``ax`` when given."""
    if ax is None:
        figure = new_figure(figsize=(6.4, 4.4), layout="constrained")
        ax = figure.add_subplot()
    else:
        figure = ax.figure
    plot = result.plot
    values = dict(zip(result.labels, (result.buggy, result.fixed)))
    {"curves": _curves, "bars": _bars, "scatter": _scatter}[plot.kind](ax, plot, values)
    if plot.line is not None:
        ax.axhline(plot.line[0], color="black", linestyle="--", linewidth=0.9,
                   label=plot.line[1])
    if plot.log:
        ax.set_yscale("log")
    elif plot.kind != "scatter":
        ax.ticklabel_format(axis="y", useOffset=False)
    ax.set_ylabel(plot.y_label)
    ax.set_xlabel(plot.x_label)
    better = {True: "lower is better", False: "higher is better"}.get(result.lower_is_better, "")
    ax.legend(title=f"run: {plot.legend}" + (f" ({better})" if better else ""),
              fontsize=8, title_fontsize=8, loc="best")
    ax.set_title(result.id + "\n" + "\n".join(textwrap.wrap(result.measure, 70)), fontsize=9)
    return figure


def pitfall_curves(result, directory):
    """The demo's figure as a PNG in ``directory``; returns its path. Needs matplotlib (the
    'plot' extra): MissingExtraError otherwise."""
    new_figure()  # MissingExtraError before anything else
    figure = pitfall_figure(result)
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    return save(figure, directory / f"pitfall-{result.id}.png")


def _xy(series):
    if isinstance(series, tuple):
        return np.asarray(series[0], dtype=float), np.asarray(series[1], dtype=float)
    y = np.asarray(series, dtype=float)
    return np.arange(1, len(y) + 1), y


def _curves(ax, plot, values):
    from matplotlib.ticker import MaxNLocator
    integer_x = True
    for (label, series), colour in zip(plot.series.items(), COLOURS):
        x, y = _xy(series)
        integer_x = integer_x and not isinstance(series, tuple)
        first = label == next(iter(plot.series))   # the buggy run: drawn on top, wider
        ax.plot(x, y, color=colour, marker="." if len(y) < 30 else None,
                linewidth=2.4 if first else 1.4, zorder=3 if first else 2,
                label=f"{label}: {values[label]:.4g}")
        if label in plot.stops:
            stop, why = plot.stops[label]
            finite = np.flatnonzero(np.isfinite(y))
            if finite.size:   # the last epoch it completed, at the last finite value
                at_x, at_y = stop, y[finite[-1]]
            else:
                at_x, at_y = 1.0, np.nanmax([np.nanmax(_xy(s)[1]) for s in plot.series.values()])
            ax.plot([at_x], [at_y], marker="x", markersize=11, markeredgewidth=2.5,
                    color=colour, linestyle="none")
            ax.annotate(f"stopped in epoch {stop + 1}: non-finite loss", (at_x, at_y),
                        textcoords="offset points", xytext=(8, -14), fontsize=8, color=colour)
    if integer_x:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))


def _bars(ax, plot, values):
    labels = list(plot.series)
    heights = [float(plot.series[k]) for k in labels]
    shown = [max(h, np.finfo(float).tiny) if plot.log else h for h in heights]
    ax.bar(range(len(labels)), shown, color=COLOURS[:len(labels)],
           label=[f"{k}: {values[k]:.4g}" for k in labels])
    for x, h in enumerate(heights):
        ax.annotate(f"{h:.3g}", (x, shown[x]), ha="center",
                    va="bottom" if h >= 0 else "top", fontsize=9)
    ax.set_xticks(range(len(labels)), labels)
    ax.axhline(0.0, color="black", linewidth=0.6) if not plot.log else None


def _scatter(ax, plot, values):
    everything = []
    for (label, (x, y)), colour, marker in zip(plot.series.items(), COLOURS, ("o", "+")):
        ax.scatter(x, y, color=colour, marker=marker, s=22 if marker == "o" else 40,
                   alpha=0.8, label=f"{label}: {values[label]:.4g}")
        everything += [np.asarray(x), np.asarray(y)]
    low = min(float(np.min(v)) for v in everything)
    high = max(float(np.max(v)) for v in everything)
    ax.plot([low, high], [low, high], color="grey", linewidth=0.8, linestyle=":",
            label="y = x (unchanged)")
