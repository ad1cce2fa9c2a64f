"""An exercise of any shape: every written-out value against a plain-Python per-neuron loop (plain_general.py)
and autograd, the new mistakes diagnosed, the --example keys, the refusals, and docs/checking.md's block."""

import hashlib
import json
import random
from pathlib import Path

import autograd.numpy as anp
import pytest
from autograd import grad
from conftest import assert_one_line_error, call
from plain_general import run

import analyze_convergence
import ann_numpy_no_loop
import convergence_test
import plot_all_variables
import plot_convergence
import plot_key_differences
import sweep
from backprop import exercise, general, hand_check, written_out

ROOT = Path(__file__).resolve().parent.parent
PROG = "ann_numpy_no_loop.py"
LOSSES_FOR = {"sigmoid": ("half-sse", "sse", "mse", "bce"), "softmax": ("ce",),
              "tanh": ("half-sse", "sse", "mse"), "relu": ("half-sse", "mse"), "linear": ("half-sse", "sse", "mse")}


def draw(rng: random.Random, **fixed):
    """A random exercise: (the Exercise, the plain network, its order)."""
    depth = fixed.get("depth", rng.choice((1, 2, 3)))
    layers = [rng.randint(1, 4) for _ in range(depth + 1)]
    hidden = fixed.get("hidden", rng.choice(general.HIDDEN_ACTIVATIONS))
    output = fixed.get("output", rng.choice(general.OUTPUT_ACTIVATIONS))
    if output == "softmax":
        layers[-1] = max(2, layers[-1])
    acts = [hidden] * (depth - 1) + [output]
    loss = fixed.get("loss", rng.choice(LOSSES_FOR[output]))
    m = fixed.get("m", rng.randint(1, 3))
    xs = [[round(rng.uniform(-1, 1), 2) for _ in range(layers[0])] for _ in range(m)]
    if output == "softmax":
        hot = [rng.randrange(layers[-1]) for _ in range(m)]
        ts = [[1.0 if j == h else 0.0 for j in range(layers[-1])] for h in hot]
    else:
        ts = [[round(rng.uniform(0.05, 0.95), 2) for _ in range(layers[-1])] for _ in range(m)]
    W = [[[round(rng.uniform(-1, 1), 2) for _ in range(layers[i - 1])] for _ in range(layers[i])]
         for i in range(1, depth + 1)]  # fmt: skip
    policy = fixed.get("policy", rng.choice(("none", "fixed", "shared", "per-neuron")))
    b = None
    if policy != "none":
        b = [[round(rng.uniform(-0.5, 0.5), 2)] * layers[i] if policy == "shared" or rng.random() < 0.5
             else [round(rng.uniform(-0.5, 0.5), 2) for _ in range(layers[i])] for i in range(1, depth + 1)]
    reduction = fixed.get("reduction", rng.choice(("sum", "mean")))
    order = fixed.get("order", rng.choice(("parallel", "sequential")))
    eta = rng.choice((0.1, 0.5, 1.0))
    plain = {"layers": layers, "acts": acts, "loss": loss, "reduction": reduction, "xs": xs, "ts": ts, "W": W,
             "b": b, "policy": policy, "eta": eta, "order": order}  # fmt: skip
    biases = {f"b{i + 1}": tuple(v) for i, v in enumerate(b or [])}
    ex = exercise.Exercise(
        inputs=tuple(map(tuple, xs)) if m > 1 else tuple(xs[0]),
        targets=tuple(map(tuple, ts)) if m > 1 else tuple(ts[0]),
        weights=tuple(w for matrix in W for row in matrix for w in row), learning_rate=eta, biases=policy, loss=loss,
        layers=tuple(layers), activations=tuple(acts), reduction=reduction, **{"b1": (), "b2": (), **biases},
    )  # fmt: skip
    return ex, plain, order


@pytest.mark.parametrize("seed", range(10))
def test_every_value_of_a_random_exercise_equals_a_plain_loop(seed):
    rng = random.Random(seed)
    for _ in range(8):
        ex, plain, order = draw(rng)
        updates = rng.randint(1, 3)
        a = written_out.plain(ex, order)
        ours = written_out.values(ex, a, updates)
        theirs = run(plain, updates)
        givens = written_out.givens(ex, a)
        assert set(ours) - set(givens) == set(theirs), (ex, set(ours) ^ set(theirs))
        for k, v in theirs.items():
            assert ours[k] == pytest.approx(v, rel=1e-9, abs=1e-12), (k, ex)


def loss_of(ex, weights, biases):
    """E_total of the exercise at these weights (flat) and biases (a list per layer), in autograd's numpy."""
    depth = len(ex.layers) - 1
    rows = general.rows(ex)
    totals = []
    for x, t in rows:
        a, at = anp.array(x), 0
        for layer in range(1, depth + 1):
            n, k = ex.layers[layer], ex.layers[layer - 1]
            W = anp.reshape(weights[at:at + n * k], (n, k))
            at += n * k
            z = anp.dot(W, a) + (biases[layer - 1] if biases else 0.0)
            kind = ex.activations[layer - 1]
            if kind == "sigmoid":
                a = 1 / (1 + anp.exp(-z))
            elif kind == "tanh":
                a = anp.tanh(z)
            elif kind == "relu":
                a = anp.maximum(z, 0.0)
            elif kind == "softmax":
                a = anp.exp(z - anp.max(z)) / anp.sum(anp.exp(z - anp.max(z)))
            else:
                a = z
        t = anp.array(t)
        n = float(len(t))
        if ex.loss == "bce":
            totals.append(-anp.sum(t * anp.log(a) + (1 - t) * anp.log(1 - a)))
        elif ex.loss == "ce":
            totals.append(-anp.sum(t * anp.log(a)))
        else:
            totals.append({"half-sse": 0.5, "sse": 1.0, "mse": 1 / n}[ex.loss] * anp.sum((t - a) ** 2))
    total = sum(totals)
    return total / len(rows) if ex.reduction == "mean" else total


@pytest.mark.parametrize("seed", range(3))
def test_the_gradients_equal_autograds(seed):
    rng = random.Random(100 + seed)
    for _ in range(8):
        ex, _, _ = draw(rng, order="parallel", policy=rng.choice(("none", "per-neuron")))
        ours = written_out.values(ex, written_out.plain(ex, "parallel"), 1)
        biases = [anp.array(b) for b in (ex.b1, ex.b2, ex.b3) if b] if ex.biases != "none" else None
        weights = anp.array(ex.weights)
        dw = grad(lambda w, ex=ex, biases=biases: loss_of(ex, w, biases))(weights)
        for i, g in enumerate(dw, start=1):
            assert ours[f"dE_total/dw{i}"] == pytest.approx(g, rel=1e-9, abs=1e-12), (i, ex)
        if biases:
            db = grad(lambda b, ex=ex, weights=weights: loss_of(ex, weights, b))(biases)
            for layer, gs in enumerate(db, start=1):
                for j, g in enumerate(gs):
                    name = general.bias_names(ex, layer, written_out.plain(ex))[j]
                    assert ours[f"dE_total/d{name}"] == pytest.approx(g, rel=1e-9, abs=1e-12)
        E = loss_of(ex, weights, biases)
        assert ours["E_total"] == pytest.approx(float(E), rel=1e-12)


# --- the new mistakes ------------------------------------------------------------------------------------------

MISTAKES = {
    "reduction-swapped": ("reduction_swapped", [dict(m=2, reduction="sum"), dict(m=3, reduction="mean")]),
    "one-example-only": ("one_example", [dict(m=2, reduction="sum"), dict(m=3, reduction="mean")]),
    "tanh-derivative": ("tanh_derivative", [dict(depth=2, hidden="tanh"), dict(depth=3, hidden="tanh", m=2)]),
    "softmax-as-sigmoid": ("softmax_as_sigmoid", [dict(output="softmax", loss="ce"),
                                                  dict(output="softmax", loss="ce", m=2, depth=1)]),
    "relu-derivative": ("relu_derivative", [dict(depth=2, hidden="relu"), dict(depth=3, hidden="relu")]),
    # two of the post's, carried to any shape
    "targets-swapped": ("targets_swapped", [dict(depth=2, output="sigmoid", m=2), dict(depth=3, output="linear")]),
    "one-output-only": ("one_output_o1", [dict(depth=2, output="sigmoid"), dict(depth=3, output="tanh", m=2)]),
}


def student_file(values: dict, names) -> str:
    return "".join(f"{k} {values[k]:.6f}\n" for k in names if k in values)


@pytest.mark.parametrize("mistake", sorted(MISTAKES))
def test_each_new_mistake_is_diagnosed_on_two_exercises(mistake):
    knob, settings = MISTAKES[mistake]
    rng = random.Random(mistake)
    for fixed in settings:
        for _ in range(50):  # an exercise where the mistake changes the first update
            ex, plain, order = draw(rng, **fixed)
            right, wrong = run(plain, 1), run(plain, 1, mistakes=(knob,))
            if any(abs(right[k] - wrong[k]) > 1e-3 for k in right if k.endswith("+")):
                break
        names = [k for k in wrong if not k.startswith("E_total+")]
        report = hand_check.check_text(ex, written_out.plain(ex, order), student_file(wrong, names), "hand.txt", 9)
        assert not report["ok"]
        assert report["diagnosis"] and report["diagnosis"][0]["mistake"] == mistake, (ex, report["diagnosis"][:2])


def test_the_written_out_key_reads_back_for_random_exercises(tmp_path, capsys):
    rng = random.Random(7)
    for i in range(4):
        ex, plain, order = draw(rng, **({"m": 3, "reduction": "mean", "depth": 3} if i == 0 else {}))
        example = tmp_path / f"ex{i}.json"
        doc = {"layers": plain["layers"], "activations": plain["acts"], "loss": plain["loss"],
               "reduction": plain["reduction"], "inputs": plain["xs"], "targets": plain["ts"],
               "biases": plain["policy"], "learning_rate": plain["eta"], "order": order,
               **{f"W{i + 1}": w for i, w in enumerate(plain["W"])},
               **{f"b{i + 1}": b for i, b in enumerate(plain["b"] or [])}}  # fmt: skip
        example.write_text(json.dumps(doc), encoding="utf-8")
        status, out, _ = call(ann_numpy_no_loop.main, "--example", example, "--format", "latex", capsys=capsys)
        assert status == 0 and max(len(line) for line in out.splitlines()) <= 120
        for fmt in ("csv", "json"):
            status, out, _ = call(ann_numpy_no_loop.main, "--example", example, "--format", fmt, "--iterations", "2",
                                  capsys=capsys)  # fmt: skip
            assert status == 0
            key = tmp_path / f"key.{fmt}"
            key.write_text(out, encoding="utf-8")
            status, out, err = call(ann_numpy_no_loop.main, "--example", example, "--check", key, capsys=capsys)
            assert status == 0 and "All right" in out, out + err


# --- the flags, the file, the refusals ---------------------------------------------------------------------------


def test_flags_make_the_same_exercise_as_the_file(capsys):
    flags = ["--layers", "3,2,2", "--hidden-activation", "tanh", "--output-activation", "softmax", "--loss", "ce",
             "--inputs", "1,0.5,-1;0,1,2", "--targets", "1,0;0,1",
             "--weights", "0.1,0.2,-0.1,-0.3,0.4,0.2,0.5,-0.4,0.3,0.6",
             "--b1", "0.1,-0.1", "--b2", "0.2", "--biases", "per-neuron", "--iterations", "1"]  # fmt: skip
    by_flags = call(ann_numpy_no_loop.main, *flags, capsys=capsys)
    by_file = call(ann_numpy_no_loop.main, "--example", ROOT / "examples" / "exercise_3-2-2.json", "--iterations", "1",
                   capsys=capsys)  # fmt: skip
    assert by_flags[0] == by_file[0] == 0
    assert by_flags[1] == by_file[1]


@pytest.mark.parametrize(("flags", "says"), [
    (["--layers", "2,2", "--output-activation", "softmax", "--loss", "mse"], "softmax output goes with loss ce"),
    (["--layers", "2,2", "--loss", "ce"], "needs a softmax output"),
    (["--layers", "2,2", "--output-activation", "tanh", "--loss", "bce"], "needs sigmoid outputs"),
    (["--layers", "3,2", "--inputs", "1,2,3", "--targets", "0.5,0.5"], "give the weights"),
    (["--layers", "2,1", "--inputs", "1,2", "--targets", "0.5", "--weights", "1,2,3"], "need 2 weights, got 3"),
    (["--layers", "2,1", "--inputs", "1,2;3,4", "--targets", "0.5", "--weights", "1,2", "--biases", "none"],
     "2 rows of inputs but 1 of targets"),
    (["--layers", "2,2,2,2,2"], "needs 2 to 4 layer sizes"),
    (["--layers", "1,2", "--output-activation", "softmax", "--loss", "ce", "--inputs", "1", "--targets", "0.5,0.2",
      "--weights", "1,2", "--biases", "none"], "sums to 0.7"),
    (["--layers", "2,7"], "--layers"),
])  # fmt: skip
def test_combinations_that_make_no_sense_are_exit_2_with_the_reason(capsys, flags, says):
    result = call(ann_numpy_no_loop.main, *flags, capsys=capsys)
    assert_one_line_error(result, PROG, 2)
    assert says in result[2], result[2]


@pytest.mark.parametrize("main", [convergence_test.main, analyze_convergence.main,
                                  plot_convergence.main, plot_all_variables.main,
                                  plot_key_differences.main, sweep.main])  # fmt: skip
def test_the_posts_scripts_refuse_another_shape_naming_the_one_that_handles_it(main, capsys):
    for flags in (["--layers", "3,2,2"], ["--example", ROOT / "examples" / "exercise_3-2-2.json"],
                  ["--loss", "ce"], ["--hidden-activation=tanh"], ["--inputs", "1,2;3,4"]):
        result = call(main, *flags, capsys=capsys)
        if main is sweep.main and flags[0] in ("--loss", "--inputs"):
            continue  # sweep.py takes the network flags after a sweep's name: before it they are unknown arguments
        assert_one_line_error(result, main.__module__ + ".py", 2)
        assert "ann_numpy_no_loop.py" in result[2], (flags, result[2])


# --- the post's 2-2-2 keeps every byte ---------------------------------------------------------------------------

# sha256 of ann_numpy_no_loop.py's output before exercises of other shapes existed.
DIGESTS = {
    "--format text": "e3a08ccdc9e2f6d5d7acfa6be2c2b17588e69e9c24e68291875c776586c9aaf9",
    "--format markdown --iterations 3 --order sequential":
        "ec22661436a77f3329d95932637de955976a1761cdc773ed968802707b0a5025",
    "--format latex --biases shared": "e5273e18e7686823c041152ee3079e8aa02a323920b8d12a5507f77fb5431dd7",
    "--format csv --iterations 1 --loss mse --b1 0.3,0.4 --biases per-neuron":
        "33135d57f87f5629572abbf53a0b034c761d868da38834f21698595c7741e1a1",
    "--format json --example examples/exercise.json --iterations 2":
        "4fab216a838e4f245266999616928d2be28bb67a2bf4cb3fad32d98a91d91b9b",
    "--order sequential --weights 0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8 --inputs 1,2 --targets 0.2,0.7":
        "e269b2669ceff2db269dd9b836787c3ab533c6399c590a111a221c7440552d41",
}


def test_the_posts_exercise_keeps_every_byte(capsys):
    for (args, digest) in DIGESTS.items():
        argv = [str(ROOT / a) if a.startswith("examples/") else a for a in args.split()]
        status, out, _ = call(ann_numpy_no_loop.main, *argv, capsys=capsys)
        assert status == 0 and hashlib.sha256(out.encode()).hexdigest() == digest, args


# --- docs/checking.md --------------------------------------------------------------------------------------------


def test_the_docs_any_shape_block_is_what_the_command_prints(root, monkeypatch, capsys, tmp_path):
    monkeypatch.chdir(root)
    page = (root / "docs" / "checking.md").read_text(encoding="utf-8")
    command = ("python ann_numpy_no_loop.py --example examples/exercise_3-2-2.json "
               "--check examples/hand_calculation_3-2-2.txt")  # fmt: skip
    assert f"```bash\n{command}\n```" in page
    block = page.split("<!-- check-any-shape:start -->")[1].split("<!-- check-any-shape:end -->")[0]
    status, out, _ = call(ann_numpy_no_loop.main, *command.split()[2:], capsys=capsys)
    assert status == 1 and out.strip() == block.strip().strip("`").strip()
    assert "tanh-derivative" in out.split("Diagnosis")[1].splitlines()[1]
    # The two complete --example files the section shows are valid exercises, the first examples/'s own.
    section = page.split("## Exercises of any shape")[1]
    files = [part.split("```")[0] for part in section.split("```json\n")[1:]]
    sample = json.loads((root / "examples" / "exercise_3-2-2.json").read_text(encoding="utf-8"))
    assert len(files) == 2 and json.loads(files[0]) == sample
    for i, text in enumerate(files):
        path = tmp_path / f"ex{i}.json"
        path.write_text(text, encoding="utf-8")
        status, out, err = call(ann_numpy_no_loop.main, "--example", path, "--iterations", "1", capsys=capsys)
        assert status == 0 and "E_total+" in out, err


def test_the_posts_numbers_in_another_shape_are_not_the_posts_example(capsys):
    status, out, _ = call(ann_numpy_no_loop.main, "--hidden-activation", "tanh", "--iterations", "1", capsys=capsys)
    assert status == 0 and "Mazur's" not in out and "blog" not in out and "tanh(net_h1)" in out


def test_an_output_of_exactly_1_in_a_cross_entropy_is_one_line(capsys):
    result = call(ann_numpy_no_loop.main, "--layers", "1,1", "--loss", "bce", "--inputs", "100", "--targets", "1",
                  "--weights", "100", "--biases", "none", capsys=capsys)  # fmt: skip
    assert_one_line_error(result, PROG, 1)
    assert "not defined" in result[2]


def test_every_form_of_a_delta_and_the_matrix_forms_are_checked(root, capsys, tmp_path):
    example = root / "examples" / "exercise_3-2-2.json"
    hand = tmp_path / "hand.txt"
    hand.write_text("dE_o1/dnet_o1[1] -0.3879\ndE_total/dnet_o2[1] 0.3879\nδo1[2] 0.3579\n"
                    "dE_total/dnet_h1[1] -0.0664\nδh2[1] 0.3319\nz_2^{(1)}[2] 0.7\na_2^{(2)}[2]@2 0.1\n"
                    "w_{2,3}^{(1)}+ 0.5932\nw_{2,1}^{(2)}+@2 0.1\n\\delta_2^{(1)}[2] -0.2272\n", encoding="utf-8")
    status, out, err = call(ann_numpy_no_loop.main, "--example", example, "--check", hand, "--json", capsys=capsys)
    assert status == 1, err
    report = json.loads(out)
    assert not report["unchecked"], report["unchecked"]
    keys = {v["key"] for v in report["values"]}
    assert keys == {"delta_o1[1]", "delta_o2[1]", "delta_o1[2]", "delta_h1[1]", "delta_h2[1]", "net_h2[2]",
                    "out_o2[2]@2", "w6+", "w9+@2", "delta_h2[2]"}, keys  # fmt: skip
    wrong = {v["key"] for v in report["values"] if v["status"] != "right"}
    assert wrong == {"out_o2[2]@2", "w9+@2"}, wrong
