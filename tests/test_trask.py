"""trask_networks.py against the numbers Trask's post publishes, and against his loop.

The published figures are backprop.published's TRASK_* strings, as the post prints them
(https://iamtrask.github.io/2015/07/12/basic-python-network/): the printed digits must match.
"""

import numpy as np
import pytest
from conftest import assert_one_line_error, call, run_script

import trask_networks
from backprop import published


def printed_column(stdout: str) -> list[str]:
    """The (4, 1) array printed after "Output After Training", as its four printed numbers."""
    lines = stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Output After Training")) + 1
    return [line.strip(" []") for line in lines[start : start + 4]]


def test_two_layer_prints_the_published_output(capsys):
    status, stdout, stderr = call(trask_networks.main, "two-layer", capsys=capsys)
    assert status == 0 and stderr == ""
    assert printed_column(stdout) == list(published.TRASK_TWO_LAYER_OUTPUT)  # to the 8 decimals printed


def test_three_layer_as_a_user_runs_it_prints_the_published_errors_and_output():
    """The post's 60,000 updates, run once, as a user runs it (a subprocess: no traceback)."""
    result = run_script("trask_networks.py", "three-layer")
    status, stdout, stderr = result.returncode, result.stdout, result.stderr
    assert status == 0 and stderr == ""
    errors = [line.split()[0].removeprefix("Error:") for line in stdout.splitlines() if line.startswith("Error:")]
    assert errors == list(published.TRASK_THREE_LAYER_ERRORS)  # every one of the 12 significant digits
    assert printed_column(stdout) == list(published.TRASK_THREE_LAYER_OUTPUT)  # to the 8 decimals printed


def trask_two_layer_loop(seed=1, iterations=10_000):
    """The post's code, as published (Python 3 spelling)."""
    X = np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]])
    y = np.array([[0, 0, 1, 1]]).T
    np.random.seed(seed)
    syn0 = 2 * np.random.random((3, 1)) - 1
    for _ in range(iterations):
        l0 = X
        l1 = 1 / (1 + np.exp(-np.dot(l0, syn0)))
        l1_error = y - l1
        l1_delta = l1_error * (l1 * (1 - l1))
        syn0 += np.dot(l0.T, l1_delta)
    return l1, syn0


@pytest.mark.parametrize("seed", [1, 7])
def test_engine_follows_the_posts_loop(seed):
    l1, syn0 = trask_two_layer_loop(seed, 2_000)
    run = trask_networks.train("two-layer", seed, 2_000)
    np.testing.assert_allclose(run.output_before_last, l1, rtol=0, atol=1e-14)  # its last l1: after N − 1 updates
    np.testing.assert_allclose(run.network.weights[0], syn0, rtol=0, atol=1e-13)


@pytest.mark.parametrize("args", [["four-layer"], [], ["two-layer", "--seed", "-1"], ["two-layer", "--updates", "0"]])
def test_bad_usage(args, capsys):
    assert_one_line_error(call(trask_networks.main, *args, capsys=capsys), "trask_networks.py", 2)
