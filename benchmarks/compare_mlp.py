"""The layered engine (mlp.py) against scikit-learn's MLPRegressor (and PyTorch on the CPU when installed), in one run.

Same task (the function data set, seed 0), same architecture (3-32-16-1, tanh, linear
output), batch 32, float64, the same initial weights (Glorot-uniform from layered.Network,
biases 0) and, for scikit-learn, the same batch order: scikit-learn shuffles with a
RandomState(seed) every epoch, and this engine is handed the very same permutations.
PyTorch gets them too. Loss: ½ × mean squared error over the batch everywhere
(scikit-learn's); Adam with η = 0.001 (every library's default), SGD with η = 0.05.

Seconds are training time only: each library trains one epoch at a time, in turn with
the others (so that a busy machine slows all alike), and the test MSE is measured between
epochs, outside the clock. Time per epoch is the median over
all epochs and seeds; epochs and seconds to a threshold are the first epoch whose test
MSE is at or below it, median over the seeds (a seed that never gets there counts as
not reached). Ratios are this engine ÷ the library, measured in this run.

    python -m benchmarks.compare_mlp                       # 3 seeds, Adam to 1e-4, SGD for 20 epochs
    python -m benchmarks.compare_mlp --seeds 0 --adam-epochs 100
    python -m benchmarks.compare_mlp --update docs/speed.md    # also into its block of docs/speed.md
"""

from __future__ import annotations

import platform
import statistics
import sys
import time
import warnings

import numpy as np

from backprop import cli, datasets, layered, optimizers
from benchmarks import record

SIZES, BATCH, THRESHOLDS = [3, 32, 16, 1], 32, (1e-3, 1e-4)
LEARNING_RATES = {"sgd": 0.05, "adam": 0.001}


def sklearn_permutations(seed: int, n: int, epochs: int) -> list[np.ndarray]:
    """The sample order of each epoch of MLPRegressor(shuffle=True, random_state=RandomState(seed)).partial_fit.

    Each partial_fit call shuffles the rows it is given, in their original order, with the
    one RandomState: a fresh permutation of 0..n−1 per epoch, not a shuffle of the last one.
    """
    from sklearn.utils import shuffle

    state = np.random.RandomState(seed)
    return [shuffle(np.arange(n), random_state=state) for _ in range(epochs)]


def engine_runner(optimizer, start, data):
    """A function that trains one epoch in the given order and returns (seconds, test MSE)."""
    net = layered.Network(SIZES, "tanh", "linear", weights=start[0], biases=start[1])
    trainer = layered.Trainer(net, optimizers.make_optimizer(optimizer, net.params.size, LEARNING_RATES[optimizer]))
    X, y = data.X_train, data.y_train

    def epoch(order):
        began = time.perf_counter()
        X_epoch, y_epoch = X[order], y[order]  # what layered.train does in an epoch
        for i in range(0, len(X), BATCH):
            trainer.step(X_epoch[i : i + BATCH], y_epoch[i : i + BATCH])
        seconds = time.perf_counter() - began
        return seconds, layered.mse(net, data.X_test, data.y_test)

    return epoch


def sklearn_runner(optimizer, start, data, seed):
    from sklearn.neural_network import MLPRegressor

    class GivenStart(MLPRegressor):
        def _init_coef(self, fan_in, fan_out, dtype):
            layer = len(self.coefs_)
            return start[0][layer].copy(), start[1][layer].copy()

    model = GivenStart(
        hidden_layer_sizes=tuple(SIZES[1:-1]), activation="tanh", solver=optimizer, alpha=0.0, batch_size=BATCH,
        learning_rate_init=LEARNING_RATES[optimizer], momentum=0.0, nesterovs_momentum=False, shuffle=True,
        random_state=np.random.RandomState(seed),  # an instance, so that each partial_fit shuffles anew
    )  # fmt: skip
    y = data.y_train.ravel()

    def epoch(order):  # scikit-learn draws the same order itself
        began = time.perf_counter()
        model.partial_fit(data.X_train, y)
        seconds = time.perf_counter() - began
        return seconds, float(np.mean((model.predict(data.X_test) - data.y_test.ravel()) ** 2))

    return epoch


def torch_runner(optimizer, start, data):
    import torch

    torch.set_num_threads(1)  # steadier than two threads on 32-row batches: with two, some epochs took 5× the median
    layers = []
    for i, (w, b) in enumerate(zip(*start, strict=True)):
        linear = torch.nn.Linear(*w.shape, dtype=torch.float64)
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(w.T))  # PyTorch keeps (fan_out, fan_in)
            linear.bias.copy_(torch.from_numpy(b))
        layers += [linear] + ([torch.nn.Tanh()] if i < len(start[0]) - 1 else [])
    model = torch.nn.Sequential(*layers)
    opt_class = torch.optim.SGD if optimizer == "sgd" else torch.optim.Adam
    opt = opt_class(model.parameters(), lr=LEARNING_RATES[optimizer])
    X, y = torch.from_numpy(data.X_train), torch.from_numpy(data.y_train)
    X_test, y_test = torch.from_numpy(data.X_test), torch.from_numpy(data.y_test)

    def epoch(order):
        began = time.perf_counter()
        index = torch.from_numpy(order)
        X_epoch, y_epoch = X[index], y[index]
        for i in range(0, len(X), BATCH):
            opt.zero_grad()
            loss = 0.5 * torch.mean((model(X_epoch[i : i + BATCH]) - y_epoch[i : i + BATCH]) ** 2)
            loss.backward()
            opt.step()
        seconds = time.perf_counter() - began
        with torch.no_grad():
            return seconds, float(torch.mean((model(X_test) - y_test) ** 2))

    return epoch


def race(runners, orders):
    """Train every runner epoch by epoch in turn (so that the machine's load falls on all alike),
    each until its test MSE reaches the last threshold or the orders run out: {name: (times, mses)}."""
    results = {name: ([], []) for name in runners}
    active = list(runners)
    for k, order in enumerate(orders):
        for name in active[k % len(active) :] + active[: k % len(active)]:  # rotate who goes first
            seconds, mse = runners[name](order)
            results[name][0].append(seconds), results[name][1].append(mse)
        active = [name for name in active if results[name][1][-1] > THRESHOLDS[-1]]
        if not active:
            break
    return results


def reached(times, mses, threshold):
    """(epochs, seconds) at the first epoch with test MSE <= threshold, or None."""
    for epoch, mse in enumerate(mses, start=1):
        if mse <= threshold:
            return epoch, sum(times[:epoch])
    return None


def summarise(runs):
    """Per library: median time per epoch, medians to each threshold, median final MSE."""
    row = {"epoch_ms": 1e3 * statistics.median(t for times, _ in runs for t in times)}
    for threshold in THRESHOLDS:
        hits = [reached(times, mses, threshold) for times, mses in runs]
        if all(hits):
            row[threshold] = (statistics.median(h[0] for h in hits), statistics.median(h[1] for h in hits))
        else:
            row[threshold] = None
    row["final"] = statistics.median(mses[-1] for _, mses in runs)
    return row


def seed_list(text: str) -> list[int]:
    """--seeds 0,1,2: whole numbers, comma-separated."""
    return [cli.whole_number(part, 0, 2**32 - 1) for part in text.split(",")]


def main(argv=None) -> int:
    parser = cli.ArgumentParser("compare_mlp", __doc__)
    parser.add_argument("--seeds", type=seed_list, default=[0, 1, 2],
                        help="comma-separated seeds of the initial weights and order")
    parser.add_argument("--adam-epochs", type=lambda s: cli.whole_number(s, 1, 100_000), default=600,
                        help="epoch limit of the Adam runs (default 600)")
    parser.add_argument("--sgd-epochs", type=lambda s: cli.whole_number(s, 1, 100_000), default=20,
                        help="epochs of the SGD runs (default 20)")
    record.add_update(parser, "compare_mlp")
    args = parser.parse_args(argv)
    return record.run("compare_mlp", args, argv, lambda: measure(args))


def measure(args) -> int:
    """The measurement and its report, on stdout."""
    seeds = args.seeds
    try:
        import sklearn
    except ImportError:
        print("compare_mlp.py: needs scikit-learn: pip install scikit-learn", file=sys.stderr)
        return 1
    try:
        import torch

        torch_version = torch.__version__
    except ImportError:
        torch_version = None
    data = datasets.function_data(0)
    libraries = ["this engine", "scikit-learn"] + (["PyTorch"] if torch_version else [])
    results = {}
    warnings.simplefilter("ignore")
    for optimizer, epochs in (("sgd", args.sgd_epochs), ("adam", args.adam_epochs)):
        runs = {name: [] for name in libraries}
        for seed in seeds:
            net = layered.Network(SIZES, "tanh", "linear", rng=seed)
            start = ([w.copy() for w in net.weights], [b.copy() for b in net.biases])
            runners = {"this engine": engine_runner(optimizer, start, data),
                       "scikit-learn": sklearn_runner(optimizer, start, data, seed)}  # fmt: skip
            if torch_version:
                runners["PyTorch"] = torch_runner(optimizer, start, data)
            began = time.perf_counter()
            epochs_run = []
            for name, run in race(runners, sklearn_permutations(seed, len(data.X_train), epochs)).items():
                runs[name].append(run)
                epochs_run.append(f"{name} {len(run[1])}")
            print(f"{optimizer}, seed {seed}: {time.perf_counter() - began:.1f} s; epochs: {', '.join(epochs_run)}",
                  file=sys.stderr, flush=True)  # fmt: skip
        results[optimizer] = {name: summarise(r) for name, r in runs.items()}
        if optimizer == "sgd":  # the same algorithm, start and order: the paths must coincide
            gap = max(abs(a / b - 1) for (_, mine), (_, theirs) in zip(runs["this engine"], runs["scikit-learn"],
                      strict=True) for a, b in zip(mine, theirs, strict=True))  # fmt: skip
            print(f"sgd: largest relative difference of the test MSE, this engine against scikit-learn, over every "
                  f"epoch and seed: {gap:.1e}", file=sys.stderr, flush=True)  # fmt: skip

    print(f"python {platform.python_version()}, numpy {np.__version__}, scikit-learn {sklearn.__version__}, "
          f"PyTorch {torch_version or 'not installed'}; {platform.machine()}; seeds {','.join(map(str, seeds))}; "
          f"medians; ratio = this engine ÷ the library")  # fmt: skip
    print()
    print("| optimizer | library | ms per epoch | ratio | epochs to 1e-3 | s to 1e-3 | ratio "
          "| epochs to 1e-4 | s to 1e-4 | ratio | final test MSE |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for optimizer, rows in results.items():
        mine = rows["this engine"]
        for name, row in rows.items():
            cells = [optimizer, name, f"{row['epoch_ms']:.1f}", f"{mine['epoch_ms'] / row['epoch_ms']:.2f}"]
            for threshold in THRESHOLDS:
                if row[threshold] is None:
                    cells += ["not reached", "", ""]
                else:
                    ratio = f"{mine[threshold][1] / row[threshold][1]:.2f}" if mine[threshold] else ""
                    cells += [f"{row[threshold][0]:g}", f"{row[threshold][1]:.2f}", ratio]
            cells.append(f"{row['final']:.2e}")
            print("| " + " | ".join(cells) + " |")
    print()
    goals = [
        ("time per epoch, SGD", results["sgd"], "epoch_ms", 0.25),
        ("time per epoch, Adam", results["adam"], "epoch_ms", 0.35),
        ("seconds to test MSE ≤ 1e-4, Adam", results["adam"], 1e-4, 0.35),
    ]
    for label, rows, key, goal in goals:
        mine, theirs = rows["this engine"][key], rows["scikit-learn"][key]
        if mine is None or theirs is None:
            print(f"goal: {label}: not measured (a run did not reach the threshold)")
            continue
        mine, theirs = (mine, theirs) if key == "epoch_ms" else (mine[1], theirs[1])
        ratio = mine / theirs
        print(f"goal: {label} at most {goal}× scikit-learn's: {ratio:.2f}× {'met' if ratio <= goal else 'NOT met'}")
    return 0


if __name__ == "__main__":
    cli.run(main, "compare_mlp")
