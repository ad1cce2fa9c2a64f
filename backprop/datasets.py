"""The data sets of mlp.py: the seed's function approximation task and scikit-learn's diabetes data.

Each loader returns a Dataset: training and test arrays with rows as samples and
targets as (n, 1) columns. `y_scale` converts an MSE measured on the (possibly
standardised) targets back to the data's own units: MSE_units = MSE · y_scale².
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

NAMES = ("function", "diabetes")


class MissingDependency(RuntimeError):
    """A data set needs a package that is not installed."""


@dataclass(frozen=True)
class Dataset:
    name: str
    description: str
    X_train: np.ndarray  # (n_train, n_features)
    y_train: np.ndarray  # (n_train, 1)
    X_test: np.ndarray
    y_test: np.ndarray
    y_scale: float = 1.0  # standard deviation the targets were divided by

    @property
    def n_features(self) -> int:
        return self.X_train.shape[1]


def target_function(X: np.ndarray) -> np.ndarray:
    """y = sin(3·x1) + x2²·cos(3·x3), one row per sample, as an (n, 1) column."""
    x1, x2, x3 = X[:, 0], X[:, 1], X[:, 2]
    return (np.sin(3 * x1) + x2**2 * np.cos(3 * x3))[:, None]


def function_data(seed: int = 0, n_train: int = 10_000, n_test: int = 2_000) -> Dataset:
    """x uniform in [−1, 1]³ from the seed; the first n_train rows train, the rest test."""
    X = np.random.default_rng(seed).uniform(-1.0, 1.0, (n_train + n_test, 3))
    y = target_function(X)
    description = (
        f"function: y = sin(3·x1) + x2²·cos(3·x3), x uniform in [−1, 1]³, "
        f"{n_train:,} training and {n_test:,} test points (seed {seed})"
    )
    return Dataset("function", description, X[:n_train], y[:n_train], X[n_train:], y[n_train:])


def diabetes_data(seed: int = 0, test_fraction: float = 0.2) -> Dataset:
    """scikit-learn's bundled diabetes data (442 patients, 10 features), a seeded 80/20 split.

    Features and target are standardised with the training rows' mean and standard
    deviation only, so nothing about the test rows leaks into training.
    """
    try:
        from sklearn.datasets import load_diabetes
    except ImportError:
        raise MissingDependency(
            "the diabetes data set needs scikit-learn: pip install scikit-learn"
        ) from None
    X, y = load_diabetes(return_X_y=True)
    order = np.random.default_rng(seed).permutation(len(X))
    n_test = round(test_fraction * len(X))
    test, train = order[:n_test], order[n_test:]
    mean, std = X[train].mean(axis=0), X[train].std(axis=0)
    y_mean, y_std = y[train].mean(), y[train].std()
    description = (
        f"diabetes: scikit-learn's bundled data, {len(X)} patients, {X.shape[1]} features, "
        f"{len(train)} training and {n_test} test rows (seed {seed}), standardised with training statistics"
    )
    return Dataset(
        "diabetes", description, (X[train] - mean) / std, ((y[train] - y_mean) / y_std)[:, None],
        (X[test] - mean) / std, ((y[test] - y_mean) / y_std)[:, None], y_scale=float(y_std),
    )  # fmt: skip


def load(name: str, seed: int = 0) -> Dataset:
    if name == "function":
        return function_data(seed)
    if name == "diabetes":
        return diabetes_data(seed)
    raise ValueError(f"unknown data set {name!r}; choose one of {', '.join(NAMES)}")
