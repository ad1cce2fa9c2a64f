"""Ctrl-C and SIGTERM during a script's start-up: one line and the conventional status.

Every script imports this module first, before NumPy and matplotlib (which take most of a
second to import). When the script runs as a program (it is __main__, a file at the top of
the project), Ctrl-C from here on prints "NAME: interrupted" and ends the process with status
130 (SIGTERM: "terminated", 143): nothing has been written yet, so there is nothing to unwind.
cli.run() then takes over, and Ctrl-C unwinds the program as a KeyboardInterrupt. An error
before then (an import that fails for want of memory) is one line and status 1. Imported
any other way (tests, notebooks) it does nothing. Nothing is imported that the interpreter has
not loaded already at its start.
"""

import _signal as signal  # the built-in module itself: the signal module imports enum, which takes a while
import os
import sys

# The project's scripts (tests/test_faults.py holds this list to the files at the top of the project): a
# program of one's own beside them, a notebook or `python -` keeps Python's own traceback.
SCRIPTS = frozenset({
    "analyze_convergence.py", "ann_numpy.py", "ann_numpy_no_loop.py", "ann_numpy_original.py", "convergence_test.py",
    "exercises.py", "mlp.py", "plot_all_variables.py", "plot_convergence.py", "plot_key_differences.py",
    "plot_network.py", "sweep.py", "trask_networks.py",
})  # fmt: skip


def _started_as_program() -> str | None:
    """The script's file name when the program being started is one of the top-level scripts."""
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    if not path or os.path.basename(path) not in SCRIPTS:
        return None
    project = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    return os.path.basename(path) if os.path.dirname(os.path.abspath(path)) == project else None


def _end(signum, frame):
    terminated = signum == signal.SIGTERM
    os.write(2, f"{PROG}: {'terminated' if terminated else 'interrupted'}\n".encode())
    os._exit(143 if terminated else 130)


def _one_line(kind, exc, tb):
    """An error before cli.run() takes over (an import that fails for want of memory): one line, status 1."""
    if issubclass(kind, KeyboardInterrupt):
        _end(signal.SIGINT, None)
    what = "out of memory" if issubclass(kind, MemoryError) else f"{kind.__name__}: {exc}".splitlines()[0][:200]
    os.write(2, f"{PROG}: cannot start: {what}\n".encode())
    os._exit(1)


PROG = _started_as_program()
if PROG:
    sys.excepthook = _one_line
    # A signal ignored by whoever started us (a background job's SIGINT) stays ignored.
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        signal.signal(signal.SIGINT, _end)
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _end)
