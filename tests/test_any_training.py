"""Training an exercise of any shape (general_training.py): update by update against the written-out example
(written_out.values) and an independent plain loop (plain_general.py) over 1,000 updates, the steps against
autograd's gradients, the scripts' text, --json, --print-every, --check-gradients and divergence."""

import json
import math
import random

import autograd.numpy as anp
import pytest
from autograd import grad
from conftest import assert_one_line_error, call
from plain_general import run
from test_any_exercise import draw, loss_of

import ann_numpy
import ann_numpy_original
from backprop import general_training, written_out

EXAMPLE = "examples/exercise_3-2-2.json"


def close(a, b):
    return abs(a - b) <= max(1e-12 * abs(b), 1e-15)


def engine(ex, order, n):
    state, made = general_training.compiled(ex, order)(general_training.initial_state(ex), n)
    return state, made


@pytest.mark.parametrize("order", ["parallel", "sequential"])
@pytest.mark.parametrize("policy", ["none", "fixed", "shared", "per-neuron"])
def test_each_update_equals_the_written_out_example(order, policy):
    rng = random.Random(f"{order}-{policy}")
    for _ in range(4):
        ex, _, _ = draw(rng, order=order, policy=policy)
        a = written_out.plain(ex, order)
        ours = written_out.values(ex, a, 3)
        run_ = general_training.compiled(ex, order)
        state = general_training.initial_state(ex)
        names = general_training.parameter_names(ex)
        for k in range(1, 4):
            state, made = run_(state, 1)
            assert made == 1
            at = "" if k == 1 else f"@{k}"
            for i in range(len(ex.weights)):
                assert close(state[i], ours[f"w{i + 1}+{at}"]), (k, i, ex)
            for i in general_training.trained_parameters(ex)[len(ex.weights):]:
                assert close(state[i], ours[f"{names[i]}+{at}"]), (k, names[i], ex)
            assert close(general_training.errors(ex, state)[1], ours[f"E_total+{at}"])


CASES = [  # (order, policy, loss, reduction, output, depth, examples): every order, bias policy, loss and reduction
    ("parallel", "none", "half-sse", "sum", "sigmoid", 2, 2),
    ("sequential", "fixed", "sse", "mean", "linear", 3, 3),
    ("parallel", "shared", "mse", "mean", "tanh", 3, 2),
    ("sequential", "per-neuron", "bce", "sum", "sigmoid", 2, 2),
    ("sequential", "shared", "ce", "mean", "softmax", 2, 2),
    ("parallel", "per-neuron", "ce", "sum", "softmax", 1, 3),
]


@pytest.mark.parametrize("case", CASES)
def test_a_thousand_updates_equal_a_plain_loop(case):
    order, policy, loss, reduction, output, depth, m = case
    rng = random.Random(7)
    while True:  # a draw that trains 1,000 updates without blowing up
        ex, plain, _ = draw(rng, order=order, policy=policy, loss=loss, reduction=reduction, output=output,
                            depth=depth, m=m)  # fmt: skip
        plain["eta"] = 0.1
        ex = ex.__class__(**{**ex.__dict__, "learning_rate": 0.1})
        state, made = engine(ex, order, 1000)
        if made == 1000 and max(map(abs, state)) < 1e3:
            break
    theirs = run(plain, 1000)
    for i in range(len(ex.weights)):
        assert close(state[i], theirs[f"w{i + 1}+@1000"]), (i, ex)
    assert close(general_training.errors(ex, state)[1], theirs["E_total+@1000"])


@pytest.mark.parametrize("seed", range(2))
def test_the_parallel_step_is_minus_eta_times_autograds_gradient(seed):
    rng = random.Random(300 + seed)
    for _ in range(6):
        ex, _, _ = draw(rng, order="parallel", policy="none")
        state, _ = engine(ex, "parallel", 1)
        weights = anp.array(ex.weights)
        g = grad(lambda w, ex=ex: loss_of(ex, w, None))(weights)
        for i, gi in enumerate(g):
            assert state[i] == pytest.approx(ex.weights[i] - ex.learning_rate * gi, rel=1e-10, abs=1e-13)


def test_the_3_2_2_example_trains_in_text_and_json(capsys):
    status, out, _ = call(ann_numpy_original.main, "--example", EXAMPLE, 100, "--print-every", 50, capsys=capsys)
    assert status == 0
    lines = out.splitlines()
    assert lines[0].startswith("your network: layers 3-2-2 (tanh, softmax)")
    assert [line.split(":")[0] for line in lines[2:5]] == ["iteration   0", "iteration  50", "iteration 100"]
    assert "prediction[2]:" in out and out.count("W1 = [[w1, w2, w3], [w4, w5, w6]]") == 1
    status, out, _ = call(ann_numpy_original.main, "--example", EXAMPLE, 100, "--json", capsys=capsys)
    doc = json.loads(out)
    theirs = run(draw_3_2_2(), 100)
    assert close(doc["final_error"], theirs["E_total+@100"])
    assert close(doc["weights"]["w10"], theirs["w10+@100"]) and doc["W2"][1][1] == doc["weights"]["w10"]
    assert len(doc["predictions"]) == 2 and math.isclose(sum(doc["predictions"][0]), 1.0)
    assert doc["b2"][0] == pytest.approx(theirs["b2[o1]+@100"], rel=1e-12)


def draw_3_2_2():
    spec = json.load(open(EXAMPLE))
    return {"layers": spec["layers"], "acts": spec["activations"], "loss": "ce", "reduction": "sum",
            "xs": spec["inputs"], "ts": spec["targets"], "W": [spec["W1"], spec["W2"]],
            "b": [spec["b1"], [spec["b2"]] * 2], "policy": "per-neuron", "eta": 0.5, "order": "parallel"}  # fmt: skip


def test_check_gradients_of_any_shape(capsys):
    flags = ["--layers", "3,2,2", "--hidden-activation", "tanh", "--inputs", "1,0.5,-1;0,1,2", "--targets",
             "0.2,0.8;0.9,0.1", "--weights", "0.1,0.2,-0.1,-0.3,0.4,0.2,0.5,-0.4,0.3,0.6", "--b1", "0.1", "--b2",
             "0.2", "--biases", "shared", "--check-gradients"]  # fmt: skip
    for main in (ann_numpy.main, ann_numpy_original.main):
        status, out, _ = call(main, *flags, capsys=capsys)
        assert status == 0 and out.rstrip().endswith("all checks passed"), out
        assert sum(line.endswith((" OK", "see below)")) for line in out.splitlines()) == 12


def test_divergence_is_one_line_and_exit_1(capsys):
    flags = ["--layers", "2,2,1", "--output-activation", "linear", "--inputs", "1,2", "--targets", "3", "--weights",
             "1,2,3,4,5,6", "--biases", "none", "--learning-rate", "5"]  # fmt: skip
    result = call(ann_numpy.main, *flags, "10000", capsys=capsys)
    assert_one_line_error(result, "ann_numpy.py", 1)
    k = int(result[2].split("diverged at iteration ")[1].split(":")[0])
    assert 100 < k < 200  # the output weight grows as about 2.5^k: past 1e308 near k = 160
    assert call(ann_numpy.main, *flags, str(k - 1), capsys=capsys)[0] == 0


def test_a_saturated_sigmoid_is_not_divergence(capsys):
    # e^(−net) overflows at net < −709; σ(net) is then 0 to double precision, and training goes on.
    status, out, err = call(ann_numpy_original.main, "--layers", "1,1", "--inputs", "1", "--targets", "0.5",
                            "--weights", "-800", "--biases", "none", "3", "--json", capsys=capsys)  # fmt: skip
    assert status == 0 and err == ""
    assert json.loads(out)["predictions"] == [[0.0]]


def test_check_takes_the_ladder_past_the_written_out_updates(tmp_path, capsys):
    import ann_numpy_no_loop

    theirs = run(draw_3_2_2(), 1000)  # the plain loop names update 1000's values as --check does
    names = ["w7+@1000", "b2[o1]+@1000", "E_total+@1000", "out_o1[2]@1000", "E_total[2]@1000", "E_total@1000"]
    sheet = tmp_path / "ladder.txt"
    sheet.write_text("".join(f"{n} {theirs[n]:.6f}\n" for n in names) + "out_h1@1000 0.5\n")
    status, out, _ = call(ann_numpy_no_loop.main, "--example", EXAMPLE, "--check", sheet, capsys=capsys)
    assert "Result: 6 right, 1 not checked" in out, out
    assert out.count("✓") == len(names) and "not checked: past update 10 only the weights" in out


def test_the_docs_blocks_are_what_the_commands_print(root, monkeypatch, capsys):
    from backprop import general_report as g

    monkeypatch.chdir(root)
    page = (root / "docs" / "any-exercise.md").read_text(encoding="utf-8")

    def block(name):
        return page.split(f"<!-- {name}:start -->")[1].split(f"<!-- {name}:end -->")[0].strip().strip("`").strip()

    status, out, _ = call(ann_numpy_original.main, "--example", EXAMPLE, 1000, capsys=capsys)
    assert status == 0 and out.strip() == block("train-any-shape")
    assert g.ladder_text(EXAMPLE) == block("ladder-3-2-2")
    # The ladder's numbers from outside the engine: the plain loop, both orders.
    rows = {int(line.split()[0].replace(",", "")): line.split()[1:] for line in block("ladder-3-2-2").splitlines()[2:]}
    for order, column in (("parallel", 0), ("sequential", 1)):
        theirs = run({**draw_3_2_2(), "order": order}, 100)
        for k in (1, 10, 100):
            assert float(rows[k][column]) == pytest.approx(theirs[f"E_total+@{k}" if k > 1 else "E_total+"], abs=1e-10)
    assert (root / "figures" / "backward_pass_3-2-2.png").exists()
