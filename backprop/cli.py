"""Command-line plumbing every script shares: the parser, argument types, one-line errors.

Exit status: 0 done, 1 a runtime failure (divergence, an unwritable file, a failed
check), 2 bad usage. Errors are one line on stderr starting with the script's name;
never a traceback.
"""

from __future__ import annotations

import argparse
import math
import sys

from backprop.training import MAX_ITERATIONS
from backprop.worked_example import LEARNING_RATE

ArgumentTypeError = argparse.ArgumentTypeError

# The iteration counts of README's convergence tables and the analysis's checkpoints.
DEFAULT_COUNTS = (0, 1, 2, 5, 10, 100, 1000, 10000)


class ArgumentParser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr ("prog: error: ...") and exit status 2."""

    def __init__(self, prog, doc, **kwargs):
        super().__init__(
            prog=prog, description=doc, formatter_class=argparse.RawDescriptionHelpFormatter, **kwargs
        )

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message}\n")


def whole_number(text: str, low: int = 0, high: int = MAX_ITERATIONS) -> int:
    try:
        value = int(text)
    except ValueError:
        raise ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not low <= value <= high:
        raise ArgumentTypeError(f"{text} is outside {low:,}..{high:,}")
    return value


def iteration_count(text: str) -> int:
    """An iteration count: a whole number from 0 to training.MAX_ITERATIONS."""
    return whole_number(text, 0, MAX_ITERATIONS)


def positive_count(text: str) -> int:
    return whole_number(text, 1, MAX_ITERATIONS)


def positive_real(text: str) -> float:
    """A learning rate: a finite number above zero."""
    try:
        value = float(text)
    except ValueError:
        raise ArgumentTypeError(f"{text!r} is not a number") from None
    if not (math.isfinite(value) and value > 0):
        raise ArgumentTypeError(f"{text} is not a positive finite number")
    return value


def non_negative_real(text: str) -> float:
    """A finite number >= 0 (mlp.py's --target-mse)."""
    try:
        value = float(text)
    except ValueError:
        raise ArgumentTypeError(f"{text!r} is not a number") from None
    if not (math.isfinite(value) and value >= 0):
        raise ArgumentTypeError(f"{text} is not a finite number >= 0")
    return value


def counts_list(text: str) -> list[int]:
    """'1,2,5' -> [1, 2, 5]: whole numbers from 0 to the training cap, sorted, without repeats."""
    parts = [p.strip() for p in text.split(",")]
    if not all(parts):
        raise ArgumentTypeError(f"{text!r} is not a comma-separated list of counts")
    return sorted({iteration_count(p) for p in parts})


def add_learning_rate(parser: argparse.ArgumentParser) -> None:
    """--learning-rate ETA of the 2-2-2 scripts, the post's 0.5 by default."""
    parser.add_argument(
        "--learning-rate", type=positive_real, default=LEARNING_RATE, metavar="ETA",
        help="learning rate η, positive and finite (default 0.5, the blog's)",
    )  # fmt: skip


def fail(prog: str, message: str, status: int = 1) -> int:
    """Print one error line for prog and return the exit status to use."""
    print(f"{prog}: {message}", file=sys.stderr)
    return status
