"""Against scikit-learn: the layered engine's SGD is MLPRegressor's, and mlp.py learns its diabetes data.

The one file that needs scikit-learn (a test dependency): it is imported once, here.
"""

import json
import warnings

import numpy as np
import pytest
from conftest import call

import mlp
from backprop import datasets, layered, optimizers


def test_sgd_reproduces_scikit_learn_after_three_epochs():
    sklearn_nn = pytest.importorskip("sklearn.neural_network")
    from sklearn.exceptions import ConvergenceWarning

    rng = np.random.default_rng(3)
    X = rng.uniform(-1, 1, (50, 3))
    y = np.sin(3 * X[:, :1]) + X[:, 1:2] ** 2 * np.cos(3 * X[:, 2:])
    start = layered.Network([3, 8, 5, 1], "tanh", "linear", rng=1)
    weights = [w.copy() for w in start.weights]
    biases = [rng.uniform(-0.5, 0.5, b.shape) for b in start.biases]

    class GivenStart(sklearn_nn.MLPRegressor):
        def _init_coef(self, fan_in, fan_out, dtype):  # scikit-learn's hook for initial weights
            layer = len(self.coefs_)
            return weights[layer].copy(), biases[layer].copy()

    reference = GivenStart(
        hidden_layer_sizes=(8, 5), activation="tanh", solver="sgd", alpha=0.0, batch_size=16,
        learning_rate_init=0.1, learning_rate="constant", momentum=0.0, nesterovs_momentum=False,
        shuffle=False, max_iter=3, n_iter_no_change=100, tol=0.0,
    )  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        reference.fit(X, y.ravel())

    net = layered.Network([3, 8, 5, 1], "tanh", "linear", weights=weights, biases=biases)
    layered.train(net, X, y, optimizers.SGD(net.params.size, 0.1), epochs=3, batch_size=16, loss="half-mse",
              shuffle=False)  # fmt: skip
    assert reference.n_iter_ == 3
    for mine, theirs in zip(net.weights + net.biases, reference.coefs_ + reference.intercepts_, strict=True):
        np.testing.assert_allclose(mine, theirs, rtol=0, atol=1e-10)
    assert not np.allclose(net.weights[0], weights[0])  # it did train


def test_diabetes_reports_mse_in_the_data_units_and_r2(capsys):
    pytest.importorskip("sklearn")
    status, out, err = call(mlp.main, "--dataset", "diabetes", "--epochs", "30", "--json", "--quiet", capsys=capsys)
    assert status == 0, err
    doc = json.loads(out)
    assert doc["layers"] == [10, 16, 1] and doc["epochs"] == 30 and "354 training and 88 test rows" in doc["data"]
    # MSE is in squared disease-progression units: the raw targets' spread, not the standardised one's.
    data = datasets.diabetes_data(0)
    test_variance = float(np.var(data.y_test)) * data.y_scale**2
    assert doc["test_mse"] == pytest.approx((1 - doc["test_r2"]) * test_variance, rel=1e-9)
    assert 1_500 < doc["test_mse"] < 6_000 and doc["test_mse"] < doc["history"][0]["test_mse"]
    # Ordinary least squares, solved here, on the same rows: R² ≈ 0.52. After 30 epochs the small
    # network does about as well (R² ≈ 0.51), well above a constant (R² = 0).
    design = np.column_stack([data.X_train, np.ones(len(data.X_train))])
    coef, *_ = np.linalg.lstsq(design, data.y_train, rcond=None)
    residual = data.y_test - np.column_stack([data.X_test, np.ones(len(data.X_test))]) @ coef
    r2_linear = 1 - float(np.mean(residual**2)) / float(np.var(data.y_test))
    assert 0.4 < r2_linear < 0.6
    assert abs(doc["test_r2"] - r2_linear) < 0.1
