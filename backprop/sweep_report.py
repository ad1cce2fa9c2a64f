"""sweep.py's reports: a sweep (backprop/sweeps.py) and its summary as text, as the marked blocks of
docs/update-orders.md, as CSV rows and as a JSON document. Nothing here trains."""

from __future__ import annotations

import csv
import io

from backprop import sweeps
from backprop.training import updates

# --- text ----------------------------------------------------------------------------------------


def eta_text(eta) -> str:
    return "—" if eta is None else f"{eta:.4g}"


def none_or_eta(eta) -> str:
    return "none" if eta is None else f"{eta:.4g}"


def pct(fraction: float) -> str:
    """A share in percent: one decimal, two below 1 % (so that 0.04 % does not print as 0.0)."""
    value = 100 * fraction
    return f"{value:.2f}" if 0 < value < 1 else f"{value:.1f}"


def percent(share: dict) -> str:
    low, high = share["ci95"]
    return f"{pct(share['share']):>5} % (95 % CI {pct(low)}–{pct(high)} %)"


def numbers(values) -> str:
    return ", ".join(f"{v:g}" for v in values)


def settings_text(s: sweeps.Sweep) -> str:
    c = s.settings
    n = c.get("network")  # another base network than the post's (sweeps.with_network)
    inputs = "the post's inputs and fixed biases" if n is None else (
        f"the inputs {numbers(n['inputs'])} and fixed biases b1 = {n['b1']:g}, b2 = {n['b2']:g}")  # fmt: skip
    own_targets = "the post's targets" if n is None else f"the targets {numbers(n['targets'])}"
    if s.kind == "grid":
        spread = f"uniform in [−{c['scale']:g}, {c['scale']:g}]" if c["distribution"] == "uniform" else (
            f"normal with sd {c['scale']:g}")  # fmt: skip
        targets = "targets uniform in (0, 1)" if c["random_targets"] else own_targets
        return (f"{c['networks']:,} random starts, w1..w8 {spread} (seed {c['seed']}), {inputs}, "
                f"{targets}, each at {c['num']:,} learning rate{'s' if c['num'] > 1 else ''} log-spaced from "
                f"{c['from']:g} to {c['to']:g}, {c['iterations']:,} updates each")  # fmt: skip
    if s.kind == "learning-rate":
        network = "the post's network (its weights, inputs, targets, fixed biases" if n is None else (
            f"your network (weights {numbers(n['weights'])}, inputs {numbers(n['inputs'])}, targets "
            f"{numbers(n['targets'])}, fixed biases b1 = {n['b1']:g}, b2 = {n['b2']:g}")  # fmt: skip
        return (f"{network}, E = ½ Σ (t − y)²) at "
                f"{c['num']:,} learning rate{'s' if c['num'] > 1 else ''} log-spaced from {c['from']:g} to "
                f"{c['to']:g}, "
                f"{c['iterations']:,} updates each")  # fmt: skip
    spread = f"uniform in [−{c['scale']:g}, {c['scale']:g}]" if c["distribution"] == "uniform" else (
        f"normal with sd {c['scale']:g}")  # fmt: skip
    targets = "targets uniform in (0, 1)" if c["random_targets"] else own_targets
    return (f"{c['networks']:,} random starts, w1..w8 {spread} (seed {c['seed']}), {inputs}, "
            f"{targets}, η = {c['learning_rate']:g}, {c['iterations']:,} updates each")  # fmt: skip


def saturation_text(summary: dict, s: sweeps.Sweep) -> str:
    e, n = summary["saturation_error"], s.settings.get("network")
    targets = "the post's targets 0.01 and 0.99" if n is None else f"the targets {numbers(n['targets'])}"
    return (f"Outputs saturated at exactly 0 and 1 have E = {e:.6g} for {targets}, so an "
            f"error just under {e:.6g} within a few updates at a large η comes from driving the outputs into "
            "saturation, not from fitting the targets more closely.")


def comparison_lines(c: dict, with_intervals: bool) -> list[str]:
    order, against, n = c["order"], c["against"], c["starts"]
    names = {"before": f"{order} first", "after": f"{against} first", "same": "same update",
             f"only_{order}": f"only {order}", f"only_{against}": f"only {against}", "neither": "neither"}  # fmt: skip
    out = [f"{order} against {against}, reaching {sweeps.threshold_name(c['threshold'])} from the same {n:,} starts:"]
    for key, label in names.items():
        share = c["shares"][key]
        tail = percent(share) if with_intervals else f"{100 * share['share']:5.1f} %"
        out.append(f"  {label:<24} {share['count']:>9,}  {tail}")
    if c["median_ratio"] is not None:
        m = c["most_different"]
        weights = " ".join(f"{v:.4f}" for v in m["weights"].values())
        out.append(f"  median of updates {order} / {against}, where both reach it: {c['median_ratio']:.6f}")
        out.append(f"  most different start (|log2 ratio| {abs(m['log2_ratio']):.3f}): η = {m['learning_rate']:g}, "
                   f"w1..w8 = {weights}; {order} {updates(m['updates'][order])}, "
                   f"{against} {updates(m['updates'][against])}")  # fmt: skip
    return out


def text_report(s: sweeps.Sweep, summary: dict) -> str:
    ref = sweeps.threshold_name(summary["reference_threshold"])
    if s.kind == "grid":
        return grid_text(s, summary)
    title = "Learning-rate sweep" if s.kind == "learning-rate" else "Initialisation sweep"
    out = [f"{title}: {settings_text(s)}.", "Iteration N is the state after N updates.", ""]
    if s.kind == "learning-rate":
        names = [sweeps.threshold_name(t) for t in s.result.thresholds]
        out.append("Fewest updates to reach each error level, and the learning rate that takes them")
        out.append(f"{'order':<12}" + "".join(f"{n:>24}" for n in names))
        for order, o in summary["orders"].items():
            cells = ["never" if f is None else f"{f['updates']:,} at η {f['learning_rate']:.4g}"
                     for f in (o["fastest"][n] for n in names)]  # fmt: skip
            out.append(f"{order:<12}" + "".join(f"{c:>24}" for c in cells))
        out += ["", f"{'order':<12} {'largest η reaching ' + ref:>24} {'error first rises from η':>25} "
                f"{'diverges from η':>16}  η ranges missing {ref}"]  # fmt: skip
        for order, o in summary["orders"].items():
            misses = ", ".join(f"{a:.4g}–{b:.4g}" for a, b in o["misses"]) or "none"
            out.append(f"{order:<12} {eta_text(o['largest_reaching']):>24} {eta_text(o['smallest_rising']):>25} "
                       f"{eta_text(o['smallest_diverging']):>16}  {misses}")  # fmt: skip
        out.append("  (the error first rises: some update N with E(N) > E(N − 1) within the run; diverges: a weight "
                   "or the error not finite)")  # fmt: skip
        out.append(f"  {saturation_text(summary, s)}")
    else:
        reached = ", ".join(f"{o} {n:,}" for o, n in summary["reached"].items())
        out.append(f"Starts reaching {ref} within the run: {reached} (of {s.settings['networks']:,})")
    for c in summary["comparisons"]:
        out += ["", *comparison_lines(c, with_intervals=s.kind == "init")]
    if s.kind == "init" and summary["comparisons"]:
        out += ["  (95 % CI: Wilson score intervals over the random starts)"]
    return "\n".join(out) + "\n"


def readme_block(lr: sweeps.Sweep, lr_summary: dict, init: sweeps.Sweep, init_summary: dict, argv_text: str) -> str:
    """docs/update-orders.md's "Does the update order matter?" block: what both sweeps measured, generated."""
    ref = sweeps.threshold_name(lr_summary["reference_threshold"])
    out = [f"Generated by `python sweep.py {argv_text}`; iteration N is the state after N updates.", "",
           f"**Learning rate.** {settings_text(lr)[0].upper() + settings_text(lr)[1:]}.", "",
           f"| order | fewest updates to {ref} (at η) | largest η reaching {ref} | η missing {ref} | error first "
           "rises from η | diverges from η |", "|---|---|---|---|---|---|"]  # fmt: skip
    for order, o in lr_summary["orders"].items():
        f = o["fastest"][ref]
        fastest = "never" if f is None else f"{f['updates']:,} (η {f['learning_rate']:.4g})"
        misses = ", ".join(f"{a:.4g}–{b:.4g}" for a, b in o["misses"]) or "none"
        out.append(f"| {order} | {fastest} | {eta_text(o['largest_reaching'])} | {misses} | "
                   f"{eta_text(o['smallest_rising'])} | {none_or_eta(o['smallest_diverging'])} |")  # fmt: skip
    out += ["", saturation_text(lr_summary, lr), ""]
    for c in lr_summary["comparisons"]:
        sh = c["shares"]
        both = sh["before"]["count"] + sh["after"]["count"] + sh["same"]["count"]
        out.append(f"- {c['order'].capitalize()} against parallel: of the {c['starts']:,} learning rates, both reach "
                   f"{ref} at {both:,}; {c['order']} takes fewer updates at {sh['before']['count']:,}, more at "
                   f"{sh['after']['count']:,}, the same at {sh['same']['count']:,}; only {c['order']} reaches it at "
                   f"{sh['only_' + c['order']]['count']:,}, only parallel at {sh['only_parallel']['count']:,}"
                   + (f"; median ratio of updates {c['median_ratio']:.4f}." if c["median_ratio"] else "."))  # fmt: skip
    reached = ", ".join(f"{o} reaches {ref} from {n:,}" for o, n in init_summary["reached"].items())
    out += ["", f"**Random starts.** {settings_text(init)[0].upper() + settings_text(init)[1:]}; {reached}.", ""]
    comparisons = init_summary["comparisons"]
    if comparisons:
        heads = " | ".join(f"{c['order']} against parallel" for c in comparisons)
        out.append(f"| reaching {ref} | {heads} |")
        out.append("|---" * (len(comparisons) + 1) + "|")
        keys = [("before", "it first"), ("after", "parallel first"), ("same", "same update"), ("only", "only it"),
                ("only_parallel", "only parallel"), ("neither", "neither")]  # fmt: skip
        for key, label in keys:
            cells = []
            for c in comparisons:
                share = c["shares"][f"only_{c['order']}" if key == "only" else key]
                low, high = share["ci95"]
                cells.append(f"{pct(share['share'])} % ({pct(low)}–{pct(high)})")
            out.append(f"| {label} | " + " | ".join(cells) + " |")
        out.append("| median ratio of updates (it / parallel) | " + " | ".join(
            "—" if c["median_ratio"] is None else f"{c['median_ratio']:.4f}" for c in comparisons) + " |")  # fmt: skip
        out += ["", "Shares of the random starts, with 95 % Wilson intervals in brackets; the median is over the "
                "starts where both orders reach the level. These numbers describe this network, these starting "
                "distributions, this learning rate and run length, and nothing beyond them."]  # fmt: skip
    return "\n".join(out) + "\n"


def grid_cell(c: dict) -> str:
    r, d = c["reached"], c["diverged"]
    ratio = "—" if c["median_ratio"] is None else f"{c['median_ratio']:.4f}"
    return f"{pct(r['share'])} % ({pct(r['ci95'][0])}–{pct(r['ci95'][1])}), {pct(d['share'])} %, {ratio}"


def grid_text(s: sweeps.Sweep, summary: dict) -> str:
    ref = sweeps.threshold_name(summary["reference_threshold"])
    out = [f"Order grid: {settings_text(s)}.", "Iteration N is the state after N updates.", "",
           f"Per learning rate and order: the share of starts reaching {ref} (95 % Wilson interval), the share "
           f"diverged, and the median of updates to {ref} relative to parallel (where both reach it)", ""]  # fmt: skip
    width = max(len(grid_cell(c)) for c in summary["cells"]) + 2
    out.append(f"{'η':>10}" + "".join(f"{order:>{width}}" for order in s.orders))
    cells = summary["cells"]
    for i in range(0, len(cells), len(s.orders)):
        row = cells[i : i + len(s.orders)]
        out.append(f"{row[0]['learning_rate']:>10.4g}" + "".join(f"{grid_cell(c):>{width}}" for c in row))
    out += ["", *parting_lines(summary, ref)]
    return "\n".join(out) + "\n"


def parting_lines(summary: dict, ref: str) -> list[str]:
    """Where each order parts from parallel: the learning rates whose shares reaching ref have 95 %
    intervals apart, and which way."""
    out = []
    for order, parts in summary["parting"].items():
        if not parts:
            out.append(f"{order.capitalize()} and parallel: the shares reaching {ref} agree (95 % intervals overlap) "
                       "at every learning rate.")  # fmt: skip
            continue
        more = [p["learning_rate"] for p in parts if p["more"]]
        fewer = [p["learning_rate"] for p in parts if not p["more"]]
        said = []
        for etas, way in ((more, "more"), (fewer, "fewer")):
            if etas:
                said.append(f"{way} of its starts reach {ref} than with parallel at η = "
                            + ", ".join(f"{eta:.4g}" for eta in etas))  # fmt: skip
        out.append(f"{order.capitalize()} parts from parallel from η = {parts[0]['learning_rate']:.4g}: "
                   + "; ".join(said) + " (95 % intervals apart).")  # fmt: skip
    return out


def grid_readme_block(s: sweeps.Sweep, summary: dict, argv_text: str) -> str:
    ref = sweeps.threshold_name(summary["reference_threshold"])
    out = [f"Generated by `python sweep.py {argv_text}`; iteration N is the state after N updates.", "",
           f"**Learning rate × random starts.** {settings_text(s)[0].upper() + settings_text(s)[1:]}.", "",
           "| η | " + " | ".join(s.orders) + " |", "|---" * (len(s.orders) + 1) + "|"]  # fmt: skip
    cells = summary["cells"]
    for i in range(0, len(cells), len(s.orders)):
        row = cells[i : i + len(s.orders)]
        out.append(f"| {row[0]['learning_rate']:.4g} | " + " | ".join(grid_cell(c) for c in row) + " |")
    out += ["", f"Each cell: the share of the starts reaching {ref} within the run (95 % Wilson interval), the "
            f"share diverged, and the median of updates to {ref} relative to parallel over the starts where both "
            "reach it.", "", *parting_lines(summary, ref)]  # fmt: skip
    return "\n".join(out) + "\n"


def csv_text(s: sweeps.Sweep) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    grid = s.kind == "grid"  # one row per learning rate and order; the others, one per network and order
    writer.writerow(sweeps.GRID_COLUMNS if grid else sweeps.columns(s))
    for row in sweeps.grid_rows(sweeps.summary(s)) if grid else sweeps.rows(s):
        writer.writerow(["" if v is None else repr(v) if isinstance(v, float) else v for v in row])
    return out.getvalue()


def json_document(s: sweeps.Sweep, summary: dict) -> dict:
    return {
        "sweep": s.kind, "settings": {**s.settings, "orders": list(s.orders),
                                      "thresholds": [sweeps.threshold_name(t) for t in s.result.thresholds]},
        "counting": "iteration N is the state after N weight updates; iteration 0 is the initial weights",
        "summary": summary, "columns": sweeps.GRID_COLUMNS if s.kind == "grid" else sweeps.columns(s),
        "rows": list(sweeps.grid_rows(summary) if s.kind == "grid" else sweeps.rows(s)),
    }  # fmt: skip


def json_safe(value):
    """Threshold keys as their short names; floats that are not finite as null."""
    if isinstance(value, dict):
        return {sweeps.threshold_name(k) if isinstance(k, float) else k: json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if isinstance(value, float) and value != value:
        return None
    return value
