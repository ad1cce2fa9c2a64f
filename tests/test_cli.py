"""The command line of the training scripts, in-process: main(argv), its output and exit status."""

import json

import numpy as np
import plain_loop
import pytest
from conftest import assert_one_line_error, call

import ann_numpy
import ann_numpy_no_loop
import ann_numpy_original
from backprop import training, training_cli

SCRIPTS = {"ann_numpy.py": ann_numpy, "ann_numpy_original.py": ann_numpy_original}
BAD_USAGE = [
    ["-5"], ["1.5"], ["abc"], ["100000001"], ["--learning-rate", "0"], ["--learning-rate", "-1"],
    ["--learning-rate", "nan"], ["--learning-rate", "inf"], ["--bogus"],
    ["--loss", "l1"], ["--print-every", "0"], ["1", "2"],
]  # fmt: skip


@pytest.mark.parametrize("script", SCRIPTS)
@pytest.mark.parametrize("args", BAD_USAGE, ids=" ".join)
def test_bad_usage_is_one_line_and_status_2(script, args, capsys):
    status, out, err = call(SCRIPTS[script].main, *args, capsys=capsys)
    assert_one_line_error((status, out, err), script, 2)
    assert out == ""


def test_divergence_is_one_line_naming_the_iteration(capsys):
    # The sequential hidden step takes η · (η dE/dW2)ᵀ…: at η = 1e300 it overflows in the first update.
    status, out, err = call(ann_numpy.main, "100", "--learning-rate", "1e300", capsys=capsys)
    assert status == 1 and err.startswith("ann_numpy.py: training diverged at iteration 1:")
    assert len(err.splitlines()) == 1 and "Warning" not in err


@pytest.mark.parametrize("script, eta", [("ann_numpy.py", "4316"), ("ann_numpy_original.py", "1e300")])
def test_a_saturated_sigmoid_is_not_divergence(script, eta, capsys):
    """e^(−net) overflows once net < −709, but σ(net) is then 0 to double precision: no error.
    (Both once stopped with "training diverged", from η ≈ 4,315 and 5.7e6.)"""
    status, out, err = call(SCRIPTS[script].main, "10", "--learning-rate", eta, "--json", capsys=capsys)
    assert status == 0 and err == ""
    doc = json.loads(out)
    weights = np.array(doc["w1"] + doc["w2"])
    assert np.isfinite(weights).all() and np.abs(weights).max() > 100  # huge steps, finite weights
    assert all(0.0 <= y <= 1.0 for y in doc["prediction"])


def test_text_output_names_the_settings_and_prints_the_plain_loops_numbers(capsys):
    status, out, _ = call(ann_numpy.main, "10", capsys=capsys)
    assert status == 0
    first = out.splitlines()[0]
    for part in ("sequential", "10 updates", "learning rate 0.5", "biases fixed", "half-sse"):
        assert part in first
    plain = plain_loop.trajectory("sequential", 10)
    assert f"error at iteration 0 (initial weights): {plain[0][1][4]:.10f}" in out
    assert f"error at iteration 10 (after 10 updates): {plain[10][1][4]:.10f}" in out
    w = plain[10][0]
    assert f"W2 = [[w5, w6], [w7, w8]] = [[{w[4]:.10f}, {w[5]:.10f}], [{w[6]:.10f}, {w[7]:.10f}]]" in out


def test_json_output_and_print_every(capsys):
    status, out, _ = call(ann_numpy_original.main, "10", "--json", "--print-every", "5", capsys=capsys)
    doc = json.loads(out)
    plain = plain_loop.trajectory("parallel", 10)
    assert status == 0 and doc["method"] == "parallel" and doc["iterations"] == 10
    assert doc["final_error"] == pytest.approx(plain[10][1][4], rel=1e-12)
    assert doc["prediction"] == pytest.approx(plain[10][1][2:4], rel=1e-12)
    assert [row["iteration"] for row in doc["errors"]] == [0, 5, 10]
    assert doc["errors"][1]["error"] == pytest.approx(plain[5][1][4], rel=1e-12)


def test_print_every_streams_errors(capsys):
    _, out, _ = call(ann_numpy.main, "10", "--print-every", "5", capsys=capsys)
    lines = [line for line in out.splitlines() if line.startswith("iteration")]
    plain = plain_loop.trajectory("sequential", 10)
    assert lines == [f"iteration {k:>2}: error {plain[k][1][4]:.10f}" for k in (0, 5, 10)]


@pytest.mark.parametrize("script", SCRIPTS)
@pytest.mark.parametrize("biases", ["fixed", "shared", "per-neuron"])
def test_check_gradients_passes(script, biases, capsys):
    status, out, _ = call(SCRIPTS[script].main, "--check-gradients", "--biases", biases, capsys=capsys)
    assert status == 0, out
    assert out.strip().endswith("all checks passed")
    if script == "ann_numpy.py":
        assert "OK, it shrinks as η²" in out


def wrong_train(error_in_w6):
    """A train() whose first update of w6 is off by error_in_w6."""

    def train(iterations, learning_rate, **options):
        t = training.train("parallel", iterations, learning_rate, **options)
        t.w2[1, 0, 1] += error_in_w6
        return t

    return train


def test_check_gradients_fails_on_a_wrong_update(capsys):
    status = training_cli.training_main("parallel", "x.py", "", ["--check-gradients"], train=wrong_train(1e-6))
    out = capsys.readouterr().out
    assert status == 1 and out.strip().endswith("CHECK FAILED")
    (w6,) = [line for line in out.splitlines() if line.strip().startswith("w6 ")]
    assert "MISMATCH" in w6
    assert sum("MISMATCH" in line for line in out.splitlines()) == 1


def test_check_gradients_fails_when_the_sequential_departure_is_not_eta_squared(capsys):
    def train(iterations, learning_rate, **options):  # sequential, with a departure that shrinks as η
        t = training.train("sequential", iterations, learning_rate, **options)
        t.w1[1] += 1e-4 * learning_rate
        return t

    assert training_cli.training_main("sequential", "x.py", "", ["--check-gradients"], train=train) == 1
    assert "MISMATCH, expected p ≈ 2" in capsys.readouterr().out


@pytest.mark.parametrize("module", [ann_numpy, ann_numpy_original, ann_numpy_no_loop])
def test_help_has_an_example(module, capsys):
    status, out, _ = call(module.main, "--help", capsys=capsys)
    script = module.__name__ + ".py"
    assert status == 0 and "examples:" in out and "python " + script in out


def test_the_scripts_train_in_their_order():
    w1 = np.array([[0.3, -1.2], [0.8, 0.5]])
    for module, order in ((ann_numpy, "sequential"), (ann_numpy_original, "parallel")):
        w = plain_loop.update((*w1.ravel(), *plain_loop.W[4:]), order)
        assert np.allclose(module.train(1, w1=w1).w1[1].ravel(), w[:4], rtol=0, atol=1e-15)
