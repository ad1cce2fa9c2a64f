"""Training an exercise of any shape (general.py's): a small-network engine in generated plain-Python code.

The engine writes the update of one exercise out as Python source, one line a neuron and a weight,
every number of the exercise (inputs, targets, fixed biases, η) a literal, and compiles it once:
the loop then runs on local float variables and math.exp, with no NumPy call and no list indexing,
as scalar.py does for the 2-2-2 (a NumPy call costs about half a microsecond whatever its size).

The update is general.py's, formula by formula: the forward pass of every training example; the
output layer's deltas (out − t for a softmax output with cross-entropy, else dE/dout · dout/dnet),
its gradients summed (or averaged, --reduction mean) over the examples and its step; then each
hidden layer from the top down, its deltas taken with the original weights above (parallel) or the
already-updated ones (sequential, Mazur's original order). Biases: none, fixed (constants), shared
(one a layer, its gradient summed over the layer's neurons) or per-neuron.

The state is a list: the weights in the post's numbering (w1, w2, ...), then the biases of each layer
that has them, one a neuron. run() stops before an update that raises (math.exp overflows, a log or a
division meets 0); a weight that turns infinite or NaN stays so, and train() then finds the first update
that made it, one at a time: either is divergence (training.diverged), one line.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from types import SimpleNamespace

from backprop import general
from backprop.training import diverged
from backprop.worked_example import ORDERS


def depth(ex) -> int:
    return len(ex.layers) - 1


def bias_layers(ex) -> list[int]:
    """The layers (1 = the first after the inputs) that have biases."""
    if ex.biases == "none":
        return []
    return [layer for layer in range(1, depth(ex) + 1) if general.biases_of(ex, layer)]


def initial_state(ex) -> list[float]:
    state = [float(w) for w in ex.weights]
    for layer in bias_layers(ex):
        state += [float(b) for b in general.biases_of(ex, layer)]
    return state


def weight_index(ex, layer: int, j: int, k: int) -> int:
    """0-based flat index of the weight from neuron k of layer − 1 to neuron j of `layer`."""
    return sum(ex.layers[m] * ex.layers[m - 1] for m in range(1, layer)) + j * ex.layers[layer - 1] + k


def bias_offsets(ex) -> dict:
    """{layer: index of its first bias in the state}."""
    at, offsets = len(ex.weights), {}
    for layer in bias_layers(ex):
        offsets[layer] = at
        at += ex.layers[layer]
    return offsets


def source(ex, order: str, safe: bool = False) -> str:
    """The Python source of run(s, n) for this exercise and update order. safe: the sigmoid in the form that
    cannot overflow (e^net / (1 + e^net) for net < 0), for the updates where the fast form's e^(−net) does."""
    layers, top = ex.layers, depth(ex)
    examples = general.rows(ex)
    m = len(examples)
    mean = ex.reduction == "mean" and m > 1
    sequential = order == "sequential"
    biased = bias_layers(ex)
    trained = ex.biases in ("shared", "per-neuron")
    count = len(ex.weights)

    def lit(v) -> str:
        return repr(float(v))

    def out(e, layer, k):
        return lit(examples[e][0][k]) if layer == 0 else f"a{e}_{layer}_{k}"

    def bias(layer, j):
        if ex.biases == "fixed":
            return lit(general.biases_of(ex, layer)[j])
        return f"c{layer}" if ex.biases == "shared" else f"c{layer}_{j}"

    body = []
    for e in range(m):
        for layer in range(1, top + 1):
            kind = ex.activations[layer - 1]
            for j in range(layers[layer]):
                z = f"z{e}_{layer}_{j}"
                terms = " + ".join(f"w{weight_index(ex, layer, j, k)} * {out(e, layer - 1, k)}"
                                   for k in range(layers[layer - 1]))  # fmt: skip
                if layer in biased:
                    terms += f" + {bias(layer, j)}"
                a = f"a{e}_{layer}_{j}"
                # The net input is kept where something reads it later (ReLU's slope, softmax, the safe sigmoid);
                # else it goes straight into the activation: one store and load fewer a neuron.
                if kind == "sigmoid" and not safe:
                    body.append(f"{a} = 1.0 / (1.0 + exp(-({terms})))")
                elif kind == "tanh":
                    body.append(f"{a} = tanh({terms})")
                elif kind == "linear":
                    body.append(f"{a} = {terms}")
                else:
                    body.append(f"{z} = {terms}")
                    if kind == "sigmoid":
                        body.append(f"{a} = 1.0 / (1.0 + exp(-{z})) if {z} >= 0.0 else exp({z}) / (1.0 + exp({z}))")
                    elif kind == "relu":
                        body.append(f"{a} = {z} if {z} > 0.0 else 0.0")
            if kind == "softmax":
                zs = [f"z{e}_{layer}_{j}" for j in range(layers[layer])]
                body.append(f"top = max({', '.join(zs)})")
                for j, z in enumerate(zs):
                    body.append(f"x{j} = exp({z} - top)")
                body.append(f"total = {' + '.join(f'x{j}' for j in range(len(zs)))}")
                for j in range(len(zs)):
                    body.append(f"a{e}_{layer}_{j} = x{j} / total")

    def slope(kind, e, layer, j):
        a, z = f"a{e}_{layer}_{j}", f"z{e}_{layer}_{j}"
        return {"sigmoid": f"{a} * (1.0 - {a})", "tanh": f"1.0 - {a} * {a}",
                "relu": f"(1.0 if {z} > 0.0 else 0.0)", "linear": "1.0"}[kind]  # fmt: skip

    n_out = float(layers[-1])
    later = []
    for layer in range(top, 0, -1):
        kind = ex.activations[layer - 1]
        for e in range(m):
            target = examples[e][1]
            for j in range(layers[layer]):
                a, d = f"a{e}_{layer}_{j}", f"d{e}_{layer}_{j}"
                if layer == top:
                    t = lit(target[j])
                    if ex.loss == "ce":
                        body.append(f"{d} = ({a} - {t}) * rate")
                        continue
                    g = {"half-sse": f"{a} - {t}", "sse": f"2.0 * ({a} - {t})",
                         "mse": f"2.0 * ({a} - {t}) / {lit(n_out)}",
                         "bce": f"(1.0 - {t}) / (1.0 - {a}) - {t} / {a}"}[ex.loss]  # fmt: skip
                else:
                    g = " + ".join(f"d{e}_{layer + 1}_{i} * w{weight_index(ex, layer + 1, i, j)}"
                                   for i in range(layers[layer + 1]))  # fmt: skip
                    body.append(f"{d} = ({g}) * ({slope(kind, e, layer, j)})")
                    continue
                body.append(f"{d} = ({g}) * ({slope(kind, e, layer, j)}) * rate")
        steps = []
        for j in range(layers[layer]):
            for k in range(layers[layer - 1]):
                i = weight_index(ex, layer, j, k)
                g = " + ".join(f"d{e}_{layer}_{j} * {out(e, layer - 1, k)}" for e in range(m))
                steps.append(f"w{i} -= {g}")
        if trained and layer in biased:
            if ex.biases == "shared":
                g = " + ".join(f"d{e}_{layer}_{j}" for e in range(m) for j in range(layers[layer]))
                steps.append(f"c{layer} -= {g}")
            else:
                for j in range(layers[layer]):
                    g = " + ".join(f"d{e}_{layer}_{j}" for e in range(m))
                    steps.append(f"c{layer}_{j} -= {g}")
        # Sequential: this layer steps before the deltas below are taken (with its new weights);
        # parallel: every delta first, with the original weights, then every step.
        if sequential:
            body += steps
        else:
            later += steps
    body += later

    names = [f"w{i}" for i in range(count)]
    for layer in biased:
        names += [f"c{layer}_{j}" for j in range(layers[layer])]
    result = [f"w{i}" for i in range(count)]
    for layer in biased:
        if ex.biases == "shared":
            result += [f"c{layer}"] * layers[layer]
        elif ex.biases == "per-neuron":
            result += [f"c{layer}_{j}" for j in range(layers[layer])]
        else:
            result += [lit(b) for b in general.biases_of(ex, layer)]
    lines = ["def run(s, n, exp=math.exp, tanh=math.tanh):"]
    lines.append(f"    ({', '.join(names)},) = s" if names else "    pass")
    lines += [f"    c{layer} = c{layer}_0" for layer in biased if ex.biases == "shared"]
    # Every delta carries the step's factor, η (η/m when the gradients are averaged over m examples): the
    # deltas below are linear in those above, so that each step is w −= Σ delta · out, one product fewer a weight.
    lines += [f"    rate = {lit(ex.learning_rate / m if mean else ex.learning_rate)}", "    done = 0", "    try:",
              "        for done in range(n):  # noqa: B007"]  # fmt: skip
    lines += [f"            {line}" for line in body]
    lines += ["        else:", "            done = n", "    except (OverflowError, ZeroDivisionError, ValueError):",
              "        pass", f"    return [{', '.join(result)}], done"]  # fmt: skip
    return "\n".join(lines) + "\n"


def compiled(ex, order: str, safe: bool = False):
    """run(s, n) -> (the state after the updates made, how many were made) for this exercise and order;
    ValueError for an order it does not run (capabilities.py: parallel and sequential)."""
    if order not in ORDERS:
        raise ValueError(f"unknown order {order!r} for an exercise of any shape; choose one of {', '.join(ORDERS)}")
    space = {"math": math}
    exec(compile(source(ex, order, safe), f"<{order} update of a {'-'.join(map(str, ex.layers))} exercise>", "exec"),
         space)  # fmt: skip
    return space["run"]


# --- reading a state --------------------------------------------------------------------------------


def unpack(ex, state) -> tuple:
    """(flat weights, {layer: per-neuron biases}) of a state."""
    weights = list(state[: len(ex.weights)])
    biases = {layer: list(state[at : at + ex.layers[layer]]) for layer, at in bias_offsets(ex).items()}
    return weights, biases


def outputs(ex, state) -> list[list[float]]:
    """Each training example's outputs at this state."""
    weights, biases = unpack(ex, state)
    a = SimpleNamespace(bias_dropped=())
    return [general.forward(ex, a, weights, biases, x) for x, _ in general.rows(ex)]


def errors(ex, state) -> tuple[list[float], float]:
    """(each example's E_total, the reduced E_total) at this state; inf where a log meets 0."""
    _, _, error = general.ERRORS[ex.loss]
    n = float(ex.layers[-1])
    totals = []
    for y, (_, t) in zip(outputs(ex, state), general.rows(ex), strict=True):
        try:
            totals.append(sum(error(u, v, n) for u, v in zip(t, y, strict=True)))
        except (ValueError, ZeroDivisionError):
            totals.append(math.inf)
    total = sum(totals)
    return totals, total / len(totals) if ex.reduction == "mean" and len(totals) > 1 else total


def matrices(ex, state) -> list[list[list[float]]]:
    """W1, W2(, W3): row j = destination neuron j."""
    weights, _ = unpack(ex, state)
    return [[[weights[weight_index(ex, layer, j, k)] for k in range(ex.layers[layer - 1])]
             for j in range(ex.layers[layer])] for layer in range(1, depth(ex) + 1)]  # fmt: skip


def parameter_names(ex) -> list[str]:
    """The names of the state's entries: w1.., then each bias by general.py's name for it."""
    names = [f"w{i}" for i in range(1, len(ex.weights) + 1)]
    a = SimpleNamespace(biases=ex.biases)
    for layer in bias_layers(ex):
        names += list(general.bias_names(ex, layer, a))
    return names


def trained_parameters(ex) -> list[int]:
    """The state indices that training changes: the weights, the trained biases (one a shared layer)."""
    indices = list(range(len(ex.weights)))
    for layer, at in bias_offsets(ex).items():
        if ex.biases == "per-neuron":
            indices += range(at, at + ex.layers[layer])
        elif ex.biases == "shared":
            indices.append(at)
    return indices


# --- training -------------------------------------------------------------------------------------


@dataclass
class Run:
    """A finished run: the final state, and E_total at each recorded iteration."""

    ex: object
    order: str
    iterations: int
    state: list
    initial_state: list
    recorded: list  # [(iteration, E_total)]
    snapshots: dict = field(default_factory=dict)  # {checkpoint: the state after that many updates}


def finite(state) -> bool:
    return all(math.isfinite(v) for v in state)


CHUNK = 200_000  # updates between two calls of on_progress


def train(ex, order: str, iterations: int, record_every: int = 0, on_record=None, checkpoints=(),
          on_progress=None) -> Run:  # fmt: skip
    """`iterations` updates of the exercise; E_total recorded at 0, every record_every-th update, the
    checkpoints and the end; on_progress(updates made) now and then. training.TrainingDiverged (one line)
    when an update overflows."""
    run = compiled(ex, order)
    state = initial_state(ex)
    start = list(state)
    stops = {iterations, *(k for k in checkpoints if 0 < k <= iterations)}
    if record_every:
        stops |= set(range(record_every, iterations, record_every))
    recorded = []
    snapshots = {}

    def record(k, s):
        _, e = errors(ex, s)
        if not math.isfinite(e):
            raise diverged(k, ex.learning_rate, "the error")
        recorded.append((k, e))
        if k in checkpoints:
            snapshots[k] = list(s)
        if on_record is not None:
            on_record(k, e)

    record(0, state)
    done = 0
    safe = None
    for stop in sorted(stops):
        if stop == 0:
            continue
        while on_progress is not None and stop - done > CHUNK:  # the same updates, in pieces
            after, made = run(state, CHUNK)
            if made < CHUNK or not finite(after):
                break  # the piece that diverges is found below
            state, done = after, done + CHUNK
            on_progress(done)
        after, made = run(state, stop - done)
        if made < stop - done:  # e^(−net) overflowed: a saturated sigmoid, or divergence; the safe form decides
            safe = safe or compiled(ex, order, safe=True)
            more, rest = safe(after, stop - done - made)
            after, made = more, made + rest
        if made < stop - done or not finite(after):
            # A value overflowed (an exception stopped the loop) or a weight went to ±inf or NaN, which it
            # then stays: find the first update that does it, one at a time from the last good state.
            while True:
                after, made = (safe or run)(state, 1)
                if not made or not finite(after):
                    raise diverged(done + 1, ex.learning_rate, "a net input, output or weight")
                state, done = after, done + 1
        state, done = after, stop
        record(stop, state)
        if on_progress is not None:
            on_progress(done)
    return Run(ex, order, iterations, state, start, recorded, snapshots)


def bias_layer(ex, index: int) -> int:
    for layer, at in bias_offsets(ex).items():
        if at <= index < at + ex.layers[layer]:
            return layer
    raise IndexError(index)


def output_parameters(ex) -> set:
    """The state indices of the output layer's weights and biases."""
    top = depth(ex)
    first = weight_index(ex, top, 0, 0)
    indices = set(range(first, len(ex.weights)))
    if top in bias_offsets(ex):
        at = bias_offsets(ex)[top]
        indices |= set(range(at, at + ex.layers[top]))
    return indices


# --- --check's ladder past the written-out updates (hand_check.py) -------------------------------------------


def ladder_names(ex) -> tuple:
    """The names --check takes with @k past the written-out updates: every weight and trained bias after
    update k (w7+@1000, b2[o1]+@1000), E_total+ after it; each example's outputs and E_total of update k's
    forward pass (out_o1[2]@1000, E_total[2]@1000, E_total@1000: after k − 1 updates)."""
    names = [f"w{i}+" for i in range(1, len(ex.weights) + 1)]
    all_names = parameter_names(ex)
    names += sorted({f"{all_names[i]}+" for i in trained_parameters(ex)[len(ex.weights):]})
    names.append("E_total+")
    for e in range(len(general.rows(ex))):
        tag = general.tag(ex, e)
        names += [f"out_{n}{tag}" for n in general.neurons(ex, depth(ex))] + [f"E_total{tag}"]
    if len(general.rows(ex)) > 1:
        names.append("E_total")
    return tuple(names)


def ladder_values(ex, order: str, ks: list) -> dict:
    """{name@k: value} of ladder_names for each k, from one training run; TrainingDiverged when it diverges."""
    if not ks:
        return {}
    checkpoints = sorted({*ks, *(k - 1 for k in ks)})
    result = train(ex, order, max(ks), checkpoints=checkpoints)
    snapshots = {**result.snapshots, 0: result.initial_state, max(ks): result.state}
    all_names = parameter_names(ex)
    found = {}
    for k in ks:
        after, before = snapshots[k], snapshots[k - 1]
        for i in range(len(ex.weights)):
            found[f"w{i + 1}+@{k}"] = after[i]
        for i in trained_parameters(ex)[len(ex.weights):]:
            found[f"{all_names[i]}+@{k}"] = after[i]
        found[f"E_total+@{k}"] = errors(ex, after)[1]
        totals, total = errors(ex, before)
        for e, y in enumerate(outputs(ex, before)):
            tag = general.tag(ex, e)
            found.update({f"out_{n}{tag}@{k}": v for n, v in zip(general.neurons(ex, depth(ex)), y, strict=True)})
            found[f"E_total{tag}@{k}"] = totals[e]
        if len(totals) > 1:
            found[f"E_total@{k}"] = total
    return found
