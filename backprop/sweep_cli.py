"""sweep.py's command-line pieces: its argument types and option groups, the learning-rate range
check and the figure's format. The parser and main() are sweep.py's."""

from __future__ import annotations

import argparse

from backprop import cli, progress, sweeps
from backprop.training import MAX_ITERATIONS
from backprop.worked_example import ALL_ORDERS

MAX_NETWORKS = 1_000_000  # per order: with the records and settings, well under 1 GB
DEFAULTS = {"from": 0.01, "to": 10000.0, "num": 400, "networks": 10_000, "iterations": 10_000}
PLOT_FORMATS = ("png", "svg", "pdf")


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


def check_range(p, low: float, high: float, num: int) -> None:
    if low > high:
        p.error(f"the learning-rate range is reversed: --from {low:g} is above --to {high:g}")
    if low == high and num > 1:
        p.error(f"the learning-rate range is empty: --from and --to are both {low:g}, for {num} learning rates")


def plot_format(path: str) -> str:
    return path.rsplit(".", 1)[-1].lower() if "." in path else ""


def base_network(p, ex) -> dict | None:
    """The sweeps' base network from the network flags and --example (an exercise.Exercise): None for the
    post's, else sweeps.base_network's numbers; a bias a neuron (two different numbers) is bad usage."""
    if ex.is_posts_network():
        return None
    for name, b in (("b1", ex.b1), ("b2", ex.b2)):
        if b[0] != b[1]:
            p.error(f"argument --{name}: the sweeps take one bias a layer, not {b[0]:g} and {b[1]:g}")
    return {"w": list(ex.weights), "b1": ex.b1[0], "b2": ex.b2[0], "x": list(ex.inputs), "target": list(ex.targets)}
