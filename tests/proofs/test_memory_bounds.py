"""Memory is bounded before it is spent: a network larger than the machine is refused by name
before anything is allocated, readers bound the total they decode, and a model file costs
memory in proportion to its size, its widths checked against the data before its parameters
are read."""
import tracemalloc
import zipfile

import imageio.v3 as iio
import numpy as np
import pytest

from models import MODEL_CLASSES, make_model
from neuronnet import io
from neuronnet.guards.memory import machine_memory
from neuronnet.io import image_folder

HUGE = [784, 100_000, 100_000, 10]   # 10**10 weights: hundreds of GiB


def peak_while(call):
    tracemalloc.start()
    try:
        call()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.skipif(machine_memory() is None, reason="the system does not say its memory")
@pytest.mark.parametrize("kind", list(MODEL_CLASSES))
def test_a_network_larger_than_the_machine_is_refused_before_allocating(kind):
    def build():
        with pytest.raises(ValueError, match=r"^layer_sizes: got \[784, 100000, 100000, 10\]"
                                             r".*GiB.*expected at most the "):
            MODEL_CLASSES[kind](HUGE, "relu", rng=np.random.default_rng(0))
    assert peak_while(build) < 4 * 2**20


def test_a_folder_of_small_images_cannot_decode_beyond_the_bound(tmp_path, monkeypatch):
    monkeypatch.setattr(image_folder, "MAX_FOLDER_BYTES", 10 * 64 * 64)
    for k in range(12):                                   # twelve 64x64 images: over the bound
        folder = tmp_path / str(k % 2)
        folder.mkdir(exist_ok=True)
        iio.imwrite(folder / f"{k:02d}.png", np.zeros((64, 64), np.uint8))
    with pytest.raises(io.DataError, match="decode to more than 40960 bytes"):
        io.load_image_folder(tmp_path)


def test_a_model_file_costs_memory_in_proportion_to_its_size(tmp_path):
    """A deflated W_0 of 16 MiB of zeros in a file of a few kilobytes: refused from the zip's
    directory, before the member is inflated."""
    good = io.save(make_model("neuron"), tmp_path / "good.npz")
    bomb = tmp_path / "bomb.npz"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            out.writestr(info.filename, source.read(info))
        out.writestr("pad.npy", _npy(np.zeros(2**21)))   # 16 MiB of zeros, about 16 KB deflated
    assert bomb.stat().st_size < 100_000

    def refused():
        with pytest.raises(io.ModelFileError, match="times the file's size"):
            io.load(bomb, lambda *a: a)
    assert peak_while(refused) < 4 * 2**20


def _npy(array):
    import io as bytes_io
    buffer = bytes_io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


def test_a_model_file_for_other_data_is_refused_before_its_parameters_are_read(tmp_path):
    path = io.save(make_model("neuron", sizes=(3, 5, 3)), tmp_path / "m.npz")
    with pytest.raises(io.ModelFileError, match=r"has 3 inputs; expected 784, the data's"):
        io.load(path, lambda *a: pytest.fail("parameters were read"), n_inputs=784)


@pytest.mark.skipif(machine_memory() is None, reason="the system does not say its memory")
def test_the_command_line_refuses_a_network_too_big_before_building_it(capsys):
    from neuronnet.app.cli import main
    assert main(["train", "iris", "--hidden", "100000,100000"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("neuronnet: error: --hidden: got 100000,100000, which needs about")
    assert "4-100000-100000-3 network and its batches" in err


def test_saving_never_touches_the_umask(tmp_path, monkeypatch):
    """The mode of a new file comes from the system applying the umask, never from reading it
    (which means setting it, for a moment, for the whole process)."""
    import os

    def no_umask(mask):
        raise AssertionError("os.umask was called")
    monkeypatch.setattr(os, "umask", no_umask)
    io.save(make_model("neuron"), tmp_path / "m.npz")
    assert (tmp_path / "m.npz").exists()


def test_the_reported_peak_memory_is_the_programs_own():
    # A run started from a large process reported that process's memory too (ru_maxrss keeps
    # the high-water mark from before the exec): 1.6 GB for a 100 MB run, under a test runner
    # that had loaded MNIST. The program's own high-water mark is what the user asked about.
    import re
    import subprocess
    import sys
    ballast = np.ones(50_000_000)        # 400 MB in this process
    done = subprocess.run([sys.executable, "-m", "neuronnet", "train", "iris", "--epochs", "1",
                           "--quiet"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    peak = float(re.search(r"peak memory (\d+) MB", done.stdout).group(1))
    assert peak < 300 < ballast.nbytes / 2**20, done.stdout


# --- the real limit: RLIMIT_AS in a subprocess, and each entry point against a set limit ------
ULIMIT_V = 3_000_000 * 1024                       # ulimit -v 3000000: about 2.9 GiB


def under_ulimit(*command, limit_bytes=ULIMIT_V):
    """``command`` run with RLIMIT_AS at ``limit_bytes`` (ULIMIT_V: as ``ulimit -v 3000000``
    would start it)."""
    import resource
    import subprocess
    import sys

    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (limit_bytes, limit_bytes))
    return subprocess.run([sys.executable, *command], capture_output=True, text=True,
                          timeout=120, preexec_fn=limit)


def assert_refused_in_one_line(done):
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "Traceback" not in done.stderr and "MemoryError" not in done.stderr
    assert "RLIMIT_AS" in lines[0]
    return lines[0]


@pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="RLIMIT_AS is POSIX")
def test_the_command_line_refuses_a_network_over_rlimit_as_in_one_line():
    done = under_ulimit("-m", "neuronnet", "train", "iris", "--hidden", "20000,20000")
    assert done.returncode == 2, done.stderr
    line = assert_refused_in_one_line(done)
    assert line.startswith("neuronnet: error: --hidden: got 20000,20000")
    assert done.stdout == ""


SCRIPT = """
import sys
import numpy as np
from sklearn.datasets import load_iris
from neuronnet import Network
from neuronnet.estimators import NeuronNetClassifier
X, y = load_iris(return_X_y=True)
try:
    if sys.argv[1] == "network":
        Network([4, 20000, 20000, 3], "relu", rng=np.random.default_rng(0))
    else:
        NeuronNetClassifier(hidden_layer_sizes=(20000, 20000)).fit(X, y)
except ValueError as error:
    sys.exit(str(error))
"""


@pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="RLIMIT_AS is POSIX")
@pytest.mark.parametrize("what, name", [("network", "layer_sizes"),
                                        ("estimator", "hidden_layer_sizes")])
def test_the_python_api_refuses_a_network_over_rlimit_as_by_name(what, name):
    pytest.importorskip("sklearn")
    done = under_ulimit("-c", SCRIPT, what)
    assert done.returncode == 1, done.stderr          # sys.exit(message): the ValueError's
    line = assert_refused_in_one_line(done)
    assert line.startswith(f"{name}: got ")


@pytest.fixture
def tight(monkeypatch):
    """Set what the process may still take to ``tight(n_bytes)``, under RLIMIT_AS."""
    from neuronnet.guards import memory

    def set_limit(n_bytes):
        monkeypatch.setattr(memory, "memory_limit", lambda: memory.Limit(
            n_bytes, 3 * 2**30, 3 * 2**30 - n_bytes, "RLIMIT_AS (ulimit -v)"))
    return set_limit


def test_evaluation_batches_are_sized_to_the_limit_and_change_nothing(tight):
    from neuronnet.guards.memory import forward_row_bytes
    from neuronnet.training import Dataset, evaluate
    model = make_model("neuron", sizes=(3, 400, 3))
    rng = np.random.default_rng(0)
    data = Dataset(rng.standard_normal((500, 3)), labels=rng.integers(0, 3, 500), n_classes=3)
    whole = evaluate(model, data)
    rows = []
    spied = model.output_and_loss
    model.output_and_loss = lambda X, Y: rows.append(len(X)) or spied(X, Y)
    tight(4 * 25 * forward_row_bytes([3, 400, 3]))         # a quarter: 25 rows
    fitted = evaluate(model, data)
    assert max(rows) == 25 and sum(rows) == 500
    assert fitted.loss == pytest.approx(whole.loss, rel=1e-12)
    assert fitted.accuracy == whole.accuracy


def test_an_evaluation_batch_holds_at_most_max_batch_bytes_whatever_is_free(monkeypatch):
    """A model 200,000 neurons wide holds 4.8 MB a row: 1,000 rows at once were 4.8 GB."""
    from neuronnet.guards.memory import forward_row_bytes
    from neuronnet.training import Dataset, evaluate, evaluation
    model = make_model("neuron", sizes=(3, 400, 3))
    rng = np.random.default_rng(0)
    data = Dataset(rng.standard_normal((500, 3)), labels=rng.integers(0, 3, 500), n_classes=3)
    monkeypatch.setattr(evaluation, "MAX_BATCH_BYTES", 40 * forward_row_bytes([3, 400, 3]))
    rows = []
    spied = model.output_and_loss
    model.output_and_loss = lambda X, Y: rows.append(len(X)) or spied(X, Y)
    evaluate(model, data)
    assert max(rows) == 40 and sum(rows) == 500


def test_a_model_file_over_the_limit_is_refused_before_its_parameters_are_read(tmp_path, tight):
    path = io.save(make_model("neuron", sizes=(3, 50, 3)), tmp_path / "m.npz")
    tight(10_000)
    with pytest.raises(io.ModelFileError, match=r"m\.npz: layer_sizes \[3, 50, 3\].*RLIMIT_AS"):
        io.load(path, lambda *a: pytest.fail("parameters were read"))


def test_a_history_over_the_limit_is_refused_before_its_lists_are_made(tmp_path, tight):
    history = {"epoch": list(range(1, 1001)), "train_loss": [0.5] * 1000}
    path = io.save(make_model("neuron"), tmp_path / "m.npz", history=history)
    assert io.load_history(path)["epoch"][-1] == 1000.0
    tight(48 * 2000 - 1)
    with pytest.raises(io.ModelFileError, match=r"m\.npz: a history of 2000 entries.*RLIMIT_AS"):
        io.load_history(path)


def test_an_idx_file_over_the_limit_is_refused_before_its_payload_is_read(tmp_path, tight):
    from idx_files import idx_bytes, raises_naming
    path = tmp_path / "x.idx"
    path.write_bytes(idx_bytes(np.zeros((100, 100), np.uint8)))
    io.read_idx(path)
    tight(2 * 10_000 - 1)
    with raises_naming(path, "RLIMIT_AS"):
        io.read_idx(path)


def test_an_image_folder_over_the_limit_is_refused_while_reading(tmp_path, tight):
    for k in range(4):
        folder = tmp_path / str(k % 2)
        folder.mkdir(exist_ok=True)
        iio.imwrite(folder / f"{k}.png", np.zeros((32, 32), np.uint8))
    io.load_image_folder(tmp_path)
    tight(2 * 4 * 32 * 32 - 1)
    with pytest.raises(io.DataError, match="RLIMIT_AS"):
        io.load_image_folder(tmp_path)


def test_an_iris_csv_costs_memory_in_proportion_to_its_size(tmp_path, tight):
    """Rows kept as flat float64 and code arrays, not lists of Python floats: a CSV of 2 MB
    peaks under three times its size (lists of floats and names: about twelve times)."""
    rows = ["5.1,3.5,1.4,0.2,setosa", "7.0,3.2,4.7,1.4,versicolor", "6.3,3.3,6.0,2.5,virginica"]
    path = tmp_path / "iris.csv"
    path.write_text("a,b,c,d,species\n" + "\n".join(rows * 25_000) + "\n", encoding="utf-8")
    size = path.stat().st_size
    X, y, classes = io.load_iris(path)
    assert X.shape == (75_000, 4) and classes == ["setosa", "versicolor", "virginica"]
    assert list(y[:3]) == [0, 1, 2] and X[2].tolist() == [6.3, 3.3, 6.0, 2.5]
    assert peak_while(lambda: io.load_iris(path)) < 3 * size
    tight(size)
    with pytest.raises(io.DataError, match=r"iris\.csv: .*RLIMIT_AS"):
        io.load_iris(path)


PROBE = """
import sys, warnings
warnings.simplefilter("ignore")
from sklearn.datasets import load_iris
from neuronnet.estimators import NeuronNetClassifier
X, y = load_iris(return_X_y=True)
estimator = NeuronNetClassifier(hidden_layer_sizes=(int(sys.argv[1]),), max_iter=1,
                                learning_rate_init=1e-3, random_state=0)
try:
    estimator.fit(X, y)
    estimator.partial_fit(X, y)     # copies the network to roll back to
except ValueError as error:
    sys.exit(str(error))
"""


@pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="RLIMIT_AS is POSIX")
@pytest.mark.parametrize("width", [45_000, 65_000])
def test_an_estimator_near_the_limit_fits_or_is_refused_never_a_memory_error(width):
    """Widths whose network fits under 1 GB of address space but whose steps (the upstream
    gradient, 3 x 150 x width floats) or partial_fit's copy did not: MemoryError tracebacks."""
    pytest.importorskip("sklearn")
    done = under_ulimit("-c", PROBE, str(width), limit_bytes=1_000_000 * 1024)
    assert "MemoryError" not in done.stderr and "Traceback" not in done.stderr, done.stderr
    if done.returncode != 0:
        assert done.stderr.startswith("hidden_layer_sizes: got (")
        assert "RLIMIT_AS" in done.stderr
