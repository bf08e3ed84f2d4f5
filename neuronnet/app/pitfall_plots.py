"""The figure of a pitfall demo: the buggy and the fixed component side by side, as curves
when the demo recorded them, else as two bars of the measure that shows the symptom."""
from pathlib import Path

import numpy as np

from .figures import new_figure, save


def pitfall_curves(result, directory):
    """Both curves of a pitfall demo's result (buggy and fixed) in one PNG in ``directory``;
    returns its path. Needs matplotlib (the 'plot' extra): MissingExtraError otherwise."""
    new_figure()  # MissingExtraError before anything else
    from matplotlib.ticker import MaxNLocator

    figure = new_figure(figsize=(6.0, 4.0), layout="constrained")
    axes = figure.subplots()
    if result.curves:
        _curves(axes, result, MaxNLocator)
    else:
        _bars(axes, result)
    axes.set_title(f"{result.id}: {result.measure}", fontsize=9)
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"pitfall-{result.id}.png"
    return save(figure, path)


def _curves(axes, result, MaxNLocator):
    for label, values in result.curves.items():
        values = np.asarray(values, dtype=np.float64)
        axes.plot(np.arange(1, len(values) + 1), values, marker="." if len(values) < 30 else None,
                  label=f"{label}: {result.buggy if label == 'buggy' else result.fixed:.4g}")
    finite = np.concatenate([np.asarray(v, dtype=np.float64) for v in result.curves.values()])
    finite = finite[np.isfinite(finite)]
    if finite.size and finite.min() > 0 and finite.max() / finite.min() >= 10:
        axes.set_yscale("log")
    axes.set_xlabel("epoch" if "loss" in result.curve_label and "evaluation" not in
                    result.curve_label else "step")
    axes.set_ylabel(result.curve_label)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.legend(title="variant: measure", fontsize=8)


def _bars(axes, result):
    """The demo's one number per variant (it recorded no curve, e.g. a split's accuracy gap)."""
    values = [result.buggy, result.fixed]
    axes.bar(["buggy", "fixed"], values, color=["tab:red", "tab:green"])
    for x, value in enumerate(values):
        axes.annotate(f"{value:.4g}", (x, value), ha="center",
                      va="bottom" if value >= 0 else "top")
    axes.axhline(0.0, color="black", linewidth=0.8)
    better = "lower" if result.lower_is_better else "higher"
    axes.set_ylabel(f"{result.measure} ({better} is better)", fontsize=8)
