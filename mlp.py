"""Train a fully connected network of any depth with hand-written backpropagation.

The 2-2-2 worked example carried to any layer sizes, mini-batches and real data: the
engine is backprop/layered.py (shapes and formulas in its docstring), the optimizers
backprop/optimizers.py, the data sets backprop/datasets.py.

Counting: epoch N is the state after N passes over the training data; epoch 0 is the
initial weights.

examples:
  python mlp.py                                   # the seed task: 3-32-16-1 tanh, Adam, to test MSE 1e-4
  python mlp.py --optimizer sgd --learning-rate 0.05 --epochs 50
  python mlp.py --layers 3,64,1 --activation relu --plot curves.png
  python mlp.py --dataset diabetes --json         # needs scikit-learn (its bundled data, no download)
"""

import backprop.startup  # noqa: F401  first of all: Ctrl-C during the imports below is one line, status 130

# isort: split
import argparse
import json
import math

import numpy as np

from backprop import cli, datasets, files, layered, optimizers, progress
from backprop.training import TrainingDiverged

PROG = "mlp.py"
DEFAULTS = {  # data set: layer sizes, epoch limit, target test MSE (0: none)
    "function": ("3,32,16,1", 1000, 1e-4),
    "diabetes": ("10,16,1", 200, 0.0),
}
LEARNING_RATES = {"adam": 0.001, "sgd": 0.05}
MAX_WIDTH, MAX_PARAMETERS, MAX_EPOCHS = 4_096, 10_000_000, 1_000_000  # beyond: too large to run here
# Memory. A batch of m rows takes a Workspace of 8 B × m × (Σ (size + 1) over the layers' inputs
# + 3 × Σ size over their outputs), m up to 10,000 (the function data's training rows); the MSE
# after each epoch runs forward over all training rows at once (a second Workspace, of which
# the inputs and zs are written). The width and parameter caps alone do not bound this:
# 3,4096,1,4096,1,… passes both with 31 layers of 4,096. With at most MAX_SIZES = 64 sizes,
# MAX_HIDDEN_UNITS = 4,096 hidden units in all (one layer of MAX_WIDTH), and the ≤ 10 inputs and
# 1 output that main() then requires, a row takes at most (10 + 4,096 + 63) + 3 × (4,096 + 1)
# = 16,460 doubles, 132 kB: 1.3 GB at batch 10,000 and 4.2 MB at batch 32, plus, for the MSE,
# (4,169 + 4,097) × 8 B × 10,000 = 0.66 GB: about what the widest single layer, 3,4096,1,
# already needs. Measured peak memory of `mlp.py --epochs 1`: 0.67 GB for 3,4096,1 at batch 32;
# with --batch-size 10000, 1.9 GB for 3,4096,1 and for 62 layers of 66, 2.1 GB for
# 3,2048,2048,1. Not well under 1 GB at the largest batch: only a smaller MAX_WIDTH gives that.
MAX_SIZES, MAX_HIDDEN_UNITS = 64, 4_096


def layer_sizes(text: str) -> list[int]:
    """--layers: whole numbers >= 1 separated by commas, at least two (inputs and outputs), at most
    MAX_SIZES, each at most MAX_WIDTH, with at most MAX_HIDDEN_UNITS hidden units and MAX_PARAMETERS
    weights and biases in all."""

    def short(s: str, n: int) -> str:  # an error is one readable line, even for 20,000 sizes
        return repr(s) if len(s) <= n else repr(s[:n]) + "…"

    shown, parts = short(text, 60), text.split(",")
    if len(parts) > MAX_SIZES:
        raise argparse.ArgumentTypeError(f"{shown}: {len(parts):,} sizes; at most {MAX_SIZES} (inputs, "
                                         f"{MAX_SIZES - 2} hidden layers, outputs)")  # fmt: skip
    sizes = []
    for part in parts:
        try:
            size = int(part)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{shown}: {short(part, 20)} is not a layer size; give whole numbers separated by commas, "
                "e.g. 3,32,16,1"
            ) from None
        if not 1 <= size <= MAX_WIDTH:
            shown_size = size if len(part) <= 20 else short(part, 20)
            raise argparse.ArgumentTypeError(f"{shown}: layer size {shown_size} is outside 1..{MAX_WIDTH:,}")
        sizes.append(size)
    if len(sizes) < 2:
        raise argparse.ArgumentTypeError(f"{shown}: a network needs at least two sizes, inputs and outputs")
    if sum(sizes[1:-1]) > MAX_HIDDEN_UNITS:
        raise argparse.ArgumentTypeError(f"{shown}: {sum(sizes[1:-1]):,} hidden units in all; at most "
                                         f"{MAX_HIDDEN_UNITS:,}")  # fmt: skip
    if sum((i + 1) * o for i, o in zip(sizes, sizes[1:], strict=False)) > MAX_PARAMETERS:
        raise argparse.ArgumentTypeError(f"{shown}: more than {MAX_PARAMETERS:,} parameters")
    return sizes


def parser() -> cli.ArgumentParser:
    p = cli.ArgumentParser(PROG, __doc__)
    add = p.add_argument
    add("--dataset", choices=datasets.NAMES, default="function",
        help="function: the seed task (default); diabetes: scikit-learn's bundled data (needs scikit-learn)")
    add("--layers", type=layer_sizes, metavar="SIZES",
        help="layer sizes from inputs to outputs (default 3,32,16,1 for function, 10,16,1 for diabetes)")
    add("--activation", choices=layered.HIDDEN_ACTIVATIONS, default="tanh", help="hidden activation (default tanh)")
    add("--output", choices=layered.OUTPUT_ACTIVATIONS, default="linear", help="output activation (default linear)")
    add("--init", choices=layered.INITS, default="glorot",
        help="initial weights: glorot (uniform, default) or he (normal), biases 0; uniform: U(−1, 1) for all")
    add("--fixed-biases", action="store_true", help="keep the biases at their initial values (not trained)")
    add("--optimizer", choices=tuple(optimizers.OPTIMIZERS), default="adam", help="sgd or adam (default adam)")
    add("--learning-rate", type=cli.positive_real, metavar="ETA",
        help="learning rate η, positive and finite (default 0.001 for adam, as scikit-learn; 0.05 for sgd)")
    add("--batch-size", type=cli.positive_count, default=32, metavar="B",
        help="rows per mini-batch, from 1 to the number of training rows (default 32)")
    add("--epochs", type=lambda s: cli.whole_number(s, 0, MAX_EPOCHS), metavar="N",
        help="most passes over the training data (default 1000 for function, 200 for diabetes)")
    add("--target-mse", type=cli.non_negative_real, metavar="MSE",
        help="stop once the test MSE is at most this; 0 trains every epoch (default 1e-4 for function, 0 for "
             "diabetes)")
    add("--loss", choices=tuple(layered.LOSSES), default="half-mse",
        help="half-mse: ½ × mean over the batch's rows (scikit-learn's, default); half-sse: ½ × sum (the tutorials')")
    add("--order", choices=layered.ORDERS, default="parallel",
        help="parallel: all gradients, then all updates (gradient descent, default); sequential: last layer "
             "first, each lower delta taken with the updated weights above")
    add("--seed", type=lambda s: cli.whole_number(s, 0, 2**32 - 1), default=0,
        help="seed of the data, the initial weights and the batch order (default 0)")
    add("--json", action="store_true", help="print one JSON document instead of text")
    add("--quiet", action="store_true", help=progress.QUIET_HELP)
    add("--plot", metavar="PATH", type=cli.path,
        help="also save the learning curves (MSE per epoch, log scale) as .png, .svg or .pdf")
    return p  # fmt: skip


def main(argv=None) -> int:
    p = parser()
    args = p.parse_args(argv)
    default_layers, default_epochs, default_target = DEFAULTS[args.dataset]
    sizes = args.layers or layer_sizes(default_layers)
    epochs = default_epochs if args.epochs is None else args.epochs
    target = default_target if args.target_mse is None else args.target_mse
    learning_rate = args.learning_rate or LEARNING_RATES[args.optimizer]
    if args.plot:
        if plot_format(args.plot) not in ("png", "svg", "pdf"):
            p.error(f"argument --plot: {args.plot!r} does not end in .png, .svg or .pdf")
        reason = files.why_unwritable(args.plot)  # checked before training
        if reason:
            return cli.fail(PROG, f"cannot write {args.plot}: {reason}")
    try:
        data = datasets.load(args.dataset, args.seed)
    except datasets.MissingDependency as exc:
        return cli.fail(PROG, str(exc))
    if sizes[0] != data.n_features or sizes[-1] != 1:
        p.error(f"argument --layers: the {args.dataset} data set needs {data.n_features} inputs and 1 output, "
                f"not {sizes[0]} and {sizes[-1]}")  # fmt: skip
    if args.batch_size > len(data.X_train):
        p.error(f"argument --batch-size: {args.batch_size} is more than the {len(data.X_train):,} training rows")

    seeds = np.random.SeedSequence(args.seed).spawn(2)  # initial weights, batch order
    net = layered.Network(sizes, args.activation, args.output, init=args.init, rng=np.random.default_rng(seeds[0]),
                          train_biases=not args.fixed_biases)  # fmt: skip
    optimizer = optimizers.make_optimizer(args.optimizer, net.params.size, learning_rate)
    scale = data.y_scale**2  # MSE in the data's own units
    settings = {
        "data": data.description,
        "network": f"{net.describe()}, {args.init} init (seed {args.seed})",
        "training": f"{args.optimizer}, learning rate {learning_rate:g}, batch {args.batch_size}, loss {args.loss}: "
        f"{layered.LOSSES[args.loss]}, {args.order} order, up to {epochs:,} epochs"
        + (f", stopping at test MSE ≤ {target:g}" if target else ""),
    }

    try:
        with progress.bar(epochs, "epoch", quiet=args.quiet) as bar:  # on a terminal only

            def on_epoch(epoch, net, history):
                bar.note(f"train MSE {history.train_mse[-1] * scale:.4e}, test MSE "
                         f"{history.validation_mse[-1] * scale:.4e}")  # fmt: skip
                bar.to(epoch)

            history = layered.train(
                net, data.X_train, data.y_train, optimizer, epochs=epochs, batch_size=args.batch_size,
                loss=args.loss, order=args.order, rng=np.random.default_rng(seeds[1]),
                validation=(data.X_test, data.y_test), target_mse=(target / scale) if target else None,
                on_epoch=None if isinstance(bar, progress.Silent) else on_epoch,
            )  # fmt: skip
    except TrainingDiverged as exc:
        return cli.fail(PROG, str(exc))
    if args.plot:
        from backprop import plotting  # matplotlib, only when a plot is asked for

        fig = plotting.learning_curves(history, f"{args.dataset}: {'-'.join(map(str, sizes))} {args.activation}, "
                                       f"{args.optimizer} η = {learning_rate:g}, batch {args.batch_size}", target)
        try:
            files.atomic_write(args.plot, plotting.render(fig, plot_format(args.plot)))  # no dates or versions
        except OSError as exc:
            return cli.fail(PROG, f"cannot write {args.plot}: {exc.strerror or exc}")
    results = measured(history, scale, float(np.var(data.y_test)), target)
    if args.json:
        document = {**settings, "dataset": args.dataset, "layers": sizes, "activation": args.activation,
                    "output": args.output, "init": args.init, "biases_trained": not args.fixed_biases,
                    "optimizer": args.optimizer, "learning_rate": learning_rate, "batch_size": args.batch_size,
                    "loss": args.loss, "order": args.order, "seed": args.seed, "target_mse": target, **results}
        print(json.dumps(document, indent=2, ensure_ascii=False))
    else:
        print("\n".join(f"{key}: {value}" for key, value in settings.items()))
        print(results["outcome"])
        print(f"train MSE {results['train_mse']:.6g}  RMSE {results['train_rmse']:.6g}")
        print(f"test  MSE {results['test_mse']:.6g}  RMSE {results['test_rmse']:.6g}  R² {results['test_r2']:.6f}")
    return 0


def plot_format(path: str) -> str:
    """'png' for curves.png: the file name's extension, lower case ('' without one)."""
    return path.rsplit(".", 1)[-1].lower() if "." in path else ""


def measured(history: layered.History, scale: float, test_variance: float, target: float) -> dict:
    """What a run reports, in the data's units (MSE × scale): JSON's keys from "counting" on."""
    train_mse, test_mse = history.train_mse[-1] * scale, history.validation_mse[-1] * scale
    n, seconds = history.epochs, history.seconds[-1]
    if history.stopped == "target":
        outcome = f"reached test MSE ≤ {target:g} after {n:,} epochs in {seconds:.2f} s"
    elif target:
        outcome = f"did not reach test MSE ≤ {target:g}: stopped at the epoch limit, {n:,} epochs, {seconds:.2f} s"
    else:
        outcome = f"trained {n:,} epochs in {seconds:.2f} s"
    return {
        "counting": "epoch N is the state after N passes over the training data; epoch 0 is the initial weights",
        "epochs": n, "stopped": history.stopped, "seconds": seconds, "outcome": outcome,
        "train_mse": train_mse, "train_rmse": math.sqrt(train_mse),
        "test_mse": test_mse, "test_rmse": math.sqrt(test_mse),
        "test_r2": 1.0 - history.validation_mse[-1] / test_variance,
        "history": [
            {"epoch": e, "train_mse": tr * scale, "test_mse": te * scale, "seconds": s}
            for e, tr, te, s in zip(history.epoch, history.train_mse, history.validation_mse, history.seconds,
                                    strict=True)
        ],
    }  # fmt: skip


if __name__ == "__main__":
    cli.run(main, "mlp.py")
