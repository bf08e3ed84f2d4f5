"""``neuronnet check --grade FOLDER`` (neuronnet/app/grade_folder.py): a class graded at once.
One line per submission, grades.csv and grades.json; a submission that hangs, exits or prints
megabytes stops none of the others."""
import csv
import json
import shutil
from pathlib import Path

import pytest

from neuronnet.app.cli import main

CORPUS = Path(__file__).resolve().parents[2] / "examples" / "corpus"
STYLE = "functional_dict"      # a correct network that imports nothing of the checker's
WRONG = ('    dout = (softmax(out) - Y) / n', '    dout = 2 * (softmax(out) - Y) / n')


@pytest.fixture
def classroom(tmp_path):
    """A folder of five submissions: correct, wrong, hanging at import, exiting in gradient()
    after printing a megabyte, and one in a subfolder of its own."""
    folder = tmp_path / "submissions"
    folder.mkdir()
    source = (CORPUS / f"{STYLE}.py").read_text()
    assert source.count(WRONG[0]) == 1
    (folder / "ada.py").write_text(source)
    (folder / "bo.py").write_text(source.replace(*WRONG))
    (folder / "cy.py").write_text("while True:\n    pass\n")
    (folder / "di.py").write_text(source.replace(
        "    def gradient(self, X, Y):\n",
        "    def gradient(self, X, Y):\n        import os, sys\n"
        "        sys.stdout.write('x' * 2**20)\n        os._exit(0)\n"))
    (folder / "ed").mkdir()
    shutil.copy(CORPUS / f"{STYLE}.py", folder / "ed" / "network.py")
    return folder


def test_a_folder_is_graded_one_line_each_with_grades_files(classroom, tmp_path, capsys):
    grades = tmp_path / "grades"          # a new folder in an existing one: made
    status = main(["check", "--grade", str(classroom), "--grades", str(grades), "--property",
                   "forward_and_loss_equal_the_reference", "--property",
                   "gradient_equals_the_reference", "--time-limit", "1", "--seed", "5"])
    out = capsys.readouterr().out
    assert status == 1
    lines = {line.split(":")[0].strip(): line for line in out.splitlines()
             if line.startswith("  ")}
    assert set(lines) == {"ada.py", "bo.py", "cy.py", "di.py", "ed"}
    assert "passed" in lines["ada.py"] and "passed" in lines["ed"]
    assert "FAILED gradient_equals_the_reference" in lines["bo.py"]
    assert "not graded" in lines["cy.py"]            # importing it ran past its limit
    assert "FAILED gradient_equals_the_reference" in lines["di.py"]   # stopped: it exited

    rows = {row["submission"]: row for row in csv.DictReader(open(grades / "grades.csv"))}
    assert set(rows) == set(lines)
    assert rows["ada.py"]["passed"] == "1" and float(rows["ada.py"]["score"]) == 1.0
    assert rows["bo.py"]["passed"] == "0" and rows["bo.py"]["gradient_equals_the_reference"] == "0"
    assert rows["bo.py"]["forward_and_loss_equal_the_reference"] == "1"    # partial credit
    assert 0 < float(rows["bo.py"]["score"]) < 1
    assert rows["di.py"]["gradient_equals_the_reference"] == "0"
    assert rows["bo.py"]["start_here"] and rows["ada.py"]["start_here"] == ""
    assert rows["bo.py"]["start_here"] in lines["bo.py"]
    assert rows["cy.py"]["error"] and rows["cy.py"]["score"] == "0.000"
    report = json.loads((grades / "grades.json").read_text())
    assert report["seed"] == 5 and set(report["submissions"]) == set(lines)
    assert all(r["seed"] in (5, None) for r in report["submissions"].values())


def test_a_folder_without_submissions_is_refused(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("nothing to grade")
    assert main(["check", "--grade", str(tmp_path)]) == 2
    assert "FILE.py" in capsys.readouterr().err


def test_a_folder_is_graded_only_with_grade(tmp_path, capsys):
    assert main(["check", str(tmp_path)]) == 2
    assert "--grade" in capsys.readouterr().err
