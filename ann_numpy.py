"""Train Mazur's 2-2-2 network with sequential updates.

Each iteration updates the output layer first, W2 ← W2 − η delta_o out_hᵀ, and
then takes the hidden layer's delta with the *updated* W2 (out_h, out_o and
delta_o are not recomputed): delta_h = (W2_newᵀ delta_o) ⊙ out_h ⊙ (1 − out_h),
W1 ← W1 − η delta_h xᵀ. This is not gradient descent: its step differs from the
gradient step (ann_numpy_original.py) by a term of order η².

An exercise of another shape (--example FILE.json, or --layers and the flags of
ann_numpy_no_loop.py; docs/any-exercise.md) is trained in the same order by the small-network
engine (backprop/general_training.py).

Iteration N is the state after N weight updates; iteration 0 is the initial weights.

examples:
  python ann_numpy.py                      # one update, the blog's settings
  python ann_numpy.py 1000                 # a thousand updates
  python ann_numpy.py 10000 --print-every 1000 --json
  python ann_numpy.py --check-gradients    # first update against finite differences
  python ann_numpy.py 1000 --layers 2,3,1 --inputs 0.05,0.1 --targets 0.5 --biases none \
      --weights 0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9     # another shape
"""


import backprop.startup  # noqa: F401  first of all: Ctrl-C during the imports below is one line, status 130

# isort: split
from backprop import cli, training, training_cli
from backprop.worked_example import LEARNING_RATE


def train(iterations: int = 1, learning_rate: float = LEARNING_RATE, **options) -> training.Trajectory:
    """Train with sequential updates: the output layer's gradient and update first, then the hidden
    layer's delta with the updated W2 (backprop/engine.py, sequential_update; ann_numpy_original.py
    takes the other order).

    Options are those of training.train: biases, loss, w1, w2, b1, b2, record_every,
    checkpoints, on_record, on_progress.
    """
    return training.train("sequential", iterations, learning_rate, **options)


def main(argv=None) -> int:
    return training_cli.training_main("sequential", "ann_numpy.py", __doc__, argv)


if __name__ == "__main__":
    cli.run(main, "ann_numpy.py")
