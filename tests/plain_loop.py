"""An independent reference for the 2-2-2 network: Mazur's post as a plain-Python loop.

Python floats and math.exp, one line per formula of the post, no NumPy and nothing
from the project: the tests hold the library's numbers against these. Weights in the
post's numbering: w = [w1, ..., w8], w1..w4 into the hidden layer, w5..w8 into the output.
"""

import math

X = (0.05, 0.10)
T = (0.01, 0.99)
W = (0.15, 0.20, 0.25, 0.30, 0.40, 0.45, 0.50, 0.55)
B1, B2, ETA = 0.35, 0.60, 0.5


def sigma(net):
    return 1.0 / (1.0 + math.exp(-net))


def forward(w, b1=B1, b2=B2):
    """(out_h1, out_h2, out_o1, out_o2, E_total) at weights w, fixed biases, E = ½ Σ (t − out)²."""
    w1, w2, w3, w4, w5, w6, w7, w8 = w
    out_h1 = sigma(w1 * X[0] + w2 * X[1] + b1)
    out_h2 = sigma(w3 * X[0] + w4 * X[1] + b1)
    out_o1 = sigma(w5 * out_h1 + w6 * out_h2 + b2)
    out_o2 = sigma(w7 * out_h1 + w8 * out_h2 + b2)
    return out_h1, out_h2, out_o1, out_o2, 0.5 * (T[0] - out_o1) ** 2 + 0.5 * (T[1] - out_o2) ** 2


def update(w, order, eta=ETA):
    """One update in the given order ("parallel", "sequential" or "alternating"), fixed biases: the new w."""
    w1, w2, w3, w4, w5, w6, w7, w8 = w
    out_h1, out_h2, out_o1, out_o2, _ = forward(w)
    delta_o1 = (out_o1 - T[0]) * out_o1 * (1 - out_o1)
    delta_o2 = (out_o2 - T[1]) * out_o2 * (1 - out_o2)
    n5, n6 = w5 - eta * delta_o1 * out_h1, w6 - eta * delta_o1 * out_h2
    n7, n8 = w7 - eta * delta_o2 * out_h1, w8 - eta * delta_o2 * out_h2
    if order in ("sequential", "alternating"):  # the hidden layer's delta with the updated w5..w8
        w5, w6, w7, w8 = n5, n6, n7, n8
    if order == "alternating":  # and with delta_o at the updated w5..w8 (out_h has not changed)
        out_o1, out_o2 = sigma(w5 * out_h1 + w6 * out_h2 + B2), sigma(w7 * out_h1 + w8 * out_h2 + B2)
        delta_o1 = (out_o1 - T[0]) * out_o1 * (1 - out_o1)
        delta_o2 = (out_o2 - T[1]) * out_o2 * (1 - out_o2)
    delta_h1 = (delta_o1 * w5 + delta_o2 * w7) * out_h1 * (1 - out_h1)
    delta_h2 = (delta_o1 * w6 + delta_o2 * w8) * out_h2 * (1 - out_h2)
    return (w1 - eta * delta_h1 * X[0], w2 - eta * delta_h1 * X[1], w3 - eta * delta_h2 * X[0],
            w4 - eta * delta_h2 * X[1], n5, n6, n7, n8)  # fmt: skip


def trajectory(order, iterations, eta=ETA):
    """[(w, forward(w)) after k updates for k = 0..iterations]."""
    w, rows = W, []
    for _ in range(iterations):
        rows.append((w, forward(w)))
        w = update(w, order, eta)
    rows.append((w, forward(w)))
    return rows
