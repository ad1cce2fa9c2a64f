"""The worked example of Matt Mazur's "A Step by Step Backpropagation Example" (2015), readable.

This is the reference: the math as the post writes it, one line per formula, in the
post's names. The fast engines (scalar.py in Python floats, engine.py in NumPy) compute the
same numbers and are tested against step() below, update by update (tests/test_engines.py,
over what each supports: backprop/capabilities.py).

One input x = [i1, i2], two hidden and two output neurons, all logistic (sigmoid).
Where the post's eight weights sit (row i feeds neuron i of the next layer; the
layered engine, layered.py, keeps the transpose, (fan_in, fan_out)):

    W1 = [[w1, w2],      net_h1 = w1*i1 + w2*i2 + b1
          [w3, w4]]      net_h2 = w3*i1 + w4*i2 + b1
    W2 = [[w5, w6],      net_o1 = w5*out_h1 + w6*out_h2 + b2
          [w7, w8]]      net_o2 = w7*out_h1 + w8*out_h2 + b2

Glossary of name parts (as in Mazur's companion code):
    net_   total net input of a neuron          out_   its output, sigmoid(net_)
    dE_d   partial derivative of the error E    delta  dE/dnet of a layer's neurons

The losses, all E = (c/2) Σ_o (target_o − out_o)², so that dE/dout_o = c (out_o − target_o):
"half-sse" (c = 1, the post's E_total), "sse" (c = 2) and "mse" (the mean over the n
outputs, c = 2/n; with two outputs it equals half-sse). The layered engine's losses
reduce over the rows of a batch instead and are named apart (layered.LOSSES).

Two update orders: "parallel" takes both gradients at the current weights,
then applies both: one step of gradient descent, the post's arithmetic. "sequential"
updates W2 first and takes the hidden layer's delta with the updated W2 (out_h, out_o
and delta_o are not recomputed): not gradient descent, it departs by a term in η².
A third, "alternating" (ALL_ORDERS; the training scripts offer the first two), is
block-coordinate gradient descent (Gauss–Seidel): W2 takes its step, then out_o and
delta_o are recomputed at the new W2 (out_h is unchanged: W1 has not moved), and W1
takes its step with that delta_o and the new W2. The pair counts as one update.
Sequential is half of it: it reuses the old delta_o.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# The post's numbers.
INPUT = np.array([0.05, 0.10])  # i1, i2
TARGET = np.array([0.01, 0.99])  # target_o1, target_o2
W1_INIT = np.array([[0.15, 0.20], [0.25, 0.30]])  # w1 w2 / w3 w4
W2_INIT = np.array([[0.40, 0.45], [0.50, 0.55]])  # w5 w6 / w7 w8
B1_INIT = 0.35
B2_INIT = 0.60
LEARNING_RATE = 0.5

WEIGHT_NAMES = ("w1", "w2", "w3", "w4", "w5", "w6", "w7", "w8")
ORDERS = ("parallel", "sequential")  # the orders of the training scripts
ALL_ORDERS = (*ORDERS, "alternating")  # and block-coordinate descent, for the library and sweep.py

# Biases: "fixed" as in the post's arithmetic (never trained); "shared": one trained
# bias per layer, as the post's diagram draws it; "per-neuron": each neuron its own.
BIAS_POLICIES = ("fixed", "shared", "per-neuron")

LOSSES = {
    "half-sse": "E = ½ Σ (t − y)²",
    "sse": "E = Σ (t − y)²",
    "mse": "E = (1/n) Σ (t − y)², the mean over the n outputs",
}


def check_loss(loss: str) -> str:
    if loss not in LOSSES:
        raise ValueError(f"unknown loss {loss!r}; choose one of {', '.join(LOSSES)}")
    return loss


def check_biases(biases: str) -> str:
    if biases not in BIAS_POLICIES:
        raise ValueError(f"unknown bias policy {biases!r}; choose one of {', '.join(BIAS_POLICIES)}")
    return biases


def loss_scale(loss: str, n_outputs: int = 2) -> float:
    """The constant c of E = (c/2) Σ (t − y)²: 1 for half-sse, 2 for sse, 2/n for mse."""
    return {"half-sse": 1.0, "sse": 2.0, "mse": 2.0 / n_outputs}[check_loss(loss)]


def sigmoid(net):
    """The logistic function σ(net) = 1 / (1 + e^(−net)), taking the net input."""
    return 1.0 / (1.0 + np.exp(-net))


def sigmoid_derivative_from_output(out):
    """dσ/dnet written in terms of the neuron's output: out * (1 − out)."""
    return out * (1.0 - out)


def as_bias_vector(b, name: str, biases: str) -> np.ndarray:
    """A bias given as a number or a 2-vector, as the per-neuron 2-vector the network uses."""
    vector = np.full(2, b, dtype=float) if np.ndim(b) == 0 else np.array(b, dtype=float)
    if vector.shape != (2,):
        raise ValueError(f"{name} must be one number or two, not {b!r}")
    if not np.isfinite(vector).all():
        raise ValueError(f"{name} must be finite")
    if biases == "shared" and vector[0] != vector[1]:
        raise ValueError(f"{name} must be one number with biases={biases!r}")
    return vector


def forward(w1, w2, b1=B1_INIT, b2=B2_INIT, x=INPUT):
    """The forward pass: out_h = σ(W1 x + b1), out_o = σ(W2 out_h + b2)."""
    out_h = sigmoid(w1 @ x + b1)
    out_o = sigmoid(w2 @ out_h + b2)
    return out_h, out_o


def output_errors(outputs, target=TARGET, loss="half-sse"):
    """The terms E_o = (c/2) (target_o − out_o)² of each output (the post's E_o1, E_o2), shape of outputs."""
    d = np.asarray(target) - np.asarray(outputs)
    return 0.5 * loss_scale(loss, d.shape[-1]) * (d * d)


def errors(outputs, target=TARGET, loss="half-sse"):
    """E_total = (c/2) Σ_o (target_o − out_o)² for each row of outputs (shape (..., 2)) -> array."""
    return output_errors(outputs, target, loss).sum(axis=-1)


def error(out_o, target=TARGET, loss="half-sse") -> float:
    """The total error of one output vector, by default E_total = ½ Σ (target − out)²."""
    return float(errors(out_o, target, loss))


@dataclass(frozen=True)
class Step:
    """Every number of one update, in the post's names (vectors over neurons, matrices as W1, W2).

    The forward pass is at the weights before the update; W2_for_hidden is the W2 that
    the hidden layer's delta was taken with (the old one in the parallel order, the
    updated one in the sequential and alternating orders), and delta_o_for_hidden the
    delta_o it was taken with (delta_o, except in the alternating order: delta_o
    recomputed at the updated W2 and b2, from out_o_for_hidden). dE_db1, dE_db2 are the bias gradients as
    applied: the deltas per neuron, their sum for a shared bias, zero for fixed biases (and so are
    training.Trajectory's grad_b1, grad_b2).
    """

    order: str
    net_h: np.ndarray
    out_h: np.ndarray
    net_o: np.ndarray
    out_o: np.ndarray
    E_o: np.ndarray  # the two terms of E_total
    E_total: float
    dE_dout_o: np.ndarray
    dout_o_dnet_o: np.ndarray
    delta_o: np.ndarray
    dE_dW2: np.ndarray
    dE_db2: np.ndarray
    W2_for_hidden: np.ndarray
    dE_o_dout_h: np.ndarray  # [o, h]: dE_o/dout_h, output o's part of dE_total/dout_h
    dE_dout_h: np.ndarray
    dout_h_dnet_h: np.ndarray
    delta_h: np.ndarray
    dE_dW1: np.ndarray
    dE_db1: np.ndarray
    w1: np.ndarray  # the weights and biases after the update
    w2: np.ndarray
    b1: np.ndarray
    b2: np.ndarray
    out_o_for_hidden: np.ndarray  # out_o at the W2, b2 the hidden layer's delta was taken with
    delta_o_for_hidden: np.ndarray


def bias_gradient(delta, biases: str) -> np.ndarray:
    """dE/db of a layer's bias vector: delta per neuron; Σ delta for one shared bias; 0 when fixed."""
    if biases == "per-neuron":
        return delta
    if biases == "shared":
        return np.full(2, delta.sum())
    return np.zeros(2)


def step(order, w1, w2, b1=B1_INIT, b2=B2_INIT, *, learning_rate=LEARNING_RATE, biases="fixed", loss="half-sse",
         x=INPUT, target=TARGET) -> Step:  # fmt: skip
    """One update of the 2-2-2 network in the given order; every intermediate value is returned."""
    if order not in ALL_ORDERS:
        raise ValueError(f"unknown order {order!r}; choose one of {', '.join(ALL_ORDERS)}")
    eta, c = learning_rate, loss_scale(loss, np.size(target))
    w1, w2 = np.asarray(w1, dtype=float), np.asarray(w2, dtype=float)
    b1, b2 = as_bias_vector(b1, "b1", check_biases(biases)), as_bias_vector(b2, "b2", biases)

    # The forward pass.
    net_h = w1 @ x + b1  # net_h1 = w1*i1 + w2*i2 + b1
    out_h = sigmoid(net_h)  # out_h1 = 1 / (1 + e^(−net_h1))
    net_o = w2 @ out_h + b2  # net_o1 = w5*out_h1 + w6*out_h2 + b2
    out_o = sigmoid(net_o)
    E_o = 0.5 * c * (target - out_o) ** 2  # E_o1 = ½ (target_o1 − out_o1)² for half-sse

    # The output layer: dE/dw5 = dE/dout_o1 * dout_o1/dnet_o1 * dnet_o1/dw5.
    dE_dout_o = c * (out_o - target)  # −(target_o1 − out_o1) for half-sse
    dout_o_dnet_o = sigmoid_derivative_from_output(out_o)  # out_o1 (1 − out_o1)
    delta_o = dE_dout_o * dout_o_dnet_o  # dE/dnet_o
    dE_dW2 = np.outer(delta_o, out_h)  # dnet_o1/dw5 = out_h1
    dE_db2 = bias_gradient(delta_o, biases)
    w2_new = w2 - eta * dE_dW2  # w5+ = w5 − η dE/dw5
    b2_new = b2 - eta * dE_db2

    # The hidden layer: dE_total/dout_h1 = dE_o1/dout_h1 + dE_o2/dout_h1, with
    # dE_o1/dout_h1 = dE_o1/dnet_o1 * dnet_o1/dout_h1 = delta_o1 * w5.
    W2_for_hidden = w2 if order == "parallel" else w2_new  # the one line where parallel and sequential differ
    out_o_for_hidden, delta_o_for_hidden = out_o, delta_o
    if order == "alternating":  # the output layer again, at its new weights (out_h has not changed)
        out_o_for_hidden = sigmoid(w2_new @ out_h + b2_new)
        delta_o_for_hidden = c * (out_o_for_hidden - target) * sigmoid_derivative_from_output(out_o_for_hidden)
    dE_o_dout_h = delta_o_for_hidden[:, None] * W2_for_hidden  # row o: delta_o * (w5, w6) for o1, (w7, w8) for o2
    dE_dout_h = dE_o_dout_h.sum(axis=0)  # = W2ᵀ delta_o
    dout_h_dnet_h = sigmoid_derivative_from_output(out_h)  # out_h1 (1 − out_h1)
    delta_h = dE_dout_h * dout_h_dnet_h
    dE_dW1 = np.outer(delta_h, x)  # dnet_h1/dw1 = i1
    dE_db1 = bias_gradient(delta_h, biases)
    w1_new = w1 - eta * dE_dW1  # w1+ = w1 − η dE/dw1
    b1_new = b1 - eta * dE_db1

    return Step(
        order, net_h, out_h, net_o, out_o, E_o, float(E_o.sum()), dE_dout_o, dout_o_dnet_o, delta_o, dE_dW2, dE_db2,
        W2_for_hidden, dE_o_dout_h, dE_dout_h, dout_h_dnet_h, delta_h, dE_dW1, dE_db1, w1_new, w2_new, b1_new, b2_new,
        out_o_for_hidden, delta_o_for_hidden,
    )  # fmt: skip
