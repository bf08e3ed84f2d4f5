"""The main job: `python -m neuronnet` runs the tour; its first part trains both models side by
side on iris."""
import subprocess
import sys

from neuronnet.app.compare_command import compare_recipe


def test_side_by_side_training_agrees_and_learns():
    lines = []
    rows = compare_recipe("iris", seed=0, options={"epochs": 40}, out=lines.append)["rows"]
    assert len(rows) == 40
    for row in rows:
        # Trajectory tolerance of the policy: parameters are O(1), so atol 1e-10 * s with s ~ 1.
        assert row["max_diff"] <= 1e-10, row
        assert abs(row["loss_neuron"] - row["loss_reference"]) <= 1e-10 * max(1, row["loss_reference"])
    assert rows[-1]["loss_neuron"] < 0.5 * rows[0]["loss_neuron"]
    # iris is nearly separable: chance is 33%; 30 validation samples, one mistake is 3.3 points.
    assert rows[-1]["valid_neuron"] >= 0.85
    assert any("largest parameter difference" in line for line in lines)


def test_python_dash_m_runs_a_recipe():
    done = subprocess.run([sys.executable, "-m", "neuronnet", "train", "iris", "--epochs", "2"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    table = [line for line in done.stdout.splitlines() if line.strip()[:1].isdigit()]
    assert len(table) == 2, done.stdout

