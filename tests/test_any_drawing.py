"""plot_network.py for an exercise of any shape (general_diagram.py): what is drawn read back from the Figure
and held against the engine and the written-out example; no text runs into another on three shapes."""

import numpy as np
import pytest
from conftest import call
from PIL import Image
from test_network import boxes, by_gid

import plot_network
from backprop import exercise, general_diagram, general_training, written_out

SHAPES = {  # a 3-4-2 with two examples, a 2-2-1, a 3-2-2-1 with long negative weights
    "3-4-2": exercise.Exercise(
        inputs=((0.05, 0.1, 0.2), (0.3, -0.1, 0.5)), targets=((0.01, 0.99), (0.9, 0.2)),
        weights=tuple(round(-0.754601 + 0.0731 * i, 6) for i in range(20)), b1=(0.35,) * 4, b2=(0.6, -0.6),
        biases="per-neuron", layers=(3, 4, 2)),
    "2-2-1": exercise.Exercise(inputs=(1.0, 2.0), targets=(0.3,), weights=(-3.89298, 2.5, -1.1, 0.7, -0.754601, 0.2),
                               biases="none", b1=(), b2=(), layers=(2, 2, 1), activations=("tanh", "linear")),
    "3-2-2-1": exercise.Exercise(
        inputs=(1.0, 2.0, 3.0), targets=(0.5,),
        weights=(-0.754601, -0.2, 0.3, 0.4, -3.89298, -0.6, 0.7, 0.8, -0.9, 1.0, 0.3, -0.4), b1=(0.1, 0.1),
        b2=(0.2, 0.2), b3=(0.3,), biases="shared", layers=(3, 2, 2, 1), activations=("relu", "relu", "sigmoid")),
}  # fmt: skip


def numbers_in(ax):
    found = {}
    for text in ax.texts:
        for line in text.get_text().splitlines():
            for part in line.split("   "):
                if " = " in part and "  " not in part.strip():
                    name, _, value = part.strip().partition(" = ")
                    try:
                        found[name] = float(value.split()[0].replace("−", "-"))
                    except ValueError:
                        pass
    return found


@pytest.fixture(scope="module")
def figures():
    made = {}
    for name, ex in SHAPES.items():
        runs = {o: general_training.train(ex, o, 20) for o in ("parallel", "sequential")}
        orders = ("parallel", "sequential") if name == "3-4-2" else ("sequential",)  # both orders once: cheaper
        made[name] = (general_diagram.network_figure(ex, runs, 20, "a test exercise"),
                      general_diagram.backward_pass_figure(ex, orders), runs)  # fmt: skip
    return made


@pytest.mark.parametrize("shape", SHAPES)
def test_no_text_runs_into_another(figures, shape):
    for fig in figures[shape][:2]:
        found = boxes(fig)
        names = sorted(found, key=str)
        crowded = [(a, b) for i, a in enumerate(names) for b in names[i + 1 :]
                   if a[0] == b[0] and found[a].overlaps(found[b])]  # fmt: skip
        assert crowded == [], crowded


@pytest.mark.parametrize("shape", SHAPES)
def test_the_diagram_shows_each_weight_after_n_updates_with_its_width_and_colour(figures, shape):
    ex = SHAPES[shape]
    fig, _, runs = figures[shape]
    assert "a test exercise" in fig._suptitle.get_text()
    for ax, state in zip(fig.axes, [runs["parallel"].initial_state, runs["parallel"].state,
                                    runs["sequential"].state], strict=True):  # fmt: skip
        edges, labels = by_gid(ax, "line", "edge"), by_gid(ax, "text", "label")
        assert len(labels) == len(ex.weights)
        widths = []
        for i, w in enumerate(state[: len(ex.weights)], start=1):
            shown = float(labels[f"w{i}"].get_text().split(" = ")[1].replace("−", "-"))
            assert shown == pytest.approx(w, rel=1e-5, abs=1e-6)
            assert edges[f"w{i}"].get_color() == ("#2166AC" if w >= 0 else "#B2182B")
            widths.append(edges[f"w{i}"].get_linewidth() / max(abs(w), 1e-300))
        assert np.allclose([x for x, w in zip(widths, state, strict=False) if abs(w) > 1e-9], widths[0])


@pytest.mark.parametrize("shape", SHAPES)
def test_the_backward_pass_shows_every_value_of_the_first_update(figures, shape):
    ex = SHAPES[shape]
    fig = figures[shape][1]
    for order in ("parallel", "sequential") if shape == "3-4-2" else ("sequential",):
        ours = written_out.values(ex, written_out.plain(ex, order), 1)
        shown = {}
        for ax in fig.axes:
            if any(t.get_gid() == f"order {order}" for t in ax.texts):
                shown = {}
            shown.update(numbers_in(ax))
            if order == "parallel" and any(t.get_gid() == "order sequential" for t in ax.texts):
                break
        for i in range(1, len(ex.weights) + 1):
            assert shown[f"w{i}+"] == pytest.approx(ours[f"w{i}+"], abs=1e-9), (order, i)
            assert shown[f"dE_total/dw{i}"] == pytest.approx(ours[f"dE_total/dw{i}"], abs=1e-9)
        for key in ours:
            if key.startswith(("delta_", "out_", "net_")):
                assert shown[key] == pytest.approx(ours[key], abs=1e-9), key


def test_the_script_animates_the_3_2_2_example(tmp_path, capsys):
    gif = tmp_path / "a.gif"
    status, out, _ = call(plot_network.main, "--example", "examples/exercise_3-2-2.json", "--animate", gif,
                          "--iterations", 20, "--frames", 3, "--dpi", 20, "--quiet", capsys=capsys)  # fmt: skip
    assert status == 0 and Image.open(gif).n_frames == 3
