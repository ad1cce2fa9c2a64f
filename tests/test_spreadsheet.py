"""--format xlsx (a workbook of live formulas) and --check FILE.xlsx (a student's workbook).

The workbook's formulas are evaluated by an independent formula engine (pycel) and held against a plain-Python
recomputation (tests/plain_example.py, tests/plain_loop.py); the student's workbook is built here with openpyxl.
"""

import json
import math
import random
from pathlib import Path

import pytest
from plain_example import POST, example
from plain_loop import trajectory

import ann_numpy_no_loop


class Package:
    """A package imported when a test first uses it (pytest-xdist workers collect every file: those that run
    none of these tests do not pay for pycel and openpyxl); the test is skipped if it is not installed."""

    def __init__(self, name):
        self.name = name

    def __getattr__(self, attribute):
        if attribute.startswith("_"):  # pytest's collection looks for its markers on every name in a file
            raise AttributeError(attribute)
        return getattr(pytest.importorskip(self.name), attribute)


pycel = Package("pycel")
openpyxl = Package("openpyxl")


@pytest.fixture(autouse=True)
def xlsxwriter():
    pytest.importorskip("xlsxwriter")


def write(tmp_path, *flags, name="w.xlsx"):
    path = tmp_path / name
    assert ann_numpy_no_loop.main(["--format", "xlsx", "--output", str(path), *flags]) == 0
    return path


def rows(path):
    """{name: (address, stored value)} of the worked example sheet."""
    ws = openpyxl.load_workbook(path, data_only=True)["worked example"]
    return {r[0].value: (f"worked example!C{r[0].row}", r[2].value) for r in ws.iter_rows(min_row=2)}


def network_cell(path, label):
    ws = openpyxl.load_workbook(path)["network"]
    return next(f"network!B{r[0].row}" for r in ws.iter_rows() if r[0].value == label)


def close(a, b):
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-15)


@pytest.mark.parametrize("flags, settings", [
    ([], dict(POST)),
    (["--order", "sequential", "--biases", "per-neuron", "--loss", "sse",
      "--weights", "0.1,-0.2,0.3,0.4,-0.5,0.6,0.7,0.8", "--b1", "0.3,0.2", "--b2", "0.1,-0.4",
      "--learning-rate", "0.7"],
     dict(POST, w=(0.1, -0.2, 0.3, 0.4, -0.5, 0.6, 0.7, 0.8), b1=(0.3, 0.2), b2=(0.1, -0.4), eta=0.7,
          order="sequential", biases="per-neuron", loss="sse")),
])  # fmt: skip
def test_formulas_evaluated_equal_ours_and_recalculate(tmp_path, flags, settings):
    path = write(tmp_path, "--iterations", "2", "--training-updates", "2", *flags)
    found = rows(path)
    plain = example(**settings, updates=2)
    xl = pycel.ExcelCompiler(filename=str(path))
    for name, value in plain.items():
        address, stored = found[name]
        assert close(stored, value), name  # the value stored for viewers that do not recalculate
        assert close(xl.evaluate(address), value), name  # the live formula
    # Edit one input cell: every value recomputes as our worked example of the changed network.
    xl.set_value(network_cell(path, "w5"), 0.123)
    xl.set_value(network_cell(path, "i2"), 0.3)
    changed = example(**{**settings, "w": (*settings["w"][:4], 0.123, *settings["w"][5:]), "x": (0.05, 0.3)},
                      updates=2)  # fmt: skip
    for name, value in changed.items():
        assert close(xl.evaluate(found[name][0]), value), name


def test_training_sheet_and_learning_rates(tmp_path):
    path = write(tmp_path, "--iterations", "1", "--training-updates", "3", "--order", "sequential",
                 "--learning-rates", "0.5,2")  # fmt: skip
    ws = openpyxl.load_workbook(path, data_only=True)["training"]
    header = [c.value for c in ws[2]]
    assert header.count("E_total") == 2 and ws._charts  # one block per rate, one chart
    xl = pycel.ExcelCompiler(filename=str(path))
    for block, eta in enumerate((0.5, 2.0)):
        col = [i for i, h in enumerate(header) if h == "E_total"][block]
        letter = openpyxl.utils.get_column_letter(col + 1)
        for k, (_w, forward) in enumerate(trajectory("sequential", 3, eta)):
            error = forward[-1]
            assert close(ws[f"{letter}{3 + k}"].value, error)
            assert close(xl.evaluate(f"training!{letter}{3 + k}"), error)


def usage(argv):
    with pytest.raises(SystemExit) as exc:
        ann_numpy_no_loop.main(argv)
    return exc.value.code


def test_refusals(tmp_path, capsys):
    assert usage(["--format", "xlsx"]) == 2  # no --output
    assert usage(["--format", "xlsx", "--output", str(tmp_path / "a.csv")]) == 2
    other = str(Path(__file__).parent.parent / "examples" / "exercise_3-2-2.json")
    assert usage(["--format", "xlsx", "--output", str(tmp_path / "a.xlsx"), "--example", other,
                  "--training-updates", "5"]) == 2  # the training sheet: the post's shape only
    assert usage(["--learning-rates", "0.1,0.2"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 4 and all(line.startswith("ann_numpy_no_loop.py") for line in err)
    assert "another shape" in err[2]


def test_without_the_package(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "xlsxwriter", None)
    assert ann_numpy_no_loop.main(["--format", "xlsx", "--output", str(tmp_path / "a.xlsx")]) == 1
    assert "pip install XlsxWriter" in capsys.readouterr().err
    assert not (tmp_path / "a.xlsx").exists()
    monkeypatch.setitem(__import__("sys").modules, "openpyxl", None)
    assert ann_numpy_no_loop.main(["--check", str(tmp_path / "b.xlsx")]) == 1
    assert "pip install openpyxl" in capsys.readouterr().err


# --- a student's workbook -----------------------------------------------------------------------------------


def student_book(path, plain, wrong=None):
    """Labels in two layouts: the forward pass as label | value (one label over its value too), the updated
    weights as a table whose header row holds names and whose rows are updates 1 and 2, at 4 to 6 decimals."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws["A1"] = "My backprop homework"
    names = ["net_h1", "out_h1", "h2", "a_h2", "net_o1", "out_o1", "E1", "E2", "E_Total", "∂E_total/∂w5"]
    keys = ["net_h1", "out_h1", "net_h2", "out_h2", "net_o1", "out_o1", "E_o1", "E_o2", "E_total", "dE_total/dw5"]
    for row, (name, key) in enumerate(zip(names, keys, strict=True), start=3):
        ws.cell(row, 2, name)
        ws.cell(row, 3, round(plain[key], 6) if key != wrong else round(-plain[key], 6))
    ws["F3"], ws["F4"] = "w8+", round(plain["w8+"], 5)  # a label with its value below
    ws.cell(14, 2, "w5+")
    ws.cell(14, 3, "w6+")
    ws.cell(14, 4, "w1+")
    for k in (1, 2):
        at = "" if k == 1 else f"@{k}"
        ws.cell(14 + k, 2, round(plain["w5+" + at], 5))
        ws.cell(14 + k, 3, f"{plain['w6+' + at]:.5f}".replace(".", ","))  # text, a decimal comma
        ws.cell(14 + k, 4, round(plain["w1+" + at], 5))
    wb.save(path)


def test_student_workbook_checked(tmp_path, capsys):
    plain = example(**POST, updates=2)
    right = tmp_path / "right.xlsx"
    student_book(right, plain)
    assert ann_numpy_no_loop.main(["--check", str(right)]) == 0
    out = capsys.readouterr().out
    assert "All right: 17 right." in out and "Sheet1!C5" in out and "Sheet1!F4" in out  # h2 beside a_h2: net_h2

    wrong = tmp_path / "wrong.xlsx"
    student_book(wrong, plain, wrong="dE_total/dw5")  # the sign of dE/dw5 flipped
    assert ann_numpy_no_loop.main(["--check", str(wrong)]) == 1
    out = capsys.readouterr().out
    assert "First wrong value: ∂E_total/∂w5 (cell Sheet1!C12)" in out
    assert "Diagnosis:" in out and "error-sign" in out
    assert ann_numpy_no_loop.main(["--check", str(wrong), "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["first_wrong"]["line"] == "Sheet1!C12"


def test_workbooks_it_cannot_read(tmp_path, capsys):
    unsaved = tmp_path / "unsaved.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"], wb.active["B1"] = "net_h1", "=0.15*0.05+0.2*0.1+0.35"
    wb.save(unsaved)
    ods, text = tmp_path / "sheet.ods", tmp_path / "notes.xlsx"
    ods.write_bytes(b"PK\x03\x04")
    text.write_text("net_h1 0.3775\n")
    assert ann_numpy_no_loop.main(["--check", str(unsaved)]) == 1
    assert ann_numpy_no_loop.main(["--check", str(ods)]) == 2
    assert ann_numpy_no_loop.main(["--check", str(text)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 3
    assert "open it in Excel or LibreOffice, save it" in err[0]
    assert "save it as .xlsx" in err[1] and "not a workbook" in err[2]


def test_our_workbook_read_back(tmp_path, capsys):
    path = write(tmp_path, "--iterations", "1", "--training-updates", "1", "--learning-rates", "0.1,1")
    assert ann_numpy_no_loop.main(["--check", str(path)]) == 0
    assert "All right" in capsys.readouterr().out


def test_exercises_of_any_shape_evaluated(tmp_path):
    """The worked example sheet of random exercises of other shapes (every activation, loss, reduction, bias
    policy, order), its formulas evaluated by pycel, equals the plain per-neuron loop (plain_general.py)."""
    from plain_general import run
    from test_any_exercise import draw

    from backprop import spreadsheet, written_out

    rng = random.Random(23)
    for i in range(3):
        ex, plain, order = draw(rng, depth=2 if i % 2 else 3)
        path = tmp_path / f"any{i}.xlsx"
        path.write_bytes(spreadsheet.workbook_bytes(ex, written_out.plain(ex, order), 1))
        found = rows(path)
        xl = pycel.ExcelCompiler(filename=str(path))
        theirs = run(plain, 1)
        assert set(theirs) <= set(found), set(theirs) - set(found)
        for name, value in theirs.items():
            assert math.isclose(xl.evaluate(found[name][0]), value, rel_tol=1e-9, abs_tol=1e-12), (name, ex)


@pytest.mark.parametrize("order, biases, loss, b1", [("parallel", "shared", "sse", "0.35"),
                                                     ("sequential", "per-neuron", "mse", "0.35,0.3")])
def test_training_sheet_trains_the_biases(tmp_path, order, biases, loss, b1):
    path = write(tmp_path, "--iterations", "1", "--training-updates", "3", "--order", order, "--biases", biases,
                 "--loss", loss, "--b1", b1)  # fmt: skip
    given = tuple(float(b) for b in b1.split(",")) * (2 if "," not in b1 else 1)
    plain = example(**dict(POST, b1=given), order=order, biases=biases, loss=loss, updates=3)
    ws = openpyxl.load_workbook(path, data_only=True)["training"]
    header = [c.value for c in ws[2]]
    xl = pycel.ExcelCompiler(filename=str(path))
    for name, column in (("E_total+", "E_total"), ("w1+", "w1"), ("w8+", "w8")):
        letter = openpyxl.utils.get_column_letter(header.index(column) + 1)
        for k in (1, 2, 3):
            value = plain[name if k == 1 else f"{name}@{k}"]
            assert close(ws[f"{letter}{3 + k}"].value, value) and close(xl.evaluate(f"training!{letter}{3 + k}"), value)
