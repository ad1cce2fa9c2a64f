"""Every edge a user can reach: signals, pipes, full devices, read-only and linked files, empty
paths, outputs checked before training, memory, and bad input to every script."""

import argparse
import errno
import os
import signal
import subprocess
import sys
import threading

import pytest
from conftest import ROOT, assert_one_line_error, call

import analyze_convergence
import ann_numpy
import ann_numpy_no_loop
import ann_numpy_original
import convergence_test
import exercises
import mlp
import plot_all_variables
import plot_convergence
import plot_key_differences
import plot_network
import sweep
import trask_networks
from backprop import batched, cli, files, layered, training
from benchmarks import bench_plots, bench_scripts, bench_sweep, bench_training, compare_mlp

# --- signals, pipes and a full device, as a user meets them -----------------------------------


def start(*args, stdout=subprocess.PIPE):
    return subprocess.Popen([sys.executable, *map(str, args)], cwd=ROOT, stdout=stdout, stderr=subprocess.PIPE,
                            text=True)  # fmt: skip


def test_signals_pipes_and_a_full_device(tmp_path):
    """Four processes at once: Ctrl-C, SIGTERM, a reader that goes away, and /dev/full."""
    long_run = [ROOT / "ann_numpy.py", "100000000", "--print-every", "1000"]
    with open("/dev/full", "w") as full:
        processes = {
            "SIGINT": start(*long_run),
            "SIGTERM": start(*long_run),
            "pipe": start(ROOT / "ann_numpy.py", "100000", "--print-every", "1"),
            "full": start(ROOT / "ann_numpy_no_loop.py", stdout=full),
        }
    try:
        for name, sig in (("SIGINT", signal.SIGINT), ("SIGTERM", signal.SIGTERM)):
            for _ in range(3):  # a few lines of output: training is under way
                assert processes[name].stdout.readline()
            processes[name].send_signal(sig)
        processes["pipe"].stdout.readline()
        processes["pipe"].stdout.close()  # the reader goes away, as `| head -1` does
        results = {name: (p.wait(timeout=60), p.stderr.read()) for name, p in processes.items()}
    finally:
        for p in processes.values():
            if p.poll() is None:
                p.kill()
                p.wait()
    status, err = results["SIGINT"]
    assert status == 130 and err.startswith("ann_numpy.py: interrupted at iteration ") and err.count("\n") == 1
    status, err = results["SIGTERM"]
    assert status == 143 and err.startswith("ann_numpy.py: terminated at iteration ") and err.count("\n") == 1
    assert results["pipe"] == (-signal.SIGPIPE, "")  # as `yes | head -1`: ended by SIGPIPE (141 in a shell), silent
    status, err = results["full"]
    assert status == 1 and err == "ann_numpy_no_loop.py: cannot write the output: No space left on device\n"


@pytest.fixture
def quiet_signals(monkeypatch):
    """cli.run in-process, without changing this test process's own signal handlers."""
    monkeypatch.setattr(cli.signal, "signal", lambda *args: None)


@pytest.mark.parametrize("raised, status, line", [
    (KeyboardInterrupt(), 130, "x.py: interrupted"),
    (cli.Terminated(), 143, "x.py: terminated"),
    (OSError(errno.ENOSPC, "No space left on device"), 1, "x.py: cannot write the output: No space left on device"),
])  # fmt: skip
def test_run_turns_interruptions_into_one_line_and_the_conventional_status(raised, status, line, quiet_signals,
                                                                         capsys):  # fmt: skip
    def main():
        raise raised

    with pytest.raises(SystemExit) as exit_:
        cli.run(main, "x.py")
    assert exit_.value.code == status
    assert capsys.readouterr().err == line + "\n"


def test_an_interrupt_names_the_iteration_training_reached(quiet_signals, capsys):
    def on_record(k, e):
        if k == 30:
            raise KeyboardInterrupt

    with pytest.raises(SystemExit) as exit_:
        cli.run(lambda: training.train("parallel", 100, record_every=10, on_record=on_record), "x.py")
    assert exit_.value.code == 130 and capsys.readouterr().err == "x.py: interrupted at iteration 30\n"


def test_mlp_names_the_epoch_an_interrupt_lands_in(quiet_signals, monkeypatch, capsys):
    def interrupt(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(layered.Trainer, "step", interrupt)
    with pytest.raises(SystemExit) as exit_:
        cli.run(lambda: mlp.main(["--epochs", "3", "--quiet"]), "mlp.py")
    assert exit_.value.code == 130 and capsys.readouterr().err == "mlp.py: interrupted at epoch 1\n"


def test_an_interrupted_write_leaves_nothing_behind(tmp_path, monkeypatch):
    path = tmp_path / "README.md"
    path.write_text("old")
    real_replace = os.replace

    def interrupted_before(tmp, target):
        raise cli.Terminated

    monkeypatch.setattr(files.os, "replace", interrupted_before)
    with pytest.raises(KeyboardInterrupt):
        files.atomic_write(path, "new")
    assert path.read_text() == "old" and os.listdir(tmp_path) == ["README.md"]

    def interrupted_after(tmp, target):  # the signal lands just after the rename
        real_replace(tmp, target)
        raise KeyboardInterrupt

    monkeypatch.setattr(files.os, "replace", interrupted_after)
    with pytest.raises(KeyboardInterrupt):  # an interruption, not a failed write: the file is written
        files.atomic_write(path, "new")
    assert path.read_text() == "new" and os.listdir(tmp_path) == ["README.md"]


def test_temporary_files_are_ignored_by_git(root):
    ignored = (root / ".gitignore").read_text().splitlines()
    assert ".tmp-*" in ignored  # atomic_write's temporary files start with .tmp-


# --- files ------------------------------------------------------------------------------------


@pytest.fixture
def readme(root, tmp_path):
    """A copy of README.md whose convergence-tables block is stale."""
    path = tmp_path / "README.md"
    text = (root / "README.md").read_text(encoding="utf-8")
    path.write_text(files.replace_block(text, "convergence-tables", "stale"), encoding="utf-8")
    return path


@pytest.fixture
def no_training(monkeypatch):
    """Training fails the test if it starts: what is checked must be checked before it."""

    def refuse(*args, **kwargs):
        raise AssertionError("training started before the outputs were checked")

    monkeypatch.setattr(training, "train", refuse)
    monkeypatch.setattr(layered, "train", refuse)
    monkeypatch.setattr(batched, "train_many", refuse)


def test_a_read_only_readme_is_refused_before_training(readme, no_training, capsys):
    readme.chmod(0o444)
    before = readme.read_bytes()
    result = call(convergence_test.main, "--update", readme, capsys=capsys)
    assert_one_line_error(result, "convergence_test.py", 1)
    assert "read-only" in result[2]
    assert readme.read_bytes() == before and os.listdir(readme.parent) == ["README.md"]


@pytest.mark.parametrize("unreadable", ["missing.md", "."])
def test_an_unreadable_readme_is_one_line_before_training(unreadable, tmp_path, no_training, capsys):
    result = call(convergence_test.main, "--check", tmp_path / unreadable, capsys=capsys)
    assert_one_line_error(result, "convergence_test.py", 1)
    assert result[2].startswith("convergence_test.py: cannot read ")


def test_a_symlinked_readme_is_updated_through_the_link(readme, capsys):
    link = readme.parent / "link.md"
    link.symlink_to(readme.name)
    status, _, err = call(convergence_test.main, "--counts", "0,1", "--update", link, capsys=capsys)
    assert status == 0, err
    assert link.is_symlink() and "stale" not in readme.read_text(encoding="utf-8")
    assert sorted(os.listdir(readme.parent)) == [".README.md.lock", "README.md", "link.md"]


def test_a_readme_with_two_hard_links_is_refused(readme, no_training, capsys):
    os.link(readme, readme.parent / "other.md")
    result = call(convergence_test.main, "--update", readme, capsys=capsys)
    assert_one_line_error(result, "convergence_test.py", 1)
    assert "2 hard links" in result[2]


def test_csv_streams_to_a_fifo_and_to_standard_output(tmp_path, capsys):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text()))
    reader.start()
    files.write_output(fifo, "a,b\n1,2\n")
    reader.join(timeout=10)
    assert received == ["a,b\n1,2\n"] and fifo.is_fifo()  # streamed into, not replaced
    assert files.why_not_output(fifo) is None and files.why_not_output("-") is None
    files.write_output("-", "to standard output\n")
    assert capsys.readouterr().out == "to standard output\n"


EMPTY_PATHS = [
    (convergence_test.main, "convergence_test.py", ["--check", ""]),
    (convergence_test.main, "convergence_test.py", ["--update", ""]),
    (analyze_convergence.main, "analyze_convergence.py", ["--csv", ""]),
    (analyze_convergence.main, "analyze_convergence.py", ["--check", ""]),
    (mlp.main, "mlp.py", ["--plot", ""]),
    (plot_convergence.main, "plot_convergence.py", ["--outdir", ""]),
    (sweep.main, "sweep.py", ["init", "--csv", ""]),
    (sweep.main, "sweep.py", ["learning-rate", "--plot", ""]),
    (plot_network.main, "plot_network.py", ["--animate", ""]),
]


@pytest.mark.parametrize("main, prog, args", EMPTY_PATHS)
def test_an_empty_path_is_a_usage_error(main, prog, args, no_training, capsys):
    result = call(main, *args, capsys=capsys)
    assert_one_line_error(result, prog, 2)
    assert "empty path" in result[2]


def test_outputs_are_checked_before_training(tmp_path, no_training, capsys):
    missing = tmp_path / "missing"
    blocked = tmp_path / "a_file"
    blocked.write_text("")
    for main, prog, args in [
        (mlp.main, "mlp.py", ["--plot", missing / "curves.png"]),
        (analyze_convergence.main, "analyze_convergence.py", ["--csv", missing / "t.csv"]),
        (analyze_convergence.main, "analyze_convergence.py", ["--update", missing / "README.md"]),
        (convergence_test.main, "convergence_test.py", ["--update", blocked]),  # no markers
        (plot_convergence.main, "plot_convergence.py", ["--outdir", blocked / "below"]),
        (sweep.main, "sweep.py", ["learning-rate", "--csv", missing / "s.csv"]),
        (sweep.main, "sweep.py", ["init", "--plot", missing / "s.png"]),
        (sweep.main, "sweep.py", ["init", "--plot", blocked / "s.png"]),
        (sweep.main, "sweep.py", ["--update", blocked]),  # no markers
    ]:
        assert_one_line_error(call(main, *args, capsys=capsys), prog, 1)
    assert sorted(os.listdir(tmp_path)) == ["a_file"]


def test_a_failed_plot_run_leaves_no_empty_folder(tmp_path, capsys):
    outdir = tmp_path / "new" / "figures"
    result = call(plot_all_variables.main, "--learning-rate", "1e300", "--outdir", outdir, capsys=capsys)
    assert_one_line_error(result, "plot_all_variables.py", 1)
    assert os.listdir(tmp_path) == []


# --- memory and numbers -------------------------------------------------------------------------


def test_what_would_not_fit_is_refused_naming_the_memory(capsys):
    result = call(analyze_convergence.main, "--iterations", "100000000", capsys=capsys)
    assert_one_line_error(result, "analyze_convergence.py", 2)
    assert "GB" in result[2]
    result = call(ann_numpy.main, "100000000", "--print-every", "1", capsys=capsys)
    assert_one_line_error(result, "ann_numpy.py", 2)
    assert "about 32.2 GB" in result[2]  # 10^8 + 1 rows of 248 bytes, 1.3 × that at the peak
    with pytest.raises(ValueError, match="GB"):
        training.train("parallel", training.MAX_RECORDED_ROWS)


@pytest.mark.parametrize("eta", ["1e-6", "1e-10", "1e10"])
@pytest.mark.parametrize("module", [ann_numpy, ann_numpy_original])
def test_check_gradients_has_no_false_failure(module, eta, capsys):
    status, out, err = call(module.main, "--check-gradients", "--learning-rate", eta, capsys=capsys)
    assert status == 0 and out.strip().endswith("all checks passed"), out + err


@pytest.mark.parametrize("eta", ["1e300", "5e-324"])
def test_check_gradients_where_it_cannot_check_is_one_line(eta, capsys):
    result = call(ann_numpy.main, "--check-gradients", "--learning-rate", eta, capsys=capsys)
    assert_one_line_error(result, "ann_numpy.py", 1)
    assert result[2].startswith("ann_numpy.py: cannot check the gradients at learning rate")


def test_a_tiny_error_shows_its_digits(capsys):
    assert cli.error_text(0.0011139404) == "0.0011139404"
    assert cli.error_text(3.50848e-5) == "0.0000350848"
    assert cli.error_text(2.604651731e-30) == "2.604651731e-30"
    assert cli.error_text(0.0) == "0.0000000000"
    status, out, _ = call(ann_numpy.main, "300", "--learning-rate", "50", capsys=capsys)  # E ≈ 1.7e-6
    last = out.splitlines()[2]
    assert status == 0 and "0.0000000000" not in out and "e-" in last, last


# --- bad input to every script, in-process ---------------------------------------------------------

BAD_INPUT = {
    "ann_numpy.py": (ann_numpy.main, [["--learn", "0.1"], ["-1"], ["--print-every", "x"], ["--weights", "1,2"]]),
    "ann_numpy_original.py": (ann_numpy_original.main, [["--learn", "0.1"], ["1e3"], ["--biases", "all"],
                                                        ["--example", ""], ["--b1", "1,2,3"]]),  # fmt: skip
    "ann_numpy_no_loop.py": (ann_numpy_no_loop.main, [["--jso"], ["3"], ["--targets", "0.1"], ["--check", ""]]),
    "convergence_test.py": (convergence_test.main, [["--count", "1"], ["--counts", ""], ["--format", "xml"],
                                                    ["--update", "README.md", "--inputs", "1,1"]]),  # fmt: skip
    "analyze_convergence.py": (analyze_convergence.main, [["--iter", "20000"], ["--counts", "1,,2"],
                                                          ["--check", "README.md", "--loss", "sse"]]),  # fmt: skip
    "plot_convergence.py": (plot_convergence.main, [["--dpi", "-1"], ["--iterations", "0"], ["--out", "x"],
                                                    ["--weights", "1,2,3,4,5,6,7,x"]]),  # fmt: skip
    "plot_key_differences.py": (plot_key_differences.main, [["--format", "bmp"], ["--inputs", "inf,1"]]),
    "plot_all_variables.py": (plot_all_variables.main, [["--learning-rate", "nan"],
                                                        ["--b2", "0.1,0.2", "--biases", "shared"]]),  # fmt: skip
    "plot_network.py": (plot_network.main, [["--frames", "0"], ["--animate", "training.png"], ["--order", "diagonal"],
                                            ["--weights", "0.1,0.2,0.3"], ["--fps", "0"], ["--frames", "2"],
                                            ["--animate", "a.gif", "--backward-pass"],
                                            ["--animate", "a.gif", "--show"]]),  # fmt: skip
    "mlp.py": (mlp.main, [["--layers", ",".join(["3"] + ["2"] * 100 + ["1"])], ["--epoch", "3"], ["--seed", "-1"]]),
    "sweep.py": (sweep.main, [
        [], ["diagonal"], ["learning-rate", "--from", "10", "--to", "1"], ["learning-rate", "--from", "0"],
        ["learning-rate", "--to", "-1"], ["learning-rate", "--from", "2", "--to", "2"], ["learning-rate", "--num", "0"],
        ["init", "--networks", "0"], ["init", "--networks", "100000000"], ["learning-rate", "--num", "1e9"],
        ["learning-rate", "--orders", "parallel,diagonal"], ["init", "--scale", "0"], ["init", "--scale", "-2"],
        ["learning-rate", "--thresholds", "1.5"], ["learning-rate", "--thresholds", "0,1e-3"],
        ["init", "--thresholds", "1e-3,0.001"], ["init", "--distribution", "cauchy"], ["init", "--iterations", "0"],
        ["init", "--workers", "0"], ["learning-rate", "--plot", "figure.bmp"], ["init", "--update", "README.md"],
        ["learning-rate", "--iterations", "x"], ["--update", "README.md", "init"],
    ]),
    "trask_networks.py": (trask_networks.main, [["five-layer"], ["two-layer", "--updates", "x"]]),
    "exercises.py": (exercises.main, [[], ["generate"], ["grade", "x"], ["generate", "t.json", "--count", "0", "--seed",
                                      "1", "--outdir", "o"], ["generate", "", "--count", "2", "--seed", "1",
                                      "--outdir", "o"], ["grade", "s", "--exercises", "d", "--out", ""]]),
    "bench_training": (bench_training.main, [["--repeat", "0"], ["--iterations", "x"], ["--iter", "5"]]),
    "bench_scripts": (bench_scripts.main, [["--repeat", "-3"]]),
    "bench_sweep": (bench_sweep.main, [["--repeat", "0"], ["--quick", "x"]]),
    "bench_plots": (bench_plots.main, [["--iterations", "0"], ["--repeat", "1.5"]]),
    "compare_mlp": (compare_mlp.main, [["--seeds", "a"], ["--adam-epochs", "0"], ["--sgd", "3"]]),
}


def test_bad_input_to_every_script_is_one_line_status_2_and_nothing_written(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    for prog, (main, cases) in BAD_INPUT.items():
        for args in cases:
            result = call(main, *args, capsys=capsys)
            assert_one_line_error(result, prog, 2)
            assert result[1] == "", (prog, args)
    assert os.listdir(tmp_path) == []


def flags_taking_a_value(main) -> list[list[str]]:
    """Every option of main's parser (and of its subcommands) that takes a value, as the words
    that reach it: ["--seed"] or ["init", "--networks"]; read from the parsers' actions, so
    that a flag added later is covered too."""
    made = []
    init = cli.ArgumentParser.__init__

    def record(self, *args, **kwargs):
        made.append(self)
        init(self, *args, **kwargs)

    cli.ArgumentParser.__init__ = record
    try:
        main(["--help"])
    except SystemExit:
        pass
    finally:
        cli.ArgumentParser.__init__ = init

    def walk(parser, words):
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    yield from walk(sub, [*words, name])
            elif action.option_strings and action.nargs != 0:
                yield from ([*words, option] for option in action.option_strings)

    return list(walk(made[0], []))


def test_a_flag_given_as_flag_equals_dash_dash_is_a_usage_error(tmp_path, monkeypatch, capsys):
    """--FLAG=--: argparse drops the '--' and would hand the flag [] without calling its type."""
    monkeypatch.chdir(tmp_path)
    tried = 0
    for prog, (main, _) in BAD_INPUT.items():
        flags = flags_taking_a_value(main)
        capsys.readouterr()
        assert flags, prog
        for *words, flag in flags:
            result = call(main, *words, f"{flag}=--", capsys=capsys)
            assert_one_line_error(result, prog, 2)
            assert result[1] == "" and "'--'" in result[2], (prog, flag, result)
            tried += 1
    assert tried > 150, tried
    assert os.listdir(tmp_path) == []
