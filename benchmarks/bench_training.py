"""Microseconds per training iteration of the 2-2-2 scripts, against a reference loop.

The reference loop is the plainest NumPy formulation of the same update: np.outer,
@ and np.exp on 2-vectors, new arrays every step, no recording. Ratios are
train() time / reference time, measured in the same run: the three sides take turns, and
the best of --repeat rounds counts.

    python -m benchmarks.bench_training                 # 100,000 iterations, from the project's root
    python -m benchmarks.bench_training --iterations 20000 --repeat 5
    python -m benchmarks.bench_training --update docs/speed.md    # also into its block of docs/speed.md
"""

import platform
import time

import numpy as np

from backprop import cli, training
from backprop.worked_example import B1_INIT, B2_INIT, INPUT, TARGET, W1_INIT, W2_INIT
from benchmarks import record


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
          "ratio = train() / reference loop")  # fmt: skip
    runs = {}
    for method in ("sequential", "parallel"):
        runs[method, "reference"] = lambda method=method: reference_loop(n, method == "sequential")
        runs[method, "no recording"] = lambda method=method: training.train(method, n, record_every=0)
        runs[method, "full recording"] = lambda method=method: training.train(method, n)
    best = dict.fromkeys(runs, float("inf"))
    results = {}
    for _ in range(args.repeat):  # interleaved, so that a busy moment of the machine hits every side
        for key, run in runs.items():
            start = time.perf_counter()
            results[key] = run()
            best[key] = min(best[key], time.perf_counter() - start)
    print(f"{'method':<11} {'reference':>10} {'no recording':>13} {'ratio':>6} {'full recording':>15} {'ratio':>6}")
    for method in ("sequential", "parallel"):
        # Same numbers, not just same speed: the reference loop is the same update.
        (w1, w2), t = results[method, "reference"], results[method, "no recording"]
        assert np.allclose(t.w1[-1], w1, rtol=0, atol=1e-12) and np.allclose(t.w2[-1], w2, rtol=0, atol=1e-12)
        ref, bare, full = (best[method, side] / n * 1e6 for side in ("reference", "no recording", "full recording"))
        print(f"{method:<11} {ref:10.2f} {bare:13.2f} {bare / ref:6.2f} {full:15.2f} {full / ref:6.2f}")


if __name__ == "__main__":
    cli.run(main, "bench_training")
