"""The fast engine (engine.FastNetwork, through training.train) beside the readable worked
example (worked_example.step), update by update, for every order, bias policy and loss."""

import itertools
import math

import numpy as np
import plain_loop
import pytest

from backprop import training, worked_example

SETTINGS = list(itertools.product(worked_example.ALL_ORDERS, worked_example.BIAS_POLICIES, worked_example.LOSSES))
UPDATES = 1_000


@pytest.mark.parametrize("order, biases, loss", SETTINGS)
def test_fast_engine_equals_the_readable_worked_example_at_every_step(order, biases, loss):
    eta = 0.5 if biases == "fixed" else 2.0  # a larger step where biases train: more to go wrong
    t = training.train(order, UPDATES, eta, biases=biases, loss=loss)
    w1, w2 = worked_example.W1_INIT, worked_example.W2_INIT
    b1, b2 = worked_example.B1_INIT, worked_example.B2_INIT
    steps = []
    for _ in range(UPDATES):  # the readable run goes on from its own state, never from the engine's
        steps.append(worked_example.step(order, w1, w2, b1, b2, learning_rate=eta, biases=biases, loss=loss))
        w1, w2, b1, b2 = steps[-1].w1, steps[-1].w2, steps[-1].b1, steps[-1].b2

    def readable(name):
        return np.array([getattr(s, name) for s in steps])

    pairs = [
        (readable("out_h"), t.hidden[:-1]), (readable("out_o"), t.output[:-1]), (readable("E_total"), t.error[:-1]),
        (readable("dE_dW2"), t.grad_w2[:-1]), (readable("dE_dW1"), t.grad_w1[:-1]),
        (readable("w1"), t.w1[1:]), (readable("w2"), t.w2[1:]), (readable("b1"), t.b1[1:]), (readable("b2"), t.b2[1:]),
    ]  # fmt: skip
    if biases != "fixed":  # a fixed bias has no gradient to apply (the engine records the deltas)
        pairs += [(readable("dE_db1"), t.grad_b1[:-1]), (readable("dE_db2"), t.grad_b2[:-1])]
    worst = max(np.max(np.abs(a - b)) for a, b in pairs)
    assert worst <= 1e-15, worst
    assert not np.array_equal(t.w1[0], t.w1[-1])  # it trained


def test_alternating_equals_the_plain_loop():
    """Ten alternating updates of the post's network, against the plain-Python loop's formulas."""
    t = training.train("alternating", 10)
    w = plain_loop.W
    for _ in range(10):
        w = plain_loop.update(w, "alternating")
    np.testing.assert_allclose(np.concatenate([t.w1[-1].ravel(), t.w2[-1].ravel()]), w, rtol=0, atol=1e-15)
    assert not np.allclose(w, plain_loop.trajectory("sequential", 10)[-1][0], rtol=0, atol=1e-9)


@pytest.mark.parametrize("biases", worked_example.BIAS_POLICIES)
def test_alternating_is_block_coordinate_descent(biases):
    """Its hidden-layer step is the gradient of E with respect to W1 (and b1) at the updated W2
    and b2, by central differences: Gauss–Seidel over the two layers."""
    eta, b1, b2 = 3.0, np.array([0.35, 0.2]), np.array([0.6, 0.1])
    if biases != "per-neuron":
        b1, b2 = b1[0], b2[0]
    t = training.train("alternating", 1, eta, biases=biases, b1=b1, b2=b2)
    w2_new, b2_new, w1 = t.w2[1], t.b2[1], t.w1[0]

    def E(w1, b1):
        h = [1 / (1 + math.exp(-(w1[i][0] * 0.05 + w1[i][1] * 0.10 + b1[i]))) for i in range(2)]
        y = [1 / (1 + math.exp(-(w2_new[o][0] * h[0] + w2_new[o][1] * h[1] + b2_new[o]))) for o in range(2)]
        return 0.5 * ((0.01 - y[0]) ** 2 + (0.99 - y[1]) ** 2)

    step = 1e-5  # central differences: truncation ~ step², rounding ~ 1e-16 E / step, both below 1e-10
    numeric = np.zeros((2, 2))
    for i, j in itertools.product(range(2), range(2)):
        up, down = w1.copy(), w1.copy()
        up[i, j] += step
        down[i, j] -= step
        numeric[i, j] = (E(up, t.b1[0]) - E(down, t.b1[0])) / (2 * step)
    np.testing.assert_allclose(t.grad_w1[0], numeric, rtol=0, atol=1e-10)
    np.testing.assert_allclose(t.w1[1], w1 - eta * numeric, rtol=0, atol=1e-9)
    sequential = training.train("sequential", 1, eta, biases=biases, b1=b1, b2=b2)
    assert np.abs(sequential.grad_w1[0] - numeric).max() > 1e-7  # which the sequential step is not
    if biases == "per-neuron":
        for i in range(2):
            up, down = t.b1[0].copy(), t.b1[0].copy()
            up[i] += step
            down[i] -= step
            assert abs(t.grad_b1[0][i] - (E(w1, up) - E(w1, down)) / (2 * step)) <= 1e-10
