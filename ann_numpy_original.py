"""Train Mazur's 2-2-2 network with parallel updates: true gradient descent.

Each iteration takes both gradients at the current weights, then applies both:
dE_dW2 = delta_o out_hᵀ and dE_dW1 = delta_h xᵀ with delta_h = (W2ᵀ delta_o) ⊙
out_h ⊙ (1 − out_h), then W2 ← W2 − η dE_dW2 and W1 ← W1 − η dE_dW1. This is the
step an autodiff framework takes, and the one the blog's text works by hand.

An exercise of another shape (--example FILE.json, or --layers and the flags of
ann_numpy_no_loop.py; docs/any-exercise.md) is trained in the same order by the small-network
engine (backprop/general_training.py).

Iteration N is the state after N weight updates; iteration 0 is the initial weights.

examples:
  python ann_numpy_original.py             # one update, the blog's settings
  python ann_numpy_original.py 10000       # ten thousand updates
  python ann_numpy_original.py 100 --biases per-neuron --loss mse
  python ann_numpy_original.py --check-gradients
  python ann_numpy_original.py --example examples/exercise_3-2-2.json 1000   # another shape
"""


import backprop.startup  # noqa: F401  first of all: Ctrl-C during the imports below is one line, status 130

# isort: split
from backprop import cli, training, training_cli
from backprop.worked_example import LEARNING_RATE


def train(iterations: int = 1, learning_rate: float = LEARNING_RATE, **options) -> training.Trajectory:
    """Train with parallel updates: both layers' gradients at the current weights, then both updates
    (backprop/engine.py, parallel_update; ann_numpy.py takes the other order).

    Options are those of training.train: biases, loss, w1, w2, b1, b2, record_every,
    checkpoints, on_record, on_progress.
    """
    return training.train("parallel", iterations, learning_rate, **options)


def main(argv=None) -> int:
    return training_cli.training_main("parallel", "ann_numpy_original.py", __doc__, argv)


if __name__ == "__main__":
    cli.run(main, "ann_numpy_original.py")
