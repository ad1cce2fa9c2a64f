"""Central finite differences, and --check-gradients: a training script's first update against them.

The reference is the readable forward pass of worked_example.py, differentiated
numerically: ∂E/∂θ ≈ (E(θ + h) − E(θ − h)) / 2h for every trainable parameter θ.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from backprop import general_training
from backprop.exercise import Exercise
from backprop.worked_example import WEIGHT_NAMES, error, forward


def central_difference_gradient(f, params, h=1e-6):
    """∂f/∂p for every entry p of the arrays in params, by (f(p + h) − f(p − h)) / 2h."""
    grads = []
    for p in params:
        g = np.zeros_like(p)
        for i in np.ndindex(p.shape):
            saved = p[i]
            p[i] = saved + h
            up = f()
            p[i] = saved - h
            down = f()
            p[i] = saved
            g[i] = (up - down) / (2 * h)
        grads.append(g)
    return grads


def parameter_names(biases: str) -> list[str]:
    """The trainable parameters in order: w1..w8, then the trained biases."""
    names = list(WEIGHT_NAMES)
    if biases == "shared":
        names += ["b1", "b2"]
    elif biases == "per-neuron":
        names += ["b1[h1]", "b1[h2]", "b2[o1]", "b2[o2]"]
    return names


def flatten(w1, w2, b1, b2, biases: str) -> np.ndarray:
    parts = [np.ravel(w1), np.ravel(w2)]
    b1, b2 = np.broadcast_to(b1, (2,)), np.broadcast_to(b2, (2,))
    if biases == "shared":
        parts += [b1[:1], b2[:1]]
    elif biases == "per-neuron":
        parts += [b1, b2]
    return np.concatenate(parts)


def unflatten(theta: np.ndarray, ex: Exercise):
    """w1, w2, b1, b2 from θ; a bias that is not trained keeps the exercise's value."""
    w1, w2 = theta[0:4].reshape(2, 2), theta[4:8].reshape(2, 2)
    if ex.biases == "shared":
        return w1, w2, np.full(2, theta[8]), np.full(2, theta[9])
    if ex.biases == "per-neuron":
        return w1, w2, theta[8:10], theta[10:12]
    return w1, w2, np.array(ex.b1), np.array(ex.b2)


def first_step(train, ex: Exercise, learning_rate: float) -> np.ndarray:
    """The change that the script's first update makes to every trainable parameter."""
    options = ex.training()
    del options["learning_rate"]
    t = train(1, learning_rate, **options)
    after = flatten(t.w1[1], t.w2[1], t.b1[1], t.b2[1], ex.biases)
    return after - flatten(t.w1[0], t.w2[0], t.b1[0], t.b2[0], ex.biases)


def finite_difference_gradient(ex: Exercise) -> np.ndarray:
    """dE/dθ at the exercise's initial weights by central differences, θ = (w1..w8, trained biases)."""
    theta = flatten(ex.w1, ex.w2, ex.b1, ex.b2, ex.biases)

    def total_error():
        w1, w2, b1, b2 = unflatten(theta, ex)
        return error(forward(w1, w2, b1, b2, np.array(ex.inputs))[1], np.array(ex.targets), ex.loss)

    return central_difference_gradient(total_error, [theta])[0]


def gradient_check(train, order, ex: Exercise):
    """Lines of a report and whether every check passed.

    Every parameter whose update the order takes at the initial weights must equal
    −η × the finite-difference gradient, within the finite difference's error (1e-8·η)
    plus the rounding of the parameter itself (4 units in its last place: a step is read
    as the difference of two weights). The sequential order's hidden-layer update is
    not a gradient step: for those parameters the report shows the departure at η, η/2
    and η/4 and checks that it shrinks as η², where it stands above that rounding.
    Raises ValueError when η/4 is 0 in double precision, TrainingDiverged when a step overflows.
    """
    learning_rate, biases, loss = ex.learning_rate, ex.biases, ex.loss
    if not learning_rate / 4 > 0:
        raise ValueError("η/4 is 0 in double precision; use a larger learning rate")
    names = parameter_names(biases)
    fd = finite_difference_gradient(ex)
    theta = flatten(ex.w1, ex.w2, ex.b1, ex.b2, biases)
    resolution = 4 * np.spacing(np.abs(theta))  # what a weight's rounding hides of a step
    tolerance = 1e-8 * learning_rate + resolution
    lines = [
        f"gradient check of the {order} method's first update, learning rate η = {learning_rate:g}, "
        f"biases {biases}, loss {loss}",
        "reference: −η × dE/dθ by central differences (h = 1e-6) at the "
        + ("blog's initial weights" if ex.is_posts_network() else "initial weights of your network"),
    ]
    rates = [learning_rate, learning_rate / 2, learning_rate / 4]
    departures = [first_step(train, ex, eta) + eta * fd for eta in rates]
    hidden_layer = {"w1", "w2", "w3", "w4", "b1", "b1[h1]", "b1[h2]"}
    ok = True
    lines.append(f"{'param':>7} {'script step':>16} {'−η × FD grad':>16} {'difference':>11}  verdict")
    departing = []
    for i, name in enumerate(names):
        step, reference, diff = departures[0][i] - learning_rate * fd[i], -learning_rate * fd[i], departures[0][i]
        if order == "sequential" and name in hidden_layer:
            verdict = "departs (sequential order, see below)"
            departing.append(i)
        elif abs(diff) <= tolerance[i]:
            verdict = "OK"
        else:
            verdict = f"MISMATCH (tolerance {tolerance[i]:.1e})"
            ok = False
        lines.append(f"{name:>7} {step:16.12f} {reference:16.12f} {diff:11.2e}  {verdict}")
    if departing:
        table, shrinks = departure_table([names[i] for i in departing], [dep[departing] for dep in departures],
                                         resolution[departing])  # fmt: skip
        lines += table
        ok = ok and shrinks
    lines.append("all checks passed" if ok else "CHECK FAILED")
    return lines, ok


def departure_table(names, departures, resolution):
    """The sequential departure at η, η/2, η/4 for each named parameter, and whether every one
    shrinks as η² (halving η divides it by 2^p with p within 0.25 of 2): (lines, ok).

    A departure that is not 100 times its parameter's rounding at η/4 cannot be measured
    to that precision: its row says so, and it does not count against the check."""
    lines = [
        "",
        "sequential departure from the gradient step (sequential step − (−η × FD grad)):",
        f"{'param':>7} {'at η':>11} {'at η/2':>11} {'at η/4':>11} {'ratio η→η/2':>12} {'η/2→η/4':>9}",
    ]
    exponents = []
    for i, name in enumerate(names):
        d = [abs(dep[i]) for dep in departures]
        if d[2] < 100 * resolution[i]:
            lines.append(f"{name:>7} {d[0]:11.3e} {d[1]:11.3e} {d[2]:11.3e}  below the rounding of {name} "
                         f"({resolution[i]:.1e}): not measurable here")  # fmt: skip
            continue
        ratios = [d[0] / d[1], d[1] / d[2]]
        exponents += [math.log2(r) for r in ratios]
        lines.append(f"{name:>7} {d[0]:11.3e} {d[1]:11.3e} {d[2]:11.3e} {ratios[0]:12.3f} {ratios[1]:9.3f}")
    if not exponents:
        lines.append("the departure is below the weights' rounding at this η: OK, nothing to measure")
        return lines, True
    shrinks = abs(max(exponents, key=lambda p: abs(p - 2)) - 2) < 0.25
    lines.append(
        f"halving η divides the departure by 2^p with p between {min(exponents):.3f} and "
        f"{max(exponents):.3f}: " + ("OK, it shrinks as η²" if shrinks else "MISMATCH, expected p ≈ 2")
    )
    return lines, shrinks


def general_gradient_check(ex, order: str, h: float = 1e-6) -> tuple[list[str], bool]:
    """--check-gradients: the first update's step of every trained parameter against −η × the central
    finite-difference gradient of E_total; in sequential order the layers below the output depart by O(η²)."""
    names = general_training.parameter_names(ex)
    indices = general_training.trained_parameters(ex)
    start = general_training.initial_state(ex)

    def step_of(learning_rate):
        e = replace(ex, learning_rate=learning_rate)
        after, made = general_training.compiled(e, order)(list(start), 1)
        if not made or not general_training.finite(after):
            raise ValueError("the first update overflows")
        return [after[i] - start[i] for i in indices]

    def error_at(state):
        return general_training.errors(ex, state)[1]

    def shifted(i, by):
        s = list(start)
        at = [i] if ex.biases != "shared" or i < len(ex.weights) else \
            [j for j in range(i, i + ex.layers[general_training.bias_layer(ex, i)])]  # fmt: skip
        for j in at:
            s[j] += by
        return s

    fd = [(error_at(shifted(i, h)) - error_at(shifted(i, -h))) / (2 * h) for i in indices]
    eta = ex.learning_rate
    steps = step_of(eta)
    output_layer = general_training.output_parameters(ex)
    lines = [f"gradient check of the {order} method's first update, learning rate η = {eta:g}, biases "
             f"{ex.biases}, loss {ex.loss}, layers {'-'.join(map(str, ex.layers))}",
             f"reference: −η × dE/dθ by central differences (h = {h:g}) at the exercise's initial weights",
             f"  {'param':>7}  {'script step':>15}  {'−η × FD grad':>15}  difference  verdict"]  # fmt: skip
    ok = True
    departs = []
    for i, s, g in zip(indices, steps, fd, strict=True):
        reference = -eta * g
        difference = s - reference
        if order == "sequential" and i not in output_layer and len(ex.layers) > 2:
            verdict = "departs (sequential order, see below)" if abs(difference) > 1e-7 * max(1, abs(s)) else "OK"
            departs.append(i)
        else:
            good = abs(difference) <= 1e-6 * max(1.0, abs(reference)) * max(1.0, eta)
            verdict = "OK" if good else "MISMATCH"
            ok = ok and good
        lines.append(f"  {names[i]:>7}  {s:15.12f}  {reference:15.12f}  {difference:10.2e}  {verdict}")
    if departs:
        halves = [step_of(eta / 2), step_of(eta / 4)]
        lines += ["", "sequential departure from the gradient step: halving η divides it by about 4 (order η²):"]
        powers = []
        for i in departs:
            at = indices.index(i)
            d = [steps[at] + eta * fd[at], halves[0][at] + eta / 2 * fd[at], halves[1][at] + eta / 4 * fd[at]]
            if abs(d[1]) > 1e-12 and abs(d[2]) > 1e-12:
                powers += [math.log2(abs(d[0] / d[1])), math.log2(abs(d[1] / d[2]))]
            lines.append(f"  {names[i]:>7}  {d[0]:.3e}  {d[1]:.3e}  {d[2]:.3e}")
        if powers:
            low, high = min(powers), max(powers)
            good = 1.5 <= low and high <= 2.5
            ok = ok and good
            lines.append(f"halving η divides the departure by 2^p with p between {low:.3f} and {high:.3f}: "
                         + ("OK, it shrinks as η²" if good else "not η²"))  # fmt: skip
    lines.append("all checks passed" if ok else "some checks FAILED")
    return lines, ok
