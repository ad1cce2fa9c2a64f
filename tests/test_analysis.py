"""The analysis (backprop.analysis, analyze_convergence.py): milestones, the reconciliation with
the post's figures, its verdict in README, the JSON and CSV. The full analysis runs once."""

import csv
import json

import numpy as np
import plain_loop
import pytest
from conftest import assert_one_line_error, call

import analyze_convergence
from backprop import analysis, files, published, training


@pytest.fixture(scope="session")
def full():
    return analysis.analyse(20000, [0, 1, 10, 10000])


def result_for(full, order, biases, loss, counting):
    (r,) = [r for r in full["reconciliation"]
            if (r["order"], r["biases"], r["loss"], r["counting"]) == (order, biases, loss, counting)]  # fmt: skip
    return r


def test_the_posts_error_after_one_round_is_the_sequential_update(full):
    label = "error after round 1"
    assert result_for(full, "sequential", "fixed", "half-sse", "after")["reproduced"][label]
    assert not result_for(full, "parallel", "fixed", "half-sse", "after")["reproduced"][label]
    # Read directly: the plain loop's sequential error after one update is the post's 0.291027924.
    sequential_1 = plain_loop.forward(plain_loop.update(plain_loop.W, "sequential"))[4]
    assert published.agrees(sequential_1, published.POST_FIRST_UPDATE["E_total after"])


def test_the_authors_code_printed_the_sequential_error_over_two_before_its_fix_and_the_parallel_after():
    """mattm/simple-neural-network before commit 4b6faac printed 0.145513962 (sequential, error ÷ 2 outputs)
    after the first update; after it, 0.291027774 (parallel): the plain loop at the printed precision."""
    sequential_1 = plain_loop.forward(plain_loop.update(plain_loop.W, "sequential"))[4]
    parallel_1 = plain_loop.forward(plain_loop.update(plain_loop.W, "parallel"))[4]
    assert published.agrees(sequential_1 / 2, published.AUTHOR_CODE_BEFORE_FIX_ERROR_1)
    assert not published.agrees(parallel_1 / 2, published.AUTHOR_CODE_BEFORE_FIX_ERROR_1)
    assert published.agrees(parallel_1, published.AUTHOR_CODE_AFTER_FIX_ERROR_1)
    assert not published.agrees(sequential_1, published.AUTHOR_CODE_AFTER_FIX_ERROR_1)


def test_the_verdict_names_the_cause(full):
    cause = full["verdict"][-1]
    assert f"commit {published.AUTHOR_FIX_COMMIT} ({published.AUTHOR_FIX_DATE}" in cause
    assert published.AUTHOR_CODE_BEFORE_FIX_ERROR_1 in cause and published.AUTHOR_CODE_AFTER_FIX_ERROR_1 in cause


def test_the_posts_hand_worked_weights_are_the_parallel_update(full):
    label = "hand-worked w1+..w4+"
    assert result_for(full, "parallel", "fixed", "half-sse", "after")["reproduced"][label]
    assert not result_for(full, "sequential", "fixed", "half-sse", "after")["reproduced"][label]
    w = plain_loop.update(plain_loop.W, "parallel")
    assert all(published.agrees(w[i - 1], published.POST_FIRST_UPDATE[f"w{i}+"]) for i in range(1, 9))


def test_milestones_agree_with_a_brute_force_scan(full):
    for method, t in full["_trajectories"].items():
        assert t.iteration.tolist() == list(range(20001))
        for threshold, found in full["milestones"][method].items():
            first = next((k for k, e in enumerate(t.error.tolist()) if e <= float(threshold)), None)
            assert found == first, (method, threshold)
            assert found is not None


def test_reconciliation_values_are_the_trajectories(full):
    r = result_for(full, "parallel", "fixed", "half-sse", "before")
    t = full["_trajectories"]["parallel"]
    label = {f.key: f.label for f in analysis.POST_FIGURES}
    assert r["values"][label["error-10000"]] == [float(t.error[9999])]
    assert np.array_equal(r["values"][label["outputs-10000"]], t.output[9999])
    assert r["reproduced"][label["error-10000"]]  # the post's 0.0000351085 is parallel, before the last update


def test_the_verdict_in_readme_is_current(full, root):
    readme = (root / "docs" / "reconciliation.md").read_text(encoding="utf-8")
    assert files.replace_block(readme, analyze_convergence.BLOCK, analyze_convergence.readme_block(full)) == readme


def test_json_and_csv(full, monkeypatch, tmp_path, capsys):
    short = {order: training.train(order, 10) for order in ("sequential", "parallel")}  # a short CSV
    analysed = {**full, "_trajectories": short}
    monkeypatch.setattr(analyze_convergence, "analyse", lambda iterations, counts, ex, **_: analysed)
    path = tmp_path / "t.csv"
    status, out, err = call(analyze_convergence.main, "--json", "--csv", path, capsys=capsys)
    assert status == 0, err
    doc = json.loads(out)
    assert [row["iteration"] for row in doc["checkpoints"]] == [0, 1, 10, 10000]
    assert doc["verdict"] == full["verdict"] and "_trajectories" not in doc
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 2 * 11
    w, (out_h1, out_h2, out_o1, out_o2, e) = plain_loop.trajectory("sequential", 10)[10]
    (row,) = [r for r in rows if r["method"] == "sequential" and r["iteration"] == "10"]
    assert float(row["w5"]) == pytest.approx(w[4], abs=1e-15) and float(row["E_total"]) == pytest.approx(e, abs=1e-15)
    assert float(row["out_h2"]) == pytest.approx(out_h2, abs=1e-15)


def test_text_report_names_every_section(full, monkeypatch, capsys):
    monkeypatch.setattr(analyze_convergence, "analyse", lambda iterations, counts, ex, **_: full)
    status, out, _ = call(analyze_convergence.main, capsys=capsys)
    assert status == 0
    for heading in ("1. At each checkpoint", "2. Milestones", "3. Why the two differ", "4. Reconciliation", "Verdict"):
        assert heading in out
    assert out.rstrip().endswith(full["verdict"][-1])


@pytest.mark.parametrize("args", [["--counts", "0,30000"], ["--iterations", "5000"], ["--counts", "x"], ["--bogus"]])
def test_bad_usage(args, capsys):
    assert_one_line_error(call(analyze_convergence.main, *args, capsys=capsys), "analyze_convergence.py", 2)


def test_unwritable_csv_folder(tmp_path, capsys):
    path = tmp_path / "missing" / "t.csv"
    assert_one_line_error(call(analyze_convergence.main, "--csv", path, capsys=capsys), "analyze_convergence.py", 1)
    assert not path.parent.exists()
