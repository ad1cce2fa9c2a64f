"""Plot every variable of Mazur's 2-2-2 network over training, for both update orders.

Writes two figures:
  all_variables_evolution.png  sixteen panels over iterations: the error, both hidden
                               outputs, both predictions against their targets, the eight
                               weights w1..w8, and three more: the biases when they are
                               trained, else (and to fill up) gradient components
  weight_trajectories_3d.png   the path of the weights through parameter space in 3-D:
                               (w1, w2, w3) of the hidden layer and (w5, w6, w7) of the
                               output layer, start and end marked

Each method is trained once, to --iterations updates. Iteration N is the state
after N updates; iteration 0 is the initial weights.

examples:
  python plot_all_variables.py                        # 10,000 updates into figures/
  python plot_all_variables.py --iterations 300 --outdir /tmp/plots
  python plot_all_variables.py --format svg --show
"""

import backprop.startup  # noqa: F401  first of all: Ctrl-C during the imports below is one line, status 130

# isort: split
from backprop import cli, plotting

PROG = "plot_all_variables.py"

# The blog's weights: name -> (matrix, row, column, which connection), W1 = [[w1, w2], [w3, w4]],
# W2 = [[w5, w6], [w7, w8]]; row i feeds neuron i of the next layer.
WEIGHTS = {
    "w1": ("w1", 0, 0, "i1 → h1"), "w2": ("w1", 0, 1, "i2 → h1"),
    "w3": ("w1", 1, 0, "i1 → h2"), "w4": ("w1", 1, 1, "i2 → h2"),
    "w5": ("w2", 0, 0, "h1 → o1"), "w6": ("w2", 0, 1, "h2 → o1"),
    "w7": ("w2", 1, 0, "h1 → o2"), "w8": ("w2", 1, 1, "h2 → o2"),
}  # fmt: skip
# Gradient components shown when the biases are not trained (one per delta: δ_h1, δ_o1, δ_o2).
GRADIENT_PANELS = ("w1", "w5", "w7")


def weight(t, name):
    matrix, row, column, _ = WEIGHTS[name]
    return getattr(t, matrix)[:, row, column]


def weight_gradient(t, name):
    matrix, row, column, _ = WEIGHTS[name]
    return getattr(t, "grad_" + matrix)[:, row, column]


def extra_panels(t):
    """The three panels after error, outputs and weights: (title, ylabel, values(t), per-neuron lines)."""
    panels = []
    if t.biases != "fixed":
        per_neuron = t.biases == "per-neuron"
        for layer, neurons in (("b1", "hidden"), ("b2", "output")):
            title = f"Bias {layer} of the {neurons} layer" + (" (one per neuron)" if per_neuron else "")
            column = slice(None) if per_neuron else 0  # a shared bias: both neurons hold the same value
            panels.append((title, layer, lambda t, layer=layer, c=column: getattr(t, layer)[:, c], per_neuron))
    for name in GRADIENT_PANELS[: 3 - len(panels)]:
        title = f"Gradient ∂E/∂{name} ({WEIGHTS[name][3]}), as applied"
        panels.append((title, f"∂E/∂{name}", lambda t, name=name: weight_gradient(t, name), False))
    return panels


def all_variables(sequential, parallel):
    """Sixteen panels, both methods on each. Rows: error, hidden outputs and one extra panel;
    w1..w4; w5..w8; both predictions and two extra panels."""
    fig, axes = plotting.new_figure(
        "Every variable of the 2-2-2 network, sequential and parallel updates", sequential, 16, 14, 4, 4,
        sharex=True, grid=dict(left=0.05, right=0.99, bottom=0.045, hspace=0.34, wspace=0.3), header=0.75,
    )  # fmt: skip
    both = (sequential, parallel)
    error, out_h1, out_h2, extra1, *w1_w4, out_o1, out_o2, extra2, extra3 = [
        axes[i] for i in (0, 1, 2, 3, 4, 5, 6, 7, 12, 13, 14, 15)
    ]
    w5_w8 = axes[8:12]

    def xlabel(ax):  # the panels share their iteration axis; only the bottom row labels it
        return plotting.ITERATION_LABEL if ax in axes[12:] else ""

    def panel(ax, values, title, ylabel):
        plotting.plot_orders(ax, both, values)
        plotting.label(ax, title, ylabel, xlabel(ax), legend=False)

    panel(error, lambda t: t.error, "Error E_total", "E_total (log scale)")
    plotting.log_scale(error)
    for ax, h in ((out_h1, 0), (out_h2, 1)):
        panel(ax, lambda t, h=h: t.hidden[:, h], f"Hidden output out_h{h + 1}", f"out_h{h + 1}")
    for ax, o in ((out_o1, 0), (out_o2, 1)):
        panel(ax, lambda t, o=o: t.output[:, o], f"Prediction out_o{o + 1} (target {sequential.target[o]:g})",
              f"out_o{o + 1}")  # fmt: skip
        ax.axhline(sequential.target[o], **plotting.TARGET_STYLE)
    for ax, name in zip(w1_w4 + w5_w8, WEIGHTS, strict=True):
        matrix, row, column, connection = WEIGHTS[name]
        panel(ax, lambda t, name=name: weight(t, name), f"{name} ({connection}) = {matrix.upper()}[{row}, {column}]",
              name)  # fmt: skip
    for ax, (title, ylabel, values, per_neuron) in zip((extra1, extra2, extra3), extra_panels(sequential), strict=True):
        if per_neuron:  # two lines per order, the second neuron's thinner
            for t in both:
                ax.plot(t.iteration, values(t)[:, 0], label=f"{t.method}, neuron 1", **plotting.STYLE[t.method])
                ax.plot(t.iteration, values(t)[:, 1], label=f"{t.method}, neuron 2", alpha=0.6,
                        **{**plotting.STYLE[t.method], "linewidth": 1})  # fmt: skip
            plotting.label(ax, title, ylabel, xlabel(ax), legend=True)
        else:  # a gradient component (small: ticks as a × 10^k, 10^k in the axis label) or a shared bias
            panel(ax, values, title, ylabel + plotting.difference_axis(ax, [values(t) for t in both]))
    plotting.figure_legend(fig, target=True)
    return fig


def weight_trajectories_3d(sequential, parallel):
    """Two 3-D panels: the path of (w1, w2, w3) and of (w5, w6, w7), start and end marked."""
    fig, axes = plotting.new_figure(
        "The path of the weights through parameter space", sequential, 14, 7.5, 1, 2,
        subplot_kw=dict(projection="3d"), grid=dict(left=0.0, right=0.97, bottom=0.02, wspace=0.05), header=1.2,
    )  # fmt: skip
    notes = (
        "w4 not shown; as i2 = 2·i1, ∂E/∂w2 = 2·∂E/∂w1:\n"
        "w2 moves exactly twice as far as w1, so the path lies in a plane",
        "w8 not shown",
    )
    for ax, names, layer, note in zip(axes, (("w1", "w2", "w3"), ("w5", "w6", "w7")), ("hidden", "output"), notes,
                                      strict=True):  # fmt: skip
        for t in (sequential, parallel):
            x, y, z = (weight(t, name) for name in names)
            ax.plot(x, y, z, label=t.method, **plotting.STYLE[t.method])
            color = plotting.STYLE[t.method]["color"]
            ax.plot([x[-1]], [y[-1]], [z[-1]], linestyle="none", marker=plotting.MARKER[t.method], markersize=10,
                    markerfacecolor=color if t.method == "sequential" else "none", markeredgecolor=color,
                    markeredgewidth=2, label=f"{t.method}, end (iteration {t.iterations:,})")  # fmt: skip
        ax.plot([x[0]], [y[0]], [z[0]], linestyle="none", marker="*", markersize=14, color="black",
                label="start (iteration 0, the blog's weights)")  # fmt: skip
        ax.set_xlabel(names[0])
        ax.set_ylabel(names[1])
        ax.set_zlabel(names[2])
        ax.set_title(f"{layer.capitalize()} layer: {', '.join(names)}\n{note}", y=1.0, fontsize="medium")
    handles, labels = axes[0].get_legend_handles_labels()
    top = plotting.below_title(fig, plotting.LEGEND_GAP)  # just under the figure title
    fig.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, top), ncol=3, frameon=False)
    return fig


def draw(sequential, parallel):
    return {
        "all_variables_evolution": all_variables(sequential, parallel),
        "weight_trajectories_3d": weight_trajectories_3d(sequential, parallel),
    }


def main(argv=None) -> int:
    return plotting.main(PROG, __doc__, argv, draw)


if __name__ == "__main__":
    cli.run(main, "plot_all_variables.py")
