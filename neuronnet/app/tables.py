"""What the commands print: the run's head, the per-epoch table, the test line, the confusion
matrix. Presentation only: every number comes from the caller. Text from a file (a class
folder's name, a model file's metadata) goes through :func:`printable` first."""
import unicodedata


def print_every(epochs):
    """Print every k-th epoch, so that a table has at most ~25 rows."""
    return max(1, -(-epochs // 25))


def header(recipe, splits, model, out):
    origin = "the project's own" if recipe.source == "the project" else f"source {recipe.source}"
    out(f"recipe {recipe.name} ({origin}): {recipe.summary}")
    for fix in recipe.fixes:
        out(f"  fixed: {fix}")
    out(f"data: {splits.description}")
    out(f"model: {model!r}".replace("\n", "\n  "))
    out(f"training: {recipe.settings.describe()}")


def table_head(classify, every=1):
    """The table's column names, and what its marks mean. With ``every`` > 1 only every
    ``every``-th epoch is shown (and the first and last), so a shown row's lower validation loss
    may not be marked: the new best was an epoch between the rows shown."""
    note = "(* = best validation loss so far"
    note += f"; one epoch in {every} shown)" if every > 1 else ")"
    if classify:
        return (f"{'epoch':>6} {'lr':>9} {'train loss':>11} {'train %':>9} {'valid loss':>11} "
                f"{'valid %':>9} {'seconds':>8}   {note}")
    return f"{'epoch':>6} {'lr':>9} {'train loss':>11} {'valid loss':>11} {'seconds':>8}   {note}"


def table_row(row, classify):
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


def printable(text):
    """``text`` with its control and format characters escaped (``\\x1b``, ``\\u202e``): a
    string read from a file is data, and cannot clear the screen or fake a line of output."""
    return "".join(c.encode("unicode_escape").decode("ascii")
                   if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") else c
                   for c in str(text))


def test_line(test, n_test, best_epoch):
    where = f"test ({n_test} samples, best model from epoch {printable(best_epoch)})"
    if test.accuracy is None:
        return f"{where}: half-MSE {test.loss:.3e}"
    right = int(round(test.accuracy * n_test))
    return (f"{where}: loss {test.loss:.4g}, accuracy {100 * test.accuracy:.2f}% "
            f"({right}/{n_test})")


def confusion_lines(cm, classes):
    """The confusion matrix as text: rows the true class, columns the predicted one."""
    lines = ["confusion matrix (rows: true class, columns: predicted):"]
    classes = [printable(c) for c in classes]
    # Whole names, every column as wide as the longest name or count: a name cut to its first
    # letters ("clas", "clas") would leave the columns unreadable.
    width = max(5, len(str(cm.max())) + 1, *(len(c) + 1 for c in classes))
    label = max(len(c) for c in classes)
    lines.append(" " * (label + 1) + "".join(f"{c:>{width}}" for c in classes))
    for c, counts in zip(classes, cm):
        lines.append(f"{c:>{label}} " + "".join(f"{v:>{width}}" for v in counts))
    return lines
