"""Mazur's 2-2-2 network drawn from our numbers: the post's diagram with live values.

Inputs on the left, the hidden layer in the middle, the outputs on the right, b1 and b2
as their own nodes below, as the post draws it. Each edge carries its weight's name and
value; its width is proportional to |w| (one scale for every panel of a figure, so that
widths compare across panels and frames) and its colour gives the sign: the two ends of
Paul Tol's colour-blind-safe diverging scheme BuRd, blue for w >= 0, red for w < 0.
Each neuron shows its net input and output.

    network_figure(trajectories, n)     iteration 0 and iteration n of each order
    backward_pass_figure(steps)         the first update on one picture, in the post's names
    animation_figure(trajectories, iterations) -> (Figure, update): update(k) redraws the
                                        diagrams and the error marker for frame k by changing
                                        the existing artists, not by drawing the figure again

Every artist a reader may want back has a gid: "edge w5", "label w5", "neuron h1",
"edge b1→h1", "marker parallel", "frame iteration" (tests read the drawn numbers back).
Positions and sizes are in inches (an axes whose data units are inches), so the layout
holds at every --dpi, and no layout engine measures the texts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.animation import PillowWriter
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

from backprop import exercise, plotting
from backprop.training import Trajectory
from backprop.worked_example import WEIGHT_NAMES, Step, output_errors

POSITIVE = "#2166AC"  # Paul Tol's BuRd, blue end: w >= 0
NEGATIVE = "#B2182B"  # its red end: w < 0
NODE_STYLE = dict(boxstyle="round,pad=0.35", facecolor="white", edgecolor="#444444", linewidth=1.0)
LABEL_STYLE = dict(boxstyle="round,pad=0.15", facecolor="white", edgecolor="none")
UNDERLAY = dict(color="#DDDDDD", linewidth=0.6, zorder=1)  # keeps an edge of a tiny weight visible

# Where w1..w8 go, in the post's numbering (exercise.WEIGHTS_HELP): name -> (from, to).
EDGES = {
    "w1": ("i1", "h1"), "w2": ("i2", "h1"), "w3": ("i1", "h2"), "w4": ("i2", "h2"),
    "w5": ("h1", "o1"), "w6": ("h2", "o1"), "w7": ("h1", "o2"), "w8": ("h2", "o2"),
}  # fmt: skip
BIAS_EDGES = {"b1→h1": ("b1", "h1"), "b1→h2": ("b1", "h2"), "b2→o1": ("b2", "o1"), "b2→o2": ("b2", "o2")}
MINUS = str.maketrans("-", "−")


def number(value: float, digits: int = 6) -> str:
    """A value with `digits` significant digits and a true minus sign: 0.593270, −3.91877, 3.51019e−05."""
    return f"{value:.{digits}g}".translate(MINUS)


def fixed(value: float) -> str:
    """A value as the post prints its worked example: 9 decimals."""
    return f"{value:.9f}".translate(MINUS)


# --- the numbers drawn ------------------------------------------------------------------------


@dataclass(frozen=True)
class State:
    """One state of the network: weights and biases, and the forward pass at them."""

    iteration: int
    x: np.ndarray  # i1, i2
    target: np.ndarray
    w1: np.ndarray  # [[w1, w2], [w3, w4]]
    w2: np.ndarray  # [[w5, w6], [w7, w8]]
    b1: np.ndarray  # per neuron h1, h2
    b2: np.ndarray
    out_h: np.ndarray
    out_o: np.ndarray
    loss: str = "half-sse"

    @property
    def weights(self) -> dict:
        return dict(zip(WEIGHT_NAMES, [*self.w1.ravel(), *self.w2.ravel()], strict=True))

    @property
    def biases(self) -> dict:
        """The value on each bias edge."""
        return {"b1→h1": self.b1[0], "b1→h2": self.b1[1], "b2→o1": self.b2[0], "b2→o2": self.b2[1]}

    @property
    def net_h(self) -> np.ndarray:
        return self.w1 @ self.x + self.b1

    @property
    def net_o(self) -> np.ndarray:
        return self.w2 @ self.out_h + self.b2

    @property
    def E_o(self) -> np.ndarray:  # the post's E_o1, E_o2
        return output_errors(self.out_o, self.target, self.loss)


def state(t: Trajectory, n: int) -> State:
    """The state after n updates, from a Trajectory that recorded iteration n."""
    r = t.row(n)
    return State(n, t.x, t.target, t.w1[r], t.w2[r], t.b1[r], t.b2[r], t.hidden[r], t.output[r], t.loss)


def width_scale(states, widest: float) -> float:
    """Points of edge width per unit of |w|: the largest |w| or |b| of all the states gets `widest` points."""
    largest = max(max(abs(v) for v in [*s.weights.values(), *s.biases.values()]) for s in states)
    return widest / largest if largest > 0 else 0.0


# --- the layout, in inches --------------------------------------------------------------------


@dataclass(frozen=True)
class Layout:
    """Where a panel's parts go, in inches from its lower-left corner."""

    width: float
    height: float
    columns: tuple  # x of the inputs, the hidden and the output neurons
    rows: tuple  # y of the top (i1, h1, o1) and bottom (i2, h2, o2) neurons
    bias_y: float
    # b1 and b2 this far left of the layer they feed: far enough that the edge to the top
    # neuron passes left of the bottom neuron's box, and right of the label of w4 (or w8).
    bias_shift: float
    straight: tuple  # a straight edge's label this far along it from its source (into h, into o)
    crossing: float  # a crossing edge's label this far along it from its source
    fontsize: float
    widest: float  # points: the edge of the largest |w| (or |b|) of a figure

    def nodes(self) -> dict:
        (x0, x1, x2), (top, bottom) = self.columns, self.rows
        return {
            "i1": (x0, top), "i2": (x0, bottom), "h1": (x1, top), "h2": (x1, bottom),
            "o1": (x2, top), "o2": (x2, bottom),
            "b1": (x1 - self.bias_shift, self.bias_y), "b2": (x2 - self.bias_shift, self.bias_y),
        }  # fmt: skip

    def label_position(self, name: str) -> tuple:
        """Where an edge's label sits: midway on a straight edge, near its source on a crossing one."""
        (x0, y0), (x1, y1) = (self.nodes()[end] for end in EDGES[name])
        f = self.straight[name in ("w5", "w8")] if y0 == y1 else self.crossing
        return x0 + f * (x1 - x0), y0 + f * (y1 - y0)


COMPACT = Layout(width=7.45, height=4.5, columns=(0.45, 2.85, 5.35), rows=(3.6, 1.8), bias_y=0.3, bias_shift=1.45,
                 straight=(0.45, 0.47), crossing=0.3, fontsize=8, widest=9)  # fmt: skip
DETAILED = Layout(width=14.7, height=6.6, columns=(0.6, 5.4, 11.0), rows=(5.4, 2.3), bias_y=0.35, bias_shift=2.6,
                  straight=(0.4, 0.5), crossing=0.3, fontsize=8.5, widest=6)  # fmt: skip


def panel(fig: Figure, layout: Layout, left: float, bottom: float):
    """An axes without decorations whose data units are inches, its lower-left corner at (left, bottom)."""
    w, h = fig.get_figwidth(), fig.get_figheight()
    ax = fig.add_axes((left / w, bottom / h, layout.width / w, layout.height / h))
    ax.set_xlim(0, layout.width)
    ax.set_ylim(0, layout.height)
    ax.set_axis_off()
    return ax


# --- one diagram ------------------------------------------------------------------------------


class Diagram:
    """The drawn network on one axes; update(state) changes its artists to show another state.

    values: the weights' values on the edges and each neuron's net input (the static figures);
    without, the edges carry their names and the neurons their outputs only (the animation,
    where widths and colours show the weights: fewer changing pixels, a smaller file)."""

    def __init__(self, ax, layout: Layout, scale: float, values: bool = True, details: bool = False):
        self.ax, self.layout, self.scale, self.values = ax, layout, scale, values
        nodes, size = layout.nodes(), layout.fontsize
        self.edges, self.labels, self.neurons = {}, {}, {}
        for name, (a, b) in {**EDGES, **BIAS_EDGES}.items():
            (x0, y0), (x1, y1) = nodes[a], nodes[b]
            ax.plot([x0, x1], [y0, y1], **UNDERLAY)
            (self.edges[name],) = ax.plot([x0, x1], [y0, y1], solid_capstyle="butt", zorder=2, gid=f"edge {name}")
        for name in EDGES:
            x, y = layout.label_position(name)
            self.labels[name] = ax.text(x, y, name, ha="center", va="center", fontsize=size, zorder=4,
                                        bbox=LABEL_STYLE, gid=f"label {name}")  # fmt: skip
        for name, (x, y) in nodes.items():
            self.neurons[name] = ax.text(x, y, "", ha="center", va="center", fontsize=size, zorder=5,
                                         bbox=NODE_STYLE, linespacing=1.25, gid=f"neuron {name}")  # fmt: skip
        x2, (top, bottom) = layout.columns[2], layout.rows
        right = x2 + (1.35 if details else 0.75)
        self.outputs = [ax.text(right, y, "", ha="left", va="center", fontsize=size, gid=f"target o{k + 1}")
                        for k, y in enumerate((top, bottom))]  # fmt: skip
        total_x = x2 - 1.0 if details else right  # a longer line in the detailed picture
        self.total = ax.text(total_x, layout.bias_y, "", ha="left", va="center", fontsize=size, gid="E_total")
        self.title = ax.text(0.05, layout.height - 0.05, "", ha="left", va="top", fontsize="medium", gid="panel title")

    def update(self, s: State, title: str = "") -> None:
        """Show state s: edge widths and colours, the weights' values, every neuron's numbers."""
        for name, value in [*s.weights.items(), *s.biases.items()]:
            edge = self.edges[name]
            edge.set_linewidth(self.scale * abs(value))
            edge.set_color(POSITIVE if value >= 0 else NEGATIVE)
        if self.values:
            for name, value in s.weights.items():
                self.labels[name].set_text(f"{name} = {number(value)}")
        for k in range(2):
            n = k + 1
            self.neurons[f"i{n}"].set_text(f"i{n} = {number(s.x[k])}")
            net_h, net_o = (f"\nnet_h{n} = {number(s.net_h[k])}", f"\nnet_o{n} = {number(s.net_o[k])}") \
                if self.values else ("", "")  # fmt: skip
            self.neurons[f"h{n}"].set_text(f"h{n}{net_h}\nout_h{n} = {number(s.out_h[k])}")
            self.neurons[f"o{n}"].set_text(f"o{n}{net_o}\nout_o{n} = {number(s.out_o[k])}")
            self.outputs[k].set_text(f"target_o{n} = {number(s.target[k])}\nE_o{n} = {number(s.E_o[k])}")
        self.neurons["b1"].set_text(f"b1 = {bias_text(s.b1)}")
        self.neurons["b2"].set_text(f"b2 = {bias_text(s.b2)}")
        self.total.set_text(f"E_total = {number(s.E_o.sum())}")
        self.title.set_text(title)


def bias_text(b) -> str:
    return number(b[0]) if b[0] == b[1] else f"{number(b[0])}, {number(b[1])}"


# --- titles -----------------------------------------------------------------------------------


def title_text(head: str, learning_rate: float, biases: str, loss: str, ex: exercise.Exercise) -> str:
    """The figure title: what it shows, the network when it is not the post's, the settings."""
    network = " (the post's network)" if ex.is_posts_network() else "\n" + ex.title()
    return (f"{head}{network}\nlearning rate η = {learning_rate:g}, biases {biases}, loss {loss}; "
            "iteration N = the state after N updates (iteration 0: the initial weights)")  # fmt: skip


LEGEND_HEIGHT = 0.55  # inches under the figure title for the legend of the edges


def new_figure(width: float, body: float, title: str) -> Figure:
    """A Figure `width` inches wide: the title and the edges' legend on top of `body` inches of panels."""
    lines = title.count("\n") + 1
    head = plotting.TITLE_MARGIN + plotting.TITLE_LINE * lines + LEGEND_HEIGHT
    fig = Figure(figsize=(width, head + body))
    fig.suptitle(title, fontsize="large", y=1 - plotting.TITLE_MARGIN / fig.get_figheight(), va="top")
    handles = [Line2D([], [], color=POSITIVE, linewidth=3, label="w ≥ 0"),
               Line2D([], [], color=NEGATIVE, linewidth=3, label="w < 0")]  # fmt: skip
    y = (body + LEGEND_HEIGHT / 2) / fig.get_figheight()
    fig.legend(handles=handles, loc="center", bbox_to_anchor=(0.5, y), ncol=2, frameon=False, fontsize="small",
               title="edge colour: the weight's sign; edge width ∝ |w| (one scale for the whole figure)",
               title_fontsize="small")  # fmt: skip
    return fig


def iteration_title(order: str, n: int) -> str:
    if n == 0:
        return f"{order} order: iteration 0, the initial weights" if order else "iteration 0: the initial weights"
    return f"{order} order: iteration {n:,} (after {n:,} update{'s' if n != 1 else ''})"


# --- the figures ------------------------------------------------------------------------------

GAP = 0.15  # inches between panels


def network_figure(trajectories: dict, n: int) -> Figure:
    """The diagram at iteration 0 and at iteration n of each order, side by side.

    trajectories: {order: Trajectory}, each recording iterations 0 and n, from the same network."""
    first = next(iter(trajectories.values()))
    states = [state(first, 0), *(state(t, n) for t in trajectories.values())]
    titles = [iteration_title("", 0), *(iteration_title(order, n) for order in trajectories)]
    title = title_text("Mazur's 2-2-2 network, drawn from our numbers", first.learning_rate, first.biases, first.loss,
                       exercise.of_trajectory(first))  # fmt: skip
    fig = new_figure(len(states) * (COMPACT.width + GAP) + GAP, COMPACT.height, title)
    scale = width_scale(states, COMPACT.widest)
    for k, (s, panel_title) in enumerate(zip(states, titles, strict=True)):
        Diagram(panel(fig, COMPACT, GAP + k * (COMPACT.width + GAP), 0), COMPACT, scale).update(s, panel_title)
    return fig


def backward_pass_figure(steps: dict, ex: exercise.Exercise = exercise.POST) -> Figure:
    """The first update of each order on one picture (one panel per order, one above the other).

    steps: {order: worked_example.Step of the exercise's first update}. The neurons show the
    forward pass and each neuron's delta (dE/dnet); the edges w, dE_total/dw and the updated
    w+; the outputs E_o1, E_o2 and E_total; in the names of ann_numpy_no_loop.py."""
    title = title_text("The first update on one picture: the forward pass, each neuron's delta, each weight's "
                       "gradient and its new value", ex.learning_rate, ex.biases, ex.loss, ex)  # fmt: skip
    fig = new_figure(DETAILED.width + 2 * GAP, len(steps) * DETAILED.height, title)
    scale = width_scale([step_state(s, ex) for s in steps.values()], DETAILED.widest)
    for k, s in enumerate(steps.values()):
        ax = panel(fig, DETAILED, GAP, (len(steps) - 1 - k) * DETAILED.height)
        draw_backward_pass(ax, s, ex, scale)
    return fig


def step_state(s: Step, ex: exercise.Exercise) -> State:
    """The state a Step starts from: the exercise's weights and the Step's forward pass."""
    return State(0, np.array(ex.inputs), np.array(ex.targets), ex.w1, ex.w2, np.array(ex.b1), np.array(ex.b2),
                 s.out_h, s.out_o, ex.loss)  # fmt: skip


ORDER_NOTES = {
    "parallel": "parallel order (the post's arithmetic, gradient descent): every gradient at the weights before "
    "the update;\nthe hidden layer's dE_total/dout_h with the original w5..w8",
    "sequential": "sequential order: w5..w8 are updated first, and the hidden layer's dE_total/dout_h is taken "
    "with the updated w5+..w8+;\nthe forward values and the output layer's deltas are not recomputed",
}


def draw_backward_pass(ax, s: Step, ex: exercise.Exercise, scale: float) -> Diagram:
    """One update's numbers on the diagram: the forward pass, deltas, gradients and new weights."""
    start = step_state(s, ex)
    diagram = Diagram(ax, DETAILED, scale, details=True)
    diagram.update(start, ORDER_NOTES[s.order])
    gradient = dict(zip(WEIGHT_NAMES, [*s.dE_dW1.ravel(), *s.dE_dW2.ravel()], strict=True))
    after = dict(zip(WEIGHT_NAMES, [*s.w1.ravel(), *s.w2.ravel()], strict=True))
    for name, value in start.weights.items():
        diagram.labels[name].set_text(
            f"{name} = {number(value, 9)}\ndE_total/d{name} = {fixed(gradient[name])}\n{name}+ = {fixed(after[name])}")
    for k in range(2):
        n = k + 1
        diagram.neurons[f"h{n}"].set_text("\n".join([
            f"h{n}", f"net_h{n} = {fixed(s.net_h[k])}", f"out_h{n} = {fixed(s.out_h[k])}",
            f"dE_total/dout_h{n} = {fixed(s.dE_dout_h[k])}", f"dout_h{n}/dnet_h{n} = {fixed(s.dout_h_dnet_h[k])}",
            f"dE_total/dnet_h{n} = {fixed(s.delta_h[k])}",
        ]))  # fmt: skip
        diagram.neurons[f"o{n}"].set_text("\n".join([
            f"o{n}", f"net_o{n} = {fixed(s.net_o[k])}", f"out_o{n} = {fixed(s.out_o[k])}",
            f"dE_total/dout_o{n} = {fixed(s.dE_dout_o[k])}", f"dout_o{n}/dnet_o{n} = {fixed(s.dout_o_dnet_o[k])}",
            f"dE_o{n}/dnet_o{n} = {fixed(s.delta_o[k])}",
        ]))  # fmt: skip
        diagram.outputs[k].set_text(f"target_o{n} = {number(start.target[k])}\nE_o{n} = {fixed(s.E_o[k])}")
    diagram.total.set_text(f"E_total = E_o1 + E_o2 = {fixed(s.E_total)}")
    if ex.biases != "fixed":  # trained biases: their new values too
        diagram.neurons["b1"].set_text(f"b1 = {bias_text(start.b1)}\nb1+ = {bias_text(s.b1)}")
        diagram.neurons["b2"].set_text(f"b2 = {bias_text(start.b2)}\nb2+ = {bias_text(s.b2)}")
    return diagram


# --- the animation ----------------------------------------------------------------------------

CURVE_WIDTH = 4.4  # inches: the axes of the error curve, beside the diagrams
CURVE_MARGINS = (0.85, 0.3, 0.55, 0.55)  # inches around those axes: left, right, bottom, top


def frame_iterations(iterations: int, frames: int) -> list[int]:
    """Iteration 0 and the distinct rounded values of geomspace(1, N, frames − 1)."""
    spaced = np.rint(np.geomspace(1, iterations, frames - 1)).astype(np.int64) if frames > 1 else []
    return [0, *sorted({int(n) for n in spaced})]


def error_curve(fig: Figure, x: float, height: float, curves: dict, last: int):
    """The animation's error curves beside its diagrams, from x inches on: one line an order ({order:
    (iterations, errors)}), a marker an order that update() moves, and the text naming the frame's iteration.
    -> (axes, {order: marker}, label)."""
    left, right, bottom, top = CURVE_MARGINS
    w, h = fig.get_figwidth(), fig.get_figheight()
    ax = fig.add_axes(((x + left) / w, bottom / h, CURVE_WIDTH / w, (height - bottom - top) / h))
    markers = {}
    for order, (ks, es) in curves.items():
        ax.plot(ks, es, label=order, **plotting.STYLE[order])
        (markers[order],) = ax.plot([], [], linestyle="none", marker=plotting.MARKER[order], markersize=8,
                                    color=plotting.STYLE[order]["color"], zorder=5, gid=f"marker {order}")  # fmt: skip
    n = max(last, 1)
    ax.set_xscale("symlog", linthresh=1, linscale=0.6)
    ax.xaxis.set_major_locator(FixedLocator([0, *10.0 ** np.arange(0, np.floor(np.log10(n)) + 1)]))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: "0" if v == 0 else plotting.power_of_ten(v)))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.set_xlim(0, n * 1.6)
    plotting.log_scale(ax)
    ax.set_xlabel("iteration N (after N updates; log scale from 1)")
    ax.set_ylabel("error E_total (log scale)")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize="small", loc="lower left")
    ax.set_title("Error against iterations", fontsize="medium", y=1.0)
    label = ax.text(0.97, 0.96, "", transform=ax.transAxes, ha="right", va="top", fontsize="medium",
                    gid="frame iteration")  # fmt: skip
    return ax, markers, label


def animation_figure(trajectories: dict, iterations: list[int]):
    """The diagram of each order beside the error curve, for frames at `iterations`.

    Returns (Figure, update): update(k) shows frame k (iteration iterations[k]) by changing
    the artists' data, not by drawing anew; the Figure starts at frame 0."""
    first = next(iter(trajectories.values()))
    title = title_text("Mazur's 2-2-2 network learning", first.learning_rate, first.biases, first.loss,
                       exercise.of_trajectory(first))  # fmt: skip
    diagrams_width = len(trajectories) * (COMPACT.width + GAP)
    left, right, bottom, top = CURVE_MARGINS
    fig = new_figure(diagrams_width + left + CURVE_WIDTH + right, COMPACT.height, title)
    scale = width_scale([state(t, n) for t in trajectories.values() for n in iterations], COMPACT.widest)
    diagrams = {order: Diagram(panel(fig, COMPACT, GAP + k * (COMPACT.width + GAP), 0), COMPACT, scale, values=False)
                for k, order in enumerate(trajectories)}  # fmt: skip
    curves = {order: (t.iteration, t.error) for order, t in trajectories.items()}
    ax, markers, label = error_curve(fig, diagrams_width, COMPACT.height, curves, iterations[-1])

    def update(k: int) -> list:
        n = iterations[k]
        for order, t in trajectories.items():
            diagrams[order].update(state(t, n), iteration_title(order, n))
            markers[order].set_data([n], [t.error[t.row(n)]])
        label.set_text(f"iteration {n:,}")
        return []

    update(0)
    return fig, update


class GifWriter(PillowWriter):
    """matplotlib's Pillow writer with one fixed palette for every frame: white, and white
    blended with black (text), with each edge colour and with each order's curve colour, 48
    steps each (the shades that antialiasing makes). Pillow would otherwise find a palette for
    each frame by median cut, which takes longer than drawing the frame; with one palette a
    pixel that does not change keeps its index, so that the GIF stores only what changes.

    The shades start 6 % away from white: Pillow maps a colour to the palette entry nearest
    the centre of the small box of colours it falls in, and a shade closer to that centre
    than white itself would tint the background."""

    BASES = ("#000000", POSITIVE, NEGATIVE, plotting.STYLE["parallel"]["color"], plotting.STYLE["sequential"]["color"])

    def setup(self, fig, outfile, dpi=None):
        from PIL import Image  # matplotlib's own dependency

        super().setup(fig, outfile, dpi=dpi)
        white = np.ones(3)
        shades = [white, *(white + t * (np.array(to_rgb(c)) - white) for c in self.BASES
                           for t in np.linspace(0.06, 1, 48))]  # fmt: skip
        self._palette = Image.new("P", (1, 1))
        self._palette.putpalette([round(255 * v) for rgb in shades for v in rgb])

    def grab_frame(self, **savefig_kwargs):
        from PIL import Image

        super().grab_frame(**savefig_kwargs)
        self._frames[-1] = self._frames[-1].convert("RGB").quantize(palette=self._palette, dither=Image.Dither.NONE)
