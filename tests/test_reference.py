"""The 2-2-2 training scripts against references from outside them: a plain-Python loop of
the post's formulas (tests/plain_loop.py), the post's published numbers, and the original
suite's README tables, read under their own counting (iteration N = after N updates here)."""

import numpy as np
import plain_loop
import pytest

import ann_numpy
import ann_numpy_original
from backprop import published

N = 10_000
# plain_loop.trajectory's errors and predictions after N updates, rounded as the README's
# tables print them (10 and 8 decimals): the table every other test reads from that loop.
REFERENCE = {
    "parallel": {0: ("0.2983711088", ["0.75136507", "0.77292847"]), 1: ("0.2910277737", ["0.74208811", "0.77528497"]),
                 10: ("0.2209185921", ["0.64517373", "0.79406246"]),
                 10000: ("0.0000351019", ["0.01591362", "0.98406427"])},
    "sequential": {0: ("0.2983711088", ["0.75136507", "0.77292847"]),
                   1: ("0.2910279239", ["0.74208844", "0.77528538"]),
                   10: ("0.2209163375", ["0.64517168", "0.79406732"]),
                   10000: ("0.0000350848", ["0.01591220", "0.98406573"])},
}  # fmt: skip
TRAIN = {"parallel": ann_numpy_original.train, "sequential": ann_numpy.train}


@pytest.fixture(scope="session")
def runs():
    """Each order by the script's train() and by the plain loop, every iteration to N."""
    return {order: (TRAIN[order](N), plain_loop.trajectory(order, N)) for order in TRAIN}


@pytest.mark.parametrize("order", TRAIN)
def test_every_iteration_equals_the_plain_loop(runs, order):
    t, plain = runs[order]
    w = np.array([row[0] for row in plain])
    forward = np.array([row[1] for row in plain])
    np.testing.assert_allclose(np.concatenate([t.w1.reshape(-1, 4), t.w2.reshape(-1, 4)], axis=1), w, rtol=0,
                               atol=1e-12)  # fmt: skip
    np.testing.assert_allclose(t.hidden, forward[:, :2], rtol=0, atol=1e-13)
    np.testing.assert_allclose(t.output, forward[:, 2:4], rtol=0, atol=1e-13)
    np.testing.assert_allclose(t.error, forward[:, 4], rtol=1e-9, atol=1e-15)


@pytest.mark.parametrize("order", TRAIN)
def test_the_reference_table(runs, order):
    t, plain = runs[order]
    for n, (error, prediction) in REFERENCE[order].items():
        for out_o1, out_o2, e in (plain[n][1][2:], (*t.output[n], t.error[n])):
            assert f"{e:.10f}" == error and [f"{out_o1:.8f}", f"{out_o2:.8f}"] == prediction, (order, n)


def test_the_posts_first_forward_pass_and_error(runs):
    t, _ = runs["parallel"]
    post = published.POST_FIRST_UPDATE
    for value, name in ((t.hidden[0][0], "out_h1"), (t.hidden[0][1], "out_h2"), (t.output[0][0], "out_o1"),
                        (t.output[0][1], "out_o2"), (t.error[0], "E_total")):  # fmt: skip
        assert published.agrees(value, post[name]), name


def test_the_posts_figures_after_10000_rounds_are_the_sequential_run(runs):
    t, _ = runs["sequential"]
    assert published.agrees(t.error[N], published.POST_ERROR_AFTER_10000_OTHER_COPIES)
    for value, figure in zip(t.output[N], published.POST_OUTPUTS_AFTER_10000, strict=True):
        assert published.agrees(value, figure)
    assert published.agrees(runs["parallel"][0].error[N - 1], published.POST_ERROR_AFTER_10000)  # before the last


def test_original_readme_tables_under_their_own_convention(runs):
    # Their error column and sequential predictions are before the N-th update (after N − 1), their
    # parallel predictions after N.
    seq, par = runs["sequential"][0], runs["parallel"][0]
    for n, (seq_p, par_p, seq_e, par_e) in published.ORIGINAL_README_TABLES.items():
        assert [f"{v:.8f}" for v in seq.output[n - 1]] == list(seq_p), n
        assert [f"{v:.8f}" for v in par.output[n]] == list(par_p), n
        assert f"{seq.error[n - 1]:.10f}" == seq_e and f"{par.error[n - 1]:.10f}" == par_e, n
