"""ann_numpy_no_loop.py --check: a hand calculation against ours, locally, and the diagnosis of its first mistake."""

import json
import os

import plain_example
import pytest
from conftest import assert_one_line_error, call

import ann_numpy_no_loop
from backprop import published

PROG = "ann_numpy_no_loop.py"
# A network that is not the post's, as a course would set the exercise.
COURSE = dict(x=(0.3, 0.8), t=(0.2, 0.7), w=(0.9, -0.4, 0.1, 0.65, -0.3, 0.8, 0.55, -0.75), b1=(0.1, 0.1),
              b2=(-0.2, -0.2), eta=0.7)  # fmt: skip
MISTAKES = ["sigmoid-derivative-of-net", "error-sign", "loss-factor", "biases-updated", "w2-w3-swapped",
            "output-derivative-missing", "one-output-only", "learning-rate"]  # fmt: skip
# Mistakes the diagnosis must name first, alone: (the plain example's knob, the identifier, its variant).
NAMED_FIRST = [("update-sign", "update-sign", ""), ("targets-swapped", "targets-swapped", ""),
               ("targets-rounded", "targets-rounded", ""),
               ("output-weights-transposed", "output-weights-transposed", ""),
               ("bias-dropped/hidden", "bias-dropped", "hidden layer"),
               ("bias-dropped/output", "bias-dropped", "output layer"),
               ("bias-dropped/both", "bias-dropped", "both layers"),
               ("biases-updated/per-neuron", "biases-updated", "biases per-neuron")]  # fmt: skip


def flags(net, order, biases="fixed"):
    return ["--inputs", "{},{}".format(*net["x"]), "--targets", "{},{}".format(*net["t"]),
            "--weights=" + ",".join(map(str, net["w"])), "--b1", str(net["b1"][0]), "--b2", str(net["b2"][0]),
            "--learning-rate", str(net["eta"]), "--order", order, "--biases", biases]  # fmt: skip


def check(tmp_path, capsys, text, *args):
    path = tmp_path / "hand.txt"
    path.write_text(text, encoding="utf-8")
    status, out, err = call(ann_numpy_no_loop.main, "--json", "--check", path, *args, capsys=capsys)
    return status, (json.loads(out) if out else None), err


def hand_calculation(values, decimals=9):
    return "\n".join(f"{name} {value:.{decimals}f}" for name, value in values.items()) + "\n"


def test_the_posts_own_numbers_pass_but_its_error_after_the_first_round(tmp_path, capsys):
    text = "\n".join(f"{name} {value}" for name, value in published.POST_FIRST_UPDATE.items())
    status, report, _ = check(tmp_path, capsys, text)
    by_name = {v["name"]: v for v in report["values"]}
    assert by_name["dE_o2/dout_h1"]["status"] == "rounding"  # −0.038098237 (not listed, rounded) × w7 = 0.5
    assert by_name["E_total after"]["status"] == "wrong"
    assert all(v["status"] == "right" for name, v in by_name.items() if name not in ("dE_o2/dout_h1", "E_total after"))
    assert status == 1 and report["first_wrong"]["name"] == "E_total after"
    assert [d["mistake"] for d in report["diagnosis"]] == ["updated-output-weights"]


@pytest.mark.parametrize("order", ["parallel", "sequential"])
@pytest.mark.parametrize("network", ["post", "course"])
@pytest.mark.parametrize("mistake", MISTAKES + ["swapped-order"])
def test_each_mistake_is_diagnosed(tmp_path, capsys, mistake, network, order):
    """A hand calculation made with one mistake, by the independent plain-Python example, is diagnosed with it."""
    net = plain_example.POST if network == "post" else COURSE
    named = {"parallel": "updated-output-weights", "sequential": "original-output-weights"}[order]
    made = named if mistake == "swapped-order" else mistake
    values = plain_example.example(net["x"], net["t"], net["w"], net["b1"], net["b2"], net["eta"], order,
                                   mistake=made)  # fmt: skip
    status, report, _ = check(tmp_path, capsys, hand_calculation(values), *flags(net, order))
    assert status == 1
    diagnosis = report["diagnosis"]
    best = [d["mistake"] for d in diagnosis if d["later_reproduced"] == diagnosis[0]["later_reproduced"]]
    assert made in best, diagnosis


@pytest.mark.parametrize("order", ["parallel", "sequential"])
@pytest.mark.parametrize("network", ["post", "course"])
@pytest.mark.parametrize(("knob", "mistake", "variant"), NAMED_FIRST)
def test_each_new_mistake_is_named_first(tmp_path, capsys, knob, mistake, variant, network, order):
    """Made by the plain-Python example with the knob on (2 updates, 9 decimals): that mistake comes first,
    reproducing every value, and no other mistake that breaks a right value is named."""
    net = plain_example.POST if network == "post" else COURSE
    values = plain_example.example(net["x"], net["t"], net["w"], net["b1"], net["b2"], net["eta"], order,
                                   mistake=knob)  # fmt: skip
    status, report, _ = check(tmp_path, capsys, hand_calculation(values), *flags(net, order))
    best = report["diagnosis"][0]
    assert status == 1 and (best["mistake"], best["variant"]) == (mistake, variant), report["diagnosis"]
    assert best["reproduced"] == best["values"] == len(report["values"]) and best["remaining"] == []
    assert all(not d["breaks"] for d in report["diagnosis"][1:])


@pytest.mark.parametrize(("exercise", "knob", "mistake"), [("per-neuron", "bias-shared", "bias-shared"),
                                                          ("shared", "bias-per-neuron", "bias-per-neuron"),
                                                          ("fixed", "biases-updated", "biases-updated")])  # fmt: skip
def test_a_bias_policy_mixed_up_is_diagnosed(tmp_path, capsys, exercise, knob, mistake):
    net = COURSE
    values = plain_example.example(net["x"], net["t"], net["w"], net["b1"], net["b2"], net["eta"], "parallel",
                                   exercise, mistake=knob)  # fmt: skip
    status, report, _ = check(tmp_path, capsys, hand_calculation(values), *flags(net, "parallel", exercise))
    assert status == 1 and report["diagnosis"][0]["mistake"] == mistake, report["diagnosis"]


def test_shared_bias_values_in_a_per_neuron_exercise_are_diagnosed(tmp_path, capsys):
    """Every value we check is right, but b1+ and dE_total/db1 are one bias a layer's: bias-shared, exit 1."""
    v = plain_example.example(**plain_example.POST, biases="per-neuron", updates=1, mistake="bias-shared")
    text = "".join(f"{name} {v[name]:.9f}\n" for name in ("net_h1", "w5+", "dE_total/db1", "b1+"))
    path = tmp_path / "hand.txt"
    path.write_text(text, encoding="utf-8")
    status, out, _ = call(ann_numpy_no_loop.main, "--check", path, "--biases", "per-neuron", capsys=capsys)
    assert status == 1
    assert "Diagnosis: dE_total/db1, b1+ are not this exercise's names; bias-shared reproduces them" in out, out


def test_fixed_biases_written_after_the_update_are_checked(tmp_path, capsys):
    """Under fixed biases b1+ is b1 (right); a b1+ that moved is biases-updated, one bias a layer."""
    status, report, _ = check(tmp_path, capsys, "b1+ 0.35\nb2[o1]+ 0.60\n")
    assert status == 0 and [v["status"] for v in report["values"]] == ["right", "right"]
    values = plain_example.example(**plain_example.POST, updates=1, mistake="biases-updated")
    status, report, _ = check(tmp_path, capsys, f"b2+ {values['b2+']:.9f}\n")
    assert status == 1 and report["first_wrong"]["name"] == "b2+"
    assert (report["diagnosis"][0]["mistake"], report["diagnosis"][0]["variant"]) == ("biases-updated",
                                                                                       "biases shared")  # fmt: skip


def test_gradient_ascent_is_update_sign_not_error_sign(tmp_path, capsys):
    """Every dE/dw right and every w+ = w + η dE/dw: error-sign would change the gradients the student got right."""
    values = plain_example.example(**plain_example.POST, updates=1)
    eta = plain_example.POST["eta"]
    ascent = {**values, **{f"w{i}+": plain_example.POST["w"][i - 1] + eta * values[f"dE_total/dw{i}"]
                           for i in range(1, 9)}}  # fmt: skip
    ascent.pop("E_total+")
    status, report, _ = check(tmp_path, capsys, hand_calculation(ascent))
    assert status == 1 and [d["mistake"] for d in report["diagnosis"]] == ["update-sign"], report["diagnosis"]


@pytest.mark.parametrize(("text", "yours", "ours", "slip"), [
    ("out_h1 0.593629992\nE_total 0.298371109\n", "0.593629992", "0.593269992", "two digits exchanged"),
    ("out_h1 0.5933\nw5+ 0.3599\n", "0.3599", "0.3589", "one digit wrong"),
])  # fmt: skip
def test_a_typo_shows_the_digits(tmp_path, capsys, text, yours, ours, slip):
    path = tmp_path / "hand.txt"
    path.write_text(text, encoding="utf-8")
    status, out, _ = call(ann_numpy_no_loop.main, "--check", path, capsys=capsys)
    assert status == 1
    assert f"  typo: you wrote {yours}, ours is {ours} ({slip}); it also reproduces" in out, out


def test_a_value_of_one_digit_is_never_called_a_typo(tmp_path, capsys):
    """out_h1 is 0.593…: written 0.7 it differs from ours (0.6) in its one digit, as any wrong value would."""
    path = tmp_path / "hand.txt"
    path.write_text("out_h1 0.7\n", encoding="utf-8")
    status, out, _ = call(ann_numpy_no_loop.main, "--check", path, capsys=capsys)
    assert status == 1 and "typo" not in out, out


def test_two_mistakes_at_once_are_named_as_a_pair(tmp_path, capsys):
    net = COURSE
    values = plain_example.example(net["x"], net["t"], net["w"], net["b1"], net["b2"], net["eta"], "sequential",
                                   mistake="error-sign+learning-rate")  # fmt: skip
    status, report, _ = check(tmp_path, capsys, hand_calculation(values), *flags(net, "sequential"))
    best = report["diagnosis"][0]
    assert status == 1 and best["mistakes"] == ["error-sign", "learning-rate"], report["diagnosis"]
    assert best["variant"] == "η left out" and best["reproduced"] == len(values)
    assert report["diagnosis"][1]["mistake"] == "error-sign" and report["diagnosis"][1]["remaining"]


def test_values_left_unexplained_are_listed(tmp_path, capsys):
    """η left out, and the hidden layer's gradients tripled (no mistake we know): they remain."""
    values = plain_example.example(**plain_example.POST, updates=1, mistake="learning-rate")
    for i in (1, 2, 3, 4):
        values[f"dE_total/dw{i}"] *= 3
        values[f"w{i}+"] = plain_example.POST["w"][i - 1] - values[f"dE_total/dw{i}"]  # from the student's numbers
    path = tmp_path / "hand.txt"
    path.write_text(hand_calculation(values), encoding="utf-8")
    status, out, _ = call(ann_numpy_no_loop.main, "--check", path, capsys=capsys)
    names = list(values)
    later = len(names) - names.index("w5+") - 1  # the values after the first wrong one, w5+
    assert status == 1 and f"  learning-rate explains {later - 4} of your {later} later values; " \
        "dE_total/dw1..dw4 remain: look for a second mistake" in out, out  # fmt: skip


def test_carried_rounding_is_not_a_mistake(tmp_path, capsys):
    """Values written with 4 decimals, and some taken from the written factors (as on paper): all pass."""
    net = COURSE
    v = plain_example.example(net["x"], net["t"], net["w"], net["b1"], net["b2"], net["eta"], updates=1)
    written = {name: f"{value:.4f}" for name, value in v.items()}
    # From the written gradient: w8+ = w8 − η × dE_total/dw8 (as written) is -0.7167, ours -0.7168.
    carried = {"w8+": net["w"][7] - net["eta"] * float(written["dE_total/dw8"])}
    assert all(f"{x:.4f}" != written[name] for name, x in carried.items())  # rounding that shows
    written.update({name: f"{x:.4f}" for name, x in carried.items()})
    status, report, _ = check(tmp_path, capsys, "\n".join(f"{n} = {x}" for n, x in written.items()),
                              *flags(net, "parallel"))  # fmt: skip
    by_key = {r["key"]: r["status"] for r in report["values"]}
    assert by_key["w8+"] == "rounding"
    assert status == 0 and report["ok"], [r for r in report["values"] if r["status"] not in ("right", "rounding")]


def test_a_truncated_value_is_wrong_and_said_so(tmp_path, capsys):
    values = plain_example.example(**plain_example.POST, updates=1)  # dE_total/dw5 = 0.0821670407…
    text = f"dE_total/dw5 {int(values['dE_total/dw5'] * 1e9) / 1e9:.9f}\n"
    status, report, _ = check(tmp_path, capsys, text)
    assert status == 1 and report["values"][0]["note"] == "truncated"


def test_a_value_that_follows_from_a_wrong_one_is_said_so(tmp_path, capsys):
    values = plain_example.example(**plain_example.POST, updates=1)
    wrong_out_o1 = values["out_o1"] + 0.01
    text = f"out_o1 {wrong_out_o1:.9f}\nE_o1 {0.5 * (0.01 - wrong_out_o1) ** 2:.9f}\n"
    status, report, _ = check(tmp_path, capsys, text)
    assert [v["status"] for v in report["values"]] == ["wrong", "follows"]
    assert report["first_wrong"]["name"] == "out_o1" and status == 1


def test_aliases_unknown_names_and_formats(tmp_path, capsys):
    values = plain_example.example(**plain_example.POST, updates=2)
    text = (f"w5_new = {values['w5+']:.9f}\nw6', {values['w6+']:.9f}\ndEtotal/dw5 {values['dE_total/dw5']:.9f}\n"
            f"delta_o1 {values['dE_o1/dnet_o1']:.9f}\nw5+@2 {values['w5+@2']:.9f}\n# a comment\n\n"
            f"E_total after {values['E_total+']:.9f}\nmy_guess 0.5\n")  # fmt: skip
    status, report, _ = check(tmp_path, capsys, text)
    assert [v["key"] for v in report["values"]] == ["dE_total/dw5", "w5+", "w6+", "dE_o1/dnet_o1", "E_total+",
                                                    "w5+@2"]  # fmt: skip
    assert report["unchecked"] == [{"name": "my_guess", "line": 9, "reason": "unknown name"}]
    assert status == 1 and not report["ok"]  # a line not checked is never all right


def test_the_text_report(tmp_path, capsys):
    path = tmp_path / "hand.txt"
    path.write_text("out_h1 0.593269992\nw5+ 0.37\n", encoding="utf-8")
    status, out, _ = call(ann_numpy_no_loop.main, "--check", path, capsys=capsys)
    assert status == 1
    w5 = plain_example.example(**plain_example.POST, updates=1)["w5+"]
    assert f"First wrong value: w5+ (line 2): yours 0.37, ours {w5:.12g}" in out
    assert out.splitlines()[-1] == "Result: 1 right, 1 wrong."


def test_a_file_with_no_name_we_know_checks_nothing(tmp_path, capsys):
    status, _, err = check(tmp_path, capsys, "foo 1\nbar 2\n")
    assert_one_line_error((status, "", err), PROG, 1)
    assert "nothing was checked" in err


@pytest.mark.parametrize(("text", "says"), [
    ("out_h1\n", "hand.txt:1: 'out_h1' is not 'name value'"),
    ("out_h1 0.5\nw5+ abc\n", "hand.txt:2: 'abc' is not a number"),
    ("w5+ 0,358\n", "hand.txt:1: 'w5+ 0,358': use a decimal point, not a comma"),
    ("w5+ = 0,358\n", "hand.txt:1: '0,358' is not a number (use a decimal point, not a comma)"),
    ("out_h1 nan\n", "hand.txt:1: 'nan' is not a number"),
    ("out_h1 1e999\n", "hand.txt:1: '1e999' is not a finite number"),
    ("w5+ 0.3\nw5_new 0.3\n", "hand.txt:2: w5_new is given twice (first on line 1)"),
    ("w5+@1000001 0.3\n", "hand.txt:1: w5+@1000001: updates are numbered 1 to 1000000"),
    ("w5+@0 0.3\n", "hand.txt:1: w5+@0: updates are numbered 1 to 1000000"),
])  # fmt: skip
def test_a_malformed_hand_calculation_is_one_line_naming_file_and_line(tmp_path, capsys, text, says):
    status, _, err = check(tmp_path, capsys, text)
    assert_one_line_error((status, "", err), PROG, 2)
    assert says in err, err


def test_an_unreadable_hand_calculation_is_status_1(tmp_path, capsys):
    status, out, err = call(ann_numpy_no_loop.main, "--check", tmp_path / "missing.txt", capsys=capsys)
    assert_one_line_error((status, out, err), PROG, 1)
    assert "cannot read" in err and "missing.txt" in err


@pytest.mark.parametrize(("content", "status", "says"), [
    ("{not json", 2, "ex.json:1: not valid JSON"),
    (b"\xff\xfe{}", 2, "ex.json: not valid JSON: not UTF-8 text"),
    ('{"weights": [1, 2]}', 2, "ex.json:1: weights: needs 8 numbers, got 2"),
    ('{"inputs": [0.1, "x"]}', 2, "ex.json:1: inputs: 'x' is not a finite number"),
    ('{"learning_rate": -1}', 2, "ex.json:1: learning_rate:"),
    ('{\n  "b1": 0.3,\n  "colour": "red"\n}', 2, "ex.json:3: unknown key 'colour'"),
    ('{"order": "sequential"}', 0, ""),
    ('[1, 2]', 2, "ex.json: an exercise is one JSON object"),
    (None, 1, "cannot read"),
])  # fmt: skip
def test_a_bad_example_file_is_one_line(tmp_path, capsys, content, status, says):
    path = tmp_path / "ex.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content, encoding="utf-8")
    result = call(ann_numpy_no_loop.main, "--example", path, "--iterations", "1", capsys=capsys)
    if status == 0:
        assert result[0] == 0 and "sequential updates" in result[1]
        return
    assert_one_line_error(result, PROG, status)
    assert says in result[2], result[2]


def test_flags_override_the_example_file_and_a_foreign_order_is_refused(root, capsys):
    example = root / "examples" / "exercise.json"
    status, out, _ = call(ann_numpy_no_loop.main, "--example", example, "--learning-rate", "2", "--json",
                          capsys=capsys)  # fmt: skip
    doc = json.loads(out)
    assert status == 0 and doc["learning_rate"] == 2 and doc["network"]["inputs"] == [0.1, 0.5]
    import ann_numpy  # the sequential script cannot run the example's parallel order

    result = call(ann_numpy.main, "--example", example, capsys=capsys)
    assert_one_line_error(result, "ann_numpy.py", 2)
    assert "order 'parallel' is not this script's (sequential)" in result[2]


def test_nothing_is_written_on_bad_input(tmp_path, capsys):
    before = sorted(os.listdir(tmp_path))
    check(tmp_path, capsys, "w5+ abc\n")
    assert sorted(os.listdir(tmp_path)) == sorted([*before, "hand.txt"])


def test_readme_check_example_is_what_the_command_prints(root, monkeypatch, capsys):
    monkeypatch.chdir(root)
    readme = (root / "docs" / "checking.md").read_text(encoding="utf-8")
    command = "python ann_numpy_no_loop.py --example examples/exercise.json --check examples/hand_calculation.txt"
    assert f"```bash\n{command}\n```" in readme
    block = readme.split("<!-- check-numbers:start -->")[1].split("<!-- check-numbers:end -->")[0]
    status, out, _ = call(ann_numpy_no_loop.main, *command.split()[2:], capsys=capsys)
    assert status == 1 and out.strip() == block.strip().strip("`").strip()
    assert "sigmoid-derivative-of-net" in out.split("Diagnosis")[1].splitlines()[1]
