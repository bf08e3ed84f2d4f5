"""``neuronnet compare RECIPE``: both models from one start, side by side.

The same initial weights, split and sample order; trained one after the other; then per epoch
both losses, both accuracies, the largest parameter difference and the time of each.
"""
import sys

from ..training import evaluate, train
from . import recipe_data, recipes, tables
from .models import MODELS, build_model, max_parameter_difference
from .options import add_training_options, seed_of, training_options
from .train_command import check_fits

HELP = "both models from one start, side by side"
DESCRIPTION = ("Train the neuron model and the reference from the same initial weights, split "
               "and sample order, and show per epoch both losses, both accuracies, the largest "
               "parameter difference and the time of each.")
EPILOG = recipes.help_text()


def add_arguments(parser):
    parser.add_argument("recipe", choices=list(recipes.RECIPES), metavar="RECIPE",
                        help="one of: " + ", ".join(recipes.RECIPES))
    add_training_options(parser)
    parser.add_argument("--quiet", action="store_true", help="no progress bar")


def main(args, out=print):
    """0 done, 1 a model's training diverged."""
    run = compare_recipe(args.recipe, seed=seed_of(args), options=training_options(args),
                         progress=sys.stderr.isatty() and not args.quiet,
                         data_dir=args.data_dir, out=out)
    return 1 if any(result.diverged for result, _, _ in run["runs"].values()) else 0


def compare_recipe(name, *, seed=0, options=None, progress=False, data_dir=None, out=print):
    """Returns a dict: ``rows`` (one per epoch: losses, accuracies, ``max_diff``, seconds),
    ``runs`` (per model kind: the TrainingResult, the per-epoch parameters, the test
    Evaluation) and ``splits``."""
    recipe = recipes.configured(name, options)
    split_rng, _, _ = recipes.seeds(seed)
    splits = recipe_data.load(recipe.data, split_rng, data_dir)
    check_fits(recipe, splits)
    classify = splits.train.is_classification
    runs = {}
    for kind in MODELS:
        _, init_rng, order_rng = recipes.seeds(seed)  # the same streams for both models
        model = build_model(kind, recipe, splits, init_rng)
        snapshots = []
        out(f"training the {kind} model ...")
        result = train(model, splits.train, splits.valid, rng=order_rng,
                       settings=recipe.settings, progress=progress,
                       on_epoch=lambda row, m=model: snapshots.append(m.parameters()))
        out(f"{kind} model stopped: {result.stop_reason}")
        if result.interrupted:  # Ctrl-C: stop here, do not go on to train the other model
            raise KeyboardInterrupt
        runs[kind] = (result, snapshots, evaluate(result.best_model, splits.test))
    (mine, mine_params, _), (ref, ref_params, _) = runs["neuron"], runs["reference"]
    out(f"recipe {recipe.name}; data: {splits.description}")
    head = f"{'epoch':>6} {'loss neuron':>12} {'loss ref':>12}"
    if classify:
        head += f" {'valid % neuron':>14} {'valid % ref':>11}"
    head += f" {'max |dparam|':>12} {'s neuron':>9} {'s ref':>7}"
    # A diverged epoch has a history row but no snapshot (on_epoch was not called for it).
    n_epochs = min(len(mine_params), len(ref_params))
    every, rows = tables.print_every(n_epochs), []
    out("per epoch: each model's training loss" + (" and validation accuracy" if classify
                                                     else "") + ", the largest")
    out("|difference| of any weight or bias between them, and each one's seconds"
        + (f" (one epoch in {every} shown)" if every > 1 else ""))
    out(head)
    for k in range(n_epochs):
        row = dict(epoch=k + 1, loss_neuron=mine.history["train_loss"][k],
                   loss_reference=ref.history["train_loss"][k],
                   max_diff=max_parameter_difference(mine_params[k], ref_params[k]),
                   seconds_neuron=mine.history["seconds"][k],
                   seconds_reference=ref.history["seconds"][k])
        line = f"{k + 1:>6} {row['loss_neuron']:>12.6g} {row['loss_reference']:>12.6g}"
        if classify:
            row.update(valid_neuron=mine.history["valid_accuracy"][k],
                       valid_reference=ref.history["valid_accuracy"][k])
            line += f" {100 * row['valid_neuron']:>14.2f} {100 * row['valid_reference']:>11.2f}"
        line += (f" {row['max_diff']:>12.2e} {row['seconds_neuron']:>9.3f} "
                 f"{row['seconds_reference']:>7.3f}")
        rows.append(row)
        if (k + 1) % every == 0 or k == 0 or k + 1 == n_epochs:
            out(line)
    t_mine, t_ref = mine.timings["train"], ref.timings["train"]
    out(f"training time: neuron {t_mine:.2f} s, reference {t_ref:.2f} s, "
        f"ratio {t_mine / t_ref:.2f}")
    for kind, (result, _, test) in runs.items():
        out(f"{kind:>9}: " + tables.test_line(test, len(splits.test), result.best_epoch))
    if rows:
        out(f"largest parameter difference after {n_epochs} epochs: {rows[-1]['max_diff']:.2e} "
            "(the two models agree to rounding when this stays within ~1e-14)")
    return dict(rows=rows, runs=runs, splits=splits)
