"""Recording: sparse trajectories store what they say, the final state exactly."""

import re

import numpy as np
import pytest

from backprop import training


def test_sparse_recording_keeps_the_rows_asked_for_and_the_exact_final_state():
    sparse = training.train("sequential", 1_000, record_every=100)
    full = training.train("sequential", 1_000)
    assert sparse.iteration.tolist() == list(range(0, 1_001, 100))
    assert len(full.iteration) == 1_001
    for name in ("w1", "w2", "b1", "b2", "hidden", "output", "error", "grad_w1", "grad_w2"):
        assert np.array_equal(getattr(sparse, name)[-1], getattr(full, name)[-1]), name
        assert np.array_equal(getattr(sparse, name)[5], getattr(full, name)[500]), name


def test_checkpoints_and_the_ends_are_always_recorded():
    t = training.train("parallel", 37, record_every=0, checkpoints=[5, 3])
    assert t.iteration.tolist() == [0, 3, 5, 37]
    with pytest.raises(KeyError):
        t.row(4)


def test_on_record_sees_each_recorded_row():
    seen = []
    t = training.train("parallel", 10, record_every=4, on_record=lambda k, e: seen.append((k, e)))
    assert [k for k, _ in seen] == [0, 4, 8, 10]
    assert [e for _, e in seen] == t.error.tolist()


@pytest.mark.parametrize("order", ["sequential", "parallel"])
def test_final_gradient_is_the_next_update(order):
    t10, t11 = training.train(order, 10), training.train(order, 11)
    assert np.array_equal(t10.grad_w1[-1], t11.grad_w1[10])
    assert np.array_equal(t10.w1[-1], t11.w1[10])
    # The gradient recorded at row k is the one that takes row k to row k + 1.
    assert np.array_equal(t11.w2[11], t11.w2[10] - 0.5 * t11.grad_w2[10])


def test_readme_states_the_memory_per_row(root):
    short, longer = training.train("sequential", 9), training.train("sequential", 19)
    per_row = (longer.nbytes - short.nbytes) // 10
    readme = (root / "docs" / "library.md").read_text(encoding="utf-8")
    assert f"{per_row} bytes per recorded row" in readme
    gb = per_row * (10**7 + 1) / 1e9
    assert re.search(rf"\b{gb:.1f} GB\b", readme), gb


@pytest.mark.parametrize("bad", [-1, 1.5, "3", True, training.MAX_ITERATIONS + 1])
def test_train_rejects_bad_iteration_counts(bad):
    with pytest.raises(ValueError):
        training.train("sequential", bad)


@pytest.mark.parametrize("bad", [0, -0.5, float("nan"), float("inf")])
def test_train_rejects_bad_learning_rates(bad):
    with pytest.raises(ValueError):
        training.train("parallel", 1, bad)


@pytest.mark.parametrize("options", [dict(order="alternate"), dict(biases="none"), dict(loss="l1"),
                                     dict(w1=[[0.1, float("nan")], [0, 0]]),
                                     dict(b1=[0.1, 0.2], biases="shared")])  # fmt: skip
def test_train_rejects_bad_settings(options):
    order = options.pop("order", "parallel")
    with pytest.raises(ValueError):
        training.train(order, 1, **options)


def test_huge_learning_rate_raises_training_diverged_with_the_iteration():
    with pytest.raises(training.TrainingDiverged) as info:
        training.train("sequential", 100, 1e300)
    assert info.value.at == 1
    assert str(info.value).startswith("training diverged at iteration 1:")
