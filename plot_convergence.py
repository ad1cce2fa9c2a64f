"""Plot how the error of Mazur's 2-2-2 network falls under sequential and parallel updates.

Writes two figures:
  simple_convergence.png      the error of both methods against iterations, log-scaled
                              error axis, each method's first iteration at or below 1e-3 marked
  convergence_comparison.png  four panels: the error on linear and on log axes, the
                              difference sequential − parallel, and the ratio sequential / parallel

Each method is trained once, to --iterations updates. Iteration N is the state
after N updates; iteration 0 is the initial weights.

examples:
  python plot_convergence.py                          # 10,000 updates into figures/
  python plot_convergence.py --iterations 2000 --outdir /tmp/plots --format svg
  python plot_convergence.py --learning-rate 2 --show
"""

import backprop.startup  # noqa: F401  first of all: Ctrl-C during the imports below is one line, status 130

# isort: split
from backprop import cli, plotting

PROG = "plot_convergence.py"
THRESHOLD = 1e-3  # the error level whose first crossing simple_convergence marks


def simple_convergence(sequential, parallel):
    """The error of both methods on a log axis, with the first iteration at or below THRESHOLD marked."""
    fig, (ax,) = plotting.new_figure(
        "Error E_total = ½ Σ (t − y)² of both update orders", sequential, 9, 5.5,
        grid=dict(left=0.09, right=0.97, bottom=0.1), header=0.35,
    )  # fmt: skip
    plotting.plot_orders(ax, (sequential, parallel), lambda t: t.error)
    plotting.log_scale(ax)
    ax.axhline(THRESHOLD, color="grey", linestyle="-.", linewidth=1, label=f"E = {THRESHOLD:g}")
    notes = []
    for t in (sequential, parallel):
        n = t.first_at_or_below(THRESHOLD)
        first = "first" if plotting.recording_step(t) == 1 else "first recorded"
        if n is None:
            notes.append(f"{t.method}: not at or below {THRESHOLD:g} within {t.iterations:,} updates")
            continue
        style = plotting.STYLE[t.method]
        filled = style["color"] if t.method == "sequential" else "none"
        ax.plot(
            [n], [t.error[t.row(n)]], linestyle="none", marker=plotting.MARKER[t.method], markersize=11,
            markerfacecolor=filled, markeredgecolor=style["color"], markeredgewidth=2, zorder=4,
            label=f"{t.method} {first} ≤ {THRESHOLD:g}: iteration {n:,}",
        )  # fmt: skip
        notes.append(f"{t.method}: {first} ≤ {THRESHOLD:g} at iteration {n:,}")
    for t in (sequential, parallel):
        notes.append(f"{t.method}: E = {t.error[-1]:.4e} at iteration {t.iterations:,}")
    ax.text(
        0.98, 0.97, "\n".join(notes), transform=ax.transAxes, ha="right", va="top", fontsize="small",
        bbox=dict(boxstyle="round", facecolor="white", edgecolor="lightgrey"),
    )  # fmt: skip
    title = f"Error against iterations; the first iteration at or below {THRESHOLD:g} marked"
    plotting.label(ax, title, "error E_total (log scale)")
    ax.legend(loc="lower left", fontsize="small")
    return fig


def convergence_comparison(sequential, parallel):
    """Four panels: error linear and log, difference and ratio of the two methods."""
    fig, axes = plotting.new_figure(
        "Sequential against parallel updates: the error", sequential, 12, 8, 2, 2,
        grid=dict(left=0.07, right=0.98, bottom=0.07, hspace=0.35, wspace=0.22), header=0.3,
    )  # fmt: skip
    both = (sequential, parallel)
    linear, log, difference, ratio = axes
    plotting.plot_orders(linear, both, lambda t: t.error)
    plotting.label(linear, "Error, linear axes", "error E_total")
    plotting.plot_orders(log, both, lambda t: t.error)
    plotting.log_scale(log)
    plotting.label(log, "Error, log-scaled error axis", "error E_total (log scale)")

    # Both trajectories record the same iterations; compare from iteration 1 on a log axis,
    # where the early sign change shows.
    later = plotting.after_start(sequential)
    n = sequential.iteration[later]
    difference.plot(n, (sequential.error - parallel.error)[later], label="sequential − parallel",
                    **plotting.COMPARISON_STYLE)  # fmt: skip
    difference.axhline(0, color="black", linewidth=0.8)
    multiplier = plotting.difference_axis(difference, (sequential.error - parallel.error)[later])
    plotting.log_scale(difference, "x")
    plotting.label(difference, "Difference of the errors", "E_sequential − E_parallel" + multiplier,
                   plotting.LOG_ITERATION_LABEL)  # fmt: skip
    ratio.plot(n, (sequential.error / parallel.error)[later], label="sequential / parallel",
               **plotting.COMPARISON_STYLE)  # fmt: skip
    ratio.axhline(1, color="black", linewidth=0.8)
    plotting.log_scale(ratio, "x")
    ratio.ticklabel_format(axis="y", useOffset=False)
    plotting.label(ratio, "Ratio of the errors (below 1: sequential is ahead)", "E_sequential / E_parallel",
                   plotting.LOG_ITERATION_LABEL)  # fmt: skip
    return fig


def draw(sequential, parallel):
    return {
        "simple_convergence": simple_convergence(sequential, parallel),
        "convergence_comparison": convergence_comparison(sequential, parallel),
    }


def main(argv=None) -> int:
    return plotting.main(PROG, __doc__, argv, draw)


if __name__ == "__main__":
    cli.run(main, "plot_convergence.py")
