"""The five figures (issue 4): files, pixels, panels, plotted data, reproducibility, bad input.

Reference values come from outside the plotting code: the trajectories of train(), the
post's published figures (backprop.published) and initial weights, brute-force scans,
and PNG headers. Each script runs once as a user runs it (a subprocess); everything else
runs in-process.
"""

import dataclasses
import os
import struct
import subprocess
import sys

import matplotlib
import matplotlib.figure
import numpy as np
import pytest
from conftest import ROOT, assert_one_line_error, call
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgb
from matplotlib.image import imread

import ann_numpy
import ann_numpy_original
import plot_all_variables
import plot_convergence
import plot_key_differences
from backprop import plotting, published, training, worked_example

# Pixel sizes at the default --dpi 100, as the README states them.
SIZES = {
    "simple_convergence.png": (900, 550),
    "convergence_comparison.png": (1200, 800),
    "key_differences.png": (1500, 1250),
    "all_variables_evolution.png": (1600, 1400),
    "weight_trajectories_3d.png": (1400, 750),
}
FILES = {
    "plot_convergence.py": ["simple_convergence.png", "convergence_comparison.png"],
    "plot_key_differences.py": ["key_differences.png"],
    "plot_all_variables.py": ["all_variables_evolution.png", "weight_trajectories_3d.png"],
}
MODULES = {"plot_convergence.py": plot_convergence, "plot_key_differences.py": plot_key_differences,
           "plot_all_variables.py": plot_all_variables}  # fmt: skip
DPI = 40  # small images keep the subprocess runs quick
ITERATIONS = 300
SMALL = ["--iterations", str(ITERATIONS), "--dpi", str(DPI)]


def png_size(data: bytes):
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_each_script_as_a_user_runs_it_writes_exactly_its_files_valid_sized_and_not_blank(tmp_path):
    """Each script once, as a user runs it: the three at the same time (they are mostly start-up).
    One test, not a module fixture: under pytest-xdist a module's fixture runs again in every
    worker that runs one of its tests."""
    pipes = dict(stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    command = {
        script: [sys.executable, str(ROOT / script), *SMALL, "--outdir", str(tmp_path / script)] for script in FILES
    }
    started = {script: subprocess.Popen(command[script], cwd=ROOT, **pipes) for script in FILES}
    try:
        # Meanwhile this process draws what plot_convergence.py draws: another process, the same bytes.
        reproduced = {f"{stem}.png": plotting.render(fig, "png", DPI)
                      for stem, fig in plot_convergence.draw(*plotting.train_both(ITERATIONS)).items()}  # fmt: skip
        results = {script: process.communicate(timeout=120) for script, process in started.items()}
    finally:  # no process outlives the test
        for process in started.values():
            if process.poll() is None:
                process.kill()
                process.wait()
    for script, (stdout, stderr) in results.items():
        outdir = tmp_path / script
        assert (started[script].returncode, stderr) == (0, ""), script  # and so no traceback
        assert sorted(os.listdir(outdir)) == sorted(FILES[script])  # no temporary files left behind
        assert stdout.split() == [str(outdir / name) for name in FILES[script]]
        for name in FILES[script]:
            data = (outdir / name).read_bytes()
            width, height = SIZES[name]
            assert png_size(data) == (width * DPI // 100, height * DPI // 100), name
            rgb = (imread(outdir / name)[:, :, :3] * 255).round().astype(np.uint32)
            colours = np.unique(rgb[:, :, 0] << 16 | rgb[:, :, 1] << 8 | rgb[:, :, 2])
            assert len(colours) > 50 and rgb.std() > 10, name  # a drawing, not one colour
            if name in reproduced:
                assert data == reproduced[name], name


@pytest.mark.parametrize("script", FILES)
def test_bad_format_is_one_line_and_status_2_with_nothing_written(script, tmp_path, capsys):
    result = call(MODULES[script].main, "--format", "gif", "--outdir", tmp_path, capsys=capsys)
    assert_one_line_error(result, script, 2)
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("below", [False, True], ids=["outdir is a file", "outdir below a file"])
def test_unwritable_outdir_is_one_line_and_status_1_with_nothing_written(below, tmp_path, capsys):
    (tmp_path / "a_file").write_text("not a folder")
    outdir = tmp_path / "a_file" / "below" if below else tmp_path / "a_file"
    result = call(plot_convergence.main, "--iterations", "5", "--outdir", outdir, capsys=capsys)
    assert_one_line_error(result, "plot_convergence.py", 1)
    assert os.listdir(tmp_path) == ["a_file"] and (tmp_path / "a_file").read_text() == "not a folder"


# --- the Figure functions, without the disk ------------------------------------------------


@pytest.fixture(scope="module")
def trajectories():
    return ann_numpy.train(1500), ann_numpy_original.train(1500)


@pytest.fixture(scope="module")
def figures(trajectories):
    """The five figures of the three scripts, drawn once from the trajectories: {file stem: Figure}.
    The tests read them and change nothing (one draws them, without pixels, to measure texts)."""
    return {
        **plot_convergence.draw(*trajectories),
        **plot_key_differences.draw(*trajectories),
        **plot_all_variables.draw(*trajectories),
    }


def lines_by_label(ax, label):
    return [line for line in ax.get_lines() if line.get_label() == label]


def assert_plots_errors(ax, trajectories):
    for t in trajectories:
        (line,) = lines_by_label(ax, t.method)
        np.testing.assert_array_equal(line.get_xdata(), t.iteration)
        np.testing.assert_array_equal(line.get_ydata(), t.error)


def test_simple_convergence_plots_the_errors_and_marks_the_first_iteration_at_or_below_1e_3(trajectories, figures):
    fig = figures["simple_convergence"]
    (ax,) = fig.axes
    assert ax.get_yscale() == "log"
    assert_plots_errors(ax, trajectories)
    for t in trajectories:
        first = next(n for n, e in zip(t.iteration, t.error, strict=True) if e <= 1e-3)  # brute-force scan
        assert t.error[first - 1] > 1e-3
        (marker,) = [line for line in ax.get_lines() if line.get_label().startswith(f"{t.method} first")]
        assert list(marker.get_xdata()) == [first] and list(marker.get_ydata()) == [t.error[first]]


def test_convergence_comparison_has_four_panels_error_difference_and_ratio(trajectories, figures):
    s, p = trajectories
    fig = figures["convergence_comparison"]
    linear, log, difference, ratio = fig.axes
    assert_plots_errors(linear, trajectories)
    assert_plots_errors(log, trajectories)
    assert (linear.get_yscale(), log.get_yscale()) == ("linear", "log")
    (d,) = lines_by_label(difference, "sequential − parallel")
    np.testing.assert_array_equal(d.get_xdata(), np.arange(1, 1501))
    np.testing.assert_allclose(d.get_ydata(), s.error[1:] - p.error[1:], rtol=0, atol=1e-18)
    (r,) = lines_by_label(ratio, "sequential / parallel")
    np.testing.assert_allclose(r.get_ydata(), s.error[1:] / p.error[1:], rtol=1e-15)


def test_key_differences_has_nine_panels_with_outputs_against_the_blog_targets(trajectories, figures):
    s, p = trajectories
    fig = figures["key_differences"]
    assert len(fig.axes) == 9
    assert_plots_errors(fig.axes[0], trajectories)
    for ax, o, target in ((fig.axes[3], 0, 0.01), (fig.axes[4], 1, 0.99)):
        for t in trajectories:
            (line,) = lines_by_label(ax, t.method)
            np.testing.assert_array_equal(line.get_ydata(), t.output[:, o])
        (target_line,) = lines_by_label(ax, "target")
        assert target_line.get_ydata()[0] == pytest.approx(target)
    # ‖W2‖ written out: the square root of the sum of its four squares.
    (line,) = lines_by_label(fig.axes[7], "parallel")
    np.testing.assert_allclose(line.get_ydata(), np.sqrt((p.w2**2).sum(axis=(1, 2))), rtol=1e-15)
    assert line.get_ydata()[0] == pytest.approx(np.sqrt(0.40**2 + 0.45**2 + 0.50**2 + 0.55**2))


def test_all_variables_has_sixteen_panels_starting_at_the_blog_values(trajectories, figures):
    fig = figures["all_variables_evolution"]
    assert len(fig.axes) == 16
    error = fig.axes[0]
    assert_plots_errors(error, trajectories)
    for line in error.get_lines():  # the post's E_total at the initial weights, 0.298371109, to its 9 decimals
        assert published.agrees(line.get_ydata()[0], published.POST_FIRST_UPDATE["E_total"])
    by_title = {ax.get_title().split(" ")[0]: ax for ax in fig.axes}
    # The post's initial weights, named as its diagram names them (worked_example.W1_INIT, W2_INIT):
    # W1 = [[w1, w2], [w3, w4]], W2 = [[w5, w6], [w7, w8]], row i feeding neuron i of the next layer.
    blog = {"w1": 0.15, "w2": 0.20, "w3": 0.25, "w4": 0.30, "w5": 0.40, "w6": 0.45, "w7": 0.50, "w8": 0.55}
    assert list(blog.values()) == [*worked_example.W1_INIT.ravel(), *worked_example.W2_INIT.ravel()]
    for name, start in blog.items():
        for t in trajectories:
            (line,) = lines_by_label(by_title[name], t.method)
            assert line.get_ydata()[0] == start
            k = int(name[1]) - 1  # w1..w4 fill W1 row by row, w5..w8 W2 row by row, as above
            matrix = t.w1 if k < 4 else t.w2
            np.testing.assert_array_equal(line.get_ydata(), matrix[:, (k % 4) // 2, k % 2])
    (out_h1,) = lines_by_label(fig.axes[1], "sequential")
    assert published.agrees(out_h1.get_ydata()[0], published.POST_FIRST_UPDATE["out_h1"])  # 0.593269992
    (out_o1,) = lines_by_label(fig.axes[12], "parallel")
    assert published.agrees(out_o1.get_ydata()[0], published.POST_FIRST_UPDATE["out_o1"])  # 0.75136507


def test_all_variables_shows_the_biases_when_they_are_trained():
    s = ann_numpy.train(50, biases="per-neuron")
    p = ann_numpy_original.train(50, biases="per-neuron")
    fig = plot_all_variables.all_variables(s, p)
    assert len(fig.axes) == 16
    titles = [ax.get_title() for ax in fig.axes]
    assert any(title.startswith("Bias b1") for title in titles) and any(title.startswith("Bias b2") for title in titles)
    (ax,) = [ax for ax in fig.axes if ax.get_title().startswith("Bias b2")]
    (line,) = lines_by_label(ax, "parallel, neuron 2")
    np.testing.assert_array_equal(line.get_ydata(), p.b2[:, 1])


def test_weight_trajectories_are_3d_paths_from_the_blog_weights(trajectories, figures):
    fig = figures["weight_trajectories_3d"]
    assert [ax.name for ax in fig.axes] == ["3d", "3d"]
    hidden = fig.axes[0]
    for t in trajectories:
        (path,) = lines_by_label(hidden, t.method)
        x, y, z = path.get_data_3d()
        np.testing.assert_array_equal(x, t.w1[:, 0, 0])
        np.testing.assert_array_equal(z, t.w1[:, 1, 0])
    (start,) = [line for line in hidden.get_lines() if line.get_label().startswith("start")]
    assert [float(v[0]) for v in start.get_data_3d()] == [0.15, 0.20, 0.25]


def test_every_figure_names_its_settings_and_keeps_one_look_per_method(figures):
    assert sorted(f"{stem}.png" for stem in figures) == sorted(SIZES)
    looks = {"sequential": set(), "parallel": set()}
    for name, fig in figures.items():
        title = fig.get_suptitle()
        for part in ("learning rate η = 0.5", "1,500 updates", "iteration N = the state after N updates"):
            assert part in title, (name, part)
        for ax in fig.axes:
            for method, found in looks.items():
                for line in lines_by_label(ax, method):
                    found.add((to_rgb(line.get_color()), str(line.get_linestyle())))
    assert len(looks["sequential"]) == 1 and len(looks["parallel"]) == 1
    ((s_colour, s_style),), ((p_colour, p_style),) = looks["sequential"], looks["parallel"]
    assert s_style != p_style

    def luminance(rgb):  # WCAG relative luminance: what remains in greyscale
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    brighter, darker = sorted((luminance(s_colour), luminance(p_colour)), reverse=True)
    assert (brighter + 0.05) / (darker + 0.05) > 2.5  # apart in greyscale, not by hue alone


def sampled(updates: int, rows: int = 100):
    """Trajectories of a long run recorded every k-th iteration, as train_both records one above
    MAX_RECORDED_ROWS updates, made cheaply: `rows` updates with the iteration numbers scaled
    up to `updates`. A figure's layout depends on its texts (the title's line on the sampling,
    tick labels such as 200000), not on the values drawn."""
    assert updates % rows == 0
    return [dataclasses.replace(t, iteration=t.iteration * (updates // rows)) for t in plotting.train_both(rows)]


def text_boxes(fig):
    """Draw fig (no pixels) and return {name: window extent} of its texts that must not overlap:
    the figure title, the legends, and each axes' title and the multipliers (1e−5) or offsets
    that matplotlib writes at the end of an axis (offset texts), those visible and not empty."""
    FigureCanvasAgg(fig)
    fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()
    texts = {"figure title": fig._suptitle}
    texts.update({f"figure legend {i}": legend for i, legend in enumerate(fig.legends)})
    for i, ax in enumerate(fig.axes):
        texts[f"axes {i} title {ax.get_title()!r}"] = ax.title
        texts[f"axes {i} legend"] = ax.get_legend()
        for axis in (ax.xaxis, ax.yaxis, getattr(ax, "zaxis", None)):  # z: a 3-D axes
            if axis is not None:
                texts[f"axes {i} {axis.axis_name} offset text"] = axis.get_offset_text()
    shown = {
        name: text for name, text in texts.items()
        if text is not None and text.get_visible() and (not hasattr(text, "get_text") or text.get_text().strip())
    }  # fmt: skip
    return {name: text.get_window_extent(renderer) for name, text in shown.items()}


def overlaps(boxes):
    names = sorted(boxes)
    return [(a, b) for i, a in enumerate(names) for b in names[i + 1 :] if boxes[a].overlaps(boxes[b])]


def crowded_tick_labels(fig):
    """Pairs of neighbouring tick labels of the same axis that run into each other (fig drawn)."""
    renderer = fig.canvas.get_renderer()
    crowded = []
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            labels = [label for label in axis.get_ticklabels() if label.get_visible() and label.get_text()]
            boxes = [label.get_window_extent(renderer) for label in labels]
            crowded += [(labels[i].get_text(), labels[i + 1].get_text()) for i in range(len(boxes) - 1)
                        if boxes[i].overlaps(boxes[i + 1])]  # fmt: skip
    return crowded


@pytest.mark.parametrize("run", ["1,500 updates", "200,000 updates, sampled"])
def test_no_figure_text_runs_into_another(run, figures):
    """The figure title (4 lines when the run was sampled), the figure legend, the axes' titles
    and any multiplier at the end of an axis keep clear of each other, in every figure at the
    default --dpi; and so do an axis' tick labels (at 200,000 updates matplotlib would put 9 ticks
    on a 4-inch axis, 75000 100000 125000 … touching). Drawing the module's figures changes none of
    their data."""
    if run != "1,500 updates":
        both = sampled(200_000)
        assert "\nrecorded and plotted: iterations 0, " in plotting.subtitle(both[0])
        figures = {**plot_convergence.draw(*both), **plot_key_differences.draw(*both), **plot_all_variables.draw(*both)}
    for name, fig in figures.items():
        fig.set_dpi(100)
        boxes = text_boxes(fig)
        assert "figure title" in boxes and overlaps(boxes) == [], (name, overlaps(boxes))
        if name != "weight_trajectories_3d":  # a 3-D axis' ticks are drawn in perspective
            assert crowded_tick_labels(fig) == [], name


def small_figure():
    """One line on one axes: what render() does to a file does not depend on the drawing."""
    fig = matplotlib.figure.Figure(figsize=(2, 1.5))
    fig.add_subplot().plot([0, 1, 2], [0.3, 0.1, 0.2], label="a line")
    return fig


def test_svg_and_pdf_are_reproducible_too():
    for fmt, date in (("svg", b"<dc:date>"), ("pdf", b"/CreationDate")):
        first = plotting.render(small_figure(), fmt)
        second = plotting.render(small_figure(), fmt)
        assert first == second, fmt  # and so no random ids
        assert date not in first, fmt  # two renders in the same second would hide a date


# --- the command line: one training pass, bad input -----------------------------------------


@pytest.mark.parametrize("module", [plot_convergence, plot_key_differences, plot_all_variables])
def test_each_script_trains_each_method_once_to_the_count_asked(module, monkeypatch, tmp_path):
    calls = []
    real = training.train
    monkeypatch.setattr(training, "train", lambda order, n, *a, **k: calls.append(n) or real(order, n, *a, **k))
    drawn = []
    monkeypatch.setattr(module, "draw", lambda s, p: drawn.append((s.method, p.method, s.iterations)) or {})
    monkeypatch.setattr(plotting, "save", lambda figures, *args: [])  # drawing and saving are tested above
    assert module.main(["--iterations", "40", "--outdir", str(tmp_path)]) == 0
    assert calls == [40, 40] and drawn == [("sequential", "parallel", 40)]


@pytest.mark.parametrize(
    "args",
    [["--iterations", "0"], ["--iterations", "-1"], ["--iterations", "1.5"], ["--iterations", "x"],
     ["--iterations", "100000001"], ["--dpi", "0"], ["--dpi", "nan"], ["--dpi", "601"], ["--format", "jpg"],
     ["--learning-rate", "-1"], ["--learning-rate", "inf"], ["--bogus"], ["extra"]],
)  # fmt: skip
def test_bad_flags_are_one_line_and_status_2(args, capsys, tmp_path):
    with pytest.raises(SystemExit) as exit_info:
        plot_key_differences.main([*args, "--outdir", str(tmp_path)])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("plot_key_differences.py: error:")
    assert os.listdir(tmp_path) == []


def test_a_failed_write_leaves_no_partial_file(tmp_path, monkeypatch, capsys):
    (tmp_path / "simple_convergence.png").mkdir()  # os.replace onto a folder fails
    monkeypatch.setattr(plotting, "render", lambda fig, fmt="png", dpi=100: b"the figure")  # rendering: tested above
    status = plot_convergence.main(["--iterations", "5", "--dpi", "10", "--outdir", str(tmp_path)])
    assert status == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("plot_convergence.py: cannot write into")
    assert os.listdir(tmp_path) == ["simple_convergence.png"]  # the folder, and no temporary file
    assert os.listdir(tmp_path / "simple_convergence.png") == []


def test_show_without_a_display_saves_and_says_so(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(matplotlib, "get_backend", lambda: "agg")  # what matplotlib picks with no display
    monkeypatch.setattr(plotting, "save", lambda figures, *args: [])
    assert plot_convergence.main(["--iterations", "5", "--show", "--outdir", str(tmp_path)]) == 0
    assert capsys.readouterr().err == "plot_convergence.py: no display to show the figures on; they were saved only\n"


def test_divergence_is_one_line_and_status_1(tmp_path, capsys):
    status = plot_all_variables.main(["--learning-rate", "1e300", "--outdir", str(tmp_path)])
    assert status == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "diverged at iteration 1" in err[0]
    assert os.listdir(tmp_path) == []
