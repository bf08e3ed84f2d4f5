"""``neuronnet evaluate MODEL.npz``: a saved model on the test split of its recipe."""
from pathlib import Path

from ..training import confusion_matrix, evaluate
from . import recipe_data, recipes, tables
from .models import MODELS, load_model, model_file_metadata
from .tables import printable

HELP = "a saved model on its recipe's test split"
DESCRIPTION = ("Load a model saved by `neuronnet train --save` and report its loss, accuracy and "
               "confusion matrix on the test split of its recipe.")
EPILOG = None


def add_arguments(parser):
    parser.add_argument("model_file", metavar="MODEL.npz")
    parser.add_argument("--model", choices=MODELS, default="neuron",
                        help="load it as the neuron model (default) or the reference")
    parser.add_argument("--plot", metavar="DIR", help="write the confusion matrix as a PNG")


def main(args, out=print):
    """0: the file was evaluated (a failure is an error: exit status 2, from the cli)."""
    evaluate_file(args.model_file, model=args.model, plot=args.plot, seed=args.seed,
                  data_dir=args.data_dir, out=out)
    return 0


def evaluate_file(path, *, model="neuron", plot=None, seed=None, data_dir=None, out=print):
    """Load a saved model and evaluate it on the test split of the recipe it was trained with
    (re-made from the saved recipe name and seed). Returns the test Evaluation, the confusion
    matrix (None for regression) and the file's metadata.

    ``seed``: None, or the seed the user expects; another seed than the file's would split the
    data differently and test on rows the model trained on, so it is refused."""
    if plot is not None:
        from .train_command import check_plot_dir
        check_plot_dir(plot)
    meta = model_file_metadata(path)   # headers and metadata only: the recipe first
    name = meta.get("recipe")
    if name not in recipes.RECIPES:
        raise ValueError(f"{printable(path)}: got recipe {printable(repr(name))} in its metadata; "
                         f"expected one of {sorted(recipes.RECIPES)} (the file must come from "
                         "`neuronnet train --save`)")
    recipe = recipes.RECIPES[name]
    saved = _saved_seed(path, meta)
    if seed is not None and seed != saved:
        raise ValueError(f"--seed: got {seed}; expected {saved}, the seed {path} was trained "
                         "with (its test split is made with it; leave --seed out)")
    seed = saved
    splits = recipe_data.load(recipe.data, recipes.seeds(seed)[0], data_dir)
    # The parameters are read only once the file's widths are known to fit the data.
    net, meta = load_model(path, model, splits.test.n_features, splits.test.n_outputs)
    test = evaluate(net, splits.test)
    out(f"{printable(path)}: recipe {name}, seed {seed}, loaded as the {model} model: {net!r}"
        .replace("\n", "\n  "))
    out(tables.test_line(test, len(splits.test), meta.get("best_epoch", "?")))
    cm = None
    if test.accuracy is not None:
        cm = confusion_matrix(splits.test.labels, test.predictions, splits.test.n_classes)
        for line in tables.confusion_lines(cm, splits.classes):
            out(line)
        if plot is not None:
            from . import plots
            Path(plot).mkdir(parents=True, exist_ok=True)
            path = Path(plot) / f"{name}-confusion.png"
            plots.confusion_matrix_plot(cm, splits.classes, path,
                                        title=f"{name}: test confusion matrix")
            out(f"plot: {path}")
    return dict(test=test, confusion=cm, metadata=meta)


def _saved_seed(path, meta):
    """The seed in the file's metadata: an integer >= 0 (a float that is one is accepted)."""
    value = meta.get("seed", 0)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{printable(path)}: metadata 'seed': got {printable(repr(value))}; "
                         "expected an integer >= 0")
    return value
