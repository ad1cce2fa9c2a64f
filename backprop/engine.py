"""The 2-2-2 engine in NumPy: the worked example's math (worked_example.py) computed in place.

train() runs scalar.py, the same update in Python floats (several times faster on 2-vectors),
and hands this engine the updates whose floating-point checks decide something: a saturated
sigmoid (forward_without_overflow) and divergence (training.advance).

The same formulas, one NumPy call per line, for training runs of millions of updates.
On 2-vectors NumPy's cost is per call (about 0.2 µs), not per number, so the engine
1. writes every result into an array allocated once, never making new arrays: the last
   argument of each NumPy call below is where its result goes (NumPy's positional out,
   a little faster than out=);
2. treats each layer's bias as the last column of its weight matrix, fed by a constant
   input 1, so that net = [W | b] [x; 1] is one call and [dE/dW | dE/db] = delta [x; 1]ᵀ
   another (W1, b1, ... are views of that matrix);
3. keeps constants (1, c, η) as arrays, which NumPy does not convert on every call, and
   updates a whole [W | b] at once, with learning rate 0 for a bias that is not trained;
4. keeps everything a Trajectory records in two flat arrays, `state` (weights and
   forward pass) and `gradient`, so that recording a row is two copies.

tests/test_engines.py runs FastNetwork beside worked_example.step for every update
order, bias policy and loss, update by update (backprop/capabilities.py).

The update orders are the four steps below, in two orders: parallel_update and
sequential_update differ by two swapped lines. alternating_update (block-coordinate
descent) puts two steps between them: the output layer's forward pass and delta_o again,
at the updated W2.
"""

from __future__ import annotations

import numpy as np
from numpy import add, dot, exp, multiply, negative, reciprocal, subtract

from backprop.layouts import matrices_from_columns
from backprop.worked_example import INPUT, TARGET, as_bias_vector, check_biases, error, loss_scale


class FastNetwork:
    """The 2-2-2 network's weights and every intermediate value, updated in place.

    Steps, each a method: forward(); output_layer_gradient(); hidden_layer_gradient(),
    which takes W2 as it stands when called; update_output_layer(); update_hidden_layer().

    state    = [W1 | b1 (6), W2 | b2 (6), out_o (2), out_h (2), 1]: the weights and the forward pass;
               the 1 after out_h is the output layer's bias input, so that [out_h; 1] is a view
    gradient = [dE/dW1 | dE/db1 (6), dE/dW2 | dE/db2 (6)]: the gradients the last update applied
    """

    STATE_SIZE, GRADIENT_SIZE = 17, 12

    def __init__(self, learning_rate, biases, loss, w1, w2, b1, b2, x=INPUT, target=TARGET):
        check_biases(biases)
        self.loss, self.biases = loss, biases
        self.learning_rate = float(learning_rate)
        self.target = np.array(target, dtype=float)
        self.x_1 = np.append(np.asarray(x, dtype=float), 1.0)  # [i1, i2, 1]: the hidden layer's input

        # The weights, biases and forward pass: views of `state`.
        self.state = np.zeros(self.STATE_SIZE)
        self.W1_b1, self.W2_b2 = self.state[0:6].reshape(2, 3), self.state[6:12].reshape(2, 3)
        self.W1, self.b1 = matrices_from_columns(self.W1_b1)  # views
        self.W2, self.b2 = matrices_from_columns(self.W2_b2)
        self.W2_T = self.W2.T
        self.W1[...], self.W2[...] = np.reshape(w1, (2, 2)), np.reshape(w2, (2, 2))
        self.b1[...], self.b2[...] = as_bias_vector(b1, "b1", biases), as_bias_vector(b2, "b2", biases)
        if not np.isfinite(self.state).all():
            raise ValueError("initial weights must be finite")
        self.outputs = self.state[12:16]  # [out_o1, out_o2, out_h1, out_h2]
        self.out_o, self.out_h = self.state[12:14], self.state[14:16]
        self.state[16] = 1.0
        self.out_h_1 = self.state[14:17]  # [out_h1, out_h2, 1]: the output layer's input
        self.net_h, self.net_o = np.zeros(2), np.zeros(2)
        self.dout_dnet = np.zeros(4)  # out (1 − out) of [o1, o2, h1, h2]
        self.dout_o_dnet_o, self.dout_h_dnet_h = self.dout_dnet[:2], self.dout_dnet[2:]

        # The backward pass: the deltas, and the gradients as views of `gradient`.
        self.delta_o, self.delta_h = np.zeros(2), np.zeros(2)
        self.gradient = np.zeros(self.GRADIENT_SIZE)
        self.dE_dW1_b1, self.dE_dW2_b2 = self.gradient[0:6].reshape(2, 3), self.gradient[6:12].reshape(2, 3)
        self.dE_db1, self.dE_db2 = self.dE_dW1_b1[:, 2], self.dE_dW2_b2[:, 2]  # a shared bias's is written here
        # An outer product a bᵀ is one dot of a (2, 1) column by a (1, 3) row.
        self.delta_o_column, self.delta_h_column = self.delta_o[:, None], self.delta_h[:, None]
        self.x_1_row, self.out_h_1_row = self.x_1[None, :], self.out_h_1[None, :]

        # Constants. The learning rate of each entry of [W | b]: η for the weights, and for the
        # bias η when it is trained, 0 when it is fixed (so an update is two calls on a layer).
        self.learning_rates = np.full((2, 3), self.learning_rate)
        if biases == "fixed":
            self.learning_rates[:, 2] = 0.0
        self.change = np.zeros((2, 3))  # η ⊙ [dE/dW | dE/db], the step about to be taken
        self.one, self.one_4 = np.ones(2), np.ones(4)
        self.c = np.full(2, loss_scale(loss, 2))  # dE/dout_o = c (out_o − t)
        self.scaled, self.shared = self.c[0] != 1.0, biases == "shared"

    def forward(self) -> None:
        """out_h = σ(W1 x + b1), out_o = σ(W2 out_h + b2), and dout/dnet = out (1 − out) of both layers."""
        net_h, out_h, net_o, out_o, one = self.net_h, self.out_h, self.net_o, self.out_o, self.one
        dot(self.W1_b1, self.x_1, net_h)  # net_h = [W1 | b1] [x; 1] = W1 x + b1
        negative(net_h, out_h)
        exp(out_h, out_h)
        add(out_h, one, out_h)
        reciprocal(out_h, out_h)  # out_h = σ(net_h) = 1 / (1 + e^(−net_h))
        dot(self.W2_b2, self.out_h_1, net_o)  # net_o = W2 out_h + b2
        negative(net_o, out_o)
        exp(out_o, out_o)
        add(out_o, one, out_o)
        reciprocal(out_o, out_o)  # out_o = σ(net_o)
        subtract(self.one_4, self.outputs, self.dout_dnet)
        multiply(self.dout_dnet, self.outputs, self.dout_dnet)  # dout/dnet = out (1 − out), both layers

    def forward_without_overflow(self) -> None:
        """forward() for a saturated network: σ(net) = e^net / (1 + e^net) where net < 0, so that
        no e^x overflows (the slow path, taken only when forward() overflowed)."""
        with np.errstate(over="ignore", under="ignore", invalid="raise"):
            for W_b, layer_input, out in ((self.W1_b1, self.x_1, self.out_h), (self.W2_b2, self.out_h_1, self.out_o)):
                net = W_b @ layer_input
                e = np.exp(-np.abs(net))  # ≤ 1: never overflows
                out[...] = np.where(net >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
            np.multiply(self.outputs, self.one_4 - self.outputs, out=self.dout_dnet)

    def forward_output_layer(self) -> None:
        """out_o = σ(W2 out_h + b2) and dout_o/dnet_o again, out_h as it stands (the alternating order)."""
        net_o, out_o = self.net_o, self.out_o
        dot(self.W2_b2, self.out_h_1, net_o)  # net_o = W2 out_h + b2
        try:
            negative(net_o, out_o)
            exp(out_o, out_o)
        except FloatingPointError:  # a saturated sigmoid, not divergence: σ(net) = e^net / (1 + e^net)
            with np.errstate(over="ignore", under="ignore", invalid="raise"):
                e = np.exp(-np.abs(net_o))
                out_o[...] = np.where(net_o >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
        else:
            add(out_o, self.one, out_o)
            reciprocal(out_o, out_o)  # out_o = σ(net_o)
        subtract(self.one, out_o, self.dout_o_dnet_o)
        multiply(self.dout_o_dnet_o, out_o, self.dout_o_dnet_o)  # out_o (1 − out_o)

    def output_layer_delta(self) -> None:
        """delta_o = c (out_o − t) ⊙ out_o (1 − out_o), at out_o as it stands."""
        delta_o = self.delta_o
        subtract(self.out_o, self.target, delta_o)  # dE/dout_o = out_o − t for E = ½ Σ (t − out_o)² ...
        if self.scaled:
            multiply(delta_o, self.c, delta_o)  # ... and c (out_o − t) for E = (c/2) Σ (t − out_o)²
        multiply(delta_o, self.dout_o_dnet_o, delta_o)  # delta_o = dE/dout_o ⊙ dout_o/dnet_o

    def output_layer_gradient(self) -> None:
        """delta_o = c (out_o − t) ⊙ out_o (1 − out_o); [dE/dW2 | dE/db2] = delta_o [out_h; 1]ᵀ."""
        delta_o = self.delta_o
        self.output_layer_delta()
        dot(self.delta_o_column, self.out_h_1_row, self.dE_dW2_b2)
        if self.shared:
            self.dE_db2[:] = delta_o.sum()  # one bias feeds both neurons: dE/db2 = Σ delta_o

    def hidden_layer_gradient(self) -> None:
        """delta_h = (W2ᵀ delta_o) ⊙ out_h (1 − out_h), with W2 as it stands; [dE/dW1 | dE/db1] = delta_h [x; 1]ᵀ."""
        delta_h = self.delta_h
        dot(self.W2_T, self.delta_o, delta_h)  # dE/dout_h = W2ᵀ delta_o
        multiply(delta_h, self.dout_h_dnet_h, delta_h)  # delta_h = dE/dout_h ⊙ dout_h/dnet_h
        dot(self.delta_h_column, self.x_1_row, self.dE_dW1_b1)
        if self.shared:
            self.dE_db1[:] = delta_h.sum()  # dE/db1 = Σ delta_h

    def update_output_layer(self) -> None:
        """W2 ← W2 − η dE/dW2 (and b2 ← b2 − η dE/db2 when biases are trained)."""
        multiply(self.learning_rates, self.dE_dW2_b2, self.change)
        subtract(self.W2_b2, self.change, self.W2_b2)

    def update_hidden_layer(self) -> None:
        """W1 ← W1 − η dE/dW1 (and b1 ← b1 − η dE/db1 when biases are trained)."""
        multiply(self.learning_rates, self.dE_dW1_b1, self.change)
        subtract(self.W1_b1, self.change, self.W1_b1)

    def error(self) -> float:
        return error(self.out_o, self.target, self.loss)

    @staticmethod
    def unpack(states, gradients) -> dict:
        """Named views of recorded `state` and `gradient` rows (shapes (R, 17) and (R, 12))."""
        n = len(states)
        w1, b1 = matrices_from_columns(states[:, 0:6].reshape(n, 2, 3))  # [W1 | b1] of each row
        w2, b2 = matrices_from_columns(states[:, 6:12].reshape(n, 2, 3))
        grad_w1, grad_b1 = matrices_from_columns(gradients[:, 0:6].reshape(n, 2, 3))
        grad_w2, grad_b2 = matrices_from_columns(gradients[:, 6:12].reshape(n, 2, 3))
        return dict(w1=w1, b1=b1, w2=w2, b2=b2, output=states[:, 12:14], hidden=states[:, 14:16],
                    grad_w1=grad_w1, grad_b1=grad_b1, grad_w2=grad_w2, grad_b2=grad_b2)  # fmt: skip


def parallel_update(net: FastNetwork) -> None:
    """Both gradients at the current weights, then both updates: gradient descent."""
    net.output_layer_gradient()  # delta_o = (out_o − t) ⊙ out_o ⊙ (1 − out_o), dE_dW2 = delta_o out_hᵀ
    net.hidden_layer_gradient()  # delta_h = (W2ᵀ delta_o) ⊙ out_h ⊙ (1 − out_h), W2 not yet updated
    net.update_output_layer()  # W2 ← W2 − η dE_dW2
    net.update_hidden_layer()  # W1 ← W1 − η dE_dW1


def sequential_update(net: FastNetwork) -> None:
    """Output layer first; the hidden layer's delta then sees the new W2 (Mazur's original code)."""
    net.output_layer_gradient()  # delta_o = (out_o − t) ⊙ out_o ⊙ (1 − out_o), dE_dW2 = delta_o out_hᵀ
    net.update_output_layer()  # W2 ← W2 − η dE_dW2
    net.hidden_layer_gradient()  # delta_h = (W2ᵀ delta_o) ⊙ out_h ⊙ (1 − out_h), W2 already updated
    net.update_hidden_layer()  # W1 ← W1 − η delta_h xᵀ


def alternating_update(net: FastNetwork) -> None:
    """Block-coordinate descent: the output layer's step, then the hidden layer's step at the new output layer."""
    net.output_layer_gradient()  # delta_o = (out_o − t) ⊙ out_o ⊙ (1 − out_o), dE_dW2 = delta_o out_hᵀ
    net.update_output_layer()  # W2 ← W2 − η dE_dW2
    net.forward_output_layer()  # out_o = σ(W2 out_h + b2) at the new W2 (out_h unchanged: W1 has not moved)
    net.output_layer_delta()  # delta_o at the new out_o (dE_dW2, already applied, is kept as the record)
    net.hidden_layer_gradient()  # delta_h = (W2ᵀ delta_o) ⊙ out_h ⊙ (1 − out_h), both at the new W2
    net.update_hidden_layer()  # W1 ← W1 − η delta_h xᵀ


UPDATES = {"parallel": parallel_update, "sequential": sequential_update, "alternating": alternating_update}
