"""Every engine against the reference (worked_example.step), driven by the capability table
(backprop/capabilities.py): every order × bias policy × loss it supports, on the post's network and
random ones, update by update, each run going on from its own state; and each engine refuses what
the table says it does not support."""

import functools

import numpy as np
import pytest

from backprop import (
    batched,
    capabilities,
    engine,
    exercise,
    general_training,
    layered,
    layouts,
    optimizers,
    training,
    written_out,
)
from backprop import worked_example as we

NETWORKS = 3  # the post's network, then random ones
UPDATES = {"written_out": 4, "general": 4}  # written out, every value is a Line: fewer updates
DEFAULT_UPDATES = 40


def network(seed: int, biases: str) -> dict:
    """The post's network (seed 0) or a random one: weights, biases (one number when not per-neuron),
    inputs, targets and a learning rate."""
    if seed == 0:
        b1, b2 = (np.array([0.35, 0.30]), np.array([0.60, 0.65])) if biases == "per-neuron" else (0.35, 0.60)
        return dict(w1=we.W1_INIT, w2=we.W2_INIT, b1=b1, b2=b2, x=we.INPUT, target=we.TARGET, eta=0.5)
    rng = np.random.default_rng(seed)
    net = dict(w1=rng.normal(0, 1, (2, 2)), w2=rng.normal(0, 1, (2, 2)), b1=rng.normal(0, 1, 2),
               b2=rng.normal(0, 1, 2), x=rng.uniform(-1, 1, 2), target=rng.uniform(0, 1, 2),
               eta=float(rng.uniform(0.5, 3.0)))  # fmt: skip
    if biases != "per-neuron":
        net["b1"], net["b2"] = float(net["b1"][0]), float(net["b2"][0])
    return net


@functools.cache
def reference(order, biases, loss, seed, updates):
    """worked_example.step, updates times: the Step of each."""
    n = network(seed, biases)
    w1, w2, b1, b2, steps = n["w1"], n["w2"], n["b1"], n["b2"], []
    for _ in range(updates):
        s = we.step(order, w1, w2, b1, b2, learning_rate=n["eta"], biases=biases, loss=loss, x=n["x"],
                    target=n["target"])  # fmt: skip
        steps.append(s)
        w1, w2, b1, b2 = s.w1, s.w2, s.b1, s.b2
    return steps


# Each runner trains the network and returns what it records, by the Step's names, one row per update:
# w1, w2, b1, b2 after it; E_total, dE_dW1, dE_dW2, dE_db1, dE_db2 at the weights before it.


def run_scalar(order, biases, loss, n, updates):
    t = training.train(order, updates, n["eta"], biases=biases, loss=loss, w1=n["w1"], w2=n["w2"], b1=n["b1"],
                       b2=n["b2"], x=n["x"], target=n["target"])  # fmt: skip
    return dict(w1=t.w1[1:], w2=t.w2[1:], b1=t.b1[1:], b2=t.b2[1:], E_total=t.error[:-1], dE_dW1=t.grad_w1[:-1],
                dE_dW2=t.grad_w2[:-1], dE_db1=t.grad_b1[:-1], dE_db2=t.grad_b2[:-1])  # fmt: skip


def run_numpy(order, biases, loss, n, updates):
    net = engine.FastNetwork(n["eta"], biases, loss, n["w1"], n["w2"], n["b1"], n["b2"], n["x"], n["target"])
    rows = {name: [] for name in ("w1", "w2", "b1", "b2", "E_total", "dE_dW1", "dE_dW2")}
    net.forward()
    for _ in range(updates):
        rows["E_total"].append(net.error())
        engine.UPDATES[order](net)
        net.forward()
        for name, (W, b) in (("1", layouts.matrices_from_columns(net.W1_b1)),
                             ("2", layouts.matrices_from_columns(net.W2_b2))):  # fmt: skip
            rows["w" + name].append(W.copy()), rows["b" + name].append(b.copy())
        rows["dE_dW1"].append(layouts.matrices_from_columns(net.dE_dW1_b1)[0].copy())
        rows["dE_dW2"].append(layouts.matrices_from_columns(net.dE_dW2_b2)[0].copy())
    return {name: np.array(v) for name, v in rows.items()}


def run_batched(order, biases, loss, n, updates):
    b1, b2 = np.broadcast_to(n["b1"], (2,)), np.broadcast_to(n["b2"], (2,))
    r = batched.train_many(updates, [n["eta"]], order=order, biases=biases, loss=loss, w1=n["w1"][None],
                           w2=n["w2"][None], b1=b1[None], b2=b2[None], x=n["x"][None], target=n["target"][None],
                           thresholds=(), rises=False, checkpoints=range(updates + 1), workers=1)  # fmt: skip
    (w1, w2, b1, b2) = (a[0] for a in layouts.matrices_from_batched(r.checkpoint_state["params"]))
    return dict(w1=w1[1:], w2=w2[1:], b1=b1[1:], b2=b2[1:], E_total=r.checkpoint_state["E_total"][:-1, 0])


def run_layered(order, biases, loss, n, updates):
    if biases == "shared":
        raise ValueError("the layered engine has no shared bias")  # train_biases: fixed or one per neuron
    net = layered.Network([2, 2, 2], "sigmoid", "sigmoid", train_biases=biases != "fixed",
                          weights=[layouts.fan_in_from_matrices(n["w1"]), layouts.fan_in_from_matrices(n["w2"])],
                          biases=[n["b1"], n["b2"]])  # fmt: skip
    rows = {name: [] for name in ("w1", "w2", "b1", "b2", "E_total")}

    def record(epoch, net, history):
        if epoch:
            rows["w1"].append(layouts.matrices_from_fan_in(net.weights[0]).copy())
            rows["w2"].append(layouts.matrices_from_fan_in(net.weights[1]).copy())
            rows["b1"].append(net.biases[0].copy()), rows["b2"].append(net.biases[1].copy())
        rows["E_total"].append(history.train_mse[-1])  # the mean over two outputs: ½ Σ, the post's E_total

    layered.train(net, n["x"][None], n["target"][None], optimizers.SGD(net.params.size, n["eta"]), epochs=updates,
                  batch_size=1, loss=loss, order=order, shuffle=False, on_epoch=record)  # fmt: skip
    rows["E_total"] = rows["E_total"][:-1]
    return {name: np.array(v) for name, v in rows.items()}


def run_written_out(order, biases, loss, n, updates, general=False):
    ex = exercise.Exercise(tuple(n["x"]), tuple(n["target"]), layouts.flat_from_matrices(n["w1"], n["w2"]),
                           tuple(np.broadcast_to(n["b1"], (2,))), tuple(np.broadcast_to(n["b2"], (2,))), n["eta"],
                           biases, loss)  # fmt: skip
    if general:  # the same exercise, its one row given as a list of rows: general.py writes it out
        ex = exercise.Exercise(**{**ex.__dict__, "inputs": (ex.inputs,), "targets": (ex.targets,)})
        assert ex.is_general()
    v = written_out.values(ex, written_out.plain(ex, order), updates)
    rows = {name: [] for name in ("w1", "w2", "b1", "b2", "E_total")}
    b1, b2 = np.array(ex.b1), np.array(ex.b2)
    for k in range(1, updates + 1):
        W1, W2 = layouts.matrices_from_flat([v[written_out.key(f"w{i}+", k)] for i in range(1, 9)])
        rows["w1"].append(W1), rows["w2"].append(W2)
        if biases != "fixed":
            b1, b2 = (np.array([v[written_out.key(f"{name}+", k)] for name in names])
                      for names in (bias_keys("b1", biases, "h"), bias_keys("b2", biases, "o")))  # fmt: skip
        rows["b1"].append(b1), rows["b2"].append(b2)
        rows["E_total"].append(v[written_out.key("E_total", k)])
    return {name: np.array(rows[name]) for name in rows}


def run_general_training(order, biases, loss, n, updates):
    """The small-network engine on the same exercise in its any-shape form: the state after each update."""
    ex = exercise.Exercise((tuple(n["x"]),), (tuple(n["target"]),), layouts.flat_from_matrices(n["w1"], n["w2"]),
                           tuple(np.broadcast_to(n["b1"], (2,))), tuple(np.broadcast_to(n["b2"], (2,))), n["eta"],
                           biases, loss)  # fmt: skip
    run = general_training.train(ex, order, updates, record_every=1, checkpoints=range(1, updates + 1))
    rows = {name: [] for name in ("w1", "w2", "b1", "b2")}
    for k in range(1, updates + 1):
        weights, layer_biases = general_training.unpack(ex, run.snapshots[k])
        W1, W2 = layouts.matrices_from_flat(weights)
        rows["w1"].append(W1), rows["w2"].append(W2)
        rows["b1"].append(np.broadcast_to(layer_biases.get(1, ex.b1), (2,)))
        rows["b2"].append(np.broadcast_to(layer_biases.get(2, ex.b2), (2,)))
    rows["E_total"] = [e for _, e in run.recorded[:-1]]
    return {name: np.array(v, dtype=float) for name, v in rows.items()}


def bias_keys(layer, biases, letter):
    return (layer, layer) if biases == "shared" else (f"{layer}[{letter}1]", f"{layer}[{letter}2]")


RUNNERS = {
    "scalar": run_scalar,
    "numpy": run_numpy,
    "batched": run_batched,
    "layered": run_layered,
    "written_out": run_written_out,
    "general": functools.partial(run_written_out, general=True),
    "general_training": run_general_training,
}

CASES = [(engine.name, *combination) for engine in capabilities.ENGINES if engine.name in RUNNERS
         for combination in capabilities.combinations() if engine.supports(*combination)]  # fmt: skip
REFUSED = [(engine.name, *combination) for engine in capabilities.ENGINES if engine.name in RUNNERS
           for combination in capabilities.combinations() if not engine.supports(*combination)]  # fmt: skip


def assert_close(actual, expected, what):
    """Relative 1e-11 with an absolute floor of 1e-14: math.exp and np.exp may differ in the last digit,
    and so may a sum of products in NumPy's dot and in plain Python, over a few dozen updates."""
    actual, expected = np.asarray(actual, dtype=float), np.asarray(expected, dtype=float)
    assert actual.shape == expected.shape, (what, actual.shape, expected.shape)
    worst = np.max(np.abs(actual - expected) / np.maximum(1e-11 * np.abs(expected), 1e-14))
    assert worst <= 1.0, f"{what}: {worst:.3g} times the tolerance"


def test_every_engine_of_the_table_is_tested_and_the_reference_runs_everything():
    assert set(RUNNERS) | {"reference"} == set(capabilities.BY_NAME)
    assert len(capabilities.combinations()) == 27 and capabilities.REFERENCE.entry == "worked_example.step"
    for e in capabilities.ENGINES:
        assert e.layout in layouts.LAYOUTS and set(e.orders) <= set(we.ALL_ORDERS)


@pytest.mark.parametrize("name, order, biases, loss", CASES)
def test_the_engine_follows_the_reference(name, order, biases, loss):
    updates = UPDATES.get(name, DEFAULT_UPDATES)
    for seed in range(NETWORKS):
        steps = reference(order, biases, loss, seed, updates)
        ours = RUNNERS[name](order, biases, loss, network(seed, biases), updates)
        assert {"w1", "w2", "b1", "b2", "E_total"} <= set(ours)
        for field, actual in ours.items():
            expected = [np.broadcast_to(getattr(s, field), np.shape(actual)[1:]) for s in steps]
            assert_close(actual, expected, f"{name} {order} {biases} {loss} network {seed}: {field}")
        assert not np.allclose(ours["w1"][-1], network(seed, biases)["w1"], rtol=0, atol=1e-9)  # it trained


@pytest.mark.parametrize("name, order, biases, loss", REFUSED)
def test_the_engine_refuses_what_the_table_leaves_out(name, order, biases, loss):
    with pytest.raises(ValueError, match=r"unknown|no shared|order"):
        RUNNERS[name](order, biases, loss, network(1, biases), 2)


def test_the_layout_conversions_go_there_and_back():
    rng = np.random.default_rng(3)
    W1, W2 = rng.normal(size=(4, 2, 2)), rng.normal(size=(4, 2, 2))
    b1, b2 = rng.normal(size=(4, 2)), rng.normal(size=(4, 2))
    back = layouts.matrices_from_batched(layouts.batched_from_matrices(W1, W2, b1, b2))
    for a, b in zip(back, (W1, W2, b1, b2), strict=True):
        assert np.array_equal(a, b)
    flat = layouts.flat_from_matrices(W1[0], W2[0])
    assert flat[1] == W1[0][0, 1] and flat[6] == W2[0][1, 0]  # w2 = i2→h1, w7 = h1→o2
    assert all(np.array_equal(a, b) for a, b in zip(layouts.matrices_from_flat(flat), (W1[0], W2[0]), strict=True))
    W_b = layouts.columns_from_matrices(W1[0], b1[0])
    assert np.array_equal(layouts.matrices_from_columns(W_b)[0], W1[0]) and np.array_equal(W_b[:, 2], b1[0])
    assert np.array_equal(layouts.matrices_from_fan_in(layouts.fan_in_from_matrices(W1[0])), W1[0])
