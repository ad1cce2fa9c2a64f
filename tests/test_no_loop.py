"""ann_numpy_no_loop.py: the blog's published numbers, and equality with the parallel trajectory."""

import re

import numpy as np
import pytest
from conftest import run_script

import ann_numpy_no_loop
import ann_numpy_original

# Published in Mazur's post (the minimum list), checked to 9 decimals.
BLOG = {
    "out_h1": 0.593269992,
    "out_o1": 0.75136507,
    "E_total": 0.298371109,
    "dE_total/dw5": 0.082167041,
    "w5+": 0.35891648,
    "dE_total/dw1": 0.000438568,
    "w1+": 0.149780716,
}


@pytest.fixture(scope="module")
def printed():
    result = run_script("ann_numpy_no_loop.py")
    assert result.returncode == 0, result.stderr
    return result.stdout


def first_value(text, name):
    """The value on the first line that starts with name (the first iteration's)."""
    m = re.search(rf"^\s*{re.escape(name)}\s+=.*=\s+(-?\d+\.\d+)", text, re.MULTILINE)
    assert m, name
    return float(m.group(1))


@pytest.mark.parametrize("name", sorted(BLOG))
def test_printed_values_match_the_blog(printed, name):
    assert round(first_value(printed, name), 9) == pytest.approx(BLOG[name], abs=1e-15)


def test_blog_order(printed):
    order = ["net_h1", "out_h1", "out_o1", "E_o1", "E_o2", "E_total", "dE_total/dout_o1",
             "dE_total/dw5", "w5+", "w8+", "dE_o1/dnet_o1", "dE_total/dw1", "w1+", "w4+"]  # fmt: skip
    positions = [re.search(rf"^\s*{re.escape(n)}\s+=", printed, re.MULTILINE).start() for n in order]
    assert positions == sorted(positions)


def test_all_eight_gradients_and_updated_weights_are_printed(printed):
    for i in range(1, 9):
        assert len(re.findall(rf"^\s*dE_total/dw{i}\s+=", printed, re.MULTILINE)) == 2
        assert len(re.findall(rf"^\s*w{i}\+\s+=", printed, re.MULTILINE)) == 2


def test_two_iterations_equal_the_parallel_trajectory():
    example = ann_numpy_no_loop.worked_example()
    t = ann_numpy_original.train(2)
    for n, it in enumerate(example, start=1):
        values = {name: v for _, name, _, v in it["lines"]}
        w = [it["weights"][f"w{i}"] for i in range(1, 9)]
        assert np.abs(np.array(w) - np.concatenate([t.w1[n].ravel(), t.w2[n].ravel()])).max() <= 1e-15
        # The forward pass of update n is at iteration n − 1.
        assert abs(values["out_h1"] - t.hidden[n - 1][0]) <= 1e-15
        assert abs(values["out_o2"] - t.output[n - 1][1]) <= 1e-15
        assert abs(values["E_total"] - t.error[n - 1]) <= 1e-15
        assert abs(values["dE_total/dw1"] - t.grad_w1[n - 1][0, 0]) <= 1e-15
        assert abs(values["dE_total/dw8"] - t.grad_w2[n - 1][1, 1]) <= 1e-15
        assert abs(it["error_after"] - t.error[n]) <= 1e-15


def test_json_document(root):
    import json

    result = run_script("ann_numpy_no_loop.py", "--json")
    doc = json.loads(result.stdout)
    assert round(doc["iterations"][0]["values"]["out_h1"], 9) == 0.593269992
    assert len(doc["iterations"]) == 2
