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

from backprop import cli, published
from backprop.training import COUNTING
from backprop.worked_example import INPUT, W1_INIT, W2_INIT, WEIGHT_NAMES, error, forward, step

PUBLISHED = published.POST_FIRST_UPDATE
NOTES = {
    "E_total after": "the post's figure is the sequential update's (see analyze_convergence.py)",
}


def one_iteration(w1, w2):
    """One parallel update at the post's settings (worked_example.step), as the post writes it out.

    Returns the Step and a list of (section, name, formula, value) in the post's order.
    """
    s = step("parallel", w1, w2)
    i1, i2 = INPUT
    w5 = s.W2_for_hidden[0, 0]  # the original w5 (the parallel order)
    lines = []

    def show(section, *named):
        lines.extend((section, name, formula, float(value)) for name, formula, value in named)

    show("The forward pass",
         ("net_h1", "w1*i1 + w2*i2 + b1*1", s.net_h[0]), ("out_h1", "1/(1 + e^-net_h1)", s.out_h[0]),
         ("net_h2", "w3*i1 + w4*i2 + b1*1", s.net_h[1]), ("out_h2", "1/(1 + e^-net_h2)", s.out_h[1]),
         ("net_o1", "w5*out_h1 + w6*out_h2 + b2*1", s.net_o[0]), ("out_o1", "1/(1 + e^-net_o1)", s.out_o[0]),
         ("net_o2", "w7*out_h1 + w8*out_h2 + b2*1", s.net_o[1]), ("out_o2", "1/(1 + e^-net_o2)", s.out_o[1]))
    show("Calculating the total error",
         ("E_o1", "½(target_o1 − out_o1)²", s.E_o[0]), ("E_o2", "½(target_o2 − out_o2)²", s.E_o[1]),
         ("E_total", "E_o1 + E_o2", s.E_total))
    show("The backwards pass: output layer",
         ("dE_total/dout_o1", "−(target_o1 − out_o1)", s.dE_dout_o[0]),
         ("dout_o1/dnet_o1", "out_o1(1 − out_o1)", s.dout_o_dnet_o[0]),
         ("dnet_o1/dw5", "out_h1", s.out_h[0]),
         ("dE_total/dw5", "dE_total/dout_o1 * dout_o1/dnet_o1 * out_h1", s.dE_dW2[0, 0]),
         ("dE_total/dw6", "dE_total/dout_o1 * dout_o1/dnet_o1 * out_h2", s.dE_dW2[0, 1]),
         ("dE_total/dout_o2", "−(target_o2 − out_o2)", s.dE_dout_o[1]),
         ("dout_o2/dnet_o2", "out_o2(1 − out_o2)", s.dout_o_dnet_o[1]),
         ("dE_total/dw7", "dE_total/dout_o2 * dout_o2/dnet_o2 * out_h1", s.dE_dW2[1, 0]),
         ("dE_total/dw8", "dE_total/dout_o2 * dout_o2/dnet_o2 * out_h2", s.dE_dW2[1, 1]),
         *((f"w{k}+", f"w{k} − η * dE_total/dw{k}", v) for k, v in zip((5, 6, 7, 8), s.w2.ravel(), strict=True)))
    show("The backwards pass: hidden layer (with the original w5..w8)",
         ("dE_o1/dnet_o1", "dE_total/dout_o1 * dout_o1/dnet_o1", s.delta_o[0]),
         ("dE_o2/dnet_o2", "dE_total/dout_o2 * dout_o2/dnet_o2", s.delta_o[1]),
         ("dnet_o1/dout_h1", "w5", w5),
         ("dE_o1/dout_h1", "dE_o1/dnet_o1 * w5", s.dE_o_dout_h[0, 0]),
         ("dE_o2/dout_h1", "dE_o2/dnet_o2 * w7", s.dE_o_dout_h[1, 0]),
         ("dE_total/dout_h1", "dE_o1/dout_h1 + dE_o2/dout_h1", s.dE_dout_h[0]),
         ("dout_h1/dnet_h1", "out_h1(1 − out_h1)", s.dout_h_dnet_h[0]),
         ("dnet_h1/dw1", "i1", i1),
         ("dE_total/dw1", "dE_total/dout_h1 * dout_h1/dnet_h1 * i1", s.dE_dW1[0, 0]),
         ("dE_total/dw2", "dE_total/dout_h1 * dout_h1/dnet_h1 * i2", s.dE_dW1[0, 1]),
         ("dE_o1/dout_h2", "dE_o1/dnet_o1 * w6", s.dE_o_dout_h[0, 1]),
         ("dE_o2/dout_h2", "dE_o2/dnet_o2 * w8", s.dE_o_dout_h[1, 1]),
         ("dE_total/dout_h2", "dE_o1/dout_h2 + dE_o2/dout_h2", s.dE_dout_h[1]),
         ("dout_h2/dnet_h2", "out_h2(1 − out_h2)", s.dout_h_dnet_h[1]),
         ("dE_total/dw3", "dE_total/dout_h2 * dout_h2/dnet_h2 * i1", s.dE_dW1[1, 0]),
         ("dE_total/dw4", "dE_total/dout_h2 * dout_h2/dnet_h2 * i2", s.dE_dW1[1, 1]),
         *((f"w{k}+", f"w{k} − η * dE_total/dw{k}", v) for k, v in zip((1, 2, 3, 4), s.w1.ravel(), strict=True)),
         )  # fmt: skip
    return s, lines


def worked_example():
    """Both iterations: a list of two dicts, each {"lines": [...], "weights": {...}, "error_after": E}."""
    w1, w2, iterations = W1_INIT, W2_INIT, []
    for _ in range(2):
        s, lines = one_iteration(w1, w2)
        w1, w2 = s.w1, s.w2
        weights = dict(zip(WEIGHT_NAMES, map(float, [*w1.ravel(), *w2.ravel()]), strict=True))
        iterations.append({"lines": lines, "weights": weights, "error_after": error(forward(w1, w2)[1])})
    return iterations


def compare(name, value):
    """' blog 0.593269992 ✓' when the post publishes this value, else ''."""
    if name not in PUBLISHED:
        return ""
    figure = PUBLISHED[name]
    mark = "✓" if published.agrees(value, figure) else "✗ " + NOTES.get(name, "")
    return f"   blog {figure:>12} {mark}".rstrip()


def report(example) -> list[str]:
    out = [
        "Mazur's worked example, parallel updates (gradient descent), learning rate 0.5, "
        "biases fixed (b1 = 0.35, b2 = 0.60), E = ½ Σ (t − y)²",
        COUNTING + ".",
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
            "counting": COUNTING,
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
    cli.run(main, "ann_numpy_no_loop.py")
