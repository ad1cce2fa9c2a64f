"""The worked example in each printed format: what `ann_numpy_no_loop.py --format F` prints, as text.

text and markdown (the post's published value beside ours for the post's network), latex (one
align* block), csv (name,value: a file --check reads) and json (every value at full precision, by
update). The values and formulas themselves are written_out's (the post's kind of 2-2-2 exercise)
or general's (any other shape); this module only lays them out.
"""

from __future__ import annotations

import csv
import io
import json
import textwrap

from backprop import published, written_out
from backprop.exercise import Exercise
from backprop.training import COUNTING
from backprop.written_out import Arithmetic

FORMATS = ("text", "markdown", "latex", "csv", "json")
PUBLISHED = {("E_total+" if k == "E_total after" else k): v for k, v in published.POST_FIRST_UPDATE.items()}
NOTES = {
    "E_total+": "the post's figure is the sequential update's (see analyze_convergence.py)",
    "dE_o2/dout_h1": "the post multiplies its rounded factors (see --check)",
}
LATEX_PACKAGES = r"requires \usepackage{amsmath} (align*, \intertext, \frac)"


def compare(name: str, value: float) -> str:
    """'   blog 0.593269992 ✓' when the post publishes this value, else ''."""
    if name not in PUBLISHED:
        return ""
    figure = PUBLISHED[name]
    mark = "✓" if published.agrees(value, figure) else "✗ " + NOTES.get(name, "")
    return f"   blog {figure:>12} {mark}".rstrip()


def document(ex: Exercise, arithmetic: Arithmetic, lines, found: dict) -> dict:
    """--format json: every value at full precision, by update."""
    updates = []
    for k, update in written_out.by_update(lines):
        updates.append({
            "update": k,
            "values": {line.name: found[line.key] for line in update},
            "formulas": {line.name: written_out.formula_text(line) for line in update},
            "weights_after": {f"w{i}": found[written_out.key(f"w{i}+", k)] for i in range(1, len(ex.weights) + 1)},
            "error_after": found[written_out.key("E_total+", k)],
        })  # fmt: skip
    return {
        "settings": written_out.settings_line(ex, arithmetic),
        "order": arithmetic.order,
        "learning_rate": ex.learning_rate,
        "biases": ex.biases,
        "loss": ex.loss,
        "network": {**ex.to_json(), "givens": {k: v for k, v in written_out.givens(ex, arithmetic).items()
                                                if k not in ("η", "n", "m")}} if ex.is_general() else ex.to_json(),
        "counting": COUNTING,
        "iterations": updates,
        "published": published.POST_FIRST_UPDATE if ex.is_post() else None,
    }


def csv_text(lines, found: dict) -> str:
    """name,value for every value, names with @k past the first update: a valid --check file."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["name", "value"])
    writer.writerows([line.key, repr(found[line.key])] for line in written_out.printed(lines))
    return out.getvalue()


def render(ex: Exercise, arithmetic: Arithmetic, updates: int, fmt: str, digits: int = 9) -> str:
    """The worked example of `updates` updates in format fmt, as printed (a final newline included);
    written_out.NotFinite when a value overflows."""
    lines = written_out.lines(ex, arithmetic, updates)
    found = written_out.finite_values(ex, arithmetic, lines)
    if fmt == "json":
        return json.dumps(document(ex, arithmetic, lines, found), indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        return csv_text(lines, found)
    head = [] if ex.is_posts_network() else [ex.describe()]
    whose = "Mazur's worked example" if ex.is_posts_network() else "The worked example on your network"
    head += [f"{whose}, {written_out.settings_line(ex, arithmetic)}", COUNTING + "."]
    if fmt == "text":
        body = written_out.text(ex, arithmetic, lines, found, digits, compare if ex.is_post() else None)
    elif fmt == "markdown":
        head = [line + ("\n" if i < len(head) - 1 else "") for i, line in enumerate(head)]  # one paragraph each
        body = written_out.markdown(lines, found, digits)
    elif fmt == "latex":
        width = written_out.LATEX_WIDTH - 2
        head = ["% " + piece for line in [LATEX_PACKAGES, *head] for piece in textwrap.wrap(line, width)]
        body = written_out.latex(lines, found, digits)
    else:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    return "\n".join(head + body) + "\n"
