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
  python analyze_convergence.py --update docs/reconciliation.md   # the verdict in "Reading the blog's numbers"
"""

import backprop.startup  # noqa: F401  first of all: Ctrl-C during the imports below is one line, status 130

# isort: split
import csv
import io
import json
import sys

import numpy as np

from backprop import cli, exercise, files, progress, readme_cli, training
from backprop.analysis import POST_FIGURES, analyse
from backprop.worked_example import LOSSES, WEIGHT_NAMES

PROG = "analyze_convergence.py"
BLOCK = "blog-reconciliation"


def text_report(a) -> str:
    s, ex = a["settings"], a["_exercise"]
    out = [
        "Sequential against parallel updates on Mazur's 2-2-2 network",
        *([] if ex.is_posts_network() else [ex.describe()]),
        f"learning rate {s['learning_rate']}, {training.bias_phrase(s['biases'])}, {LOSSES[s['loss']]}, trained to "
        f"{s['iterations']:,} updates; {s['counting']}.",
        "",
        "1. At each checkpoint",
        f"{'N':>7} {'E sequential':>14} {'E parallel':>14} {'|difference|':>12} {'relative':>9}  ahead",
    ]
    for r in a["checkpoints"]:
        out.append(f"{r['iteration']:>7,} {cli.error_text(r['error']['sequential'], 14)} "
                   f"{cli.error_text(r['error']['parallel'], 14)} "
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
    if not a["reconciliation"]:
        out += ["", "4. Reconciliation with the blog post: made for the post's network and settings only"]
        return "\n".join(out) + "\n"
    out += ["", "4. Reconciliation with the blog post (✓ = reproduces the figure to its printed digits)"]
    labels = [figure.label for figure in POST_FIGURES]
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
    """docs/reconciliation.md's "Reading the blog's numbers" block: the verdict, generated."""
    return "\n".join(a["verdict"]) + "\n"


def write_csv(path, trajectories) -> None:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    header = ["method", "iteration", *WEIGHT_NAMES, "b1", "b2", "out_h1", "out_h2", "out_o1", "out_o2",
              "E_total", *(f"dE_d{w}" for w in WEIGHT_NAMES)]  # fmt: skip
    writer.writerow(header)
    for order, t in trajectories.items():
        n = len(t.iteration)
        table = np.column_stack([
            t.iteration, t.w1.reshape(n, 4), t.w2.reshape(n, 4), t.b1[:, 0], t.b2[:, 0], t.hidden, t.output,
            t.error, t.grad_w1.reshape(n, 4), t.grad_w2.reshape(n, 4),
        ])  # fmt: skip
        for k, row in zip(t.iteration, table, strict=True):
            writer.writerow([order, int(k), *(repr(float(x)) for x in row[1:])])
    files.write_output(path, out.getvalue())


def main(argv=None) -> int:
    parser = cli.ArgumentParser(PROG, __doc__)
    parser.add_argument(
        "--iterations", type=cli.iteration_count, default=20000, metavar="N",
        help="train each method to N updates, every iteration recorded (default 20,000, past the 1e-5 milestone)",
    )  # fmt: skip
    parser.add_argument(
        "--counts", type=cli.counts_list, default=list(cli.DEFAULT_COUNTS), metavar="N,N,...",
        help="checkpoints of section 1 (default 0,1,2,5,10,100,1000,10000), at most --iterations",
    )  # fmt: skip
    parser.add_argument("--json", action="store_true", help="print the report as one JSON document")
    parser.add_argument("--csv", metavar="PATH", type=cli.path,
                        help="also write both trajectories, one row per iteration, to PATH (- : standard output)")
    cli.add_readme_block(parser, BLOCK)
    progress.add_quiet(parser)
    exercise.add_arguments(parser)
    args, ex = exercise.parse_args(parser, argv)
    exercise.refuse_readme(parser, args, ex)
    if args.counts[-1] > args.iterations:
        parser.error(f"--counts goes up to {args.counts[-1]:,}, beyond --iterations {args.iterations:,}")
    if args.iterations < 10000:
        parser.error("--iterations must be at least 10,000: the post's figures are after 10,000 rounds")
    if args.iterations + 1 > training.MAX_RECORDED_ROWS:  # both orders, every iteration recorded
        parser.error(f"--iterations {args.iterations:,} would record every iteration of both orders, "
                     f"{training.memory_text(2 * (args.iterations + 1))}; at most {training.MAX_RECORDED_ROWS - 1:,}")

    # Every output is checked before training.
    reason = args.csv and files.why_not_output(args.csv)
    if reason:
        return cli.fail(PROG, f"cannot write {args.csv}: {reason}")
    block = readme_cli.from_args(PROG, args, BLOCK)
    if isinstance(block, int):
        return block
    try:
        with progress.bar(2 * args.iterations, "update", quiet=args.quiet, description="training") as bar:
            a = analyse(args.iterations, args.counts, ex, on_progress=bar.to)
    except training.TrainingDiverged as exc:
        return cli.fail(PROG, str(exc))
    a["_exercise"] = ex
    if args.csv:
        try:
            write_csv(args.csv, a["_trajectories"])
        except OSError as exc:
            return cli.fail(PROG, f"cannot write {args.csv}: {exc.strerror or exc}")
    if block is not None:
        return readme_cli.finish(PROG, block, readme_block(a))
    if args.json:
        document = {k: v for k, v in a.items() if not k.startswith("_")}
        print(json.dumps(document, indent=2, ensure_ascii=False))
    else:
        sys.stdout.write(text_report(a))
    return 0


if __name__ == "__main__":
    cli.run(main, "analyze_convergence.py")
