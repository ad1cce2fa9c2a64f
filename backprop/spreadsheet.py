"""The worked example as a live spreadsheet (--format xlsx), and a student's spreadsheet read for --check.

Writing (XlsxWriter): sheet "network" holds the exercise's numbers as input cells, each labelled by its bare
name (w5, i1, t1, b1, eta) in the cell to its left; sheet "worked example" one row per value of the written-out
updates (name, the formula in words, the value as an Excel formula over the input cells and earlier rows);
sheet "training" one row per update, every weight, output and error a formula over the previous row, with a
line chart of E_total (one block of columns and one series per learning rate). Each formula cell also stores
its value as we compute it, for viewers that do not recalculate.

The Excel formula of a value comes from its Line's plain-text formula (excel_formula): the same text the
other formats print, so the spreadsheet cannot say one thing and compute another (the tests evaluate the
formulas with an independent formula engine). Every exercise gets the sheets network and worked example; the
training sheet is written for the post's 2-2-2 shape (any numbers, order, bias policy, loss half-sse/sse/mse).

Reading (openpyxl, the stored values): see read_entries().
"""

from __future__ import annotations

import dataclasses
import importlib
import io
import math
import os
import re
import zipfile

from backprop import written_out
from backprop.exercise import Exercise
from backprop.hand_check import BadCheckFile, entry, parse_number
from backprop.worked_example import loss_scale

MAX_TRAINING = 1000
MAX_WORKBOOK_BYTES = 20 * 10**6  # a student's workbook read by --check
TRAINING_MARK = "Training sheet"  # A1 of the training sheet, which --check does not read
NETWORK, WORKED, TRAINING = "network", "worked example", "training"
PACKAGES = {"xlsxwriter": "XlsxWriter", "openpyxl": "openpyxl"}


class MissingPackage(RuntimeError):
    """A package --format xlsx or --check FILE.xlsx needs is not installed; str() says which to install."""


class NotAWorkbook(ValueError):
    """The file is not a workbook this checker reads; str() says why (exit 2)."""


class NoStoredValues(RuntimeError):
    """A workbook whose formulas have no stored values (exit 1)."""


def package(name: str):
    try:
        return importlib.import_module(name)
    except ImportError:
        raise MissingPackage(f"needs the package {PACKAGES[name]}: pip install {PACKAGES[name]}") from None


def unsupported(ex: Exercise, training: bool = False) -> str | None:
    """Why --format xlsx cannot write this exercise (with a training sheet: training), or None."""
    if ex.is_general() and training:
        return ("--training-updates and --learning-rates: the training sheet is written for the post's 2-2-2 "
                "sigmoid shape; an exercise of another shape gets the sheets network and worked example")
    return None


# --- formulas ----------------------------------------------------------------------------------------------


def excel_formula(text: str, refs: list) -> str:
    """A Line's plain-text formula ('½(#0 − #1)²', '#0(1 − #0)', '1/(1 + e^-#0)') as an Excel formula over the
    cell references refs (one per operand), without the leading '='."""
    s = text.replace("−", "-").replace("½", "0.5*").replace("²", "^2").replace(" ", "")
    s = re.sub(r"e\^(-?)#(\d+)", r"EXP(\1#\2)", s)
    s = re.sub(r"1if#(\d+)>0,else0", r"IF(#\1>0,1,0)", s)
    s = re.sub(r"ln#(\d+)", r"*LN(#\1)", s)
    s = s.replace("ln(", "*LN(").replace("tanh(", "TANH(").replace("max(", "MAX(")
    s = re.sub(r"(\d|\))\(", r"\1*(", s)  # implied multiplication: #0(1 - #0), -2(…), (1/#2)(…)
    if re.search(r"[^-+*/^()#\d.,<>=A-Z]", s):
        raise ValueError(f"no Excel form for the formula {text!r}")
    return re.sub(r"#(\d+)", lambda m: refs[int(m.group(1))], s)


def label(name: str) -> str:
    """The network sheet's label of a given: target_o1 -> t1, η -> eta, others as they are."""
    if name == "η":
        return "eta"
    return re.sub(r"^target_o(\d+)", r"t\1", name)


MEANING = {"i": "input", "t": "target", "w": "weight", "b": "bias", "eta": "learning rate",
           "n": "number of outputs (fixed)", "m": "number of training examples (fixed)"}  # fmt: skip


def cell(row: int, col: int, absolute: bool = False) -> str:
    """A1 reference of a 0-based row and column."""
    letters, c = "", col + 1
    while c:
        c, r = divmod(c - 1, 26)
        letters = chr(65 + r) + letters
    return f"${letters}${row + 1}" if absolute else f"{letters}{row + 1}"


# --- writing -----------------------------------------------------------------------------------------------


def workbook_bytes(ex: Exercise, a, updates: int, training_updates: int = 100, rates=None) -> bytes:
    """The .xlsx file as bytes: sheets network, worked example, training."""
    xlsxwriter = package("xlsxwriter")
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    bold = book.add_format({"bold": True})
    given_format = book.add_format({"bg_color": "#DDEBF7", "num_format": "0.##########"})
    refs = write_network(book, ex, a, bold, given_format)
    write_worked(book, ex, a, updates, refs, bold)
    if not ex.is_general():
        write_training(book, ex, a, training_updates, rates or [], refs, bold)
    book.close()
    return out.getvalue()


def write_network(book, ex, a, bold, given_format) -> dict:
    """The input cells; returns {given's name: absolute reference network!$B$n}."""
    sheet = book.add_worksheet(NETWORK)
    sheet.write(0, 0, "The exercise's numbers: edit a blue cell and every formula of the workbook recomputes.", bold)
    sheet.write_row(1, 0, ["name", "value", "meaning"], bold)
    givens = written_out.givens(ex, a)
    order = sorted(givens, key=lambda k: ("i" != k[0], not k.startswith("target"), k[0] != "w", k[0] != "b",
                                          k != "η", k == "n", len(k), k))  # fmt: skip
    refs = {}
    for row, name in enumerate(order, start=2):
        shown = label(name)
        sheet.write(row, 0, shown)
        sheet.write_number(row, 1, givens[name], given_format)
        sheet.write(row, 2, MEANING.get(shown, MEANING.get(shown[0], "")))
        refs[name] = f"{NETWORK}!{cell(row, 1, True)}"
    sheet.set_column(0, 0, 10)
    sheet.set_column(1, 1, 14)
    sheet.set_column(2, 2, 26)
    return refs


def write_worked(book, ex, a, updates, givens, bold) -> None:
    """One row per value of `updates` written-out updates; E_total+ refers to the forward pass after it."""
    sheet = book.add_worksheet(WORKED)
    sheet.write_row(0, 0, ["name", "formula", "value", "section"], bold)
    lines = written_out.lines(ex, a, updates)
    following = written_out.update_lines(ex, a, updates + 1)
    found = written_out.values(ex, a, updates + 1, lines + following)
    after = []
    for line in following:  # the forward pass at the updated weights: E_total+ of the last update
        if line.section.startswith("The backwards pass"):
            break
        after.append(line)
    refs = dict(givens)
    row = 1
    for line in lines:
        if line.name == "E_total+":
            continue
        refs[line.key] = write_line(sheet, row, line, line.key, written_out.formula_text(line), line.section,
                                    refs, found)  # fmt: skip
        row += 1
    for line in after:
        name = f"{line.name} (start of update {updates + 1})"
        refs[line.key] = write_line(sheet, row, line, name, written_out.formula_text(line),
                                    "After the update: the forward pass at the updated weights", refs, found)
        row += 1
    for k in range(1, updates + 1):  # E_total+ of update k is E_total at the start of update k + 1
        key = written_out.key("E_total+", k)
        sheet.write(row, 0, key)
        sheet.write(row, 1, f"E_total at the updated weights (= E_total@{k + 1})")
        sheet.write_formula(row, 2, "=" + refs[written_out.key("E_total", k + 1)], None, found[key])
        sheet.write(row, 3, "After the update")
        row += 1
    sheet.set_column(0, 0, 22)
    sheet.set_column(1, 1, 48)
    sheet.set_column(2, 2, 16)
    sheet.set_column(3, 3, 50)


def write_line(sheet, row, line, name, words, section, refs, found) -> str:
    formula = excel_formula(line.text, [refs[k] for k in line.operands])
    sheet.write(row, 0, name)
    sheet.write(row, 1, words)
    sheet.write_formula(row, 2, "=" + formula, None, found[line.key])
    sheet.write(row, 3, section)
    return cell(row, 2)


class Expr:
    """A value with the Excel formula that computes it, built by arithmetic: each training cell is written once,
    its formula and its stored value from the same expression (so they cannot disagree)."""

    def __init__(self, text: str, value: float, rank: int = 3):
        self.text, self.value, self.rank = text, value, rank  # rank: 1 a sum, 2 a product, 3 an atom

    def wrapped(self, rank: int) -> str:
        return self.text if self.rank >= rank else f"({self.text})"

    def __add__(self, other):
        return Expr(f"{self.text}+{other.text}", self.value + other.value, 1)

    def __sub__(self, other):
        return Expr(f"{self.text}-{other.wrapped(2)}", self.value - other.value, 1)

    def __mul__(self, other):
        return Expr(f"{self.wrapped(2)}*{other.wrapped(2)}", self.value * other.value, 2)


def constant(x: float) -> Expr:
    return Expr(repr(float(x)), float(x))


ONE = Expr("1", 1.0)


def logistic(net: Expr) -> Expr:
    return Expr(f"1/(1+EXP(-{net.wrapped(3)}))", written_out.sigmoid(net.value), 2)


def write_training(book, ex, a, n, rates, givens, bold) -> None:
    """One row per update (0..n) for each learning rate, every value a formula over the previous row."""
    sheet = book.add_worksheet(TRAINING)
    blocks = rates or [None]
    c = constant(loss_scale(a.loss))
    trained = a.biases != "fixed"
    b1, b2 = written_out.bias_names(ex, "b1", a), written_out.bias_names(ex, "b2", a)
    bias_columns = sorted(set(b1) | set(b2)) if trained else []
    weights = [f"w{i}" for i in range(1, 9)]
    names = weights + bias_columns + ["net_h1", "out_h1", "net_h2", "out_h2", "net_o1", "out_o1", "net_o2",
                                      "out_o2", "E_total", "delta_o1", "delta_o2"]  # fmt: skip
    values = written_out.givens(ex, a)
    given = {name: Expr(ref, values[name]) for name, ref in givens.items()}
    x = {"i1": given["i1"], "i2": given["i2"]}
    t = {"o1": given["target_o1"], "o2": given["target_o2"]}
    bias_of = dict(zip(("h1", "h2", "o1", "o2"), (*b1, *b2), strict=True))  # neuron -> its bias's name
    w_in = {"h1": ("w1", "w2"), "h2": ("w3", "w4")}  # the weights from i1, i2
    w_out = {"o1": ("w5", "w6"), "o2": ("w7", "w8")}  # the weights from h1, h2
    chart = book.add_chart({"type": "line"})
    width = len(names) + 2
    for block, rate in enumerate(blocks):
        left = block * width
        col = {name: left + 1 + j for j, name in enumerate(names)}
        if rate is None:
            eta = given["η"]
            sheet.write(0, left, f"{TRAINING_MARK}: one row per update, with the learning rate {NETWORK}!eta", bold)
        else:
            eta = Expr(cell(0, left + 2, True), float(rate))
            sheet.write(0, left, f"{TRAINING_MARK}: one row per update, learning rate", bold)
            sheet.write_number(0, left + 2, float(rate))
        sheet.write_row(1, left, ["updates", *names], bold)
        before: dict = {}
        for update in range(n + 1):
            row = 2 + update
            sheet.write_number(row, left, update)
            now: dict = {}

            def put(name, expr, row=row, col=col, now=now, update=update):
                if not math.isfinite(expr.value):
                    raise written_out.NotFinite(f"{name} after {update} updates of training is not finite")
                sheet.write_formula(row, col[name], "=" + expr.text, None, expr.value)
                now[name] = Expr(cell(row, col[name]), expr.value)

            if update == 0:
                for name in weights + bias_columns:
                    put(name, given[name])
            else:
                p = before
                for o in ("o1", "o2"):  # the output layer's step
                    for w, h in zip(w_out[o], ("h1", "h2"), strict=True):
                        put(w, p[w] - eta * p[f"delta_{o}"] * p[f"out_{h}"])
                above = p if a.order == "parallel" else now  # sequential: the updated w5..w8
                delta_h = {h: (p["delta_o1"] * above[w_out["o1"][j]] + p["delta_o2"] * above[w_out["o2"][j]])
                           * p[f"out_{h}"] * (ONE - p[f"out_{h}"]) for j, h in enumerate(("h1", "h2"))}  # fmt: skip
                for h in ("h1", "h2"):
                    for w, i in zip(w_in[h], ("i1", "i2"), strict=True):
                        put(w, p[w] - eta * delta_h[h] * x[i])
                deltas = {**{o: p[f"delta_{o}"] for o in ("o1", "o2")}, **delta_h}
                for name in bias_columns:  # a shared bias: the sum over its layer's neurons
                    parts = [deltas[m] for m in bias_of if bias_of[m] == name]
                    total = parts[0] if len(parts) == 1 else Expr(f"({parts[0].text}+{parts[1].text})",
                                                                  parts[0].value + parts[1].value)  # fmt: skip
                    put(name, p[name] - eta * total)

            def bias(m, now=now):
                return now[bias_of[m]] if trained else given[bias_of[m]]

            for h in ("h1", "h2"):
                put(f"net_{h}", now[w_in[h][0]] * x["i1"] + now[w_in[h][1]] * x["i2"] + bias(h))
                put(f"out_{h}", logistic(now[f"net_{h}"]))
            for o in ("o1", "o2"):
                put(f"net_{o}", now[w_out[o][0]] * now["out_h1"] + now[w_out[o][1]] * now["out_h2"] + bias(o))
                put(f"out_{o}", logistic(now[f"net_{o}"]))
            half = constant(loss_scale(a.loss) / 2)
            e = [(t[o] - now[f"out_{o}"]) * (t[o] - now[f"out_{o}"]) for o in ("o1", "o2")]
            put("E_total", half * Expr(f"{e[0].text}+{e[1].text}", e[0].value + e[1].value, 1))
            for o in ("o1", "o2"):
                y = now[f"out_{o}"]
                put(f"delta_{o}", c * (y - t[o]) * y * (ONE - y))
            before = now
        last = 2 + n
        chart.add_series({"name": "E_total" if rate is None else f"learning rate {rate:g}",
                          "categories": [TRAINING, 2, left, last, left],
                          "values": [TRAINING, 2, col["E_total"], last, col["E_total"]]})  # fmt: skip
    chart.set_title({"name": "E_total against the update"})
    chart.set_x_axis({"name": "updates done"})
    chart.set_y_axis({"name": "E_total"})
    chart.set_size({"width": 720, "height": 400})
    sheet.insert_chart(2, len(blocks) * width, chart)


# --- reading a student's workbook ---------------------------------------------------------------------------


def is_workbook_path(path: str) -> bool:
    return str(path).lower().endswith((".xlsx", ".xlsm", ".ods"))


# The usual spreadsheet names, beside the ones --check knows: h1 = net_h1 and a_h1 = out_h1 (z_h1 too), as in
# the spreadsheets that lay Mazur's example out column by column; E1 = E_o1; t1 = target_o1; eta = η.
# A bare h1 is read as net_h1 only when the same workbook has a_h1 (else it could be either: not checked).
ALIASES = {**{f"{p}{n}": f"{q}_{n}" for n in ("h1", "h2", "o1", "o2") for p, q in (("a_", "out"), ("a", "out"),
                                                                                      ("z_", "net"), ("z", "net"))},
           "e1": "E_o1", "e2": "E_o2", "eo1": "E_o1", "eo2": "E_o2", "t1": "target_o1", "t2": "target_o2",
           "eta": "η", "lr": "η", "learningrate": "η"}  # fmt: skip
BARE = {"h1", "h2", "o1", "o2"}
UPDATE_COLUMN = {"update", "updates", "iteration", "iterations", "step", "epoch", "k", "updatesdone"}
COMMA = re.compile(r"[+\-−]?\d*,\d+(?:[eE][+-]?\d+)?")


def number_text(value) -> str | None:
    """The number a cell holds as the student wrote it (text, a decimal comma read), or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return repr(float(value)) if isinstance(value, float) else str(value)
    if isinstance(value, str):
        text = value.strip().replace("\u00a0", "").replace(" ", "")
        if COMMA.fullmatch(text):
            text = text.replace(",", ".")
        try:
            parse_number(text)
        except ValueError:
            return None
        return text
    return None


def load(path: str):
    """(values workbook, formulas workbook) of an .xlsx; NotAWorkbook, NoStoredValues, MissingPackage."""
    if str(path).lower().endswith(".ods"):
        raise NotAWorkbook(f"{path}: an OpenDocument spreadsheet; save it as .xlsx (File > Save As, Excel 2007-365) "
                           "and check that")  # fmt: skip
    openpyxl = package("openpyxl")
    with open(path, "rb"):  # OSError (no such file, …): the caller's "cannot read"
        pass
    if os.path.getsize(path) > MAX_WORKBOOK_BYTES:
        raise NotAWorkbook(f"{path}: larger than {MAX_WORKBOOK_BYTES // 10**6} MB, too large for a hand calculation")
    if not zipfile.is_zipfile(path):
        raise NotAWorkbook(f"{path}: not a workbook (.xlsx)")
    try:
        values = openpyxl.load_workbook(path, data_only=True, read_only=False)
        formulas = openpyxl.load_workbook(path, data_only=False, read_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise NotAWorkbook(f"{path}: not a workbook (.xlsx): {type(exc).__name__}") from None
    return values, formulas


def read_entries(path: str, known: dict, normalise) -> list:
    """The student's values, as hand_check Entries with their cell address (Sheet1!C7) as `where`.

    A cell whose text is a known name (or an ALIASES name) is a label; its value is the first number to its
    right (past at most two cells of other text, such as a formula in words), else the number below it.
    A row of two or more labels with numbers below it (no number to their right) is a table's header: its
    rows are successive updates, 1, 2, … from the top, or numbered by an update/iteration column; a row
    numbered 0 (the given values) is skipped. Stored values are read (what the spreadsheet last computed)."""
    values, formulas = load(path)
    grids = {}
    missing = []
    for ws in values.worksheets:
        if ws.title == TRAINING and str(ws["A1"].value or "").startswith(TRAINING_MARK):
            continue  # ours: the learning rates of its blocks are not the exercise's
        grid = {}
        for row in ws.iter_rows():
            for c in row:
                if c.value is not None:
                    grid[c.row, c.column] = c.value
        for row in formulas[ws.title].iter_rows():
            for c in row:
                if isinstance(c.value, str) and c.value.startswith("=") and (c.row, c.column) not in grid:
                    missing.append(f"{ws.title}!{c.coordinate}")
        grids[ws.title] = grid
    if missing:
        raise NoStoredValues(f"{path}: formulas without stored values ({missing[0]}, …): the file was never "
                             "calculated; open it in Excel or LibreOffice, save it, and check it again")  # fmt: skip
    texts = {normalise(t) for g in grids.values() for t in g.values() if isinstance(t, str)}
    bare_is_net = {n for n in BARE if normalise(f"a_{n}") in texts}

    def name_of(value) -> str | None:
        if not isinstance(value, str) or not value.strip() or number_text(value) is not None:
            return None
        n = normalise(value)
        base, at, k = n.partition("@")
        if at and not k.isdigit():
            return None
        if base in known:
            return value.strip()
        if base.rstrip("+") in BARE:
            return None if base.rstrip("+") not in bare_is_net else f"net_{base}" + at + k
        if base in ALIASES:
            return ALIASES[base] + (at + k)
        return None

    out = []
    count = iter(range(1, 10**9))

    def located(where, name, text):  # an Entry numbered in reading order, `where` its cell's address
        number = next(count)
        try:
            e = entry(path, number, name, text)
        except BadCheckFile as exc:
            raise BadCheckFile(str(exc).replace(f"{path}:{number}:", f"{path}: {where}:")) from None
        return dataclasses.replace(e, where=where)

    for title, grid in grids.items():
        used = set()
        coordinate = {}
        for (r, c) in grid:
            coordinate[r, c] = f"{title}!{cell(r - 1, c - 1)}"
        labels = {(r, c): name for (r, c), v in sorted(grid.items()) if (name := name_of(v))}

        def number_at(r, c, grid=grid):
            return number_text(grid.get((r, c)))

        def right_of(r, c, grid=grid):
            for dc in (1, 2, 3):
                v = grid.get((r, c + dc))
                if number_text(v) is not None:
                    return (r, c + dc)
                if v is not None and not isinstance(v, str):
                    return None
            return None

        headers = {}
        for (r, c) in labels:
            if right_of(r, c) is None and number_at(r + 1, c) is not None:
                headers.setdefault(r, []).append(c)
        for r, cols in sorted(headers.items()):
            if len(cols) < 2:
                continue
            update_col = next((c for c in range(1, max(cols) + 1) if isinstance(grid.get((r, c)), str)
                               and re.sub(r"\W", "", grid[r, c].lower()) in UPDATE_COLUMN), None)  # fmt: skip
            row, k = r + 1, 0
            while any(number_at(row, c) is not None for c in cols):
                k += 1
                index = k
                if update_col is not None:
                    t = number_text(grid.get((row, update_col)))
                    index = int(float(t)) if t is not None and float(t).is_integer() else k
                if index >= 1:
                    for c in cols:
                        text = number_at(row, c)
                        if text is not None:
                            name = labels[r, c] + ("" if index == 1 else f"@{index}")
                            out.append(located(coordinate[row, c], name, text))
                            used.add((row, c))
                for c in cols:
                    used.add((r, c))
                row += 1
        for (r, c), name in labels.items():
            if (r, c) in used:
                continue
            at = right_of(r, c) or ((r + 1, c) if number_at(r + 1, c) is not None else None)
            if at is None or at in used:
                continue
            used.add(at)
            out.append(located(coordinate[at], name, number_at(*at)))
    return out
