"""Every figure the project draws, into one folder, with an index page to look at them all.

    python benchmarks/contact_sheet.py [--out DIR] [--pitfalls]

Draws, as the command line does: `neuronnet train --plot` for iris (curves, confusion), sin
(the fit), digits-folder (first-layer weights) and the four 2-D recipes (boundary, hidden
neurons, the epochs GIF); `neuronnet trace --plot --gradients` for xor (a small network, its
edges labelled) and iris (a dense one, dW in a table); with --pitfalls, the figure of every
pitfall demo. Then writes DIR/index.html, one section per figure, each image at 100%.

It prints, side by side per recipe, the run's own wall time and the time its drawing added:
the figures behind docs/measurements.md ("What --plot costs").
"""
import argparse
import html
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from neuronnet.app.trace_command import trace_recipe  # noqa: E402
from neuronnet.app.train_command import train_recipe  # noqa: E402

RECIPES = ["iris", "sin", "digits-folder", "xor", "moons", "circles", "spiral"]
TRACES = ["xor", "iris"]


def draw_recipes(out):
    rows = []
    for name in RECIPES:
        lines = []
        start = time.perf_counter()
        run = train_recipe(name, quiet=True, plot=str(out), out=lines.append)
        total = time.perf_counter() - start
        frames = len(run["plane"].frames) if run["plane"] is not None else 0
        rows.append((name, run["wall"], total - run["wall"], frames,
                     [line[len("plot: "):] for line in lines if line.startswith("plot: ")]))
    return rows


def draw_traces(out):
    from neuronnet.app.network_figure import network_plot
    paths = []
    for name in TRACES:
        record, recipe, _ = trace_recipe(name)
        path = out / f"{name}-trace.png"
        network_plot(record, path, gradients=True,
                     title=f"{name}: one step on training sample 0")
        paths.append(str(path))
    return paths


def draw_pitfalls(out):
    from neuronnet.app.pitfall_plots import pitfall_curves
    from neuronnet.pitfalls import CATALOGUE
    from neuronnet.pitfalls.demo import run
    return [str(pitfall_curves(run(pitfall.id), out)) for pitfall in CATALOGUE]


def index_page(out, sections):
    parts = ["<!doctype html><meta charset='utf-8'><title>neuronnet: every figure</title>",
             "<style>body{font-family:sans-serif;margin:2em}img{border:1px solid #ccc;"
             "max-width:none}h2{margin-top:2em}</style>",
             "<h1>neuronnet: every figure</h1>",
             "<p>Drawn by <code>python benchmarks/contact_sheet.py</code>; each at 100%.</p>"]
    for heading, paths in sections:
        parts.append(f"<h2>{html.escape(heading)}</h2>")
        for path in paths:
            name = Path(path).name
            parts.append(f"<h3>{html.escape(name)}</h3><img src='{html.escape(name)}' "
                         f"alt='{html.escape(name)}'>")
    (out / "index.html").write_text("\n".join(parts) + "\n", encoding="utf-8")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default="contact-sheet", metavar="DIR",
                        help="the folder to draw into (default: contact-sheet)")
    parser.add_argument("--pitfalls", action="store_true",
                        help="also every pitfall demo's figure (runs every demo: minutes)")
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    rows = draw_recipes(out)
    print(f"{'recipe':<14} {'run (s)':>8} {'drawing (s)':>12} {'GIF frames':>11}  figures")
    for name, wall, drawing, frames, paths in rows:
        print(f"{name:<14} {wall:>8.1f} {drawing:>12.1f} {frames or '-':>11}  {len(paths)}")
    sections = [(f"neuronnet train {name} --plot", paths) for name, *_, paths in rows]
    sections.append(("neuronnet trace --plot --gradients", draw_traces(out)))
    if args.pitfalls:
        sections.append(("neuronnet pitfalls demo --plot", draw_pitfalls(out)))
    index_page(out, sections)
    print(f"index: {out / 'index.html'} ({sum(len(p) for _, p in sections)} figures)")


if __name__ == "__main__":
    main()
