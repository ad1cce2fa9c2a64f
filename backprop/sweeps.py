"""The sweeps of sweep.py: many 2-2-2 networks trained by the batched engine, and what they say.

learning_rate_sweep: the post's network at many learning rates, each update order.
init_sweep: many random starting weights at one learning rate, each update order on the same starts.
grid_sweep: the same random starts at each of several learning rates, each update order.
Both return a Sweep (the settings of every network and its batched.ManyResult); the summaries
read it and never train again. Iteration N is the state after N updates.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from backprop import batched
from backprop.worked_example import ALL_ORDERS, B1_INIT, B2_INIT, INPUT, TARGET, W1_INIT, W2_INIT, WEIGHT_NAMES

THRESHOLDS = batched.THRESHOLDS
REFERENCE = 1e-4  # the threshold the summaries compare at (when the sweep has it)
COMPARED = (("sequential", "parallel"), ("alternating", "parallel"))  # (order, against)
Z95 = 1.959963984540054  # the 97.5 % point of the standard normal distribution


def threshold_name(threshold: float) -> str:
    """The canonical short form of a threshold: 1e-4, 2.5e-3 (CSV columns, JSON keys)."""
    mantissa, exponent = f"{threshold:.15e}".split("e")
    mantissa = mantissa.rstrip("0").rstrip(".")
    return f"{mantissa}e{int(exponent)}"


@dataclass(frozen=True)
class Sweep:
    """Starting points (axis S), each trained in each order: K = S × len(orders) networks, order by order.

    learning_rate (S,); w (S, 8) the initial w1..w8; b1, b2 (S,); x, target (S, 2): the settings of
    each start. result: the batched.ManyResult over the K networks, whose network
    o × S + s is start s trained in orders[o].
    """

    kind: str  # "learning-rate", "init" or "grid"
    settings: dict
    orders: tuple[str, ...]
    learning_rate: np.ndarray
    w: np.ndarray
    b1: np.ndarray
    b2: np.ndarray
    x: np.ndarray
    target: np.ndarray
    result: batched.ManyResult

    @property
    def starts(self) -> int:
        return len(self.learning_rate)

    def of(self, order: str) -> np.ndarray:
        """The indices in result of order's networks, by start."""
        o = self.orders.index(order)
        return np.arange(o * self.starts, (o + 1) * self.starts)

    def updates_to(self, threshold: float, order: str) -> np.ndarray:
        """Updates to reach threshold for each start of order (float, NaN where not reached)."""
        j = self.result.thresholds.index(threshold)
        first = self.result.first_at_or_below[j, self.of(order)].astype(float)
        first[first == batched.NOT_REACHED] = np.nan
        return first

    @property
    def reference(self) -> float:
        """The threshold the summaries compare at: 1e-4, or the smallest one when 1e-4 is not swept."""
        return REFERENCE if REFERENCE in self.result.thresholds else min(self.result.thresholds)


def train(kind, settings, orders, learning_rate, w, b1, b2, x, target, iterations, thresholds, workers,
          on_progress=None) -> Sweep:  # fmt: skip
    """Each starting point (axis 0 of learning_rate, w, ...) trained in each order: one batched pass per
    order, so that memory stays proportional to the number of starts. on_progress(networks): how many
    of the len(orders) × starts networks are trained, after each block (a progress bar's)."""
    w = np.asarray(w, dtype=float)
    starts = len(w)
    runs = [
        batched.train_many(iterations, learning_rate, order=order, w1=w[:, :4].reshape(-1, 2, 2),
                           w2=w[:, 4:].reshape(-1, 2, 2), b1=b1, b2=b2, x=x, target=target, thresholds=thresholds,
                           workers=workers, on_progress=on_progress and (lambda n, i=i: on_progress(i * starts + n)))
        for i, order in enumerate(orders)
    ]  # fmt: skip
    joined = lambda name, axis=0: np.concatenate([getattr(r, name) for r in runs], axis=axis)  # noqa: E731
    first = runs[0]
    result = batched.ManyResult(
        iterations, first.thresholds, joined("first_at_or_below", axis=1), joined("final_error"),
        joined("first_rise_at"), joined("diverged_at"), first.trace_networks, first.trace_iterations,
        first.trace_error, first.checkpoints, first.checkpoint_state,
    )  # fmt: skip
    as_float = lambda a: np.asarray(a, dtype=float)  # noqa: E731
    return Sweep(kind, settings, tuple(orders), as_float(learning_rate), w, as_float(b1), as_float(b2), as_float(x),
                 as_float(target), result)  # fmt: skip


# The post's network, the base of every sweep unless it is given another (base=): w1..w8, b1, b2, inputs, targets.
POST_BASE = {"w": np.concatenate([W1_INIT.ravel(), W2_INIT.ravel()]), "b1": B1_INIT, "b2": B2_INIT, "x": INPUT,
             "target": TARGET}


def base_network(base: dict | None) -> dict:
    """base's w (8,), b1, b2 (numbers), x (2,), target (2,), the post's where base says nothing."""
    given = {**POST_BASE, **(base or {})}
    return {k: np.asarray(v, dtype=float) if k in ("w", "x", "target") else float(v) for k, v in given.items()}


def with_network(settings: dict, base: dict | None) -> dict:
    """settings, and for a base that is not the post's network, its numbers under "network"."""
    n = base_network(base)
    if all(np.array_equal(n[k], POST_BASE[k]) for k in POST_BASE):
        return settings
    return {**settings, "network": {"inputs": n["x"].tolist(), "targets": n["target"].tolist(),
                                    "weights": n["w"].tolist(), "b1": n["b1"], "b2": n["b2"]}}


def post_weights(k: int, base: dict | None = None) -> np.ndarray:
    return np.tile(base_network(base)["w"], (k, 1))


def learning_rate_sweep(low, high, num, iterations, thresholds=THRESHOLDS, orders=ALL_ORDERS, workers=None,
                        on_progress=None, base=None) -> Sweep:  # fmt: skip
    """The post's network (or base: see base_network()) at num learning rates log-spaced from low to high
    (on_progress: see train())."""
    etas = np.geomspace(low, high, num)
    settings = with_network({"from": low, "to": high, "num": num, "iterations": iterations}, base)
    n = base_network(base)
    return train("learning-rate", settings, orders, etas, post_weights(num, base), np.full(num, n["b1"]),
                 np.full(num, n["b2"]), np.tile(n["x"], (num, 1)), np.tile(n["target"], (num, 1)), iterations,
                 thresholds, workers, on_progress)  # fmt: skip


def init_sweep(networks, iterations, learning_rate=0.5, distribution="uniform", scale=1.0, random_targets=False,
               seed=0, thresholds=THRESHOLDS, orders=ALL_ORDERS, workers=None, on_progress=None,
               base=None) -> Sweep:  # fmt: skip
    """networks starting weights w1..w8 drawn uniform in [−scale, scale] or normal with sd scale
    (and, with random_targets, targets uniform in (0, 1)); the post's inputs, targets and biases, or
    base's (on_progress: see train())."""
    n = base_network(base)
    w, target = random_starts(networks, distribution, scale, random_targets, seed, n["target"])
    settings = with_network({"networks": networks, "iterations": iterations, "learning_rate": learning_rate,
                             "distribution": distribution, "scale": scale, "random_targets": random_targets,
                             "seed": seed}, base)  # fmt: skip
    return train("init", settings, orders, np.full(networks, learning_rate), w, np.full(networks, n["b1"]),
                 np.full(networks, n["b2"]), np.tile(n["x"], (networks, 1)), target, iterations, thresholds,
                 workers, on_progress)  # fmt: skip


def random_starts(networks, distribution="uniform", scale=1.0, random_targets=False, seed=0, targets=TARGET):
    """(w (networks, 8), target (networks, 2)): the init sweep's random starts."""
    rng = np.random.default_rng(seed)
    if distribution == "uniform":
        w = rng.uniform(-scale, scale, (networks, 8))
    elif distribution == "normal":
        w = rng.normal(0.0, scale, (networks, 8))
    else:
        raise ValueError(f"unknown distribution {distribution!r}; choose uniform or normal")
    target = np.tile(targets, (networks, 1))
    if random_targets:
        target = 1.0 - rng.uniform(0.0, 1.0, (networks, 2))  # in (0, 1]; 1.0 itself has probability 2^−53
        target[target == 1.0] = 0.5
    return w, target


def grid_sweep(low, high, num, networks, iterations, distribution="uniform", scale=1.0, random_targets=False, seed=0,
               thresholds=THRESHOLDS, orders=ALL_ORDERS, workers=None, on_progress=None,
               base=None) -> Sweep:  # fmt: skip
    """The same `networks` random starts (random_starts()) at each of num learning rates log-spaced from
    low to high, in each order: start i × networks + j is random start j at the i-th learning rate
    (the inputs, targets and biases the post's, or base's)."""
    etas = np.geomspace(low, high, num)
    n = base_network(base)
    w, target = random_starts(networks, distribution, scale, random_targets, seed, n["target"])
    settings = with_network({"from": low, "to": high, "num": num, "networks": networks, "iterations": iterations,
                             "distribution": distribution, "scale": scale, "random_targets": random_targets,
                             "seed": seed}, base)  # fmt: skip
    k = num * networks
    return train("grid", settings, orders, np.repeat(etas, networks), np.tile(w, (num, 1)), np.full(k, n["b1"]),
                 np.full(k, n["b2"]), np.tile(n["x"], (k, 1)), np.tile(target, (num, 1)), iterations, thresholds,
                 workers, on_progress)  # fmt: skip


# --- what the numbers say -----------------------------------------------------------------------


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of a proportion (95 % by default); (nan, nan) when n is 0."""
    if n == 0:
        return math.nan, math.nan
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def runs_of(mask) -> list[tuple[int, int]]:
    """[(first, last)] index ranges where mask is True."""
    runs, start = [], None
    for i, m in enumerate(mask):
        if m and start is None:
            start = i
        if not m and start is not None:
            runs.append((start, i - 1))
            start = None
    if start is not None:
        runs.append((start, len(mask) - 1))
    return runs


def saturation_error(target) -> float:
    """E = ½ Σ (t − y)² when each output is saturated at 0 or 1, whichever is nearer its target: the level
    a network reaches by driving its outputs into saturation (1e-4 for the post's targets 0.01, 0.99)."""
    t = np.asarray(target, dtype=float)
    return float(0.5 * (np.minimum(t, 1 - t) ** 2).sum())


def learning_rate_summary(s: Sweep) -> dict:
    """Per order: the η reaching each threshold in the fewest updates, the largest η that reaches the
    reference threshold, the η ranges that miss it, the smallest η whose error rises, and diverges."""
    r = s.result
    etas = s.learning_rate
    out = {"reference_threshold": s.reference, "saturation_error": saturation_error(s.target[0]), "orders": {}}
    for order in s.orders:
        idx = s.of(order)
        fastest = {}
        for threshold in r.thresholds:
            counts = s.updates_to(threshold, order)
            if np.isnan(counts).all():
                fastest[threshold_name(threshold)] = None
            else:
                best = int(np.nanargmin(counts))  # the smallest η among equals
                fastest[threshold_name(threshold)] = {"learning_rate": float(etas[best]), "updates": int(counts[best])}
        reaches = ~np.isnan(s.updates_to(s.reference, order))
        rise = r.first_rise_at[idx] != batched.NOT_REACHED
        diverged = r.diverged_at[idx] != batched.NOT_REACHED
        out["orders"][order] = {
            "fastest": fastest,
            "largest_reaching": float(etas[reaches].max()) if reaches.any() else None,
            "misses": [[float(etas[a]), float(etas[b])] for a, b in runs_of(~reaches)],
            "smallest_rising": float(etas[rise].min()) if rise.any() else None,
            "smallest_diverging": float(etas[diverged].min()) if diverged.any() else None,
        }
    out["comparisons"] = [compare(s, order, against) for order, against in COMPARED
                          if order in s.orders and against in s.orders]  # fmt: skip
    return out


def compare(s: Sweep, order: str, against: str) -> dict:
    """How order and `against` reach the reference threshold from the same starts: the shares where
    order is first, later, at the same update, alone, behind alone, neither (with 95 % Wilson
    intervals); the median of updates(order) / updates(against) where both reach it; and the start
    where log2 of that ratio is largest in magnitude."""
    a, b = s.updates_to(s.reference, order), s.updates_to(s.reference, against)
    n = len(a)
    both = ~np.isnan(a) & ~np.isnan(b)
    cases = {
        "before": both & (a < b),
        "after": both & (a > b),
        "same": both & (a == b),
        "only_" + order: ~np.isnan(a) & np.isnan(b),
        "only_" + against: np.isnan(a) & ~np.isnan(b),
        "neither": np.isnan(a) & np.isnan(b),
    }
    shares = {}
    for name, mask in cases.items():
        count = int(mask.sum())
        low, high = wilson(count, n)
        shares[name] = {"count": count, "share": count / n, "ci95": [low, high]}
    ratio = a[both] / b[both]
    out = {"order": order, "against": against, "threshold": s.reference, "starts": n, "shares": shares,
           "median_ratio": float(np.median(ratio)) if ratio.size else None}  # fmt: skip
    if ratio.size:
        log2 = np.log2(ratio)
        most = int(np.flatnonzero(both)[np.argmax(np.abs(log2))])
        out["most_different"] = {
            "start": most, "learning_rate": float(s.learning_rate[most]),
            "weights": dict(zip(WEIGHT_NAMES, map(float, s.w[most]), strict=True)),
            "target": [float(v) for v in s.target[most]],
            "updates": {order: int(a[most]), against: int(b[most])}, "log2_ratio": float(log2[np.argmax(np.abs(log2))]),
        }  # fmt: skip
    return out


def init_summary(s: Sweep) -> dict:
    reached = {order: int((~np.isnan(s.updates_to(s.reference, order))).sum()) for order in s.orders}
    return {"reference_threshold": s.reference, "reached": reached,
            "comparisons": [compare(s, order, against) for order, against in COMPARED
                            if order in s.orders and against in s.orders]}  # fmt: skip


def share(count: int, n: int) -> dict:
    low, high = wilson(count, n)
    return {"count": count, "share": count / n if n else math.nan, "ci95": [low, high]}


def grid_summary(s: Sweep) -> dict:
    """Per learning rate and order, over the random starts: the share reaching the reference threshold,
    the share diverged (95 % Wilson intervals), and the median of updates(order) / updates(parallel)
    over the starts where both reach it after at least one update."""
    n, etas = s.settings["networks"], np.geomspace(s.settings["from"], s.settings["to"], s.settings["num"])
    cells = []
    for i, eta in enumerate(etas):
        starts = slice(i * n, (i + 1) * n)
        parallel = s.updates_to(s.reference, "parallel")[starts] if "parallel" in s.orders else None
        for order in s.orders:
            updates = s.updates_to(s.reference, order)[starts]
            diverged = s.result.diverged_at[s.of(order)[starts]] != batched.NOT_REACHED
            cell = {"learning_rate": float(eta), "order": order, "starts": n,
                    "reached": share(int((~np.isnan(updates)).sum()), n), "diverged": share(int(diverged.sum()), n),
                    "median_ratio": None, "ratio_starts": 0}  # fmt: skip
            if parallel is not None:
                both = ~np.isnan(updates) & ~np.isnan(parallel) & (parallel > 0)
                cell["ratio_starts"] = int(both.sum())
                if both.any():
                    cell["median_ratio"] = float(np.median(updates[both] / parallel[both]))
            cells.append(cell)
    return {"reference_threshold": s.reference, "cells": cells,
            "parting": {order: parting(cells, order) for order in s.orders if order != "parallel"}}  # fmt: skip


def parting(cells, order: str, against: str = "parallel") -> list[dict]:
    """The learning rates at which order's share reaching the threshold and against's part: their 95 %
    intervals do not overlap. [{learning_rate, more (True: more of order's starts reach it), shares}]."""
    by = {(c["learning_rate"], c["order"]): c for c in cells}
    out = []
    for eta in dict.fromkeys(c["learning_rate"] for c in cells):
        if (eta, against) not in by or (eta, order) not in by:
            continue
        a, b = by[eta, order]["reached"], by[eta, against]["reached"]
        if a["ci95"][0] > b["ci95"][1] or a["ci95"][1] < b["ci95"][0]:
            out.append({"learning_rate": eta, "more": a["share"] > b["share"], "shares": [a["share"], b["share"]]})
    return out


def summary(s: Sweep) -> dict:
    return {"learning-rate": learning_rate_summary, "init": init_summary, "grid": grid_summary}[s.kind](s)


GRID_COLUMNS = ["learning_rate", "order", "starts", "reached", "share_reached", "reached_ci95_low",
                "reached_ci95_high", "diverged", "share_diverged", "diverged_ci95_low", "diverged_ci95_high",
                "median_ratio_to_parallel", "ratio_starts"]  # fmt: skip


def grid_rows(summary: dict):
    """One row per learning rate and order (GRID_COLUMNS; None: no start where both reach the threshold)."""
    for c in summary["cells"]:
        r, d = c["reached"], c["diverged"]
        yield [c["learning_rate"], c["order"], c["starts"], r["count"], r["share"], *r["ci95"], d["count"],
               d["share"], *d["ci95"], c["median_ratio"], c["ratio_starts"]]  # fmt: skip


# --- rows ------------------------------------------------------------------------------------------


def columns(s: Sweep) -> list[str]:
    return ["order", "learning_rate", *WEIGHT_NAMES, "b1", "b2", "i1", "i2", "t1", "t2", "final_error",
            "first_rise_at", "diverged_at",
            *(f"updates_to_{threshold_name(t)}" for t in s.result.thresholds)]  # fmt: skip


def rows(s: Sweep):
    """One row per network and order, values as Python numbers (None: not reached, none, diverged)."""
    r = s.result
    for order in s.orders:
        for start, i in enumerate(s.of(order)):
            first = [None if f == batched.NOT_REACHED else int(f) for f in r.first_at_or_below[:, i]]
            final = float(r.final_error[i])
            yield [
                order, float(s.learning_rate[start]), *map(float, s.w[start]), float(s.b1[start]),
                float(s.b2[start]), *map(float, s.x[start]), *map(float, s.target[start]),
                None if math.isnan(final) else final,
                None if r.first_rise_at[i] == batched.NOT_REACHED else int(r.first_rise_at[i]),
                None if r.diverged_at[i] == batched.NOT_REACHED else int(r.diverged_at[i]), *first,
            ]  # fmt: skip
