"""load_iris (neuronnet/io/iris_csv.py): the shipped file and its known facts; what is not a
UTF-8 CSV of four numbers and a name refused as a DataError naming the file (and the line); the
text read the way the csv module means a file to be read: the same species names on every
machine, whatever its locale, and a quoted name kept character for character."""
import os
import re
import subprocess
import sys
import tracemalloc

import numpy as np
import pytest

from idx_files import raises_naming
from neuronnet.io import data_dir, load_iris

DATA_DIR = data_dir()

ROWS = "5.1,3.5,1.4,0.2,{}\n4.9,3.0,1.4,0.2,plain\n"


def test_a_quoted_name_keeps_its_line_break_as_written(tmp_path):
    # The csv module reads its own line endings (open with newline=""): a CR LF inside quotes
    # is part of the field. Universal newlines would have made it a bare LF first.
    path = tmp_path / "iris.csv"
    path.write_bytes(b"a,b,c,d,species\r\n" + ROWS.format('"two\r\nlines"').encode())
    _, y, classes = load_iris(path)
    assert classes == ["plain", "two\r\nlines"] and y.tolist() == [1, 0]


def test_the_names_are_utf8_under_an_ascii_locale(tmp_path):
    # A machine whose locale is not UTF-8 (C/POSIX without UTF-8 mode, or a Windows code page)
    # must read the same names: the file is decoded as UTF-8, not in the locale's encoding.
    # The child imports neuronnet as this process would (from the working folder first), so
    # under mutmut it runs the mutant.
    path = tmp_path / "iris.csv"
    path.write_bytes(("a,b,c,d,species\n" + ROWS.format("Iris-sétosa")).encode("utf-8"))
    env = dict(os.environ, LC_ALL="C", LANG="C", PYTHONUTF8="0", PYTHONCOERCECLOCALE="0")
    script = ("import locale, sys; from neuronnet.io import load_iris; "
              "print(locale.getpreferredencoding(False)); "
              "print(ascii(load_iris(sys.argv[1])[2]))")
    done = subprocess.run([sys.executable, "-c", script, str(path)], env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    encoding, classes = done.stdout.splitlines()
    if encoding.lower().replace("-", "") == "utf8":   # e.g. musl, where C is UTF-8
        pytest.skip(f"the C locale here is {encoding}: no locale that is not UTF-8 to try")
    assert classes == ascii(["Iris-sétosa", "plain"]), f"\n got: {classes}\nwant: " \
        f"{ascii(['Iris-sétosa', 'plain'])}"


def test_shipped_iris():
    X, y, classes = load_iris()
    assert X.shape == (150, 4) and X.dtype == np.float64
    assert classes == ["setosa", "versicolor", "virginica"]
    assert np.bincount(y).tolist() == [50, 50, 50]


def test_load_iris_errors(tmp_path):
    with raises_naming(tmp_path / "iris.csv", "does not exist"):
        load_iris(tmp_path / "iris.csv")
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b,c,d,species\n1,2,x,4,setosa\n")
    with raises_naming(bad, "line 2"):
        load_iris(bad)


IRIS_HEADER = "sepal_length,sepal_width,petal_length,petal_width,species\n"


@pytest.mark.parametrize("content, fragments", [
    (IRIS_HEADER.encode() + b"5.1,3.5,1.4,0.2,s\xe9tosa\n", ["byte 0xe9", "not UTF-8"]),
    ("\ufeff".encode("utf-16") + IRIS_HEADER.encode("utf-16-le"), ["0xff", "not UTF-8"]),
    (IRIS_HEADER.encode() + b"1" * 200_000 + b",1,1,1,x\n", ["line 2", "field larger"]),
    (IRIS_HEADER.encode() + b"5.1,3.5,1.4,0.2,setosa\x00\n", ["line 2", "NUL"]),
    (IRIS_HEADER.encode() + b"5.1,3.5,1.4,0.2,\n", ["line 2", "species name is empty"]),
    (b"", ["got header None"]),
], ids=["latin-1", "utf-16", "huge field", "NUL", "no species", "empty file"])
def test_load_iris_refuses_what_is_not_a_utf8_csv(tmp_path, content, fragments):
    """Undecodable bytes surface from inside the row loop (text is decoded as the csv module
    reads), and a field over csv.field_size_limit() raises csv.Error: both become DataError."""
    bad = tmp_path / "bad.csv"
    bad.write_bytes(content)
    with raises_naming(bad, *fragments):
        load_iris(bad)


def test_load_iris_one_long_name_costs_what_it_costs(tmp_path):
    """1,000 rows, one species name of 100,000 characters: np.unique on the names would build
    a 1,000 x 100,000 unicode array (400 MB); the reader's memory stays near the file's size."""
    long_name = "v" * 100_000
    rows = [f"5.0,3.0,1.5,0.2,{'setosa' if i else long_name}" for i in range(1000)]
    path = tmp_path / "long.csv"
    path.write_text(IRIS_HEADER + "\n".join(rows) + "\n")
    tracemalloc.start()
    try:
        X, y, classes = load_iris(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 16 * 2**20
    assert classes == ["setosa", long_name] and X.shape == (1000, 4)
    assert y.tolist() == [1] + [0] * 999


def test_load_iris_reads_utf8_whatever_the_locale(tmp_path):
    """Species names outside ASCII read the same under any locale: the file is opened as
    UTF-8, not with the locale's encoding. Checked in a child process whose locale encoding is
    ASCII (the C locale, with Python's UTF-8 coercion and UTF-8 mode turned off)."""
    path = tmp_path / "accents.csv"
    path.write_bytes((IRIS_HEADER + "5.1,3.5,1.4,0.2,s\u00e9tosa\n").encode("utf-8"))
    env = dict(os.environ, LC_ALL="C", PYTHONCOERCECLOCALE="0", PYTHONUTF8="0",
               PYTHONIOENCODING="utf-8")
    child = subprocess.run(
        [sys.executable, "-c", "import locale, sys; from neuronnet.io import load_iris; "
         "print(locale.getpreferredencoding(False), load_iris(sys.argv[1])[2])", str(path)],
        capture_output=True, text=True, encoding="utf-8", env=env, timeout=60)
    assert child.returncode == 0, child.stderr
    assert child.stdout.split() == ["ANSI_X3.4-1968", "['s\u00e9tosa']"]


def test_a_row_that_is_not_four_numbers_is_named_by_file_and_line(tmp_path):
    (tmp_path / "i.csv").write_text(IRIS_HEADER + "1,2,x,4,setosa\n")
    with raises_naming(tmp_path / "i.csv", ", line 2: got ", re.escape("['1', '2', 'x'")):
        load_iris(tmp_path / "i.csv")
