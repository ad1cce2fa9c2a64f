"""Microseconds per training iteration of the 2-2-2 scripts, against two reference loops.

The plain-float loop is the same update in Python floats and math.exp, no NumPy and no
recording: the floor for one network in Python (goal: train() without recording at most
1.5 times it, recording every iteration at most 3 times). The NumPy loop is the plainest
NumPy formulation of the update: np.outer, @ and np.exp on 2-vectors, new arrays every
step, no recording. Ratios are train() time / reference time, measured in the same run:
the four sides take turns, and the best of --repeat rounds counts.

    python -m benchmarks.bench_training                 # 100,000 iterations, from the project's root
    python -m benchmarks.bench_training --iterations 20000 --repeat 5
    python -m benchmarks.bench_training --update docs/speed.md    # also into its block of docs/speed.md
"""

import math
import platform
import time

import numpy as np

from backprop import cli, exercise, general_training, training
from backprop.worked_example import B1_INIT, B2_INIT, INPUT, TARGET, W1_INIT, W2_INIT
from benchmarks import record

EXERCISE_3_4_2 = exercise.Exercise(
    inputs=((0.05, 0.10, 0.20), (0.30, -0.10, 0.50)), targets=((0.01, 0.99), (0.90, 0.20)),
    weights=tuple(round(0.05 * i - 0.4, 2) for i in range(20)), b1=(0.35,) * 4, b2=(0.60,) * 2,
    biases="per-neuron", layers=(3, 4, 2),
)  # fmt: skip


def reference_loop(iterations, sequential, lr=0.5):
    x, t = INPUT, TARGET
    w1, w2 = W1_INIT.copy(), W2_INIT.copy()
    b1, b2 = B1_INIT, B2_INIT
    for _ in range(iterations):
        h = 1 / (1 + np.exp(-(w1 @ x + b1)))
        y = 1 / (1 + np.exp(-(w2 @ h + b2)))
        delta_o = (y - t) * y * (1 - y)
        if sequential:
            w2 = w2 - lr * np.outer(delta_o, h)
            delta_h = (w2.T @ delta_o) * h * (1 - h)
            w1 = w1 - lr * np.outer(delta_h, x)
        else:
            delta_h = (w2.T @ delta_o) * h * (1 - h)
            w2 = w2 - lr * np.outer(delta_o, h)
            w1 = w1 - lr * np.outer(delta_h, x)
    return w1, w2


def plain_float_loop(iterations, sequential, lr=0.5):
    exp = math.exp
    (x1, x2), (t1, t2), (b1, b2) = INPUT.tolist(), TARGET.tolist(), (B1_INIT, B2_INIT)
    w1, w2, w3, w4 = W1_INIT.ravel().tolist()
    w5, w6, w7, w8 = W2_INIT.ravel().tolist()
    for _ in range(iterations):
        h1 = 1.0 / (1.0 + exp(-(w1 * x1 + w2 * x2 + b1)))
        h2 = 1.0 / (1.0 + exp(-(w3 * x1 + w4 * x2 + b1)))
        y1 = 1.0 / (1.0 + exp(-(w5 * h1 + w6 * h2 + b2)))
        y2 = 1.0 / (1.0 + exp(-(w7 * h1 + w8 * h2 + b2)))
        d1 = (y1 - t1) * y1 * (1.0 - y1)
        d2 = (y2 - t2) * y2 * (1.0 - y2)
        n5, n6, n7, n8 = w5 - lr * d1 * h1, w6 - lr * d1 * h2, w7 - lr * d2 * h1, w8 - lr * d2 * h2
        if sequential:
            w5, w6, w7, w8 = n5, n6, n7, n8
        e1 = (w5 * d1 + w7 * d2) * h1 * (1.0 - h1)
        e2 = (w6 * d1 + w8 * d2) * h2 * (1.0 - h2)
        w1, w2, w3, w4 = w1 - lr * e1 * x1, w2 - lr * e1 * x2, w3 - lr * e2 * x1, w4 - lr * e2 * x2
        w5, w6, w7, w8 = n5, n6, n7, n8
    return np.array([[w1, w2], [w3, w4]]), np.array([[w5, w6], [w7, w8]])


def main(argv=None) -> int:
    parser = cli.ArgumentParser("bench_training", __doc__)
    parser.add_argument("--iterations", type=lambda s: cli.whole_number(s, 1, 10_000_000), default=100_000,
                        help="iterations per run (default 100,000)")
    parser.add_argument("--repeat", type=lambda s: cli.whole_number(s, 1, 100), default=5,
                        help="rounds; the best time of each counts (default 5)")
    record.add_update(parser, "bench_training")
    args = parser.parse_args(argv)
    return record.run("bench_training", args, argv, lambda: measure(args))


def measure(args) -> int:
    """The measurement and its report, on stdout."""
    n = args.iterations
    print(f"{platform.processor() or platform.machine()}, Python {platform.python_version()}, NumPy {np.__version__}")
    print(f"{n:,} iterations, best of {args.repeat} interleaved rounds; µs per iteration; "
          "ratios = train() / the plain-float loop (goal: 1.5 and 3) and / the NumPy loop")  # fmt: skip
    sides = ("plain floats", "NumPy", "no recording", "full recording")
    runs = {}
    for method in ("sequential", "parallel"):
        sequential = method == "sequential"
        runs[method, "plain floats"] = lambda sequential=sequential: plain_float_loop(n, sequential)
        runs[method, "NumPy"] = lambda sequential=sequential: reference_loop(n, sequential)
        runs[method, "no recording"] = lambda method=method: training.train(method, n, record_every=0)
        runs[method, "full recording"] = lambda method=method: training.train(method, n)
        runs[method, "3-4-2"] = lambda method=method: general_training.train(EXERCISE_3_4_2, method, n)
    best = dict.fromkeys(runs, float("inf"))
    results = {}
    for _ in range(args.repeat):  # interleaved, so that a busy moment of the machine hits every side
        for key, run in runs.items():
            start = time.perf_counter()
            results[key] = run()
            best[key] = min(best[key], time.perf_counter() - start)
    print(f"{'method':<11} {'plain floats':>12} {'NumPy':>6} {'no recording':>13} {'/floats':>8} {'/NumPy':>7} "
          f"{'full recording':>15} {'/floats':>8} {'/NumPy':>7}")  # fmt: skip
    for method in ("sequential", "parallel"):
        # Same numbers, not just same speed: the reference loops are the same update.
        t = results[method, "no recording"]
        for reference in ("plain floats", "NumPy"):
            w1, w2 = results[method, reference]
            assert np.allclose(t.w1[-1], w1, rtol=0, atol=1e-12) and np.allclose(t.w2[-1], w2, rtol=0, atol=1e-12)
        floats, numpy_loop, bare, full = (best[method, side] / n * 1e6 for side in sides)
        print(f"{method:<11} {floats:12.2f} {numpy_loop:6.2f} {bare:13.2f} {bare / floats:8.2f} "
              f"{bare / numpy_loop:7.2f} {full:15.2f} {full / floats:8.2f} {full / numpy_loop:7.2f}")  # fmt: skip
    print("any shape (general_training.py): a 3-4-2 exercise, two training examples summed, sigmoid layers, "
          "per-neuron biases; ratio = its time per update / the 2-2-2 train() without recording (goal: 3)")
    for method in ("sequential", "parallel"):
        general, bare = best[method, "3-4-2"] / n * 1e6, best[method, "no recording"] / n * 1e6
        print(f"{method:<11} 3-4-2 ×2 {general:6.2f} µs  2-2-2 {bare:6.2f} µs  ratio {general / bare:5.2f}")


if __name__ == "__main__":
    cli.run(main, "bench_training")
