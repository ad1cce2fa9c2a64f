"""Check a hand calculation of the worked example: the first wrong number, and which mistake made it.

A hand calculation is a text file, one value a line: `name value`, `name = value`, `name: value`
or `name,value`, decimal point only; `#` starts a comment (a BOM, CRLF and a `name,value` header
are fine), or ann_numpy_no_loop.py's JSON document. Names are those that ann_numpy_no_loop.py
prints (net_h1, out_o1, E_total, dE_total/dw5, w5+, …), with the names courses write (w5_new,
w5', dEtotal/dw5, dE/dw5, delta_o1, delta_h1, b1+, b1[h1], the LaTeX w_{5}^{+}); values of update
k > 1 carry the suffix @k (w5+@2). Past update MAX_UPDATES, the LADDER values (w5+@100,
E_total+@1000, out_o1@100) are checked against one training run, never diagnosed. An exercise of another
shape (general.py) has its own names (out_o1[2], delta_h1[2]@3, and the matrix forms z_j^{(l)}, a_j^{(l)},
δ_j^{(l)}, w_{j,k}^{(l)}), and its mistakes (general_mistakes()); values past MAX_UPDATES are not checked.

A line that is not checked (an unknown name, with the closest known one suggested; another name
past update MAX_UPDATES) is listed with its reason, and the report is then never "All right".

Each value is checked three ways:
1. against ours, at the precision it is written: within half a unit in its last digit
   (plus 1e-12 relative). A value that is ours truncated instead of rounded is wrong, "truncated".
2. locally, against its formula applied to the student's own earlier values (ours, rounded
   to the decimals the student uses, for an intermediate not listed). A value that is not
   ours but follows from the student's numbers is "carried rounding" when every number it
   takes is right or itself carried rounding, and "follows from your numbers" when one is wrong.
3. for the first wrong value in the worked example's order, a diagnosis: the whole example
   recomputed under each common mistake (mistakes(): a knob of Arithmetic each, computed once),
   and a typo (digits exchanged or one wrong) of that value alone. Those that reproduce it are
   ranked by how many of all the student's values each reproduces, right ones included; one that
   breaks a right value is left out when another explains more. When the best leaves later values
   unexplained, every pair of mistakes is tried (two knobs at once), and the values still
   unexplained are listed.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import json
import math
import re
from collections import Counter
from dataclasses import dataclass

from backprop import general, general_training, training, written_out
from backprop.exercise import DuplicateKey, Exercise, depth_line, unique_keys
from backprop.files import quoted
from backprop.written_out import Arithmetic

MAX_UPDATES = 10  # the updates written out (and diagnosed)
MAX_LADDER = 10**6  # past MAX_UPDATES, the values LADDER names are checked against one training run
LADDER = ("w1+", "w2+", "w3+", "w4+", "w5+", "w6+", "w7+", "w8+", "E_total+", "out_o1", "out_o2")
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
    reason: str = ""  # why it is not checked (an unknown name, …), set when its name is resolved
    where: str = ""  # in a workbook, the cell's address (Sheet1!C7), shown where a text file shows its line

    @property
    def place(self):
        return self.where or self.line

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


@functools.lru_cache(maxsize=4096)
def normalise(name: str) -> str:
    """A name as compared: case, spaces, underscores, ∂ and the usual ways of writing 'updated' set aside."""
    n = latex_plain(name.strip()).lower().replace("∂", "d").replace("δ", "delta").replace("’", "'")
    n = re.sub(r"\s+", "", n)
    update = ""
    m = re.search(r"@(\d+)$", n)
    if m:
        n, update = n[: m.start()], m.group(0)
    n = re.sub(r"(_?new|_?updated|\(new\)|'|⁺|_?after)$", "+", n)
    n = n.replace("_", "")
    n = re.sub(r"^de/", "detotal/", n)  # dE/dw5 for dE_total/dw5
    n = re.sub(r"^delta(o\d+)((?:\[\d+\])?)$", r"de\1/dnet\1\2", n)  # delta_o1 = dE_o1/dnet_o1 (delta_o1[2])
    n = re.sub(r"^delta([hg]\d+)((?:\[\d+\])?)$", r"detotal/dnet\1\2", n)  # delta_h1 = dE_total/dnet_h1
    n = re.sub(r"b([12]),?\[?([ho][12])\]?", r"b\1[\2]", n)  # b1h1, b_{1,h1}: b1[h1]
    n = re.sub(r"^detotal/dnet(o\d+)((?:\[\d+\])?)$", r"de\1/dnet\1\2", n)  # only E_o1 depends on net_o1
    n = n.replace("error+", "etotal+")
    return n + ("" if update == "@1" else update)


def latex_plain(name: str) -> str:
    """A name as --format latex writes it, in plain text: w_{5}^{+,2} -> w_5+@2, out_{h1}^{k=2} -> out_h1@2,
    \\frac{\\partial E_{total}}{\\partial w_{5}} -> dE_total/dw_5, w_7^+ -> w_7+ (other names as they are)."""
    n = name.removesuffix("&").strip()  # a name copied with its &=
    if not re.search(r"[\\^{]", n):
        return n
    suffix = ""
    m = re.search(r"\^\{?\s*(\+)?\s*,?\s*(?:k\s*=\s*)?(\d*)\s*\}?$", n)
    if m and (m.group(1) or m.group(2)):
        n, suffix = n[: m.start()], (m.group(1) or "") + (f"@{m.group(2)}" if m.group(2) else "")
    m = re.fullmatch(r"\\frac\s*\{(.*)\}\s*\{(.*)\}", n)
    if m:
        n = "d" + m.group(1).replace("\\partial", "") + "/d" + m.group(2).replace("\\partial", "")
    n = n.replace("\\eta", "η").replace("\\delta", "δ").replace("{", "").replace("}", "").replace(" ", "")
    return n + suffix


def masked(line: str) -> str:
    """The line with what stands inside braces replaced by spaces: a LaTeX name's = and , are not separators."""
    out, depth = [], 0
    for ch in line:
        depth -= ch == "}"
        out.append(ch if depth <= 0 else " ")
        depth += ch == "{"
    return "".join(out)


def parse(text: str, path: str) -> list[Entry]:
    """The entries of a hand calculation, each keyed by normalise(its name) (resolve() names them ours).

    A UTF-8 BOM and CRLF line ends are accepted; a first line `name,value` (a CSV header) is skipped.
    Raises BadCheckFile for a line that is not `name value` (naming the file and line)."""
    entries = []
    text = text.removeprefix("\ufeff")
    header = True
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if header and re.fullmatch(r"name\s*,\s*value", line, re.IGNORECASE):
            header = False
            continue
        header = False
        mask = masked(line)
        if "=" in mask:
            at = mask.rindex("=")
            name, value = line[:at], line[at + 1 :]
        elif "," in mask:
            if mask.count(",") > 1:
                raise BadCheckFile(f"{path}:{number}: {quoted(raw.strip())}: one name and one value a line, "
                                   "decimal point only")  # fmt: skip
            at = mask.index(",")
            name, value = line[:at], line[at + 1 :]
            if re.search(r"\s[+-]?\d+$", name):  # 'w5+ 0,358': a decimal comma
                raise BadCheckFile(f"{path}:{number}: {quoted(raw.strip())}: use a decimal point, not a comma")
        elif re.search(r":\s*\S+$", mask):
            at = mask.rindex(":")
            name, value = line[:at], line[at + 1 :]
        else:
            parts = line.rsplit(None, 1)
            name, value = parts if len(parts) == 2 else (parts[0], "")
        name, value = name.strip(), value.strip()
        if not name or not value:
            raise BadCheckFile(f"{path}:{number}: {quoted(raw.strip())} is not 'name value' "
                               "(or name = value, name: value, name,value)")  # fmt: skip
        entries.append(entry(path, number, name, value))
    return entries


def entry(path: str, number: int, name: str, value: str) -> Entry:
    """One value as written, keyed by normalise(name); BadCheckFile for a value that is not a number."""
    try:
        v, unit = parse_number(value)
    except ValueError as exc:
        raise BadCheckFile(f"{path}:{number}: {exc}") from None
    canonical = normalise(name)
    m = re.search(r"@(\d+)$", canonical)
    if m and not 1 <= int(m.group(1)) <= MAX_LADDER:
        raise BadCheckFile(f"{path}:{number}: {quoted(name)[1:-1]}: updates are numbered 1 to {MAX_LADDER}")
    return Entry(number, name, canonical, value, v, unit)


# The keys of ann_numpy_no_loop.py's JSON document that are not values: bookkeeping, the post's figures.
BOOKKEEPING = {"settings", "order", "biases", "loss", "counting", "published", "iterations", "network"}
PER_UPDATE = {"update", "formulas", "weights_after", "error_after"}  # "values" holds the update's values


def parse_json(text: str, path: str) -> tuple[list[Entry], list[dict]]:
    """The entries of a JSON hand calculation: ann_numpy_no_loop.py's document (each update's values, the
    network's givens and the learning rate) or one object {name: value}; and the keys that are not values
    (what is neither a value nor bookkeeping is an entry not checked). BadCheckFile when it is not JSON."""
    try:
        doc = json.loads(text.removeprefix("\ufeff"), parse_float=str, parse_int=str, object_pairs_hook=unique_keys)
    except json.JSONDecodeError as exc:
        raise BadCheckFile(f"{path}:{exc.lineno}: not valid JSON: {exc.msg}") from None
    except DuplicateKey as exc:
        raise BadCheckFile(f"{path}: the key {quoted(str(exc.args[0]))} is given twice") from None
    except RecursionError:
        raise BadCheckFile(f"{path}:{depth_line(text)}: not valid JSON: nested too deeply") from None
    if not isinstance(doc, dict):
        raise BadCheckFile(f"{path}: a hand calculation in JSON is one object {{name: value, ...}}")
    rows = text.splitlines()
    cursor = [0]

    def line_of(name):  # the line of `"name":` at or after the previous value's (the document's order)
        quoted = json.dumps(name, ensure_ascii=False) + ":"
        for i in range(cursor[0], len(rows)):
            if quoted in rows[i] or json.dumps(name) + ":" in rows[i]:
                cursor[0] = i
                return i + 1
        return 0

    pairs, others = [], []  # (name as shown, number text, line)
    for key, value in doc.items():
        if key == "network" and isinstance(value, dict):
            line_of(key)
            for name, number, where in network_givens(value):
                pairs.append((name, number, line_of(where)))
        elif key == "learning_rate" and isinstance(value, str):
            pairs.append(("η", value, line_of(key)))
        elif key == "iterations" and isinstance(value, list):
            for update in value:
                if not isinstance(update, dict):
                    continue
                k = int(update.get("update", 1))
                for name, number in (update.get("values") or {}).items():
                    pairs.append((name if k == 1 else f"{name}@{k}", number, line_of(name)))
                others += [f"iterations[{k}].{x}" for x in update if x not in PER_UPDATE | {"values"}]
        elif key in BOOKKEEPING:
            continue
        else:
            pairs.append((key, value, line_of(key)))
    entries = []
    for name, number, line in pairs:
        if not isinstance(number, str):
            entries.append(Entry(line, name, name, json.dumps(number), math.nan, math.nan, "not a number"))
        else:
            entries.append(entry(path, line, name, number))
    return entries, others


def network_givens(network: dict):
    """(name, number text, the key it stands under) of the givens a document's `network` records."""
    if isinstance(network.get("givens"), dict):  # an exercise of another shape records its givens by name
        yield from ((name, v, name) for name, v in network["givens"].items())
        return
    for name, key in (("i", "inputs"), ("target_o", "targets")):
        for i, v in enumerate(network.get(key) or [], start=1):
            yield f"{name}{i}", v, key
    weights = network.get("weights") or {}
    if isinstance(weights, dict):
        yield from ((name, v, name) for name, v in weights.items())
    else:
        yield from ((f"w{i}", v, "weights") for i, v in enumerate(weights, 1))
    for layer, neurons in (("b1", written_out.HIDDEN), ("b2", written_out.OUTPUT)):
        values = network.get(layer) or []
        if len(values) == 2 and values[0] == values[1]:
            yield layer, values[0], layer
        else:
            yield from ((f"{layer}[{n}]", v, layer) for n, v in zip(neurons, values, strict=False))


def is_json(text: str, path: str) -> bool:
    return text.removeprefix("\ufeff").lstrip().startswith("{") or str(path).lower().endswith(".json")


def updates_written(entries: list[Entry]) -> int:
    """How many updates to write out for these entries: their largest @k up to MAX_UPDATES, at least 1."""
    ks = [int(m.group(1)) for e in entries if (m := re.search(r"@(\d+)$", e.key))]
    return max([1, *(k for k in ks if k <= MAX_UPDATES)])


def ladder_updates(entries: list[Entry]) -> list:
    """The k > MAX_UPDATES the entries name, sorted."""
    return sorted({int(m.group(1)) for e in entries if (m := re.search(r"@(\d+)$", e.key))} - set(range(11)))


def closest(name: str, known) -> str | None:
    """The known name most like `name` (difflib's ratio at least 0.6; on a tie the first in sorted order:
    delta_h for dE_total/dnet_h1 rather than _h2), or None."""
    best, found = 0.6, []
    for k in known:
        m = matcher(k)
        m.set_seq1(name)
        # Upper bounds of the ratio first, cheap: a name that cannot reach the best so far is passed over.
        if m.real_quick_ratio() < best or m.quick_ratio() < best:
            continue
        r = m.ratio()
        if r > best:
            best, found = r, [k]
        elif r == best:
            found.append(k)
    return min(found) if found else None


@functools.lru_cache(maxsize=4096)
def matcher(known_name: str) -> difflib.SequenceMatcher:
    """A SequenceMatcher with known_name as its second sequence, which it indexes once (the costly part)."""
    return difflib.SequenceMatcher(None, "", known_name)


def resolve(entries: list[Entry], known: dict, path: str, ladder: bool = True) -> list[Entry]:
    """Each entry keyed by our name (known maps normalise(name) to ours), or left with the reason it is not
    checked; BadCheckFile when a value is given twice. ladder: values past MAX_UPDATES are checked (the post's
    shape), else they are not checked."""
    out, seen = [], {}
    for e in entries:
        if e.reason:
            out.append(e)
            continue
        base, _, at = e.key.partition("@")
        if at and int(at) > MAX_UPDATES:
            ours = known.get(base)
            if not ladder:
                key, reason = e.name, (f"past update {MAX_UPDATES}: values after many updates are checked for "
                                       "the post's 2-2-2 shape only")  # fmt: skip
            elif ours in (LADDER if ladder is True else ladder):
                key, reason = f"{ours}@{at}", ""
            else:
                key, reason = e.name, (f"past update {MAX_UPDATES} only w1+..w8+, E_total+, out_o1 and out_o2 "
                                       "are checked" if ladder is True else f"past update {MAX_UPDATES} only the "
                                       "weights and biases after it (w1+, b2+), E_total+, the outputs and E_total "
                                       "are checked")  # fmt: skip
        elif e.key in known:
            key, reason = known[e.key], ""
        else:
            pool = {**known, **{f"delta{n}": known[normalise(f"delta_{n}")] for n in ("h1", "h2", "o1", "o2")
                                if normalise(f"delta_{n}") in known}}  # fmt: skip
            close = closest(e.key, pool)
            key, reason = e.name, "unknown name" + (f", did you mean {pool[close]}?" if close else "")
        if not reason:
            if key in seen:
                name = quoted(e.name)[1:-1]
                first = f"in {seen[key]}" if e.where else f"on line {seen[key]}"
                raise BadCheckFile(f"{path}:{e.place}: {name} is given twice (first {first})")
            seen[key] = e.place
        out.append(dataclasses.replace(e, key=key, reason=reason))
    return out


# --- the mistakes ---------------------------------------------------------------------------------------


def mistakes(ex: Exercise, a: Arithmetic, decimals: int) -> dict:
    """{identifier: (sentence, [(variant label, Arithmetic), ...])}, in the order a tie lists them."""
    if ex.is_general():
        return general_mistakes(ex, a, decimals)
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
        "update-sign": ("w+ = w + η ∂E/∂w: the gradients right, the step taken uphill",
                        [("", replace(a, update_sign=-1.0))]),
        "targets-swapped": ("target_o1 used for o2 and target_o2 for o1", [("", replace(a, targets_swapped=True))]),
        "targets-rounded": ("the targets rounded to the nearest integer (0.01 taken as 0, 0.99 as 1)",
                            [("", replace(a, targets_rounded=True))]
                            if any(t != math.floor(t + 0.5) for t in ex.targets) else []),
        "output-weights-transposed": ("w6 and w7 exchanged: w6 read as h1→o2 and w7 as h2→o1",
                                      [("", replace(a, output_transposed=True))]),
        "bias-dropped": ("a net input written without its bias", [
            (f"{label}", replace(a, bias_dropped=layers))
            for label, layers in (("hidden layer", ("b1",)), ("output layer", ("b2",)), ("both layers", ("b1", "b2")))
        ]),
        "rounding": ("carried rounding of earlier values (not a mistake)", [("", replace(a, rounding=decimals))]),
    })  # fmt: skip
    if a.biases == "per-neuron":
        found["bias-shared"] = ("a bias a neuron, worked as one bias a layer (dE_total/db1 = delta_h1 + delta_h2)",
                                [("", replace(a, biases="shared"))])  # fmt: skip
    elif a.biases == "shared":
        found["bias-per-neuron"] = ("one bias a layer, worked as a bias a neuron (b1[h1]+ = b1 − η delta_h1)",
                                    [("", replace(a, biases="per-neuron"))])  # fmt: skip
    return found


def general_mistakes(ex: Exercise, a: Arithmetic, decimals: int) -> dict:
    """The mistakes that make sense for an exercise of another shape (general.py): the post's wherever they
    apply, and those of its settings (several examples, tanh, ReLU, softmax)."""
    replace = dataclasses.replace
    acts, depth, many = ex.activations, len(ex.layers) - 1, len(general.rows(ex)) > 1
    has_biases = a.biases != "none" and any((ex.b1, ex.b2, ex.b3))
    found = {}
    if depth > 1:
        found.update({
            "updated-output-weights": ("a parallel exercise, but the layers below used the already-updated weights "
                                       "above", [("", replace(a, order="sequential"))]),
        } if a.order == "parallel" else {
            "original-output-weights": ("a sequential exercise, but the layers below used the original weights above",
                                        [("", replace(a, order="parallel"))]),
        })  # fmt: skip
    if "sigmoid" in acts:
        found["sigmoid-derivative-of-net"] = ("σ' taken as net(1 − net) instead of out(1 − out)",
                                              [("", replace(a, slope_of="net"))])  # fmt: skip
    found["error-sign"] = ("dE/dout taken as (target − out), so the step goes uphill",
                           [("", replace(a, error_sign=-1.0))])  # fmt: skip
    found["loss-factor"] = ("the ½ dropped from E (or its derivative doubled)", [
        (label, replace(a, error_factor=e, derivative_factor=d))
        for f in (2.0, 0.5)
        for label, e, d in ((f"E and dE/dout × {f:g}", f, f), (f"E × {f:g}", f, 1.0), (f"dE/dout × {f:g}", 1.0, f))
    ])  # fmt: skip
    if has_biases:
        other = {"fixed": ["shared", "per-neuron"]}.get(a.biases, ["fixed"])
        found["biases-updated"] = ("biases trained when the exercise keeps them fixed, or the reverse",
                                   [(f"biases {b}", replace(a, biases=b)) for b in other])  # fmt: skip
    if acts[-1] not in ("linear", "softmax"):
        found["output-derivative-missing"] = ("delta_o = dE/dout, without the output's derivative",
                                              [("", replace(a, output_slope=False))])  # fmt: skip
    found.update({
        "learning-rate": ("η left out of the step (w − ∂E/∂w) or applied twice (w − 2η ∂E/∂w)",
                          [("η left out", replace(a, step_factor=1.0)),
                           ("η applied twice", replace(a, step_factor=2 * ex.learning_rate))]),
        "update-sign": ("w+ = w + η ∂E/∂w: the gradients right, the step taken uphill",
                        [("", replace(a, update_sign=-1.0))]),
    })  # fmt: skip
    rows = [t for _, ts in general.rows(ex) for t in ts]
    if any(t != math.floor(t + 0.5) for t in rows):
        found["targets-rounded"] = ("the targets rounded to the nearest integer (0.01 taken as 0, 0.99 as 1)",
                                    [("", replace(a, targets_rounded=True))])  # fmt: skip
    if has_biases:
        found["bias-dropped"] = ("a net input written without its bias", [
            (f"b{layer}", replace(a, bias_dropped=(f"b{layer}",))) for layer in range(1, depth + 1)
        ] + ([("every layer", replace(a, bias_dropped=tuple(f"b{m}" for m in range(1, depth + 1))))]
             if depth > 1 else []))  # fmt: skip
    if ex.layers[-1] >= 2:
        found["targets-swapped"] = ("target_o1 used for o2 and target_o2 for o1",
                                    [("", replace(a, targets_swapped=True))])  # fmt: skip
        if depth > 1:
            found["one-output-only"] = ("dE_total/dout of the layer below the outputs from one output neuron only",
                                        [(f"from {o} only", replace(a, hidden_from=(o,)))
                                         for o in general.neurons(ex, depth)])  # fmt: skip
    if many:
        found["reduction-swapped"] = (
            "averaged over the training examples where the exercise sums, or summed where it averages",
            [("", replace(a, reduction_swapped=True))])  # fmt: skip
        found["one-example-only"] = ("the update from the first training example's gradient alone",
                                     [("", replace(a, one_example=True))])  # fmt: skip
    if "tanh" in acts:
        found["tanh-derivative"] = ("tanh's derivative taken as out(1 − out), the sigmoid's, instead of 1 − out²",
                                    [("", replace(a, tanh_derivative=True))])  # fmt: skip
    if acts[-1] == "softmax":
        found["softmax-as-sigmoid"] = ("softmax with cross-entropy, but delta_o taken as (out − t)·out(1 − out)",
                                       [("", replace(a, softmax_as_sigmoid=True))])  # fmt: skip
    if "relu" in acts:
        found["relu-derivative"] = ("ReLU's derivative taken as 1 where net ≤ 0 (it is 0 there)",
                                    [("", replace(a, relu_derivative=True))])  # fmt: skip
    found["rounding"] = ("carried rounding of earlier values (not a mistake)", [("", replace(a, rounding=decimals))])
    if a.biases == "per-neuron" and has_biases:
        found["bias-shared"] = ("a bias a neuron, worked as one bias a layer (dE_total/db1 = the sum of the deltas)",
                                [("", replace(a, biases="shared"))])  # fmt: skip
    elif a.biases == "shared" and has_biases:
        found["bias-per-neuron"] = ("one bias a layer, worked as a bias a neuron (b1[h1]+ = b1 − η delta_h1)",
                                    [("", replace(a, biases="per-neuron"))])  # fmt: skip
    return found


TYPO = ("typo", "the value is ours with two adjacent digits exchanged or one digit wrong, as you wrote it "
        "(later values computed from ours)")  # fmt: skip
PAIRS_LEFT_OUT = ("rounding",)  # carried rounding is not a mistake: never one of a pair


MIN_TYPO_DIGITS = 3  # significant digits of ours, as written, before a slip in one of them is called a typo


def typo(e: Entry, ours: float) -> str | None:
    """'two digits exchanged' or 'one digit wrong' when the student's digits are ours (at their precision)
    with one such slip, else None."""
    if not re.fullmatch(r"[+-]?\d*\.?\d*", e.text) or not 0 <= e.decimals <= 17 or is_truncated(e, ours):
        return None  # a value cut off, not rounded, is said so in its row
    yours = re.sub(r"^(-?)\.", r"\g<1>0.", e.text.lstrip("+"))  # .5932 as 0.5932
    written = f"{ours:.{e.decimals}f}"
    if len(yours) != len(written) or yours == written or len(written.lstrip("-0.")) < MIN_TYPO_DIGITS:
        return None  # a value of a digit or two: any other value is "one digit wrong"
    differ = [i for i, (p, q) in enumerate(zip(yours, written, strict=True)) if p != q]
    if not all(yours[i].isdigit() and written[i].isdigit() for i in differ):
        return None
    if len(differ) == 1:
        return "one digit wrong"
    i = differ[0]
    if differ == [i, i + 1] and yours[i] == written[i + 1] and yours[i + 1] == written[i]:
        return "two digits exchanged"
    return None


def name_ranges(keys: list[str]) -> str:
    """'dE_total/dw1, dE_total/dw2, dE_total/dw3, dE_total/dw4, w1+' -> 'dE_total/dw1..dw4, w1+'."""
    groups: list[tuple] = []  # (the name around its number, the number, [names])
    for k in keys:
        base, at, update = k.partition("@")
        m = re.fullmatch(r"(.*?)(\d+)(\D*)", base)
        around, number = ((m.group(1), m.group(3) + at + update), int(m.group(2))) if m else (k, None)
        if m and groups and groups[-1][0] == around and groups[-1][1] == number - 1:
            groups[-1] = (around, number, [*groups[-1][2], k])
        else:
            groups.append((around, number, [k]))
    out = []
    for _, _, names in groups:
        if len(names) > 2:
            out.append(f"{names[0]}..{names[-1].rpartition('/')[2]}")
        else:
            out += names
    return ", ".join(out)


# --- the biases under every policy ---------------------------------------------------------------------


def with_bias_names(ex: Exercise, a: Arithmetic, written: list) -> list:
    """The lines, and a line for each bias name the policy does not update, so that a student's b1+ is
    checked under every policy: with fixed biases b1+ (and b1[h1]+, …) is the given b1; with one bias a
    layer b1[h1]+ and b1[h2]+ are b1+. Inserted after the layer's last update line. (The post's shape only.)"""
    if ex.is_general():
        return list(written)
    out = []
    for line in written:
        out.append(line)
        layer = {"w4+": "b1", "w8+": "b2", "b1+": "b1", "b2+": "b2"}.get(line.name)
        if layer is None or (line.name.startswith("w") and a.biases != "fixed"):
            continue
        neurons = written_out.HIDDEN if layer == "b1" else written_out.OUTPUT
        given = written_out.bias_names(ex, layer, a)  # fixed: the bias each neuron keeps
        same = {f"{layer}[{n}]+": line.key if a.biases != "fixed" else g for n, g in zip(neurons, given, strict=True)}
        if a.biases == "fixed" and given[0] == given[1]:
            same = {f"{layer}+": given[0], **same}
        for name, operand in same.items():
            out.append(written_out.Line(line.update, line.section, name, "#0", "#0", (operand,), float))
    return out


# --- checking ----------------------------------------------------------------------------------------


@dataclass
class Checked:
    entry: Entry
    ours: float | None  # None: a name we do not print
    status: str = "unchecked"  # right, rounding, follows, wrong or unchecked (note: why)
    note: str = ""
    local: float | None = None  # the formula applied to the student's numbers


class Calculation:
    """The exercise's lines and values, and a hand calculation's entries against them."""

    def __init__(self, ex: Exercise, arithmetic: Arithmetic, entries: list[Entry], updates: int, digits: int):
        self.ex, self.arithmetic, self.updates = ex, arithmetic, updates
        self.lines = with_bias_names(ex, arithmetic, written_out.lines(ex, arithmetic, updates))
        self.ours = written_out.finite_values(ex, arithmetic, self.lines)  # NotFinite when one overflows
        self.givens = written_out.givens(ex, arithmetic)
        # The biases in every form a course writes (b1+, b1[h1]: b1+ = b1 when they are fixed), and the notes
        # of a wrong value that no line computes.
        forms, reasons, self.notes = bias_forms(ex, arithmetic, self.ours, updates)
        self.ours.update(forms)
        entries = [dataclasses.replace(e, reason=reasons[e.key]) if e.key in reasons and not e.reason else e
                   for e in entries]  # fmt: skip
        self.by_key = {e.key: e for e in entries if not e.reason}
        written = Counter(e.decimals for e in self.by_key.values() if e.key in self.ours and e.key not in self.givens)
        # The decimals the student uses: the most common count (the larger on a tie), else --digits.
        self.decimals = max(written, key=lambda d: (written[d], d)) if written else digits
        order = {k: i for i, k in enumerate(self.ours)}
        # The entries the worked example holds, in its order (what a diagnosis reproduces); then the values
        # after many updates (checked against training only) and the lines not checked.
        held = [e for e in entries if not (e.reason or past_written(e.key))]
        self.entries = sorted(held, key=lambda e: (order.get(e.key, len(order)), e.line))
        aside = [e for e in entries if e.reason or past_written(e.key)]
        self.aside = sorted(aside, key=lambda e: (bool(e.reason), e.line))

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
        for e in self.entries + self.aside:
            if e.reason or e.key not in self.ours:
                results.append(Checked(e, None, "unchecked", e.reason or "not a value of this exercise"))
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
                c.status = "wrong"  # a given copied wrong, a bias, a value after many updates
                c.note = self.notes.get(e.key, "not the exercise's value")
            status[e.key] = c.status
            results.append(c)
        return results

    def diagnose(self, first: Entry) -> list[dict]:
        """The mistakes that reproduce the first wrong value, best first: ranked by how many of the student's
        values each reproduces in all, right ones included. One that breaks a value the student got right is
        left out when another explains more. When the best leaves later values unexplained, every pair of
        mistakes is tried (two knobs of the arithmetic at once), and a pair that explains more comes first."""
        entries = [e for e in self.entries if e.key in self.ours]
        later = entries[entries.index(first) + 1:]
        base = {line.key: line for line in self.lines}
        correct = {e.key for e in entries if e is not first and self.reproduces(e, self.ours, base)}
        runs = []  # (rank, mistake, label, sentence, arithmetic, values, reproduced keys): each computed once
        candidates = mistakes(self.ex, self.arithmetic, self.decimals)
        for rank, (mistake, (sentence, variants)) in enumerate(candidates.items()):
            for label, variant in variants:
                run = self.run(variant, entries)
                if run:
                    runs.append((rank, mistake, label, sentence, variant, *run))
        found = {}
        for rank, mistake, label, sentence, _, values, reproduced in runs:
            if first.key in reproduced and (mistake not in found or len(reproduced) > found[mistake]["reproduced"]):
                found[mistake] = self.diagnosis(mistake, label, sentence, values[first.key], reproduced, entries,
                                                later, correct, rank)  # fmt: skip
        slip = typo(first, self.ours[first.key])
        if slip:
            # Later values computed from ours: right, or carried rounding that does not take the slip.
            after = {e.key for e in entries if agrees(e, self.ours[e.key])
                     or e.key in correct and first.key not in getattr(base.get(e.key), "operands", ())}  # fmt: skip
            d = self.diagnosis(*TYPO[:1], "", TYPO[1], self.ours[first.key], after | {first.key}, entries, later,
                               correct, -1)  # fmt: skip
            d["typo"] = {"yours": first.text, "ours": f"{self.ours[first.key]:.{first.decimals}f}", "slip": slip}
            found["typo"] = d
        ranked = sorted(found.values(), key=lambda d: (-d["reproduced"], d["_rank"]))
        if not ranked or ranked[0]["remaining"]:
            pair = self.best_pair(runs, first, entries, later, correct, slip)
            if pair and (not ranked or pair["reproduced"] > ranked[0]["reproduced"]):
                ranked.insert(0, pair)
        most = ranked[0]["reproduced"] if ranked else 0
        ranked = [d for d in ranked if not (d["breaks"] and d["reproduced"] < most)]
        for d in ranked:
            del d["_rank"]
        return ranked

    def run(self, variant: Arithmetic, entries: list[Entry], first: Entry | None = None, updates: int = 0):
        """(the variant's values, the keys of the entries it reproduces), or None when it overflows
        (or, given first, when it does not reproduce first: tried on first's update alone before the others)."""
        updates = updates or self.updates
        if first is not None:
            update = int(first.key.rpartition("@")[2]) if "@" in first.key else 1
            if update < updates and not self.run(variant, [first], first, update):
                return None
        written = with_bias_names(self.ex, variant, written_out.lines(self.ex, variant, updates))
        try:
            values = written_out.values(self.ex, variant, written=written)
        except (OverflowError, ZeroDivisionError, ValueError):
            return None
        lines = {line.key: line for line in written}
        if first is not None and not self.reproduces(first, values, lines):
            return None
        return values, frozenset(e.key for e in entries if self.reproduces(e, values, lines))

    def diagnosis(self, mistake, label, sentence, value, reproduced, entries, later, correct, rank) -> dict:
        return {"mistake": mistake, "variant": label, "sentence": sentence, "value": value,
                "reproduced": len(reproduced), "values": len(entries),
                "later_reproduced": sum(e.key in reproduced for e in later), "later": len(later),
                "remaining": [e.key for e in later if e.key not in reproduced],
                "breaks": [e.key for e in entries if e.key in correct and e.key not in reproduced],
                "_rank": rank}  # fmt: skip

    def best_pair(self, runs, first, entries, later, correct, slip) -> dict | None:
        """The pair of mistakes (two knobs turned at once, or a typo in the first wrong value and a mistake)
        that reproduces the first wrong value and the most of the student's values."""
        base = self.arithmetic
        fields = [f.name for f in dataclasses.fields(Arithmetic)]

        def turned(variant):
            return {f: getattr(variant, f) for f in fields if getattr(variant, f) != getattr(base, f)}

        singles = [r for r in runs if r[1] not in PAIRS_LEFT_OUT]
        best, best_key = None, None
        for i, one in enumerate(singles):
            for two in singles[i + 1:]:
                if one[1] == two[1]:
                    continue
                knobs_one, knobs_two = turned(one[4]), turned(two[4])
                if set(knobs_one) & set(knobs_two):
                    continue
                run = self.run(dataclasses.replace(base, **knobs_one, **knobs_two), entries, first)
                if not run:
                    continue
                key = (len(run[1]), -one[0], -two[0])
                if best_key is None or key > best_key:
                    best_key, best = key, ((one[1:4], two[1:4]), run[0][first.key], run[1])
            if slip:  # a typo in the first wrong value, and this mistake after it
                reproduced = one[6] | {first.key}
                key = (len(reproduced), 1, -one[0])
                if best_key is None or key > best_key:
                    written = f"you wrote {first.text}, ours is {self.ours[first.key]:.{first.decimals}f} ({slip})"
                    best_key, best = key, (((TYPO[0], "", written), one[1:4]), self.ours[first.key], reproduced)
        if best is None:
            return None
        parts, value, reproduced = best  # parts: two (mistake, variant label, sentence)
        names = [name for name, _, _ in parts]
        d = self.diagnosis(" + ".join(names), ", ".join(label for _, label, _ in parts if label),
                           "two mistakes at once: " + "; ".join(f"{n}: {s}" for n, _, s in parts), value, reproduced,
                           entries, later, correct, -2)  # fmt: skip
        d["mistakes"] = names
        return d

    def other_bias_policy(self) -> list[dict]:
        """When every checked value is right: the bias-policy mistakes whose arithmetic has the student's
        unknown names (b1+ and dE_total/db1 in a bias-per-neuron exercise) and reproduces each of them."""
        unknown = [e for e in self.entries + self.aside if e.reason or e.key not in self.ours]
        found = []
        candidates = mistakes(self.ex, self.arithmetic, self.decimals)
        for rank, (mistake, (sentence, variants)) in enumerate(candidates.items()):
            for label, variant in variants:
                run = variant.biases != self.arithmetic.biases and self.run(variant, unknown)
                if run and run[1] and all(e.key in run[1] for e in unknown if e.key in run[0]):
                    names = [e.key for e in unknown if e.key in run[1]]
                    found.append({"mistake": mistake, "variant": label, "sentence": sentence, "names": names,
                                  "reproduced": len(names), "_rank": rank})  # fmt: skip
        found.sort(key=lambda d: (-d["reproduced"], d["_rank"]))
        for d in found:
            del d["_rank"]
        return found[:1]

    def reproduces(self, e: Entry, values: dict, lines: dict) -> bool:
        """Whether values give e: as ours do (to its written digits), or by e's formula from the student's
        own earlier numbers (the reference's, rounded, where the student wrote none)."""
        if e.key not in values:
            return False
        if agrees(e, values[e.key]):
            return True
        line = lines.get(e.key)
        if line is None:
            return False
        try:
            local = line(self.operands(line, values)[0])
        except (OverflowError, ZeroDivisionError, ValueError):
            return False
        return abs(e.value - local) <= e.half_unit + RELATIVE * abs(local) + 1e-15


def past_written(key: str) -> bool:
    """Whether a key names a value after more than MAX_UPDATES updates (w5+@100)."""
    m = re.search(r"@(\d+)$", key)
    return bool(m) and int(m.group(1)) > MAX_UPDATES


def is_truncated(e: Entry, ours: float) -> bool:
    """Whether the student's value is ours cut off (not rounded) after their last digit."""
    places = ours / e.unit
    if not math.isfinite(places):
        return False
    return abs(e.value - math.trunc(places) * e.unit) <= RELATIVE * abs(ours) + 1e-9 * e.unit


def agrees(e: Entry, value: float) -> bool:
    """Step 1: within half a unit in the student's last written digit, plus 1e-12 relative."""
    return abs(e.value - value) <= e.half_unit + RELATIVE * abs(value)


@functools.lru_cache(maxsize=64)
def known_names(ex: Exercise, arithmetic: Arithmetic, updates: int) -> dict:
    """normalise(name) -> name, for every name ours or a mistaken arithmetic prints (biases trained or not),
    and every form of a bias (b1, b1[h1], b1+, b1[h1]+@k). Cached: do not change what it returns."""
    names = {}
    for biases in ("fixed", "shared", "per-neuron"):
        variant = dataclasses.replace(arithmetic, biases=biases)
        for k in [*written_out.givens(ex, variant), *(line.key for line in written_out.lines(ex, variant, updates))]:
            names.setdefault(normalise(k), k)
            alias = general.matrix_name(ex, k) if ex.is_general() else None
            if alias:
                names.setdefault(normalise(alias), k)
    if ex.is_general():
        return names
    for layer, neurons in BIAS_LAYERS:
        for form in (layer, *(f"{layer}[{n}]" for n in neurons)):
            names.setdefault(normalise(form), form)
            for k in range(1, updates + 1):
                names.setdefault(normalise(written_out.key(form + "+", k)), written_out.key(form + "+", k))
    return names


BIAS_LAYERS = (("b1", written_out.HIDDEN), ("b2", written_out.OUTPUT))


def bias_forms(ex: Exercise, a: Arithmetic, ours: dict, updates: int) -> tuple[dict, dict, dict]:
    """({key: value} of every bias form the lines do not hold, {key: why it cannot be checked}, {key: the note
    of a wrong one}): b1[h1] when the layer shares b1, b1 when each neuron has its own but they are equal,
    b1+@k (= b1) when the biases are fixed."""
    values, reasons, notes = {}, {}, {}
    for layer, neurons in () if ex.is_general() else BIAS_LAYERS:
        names = written_out.bias_names(ex, layer, a)
        for k in range(updates + 1):  # k = 0: the given biases
            plus = "+" if k else ""

            def form(name, k=k, plus=plus):
                return written_out.key(name + plus, k) if k else name

            per = [ours[form(n) if k and a.biases != "fixed" else n] for n in names]
            found = {form(f"{layer}[{n}]"): v for n, v in zip(neurons, per, strict=True)}
            if per[0] == per[1]:
                found[form(layer)] = per[0]
            else:
                reasons[form(layer)] = (f"one bias a neuron in this exercise: write {form(f'{layer}[{neurons[0]}]')}"
                                        f" and {form(f'{layer}[{neurons[1]}]')}")  # fmt: skip
            for name, v in found.items():
                if name not in ours:
                    values[name] = v
                    if k and a.biases == "fixed":
                        notes[name] = f"the biases are fixed in this exercise: {form(layer)} = {layer}"
    return values, reasons, notes


def ladder_values(ex: Exercise, a: Arithmetic, ks: list) -> dict:
    """{w5+@k, E_total+@k: after k updates, out_o1@k, out_o2@k: after k − 1} for each k, from one training run;
    written_out.NotFinite when the training diverges."""
    if not ks:
        return {}
    if ex.is_general():  # an exercise of another shape: the small-network engine
        try:
            return general_training.ladder_values(ex, a.order, ks)
        except training.TrainingDiverged as exc:
            raise written_out.NotFinite(f"training to update {max(ks)}: {exc}") from None
    checkpoints = sorted({*ks, *(k - 1 for k in ks)})
    try:
        t = training.train(a.order, max(ks), record_every=0, checkpoints=checkpoints, **ex.training())
    except training.TrainingDiverged as exc:
        raise written_out.NotFinite(f"training to update {max(ks)}: {exc}") from None
    found = {}
    for k in ks:
        after, before = t.row(k), t.row(k - 1)
        weights = [*t.w1[after].ravel().tolist(), *t.w2[after].ravel().tolist()]
        found.update({f"w{i}+@{k}": w for i, w in enumerate(weights, start=1)})
        found[f"E_total+@{k}"] = float(t.error[after])
        found[f"out_o1@{k}"], found[f"out_o2@{k}"] = (float(y) for y in t.output[before])
    return found


# --- the report ----------------------------------------------------------------------------------------

MARKS = {"right": "✓", "rounding": "✓ carried rounding", "follows": "✗ follows from your numbers", "wrong": "✗"}


FORWARD = ("net_h1", "out_h1", "net_h2", "out_h2", "net_o1", "out_o1", "net_o2", "out_o2")  # of update 1
UNCHECKED = {"unknown name": "unknown name", "past update": f"past update {MAX_UPDATES}",
             "not a number": "not a number", "one bias a neuron": "a bias that has one value a neuron",
             "not a value": "not a value of this exercise"}  # fmt: skip
OTHER_NETWORK = ("--example FILE.json, or --inputs, --targets, --weights, --b1, --b2, --learning-rate, --biases, "
                 "--loss, --order")  # fmt: skip


def check_text(ex: Exercise, arithmetic: Arithmetic, text: str, path: str, digits: int, *,
               network_given: bool = True, description: str | None = None, entries: list | None = None) -> dict:
    """The whole report on a hand calculation (the JSON document of --check); BadCheckFile for a bad file,
    written_out.NotFinite when a value of the example overflows (or the training to a later update diverges).

    network_given: whether the exercise came from flags or a file (else the post's network was assumed);
    description: the --example file's; entries: the values already read (spreadsheet.read_entries: a workbook's
    cells, each with its address), text then unused."""
    if entries is None:
        entries = parse_json(text, path)[0] if is_json(text, path) else parse(text, path)
    updates = updates_written(entries)
    ladder = general_training.ladder_names(ex) if ex.is_general() else True
    entries = resolve(entries, known_names(ex, arithmetic, updates), path, ladder=ladder)
    calc = Calculation(ex, arithmetic, entries, updates, digits)
    ladder = ladder_values(ex, arithmetic, ladder_updates([e for e in entries if not e.reason]))
    calc.ours.update(ladder)
    calc.notes.update({k: f"after {k.split('@')[1]} updates of training; checked, not diagnosed" for k in ladder})
    checked = calc.check()
    wrong = [c for c in checked if c.status == "wrong" and c.entry.key not in ladder]
    first = wrong[0] if wrong else None
    lines = {line.key: line for line in calc.lines}
    report = {
        "file": path,
        "settings": written_out.settings_line(ex, arithmetic),
        "network": ex.to_json(),
        "description": ex.describe(),
        "updates": updates,
        "exercise_description": description,
        "values": [value_document(c) for c in checked if c.status != "unchecked"],
        "unchecked": [{"name": c.entry.name, "line": c.entry.place, "reason": c.note}
                      for c in checked if c.status == "unchecked"],  # fmt: skip
        "first_wrong": None,
        "diagnosis": [],
        "network_note": None,
        "ok": all(c.status in ("right", "rounding") for c in checked),
    }
    if first is not None:
        line = lines.get(first.entry.key)
        report["first_wrong"] = {
            **value_document(first),
            "formula": written_out.formula_text(line) if line else "a given of the exercise",
        }
        if first.entry.key in calc.notes:  # a bias after an update, when the biases are fixed
            given = re.sub(r"\+(@\d+)?$", "", first.entry.key)
            report["first_wrong"]["formula"] = f"{given} (the biases are fixed in this exercise)"
        report["diagnosis"] = calc.diagnose(first.entry)
        if not network_given and first.entry.key in FORWARD:
            report["network_note"] = (f"{path} was checked against the post's network (no network was given): "
                                      f"give yours with {OTHER_NETWORK}")  # fmt: skip
    elif report["unchecked"]:  # names of another bias policy: is that the mistake?
        report["diagnosis"] = calc.other_bias_policy()
    return report


def value_document(c: Checked) -> dict:
    e = c.entry
    return {"name": e.name, "key": e.key, "line": e.place, "yours": e.value, "written": e.text, "decimals": e.decimals,
            "ours": c.ours, "status": c.status, "note": c.note, "from_your_numbers": c.local}  # fmt: skip


def report_lines(report: dict) -> list[str]:
    """The report as text: every value with its mark, the first wrong one and its diagnosis."""
    values, unchecked = report["values"], report["unchecked"]
    if not values:
        return [f"{report['file']}: no name of the worked example, nothing was checked"]
    width = max(len(v["name"]) for v in values + unchecked) + 2
    cells = any(isinstance(v["line"], str) for v in values + unchecked)  # a workbook: cell addresses
    where = max([5, *(len(str(v["line"])) for v in values + unchecked)])
    place = "cell" if cells else "line"
    ours = {id(v): f"{v['ours']:.{v['decimals']}f}" for v in values}  # as you wrote yours
    column = max(18, *(len(v["written"]) for v in values), *(len(x) for x in ours.values()))
    posts = report["network"]["posts_network"]
    out = [*([report["exercise_description"]] if report["exercise_description"] else []),
           f"Checking {report['file']} against the worked example{'' if posts else ' on your network'} "
           f"({report['updates']} update{'s' if report['updates'] > 1 else ''}): {report['settings']}",
           *([] if posts else [report["description"]]), "",
           f"{place:>{where}}  {'name':<{width}}{'yours':>{column}}  {'ours':>{column}}"]  # fmt: skip
    first = report["first_wrong"]
    for v in values:
        decimals = v["decimals"]
        mark = MARKS[v["status"]]
        if v["status"] == "rounding":
            mark += f" (your numbers give {v['from_your_numbers']:.{decimals + 2}f})"
        elif v["status"] == "follows" and first:
            mark += f"; {first['name']} is the first wrong one"
        if v["note"]:
            mark += f" ({v['note']})"
        out.append(f"{v['line']:>{where}}  {v['name']:<{width}}{v['written']:>{column}}  "
                   f"{ours[id(v)]:>{column}}  {mark}")
    for u in unchecked:
        out.append(f"{u['line']:>{where}}  {u['name']:<{width}}{'':>{column}}  {'':>{column}}  "
                   f"not checked: {u['reason']}")
    counts = Counter(v["status"] for v in values)
    out.append("")
    if first:
        out.append(f"First wrong value: {first['name']} ({place} {first['line']}): yours {first['written']}, "
                   f"ours {first['ours']:.12g}; {first['name']} = {first['formula']}.")  # fmt: skip
        if first["from_your_numbers"] is not None:
            out.append(f"  From your own earlier numbers the formula gives {first['from_your_numbers']:.12g}: "
                       "the mistake is in this step.")  # fmt: skip
        if report["diagnosis"]:
            out.append("Diagnosis: the common mistakes that reproduce your value, best first")
            out += [diagnosis_line(d) for d in report["diagnosis"]]
            best = report["diagnosis"][0]
            if best["remaining"]:
                which = "another" if best.get("mistakes") else "a second"
                verb = "remains" if len(best["remaining"]) == 1 else "remain"
                out.append(f"  {best['mistake']} explains {best['later_reproduced']} of your {best['later']} later "
                           f"values; {name_ranges(best['remaining'])} {verb}: look for {which} mistake")  # fmt: skip
        else:
            out.append(f"Diagnosis: none of the common mistakes reproduces it; the formula is {first['name']} = "
                       f"{first['formula']}, and ours is {first['ours']:.12g}")  # fmt: skip
    elif report["diagnosis"]:  # names of another bias policy, none of them ours
        d = report["diagnosis"][0]
        variant = f" [{d['variant']}]" if d["variant"] else ""
        out.append(f"Diagnosis: {name_ranges(d['names'])} are not this exercise's names; {d['mistake']}{variant} "
                   f"reproduces them: {d['sentence']}")  # fmt: skip
    parts = [f"{counts[s]} {label}" for s, label in (("right", "right"), ("rounding", "carried rounding"),
                                                      ("follows", "following from a wrong value"),
                                                      ("wrong", "wrong")) if counts[s]]  # fmt: skip
    if report["network_note"]:
        out.append(report["network_note"] + ".")
    if unchecked:
        why = Counter(next((label for start, label in UNCHECKED.items() if u["reason"].startswith(start)),
                           u["reason"]) for u in unchecked)  # fmt: skip
        parts.append(f"{len(unchecked)} not checked ({'; '.join(f'{label}: {n}' for label, n in why.items())})")
    out.append(("All right: " if report["ok"] else "Result: ") + ", ".join(parts) + ".")
    return out


def diagnosis_line(d: dict) -> str:
    """One diagnosis: the mistake, what it gives, and how many later values it also reproduces."""
    later = f"{d['later_reproduced']} of your {d['later']} later values"
    if d["mistake"] == TYPO[0]:
        t = d["typo"]
        return f"  typo: you wrote {t['yours']}, ours is {t['ours']} ({t['slip']}); it also reproduces {later}"
    variant = f" [{d['variant']}]" if d["variant"] else ""
    return f"  {d['mistake']}{variant}: {d['sentence']}; it gives {d['value']:.12g} and also reproduces {later}"
