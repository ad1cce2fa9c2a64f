"""Gradients against independent references: autograd's reverse mode, central finite
differences, and the hand-derived η² identity of the sequential order."""

import itertools

import autograd
import autograd.numpy as anp
import numpy as np
import pytest
from conftest import deterministic_hypothesis

from backprop import gradcheck, training, worked_example

X, T = np.array([0.05, 0.10]), np.array([0.01, 0.99])  # the post's input and target
W1, W2 = np.array([[0.15, 0.20], [0.25, 0.30]]), np.array([[0.40, 0.45], [0.50, 0.55]])  # the post's weights
COMBINATIONS = list(itertools.product(("fixed", "shared", "per-neuron"), ("half-sse", "sse", "mse")))


def autograd_loss(W1, W2, b1, b2, loss):
    """The network and its loss written afresh for autograd (not through the project's code)."""
    h = 1.0 / (1.0 + anp.exp(-(anp.dot(W1, X) + b1)))
    y = 1.0 / (1.0 + anp.exp(-(anp.dot(W2, h) + b2)))
    squares = (T - y) ** 2
    return {"half-sse": 0.5 * anp.sum(squares), "sse": anp.sum(squares), "mse": anp.mean(squares)}[loss]


def autograd_gradients(w1, w2, b1, b2, loss):
    """(dW1, dW2, db1, db2) by reverse mode, the bias gradients per neuron (the deltas)."""
    return tuple(autograd.grad(lambda p: autograd_loss(*p, loss))([w1, w2, b1, b2]))


def check_parallel_step_against_autograd(w1, w2, b1, b2, biases, loss):
    eta = 0.5
    t = training.train("parallel", 1, eta, biases=biases, loss=loss, w1=w1, w2=w2, b1=b1, b2=b2)
    g1, g2, delta_h, delta_o = gradients = autograd_gradients(w1, w2, b1, b2, loss)
    # The gradient the update applied (a fixed bias records zero and does not move).
    recorded = [t.grad_w1[0], t.grad_w2[0], t.grad_b1[0], t.grad_b2[0]]
    if biases == "shared":  # one bias per layer: its gradient is the sum of the layer's deltas
        delta_h, delta_o = np.full(2, delta_h.sum()), np.full(2, delta_o.sum())
    if biases == "fixed":
        delta_h, delta_o = np.zeros(2), np.zeros(2)
    expected = [g1, g2, delta_h, delta_o]
    # Rounding is relative to the terms that are summed, not to their sum, which may cancel (a
    # shared bias's gradient adds the deltas): the floor is the largest term.
    scale = max(np.max(np.abs(a)) for a in gradients)
    worst = max(np.max(np.abs(a - b)) for a, b in zip(recorded, expected, strict=True))
    assert worst <= 1e-14 * scale, (worst, scale)
    # And the update applied it: θ ← θ − η ∇E, to the rounding of θ itself.
    applied = [(t.w1, t.grad_w1), (t.w2, t.grad_w2)]
    if biases != "fixed":
        applied += [(t.b1, t.grad_b1), (t.b2, t.grad_b2)]
    for theta, grad in applied:
        ulps = 4 * np.spacing(np.abs(theta[0]).max())
        np.testing.assert_allclose(theta[1], theta[0] - eta * grad[0], rtol=0, atol=ulps)
    if biases == "fixed":
        assert np.array_equal(t.b1[1], t.b1[0]) and np.array_equal(t.b2[1], t.b2[0])
    return t


@pytest.mark.parametrize("biases,loss", COMBINATIONS)
def test_parallel_step_equals_autograd_at_the_posts_weights(biases, loss):
    check_parallel_step_against_autograd(W1, W2, np.full(2, 0.35), np.full(2, 0.60), biases, loss)


@pytest.mark.parametrize("biases,loss", COMBINATIONS)
def test_parallel_step_equals_autograd_at_random_weights(biases, loss):
    """hypothesis draws the weights (imported here: a worker that runs none of these tests does not pay for it)."""
    hypothesis = deterministic_hypothesis()
    st = hypothesis.strategies
    weights = st.lists(st.floats(-3, 3, allow_nan=False), min_size=4, max_size=4).map(lambda v: np.reshape(v, (2, 2)))
    bias_values = st.floats(-1, 1, allow_nan=False)

    @hypothesis.settings(max_examples=12)
    @hypothesis.given(w1=weights, w2=weights, b1=st.tuples(bias_values, bias_values),
                      b2=st.tuples(bias_values, bias_values))  # fmt: skip
    # once failed with a bound relative to the (cancelling) shared-bias sum:
    @hypothesis.example(w1=np.array([[0.0, 2.0], [1.0, 0.0]]), w2=np.array([[2.0, 2.0], [0.0, 2.0]]), b1=(0.0, 0.0),
                        b2=(0.0, 0.0))  # fmt: skip
    def at(w1, w2, b1, b2):
        b1, b2 = np.array(b1), np.array(b2)
        if biases != "per-neuron":
            b1, b2 = np.full(2, b1[0]), np.full(2, b2[0])
        if biases == "fixed":
            b1, b2 = np.full(2, 0.35), np.full(2, 0.60)
        check_parallel_step_against_autograd(w1, w2, b1, b2, biases, loss)

    at()


@pytest.mark.parametrize("biases,loss", COMBINATIONS)
def test_central_differences_agree_with_the_recorded_gradient(biases, loss):
    t = training.train("parallel", 0, biases=biases, loss=loss)
    w1, w2, b1, b2 = W1.copy(), W2.copy(), np.full(2, 0.35), np.full(2, 0.60)

    def total_error():
        return autograd_loss(w1, w2, b1, b2, loss)  # the loss written in this file

    fd = gradcheck.central_difference_gradient(total_error, [w1, w2, b1, b2])
    np.testing.assert_allclose(t.grad_w1[0], fd[0], rtol=0, atol=1e-8)
    np.testing.assert_allclose(t.grad_w2[0], fd[1], rtol=0, atol=1e-8)
    # A per-neuron bias's gradient is its delta; a shared bias's is their sum; a fixed bias's is not applied: 0.
    expected_b1, expected_b2 = (np.full(2, fd[2].sum()), np.full(2, fd[3].sum())) if biases == "shared" else fd[2:]
    if biases == "fixed":
        expected_b1, expected_b2 = np.zeros(2), np.zeros(2)
    np.testing.assert_allclose(t.grad_b1[0], expected_b1, rtol=0, atol=1e-8)
    np.testing.assert_allclose(t.grad_b2[0], expected_b2, rtol=0, atol=1e-8)


@pytest.mark.parametrize("loss", ["half-sse", "sse", "mse"])
def test_the_readable_step_equals_central_differences(loss):
    s = worked_example.step("parallel", W1, W2, [0.35, 0.3], [0.60, 0.7], biases="per-neuron", loss=loss)
    params = [W1.copy(), W2.copy(), np.array([0.35, 0.3]), np.array([0.60, 0.7])]
    fd = gradcheck.central_difference_gradient(lambda: autograd_loss(*params, loss), params)
    for mine, reference in zip((s.dE_dW1, s.dE_dW2, s.dE_db1, s.dE_db2), fd, strict=True):
        np.testing.assert_allclose(mine, reference, rtol=0, atol=1e-9)


@pytest.mark.parametrize("eta", [0.5, 0.1, 3.0])
def test_sequential_departs_from_gradient_descent_by_exactly_an_eta_squared_term(eta):
    # By hand: the sequential hidden delta uses W2 − η dE/dW2, so
    #   delta_h(seq) − delta_h(par) = −η (dE/dW2)ᵀ delta_o ⊙ out_h (1 − out_h),
    #   W1(seq) − W1(par) = −η (delta_h(seq) − delta_h(par)) xᵀ = η² ((dE/dW2)ᵀ delta_o ⊙ out_h (1 − out_h)) xᵀ.
    w1, w2 = np.array([[0.3, -1.2], [0.8, 0.5]]), np.array([[1.1, -0.4], [-0.7, 0.9]])
    seq = training.train("sequential", 1, eta, w1=w1, w2=w2)
    par = training.train("parallel", 1, eta, w1=w1, w2=w2)
    h = par.hidden[0]
    delta_o = (par.output[0] - T) * par.output[0] * (1 - par.output[0])
    dE_dW2 = np.outer(delta_o, h)
    expected = eta**2 * np.outer((dE_dW2.T @ delta_o) * h * (1 - h), X)
    np.testing.assert_allclose(seq.w1[1] - par.w1[1], expected, rtol=1e-9, atol=1e-18)
    assert np.array_equal(seq.w2[1], par.w2[1])  # the output layer's first step is the same in both orders
