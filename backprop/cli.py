"""Command-line plumbing every script shares: the parser, argument types, one-line errors,
and run(), which makes a script's main() a well-behaved process.

Exit status: 0 done, 1 a runtime failure (divergence, an unwritable file, a failed
check, a full device), 2 bad usage, 130 interrupted (Ctrl-C), 143 terminated (SIGTERM);
a closed pipe ends the process as it ends `yes | head -1` (SIGPIPE, 141 in the shell),
silently. Errors are one line on stderr starting with the script's name; never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import re
import signal
import sys

from backprop import validate
from backprop.validate import MAX_ITERATIONS

ArgumentTypeError = argparse.ArgumentTypeError

# The iteration counts of README's convergence tables and the analysis's checkpoints.
DEFAULT_COUNTS = (0, 1, 2, 5, 10, 100, 1000, 10000)


class ArgumentParser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr ("prog: error: ...") and exit status 2,
    and no prefix matching (--learn is not --learning-rate: a later flag cannot change an old command)."""

    def __init__(self, prog, doc, **kwargs):
        super().__init__(
            prog=prog, description=doc, formatter_class=argparse.RawDescriptionHelpFormatter, allow_abbrev=False,
            **kwargs,
        )  # fmt: skip

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message}\n")

    def parse_known_args(self, args=None, namespace=None):
        """argparse's, but --FLAG=-- is a usage error: argparse drops the '--' and gives the flag
        [] without calling its type (or its const, for an optional value), which would crash later
        or be ignored. Checked on the words as given (up to a lone '--', after which all is positional)."""
        words = joined_negative_values(self, sys.argv[1:] if args is None else list(args))
        for word in words:
            if word == "--":
                break
            if word.endswith("=--") and word[:-3] in option_strings(self):
                self.error(f"argument {word[:-3]}: expected a value, not '--'")
        namespace, extras = super().parse_known_args(words, namespace)
        for action in self._actions:  # whatever the words: a single value is never an empty list
            value = getattr(namespace, action.dest, None)
            if action.nargs in (None, argparse.OPTIONAL) and isinstance(value, list) and not value \
                    and value is not action.default:  # fmt: skip
                self.error(f"argument {'/'.join(action.option_strings) or action.dest}: expected one value")
        return namespace, extras


NEGATIVE_VALUE = re.compile(r"-\.?\d")


def joined_negative_values(parser: argparse.ArgumentParser, words: list[str]) -> list[str]:
    """words with "--flag -0.1,0.2" written "--flag=-0.1,0.2" for each flag that takes a value: a word
    that starts with a minus sign and a digit (or a dot) is a value, not an option, also a list
    (argparse's own rule takes only single numbers for values). Nothing after a lone '--' changes."""
    takes_value = {o for a in all_actions(parser) if a.nargs != 0 for o in a.option_strings}
    joined, i = [], 0
    while i < len(words):
        word = words[i]
        if word == "--":
            return joined + words[i:]
        if word in takes_value and i + 1 < len(words) and NEGATIVE_VALUE.match(words[i + 1]):
            joined.append(f"{word}={words[i + 1]}")
            i += 2
            continue
        joined.append(word)
        i += 1
    return joined


def all_actions(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    """The actions of parser and of its subcommands' parsers."""
    found = []
    for action in parser._actions:
        found.append(action)
        for sub in (action.choices or {}).values() if isinstance(action, argparse._SubParsersAction) else ():
            found += all_actions(sub)
    return found


def option_strings(parser: argparse.ArgumentParser) -> set[str]:
    """Every option string of parser and of its subcommands' parsers."""
    found = set()
    for action in parser._actions:
        found.update(action.option_strings)
        for sub in (action.choices or {}).values() if isinstance(action, argparse._SubParsersAction) else ():
            found |= option_strings(sub)
    return found


def typed(rule, text: str):
    """rule(text), its ValueError as argparse's ArgumentTypeError (the one-line usage error)."""
    try:
        return rule(text)
    except ValueError as exc:
        raise ArgumentTypeError(str(exc)) from None


def whole_number(text: str, low: int = 0, high: int = MAX_ITERATIONS) -> int:
    return typed(validate.Count("count", low, high).text, text)


def iteration_count(text: str) -> int:
    """An iteration count: a whole number from 0 to validate.MAX_ITERATIONS."""
    return typed(validate.ITERATIONS.text, text)


def positive_count(text: str) -> int:
    return whole_number(text, 1, MAX_ITERATIONS)


def finite_real(text: str, zero_allowed: bool) -> float:
    """A finite number above zero (or at least zero when zero_allowed)."""
    return typed((validate.AT_LEAST_ZERO if zero_allowed else validate.LEARNING_RATE).text, text)


def positive_real(text: str) -> float:
    """A learning rate: a finite number above zero (validate.LEARNING_RATE)."""
    return finite_real(text, zero_allowed=False)


def non_negative_real(text: str) -> float:
    """A finite number >= 0 (mlp.py's --target-mse)."""
    return finite_real(text, zero_allowed=True)


def reals(text: str) -> list[float]:
    """'0.1,-0.2' -> [0.1, -0.2]: comma-separated numbers, decimal point only (− is read as -)."""
    parts = [p.strip().replace("−", "-") for p in text.split(",")]
    if not all(parts):
        raise ArgumentTypeError(f"{text!r} is not a comma-separated list of numbers")
    values = []
    for p in parts:
        try:
            values.append(float(p))
        except ValueError:
            raise ArgumentTypeError(f"{p!r} is not a number (decimal point, commas between numbers)") from None
    return values


def path(text: str) -> str:
    """A file or folder name: anything but the empty string (which names no file)."""
    if text == "":
        raise ArgumentTypeError("an empty path names no file")
    return text


def counts_list(text: str) -> list[int]:
    """'1,2,5' -> [1, 2, 5]: whole numbers from 0 to the training cap, sorted, without repeats."""
    parts = [p.strip() for p in text.split(",")]
    if not all(parts):
        raise ArgumentTypeError(f"{text!r} is not a comma-separated list of counts")
    return sorted({iteration_count(p) for p in parts})


def add_readme_block(parser: argparse.ArgumentParser, block: str) -> None:
    """--update README / --check README: rewrite, or check, the block between block's markers."""
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--update", metavar="README", type=path, help=f"rewrite the block between the {block} markers")
    where.add_argument("--check", metavar="README", type=path,
                       help="exit 0 if the marked block is current, else 1 and a diff")  # fmt: skip


def error_text(e: float, width: int = 0) -> str:
    """An error as text: 10 decimals, as the tables print it, down to 1e-5 (still 6 significant
    digits); below, 10 significant digits in exponent notation, never 0.0000000000."""
    text = f"{e:.10f}" if e == 0 or abs(e) >= 1e-5 or not math.isfinite(e) else f"{e:.9e}"
    return f"{text:>{width}}"


def fail(prog: str, message: str, status: int = 1) -> int:
    """Print one error line for prog and return the exit status to use."""
    print(f"{prog}: {message}", file=sys.stderr)
    return status


# --- the process -------------------------------------------------------------------------------


class Failure(RuntimeError):
    """A runtime failure a library module raises and run() reports: str() is the line, status 1
    (a sweep's worker process killed, for one)."""


def memory_line(exc: MemoryError) -> str:
    """What did not fit, from NumPy's message ("Unable to allocate 7.45 GiB for an array with shape
    (1000, 1000000) and data type float64"), in one line."""
    text = " ".join(str(exc).split())
    if text.startswith("Unable to allocate "):
        return f"out of memory: {text[len('Unable to allocate '):]} did not fit"
    return f"out of memory{': ' + text if text else ''}"


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the program stands, so that it unwinds as Ctrl-C does (temporary files removed)."""


def raise_terminated(signum, frame):
    raise Terminated()


def run(main, prog: str) -> None:
    """Run a script's main() as a process a user starts, and exit with its status.

    Ctrl-C and SIGTERM unwind the program (nothing partial is left: atomic writes remove their
    temporary files) and print one line, with the iteration or epoch reached when the training
    loop recorded it (exc.where); a closed pipe ends the process as SIGPIPE ends any other
    program; a failed write to standard output (a full device) is one line and status 1; so are
    running out of memory (what did not fit) and a Failure raised by the library.
    """
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, raise_terminated)
    if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:  # from here on Ctrl-C unwinds (backprop/startup.py)
        signal.signal(signal.SIGINT, signal.default_int_handler)
    if getattr(sys.excepthook, "__module__", None) == "backprop.startup":  # a bug in main() shows its traceback
        sys.excepthook = sys.__excepthook__
    try:
        status = main()
        sys.stdout.flush()
    except KeyboardInterrupt as exc:
        terminated = isinstance(exc, Terminated)
        where = f" at {exc.where}" if getattr(exc, "where", None) else ""
        print(f"{prog}: {'terminated' if terminated else 'interrupted'}{where}", file=sys.stderr)
        status = 143 if terminated else 130
    except MemoryError as exc:  # what was left of memory is freed by the unwinding
        print(f"{prog}: {memory_line(exc)}", file=sys.stderr)
        status = 1
    except ImportError as exc:  # a module loaded late (numpy.random) when memory has run out
        text = str(exc).splitlines()[0] if str(exc) else ""
        lack = "failed to map segment" in text or "Cannot allocate memory" in text
        print(f"{prog}: {'out of memory: ' if lack else ''}cannot load {exc.name or 'a module'}"
              f"{'' if lack else ': ' + text[:200]}", file=sys.stderr)  # fmt: skip
        status = 1
    except Failure as exc:
        print(f"{prog}: {exc}", file=sys.stderr)
        status = 1
    except OSError as exc:  # writing the results failed: standard output is full or gone
        print(f"{prog}: cannot write the output: {exc.strerror or exc}", file=sys.stderr)
        # What is still buffered goes nowhere, so that the interpreter's last flush cannot fail again.
        with contextlib.suppress(OSError, ValueError):  # ValueError: a stream without a file descriptor
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        status = 1
    sys.exit(status)
