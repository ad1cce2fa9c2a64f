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
import numbers
import re
import sys
from dataclasses import dataclass

import numpy as np

from backprop import cli, files, general, validate
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

KEYS = ("layers", "activations", "loss", "reduction", "inputs", "targets", "weights", "W1", "W2", "W3", "b1", "b2",
        "b3", "biases", "order", "learning_rate", "description")
SETTINGS = ("inputs", "targets", "weights", "b1", "b2", "learning_rate", "biases", "loss")
ALL_LOSSES = (*LOSSES, "bce", "ce")
ALL_BIASES = ("none", *BIAS_POLICIES)
ANY_SHAPE = "ann_numpy_no_loop.py"  # the script that writes out and checks an exercise of any shape
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
    # An exercise of another shape (general.py): the layer sizes, an activation per layer after the inputs,
    # the reduction over the training examples (inputs and targets then a tuple of rows), the third bias.
    layers: tuple = (2, 2, 2)
    activations: tuple = ("sigmoid", "sigmoid")
    reduction: str = "sum"
    b3: tuple = ()

    def is_general(self) -> bool:
        """Not the post's kind of exercise (2-2-2, sigmoid layers, one training example, a squared error, biases):
        written out and checked by general.py."""
        return (self.layers != (2, 2, 2) or self.activations != ("sigmoid", "sigmoid") or self.loss not in LOSSES
                or self.biases not in BIAS_POLICIES or isinstance(self.inputs[0], tuple))  # fmt: skip

    @property
    def w1(self) -> np.ndarray:
        return np.reshape(self.weights[:4], (2, 2))

    @property
    def w2(self) -> np.ndarray:
        return np.reshape(self.weights[4:], (2, 2))

    def network(self) -> tuple:
        return self.inputs, self.targets, self.weights, self.b1, self.b2

    def is_posts_network(self) -> bool:
        """The post's inputs, targets, weights and biases (learning rate, policy and loss aside), in its shape."""
        return self.network() == POST.network() and not self.is_general()

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
        if self.is_general():
            return self.describe_general(between)
        return (
            f"your network: inputs i1, i2 = {numbers_text(self.inputs)}; targets t1, t2 = "
            f"{numbers_text(self.targets)}{between}w1..w8 = {numbers_text(self.weights)}; "
            f"b1 = {bias_text(self.b1)}; b2 = {bias_text(self.b2)}"
        )

    def describe_general(self, between: str = "; ") -> str:
        """'your network: layers 3-2-2 (tanh, softmax), ce summed over 2 examples; inputs 1, 2; 0, 1; …'."""
        rows = self.inputs if isinstance(self.inputs[0], tuple) else (self.inputs,)
        targets = self.targets if isinstance(self.targets[0], tuple) else (self.targets,)
        reduced = "summed" if self.reduction == "sum" else "averaged"
        many = f" {reduced} over {len(rows)} examples" if len(rows) > 1 else ""
        biases = "; ".join(f"b{i} = {numbers_text(b)}" for i, b in enumerate((self.b1, self.b2, self.b3), 1) if b)
        return (f"your network: layers {'-'.join(map(str, self.layers))} ({', '.join(self.activations)}), "
                f"loss {self.loss}{many}; inputs {'; '.join(map(numbers_text, rows))}; targets "
                f"{'; '.join(map(numbers_text, targets))}{between}w1..w{len(self.weights)} = "
                f"{numbers_text(self.weights)}" + (f"; {biases}" if biases else ""))  # fmt: skip

    def title(self) -> str:
        """The two lines a figure title adds for a network that is not the post's."""
        return self.describe(between="\n")

    def to_json(self) -> dict:
        """The JSON key `network`: the network's numbers, and whether they are the post's."""
        if self.is_general():
            return {
                "posts_network": False, "layers": list(self.layers), "activations": list(self.activations),
                "loss": self.loss, "reduction": self.reduction,
                **{name: [list(r) for r in rows] if isinstance(rows[0], tuple) else list(rows)
                   for name, rows in (("inputs", self.inputs), ("targets", self.targets))},
                "weights": {f"w{i}": w for i, w in enumerate(self.weights, 1)},
                **{f"b{i}": list(b) for i, b in enumerate((self.b1, self.b2, self.b3), 1) if b},
            }  # fmt: skip
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
    try:
        return tuple(validate.FINITE.number(value, str(value)) for value in values)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def pair(what: str):
    return lambda text: numbers_list(text, 2, 2, what)


def targets(values) -> tuple:
    """The targets, each in [0, 1]: what a sigmoid output can come near (its E stays at most 1)."""
    try:
        return tuple(validate.TARGET.number(t, str(t)) for t in values)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def number_rows(text: str) -> tuple:
    """'3,1;-1,4' -> ((3.0, 1.0), (-1.0, 4.0)): one row a training example, rows separated by ';'."""
    return tuple(numbers_list(row, 1, 6, "a row") for row in text.split(";"))


def layer_sizes(text: str) -> tuple:
    """'2,3,2' -> (2, 3, 2): the inputs, zero to two hidden layers and the outputs, 1 to 6 neurons each."""
    sizes = [cli.whole_number(part.strip(), 1, 6) for part in text.split(",")]
    if not 2 <= len(sizes) <= 4:
        raise argparse.ArgumentTypeError(f"needs 2 to 4 layer sizes (zero to two hidden layers), got {len(sizes)}")
    return tuple(sizes)


def add_arguments(parser: argparse.ArgumentParser, *, settings: bool = True) -> None:
    """The network flags, with default None: parse_args() fills in the file's value or the post's.

    settings: also --learning-rate, --biases and --loss (a script that trains with them)."""
    group = parser.add_argument_group("your network (default: the post's)")
    group.add_argument("--inputs", type=number_rows, metavar="I1,I2",
                       help="the inputs (default 0.05,0.10); several training examples: rows separated by ';'")
    group.add_argument("--targets", type=number_rows, metavar="T1,T2",
                       help="the targets, each in [0, 1] (default 0.01,0.99); one row a training example")
    group.add_argument(
        "--weights", type=lambda text: numbers_list(text, 1, 216, "w1,w2,..."), metavar="W1,...,W8",
        help=f"the eight initial weights, numbered as in the post's forward pass: {WEIGHTS_HELP} "
        "(default 0.15,0.20,0.25,0.30,0.40,0.45,0.50,0.55)",
    )  # fmt: skip
    group.add_argument("--b1", type=lambda text: numbers_list(text, 1, 6, "b1"), metavar="V[,V]",
                       help="the hidden layer's bias, one number or one per neuron h1,h2 (default 0.35)")  # fmt: skip
    group.add_argument("--b2", type=lambda text: numbers_list(text, 1, 6, "b2"), metavar="V[,V]",
                       help="the output layer's bias, one number or one per neuron o1,o2 (default 0.60)")  # fmt: skip
    group.add_argument("--b3", type=lambda text: numbers_list(text, 1, 6, "b3"), metavar="V[,V]",
                       help="with two hidden layers, the output layer's bias")
    group.add_argument("--layers", type=layer_sizes, metavar="N,..",
                       help=f"the layer sizes, inputs first, 1 to 6 each, zero to two hidden layers (default 2,2,2; "
                       f"another shape: {ANY_SHAPE} only)")  # fmt: skip
    group.add_argument("--hidden-activation", choices=general.HIDDEN_ACTIVATIONS,
                       help="the hidden layers' activation (default sigmoid)")
    group.add_argument("--output-activation", choices=general.OUTPUT_ACTIVATIONS,
                       help="the output layer's activation (default sigmoid)")
    group.add_argument("--reduction", choices=("sum", "mean"),
                       help="several training examples: their losses and gradients summed (default) or averaged")
    if settings:
        group.add_argument(
            "--learning-rate", type=cli.positive_real, metavar="ETA",
            help="learning rate η, positive and finite (default 0.5, the blog's)",
        )  # fmt: skip
        group.add_argument(
            "--biases", choices=ALL_BIASES,
            help="none: no biases; fixed: never trained (the blog's arithmetic, default); "
            "shared: one trained bias per layer; per-neuron: one trained bias per neuron",
        )  # fmt: skip
        group.add_argument(
            "--loss", choices=ALL_LOSSES,
            help="half-sse: ½Σ(t−y)² (the blog's, default); sse: Σ(t−y)²; mse: mean over outputs; "
            "bce: binary cross-entropy (sigmoid outputs); ce: cross-entropy (a softmax output)",
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
    try:
        layers = tuple(example_value("layers", document["layers"])) if "layers" in document else (2, 2, 2)
    except (ValueError, argparse.ArgumentTypeError) as exc:
        raise BadExample(f"{where('layers')}: layers: {exc}") from None
    for key, value in document.items():
        try:
            values[key] = example_value(key, value, layers)
        except (ValueError, argparse.ArgumentTypeError) as exc:
            raise BadExample(f"{where(key)}: {key}: {exc}") from None
    matrices = [k for k in ("W1", "W2", "W3") if k in values]
    if matrices:
        if "weights" in values:
            raise BadExample(f"{where(matrices[0])}: give the weights flat or as W1, W2, W3, not both")
        expected = [f"W{i}" for i in range(1, len(layers))]
        if matrices != expected:
            raise BadExample(f"{where(matrices[0])}: layers {','.join(map(str, layers))} need {', '.join(expected)}")
        values["weights"] = tuple(w for k in expected for w in values.pop(k))
    if "activations" in values and len(values["activations"]) != len(layers) - 1:
        raise BadExample(f"{where('activations')}: activations: one a layer after the inputs, "
                         f"{len(layers) - 1} for layers {','.join(map(str, layers))}")  # fmt: skip
    if "targets" in values:
        output = values.get("activations", ("sigmoid",))[-1]
        try:
            for row in values["targets"]:
                target_range(row, output)
        except argparse.ArgumentTypeError as exc:
            raise BadExample(f"{where('targets')}: targets: {exc}") from None
    return values


def target_range(values, output: str = "sigmoid") -> tuple:
    """The targets within what the output activation can reach: [0, 1] for sigmoid and softmax, [−1, 1] for tanh."""
    if output == "softmax" and abs(sum(values) - 1) > 1e-9:
        raise argparse.ArgumentTypeError(f"the targets of a softmax output are probabilities that sum to 1; "
                                         f"{', '.join(f'{t:g}' for t in values)} sums to {sum(values):g}")
    if output in ("sigmoid", "softmax"):
        return targets(values)
    if output == "tanh":
        for t in values:
            if not -1 <= t <= 1:
                raise argparse.ArgumentTypeError(f"target {t:g} is outside [-1, 1], the range of a tanh output")
    return tuple(values)


def example_value(key: str, value, layers: tuple = (2, 2, 2)):
    """One key's value of an --example file, typed as its flag's."""
    if key in ("biases", "loss", "order", "description", "reduction"):
        choices = {"biases": ALL_BIASES, "loss": ALL_LOSSES, "order": ORDERS, "reduction": ("sum", "mean")}.get(key)
        if not isinstance(value, str) or (choices and value not in choices):
            raise ValueError(f"{files.quoted(value)} is not one of {', '.join(choices)}" if choices
                             else "must be a string")  # fmt: skip
        return value
    if key == "layers":
        if not isinstance(value, list) or not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
            raise ValueError("a list of whole numbers, inputs first: [3, 2, 2]")
        return layer_sizes(",".join(map(str, value)))
    if key == "activations":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValueError('a list of names, one a layer after the inputs: ["tanh", "softmax"]')
        for i, v in enumerate(value):
            known = general.OUTPUT_ACTIVATIONS if i == len(value) - 1 else general.HIDDEN_ACTIVATIONS
            if v not in known:
                raise ValueError(f"{v!r} is not one of {', '.join(known)}")
        return tuple(value)
    if key == "learning_rate":
        number = finite_numbers([value], 1, 1)[0]
        return validate.LEARNING_RATE.number(number, str(number))
    if key in ("W1", "W2", "W3"):
        layer = int(key[1])
        if layer >= len(layers):
            raise ValueError(f"layers {','.join(map(str, layers))} have {len(layers) - 1} weight matrices")
        rows, columns = layers[layer], layers[layer - 1]
        if not isinstance(value, list) or len(value) != rows or not all(isinstance(r, list) for r in value):
            raise ValueError(f"needs {rows} rows (one a destination neuron) of {columns} numbers")
        return tuple(w for r in value for w in finite_numbers(r, columns, columns))
    if key in ("inputs", "targets"):
        many = isinstance(value, list) and value and all(isinstance(r, list) for r in value)
        rows = value if many else [value if isinstance(value, list) else [value]]
        width = layers[0] if key == "inputs" else layers[-1]
        found = tuple(finite_numbers(r, width, width) for r in rows)
        if len(found) > 10:
            raise ValueError(f"at most 10 training examples, got {len(found)}")
        return found
    if key == "weights" and isinstance(value, dict):
        names = [f"w{i}" for i in range(1, general.weight_count(layers) + 1)]
        if sorted(value) != sorted(names):
            raise ValueError(f"an object of weights needs exactly the keys {', '.join(names)}")
        value = [value[name] for name in names]
    if key == "weights":
        count = general.weight_count(layers)
        return finite_numbers(value if isinstance(value, list) else [value], count, count)
    size = layers[int(key[1])] if int(key[1]) < len(layers) else 0
    if not size:
        raise ValueError(f"layers {','.join(map(str, layers))} have {len(layers) - 1} bias layers")
    return finite_numbers(value if isinstance(value, list) else [value], 1, 2 if layers == (2, 2, 2) else size)


def finite_numbers(values: list, low: int, high: int) -> tuple:
    if not low <= len(values) <= high:
        raise ValueError(f"needs {low if low == high else f'{low} or {high}'} numbers, got {len(values)}")
    for v in values:
        if isinstance(v, bool) or not isinstance(v, numbers.Real):
            raise ValueError(f"{files.quoted(v)} is not a finite number")
        validate.FINITE.number(float(v), files.quoted(v))
    return tuple(float(v) for v in values)


class QuietParser(argparse.ArgumentParser):
    """A parser that raises its usage errors instead of printing them (the first look for --example)."""

    def error(self, message):
        raise argparse.ArgumentError(None, message)


def parse_args(parser: argparse.ArgumentParser, argv=None, orders=ORDERS, any_shape: bool = False):
    """parser.parse_args(argv) with the network flags resolved: (args, Exercise); args.example_description is
    the --example file's description (None without one).

    The --example file's values become the defaults, so that flags override them. orders:
    the update orders the script can run; an exercise naming another is bad usage (exit 2). any_shape: the
    script handles an exercise of another shape (general.py); every other refuses one, naming ANY_SHAPE.
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
    description = from_file.pop("description", None)
    if not any_shape and is_other_shape(from_file):
        parser.error(f"{known.example}: {OTHER_SHAPE}")
    if order is not None and order not in orders:
        parser.error(f"{known.example}: order {order!r} is not this script's ({', '.join(orders)})")
    honoured = parser.exercise_settings  # True: all three; False: none; or the keys it honours (sweep.py: η)
    unheld = [] if honoured is True else [k for k in ("learning_rate", "biases", "loss") if k not in (honoured or ())]
    for key in unheld:  # a script without the flag runs the post's value or refuses the file's
        if from_file.pop(key, getattr(POST, key)) != getattr(POST, key):
            parser.error(f"{known.example}: this script cannot honour a {key} other than the post's")
    for taker in (parser, *subcommand_parsers(parser)):  # a subcommand's own defaults would hide the parser's
        taker.set_defaults(**from_file)
    args = parser.parse_args(argv)
    args.example_description = description  # the --example file's, for the reports that open with it
    settings = {k: v for k, v in vars(args).items() if k in SETTINGS and v is not None}
    shape = shape_of(args)
    if not any_shape and (is_other_shape({**settings, **shape}) or shape["reduction"] or shape["b3"]):
        parser.error(OTHER_SHAPE)
    if is_other_shape({**settings, **shape}):
        try:
            return args, general_exercise(settings, shape, order)
        except ValueError as exc:
            parser.error(str(exc))
    shape_errors(parser, settings)
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


def subcommand_parsers(parser: argparse.ArgumentParser) -> list:
    """The parsers of parser's subcommands (sweep.py's learning-rate, init, grid)."""
    return [p for a in parser._actions if isinstance(a, argparse._SubParsersAction) for p in a.choices.values()]


OTHER_SHAPE = (f"this script runs the post's 2-2-2 network (sigmoid layers, one training example, a squared error); "
               f"{ANY_SHAPE} writes out and checks an exercise of another shape")  # fmt: skip


SHAPE_FLAGS = ("--layers", "--hidden-activation", "--output-activation", "--reduction", "--b3")


def refuse_shape_flags(parser: argparse.ArgumentParser, argv) -> None:
    """A script of the post's comparison whose network flags sit on its subcommands (sweep.py): a flag of another
    shape is bad usage naming ANY_SHAPE, wherever it stands, not an unknown argument."""
    for arg in sys.argv[1:] if argv is None else argv:
        if str(arg).split("=")[0] in SHAPE_FLAGS and not str(arg).endswith("=--"):  # --FLAG=--: the parser's error
            parser.error(f"{str(arg).split('=')[0]}: {OTHER_SHAPE}")


def shape_of(args) -> dict:
    """The shape settings of the flags (and an --example file): layers, activations, reduction, b3."""
    layers = getattr(args, "layers", None) or (2, 2, 2)
    activations = list(getattr(args, "activations", None) or ["sigmoid"] * (len(layers) - 1))
    if len(activations) != len(layers) - 1:  # --layers changed the depth an --example file's activations have
        activations = [activations[0]] * (len(layers) - 2) + [activations[-1]]
    if getattr(args, "hidden_activation", None):
        activations[:-1] = [args.hidden_activation] * (len(layers) - 2)
    if getattr(args, "output_activation", None):
        activations[-1] = args.output_activation
    return {"layers": tuple(layers), "activations": tuple(activations), "reduction": getattr(args, "reduction", None),
            "b3": getattr(args, "b3", None)}  # fmt: skip


def is_other_shape(values: dict) -> bool:
    """Whether these settings (an --example file's, or the flags') name an exercise of another shape."""
    many = any(len(values.get(k) or ((),)) > 1 for k in ("inputs", "targets"))
    return (tuple(values.get("layers") or (2, 2, 2)) != (2, 2, 2) or many or values.get("b3") is not None
            or any(v != "sigmoid" for v in values.get("activations") or ()) or values.get("loss") in ("bce", "ce")
            or values.get("biases") == "none" or values.get("hidden_activation") not in (None, "sigmoid")
            or values.get("output_activation") not in (None, "sigmoid"))  # fmt: skip


def shape_errors(parser, settings: dict) -> None:
    """The post's shape: one row of two inputs and two targets, eight weights, a bias or two a layer
    (the flags' messages of before any shape was possible); the rows become flat tuples."""
    for name, what in (("inputs", "i1,i2"), ("targets", "t1,t2")):
        if name in settings:
            row = settings[name][0]
            if len(row) != 2:
                parser.error(f"argument --{name}: needs 2 comma-separated numbers ({what}), got {len(row)}")
            try:
                settings[name] = targets(row) if name == "targets" else row
            except argparse.ArgumentTypeError as exc:
                parser.error(f"argument --targets: {exc}")
    if "weights" in settings and len(settings["weights"]) != 8:
        parser.error(f"argument --weights: needs 8 comma-separated numbers (w1..w8), got {len(settings['weights'])}")
    for name in ("b1", "b2"):
        if name in settings and len(settings[name]) > 2:
            parser.error(f"argument --{name}: needs 1 or 2 comma-separated numbers ({name}), got {len(settings[name])}")


def general_exercise(settings: dict, shape: dict, order) -> Exercise:
    """An exercise of any shape from the flags' (and file's) values; ValueError says what is wrong."""
    layers, activations = shape["layers"], shape["activations"]
    loss = settings.get("loss", "half-sse")
    output = activations[-1]
    if loss == "ce" and output != "softmax":
        raise ValueError(f"loss ce (categorical cross-entropy) needs a softmax output, not {output}")
    if output == "softmax" and loss != "ce":
        raise ValueError(f"a softmax output goes with loss ce (categorical cross-entropy), not {loss}")
    if output == "softmax" and layers[-1] < 2:
        raise ValueError("a softmax output needs at least 2 output neurons")
    if loss == "bce" and output != "sigmoid":
        raise ValueError(f"loss bce (binary cross-entropy) needs sigmoid outputs, not {output}")
    post = layers == (2, 2, 2)
    for name in ("inputs", "targets", "weights"):
        if name not in settings and not post:
            raise ValueError(f"layers {','.join(map(str, layers))}: give the {name} (--{name} or the file's {name})")
    inputs = settings.get("inputs", (POST.inputs,))
    target_rows = settings.get("targets", (POST.targets,))
    for name, rows, width in (("inputs", inputs, layers[0]), ("targets", target_rows, layers[-1])):
        for row in rows:
            if len(row) != width:
                raise ValueError(f"argument --{name}: layers {','.join(map(str, layers))} need {width} numbers a row, "
                                 f"got {len(row)}")  # fmt: skip
    if len(inputs) != len(target_rows):
        raise ValueError(f"{len(inputs)} rows of inputs but {len(target_rows)} of targets: one of each an example")
    if len(inputs) > 10:
        raise ValueError(f"at most 10 training examples, got {len(inputs)}")
    try:
        for row in target_rows:
            target_range(row, output)
    except argparse.ArgumentTypeError as exc:
        raise ValueError(f"argument --targets: {exc}") from None
    weights = settings.get("weights", POST.weights)
    if len(weights) != general.weight_count(layers):
        raise ValueError(f"argument --weights: layers {','.join(map(str, layers))} need "
                         f"{general.weight_count(layers)} weights, got {len(weights)}")  # fmt: skip
    policy = settings.get("biases", "fixed")
    given = {"b1": settings.get("b1"), "b2": settings.get("b2"), "b3": shape["b3"]}
    biases = {}
    for layer, name in enumerate(("b1", "b2", "b3"), start=1):
        values = given[name]
        if layer >= len(layers):
            if values is not None:
                raise ValueError(f"--{name}: layers {','.join(map(str, layers))} have {len(layers) - 1} bias layers")
            biases[name] = ()
            continue
        if policy == "none":
            if values is not None:
                raise ValueError(f"--{name} with --biases none: leave the biases out, or choose another policy")
            biases[name] = ()
            continue
        if values is None:
            if not post:
                raise ValueError(f"layers {','.join(map(str, layers))}: give {name}, the biases of layer "
                                 f"{general.letters_of(layers)[layer - 1]} (or --biases none)")  # fmt: skip
            values = (POST.b1 if name == "b1" else POST.b2)[:1]
        size = layers[layer]
        if len(values) == 1:
            values = values * size
        elif len(values) != size:
            raise ValueError(f"--{name}: one number, or one a neuron ({size}), got {len(values)}")
        elif policy == "shared" and len(set(values)) > 1:
            raise ValueError(f"--{name}: one a neuron needs --biases fixed or per-neuron")
        biases[name] = tuple(values)
    many = len(inputs) > 1
    return Exercise(
        inputs=tuple(inputs) if many else tuple(inputs[0]),
        targets=tuple(target_rows) if many else tuple(target_rows[0]),
        weights=tuple(weights), learning_rate=settings.get("learning_rate", POST.learning_rate), biases=policy,
        loss=loss, order=order, layers=layers, activations=activations, reduction=shape["reduction"] or "sum",
        **biases,
    )  # fmt: skip


def refuse_readme(parser: argparse.ArgumentParser, args, ex: Exercise) -> None:
    """README's generated blocks are the post's: --update or --check with another network is bad usage."""
    flag = "--update" if getattr(args, "update", None) else "--check" if getattr(args, "check", None) else None
    if flag and not ex.is_post():
        parser.error(f"{flag} is for README's block, which shows the post's network and settings; "
                     "leave out the network flags and --example")
