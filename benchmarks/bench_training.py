"""Microseconds per training iteration of the 2-2-2 scripts, against a reference loop.

The reference loop is the plainest NumPy formulation of the same update: np.outer,
@ and np.exp on 2-vectors, new arrays every step, no recording. Ratios are
train() time / reference time, measured in the same run (best of --repeat).

    python benchmarks/bench_training.py                 # 100,000 iterations
    python benchmarks/bench_training.py --iterations 20000 --repeat 5
"""

import argparse
import platform
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import ann_numpy  # noqa: E402
import ann_numpy_original  # noqa: E402
import mazur  # noqa: E402


def reference_loop(iterations, sequential, lr=0.5):
    x, t = mazur.INPUT, mazur.TARGET
    w1, w2 = mazur.W1_INIT.copy(), mazur.W2_INIT.copy()
    b1, b2 = mazur.B1_INIT, mazur.B2_INIT
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


def best_time(fn, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--iterations", type=int, default=100_000, help="iterations per run (default 100,000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; the best counts (default 3)")
    args = parser.parse_args()
    n = args.iterations
    print(f"{platform.processor() or platform.machine()}, Python {platform.python_version()}, NumPy {np.__version__}")
    print(f"{n:,} iterations, best of {args.repeat}; µs per iteration; ratio = train() / reference loop")
    print(f"{'method':<11} {'reference':>10} {'no recording':>13} {'ratio':>6} {'full recording':>15} {'ratio':>6}")
    for method, module in (("sequential", ann_numpy), ("parallel", ann_numpy_original)):
        sequential, train = method == "sequential", module.train
        ref, (w1, w2) = best_time(lambda: reference_loop(n, sequential), args.repeat)  # noqa: B023
        bare, t = best_time(lambda: train(n, record_every=0), args.repeat)  # noqa: B023
        full, _ = best_time(lambda: train(n), args.repeat)  # noqa: B023
        # Same numbers, not just same speed: the reference loop is the same update.
        assert np.allclose(t.w1[-1], w1, rtol=0, atol=1e-12) and np.allclose(t.w2[-1], w2, rtol=0, atol=1e-12)
        us = lambda s: s / n * 1e6
        print(f"{method:<11} {us(ref):10.2f} {us(bare):13.2f} {bare / ref:6.2f} {us(full):15.2f} {full / ref:6.2f}")


if __name__ == "__main__":
    main()
