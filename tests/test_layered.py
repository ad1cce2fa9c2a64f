"""The layered engine (backprop/layered.py) computes backpropagation right, checked against references from outside it.

What it proves, test by test:
  - backward() is the gradient: central finite differences of a loss written out here, for
    every activation, output, loss and bias setting;
  - on the post's 2-2-2 network it follows worked_example.step in every order (tests/test_engines.py);
  - its sequential and alternating orders at depth 3 are plain NumPy loops written in the test;
  - its Adam is two steps worked out by hand;
  - training counts epochs from 0, stops at its target, and names the epoch it diverged in;
  - its tanh and tanh' agree with Python's math.tanh and math.cosh from 1e-300 to 1e308.
"""

import itertools
import math

import numpy as np
import pytest

from backprop import layered, optimizers


def total_error(y, t, loss):
    """The loss, written out independently of layered.py."""
    sse = np.sum((t - y) ** 2)
    return 0.5 * sse if loss == "half-sse" else 0.5 * sse / len(t)


@pytest.mark.parametrize(
    "activation, output, loss, train_biases",
    list(itertools.product(layered.HIDDEN_ACTIVATIONS, layered.OUTPUT_ACTIVATIONS, layered.LOSSES, [True, False])),
)
def test_backward_equals_central_differences(activation, output, loss, train_biases):
    rng = np.random.default_rng(42)
    net = layered.Network([3, 4, 3, 2], activation, output, init="uniform", rng=rng, train_biases=train_biases)
    X, t = rng.uniform(-1, 1, (5, 3)), rng.uniform(0.1, 0.9, (5, 2))
    nabla = layered.backward(net, layered.forward(net, X), t, loss)

    h, theta = 1e-5, net.params
    fd = np.zeros_like(theta)
    for i in range(theta.size):
        saved = theta[i]
        theta[i] = saved + h
        up = total_error(layered.predict(net, X), t, loss)
        theta[i] = saved - h
        down = total_error(layered.predict(net, X), t, loss)
        theta[i] = saved
        fd[i] = (up - down) / (2 * h)
    _, nabla_b = net.views(nabla)
    _, fd_b = net.views(fd)
    if not train_biases:  # the gradient of a fixed bias is not computed (left 0), so no optimizer moves it
        assert all(np.all(b == 0) for b in nabla_b)
        for b, f in zip(nabla_b, fd_b, strict=True):
            b[...] = f  # compare the rest
    assert np.linalg.norm(nabla - fd) <= 1e-7 * np.linalg.norm(fd)
    np.testing.assert_allclose(nabla, fd, rtol=1e-7, atol=1e-9)


TANH_POINTS = [0.0] + [s * z for z in (1e-300, 1e-12, 1e-9, 1e-3, 0.5, 3.0, 20.0, 400.0, 1e308) for s in (1, -1)]


@pytest.mark.parametrize("out_is_z", [False, True], ids=["into a strided view", "in place"])
def test_tanh_is_math_tanh_to_a_few_ulps_from_1e_300_to_1e308(out_is_z):
    """Relative accuracy near 0 (where 2/(1 + e^(−2z)) − 1 loses it: 8e-8 at 1e-9), ±1 and no NaN at any finite z."""
    z = np.array(TANH_POINTS)[:, None]  # one column per unit, one row per point
    expected = np.array([math.tanh(v) for v in TANH_POINTS])  # the C library's tanh, independent of NumPy
    # in place, or as forward() writes it: into a Workspace input [a | 1], beside its column of ones
    out = z if out_is_z else np.ones((len(z), 2))[:, :-1]
    with np.errstate(all="raise"):  # no overflow, no invalid operation, at any of them
        a = layered.activate("tanh", z, out=out).ravel().copy()
    ulps = np.abs(a - expected) / np.spacing(np.abs(expected))
    assert np.all(ulps <= 4), dict(zip(TANH_POINTS, ulps, strict=True))
    for v, mine, theirs in zip(TANH_POINTS, a, expected, strict=True):
        if abs(theirs) in (0.0, 1.0):  # 0 at 0; ±1 from |z| ≈ 19.1 on, as math.tanh
            assert mine == theirs, (v, mine)
    assert a[TANH_POINTS.index(1e-9)] == pytest.approx(1e-9, rel=1e-15)  # tanh z = z − z³/3 + …


def test_tanh_derivative_from_the_output_is_one_over_cosh_squared():
    """1 − a² against sech² z = 1/cosh² z from math.cosh: to within a few ulps of 1, absolutely
    (taken from a, it cannot resolve sech² below about 1e-16), exactly 1 near 0 and 0 where a = ±1."""
    z = np.array(TANH_POINTS)
    with np.errstate(all="raise", under="ignore"):  # a² underflows at a = 1e-300, harmlessly
        a = layered.activate("tanh", z.copy(), out=np.empty_like(z))
        fprime = layered.derivative_from_output("tanh", a, out=np.empty_like(z))
    sech2 = np.array([(1.0 / math.cosh(v)) ** 2 if abs(v) < 700 else 0.0 for v in TANH_POINTS])  # cosh(1e308) overflows
    np.testing.assert_allclose(fprime, sech2, rtol=0, atol=4 * np.finfo(float).eps)
    for v, d in zip(TANH_POINTS, fprime, strict=True):
        if abs(v) <= 1e-9:  # 1 − z² rounds to 1
            assert d == 1.0, (v, d)
        if abs(v) >= 20:  # a = ±1 exactly
            assert d == 0.0, (v, d)
    assert np.all((0.0 <= fprime) & (fprime <= 1.0))


def plain_forward(X, W, b) -> list:
    """The activations of a tanh, tanh, linear network, layer by layer (the tests' own forward pass)."""
    a = [X]
    for k in range(len(W)):
        z = a[-1] @ W[k] + b[k]
        a.append(np.tanh(z) if k < len(W) - 1 else z)
    return a


def test_sequential_order_at_depth_three_equals_a_plain_loop():
    """Last layer first; each lower delta uses the already-updated weights above it."""
    rng = np.random.default_rng(7)
    X, t = rng.uniform(-1, 1, (6, 3)), rng.uniform(-1, 1, (6, 2))
    net = layered.Network([3, 5, 4, 2], "tanh", "linear", init="uniform", rng=rng)
    W, b = [w.copy() for w in net.weights], [v.copy() for v in net.biases]
    eta = 0.1
    layered.train(net, X, t, optimizers.SGD(net.params.size, eta), epochs=3, batch_size=6, loss="half-sse",
              order="sequential", shuffle=False)  # fmt: skip
    for _ in range(3):
        a = plain_forward(X, W, b)
        delta = a[3] - t
        for k in (2, 1, 0):
            W[k] = W[k] - eta * a[k].T @ delta
            b[k] = b[k] - eta * delta.sum(axis=0)
            if k:
                delta = (delta @ W[k].T) * (1 - a[k] ** 2)  # W[k] already updated
    for mine, theirs in zip(net.weights + net.biases, W + b, strict=True):
        np.testing.assert_allclose(mine, theirs, rtol=0, atol=1e-13)


def test_alternating_order_at_depth_three_equals_a_plain_loop():
    """Top layer first; before each lower layer's step, the forward pass and the deltas above it again,
    at the updated weights: block-coordinate descent, layer by layer."""
    rng = np.random.default_rng(8)
    X, t = rng.uniform(-1, 1, (5, 3)), rng.uniform(-1, 1, (5, 2))
    net = layered.Network([3, 4, 3, 2], "tanh", "linear", init="uniform", rng=rng)
    W, b = [w.copy() for w in net.weights], [v.copy() for v in net.biases]
    eta = 0.1
    layered.train(net, X, t, optimizers.SGD(net.params.size, eta), epochs=3, batch_size=5, loss="half-sse",
                  order="alternating", shuffle=False)  # fmt: skip
    for _ in range(3):
        for k in (2, 1, 0):
            a = plain_forward(X, W, b)  # the forward pass at the weights as they stand
            delta = a[3] - t
            for j in range(2, k, -1):
                delta = (delta @ W[j].T) * (1 - a[j] ** 2)
            W[k] = W[k] - eta * a[k].T @ delta
            b[k] = b[k] - eta * delta.sum(axis=0)
    for mine, theirs in zip(net.weights + net.biases, W + b, strict=True):
        np.testing.assert_allclose(mine, theirs, rtol=0, atol=1e-13)


def test_adam_two_steps_by_hand():
    # η = 0.1, β1 = 0.9, β2 = 0.999, ε = 1e-8, θ0 = [1, −2], gradients g1 = [0.5, −0.1], g2 = [0.2, 0.3].
    # Step 1: m = 0.1 g1 = [0.05, −0.01], v = 0.001 g1² = [0.00025, 0.00001];
    #   m̂ = m / 0.1 = g1, v̂ = v / 0.001 = g1², θ1 = θ0 − 0.1 g1 / (|g1| + 1e-8)
    #   = [1 − 0.1 · 0.5/0.50000001, −2 + 0.1 · 0.1/0.10000001] = [0.9000000019999999600, −1.9000000099999990000].
    # Step 2: m = 0.9 m + 0.1 g2 = [0.065, 0.021], v = 0.999 v + 0.001 g2² = [0.00028975, 0.00009999];
    #   m̂ = m / (1 − 0.81) = [0.34210526315789474, 0.11052631578947368],
    #   v̂ = v / (1 − 0.998001) = [0.14494747373686843, 0.05002001000500250],
    #   θ2 = θ1 − 0.1 m̂ / (√v̂ + 1e-8) = [0.81014248390292759, −1.94941899112006579].
    theta = np.array([1.0, -2.0])
    adam = optimizers.Adam(2, learning_rate=0.1)
    expected = [[0.9000000019999999600, -1.9000000099999990000], [0.81014248390292759, -1.94941899112006579]]
    for g, after in zip([[0.5, -0.1], [0.2, 0.3]], expected, strict=True):
        adam.begin_step()
        adam.update(theta, np.array(g))
        np.testing.assert_allclose(theta, after, rtol=1e-14)
    np.testing.assert_allclose(adam.m, [0.065, 0.021], rtol=1e-14)
    np.testing.assert_allclose(adam.v, [0.00028975, 0.00009999], rtol=1e-14)


def test_training_stops_at_the_target_and_counts_epochs_from_zero():
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, (64, 2))
    y = X @ np.array([[0.5], [-0.3]])
    net = layered.Network([2, 1], output="linear", rng=0)
    initial_mse = np.mean((X @ net.weights[0] + net.biases[0] - y) ** 2)
    history = layered.train(net, X, y, optimizers.Adam(net.params.size, 0.05), epochs=500, batch_size=16, rng=0,
                        validation=(X, y), target_mse=1e-6)  # fmt: skip
    assert history.stopped == "target"
    assert history.epoch == list(range(history.epochs + 1))
    assert history.validation_mse[-1] <= 1e-6 < min(history.validation_mse[:-1])
    assert history.train_mse[0] == pytest.approx(initial_mse, rel=1e-12)  # epoch 0: the initial weights
    assert history.epochs < 500


def test_divergence_raises_naming_the_epoch():
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, (32, 3))
    net = layered.Network([3, 8, 1], "tanh", rng=0)
    with pytest.raises(layered.TrainingDiverged, match="epoch 1:"):
        layered.train(net, X, X[:, :1], optimizers.SGD(net.params.size, 1e100), epochs=5, batch_size=8, rng=0)


def test_bad_arguments_to_the_engine():
    with pytest.raises(ValueError):
        layered.Network([3, 0, 1])
    with pytest.raises(ValueError):
        layered.Network([3, 1], activation="softsign")
    net = layered.Network([3, 1])
    with pytest.raises(ValueError):
        layered.train(net, np.zeros((4, 3)), np.zeros(4), optimizers.SGD(4, 0.1), epochs=1, batch_size=5)
    with pytest.raises(ValueError):
        layered.Trainer(net, optimizers.SGD(4, 0.1), loss="l1")
