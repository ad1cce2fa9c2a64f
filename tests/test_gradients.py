"""Gradients against independent references: autograd's reverse mode, central
finite differences, and the η² identity of the sequential order."""

import autograd
import autograd.numpy as anp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ann_numpy
import ann_numpy_original
from backprop import gradcheck, worked_example

X, T = np.array([0.05, 0.10]), np.array([0.01, 0.99])
COMBINATIONS = [(b, loss) for b in ("fixed", "shared", "per-neuron") for loss in ("half-sse", "sse", "mse")]


def autograd_loss(W1, W2, b1, b2, loss):
    """The network and its loss written afresh for autograd (not through mazur)."""
    h = 1.0 / (1.0 + anp.exp(-(anp.dot(W1, X) + b1)))
    y = 1.0 / (1.0 + anp.exp(-(anp.dot(W2, h) + b2)))
    squares = (T - y) ** 2
    return {"half-sse": 0.5 * anp.sum(squares), "sse": anp.sum(squares), "mse": anp.mean(squares)}[loss]


def autograd_gradients(w1, w2, b1, b2, biases, loss):
    """(dW1, dW2, db1, db2) by reverse mode; bias gradients as per-neuron 2-vectors or a shared scalar."""
    if biases == "fixed":
        g = autograd.grad(lambda p: autograd_loss(p[0], p[1], 0.35, 0.60, loss))([w1, w2])
        return g[0], g[1], None, None
    if biases == "shared":
        f = lambda p: autograd_loss(p[0], p[1], p[2], p[3], loss)
        return tuple(autograd.grad(f)([w1, w2, float(b1[0]), float(b2[0])]))
    f = lambda p: autograd_loss(p[0], p[1], p[2], p[3], loss)
    return tuple(autograd.grad(f)([w1, w2, b1, b2]))


def check_parallel_step_against_autograd(w1, w2, b1, b2, biases, loss):
    eta = 0.5
    t = ann_numpy_original.train(1, eta, biases=biases, loss=loss, w1=w1, w2=w2, b1=b1, b2=b2)
    g1, g2, gb1, gb2 = autograd_gradients(w1, w2, b1, b2, biases, loss)
    # The parallel update is W ← W − η·grad with grad recorded in row 0.
    ours = [-eta * t.grad_w1[0], -eta * t.grad_w2[0]]
    theirs = [-eta * g1, -eta * g2]
    if biases == "shared":  # one bias per layer: both neurons' entries move by −η Σ delta
        ours += [-eta * t.grad_b1[0], -eta * t.grad_b2[0]]
        theirs += [np.full(2, -eta * gb1), np.full(2, -eta * gb2)]
    elif biases == "per-neuron":
        ours += [-eta * t.grad_b1[0], -eta * t.grad_b2[0]]
        theirs += [-eta * gb1, -eta * gb2]
    largest = max(np.max(np.abs(g)) for g in theirs)
    worst = max(np.max(np.abs(a - b)) for a, b in zip(ours, theirs, strict=True))
    assert worst <= 1e-14 * largest, (worst, largest)
    return t


@pytest.mark.parametrize("biases,loss", COMBINATIONS)
def test_parallel_step_equals_autograd_at_blog_weights(biases, loss):
    t = check_parallel_step_against_autograd(
        worked_example.W1_INIT, worked_example.W2_INIT, np.full(2, 0.35), np.full(2, 0.60), biases, loss
    )
    # And the weights really moved by that step.
    w1, w2 = worked_example.W1_INIT, worked_example.W2_INIT
    g1, g2, _, _ = autograd_gradients(w1, w2, np.full(2, 0.35), np.full(2, 0.6), biases, loss)
    assert np.abs((t.w2[1] - t.w2[0]) - (-0.5 * g2)).max() <= 1e-14 * np.abs(g2).max()
    assert np.abs((t.w1[1] - t.w1[0]) - (-0.5 * g1)).max() <= 1e-14 * np.abs(g2).max()


weights = st.lists(st.floats(-3, 3, allow_nan=False), min_size=4, max_size=4).map(lambda v: np.reshape(v, (2, 2)))
bias_values = st.floats(-1, 1, allow_nan=False)


@pytest.mark.parametrize("biases,loss", COMBINATIONS)
@settings(max_examples=100, deadline=None)
@given(w1=weights, w2=weights, b1=st.tuples(bias_values, bias_values), b2=st.tuples(bias_values, bias_values))
def test_parallel_step_equals_autograd_at_random_weights(biases, loss, w1, w2, b1, b2):
    b1, b2 = np.array(b1), np.array(b2)
    if biases != "per-neuron":
        b1, b2 = np.full(2, b1[0]), np.full(2, b2[0])
    if biases == "fixed":
        b1, b2 = np.full(2, 0.35), np.full(2, 0.60)
    check_parallel_step_against_autograd(w1, w2, b1, b2, biases, loss)


@pytest.mark.parametrize("biases,loss", COMBINATIONS)
def test_central_differences_agree_with_analytic_gradient(biases, loss):
    t = ann_numpy_original.train(0, biases=biases, loss=loss)
    w1, w2 = worked_example.W1_INIT.copy(), worked_example.W2_INIT.copy()
    b1, b2 = np.full(2, 0.35), np.full(2, 0.60)
    params = [w1, w2, b1, b2]

    def total_error():
        return worked_example.error(worked_example.forward(w1, w2, b1, b2)[1], loss=loss)

    fd = gradcheck.central_difference_gradient(total_error, params)
    np.testing.assert_allclose(t.grad_w1[0], fd[0], rtol=0, atol=1e-8)
    np.testing.assert_allclose(t.grad_w2[0], fd[1], rtol=0, atol=1e-8)
    # Per-neuron bias gradients are the deltas; a shared bias's is their sum.
    per_neuron = worked_example.gradients(w1, w2, b1, b2, loss)
    np.testing.assert_allclose(per_neuron.dE_db1, fd[2], rtol=0, atol=1e-8)
    np.testing.assert_allclose(per_neuron.dE_db2, fd[3], rtol=0, atol=1e-8)
    if biases == "shared":
        np.testing.assert_allclose(t.grad_b1[0], np.full(2, fd[2].sum()), rtol=0, atol=1e-8)


def test_sequential_minus_parallel_scales_as_eta_squared():
    def difference(eta):
        return np.abs(ann_numpy.train(1, eta).w1[1] - ann_numpy_original.train(1, eta).w1[1]).max()

    ratio = difference(0.5) / difference(0.25)
    assert 3.5 <= ratio <= 4.5, ratio


def test_sequential_output_layer_step_is_the_gradient_step():
    # Only the hidden layer departs: W2's first update is the same in both orders.
    assert np.array_equal(ann_numpy.train(1).w2[1], ann_numpy_original.train(1).w2[1])
    assert not np.array_equal(ann_numpy.train(1).w1[1], ann_numpy_original.train(1).w1[1])
