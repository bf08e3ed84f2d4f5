"""Speed of the neuron model against the reference, one after the other in one process.

    python benchmarks/speed.py [--steps 40] [--repeats 5] [--profile]

784-100-10 (relu, softmax cross-entropy), batch 128, float64, SGD with momentum 0.9, on
MNIST-shaped random data (pixels in [0, 1], 10 classes): seconds per epoch-equivalent (60,000
samples) of each model, the median of several repeats; then the neuron model at batch 1 on
784-40-10 (forward + backward + update per sample). BLAS is pinned to one thread with
threadpoolctl, so both models get the same single core however loaded the second one is.
"""
import argparse
import cProfile
import pstats
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from neuronnet import Network, convert  # noqa: E402
from reference import MLP  # noqa: E402

EPOCH = 60_000


def mnist_shaped(n, rng):
    X = rng.integers(0, 256, size=(n, 784)).astype(np.float64) / 255.0
    Y = np.eye(10)[rng.integers(0, 10, size=n)]
    return X, Y


def seconds_per_run(model, X, Y, batch_size, batch_mode):
    start = time.perf_counter()
    model.fit(X, Y, epochs=1, batch_mode=batch_mode, batch_size=batch_size, optimizer="momentum",
              lr=0.1, momentum=0.9, rng=np.random.default_rng(1))
    return time.perf_counter() - start


def median_time(make_model, X, Y, batch_size, batch_mode, repeats):
    # A fresh model per repeat from the same start, so every repeat does the same work.
    return statistics.median(seconds_per_run(make_model(), X, Y, batch_size, batch_mode)
                             for _ in range(repeats))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=40, help="batches of 128 per repeat")
    parser.add_argument("--samples", type=int, default=1000, help="samples for the batch-1 run")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--profile", action="store_true",
                        help="also print where the neuron model's batch-1 time goes")
    args = parser.parse_args(argv)

    rng = np.random.default_rng(0)
    sizes, activations = [784, 100, 10], ["relu", "identity"]
    start_net = Network(sizes, activations, loss="cross_entropy", init="he_normal", rng=rng)
    weights, biases = convert.to_arrays(start_net)
    X, Y = mnist_shaped(128 * args.steps, rng)
    small = Network([784, 40, 10], activations, loss="cross_entropy", init="he_normal", rng=rng)
    small_w, small_b = convert.to_arrays(small)
    X1, Y1 = mnist_shaped(args.samples, rng)

    with threadpool_limits(limits=1):
        # The same four runs differ only in model class and workload; timed one after another.
        builders = {"neuron": convert.from_arrays, "reference": MLP.from_arrays}
        workloads = {"batch": (weights, biases, X, Y, 128, "minibatch"),
                     "one": (small_w, small_b, X1, Y1, 1, "online")}
        times = {}
        for work, (w, b, Xw, Yw, size, mode) in workloads.items():
            for model, build in builders.items():
                times[work, model] = median_time(
                    lambda: build(w, b, activations, "cross_entropy"),
                    Xw, Yw, size, mode, args.repeats)
        t_neuron, t_ref = times["batch", "neuron"], times["batch", "reference"]
        t_one, t_one_ref = times["one", "neuron"], times["one", "reference"]
        if args.profile:
            net = convert.from_arrays(small_w, small_b, activations, "cross_entropy")
            profiler = cProfile.Profile()
            profiler.runcall(seconds_per_run, net, X1, Y1, 1, "online")
            pstats.Stats(profiler).sort_stats("tottime").print_stats(12)

    scale = EPOCH / len(X)
    print(f"784-100-10, batch 128, float64, momentum 0.9, 1 BLAS thread, median of "
          f"{args.repeats} x {args.steps} steps")
    print(f"  neuron model : {t_neuron * scale:7.3f} s/epoch (60,000 samples)")
    print(f"  reference    : {t_ref * scale:7.3f} s/epoch")
    print(f"  784-40-10 at batch 1: neuron {args.samples / t_one:,.0f} samples/s, "
          f"reference {args.samples / t_one_ref:,.0f} samples/s")
    print(f"ratio neuron/reference: {t_neuron / t_ref:.2f}")
    print(f"per-sample 784-40-10: {args.samples / t_one:.0f} samples/s")


if __name__ == "__main__":
    main()
