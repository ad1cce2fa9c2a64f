"""The worked example of Matt Mazur's "A Step by Step Backpropagation Example" (2015).

One input x = [i1, i2], two hidden and two output neurons, all logistic (sigmoid).
Where the blog's eight weights sit (row i feeds neuron i of the next layer):

    W1 = [[w1, w2],      net_h1 = w1*i1 + w2*i2 + b1
          [w3, w4]]      net_h2 = w3*i1 + w4*i2 + b1
    W2 = [[w5, w6],      net_o1 = w5*out_h1 + w6*out_h2 + b2
          [w7, w8]]      net_o2 = w7*out_h1 + w8*out_h2 + b2

Glossary of name parts (as in Mazur's companion code):
    net_   total net input of a neuron          out_   its output, sigmoid(net_)
    dE_d   partial derivative of the error E    delta  dE/dnet of a layer's neurons

Counting: iteration N is the state after N weight updates; iteration 0 is the
initial weights. A Trajectory row for iteration N holds the weights after N
updates and the forward pass (hidden, output, error) at those weights.

This module holds the math that both update orders share. The order itself, the
one place where they differ, is written out in ann_numpy.py (sequential) and
ann_numpy_original.py (parallel).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

# The blog's numbers.
INPUT = np.array([0.05, 0.10])  # i1, i2
TARGET = np.array([0.01, 0.99])  # target_o1, target_o2
W1_INIT = np.array([[0.15, 0.20], [0.25, 0.30]])  # w1 w2 / w3 w4
W2_INIT = np.array([[0.40, 0.45], [0.50, 0.55]])  # w5 w6 / w7 w8
B1_INIT = 0.35
B2_INIT = 0.60
LEARNING_RATE = 0.5

WEIGHT_NAMES = ("w1", "w2", "w3", "w4", "w5", "w6", "w7", "w8")

# Biases: "fixed" as in the blog's arithmetic (never trained); "shared": one
# trained bias per layer, as the blog's diagram draws it; "per-neuron": each
# neuron its own trained bias.
BIAS_POLICIES = ("fixed", "shared", "per-neuron")

# Losses, all of the form E = (c/2) * sum_o (target_o - out_o)^2, so dE/dout_o = c * (out_o - target_o).
LOSSES = {
    "half-sse": "E = ½ Σ (t − y)²",
    "sse": "E = Σ (t − y)²",
    "mse": "E = (1/n) Σ (t − y)², the mean over the n outputs",
}

# The largest iteration count the command lines accept: 10^8 updates take about
# a quarter of an hour without recording (see README, "Speed").
MAX_ITERATIONS = 100_000_000

COUNTING = "iteration N is the state after N weight updates; iteration 0 is the initial weights"


def loss_scale(loss: str, n_outputs: int = 2) -> float:
    """The constant c of E = (c/2) Σ (t − y)²: 1 for half-sse, 2 for sse, 2/n for mse."""
    if loss == "half-sse":
        return 1.0
    if loss == "sse":
        return 2.0
    if loss == "mse":
        return 2.0 / n_outputs
    raise ValueError(f"unknown loss {loss!r}; choose one of {', '.join(LOSSES)}")


def sigmoid(net, out=None, one=1.0):
    """The logistic function σ(net) = 1 / (1 + e^(−net)), taking the net input.

    With out= it writes there; one= may be an array of ones shaped like net, which
    NumPy adds faster than the number 1.
    """
    out = np.negative(net, out=out)
    np.exp(out, out=out)
    out += one
    return np.reciprocal(out, out=out)


def sigmoid_derivative_from_output(out):
    """dσ/dnet written in terms of the neuron's output: out * (1 − out)."""
    return out * (1.0 - out)


def forward(w1, w2, b1=B1_INIT, b2=B2_INIT, x=INPUT):
    """The forward pass: out_h = σ(W1 x + b1), out_o = σ(W2 out_h + b2)."""
    out_h = sigmoid(w1 @ x + b1)
    out_o = sigmoid(w2 @ out_h + b2)
    return out_h, out_o


def errors(outputs, target=TARGET, loss="half-sse"):
    """E_total = (c/2) Σ_o (target_o − out_o)² for each row of outputs (shape (..., 2)) -> array."""
    d = np.asarray(target) - np.asarray(outputs)
    return 0.5 * loss_scale(loss, d.shape[-1]) * (d * d).sum(axis=-1)


def error(out_o, target=TARGET, loss="half-sse") -> float:
    """The total error of one output vector, by default E_total = ½ Σ (target − out)²."""
    return float(errors(out_o, target, loss))


@dataclass(frozen=True)
class Gradients:
    """∂E/∂ of every parameter at one point. dE_db1, dE_db2 are per neuron (2-vectors)."""

    dE_dW1: np.ndarray
    dE_dW2: np.ndarray
    dE_db1: np.ndarray
    dE_db2: np.ndarray


def gradients(w1, w2, b1=B1_INIT, b2=B2_INIT, loss="half-sse", x=INPUT, target=TARGET):
    """Backpropagation at one point, all derivatives taken at the same weights.

    delta_o = dE/dnet_o = c (out_o − t) ⊙ out_o ⊙ (1 − out_o),   dE/dW2 = delta_o out_hᵀ
    delta_h = dE/dnet_h = (W2ᵀ delta_o) ⊙ out_h ⊙ (1 − out_h),   dE/dW1 = delta_h xᵀ
    The bias gradients are the deltas themselves (sum them for one shared bias).
    """
    out_h, out_o = forward(w1, w2, b1, b2, x)
    c = loss_scale(loss, np.size(target))
    delta_o = c * (out_o - target) * sigmoid_derivative_from_output(out_o)
    delta_h = (w2.T @ delta_o) * sigmoid_derivative_from_output(out_h)
    return Gradients(np.outer(delta_h, x), np.outer(delta_o, out_h), delta_h, delta_o)


def as_bias_vector(b, name: str, biases: str) -> np.ndarray:
    """A bias given as a number or a 2-vector, as the per-neuron 2-vector the network uses."""
    vector = np.array(np.broadcast_to(np.asarray(b, dtype=float), (2,)))
    if not np.isfinite(vector).all():
        raise ValueError(f"{name} must be finite")
    if biases != "per-neuron" and vector[0] != vector[1]:
        raise ValueError(f"{name} must be one number with biases={biases!r}")
    return vector


class Network:
    """The 2-2-2 network's weights and every intermediate value, updated in place.

    Speed on 2-vectors: NumPy's cost is per call, not per number, so the steps
    write into preallocated arrays (out=) instead of making new ones, use array
    constants (ONE, ETA) where NumPy would otherwise convert a Python number on
    every call, and are closures over local names (no attribute lookups). The
    comment beside each line is the formula it computes.

    Bias as a weight: each layer's bias is the last column of its weight matrix,
    fed by a constant input 1, so net = [W | b] [x; 1] is one call. W1, b1, ... are
    views of that matrix. Fixed biases get learning rate 0 in that column; a
    shared bias gets the sum of its layer's deltas as gradient.

    All recorded numbers live in two flat arrays, so that recording a row is two
    copies: `state` = [W1|b1, W2|b2, out_o, out_h, 1] (taken before an update) and
    `gradient` = [dE/d(W1|b1), dE/d(W2|b2)] (taken after it).

    Steps: forward(), output_layer_gradient(), hidden_layer_gradient() (which takes
    W2 as it stands when called), update_output_layer(), update_hidden_layer().
    """

    STATE_SIZE, GRADIENT_SIZE = 17, 12

    def __init__(self, learning_rate, biases, loss, w1, w2, b1, b2, x=INPUT, target=TARGET):
        if biases not in BIAS_POLICIES:
            raise ValueError(f"unknown bias policy {biases!r}; choose one of {', '.join(BIAS_POLICIES)}")
        self.biases, self.loss = biases, loss
        self.learning_rate = eta = float(learning_rate)
        c = loss_scale(loss, 2)
        self.target = target = np.array(target, dtype=float)
        self.state = state = np.zeros(self.STATE_SIZE)
        self.gradient = gradient = np.zeros(self.GRADIENT_SIZE)
        W1_b1, W2_b2 = state[0:6].reshape(2, 3), state[6:12].reshape(2, 3)
        out_o_h = state[12:16]  # [out_o1, out_o2, out_h1, out_h2]: both layers' outputs side by side
        out_o, out_h, out_h_1 = state[12:14], state[14:16], state[14:17]  # out_h_1 = [out_h; 1]
        dE_dW1_b1, dE_dW2_b2 = gradient[0:6].reshape(2, 3), gradient[6:12].reshape(2, 3)
        self.W1, self.b1, self.W2, self.b2 = W1_b1[:, :2], W1_b1[:, 2], W2_b2[:, :2], W2_b2[:, 2]
        self.out_h, self.out_o = out_h, out_o
        self.dE_dW1, self.dE_db1 = dE_dW1_b1[:, :2], dE_dW1_b1[:, 2]
        self.dE_dW2, self.dE_db2 = dE_dW2_b2[:, :2], dE_dW2_b2[:, 2]
        self.W1[...] = np.reshape(w1, (2, 2))
        self.W2[...] = np.reshape(w2, (2, 2))
        self.b1[...] = as_bias_vector(b1, "b1", biases)
        self.b2[...] = as_bias_vector(b2, "b2", biases)
        if not np.isfinite(state).all():
            raise ValueError("initial weights must be finite")
        state[16] = 1.0
        minus_x_1 = -np.append(np.asarray(x, dtype=float), 1.0)  # −[i1, i2, 1]
        minus_net_h, net_o, delta_h, delta_o = (np.zeros(2) for _ in range(4))
        sigma_prime = np.zeros(4)  # σ'(net) of [o1, o2, h1, h2]
        sigma_prime_o, sigma_prime_h = sigma_prime[:2], sigma_prime[2:]
        step = np.zeros((2, 3))
        ONE, ONE_4, C = np.ones(2), np.ones(4), np.full(2, c)
        ETA = np.full((2, 3), eta)  # learning rate per entry of [W | b] ...
        if biases == "fixed":
            ETA[:, 2] = 0.0  # ... and 0 for a bias that is not trained
        W2_T = self.W2.T
        # Columns and rows for the outer products a bᵀ, each one np.dot of (2, 1) by (1, 3).
        delta_o_col, delta_h_col = delta_o[:, None], delta_h[:, None]
        x_1_row, out_h_1_row = -minus_x_1[None, :], out_h_1[None, :]
        # NumPy functions as local names, called with positional out arguments: the
        # last argument of each call below is where the result goes.
        add, subtract, multiply, negative = np.add, np.subtract, np.multiply, np.negative
        dot, exp, reciprocal = np.dot, np.exp, np.reciprocal
        shared, scaled = biases == "shared", c != 1.0

        def forward():
            dot(W1_b1, minus_x_1, minus_net_h)  # −net_h = −(W1 x + b1)
            exp(minus_net_h, out_h)
            add(out_h, ONE, out_h)
            reciprocal(out_h, out_h)  # out_h = σ(net_h) = 1 / (1 + e^(−net_h))
            dot(W2_b2, out_h_1, net_o)  # net_o = W2 out_h + b2
            negative(net_o, out_o)
            exp(out_o, out_o)
            add(out_o, ONE, out_o)
            reciprocal(out_o, out_o)  # out_o = σ(net_o)
            subtract(ONE_4, out_o_h, sigma_prime)
            multiply(sigma_prime, out_o_h, sigma_prime)  # σ'(net) = out ⊙ (1 − out), both layers at once

        def output_layer_gradient():
            subtract(out_o, target, delta_o)  # out_o − t  (= dE/dout_o for E = ½Σ(t − out)²)
            if scaled:
                multiply(delta_o, C, delta_o)  # dE/dout_o = c (out_o − t)
            multiply(delta_o, sigma_prime_o, delta_o)  # delta_o = dE/dout_o ⊙ σ'(net_o)
            dot(delta_o_col, out_h_1_row, dE_dW2_b2)  # [dE_dW2 | dE_db2] = delta_o [out_h; 1]ᵀ
            if shared:
                dE_dW2_b2[:, 2] = delta_o.sum()  # one bias feeds both neurons: dE/db2 = Σ delta_o

        def hidden_layer_gradient():
            dot(W2_T, delta_o, delta_h)  # W2ᵀ delta_o
            multiply(delta_h, sigma_prime_h, delta_h)  # delta_h = (W2ᵀ delta_o) ⊙ σ'(net_h)
            dot(delta_h_col, x_1_row, dE_dW1_b1)  # [dE_dW1 | dE_db1] = delta_h [x; 1]ᵀ
            if shared:
                dE_dW1_b1[:, 2] = delta_h.sum()  # dE/db1 = Σ delta_h

        def update_output_layer():
            subtract(W2_b2, multiply(ETA, dE_dW2_b2, step), W2_b2)  # [W2 | b2] −= η [dE_dW2 | dE_db2]

        def update_hidden_layer():
            subtract(W1_b1, multiply(ETA, dE_dW1_b1, step), W1_b1)  # [W1 | b1] −= η [dE_dW1 | dE_db1]

        self.forward = forward
        self.output_layer_gradient, self.hidden_layer_gradient = output_layer_gradient, hidden_layer_gradient
        self.update_output_layer, self.update_hidden_layer = update_output_layer, update_hidden_layer

    def error(self) -> float:
        return error(self.out_o, self.target, self.loss)

    @staticmethod
    def unpack_states(states, gradients):
        """Named views of recorded `state` and `gradient` rows (shapes (R, 17) and (R, 12))."""
        n = len(states)
        W1_b1, W2_b2 = states[:, 0:6].reshape(n, 2, 3), states[:, 6:12].reshape(n, 2, 3)
        G1, G2 = gradients[:, 0:6].reshape(n, 2, 3), gradients[:, 6:12].reshape(n, 2, 3)
        return dict(
            w1=W1_b1[:, :, :2], b1=W1_b1[:, :, 2], w2=W2_b2[:, :, :2], b2=W2_b2[:, :, 2],
            output=states[:, 12:14], hidden=states[:, 14:16],
            grad_w1=G1[:, :, :2], grad_b1=G1[:, :, 2], grad_w2=G2[:, :, :2], grad_b2=G2[:, :, 2],
        )  # fmt: skip


@dataclass(frozen=True)
class Trajectory:
    """What a training run records; the first axis of every array is the recorded row.

    Row r holds iteration[r] (the state after that many updates): the weights, the
    forward pass at those weights, and grad_*, the gradient that the method's next
    update applies from that state (W ← W − η grad). For the sequential method,
    grad_w1 is taken with the already-updated W2. The final row is recorded exactly,
    and its grad_* are those the next update would apply.
    """

    method: str
    learning_rate: float
    biases: str
    loss: str
    iteration: np.ndarray  # (R,) int
    w1: np.ndarray  # (R, 2, 2)
    w2: np.ndarray  # (R, 2, 2)
    b1: np.ndarray  # (R, 2), per neuron
    b2: np.ndarray  # (R, 2)
    hidden: np.ndarray  # (R, 2): out_h1, out_h2
    output: np.ndarray  # (R, 2): out_o1, out_o2
    error: np.ndarray  # (R,): E_total
    grad_w1: np.ndarray  # (R, 2, 2)
    grad_w2: np.ndarray  # (R, 2, 2)
    grad_b1: np.ndarray  # (R, 2)
    grad_b2: np.ndarray  # (R, 2)

    @property
    def iterations(self) -> int:
        """N, the number of updates of the run (the last recorded iteration)."""
        return int(self.iteration[-1])

    def row(self, n: int) -> int:
        """The row index of iteration n; KeyError when it was not recorded."""
        r = int(np.searchsorted(self.iteration, n))
        if r == len(self.iteration) or self.iteration[r] != n:
            raise KeyError(f"iteration {n} was not recorded")
        return r

    def first_at_or_below(self, level: float) -> int | None:
        """The first recorded iteration whose error is at or below level, or None."""
        hits = np.flatnonzero(self.error <= level)
        return int(self.iteration[hits[0]]) if hits.size else None

    @property
    def nbytes(self) -> int:
        """Memory held by the recorded arrays (several fields are views of one array)."""
        roots = {}
        for v in vars(self).values():
            if isinstance(v, np.ndarray):
                while v.base is not None:
                    v = v.base
                roots[id(v)] = v.nbytes
        return sum(roots.values())

    def settings(self) -> str:
        return describe_settings(self.method, self.iterations, self.learning_rate, self.biases, self.loss)


def updates(n: int) -> str:
    """ "1 update", "1,000 updates"."""
    return f"{n:,} update" + ("" if n == 1 else "s")


def describe_settings(method, iterations, learning_rate, biases, loss) -> str:
    """One line naming every setting that produces a run's numbers."""
    bias = {
        "fixed": "biases fixed (not trained)",
        "shared": "biases trained, one per layer",
        "per-neuron": "biases trained, one per neuron",
    }[biases]
    return (
        f"{method} updates, {updates(iterations)} (iteration N = after N updates), "
        f"learning rate {learning_rate:g}, {bias}, loss {loss}: {LOSSES[loss]}"
    )


class TrainingDiverged(ArithmeticError):
    """Training overflowed (or turned NaN) at .iteration, the state after that many updates."""

    def __init__(self, iteration: int, learning_rate: float, what: str):
        self.iteration = iteration
        super().__init__(
            f"training diverged at iteration {iteration}: {what} overflowed "
            f"(learning rate {learning_rate:g}); try a smaller learning rate"
        )


def check_iterations(iterations) -> int:
    if isinstance(iterations, bool) or not isinstance(iterations, numbers.Integral):
        raise ValueError(f"iterations must be a whole number, not {iterations!r}")
    if not 0 <= iterations <= MAX_ITERATIONS:
        raise ValueError(f"iterations must be between 0 and {MAX_ITERATIONS:,}, not {iterations:,}")
    return int(iterations)


def check_learning_rate(learning_rate) -> float:
    if isinstance(learning_rate, bool) or not isinstance(learning_rate, numbers.Real):
        raise ValueError(f"learning rate must be a number, not {learning_rate!r}")
    if not (math.isfinite(learning_rate) and learning_rate > 0):
        raise ValueError(f"learning rate must be positive and finite, not {learning_rate!r}")
    return float(learning_rate)


def recorded_iterations(iterations: int, record_every: int = 1, checkpoints: Iterable[int] | None = None):
    """The sorted iterations a run records: 0, N, every record_every-th (0: none), and checkpoints."""
    if isinstance(record_every, bool) or not isinstance(record_every, numbers.Integral) or record_every < 0:
        raise ValueError(f"record_every must be a whole number >= 0, not {record_every!r}")
    rows = {0, iterations}
    if record_every:
        rows.update(range(0, iterations + 1, record_every))
    for n in checkpoints or ():
        if not 0 <= n <= iterations:
            raise ValueError(f"checkpoint {n} is outside 0..{iterations}")
        rows.add(int(n))
    return sorted(rows)


def run(
    update: Callable[[Network], None],
    method: str,
    iterations: int,
    learning_rate: float = LEARNING_RATE,
    *,
    biases: str = "fixed",
    loss: str = "half-sse",
    w1=W1_INIT,
    w2=W2_INIT,
    b1=B1_INIT,
    b2=B2_INIT,
    record_every: int = 1,
    checkpoints: Iterable[int] | None = None,
    on_record: Callable[[int, float], None] | None = None,
) -> Trajectory:
    """Train with one update rule, recording the rows that recorded_iterations() names.

    update(net) computes the gradients from net's current forward pass and applies
    them. on_record(iteration, error) is called for each row as it is recorded.
    Raises TrainingDiverged on floating-point overflow, ValueError on bad arguments.
    """
    iterations = check_iterations(iterations)
    learning_rate = check_learning_rate(learning_rate)
    if loss not in LOSSES:
        raise ValueError(f"unknown loss {loss!r}; choose one of {', '.join(LOSSES)}")
    net = Network(learning_rate, biases, loss, w1, w2, b1, b2)
    rows = recorded_iterations(iterations, record_every, checkpoints)
    states = np.empty((len(rows), Network.STATE_SIZE))
    gradients = np.empty((len(rows), Network.GRADIENT_SIZE))
    state, gradient = net.state, net.gradient
    forward, out_o, target = net.forward, net.out_o, net.target

    def diverged(k, what):
        return TrainingDiverged(k, learning_rate, what)

    with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
        r, next_k = 0, rows[0]
        for k in range(iterations):
            try:
                forward()
            except FloatingPointError:
                raise diverged(k, "its forward pass") from None
            try:
                if k == next_k:
                    states[r] = state  # weights and forward pass at iteration k
                    update(net)
                    gradients[r] = gradient  # the gradient that update k + 1 applied
                    if on_record is not None:
                        on_record(k, error(out_o, target, loss))
                    r += 1
                    next_k = rows[r]
                else:
                    update(net)
            except FloatingPointError:
                raise diverged(k + 1, "the update that makes it") from None
        try:
            forward()
        except FloatingPointError:
            raise diverged(iterations, "its forward pass") from None
        states[r] = state
        if on_record is not None:
            on_record(iterations, error(out_o, target, loss))
        # The final row's gradients: those the next update would apply. Take them
        # with a real update, then put the final weights back.
        final = state.copy()
        try:
            update(net)
            gradients[r] = gradient
        except FloatingPointError:
            gradients[r] = np.nan
        state[...] = final
    fields = Network.unpack_states(states, gradients)
    return Trajectory(
        method, learning_rate, biases, loss, np.array(rows, dtype=np.int64),
        error=errors(fields["output"], target, loss), **fields,
    )  # fmt: skip


def central_difference_gradient(f, params, h=1e-6):
    """∂f/∂p for every entry p of the arrays in params, by (f(p + h) − f(p − h)) / 2h."""
    grads = []
    for p in params:
        g = np.zeros_like(p)
        for i in np.ndindex(p.shape):
            saved = p[i]
            p[i] = saved + h
            up = f()
            p[i] = saved - h
            down = f()
            p[i] = saved
            g[i] = (up - down) / (2 * h)
        grads.append(g)
    return grads
