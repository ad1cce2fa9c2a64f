"""Your own 2-2-2 network: the inputs, targets, weights, biases and settings of an exercise.

Every 2-2-2 script takes the same group of flags (add_arguments), defaulting to the post's values:

    --inputs i1,i2   --targets t1,t2   --weights w1,...,w8   --b1 V[,V]   --b2 V[,V]
    --learning-rate ETA   --biases POLICY   --loss LOSS   --example FILE.json

The weights are numbered as in the post's forward pass (worked_example.py draws the matrices):
w1 = i1→h1, w2 = i2→h1, w3 = i1→h2, w4 = i2→h2, w5 = h1→o1, w6 = h2→o1, w7 = h1→o2, w8 = h2→o2.
(The post's hidden-layer section calls i2→h1 "w3"; we keep the forward pass's numbering.)
A bias is one number, or two (one per neuron: allowed with --biases fixed or per-neuron).

--example FILE.json holds the same settings in one object, so that a class can share an
exercise: keys inputs, targets, weights (a list of eight, or an object w1..w8), b1, b2,
learning_rate, biases, loss, order, and an optional description. Flags on the command line
override the file. parse_args() reads both and returns the Exercise.
"""

from __future__ import annotations

import argparse
import json
import math
import numbers
import re
from dataclasses import dataclass

import numpy as np

from backprop import cli, files
from backprop.worked_example import (
    B1_INIT,
    B2_INIT,
    BIAS_POLICIES,
    INPUT,
    LEARNING_RATE,
    LOSSES,
    ORDERS,
    TARGET,
    W1_INIT,
    W2_INIT,
    WEIGHT_NAMES,
    as_bias_vector,
)

KEYS = ("inputs", "targets", "weights", "b1", "b2", "learning_rate", "biases", "loss", "order", "description")
SETTINGS = ("inputs", "targets", "weights", "b1", "b2", "learning_rate", "biases", "loss")
WEIGHTS_HELP = "w1 = i1→h1, w2 = i2→h1, w3 = i1→h2, w4 = i2→h2, w5 = h1→o1, w6 = h2→o1, w7 = h1→o2, w8 = h2→o2"


@dataclass(frozen=True)
class Exercise:
    """One 2-2-2 network and how it is trained. Vectors are tuples of floats; b1, b2 per neuron."""

    inputs: tuple = tuple(INPUT.tolist())
    targets: tuple = tuple(TARGET.tolist())
    weights: tuple = (*W1_INIT.ravel().tolist(), *W2_INIT.ravel().tolist())  # w1..w8
    b1: tuple = (B1_INIT, B1_INIT)
    b2: tuple = (B2_INIT, B2_INIT)
    learning_rate: float = LEARNING_RATE
    biases: str = "fixed"
    loss: str = "half-sse"
    order: str | None = None  # the exercise's order, when it names one

    @property
    def w1(self) -> np.ndarray:
        return np.reshape(self.weights[:4], (2, 2))

    @property
    def w2(self) -> np.ndarray:
        return np.reshape(self.weights[4:], (2, 2))

    def network(self) -> tuple:
        return self.inputs, self.targets, self.weights, self.b1, self.b2

    def is_posts_network(self) -> bool:
        """The post's inputs, targets, weights and biases (learning rate, policy and loss aside)."""
        return self.network() == POST.network()

    def is_post(self) -> bool:
        """The post's network and settings: what README's generated blocks show."""
        return self.is_posts_network() and (self.learning_rate, self.biases, self.loss) == (
            POST.learning_rate, POST.biases, POST.loss)  # fmt: skip

    def training(self) -> dict:
        """The keyword arguments of training.train() for this exercise."""
        return dict(
            learning_rate=self.learning_rate, biases=self.biases, loss=self.loss, w1=self.w1, w2=self.w2,
            b1=np.array(self.b1), b2=np.array(self.b2), x=np.array(self.inputs), target=np.array(self.targets),
        )  # fmt: skip

    def describe(self, between: str = "; ") -> str:
        """'your network: inputs i1, i2 = 0.1, 0.2; targets …; w1..w8 = …; b1 = 0.35; b2 = 0.6'."""
        return (
            f"your network: inputs i1, i2 = {numbers_text(self.inputs)}; targets t1, t2 = "
            f"{numbers_text(self.targets)}{between}w1..w8 = {numbers_text(self.weights)}; "
            f"b1 = {bias_text(self.b1)}; b2 = {bias_text(self.b2)}"
        )

    def title(self) -> str:
        """The two lines a figure title adds for a network that is not the post's."""
        return self.describe(between="\n")

    def to_json(self) -> dict:
        """The JSON key `network`: the network's numbers, and whether they are the post's."""
        return {
            "posts_network": self.is_posts_network(),
            "inputs": list(self.inputs),
            "targets": list(self.targets),
            "weights": dict(zip(WEIGHT_NAMES, self.weights, strict=True)),
            "b1": list(self.b1),
            "b2": list(self.b2),
        }


POST = Exercise()


def of_trajectory(t) -> Exercise:
    """The exercise a training.Trajectory was trained on (its row 0 holds the initial weights)."""
    return Exercise(
        tuple(t.x.tolist()), tuple(t.target.tolist()), (*t.w1[0].ravel().tolist(), *t.w2[0].ravel().tolist()),
        tuple(t.b1[0].tolist()), tuple(t.b2[0].tolist()), t.learning_rate, t.biases, t.loss,
    )  # fmt: skip


def numbers_text(values) -> str:
    return ", ".join(f"{v:g}" for v in values)


def bias_text(b) -> str:
    return f"{b[0]:g}" if b[0] == b[1] else f"{b[0]:g}, {b[1]:g}"


# --- the flags ---------------------------------------------------------------------------------


def numbers_list(text: str, low: int, high: int, what: str) -> tuple:
    """'0.1,-0.2' -> (0.1, -0.2): low..high finite numbers, decimal point only."""
    values = cli.reals(text)
    if not low <= len(values) <= high:
        count = str(low) if low == high else f"{low} or {high}"
        raise argparse.ArgumentTypeError(f"needs {count} comma-separated numbers ({what}), got {len(values)}: {text!r}")
    for value in values:
        if not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"{value} is not a finite number")
    return tuple(values)


def pair(what: str):
    return lambda text: numbers_list(text, 2, 2, what)


def targets(values) -> tuple:
    """The targets, each in [0, 1]: what a sigmoid output can come near (its E stays at most 1)."""
    for t in values:
        if not 0 <= t <= 1:
            raise argparse.ArgumentTypeError(f"target {t:g} is outside [0, 1], the range of a sigmoid output")
    return tuple(values)


def one_or_two(what: str):
    return lambda text: numbers_list(text, 1, 2, what)


def add_arguments(parser: argparse.ArgumentParser, *, settings: bool = True) -> None:
    """The network flags, with default None: parse_args() fills in the file's value or the post's.

    settings: also --learning-rate, --biases and --loss (a script that trains with them)."""
    group = parser.add_argument_group("your network (default: the post's)")
    group.add_argument("--inputs", type=pair("i1,i2"), metavar="I1,I2", help="the inputs (default 0.05,0.10)")
    group.add_argument("--targets", type=lambda text: targets(numbers_list(text, 2, 2, "t1,t2")), metavar="T1,T2",
                       help="the targets, each in [0, 1] (default 0.01,0.99)")  # fmt: skip
    group.add_argument(
        "--weights", type=lambda text: numbers_list(text, 8, 8, "w1..w8"), metavar="W1,...,W8",
        help=f"the eight initial weights, numbered as in the post's forward pass: {WEIGHTS_HELP} "
        "(default 0.15,0.20,0.25,0.30,0.40,0.45,0.50,0.55)",
    )  # fmt: skip
    group.add_argument("--b1", type=one_or_two("b1"), metavar="V[,V]",
                       help="the hidden layer's bias, one number or one per neuron h1,h2 (default 0.35)")  # fmt: skip
    group.add_argument("--b2", type=one_or_two("b2"), metavar="V[,V]",
                       help="the output layer's bias, one number or one per neuron o1,o2 (default 0.60)")  # fmt: skip
    if settings:
        group.add_argument(
            "--learning-rate", type=cli.positive_real, metavar="ETA",
            help="learning rate η, positive and finite (default 0.5, the blog's)",
        )  # fmt: skip
        group.add_argument(
            "--biases", choices=BIAS_POLICIES,
            help="fixed: never trained (the blog's arithmetic, default); "
            "shared: one trained bias per layer; per-neuron: one trained bias per neuron",
        )  # fmt: skip
        group.add_argument(
            "--loss", choices=tuple(LOSSES),
            help="half-sse: ½Σ(t−y)² (the blog's, default); sse: Σ(t−y)²; mse: mean over outputs",
        )  # fmt: skip
    parser.exercise_settings = settings  # read by parse_args()
    group.add_argument(
        "--example", type=cli.path, metavar="FILE.json",
        help="read these settings (and the order) from a JSON file; flags given here override it",
    )  # fmt: skip


class BadExample(ValueError):
    """An --example file that is not a valid exercise; str() names the file and what is wrong."""


MAX_DEPTH = 100  # JSON nesting: an exercise needs 3; a file nested too deeply for the parser is reported here


class Huge:
    """A JSON integer too long for a double (more than 308 digits), as read: not a number of an exercise."""

    def __init__(self, digits: str):
        self.digits = digits

    def __repr__(self) -> str:
        return f"{self.digits[:12]}... (an integer of {len(self.digits):,} digits)"


class DuplicateKey(ValueError):
    pass


def unique_keys(pairs) -> dict:
    keys = [k for k, _ in pairs]
    if len(set(keys)) < len(keys):
        raise DuplicateKey(next(k for i, k in enumerate(keys) if k in keys[:i]))
    return dict(pairs)


def depth_line(text: str) -> int:
    """The line where text's brackets first nest deeper than MAX_DEPTH (1 if they never do)."""
    depth, in_string, escaped = 0, False, False
    for m in re.finditer(r'[\[\]{}"\\]', text):
        c = m.group()
        if escaped:
            escaped = False
        elif c == "\\":
            escaped = in_string
        elif c == '"':
            in_string = not in_string
        elif not in_string:
            depth += 1 if c in "[{" else -1
            if depth > MAX_DEPTH:
                return text.count("\n", 0, m.start()) + 1
    return 1


def read_example(path: str) -> dict:
    """The settings in an --example file, checked and typed as the flags are.

    Raises OSError when the file cannot be read, BadExample when it is not a valid exercise
    (among them a file over files.MAX_INPUT_BYTES, numbers too long for a double, nesting too
    deep for the parser (the line where it passes MAX_DEPTH), a key given twice)."""
    try:
        text = files.read_text(path, files.MAX_INPUT_BYTES)
    except files.TooLarge as exc:
        raise BadExample(f"{path}: {exc}, too long for an exercise") from None
    except UnicodeDecodeError:
        raise BadExample(f"{path}: not valid JSON: not UTF-8 text") from None
    try:
        document = json.loads(text, object_pairs_hook=unique_keys,
                              parse_int=lambda s: int(s) if len(s.lstrip("-")) <= 308 else Huge(s))  # fmt: skip
    except json.JSONDecodeError as exc:
        raise BadExample(f"{path}:{exc.lineno}: not valid JSON: {exc.msg}") from None
    except DuplicateKey as exc:
        key = str(exc.args[0])
        first = text.find(json.dumps(key))
        at = text.find(json.dumps(key), first + 1)
        line = text.count("\n", 0, at) + 1 if at >= 0 else 1
        raise BadExample(f"{path}:{line}: the key {files.quoted(key)} is given twice") from None
    except RecursionError:
        raise BadExample(f"{path}:{depth_line(text)}: not valid JSON for an exercise: nested too deeply") from None
    if not isinstance(document, dict):
        raise BadExample(f"{path}: an exercise is one JSON object {{...}}, not {type(document).__name__}")

    def where(key):  # 'FILE:LINE' of the key's first appearance
        at = text.find(json.dumps(key))
        return f"{path}:{text.count(chr(10), 0, at) + 1}" if at >= 0 else path

    unknown = [k for k in document if k not in KEYS]
    if unknown:
        raise BadExample(f"{where(unknown[0])}: unknown key {files.quoted(unknown[0])}; known keys: {', '.join(KEYS)}")
    values = {}
    for key, value in document.items():
        try:
            values[key] = example_value(key, value)
        except (ValueError, argparse.ArgumentTypeError) as exc:
            raise BadExample(f"{where(key)}: {key}: {exc}") from None
    return values


def example_value(key: str, value):
    """One key's value of an --example file, typed as its flag's."""
    if key in ("biases", "loss", "order", "description"):
        choices = {"biases": BIAS_POLICIES, "loss": tuple(LOSSES), "order": ORDERS}.get(key)
        if not isinstance(value, str) or (choices and value not in choices):
            raise ValueError(f"{files.quoted(value)} is not one of {', '.join(choices)}" if choices
                             else "must be a string")  # fmt: skip
        return value
    if key == "learning_rate":
        return cli.positive_real(str(finite_numbers([value], 1, 1)[0]))
    if key == "weights" and isinstance(value, dict):
        if sorted(value) != sorted(WEIGHT_NAMES):
            raise ValueError(f"an object of weights needs exactly the keys {', '.join(WEIGHT_NAMES)}")
        value = [value[name] for name in WEIGHT_NAMES]
    count = {"inputs": (2, 2), "targets": (2, 2), "weights": (8, 8), "b1": (1, 2), "b2": (1, 2)}[key]
    values = finite_numbers(value if isinstance(value, list) else [value], *count)
    return targets(values) if key == "targets" else values


def finite_numbers(values: list, low: int, high: int) -> tuple:
    if not low <= len(values) <= high:
        raise ValueError(f"needs {low if low == high else f'{low} or {high}'} numbers, got {len(values)}")
    for v in values:
        if isinstance(v, bool) or not isinstance(v, numbers.Real) or not math.isfinite(float(v)):
            raise ValueError(f"{files.quoted(v)} is not a finite number")
    return tuple(float(v) for v in values)


class QuietParser(argparse.ArgumentParser):
    """A parser that raises its usage errors instead of printing them (the first look for --example)."""

    def error(self, message):
        raise argparse.ArgumentError(None, message)


def parse_args(parser: argparse.ArgumentParser, argv=None, orders=ORDERS):
    """parser.parse_args(argv) with the network flags resolved: (args, Exercise).

    The --example file's values become the defaults, so that flags override them. orders:
    the update orders the script can run; an exercise naming another is bad usage (exit 2).
    An unreadable --example file is exit 1, an invalid one exit 2, each one line."""
    first = QuietParser(add_help=False, allow_abbrev=False)
    first.add_argument("--example", type=cli.path)
    try:
        known, _ = first.parse_known_args(argv)
    except argparse.ArgumentError:
        known = argparse.Namespace(example=None)  # the full parser below says what is wrong
    from_file = {}
    if known.example:
        try:
            from_file = read_example(known.example)
        except OSError as exc:
            parser.exit(1, f"{parser.prog}: cannot read {known.example}: {exc.strerror or exc}\n")
        except BadExample as exc:
            parser.error(str(exc))
    order = from_file.pop("order", None)
    from_file.pop("description", None)
    if order is not None and order not in orders:
        parser.error(f"{known.example}: order {order!r} is not this script's ({', '.join(orders)})")
    if not parser.exercise_settings:  # a script without these flags runs the post's or refuses
        for key in ("learning_rate", "biases", "loss"):
            if from_file.pop(key, getattr(POST, key)) != getattr(POST, key):
                parser.error(f"{known.example}: this script cannot honour a {key} other than the post's")
    parser.set_defaults(**from_file)
    args = parser.parse_args(argv)
    settings = {k: v for k, v in vars(args).items() if k in SETTINGS and v is not None}
    biases = settings.get("biases", POST.biases)
    try:
        for name in ("b1", "b2"):
            if name in settings:
                given = settings[name]
                settings[name] = tuple(as_bias_vector(given[0] if len(given) == 1 else np.array(given), name,
                                                      biases).tolist())  # fmt: skip
    except ValueError as exc:
        parser.error(f"{exc} (two numbers need --biases fixed or per-neuron)")
    return args, Exercise(**settings, order=order)


def refuse_readme(parser: argparse.ArgumentParser, args, ex: Exercise) -> None:
    """README's generated blocks are the post's: --update or --check with another network is bad usage."""
    flag = "--update" if getattr(args, "update", None) else "--check" if getattr(args, "check", None) else None
    if flag and not ex.is_post():
        parser.error(f"{flag} is for README's block, which shows the post's network and settings; "
                     "leave out the network flags and --example")
