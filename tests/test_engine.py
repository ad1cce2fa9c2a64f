"""The fast engine (engine.FastNetwork, through training.train) beside the readable worked
example (worked_example.step), update by update, for every order, bias policy and loss."""

import itertools

import numpy as np
import pytest

from backprop import training, worked_example

SETTINGS = list(itertools.product(worked_example.ORDERS, worked_example.BIAS_POLICIES, worked_example.LOSSES))
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
