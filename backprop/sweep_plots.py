"""The figures of sweep.py, drawn from a sweeps.Sweep (nothing is trained here).

learning_rate_figure: updates to reach each error level against η, log-log, one line per
order, the η where an order misses the level shaded, η = 0.5 marked.
init_figure: the distribution over the random starts of log2(updates order / updates
parallel) for sequential and alternating, and a scatter of the two counts.
grid_figure: the grid's shares (reaching 1e-4, diverged) and median ratio to parallel against η.
Colours are plotting.py's (Paul Tol's high contrast) with a third for the alternating order.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from backprop import plotting, sweeps
from backprop.worked_example import LEARNING_RATE

STYLE = {**plotting.STYLE, "alternating": dict(color="#BB5566", linestyle=(0, (1, 1.5)), linewidth=1.8, zorder=4)}
render = plotting.render


def figure(s: sweeps.Sweep) -> Figure:
    return {"learning-rate": learning_rate_figure, "init": init_figure, "grid": grid_figure}[s.kind](s)


def grid_figure(s: sweeps.Sweep) -> Figure:
    """The grid against η: the shares reaching the reference threshold and diverged, with their 95 %
    Wilson intervals as bands, and the median ratio of updates to parallel's; one line per order."""
    summary = sweeps.summary(s)
    name = sweeps.threshold_name(summary["reference_threshold"])
    fig = Figure(figsize=(15.5, 4.8), layout="constrained")
    reached, diverged, ratios = fig.subplots(1, 3)
    c = s.settings
    fig.suptitle(f"Random starts × learning rates: {c['networks']:,} starts (w1..w8 {c['distribution']}, scale "
                 f"{c['scale']:g}, seed {c['seed']}) at {c['num']} η from {c['from']:g} to {c['to']:g}, "
                 f"{c['iterations']:,} updates; bands: 95 % Wilson intervals", fontsize="medium")  # fmt: skip
    for order in s.orders:
        cells = [cell for cell in summary["cells"] if cell["order"] == order]
        etas = np.array([cell["learning_rate"] for cell in cells])
        style = STYLE[order]
        for key, ax in (("reached", reached), ("diverged", diverged)):
            share = np.array([cell[key]["share"] for cell in cells])
            low, high = (np.array([cell[key]["ci95"][i] for cell in cells]) for i in (0, 1))
            ax.plot(etas, share, label=order, **style)
            ax.fill_between(etas, low, high, color=style["color"], alpha=0.15, linewidth=0)
        ratio = np.array([np.nan if cell["median_ratio"] is None else cell["median_ratio"] for cell in cells])
        ratios.plot(etas, ratio, label=order, marker="o", markersize=3, **style)
    reached.set_title(f"share of the starts reaching E ≤ {name}", fontsize="medium")
    diverged.set_title("share of the starts diverging", fontsize="medium")
    for ax in (reached, diverged):
        ax.set_ylabel("share of the starts")
        ax.set_ylim(-0.03, 1.03)
    ratios.axhline(1.0, color="black", linestyle=":", linewidth=1.0)
    ratios.set_title(f"median of updates to {name} ÷ parallel's, where both reach it", fontsize="medium")
    ratios.set_ylabel("median ratio")
    for ax in (reached, diverged, ratios):
        plotting.log_scale(ax, "x")
        ax.set_xlabel("learning rate η (log scale)")
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize="small")
    return fig


def learning_rate_figure(s: sweeps.Sweep) -> Figure:
    thresholds = s.result.thresholds
    cols = 2 if len(thresholds) > 1 else 1
    rows = -(-len(thresholds) // cols)
    fig = Figure(figsize=(6.0 * cols, 3.9 * rows + 0.9), layout="constrained")
    axes = np.atleast_1d(fig.subplots(rows, cols, squeeze=False).ravel())
    c = s.settings
    fig.suptitle(f"Updates to reach each error level against the learning rate η: the post's network, "
                 f"{c['num']:,} η from {c['from']:g} to {c['to']:g}, {c['iterations']:,} updates\n"
                 "shaded: the η at which an order does not reach the level within the run; dotted: η = 0.5, "
                 "the post's", fontsize="medium")  # fmt: skip
    for ax, threshold in zip(axes, thresholds, strict=False):
        for order in s.orders:
            etas = s.learning_rate
            counts = s.updates_to(threshold, order)
            ax.plot(etas, counts, label=order, **STYLE[order])
            for a, b in sweeps.runs_of(np.isnan(counts)):
                ax.axvspan(etas[a], etas[b], color=STYLE[order]["color"], alpha=0.15, linewidth=0)
        ax.axvline(LEARNING_RATE, color="black", linestyle=":", linewidth=1.0)
        plotting.log_scale(ax, "x")
        if np.isfinite([s.updates_to(threshold, o) for o in s.orders]).any():
            plotting.log_scale(ax, "y")
        ax.set_title(f"E at or below {sweeps.threshold_name(threshold)}", fontsize="medium")
        ax.set_xlabel("learning rate η (log scale)")
        ax.set_ylabel("updates to reach it (log scale)")
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize="small")
    for ax in axes[len(thresholds) :]:
        ax.set_visible(False)
    return fig


def init_figure(s: sweeps.Sweep) -> Figure:
    ref = s.reference
    name = sweeps.threshold_name(ref)
    pairs = [(o, a) for o, a in sweeps.COMPARED if o in s.orders and a in s.orders]
    fig = Figure(figsize=(13.5, 4.6), layout="constrained")
    axes = fig.subplots(1, 3)
    c = s.settings
    fig.suptitle(f"Random starts: {c['networks']:,} networks, w1..w8 {c['distribution']} (scale {c['scale']:g}, seed "
                 f"{c['seed']}), η = {c['learning_rate']:g}, {c['iterations']:,} updates; updates to reach E ≤ {name}",
                 fontsize="medium")  # fmt: skip
    ratios = {}
    for order, against in pairs:
        a, b = s.updates_to(ref, order), s.updates_to(ref, against)
        both = ~np.isnan(a) & ~np.isnan(b)
        ratios[order] = np.log2(a[both] / b[both]), a[both], b[both]
    for ax, order in zip(axes[:2], ("sequential", "alternating"), strict=True):
        if order not in ratios:
            ax.set_visible(False)
            continue
        log2, _, _ = ratios[order]
        if log2.size:
            low, high = float(log2.min()), float(log2.max())
            span = max(high - low, 1e-9)
            ax.hist(log2, bins=np.linspace(low - 0.05 * span, high + 0.05 * span, 60), color=STYLE[order]["color"])
            ax.axvline(0.0, color="black", linestyle=":", linewidth=1.0)
        ax.set_yscale("log")
        ax.set_title(f"log2(updates {order} / updates parallel), {log2.size:,} starts", fontsize="medium")
        ax.set_xlabel(f"log2 ratio (< 0: {order} reaches {name} sooner)")
        ax.set_ylabel("starts (log scale)")
        ax.grid(True, alpha=0.3)
    ax = axes[2]
    for order in ratios:
        _, a, b = ratios[order]
        ax.scatter(b, a, s=4, alpha=0.5, color=STYLE[order]["color"], label=f"{order}", linewidths=0)
    finite = [v for _, a, b in ratios.values() for v in (a, b) if v.size]
    if finite:
        low, high = min(float(v.min()) for v in finite), max(float(v.max()) for v in finite)
        ax.plot([low, high], [low, high], color="black", linestyle=":", linewidth=1.0, label="equal")
    ax.set_title("updates of each order against parallel's, per start", fontsize="medium")
    ax.set_xlabel(f"updates parallel to {name}")
    ax.set_ylabel(f"updates of the order to {name}")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize="small", markerscale=3)
    return fig
