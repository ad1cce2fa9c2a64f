"""Each quantity's rule, declared once: what a learning rate, a count, a number (a weight, a bias,
an input) or a target may be, used alike by the command-line flags (backprop/cli.py), the --example reader
(backprop/exercise.py) and the library's train() (backprop/training.py).

A rule checks a value in one of two voices, with the same test: text(), for a word a person
typed or wrote in a file ("-1 is not a positive finite number"), and value(), for an argument a
program passed ("learning rate must be positive and finite, not -1"). Both raise ValueError;
the command line turns it into argparse's error (cli.py). This module imports nothing of the
package, so that every layer can use it.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from dataclasses import dataclass

# The largest iteration count the command lines and train() accept: 10^8 updates take about
# a quarter of an hour without recording (docs/speed.md, bench_training).
MAX_ITERATIONS = 100_000_000


@dataclass(frozen=True)
class Real:
    """A real number that passes test: wants says so to a person, must to a program."""

    name: str
    test: Callable[[float], bool]
    wants: str
    must: str
    outside: str | None = None  # the line for a number that fails test, formatted with it, instead of "... is not"

    def text(self, text: str) -> float:
        """A number as written (a flag's word): ValueError "'x' is not a number" or "x is not <wants>"."""
        try:
            value = float(text)
        except ValueError:
            raise ValueError(f"{text!r} is not a number") from None
        return self.number(value, text)

    def number(self, value: float, shown: str) -> float:
        """A number already read (an --example file's): ValueError "<shown> is not <wants>"."""
        if not self.test(value):
            raise ValueError(self.outside.format(value) if self.outside else f"{shown} is not {self.wants}")
        return value

    def value(self, value) -> float:
        """An argument a program passed: ValueError "<name> must be a number / <must>, not <value>"."""
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise ValueError(f"{self.name} must be a number, not {value!r}")
        if not self.test(value):
            raise ValueError(f"{self.name} must be {self.must}, not {value!r}")
        return float(value)


@dataclass(frozen=True)
class Count:
    """A whole number from low to high."""

    name: str
    low: int = 0
    high: int = MAX_ITERATIONS

    def text(self, text: str) -> int:
        """A count as written: ValueError "'x' is not a whole number" or "x is outside low..high"."""
        try:
            value = int(text)
        except ValueError:
            raise ValueError(f"{text!r} is not a whole number") from None
        if not self.low <= value <= self.high:
            raise ValueError(f"{text} is outside {self.low:,}..{self.high:,}")
        return value

    def value(self, value) -> int:
        """An argument a program passed: ValueError "<name> must be a whole number / between ..."."""
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            raise ValueError(f"{self.name} must be a whole number, not {value!r}")
        if not self.low <= value <= self.high:
            raise ValueError(f"{self.name} must be between {self.low:,} and {self.high:,}, not {value:,}")
        return int(value)


LEARNING_RATE = Real("learning rate", lambda v: math.isfinite(v) and v > 0, "a positive finite number",
                     "positive and finite")  # fmt: skip
AT_LEAST_ZERO = Real("value", lambda v: math.isfinite(v) and v >= 0, "a finite number >= 0", "finite and >= 0")
FINITE = Real("number", math.isfinite, "a finite number", "finite")  # a weight, a bias, an input
# What a sigmoid output can come near (its E stays at most 1).
TARGET = Real("target", lambda v: 0 <= v <= 1, "in [0, 1]", "in [0, 1]",
              outside="target {:g} is outside [0, 1], the range of a sigmoid output")  # fmt: skip
ITERATIONS = Count("iterations")
