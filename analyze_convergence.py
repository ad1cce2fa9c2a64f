"""A numerical report on the two update orders, and what the blog's numbers came from.

Sections: (1) both methods at each checkpoint: errors, their absolute and relative
difference, which is ahead, distance to the target, weight and gradient norms;
(2) milestones: the first iteration at which each error is at or below 1e-2 ...
1e-5, read from the full trajectory; (3) why the two differ: the first-step
difference against η², with the fitted exponent; (4) reconciliation with the
blog post: every update order × bias policy × loss × counting convention against
each figure the post publishes, and a plain-language verdict.

Iteration N is the state after N weight updates; iteration 0 is the initial weights.

examples:
  python analyze_convergence.py
  python analyze_convergence.py --json > analysis.json
  python analyze_convergence.py --csv trajectories.csv      # every recorded iteration, both methods
  python analyze_convergence.py --update README.md          # the README's "Reading the blog's numbers"
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import os
import sys

import numpy as np

import ann_numpy
import ann_numpy_original
import cli
import mazur
from ann_numpy_no_loop import PUBLISHED
from convergence_test import DEFAULT_COUNTS, counts_list

PROG = "analyze_convergence.py"
BLOCK = "blog-reconciliation"
THRESHOLDS = (1e-2, 1e-3, 1e-4, 1e-5)
ETA_LADDER = (0.5, 0.25, 0.125, 0.0625, 0.03125)
TRAIN = {"sequential": lambda *a, **k: ann_numpy.train(*a, **k),
         "parallel": lambda *a, **k: ann_numpy_original.train(*a, **k)}  # fmt: skip

# The post's figures: (label, rounds N, quantity, published digits). "w" quantities are
# the weights after N rounds; "E" the error; "out" the two outputs.
BLOG_FIGURES = [
    ("hand-worked w1+..w4+", 1, "w1-w4", [PUBLISHED[f"w{i}+"] for i in (1, 2, 3, 4)]),
    ("hand-worked w5+..w8+", 1, "w5-w8", [PUBLISHED[f"w{i}+"] for i in (5, 6, 7, 8)]),
    ("error after round 1", 1, "E", [PUBLISHED["E_total after"]]),
    ("error after 10,000 rounds (0.0000351085)", 10000, "E", ["0.0000351085"]),
    ("error after 10,000 rounds (0.000035085)", 10000, "E", ["0.000035085"]),
    ("outputs after 10,000 rounds", 10000, "out", ["0.015912196", "0.984065734"]),
]
COUNTINGS = {"after": "after N updates", "before": "before the N-th update (after N − 1)"}


def matches(values, published) -> bool:
    """Each value, rounded to the digits its published figure shows, equals it."""
    return all(f"{v:.{len(p.split('.')[1])}f}" == p for v, p in zip(values, published, strict=True))


# --- 1. checkpoints ------------------------------------------------------------------------


def norm(a) -> float:
    return float(np.linalg.norm(a))


def checkpoint_rows(trajectories, counts) -> list[dict]:
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
                "distance_to_target": norm(t.output[r] - mazur.TARGET),
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


def eta_squared(rates=ETA_LADDER) -> dict:
    """The first-step difference max|W1_seq − W1_par| after one update, at each learning rate,
    and the exponent p of a least-squares fit difference ∝ η^p on log axes."""
    rows = []
    for eta in rates:
        d = np.abs(TRAIN["sequential"](1, eta).w1[1] - TRAIN["parallel"](1, eta).w1[1]).max()
        rows.append({"learning_rate": eta, "difference": float(d), "difference_over_eta_squared": float(d / eta**2)})
    p = np.polyfit(np.log([r["learning_rate"] for r in rows]), np.log([r["difference"] for r in rows]), 1)[0]
    return {"rows": rows, "exponent": float(p)}


# --- 4. reconciliation ---------------------------------------------------------------------


def figure_values(t, n, quantity):
    r = t.row(n)
    return {"w1-w4": t.w1[r].ravel(), "w5-w8": t.w2[r].ravel(), "E": [t.error[r]], "out": t.output[r]}[quantity]


def reconcile(base=None) -> list[dict]:
    """Every order × biases × loss × counting against every published figure.

    base: trajectories of the fixed/half-sse runs already trained (reused when they
    hold iterations 0, 1, 9999 and 10000). The losses half-sse and mse coincide on
    two outputs (c = 1 in E = (c/2) Σ (t − y)²), so they share one training run.
    """
    needed = sorted({n - back for _, n, _, _ in BLOG_FIGURES for back in (0, 1)})
    runs = {}
    results = []
    for order, biases, loss in itertools.product(TRAIN, mazur.BIAS_POLICIES, mazur.LOSSES):
        key = (order, biases, mazur.loss_scale(loss))
        if key not in runs:
            t = (base or {}).get(order)
            usable = t is not None and (biases, t.loss) == ("fixed", "half-sse") and mazur.loss_scale(loss) == 1.0
            if not (usable and all(n in set(t.iteration.tolist()) for n in needed)):
                t = TRAIN[order](needed[-1], biases=biases, loss=loss, record_every=0, checkpoints=needed)
            runs[key] = t
        t = runs[key]
        for counting in COUNTINGS:
            values, reproduced = {}, {}
            for label, n, quantity, published in BLOG_FIGURES:
                v = [float(x) for x in figure_values(t, n if counting == "after" else n - 1, quantity)]
                values[label], reproduced[label] = v, matches(v, published)
            results.append({"order": order, "biases": biases, "loss": loss, "counting": counting,
                            "values": values, "reproduced": reproduced})  # fmt: skip
    return results


def who(results, label) -> str:
    """The settings that reproduce one figure, in words, merged where they agree:
    'sequential, fixed biases, half-sse or mse, after N updates', or 'no setting'."""
    matched = [r for r in results if r["reproduced"][label]]
    if not matched:
        return "no setting"

    def phrase(words, everything, noun):
        return f"any {noun}" if set(words) == set(everything) else " or ".join(w for w in everything if w in words)

    parts = {}
    for counting in COUNTINGS:
        for order in TRAIN:
            rows = [r for r in matched if (r["counting"], r["order"]) == (counting, order)]
            by_loss = {}
            for r in rows:
                by_loss.setdefault(r["loss"], []).append(r["biases"])
            for loss_set in {tuple(sorted(set(v))) for v in by_loss.values()}:
                losses = [loss for loss, b in by_loss.items() if tuple(sorted(set(b))) == loss_set]
                rest = f"{phrase(loss_set, mazur.BIAS_POLICIES, 'bias policy')} biases, " \
                       f"{phrase(losses, mazur.LOSSES, 'loss')}, counted {COUNTINGS[counting]}"
                parts.setdefault(rest, []).append(order)
    return "; ".join(f"{' or '.join(orders)} updates, {rest}" for rest, orders in parts.items()).replace(
        "any bias policy biases", "any bias policy")


def orders_reproducing(results, labels) -> list[str]:
    return [o for o in TRAIN if any(r["order"] == o and r["reproduced"][label] for r in results for label in labels)]


def verdict(results) -> list[str]:
    by_label = {label: who(results, label) for label, *_ in BLOG_FIGURES}
    labels = [label for label, *_ in BLOG_FIGURES]
    # A setting reproduces "every figure" if it matches all of them, either copy of the 10,000-round error.
    every = [r for r in results if all(r["reproduced"][label] for label in labels[:3] + labels[5:])
             and (r["reproduced"][labels[3]] or r["reproduced"][labels[4]])]  # fmt: skip
    worked = " and ".join(orders_reproducing(results, labels[:1])) or "no"
    later = " and ".join(orders_reproducing(results, [labels[2], labels[5]])) or "no"
    return [
        "The post's text describes one setting: parallel updates (its hidden-layer step uses the "
        "original w5..w8, not the updated ones), biases that are never updated, and E = ½ Σ (t − y)².",
        f"- Its hand-worked w1+..w4+ are reproduced by {by_label[labels[0]]}.",
        f"- Its w5+..w8+ by {by_label[labels[1]]} (the output layer's first step is the same in both orders).",
        f"- Its error after the first round, 0.291027924, by {by_label[labels[2]]}.",
        f"- Its error after 10,000 rounds as 0.0000351085 (some copies of the post) by {by_label[labels[3]]}; "
        f"as 0.000035085 (others) by {by_label[labels[4]]}.",
        f"- Its outputs after 10,000 rounds, 0.015912196 and 0.984065734, by {by_label[labels[5]]}.",
        f"So the hand-worked arithmetic is {worked} updates, while the error after the first round and the "
        f"outputs after 10,000 rounds come from {later} updates; "
        + ("no single setting reproduces every figure." if not every else
           "every figure is reproduced by " + "; ".join(f"{r['order']}, {r['biases']}, {r['loss']}" for r in every))
        + " (With two outputs the mean over outputs is half the sum, so mse and half-sse give the same numbers.)",
    ]


# --- output --------------------------------------------------------------------------------


def analyse(iterations: int, counts) -> dict:
    trajectories = {m: TRAIN[m](iterations) for m in TRAIN}  # every iteration recorded, once per method
    results = reconcile(trajectories)
    return {
        "settings": {"learning_rate": mazur.LEARNING_RATE, "biases": "fixed", "loss": "half-sse",
                     "iterations": iterations, "counting": mazur.COUNTING},  # fmt: skip
        "checkpoints": checkpoint_rows(trajectories, counts),
        "milestones": {m: {f"{k:g}": v for k, v in milestones(t).items()} for m, t in trajectories.items()},
        "eta_squared": eta_squared(),
        "reconciliation": results,
        "verdict": verdict(results),
        "_trajectories": trajectories,
    }


def text_report(a) -> str:
    s = a["settings"]
    out = [
        "Sequential against parallel updates on Mazur's 2-2-2 network",
        f"learning rate {s['learning_rate']}, biases fixed, E = ½ Σ (t − y)², trained to {s['iterations']:,} "
        f"updates; {s['counting']}.",
        "",
        "1. At each checkpoint",
        f"{'N':>7} {'E sequential':>14} {'E parallel':>14} {'|difference|':>12} {'relative':>9}  ahead",
    ]
    for r in a["checkpoints"]:
        out.append(f"{r['iteration']:>7,} {r['error']['sequential']:14.10f} {r['error']['parallel']:14.10f} "
                   f"{r['abs_difference']:12.3e} {r['rel_difference']:9.2e}  {r['ahead']}")  # fmt: skip
    out += ["", f"{'N':>7} {'|y−t| seq':>10} {'|y−t| par':>10} {'|W1| seq':>9} {'|W1| par':>9} {'|W2| seq':>9} "
            f"{'|W2| par':>9} {'|ΔW1|':>9} {'|ΔW2|':>9} {'|grad| seq':>10} {'|grad| par':>10}"]  # fmt: skip
    for r in a["checkpoints"]:
        q, p = r["sequential"], r["parallel"]
        out.append(
            f"{r['iteration']:>7,} {q['distance_to_target']:10.6f} {p['distance_to_target']:10.6f} "
            f"{q['norm_w1']:9.5f} {p['norm_w1']:9.5f} {q['norm_w2']:9.5f} {p['norm_w2']:9.5f} "
            f"{r['norm_w1_difference']:9.2e} {r['norm_w2_difference']:9.2e} "
            f"{q['gradient_norm']:10.3e} {p['gradient_norm']:10.3e}"
        )
    out += ["  (norms are Frobenius norms; ΔW = sequential − parallel; grad = the next update's gradient)", "",
            "2. Milestones: the first iteration at which the error is at or below"]  # fmt: skip
    out.append(f"{'method':>12} " + " ".join(f"{k:>9}" for k in a["milestones"]["sequential"]))
    for m, ms in a["milestones"].items():
        out.append(f"{m:>12} " + " ".join(f"{'—' if v is None else f'{v:,}':>9}" for v in ms.values()))
    e = a["eta_squared"]
    out += ["", "3. Why the two differ: after one update, max |W1 sequential − W1 parallel| against η",
            f"{'η':>9} {'difference':>12} {'difference / η²':>16}"]  # fmt: skip
    for r in e["rows"]:
        out.append(f"{r['learning_rate']:9.5f} {r['difference']:12.4e} {r['difference_over_eta_squared']:16.6e}")
    out.append(f"fitted: difference ∝ η^{e['exponent']:.4f}. The sequential hidden-layer step uses W2 after its "
               "update, W2 − η delta_o out_hᵀ, so it departs from the gradient step by a term in η².")  # fmt: skip
    out += ["", "4. Reconciliation with the blog post (✓ = reproduces the figure to its printed digits)"]
    labels = [label for label, *_ in BLOG_FIGURES]
    out.append(f"{'order':>10} {'biases':>10} {'loss':>8} {'counting':>8}  " + "  ".join(
        f"F{i + 1}" for i in range(len(labels))))  # fmt: skip
    for r in a["reconciliation"]:
        marks = "  ".join(f"{'✓' if r['reproduced'][label] else '·':>2}" for label in labels)
        out.append(f"{r['order']:>10} {r['biases']:>10} {r['loss']:>8} {r['counting']:>8}  {marks}")
    out += [f"  F{i + 1}: {label}" for i, label in enumerate(labels)]
    out += ["  counting: after = the figure read after N updates; before = before the N-th (after N − 1)", ""]
    out += ["Verdict", *a["verdict"]]
    return "\n".join(out) + "\n"


def readme_block(a) -> str:
    """The README's "Reading the blog's numbers" block: the verdict, generated."""
    return "\n".join(a["verdict"]) + "\n"


def write_csv(path, trajectories) -> None:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    header = ["method", "iteration", *mazur.WEIGHT_NAMES, "b1", "b2", "out_h1", "out_h2", "out_o1", "out_o2",
              "E_total", *(f"dE_d{w}" for w in mazur.WEIGHT_NAMES)]  # fmt: skip
    writer.writerow(header)
    for method, t in trajectories.items():
        n = len(t.iteration)
        table = np.column_stack([
            t.iteration, t.w1.reshape(n, 4), t.w2.reshape(n, 4), t.b1[:, 0], t.b2[:, 0], t.hidden, t.output,
            t.error, t.grad_w1.reshape(n, 4), t.grad_w2.reshape(n, 4),
        ])  # fmt: skip
        for k, row in zip(t.iteration, table, strict=True):
            writer.writerow([method, int(k), *(repr(float(x)) for x in row[1:])])
    cli.atomic_write(path, out.getvalue())


def main(argv=None) -> int:
    parser = cli.ArgumentParser(PROG, __doc__)
    parser.add_argument(
        "--iterations", type=cli.iteration_count, default=20000, metavar="N",
        help="train each method to N updates, every iteration recorded (default 20,000, past the 1e-5 milestone)",
    )  # fmt: skip
    parser.add_argument(
        "--counts", type=counts_list, default=list(DEFAULT_COUNTS), metavar="N,N,...",
        help="checkpoints of section 1 (default 0,1,2,5,10,100,1000,10000), at most --iterations",
    )  # fmt: skip
    parser.add_argument("--json", action="store_true", help="print the report as one JSON document")
    parser.add_argument("--csv", metavar="PATH", help="also write both trajectories, one row per iteration, to PATH")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--update", metavar="README", help=f"rewrite the block between the {BLOCK} markers")
    where.add_argument("--check", metavar="README", help="exit 0 if the marked block is current, else 1 and a diff")
    args = parser.parse_args(argv)
    if args.counts[-1] > args.iterations:
        parser.error(f"--counts goes up to {args.counts[-1]:,}, beyond --iterations {args.iterations:,}")
    if args.iterations < 10000:
        parser.error("--iterations must be at least 10,000: the post's figures are after 10,000 rounds")

    if args.csv and not os.path.isdir(os.path.dirname(os.path.abspath(args.csv))):
        return cli.fail(PROG, f"cannot write {args.csv}: its folder does not exist")
    a = analyse(args.iterations, args.counts)
    if args.csv:
        try:
            write_csv(args.csv, a["_trajectories"])
        except OSError as exc:
            return cli.fail(PROG, f"cannot write {args.csv}: {exc.strerror or exc}")
    if args.update or args.check:
        return cli.update_or_check_block(PROG, args.update or args.check, BLOCK, readme_block(a), bool(args.check))
    if args.json:
        document = {k: v for k, v in a.items() if not k.startswith("_")}
        print(json.dumps(document, indent=2, ensure_ascii=False))
    else:
        sys.stdout.write(text_report(a))
    return 0


if __name__ == "__main__":
    sys.exit(main())
