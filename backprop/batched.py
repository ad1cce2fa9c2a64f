"""Many 2-2-2 networks trained in lockstep: the batched engine behind sweep.py.

K networks side by side, float64, each with its own learning rate, starting weights,
biases, inputs and targets, update order, bias policy and loss.

Layout: structure of arrays. Each of the post's numbers is a K-vector over the networks,
so that one NumPy call does one formula for all of them (see worked_example.py for the
formulas and where w1..w8 sit). A layer is kept by the columns of [W | b], each a
contiguous (2, K) array, beside its input of the same shape:

    W1_b1 (3, 2, K)  [(w1, w3), (w2, w4), b1]: what multiplies i1, i2 and 1 in (net_h1, net_h2)
    x_1   (3, 2, K)  [(i1, i1), (i2, i2), (1, 1)]
    W2_b2 (3, 2, K)  [(w5, w7), (w6, w8), b2]: what multiplies out_h1, out_h2 and 1 in (net_o1, net_o2)
    out_h_1 (3, 2, K) [(out_h1, out_h1), (out_h2, out_h2), (1, 1)]
    out_h, out_o, delta_o, delta_h (2, K); E_total (K,)

so that net = Σ_j [W | b][j] ⊙ input[j] is one multiplication and two additions, and a
layer's step [W | b] ← [W | b] − η delta ⊙ input is three calls (η is 0 in the bias
column of a fixed bias; a shared bias takes Σ delta). A (2, K) operand of the same shape as
the others keeps NumPy on its fastest path, which matters when K is small. Every result
goes into an array allocated once (NumPy's out=). The update orders are worked_example.step's,
in the same steps as the fast engine (engine.py): parallel, sequential, and alternating
(block-coordinate descent: out_o and delta_o recomputed at the new W2 before the
hidden layer's step). tests/test_batched.py holds each network against training.train.

What it records per network is only what a sweep needs (memory O(K)): the first
iteration at or below each threshold, the final error, the first iteration at which the
error rises, the iteration at which it diverged (a weight or the error not finite; a
saturated sigmoid is not divergence), and optionally every k-th error of a few chosen
networks. Iteration N is the state after N updates; iteration 0 the initial weights.

The networks are cut into blocks of at most BLOCK (a fixed cut, whatever the number of
workers), and worker processes take blocks (forked: backprop/workers.py), so that the
results are the same for any number of workers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy import add, exp, greater, less_equal, multiply, negative, reciprocal, subtract

from backprop import layouts, training
from backprop import workers as workers_pool
from backprop.worked_example import (
    ALL_ORDERS,
    B1_INIT,
    B2_INIT,
    BIAS_POLICIES,
    INPUT,
    LEARNING_RATE,
    LOSSES,
    TARGET,
    W1_INIT,
    W2_INIT,
    loss_scale,
)
from backprop.workers import WorkerFailed, default_workers, run_in_processes  # noqa: F401  (the pool's names, as before)

THRESHOLDS = (1e-2, 1e-3, 1e-4, 1e-5)
BLOCK = 8192  # at most this many networks per block: the working arrays of a block stay in the cache
CHECK_EVERY = 32  # updates between divergence checks (a diverged block is replayed from the last check)
NOT_REACHED = -1  # in the integer results: no such iteration


@dataclass(frozen=True)
class ManyResult:
    """What train_many records, per network (the last axis, K networks, in the order given).

    first_at_or_below[j, k]: the first iteration at which network k's error is at or below
    thresholds[j] (NOT_REACHED: never, within the run or before it diverged); first_rise_at:
    the first iteration N >= 1 with E(N) > E(N − 1); diverged_at: the first iteration at
    which a weight, a bias or the error is not finite; final_error: E after `iterations`
    updates (NaN for a diverged network); trace_error[m, r]: the error of network
    trace_networks[m] at iteration trace_iterations[r] (NaN from its divergence on).
    """

    iterations: int
    thresholds: tuple[float, ...]
    first_at_or_below: np.ndarray  # (len(thresholds), K) int64
    final_error: np.ndarray  # (K,)
    first_rise_at: np.ndarray  # (K,) int64
    diverged_at: np.ndarray  # (K,) int64
    trace_networks: np.ndarray  # (M,) int64
    trace_iterations: np.ndarray  # (R,) int64
    trace_error: np.ndarray  # (M, R)
    checkpoints: np.ndarray  # (C,) int64
    checkpoint_state: dict  # "params" (C, 12, K) as Lockstep.params, "out_o" (C, 2, K), "E_total" (C, K)

    def state(self, k: int) -> Checkpoints:
        """Network k at the checkpoints: its weights, biases, outputs and error."""
        w1, w2, b1, b2 = layouts.matrices_from_batched(self.checkpoint_state["params"][..., k : k + 1])
        return Checkpoints(self.checkpoints, w1[0], w2[0], b1[0], b2[0], self.checkpoint_state["out_o"][..., k],
                           self.checkpoint_state["E_total"][:, k])  # fmt: skip


@dataclass(frozen=True)
class Checkpoints:
    """One network at some iterations, as a training.Trajectory names them (row r: iteration[r])."""

    iteration: np.ndarray  # (C,)
    w1: np.ndarray  # (C, 2, 2)
    w2: np.ndarray  # (C, 2, 2)
    b1: np.ndarray  # (C, 2)
    b2: np.ndarray  # (C, 2)
    output: np.ndarray  # (C, 2)
    error: np.ndarray  # (C,)

    def row(self, n: int) -> int:
        """The row of iteration n; KeyError when it was not kept."""
        return training.row_of(self.iteration, n)


def per_network(value, k: int, names: tuple, what: str) -> np.ndarray:
    """A name given once or once per network, as K small integer codes (its index in names)."""
    if isinstance(value, str):
        values, inverse = np.array([value]), np.zeros(k, dtype=np.int64)
    else:
        a = np.asarray(value)
        if a.shape != (k,):
            raise ValueError(f"{what} must be one name or {k}, not {a.shape}")
        values, inverse = np.unique(a, return_inverse=True)
    for v in values:
        if v not in names:
            raise ValueError(f"unknown {what} {str(v)!r}; choose one of {', '.join(names)}")
    return np.array([names.index(v) for v in values], dtype=np.int8)[inverse]


def as_columns(value, k: int, shape: tuple, name: str) -> np.ndarray:
    """value broadcast to (k, *shape) floats, then laid out network-last: (*shape, k)."""
    a = np.asarray(value, dtype=float)
    if a.ndim == len(shape) + 1 and a.shape[0] != k:
        raise ValueError(f"{name} gives {a.shape[0]} networks, not {k}")
    try:
        a = np.broadcast_to(a, (k, *shape))
    except ValueError:
        raise ValueError(f"{name} must have shape {shape} or ({k}, {', '.join(map(str, shape))})") from None
    if not np.isfinite(a).all():
        raise ValueError(f"{name} must be finite")
    return np.ascontiguousarray(np.moveaxis(a, 0, -1))


def count_networks(learning_rate, w1, w2, b1, b2, x, target, order, biases, loss) -> int:
    """K: the length of the first axis of whatever is given per network (1 when nothing is)."""
    sizes = set()
    for value, ndim in ((learning_rate, 0), (w1, 2), (w2, 2), (x, 1), (target, 1)):
        a = np.asarray(value)
        if a.ndim == ndim + 1:
            sizes.add(a.shape[0])
    for value in (b1, b2):
        a = np.asarray(value)
        if a.ndim == 2 or (a.ndim == 1 and a.shape[0] != 2):
            sizes.add(a.shape[0])
    for value in (order, biases, loss):
        if not isinstance(value, str):
            sizes.add(len(value))
    if len(sizes) > 1:
        raise ValueError(f"the per-network settings disagree on the number of networks: {sorted(sizes)}")
    return sizes.pop() if sizes else 1


def bias_columns(b, k: int, name: str, biases: np.ndarray) -> np.ndarray:
    """A bias given as a number, a 2-vector, K numbers or K 2-vectors, as (2, K) per neuron."""
    a = np.asarray(b, dtype=float)
    if a.ndim == 1 and a.shape[0] == k and k != 2:
        a = np.repeat(a[:, None], 2, axis=1)  # one number per network
    elif a.ndim == 0:
        a = np.full(2, float(a))
    columns = as_columns(a, k, (2,), name)
    shared = biases == BIAS_POLICIES.index("shared")  # fixed biases may differ per neuron, as in train()
    if (shared & (columns[0] != columns[1])).any():
        raise ValueError(f"{name} must be one number for the networks whose biases are shared")
    return columns


def check_thresholds(thresholds) -> tuple[float, ...]:
    values = tuple(float(t) for t in thresholds or ())
    if not all(0 < t < 1 for t in values):
        raise ValueError(f"thresholds must lie in (0, 1), not {thresholds!r}")
    if len(set(values)) != len(values):
        raise ValueError(f"thresholds must not repeat: {thresholds!r}")
    return values


def train_many(
    iterations: int,
    learning_rate=LEARNING_RATE,
    *,
    order="parallel",
    biases="fixed",
    loss="half-sse",
    w1=W1_INIT,
    w2=W2_INIT,
    b1=B1_INIT,
    b2=B2_INIT,
    x=INPUT,
    target=TARGET,
    thresholds=THRESHOLDS,
    rises: bool = True,
    trace=(),
    trace_every: int = 1,
    checkpoints=(),
    workers: int | None = None,
    on_progress=None,
) -> ManyResult:
    """Train K networks for `iterations` updates each, in lockstep, and record what a sweep needs.

    Each setting is given once for all networks or once per network (first axis K):
    learning_rate (K,), w1 and w2 (K, 2, 2), b1 and b2 a number, K numbers or (K, 2),
    x and target (K, 2), order, biases and loss a name or K names. thresholds: the error
    levels whose first iteration is recorded (may be empty); rises: whether to record the
    first rise. trace: the indices of networks whose error is recorded at iterations 0,
    trace_every, 2 trace_every, ... and the last. checkpoints: iterations at which every
    network's weights, biases, outputs and error are kept (ManyResult.state). workers:
    processes (default: all cores); the results do not depend on it. on_progress(networks): how
    many networks are trained, after each block (a progress bar's).
    """
    if isinstance(iterations, bool) or not isinstance(iterations, int) or iterations < 0:
        raise ValueError(f"iterations must be a whole number >= 0, not {iterations!r}")
    if isinstance(trace_every, bool) or not isinstance(trace_every, int) or trace_every < 1:
        raise ValueError(f"trace_every must be a whole number >= 1, not {trace_every!r}")
    thresholds = check_thresholds(thresholds)
    k = count_networks(learning_rate, w1, w2, b1, b2, x, target, order, biases, loss)
    orders = per_network(order, k, ALL_ORDERS, "order")
    policies = per_network(biases, k, BIAS_POLICIES, "bias policy")
    losses = per_network(loss, k, tuple(LOSSES), "loss")
    eta = as_columns(learning_rate, k, (), "learning_rate")
    if not (eta > 0).all():
        raise ValueError("learning rates must be positive")
    inputs = {
        "eta": eta,
        "W1": as_columns(w1, k, (2, 2), "w1"),
        "W2": as_columns(w2, k, (2, 2), "w2"),
        "b1": bias_columns(b1, k, "b1", policies),
        "b2": bias_columns(b2, k, "b2", policies),
        "x": as_columns(x, k, (2,), "x"),
        "target": as_columns(target, k, (2,), "target"),
    }
    trace = np.unique(np.asarray(trace, dtype=np.int64))
    if trace.size and not (0 <= trace[0] and trace[-1] < k):
        raise ValueError(f"trace names networks outside 0..{k - 1}")
    trace_iterations = np.array(sorted({*range(0, iterations + 1, trace_every), iterations}), dtype=np.int64)
    checkpoints = np.array(sorted({int(n) for n in checkpoints}), dtype=np.int64)
    if checkpoints.size and not (0 <= checkpoints[0] and checkpoints[-1] <= iterations):
        raise ValueError(f"checkpoints must lie in 0..{iterations}")
    result = ManyResult(
        iterations, thresholds,
        first_at_or_below=np.full((len(thresholds), k), NOT_REACHED, dtype=np.int64),
        final_error=np.full(k, np.nan),
        first_rise_at=np.full(k, NOT_REACHED, dtype=np.int64),
        diverged_at=np.full(k, NOT_REACHED, dtype=np.int64),
        trace_networks=trace, trace_iterations=trace_iterations,
        trace_error=np.full((trace.size, trace_iterations.size), np.nan),
        checkpoints=checkpoints,
        checkpoint_state={"params": np.full((checkpoints.size, 12, k), np.nan),
                          "out_o": np.full((checkpoints.size, 2, k), np.nan),
                          "E_total": np.full((checkpoints.size, k), np.nan)},
    )  # fmt: skip

    inputs["order"], inputs["biases"] = orders, policies
    inputs["c"] = np.array([loss_scale(name, 2) for name in LOSSES])[losses]
    # Blocks of networks in the order given (a sweep lists each order's networks together, so
    # that most blocks have one order, bias policy and loss, and take the paths without masks).
    # An even number of equal blocks (from 2 × 1024 networks on), so that two workers share them evenly;
    # the cut depends on K only, never on the number of workers.
    blocks = -(-k // BLOCK)
    if blocks % 2 and k >= 2048:
        blocks += 1
    tasks = np.array_split(np.arange(k), blocks)

    def train_block(members) -> dict:  # one block at a time: memory O(BLOCK) beyond the settings and records
        net = Lockstep({name: a[..., members] for name, a in inputs.items()})
        records = Records(net.k, thresholds, rises, np.flatnonzero(np.isin(members, trace)), trace_iterations,
                          checkpoints)  # fmt: skip
        return run_block(net, records, iterations)

    workers = default_workers() if workers is None else workers
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ValueError(f"workers must be a whole number >= 1, not {workers!r}")
    shares = [tasks[i::workers] for i in range(min(workers, len(tasks)))]  # round robin, the same cut for any N
    records = workers_pool.run_shares(shares, train_block, on_progress)
    for share, share_records in zip(shares, records, strict=True):
        for members, block_records in zip(share, share_records, strict=True):
            result.first_at_or_below[:, members] = block_records["first_at_or_below"]
            result.final_error[members] = block_records["final_error"]
            result.first_rise_at[members] = block_records["first_rise_at"]
            result.diverged_at[members] = block_records["diverged_at"]
            if block_records["trace_error"].size:
                rows = np.searchsorted(result.trace_networks, members[block_records["trace"]])
                result.trace_error[rows] = block_records["trace_error"]
            for name in ("params", "out_o", "E_total"):
                result.checkpoint_state[name][..., members] = block_records["checkpoints"][name]
    return result


class Layer:
    """One layer's arrays, and the views of them that the steps use, made once: on a few networks
    slicing an array costs about as much as a NumPy call. [W | b] (3, 2, K) and its input,
    net, out, dout/dnet and delta (2, K), and a buffer for W ⊙ input and for the step."""

    def __init__(self, W_b, layer_input, learning_rates, k: int):
        self.W_b, self.W, self.b = W_b, W_b[0:2], W_b[2]
        self.input, self.input_w = layer_input, layer_input[0:2]
        self.learning_rates, self.learning_rates_w = learning_rates, learning_rates[0:2]
        self.net, self.out, self.dout_dnet = np.empty((2, k)), np.empty((2, k)), np.empty((2, k))
        self.delta = np.empty((2, k))
        self.delta_1, self.delta_2 = self.delta[0], self.delta[1]
        self.products = np.empty((3, 2, k))  # W ⊙ input in the forward pass, η ⊙ dE/d[W | b] in the step
        self.products_w, self.product_1, self.product_2 = self.products[0:2], self.products[0], self.products[1]
        self.bias_gradient, self.bias_gradient_1, self.bias_gradient_2 = (
            self.products[2], self.products[2, 0], self.products[2, 1])  # fmt: skip
        self.bias_sums = np.empty((2, k))  # Σ delta twice, for the networks whose bias is shared
        self.bias_sum_1, self.bias_sum_2 = self.bias_sums[0], self.bias_sums[1]


class Lockstep:
    """The math of up to BLOCK networks trained in lockstep; every array has the networks as its last axis.

    Steps, each a method, as engine.FastNetwork's: forward(); output_layer_delta();
    hidden_layer_delta(W2); step() of each layer; error(); update() for one update in each
    network's order. A block whose networks share one order, bias policy and loss takes the
    paths below without masks; a mixed block takes, per network, the W2 and delta_o its order
    uses and the bias step its policy asks.
    """

    def __init__(self, inputs):
        k = inputs["eta"].shape[-1]
        self.k = k
        pair = lambda a: np.ascontiguousarray(np.broadcast_to(a, (2, k)))  # noqa: E731  (K,) -> the same row twice
        orders, policies, c = inputs["order"], inputs["biases"], inputs["c"]  # orders and policies: codes
        parallel, alternating = orders == ALL_ORDERS.index("parallel"), orders == ALL_ORDERS.index("alternating")
        self.order = ALL_ORDERS[orders[0]] if (orders == orders[0]).all() else "mixed"
        self.any_alternating = bool(alternating.any())
        self.parallel_weights = np.ascontiguousarray(np.broadcast_to(parallel, (2, 2, k)))
        self.not_parallel_weights = ~self.parallel_weights
        self.not_alternating = pair(~alternating)
        self.biases = BIAS_POLICIES[policies[0]] if (policies == policies[0]).all() else "mixed"
        self.shared = pair(policies == BIAS_POLICIES.index("shared"))
        # dE/dout_o = c (out_o − t); E = (c/2) Σ (t − out_o)², as worked_example.errors computes it.
        self.scaled = not (c == 1.0).all()
        self.c, self.half_c = pair(c), 0.5 * c

        # The weights and biases: views of one (12, K) array, so that a check or a snapshot is one call.
        self.params = np.empty((12, k))
        self.W1_b1, self.W2_b2 = self.params[0:6].reshape(3, 2, k), self.params[6:12].reshape(3, 2, k)
        self.W1_b1[0:2] = inputs["W1"].transpose(1, 0, 2)  # column j of W1: what multiplies input j
        self.W1_b1[2] = inputs["b1"]
        self.W2_b2[0:2] = inputs["W2"].transpose(1, 0, 2)
        self.W2_b2[2] = inputs["b2"]
        self.W2 = self.W2_b2[0:2]  # [(w5, w7), (w6, w8)]
        self.target = inputs["target"]
        self.x_1 = np.stack([pair(inputs["x"][0]), pair(inputs["x"][1]), np.ones((2, k))])
        self.out_h_1 = np.ones((3, 2, k))  # rows 0 and 1 are written by forward()
        self.one = np.ones((2, k))
        eta = pair(inputs["eta"])
        fixed = pair(policies == BIAS_POLICIES.index("fixed"))
        self.learning_rates = np.stack([eta, eta, np.where(fixed, 0.0, eta)])  # η of [W | b]
        self.hidden = Layer(self.W1_b1, self.x_1, self.learning_rates, k)
        self.output = Layer(self.W2_b2, self.out_h_1, self.learning_rates, k)
        self.out_h, self.dout_h_dnet_h, self.delta_h = self.hidden.out, self.hidden.dout_dnet, self.hidden.delta
        self.out_o, self.dout_o_dnet_o, self.delta_o = self.output.out, self.output.dout_dnet, self.output.delta
        self.out_h_copies = ((self.out_h_1[0], self.out_h[0]), (self.out_h_1[1], self.out_h[1]))
        self.out_minus_target = np.empty((2, k))  # out_o − t
        self.dE_dout_o_h = np.empty((2, 2, k))  # [h][o]: dE_o/dout_h = w(o, h) delta_o
        parts = self.dE_dout_o_h
        self.dE_dout_h_parts = ((parts[0, 0], parts[0, 1], self.delta_h[0]),
                                (parts[1, 0], parts[1, 1], self.delta_h[1]))  # fmt: skip
        self.squares, self.E_total = np.empty((2, k)), np.empty(k)
        self.square_1, self.square_2 = self.squares[0], self.squares[1]
        if self.order == "mixed":
            self.W2_for_hidden = np.empty((2, 2, k))
            self.delta_o_before = np.empty((2, k))

    def layer(self, layer: Layer) -> None:
        """net = W[0] ⊙ input[0] + W[1] ⊙ input[1] + b, out = σ(net), dout/dnet = out (1 − out).

        σ(net) = 1 / (1 + e^(−net)); where e^(−net) overflows, 1 / inf = 0: a saturated sigmoid."""
        net, out, dout_dnet, one = layer.net, layer.out, layer.dout_dnet, self.one
        multiply(layer.W, layer.input_w, layer.products_w)  # (w1 i1, w3 i1), (w2 i2, w4 i2)
        add(layer.product_1, layer.product_2, net)
        add(net, layer.b, net)  # net_h1 = w1*i1 + w2*i2 + b1, net_h2 = w3*i1 + w4*i2 + b1
        negative(net, out)  # out = σ(net) = 1 / (1 + e^(−net))
        exp(out, out)
        add(out, one, out)
        reciprocal(out, out)
        subtract(one, out, dout_dnet)
        multiply(dout_dnet, out, dout_dnet)

    def forward(self) -> None:
        """out_h = σ(W1 x + b1), out_o = σ(W2 out_h + b2), both layers' out (1 − out), and out_o − t."""
        self.layer(self.hidden)
        for pair, out_h in self.out_h_copies:  # (out_h1, out_h1), (out_h2, out_h2): what multiplies W2's columns
            np.copyto(pair, out_h)
        self.forward_output_layer()

    def forward_output_layer(self) -> None:
        """out_o = σ(W2 out_h + b2), out_o (1 − out_o) and out_o − t, with out_h as it stands."""
        self.layer(self.output)
        subtract(self.out_o, self.target, self.out_minus_target)

    def error(self) -> None:
        """E_total = (c/2) Σ_o (t_o − out_o)²."""
        multiply(self.out_minus_target, self.out_minus_target, self.squares)
        add(self.square_1, self.square_2, self.E_total)
        multiply(self.E_total, self.half_c, self.E_total)

    def output_layer_delta(self) -> None:
        """delta_o = c (out_o − t) ⊙ out_o (1 − out_o)."""
        if self.scaled:
            multiply(self.out_minus_target, self.c, self.delta_o)
            multiply(self.delta_o, self.dout_o_dnet_o, self.delta_o)
        else:
            multiply(self.out_minus_target, self.dout_o_dnet_o, self.delta_o)

    def hidden_layer_delta(self, W2) -> None:
        """delta_h = (W2ᵀ delta_o) ⊙ out_h (1 − out_h), with the W2 given ([(w5, w7), (w6, w8)]) and delta_o."""
        multiply(W2, self.delta_o, self.dE_dout_o_h)  # (w5 delta_o1, w7 delta_o2), (w6 delta_o1, w8 delta_o2)
        for from_o1, from_o2, dE_dout_h in self.dE_dout_h_parts:
            add(from_o1, from_o2, dE_dout_h)  # dE/dout_h1 = w5 delta_o1 + w7 delta_o2
        multiply(self.delta_h, self.dout_h_dnet_h, self.delta_h)

    def step(self, layer: Layer) -> None:
        """[W | b] ← [W | b] − η ⊙ dE/d[W | b], dE/dW[:, j] = delta ⊙ input j, dE/db = delta (Σ delta when shared)."""
        if self.biases == "fixed":  # the bias column takes no step: the weights' columns only
            gradient = layer.products_w
            multiply(layer.input_w, layer.delta, gradient)
            multiply(gradient, layer.learning_rates_w, gradient)
            subtract(layer.W, gradient, layer.W)
            return
        gradient = layer.products
        multiply(layer.input, layer.delta, gradient)
        if self.biases == "shared":  # one bias feeds both neurons: dE/db = Σ delta
            add(layer.delta_1, layer.delta_2, layer.bias_gradient_1)
            np.copyto(layer.bias_gradient_2, layer.bias_gradient_1)
        elif self.biases == "mixed":
            add(layer.delta_1, layer.delta_2, layer.bias_sum_1)
            np.copyto(layer.bias_sum_2, layer.bias_sum_1)
            np.copyto(layer.bias_gradient, layer.bias_sums, where=self.shared)
        multiply(gradient, layer.learning_rates, gradient)  # 0 in the bias column of a fixed bias
        subtract(layer.W_b, gradient, layer.W_b)

    def update(self) -> None:
        """One update in each network's order, from the forward pass at the current weights."""
        self.output_layer_delta()
        if self.order == "parallel":  # both deltas at the current weights, then both steps
            self.hidden_layer_delta(self.W2)
            self.step(self.output)
        elif self.order == "mixed":
            np.copyto(self.W2_for_hidden, self.W2, where=self.parallel_weights)  # parallel: the W2 before the step
            self.step(self.output)
            np.copyto(self.W2_for_hidden, self.W2, where=self.not_parallel_weights)  # the others: the W2 after it
            if self.any_alternating:  # delta_o again at the new W2, for the alternating networks only
                np.copyto(self.delta_o_before, self.delta_o)
                self.forward_output_layer()
                self.output_layer_delta()
                np.copyto(self.delta_o, self.delta_o_before, where=self.not_alternating)
            self.hidden_layer_delta(self.W2_for_hidden)
        else:
            self.step(self.output)
            if self.order == "alternating":  # the output layer again at its new weights; out_h unchanged
                self.forward_output_layer()
                self.output_layer_delta()
            self.hidden_layer_delta(self.W2)  # with the new W2 (sequential: and the old delta_o)
        self.step(self.hidden)


class Records:
    """What a sweep keeps of a block's networks (memory O(K)): the first iteration at or below each
    threshold, the first rise, the iteration of divergence, the traced errors and the checkpoints."""

    def __init__(self, k: int, thresholds, rises, trace, trace_iterations, checkpoints):
        self.thresholds, self.rises = thresholds, rises
        self.first_at_or_below = np.full((len(thresholds), k), NOT_REACHED, dtype=np.int64)
        self.level = np.full(k, max(thresholds, default=-1.0))  # the largest threshold not yet reached
        self.first_rise_at = np.full(k, NOT_REACHED, dtype=np.int64)
        self.previous = np.full(k, np.inf)  # E(N − 1) + penalty: +inf once a rise (or divergence) is recorded
        self.penalty = np.zeros(k)
        self.diverged_at = np.full(k, NOT_REACHED, dtype=np.int64)
        self.trace, self.trace_iterations = trace, set(trace_iterations.tolist()) if trace.size else set()
        self.trace_rows = []
        self.checkpoints = {int(n): r for r, n in enumerate(checkpoints)}
        self.kept = {"params": np.full((len(checkpoints), 12, k), np.nan),
                     "out_o": np.full((len(checkpoints), 2, k), np.nan),
                     "E_total": np.full((len(checkpoints), k), np.nan)}  # fmt: skip
        self.every_error = bool(thresholds) or rises  # else E is computed only where it is recorded
        self.hit, self.rose = np.empty(k, dtype=bool), np.empty(k, dtype=bool)

    def record(self, net: Lockstep, n: int) -> None:
        """The thresholds newly reached and the rises at iteration n, the traced errors, a checkpoint."""
        E, hit, rose = net.E_total, self.hit, self.rose
        if self.thresholds:
            less_equal(E, self.level, hit)
            if hit.any():
                self.reached(E, np.flatnonzero(hit), n)
        if self.rises:
            greater(E, self.previous, rose)
            if rose.any():
                where = np.flatnonzero(rose)
                self.first_rise_at[where] = n
                self.penalty[where] = np.inf
            add(E, self.penalty, self.previous)
        if n in self.trace_iterations:
            row = E[self.trace].copy()
            row[self.diverged_at[self.trace] != NOT_REACHED] = np.nan
            self.trace_rows.append(row)
        if n in self.checkpoints:
            r, gone = self.checkpoints[n], self.diverged_at != NOT_REACHED
            self.kept["params"][r], self.kept["out_o"][r], self.kept["E_total"][r] = net.params, net.out_o, E
            for a in self.kept.values():
                a[r][..., gone] = np.nan

    def reached(self, E_total, where, n: int) -> None:
        E = E_total[where]
        level = np.full(where.size, -1.0)
        for j, threshold in sorted(enumerate(self.thresholds), key=lambda jt: jt[1]):  # smallest first
            first = self.first_at_or_below[j, where]
            new = (first == NOT_REACHED) & (E <= threshold)
            first[new] = n
            self.first_at_or_below[j, where] = first
            level[first == NOT_REACHED] = threshold  # the largest not yet reached wins
        self.level[where] = level

    def not_finite(self, net: Lockstep) -> np.ndarray:
        """The networks not yet diverged whose weights, biases or error are not finite."""
        net.error()
        finite = np.isfinite(net.params).all(axis=0) & np.isfinite(net.E_total)
        return ~finite & (self.diverged_at == NOT_REACHED)

    def diverge(self, net: Lockstep, n: int) -> None:
        """Mark the networks that diverged at iteration n; nothing more is recorded for them."""
        where = np.flatnonzero(self.not_finite(net))
        self.diverged_at[where] = n
        self.level[where] = -1.0
        self.penalty[where] = self.previous[where] = np.inf

    def snapshot(self, net: Lockstep):
        """The weights and what is recorded so far, to go back to (restore)."""
        return [a.copy() for a in (net.params, self.first_at_or_below, self.level, self.first_rise_at,
                                   self.previous, self.penalty)] + [len(self.trace_rows)]  # fmt: skip

    def restore(self, net: Lockstep, saved) -> None:
        for a, b in zip((net.params, self.first_at_or_below, self.level, self.first_rise_at, self.previous,
                         self.penalty), saved[:-1], strict=True):  # fmt: skip
            a[...] = b
        del self.trace_rows[saved[-1] :]
        net.forward()
        net.error()

    def results(self, net: Lockstep) -> dict:
        """This block's records, as arrays over its networks (the final error from net)."""
        final = net.E_total.copy()
        final[self.diverged_at != NOT_REACHED] = np.nan
        return {
            "first_at_or_below": self.first_at_or_below, "final_error": final, "first_rise_at": self.first_rise_at,
            "diverged_at": self.diverged_at, "trace": self.trace,
            "trace_error": np.array(self.trace_rows).T if self.trace.size else np.empty((0, 0)),
            "checkpoints": self.kept,
        }  # fmt: skip


def run_block(net: Lockstep, records: Records, iterations: int) -> dict:
    """Train a block to `iterations` updates, recording as it goes; its records (Records.results).

    The divergence replay: divergence is checked every CHECK_EVERY updates (a non-finite
    weight stays non-finite); when a check finds some, the block goes back to the previous
    check and replays those updates with a check after each, so that the iteration is exact.
    """
    with np.errstate(all="ignore"):
        net.forward()
        net.error()
        records.diverge(net, 0)
        records.record(net, 0)
        n = 0
        while n < iterations:
            end = min(n + CHECK_EVERY, iterations)
            saved = records.snapshot(net)
            advance(net, records, n, end, check=False)
            if records.not_finite(net).any():
                records.restore(net, saved)
                advance(net, records, n, end, check=True)
            n = end
        net.error()
    return records.results(net)


def advance(net: Lockstep, records: Records, start: int, end: int, check: bool) -> None:
    """Updates start + 1 .. end; the error and the records where they are needed (every update when check)."""
    update, forward, error, record = net.update, net.forward, net.error, records.record
    every_error, special = records.every_error, records.trace_iterations | set(records.checkpoints)
    for n in range(start + 1, end + 1):
        update()
        forward()
        if check:
            records.diverge(net, n)  # computes the error
            record(net, n)
        elif every_error or n in special:
            error()
            record(net, n)
