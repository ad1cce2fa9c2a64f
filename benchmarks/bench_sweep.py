"""Throughput of the batched engine (backprop/batched.py): network-updates per second (issue 12).

In one run: K = 10^4 networks with 1 and 2 workers (goal: at least 3e7 with the better one)
and K = 10^5 with 2 workers (goal: at least 4.5e7); ns per network-update against train()'s
time per update (goal: at most 1/300 of it); against PyTorch doing the same batched
parallel update without autograd, in the same layout, when PyTorch is installed (goal:
faster); and how throughput grows with K, from 10 to 10^6, with 1 and 2 workers. Every
measurement trains the post's network at η = 0.5 in the parallel order, float64, the four
thresholds recorded; the best of --repeat runs counts. The machine may be shared: absolute
numbers drift, the ratios in one run are the measurement.

    python -m benchmarks.bench_sweep                  # from the project's root
    python -m benchmarks.bench_sweep --repeat 5 --quick
    python -m benchmarks.bench_sweep --update docs/speed.md    # also into its block of docs/speed.md
"""

import platform

import numpy as np

from backprop import batched, cli, training
from backprop.worked_example import B1_INIT, B2_INIT, INPUT, TARGET, W1_INIT, W2_INIT
from benchmarks import record
from benchmarks.bench_scripts import best


def updates_for(k: int) -> int:
    """Updates per measurement: about 2×10^7 network-updates, at least 50 updates."""
    return max(50, min(20_000, 20_000_000 // k))


def batched_rate(k: int, workers: int, repeat: int) -> float:
    n = updates_for(k)
    eta = np.full(k, 0.5)
    return k * n / best(lambda: batched.train_many(n, eta, workers=workers), repeat)


def torch_rate(k: int, repeat: int):
    """Network-updates per second of the same parallel update in PyTorch (no autograd, out= everywhere,
    structure of arrays), or None when PyTorch is not installed."""
    try:
        import torch
    except ImportError:
        return None
    torch.set_grad_enabled(False)
    f = dict(dtype=torch.float64)
    w = [torch.full((k,), float(v), **f) for v in (*W1_INIT.ravel(), *W2_INIT.ravel())]
    w1, w2, w3, w4, w5, w6, w7, w8 = w
    b1, b2 = torch.full((k,), B1_INIT, **f), torch.full((k,), B2_INIT, **f)
    i1, i2 = torch.full((k,), INPUT[0], **f), torch.full((k,), INPUT[1], **f)
    t1, t2 = torch.full((k,), TARGET[0], **f), torch.full((k,), TARGET[1], **f)
    eta = torch.full((k,), 0.5, **f)
    h1, h2, o1, o2, d1, d2, e1, e2, s, g = (torch.empty(k, **f) for _ in range(10))

    def sigmoid(net, out):
        torch.neg(net, out=out)
        torch.exp(out, out=out)
        torch.add(out, 1.0, out=out)
        torch.reciprocal(out, out=out)

    def run(n):
        for _ in range(n):
            for w_a, w_b, a, b, bias, out in ((w1, w2, i1, i2, b1, h1), (w3, w4, i1, i2, b1, h2)):
                torch.mul(w_a, a, out=s)
                torch.addcmul(s, w_b, b, out=s)
                torch.add(s, bias, out=s)
                sigmoid(s, out)
            for w_a, w_b, out in ((w5, w6, o1), (w7, w8, o2)):
                torch.mul(w_a, h1, out=s)
                torch.addcmul(s, w_b, h2, out=s)
                torch.add(s, b2, out=s)
                sigmoid(s, out)
            for o, t, d in ((o1, t1, d1), (o2, t2, d2)):  # delta_o = (o − t) o (1 − o)
                torch.sub(o, t, out=d)
                torch.rsub(o, 1.0, out=s)
                torch.mul(s, o, out=s)
                torch.mul(d, s, out=d)
            for wa, wb, h, e in ((w5, w7, h1, e1), (w6, w8, h2, e2)):  # delta_h with the old W2
                torch.mul(wa, d1, out=e)
                torch.addcmul(e, wb, d2, out=e)
                torch.rsub(h, 1.0, out=s)
                torch.mul(s, h, out=s)
                torch.mul(e, s, out=e)
            for weight, delta, a in ((w5, d1, h1), (w6, d1, h2), (w7, d2, h1), (w8, d2, h2),
                                     (w1, e1, i1), (w2, e1, i2), (w3, e2, i1), (w4, e2, i2)):  # fmt: skip
                torch.mul(delta, a, out=g)
                torch.mul(g, eta, out=g)
                torch.sub(weight, g, out=weight)
            torch.sub(o1, t1, out=s)  # the error, for the thresholds
            torch.mul(s, s, out=s)
            torch.sub(o2, t2, out=g)
            torch.addcmul(s, g, g, out=s)
            torch.le(s, 2e-4, out=torch.empty(k, dtype=torch.bool)).any()

    n = updates_for(k)
    return k * n / best(lambda: run(n), repeat), torch.__version__, torch.get_num_threads()


def main(argv=None) -> int:
    parser = cli.ArgumentParser("bench_sweep", __doc__)
    parser.add_argument("--repeat", type=lambda s: cli.whole_number(s, 1, 100), default=3,
                        help="runs per measurement; the best counts (default 3)")  # fmt: skip
    parser.add_argument("--quick", action="store_true", help="K up to 10^5 in the table of K (not 10^6)")
    record.add_update(parser, "bench_sweep")
    args = parser.parse_args(argv)
    return record.run("bench_sweep", args, argv, lambda: measure(args))


def measure(args) -> int:
    """The measurement and its report, on stdout."""
    r = args.repeat
    print(f"{platform.processor() or platform.machine()}, Python {platform.python_version()}, NumPy {np.__version__}, "
          f"{batched.default_workers()} cores; best of {r}; network-updates per second")  # fmt: skip

    train_time = best(lambda: training.train("parallel", 20_000, record_every=0), r) / 20_000
    print(f"train() (one network, nothing recorded): {train_time * 1e9:,.0f} ns per update, "
          f"{1 / train_time:.3g} updates per second")  # fmt: skip

    k4 = {w: batched_rate(10_000, w, r) for w in (1, 2)}
    best4 = max(k4.values())
    print(f"K = 10^4: 1 worker {k4[1]:.3g}, 2 workers {k4[2]:.3g}; best {best4:.3g} "
          f"(goal >= 3e7: {'met' if best4 >= 3e7 else 'not met'})")  # fmt: skip
    k5 = batched_rate(100_000, 2, r)
    print(f"K = 10^5, 2 workers: {k5:.3g} (goal >= 4.5e7: {'met' if k5 >= 4.5e7 else 'not met'})")
    per_update = 1e9 / best4
    print(f"ns per network-update at K = 10^4: {per_update:.2f}, = 1/{train_time * 1e9 / per_update:.0f} of "
          f"train()'s per-update time (goal: at most 1/300)")  # fmt: skip
    torch_result = torch_rate(10_000, r)
    if torch_result is None:
        print("PyTorch: not installed; comparison skipped")
    else:
        rate, version, threads = torch_result
        print(f"PyTorch {version} ({threads} threads), same update, K = 10^4: {rate:.3g}; the batched engine is "
              f"{best4 / rate:.2f} times as fast (goal: faster)")  # fmt: skip

    print(f"\n{'K':>9} {'1 worker':>12} {'2 workers':>12}")
    for k in (10, 100, 1_000, 10_000, 100_000) + (() if args.quick else (1_000_000,)):
        print(f"{k:>9,} {batched_rate(k, 1, r):12.3g} {batched_rate(k, 2, r):12.3g}", flush=True)
    return 0


if __name__ == "__main__":
    cli.run(main, "bench_sweep")
