"""The 2-2-2 engine in plain Python floats: the worked example's update (worked_example.py),
unrolled into local variables, for train()'s runs of millions of updates.

Why floats and not NumPy: a NumPy call costs about half a microsecond whatever its size,
and one update of the 2-2-2 network is about forty of them; the same update written out
in floats and math.exp is about sixty float operations, under a microsecond in all.
NumPy wins where there are many numbers per call: many networks at once (batched.py),
wide layers (layered.py).

run() takes the state as engine.FastNetwork lays it out (the weights [W1 | b1], [W2 | b2],
then out_o and out_h: its `state` without the trailing 1) and makes up to n updates, each
followed by the forward pass at the new weights, every formula in the same order of
operations as FastNetwork's NumPy calls. It stops before an update it cannot vouch for, so
that the caller hands that one update to FastNetwork, whose floating-point checks decide
what it is (training.advance): a sigmoid that saturates (math.exp overflows) or a value
that is not finite. A false alarm (a finite net input too large to add up) costs only
time. Nothing is written until the update and its forward pass are complete.

tests/test_engines.py runs it, through training.train, beside worked_example.step for
every update order, bias policy and loss, update by update (backprop/capabilities.py).
"""

from __future__ import annotations

import math

STATE_SIZE = 16  # w1 w2 b1_1 w3 w4 b1_2 | w5 w6 b2_1 w7 w8 b2_2 | out_o1 out_o2 out_h1 out_h2


def record_size(biases: str) -> int:
    """How many numbers run() records of an update: the state before it, w1..w8, the biases
    b1_1 b1_2 b2_1 b2_2 unless they are fixed, out_o1 out_o2 out_h1 out_h2, then the deltas it
    applied, delta_o1 delta_o2 delta_h1 delta_h2. Its gradients are products of these, as
    exact in NumPy afterwards as here (training.unpack_records), and cheaper to record."""
    return 16 if biases == "fixed" else 20


def run(s, n, order, biases, c, eta, x, target, record=None):
    """n updates from state s: (the state after the updates made, how many were made).

    Fewer than n were made when the next one needs FastNetwork (see the module's docstring).
    order: "parallel", "sequential" or "alternating"; biases: "fixed", "shared" or
    "per-neuron"; c: the loss's constant (dE/dout_o = c (out_o − t)); eta: the learning
    rate. record, a list or None: each update made appends record_size(biases) numbers.
    """
    exp = math.exp
    w1, w2, b11, w3, w4, b12, w5, w6, b21, w7, w8, b22, o1, o2, h1, h2 = s
    x1, x2 = x
    t1, t2 = target
    after_w2, again = order != "parallel", order == "alternating"
    trained, shared, scaled = biases != "fixed", biases == "shared", c != 1.0
    keep = None if record is None else record.extend
    # The new weights go into v*, the new biases into a*, the new forward pass into p*, q*;
    # the old ones are replaced only once the whole update has gone through.
    a11, a12, a21, a22 = b11, b12, b21, b22
    done = 0
    try:
        for done in range(n):  # noqa: B007 (done is how many updates were made, when the loop stops)
            # The output layer: delta_o = c (out_o − t) ⊙ out_o (1 − out_o), dE/dW2 = delta_o out_hᵀ.
            d1, d2 = o1 - t1, o2 - t2
            if scaled:
                d1, d2 = d1 * c, d2 * c
            d1, d2 = d1 * ((1.0 - o1) * o1), d2 * ((1.0 - o2) * o2)
            g5, g6 = d1 * h1, d1 * h2
            g7, g8 = d2 * h1, d2 * h2
            v5, v6 = w5 - eta * g5, w6 - eta * g6
            v7, v8 = w7 - eta * g7, w8 - eta * g8
            gb21, gb22 = d1, d2
            if shared:
                gb21 = gb22 = d1 + d2
            if trained:
                a21, a22 = b21 - eta * gb21, b22 - eta * gb22
            # The hidden layer's delta: with the old W2 (parallel) or the new (sequential,
            # alternating), and for alternating with delta_o again at the new W2 and b2.
            if again:
                p1 = 1.0 / (1.0 + exp(-(v5 * h1 + v6 * h2 + a21)))
                p2 = 1.0 / (1.0 + exp(-(v7 * h1 + v8 * h2 + a22)))
                e1, e2 = p1 - t1, p2 - t2
                if scaled:
                    e1, e2 = e1 * c, e2 * c
                e1, e2 = e1 * ((1.0 - p1) * p1), e2 * ((1.0 - p2) * p2)
            else:
                e1, e2 = d1, d2
            if after_w2:
                f1 = (v5 * e1 + v7 * e2) * ((1.0 - h1) * h1)  # delta_h = (W2ᵀ delta_o) ⊙ out_h (1 − out_h)
                f2 = (v6 * e1 + v8 * e2) * ((1.0 - h2) * h2)
            else:
                f1 = (w5 * e1 + w7 * e2) * ((1.0 - h1) * h1)
                f2 = (w6 * e1 + w8 * e2) * ((1.0 - h2) * h2)
            g1, g2 = f1 * x1, f1 * x2  # dE/dW1 = delta_h xᵀ
            g3, g4 = f2 * x1, f2 * x2
            v1, v2 = w1 - eta * g1, w2 - eta * g2
            v3, v4 = w3 - eta * g3, w4 - eta * g4
            gb11, gb12 = f1, f2
            if shared:
                gb11 = gb12 = f1 + f2
            if trained:
                a11, a12 = b11 - eta * gb11, b12 - eta * gb12

            # The forward pass at the new weights: out = σ(net) = 1 / (1 + e^(−net)).
            nh1, nh2 = v1 * x1 + v2 * x2 + a11, v3 * x1 + v4 * x2 + a12
            q1, q2 = 1.0 / (1.0 + exp(-nh1)), 1.0 / (1.0 + exp(-nh2))  # OverflowError: saturated
            no1, no2 = v5 * q1 + v6 * q2 + a21, v7 * q1 + v8 * q2 + a22
            p1, p2 = 1.0 / (1.0 + exp(-no1)), 1.0 / (1.0 + exp(-no2))
            total = nh1 + nh2 + no1 + no2  # not finite when a weight is not (or a net input is huge)
            if total - total:
                break
            if keep is not None:  # see record_size()
                if trained:
                    keep((w1, w2, w3, w4, w5, w6, w7, w8, b11, b12, b21, b22, o1, o2, h1, h2, d1, d2, f1, f2))
                else:
                    keep((w1, w2, w3, w4, w5, w6, w7, w8, o1, o2, h1, h2, d1, d2, f1, f2))
            w1, w2 = v1, v2  # (pairs: a longer tuple would be built and unpacked)
            w3, w4 = v3, v4
            w5, w6 = v5, v6
            w7, w8 = v7, v8
            if trained:
                b11, b12 = a11, a12
                b21, b22 = a21, a22
            o1, o2 = p1, p2
            h1, h2 = q1, q2
        else:
            done = n
    except OverflowError:
        pass
    except KeyboardInterrupt as stop:
        stop.updates_made = done
        raise
    return (w1, w2, b11, w3, w4, b12, w5, w6, b21, w7, w8, b22, o1, o2, h1, h2), done
