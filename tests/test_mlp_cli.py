"""mlp.py's command line: its stdout, stderr and exit status.

In-process through mlp.main(argv), but for one short run as a user runs it: a subprocess.
"""

import json
import sys
import warnings

import numpy as np
import pytest
from conftest import assert_one_line_error, call, run_script

import mlp

SIXTY_FOUR = "3," + "64," * 62 + "1"  # the most sizes --layers takes: inputs, 62 hidden layers, output
BEYOND_CAPS = {  # --layers beyond its caps: argument, the usage error's words
    "3," + "64," * 63 + "1": "65 sizes; at most 64",
    ",".join(["1"] * 20_002): "20,002 sizes; at most 64",  # accepted before the cap
    "3,4096,1,4096,1": "8,193 hidden units in all; at most 4,096",  # each width allowed, the memory not
    "3,2048,2049,1": "4,097 hidden units in all; at most 4,096",
    "3,4097,1": "layer size 4097 is outside 1..4,096",
    "4096,2048,2048,4096": "more than 10,000,000 parameters",
}

BAD_USAGE = [
    ["--layers", "3,,1"], ["--layers", "0"], ["--layers", "-4"], ["--layers", "abc"], ["--layers", "3"],
    *(["--layers", layers] for layers in BEYOND_CAPS),
    ["--layers", "4,8,1"],  # the first size does not match the data's 3 features
    ["--layers", "3,8,2"],  # nor the last its one target
    ["--batch-size", "0"], ["--batch-size", "10001"],  # the function data set has 10,000 training rows
    ["--epochs", "-1"], ["--epochs", "1.5"],
    ["--learning-rate", "0"], ["--learning-rate", "-0.1"], ["--learning-rate", "nan"], ["--learning-rate", "inf"],
    ["--activation", "softsign"], ["--optimizer", "rmsprop"], ["--dataset", "mnist"], ["--loss", "l1"],
    ["--target-mse", "-1"], ["--plot", "curves.gif"], ["--bogus"],
]  # fmt: skip


def test_short_run_as_a_user_runs_it_prints_results_to_stdout_and_nothing_to_a_piped_stderr(tmp_path):
    result = run_script("mlp.py", "--epochs", "2")
    assert result.returncode == 0 and result.stderr == "", result.stderr  # a progress bar on a terminal only
    out = result.stdout.splitlines()
    assert out[0].startswith("data: function") and out[1].startswith("network: 3-32-16-1, tanh")
    assert "did not reach test MSE ≤ 0.0001" in out[3] and "2 epochs" in out[3]
    assert out[4].startswith("train MSE") and out[5].startswith("test  MSE") and "R²" in out[5]


def test_plot_writes_the_learning_curves_atomically(tmp_path, capsys):
    plot = tmp_path / "curves.png"
    status, _, err = call(mlp.main, "--epochs", "2", "--layers", "3,4,1", "--quiet", "--plot", plot, capsys=capsys)
    assert status == 0, err
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and plot.stat().st_size > 10_000
    assert [p.name for p in tmp_path.iterdir()] == ["curves.png"]  # no temporary file left


@pytest.mark.parametrize("args", BAD_USAGE, ids=lambda args: " ".join(args)[:60])
def test_bad_usage_is_one_line_and_status_2(args, capsys):
    result = call(mlp.main, *args, capsys=capsys)
    assert_one_line_error(result, "mlp.py", 2)
    assert result[1] == ""


@pytest.mark.parametrize("layers", BEYOND_CAPS, ids=lambda layers: layers[:30])
def test_layers_beyond_a_cap_name_it_in_a_short_line(layers, capsys):
    status, out, err = call(mlp.main, "--layers", layers, capsys=capsys)
    assert status == 2 and out == ""
    assert err.startswith("mlp.py: error: argument --layers: ") and BEYOND_CAPS[layers] in err
    assert len(err) < 200  # the 20,002 sizes are not echoed back


def test_layers_up_to_the_caps_are_accepted():
    assert mlp.layer_sizes(SIXTY_FOUR) == [3] + [64] * 62 + [1]
    assert mlp.layer_sizes("3,4096,1") == [3, 4096, 1]  # the widest layer: all the hidden units allowed
    assert mlp.layer_sizes("3,2048,2048,1") == [3, 2048, 2048, 1]


def test_divergence_is_one_line_naming_the_epoch(capsys):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        quiet = call(mlp.main, "--optimizer", "sgd", "--learning-rate", "1e100", "--epochs", "3", "--quiet",
                     capsys=capsys)  # fmt: skip
        # Without --quiet (no bar: stderr is not a terminal), the same one line, and still no warning storm.
        status, out, err = call(mlp.main, "--optimizer", "sgd", "--learning-rate", "1e100", "--epochs", "3",
                                capsys=capsys)  # fmt: skip
    assert_one_line_error(quiet, "mlp.py", 1)
    assert "diverged in epoch 1:" in quiet[2]
    assert (status, out, err) == quiet
    assert [str(w.message) for w in caught] == [] and "Warning" not in err


def test_diabetes_without_scikit_learn_names_the_package(monkeypatch, capsys):
    # None in sys.modules: importing the package raises ImportError, as if it were not installed.
    monkeypatch.setitem(sys.modules, "sklearn", None)
    monkeypatch.setitem(sys.modules, "sklearn.datasets", None)
    result = call(mlp.main, "--dataset", "diabetes", capsys=capsys)
    assert_one_line_error(result, "mlp.py", 1)
    assert "scikit-learn" in result[2] and "pip install scikit-learn" in result[2]


def test_unwritable_plot_folder_is_status_1(tmp_path, capsys):
    result = call(mlp.main, "--epochs", "1", "--plot", tmp_path / "missing" / "curves.png", capsys=capsys)
    assert_one_line_error(result, "mlp.py", 1)
    assert "folder does not exist" in result[2]
    assert list(tmp_path.iterdir()) == []


def test_json_document(capsys):
    status, out, err = call(mlp.main, "--epochs", "3", "--json", "--quiet", "--layers", "3,8,1", "--optimizer", "sgd",
                            capsys=capsys)  # fmt: skip
    assert status == 0 and err == ""
    doc = json.loads(out)
    assert doc["layers"] == [3, 8, 1] and doc["optimizer"] == "sgd" and doc["learning_rate"] == 0.05
    assert doc["epochs"] == 3 and doc["stopped"] == "epochs"
    assert [row["epoch"] for row in doc["history"]] == [0, 1, 2, 3]
    assert doc["test_mse"] == doc["history"][-1]["test_mse"]
    assert doc["test_rmse"] == pytest.approx(doc["test_mse"] ** 0.5)
    assert doc["history"][-1]["train_mse"] < doc["history"][0]["train_mse"]
    # The function data's targets are not rescaled: the MSE of predicting 0 everywhere is the mean of y².
    X_test = np.random.default_rng(0).uniform(-1.0, 1.0, (12_000, 3))[10_000:]
    y_test = np.sin(3 * X_test[:, 0]) + X_test[:, 1] ** 2 * np.cos(3 * X_test[:, 2])
    assert doc["test_r2"] == pytest.approx(1 - doc["test_mse"] / np.var(y_test), rel=1e-12)
