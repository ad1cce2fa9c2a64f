"""What the three plot scripts share: one look per update order, the common flags,
training both orders once, titles, and reproducible atomic saving.

Figures are built with matplotlib.figure.Figure, not pyplot, so drawing needs no
display and keeps no global state; pyplot is imported only for --show.

Colours are Paul Tol's "high contrast" scheme, made for colour-blind readers and
for greyscale: its yellow is light and its blue dark. The two orders also differ
in line style and width, and keep the same look on every panel of every figure.
"""

from __future__ import annotations

import argparse
import io
import math
import os
import sys
from pathlib import Path

import matplotlib
import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, MaxNLocator, NullLocator, ScalarFormatter

from backprop import cli, exercise, files, training
from backprop.training import MAX_ITERATIONS, TrainingDiverged, Trajectory

ORDERS = ("sequential", "parallel")  # the two orders the plot scripts compare
# Sequential: wide solid yellow. Parallel: narrow dashed dark blue, drawn on top, so that
# where the two curves coincide (most of the time) both stay visible.
STYLE = {
    "sequential": dict(color="#DDAA33", linestyle="-", linewidth=2.6, zorder=2),
    "parallel": dict(color="#004488", linestyle=(0, (5, 3)), linewidth=1.3, zorder=3),
}
MARKER = {"sequential": "o", "parallel": "s"}  # where a single point of an order is marked
TARGET_STYLE = dict(color="black", linestyle=":", linewidth=1.2, label="target")
# A quantity that compares the two orders (a difference, a ratio) is one line of its own.
COMPARISON_STYLE = dict(color="#BB5566", linestyle="-", linewidth=1.5)

DEFAULT_ITERATIONS = 10_000
DEFAULT_OUTDIR = Path(__file__).resolve().parent.parent / "figures"
# Up to this many updates every iteration is recorded; beyond, every k-th (and the last),
# so that memory and drawing time stay bounded (a row takes 248 bytes).
MAX_RECORDED_ROWS = 100_000
FORMATS = ("png", "svg", "pdf")
MAX_DPI = 600
MIN_DPI = 10  # below, FreeType has no pixel size for the smallest text (a PNG at --dpi 2 fails)

ITERATION_LABEL = "iteration N (after N updates)"
LOG_ITERATION_LABEL = "iteration N (after N updates, log scale)"

# The fixed layout, in inches, so that it holds at every --dpi. The figure title is 12 pt
# text ("large"), 1.2 lines apart: 0.2 in a line; it has 3 lines, 4 when the run was sampled.
TITLE_MARGIN = 0.12  # above the figure title
TITLE_LINE = 0.21  # one line of the figure title, rounded up
LEGEND_GAP = 0.05  # between the figure title and a figure legend below it
# Ticks of a linear iteration axis are at least this far apart: room for a label up to
# 999999 (six digits of 10 pt text, 0.53 in) and a gap; from 10^6 on matplotlib writes
# the ticks as 0.2, 0.4, … with a multiplier (1e6) at the axis' right end.
ITERATION_TICK_SPACE = 0.6


# --- the command line ---------------------------------------------------------------------


def dpi_value(text: str) -> float:
    value = cli.positive_real(text)
    if not MIN_DPI <= value <= MAX_DPI:
        raise argparse.ArgumentTypeError(f"{text} is outside {MIN_DPI}..{MAX_DPI}")
    return value


def parser(prog: str, doc: str) -> cli.ArgumentParser:
    p = cli.ArgumentParser(prog, doc)
    p.add_argument(
        "--iterations", type=cli.positive_count, default=DEFAULT_ITERATIONS, metavar="N",
        help=f"weight updates per method, 1..{MAX_ITERATIONS:,} (default {DEFAULT_ITERATIONS:,})",
    )  # fmt: skip
    p.add_argument(
        "--outdir", type=lambda text: Path(cli.path(text)), default=DEFAULT_OUTDIR, metavar="DIR",
        help="folder for the figures, created if missing (default: figures/ beside this script)",
    )  # fmt: skip
    p.add_argument("--format", choices=FORMATS, default="png", help="file format (default png)")
    p.add_argument("--dpi", type=dpi_value, default=100, help=f"pixels per inch, {MIN_DPI} to {MAX_DPI} (default 100)")
    p.add_argument("--show", action="store_true", help="also open the figures in a window (needs a display)")
    exercise.add_arguments(p)
    return p


def main(prog: str, doc: str, argv, draw) -> int:
    """The whole command line of a plot script.

    draw(sequential, parallel) returns {file stem: Figure}. Exit status: 0 done,
    1 a runtime failure (unwritable folder, diverged training), 2 bad usage.
    """
    args, ex = exercise.parse_args(parser(prog, doc), argv)
    return write_figures(prog, args, lambda: draw(*train_both(args.iterations, ex)))


def write_figures(prog: str, args, make) -> int:
    """What every figure script does with the figures make() returns ({file stem: Figure}, after its
    training): the folder checked before, the figures saved into it and their paths printed, shown
    with --show; a diverged training or an unwritable folder is one line and status 1."""
    if not args.show:
        matplotlib.use("Agg")
    outdir = str(args.outdir)
    reason = why_no_outdir(outdir)  # checked before training; the folder is made only to write into it
    if reason:
        return cli.fail(prog, f"output folder {outdir!r} {reason}")
    try:
        figures = make()
    except TrainingDiverged as exc:
        return cli.fail(prog, str(exc))
    try:
        paths = save(figures, args.outdir, args.format, args.dpi)
    except OSError as exc:
        return cli.fail(prog, f"cannot write into {outdir!r}: {exc.strerror or exc}")
    for path in paths:
        print(path)
    if args.show:
        show(prog, figures.values())
    return 0


# --- training -----------------------------------------------------------------------------


def record_every(iterations: int) -> int:
    """1 (every iteration) up to MAX_RECORDED_ROWS updates, else the step that keeps the rows below it."""
    return max(1, math.ceil(iterations / MAX_RECORDED_ROWS))


def train_both(iterations: int, ex: exercise.Exercise = exercise.POST):
    """Each order trained once, to `iterations` updates: (sequential, parallel) Trajectories."""
    k = record_every(iterations)
    return tuple(training.train(order, iterations, **ex.training(), record_every=k) for order in ORDERS)


# --- drawing helpers ----------------------------------------------------------------------


def subtitle(t: Trajectory) -> str:
    """The settings line of every figure title."""
    step = recording_step(t)
    sampled = f"\nrecorded and plotted: iterations 0, {step:,}, {2 * step:,}, …, {t.iterations:,}" if step > 1 else ""
    ex = exercise.of_trajectory(t)
    network = "" if ex.is_posts_network() else ex.title() + "\n"
    return network + (
        f"learning rate η = {t.learning_rate:g}, {training.updates(t.iterations)} per method, "
        f"biases {t.biases}, loss {t.loss}\niteration N = the state after N updates (iteration 0: the initial weights)"
        + sampled
    )


def recording_step(t: Trajectory) -> int:
    """1 when every iteration was recorded, else the step between recorded iterations."""
    return int(t.iteration[1] - t.iteration[0]) if len(t.iteration) > 1 else 1


def new_figure(title: str, t: Trajectory, width: float, height: float, rows=1, cols=1, grid=None, header=0.35,
               **kw):  # fmt: skip
    """A Figure with its title and settings line, and its grid of axes (a flat list).

    grid: the subplot margins and gaps (Figure.subplots_adjust's arguments but top),
    fixed by hand per figure: a layout engine would measure every label, which costs
    more time than drawing. header: the inches between the bottom of the figure title
    and the top of the axes, for a figure legend and the axes' titles. The axes start
    that far below the title however many lines it has (a sampled run adds one), so
    nothing below the title moves into it. Font sizes are in points and sizes in
    inches, so the layout holds at every --dpi. kw goes to Figure.subplots (sharex,
    subplot_kw).
    """
    fig = Figure(figsize=(width, height))
    fig.suptitle(f"{title}\n{subtitle(t)}", fontsize="large", y=1 - TITLE_MARGIN / height, va="top")
    fig.subplots_adjust(**{**(grid or {}), "top": below_title(fig, header)})
    return fig, list(fig.subplots(rows, cols, squeeze=False, **kw).flat)


def title_bottom(fig) -> float:
    """How far below the figure's top edge its title ends, in inches (by its number of lines)."""
    return TITLE_MARGIN + TITLE_LINE * (fig.get_suptitle().count("\n") + 1)


def below_title(fig, inches: float) -> float:
    """The height `inches` below the bottom of the figure title, as a fraction of the figure's height."""
    return 1 - (title_bottom(fig) + inches) / fig.get_figheight()


def figure_legend(fig, target: bool = False, extra=()) -> None:
    """One legend for the whole figure, in one row centred just under the title.
    extra: more entries, each a dict of line properties with a label."""
    styles = [dict(label=m, **STYLE[m]) for m in ORDERS] + ([TARGET_STYLE] if target else []) + list(extra)
    handles = [Line2D([], [], **style) for style in styles]
    fig.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, below_title(fig, LEGEND_GAP)),
               ncol=len(handles), frameon=False)  # fmt: skip


def plot_orders(ax, trajectories, values):
    """One line per order: values(t) against t.iteration, in the order's style."""
    for t in trajectories:
        ax.plot(t.iteration, values(t), label=t.method, **STYLE[t.method])


def label(ax, title, ylabel, xlabel=ITERATION_LABEL, legend=True):
    # y=1.0 fixes the title's place: matplotlib would otherwise measure the axes' decorations.
    ax.set_title(title, fontsize="medium", y=1.0)
    if ax.get_xscale() == "linear":  # an iteration axis; a log-scaled one keeps a tick per decade
        iteration_ticks(ax)
    if isinstance(ax.yaxis.get_major_formatter(), ScalarFormatter):
        # Whole values, not an offset such as +5.933e−1 above the axis, where it runs into the
        # title: in a short run a value moves in its fourth digit.
        ax.yaxis.get_major_formatter().set_useOffset(False)
    ax.set_ylabel(ylabel)
    ax.set_xlabel(xlabel)
    ax.grid(True, alpha=0.3)
    if legend:
        ax.legend(fontsize="small")


SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def power_of_ten(value, _position=None) -> str:
    """A decade tick's label as plain text, 10⁻³: matplotlib's default, mathtext, is slow to lay out."""
    exponent = round(math.log10(value)) if value > 0 else 0
    return "10" + str(exponent).translate(SUPERSCRIPT) if value > 0 and math.isclose(value, 10.0**exponent) else ""


def log_scale(ax, axis: str = "y") -> None:
    """A log-scaled axis with a tick at each power of ten and no minor ticks."""
    target = ax.yaxis if axis == "y" else ax.xaxis
    (ax.set_yscale if axis == "y" else ax.set_xscale)("log")
    target.set_major_formatter(FuncFormatter(power_of_ten))
    target.set_minor_locator(NullLocator())


def iteration_ticks(ax) -> None:
    """Ticks at least ITERATION_TICK_SPACE apart, so that labels such as 150000 and 200000 do
    not run into each other; at whole iterations, in steps of 1, 2, 2.5 or 5 times a power of ten."""
    width = ax.get_position().width * ax.get_figure().get_figwidth()
    intervals = max(1, int(width / ITERATION_TICK_SPACE))
    ax.xaxis.set_major_locator(MaxNLocator(nbins=intervals, steps=[1, 2, 2.5, 5, 10], integer=True))


def difference_axis(ax, values) -> str:
    """Tick labels of a small quantity (a difference, a gradient) as a in a × 10^k, so that
    they stay narrow; returns the multiplier for the axis label, " (× 10⁻⁵)", or "" when the
    values need none (their largest magnitude is from 0.1 to 999: plain numbers).

    The multiplier goes into the axis label, not above the axis where matplotlib puts it:
    there it runs into a long panel title. k is fixed by the largest |value|.
    """
    largest = float(np.max(np.abs(values), initial=0.0))
    k = math.floor(math.log10(largest)) if largest > 0 else 0
    if -2 < k < 3:
        ax.ticklabel_format(axis="y", style="plain", useOffset=False)
        return ""
    ax.ticklabel_format(axis="y", style="sci", scilimits=(k, k), useOffset=False)
    ax.yaxis.get_offset_text().set_visible(False)
    return f" (× 10{str(k).translate(SUPERSCRIPT)})"


def after_start(t: Trajectory):
    """The rows from iteration 1 on, for a log-scaled iteration axis."""
    return t.iteration > 0


# --- the layered network ------------------------------------------------------------------


def learning_curves(history, title: str, target_mse: float) -> Figure:
    """mlp.py --plot: the train and test MSE per epoch of a layered.History, on a log scale."""
    fig = Figure(figsize=(7, 4.5))
    ax = fig.add_subplot()
    ax.semilogy(history.epoch, history.train_mse, "-", color="#0072B2", label="train MSE")
    ax.semilogy(history.epoch, history.validation_mse, "--", color="#D55E00", label="test MSE")
    if target_mse:
        ax.axhline(target_mse, color="grey", linestyle=":", label=f"target {target_mse:g}")
    ax.set(xlabel="epoch (passes over the training data; 0 = initial weights)", ylabel="mean squared error",
           title=title)  # fmt: skip
    ax.legend()
    ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    return fig


# --- saving and showing -------------------------------------------------------------------

# No dates, no software versions: the same figure gives the same bytes.
METADATA = {
    "png": {"Software": None},
    "svg": {"Date": None, "Creator": None},
    "pdf": {"CreationDate": None, "Creator": None, "Producer": None},
}


def render(fig: Figure, fmt: str = "png", dpi: float = 100) -> bytes:
    buffer = io.BytesIO()
    with matplotlib.rc_context({"svg.hashsalt": "mazur-2-2-2"}):  # fixed ids inside SVG files
        fig.savefig(buffer, format=fmt, dpi=dpi, metadata=METADATA[fmt])
    return buffer.getvalue()


def why_no_outdir(outdir: str) -> str | None:
    """Why figures could not be written into outdir (made if missing), in words, or None."""
    if os.path.exists(outdir):
        if not os.path.isdir(outdir):
            return "is a file, not a folder"
        return None if os.access(outdir, os.W_OK | os.X_OK) else "is not writable"
    parent = os.path.dirname(os.path.abspath(outdir))
    while not os.path.exists(parent):  # the nearest folder that exists must let us make the rest
        parent = os.path.dirname(parent)
    if not os.path.isdir(parent):
        return f"cannot be made: {parent!r} is a file, not a folder"
    return None if os.access(parent, os.W_OK | os.X_OK) else f"cannot be made: {parent!r} is not writable"


def save(figures: dict, outdir, fmt: str = "png", dpi: float = 100) -> list[Path]:
    """Render every figure, make outdir if missing, then write each atomically as outdir/STEM.fmt;
    returns the paths."""
    data = {Path(outdir) / f"{stem}.{fmt}": render(fig, fmt, dpi) for stem, fig in figures.items()}
    os.makedirs(outdir, exist_ok=True)
    for path, content in data.items():
        files.atomic_write(path, content)
    return list(data)


def show(prog: str, figures) -> None:
    import matplotlib.pyplot as plt

    if matplotlib.get_backend().lower() in {"agg", "pdf", "svg", "ps", "cairo", "pgf", "template"}:
        print(f"{prog}: no display to show the figures on; they were saved only", file=sys.stderr)
        return
    try:
        for fig in figures:
            plt.figure(fig)  # hand a Figure made without pyplot to pyplot (matplotlib >= 3.10)
    except ValueError:
        print(f"{prog}: --show needs matplotlib 3.10 or newer; the figures were saved only", file=sys.stderr)
        return
    plt.show()
