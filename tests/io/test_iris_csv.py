"""The iris CSV is UTF-8 text read the way the csv module means a file to be read: the same
species names on every machine, whatever its locale, and a quoted name kept character for
character."""
import os
import subprocess
import sys

import pytest

from neuronnet.io import load_iris

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
