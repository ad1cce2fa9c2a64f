"""The layered engine: a fully connected network of any depth, trained by hand-written backpropagation.

This is the general form of the worked example (worked_example.py), carried to any layer
sizes, activations, mini-batches and real data; on the post's network it follows the 2-2-2
reference update by update in every order (tests/test_engines.py).

Shapes: rows are samples, so a batch X is (m, n_in); the weight matrix of layer l is
(fan_in, fan_out) = (sizes[l], sizes[l + 1]) and its bias is (fan_out,), as in
scikit-learn. (The worked example keeps the post's layout, row i feeding neuron i:
weights[0] here is its W1 transposed.) Layer l takes activations[l] to activations[l + 1]:

    zs[l] = activations[l] @ weights[l] + biases[l],   activations[l + 1] = f(zs[l])

Backpropagation, with delta = ∂E/∂zs[l] (m, fan_out):

    delta (last layer) = ∂E/∂y ⊙ f'   (∂E/∂y = y − t for ½Σ(t − y)², (y − t)/m for the halved mean)
    nabla_w[l] = activations[l]ᵀ delta,   nabla_b[l] = Σ_rows delta
    delta (layer l − 1) = (delta @ weights[l]ᵀ) ⊙ f'(zs[l − 1])

The update orders, as worked_example.py's (Trainer.step): "parallel" takes every gradient at the
current weights; "sequential" updates the top layer first and takes each lower delta with the updated
weights above; "alternating" (block-coordinate descent) also recomputes the forward values and deltas
of the layers above at their new weights before each lower layer's step.

Names: nabla is ∂E/∂θ, the worked example's dE_dW1, dE_dW2, ... of every layer at once.
The losses reduce over the rows of a batch: "half-sse" is the worked example's half-sse
summed over rows, "half-mse" its mean over rows (scikit-learn's squared_error). The worked
example's "mse" is a mean over outputs, a different thing, and is not offered here.

Every derivative is taken from the activation, not from z (derivative_from_output).
forward() computes, backward() returns the gradients, and an optimizer's update()
applies them (optimizers.py). For speed, the bias rides along as the last row of its
weight matrix, fed by a constant input 1 (Workspace), and every weight and bias lives in
one flat array (Network.params).

Counting: epoch N is the state after N passes over the training data; epoch 0 is the
initial weights.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import numpy as np

from backprop.training import TrainingDiverged

HIDDEN_ACTIVATIONS = ("sigmoid", "tanh", "relu")
OUTPUT_ACTIVATIONS = ("linear", "sigmoid")
INITS = ("glorot", "he", "uniform")
ORDERS = ("parallel", "sequential", "alternating")  # as worked_example.ALL_ORDERS
LOSSES = {
    "half-sse": "E = ½ Σ_rows Σ_outputs (t − y)², summed over the batch (the tutorials')",
    "half-mse": "E = (1/2m) Σ_rows Σ_outputs (t − y)², averaged over the m rows of a batch (scikit-learn's)",
}


# --- activations ------------------------------------------------------------------------------

# On 32-row batches a NumPy call costs about a microsecond whatever it computes, so the
# step is written as few calls as possible, into preallocated arrays, with constants as
# 0-d arrays (NumPy converts a Python float on every call).
ONE, ZERO = np.array(1.0), np.array(0.0)


def activate(name: str, z: np.ndarray, out: np.ndarray) -> np.ndarray:
    """a = f(z) into out; z is scratch space and may be out itself."""
    if name == "tanh":
        # np.tanh: one call, within a few ulps of tanh for every z (exact near 0, ±1 for
        # large |z|, no overflow). The former 2 / (1 + e^(−2z)) − 1 took five calls and lost
        # relative accuracy near 0 (8e-8 at z = 1e-9); with NumPy 2.4 on x86-64 (AVX-512)
        # np.tanh is also faster on a 32-row batch (32 × 32 into a Workspace view: 3.0–3.7 µs
        # against 4.3–6.7 µs) and about as fast on 10,000 rows (× 32: 0.66–0.86 ms against
        # 0.61–0.92 ms), ranges over runs on a shared machine.
        return np.tanh(z, out=out)
    if name == "sigmoid":
        np.negative(z, out=z)
        np.exp(z, out=z)
        np.add(z, ONE, out=z)
        return np.reciprocal(z, out=out)  # σ(z) = 1 / (1 + e^(−z))
    if name == "relu":
        return np.maximum(z, ZERO, out=out)
    if out is not z:  # linear: a = z
        np.copyto(out, z)
    return out


def derivative_from_output(name: str, a: np.ndarray, out: np.ndarray) -> np.ndarray:
    """f'(z) written in terms of the activation a = f(z), into out."""
    if name == "tanh":
        np.multiply(a, a, out=out)
        return np.subtract(ONE, out, out=out)  # 1 − a²
    if name == "sigmoid":
        np.subtract(ONE, a, out=out)
        return np.multiply(out, a, out=out)  # a (1 − a)
    if name == "relu":
        return np.greater(a, ZERO, out=out)  # 1 where z > 0, else 0
    out[...] = 1.0  # linear
    return out


# --- the network --------------------------------------------------------------------------------


class Network:
    """Layer sizes, activations, and all weights and biases in one flat array `params`.

    weights[l] (sizes[l], sizes[l + 1]) and biases[l] (sizes[l + 1],) are views of
    params; layer l's weights and bias sit together in params[parts[l]] as the matrix
    param_blocks[l] = [W; b] (the bias is the last row), so that an optimizer can
    update everything, or one layer, in one go.
    train_biases=False keeps the biases at their initial values (the worked example's
    fixed 0.35 and 0.60; Trask's nets use 0, that is, no bias).
    """

    def __init__(self, sizes, activation="tanh", output="linear", *, init="glorot", rng=None,
                 train_biases=True, weights=None, biases=None):  # fmt: skip
        self.sizes = [int(s) for s in sizes]
        if len(self.sizes) < 2 or min(self.sizes) < 1:
            raise ValueError(f"layer sizes must be at least two whole numbers >= 1, not {sizes!r}")
        if activation not in HIDDEN_ACTIVATIONS:
            raise ValueError(f"unknown activation {activation!r}; choose one of {', '.join(HIDDEN_ACTIVATIONS)}")
        if output not in OUTPUT_ACTIVATIONS:
            raise ValueError(f"unknown output {output!r}; choose one of {', '.join(OUTPUT_ACTIVATIONS)}")
        if init not in INITS:
            raise ValueError(f"unknown init {init!r}; choose one of {', '.join(INITS)}")
        self.activation, self.output, self.init, self.train_biases = activation, output, init, train_biases
        self.activations_of_layers = [activation] * (len(self.sizes) - 2) + [output]
        ends = np.cumsum([0] + [(i + 1) * o for i, o in zip(self.sizes, self.sizes[1:], strict=False)])
        self.parts = [slice(int(a), int(b)) for a, b in zip(ends, ends[1:], strict=False)]
        self.params = np.zeros(ends[-1])
        self.param_blocks = self.blocks(self.params)  # [W; b] of each layer
        self.weights, self.biases = self.views(self.params)
        rng = np.random.default_rng(rng)
        for w, b in zip(self.weights, self.biases, strict=True):
            fan_in, fan_out = w.shape
            if init == "glorot":  # Glorot and Bengio (2010), uniform; biases 0
                limit = math.sqrt(6.0 / (fan_in + fan_out))
                w[...] = rng.uniform(-limit, limit, w.shape)
            elif init == "he":  # He et al. (2015), normal; biases 0
                w[...] = rng.normal(0.0, math.sqrt(2.0 / fan_in), w.shape)
            else:  # uniform(−1, 1), weights and biases
                w[...] = rng.uniform(-1.0, 1.0, w.shape)
                b[...] = rng.uniform(-1.0, 1.0, b.shape)
        for given, mine in ((weights, self.weights), (biases, self.biases)):
            if given is not None:
                for g, m in zip(given, mine, strict=True):
                    m[...] = g  # broadcasts: a bias may be one number for the whole layer

    def blocks(self, flat: np.ndarray) -> list[np.ndarray]:
        """Layer l's part of a flat array laid out like params, as a (fan_in + 1, fan_out) matrix [W; b]."""
        shapes = zip(self.parts, self.sizes, self.sizes[1:], strict=False)
        return [flat[part].reshape(fan_in + 1, fan_out) for part, fan_in, fan_out in shapes]

    def views(self, flat: np.ndarray):
        """(weights, biases): lists of views of a flat array laid out like params."""
        blocks = self.blocks(flat)
        return [block[:-1] for block in blocks], [block[-1] for block in blocks]

    def describe(self) -> str:
        bias = "biases trained" if self.train_biases else "biases fixed"
        return f"{'-'.join(map(str, self.sizes))}, {self.activation} hidden, {self.output} output, {bias}"


class Workspace:
    """The arrays of one forward and backward pass over a batch of m rows, allocated once.

    Bias as a weight: layer l's input is stored as [a | 1], a column of ones appended,
    so that zs[l] = [a | 1] @ [W; b] = a W + b is one product, and its gradient
    [a | 1]ᵀ delta = [aᵀ delta; Σ_rows delta] = [∂E/∂W; ∂E/∂b] is another.
    activations[l] are views of those inputs (without the ones); the last is y.
    """

    def __init__(self, sizes, m: int):
        self.inputs = [np.ones((m, n + 1)) for n in sizes[:-1]]  # [a | 1] of each layer
        self.zs = [np.empty((m, n)) for n in sizes[1:]]
        self.activations = [x[:, :-1] for x in self.inputs] + [self.zs[-1]]  # y = f(zs[-1]) over zs[-1]
        self.deltas = [np.empty((m, n)) for n in sizes[1:]]  # ∂E/∂zs[l]
        self.fprime = [np.empty((m, n)) for n in sizes[1:]]  # f'(zs[l])


def forward(net: Network, X: np.ndarray, ws: Workspace | None = None) -> Workspace:
    """The forward pass; ws.activations = [X, f(X W0 + b0), ...], the last one the prediction y."""
    ws = ws or Workspace(net.sizes, len(X))
    np.copyto(ws.activations[0], X)
    forward_from(net, ws, 0)
    return ws


def forward_from(net: Network, ws: Workspace, first: int) -> None:
    """The forward pass from layer `first` up, the activations below it as they stand."""
    for l in range(first, len(net.param_blocks)):  # noqa: E741
        z = np.dot(ws.inputs[l], net.param_blocks[l], out=ws.zs[l])  # zs[l] = [a | 1] @ [W; b] = activations[l] W + b
        activate(net.activations_of_layers[l], z, out=ws.activations[l + 1])  # activations[l + 1] = f(zs[l])


def predict(net: Network, X: np.ndarray) -> np.ndarray:
    return forward(net, X).activations[-1]


def mse(net: Network, X: np.ndarray, y: np.ndarray) -> float:
    """The plain mean squared error over every row and output, the metric every report uses."""
    return float(np.mean((predict(net, X) - y) ** 2))


def backward_layers(net: Network, ws: Workspace, t, loss, nabla_blocks) -> Iterator[int]:
    """Backpropagation from the last layer down, writing [∂E/∂W; ∂E/∂b] into nabla_blocks.

    Yields l after writing layer l's gradient. The delta of layer l − 1 is computed
    only when the caller asks for the next layer, from weights[l] as they are then:
    unchanged if the caller waits (parallel order), already updated if the caller
    has just updated layer l (sequential order).
    """
    last = len(net.sizes) - 2
    y, delta = ws.activations[-1], ws.deltas[last]
    np.subtract(y, t, out=delta)  # ∂E/∂y = y − t for E = ½ Σ (t − y)²
    if loss == "half-mse":
        np.multiply(delta, np.array(1.0 / len(t)), out=delta)  # ∂E/∂y = (y − t) / m for E = (1/2m) Σ (t − y)²
    if net.output != "linear":
        delta *= derivative_from_output(net.output, y, ws.fprime[last])  # delta = ∂E/∂y ⊙ f'
    for l in range(last, -1, -1):  # noqa: E741 (l is the layer, as in the formulas)
        np.dot(ws.inputs[l].T, ws.deltas[l], out=nabla_blocks[l])  # [∂E/∂W; ∂E/∂b] = [a | 1]ᵀ delta
        if not net.train_biases:
            nabla_blocks[l][-1] = 0.0  # a fixed bias gets no gradient, so no optimizer moves it
        yield l
        if l > 0:
            delta = np.dot(ws.deltas[l], net.weights[l].T, out=ws.deltas[l - 1])  # delta (layer l − 1) =
            delta *= derivative_from_output(net.activation, ws.activations[l], ws.fprime[l - 1])  # (delta Wᵀ) ⊙ f'


def backward(net: Network, ws: Workspace, t, loss="half-mse", nabla=None) -> np.ndarray:
    """∇E at the current weights, as a flat array laid out like net.params (see Network.views)."""
    nabla = np.zeros_like(net.params) if nabla is None else nabla
    for _ in backward_layers(net, ws, t, loss, net.blocks(nabla)):
        pass
    return nabla


def check_loss_and_order(loss: str, order: str) -> None:
    if loss not in LOSSES:
        raise ValueError(f"unknown loss {loss!r}; choose one of {', '.join(LOSSES)}")
    if order not in ORDERS:
        raise ValueError(f"unknown order {order!r}; choose one of {', '.join(ORDERS)}")


class Trainer:
    """One training step on a batch, with the gradient and workspace arrays kept between steps."""

    def __init__(self, net: Network, optimizer, loss="half-mse", order="parallel"):
        check_loss_and_order(loss, order)
        self.net, self.optimizer, self.loss, self.order = net, optimizer, loss, order
        self.nabla = np.zeros_like(net.params)
        self.nabla_blocks = net.blocks(self.nabla)
        self.workspaces = {}  # batch size -> Workspace

    def step(self, X: np.ndarray, t: np.ndarray) -> None:
        net, optimizer, theta, nabla = self.net, self.optimizer, self.net.params, self.nabla
        ws = self.workspaces.get(len(X))
        if ws is None:
            ws = self.workspaces[len(X)] = Workspace(net.sizes, len(X))
        forward(net, X, ws)
        optimizer.begin_step()
        layers = backward_layers(net, ws, t, self.loss, self.nabla_blocks)
        if self.order == "parallel":  # every gradient at the current weights, then every update
            for _ in layers:
                pass
            optimizer.update(theta, nabla)
        elif self.order == "sequential":  # update each layer as soon as its gradient is known, so that
            for l in layers:  # noqa: E741 (the delta below it is taken with the updated weights)
                optimizer.update(theta, nabla, net.parts[l])
        else:  # alternating: block-coordinate descent from the top, each layer's step at the layers above
            for l in range(len(net.parts) - 1, -1, -1):  # noqa: E741 (as they stand after their own steps)
                if l < len(net.parts) - 1:  # the layers above have moved: their forward values and deltas again
                    forward_from(net, ws, l + 1)
                    layers = backward_layers(net, ws, t, self.loss, self.nabla_blocks)
                for k in layers:
                    if k == l:
                        break
                optimizer.update(theta, nabla, net.parts[l])


# --- training -------------------------------------------------------------------------------------


@dataclass
class History:
    """The learning curve: one entry per recorded epoch (epoch 0 = initial weights)."""

    epoch: list[int] = field(default_factory=list)
    train_mse: list[float] = field(default_factory=list)
    validation_mse: list[float] = field(default_factory=list)  # NaN without validation data
    seconds: list[float] = field(default_factory=list)  # wall-clock since training started
    stopped: str = "epochs"  # "target": the target validation MSE was reached

    @property
    def epochs(self) -> int:
        return self.epoch[-1]


def train(net: Network, X, y, optimizer, *, epochs: int, batch_size: int, loss="half-mse", order="parallel",
          rng=None, shuffle=True, validation=None, target_mse=None,
          on_epoch: Callable[[int, Network, History], None] | None = None) -> History:  # fmt: skip
    """Mini-batch training for up to `epochs` passes over (X, y).

    Each epoch visits the rows in a new order from rng (a seed or Generator), or,
    with shuffle=False, in the order given; batches are consecutive slices of batch_size rows,
    the last one possibly shorter. After each epoch the train and validation MSE are
    recorded; training stops once the validation MSE is at most target_mse. Raises
    TrainingDiverged when the training MSE is not finite.
    """
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float).reshape(len(X), -1)
    if not 1 <= batch_size <= len(X):
        raise ValueError(f"batch_size must be between 1 and {len(X)}, not {batch_size}")
    trainer, rng, history = Trainer(net, optimizer, loss, order), np.random.default_rng(rng), History()
    X_val, y_val = validation if validation is not None else (None, None)
    start = time.perf_counter()

    def record(epoch: int) -> bool:
        """Record the epoch; True when the target is reached."""
        train_mse = mse(net, X, y)
        if not math.isfinite(train_mse):
            raise TrainingDiverged(epoch, f"training diverged in epoch {epoch}: the training MSE is not finite "
                                   f"(learning rate {optimizer.learning_rate:g}); try a smaller learning rate")
        val_mse = mse(net, X_val, y_val) if X_val is not None else math.nan
        history.epoch.append(epoch), history.train_mse.append(train_mse)
        history.validation_mse.append(val_mse), history.seconds.append(time.perf_counter() - start)
        if on_epoch is not None:
            on_epoch(epoch, net, history)
        return target_mse is not None and val_mse <= target_mse

    with np.errstate(all="ignore"):  # overflow shows up as a non-finite MSE, reported once
        done, epoch = record(0), 0
        try:
            for epoch in range(1, epochs + 1):
                if done:
                    break
                if shuffle:
                    order_ = rng.permutation(len(X))
                    X_epoch, y_epoch = X[order_], y[order_]
                else:
                    X_epoch, y_epoch = X, y
                for i in range(0, len(X), batch_size):
                    trainer.step(X_epoch[i : i + batch_size], y_epoch[i : i + batch_size])
                done = record(epoch)
        except KeyboardInterrupt as stop:  # Ctrl-C or SIGTERM: say how far training got
            stop.where = f"epoch {epoch}"
            raise
    history.stopped = "target" if done else "epochs"
    return history
