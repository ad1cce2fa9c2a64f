"""The command line of the two 2-2-2 training scripts, ann_numpy.py and ann_numpy_original.py.

Each script names its update order; everything else (flags, text and JSON output,
--check-gradients) is the same, and lives here.
"""

from __future__ import annotations

import functools
import json

import numpy as np

from backprop import cli, exercise, general_report, general_training, gradcheck, progress, training
from backprop.training import (
    COUNTING,
    MAX_ITERATIONS,
    MAX_RECORDED_ROWS,
    TrainingDiverged,
    describe_settings,
    memory_text,
    most_recorded,
    updates,
)


def vector(v) -> str:
    return "[" + ", ".join(f"{x:.10f}" for x in np.ravel(v)) + "]"


def matrix(m) -> str:
    return "[" + ", ".join(vector(row) for row in m) + "]"


def training_parser(prog: str, doc: str) -> cli.ArgumentParser:
    parser = cli.ArgumentParser(prog, doc)
    parser.add_argument(
        "iterations", nargs="?", type=cli.iteration_count, default=1, metavar="ITERATIONS",
        help=f"number of weight updates, 0..{MAX_ITERATIONS:,} (default 1)",
    )  # fmt: skip
    parser.add_argument(
        "--print-every", type=cli.positive_count, default=0, metavar="K",
        help="also print the error at iteration 0, K, 2K, ... and N while training",
    )  # fmt: skip
    parser.add_argument("--json", action="store_true", help="print one JSON document instead of text")
    parser.add_argument(
        "--check-gradients", action="store_true",
        help="compare the first update with −η × the central finite-difference gradient and exit",
    )  # fmt: skip
    progress.add_quiet(parser)
    exercise.add_arguments(parser)
    return parser


SHOW_PROGRESS_FROM = 1_000_000  # updates: a bar from here on (about a second)


def training_main(order: str, prog: str, doc: str, argv=None, *, train=None) -> int:
    """The command line of a training script that trains in one update order: training.train(order, ...)
    (train replaces it, with training.train's signature less the order: a test's faulty update)."""
    if train is None:
        train = functools.partial(training.train, order)
    parser = training_parser(prog, doc)
    args, ex = exercise.parse_args(parser, argv, orders=(order,), any_shape=True)
    if args.check_gradients:
        if ex.is_general():  # an exercise of another shape: the small-network engine (general_training.py)
            return general_main(args, ex, order, prog)
        try:
            lines, ok = gradcheck.gradient_check(train, order, ex)
        except (TrainingDiverged, ValueError) as exc:
            return cli.fail(prog, f"cannot check the gradients at learning rate {ex.learning_rate:g}: {exc}")
        print("\n".join(lines))
        return 0 if ok else 1
    rows = most_recorded(args.iterations, args.print_every)
    if rows > MAX_RECORDED_ROWS:
        parser.error(f"--print-every {args.print_every:,} over {args.iterations:,} updates would mean "
                     f"{memory_text(rows)}; print at most {MAX_RECORDED_ROWS:,} rows")
    if ex.is_general():  # an exercise of another shape: the small-network engine (general_training.py)
        return general_main(args, ex, order, prog)

    settings = describe_settings(order, args.iterations, ex.learning_rate, ex.biases, ex.loss)
    stream_errors = bool(args.print_every) and not args.json
    if not args.json:
        if not ex.is_posts_network():
            print(ex.describe(), flush=True)
        print(settings, flush=True)

    def print_error(k, e):
        print(f"iteration {k:>{len(str(args.iterations))}}: error {cli.error_text(e)}", flush=True)

    options = ex.training()
    learning_rate = options.pop("learning_rate")
    # A bar unless the errors printed while training show the progress themselves.
    quiet = args.quiet or stream_errors or args.iterations < SHOW_PROGRESS_FROM
    try:
        with progress.bar(args.iterations, "update", quiet=quiet) as bar:
            trajectory = train(
                args.iterations, learning_rate, **options, record_every=args.print_every,
                on_record=print_error if stream_errors else None, on_progress=bar.to,
            )  # fmt: skip
    except TrainingDiverged as exc:
        return cli.fail(prog, str(exc))
    if args.json:
        print(json.dumps(json_document(trajectory, settings, ex), indent=2, ensure_ascii=False))
    else:
        print("\n".join(text_lines(trajectory)))
    return 0


def json_document(t, settings: str, ex: exercise.Exercise) -> dict:
    """--json: the settings, the final state and the recorded errors (docs/command-line.md lists the keys)."""
    return {
        "method": t.method,
        "settings": settings,
        "counting": COUNTING,
        "iterations": t.iterations,
        "learning_rate": t.learning_rate,
        "biases": t.biases,
        "loss": t.loss,
        "network": ex.to_json(),
        "initial_error": float(t.error[0]),
        "final_error": float(t.error[-1]),
        "prediction": t.output[-1].tolist(),
        "target": t.target.tolist(),
        "w1": t.w1[-1].tolist(),
        "w2": t.w2[-1].tolist(),
        "b1": t.b1[-1].tolist(),
        "b2": t.b2[-1].tolist(),
        "errors": [{"iteration": int(k), "error": float(e)} for k, e in zip(t.iteration, t.error, strict=True)],
    }


def text_lines(t) -> list[str]:
    """The text output after the settings line: the errors at both ends, the prediction, the weights."""
    n = t.iterations
    lines = [
        f"error at iteration 0 (initial weights): {cli.error_text(t.error[0])}",
        f"error at iteration {n} (after {updates(n)}): {cli.error_text(t.error[-1])}",
        f"prediction: {vector(t.output[-1])}",
        f"target:     {vector(t.target)}",
        f"W1 = [[w1, w2], [w3, w4]] = {matrix(t.w1[-1])}",
        f"W2 = [[w5, w6], [w7, w8]] = {matrix(t.w2[-1])}",
    ]
    if t.biases != "fixed":
        lines.append(f"b1 = {vector(t.b1[-1])}  b2 = {vector(t.b2[-1])}")
    return lines


GENERAL_PROGRESS_FROM = 300_000  # updates: a bar from here on (about a second)


def general_main(args, ex, order: str, prog: str) -> int:
    """ann_numpy.py / ann_numpy_original.py for an exercise of any shape."""
    if args.check_gradients:
        try:
            lines, ok = gradcheck.general_gradient_check(ex, order)
        except ValueError as exc:
            return cli.fail(prog, f"cannot check the gradients at learning rate {ex.learning_rate:g}: {exc}")
        print("\n".join(lines))
        return 0 if ok else 1
    settings = general_report.settings_line(ex, order, args.iterations)
    stream = bool(args.print_every) and not args.json
    if not args.json:
        print(ex.describe(), flush=True)
        print(settings, flush=True)

    def print_error(k, e):
        print(f"iteration {k:>{len(str(args.iterations))}}: error {cli.error_text(e)}", flush=True)

    quiet = args.quiet or stream or args.iterations < GENERAL_PROGRESS_FROM
    try:
        with progress.bar(args.iterations, "update", quiet=quiet) as bar:
            result = general_training.train(ex, order, args.iterations, record_every=args.print_every,
                           on_record=print_error if stream else None, on_progress=bar.to)  # fmt: skip
    except TrainingDiverged as exc:
        return cli.fail(prog, str(exc))
    if args.json:
        print(json.dumps(general_report.json_document(result, settings), indent=2, ensure_ascii=False))
    else:
        print("\n".join(general_report.text_lines(result)))
    return 0
