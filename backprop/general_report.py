"""What the training scripts print for an exercise of any shape (general_training.py trains it): the settings
line, the text report and the JSON document of ann_numpy.py / ann_numpy_original.py, and the ladder of errors
that docs/any-exercise.md shows."""

from __future__ import annotations

from backprop import cli, exercise, general
from backprop import general_training as engine
from backprop.training import COUNTING, updates


def settings_line(ex, order: str, iterations: int) -> str:
    m = len(general.rows(ex))
    reduced = f", {'summed' if ex.reduction == 'sum' else 'averaged'} over {m} examples" if m > 1 else ""
    return (f"{order} updates, {updates(iterations)} (iteration N = after N updates), learning rate "
            f"{ex.learning_rate:g}, biases {ex.biases}, loss {ex.loss}: {general.LOSS_TEXT[ex.loss]}{reduced}")


def vector(v) -> str:
    return "[" + ", ".join(f"{x:.10f}" for x in v) + "]"


def state_lines(ex, state) -> list[str]:
    """The weights as matrices in the post's numbering, then the biases."""
    lines = []
    for layer, rows in enumerate(engine.matrices(ex, state), start=1):
        names = [[f"w{engine.weight_index(ex, layer, j, k) + 1}" for k in range(ex.layers[layer - 1])]
                 for j in range(ex.layers[layer])]  # fmt: skip
        named = "[" + ", ".join("[" + ", ".join(r) + "]" for r in names) + "]"
        lines.append(f"W{layer} = {named} = [" + ", ".join(vector(r) for r in rows) + "]")
    _, biases = engine.unpack(ex, state)
    if biases:
        lines.append("  ".join(f"b{layer} = {vector(b)}" for layer, b in biases.items()))
    return lines


def text_lines(result) -> list[str]:
    ex, state = result.ex, result.state
    n = result.iterations
    lines = [f"error at iteration 0 (initial weights): {cli.error_text(result.recorded[0][1])}",
             f"error at iteration {n} (after {updates(n)}): {cli.error_text(result.recorded[-1][1])}"]  # fmt: skip
    rows = general.rows(ex)
    for e, (y, (_, t)) in enumerate(zip(engine.outputs(ex, state), rows, strict=True)):
        tag = general.tag(ex, e)
        lines.append(f"prediction{tag}: {vector(y)}")
        lines.append(f"target{tag}:{' ' * 5}{vector(t)}")
    return lines + state_lines(ex, state)


def json_document(result, settings: str) -> dict:
    ex, state = result.ex, result.state
    weights, biases = engine.unpack(ex, state)
    per_example, _ = engine.errors(ex, state)
    return {
        "method": result.order, "settings": settings, "counting": COUNTING, "iterations": result.iterations,
        "learning_rate": ex.learning_rate, "biases": ex.biases, "loss": ex.loss, "reduction": ex.reduction,
        "network": ex.to_json(), "initial_error": result.recorded[0][1], "final_error": result.recorded[-1][1],
        "example_errors": per_example,
        "predictions": engine.outputs(ex, state), "targets": [list(t) for _, t in general.rows(ex)],
        "weights": {f"w{i}": w for i, w in enumerate(weights, start=1)},
        **{f"W{layer}": rows for layer, rows in enumerate(engine.matrices(ex, state), start=1)},
        **{f"b{layer}": b for layer, b in biases.items()},
        "errors": [{"iteration": k, "error": e} for k, e in result.recorded],
    }  # fmt: skip


# --- the ladder of errors (docs/any-exercise.md) ----------------------------------------------------------


def from_file(path: str):
    """The Exercise of an --example file, as the training scripts read it (bad usage: SystemExit 2)."""
    parser = cli.ArgumentParser("general_report", "")
    exercise.add_arguments(parser)
    return exercise.parse_args(parser, ["--example", str(path)], any_shape=True)[1]


LADDER = (1, 10, 100, 1_000)


def ladder_text(path: str, ks=LADDER) -> str:
    """E_total of the --example file's exercise after each of ks updates, in both orders, one training run each."""
    ex = from_file(path)
    runs = {order: dict(engine.train(ex, order, max(ks), checkpoints=ks).recorded)
            for order in ("parallel", "sequential")}  # fmt: skip
    lines = [f"E_total after N updates of {path} ({'-'.join(map(str, ex.layers))}, learning rate "
             f"{ex.learning_rate:g}):", f"{'N':>6}  {'parallel':>14}  {'sequential':>14}"]  # fmt: skip
    for k in (0, *ks):
        lines.append(f"{k:>6,}  {runs['parallel'][k]:14.10f}  {runs['sequential'][k]:14.10f}")
    return "\n".join(lines)
