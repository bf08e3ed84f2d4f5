"""What the command-line subcommands do: train, compare, evaluate, and the tour.

Each command takes plain arguments (no argparse objects), prints through ``out`` and returns
what it measured, so the tests can call it directly.
"""
import resource
import time
from pathlib import Path

import numpy as np

from . import recipes
from .training import evaluate, train

MODELS = ("neuron", "reference")


def build_model(kind, recipe, splits, rng):
    """A fresh ``Network`` (kind "neuron") or ``reference.MLP`` (kind "reference")."""
    sizes, activations = recipes.layer_sizes(recipe, splits), recipes.activations(recipe)
    if kind == "neuron":
        from .network import Network
        return Network(sizes, activations, loss=recipe.loss, init=recipe.init, rng=rng)
    if kind == "reference":
        from reference import MLP  # neuronnet may import the oracle, never the reverse
        return MLP(sizes, activations, loss=recipe.loss, init=recipe.init, rng=rng)
    raise ValueError(f"model: got {kind!r}; expected one of {list(MODELS)}")


def settings(recipe):
    """The keyword arguments of training.train that a recipe fixes."""
    return dict(epochs=recipe.epochs, batch_mode=recipe.batch_mode, batch_size=recipe.batch_size,
                optimizer=recipe.optimizer, lr=recipe.lr, momentum=recipe.momentum,
                schedule=recipe.schedule, clip_norm=recipe.clip_norm, patience=recipe.patience)


def peak_memory_mb():
    """The process's peak resident memory so far, MB (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _print_every(epochs):
    return max(1, int(np.ceil(epochs / 25)))  # at most ~25 table rows


def _header(recipe, splits, model, out):
    out(f"recipe {recipe.name} (seed {recipe.seed}): {recipe.summary}")
    for fix in recipe.fixes:
        out(f"  fixed: {fix}")
    out(f"data: {splits.description}")
    out(f"model: {model!r}".replace("\n", "\n  "))
    schedule = recipe.schedule or "constant"
    out(f"training: {recipe.epochs} epochs, {recipe.batch_mode} (batch {recipe.batch_size}), "
        f"{recipe.optimizer} lr={recipe.lr:g} momentum={recipe.momentum:g}, schedule "
        f"{schedule}, clip_norm {recipe.clip_norm}, patience {recipe.patience}")


def _table_row(row, classify):
    best = "*" if row.get("best") else " "
    if classify:
        return (f"{row['epoch']:>6} {row['lr']:>9.3g} {_loss(row['train_loss'])} "
                f"{100 * row['train_accuracy']:>9.2f} {_loss(row['valid_loss'])} "
                f"{100 * row['valid_accuracy']:>9.2f} {row['seconds']:>8.3f} {best}")
    return (f"{row['epoch']:>6} {row['lr']:>9.3g} {row['train_loss']:>11.3e} "
            f"{row['valid_loss']:>11.3e} {row['seconds']:>8.3f} {best}")


def _loss(value):
    """11 characters: fixed-point for ordinary losses, exponent form for a blown-up one."""
    return f"{value:>11.5f}" if abs(value) < 1e4 else f"{value:>11.4e}"


def _table_head(classify):
    if classify:
        return (f"{'epoch':>6} {'lr':>9} {'train loss':>11} {'train %':>9} {'valid loss':>11} "
                f"{'valid %':>9} {'seconds':>8}   (* = best validation loss so far)")
    return (f"{'epoch':>6} {'lr':>9} {'train loss':>11} {'valid loss':>11} {'seconds':>8}   "
            "(* = best validation loss so far)")


def train_recipe(name, *, model="neuron", seed=0, options=None, save=None, plot=None,
                 quiet=False, progress=False, out=print):
    """Run recipe ``name`` (with ``options`` overriding its settings) on one model. Returns a
    dict with the TrainingResult, the test Evaluation, the splits and the wall time."""
    start = time.perf_counter()
    recipe = _recipe(name).with_options(**(options or {}))
    # Everything that could fail after training is checked before it starts: no hour of
    # training may be lost to a typo in --save or a missing plotting extra.
    if save is not None:
        _check_save_path(save)
    if plot is not None:
        _check_plot_dir(plot)
    split_rng, init_rng, order_rng = recipes.seeds(seed)
    splits = recipes.load(recipe.data, split_rng)
    net = build_model(model, recipe, splits, init_rng)
    classify = splits.train.is_classification
    if not quiet:
        _header(recipe, splits, net, out)
        out(f"model kind: {model}; seed {seed}")
        out(_table_head(classify))
    every = _print_every(recipe.epochs)

    def show(row):
        if not quiet and (row["epoch"] % every == 0 or row["epoch"] == 1
                          or row["epoch"] == recipe.epochs):
            out(_table_row(row, classify))

    result = train(net, splits.train, splits.valid, rng=order_rng, progress=progress and not quiet,
                   on_epoch=show, **settings(recipe))
    out(f"stopped: {result.stop_reason}")
    # After Ctrl-C the user wants out: no test pass (it could take a while), only the save.
    test = None if result.interrupted else evaluate(result.best_model, splits.test)
    if test is not None:
        out(_test_line(test, splits, result.best_epoch))
    wall = time.perf_counter() - start
    out(f"wall time {wall:.1f} s (training {result.timings['train']:.1f} s, evaluation "
        f"{result.timings['evaluate']:.1f} s); peak memory {peak_memory_mb():.0f} MB")
    if save is not None:
        from . import persistence
        metadata = {"recipe": recipe.name, "seed": int(seed), "model": model,
                    "classes": ",".join(splits.classes), "best_epoch": int(result.best_epoch),
                    "stop_reason": result.stop_reason}
        if test is not None:
            metadata.update(test_loss=float(test.loss), test_accuracy=(
                float(test.accuracy) if test.accuracy is not None else -1.0))
        persistence.save(result.best_model, save, metadata=metadata, history=result.history)
        out(f"saved the best model (epoch {result.best_epoch}) and the history of "
            f"{len(result.history['epoch'])} epochs to {save}")
    if plot is not None and test is not None:
        for path in _plots(plot, recipe, splits, result, test):
            out(f"plot: {path}")
    return dict(result=result, test=test, splits=splits, recipe=recipe, wall=wall)


def _test_line(test, splits, best_epoch):
    where = f"test ({len(splits.test)} samples, best model from epoch {best_epoch})"
    if test.accuracy is None:
        return f"{where}: half-MSE {test.loss:.3e}"
    right = int(round(test.accuracy * len(splits.test)))
    return (f"{where}: loss {test.loss:.4g}, accuracy {100 * test.accuracy:.2f}% "
            f"({right}/{len(splits.test)})")


def _plots(directory, recipe, splits, result, test):
    from . import plots
    from .metrics import confusion_matrix
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = [plots.learning_curves(result.history, directory / f"{recipe.name}-curves.png",
                                   title=f"{recipe.name}: learning curves")]
    if recipe.data == "sin":
        x_grid = np.linspace(-np.pi, np.pi, 400)[:, None]
        fit = result.best_model.forward(x_grid)
        x_train, y_train = splits.train.batch(slice(None))
        paths.append(plots.sin_fit(x_train[:, 0], y_train[:, 0], x_grid[:, 0], np.sin(x_grid[:, 0]),
                                   fit[:, 0], directory / f"{recipe.name}-fit.png",
                                   title=f"{recipe.name}: the fit against sin(x)"))
    if splits.train.is_classification:
        cm = confusion_matrix(splits.test.labels, test.predictions, splits.test.n_classes)
        paths.append(plots.confusion_matrix_plot(cm, splits.classes,
                                                 directory / f"{recipe.name}-confusion.png",
                                                 title=f"{recipe.name}: test confusion matrix"))
        if splits.train.n_features == 28 * 28:
            W = result.best_model.parameters()[0]
            paths.append(plots.weight_images(W, directory / f"{recipe.name}-weights.png",
                                             title=recipe.name))
    return paths


def compare_recipe(name, *, seed=0, options=None, progress=False, out=print):
    """Both models from one start (the same initial weights, split and sample order), trained
    one after the other; then per epoch side by side: losses, accuracies, the largest
    parameter difference, and the time of each."""
    recipe = _recipe(name).with_options(**(options or {}))
    split_rng, _, _ = recipes.seeds(seed)
    splits = recipes.load(recipe.data, split_rng)
    classify = splits.train.is_classification
    runs = {}
    for kind in MODELS:
        _, init_rng, order_rng = recipes.seeds(seed)  # the same streams for both models
        model = build_model(kind, recipe, splits, init_rng)
        snapshots = []
        out(f"training the {kind} model ...")
        result = train(model, splits.train, splits.valid, rng=order_rng, progress=progress,
                       on_epoch=lambda row, m=model: snapshots.append(m.parameters()),
                       **settings(recipe))
        if result.interrupted:  # Ctrl-C: stop here, do not go on to train the other model
            raise KeyboardInterrupt
        runs[kind] = (result, snapshots, evaluate(result.best_model, splits.test))
    (mine, mine_params, mine_test), (ref, ref_params, ref_test) = runs["neuron"], runs["reference"]
    out(f"recipe {recipe.name}: {splits.description}")
    head = f"{'epoch':>6} {'loss neuron':>12} {'loss ref':>12}"
    if classify:
        head += f" {'valid % neuron':>14} {'valid % ref':>11}"
    head += f" {'max |dparam|':>12} {'s neuron':>9} {'s ref':>7}"
    out(head)
    every, rows = _print_every(recipe.epochs), []
    for k in range(min(len(mine.history["epoch"]), len(ref.history["epoch"]))):
        diff = max(float(np.max(np.abs(a - b))) for a, b in zip(mine_params[k], ref_params[k]))
        row = dict(epoch=k + 1, loss_neuron=mine.history["train_loss"][k],
                   loss_reference=ref.history["train_loss"][k], max_diff=diff,
                   seconds_neuron=mine.history["seconds"][k],
                   seconds_reference=ref.history["seconds"][k])
        line = f"{k + 1:>6} {row['loss_neuron']:>12.6g} {row['loss_reference']:>12.6g}"
        if classify:
            row.update(valid_neuron=mine.history["valid_accuracy"][k],
                       valid_reference=ref.history["valid_accuracy"][k])
            line += f" {100 * row['valid_neuron']:>14.2f} {100 * row['valid_reference']:>11.2f}"
        line += f" {diff:>12.2e} {row['seconds_neuron']:>9.2f} {row['seconds_reference']:>7.2f}"
        rows.append(row)
        if (k + 1) % every == 0 or k == 0 or k + 1 == len(mine.history["epoch"]):
            out(line)
    t_mine, t_ref = mine.timings["train"], ref.timings["train"]
    out(f"training time: neuron {t_mine:.2f} s, reference {t_ref:.2f} s, "
        f"ratio {t_mine / t_ref:.2f}")
    for kind, (result, _, test) in runs.items():
        out(f"{kind:>9}: " + _test_line(test, splits, result.best_epoch))
    return dict(rows=rows, runs=runs, splits=splits)


def evaluate_file(path, *, model="neuron", plot=None, out=print):
    """Load a saved model and evaluate it on the test split of the recipe it was trained with
    (re-made from the saved recipe name and seed)."""
    from . import persistence
    from .metrics import confusion_matrix
    net, meta = persistence.load(path, model=model)
    name = meta.get("recipe")
    if name not in recipes.RECIPES:
        raise ValueError(f"{path}: got recipe {name!r} in its metadata; expected one of "
                         f"{sorted(recipes.RECIPES)} (the file must come from `neuronnet train "
                         "--save`)")
    recipe = recipes.RECIPES[name]
    seed = int(meta.get("seed", 0))
    splits = recipes.load(recipe.data, recipes.seeds(seed)[0])
    test = evaluate(net, splits.test)
    out(f"{path}: recipe {name}, seed {seed}, loaded as the {model} model: {net!r}"
        .replace("\n", "\n  "))
    out(_test_line(test, splits, meta.get("best_epoch", "?")))
    cm = None
    if test.accuracy is not None:
        cm = confusion_matrix(splits.test.labels, test.predictions, splits.test.n_classes)
        out("confusion matrix (rows: true class, columns: predicted):")
        width = max(5, len(str(cm.max())) + 1)
        out(" " * 12 + "".join(f"{c[:width - 1]:>{width}}" for c in splits.classes))
        for c, counts in zip(splits.classes, cm):
            out(f"{c[:11]:>11} " + "".join(f"{v:>{width}}" for v in counts))
        if plot is not None:
            from . import plots
            Path(plot).mkdir(parents=True, exist_ok=True)
            out("plot: " + str(plots.confusion_matrix_plot(
                cm, splits.classes, Path(plot) / f"{name}-confusion.png",
                title=f"{name}: test confusion matrix")))
    return dict(test=test, confusion=cm, metadata=meta)


def _recipe(name):
    if name not in recipes.RECIPES:
        raise ValueError(f"recipe: got {name!r}; expected one of {sorted(recipes.RECIPES)}")
    return recipes.RECIPES[name]


def _check_plot_dir(directory):
    from . import plots
    path = Path(directory)
    if path.exists() and not path.is_dir():
        raise ValueError(f"--plot: got {str(path)!r}, which is a file; expected a folder (it is "
                         "created when missing)")
    plots.check_available()


def _check_save_path(path):
    """Fail before training, not after an hour of it, when the model could not be saved."""
    path = Path(path)
    if path.suffix != ".npz":
        raise ValueError(f"--save: got {str(path)!r}; expected a file name ending in .npz")
    if not path.parent.is_dir():
        raise ValueError(f"--save: the folder {str(path.parent)!r} does not exist; expected an "
                         "existing folder")


def tour(seed=0, out=print):
    """The quick tour (about half a minute): the two models agreeing on iris, a neuron network
    fitting sin, and the PNG digits; then where to go next."""
    from .compare import compare_on_iris
    start = time.perf_counter()
    out("== 1. Two implementations, one start =================================================")
    out("The object-per-neuron network and the vectorized reference train side by side on iris")
    out("from the same weights and the same sample order. Their parameters stay equal to ~1e-15.")
    compare_on_iris(epochs=40, seed=seed, out=out)
    out("")
    out("== 2. Seed 000's sin regression, re-run right ===========================================")
    train_recipe("sin", seed=seed, options={"epochs": 1000}, quiet=True, out=out)
    out("")
    out("== 3. Seed 000's image folders: the PNG digits in data/mnist-png ========================")
    train_recipe("digits-folder", seed=seed, quiet=True, out=out)
    out("")
    out(f"tour done in {time.perf_counter() - start:.0f} s. Next:")
    out("  neuronnet train mnist            the project's MNIST recipe (>= 98% test accuracy)")
    out("  neuronnet compare iris           both models per epoch, with their time ratio")
    out("  neuronnet train --help           every recipe and option")
