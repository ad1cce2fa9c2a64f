"""How a gradient becomes a weight change: plain SGD and Adam, for the layered engine (layered.py).

An optimizer never sees layers. The network keeps every weight and bias in one
flat array θ (layered.Network.params) and backpropagation writes ∇E into one flat
array of the same layout, so one update is a handful of NumPy calls on the whole
parameter vector, however many layers there are. `part` (a slice of θ) lets the
sequential update order move one layer at a time.

Per training step: begin_step() once, then update(theta, nabla) for the whole
vector, or update(theta, nabla, part) for each layer's part.
"""

from __future__ import annotations

import numpy as np


class SGD:
    """Plain (mini-batch) gradient descent: θ ← θ − η ∇E."""

    name = "sgd"

    def __init__(self, size: int, learning_rate: float = 0.01):
        self.learning_rate = float(learning_rate)
        self.eta = np.array(self.learning_rate)  # a 0-d array: NumPy converts a Python float on every call
        self.step_ = np.empty(size)  # η ∇E, the change about to be subtracted

    def begin_step(self) -> None:
        pass

    def update(self, theta: np.ndarray, nabla: np.ndarray, part: slice | None = None) -> None:
        """θ[part] ← θ[part] − η ∇E[part]; the whole vector when part is None."""
        step = self.step_
        if part is not None:
            theta, nabla, step = theta[part], nabla[part], step[part]
        np.multiply(nabla, self.eta, out=step)  # η ∇E
        np.subtract(theta, step, out=theta)  # θ ← θ − η ∇E


class Adam:
    """Adam (Kingma and Ba, 2015) in its standard bias-corrected form, at step t = 1, 2, ...

        m ← β1 m + (1 − β1) ∇E              m̂ = m / (1 − β1^t)
        v ← β2 v + (1 − β2) ∇E ⊙ ∇E         v̂ = v / (1 − β2^t)
        θ ← θ − η m̂ / (√v̂ + ε)

    computed as θ ← θ − (η c1 / √c2) m / (√v + ε / √c2) with c1 = 1 / (1 − β1^t),
    c2 = 1 / (1 − β2^t): the same number, two calls fewer. (scikit-learn computes
    θ ← θ − (η √(1 − β2^t) / (1 − β1^t)) m / (√v + ε), which moves ε: its steps differ
    from these where √v̂ is not much larger than ε.)
    """

    name = "adam"

    def __init__(self, size: int, learning_rate: float = 0.001, beta1=0.9, beta2=0.999, epsilon=1e-8):
        self.learning_rate, self.beta1, self.beta2, self.epsilon = float(learning_rate), beta1, beta2, epsilon
        self.m, self.v = np.zeros(size), np.zeros(size)
        self.t = 0
        self.work_, self.denominator_ = np.empty(size), np.empty(size)
        # 0-d arrays: NumPy converts a Python float on every call.
        self.beta1_, self.one_minus_beta1_ = np.array(beta1), np.array(1.0 - beta1)
        self.beta2_, self.one_minus_beta2_ = np.array(beta2), np.array(1.0 - beta2)
        self.step_size_, self.epsilon_ = np.array(0.0), np.array(0.0)

    def begin_step(self) -> None:
        self.t += 1
        c1 = 1.0 / (1.0 - self.beta1**self.t)  # m̂ = c1 m
        root_c2 = (1.0 / (1.0 - self.beta2**self.t)) ** 0.5  # √v̂ = √c2 √v
        self.step_size_[...] = self.learning_rate * c1 / root_c2
        self.epsilon_[...] = self.epsilon / root_c2

    def update(self, theta: np.ndarray, nabla: np.ndarray, part: slice | None = None) -> None:
        """One Adam step of θ[part]; of the whole vector when part is None."""
        g, m, v, work, denominator = nabla, self.m, self.v, self.work_, self.denominator_
        if part is not None:
            theta, g, m, v, work, denominator = (a[part] for a in (theta, g, m, v, work, denominator))
        np.multiply(m, self.beta1_, out=m)
        np.multiply(g, self.one_minus_beta1_, out=work)
        np.add(m, work, out=m)  # m ← β1 m + (1 − β1) g
        np.multiply(v, self.beta2_, out=v)
        np.multiply(g, g, out=work)
        np.multiply(work, self.one_minus_beta2_, out=work)
        np.add(v, work, out=v)  # v ← β2 v + (1 − β2) g²
        np.sqrt(v, out=denominator)
        np.add(denominator, self.epsilon_, out=denominator)  # √v + ε/√c2 = (√v̂ + ε) / √c2
        np.multiply(m, self.step_size_, out=work)
        np.divide(work, denominator, out=work)  # η m̂ / (√v̂ + ε)
        np.subtract(theta, work, out=theta)


OPTIMIZERS = {"sgd": SGD, "adam": Adam}


def make_optimizer(name: str, size: int, learning_rate: float):
    if name not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {name!r}; choose one of {', '.join(OPTIMIZERS)}")
    return OPTIMIZERS[name](size, learning_rate)
