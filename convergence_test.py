"""The README's convergence tables: sequential against parallel updates.

Trains each method once, to the largest count asked for, and prints two tables:
the predictions (sequential, parallel, target; 8 decimals) and the errors
(sequential, parallel, their difference; 10 decimals) at each count.

Iteration N is the state after N weight updates; iteration 0 is the initial weights.

examples:
  python convergence_test.py                         # markdown, counts 0 1 2 5 10 100 1000 10000
  python convergence_test.py --counts 1,2,5 --format csv
  python convergence_test.py --format json
  python convergence_test.py --update README.md      # rewrite the README's marked block
  python convergence_test.py --check README.md       # exit 1 with a diff if it is stale
"""

from __future__ import annotations

import backprop.startup  # noqa: F401  first of all: Ctrl-C during the imports below is one line, status 130

# isort: split
import csv
import io
import json
import sys

from backprop import cli, exercise, readme_cli, training
from backprop.training import COUNTING
from backprop.worked_example import LOSSES

PROG = "convergence_test.py"
BLOCK = "convergence-tables"


def build_rows(counts, ex: exercise.Exercise = exercise.POST) -> list[dict]:
    """One row per count: each order's prediction and error after that many updates of ex.

    Trains each order once, to max(counts), recording only those iterations.
    """
    counts = sorted(set(counts))
    n = counts[-1]
    trajectories = {
        order: training.train(order, n, **ex.training(), record_every=0, checkpoints=counts)
        for order in ("sequential", "parallel")
    }
    rows = []
    for k in counts:
        row = {"iteration": k}
        for order, t in trajectories.items():
            r = t.row(k)
            row[order] = {"prediction": t.output[r].tolist(), "error": float(t.error[r])}
        row["difference"] = row["sequential"]["error"] - row["parallel"]["error"]
        rows.append(row)
    return rows


def vector(v, decimals: int) -> str:
    return "`[" + ", ".join(f"{x:.{decimals}f}" for x in v) + "]`"


def markdown(rows, ex: exercise.Exercise = exercise.POST) -> str:
    target = "`[" + ", ".join(f"{t:g}" for t in ex.targets) + "]`"
    lines = [
        *([] if ex.is_posts_network() else [ex.describe() + ".", ""]),
        "Every value is taken after N weight updates (iteration 0 = the initial weights); "
        f"learning rate {ex.learning_rate:g}, {training.bias_phrase(ex.biases)}, {LOSSES[ex.loss]}.",
        "",
        "| Updates N | Sequential prediction | Parallel prediction | Target |",
        "|---:|---|---|---|",
    ]
    for row in rows:
        lines.append(
            f"| {row['iteration']:,} | {vector(row['sequential']['prediction'], 8)} "
            f"| {vector(row['parallel']['prediction'], 8)} | {target} |"
        )
    lines += ["", "| Updates N | Sequential error | Parallel error | Sequential − parallel |", "|---:|---:|---:|---:|"]
    for row in rows:
        lines.append(
            f"| {row['iteration']:,} | `{row['sequential']['error']:.10f}` | `{row['parallel']['error']:.10f}` "
            f"| `{row['difference']:+.10f}` |"
        )
    return "\n".join(lines) + "\n"


def csv_text(rows, ex: exercise.Exercise = exercise.POST) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        ["iteration", "sequential_out_o1", "sequential_out_o2", "parallel_out_o1", "parallel_out_o2",
         "target_o1", "target_o2", "sequential_E_total", "parallel_E_total", "difference"]
    )  # fmt: skip
    for row in rows:
        writer.writerow(
            [row["iteration"], *row["sequential"]["prediction"], *row["parallel"]["prediction"],
             *ex.targets, row["sequential"]["error"], row["parallel"]["error"], row["difference"]]
        )  # fmt: skip
    return out.getvalue()


def json_text(rows, ex: exercise.Exercise = exercise.POST) -> str:
    document = {
        "counting": COUNTING,
        "learning_rate": ex.learning_rate,
        "biases": ex.biases,
        "loss": ex.loss,
        "network": ex.to_json(),
        "target": list(ex.targets),
        "rows": rows,
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def main(argv=None) -> int:
    parser = cli.ArgumentParser(PROG, __doc__)
    parser.add_argument(
        "--counts", type=cli.counts_list, default=list(cli.DEFAULT_COUNTS), metavar="N,N,...",
        help="iteration counts, comma-separated (default 0,1,2,5,10,100,1000,10000)",
    )  # fmt: skip
    parser.add_argument("--format", choices=("markdown", "csv", "json"), default="markdown", help="output format")
    cli.add_readme_block(parser, BLOCK)
    exercise.add_arguments(parser)
    args, ex = exercise.parse_args(parser, argv)
    exercise.refuse_readme(parser, args, ex)
    if (args.update or args.check) and args.format != "markdown":
        parser.error("--update and --check write markdown; leave out --format")
    block = readme_cli.from_args(PROG, args, BLOCK)  # the README read and checked before training
    if isinstance(block, int):
        return block

    try:
        rows = build_rows(args.counts, ex)
    except training.TrainingDiverged as exc:
        return cli.fail(PROG, str(exc))
    text = {"markdown": markdown, "csv": csv_text, "json": json_text}[args.format](rows, ex)
    if block is not None:
        return readme_cli.finish(PROG, block, text)
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    cli.run(main, "convergence_test.py")
