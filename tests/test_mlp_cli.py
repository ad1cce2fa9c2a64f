"""mlp.py's command line, run as a user runs it: a subprocess, its stdout, stderr and exit status."""

import json

import pytest
from conftest import assert_one_line_error, run_script

BAD_USAGE = [
    ["--layers", "3,,1"], ["--layers", "0"], ["--layers", "-4"], ["--layers", "abc"], ["--layers", "3"],
    ["--layers", "4,8,1"],  # the first size does not match the data's 3 features
    ["--layers", "3,8,2"],  # nor the last its one target
    ["--batch-size", "0"], ["--batch-size", "10001"],  # the function data set has 10,000 training rows
    ["--epochs", "-1"], ["--epochs", "1.5"],
    ["--learning-rate", "0"], ["--learning-rate", "-0.1"], ["--learning-rate", "nan"], ["--learning-rate", "inf"],
    ["--activation", "softsign"], ["--optimizer", "rmsprop"], ["--dataset", "mnist"], ["--loss", "l1"],
    ["--target-mse", "-1"], ["--plot", "curves.gif"], ["--bogus"],
]  # fmt: skip


@pytest.mark.parametrize("args", BAD_USAGE, ids=" ".join)
def test_bad_usage_is_one_line_and_status_2(args):
    result = run_script("mlp.py", *args)
    assert_one_line_error(result, "mlp.py", 2)
    assert result.stdout == ""


def test_divergence_is_one_line_naming_the_epoch():
    result = run_script("mlp.py", "--optimizer", "sgd", "--learning-rate", "1e100", "--epochs", "3", "--quiet")
    assert_one_line_error(result, "mlp.py", 1)
    assert "diverged in epoch 1:" in result.stderr
    # Without --quiet the progress lines come first, and still no warning storm.
    loud = run_script("mlp.py", "--optimizer", "sgd", "--learning-rate", "1e100", "--epochs", "3")
    assert loud.returncode == 1 and loud.stderr.splitlines()[-1].startswith("mlp.py: training diverged in epoch 1")
    assert "Warning" not in loud.stderr and "Traceback" not in loud.stderr


def test_diabetes_without_scikit_learn_names_the_package(tmp_path):
    shadow = tmp_path / "sklearn"
    shadow.mkdir()
    (shadow / "__init__.py").write_text("raise ModuleNotFoundError(\"No module named 'sklearn'\", name='sklearn')\n")
    result = run_script("mlp.py", "--dataset", "diabetes", env={"PYTHONPATH": str(tmp_path)})
    assert_one_line_error(result, "mlp.py", 1)
    assert "scikit-learn" in result.stderr and "pip install scikit-learn" in result.stderr


def test_unwritable_plot_folder_is_status_1(tmp_path):
    result = run_script("mlp.py", "--epochs", "1", "--plot", tmp_path / "missing" / "curves.png")
    assert_one_line_error(result, "mlp.py", 1)


def test_short_run_prints_progress_to_stderr_and_results_to_stdout(tmp_path):
    plot = tmp_path / "curves.png"
    result = run_script("mlp.py", "--epochs", "2", "--plot", plot)
    assert result.returncode == 0, result.stderr
    progress = result.stderr.splitlines()
    assert [line.split()[:2] for line in progress] == [["epoch", "0"], ["epoch", "1"], ["epoch", "2"]]
    assert all("train MSE" in line and "test MSE" in line and "elapsed" in line for line in progress)
    out = result.stdout.splitlines()
    assert out[0].startswith("data: function") and out[1].startswith("network: 3-32-16-1, tanh")
    assert "did not reach test MSE ≤ 0.0001" in out[3] and "2 epochs" in out[3]
    assert out[4].startswith("train MSE") and out[5].startswith("test  MSE") and "R²" in out[5]
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and plot.stat().st_size > 10_000
    assert [p.name for p in tmp_path.iterdir()] == ["curves.png"]  # no temporary file left


def test_json_document():
    result = run_script("mlp.py", "--epochs", "3", "--json", "--quiet", "--layers", "3,8,1", "--optimizer", "sgd")
    assert result.returncode == 0 and result.stderr == ""
    doc = json.loads(result.stdout)
    assert doc["layers"] == [3, 8, 1] and doc["optimizer"] == "sgd" and doc["learning_rate"] == 0.05
    assert doc["epochs"] == 3 and doc["stopped"] == "epochs"
    assert [row["epoch"] for row in doc["history"]] == [0, 1, 2, 3]
    assert doc["test_mse"] == doc["history"][-1]["test_mse"]
    assert doc["test_rmse"] == pytest.approx(doc["test_mse"] ** 0.5)
    assert doc["history"][-1]["train_mse"] < doc["history"][0]["train_mse"]


def test_diabetes_reports_mse_in_the_data_units_and_r2():
    pytest.importorskip("sklearn")
    result = run_script("mlp.py", "--dataset", "diabetes", "--epochs", "100", "--json", "--quiet")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["layers"] == [10, 16, 1] and "354 training and 88 test rows" in doc["data"]
    # A linear model reaches R² ≈ 0.4-0.5 on this data; MSE is in squared disease-progression units.
    assert 0.2 < doc["test_r2"] < 0.7 and 1_500 < doc["test_mse"] < 6_000
