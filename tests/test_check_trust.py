"""ann_numpy_no_loop.py --check never passes what it did not check; it reads every name a course writes,
values far past the written-out updates, and its own answer keys (CSV and JSON) back."""

import itertools
import json
import random
import re

import plain_example
import plain_loop
import pytest
from conftest import call

import ann_numpy_no_loop

ORDERS, BIASES, LOSSES = ("parallel", "sequential"), ("fixed", "shared", "per-neuron"), ("half-sse", "sse", "mse")


def network(seed):
    """A network that is not the post's (seed 3: each neuron its own b1, b2 unless the biases are shared)."""
    rng = random.Random(seed)
    b1, b2 = round(rng.uniform(-0.5, 0.5), 3), round(rng.uniform(-0.5, 0.5), 3)
    return dict(x=(round(rng.uniform(0.05, 1), 3), round(rng.uniform(0.05, 1), 3)),
                t=(round(rng.uniform(0.05, 0.95), 3), round(rng.uniform(0.05, 0.95), 3)),
                w=tuple(round(rng.uniform(-1, 1), 4) for _ in range(8)), b1=(b1, b1 + 0.1 * (seed == 3)),
                b2=(b2, b2 - 0.2 * (seed == 3)), eta=round(rng.uniform(0.1, 2), 2))  # fmt: skip


def flags(net, order="parallel", biases="fixed", loss="half-sse"):
    b1 = net["b1"] if biases != "shared" else net["b1"][:1]
    b2 = net["b2"] if biases != "shared" else net["b2"][:1]
    return ["--inputs", "{},{}".format(*net["x"]), "--targets", "{},{}".format(*net["t"]),
            "--weights=" + ",".join(map(str, net["w"])), "--b1=" + ",".join(map(str, b1)),
            "--b2=" + ",".join(map(str, b2)), "--learning-rate", str(net["eta"]), "--order", order,
            "--biases", biases, "--loss", loss]  # fmt: skip


def check(tmp_path, capsys, text, *args, name="hand.txt", as_json=True, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    status, out, err = call(ann_numpy_no_loop.main, *(["--json"] if as_json else []), "--check", path, *args,
                            capsys=capsys)  # fmt: skip
    return status, (json.loads(out) if as_json and out else out), err


POST = plain_example.example(**plain_example.POST, updates=2)  # every value of the post's two updates, plain Python


# --- the answer key read back ---------------------------------------------------------------------------

MATRIX = list(itertools.product((1, 2, 3), ORDERS, BIASES, LOSSES))
# Every order × bias policy × loss once (each a path of the key and the checker), on one of the three
# networks: a Latin square, so that each network meets each bias policy and each loss in both orders
# (network 3, with a b1 and b2 per neuron, meets per-neuron biases in both orders). The networks' numbers
# take no branch of their own: the whole product was 54 runs of the same 18 paths.
COVERING = [(s, o, b, loss) for s, o, b, loss in MATRIX if (s + BIASES.index(b) + LOSSES.index(loss)) % 3 == 0]


@pytest.mark.parametrize(("seed", "order", "biases", "loss"), COVERING)
def test_the_csv_and_json_answer_keys_read_back_pass(tmp_path, capsys, seed, order, biases, loss):
    """2 orders × 3 bias policies × 3 losses, over 3 networks; the update count runs 1, 2, 3 through the matrix."""
    updates = 1 + MATRIX.index((seed, order, biases, loss)) % 3
    args = [*flags(network(seed), order, biases, loss), "--iterations", str(updates)]
    for fmt, name in (("csv", "key.csv"), ("json", "key.json")):
        status, key, _ = call(ann_numpy_no_loop.main, *args, "--format", fmt, capsys=capsys)
        assert status == 0
        status, report, _ = check(tmp_path, capsys, key, *args, name=name)
        assert status == 0 and report["ok"] and report["unchecked"] == [], (fmt, report["unchecked"])
        assert report["updates"] == updates and all(v["status"] == "right" for v in report["values"])
        if fmt == "json":  # the givens the document records are checked too
            assert {"w1", "i2", "target_o1", "η"} <= {v["key"] for v in report["values"]}


def test_ten_updates_read_back_and_the_columns_stay_aligned(tmp_path, capsys):
    args = [*flags(network(2), "sequential", "per-neuron", "sse"), "--iterations", "10"]
    _, key, _ = call(ann_numpy_no_loop.main, *args, "--format", "csv", capsys=capsys)
    assert key.startswith("name,value\n")
    status, report, _ = check(tmp_path, capsys, key, *args, name="key.csv", as_json=False)
    assert status == 0 and report.splitlines()[-1].startswith("All right:")
    rows = [line for line in report.splitlines() if line.endswith("✓")]
    assert len({len(row) for row in rows}) == 1  # full-precision values, one column each


def test_the_json_key_is_read_by_content_and_its_bookkeeping_is_not_a_value(tmp_path, capsys):
    _, key, _ = call(ann_numpy_no_loop.main, "--json", capsys=capsys)  # the post's, with its published figures
    status, report, _ = check(tmp_path, capsys, "\ufeff" + key, name="key.txt")
    names = {v["name"] for v in report["values"]}
    assert status == 0 and report["unchecked"] == [] and "w5+@2" in names and "E_total after" not in names
    # A key for another network, checked against the post's: its givens are wrong, not skipped.
    _, other, _ = call(ann_numpy_no_loop.main, "--json", *flags(network(1)), capsys=capsys)
    status, report, _ = check(tmp_path, capsys, other, name="other.json")
    assert status == 1 and report["first_wrong"]["key"] == "i1"


# --- never "All right" about a line not checked -------------------------------------------------------


def test_the_issues_file_is_not_all_right(tmp_path, capsys):
    status, out, _ = check(tmp_path, capsys, "net_h1 0.3775\nb1+ 0.1\ndelta_h1 0.5\n", as_json=False)
    assert status == 1 and "All right" not in out
    status, report, _ = check(tmp_path, capsys, "net_h1 0.3775\nb1+ 0.1\ndelta_h1 0.5\n")
    by_key = {v["key"]: v["status"] for v in report["values"]}
    assert by_key == {"net_h1": "right", "b1+": "wrong", "dE_total/dnet_h1": "wrong"} and report["unchecked"] == []


def test_an_unknown_name_is_not_checked_says_why_and_suggests_the_closest(tmp_path, capsys):
    text = f"out_h1 {POST['out_h1']:.9f}\ndE_total/dnt_h1 0.0088\nmy_guess 0.5\n"
    status, out, _ = check(tmp_path, capsys, text, as_json=False)
    assert status == 1
    assert "not checked: unknown name, did you mean dE_total/dnet_h1?" in out
    assert out.splitlines()[-1] == "Result: 1 right, 2 not checked (unknown name: 2)."
    status, report, _ = check(tmp_path, capsys, text)
    assert report["unchecked"] == [
        {"name": "dE_total/dnt_h1", "line": 2, "reason": "unknown name, did you mean dE_total/dnet_h1?"},
        {"name": "my_guess", "line": 3, "reason": "unknown name"}]  # fmt: skip
    assert not report["ok"]


@pytest.mark.parametrize("text", [
    "\ufeffnet_h1 0.3776\r\nout_h1 0.5933\r\n",  # a BOM, CRLF, a wrong value
    "out_o1: 0.9999\n",
    "w_7^+ 0.5200\n",
    "out_{o2} = 0.7\n",
])  # fmt: skip
def test_a_wrong_value_in_any_accepted_form_is_wrong(tmp_path, capsys, text):
    status, report, _ = check(tmp_path, capsys, text)
    assert status == 1 and report["first_wrong"] is not None and report["unchecked"] == []
    assert not report["first_wrong"]["name"].startswith("\ufeff")


def test_a_bom_crlf_and_every_line_form_pass_when_right(tmp_path, capsys):
    v = POST
    text = (f"\ufeffnet_h1 {v['net_h1']:.9f}\r\nout_h1 = {v['out_h1']:.9f}\r\nnet_h2,{v['net_h2']:.9f}\r\n"
            f"out_h2: {v['out_h2']:.9f}\r\nname,value\r\n")  # fmt: skip
    status, report, err = check(tmp_path, capsys, text)
    assert status == 2 and "hand.txt:5" in err  # a header that is not the first line is not a value
    status, report, _ = check(tmp_path, capsys, text.removesuffix("name,value\r\n"))
    assert status == 0 and [e["name"] for e in report["values"]] == ["net_h1", "out_h1", "net_h2", "out_h2"]


# --- every name a course writes ------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["delta_h1", "δh1", "δ_h1", "dE_total/dnet_h1", "dE/dnet_h1", "∂E/∂net_h1"])
def test_the_hidden_deltas_are_checked(tmp_path, capsys, name):
    # delta_h1 = (delta_o1 w5 + delta_o2 w7) out_h1 (1 − out_h1), from the plain example's own factors
    delta_h1 = (POST["dE_o1/dnet_o1"] * 0.40 + POST["dE_o2/dnet_o2"] * 0.50) * POST["out_h1"] * (1 - POST["out_h1"])
    status, report, _ = check(tmp_path, capsys, f"{name} {delta_h1:.9f}\n")
    assert status == 0 and report["values"][0]["key"] == "dE_total/dnet_h1"
    status, report, _ = check(tmp_path, capsys, f"{name} 0.5\n")
    assert status == 1 and report["values"][0]["status"] == "wrong"


def test_latex_names_as_written_and_read_back(tmp_path, capsys):
    v = POST
    text = (f"w_{{5}}^{{+}} {v['w5+']:.9f}\nout_{{o1}} {v['out_o1']:.9f}\nE_{{total}} {v['E_total']:.9f}\n"
            f"\\frac{{\\partial E_{{total}}}}{{\\partial w_{{5}}}} {v['dE_total/dw5']:.9f}\n"
            f"w_{{5}}^{{+,2}} = {v['w5+@2']:.9f}\nout_{{h1}}^{{k=2}} {v['out_h1@2']:.9f}\nw_7^+ {v['w7+']:.9f}\n"
            f"out_{{o2}} {v['out_o2']:.9f}\nEtotal+ {v['E_total+']:.9f}\n")  # fmt: skip
    status, report, _ = check(tmp_path, capsys, text)
    assert status == 0 and report["unchecked"] == []
    assert {r["key"] for r in report["values"]} == {"w5+", "out_o1", "E_total", "dE_total/dw5", "w5+@2", "out_h1@2",
                                                    "w7+", "out_o2", "E_total+"}  # fmt: skip


def test_the_latex_output_is_a_hand_calculation_that_checks(tmp_path, capsys):
    """Every name of --format latex (two updates, trained biases), with the number it ends on, reads back."""
    args = ["--iterations", "2", "--biases", "per-neuron"]
    _, out, _ = call(ann_numpy_no_loop.main, "--format", "latex", *args, capsys=capsys)
    body = [line for line in out.splitlines() if not line.startswith(("%", "\\begin", "\\end", "\\intertext"))]
    values, lines = [], []
    for line in body:
        if line.startswith("  &"):  # a long line's continuation: `&= …` or `&\quad \cdot …`
            values[-1] = values[-1].removesuffix(" \\\\") + " " + line.strip().removeprefix("&")
        else:
            values.append(line)
    for value in values:
        name, _, rest = value.partition(" &= ")
        lines.append(name + " " + rest.removesuffix(" \\\\").rpartition(" = ")[2])
    status, report, _ = check(tmp_path, capsys, "\n".join(lines), *args)
    assert status == 0 and len(report["values"]) == len(lines) and report["unchecked"] == []


@pytest.mark.parametrize("biases", BIASES)
def test_every_bias_form_is_a_known_name_under_every_policy(tmp_path, capsys, biases):
    net = network(1)
    text = "".join(f"{name} 0.1\n" for name in ("b1", "b2", "b1+", "b2+", "b1[h1]", "b2[o2]+", "b1_h2+", "b2o1"))
    _, report, _ = check(tmp_path, capsys, text, *flags(net, biases=biases))
    assert len(report["values"]) + len(report["unchecked"]) == 8
    assert not any(u["reason"].startswith("unknown name") for u in report["unchecked"]), report["unchecked"]


def test_fixed_biases_b1_plus_equal_to_b1_is_right_and_a_moved_one_wrong(tmp_path, capsys):
    status, report, _ = check(tmp_path, capsys, "b1+ 0.35\nb2+@2 0.60\nb1[h2]+ 0.35\n")
    assert status == 0 and report["ok"]
    status, report, _ = check(tmp_path, capsys, "b1+ 0.34\n")
    assert status == 1 and report["values"][0]["status"] == "wrong"


def test_shared_and_per_neuron_biases_against_plain_python(tmp_path, capsys):
    net = network(1)
    shared = plain_example.example(net["x"], net["t"], net["w"], net["b1"], net["b2"], net["eta"], biases="shared")
    text = f"b1[h1]+ {shared['b1+']:.9f}\nb2[o2]+@2 {shared['b2+@2']:.9f}\nb1+ {shared['b1+']:.9f}\n"
    status, report, _ = check(tmp_path, capsys, text, *flags(net, biases="shared"))
    assert status == 0 and report["ok"]
    # Each neuron its own bias, and they differ after the update: b1+ is not one number, so not checked.
    status, _, err = check(tmp_path, capsys, f"b1+ {shared['b1+']:.9f}\n", *flags(net, biases="per-neuron"))
    assert status == 1 and "nothing was checked" in err and "one bias a neuron in this exercise" in err


# --- the ladder: values after many updates -------------------------------------------------------------


@pytest.mark.parametrize("order", ORDERS)
def test_values_after_100_and_1000_updates_equal_a_plain_loop(tmp_path, capsys, order):
    rows = plain_loop.trajectory(order, 1000)  # (w, (out_h1, out_h2, out_o1, out_o2, E)) after k updates
    text = "".join(f"w{i}+@{k} {rows[k][0][i - 1]:.12f}\n" for k in (100, 1000) for i in (1, 5, 8))
    text += f"E_total+@100 {rows[100][1][4]:.12f}\nEtotal after@1000 {rows[1000][1][4]:.12f}\n"
    text += f"out_o1@100 {rows[99][1][2]:.12f}\nout_o2@1000 {rows[999][1][3]:.12f}\n"  # at the start of update k
    status, report, _ = check(tmp_path, capsys, text, "--order", order, "--iterations", "1")  # --iterations ignored
    assert status == 0 and report["ok"] and len(report["values"]) == 10, report["unchecked"]
    wrong = text.replace(f"{rows[100][1][4]:.12f}", f"{rows[100][1][4] + 1e-9:.12f}")
    status, report, _ = check(tmp_path, capsys, wrong, "--order", order)
    assert status == 1 and report["first_wrong"] is None and report["diagnosis"] == []  # never diagnosed
    assert [v["key"] for v in report["values"] if v["status"] == "wrong"] == ["E_total+@100"]


def test_the_closest_name_of_a_delta_written_short(tmp_path, capsys):
    _, report, _ = check(tmp_path, capsys, "delta_h 0.0088\nw5+ 0.3589\n")
    assert report["unchecked"][0]["reason"] == "unknown name, did you mean dE_total/dnet_h1?"


def test_another_name_past_update_10_is_not_checked(tmp_path, capsys):
    status, report, _ = check(tmp_path, capsys, f"net_h1@50 0.3\nw5+ {POST['w5+']:.9f}\n")
    assert status == 1 and report["unchecked"][0]["name"] == "net_h1@50" and "past update 10" in (
        report["unchecked"][0]["reason"])  # fmt: skip


# --- the report's context --------------------------------------------------------------------------------


def test_a_wrong_forward_value_without_a_network_says_the_posts_was_assumed(tmp_path, capsys):
    status, out, _ = check(tmp_path, capsys, "net_h1 0.36\n", as_json=False)
    assert status == 1 and "was checked against the post's network" in out and "--example FILE.json" in out
    status, out, _ = check(tmp_path, capsys, "net_h1 0.36\n", "--b1", "0.335", as_json=False)
    assert "was checked against the post's network" not in out
    status, out, _ = check(tmp_path, capsys, "w5+ 0.3\n", as_json=False)  # not a forward value
    assert "was checked against the post's network" not in out


def test_an_example_files_description_opens_the_report(root, capsys):
    example = root / "examples" / "exercise.json"
    description = json.loads(example.read_text(encoding="utf-8"))["description"]
    hand = root / "examples" / "hand_calculation.txt"
    _, out, _ = call(ann_numpy_no_loop.main, "--example", example, "--check", hand, capsys=capsys)
    assert out.splitlines()[0] == description


# --- the formats --------------------------------------------------------------------------------------------


def test_latex_says_its_package_keeps_lines_short_and_names_the_update(capsys):
    for args in (["--iterations", "3", "--biases", "per-neuron", "--loss", "mse"], ["--digits", "17"]):
        _, out, _ = call(ann_numpy_no_loop.main, "--format", "latex", *args, capsys=capsys)
        assert out.splitlines()[0].startswith(r"% requires \usepackage{amsmath}")
        assert max(len(line) for line in out.splitlines()) <= 120
    assert r"w_{5}^{+,2} &= w_{5}^{+,1} - \eta \cdot" in out
    assert not re.search(r"w_\{5\}\^\{\+\} &= w_\{5\}\^\{\+\}", out)


def test_markdown_and_text_name_the_update_and_markdown_heads_are_paragraphs(capsys):
    _, out, _ = call(ann_numpy_no_loop.main, "--format", "markdown", "--b1", "0.355", capsys=capsys)
    lines = out.splitlines()
    assert lines[1] == "" and lines[3] == "" and lines[5] == ""  # each head line its own paragraph
    assert "| `w5+@2` |" in out and "| `w5+` |" in out
    _, out, _ = call(ann_numpy_no_loop.main, "--b1", "0.355", capsys=capsys)
    assert re.search(r"^  w5\+@2 +=", out, re.MULTILINE)
    assert "b1 = 0.355" in out and "0.35," not in out.splitlines()[1]
    assert out.splitlines()[1].startswith("The worked example on your network,") and "Mazur's" not in out
