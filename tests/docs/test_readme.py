"""Every code block of README.md (and of the pages that took over its text) runs as printed,
and every link of those pages leads to a file and a heading that exist.

A block's fence says what it is:

- ```python: run whole in a fresh interpreter (a subprocess) from the repository's root. It must
  exit 0 and print something.
- ```sh: each line, its comment dropped and split at ``&&``, is a list of commands, run in order
  in a scratch folder where ``examples/`` is the repository's (a clone's folder, as a newcomer
  has it, without the files a command writes landing in the repository). ``neuronnet ...`` and
  ``python -m neuronnet ...`` run, each within TIME_BUDGET seconds, and must exit 0.
  Two commands are not run here, on purpose: ``python -m pip install ...`` (it would change the
  environment this suite runs in; CI installs exactly that way, see .ci/run) and
  ``python -m pytest`` (this suite: it would run itself). Any other command fails the test, so
  a new kind of command gets a rule here before it gets into the README.
- ```text: illustrative (placeholders such as FILE.npz, or commands too slow for the suite);
  not run.
- A fence without a language fails the test: every block must say which of the three it is.
"""
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = ["README.md", "docs/guide.md", "docs/measurements.md", "docs/mutation.md",
         "docs/sources.md"]
TIME_BUDGET = 90     # seconds per command; the slowest, the tour, takes 5-15 s here
FENCE = re.compile(r"^```([^\n]*)\n(.*?)^```", re.M | re.S)
NOT_RUN = {("python", "-m", "pip"): "installs: CI does that (.ci/run)",
           ("python", "-m", "pytest"): "this test suite itself"}


def blocks(page):
    """[(language, code)] of a markdown file's fenced blocks, in order."""
    return [(language.strip(), code) for language, code in FENCE.findall((ROOT / page).read_text())]


CASES = [pytest.param(page, i, language, code, id=f"{page}-{i}-{language or 'none'}")
         for page in PAGES for i, (language, code) in enumerate(blocks(page))]


def commands(code):
    """The commands of a shell block: each line without its comment, split at &&."""
    for line in code.splitlines():
        words = shlex.split(line, comments=True)
        while words:
            cut = words.index("&&") if "&&" in words else len(words)
            yield words[:cut]
            words = words[cut + 1:]


def argv(words):
    """The command as this interpreter runs it, or the reason it is not run here."""
    if tuple(words[:3]) in NOT_RUN:
        return NOT_RUN[tuple(words[:3])]
    if words[0] == "neuronnet":
        return [sys.executable, "-m", "neuronnet", *words[1:]]
    if words[:3] == ["python", "-m", "neuronnet"]:
        return [sys.executable, *words[1:]]
    pytest.fail(f"a shell block runs {' '.join(words)!r}: give that kind of command a rule in "
                f"{Path(__file__).name}, or fence the block as text")


def test_the_pages_have_blocks_of_each_kind_the_readme_promises():
    languages = [language for language, _ in blocks("README.md")]
    assert "python" in languages and "sh" in languages, languages


@pytest.mark.parametrize("page, i, language, code", CASES)
def test_a_code_block_runs_as_printed(page, i, language, code, tmp_path):
    assert language in ("python", "sh", "text"), (
        f"{page}, block {i}: fenced as {language!r}; say python, sh or text")
    if language == "python":
        done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                              text=True, timeout=TIME_BUDGET)
        assert done.returncode == 0, f"{page}, block {i}:\n{code}\n{done.stderr}"
        assert done.stdout.strip(), f"{page}, block {i} printed nothing"
    elif language == "sh":
        (tmp_path / "examples").symlink_to(ROOT / "examples")
        ran = 0
        for words in commands(code):
            command = argv(words)
            if isinstance(command, str):
                continue
            done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True,
                                  timeout=TIME_BUDGET)
            assert done.returncode == 0, (f"{page}, block {i}: {' '.join(words)} exited "
                                          f"{done.returncode}\n{done.stdout[-2000:]}\n{done.stderr}")
            ran += 1
        assert ran, f"{page}, block {i}: a sh block with nothing run here; fence it as text"


def slug(heading):
    """GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


@pytest.mark.parametrize("page", PAGES)
def test_every_link_leads_to_a_file_and_its_heading(page):
    text = FENCE.sub("", (ROOT / page).read_text())
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if re.match(r"[a-z]+://", target):
            continue
        path, _, anchor = target.partition("#")
        file = (ROOT / page).parent / path if path else ROOT / page
        assert file.exists(), f"{page} links to {target}: no such file"
        if anchor:
            headings = re.findall(r"^#+ (.*)$", file.read_text(), re.M)
            assert anchor in {slug(h) for h in headings}, (
                f"{page} links to {target}: no such heading in {path or page}")
