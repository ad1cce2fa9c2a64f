"""trask_networks.py against the numbers Trask's post publishes, and against his loop."""

import numpy as np
import pytest
from conftest import assert_one_line_error, run_script

import trask_networks

# "A Neural Network in 11 lines of Python (Part 1)", iamtrask.github.io, 2015.
TWO_LAYER_OUTPUT = [0.00966449, 0.00786506, 0.99358898, 0.99211957]
THREE_LAYER_ERRORS = ["0.496410031903", "0.00858452565325", "0.00578945986251", "0.00462917677677",
                      "0.00395876528027", "0.00351012256786"]  # fmt: skip
THREE_LAYER_OUTPUT = [0.00260572, 0.99672209, 0.99701711, 0.00386759]  # as copies of the post print it


def printed_column(stdout: str) -> list[float]:
    """The (4, 1) array printed after "Output After Training"."""
    lines = stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Output After Training")) + 1
    return [float(line.strip(" []")) for line in lines[start : start + 4]]


def test_two_layer_prints_the_published_output():
    result = run_script("trask_networks.py", "two-layer")
    assert result.returncode == 0 and result.stderr == ""
    assert printed_column(result.stdout) == TWO_LAYER_OUTPUT  # to the 8 decimals printed


def test_three_layer_prints_the_published_errors_and_output():
    result = run_script("trask_networks.py", "three-layer")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    errors = [line.split()[0].removeprefix("Error:") for line in lines if line.startswith("Error:")]
    assert errors == THREE_LAYER_ERRORS
    assert printed_column(result.stdout) == THREE_LAYER_OUTPUT


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
def test_bad_usage(args):
    assert_one_line_error(run_script("trask_networks.py", *args), "trask_networks.py", 2)
