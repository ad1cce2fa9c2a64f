"""Check a hand calculation of the worked example: the first wrong number, and which mistake made it.

A hand calculation is a text file, one value a line: `name value`, `name = value` or
`name,value`, decimal point only; `#` starts a comment. Names are those that
ann_numpy_no_loop.py prints (net_h1, out_o1, E_total, dE_total/dw5, w5+, …), with the
obvious aliases (w5_new, w5', dEtotal/dw5, dE/dw5, delta_o1); values of update k > 1
carry the suffix @k (w5+@2).

Each value is checked three ways:
1. against ours, at the precision it is written: within half a unit in its last digit
   (plus 1e-12 relative). A value that is ours truncated instead of rounded is wrong, "truncated".
2. locally, against its formula applied to the student's own earlier values (ours, rounded
   to the decimals the student uses, for an intermediate not listed). A value that is not
   ours but follows from the student's numbers is "carried rounding" when every number it
   takes is right or itself carried rounding, and "follows from your numbers" when one is wrong.
3. for the first wrong value in the worked example's order, a diagnosis: the whole example
   recomputed under each common mistake alone (MISTAKES); every mistake that reproduces the
   student's value is named, with how many of the student's later values it also reproduces.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections import Counter
from dataclasses import dataclass

from backprop import written_out
from backprop.exercise import Exercise
from backprop.files import quoted
from backprop.written_out import Arithmetic

MAX_UPDATES = 10
RELATIVE = 1e-12  # the floating-point slack of every comparison


class BadCheckFile(ValueError):
    """A hand calculation that cannot be read as one; str() names the file and line."""


@dataclass(frozen=True)
class Entry:
    """One value of the hand calculation, as written."""

    line: int
    name: str  # as written
    key: str  # the canonical name (of ours, or of a mistaken arithmetic), or the name as written
    text: str  # the number as written
    value: float
    unit: float  # the place of its last written digit: 0.001 for 0.375

    @property
    def half_unit(self) -> float:
        return 0.5 * self.unit

    @property
    def decimals(self) -> int:
        return max(0, round(-math.log10(self.unit)))


# --- reading the file -----------------------------------------------------------------------------

NUMBER = re.compile(r"[+-]?(\d+)?(?:\.(\d*))?(?:[eE]([+-]?\d+))?")


def parse_number(text: str) -> tuple[float, float]:
    """'0.375' -> (0.375, 0.001): the value and the place of its last digit. ValueError if not a number."""
    text = text.replace("−", "-")
    m = NUMBER.fullmatch(text)
    if not m or not (m.group(1) or m.group(2)):
        comma = " (use a decimal point, not a comma)" if "," in text else ""
        raise ValueError(f"{quoted(text)} is not a number{comma}")
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{quoted(text)} is not a finite number")
    exponent = (m.group(3) or "0").lstrip("+-")
    decimals = len(m.group(2) or "") - (int(m.group(3) or 0) if len(exponent) <= 6 else 10**7)
    # The place of the last digit must be a double too (1e-400 and 0e400 are not; 1e-300 is).
    if not -308 <= decimals <= 308 or (value == 0 and (m.group(1) or "").strip("0") + (m.group(2) or "").strip("0")):
        raise ValueError(f"{quoted(text)} is beyond the range of a double (its last digit's place)")
    return value, 10.0**-decimals


def normalise(name: str) -> str:
    """A name as compared: case, spaces, underscores, ∂ and the usual ways of writing 'updated' set aside."""
    n = name.strip().lower().replace("∂", "d").replace("δ", "delta").replace("’", "'")
    n = re.sub(r"\s+", "", n)
    update = ""
    m = re.search(r"@(\d+)$", n)
    if m:
        n, update = n[: m.start()], m.group(0)
    n = re.sub(r"(_?new|_?updated|\(new\)|'|⁺|_?after)$", "+", n)
    n = n.replace("_", "")
    n = re.sub(r"^de/", "detotal/", n)  # dE/dw5 for dE_total/dw5
    n = re.sub(r"^delta(o\d)$", r"de\1/dnet\1", n)  # delta_o1 = dE_o1/dnet_o1
    n = re.sub(r"^detotal/dnet(o\d)$", r"de\1/dnet\1", n)  # only E_o1 depends on net_o1
    n = n.replace("error+", "etotal+")
    return n + ("" if update == "@1" else update)


def parse(text: str, path: str, known: dict) -> list[Entry]:
    """The entries of a hand calculation; known maps normalise(name) to our names.

    Raises BadCheckFile for a line that is not `name value` (naming the file and line)."""
    entries, seen = [], {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if "=" in line:
            name, _, value = line.rpartition("=")
        elif "," in line:
            if line.count(",") > 1:
                raise BadCheckFile(f"{path}:{number}: {quoted(raw.strip())}: one name and one value a line, "
                                   "decimal point only")  # fmt: skip
            name, _, value = line.partition(",")
            if re.search(r"\s[+-]?\d+$", name):  # 'w5+ 0,358': a decimal comma
                raise BadCheckFile(f"{path}:{number}: {quoted(raw.strip())}: use a decimal point, not a comma")
        else:
            parts = line.rsplit(None, 1)
            name, value = parts if len(parts) == 2 else (parts[0], "")
        name, value = name.strip(), value.strip()
        if not name or not value:
            raise BadCheckFile(f"{path}:{number}: {quoted(raw.strip())} is not 'name value' "
                               "(or name = value, name,value)")  # fmt: skip
        try:
            v, unit = parse_number(value)
        except ValueError as exc:
            raise BadCheckFile(f"{path}:{number}: {exc}") from None
        canonical = normalise(name)
        m = re.search(r"@(\d+)$", canonical)
        if m and not 1 <= int(m.group(1)) <= MAX_UPDATES:
            raise BadCheckFile(f"{path}:{number}: {quoted(name)[1:-1]}: updates are numbered 1 to {MAX_UPDATES}")
        key = known.get(canonical, name)
        if key in seen:
            raise BadCheckFile(f"{path}:{number}: {quoted(name)[1:-1]} is given twice (first on line {seen[key]})")
        seen[key] = number
        entries.append(Entry(number, name, key, value, v, unit))
    return entries


def updates_named(text: str) -> int:
    """How many updates a hand calculation reaches (its largest @k suffix, at least 1)."""
    return max([1, *(int(k) for k in re.findall(r"@\s*(\d+)", text) if 1 <= int(k) <= MAX_UPDATES)])


# --- the mistakes ---------------------------------------------------------------------------------------


def mistakes(ex: Exercise, a: Arithmetic, decimals: int) -> dict:
    """{identifier: (sentence, [(variant label, Arithmetic), ...])}, in the order a tie lists them."""
    other = {"fixed": ["shared", "per-neuron"]}.get(a.biases, ["fixed"])
    replace = dataclasses.replace
    found = {}
    if a.order == "parallel":
        found["updated-output-weights"] = ("a parallel exercise, but the hidden layer used the already-updated "
                                           "w5..w8", [("", replace(a, order="sequential"))])  # fmt: skip
    else:
        found["original-output-weights"] = ("a sequential exercise, but the hidden layer used the original w5..w8",
                                            [("", replace(a, order="parallel"))])  # fmt: skip
    found.update({
        "sigmoid-derivative-of-net": ("σ' taken as net(1 − net) instead of out(1 − out)",
                                      [("", replace(a, slope_of="net"))]),
        "error-sign": ("dE/dout taken as (target − out), so the step goes uphill", [("", replace(a, error_sign=-1.0))]),
        "loss-factor": ("the ½ dropped from E (or its derivative doubled)", [
            (label, replace(a, error_factor=e, derivative_factor=d))
            for f in (2.0, 0.5)
            for label, e, d in ((f"E and dE/dout × {f:g}", f, f), (f"E × {f:g}", f, 1.0), (f"dE/dout × {f:g}", 1.0, f))
        ]),
        "biases-updated": ("biases trained when the exercise keeps them fixed, or the reverse",
                           [(f"biases {b}", replace(a, biases=b)) for b in other]),
        "w2-w3-swapped": ("the post's hidden-layer numbering: i2→h1 read as w3, i1→h2 as w2",
                          [("", replace(a, swapped_w2_w3=True))]),
        "output-derivative-missing": ("delta_o = out − target, without σ'", [("", replace(a, output_slope=False))]),
        "one-output-only": ("dE_total/dout_h from one output neuron only",
                            [(f"from {o} only", replace(a, hidden_from=(o,))) for o in written_out.OUTPUT]),
        "learning-rate": ("η left out of the step (w − ∂E/∂w) or applied twice (w − 2η ∂E/∂w)",
                          [("η left out", replace(a, step_factor=1.0)),
                           ("η applied twice", replace(a, step_factor=2 * ex.learning_rate))]),
        "rounding": ("carried rounding of earlier values (not a mistake)", [("", replace(a, rounding=decimals))]),
    })  # fmt: skip
    return found


# --- checking ----------------------------------------------------------------------------------------


@dataclass
class Checked:
    entry: Entry
    ours: float | None  # None: a name we do not print
    status: str = "unknown"  # right, rounding, follows, wrong or unknown
    note: str = ""
    local: float | None = None  # the formula applied to the student's numbers


class Calculation:
    """The exercise's lines and values, and a hand calculation's entries against them."""

    def __init__(self, ex: Exercise, arithmetic: Arithmetic, entries: list[Entry], updates: int, digits: int):
        self.ex, self.arithmetic, self.updates = ex, arithmetic, updates
        self.lines = written_out.lines(ex, arithmetic, updates)
        self.ours = written_out.finite_values(ex, arithmetic, self.lines)  # NotFinite when one overflows
        self.givens = written_out.givens(ex, arithmetic)
        self.by_key = {e.key: e for e in entries}
        written = Counter(e.decimals for e in entries if e.key in self.ours and e.key not in self.givens)
        # The decimals the student uses: the most common count (the larger on a tie), else --digits.
        self.decimals = max(written, key=lambda d: (written[d], d)) if written else digits
        order = {k: i for i, k in enumerate(self.ours)}
        self.entries = sorted(entries, key=lambda e: (order.get(e.key, len(order)), e.line))

    def operands(self, line, reference: dict):
        """The numbers a formula takes from the student: theirs where given, else reference's rounded
        to their decimals (a given exactly); with the half unit each is uncertain by."""
        values, halves = {}, {}
        for k in line.operands:
            if k in self.by_key:
                values[k], halves[k] = self.by_key[k].value, self.by_key[k].half_unit
            elif k in self.givens:
                values[k], halves[k] = reference[k], 0.0
            else:
                values[k], halves[k] = round(reference[k], self.decimals), 0.5 * 10.0**-self.decimals
        return values, halves

    def local(self, line, entry: Entry, reference: dict):
        """(the formula on the student's numbers, whether it gives theirs exactly as rounded, loosely
        within the rounding of what it takes)."""
        values, halves = self.operands(line, reference)
        try:
            local = line(values)
        except (OverflowError, ZeroDivisionError, ValueError):
            return None, False, False
        spread = 0.0
        for k, h in halves.items():
            if h:
                try:
                    spread += abs(line({**values, k: values[k] + h}) - local)
                except (OverflowError, ZeroDivisionError, ValueError):
                    spread = math.inf
        slack = RELATIVE * abs(local) + 1e-15
        gap = abs(entry.value - local)
        return local, gap <= entry.half_unit + slack, gap <= entry.half_unit + spread + slack

    def check(self) -> list[Checked]:
        lines = {line.key: line for line in self.lines}
        status: dict[str, str] = {}
        results = []
        for e in self.entries:
            if e.key not in self.ours:
                results.append(Checked(e, None))
                continue
            ours = self.ours[e.key]
            c = Checked(e, ours)
            if agrees(e, ours):
                c.status = "right"
            elif e.key in lines:
                line = lines[e.key]
                c.local, exact, loose = self.local(line, e, self.ours)
                truncated = is_truncated(e, ours)
                if exact or (loose and not truncated):
                    wrong_before = any(status.get(k) in ("wrong", "follows") for k in line.operands)
                    c.status = "follows" if wrong_before else "rounding"
                else:
                    c.status, c.note = "wrong", "truncated" if truncated else ""
            else:
                c.status = "wrong"  # a given copied wrong
                c.note = "not the exercise's value"
            status[e.key] = c.status
            results.append(c)
        return results

    def diagnose(self, first: Entry) -> list[dict]:
        """Every mistake that reproduces the first wrong value, best first (most later values also reproduced)."""
        later = self.entries[self.entries.index(first) + 1 :]  # the entries after first, in order
        found = []
        candidates = mistakes(self.ex, self.arithmetic, self.decimals)
        for rank, (mistake, (sentence, variants)) in enumerate(candidates.items()):
            best = None
            for label, variant in variants:
                written = written_out.lines(self.ex, variant, self.updates)
                lines = {line.key: line for line in written}
                try:
                    values = written_out.values(self.ex, variant, written=written)
                except (OverflowError, ZeroDivisionError, ValueError):
                    continue
                if not self.reproduces(first, values, lines):
                    continue
                count = sum(self.reproduces(e, values, lines) for e in later)
                if best is None or count > best["later_reproduced"]:
                    best = {"mistake": mistake, "variant": label, "sentence": sentence, "later_reproduced": count,
                            "later": len(later), "value": values[first.key], "_rank": rank}  # fmt: skip
            if best:
                found.append(best)
        found.sort(key=lambda d: (-d["later_reproduced"], d["_rank"]))
        for d in found:
            del d["_rank"]
        return found

    def reproduces(self, e: Entry, values: dict, lines: dict) -> bool:
        if e.key not in values:
            return False
        if agrees(e, values[e.key]):
            return True
        return e.key in lines and self.local(lines[e.key], e, values)[1]


def is_truncated(e: Entry, ours: float) -> bool:
    """Whether the student's value is ours cut off (not rounded) after their last digit."""
    places = ours / e.unit
    if not math.isfinite(places):
        return False
    return abs(e.value - math.trunc(places) * e.unit) <= RELATIVE * abs(ours) + 1e-9 * e.unit


def agrees(e: Entry, value: float) -> bool:
    """Step 1: within half a unit in the student's last written digit, plus 1e-12 relative."""
    return abs(e.value - value) <= e.half_unit + RELATIVE * abs(value)


def known_names(ex: Exercise, arithmetic: Arithmetic, updates: int) -> dict:
    """normalise(name) -> name, for every name ours or a mistaken arithmetic prints (biases trained or not)."""
    names = {}
    for biases in ("fixed", "shared", "per-neuron"):
        variant = dataclasses.replace(arithmetic, biases=biases)
        for k in [*written_out.givens(ex, variant), *(line.key for line in written_out.lines(ex, variant, updates))]:
            names.setdefault(normalise(k), k)
    return names


# --- the report ----------------------------------------------------------------------------------------

MARKS = {"right": "✓", "rounding": "✓ carried rounding", "follows": "✗ follows from your numbers", "wrong": "✗"}


def check_text(ex: Exercise, arithmetic: Arithmetic, text: str, path: str, digits: int) -> dict:
    """The whole report on a hand calculation (the JSON document of --check); BadCheckFile for a bad file,
    written_out.NotFinite when a value of the example overflows."""
    updates = updates_named(text)
    entries = parse(text, path, known_names(ex, arithmetic, updates))
    calc = Calculation(ex, arithmetic, entries, updates, digits)
    checked = calc.check()
    wrong = [c for c in checked if c.status == "wrong"]
    first = wrong[0] if wrong else None
    lines = {line.key: line for line in calc.lines}
    report = {
        "file": path,
        "settings": written_out.settings_line(ex, arithmetic),
        "network": ex.to_json(),
        "description": ex.describe(),
        "updates": updates,
        "values": [value_document(c) for c in checked if c.ours is not None],
        "unknown": [{"name": c.entry.name, "line": c.entry.line} for c in checked if c.ours is None],
        "first_wrong": None,
        "diagnosis": [],
        "ok": all(c.status in ("right", "rounding") for c in checked if c.ours is not None),
    }
    if first is not None:
        line = lines.get(first.entry.key)
        report["first_wrong"] = {
            **value_document(first),
            "formula": written_out.formula_text(line) if line else "a given of the exercise",
        }
        report["diagnosis"] = calc.diagnose(first.entry)
    return report


def value_document(c: Checked) -> dict:
    e = c.entry
    return {"name": e.name, "key": e.key, "line": e.line, "yours": e.value, "written": e.text, "decimals": e.decimals,
            "ours": c.ours, "status": c.status, "note": c.note, "from_your_numbers": c.local}  # fmt: skip


def report_lines(report: dict) -> list[str]:
    """The report as text: every value with its mark, the first wrong one and its diagnosis."""
    values = report["values"]
    if not values:
        return [f"{report['file']}: no name of the worked example, nothing was checked"]
    width = max(len(v["name"]) for v in values) + 2
    out = [f"Checking {report['file']} against the worked example ({report['updates']} "
           f"update{'s' if report['updates'] > 1 else ''}): {report['settings']}",
           *([] if report["network"]["posts_network"] else [report["description"]]), "",
           f"{'line':>5}  {'name':<{width}}{'yours':>18}  {'ours':>18}"]  # fmt: skip
    first = report["first_wrong"]
    for v in values:
        decimals = v["decimals"]
        ours = f"{v['ours']:.{decimals}f}"  # as you wrote yours
        mark = MARKS[v["status"]]
        if v["status"] == "rounding":
            mark += f" (your numbers give {v['from_your_numbers']:.{decimals + 2}f})"
        elif v["status"] == "follows" and first:
            mark += f"; {first['name']} is the first wrong one"
        if v["note"]:
            mark += f" ({v['note']})"
        out.append(f"{v['line']:>5}  {v['name']:<{width}}{v['written']:>18}  {ours:>18}  {mark}")
    for u in report["unknown"]:
        out.append(f"{u['line']:>5}  {u['name']:<{width}}{'':>18}  {'':>18}  unknown name, not checked")
    counts = Counter(v["status"] for v in values)
    out.append("")
    if first:
        out.append(f"First wrong value: {first['name']} (line {first['line']}): yours {first['written']}, "
                   f"ours {first['ours']:.12g}; {first['name']} = {first['formula']}.")  # fmt: skip
        if first["from_your_numbers"] is not None:
            out.append(f"  From your own earlier numbers the formula gives {first['from_your_numbers']:.12g}: "
                       "the mistake is in this step.")  # fmt: skip
        if report["diagnosis"]:
            out.append("Diagnosis: the common mistakes that reproduce your value, best first")
            for d in report["diagnosis"]:
                variant = f" [{d['variant']}]" if d["variant"] else ""
                out.append(f"  {d['mistake']}{variant}: {d['sentence']}; it gives {d['value']:.12g} and also "
                           f"reproduces {d['later_reproduced']} of your {d['later']} later values")  # fmt: skip
        else:
            out.append(f"Diagnosis: none of the common mistakes reproduces it; the formula is {first['name']} = "
                       f"{first['formula']}, and ours is {first['ours']:.12g}")  # fmt: skip
    parts = [f"{counts[s]} {label}" for s, label in (("right", "right"), ("rounding", "carried rounding"),
                                                      ("follows", "following from a wrong value"),
                                                      ("wrong", "wrong")) if counts[s]]  # fmt: skip
    out.append(("All right: " if report["ok"] else "Result: ") + ", ".join(parts) + ".")
    return out
