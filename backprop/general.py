"""The worked example written out for an exercise of any shape: every value of every update, as Lines.

The post's names carried to any shape (written_out.py writes the post's 2-2-2 itself): inputs i1..,
the first hidden layer h1.., a second hidden layer g1.., outputs o1..; net_h3, out_o2, E_o2, E_total,
dE_total/dout_o2, dout_o2/dnet_o2, delta_o2, delta_h3, delta_g1, dE_total/dw9, w9+. The weights are
numbered as in the post, carried to any shape: layer after layer, row by row of each layer's matrix
(destination neuron first). Biases b1 (the first layer after the inputs), b2, b3: one name a layer
(`b2`) when shared or equal and fixed, one a neuron (`b2[o1]`) otherwise. With several training
examples each per-example value carries its example, numbered from 1, before any @k: out_o1[2],
delta_h1[2]@3, E_total[2]; E_total is the reduced total; gradients and weights carry no example.

The order of the lines: the forward pass of every example; the errors; the output layer's deltas,
gradients (summed or averaged over the examples) and steps; then each hidden layer from the top down,
its deltas taken with the original weights above (parallel) or the already-updated ones
(sequential, Mazur's original; forward values and the deltas above are not recomputed).
"""

from __future__ import annotations

import math
import re

ALL_OUTPUTS = ("o1", "o2")  # Arithmetic.hidden_from's default: every output's part (one-output-only turns it)
SWAPPED = {"o1": "o2", "o2": "o1"}
LETTERS = {0: ("o",), 1: ("h", "o"), 2: ("h", "g", "o")}
HIDDEN_ACTIVATIONS = ("sigmoid", "tanh", "relu", "linear")
OUTPUT_ACTIVATIONS = (*HIDDEN_ACTIVATIONS, "softmax")
LOSS_TEXT = {
    "half-sse": "E = ½ Σ (t − y)²",
    "sse": "E = Σ (t − y)²",
    "mse": "E = (1/n) Σ (t − y)², the mean over the n outputs",
    "bce": "E = −Σ (t ln y + (1 − t) ln(1 − y)), binary cross-entropy",
    "ce": "E = −Σ t ln y, categorical cross-entropy",
}


def letters(ex) -> tuple:
    return LETTERS[len(ex.layers) - 2]


def neurons(ex, layer: int) -> list[str]:
    """The neurons of layer `layer` (0: the inputs i1..; 1..: h, g, o)."""
    letter = "i" if layer == 0 else letters(ex)[layer - 1]
    return [f"{letter}{j}" for j in range(1, ex.layers[layer] + 1)]


def weight_name(ex, layer: int, j: int, k: int) -> str:
    """The flat name of the weight from neuron k of layer − 1 to neuron j of `layer` (0-based j, k)."""
    offset = sum(ex.layers[m] * ex.layers[m - 1] for m in range(1, layer))
    return f"w{offset + j * ex.layers[layer - 1] + k + 1}"


def weight_count(layers) -> int:
    return sum(layers[m] * layers[m - 1] for m in range(1, len(layers)))


def rows(ex) -> list[tuple]:
    """[(inputs, targets)] of each training example."""
    xs = ex.inputs if isinstance(ex.inputs[0], tuple) else (ex.inputs,)
    ts = ex.targets if isinstance(ex.targets[0], tuple) else (ex.targets,)
    return list(zip(xs, ts, strict=True))


def tag(ex, e: int) -> str:
    """'' with one training example, else '[e]' (numbered from 1)."""
    return "" if len(rows(ex)) == 1 else f"[{e + 1}]"


def biases_of(ex, layer: int) -> tuple:
    return (ex.b1, ex.b2, ex.b3)[layer - 1]


def bias_names(ex, layer: int, a) -> tuple:
    """One name a neuron of `layer`: 'b2' for each when shared (or fixed and equal), else 'b2[o1]', …;
    () when the exercise has no biases."""
    values = biases_of(ex, layer)
    if not values or a.biases == "none":
        return ()
    if a.biases == "per-neuron" or len(set(values)) > 1:
        return tuple(f"b{layer}[{n}]" for n in neurons(ex, layer))
    return (f"b{layer}",) * len(values)


def givens(ex, a) -> dict:
    """The exercise's numbers, by name."""
    g = {}
    for e, (x, t) in enumerate(rows(ex)):
        g.update({f"{n}{tag(ex, e)}": v for n, v in zip(neurons(ex, 0), x, strict=True)})
        g.update({f"target_{n}{tag(ex, e)}": v for n, v in zip(neurons(ex, len(ex.layers) - 1), t, strict=True)})
    g.update({"η": ex.learning_rate, "n": float(ex.layers[-1]), "m": float(len(rows(ex)))})
    g.update({f"w{i + 1}": w for i, w in enumerate(ex.weights)})
    for layer in range(1, len(ex.layers)):
        g.update(zip(bias_names(ex, layer, a), biases_of(ex, layer), strict=False))
    return g


# --- the functions --------------------------------------------------------------------------------


def sigmoid(net: float) -> float:
    return 1.0 / (1.0 + math.exp(-net)) if net >= 0 else math.exp(net) / (1.0 + math.exp(net))


# out = f(net), by name (softmax, which takes the whole layer, is softmax() below).
ACTIVATIONS = {
    "sigmoid": sigmoid,
    "tanh": math.tanh,
    "relu": lambda net: max(0.0, net),
    "linear": lambda net: net,
}


def activate(kind: str, net: float) -> float:
    return ACTIVATIONS[kind](net)


def softmax(nets, j: int) -> float:
    top = max(nets)
    return math.exp(nets[j] - top) / sum(math.exp(v - top) for v in nets)


# The derivative dout/dnet: its text, LaTeX, whether it takes out (else net), and the function.
SLOPES = {
    "sigmoid": ("#0(1 − #0)", "#0(1 - #0)", "out", lambda y: y * (1 - y)),
    "tanh": ("1 − #0²", "1 - #0^2", "out", lambda y: 1 - y * y),
    "relu": ("1 if #0 > 0, else 0", r"[#0 > 0]", "net", lambda v: 1.0 if v > 0 else 0.0),
    "linear": ("1", "1", "net", lambda v: 1.0),
}

# E_o, and dE/dout: text, LaTeX, the function of (t, y, n).
ERRORS = {
    "half-sse": ("½(#0 − #1)²", r"\frac{1}{2}(#0 - #1)^2", lambda t, y, n: 0.5 * (t - y) ** 2),
    "sse": ("(#0 − #1)²", "(#0 - #1)^2", lambda t, y, n: (t - y) ** 2),
    "mse": ("(1/#2)(#0 − #1)²", r"\frac{1}{#2}(#0 - #1)^2", lambda t, y, n: (t - y) ** 2 / n),
    "bce": ("−(#0 ln #1 + (1 − #0) ln(1 − #1))", r"-(#0 \ln #1 + (1 - #0) \ln(1 - #1))",
            lambda t, y, n: -(t * math.log(y) + (1 - t) * math.log(1 - y))),
    "ce": ("−#0 ln #1", r"-#0 \ln #1", lambda t, y, n: -t * math.log(y)),
}
DERIVATIVES = {
    "half-sse": ("−(#0 − #1)", "-(#0 - #1)", lambda t, y, n: -(t - y)),
    "sse": ("−2(#0 − #1)", "-2(#0 - #1)", lambda t, y, n: -2 * (t - y)),
    "mse": ("−(2/#2)(#0 − #1)", r"-\frac{2}{#2}(#0 - #1)", lambda t, y, n: -2 * (t - y) / n),
    "bce": ("−(#0/#1 − (1 − #0)/(1 − #1))", r"-(\frac{#0}{#1} - \frac{1 - #0}{1 - #1})",
            lambda t, y, n: -(t / y - (1 - t) / (1 - y))),
}


def terms(count: int, width: int, joint: str, latex: bool = False) -> str:
    """'#0 * #1 + #2 * #3' for count products of width factors."""
    times = r" \cdot " if latex else " * "
    return joint.join(times.join(f"#{i * width + f}" for f in range(width)) for i in range(count))


# --- the lines ------------------------------------------------------------------------------------


def update_lines(ex, a, k: int, line_class, key) -> list:
    """The lines of update k of an exercise of any shape (see the module's docstring)."""
    eta = "η" if a.step_factor is None else None
    out = []
    depth = len(ex.layers) - 1  # the layers after the inputs
    examples = range(len(rows(ex)))
    acts = ex.activations
    reduction = ex.reduction
    if a.reduction_swapped:
        reduction = {"sum": "mean", "mean": "sum"}[reduction]
    one = a.one_example and len(examples) > 1
    used = [0] if one else list(examples)
    mean = reduction == "mean" and len(used) > 1

    def now(name):
        return key(name, k)

    def before(name):  # a weight or bias as update k finds it (a fixed bias stays the given one)
        fixed = name.startswith("b") and a.biases == "fixed"
        return name if k == 1 or fixed else key(name + "+", k - 1)

    def add(section, name, text, latex, operands, function, substitute=True):
        out.append(line_class(k, section, name, text, latex, tuple(operands), function, substitute))

    def write(value):
        return value if a.rounding is None else round(value, a.rounding)

    def t_of(t):
        return float(math.floor(t + 0.5)) if a.targets_rounded else t

    def target(n, s):  # the target the student takes for output n (targets-swapped: o1's for o2, o2's for o1)
        return f"target_{SWAPPED.get(n, n) if a.targets_swapped else n}{s}"

    def reduced(count, width, latex=False):  # the formula of a gradient: summed or averaged over examples
        text = terms(count, width, " + ", latex)
        if not mean:
            return text
        # LaTeX in square brackets, which a long line may break within (written_out.broken keeps to parentheses)
        return rf"\frac{{1}}{{#{count * width}}}[{text}]" if latex else f"(1/#{count * width})({text})"

    def reduce(parts, width):  # the function of a gradient over `parts` products of `width` factors
        def function(*v):
            total = 0.0
            for i in range(len(parts) if width else 0):
                p = 1.0
                for f in range(width):
                    p *= v[i * width + f]
                total += p
            return write(total / len(parts) if mean else total)

        return function

    trained = a.biases in ("shared", "per-neuron")
    names = {layer: bias_names(ex, layer, a) for layer in range(1, depth + 1)}

    def slope_line(section, n, s, kind):
        text, latex, takes, f = SLOPES[kind]
        if kind == "sigmoid" and a.slope_of == "net":
            takes = "net"
        if kind == "tanh" and a.tanh_derivative:
            f = SLOPES["sigmoid"][3]
        if kind == "relu" and a.relu_derivative:
            f = SLOPES["linear"][3]
        add(section, f"dout_{n}/dnet_{n}{s}", text, latex, [now(f"{takes}_{n}{s}")], lambda v: write(f(v)))

    # The forward pass.
    section = "The forward pass"
    for e in examples:
        s = tag(ex, e)
        for layer in range(1, depth + 1):
            below = [f"{n}{s}" if layer == 1 else now(f"out_{n}{s}") for n in neurons(ex, layer - 1)]
            kind = acts[layer - 1]
            keep = 0.0 if f"b{layer}" in a.bias_dropped else 1.0
            bias = names[layer]
            for j, n in enumerate(neurons(ex, layer)):
                ws = [before(weight_name(ex, layer, j, i)) for i in range(len(below))]
                operands = [x for pair in zip(ws, below, strict=True) for x in pair]
                text, latex = terms(len(below), 2, " + "), terms(len(below), 2, " + ", True)
                if bias:
                    operands.append(before(bias[j]))
                    text += f" + #{len(operands) - 1}*1"
                    latex += rf" + #{len(operands) - 1} \cdot 1"
                text = text.replace(" * ", "*")

                def net(*v, count=len(below), has_bias=bool(bias), keep=keep):  # noqa: B008
                    total = sum(v[2 * i] * v[2 * i + 1] for i in range(count))
                    return write(total + (keep * v[-1] if has_bias else 0.0))

                add(section, f"net_{n}{s}", text, latex, operands, net)
                if kind != "softmax":
                    text, latex = {"sigmoid": ("1/(1 + e^-#0)", r"\frac{1}{1 + e^{-#0}}"),
                                   "tanh": ("tanh(#0)", r"\tanh(#0)"), "relu": ("max(0, #0)", r"\max(0, #0)"),
                                   "linear": ("#0", "#0")}[kind]  # fmt: skip
                    add(section, f"out_{n}{s}", text, latex, [now(f"net_{n}{s}")],
                        lambda v, kind=kind: write(activate(kind, v)))  # fmt: skip
            if kind == "softmax":
                nets = [now(f"net_{n}{s}") for n in neurons(ex, layer)]
                bottom = " + ".join(f"e^#{i + 1}" for i in range(len(nets)))
                low = " + ".join(f"e^{{#{i + 1}}}" for i in range(len(nets)))
                for j, n in enumerate(neurons(ex, layer)):
                    # more than three outputs: a bracket a long LaTeX line may break within, not a fraction
                    tex = rf"\frac{{e^{{#0}}}}{{{low}}}" if len(nets) <= 3 else rf"e^{{#0}} \cdot [{low}]^{{-1}}"
                    add(section, f"out_{n}{s}", f"e^#0/({bottom})", tex,
                        [nets[j], *nets], lambda *v, j=j: write(softmax(v[1:], j)))  # fmt: skip

    # The total error.
    section = "Calculating the total error"
    outputs = neurons(ex, depth)
    text, latex, error = ERRORS[ex.loss]
    for e in examples:
        s = tag(ex, e)
        for n in outputs:
            add(section, f"E_{n}{s}", text, latex, [target(n, s), now(f"out_{n}{s}"), "n"],
                lambda t, y, count: write(a.error_factor * error(t_of(t), y, count)))  # fmt: skip
        add(section, f"E_total{s}", terms(len(outputs), 1, " + "), terms(len(outputs), 1, " + "),
            [now(f"E_{n}{s}") for n in outputs], lambda *v: write(sum(v)))  # fmt: skip
    if len(examples) > 1:
        parts = [now(f"E_total{tag(ex, e)}") for e in used]
        add(section, "E_total", reduced(len(parts), 1), reduced(len(parts), 1, True), parts + (["m"] if mean else []),
            reduce(parts, 1))  # fmt: skip

    # The backwards pass, from the output layer down.
    factor = a.error_sign * a.derivative_factor
    for layer in range(depth, 0, -1):
        kind = acts[layer - 1]
        layer_neurons = neurons(ex, layer)
        if layer == depth:
            section = "The backwards pass: output layer"
        else:
            above = [weight_name(ex, layer + 1, j, i) for j in range(ex.layers[layer + 1])
                     for i in range(ex.layers[layer])]  # fmt: skip
            which = "original" if a.order == "parallel" else "updated"
            plus = "" if a.order == "parallel" else "+"
            section = (f"The backwards pass: hidden layer {layers_word(ex, layer)} (with the {which} "
                       f"{above[0]}{plus}..{above[-1]}{plus})")  # fmt: skip
        for e in examples:
            s = tag(ex, e)
            for j, n in enumerate(layer_neurons):
                if layer == depth:
                    if ex.loss == "ce":  # softmax and cross-entropy: delta = out − target
                        def delta(t, y, f=factor):
                            d = f * (y - t_of(t))
                            return write(d * y * (1 - y) if a.softmax_as_sigmoid else d)

                        add(section, f"delta_{n}{s}", "#1 − #0", "#1 - #0", [target(n, s), now(f"out_{n}{s}")],
                            delta)  # fmt: skip
                        continue
                    text, latex, derivative = DERIVATIVES[ex.loss]
                    add(section, f"dE_total/dout_{n}{s}", text, latex, [target(n, s), now(f"out_{n}{s}"), "n"],
                        lambda t, y, count, d=derivative: write(factor * d(t_of(t), y, count)))  # fmt: skip
                else:
                    above_neurons = neurons(ex, layer + 1)
                    # one-output-only: the layer below the outputs takes one output's part alone
                    keep = [layer + 1 < depth or a.hidden_from == ALL_OUTPUTS or m in a.hidden_from
                            for m in above_neurons]  # fmt: skip
                    operands = []
                    for jj, m in enumerate(above_neurons):
                        w = weight_name(ex, layer + 1, jj, j)
                        operands += [now(f"delta_{m}{s}"), before(w) if a.order == "parallel" else now(w + "+")]
                    add(section, f"dE_total/dout_{n}{s}", terms(len(above_neurons), 2, " + "),
                        terms(len(above_neurons), 2, " + ", True), operands,
                        reduce_plain(len(above_neurons), write, keep))  # fmt: skip
                slope_line(section, n, s, kind)
                if layer == depth and not a.output_slope:
                    add(section, f"delta_{n}{s}", "#0 * #1", r"#0 \cdot #1",
                        [now(f"dE_total/dout_{n}{s}"), now(f"dout_{n}/dnet_{n}{s}")], lambda d, _s: write(d))
                else:
                    add(section, f"delta_{n}{s}", "#0 * #1", r"#0 \cdot #1",
                        [now(f"dE_total/dout_{n}{s}"), now(f"dout_{n}/dnet_{n}{s}")], lambda d, q: write(d * q))
        # The gradients, reduced over the examples, and the steps.
        below = neurons(ex, layer - 1)
        updated = []
        for j, n in enumerate(layer_neurons):
            for i, b in enumerate(below):
                w = weight_name(ex, layer, j, i)
                operands = []
                for e in used:
                    s = tag(ex, e)
                    operands += [now(f"delta_{n}{s}"), f"{b}{s}" if layer == 1 else now(f"out_{b}{s}")]
                add(section, f"dE_total/d{w}", reduced(len(used), 2), reduced(len(used), 2, True),
                    operands + (["m"] if mean else []), reduce(used, 2))  # fmt: skip
                updated.append(w)
        bias = names[layer]
        if trained and bias:
            for name in sorted(set(bias), key=bias.index):
                whose = [n for n, b in zip(layer_neurons, bias, strict=True) if b == name]
                operands = [now(f"delta_{n}{tag(ex, e)}") for e in used for n in whose]
                add(section, f"dE_total/d{name}", reduced(len(operands), 1), reduced(len(operands), 1, True),
                    operands + (["m"] if mean else []), reduce_over(len(used), len(operands), mean, write))  # fmt: skip
            updated += sorted(set(bias))
        for w in updated:
            gradient = now(f"dE_total/d{w}")
            if eta is None:
                add(section, f"{w}+", "#0 − #1", "#0 - #1", [before(w), gradient],
                    lambda v, g: write(v - a.update_sign * a.step_factor * g))  # fmt: skip
            else:
                add(section, f"{w}+", "#0 − #1 * #2", r"#0 - #1 \cdot #2", [before(w), eta, gradient],
                    lambda v, r, g: write(v - a.update_sign * r * g))  # fmt: skip

    # The error after the update.
    after = [now(f"w{i}+") for i in range(1, len(ex.weights) + 1)]
    bias_after = []
    for layer in range(1, depth + 1):
        bias_after += [now(f"{b}+") if trained else b for b in names[layer]]
    inputs = [name for name in givens(ex, a) if name[0] == "i" or name.startswith("target_")]
    add("After the update", "E_total+", "E_total at the updated weights", r"E_{total}(w^{+})",
        [*after, *bias_after, *inputs], lambda *v: write(error_at(ex, a, v)), substitute=False)  # fmt: skip
    return out


def reduce_plain(count, write, keep=None):
    def function(*v):
        return write(sum(v[2 * i] * v[2 * i + 1] for i in range(count) if keep is None or keep[i]))

    return function


def reduce_over(examples: int, count: int, mean: bool, write):
    def function(*v):
        total = sum(v[:count])
        return write(total / examples if mean else total)

    return function


def layers_word(ex, layer: int) -> str:
    return letters(ex)[layer - 1]


def forward(ex, a, weights, biases, x) -> tuple:
    """The outputs of one example: weights flat, biases {layer: per-neuron values}."""
    below = list(x)
    for layer in range(1, len(ex.layers)):
        kind = ex.activations[layer - 1]
        keep = 0.0 if f"b{layer}" in a.bias_dropped else 1.0
        nets = []
        for j in range(ex.layers[layer]):
            total = sum(weights[int(weight_name(ex, layer, j, i)[1:]) - 1] * v for i, v in enumerate(below))
            nets.append(total + keep * biases.get(layer, [0.0] * ex.layers[layer])[j])
        below = [softmax(nets, j) for j in range(len(nets))] if kind == "softmax" else [activate(kind, v) for v in nets]
    return below


def error_at(ex, a, v) -> float:
    """E_total (reduced over the examples) at the weights, biases, inputs and targets in v."""
    count = len(ex.weights)
    weights = v[:count]
    at = count
    biases = {}
    for layer in range(1, len(ex.layers)):
        names = bias_names(ex, layer, a)
        biases[layer] = list(v[at:at + len(names)]) if names else [0.0] * ex.layers[layer]
        at += len(names)
    given = v[at:]
    n_in, n_out = ex.layers[0], ex.layers[-1]
    width = n_in + n_out
    examples = [(given[r * width:r * width + n_in], given[r * width + n_in:(r + 1) * width])
                for r in range(len(given) // width)]  # fmt: skip
    reduction = ex.reduction
    if a.reduction_swapped:
        reduction = {"sum": "mean", "mean": "sum"}[reduction]
    if a.one_example:
        examples = examples[:1]
    _, _, error = ERRORS[ex.loss]
    totals = []
    for x, t in examples:
        y = forward(ex, a, weights, biases, x)
        t = [t[1], t[0], *t[2:]] if a.targets_swapped and len(t) > 1 else t
        ts = [float(math.floor(u + 0.5)) if a.targets_rounded else u for u in t]
        totals.append(a.error_factor * sum(error(u, w, float(n_out)) for u, w in zip(ts, y, strict=True)))
    return sum(totals) / len(totals) if reduction == "mean" and len(totals) > 1 else sum(totals)


def letters_of(layers) -> tuple:
    return LETTERS[len(layers) - 2]


def matrix_name(ex, key: str) -> str | None:
    """The matrix form handouts write for a value, layer l counted from 1 at the first hidden layer:
    net_h1 -> z_1^{(1)}, out_o2[2]@3 -> a_2^{(2)}[2]@3, delta_h1 -> \\delta_1^{(1)}, i1 -> a_1^{(0)},
    w7+ -> w_{1,2}^{(2)}+, dE_total/dw7 -> dE_total/dw_{1,2}^{(2)}; None for another name."""
    m = re.fullmatch(r"(net|out|delta)_([hgo])(\d+)(\[\d+\])?((?:@\d+)?)", key)
    if m:
        layer = letters(ex).index(m.group(2)) + 1
        symbol = {"net": "z", "out": "a", "delta": r"\delta"}[m.group(1)]
        return f"{symbol}_{m.group(3)}^{{({layer})}}{m.group(4) or ''}{m.group(5)}"
    m = re.fullmatch(r"i(\d+)(\[\d+\])?", key)
    if m:
        return f"a_{m.group(1)}^{{(0)}}{m.group(2) or ''}"
    m = re.fullmatch(r"(dE_total/d)?w(\d+)(\+?)((?:@\d+)?)", key)
    if m:
        index = int(m.group(2))
        for layer in range(1, len(ex.layers)):
            for j in range(ex.layers[layer]):
                for k in range(ex.layers[layer - 1]):
                    if weight_name(ex, layer, j, k) == f"w{index}":
                        return f"{m.group(1) or ''}w_{{{j + 1},{k + 1}}}^{{({layer})}}{m.group(3)}{m.group(4)}"
    return None
