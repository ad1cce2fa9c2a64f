"""An exercise of any shape worked out in plain Python, one neuron at a time: every value of the first
updates by the names the documentation gives (docs/checking.md), independent of backprop/.

A network is a dict: layers [n0, n1, ..(, nL)], acts (one a layer after the inputs), loss, reduction,
xs and ts (lists of rows), W (a list of matrices, row j = destination neuron j), b (a list of per-neuron
lists, or None for no biases), policy (none, fixed, shared, per-neuron), eta, order. Mistakes, each as a
student makes it: reduction_swapped, one_example, tanh_derivative, softmax_as_sigmoid, relu_derivative, and two
of the post's: targets_swapped, one_output_o1 (the layer below the outputs takes o1's part alone).
"""

import copy
import math


def letter_names(depth):
    return {1: ["o"], 2: ["h", "o"], 3: ["h", "g", "o"]}[depth]


def act(kind, nets):
    if kind == "softmax":
        m = max(nets)
        exps = [math.exp(v - m) for v in nets]
        return [e / sum(exps) for e in exps]
    out = []
    for v in nets:
        if kind == "sigmoid":
            out.append(1 / (1 + math.exp(-v)))
        elif kind == "tanh":
            out.append(math.tanh(v))
        elif kind == "relu":
            out.append(v if v > 0 else 0.0)
        else:
            out.append(v)
    return out


def slope(kind, net, out, mistakes):
    if kind == "sigmoid" or (kind == "tanh" and "tanh_derivative" in mistakes):
        return out * (1 - out)
    if kind == "tanh":
        return 1 - out**2
    if kind == "relu":
        return 1.0 if net > 0 or "relu_derivative" in mistakes else 0.0
    return 1.0


def error(loss, t, y, n):
    if loss == "half-sse":
        return 0.5 * (t - y) ** 2
    if loss == "sse":
        return (t - y) ** 2
    if loss == "mse":
        return (t - y) ** 2 / n
    if loss == "bce":
        return -(t * math.log(y) + (1 - t) * math.log(1 - y))
    return -t * math.log(y)


def d_error(loss, t, y, n):
    if loss == "bce":
        return -(t / y - (1 - t) / (1 - y))
    return {"half-sse": -(t - y), "sse": -2 * (t - y), "mse": -2 * (t - y) / n}[loss]


def run(net, updates, mistakes=()):
    """{name: value} for `updates` updates (names of update k > 1 end with @k)."""
    net = copy.deepcopy(net)
    if "targets_swapped" in mistakes:  # target_o1 used for o2 and target_o2 for o1
        net["ts"] = [[t[1], t[0], *t[2:]] if len(t) > 1 else t for t in net["ts"]]
    depth = len(net["layers"]) - 1
    letters = letter_names(depth)
    m = len(net["xs"])
    reduction = net["reduction"]
    if "reduction_swapped" in mistakes:
        reduction = "mean" if reduction == "sum" else "sum"
    used = [0] if "one_example" in mistakes else list(range(m))
    scale = 1 / len(used) if reduction == "mean" and len(used) > 1 else 1.0
    n_out = net["layers"][-1]
    # the flat number of each weight: layer after layer, row by row
    number, count = {}, 0
    for layer in range(1, depth + 1):
        for j in range(net["layers"][layer]):
            for k in range(net["layers"][layer - 1]):
                count += 1
                number[layer, j, k] = count
    values = {}

    def tag(e):
        return "" if m == 1 else f"[{e + 1}]"

    def bias_name(layer, j):
        b = net["b"][layer - 1]
        if net["policy"] == "per-neuron" or len(set(b)) > 1:
            return f"b{layer}[{letters[layer - 1]}{j + 1}]"
        return f"b{layer}"

    for update in range(1, updates + 1):
        at = "" if update == 1 else f"@{update}"

        def put(name, v, at=at):
            values[name + at] = v

        nets, outs = {}, {}
        for e in range(m):
            below = list(net["xs"][e])
            outs[e, 0] = below
            for layer in range(1, depth + 1):
                z = []
                for j in range(net["layers"][layer]):
                    total = sum(net["W"][layer - 1][j][k] * below[k] for k in range(len(below)))
                    if net["b"] is not None:
                        total += net["b"][layer - 1][j]
                    z.append(total)
                a = act(net["acts"][layer - 1], z)
                nets[e, layer], outs[e, layer] = z, a
                for j in range(len(z)):
                    put(f"net_{letters[layer - 1]}{j + 1}{tag(e)}", z[j])
                    put(f"out_{letters[layer - 1]}{j + 1}{tag(e)}", a[j])
                below = a
        totals = []
        for e in range(m):
            y, t = outs[e, depth], net["ts"][e]
            es = [error(net["loss"], t[j], y[j], n_out) for j in range(n_out)]
            for j in range(n_out):
                put(f"E_o{j + 1}{tag(e)}", es[j])
            put(f"E_total{tag(e)}", sum(es))
            totals.append(sum(es))
        if m > 1:
            put("E_total", sum(totals[e] for e in used) * scale)
        # deltas, gradients, steps, from the output layer down
        delta = {}
        for layer in range(depth, 0, -1):
            kind = net["acts"][layer - 1]
            L = letters[layer - 1]
            for e in range(m):
                delta[e, layer] = []
                for j in range(net["layers"][layer]):
                    y = outs[e, layer][j]
                    if layer == depth and net["loss"] == "ce":
                        d = y - net["ts"][e][j]
                        if "softmax_as_sigmoid" in mistakes:
                            d *= y * (1 - y)
                    else:
                        if layer == depth:
                            g = d_error(net["loss"], net["ts"][e][j], y, n_out)
                        else:
                            g = sum(delta[e, layer + 1][i] * net["W"][layer][i][j]
                                    for i in range(net["layers"][layer + 1])
                                    if layer + 1 < depth or "one_output_o1" not in mistakes or i == 0)
                        s = slope(kind, nets[e, layer][j], y, mistakes)
                        put(f"dE_total/dout_{L}{j + 1}{tag(e)}", g)
                        put(f"dout_{L}{j + 1}/dnet_{L}{j + 1}{tag(e)}", s)
                        d = g * s
                    put(f"delta_{L}{j + 1}{tag(e)}", d)
                    delta[e, layer].append(d)
            grads = {}
            for j in range(net["layers"][layer]):
                for k in range(net["layers"][layer - 1]):
                    g = scale * sum(delta[e, layer][j] * outs[e, layer - 1][k] for e in used)
                    grads[j, k] = g
                    put(f"dE_total/dw{number[layer, j, k]}", g)
            bias_grads = {}
            if net["b"] is not None and net["policy"] in ("shared", "per-neuron"):
                for j in range(net["layers"][layer]):
                    name = bias_name(layer, j)
                    share = [i for i in range(net["layers"][layer]) if bias_name(layer, i) == name]
                    bias_grads[j] = scale * sum(delta[e, layer][i] for e in used for i in share)
                    put(f"dE_total/d{name}", bias_grads[j])
            for (j, k), g in grads.items():
                net["W"][layer - 1][j][k] -= net["eta"] * g
                put(f"w{number[layer, j, k]}+", net["W"][layer - 1][j][k])
            names = {j: bias_name(layer, j) for j in bias_grads}  # before the step (shared stays shared)
            for j, g in bias_grads.items():
                net["b"][layer - 1][j] -= net["eta"] * g
                put(f"{names[j]}+", net["b"][layer - 1][j])
            if net["order"] == "parallel" and layer > 1:  # the layers below take the original weights above
                net.setdefault("pending", []).append((layer, copy.deepcopy(net["W"][layer - 1])))
                for j, k in grads:
                    net["W"][layer - 1][j][k] += net["eta"] * grads[j, k]
        for layer, matrix in net.pop("pending", []):
            net["W"][layer - 1] = matrix
        # the error after the update
        totals = []
        for e in range(m):
            below = list(net["xs"][e])
            for layer in range(1, depth + 1):
                z = [sum(net["W"][layer - 1][j][k] * below[k] for k in range(len(below)))
                     + (net["b"][layer - 1][j] if net["b"] is not None else 0.0)
                     for j in range(net["layers"][layer])]  # fmt: skip
                below = act(net["acts"][layer - 1], z)
            totals.append(sum(error(net["loss"], net["ts"][e][j], below[j], n_out) for j in range(n_out)))
        put("E_total+", sum(totals[e] for e in used) * scale)
    return values
