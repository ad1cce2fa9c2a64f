"""An exercise of any shape drawn from our numbers (general.py's exercises; diagram.py draws the post's 2-2-2).

Inputs on the left, one or two hidden layers, the outputs on the right, up to 6 neurons a layer, each
layer's biases as their own node below the layer they feed. Each edge carries its weight's name (and value)
in the post's numbering carried to any shape (w1 = i1→h1, w2 = i2→h1, …, layer after layer); its width is
proportional to |w| and its colour gives the sign, as in diagram.py.

No text may run into another, whatever the shape: the layout is worked out from the texts' sizes. An
edge's label sits in the column of labels of its source neuron: the labels of the edges leaving neuron k
of a layer stand at one x, between those of neuron k − 1 and k + 1, each on its edge; the gap between two
layers is as wide as its columns of labels need, and the neurons stand far enough apart that the labels of
one column, on edges fanning out, clear each other.

    network_figure(ex, runs, n)        iteration 0 and iteration n of each order
    backward_pass_figure(ex, orders)   the first update: the diagram, then each training example's forward
                                       values and deltas in a panel of its own, then the gradients (summed
                                       or averaged over the examples) and the new weights and biases
    animation_figure(ex, runs, frames) -> (Figure, update), as diagram.animation_figure

Gids as diagram.py's: "edge w7", "label w7", "neuron h1", "edge b1→h1", "marker parallel", "frame iteration";
each panel of values "panel example 2", "panel gradients".
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from types import SimpleNamespace

from matplotlib.figure import Figure

from backprop import diagram, general, general_training, written_out
from backprop.diagram import (
    CURVE_MARGINS,
    CURVE_WIDTH,
    LABEL_STYLE,
    NEGATIVE,
    NODE_STYLE,
    POSITIVE,
    UNDERLAY,
    error_curve,
    fixed,
    iteration_title,
    number,
)
from backprop.training import diverged

FONT = 7.5  # points
CHAR = 0.072  # inches: the widest character (a digit) at FONT, rounded up
LINE = 0.165  # inches: one line of text at FONT, with its spacing
PAD = 0.12  # inches: a box's padding, both sides together
MAX_LINES = 18  # a panel of values: at most this many lines a column


def size_of(text: str, padded: bool = True) -> tuple:
    """(width, height) in inches a text takes, its box included."""
    lines = text.split("\n")
    extra = PAD * 2 if padded else 0.0
    return CHAR * max(len(line) for line in lines) + extra, LINE * len(lines) + extra


# --- the numbers --------------------------------------------------------------------------------


def neuron_names(ex) -> list[list[str]]:
    return [general.neurons(ex, layer) for layer in range(len(ex.layers))]


def edges(ex) -> dict:
    """{w7: (source, destination)} in the post's numbering carried to any shape."""
    names = neuron_names(ex)
    found = {}
    for layer in range(1, len(ex.layers)):
        for j, to in enumerate(names[layer]):
            for k, source in enumerate(names[layer - 1]):
                found[general.weight_name(ex, layer, j, k)] = (source, to)
    return found


def bias_edges(ex) -> dict:
    """{b2→o1: (b2, o1)} for each layer with biases."""
    names = neuron_names(ex)
    return {f"b{layer}→{n}": (f"b{layer}", n) for layer in general_training.bias_layers(ex) for n in names[layer]}


@dataclass
class State:
    """Weights (flat, the post's numbering) and biases ({layer: per neuron}) of one moment of training."""

    iteration: int
    weights: list
    biases: dict

    @classmethod
    def of(cls, ex, iteration: int, state) -> State:
        weights, biases = general_training.unpack(ex, state)
        return cls(iteration, weights, biases)

    def values(self, ex) -> dict:
        """{'edge' name: value} of every weight and bias edge."""
        found = {f"w{i}": w for i, w in enumerate(self.weights, start=1)}
        for layer, bs in self.biases.items():
            found.update({f"b{layer}→{n}": b for n, b in zip(general.neurons(ex, layer), bs, strict=True)})
        return found


def forward(ex, s: State) -> list[dict]:
    """Each example's {neuron: (net, out)}."""
    found = []
    for x, _ in general.rows(ex):
        values = {n: (None, v) for n, v in zip(general.neurons(ex, 0), x, strict=True)}
        below = list(x)
        for layer in range(1, len(ex.layers)):
            kind = ex.activations[layer - 1]
            nets = []
            for j in range(ex.layers[layer]):
                total = sum(s.weights[int(general.weight_name(ex, layer, j, k)[1:]) - 1] * v
                            for k, v in enumerate(below))  # fmt: skip
                nets.append(total + s.biases.get(layer, [0.0] * ex.layers[layer])[j])
            outs = [general.softmax(nets, j) if kind == "softmax" else general.activate(kind, v)
                    for j, v in enumerate(nets)]  # fmt: skip
            values.update({n: (z, a) for n, z, a in zip(general.neurons(ex, layer), nets, outs, strict=True)})
            below = outs
        found.append(values)
    return found


# --- the layout -----------------------------------------------------------------------------------


@dataclass
class Layout:
    width: float
    height: float
    nodes: dict  # name -> (x, y) in inches
    label_at: dict  # weight name -> (x, y)
    widest: float = 6.0


def layout(ex, neuron_texts: dict, label_texts: dict, bias_texts: dict, side_texts: dict, top: float) -> Layout:
    """Where everything goes, from the sizes of the texts to be drawn (the longest a figure shows)."""
    names = neuron_names(ex)
    nw = max(size_of(t)[0] for t in neuron_texts.values())
    nh = max(size_of(t)[1] for t in neuron_texts.values())
    lw = max(size_of(t)[0] for t in label_texts.values())
    lh = max(size_of(t)[1] for t in label_texts.values())
    bw = max((size_of(t)[0] for t in bias_texts.values()), default=0.0)
    bh = max((size_of(t)[1] for t in bias_texts.values()), default=0.0)
    gaps, firsts = [], []
    for layer in range(1, len(ex.layers)):
        sources = ex.layers[layer - 1]
        first = nw / 2 + 0.1 + lw / 2  # the first column of labels, from the source neuron's centre
        gap = max(2 * first + (sources - 1) * (lw + 0.08), bw + 0.6, 2.2)
        gaps.append(gap)
        firsts.append(first)
    # The labels of one column, on edges fanning out from one neuron, stand f · dy apart (f: how far along).
    dy = max(nh + 0.3, *((lh + 0.06) * gap / first for gap, first in zip(gaps, firsts, strict=True)))
    most = max(ex.layers)
    left = nw / 2 + 0.15
    xs = [left]
    for gap in gaps:
        xs.append(xs[-1] + gap)
    side = max((size_of(t, padded=False)[0] for t in side_texts.values()), default=0.0)
    width = xs[-1] + nw / 2 + (side + 0.35 if side else 0.15)
    bias_room = (bh + 0.35) if bh else 0.0
    column_height = (most - 1) * dy
    bottom = 0.15 + bias_room + max(nh, lh) / 2 + 0.1
    height = bottom + column_height + nh / 2 + top + 0.1
    middle = bottom + column_height / 2
    nodes = {}
    for layer, layer_names in enumerate(names):
        for j, n in enumerate(layer_names):
            nodes[n] = (xs[layer], middle + ((len(layer_names) - 1) / 2 - j) * dy)
    for layer in general_training.bias_layers(ex):
        nodes[f"b{layer}"] = (xs[layer] - gaps[layer - 1] / 2, 0.15 + bh / 2)
    label_at = {}
    for name, (source, to) in edges(ex).items():
        layer = names.index(next(ns for ns in names if to in ns))
        k = names[layer - 1].index(source)
        (x0, y0), (x1, y1) = nodes[source], nodes[to]
        x = x0 + firsts[layer - 1] + k * (lw + 0.08)
        label_at[name] = (x, y0 + (x - x0) / (x1 - x0) * (y1 - y0))
    return Layout(width, height, nodes, label_at)


def panel_axes(fig: Figure, left: float, bottom: float, width: float, height: float):
    w, h = fig.get_figwidth(), fig.get_figheight()
    ax = fig.add_axes((left / w, bottom / h, width / w, height / h))
    ax.set_xlim(0, width)
    ax.set_ylim(0, height)
    ax.set_axis_off()
    return ax


class Diagram:
    """The drawn network on one axes; update(state) shows another state (edge widths, colours, texts)."""

    def __init__(self, ax, ex, lay: Layout, scale: float):
        self.ax, self.ex, self.layout, self.scale = ax, ex, lay, scale
        self.edges, self.labels, self.neurons, self.sides = {}, {}, {}, {}
        for name, (a, b) in {**edges(ex), **bias_edges(ex)}.items():
            (x0, y0), (x1, y1) = lay.nodes[a], lay.nodes[b]
            ax.plot([x0, x1], [y0, y1], **UNDERLAY)
            (self.edges[name],) = ax.plot([x0, x1], [y0, y1], solid_capstyle="butt", zorder=2, gid=f"edge {name}")
        for name in edges(ex):
            x, y = lay.label_at[name]
            self.labels[name] = ax.text(x, y, name, ha="center", va="center", fontsize=FONT, zorder=4,
                                        bbox=LABEL_STYLE, gid=f"label {name}")  # fmt: skip
        for name, (x, y) in lay.nodes.items():
            self.neurons[name] = ax.text(x, y, name, ha="center", va="center", fontsize=FONT, zorder=5,
                                         bbox=NODE_STYLE, linespacing=1.25, gid=f"neuron {name}")  # fmt: skip
        self.title = ax.text(0.05, lay.height - 0.05, "", ha="left", va="top", fontsize="medium", gid="panel title")

    def side(self, name: str, text: str) -> None:
        """A text right of an output neuron (its target and error)."""
        if name not in self.sides:
            x, y = self.layout.nodes[name]
            nw = self.neurons[name]
            del nw
            self.sides[name] = self.ax.text(x + self.side_offset, y, "", ha="left", va="center", fontsize=FONT,
                                            gid=f"target {name}")  # fmt: skip
        self.sides[name].set_text(text)

    side_offset = 1.0

    def show(self, s: State, values: bool = True) -> None:
        """Edge widths and colours of state s; with values, each weight's value on its label."""
        for name, value in s.values(self.ex).items():
            edge = self.edges[name]
            edge.set_linewidth(self.scale * abs(value))
            edge.set_color(POSITIVE if value >= 0 else NEGATIVE)
        for name, value in zip(edges(self.ex), s.weights, strict=True):
            self.labels[name].set_text(f"{name} = {number(value)}" if values else name)


# --- the texts ------------------------------------------------------------------------------------


def bias_text(ex, layer: int, values, after=None) -> str:
    a = SimpleNamespace(biases=ex.biases)
    names = general.bias_names(ex, layer, a)
    lines = []
    for name in sorted(set(names), key=names.index):
        v = values[names.index(name)]
        line = f"{name} = {number(v)}"
        if after is not None:
            line += f" → {number(after[names.index(name)])}"
        lines.append(line)
    return "\n".join(lines)


def neuron_text(ex, name: str, values: dict | None) -> str:
    """A neuron's name, with one training example its net input and output (the inputs: their value)."""
    if values is None or len(general.rows(ex)) > 1:
        return name
    net, out = values[name]
    if net is None:
        return f"{name} = {number(out)}"
    return f"{name}\nnet_{name} = {number(net)}\nout_{name} = {number(out)}"


def side_text(ex, name: str, values: dict | None, j: int) -> str:
    if values is None or len(general.rows(ex)) > 1:
        return ""
    t = general.rows(ex)[0][1][j]
    _, _, error = general.ERRORS[ex.loss]
    out = values[name][1]
    try:
        e = error(t, out, float(ex.layers[-1]))
    except (ValueError, ZeroDivisionError):
        e = float("inf")
    return f"target_{name} = {number(t)}\nE_{name} = {number(e)}"


def exercise_title(ex, description: str | None) -> str:
    shape = "-".join(map(str, ex.layers))
    head = description or f"A {shape} exercise"
    return head + "\n" + ex.describe()


def settings_text(ex) -> str:
    m = len(general.rows(ex))
    reduced = f", {'summed' if ex.reduction == 'sum' else 'averaged'} over {m} training examples" if m > 1 else ""
    return (f"learning rate η = {ex.learning_rate:g}, biases {ex.biases}, loss {ex.loss}{reduced}; "
            "iteration N = the state after N updates (iteration 0: the initial weights)")


def new_figure(width: float, body: float, title: str) -> Figure:
    """diagram.new_figure, the title wrapped to the figure's width (a wide exercise's title is long)."""
    title = "\n".join(textwrap.fill(line, max(40, int(width * 8.5))) for line in title.split("\n"))
    return diagram.new_figure(width, body, title)


def width_scale(ex, states, widest: float) -> float:
    largest = max(max((abs(v) for v in s.values(ex).values()), default=0.0) for s in states)
    return widest / largest if largest > 0 else 0.0


def diagram_panels(ex, states: list, titles: list, values: bool = True):
    """The Layout fitting every state's texts, and a function drawing state k into an axes."""
    names = [n for ns in neuron_names(ex) for n in ns]
    outputs = general.neurons(ex, len(ex.layers) - 1)
    forwards = [forward(ex, s)[0] if values else None for s in states]
    neuron_texts = {f"{n}{k}": neuron_text(ex, n, f) for k, f in enumerate(forwards) for n in names}
    label_texts = {f"{name}{k}": f"{name} = {number(w)}" if values else name
                   for k, s in enumerate(states) for name, w in zip(edges(ex), s.weights, strict=True)}  # fmt: skip
    bias_texts = {f"{layer}{k}": bias_text(ex, layer, s.biases[layer]) for k, s in enumerate(states)
                  for layer in s.biases}  # fmt: skip
    side_texts = {f"{n}{k}": side_text(ex, n, f, j) for k, f in enumerate(forwards) for j, n in enumerate(outputs)}
    side_texts = {k: v for k, v in side_texts.items() if v}
    lay = layout(ex, neuron_texts, label_texts, bias_texts, side_texts, top=0.45)
    nw = max(size_of(t)[0] for t in neuron_texts.values())

    def draw(ax, k: int, scale: float) -> Diagram:
        s, f = states[k], forwards[k]
        d = Diagram(ax, ex, lay, scale)
        d.side_offset = nw / 2 + 0.2
        d.show(s, values)
        for n in names:
            d.neurons[n].set_text(neuron_text(ex, n, f))
        for j, n in enumerate(outputs):
            text = side_text(ex, n, f, j)
            if text:
                d.side(n, text)
        for layer in s.biases:
            d.neurons[f"b{layer}"].set_text(bias_text(ex, layer, s.biases[layer]))
        d.title.set_text(titles[k])
        return d

    return lay, draw


# --- the figures ----------------------------------------------------------------------------------

GAP = 0.2


def network_figure(ex, runs: dict, n: int, description: str | None = None) -> Figure:
    """The exercise at iteration 0 and after n updates of each order (runs: {order: general_training.Run})."""
    first = next(iter(runs.values()))
    states = [State.of(ex, 0, first.initial_state), *(State.of(ex, n, r.state) for r in runs.values())]
    titles = [iteration_title("", 0), *(iteration_title(order, n) for order in runs)]
    lay, draw = diagram_panels(ex, states, titles)
    title = exercise_title(ex, description) + "\n" + settings_text(ex)
    fig = new_figure(len(states) * (lay.width + GAP) + GAP, lay.height, title)
    scale = width_scale(ex, states, lay.widest)
    for k in range(len(states)):
        draw(panel_axes(fig, GAP + k * (lay.width + GAP), 0, lay.width, lay.height), k, scale)
    return fig


def columns(lines: list[str]) -> list[str]:
    """The lines in columns of at most MAX_LINES, each column one text."""
    return ["\n".join(lines[i:i + MAX_LINES]) for i in range(0, len(lines), MAX_LINES)] or [""]


def example_lines(ex, v: dict, e: int) -> list[str]:
    """One training example's numbers of the first update: inputs, each neuron's net, out and delta, E."""
    tag = general.tag(ex, e)
    lines = ["  ".join(f"{n}{tag} = {number(v[f'{n}{tag}'])}" for n in general.neurons(ex, 0))]
    for layer in range(1, len(ex.layers)):
        for n in general.neurons(ex, layer):
            lines.append(f"net_{n}{tag} = {fixed(v[f'net_{n}{tag}'])}   out_{n}{tag} = {fixed(v[f'out_{n}{tag}'])}   "
                         f"delta_{n}{tag} = {fixed(v[f'delta_{n}{tag}'])}")  # fmt: skip
    for n in general.neurons(ex, len(ex.layers) - 1):
        lines.append(f"target_{n}{tag} = {number(v[f'target_{n}{tag}'])}   E_{n}{tag} = {fixed(v[f'E_{n}{tag}'])}")
    lines.append(f"E_total{tag} = {fixed(v[f'E_total{tag}'])}")
    return lines


def gradient_lines(ex, a, v: dict) -> list[str]:
    lines = []
    for i in range(1, len(ex.weights) + 1):
        lines.append(f"dE_total/dw{i} = {fixed(v[f'dE_total/dw{i}'])}   w{i}+ = {fixed(v[f'w{i}+'])}")
    if ex.biases in ("shared", "per-neuron"):
        for layer in general_training.bias_layers(ex):
            names = general.bias_names(ex, layer, a)
            for name in sorted(set(names), key=names.index):
                lines.append(f"dE_total/d{name} = {fixed(v[f'dE_total/d{name}'])}   {name}+ = {fixed(v[f'{name}+'])}")
    if len(general.rows(ex)) > 1:
        lines.append(f"E_total = {fixed(v['E_total'])} ({'summed' if ex.reduction == 'sum' else 'averaged'})")
    lines.append(f"E_total+ = {fixed(v['E_total+'])} (after the update)")
    return lines


ORDER_NOTES = {
    "parallel": "parallel order (gradient descent): every gradient at the weights before the update",
    "sequential": "sequential order: each layer steps first, the layer below takes its deltas with the updated "
    "weights above",
}


def backward_pass_figure(ex, orders, description: str | None = None) -> Figure:
    """The first update of each order: the diagram with the weights before and after, each example's forward
    values and deltas in a panel of its own, the gradients and the steps. written_out.NotFinite on overflow."""
    blocks = []  # per order: (diagram state, panels [(title, [column texts])])
    for order in orders:
        a = written_out.plain(ex, order)
        v = written_out.values(ex, a, 1)
        panels = [(f"example {e + 1}" if len(general.rows(ex)) > 1 else "the forward pass and the deltas",
                   columns(example_lines(ex, v, e))) for e in range(len(general.rows(ex)))]  # fmt: skip
        panels.append(("the gradients " + ("(summed over the examples) " if ex.reduction == "sum"
                                           and len(general.rows(ex)) > 1 else "(averaged over the examples) "
                                           if len(general.rows(ex)) > 1 else "") + "and the steps",
                       columns(gradient_lines(ex, a, v))))  # fmt: skip
        blocks.append((order, panels))
    start = State.of(ex, 0, general_training.initial_state(ex))
    lay, draw = diagram_panels(ex, [start], ["the network before the update"])
    def panel_size(cols) -> tuple:
        return (max(size_of(c, padded=False)[0] for c in cols) * len(cols) + 0.3 * len(cols),
                max(size_of(c, padded=False)[1] for c in cols) + 0.55)  # fmt: skip

    # Panels wrap into rows as wide as the diagram (or the widest single panel).
    width = max(lay.width, *(panel_size(cols)[0] for _, panels in blocks for _, cols in panels)) + 2 * GAP
    placed = []  # (order index, panel title, cols, x, y-row index)
    rows_height = []
    for b, (_, panels) in enumerate(blocks):
        x, row, row_heights = GAP, 0, [0.0]
        for title, cols in panels:
            w, h = panel_size(cols)
            if x + w > width and x > GAP:
                x, row = GAP, row + 1
                row_heights.append(0.0)
            placed.append((b, title, cols, x, row, w))
            row_heights[row] = max(row_heights[row], h)
            x += w + GAP
        rows_height.append(row_heights)
    body = lay.height + sum(sum(r) + 0.3 for r in rows_height)
    title = f"The first update on one picture. {exercise_title(ex, description)}\n{settings_text(ex)}"
    fig = new_figure(width, body, title)
    scale = width_scale(ex, [start], lay.widest)
    draw(panel_axes(fig, (width - lay.width) / 2, body - lay.height, lay.width, lay.height), 0, scale)
    top = body - lay.height
    for b, (order, _) in enumerate(blocks):
        heights = rows_height[b]
        note_ax = panel_axes(fig, GAP, top - 0.3, width - 2 * GAP, 0.3)
        note_ax.text(0, 0.15, ORDER_NOTES[order], ha="left", va="center", fontsize="medium", gid=f"order {order}")
        top -= 0.3
        for bb, title_text, cols, x, row, w in placed:
            if bb != b:
                continue
            y = top - sum(heights[: row + 1])
            ax = panel_axes(fig, x, y, w, heights[row])
            ax.text(0.05, heights[row] - 0.05, title_text, ha="left", va="top", fontsize=FONT + 1,
                    fontweight="bold", gid="panel title")  # fmt: skip
            cw = (w - 0.3 * len(cols)) / len(cols) + 0.3
            for c, text in enumerate(cols):
                ax.text(0.05 + c * cw, heights[row] - 0.35, text, ha="left", va="top", fontsize=FONT,
                        family="DejaVu Sans Mono", linespacing=1.25,
                        gid=f"panel {title_text.split(' (')[0]} {c + 1}")  # fmt: skip
        top -= sum(heights)
    return fig


def animation_figure(ex, runs: dict, frames: list[int], description: str | None = None):
    """The diagram of each order beside the error curve; update(k) shows frame k (iteration frames[k])."""
    snapshots = {order: {**r.snapshots, 0: r.initial_state, r.iterations: r.state} for order, r in runs.items()}
    states = {order: [State.of(ex, n, snapshots[order][n]) for n in frames] for order in runs}
    every_state = [s for ss in states.values() for s in ss]
    lay, draw = diagram_panels(ex, every_state, [""] * len(every_state), values=False)
    head, network = exercise_title(ex, description).split("\n", 1)
    title = f"{head}, learning\n{network}\n{settings_text(ex)}"
    left, right, bottom, top = CURVE_MARGINS
    diagrams_width = len(runs) * (lay.width + GAP)
    height = max(lay.height, 3.2)
    fig = new_figure(diagrams_width + left + CURVE_WIDTH + right, height, title)
    scale = width_scale(ex, every_state, lay.widest)
    diagrams = {order: draw(panel_axes(fig, GAP + k * (lay.width + GAP), 0, lay.width, lay.height), 0, scale)
                for k, order in enumerate(runs)}  # fmt: skip
    errors = {order: dict(r.recorded) for order, r in runs.items()}
    curves = {order: tuple(zip(*r.recorded, strict=True)) for order, r in runs.items()}
    ax, markers, label = error_curve(fig, diagrams_width, height, curves, frames[-1])

    def update(k: int) -> list:
        n = frames[k]
        for order in runs:
            s = states[order][k]
            diagrams[order].show(s, values=False)
            for layer in s.biases:
                diagrams[order].neurons[f"b{layer}"].set_text(bias_text(ex, layer, s.biases[layer]))
            diagrams[order].title.set_text(iteration_title(order, n))
            markers[order].set_data([n], [errors[order][n]])
        label.set_text(f"iteration {n:,}")
        return []

    update(0)
    return fig, update


# --- plot_network.py's figures for an exercise of any shape ----------------------------------------


def figures(args, ex, orders) -> dict:
    """{name: Figure} plot_network.py writes; training.TrainingDiverged when training overflows."""
    description = getattr(args, "example_description", None)
    shape = "-".join(map(str, ex.layers))  # in the file's name: the post's figures stay as they are
    if args.backward_pass:
        try:
            return {f"backward_pass_{shape}": backward_pass_figure(ex, orders, description)}
        except written_out.NotFinite as exc:
            raise diverged(1, ex.learning_rate, f"the first update ({exc})") from None
    n = args.iterations
    runs = {o: general_training.train(ex, o, n) for o in orders}
    return {f"network_diagram_{shape}": network_figure(ex, runs, n, description)}


def animation(args, ex, orders, frames: list, every: int):
    """(Figure, update) of --animate; training.TrainingDiverged when training overflows."""
    n = args.iterations
    runs = {o: general_training.train(ex, o, n, record_every=every, checkpoints=frames) for o in orders}
    return animation_figure(ex, runs, frames, getattr(args, "example_description", None))
