"""Progress bars (backprop/progress.py): on stderr only when it is a terminal, never with --quiet,
and stdout the same either way; an interrupt's one line starts on a clean line."""

import fcntl
import io
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios

import pytest
from conftest import ROOT

import analyze_convergence
import ann_numpy
import mlp
import plot_network
import sweep
from backprop import cli, progress, scalar, training, training_cli


class Terminal(io.StringIO):
    """A stderr that says it is a terminal."""

    def isatty(self):
        return True


def run(main, args, monkeypatch, capsys, terminal: bool):
    """main(args) in-process: (status, stdout, stderr), stderr a terminal or not."""
    stderr = Terminal() if terminal else io.StringIO()
    monkeypatch.setattr(sys, "stderr", stderr)
    try:
        status = main([str(a) for a in args])
    except SystemExit as exit_:
        status = exit_.code
    return status, capsys.readouterr().out, stderr.getvalue()


SCRIPTS = {
    "ann_numpy.py": (ann_numpy.main, ["3000"], "update"),  # a bar from 10^6 updates: lowered below
    "analyze_convergence.py": (analyze_convergence.main, [], "update"),
    "sweep.py": (sweep.main, ["init", "--networks", "30", "--iterations", "200", "--workers", "2"], "network"),
    "mlp.py": (mlp.main, ["--epochs", "2", "--layers", "3,4,1"], "epoch"),
    "plot_network.py": (plot_network.main, ["--animate", "{tmp}/a.gif", "--frames", "3", "--iterations", "20",
                                            "--dpi", "20"], "frame"),
}  # fmt: skip
SLOW = ("analyze_convergence.py", "plot_network.py")  # stdout in a pipe: as every other test runs them


@pytest.mark.parametrize("script", SCRIPTS)
def test_a_bar_on_a_terminal_only_and_stdout_the_same(script, monkeypatch, capsys, tmp_path):
    main, args, unit = SCRIPTS[script]
    args = [a.format(tmp=tmp_path) for a in args]
    monkeypatch.setattr(training_cli, "SHOW_PROGRESS_FROM", 1000)
    shown = run(main, args, monkeypatch, capsys, terminal=True)
    assert shown[0] == 0, shown[2]
    bar = shown[2]
    assert f"{unit}/s]" in bar and "100%" not in bar[:10] and "<" in bar  # a rate and the time left
    assert bar.endswith("\r") and bar.split("\r")[-2].strip() == ""  # erased when done: no line left behind
    for terminal, extra in ((True, ["--quiet"]), (False, []))[: 1 if script in SLOW else 2]:  # --quiet; a pipe
        status, out, err = run(main, args + extra, monkeypatch, capsys, terminal)
        assert (status, err) == (0, "")
        assert untimed(out) == untimed(shown[1])


def untimed(text: str) -> str:
    """stdout without the seconds a run took (mlp.py reports them)."""
    return re.sub(r"\b\d+\.\d+ s\b", "… s", text)


def test_training_scripts_show_a_bar_from_a_million_updates(monkeypatch, capsys):
    assert training_cli.SHOW_PROGRESS_FROM == 1_000_000
    monkeypatch.setattr(training_cli, "SHOW_PROGRESS_FROM", 1000)
    assert run(ann_numpy.main, ["999"], monkeypatch, capsys, terminal=True)[2] == ""
    assert run(ann_numpy.main, ["2000", "--print-every", "500"], monkeypatch, capsys, terminal=True)[2] == ""


def test_an_interrupt_clears_the_bar_then_says_how_far_training_got(monkeypatch, capsys):
    monkeypatch.setattr(cli.signal, "signal", lambda *args: None)  # this process's own handlers stay
    monkeypatch.setattr(training, "CHUNK", 1000)
    real_run = scalar.run

    def interrupted(s, n, **kwargs):
        if kwargs.get("record") is None and n == 1000 and interrupted.chunks == 3:
            raise KeyboardInterrupt
        interrupted.chunks += 1
        return real_run(s, n, **kwargs)

    interrupted.chunks = 0
    monkeypatch.setattr(scalar, "run", interrupted)
    stderr = Terminal()
    monkeypatch.setattr(sys, "stderr", stderr)
    with pytest.raises(SystemExit) as exit_:
        cli.run(lambda: ann_numpy.main(["1000000"]), "ann_numpy.py")
    assert exit_.value.code == 130
    err = stderr.getvalue()
    assert "update/s]" in err
    before, line = err.rsplit("\r", 1)
    assert before.rsplit("\r", 1)[-1].strip() == ""  # the bar erased, then the one line from column 0
    assert line == "ann_numpy.py: interrupted at iteration 2001\n"


def test_the_helper_draws_nothing_without_a_terminal():
    assert isinstance(progress.bar(10, "update", stream=io.StringIO()), progress.Silent)
    assert isinstance(progress.bar(10, "update", quiet=True, stream=Terminal()), progress.Silent)
    assert not progress.shown(stream=None) or sys.stderr.isatty()
    with progress.bar(10, "update", stream=Terminal()) as bar:
        bar.to(5)
        assert bar.n == 5


def test_under_a_pseudo_terminal_as_a_user_runs_it(monkeypatch, capsys):
    """The real thing: stderr a pty (a bar), stdout a pipe; then, in-process, stderr not a terminal
    (nothing on it), the same stdout."""
    args = [sys.executable, str(ROOT / "sweep.py"), "learning-rate", "--num", "20", "--iterations", "300"]
    controller, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # 24 rows of 100 columns
    seen = b""
    try:  # the terminal's end stays open here until the child is done, so that nothing written is lost
        child = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=terminal, cwd=ROOT, text=True)
        out = child.communicate(timeout=120)[0]
        assert child.returncode == 0
        while select.select([controller], [], [], 0)[0]:
            seen += os.read(controller, 65536)
    finally:
        os.close(terminal)
        os.close(controller)
    assert b"network/s]" in seen
    assert run(sweep.main, args[2:], monkeypatch, capsys, terminal=False) == (0, out, "")
