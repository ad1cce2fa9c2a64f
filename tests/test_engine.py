"""Where the single-network engine (scalar.run, through training.train) hands an update to the NumPy
engine (engine.FastNetwork): a saturated sigmoid, divergence; and the alternating order against a plain
loop and finite differences. Both engines against the reference, update by update, for every order,
bias policy and loss: tests/test_engines.py."""

import itertools
import math

import numpy as np
import plain_loop
import pytest

from backprop import engine, training, worked_example


def random_network(seed: int, biases: str) -> dict:
    """Weights, biases and targets drawn from a seeded generator (a shared bias is one number)."""
    rng = np.random.default_rng(seed)
    network = dict(w1=rng.normal(0, 1, (2, 2)), w2=rng.normal(0, 1, (2, 2)), target=rng.uniform(0, 1, 2),
                   x=rng.uniform(-1, 1, 2), b1=rng.normal(0, 1, 2), b2=rng.normal(0, 1, 2))  # fmt: skip
    if biases != "per-neuron":
        network["b1"], network["b2"] = network["b1"][0], network["b2"][0]
    return network


def assert_close(actual, expected):
    """Relative 1e-12 with an absolute floor of 1e-15: math.exp and np.exp may differ in the last digit,
    and so may a sum of products in NumPy's dot and in plain Python."""
    actual, expected = np.asarray(actual), np.asarray(expected)
    worst = np.max(np.abs(actual - expected) / np.maximum(1e-12 * np.abs(expected), 1e-15))
    assert worst <= 1.0, f"{worst:.3g} times the tolerance"


def numpy_engine(order, iterations, learning_rate, biases="fixed", **network):
    """The weights after training with FastNetwork alone, update by update (training.advance), or
    the TrainingDiverged it raised: how train() ran before the scalar engine."""
    net = engine.FastNetwork(learning_rate, biases, "half-sse", network["w1"], network["w2"], network["b1"],
                             network["b2"], network["x"], network["target"])  # fmt: skip
    with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
        try:
            try:
                net.forward()
            except FloatingPointError:
                training.saturated_forward(net, 0)
            training.advance(net, engine.UPDATES[order], 0, iterations)
        except training.TrainingDiverged as exc:
            return exc
    return net.state[:16].copy()


def final_state(t):
    """FastNetwork's state of t's last row: [W1 | b1], [W2 | b2], out_o, out_h."""
    layers = [np.column_stack([t.w1[-1], t.b1[-1]]), np.column_stack([t.w2[-1], t.b2[-1]]), t.output[-1], t.hidden[-1]]
    return np.concatenate([np.ravel(a) for a in layers])


def test_divergence_at_the_same_update_with_the_same_message():
    """Against FastNetwork alone, on networks that train, saturate or overflow (in each order at learning
    rates up to 1.5e308: the sequential and parallel orders overflow, the alternating one saturates first)."""
    outcomes = set()
    etas = [3.0, 1e300, 1.5e308]
    grid = itertools.product(worked_example.ALL_ORDERS, range(3), [1, 30], worked_example.BIAS_POLICIES, etas)
    for order, seed, scale, biases, eta in grid:
        network = random_network(100 + seed, biases)
        network["w1"], network["w2"] = scale * network["w1"], scale * network["w2"]  # 30: saturated
        if seed == 2:  # out_o about 0.5, a large delta_h x: the parallel step overflows too
            steep = scale * np.array([[20.0, -20.0], [-20.0, 20.0]])
            network.update(w1=network["w1"] / 100, w2=steep, x=np.full(2, 4.0), b2=0.0)
            network["b1"] = np.zeros(2) if biases == "per-neuron" else 0.0
        before = numpy_engine(order, 20, eta, biases, **network)
        try:
            t = training.train(order, 20, eta, biases=biases, **network)
        except training.TrainingDiverged as exc:
            assert isinstance(before, training.TrainingDiverged), (seed, biases, eta)
            assert (exc.at, str(exc)) == (before.at, str(before))
            outcomes.add((order, "diverged"))
        else:
            assert not isinstance(before, training.TrainingDiverged), (seed, biases, eta, str(before))
            assert_close(final_state(t), before)
            outcomes.add((order, "trained"))
    assert {(o, "trained") for o in worked_example.ALL_ORDERS} < outcomes
    assert {("parallel", "diverged"), ("sequential", "diverged")} < outcomes


def test_a_saturated_sigmoid_is_handed_to_the_numpy_engine(monkeypatch):
    """e^(−net) overflows in the forward pass: that update is FastNetwork's, which takes σ from
    e^net / (1 + e^net) (σ(−800) is about 1e-348, 0 to double precision); the run goes on."""
    handed = []
    advance = training.advance
    monkeypatch.setattr(training, "advance", lambda *args: handed.append(args[2]) or advance(*args))
    w1 = np.array([[-14400.0, 0.2], [0.25, 0.3]])  # net_h1 about −720: e^720 overflows
    network = dict(w1=w1, w2=worked_example.W2_INIT, b1=0.35, b2=0.6, x=worked_example.INPUT,
                   target=worked_example.TARGET)  # fmt: skip
    t = training.train("parallel", 30, 0.5, **network)
    assert handed == list(range(30)) and 0 < t.hidden[-1][0] < 1e-300 and np.isfinite(t.w2).all()
    before = numpy_engine("parallel", 30, 0.5, **network)
    assert_close(final_state(t), before)


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
