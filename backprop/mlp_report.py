"""mlp.py's report: what a run of the layered engine measured, in the data's units, as a JSON
document's fields and as text lines. Nothing here trains."""

from __future__ import annotations

import math

from backprop import layered


def plot_format(path: str) -> str:
    """'png' for curves.png: the file name's extension, lower case ('' without one)."""
    return path.rsplit(".", 1)[-1].lower() if "." in path else ""


def measured(history: layered.History, scale: float, test_variance: float, target: float) -> dict:
    """What a run reports, in the data's units (MSE × scale): JSON's keys from "counting" on."""
    train_mse, test_mse = history.train_mse[-1] * scale, history.validation_mse[-1] * scale
    n, seconds = history.epochs, history.seconds[-1]
    if history.stopped == "target":
        outcome = f"reached test MSE ≤ {target:g} after {n:,} epochs in {seconds:.2f} s"
    elif target:
        outcome = f"did not reach test MSE ≤ {target:g}: stopped at the epoch limit, {n:,} epochs, {seconds:.2f} s"
    else:
        outcome = f"trained {n:,} epochs in {seconds:.2f} s"
    return {
        "counting": "epoch N is the state after N passes over the training data; epoch 0 is the initial weights",
        "epochs": n, "stopped": history.stopped, "seconds": seconds, "outcome": outcome,
        "train_mse": train_mse, "train_rmse": math.sqrt(train_mse),
        "test_mse": test_mse, "test_rmse": math.sqrt(test_mse),
        "test_r2": 1.0 - history.validation_mse[-1] / test_variance,
        "history": [
            {"epoch": e, "train_mse": tr * scale, "test_mse": te * scale, "seconds": s}
            for e, tr, te, s in zip(history.epoch, history.train_mse, history.validation_mse, history.seconds,
                                    strict=True)
        ],
    }  # fmt: skip


def text(settings: dict, results: dict) -> str:
    """The text report: the settings, the outcome, the train and test errors."""
    lines = [f"{key}: {value}" for key, value in settings.items()]
    lines += [results["outcome"], f"train MSE {results['train_mse']:.6g}  RMSE {results['train_rmse']:.6g}",
              f"test  MSE {results['test_mse']:.6g}  RMSE {results['test_rmse']:.6g}  R² {results['test_r2']:.6f}"]
    return "\n".join(lines)
