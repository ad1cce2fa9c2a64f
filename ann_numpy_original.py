"""Train Mazur's 2-2-2 network with parallel updates: true gradient descent.

Each iteration takes both gradients at the current weights, then applies both:
dE_dW2 = delta_o out_hᵀ and dE_dW1 = delta_h xᵀ with delta_h = (W2ᵀ delta_o) ⊙
out_h ⊙ (1 − out_h), then W2 ← W2 − η dE_dW2 and W1 ← W1 − η dE_dW1. This is the
step an autodiff framework takes, and the one the blog's text works by hand.

Iteration N is the state after N weight updates; iteration 0 is the initial weights.

examples:
  python ann_numpy_original.py             # one update, the blog's settings
  python ann_numpy_original.py 10000       # ten thousand updates
  python ann_numpy_original.py 100 --biases per-neuron --loss mse
  python ann_numpy_original.py --check-gradients
"""

import sys

import cli
import mazur


def parallel_update(net: mazur.Network) -> None:
    """Both gradients at the current weights, then both updates."""
    net.output_layer_gradient()  # delta_o = (out_o − t) ⊙ out_o ⊙ (1 − out_o), dE_dW2 = delta_o out_hᵀ
    net.hidden_layer_gradient()  # delta_h = (W2ᵀ delta_o) ⊙ out_h ⊙ (1 − out_h), W2 not yet updated
    net.update_output_layer()  # W2 ← W2 − η dE_dW2
    net.update_hidden_layer()  # W1 ← W1 − η dE_dW1


def train(iterations: int = 1, learning_rate: float = mazur.LEARNING_RATE, **options) -> mazur.Trajectory:
    """Train with parallel updates; options are those of mazur.run (biases, loss,
    w1, w2, b1, b2, record_every, checkpoints, on_record)."""
    return mazur.run(parallel_update, "parallel", iterations, learning_rate, **options)


def main(argv=None) -> int:
    return cli.training_main(train, "parallel", "ann_numpy_original.py", __doc__, argv)


if __name__ == "__main__":
    sys.exit(main())
