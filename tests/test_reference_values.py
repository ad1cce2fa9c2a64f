"""The training scripts against DESIGN.md §2's reference table: independent float64
values, asserted to the digits shown (iteration N = after N updates)."""

import numpy as np
import pytest

import ann_numpy
import ann_numpy_original

# iteration: (parallel error, sequential error, parallel prediction, sequential prediction)
REFERENCE = {
    0: (0.2983711088, 0.2983711088, [0.75136507, 0.77292847], [0.75136507, 0.77292847]),
    1: (0.2910277737, 0.2910279239, [0.74208811, 0.77528497], [0.74208844, 0.77528538]),
    10: (0.2209185921, 0.2209163375, [0.64517373, 0.79406246], [0.64517168, 0.79406732]),
    10000: (0.0000351019, 0.0000350848, [0.01591362, 0.98406427], [0.01591220, 0.98406573]),
}


@pytest.fixture(scope="module")
def trajectories():
    return {
        "parallel": ann_numpy_original.train(10000, record_every=0, checkpoints=REFERENCE),
        "sequential": ann_numpy.train(10000, record_every=0, checkpoints=REFERENCE),
    }


@pytest.mark.parametrize("n", sorted(REFERENCE))
@pytest.mark.parametrize("method", ["parallel", "sequential"])
def test_error_and_prediction_match_reference(trajectories, method, n):
    par_error, seq_error, par_pred, seq_pred = REFERENCE[n]
    t = trajectories[method]
    r = t.row(n)
    error, prediction = (par_error, par_pred) if method == "parallel" else (seq_error, seq_pred)
    assert round(float(t.error[r]), 10) == pytest.approx(error, abs=1e-15)
    assert np.round(t.output[r], 8) == pytest.approx(prediction, abs=1e-15)


def test_blog_initial_forward_pass(trajectories):
    # The post: out_h1 = 0.593269992, out_h2 = 0.596884378 at the initial weights.
    t = trajectories["parallel"]
    assert np.round(t.hidden[0], 9) == pytest.approx([0.593269992, 0.596884378], abs=1e-15)
