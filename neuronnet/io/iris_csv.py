"""Fisher's iris from a CSV file: four numeric features and the species name per row."""
import csv
from pathlib import Path

import numpy as np

from .errors import DataError
from .paths import data_dir


def load_iris(path=None):
    """Fisher's iris: X (150, 4) float64 features, y (150,) int class indices, and the class
    names (sorted). Reads a UTF-8 CSV with a header row and the species name in the last column.
    """
    path = Path(path) if path is not None else data_dir() / "iris.csv"
    if not path.is_file():
        raise DataError(f"{path}: the file does not exist (or is not a file); expected the iris "
                        "CSV (shipped as data/iris.csv)")
    try:
        # Hazard: without encoding=, open() decodes with the locale's encoding, so the same
        # file would read differently on another machine. The CSV is UTF-8 (ASCII, in fact).
        with path.open(newline="", encoding="utf-8") as f:
            features, names = _read_iris_rows(path, csv.reader(f))
    # Hazard: the text is decoded lazily, a block at a time, as the csv reader asks for lines;
    # so a byte that is not UTF-8 (a binary file, a Latin-1 or UTF-16 export) surfaces here, from
    # inside the loop over rows, not from open().
    except UnicodeDecodeError as error:
        raise DataError(f"{path}: byte 0x{error.object[error.start]:02x} is not UTF-8 text "
                        f"({error.reason}); expected a UTF-8 CSV file") from None
    except OSError as error:
        raise DataError(f"{path}: the file could not be read ({type(error).__name__}: "
                        f"{error})") from error
    X = np.array(features, dtype=np.float64)
    if X.size == 0 or not np.isfinite(X).all():
        raise DataError(f"{path}: expected at least one row of finite numbers")
    # Hazard: np.unique(names) would first build a fixed-width unicode array as wide as the
    # longest name for every row: one 100,000-character name in a 1,000-row file would cost
    # 400 MB. Sorting the distinct names as Python strings costs what the names cost.
    classes = sorted(set(names))
    index = {name: k for k, name in enumerate(classes)}
    y = np.array([index[name] for name in names], dtype=np.int64)
    return X, y, classes


def _read_iris_rows(path, rows):
    """(features, names): four floats and a species name per data row of the csv reader."""
    features, names = [], []
    try:
        header = next(rows, None)
        if header is None or len(header) != 5:
            raise DataError(f"{path}: got header {header!r}; expected 4 feature columns and "
                            "a species column")
        for row in rows:
            if row:                          # blank lines are skipped
                features.append(_iris_features(path, rows.line_num, row))
                names.append(row[4])
    # Hazard: the csv module refuses a field longer than csv.field_size_limit() (131,072
    # characters) with its own csv.Error; no iris number or name is anywhere near that long.
    except csv.Error as error:
        raise DataError(f"{path}, line {rows.line_num}: not a readable CSV row ({error})") \
            from None
    return features, names


def _iris_features(path, line_no, row):
    """The four numbers of one row, or DataError naming the line."""
    if len(row) != 5:
        raise DataError(f"{path}, line {line_no}: got {len(row)} fields; expected 5")
    # Python's csv module (3.11+) passes NUL characters through; one here means a binary file
    # or UTF-16 text, and numpy would silently drop it from the end of a species name.
    if any("\0" in field for field in row):
        raise DataError(f"{path}, line {line_no}: holds a NUL character; expected plain text "
                        "(is the file binary, or saved as UTF-16?)")
    if not row[4]:
        raise DataError(f"{path}, line {line_no}: the species name is empty; expected a name")
    try:
        return [float(v) for v in row[:4]]
    except ValueError:
        raise DataError(f"{path}, line {line_no}: got {row[:4]!r}; expected four "
                        "numbers") from None


