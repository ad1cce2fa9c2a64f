"""The numbers behind analyze_convergence.py: both update orders compared, and the post's figures reconciled.

Sections: checkpoint_rows (both orders at each checkpoint), milestones (the first
iteration at or below each error level), eta_squared (the first-step difference
against η), reconcile and verdict (which setting reproduces each figure the post
publishes). Every number comes from training.train (the comparison and the milestones) or
batched.train_many (the reconciliation's many settings at once); nothing here does the math again.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from backprop import batched, published, training
from backprop.exercise import POST, Exercise
from backprop.worked_example import BIAS_POLICIES, LOSSES, loss_scale

THRESHOLDS = (1e-2, 1e-3, 1e-4, 1e-5)
ETA_LADDER = (0.5, 0.25, 0.125, 0.0625, 0.03125)
COUNTINGS = {"after": "after N updates", "before": "before the N-th update (after N − 1)"}
REPORTED_ORDERS = ("sequential", "parallel")  # the order of the report's rows and phrases


@dataclass(frozen=True)
class PostFigure:
    """A figure the post publishes: after `rounds` rounds, `quantity` ("w1-w4", "w5-w8", "E" or "out")."""

    key: str
    label: str
    rounds: int
    quantity: str
    digits: tuple[str, ...]

    def values(self, t, n: int) -> list[float]:
        """The quantity read at iteration n from t, a training.Trajectory or a batched.Checkpoints."""
        r = t.row(n)
        found = {"w1-w4": t.w1[r].ravel(), "w5-w8": t.w2[r].ravel(), "E": [t.error[r]], "out": t.output[r]}
        return [float(v) for v in found[self.quantity]]

    def reproduced_by(self, values) -> bool:
        return all(published.agrees(v, p) for v, p in zip(values, self.digits, strict=True))


FIRST = published.POST_FIRST_UPDATE
POST_FIGURES = (
    PostFigure("w1-w4", "hand-worked w1+..w4+", 1, "w1-w4", tuple(FIRST[f"w{i}+"] for i in (1, 2, 3, 4))),
    PostFigure("w5-w8", "hand-worked w5+..w8+", 1, "w5-w8", tuple(FIRST[f"w{i}+"] for i in (5, 6, 7, 8))),
    PostFigure("error-1", "error after round 1", 1, "E", (FIRST["E_total after"],)),
    PostFigure("error-10000", f"error after 10,000 rounds ({published.POST_ERROR_AFTER_10000})", 10000, "E",
               (published.POST_ERROR_AFTER_10000,)),  # fmt: skip
    PostFigure("error-10000-other", f"error after 10,000 rounds ({published.POST_ERROR_AFTER_10000_OTHER_COPIES})",
               10000, "E", (published.POST_ERROR_AFTER_10000_OTHER_COPIES,)),  # fmt: skip
    PostFigure("outputs-10000", "outputs after 10,000 rounds", 10000, "out", published.POST_OUTPUTS_AFTER_10000),
)


# --- 1. checkpoints ------------------------------------------------------------------------


def norm(a) -> float:
    return float(np.linalg.norm(a))


def checkpoint_rows(trajectories, counts) -> list[dict]:
    """Both orders at each count: errors, their difference, which is ahead, distances and norms."""
    seq, par = trajectories["sequential"], trajectories["parallel"]
    rows = []
    for k in counts:
        s, p = seq.row(k), par.row(k)
        e_s, e_p = float(seq.error[s]), float(par.error[p])
        diff = e_s - e_p
        row = {
            "iteration": k,
            "error": {"sequential": e_s, "parallel": e_p},
            "abs_difference": abs(diff),
            "rel_difference": abs(diff) / max(e_s, e_p),
            "ahead": "tie" if diff == 0 else ("sequential" if diff < 0 else "parallel"),
        }
        for name, t, r in (("sequential", seq, s), ("parallel", par, p)):
            row[name] = {
                "distance_to_target": norm(t.output[r] - t.target),
                "norm_w1": norm(t.w1[r]),
                "norm_w2": norm(t.w2[r]),
                "gradient_norm": norm(np.concatenate([t.grad_w1[r].ravel(), t.grad_w2[r].ravel()])),
            }
        row["norm_w1_difference"] = norm(seq.w1[s] - par.w1[p])
        row["norm_w2_difference"] = norm(seq.w2[s] - par.w2[p])
        rows.append(row)
    return rows


# --- 2. milestones -------------------------------------------------------------------------


def milestones(trajectory, thresholds=THRESHOLDS) -> dict:
    """{threshold: first recorded iteration with error <= threshold, or None}."""
    return {threshold: trajectory.first_at_or_below(threshold) for threshold in thresholds}


# --- 3. why they differ --------------------------------------------------------------------


def eta_squared(ex: Exercise = POST, rates=ETA_LADDER) -> dict:
    """The first-step difference max|W1_seq − W1_par| after one update of ex, at each learning rate,
    and the exponent p of a least-squares fit difference ∝ η^p on log axes."""
    rows = []
    for eta in rates:
        one = {order: training.train(order, 1, **{**ex.training(), "learning_rate": eta}) for order in REPORTED_ORDERS}
        d = np.abs(one["sequential"].w1[1] - one["parallel"].w1[1]).max()
        rows.append({"learning_rate": eta, "difference": float(d), "difference_over_eta_squared": float(d / eta**2)})
    p = np.polyfit(np.log([r["learning_rate"] for r in rows]), np.log([r["difference"] for r in rows]), 1)[0]
    return {"rows": rows, "exponent": float(p)}


# --- 4. reconciliation ---------------------------------------------------------------------


def reconcile(base=None) -> list[dict]:
    """Every order × biases × loss × counting against every figure the post publishes.

    base: trajectories of the fixed/half-sse runs already trained (reused when they
    hold every iteration needed). The losses half-sse and mse coincide on two outputs
    (c = 1 in E = (c/2) Σ (t − y)²), so they share one training run. The other runs are
    trained together, in one pass of the batched engine, which keeps the iterations needed.
    """
    needed = sorted({f.rounds - back for f in POST_FIGURES for back in (0, 1)})
    runs = {}
    settings = list(itertools.product(REPORTED_ORDERS, BIAS_POLICIES, LOSSES))
    for order, biases, loss in settings:
        key = (order, biases, loss_scale(loss))
        if key not in runs:
            runs[key] = reusable((base or {}).get(order), biases, loss, needed)
    untrained = [key for key, t in runs.items() if t is None]
    if untrained:
        losses = {loss_scale(loss): loss for loss in reversed(LOSSES)}  # a loss of each scale (half-sse for 1)
        orders, policies, scales = zip(*untrained, strict=True)
        many = batched.train_many(needed[-1], POST.learning_rate, order=orders, biases=policies,
                                  loss=[losses[c] for c in scales], thresholds=(), rises=False, checkpoints=needed,
                                  workers=1)  # fmt: skip
        for i, key in enumerate(untrained):
            if many.diverged_at[i] != batched.NOT_REACHED:
                raise training.diverged(int(many.diverged_at[i]), POST.learning_rate, "a reconciliation run")
            runs[key] = many.state(i)
    results = []
    for order, biases, loss in settings:
        t = runs[(order, biases, loss_scale(loss))]
        for counting in COUNTINGS:
            values, reproduced = {}, {}
            for figure in POST_FIGURES:
                v = figure.values(t, figure.rounds if counting == "after" else figure.rounds - 1)
                values[figure.label], reproduced[figure.label] = v, figure.reproduced_by(v)
            results.append({"order": order, "biases": biases, "loss": loss, "counting": counting,
                            "values": values, "reproduced": reproduced})  # fmt: skip
    return results


def reusable(t, biases, loss, needed):
    """t, when it is a fixed-bias run whose loss scale is loss's and that records every needed iteration."""
    if t is None or (biases, t.loss) != ("fixed", "half-sse") or loss_scale(loss) != 1.0:
        return None
    recorded = set(t.iteration.tolist())
    return t if all(n in recorded for n in needed) else None


def any_or_list(chosen, everything, noun: str, suffix: str = "") -> str:
    """'any bias policy' when chosen holds everything, else 'fixed or shared' + suffix, in canonical order."""
    if set(chosen) == set(everything):
        return f"any {noun}"
    return " or ".join(w for w in everything if w in chosen) + suffix


def who(results, label) -> str:
    """The settings that reproduce one figure, in words, merged where they agree:
    'sequential updates, fixed biases, half-sse or mse, counted after N updates', or 'no setting'."""
    matched = [r for r in results if r["reproduced"][label]]
    if not matched:
        return "no setting"
    orders_by_setting = {}  # "fixed biases, half-sse or mse, counted after N updates" -> orders
    for counting, order in itertools.product(COUNTINGS, REPORTED_ORDERS):
        biases_by_loss = {}
        for r in matched:
            if (r["counting"], r["order"]) == (counting, order):
                biases_by_loss.setdefault(r["loss"], set()).add(r["biases"])
        for biases in unique(biases_by_loss.values()):
            losses = [loss for loss, b in biases_by_loss.items() if b == biases]
            setting = (f"{any_or_list(biases, BIAS_POLICIES, 'bias policy', ' biases')}, "
                       f"{any_or_list(losses, LOSSES, 'loss')}, counted {COUNTINGS[counting]}")  # fmt: skip
            orders_by_setting.setdefault(setting, []).append(order)
    return "; ".join(f"{' or '.join(orders)} updates, {setting}" for setting, orders in orders_by_setting.items())


def unique(items) -> list:
    """items without repeats, in the order of their first appearance."""
    seen = []
    for item in items:
        if item not in seen:
            seen.append(item)
    return seen


def orders_reproducing(results, figures) -> list[str]:
    return [o for o in REPORTED_ORDERS
            if any(r["order"] == o and r["reproduced"][f.label] for r in results for f in figures)]  # fmt: skip


def verdict(results) -> list[str]:
    """The plain-language verdict: which setting reproduces each of the post's figures."""
    figure = {f.key: f for f in POST_FIGURES}
    by = {key: who(results, f.label) for key, f in figure.items()}
    # A setting reproduces "every figure" if it matches all of them, either copy of the 10,000-round error.
    either_copy = {"error-10000", "error-10000-other"}
    every = [r for r in results
             if all(r["reproduced"][f.label] for f in POST_FIGURES if f.key not in either_copy)
             and any(r["reproduced"][figure[key].label] for key in either_copy)]  # fmt: skip
    worked = " and ".join(orders_reproducing(results, [figure["w1-w4"]])) or "no"
    later = " and ".join(orders_reproducing(results, [figure["error-1"], figure["outputs-10000"]])) or "no"
    settings = "; ".join(f"{r['order']}, {r['biases']}, {r['loss']}" for r in every)
    every_text = f"every figure is reproduced by {settings}" if every else "no single setting reproduces every figure."
    cause = []
    if worked == "parallel" and "sequential" in later:
        cause = [
            f"Why: the author's companion code ({published.AUTHOR_CODE_URL.removeprefix('https://')}) updated "
            f"sequentially until commit {published.AUTHOR_FIX_COMMIT} ({published.AUTHOR_FIX_DATE}, "
            f"\"{published.AUTHOR_FIX_MESSAGE}\"). Before it, the code printed the error divided by the number of "
            f"outputs, {published.AUTHOR_CODE_BEFORE_FIX_ERROR_1} after the first update, half of the post's "
            f"{FIRST['E_total after']}; after it, the parallel {published.AUTHOR_CODE_AFTER_FIX_ERROR_1}. So the "
            "post's error figures are those of sequential updates, which the author's code made before that "
            "commit, and its hand-worked arithmetic is parallel."
        ]
    return [
        "The post's text describes one setting: parallel updates (its hidden-layer step uses the "
        "original w5..w8, not the updated ones), biases that are never updated, and E = ½ Σ (t − y)².",
        f"- Its hand-worked w1+..w4+ are reproduced by {by['w1-w4']}.",
        f"- Its w5+..w8+ by {by['w5-w8']} (the output layer's first step is the same in both orders).",
        f"- Its error after the first round, {FIRST['E_total after']}, by {by['error-1']}.",
        f"- Its error after 10,000 rounds as {published.POST_ERROR_AFTER_10000} (some copies of the post) by "
        f"{by['error-10000']}; as {published.POST_ERROR_AFTER_10000_OTHER_COPIES} (others) by "
        f"{by['error-10000-other']}.",
        f"- Its outputs after 10,000 rounds, {' and '.join(published.POST_OUTPUTS_AFTER_10000)}, by "
        f"{by['outputs-10000']}.",
        f"So the hand-worked arithmetic is {worked} updates, while the error after the first round and the "
        f"outputs after 10,000 rounds come from {later} updates; {every_text}"
        " (With two outputs the mean over outputs is half the sum, so mse and half-sse give the same numbers.)",
        *cause,
    ]


# --- everything at once ----------------------------------------------------------------------


def analyse(iterations: int, counts, ex: Exercise = POST, on_progress=None) -> dict:
    """Every section for the exercise ex; each order trained once to `iterations` with every iteration
    recorded (the trajectories are returned under "_trajectories", which JSON output leaves out).
    The reconciliation with the post (section 4) is made for the post's network and settings only:
    "reconciliation" and "verdict" are empty for any other. on_progress(updates): how many
    updates of the two runs are done, out of 2 × iterations (a progress bar's)."""
    trajectories = {}
    for i, order in enumerate(REPORTED_ORDERS):
        done = None if on_progress is None else lambda k, before=i * iterations: on_progress(before + k)
        trajectories[order] = training.train(order, iterations, **ex.training(), on_progress=done)
    results = reconcile(trajectories) if ex.is_post() else []
    return {
        "settings": {"learning_rate": ex.learning_rate, "biases": ex.biases, "loss": ex.loss,
                     "iterations": iterations, "counting": training.COUNTING, "network": ex.to_json()},  # fmt: skip
        "checkpoints": checkpoint_rows(trajectories, counts),
        "milestones": {m: {f"{k:g}": v for k, v in milestones(t).items()} for m, t in trajectories.items()},
        "eta_squared": eta_squared(ex),
        "reconciliation": results,
        "verdict": verdict(results) if results else [],
        "_trajectories": trajectories,
    }


