"""The worked example written out for any 2-2-2 exercise: every value of every update, each
with its formula, in the post's names and order, as data.

A Line is one value: its name as printed (`net_h1`, `dE_total/dw5`, `w5+`), the formula
that gives it from earlier values (its operands, by name), and the section of the post it
belongs to. values() evaluates the lines in order. The same lines are printed (text,
markdown, LaTeX with the numbers substituted, CSV, JSON) and checked against a hand
calculation (hand_check.py), which evaluates one formula with the student's own operands.

Names: the first update's values carry their plain names; update k > 1 adds "@k"
(`w5+@2`). The givens are the exercise's numbers: i1, i2, target_o1, target_o2, w1..w8,
b1, b2 (`b1[h1]`, `b1[h2]` when each neuron has its own), η and n = 2 outputs.

How the arithmetic is done is an Arithmetic: the exercise's own, or one with a common
mistake (hand_check.MISTAKES), which changes the formulas' functions but not their names.
The plain arithmetic equals worked_example.step, tested value by value (tests/test_written_out.py).

An exercise of another shape (Exercise.is_general(): other layers, activations or losses, several
training examples, no biases) has its lines from general.py, in the same Line form, printed and
checked the same way (tests/test_any_exercise.py).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

from backprop import general
from backprop.exercise import Exercise
from backprop.worked_example import LOSSES, ORDERS, loss_scale

HIDDEN, OUTPUT = ("h1", "h2"), ("o1", "o2")


@dataclass(frozen=True)
class Arithmetic:
    """How an update is computed: the exercise's settings, and knobs that common mistakes turn."""

    order: str  # parallel: the hidden layer uses the original w5..w8; sequential: the updated ones
    biases: str  # fixed, shared or per-neuron
    loss: str
    slope_of: str = "out"  # σ' written as out(1 − out); a mistake takes net(1 − net)
    error_sign: float = 1.0  # dE/dout = −c (t − out); −1: (t − out) · c
    error_factor: float = 1.0  # E_o multiplied by this (2: the ½ dropped)
    derivative_factor: float = 1.0  # dE/dout multiplied by this
    swapped_w2_w3: bool = False  # the post's hidden-layer numbering: i2→h1 read as w3
    output_slope: bool = True  # delta_o = dE/dout · σ'; False: without σ'
    hidden_from: tuple = OUTPUT  # the outputs whose parts make dE_total/dout_h
    step_factor: float | None = None  # None: η; else the step uses this instead of η (1 or 2η)
    rounding: int | None = None  # every value rounded to this many decimals as it is written down
    update_sign: float = 1.0  # w+ = w − sign · η ∂E/∂w; −1: w + η ∂E/∂w (gradient ascent)
    targets_swapped: bool = False  # target_o2 used for o1 and target_o1 for o2
    targets_rounded: bool = False  # each target rounded to the nearest integer (0.01 → 0, 0.99 → 1)
    output_transposed: bool = False  # w6 and w7 exchanged: w6 read as h1→o2, w7 as h2→o1
    bias_dropped: tuple = ()  # the layers ("b1", "b2") whose net is written without its bias
    # Mistakes of an exercise of another shape (general.py):
    reduction_swapped: bool = False  # averaged over the examples where the exercise sums, or the reverse
    one_example: bool = False  # the update from the first training example's gradient alone
    tanh_derivative: bool = False  # out(1 − out) taken for tanh
    softmax_as_sigmoid: bool = False  # softmax with cross-entropy, delta_o taken as (out − t)·out(1 − out)
    relu_derivative: bool = False  # ReLU's derivative taken as 1 where net ≤ 0


@dataclass(frozen=True)
class Line:
    update: int
    section: str
    name: str  # as printed
    text: str  # the formula in plain text, operands as #0, #1, …
    latex: str  # the formula in LaTeX, operands as #0, #1, …
    operands: tuple  # keys of the values the formula takes
    function: Callable
    substitute: bool = True  # False: LaTeX shows no numbers (a whole forward pass)
    printed: bool = True  # False: a value --check reads (delta_h1) that the formats do not print

    @property
    def key(self) -> str:
        return key(self.name, self.update)

    def __call__(self, values: dict) -> float:
        return float(self.function(*(values[k] for k in self.operands)))


def key(name: str, update: int) -> str:
    return name if update == 1 else f"{name}@{update}"


def sigmoid(net: float) -> float:
    return 1.0 / (1.0 + math.exp(-net)) if net >= 0 else math.exp(net) / (1.0 + math.exp(net))


# --- the givens ---------------------------------------------------------------------------------


def bias_names(ex: Exercise, layer: str, arithmetic: Arithmetic) -> tuple:
    """('b1', 'b1') for one bias a layer, ('b1[h1]', 'b1[h2]') for one a neuron."""
    values = ex.b1 if layer == "b1" else ex.b2
    neurons = HIDDEN if layer == "b1" else OUTPUT
    if arithmetic.biases == "per-neuron" or values[0] != values[1]:
        return tuple(f"{layer}[{n}]" for n in neurons)
    return (layer, layer)


def givens(ex: Exercise, arithmetic: Arithmetic | None = None) -> dict:
    """The exercise's numbers, by name."""
    arithmetic = arithmetic or plain(ex)
    if ex.is_general():
        return general.givens(ex, arithmetic)
    g = {"i1": ex.inputs[0], "i2": ex.inputs[1], "target_o1": ex.targets[0], "target_o2": ex.targets[1],
         "η": ex.learning_rate, "n": 2.0}  # fmt: skip
    g.update({f"w{i + 1}": w for i, w in enumerate(ex.weights)})
    for layer, values in (("b1", ex.b1), ("b2", ex.b2)):
        g.update(zip(bias_names(ex, layer, arithmetic), values, strict=True))
    return g


def plain(ex: Exercise, order: str | None = None) -> Arithmetic:
    """The exercise's own arithmetic, without mistakes, in one of the written-out orders (worked_example.ORDERS)."""
    order = order or ex.order or "parallel"
    if order not in ORDERS:
        raise ValueError(f"unknown order {order!r} for a written-out exercise; choose one of {', '.join(ORDERS)}")
    return Arithmetic(order, ex.biases, ex.loss)


# --- the lines ----------------------------------------------------------------------------------


def lines(ex: Exercise, arithmetic: Arithmetic, updates: int = 2) -> list[Line]:
    """Every value of `updates` updates, in the post's order."""
    out = []
    for k in range(1, updates + 1):
        out += update_lines(ex, arithmetic, k)
    return out


def update_lines(ex: Exercise, a: Arithmetic, k: int) -> list[Line]:
    """The lines of update k, computed from the values after update k − 1 (the givens for k = 1)."""
    if ex.is_general():
        return general.update_lines(ex, a, k, Line, key)
    c = loss_scale(a.loss)
    eta = "η" if a.step_factor is None else None
    out: list[Line] = []

    def now(name):  # a value of this update
        return key(name, k)

    def before(name):  # a weight or bias as update k finds it (a fixed bias stays the given one)
        fixed = name.startswith("b") and a.biases == "fixed"
        return name if k == 1 or fixed else key(name + "+", k - 1)

    def add(section, name, text, latex, operands, function, substitute=True, printed=True):
        out.append(Line(k, section, name, text, latex, tuple(operands), function, substitute, printed))

    def write(value):  # as the student writes it down
        return value if a.rounding is None else round(value, a.rounding)

    def product(*xs):
        p = 1.0
        for x in xs:
            p *= x
        return write(p)

    def slope(x):
        return write(x * (1 - x))

    def target(o):  # the target the student uses for output o (its name), and its value from the given
        other = {"o1": "o2", "o2": "o1"}[o] if a.targets_swapped else o
        return f"target_{other}"

    def t_of(t):
        return float(math.floor(t + 0.5)) if a.targets_rounded else t

    keep1, keep2 = (0.0 if "b1" in a.bias_dropped else 1.0), (0.0 if "b2" in a.bias_dropped else 1.0)

    b1, b2 = bias_names(ex, "b1", a), bias_names(ex, "b2", a)
    trained = a.biases != "fixed"
    # Which weight name sits on input i of hidden neuron h (the post's forward-pass numbering, or swapped).
    w_in = {("h1", "i1"): "w1", ("h1", "i2"): "w3" if a.swapped_w2_w3 else "w2",
            ("h2", "i1"): "w2" if a.swapped_w2_w3 else "w3", ("h2", "i2"): "w4"}  # fmt: skip
    w_out = {("o1", "h1"): "w5", ("o1", "h2"): "w7" if a.output_transposed else "w6",
             ("o2", "h1"): "w6" if a.output_transposed else "w7", ("o2", "h2"): "w8"}  # fmt: skip

    # The forward pass.
    section = "The forward pass"
    for h, b in zip(HIDDEN, b1, strict=True):
        add(section, f"net_{h}", "#0*#1 + #2*#3 + #4*1", r"#0 \cdot #1 + #2 \cdot #3 + #4 \cdot 1",
            [before(w_in[h, "i1"]), "i1", before(w_in[h, "i2"]), "i2", before(b)],
            lambda w, i, v, j, bias: write(w * i + v * j + keep1 * bias))  # fmt: skip
        add(section, f"out_{h}", "1/(1 + e^-#0)", r"\frac{1}{1 + e^{-#0}}", [now(f"net_{h}")],
            lambda net: write(sigmoid(net)))  # fmt: skip
    for o, b in zip(OUTPUT, b2, strict=True):
        add(section, f"net_{o}", "#0*#1 + #2*#3 + #4*1", r"#0 \cdot #1 + #2 \cdot #3 + #4 \cdot 1",
            [before(w_out[o, "h1"]), now("out_h1"), before(w_out[o, "h2"]), now("out_h2"), before(b)],
            lambda w, x, v, y, bias: write(w * x + v * y + keep2 * bias))  # fmt: skip
        add(section, f"out_{o}", "1/(1 + e^-#0)", r"\frac{1}{1 + e^{-#0}}", [now(f"net_{o}")],
            lambda net: write(sigmoid(net)))  # fmt: skip

    # The total error: E_o = (c/2)(target − out)².
    section = "Calculating the total error"
    half = {"half-sse": ("½", r"\frac{1}{2}", []), "sse": ("", "", []), "mse": ("(1/#2)", r"\frac{1}{#2}", ["n"])}
    text, latex, extra = half[a.loss]
    for o in OUTPUT:
        add(section, f"E_{o}", f"{text}(#0 − #1)²", f"{latex}(#0 - #1)^2", [target(o), now(f"out_{o}"), *extra],
            lambda t, y, *_: write(a.error_factor * c / 2 * (t_of(t) - y) ** 2))  # fmt: skip
    add(section, "E_total", "#0 + #1", "#0 + #1", [now("E_o1"), now("E_o2")], lambda p, q: write(p + q))

    # The output layer: dE_total/dw5 = dE_total/dout_o1 * dout_o1/dnet_o1 * dnet_o1/dw5.
    section = "The backwards pass: output layer"
    minus = {"half-sse": ("−", "-", []), "sse": ("−2", "-2", []), "mse": ("−(2/#2)", r"-\frac{2}{#2}", ["n"])}
    text, latex, extra = minus[a.loss]
    factor = a.error_sign * a.derivative_factor
    for o in OUTPUT:
        add(section, f"dE_total/dout_{o}", f"{text}(#0 − #1)", f"{latex}(#0 - #1)",
            [target(o), now(f"out_{o}"), *extra], lambda t, y, *_: write(-factor * c * (t_of(t) - y)))  # fmt: skip
        add(section, f"dout_{o}/dnet_{o}", "#0(1 − #0)", "#0(1 - #0)", [now(f"{a.slope_of}_{o}")], slope)
        if o == "o1":
            add(section, "dnet_o1/dw5", "#0", "#0", [now("out_h1")], write)
        for h in HIDDEN:
            w = w_out[o, h]
            operands = [now(f"dE_total/dout_{o}"), now(f"dout_{o}/dnet_{o}"), now(f"out_{h}")]
            add(section, f"dE_total/d{w}", "#0 * #1 * #2", r"#0 \cdot #1 \cdot #2", operands,
                product if a.output_slope else lambda d, _s, x: product(d, x))  # fmt: skip
    if trained:
        bias_gradients(add, section, "b2", b2, [[now(f"dE_total/dout_{o}"), now(f"dout_{o}/dnet_{o}")]
                                                for o in OUTPUT], a, write)  # fmt: skip
    updated = [w_out[o, h] for o in OUTPUT for h in HIDDEN] + (sorted(set(b2)) if trained else [])
    for w in updated:
        step(add, section, w, before(w), now(f"dE_total/d{w}"), eta, a, write)

    # The hidden layer: dE_total/dout_h1 = dE_o1/dout_h1 + dE_o2/dout_h1, dE_o1/dout_h1 = delta_o1 * w5.
    which = "original w5..w8" if a.order == "parallel" else "updated w5+..w8+"
    section = f"The backwards pass: hidden layer (with the {which})"
    for o in OUTPUT:
        add(section, f"dE_{o}/dnet_{o}", "#0 * #1", r"#0 \cdot #1",
            [now(f"dE_total/dout_{o}"), now(f"dout_{o}/dnet_{o}")],
            product if a.output_slope else lambda d, _s: write(d))  # fmt: skip

    def w2_for_hidden(w):
        return before(w) if a.order == "parallel" else now(w + "+")

    add(section, "dnet_o1/dout_h1", "#0", "#0", [w2_for_hidden("w5")], write)
    for h, x in zip(HIDDEN, ("i1", "i2"), strict=True):
        for o in OUTPUT:
            add(section, f"dE_{o}/dout_{h}", "#0 * #1", r"#0 \cdot #1",
                [now(f"dE_{o}/dnet_{o}"), w2_for_hidden(w_out[o, h])], product)  # fmt: skip
        parts = [now(f"dE_{o}/dout_{h}") for o in OUTPUT]
        add(section, f"dE_total/dout_{h}", "#0 + #1", "#0 + #1", parts,
            lambda p, q: write((p if "o1" in a.hidden_from else 0.0) + (q if "o2" in a.hidden_from else 0.0)))
        add(section, f"dout_{h}/dnet_{h}", "#0(1 − #0)", "#0(1 - #0)", [now(f"{a.slope_of}_{h}")], slope)
        # delta_h1 = dE_total/dnet_h1, which courses write down and the post does not: checked, not printed.
        add(section, f"dE_total/dnet_{h}", "#0 * #1", r"#0 \cdot #1",
            [now(f"dE_total/dout_{h}"), now(f"dout_{h}/dnet_{h}")], product, printed=False)  # fmt: skip
        if h == "h1":
            add(section, "dnet_h1/dw1", "#0", "#0", [x], write)
        for i in ("i1", "i2"):
            operands = [now(f"dE_total/dout_{h}"), now(f"dout_{h}/dnet_{h}"), i]
            add(section, f"dE_total/d{w_in[h, i]}", "#0 * #1 * #2", r"#0 \cdot #1 \cdot #2", operands, product)
    if trained:
        bias_gradients(add, section, "b1", b1, [[now(f"dE_total/dout_{h}"), now(f"dout_{h}/dnet_{h}")]
                                                for h in HIDDEN], a, write)  # fmt: skip
    for w in ["w1", "w2", "w3", "w4"] + (sorted(set(b1)) if trained else []):
        step(add, section, w, before(w), now(f"dE_total/d{w}"), eta, a, write)

    # The error after the update: the forward pass at the updated weights.
    after = [now(f"w{i}+") for i in range(1, 9)]
    for names in (b1, b2):
        after += [now(f"{b}+") if trained else b for b in names]
    add("After the update", "E_total+", "E_total at the updated weights", r"E_{total}(w^{+})",
        [*after, "i1", "i2", "target_o1", "target_o2"], lambda *v: write(error_at(v, a)), substitute=False)
    return out


def bias_gradients(add, section, layer, names, factors, a, write):
    """dE_total/db: Σ over the layer's neurons of dE/dout · dout/dnet for one bias, per neuron otherwise
    (a.output_slope False drops dout/dnet in the output layer: the mistake output-derivative-missing)."""

    def delta(d, s):
        return d if layer == "b2" and not a.output_slope else d * s

    if names[0] == names[1]:
        operands = [x for pair in factors for x in pair]
        add(section, f"dE_total/d{layer}", "#0 * #1 + #2 * #3", r"#0 \cdot #1 + #2 \cdot #3", operands,
            lambda p, q, r, s: write(delta(p, q) + delta(r, s)))  # fmt: skip
    else:
        for name, pair in zip(names, factors, strict=True):
            add(section, f"dE_total/d{name}", "#0 * #1 * 1", r"#0 \cdot #1 \cdot 1", pair,
                lambda p, q: write(delta(p, q)))  # fmt: skip


def step(add, section, w, old, gradient, eta, a: Arithmetic, write):
    """w+ = w − η dE_total/dw (a mistaken step replaces η by a.step_factor)."""
    if eta is None:
        add(section, f"{w}+", "#0 − #1", "#0 - #1", [old, gradient],
            lambda v, g: write(v - a.update_sign * a.step_factor * g))  # fmt: skip
    else:
        add(section, f"{w}+", "#0 − #1 * #2", r"#0 - #1 \cdot #2", [old, eta, gradient],
            lambda v, e, g: write(v - a.update_sign * e * g))  # fmt: skip


def error_at(v, a: Arithmetic) -> float:
    """E_total of the forward pass at w1..w8, b1 (2), b2 (2), i1, i2, target_o1, target_o2."""
    w1, w2, w3, w4, w5, w6, w7, w8, b1h1, b1h2, b2o1, b2o2, i1, i2, t1, t2 = v
    if a.swapped_w2_w3:
        w2, w3 = w3, w2
    if a.output_transposed:
        w6, w7 = w7, w6
    if a.targets_swapped:
        t1, t2 = t2, t1
    if a.targets_rounded:
        t1, t2 = float(math.floor(t1 + 0.5)), float(math.floor(t2 + 0.5))
    if "b1" in a.bias_dropped:
        b1h1 = b1h2 = 0.0
    if "b2" in a.bias_dropped:
        b2o1 = b2o2 = 0.0
    out_h1, out_h2 = sigmoid(w1 * i1 + w2 * i2 + b1h1), sigmoid(w3 * i1 + w4 * i2 + b1h2)
    out_o1, out_o2 = sigmoid(w5 * out_h1 + w6 * out_h2 + b2o1), sigmoid(w7 * out_h1 + w8 * out_h2 + b2o2)
    return a.error_factor * loss_scale(a.loss) / 2 * ((t1 - out_o1) ** 2 + (t2 - out_o2) ** 2)


def values(ex: Exercise, arithmetic: Arithmetic, updates: int = 2, written=None) -> dict:
    """Every value of the written-out example (and the givens), by key, in the post's order.
    written: the example's lines when the caller has them already (else they are made)."""
    found = givens(ex, arithmetic)
    for line in written or lines(ex, arithmetic, updates):
        found[line.key] = line(found)
    return found


class NotFinite(ArithmeticError):
    """A value of the worked example overflowed; str() says which."""


def finite_values(ex: Exercise, arithmetic: Arithmetic, written) -> dict:
    """values(), or NotFinite when one of them is not a finite number."""
    try:
        found = values(ex, arithmetic, written=written)
    except OverflowError:
        raise NotFinite("a value of the worked example overflowed") from None
    except (ValueError, ZeroDivisionError):  # a cross-entropy's log of 0, or its division by 0
        raise NotFinite("a value of the worked example is not defined (an output of exactly 0 or 1 in a "
                        "cross-entropy)") from None
    for k, v in found.items():
        if not math.isfinite(v):
            raise NotFinite(f"{k} overflowed (is not a finite number)")
    return found


# --- the formats ----------------------------------------------------------------------------------

LATEX_NAMES = {"η": r"\eta", "n": "n", "E_total": "E_{total}", "E_total+": "E_{total}^{+}"}


def plain_name(k: str) -> str:
    """'w5+@2' -> 'w5+': the name as printed within its update."""
    return k.split("@")[0]


def latex_name(name: str) -> str:
    """net_h1 -> net_{h1}; dE_total/dw5 -> \\frac{\\partial E_{total}}{\\partial w_5}; w5+ -> w_5^{+}."""
    name = plain_name(name)
    if name in LATEX_NAMES:
        return LATEX_NAMES[name]
    if name.startswith("d") and "/d" in name:
        top, bottom = name[1:].split("/d")
        return rf"\frac{{\partial {latex_name(top)}}}{{\partial {latex_name(bottom)}}}"
    plus = r"^{+}" if name.endswith("+") else ""
    name = name.rstrip("+")
    m = re.fullmatch(r"([a-z])(\d+)\[(\d+)\]", name)  # i1[2]: input i1 of training example 2
    if m:
        return f"{m.group(1)}_{{{m.group(2)}[{m.group(3)}]}}{plus}"
    m = re.fullmatch(r"([a-z])(\d+)(?:\[(\w+)\])?", name)  # w5, i1, b1, b1[h1]
    if m:
        return f"{m.group(1)}_{{{m.group(2)}{',' + m.group(3) if m.group(3) else ''}}}{plus}"
    base, _, sub = name.partition("_")  # net_h1, out_o1, E_o1, target_o1
    base = r"\delta" if base == "delta" else base
    return f"{base}_{{{sub}}}{plus}" if sub else name + plus


def latex_key(k: str, update: int) -> str:
    """A value's LaTeX in the lines of `update`: as latex_name in update 1; past it, each value names its update
    in a superscript that cannot be read as a layer: w5+@2 -> w_{5}^{+,2}, w5+ -> w_{5}^{+,1},
    out_h1@2 -> out_{h1}^{k=2}; a given stays as it is."""
    name, _, at = k.partition("@")
    if update == 1 or not (at or name.endswith("+")):
        return latex_name(name)
    if name.endswith("+"):
        return latex_name(name).removesuffix("^{+}") + f"^{{+,{at or 1}}}"
    return latex_name(name) + f"^{{k={at}}}"


def number(v: float, digits: int) -> str:
    """v rounded to `digits` decimals, without trailing zeros (0.74136507, not 0.741365070)."""
    text = f"{v:.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def fill(template: str, parts) -> str:
    return re.sub(r"#(\d+)", lambda m: parts[int(m.group(1))], template)


def formula_text(line: Line) -> str:
    """The formula in the printed names: past update 1 every value names its update (w5+@1 and out_h1@2 in
    update 2)."""
    def shown(k):
        if line.update > 1 and k.endswith("+"):  # a weight as update 1 left it
            return k + "@1"
        return k

    return fill(line.text, [shown(k) for k in line.operands])


LATEX_WIDTH = 120  # no line of the LaTeX is longer
BREAKS = (r" \cdot ", " + ", " - ")  # where a long line may break, outside braces and parentheses


def latex_line(line: Line, found: dict, digits: int) -> str:
    """name &= formula = the numbers substituted = the result, broken into lines no longer than LATEX_WIDTH
    (a continuation starts `&= ` or `&\\quad \\cdot `, aligned under the first `=`)."""
    sides = [fill(line.latex, [latex_key(k, line.update) for k in line.operands])]
    if line.substitute and line.latex != "#0":
        numbers = [number(found[k], digits) for k in line.operands]
        sides.append(fill(line.latex, [f"({n})" if n.startswith("-") else n for n in numbers]))
    sides.append(number(found[line.key], digits))
    out = [f"{latex_key(line.key, line.update)} &= {sides[0]}"]
    for side in sides[1:]:  # a side on the line before when it fits, else on a line of its own
        if len(out[-1]) + len(side) + 6 <= LATEX_WIDTH:
            out[-1] += " = " + side
        else:
            out.append("  &= " + side)
    return " \\\\\n".join(piece for long in out for piece in broken(long)) + r" \\"


def broken(text: str) -> list:
    """A line longer than LATEX_WIDTH broken before a \\cdot, + or − outside braces and parentheses."""
    pieces, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        depth += (ch in "{(") - (ch in "})")
        if depth == 0 and i > start and text.startswith(BREAKS, i) and "&" in text[:i]:
            pieces.append(text[start:i])
            start = i
    pieces.append(text[start:])
    out = [pieces[0]]
    for piece in pieces[1:]:
        if len(out[-1]) + len(piece) + 3 <= LATEX_WIDTH:
            out[-1] += piece
        else:
            out.append(r"  &\quad" + piece)
    return out


def settings_line(ex: Exercise, a: Arithmetic) -> str:
    """What produced the numbers, in one line."""
    if ex.is_general():
        return general_settings_line(ex, a)
    order = {"parallel": "parallel updates (gradient descent)",
             "sequential": "sequential updates (the hidden layer with the updated w5..w8)"}[a.order]  # fmt: skip
    values = f"b1 = {bias(ex.b1)}, b2 = {bias(ex.b2)}"
    biases = {"fixed": f"biases fixed ({values})", "shared": f"biases trained, one per layer (from {values})",
              "per-neuron": f"biases trained, one per neuron (from {values})"}[a.biases]  # fmt: skip
    return f"{order}, learning rate {given_text(ex.learning_rate)}, {biases}, {LOSSES[a.loss]}"


def general_settings_line(ex: Exercise, a: Arithmetic) -> str:
    """An exercise of another shape: its layers, activations, loss, examples, order and biases in one line."""
    order = {"parallel": "parallel updates (gradient descent)",
             "sequential": "sequential updates (each layer's deltas with the updated weights above)"}[a.order]
    layers = "-".join(map(str, ex.layers))
    rows = general.rows(ex)
    many = (f", {len(rows)} training examples, {'summed' if ex.reduction == 'sum' else 'averaged'}"
            if len(rows) > 1 else "")  # fmt: skip
    values = ", ".join(f"b{i} = {', '.join(given_text(v) for v in sorted(set(b), key=b.index))}"
                       for i, b in enumerate((ex.b1, ex.b2, ex.b3), 1) if b)  # fmt: skip
    biases = {"none": "no biases", "fixed": f"biases fixed ({values})",
              "shared": f"biases trained, one per layer (from {values})",
              "per-neuron": f"biases trained, one per neuron (from {values})"}[a.biases]  # fmt: skip
    return (f"layers {layers} ({', '.join(ex.activations)}){many}, {order}, learning rate "
            f"{given_text(ex.learning_rate)}, {biases}, {general.LOSS_TEXT[ex.loss]}")


def bias(b) -> str:
    return given_text(b[0], 2) if b[0] == b[1] else f"{given_text(b[0])}, {given_text(b[1])}"


def given_text(v: float, decimals: int | None = None) -> str:
    """A number the user gave, never rounded: with `decimals` when they hold it exactly (0.60), else :g when
    that is exact (0.5), else in full (0.355, 0.1234567)."""
    for text in ([f"{v:.{decimals}f}"] if decimals is not None else []) + [f"{v:g}"]:
        if float(text) == v:
            return text
    return repr(float(v))


def printed(all_lines) -> list:
    """The lines the formats print (not the hidden deltas that only --check reads)."""
    return [line for line in all_lines if line.printed]


def by_update(all_lines):
    """[(k, [lines of update k])]."""
    updates = {}
    for line in printed(all_lines):
        updates.setdefault(line.update, []).append(line)
    return list(updates.items())


def text(ex: Exercise, a: Arithmetic, all_lines, found: dict, digits: int, beside=None) -> list[str]:
    """The written-out example as text, each line `name = formula = value`; beside(key, value) adds a note."""
    out = []
    for k, update in by_update(all_lines):
        out += ["", f"=== update {k}: from iteration {k - 1} to iteration {k} ==="]
        section = None
        width = max(17, *(len(line.key) for line in update))
        formulas = max(45, *(len(formula_text(line)) for line in update))
        for line in update:
            if line.section != section:
                out.append(f"-- {line.section}")
                section = line.section
            note = beside(line.key, found[line.key]) if beside else ""
            formula = formula_text(line)
            out.append(f"  {line.key:<{width}} = {formula:<{formulas}} = {found[line.key]: .{digits}f}{note}")
    return out


def markdown(all_lines, found: dict, digits: int) -> list[str]:
    """One table per update: name, formula, value (the value rounded to `digits` decimals)."""
    out = []
    for k, update in by_update(all_lines):
        out += ["", f"**Update {k}** (from iteration {k - 1} to iteration {k})", "",
                "| name | formula | value |", "|---|---|---:|"]  # fmt: skip
        for line in update:
            formula = formula_text(line).replace("|", "\\|")
            out.append(f"| `{line.key}` | `{formula}` | {found[line.key]:.{digits}f} |")
    return out


def latex(all_lines, found: dict, digits: int) -> list[str]:
    """One align* block: a line per value, its formula, the numbers substituted and the result."""
    out = [r"\begin{align*}"]
    for k, update in by_update(all_lines):
        if k > 1:
            out.append(rf"\intertext{{Update {k}: from iteration {k - 1} to iteration {k}}}")
        out += [latex_line(line, found, digits) for line in update]
    out[-1] = out[-1].removesuffix(r" \\")
    return [*out, r"\end{align*}"]
