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

import numpy as np

from backprop import cli, datasets, files, layered, mlp_report, optimizers, progress
from backprop.training import TrainingDiverged

PROG = "mlp.py"
DEFAULTS = {  # data set: layer sizes, epoch limit, target test MSE (0: none)
    "function": ("3,32,16,1", 1000, 1e-4),
    "diabetes": ("10,16,1", 200, 0.0),
}
LEARNING_RATES = {"adam": 0.001, "sgd": 0.05}
MAX_WIDTH, MAX_PARAMETERS, MAX_EPOCHS = 4_096, 10_000_000, 1_000_000  # beyond: too large to run here
# With MAX_SIZES and MAX_HIDDEN_UNITS the memory of a run is bounded: docs/speed.md, "mlp.py's size caps".
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
             "first, each lower delta taken with the updated weights above; alternating: each layer's step, "
             "top down, with the layers above recomputed at their new weights (block-coordinate descent)")
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
        if mlp_report.plot_format(args.plot) not in ("png", "svg", "pdf"):
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
            rendered = plotting.render(fig, mlp_report.plot_format(args.plot))  # no dates or versions
            files.atomic_write(args.plot, rendered)
        except OSError as exc:
            return cli.fail(PROG, f"cannot write {args.plot}: {exc.strerror or exc}")
    results = mlp_report.measured(history, scale, float(np.var(data.y_test)), target)
    if args.json:
        document = {**settings, "dataset": args.dataset, "layers": sizes, "activation": args.activation,
                    "output": args.output, "init": args.init, "biases_trained": not args.fixed_biases,
                    "optimizer": args.optimizer, "learning_rate": learning_rate, "batch_size": args.batch_size,
                    "loss": args.loss, "order": args.order, "seed": args.seed, "target_mse": target, **results}
        print(json.dumps(document, indent=2, ensure_ascii=False))
    else:
        print(mlp_report.text(settings, results))
    return 0


if __name__ == "__main__":
    cli.run(main, "mlp.py")
