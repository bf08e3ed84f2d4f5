"""Fisher's iris from a CSV file: four numeric features and the species name per row."""
import csv
from array import array
from pathlib import Path

import numpy as np

from ..guards.memory import memory_shortfall, size_text
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
    _check_memory(path)
    try:
        # Hazard: without encoding=, open() decodes with the locale's encoding, so the same
        # file would read differently on another machine. The CSV is UTF-8 (ASCII, in fact).
        with path.open(newline="", encoding="utf-8") as f:
            features, codes, first_seen = _read_iris_rows(path, csv.reader(f))
    # Hazard: the text is decoded lazily, a block at a time, as the csv reader asks for lines;
    # so a byte that is not UTF-8 (a binary file, a Latin-1 or UTF-16 export) surfaces here, from
    # inside the loop over rows, not from open().
    except UnicodeDecodeError as error:
        raise DataError(f"{path}: byte 0x{error.object[error.start]:02x} is not UTF-8 text "
                        f"({error.reason}); expected a UTF-8 CSV file") from None
    except OSError as error:
        raise DataError(f"{path}: the file could not be read ({type(error).__name__}: "
                        f"{error})") from error
    X = np.frombuffer(features, dtype=np.float64).reshape(-1, 4)    # a view: no second copy
    if X.size == 0 or not np.isfinite(X).all():
        raise DataError(f"{path}: expected at least one row of finite numbers")
    # Hazard: np.unique(names) would first build a fixed-width unicode array as wide as the
    # longest name for every row: one 100,000-character name in a 1,000-row file would cost
    # 400 MB. Each distinct name is kept once (first_seen), each row holds its code, and the
    # codes are renumbered in the sorted order of the names.
    classes = sorted(first_seen)
    rank = {name: k for k, name in enumerate(classes)}
    order = np.array([rank[name] for name in first_seen], dtype=np.int64)
    y = order[np.frombuffer(codes, dtype=np.int64)]
    return X, y, classes


# What reading costs per byte of the file at most: a data row of four numbers and a name is at
# least 10 bytes ("1,1,1,1,a" and a newline) and is kept as 4 float64 and an int64 code (40
# bytes), the arrays growing by up to an eighth, then y (8): about 5.5 bytes per byte of text.
BYTES_PER_FILE_BYTE = 8


def _check_memory(path):
    """Refuse, before reading, a file whose rows would need more memory than the process may
    still take."""
    try:
        needed = BYTES_PER_FILE_BYTE * path.stat().st_size
    except OSError:
        return                          # the read itself says what is wrong with the file
    shortfall = memory_shortfall(needed)
    if shortfall is not None:
        raise DataError(f"{path}: {size_text(path.stat().st_size)} of CSV, which needs about "
                        f"{size_text(needed)} to read; expected {shortfall}")


def _read_iris_rows(path, rows):
    """(features, codes, first_seen): four floats and a species code per data row of the csv
    reader, in flat arrays (a row costs 40 bytes, not a list of Python floats), and the
    distinct species names, each once, in the order first seen (code k is first_seen's k-th)."""
    features, codes, first_seen = array("d"), array("q"), {}
    try:
        header = next(rows, None)
        if header is None or len(header) != 5:
            raise DataError(f"{path}: got header {header!r}; expected 4 feature columns and "
                            "a species column")
        for row in rows:
            if row:                          # blank lines are skipped
                features.extend(_iris_features(path, rows.line_num, row))
                codes.append(first_seen.setdefault(row[4], len(first_seen)))
    # Hazard: the csv module refuses a field longer than csv.field_size_limit() (131,072
    # characters) with its own csv.Error; no iris number or name is anywhere near that long.
    except csv.Error as error:
        raise DataError(f"{path}, line {rows.line_num}: not a readable CSV row ({error})") \
            from None
    return features, codes, first_seen


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


