"""An independent reference for the written-out worked example of any 2-2-2 exercise, and for
the common mistakes a hand calculation makes: plain Python, floats and math.exp, no NumPy
and nothing from the project. One update a call, every value under the name that
ann_numpy_no_loop.py prints.

Weights w = [w1, ..., w8] in the post's forward-pass numbering (w2 = i2→h1, w3 = i1→h2).
Biases b1 = [b1 of h1, b1 of h2], b2 = [b2 of o1, b2 of o2].
"""

import math

POST = dict(x=(0.05, 0.10), t=(0.01, 0.99), w=(0.15, 0.20, 0.25, 0.30, 0.40, 0.45, 0.50, 0.55),
            b1=(0.35, 0.35), b2=(0.60, 0.60), eta=0.5)  # fmt: skip
C = {"half-sse": 1.0, "sse": 2.0, "mse": 1.0}  # E = (C/2) Σ (t − out)²; mse is the mean over 2 outputs


def sigma(z):
    return 1.0 / (1.0 + math.exp(-z))


def bias_names(layer, b, biases):
    neurons = ("h1", "h2") if layer == "b1" else ("o1", "o2")
    if biases == "per-neuron" or b[0] != b[1]:
        return [f"{layer}[{n}]" for n in neurons]
    return [layer, layer]


def bias_step(v, layer, names, b, deltas, step):
    """A trained layer bias: its gradient (Σ delta for one bias, delta per neuron) and its new value,
    written into v; returns the new bias per neuron."""
    if names[0] == names[1]:
        v[f"dE_total/d{layer}"] = deltas[0] + deltas[1]
        new = [b[0] - step * v[f"dE_total/d{layer}"]] * 2
    else:
        for name, delta in zip(names, deltas, strict=True):
            v[f"dE_total/d{name}"] = delta
        new = [b[0] - step * deltas[0], b[1] - step * deltas[1]]
    for name, value in zip(names, new, strict=True):
        v[f"{name}+"] = value
    return new


def one_update(x, t, w, b1, b2, eta, order, biases, loss, mistake=None):
    """(values of one update by name, w after, b1 after, b2 after), made with `mistake` (or none)."""
    i1, i2 = x
    t1, t2 = t
    w1, w2, w3, w4, w5, w6, w7, w8 = w
    c = C[loss]
    v = {}
    # Where the student puts w2 and w3: the post's hidden-layer numbering reads i2→h1 as w3.
    on_h1_i2, on_h2_i1 = (w3, w2) if mistake == "w2-w3-swapped" else (w2, w3)
    v["net_h1"] = w1 * i1 + on_h1_i2 * i2 + b1[0]
    v["out_h1"] = sigma(v["net_h1"])
    v["net_h2"] = on_h2_i1 * i1 + w4 * i2 + b1[1]
    v["out_h2"] = sigma(v["net_h2"])
    v["net_o1"] = w5 * v["out_h1"] + w6 * v["out_h2"] + b2[0]
    v["out_o1"] = sigma(v["net_o1"])
    v["net_o2"] = w7 * v["out_h1"] + w8 * v["out_h2"] + b2[1]
    v["out_o2"] = sigma(v["net_o2"])
    half = 1.0 if mistake == "loss-factor" else 0.5  # the ½ dropped: E and its derivative doubled
    v["E_o1"] = half * c * (t1 - v["out_o1"]) ** 2
    v["E_o2"] = half * c * (t2 - v["out_o2"]) ** 2
    v["E_total"] = v["E_o1"] + v["E_o2"]

    sign = 1.0 if mistake == "error-sign" else -1.0
    for o, target, out, net in (("o1", t1, v["out_o1"], v["net_o1"]), ("o2", t2, v["out_o2"], v["net_o2"])):
        v[f"dE_total/dout_{o}"] = sign * 2 * half * c * (target - out)
        v[f"dout_{o}/dnet_{o}"] = net * (1 - net) if mistake == "sigmoid-derivative-of-net" else out * (1 - out)
    delta_o1 = v["dE_total/dout_o1"] * (1.0 if mistake == "output-derivative-missing" else v["dout_o1/dnet_o1"])
    delta_o2 = v["dE_total/dout_o2"] * (1.0 if mistake == "output-derivative-missing" else v["dout_o2/dnet_o2"])
    v["dnet_o1/dw5"] = v["out_h1"]
    v["dE_total/dw5"], v["dE_total/dw6"] = delta_o1 * v["out_h1"], delta_o1 * v["out_h2"]
    v["dE_total/dw7"], v["dE_total/dw8"] = delta_o2 * v["out_h1"], delta_o2 * v["out_h2"]
    step = 1.0 if mistake == "learning-rate" else eta  # η left out of the step
    new = {f"w{k}": wk - step * v[f"dE_total/dw{k}"] for k, wk in zip((5, 6, 7, 8), (w5, w6, w7, w8), strict=True)}

    trained = biases != "fixed"
    if mistake == "biases-updated":
        trained = not trained
        biases = "shared" if trained else "fixed"
    names1, names2 = bias_names("b1", b1, biases), bias_names("b2", b2, biases)
    new_b2 = bias_step(v, "b2", names2, b2, (delta_o1, delta_o2), step) if trained else list(b2)
    for k in (5, 6, 7, 8):
        v[f"w{k}+"] = new[f"w{k}"]

    parallel = order == "parallel"
    if mistake in ("updated-output-weights", "original-output-weights"):
        parallel = not parallel
    u5, u6, u7, u8 = (w5, w6, w7, w8) if parallel else (new["w5"], new["w6"], new["w7"], new["w8"])
    v["dE_o1/dnet_o1"], v["dE_o2/dnet_o2"] = delta_o1, delta_o2
    v["dnet_o1/dout_h1"] = u5
    for h, (a, b), out, net in (("h1", (u5, u7), v["out_h1"], v["net_h1"]), ("h2", (u6, u8), v["out_h2"], v["net_h2"])):
        v[f"dE_o1/dout_{h}"] = delta_o1 * a
        v[f"dE_o2/dout_{h}"] = delta_o2 * b
        only_o1 = mistake == "one-output-only"
        v[f"dE_total/dout_{h}"] = v[f"dE_o1/dout_{h}"] + (0.0 if only_o1 else v[f"dE_o2/dout_{h}"])
        v[f"dout_{h}/dnet_{h}"] = net * (1 - net) if mistake == "sigmoid-derivative-of-net" else out * (1 - out)
    delta_h1 = v["dE_total/dout_h1"] * v["dout_h1/dnet_h1"]
    delta_h2 = v["dE_total/dout_h2"] * v["dout_h2/dnet_h2"]
    v["dE_total/dnet_h1"], v["dE_total/dnet_h2"] = delta_h1, delta_h2  # checked by --check, not printed
    v["dnet_h1/dw1"] = i1
    v["dE_total/dw1"] = delta_h1 * i1
    # The weight the student calls w2 sits on i1→h2 when the numbering is swapped.
    v["dE_total/dw2"] = delta_h2 * i1 if mistake == "w2-w3-swapped" else delta_h1 * i2
    v["dE_total/dw3"] = delta_h1 * i2 if mistake == "w2-w3-swapped" else delta_h2 * i1
    v["dE_total/dw4"] = delta_h2 * i2
    for k, wk in zip((1, 2, 3, 4), (w1, w2, w3, w4), strict=True):
        v[f"w{k}+"] = wk - step * v[f"dE_total/dw{k}"]
    new_b1 = bias_step(v, "b1", names1, b1, (delta_h1, delta_h2), step) if trained else list(b1)
    w_after = tuple(v[f"w{k}+"] for k in range(1, 9))
    # The error after the update, at the student's new weights (in the student's numbering).
    a1, a2, a3, a4, a5, a6, a7, a8 = w_after
    on_h1_i2, on_h2_i1 = (a3, a2) if mistake == "w2-w3-swapped" else (a2, a3)
    h1 = sigma(a1 * i1 + on_h1_i2 * i2 + new_b1[0])
    h2 = sigma(on_h2_i1 * i1 + a4 * i2 + new_b1[1])
    o1, o2 = sigma(a5 * h1 + a6 * h2 + new_b2[0]), sigma(a7 * h1 + a8 * h2 + new_b2[1])
    v["E_total+"] = half * c * ((t1 - o1) ** 2 + (t2 - o2) ** 2)
    return v, w_after, tuple(new_b1), tuple(new_b2)


def example(x, t, w, b1, b2, eta, order="parallel", biases="fixed", loss="half-sse", updates=2, mistake=None):
    """Every value of `updates` updates by name (update k > 1 with the suffix @k)."""
    values = {}
    for k in range(1, updates + 1):
        v, w, b1, b2 = one_update(x, t, w, b1, b2, eta, order, biases, loss, mistake)
        values.update({(name if k == 1 else f"{name}@{k}"): value for name, value in v.items()})
    return values
