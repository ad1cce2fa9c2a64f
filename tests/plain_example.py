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
    """(values of one update by name, w after, b1 after, b2 after), made with `mistake` (or none; two
    mistakes at once as "one+two")."""
    made = set(mistake.split("+")) if mistake else set()
    variant = {m.split("/")[0]: (m.split("/") + [""])[1] for m in made}  # "bias-dropped/hidden": its variant
    i1, i2 = x
    t1, t2 = t
    if "targets-swapped" in made:  # the student reads t1 as o2's target and t2 as o1's
        t1, t2 = t2, t1
    if "targets-rounded" in made:  # 0.01 written as 0, 0.99 as 1
        t1, t2 = float(round(t1)), float(round(t2))
    w1, w2, w3, w4, w5, w6, w7, w8 = w
    c = C[loss]
    v = {}
    # The net inputs without a bias: "bias-dropped/hidden", "/output" or "/both".
    drop = variant.get("bias-dropped", "")
    bh = (0.0, 0.0) if drop in ("hidden", "both") else b1  # the biases the nets use
    bo = (0.0, 0.0) if drop in ("output", "both") else b2
    # Where the student puts w2 and w3: the post's hidden-layer numbering reads i2→h1 as w3.
    on_h1_i2, on_h2_i1 = (w3, w2) if "w2-w3-swapped" in made else (w2, w3)
    # Which named weight sits on h2→o1 and on h1→o2: transposed, w7 and w6.
    transposed = "output-weights-transposed" in made
    name_o1_h2, name_o2_h1 = ("w7", "w6") if transposed else ("w6", "w7")
    on_o1_h2, on_o2_h1 = (w7, w6) if transposed else (w6, w7)
    v["net_h1"] = w1 * i1 + on_h1_i2 * i2 + bh[0]
    v["out_h1"] = sigma(v["net_h1"])
    v["net_h2"] = on_h2_i1 * i1 + w4 * i2 + bh[1]
    v["out_h2"] = sigma(v["net_h2"])
    v["net_o1"] = w5 * v["out_h1"] + on_o1_h2 * v["out_h2"] + bo[0]
    v["out_o1"] = sigma(v["net_o1"])
    v["net_o2"] = on_o2_h1 * v["out_h1"] + w8 * v["out_h2"] + bo[1]
    v["out_o2"] = sigma(v["net_o2"])
    half = 1.0 if "loss-factor" in made else 0.5  # the ½ dropped: E and its derivative doubled
    v["E_o1"] = half * c * (t1 - v["out_o1"]) ** 2
    v["E_o2"] = half * c * (t2 - v["out_o2"]) ** 2
    v["E_total"] = v["E_o1"] + v["E_o2"]

    sign = 1.0 if "error-sign" in made else -1.0
    for o, target, out, net in (("o1", t1, v["out_o1"], v["net_o1"]), ("o2", t2, v["out_o2"], v["net_o2"])):
        v[f"dE_total/dout_{o}"] = sign * 2 * half * c * (target - out)
        v[f"dout_{o}/dnet_{o}"] = net * (1 - net) if "sigmoid-derivative-of-net" in made else out * (1 - out)
    delta_o1 = v["dE_total/dout_o1"] * (1.0 if "output-derivative-missing" in made else v["dout_o1/dnet_o1"])
    delta_o2 = v["dE_total/dout_o2"] * (1.0 if "output-derivative-missing" in made else v["dout_o2/dnet_o2"])
    v["dnet_o1/dw5"] = v["out_h1"]
    v["dE_total/dw5"], v[f"dE_total/d{name_o1_h2}"] = delta_o1 * v["out_h1"], delta_o1 * v["out_h2"]
    v[f"dE_total/d{name_o2_h1}"], v["dE_total/dw8"] = delta_o2 * v["out_h1"], delta_o2 * v["out_h2"]
    step = 1.0 if "learning-rate" in made else eta  # η left out of the step
    if "update-sign" in made:  # gradient ascent: w + η ∂E/∂w
        step = -eta
    new = {f"w{k}": wk - step * v[f"dE_total/dw{k}"] for k, wk in zip((5, 6, 7, 8), (w5, w6, w7, w8), strict=True)}

    trained = biases != "fixed"
    if "biases-updated" in variant:  # "biases-updated" (shared) or "biases-updated/per-neuron"
        trained = not trained
        biases = (variant["biases-updated"] or "shared") if trained else "fixed"
    for other in ("shared", "per-neuron"):  # "bias-shared", "bias-per-neuron": the other trained policy
        if f"bias-{other}" in made:
            biases = other
    names1, names2 = bias_names("b1", b1, biases), bias_names("b2", b2, biases)
    new_b2 = bias_step(v, "b2", names2, b2, (delta_o1, delta_o2), step) if trained else list(b2)
    for k in (5, 6, 7, 8):
        v[f"w{k}+"] = new[f"w{k}"]

    parallel = order == "parallel"
    if made & {"updated-output-weights", "original-output-weights"}:
        parallel = not parallel
    u5, u6, u7, u8 = (w5, w6, w7, w8) if parallel else (new["w5"], new["w6"], new["w7"], new["w8"])
    if transposed:  # the weight on h2→o1 is the one named w7
        u6, u7 = u7, u6
    v["dE_o1/dnet_o1"], v["dE_o2/dnet_o2"] = delta_o1, delta_o2
    v["dnet_o1/dout_h1"] = u5
    for h, (a, b), out, net in (("h1", (u5, u7), v["out_h1"], v["net_h1"]), ("h2", (u6, u8), v["out_h2"], v["net_h2"])):
        v[f"dE_o1/dout_{h}"] = delta_o1 * a
        v[f"dE_o2/dout_{h}"] = delta_o2 * b
        only_o1 = "one-output-only" in made
        v[f"dE_total/dout_{h}"] = v[f"dE_o1/dout_{h}"] + (0.0 if only_o1 else v[f"dE_o2/dout_{h}"])
        v[f"dout_{h}/dnet_{h}"] = net * (1 - net) if "sigmoid-derivative-of-net" in made else out * (1 - out)
    delta_h1 = v["dE_total/dout_h1"] * v["dout_h1/dnet_h1"]
    delta_h2 = v["dE_total/dout_h2"] * v["dout_h2/dnet_h2"]
    v["dE_total/dnet_h1"], v["dE_total/dnet_h2"] = delta_h1, delta_h2  # checked by --check, not printed
    v["dnet_h1/dw1"] = i1
    v["dE_total/dw1"] = delta_h1 * i1
    # The weight the student calls w2 sits on i1→h2 when the numbering is swapped.
    v["dE_total/dw2"] = delta_h2 * i1 if "w2-w3-swapped" in made else delta_h1 * i2
    v["dE_total/dw3"] = delta_h1 * i2 if "w2-w3-swapped" in made else delta_h2 * i1
    v["dE_total/dw4"] = delta_h2 * i2
    for k, wk in zip((1, 2, 3, 4), (w1, w2, w3, w4), strict=True):
        v[f"w{k}+"] = wk - step * v[f"dE_total/dw{k}"]
    new_b1 = bias_step(v, "b1", names1, b1, (delta_h1, delta_h2), step) if trained else list(b1)
    w_after = tuple(v[f"w{k}+"] for k in range(1, 9))
    # The error after the update, at the student's new weights (in the student's numbering).
    a1, a2, a3, a4, a5, a6, a7, a8 = w_after
    on_h1_i2, on_h2_i1 = (a3, a2) if "w2-w3-swapped" in made else (a2, a3)
    on_o1_h2, on_o2_h1 = (a7, a6) if transposed else (a6, a7)
    nb1 = (0.0, 0.0) if drop in ("hidden", "both") else new_b1
    nb2 = (0.0, 0.0) if drop in ("output", "both") else new_b2
    h1 = sigma(a1 * i1 + on_h1_i2 * i2 + nb1[0])
    h2 = sigma(on_h2_i1 * i1 + a4 * i2 + nb1[1])
    o1, o2 = sigma(a5 * h1 + on_o1_h2 * h2 + nb2[0]), sigma(on_o2_h1 * h1 + a8 * h2 + nb2[1])
    v["E_total+"] = half * c * ((t1 - o1) ** 2 + (t2 - o2) ** 2)
    return v, w_after, tuple(new_b1), tuple(new_b2)


def example(x, t, w, b1, b2, eta, order="parallel", biases="fixed", loss="half-sse", updates=2, mistake=None):
    """Every value of `updates` updates by name (update k > 1 with the suffix @k)."""
    values = {}
    for k in range(1, updates + 1):
        v, w, b1, b2 = one_update(x, t, w, b1, b2, eta, order, biases, loss, mistake)
        values.update({(name if k == 1 else f"{name}@{k}"): value for name, value in v.items()})
    return values
