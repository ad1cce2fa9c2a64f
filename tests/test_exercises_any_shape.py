"""exercises.py with a template of another shape (3-2-2, two training examples, tanh hidden layer, softmax
output, cross-entropy; and a tanh output): reproducible files, the keys the worked-example script prints,
every student's exercise within the rules (recomputed by tests/plain_general.py, a plain per-neuron loop),
and a small class graded."""

import csv
import json
import os

import pytest
from conftest import ROOT, assert_one_line_error, call
from plain_general import run

import ann_numpy_no_loop
import exercises

EXAMPLE = ROOT / "examples" / "exercise_3-2-2.json"
KEYS = (("md", "markdown"), ("tex", "latex"), ("csv", "csv"), ("json", "json"))


def tree(folder):
    return {os.path.relpath(os.path.join(r, n), folder): open(os.path.join(r, n), "rb").read()
            for r, _, names in os.walk(folder) for n in names}  # fmt: skip


def template(tmp_path, vary=("weights", "inputs", "targets", "biases"), decimals=2, **changes):
    doc = {**json.loads(EXAMPLE.read_text(encoding="utf-8")), **changes, "vary": list(vary), "decimals": decimals}
    path = tmp_path / "template.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def generate(capsys, path, outdir, *more, seed=5):
    return call(exercises.main, "generate", path, "--seed", seed, "--outdir", outdir, *more, capsys=capsys)


def plain(folder, sid):
    """The student's exercise.json as plain_general takes it, read here: rows, matrices, a bias a neuron."""
    d = json.loads((folder / sid / "exercise.json").read_text(encoding="utf-8"))
    layers = d["layers"]
    rows = lambda v: v if isinstance(v[0], list) else [v]  # noqa: E731
    flat = [d["weights"][f"w{i}"] for i in range(1, len(d["weights"]) + 1)]
    W = []
    for n_in, n_out in zip(layers, layers[1:], strict=False):
        W.append([flat[j * n_in : (j + 1) * n_in] for j in range(n_out)])
        flat = flat[n_in * n_out :]
    b = None
    if d["biases"] != "none":
        b = [d[f"b{i}"] if isinstance(d[f"b{i}"], list) else [d[f"b{i}"]] * layers[i] for i in range(1, len(layers))]
    return {"layers": layers, "acts": d["activations"], "loss": d["loss"], "reduction": d["reduction"],
            "xs": rows(d["inputs"]), "ts": rows(d["targets"]), "W": W, "b": b, "policy": d["biases"],
            "eta": d["learning_rate"], "order": d["order"]}  # fmt: skip


def test_a_3_2_2_template_gives_the_same_files_for_the_same_seed_and_id_and_the_scripts_keys(tmp_path, capsys):
    path = template(tmp_path)
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text("id,name\nada,Ada\nbo,Bo\ncy,Cy\n", encoding="utf-8")
    second.write_text("name,id\nCy,cy\nAda,ada\n", encoding="utf-8")
    assert generate(capsys, path, tmp_path / "one", "--students", first)[0] == 0
    assert generate(capsys, path, tmp_path / "two", "--students", second)[0] == 0
    one, two = tree(tmp_path / "one"), tree(tmp_path / "two")
    kept = {k: v for k, v in one.items() if k != "class.csv" and "bo" not in k.split(os.sep)}
    assert kept == {k: v for k, v in two.items() if k != "class.csv"}
    assert len({one[os.path.join(s, "exercise.json")] for s in ("ada", "bo", "cy")}) == 3
    for sid in ("ada", "bo", "cy"):
        assert sorted(os.listdir(tmp_path / "one" / sid)) == ["exercise.json", "sheet.md", "sheet.tex"]
        values = run(plain(tmp_path / "one", sid), 1)
        for name in ("sheet.md", "sheet.tex"):  # the sheet: the network of that shape, no answers
            text = one[os.path.join(sid, name)].decode()
            assert "3-2-2 network" in text and "tanh" in text and "softmax" in text and "cross-entropy" in text
            assert "w10 = h2" in text and "2 training examples" in text
            assert all(f"{values[k]:.6f}" not in text for k in ("net_h1[1]", "out_o2[2]", "E_total", "E_total+"))
        assert "target_o2[2]" in one[os.path.join(sid, "sheet.md")].decode()
        key = one[os.path.join("keys", sid, "key.csv")].decode()
        found = dict(line.split(",") for line in key.splitlines()[1:])
        assert float(found["E_total+"]) == pytest.approx(values["E_total+"], rel=1e-12)
        assert float(found["delta_h2[2]"]) == pytest.approx(values["delta_h2[2]"], rel=1e-12)
    for ext, fmt in KEYS:  # each key is what the worked-example script prints for the exercise handed out
        status, printed, _ = call(ann_numpy_no_loop.main, "--example", tmp_path / "one" / "bo" / "exercise.json",
                                  "--format", fmt, "--iterations", "1", capsys=capsys)  # fmt: skip
        assert status == 0 and printed == one[os.path.join("keys", "bo", f"key.{ext}")].decode()
    header = one["class.csv"].decode().splitlines()[0].split(",")
    assert header[:5] == ["id", "name", "i1[1]", "i2[1]", "i3[1]"] and "w10" in header and "b2[o2]" in header


@pytest.mark.parametrize(
    "changes",
    [
        {},  # tanh hidden layer, softmax output, ce over two examples: each target row a permuted one-hot row
        {"layers": [2, 3, 1], "activations": ["sigmoid", "tanh"], "loss": "half-sse", "reduction": "mean",
         "inputs": [[0.5, -0.5], [1, 1], [0.2, 0.9]], "targets": [[0.5], [-0.5], [0.9]], "W1": [[0.1, 0.2]] * 3,
         "W2": [[0.3, -0.3, 0.2]], "b1": 0.1, "b2": 0.2, "biases": "shared", "learning_rate": 0.5},
    ],
    ids=["softmax-ce", "tanh-output"],
)  # fmt: skip
def test_every_student_of_another_shape_meets_the_rules(tmp_path, capsys, changes):
    vary = ("weights", "inputs", "targets", "biases", "learning_rate")
    assert generate(capsys, template(tmp_path, vary, 1, **changes), tmp_path / "c", "--count", "12")[0] == 0
    tanh_output = bool(changes)
    for sid in map(str, range(1, 13)):
        net = plain(tmp_path / "c", sid)
        weights = [w for m in net["W"] for r in m for w in r]
        numbers = [*weights, *(x for r in net["xs"] for x in r), *(v for r in net["b"] for v in r), net["eta"]]
        assert all(v == round(v, 1) for v in numbers)
        assert all(w != 0 for w in weights) and all(x != 0 for r in net["xs"] for x in r) and net["eta"] > 0
        if tanh_output:
            assert all(-1 <= t <= 1 for r in net["ts"] for t in r)
            assert len(set(net["b"][0])) == 1  # a shared bias stays one number a layer
        else:
            assert sorted(map(sorted, net["ts"])) == [[0, 1], [0, 1]]  # probabilities: a one-hot row each
        values = run(net, 1)
        nets = [v for k, v in values.items() if k.startswith("net_")]
        assert len(nets) == len(net["xs"]) * sum(net["layers"][1:]) and max(map(abs, nets)) <= 4
        assert abs(values["E_total+"] - values["E_total"]) >= 0.001 * values["E_total"]


def test_a_class_of_another_shape_is_graded(tmp_path, capsys):
    (tmp_path / "r.csv").write_text("id,name\nright,R\nslip,S\ngone,G\n", encoding="utf-8")
    assert generate(capsys, template(tmp_path), tmp_path / "class", "--students", tmp_path / "r.csv")[0] == 0
    handed = tmp_path / "handed"
    handed.mkdir()
    key = (tmp_path / "class/keys/right/key.csv").read_text(encoding="utf-8")
    (handed / "right.csv").write_text(key, encoding="utf-8")
    task = len(key.splitlines()) - 1
    names = [line.split(",")[0] for line in key.splitlines()[1:]]
    net = plain(tmp_path / "class", "slip")
    ours, theirs = run(net, 1), run(net, 1, mistakes=("tanh_derivative",))
    (handed / "slip.txt").write_text("".join(f"{n} {theirs[n]:.6f}\n" for n in names), encoding="utf-8")
    wrong = [n for n in names if abs(theirs[n] - ours[n]) > 5e-7]
    assert wrong[0] == "dout_h1/dnet_h1[1]"
    status, out, err = call(exercises.main, "grade", handed, "--exercises", tmp_path / "class", "--out",
                            tmp_path / "grades.csv", "--quiet", capsys=capsys)  # fmt: skip
    assert status == 1 and err == ""
    rows = list(csv.reader(open(tmp_path / "grades.csv", encoding="utf-8")))
    assert rows[1] == ["right", "R", str(task), str(task), "0", "0", "0", "0", "", "", "1.000", "graded"]
    slip = dict(zip(rows[0], rows[2], strict=True))
    assert slip["status"] == "graded" and slip["first_wrong"] == "dout_h1/dnet_h1[1]"
    assert slip["diagnosis"] == "tanh-derivative" and int(slip["wrong"]) + int(slip["following"]) == len(wrong)
    assert float(slip["score"]) < 1 and rows[3][-1] == "missing"
    assert "tanh-derivative" in out


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"loss": "half-sse"}, "a softmax output goes with loss ce"),
        ({"activations": ["tanh"]}, "activations: one a layer after the inputs"),
        ({"W3": [[1, 2]]}, "W3: layers 3,2,2 have 2 weight matrices"),
    ],
)
def test_a_bad_template_of_another_shape_is_one_line_and_nothing_written(tmp_path, capsys, changes, reason):
    result = generate(capsys, template(tmp_path, **changes), tmp_path / "c", "--count", "2")
    assert_one_line_error(result, "exercises.py", 2)
    assert reason in result[2] and not (tmp_path / "c").exists()
