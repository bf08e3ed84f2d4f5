"""Speed of the neuron model now and before a given commit, side by side in one run.

    python benchmarks/speed.py [--before f463f64^] [--rounds 5] [--repeats 3] [--samples 1000]
    python benchmarks/speed.py --profile          # where the batch-1 time goes, now

The tree of ``--before`` (default: the parent of f463f64, the layout redesign) is exported with
``git archive`` into a temporary folder. Each round runs one worker process per tree, the two
alternating, so a load that comes and goes on the machine falls on both. Every worker pins BLAS
to one thread (threadpoolctl), builds the same networks from the same arrays and times each
workload ``--repeats`` times in CPU seconds of the process (``time.process_time``: with one
BLAS thread that is the work done, which other processes on a shared machine inflate less than
wall time). The table shows each tree's best time over all its repeats and rounds (other
processes only ever add time), and the speed-up as the median over the rounds of the ratio of
the two workers' best times: a paired comparison, the two having run one after the other.

The workloads, on MNIST-shaped random data (pixels in [0, 1], 10 classes, softmax
cross-entropy, SGD with momentum 0.9):

- ``fit, batch 1``: ``Network.fit`` on 784-40-10 (relu), one sample per step, in samples/s;
- ``train(), batch 1``: the training loop of the command line (``train``), the same work;
- ``fit, batch 128``: ``Network.fit`` on 784-100-10 (relu), seconds per 60,000 samples;
- ``reference, batch 128``: ``reference.MLP.fit``, the same work: a control (the reference
  changed little since, only its argument checks), so a large difference there is the machine.
"""
import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EPOCH = 60_000
REDESIGN = "f463f64"
# (label, unit, shown per sample: samples/s; else seconds per 60,000 samples)
ROWS = [("fit, batch 1", "samples/s", True), ("train(), batch 1", "samples/s", True),
        ("fit, batch 128", "s/epoch", False), ("reference, batch 128", "s/epoch", False)]


def worker(tree, samples, steps, repeats):
    """Runs in a subprocess with ``tree`` first on the path: the timings of that tree, as JSON."""
    sys.path.insert(0, tree)
    import numpy as np
    from threadpoolctl import threadpool_limits

    from neuronnet import convert
    from reference import MLP
    try:
        from neuronnet.training import Dataset, train
    except ImportError:                      # before the redesign: flat modules
        from neuronnet.dataset import Dataset
        from neuronnet.training import train
    assert Path(convert.__file__).resolve().is_relative_to(Path(tree).resolve()), convert.__file__

    rng = np.random.default_rng(0)

    def arrays(sizes):
        weights = [rng.normal(0, np.sqrt(2 / fan_in), (fan_out, fan_in))
                   for fan_in, fan_out in zip(sizes, sizes[1:])]
        return weights, [np.zeros(len(W)) for W in weights]

    def data(n):
        X = rng.integers(0, 256, size=(n, 784)).astype(np.float64) / 255.0
        labels = rng.integers(0, 10, size=n)
        return X, np.eye(10)[labels], labels

    acts = ["relu", "identity"]
    small, big = arrays([784, 40, 10]), arrays([784, 100, 10])
    X1, Y1, labels1 = data(samples)
    X, Y, _ = data(128 * steps)
    fit = dict(epochs=1, optimizer="momentum", lr=0.1, momentum=0.9)

    def timed_fit(build, weights, Xw, Yw, mode, size):
        model = build(*weights, acts, "cross_entropy")
        start = time.process_time()
        model.fit(Xw, Yw, batch_mode=mode, batch_size=size, rng=np.random.default_rng(1), **fit)
        return time.process_time() - start

    def timed_train():
        model = convert.from_arrays(*small, acts, "cross_entropy")
        dataset = Dataset(X1, labels=labels1, n_classes=10)
        start = time.process_time()       # evaluation: 10 rows once, the rest is training
        train(model, dataset, rng=np.random.default_rng(1), batch_mode="online",
              train_eval_size=10, **fit)
        return time.process_time() - start

    work = {"fit, batch 1": lambda: timed_fit(convert.from_arrays, small, X1, Y1, "online", 1),
            "train(), batch 1": timed_train,
            "fit, batch 128": lambda: timed_fit(convert.from_arrays, big, X, Y, "minibatch", 128),
            "reference, batch 128": lambda: timed_fit(MLP.from_arrays, big, X, Y, "minibatch",
                                                      128)}
    with threadpool_limits(limits=1):
        seconds = {label: [run() for _ in range(repeats)] for label, run in work.items()}
    print(json.dumps(seconds))


def export(rev, folder):
    """The package folders of ``rev``, written into ``folder`` by git archive."""
    archive = subprocess.run(["git", "archive", "--format=tar", rev, "neuronnet", "reference"],
                             cwd=ROOT, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", folder], input=archive, check=True)


def run_worker(tree, args):
    out = subprocess.run([sys.executable, __file__, "--worker", tree, "--samples",
                          str(args.samples), "--steps", str(args.steps), "--repeats",
                          str(args.repeats)],
                         capture_output=True, text=True, check=True, cwd=tree)
    return json.loads(out.stdout.splitlines()[-1])


def profile(samples):
    import cProfile
    import pstats

    import numpy as np
    from threadpoolctl import threadpool_limits

    sys.path.insert(0, str(ROOT))
    from neuronnet import Network
    rng = np.random.default_rng(0)
    net = Network([784, 40, 10], ["relu", "identity"], "cross_entropy", init="he_normal", rng=rng)
    X = rng.random((samples, 784))
    Y = np.eye(10)[rng.integers(0, 10, samples)]
    with threadpool_limits(limits=1):
        profiler = cProfile.Profile()
        profiler.runcall(net.fit, X, Y, batch_mode="online", optimizer="momentum", rng=rng)
    pstats.Stats(profiler).sort_stats("tottime").print_stats(14)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", default=f"{REDESIGN}^", help="the commit to compare with")
    parser.add_argument("--rounds", type=int, default=5, help="worker pairs, alternating")
    parser.add_argument("--repeats", type=int, default=3, help="timings per workload and worker")
    parser.add_argument("--samples", type=int, default=1000, help="samples of the batch-1 runs")
    parser.add_argument("--steps", type=int, default=40, help="batches of the batch-128 runs")
    parser.add_argument("--profile", action="store_true", help="profile fit at batch 1, now")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return worker(args.worker, args.samples, args.steps, args.repeats)
    if args.profile:
        return profile(args.samples)

    steps = 128 * args.steps
    with tempfile.TemporaryDirectory() as before:
        export(args.before, before)
        trees = {"before": before, "now": str(ROOT)}
        runs = {name: [] for name in trees}
        for k in range(args.rounds):      # before, now; now, before; ...: a drift falls on both
            for name in sorted(trees, reverse=k % 2 == 1):
                runs[name].append(run_worker(trees[name], args))
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                          text=True).stdout.strip()
    print(f"neuron model, 1 BLAS thread, {args.rounds} alternating rounds x {args.repeats} "
          f"repeats; before = {args.before}, now = {head} and the working tree")
    print("| workload | unit | before (best) | now (best) | now vs before (median of the rounds' "
          "ratios) |")
    print("|---|---|---:|---:|---:|")
    for label, unit, per_sample in ROWS:
        # Each worker's best repeat; the two workers of a round ran one after the other.
        best = {name: [min(r[label]) for r in results] for name, results in runs.items()}
        ratio = statistics.median(b / n for b, n in zip(best["before"], best["now"]))
        scale = (lambda t: args.samples / t) if per_sample else (lambda t: EPOCH / steps * t)
        print(f"| {label} | {unit} | {scale(min(best['before'])):.3f} | "
              f"{scale(min(best['now'])):.3f} | {(ratio - 1) * 100:+.1f}% |")

if __name__ == "__main__":
    main()
