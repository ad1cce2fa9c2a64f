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
import json
import sys

from backprop import cli, exercise, files, progress, readme_cli, sweep_cli, sweep_report, sweeps
from backprop.worked_example import ALL_ORDERS

PROG = "sweep.py"
BLOCK = "update-order-sweeps"
PAGE = "docs/update-orders.md"  # the page that holds the block
GRID_BLOCK = "update-order-grid"
GRID_DEFAULTS = {"from": 0.1, "to": 1000.0, "num": 9, "networks": 1000}
DEFAULTS = sweep_cli.DEFAULTS


def parser() -> cli.ArgumentParser:
    p = cli.ArgumentParser(PROG, __doc__)
    sub = p.add_subparsers(dest="sweep", metavar="{learning-rate,init,grid}")
    lr = sub.add_parser("learning-rate", doc="The post's network at many learning rates, in each update order.",
                        help="the post's network at many learning rates")  # fmt: skip
    sweep_cli.add_learning_rate_options(lr)
    sweep_cli.add_common(lr)
    exercise.add_arguments(lr, settings=False)
    init = sub.add_parser("init", doc="Many random starting weights at one learning rate, in each update order.",
                          help="many random starting weights")  # fmt: skip
    sweep_cli.add_init_options(init)
    sweep_cli.add_common(init)
    exercise.add_arguments(init, settings=False)
    grid = sub.add_parser("grid", doc="The same random starts at several learning rates, in each update order: the "
                          "share reaching 1e-4, the share diverged, the median ratio of updates to parallel's.",
                          help="random starts × learning rates")  # fmt: skip
    g = GRID_DEFAULTS
    grid.add_argument("--from", dest="low", type=cli.positive_real, default=g["from"], metavar="ETA",
                      help=f"smallest learning rate (default {g['from']:g})")  # fmt: skip
    grid.add_argument("--to", dest="high", type=cli.positive_real, default=g["to"], metavar="ETA",
                      help=f"largest learning rate (default {g['to']:g})")  # fmt: skip
    grid.add_argument("--num", type=sweep_cli.network_count, default=g["num"], metavar="N",
                      help=f"learning rates, log-spaced (default {g['num']})")  # fmt: skip
    sweep_cli.add_init_options(grid, networks=g["networks"], learning_rate=False)
    sweep_cli.add_common(grid)
    exercise.add_arguments(grid, settings=False)
    cli.add_readme_block(grid, GRID_BLOCK)
    cli.add_readme_block(p, BLOCK)
    # The page's run: both sweeps at their defaults; smaller runs for a quick look (and the tests).
    p.add_argument("--iterations", dest="readme_iterations", type=cli.positive_count, default=DEFAULTS["iterations"],
                   metavar="N", help="with --update/--check: updates per network (default 10,000)")  # fmt: skip
    p.add_argument("--num", dest="readme_num", type=sweep_cli.network_count, default=DEFAULTS["num"], metavar="N",
                   help="with --update/--check: learning rates (default 400)")  # fmt: skip
    p.add_argument("--networks", dest="readme_networks", type=sweep_cli.network_count, default=DEFAULTS["networks"],
                   metavar="N", help="with --update/--check: random starts (default 10,000)")  # fmt: skip
    sweep_cli.add_workers(p)
    progress.add_quiet(p)
    p.exercise_settings = ("learning_rate",)  # an --example file's η is init's; biases and loss stay the post's
    return p


def grid_readme(p, args) -> int:
    """sweep.py grid --update/--check docs/update-orders.md: the paragraph on what the grid measured."""
    block = readme_cli.from_args(PROG, args, GRID_BLOCK)
    if isinstance(block, int):
        return block
    sweep_cli.check_range(p, args.low, args.high, args.num)
    s = run_sweep(args)
    summary = sweeps.summary(s)
    shown = ["grid", f"--update {PAGE}"]
    given = {"--from": args.low, "--to": args.high, "--num": args.num, "--networks": args.networks}
    for flag, value in given.items():
        if value != GRID_DEFAULTS[flag[2:]]:
            shown.append(f"{flag} {value:g}")
    if args.iterations != DEFAULTS["iterations"]:
        shown.append(f"--iterations {args.iterations}")
    return readme_cli.finish(PROG, block, sweep_report.grid_readme_block(s, summary, " ".join(shown)))


def run_sweep(args) -> sweeps.Sweep:
    starts = args.networks if args.sweep == "init" else args.num * (args.networks if args.sweep == "grid" else 1)
    with progress.bar(starts * len(args.orders), "network", quiet=args.quiet) as bar:  # on a terminal only
        if args.sweep == "grid":
            return sweeps.grid_sweep(args.low, args.high, args.num, args.networks, args.iterations, args.distribution,
                                     args.scale, args.random_targets, args.seed, args.thresholds, args.orders,
                                     args.workers, on_progress=bar.to, base=args.base)  # fmt: skip
        if args.sweep == "learning-rate":
            return sweeps.learning_rate_sweep(args.low, args.high, args.num, args.iterations, args.thresholds,
                                              args.orders, args.workers, bar.to, args.base)  # fmt: skip
        return sweeps.init_sweep(args.networks, args.iterations, args.learning_rate, args.distribution, args.scale,
                                 args.random_targets, args.seed, args.thresholds, args.orders, args.workers,
                                 on_progress=bar.to, base=args.base)  # fmt: skip


def main(argv=None) -> int:
    p = parser()
    exercise.refuse_shape_flags(p, argv)
    args, ex = exercise.parse_args(p, argv, orders=ALL_ORDERS)
    exercise.refuse_readme(p, args, ex)
    args.base = sweep_cli.base_network(p, ex)
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
        text = sweep_report.readme_block(lr, sweeps.summary(lr), init, sweeps.summary(init), " ".join(shown))
        return readme_cli.finish(PROG, block, text)

    if args.sweep in ("learning-rate", "grid"):
        sweep_cli.check_range(p, args.low, args.high, args.num)
    # Every output is checked before training.
    if args.plot and sweep_cli.plot_format(args.plot) not in sweep_cli.PLOT_FORMATS:
        p.error(f"argument --plot: {args.plot!r} does not end in .png, .svg or .pdf")
    for path in (args.csv, args.plot):
        reason = path and (files.why_not_output(path) if path == args.csv else files.why_unwritable(path))
        if reason:
            return cli.fail(PROG, f"cannot write {path}: {reason}")
    s = run_sweep(args)
    summary = sweeps.summary(s)
    if args.csv:
        try:
            files.write_output(args.csv, sweep_report.csv_text(s))
        except OSError as exc:
            return cli.fail(PROG, f"cannot write {args.csv}: {exc.strerror or exc}")
    if args.plot:
        from backprop import sweep_plots  # matplotlib, only when a figure is asked for

        try:
            files.atomic_write(args.plot, sweep_plots.render(sweep_plots.figure(s), sweep_cli.plot_format(args.plot)))
        except OSError as exc:
            return cli.fail(PROG, f"cannot write {args.plot}: {exc.strerror or exc}")
    if args.json:
        print(json.dumps(sweep_report.json_safe(sweep_report.json_document(s, summary)), indent=1, ensure_ascii=False))
    else:
        sys.stdout.write(sweep_report.text_report(s, summary))
    return 0


if __name__ == "__main__":
    cli.run(main, PROG)
