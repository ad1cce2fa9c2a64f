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
    w1, w2, b1 = worked_example.W1_INIT, worked_example.W2_INIT, worked_example.B1_INIT
    b2 = worked_example.B2_INIT
    worst = 0.0
    for k in range(UPDATES):
        s = worked_example.step(order, w1, w2, b1, b2, learning_rate=eta, biases=biases, loss=loss)
        pairs = [
            (s.out_h, t.hidden[k]), (s.out_o, t.output[k]), (s.E_total, t.error[k]),
            (s.dE_dW2, t.grad_w2[k]), (s.dE_dW1, t.grad_w1[k]),
            (s.w1, t.w1[k + 1]), (s.w2, t.w2[k + 1]), (s.b1, t.b1[k + 1]), (s.b2, t.b2[k + 1]),
        ]  # fmt: skip
        if biases != "fixed":  # a fixed bias has no gradient to apply (the engine records the deltas)
            pairs += [(s.dE_db1, t.grad_b1[k]), (s.dE_db2, t.grad_b2[k])]
        worst = max(worst, *(np.max(np.abs(np.subtract(a, b))) for a, b in pairs))
        w1, w2, b1, b2 = s.w1, s.w2, s.b1, s.b2  # the readable run goes on from its own state
    assert worst <= 1e-15, worst
    assert not np.array_equal(t.w1[0], t.w1[-1])  # it trained
