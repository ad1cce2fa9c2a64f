"""What the command-line scripts share: one-line errors, argument types, atomic
writes, and the command line of the two 2-2-2 training scripts
(ann_numpy.py and ann_numpy_original.py), including --check-gradients.

Exit status: 0 done, 1 a runtime failure (divergence, an unwritable file, a
failed check), 2 bad usage. Errors are one line on stderr starting with the
script's name; never a traceback.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import tempfile

import numpy as np

import mazur


class ArgumentParser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr ("prog: error: ...") and exit status 2."""

    def __init__(self, prog, doc, **kwargs):
        super().__init__(
            prog=prog, description=doc, formatter_class=argparse.RawDescriptionHelpFormatter, **kwargs
        )

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message}\n")


def whole_number(text: str, low: int = 0, high: int = mazur.MAX_ITERATIONS) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not low <= value <= high:
        raise argparse.ArgumentTypeError(f"{text} is outside {low:,}..{high:,}")
    return value


def iteration_count(text: str) -> int:
    """An iteration count: a whole number from 0 to mazur.MAX_ITERATIONS."""
    return whole_number(text, 0, mazur.MAX_ITERATIONS)


def positive_count(text: str) -> int:
    return whole_number(text, 1, mazur.MAX_ITERATIONS)


def positive_real(text: str) -> float:
    """A learning rate: a finite number above zero."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"{text} is not a positive finite number")
    return value


def fail(prog: str, message: str, status: int = 1) -> int:
    """Print one error line for prog and return the exit status to use."""
    print(f"{prog}: {message}", file=sys.stderr)
    return status


def atomic_write(path, data: str | bytes) -> None:
    """Write data to path through a temporary file in the same folder and os.replace."""
    folder = os.path.dirname(os.path.abspath(path))
    mode = "wb" if isinstance(data, bytes) else "w"
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=os.path.basename(path))
    try:
        with os.fdopen(fd, mode, **({} if mode == "wb" else {"encoding": "utf-8", "newline": ""})) as f:
            f.write(data)
        # mkstemp makes the file private (0600); give it the mode the file had, or a new file's.
        try:
            permissions = os.stat(path).st_mode & 0o777
        except FileNotFoundError:
            umask = os.umask(0)
            os.umask(umask)
            permissions = 0o666 & ~umask
        os.chmod(tmp, permissions)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


class MarkerError(ValueError):
    """A README's generated block is missing its markers or has them more than once."""


def replace_block(text: str, name: str, content: str) -> str:
    """text with everything between <!-- name:start --> and <!-- name:end --> replaced.

    The markers and every byte outside them stay as they are; the block becomes a
    newline, content, a newline.
    """
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    if text.count(start) != 1 or text.count(end) != 1:
        found = f"{text.count(start)} start and {text.count(end)} end markers"
        raise MarkerError(f"expected exactly one {start} and one {end}, found {found}")
    i, j = text.index(start) + len(start), text.index(end)
    if j < i:
        raise MarkerError(f"{end} comes before {start}")
    return text[:i] + "\n" + content.rstrip("\n") + "\n" + text[j:]


def update_or_check_block(prog: str, path: str, name: str, content: str, check: bool) -> int:
    """--update PATH (rewrite the marked block atomically) or --check PATH (exit 1 and a diff if stale)."""
    import difflib

    try:
        with open(path, encoding="utf-8", newline="") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError) as exc:
        return fail(prog, f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}")
    try:
        new = replace_block(text, name, content)
    except MarkerError as exc:
        return fail(prog, f"{path}: {exc}; nothing written")
    if check:
        if new == text:
            return 0
        diff = difflib.unified_diff(
            text.splitlines(keepends=True), new.splitlines(keepends=True), f"{path} (current)", f"{path} (generated)"
        )
        sys.stdout.writelines(diff)
        return fail(prog, f"{path}: the {name} block is out of date; run with --update {path}")
    if new != text:
        try:
            atomic_write(path, new)
        except OSError as exc:
            return fail(prog, f"cannot write {path}: {exc.strerror or exc}")
    return 0


# --- the training scripts' command line ---------------------------------------------------


def vector(v) -> str:
    return "[" + ", ".join(f"{x:.10f}" for x in np.ravel(v)) + "]"


def matrix(m) -> str:
    return "[" + ", ".join(vector(row) for row in m) + "]"


def training_parser(prog: str, doc: str) -> ArgumentParser:
    parser = ArgumentParser(prog, doc)
    parser.add_argument(
        "iterations", nargs="?", type=iteration_count, default=1, metavar="ITERATIONS",
        help=f"number of weight updates, 0..{mazur.MAX_ITERATIONS:,} (default 1)",
    )  # fmt: skip
    parser.add_argument(
        "--learning-rate", type=positive_real, default=mazur.LEARNING_RATE, metavar="ETA",
        help="learning rate η, positive and finite (default 0.5, the blog's)",
    )  # fmt: skip
    parser.add_argument(
        "--biases", choices=mazur.BIAS_POLICIES, default="fixed",
        help="fixed: b1 = 0.35, b2 = 0.60 never trained (the blog's arithmetic, default); "
        "shared: one trained bias per layer; per-neuron: one trained bias per neuron",
    )  # fmt: skip
    parser.add_argument(
        "--loss", choices=tuple(mazur.LOSSES), default="half-sse",
        help="half-sse: ½Σ(t−y)² (the blog's, default); sse: Σ(t−y)²; mse: mean over outputs",
    )  # fmt: skip
    parser.add_argument(
        "--print-every", type=positive_count, default=0, metavar="K",
        help="also print the error at iteration 0, K, 2K, ... and N while training",
    )  # fmt: skip
    parser.add_argument("--json", action="store_true", help="print one JSON document instead of text")
    parser.add_argument(
        "--check-gradients", action="store_true",
        help="compare the first update with −η × the central finite-difference gradient and exit",
    )  # fmt: skip
    return parser


def training_main(train, method: str, prog: str, doc: str, argv=None) -> int:
    """The command line of a training script whose train() follows ann_numpy.train's signature."""
    args = training_parser(prog, doc).parse_args(argv)
    if args.check_gradients:
        lines, ok = gradient_check(train, method, args.learning_rate, args.biases, args.loss)
        print("\n".join(lines))
        return 0 if ok else 1

    settings = mazur.describe_settings(method, args.iterations, args.learning_rate, args.biases, args.loss)
    stream_errors = bool(args.print_every) and not args.json
    if not args.json:
        print(settings, flush=True)

    def print_error(k, e):
        print(f"iteration {k:>{len(str(args.iterations))}}: error {e:.10f}", flush=True)

    try:
        trajectory = train(
            args.iterations, args.learning_rate, biases=args.biases, loss=args.loss,
            record_every=args.print_every, on_record=print_error if stream_errors else None,
        )  # fmt: skip
    except mazur.TrainingDiverged as exc:
        return fail(prog, str(exc))

    final = -1
    if args.json:
        document = {
            "method": method,
            "settings": settings,
            "counting": mazur.COUNTING,
            "iterations": trajectory.iterations,
            "learning_rate": trajectory.learning_rate,
            "biases": trajectory.biases,
            "loss": trajectory.loss,
            "initial_error": float(trajectory.error[0]),
            "final_error": float(trajectory.error[final]),
            "prediction": trajectory.output[final].tolist(),
            "target": mazur.TARGET.tolist(),
            "w1": trajectory.w1[final].tolist(),
            "w2": trajectory.w2[final].tolist(),
            "b1": trajectory.b1[final].tolist(),
            "b2": trajectory.b2[final].tolist(),
            "errors": [
                {"iteration": int(k), "error": float(e)}
                for k, e in zip(trajectory.iteration, trajectory.error, strict=True)
            ],
        }
        print(json.dumps(document, indent=2, ensure_ascii=False))
        return 0

    n = trajectory.iterations
    print(f"error at iteration 0 (initial weights): {trajectory.error[0]:.10f}")
    print(f"error at iteration {n} (after {mazur.updates(n)}): {trajectory.error[final]:.10f}")
    print(f"prediction: {vector(trajectory.output[final])}")
    print(f"target:     {vector(mazur.TARGET)}")
    print(f"W1 = [[w1, w2], [w3, w4]] = {matrix(trajectory.w1[final])}")
    print(f"W2 = [[w5, w6], [w7, w8]] = {matrix(trajectory.w2[final])}")
    if args.biases != "fixed":
        print(f"b1 = {vector(trajectory.b1[final])}  b2 = {vector(trajectory.b2[final])}")
    return 0


# --- --check-gradients -----------------------------------------------------------------------


def parameter_names(biases: str) -> list[str]:
    """The trainable parameters in order: w1..w8, then the trained biases."""
    names = list(mazur.WEIGHT_NAMES)
    if biases == "shared":
        names += ["b1", "b2"]
    elif biases == "per-neuron":
        names += ["b1[h1]", "b1[h2]", "b2[o1]", "b2[o2]"]
    return names


def flatten(w1, w2, b1, b2, biases: str) -> np.ndarray:
    parts = [np.ravel(w1), np.ravel(w2)]
    b1, b2 = np.broadcast_to(b1, (2,)), np.broadcast_to(b2, (2,))
    if biases == "shared":
        parts += [b1[:1], b2[:1]]
    elif biases == "per-neuron":
        parts += [b1, b2]
    return np.concatenate(parts)


def unflatten(theta: np.ndarray, biases: str):
    w1, w2 = theta[0:4].reshape(2, 2), theta[4:8].reshape(2, 2)
    if biases == "shared":
        return w1, w2, np.full(2, theta[8]), np.full(2, theta[9])
    if biases == "per-neuron":
        return w1, w2, theta[8:10], theta[10:12]
    return w1, w2, np.full(2, mazur.B1_INIT), np.full(2, mazur.B2_INIT)


def first_step(train, learning_rate, biases, loss) -> np.ndarray:
    """The change that the script's first update makes to every trainable parameter."""
    t = train(1, learning_rate, biases=biases, loss=loss)
    after = flatten(t.w1[1], t.w2[1], t.b1[1], t.b2[1], biases)
    return after - flatten(t.w1[0], t.w2[0], t.b1[0], t.b2[0], biases)


def finite_difference_gradient(biases, loss) -> np.ndarray:
    """dE/dθ at the blog's initial weights by central differences, θ = (w1..w8, trained biases)."""
    theta = flatten(mazur.W1_INIT, mazur.W2_INIT, mazur.B1_INIT, mazur.B2_INIT, biases)

    def total_error():
        w1, w2, b1, b2 = unflatten(theta, biases)
        return mazur.error(mazur.forward(w1, w2, b1, b2)[1], loss=loss)

    return mazur.central_difference_gradient(total_error, [theta])[0]


def gradient_check(train, method, learning_rate, biases, loss):
    """Lines of a report and whether every check passed.

    Every parameter whose update the method takes at the initial weights must equal
    −η × the finite-difference gradient within 1e-8·η. The sequential method's
    hidden-layer update is not a gradient step: for those parameters the report
    shows the departure at η, η/2 and η/4 and checks that it shrinks as η².
    """
    names = parameter_names(biases)
    fd = finite_difference_gradient(biases, loss)
    tolerance = 1e-8 * learning_rate
    lines = [
        f"gradient check of the {method} method's first update, learning rate η = {learning_rate:g}, "
        f"biases {biases}, loss {loss}",
        "reference: −η × dE/dθ by central differences (h = 1e-6) at the blog's initial weights",
    ]
    rates = [learning_rate, learning_rate / 2, learning_rate / 4]
    departures = [first_step(train, eta, biases, loss) + eta * fd for eta in rates]
    hidden_layer = {"w1", "w2", "w3", "w4", "b1", "b1[h1]", "b1[h2]"}
    ok = True
    lines.append(f"{'param':>7} {'script step':>16} {'−η × FD grad':>16} {'difference':>11}  verdict")
    departing = []
    for i, name in enumerate(names):
        step, reference, diff = departures[0][i] - learning_rate * fd[i], -learning_rate * fd[i], departures[0][i]
        if method == "sequential" and name in hidden_layer:
            verdict = "departs (sequential order, see below)"
            departing.append(i)
        elif abs(diff) <= tolerance:
            verdict = "OK"
        else:
            verdict = f"MISMATCH (tolerance {tolerance:.1e})"
            ok = False
        lines.append(f"{name:>7} {step:16.12f} {reference:16.12f} {diff:11.2e}  {verdict}")
    if departing:
        lines.append("")
        lines.append("sequential departure from the gradient step (sequential step − (−η × FD grad)):")
        lines.append(
            f"{'param':>7} {'at η':>11} {'at η/2':>11} {'at η/4':>11} {'ratio η→η/2':>12} {'η/2→η/4':>9}"
        )
        exponents = []
        for i in departing:
            d = [abs(dep[i]) for dep in departures]
            ratios = [d[0] / d[1], d[1] / d[2]]
            exponents += [math.log2(r) for r in ratios]
            lines.append(
                f"{names[i]:>7} {d[0]:11.3e} {d[1]:11.3e} {d[2]:11.3e} {ratios[0]:12.3f} {ratios[1]:9.3f}"
            )
        worst = max(exponents, key=lambda p: abs(p - 2))
        shrinks = abs(worst - 2) < 0.25
        ok = ok and shrinks
        lines.append(
            f"halving η divides the departure by 2^p with p between {min(exponents):.3f} and "
            f"{max(exponents):.3f}: " + ("OK, it shrinks as η²" if shrinks else "MISMATCH, expected p ≈ 2")
        )
    lines.append("all checks passed" if ok else "CHECK FAILED")
    return lines, ok
