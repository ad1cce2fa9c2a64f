"""The 2-2-2 network's weights in each engine's layout, and the conversions between them, in one place.

"w1..w8"     the post's numbering, flat: w1 w2 w3 w4 (W1 row by row), w5 w6 w7 w8 (W2 row by row)
             (written_out.py and general.py name them so; exercise.Exercise.weights)
"matrices"   (out, in) matrices W1, W2, row i feeding neuron i, and bias vectors b1, b2 of two numbers
             (worked_example.step, training.Trajectory)
"columns"    [W | b] per layer, (2, 3): the bias as the last column, fed by a constant input 1
             (engine.FastNetwork; scalar.run's state is the two of them raveled, then the outputs)
"batched"    structure of arrays, the K networks on the last axis: params (12, K) = [W1ᵀ; b1] (3, 2, K)
             then [W2ᵀ; b2] (3, 2, K), row j of W1ᵀ what multiplies input j (batched.Block.params)
"fan-in"     (fan_in, fan_out) matrices, W1ᵀ and W2ᵀ, and bias vectors (layered.Network.weights, .biases;
             scikit-learn's coefs_)
"""

from __future__ import annotations

import numpy as np

LAYOUTS = ("w1..w8", "matrices", "columns", "batched", "fan-in")


def flat_from_matrices(W1, W2) -> tuple:
    """(w1, ..., w8) from W1, W2 (out, in)."""
    return tuple(float(w) for w in np.concatenate([np.ravel(W1), np.ravel(W2)]))


def matrices_from_flat(weights) -> tuple[np.ndarray, np.ndarray]:
    """W1, W2 (out, in) from (w1, ..., w8)."""
    w = np.asarray(weights, dtype=float)
    return w[:4].reshape(2, 2), w[4:8].reshape(2, 2)


def columns_from_matrices(W, b) -> np.ndarray:
    """[W | b] (2, 3) from W (2, 2) and b (a number or two)."""
    return np.column_stack([np.asarray(W, dtype=float), np.broadcast_to(np.asarray(b, dtype=float), (2,))])


def matrices_from_columns(W_b) -> tuple[np.ndarray, np.ndarray]:
    """W (2, 2) and b (2,) from [W | b] (..., 2, 3): views, a leading axis of rows allowed."""
    W_b = np.asarray(W_b)
    return W_b[..., :2], W_b[..., 2]


def batched_from_matrices(W1, W2, b1, b2) -> np.ndarray:
    """params (12, K) of K networks, from W1, W2 (K, 2, 2) and b1, b2 (K, 2)."""
    k = len(W1)
    params = np.empty((12, k))
    for part, W, b in ((params[0:6], W1, b1), (params[6:12], W2, b2)):
        block = part.reshape(3, 2, k)
        block[0:2] = np.asarray(W, dtype=float).transpose(2, 1, 0)  # [j, i, k] = W[k, i, j]
        block[2] = np.asarray(b, dtype=float).T
    return params


def matrices_from_batched(params) -> tuple:
    """W1, W2 (..., 2, 2) and b1, b2 (..., 2) of every network, from params (..., 12, K): the network
    axis K comes first in the results, then any leading axis (for instance checkpoints)."""
    p = np.moveaxis(np.asarray(params), -1, 0)  # (K, ..., 12)
    W1, W2 = p[..., 0:4].reshape(*p.shape[:-1], 2, 2), p[..., 6:10].reshape(*p.shape[:-1], 2, 2)
    return np.swapaxes(W1, -1, -2), np.swapaxes(W2, -1, -2), p[..., 4:6], p[..., 10:12]


def fan_in_from_matrices(W) -> np.ndarray:
    """(fan_in, fan_out) from (out, in): the transpose."""
    return np.asarray(W).T


def matrices_from_fan_in(W) -> np.ndarray:
    """(out, in) from (fan_in, fan_out): the transpose."""
    return np.asarray(W).T
