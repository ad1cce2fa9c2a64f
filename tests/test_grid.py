"""sweep.py grid: each cell recomputed from the per-network results (shares, Wilson intervals, the
median ratio), one cell re-run network by network with train(), and its command line."""

import csv
import io
import json
import math
import statistics

import numpy as np
import pytest
from conftest import call

import sweep
from backprop import batched, files, sweeps, training

SMALL = dict(low=0.5, high=800.0, num=3, networks=16, iterations=300, workers=1)


@pytest.fixture(scope="module")
def grid():
    s = sweeps.grid_sweep(SMALL["low"], SMALL["high"], SMALL["num"], SMALL["networks"], SMALL["iterations"],
                          workers=SMALL["workers"])  # fmt: skip
    return s, sweeps.summary(s)


def wilson95(k, n):
    """The Wilson score interval, written out: (p + z²/2n ± z √(p(1−p)/n + z²/4n²)) / (1 + z²/n)."""
    z = 1.959963984540054
    p = k / n
    middle, spread = p + z * z / (2 * n), z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, (middle - spread) / (1 + z * z / n)), min(1.0, (middle + spread) / (1 + z * z / n))


def test_each_cell_recomputed_from_the_per_network_results(grid):
    s, summary = grid
    n, j = SMALL["networks"], s.result.thresholds.index(1e-4)
    etas = [SMALL["low"] * (SMALL["high"] / SMALL["low"]) ** (i / (SMALL["num"] - 1)) for i in range(SMALL["num"])]
    assert len(summary["cells"]) == SMALL["num"] * len(s.orders)
    for cell in summary["cells"]:
        i = min(range(len(etas)), key=lambda i: abs(etas[i] - cell["learning_rate"]))
        assert cell["learning_rate"] == pytest.approx(etas[i], rel=1e-12)

        def first(order, start, i=i):  # updates to 1e-4 of random start `start` at η_i, or None
            network = s.orders.index(order) * s.starts + i * n + start
            value = int(s.result.first_at_or_below[j, network])
            return None if value == batched.NOT_REACHED else value

        mine = [first(cell["order"], start) for start in range(n)]
        diverged = [s.result.diverged_at[s.orders.index(cell["order"]) * s.starts + i * n + start]
                    != batched.NOT_REACHED for start in range(n)]  # fmt: skip
        reached = sum(v is not None for v in mine)
        assert cell["reached"]["count"] == reached and cell["reached"]["share"] == reached / n
        assert cell["reached"]["ci95"] == pytest.approx(wilson95(reached, n), abs=1e-12)
        assert cell["diverged"]["count"] == sum(diverged)
        assert cell["diverged"]["ci95"] == pytest.approx(wilson95(sum(diverged), n), abs=1e-12)
        parallel = [first("parallel", start) for start in range(n)]
        ratios = [a / b for a, b in zip(mine, parallel, strict=True) if a is not None and b]
        assert cell["ratio_starts"] == len(ratios)
        if ratios:
            assert cell["median_ratio"] == pytest.approx(statistics.median(ratios), rel=1e-12)
        else:
            assert cell["median_ratio"] is None
    reached = {(c["learning_rate"], c["order"]): c["reached"]["count"] for c in summary["cells"]}
    assert len(set(reached.values())) > 1  # the cells differ: something was measured


def test_one_cell_rerun_with_train(grid):
    """The middle learning rate, sequential and parallel: each start trained alone by train()."""
    s, summary = grid
    n, i = SMALL["networks"], 1
    eta = s.learning_rate[i * n]
    counts = {}
    for order in ("sequential", "parallel"):
        counts[order] = []
        for start in range(n):
            w = s.w[i * n + start]
            try:
                t = training.train(order, SMALL["iterations"], float(eta), w1=w[:4].reshape(2, 2),
                                   w2=w[4:].reshape(2, 2), target=s.target[i * n + start])  # fmt: skip
                counts[order].append(t.first_at_or_below(1e-4))
            except training.TrainingDiverged:
                counts[order].append(None)
    cells = {c["order"]: c for c in summary["cells"] if c["learning_rate"] == pytest.approx(float(eta), rel=1e-12)}
    for order in counts:
        assert cells[order]["reached"]["count"] == sum(v is not None for v in counts[order])
    ratios = [a / b for a, b in zip(counts["sequential"], counts["parallel"], strict=True) if a is not None and b]
    assert ratios and cells["sequential"]["median_ratio"] == pytest.approx(statistics.median(ratios), rel=1e-12)


ARGS = ["grid", "--from", "0.5", "--to", "800", "--num", "3", "--networks", "16", "--iterations", "300",
        "--workers", "1"]  # fmt: skip


def test_csv_json_and_the_text(grid, capsys):
    s, summary = grid
    status, out, err = call(sweep.main, *ARGS, "--csv", "-", capsys=capsys)
    assert status == 0, err
    rows = list(csv.reader(io.StringIO(out)))[: 1 + SMALL["num"] * 3]  # then the text report, as for the others
    assert rows[0] == sweeps.GRID_COLUMNS and all(len(row) == len(rows[0]) for row in rows)
    first = dict(zip(rows[0], rows[1], strict=True))
    cell = summary["cells"][0]
    assert (float(first["learning_rate"]), first["order"], int(first["reached"])) == (
        cell["learning_rate"], cell["order"], cell["reached"]["count"])  # fmt: skip
    status, out, _ = call(sweep.main, *ARGS, "--json", capsys=capsys)
    document = json.loads(out)
    assert status == 0 and document["sweep"] == "grid" and len(document["rows"]) == SMALL["num"] * 3
    assert document["summary"]["cells"][0]["reached"]["count"] == cell["reached"]["count"]
    status, text, _ = call(sweep.main, *ARGS, capsys=capsys)
    assert status == 0 and text.startswith("Order grid: 16 random starts") and "parallel" in text


def test_grid_needs_parallel_and_a_range(capsys):
    for args in (["grid", "--orders", "sequential"], ["grid", "--from", "10", "--to", "1"]):
        status, out, err = call(sweep.main, *args, capsys=capsys)
        assert status == 2 and err.startswith("sweep.py: error:") and err.count("\n") == 1


def test_the_figure_and_the_readme_block(grid, root, tmp_path, capsys):
    s, summary = grid
    from backprop import sweep_plots

    fig = sweep_plots.figure(s)
    reached_axis = fig.axes[0]
    line = reached_axis.get_lines()[s.orders.index("parallel")]
    expected = [c["reached"]["share"] for c in summary["cells"] if c["order"] == "parallel"]
    np.testing.assert_array_equal(line.get_ydata(), expected)
    readme = tmp_path / "update-orders.md"
    text = (root / sweep.PAGE).read_text(encoding="utf-8")
    readme.write_text(files.replace_block(text, sweep.GRID_BLOCK, "stale"), encoding="utf-8")
    status, _, err = call(sweep.main, *ARGS, "--update", readme, capsys=capsys)
    assert status == 0, err
    new = readme.read_text(encoding="utf-8")
    assert "stale" not in new and "--from 0.5 --to 800 --num 3 --networks 16 --iterations 300" in new
    assert call(sweep.main, *ARGS, "--check", readme, capsys=capsys)[0] == 0
    stale = call(sweep.main, *[a if a != "300" else "301" for a in ARGS], "--check", readme, capsys=capsys)
    assert stale[0] == 1 and "out of date" in stale[2]
