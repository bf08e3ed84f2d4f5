"""Where the plots go and what they say: each file is written atomically (a temporary file in
its folder, then a rename), never through a symbolic link found at its name (the link is
replaced, the file it pointed to untouched), and text from data (class names, titles) is shown
as it is, never parsed as mathtext. The plotting functions on real folders, and the command
line as a user runs it."""
import os
import pathlib
import shutil
import subprocess
import sys

import numpy as np
import pytest

from neuronnet.app import figures, plots

pytest.importorskip("matplotlib")

REPO = pathlib.Path(__file__).resolve().parents[2]
MATH = r"$\frac{$"          # mathtext that does not parse: drawing it as math raises
ITALIC = "$x^2$"            # mathtext that parses: drawn as math it loses its dollars


def cli(*argv, cwd):
    return subprocess.run([sys.executable, "-m", "neuronnet", *argv], capture_output=True,
                          text=True, timeout=600, cwd=cwd)


def plant_links(folder, names, outside):
    """A symbolic link at each name in folder, each to its own file outside; returns them."""
    targets = {}
    for name in names:
        target = outside / f"precious-{name}"
        target.write_bytes(b"the user's own file " + name.encode())
        os.symlink(target, folder / name)
        targets[name] = target
    return targets


def assert_links_replaced(folder, targets):
    for name, target in targets.items():
        assert target.read_bytes() == b"the user's own file " + name.encode()
        entry = folder / name
        assert not entry.is_symlink() and entry.read_bytes()[:4] in (b"\x89PNG", b"GIF8")


# --- the plotting functions on a real folder ---------------------------------------------------
def test_a_link_planted_at_a_plot_name_is_replaced_and_its_target_kept(tmp_path):
    folder, outside = tmp_path / "plots", tmp_path / "elsewhere"
    folder.mkdir()
    outside.mkdir()
    targets = plant_links(folder, ["cm.png"], outside)
    plots.confusion_matrix_plot(np.array([[3, 1], [0, 4]]), ["a", "b"], folder / "cm.png")
    assert_links_replaced(folder, targets)
    assert sorted(os.listdir(folder)) == ["cm.png"]   # no temporary file left


def test_a_dangling_link_is_replaced_and_nothing_is_created_where_it_pointed(tmp_path):
    os.symlink(tmp_path / "nowhere.png", tmp_path / "curves.png")
    plots.sin_fit(np.zeros(3), np.zeros(3), np.linspace(0, 1, 5), np.zeros(5), np.zeros(5),
                  tmp_path / "curves.png")
    assert not (tmp_path / "nowhere.png").exists()
    assert not (tmp_path / "curves.png").is_symlink()


def test_a_replaced_plot_keeps_its_permissions_and_is_never_seen_half_written(tmp_path):
    path = tmp_path / "p.png"
    path.write_bytes(b"old")
    os.chmod(path, 0o640)
    seen = []

    def write(file):
        file.write(b"new, ")
        seen.append(path.read_bytes())   # mid-write, the name still holds the old file
        file.write(b"whole")

    figures.write_replacing(path, write)
    assert seen == [b"old"] and path.read_bytes() == b"new, whole"
    assert os.stat(path).st_mode & 0o777 == 0o640
    assert os.listdir(tmp_path) == ["p.png"]


@pytest.mark.parametrize("name", [MATH, ITALIC, "50% $5 & #1_a^b"])
def test_class_names_and_titles_are_shown_as_they_are(tmp_path, name):
    path = tmp_path / "cm.png"
    figure = plots.confusion_matrix_plot(np.array([[3, 1], [0, 4]]), [name, "b"], path,
                                         title=name)
    assert path.read_bytes()[:4] == b"\x89PNG"
    axes = figure.axes[0]
    labels = axes.get_xticklabels() + axes.get_yticklabels() + [axes.title]
    shown = [label for label in labels if name in label.get_text()]
    assert len(shown) == 3
    assert not any(label.get_parse_math() or label.get_usetex() for label in shown)


def test_a_title_of_mathtext_is_drawn_on_every_figure(tmp_path):
    epochs = {"epoch": [1, 2], "train_loss": [1.0, 0.5], "valid_loss": [1.1, 0.6]}
    plots.learning_curves(epochs, tmp_path / "c.png", title=MATH)
    plots.sin_fit(np.zeros(3), np.zeros(3), np.linspace(0, 1, 5), np.zeros(5), np.zeros(5),
                  tmp_path / "s.png", title=MATH)
    plots.weight_images(np.ones((2, 4)), tmp_path / "w.png", image_shape=(2, 2), title=MATH)
    assert sorted(os.listdir(tmp_path)) == ["c.png", "s.png", "w.png"]


def test_the_log_scale_tick_labels_are_still_mathtext(tmp_path):
    # Only data is literal: matplotlib's own "10^-1" labels of a log axis stay math.
    epochs = {"epoch": [1, 2, 3], "train_loss": [10.0, 0.1, 0.001],
              "valid_loss": [10.0, 0.1, 0.002]}
    figure = plots.learning_curves(epochs, tmp_path / "c.png")
    figure.canvas.draw()
    ticks = [t for t in figure.axes[0].get_yticklabels() if t.get_text()]
    assert ticks and all(t.get_parse_math() for t in ticks)


# --- the command line ------------------------------------------------------------------------
def digit_folders(root, names):
    """mnist-png/{train,test}/NAME/: a few of the shipped digit PNGs under each class name."""
    for part in ("train", "test"):
        for digit, name in enumerate(names):
            folder = root / "mnist-png" / part / name
            folder.mkdir(parents=True)
            source = REPO / "data" / "mnist-png" / part / str(digit)
            for png in sorted(source.iterdir())[:40]:
                shutil.copy(png, folder / png.name)


def test_a_class_folder_named_like_mathtext_is_plotted_by_its_name(tmp_path):
    digit_folders(tmp_path / "data", [MATH, ITALIC])
    done = cli("train", "digits-folder", "--data-dir", str(tmp_path / "data"), "--epochs", "2",
               "--quiet", "--plot", str(tmp_path / "plots"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    written = sorted(os.listdir(tmp_path / "plots"))
    assert "digits-folder-confusion.png" in written, written
    assert all(not name.startswith(".") for name in written)   # no temporary file left


def test_the_command_line_replaces_planted_links_and_keeps_their_targets(tmp_path):
    folder = tmp_path / "plots"
    first = cli("train", "xor", "--epochs", "2", "--quiet", "--plot", str(folder), cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    names = sorted(os.listdir(folder))
    assert len(names) >= 3, names
    for name in names:
        os.remove(folder / name)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    targets = plant_links(folder, names, outside)
    again = cli("train", "xor", "--epochs", "2", "--quiet", "--plot", str(folder), cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert_links_replaced(folder, targets)
    assert sorted(os.listdir(folder)) == names
