"""Recording: sparse trajectories store what they say, the final state exactly."""

import re

import numpy as np
import pytest

import ann_numpy
import ann_numpy_original
from backprop import training


def test_sparse_recording_keeps_101_rows_and_the_exact_final_state():
    sparse = ann_numpy.train(100_000, record_every=1000)
    full = ann_numpy.train(100_000)
    assert sparse.iteration.tolist() == list(range(0, 100_001, 1000))
    assert len(full.iteration) == 100_001
    for name in ("w1", "w2", "b1", "b2", "hidden", "output", "error", "grad_w1", "grad_w2"):
        assert np.array_equal(getattr(sparse, name)[-1], getattr(full, name)[-1]), name
        assert np.array_equal(getattr(sparse, name)[50], getattr(full, name)[50_000]), name


def test_checkpoints_and_the_ends_are_always_recorded():
    t = ann_numpy_original.train(37, record_every=0, checkpoints=[5, 3])
    assert t.iteration.tolist() == [0, 3, 5, 37]
    with pytest.raises(KeyError):
        t.row(4)


def test_on_record_sees_each_recorded_row():
    seen = []
    t = ann_numpy_original.train(10, record_every=4, on_record=lambda k, e: seen.append((k, e)))
    assert [k for k, _ in seen] == [0, 4, 8, 10]
    assert [e for _, e in seen] == t.error.tolist()


def test_final_gradient_is_the_next_update(root):
    t10 = ann_numpy.train(10)
    t11 = ann_numpy.train(11)
    assert np.array_equal(t10.grad_w1[-1], t11.grad_w1[10])
    assert np.array_equal(t10.w1[-1], t11.w1[10])


def test_readme_states_the_memory_per_row(root):
    t = ann_numpy.train(9)
    per_row = t.nbytes // len(t.iteration)
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert f"{per_row} bytes per recorded row" in readme
    gb = per_row * (10**7 + 1) / 1e9
    assert re.search(rf"\b{gb:.1f} GB\b", readme), gb


@pytest.mark.parametrize("bad", [-1, 1.5, "3", True, training.MAX_ITERATIONS + 1])
def test_train_rejects_bad_iteration_counts(bad):
    with pytest.raises(ValueError):
        ann_numpy.train(bad)


@pytest.mark.parametrize("bad", [0, -0.5, float("nan"), float("inf")])
def test_train_rejects_bad_learning_rates(bad):
    with pytest.raises(ValueError):
        ann_numpy_original.train(1, bad)


def test_huge_learning_rate_raises_training_diverged_with_the_iteration():
    with pytest.raises(training.TrainingDiverged) as info:
        ann_numpy_original.train(100, 1e10)
    assert info.value.at == 1
