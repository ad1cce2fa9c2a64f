"""Train Mazur's 2-2-2 network with sequential updates.

Each iteration updates the output layer first, W2 ← W2 − η delta_o out_hᵀ, and
then takes the hidden layer's delta with the *updated* W2 (out_h, out_o and
delta_o are not recomputed): delta_h = (W2_newᵀ delta_o) ⊙ out_h ⊙ (1 − out_h),
W1 ← W1 − η delta_h xᵀ. This is not gradient descent: its step differs from the
gradient step (ann_numpy_original.py) by a term of order η².

Iteration N is the state after N weight updates; iteration 0 is the initial weights.

examples:
  python ann_numpy.py                      # one update, the blog's settings
  python ann_numpy.py 1000                 # a thousand updates
  python ann_numpy.py 10000 --print-every 1000 --json
  python ann_numpy.py --check-gradients    # first update against finite differences
"""

import sys

import cli
import mazur


def sequential_update(net: mazur.Network) -> None:
    """Output layer first; the hidden layer's delta then sees the new W2."""
    net.output_layer_gradient()  # delta_o = (out_o − t) ⊙ out_o ⊙ (1 − out_o), dE_dW2 = delta_o out_hᵀ
    net.update_output_layer()  # W2 ← W2 − η dE_dW2
    net.hidden_layer_gradient()  # delta_h = (W2ᵀ delta_o) ⊙ out_h ⊙ (1 − out_h), W2 already updated
    net.update_hidden_layer()  # W1 ← W1 − η delta_h xᵀ


def train(iterations: int = 1, learning_rate: float = mazur.LEARNING_RATE, **options) -> mazur.Trajectory:
    """Train with sequential updates; options are those of mazur.run (biases, loss,
    w1, w2, b1, b2, record_every, checkpoints, on_record)."""
    return mazur.run(sequential_update, "sequential", iterations, learning_rate, **options)


def main(argv=None) -> int:
    return cli.training_main(train, "sequential", "ann_numpy.py", __doc__, argv)


if __name__ == "__main__":
    sys.exit(main())
