"""A class set: a different exercise for every student, the answer keys apart, and a class's hand
calculations graded with the hand-calculation checker (hand_check.check_text).

generate: each student's numbers come from the seed and the student's id alone (a SeedSequence of
the seed and the SHA-256 of the id's UTF-8 bytes), so that the roster's order and size change nothing.
A drawn exercise is kept when it meets RULES; otherwise the next draw of the same generator is tried,
at most MAX_DRAWS times (deterministic). Everything is computed before the first file is written.
A template of another shape (general.py: other layers, activations, losses, several training examples) gives
exercises of that shape (draw_general, general_document); the post's 2-2-2 keeps its own draw and forms.

grade: one submission a student (a file named after the id), checked against that student's
exercise; one row of grades.csv a student of the roster, then one a file whose id is not on it.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import os
import re
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from backprop import exercise as exercise_module
from backprop import files, formats, general, hand_check, spreadsheet, written_out
from backprop.exercise import Exercise
from backprop.worked_example import WEIGHT_NAMES, as_bias_vector

VARIABLE = ("weights", "inputs", "targets", "learning_rate", "biases")
DEFAULT_VARY = ("weights", "inputs")
DEFAULT_DECIMALS = 2
MAX_DECIMALS = 6
MAX_DRAWS = 1000  # draws a student before the template is declared impossible
MAX_NET = 4.0  # every |net| at the start at most this (no neuron starts saturated)
MIN_CHANGE = 0.001  # the first update changes E_total by at least this share of it
RULES = (
    f"numbers rounded to the template's decimals; no weight and no input zero; "
    f"every |net| <= {MAX_NET:g} at the start; "
    f"the first update changes E_total by at least {MIN_CHANGE:.1%} of its value"
)
# What a varied quantity is drawn from (uniformly), before rounding.
RANGES = {
    "weights": (-1.0, 1.0),
    "inputs": (0.0, 1.0),
    "targets": (0.0, 1.0),
    "learning_rate": (0.1, 1.0),
    "biases": (0.0, 1.0),
}
UPDATES = 1  # the task: one update by hand, as in the post
ID = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9_.-]*")
RESERVED = {"keys"}  # a student id that would be the keys' folder
KEY_FORMATS = {"md": "markdown", "tex": "latex", "csv": "csv", "json": "json"}
GRADE_COLUMNS = (
    "id",
    "name",
    "checked",
    "right",
    "carried_rounding",
    "following",
    "wrong",
    "not_checked",
    "first_wrong",
    "diagnosis",
    "score",
    "status",
)


class Bad(ValueError):
    """Bad usage (a template, roster or folder that cannot be used): exit 2, str() the one line."""


class Failed(RuntimeError):
    """A runtime failure (a file that cannot be read or written): exit 1."""


# --- the template ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Template:
    settings: dict  # the --example keys, typed as exercise.read_example types them
    vary: tuple = DEFAULT_VARY
    decimals: int = DEFAULT_DECIMALS

    def exercise(self, **numbers) -> Exercise:
        return as_exercise({**self.settings, **numbers}, self.is_general())

    def is_general(self) -> bool:
        """A template of another shape than the post's (general.py): its students' numbers in that shape."""
        return exercise_module.is_other_shape(self.settings)


def as_exercise(values: dict, general: bool | None = None) -> Exercise:
    """An Exercise from the keys of an --example file (read_example's values); Bad when the biases do not fit.
    general: whether it is of another shape than the post's (None: as the values say)."""
    if exercise_module.is_other_shape(values) if general is None else general:
        return general_exercise(values)
    settings = {k: v for k, v in values.items() if k in exercise_module.SETTINGS}
    for name in ("inputs", "targets"):  # read_example gives rows: the 2-2-2 exercise has one
        rows = settings.get(name)
        if rows and isinstance(rows[0], tuple):
            if len(rows) > 1:
                raise Bad(f"{name}: a class set is of one training example, not {len(rows)}")
            settings[name] = rows[0]
    biases = settings.get("biases", "fixed")
    for name in ("b1", "b2"):
        if name in settings:
            given = settings[name]
            try:
                vector = as_bias_vector(given[0] if len(given) == 1 else np.array(given), name, biases)
            except ValueError as exc:
                raise Bad(f"{exc} (two numbers need biases fixed or per-neuron)") from None
            settings[name] = tuple(vector.tolist())
    return Exercise(**settings, order=values.get("order"))


def general_exercise(values: dict) -> Exercise:
    """An exercise of another shape (exercise.general_exercise) from an --example file's values; Bad with the
    reason when they do not make one."""
    layers = tuple(values.get("layers") or (2, 2, 2))
    activations = tuple(values.get("activations") or ("sigmoid",) * (len(layers) - 1))
    if len(activations) != len(layers) - 1:
        raise Bad(f"activations: one a layer after the inputs, {len(layers) - 1} for layers "
                  f"{','.join(map(str, layers))}")  # fmt: skip
    settings = {k: v for k, v in values.items() if k in exercise_module.SETTINGS}
    shape = {"layers": layers, "activations": activations, "reduction": values.get("reduction"),
             "b3": values.get("b3")}  # fmt: skip
    try:
        return exercise_module.general_exercise(settings, shape, values.get("order"))
    except ValueError as exc:
        raise Bad(str(exc)) from None


def read_small_text(path: str) -> str:
    """A template's or roster's UTF-8 text, read up to files.MAX_INPUT_BYTES (an endless file is refused
    at once). Bad or Failed."""
    try:
        return files.read_text(path, files.MAX_INPUT_BYTES)
    except files.TooLarge as exc:
        raise Bad(f"{path}: {exc}") from None
    except UnicodeDecodeError:
        raise Bad(f"{path}: not UTF-8 text") from None
    except OSError as exc:
        raise Failed(f"cannot read {path}: {exc.strerror or exc}") from None


def read_template(path: str) -> Template:
    """The template: an --example file with the keys vary and decimals besides. Bad or Failed."""
    text = read_small_text(path)
    try:
        document = json.loads(text, object_pairs_hook=exercise_module.unique_keys)
    except json.JSONDecodeError as exc:
        raise Bad(f"{path}:{exc.lineno}: not valid JSON: {exc.msg}") from None
    except exercise_module.DuplicateKey as exc:
        raise Bad(f"{path}: the key {files.quoted(str(exc.args[0]))} is given twice") from None
    except RecursionError:
        raise Bad(f"{path}:{exercise_module.depth_line(text)}: not valid JSON: nested too deeply") from None
    if not isinstance(document, dict):
        raise Bad(f"{path}: a template is one JSON object {{...}}, not {type(document).__name__}")
    vary = document.pop("vary", list(DEFAULT_VARY))
    if not isinstance(vary, list) or not all(isinstance(v, str) and v in VARIABLE for v in vary):
        raise Bad(f"{path}: vary: a list of some of {', '.join(VARIABLE)}, not {json.dumps(vary)}")
    decimals = document.pop("decimals", DEFAULT_DECIMALS)
    if isinstance(decimals, bool) or not isinstance(decimals, int) or not 1 <= decimals <= MAX_DECIMALS:
        raise Bad(f"{path}: decimals: a whole number from 1 to {MAX_DECIMALS}, not {json.dumps(decimals)}")
    settings = {}
    layers = (2, 2, 2)
    for key in sorted(document, key=lambda k: k != "layers"):  # the layers first: the others' sizes follow
        if key not in exercise_module.KEYS:
            raise Bad(f"{path}: unknown key {files.quoted(key)}; known keys: "
                      f"{', '.join(exercise_module.KEYS + ('vary', 'decimals'))}")  # fmt: skip
        try:
            settings[key] = exercise_module.example_value(key, document[key], layers)
        except (ValueError, exercise_module.argparse.ArgumentTypeError) as exc:
            raise Bad(f"{path}: {key}: {exc}") from None
        layers = settings.get("layers", layers)
    matrices = [k for k in ("W1", "W2", "W3") if k in settings]
    if matrices:  # the weights as matrices: flat, as read_example makes them
        expected = [f"W{i}" for i in range(1, len(layers))]
        if "weights" in settings or matrices != expected:
            raise Bad(f"{path}: {matrices[0]}: give the weights flat or as {', '.join(expected)}, not both")
        settings["weights"] = tuple(w for k in expected for w in settings.pop(k))
    template = Template(settings, tuple(dict.fromkeys(vary)), decimals)
    template.exercise()  # the biases fit the policy
    return template


# --- the roster ------------------------------------------------------------------------------------


def read_roster(path: str) -> list[tuple[str, str]]:
    """[(id, name)] from a CSV with a header line naming the columns id and name (others ignored)."""
    text = read_small_text(path).removeprefix("\ufeff")
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise Bad(f"{path}: not CSV: {exc}") from None
    if not rows:
        raise Bad(f"{path}: empty: a roster is a header line id,name and one line a student")
    header = [cell.strip().lower() for cell in rows[0]]
    if "id" not in header or "name" not in header:
        raise Bad(f"{path}:1: the header line must name the columns id and name, found {','.join(rows[0])!r}")
    i, n = header.index("id"), header.index("name")
    students, seen = [], {}
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        sid = row[i].strip() if i < len(row) else ""
        name = row[n].strip() if n < len(row) else ""
        check_id(sid, f"{path}:{line}")
        if sid in seen:
            raise Bad(f"{path}:{line}: id {sid!r} is also on line {seen[sid]}")
        seen[sid] = line
        students.append((sid, name))
    if not students:
        raise Bad(f"{path}: no student: a roster is a header line id,name and one line a student")
    return students


def check_id(sid: str, where: str) -> None:
    """An id names a folder and a file: letters, digits, _ - and . (not first), not 'keys'."""
    if not ID.fullmatch(sid) or sid in RESERVED or len(sid) > 100:
        raise Bad(f"{where}: id {sid!r} cannot name a folder (letters, digits, _, -, . not first; not 'keys')")


# --- drawing an exercise ---------------------------------------------------------------------------


def generator(seed: int, sid: str) -> np.random.Generator:
    """The student's own generator: the seed and the id's SHA-256, nothing else."""
    digest = int.from_bytes(hashlib.sha256(sid.encode("utf-8")).digest()[:16], "big")
    return np.random.default_rng(np.random.SeedSequence([seed, digest]))


def draw(template: Template, rng: np.random.Generator) -> dict:
    """One draw of the varied numbers, rounded, in the template's sizes; the same draws from rng whatever
    is varied. A layer's bias is one number for all its neurons unless the template's has one a neuron."""
    if template.is_general():
        return draw_general(template, rng)
    base, d = template.exercise(), template.decimals
    per_neuron = base.biases == "per-neuron" or base.b1[0] != base.b1[-1] or base.b2[0] != base.b2[-1]
    sizes = {"weights": len(base.weights), "inputs": len(base.inputs), "targets": len(base.targets),
             "learning_rate": 1, "biases": len(base.b1) + len(base.b2)}  # fmt: skip
    drawn = {}
    for what in VARIABLE:
        low, high = RANGES[what]
        values = tuple(round(float(v), d) + 0.0 for v in rng.uniform(low, high, sizes[what]))
        if what in template.vary:
            drawn[what] = values
    if "learning_rate" in drawn:
        drawn["learning_rate"] = drawn["learning_rate"][0]
    if "biases" in drawn:
        values, n = drawn.pop("biases"), len(base.b1)
        b1, b2 = values[:n], values[n:]
        drawn["b1"], drawn["b2"] = (b1, b2) if per_neuron else ((b1[0],) * n, (b2[0],) * len(b2))
    return drawn


TARGET_RANGES = {"tanh": (-1.0, 1.0)}  # an output's targets drawn from its range (else RANGES' [0, 1])


def draw_general(template: Template, rng: np.random.Generator) -> dict:
    """draw() for a template of another shape: numbers in the template's sizes (a row of inputs and targets a
    training example, a bias a neuron of each layer with biases). Targets within the output's range (tanh's
    [−1, 1]); a softmax output's targets are probabilities: each row is the template's row with its entries
    in an order drawn afresh (a one-hot row moves its 1), so that every row still sums to 1."""
    base, d = template.exercise(), template.decimals
    rows, output = general.rows(base), base.activations[-1]
    biased = [layer for layer in range(1, len(base.layers)) if general.biases_of(base, layer)]
    per_neuron = base.biases == "per-neuron" or any(len(set(general.biases_of(base, n))) > 1 for n in biased)

    def uniform(what, count, span=None):
        low, high = span or RANGES[what]
        return [round(float(v), d) + 0.0 for v in rng.uniform(low, high, count)]

    weights = tuple(uniform("weights", len(base.weights)))
    inputs = uniform("inputs", len(rows) * base.layers[0])
    if output == "softmax":
        targets = [tuple(t[int(j)] for j in rng.permutation(len(t))) for _, t in rows]
    else:
        flat = uniform("targets", len(rows) * base.layers[-1], TARGET_RANGES.get(output))
        targets = [tuple(flat[e * base.layers[-1] : (e + 1) * base.layers[-1]]) for e in range(len(rows))]
    learning_rate = uniform("learning_rate", 1)[0]
    values = uniform("biases", sum(base.layers[n] for n in biased))
    width = base.layers[0]
    drawn = {"weights": weights, "learning_rate": learning_rate,
             "inputs": tuple(tuple(inputs[e * width : (e + 1) * width]) for e in range(len(rows))),
             "targets": tuple(targets)}  # fmt: skip
    drawn = {k: v for k, v in drawn.items() if k in template.vary}
    if "biases" in template.vary:
        for layer in biased:
            size = base.layers[layer]
            mine, values = values[:size], values[size:]
            drawn[f"b{layer}"] = tuple(mine) if per_neuron else (mine[0],) * size
    return drawn


def broken_rule(ex: Exercise) -> str | None:
    """The first of RULES the exercise breaks, in words; None when it meets them all."""
    if any(w == 0 for w in ex.weights):
        return "a weight is zero"
    if any(i == 0 for x, _ in general.rows(ex) for i in x):
        return "an input is zero (its weights' gradients would be zero)"
    if ex.learning_rate <= 0:
        return "the learning rate is not positive"
    a = written_out.plain(ex)
    try:
        values = written_out.values(ex, a, UPDATES)
    except (ArithmeticError, ValueError):
        return "the first update overflows"
    for name in [k for k in values if k.startswith("net_") and "@" not in k]:  # update 1's: the start
        if abs(values[name]) > MAX_NET:
            return f"|{name}| > {MAX_NET:g} at the start"
    before, after = values["E_total"], values["E_total+"]
    if not math.isfinite(after) or abs(after - before) < MIN_CHANGE * abs(before) or before == 0:
        return f"the first update changes E_total by less than {MIN_CHANGE:.1%}"
    return None


def student_exercise(template: Template, seed: int, sid: str) -> Exercise:
    """The student's exercise: the first draw that meets RULES. Bad when none of MAX_DRAWS does."""
    rng = generator(seed, sid)
    reasons = Counter()
    for _ in range(MAX_DRAWS if template.vary else 1):
        ex = template.exercise(**draw(template, rng))
        reason = broken_rule(ex)
        if reason is None:
            return ex
        reasons[reason] += 1
    reason = reasons.most_common(1)[0][0]
    tries = f"in {MAX_DRAWS} draws " if template.vary else "(nothing varies) "
    raise Bad(f"the template's rules cannot be met {tries}for id {sid}: {reason}")


# --- the files -------------------------------------------------------------------------------------


def flat_document(ex: Exercise, description: str | None) -> dict:
    """exercise.json in the flat forms an --example file takes: w1..w8, one row of inputs and targets,
    one number a bias when the layer's two are equal. Another shape: general_document."""
    if ex.is_general():
        return general_document(ex, description)
    doc = {"description": description} if description else {}
    doc.update(
        {
            "inputs": list(ex.inputs),
            "targets": list(ex.targets),
            "weights": dict(zip(WEIGHT_NAMES, ex.weights, strict=True)),
            "b1": ex.b1[0] if ex.b1[0] == ex.b1[1] else list(ex.b1),
            "b2": ex.b2[0] if ex.b2[0] == ex.b2[1] else list(ex.b2),
            "learning_rate": ex.learning_rate,
            "biases": ex.biases,
            "loss": ex.loss,
            "order": written_out.plain(ex).order,
        }
    )
    return doc


def general_document(ex: Exercise, description: str | None) -> dict:
    """exercise.json of another shape in the forms an --example file takes: its layers, activations, loss and
    reduction, a row of inputs and targets (a list of rows with several training examples), the weights w1..wN
    in the post's numbering carried to the shape, one number a layer's bias when its neurons' are equal."""
    rows = general.rows(ex)
    many = len(rows) > 1
    doc = {"description": description} if description else {}
    doc.update({"layers": list(ex.layers), "activations": list(ex.activations), "loss": ex.loss,
                "reduction": ex.reduction,
                "inputs": [list(x) for x, _ in rows] if many else list(rows[0][0]),
                "targets": [list(t) for _, t in rows] if many else list(rows[0][1]),
                "weights": {f"w{i}": w for i, w in enumerate(ex.weights, 1)}})  # fmt: skip
    for layer in range(1, len(ex.layers)):
        b = general.biases_of(ex, layer)
        if b and ex.biases != "none":
            doc[f"b{layer}"] = b[0] if len(set(b)) == 1 else list(b)
    doc.update({"biases": ex.biases, "learning_rate": ex.learning_rate, "order": written_out.plain(ex).order})
    return doc


def task_names(ex: Exercise) -> list[str]:
    """The values the task asks for: those the worked example prints for one update."""
    return [line.key for line in written_out.printed(written_out.lines(ex, written_out.plain(ex), UPDATES))]


def number(v: float) -> str:
    return written_out.given_text(v)


def given_numbers(ex: Exercise) -> dict:
    """The exercise's numbers by name, as the worked example names them (written_out.givens), the learning
    rate last and named learning_rate (the count n of the mse is no number of the exercise)."""
    g = written_out.givens(ex)
    eta = g.pop("η")
    g.pop("n", None)
    g.pop("m", None)  # another shape's count of training examples
    return {**g, "learning_rate": eta}


def sheet_markdown(sid: str, ex: Exercise, description: str | None) -> str:
    out = [f"# Exercise for student {sid}", ""]
    if description:
        out += [description, ""]
    out += ["## The network", "", network_text(ex), f"Weights: {weights_text(ex)}.", "", "| | |", "|---|---|"]
    out += [
        f"| {'η (learning rate)' if k == 'learning_rate' else k} | {number(v)} |" for k, v in given_numbers(ex).items()
    ]
    names = ", ".join(f"`{k}`" for k in task_names(ex))
    out += [
        "",
        "## The task",
        "",
        task_sentence(ex),
        "",
        f"The values: {names}.",
        "",
        WRITE + f" (for example `{write_example(ex)}`).",
    ]
    return "\n".join(out) + "\n"


NETWORK = "A 2-2-2 network: inputs i1, i2; hidden neurons h1, h2; outputs o1, o2; the logistic σ in every neuron."
WRITE = "Write one value a line, `name value`, with the decimals you use"
NAMES = {"i": "inputs", "h": "hidden neurons", "g": "second hidden layer's neurons", "o": "outputs"}


def network_text(ex: Exercise) -> str:
    """The network in a sentence: NETWORK for the post's shape; another's layers, activations, loss, examples."""
    if not ex.is_general():
        return NETWORK
    layers = []
    for layer in range(len(ex.layers)):
        names = general.neurons(ex, layer)
        kind = f" ({ex.activations[layer - 1]})" if layer else ""
        layers.append(f"{NAMES[names[0][0]]} {', '.join(names)}{kind}")
    rows = general.rows(ex)
    many = (f"; {len(rows)} training examples, their losses and gradients "
            f"{'summed' if ex.reduction == 'sum' else 'averaged'}" if len(rows) > 1 else "")  # fmt: skip
    return (f"A {'-'.join(map(str, ex.layers))} network: {'; '.join(layers)}; the loss: "
            f"{general.LOSS_TEXT[ex.loss]}{many}.")  # fmt: skip


def weights_text(ex: Exercise) -> str:
    """Which weight joins which neurons: WEIGHTS_HELP for the post's shape, the post's numbering carried to
    another (row by row of each layer's matrix, destination neuron first, layer after layer)."""
    if not ex.is_general():
        return exercise_module.WEIGHTS_HELP
    return ", ".join(f"{general.weight_name(ex, layer, j, k)} = {below}→{to}"
                     for layer in range(1, len(ex.layers))
                     for j, to in enumerate(general.neurons(ex, layer))
                     for k, below in enumerate(general.neurons(ex, layer - 1)))  # fmt: skip


def write_example(ex: Exercise) -> str:
    """A line as the student writes it: the post's `net_h1 0.3775`, or another shape's first value."""
    if not ex.is_general():
        return "net_h1 0.3775"
    return f"{task_names(ex)[0]} 0.3775"


def task_sentence(ex: Exercise) -> str:
    return (
        f"Compute one update by hand ({written_out.settings_line(ex, written_out.plain(ex))}): the forward pass "
        "(net and out of every neuron), the errors and E_total, every chain-rule factor and dE_total/dw for every "
        "weight, the updated weights, and E_total+, the error after the update."
    )


def latex_escape(text: str) -> str:
    for a, b in (("\\", r"\textbackslash{}"), ("_", r"\_"), ("%", r"\%"), ("&", r"\&"), ("#", r"\#"),
                 ("η", r"$\eta$"), ("σ", r"$\sigma$"), ("→", r"$\to$"), ("½", r"$\frac12$"), ("Σ", r"$\Sigma$"),
                 ("−", "-"), ("…", r"\ldots{}"), ("²", r"$^2$"), ("∂", r"$\partial$"), ("`", "")):  # fmt: skip
        text = text.replace(a, b)
    return text


def sheet_latex(sid: str, ex: Exercise, description: str | None) -> str:
    out = [r"% requires \usepackage{amsmath}", rf"\section*{{Exercise for student {latex_escape(sid)}}}"]
    if description:
        out.append(latex_escape(description))
    weights = latex_escape(f"Weights: {weights_text(ex)}.")
    out += [r"\subsection*{The network}", latex_escape(network_text(ex)), weights, r"\begin{align*}"]
    cells = [f"{written_out.latex_name('η' if k == 'learning_rate' else k)} &= {number(v)}"
             for k, v in given_numbers(ex).items()]  # fmt: skip
    rows = [" & ".join(cells[i : i + 4]) for i in range(0, len(cells), 4)]
    out += [row + r" \\" for row in rows[:-1]] + [rows[-1], r"\end{align*}", r"\subsection*{The task}"]
    names = ", ".join(rf"\texttt{{{latex_escape(k)}}}" for k in task_names(ex))
    out += [latex_escape(task_sentence(ex)), "", f"The values: {names}.", "", latex_escape(WRITE) + "."]
    return "\n".join(out) + "\n"


def class_csv(students: list, exercises: dict) -> str:
    """id, name and the exercise's numbers (given_numbers), a row a student."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    header = list(given_numbers(exercises[students[0][0]]))
    writer.writerow(["id", "name", *header])
    for sid, name in students:
        numbers = given_numbers(exercises[sid])
        writer.writerow([sid, name, *(number(numbers[k]) if k in numbers else "" for k in header)])
    return out.getvalue()


def class_files(template: Template, students: list, seed: int) -> dict:
    """Every file of the class folder, {relative path: text}, nothing written yet; the keys are the worked
    example as `ann_numpy_no_loop.py --example DIR/<id>/exercise.json --format F --iterations 1` prints it."""
    exercises, owner = {}, {}
    for sid, _ in students:
        ex = student_exercise(template, seed, sid)
        numbers = ex.network() + (ex.b3, ex.learning_rate)
        if numbers in owner:
            raise Bad(f"students {owner[numbers]} and {sid} got the same exercise: vary more (vary) or use more "
                      "decimals")  # fmt: skip
        owner[numbers] = sid
        exercises[sid] = ex
    description = template.settings.get("description")
    out = {"class.csv": class_csv(students, exercises)}
    for sid, _ in students:
        ex = exercises[sid]
        doc = flat_document(ex, description)
        out[f"{sid}/exercise.json"] = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
        out[f"{sid}/sheet.md"] = sheet_markdown(sid, ex, description)
        out[f"{sid}/sheet.tex"] = sheet_latex(sid, ex, description)
        for ext, fmt in KEY_FORMATS.items():
            out[f"keys/{sid}/key.{ext}"] = formats.render(ex, written_out.plain(ex), UPDATES, fmt)
    return out


def existing_files(outdir: str) -> set:
    found = set()
    for root, _, names in os.walk(outdir):
        found.update(os.path.relpath(os.path.join(root, n), outdir).replace(os.sep, "/") for n in names)
    return found


def refuse_outdir(outdir: str, wanted, force: bool) -> None:
    """Bad when outdir holds files this run would not write (unless force), or is not a folder."""
    if os.path.exists(outdir) and not os.path.isdir(outdir):
        raise Bad(f"{outdir} is not a folder")
    existing = outdir
    while not os.path.exists(existing) and os.path.dirname(os.path.abspath(existing)) != os.path.abspath(existing):
        existing = os.path.dirname(os.path.abspath(existing))
    if not os.access(existing, os.W_OK | os.X_OK):
        raise Failed(f"cannot write {outdir}: {existing} is not writable; nothing written")
    if os.path.isdir(outdir) and not force:
        other = sorted(existing_files(outdir) - set(wanted))
        if other:
            raise Bad(
                f"{outdir} holds other files ({other[0]}{', …' if len(other) > 1 else ''}); "
                "choose a new folder or give --force"
            )


def write_all(outdir: str, written: dict) -> None:
    """Each file atomically (files.atomic_write), folders made as needed; Failed on the first that cannot be."""
    try:
        for rel, text in written.items():
            target = os.path.join(outdir, *rel.split("/"))
            os.makedirs(os.path.dirname(target), exist_ok=True)
            files.atomic_write(target, text)
    except OSError as exc:
        raise Failed(f"cannot write {outdir}: {exc.strerror or exc}") from None


# --- grading ---------------------------------------------------------------------------------------


@dataclass
class Grade:
    sid: str
    name: str
    status: str
    report: dict | None = None
    feedback: str | None = None  # the text of the feedback file
    counts: dict = field(default_factory=dict)
    score: float | None = None

    def row(self) -> list:
        if self.report is None:
            return [self.sid, self.name, *[""] * 9, self.status]
        c, r = self.counts, self.report
        first = r["first_wrong"]["name"] if r["first_wrong"] else ""
        return [
            self.sid,
            self.name,
            len(r["values"]),
            c["right"],
            c["rounding"],
            c["follows"],
            c["wrong"],
            len(r["unchecked"]),
            first,
            diagnosis_name(r),
            f"{self.score:.3f}",
            self.status,
        ]


def diagnosis_name(report: dict) -> str:
    """The best diagnosis of the first wrong value: the mistake's name (and variant), '' when none."""
    if not report["first_wrong"] or not report["diagnosis"]:
        return ""
    d = report["diagnosis"][0]
    return d["mistake"] + (f" [{d['variant']}]" if d.get("variant") else "")


def score(ex: Exercise, report: dict) -> float:
    """The share of the task's values (task_names) written and right, carried rounding, or wrong only
    because an earlier value is (following): values beyond the task are checked but do not count."""
    task = task_names(ex)
    credited = {v["key"] for v in report["values"] if v["status"] in ("right", "rounding", "follows")}
    return len(credited & set(task)) / len(task)


def read_exercises(folder: str) -> tuple[list, dict]:
    """The roster (class.csv), each student's Exercise (DIR/<id>/exercise.json) and its description."""
    if not os.path.isdir(folder):
        raise Bad(f"{folder} is not a class folder (made by exercises.py generate)")
    roster = os.path.join(folder, "class.csv")
    if not os.path.isfile(roster):
        raise Bad(f"{folder} has no class.csv: not a class folder (made by exercises.py generate)")
    students = read_roster(roster)
    exercises, descriptions = {}, {}
    for sid, _ in students:
        path = os.path.join(folder, sid, "exercise.json")
        try:
            values = exercise_module.read_example(path)
            exercises[sid], descriptions[sid] = as_exercise(values), values.get("description")
        except OSError as exc:
            raise Failed(f"cannot read {path}: {exc.strerror or exc}") from None
        except exercise_module.BadExample as exc:
            raise Bad(str(exc)) from None
    return students, exercises, descriptions


def submissions(folder: str) -> dict:
    """{id: [file names]} of the regular files in folder (hidden files left out)."""
    try:
        names = sorted(os.listdir(folder))
    except OSError as exc:
        raise Failed(f"cannot read {folder}: {exc.strerror or exc}") from None
    found = {}
    for name in names:
        if name.startswith(".") or not os.path.isfile(os.path.join(folder, name)):
            continue
        sid = name.rsplit(".", 1)[0] if "." in name else name
        found.setdefault(sid, []).append(name)
    return found


def grade_one(
    sid: str, name: str, ex: Exercise, folder: str, file_name: str, description: str | None = None, digits: int = 9
) -> Grade:
    """One student's file checked, the report as `ann_numpy_no_loop.py --example DIR/<id>/exercise.json --check
    FILE` prints it (run in the submissions' folder); a file that cannot be read is 'unreadable', with the
    reason as feedback."""
    path = os.path.join(folder, file_name)
    if spreadsheet.is_workbook_path(file_name):  # a spreadsheet: its stored values, found by their labels
        arithmetic = written_out.plain(ex)
        try:
            entries = spreadsheet.read_entries(path, hand_check.known_names(ex, arithmetic, hand_check.MAX_UPDATES),
                                               hand_check.normalise)  # fmt: skip
            report = hand_check.check_text(ex, arithmetic, "", file_name, digits, description=description,
                                           entries=entries)  # fmt: skip
        except (OSError, ValueError, ArithmeticError, spreadsheet.MissingPackage, spreadsheet.NoStoredValues) as exc:
            return Grade(sid, name, "unreadable", feedback=f"{file_name}: unreadable: {exc}\n")
        return graded(sid, name, ex, report)
    try:
        with open(path, "rb") as f:
            data = f.read(files.MAX_INPUT_BYTES + 1)
        if len(data) > files.MAX_INPUT_BYTES:
            raise ValueError(f"longer than {files.MAX_INPUT_BYTES:,} bytes")
        if b"\0" in data:
            raise ValueError("not text (a binary file)")
        text = data.decode("utf-8")
        report = hand_check.check_text(ex, written_out.plain(ex), text, file_name, digits, description=description)
    except (OSError, UnicodeDecodeError, ValueError, ArithmeticError) as exc:
        reason = getattr(exc, "strerror", None) or ("not UTF-8 text" if isinstance(exc, UnicodeDecodeError) else exc)
        return Grade(sid, name, "unreadable", feedback=f"{file_name}: unreadable: {reason}\n")
    return graded(sid, name, ex, report)


def graded(sid: str, name: str, ex: Exercise, report: dict) -> Grade:
    """The Grade of a report; 'unreadable' when it holds no value of the exercise."""
    if not report["values"]:
        return Grade(sid, name, "unreadable", feedback="\n".join(hand_check.report_lines(report)) + "\n")
    counts = Counter(v["status"] for v in report["values"])
    counts = {k: counts[k] for k in ("right", "rounding", "follows", "wrong")}
    return Grade(
        sid, name, "graded", report, "\n".join(hand_check.report_lines(report)) + "\n", counts, score(ex, report)
    )


def grade_class(folder: str, exercises_dir: str, progress=None) -> list[Grade]:
    """A Grade a roster student (roster order), then one an unknown id (sorted)."""
    students, exercises, descriptions = read_exercises(exercises_dir)
    found = submissions(folder)
    roster = dict(students)
    grades = []
    for sid, name in progress(students) if progress else students:
        names = found.get(sid, [])
        if not names:
            grades.append(Grade(sid, name, "missing"))
        elif len(names) > 1:
            grades.append(
                Grade(sid, name, "duplicate", feedback=f"two files for {sid}: {', '.join(names)}; neither was graded\n")
            )
        else:
            grades.append(grade_one(sid, name, exercises[sid], folder, names[0], descriptions[sid]))
    grades += [Grade(sid, "", "unknown id") for sid in sorted(found) if sid not in roster]
    return grades


def grades_csv(grades: list[Grade]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(GRADE_COLUMNS)
    writer.writerows(g.row() for g in grades)
    return out.getvalue()


def summary(grades: list[Grade], most: int = 5) -> list[str]:
    """The class in a few lines: graded, all right, the reasons for no grade, the commonest first mistakes."""
    roster = [g for g in grades if g.status != "unknown id"]
    graded = [g for g in roster if g.status == "graded"]
    statuses = Counter(g.status for g in grades if g.status != "graded")
    out = [
        f"{len(graded)} of {len(roster)} students graded" + "".join(f"; {n} {s}" for s, n in sorted(statuses.items()))
    ]
    right = sum(g.report["ok"] and not g.report["unchecked"] for g in graded)
    out.append(f"every value right (or carried rounding): {right} of {len(graded)}")
    firsts = Counter(
        diagnosis_name(g.report) or f"not diagnosed ({g.report['first_wrong']['name']})"
        for g in graded
        if g.report["first_wrong"]
    )
    if firsts:
        out.append("most common first mistakes:")
        out += [f"  {n:>4}  {mistake}" for mistake, n in sorted(firsts.items(), key=lambda kv: (-kv[1], kv[0]))[:most]]
    return out


def plot(grades: list[Grade]):
    """A figure: the first mistakes by frequency, and the histogram of the scores."""
    from matplotlib.figure import Figure

    graded = [g for g in grades if g.status == "graded"]
    firsts = Counter(diagnosis_name(g.report) or "not diagnosed" for g in graded if g.report["first_wrong"])
    fig = Figure(figsize=(10, 4), layout="constrained")
    left, right = fig.subplots(1, 2)
    pairs = sorted(firsts.items(), key=lambda kv: (-kv[1], kv[0]))
    left.barh([p[0] for p in pairs][::-1], [p[1] for p in pairs][::-1], color="tab:red")
    left.set_title("first mistakes, by frequency")
    left.set_xlabel("students")
    right.hist([g.score for g in graded], bins=np.linspace(0, 1, 11), color="tab:blue", edgecolor="white")
    right.set_title(f"scores of the {len(graded)} students graded")
    right.set_xlabel("score (share of the task's values credited)")
    right.set_ylabel("students")
    return fig
