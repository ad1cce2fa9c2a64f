"""The batched engine (batched.train_many) against the single-network engine (training.train), network
by network: 200 random networks, every update order × bias policy × loss, in one batched call."""

import itertools
import os
import signal
import time

import numpy as np
import plain_loop
import pytest

from backprop import batched, training, worked_example

SETTINGS = list(itertools.product(worked_example.ALL_ORDERS, worked_example.BIAS_POLICIES, worked_example.LOSSES))
K, UPDATES = 200, 50
THRESHOLDS = (0.2, 0.05, 0.01, 1e-3)


def random_networks(k, seed):
    rng = np.random.default_rng(seed)
    settings = [SETTINGS[i % len(SETTINGS)] for i in range(k)]
    orders, policies, losses = (np.array(column) for column in zip(*settings, strict=True))
    b1, b2 = rng.uniform(-1, 1, (k, 2)), rng.uniform(-1, 1, (k, 2))
    one = policies != "per-neuron"
    b1[one, 1], b2[one, 1] = b1[one, 0], b2[one, 0]  # one number for a fixed or shared bias
    eta = 10 ** rng.uniform(-1.3, 0.7, k)  # 0.05 .. 5
    eta[[i for i in (5, 40, 77, k - 50) if 0 <= i < k]] = 1e300  # some of these overflow: divergence
    return dict(
        learning_rate=eta, order=orders, biases=policies, loss=losses, w1=rng.uniform(-1, 1, (k, 2, 2)),
        w2=rng.uniform(-1, 1, (k, 2, 2)), b1=b1, b2=b2, x=rng.uniform(0, 1, (k, 2)), target=rng.uniform(0, 1, (k, 2)),
    )  # fmt: skip


def single(n, i, updates=UPDATES):
    """Network i of n, trained alone by training.train: its Trajectory, or the TrainingDiverged it raised."""
    one = n["biases"][i] != "per-neuron"
    b1, b2 = (n["b1"][i][0], n["b2"][i][0]) if one else (n["b1"][i], n["b2"][i])
    try:
        return training.train(
            str(n["order"][i]), updates, float(n["learning_rate"][i]), biases=str(n["biases"][i]),
            loss=str(n["loss"][i]), w1=n["w1"][i], w2=n["w2"][i], b1=b1, b2=b2, x=n["x"][i], target=n["target"][i],
        )  # fmt: skip
    except training.TrainingDiverged as exc:
        return exc


def test_the_batched_engine_equals_train_network_by_network():
    n = random_networks(K, seed=12)
    r = batched.train_many(UPDATES, **n, thresholds=THRESHOLDS, trace=range(K), trace_every=1, workers=1)
    assert r.trace_iterations.tolist() == list(range(UPDATES + 1))
    diverged, compared = 0, 0
    for i in range(K):
        t = single(n, i)
        if isinstance(t, training.TrainingDiverged):  # the iteration train() names, and nothing recorded from it on
            diverged += 1
            assert r.diverged_at[i] == t.at, i
            assert np.isnan(r.final_error[i]) and np.isnan(r.trace_error[i, t.at :]).all()
            continue
        compared += 1
        assert r.diverged_at[i] == batched.NOT_REACHED
        np.testing.assert_allclose(r.trace_error[i], t.error, rtol=0, atol=1e-12, err_msg=str(i))
        assert abs(r.final_error[i] - t.error[-1]) <= 1e-12
        for j, threshold in enumerate(THRESHOLDS):
            expected = t.first_at_or_below(threshold)
            assert r.first_at_or_below[j, i] == (batched.NOT_REACHED if expected is None else expected), (i, j)
        rises = [k for k in range(1, UPDATES + 1) if t.error[k] > t.error[k - 1]]
        assert r.first_rise_at[i] == (rises[0] if rises else batched.NOT_REACHED), i
    assert diverged >= 1 and compared >= 190
    # The run covers what it must: some networks reach each threshold, some rise, some do neither.
    assert ((r.first_at_or_below >= 0).sum(axis=1) > 0).all() and (r.first_rise_at > 0).any()
    assert (r.first_at_or_below[-1] == batched.NOT_REACHED).any() and (r.first_rise_at == batched.NOT_REACHED).any()


def test_fixed_biases_may_differ_per_neuron_as_in_train():
    b1, b2 = [0.3, -0.2], [0.6, 0.1]
    r = batched.train_many(UPDATES, 0.5, biases="fixed", b1=b1, b2=b2, trace=[0], trace_every=1, workers=1)
    t = training.train("parallel", UPDATES, 0.5, biases="fixed", b1=b1, b2=b2)
    np.testing.assert_allclose(r.trace_error[0], t.error, rtol=0, atol=1e-12)


def test_results_do_not_depend_on_the_number_of_workers(monkeypatch):
    monkeypatch.setattr(batched, "BLOCK", 16)  # several blocks per group
    n = random_networks(120, seed=3)
    runs = [batched.train_many(40, **n, thresholds=THRESHOLDS, trace=[0, 7, 119], trace_every=8, workers=w)
            for w in (1, 2, 3)]  # fmt: skip
    for other in runs[1:]:
        for field in ("first_at_or_below", "final_error", "first_rise_at", "diverged_at", "trace_error"):
            np.testing.assert_array_equal(getattr(other, field), getattr(runs[0], field))
    assert runs[0].trace_iterations.tolist() == [0, 8, 16, 24, 32, 40]


def test_one_setting_for_all_networks_is_the_posts_network():
    r = batched.train_many(10, [0.5, 0.5], order=["parallel", "sequential"], thresholds=(0.29, 0.25, 0.2))
    # The reference values of the design (an independent float64 computation): E after 10 updates.
    np.testing.assert_allclose(r.final_error, [0.2209185921, 0.2209163375], rtol=0, atol=1e-10)
    for i, order in enumerate(("parallel", "sequential")):
        plain = [row[1][4] for row in plain_loop.trajectory(order, 10)]  # E_total after 0..10 updates
        for j, level in enumerate((0.29, 0.25, 0.2)):
            first = next((k for k, e in enumerate(plain) if e <= level), batched.NOT_REACHED)
            assert r.first_at_or_below[j, i] == first
    assert r.first_at_or_below[0, 0] > 0 and r.first_at_or_below[2, 0] == batched.NOT_REACHED


@pytest.mark.parametrize("kwargs, message", [
    (dict(order="diagonal"), "unknown order"),
    (dict(thresholds=(1e-3, 1.0)), r"\(0, 1\)"),
    (dict(thresholds=(1e-3, 1e-3)), "repeat"),
    (dict(learning_rate=[0.5, -1.0]), "positive"),
    (dict(learning_rate=[0.5, 1.0], w1=np.zeros((3, 2, 2))), "disagree"),
    (dict(biases="shared", b1=[0.1, 0.2]), "one number"),
    (dict(trace=[5]), "outside"),
    (dict(workers=0), "workers"),
])  # fmt: skip
def test_bad_arguments_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        batched.train_many(3, **kwargs)


def test_blocks_of_one_setting_equal_mixed_blocks(monkeypatch):
    """The paths without masks (a block of one order, bias policy and loss) and the mixed path agree exactly."""
    n = random_networks(81, seed=5)
    mixed = batched.train_many(30, **n, thresholds=THRESHOLDS, trace=range(81), workers=1)
    by_setting = np.lexsort([n["loss"], n["biases"], n["order"]])  # networks of one setting side by side
    sorted_n = {name: np.asarray(v)[by_setting] for name, v in n.items()}
    monkeypatch.setattr(batched, "BLOCK", 3)  # 81 networks, 27 settings: every block has one setting
    alone = batched.train_many(30, **sorted_n, thresholds=THRESHOLDS, trace=range(81), workers=1)
    np.testing.assert_array_equal(alone.trace_error, mixed.trace_error[by_setting])
    np.testing.assert_array_equal(alone.first_at_or_below, mixed.first_at_or_below[:, by_setting])


def test_checkpoints_keep_the_state_train_records():
    n = random_networks(27, seed=9)
    n["learning_rate"][:] = 0.5
    r = batched.train_many(20, **n, thresholds=(), rises=False, checkpoints=[0, 7, 20], workers=1)
    for i in range(27):
        t, kept = single(n, i, 20), r.state(i)
        for name in ("w1", "w2", "b1", "b2", "output", "error"):
            np.testing.assert_allclose(getattr(kept, name), getattr(t, name)[[0, 7, 20]], rtol=0, atol=1e-13)
        assert kept.row(7) == 1


def children_of(pid):
    """The ids of the live processes whose parent is pid, read from /proc."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                found.append(int(entry))
    return found


def test_an_interrupt_ends_the_worker_processes():
    """Ctrl-C (or SIGTERM, which cli.run turns into the same exception) while the workers train:
    they are ended and reaped before the exception goes on, and nothing is left running."""
    def interrupt(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, 0.1)
    try:
        with pytest.raises(KeyboardInterrupt):
            batched.run_in_processes([[1], [2]], lambda task: time.sleep(60))
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert children_of(os.getpid()) == []
