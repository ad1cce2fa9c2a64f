"""Does the update order matter? Thousands of 2-2-2 networks trained in lockstep, in each order.

Three sweeps, each training every starting point with each update order (parallel, sequential,
alternating; see docs/update-orders.md) on the batched engine (backprop/batched.py):

  learning-rate   the post's network at many learning rates, log-spaced
  init            many random starting weights at one learning rate
  grid            the same random starts at each of several learning rates

The text says, per order, which learning rate reaches each error level in the fewest updates,
the largest that still reaches 1e-4, where the error first rises and where training diverges;
or, over the random starts, how often sequential (and alternating) reach 1e-4 before parallel,
with 95 % confidence intervals. Iteration N is the state after N updates.

examples:
  python sweep.py learning-rate
  python sweep.py learning-rate --from 0.1 --to 100 --num 50 --orders parallel,sequential
  python sweep.py init --networks 10000 --seed 1 --csv starts.csv
  python sweep.py init --distribution normal --scale 2 --random-targets --json > init.json
  python sweep.py learning-rate --plot figures/learning_rate_sweep.png
  python sweep.py --update docs/update-orders.md   # both sweeps at their defaults: "Does the update order matter?"
  python sweep.py grid --plot figures/order_grid.png
  python sweep.py grid --update docs/update-orders.md   # the grid at its defaults: its paragraph there
"""

import backprop.startup  # noqa: F401  first of all: Ctrl-C during the imports below is one line, status 130

# isort: split
import argparse
import csv
import io
import json
import sys

from backprop import cli, exercise, files, progress, readme_cli, sweeps
from backprop.training import MAX_ITERATIONS, updates
from backprop.worked_example import ALL_ORDERS

PROG = "sweep.py"
BLOCK = "update-order-sweeps"
PAGE = "docs/update-orders.md"  # the page that holds the block
GRID_BLOCK = "update-order-grid"
GRID_DEFAULTS = {"from": 0.1, "to": 1000.0, "num": 9, "networks": 1000}
MAX_NETWORKS = 1_000_000  # per order: with the records and settings, well under 1 GB
DEFAULTS = {"from": 0.01, "to": 10000.0, "num": 400, "networks": 10_000, "iterations": 10_000}
PLOT_FORMATS = ("png", "svg", "pdf")


# --- the command line --------------------------------------------------------------------------


def network_count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text} is below 1")
    if value > MAX_NETWORKS:
        raise argparse.ArgumentTypeError(
            f"{value:,} networks per order is more than fits in memory here (at most {MAX_NETWORKS:,})"
        )
    return value


def thresholds_list(text: str) -> tuple[float, ...]:
    """'1e-2,1e-3' -> (0.01, 0.001): error levels in (0, 1), largest first, no repeats."""
    values = cli.reals(text)
    for value in values:
        if not 0 < value < 1:
            raise argparse.ArgumentTypeError(f"threshold {value:g} is outside (0, 1)")
    names = [sweeps.threshold_name(v) for v in values]
    if len(set(names)) != len(names):
        raise argparse.ArgumentTypeError(f"{text!r} repeats a threshold")
    return tuple(sorted(values, reverse=True))


def orders_list(text: str) -> tuple[str, ...]:
    parts = [p.strip() for p in text.split(",")]
    for p in parts:
        if p not in ALL_ORDERS:
            raise argparse.ArgumentTypeError(f"unknown order {p!r}; choose from {', '.join(ALL_ORDERS)}")
    return tuple(o for o in ALL_ORDERS if o in parts)


def worker_count(text: str) -> int:
    return cli.whole_number(text, 1, 256)


def add_common(p) -> None:
    p.add_argument("--iterations", type=cli.positive_count, default=DEFAULTS["iterations"], metavar="N",
                   help=f"updates per network, 1..{MAX_ITERATIONS:,} (default 10,000)")  # fmt: skip
    p.add_argument("--thresholds", type=thresholds_list, default=sweeps.THRESHOLDS, metavar="E,E,...",
                   help="error levels to reach, each in (0, 1) (default 1e-2,1e-3,1e-4,1e-5)")  # fmt: skip
    p.add_argument("--orders", type=orders_list, default=ALL_ORDERS, metavar="ORDER,...",
                   help="update orders (default parallel,sequential,alternating)")  # fmt: skip
    add_workers(p)
    progress.add_quiet(p)
    p.add_argument("--csv", metavar="PATH", type=cli.path, help="write one row per network and order (- : stdout)")
    p.add_argument("--json", action="store_true", help="print settings, summary and rows as one JSON document")
    p.add_argument("--plot", metavar="PATH", type=cli.path, help="write the figure (.png, .svg or .pdf)")


def add_workers(p) -> None:
    p.add_argument("--workers", type=worker_count, default=None, metavar="N",
                   help="worker processes (default: all cores); the results are the same for any N")  # fmt: skip


def add_learning_rate_options(p, dest_prefix="") -> None:
    p.add_argument("--from", dest=dest_prefix + "low", type=cli.positive_real, default=DEFAULTS["from"],
                   metavar="ETA", help="smallest learning rate (default 0.01)")  # fmt: skip
    p.add_argument("--to", dest=dest_prefix + "high", type=cli.positive_real, default=DEFAULTS["to"],
                   metavar="ETA", help="largest learning rate (default 10000)")  # fmt: skip
    p.add_argument("--num", dest=dest_prefix + "num", type=network_count, default=DEFAULTS["num"], metavar="N",
                   help="learning rates, log-spaced (default 400)")  # fmt: skip


def add_init_options(p, dest_prefix="", networks=DEFAULTS["networks"], learning_rate=True) -> None:
    p.add_argument("--networks", dest=dest_prefix + "networks", type=network_count, default=networks,
                   metavar="N", help=f"random starts (default {networks:,})")  # fmt: skip
    p.add_argument("--distribution", dest=dest_prefix + "distribution", choices=("uniform", "normal"),
                   default="uniform", help="uniform in [−S, S] or normal with sd S (default uniform)")  # fmt: skip
    p.add_argument("--scale", dest=dest_prefix + "scale", type=cli.positive_real, default=1.0, metavar="S",
                   help="the weights' scale S > 0 (default 1)")  # fmt: skip
    p.add_argument("--random-targets", dest=dest_prefix + "random_targets", action="store_true",
                   help="draw the targets uniform in (0, 1) instead of the post's")  # fmt: skip
    if learning_rate:
        p.add_argument("--learning-rate", dest=dest_prefix + "learning_rate", type=cli.positive_real, default=0.5,
                       metavar="ETA", help="learning rate (default 0.5, the post's)")  # fmt: skip
    p.add_argument("--seed", dest=dest_prefix + "seed", type=lambda s: cli.whole_number(s, 0, 2**63 - 1), default=0,
                   help="random seed (default 0)")  # fmt: skip


def parser() -> cli.ArgumentParser:
    p = cli.ArgumentParser(PROG, __doc__)
    sub = p.add_subparsers(dest="sweep", metavar="{learning-rate,init,grid}")
    lr = sub.add_parser("learning-rate", doc="The post's network at many learning rates, in each update order.",
                        help="the post's network at many learning rates")  # fmt: skip
    add_learning_rate_options(lr)
    add_common(lr)
    init = sub.add_parser("init", doc="Many random starting weights at one learning rate, in each update order.",
                          help="many random starting weights")  # fmt: skip
    add_init_options(init)
    add_common(init)
    grid = sub.add_parser("grid", doc="The same random starts at several learning rates, in each update order: the "
                          "share reaching 1e-4, the share diverged, the median ratio of updates to parallel's.",
                          help="random starts × learning rates")  # fmt: skip
    g = GRID_DEFAULTS
    grid.add_argument("--from", dest="low", type=cli.positive_real, default=g["from"], metavar="ETA",
                      help=f"smallest learning rate (default {g['from']:g})")  # fmt: skip
    grid.add_argument("--to", dest="high", type=cli.positive_real, default=g["to"], metavar="ETA",
                      help=f"largest learning rate (default {g['to']:g})")  # fmt: skip
    grid.add_argument("--num", type=network_count, default=g["num"], metavar="N",
                      help=f"learning rates, log-spaced (default {g['num']})")  # fmt: skip
    add_init_options(grid, networks=g["networks"], learning_rate=False)
    add_common(grid)
    cli.add_readme_block(grid, GRID_BLOCK)
    cli.add_readme_block(p, BLOCK)
    # The page's run: both sweeps at their defaults; smaller runs for a quick look (and the tests).
    p.add_argument("--iterations", dest="readme_iterations", type=cli.positive_count, default=DEFAULTS["iterations"],
                   metavar="N", help="with --update/--check: updates per network (default 10,000)")  # fmt: skip
    p.add_argument("--num", dest="readme_num", type=network_count, default=DEFAULTS["num"], metavar="N",
                   help="with --update/--check: learning rates (default 400)")  # fmt: skip
    p.add_argument("--networks", dest="readme_networks", type=network_count, default=DEFAULTS["networks"],
                   metavar="N", help="with --update/--check: random starts (default 10,000)")  # fmt: skip
    add_workers(p)
    progress.add_quiet(p)
    return p


def check_range(p, low: float, high: float, num: int) -> None:
    if low > high:
        p.error(f"the learning-rate range is reversed: --from {low:g} is above --to {high:g}")
    if low == high and num > 1:
        p.error(f"the learning-rate range is empty: --from and --to are both {low:g}, for {num} learning rates")


def plot_format(path: str) -> str:
    return path.rsplit(".", 1)[-1].lower() if "." in path else ""


# --- text ----------------------------------------------------------------------------------------


def eta_text(eta) -> str:
    return "—" if eta is None else f"{eta:.4g}"


def none_or_eta(eta) -> str:
    return "none" if eta is None else f"{eta:.4g}"


def pct(fraction: float) -> str:
    """A share in percent: one decimal, two below 1 % (so that 0.04 % does not print as 0.0)."""
    value = 100 * fraction
    return f"{value:.2f}" if 0 < value < 1 else f"{value:.1f}"


def percent(share: dict) -> str:
    low, high = share["ci95"]
    return f"{pct(share['share']):>5} % (95 % CI {pct(low)}–{pct(high)} %)"


def settings_text(s: sweeps.Sweep) -> str:
    c = s.settings
    if s.kind == "grid":
        spread = f"uniform in [−{c['scale']:g}, {c['scale']:g}]" if c["distribution"] == "uniform" else (
            f"normal with sd {c['scale']:g}")  # fmt: skip
        targets = "targets uniform in (0, 1)" if c["random_targets"] else "the post's targets"
        return (f"{c['networks']:,} random starts, w1..w8 {spread} (seed {c['seed']}), the post's inputs and fixed "
                f"biases, {targets}, each at {c['num']:,} learning rate{'s' if c['num'] > 1 else ''} log-spaced from "
                f"{c['from']:g} to {c['to']:g}, {c['iterations']:,} updates each")  # fmt: skip
    if s.kind == "learning-rate":
        return (f"the post's network (its weights, inputs, targets, fixed biases, E = ½ Σ (t − y)²) at "
                f"{c['num']:,} learning rate{'s' if c['num'] > 1 else ''} log-spaced from {c['from']:g} to "
                f"{c['to']:g}, "
                f"{c['iterations']:,} updates each")  # fmt: skip
    spread = f"uniform in [−{c['scale']:g}, {c['scale']:g}]" if c["distribution"] == "uniform" else (
        f"normal with sd {c['scale']:g}")  # fmt: skip
    targets = "targets uniform in (0, 1)" if c["random_targets"] else "the post's targets"
    return (f"{c['networks']:,} random starts, w1..w8 {spread} (seed {c['seed']}), the post's inputs and fixed "
            f"biases, {targets}, η = {c['learning_rate']:g}, {c['iterations']:,} updates each")  # fmt: skip


def saturation_text(summary: dict) -> str:
    e = summary["saturation_error"]
    return (f"Outputs saturated at exactly 0 and 1 have E = {e:.6g} for the post's targets 0.01 and 0.99, so an "
            f"error just under {e:.6g} within a few updates at a large η comes from driving the outputs into "
            "saturation, not from fitting the targets more closely.")


def comparison_lines(c: dict, with_intervals: bool) -> list[str]:
    order, against, n = c["order"], c["against"], c["starts"]
    names = {"before": f"{order} first", "after": f"{against} first", "same": "same update",
             f"only_{order}": f"only {order}", f"only_{against}": f"only {against}", "neither": "neither"}  # fmt: skip
    out = [f"{order} against {against}, reaching {sweeps.threshold_name(c['threshold'])} from the same {n:,} starts:"]
    for key, label in names.items():
        share = c["shares"][key]
        tail = percent(share) if with_intervals else f"{100 * share['share']:5.1f} %"
        out.append(f"  {label:<24} {share['count']:>9,}  {tail}")
    if c["median_ratio"] is not None:
        m = c["most_different"]
        weights = " ".join(f"{v:.4f}" for v in m["weights"].values())
        out.append(f"  median of updates {order} / {against}, where both reach it: {c['median_ratio']:.6f}")
        out.append(f"  most different start (|log2 ratio| {abs(m['log2_ratio']):.3f}): η = {m['learning_rate']:g}, "
                   f"w1..w8 = {weights}; {order} {updates(m['updates'][order])}, "
                   f"{against} {updates(m['updates'][against])}")  # fmt: skip
    return out


def text_report(s: sweeps.Sweep, summary: dict) -> str:
    ref = sweeps.threshold_name(summary["reference_threshold"])
    if s.kind == "grid":
        return grid_text(s, summary)
    title = "Learning-rate sweep" if s.kind == "learning-rate" else "Initialisation sweep"
    out = [f"{title}: {settings_text(s)}.", "Iteration N is the state after N updates.", ""]
    if s.kind == "learning-rate":
        names = [sweeps.threshold_name(t) for t in s.result.thresholds]
        out.append("Fewest updates to reach each error level, and the learning rate that takes them")
        out.append(f"{'order':<12}" + "".join(f"{n:>24}" for n in names))
        for order, o in summary["orders"].items():
            cells = ["never" if f is None else f"{f['updates']:,} at η {f['learning_rate']:.4g}"
                     for f in (o["fastest"][n] for n in names)]  # fmt: skip
            out.append(f"{order:<12}" + "".join(f"{c:>24}" for c in cells))
        out += ["", f"{'order':<12} {'largest η reaching ' + ref:>24} {'error first rises from η':>25} "
                f"{'diverges from η':>16}  η ranges missing {ref}"]  # fmt: skip
        for order, o in summary["orders"].items():
            misses = ", ".join(f"{a:.4g}–{b:.4g}" for a, b in o["misses"]) or "none"
            out.append(f"{order:<12} {eta_text(o['largest_reaching']):>24} {eta_text(o['smallest_rising']):>25} "
                       f"{eta_text(o['smallest_diverging']):>16}  {misses}")  # fmt: skip
        out.append("  (the error first rises: some update N with E(N) > E(N − 1) within the run; diverges: a weight "
                   "or the error not finite)")  # fmt: skip
        out.append(f"  {saturation_text(summary)}")
    else:
        reached = ", ".join(f"{o} {n:,}" for o, n in summary["reached"].items())
        out.append(f"Starts reaching {ref} within the run: {reached} (of {s.settings['networks']:,})")
    for c in summary["comparisons"]:
        out += ["", *comparison_lines(c, with_intervals=s.kind == "init")]
    if s.kind == "init" and summary["comparisons"]:
        out += ["  (95 % CI: Wilson score intervals over the random starts)"]
    return "\n".join(out) + "\n"


def readme_block(lr: sweeps.Sweep, lr_summary: dict, init: sweeps.Sweep, init_summary: dict, argv_text: str) -> str:
    """docs/update-orders.md's "Does the update order matter?" block: what both sweeps measured, generated."""
    ref = sweeps.threshold_name(lr_summary["reference_threshold"])
    out = [f"Generated by `python sweep.py {argv_text}`; iteration N is the state after N updates.", "",
           f"**Learning rate.** {settings_text(lr)[0].upper() + settings_text(lr)[1:]}.", "",
           f"| order | fewest updates to {ref} (at η) | largest η reaching {ref} | η missing {ref} | error first "
           "rises from η | diverges from η |", "|---|---|---|---|---|---|"]  # fmt: skip
    for order, o in lr_summary["orders"].items():
        f = o["fastest"][ref]
        fastest = "never" if f is None else f"{f['updates']:,} (η {f['learning_rate']:.4g})"
        misses = ", ".join(f"{a:.4g}–{b:.4g}" for a, b in o["misses"]) or "none"
        out.append(f"| {order} | {fastest} | {eta_text(o['largest_reaching'])} | {misses} | "
                   f"{eta_text(o['smallest_rising'])} | {none_or_eta(o['smallest_diverging'])} |")  # fmt: skip
    out += ["", saturation_text(lr_summary), ""]
    for c in lr_summary["comparisons"]:
        sh = c["shares"]
        both = sh["before"]["count"] + sh["after"]["count"] + sh["same"]["count"]
        out.append(f"- {c['order'].capitalize()} against parallel: of the {c['starts']:,} learning rates, both reach "
                   f"{ref} at {both:,}; {c['order']} takes fewer updates at {sh['before']['count']:,}, more at "
                   f"{sh['after']['count']:,}, the same at {sh['same']['count']:,}; only {c['order']} reaches it at "
                   f"{sh['only_' + c['order']]['count']:,}, only parallel at {sh['only_parallel']['count']:,}"
                   + (f"; median ratio of updates {c['median_ratio']:.4f}." if c["median_ratio"] else "."))  # fmt: skip
    reached = ", ".join(f"{o} reaches {ref} from {n:,}" for o, n in init_summary["reached"].items())
    out += ["", f"**Random starts.** {settings_text(init)[0].upper() + settings_text(init)[1:]}; {reached}.", ""]
    comparisons = init_summary["comparisons"]
    if comparisons:
        heads = " | ".join(f"{c['order']} against parallel" for c in comparisons)
        out.append(f"| reaching {ref} | {heads} |")
        out.append("|---" * (len(comparisons) + 1) + "|")
        keys = [("before", "it first"), ("after", "parallel first"), ("same", "same update"), ("only", "only it"),
                ("only_parallel", "only parallel"), ("neither", "neither")]  # fmt: skip
        for key, label in keys:
            cells = []
            for c in comparisons:
                share = c["shares"][f"only_{c['order']}" if key == "only" else key]
                low, high = share["ci95"]
                cells.append(f"{pct(share['share'])} % ({pct(low)}–{pct(high)})")
            out.append(f"| {label} | " + " | ".join(cells) + " |")
        out.append("| median ratio of updates (it / parallel) | " + " | ".join(
            "—" if c["median_ratio"] is None else f"{c['median_ratio']:.4f}" for c in comparisons) + " |")  # fmt: skip
        out += ["", "Shares of the random starts, with 95 % Wilson intervals in brackets; the median is over the "
                "starts where both orders reach the level. These numbers describe this network, these starting "
                "distributions, this learning rate and run length, and nothing beyond them."]  # fmt: skip
    return "\n".join(out) + "\n"


def grid_cell(c: dict) -> str:
    r, d = c["reached"], c["diverged"]
    ratio = "—" if c["median_ratio"] is None else f"{c['median_ratio']:.4f}"
    return f"{pct(r['share'])} % ({pct(r['ci95'][0])}–{pct(r['ci95'][1])}), {pct(d['share'])} %, {ratio}"


def grid_text(s: sweeps.Sweep, summary: dict) -> str:
    ref = sweeps.threshold_name(summary["reference_threshold"])
    out = [f"Order grid: {settings_text(s)}.", "Iteration N is the state after N updates.", "",
           f"Per learning rate and order: the share of starts reaching {ref} (95 % Wilson interval), the share "
           f"diverged, and the median of updates to {ref} relative to parallel (where both reach it)", ""]  # fmt: skip
    width = max(len(grid_cell(c)) for c in summary["cells"]) + 2
    out.append(f"{'η':>10}" + "".join(f"{order:>{width}}" for order in s.orders))
    cells = summary["cells"]
    for i in range(0, len(cells), len(s.orders)):
        row = cells[i : i + len(s.orders)]
        out.append(f"{row[0]['learning_rate']:>10.4g}" + "".join(f"{grid_cell(c):>{width}}" for c in row))
    out += ["", *parting_lines(summary, ref)]
    return "\n".join(out) + "\n"


def parting_lines(summary: dict, ref: str) -> list[str]:
    """Where each order parts from parallel: the learning rates whose shares reaching ref have 95 %
    intervals apart, and which way."""
    out = []
    for order, parts in summary["parting"].items():
        if not parts:
            out.append(f"{order.capitalize()} and parallel: the shares reaching {ref} agree (95 % intervals overlap) "
                       "at every learning rate.")  # fmt: skip
            continue
        more = [p["learning_rate"] for p in parts if p["more"]]
        fewer = [p["learning_rate"] for p in parts if not p["more"]]
        said = []
        for etas, way in ((more, "more"), (fewer, "fewer")):
            if etas:
                said.append(f"{way} of its starts reach {ref} than with parallel at η = "
                            + ", ".join(f"{eta:.4g}" for eta in etas))  # fmt: skip
        out.append(f"{order.capitalize()} parts from parallel from η = {parts[0]['learning_rate']:.4g}: "
                   + "; ".join(said) + " (95 % intervals apart).")  # fmt: skip
    return out


def grid_readme(p, args) -> int:
    """sweep.py grid --update/--check docs/update-orders.md: the paragraph on what the grid measured."""
    block = readme_cli.from_args(PROG, args, GRID_BLOCK)
    if isinstance(block, int):
        return block
    check_range(p, args.low, args.high, args.num)
    s = run_sweep(args)
    summary = sweeps.summary(s)
    shown = ["grid", f"--update {PAGE}"]
    given = {"--from": args.low, "--to": args.high, "--num": args.num, "--networks": args.networks}
    for flag, value in given.items():
        if value != GRID_DEFAULTS[flag[2:]]:
            shown.append(f"{flag} {value:g}")
    if args.iterations != DEFAULTS["iterations"]:
        shown.append(f"--iterations {args.iterations}")
    return readme_cli.finish(PROG, block, grid_readme_block(s, summary, " ".join(shown)))


def grid_readme_block(s: sweeps.Sweep, summary: dict, argv_text: str) -> str:
    ref = sweeps.threshold_name(summary["reference_threshold"])
    out = [f"Generated by `python sweep.py {argv_text}`; iteration N is the state after N updates.", "",
           f"**Learning rate × random starts.** {settings_text(s)[0].upper() + settings_text(s)[1:]}.", "",
           "| η | " + " | ".join(s.orders) + " |", "|---" * (len(s.orders) + 1) + "|"]  # fmt: skip
    cells = summary["cells"]
    for i in range(0, len(cells), len(s.orders)):
        row = cells[i : i + len(s.orders)]
        out.append(f"| {row[0]['learning_rate']:.4g} | " + " | ".join(grid_cell(c) for c in row) + " |")
    out += ["", f"Each cell: the share of the starts reaching {ref} within the run (95 % Wilson interval), the "
            f"share diverged, and the median of updates to {ref} relative to parallel over the starts where both "
            "reach it.", "", *parting_lines(summary, ref)]  # fmt: skip
    return "\n".join(out) + "\n"


# --- outputs -------------------------------------------------------------------------------------


def csv_text(s: sweeps.Sweep) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    grid = s.kind == "grid"  # one row per learning rate and order; the others, one per network and order
    writer.writerow(sweeps.GRID_COLUMNS if grid else sweeps.columns(s))
    for row in sweeps.grid_rows(sweeps.summary(s)) if grid else sweeps.rows(s):
        writer.writerow(["" if v is None else repr(v) if isinstance(v, float) else v for v in row])
    return out.getvalue()


def json_document(s: sweeps.Sweep, summary: dict) -> dict:
    return {
        "sweep": s.kind, "settings": {**s.settings, "orders": list(s.orders),
                                      "thresholds": [sweeps.threshold_name(t) for t in s.result.thresholds]},
        "counting": "iteration N is the state after N weight updates; iteration 0 is the initial weights",
        "summary": summary, "columns": sweeps.GRID_COLUMNS if s.kind == "grid" else sweeps.columns(s),
        "rows": list(sweeps.grid_rows(summary) if s.kind == "grid" else sweeps.rows(s)),
    }  # fmt: skip


def json_safe(value):
    """Threshold keys as their short names; floats that are not finite as null."""
    if isinstance(value, dict):
        return {sweeps.threshold_name(k) if isinstance(k, float) else k: json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if isinstance(value, float) and value != value:
        return None
    return value


def run_sweep(args) -> sweeps.Sweep:
    starts = args.networks if args.sweep == "init" else args.num * (args.networks if args.sweep == "grid" else 1)
    with progress.bar(starts * len(args.orders), "network", quiet=args.quiet) as bar:  # on a terminal only
        if args.sweep == "grid":
            return sweeps.grid_sweep(args.low, args.high, args.num, args.networks, args.iterations, args.distribution,
                                     args.scale, args.random_targets, args.seed, args.thresholds, args.orders,
                                     args.workers, on_progress=bar.to)  # fmt: skip
        if args.sweep == "learning-rate":
            return sweeps.learning_rate_sweep(args.low, args.high, args.num, args.iterations, args.thresholds,
                                              args.orders, args.workers, on_progress=bar.to)  # fmt: skip
        return sweeps.init_sweep(args.networks, args.iterations, args.learning_rate, args.distribution, args.scale,
                                 args.random_targets, args.seed, args.thresholds, args.orders, args.workers,
                                 on_progress=bar.to)  # fmt: skip


def main(argv=None) -> int:
    p = parser()
    exercise.refuse_shape_flags(p, argv)
    args = p.parse_args(argv)
    if args.sweep == "grid" and "parallel" not in args.orders:
        p.error("argument --orders: the grid compares each order with parallel; include parallel")
    if args.sweep == "grid" and (args.update or args.check):
        return grid_readme(p, args)
    readme = bool(args.update or args.check)
    if args.sweep is None and not readme:
        p.error("choose a sweep: learning-rate, init or grid (or --update/--check docs/update-orders.md for both)")
    if readme:
        if args.sweep is not None:
            p.error("--update and --check run both sweeps at their defaults: give them without a sweep")
        block = readme_cli.from_args(PROG, args, BLOCK)
        if isinstance(block, int):
            return block
        total = (args.readme_num + args.readme_networks) * len(ALL_ORDERS)
        with progress.bar(total, "network", quiet=args.quiet) as bar:  # on a terminal only
            lr = sweeps.learning_rate_sweep(DEFAULTS["from"], DEFAULTS["to"], args.readme_num,
                                            args.readme_iterations, workers=args.workers, on_progress=bar.to)
            init = sweeps.init_sweep(args.readme_networks, args.readme_iterations, workers=args.workers,
                                     on_progress=lambda n: bar.to(args.readme_num * len(ALL_ORDERS) + n))
        shown = [f"--update {PAGE}"]
        for flag, value in (("--iterations", args.readme_iterations), ("--num", args.readme_num),
                            ("--networks", args.readme_networks)):  # fmt: skip
            if value != DEFAULTS[flag[2:]]:
                shown.append(f"{flag} {value}")
        text = readme_block(lr, sweeps.summary(lr), init, sweeps.summary(init), " ".join(shown))
        return readme_cli.finish(PROG, block, text)

    if args.sweep in ("learning-rate", "grid"):
        check_range(p, args.low, args.high, args.num)
    # Every output is checked before training.
    if args.plot and plot_format(args.plot) not in PLOT_FORMATS:
        p.error(f"argument --plot: {args.plot!r} does not end in .png, .svg or .pdf")
    for path in (args.csv, args.plot):
        reason = path and (files.why_not_output(path) if path == args.csv else files.why_unwritable(path))
        if reason:
            return cli.fail(PROG, f"cannot write {path}: {reason}")
    s = run_sweep(args)
    summary = sweeps.summary(s)
    if args.csv:
        try:
            files.write_output(args.csv, csv_text(s))
        except OSError as exc:
            return cli.fail(PROG, f"cannot write {args.csv}: {exc.strerror or exc}")
    if args.plot:
        from backprop import sweep_plots  # matplotlib, only when a figure is asked for

        try:
            files.atomic_write(args.plot, sweep_plots.render(sweep_plots.figure(s), plot_format(args.plot)))
        except OSError as exc:
            return cli.fail(PROG, f"cannot write {args.plot}: {exc.strerror or exc}")
    if args.json:
        print(json.dumps(json_safe(json_document(s, summary)), indent=1, ensure_ascii=False))
    else:
        sys.stdout.write(text_report(s, summary))
    return 0


if __name__ == "__main__":
    cli.run(main, PROG)
