"""exercises.py: a class set generated from a seed and ids alone, the keys kept apart, and a class's
hand calculations graded. The students' values come from tests/plain_example.py (plain Python, the
mistakes written out independently) and from a forward pass written here; the expected rows are
worked out from them, not from the checker."""

import contextlib
import csv
import io
import json
import math
import os
import shutil
import subprocess
import sys

import plain_example
import pytest
from conftest import ROOT, assert_one_line_error, call

import ann_numpy_no_loop
import exercises

TEMPLATE = ROOT / "examples" / "class_template.json"
ROSTER = ROOT / "examples" / "roster.csv"
STUDENT_FILES = {"exercise.json", "sheet.md", "sheet.tex"}
KEY_FILES = {"key.md", "key.tex", "key.csv", "key.json"}


def tree(folder):
    """{relative path: bytes} of every file under folder."""
    out = {}
    for root, _, names in os.walk(folder):
        for name in names:
            path = os.path.join(root, name)
            out[os.path.relpath(path, folder)] = open(path, "rb").read()
    return out


def roster(path, rows, header="id,name"):
    path.write_text(header + "\n" + "".join(f"{i},{n}\n" for i, n in rows), encoding="utf-8")
    return path


def generate(capsys, template, students, outdir, seed=7, *more):
    return call(exercises.main, "generate", template, "--students", students, "--seed", seed, "--outdir", outdir,
                *more, capsys=capsys)  # fmt: skip


def given(folder, sid):
    """The student's exercise as plain_example takes it, read from the exercise.json handed out."""
    d = json.loads((folder / sid / "exercise.json").read_text(encoding="utf-8"))
    b1, b2 = d["b1"], d["b2"]
    return dict(x=tuple(d["inputs"]), t=tuple(d["targets"]), w=tuple(d["weights"][f"w{i}"] for i in range(1, 9)),
                b1=(b1, b1), b2=(b2, b2), eta=d["learning_rate"])  # fmt: skip


# --- generate ------------------------------------------------------------------------------------------


def test_the_same_seed_and_id_give_the_same_files_whatever_the_folder_and_the_roster(tmp_path, capsys):
    people = [("ada", "Ada"), ("alan", "Alan"), ("grace", "Grace"), ("s-4", "Four")]
    first = roster(tmp_path / "a.csv", people)
    second = tmp_path / "b.csv"
    second.write_text("name,email,id\n" + "".join(f"{n},x@y,{i}\n" for i, n in [*people[::-1], ("late", "L")]))
    assert generate(capsys, TEMPLATE, first, tmp_path / "one")[0] == 0
    assert generate(capsys, TEMPLATE, second, tmp_path / "two")[0] == 0
    one, two = tree(tmp_path / "one"), tree(tmp_path / "two")
    assert {k: v for k, v in two.items() if "late" not in k and k != "class.csv"} == {
        k: v for k, v in one.items() if k != "class.csv"}
    # A process of its own, as a user runs it: the same bytes.
    subprocess.run([sys.executable, ROOT / "exercises.py", "generate", TEMPLATE, "--students", first, "--seed", "7",
                    "--outdir", tmp_path / "three"], check=True, capture_output=True)  # fmt: skip
    assert tree(tmp_path / "three") == one
    # Each student's folder holds the three files to hand out and no key; the keys stand apart.
    for sid, _ in people:
        assert set(os.listdir(tmp_path / "one" / sid)) == STUDENT_FILES
        assert set(os.listdir(tmp_path / "one" / "keys" / sid)) == KEY_FILES
        ours = plain_example.example(**given(tmp_path / "one", sid), updates=1)
        for name in STUDENT_FILES:
            text = one[os.path.join(sid, name)].decode()
            assert f"{ours['E_total+']:.6f}" not in text and f"{ours['out_o1']:.6f}" not in text
        key = one[os.path.join("keys", sid, "key.csv")].decode()
        assert float(key.split("\nE_total+,")[1].split()[0]) == pytest.approx(ours["E_total+"], rel=1e-12)
    # Each key is what the worked-example script prints for the student's exercise.json.
    for ext, fmt in (("md", "markdown"), ("tex", "latex"), ("csv", "csv"), ("json", "json")):
        status, printed, _ = call(ann_numpy_no_loop.main, "--example", tmp_path / "one" / "ada" / "exercise.json",
                                  "--format", fmt, "--iterations", "1", capsys=capsys)  # fmt: skip
        assert status == 0 and printed == one[os.path.join("keys", "ada", f"key.{ext}")].decode()
    # Different ids, different numbers.
    numbers = {one[os.path.join(sid, "exercise.json")] for sid, _ in people}
    assert len(numbers) == len(people)
    # Another seed, other numbers.
    assert generate(capsys, TEMPLATE, first, tmp_path / "four", 8)[0] == 0
    assert tree(tmp_path / "four")["ada/exercise.json"] != one["ada/exercise.json"]


def test_every_exercise_meets_the_rules(tmp_path, capsys):
    template = tmp_path / "t.json"
    template.write_text(json.dumps({"vary": ["weights", "inputs", "targets", "learning_rate", "biases"],
                                    "decimals": 1}))  # fmt: skip
    assert call(exercises.main, "generate", template, "--count", "25", "--seed", "3", "--outdir", tmp_path / "c",
                capsys=capsys)[0] == 0  # fmt: skip
    for sid in range(1, 26):
        g = given(tmp_path / "c", str(sid))
        values = [*g["x"], *g["t"], *g["w"], g["b1"][0], g["b2"][0], g["eta"]]
        assert all(v == round(v, 1) for v in values)
        assert all(w != 0 for w in g["w"]) and all(i != 0 for i in g["x"]) and 0 < g["eta"]
        v = plain_example.example(**g, updates=1)
        assert max(abs(v[n]) for n in ("net_h1", "net_h2", "net_o1", "net_o2")) <= 4
        assert abs(v["E_total+"] - v["E_total"]) >= 0.001 * v["E_total"]


# --- grade ---------------------------------------------------------------------------------------------


def carried(g, decimals=3):
    """A forward pass with every value rounded to `decimals` as it is written and used from then on."""
    r = lambda v: round(v, decimals)  # noqa: E731
    s = lambda z: 1 / (1 + math.exp(-z))  # noqa: E731
    (i1, i2), (t1, t2), w, b1, b2 = g["x"], g["t"], g["w"], g["b1"][0], g["b2"][0]
    v = {"net_h1": r(w[0] * i1 + w[1] * i2 + b1), "net_h2": r(w[2] * i1 + w[3] * i2 + b1)}
    v["out_h1"], v["out_h2"] = r(s(v["net_h1"])), r(s(v["net_h2"]))
    v["net_o1"] = r(w[4] * v["out_h1"] + w[5] * v["out_h2"] + b2)
    v["net_o2"] = r(w[6] * v["out_h1"] + w[7] * v["out_h2"] + b2)
    v["out_o1"], v["out_o2"] = r(s(v["net_o1"])), r(s(v["net_o2"]))
    v["E_o1"], v["E_o2"] = r((t1 - v["out_o1"]) ** 2 / 2), r((t2 - v["out_o2"]) ** 2 / 2)
    v["E_total"] = r(v["E_o1"] + v["E_o2"])
    return v


def hand_in(path, values, names, decimals):
    path.write_text("".join(f"{n} {values[n]:.{decimals}f}\n" for n in names), encoding="utf-8")


def test_a_class_is_graded_row_by_row(tmp_path, capsys):
    people = [("right", "R"), ("rounded", "C"), ("net", "N"), ("uphill", "U"), ("missing", "M"), ("binary", "B"),
              ("twice", "T")]  # fmt: skip
    assert generate(capsys, TEMPLATE, roster(tmp_path / "r.csv", people), tmp_path / "class")[0] == 0
    names = [line.split(",")[0] for line in (tmp_path / "class/keys/right/key.csv").read_text().splitlines()[1:]]
    task = len(names)
    handed = tmp_path / "handed"
    handed.mkdir()
    g = {sid: given(tmp_path / "class", sid) for sid, _ in people}
    hand_in(handed / "right.txt", plain_example.example(**g["right"], updates=1), names, 6)
    rounded = carried(g["rounded"])
    hand_in(handed / "rounded.txt", rounded, list(rounded), 3)
    exact = plain_example.example(**g["rounded"], updates=1)
    close = sum(abs(rounded[n] - exact[n]) <= 0.0005 * (1 + 1e-9) for n in rounded)
    wrong = {}
    for sid, mistake in (("net", "sigmoid-derivative-of-net"), ("uphill", "update-sign")):
        ours = plain_example.example(**g[sid], updates=1)
        theirs = plain_example.example(**g[sid], updates=1, mistake=mistake)
        hand_in(handed / f"{sid}.csv", theirs, names, 6)
        wrong[sid] = [n for n in names if abs(theirs[n] - ours[n]) > 5e-7]
    (handed / "binary.xlsx").write_bytes(b"PK\x03\x04\x14\x00\x00\x00\x08\x00")
    (handed / "twice.txt").write_text("net_h1 1\n")
    (handed / "twice.json").write_text("{}\n")
    (handed / "stranger.txt").write_text("net_h1 1\n")
    status, out, err = call(exercises.main, "grade", handed, "--exercises", tmp_path / "class", "--out",
                            tmp_path / "grades.csv", "--quiet", capsys=capsys)  # fmt: skip
    assert status == 1 and err == ""
    rows = list(csv.reader(open(tmp_path / "grades.csv", encoding="utf-8")))
    assert rows[0] == ["id", "name", "checked", "right", "carried_rounding", "following", "wrong", "not_checked",
                       "first_wrong", "diagnosis", "score", "status"]  # fmt: skip
    net_wrong = ["dout_o1/dnet_o1", "dout_o2/dnet_o2", "dout_h1/dnet_h1", "dout_h2/dnet_h2"]  # σ' from net, 4 times
    up_wrong = [f"w{i}+" for i in range(1, 9)]  # every step uphill; E_total+ follows from the new weights
    assert set(up_wrong) <= set(wrong["uphill"]) and set(net_wrong) <= set(wrong["net"])
    n_net, n_up = len(wrong["net"]), len(wrong["uphill"])
    assert rows[1:] == [
        ["right", "R", str(task), str(task), "0", "0", "0", "0", "", "", "1.000", "graded"],
        ["rounded", "C", "11", str(close), str(11 - close), "0", "0", "0", "", "", f"{11 / task:.3f}", "graded"],
        ["net", "N", str(task), str(task - n_net), "0", str(n_net - 4), "4", "0", wrong["net"][0],
         "sigmoid-derivative-of-net", f"{(task - 4) / task:.3f}", "graded"],
        ["uphill", "U", str(task), str(task - n_up), "0", str(n_up - 8), "8", "0", "w5+", "update-sign",
         f"{(task - 8) / task:.3f}", "graded"],
        ["missing", "M", *[""] * 9, "missing"],
        ["binary", "B", *[""] * 9, "unreadable"],
        ["twice", "T", *[""] * 9, "duplicate"],
        ["stranger", "", *[""] * 9, "unknown id"],
    ]  # fmt: skip
    assert 0 < close < 11  # the forward pass rounded as it goes is partly carried rounding
    feedback = tmp_path / "grades_feedback"
    assert sorted(os.listdir(feedback)) == ["binary.txt", "net.txt", "right.txt", "rounded.txt", "twice.txt",
                                            "uphill.txt"]  # fmt: skip
    assert (feedback / "right.txt").read_text(encoding="utf-8").splitlines()[-1] == f"All right: {task} right."
    assert "sigmoid-derivative-of-net" in (feedback / "net.txt").read_text(encoding="utf-8")
    cwd = os.getcwd()
    os.chdir(handed)  # the feedback is what --check prints
    try:
        check = call(ann_numpy_no_loop.main, "--example", tmp_path / "class/net/exercise.json", "--check", "net.csv",
                     capsys=capsys)  # fmt: skip
    finally:
        os.chdir(cwd)
    assert check[0] == 1 and check[1] == (feedback / "net.txt").read_text(encoding="utf-8")
    assert out.splitlines()[:2] == ["4 of 7 students graded; 1 duplicate; 1 missing; 1 unknown id; 1 unreadable",
                                    "every value right (or carried rounding): 2 of 4"]  # fmt: skip
    assert "sigmoid-derivative-of-net" in out and "update-sign" in out
    # Every roster student graded: exit status 0.
    for sid in ("missing", "binary", "twice"):
        for f in handed.glob(f"{sid}.*"):
            f.unlink()
        shutil.copy(handed / "right.txt", handed / f"{sid}.txt")
    (handed / "stranger.txt").unlink()
    status, out, _ = call(exercises.main, "grade", handed, "--exercises", tmp_path / "class", "--out",
                          tmp_path / "grades.csv", "--plot", tmp_path / "grades.png", capsys=capsys)  # fmt: skip
    assert status == 0 and (tmp_path / "grades.png").stat().st_size > 10_000
    assert [r[-1] for r in csv.reader(open(tmp_path / "grades.csv"))][1:] == ["graded"] * 4 + ["graded"] * 3


# --- bad input -----------------------------------------------------------------------------------------


def test_bad_templates_rosters_and_folders_are_one_line_and_nothing_written(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    bad = tmp_path / "bad"
    bad.mkdir()
    post = json.loads(TEMPLATE.read_text(encoding="utf-8"))
    templates = {
        "unknown.json": {**post, "seed": 1}, "vary.json": {**post, "vary": ["colour"]},
        "decimals.json": {**post, "decimals": 0}, "biases.json": {**post, "b1": [0.1, 0.2], "biases": "shared"},
        "saturated.json": {**post, "weights": [5.0] * 8, "vary": ["targets"]},
        "same.json": {**post, "vary": []}, "list.json": [1],
    }  # fmt: skip
    for name, document in templates.items():
        (bad / name).write_text(json.dumps(document))
    (bad / "latin1.json").write_bytes(b'{"description": "\xe9"}')
    (bad / "twice.json").write_text('{"description": "a", "description": "b"}')
    (bad / "deep.json").write_text('{"description": ' + "[" * 100_000 + "]" * 100_000 + "}")
    (bad / "huge.json").write_text(" " * 1_000_001 + "{}")
    rosters = {"empty.csv": b"", "header.csv": b"ada,Ada\nalan,Alan\n",
               "twice.csv": b"id,name\nada,A\nbob,B\nada,C\n", "latin1.csv": b"id,name\nada,Ad\xe9\n",
               "keys.csv": b"id,name\nkeys,K\n", "slash.csv": b"id,name\na/b,A\n",
               "nobody.csv": b"id,name\n"}  # fmt: skip
    for name, data in rosters.items():
        (bad / name).write_bytes(data)
    good_roster = roster(bad / "good.csv", [("ada", "A"), ("bob", "B")])
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "notes.txt").write_text("mine")
    cases = [
        *[(["generate", bad / t, "--students", good_roster, "--seed", "1", "--outdir", "out"], 2) for t in templates],
        *[(["generate", bad / t, "--students", good_roster, "--seed", "1", "--outdir", "out"], 2)
          for t in ("latin1.json", "twice.json", "deep.json", "huge.json")],
        (["generate", TEMPLATE, "--students", bad / "huge.json", "--seed", "1", "--outdir", "out"], 2),
        *[(["generate", TEMPLATE, "--students", bad / r, "--seed", "1", "--outdir", "out"], 2) for r in rosters],
        (["generate", TEMPLATE, "--students", bad / "none.csv", "--seed", "1", "--outdir", "out"], 1),
        (["generate", bad / "none.json", "--count", "2", "--seed", "1", "--outdir", "out"], 1),
        (["generate", TEMPLATE, "--count", "2", "--seed", "1", "--outdir", "full"], 2),
        (["generate", TEMPLATE, "--count", "2", "--seed", "-1", "--outdir", "out"], 2),
        (["generate", TEMPLATE, "--count", "0", "--seed", "1", "--outdir", "out"], 2),
        (["generate", TEMPLATE, "--seed", "1", "--outdir", "out"], 2),
        (["grade", bad, "--exercises", bad, "--out", "g.csv"], 2),
        (["grade", bad, "--exercises", "nowhere", "--out", "g.csv"], 2),
        (["grade", "nowhere", "--exercises", bad, "--out", "g.csv"], 1),
        (["grade", bad, "--exercises", bad, "--out", "nowhere/g.csv"], 1),
        (["grade", bad, "--exercises", bad, "--out", "-"], 2),
        (["mark"], 2), ([], 2),
    ]  # fmt: skip
    before = sorted(os.listdir(tmp_path))
    lines = {}
    for args, status in cases:
        result = call(exercises.main, *args, capsys=capsys)
        assert_one_line_error(result, "exercises.py", status)
        assert result[1] == "", args
        lines[str(args[1]).rsplit("/", 1)[-1] if args[1:] else ""] = result[2]
        assert sorted(os.listdir(tmp_path)) == before and os.listdir(tmp_path / "full") == ["notes.txt"], args
    assert "same exercise" in lines["same.json"] and "ada" in lines["same.json"] and "bob" in lines["same.json"]
    assert "cannot be met" in lines["saturated.json"] and "|net" in lines["saturated.json"]


def test_a_class_folder_is_rewritten_only_with_its_own_files_or_force(tmp_path, capsys):
    assert call(exercises.main, "generate", TEMPLATE, "--count", "2", "--seed", "1", "--outdir", tmp_path / "c",
                capsys=capsys)[0] == 0  # fmt: skip
    again = call(exercises.main, "generate", TEMPLATE, "--count", "2", "--seed", "1", "--outdir", tmp_path / "c",
                 capsys=capsys)  # fmt: skip
    assert again[0] == 0  # the same files again
    (tmp_path / "c" / "notes.txt").write_text("mine")
    args = ["generate", TEMPLATE, "--count", "3", "--seed", "1", "--outdir", tmp_path / "c"]
    assert call(exercises.main, *args, capsys=capsys)[0] == 2 and not (tmp_path / "c" / "3").exists()
    assert call(exercises.main, *args, "--force", capsys=capsys)[0] == 0
    assert (tmp_path / "c" / "3" / "exercise.json").exists() and (tmp_path / "c" / "notes.txt").read_text() == "mine"


# --- the documentation -----------------------------------------------------------------------------------


def workflow(folder) -> dict:
    """docs/classroom.md's generated blocks: its two commands run in folder (examples/ linked in)."""
    os.symlink(ROOT / "examples", folder / "examples")
    blocks = {}
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        for block, command in (
            ("generate", "generate examples/class_template.json --students examples/roster.csv --seed 7 "
             "--outdir class"),
            ("grade", "grade examples/handed_in --exercises class --out grades.csv --plot grades.png"),
        ):
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                blocks[block] = (exercises.main(command.split()), out.getvalue())
        read = lambda path: (folder / path).read_text(encoding="utf-8")  # noqa: E731
    finally:
        os.chdir(cwd)
    return {
        "classroom-generate": f"```text\n{blocks['generate'][1]}$ cat class/class.csv\n{read('class/class.csv')}```",
        "classroom-sheet": f"````markdown\n{read('class/ada/sheet.md')}````",
        "classroom-grade": f"```text\n{blocks['grade'][1]}```",
        "classroom-grades-csv": f"```text\n{read('grades.csv')}```",
        "classroom-feedback": f"```text\n{read('grades_feedback/alan.txt')}```",
    }, blocks


def test_the_teachers_workflow_in_the_docs_is_what_the_commands_write(tmp_path):
    expected, runs = workflow(tmp_path)
    assert runs["generate"][0] == 0 and runs["grade"][0] == 1  # John handed in nothing
    page = (ROOT / "docs" / "classroom.md").read_text(encoding="utf-8")
    for name, content in expected.items():
        block = page.split(f"<!-- {name}:start -->\n")[1].split(f"<!-- {name}:end -->")[0]
        assert block == content + "\n", name


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_the_progress_bar_is_for_a_terminal_with_tqdm_and_without_quiet(monkeypatch):
    monkeypatch.setattr(sys, "stderr", Terminal())
    bar = exercises.progress_bar(quiet=False)
    assert list(bar(range(3))) == [0, 1, 2] and "grading" in sys.stderr.getvalue()
    assert exercises.progress_bar(quiet=True) is None
    monkeypatch.setitem(sys.modules, "tqdm", None)  # not installed
    assert exercises.progress_bar(quiet=False) is None
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    assert exercises.progress_bar(quiet=False) is None


def test_a_spreadsheet_handed_in_is_graded_by_its_labels(tmp_path, capsys):
    """A student's workbook (labels in column A, values beside them, as a spreadsheet program stores them)
    is graded like a text file: the mistake named, the cell in the feedback."""
    openpyxl = pytest.importorskip("openpyxl")
    assert generate(capsys, TEMPLATE, roster(tmp_path / "r.csv", [("sheet", "S")]), tmp_path / "class")[0] == 0
    names = [line.split(",")[0] for line in (tmp_path / "class/keys/sheet/key.csv").read_text().splitlines()[1:]]
    theirs = plain_example.example(**given(tmp_path / "class", "sheet"), updates=1, mistake="update-sign")
    handed = tmp_path / "handed"
    handed.mkdir()
    book = openpyxl.Workbook()
    for row, name in enumerate(names, start=1):
        book.active.cell(row, 1, name)
        book.active.cell(row, 2, round(theirs[name], 6))
    book.save(handed / "sheet.xlsx")
    status, _, _ = call(exercises.main, "grade", handed, "--exercises", tmp_path / "class", "--out",
                        tmp_path / "grades.csv", "--quiet", capsys=capsys)  # fmt: skip
    assert status == 0
    row = list(csv.reader(open(tmp_path / "grades.csv", encoding="utf-8")))[1]
    assert row[0] == "sheet" and row[-1] == "graded" and row[2] == str(len(names)) and row[9] == "update-sign"
    feedback = (tmp_path / "grades_feedback" / "sheet.txt").read_text(encoding="utf-8")
    assert f"Sheet!B{names.index('w5+') + 1}" in feedback
