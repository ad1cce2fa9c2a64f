"""The training scripts' command lines, run as a user runs them."""

import json

import pytest
from conftest import assert_one_line_error, run_script

SCRIPTS = ["ann_numpy.py", "ann_numpy_original.py"]


@pytest.mark.parametrize("script", SCRIPTS)
@pytest.mark.parametrize(
    "args",
    [["-5"], ["1.5"], ["abc"], ["100000001"], ["--learning-rate", "0"], ["--learning-rate", "-1"],
     ["--learning-rate", "nan"], ["--learning-rate", "inf"], ["--bogus"], ["--biases", "none"],
     ["--loss", "l1"], ["--print-every", "0"], ["1", "2"]],
)  # fmt: skip
def test_bad_usage_is_one_line_and_status_2(script, args):
    result = run_script(script, *args)
    assert_one_line_error(result, script, 2)
    assert result.stdout == ""


@pytest.mark.parametrize("script", SCRIPTS)
def test_divergence_is_one_line_naming_the_iteration(script):
    result = run_script(script, "100", "--learning-rate", "1e10")
    assert_one_line_error(result, script, 1)
    assert "diverged at iteration 1" in result.stderr
    assert "Warning" not in result.stderr


def test_default_run_prints_settings_and_reference_numbers():
    result = run_script("ann_numpy.py")
    assert result.returncode == 0
    out = result.stdout
    first = out.splitlines()[0]
    for part in ("sequential", "1 update", "learning rate 0.5", "biases fixed", "half-sse"):
        assert part in first
    assert "error at iteration 0 (initial weights): 0.2983711088" in out
    assert "error at iteration 1 (after 1 update): 0.2910279239" in out


def test_json_output_and_print_every():
    result = run_script("ann_numpy_original.py", "10", "--json", "--print-every", "5")
    doc = json.loads(result.stdout)
    assert doc["method"] == "parallel" and doc["iterations"] == 10
    assert round(doc["final_error"], 10) == 0.2209185921
    assert [row["iteration"] for row in doc["errors"]] == [0, 5, 10]
    assert [round(x, 8) for x in doc["prediction"]] == [0.64517373, 0.79406246]


def test_print_every_streams_errors():
    result = run_script("ann_numpy.py", "10", "--print-every", "5")
    lines = [line for line in result.stdout.splitlines() if line.startswith("iteration")]
    assert [line.split(":")[0] for line in lines] == ["iteration  0", "iteration  5", "iteration 10"]
    # DESIGN.md §2: sequential error after 0 and 10 updates.
    assert lines[0].endswith("error 0.2983711088") and lines[2].endswith("error 0.2209163375")


@pytest.mark.parametrize("script", SCRIPTS)
@pytest.mark.parametrize("biases", ["fixed", "per-neuron"])
def test_check_gradients_passes(script, biases):
    result = run_script(script, "--check-gradients", "--biases", biases)
    assert result.returncode == 0, result.stdout
    assert result.stdout.strip().endswith("all checks passed")
    if script == "ann_numpy.py":
        assert "OK, it shrinks as η²" in result.stdout


@pytest.mark.parametrize("script", SCRIPTS + ["ann_numpy_no_loop.py"])
def test_help_has_an_example(script):
    result = run_script(script, "--help")
    assert result.returncode == 0
    assert "examples:" in result.stdout and "python " + script in result.stdout
