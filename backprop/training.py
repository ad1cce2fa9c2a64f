"""Training the 2-2-2 network: the loop, what it records (Trajectory), and its arguments.

train(order, iterations, ...) runs the single-network engine (scalar.py, plain Python
floats) with one of the update orders, handing the rare update it cannot vouch for (a
saturated sigmoid, an overflow) to the NumPy engine (engine.py), and returns a Trajectory.
Counting: iteration N is the state after N weight updates; iteration 0 is the initial
weights. A Trajectory row for iteration N holds the weights after N updates and the
forward pass (hidden, output, error) at those weights.
"""

from __future__ import annotations

import functools
import math
import numbers
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from backprop import scalar, validate
from backprop.engine import UPDATES, FastNetwork
from backprop.worked_example import (
    B1_INIT,
    B2_INIT,
    INPUT,
    LEARNING_RATE,
    LOSSES,
    TARGET,
    W1_INIT,
    W2_INIT,
    check_loss,
    error,
    errors,
)

# The largest iteration count the command lines and train() accept (declared in backprop/validate.py).
MAX_ITERATIONS = validate.MAX_ITERATIONS

# What one recorded row costs (Trajectory.nbytes per row: 29 numbers of state and gradient,
# the error and the iteration), and at most how many rows a run records: 10^7 rows are 2.5 GB
# of arrays and measured a peak of about 1.3 times that while a Trajectory is built.
ROW_BYTES = 248
PEAK_FACTOR = 1.3
MAX_RECORDED_ROWS = 10_000_000

# At most how many updates scalar.run makes in one call (between progress reports).
CHUNK = 2**16


def memory_text(rows: int) -> str:
    """'about 3.2 GB': the peak memory of recording `rows` rows."""
    return f"{rows:,} recorded rows, about {rows * ROW_BYTES * PEAK_FACTOR / 1e9:.1f} GB"


COUNTING = "iteration N is the state after N weight updates; iteration 0 is the initial weights"


@dataclass(frozen=True)
class Trajectory:
    """What a training run records; the first axis of every array is the recorded row.

    Row r holds iteration[r] (the state after that many updates): the weights, the
    forward pass at those weights, and grad_*, the gradient that the order's next
    update applies from that state (W ← W − η grad; a fixed bias's is zero, as in
    worked_example.Step). For the sequential order,
    grad_w1 is taken with the already-updated W2; for the alternating order, with the
    updated W2 and delta_o recomputed there (the delta_h actually applied). The final row is recorded exactly,
    and its grad_* are those the next update would apply.
    """

    method: str
    learning_rate: float
    biases: str
    loss: str
    x: np.ndarray  # (2,): the inputs i1, i2
    target: np.ndarray  # (2,): target_o1, target_o2
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
        return row_of(self.iteration, n)

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


def row_of(iteration: np.ndarray, n: int) -> int:
    """The index of n in the sorted recorded iterations; KeyError when it was not recorded."""
    r = int(np.searchsorted(iteration, n))
    if r == len(iteration) or iteration[r] != n:
        raise KeyError(f"iteration {n} was not recorded")
    return r


def updates(n: int) -> str:
    """ "1 update", "1,000 updates"."""
    return f"{n:,} update" + ("" if n == 1 else "s")


BIAS_WORDS = {
    "fixed": "biases fixed (not trained)",
    "shared": "biases trained, one per layer",
    "per-neuron": "biases trained, one per neuron",
}


def bias_phrase(biases: str) -> str:
    """'biases fixed', or what BIAS_WORDS says of trained biases (the tables' and the analysis' wording)."""
    return "biases fixed" if biases == "fixed" else BIAS_WORDS[biases]


def describe_settings(order, iterations, learning_rate, biases, loss) -> str:
    """One line naming every setting that produces a run's numbers."""
    bias = BIAS_WORDS[biases]
    return (
        f"{order} updates, {updates(iterations)} (iteration N = after N updates), "
        f"learning rate {learning_rate:g}, {bias}, loss {loss}: {LOSSES[loss]}"
    )


class TrainingDiverged(ArithmeticError):
    """Training overflowed or turned NaN; .at says where: the iteration (here: the state after
    that many updates) or, in the layered engine, the epoch. One exception for both engines."""

    def __init__(self, at: int, message: str):
        self.at = at
        super().__init__(message)


def diverged(iteration: int, learning_rate: float, what: str) -> TrainingDiverged:
    return TrainingDiverged(
        iteration,
        f"training diverged at iteration {iteration}: {what} overflowed "
        f"(learning rate {learning_rate:g}); try a smaller learning rate",
    )


def check_iterations(iterations) -> int:
    return validate.ITERATIONS.value(iterations)


def check_learning_rate(learning_rate) -> float:
    return validate.LEARNING_RATE.value(learning_rate)


def most_recorded(iterations: int, record_every: int = 1, checkpoints=()) -> int:
    """At most how many rows recorded_iterations() lists (the ends, every record_every-th, the checkpoints)."""
    return 2 + (iterations // record_every if record_every else 0) + len(checkpoints)


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


def train(
    order: str,
    iterations: int = 1,
    learning_rate: float = LEARNING_RATE,
    *,
    biases: str = "fixed",
    loss: str = "half-sse",
    w1=W1_INIT,
    w2=W2_INIT,
    b1=B1_INIT,
    b2=B2_INIT,
    x=INPUT,
    target=TARGET,
    record_every: int = 1,
    checkpoints: Iterable[int] | None = None,
    on_record: Callable[[int, float], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> Trajectory:
    """Train with one update order, recording the rows that recorded_iterations() names.

    order: "parallel", "sequential" or "alternating" (engine.UPDATES); x and target: the inputs i1, i2 and the
    targets (the post's by default). on_record(iteration, error) is
    called for each row as it is recorded; on_progress(iteration) at least every CHUNK updates
    (a progress bar's). Raises TrainingDiverged on floating-point
    overflow, ValueError on bad arguments.
    """
    if order not in UPDATES:
        raise ValueError(f"unknown order {order!r}; choose one of {', '.join(UPDATES)}")
    iterations = check_iterations(iterations)
    learning_rate = check_learning_rate(learning_rate)
    net = FastNetwork(learning_rate, biases, check_loss(loss), w1, w2, b1, b2, x, target)
    checkpoints = list(checkpoints or ())
    most = most_recorded(iterations, record_every, checkpoints)
    if most > MAX_RECORDED_ROWS:  # refused before the rows are even listed
        raise ValueError(f"recording {memory_text(most)}, is more than {MAX_RECORDED_ROWS:,} rows; "
                         "record fewer (record_every, checkpoints)")  # fmt: skip
    rows = recorded_iterations(iterations, record_every, checkpoints)
    states = np.empty((len(rows), FastNetwork.STATE_SIZE))
    gradients = np.empty((len(rows), FastNetwork.GRADIENT_SIZE))
    with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
        loop(net, order, rows, states, gradients, on_record, on_progress)
    if biases == "fixed":  # a fixed bias's gradient as applied: zero, as worked_example.Step reports it
        gradients[:, BIASES] = 0.0  # (the same columns as in a state row)
    fields = FastNetwork.unpack(states, gradients)
    return Trajectory(
        order, learning_rate, biases, loss, net.x_1[:2].copy(), net.target.copy(), np.array(rows, dtype=np.int64),
        error=errors(fields["output"], net.target, loss), **fields,
    )  # fmt: skip


def loop(net: FastNetwork, order: str, rows, states, gradients, on_record, on_progress=None) -> None:
    """Train net to iteration rows[-1], recording each iteration in rows: its state in the next
    row of states, and in the same row of gradients the gradient that its next update applies.

    The updates are scalar.run's, at most CHUNK at a time; an update that it leaves (a
    saturated sigmoid, a value that is not finite) is FastNetwork's, in advance()."""
    try:
        net.forward()
    except FloatingPointError:
        saturated_forward(net, 0)
    update, last = UPDATES[order], len(rows) - 1
    step = functools.partial(scalar.run, order=order, biases=net.biases, c=float(net.c[0]), eta=net.learning_rate,
                             x=tuple(net.x_1[:2].tolist()), target=tuple(net.target.tolist()))  # fmt: skip
    s, k, size = tuple(net.state[: scalar.STATE_SIZE].tolist()), 0, scalar.record_size(net.biases)
    recorded, filled = [], 0  # the updates recorded and not yet in states, gradients; the rows filled
    exact = {}  # the gradients of the recorded updates that FastNetwork made, by row

    def go(stop: int, record) -> None:
        """From iteration k to iteration stop; record each update when record is a list (scalar.record_size)."""
        nonlocal s, k
        while k < stop:
            try:
                s, made = step(s, min(stop - k, CHUNK), record=record)
            except KeyboardInterrupt as interrupt:  # Ctrl-C or SIGTERM: say how far training got
                interrupt.where = f"iteration {k + getattr(interrupt, 'updates_made', 0)}"
                raise
            k += made
            if k < stop and made < CHUNK:  # the next update is FastNetwork's
                load(net, s)
                advance(net, update, k, k + 1)
                if record is not None:
                    exact[filled + len(record) // size] = net.gradient.copy()
                    record.extend(as_record(s, net.biases))
                s, k = tuple(net.state[: scalar.STATE_SIZE].tolist()), k + 1
            if on_progress is not None:
                on_progress(k)
            if record is not None and len(record) >= CHUNK * size:
                flush()

    def flush() -> None:
        """Move the recorded updates into states and gradients (a list of floats takes 4 times the memory)."""
        nonlocal filled
        done = np.fromiter(recorded, float, len(recorded)).reshape(-1, size)
        unpack_records(done, net, states[filled : filled + len(done)], gradients[filled : filled + len(done)])
        for r in [r for r in exact if r < filled + len(done)]:
            gradients[r] = exact.pop(r)
        filled += len(done)
        recorded.clear()

    try:
        r = 0
        while r < last:
            if on_record is not None:
                on_record(k, error(s[12:14], net.target, net.loss))
            # rows r..j are consecutive iterations: the updates from them are recorded in one go
            j = last if on_record is None and rows[last] - rows[r] == last - r else r
            while on_record is None and j < last and rows[j + 1] == rows[j] + 1:
                j += 1
            if j > r:
                go(rows[j], recorded)
                r = j
            else:
                go(rows[r] + 1, recorded)
                go(rows[r + 1], None)
                r += 1
        if on_record is not None:
            on_record(k, error(s[12:14], net.target, net.loss))
    except KeyboardInterrupt as stop:
        stop.where = getattr(stop, "where", None) or f"iteration {k}"
        raise
    flush()
    following = []  # the last row: its state, and the gradient that the next update would apply
    if step(s, 1, record=following)[1] == 1:
        unpack_records(np.array([following]), net, states[last:], gradients[last:])
    else:
        states[last, : scalar.STATE_SIZE], states[last, scalar.STATE_SIZE] = s, 1.0
        load(net, s)
        gradients[last] = next_gradient(net, update)


WEIGHTS, BIASES = [0, 1, 3, 4, 6, 7, 9, 10], [2, 5, 8, 11]  # where w1..w8 and the biases sit in a state row


def as_record(s, biases: str) -> list:
    """The state s as scalar.run records it, with NaN for the deltas (the gradient is stored apart)."""
    kept = [s[i] for i in WEIGHTS] + ([] if biases == "fixed" else [s[i] for i in BIASES])
    return kept + list(s[12:16]) + [math.nan] * 4


def unpack_records(done: np.ndarray, net: FastNetwork, states: np.ndarray, gradients: np.ndarray) -> None:
    """Rows of scalar.run's records (scalar.record_size) as FastNetwork's state and gradient rows:
    dE/dW2 = delta_o out_hᵀ and dE/dW1 = delta_h xᵀ, the same products run() took."""
    states[:, WEIGHTS] = done[:, :8]
    states[:, BIASES] = net.state[BIASES] if net.biases == "fixed" else done[:, 8:12]
    states[:, 12:16], states[:, 16] = done[:, -8:-4], 1.0
    out_h, delta_o, delta_h = done[:, -6:-4], done[:, -4:-2], done[:, -2:]
    layers = gradients.reshape(-1, 2, 2, 3)  # [dE/dW1 | dE/db1], [dE/dW2 | dE/db2]
    for layer, delta, inputs in ((0, delta_h, net.x_1[:2]), (1, delta_o, out_h.T[:, :, None])):
        layers[:, layer, :, 0] = delta * inputs[0]
        layers[:, layer, :, 1] = delta * inputs[1]
        layers[:, layer, :, 2] = (delta[:, 0] + delta[:, 1])[:, None] if net.biases == "shared" else delta


def load(net: FastNetwork, s) -> None:
    """Put the state s (scalar.run's) into net, with dout/dnet as its forward() computes it."""
    net.state[: scalar.STATE_SIZE] = s
    np.subtract(net.one_4, net.outputs, net.dout_dnet)
    np.multiply(net.dout_dnet, net.outputs, net.dout_dnet)


def advance(net: FastNetwork, update, start: int, stop: int) -> None:
    """From iteration start to iteration stop: each update, then the forward pass at the new weights."""
    forward, k = net.forward, start
    try:
        for k in range(start, stop):
            try:
                update(net)
            except FloatingPointError:
                raise diverged(k + 1, net.learning_rate, "the update that makes it") from None
            try:
                forward()
            except FloatingPointError:
                saturated_forward(net, k + 1)
    except KeyboardInterrupt as stop:
        stop.where = f"iteration {k}"  # the last state completed
        raise


def saturated_forward(net: FastNetwork, k: int) -> None:
    """The forward pass at iteration k when e^(−net) overflowed: a saturated sigmoid (σ(−800) is
    0 to double precision), not divergence. Divergence is a weight, an output or the error that
    is not finite."""
    try:
        net.forward_without_overflow()
    except FloatingPointError:
        raise diverged(k, net.learning_rate, "its forward pass") from None
    if not np.isfinite(net.state).all():
        raise diverged(k, net.learning_rate, "its forward pass")


def next_gradient(net: FastNetwork, update) -> np.ndarray:
    """The gradient the next update would apply (NaN where it overflows); net's state is left as it was."""
    final = net.state.copy()
    try:
        update(net)
        gradient = net.gradient.copy()
    except FloatingPointError:
        gradient = np.full(net.GRADIENT_SIZE, np.nan)
    net.state[...] = final
    return gradient
