"""sweep.py in-process on small fixed runs: its rows re-run by train(), its summaries recomputed from
its rows, its confidence intervals against the Wilson formula, its README block, its figure; and
one run as a user starts it."""

import csv
import io
import json
import math

import numpy as np
import pytest
from conftest import assert_one_line_error, call, run_script

import sweep
from backprop import files, sweep_plots, sweeps, training

ITERATIONS = 300


def rows_of(text):
    return list(csv.DictReader(io.StringIO(text)))


def first_rise(errors):
    rises = [k for k in range(1, len(errors)) if errors[k] > errors[k - 1]]
    return rises[0] if rises else None


@pytest.fixture(scope="module")
def init_run(tmp_path_factory):
    """A small init sweep at η = 10 (where a start reaches 1e-4 in one order only), as CSV."""
    path = tmp_path_factory.mktemp("init") / "init.csv"
    args = ["init", "--networks", "40", "--iterations", ITERATIONS, "--learning-rate", "10", "--seed", "7",
            "--thresholds", "1e-2,1e-4"]  # fmt: skip
    status = sweep.main([str(a) for a in args] + ["--csv", str(path)])
    return status, path.read_text(), args


def test_any_csv_row_is_re_run_by_train(init_run, capsys):
    status, text, _ = init_run
    rows = rows_of(text)
    assert status == 0 and len(rows) == 3 * 40
    assert list(rows[0]) == ["order", "learning_rate", "w1", "w2", "w3", "w4", "w5", "w6", "w7", "w8", "b1", "b2",
                             "i1", "i2", "t1", "t2", "final_error", "first_rise_at", "diverged_at",
                             "updates_to_1e-2", "updates_to_1e-4"]  # fmt: skip
    for row in rows[::7]:  # every order, several starts
        v = {k: float(x) for k, x in row.items() if k != "order" and x != ""}
        w = [v[f"w{i}"] for i in range(1, 9)]
        t = training.train(row["order"], ITERATIONS, v["learning_rate"], w1=np.reshape(w[:4], (2, 2)),
                           w2=np.reshape(w[4:], (2, 2)), b1=v["b1"], b2=v["b2"], x=[v["i1"], v["i2"]],
                           target=[v["t1"], v["t2"]])  # fmt: skip
        assert abs(t.error[-1] - v["final_error"]) <= 1e-12
        for level in ("1e-2", "1e-4"):
            expected = t.first_at_or_below(float(level))
            assert row[f"updates_to_{level}"] == ("" if expected is None else str(expected))
        rise = first_rise(t.error)
        assert row["first_rise_at"] == ("" if rise is None else str(rise)) and row["diverged_at"] == ""
    reached = [r["updates_to_1e-4"] for r in rows]
    assert "" in reached and any(x != "" for x in reached)  # the run covers both cases


def test_a_csv_row_is_re_run_by_the_script_for_its_order(init_run, capsys):
    """ann_numpy.py (sequential) and ann_numpy_original.py (parallel) re-run a row with the network flags."""
    import ann_numpy
    import ann_numpy_original

    _, text, _ = init_run
    scripts = {"sequential": ann_numpy.main, "parallel": ann_numpy_original.main}
    for row in [r for r in rows_of(text) if r["order"] in scripts][:4]:
        weights = ",".join(row[f"w{i}"] for i in range(1, 9))
        network = [f"--weights={weights}", "--b1", row["b1"], "--b2", row["b2"], "--inputs", f"{row['i1']},{row['i2']}",
                   "--targets", f"{row['t1']},{row['t2']}", "--learning-rate", row["learning_rate"]]  # fmt: skip
        status, out, _ = call(scripts[row["order"]], ITERATIONS, "--json", *network, capsys=capsys)
        assert status == 0 and abs(json.loads(out)["final_error"] - float(row["final_error"])) <= 1e-12


def wilson(k, n, z=1.959963984540054):
    """The Wilson score interval, from its textbook form: the roots p of (p − k/n)² = z² p (1 − p) / n."""
    a = 1 + z * z / n
    b = -(2 * k / n + z * z / n)
    c = (k / n) ** 2
    root = math.sqrt(max(b * b - 4 * a * c, 0.0))
    return (-b - root) / (2 * a), (-b + root) / (2 * a)


def test_init_summary_counts_the_rows_and_its_intervals_are_wilsons(init_run, capsys):
    _, text, args = init_run
    status, out, _ = call(sweep.main, *args, "--json", capsys=capsys)
    document = json.loads(out)
    rows = rows_of(text)
    assert status == 0 and document["columns"] == list(rows[0]) and len(document["rows"]) == len(rows)
    covered = False
    by_order = {o: [r for r in rows if r["order"] == o] for o in ("parallel", "sequential", "alternating")}
    reference = "updates_to_1e-4"
    for c in document["summary"]["comparisons"]:
        a = [r[reference] for r in by_order[c["order"]]]
        b = [r[reference] for r in by_order["parallel"]]
        expected = {
            "before": sum(x != "" and y != "" and int(x) < int(y) for x, y in zip(a, b, strict=True)),
            "after": sum(x != "" and y != "" and int(x) > int(y) for x, y in zip(a, b, strict=True)),
            "same": sum(x != "" and x == y for x, y in zip(a, b, strict=True)),
            f"only_{c['order']}": sum(x != "" and y == "" for x, y in zip(a, b, strict=True)),
            "only_parallel": sum(x == "" and y != "" for x, y in zip(a, b, strict=True)),
            "neither": sum(x == "" and y == "" for x, y in zip(a, b, strict=True)),
        }
        assert {k: s["count"] for k, s in c["shares"].items()} == expected
        covered = covered or expected[f"only_{c['order']}"] > 0
        for s in c["shares"].values():
            np.testing.assert_allclose(s["ci95"], wilson(s["count"], 40), rtol=0, atol=1e-12)
        ratios = [int(x) / int(y) for x, y in zip(a, b, strict=True) if x != "" and y != ""]
        assert c["median_ratio"] == pytest.approx(float(np.median(ratios)), abs=1e-15)
    assert covered  # a start that only one order brings to 1e-4 within the run
    assert wilson(0, 10_000)[1] == pytest.approx(3.84e-4, rel=1e-3)  # the formula's known value: 1.96² / (n + 1.96²)


def test_learning_rate_summary_is_what_its_rows_say(capsys):
    args = ["learning-rate", "--from", "0.5", "--to", "200", "--num", "9", "--iterations", ITERATIONS,
            "--thresholds", "1e-2,1e-4", "--orders", "sequential,parallel"]  # fmt: skip
    status, out, err = call(sweep.main, *args, "--json", capsys=capsys)
    assert status == 0, err
    d = json.loads(out)
    rows = [dict(zip(d["columns"], r, strict=True)) for r in d["rows"]]
    etas = [r["learning_rate"] for r in rows if r["order"] == "parallel"]
    assert [r["order"] for r in rows] == ["parallel"] * 9 + ["sequential"] * 9  # canonical order of orders
    np.testing.assert_allclose(etas, 0.5 * (400.0 ** (np.arange(9) / 8)), rtol=1e-13)  # log-spaced 0.5 .. 200
    for order, o in d["summary"]["orders"].items():
        mine = [r for r in rows if r["order"] == order]
        reach = [r["learning_rate"] for r in mine if r["updates_to_1e-4"] is not None]
        assert o["largest_reaching"] == (max(reach) if reach else None)
        counted = [(r["updates_to_1e-2"], r["learning_rate"]) for r in mine if r["updates_to_1e-2"] is not None]
        assert (o["fastest"]["1e-2"]["updates"], o["fastest"]["1e-2"]["learning_rate"]) == min(counted)
        rising = [r["learning_rate"] for r in mine if r["first_rise_at"] is not None]
        assert o["smallest_rising"] == (min(rising) if rising else None)
        assert o["smallest_diverging"] is None
        assert reach and len(reach) < 9  # the run covers both cases
    status, text, _ = call(sweep.main, *args, capsys=capsys)
    assert status == 0 and "largest η reaching 1e-4" in text and "Iteration N is the state after N updates" in text


def test_readme_block_is_generated_and_checked(root, tmp_path, capsys):
    readme = tmp_path / "update-orders.md"
    text = (root / "docs" / "update-orders.md").read_text(encoding="utf-8")
    readme.write_text(files.replace_block(text, sweep.BLOCK, "stale"), encoding="utf-8")
    small = ["--iterations", "60", "--num", "6", "--networks", "12", "--workers", "1"]
    status, _, err = call(sweep.main, "--update", readme, *small, capsys=capsys)
    assert status == 0, err
    new = readme.read_text(encoding="utf-8")
    def outside(t):  # everything but the block
        return t[: t.index("<!-- update-order-sweeps:start")] + t[t.index("<!-- update-order-sweeps:end") :]

    assert "stale" not in new and outside(new) == outside(text)
    assert "`python sweep.py --update docs/update-orders.md --iterations 60 --num 6 --networks 12`" in new
    assert "95 % Wilson intervals" in new
    assert call(sweep.main, "--check", readme, *small, capsys=capsys)[0] == 0
    result = call(sweep.main, "--check", readme, "--iterations", "61", "--num", "6", "--networks", "12",
                  capsys=capsys)  # fmt: skip
    assert_one_line_error((result[0], "", result[2]), "sweep.py", 1)
    assert "out of date" in result[2] and result[1].startswith("---")


def test_the_figures_plot_the_sweeps_numbers(tmp_path, capsys):
    s = sweeps.learning_rate_sweep(0.5, 200, 7, 200, thresholds=(1e-2, 1e-3, 1e-4), workers=1)
    fig = sweep_plots.figure(s)
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(visible) == 3
    for ax, threshold in zip(visible, s.result.thresholds, strict=True):
        lines = {line.get_label(): line for line in ax.get_lines()}
        for order in s.orders:
            np.testing.assert_array_equal(lines[order].get_ydata(), s.updates_to(threshold, order))
            np.testing.assert_array_equal(lines[order].get_xdata(), s.learning_rate)
        assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    s = sweeps.init_sweep(30, 400, learning_rate=8, thresholds=(1e-2,), workers=1)
    histograms = sweep_plots.figure(s).axes[:2]
    for ax, order in zip(histograms, ("sequential", "alternating"), strict=True):
        a, b = s.updates_to(1e-2, order), s.updates_to(1e-2, "parallel")
        both = int((~np.isnan(a) & ~np.isnan(b)).sum())
        assert both > 0 and sum(p.get_height() for p in ax.patches) == both  # every start that both reach
    path = tmp_path / "lr.png"
    status, _, err = call(sweep.main, "learning-rate", "--num", "3", "--iterations", "20", "--thresholds", "0.2",
                          "--plot", path, capsys=capsys)  # fmt: skip
    assert status == 0, err
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 10_000


def test_sweep_runs_as_a_user_starts_it(tmp_path):
    result = run_script("sweep.py", "learning-rate", "--num", "3", "--iterations", "20", "--csv", tmp_path / "s.csv")
    assert result.returncode == 0 and result.stderr == "", result.stderr
    assert result.stdout.startswith("Learning-rate sweep: ") and len(rows_of((tmp_path / "s.csv").read_text())) == 9


def test_divergence_is_where_train_raises(capsys):
    """At learning rates up to 1e300 some orders overflow: the sweep names the iteration and the
    smallest such η that train() does, and nothing else is recorded for those networks."""
    args = ["learning-rate", "--from", "1e100", "--to", "1e300", "--num", "5", "--iterations", "50", "--json"]
    status, out, err = call(sweep.main, *args, capsys=capsys)
    assert status == 0, err
    d = json.loads(out)
    rows = [dict(zip(d["columns"], r, strict=True)) for r in d["rows"]]
    diverging = {}
    for row in rows:
        try:
            t = training.train(row["order"], 50, row["learning_rate"])
        except training.TrainingDiverged as exc:
            assert row["diverged_at"] == exc.at and row["final_error"] is None and row["updates_to_1e-2"] is None
            diverging.setdefault(row["order"], []).append(row["learning_rate"])
        else:
            assert row["diverged_at"] is None and abs(row["final_error"] - t.error[-1]) <= 1e-12
    assert diverging  # the run covers the case
    for order, o in d["summary"]["orders"].items():
        assert o["smallest_diverging"] == (min(diverging[order]) if order in diverging else None)


@pytest.mark.parametrize("sweep_name", ["learning-rate", "init"])
def test_a_base_network_from_the_flags_and_an_example_file_is_the_sweeps(sweep_name, tmp_path, capsys):
    """--example (and a flag over it) gives every start the base's inputs, targets and biases (and, for
    learning-rate, its weights); each row's final error is train()'s for that row's settings."""
    example = tmp_path / "mine.json"
    example.write_text(json.dumps({"inputs": [0.2, 0.7], "targets": [0.1, 0.8], "b1": 0.3, "b2": 0.5,
                                   "weights": [0.1, -0.2, 0.3, 0.4, -0.5, 0.6, 0.7, 0.8], "learning_rate": 2.0}))
    sizes = {"learning-rate": ["--from", "0.5", "--to", "4", "--num", "3"], "init": ["--networks", "4"]}[sweep_name]
    status, _, _ = call(sweep.main, sweep_name, *sizes, "--iterations", "20", "--example", example,
                        "--b2", "0.45", "--csv", tmp_path / "rows.csv", capsys=capsys)
    assert status == 0
    rows = rows_of((tmp_path / "rows.csv").read_text())
    assert len(rows) == 3 * {"learning-rate": 3, "init": 4}[sweep_name]
    for row in rows:
        assert [float(row[k]) for k in ("i1", "i2", "t1", "t2", "b1", "b2")] == [0.2, 0.7, 0.1, 0.8, 0.3, 0.45]
        w = [float(row[f"w{i}"]) for i in range(1, 9)]
        if sweep_name == "learning-rate":
            assert w == [0.1, -0.2, 0.3, 0.4, -0.5, 0.6, 0.7, 0.8]
        if sweep_name == "init":
            assert float(row["learning_rate"]) == 2.0  # the file's η
        t = training.train(row["order"], 20, float(row["learning_rate"]), w1=np.reshape(w[:4], (2, 2)),
                           w2=np.reshape(w[4:], (2, 2)), b1=0.3, b2=0.45, x=np.array([0.2, 0.7]),
                           target=np.array([0.1, 0.8]), record_every=0)  # fmt: skip
        assert float(row["final_error"]) == pytest.approx(float(t.error[-1]), rel=1e-9)


def test_the_grid_names_its_base_network_and_the_posts_network_is_not_named(capsys):
    small = ["grid", "--networks", "2", "--num", "2", "--iterations", "5", "--json"]
    _, out, _ = call(sweep.main, *small, "--inputs", "0.2,0.7", "--b1", "0.3", capsys=capsys)
    network = json.loads(out)["settings"]["network"]
    assert (network["inputs"], network["targets"], network["b1"], network["b2"]) == ([0.2, 0.7], [0.01, 0.99], 0.3, 0.6)
    _, out, _ = call(sweep.main, *small, "--inputs", "0.05,0.1", capsys=capsys)  # the post's own inputs
    assert "network" not in json.loads(out)["settings"]
