"""The blog's worked example written out: two parallel updates, no loop, every number.

Prints, in the order of Mazur's post, every intermediate value of the first two
iterations of gradient descent (parallel updates) on the 2-2-2 network: the net
input and output of each neuron, E_o1, E_o2, E_total, each chain-rule factor,
dE_total/dw for all eight weights and every updated weight. Where the post
publishes a value, the line shows it beside ours rounded as the post rounds,
with ✓ when they agree and ✗ when they do not.

Iteration N is the state after N weight updates; iteration 0 is the initial weights.

examples:
  python ann_numpy_no_loop.py
  python ann_numpy_no_loop.py --json       # every value as one JSON document
"""

import json
import math
import sys

import cli
import mazur

# What the post prints for the first update, as printed (the digits matter: ours are
# rounded to the same number of decimals before comparing).
PUBLISHED = {
    "net_h1": "0.3775",
    "out_h1": "0.593269992",
    "out_h2": "0.596884378",
    "net_o1": "1.105905967",
    "out_o1": "0.75136507",
    "out_o2": "0.772928465",
    "E_o1": "0.274811083",
    "E_o2": "0.023560026",
    "E_total": "0.298371109",
    "dE_total/dout_o1": "0.74136507",
    "dout_o1/dnet_o1": "0.186815602",
    "dnet_o1/dw5": "0.593269992",
    "dE_total/dw5": "0.082167041",
    "w5+": "0.35891648",
    "w6+": "0.408666186",
    "w7+": "0.511301270",
    "w8+": "0.561370121",
    "dE_o1/dnet_o1": "0.138498562",
    "dnet_o1/dout_h1": "0.40",
    "dE_o1/dout_h1": "0.055399425",
    "dE_o2/dout_h1": "-0.019049119",
    "dE_total/dout_h1": "0.036350306",
    "dout_h1/dnet_h1": "0.241300709",
    "dnet_h1/dw1": "0.05",
    "dE_total/dw1": "0.000438568",
    "w1+": "0.149780716",
    "w2+": "0.19956143",
    "w3+": "0.24975114",
    "w4+": "0.29950229",
    "E_total after": "0.291027924",
}
NOTES = {
    "E_total after": "the post's figure is the sequential update's (see analyze_convergence.py)",
}


def sigmoid(net):
    return 1 / (1 + math.exp(-net))


def one_iteration(w, i1, i2, target_o1, target_o2, b1, b2, eta):
    """One parallel update in the post's names. w maps "w1".."w8" to numbers.

    Returns the updated weights and a list of (section, name, formula, value).
    """
    w1, w2, w3, w4, w5, w6, w7, w8 = (w[name] for name in mazur.WEIGHT_NAMES)
    lines = []

    def show(section, name, formula, value):
        lines.append((section, name, formula, value))
        return value

    s = "The forward pass"
    net_h1 = show(s, "net_h1", "w1*i1 + w2*i2 + b1*1", w1 * i1 + w2 * i2 + b1 * 1)
    out_h1 = show(s, "out_h1", "1/(1 + e^-net_h1)", sigmoid(net_h1))
    net_h2 = show(s, "net_h2", "w3*i1 + w4*i2 + b1*1", w3 * i1 + w4 * i2 + b1 * 1)
    out_h2 = show(s, "out_h2", "1/(1 + e^-net_h2)", sigmoid(net_h2))
    net_o1 = show(s, "net_o1", "w5*out_h1 + w6*out_h2 + b2*1", w5 * out_h1 + w6 * out_h2 + b2 * 1)
    out_o1 = show(s, "out_o1", "1/(1 + e^-net_o1)", sigmoid(net_o1))
    net_o2 = show(s, "net_o2", "w7*out_h1 + w8*out_h2 + b2*1", w7 * out_h1 + w8 * out_h2 + b2 * 1)
    out_o2 = show(s, "out_o2", "1/(1 + e^-net_o2)", sigmoid(net_o2))

    s = "Calculating the total error"
    E_o1 = show(s, "E_o1", "½(target_o1 − out_o1)²", 0.5 * (target_o1 - out_o1) ** 2)
    E_o2 = show(s, "E_o2", "½(target_o2 − out_o2)²", 0.5 * (target_o2 - out_o2) ** 2)
    show(s, "E_total", "E_o1 + E_o2", E_o1 + E_o2)

    s = "The backwards pass: output layer"
    dE_total_dout_o1 = show(s, "dE_total/dout_o1", "−(target_o1 − out_o1)", -(target_o1 - out_o1))
    dout_o1_dnet_o1 = show(s, "dout_o1/dnet_o1", "out_o1(1 − out_o1)", out_o1 * (1 - out_o1))
    dnet_o1_dw5 = show(s, "dnet_o1/dw5", "out_h1", out_h1)
    dE_dw5 = show(s, "dE_total/dw5", "dE_total/dout_o1 * dout_o1/dnet_o1 * out_h1",
                  dE_total_dout_o1 * dout_o1_dnet_o1 * dnet_o1_dw5)  # fmt: skip
    dE_dw6 = show(s, "dE_total/dw6", "dE_total/dout_o1 * dout_o1/dnet_o1 * out_h2",
                  dE_total_dout_o1 * dout_o1_dnet_o1 * out_h2)  # fmt: skip
    dE_total_dout_o2 = show(s, "dE_total/dout_o2", "−(target_o2 − out_o2)", -(target_o2 - out_o2))
    dout_o2_dnet_o2 = show(s, "dout_o2/dnet_o2", "out_o2(1 − out_o2)", out_o2 * (1 - out_o2))
    dE_dw7 = show(s, "dE_total/dw7", "dE_total/dout_o2 * dout_o2/dnet_o2 * out_h1",
                  dE_total_dout_o2 * dout_o2_dnet_o2 * out_h1)  # fmt: skip
    dE_dw8 = show(s, "dE_total/dw8", "dE_total/dout_o2 * dout_o2/dnet_o2 * out_h2",
                  dE_total_dout_o2 * dout_o2_dnet_o2 * out_h2)  # fmt: skip
    new = {}
    new["w5"] = show(s, "w5+", "w5 − η * dE_total/dw5", w5 - eta * dE_dw5)
    new["w6"] = show(s, "w6+", "w6 − η * dE_total/dw6", w6 - eta * dE_dw6)
    new["w7"] = show(s, "w7+", "w7 − η * dE_total/dw7", w7 - eta * dE_dw7)
    new["w8"] = show(s, "w8+", "w8 − η * dE_total/dw8", w8 - eta * dE_dw8)

    s = "The backwards pass: hidden layer (with the original w5..w8)"
    dE_o1_dnet_o1 = show(s, "dE_o1/dnet_o1", "dE_total/dout_o1 * dout_o1/dnet_o1",
                         dE_total_dout_o1 * dout_o1_dnet_o1)  # fmt: skip
    dE_o2_dnet_o2 = show(s, "dE_o2/dnet_o2", "dE_total/dout_o2 * dout_o2/dnet_o2",
                         dE_total_dout_o2 * dout_o2_dnet_o2)  # fmt: skip
    dnet_o1_dout_h1 = show(s, "dnet_o1/dout_h1", "w5", w5)
    dE_o1_dout_h1 = show(s, "dE_o1/dout_h1", "dE_o1/dnet_o1 * w5", dE_o1_dnet_o1 * dnet_o1_dout_h1)
    dE_o2_dout_h1 = show(s, "dE_o2/dout_h1", "dE_o2/dnet_o2 * w7", dE_o2_dnet_o2 * w7)
    dE_total_dout_h1 = show(s, "dE_total/dout_h1", "dE_o1/dout_h1 + dE_o2/dout_h1", dE_o1_dout_h1 + dE_o2_dout_h1)
    dout_h1_dnet_h1 = show(s, "dout_h1/dnet_h1", "out_h1(1 − out_h1)", out_h1 * (1 - out_h1))
    dnet_h1_dw1 = show(s, "dnet_h1/dw1", "i1", i1)
    dE_dw1 = show(s, "dE_total/dw1", "dE_total/dout_h1 * dout_h1/dnet_h1 * i1",
                  dE_total_dout_h1 * dout_h1_dnet_h1 * dnet_h1_dw1)  # fmt: skip
    dE_dw2 = show(s, "dE_total/dw2", "dE_total/dout_h1 * dout_h1/dnet_h1 * i2",
                  dE_total_dout_h1 * dout_h1_dnet_h1 * i2)  # fmt: skip
    dE_o1_dout_h2 = show(s, "dE_o1/dout_h2", "dE_o1/dnet_o1 * w6", dE_o1_dnet_o1 * w6)
    dE_o2_dout_h2 = show(s, "dE_o2/dout_h2", "dE_o2/dnet_o2 * w8", dE_o2_dnet_o2 * w8)
    dE_total_dout_h2 = show(s, "dE_total/dout_h2", "dE_o1/dout_h2 + dE_o2/dout_h2", dE_o1_dout_h2 + dE_o2_dout_h2)
    dout_h2_dnet_h2 = show(s, "dout_h2/dnet_h2", "out_h2(1 − out_h2)", out_h2 * (1 - out_h2))
    dE_dw3 = show(s, "dE_total/dw3", "dE_total/dout_h2 * dout_h2/dnet_h2 * i1",
                  dE_total_dout_h2 * dout_h2_dnet_h2 * i1)  # fmt: skip
    dE_dw4 = show(s, "dE_total/dw4", "dE_total/dout_h2 * dout_h2/dnet_h2 * i2",
                  dE_total_dout_h2 * dout_h2_dnet_h2 * i2)  # fmt: skip
    new["w1"] = show(s, "w1+", "w1 − η * dE_total/dw1", w1 - eta * dE_dw1)
    new["w2"] = show(s, "w2+", "w2 − η * dE_total/dw2", w2 - eta * dE_dw2)
    new["w3"] = show(s, "w3+", "w3 − η * dE_total/dw3", w3 - eta * dE_dw3)
    new["w4"] = show(s, "w4+", "w4 − η * dE_total/dw4", w4 - eta * dE_dw4)
    return {name: new[name] for name in mazur.WEIGHT_NAMES}, lines


def error_after(w, i1, i2, target_o1, target_o2, b1, b2):
    """E_total at weights w, written out like the forward pass above."""
    out_h1 = sigmoid(w["w1"] * i1 + w["w2"] * i2 + b1)
    out_h2 = sigmoid(w["w3"] * i1 + w["w4"] * i2 + b1)
    out_o1 = sigmoid(w["w5"] * out_h1 + w["w6"] * out_h2 + b2)
    out_o2 = sigmoid(w["w7"] * out_h1 + w["w8"] * out_h2 + b2)
    return 0.5 * (target_o1 - out_o1) ** 2 + 0.5 * (target_o2 - out_o2) ** 2


def worked_example():
    """Both iterations: a list of two dicts, each {"lines": [...], "weights": {...}, "error_after": E}."""
    i1, i2 = mazur.INPUT
    target_o1, target_o2 = mazur.TARGET
    b1, b2, eta = mazur.B1_INIT, mazur.B2_INIT, mazur.LEARNING_RATE
    w0 = dict(zip(mazur.WEIGHT_NAMES, [*mazur.W1_INIT.ravel(), *mazur.W2_INIT.ravel()], strict=True))
    w_1, lines_1 = one_iteration(w0, i1, i2, target_o1, target_o2, b1, b2, eta)
    w_2, lines_2 = one_iteration(w_1, i1, i2, target_o1, target_o2, b1, b2, eta)
    return [
        {"lines": lines_1, "weights": w_1, "error_after": error_after(w_1, i1, i2, target_o1, target_o2, b1, b2)},
        {"lines": lines_2, "weights": w_2, "error_after": error_after(w_2, i1, i2, target_o1, target_o2, b1, b2)},
    ]


def compare(name, value):
    """' blog 0.593269992 ✓' when the post publishes this value, else ''."""
    if name not in PUBLISHED:
        return ""
    published = PUBLISHED[name]
    decimals = len(published.split(".")[1])
    ours = f"{value:.{decimals}f}"
    mark = "✓" if float(ours) == float(published) else "✗ " + NOTES.get(name, "")
    return f"   blog {published:>12} {mark}".rstrip()


def report(example) -> list[str]:
    out = [
        "Mazur's worked example, parallel updates (gradient descent), learning rate 0.5, "
        "biases fixed (b1 = 0.35, b2 = 0.60), E = ½ Σ (t − y)²",
        mazur.COUNTING + ".",
    ]
    for n, it in enumerate(example, start=1):
        out += ["", f"=== update {n}: from iteration {n - 1} to iteration {n} ==="]
        section = None
        for sec, name, formula, value in it["lines"]:
            if sec != section:
                out += [f"-- {sec}"]
                section = sec
            shown = compare(name, value) if n == 1 else ""
            out.append(f"  {name:<17} = {formula:<45} = {value: .12f}{shown}")
        after = compare("E_total after", it["error_after"]) if n == 1 else ""
        out.append(f"  E_total after update {n} (iteration {n}) = {it['error_after']: .12f}{after}")
    return out


def main(argv=None) -> int:
    parser = cli.ArgumentParser("ann_numpy_no_loop.py", __doc__)
    parser.add_argument("--json", action="store_true", help="print every value as one JSON document")
    args = parser.parse_args(argv)
    example = worked_example()
    if args.json:
        document = {
            "counting": mazur.COUNTING,
            "iterations": [
                {
                    "update": n,
                    "values": {name: value for _, name, _, value in it["lines"]},
                    "weights_after": it["weights"],
                    "error_after": it["error_after"],
                }
                for n, it in enumerate(example, start=1)
            ],
            "published": PUBLISHED,
        }
        print(json.dumps(document, indent=2, ensure_ascii=False))
    else:
        print("\n".join(report(example)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
