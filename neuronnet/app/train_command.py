"""``neuronnet train RECIPE``: one model on a recipe, a per-epoch table, then the test result.

As every command: ``add_arguments(parser)`` and ``main(args, out)``, which returns the exit
status. :func:`train_recipe` takes plain arguments, prints through ``out`` and returns what it
measured, so the tests can call it directly.
"""
import signal
import sys
import time
from pathlib import Path

import numpy as np

from .. import io
from ..guards import check_memory, memory_needed
from ..io.model_write import check_history_length
from ..training import PLANAR, confusion_matrix, evaluate, train
from ..training.loop import check_batch_fits
from . import recipe_data, recipes, saves, stops, streams, tables
from .models import MODELS, build_model
from .options import add_training_options, seed_of, training_options
from .tables import printable

HELP = "train one model on a recipe"
DESCRIPTION = ("Train the neuron model (or the reference) on a recipe: a per-epoch table of losses "
               "and accuracies, then the best-validation model on the test set.")
EPILOG = recipes.help_text()


def add_arguments(parser):
    parser.add_argument("recipe", choices=list(recipes.RECIPES), metavar="RECIPE",
                        help="one of: " + ", ".join(recipes.RECIPES))
    parser.add_argument("--model", choices=MODELS, default="neuron",
                        help="the object-per-neuron network (default) or the vectorized reference")
    add_training_options(parser)
    parser.add_argument("--save", metavar="FILE.npz",
                        help="save the best model (plain arrays, no pickle) to this file")
    parser.add_argument("--plot", metavar="DIR",
                        help="write PNG plots here (needs the 'plot' extra: matplotlib)")
    parser.add_argument("--quiet", action="store_true",
                        help="no table and no progress bar: only the final lines")


def main(args, out=print):
    """0 done, 1 training diverged, 128 + the signal that stopped it, 2 an output stream that
    could not be written or a --save target that stopped being a regular file during the run
    (the model saved first, beside it). The last line says where the model went."""
    guarded = streams.Guarded(out)
    run = train_recipe(args.recipe, model=args.model, seed=seed_of(args),
                       options=training_options(args), save=args.save, plot=args.plot,
                       quiet=args.quiet, progress=sys.stderr.isatty(), data_dir=args.data_dir,
                       out=guarded)
    guarded.flush()  # after the save: a full disk under stdout costs no model
    where = saves.where(args.save, run)
    if run["interrupted"]:
        signum = stops.received()
        name = signal.Signals(signum).name if signum is not None else "SIGINT"
        status, what = stops.exit_status(signum), f"stopped by {name}"
    elif run["result"].diverged:
        status, what = 1, "training diverged"
    elif guarded.error is not None or run["saved"] not in (None, args.save):
        status, what = 2, "error"
    else:
        return 0
    moved = (run["saved"] not in (None, args.save) and status == 2
             and f"--save: {printable(args.save)} is no longer a regular file")
    said = [what, *filter(None, [guarded.failure(), moved, where])]
    streams.tell("neuronnet: " + (": " if status == 2 else "; ").join(said[:2])
                 + "".join(f"; {words}" for words in said[2:]), guarded)
    return status


def train_recipe(name, *, model="neuron", seed=0, options=None, save=None, plot=None,
                 plane=False, quiet=False, progress=False, data_dir=None, out=print):
    """Run recipe ``name`` (with ``options`` overriding its settings) on one model. Returns a
    dict with the TrainingResult, the test Evaluation, the splits and the wall time. With
    ``plane`` (a 2-D recipe), also "plane": the PlaneRecorder that kept the network's view of
    the plane every epoch, for boundary_plot and hidden_plot."""
    start = time.perf_counter()
    recipe = recipes.configured(name, options)
    # Everything that could fail after training is checked before it starts: no hour of
    # training may be lost to a typo in --save or a missing plotting extra.
    if save is not None:  # a name in a folder that can be written, no FIFO or device there
        io.check_output_path(save, ".npz", name="--save")
        io.probe_writable(save, name="--save")
        check_history_length(recipe.settings.epochs, name="--epochs")
    if plot is not None:
        check_plot_dir(plot)
    if plane and recipe.data not in PLANAR:
        raise ValueError(f"plane: recipe {name!r} has {recipe.data!r} data; expected a recipe "
                         f"of points in the plane ({', '.join(sorted(PLANAR))})")
    split_rng, init_rng, order_rng = recipes.seeds(seed)
    splits = recipe_data.load(recipe.data, split_rng, data_dir)
    check_fits(recipe, splits)
    net = build_model(model, recipe, splits, init_rng)
    if save is not None:  # the model within the file's limits, its metadata storable
        io.check_savable(net, saves.metadata(recipe, seed, model, splits))
    classify = splits.train.is_classification
    if not quiet:
        tables.header(recipe, splits, net, out)
        out(f"model kind: {model}; seed {seed}")
    every, epochs = tables.print_every(recipe.settings.epochs), recipe.settings.epochs
    if not quiet:
        out(tables.table_head(classify, every))

    recorder = _plane_recorder(plot is not None or plane, recipe, splits, net)

    def show(row):
        if not quiet and (row["epoch"] % every == 0 or row["epoch"] in (1, epochs)):
            out(tables.table_row(row, classify))
        if recorder is not None:
            recorder(row)

    result = train(net, splits.train, splits.valid, rng=order_rng, settings=recipe.settings,
                   progress=progress and not quiet, on_epoch=show)
    out(f"stopped: {result.stop_reason}")
    interrupted = result.interrupted
    test = None
    if not interrupted:  # after Ctrl-C the user wants out: no test pass, only the save
        try:
            test = evaluate(result.best_model, splits.test)
        except KeyboardInterrupt:  # a signal during the test pass: keep what training made
            interrupted = True
            out("stopped during the test pass")
    if test is not None:
        out(tables.test_line(test, len(splits.test), result.best_epoch))
    wall = time.perf_counter() - start
    out(f"wall time {wall:.1f} s (training {result.timings['train']:.1f} s, evaluation "
        f"{result.timings['evaluate']:.1f} s); peak memory {peak_memory_mb()}")
    saved = None
    if save is not None:
        saved = saves.save_run(save, result, interrupted, saves.metadata(
            recipe, seed, model, splits, result.best_epoch, result.stop_reason, test), out)
    if plot is not None and test is not None and not interrupted:
        # Each line as its file is written: the GIF takes seconds, and silence looks hung.
        _plots(plot, recipe, splits, result, test, recorder, out=out,
               progress=progress and not quiet)
    return dict(result=result, test=test, splits=splits, recipe=recipe, wall=wall,
                interrupted=interrupted, saved=saved, plane=recorder)


def check_fits(recipe, splits):
    """Refuse, before the network exists and anything is printed, a batch larger than the
    training split (the loop's own check), and a run that needs more memory than the machine
    has: the parameters, their velocities and gradients and the neuron objects, plus one
    training batch's z, a, delta and upstream gradient and one 1,000-row evaluation batch's z
    and a."""
    n = len(splits.train)
    try:
        check_batch_fits(recipe.settings, n)
    except ValueError:      # the loop's rule, in the command line's words
        raise ValueError(f"--batch-size: got {recipe.settings.batch_size} for the {n} training "
                         f"rows of recipe {recipe.name}; expected at most {n}, or --batch-mode "
                         "full") from None
    sizes = [splits.train.n_features, *recipe.hidden, splits.train.n_outputs]
    widths = sum(sizes)
    batch = min(recipe.settings.batch_size, len(splits.train))
    needed = memory_needed(sizes) + 8 * widths * (4 * batch + 2 * 1000)
    check_memory("--hidden", ",".join(map(str, recipe.hidden)), needed,
                 f"a {'-'.join(map(str, sizes))} network and its batches")


def peak_memory_mb():
    """The process's peak resident memory so far, as text ("136 MB").

    Linux's ``VmHWM`` (/proc/self/status) first: the high-water mark of this program's own
    memory. ``ru_maxrss`` also counts the process it was started from, up to the exec (a run
    started by a large parent reported the parent's 1.6 GB), so it is only the fallback, and
    ``resource`` is POSIX only: imported here, not at the top, as the CLI runs on Windows too."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return f"{int(line.split()[1]) / 1024:.0f} MB"     # reported in kB
    except OSError:
        pass
    try:
        import resource
    except ImportError:
        return "unknown (no resource module here)"
    # Linux reports ru_maxrss in KiB (macOS in bytes, where this is only an upper bound).
    return f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"


def check_plot_dir(directory):
    """``--plot DIR`` before any work: not a file, and matplotlib installed."""
    from .figures import check_available
    if not str(directory):
        raise ValueError("--plot: got ''; expected a folder name (it is created when missing, "
                         "in an existing folder)")
    path = Path(directory)
    if path.exists() and not path.is_dir():
        raise ValueError(f"--plot: got {str(path)!r}, which is a file; expected a folder (it is "
                         "created when missing)")
    check_available()
    try:
        # Like --save, the folder it goes in must exist: a typo in a parent's name is refused,
        # not made into a tree of new folders.
        path.mkdir(exist_ok=True)
    except FileNotFoundError:
        raise ValueError(f"--plot: the folder {str(path.parent)!r} does not exist; expected "
                         "an existing folder or a new folder in one (create it first)") from None
    except OSError as error:
        raise ValueError(f"--plot: the folder {str(path)!r} cannot be made ({error.strerror}); "
                         "expected a folder you can write to") from None
    io.probe_folder(path, name="--plot")


def _plane_recorder(wanted, recipe, splits, net):
    """For a 2-D recipe, when ``wanted``: the on_epoch hook that keeps the network's view of the
    plane (planar_plots.PlaneRecorder); None otherwise."""
    if not wanted or recipe.data not in PLANAR:
        return None
    from .planar_plots import PlaneRecorder
    X, T = splits.train.batch(np.arange(len(splits.train)))
    return PlaneRecorder(net, X, recipe.settings.epochs, targets=T)


def _plots(directory, recipe, splits, result, test, recorder=None, out=print, progress=False):
    from . import plots
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    history = _finite_epochs(result.history)  # a diverged run: the epochs before it
    paths = []

    def draw(function, *args, name, **kwargs):
        path = directory / f"{recipe.name}-{name}.png"
        function(*args, path, **kwargs)
        paths.append(path)
        out(f"plot: {path}")

    if history["epoch"]:
        draw(plots.learning_curves, history, name="curves", best_epoch=result.best_epoch,
             title=f"{recipe.name}: learning curves")
    if recipe.data == "sin":
        x_grid = np.linspace(-np.pi, np.pi, 400)[:, None]
        fit = result.best_model.forward(x_grid)
        x_train, y_train = splits.train.batch(slice(None))
        draw(plots.sin_fit, x_train[:, 0], y_train[:, 0], x_grid[:, 0], np.sin(x_grid[:, 0]),
             fit[:, 0], name="fit", title=f"{recipe.name}: the fit against sin(x)")
    if splits.train.is_classification:
        cm = confusion_matrix(splits.test.labels, test.predictions, splits.test.n_classes)
        draw(plots.confusion_matrix_plot, cm, splits.classes, name="confusion",
             title=f"{recipe.name}: test confusion matrix")
        if splits.train.n_features == 28 * 28:
            draw(plots.weight_images, result.best_model.parameters()[0], name="weights",
                 title=recipe.name)
    if recorder is not None and recorder.frames:
        from . import planar_plots as planar
        best = recorder.for_model(result.best_model)
        draw(planar.boundary_plot, best, splits.train, splits.test, name="boundary",
             title=f"{recipe.name}: the best model's decision boundary")
        draw(planar.hidden_plot, recorder, splits.train, name="hidden",
             title=f"{recipe.name}: the hidden neurons while the network learns")
        gif = directory / f"{recipe.name}-epochs.gif"
        out(f"drawing {gif.name}: {len(recorder.frames)} frames ...")
        with _frame_bar(progress, len(recorder.frames)) as bar:
            paths.append(planar.epochs_gif(recorder, splits.train, gif, title=recipe.name,
                                           progress=lambda k, n: bar.update(1)))
        out(f"plot: {gif}")
    return paths


def _frame_bar(shown, frames):
    """A tqdm bar of the GIF's frames on a terminal; one that draws nothing otherwise."""
    from tqdm import tqdm
    return tqdm(total=frames, unit="frame", desc="epochs GIF", leave=False, disable=not shown)


def _finite_epochs(history):
    """The history up to its first epoch with a non-finite number (None counts as finite)."""
    keep = 0
    for k in range(len(history["epoch"])):
        if not all(v[k] is None or np.isfinite(v[k]) for v in history.values()):
            break
        keep = k + 1
    return {key: values[:keep] for key, values in history.items()}
