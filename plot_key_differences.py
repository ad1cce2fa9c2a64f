"""Plot where sequential and parallel updates of Mazur's 2-2-2 network differ, and by how much.

Writes key_differences.png, nine panels over iterations: the error, the error
difference sequential − parallel, the relative difference, each output against
its target, the distance of the prediction to the target, the norms of W1 and W2,
and the norm of the gradient each update applies. Where the two curves lie on top
of each other, the panel's title gives the largest gap between them.

Each method is trained once, to --iterations updates. Iteration N is the state
after N updates; iteration 0 is the initial weights.

examples:
  python plot_key_differences.py                      # 10,000 updates into figures/
  python plot_key_differences.py --iterations 500 --outdir /tmp/plots --dpi 150
  python plot_key_differences.py --learning-rate 5 --format pdf
"""

import backprop.startup  # noqa: F401  first of all: Ctrl-C during the imports below is one line, status 130

# isort: split
import numpy as np

from backprop import cli, plotting

PROG = "plot_key_differences.py"


def distance_to_target(t):
    """‖out_o − target‖, the Euclidean distance of the prediction to the target."""
    return np.linalg.norm(t.output - t.target, axis=1)


def frobenius(matrices):
    return np.linalg.norm(matrices, axis=(1, 2))


def gradient_norm(t):
    """‖(∂E/∂W1, ∂E/∂W2)‖ as the update applies it (sequential: ∂E/∂W1 taken with the updated W2)."""
    return np.sqrt(frobenius(t.grad_w1) ** 2 + frobenius(t.grad_w2) ** 2)


def key_differences(sequential, parallel):
    """Nine panels: error, its difference and relative difference, outputs, distance, norms, gradient."""
    fig, axes = plotting.new_figure(
        "Key differences between sequential and parallel updates", sequential, 15, 12.5, 3, 3, sharex=False,
        grid=dict(left=0.06, right=0.985, bottom=0.05, hspace=0.42, wspace=0.25), header=0.9,
    )  # fmt: skip
    both = (sequential, parallel)
    later = plotting.after_start(sequential)  # iteration 1 on, for the log-scaled iteration axes
    n = sequential.iteration[later]

    def orders(ax, values, title, ylabel, log=False):
        """Both orders, and in the title the largest gap between them."""
        plotting.plot_orders(ax, both, values)
        gap = np.max(np.abs(values(sequential) - values(parallel)))
        plotting.label(ax, f"{title}\nlargest |sequential − parallel| = {gap:.2e}", ylabel, legend=False)
        if log:
            plotting.log_scale(ax)

    def comparison(ax, values, title, ylabel):
        ax.plot(n, values[later], **plotting.COMPARISON_STYLE)
        ax.axhline(0, color="black", linewidth=0.8)
        multiplier = plotting.difference_axis(ax, values[later])
        plotting.log_scale(ax, "x")
        plotting.label(ax, title, ylabel + multiplier, plotting.LOG_ITERATION_LABEL, legend=False)

    error, difference, relative, out_o1, out_o2, distance, norm_w1, norm_w2, gradient = axes
    orders(error, lambda t: t.error, "Error E_total", "E_total (log scale)", log=True)
    comparison(difference, sequential.error - parallel.error, "Error difference", "E_sequential − E_parallel")
    comparison(
        relative, (sequential.error - parallel.error) / parallel.error,
        "Relative error difference (below 0: sequential is ahead)", "(E_seq − E_par) / E_par",
    )  # fmt: skip
    for ax, o in ((out_o1, 0), (out_o2, 1)):
        orders(ax, lambda t, o=o: t.output[:, o], f"Output out_o{o + 1} against its target", f"out_o{o + 1}")
        ax.axhline(sequential.target[o], **plotting.TARGET_STYLE)
    orders(distance, distance_to_target, "Distance to the target ‖out_o − t‖", "‖out_o − t‖ (log scale)", log=True)
    orders(norm_w1, lambda t: frobenius(t.w1), "Norm of W1 (input → hidden)", "‖W1‖ (Frobenius)")
    orders(norm_w2, lambda t: frobenius(t.w2), "Norm of W2 (hidden → output)", "‖W2‖ (Frobenius)")
    orders(
        gradient, gradient_norm, "Norm of the gradient each update applies",
        "‖(∂E/∂W1, ∂E/∂W2)‖ (log scale)", log=True,
    )  # fmt: skip
    difference_style = dict(label="difference between the methods", **plotting.COMPARISON_STYLE)
    plotting.figure_legend(fig, target=True, extra=[difference_style])
    return fig


def draw(sequential, parallel):
    return {"key_differences": key_differences(sequential, parallel)}


def main(argv=None) -> int:
    return plotting.main(PROG, __doc__, argv, draw)


if __name__ == "__main__":
    cli.run(main, "plot_key_differences.py")
