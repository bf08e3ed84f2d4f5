"""Build data/mnist-png, a small image-folder set in the coursework's layout, from MNIST.

    python data/make_mnist_png.py [--per-class-train 200] [--per-class-test 50] [--out data/mnist-png]

writes

    <out>/train/<digit>/<index>.png     the first K training images of each digit
    <out>/test/<digit>/<index>.png      the first K test images of each digit

as 28x28 8-bit greyscale PNGs (written with imageio). ``<index>`` is the image's position in
its MNIST file, zero-padded to five digits (00042.png), so every PNG can be traced back to its
source; sorted file names are file order.

The source is the MNIST database of handwritten digits (Yann LeCun, Corinna Cortes and
Christopher J. C. Burges), shipped with this repository in data/mnist/ as the four original IDX
files, gzipped: train images come from the training file, test images from the test file.

Deterministic: "the first K of each digit in file order" involves no randomness, so two runs
write identical pixels. The set is built in a temporary folder beside ``--out`` and renamed into
place at the end, so an interrupted run never leaves a half-built set behind.
"""
import argparse
import math
import os
import shutil
import sys
import tempfile
from pathlib import Path

import imageio.v3 as iio
import numpy as np

from neuronnet.io import load_mnist


def first_per_class(labels, per_class):
    """Indices (10 * per_class,) of the first ``per_class`` images of each digit, in file order
    within each digit, digits 0..9 in turn.

    labels: (n,) int digits. Raises ValueError if some digit has fewer than ``per_class``."""
    chosen = []
    for digit in range(10):
        members = np.flatnonzero(labels == digit)
        if len(members) < per_class:
            raise ValueError(f"per_class: got {per_class}, but digit {digit} has only "
                             f"{len(members)} images")
        chosen.append(members[:per_class])
    return np.concatenate(chosen)


def write_part(folder, X, y, per_class):
    """Write ``folder/<digit>/<index>.png`` for the first ``per_class`` images of each digit.

    X: (n, side*side) uint8 flattened square images (side 28 for MNIST, row-major);
    y: (n,) int digits. Returns the number of files written."""
    side = math.isqrt(X.shape[1])
    if side * side != X.shape[1]:
        raise ValueError(f"X: got images of {X.shape[1]} pixels; expected square images")
    indices = first_per_class(y, per_class)
    for index in indices:
        digit_folder = folder / str(y[index])
        digit_folder.mkdir(parents=True, exist_ok=True)
        iio.imwrite(digit_folder / f"{index:05d}.png", X[index].reshape(side, side))
    return len(indices)


def build(out, per_class_train=200, per_class_test=50, mnist_dir=None):
    """Build the set at ``out`` (replacing any previous one); returns the number of files.

    Hazard: writing straight into ``out`` would leave a half-built set if interrupted, and the
    tests would read it as real. So: write into a fresh temporary folder next to ``out`` (the
    same file system, so a rename is possible), delete it on any failure, and only at the end
    rename it to ``out``. Renaming onto an existing folder is not possible, so a previous set is
    first moved aside and deleted after the new one is in place."""
    out = Path(out)
    X_train, y_train, X_test, y_test = load_mnist(mnist_dir)
    out.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=f".{out.name}.building-", dir=out.parent))
    try:
        n_files = write_part(building / "train", X_train, y_train, per_class_train)
        n_files += write_part(building / "test", X_test, y_test, per_class_test)
    except BaseException:                # KeyboardInterrupt too: no half-built set survives
        shutil.rmtree(building, ignore_errors=True)
        raise
    old = None
    if out.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
        os.rename(out, old / out.name)
    os.rename(building, out)
    if old is not None:
        shutil.rmtree(old)
    return n_files


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Build a small image-folder set (<out>/{train,test}/<digit>/<index>.png) "
                    "from the first images of each digit in the shipped MNIST files.")
    parser.add_argument("--per-class-train", type=int, default=200,
                        help="training images per digit (default 200)")
    parser.add_argument("--per-class-test", type=int, default=50,
                        help="test images per digit (default 50)")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "mnist-png",
                        help="the folder to build (default data/mnist-png)")
    args = parser.parse_args(argv)
    for name, value in (("--per-class-train", args.per_class_train),
                        ("--per-class-test", args.per_class_test)):
        if value <= 0:
            parser.error(f"{name}: got {value}; expected a positive integer")
    n_files = build(args.out, args.per_class_train, args.per_class_test)
    print(f"wrote {n_files} PNG files to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
