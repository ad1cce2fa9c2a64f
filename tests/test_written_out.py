"""ann_numpy_no_loop.py for any 2-2-2 exercise: every value against plain Python and autograd, and its formats."""

import csv
import io
import itertools
import json
import random
import re

import autograd
import autograd.numpy as anp
import numpy as np
import plain_example
import pytest
from conftest import assert_one_line_error, call

import ann_numpy_no_loop
from backprop import exercise, written_out

ORDERS, BIASES, LOSSES = ("parallel", "sequential"), ("fixed", "shared", "per-neuron"), ("half-sse", "sse", "mse")


def random_network(seed):
    """A network that is not the post's: weights in [−1, 1], inputs and targets in (0, 1), biases in [−0.5, 0.5]."""
    rng = random.Random(seed)
    return dict(x=(rng.uniform(0.05, 1), rng.uniform(0.05, 1)), t=(rng.uniform(0.05, 0.95), rng.uniform(0.05, 0.95)),
                w=tuple(rng.uniform(-1, 1) for _ in range(8)), b1=(rng.uniform(-0.5, 0.5),) * 2,
                b2=(rng.uniform(-0.5, 0.5),) * 2, eta=rng.uniform(0.1, 2))  # fmt: skip


def as_exercise(net, biases="fixed", loss="half-sse", per_neuron_values=False):
    b1, b2 = net["b1"], net["b2"]
    if per_neuron_values:
        b1, b2 = (b1[0], b1[0] + 0.1), (b2[0], b2[0] - 0.2)
    return exercise.Exercise(net["x"], net["t"], net["w"], b1, b2, net["eta"], biases, loss)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_value_equals_plain_python(seed):
    net = random_network(seed)
    for order, biases, loss in itertools.product(ORDERS, BIASES, LOSSES):
        ex = as_exercise(net, biases, loss, per_neuron_values=biases != "shared" and seed == 3)
        ours = written_out.values(ex, written_out.plain(ex, order), updates=2)
        plain = plain_example.example(ex.inputs, ex.targets, ex.weights, ex.b1, ex.b2, ex.learning_rate, order,
                                      biases, loss)  # fmt: skip
        assert set(plain) <= set(ours)  # ours also holds the givens
        assert set(plain) == {line.key for line in written_out.lines(ex, written_out.plain(ex, order), 2)}
        for name, value in plain.items():
            assert ours[name] == pytest.approx(value, rel=1e-12, abs=1e-15), (order, biases, loss, name)


def autograd_error(theta, x, t, c):
    """E = (c/2) Σ (t − out)² of the network, written afresh: θ = w1..w8, b1[h1], b1[h2], b2[o1], b2[o2]."""
    h1 = 1 / (1 + anp.exp(-(theta[0] * x[0] + theta[1] * x[1] + theta[8])))
    h2 = 1 / (1 + anp.exp(-(theta[2] * x[0] + theta[3] * x[1] + theta[9])))
    o1 = 1 / (1 + anp.exp(-(theta[4] * h1 + theta[5] * h2 + theta[10])))
    o2 = 1 / (1 + anp.exp(-(theta[6] * h1 + theta[7] * h2 + theta[11])))
    return c / 2 * ((t[0] - o1) ** 2 + (t[1] - o2) ** 2)


@pytest.mark.parametrize(("seed", "loss"), [(4, "half-sse"), (5, "sse"), (6, "mse")])
def test_the_gradients_equal_autograds(seed, loss):
    net = random_network(seed)
    ex = as_exercise(net, "per-neuron", loss, per_neuron_values=True)
    ours = written_out.values(ex, written_out.plain(ex, "parallel"), updates=1)
    theta = np.array([*ex.weights, *ex.b1, *ex.b2])
    grad = autograd.grad(autograd_error)(theta, ex.inputs, ex.targets, {"half-sse": 1.0, "sse": 2.0, "mse": 1.0}[loss])
    names = [f"dE_total/dw{k}" for k in range(1, 9)] + [f"dE_total/db{b}" for b in ("1[h1]", "1[h2]", "2[o1]", "2[o2]")]
    np.testing.assert_allclose([ours[n] for n in names], grad, rtol=1e-12, atol=1e-16)


def test_the_network_flags_reach_the_printed_values(capsys):
    net = random_network(7)
    weights = ",".join(repr(w) for w in net["w"])
    status, out, _ = call(ann_numpy_no_loop.main, "--json", f"--weights={weights}", "--inputs", "0.3,0.9",
                          "--targets", "0.25,0.75", "--b1", "0.1,0.2", "--learning-rate", "1.5", "--order",
                          "sequential", "--iterations", "3", capsys=capsys)  # fmt: skip
    doc = json.loads(out)
    plain = plain_example.example((0.3, 0.9), (0.25, 0.75), net["w"], (0.1, 0.2), (0.6, 0.6), 1.5, "sequential",
                                  updates=3)  # fmt: skip
    assert status == 0 and len(doc["iterations"]) == 3 and doc["published"] is None
    assert doc["network"]["posts_network"] is False
    for k, it in enumerate(doc["iterations"], start=1):
        for name, value in it["values"].items():
            assert value == pytest.approx(plain[name if k == 1 else f"{name}@{k}"], rel=1e-12, abs=1e-15)


def test_the_first_line_names_a_network_that_is_not_the_posts(capsys):
    _, out, _ = call(ann_numpy_no_loop.main, "--inputs", "1,0", "--iterations", "1", capsys=capsys)
    assert out.splitlines()[0].startswith("your network: inputs i1, i2 = 1, 0;")
    assert "blog" not in out  # the post's values stand beside the post's network only


def test_markdown_is_one_table_row_per_value(capsys):
    _, out, _ = call(ann_numpy_no_loop.main, "--format", "markdown", "--biases", "shared", capsys=capsys)
    rows = [line for line in out.splitlines() if line.startswith("| `")]
    hidden_deltas = 4  # dE_total/dnet_h1, _h2 of 2 updates: checked by --check, not printed
    assert len(rows) == len(plain_example.example(**plain_example.POST, biases="shared")) - hidden_deltas
    assert "| `net_h1@2` | `w1+@1*i1 + w2+@1*i2 + b1+@1*1` |" in out  # update 2's values carry their update
    assert all(len(re.findall(r"(?<!\\)\|", row)) == 4 for row in rows)  # name, formula, value: four bars
    assert rows[0] == "| `net_h1` | `w1*i1 + w2*i2 + b1*1` | 0.377500000 |"


def test_latex_is_one_balanced_align_block_with_a_line_per_value(capsys):
    _, out, _ = call(ann_numpy_no_loop.main, "--format", "latex", "--iterations", "1", capsys=capsys)
    body = [line for line in out.splitlines() if not line.startswith("%")]
    assert body[0] == r"\begin{align*}" and body[-1] == r"\end{align*}"
    assert out.count(r"\begin{") == out.count(r"\end{") == 1
    values = [line for line in body[1:-1] if not line.startswith("  &")]  # a long line continues on the next
    assert len(values) == len(plain_example.example(**plain_example.POST, updates=1)) - 2  # not the hidden deltas
    assert all(line.count("&=") == 1 for line in values)
    assert all(line.endswith(r" \\") for line in values[:-1]) and not values[-1].endswith(r"\\")
    for line in values:
        assert line.count("{") == line.count("}"), line
    # The issue's own example of a substituted line.
    assert (r"\frac{\partial E_{total}}{\partial w_{5}} &= " in out
            and r"= 0.74136507 \cdot 0.186815602 \cdot 0.593269992 = 0.082167041 \\" in out)  # fmt: skip


def test_csv_is_a_hand_calculation_that_checks(tmp_path, capsys):
    _, out, _ = call(ann_numpy_no_loop.main, "--format", "csv", "--biases", "per-neuron", "--iterations", "3",
                     capsys=capsys)  # fmt: skip
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["name", "value"] and any(name == "w5+@3" for name, _ in rows[1:])
    path = tmp_path / "mine.csv"
    path.write_text("\n".join(f"{n},{v}" for n, v in rows[1:]), encoding="utf-8")
    status, report, _ = call(ann_numpy_no_loop.main, "--biases", "per-neuron", "--check", path, capsys=capsys)
    assert status == 0 and report.splitlines()[-1].startswith("All right:"), report


def test_digits_sets_the_rounding(capsys):
    _, out, _ = call(ann_numpy_no_loop.main, "--digits", "4", "--iterations", "1", capsys=capsys)
    assert re.search(r"^  out_h1 .*=  0\.5933   blog", out, re.MULTILINE), out


@pytest.mark.parametrize("args", [["--iterations", "0"], ["--iterations", "11"], ["--digits", "0"],
                                  ["--format", "html"], ["--order", "alternating"], ["--weights", "1,2,3"],
                                  ["--b1", "0.1,0.2", "--biases", "shared"], ["--inputs", "0.1,nan"],
                                  ["--check", "x.txt", "--format", "latex"]])  # fmt: skip
def test_bad_usage_is_one_line_and_status_2(args, capsys):
    assert_one_line_error(call(ann_numpy_no_loop.main, *args, capsys=capsys), "ann_numpy_no_loop.py", 2)


@pytest.mark.parametrize("args", [
    ["--inputs", "1e308,-1e308", "--weights=1e308,1,1,1,1,1,1,1"],
    ["--inputs", "1e308,1e308", "--weights=1e308,-1e308,1e308,1e308,-1e308,1e308,1e308,1e308"],
    ["--inputs", "1e308,-1e308", "--weights=1e308,1,1,1,1,1,1,1", "--check", "examples/hand_calculation.txt"],
])  # fmt: skip
def test_a_value_that_overflows_is_one_line_and_status_1(args, root, monkeypatch, capsys):
    monkeypatch.chdir(root)
    result = call(ann_numpy_no_loop.main, *args, capsys=capsys)
    assert_one_line_error(result, "ann_numpy_no_loop.py", 1)
    assert "overflowed" in result[2] and result[1] == ""
