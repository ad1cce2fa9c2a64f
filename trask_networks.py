"""Andrew Trask's two classic from-scratch nets ("A Neural Network in 11 lines of Python", 2015) on backprop/layered.py.

Both learn from four rows X = [[0,0,1], [0,1,1], [1,0,1], [1,1,1]] with sigmoid
neurons, no biases (the third input, always 1, plays that part), full-batch
gradient descent on E = ½ Σ (t − y)² with learning rate 1, and weights
2·U[0, 1) − 1 drawn from NumPy's legacy generator seeded 1 (np.random.seed(1)):

  two-layer    targets [0, 0, 1, 1], 3 → 1, 10,000 updates
  three-layer  targets [0, 1, 1, 0] (XOR of the first two inputs), 3 → 4 → 1, 60,000 updates

Counting, as in the post's loop: "Error" at iteration j is the mean absolute error at
the weights after j updates; the post prints the output of its loop's last forward
pass, which is taken before the last update, so it is the output after N − 1 updates.
Both are printed here: the post's line, then the output after all N updates.

examples:
  python trask_networks.py two-layer          # prints the post's [{two_layer}]
  python trask_networks.py three-layer        # the post's six "Error:" lines, then the output
  python trask_networks.py three-layer --seed 7
"""

from __future__ import annotations

import backprop.startup  # noqa: F401  first of all: Ctrl-C during the imports below is one line, status 130

# isort: split
from dataclasses import dataclass

import numpy as np

from backprop import cli, layered, optimizers, published

__doc__ = __doc__.format(two_layer=", ".join(published.TRASK_TWO_LAYER_OUTPUT))  # the figure from published.py

X = np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]], dtype=float)
NETS = {  # name: (hidden layer sizes, targets, updates)
    "two-layer": ([], np.array([[0, 0, 1, 1]], dtype=float).T, 10_000),
    "three-layer": ([4], np.array([[0, 1, 1, 0]], dtype=float).T, 60_000),
}
PRINT_EVERY = 10_000


@dataclass
class Run:
    errors: list[tuple[int, float]]  # (j, mean |t − y| after j updates) for j = 0, 10,000, ...
    output_before_last: np.ndarray  # after N − 1 updates: what the post prints
    output: np.ndarray  # after all N updates
    network: layered.Network


def initial_weights(sizes, seed: int) -> list[np.ndarray]:
    """syn0, syn1, ... = 2 * np.random.random((fan_in, fan_out)) − 1 after np.random.seed(seed)."""
    generator = np.random.RandomState(seed)  # the legacy generator behind np.random.seed
    shapes = zip(sizes, sizes[1:], strict=False)
    return [2 * generator.random_sample(shape) - 1 for shape in shapes]


def train(name: str, seed: int = 1, updates: int | None = None) -> Run:
    hidden, t, default_updates = NETS[name]
    updates = default_updates if updates is None else updates
    sizes = [X.shape[1], *hidden, 1]
    weights = initial_weights(sizes, seed)
    net = layered.Network(sizes, "sigmoid", "sigmoid", train_biases=False, weights=weights, biases=[0.0] * len(weights))
    # Trask's syn += l.T · (error ⊙ σ') is W ← W − 1 · ∂E/∂W for E = ½ Σ (t − y)²: plain SGD, η = 1.
    trainer = layered.Trainer(net, optimizers.SGD(net.params.size, 1.0), loss="half-sse", order="parallel")
    errors, before_last, j = [], layered.predict(net, X).copy(), 0
    try:
        for j in range(updates):
            if j % PRINT_EVERY == 0 or j == updates - 1:
                y = layered.predict(net, X)
                if j % PRINT_EVERY == 0:
                    errors.append((j, float(np.mean(np.abs(t - y)))))
                before_last = y.copy()
            trainer.step(X, t)
    except KeyboardInterrupt as stop:  # Ctrl-C or SIGTERM: say how far training got
        stop.where = f"update {j:,}"
        raise
    return Run(errors, before_last, layered.predict(net, X), net)


def column(a: np.ndarray) -> str:
    """A (4, 1) array as the post prints it, 8 decimals."""
    return np.array2string(a, precision=8, floatmode="fixed")


def main(argv=None) -> int:
    parser = cli.ArgumentParser("trask_networks.py", __doc__)
    parser.add_argument("net", choices=tuple(NETS), help="which of the post's two nets to train")
    parser.add_argument(
        "--seed", type=lambda s: cli.whole_number(s, 0, 2**32 - 1), default=1,
        help="seed of NumPy's legacy generator for the initial weights (default 1, the post's)",
    )  # fmt: skip
    parser.add_argument(
        "--updates", type=lambda s: cli.whole_number(s, 1, 10_000_000), default=None, metavar="N",
        help="number of full-batch updates (default 10,000 for two-layer, 60,000 for three-layer, the post's)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    hidden, t, default_updates = NETS[args.net]
    updates = args.updates or default_updates
    shape = " → ".join(map(str, [X.shape[1], *hidden, 1]))
    print(
        f"{args.net}: {shape} sigmoid, no biases, full batch of 4 rows, {updates:,} updates, learning rate 1, "
        f"E = ½ Σ (t − y)², weights 2·U[0, 1) − 1 from np.random.seed({args.seed})"
    )
    with np.errstate(all="ignore"):
        run = train(args.net, args.seed, updates)
    if args.net == "three-layer":
        for j, error in run.errors:
            print(f"Error:{error:.12g}    (mean |t − y| after {j:,} updates)")
    print(f"Output After Training (the post's line: after {updates - 1:,} updates, its loop's last forward pass):")
    print(column(run.output_before_last))
    print(f"output after all {updates:,} updates: {column(run.output.ravel())}")
    return 0


if __name__ == "__main__":
    cli.run(main, "trask_networks.py")
