"""plot_network.py (issue 13): the network drawn, the backward pass on one picture, the animation.

What is drawn is read back from the Figure (texts and lines by their gid) and held against
numbers from outside the drawing code: the Trajectory, plain-Python loops written here and in
plain_loop.py, worked_example.step, and the post's published figures. The script runs once as
a user runs it (a subprocess, an animation); everything else runs in-process, small.
"""

import io
import os
import subprocess
import sys

import matplotlib.animation
import numpy as np
import plain_loop
import pytest
from conftest import ROOT, assert_one_line_error, call
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_hex
from PIL import Image

import plot_network
from backprop import diagram, plotting, published, training, worked_example

N = 50  # updates: enough for the weights to move, cheap to train
FRAMES = 5
DPI = 20
ORDERS = ("parallel", "sequential")


def log_spaced(n, frames):
    """Iteration 0 and the distinct rounded values of n^(i / (frames − 2)), i = 0..frames − 2:
    geomspace(1, n, frames − 1) written out."""
    return [0, *sorted({round(n ** (i / (frames - 2))) for i in range(frames - 1)})]


def by_gid(ax, kind, prefix):
    """{name: artist} of the axes' texts or lines whose gid is 'prefix name'."""
    artists = ax.texts if kind == "text" else ax.get_lines()
    return {a.get_gid()[len(prefix) + 1 :]: a for a in artists if (a.get_gid() or "").startswith(prefix + " ")}


def numbers_in(ax):
    """{name: value} of every 'name = value' line of the axes' texts ('E_total = E_o1 + E_o2 = v' too)."""
    found = {}
    for text in ax.texts:
        for line in text.get_text().splitlines():
            if " = " in line:
                parts = line.split(" = ")
                found[parts[0]] = float(parts[-1].replace("−", "-"))
    return found


def weights_of(t, n):
    """w1..w8 after n updates, from the Trajectory's matrices (W1 = [[w1, w2], [w3, w4]], W2 likewise)."""
    r = t.row(n)
    return [*t.w1[r].ravel(), *t.w2[r].ravel()]


def assert_draws(ax, w, b1, b2, x, target, scale):
    """The panel shows the network with weights w: labels, widths, colours, and the forward pass
    recomputed here in plain Python."""
    labels = numbers_in(ax)
    edges = by_gid(ax, "line", "edge")
    for k, value in enumerate(w):
        name = f"w{k + 1}"
        assert labels[name] == pytest.approx(value, rel=5e-6, abs=1e-12), name  # six significant digits
        assert edges[name].get_linewidth() == pytest.approx(scale * abs(value), rel=1e-12), name
        assert to_hex(edges[name].get_color()) == (diagram.POSITIVE if value >= 0 else diagram.NEGATIVE).lower()
    for name, value in {"b1→h1": b1, "b1→h2": b1, "b2→o1": b2, "b2→o2": b2}.items():
        assert edges[name].get_linewidth() == pytest.approx(scale * abs(value), rel=1e-12), name
    w1, w2, w3, w4, w5, w6, w7, w8 = w
    sigma = plain_loop.sigma
    net_h = (w1 * x[0] + w2 * x[1] + b1, w3 * x[0] + w4 * x[1] + b1)
    out_h = [sigma(v) for v in net_h]
    net_o = (w5 * out_h[0] + w6 * out_h[1] + b2, w7 * out_h[0] + w8 * out_h[1] + b2)
    out_o = [sigma(v) for v in net_o]
    expected = {
        "net_h1": net_h[0], "net_h2": net_h[1], "out_h1": out_h[0], "out_h2": out_h[1],
        "net_o1": net_o[0], "net_o2": net_o[1], "out_o1": out_o[0], "out_o2": out_o[1],
        "E_o1": 0.5 * (target[0] - out_o[0]) ** 2, "E_o2": 0.5 * (target[1] - out_o[1]) ** 2,
        "i1": x[0], "i2": x[1], "target_o1": target[0], "target_o2": target[1],
    }  # fmt: skip
    expected["E_total"] = expected["E_o1"] + expected["E_o2"]
    for name, value in expected.items():
        assert labels[name] == pytest.approx(value, rel=5e-6, abs=1e-12), name


# --- the static diagram --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def trained():
    return {o: training.train(o, N, record_every=0) for o in ORDERS}


def test_the_diagram_shows_iteration_0_and_each_order_after_n_updates(trained):
    fig = diagram.network_figure(trained, N)
    first, parallel, sequential = fig.axes
    scale = by_gid(first, "line", "edge")["w1"].get_linewidth() / 0.15  # the post's w1; checked below
    # The post's weights at iteration 0; each order's weights after N updates, from the Trajectory
    # and from a plain-Python loop of the post.
    assert_draws(first, plain_loop.W, 0.35, 0.60, plain_loop.X, plain_loop.T, scale)
    for ax, order in ((parallel, "parallel"), (sequential, "sequential")):
        t = trained[order]
        plain = plain_loop.trajectory(order, N)[N][0]
        np.testing.assert_allclose(weights_of(t, N), plain, rtol=0, atol=1e-12)
        assert_draws(ax, weights_of(t, N), 0.35, 0.60, plain_loop.X, plain_loop.T, scale)
        assert f"{order} order: iteration 50 (after 50 updates)" in by_gid(ax, "text", "panel")["title"].get_text()
    largest = max(abs(w) for w in [*plain_loop.W, *weights_of(trained["parallel"], N),
                                   *weights_of(trained["sequential"], N), 0.35, 0.60])  # fmt: skip
    assert scale * largest == pytest.approx(diagram.COMPACT.widest)  # one scale for the whole figure
    title = fig.get_suptitle()
    assert "(the post's network)" in title and "learning rate η = 0.5" in title


def test_another_network_is_named_in_the_title_and_drawn_with_its_signs():
    w = (0.1, -0.2, 0.3, 0.4, -0.5, 0.6, 0.7, -0.8)
    x, target, b1, b2 = (0.3, -0.1), (0.2, 0.7), 0.1, -0.25
    t = training.train("parallel", 3, record_every=0, w1=np.reshape(w[:4], (2, 2)), w2=np.reshape(w[4:], (2, 2)),
                       b1=b1, b2=b2, x=np.array(x), target=np.array(target))  # fmt: skip
    fig = diagram.network_figure({"parallel": t}, 3)
    assert "your network: inputs i1, i2 = 0.3, -0.1" in fig.get_suptitle()
    assert "w1..w8 = 0.1, -0.2, 0.3, 0.4, -0.5, 0.6, 0.7, -0.8" in fig.get_suptitle()
    start = fig.axes[0]
    scale = by_gid(start, "line", "edge")["w1"].get_linewidth() / 0.1
    assert_draws(start, w, b1, b2, x, target, scale)


# --- the backward pass ---------------------------------------------------------------------------


def first_update(order, w=plain_loop.W, x=plain_loop.X, t=plain_loop.T, b1=0.35, b2=0.60, eta=0.5):
    """Every value of the first update, in the post's names, in plain Python (fixed biases, ½ Σ (t − y)²)."""
    w1, w2, w3, w4, w5, w6, w7, w8 = w
    sigma = plain_loop.sigma
    v = {"net_h1": w1 * x[0] + w2 * x[1] + b1, "net_h2": w3 * x[0] + w4 * x[1] + b1}
    v["out_h1"], v["out_h2"] = sigma(v["net_h1"]), sigma(v["net_h2"])
    v["net_o1"] = w5 * v["out_h1"] + w6 * v["out_h2"] + b2
    v["net_o2"] = w7 * v["out_h1"] + w8 * v["out_h2"] + b2
    v["out_o1"], v["out_o2"] = sigma(v["net_o1"]), sigma(v["net_o2"])
    v["E_o1"], v["E_o2"] = 0.5 * (t[0] - v["out_o1"]) ** 2, 0.5 * (t[1] - v["out_o2"]) ** 2
    v["E_total"] = v["E_o1"] + v["E_o2"]
    for o in (1, 2):
        v[f"dE_total/dout_o{o}"] = -(t[o - 1] - v[f"out_o{o}"])
        v[f"dout_o{o}/dnet_o{o}"] = v[f"out_o{o}"] * (1 - v[f"out_o{o}"])
        v[f"dE_o{o}/dnet_o{o}"] = v[f"dE_total/dout_o{o}"] * v[f"dout_o{o}/dnet_o{o}"]
    d1, d2 = v["dE_o1/dnet_o1"], v["dE_o2/dnet_o2"]
    gradients_w2 = {"w5": d1 * v["out_h1"], "w6": d1 * v["out_h2"], "w7": d2 * v["out_h1"], "w8": d2 * v["out_h2"]}
    new = {name: dict(zip(("w5", "w6", "w7", "w8"), w[4:], strict=True))[name] - eta * g
           for name, g in gradients_w2.items()}  # fmt: skip
    h5, h6, h7, h8 = (new[k] for k in ("w5", "w6", "w7", "w8")) if order == "sequential" else w[4:]
    v["dE_total/dout_h1"] = d1 * h5 + d2 * h7
    v["dE_total/dout_h2"] = d1 * h6 + d2 * h8
    gradients = {}
    for h in (1, 2):
        v[f"dout_h{h}/dnet_h{h}"] = v[f"out_h{h}"] * (1 - v[f"out_h{h}"])
        v[f"dE_total/dnet_h{h}"] = v[f"dE_total/dout_h{h}"] * v[f"dout_h{h}/dnet_h{h}"]
    delta_h1, delta_h2 = v["dE_total/dnet_h1"], v["dE_total/dnet_h2"]
    gradients.update({"w1": delta_h1 * x[0], "w2": delta_h1 * x[1], "w3": delta_h2 * x[0], "w4": delta_h2 * x[1],
                      **gradients_w2})  # fmt: skip
    for k, name in enumerate(worked_example.WEIGHT_NAMES):
        v[name] = w[k]
        v[f"dE_total/d{name}"] = gradients[name]
        v[f"{name}+"] = w[k] - eta * gradients[name]
    return v


@pytest.fixture(scope="module")
def backward_pass():
    steps = {o: worked_example.step(o, worked_example.W1_INIT, worked_example.W2_INIT) for o in ORDERS}
    fig = diagram.backward_pass_figure(steps)
    return {order: numbers_in(ax) for order, ax in zip(ORDERS, fig.axes, strict=True)}


@pytest.mark.parametrize("order", ORDERS)
def test_the_backward_pass_shows_every_value_of_the_first_update(order, backward_pass):
    shown = backward_pass[order]
    expected = first_update(order)
    assert set(expected) <= set(shown), set(expected) - set(shown)
    for name, value in expected.items():  # 9 decimals shown, as the post prints them
        assert shown[name] == pytest.approx(value, rel=0, abs=5.01e-10), name
    # The updated weights are plain_loop's update too.
    new = plain_loop.update(plain_loop.W, order)
    for k, name in enumerate(worked_example.WEIGHT_NAMES):
        assert shown[f"{name}+"] == pytest.approx(new[k], rel=0, abs=5.01e-10), name


def test_the_backward_pass_agrees_with_the_post_and_with_worked_example_step(backward_pass):
    shown = backward_pass["parallel"]
    checked = [name for name in published.POST_FIRST_UPDATE if name in shown]
    # Every published value but the error after the update, the factors that are a weight, an
    # input or out_h1 again, and the two parts of dE_total/dout_h1 (the post's second is made
    # from rounded factors): the picture shows their sum.
    left_out = {"E_total after", "dnet_o1/dw5", "dnet_o1/dout_h1", "dnet_h1/dw1", "dE_o1/dout_h1", "dE_o2/dout_h1"}
    assert set(published.POST_FIRST_UPDATE) - set(checked) == left_out
    for name in checked:
        assert published.agrees(shown[name], published.POST_FIRST_UPDATE[name]), name
    s = worked_example.step("parallel", worked_example.W1_INIT, worked_example.W2_INIT)
    assert shown["dE_total/dw7"] == pytest.approx(s.dE_dW2[1, 0], abs=5.01e-10)
    assert shown["dE_total/dnet_h2"] == pytest.approx(s.delta_h[1], abs=5.01e-10)
    assert shown["E_total"] == pytest.approx(s.E_total, abs=5.01e-10)


# --- the animation -------------------------------------------------------------------------------


def test_the_frames_are_iteration_0_and_log_spaced_iterations():
    for n, frames in ((10_000, 60), (50, 5), (3, 60), (1, 3), (7, 3)):
        assert diagram.frame_iterations(n, frames) == log_spaced(n, frames), (n, frames)
    assert len(diagram.frame_iterations(10_000, 60)) == 54  # rounding merges some of the early ones


def test_each_frame_shows_its_iteration_by_changing_the_same_artists():
    frames = log_spaced(N, FRAMES)
    trajectories = {o: training.train(o, N, checkpoints=frames, record_every=10) for o in ORDERS}
    fig, update = diagram.animation_figure(trajectories, frames)
    artists = set(map(id, fig.findobj()))
    curve = fig.axes[-1]
    label = by_gid(curve, "text", "frame")["iteration"]
    markers = by_gid(curve, "line", "marker")
    scale = None
    for k, n in enumerate(frames):
        update(k)
        assert label.get_text() == f"iteration {n:,}"
        for ax, order in zip(fig.axes, ORDERS, strict=False):
            t = trajectories[order]
            w = weights_of(t, n)
            edges = by_gid(ax, "line", "edge")
            scale = scale or edges["w1"].get_linewidth() / abs(w[0])
            for i, value in enumerate(w):
                assert edges[f"w{i + 1}"].get_linewidth() == pytest.approx(scale * abs(value), rel=1e-12)
            outputs = numbers_in(ax)
            plain = plain_loop.trajectory(order, n)[n][1]  # (out_h1, out_h2, out_o1, out_o2, E_total)
            np.testing.assert_allclose([outputs["out_o1"], outputs["out_o2"]], plain[2:4], rtol=5e-6)
            assert list(markers[order].get_xdata()) == [n]
            assert list(markers[order].get_ydata()) == [t.error[t.row(n)]]
    assert set(map(id, fig.findobj())) == artists  # updated, not redrawn


def gif_frames(path):
    with Image.open(path) as gif:
        frames = []
        for k in range(gif.n_frames):
            gif.seek(k)
            frames.append(np.asarray(gif.convert("RGB")))
    return frames


def test_the_animation_as_a_user_makes_it_twice_gives_the_same_bytes(tmp_path, capsys):
    args = ["--iterations", N, "--frames", 3, "--dpi", DPI]  # frames at iterations 0, 1 and 50
    user = subprocess.Popen([sys.executable, str(ROOT / "plot_network.py"), *map(str, args), "--animate",
                             str(tmp_path / "user.gif")], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)  # fmt: skip
    try:
        status, out, err = call(plot_network.main, *args, "--animate", tmp_path / "here.gif", capsys=capsys)
        user_out, user_err = user.communicate(timeout=120)
    finally:
        if user.poll() is None:
            user.kill()
            user.wait()
    assert (status, out, err) == (0, f"{tmp_path / 'here.gif'}\n", "")
    assert (user.returncode, user_out, user_err) == (0, f"{tmp_path / 'user.gif'}\n", "")
    assert sorted(os.listdir(tmp_path)) == ["here.gif", "user.gif"]  # no temporary file left
    data = (tmp_path / "user.gif").read_bytes()
    assert data[:6] == b"GIF89a" and data == (tmp_path / "here.gif").read_bytes()
    frames = gif_frames(tmp_path / "user.gif")
    assert len(frames) == len(log_spaced(N, 3)) == 3
    fig, _ = diagram.animation_figure({"parallel": training.train("parallel", 1)}, [0, 1])
    with Image.open(io.BytesIO(plotting.render(fig, "png", DPI))) as still:  # the figure as one image
        width, height = still.size
    assert all(frame.shape == (height, width, 3) for frame in frames)
    assert not np.array_equal(frames[0], frames[-1])


# --- the command line ----------------------------------------------------------------------------


class StopTest(Exception):
    """Raised where a test has seen what it needs."""



def test_each_order_is_trained_once_recording_only_what_is_drawn(monkeypatch, tmp_path, capsys):
    calls = []
    real = training.train
    monkeypatch.setattr(training, "train", lambda order, n, **k: calls.append((order, n, k)) or real(order, n, **k))
    saved = []
    monkeypatch.setattr(plotting, "save", lambda figures, *args: saved.extend(figures) or [])  # saving: tested below
    status, out, err = call(plot_network.main, "--iterations", 2_000, "--order", "both", "--outdir", tmp_path,
                            capsys=capsys)  # fmt: skip
    assert (status, out, err, saved) == (0, "", "", ["network_diagram"])
    assert [(o, n, k["record_every"], k.get("checkpoints")) for o, n, k in calls] == [
        ("parallel", 2_000, 0, None), ("sequential", 2_000, 0, None)]  # fmt: skip
    calls.clear()
    def stop(trajectories, frames):
        raise StopTest

    monkeypatch.setattr(diagram, "animation_figure", stop)
    with pytest.raises(StopTest):
        plot_network.main(["--iterations", "20000", "--animate", str(tmp_path / "a.gif")])
    ((order, n, kwargs),) = calls
    rows = training.recorded_iterations(n, kwargs["record_every"], kwargs["checkpoints"])
    assert (order, n) == ("parallel", 20_000) and kwargs["checkpoints"] == log_spaced(20_000, 60)
    assert set(log_spaced(20_000, 60)) <= set(rows) and len(rows) <= 2_100
    assert os.listdir(tmp_path) == []


@pytest.fixture
def no_training(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("training started before the output was checked")

    monkeypatch.setattr(training, "train", refuse)


def test_mp4_without_ffmpeg_is_one_line_and_status_1_before_training(tmp_path, no_training, monkeypatch, capsys):
    monkeypatch.setattr(matplotlib.animation.writers, "is_available", lambda name: False)
    result = call(plot_network.main, "--animate", tmp_path / "training.mp4", capsys=capsys)
    assert_one_line_error(result, "plot_network.py", 1)
    assert "ffmpeg" in result[2] and os.listdir(tmp_path) == []


def test_an_unwritable_animation_path_is_one_line_and_status_1_before_training(tmp_path, no_training, capsys):
    result = call(plot_network.main, "--animate", tmp_path / "missing" / "training.gif", capsys=capsys)
    assert_one_line_error(result, "plot_network.py", 1)
    assert "folder does not exist" in result[2] and os.listdir(tmp_path) == []


def test_the_backward_pass_is_written_where_asked(tmp_path, capsys):
    status, out, err = call(plot_network.main, "--backward-pass", "--dpi", 10, "--outdir", tmp_path, capsys=capsys)
    assert (status, err) == (0, "") and out.split() == [str(tmp_path / "backward_pass.png")]
    assert (tmp_path / "backward_pass.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"



def test_an_interrupted_animation_leaves_nothing_behind(tmp_path, monkeypatch):
    """Ctrl-C (or SIGTERM, which cli.run turns into the same unwinding) while the frames are grabbed."""
    real = diagram.GifWriter.grab_frame

    def interrupted(self, **kwargs):
        real(self, **kwargs)
        raise KeyboardInterrupt

    monkeypatch.setattr(diagram.GifWriter, "grab_frame", interrupted)
    with pytest.raises(KeyboardInterrupt):
        plot_network.main(["--iterations", "5", "--frames", "3", "--dpi", "10", "--animate", str(tmp_path / "a.gif")])
    assert os.listdir(tmp_path) == []


def boxes(fig):
    """{panel k, gid: window extent} of every text of the diagrams, with its box when it has one."""
    FigureCanvasAgg(fig)
    fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()
    found = {}
    for k, ax in enumerate(fig.axes):
        for text in ax.texts:
            if text.get_text().strip():
                patch = text.get_bbox_patch()
                found[(k, text.get_gid())] = (patch or text).get_window_extent(renderer)
    return found


def test_no_text_of_a_diagram_runs_into_another(trained):
    """At the default dpi, for the post's network, for long negative numbers everywhere, and for the
    backward pass: labels, neurons, targets, errors and panel titles keep clear of each other."""
    long = (-0.754601, -0.754601, -0.754601, -0.754601, -3.89298, -3.89298, -3.89298, -3.89298)
    t = training.train("parallel", 1, record_every=0, w1=np.reshape(long[:4], (2, 2)), w2=np.reshape(long[4:], (2, 2)))
    steps = {o: worked_example.step(o, worked_example.W1_INIT, worked_example.W2_INIT) for o in ORDERS}
    for fig in (diagram.network_figure(trained, N), diagram.network_figure({"parallel": t}, 1),
                diagram.backward_pass_figure(steps)):  # fmt: skip
        found = boxes(fig)
        names = sorted(found, key=str)
        crowded = [(a, b) for i, a in enumerate(names) for b in names[i + 1 :]
                   if a[0] == b[0] and found[a].overlaps(found[b])]  # fmt: skip
        assert crowded == [], crowded
